// SPDX-License-Identifier: GPL-2.0
/* Reading image files: picks the decoder by the file's magic bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "util/read_file.h"

/* Largest encoded file we read into memory. */
#define MAX_FILE_BYTES (512ull * 1024 * 1024)

int biounit_image_load_mem(const void *buf, size_t len, struct biounit_image **out)
{
	const uint8_t *b = buf;
	static const uint8_t png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (!out || (!buf && len))
		return -EINVAL;
	*out = NULL;
	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return biounit_image_decode_jpeg(b, len, out);
	if (len >= 8 && !memcmp(b, png_magic, 8))
		return biounit_image_decode_png(b, len, out);
	if (len >= 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6'))
		return biounit_image_decode_pnm(b, len, out);
	return -EINVAL;
}

int biounit_image_load(const char *path, struct biounit_image **out)
{
	size_t len;
	char *buf;
	int ret;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	ret = util_read_file(path, MAX_FILE_BYTES, 0, &buf, &len);
	if (ret)
		return ret;
	ret = biounit_image_load_mem(buf, len, out);
	free(buf);
	return ret;
}
