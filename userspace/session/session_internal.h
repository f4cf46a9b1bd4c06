/* SPDX-License-Identifier: GPL-2.0 */
/* The session machine's state, shared by machine.c, messages.c and serial.c. */
#ifndef BIOUNIT_SESSION_INTERNAL_H
#define BIOUNIT_SESSION_INTERNAL_H

#include "session/session.h"

#define SESSION_MAX_DECISIONS 128
#define SESSION_MAX_EXCEPTIONS 8
#define SESSION_PROMPT_MAX 640
#define SESSION_FINGERS_PER_HAND 4

struct biounit_session {
	char id[BIOUNIT_SESSION_ID_MAX + 1];
	struct biounit_session_request req;
	struct biounit_session_policy pol;
	enum biounit_session_state state;
	enum biounit_session_state paused_from;	/* CAPTURING or REVIEW while PAUSED */
	enum biounit_session_step step;
	unsigned int hand;		/* fingers: 0 right, 1 left */
	unsigned int cand;		/* fingers: index into the hand's order */
	unsigned int attempt;		/* attempts made of the current step or finger */
	int best;			/* REVIEW: the capture ACCEPT keeps */
	struct biounit_step_result photo, signature, hands[2];
	struct biounit_capture caps[BIOUNIT_SESSION_MAX_CAPTURES];
	size_t ncaps;
	struct biounit_finger_exception exc[SESSION_MAX_EXCEPTIONS];
	size_t nexc;
	struct biounit_decision dec[SESSION_MAX_DECISIONS];
	size_t ndec;
	char advice_nl[BIOUNIT_CAPTURE_MSG_MAX + 1];	/* of the last failed attempt */
	char advice_en[BIOUNIT_CAPTURE_MSG_MAX + 1];
	char prompt_nl[SESSION_PROMPT_MAX], prompt_en[SESSION_PROMPT_MAX];
};

/* messages.c */
void session_update_prompt(struct biounit_session *s);

/* machine.c */
unsigned int session_hand_finger(unsigned int hand, unsigned int cand);
int session_check_capture_strings(const struct biounit_capture *c);
int session_valid_id(const char *id);
int session_valid_reason(const char *r, int required);

/* bounded copy that always terminates */
static inline void session_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	if (!size)
		return;
	while (src && src[n] && n + 1 < size) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

#endif
