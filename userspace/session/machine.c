// SPDX-License-Identifier: GPL-2.0
/*
 * The session state machine: steps photo -> fingers -> signature, attempts,
 * the next finger of a hand, operator decisions, pause and resume.
 * See docs/biounitd.md ("The session policy").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"

/* Each hand is tried index, thumb, middle, ring (ISO/IEC 19794-4 positions). */
static const unsigned int hand_order[2][SESSION_FINGERS_PER_HAND] = {
	{ 2, 1, 3, 4 },
	{ 7, 6, 8, 9 },
};

unsigned int session_hand_finger(unsigned int hand, unsigned int cand)
{
	if (hand > 1 || cand >= SESSION_FINGERS_PER_HAND)
		return 0;
	return hand_order[hand][cand];
}

int session_valid_id(const char *id)
{
	size_t n, i;

	if (!id)
		return 0;
	n = strnlen(id, BIOUNIT_SESSION_ID_MAX + 1);
	if (n < 1 || n > BIOUNIT_SESSION_ID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return 0;
	return 1;
}

/* printable (no control characters), at most BIOUNIT_REASON_MAX bytes */
int session_valid_reason(const char *r, int required)
{
	size_t n, i;

	if (!r)
		return !required;
	n = strnlen(r, BIOUNIT_REASON_MAX + 1);
	if (n > BIOUNIT_REASON_MAX || (required && n == 0))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			return 0;
	return 1;
}

static int terminated_printable(const char *s, size_t size)
{
	size_t n = strnlen(s, size), i;

	if (n == size)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int session_check_capture_strings(const struct biounit_capture *c)
{
	size_t n, i;

	if (!terminated_printable(c->reasons, sizeof(c->reasons)) ||
	    !terminated_printable(c->msg_nl, sizeof(c->msg_nl)) ||
	    !terminated_printable(c->msg_en, sizeof(c->msg_en)))
		return -EINVAL;
	n = strnlen(c->file, sizeof(c->file));
	if (n == sizeof(c->file) || (n && c->file[0] == '.'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = c->file[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return -EINVAL;
	}
	return 0;
}

static void result_init(struct biounit_step_result *r, int needed)
{
	memset(r, 0, sizeof(*r));
	r->outcome = needed ? BIOUNIT_OUTCOME_PENDING : BIOUNIT_OUTCOME_NOT_NEEDED;
	r->capture = -1;
}

static int step_needed(const struct biounit_session *s, enum biounit_session_step st)
{
	static const uint32_t bit[] = { BIOUNIT_NEED_PHOTO, BIOUNIT_NEED_FINGERS,
					BIOUNIT_NEED_SIGNATURE };

	return st < BIOUNIT_STEP_COUNT && (s->req.needs & bit[st]);
}

/* Go to the first needed step after @from (or from the start with STEP_NONE + wrap). */
static void enter_step(struct biounit_session *s, unsigned int first)
{
	unsigned int st;

	s->attempt = 0;
	s->best = -1;
	s->advice_nl[0] = s->advice_en[0] = '\0';
	for (st = first; st < BIOUNIT_STEP_COUNT; st++)
		if (step_needed(s, st))
			break;
	s->step = (enum biounit_session_step)st;
	s->hand = 0;
	s->cand = 0;
	s->state = st == BIOUNIT_STEP_NONE ? BIOUNIT_SESSION_FINISHED : BIOUNIT_SESSION_CAPTURING;
}

int biounit_session_new(const char *id, const struct biounit_session_request *req,
			const struct biounit_session_policy *policy,
			struct biounit_session **out, enum biounit_session_refusal *refusal)
{
	struct biounit_session *s;
	int r;

	if (refusal)
		*refusal = BIOUNIT_REFUSAL_NONE;
	if (!out || !session_valid_id(id))
		return -EINVAL;
	if (policy && biounit_session_policy_check(policy))
		return -EINVAL;
	r = biounit_session_request_check(req, refusal);
	if (r)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	session_strlcpy(s->id, id, sizeof(s->id));
	s->req = *req;
	s->req.appointment[BIOUNIT_APPOINTMENT_MAX] = '\0';
	if (policy)
		s->pol = *policy;
	else
		biounit_session_policy_default(&s->pol);
	result_init(&s->photo, step_needed(s, BIOUNIT_STEP_PHOTO));
	result_init(&s->hands[0], step_needed(s, BIOUNIT_STEP_FINGERS));
	result_init(&s->hands[1], step_needed(s, BIOUNIT_STEP_FINGERS));
	result_init(&s->signature, step_needed(s, BIOUNIT_STEP_SIGNATURE));
	enter_step(s, 0);
	session_update_prompt(s);
	*out = s;
	return 0;
}

void biounit_session_free(struct biounit_session *s)
{
	free(s);
}

const char *biounit_session_id(const struct biounit_session *s)
{
	return s->id;
}

const struct biounit_session_request *biounit_session_get_request(const struct biounit_session *s)
{
	return &s->req;
}

const struct biounit_session_policy *biounit_session_get_policy(const struct biounit_session *s)
{
	return &s->pol;
}

enum biounit_session_state biounit_session_state(const struct biounit_session *s)
{
	return s->state;
}

enum biounit_session_step biounit_session_step(const struct biounit_session *s)
{
	return s->step;
}

unsigned int biounit_session_finger(const struct biounit_session *s)
{
	if (s->step != BIOUNIT_STEP_FINGERS || s->state == BIOUNIT_SESSION_FINISHED ||
	    s->state == BIOUNIT_SESSION_DISCARDED)
		return 0;
	return session_hand_finger(s->hand, s->cand);
}

unsigned int biounit_session_attempt(const struct biounit_session *s)
{
	return s->attempt + 1;
}

int biounit_session_best(const struct biounit_session *s)
{
	return s->state == BIOUNIT_SESSION_REVIEW ? s->best : -1;
}

void biounit_session_prompt(const struct biounit_session *s, const char **nl, const char **en)
{
	if (nl)
		*nl = s->prompt_nl;
	if (en)
		*en = s->prompt_en;
}

/* compliant first, then higher score, then later */
static int better(const struct biounit_capture *a, const struct biounit_capture *b)
{
	if (a->compliant != b->compliant)
		return a->compliant;
	if (a->score != b->score)
		return a->score > b->score;
	return 1;
}

static int best_of(const struct biounit_session *s, enum biounit_session_step step,
		   int hand, int present_only)
{
	int best = -1;
	size_t i;

	for (i = 0; i < s->ncaps; i++) {
		const struct biounit_capture *c = &s->caps[i];

		if (c->step != step)
			continue;
		if (hand >= 0 && (c->finger < 1 || (unsigned int)(c->finger - 1) / 5 != (unsigned int)hand))
			continue;
		if (present_only && !c->present)
			continue;
		if (best < 0 || better(c, &s->caps[best]))
			best = (int)i;
	}
	return best;
}

static void set_advice(struct biounit_session *s, const struct biounit_capture *c)
{
	session_strlcpy(s->advice_nl, c->msg_nl, sizeof(s->advice_nl));
	session_strlcpy(s->advice_en, c->msg_en, sizeof(s->advice_en));
}

static struct biounit_step_result *step_result(struct biounit_session *s)
{
	return s->step == BIOUNIT_STEP_PHOTO ? &s->photo : &s->signature;
}

static void next_step(struct biounit_session *s)
{
	enter_step(s, (unsigned int)s->step + 1);
}

/* The current hand is decided: go to the left hand or past the fingers step. */
static void next_hand(struct biounit_session *s)
{
	s->advice_nl[0] = s->advice_en[0] = '\0';
	s->best = -1;
	s->attempt = 0;
	if (s->hand == 0) {
		s->hand = 1;
		s->cand = 0;
		s->state = BIOUNIT_SESSION_CAPTURING;
	} else {
		next_step(s);
	}
}

static void add_exception(struct biounit_session *s, unsigned int finger, const char *reason)
{
	struct biounit_finger_exception *e;
	size_t i;
	int best = 0;

	if (s->nexc >= SESSION_MAX_EXCEPTIONS)
		return;	/* cannot happen: at most 8 fingers are ever tried */
	for (i = 0; i < s->ncaps; i++)
		if (s->caps[i].step == BIOUNIT_STEP_FINGERS && s->caps[i].finger == finger &&
		    s->caps[i].present && s->caps[i].score > best)
			best = s->caps[i].score;
	e = &s->exc[s->nexc++];
	memset(e, 0, sizeof(*e));
	e->finger = finger;
	e->best_score = best;
	session_strlcpy(e->reason, reason, sizeof(e->reason));
}

/* The current finger could not be taken: the next finger of the hand, or the hand's review. */
static void next_finger(struct biounit_session *s)
{
	s->attempt = 0;
	s->cand++;
	if (s->cand < SESSION_FINGERS_PER_HAND) {
		s->state = BIOUNIT_SESSION_CAPTURING;
		return;
	}
	s->cand = SESSION_FINGERS_PER_HAND - 1;	/* the last one tried */
	s->best = best_of(s, BIOUNIT_STEP_FINGERS, (int)s->hand, 1);
	if (s->best >= 0) {
		/* the best single print of the hand, below the threshold: the operator decides */
		s->state = BIOUNIT_SESSION_REVIEW;
		return;
	}
	s->hands[s->hand].outcome = BIOUNIT_OUTCOME_EXCEPTION;
	session_strlcpy(s->hands[s->hand].reason, "no finger of this hand could be taken",
			sizeof(s->hands[s->hand].reason));
	next_hand(s);
}

static int submit_fingers(struct biounit_session *s, struct biounit_capture *c)
{
	unsigned int finger = session_hand_finger(s->hand, s->cand);
	size_t i;
	int any_present = 0;

	if (c->finger != finger)
		return -EINVAL;
	c->compliant = c->present && c->score >= (int)s->pol.finger_threshold;
	s->caps[s->ncaps++] = *c;
	if (c->compliant) {
		struct biounit_step_result *h = &s->hands[s->hand];

		h->outcome = BIOUNIT_OUTCOME_TAKEN;
		h->capture = (int)s->ncaps - 1;
		h->finger = finger;
		h->reason[0] = '\0';
		next_hand(s);
		return 0;
	}
	set_advice(s, c);
	if (s->attempt < s->pol.finger_attempts)
		return 0;
	for (i = 0; i < s->ncaps; i++)
		if (s->caps[i].step == BIOUNIT_STEP_FINGERS && s->caps[i].finger == finger &&
		    s->caps[i].present)
			any_present = 1;
	add_exception(s, finger, any_present ? "low_quality" : "missing");
	s->advice_nl[0] = s->advice_en[0] = '\0';
	next_finger(s);
	return 0;
}

int biounit_session_submit(struct biounit_session *s, const struct biounit_capture *in)
{
	struct biounit_capture c;
	unsigned int limit;

	if (!s || !in)
		return -EINVAL;
	if (s->state != BIOUNIT_SESSION_CAPTURING)
		return -EBUSY;
	if (in->step != s->step || in->score < 0 || in->score > 100 ||
	    session_check_capture_strings(in))
		return -EINVAL;
	if (in->step != BIOUNIT_STEP_FINGERS && in->finger)
		return -EINVAL;
	if (s->ncaps >= BIOUNIT_SESSION_MAX_CAPTURES)
		return -ENOSPC;
	c = *in;
	if (c.step == BIOUNIT_STEP_FINGERS) {
		if (c.finger != session_hand_finger(s->hand, s->cand))
			return -EINVAL;
		c.attempt = s->attempt + 1;
		s->attempt++;
		submit_fingers(s, &c);
		session_update_prompt(s);
		return 0;
	}
	c.present = true;
	c.attempt = ++s->attempt;
	s->caps[s->ncaps++] = c;
	limit = s->step == BIOUNIT_STEP_PHOTO ? s->pol.photo_attempts : s->pol.signature_attempts;
	if (c.compliant || s->attempt >= limit) {
		s->best = best_of(s, s->step, -1, 0);
		s->state = BIOUNIT_SESSION_REVIEW;
	}
	if (c.compliant)
		s->advice_nl[0] = s->advice_en[0] = '\0';
	else
		set_advice(s, &c);
	session_update_prompt(s);
	return 0;
}

static void record(struct biounit_session *s, enum biounit_operator_action a, unsigned int finger,
		   int capture, const char *reason, uint64_t now_ns)
{
	struct biounit_decision *d;

	d = &s->dec[s->ndec++];
	memset(d, 0, sizeof(*d));
	d->action = a;
	d->step = s->step;
	d->finger = finger;
	d->capture = capture;
	d->time_ns = now_ns;
	session_strlcpy(d->reason, reason ? reason : "", sizeof(d->reason));
}

static void accept(struct biounit_session *s)
{
	const struct biounit_capture *c = &s->caps[s->best];
	struct biounit_step_result *r;

	if (s->step == BIOUNIT_STEP_FINGERS) {
		r = &s->hands[s->hand];
		r->outcome = BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT;
		r->capture = s->best;
		r->finger = c->finger;
		session_strlcpy(r->reason, "below_threshold", sizeof(r->reason));
		next_hand(s);
		return;
	}
	r = step_result(s);
	r->capture = s->best;
	r->finger = 0;
	if (c->compliant) {
		r->outcome = BIOUNIT_OUTCOME_TAKEN;
		r->reason[0] = '\0';
	} else {
		r->outcome = BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT;
		session_strlcpy(r->reason, c->reasons, sizeof(r->reason));
	}
	next_step(s);
}

static void skip(struct biounit_session *s, const char *reason)
{
	struct biounit_step_result *r;

	if (s->step == BIOUNIT_STEP_FINGERS) {
		unsigned int h;

		for (h = s->hand; h < 2; h++) {
			r = &s->hands[h];
			r->outcome = BIOUNIT_OUTCOME_EXCEPTION;
			r->capture = -1;
			r->finger = 0;
			session_strlcpy(r->reason, reason, sizeof(r->reason));
		}
	} else {
		r = step_result(s);
		r->outcome = BIOUNIT_OUTCOME_EXCEPTION;
		r->capture = -1;
		session_strlcpy(r->reason, reason, sizeof(r->reason));
	}
	next_step(s);
}

int biounit_session_operator(struct biounit_session *s, enum biounit_operator_action a,
			     const char *reason, uint64_t now_ns)
{
	int req = a == BIOUNIT_OP_SKIP || a == BIOUNIT_OP_FINGER_MISSING;
	unsigned int finger;

	if (!s || a < BIOUNIT_OP_ACCEPT || a > BIOUNIT_OP_FINGER_MISSING ||
	    !session_valid_reason(reason, req))
		return -EINVAL;
	if (s->state != BIOUNIT_SESSION_CAPTURING && s->state != BIOUNIT_SESSION_REVIEW)
		return -EBUSY;
	if (s->ndec >= SESSION_MAX_DECISIONS)
		return -ENOSPC;
	switch (a) {
	case BIOUNIT_OP_ACCEPT:
		if (s->state != BIOUNIT_SESSION_REVIEW || s->best < 0)
			return -EPERM;
		record(s, a, 0, s->best, reason, now_ns);
		accept(s);
		break;
	case BIOUNIT_OP_RETAKE:
		if (s->state != BIOUNIT_SESSION_REVIEW || s->step == BIOUNIT_STEP_FINGERS)
			return -EPERM;
		if (s->ncaps >= BIOUNIT_SESSION_MAX_CAPTURES)
			return -ENOSPC;
		record(s, a, 0, -1, reason, now_ns);
		s->state = BIOUNIT_SESSION_CAPTURING;
		s->best = -1;
		break;
	case BIOUNIT_OP_SKIP:
		record(s, a, 0, -1, reason, now_ns);
		skip(s, reason);
		break;
	case BIOUNIT_OP_FINGER_MISSING:
		if (s->state != BIOUNIT_SESSION_CAPTURING || s->step != BIOUNIT_STEP_FINGERS)
			return -EPERM;
		finger = session_hand_finger(s->hand, s->cand);
		record(s, a, finger, -1, reason, now_ns);
		add_exception(s, finger, reason);
		s->advice_nl[0] = s->advice_en[0] = '\0';
		next_finger(s);
		break;
	}
	session_update_prompt(s);
	return 0;
}

int biounit_session_pause(struct biounit_session *s)
{
	if (!s)
		return -EINVAL;
	if (s->state != BIOUNIT_SESSION_CAPTURING && s->state != BIOUNIT_SESSION_REVIEW)
		return -EBUSY;
	s->paused_from = s->state;
	s->state = BIOUNIT_SESSION_PAUSED;
	session_update_prompt(s);
	return 0;
}

int biounit_session_resume(struct biounit_session *s)
{
	if (!s)
		return -EINVAL;
	if (s->state != BIOUNIT_SESSION_PAUSED)
		return -EBUSY;
	s->state = s->paused_from;
	session_update_prompt(s);
	return 0;
}

int biounit_session_discard(struct biounit_session *s)
{
	if (!s)
		return -EINVAL;
	if (s->state == BIOUNIT_SESSION_FINISHED || s->state == BIOUNIT_SESSION_DISCARDED)
		return -EBUSY;
	s->state = BIOUNIT_SESSION_DISCARDED;
	session_update_prompt(s);
	return 0;
}

size_t biounit_session_capture_count(const struct biounit_session *s)
{
	return s ? s->ncaps : 0;
}

const struct biounit_capture *biounit_session_capture(const struct biounit_session *s, size_t i)
{
	return s && i < s->ncaps ? &s->caps[i] : NULL;
}

int biounit_session_step_result(const struct biounit_session *s, enum biounit_session_step step,
				struct biounit_step_result *out)
{
	if (!s || !out)
		return -EINVAL;
	if (step == BIOUNIT_STEP_PHOTO)
		*out = s->photo;
	else if (step == BIOUNIT_STEP_SIGNATURE)
		*out = s->signature;
	else
		return -EINVAL;
	return 0;
}

int biounit_session_hand_result(const struct biounit_session *s, enum biounit_hand hand,
				struct biounit_step_result *out)
{
	if (!s || !out || (unsigned int)hand > 1)
		return -EINVAL;
	*out = s->hands[hand];
	return 0;
}

size_t biounit_session_exception_count(const struct biounit_session *s)
{
	return s ? s->nexc : 0;
}

const struct biounit_finger_exception *biounit_session_exception(const struct biounit_session *s,
								 size_t i)
{
	return s && i < s->nexc ? &s->exc[i] : NULL;
}

size_t biounit_session_decision_count(const struct biounit_session *s)
{
	return s ? s->ndec : 0;
}

const struct biounit_decision *biounit_session_decision(const struct biounit_session *s, size_t i)
{
	return s && i < s->ndec ? &s->dec[i] : NULL;
}
