// SPDX-License-Identifier: GPL-2.0
/*
 * Who gets a session and what may be asked: the appointment code, the age
 * band, the needs, the refusals and their texts, the policy's ranges.
 */
#include <errno.h>
#include <string.h>

#include "finger/finger.h"
#include "session_internal.h"

static const char *const age_names[BIOUNIT_AGE_BAND_COUNT] = {
	"0", "1-5", "6-11", "12-17", "18+",
};

const char *biounit_age_band_name(enum biounit_age_band age)
{
	return (unsigned int)age < BIOUNIT_AGE_BAND_COUNT ? age_names[age] : "?";
}

int biounit_age_band_parse(const char *s, enum biounit_age_band *out)
{
	unsigned int i;

	if (!s || !out)
		return -EINVAL;
	for (i = 0; i < BIOUNIT_AGE_BAND_COUNT; i++) {
		if (!strcmp(s, age_names[i])) {
			*out = (enum biounit_age_band)i;
			return 0;
		}
	}
	return -EINVAL;
}

void biounit_session_policy_default(struct biounit_session_policy *p)
{
	if (!p)
		return;
	p->photo_attempts = 3;
	p->finger_attempts = 3;
	p->finger_threshold = BIOUNIT_FINGER_THRESHOLD_DEFAULT;
	p->signature_attempts = 3;
}

int biounit_session_policy_check(const struct biounit_session_policy *p)
{
	if (!p)
		return -EINVAL;
	if (p->photo_attempts < 1 || p->photo_attempts > 10 || p->finger_attempts < 1 ||
	    p->finger_attempts > 10 || p->signature_attempts < 1 || p->signature_attempts > 10 ||
	    p->finger_threshold > 100)
		return -EINVAL;
	return 0;
}

static int valid_appointment(const char *code)
{
	size_t n = strnlen(code, BIOUNIT_APPOINTMENT_MAX + 1), i;

	if (n < 4 || n > BIOUNIT_APPOINTMENT_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = code[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

int biounit_session_request_check(const struct biounit_session_request *req,
				  enum biounit_session_refusal *refusal)
{
	if (refusal)
		*refusal = BIOUNIT_REFUSAL_NONE;
	if (!req || !valid_appointment(req->appointment) ||
	    (unsigned int)req->age >= BIOUNIT_AGE_BAND_COUNT || !req->needs ||
	    (req->needs & ~BIOUNIT_NEED_ALL))
		return -EINVAL;
	if (req->age == BIOUNIT_AGE_UNDER_1) {
		if (refusal)
			*refusal = BIOUNIT_REFUSAL_UNDER_1;
		return -EPERM;
	}
	if ((req->needs & BIOUNIT_NEED_FINGERS) && req->age < BIOUNIT_AGE_6_TO_11) {
		if (refusal)
			*refusal = BIOUNIT_REFUSAL_FINGERS_UNDER_6;
		return -EPERM;
	}
	return 0;
}

enum biounit_face_age biounit_age_band_face_age(enum biounit_age_band age)
{
	switch (age) {
	case BIOUNIT_AGE_UNDER_1:
	case BIOUNIT_AGE_1_TO_5:
		return BIOUNIT_FACE_AGE_UNDER_6;
	default:
		/* "6-11" holds 11-year-olds, for whom the head must be 26-30 mm;
		 * that range lies inside the 19-30 mm of the younger ones, so the
		 * sizes from age 11 are right for every child of the band. */
		return BIOUNIT_FACE_AGE_11_PLUS;
	}
}

void biounit_session_refusal_text(enum biounit_session_refusal r, const char **nl,
				  const char **en)
{
	const char *n = "", *e = "";

	switch (r) {
	case BIOUNIT_REFUSAL_UNDER_1:
		n = "Bij kinderen jonger dan 1 jaar worden aan de balie geen biometrische gegevens "
		    "afgenomen. U krijgt per post een fotokaart om een pasfoto op te sturen.";
		e = "No biometrics are taken at the desk from children under 1. A photo card "
		    "will be sent to you by mail to send in a passport photo.";
		break;
	case BIOUNIT_REFUSAL_FINGERS_UNDER_6:
		n = "Vingerafdrukken worden pas afgenomen vanaf 6 jaar. Start de sessie opnieuw "
		    "zonder vingerafdrukken.";
		e = "Fingerprints are taken only from the age of 6. Start the session again "
		    "without fingerprints.";
		break;
	case BIOUNIT_REFUSAL_NONE:
	default:
		break;
	}
	if (nl)
		*nl = n;
	if (en)
		*en = e;
}

const char *biounit_session_refusal_key(enum biounit_session_refusal r)
{
	switch (r) {
	case BIOUNIT_REFUSAL_UNDER_1:
		return "under_1";
	case BIOUNIT_REFUSAL_FINGERS_UNDER_6:
		return "fingers_under_6";
	case BIOUNIT_REFUSAL_NONE:
	default:
		return "none";
	}
}

static const char *const finger_names[11] = {
	NULL, "right_thumb", "right_index", "right_middle", "right_ring", "right_little",
	"left_thumb", "left_index", "left_middle", "left_ring", "left_little",
};
static const char *const finger_nl[11] = {
	NULL, "rechterduim", "rechterwijsvinger", "rechtermiddelvinger", "rechterringvinger",
	"rechterpink", "linkerduim", "linkerwijsvinger", "linkermiddelvinger",
	"linkerringvinger", "linkerpink",
};
static const char *const finger_en[11] = {
	NULL, "right thumb", "right index finger", "right middle finger", "right ring finger",
	"right little finger", "left thumb", "left index finger", "left middle finger",
	"left ring finger", "left little finger",
};

const char *biounit_finger_position_name(unsigned int pos)
{
	return pos >= 1 && pos <= 10 ? finger_names[pos] : NULL;
}

void biounit_finger_position_text(unsigned int pos, const char **nl, const char **en)
{
	int ok = pos >= 1 && pos <= 10;

	if (nl)
		*nl = ok ? finger_nl[pos] : NULL;
	if (en)
		*en = ok ? finger_en[pos] : NULL;
}

const char *biounit_session_step_name(enum biounit_session_step s)
{
	static const char *const n[] = { "photo", "fingers", "signature", "none" };

	return (unsigned int)s <= BIOUNIT_STEP_NONE ? n[s] : "?";
}

const char *biounit_session_state_name(enum biounit_session_state s)
{
	static const char *const n[] = { "capturing", "review", "paused", "finished", "discarded" };

	return (unsigned int)s <= BIOUNIT_SESSION_DISCARDED ? n[s] : "?";
}

const char *biounit_outcome_name(enum biounit_outcome o)
{
	static const char *const n[] = { "pending", "not_needed", "taken", "kept_noncompliant",
					 "exception" };

	return (unsigned int)o <= BIOUNIT_OUTCOME_EXCEPTION ? n[o] : "?";
}

static const char *const action_names[] = { NULL, "accept", "retake", "skip", "finger_missing" };

const char *biounit_operator_action_name(enum biounit_operator_action a)
{
	return a >= BIOUNIT_OP_ACCEPT && a <= BIOUNIT_OP_FINGER_MISSING ? action_names[a] : "?";
}

int biounit_operator_action_parse(const char *s, enum biounit_operator_action *out)
{
	unsigned int i;

	if (!s || !out)
		return -EINVAL;
	for (i = BIOUNIT_OP_ACCEPT; i <= BIOUNIT_OP_FINGER_MISSING; i++) {
		if (!strcmp(s, action_names[i])) {
			*out = (enum biounit_operator_action)i;
			return 0;
		}
	}
	return -EINVAL;
}
