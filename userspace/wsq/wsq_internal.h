/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit WSQ codec, internal interfaces (see docs/wsq.md).
 *
 *   layout.c   the 20 transform nodes and the 64 subbands of an image size
 *   filter.c   the 9/7 analysis and synthesis filter bank over the nodes
 *   quant.c    scalar quantisation, bit allocation and rate control
 *   huffman.c  code lengths, canonical codes, the decoding tables
 *   stream.c   the byte writer/reader, scaled numbers, marker segments
 *   encode.c   biounit_wsq_encode()
 *   decode.c   biounit_wsq_decode()
 *
 * Written from the WSQ specification (IAFIS-IC-0110 v3) and its public
 * descriptions; no code of other implementations.
 */
#ifndef BIOUNIT_WSQ_INTERNAL_H
#define BIOUNIT_WSQ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* markers (the spec's table of marker codes) */
#define WSQ_SOI 0xFFA0
#define WSQ_EOI 0xFFA1
#define WSQ_SOF 0xFFA2
#define WSQ_SOB 0xFFA3
#define WSQ_DTT 0xFFA4
#define WSQ_DQT 0xFFA5
#define WSQ_DHT 0xFFA6
#define WSQ_DRT 0xFFA7
#define WSQ_COM 0xFFA8

#define WSQ_NODES 20
#define WSQ_BANDS 64
#define WSQ_CODED_BANDS 60	/* subbands 60..63 are never transmitted */
#define WSQ_BLOCKS 3
#define WSQ_MIN_SIDE 32u
#define WSQ_MAX_TABLES 8

/* Huffman symbol classes (spec: the "Huffman coding categories") */
#define WSQ_SYM_ZRUN_MAX 100	/* 1..100: that many zero coefficients */
#define WSQ_SYM_POS8 101
#define WSQ_SYM_NEG8 102
#define WSQ_SYM_POS16 103
#define WSQ_SYM_NEG16 104
#define WSQ_SYM_ZRUN8 105
#define WSQ_SYM_ZRUN16 106
#define WSQ_SYM_VAL_BIAS 180	/* 107..254: value = symbol - 180, -73..74 */
#define WSQ_VAL_MIN (-73)
#define WSQ_VAL_MAX 74
#define WSQ_NSYM 256

struct wsq_rect {
	uint32_t x, y, w, h;
};

struct wsq_node {
	struct wsq_rect r;
	uint8_t inv_x, inv_y;	/* high-pass output first (spectrally inverted) */
};

struct wsq_layout {
	uint32_t width, height;
	struct wsq_node node[WSQ_NODES];	/* in the order the encoder applies them */
	struct wsq_rect band[WSQ_BANDS];
	float gain[WSQ_BANDS];	/* energy of a unit coefficient after synthesis */
};

/* first subband of block 1, 2, 3 and the end */
extern const uint8_t wsq_block_start[WSQ_BLOCKS + 1];

int wsq_layout_build(struct wsq_layout *l, uint32_t width, uint32_t height);

/* Analysis filters as transmitted: lo[0..4] = h0(0..4), hi[0..3] = h1(0..3) (symmetric). */
struct wsq_filters {
	double lo[5], hi[4];
};
extern const struct wsq_filters wsq_spec_filters;

/* floats of scratch space the transforms need */
size_t wsq_scratch_floats(const struct wsq_layout *l);
/* In-place forward transform of @img (stride = width) over all nodes; @scratch may be NULL. */
int wsq_decompose(float *img, const struct wsq_layout *l, const struct wsq_filters *f,
		  float *scratch);
/* In-place inverse transform. */
int wsq_reconstruct(float *img, const struct wsq_layout *l, const struct wsq_filters *f,
		    float *scratch);

/* Quantiser parameters as transmitted (DQT) */
struct wsq_quant {
	float q[WSQ_BANDS], z[WSQ_BANDS];	/* bin width and zero-bin width, 0 = not coded */
	float c;				/* bin centre */
};

/* A scaled number of the stream: value = mantissa / 10^scale */
struct wsq_scaled {
	uint8_t scale;
	uint32_t mant;
};
int wsq_scaled_from(double v, uint32_t max_mant, struct wsq_scaled *out);
double wsq_scaled_value(struct wsq_scaled s);
/* round @v to what a 16-bit scaled number can carry */
double wsq_scaled16_round(double v);

/* Huffman table as transmitted: bits[i] = number of codes of length i+1 */
struct wsq_huff_spec {
	uint8_t bits[16];
	uint8_t vals[WSQ_NSYM];
	unsigned int nvals;
};
struct wsq_huff_code {
	uint16_t code[WSQ_NSYM];
	uint8_t len[WSQ_NSYM];	/* 0 = symbol not in the table */
};
#define WSQ_LUT_BITS 10
struct wsq_huff_dec {
	uint16_t lut[1 << WSQ_LUT_BITS];	/* (len << 8) | symbol, 0 = longer code */
	int32_t mincode[17], maxcode[17];	/* per length; maxcode -1: none */
	int32_t valoff[17];
	uint8_t vals[WSQ_NSYM];
	uint8_t defined;
};

/* code lengths (<= 16, no all-ones code) for @freq; returns 0 */
int wsq_huff_build(const uint32_t freq[WSQ_NSYM], struct wsq_huff_spec *spec);
/* total bits of the symbols of @freq with the lengths of @spec */
uint64_t wsq_huff_cost(const uint32_t freq[WSQ_NSYM], const struct wsq_huff_spec *spec);
int wsq_huff_codes(const struct wsq_huff_spec *spec, struct wsq_huff_code *codes);
int wsq_huff_dec_init(const struct wsq_huff_spec *spec, struct wsq_huff_dec *dec);

/* growing output buffer */
struct wsq_buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};
void wsq_put8(struct wsq_buf *b, unsigned int v);
void wsq_put16(struct wsq_buf *b, unsigned int v);
void wsq_put32(struct wsq_buf *b, uint32_t v);
void wsq_put_bytes(struct wsq_buf *b, const void *src, size_t n);
int wsq_buf_reserve(struct wsq_buf *b, size_t extra);

/* bounds-checked reader */
struct wsq_rd {
	const uint8_t *p;
	size_t len, pos;
};
int wsq_get8(struct wsq_rd *r, unsigned int *v);
int wsq_get16(struct wsq_rd *r, unsigned int *v);
int wsq_get32(struct wsq_rd *r, uint32_t *v);

/*
 * Symbol counting and coding of block @blk (0..2) of quantised coefficients,
 * stored as floats in place of the subbands' coefficients of @coef.
 */
void wsq_count_block(const float *coef, const struct wsq_layout *l, const struct wsq_quant *qv,
		     int blk, uint32_t freq[WSQ_NSYM]);
int wsq_write_block(struct wsq_buf *b, const float *coef, const struct wsq_layout *l,
		    const struct wsq_quant *qv, int blk, const struct wsq_huff_code *c);

/*
 * Encoder's choice of quantiser: the largest common step for which the whole
 * stream (@fixed_bits of headers plus the coded blocks and their Huffman
 * tables) fits @target_bits. Fills @qv and replaces the coefficients of the
 * coded subbands (q != 0) in @coef by their quantised values.
 */
int wsq_quantise_for_rate(float *coef, const struct wsq_layout *l, double target_bits,
			  double fixed_bits, struct wsq_quant *qv);
/*
 * The specification's informative bit allocation (quant.c): subband
 * variances (windowed as the spec says), relative bin widths Q'_k, the
 * closed-form scale q for a bit rate (Q_k = Q'_k / q). wsq_quantise_spec()
 * quantises like wsq_quantise_for_rate() with Q_k = Q'_k / q, Z_k = 1.2 Q_k,
 * C = 0.44: q from the spec's formula for @bitrate, or, with @search, the
 * common scale searched so that the stream meets @target_bits.
 */
#define WSQ_SPEC_VAR_MIN 1.01	/* subbands of smaller variance are not coded */
#define WSQ_SPEC_C 0.44f	/* bin centre */
void wsq_spec_variances(const float *coef, const struct wsq_layout *l, double var[WSQ_BANDS]);
void wsq_spec_weights(const double var[WSQ_BANDS], double qp[WSQ_BANDS]);
double wsq_spec_q(const double var[WSQ_BANDS], const double qp[WSQ_BANDS], double bitrate);
int wsq_quantise_spec(float *coef, const struct wsq_layout *l, double bitrate, int search,
		      double target_bits, double fixed_bits, struct wsq_quant *qv);
/* bytes of a DHT table entry for @spec (Th, 16 counts, values) */
size_t wsq_huff_table_bytes(const struct wsq_huff_spec *spec);

#endif /* BIOUNIT_WSQ_INTERNAL_H */
