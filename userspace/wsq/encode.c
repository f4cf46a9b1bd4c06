// SPDX-License-Identifier: GPL-2.0
/*
 * biounit_wsq_encode(): one grey image to a WSQ stream.
 *
 * Stream: SOI, COM (a NISTCOM text with the size and the resolution), DTT,
 * DQT, SOF, then DHT 0 + SOB(table 0) + block 1 (subbands 0..18), DHT 1 +
 * SOB(table 1) + block 2 (19..51), SOB(table 1) + block 3 (52..59), EOI.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wsq/wsq.h"
#include "wsq_internal.h"

#define WSQ_ENCODER_ID 2	/* "encoder number" of the SOF segment */
#define WSQ_SOFTWARE_ID 0	/* no registered software implementation number */

static void put_scaled(struct wsq_buf *b, double v, int wide)
{
	struct wsq_scaled s;

	if (wsq_scaled_from(v, wide ? 0xffffffffu : 65535u, &s)) {
		b->err = b->err ? b->err : -ERANGE;
		return;
	}
	wsq_put8(b, s.scale);
	if (wide)
		wsq_put32(b, s.mant);
	else
		wsq_put16(b, s.mant);
}

static void put_comment(struct wsq_buf *b, const struct biounit_image_view *v, unsigned int ppi,
			float bitrate)
{
	char text[256];
	int n = snprintf(text, sizeof(text),
			 "NIST_COM 9\nPIX_WIDTH %u\nPIX_HEIGHT %u\nPIX_DEPTH 8\nPPI %d\nLOSSY 1\n"
			 "COLORSPACE GRAY\nCOMPRESSION WSQ\nWSQ_BITRATE %f",
			 v->width, v->height, ppi ? (int)ppi : -1, (double)bitrate);

	if (n < 0 || (size_t)n >= sizeof(text)) {
		b->err = -EINVAL;
		return;
	}
	wsq_put16(b, WSQ_COM);
	wsq_put16(b, 2 + (unsigned int)n);
	wsq_put_bytes(b, text, (size_t)n);
}

static void put_dtt(struct wsq_buf *b, const struct wsq_filters *f)
{
	wsq_put16(b, WSQ_DTT);
	wsq_put16(b, 58);
	wsq_put8(b, 9);
	wsq_put8(b, 7);
	for (int i = 0; i < 5; i++) {
		wsq_put8(b, f->lo[i] < 0);
		put_scaled(b, fabs(f->lo[i]), 1);
	}
	for (int i = 0; i < 4; i++) {
		wsq_put8(b, f->hi[i] < 0);
		put_scaled(b, fabs(f->hi[i]), 1);
	}
}

static void put_dqt(struct wsq_buf *b, const struct wsq_quant *qv)
{
	wsq_put16(b, WSQ_DQT);
	wsq_put16(b, 389);
	put_scaled(b, qv->c, 0);
	for (int k = 0; k < WSQ_BANDS; k++) {
		put_scaled(b, qv->q[k], 0);
		put_scaled(b, qv->z[k], 0);
	}
}

static void put_sof(struct wsq_buf *b, uint32_t w, uint32_t h, double m, double r)
{
	wsq_put16(b, WSQ_SOF);
	wsq_put16(b, 17);
	wsq_put8(b, 0);		/* black */
	wsq_put8(b, 255);	/* white */
	wsq_put16(b, h);
	wsq_put16(b, w);
	put_scaled(b, m, 0);
	put_scaled(b, r, 0);
	wsq_put8(b, WSQ_ENCODER_ID);
	wsq_put16(b, WSQ_SOFTWARE_ID);
}

static void put_dht(struct wsq_buf *b, unsigned int id, const struct wsq_huff_spec *s)
{
	wsq_put16(b, WSQ_DHT);
	wsq_put16(b, (unsigned int)(2 + wsq_huff_table_bytes(s)));
	wsq_put8(b, id);
	wsq_put_bytes(b, s->bits, 16);
	wsq_put_bytes(b, s->vals, s->nvals);
}

static void put_sob(struct wsq_buf *b, unsigned int table)
{
	wsq_put16(b, WSQ_SOB);
	wsq_put16(b, 3);
	wsq_put8(b, table);
}

int biounit_wsq_encode(const struct biounit_image_view *v, float bitrate, unsigned int ppi,
		       uint8_t **out, size_t *out_len)
{
	struct biounit_wsq_encode_opts o = { .bitrate = bitrate, .ppi = ppi,
					     .alloc = BIOUNIT_WSQ_ALLOC_MSE };

	return biounit_wsq_encode_ex(v, &o, out, out_len);
}

/*
 * The image shifted by its mean and scaled into about +-128 (the spec's M
 * and R, both rounded as the frame header stores them) into @img.
 */
static void normalise_image(const struct biounit_image_view *v, float *img, double *m_out,
			    double *r_out)
{
	size_t npix = (size_t)v->width * v->height;
	uint64_t sum = 0;
	int lo = 255, hi = 0;

	for (uint32_t y = 0; y < v->height; y++) {
		const uint8_t *row = v->data + (size_t)y * v->stride;
		for (uint32_t x = 0; x < v->width; x++) {
			sum += row[x];
			lo = row[x] < lo ? row[x] : lo;
			hi = row[x] > hi ? row[x] : hi;
		}
	}
	double m = wsq_scaled16_round((double)sum / (double)npix);
	double r = (m - lo > hi - m ? m - lo : hi - m) / 128.0;
	r = wsq_scaled16_round(r > 0 ? r : 1.0);
	float fm = (float)m, fr = (float)(1.0 / r);
	for (uint32_t y = 0; y < v->height; y++) {
		const uint8_t *row = v->data + (size_t)y * v->stride;
		float *o = img + (size_t)y * v->width;
		for (uint32_t x = 0; x < v->width; x++)
			o[x] = ((float)row[x] - fm) * fr;
	}
	*m_out = m;
	*r_out = r;
}

/*
 * The coded blocks: block 0 with its own Huffman table, blocks 1 and 2 with
 * one shared table built from both, each table written before its first block.
 */
static int write_blocks(struct wsq_buf *b, const float *img, const struct wsq_layout *l,
			const struct wsq_quant *qv)
{
	struct wsq_huff_spec spec;
	struct wsq_huff_code codes;
	int ret;

	for (int blk = 0; blk < WSQ_BLOCKS && !b->err; blk++) {
		if (blk < 2) {
			uint32_t freq[WSQ_NSYM] = { 0 };

			wsq_count_block(img, l, qv, blk, freq);
			if (blk == 1)
				wsq_count_block(img, l, qv, 2, freq);
			ret = wsq_huff_build(freq, &spec);
			if (!ret)
				ret = wsq_huff_codes(&spec, &codes);
			if (ret)
				return ret;
			put_dht(b, (unsigned int)blk, &spec);
		}
		put_sob(b, blk ? 1 : 0);
		if (!b->err) {
			ret = wsq_write_block(b, img, l, qv, blk, &codes);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int biounit_wsq_encode_ex(const struct biounit_image_view *v,
			  const struct biounit_wsq_encode_opts *o, uint8_t **out, size_t *out_len)
{
	struct wsq_layout *l = NULL;
	struct wsq_buf b = { 0 };
	struct wsq_quant qv;
	size_t npix;
	float *img = NULL;
	double m, r;
	int ret;

	if (!o || (o->alloc != BIOUNIT_WSQ_ALLOC_MSE && o->alloc != BIOUNIT_WSQ_ALLOC_SPEC &&
		   o->alloc != BIOUNIT_WSQ_ALLOC_SPEC_RATE))
		return -EINVAL;

	float bitrate = o->bitrate;
	unsigned int ppi = o->ppi;

	if (!v || !out || !out_len || biounit_image_view_check(v) ||
	    v->format != BIOUNIT_PIX_GREY || v->width < WSQ_MIN_SIDE ||
	    v->height < WSQ_MIN_SIDE || v->width > 65535 || v->height > 65535 ||
	    !(bitrate >= 0.1f && bitrate <= 8.0f) || ppi > 65535)
		return -EINVAL;
	*out = NULL;
	*out_len = 0;
	npix = (size_t)v->width * v->height;

	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = wsq_layout_build(l, v->width, v->height);
	if (ret)
		goto out;
	img = malloc(npix * sizeof(*img));
	if (!img) {
		ret = -ENOMEM;
		goto out;
	}
	normalise_image(v, img, &m, &r);
	ret = wsq_decompose(img, l, &wsq_spec_filters, NULL);
	if (ret)
		goto out;

	/* everything but the Huffman tables and the coded data */
	wsq_put16(&b, WSQ_SOI);
	put_comment(&b, v, ppi, bitrate);
	put_dtt(&b, &wsq_spec_filters);
	size_t fixed = b.len + 2 + 389 + 2 + 17 + 3 * 5 + 2;
	double target = (double)bitrate * (double)npix;

	/*
	 * Small images: when the headers take more than the budget, give the
	 * coded data half the requested bits (plus room for two small Huffman
	 * tables) and exceed the request rather than send an empty image.
	 */
	if (target < 8.0 * (double)fixed + 1000 + target / 2)
		target = 8.0 * (double)fixed + 1000 + target / 2;

	if (o->alloc == BIOUNIT_WSQ_ALLOC_MSE)
		ret = wsq_quantise_for_rate(img, l, target, 8.0 * (double)fixed, &qv);
	else
		ret = wsq_quantise_spec(img, l, bitrate, o->alloc == BIOUNIT_WSQ_ALLOC_SPEC_RATE,
					target, 8.0 * (double)fixed, &qv);
	if (ret)
		goto out;
	put_dqt(&b, &qv);
	put_sof(&b, v->width, v->height, m, r);
	ret = write_blocks(&b, img, l, &qv);
	if (ret)
		goto out;
	wsq_put16(&b, WSQ_EOI);
	ret = b.err;
out:
	free(l);
	free(img);
	if (ret) {
		free(b.p);
		return ret;
	}
	*out = b.p;
	*out_len = b.len;
	return 0;
}
