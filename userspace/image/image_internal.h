/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the image module: decoders and the allocation helper. */
#ifndef BIOUNIT_IMAGE_INTERNAL_H
#define BIOUNIT_IMAGE_INTERNAL_H

#include <biounit/image.h>

/* Checks w, h against the limits: 0, -EINVAL (zero size) or -EFBIG. */
int biounit_image_check_size(uint64_t w, uint64_t h);

/* Decoders: @buf holds a whole file whose magic matched. Same returns as
 * biounit_image_load_mem(). */
int biounit_image_decode_jpeg(const uint8_t *buf, size_t len, struct biounit_image **out);
int biounit_image_decode_png(const uint8_t *buf, size_t len, struct biounit_image **out);
int biounit_image_decode_pnm(const uint8_t *buf, size_t len, struct biounit_image **out);

#endif
