/* Rounds of one trace: run it again on the same sockets and flow. */
#ifndef ECHOLOT_TRACE_ROUNDS_H
#define ECHOLOT_TRACE_ROUNDS_H

#include "trace.h"

/* Ready t (run before) for another trace_run: probes unsent, new keys. */
void trace_rearm(struct trace *t);

#endif
