// SPDX-License-Identifier: GPL-2.0
/* Rule ids, units and the applicant-facing texts in Dutch and English. */
#include <math.h>
#include <stddef.h>

#include "face/face.h"

#include "rules.h"

static const struct rule_text rule_texts[BIOUNIT_FACE_RULE_COUNT] = {
	[BIOUNIT_FACE_RULE_ONE_FACE] = { "one_face", "faces",
		"Er moet precies één gezicht met beide ogen zichtbaar op de foto staan.",
		"Exactly one face, with both eyes visible, must be in the photo." },
	[BIOUNIT_FACE_RULE_FACE_HEIGHT] = { "face_height", "ratio",
		"Het hoofd (kin tot kruin) heeft niet de juiste grootte: kom dichterbij of ga verder weg.",
		"The head (chin to crown) is not the right size: come closer or move back." },
	[BIOUNIT_FACE_RULE_EYE_LINE] = { "eye_line", "ratio",
		"Uw ogen staan te hoog of te laag in de foto.",
		"Your eyes are too high or too low in the photo." },
	[BIOUNIT_FACE_RULE_CENTRED] = { "centred", "ratio",
		"Uw gezicht staat niet in het midden van de foto.",
		"Your face is not in the centre of the photo." },
	[BIOUNIT_FACE_RULE_ASPECT] = { "aspect", "ratio",
		"De foto moet staand zijn, in de verhouding 35 bij 45 mm.",
		"The photo must be in portrait format, 35 by 45 mm proportions." },
	[BIOUNIT_FACE_RULE_HEAD_IN_FRAME] = { "head_in_frame", "ratio",
		"Uw hele hoofd, van kin tot kruin, moet op de foto staan.",
		"Your whole head, from chin to crown, must be in the photo." },
	[BIOUNIT_FACE_RULE_EYE_DISTANCE] = { "eye_distance", "px",
		"Uw gezicht is te klein in beeld: kom dichterbij.",
		"Your face is too small in the picture: come closer." },
	[BIOUNIT_FACE_RULE_ROLL] = { "roll", "deg",
		"Houd uw hoofd recht: uw ogen moeten op één horizontale lijn staan.",
		"Keep your head straight: your eyes must be level." },
	[BIOUNIT_FACE_RULE_YAW] = { "yaw", "deg",
		"Kijk recht in de camera, draai uw hoofd niet opzij.",
		"Look straight into the camera; do not turn your head to the side." },
	[BIOUNIT_FACE_RULE_PITCH] = { "pitch", "deg",
		"Houd uw hoofd recht: niet omhoog of omlaag kijken.",
		"Keep your head level: do not look up or down." },
	[BIOUNIT_FACE_RULE_BACKGROUND] = { "background", "score",
		"De achtergrond moet egaal wit of lichtgrijs zijn, zonder schaduw of patroon.",
		"The background must be plain white or near-white, without shadow or pattern." },
	[BIOUNIT_FACE_RULE_EYES_OPEN] = { "eyes_open", "ratio",
		"Houd uw ogen open.",
		"Keep your eyes open." },
	[BIOUNIT_FACE_RULE_MOUTH_CLOSED] = { "mouth_closed", "ratio",
		"Houd uw mond dicht.",
		"Keep your mouth closed." },
	[BIOUNIT_FACE_RULE_NEUTRAL] = { "neutral_expression", "ratio",
		"Kijk neutraal, zonder te lachen.",
		"Keep a neutral expression; do not smile." },
	[BIOUNIT_FACE_RULE_EXPOSURE] = { "exposure", "level",
		"Uw gezicht is te donker of te licht belicht.",
		"Your face is too dark or too bright." },
	[BIOUNIT_FACE_RULE_CLIPPING] = { "clipping", "ratio",
		"Er zijn overbelichte (witte) vlekken op uw gezicht.",
		"There are overexposed (white) patches on your face." },
	[BIOUNIT_FACE_RULE_CONTRAST] = { "contrast", "level",
		"Het contrast op uw gezicht is te laag.",
		"The contrast on your face is too low." },
	[BIOUNIT_FACE_RULE_SHARPNESS] = { "sharpness", "score",
		"De foto is niet scherp: blijf stil zitten.",
		"The photo is not sharp: please keep still." },
	[BIOUNIT_FACE_RULE_COLOUR] = { "colour", "ratio",
		"De foto moet in kleur zijn en natuurlijke kleuren hebben.",
		"The photo must be in colour, with natural colours." },
	[BIOUNIT_FACE_RULE_RESOLUTION] = { "resolution", "px",
		"De resolutie van uw gezicht is te laag voor de pasfoto: kom dichterbij.",
		"The resolution of your face is too low for the document photo: come closer." },
	[BIOUNIT_FACE_RULE_COVERING_SMOOTH] = { "covering_smooth", "level",
		"Uw hoofddeksel moet glad zijn, zonder patroon, opdruk of versiering.",
		"Your head covering must be smooth, without pattern, print or decoration." },
	[BIOUNIT_FACE_RULE_COVERING_COLOUR] = { "covering_single_colour", "percent",
		"Uw hoofddeksel moet effen zijn: één kleur.",
		"Your head covering must be plain: a single colour." },
	[BIOUNIT_FACE_RULE_COVERING_CONTRAST] = { "covering_contrast", "level",
		"Uw hoofddeksel moet afsteken tegen de witte achtergrond: niet wit of lichtgrijs.",
		"Your head covering must stand out from the white background: not white or light grey." },
	[BIOUNIT_FACE_RULE_HAIR_EARS] = { "hair_ears", "ratio",
		"Uw haar bedekt uw oren: doe lang haar achter uw oren.",
		"Your hair covers your ears: put long hair behind your ears." },
	[BIOUNIT_FACE_RULE_HAIR_EYES] = { "hair_eyes", "ratio",
		"Uw haar bedekt (een deel van) uw ogen of gezicht: doe uw haar uit uw gezicht.",
		"Your hair covers (part of) your eyes or face: move your hair away from your face." },
	[BIOUNIT_FACE_RULE_GAZE] = { "gaze", "ratio",
		"Kijk met uw ogen recht in de camera.",
		"Look straight into the camera with your eyes." },
	[BIOUNIT_FACE_RULE_HEAD_WIDTH] = { "head_width", "ratio",
		"Het hoofd (van oor tot oor) heeft niet de juiste breedte in de foto.",
		"The head (ear to ear) is not the right width in the photo." },
	/* the failure text is the movement advice (check.c) */
	[BIOUNIT_FACE_RULE_CROP_FITS] = { "crop_fits", "bool",
		"Er past geen pasfoto in het beeld.",
		"No passport photo fits in the picture." },
};

static const char waived_nl[] = "Vervalt voor kinderen jonger dan 6 jaar.";
static const char waived_en[] = "Waived for children under 6.";

void rule_waive(struct biounit_face_verdict *v, enum biounit_face_rule rule)
{
	struct biounit_face_result *r = &v->results[rule];

	if (r->status == BIOUNIT_FACE_NOT_JUDGED)
		return;
	r->status = BIOUNIT_FACE_PASS;
	r->msg_nl = waived_nl;
	r->msg_en = waived_en;
}

static const char pass_nl[] = "In orde.";
static const char pass_en[] = "OK.";

const struct rule_text *rule_text_of(enum biounit_face_rule rule)
{
	if ((unsigned int)rule >= BIOUNIT_FACE_RULE_COUNT)
		return NULL;
	return &rule_texts[rule];
}

const char *biounit_face_rule_id(enum biounit_face_rule rule)
{
	const struct rule_text *t = rule_text_of(rule);

	return t ? t->id : NULL;
}

void rule_set(struct biounit_face_verdict *v, enum biounit_face_rule rule,
	      enum biounit_face_status status, double value, double min, double max)
{
	const struct rule_text *t = rule_text_of(rule);
	struct biounit_face_result *r = &v->results[rule];

	r->rule = rule;
	r->id = t->id;
	r->unit = t->unit;
	r->status = status;
	r->value = value;
	r->min = min;
	r->max = max;
	r->msg_nl = status == BIOUNIT_FACE_FAIL ? t->fail_nl : pass_nl;
	r->msg_en = status == BIOUNIT_FACE_FAIL ? t->fail_en : pass_en;
	if (status == BIOUNIT_FACE_NOT_JUDGED) {
		r->msg_nl = "Niet beoordeeld (geen gezicht gevonden).";
		r->msg_en = "Not judged (no face found).";
	}
}

void rule_set_na(struct biounit_face_verdict *v, enum biounit_face_rule rule, double min,
		 double max, const char *nl, const char *en)
{
	rule_set(v, rule, BIOUNIT_FACE_PASS, NAN, min, max);
	v->results[rule].msg_nl = nl;
	v->results[rule].msg_en = en;
}

static const char *const advice_text[BIOUNIT_FACE_ADVICE_COUNT][2] = {
	[BIOUNIT_FACE_ADVICE_OK] = { "Goed zo, blijf zo zitten.", "Good, hold still." },
	[BIOUNIT_FACE_ADVICE_NO_FACE] = { "Kijk in de camera.", "Look into the camera." },
	[BIOUNIT_FACE_ADVICE_ONE_PERSON] = { "Alleen de aanvrager mag in beeld zijn.",
					     "Only the applicant may be in the picture." },
	[BIOUNIT_FACE_ADVICE_COME_CLOSER] = { "Kom dichterbij.", "Come closer." },
	[BIOUNIT_FACE_ADVICE_STEP_BACK] = { "Ga iets verder weg.", "Move back a little." },
	[BIOUNIT_FACE_ADVICE_MOVE_LEFT] = { "Schuif iets naar links.", "Move a little to the left." },
	[BIOUNIT_FACE_ADVICE_MOVE_RIGHT] = { "Schuif iets naar rechts.", "Move a little to the right." },
	[BIOUNIT_FACE_ADVICE_MOVE_UP] = { "Ga iets hoger zitten.", "Sit up a little higher." },
	[BIOUNIT_FACE_ADVICE_MOVE_DOWN] = { "Ga iets lager zitten.", "Sit a little lower." },
	[BIOUNIT_FACE_ADVICE_TILT_LEFT] = { "Kantel uw hoofd iets naar links.",
					    "Tilt your head a little to the left." },
	[BIOUNIT_FACE_ADVICE_TILT_RIGHT] = { "Kantel uw hoofd iets naar rechts.",
					     "Tilt your head a little to the right." },
	[BIOUNIT_FACE_ADVICE_LOOK_STRAIGHT] = { "Kijk recht in de camera.",
						"Look straight at the camera." },
	[BIOUNIT_FACE_ADVICE_OPEN_EYES] = { "Houd uw ogen open.", "Keep your eyes open." },
	[BIOUNIT_FACE_ADVICE_CLOSE_MOUTH] = { "Houd uw mond dicht en kijk neutraal.",
					      "Close your mouth and keep a neutral face." },
	[BIOUNIT_FACE_ADVICE_TOO_DARK] = { "Het is te donker.", "It is too dark." },
	[BIOUNIT_FACE_ADVICE_TOO_BRIGHT] = { "Het is te licht.", "It is too bright." },
	[BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS] = {
		"De maten van het hoofd passen niet in het fotomodel: de medewerker beoordeelt de foto.",
		"The head's proportions do not fit the photo template: the officer will judge the photo." },
};

void biounit_face_advice_text(enum biounit_face_advice a, const char **nl, const char **en)
{
	if ((unsigned int)a >= BIOUNIT_FACE_ADVICE_COUNT)
		a = BIOUNIT_FACE_ADVICE_NO_FACE;
	if (nl)
		*nl = advice_text[a][0];
	if (en)
		*en = advice_text[a][1];
}
