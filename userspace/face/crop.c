// SPDX-License-Identifier: GPL-2.0
/*
 * Document crop: the 35:45 window the check chose (window.c), which lies
 * inside the source and meets every geometry rule; only source pixels are
 * used (nothing is invented beyond the camera's frame). Each output pixel
 * averages up to 3x3 source samples of its footprint, clamped to the source.
 */
#include <errno.h>
#include <math.h>

#include "face/face.h"

int biounit_face_crop(const struct biounit_image_view *v, const struct biounit_face_verdict *verdict,
		      uint32_t out_h, struct biounit_image **out)
{
	double cx, cy, f;
	uint32_t out_w, bpp;
	struct biounit_image *img;
	uint8_t *dst;
	int n, ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!verdict || !verdict->have_face || !out || out_h < 45 || out_h > 20000)
		return -EINVAL;
	if (!verdict->crop_fits)
		return -ERANGE;
	cx = verdict->crop.x;
	cy = verdict->crop.y;
	/* the window must be the source's own pixels (0.5 px of rounding) */
	if (!(verdict->crop.h > 1) || cx < -0.5 || cy < -0.5 ||
	    cx + verdict->crop.w > v->width + 0.5 || cy + verdict->crop.h > v->height + 0.5)
		return -ERANGE;
	out_w = (uint32_t)lround(out_h * 35.0 / 45.0);
	bpp = biounit_pixfmt_bytes(v->format);
	ret = biounit_image_new(out_w, out_h, v->format, &img);
	if (ret)
		return ret;
	dst = biounit_image_data(img);
	f = verdict->crop.h / out_h;
	n = f > 2 ? 3 : f > 1 ? 2 : 1;
	for (uint32_t y = 0; y < out_h; y++)
		for (uint32_t x = 0; x < out_w; x++) {
			unsigned int sum[3] = { 0 }, cnt = 0;

			for (int j = 0; j < n; j++)
				for (int i = 0; i < n; i++) {
					double sx = cx + (x + (i + 0.5) / n) * f;
					double sy = cy + (y + (j + 0.5) / n) * f;
					uint32_t ix = sx <= 0 ? 0 : sx >= v->width ? v->width - 1 : (uint32_t)sx;
					uint32_t iy = sy <= 0 ? 0 : sy >= v->height ? v->height - 1 : (uint32_t)sy;
					const uint8_t *p = v->data + (size_t)iy * v->stride + (size_t)ix * bpp;

					for (uint32_t c = 0; c < bpp; c++)
						sum[c] += p[c];
					cnt++;
				}
			for (uint32_t c = 0; c < bpp; c++)
				dst[((size_t)y * out_w + x) * bpp + c] =
					(uint8_t)((sum[c] + cnt / 2) / cnt);
		}
	*out = img;
	return 0;
}
