// SPDX-License-Identifier: GPL-2.0
/*
 * The element layer of docs/package.md: a growing big-endian output buffer
 * and a bounds-checked reader of (u16 tag, u32 length, value) elements.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "package_internal.h"
#include "util/grow.h"

void pkg_buf_put(struct pkg_buf *b, const void *data, size_t n)
{
	if (b->err || !n)
		return;
	if (n > BIOUNIT_PACKAGE_MAX_SIZE || b->len + n > BIOUNIT_PACKAGE_MAX_SIZE) {
		b->err = -E2BIG;
		return;
	}
	if (util_grow(&b->p, &b->cap, b->len, n, 1, 4096, 0)) {
		b->err = -ENOMEM;
		return;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

void pkg_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void pkg_buf_u8(struct pkg_buf *b, uint8_t v)
{
	pkg_buf_put(b, &v, 1);
}

void pkg_buf_u16(struct pkg_buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	pkg_buf_put(b, p, 2);
}

void pkg_buf_u32(struct pkg_buf *b, uint32_t v)
{
	uint8_t p[4];

	pkg_put_be32(p, v);
	pkg_buf_put(b, p, 4);
}

void pkg_buf_u64(struct pkg_buf *b, uint64_t v)
{
	pkg_buf_u32(b, (uint32_t)(v >> 32));
	pkg_buf_u32(b, (uint32_t)v);
}

void pkg_buf_elem(struct pkg_buf *b, uint16_t tag, const void *v, size_t n)
{
	if (n > UINT32_MAX) {
		b->err = b->err ? b->err : -E2BIG;
		return;
	}
	pkg_buf_u16(b, tag);
	pkg_buf_u32(b, (uint32_t)n);
	pkg_buf_put(b, v, n);
}

void pkg_buf_elem_u8(struct pkg_buf *b, uint16_t tag, uint8_t v)
{
	pkg_buf_elem(b, tag, &v, 1);
}

void pkg_buf_elem_i64(struct pkg_buf *b, uint16_t tag, int64_t v)
{
	pkg_buf_u16(b, tag);
	pkg_buf_u32(b, 8);
	pkg_buf_u64(b, (uint64_t)v);
}

void pkg_buf_elem_str(struct pkg_buf *b, uint16_t tag, const char *s)
{
	pkg_buf_elem(b, tag, s, strlen(s));
}

size_t pkg_buf_open(struct pkg_buf *b, uint16_t tag)
{
	size_t at = b->len;

	pkg_buf_u16(b, tag);
	pkg_buf_u32(b, 0);
	return at;
}

void pkg_buf_close(struct pkg_buf *b, size_t at)
{
	if (b->err)
		return;
	pkg_put_be32(b->p + at + 2, (uint32_t)(b->len - at - PKG_ELEM_HDR));
}

uint16_t pkg_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t pkg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t pkg_be64(const uint8_t *p)
{
	return (uint64_t)pkg_be32(p) << 32 | pkg_be32(p + 4);
}

int pkg_next(struct pkg_cursor *c, struct pkg_elem *e)
{
	size_t len;

	if (c->pos == c->end)
		return 0;
	if (c->end - c->pos < PKG_ELEM_HDR)
		return -EBADMSG;
	e->off = c->pos;
	e->tag = pkg_be16(c->base + c->pos);
	len = pkg_be32(c->base + c->pos + 2);
	e->voff = c->pos + PKG_ELEM_HDR;
	if (len > c->end - e->voff)
		return -EBADMSG;
	e->len = len;
	c->pos = e->voff + len;
	return 1;
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if it is not valid. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k;
}

bool pkg_string_ok(const uint8_t *s, size_t n, size_t max, bool ascii)
{
	size_t i = 0, k;

	if (n < 1 || n > max)
		return false;
	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		if (ascii)
			return false;
		k = utf8_seq(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

bool pkg_name_ok(const char *s)
{
	return s && pkg_string_ok((const uint8_t *)s, strnlen(s, BIOUNIT_PACKAGE_MAX_STRING + 1),
				  BIOUNIT_PACKAGE_MAX_STRING, true);
}

bool pkg_text_ok(const char *s, bool may_be_empty)
{
	if (!s || !*s)
		return may_be_empty;
	return pkg_string_ok((const uint8_t *)s, strnlen(s, BIOUNIT_PACKAGE_MAX_STRING + 1),
			     BIOUNIT_PACKAGE_MAX_STRING, false);
}

bool pkg_appointment_ok(const uint8_t *s, size_t n)
{
	size_t i;

	if (n < 1 || n > PKG_APPOINTMENT_MAX)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void pkg_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}
