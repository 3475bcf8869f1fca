/* http: a small HTTP server for the exporter, on libmicrohttpd, driven by
 * the engine's loop (no thread of its own): the listening socket is
 * opened here, before privileges are dropped, and the server runs in
 * MHD's external mode with epoll, so that the whole daemon waits in one
 * ppoll and lives under one seccomp filter.
 *
 * libmicrohttpd is loaded when a server is opened (dlopen), not at every
 * start of the binary: ping and traceroute never pay for it (it brings
 * GnuTLS along).
 *
 * A request is answered at once (http_reply, http_reply_stream) or held
 * (http_hold) and answered later, from another event (a probe's answer):
 * MHD's suspend and resume. */
#ifndef ECHOLOT_HTTP_H
#define ECHOLOT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct http_server;
struct http_req;

struct http_handler {
	/* A request whose headers have come.  Answer it before returning,
	 * or hold it.  An unanswered, unheld request gets a 500. */
	void (*on_request)(void *ctx, struct http_req *rq);
	/* rq is over (answered and sent, or its connection gone): forget
	 * it.  May be NULL. */
	void (*on_close)(void *ctx, struct http_req *rq);
	void *ctx;
};

struct http_cfg {
	const char *listen;     /* ":9374", "127.0.0.1:9374", "[::1]:9374",
	                           "name:port" */
	unsigned max_conns;     /* connections at once, held ones included */
	unsigned per_ip;        /* from one address (0: no limit of its own) */
	unsigned timeout_s;     /* an idle connection is closed after this */
	size_t conn_memory;     /* a connection's memory: its request line
	                           and headers must fit (else 414 / 431) */
	struct http_handler h;
};

/* Load libmicrohttpd, open and bind the listening socket, start the
 * server.  0, or -errno with a one-line reason in err. */
int http_open(struct http_server **out, const struct http_cfg *cfg,
	      char *err, size_t errlen);
/* Stop the server; held requests are answered 503 first. */
void http_close(struct http_server *s);

/* The descriptors the loop watches: readable means http_run.  Two: the
 * server's epoll set and a timer for its timeouts. */
unsigned http_fds(const struct http_server *s, int fds[2]);
/* Serve what is ready; never blocks. */
void http_run(struct http_server *s);
/* The address it listens on, as given ("127.0.0.1:9374"). */
const char *http_listening(const struct http_server *s);

/* What was asked.  The path has no query string; an argument or header
 * that is not there is NULL. */
const char *http_method(const struct http_req *rq);
const char *http_path(const struct http_req *rq);
const char *http_arg(const struct http_req *rq, const char *key);
const char *http_header(const struct http_req *rq, const char *name);

/* A pointer of the handler's, kept with the request. */
void http_set_data(struct http_req *rq, void *data);
void *http_data(const struct http_req *rq);

/* Answer with body (copied).  0 or -errno. */
int http_reply(struct http_req *rq, unsigned status, const char *ctype,
	       const void *body, size_t len);
/* Answer with a body made as it is sent: gen writes up to max bytes into
 * buf and returns how many, 0 at the end (or < 0: abort the connection);
 * done(ctx) runs once the response is gone.  Memory stays bounded by the
 * server's block size however large the body. */
typedef ssize_t (*http_gen_fn)(void *ctx, char *buf, size_t max);
int http_reply_stream(struct http_req *rq, unsigned status, const char *ctype,
		      http_gen_fn gen, void *ctx, void (*done)(void *ctx));
/* Answer later (http_reply from another event). */
void http_hold(struct http_req *rq);
bool http_held(const struct http_req *rq);

#endif
