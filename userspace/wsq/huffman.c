// SPDX-License-Identifier: GPL-2.0
/*
 * Huffman coding of the quantised coefficients (spec: the Huffman coding
 * categories and the DHT segment; the code construction is JPEG's, ITU-T
 * T.81 Annex C and K.2/K.3).
 *
 * Symbols: 1..100 a run of that many zeros; 101/102 an 8-bit magnitude
 * follows, positive/negative; 103/104 the same with 16 bits; 105/106 a run
 * of zeros whose 8-/16-bit length follows; 107..254 the value symbol-180
 * (-73..74, not 0). Codes are canonical (shortest first, in the order the
 * table lists the symbols), at most 16 bits, and no code is all ones (the
 * bits that pad the last byte of a block are ones).
 * Coded bytes 0xFF are followed by a stuffed 0x00.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "wsq_internal.h"

/* ---- symbols of a block ---- */

static inline unsigned int value_extra(int32_t v, unsigned int *sym)
{
	if (v >= WSQ_VAL_MIN && v <= WSQ_VAL_MAX) {
		*sym = (unsigned int)(v + WSQ_SYM_VAL_BIAS);
		return 0;
	}
	if (v > 0) {
		*sym = v > 255 ? WSQ_SYM_POS16 : WSQ_SYM_POS8;
		return v > 255 ? 16 : 8;
	}
	*sym = v < -255 ? WSQ_SYM_NEG16 : WSQ_SYM_NEG8;
	return v < -255 ? 16 : 8;
}

static inline unsigned int run_extra(uint32_t run, unsigned int *sym)
{
	if (run <= WSQ_SYM_ZRUN_MAX) {
		*sym = run;
		return 0;
	}
	*sym = run <= 255 ? WSQ_SYM_ZRUN8 : WSQ_SYM_ZRUN16;
	return run <= 255 ? 8 : 16;
}

struct bitw {
	struct wsq_buf *b;
	uint64_t acc;
	unsigned int n;
};

static inline void bw_flush_bytes(struct bitw *w)
{
	while (w->n >= 8) {
		unsigned int byte = (unsigned int)(w->acc >> (w->n - 8)) & 0xff;

		w->n -= 8;
		w->b->p[w->b->len++] = (uint8_t)byte;
		if (byte == 0xff)
			w->b->p[w->b->len++] = 0;
	}
}

static inline int bw_put(struct bitw *w, uint32_t bits, unsigned int len)
{
	if (w->b->cap - w->b->len < 16 && wsq_buf_reserve(w->b, 4096))
		return w->b->err;
	w->acc = (w->acc << len) | (bits & ((1u << len) - 1));
	w->n += len;
	bw_flush_bytes(w);
	return 0;
}

/*
 * The symbols of block @blk: its subbands with q != 0 in order, row by row,
 * the quantised values stored as floats in @coef at the subband's place.
 * Counted into @freq, or written with @c into @w.
 */
static int code_block(const float *coef, const struct wsq_layout *l, const struct wsq_quant *qv,
		      int blk, uint32_t *freq, struct bitw *w, const struct wsq_huff_code *c)
{
	uint32_t run = 0;
	unsigned int sym, extra;
	int ret = 0;

#define EMIT(s_, bits_, n_)                                                     \
	do {                                                                    \
		if (freq) {                                                     \
			freq[s_]++;                                             \
		} else {                                                        \
			ret = bw_put(w, c->code[s_], c->len[s_]);               \
			if (!ret && (n_))                                       \
				ret = bw_put(w, (bits_), (n_));                 \
			if (ret)                                                \
				return ret;                                     \
		}                                                               \
	} while (0)

	for (int k = wsq_block_start[blk]; k < wsq_block_start[blk + 1]; k++) {
		const struct wsq_rect *r = &l->band[k];

		if (qv->q[k] == 0)
			continue;
		for (uint32_t y = 0; y < r->h; y++) {
			const float *row = coef + (size_t)(r->y + y) * l->width + r->x;

			for (uint32_t x = 0; x < r->w; x++) {
				int32_t p = (int32_t)row[x];

				if (!p) {
					if (++run == 0xFFFF) {
						extra = run_extra(run, &sym);
						EMIT(sym, run, extra);
						run = 0;
					}
					continue;
				}
				if (run) {
					extra = run_extra(run, &sym);
					EMIT(sym, run, extra);
					run = 0;
				}
				extra = value_extra(p, &sym);
				EMIT(sym, (uint32_t)(p < 0 ? -p : p), extra);
			}
		}
	}
	if (run) {
		extra = run_extra(run, &sym);
		EMIT(sym, run, extra);
	}
#undef EMIT
	return ret;
}

void wsq_count_block(const float *coef, const struct wsq_layout *l, const struct wsq_quant *qv,
		     int blk, uint32_t freq[WSQ_NSYM])
{
	code_block(coef, l, qv, blk, freq, NULL, NULL);
}

int wsq_write_block(struct wsq_buf *b, const float *coef, const struct wsq_layout *l,
		    const struct wsq_quant *qv, int blk, const struct wsq_huff_code *c)
{
	struct bitw w = { b, 0, 0 };
	int ret;

	if (wsq_buf_reserve(b, 4096))
		return b->err;
	ret = code_block(coef, l, qv, blk, NULL, &w, c);
	if (!ret && w.n % 8)
		ret = bw_put(&w, 0xff, 8 - w.n % 8);	/* pad with ones */
	return ret;
}

/* ---- code lengths ---- */

struct hnode {
	uint64_t f;
	int sym;	/* >= 0 leaf, else -1 */
	int left, right;
};

static int cmp_leaf(const void *a, const void *b)
{
	const struct hnode *x = a, *y = b;

	if (x->f != y->f)
		return x->f < y->f ? -1 : 1;
	return x->sym > y->sym ? -1 : x->sym < y->sym;	/* reserved (256) first = longest */
}

/* depth of every leaf of the tree rooted at @root, iteratively */
static void depths(const struct hnode *nd, int root, unsigned int depth_of[WSQ_NSYM + 1])
{
	int stack[2 * (WSQ_NSYM + 1)], dstack[2 * (WSQ_NSYM + 1)], sp = 0;

	stack[sp] = root;
	dstack[sp++] = 0;
	while (sp) {
		int i = stack[--sp], d = dstack[sp];

		if (nd[i].sym >= 0) {
			depth_of[nd[i].sym] = d ? (unsigned int)d : 1;
			continue;
		}
		stack[sp] = nd[i].left;
		dstack[sp++] = d + 1;
		stack[sp] = nd[i].right;
		dstack[sp++] = d + 1;
	}
}

struct symrank {
	uint64_t f;
	unsigned int sym;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct symrank *x = a, *y = b;

	if (x->f != y->f)
		return x->f > y->f ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

int wsq_huff_build(const uint32_t freq[WSQ_NSYM], struct wsq_huff_spec *spec)
{
	struct hnode nd[2 * (WSQ_NSYM + 1)];
	unsigned int depth_of[WSQ_NSYM + 1] = { 0 };
	unsigned int count[64] = { 0 };
	struct symrank rank[WSQ_NSYM];
	int nleaf = 0, nnode, leaf_i = 0, int_i, int_end;
	unsigned int nsym = 0;

	for (unsigned int s = 1; s < 255; s++)
		if (freq[s])
			nd[nleaf++] = (struct hnode){ freq[s], (int)s, -1, -1 };
	if (!nleaf)	/* an empty block: one dummy symbol */
		nd[nleaf++] = (struct hnode){ 1, 1, -1, -1 };
	nd[nleaf++] = (struct hnode){ 0, WSQ_NSYM, -1, -1 };	/* reserved all-ones code */
	qsort(nd, nleaf, sizeof(nd[0]), cmp_leaf);

	/* two-queue Huffman: leaves sorted, internal nodes created in order */
	nnode = nleaf;
	int_i = int_end = nleaf;
	while ((nleaf - leaf_i) + (int_end - int_i) > 1) {
		int pick[2];

		for (int k = 0; k < 2; k++) {
			if (leaf_i < nleaf && (int_i >= int_end || nd[leaf_i].f <= nd[int_i].f))
				pick[k] = leaf_i++;
			else
				pick[k] = int_i++;
		}
		nd[nnode] = (struct hnode){ nd[pick[0]].f + nd[pick[1]].f, -1, pick[0], pick[1] };
		nnode++;
		int_end = nnode;
	}
	depths(nd, nnode - 1, depth_of);

	for (int i = 0; i < nleaf; i++)
		count[depth_of[nd[i].sym]]++;
	/* limit to 16 bits (T.81 K.3) */
	for (int i = 63; i > 16; i--) {
		while (count[i] > 0) {
			int j = i - 2;

			while (j > 0 && count[j] == 0)
				j--;
			if (j <= 0)
				return -EINVAL;
			count[i] -= 2;
			count[i - 1] += 1;
			count[j + 1] += 2;
			count[j] -= 1;
		}
	}
	/* drop the reserved code from the longest length */
	for (int i = 16; i > 0; i--)
		if (count[i]) {
			count[i]--;
			break;
		}

	/* most frequent symbols get the shortest codes */
	for (int i = 0; i < nleaf; i++)
		if (nd[i].sym < WSQ_NSYM)
			rank[nsym++] = (struct symrank){ nd[i].f, (unsigned int)nd[i].sym };
	qsort(rank, nsym, sizeof(rank[0]), cmp_rank);
	memset(spec, 0, sizeof(*spec));
	unsigned int k = 0;
	for (int len = 1; len <= 16; len++) {
		spec->bits[len - 1] = (uint8_t)count[len];
		for (unsigned int c = 0; c < count[len] && k < nsym; c++, k++)
			spec->vals[k] = (uint8_t)rank[k].sym;
	}
	spec->nvals = k;
	return k == nsym ? 0 : -EINVAL;
}

size_t wsq_huff_table_bytes(const struct wsq_huff_spec *spec)
{
	return 1 + 16 + spec->nvals;
}

uint64_t wsq_huff_cost(const uint32_t freq[WSQ_NSYM], const struct wsq_huff_spec *spec)
{
	uint64_t bits = 0;
	unsigned int k = 0;

	for (int len = 1; len <= 16; len++)
		for (unsigned int c = 0; c < spec->bits[len - 1]; c++, k++)
			bits += (uint64_t)freq[spec->vals[k]] * len;
	return bits;
}

int wsq_huff_codes(const struct wsq_huff_spec *spec, struct wsq_huff_code *codes)
{
	uint32_t code = 0;
	unsigned int k = 0;

	memset(codes, 0, sizeof(*codes));
	for (int len = 1; len <= 16; len++) {
		for (unsigned int c = 0; c < spec->bits[len - 1]; c++, k++) {
			if (k >= spec->nvals || code >= (1u << len))
				return -EBADMSG;
			codes->code[spec->vals[k]] = (uint16_t)code++;
			codes->len[spec->vals[k]] = (uint8_t)len;
		}
		code <<= 1;
	}
	return 0;
}

int wsq_huff_dec_init(const struct wsq_huff_spec *spec, struct wsq_huff_dec *dec)
{
	uint32_t code = 0;
	unsigned int k = 0;

	memset(dec, 0, sizeof(*dec));
	memcpy(dec->vals, spec->vals, sizeof(dec->vals));
	for (int len = 1; len <= 16; len++) {
		unsigned int n = spec->bits[len - 1];

		dec->mincode[len] = (int32_t)code;
		dec->maxcode[len] = n ? (int32_t)(code + n - 1) : -1;
		dec->valoff[len] = (int32_t)k;
		if (k + n > spec->nvals || code + n > (1u << len))
			return -EBADMSG;
		for (unsigned int c = 0; c < n; c++) {
			if (len <= WSQ_LUT_BITS) {
				uint32_t first = (code + c) << (WSQ_LUT_BITS - len);

				for (uint32_t e = 0; e < (1u << (WSQ_LUT_BITS - len)); e++)
					dec->lut[first + e] =
						(uint16_t)((unsigned int)len << 8 | spec->vals[k + c]);
			}
		}
		k += n;
		code = (code + n) << 1;
	}
	dec->defined = 1;
	return 0;
}
