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
 * The sample columns are the same for every row, so they are worked out once
 * (an 8-megapixel still is resampled for every full check: issue 5).
 */
int grey_raster_resample(const struct biounit_image_view *v, double sx, double sy, double sw,
			 double sh, uint32_t dw, uint32_t dh, uint8_t fill, struct grey_raster *out)
{
	const unsigned int bpp = v->format == BIOUNIT_PIX_GREY ? 1 : 3;
	double fx = sw / dw, fy = sh / dh;
	int nx = (int)ceil(fx), ny = (int)ceil(fy);
	size_t *cols;
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
	/* Per destination column: byte offsets of its samples inside the
	 * image first, then how many there are, in cols[x * 5 + 4]. */
	cols = malloc((size_t)dw * 5 * sizeof(*cols));
	if (!cols) {
		grey_raster_release(out);
		return -ENOMEM;
	}
	for (uint32_t x = 0; x < dw; x++) {
		size_t *c = &cols[(size_t)x * 5], k = 0;

		for (int i = 0; i < nx; i++) {
			int xs = (int)floor(sx + (x + (i + 0.5) / nx) * fx);

			if (xs >= 0 && xs < (int)v->width)
				c[k++] = (size_t)xs * bpp;
		}
		c[4] = k;
	}
	for (uint32_t y = 0; y < dh; y++) {
		const uint8_t *rows[4];
		uint8_t *d = out->px + (size_t)y * dw;
		unsigned int nr = 0;

		for (int j = 0; j < ny; j++) {
			int ys = (int)floor(sy + (y + (j + 0.5) / ny) * fy);

			if (ys >= 0 && ys < (int)v->height)
				rows[nr++] = v->data + (size_t)ys * v->stride;
		}
		for (uint32_t x = 0; x < dw; x++) {
			const size_t *c = &cols[(size_t)x * 5];
			unsigned int sum = 0, cnt = (unsigned int)c[4] * nr;

			if (bpp == 1) {
				for (size_t i = 0; i < c[4]; i++)
					for (unsigned int j = 0; j < nr; j++)
						sum += rows[j][c[i]];
			} else {
				for (size_t i = 0; i < c[4]; i++)
					for (unsigned int j = 0; j < nr; j++) {
						const uint8_t *p = rows[j] + c[i];

						/* Luma as view_grey_at(), sample by sample. */
						sum += (unsigned int)(p[0] + p[1] + p[2]) / 3;
					}
			}
			d[x] = cnt ? (uint8_t)((sum + cnt / 2) / cnt) : fill;
		}
	}
	free(cols);
	return 0;
}
