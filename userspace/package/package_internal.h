/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the package module: the byte layout of docs/package.md (element tags,
 * header), a growing output buffer and a bounds-checked element reader.
 */
#ifndef BIOUNIT_PACKAGE_INTERNAL_H
#define BIOUNIT_PACKAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "package/package.h"

#define PKG_MAGIC "BIOUPKG\x1a"
#define PKG_MAGIC_SIZE 8
#define PKG_HEADER_SIZE 16	/* magic, u16 major, u16 minor, u32 total length */
#define PKG_ELEM_HDR 6		/* u16 tag, u32 length */
#define PKG_SIG_SIZE 64
#define PKG_CHAIN_DOMAIN "biounit-chain-v1"	/* hashed with its NUL: 17 bytes */
#define PKG_APPOINTMENT_MAX 64

/* top-level elements, in this order */
enum pkg_top_tag {
	PKG_T_MANIFEST = 1,
	PKG_T_RECORD = 2,	/* one per capture, in capture order */
	PKG_T_CHAIN = 3,
	PKG_T_SIGNATURE = 4,
};

/* elements of the manifest */
enum pkg_manifest_tag {
	PKG_M_ID = 1,
	PKG_M_APPOINTMENT = 2,
	PKG_M_UNIT_SERIAL = 3,
	PKG_M_UNIT_MODEL = 4,
	PKG_M_UNIT_KEY = 5,
	PKG_M_SOFTWARE = 6,
	PKG_M_CREATED = 7,
	PKG_M_MODALITY = 8,
	PKG_M_EXCEPTION = 9,
	PKG_M_DECISION = 10,
	PKG_M_CAPTURE = 11,
};

/* fields of compound manifest elements (MODALITY, EXCEPTION, DECISION, CAPTURE) */
enum pkg_field_tag {
	PKG_F_MODALITY = 1,	/* u8 */
	PKG_F_STATUS = 2,	/* u8 (MODALITY) */
	PKG_F_POSITION = 2,	/* u8 (EXCEPTION) */
	PKG_F_REASON = 3,	/* string (MODALITY, EXCEPTION) */
	PKG_F_TIME = 1,		/* i64 (DECISION) */
	PKG_F_OPERATOR = 2,	/* string (DECISION) */
	PKG_F_DECISION = 3,	/* string (DECISION) */
	PKG_F_NAME = 1,		/* string (CAPTURE; RECORD) */
	PKG_F_FORMAT = 2,	/* string (CAPTURE) */
	PKG_F_CMODALITY = 3,	/* u8 (CAPTURE) */
	PKG_F_ORIGIN = 4,	/* u8 (CAPTURE) */
	PKG_F_CAPTURED = 5,	/* i64 (CAPTURE) */
	PKG_F_QUALITY = 6,	/* f64 score, f64 threshold, u8 passed (CAPTURE, optional) */
	PKG_F_LENGTH = 7,	/* u64 (CAPTURE) */
	PKG_F_SHA256 = 8,	/* 32 bytes (CAPTURE) */
	PKG_F_DATA = 2,		/* bytes (RECORD) */
};

/* ---- output buffer (errors are sticky: check ->err once at the end) ---- */
struct pkg_buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

void pkg_buf_put(struct pkg_buf *b, const void *data, size_t n);
void pkg_buf_u8(struct pkg_buf *b, uint8_t v);
void pkg_buf_u16(struct pkg_buf *b, uint16_t v);
void pkg_buf_u32(struct pkg_buf *b, uint32_t v);
void pkg_buf_u64(struct pkg_buf *b, uint64_t v);
/* element with a value known now */
void pkg_buf_elem(struct pkg_buf *b, uint16_t tag, const void *v, size_t n);
void pkg_buf_elem_u8(struct pkg_buf *b, uint16_t tag, uint8_t v);
void pkg_buf_elem_i64(struct pkg_buf *b, uint16_t tag, int64_t v);
void pkg_buf_elem_str(struct pkg_buf *b, uint16_t tag, const char *s);
/* element whose value follows: returns the offset to give pkg_buf_close() */
size_t pkg_buf_open(struct pkg_buf *b, uint16_t tag);
void pkg_buf_close(struct pkg_buf *b, size_t at);
void pkg_put_be32(uint8_t *p, uint32_t v);

/* ---- reading ---- */
uint16_t pkg_be16(const uint8_t *p);
uint32_t pkg_be32(const uint8_t *p);
uint64_t pkg_be64(const uint8_t *p);

/* a span of bytes holding elements; base is the package start, for offsets */
struct pkg_cursor {
	const uint8_t *base;
	size_t pos, end;
};

struct pkg_elem {
	uint16_t tag;
	size_t off;	/* offset of the element header in the package */
	size_t voff;	/* offset of the value */
	size_t len;	/* length of the value */
};

/* 1: *e is the next element; 0: end of span; -EBADMSG: truncated element */
int pkg_next(struct pkg_cursor *c, struct pkg_elem *e);

/* strings: 1..max bytes; ascii: printable ASCII only, else valid UTF-8 without controls */
bool pkg_string_ok(const uint8_t *s, size_t n, size_t max, bool ascii);
bool pkg_name_ok(const char *s);		/* for builders: printable ASCII, 1..MAX_STRING */
bool pkg_text_ok(const char *s, bool may_be_empty);	/* UTF-8 text */
bool pkg_appointment_ok(const uint8_t *s, size_t n);

/* hashing */
void pkg_chain_start(const uint8_t id[BIOUNIT_PACKAGE_ID_SIZE], uint8_t h[32]);
void pkg_chain_step(uint8_t h[32], const uint8_t *capture_elem, size_t n);
void pkg_hex(const uint8_t *p, size_t n, char *out);
void pkg_crypto_init(void);

#endif /* BIOUNIT_PACKAGE_INTERNAL_H */
