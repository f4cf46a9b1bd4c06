// SPDX-License-Identifier: GPL-2.0
/*
 * The WSQ filter bank: the symmetric biorthogonal 9/7 pair of the spec
 * (analysis low-pass h0, 9 taps; analysis high-pass h1, 7 taps) applied with
 * whole-sample symmetric extension at both ends of every run
 * (x[-i] = x[i], x[n-1+i] = x[n-1-i]).
 *
 * A run of n samples gives ceil(n/2) low-pass outputs centred on the even
 * samples, L[k] = sum_j h0(j) x[2k+j], and floor(n/2) high-pass outputs
 * centred on the odd ones, H[k] = sum_j h1(j) x[2k+1+j].
 *
 * Synthesis uses g0(j) = (-1)^j h1(j) (7 taps) and g1(j) = (-1)^j h0(j)
 * (9 taps) on the up-sampled bands: v[2k] = L[k], v[2k+1] = H[k], extended
 * the same whole-sample symmetric way, x[m] = sum_j g0(j) vL[m-j] +
 * g1(j) vH[m-j] where vL/vH are v with the other band's samples zeroed. For
 * the symmetric extension above this is the exact inverse of the analysis,
 * for every n >= 2 (the extended signal is periodic with period 2n-2 and the
 * infinite filter bank reconstructs perfectly).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "wsq_internal.h"

/* the spec's analysis filters (centre tap first) */
const struct wsq_filters wsq_spec_filters = {
	.lo = { 0.85269867900940, 0.37740285561265, -0.11062440441842,
		-0.02384946501938, 0.03782845550699 },
	.hi = { 0.78848561640566, -0.41809227322221, -0.04068941760956,
		0.06453888262894 },
};

#define PAD 4

/* whole-sample symmetric reflection of @i into [0, n), n >= 2 */
static inline long ws(long i, long n)
{
	long p = 2 * (n - 1);

	if (i < 0)
		i = -i;
	i %= p;
	return i < n ? i : p - i;
}

struct taps {
	float a0, a1, a2, a3, a4;	/* analysis low h0(0..4) */
	float b0, b1, b2, b3;		/* analysis high h1(0..3) */
	float l0, l1, l2, l3;		/* synthesis low g0(0..3) */
	float h0, h1, h2, h3, h4;	/* synthesis high g1(0..4) */
};

static void make_taps(const struct wsq_filters *f, struct taps *t)
{
	t->a0 = (float)f->lo[0];
	t->a1 = (float)f->lo[1];
	t->a2 = (float)f->lo[2];
	t->a3 = (float)f->lo[3];
	t->a4 = (float)f->lo[4];
	t->b0 = (float)f->hi[0];
	t->b1 = (float)f->hi[1];
	t->b2 = (float)f->hi[2];
	t->b3 = (float)f->hi[3];
	t->l0 = (float)f->hi[0];
	t->l1 = (float)-f->hi[1];
	t->l2 = (float)f->hi[2];
	t->l3 = (float)-f->hi[3];
	t->h0 = (float)f->lo[0];
	t->h1 = (float)-f->lo[1];
	t->h2 = (float)f->lo[2];
	t->h3 = (float)-f->lo[3];
	t->h4 = (float)f->lo[4];
}

/*
 * ---- one run (a row) ----
 * The even and odd samples are split apart first so that every sum below
 * reads consecutive floats (and vectorises).
 */

/* @ev[i] = x[2i], @od[i] = x[2i+1], both valid for i in [-2, n/2 + 2] */
static void analyse_run(const float *restrict ev, const float *restrict od, long n,
			float *restrict lo, float *restrict hi,
			const struct taps *t)
{
	long nl = (n + 1) / 2, nh = n / 2;

	for (long k = 0; k < nl; k++)
		lo[k] = t->a0 * ev[k] + t->a1 * (od[k - 1] + od[k]) + t->a2 * (ev[k - 1] + ev[k + 1]) +
			t->a3 * (od[k - 2] + od[k + 1]) + t->a4 * (ev[k - 2] + ev[k + 2]);
	for (long k = 0; k < nh; k++)
		hi[k] = t->b0 * od[k] + t->b1 * (ev[k] + ev[k + 1]) + t->b2 * (od[k - 1] + od[k + 1]) +
			t->b3 * (ev[k - 1] + ev[k + 2]);
}

/* @L[i] = v[2i], @H[i] = v[2i+1] of the extended interleaved bands; x[2k], x[2k+1] */
static void synth_run(const float *restrict L, const float *restrict H, long n,
		      float *restrict xe, float *restrict xo,
		      const struct taps *t)
{
	long nl = (n + 1) / 2, nh = n / 2;

	for (long k = 0; k < nl; k++)
		xe[k] = t->l0 * L[k] + t->l2 * (L[k - 1] + L[k + 1]) + t->h1 * (H[k - 1] + H[k]) +
			t->h3 * (H[k - 2] + H[k + 1]);
	for (long k = 0; k < nh; k++)
		xo[k] = t->h0 * H[k] + t->h2 * (H[k - 1] + H[k + 1]) + t->h4 * (H[k - 2] + H[k + 2]) +
			t->l1 * (L[k] + L[k + 1]) + t->l3 * (L[k - 1] + L[k + 2]);
}

/* ---- a region: rows ---- */

/* @e: n + 2 PAD + 2 floats; @ev, @od: n / 2 + 2 PAD floats each */
static void rows_forward(float *img, uint32_t stride, const struct wsq_node *nd, float *e,
			 float *ev, float *od, const struct taps *t)
{
	long n = nd->r.w, nl = (n + 1) / 2, nh = n / 2, half = (n + 2 * PAD + 2) / 2;

	for (uint32_t y = 0; y < nd->r.h; y++) {
		float *row = img + (size_t)(nd->r.y + y) * stride + nd->r.x;

		memcpy(e + PAD, row, n * sizeof(float));
		for (long i = 1; i <= PAD; i++)
			e[PAD - i] = row[ws(-i, n)];
		for (long i = 1; i <= PAD + 2; i++)
			e[PAD + n - 1 + i] = row[ws(n - 1 + i, n)];
		/* ev[j] = x[2(j - PAD/2)], od[j] = x[2(j - PAD/2) + 1] */
		for (long j = 0; j < half; j++) {
			ev[j] = e[2 * j];
			od[j] = e[2 * j + 1];
		}
		if (nd->inv_x)
			analyse_run(ev + PAD / 2, od + PAD / 2, n, row + nh, row, t);
		else
			analyse_run(ev + PAD / 2, od + PAD / 2, n, row, row + nl, t);
	}
}

static void rows_inverse(float *img, uint32_t stride, const struct wsq_node *nd, float *e,
			 float *ev, float *od, const struct taps *t)
{
	long n = nd->r.w, nl = (n + 1) / 2, nh = n / 2, half = (n + 2 * PAD + 2) / 2;

	for (uint32_t y = 0; y < nd->r.h; y++) {
		float *row = img + (size_t)(nd->r.y + y) * stride + nd->r.x;
		const float *lo = nd->inv_x ? row + nh : row, *hi = nd->inv_x ? row : row + nl;
		float *v = e + PAD;

		for (long k = 0; k < nh; k++) {
			v[2 * k] = lo[k];
			v[2 * k + 1] = hi[k];
		}
		if (nl > nh)
			v[n - 1] = lo[nl - 1];
		for (long i = 1; i <= PAD; i++)
			v[-i] = v[ws(-i, n)];
		for (long i = 1; i <= PAD + 2; i++)
			v[n - 1 + i] = v[ws(n - 1 + i, n)];
		for (long j = 0; j < half; j++) {
			ev[j] = e[2 * j];
			od[j] = e[2 * j + 1];
		}
		synth_run(ev + PAD / 2, od + PAD / 2, n, e, e + nl, t);
		for (long k = 0; k < nh; k++) {
			row[2 * k] = e[k];
			row[2 * k + 1] = e[nl + k];
		}
		if (nl > nh)
			row[n - 1] = e[nl - 1];
	}
}

/*
 * ---- a region: columns ----
 * Done on strips of STRIP columns, a whole strip row at a time (the inner
 * loops run along a row, so they vectorise), through a strip-sized buffer.
 */
#define STRIP 64

static void cols_forward(float *img, uint32_t stride, const struct wsq_node *nd, float *tmp,
			 const float **pp, const struct taps *t)
{
	long n = nd->r.h, nl = (n + 1) / 2, nh = n / 2;
	const float **rp = pp + PAD;

	for (uint32_t x0 = 0; x0 < nd->r.w; x0 += STRIP) {
		long w = nd->r.w - x0 < STRIP ? nd->r.w - x0 : STRIP;
		float *base = img + (size_t)nd->r.y * stride + nd->r.x + x0;
		float *lo0 = tmp + (size_t)(nd->inv_y ? nh : 0) * STRIP;
		float *hi0 = tmp + (size_t)(nd->inv_y ? 0 : nl) * STRIP;

		for (long i = -PAD; i < n + PAD; i++)
			rp[i] = base + (size_t)ws(i, n) * stride;
		for (long k = 0; k < nl; k++) {
			const float *const *c = rp + 2 * k;
			float *restrict o = lo0 + (size_t)k * STRIP;
			for (long x = 0; x < w; x++)
				o[x] = t->a0 * c[0][x] + t->a1 * (c[-1][x] + c[1][x]) +
				       t->a2 * (c[-2][x] + c[2][x]) + t->a3 * (c[-3][x] + c[3][x]) +
				       t->a4 * (c[-4][x] + c[4][x]);
		}
		for (long k = 0; k < nh; k++) {
			const float *const *c = rp + 2 * k + 1;
			float *restrict o = hi0 + (size_t)k * STRIP;
			for (long x = 0; x < w; x++)
				o[x] = t->b0 * c[0][x] + t->b1 * (c[-1][x] + c[1][x]) +
				       t->b2 * (c[-2][x] + c[2][x]) + t->b3 * (c[-3][x] + c[3][x]);
		}
		for (long y = 0; y < n; y++)
			memcpy(base + (size_t)y * stride, tmp + (size_t)y * STRIP, w * sizeof(float));
	}
}

static void cols_inverse(float *img, uint32_t stride, const struct wsq_node *nd, float *tmp,
			 const float **pp, const struct taps *t)
{
	long n = nd->r.h, nl = (n + 1) / 2, nh = n / 2;
	const float **v = pp + PAD;
	long lo_off = nd->inv_y ? nh : 0, hi_off = nd->inv_y ? 0 : nl;

	for (uint32_t x0 = 0; x0 < nd->r.w; x0 += STRIP) {
		long w = nd->r.w - x0 < STRIP ? nd->r.w - x0 : STRIP;
		float *base = img + (size_t)nd->r.y * stride + nd->r.x + x0;

		for (long m = 0; m < n; m++)
			v[m] = base + (size_t)((m & 1) ? hi_off + m / 2 : lo_off + m / 2) * stride;
		for (long i = 1; i <= PAD; i++) {
			v[-i] = v[ws(-i, n)];
			v[n - 1 + i] = v[ws(n - 1 + i, n)];
		}
		for (long m = 0; m < n; m++) {
			const float *const *c = v + m;
			float *restrict o = tmp + (size_t)m * STRIP;
			if (!(m & 1)) {
				for (long x = 0; x < w; x++)
					o[x] = t->l0 * c[0][x] + t->l2 * (c[-2][x] + c[2][x]) +
					       t->h1 * (c[-1][x] + c[1][x]) +
					       t->h3 * (c[-3][x] + c[3][x]);
			} else {
				for (long x = 0; x < w; x++)
					o[x] = t->h0 * c[0][x] + t->h2 * (c[-2][x] + c[2][x]) +
					       t->h4 * (c[-4][x] + c[4][x]) +
					       t->l1 * (c[-1][x] + c[1][x]) +
					       t->l3 * (c[-3][x] + c[3][x]);
			}
		}
		for (long y = 0; y < n; y++)
			memcpy(base + (size_t)y * stride, tmp + (size_t)y * STRIP, w * sizeof(float));
	}
}

size_t wsq_scratch_floats(const struct wsq_layout *l)
{
	size_t strip = (size_t)STRIP * l->height, row = 2 * ((size_t)l->width + 2 * PAD + 2);

	return strip > row ? strip : row;
}

/* The filter bank over every node: forward (analysis) or inverse (synthesis) */
static int run_filter_bank(float *img, const struct wsq_layout *l, const struct wsq_filters *f,
			   float *scratch, bool inverse)
{
	float *tmp = scratch ? scratch : malloc(wsq_scratch_floats(l) * sizeof(float));
	const float **pp = malloc((l->height + 4 * PAD) * sizeof(*pp));
	float *ev = malloc(((size_t)l->width + 4 * PAD) * sizeof(float));
	float *od = malloc(((size_t)l->width + 4 * PAD) * sizeof(float));
	struct taps t;
	int ret = 0;

	if (!tmp || !pp || !ev || !od) {
		ret = -ENOMEM;
		goto out;
	}
	make_taps(f, &t);
	if (!inverse) {
		for (int i = 0; i < WSQ_NODES; i++) {
			rows_forward(img, l->width, &l->node[i], tmp, ev, od, &t);
			cols_forward(img, l->width, &l->node[i], tmp, pp, &t);
		}
	} else {
		for (int i = WSQ_NODES - 1; i >= 0; i--) {
			cols_inverse(img, l->width, &l->node[i], tmp, pp, &t);
			rows_inverse(img, l->width, &l->node[i], tmp, ev, od, &t);
		}
	}
out:
	if (!scratch)
		free(tmp);
	free(pp);
	free(ev);
	free(od);
	return ret;
}

int wsq_decompose(float *img, const struct wsq_layout *l, const struct wsq_filters *f,
		  float *scratch)
{
	return run_filter_bank(img, l, f, scratch, false);
}

int wsq_reconstruct(float *img, const struct wsq_layout *l, const struct wsq_filters *f,
		  float *scratch)
{
	return run_filter_bank(img, l, f, scratch, true);
}
