// SPDX-License-Identifier: GPL-2.0
/* Baseline JPEG into memory with libjpeg(-turbo)'s jpeg_mem_dest(), for the
 * card portrait and the displayed signature. libjpeg reports fatal errors
 * through error_exit, which must not return: we longjmp back here. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

#include "records_internal.h"

struct jpeg_escape {
	struct jpeg_error_mgr mgr;
	jmp_buf env;
};

static void jpeg_escape_exit(j_common_ptr cinfo)
{
	longjmp(((struct jpeg_escape *)cinfo->err)->env, 1);
}

static void jpeg_escape_silent(j_common_ptr cinfo)
{
	(void)cinfo;
}

int rec_jpeg_encode(const struct biounit_image_view *v, int quality, struct biounit_blob *out)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_escape esc;
	unsigned char *volatile mem = NULL;
	unsigned long mem_len = 0;
	int ret;

	ret = biounit_image_view_check(v);
	if (ret)
		return ret;
	if (quality < 1 || quality > 100 || !out)
		return -EINVAL;
	cinfo.err = jpeg_std_error(&esc.mgr);
	esc.mgr.error_exit = jpeg_escape_exit;
	esc.mgr.output_message = jpeg_escape_silent;
	if (setjmp(esc.env)) {
		jpeg_destroy_compress(&cinfo);
		free(mem);
		return -ENOMEM;
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&mem, &mem_len);
	cinfo.image_width = v->width;
	cinfo.image_height = v->height;
	cinfo.input_components = (int)biounit_pixfmt_bytes(v->format);
	cinfo.in_color_space = v->format == BIOUNIT_PIX_GREY ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, quality, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	while (cinfo.next_scanline < cinfo.image_height) {
		JSAMPROW row = (JSAMPROW)(v->data + (size_t)cinfo.next_scanline * v->stride);

		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	out->data = mem;
	out->len = mem_len;
	return 0;
}
