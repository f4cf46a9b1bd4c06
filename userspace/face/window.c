// SPDX-License-Identifier: GPL-2.0
/*
 * The document crop's window: a 35:45 rectangle inside the image in which
 * the head meets every geometry rule the check applies (head height share,
 * head width share, centring, eye line, head in frame, resolution). Only
 * windows inside the image count: the crop never shows a pixel the camera
 * did not see. Where none fits, the advice says which way to move.
 */
#include <math.h>

#include "rules.h"

#define ASPECT (35.0 / 45.0)
#define STEPS 256
/* margins tried: tol, (n-1)/n tol, ..., 1/n tol, then none */
#define MARGIN_STEPS 8

struct band {
	double lo, hi;
};

static struct band narrowed(double lo, double hi, double tol)
{
	struct band b = { lo + tol * (hi - lo), hi - tol * (hi - lo) };

	return b;
}

/* Squared distance from the band's centre in half-widths. */
static double off(double x, struct band b)
{
	double c = (b.lo + b.hi) / 2, hw = (b.hi - b.lo) / 2;

	return hw > 0 ? ((x - c) / hw) * ((x - c) / hw) : 0;
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * For a window of height @wh: the range of left edges allowed by the
 * centring rule and by the image, and of top edges allowed by the eye line,
 * the head margins and the image. Returns how far (pixels) the rule ranges
 * lie outside the image ranges: < 0 left/up of it, > 0 right/down of it.
 */
static void place(const struct face_limits *L, const struct face_head *h, double W, double H,
		  double wh, double tol, double *x, double *y, double *dx, double *dy, double *cost)
{
	double ww = wh * ASPECT;
	struct band c = narrowed(L->centre_min, L->centre_max, tol);
	struct band e = narrowed(L->eye_line_min, L->eye_line_max, tol);
	double margin = L->head_margin_min + tol * 0.05;
	double xlo = h->mid_x - c.hi * ww, xhi = h->mid_x - c.lo * ww;
	double ylo = fmax(h->eye_y - (1 - e.lo) * wh, h->chin_y - (1 - margin) * wh);
	double yhi = fmin(h->eye_y - (1 - e.hi) * wh, h->crown_y - margin * wh);
	double xc = h->mid_x - (c.lo + c.hi) / 2 * ww, yc = h->eye_y - (1 - (e.lo + e.hi) / 2) * wh;

	/* the rule's range against [0, W - ww] and [0, H - wh] */
	*dx = xhi < 0 ? xhi : xlo > W - ww ? xlo - (W - ww) : 0;
	*dy = yhi < ylo ? NAN : yhi < 0 ? yhi : ylo > H - wh ? ylo - (H - wh) : 0;
	*x = clampd(clampd(xc, xlo, xhi), 0, W - ww);
	*y = clampd(clampd(yc, ylo, yhi), 0, H - wh);
	*cost = off((h->mid_x - *x) / ww, c) + off((*y + wh - h->eye_y) / wh, e);
}

static bool solve_at(const struct face_limits *L, double head_min, const struct face_head *h,
		     double W, double H, double min_h, double tol, struct biounit_face_window *win,
		     int *advice)
{
	struct band hs = narrowed(head_min, L->face_height_max, tol);
	/* The width comes from two jaw landmarks, which a re-check finds again
	 * within about 1 %; the height's crown moves more: a quarter of the margin. */
	struct band ws = narrowed(L->head_width_min, L->head_width_max, tol / 4);
	double head_h = h->chin_y - h->crown_y;
	/* window heights allowed by the head height and the head width */
	double lo = fmax(head_h / hs.hi, h->head_w / (ws.hi * ASPECT));
	double hi = fmin(head_h / hs.lo, h->head_w / (ws.lo * ASPECT));
	double best = INFINITY, worst_dx = 0, worst_dy = 0, least = INFINITY;
	bool placeable = false;

	*advice = BIOUNIT_FACE_ADVICE_OK;
	if (!(head_h > 0) || !(h->head_w > 0) || !(W > 0) || !(H > 0)) {
		*advice = BIOUNIT_FACE_ADVICE_NO_FACE;
		return false;
	}
	if (lo > hi) {
		/* no window height meets both the head height and the head width */
		*advice = BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS;
		return false;
	}
	if (hi < min_h) {
		*advice = BIOUNIT_FACE_ADVICE_COME_CLOSER;
		return false;
	}
	lo = fmax(lo, min_h);
	if (lo > H || lo * ASPECT > W) {
		*advice = BIOUNIT_FACE_ADVICE_STEP_BACK;
		return false;
	}
	hi = fmin(hi, fmin(H, W / ASPECT));
	for (int i = 0; i <= STEPS; i++) {
		double wh = lo + (hi - lo) * i / STEPS, x, y, dx, dy, cost;

		place(L, h, W, H, wh, tol, &x, &y, &dx, &dy, &cost);
		if (isnan(dy))
			continue;	/* eye line and head margins conflict at this size */
		placeable = true;
		if (dx == 0 && dy == 0) {
			cost += off(head_h / wh, hs) + off(h->head_w / (wh * ASPECT), ws);
			if (cost < best) {
				best = cost;
				win->x = (float)x;
				win->y = (float)y;
				win->w = (float)(wh * ASPECT);
				win->h = (float)wh;
			}
		} else if (fabs(dx) / wh + fabs(dy) / wh < least) {
			least = fabs(dx) / wh + fabs(dy) / wh;
			worst_dx = dx;
			worst_dy = dy;
		}
	}
	if (isfinite(best))
		return true;
	/* The nearest window misses the image: move the head the other way.
	 * Face too far image-left (dx < 0) -> the applicant moves to image right,
	 * as the preview advises (see preview.c). */
	if (!placeable)
		*advice = BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS;
	else if (fabs(worst_dx) >= fabs(worst_dy))
		*advice = worst_dx < 0 ? BIOUNIT_FACE_ADVICE_MOVE_RIGHT : BIOUNIT_FACE_ADVICE_MOVE_LEFT;
	else
		*advice = worst_dy < 0 ? BIOUNIT_FACE_ADVICE_MOVE_DOWN : BIOUNIT_FACE_ADVICE_MOVE_UP;
	return false;
}

/*
 * The widest safety margin at which a window fits: @tol of each band's width,
 * then less, down to none (the rules' own bands). A head whose height and
 * width fit the template only near its limits is framed at those limits
 * rather than refused for a margin the rules do not have; the pipeline's
 * re-check of the crop then decides (biounit_face_check_frame()). When none
 * fits even without a margin, the advice is the rules' own.
 */
bool face_window_solve(const struct face_limits *L, double head_min, const struct face_head *h,
		       double W, double H, double min_h, double tol, struct biounit_face_window *win,
		       int *advice)
{
	for (int k = 0; k < MARGIN_STEPS; k++)
		if (solve_at(L, head_min, h, W, H, min_h, tol * (MARGIN_STEPS - k) / MARGIN_STEPS,
			     win, advice))
			return true;
	return solve_at(L, head_min, h, W, H, min_h, 0, win, advice);
}
