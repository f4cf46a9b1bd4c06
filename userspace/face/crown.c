// SPDX-License-Identifier: GPL-2.0
/*
 * Crown from the head's outline: on a light, plain background the top of
 * the head (hair included) is the highest row above the brows where a band
 * across the face's mid-line still differs from the background colour.
 */
#include <math.h>
#include <stdlib.h>

#include "rules.h"

/* A pixel belongs to the head when it differs this much from the background. */
#define CROWN_DIFF 28
/* Share of the band that must differ for a row to count as head. */
#define CROWN_ROW_SHARE 0.25

static void mean_rgb(const struct biounit_image_view *v, uint32_t x0, uint32_t y0, uint32_t w,
		     uint32_t h, double *rgb, double *spread)
{
	unsigned int bpp = biounit_pixfmt_bytes(v->format);
	double s[3] = { 0 }, ss = 0, n = 0;

	for (uint32_t y = y0; y < y0 + h; y++)
		for (uint32_t x = x0; x < x0 + w; x++) {
			const uint8_t *p = v->data + (size_t)y * v->stride + (size_t)x * bpp;

			for (unsigned int c = 0; c < 3; c++)
				s[c] += p[bpp == 3 ? c : 0];
			ss += (double)p[0] * p[0];
			n++;
		}
	for (int c = 0; c < 3; c++)
		rgb[c] = n ? s[c] / n : 0;
	*spread = n ? sqrt(fmax(0, ss / n - rgb[0] * rgb[0])) : 255;
}

/* Returns the crown row, or NAN when the background is not plain enough.
 * The background's colour is taken at the top corners of @near (clipped to
 * the image): where a document crop of this head would have its corners, so
 * that a frame and its crop measure the crown against the same background. */
double face_crown_from_outline(const struct biounit_image_view *v, const struct face_geometry *g,
			       const struct biounit_face_point *p,
			       const struct biounit_face_window *near)
{
	unsigned int bpp = biounit_pixfmt_bytes(v->format);
	double nx0 = fmax(0, near->x), ny0 = fmax(0, near->y);
	double nx1 = fmin(v->width, near->x + near->w), ny1 = fmin(v->height, near->y + near->h);
	uint32_t pw = (uint32_t)fmax(2, (nx1 - nx0) * 0.06), ph = (uint32_t)fmax(2, (ny1 - ny0) * 0.04);
	double left[3], right[3], sl, sr, *bg, brow = fmin(p[19].y, p[24].y);
	double half = 0.6 * g->ied, min_run = fmax(2, 0.02 * (g->chin_y - brow));
	int x0 = (int)fmax(0, g->mid_x - half), x1 = (int)fmin(v->width - 1, g->mid_x + half);
	int run = 0, step = (int)fmax(1, (x1 - x0) / 64);

	if (v->width < 16 || v->height < 16 || x1 <= x0 || brow <= 1 || nx1 - nx0 < 16 ||
	    ny1 - ny0 < 16 || ny0 + ph > v->height)
		return NAN;
	mean_rgb(v, (uint32_t)nx0, (uint32_t)ny0, pw, ph, left, &sl);
	mean_rgb(v, (uint32_t)nx1 - pw, (uint32_t)ny0, pw, ph, right, &sr);
	bg = sl <= sr ? left : right;
	/* Needs a plain, light reference. */
	if (fmin(sl, sr) > 12 || (bg[0] + bg[1] + bg[2]) / 3 < 150)
		return NAN;
	for (int y = (int)brow; y >= 0; y--) {
		int differ = 0, n = 0;

		for (int x = x0; x <= x1; x += step) {
			const uint8_t *q = v->data + (size_t)y * v->stride + (size_t)x * bpp;
			int d = 0;

			for (unsigned int c = 0; c < 3; c++)
				d += abs((int)q[bpp == 3 ? c : 0] - (int)lround(bg[c]));
			differ += d / 3 > CROWN_DIFF;
			n++;
		}
		if (differ < CROWN_ROW_SHARE * n) {
			if (++run >= min_run)
				return y + run - 0.5;
		} else {
			run = 0;
		}
	}
	return NAN;	/* the head reaches the top edge */
}
