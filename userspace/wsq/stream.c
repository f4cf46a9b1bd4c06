// SPDX-License-Identifier: GPL-2.0
/*
 * Bytes of a WSQ stream: big-endian integers, the spec's scaled numbers
 * (value = mantissa / 10^scale, an 8-bit scale followed by a 16- or 32-bit
 * mantissa), a growing output buffer and a bounds-checked reader.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wsq_internal.h"
#include "util/grow.h"

#define MAX_SCALE 40

int wsq_scaled_from(double v, uint32_t max_mant, struct wsq_scaled *out)
{
	double m;
	int s = 0;

	if (!(v >= 0) || !isfinite(v))
		return -EINVAL;
	out->scale = 0;
	out->mant = 0;
	if (v == 0)
		return 0;
	if (floor(v + 0.5) > max_mant)
		return -ERANGE;
	m = v;
	while (s < MAX_SCALE && floor(m * 10 + 0.5) <= max_mant) {
		m *= 10;
		s++;
	}
	out->scale = (uint8_t)s;
	out->mant = (uint32_t)floor(m + 0.5);
	return 0;
}

double wsq_scaled_value(struct wsq_scaled s)
{
	double v = s.mant;

	for (unsigned int i = 0; i < s.scale && v != 0; i++)
		v /= 10;
	return v;
}

double wsq_scaled16_round(double v)
{
	struct wsq_scaled s;

	if (wsq_scaled_from(v, 65535, &s))
		return v;
	return wsq_scaled_value(s);
}

int wsq_buf_reserve(struct wsq_buf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (util_grow(&b->p, &b->cap, b->len, extra, 1, 4096, 0))
		b->err = -ENOMEM;
	return b->err;
}

void wsq_put8(struct wsq_buf *b, unsigned int v)
{
	if (wsq_buf_reserve(b, 1))
		return;
	b->p[b->len++] = (uint8_t)v;
}

void wsq_put16(struct wsq_buf *b, unsigned int v)
{
	wsq_put8(b, (v >> 8) & 0xff);
	wsq_put8(b, v & 0xff);
}

void wsq_put32(struct wsq_buf *b, uint32_t v)
{
	wsq_put16(b, v >> 16);
	wsq_put16(b, v & 0xffff);
}

void wsq_put_bytes(struct wsq_buf *b, const void *src, size_t n)
{
	if (wsq_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

int wsq_get8(struct wsq_rd *r, unsigned int *v)
{
	if (r->pos >= r->len)
		return -EBADMSG;
	*v = r->p[r->pos++];
	return 0;
}

int wsq_get16(struct wsq_rd *r, unsigned int *v)
{
	if (r->len - r->pos < 2 || r->pos > r->len)
		return -EBADMSG;
	*v = (unsigned int)r->p[r->pos] << 8 | r->p[r->pos + 1];
	r->pos += 2;
	return 0;
}

int wsq_get32(struct wsq_rd *r, uint32_t *v)
{
	unsigned int hi, lo;
	int ret = wsq_get16(r, &hi);

	if (!ret)
		ret = wsq_get16(r, &lo);
	if (!ret)
		*v = (uint32_t)hi << 16 | lo;
	return ret;
}
