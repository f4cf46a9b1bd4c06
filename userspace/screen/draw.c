// SPDX-License-Identifier: GPL-2.0
/*
 * Pixels and shapes shared by the scenes: a camera frame or a photo scaled
 * into a rectangle of the screen (nearest sample, so that a screen pixel is
 * exactly one frame pixel: what the tests and the VM check compare), and
 * the fitting of rectangles.
 */
#include <math.h>

#include "screen_internal.h"

void draw_view(uint32_t *px, uint32_t stride, const struct biounit_screen_rect *r,
	       const struct biounit_image_view *v, bool mirror)
{
	unsigned int bpp = v->format == BIOUNIT_PIX_RGB24 ? 3 : 1;

	for (int32_t y = 0; y < r->h; y++) {
		const uint8_t *src = v->data + (size_t)((uint64_t)y * v->height / r->h) * v->stride;
		uint32_t *dst = (uint32_t *)((uint8_t *)px + (size_t)(r->y + y) * stride) + r->x;

		for (int32_t x = 0; x < r->w; x++) {
			uint32_t sx = (uint32_t)((uint64_t)x * v->width / r->w);
			const uint8_t *s;

			if (mirror)
				sx = v->width - 1 - sx;
			s = src + (size_t)sx * bpp;
			dst[x] = bpp == 3 ? (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2]
					  : (uint32_t)s[0] * 0x010101u;
		}
	}
}

struct biounit_screen_rect fit_rect(const struct biounit_screen_rect *in, double fw, double fh)
{
	struct biounit_screen_rect r;

	if (in->w * fh <= in->h * fw) {
		r.w = in->w;
		r.h = (int32_t)floor(in->w * fh / fw);
	} else {
		r.h = in->h;
		r.w = (int32_t)floor(in->h * fw / fh);
	}
	if (r.w < 1)
		r.w = 1;
	if (r.h < 1)
		r.h = 1;
	r.x = in->x + (in->w - r.w) / 2;
	r.y = in->y + (in->h - r.h) / 2;
	return r;
}

void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}
