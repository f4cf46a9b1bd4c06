// SPDX-License-Identifier: GPL-2.0
/*
 * The session policy and state machine (userspace/session/), driven with
 * scripted capture results and operator decisions; its JSON form; the
 * durable store in a temporary directory; SHA-256/HMAC against published
 * vectors; the JSON reader on malformed input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "session/session.h"
#include "session/json.h"
#include "session/sha256.h"
#include "kselftest_harness.h"

/* enum constants against enum values: both sides are in range */
#pragma GCC diagnostic ignored "-Wsign-compare"

static struct biounit_session_request req(const char *code, enum biounit_age_band age,
					  uint32_t needs)
{
	struct biounit_session_request r;

	memset(&r, 0, sizeof(r));
	snprintf(r.appointment, sizeof(r.appointment), "%s", code);
	r.age = age;
	r.needs = needs;
	return r;
}

static struct biounit_session *open_all(struct __test_metadata *_metadata, uint32_t needs)
{
	struct biounit_session_request r = req("IND-2026-0001", BIOUNIT_AGE_ADULT, needs);
	struct biounit_session *s = NULL;

	ASSERT_EQ(0, biounit_session_new("s1", &r, NULL, &s, NULL));
	return s;
}

static struct biounit_capture cap(enum biounit_session_step step, unsigned int finger, int score,
				  bool ok, const char *reasons)
{
	static uint64_t clock_ns = 1000000000ull;
	struct biounit_capture c;

	memset(&c, 0, sizeof(c));
	c.step = step;
	c.finger = finger;
	c.score = score;
	c.compliant = ok;
	c.present = true;
	c.timestamp_ns = clock_ns += 33333333ull;
	snprintf(c.reasons, sizeof(c.reasons), "%s", reasons);
	if (!ok) {
		snprintf(c.msg_nl, sizeof(c.msg_nl), "Advies %s.", reasons);
		snprintf(c.msg_en, sizeof(c.msg_en), "Advice %s.", reasons);
	}
	snprintf(c.file, sizeof(c.file), "%s-%u.png", biounit_session_step_name(step), finger);
	return c;
}

static char *json_of(struct __test_metadata *_metadata, const struct biounit_session *s)
{
	char *j = NULL;

	EXPECT_EQ(0, biounit_session_to_json(s, &j));
	return j;
}

/* photo and signature accepted at once, to reach a given step */
static void pass_photo(struct __test_metadata *_metadata, struct biounit_session *s)
{
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 90, true, "");

	ASSERT_EQ(0, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
}

TEST(request_checks)
{
	struct biounit_session_request r;
	struct biounit_session_policy p;
	enum biounit_session_refusal why;
	struct biounit_session *s = (void *)1;
	const char *nl, *en;
	static const char *const bad_codes[] = { "", "ABC", "ind-2026", "IND 2026", "IND_2026",
		"IND\n2026", "IND-2026\xc3\xa9" };

	for (size_t i = 0; i < sizeof(bad_codes) / sizeof(bad_codes[0]); i++) {
		r = req(bad_codes[i], BIOUNIT_AGE_ADULT, BIOUNIT_NEED_PHOTO);
		EXPECT_EQ(-EINVAL, biounit_session_request_check(&r, &why)) TH_LOG("%s", bad_codes[i]);
		EXPECT_EQ(BIOUNIT_REFUSAL_NONE, why);
	}
	/* 33 characters: not terminated within the field */
	r = req("ABCD", BIOUNIT_AGE_ADULT, BIOUNIT_NEED_PHOTO);
	memset(r.appointment, 'A', sizeof(r.appointment));
	EXPECT_EQ(-EINVAL, biounit_session_request_check(&r, &why));
	r = req("ABCD", BIOUNIT_AGE_ADULT, 0);
	EXPECT_EQ(-EINVAL, biounit_session_request_check(&r, &why));
	r = req("ABCD", BIOUNIT_AGE_ADULT, 1u << 5);
	EXPECT_EQ(-EINVAL, biounit_session_request_check(&r, &why));
	r = req("ABCD", BIOUNIT_AGE_BAND_COUNT, BIOUNIT_NEED_PHOTO);
	EXPECT_EQ(-EINVAL, biounit_session_request_check(&r, &why));
	EXPECT_EQ(-EINVAL, biounit_session_request_check(NULL, &why));

	/* under 1: no session at all, whatever is asked */
	r = req("ABCD", BIOUNIT_AGE_UNDER_1, BIOUNIT_NEED_PHOTO);
	EXPECT_EQ(-EPERM, biounit_session_new("x", &r, NULL, &s, &why));
	EXPECT_EQ(BIOUNIT_REFUSAL_UNDER_1, why);
	EXPECT_EQ((void *)1, s);
	biounit_session_refusal_text(why, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "fotokaart"));
	EXPECT_NE(NULL, strstr(nl, "per post"));
	EXPECT_NE(NULL, strstr(en, "photo card"));
	EXPECT_NE(NULL, strstr(en, "by mail"));
	EXPECT_STREQ("under_1", biounit_session_refusal_key(why));

	/* fingerprints under 6: refused with its own text; without fingers it opens */
	r = req("ABCD", BIOUNIT_AGE_1_TO_5, BIOUNIT_NEED_ALL);
	EXPECT_EQ(-EPERM, biounit_session_new("x", &r, NULL, &s, &why));
	EXPECT_EQ(BIOUNIT_REFUSAL_FINGERS_UNDER_6, why);
	biounit_session_refusal_text(why, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "Vingerafdrukken"));
	EXPECT_NE(NULL, strstr(nl, "6 jaar"));
	EXPECT_NE(NULL, strstr(en, "Fingerprints"));
	EXPECT_NE(NULL, strstr(en, "age of 6"));
	r.needs = BIOUNIT_NEED_PHOTO | BIOUNIT_NEED_SIGNATURE;
	ASSERT_EQ(0, biounit_session_new("x", &r, NULL, &s, &why));
	EXPECT_EQ(BIOUNIT_REFUSAL_NONE, why);
	biounit_session_free(s);
	r = req("ABCD", BIOUNIT_AGE_6_TO_11, BIOUNIT_NEED_FINGERS);
	ASSERT_EQ(0, biounit_session_new("x", &r, NULL, &s, NULL));
	EXPECT_EQ(BIOUNIT_STEP_FINGERS, biounit_session_step(s));
	biounit_session_free(s);

	/* bad ids and policies */
	r = req("ABCD", BIOUNIT_AGE_ADULT, BIOUNIT_NEED_PHOTO);
	EXPECT_EQ(-EINVAL, biounit_session_new("", &r, NULL, &s, NULL));
	EXPECT_EQ(-EINVAL, biounit_session_new("Upper", &r, NULL, &s, NULL));
	EXPECT_EQ(-EINVAL, biounit_session_new("../x", &r, NULL, &s, NULL));
	biounit_session_policy_default(&p);
	EXPECT_EQ(3u, p.photo_attempts);
	EXPECT_EQ(3u, p.finger_attempts);
	EXPECT_EQ(30u, p.finger_threshold);
	p.finger_attempts = 0;
	EXPECT_EQ(-EINVAL, biounit_session_new("x", &r, &p, &s, NULL));
	p.finger_attempts = 3;
	p.finger_threshold = 101;
	EXPECT_EQ(-EINVAL, biounit_session_new("x", &r, &p, &s, NULL));
}

TEST(age_bands_and_names)
{
	enum biounit_age_band a;
	enum biounit_operator_action op;

	for (int i = 0; i < BIOUNIT_AGE_BAND_COUNT; i++) {
		ASSERT_EQ(0, biounit_age_band_parse(biounit_age_band_name(i), &a));
		EXPECT_EQ(i, (int)a);
	}
	EXPECT_EQ(-EINVAL, biounit_age_band_parse("17", &a));
	EXPECT_EQ(-EINVAL, biounit_age_band_parse(NULL, &a));
	EXPECT_EQ(0, biounit_operator_action_parse("retake", &op));
	EXPECT_EQ(BIOUNIT_OP_RETAKE, op);
	EXPECT_EQ(-EINVAL, biounit_operator_action_parse("ACCEPT", &op));
	/* the face rules' bands: the waivers under 6, the sizes from 11 for the
	 * rest ("6-11" holds 11-year-olds; their range lies inside the younger ones') */
	EXPECT_EQ(BIOUNIT_FACE_AGE_UNDER_6, biounit_age_band_face_age(BIOUNIT_AGE_1_TO_5));
	EXPECT_EQ(BIOUNIT_FACE_AGE_11_PLUS, biounit_age_band_face_age(BIOUNIT_AGE_6_TO_11));
	EXPECT_EQ(BIOUNIT_FACE_AGE_11_PLUS, biounit_age_band_face_age(BIOUNIT_AGE_12_TO_17));
	EXPECT_EQ(BIOUNIT_FACE_AGE_11_PLUS, biounit_age_band_face_age(BIOUNIT_AGE_ADULT));
	EXPECT_STREQ("right_index", biounit_finger_position_name(2));
	EXPECT_STREQ("left_index", biounit_finger_position_name(7));
	EXPECT_EQ(NULL, biounit_finger_position_name(11));
}

TEST(photo_compliant_first_time)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_ALL);
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 91, true, "");
	struct biounit_step_result res;
	const char *nl, *en;

	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	EXPECT_EQ(BIOUNIT_STEP_PHOTO, biounit_session_step(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "camera"));
	EXPECT_NE(NULL, strstr(en, "Look straight into the camera"));
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	/* the operator sees the photo and may retake; the applicant waits */
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ(0, biounit_session_best(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(en, "officer"));
	EXPECT_EQ(-EBUSY, biounit_session_submit(s, &c));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "x", 1));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 5));
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_PHOTO, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(0, res.capture);
	EXPECT_EQ(BIOUNIT_STEP_FINGERS, biounit_session_step(s));
	EXPECT_EQ(BIOUNIT_FINGER_RIGHT_INDEX, biounit_session_finger(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "rechterwijsvinger"));
	EXPECT_NE(NULL, strstr(en, "right index finger"));
	ASSERT_EQ(1u, biounit_session_capture_count(s));
	EXPECT_EQ(c.timestamp_ns, biounit_session_capture(s, 0)->timestamp_ns);
	EXPECT_EQ(1u, biounit_session_capture(s, 0)->attempt);
	ASSERT_EQ(1u, biounit_session_decision_count(s));
	EXPECT_EQ(BIOUNIT_OP_ACCEPT, biounit_session_decision(s, 0)->action);
	EXPECT_EQ(0, biounit_session_decision(s, 0)->capture);
	EXPECT_EQ(5u, biounit_session_decision(s, 0)->time_ns);
	biounit_session_free(s);
}

TEST(photo_noncompliant_then_compliant)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_PHOTO);
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 60, false, "covering_contrast");
	struct biounit_step_result res;
	const char *nl, *en;

	ASSERT_EQ(0, biounit_session_submit(s, &c));
	/* automatic retry with the advice first */
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	EXPECT_EQ(2u, biounit_session_attempt(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_EQ(nl, strstr(nl, "Advies covering_contrast."));
	EXPECT_EQ(en, strstr(en, "Advice covering_contrast."));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 88, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ(1, biounit_session_best(s));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 9));
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	EXPECT_EQ(BIOUNIT_STEP_NONE, biounit_session_step(s));
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_PHOTO, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(1, res.capture);
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_SIGNATURE, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_NOT_NEEDED, res.outcome);
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_LEFT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_NOT_NEEDED, res.outcome);
	EXPECT_EQ(2u, biounit_session_capture(s, 1)->attempt);
	EXPECT_FALSE(biounit_session_capture(s, 0)->compliant);
	EXPECT_STREQ("covering_contrast", biounit_session_capture(s, 0)->reasons);
	/* finished: nothing more */
	EXPECT_EQ(-EBUSY, biounit_session_submit(s, &c));
	EXPECT_EQ(-EBUSY, biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1));
	EXPECT_EQ(-EBUSY, biounit_session_discard(s));
	EXPECT_EQ(-EBUSY, biounit_session_pause(s));
	biounit_session_free(s);
}

TEST(photo_attempts_exhausted_best_kept_with_reasons)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_PHOTO | BIOUNIT_NEED_SIGNATURE);
	struct biounit_capture c;
	struct biounit_step_result res;
	int scores[3] = { 40, 70, 55 };

	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
		c = cap(BIOUNIT_STEP_PHOTO, 0, scores[i], false, i == 1 ? "background" : "exposure");
		ASSERT_EQ(0, biounit_session_submit(s, &c));
	}
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ(1, biounit_session_best(s));
	/* the operator grants one more attempt: still not compliant, back to review at once */
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_RETAKE, "applicant moved", 2));
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 3));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 65, false, "exposure");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ(1, biounit_session_best(s));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, "glasses reflect, accepted", 4));
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_PHOTO, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT, res.outcome);
	EXPECT_EQ(1, res.capture);
	EXPECT_STREQ("background", res.reason);
	ASSERT_EQ(2u, biounit_session_decision_count(s));
	EXPECT_EQ(BIOUNIT_OP_RETAKE, biounit_session_decision(s, 0)->action);
	EXPECT_STREQ("applicant moved", biounit_session_decision(s, 0)->reason);
	EXPECT_EQ(BIOUNIT_OP_ACCEPT, biounit_session_decision(s, 1)->action);
	EXPECT_STREQ("glasses reflect, accepted", biounit_session_decision(s, 1)->reason);
	EXPECT_EQ(BIOUNIT_STEP_SIGNATURE, biounit_session_step(s));
	biounit_session_free(s);
}

TEST(retake_of_a_compliant_photo_keeps_the_compliant_one)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_PHOTO);
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 80, true, "");
	struct biounit_step_result res;

	ASSERT_EQ(0, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 95, false, "eyes_open");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 97, false, "eyes_open");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ(0, biounit_session_best(s));	/* compliant beats a higher score */
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 2));
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_PHOTO, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(0, res.capture);
	biounit_session_free(s);
}

TEST(fingers_index_fingers_by_default)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_FINGERS);
	struct biounit_capture c;
	struct biounit_step_result res;

	EXPECT_EQ(BIOUNIT_FINGER_RIGHT_INDEX, biounit_session_finger(s));
	/* the caller's "compliant" is not trusted for prints: the threshold decides */
	c = cap(BIOUNIT_STEP_FINGERS, 2, 29, true, "too_dry");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_FALSE(biounit_session_capture(s, 0)->compliant);
	EXPECT_EQ(BIOUNIT_FINGER_RIGHT_INDEX, biounit_session_finger(s));
	EXPECT_EQ(2u, biounit_session_attempt(s));
	c = cap(BIOUNIT_STEP_FINGERS, 2, 30, false, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_TRUE(biounit_session_capture(s, 1)->compliant);
	EXPECT_EQ(BIOUNIT_FINGER_LEFT_INDEX, biounit_session_finger(s));
	EXPECT_EQ(1u, biounit_session_attempt(s));
	/* the wrong finger is refused and changes nothing */
	c = cap(BIOUNIT_STEP_FINGERS, 2, 80, true, "");
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	EXPECT_EQ(2u, biounit_session_capture_count(s));
	c = cap(BIOUNIT_STEP_FINGERS, 7, 64, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_RIGHT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(1, res.capture);
	EXPECT_EQ(2u, res.finger);
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_LEFT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(2, res.capture);
	EXPECT_EQ(7u, res.finger);
	EXPECT_EQ(0u, biounit_session_exception_count(s));
	biounit_session_free(s);
}

TEST(missing_index_finger_goes_to_the_thumb)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_FINGERS);
	struct biounit_capture c;
	struct biounit_step_result res;
	const char *nl, *en;

	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(BIOUNIT_FINGER_RIGHT_INDEX, biounit_session_finger(s));
		c = cap(BIOUNIT_STEP_FINGERS, 2, 0, false, "no_finger");
		c.present = false;
		ASSERT_EQ(0, biounit_session_submit(s, &c));
	}
	EXPECT_EQ(BIOUNIT_FINGER_RIGHT_THUMB, biounit_session_finger(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "rechterduim"));
	EXPECT_NE(NULL, strstr(en, "right thumb"));
	EXPECT_NE(NULL, strstr(en, "attempt 1 of 3"));
	ASSERT_EQ(1u, biounit_session_exception_count(s));
	EXPECT_EQ(2u, biounit_session_exception(s, 0)->finger);
	EXPECT_STREQ("missing", biounit_session_exception(s, 0)->reason);
	c = cap(BIOUNIT_STEP_FINGERS, 1, 75, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_RIGHT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(1u, res.finger);
	EXPECT_EQ(3, res.capture);
	/* the operator says the left index finger is bandaged: the left thumb next */
	EXPECT_EQ(-EINVAL, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "", 1));
	EXPECT_EQ(-EINVAL, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "a\nb", 1));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1));
	EXPECT_EQ(BIOUNIT_FINGER_LEFT_INDEX, biounit_session_finger(s));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "bandaged", 7));
	EXPECT_EQ(BIOUNIT_FINGER_LEFT_THUMB, biounit_session_finger(s));
	ASSERT_EQ(2u, biounit_session_exception_count(s));
	EXPECT_EQ(7u, biounit_session_exception(s, 1)->finger);
	EXPECT_STREQ("bandaged", biounit_session_exception(s, 1)->reason);
	EXPECT_EQ(7u, biounit_session_decision(s, 0)->finger);
	c = cap(BIOUNIT_STEP_FINGERS, 6, 50, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	biounit_session_free(s);
}

TEST(low_quality_hand_tries_four_fingers_then_the_operator_decides)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_FINGERS | BIOUNIT_NEED_SIGNATURE);
	static const unsigned int order[4] = { 2, 1, 3, 4 };
	struct biounit_capture c;
	struct biounit_step_result res;
	int best_score = -1;
	size_t best_i = 0;

	for (int f = 0; f < 4; f++) {
		for (int a = 0; a < 3; a++) {
			int score = 5 + f * 5 + a;	/* best: the ring finger's last: 22 */

			EXPECT_EQ(order[f], biounit_session_finger(s));
			c = cap(BIOUNIT_STEP_FINGERS, order[f], score, false, "too_dry");
			ASSERT_EQ(0, biounit_session_submit(s, &c));
			if (score > best_score) {
				best_score = score;
				best_i = biounit_session_capture_count(s) - 1;
			}
		}
	}
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	EXPECT_EQ((int)best_i, biounit_session_best(s));
	ASSERT_EQ(4u, biounit_session_exception_count(s));
	for (size_t i = 0; i < 4; i++) {
		EXPECT_EQ(order[i], biounit_session_exception(s, i)->finger);
		EXPECT_STREQ("low_quality", biounit_session_exception(s, i)->reason);
		EXPECT_EQ(7 + 5 * (int)i, biounit_session_exception(s, i)->best_score);
	}
	/* prints are never retaken piecemeal: accept the best single print or skip */
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_RIGHT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT, res.outcome);
	EXPECT_EQ((int)best_i, res.capture);
	EXPECT_EQ(4u, res.finger);
	EXPECT_EQ(BIOUNIT_FINGER_LEFT_INDEX, biounit_session_finger(s));
	/* the left hand cannot be taken at all: skip the rest of the step */
	EXPECT_EQ(-EINVAL, biounit_session_operator(s, BIOUNIT_OP_SKIP, NULL, 1));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_SKIP, "left arm in plaster", 1));
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_LEFT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_EXCEPTION, res.outcome);
	EXPECT_STREQ("left arm in plaster", res.reason);
	EXPECT_EQ(-1, res.capture);
	EXPECT_EQ(BIOUNIT_STEP_SIGNATURE, biounit_session_step(s));
	biounit_session_free(s);
}

TEST(hand_with_no_finger_at_all_is_an_exception)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_FINGERS);
	struct biounit_capture c;
	struct biounit_step_result res;

	for (int f = 0; f < 4; f++) {
		ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "amputated", 1));
	}
	ASSERT_EQ(0, biounit_session_hand_result(s, BIOUNIT_HAND_RIGHT, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_EXCEPTION, res.outcome);
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	EXPECT_EQ(BIOUNIT_FINGER_LEFT_INDEX, biounit_session_finger(s));
	c = cap(BIOUNIT_STEP_FINGERS, 7, 60, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	biounit_session_free(s);
}

TEST(signature_retry_then_good)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_SIGNATURE);
	struct biounit_capture c = cap(BIOUNIT_STEP_SIGNATURE, 0, 90, false, "at_edge");
	struct biounit_step_result res;
	const char *nl, *en;

	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "handtekening"));
	EXPECT_NE(NULL, strstr(en, "Sign"));
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	c = cap(BIOUNIT_STEP_SIGNATURE, 0, 100, true, "");
	ASSERT_EQ(0, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	ASSERT_EQ(0, biounit_session_step_result(s, BIOUNIT_STEP_SIGNATURE, &res));
	EXPECT_EQ(BIOUNIT_OUTCOME_TAKEN, res.outcome);
	EXPECT_EQ(1, res.capture);
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	biounit_session_free(s);
}

TEST(malformed_submissions_change_nothing)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_ALL);
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 50, false, "x");
	char *before = json_of(_metadata, s), *after;

	c.score = 101;
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c.score = -1;
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c = cap(BIOUNIT_STEP_SIGNATURE, 0, 50, true, "");
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c = cap(BIOUNIT_STEP_PHOTO, 3, 50, true, "");
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 50, true, "");
	snprintf(c.file, sizeof(c.file), "../evil");
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	snprintf(c.file, sizeof(c.file), ".hidden");
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 50, true, "");
	memset(c.reasons, 'a', sizeof(c.reasons));
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	c = cap(BIOUNIT_STEP_PHOTO, 0, 50, true, "");
	c.msg_en[0] = '\x1b';
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, &c));
	EXPECT_EQ(-EINVAL, biounit_session_submit(s, NULL));
	EXPECT_EQ(-EINVAL, biounit_session_operator(s, 0, NULL, 1));
	EXPECT_EQ(-EINVAL, biounit_session_operator(s, 99, NULL, 1));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1));
	EXPECT_EQ(-EPERM, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "x", 1));
	EXPECT_EQ(-EBUSY, biounit_session_resume(s));
	after = json_of(_metadata, s);
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
	biounit_session_free(s);
}

TEST(pause_resume_and_discard)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_ALL);
	struct biounit_capture c = cap(BIOUNIT_STEP_PHOTO, 0, 90, true, "");
	const char *nl, *en;

	ASSERT_EQ(0, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_pause(s));
	EXPECT_EQ(BIOUNIT_SESSION_PAUSED, biounit_session_state(s));
	biounit_session_prompt(s, &nl, &en);
	EXPECT_NE(NULL, strstr(nl, "losgekoppeld"));
	EXPECT_NE(NULL, strstr(en, "disconnected"));
	EXPECT_EQ(-EBUSY, biounit_session_pause(s));
	EXPECT_EQ(-EBUSY, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	EXPECT_EQ(-EBUSY, biounit_session_submit(s, &c));
	ASSERT_EQ(0, biounit_session_resume(s));
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	ASSERT_EQ(0, biounit_session_pause(s));
	ASSERT_EQ(0, biounit_session_resume(s));
	EXPECT_EQ(BIOUNIT_SESSION_CAPTURING, biounit_session_state(s));
	EXPECT_EQ(BIOUNIT_FINGER_RIGHT_INDEX, biounit_session_finger(s));
	ASSERT_EQ(0, biounit_session_discard(s));
	EXPECT_EQ(BIOUNIT_SESSION_DISCARDED, biounit_session_state(s));
	EXPECT_EQ(-EBUSY, biounit_session_discard(s));
	EXPECT_EQ(-EBUSY, biounit_session_resume(s));
	biounit_session_free(s);
}

TEST(capture_limit)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_PHOTO);
	struct biounit_capture c;
	size_t n = 0;
	int r = 0;

	while (n < 200) {
		c = cap(BIOUNIT_STEP_PHOTO, 0, 10, false, "x");
		r = biounit_session_submit(s, &c);
		if (r)
			break;
		n++;
		if (biounit_session_state(s) == BIOUNIT_SESSION_REVIEW) {
			r = biounit_session_operator(s, BIOUNIT_OP_RETAKE, NULL, 1);
			if (r)
				break;
		}
	}
	EXPECT_EQ(-ENOSPC, r);
	EXPECT_EQ((size_t)BIOUNIT_SESSION_MAX_CAPTURES, biounit_session_capture_count(s));
	EXPECT_EQ(BIOUNIT_SESSION_REVIEW, biounit_session_state(s));
	ASSERT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1));
	EXPECT_EQ(BIOUNIT_SESSION_FINISHED, biounit_session_state(s));
	biounit_session_free(s);
}

static struct biounit_session *busy_session(struct __test_metadata *_metadata)
{
	struct biounit_session *s = open_all(_metadata, BIOUNIT_NEED_ALL);
	struct biounit_capture c;

	c = cap(BIOUNIT_STEP_PHOTO, 0, 40, false, "background,covering_contrast");
	snprintf(c.msg_nl, sizeof(c.msg_nl), "Uw hoofddeksel moet afsteken: niet wit of lichtgrijs. \"quote\" \\ é");
	EXPECT_EQ(0, biounit_session_submit(s, &c));
	pass_photo(_metadata, s);
	c = cap(BIOUNIT_STEP_FINGERS, 2, 0, false, "no_finger");
	c.present = false;
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0, biounit_session_submit(s, &c));
	}
	EXPECT_EQ(0, biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "scar", 1763900000123456789ull));
	c = cap(BIOUNIT_STEP_FINGERS, 3, 20, false, "too_wet");
	EXPECT_EQ(0, biounit_session_submit(s, &c));
	c.timestamp_ns = UINT64_MAX;
	EXPECT_EQ(0, biounit_session_submit(s, &c));
	EXPECT_EQ(0, biounit_session_pause(s));
	return s;
}

TEST(json_round_trip)
{
	struct biounit_session *s = busy_session(_metadata), *t = NULL;
	char *a = json_of(_metadata, s), *b;

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, biounit_session_from_json(a, strlen(a), &t));
	b = json_of(_metadata, t);
	EXPECT_STREQ(a, b);
	EXPECT_EQ(BIOUNIT_SESSION_PAUSED, biounit_session_state(t));
	ASSERT_EQ(0, biounit_session_resume(t));
	EXPECT_EQ(3u, biounit_session_finger(t));
	EXPECT_EQ(3u, biounit_session_attempt(t));
	EXPECT_EQ(UINT64_MAX, biounit_session_capture(t, biounit_session_capture_count(t) - 1)->timestamp_ns);
	EXPECT_EQ(1763900000123456789ull, biounit_session_decision(t, 1)->time_ns);
	EXPECT_STREQ(biounit_session_capture(s, 0)->msg_nl, biounit_session_capture(t, 0)->msg_nl);
	free(b);
	biounit_session_free(t);
	t = NULL;

	/* damaged documents are refused */
	static const struct { const char *from, *to; } edits[] = {
		{ "\"version\":1", "\"version\":2" },
		{ "\"state\":\"paused\"", "\"state\":\"sleeping\"" },
		{ "\"hand\":0", "\"hand\":2" },
		{ "\"best\":-1", "\"best\":99" },
		{ "\"score\":40", "\"score\":400" },
		{ "\"score\":40", "\"score\":40.5" },
		{ "\"age\":\"18+\"", "\"age\":\"0\"" },
		{ "\"file\":\"photo-0.png\"", "\"file\":\"../photo\"" },
		{ "\"id\":\"s1\"", "\"id\":\"S/1\"" },
		{ "\"capture\":1,", "\"capture\":77," },
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *p = strstr(a, edits[i].from), *doc;

		ASSERT_NE(NULL, p) TH_LOG("%s", edits[i].from);
		doc = malloc(strlen(a) + 64);
		memcpy(doc, a, (size_t)(p - a));
		strcpy(doc + (p - a), edits[i].to);
		strcat(doc, p + strlen(edits[i].from));
		EXPECT_EQ(-EINVAL, biounit_session_from_json(doc, strlen(doc), &t)) TH_LOG("%s", edits[i].to);
		free(doc);
	}
	for (size_t cut = 0; cut < strlen(a) - 2; cut += 97) {
		EXPECT_EQ(-EINVAL, biounit_session_from_json(a, cut, &t));
	}
	EXPECT_EQ(NULL, t);
	free(a);
	biounit_session_free(s);
}

TEST(json_reader)
{
	static const char *const bad[] = { "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.",
		"-", "\"\\x\"", "\"\\ud800\"", "tru", "nul", "[1] 2", "\"a\nb\"", "{\"a\\u0000b\":1}" };
	struct json_value *v;
	uint64_t u;
	long long n;
	char deep[100];
	const char *good = "{\"s\":\"\\u00e9\\ud83d\\ude00\",\"u\":18446744073709551615,"
			   "\"n\":-5,\"b\":true,\"z\":null,\"a\":[1,{}]}";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, json_parse(bad[i], strlen(bad[i]), &v)) TH_LOG("%s", bad[i]);
	}
	memset(deep, '[', sizeof(deep));
	EXPECT_EQ(-EINVAL, json_parse(deep, sizeof(deep), &v));
	ASSERT_EQ(0, json_parse(good, strlen(good), &v));
	const char *s;
	ASSERT_EQ(0, json_get_string(v, "s", &s));
	EXPECT_STREQ("\xc3\xa9\xf0\x9f\x98\x80", s);
	EXPECT_EQ(0, json_get_u64(v, "u", &u));
	EXPECT_EQ(UINT64_MAX, u);
	EXPECT_EQ(0, json_get_int(v, "n", -10, 10, &n));
	EXPECT_EQ(-5, n);
	EXPECT_EQ(-EINVAL, json_get_int(v, "n", 0, 10, &n));
	EXPECT_EQ(-EINVAL, json_get_u64(v, "n", &u));
	EXPECT_EQ(-EINVAL, json_get_string(v, "missing", &s));
	json_free(v);
}

TEST(sha256_and_hmac_vectors)
{
	uint8_t d[32];
	char hex[65];
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, "abc", 3);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	EXPECT_STREQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
	sha256_init(&c);
	sha256_update(&c, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	EXPECT_STREQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", hex);
	/* RFC 4231 test case 2 */
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	sha256_hex(d, hex);
	EXPECT_STREQ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", hex);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

/*
 * The store's writes made their temporary file at a fixed name (".NAME.tmp");
 * a symbolic link planted there (O_NOFOLLOW) made every save of that file fail
 * with -ELOOP. A temporary file of its own (util_atomic_write) is not stopped.
 */
TEST(store_save_is_not_stopped_by_a_link_at_a_temporary_name)
{
	char dir[] = "/tmp/biounit-store-XXXXXX", path[512], victim[512], cmd[600];
	struct biounit_session *s = busy_session(_metadata);
	struct biounit_store *st = NULL;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	ASSERT_EQ(0, biounit_store_open(path, &st));
	ASSERT_EQ(0, biounit_store_save(st, s));
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	ASSERT_NE(NULL, f);
	fputs("untouched", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/state/sessions/s1/.session.json.tmp", dir);
	ASSERT_EQ(0, symlink(victim, path));
	snprintf(path, sizeof(path), "%s/state/sessions/s1/.photo-1.png.tmp", dir);
	ASSERT_EQ(0, symlink(victim, path));
	EXPECT_EQ(0, biounit_store_save(st, s));
	EXPECT_EQ(0, biounit_store_write_file(st, "s1", "photo-1.png", "PNGDATA", 7));
	snprintf(path, sizeof(path), "%s/state/sessions/s1/photo-1.png", dir);
	EXPECT_EQ(0600, mode_of(path));
	f = fopen(victim, "r");
	ASSERT_NE(NULL, f);
	EXPECT_NE(NULL, fgets(cmd, sizeof(cmd), f));
	fclose(f);
	EXPECT_STREQ("untouched", cmd);
	biounit_store_close(st);
	biounit_session_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	EXPECT_EQ(0, system(cmd));
}

TEST(store_durable_files)
{
	char dir[] = "/tmp/biounit-store-XXXXXX", path[512], h1[65], h2[65], h3[65];
	struct biounit_store *st = NULL, *st2 = NULL;
	struct biounit_session *s = busy_session(_metadata), *t = NULL;
	char **ids = NULL, *a, *b;
	size_t n = 0;
	DIR *d;
	struct dirent *de;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	ASSERT_EQ(0, biounit_store_open(path, &st));
	EXPECT_EQ(0700, mode_of(path));
	snprintf(path, sizeof(path), "%s/state/hash.key", dir);
	EXPECT_EQ(0600, mode_of(path));
	biounit_store_hash(st, "IND-2026-0001", h1);
	EXPECT_EQ(64u, strlen(h1));
	EXPECT_EQ(NULL, strstr(h1, "IND"));
	biounit_store_hash(st, "IND-2026-0002", h2);
	EXPECT_STRNE(h1, h2);

	ASSERT_EQ(0, biounit_store_save(st, s));
	ASSERT_EQ(0, biounit_store_write_file(st, "s1", "photo-1.png", "PNGDATA", 7));
	EXPECT_EQ(-EINVAL, biounit_store_write_file(st, "s1", "../x", "a", 1));
	EXPECT_EQ(-EINVAL, biounit_store_write_file(st, "s1", "session.json", "a", 1));
	EXPECT_EQ(-EINVAL, biounit_store_write_file(st, "../s1", "x", "a", 1));
	snprintf(path, sizeof(path), "%s/state/sessions/s1", dir);
	EXPECT_EQ(0700, mode_of(path));
	snprintf(path, sizeof(path), "%s/state/sessions/s1/session.json", dir);
	EXPECT_EQ(0600, mode_of(path));
	snprintf(path, sizeof(path), "%s/state/sessions/s1/photo-1.png", dir);
	EXPECT_EQ(0600, mode_of(path));
	/* no temporary file is left */
	snprintf(path, sizeof(path), "%s/state/sessions/s1", dir);
	d = opendir(path);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		EXPECT_FALSE(de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			TH_LOG("left: %s", de->d_name);
	}
	closedir(d);
	/* through a path and a commit, as a PNG writer would */
	ASSERT_EQ(0, biounit_store_file_path(st, "s1", "finger-2.png", true, path, sizeof(path)));
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("x", f);
	fclose(f);
	ASSERT_EQ(0, biounit_store_commit_file(st, "s1", "finger-2.png"));
	ASSERT_EQ(0, biounit_store_file_path(st, "s1", "finger-2.png", false, path, sizeof(path)));
	EXPECT_EQ(0600, mode_of(path));
	EXPECT_EQ(-ENOENT, biounit_store_commit_file(st, "s1", "finger-2.png"));

	/* a restart: the same key, the session read back as it was */
	ASSERT_EQ(0, biounit_store_open(biounit_store_dir(st), &st2));
	biounit_store_hash(st2, "IND-2026-0001", h3);
	EXPECT_STREQ(h1, h3);
	ASSERT_EQ(0, biounit_store_list(st2, &ids, &n));
	ASSERT_EQ(1u, n);
	EXPECT_STREQ("s1", ids[0]);
	free(ids[0]);
	free(ids);
	ASSERT_EQ(0, biounit_store_load(st2, "s1", &t));
	a = json_of(_metadata, s);
	b = json_of(_metadata, t);
	EXPECT_STREQ(a, b);
	free(a);
	free(b);
	biounit_session_free(t);
	EXPECT_EQ(-ENOENT, biounit_store_load(st2, "s2", &t));
	EXPECT_EQ(-EINVAL, biounit_store_load(st2, "..", &t));
	/* a damaged file is refused */
	ASSERT_EQ(0, biounit_store_write_file(st2, "s3", "x.png", "1", 1));
	snprintf(path, sizeof(path), "%s/state/sessions/s3/session.json", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("{\"format\":\"biounit-session\"", f);
	fclose(f);
	EXPECT_EQ(-EINVAL, biounit_store_load(st2, "s3", &t));
	EXPECT_EQ(0, biounit_store_remove(st2, "s3"));
	EXPECT_EQ(0, biounit_store_remove(st2, "s1"));
	EXPECT_EQ(-ENOENT, biounit_store_remove(st2, "s1"));
	ASSERT_EQ(0, biounit_store_list(st2, &ids, &n));
	EXPECT_EQ(0u, n);
	free(ids);
	biounit_store_close(st);
	biounit_store_close(st2);
	biounit_session_free(s);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	EXPECT_EQ(0, system(path));
}

TEST_HARNESS_MAIN
