// SPDX-License-Identifier: GPL-2.0
/* Area-average resampling (each output pixel is the mean of the input area it
 * covers, fractional edges weighted), separable: rows first, then columns.
 * Used to bring the document crop to the chip's image size. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "records_internal.h"

/* Weights of one output sample: input indices first..first+count-1. */
struct span {
	uint32_t first, count;
	float *w;
};

static int make_spans(uint32_t in, uint32_t out, struct span **spans_out, float **weights_out)
{
	double scale = (double)in / out;
	uint32_t per = (uint32_t)ceil(scale) + 2;
	struct span *spans = calloc(out, sizeof(*spans));
	float *weights = calloc((size_t)out * per, sizeof(*weights));

	if (!spans || !weights) {
		free(spans);
		free(weights);
		return -ENOMEM;
	}
	for (uint32_t o = 0; o < out; o++) {
		double a = o * scale, b = (o + 1) * scale, sum = 0;
		uint32_t first = (uint32_t)floor(a), last = (uint32_t)ceil(b);

		if (scale < 1) {	/* enlarging: linear interpolation between neighbours */
			double c = (o + 0.5) * scale - 0.5;

			if (c < 0)
				c = 0;
			first = (uint32_t)floor(c);
			last = first + 2;
			if (last > in)
				last = in;
			spans[o].first = first;
			spans[o].count = last - first;
			spans[o].w = weights + (size_t)o * per;
			spans[o].w[0] = (float)(1 - (c - first));
			if (spans[o].count > 1)
				spans[o].w[1] = (float)(c - first);
			else
				spans[o].w[0] = 1;
			continue;
		}
		if (last > in)
			last = in;
		spans[o].first = first;
		spans[o].count = last - first;
		spans[o].w = weights + (size_t)o * per;
		for (uint32_t i = first; i < last; i++) {
			double lo = i > a ? i : a, hi = i + 1 < b ? i + 1 : b;

			spans[o].w[i - first] = (float)(hi - lo);
			sum += hi - lo;
		}
		for (uint32_t i = 0; i < spans[o].count; i++)
			spans[o].w[i] = (float)(spans[o].w[i] / sum);
	}
	*spans_out = spans;
	*weights_out = weights;
	return 0;
}

int rec_resample(const struct biounit_image_view *v, uint32_t w, uint32_t h,
		 struct biounit_image **out)
{
	unsigned int bpp = biounit_pixfmt_bytes(v->format);
	struct span *xs = NULL, *ys = NULL;
	float *xw = NULL, *yw = NULL, *tmp = NULL;
	struct biounit_image *img = NULL;
	uint8_t *dst;
	int ret;

	ret = biounit_image_view_check(v);
	if (ret)
		return ret;
	ret = make_spans(v->width, w, &xs, &xw);
	if (!ret)
		ret = make_spans(v->height, h, &ys, &yw);
	if (!ret) {
		tmp = malloc((size_t)w * v->height * bpp * sizeof(*tmp));
		ret = tmp ? biounit_image_new(w, h, v->format, &img) : -ENOMEM;
	}
	if (ret)
		goto out;
	for (uint32_t y = 0; y < v->height; y++) {
		const uint8_t *row = v->data + (size_t)y * v->stride;

		for (uint32_t x = 0; x < w; x++)
			for (unsigned int c = 0; c < bpp; c++) {
				float acc = 0;

				for (uint32_t k = 0; k < xs[x].count; k++)
					acc += xs[x].w[k] * row[(size_t)(xs[x].first + k) * bpp + c];
				tmp[((size_t)y * w + x) * bpp + c] = acc;
			}
	}
	dst = biounit_image_data(img);
	for (uint32_t y = 0; y < h; y++)
		for (size_t i = 0; i < (size_t)w * bpp; i++) {
			float acc = 0;

			for (uint32_t k = 0; k < ys[y].count; k++)
				acc += ys[y].w[k] * tmp[(size_t)(ys[y].first + k) * w * bpp + i];
			dst[(size_t)y * w * bpp + i] = (uint8_t)lrintf(acc < 0 ? 0 : acc > 255 ? 255 : acc);
		}
	*out = img;
	img = NULL;
out:
	biounit_image_free(img);
	free(tmp);
	free(xs);
	free(xw);
	free(ys);
	free(yw);
	return ret;
}
