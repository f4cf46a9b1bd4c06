// SPDX-License-Identifier: GPL-2.0
/* PNG decoding and encoding with libpng's simplified API (it handles the
 * setjmp error path itself). Transparent pixels are composited onto white. */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image_internal.h"

int biounit_image_decode_png(const uint8_t *buf, size_t len, struct biounit_image **out)
{
	const png_color white = { 255, 255, 255 };
	struct biounit_image *img = NULL;
	enum biounit_pixfmt fmt;
	png_image pi;
	int ret;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, buf, len))
		return -EINVAL;
	ret = biounit_image_check_size(pi.width, pi.height);
	if (ret)
		goto out_free;
	if (pi.format & PNG_FORMAT_FLAG_COLOR) {
		pi.format = PNG_FORMAT_RGB;
		fmt = BIOUNIT_PIX_RGB24;
	} else {
		pi.format = PNG_FORMAT_GRAY;
		fmt = BIOUNIT_PIX_GREY;
	}
	ret = biounit_image_new(pi.width, pi.height, fmt, &img);
	if (ret)
		goto out_free;
	if (!png_image_finish_read(&pi, &white, biounit_image_data(img),
				   (png_int_32)biounit_image_get_view(img).stride, NULL)) {
		biounit_image_free(img);
		return -EINVAL; /* finish_read already released pi */
	}
	*out = img;
	return 0;
out_free:
	png_image_free(&pi);
	return ret;
}

int biounit_image_save_png(const struct biounit_image_view *v, const char *path)
{
	png_image pi;
	FILE *f;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!path)
		return -EINVAL;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = v->width;
	pi.height = v->height;
	pi.format = v->format == BIOUNIT_PIX_RGB24 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
	/* the file opened here, so that its errno (EACCES, ENOENT, ENOSPC...) is told */
	f = fopen(path, "wbe");
	if (!f)
		return -errno;
	errno = 0;
	if (!png_image_write_to_stdio(&pi, f, 0, v->data, (png_int_32)v->stride, NULL))
		ret = errno ? -errno : -EIO;
	if (!ret && fflush(f))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		unlink(path);
	return ret;
}
