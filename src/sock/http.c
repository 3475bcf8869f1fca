/* The exporter's HTTP server (http.h): libmicrohttpd in external mode
 * with epoll, its listening socket ours. */
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <microhttpd.h>

#include "http.h"

#define MHD_SONAME "libmicrohttpd.so.12"
#define BLOCK_SIZE 16384        /* a streamed body goes in blocks of this */

/* The functions of libmicrohttpd we call, found by dlsym. */
struct mhd_lib {
	void *dl;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_run) *run;
	__typeof__(MHD_get_timeout) *get_timeout;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_create_response_from_buffer) *from_buffer;
	__typeof__(MHD_create_response_from_callback) *from_callback;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_add_response_header) *add_header;
	__typeof__(MHD_lookup_connection_value) *lookup;
	__typeof__(MHD_suspend_connection) *suspend;
	__typeof__(MHD_resume_connection) *resume;
};

struct http_req {
	struct http_server *s;
	struct MHD_Connection *c;
	const char *method, *path;
	struct MHD_Response *resp;      /* answered, not yet queued */
	unsigned status;
	void *data;
	bool held, suspended;
	struct http_req *prev, *next;   /* the held ones, for http_close */
};

struct http_server {
	struct mhd_lib lib;
	struct MHD_Daemon *d;
	int listen_fd, epoll_fd, timer_fd;
	struct http_handler h;
	struct http_req *held;          /* requests held, not answered */
	char where[INET6_ADDRSTRLEN + 16];
};

static int load(struct mhd_lib *l, char *err, size_t errlen)
{
	l->dl = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!l->dl) {
		snprintf(err, errlen, "cannot load %s (install libmicrohttpd12): %s",
			 MHD_SONAME, dlerror());
		return -ENOENT;
	}
#define SYM(f, name) \
	if (!(l->f = (__typeof__(l->f))dlsym(l->dl, name))) { \
		snprintf(err, errlen, "%s: no %s", MHD_SONAME, name); \
		dlclose(l->dl); \
		return -ENOENT; \
	}
	SYM(start_daemon, "MHD_start_daemon");
	SYM(stop_daemon, "MHD_stop_daemon");
	SYM(run, "MHD_run");
	SYM(get_timeout, "MHD_get_timeout");
	SYM(get_daemon_info, "MHD_get_daemon_info");
	SYM(queue_response, "MHD_queue_response");
	SYM(from_buffer, "MHD_create_response_from_buffer");
	SYM(from_callback, "MHD_create_response_from_callback");
	SYM(destroy_response, "MHD_destroy_response");
	SYM(add_header, "MHD_add_response_header");
	SYM(lookup, "MHD_lookup_connection_value");
	SYM(suspend, "MHD_suspend_connection");
	SYM(resume, "MHD_resume_connection");
#undef SYM
	return 0;
}

/* ------------------------------------------------------ the socket */

/* "host:port", "[v6]:port", ":port" into host (empty: any) and port. */
static int split(const char *spec, char *host, size_t hostlen, char *port,
		 size_t portlen)
{
	const char *colon, *h = spec;
	size_t n;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		h = spec + 1;
		n = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -EINVAL;
		n = (size_t)(colon - spec);
		if (memchr(spec, ':', n))
			return -EINVAL;         /* a bare IPv6 address: [..]:port */
	}
	if (n >= hostlen || strlen(colon + 1) >= portlen || !colon[1])
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	for (const char *p = port; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	return atoi(port) <= 65535 ? 0 : -EINVAL;
}

static int bind_one(const struct sockaddr *sa, socklen_t len, bool dual)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0, err;

	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (dual)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, sa, len) < 0 || listen(fd, 128) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int open_listener(struct http_server *s, const char *spec, char *err,
			 size_t errlen)
{
	char host[256], port[8];
	struct addrinfo hints, *res = NULL;
	int fd = -EINVAL, rc;

	if (split(spec, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(err, errlen, "listen address '%s': not host:port", spec);
		return -EINVAL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (!host[0]) {
		/* Every address: IPv6 with IPv4 mapped, or IPv4 alone on a
		 * host without IPv6. */
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
					   .sin6_port = htons((uint16_t)atoi(port)) };
		struct sockaddr_in a4 = { .sin_family = AF_INET,
					  .sin_port = htons((uint16_t)atoi(port)) };

		fd = bind_one((struct sockaddr *)&a6, sizeof(a6), true);
		if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL)
			fd = bind_one((struct sockaddr *)&a4, sizeof(a4), false);
	} else if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "listen address '%s': %s", spec, gai_strerror(rc));
		return -EINVAL;
	} else {
		fd = bind_one(res->ai_addr, res->ai_addrlen, false);
		freeaddrinfo(res);
	}
	if (fd < 0) {
		snprintf(err, errlen, "listen on %s: %s", spec, strerror(-fd));
		return fd;
	}
	snprintf(s->where, sizeof(s->where), "%s", spec);
	s->listen_fd = fd;
	return 0;
}

/* ------------------------------------------------------ requests */

static void unhold(struct http_req *rq)
{
	struct http_server *s = rq->s;

	if (!rq->held)
		return;
	rq->held = false;
	if (rq->prev)
		rq->prev->next = rq->next;
	else
		s->held = rq->next;
	if (rq->next)
		rq->next->prev = rq->prev;
	rq->prev = rq->next = NULL;
}

/* Run the server again soon: a resumed connection waits for it. */
static void kick(struct http_server *s)
{
	struct itimerspec it = { .it_value = { 0, 1 } };

	(void)timerfd_settime(s->timer_fd, 0, &it, NULL);
}

static enum MHD_Result queue(struct http_req *rq)
{
	struct http_server *s = rq->s;
	enum MHD_Result r = s->lib.queue_response(rq->c, rq->status, rq->resp);

	s->lib.destroy_response(rq->resp);
	rq->resp = NULL;
	return r;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *rq = *con_cls;

	(void)version;
	(void)upload;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->s = s;
		rq->c = c;
		rq->method = method;
		rq->path = url;
		*con_cls = rq;
		s->h.on_request(s->h.ctx, rq);
		if (!rq->resp && !rq->held)
			http_reply(rq, 500, "text/plain", "no answer\n", 10);
	}
	/* A body nobody asked for is read and dropped. */
	*upload_size = 0;
	if (rq->resp)
		return queue(rq);
	if (!rq->suspended) {
		rq->suspended = true;
		s->lib.suspend(c);
	}
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_req *rq = *con_cls;

	(void)c;
	(void)toe;
	if (!rq)
		return;
	if (s->h.on_close)
		s->h.on_close(s->h.ctx, rq);
	unhold(rq);
	if (rq->resp)
		s->lib.destroy_response(rq->resp);
	free(rq);
	*con_cls = NULL;
}

const char *http_method(const struct http_req *rq)
{
	return rq->method;
}

const char *http_path(const struct http_req *rq)
{
	return rq->path;
}

const char *http_arg(const struct http_req *rq, const char *key)
{
	return rq->s->lib.lookup(rq->c, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(const struct http_req *rq, const char *name)
{
	return rq->s->lib.lookup(rq->c, MHD_HEADER_KIND, name);
}

void http_set_data(struct http_req *rq, void *data)
{
	rq->data = data;
}

void *http_data(const struct http_req *rq)
{
	return rq->data;
}

/* The response is ready: queue it now (in the handler) or resume the
 * held connection, whose handler queues it. */
static int answer(struct http_req *rq, unsigned status, const char *ctype,
		  struct MHD_Response *resp)
{
	struct http_server *s = rq->s;

	if (!resp)
		return -ENOMEM;
	if (rq->resp) {
		s->lib.destroy_response(resp);
		return -EALREADY;
	}
	s->lib.add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	rq->resp = resp;
	rq->status = status;
	unhold(rq);
	if (rq->suspended) {
		rq->suspended = false;
		s->lib.resume(rq->c);
		kick(s);
	}
	return 0;
}

int http_reply(struct http_req *rq, unsigned status, const char *ctype,
	       const void *body, size_t len)
{
	return answer(rq, status, ctype,
		      rq->s->lib.from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY));
}

struct stream {
	http_gen_fn gen;
	void *ctx;
	void (*done)(void *ctx);
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	ssize_t n;

	(void)pos;
	n = st->gen(st->ctx, buf, max);
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;

	if (st->done)
		st->done(st->ctx);
	free(st);
}

int http_reply_stream(struct http_req *rq, unsigned status, const char *ctype,
		      http_gen_fn gen, void *ctx, void (*done)(void *ctx))
{
	struct stream *st = malloc(sizeof(*st));
	struct MHD_Response *resp;

	if (!st) {
		if (done)
			done(ctx);
		return -ENOMEM;
	}
	st->gen = gen;
	st->ctx = ctx;
	st->done = done;
	resp = rq->s->lib.from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE, stream_read,
					st, stream_free);
	if (!resp) {
		stream_free(st);
		return -ENOMEM;
	}
	return answer(rq, status, ctype, resp);
}

void http_hold(struct http_req *rq)
{
	struct http_server *s = rq->s;

	if (rq->held || rq->resp)
		return;
	rq->held = true;
	rq->prev = NULL;
	rq->next = s->held;
	if (s->held)
		s->held->prev = rq;
	s->held = rq;
}

bool http_held(const struct http_req *rq)
{
	return rq->held;
}

/* ------------------------------------------------------ the server */

int http_open(struct http_server **out, const struct http_cfg *cfg,
	      char *err, size_t errlen)
{
	struct http_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;
	int rc;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->listen_fd = s->timer_fd = -1;
	s->h = cfg->h;
	rc = load(&s->lib, err, errlen);
	if (rc < 0) {
		free(s);
		return rc;
	}
	rc = open_listener(s, cfg->listen, err, errlen);
	if (rc < 0)
		goto fail;
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timer_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "timerfd: %s", strerror(errno));
		goto fail;
	}
	s->d = s->lib.start_daemon(
		MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
		on_access, s,
		MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	if (!s->d) {
		rc = -EINVAL;
		snprintf(err, errlen, "libmicrohttpd would not start on %s", cfg->listen);
		goto fail;
	}
	info = s->lib.get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info || info->epoll_fd < 0) {
		rc = -EINVAL;
		snprintf(err, errlen, "libmicrohttpd has no epoll descriptor");
		goto fail;
	}
	s->epoll_fd = info->epoll_fd;
	*out = s;
	return 0;
fail:
	if (s->d)
		s->lib.stop_daemon(s->d);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->timer_fd >= 0)
		close(s->timer_fd);
	dlclose(s->lib.dl);
	free(s);
	return rc;
}

void http_close(struct http_server *s)
{
	if (!s)
		return;
	/* MHD may not stop with connections suspended. */
	while (s->held)
		http_reply(s->held, 503, "text/plain", "shutting down\n", 14);
	s->lib.run(s->d);
	s->lib.stop_daemon(s->d);
	close(s->listen_fd);
	close(s->timer_fd);
	/* The library stays loaded: GnuTLS, which it brought, registers
	 * handlers that run at exit. */
	free(s);
}

unsigned http_fds(const struct http_server *s, int fds[2])
{
	fds[0] = s->epoll_fd;
	fds[1] = s->timer_fd;
	return 2;
}

void http_run(struct http_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct itimerspec it;
	uint64_t ticks;

	if (read(s->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	s->lib.run(s->d);
	/* MHD's next timeout (an idle connection to close), on our timer. */
	memset(&it, 0, sizeof(it));
	if (s->lib.get_timeout(s->d, &ms) == MHD_YES) {
		if (ms == 0)
			it.it_value.tv_nsec = 1;
		else {
			it.it_value.tv_sec = (time_t)(ms / 1000);
			it.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
		}
	}
	(void)timerfd_settime(s->timer_fd, 0, &it, NULL);
}

const char *http_listening(const struct http_server *s)
{
	return s->where;
}
