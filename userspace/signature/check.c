// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of a signature before it is used on a document, with Dutch and
 * English messages. Limits (see docs/signature.md): ink at least 30 mm long
 * and 20 samples; all ink inside the signing box and at least 1 mm from its
 * edges (ink closer than that was most likely cut off); signing time 0.3 to
 * 30 s; not a dot (ink extent under 3 mm); not a straight stroke (RMS distance
 * of the ink from its principal line under 0.75 mm); pressure reported.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "signature_internal.h"

#define MIN_INK_MM 30.0
#define MIN_INK_SAMPLES 20u
#define EDGE_MM 1.0
#define MIN_DURATION_S 0.3
#define MAX_DURATION_S 30.0
#define DOT_MM 3.0
#define STRAIGHT_MM 0.75

void biounit_signature_check(const struct biounit_signature *sig, uint32_t *problems,
			     struct biounit_signature_stats *stats)
{
	const struct biounit_signature_box *box = &sig->box;
	struct biounit_signature_stats st;
	double mm = 1.0 / box->units_per_mm;
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
	uint64_t t_first = 0, t_last = 0;
	uint32_t p = 0;
	int prev_down = 0;

	memset(&st, 0, sizeof(st));
	st.samples = sig->n;
	st.edge_mm = INFINITY;
	for (size_t i = 0; i < sig->n; i++) {
		const struct biounit_signature_sample *s = &sig->s[i];
		if (!s->pen_down) {
			prev_down = 0;
			continue;
		}
		double x = s->x, y = s->y;
		if (!prev_down)
			st.strokes++;
		else
			st.ink_mm += hypot(x - sig->s[i - 1].x, y - sig->s[i - 1].y) * mm;
		prev_down = 1;
		if (!st.ink_samples++)
			t_first = s->t_us;
		t_last = s->t_us;
		sx += x;
		sy += y;
		sxx += x * x;
		syy += y * y;
		sxy += x * y;
		minx = fmin(minx, x);
		maxx = fmax(maxx, x);
		miny = fmin(miny, y);
		maxy = fmax(maxy, y);
		double e = fmin(fmin(x - box->x0, box->x1 - x), fmin(y - box->y0, box->y1 - y));
		st.edge_mm = fmin(st.edge_mm, e * mm);
		if (s->pressure > st.pressure_peak)
			st.pressure_peak = s->pressure;
	}
	if (!st.ink_samples) {
		st.edge_mm = 0;
		p = BIOUNIT_SIG_EMPTY;
		goto out;
	}
	double n = (double)st.ink_samples;
	double cxx = sxx / n - (sx / n) * (sx / n), cyy = syy / n - (sy / n) * (sy / n);
	double cxy = sxy / n - (sx / n) * (sy / n);
	double lmin = (cxx + cyy - sqrt((cxx - cyy) * (cxx - cyy) + 4 * cxy * cxy)) / 2;
	st.line_dev_mm = sqrt(fmax(0.0, lmin)) * mm;
	st.duration_s = (double)(t_last - t_first) / 1e6;
	st.width_mm = (maxx - minx) * mm;
	st.height_mm = (maxy - miny) * mm;

	if (st.ink_mm < MIN_INK_MM || st.ink_samples < MIN_INK_SAMPLES)
		p |= BIOUNIT_SIG_TOO_LITTLE_INK;
	if (st.edge_mm < 0)
		p |= BIOUNIT_SIG_OUTSIDE_BOX;
	else if (st.edge_mm < EDGE_MM)
		p |= BIOUNIT_SIG_AT_EDGE;
	if (st.duration_s < MIN_DURATION_S)
		p |= BIOUNIT_SIG_TOO_SHORT;
	if (st.duration_s > MAX_DURATION_S)
		p |= BIOUNIT_SIG_TOO_LONG;
	if (fmax(st.width_mm, st.height_mm) < DOT_MM)
		p |= BIOUNIT_SIG_DOT;
	else if (st.line_dev_mm < STRAIGHT_MM)
		p |= BIOUNIT_SIG_STRAIGHT;
	if (!st.pressure_peak)
		p |= BIOUNIT_SIG_NO_PRESSURE;
out:
	if (problems)
		*problems = p;
	if (stats)
		*stats = st;
}

struct problem_text {
	enum biounit_signature_problem bit;
	const char *key, *nl, *en;
};

static const struct problem_text texts[BIOUNIT_SIG_PROBLEM_COUNT] = {
	{ BIOUNIT_SIG_EMPTY, "empty", "Er is niets getekend. Zet uw handtekening in het vak.",
	  "Nothing was signed. Please sign inside the box." },
	{ BIOUNIT_SIG_TOO_LITTLE_INK, "too_little_ink",
	  "De handtekening is te klein of te kort. Teken uw volledige handtekening.",
	  "The signature is too small or too short. Please write your full signature." },
	{ BIOUNIT_SIG_OUTSIDE_BOX, "outside_box", "De handtekening gaat buiten het vak. Teken binnen het vak.",
	  "The signature goes outside the box. Please sign inside the box." },
	{ BIOUNIT_SIG_AT_EDGE, "at_edge",
	  "De handtekening raakt de rand van het vak. Teken iets kleiner, midden in het vak.",
	  "The signature touches the edge of the box. Please sign a little smaller, in the middle." },
	{ BIOUNIT_SIG_TOO_SHORT, "too_short", "Dat ging te snel. Teken uw handtekening rustig.",
	  "That was too quick. Please sign at your normal pace." },
	{ BIOUNIT_SIG_TOO_LONG, "too_long", "Het tekenen duurde te lang. Probeer het opnieuw.",
	  "Signing took too long. Please try again." },
	{ BIOUNIT_SIG_DOT, "dot", "Er staat alleen een punt. Teken uw volledige handtekening.",
	  "There is only a dot. Please write your full signature." },
	{ BIOUNIT_SIG_STRAIGHT, "straight",
	  "Er staat alleen een rechte streep. Teken uw volledige handtekening.",
	  "There is only a straight line. Please write your full signature." },
	{ BIOUNIT_SIG_NO_PRESSURE, "no_pressure",
	  "Het schrijfblok meet geen druk. Gebruik de pen van het schrijfblok of roep een medewerker.",
	  "The pad measured no pressure. Please use the pad's pen or ask a member of staff." },
};

static const struct problem_text *find(enum biounit_signature_problem p)
{
	for (size_t i = 0; i < BIOUNIT_SIG_PROBLEM_COUNT; i++)
		if (texts[i].bit == p)
			return &texts[i];
	return NULL;
}

const char *biounit_signature_problem_message(enum biounit_signature_problem p,
					      const char *lang)
{
	const struct problem_text *t = find(p);

	if (!t)
		return NULL;
	return lang && !strcmp(lang, "nl") ? t->nl : t->en;
}

const char *biounit_signature_problem_key(enum biounit_signature_problem p)
{
	const struct problem_text *t = find(p);

	return t ? t->key : NULL;
}
