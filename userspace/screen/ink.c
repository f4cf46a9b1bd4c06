// SPDX-License-Identifier: GPL-2.0
/*
 * The ink under the pen: the pad's signing box mapped onto the screen's box
 * with the aspect kept (biounit_screen_ink_rect()), each pair of successive
 * pen-down samples a round-capped line whose width follows the pressure
 * (biounit_screen_ink_width()), a lone touch a dot. Nothing is drawn
 * outside the box, hovering draws nothing.
 */
#include <errno.h>
#include <math.h>

#include "screen_internal.h"

static bool box_ok(const struct biounit_signature_box *b)
{
	return b && b->x1 > b->x0 && b->y1 > b->y0 && b->pressure_max >= 1;
}

int biounit_screen_ink_rect(const struct biounit_screen *scr,
			    const struct biounit_signature_box *box, struct biounit_screen_rect *r)
{
	struct biounit_screen_rect area = scr->L.body;

	if (!box_ok(box) || !r)
		return -EINVAL;
	/* room under the box for the clear and done buttons */
	area.h -= (int32_t)(scr->L.fs_nl * 2.6);
	*r = fit_rect(&area, (double)box->x1 - box->x0, (double)box->y1 - box->y0);
	return 0;
}

double biounit_screen_ink_width(const struct biounit_screen *scr,
				const struct biounit_signature_box *box, uint32_t pressure)
{
	double wmin = fmax(1.5, scr->h / 480.0), wmax = fmax(4.0, scr->h / 110.0);
	double p = box && box->pressure_max ? (double)pressure / box->pressure_max : 0.5;

	p = p < 0 ? 0 : p > 1 ? 1 : p;
	return wmin + (wmax - wmin) * p;
}

void draw_ink(struct biounit_screen *scr, cairo_t *cr, const struct biounit_signature *sig,
	      const struct biounit_screen_rect *r)
{
	struct biounit_signature_box box = biounit_signature_get_box(sig);
	size_t n = biounit_signature_count(sig);
	struct biounit_signature_sample prev = { 0 }, cur;
	double sx = (double)r->w / ((double)box.x1 - box.x0);
	double sy = (double)r->h / ((double)box.y1 - box.y0);
	bool have_prev = false, prev_drawn = false;

	cairo_save(cr);
	cairo_rectangle(cr, r->x, r->y, r->w, r->h);
	cairo_clip(cr);
	set_rgb(cr, BIOUNIT_SCREEN_INK_RGB);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	for (size_t i = 0; i < n; i++) {
		double ax, ay, bx, by;

		if (biounit_signature_sample(sig, i, &cur))
			break;
		bx = r->x + (cur.x - (double)box.x0) * sx;
		by = r->y + (cur.y - (double)box.y0) * sy;
		if (cur.pen_down && have_prev && prev.pen_down) {
			ax = r->x + (prev.x - (double)box.x0) * sx;
			ay = r->y + (prev.y - (double)box.y0) * sy;
			cairo_set_line_width(cr, biounit_screen_ink_width(scr, &box,
				(prev.pressure + cur.pressure) / 2));
			cairo_move_to(cr, ax, ay);
			cairo_line_to(cr, bx, by);
			cairo_stroke(cr);
			prev_drawn = true;
		} else if (have_prev && prev.pen_down && !prev_drawn) {
			/* a touch without a move: a dot */
			ax = r->x + (prev.x - (double)box.x0) * sx;
			ay = r->y + (prev.y - (double)box.y0) * sy;
			cairo_arc(cr, ax, ay, biounit_screen_ink_width(scr, &box, prev.pressure) / 2,
				  0, 2 * M_PI);
			cairo_fill(cr);
		}
		if (!cur.pen_down || !(have_prev && prev.pen_down))
			prev_drawn = false;
		prev = cur;
		have_prev = true;
	}
	if (have_prev && prev.pen_down && !prev_drawn) {
		double ax = r->x + (prev.x - (double)box.x0) * sx;
		double ay = r->y + (prev.y - (double)box.y0) * sy;

		cairo_arc(cr, ax, ay, biounit_screen_ink_width(scr, &box, prev.pressure) / 2, 0,
			  2 * M_PI);
		cairo_fill(cr);
	}
	cairo_restore(cr);
}
