/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the face module: small grey rasters and resampling. */
#ifndef BIOUNIT_FACE_RASTER_H
#define BIOUNIT_FACE_RASTER_H

#include <stdint.h>
#include <biounit/image.h>

/* An owned, packed 8-bit grey raster. */
struct grey_raster {
	uint8_t *px;
	uint32_t w, h;
};

/* Allocates @r of w x h (contents undefined). 0 or -ENOMEM/-EINVAL. */
int grey_raster_alloc(struct grey_raster *r, uint32_t w, uint32_t h);
void grey_raster_release(struct grey_raster *r);

/* Luma of one pixel of @v, (R + G + B) / 3 like dlib's training code. */
static inline uint8_t view_grey_at(const struct biounit_image_view *v, uint32_t x, uint32_t y)
{
	const uint8_t *p = v->data + (size_t)y * v->stride;

	if (v->format == BIOUNIT_PIX_GREY)
		return p[x];
	p += 3 * (size_t)x;
	return (uint8_t)((p[0] + p[1] + p[2]) / 3);
}

/*
 * Area-average the rectangle (sx, sy, sw, sh) of @v (in source pixels, may be
 * fractional, clipped to the image) into a new grey raster of dw x dh.
 * Pixels outside the source are filled with @fill.
 */
int grey_raster_resample(const struct biounit_image_view *v, double sx, double sy, double sw,
			 double sh, uint32_t dw, uint32_t dh, uint8_t fill, struct grey_raster *out);

#endif
