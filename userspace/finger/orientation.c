// SPDX-License-Identifier: GPL-2.0
/*
 * Block grey statistics, ridge orientation, coherence and orientation
 * certainty level (OCL) from the covariance of Sobel gradients
 * (ISO/IEC 29794-4 OCL; NFIQ 2 "OCL": 1 - lambda_min / lambda_max).
 */
#include <math.h>
#include "finger_internal.h"

void fq_block_orientation(const struct fq_image *img, uint32_t x0, uint32_t y0, uint32_t bs,
			  struct biounit_finger_block *b)
{
	uint32_t x1 = x0 + bs < img->w ? x0 + bs : img->w;
	uint32_t y1 = y0 + bs < img->h ? y0 + bs : img->h;
	uint64_t sum = 0, sum2 = 0;
	double gxx = 0, gyy = 0, gxy = 0;
	uint32_t n = (x1 - x0) * (y1 - y0);

	for (uint32_t y = y0; y < y1; y++) {
		const uint8_t *row = img->px + (size_t)y * img->stride;
		int inner_y = y > 0 && y + 1 < img->h;
		const uint8_t *up = inner_y ? row - img->stride : row;
		const uint8_t *dn = inner_y ? row + img->stride : row;

		for (uint32_t x = x0; x < x1; x++) {
			sum += row[x];
			sum2 += (uint32_t)row[x] * row[x];
			if (!inner_y || x == 0 || x + 1 >= img->w)
				continue;
			int gx = (up[x + 1] + 2 * row[x + 1] + dn[x + 1]) -
				 (up[x - 1] + 2 * row[x - 1] + dn[x - 1]);
			int gy = (dn[x - 1] + 2 * dn[x] + dn[x + 1]) -
				 (up[x - 1] + 2 * up[x] + up[x + 1]);
			gxx += (double)(gx * gx);
			gyy += (double)(gy * gy);
			gxy += (double)(gx * gy);
		}
	}
	b->mean = n ? (float)((double)sum / n) : 0.f;
	b->stddev = n ? (float)sqrt(fmax(0.0, (double)sum2 / n - (double)b->mean * b->mean)) : 0.f;

	double tr = gxx + gyy;
	double root = sqrt((gxx - gyy) * (gxx - gyy) + 4 * gxy * gxy);
	double lmax = (tr + root) / 2, lmin = (tr - root) / 2;
	/* gradients are across the ridges; the ridges run at right angles */
	double theta = 0.5 * atan2(2 * gxy, gxx - gyy) + M_PI / 2;

	if (theta >= M_PI)
		theta -= M_PI;
	if (theta < 0)
		theta += M_PI;
	b->orientation_deg = (float)(theta * 180.0 / M_PI);
	if (b->orientation_deg >= 180.f)
		b->orientation_deg = 0.f;
	b->coherence = tr > 0 ? (float)(root / tr) : 0.f;
	b->ocl = lmax > 0 ? (float)(1.0 - lmin / lmax) : 0.f;
}
