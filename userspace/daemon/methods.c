// SPDX-License-Identifier: GPL-2.0
/*
 * The calls of interface nl.ind.biounit.Session (and Varlink's
 * org.varlink.service.GetInfo and GetInterfaceDescription). A call with a missing, unknown or malformed
 * parameter gets org.varlink.service.InvalidParameter naming it and changes
 * nothing. docs/biounitd.md documents each call, reply and error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "biounitd.h"

#define IFACE BIOUNITD_INTERFACE

static void invalid(struct client *c, const char *param)
{
	struct json_buf b = { 0 };
	char *p;

	jb_raw(&b, "{\"parameter\":");
	jb_str(&b, param);
	jb_raw(&b, "}");
	p = jb_finish(&b, NULL);
	client_error(c, "org.varlink.service.InvalidParameter", p ? p : "{}");
	free(p);
}

static void error_msg(struct client *c, const char *error, const char *message)
{
	client_error_msg(c, error, message);
}

/* every member of @params is one of @allowed; else the first unknown one */
static const char *unknown_key(const struct json_value *params, const char *const *allowed)
{
	size_t i, j;

	for (i = 0; i < params->count; i++) {
		for (j = 0; allowed[j]; j++)
			if (!strcmp(params->keys[i], allowed[j]))
				break;
		if (!allowed[j])
			return params->keys[i];
	}
	return NULL;
}

static void reply_status(struct daemon *d, struct client *c, struct dsession *s, bool continues)
{
	char *st = session_status_json(d, s);
	struct json_buf b = { 0 };
	char *p;

	if (!st) {
		error_msg(c, IFACE ".InternalError", "out of memory");
		return;
	}
	jb_raw(&b, "{\"status\":");
	jb_raw(&b, st);
	jb_raw(&b, "}");
	free(st);
	p = jb_finish(&b, NULL);
	client_reply(c, p, continues);
	free(p);
}

/* org.varlink.service's errors name what was not found (https://varlink.org/Service) */
static void not_found(struct client *c, const char *error, const char *key, const char *name)
{
	struct json_buf b = { 0 };
	char *p;

	jb_raw(&b, "{");
	jb_key(&b, key, true);
	jb_str(&b, name);
	jb_raw(&b, ",\"message\":");
	jb_str(&b, name);
	jb_raw(&b, "}");
	p = jb_finish(&b, NULL);
	client_error(c, error, p ? p : "{}");
	free(p);
}

static void get_interface_description(struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "interface", NULL };
	const char *bad = unknown_key(params, allowed), *name, *text;
	struct json_buf b = { 0 };
	char *p;

	if (bad)
		return invalid(c, bad);
	if (json_get_string(params, "interface", &name))
		return invalid(c, "interface");
	text = interface_description(name);
	if (!text)
		return not_found(c, "org.varlink.service.InterfaceNotFound", "interface", name);
	jb_raw(&b, "{\"description\":");
	jb_str(&b, text);
	jb_raw(&b, "}");
	p = jb_finish(&b, NULL);
	if (!p)
		return error_msg(c, IFACE ".InternalError", "out of memory");
	client_reply(c, p, false);
	free(p);
}

static void get_info(struct client *c)
{
	client_reply(c, "{\"vendor\":\"IND\",\"product\":\"biounitd\",\"version\":\"" BIOUNITD_VERSION
		     "\",\"url\":\"docs/biounitd.md\",\"interfaces\":[\"org.varlink.service\",\""
		     IFACE "\"],\"api_version\":1}", false);
}

/* the session named by parameter "id" (replying the error if there is none) */
static struct dsession *session_param(struct daemon *d, struct client *c,
				      const struct json_value *params, const char *const *allowed)
{
	const char *id, *bad = unknown_key(params, allowed);
	struct dsession *s;

	if (bad) {
		invalid(c, bad);
		return NULL;
	}
	if (json_get_string(params, "id", &id) || !*id || strlen(id) > BIOUNIT_SESSION_ID_MAX) {
		invalid(c, "id");
		return NULL;
	}
	s = sessions_find(d, id);
	if (!s)
		error_msg(c, IFACE ".NoSuchSession", "no session with that id");
	return s;
}

static void new_id(char *id, size_t len)
{
	unsigned char rnd[5] = { 0 };
	time_t t = time(NULL);
	struct tm tm;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		uint64_t x = realtime_ns();

		memcpy(rnd, &x, sizeof(rnd));
	}
	gmtime_r(&t, &tm);
	snprintf(id, len, "%04u%02u%02u-%02x%02x%02x%02x%02x",
		 (unsigned int)(tm.tm_year + 1900) % 10000u, (unsigned int)(tm.tm_mon + 1) % 100u,
		 (unsigned int)tm.tm_mday % 100u, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4]);
}

static void start(struct daemon *d, struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "appointment", "age", "needs", NULL };
	struct biounit_session_request req;
	enum biounit_session_refusal why;
	const struct json_value *needs;
	const char *code, *age, *bad;
	struct dsession *s;
	char id[BIOUNIT_SESSION_ID_MAX + 1];
	size_t i;
	int r;

	memset(&req, 0, sizeof(req));
	bad = unknown_key(params, allowed);
	if (bad)
		return invalid(c, bad);
	if (json_get_string(params, "appointment", &code) || strlen(code) > BIOUNIT_APPOINTMENT_MAX)
		return invalid(c, "appointment");
	memcpy(req.appointment, code, strlen(code) + 1);
	if (json_get_string(params, "age", &age) || biounit_age_band_parse(age, &req.age))
		return invalid(c, "age");
	needs = json_get(params, "needs");
	if (!needs || needs->type != JSON_ARRAY || !needs->count)
		return invalid(c, "needs");
	for (i = 0; i < needs->count; i++) {
		const struct json_value *n = &needs->items[i];

		if (n->type != JSON_STRING)
			return invalid(c, "needs");
		if (!strcmp(n->text, "photo"))
			req.needs |= BIOUNIT_NEED_PHOTO;
		else if (!strcmp(n->text, "fingers"))
			req.needs |= BIOUNIT_NEED_FINGERS;
		else if (!strcmp(n->text, "signature"))
			req.needs |= BIOUNIT_NEED_SIGNATURE;
		else
			return invalid(c, "needs");
	}
	r = biounit_session_request_check(&req, &why);
	if (r == -EINVAL)
		return invalid(c, "appointment");
	if (r == -EPERM) {
		const char *nl, *en;
		struct json_buf b = { 0 };
		char *p, hash[65];

		biounit_session_refusal_text(why, &nl, &en);
		biounit_store_hash(d->store, req.appointment, hash);
		log_msg(LOG_INFO_, "appointment %.16s: refused (%s)", hash,
			biounit_session_refusal_key(why));
		jb_raw(&b, "{\"reason\":");
		jb_str(&b, biounit_session_refusal_key(why));
		jb_raw(&b, ",\"message_nl\":");
		jb_str(&b, nl);
		jb_raw(&b, ",\"message_en\":");
		jb_str(&b, en);
		jb_raw(&b, "}");
		p = jb_finish(&b, NULL);
		client_error(c, IFACE ".Refused", p ? p : "{}");
		free(p);
		return;
	}
	if (engine_active(d->engine))
		return error_msg(c, IFACE ".Busy", "another session is running on the unit: finish "
				 "or discard it first");
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_msg(c, IFACE ".InternalError", "out of memory");
	do
		new_id(id, sizeof(id));
	while (sessions_find(d, id));
	r = biounit_session_new(id, &req, &d->cfg.policy, &s->m, NULL);
	if (r) {
		free(s);
		return error_msg(c, IFACE ".InternalError", strerror(-r));
	}
	biounit_store_hash(d->store, req.appointment, s->hash);
	s->next = d->sessions;
	d->sessions = s;
	engine_activate(d->engine, s);
	if (session_commit(d, s, "started")) {
		/* not durable: do not run a session that could be lost */
		engine_deactivate(d->engine);
		session_remove(d, s);
		return error_msg(c, IFACE ".StorageError", "the session cannot be stored");
	}
	reply_status(d, c, s, false);
}

static void decide(struct daemon *d, struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "id", "action", "reason", NULL };
	enum biounit_operator_action a;
	const char *action, *reason = NULL;
	struct dsession *s = session_param(d, c, params, allowed);
	char event[64];
	int r;

	if (!s)
		return;
	if (json_get_string(params, "action", &action) || biounit_operator_action_parse(action, &a))
		return invalid(c, "action");
	if (json_get(params, "reason") &&
	    (json_get_string(params, "reason", &reason) || strlen(reason) > BIOUNIT_REASON_MAX))
		return invalid(c, "reason");
	if (!s->active)
		return error_msg(c, IFACE ".NotAllowed", "the session is not running: resume it first");
	r = biounit_session_operator(s->m, a, reason, realtime_ns());
	if (r == -EINVAL)
		return invalid(c, "reason");
	if (r == -EPERM)
		return error_msg(c, IFACE ".NotAllowed", "that decision is not possible now");
	if (r == -EBUSY)
		return error_msg(c, IFACE ".NotAllowed", "the session is paused or over");
	if (r)
		return error_msg(c, IFACE ".NotAllowed", strerror(-r));
	snprintf(event, sizeof(event), "operator %s", action);
	session_commit(d, s, event);
	engine_session_changed(d->engine);
	reply_status(d, c, s, false);
}

#define LIST_PAGE 100

/* List with more: the ids as they were at the call, one reply per session still there */
struct list_stream {
	char (*ids)[BIOUNIT_SESSION_ID_MAX + 1];
	size_t n, next, sent;
};

static void list_stream_free(void *p)
{
	struct list_stream *ls = p;

	free(ls->ids);
	free(ls);
}

static bool list_stream_next(struct daemon *d, struct client *c, void *p)
{
	struct list_stream *ls = p;
	char end[64];

	while (ls->next < ls->n) {
		struct dsession *s = sessions_find(d, ls->ids[ls->next++]);

		if (s) {
			reply_status(d, c, s, true);
			ls->sent++;
			return true;
		}
	}
	snprintf(end, sizeof(end), "{\"count\":%zu}", ls->sent);
	client_reply(c, end, false);
	return false;
}

static void list(struct daemon *d, struct client *c, const struct json_value *params, bool more)
{
	static const char *const allowed[] = { "offset", "limit", NULL };
	struct json_buf b = { 0 };
	struct dsession *s;
	const char *bad = unknown_key(params, allowed);
	long long offset = 0, limit = more ? LLONG_MAX : LIST_PAGE;
	size_t i = 0, total = 0;
	char *p;
	bool first = true;

	if (bad)
		return invalid(c, bad);
	if (json_get(params, "offset") &&
	    json_get_int(params, "offset", 0, LLONG_MAX, &offset))
		return invalid(c, "offset");
	if (json_get(params, "limit") &&
	    json_get_int(params, "limit", 1, more ? LLONG_MAX : LIST_PAGE, &limit))
		return invalid(c, "limit");
	if (more) {
		struct list_stream *ls = calloc(1, sizeof(*ls));

		for (s = d->sessions; s; s = s->next)
			total++;
		if (ls && total)
			ls->ids = calloc(total, sizeof(*ls->ids));
		if (!ls || (total && !ls->ids)) {
			free(ls);
			return error_msg(c, IFACE ".InternalError", "out of memory");
		}
		for (s = d->sessions; s; s = s->next, i++)
			if ((long long)i >= offset && (long long)ls->n < limit)
				snprintf(ls->ids[ls->n++], sizeof(ls->ids[0]), "%s", dsession_id(s));
		return client_stream(c, list_stream_next, ls, list_stream_free);
	}
	jb_raw(&b, "{\"sessions\":[");
	for (s = d->sessions; s; s = s->next, total++) {
		char *st;

		if ((long long)total < offset || (long long)(total - (size_t)offset) >= limit)
			continue;
		st = session_status_json(d, s);
		if (!st) {
			b.err = -ENOMEM;
			break;
		}
		if (!first)
			jb_raw(&b, ",");
		jb_raw(&b, st);
		free(st);
		first = false;
	}
	jb_printf(&b, "],\"total\":%zu}", total);
	p = jb_finish(&b, NULL);
	if (!p)
		return error_msg(c, IFACE ".InternalError", "out of memory");
	client_reply(c, p, false);
	free(p);
}

static void result(struct daemon *d, struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "id", NULL };
	struct dsession *s = session_param(d, c, params, allowed);
	struct json_buf b = { 0 };
	char *doc, *p;

	if (!s)
		return;
	if (!s->m)
		doc = strdup(s->receipt ? s->receipt : "{}");
	else if (biounit_session_to_json(s->m, &doc))
		doc = NULL;
	if (!doc)
		return error_msg(c, IFACE ".InternalError", "out of memory");
	jb_printf(&b, "{\"stored\":%s,\"directory\":", s->stored ? "true" : "false");
	{
		char dir[1200];

		snprintf(dir, sizeof(dir), "%s/sessions/%s", biounit_store_dir(d->store),
			 dsession_id(s));
		jb_str(&b, dir);
	}
	jb_raw(&b, ",\"session\":");
	jb_raw(&b, doc);
	handoff_status_json(d, s, &b);
	jb_raw(&b, "}");
	free(doc);
	p = jb_finish(&b, NULL);
	client_reply(c, p, false);
	free(p);
}

static void resume(struct daemon *d, struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "id", NULL };
	struct dsession *s = session_param(d, c, params, allowed), *a;
	enum biounit_session_state st;

	if (!s)
		return;
	st = s->m ? biounit_session_state(s->m) : BIOUNIT_SESSION_FINISHED;
	if (st == BIOUNIT_SESSION_FINISHED || st == BIOUNIT_SESSION_DISCARDED)
		return error_msg(c, IFACE ".NotAllowed", "the session is over");
	a = engine_active(d->engine);
	if (a && a != s)
		return error_msg(c, IFACE ".Busy", "another session is running on the unit");
	if (!a)
		engine_activate(d->engine, s);
	session_commit(d, s, "resumed");
	engine_session_changed(d->engine);
	reply_status(d, c, s, false);
}

static void discard(struct daemon *d, struct client *c, const struct json_value *params)
{
	static const char *const allowed[] = { "id", NULL };
	struct dsession *s = session_param(d, c, params, allowed);
	char hash[65], id[BIOUNIT_SESSION_ID_MAX + 1];
	int r;

	if (!s)
		return;
	if (!s->m || biounit_session_state(s->m) == BIOUNIT_SESSION_FINISHED)
		return error_msg(c, IFACE ".NotAllowed", "a finished session is kept for hand-off");
	if (engine_active(d->engine) == s)
		engine_deactivate(d->engine);
	biounit_session_discard(s->m);
	snprintf(hash, sizeof(hash), "%s", s->hash);
	snprintf(id, sizeof(id), "%s", biounit_session_id(s->m));
	/* followers learn of the end; then every file of it is deleted */
	{
		char *st = session_status_json(d, s);

		if (st) {
			server_broadcast(d->server, id, st, true);
			free(st);
		}
	}
	r = session_remove(d, s);
	if (r)
		return error_msg(c, IFACE ".StorageError", strerror(-r));
	log_msg(LOG_INFO_, "session %s (appointment %.16s): discarded, files deleted", id, hash);
	client_reply(c, "{}", false);
}

void methods_call(struct daemon *d, struct client *c, const char *method,
		  const struct json_value *params, bool more)
{
	static const char *const id_only[] = { "id", NULL };
	struct dsession *s;

	if (!strcmp(method, "org.varlink.service.GetInfo"))
		return get_info(c);
	if (!strcmp(method, "org.varlink.service.GetInterfaceDescription"))
		return get_interface_description(c, params);
	if (strncmp(method, IFACE ".", strlen(IFACE) + 1)) {
		const char *dot = strrchr(method, '.');
		char iface[256];

		if (!strncmp(method, "org.varlink.service.", 20))
			return not_found(c, "org.varlink.service.MethodNotFound", "method", method);
		snprintf(iface, sizeof(iface), "%.*s", dot ? (int)(dot - method) : 255, method);
		return not_found(c, "org.varlink.service.InterfaceNotFound", "interface", iface);
	}
	method += strlen(IFACE) + 1;
	if (!strcmp(method, "Start"))
		return start(d, c, params);
	if (!strcmp(method, "Status") || !strcmp(method, "Follow")) {
		s = session_param(d, c, params, id_only);
		if (!s)
			return;
		if (!strcmp(method, "Follow") && more) {
			enum biounit_session_state st = s->m ? biounit_session_state(s->m) :
							BIOUNIT_SESSION_FINISHED;
			bool over = st == BIOUNIT_SESSION_FINISHED || st == BIOUNIT_SESSION_DISCARDED;

			if (!over)
				client_follow(c, dsession_id(s));
			return reply_status(d, c, s, !over);
		}
		return reply_status(d, c, s, false);
	}
	if (!strcmp(method, "Decide"))
		return decide(d, c, params);
	if (!strcmp(method, "List"))
		return list(d, c, params, more);
	if (!strcmp(method, "Result"))
		return result(d, c, params);
	if (!strcmp(method, "Resume"))
		return resume(d, c, params);
	if (!strcmp(method, "Discard"))
		return discard(d, c, params);
	not_found(c, "org.varlink.service.MethodNotFound", "method", method - strlen(IFACE) - 1);
}
