// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_finger - libFuzzer target for the fingerprint quality measures
 * (biounit_finger_assess() and every accessor of its report) on an arbitrary
 * small grey image:
 *   byte 0, 1: width, height = 64 + b % 97 (64..160 px)
 *   byte 2:    extra stride = b % 8 (padding bytes, set to 0xa5)
 *   byte 3:    resolution: 0 = default, else 250 + (b - 1) * 3 (250..1012 ppi;
 *              above 1000 must be refused)
 *   the rest:  the pixels, row by row; repeated when shorter than the image
 *              (all 0 when empty), so that short inputs give whole images.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "finger/finger.h"
#include <biounit/image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint32_t w = 64 + data[0] % 97, h = 64 + data[1] % 97, pad = data[2] % 8;
	unsigned int ppi = data[3] ? 250 + (data[3] - 1u) * 3 : 0;
	const uint8_t *px = data + 4;
	size_t npx = size - 4, stride = w + pad;
	/* exactly the image's bytes, so ASan sees any read past the last row */
	uint8_t *buf = malloc(stride * (h - 1) + w);
	if (!buf)
		return 0;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			size_t i = (size_t)y * w + x;
			buf[y * stride + x] = npx ? px[i % npx] : 0;
		}
		if (y + 1 < h)
			memset(buf + y * stride + w, 0xa5, pad);
	}
	struct biounit_image_view v = { buf, w, h, (uint32_t)stride, BIOUNIT_PIX_GREY };
	struct biounit_finger_report *r = NULL;
	int ret = biounit_finger_assess(&v, ppi, &r);
	if (ret) {
		if ((ppi && ppi <= 1000) || ret != -EINVAL || r)
			abort();	/* only a resolution above 1000 ppi is refused */
		free(buf);
		return 0;
	}
	unsigned int score = biounit_finger_report_score(r);
	if (score > 100)
		abort();
	for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++) {
		double val = biounit_finger_report_feature(r, f);
		if (!isfinite(val) || !biounit_finger_feature_name(f))
			abort();
	}
	uint32_t adv = biounit_finger_report_advice(r);
	if (adv >> BIOUNIT_FINGER_ADVICE_COUNT)
		abort();
	for (unsigned int b = 0; b < BIOUNIT_FINGER_ADVICE_COUNT; b++)
		if ((adv >> b) & 1 &&
		    (!biounit_finger_advice_message(1u << b, "nl") ||
		     !biounit_finger_advice_message(1u << b, "en") ||
		     !biounit_finger_advice_key(1u << b)))
			abort();
	uint32_t rx, ry, rw, rh, cols, rows, bs;
	biounit_finger_report_region(r, &rx, &ry, &rw, &rh);
	if ((uint64_t)rx + rw > w || (uint64_t)ry + rh > h)
		abort();
	biounit_finger_report_grid(r, &cols, &rows, &bs);
	if (!bs || (uint64_t)cols * bs < rw || (uint64_t)rows * bs < rh)
		abort();
	for (uint32_t by = 0; by < rows; by++) {
		for (uint32_t bx = 0; bx < cols; bx++) {
			struct biounit_finger_block b;
			if (biounit_finger_report_block(r, bx, by, &b))
				abort();
			if (!isfinite(b.ocl) || !isfinite(b.lcs) || !isfinite(b.fda) ||
			    !isfinite(b.ofl) || !isfinite(b.rvu) || !isfinite(b.period) ||
			    b.orientation_deg < 0 || b.orientation_deg >= 180)
				abort();
		}
	}
	struct biounit_finger_block b;
	if (biounit_finger_report_block(r, cols, 0, &b) != -ERANGE)
		abort();
	unsigned int nm = biounit_finger_report_minutiae(r, NULL, 0);
	struct biounit_minutia *m = calloc(nm ? nm : 1, sizeof(*m));
	if (m && biounit_finger_report_minutiae(r, m, nm) == nm) {
		for (unsigned int i = 0; i < nm; i++)
			if (m[i].x >= w || m[i].y >= h || m[i].quality > 100 ||
			    !biounit_finger_report_is_foreground(r, m[i].x, m[i].y))
				abort();
	}
	free(m);
	for (uint32_t y = 0; y < h + 2; y += 7)
		for (uint32_t x = 0; x < w + 2; x += 7)
			(void)biounit_finger_report_is_foreground(r, x, y);
	biounit_finger_report_free(r);
	free(buf);
	return 0;
}
