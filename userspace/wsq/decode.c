// SPDX-License-Identifier: GPL-2.0
/*
 * biounit_wsq_decode(): a WSQ stream to a grey image.
 *
 * Reads any stream laid out as the spec allows: SOI; tables (DTT, DQT, DHT)
 * and comments in any order before SOF and before each of the three SOB
 * blocks; EOI. Every length and count is checked against the bytes that are
 * there; anything inconsistent is -EBADMSG. Not implemented (-ENOTSUP):
 * filters other than the spec's 9/7 lengths, restart intervals (DRT),
 * images under 32 pixels on a side or over BIOUNIT_IMAGE_MAX_PIXELS.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wsq/wsq.h"
#include "wsq_internal.h"

struct dec {
	struct wsq_rd rd;
	struct wsq_filters f;
	struct wsq_quant qv;
	struct wsq_huff_dec tab[WSQ_MAX_TABLES];
	int have_dtt, have_dqt, have_sof, nblocks;
	uint32_t width, height;
	double m, r;
	int ppi;
	struct wsq_layout l;
	float *img;	/* dequantised coefficients, then the image */
};

static int get_scaled(struct wsq_rd *r, int wide, double *v)
{
	unsigned int scale, m16;
	struct wsq_scaled s;
	int ret = wsq_get8(r, &scale);

	if (ret)
		return ret;
	s.scale = (uint8_t)scale;
	if (wide) {
		ret = wsq_get32(r, &s.mant);
	} else {
		ret = wsq_get16(r, &m16);
		s.mant = m16;
	}
	if (!ret)
		*v = wsq_scaled_value(s);
	return ret;
}

/* a sub-reader over the @len - 2 bytes of a segment whose length field was read */
static int segment(struct dec *d, struct wsq_rd *seg)
{
	unsigned int len;
	int ret = wsq_get16(&d->rd, &len);

	if (ret)
		return ret;
	if (len < 2 || d->rd.len - d->rd.pos < len - 2)
		return -EBADMSG;
	seg->p = d->rd.p + d->rd.pos;
	seg->len = len - 2;
	seg->pos = 0;
	d->rd.pos += len - 2;
	return 0;
}

static int read_dtt(struct dec *d)
{
	struct wsq_rd s;
	unsigned int losz, hisz;
	int ret = segment(d, &s);

	if (!ret)
		ret = wsq_get8(&s, &losz);
	if (!ret)
		ret = wsq_get8(&s, &hisz);
	if (ret)
		return ret;
	if (losz != 9 || hisz != 7)
		return -ENOTSUP;
	for (int i = 0; i < 9 && !ret; i++) {
		unsigned int sign;
		double v = 0;

		ret = wsq_get8(&s, &sign);
		if (!ret)
			ret = get_scaled(&s, 1, &v);
		if (sign)
			v = -v;
		if (i < 5)
			d->f.lo[i] = v;
		else
			d->f.hi[i - 5] = v;
	}
	if (!ret && s.pos != s.len)
		ret = -EBADMSG;
	d->have_dtt = !ret;
	return ret;
}

static int read_dqt(struct dec *d)
{
	struct wsq_rd s;
	double v = 0;
	int ret = segment(d, &s);

	if (!ret)
		ret = get_scaled(&s, 0, &v);
	d->qv.c = (float)v;
	for (int k = 0; k < WSQ_BANDS && !ret; k++) {
		ret = get_scaled(&s, 0, &v);
		d->qv.q[k] = (float)v;
		if (!ret)
			ret = get_scaled(&s, 0, &v);
		d->qv.z[k] = (float)v;
	}
	if (!ret && s.pos != s.len)
		ret = -EBADMSG;
	d->have_dqt = !ret;
	return ret;
}

static int read_dht(struct dec *d)
{
	struct wsq_rd s;
	int ret = segment(d, &s);

	if (!ret && s.len == 0)
		ret = -EBADMSG;
	while (!ret && s.pos < s.len) {
		struct wsq_huff_spec spec;
		unsigned int id, n = 0;

		memset(&spec, 0, sizeof(spec));
		ret = wsq_get8(&s, &id);
		if (ret)
			break;
		if (id >= WSQ_MAX_TABLES || s.len - s.pos < 16)
			return -EBADMSG;
		memcpy(spec.bits, s.p + s.pos, 16);
		s.pos += 16;
		for (int i = 0; i < 16; i++)
			n += spec.bits[i];
		if (n == 0 || n > WSQ_NSYM || s.len - s.pos < n)
			return -EBADMSG;
		memcpy(spec.vals, s.p + s.pos, n);
		s.pos += n;
		spec.nvals = n;
		ret = wsq_huff_dec_init(&spec, &d->tab[id]);
	}
	return ret;
}

static int read_com(struct dec *d)
{
	struct wsq_rd s;
	char text[1024];
	int ret = segment(d, &s);

	if (ret)
		return ret;
	if (s.len < 8 || memcmp(s.p, "NIST_COM", 8))
		return 0;
	size_t n = s.len < sizeof(text) - 1 ? s.len : sizeof(text) - 1;
	memcpy(text, s.p, n);
	text[n] = '\0';
	for (char *line = text; line && *line;) {
		if (!strncmp(line, "PPI ", 4)) {
			long v = strtol(line + 4, NULL, 10);

			d->ppi = (v > 0 && v <= 65535) ? (int)v : 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

static int read_sof(struct dec *d)
{
	struct wsq_rd s;
	unsigned int black, white, h, w, enc, sw;
	int ret;

	if (d->have_sof)
		return -EBADMSG;
	ret = segment(d, &s);
	if (!ret)
		ret = wsq_get8(&s, &black);
	if (!ret)
		ret = wsq_get8(&s, &white);
	if (!ret)
		ret = wsq_get16(&s, &h);
	if (!ret)
		ret = wsq_get16(&s, &w);
	if (!ret)
		ret = get_scaled(&s, 0, &d->m);
	if (!ret)
		ret = get_scaled(&s, 0, &d->r);
	if (!ret)
		ret = wsq_get8(&s, &enc);
	if (!ret)
		ret = wsq_get16(&s, &sw);
	if (ret)
		return ret;
	if (s.pos != s.len || !w || !h)
		return -EBADMSG;
	if (w < WSQ_MIN_SIDE || h < WSQ_MIN_SIDE ||
	    (uint64_t)w * h > BIOUNIT_IMAGE_MAX_PIXELS)
		return -ENOTSUP;
	if (wsq_layout_build(&d->l, w, h))
		return -ENOTSUP;
	d->width = w;
	d->height = h;
	d->have_sof = 1;
	return 0;
}

/* ---- entropy-coded data ---- */

struct bitr {
	const uint8_t *p;
	size_t pos, end;
	uint64_t acc;
	int n, fake;
};

static inline void refill(struct bitr *b)
{
	while (b->n <= 56) {
		unsigned int byte;

		if (b->pos < b->end) {
			byte = b->p[b->pos++];
			if (byte == 0xff)
				b->pos++;	/* the stuffed 0x00 */
		} else {
			byte = 0xff;
			b->fake += 8;
		}
		b->acc |= (uint64_t)byte << (56 - b->n);
		b->n += 8;
	}
}

static inline int consume(struct bitr *b, int len)
{
	b->acc <<= len;
	b->n -= len;
	return b->n < b->fake ? -EBADMSG : 0;
}

static inline int get_bits(struct bitr *b, int len, uint32_t *v)
{
	refill(b);
	*v = (uint32_t)(b->acc >> (64 - len));
	return consume(b, len);
}

static inline int get_sym(struct bitr *b, const struct wsq_huff_dec *t, unsigned int *sym)
{
	refill(b);
	uint16_t e = t->lut[b->acc >> (64 - WSQ_LUT_BITS)];

	if (e) {
		*sym = e & 0xff;
		return consume(b, e >> 8);
	}
	for (int len = WSQ_LUT_BITS + 1; len <= 16; len++) {
		int32_t code = (int32_t)(b->acc >> (64 - len));

		if (t->maxcode[len] >= 0 && code <= t->maxcode[len] && code >= t->mincode[len]) {
			*sym = t->vals[t->valoff[len] + code - t->mincode[len]];
			return consume(b, len);
		}
	}
	return -EBADMSG;
}

/* where the next coefficient of a block goes */
struct cursor {
	const struct dec *d;
	int blk, k;
	uint32_t x, y;
	float *row, q, hz, c;
};

static void cursor_band(struct cursor *c)
{
	const struct wsq_rect *r = &c->d->l.band[c->k];

	c->x = 0;
	c->y = 0;
	c->row = c->d->img + (size_t)r->y * c->d->l.width + r->x;
	c->q = c->d->qv.q[c->k];
	c->hz = c->d->qv.z[c->k] / 2;
}

/* the next coded subband of the block at or after c->k */
static void cursor_seek(struct cursor *c)
{
	while (c->k < wsq_block_start[c->blk + 1] && c->d->qv.q[c->k] == 0)
		c->k++;
	if (c->k < wsq_block_start[c->blk + 1])
		cursor_band(c);
}

/* skip @n coefficients (the caller checked they are there) */
static void cursor_skip(struct cursor *c, size_t n)
{
	while (n) {
		const struct wsq_rect *r = &c->d->l.band[c->k];
		size_t rem = r->w - c->x;

		if (n < rem) {
			c->x += (uint32_t)n;
			return;
		}
		n -= rem;
		c->x = 0;
		c->row += c->d->l.width;
		if (++c->y == r->h) {
			c->k++;
			cursor_seek(c);
		}
	}
}

static inline void cursor_put(struct cursor *c, int32_t p)
{
	if (p > 0)
		c->row[c->x] = c->q * ((float)p - c->c) + c->hz;
	else if (p < 0)
		c->row[c->x] = c->q * ((float)p + c->c) - c->hz;
	cursor_skip(c, 1);
}

static int decode_block(struct dec *d, const struct wsq_huff_dec *t, int blk, size_t n)
{
	const uint8_t *p = d->rd.p;
	size_t i = d->rd.pos, end;

	/* the block ends at the first 0xFF not followed by a stuffed 0x00 */
	for (;;) {
		if (i + 1 >= d->rd.len)
			return -EBADMSG;
		if (p[i] == 0xff) {
			if (p[i + 1])
				break;
			i += 2;
		} else {
			i++;
		}
	}
	end = i;
	/* at most 65535 zeros per 17 bits: reject absurd counts before allocating */
	if (n && (n - 1) / 65535 > (end - d->rd.pos) * 8 / 17)
		return -EBADMSG;
	if (!d->img) {
		d->img = calloc((size_t)d->width * d->height, sizeof(float));
		if (!d->img)
			return -ENOMEM;
	}

	struct bitr b = { p, d->rd.pos, end, 0, 0, 0 };
	struct cursor c = { d, blk, wsq_block_start[blk], 0, 0, NULL, 0, 0, d->qv.c };
	size_t k = 0;
	int ret = 0;

	cursor_seek(&c);
	while (k < n && !ret) {
		unsigned int sym;
		uint32_t v;

		ret = get_sym(&b, t, &sym);
		if (ret)
			break;
		if (sym >= 1 && sym <= WSQ_SYM_ZRUN_MAX) {
			v = sym;
		} else if (sym == WSQ_SYM_ZRUN8 || sym == WSQ_SYM_ZRUN16) {
			ret = get_bits(&b, sym == WSQ_SYM_ZRUN8 ? 8 : 16, &v);
		} else if (sym >= WSQ_SYM_POS8 && sym <= WSQ_SYM_NEG16) {
			ret = get_bits(&b, sym >= WSQ_SYM_POS16 ? 16 : 8, &v);
			if (!ret) {
				cursor_put(&c, (sym == WSQ_SYM_NEG8 || sym == WSQ_SYM_NEG16) ?
						       -(int32_t)v : (int32_t)v);
				k++;
			}
			continue;
		} else if (sym > WSQ_SYM_ZRUN16 && sym < 255) {
			cursor_put(&c, (int32_t)sym - WSQ_SYM_VAL_BIAS);
			k++;
			continue;
		} else {
			return -EBADMSG;
		}
		if (ret)
			break;
		if (v > n - k)
			return -EBADMSG;
		cursor_skip(&c, v);	/* the image is zeroed */
		k += v;
	}
	if (ret)
		return ret;
	d->rd.pos = end;
	return 0;
}

static int read_sob(struct dec *d)
{
	struct wsq_rd s;
	unsigned int table;
	int b = d->nblocks, ret;

	if (!d->have_sof || !d->have_dqt || !d->have_dtt || b >= WSQ_BLOCKS)
		return -EBADMSG;
	ret = segment(d, &s);
	if (!ret)
		ret = wsq_get8(&s, &table);
	if (ret)
		return ret;
	if (s.pos != s.len || table >= WSQ_MAX_TABLES || !d->tab[table].defined)
		return -EBADMSG;

	size_t n = 0;
	for (int k = wsq_block_start[b]; k < wsq_block_start[b + 1]; k++)
		if (d->qv.q[k] != 0)
			n += (size_t)d->l.band[k].w * d->l.band[k].h;
	d->nblocks++;
	return decode_block(d, &d->tab[table], b, n);
}

static int finish(struct dec *d, struct biounit_image **out)
{
	size_t npix = (size_t)d->width * d->height;
	struct biounit_image *im = NULL;
	int ret;

	if (!d->img) {
		d->img = calloc(npix, sizeof(float));
		if (!d->img)
			return -ENOMEM;
	}
	ret = wsq_reconstruct(d->img, &d->l, &d->f, NULL);
	if (!ret)
		ret = biounit_image_new(d->width, d->height, BIOUNIT_PIX_GREY, &im);
	if (!ret) {
		uint8_t *px = biounit_image_data(im);
		float fr = (float)d->r, fm = (float)d->m;

		for (size_t i = 0; i < npix; i++) {
			float v = d->img[i] * fr + fm + 0.5f;
			px[i] = !(v >= 0) ? 0 : v >= 255 ? 255 : (uint8_t)v;
		}
		*out = im;
	}
	return ret;
}

int biounit_wsq_decode(const uint8_t *data, size_t len, struct biounit_image **out,
		       unsigned int *ppi)
{
	struct dec *d;
	unsigned int marker;
	int ret;

	if (!data || !out)
		return -EINVAL;
	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->rd = (struct wsq_rd){ data, len, 0 };
	ret = wsq_get16(&d->rd, &marker);
	if (!ret && marker != WSQ_SOI)
		ret = -EBADMSG;
	while (!ret) {
		ret = wsq_get16(&d->rd, &marker);
		if (ret)
			break;
		switch (marker) {
		case WSQ_DTT:
			ret = read_dtt(d);
			break;
		case WSQ_DQT:
			ret = read_dqt(d);
			break;
		case WSQ_DHT:
			ret = read_dht(d);
			break;
		case WSQ_COM:
			ret = read_com(d);
			break;
		case WSQ_SOF:
			ret = read_sof(d);
			break;
		case WSQ_SOB:
			ret = read_sob(d);
			break;
		case WSQ_DRT:
			ret = -ENOTSUP;
			break;
		case WSQ_EOI:
			ret = d->nblocks == WSQ_BLOCKS ? 1 : -EBADMSG;
			break;
		default:
			ret = -EBADMSG;
		}
	}
	if (ret == 1)
		ret = finish(d, out);
	if (!ret && ppi)
		*ppi = d->ppi > 0 ? (unsigned int)d->ppi : 0;
	free(d->img);
	free(d);
	return ret;
}
