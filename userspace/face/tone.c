// SPDX-License-Identifier: GPL-2.0
/* Exposure, clipping and dynamic range of the inner face. */
#include <math.h>
#include <string.h>

#include "rules.h"

/* The inner face: between the outer eye corners, from the brows to the
 * upper lip, sampled on a 48x48 grid in the eye-line frame. */
void face_tone(const struct biounit_image_view *v, const struct biounit_face_point *p,
	       struct tone_stats *out)
{
	unsigned int hist[256] = { 0 }, n = 0, clipped = 0, acc = 0;
	double ax = p[36].x, ay = p[36].y, bx = p[45].x, by = p[45].y;
	double ux = bx - ax, uy = by - ay;		/* across the face */
	double dx = p[51].x - (ax + bx) / 2, dy = p[51].y - (ay + by) / 2; /* down to the lip */
	double sum = 0, rgb[3] = { 0 };

	memset(out, 0, sizeof(*out));
	for (int j = 0; j < 48; j++)
		for (int i = 0; i < 48; i++) {
			double fu = (i + 0.5) / 48, fv = -0.35 + 1.25 * (j + 0.5) / 48;
			double x = ax + fu * ux + fv * dx, y = ay + fu * uy + fv * dy;
			const uint8_t *q;
			int l, mx;

			if (x < 0 || y < 0 || x >= v->width || y >= v->height)
				continue;
			q = v->data + (size_t)y * v->stride;
			if (v->format == BIOUNIT_PIX_GREY) {
				l = mx = q[(size_t)x];
				rgb[0] += l;
				rgb[1] += l;
				rgb[2] += l;
			} else {
				q += 3 * (size_t)x;
				rgb[0] += q[0];
				rgb[1] += q[1];
				rgb[2] += q[2];
				l = (q[0] + q[1] + q[2]) / 3;
				mx = q[0] > q[1] ? q[0] : q[1];
				mx = q[2] > mx ? q[2] : mx;
			}
			hist[l]++;
			sum += l;
			n++;
			if (mx >= 250)
				clipped++;
		}
	if (!n)
		return;
	out->mean_l = sum / n;
	out->clipped = (double)clipped / n;
	for (int c = 0; c < 3; c++)
		out->rgb[c] = rgb[c] / n;
	{
		int lo = -1, hi = -1, med = -1, top = -1;
		unsigned int dark = 0;

		for (int k = 0; k < 256; k++) {
			acc += hist[k];
			if (k <= 25)
				dark += hist[k];
			if (lo < 0 && acc >= n * 0.05)
				lo = k;
			if (med < 0 && acc >= n * 0.5)
				med = k;
			if (hi < 0 && acc >= n * 0.95)
				hi = k;
			if (top < 0 && acc >= n * 0.99)
				top = k;
			if (hist[k])
				out->entropy -= (double)hist[k] / n * log2((double)hist[k] / n);
		}
		out->range = hi - lo;
		out->dark = (double)dark / n;
		out->p50 = med;
		out->p99 = top;
	}
}
