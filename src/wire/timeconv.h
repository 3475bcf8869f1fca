/* Time units and timespec conversion: the one home of NSEC and friends.
 * No clock is read here. */
#ifndef ECHOLOT_WIRE_TIMECONV_H
#define ECHOLOT_WIRE_TIMECONV_H

#include <stdint.h>
#include <time.h>

#define NSEC 1000000000LL
#define MSEC 1000000LL
#define USEC 1000LL

static inline int64_t wire_ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static inline struct timespec wire_ns_ts(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / NSEC), (long)(ns % NSEC) };

	return ts;
}

#endif
