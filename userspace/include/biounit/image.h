/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit image buffers and file loaders.
 *
 * A struct biounit_image owns its pixels; a struct biounit_image_view borrows
 * pixels from somebody else (a driver buffer, an image) and never frees them.
 * Pixels are 8 bits per sample, rows top to bottom, RGB24 as R,G,B triples.
 * All functions returning int return 0 on success or a negative errno.
 *
 * The image and quality functions (encoders, face and finger checks, records)
 * read GREY and RGB24 views. An XBGR32 view (a face camera frame meant for a
 * display) is refused by them, never misread: biounit_image_view_check(),
 * which they call first, gives -ENOTSUP (the face checks and the encoders
 * return it; a function that reports every bad view as -EINVAL says that).
 * biounit_image_convert() makes an RGB24 copy of it first.
 */
#ifndef BIOUNIT_IMAGE_H
#define BIOUNIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest image the loaders accept, in pixels (100 megapixels). */
#define BIOUNIT_IMAGE_MAX_PIXELS (100u * 1000u * 1000u)
/** Largest side the loaders accept, in pixels. */
#define BIOUNIT_IMAGE_MAX_SIDE 65535u

enum biounit_pixfmt {
	BIOUNIT_PIX_GREY = 1,	/* one byte per pixel */
	BIOUNIT_PIX_RGB24 = 2,	/* three bytes per pixel: R, G, B */
	/* four bytes per pixel: B, G, R, X (X ignored): BIOUNIT_FMT_XBGR32,
	 * DRM's XRGB8888; only biounit_image_convert() reads it */
	BIOUNIT_PIX_XBGR32 = 3,
};

/** Borrowed pixels: @stride is the distance in bytes between row starts. */
struct biounit_image_view {
	const uint8_t *data;
	uint32_t width, height, stride;
	enum biounit_pixfmt format;
};

/** An image that owns its pixels (opaque). */
struct biounit_image;

/**
 * biounit_image_load() - Read a JPEG, PNG or binary PGM (P5) file.
 * @path: file name; the format is chosen by the file's magic bytes.
 * @out:  receives a new image on success, to be freed with biounit_image_free().
 *
 * Grey files give BIOUNIT_PIX_GREY, everything else BIOUNIT_PIX_RGB24 (alpha is
 * dropped, 16-bit samples are reduced to 8 bits, palettes expanded).
 * Return: 0, -ENOENT (no such file), -EINVAL (not an image, corrupt or
 * truncated), -EFBIG (more than BIOUNIT_IMAGE_MAX_PIXELS), -ENOMEM, or another
 * negative errno from opening/reading the file.
 *
 * Corrupt means any damage the decoder notices, never a partly grey image:
 * for JPEG every corrupt-data warning of libjpeg is an error (entropy data
 * ending early at a marker, as in a file cut short that still ends in EOI or
 * a frame header claiming more pixels than the data holds; bad Huffman codes;
 * bytes that are not data); for PNG libpng's errors (a chunk cut short, a CRC
 * error in a critical chunk, image data that ends early or does not inflate).
 * A PNG's ancillary chunk with a bad CRC is only dropped, as libpng does.
 */
int biounit_image_load(const char *path, struct biounit_image **out);

/**
 * biounit_image_load_mem() - Like biounit_image_load() from a memory buffer.
 * @buf: encoded file contents (not kept after return).
 * @len: size of @buf in bytes.
 * @out: receives a new image on success.
 */
int biounit_image_load_mem(const void *buf, size_t len, struct biounit_image **out);

/**
 * biounit_image_new() - Allocate an image with zeroed pixels.
 * @w, @h: size in pixels, both at least 1 and w*h at most BIOUNIT_IMAGE_MAX_PIXELS.
 * @fmt:   pixel format. Rows are packed (stride = w * bytes per pixel).
 * Return: 0, -EINVAL, -EFBIG or -ENOMEM.
 */
int biounit_image_new(uint32_t w, uint32_t h, enum biounit_pixfmt fmt,
		      struct biounit_image **out);

/** biounit_image_get_view() - A view that borrows @img's pixels. */
struct biounit_image_view biounit_image_get_view(const struct biounit_image *img);

/** biounit_image_data() - Writable pixels of @img (layout as its view). */
uint8_t *biounit_image_data(struct biounit_image *img);

/**
 * biounit_image_view_check() - Validate a view for the image and quality
 * functions: non-NULL data, format GREY or RGB24, non-zero size within the
 * limits, stride at least width * bytes per pixel.
 * Return: 0, -EINVAL / -EFBIG, or -ENOTSUP for an otherwise valid XBGR32 view
 * (convert it with biounit_image_convert()).
 */
int biounit_image_view_check(const struct biounit_image_view *v);

/**
 * biounit_image_convert() - Copy @src into @dst in @dst's pixel format.
 * @src: a view of any format (GREY, RGB24, XBGR32), of @dst's width and height.
 * @dst: an image from biounit_image_new(); its format is the one made:
 *       RGB24 or XBGR32 from any format (grey v gives R = G = B = v), GREY
 *       from GREY only (no colour is made grey here: each check has its own
 *       luma). XBGR32's X byte is ignored when read and written 0xff.
 * Meant to be called per frame: nothing is allocated.
 * Return: 0, -EINVAL (bad view or image, sizes differ) or -ENOTSUP (colour
 * to GREY).
 */
int biounit_image_convert(const struct biounit_image_view *src, struct biounit_image *dst);

/** biounit_pixfmt_bytes() - Bytes per pixel of @fmt, 0 if unknown. */
unsigned int biounit_pixfmt_bytes(enum biounit_pixfmt fmt);

/**
 * biounit_image_encode_jpeg() - Encode @v as baseline JPEG in memory.
 * @quality: 1..100.
 * @out, @len: set to a malloc()ed buffer and its size; the caller frees it.
 * Return: 0, -EINVAL (bad view or quality) or -ENOMEM.
 */
int biounit_image_encode_jpeg(const struct biounit_image_view *v, int quality, uint8_t **out,
			      size_t *len);

/**
 * biounit_image_save_jpeg() - Write @v as baseline JPEG.
 * @quality: 1..100.
 * Return: 0, -EINVAL (bad view or quality), or a negative errno from the file.
 */
int biounit_image_save_jpeg(const struct biounit_image_view *v, const char *path, int quality);

/**
 * biounit_image_save_png() - Write @v as an 8-bit PNG (grey or RGB).
 * Return: 0, -EINVAL (bad view), or a negative errno from the file (nothing left of it).
 */
int biounit_image_save_png(const struct biounit_image_view *v, const char *path);

/** biounit_image_free() - Free @img; NULL is allowed. */
void biounit_image_free(struct biounit_image *img);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_IMAGE_H */
