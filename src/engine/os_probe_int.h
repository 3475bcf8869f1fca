/* engine_os internals shared by os_probe.c and os_signals.c. */
#ifndef ECHOLOT_ENGINE_OS_PROBE_INT_H
#define ECHOLOT_ENGINE_OS_PROBE_INT_H

#include "os_probe.h"

/* One engine run: count probes with this TTL and code, at once, then wait
 * up to wait_ns for their answers (p->step says what came).  0 or -errno. */
int engine_os_step(struct engine_os *p, int ttl, unsigned count, uint8_t code,
		   int64_t wait_ns);
/* The same, with the signal probes (a timestamp request, the quote
 * probe) beside the echo requests, one each. */
int engine_os_run(struct engine_os *p, int ttl, unsigned count, uint8_t code,
		  int64_t wait_ns, bool signals);
/* How long to wait for an answer once an RTT is known, by end. */
int64_t engine_os_wait(const struct engine_os *p, int64_t end);

#endif
