// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the image loaders (JPEG, PNG, binary PGM):
 * biounit_image_load_mem() must return 0 or a negative errno for any input,
 * never crash, leak or read out of bounds; a decoded image must have a view
 * that passes biounit_image_view_check() and whose every pixel can be read.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iuserspace/include \
 *       tests/fuzz/fuzz_image.c userspace/image/\*.c -ljpeg -lpng -lm
 *   ./a.out tests/fuzz/corpus/image
 *
 * Seeds: tests/fuzz/corpus/image/ (tiny JPEG, PNG and PGM files).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <biounit/image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct biounit_image *img = NULL;
	struct biounit_image_view v;
	unsigned int bpp, sum = 0;
	int ret = biounit_image_load_mem(data, size, &img);

	if (ret) {
		if (ret >= 0 || img)
			abort();	/* errors are negative and leave no image */
		return 0;
	}
	if (!img)
		abort();
	v = biounit_image_get_view(img);
	if (biounit_image_view_check(&v))
		abort();
	bpp = biounit_pixfmt_bytes(v.format);
	/* Touch every byte so that ASan sees a short allocation. */
	for (uint32_t y = 0; y < v.height; y++)
		for (size_t x = 0; x < (size_t)v.width * bpp; x++)
			sum += v.data[(size_t)y * v.stride + x];
	(void)sum;
	biounit_image_free(img);
	return 0;
}
