// SPDX-License-Identifier: GPL-2.0
/*
 * Measures from the ridge profile of one block (ISO/IEC 29794-4, as NFIQ 2
 * computes them): the block is sampled (nearest pixel) in a window turned so
 * that the ridges run along its short side; averaging along the ridges gives a profile across
 * them. From it:
 *  - FDA: share of the profile's spectrum at the dominant frequency,
 *    (A(F) + 0.3 (A(F-1) + A(F+1))) / sum A;
 *  - LCS: with the linear regression of the profile as threshold, the share of
 *    pixels on the wrong side in the ridge and in the valley zone,
 *    1 - (alpha + beta) / 2, and 0 when ridge or valley width is implausible;
 *  - RVU: ratios of the widths of neighbouring ridges and valleys;
 *  - the ridge period from the spacing of the threshold crossings.
 */
#include <math.h>
#include "finger_internal.h"

#define FQ_MAX_BS 64

/* nearest pixel: every sample is one pixel as captured, so that the
 * classification of LCS and the widths of RVU see the pixels' own noise */
static float sample(const struct fq_image *img, float x, float y)
{
	x = fq_clampf(x + 0.5f, 0.f, (float)img->w - 1.f);
	y = fq_clampf(y + 0.5f, 0.f, (float)img->h - 1.f);
	return img->px[(size_t)y * img->stride + (uint32_t)x];
}

static float fda_of(const float *p, unsigned int n)
{
	float amp[FQ_MAX_BS / 2 + 2] = { 0 }, c[FQ_MAX_BS], s[FQ_MAX_BS];
	float total = 0;
	unsigned int half = n / 2, best = 1;

	for (unsigned int j = 0; j < n; j++) {
		c[j] = cosf(2.f * (float)M_PI * j / n);
		s[j] = sinf(2.f * (float)M_PI * j / n);
	}
	for (unsigned int k = 1; k <= half; k++) {
		float re = 0, im = 0;
		for (unsigned int t = 0; t < n; t++) {
			re += p[t] * c[k * t % n];
			im -= p[t] * s[k * t % n];
		}
		amp[k] = sqrtf(re * re + im * im);
		total += amp[k];
		if (amp[k] > amp[best])
			best = k;
	}
	if (total <= 0)
		return 0.f;
	float peak = amp[best] + 0.3f * (amp[best - 1] + (best < half ? amp[best + 1] : 0.f));
	return fq_clampf(peak / total, 0.f, 1.f);
}

unsigned int fq_block_profile(const struct fq_image *img, uint32_t cx, uint32_t cy, uint32_t bs,
			      struct biounit_finger_block *b, float *ratios)
{
	float v[FQ_MAX_BS][FQ_MAX_BS / 2];
	float prof[FQ_MAX_BS], thr[FQ_MAX_BS];
	unsigned int n = bs > FQ_MAX_BS ? FQ_MAX_BS : bs, m = n / 2;
	float th = b->orientation_deg * (float)M_PI / 180.f;
	float dx = cosf(th), dy = sinf(th);	/* along the ridges */
	float nx = -dy, ny = dx;		/* across */
	float scale = (float)img->ppi / 500.f;

	for (unsigned int t = 0; t < n; t++) {
		float ot = (float)t - (n - 1) / 2.f, sum = 0;
		for (unsigned int s = 0; s < m; s++) {
			float os = (float)s - (m - 1) / 2.f;
			v[t][s] = sample(img, cx + ot * nx + os * dx, cy + ot * ny + os * dy);
			sum += v[t][s];
		}
		prof[t] = sum / m;
	}

	/* threshold: regression line of the profile */
	double st = 0, sp = 0, stt = 0, stp = 0;
	for (unsigned int t = 0; t < n; t++) {
		st += t;
		sp += prof[t];
		stt += (double)t * t;
		stp += (double)t * prof[t];
	}
	double slope = (n * stp - st * sp) / (n * stt - st * st);
	double icpt = (sp - slope * st) / n;
	float mean = (float)(sp / n), centred[FQ_MAX_BS];
	for (unsigned int t = 0; t < n; t++) {
		thr[t] = (float)(icpt + slope * t);
		centred[t] = prof[t] - mean;
	}
	b->fda = fda_of(centred, n);

	/* zones, crossings and runs */
	unsigned int nr = 0, nv = 0, rb = 0, vb = 0, ncross = 0, n_ratios = 0;
	float first = 0, last = 0;
	unsigned int run_start = 0, prev_ridge_w = 0;
	double ridge_sum = 0, valley_sum = 0, ratio_sum = 0;
	unsigned int ridge_runs = 0, valley_runs = 0;

	for (unsigned int t = 0; t < n; t++) {
		int ridge = prof[t] < thr[t];
		for (unsigned int s = 0; s < m; s++) {
			int dark = v[t][s] < thr[t];
			if (ridge) {
				nr++;
				rb += !dark;
			} else {
				nv++;
				vb += dark;
			}
		}
		if (t == 0)
			continue;
		int was_ridge = prof[t - 1] < thr[t - 1];
		if (ridge == was_ridge)
			continue;
		float d0 = prof[t - 1] - thr[t - 1], d1 = prof[t] - thr[t];
		float pos = (float)(t - 1) + d0 / (d0 - d1);
		if (!ncross++)
			first = pos;
		else {
			/* the run that ends here is complete: it began at a crossing */
			unsigned int w = t - run_start;
			if (was_ridge) {
				ridge_sum += w;
				ridge_runs++;
				prev_ridge_w = w;
			} else {
				valley_sum += w;
				valley_runs++;
				if (prev_ridge_w && n_ratios < m) {
					ratios[n_ratios++] = (float)prev_ridge_w / (float)w;
					ratio_sum += (double)prev_ridge_w / w;
				}
				prev_ridge_w = 0;
			}
		}
		last = pos;
		run_start = t;
	}
	b->period = ncross >= 3 ? 2.f * (last - first) / (float)(ncross - 1) : 0.f;
	b->rvu = n_ratios ? (float)(ratio_sum / n_ratios) : 0.f;

	float wr = ridge_runs ? (float)(ridge_sum / ridge_runs) : 0.f;
	float wv = valley_runs ? (float)(valley_sum / valley_runs) : 0.f;
	int plausible = wr >= 2.f * scale && wr <= 12.f * scale && wv >= 2.f * scale &&
			wv <= 12.f * scale;
	if (!plausible || !nr || !nv) {
		b->lcs = 0.f;
	} else {
		float alpha = (float)vb / nv, beta = (float)rb / nr;
		b->lcs = fq_clampf(1.f - (alpha + beta) / 2.f, 0.f, 1.f);
	}
	return n_ratios;
}
