// SPDX-License-Identifier: GPL-2.0
/*
 * Advice for the applicant from the features and the finger's placement.
 * Rules (thresholds at 500 ppi, see docs/finger-quality.md):
 *  no finger      fewer than 3% of the whole image is foreground;
 *  too little     foreground below 30% of the whole image;
 *  not centred    foreground centroid more than 20% of the width or height
 *                 away from the image centre;
 *  rotated        elongated foreground (axes ratio >= 1.2) whose long axis is
 *                 more than 30 degrees from the vertical;
 *  press harder   pale foreground (mean grey > 150) with thin ridges (mean
 *                 ridge/valley width ratio < 0.75) or weak contrast (mean
 *                 block SD < 15);
 *  press lighter  dark foreground (mean grey < 100) with thick ridges (> 1.35);
 *  too dry        poor clarity (LCS mean < 0.55) with thin ridges (< 0.85);
 *  too wet        poor clarity (LCS mean < 0.55) with thick ridges (> 1.2);
 *  moved          ridge orientations of the whole print nearly parallel
 *                 (resultant of doubled angles >= 0.85, impossible for a real
 *                 fingertip pattern) and poor clarity (LCS mean < 0.6).
 */
#include <math.h>
#include <stddef.h>
#include "finger_internal.h"

struct advice_text {
	enum biounit_finger_advice bit;
	const char *key, *nl, *en;
};

static const struct advice_text texts[BIOUNIT_FINGER_ADVICE_COUNT] = {
	{ BIOUNIT_FINGER_PRESS_HARDER, "press_harder", "Druk uw vinger iets steviger op het glas.",
	  "Press your finger a little harder on the glass." },
	{ BIOUNIT_FINGER_PRESS_LIGHTER, "press_lighter", "Druk uw vinger minder hard op het glas.",
	  "Press your finger more lightly on the glass." },
	{ BIOUNIT_FINGER_TOO_DRY, "too_dry",
	  "Uw vinger is te droog: blaas er even op en probeer het opnieuw.",
	  "Your finger is too dry: breathe on it and try again." },
	{ BIOUNIT_FINGER_TOO_WET, "too_wet", "Uw vinger is te nat: veeg hem droog en probeer het opnieuw.",
	  "Your finger is too wet: wipe it dry and try again." },
	{ BIOUNIT_FINGER_NOT_CENTRED, "not_centred", "Leg uw vinger in het midden van de scanner.",
	  "Place your finger in the middle of the scanner." },
	{ BIOUNIT_FINGER_TOO_LITTLE, "too_little",
	  "Leg een groter deel van uw vingertop plat op de scanner.",
	  "Place more of your fingertip flat on the scanner." },
	{ BIOUNIT_FINGER_ROTATED, "rotated", "Houd uw vinger recht, met de top naar voren.",
	  "Hold your finger straight, with the tip pointing forward." },
	{ BIOUNIT_FINGER_MOVED, "moved", "Houd uw vinger stil tot de scan klaar is.",
	  "Keep your finger still until the scan is complete." },
	{ BIOUNIT_FINGER_NO_FINGER, "no_finger", "Geen vinger gevonden: leg uw vinger op de scanner.",
	  "No finger found: place your finger on the scanner." },
};

static const struct advice_text *find(enum biounit_finger_advice a)
{
	for (size_t i = 0; i < BIOUNIT_FINGER_ADVICE_COUNT; i++)
		if (texts[i].bit == a)
			return &texts[i];
	return NULL;
}

const char *biounit_finger_advice_message(enum biounit_finger_advice a, const char *lang)
{
	const struct advice_text *t = find(a);

	if (!t)
		return NULL;
	return lang && lang[0] == 'n' && lang[1] == 'l' && !lang[2] ? t->nl : t->en;
}

const char *biounit_finger_advice_key(enum biounit_finger_advice a)
{
	const struct advice_text *t = find(a);

	return t ? t->key : NULL;
}

/* Resultant length of the doubled ridge angles over the foreground blocks:
 * 1 when all blocks are parallel, near 0 for a loop or whorl. */
static double orientation_concentration(const struct biounit_finger_report *r)
{
	double c = 0, s = 0;
	size_t n = 0;

	for (size_t i = 0; i < (size_t)r->cols * r->rows; i++) {
		const struct biounit_finger_block *b = &r->blocks[i];
		if (!b->foreground)
			continue;
		double a = 2.0 * b->orientation_deg * M_PI / 180.0;
		c += cos(a);
		s += sin(a);
		n++;
	}
	return n ? sqrt(c * c + s * s) / n : 0;
}

void fq_advice(struct biounit_finger_report *r)
{
	const double *f = r->feat;
	uint32_t a = 0;

	/* placement is judged on the whole image, not the trimmed region */
	double area = (double)r->fg_cells * r->cell * r->cell / ((double)r->full_w * r->full_h);
	if (area < 0.03 || !r->fg_cells) {
		r->advice = BIOUNIT_FINGER_NO_FINGER;
		return;
	}
	if (area < 0.30)
		a |= BIOUNIT_FINGER_TOO_LITTLE;
	if (fabs(r->ox + r->fg_cx - r->full_w / 2.0) > 0.2 * r->full_w ||
	    fabs(r->oy + r->fg_cy - r->full_h / 2.0) > 0.2 * r->full_h)
		a |= BIOUNIT_FINGER_NOT_CENTRED;
	if (r->fg_elongation >= 1.2 && fabs(r->fg_axis_deg) > 30.0)
		a |= BIOUNIT_FINGER_ROTATED;

	double fg_mean = f[BIOUNIT_FINGER_FG_MEAN], rv = f[BIOUNIT_FINGER_RVU_MEAN];
	double lcs = f[BIOUNIT_FINGER_LCS_MEAN];
	int have_ratio = rv > 0;
	if (fg_mean > 150 && ((have_ratio && rv < 0.75) || f[BIOUNIT_FINGER_FG_LOCAL_STD] < 15))
		a |= BIOUNIT_FINGER_PRESS_HARDER;
	if (fg_mean < 100 && have_ratio && rv > 1.35)
		a |= BIOUNIT_FINGER_PRESS_LIGHTER;
	if (lcs < 0.55 && have_ratio && rv < 0.85)
		a |= BIOUNIT_FINGER_TOO_DRY;
	if (lcs < 0.55 && have_ratio && rv > 1.2)
		a |= BIOUNIT_FINGER_TOO_WET;
	if (orientation_concentration(r) >= 0.85 && lcs < 0.6)
		a |= BIOUNIT_FINGER_MOVED;
	r->advice = a;
}
