/* SPDX-License-Identifier: GPL-2.0 */
/* Comparing images in the tests and the evaluation: PSNR of 8-bit samples. */
#ifndef BIOUNIT_TEST_IMAGE_COMPARE_H
#define BIOUNIT_TEST_IMAGE_COMPARE_H

#include <math.h>
#include <stddef.h>
#include <biounit/image.h>

/* PSNR in dB of @b against @a (same size and format, every channel); 99 if identical */
static inline double img_psnr(const struct biounit_image_view *a, const struct biounit_image_view *b)
{
	unsigned int bpp = biounit_pixfmt_bytes(a->format);
	size_t n = (size_t)a->width * a->height * bpp;
	double se = 0;

	for (uint32_t y = 0; y < a->height; y++)
		for (uint32_t x = 0; x < a->width * bpp; x++) {
			double d = (double)a->data[(size_t)y * a->stride + x] -
				   b->data[(size_t)y * b->stride + x];

			se += d * d;
		}
	return se ? 10 * log10(255.0 * 255.0 * n / se) : 99;
}

#endif
