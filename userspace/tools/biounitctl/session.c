// SPDX-License-Identifier: GPL-2.0
/*
 * biounitctl session ...: the operator's side of biounitd's control
 * interface (Varlink, nl.ind.biounit.Session; docs/biounitd.md).
 *
 *   biounitctl session start CODE AGE NEEDS   AGE 0|1-5|6-11|12-17|18+,
 *                                             NEEDS e.g. photo,fingers,signature
 *   biounitctl session follow [--json] ID     a progress line (or JSON) per change, to the end
 *   biounitctl session status [--json] ID     --json: the status object as one JSON line
 *   biounitctl session accept|retake ID [REASON]
 *   biounitctl session skip|missing ID REASON
 *   biounitctl session show ID                the result: outcomes, exceptions, files
 *   biounitctl session list | resume ID | discard ID
 * The socket is $BIOUNITD_SOCKET or /run/biounitd/control.socket.
 * Exit status: 0 done, 1 refused or failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "session/json.h"

#define IFACE "nl.ind.biounit.Session"
/* biounitd sends no message longer than 4 MiB (docs/biounitd.md) */
#define MAX_REPLY (4u << 20)

struct conn {
	int fd;
	char *buf;
	size_t len, cap;
};

static int conn_open(struct conn *c)
{
	const char *path = getenv("BIOUNITD_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!path || !*path)
		path = "/run/biounitd/control.socket";
	memset(c, 0, sizeof(*c));
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "biounitctl: the socket path %s%s is %zu bytes long; a Unix socket "
			"path has at most %zu\n", getenv("BIOUNITD_SOCKET") ? "in BIOUNITD_SOCKET " : "",
			path, strlen(path), sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fprintf(stderr, "biounitctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int r = -errno;

		fprintf(stderr, "biounitctl: %s: %s\n", path, strerror(errno));
		close(c->fd);
		return r;
	}
	return 0;
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->buf);
}

static int conn_send(struct conn *c, const char *msg)
{
	size_t n = strlen(msg) + 1, off = 0;

	while (off < n) {
		ssize_t w = send(c->fd, msg + off, n - off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)w;
	}
	return 0;
}

/* the next message, parsed; -EMSGSIZE for one longer than MAX_REPLY */
static int conn_recv(struct conn *c, struct json_value **out)
{
	for (;;) {
		char *nul = c->len ? memchr(c->buf, '\0', c->len) : NULL;
		ssize_t n;

		if (nul) {
			size_t mlen = (size_t)(nul - c->buf);
			int r = json_parse(c->buf, mlen, out);

			memmove(c->buf, nul + 1, c->len - mlen - 1);
			c->len -= mlen + 1;
			return r;
		}
		if (c->len > MAX_REPLY)
			return -EMSGSIZE;
		if (c->cap - c->len < 4096) {
			char *p = realloc(c->buf, c->cap + 65536);

			if (!p)
				return -ENOMEM;
			c->buf = p;
			c->cap += 65536;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		c->len += (size_t)n;
	}
}

/* one call; *@reply gets the whole reply message; 0, 1 (an error reply, printed) or -errno */
static int call(struct conn *c, const char *method, const char *params, bool more,
		struct json_value **reply)
{
	struct json_buf b = { 0 };
	char *msg;
	const char *err;
	int r;

	jb_raw(&b, "{\"method\":");
	jb_str(&b, method);
	jb_printf(&b, ",\"parameters\":%s%s}", params, more ? ",\"more\":true" : "");
	msg = jb_finish(&b, &r);
	if (!msg)
		return r;
	r = conn_send(c, msg);
	free(msg);
	if (!r)
		r = conn_recv(c, reply);
	if (r) {
		fprintf(stderr, "biounitctl: %s: %s\n", method, r == -EMSGSIZE ?
			"the reply is longer than 4 MiB (not biounitd?)" : strerror(-r));
		return r;
	}
	if (json_get_string(*reply, "error", &err) == 0) {
		const struct json_value *p = json_get(*reply, "parameters");
		const char *s;

		if (!strcmp(err, IFACE ".Refused")) {
			const char *why = "?", *nl = "", *en = "";

			json_get_string(p, "reason", &why);
			json_get_string(p, "message_nl", &nl);
			json_get_string(p, "message_en", &en);
			printf("refused (%s)\n  NL: %s\n  EN: %s\n", why, nl, en);
		} else if (json_get_string(p, "message", &s) == 0) {
			fprintf(stderr, "biounitctl: %s: %s\n", err, s);
		} else if (json_get_string(p, "parameter", &s) == 0) {
			fprintf(stderr, "biounitctl: %s: %s\n", err, s);
		} else {
			fprintf(stderr, "biounitctl: %s\n", err);
		}
		return 1;
	}
	return 0;
}

/*
 * The stream of replies of a call made with more: frees *@reply (handled)
 * and reads the next one. 1 when there is one, 0 after the last, -errno
 * (said, for @what) on an error.
 */
static int stream_next(struct conn *c, struct json_value **reply, const char *what)
{
	bool cont = false;
	int r;

	json_get_bool(*reply, "continues", &cont);
	json_free(*reply);
	*reply = NULL;
	if (!cont)
		return 0;
	r = conn_recv(c, reply);
	if (r) {
		fprintf(stderr, "biounitctl: %s: %s\n", what, r == -EMSGSIZE ?
			"a reply is longer than 4 MiB (not biounitd?)" : strerror(-r));
		return r;
	}
	return 1;
}

static const char *str(const struct json_value *o, const char *key)
{
	const char *s;

	return json_get_string(o, key, &s) ? "" : s;
}

static long long num(const struct json_value *o, const char *key)
{
	long long v = 0;

	json_get_int(o, key, -1000000000LL, 1000000000LL, &v);
	return v;
}

/* one progress line per status */
static void progress_line(const struct json_value *st)
{
	const char *step = str(st, "step"), *state = str(st, "state");
	const char *finger = str(st, "finger_name");
	const struct json_value *last = json_get(st, "last");

	printf("[%s] %s", state, step);
	if (*finger)
		printf(" %s", finger);
	if (!strcmp(state, "capturing"))
		printf(" attempt %lld/%lld", num(st, "attempt"), num(st, "max_attempts"));
	if (*str(st, "event"))
		printf(" | %s", str(st, "event"));
	if (last && last->type == JSON_OBJECT && *str(last, "reasons") &&
	    strstr(str(st, "event"), "attempt"))
		printf(" (%s)", str(last, "reasons"));
	printf("\n    NL: %s\n    EN: %s\n", *str(st, "live_nl") ? str(st, "live_nl") : str(st, "prompt_nl"),
	       *str(st, "live_en") ? str(st, "live_en") : str(st, "prompt_en"));
	fflush(stdout);
}

static char *id_params(const char *id, const char *extra_key, const char *extra_val,
		       const char *reason)
{
	struct json_buf b = { 0 };

	jb_raw(&b, "{\"id\":");
	jb_str(&b, id);
	if (extra_key) {
		jb_key(&b, extra_key, false);
		jb_str(&b, extra_val);
	}
	if (reason) {
		jb_key(&b, "reason", false);
		jb_str(&b, reason);
	}
	jb_raw(&b, "}");
	return jb_finish(&b, NULL);
}

/* @v written again as JSON (objects and arrays in their order, strings re-escaped) */
static void json_write(struct json_buf *b, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		jb_raw(b, "null");
		break;
	case JSON_BOOL:
		jb_raw(b, v->boolean ? "true" : "false");
		break;
	case JSON_NUMBER:
		jb_raw(b, v->text);
		break;
	case JSON_STRING:
		jb_str(b, v->text);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		jb_raw(b, v->type == JSON_ARRAY ? "[" : "{");
		for (size_t i = 0; i < v->count; i++) {
			if (v->type == JSON_OBJECT)
				jb_key(b, v->keys[i], i == 0);
			else if (i)
				jb_raw(b, ",");
			json_write(b, &v->items[i]);
		}
		jb_raw(b, v->type == JSON_ARRAY ? "]" : "}");
		break;
	}
}

/* status @st as one line of JSON on stdout; 0 or -ENOMEM (said) */
static int json_line(const struct json_value *st)
{
	struct json_buf b = { 0 };
	char *out;

	json_write(&b, st);
	out = jb_finish(&b, NULL);
	if (!out) {
		fprintf(stderr, "biounitctl: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	printf("%s\n", out);
	fflush(stdout);
	free(out);
	return 0;
}

static void json_status_line(const struct json_value *st)
{
	json_line(st);
}

/* biounitctl session status --json ID: the whole status object, one line */
static int cmd_status_json(const char *id)
{
	struct json_value *reply = NULL;
	const struct json_value *st;
	char *params = id_params(id, NULL, NULL, NULL);
	struct conn c;
	int r;

	if (!params || conn_open(&c)) {
		free(params);
		return 1;
	}
	r = call(&c, IFACE ".Status", params, false, &reply);
	free(params);
	st = r ? NULL : json_get(json_get(reply, "parameters"), "status");
	if (st) {
		r = json_line(st) ? 1 : 0;
	} else if (!r) {
		fprintf(stderr, "biounitctl: the reply holds no status\n");
		r = 1;
	}
	json_free(reply);
	conn_close(&c);
	return r ? 1 : 0;
}

static int simple(const char *method, const char *params, bool print_status)
{
	struct json_value *reply = NULL;
	struct conn c;
	int r;

	if (!params || conn_open(&c))
		return 1;
	r = call(&c, method, params, false, &reply);
	if (r == 0 && print_status) {
		const struct json_value *st = json_get(json_get(reply, "parameters"), "status");

		if (st) {
			printf("session %s\n", str(st, "id"));
			progress_line(st);
		}
	}
	json_free(reply);
	conn_close(&c);
	return r ? 1 : 0;
}

static int cmd_start(const char *code, const char *age, const char *needs)
{
	struct json_buf b = { 0 };
	char *params, *list = strdup(needs), *tok, *save = NULL;
	bool first = true;
	int r;

	if (!list)
		return 1;
	jb_raw(&b, "{\"appointment\":");
	jb_str(&b, code);
	jb_raw(&b, ",\"age\":");
	jb_str(&b, age);
	jb_raw(&b, ",\"needs\":[");
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!first)
			jb_raw(&b, ",");
		jb_str(&b, tok);
		first = false;
	}
	jb_raw(&b, "]}");
	free(list);
	params = jb_finish(&b, NULL);
	r = simple(IFACE ".Start", params, true);
	free(params);
	return r;
}

/*
 * Opens a connection and calls @method on session @id; false if the call could not be
 * made (no connection to close), else *@r is call()'s result.
 */
static bool call_by_id(struct conn *c, const char *method, const char *id, bool more,
		       struct json_value **reply, int *r)
{
	char *params = id_params(id, NULL, NULL, NULL);

	if (!params || conn_open(c)) {
		free(params);
		return false;
	}
	*r = call(c, method, params, more, reply);
	free(params);
	return true;
}

/*
 * The replies of a call made with more (@r: the call's result): each one's status to
 * @show, until the last; then the connection is closed. 0, or 1 on an error.
 */
static int each_status(struct conn *c, struct json_value *reply, int r, const char *what,
		       void (*show)(const struct json_value *st))
{
	while (r == 0) {
		const struct json_value *st = json_get(json_get(reply, "parameters"), "status");

		if (st)
			show(st);
		r = stream_next(c, &reply, what);
		if (r <= 0)
			break;
		r = 0;
	}
	json_free(reply);
	conn_close(c);
	return r ? 1 : 0;
}

/* @json: each status as one line of JSON, not a progress line */
static int cmd_follow(const char *id, bool json)
{
	struct json_value *reply = NULL;
	struct conn c;
	int r;

	if (!call_by_id(&c, IFACE ".Follow", id, true, &reply, &r))
		return 1;
	return each_status(&c, reply, r, "follow", json ? json_status_line : progress_line);
}

static void show_result(const char *name, const struct json_value *res,
			const struct json_value *caps)
{
	long long ci = num(res, "capture");

	printf("%-11s %s", name, str(res, "outcome"));
	if (ci >= 0 && caps && (size_t)ci < caps->count) {
		const struct json_value *c = &caps->items[ci];

		if (num(res, "finger"))
			printf(", finger %lld", num(res, "finger"));
		printf(", attempt %lld, score %lld, %s", num(c, "attempt"), num(c, "score"),
		       *str(c, "file") ? str(c, "file") : "(no file)");
	}
	if (*str(res, "reason"))
		printf(", reason: %s", str(res, "reason"));
	printf("\n");
}

static int cmd_show(const char *id)
{
	struct json_value *reply = NULL;
	const struct json_value *p, *s, *res, *caps, *v;
	struct conn c;
	size_t i;
	int r;

	if (!call_by_id(&c, IFACE ".Result", id, false, &reply, &r))
		return 1;
	if (r == 0) {
		bool stored = false;

		p = json_get(reply, "parameters");
		s = json_get(p, "session");
		res = json_get(s, "results");
		caps = json_get(s, "captures");
		json_get_bool(p, "stored", &stored);
		printf("session    %s (%s, age %s)\n", str(s, "id"), str(s, "state"), str(s, "age"));
		printf("stored     %s in %s\n", stored ? "yes" : "NO", str(p, "directory"));
		show_result("photo", json_get(res, "photo"), caps);
		show_result("right hand", json_get(res, "right_hand"), caps);
		show_result("left hand", json_get(res, "left_hand"), caps);
		show_result("signature", json_get(res, "signature"), caps);
		v = json_get(s, "exceptions");
		for (i = 0; v && i < v->count; i++)
			printf("exception  %s: %s (best score %lld)\n", str(&v->items[i], "finger_name"),
			       str(&v->items[i], "reason"), num(&v->items[i], "best_score"));
		v = json_get(s, "decisions");
		for (i = 0; v && i < v->count; i++)
			printf("decision   %s %s%s%s\n", str(&v->items[i], "action"),
			       str(&v->items[i], "step"), *str(&v->items[i], "reason") ? ": " : "",
			       str(&v->items[i], "reason"));
		printf("captures   %zu\n", caps ? caps->count : 0);
	}
	json_free(reply);
	conn_close(&c);
	return r ? 1 : 0;
}

static void list_line(const struct json_value *st)
{
	bool active = false;

	json_get_bool(st, "active", &active);
	printf("%-20s %-10s %-10s %-7s %.16s\n", str(st, "id"), str(st, "state"), str(st, "step"),
	       active ? "yes" : "no", str(st, "appointment_hash"));
}

/* List with more: one reply per session, then one with the count */
static int cmd_list_sessions(void)
{
	struct json_value *reply = NULL;
	struct conn c;
	int r;

	if (conn_open(&c))
		return 1;
	r = call(&c, IFACE ".List", "{}", true, &reply);
	if (r == 0)
		printf("%-20s %-10s %-10s %-7s %s\n", "SESSION", "STATE", "STEP", "ACTIVE",
		       "APPOINTMENT HASH");
	return each_status(&c, reply, r, "list", list_line);
}

/* biounitctl session ARGS... (argv[0] is the sub-command); called from main.c */
int cmd_session(int argc, char **argv);
void session_usage(FILE *f);

/* Every session command with what it does (biounitctl --help prints it too) */
void session_usage(FILE *f)
{
	fprintf(f, "Sessions (biounitd, over $BIOUNITD_SOCKET or /run/biounitd/control.socket):\n"
		   "  session start CODE AGE NEEDS\n"
		   "                       start a desk session for appointment CODE; AGE is\n"
		   "                       0, 1-5, 6-11, 12-17 or 18+; NEEDS what to capture,\n"
		   "                       e.g. photo,fingers,signature; prints the session id\n"
		   "  session follow [--json] ID\n"
		   "                       one progress line per change, until the session ends\n"
		   "                       (--json: the status object as one line of JSON)\n"
		   "  session status ID    the session's state, step and attempt, once\n"
		   "  session status --json ID\n"
		   "                       the whole status object, as one line of JSON\n"
		   "  session show ID      the result: outcomes, exceptions, decisions, files\n"
		   "  session list         every stored session: id, state, step, active\n"
		   "  session accept ID [REASON]\n"
		   "                       keep the capture under review (a non-compliant one is\n"
		   "                       kept as such, the decision recorded)\n"
		   "  session retake ID [REASON]\n"
		   "                       one more attempt at the step under review\n"
		   "  session skip ID REASON\n"
		   "                       leave the step out, with the reason (an exception)\n"
		   "  session missing ID REASON\n"
		   "                       the finger asked for cannot be taken (bandaged,\n"
		   "                       amputated...): the next one is asked\n"
		   "  session resume ID    drive a paused or reloaded session again\n"
		   "  session discard ID   end a session without result and delete its files\n");
}
int cmd_session(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "";
	char *params;
	int r;

	if (!strcmp(sub, "start") && argc == 4)
		return cmd_start(argv[1], argv[2], argv[3]);
	if (!strcmp(sub, "follow") && argc == 2)
		return cmd_follow(argv[1], false);
	if (!strcmp(sub, "follow") && argc == 3 && !strcmp(argv[1], "--json"))
		return cmd_follow(argv[2], true);
	if (!strcmp(sub, "show") && argc == 2)
		return cmd_show(argv[1]);
	if (!strcmp(sub, "status") && argc == 3 && !strcmp(argv[1], "--json"))
		return cmd_status_json(argv[2]);
	if (!strcmp(sub, "list") && argc == 1)
		return cmd_list_sessions();
	if ((!strcmp(sub, "status") || !strcmp(sub, "resume") || !strcmp(sub, "discard")) &&
	    argc == 2) {
		params = id_params(argv[1], NULL, NULL, NULL);
		r = simple(!strcmp(sub, "status") ? IFACE ".Status" :
			   !strcmp(sub, "resume") ? IFACE ".Resume" : IFACE ".Discard",
			   params, strcmp(sub, "discard"));
		free(params);
		if (!r && !strcmp(sub, "discard"))
			printf("session %s discarded, its files deleted\n", argv[1]);
		return r;
	}
	if ((!strcmp(sub, "accept") || !strcmp(sub, "retake")) && (argc == 2 || argc == 3)) {
		params = id_params(argv[1], "action", sub, argc == 3 ? argv[2] : NULL);
		r = simple(IFACE ".Decide", params, true);
		free(params);
		return r;
	}
	if ((!strcmp(sub, "skip") || !strcmp(sub, "missing")) && argc == 3) {
		params = id_params(argv[1], "action", !strcmp(sub, "skip") ? "skip" : "finger_missing",
				   argv[2]);
		r = simple(IFACE ".Decide", params, true);
		free(params);
		return r;
	}
	session_usage(stderr);
	return 2;
}
