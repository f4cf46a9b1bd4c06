// SPDX-License-Identifier: GPL-2.0
/*
 * Gaze: where the iris sits between the eye corners. Inside the polygon of
 * the six eye landmarks, the darkest quarter of the samples is the iris and
 * pupil (with some lashes); its darkness-weighted centre, projected on the
 * corner-to-corner line, gives the offset from the eye's middle as a share
 * of the eye width. Looking into the camera with a frontal head puts the iris
 * in the middle; only the horizontal direction is measured (the lids cover
 * the iris vertically). See docs/face-rules.md.
 */
#include <math.h>
#include <stdlib.h>

#include "rules.h"

#define GAZE_GRID 24		/* samples across the eye width */
#define GAZE_DARK_SHARE 0.25	/* darkest share of the samples taken as iris */
#define GAZE_MIN_EYE_PX 12.0	/* smaller eyes are not judged */
#define SCLERA_SHARE 0.95	/* percentile of the eye's samples: the whites */

static bool in_poly(const struct biounit_face_point *q, int n, double x, double y)
{
	bool in = false;

	for (int i = 0, j = n - 1; i < n; j = i++)
		if ((q[i].y > y) != (q[j].y > y) &&
		    x < (q[j].x - q[i].x) * (y - q[i].y) / (q[j].y - q[i].y) + q[i].x)
			in = !in;
	return in;
}

static int cmp_u8(const void *a, const void *b)
{
	return *(const uint8_t *)a - *(const uint8_t *)b;
}

/* The grey samples inside the eye's polygon (points e[0..5], e[0] and e[3]
 * the corners), GAZE_GRID across the eye, with their positions; their count,
 * or 0 when the eye is too small. */
static int eye_samples(const struct biounit_image_view *v, const struct biounit_face_point *e,
		       uint8_t *vals, double *xs, double *ys)
{
	double w = hypot(e[3].x - e[0].x, e[3].y - e[0].y);
	double x0 = e[0].x, x1 = e[0].x, y0 = e[0].y, y1 = e[0].y, step;
	int n = 0;

	if (!(w >= GAZE_MIN_EYE_PX))
		return 0;
	for (int i = 1; i < 6; i++) {
		x0 = fmin(x0, e[i].x);
		x1 = fmax(x1, e[i].x);
		y0 = fmin(y0, e[i].y);
		y1 = fmax(y1, e[i].y);
	}
	step = w / GAZE_GRID;
	for (double y = y0; y <= y1 && n < GAZE_GRID * GAZE_GRID; y += step)
		for (double x = x0; x <= x1 && n < GAZE_GRID * GAZE_GRID; x += step) {
			if (x < 0 || y < 0 || x >= v->width || y >= v->height || !in_poly(e, 6, x, y))
				continue;
			vals[n] = view_grey_at(v, (uint32_t)x, (uint32_t)y);
			xs[n] = x;
			ys[n] = y;
			n++;
		}
	return n;
}

/* Offset of one eye (points e[0..5], e[0] and e[3] the corners), or NAN. */
static double eye_offset(const struct biounit_image_view *v, const struct biounit_face_point *e)
{
	double ux = e[3].x - e[0].x, uy = e[3].y - e[0].y, w = hypot(ux, uy), thr, sw = 0, sx = 0, sy = 0;
	uint8_t vals[GAZE_GRID * GAZE_GRID], sorted[GAZE_GRID * GAZE_GRID];
	double xs[GAZE_GRID * GAZE_GRID], ys[GAZE_GRID * GAZE_GRID];
	int n = eye_samples(v, e, vals, xs, ys);

	if (n < 20)
		return NAN;
	for (int i = 0; i < n; i++)
		sorted[i] = vals[i];
	qsort(sorted, (size_t)n, 1, cmp_u8);
	thr = sorted[(int)(n * GAZE_DARK_SHARE)] + 1;
	for (int i = 0; i < n; i++) {
		double wgt = thr - vals[i];

		if (wgt <= 0)
			continue;
		sw += wgt;
		sx += wgt * xs[i];
		sy += wgt * ys[i];
	}
	if (sw <= 0)
		return NAN;
	sx /= sw;
	sy /= sw;
	/* Projection on the corner line, from the middle of the corners. */
	return ((sx - (e[0].x + e[3].x) / 2) * ux + (sy - (e[0].y + e[3].y) / 2) * uy) / (w * w);
}

double face_gaze(const struct biounit_image_view *v, const struct biounit_face_point *p)
{
	double l = eye_offset(v, p + 36), r;
	/* The right eye's points run 42 (inner) .. 45 (outer), left to right
	 * in the image like the left eye's 36 (outer) .. 39 (inner). */
	r = eye_offset(v, p + 42);
	if (isnan(l) || isnan(r))
		return NAN;
	return (l + r) / 2;
}

/* The whites of the eyes: the SCLERA_SHARE percentile of the samples inside
 * each eye, the brighter eye; NAN when the eyes are too small or closed. */
double face_eye_whites(const struct biounit_image_view *v, const struct biounit_face_point *p)
{
	double best = NAN;

	for (int k = 0; k < 2; k++) {
		uint8_t vals[GAZE_GRID * GAZE_GRID];
		double xs[GAZE_GRID * GAZE_GRID], ys[GAZE_GRID * GAZE_GRID];
		int n = eye_samples(v, p + (k ? 42 : 36), vals, xs, ys);

		if (n < 20)
			continue;
		qsort(vals, (size_t)n, 1, cmp_u8);
		best = isnan(best) ? vals[(int)(n * SCLERA_SHARE)] : fmax(best, vals[(int)(n * SCLERA_SHARE)]);
	}
	return best;
}
