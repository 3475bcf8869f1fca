/* The gate: events wait here, in order, for the names their lines show.
 *
 * The engine's other consumers (statistics, JSON) see every event as it
 * happens; only the text reporter sits behind the gate.  An event whose
 * line needs a name not yet known is copied and held, and every event
 * after it is held too, so lines keep their order.  The cli calls
 * report_gate_release() when answers come; EV_END waits for them all. */
#include <stdlib.h>
#include <string.h>

#include "gate.h"

/* Beyond this many held bytes the gate waits for names rather than hold
 * more: memory stays bounded whatever the resolver does. */
#define GATE_MAX_BYTES (4u << 20)

struct report_gate_held {
	struct report_gate_held *next;
	struct event ev;
	struct sockaddr_storage from, to;
	uint8_t ip_opts[40];
	size_t bytes;
	uint8_t data[];         /* ev.data_len bytes */
};

void report_gate_init(struct report_gate *g, const struct report_gate_cfg *cfg)
{
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
}

static const struct sockaddr *named(struct report_gate *g,
				    const struct event *ev)
{
	return g->cfg.named ? g->cfg.named(g->cfg.named_ctx, ev) : NULL;
}

/* Is ev's name known (and if not, is it being looked up now)? */
static bool ready(struct report_gate *g, const struct event *ev)
{
	const struct sockaddr *sa = named(g, ev);

	if (!sa || !g->cfg.namer.ready)
		return true;
	return g->cfg.namer.ready(g->cfg.namer.ctx, sa, ev->fromlen);
}

static void pass(struct report_gate *g, const struct event *ev)
{
	g->cfg.out.on_event(g->cfg.out.ctx, ev);
}

static void pop(struct report_gate *g)
{
	struct report_gate_held *h = g->head;

	g->head = h->next;
	if (!g->head)
		g->tail = NULL;
	g->held_bytes -= h->bytes;
	pass(g, &h->ev);
	free(h);
}

void report_gate_release(struct report_gate *g)
{
	while (g->head && ready(g, &g->head->ev))
		pop(g);
}

/* Everything out, waiting for names as long as the resolver takes. */
static void drain(struct report_gate *g)
{
	for (;;) {
		report_gate_release(g);
		if (!g->head)
			return;
		if (g->cfg.namer.wait)
			g->cfg.namer.wait(g->cfg.namer.ctx);
		else
			pop(g);         /* nothing to wait on: pretty() will */
	}
}

/* A copy of ev that owns what ev points to. */
static struct report_gate_held *hold(const struct event *ev)
{
	size_t dlen = ev->data ? ev->data_len : 0;
	struct report_gate_held *h = malloc(sizeof(*h) + dlen);

	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->ev = *ev;
	h->bytes = sizeof(*h) + dlen;
	if (ev->from) {
		size_t n = ev->fromlen < sizeof(h->from) ? ev->fromlen : sizeof(h->from);

		memcpy(&h->from, ev->from, n);
		h->ev.from = (const struct sockaddr *)&h->from;
		h->ev.fromlen = (socklen_t)n;
	}
	if (ev->ip_opts && ev->ip_opts_len) {
		size_t n = ev->ip_opts_len < sizeof(h->ip_opts) ?
			   ev->ip_opts_len : sizeof(h->ip_opts);

		memcpy(h->ip_opts, ev->ip_opts, n);
		h->ev.ip_opts = h->ip_opts;
		h->ev.ip_opts_len = n;
	}
	if (ev->to && ev->tolen <= sizeof(h->to)) {
		memcpy(&h->to, ev->to, ev->tolen);
		h->ev.to = (const struct sockaddr *)&h->to;
	} else {
		h->ev.to = NULL;
		h->ev.tolen = 0;
	}
	if (dlen) {
		memcpy(h->data, ev->data, dlen);
		h->ev.data = h->data;
	}
	/* Not kept: ping's lines print none of it. */
	h->ev.ext = NULL;
	h->ev.ext_len = 0;
	return h;
}

void report_gate_on_event(void *ctx, const struct event *ev)
{
	struct report_gate *g = ctx;
	struct report_gate_held *h;
	bool ok = ready(g, ev);         /* starts the lookup if need be */

	if (ev->type == EV_END) {
		drain(g);
		pass(g, ev);
		return;
	}
	if (!g->head && ok) {
		pass(g, ev);
		return;
	}
	while (g->head && g->held_bytes >= GATE_MAX_BYTES) {
		if (g->cfg.namer.wait)
			g->cfg.namer.wait(g->cfg.namer.ctx);
		else
			pop(g);
		report_gate_release(g);
	}
	if (!g->head && ready(g, ev)) {
		pass(g, ev);
		return;
	}
	h = hold(ev);
	if (!h) {
		/* No memory to hold it: wait for the names instead. */
		drain(g);
		pass(g, ev);
		return;
	}
	if (g->tail)
		g->tail->next = h;
	else
		g->head = h;
	g->tail = h;
	g->held_bytes += h->bytes;
}

void report_gate_free(struct report_gate *g)
{
	while (g->head) {
		struct report_gate_held *h = g->head;

		g->head = h->next;
		free(h);
	}
	g->tail = NULL;
	g->held_bytes = 0;
}
