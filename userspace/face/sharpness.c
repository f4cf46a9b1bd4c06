// SPDX-License-Identifier: GPL-2.0
/*
 * Sharpness: the face (brows to chin, jaw to jaw) is resampled so that the
 * inter-eye distance is 40 pixels, then the mean absolute Laplacian is divided
 * by the brightness spread. Resampling to a fixed face scale makes the score
 * independent of the photo's resolution: blur that is small compared with the
 * face hardly shows, blur of a few percent of the face does.
 */
#include <math.h>
#include <stdlib.h>

#include "rules.h"

#define SHARP_IED 40.0

double face_sharpness(const struct biounit_image_view *v, const struct biounit_face_point *p)
{
	struct biounit_face_point el = p[36], er = p[45];
	double ied = hypot(er.x - el.x, er.y - el.y) * 0.75; /* outer corners to centres */
	double x0 = p[0].x, x1 = p[16].x, y0 = fmin(p[19].y, p[24].y), y1 = p[8].y;
	double scale, lap = 0, s = 0, ss = 0;
	struct grey_raster r;
	uint32_t w, h, n = 0;

	if (ied < 1 || x1 <= x0 || y1 <= y0)
		return 0;
	scale = SHARP_IED / ied;
	/* Inner part only: skip the jaw edge and hair. */
	{
		double fw = x1 - x0;

		x0 += 0.15 * fw;
		x1 -= 0.15 * fw;
	}
	w = (uint32_t)fmax(8, (x1 - x0) * scale);
	h = (uint32_t)fmax(8, (y1 - y0) * scale);
	if (grey_raster_resample(v, x0, y0, x1 - x0, y1 - y0, w, h, 128, &r))
		return 0;
	for (uint32_t y = 1; y + 1 < h; y++)
		for (uint32_t x = 1; x + 1 < w; x++) {
			const uint8_t *c = r.px + (size_t)y * w + x;
			int l = 4 * c[0] - c[-1] - c[1] - c[-(int)w] - c[w];

			lap += abs(l);
			s += c[0];
			ss += (double)c[0] * c[0];
			n++;
		}
	grey_raster_release(&r);
	if (!n)
		return 0;
	s /= n;
	return (lap / n) / (sqrt(fmax(0, ss / n - s * s)) + 4.0) * 100.0;
}
