// SPDX-License-Identifier: GPL-2.0
/* A session as JSON and back (the store's format; docs/biounitd.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "session_internal.h"

#define SESSION_FORMAT "biounit-session"
#define SESSION_VERSION 1

static const char *const need_names[] = { "photo", "fingers", "signature" };

static void put_result(struct json_buf *b, const char *key, const struct biounit_step_result *r,
		       bool first)
{
	jb_key(b, key, first);
	jb_printf(b, "{\"outcome\":\"%s\",\"capture\":%d,\"finger\":%u,\"reason\":",
		  biounit_outcome_name(r->outcome), r->capture, r->finger);
	jb_str(b, r->reason);
	jb_raw(b, "}");
}

int biounit_session_to_json(const struct biounit_session *s, char **out)
{
	struct json_buf b = { 0 };
	size_t i;
	int err;
	bool first = true;

	if (!s || !out)
		return -EINVAL;
	jb_printf(&b, "{\"format\":\"%s\",\"version\":%d,\"id\":", SESSION_FORMAT, SESSION_VERSION);
	jb_str(&b, s->id);
	jb_raw(&b, ",\"appointment\":");
	jb_str(&b, s->req.appointment);
	jb_printf(&b, ",\"age\":\"%s\",\"needs\":[", biounit_age_band_name(s->req.age));
	for (i = 0; i < 3; i++) {
		if (s->req.needs & (1u << i)) {
			jb_printf(&b, "%s\"%s\"", first ? "" : ",", need_names[i]);
			first = false;
		}
	}
	jb_printf(&b, "],\"policy\":{\"photo_attempts\":%u,\"finger_attempts\":%u,"
		  "\"finger_threshold\":%u,\"signature_attempts\":%u}",
		  s->pol.photo_attempts, s->pol.finger_attempts, s->pol.finger_threshold,
		  s->pol.signature_attempts);
	jb_printf(&b, ",\"state\":\"%s\",\"paused_from\":\"%s\",\"step\":\"%s\",\"finger\":%u,"
		  "\"hand\":%u,\"candidate\":%u,\"attempt\":%u,\"best\":%d",
		  biounit_session_state_name(s->state), biounit_session_state_name(s->paused_from),
		  biounit_session_step_name(s->step), biounit_session_finger(s), s->hand, s->cand,
		  s->attempt, s->best);
	jb_raw(&b, ",\"advice_nl\":");
	jb_str(&b, s->advice_nl);
	jb_raw(&b, ",\"advice_en\":");
	jb_str(&b, s->advice_en);
	jb_raw(&b, ",\"prompt_nl\":");
	jb_str(&b, s->prompt_nl);
	jb_raw(&b, ",\"prompt_en\":");
	jb_str(&b, s->prompt_en);
	jb_raw(&b, ",\"results\":{");
	put_result(&b, "photo", &s->photo, true);
	put_result(&b, "right_hand", &s->hands[0], false);
	put_result(&b, "left_hand", &s->hands[1], false);
	put_result(&b, "signature", &s->signature, false);
	jb_raw(&b, "},\"captures\":[");
	for (i = 0; i < s->ncaps; i++) {
		const struct biounit_capture *c = &s->caps[i];

		jb_printf(&b, "%s{\"step\":\"%s\",\"finger\":%u,\"attempt\":%u,\"timestamp_ns\":%llu,"
			  "\"score\":%d,\"compliant\":%s,\"present\":%s,\"reasons\":",
			  i ? "," : "", biounit_session_step_name(c->step), c->finger, c->attempt,
			  (unsigned long long)c->timestamp_ns, c->score,
			  c->compliant ? "true" : "false", c->present ? "true" : "false");
		jb_str(&b, c->reasons);
		jb_raw(&b, ",\"msg_nl\":");
		jb_str(&b, c->msg_nl);
		jb_raw(&b, ",\"msg_en\":");
		jb_str(&b, c->msg_en);
		jb_raw(&b, ",\"file\":");
		jb_str(&b, c->file);
		jb_raw(&b, "}");
	}
	jb_raw(&b, "],\"exceptions\":[");
	for (i = 0; i < s->nexc; i++) {
		jb_printf(&b, "%s{\"finger\":%u,\"finger_name\":\"%s\",\"best_score\":%d,\"reason\":",
			  i ? "," : "", s->exc[i].finger,
			  biounit_finger_position_name(s->exc[i].finger), s->exc[i].best_score);
		jb_str(&b, s->exc[i].reason);
		jb_raw(&b, "}");
	}
	jb_raw(&b, "],\"decisions\":[");
	for (i = 0; i < s->ndec; i++) {
		const struct biounit_decision *d = &s->dec[i];

		jb_printf(&b, "%s{\"action\":\"%s\",\"step\":\"%s\",\"finger\":%u,\"capture\":%d,"
			  "\"time_ns\":%llu,\"reason\":",
			  i ? "," : "", biounit_operator_action_name(d->action),
			  biounit_session_step_name(d->step), d->finger, d->capture,
			  (unsigned long long)d->time_ns);
		jb_str(&b, d->reason);
		jb_raw(&b, "}");
	}
	jb_raw(&b, "]}\n");
	*out = jb_finish(&b, &err);
	return err;
}

/* ---- reading back ---- */

static int name_index(const char *s, const char *(*namer)(unsigned int), unsigned int n,
		      unsigned int *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, namer(i))) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *state_namer(unsigned int i) { return biounit_session_state_name(i); }
static const char *step_namer(unsigned int i) { return biounit_session_step_name(i); }
static const char *outcome_namer(unsigned int i) { return biounit_outcome_name(i); }
static const char *action_namer(unsigned int i) { return biounit_operator_action_name(i); }

static int get_named(const struct json_value *o, const char *key,
		     const char *(*namer)(unsigned int), unsigned int n, unsigned int *out)
{
	const char *s;

	if (json_get_string(o, key, &s))
		return -EINVAL;
	return name_index(s, namer, n, out);
}

static int get_str(const struct json_value *o, const char *key, char *dst, size_t size)
{
	const char *s;

	if (json_get_string(o, key, &s) || strlen(s) >= size)
		return -EINVAL;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int get_uint(const struct json_value *o, const char *key, long long max, unsigned int *out)
{
	long long v;

	if (json_get_int(o, key, 0, max, &v))
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int get_sint(const struct json_value *o, const char *key, long long min, long long max,
		    int *out)
{
	long long v;

	if (json_get_int(o, key, min, max, &v))
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int get_result(const struct json_value *res, const char *key, size_t ncaps,
		      struct biounit_step_result *r)
{
	const struct json_value *o = json_get(res, key);
	unsigned int oc;

	memset(r, 0, sizeof(*r));
	if (!o || get_named(o, "outcome", outcome_namer, BIOUNIT_OUTCOME_EXCEPTION + 1, &oc) ||
	    get_sint(o, "capture", -1, (long long)ncaps - 1, &r->capture) ||
	    get_uint(o, "finger", 10, &r->finger) || get_str(o, "reason", r->reason, sizeof(r->reason)))
		return -EINVAL;
	r->outcome = (enum biounit_outcome)oc;
	return 0;
}

/* The request: format and version, id, appointment, age band, needs (checked as Start checks them) */
static int read_request(const struct json_value *root, struct biounit_session *s)
{
	const struct json_value *needs;
	const char *fmt;
	long long ver;
	unsigned int v, i;
	enum biounit_session_refusal refusal;

	if (json_get_string(root, "format", &fmt) || strcmp(fmt, SESSION_FORMAT) ||
	    json_get_int(root, "version", SESSION_VERSION, SESSION_VERSION, &ver))
		return -EINVAL;
	if (get_str(root, "id", s->id, sizeof(s->id)) || !session_valid_id(s->id) ||
	    get_str(root, "appointment", s->req.appointment, sizeof(s->req.appointment)))
		return -EINVAL;
	{
		const char *age;

		if (json_get_string(root, "age", &age) || biounit_age_band_parse(age, &s->req.age))
			return -EINVAL;
	}
	needs = json_get(root, "needs");
	if (!needs || needs->type != JSON_ARRAY)
		return -EINVAL;
	for (i = 0; i < needs->count; i++) {
		if (needs->items[i].type != JSON_STRING)
			return -EINVAL;
		for (v = 0; v < 3; v++)
			if (!strcmp(needs->items[i].text, need_names[v]))
				break;
		if (v == 3)
			return -EINVAL;
		s->req.needs |= 1u << v;
	}
	if (biounit_session_request_check(&s->req, &refusal))
		return -EINVAL;
	return 0;
}

/* The policy, the state, step and where the session stands in it */
static int read_progress(const struct json_value *root, struct biounit_session *s)
{
	const struct json_value *pol;
	unsigned int v;

	pol = json_get(root, "policy");
	if (get_uint(pol, "photo_attempts", 10, &s->pol.photo_attempts) ||
	    get_uint(pol, "finger_attempts", 10, &s->pol.finger_attempts) ||
	    get_uint(pol, "finger_threshold", 100, &s->pol.finger_threshold) ||
	    get_uint(pol, "signature_attempts", 10, &s->pol.signature_attempts) ||
	    biounit_session_policy_check(&s->pol))
		return -EINVAL;
	if (get_named(root, "state", state_namer, BIOUNIT_SESSION_DISCARDED + 1, &v))
		return -EINVAL;
	s->state = (enum biounit_session_state)v;
	if (get_named(root, "paused_from", state_namer, BIOUNIT_SESSION_DISCARDED + 1, &v) ||
	    (v != BIOUNIT_SESSION_CAPTURING && v != BIOUNIT_SESSION_REVIEW))
		return -EINVAL;
	s->paused_from = (enum biounit_session_state)v;
	if (get_named(root, "step", step_namer, BIOUNIT_STEP_NONE + 1, &v))
		return -EINVAL;
	s->step = (enum biounit_session_step)v;
	if ((s->step == BIOUNIT_STEP_NONE) != (s->state == BIOUNIT_SESSION_FINISHED) &&
	    s->state != BIOUNIT_SESSION_DISCARDED)
		return -EINVAL;
	if (get_uint(root, "hand", 1, &s->hand) ||
	    get_uint(root, "candidate", SESSION_FINGERS_PER_HAND - 1, &s->cand) ||
	    get_uint(root, "attempt", BIOUNIT_SESSION_MAX_CAPTURES, &s->attempt) ||
	    get_str(root, "advice_nl", s->advice_nl, sizeof(s->advice_nl)) ||
	    get_str(root, "advice_en", s->advice_en, sizeof(s->advice_en)))
		return -EINVAL;

	return 0;
}

/* The captures, each with its strings checked, and the capture under review */
static int read_captures(const struct json_value *root, struct biounit_session *s)
{
	const struct json_value *caps;
	unsigned int v, i;

	caps = json_get(root, "captures");
	if (!caps || caps->type != JSON_ARRAY || caps->count > BIOUNIT_SESSION_MAX_CAPTURES)
		return -EINVAL;
	for (i = 0; i < caps->count; i++) {
		const struct json_value *o = &caps->items[i];
		struct biounit_capture *c = &s->caps[i];
		bool b1, b2;

		if (get_named(o, "step", step_namer, BIOUNIT_STEP_COUNT, &v))
			return -EINVAL;
		c->step = (enum biounit_session_step)v;
		if (get_uint(o, "finger", 10, &c->finger) ||
		    get_uint(o, "attempt", BIOUNIT_SESSION_MAX_CAPTURES, &c->attempt) ||
		    json_get_u64(o, "timestamp_ns", &c->timestamp_ns) ||
		    get_sint(o, "score", 0, 100, &c->score) || json_get_bool(o, "compliant", &b1) ||
		    json_get_bool(o, "present", &b2) ||
		    get_str(o, "reasons", c->reasons, sizeof(c->reasons)) ||
		    get_str(o, "msg_nl", c->msg_nl, sizeof(c->msg_nl)) ||
		    get_str(o, "msg_en", c->msg_en, sizeof(c->msg_en)) ||
		    get_str(o, "file", c->file, sizeof(c->file)) || session_check_capture_strings(c))
			return -EINVAL;
		c->compliant = b1;
		c->present = b2;
	}
	s->ncaps = caps->count;
	if (get_sint(root, "best", -1, (long long)s->ncaps - 1, &s->best))
		return -EINVAL;
	if (s->state == BIOUNIT_SESSION_REVIEW && s->best < 0)
		return -EINVAL;

	return 0;
}

/* The results of the steps, the finger exceptions and the operator's decisions */
static int read_outcomes(const struct json_value *root, struct biounit_session *s)
{
	const struct json_value *res, *exc, *dec;
	unsigned int v, i;

	res = json_get(root, "results");
	if (get_result(res, "photo", s->ncaps, &s->photo) ||
	    get_result(res, "right_hand", s->ncaps, &s->hands[0]) ||
	    get_result(res, "left_hand", s->ncaps, &s->hands[1]) ||
	    get_result(res, "signature", s->ncaps, &s->signature))
		return -EINVAL;

	exc = json_get(root, "exceptions");
	if (!exc || exc->type != JSON_ARRAY || exc->count > SESSION_MAX_EXCEPTIONS)
		return -EINVAL;
	for (i = 0; i < exc->count; i++) {
		struct biounit_finger_exception *e = &s->exc[i];

		if (get_uint(&exc->items[i], "finger", 10, &e->finger) || e->finger < 1 ||
		    get_sint(&exc->items[i], "best_score", 0, 100, &e->best_score) ||
		    get_str(&exc->items[i], "reason", e->reason, sizeof(e->reason)))
			return -EINVAL;
	}
	s->nexc = exc->count;

	dec = json_get(root, "decisions");
	if (!dec || dec->type != JSON_ARRAY || dec->count > SESSION_MAX_DECISIONS)
		return -EINVAL;
	for (i = 0; i < dec->count; i++) {
		const struct json_value *o = &dec->items[i];
		struct biounit_decision *d = &s->dec[i];

		if (get_named(o, "action", action_namer, BIOUNIT_OP_FINGER_MISSING + 1, &v) || !v)
			return -EINVAL;
		d->action = (enum biounit_operator_action)v;
		if (get_named(o, "step", step_namer, BIOUNIT_STEP_COUNT, &v))
			return -EINVAL;
		d->step = (enum biounit_session_step)v;
		if (get_uint(o, "finger", 10, &d->finger) ||
		    get_sint(o, "capture", -1, (long long)s->ncaps - 1, &d->capture) ||
		    json_get_u64(o, "time_ns", &d->time_ns) ||
		    get_str(o, "reason", d->reason, sizeof(d->reason)))
			return -EINVAL;
	}
	s->ndec = dec->count;
	return 0;
}

static int read_doc(const struct json_value *root, struct biounit_session *s)
{
	if (read_request(root, s) || read_progress(root, s) || read_captures(root, s) ||
	    read_outcomes(root, s))
		return -EINVAL;
	return 0;
}

int biounit_session_from_json(const char *buf, size_t len, struct biounit_session **out)
{
	struct json_value *root;
	struct biounit_session *s;
	int r;

	if (!buf || !out)
		return -EINVAL;
	r = json_parse(buf, len, &root);
	if (r)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s) {
		json_free(root);
		return -ENOMEM;
	}
	r = read_doc(root, s);
	json_free(root);
	if (r) {
		free(s);
		return r;
	}
	session_update_prompt(s);
	*out = s;
	return 0;
}
