// SPDX-License-Identifier: GPL-2.0
/* Reading image files: picks the decoder by the file's magic bytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_internal.h"

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
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, ret;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out_close;
	}
	if ((unsigned long long)st.st_size > MAX_FILE_BYTES) {
		ret = -EFBIG;
		goto out_close;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	ret = biounit_image_load_mem(buf, got, out);
out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}
