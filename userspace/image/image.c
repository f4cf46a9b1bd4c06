// SPDX-License-Identifier: GPL-2.0
/* Owned image buffers and views. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"

struct biounit_image {
	uint32_t width, height, stride;
	enum biounit_pixfmt format;
	uint8_t *pixels;
};

unsigned int biounit_pixfmt_bytes(enum biounit_pixfmt fmt)
{
	switch (fmt) {
	case BIOUNIT_PIX_GREY:
		return 1;
	case BIOUNIT_PIX_RGB24:
		return 3;
	case BIOUNIT_PIX_XBGR32:
		return 4;
	}
	return 0;
}

int biounit_image_check_size(uint64_t w, uint64_t h)
{
	if (w == 0 || h == 0)
		return -EINVAL;
	if (w > BIOUNIT_IMAGE_MAX_SIDE || h > BIOUNIT_IMAGE_MAX_SIDE ||
	    w * h > BIOUNIT_IMAGE_MAX_PIXELS)
		return -EFBIG;
	return 0;
}

/* A valid view of any known format */
static int view_check_any(const struct biounit_image_view *v)
{
	unsigned int bpp;
	int ret;

	if (!v || !v->data)
		return -EINVAL;
	bpp = biounit_pixfmt_bytes(v->format);
	if (!bpp)
		return -EINVAL;
	ret = biounit_image_check_size(v->width, v->height);
	if (ret)
		return ret;
	if ((uint64_t)v->stride < (uint64_t)v->width * bpp)
		return -EINVAL;
	return 0;
}

int biounit_image_view_check(const struct biounit_image_view *v)
{
	int ret = view_check_any(v);

	/* the readers of views know one and three bytes a pixel, nothing else */
	if (!ret && v->format == BIOUNIT_PIX_XBGR32)
		return -ENOTSUP;
	return ret;
}

int biounit_image_convert(const struct biounit_image_view *src, struct biounit_image *dst)
{
	unsigned int sb, db;
	int ret = view_check_any(src);

	if (ret)
		return ret == -EFBIG ? -EINVAL : ret;
	if (!dst || dst->width != src->width || dst->height != src->height)
		return -EINVAL;
	if (dst->format == BIOUNIT_PIX_GREY && src->format != BIOUNIT_PIX_GREY)
		return -ENOTSUP;
	sb = biounit_pixfmt_bytes(src->format);
	db = biounit_pixfmt_bytes(dst->format);
	for (uint32_t y = 0; y < src->height; y++) {
		const uint8_t *s = src->data + (size_t)y * src->stride;
		uint8_t *d = dst->pixels + (size_t)y * dst->stride;

		/* the same format is copied, but XBGR32's X byte is made 0xff */
		if (src->format == dst->format && src->format != BIOUNIT_PIX_XBGR32) {
			memcpy(d, s, (size_t)src->width * sb);
			continue;
		}
		for (uint32_t x = 0; x < src->width; x++, s += sb, d += db) {
			uint8_t r, g, b;

			if (src->format == BIOUNIT_PIX_GREY) {
				r = g = b = s[0];
			} else if (src->format == BIOUNIT_PIX_RGB24) {
				r = s[0], g = s[1], b = s[2];
			} else {
				b = s[0], g = s[1], r = s[2];
			}
			if (dst->format == BIOUNIT_PIX_RGB24) {
				d[0] = r, d[1] = g, d[2] = b;
			} else {
				d[0] = b, d[1] = g, d[2] = r, d[3] = 0xff;
			}
		}
	}
	return 0;
}

int biounit_image_new(uint32_t w, uint32_t h, enum biounit_pixfmt fmt,
		      struct biounit_image **out)
{
	struct biounit_image *img;
	unsigned int bpp = biounit_pixfmt_bytes(fmt);
	int ret;

	if (!out || !bpp)
		return -EINVAL;
	ret = biounit_image_check_size(w, h);
	if (ret)
		return ret;
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->width = w;
	img->height = h;
	img->stride = w * bpp;
	img->format = fmt;
	img->pixels = calloc((size_t)img->stride, h);
	if (!img->pixels) {
		free(img);
		return -ENOMEM;
	}
	*out = img;
	return 0;
}

struct biounit_image_view biounit_image_get_view(const struct biounit_image *img)
{
	struct biounit_image_view v = { 0 };

	if (!img)
		return v;
	v.data = img->pixels;
	v.width = img->width;
	v.height = img->height;
	v.stride = img->stride;
	v.format = img->format;
	return v;
}

uint8_t *biounit_image_data(struct biounit_image *img)
{
	return img ? img->pixels : NULL;
}

void biounit_image_free(struct biounit_image *img)
{
	if (!img)
		return;
	free(img->pixels);
	free(img);
}
