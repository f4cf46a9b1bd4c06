// SPDX-License-Identifier: GPL-2.0
/* JPEG decoding and encoding with libjpeg(-turbo). libjpeg reports fatal
 * errors through error_exit, which must not return: we longjmp back to the
 * caller's frame and turn the error into -EINVAL. Corrupt data is only a
 * warning to libjpeg (emit_message with level -1): a file cut short, entropy
 * data that ends early at a marker ("premature end of data segment", also
 * what a SOF claiming more pixels than the data holds gives), bad Huffman
 * codes, extraneous bytes. libjpeg then pads with grey and goes on; we stop
 * at the first such warning, as TurboJPEG's TJFLAG_STOPONWARNING does, and
 * the image is refused as corrupt. */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdio.h>
#include <jpeglib.h>

#include "image_internal.h"

struct jpeg_guard {
	struct jpeg_error_mgr mgr;
	jmp_buf env;
};

static void jpeg_guard_error_exit(j_common_ptr cinfo)
{
	struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;

	longjmp(g->env, 1);
}

/* Level -1 is a warning (corrupt data); 0 and up are trace messages. */
static void jpeg_guard_emit(j_common_ptr cinfo, int level)
{
	struct jpeg_guard *g = (struct jpeg_guard *)cinfo->err;

	if (level < 0) {
		g->mgr.num_warnings++;
		longjmp(g->env, 1);
	}
}

static void jpeg_guard_silent(j_common_ptr cinfo)
{
	(void)cinfo;
}

/* Adobe CMYK JPEGs store inverted ink values. */
static void cmyk_row_to_rgb(const uint8_t *src, uint8_t *dst, uint32_t w, int inverted)
{
	for (uint32_t x = 0; x < w; x++, src += 4, dst += 3) {
		unsigned int c = src[0], m = src[1], y = src[2], k = src[3];

		if (!inverted) {
			c = 255 - c;
			m = 255 - m;
			y = 255 - y;
			k = 255 - k;
		}
		dst[0] = (uint8_t)((c * k + 127) / 255);
		dst[1] = (uint8_t)((m * k + 127) / 255);
		dst[2] = (uint8_t)((y * k + 127) / 255);
	}
}

int biounit_image_decode_jpeg(const uint8_t *buf, size_t len, struct biounit_image **out)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_guard guard = { 0 };
	struct biounit_image *volatile img = NULL;
	uint8_t *volatile cmyk_row = NULL;
	struct biounit_image_view v;
	int ret, cmyk;

	cinfo.err = jpeg_std_error(&guard.mgr);
	guard.mgr.error_exit = jpeg_guard_error_exit;
	guard.mgr.emit_message = jpeg_guard_emit;
	guard.mgr.output_message = jpeg_guard_silent;
	if (setjmp(guard.env)) {
		jpeg_destroy_decompress(&cinfo);
		biounit_image_free(img);
		free(cmyk_row);
		return -EINVAL;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&cinfo);
		return -EINVAL;
	}
	ret = biounit_image_check_size(cinfo.image_width, cinfo.image_height);
	if (ret) {
		jpeg_destroy_decompress(&cinfo);
		return ret;
	}
	cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
	if (cmyk)
		cinfo.out_color_space = JCS_CMYK;
	else if (cinfo.jpeg_color_space == JCS_GRAYSCALE)
		cinfo.out_color_space = JCS_GRAYSCALE;
	else
		cinfo.out_color_space = JCS_RGB;
	jpeg_start_decompress(&cinfo);
	ret = biounit_image_new(cinfo.output_width, cinfo.output_height,
				cinfo.out_color_space == JCS_GRAYSCALE ? BIOUNIT_PIX_GREY
								       : BIOUNIT_PIX_RGB24,
				(struct biounit_image **)&img);
	if (!ret && cmyk) {
		cmyk_row = malloc((size_t)cinfo.output_width * 4);
		if (!cmyk_row)
			ret = -ENOMEM;
	}
	if (ret) {
		jpeg_destroy_decompress(&cinfo);
		biounit_image_free(img);
		return ret;
	}
	v = biounit_image_get_view(img);
	while (cinfo.output_scanline < cinfo.output_height) {
		uint8_t *row = biounit_image_data(img) + (size_t)cinfo.output_scanline * v.stride;
		JSAMPROW rows[1] = { cmyk ? cmyk_row : row };

		if (jpeg_read_scanlines(&cinfo, rows, 1) != 1)
			break;
		if (cmyk)
			cmyk_row_to_rgb(cmyk_row, row, v.width, cinfo.saw_Adobe_marker);
	}
	free(cmyk_row);
	cmyk_row = NULL;
	if (cinfo.output_scanline < cinfo.output_height) {
		jpeg_destroy_decompress(&cinfo);
		biounit_image_free(img);
		return -EINVAL;
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	*out = img;
	return 0;
}

int biounit_image_encode_jpeg(const struct biounit_image_view *v, int quality, uint8_t **out,
			      size_t *len)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_guard guard = { 0 };
	unsigned char *volatile mem = NULL;
	unsigned long mem_len = 0;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!out || !len || quality < 1 || quality > 100)
		return -EINVAL;
	cinfo.err = jpeg_std_error(&guard.mgr);
	guard.mgr.error_exit = jpeg_guard_error_exit;
	guard.mgr.output_message = jpeg_guard_silent;
	if (setjmp(guard.env)) {
		/* the memory destination fails only when it cannot grow */
		jpeg_destroy_compress(&cinfo);
		free(mem);
		return -ENOMEM;
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&mem, &mem_len);
	cinfo.image_width = v->width;
	cinfo.image_height = v->height;
	cinfo.input_components = v->format == BIOUNIT_PIX_RGB24 ? 3 : 1;
	cinfo.in_color_space = v->format == BIOUNIT_PIX_RGB24 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, quality, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	while (cinfo.next_scanline < cinfo.image_height) {
		JSAMPROW row = (JSAMPROW)(v->data + (size_t)cinfo.next_scanline * v->stride);

		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	*out = mem;
	*len = mem_len;
	return 0;
}

int biounit_image_save_jpeg(const struct biounit_image_view *v, const char *path, int quality)
{
	uint8_t *buf;
	size_t len;
	FILE *f;
	int ret;

	if (!path)
		return -EINVAL;
	ret = biounit_image_encode_jpeg(v, quality, &buf, &len);
	if (ret)
		return ret;
	f = fopen(path, "wbe");
	if (!f) {
		ret = -errno;
	} else {
		if (fwrite(buf, 1, len, f) != len)
			ret = -EIO;
		if (fclose(f) && !ret)
			ret = -errno;
	}
	free(buf);
	return ret;
}
