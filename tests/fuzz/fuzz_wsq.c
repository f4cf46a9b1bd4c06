// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the WSQ decoder (issue 9): biounit_wsq_decode() must
 * return 0 or a negative errno for any input, never crash, leak or read out
 * of bounds; a decoded image must be readable in full, and (when small)
 * encode and decode again.
 *
 * Seeds: tests/fuzz/corpus/wsq/ (small streams of our encoder).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <biounit/image.h>
#include "wsq/wsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct biounit_image *img = NULL, *again = NULL;
	struct biounit_image_view v;
	unsigned int ppi = 0, sum = 0;
	uint8_t *out = NULL;
	size_t len = 0;
	int ret = biounit_wsq_decode(data, size, &img, &ppi);

	if (ret) {
		if (ret != -EBADMSG && ret != -ENOTSUP && ret != -ENOMEM)
			abort();
		if (img)
			abort();
		return 0;
	}
	v = biounit_image_get_view(img);
	if (biounit_image_view_check(&v) || v.format != BIOUNIT_PIX_GREY || ppi > 65535)
		abort();
	for (uint32_t y = 0; y < v.height; y++)
		for (uint32_t x = 0; x < v.width; x++)
			sum += v.data[(size_t)y * v.stride + x];
	if ((size_t)v.width * v.height <= 256 * 256) {
		if (biounit_wsq_encode(&v, 1.0f, ppi, &out, &len))
			abort();
		if (biounit_wsq_decode(out, len, &again, NULL))
			abort();
		struct biounit_image_view a = biounit_image_get_view(again);
		if (a.width != v.width || a.height != v.height)
			abort();
	}
	free(out);
	biounit_image_free(again);
	biounit_image_free(img);
	return (int)(sum & 0);
}
