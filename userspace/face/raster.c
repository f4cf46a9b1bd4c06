// SPDX-License-Identifier: GPL-2.0
/* Grey rasters and area-averaging resampling from an image view. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "raster.h"

int grey_raster_alloc(struct grey_raster *r, uint32_t w, uint32_t h)
{
	if (!w || !h || (uint64_t)w * h > BIOUNIT_IMAGE_MAX_PIXELS)
		return -EINVAL;
	r->px = malloc((size_t)w * h);
	if (!r->px)
		return -ENOMEM;
	r->w = w;
	r->h = h;
	return 0;
}

void grey_raster_release(struct grey_raster *r)
{
	free(r->px);
	r->px = NULL;
	r->w = r->h = 0;
}

/*
 * Each destination pixel averages a grid of up to 4x4 source samples spread
 * over its footprint: exact enough for detection and statistics, and it reads
 * at most 16 source pixels per output pixel however large the source is.
 */
int grey_raster_resample(const struct biounit_image_view *v, double sx, double sy, double sw,
			 double sh, uint32_t dw, uint32_t dh, uint8_t fill, struct grey_raster *out)
{
	double fx = sw / dw, fy = sh / dh;
	int nx = (int)ceil(fx), ny = (int)ceil(fy);
	int ret = grey_raster_alloc(out, dw, dh);

	if (ret)
		return ret;
	if (nx < 1)
		nx = 1;
	if (ny < 1)
		ny = 1;
	if (nx > 4)
		nx = 4;
	if (ny > 4)
		ny = 4;
	for (uint32_t y = 0; y < dh; y++) {
		int ys[4];

		for (int j = 0; j < ny; j++)
			ys[j] = (int)floor(sy + (y + (j + 0.5) / ny) * fy);
		for (uint32_t x = 0; x < dw; x++) {
			unsigned int sum = 0, cnt = 0;

			for (int i = 0; i < nx; i++) {
				int xs = (int)floor(sx + (x + (i + 0.5) / nx) * fx);

				if (xs < 0 || xs >= (int)v->width)
					continue;
				for (int j = 0; j < ny; j++) {
					if (ys[j] < 0 || ys[j] >= (int)v->height)
						continue;
					sum += view_grey_at(v, (uint32_t)xs, (uint32_t)ys[j]);
					cnt++;
				}
			}
			out->px[(size_t)y * dw + x] = cnt ? (uint8_t)((sum + cnt / 2) / cnt) : fill;
		}
	}
	return 0;
}
