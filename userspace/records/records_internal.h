/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the records module: a growing big-endian writer, a bounded
 * big-endian reader, the image encoders and the image-stream inspectors. */
#ifndef BIOUNIT_RECORDS_INTERNAL_H
#define BIOUNIT_RECORDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records/records.h"

/* ---- writer: appends big-endian fields; the first failure sticks */
struct rec_writer {
	uint8_t *data;
	size_t len, cap;
	int error;		/* 0 or -ENOMEM */
};

void rec_put_u8(struct rec_writer *w, uint8_t v);
void rec_put_u16(struct rec_writer *w, uint16_t v);
void rec_put_u32(struct rec_writer *w, uint32_t v);
void rec_put_u48(struct rec_writer *w, uint64_t v);
void rec_put_u64(struct rec_writer *w, uint64_t v);
void rec_put_bytes(struct rec_writer *w, const void *p, size_t n);
/* Overwrites bytes already written at @at (a length filled in afterwards). */
void rec_patch_u32(struct rec_writer *w, size_t at, uint32_t v);
void rec_patch_u48(struct rec_writer *w, size_t at, uint64_t v);
/* Hands the bytes to @out (or frees them on error); returns w->error. */
int rec_writer_finish(struct rec_writer *w, struct biounit_blob *out);

/* ---- reader: never reads past the end; an overrun sets @bad and reads 0 */
struct rec_reader {
	const uint8_t *data;
	size_t len, pos;
	bool bad;
};

uint8_t rec_get_u8(struct rec_reader *r);
uint16_t rec_get_u16(struct rec_reader *r);
uint32_t rec_get_u32(struct rec_reader *r);
uint64_t rec_get_u48(struct rec_reader *r);
uint64_t rec_get_u64(struct rec_reader *r);
/* Returns a pointer to the next @n bytes and skips them, NULL (and @bad) if short. */
const uint8_t *rec_get_bytes(struct rec_reader *r, size_t n);
static inline size_t rec_left(const struct rec_reader *r)
{
	return r->len - r->pos;
}

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib/PNG) */
uint32_t rec_crc32(const uint8_t *p, size_t n);

/* ---- image encoders */
/* (JPEG: biounit_image_encode_jpeg() of the image module) */
/* Area-average resampling of @v to @w x @h (same format). */
int rec_resample(const struct biounit_image_view *v, uint32_t w, uint32_t h,
		 struct biounit_image **out);
/* JPEG 2000 codestream (9/7, one layer) of at most @target bytes and at least
 * target * (1000 - tolerance_permille) / 1000 when reachable. */
int rec_j2k_encode_target(const struct biounit_image_view *v, size_t target,
			  unsigned int tolerance_permille, struct biounit_blob *out,
			  struct biounit_j2k_stats *stats);

/* ---- image-stream inspectors: structure only, no decoding */
struct rec_image_info {
	uint32_t width, height;
	unsigned int components, precision;
};
/* JPEG 2000 codestream: SOC, SIZ first, EOC last. 0 or -EBADMSG. */
int rec_j2k_inspect(const uint8_t *p, size_t n, struct rec_image_info *info);
/* JPEG: SOI, marker segments up to a frame header, EOI last. 0 or -EBADMSG. */
int rec_jpeg_inspect(const uint8_t *p, size_t n, struct rec_image_info *info);
/* WSQ: SOI, tables up to the frame header, EOI last. 0 or -EBADMSG. */
int rec_wsq_inspect(const uint8_t *p, size_t n, struct rec_image_info *info);

/* ---- the 19794 family's members (the table is in format.c) */
int rec_iso19794_5_encode(const struct biounit_face_record_params *p,
			  struct biounit_face_record_out *out);
int rec_iso19794_5_parse(const uint8_t *buf, size_t len, struct biounit_face_record *out);
int rec_iso19794_4_encode(const struct biounit_finger_record_params *p, struct biounit_blob *out);
int rec_iso19794_4_parse(const uint8_t *buf, size_t len, struct biounit_finger_record *out);
int rec_signature_encode(const struct biounit_signature_record_params *p,
			 struct biounit_signature_record_out *out);
int rec_signature_parse(const uint8_t *image, size_t image_len, const uint8_t *pen,
			size_t pen_len, struct biounit_signature_record *out);

#endif
