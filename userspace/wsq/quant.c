// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar quantisation of the subbands and the encoder's rate control.
 *
 * The spec's quantiser (its "quantization" section): a coefficient a of
 * subband k with bin width Q_k and zero-bin width Z_k becomes
 *   p = 0                              if |a| <= Z_k/2
 *   p = sign(a) (floor((|a| - Z_k/2) / Q_k) + 1)   otherwise,
 * and the decoder puts back sign(p) ((|p| - C) Q_k + Z_k/2), C the bin centre.
 * Q_k, Z_k and C travel in the DQT segment, so the encoder chooses them.
 *
 * Our choice (not the spec's informative bit allocation, which targets
 * visual quality and overshoots the compression): Q_k = s / sqrt(G_k), G_k
 * the energy a unit coefficient of subband k has after synthesis, so that
 * every subband adds the same mean squared error per coefficient (the
 * high-rate optimum for mean squared error); Z_k = WSQ_ZBIN_RATIO Q_k; the
 * common step s is searched so that the stream meets the requested size;
 * a coefficient that would be a lone +-1 (zeros before it in the scan and
 * after it in its row) and lies less than WSQ_ISOLATED Q_k above the zero bin
 * is sent as zero (it would cost a value and a broken zero run for little
 * error); subbands that quantise to all zeros are not sent (Q_k = 0); C is
 * the value that minimises the mean squared error of the nonzero
 * coefficients. WSQ_ZBIN_RATIO and WSQ_ISOLATED were chosen on a quarter of
 * ../shared's prints at 0.56 bpp (docs/wsq.md).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wsq_internal.h"

#ifndef WSQ_GAIN_EXP
#define WSQ_GAIN_EXP 0.5
#endif
#ifndef WSQ_ISOLATED
#define WSQ_ISOLATED 0.3
#endif
#ifndef WSQ_ZBIN_RATIO
#define WSQ_ZBIN_RATIO 1.4
#endif
#define MAX_ITER 24
#define MAX_P 65535

/* an allocation: the bin width of subband k is s wk[k] for a common step s */
struct alloc {
	float wk[WSQ_BANDS];	/* relative bin widths; 0 = subband not coded */
	float zr;		/* zero-bin width / bin width */
	float iso;		/* lone-value threshold (in bin widths), 0 = off */
	int keep_empty;		/* send subbands that quantise to all zeros */
	float c;		/* bin centre; < 0: the mean squared error optimum */
};

struct est {
	uint32_t freq[2][WSQ_NSYM];
	uint64_t extra;
};

static inline void put_run(struct est *e, int t, uint32_t run)
{
	if (run <= WSQ_SYM_ZRUN_MAX) {
		e->freq[t][run]++;
	} else if (run <= 255) {
		e->freq[t][WSQ_SYM_ZRUN8]++;
		e->extra += 8;
	} else {
		e->freq[t][WSQ_SYM_ZRUN16]++;
		e->extra += 16;
	}
}

static inline void put_val(struct est *e, int t, int32_t p)
{
	if (p >= WSQ_VAL_MIN && p <= WSQ_VAL_MAX) {
		e->freq[t][p + WSQ_SYM_VAL_BIAS]++;
	} else if (p > 0) {
		e->freq[t][p > 255 ? WSQ_SYM_POS16 : WSQ_SYM_POS8]++;
		e->extra += p > 255 ? 16 : 8;
	} else {
		e->freq[t][p < -255 ? WSQ_SYM_NEG16 : WSQ_SYM_NEG8]++;
		e->extra += p < -255 ? 16 : 8;
	}
}

/*
 * Symbol statistics of the coefficients for common step @s (bin width s w_k),
 * from every @step-th row of each subband, scaled up to the whole.
 */
static void estimate(const float *coef, const struct wsq_layout *l, const struct alloc *al,
		     double s, unsigned int step, struct est *e)
{
	const float hz = al->zr / 2, iso = al->iso;
	const float *wk = al->wk;

	memset(e, 0, sizeof(*e));
	for (int b = 0; b < WSQ_BLOCKS; b++) {
		int t = b ? 1 : 0;
		uint32_t run = 0;

		for (int k = wsq_block_start[b]; k < wsq_block_start[b + 1]; k++) {
			const struct wsq_rect *r = &l->band[k];

			if (!(wk[k] > 0))
				continue;	/* not coded */
			const float inv = (float)(1.0 / (s * wk[k]));

			for (uint32_t y = 0; y < r->h; y += step) {
				const float *row = coef + (size_t)(r->y + y) * l->width + r->x;

				for (uint32_t x = 0; x < r->w; x++) {
					float a = fabsf(row[x]) * inv - hz;

					if (a <= 0 || (a < iso && run &&
							(x + 1 == r->w || fabsf(row[x + 1]) * inv <= hz))) {
						/* zero, or a lone smallest value not worth its bits */
						if (++run == 0xFFFF) {
							put_run(e, t, run);
							run = 0;
						}
						continue;
					}
					int32_t p = a >= MAX_P ? MAX_P : (int32_t)a + 1;
					if (row[x] < 0)
						p = -p;
					if (run) {
						put_run(e, t, run);
						run = 0;
					}
					put_val(e, t, p);
				}
			}
		}
		if (run)
			put_run(e, t, run);
	}
	if (step > 1) {
		for (int t = 0; t < 2; t++)
			for (int i = 0; i < WSQ_NSYM; i++)
				e->freq[t][i] *= step;
		e->extra *= step;
	}
}

/* estimated total bits of the stream */
static double total_bits(const struct est *e, double fixed_bits)
{
	double bits = fixed_bits + (double)e->extra;
	uint64_t data = e->extra;

	for (int t = 0; t < 2; t++) {
		struct wsq_huff_spec spec;

		if (wsq_huff_build(e->freq[t], &spec))
			return INFINITY;
		uint64_t c = wsq_huff_cost(e->freq[t], &spec);
		data += c;
		bits += (double)c + 8.0 * (4 + wsq_huff_table_bytes(&spec));
	}
	/* stuffed zero bytes after 0xFF and the padding of the three blocks */
	return bits + (double)data / 256.0 + 3 * 4;
}

/*
 * The finest step worth using: quantised values must fit the stream's 16 bits
 * (a smaller s would clip the largest coefficients).
 */
static double step_floor(const float *coef, const struct wsq_layout *l, const struct alloc *al)
{
	double s_min = 1e-6;

	for (int k = 0; k < WSQ_CODED_BANDS; k++) {
		const struct wsq_rect *r = &l->band[k];
		float m = 0;

		if (!(al->wk[k] > 0))
			continue;
		for (uint32_t y = 0; y < r->h; y++) {
			const float *row = coef + (size_t)(r->y + y) * l->width + r->x;

			for (uint32_t x = 0; x < r->w; x++)
				m = fmaxf(m, fabsf(row[x]));
		}
		if (m / (al->wk[k] * 60000.0) > s_min)
			s_min = m / (al->wk[k] * 60000.0);
	}
	return s_min;
}

/*
 * The common step s for which the whole stream (@fixed_bits of headers plus
 * the coded blocks and their Huffman tables) is at most @target_bits and
 * within 1% of it; the finest step that keeps every value in 16 bits when even
 * that is under the target.
 */
static int search_step(const float *coef, const struct wsq_layout *l, const struct alloc *al,
		       double target_bits, double fixed_bits, double *s_out)
{
	struct est *e = malloc(sizeof(*e));

	if (!e)
		return -ENOMEM;
	/* an image that needs fewer bits than requested at the finest step gets fewer */
	double s_min = step_floor(coef, l, al);

	/*
	 * Search the common step s: the stream's bits fall as s grows, smoothly
	 * in log-log terms. On large images the first passes look at every 4th
	 * row only, until within 8% of the target; then on all of it. Secant
	 * steps until the target is bracketed, then regula falsi with the
	 * Illinois modification; stop within 1% under the target.
	 */
	double s = 4.0 > s_min ? 4.0 : s_min, b, slope = -0.5;
	double lo = 0, flo = 0, hi = 0, fhi = 0, prev_s = 0, prev_f = 0;
	int side = 0;
	unsigned int step = (size_t)l->width * l->height >= 65536 ? 4 : 1;

	for (int it = 0; it < MAX_ITER; it++) {
		estimate(coef, l, al, s, step, e);
		b = total_bits(e, fixed_bits);
		double f = log(b) - log(target_bits), next;

		if (prev_s && prev_f != f && s != prev_s) {
			slope = (f - prev_f) / (log(s) - log(prev_s));
			if (slope > -0.1)
				slope = -0.1;
		}
		if (step > 1) {
			if (fabs(f) < 0.08 || it >= 5) {
				/* close: go on with every row, from a fresh start */
				step = 1;
				prev_s = 0;
				continue;
			}
			prev_s = s;
			prev_f = f;
			next = s * exp(-f / slope);
			s = next > s * 8 ? s * 8 : next < s / 8 ? s / 8 : next;
			if (s < s_min)
				s = s_min;
			continue;
		}
		if (f <= 0) {
			if (!hi || s < hi) {
				hi = s;
				fhi = f;
			}
			if (side == -1 && lo)
				flo /= 2;
			side = -1;
		} else {
			if (!lo || s > lo) {
				lo = s;
				flo = f;
			}
			if (side == 1 && hi)
				fhi /= 2;
			side = 1;
		}
		if (hi && (fhi >= log(0.99) || s <= s_min) && hi == s)
			break;
		if (lo && hi && hi / lo < 1.0005)
			break;
		if (!hi && s >= 1e5)
			break;	/* even all zeros do not fit: the headers exceed the target */
		/* aim half a percent under the target, the middle of where we stop */
		if (lo && hi) {
			double a = log(lo), c = log(hi), aim = 0.005;

			next = exp(a + (c - a) * (flo + aim) / (flo - fhi));
		} else {
			next = s * exp(-(f + 0.005) / slope);
			if (next > s * 8)
				next = s * 8;
			if (next < s / 8)
				next = s / 8;
		}
		prev_s = s;
		prev_f = f;
		s = next > s_min ? next : s_min;
	}
	if (hi)
		s = hi;
	else if (lo)
		s = lo;
	free(e);
	*s_out = s;
	return 0;
}

/* the final quantisation with the transmitted (rounded) Q and Z, in place */
static void quantise(float *coef, const struct wsq_layout *l, const struct alloc *al, double s,
		     struct wsq_quant *qv)
{
	double num = 0, den = 0;

	memset(qv, 0, sizeof(*qv));
	for (int k = 0; k < WSQ_CODED_BANDS; k++) {
		const struct wsq_rect *r = &l->band[k];
		double q = wsq_scaled16_round(s * al->wk[k]);
		double z = wsq_scaled16_round(al->zr * q);
		float fq = (float)q, hz = (float)(z / 2), inv = (float)(1.0 / q);
		int any = 0;
		double bn = 0, bd = 0;
		float iso = (float)(al->iso * q);
		int prev_zero = 0;

		if (!(q > 0) || !(q < 65535))
			continue;
		for (uint32_t y = 0; y < r->h; y++) {
			float *row = coef + (size_t)(r->y + y) * l->width + r->x;

			for (uint32_t x = 0; x < r->w; x++) {
				float c = row[x], a = fabsf(c) - hz;
				int32_t p = 0;

				if (a > 0 && a < iso && prev_zero &&
				    (x + 1 == r->w || fabsf(row[x + 1]) <= hz))
					a = 0;
				prev_zero = a <= 0;
				if (a > 0) {
					float t = a * inv;

					p = t >= MAX_P - 1 ? MAX_P : (int32_t)t + 1;
					float u = a - (float)p * fq;	/* in (-Q, 0] */
					bn += u * fq;
					bd += fq * fq;
					any = 1;
					if (c < 0)
						p = -p;
				}
				row[x] = (float)p;
			}
		}
		if (!any && !al->keep_empty)
			continue;	/* all zeros: not sent */
		qv->q[k] = fq;
		qv->z[k] = (float)z;
		num += bn * l->gain[k];
		den += bd * l->gain[k];
	}
	double c = al->c;

	if (c < 0) {
		c = den > 0 ? -num / den : 0.44;
		if (!(c >= 0))
			c = 0;
		if (c > 0.95)
			c = 0.95;
		c = floor(c * 1000 + 0.5) / 1000;
	}
	qv->c = (float)wsq_scaled16_round(c);
}

int wsq_quantise_for_rate(float *coef, const struct wsq_layout *l, double target_bits,
			  double fixed_bits, struct wsq_quant *qv)
{
	struct alloc al = { .zr = (float)WSQ_ZBIN_RATIO, .iso = (float)WSQ_ISOLATED, .c = -1 };
	double s;
	int ret;

	for (int k = 0; k < WSQ_CODED_BANDS; k++)
		al.wk[k] = (float)pow(l->gain[k], -WSQ_GAIN_EXP);
	ret = search_step(coef, l, &al, target_bits, fixed_bits, &s);
	if (ret)
		return ret;
	quantise(coef, l, &al, s, qv);
	return 0;
}

/*
 * The specification's informative bit allocation (IAFIS-IC-0110's encoder
 * guidelines; NBIS follows them).
 *
 * Variances: each subband's variance is taken over a central window (1/8 of
 * its width in from the left, 9/32 of its height down from the top, 3/4 of
 * its width by 7/16 of its height) - the part of a card's finger box that
 * holds the print - unless the windowed variances of subbands 0..3 sum to
 * under 20000, a faint image, when every subband's whole area is used.
 */
void wsq_spec_variances(const float *coef, const struct wsq_layout *l, double var[WSQ_BANDS])
{
	double vsum = 0;
	int whole = 0;

	memset(var, 0, WSQ_BANDS * sizeof(*var));
	for (int pass = 0; pass < 2; pass++) {
		for (int k = pass ? (whole ? 0 : 4) : 0; k < (pass ? WSQ_CODED_BANDS : 4); k++) {
			const struct wsq_rect *r = &l->band[k];
			uint32_t x0 = r->w / 8, y0 = 9 * r->h / 32, w = 3 * r->w / 4, h = 7 * r->h / 16;
			double s1 = 0, s2 = 0, n;

			if (whole) {
				x0 = y0 = 0;
				w = r->w;
				h = r->h;
			}
			n = (double)w * h;
			for (uint32_t y = 0; y < h; y++) {
				const float *row = coef + (size_t)(r->y + y0 + y) * l->width + r->x + x0;

				for (uint32_t x = 0; x < w; x++) {
					s1 += row[x];
					s2 += (double)row[x] * row[x];
				}
			}
			/* a subband of one coefficient (images near 32 pixels): its square */
			var[k] = n >= 2 ? (s2 - s1 * s1 / n) / (n - 1) : s2;
			if (var[k] < 0)
				var[k] = 0;
			if (!pass)
				vsum += var[k];
		}
		whole = vsum < 20000;
	}
}

/*
 * Relative bin widths Q'_k of the spec: 1 for subbands 0..3, 10 / (A_k ln
 * var_k) for the others, A_k = 1 but for the diagonal-ish subbands 52..59
 * (1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08); 0 for a subband whose
 * variance is under 1.01 (not coded) and for 60..63.
 */
static const double spec_a[8] = { 1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08 };

void wsq_spec_weights(const double var[WSQ_BANDS], double qp[WSQ_BANDS])
{
	for (int k = 0; k < WSQ_BANDS; k++) {
		if (k >= WSQ_CODED_BANDS || !(var[k] >= WSQ_SPEC_VAR_MIN))
			qp[k] = 0;
		else if (k < 4)
			qp[k] = 1;
		else
			qp[k] = 10 / ((k >= 52 ? spec_a[k - 52] : 1.0) * log(var[k]));
	}
}

/*
 * The spec's q for bit rate @r: with m_k the subband's share of the image
 * (1/1024 for 0..3, 1/256 for 4..50, 1/16 for 51..59) and K the subbands
 * still in play (at first all with Q'_k != 0), S = sum m_k and
 * P = prod (sigma_k / Q'_k)^m_k over K, q = 2^(r/S - 1) / 2.5 / P^(1/S);
 * a subband of K whose bin width Q'_k / q would reach 5 sigma_k is given a
 * non-positive rate by this model and leaves K, and q is computed again until
 * none leaves. Q_k = Q'_k / q for every subband with Q'_k != 0 (those that
 * left K included), Z_k = 1.2 Q_k. Returns q (0 when no subband is coded).
 */
double wsq_spec_q(const double var[WSQ_BANDS], const double qp[WSQ_BANDS], double r)
{
	int in[WSQ_BANDS];
	double q = 0;

	for (int k = 0; k < WSQ_BANDS; k++)
		in[k] = qp[k] > 0;
	for (int it = 0; it <= WSQ_BANDS; it++) {
		double sm = 0, logp = 0;
		int left = 0;

		for (int k = 0; k < WSQ_CODED_BANDS; k++) {
			if (!in[k])
				continue;
			double m = k < 4 ? 1.0 / 1024 : k < 51 ? 1.0 / 256 : 1.0 / 16;

			sm += m;
			logp += m * log(sqrt(var[k]) / qp[k]);
		}
		if (sm <= 0)
			return q;	/* every subband left: keep the last q */
		q = exp2(r / sm - 1) / 2.5 / exp(logp / sm);
		for (int k = 0; k < WSQ_CODED_BANDS; k++)
			if (in[k] && qp[k] / q >= 5 * sqrt(var[k])) {
				in[k] = 0;
				left = 1;
			}
		if (!left)
			break;
	}
	return q;
}

int wsq_quantise_spec(float *coef, const struct wsq_layout *l, double bitrate, int search,
		      double target_bits, double fixed_bits, struct wsq_quant *qv)
{
	struct alloc al = { .zr = 1.2f, .iso = 0, .keep_empty = 1, .c = WSQ_SPEC_C };
	double var[WSQ_BANDS], qp[WSQ_BANDS], s;
	int ret;

	wsq_spec_variances(coef, l, var);
	wsq_spec_weights(var, qp);
	for (int k = 0; k < WSQ_BANDS; k++)
		al.wk[k] = (float)qp[k];
	if (search) {
		/* the spec's relative widths, the common scale searched on the coded size */
		ret = search_step(coef, l, &al, target_bits, fixed_bits, &s);
		if (ret)
			return ret;
	} else {
		double q = wsq_spec_q(var, qp, bitrate);

		s = q > 0 ? 1 / q : 0;
		/* at high rates: never so fine that values would not fit 16 bits */
		if (s > 0 && s < step_floor(coef, l, &al))
			s = step_floor(coef, l, &al);
	}
	quantise(coef, l, &al, s, qv);
	return 0;
}
