// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: the Varlink wire protocol (https://varlink.org): a
 * stream Unix socket carrying JSON objects each ended by a NUL byte. A call
 * is {"method": "iface.Method", "parameters": {...}, "more": bool,
 * "oneway": bool}; a reply is {"parameters": {...}, "continues": bool} or
 * {"error": "iface.Error", "parameters": {...}}. The peer's credentials
 * (SO_PEERCRED, SO_PEERGROUPS) decide access: root, the daemon's own user,
 * or a member of socket_group. A connection must send its first complete
 * message within FIRST_MESSAGE_MS and is closed after IDLE_MS without one
 * or a reply read (not while it follows a session); the last RESERVED_CLIENTS slots are kept
 * for root, the daemon's user and operator_group. docs/biounitd.md lists
 * every call.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "biounitd.h"
#include "message.h"
#include "util/grow.h"

#define MAX_MESSAGE (64 * 1024)
/* the input buffer: one whole message and its NUL, and some of the next */
#define IN_BUF (MAX_MESSAGE + 1 + 4095)
#define MAX_OUTPUT (4 * 1024 * 1024)
/* a stream (List with more) is continued while less than this is queued */
#define STREAM_LOW_WATER (64 * 1024)
#define MAX_CLIENTS 32
#define RESERVED_CLIENTS 4
#define FIRST_MESSAGE_MS 10000
#define IDLE_MS 300000

struct client {
	struct server *srv;
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool privileged;		/* may use the reserved slots */
	char *in;
	size_t inlen, incap;
	char *out;
	size_t outlen, outcap;
	char follow[BIOUNIT_SESSION_ID_MAX + 1];
	bool closing;
	uint64_t connected_ms;
	uint64_t last_ms;		/* the last complete message (0: none yet) */
	uint64_t partial_ms;		/* when the message now being received began */
	/* a reply stream in progress (client_stream()) */
	client_stream_fn stream;
	void *stream_state;
	void (*stream_free)(void *);
	struct client *next;
};

struct server {
	int lfd;
	struct daemon *d;
	gid_t gid, op_gid;
	bool have_gid, have_op_gid;
	char path[108];
	dev_t sock_dev;			/* the socket file we made: only that one is unlinked */
	ino_t sock_ino;
	struct client *clients;
	size_t nclients;
	uint64_t first_ms, idle_ms;
	struct log_limit refused_log, busy_log, timeout_log;
	/* the clients in the order of the last server_pollfds() */
	struct client *polled[MAX_CLIENTS];
	size_t npolled;
};

/* test builds only (docs/biounitd.md): shorter deadlines, so a test need not wait 10 s */
static uint64_t hook_ms(const char *name, uint64_t dflt)
{
#ifdef BIOUNITD_TEST_HOOKS
	const char *v = getenv(name);

	if (v && *v)
		return strtoull(v, NULL, 10);
#else
	(void)name;
#endif
	return dflt;
}

static int lookup_group(const char *name, const char *key, gid_t *gid, bool *have)
{
	struct group *gr;

	*have = false;
	if (!name[0])
		return 0;
	errno = 0;
	gr = getgrnam(name);
	if (!gr) {
		log_msg(LOG_WARN_, "%s \"%s\" does not exist%s%s: only root and the daemon's user "
			"(uid %u) get in by it", key, name, errno ? ": " : "",
			errno ? strerror(errno) : "", (unsigned int)geteuid());
		return -ENOENT;
	}
	*gid = gr->gr_gid;
	*have = true;
	return 0;
}

/*
 * Nothing is unlinked but a stale socket: a socket someone answers on is
 * another daemon's, and any other file is not ours to remove.
 */
static int clear_socket_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_msg(LOG_ERR_, "control socket %s: the path exists and is not a socket; "
			"not removed (give another socket_path or remove it)", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	close(fd);
	if (r == 0) {
		log_msg(LOG_ERR_, "control socket %s is in use by another process (another "
			"biounitd?); not taken over", path);
		return -EADDRINUSE;
	}
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int server_open(struct server **out, const struct config *cfg, struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct server *s;
	struct stat st;
	char dir[108], *slash;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->d = d;
	s->first_ms = hook_ms("BIOUNITD_TEST_FIRST_MESSAGE_MS", FIRST_MESSAGE_MS);
	s->idle_ms = hook_ms("BIOUNITD_TEST_IDLE_MS", IDLE_MS);
	snprintf(s->path, sizeof(s->path), "%s", cfg->socket_path);
	lookup_group(cfg->socket_group, "socket_group", &s->gid, &s->have_gid);
	lookup_group(cfg->operator_group, "operator_group", &s->op_gid, &s->have_op_gid);
	/* the socket's directory (systemd's RuntimeDirectory makes it too) */
	snprintf(dir, sizeof(dir), "%s", cfg->socket_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			r = -errno;
			free(s);
			return r;
		}
	}
	r = clear_socket_path(cfg->socket_path);
	if (r) {
		free(s);
		return r;
	}
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	memcpy(sa.sun_path, cfg->socket_path, strlen(cfg->socket_path) + 1);
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s->lfd, 16) ||
	    lstat(cfg->socket_path, &st)) {
		r = -errno;
		close(s->lfd);
		free(s);
		return r;
	}
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	/* the kernel decides access first: owner and group only */
	if (chmod(cfg->socket_path, 0660))
		log_msg(LOG_WARN_, "chmod %s: %s", cfg->socket_path, strerror(errno));
	if (s->have_gid && geteuid() == 0 && chown(cfg->socket_path, 0, s->gid))
		log_msg(LOG_WARN_, "chown %s: %s", cfg->socket_path, strerror(errno));
	*out = s;
	return 0;
}

static void stream_end(struct client *c)
{
	if (c->stream_free)
		c->stream_free(c->stream_state);
	c->stream = NULL;
	c->stream_state = NULL;
	c->stream_free = NULL;
}

static void client_free(struct client *c)
{
	stream_end(c);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

void server_close(struct server *s)
{
	struct client *c, *n;
	struct stat st;

	if (!s)
		return;
	for (c = s->clients; c; c = n) {
		n = c->next;
		client_free(c);
	}
	close(s->lfd);
	/* only the socket this daemon made: not one another daemon has put there since */
	if (lstat(s->path, &st) == 0 && st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
		unlink(s->path);
	free(s);
}

uid_t client_uid(const struct client *c)
{
	return c->uid;
}

static bool peer_in_group(int fd, gid_t primary, gid_t gid)
{
	gid_t groups[256];
	socklen_t glen = sizeof(groups);
	size_t i;

	if (primary == gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		for (i = 0; i < glen / sizeof(gid_t); i++)
			if (groups[i] == gid)
				return true;
	return false;
}

static bool peer_allowed(struct server *s, int fd, struct client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	c->privileged = cred.uid == 0 || cred.uid == geteuid() ||
			(s->have_op_gid && peer_in_group(fd, cred.gid, s->op_gid));
	if (c->privileged)
		return true;
	return s->have_gid && peer_in_group(fd, cred.gid, s->gid);
}

static void flush_out(struct client *c)
{
	while (c->outlen) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->closing = true;
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
		if (c->last_ms)
			c->last_ms = now_ms();	/* it reads: not idle */
	}
}

static void queue_message(struct client *c, const char *msg, size_t n)
{
	if (util_grow(&c->out, &c->outcap, c->outlen, n, 1, 4096, 0)) {
		log_msg(LOG_ERR_, "client pid %d: out of memory for a reply; closing it",
			(int)c->pid);
		c->closing = true;
		return;
	}
	memcpy(c->out + c->outlen, msg, n);	/* with its NUL: the message end */
	c->outlen += n;
	flush_out(c);
}

static void send_message(struct client *c, const char *msg)
{
	static const char too_big[] = "{\"error\":\"" BIOUNITD_INTERFACE ".InternalError\","
		"\"parameters\":{\"message\":\"the reply is larger than 4 MiB\"}}";
	size_t n = strlen(msg) + 1;

	if (c->closing)
		return;
	if (n > MAX_OUTPUT) {
		/* a bug of ours, not the client's: say so, and answer all the same */
		log_msg(LOG_ERR_, "a reply of %zu bytes to client pid %d is larger than the "
			"4 MiB limit of one message; sent InternalError instead", n - 1, (int)c->pid);
		msg = too_big;
		n = sizeof(too_big);
	}
	if (c->outlen + n > MAX_OUTPUT) {
		log_msg(LOG_WARN_, "client pid %d (uid %u) has not read %zu bytes of replies "
			"(at most 4 MiB are kept for a client); closing it", (int)c->pid,
			(unsigned int)c->uid, c->outlen);
		c->closing = true;
		return;
	}
	queue_message(c, msg, n);
}

void client_reply(struct client *c, const char *params_json, bool continues)
{
	struct json_buf b = { 0 };
	char *msg;

	jb_printf(&b, "{\"parameters\":%s%s}", params_json ? params_json : "{}",
		  continues ? ",\"continues\":true" : "");
	msg = jb_finish(&b, NULL);
	if (msg)
		send_message(c, msg);
	else
		c->closing = true;
	free(msg);
}

void client_error(struct client *c, const char *error, const char *params_json)
{
	struct json_buf b = { 0 };
	char *msg;

	jb_raw(&b, "{\"error\":");
	jb_str(&b, error);
	jb_printf(&b, ",\"parameters\":%s}", params_json ? params_json : "{}");
	msg = jb_finish(&b, NULL);
	if (msg)
		send_message(c, msg);
	else
		c->closing = true;
	free(msg);
}

void client_follow(struct client *c, const char *session_id)
{
	snprintf(c->follow, sizeof(c->follow), "%s", session_id);
}

void client_stream(struct client *c, client_stream_fn next, void *state, void (*release)(void *))
{
	stream_end(c);
	c->stream = next;
	c->stream_state = state;
	c->stream_free = release;
}

void server_broadcast(struct server *s, const char *session_id, const char *status_json,
		      bool last)
{
	struct client *c;
	struct json_buf b = { 0 };
	char *params;

	jb_raw(&b, "{\"status\":");
	jb_raw(&b, status_json);
	jb_raw(&b, "}");
	params = jb_finish(&b, NULL);
	if (!params)
		return;
	for (c = s->clients; c; c = c->next) {
		if (!c->follow[0] || strcmp(c->follow, session_id))
			continue;
		client_reply(c, params, !last);
		if (last)
			c->follow[0] = '\0';
	}
	free(params);
}

void client_error_msg(struct client *c, const char *error, const char *message)
{
	struct json_buf b = { 0 };
	char *p;

	jb_raw(&b, "{\"message\":");
	jb_str(&b, message);
	jb_raw(&b, "}");
	p = jb_finish(&b, NULL);
	client_error(c, error, p ? p : "{}");
	free(p);
}

static void malformed(struct client *c, const char *why)
{
	client_error_msg(c, BIOUNITD_INTERFACE ".MalformedMessage", why);
}

static void handle_message(struct server *s, struct client *c, const char *msg, size_t len)
{
	struct vl_call call;
	const char *why;

	if (vl_call_parse(msg, len, &call, &why))
		return malformed(c, why);
	if (call.oneway)
		/* nothing of ours is fire-and-forget: every call answers */
		malformed(c, "oneway calls are not supported");
	else
		methods_call(s->d, c, call.method, call.params, call.more);
	vl_call_free(&call);
}

/* one complete message from the input buffer handled; false when there is none */
static bool next_message(struct server *s, struct client *c)
{
	char *nul = c->inlen ? memchr(c->in, '\0', c->inlen) : NULL;
	size_t mlen;

	if ((nul && nul - c->in > MAX_MESSAGE) || (!nul && c->inlen > MAX_MESSAGE)) {
		malformed(c, "message longer than 65536 bytes");
		c->closing = true;
		return false;
	}
	if (!nul)
		return false;
	mlen = (size_t)(nul - c->in);
	c->last_ms = now_ms();
	handle_message(s, c, c->in, mlen);
	memmove(c->in, nul + 1, c->inlen - mlen - 1);
	c->inlen -= mlen + 1;
	c->partial_ms = c->last_ms;
	return true;
}

/* continue a reply stream while the queue is short; then the calls waiting, in order */
static void client_work(struct server *s, struct client *c)
{
	for (;;) {
		while (c->stream && !c->closing && c->outlen < STREAM_LOW_WATER) {
			if (!c->stream(s->d, c, c->stream_state)) {
				stream_end(c);
				c->partial_ms = now_ms();	/* what waited starts its clock now */
			}
		}
		if (c->stream || c->closing || !next_message(s, c))
			return;
	}
}

static void client_read(struct server *s, struct client *c)
{
	while (!c->closing && c->inlen < IN_BUF) {
		ssize_t n;

		if (c->incap < IN_BUF && c->incap - c->inlen < 4096) {
			size_t want = IN_BUF - c->inlen < 4096 ? IN_BUF - c->inlen : 4096;

			if (util_grow(&c->in, &c->incap, c->inlen, want, 1, 8192, IN_BUF)) {
				c->closing = true;
				return;
			}
		}
		n = recv(c->fd, c->in + c->inlen, c->incap - c->inlen, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->closing = true;
			return;
		}
		if (!c->inlen)
			c->partial_ms = now_ms();
		c->inlen += (size_t)n;
		client_work(s, c);
	}
}

/* "; N more ... were not logged" after a pause of the rate limit, else "" */
static const char *left_out(unsigned int dropped, char *buf, size_t len)
{
	buf[0] = '\0';
	if (dropped)
		snprintf(buf, len, "; %u more like it in the last minute were not logged", dropped);
	return buf;
}

static void refuse(struct client *c, const char *error, const char *params)
{
	char buf[512];

	client_error(c, error, params);
	/* a close with unread input would reset the connection and lose the reply */
	while (recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	shutdown(c->fd, SHUT_WR);
	client_free(c);
}

static void accept_clients(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		unsigned int dropped;
		struct client *c;
		char more[80];

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->srv = s;
		c->connected_ms = now_ms();
		if (!peer_allowed(s, fd, c)) {
			if (log_allow(&s->refused_log, c->connected_ms, &dropped))
				log_msg(LOG_WARN_, "refused a client: uid %u gid %u pid %d (not root, "
					"the daemon's user or socket_group)%s", (unsigned int)c->uid,
					(unsigned int)c->gid, (int)c->pid,
					left_out(dropped, more, sizeof(more)));
			refuse(c, BIOUNITD_INTERFACE ".PermissionDenied",
			       "{\"message\":\"root, the daemon's user or the socket group only\"}");
			continue;
		}
		if (s->nclients >= MAX_CLIENTS ||
		    (s->nclients >= MAX_CLIENTS - RESERVED_CLIENTS && !c->privileged)) {
			if (log_allow(&s->busy_log, c->connected_ms, &dropped))
				log_msg(LOG_WARN_, "too many clients (%zu): refused uid %u pid %d%s",
					s->nclients, (unsigned int)c->uid, (int)c->pid,
					left_out(dropped, more, sizeof(more)));
			refuse(c, BIOUNITD_INTERFACE ".Busy",
			       "{\"message\":\"too many clients; the last slots are kept for root, "
			       "the daemon's user and operator_group\"}");
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
	}
}

/* when @c is closed for saying nothing, UINT64_MAX for never */
static uint64_t client_deadline(const struct server *s, const struct client *c)
{
	uint64_t d = UINT64_MAX;

	if (!c->last_ms)
		d = c->connected_ms + s->first_ms;
	else if (!c->follow[0] || c->stream)
		d = c->last_ms + s->idle_ms;	/* a stream not read on for that long too */
	/* a message begun is finished quickly (calls queued behind a stream just wait) */
	if (c->inlen && !c->stream && c->partial_ms + s->first_ms < d)
		d = c->partial_ms + s->first_ms;
	return d;
}

int server_timeout_ms(struct server *s)
{
	uint64_t now = now_ms(), first = UINT64_MAX;
	struct client *c;

	for (c = s->clients; c; c = c->next) {
		uint64_t d = client_deadline(s, c);

		if (d < first)
			first = d;
	}
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : first - now > 600000 ? 600000 : (int)(first - now);
}

static void expire_clients(struct server *s)
{
	uint64_t now = now_ms();
	unsigned int dropped;
	struct client *c;
	char more[80];

	for (c = s->clients; c; c = c->next) {
		if (c->closing || client_deadline(s, c) > now)
			continue;
		if (log_allow(&s->timeout_log, now, &dropped))
			log_msg(LOG_INFO_, "client pid %d (uid %u): %s; closing it%s", (int)c->pid,
				(unsigned int)c->uid,
				c->inlen ? "a message was not finished in time" :
				c->last_ms ? "idle too long" : "no message in time after connecting",
				left_out(dropped, more, sizeof(more)));
		c->closing = true;
	}
}

size_t server_pollfds(struct server *s, struct pollfd *fds, size_t max)
{
	struct client *c;
	size_t n = 0;

	if (max < 1)
		return 0;
	fds[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
	s->npolled = 0;
	for (c = s->clients; c && n < max && s->npolled < MAX_CLIENTS; c = c->next) {
		short ev = c->outlen ? POLLOUT : 0;

		if (c->inlen < IN_BUF)
			ev |= POLLIN;	/* a full buffer waits for the calls before it */
		fds[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
		s->polled[s->npolled++] = c;
	}
	return n;
}

void server_dispatch(struct server *s, const struct pollfd *fds, size_t n)
{
	struct client **pp, *c;
	size_t i;

	for (i = 1; i < n && i - 1 < s->npolled; i++) {
		c = s->polled[i - 1];
		if (fds[i].revents & POLLOUT) {
			flush_out(c);
			client_work(s, c);
		}
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			client_read(s, c);
		if ((fds[i].revents & (POLLHUP | POLLERR)) && c->inlen >= IN_BUF)
			c->closing = true;	/* gone while we were busy with it */
	}
	if (n && (fds[0].revents & POLLIN))
		accept_clients(s);
	expire_clients(s);
	for (pp = &s->clients; (c = *pp);) {
		if (c->closing) {
			*pp = c->next;
			s->nclients--;
			client_free(c);
		} else {
			pp = &c->next;
		}
	}
	s->npolled = 0;
}
