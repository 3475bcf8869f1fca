/* Unit tests for src/report/gate.c: events wait, in order, for the names
 * their lines show, and own copies of what they point to while they wait.
 * The namer here is scripted: an address is "known" once the test says
 * it has been answered; wait() answers the oldest lookup. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "report/gate.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct script {
	uint32_t known[8];      /* addresses with a name (network order) */
	unsigned nknown;
	uint32_t asked[8];      /* lookups started, oldest first */
	unsigned nasked;
	unsigned waits;
	/* what reached the reporter: event type, seq, first data byte */
	struct { enum event_type type; uint16_t seq; int byte0; uint32_t from; } got[32];
	unsigned ngot;
};

static uint32_t addr_of(const struct sockaddr *sa)
{
	return ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
}

static bool known(const struct script *s, uint32_t a)
{
	for (unsigned i = 0; i < s->nknown; i++)
		if (s->known[i] == a)
			return true;
	return false;
}

static bool fake_ready(void *ctx, const struct sockaddr *sa, socklen_t len)
{
	struct script *s = ctx;
	uint32_t a = addr_of(sa);

	(void)len;
	if (known(s, a))
		return true;
	for (unsigned i = 0; i < s->nasked; i++)
		if (s->asked[i] == a)
			return false;
	s->asked[s->nasked++] = a;
	return false;
}

static void answer(struct script *s, uint32_t a)
{
	s->known[s->nknown++] = a;
	for (unsigned i = 0; i < s->nasked; i++)
		if (s->asked[i] == a) {
			memmove(&s->asked[i], &s->asked[i + 1],
				(s->nasked - i - 1) * sizeof(s->asked[0]));
			s->nasked--;
			return;
		}
}

static void fake_wait(void *ctx)
{
	struct script *s = ctx;

	s->waits++;
	if (s->nasked)
		answer(s, s->asked[0]);
}

static const char *fake_pretty(void *ctx, const struct sockaddr *sa, socklen_t len)
{
	(void)ctx, (void)sa, (void)len;
	return "name";
}

/* The text reporter's stand-in: records what it is given, and reads what
 * the event points to (so a dangling pointer shows under ASan). */
static void sink(void *ctx, const struct event *ev)
{
	struct script *s = ctx;

	if (s->ngot >= ARRAY_LEN(s->got))
		return;
	s->got[s->ngot].type = ev->type;
	s->got[s->ngot].seq = ev->seq;
	s->got[s->ngot].byte0 = ev->data && ev->data_len ? ev->data[0] : -1;
	s->got[s->ngot].from = ev->from ? addr_of(ev->from) : 0;
	s->ngot++;
}

/* Replies and errors show their source's name; nothing else does. */
static const struct sockaddr *named(void *ctx, const struct event *ev)
{
	(void)ctx;
	return ev->type == EV_REPLY || ev->type == EV_ERROR ? ev->from : NULL;
}

static void setup(struct report_gate *g, struct script *s)
{
	struct report_gate_cfg c = {
		.out = { sink, s },
		.named = named,
		.named_ctx = NULL,
		.namer = { fake_pretty, fake_ready, fake_wait, s },
	};

	memset(s, 0, sizeof(*s));
	report_gate_init(g, &c);
}

/* Emit an event whose from/data live on this function's stack only. */
static void emit(struct report_gate *g, enum event_type type, uint16_t seq,
		 const char *from, uint8_t byte0)
{
	struct sockaddr_in sin;
	uint8_t data[16];
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	memset(&sin, 0, sizeof(sin));
	memset(data, byte0, sizeof(data));
	ev.type = type;
	ev.seq = seq;
	if (from) {
		sin.sin_family = AF_INET;
		inet_pton(AF_INET, from, &sin.sin_addr);
		ev.from = (struct sockaddr *)&sin;
		ev.fromlen = sizeof(sin);
	}
	ev.data = data;
	ev.data_len = sizeof(data);
	report_gate_on_event(g, &ev);
	/* The gate must not keep pointers into this frame. */
	memset(&sin, 0xee, sizeof(sin));
	memset(data, 0xee, sizeof(data));
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void test_known_names_pass_at_once(void **state)
{
	struct report_gate g;
	struct script s;

	(void)state;
	setup(&g, &s);
	s.known[s.nknown++] = ip("198.18.0.2");
	emit(&g, EV_SENT, 1, NULL, 0);
	emit(&g, EV_REPLY, 1, "198.18.0.2", 7);
	assert_int_equal(s.ngot, 2);
	assert_int_equal(s.got[1].type, EV_REPLY);
	assert_int_equal(s.got[1].byte0, 7);
	assert_int_equal(s.nasked, 0);
	report_gate_free(&g);
}

static void test_unknown_name_holds_everything_after_it(void **state)
{
	struct report_gate g;
	struct script s;

	(void)state;
	setup(&g, &s);
	s.known[s.nknown++] = ip("198.18.0.2");
	emit(&g, EV_ERROR, 1, "198.18.1.2", 1);         /* router: unknown */
	emit(&g, EV_SENT, 2, NULL, 0);
	emit(&g, EV_REPLY, 2, "198.18.0.2", 2);         /* known, but after */
	assert_int_equal(s.ngot, 0);
	assert_int_equal(s.nasked, 1);
	assert_int_equal(s.asked[0], ip("198.18.1.2"));
	report_gate_release(&g);                        /* nothing answered */
	assert_int_equal(s.ngot, 0);
	answer(&s, ip("198.18.1.2"));
	report_gate_release(&g);
	assert_int_equal(s.ngot, 3);
	assert_int_equal(s.got[0].type, EV_ERROR);
	assert_int_equal(s.got[0].seq, 1);
	/* The held copies, not the (overwritten) originals. */
	assert_int_equal(s.got[0].from, ip("198.18.1.2"));
	assert_int_equal(s.got[0].byte0, 1);
	assert_int_equal(s.got[1].type, EV_SENT);
	assert_int_equal(s.got[2].seq, 2);
	assert_int_equal(s.got[2].byte0, 2);
	assert_int_equal(s.waits, 0);
	report_gate_free(&g);
}

static void test_release_stops_at_the_next_unknown(void **state)
{
	struct report_gate g;
	struct script s;

	(void)state;
	setup(&g, &s);
	emit(&g, EV_ERROR, 1, "198.18.1.2", 0);
	emit(&g, EV_ERROR, 2, "198.18.2.2", 0);
	emit(&g, EV_ERROR, 3, "198.18.1.2", 0);
	assert_int_equal(s.nasked, 2);                  /* one lookup each */
	answer(&s, ip("198.18.1.2"));
	report_gate_release(&g);
	assert_int_equal(s.ngot, 1);                    /* seq 2 still waits */
	answer(&s, ip("198.18.2.2"));
	report_gate_release(&g);
	assert_int_equal(s.ngot, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(s.got[i].seq, i + 1);
	report_gate_free(&g);
}

static void test_end_waits_for_every_name(void **state)
{
	struct report_gate g;
	struct script s;

	(void)state;
	setup(&g, &s);
	emit(&g, EV_ERROR, 1, "198.18.1.2", 0);
	emit(&g, EV_ERROR, 2, "198.18.2.2", 0);
	emit(&g, EV_END, 0, NULL, 0);
	assert_int_equal(s.ngot, 3);
	assert_int_equal(s.got[0].seq, 1);
	assert_int_equal(s.got[1].seq, 2);
	assert_int_equal(s.got[2].type, EV_END);
	assert_int_equal(s.waits, 2);
	report_gate_free(&g);
}

static void test_free_drops_what_is_held(void **state)
{
	struct report_gate g;
	struct script s;

	(void)state;
	setup(&g, &s);
	emit(&g, EV_ERROR, 1, "198.18.1.2", 0);
	emit(&g, EV_REPLY, 2, "198.18.1.2", 0);
	report_gate_free(&g);           /* LeakSanitizer: nothing left */
	assert_int_equal(s.ngot, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_names_pass_at_once),
		cmocka_unit_test(test_unknown_name_holds_everything_after_it),
		cmocka_unit_test(test_release_stops_at_the_next_unknown),
		cmocka_unit_test(test_end_waits_for_every_name),
		cmocka_unit_test(test_free_drops_what_is_held),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
