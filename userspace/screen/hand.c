// SPDX-License-Identifier: GPL-2.0
/*
 * The hand on the fingers screen: a hand lying flat on the scanner seen
 * from above (its back), so that it looks like the applicant's own hand on
 * the desk: the right hand has its thumb on the left. The finger asked for
 * is filled in BIOUNIT_SCREEN_MARK_RGB; the others are outlined. Finger
 * positions are ISO/IEC 19794-4's: 1 right thumb .. 5 right little,
 * 6 left thumb .. 10 left little.
 */
#include <math.h>

#include "screen_internal.h"

/* the fingers of a right hand, thumb first, in units of the hand's box:
 * base (x, y), direction (degrees from straight up), length, width */
static const struct {
	double x, y, deg, len, wid;
} fingers[5] = {
	{ 0.24, 0.66, -52, 0.30, 0.125 },	/* thumb */
	{ 0.35, 0.44, -6, 0.36, 0.115 },	/* index */
	{ 0.49, 0.42, 0, 0.40, 0.115 },		/* middle */
	{ 0.63, 0.44, 6, 0.37, 0.11 },		/* ring */
	{ 0.76, 0.50, 14, 0.29, 0.10 },		/* little */
};

static void finger_path(cairo_t *cr, double ox, double oy, double s, int i, bool left)
{
	double x = fingers[i].x, deg = fingers[i].deg;

	if (left) {
		x = 1 - x;
		deg = -deg;
	}
	cairo_save(cr);
	cairo_translate(cr, ox + x * s, oy + fingers[i].y * s);
	cairo_rotate(cr, deg * M_PI / 180);
	rounded_rect(cr, -fingers[i].wid * s / 2, -fingers[i].len * s, fingers[i].wid * s,
		     fingers[i].len * s + fingers[i].wid * s / 2, fingers[i].wid * s / 2);
	cairo_restore(cr);
}

void draw_hand(struct biounit_screen *scr, cairo_t *cr, const struct biounit_screen_rect *r,
	       unsigned int finger)
{
	bool left = finger > 5;
	int mark = (int)((finger - 1) % 5);
	/* the drawing's units, with a margin: the thumb and the tips stay inside @r */
	double s = (r->w < r->h ? r->w : r->h) * 0.86;
	double ox = r->x + (r->w - s) / 2, oy = r->y + (r->h - s) / 2 + s * 0.04;
	double lw = fmax(2, s / 120);

	(void)scr;
	cairo_save(cr);
	cairo_set_line_width(cr, lw);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (int i = 0; i < 5; i++) {
		finger_path(cr, ox, oy, s, i, left);
		set_rgb(cr, i == mark ? BIOUNIT_SCREEN_MARK_RGB : COL_WHITE);
		cairo_fill_preserve(cr);
		set_rgb(cr, i == mark ? COL_TEXT : COL_TEXT_EN);
		cairo_set_line_width(cr, i == mark ? lw * 1.5 : lw);
		cairo_stroke(cr);
	}
	cairo_set_line_width(cr, lw);
	/* the palm over the fingers' bases */
	rounded_rect(cr, ox + (left ? 1 - 0.82 : 0.26) * s, oy + 0.40 * s, 0.56 * s, 0.52 * s,
		     0.12 * s);
	set_rgb(cr, COL_WHITE);
	cairo_fill_preserve(cr);
	set_rgb(cr, COL_TEXT_EN);
	cairo_stroke(cr);
	/* the finger asked for, on top */
	finger_path(cr, ox, oy, s, mark, left);
	set_rgb(cr, BIOUNIT_SCREEN_MARK_RGB);
	cairo_fill_preserve(cr);
	set_rgb(cr, COL_TEXT);
	cairo_set_line_width(cr, lw * 1.5);
	cairo_stroke(cr);
	cairo_restore(cr);
}
