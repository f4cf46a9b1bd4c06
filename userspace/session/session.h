/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit desk sessions: the policy and the state machine of one applicant's
 * biometrics session (photo, fingerprints, signature), and the durable store
 * of sessions in the daemon's state directory.
 *
 * The machine is pure: it never touches a device, a clock or a file. The
 * caller (biounitd, or a test) captures, checks and scores, and submits the
 * result of every capture; the machine decides what comes next, keeps every
 * capture with its score, unit-clock timestamp and reasons, records the
 * operator's decisions and the exceptions, and says what to tell the
 * applicant, in Dutch and English. docs/biounitd.md describes the policy.
 *
 * Conventions as in <biounit/biounit.h>: opaque handles, 0 or a negative
 * errno; a call that fails changes nothing. Threads, by the one rule
 * (docs/architecture.md, "Threads"): no global state; a session or store
 * handle does not lock itself, so it is used by one thread at a time.
 */
#ifndef BIOUNIT_SESSION_H
#define BIOUNIT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "face/face.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the request ---------------------------------------------------------- */

/** enum biounit_age_band - the applicant's age, as the desk knows it. */
enum biounit_age_band {
	BIOUNIT_AGE_UNDER_1 = 0,	/* "0": no session (a photo card is mailed) */
	BIOUNIT_AGE_1_TO_5,		/* "1-5": no fingerprints */
	BIOUNIT_AGE_6_TO_11,		/* "6-11" */
	BIOUNIT_AGE_12_TO_17,		/* "12-17" */
	BIOUNIT_AGE_ADULT,		/* "18+" */
	BIOUNIT_AGE_BAND_COUNT
};

/** What the desk needs (bits); biometrics the service can reuse are left out. */
#define BIOUNIT_NEED_PHOTO	(1u << 0)
#define BIOUNIT_NEED_FINGERS	(1u << 1)
#define BIOUNIT_NEED_SIGNATURE	(1u << 2)
#define BIOUNIT_NEED_ALL	(BIOUNIT_NEED_PHOTO | BIOUNIT_NEED_FINGERS | BIOUNIT_NEED_SIGNATURE)

/** Longest appointment code, without the NUL. */
#define BIOUNIT_APPOINTMENT_MAX 32
/** Longest session id, without the NUL. */
#define BIOUNIT_SESSION_ID_MAX 32

/**
 * struct biounit_session_request - what opens a session
 * @appointment: the appointment code: 4..32 characters of A-Z, 0-9 and '-'
 *	(no other character, no lower case).
 * @age: the age band.
 * @needs: BIOUNIT_NEED_* bits, at least one.
 */
struct biounit_session_request {
	char appointment[BIOUNIT_APPOINTMENT_MAX + 1];
	enum biounit_age_band age;
	uint32_t needs;
};

/** enum biounit_session_refusal - why a well-formed request gets no session. */
enum biounit_session_refusal {
	BIOUNIT_REFUSAL_NONE = 0,
	BIOUNIT_REFUSAL_UNDER_1,		/* under 1: a photo card is sent by mail */
	BIOUNIT_REFUSAL_FINGERS_UNDER_6,	/* fingerprints asked for a child under 6 */
};

/**
 * struct biounit_session_policy - the desk's settings
 * @photo_attempts: automatic photo attempts before the operator decides (3).
 * @finger_attempts: attempts per finger before the next finger (3).
 * @finger_threshold: score (0..100) a print needs (BIOUNIT_FINGER_THRESHOLD_DEFAULT, 30).
 * @signature_attempts: automatic signature attempts before the operator decides (3).
 * Each count is 1..10.
 */
struct biounit_session_policy {
	unsigned int photo_attempts;
	unsigned int finger_attempts;
	unsigned int finger_threshold;
	unsigned int signature_attempts;
};

/** biounit_session_policy_default() - Fill @p with the defaults above. */
void biounit_session_policy_default(struct biounit_session_policy *p);

/** biounit_session_policy_check() - 0 if @p is in range, else -EINVAL. */
int biounit_session_policy_check(const struct biounit_session_policy *p);

/** biounit_age_band_name() - "0", "1-5", "6-11", "12-17", "18+"; "?" if unknown. */
const char *biounit_age_band_name(enum biounit_age_band age);

/** biounit_age_band_parse() - The band named @s (as above). 0 or -EINVAL. */
int biounit_age_band_parse(const char *s, enum biounit_age_band *out);

/**
 * biounit_age_band_face_age() - The face rules' age band for @age: under 6
 * for "0" and "1-5" (the waivers apply), otherwise from 11 (the band "6-11"
 * holds 11-year-olds, whose head size range lies inside the younger ones').
 */
enum biounit_face_age biounit_age_band_face_age(enum biounit_age_band age);

/**
 * biounit_session_request_check() - Decide on a request without opening a session.
 * @refusal: receives BIOUNIT_REFUSAL_NONE or the reason it is refused.
 * Return: 0 (it may open; *@refusal is NONE), -EPERM (refused: *@refusal
 * says why), -EINVAL (malformed: bad code, age band or needs; *@refusal NONE).
 */
int biounit_session_request_check(const struct biounit_session_request *req,
				  enum biounit_session_refusal *refusal);

/**
 * biounit_session_refusal_text() - What to tell the applicant, Dutch and English.
 * Static strings; for NONE both are "".
 */
void biounit_session_refusal_text(enum biounit_session_refusal r, const char **nl,
				  const char **en);

/** biounit_session_refusal_key() - "under_1", "fingers_under_6", "none". */
const char *biounit_session_refusal_key(enum biounit_session_refusal r);

/* ---- steps, fingers, captures ---------------------------------------------- */

/** enum biounit_session_step - the steps, in the order they are taken. */
enum biounit_session_step {
	BIOUNIT_STEP_PHOTO = 0,
	BIOUNIT_STEP_FINGERS,
	BIOUNIT_STEP_SIGNATURE,
	BIOUNIT_STEP_COUNT,
	BIOUNIT_STEP_NONE = BIOUNIT_STEP_COUNT,	/* finished */
};

/** biounit_session_step_name() - "photo", "fingers", "signature", "none". */
const char *biounit_session_step_name(enum biounit_session_step s);

/*
 * Finger positions of ISO/IEC 19794-4: 1 right thumb, 2 right index,
 * 3 right middle, 4 right ring, 5 right little, 6 left thumb ... 10 left little.
 * Each hand is tried in the order index, thumb, middle, ring.
 */
#define BIOUNIT_FINGER_RIGHT_THUMB	1
#define BIOUNIT_FINGER_RIGHT_INDEX	2
#define BIOUNIT_FINGER_LEFT_THUMB	6
#define BIOUNIT_FINGER_LEFT_INDEX	7

/** biounit_finger_position_name() - "right_index"...; NULL if not 1..10. */
const char *biounit_finger_position_name(unsigned int pos);
/** biounit_finger_position_text() - "rechterwijsvinger"/"right index finger"; NULL if not 1..10. */
void biounit_finger_position_text(unsigned int pos, const char **nl, const char **en);

#define BIOUNIT_CAPTURE_REASONS_MAX	255
#define BIOUNIT_CAPTURE_MSG_MAX		255
#define BIOUNIT_CAPTURE_FILE_MAX	63
#define BIOUNIT_REASON_MAX		127

/**
 * struct biounit_capture - one checked capture
 * @step: the step it was taken for (must be the current one).
 * @finger: for fingers, the finger position asked for (must be the current
 *	one); 0 otherwise.
 * @attempt: set by the machine: 1-based count within the step (photo,
 *	signature) or the finger.
 * @timestamp_ns: the frame's timestamp on the unit's clock (CLOCK_MONOTONIC).
 * @score: 0..100, higher is better (photo: the preview score x 100;
 *	finger: the quality score; signature: 100 less 10 per problem).
 * @compliant: photo and signature: every check passed. For fingers the
 *	machine sets it itself: @present and @score >= the threshold.
 * @present: fingers: a finger lay on the scanner. Photo and signature: true.
 * @reasons: failing checks as comma-separated stable keys ("" if none),
 *	e.g. "background,covering_contrast" or "too_dry".
 * @msg_nl, @msg_en: advice for the applicant after this capture (may be "").
 * @file: the capture's file in the session directory ("" if none): only
 *	[A-Za-z0-9._-], no leading dot.
 */
struct biounit_capture {
	enum biounit_session_step step;
	unsigned int finger;
	unsigned int attempt;
	uint64_t timestamp_ns;
	int score;
	bool compliant;
	bool present;
	char reasons[BIOUNIT_CAPTURE_REASONS_MAX + 1];
	char msg_nl[BIOUNIT_CAPTURE_MSG_MAX + 1];
	char msg_en[BIOUNIT_CAPTURE_MSG_MAX + 1];
	char file[BIOUNIT_CAPTURE_FILE_MAX + 1];
};

/** Most captures a session holds; a submit past it is -ENOSPC. */
#define BIOUNIT_SESSION_MAX_CAPTURES 96

/* ---- the session ------------------------------------------------------------ */

/** struct biounit_session - one applicant's session (opaque). */
struct biounit_session;

/** enum biounit_session_state - what the session waits for. */
enum biounit_session_state {
	BIOUNIT_SESSION_CAPTURING = 0,	/* a capture of the current step (and finger) */
	BIOUNIT_SESSION_REVIEW,		/* the operator: accept, retake or skip */
	BIOUNIT_SESSION_PAUSED,		/* the unit is gone; resume when it is back */
	BIOUNIT_SESSION_FINISHED,	/* every needed step has its outcome */
	BIOUNIT_SESSION_DISCARDED,	/* the operator discarded it */
};

/** biounit_session_state_name() - "capturing", "review", "paused", "finished", "discarded". */
const char *biounit_session_state_name(enum biounit_session_state s);

/** enum biounit_outcome - how a step (or a hand) ended. */
enum biounit_outcome {
	BIOUNIT_OUTCOME_PENDING = 0,	/* not decided yet */
	BIOUNIT_OUTCOME_NOT_NEEDED,	/* the desk did not ask for it */
	BIOUNIT_OUTCOME_TAKEN,		/* a compliant capture is kept */
	BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT, /* the best capture is kept with its reasons */
	BIOUNIT_OUTCOME_EXCEPTION,	/* it could not be taken; a reason is recorded */
};

/** biounit_outcome_name() - "pending", "not_needed", "taken", "kept_noncompliant", "exception". */
const char *biounit_outcome_name(enum biounit_outcome o);

/**
 * struct biounit_step_result - the outcome of a step or of one hand
 * @outcome: as above.
 * @capture: index of the kept capture (biounit_session_capture()), or -1.
 * @finger: fingers: the finger position of the kept print, else 0.
 * @reason: for EXCEPTION and KEPT_NONCOMPLIANT: why ("" otherwise).
 */
struct biounit_step_result {
	enum biounit_outcome outcome;
	int capture;
	unsigned int finger;
	char reason[BIOUNIT_REASON_MAX + 1];
};

/** Hands, for biounit_session_hand_result(). */
enum biounit_hand { BIOUNIT_HAND_RIGHT = 0, BIOUNIT_HAND_LEFT = 1 };

/** enum biounit_operator_action - what the operator decides. */
enum biounit_operator_action {
	/* REVIEW: keep the best capture (compliant, or with its reasons) */
	BIOUNIT_OP_ACCEPT = 1,
	/* REVIEW of photo or signature: one more attempt */
	BIOUNIT_OP_RETAKE,
	/* CAPTURING or REVIEW: the step cannot be taken (reason required) */
	BIOUNIT_OP_SKIP,
	/* CAPTURING fingers: the current finger cannot be taken (reason required) */
	BIOUNIT_OP_FINGER_MISSING,
};

/** biounit_operator_action_name() - "accept", "retake", "skip", "finger_missing". */
const char *biounit_operator_action_name(enum biounit_operator_action a);
/** biounit_operator_action_parse() - The action named @s. 0 or -EINVAL. */
int biounit_operator_action_parse(const char *s, enum biounit_operator_action *out);

/**
 * struct biounit_decision - one recorded operator decision
 * @action: what was decided.
 * @step: the step it applied to.
 * @finger: the finger for FINGER_MISSING, else 0.
 * @capture: the capture accepted (ACCEPT), else -1.
 * @time_ns: when (CLOCK_REALTIME, given by the caller).
 * @reason: the operator's reason ("" if none).
 */
struct biounit_decision {
	enum biounit_operator_action action;
	enum biounit_session_step step;
	unsigned int finger;
	int capture;
	uint64_t time_ns;
	char reason[BIOUNIT_REASON_MAX + 1];
};

/**
 * struct biounit_finger_exception - a finger that could not be taken
 * @finger: its position.
 * @reason: "missing" (no finger seen in any attempt), "low_quality" (below
 *	the threshold in every attempt), or the operator's reason.
 * @best_score: the best score of its attempts (0 if none).
 */
struct biounit_finger_exception {
	unsigned int finger;
	char reason[BIOUNIT_REASON_MAX + 1];
	int best_score;
};

/**
 * biounit_session_new() - Open a session for @req.
 * @id: the session's id, 1..32 characters of [a-z0-9-].
 * @policy: NULL for the defaults.
 * @out: receives the session (state CAPTURING at its first needed step).
 * @refusal: if not NULL, receives why the request is refused.
 * Return: 0, -EINVAL (malformed request, id or policy), -EPERM (refused:
 * see *@refusal), -ENOMEM.
 */
int biounit_session_new(const char *id, const struct biounit_session_request *req,
			const struct biounit_session_policy *policy,
			struct biounit_session **out, enum biounit_session_refusal *refusal);

/** biounit_session_free() - Free @s; NULL is allowed. */
void biounit_session_free(struct biounit_session *s);

/** Accessors; never fail for a valid session. */
const char *biounit_session_id(const struct biounit_session *s);
const struct biounit_session_request *biounit_session_get_request(const struct biounit_session *s);
const struct biounit_session_policy *biounit_session_get_policy(const struct biounit_session *s);
enum biounit_session_state biounit_session_state(const struct biounit_session *s);
/** biounit_session_step() - The current step (BIOUNIT_STEP_NONE when finished). */
enum biounit_session_step biounit_session_step(const struct biounit_session *s);
/** biounit_session_finger() - The finger asked for now (fingers step), else 0. */
unsigned int biounit_session_finger(const struct biounit_session *s);
/** biounit_session_attempt() - Number of the next attempt (1-based) of the step or finger. */
unsigned int biounit_session_attempt(const struct biounit_session *s);
/**
 * biounit_session_best() - In REVIEW: the capture the operator would keep
 * with ACCEPT (compliant first, then highest score, then latest); else -1.
 */
int biounit_session_best(const struct biounit_session *s);

/**
 * biounit_session_prompt() - What to tell the applicant now, Dutch and
 * English: the instruction for the current step, preceded by the advice of
 * the last failed attempt. Strings owned by the session, valid until its next
 * change.
 */
void biounit_session_prompt(const struct biounit_session *s, const char **nl, const char **en);

/**
 * biounit_session_submit() - The result of a capture of the current step.
 * @c: its step and finger must be the current ones; @attempt is ignored
 *	(set by the machine); for fingers @compliant is ignored (decided here).
 * Return: 0; -EBUSY (not CAPTURING: in review, paused, finished or
 * discarded); -EINVAL (another step or finger, score outside 0..100,
 * strings not NUL-terminated, a bad file name); -ENOSPC (the session holds
 * BIOUNIT_SESSION_MAX_CAPTURES captures already).
 */
int biounit_session_submit(struct biounit_session *s, const struct biounit_capture *c);

/**
 * biounit_session_operator() - An operator's decision.
 * @reason: required (1..127 printable characters) for SKIP and
 *	FINGER_MISSING; optional (NULL or "") otherwise.
 * @now_ns: the time to record (CLOCK_REALTIME).
 * Return: 0; -EPERM (the action is not possible now: ACCEPT or RETAKE
 * outside REVIEW, RETAKE in the review of a hand, FINGER_MISSING outside
 * the fingers step); -EBUSY (paused, finished or discarded); -EINVAL (bad
 * action or reason).
 */
int biounit_session_operator(struct biounit_session *s, enum biounit_operator_action a,
			     const char *reason, uint64_t now_ns);

/**
 * biounit_session_pause() - The unit has gone: CAPTURING or REVIEW becomes
 * PAUSED. Return: 0, -EBUSY (already paused, finished or discarded).
 */
int biounit_session_pause(struct biounit_session *s);
/** biounit_session_resume() - Back to where it paused. 0 or -EBUSY (not paused). */
int biounit_session_resume(struct biounit_session *s);
/** biounit_session_discard() - End without a result. 0 or -EBUSY (finished or discarded). */
int biounit_session_discard(struct biounit_session *s);

/** biounit_session_capture_count() - Captures submitted so far. */
size_t biounit_session_capture_count(const struct biounit_session *s);
/** biounit_session_capture() - Capture @i; NULL if out of range. */
const struct biounit_capture *biounit_session_capture(const struct biounit_session *s, size_t i);
/** biounit_session_step_result() - Outcome of photo or signature (fingers: hands). -EINVAL. */
int biounit_session_step_result(const struct biounit_session *s, enum biounit_session_step step,
				struct biounit_step_result *out);
/** biounit_session_hand_result() - Outcome of one hand's print. -EINVAL. */
int biounit_session_hand_result(const struct biounit_session *s, enum biounit_hand hand,
				struct biounit_step_result *out);
/** biounit_session_exception_count() / _exception(): fingers that could not be taken. */
size_t biounit_session_exception_count(const struct biounit_session *s);
const struct biounit_finger_exception *biounit_session_exception(const struct biounit_session *s,
								 size_t i);
/** biounit_session_decision_count() / _decision(): the operator's decisions in order. */
size_t biounit_session_decision_count(const struct biounit_session *s);
const struct biounit_decision *biounit_session_decision(const struct biounit_session *s, size_t i);

/**
 * biounit_session_to_json() - The whole session as one JSON object (the
 * store's format, docs/biounitd.md), with the appointment code.
 * @out: receives a malloc-ed NUL-terminated string.
 * Return: 0 or -ENOMEM.
 */
int biounit_session_to_json(const struct biounit_session *s, char **out);

/**
 * biounit_session_from_json() - A session read back from
 * biounit_session_to_json(); every field is checked as the calls that made
 * it would check it.
 * Return: 0, -EINVAL (not such a document), -ENOMEM.
 */
int biounit_session_from_json(const char *buf, size_t len, struct biounit_session **out);

/* ---- the store ---------------------------------------------------------- */

/*
 * Sessions live in DIR/sessions/<id>/: session.json and the capture files.
 * Every file is written to a temporary name, fsync-ed, renamed and its
 * directory fsync-ed; files are 0600, directories 0700.
 */
struct biounit_store;

/**
 * biounit_store_open() - Open (and make, 0700) the state directory @dir.
 * Also reads or makes DIR/hash.key (32 random bytes, 0600), the key of
 * biounit_store_hash().
 * Return: 0, -EINVAL, or the errno of the file system.
 */
int biounit_store_open(const char *dir, struct biounit_store **out);
/** biounit_store_close() - NULL is allowed. */
void biounit_store_close(struct biounit_store *st);

/**
 * biounit_store_hash() - HMAC-SHA-256 of @text under the store's key, as 64
 * lower-case hex digits: what logs carry instead of an appointment code.
 */
void biounit_store_hash(const struct biounit_store *st, const char *text, char hex[65]);

/** biounit_store_save() - Write the session's session.json durably. 0 or -errno. */
int biounit_store_save(struct biounit_store *st, const struct biounit_session *s);

/**
 * biounit_store_write_file() - Write a capture file of session @id durably.
 * @name: as struct biounit_capture's @file.
 * Return: 0, -EINVAL (bad id or name), or -errno.
 */
int biounit_store_write_file(struct biounit_store *st, const char *id, const char *name,
			     const void *data, size_t len);

/**
 * biounit_store_file_path() - The path of a capture file of session @id,
 * e.g. to write it with a library that takes a path (then biounit_store_commit_file()).
 * @tmp: true for the temporary name to write to.
 */
int biounit_store_file_path(const struct biounit_store *st, const char *id, const char *name,
			    bool tmp, char *buf, size_t len);
/** biounit_store_commit_file() - fsync the temporary file, chmod 0600, rename it, fsync the directory. */
int biounit_store_commit_file(struct biounit_store *st, const char *id, const char *name);

/**
 * biounit_store_load() - Read session @id back.
 * Return: 0, -ENOENT, -EINVAL (a damaged file), -ENOMEM.
 */
int biounit_store_load(struct biounit_store *st, const char *id, struct biounit_session **out);

/**
 * biounit_store_list() - The ids of the stored sessions, sorted.
 * @ids: receives a malloc-ed array of @n malloc-ed strings (free each, then it).
 */
int biounit_store_list(struct biounit_store *st, char ***ids, size_t *n);

/** biounit_store_remove() - Delete session @id and its files. 0, -ENOENT, -errno. */
int biounit_store_remove(struct biounit_store *st, const char *id);

/** biounit_store_dir() - The state directory. */
const char *biounit_store_dir(const struct biounit_store *st);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_SESSION_H */
