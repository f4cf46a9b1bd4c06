// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: the Varlink wire protocol (https://varlink.org): a
 * stream Unix socket carrying JSON objects each ended by a NUL byte. A call
 * is {"method": "iface.Method", "parameters": {...}, "more": bool,
 * "oneway": bool}; a reply is {"parameters": {...}, "continues": bool} or
 * {"error": "iface.Error", "parameters": {...}}. The peer's credentials
 * (SO_PEERCRED, SO_PEERGROUPS) decide access: root, the daemon's own user,
 * or a member of socket_group. docs/biounitd.md lists every call.
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

#define MAX_MESSAGE (64 * 1024)
#define MAX_OUTPUT (4 * 1024 * 1024)
#define MAX_CLIENTS 32

struct client {
	struct server *srv;
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	char *in;
	size_t inlen, incap;
	char *out;
	size_t outlen, outcap;
	char follow[BIOUNIT_SESSION_ID_MAX + 1];
	bool closing;
	struct client *next;
};

struct server {
	int lfd;
	struct daemon *d;
	gid_t gid;
	bool have_gid;
	char path[108];
	struct client *clients;
	size_t nclients;
	/* the clients in the order of the last server_pollfds() */
	struct client *polled[MAX_CLIENTS];
	size_t npolled;
};

int server_open(struct server **out, const struct config *cfg, struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct server *s;
	struct group *gr;
	char dir[108], *slash;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->d = d;
	snprintf(s->path, sizeof(s->path), "%s", cfg->socket_path);
	gr = getgrnam(cfg->socket_group);
	if (gr) {
		s->gid = gr->gr_gid;
		s->have_gid = true;
	}
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
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	memcpy(sa.sun_path, cfg->socket_path, strlen(cfg->socket_path) + 1);
	unlink(cfg->socket_path);
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s->lfd, 16)) {
		r = -errno;
		close(s->lfd);
		free(s);
		return r;
	}
	/* the kernel decides access first: owner and group only */
	if (chmod(cfg->socket_path, 0660))
		log_msg(LOG_WARN_, "chmod %s: %s", cfg->socket_path, strerror(errno));
	if (s->have_gid && geteuid() == 0 && chown(cfg->socket_path, 0, s->gid))
		log_msg(LOG_WARN_, "chown %s: %s", cfg->socket_path, strerror(errno));
	*out = s;
	return 0;
}

static void client_free(struct client *c)
{
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

void server_close(struct server *s)
{
	struct client *c, *n;

	if (!s)
		return;
	for (c = s->clients; c; c = n) {
		n = c->next;
		client_free(c);
	}
	close(s->lfd);
	unlink(s->path);
	free(s);
}

uid_t client_uid(const struct client *c)
{
	return c->uid;
}

static bool peer_allowed(struct server *s, int fd, struct client *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[64];
	socklen_t glen = sizeof(groups);
	size_t i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	if (cred.uid == 0 || cred.uid == geteuid())
		return true;
	if (!s->have_gid)
		return false;
	if (cred.gid == s->gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0)
		for (i = 0; i < glen / sizeof(gid_t); i++)
			if (groups[i] == s->gid)
				return true;
	return false;
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
	}
}

static void send_message(struct client *c, const char *msg)
{
	size_t n = strlen(msg) + 1;

	if (c->closing)
		return;
	if (c->outlen + n > MAX_OUTPUT) {
		log_msg(LOG_WARN_, "client pid %d does not read its replies; closing it", (int)c->pid);
		c->closing = true;
		return;
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;
		char *p;

		while (cap < c->outlen + n)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			c->closing = true;
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, msg, n);	/* with its NUL: the message end */
	c->outlen += n;
	flush_out(c);
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

static void handle_message(struct server *s, struct client *c, const char *msg, size_t len)
{
	struct json_value *root = NULL;
	const struct json_value *params, *more_v, *oneway_v;
	const char *method;
	struct json_value empty = { .type = JSON_OBJECT };
	bool more = false, oneway = false;

	if (json_parse(msg, len, &root) || root->type != JSON_OBJECT) {
		client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
			     "{\"message\":\"not a JSON object\"}");
		json_free(root);
		return;
	}
	if (json_get_string(root, "method", &method)) {
		client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
			     "{\"message\":\"no method string\"}");
		json_free(root);
		return;
	}
	params = json_get(root, "parameters");
	more_v = json_get(root, "more");
	oneway_v = json_get(root, "oneway");
	if ((params && params->type != JSON_OBJECT && params->type != JSON_NULL) ||
	    (more_v && more_v->type != JSON_BOOL) || (oneway_v && oneway_v->type != JSON_BOOL)) {
		client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
			     "{\"message\":\"parameters must be an object, more and oneway booleans\"}");
		json_free(root);
		return;
	}
	if (!params || params->type == JSON_NULL)
		params = &empty;
	more = more_v && more_v->boolean;
	oneway = oneway_v && oneway_v->boolean;
	if (oneway) {
		/* nothing of ours is fire-and-forget: every call answers */
		client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
			     "{\"message\":\"oneway calls are not supported\"}");
		json_free(root);
		return;
	}
	methods_call(s->d, c, method, params, more);
	json_free(root);
}

static void client_read(struct server *s, struct client *c)
{
	for (;;) {
		ssize_t n;
		char *nul;

		if (c->incap - c->inlen < 4096) {
			size_t cap = c->incap ? c->incap * 2 : 8192;
			char *p;

			if (cap > MAX_MESSAGE + 8192)
				cap = MAX_MESSAGE + 8192;
			if (cap <= c->incap) {
				client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
					     "{\"message\":\"message longer than 65536 bytes\"}");
				c->closing = true;
				return;
			}
			p = realloc(c->in, cap);
			if (!p) {
				c->closing = true;
				return;
			}
			c->in = p;
			c->incap = cap;
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
		c->inlen += (size_t)n;
		while (!c->closing && (nul = memchr(c->in, '\0', c->inlen))) {
			size_t mlen = (size_t)(nul - c->in);

			handle_message(s, c, c->in, mlen);
			memmove(c->in, nul + 1, c->inlen - mlen - 1);
			c->inlen -= mlen + 1;
		}
		if (c->inlen > MAX_MESSAGE) {
			client_error(c, BIOUNITD_INTERFACE ".MalformedMessage",
				     "{\"message\":\"message longer than 65536 bytes\"}");
			c->closing = true;
			return;
		}
	}
}

static void accept_clients(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct client *c;
		char drain[512];

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		c->srv = s;
		if (!peer_allowed(s, fd, c)) {
			log_msg(LOG_WARN_, "refused a client: uid %u gid %u pid %d",
				(unsigned int)c->uid, (unsigned int)c->gid, (int)c->pid);
			client_error(c, BIOUNITD_INTERFACE ".PermissionDenied",
				     "{\"message\":\"root, the daemon's user or the socket group only\"}");
			/* a close with unread input would reset the connection and lose the reply */
			while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
				;
			shutdown(fd, SHUT_WR);
			client_free(c);
			continue;
		}
		if (s->nclients >= MAX_CLIENTS) {
			client_error(c, BIOUNITD_INTERFACE ".Busy",
				     "{\"message\":\"too many clients\"}");
			client_free(c);
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
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
		fds[n++] = (struct pollfd){ .fd = c->fd,
					    .events = (short)(POLLIN | (c->outlen ? POLLOUT : 0)) };
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
		if (fds[i].revents & POLLOUT)
			flush_out(c);
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			client_read(s, c);
	}
	if (n && (fds[0].revents & POLLIN))
		accept_clients(s);
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
