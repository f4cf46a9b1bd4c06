// SPDX-License-Identifier: GPL-2.0
/* What the applicant is told at each point of a session, in Dutch and English. */
#include <stdio.h>

#include "session_internal.h"

static void instruction(const struct biounit_session *s, const char **nl, const char **en)
{
	switch (s->state) {
	case BIOUNIT_SESSION_REVIEW:
		*nl = "Een ogenblik: de medewerker bekijkt het resultaat.";
		*en = "One moment: the officer is reviewing the result.";
		return;
	case BIOUNIT_SESSION_PAUSED:
		*nl = "De apparatuur is losgekoppeld. De sessie wacht tot ze terug is.";
		*en = "The equipment has been disconnected. The session waits until it is back.";
		return;
	case BIOUNIT_SESSION_FINISHED:
		*nl = "Klaar. Dank u wel.";
		*en = "All done. Thank you.";
		return;
	case BIOUNIT_SESSION_DISCARDED:
		*nl = "De sessie is beëindigd zonder resultaat.";
		*en = "The session has ended without a result.";
		return;
	case BIOUNIT_SESSION_CAPTURING:
	default:
		break;
	}
	switch (s->step) {
	case BIOUNIT_STEP_PHOTO:
		*nl = "Kijk recht in de camera, met een neutrale uitdrukking en de mond dicht.";
		*en = "Look straight into the camera, with a neutral expression and your mouth closed.";
		return;
	case BIOUNIT_STEP_FINGERS: {
		const char *n, *e;

		biounit_finger_position_text(session_hand_finger(s->hand, s->cand), &n, &e);
		*nl = n;
		*en = e;
		return;
	}
	case BIOUNIT_STEP_SIGNATURE:
		*nl = "Zet uw handtekening binnen het vak op het schrijfblok.";
		*en = "Sign inside the box on the signature pad.";
		return;
	default:
		*nl = *en = "";
		return;
	}
}

void session_update_prompt(struct biounit_session *s)
{
	const char *nl, *en;
	const char *sep_nl = s->advice_nl[0] ? " " : "", *sep_en = s->advice_en[0] ? " " : "";

	instruction(s, &nl, &en);
	if (s->state == BIOUNIT_SESSION_CAPTURING && s->step == BIOUNIT_STEP_FINGERS) {
		snprintf(s->prompt_nl, sizeof(s->prompt_nl),
			 "%s%sLeg uw %s plat op de scanner (poging %u van %u).", s->advice_nl,
			 sep_nl, nl, s->attempt + 1, s->pol.finger_attempts);
		snprintf(s->prompt_en, sizeof(s->prompt_en),
			 "%s%sPlace your %s flat on the scanner (attempt %u of %u).", s->advice_en,
			 sep_en, en, s->attempt + 1, s->pol.finger_attempts);
		return;
	}
	if (s->state != BIOUNIT_SESSION_CAPTURING)
		sep_nl = sep_en = "";
	snprintf(s->prompt_nl, sizeof(s->prompt_nl), "%s%s%s",
		 s->state == BIOUNIT_SESSION_CAPTURING ? s->advice_nl : "", sep_nl, nl);
	snprintf(s->prompt_en, sizeof(s->prompt_en), "%s%s%s",
		 s->state == BIOUNIT_SESSION_CAPTURING ? s->advice_en : "", sep_en, en);
}
