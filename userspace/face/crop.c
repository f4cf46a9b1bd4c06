// SPDX-License-Identifier: GPL-2.0
/*
 * Document crop: 35:45 (width:height) around the face, head (crown to chin)
 * 75 % of the height (ICAO 9303-3: 70-80 %), crown 10 % below the top edge,
 * centred on the midpoint of the eyes. Pixels outside the source are white.
 * Each output pixel averages up to 3x3 source samples of its footprint.
 */
#include <errno.h>
#include <math.h>

#include <biounit/face.h>

#define CROP_HEAD_SHARE 0.75
#define CROP_CROWN_MARGIN 0.10

int biounit_face_crop(const struct biounit_image_view *v, const struct biounit_face_verdict *verdict,
		      uint32_t out_h, struct biounit_image **out)
{
	double head_h, ch, cw, cx, cy, f;
	uint32_t out_w, bpp;
	struct biounit_image *img;
	uint8_t *dst;
	int n, ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!verdict || !verdict->have_face || !out || out_h < 45 || out_h > 20000)
		return -EINVAL;
	head_h = verdict->chin_y - verdict->crown_y;
	if (!(head_h > 1))
		return -EINVAL;
	ch = head_h / CROP_HEAD_SHARE;
	cw = ch * 35.0 / 45.0;
	cx = (verdict->eye_left.x + verdict->eye_right.x) / 2 - cw / 2;
	cy = verdict->crown_y - CROP_CROWN_MARGIN * ch;
	out_w = (uint32_t)lround(out_h * 35.0 / 45.0);
	bpp = biounit_pixfmt_bytes(v->format);
	ret = biounit_image_new(out_w, out_h, v->format, &img);
	if (ret)
		return ret;
	dst = biounit_image_data(img);
	f = ch / out_h;
	n = f > 2 ? 3 : f > 1 ? 2 : 1;
	for (uint32_t y = 0; y < out_h; y++)
		for (uint32_t x = 0; x < out_w; x++) {
			unsigned int sum[3] = { 0 }, cnt = 0;

			for (int j = 0; j < n; j++)
				for (int i = 0; i < n; i++) {
					double sx = cx + (x + (i + 0.5) / n) * f;
					double sy = cy + (y + (j + 0.5) / n) * f;
					const uint8_t *p;

					if (sx < 0 || sy < 0 || sx >= v->width || sy >= v->height)
						continue;
					p = v->data + (size_t)sy * v->stride + (size_t)sx * bpp;
					for (uint32_t c = 0; c < bpp; c++)
						sum[c] += p[c];
					cnt++;
				}
			for (uint32_t c = 0; c < bpp; c++)
				dst[((size_t)y * out_w + x) * bpp + c] =
					cnt ? (uint8_t)((sum[c] + cnt / 2) / cnt) : 255;
		}
	*out = img;
	return 0;
}
