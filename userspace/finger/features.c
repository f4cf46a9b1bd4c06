// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-print features from the block measures: mean, standard deviation and
 * 10th percentile over the foreground blocks (NFIQ 2 summarises each measure by
 * mean and standard deviation), quartiles (in place of NFIQ 2's 10-bin
 * histograms), minutiae measured in windows centred on them, grey statistics
 * (NFIQ 2 "Mu", "MMB", "ImgProcROIArea_Mean"), foreground area, coherence (NFIQ 2
 * "OrientationMap_ROIFilter_CoherenceRel/Sum") and minutiae statistics
 * (NFIQ 2 "FingerJetFX_MinutiaeCount", "..._MinCount_COMMinRect200x200",
 * "FJFXPos_OCL_MinutiaeQuality_80", "FJFXPos_Mu_MinutiaeQuality_2").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "finger_internal.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* mean, standard deviation and 10th percentile of v[0..n); sorts v */
static void summarise(float *v, size_t n, double *mean, double *sd, double *p10)
{
	double s = 0, s2 = 0;

	if (!n) {
		*mean = 0;
		if (sd)
			*sd = 0;
		if (p10)
			*p10 = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		s += v[i];
		s2 += (double)v[i] * v[i];
	}
	*mean = s / n;
	if (sd)
		*sd = sqrt(fmax(0.0, s2 / n - *mean * *mean));
	if (p10) {
		qsort(v, n, sizeof(*v), cmp_float);
		*p10 = v[(size_t)(0.1 * (n - 1))];
	}
}

/* value at quantile @q of the sorted v[0..n) (n > 0) */
static double quantile(const float *v, size_t n, double q)
{
	return v[(size_t)(q * (double)(n - 1))];
}

/* Grey mean and standard deviation of the whole image (NFIQ 2 "Mu") */
static void grey_statistics(const struct fq_image *img, double *f)
{
	uint64_t s = 0, s2 = 0;
	for (uint32_t y = 0; y < img->h; y++) {
		const uint8_t *row = img->px + (size_t)y * img->stride;
		for (uint32_t x = 0; x < img->w; x++) {
			s += row[x];
			s2 += (uint32_t)row[x] * row[x];
		}
	}
	double npx = (double)img->w * img->h;
	f[BIOUNIT_FINGER_MU] = (double)s / npx;
	f[BIOUNIT_FINGER_SIGMA] =
		sqrt(fmax(0.0, (double)s2 / npx - f[BIOUNIT_FINGER_MU] * f[BIOUNIT_FINGER_MU]));
}

/* Block means, coherence and the foreground's areas; returns the foreground blocks */
static size_t foreground_statistics(const struct biounit_finger_report *r, double *f)
{
	const struct fq_image *img = &r->img;
	size_t nb = (size_t)r->cols * r->rows;
	size_t nfg = 0;
	double npx = (double)img->w * img->h;

	double mmb = 0, coh = 0, fg_mean = 0;
	size_t nfull = 0, ngood = 0;
	for (size_t i = 0; i < nb; i++) {
		const struct biounit_finger_block *b = &r->blocks[i];
		uint32_t bx = (uint32_t)(i % r->cols), by = (uint32_t)(i / r->cols);
		if ((bx + 1) * r->bs <= img->w && (by + 1) * r->bs <= img->h) {
			mmb += b->mean;
			nfull++;
		}
		if (b->foreground) {
			coh += b->coherence;
			fg_mean += b->mean;
			nfg++;
			ngood += b->ocl >= 0.7f && b->lcs >= 0.7f;
		}
	}
	f[BIOUNIT_FINGER_MMB] = nfull ? mmb / nfull : f[BIOUNIT_FINGER_MU];
	f[BIOUNIT_FINGER_FG_MEAN] = nfg ? fg_mean / nfg : f[BIOUNIT_FINGER_MU];
	f[BIOUNIT_FINGER_COH_REL] = nfg ? coh / nfg : 0;
	f[BIOUNIT_FINGER_COH_SUM] = coh / (double)nb;

	double mm_per_px = 25.4 / img->ppi;
	f[BIOUNIT_FINGER_FG_AREA] = (double)r->fg_cells * r->cell * r->cell / npx;
	if (f[BIOUNIT_FINGER_FG_AREA] > 1)
		f[BIOUNIT_FINGER_FG_AREA] = 1;
	f[BIOUNIT_FINGER_FG_AREA_MM2] = f[BIOUNIT_FINGER_FG_AREA] * npx * mm_per_px * mm_per_px;
	f[BIOUNIT_FINGER_GOOD_AREA_MM2] = (double)ngood * r->bs * r->bs * mm_per_px * mm_per_px;
	f[BIOUNIT_FINGER_GOOD_FRACTION] = nfg ? (double)ngood / nfg : 0;
	return nfg;
}

/*
 * The distributions of the block measures over the @nfg foreground blocks (mean,
 * deviation, percentiles), the ridge period and the ridge-valley uniformity of
 * the @n_ratios @ratios; @buf has room for every block and every ratio.
 */
static void block_distributions(const struct biounit_finger_report *r, size_t nfg, float *buf,
				const float *ratios, unsigned int n_ratios, double *f)
{
	size_t nb = (size_t)r->cols * r->rows;

#define COLLECT(field)                                  \
	do {                                            \
		size_t k_ = 0;                          \
		for (size_t i = 0; i < nb; i++)         \
			if (r->blocks[i].foreground)    \
				buf[k_++] = r->blocks[i].field; \
	} while (0)
	COLLECT(stddev);
	summarise(buf, nfg, &f[BIOUNIT_FINGER_FG_LOCAL_STD], &f[BIOUNIT_FINGER_FG_LOCAL_STD_SD],
		  NULL);
	/* summarise() with a 10th percentile leaves buf sorted */
#define QUARTILES(a, b, c, qa, qb, qc)                        \
	do {                                                  \
		if (nfg) {                                    \
			f[a] = quantile(buf, nfg, qa);        \
			f[b] = quantile(buf, nfg, qb);        \
			f[c] = quantile(buf, nfg, qc);        \
		}                                             \
	} while (0)
	COLLECT(ocl);
	summarise(buf, nfg, &f[BIOUNIT_FINGER_OCL_MEAN], &f[BIOUNIT_FINGER_OCL_SD],
		  &f[BIOUNIT_FINGER_OCL_P10]);
	QUARTILES(BIOUNIT_FINGER_OCL_P25, BIOUNIT_FINGER_OCL_P50, BIOUNIT_FINGER_OCL_P75,
		  0.25, 0.5, 0.75);
	COLLECT(lcs);
	summarise(buf, nfg, &f[BIOUNIT_FINGER_LCS_MEAN], &f[BIOUNIT_FINGER_LCS_SD],
		  &f[BIOUNIT_FINGER_LCS_P10]);
	QUARTILES(BIOUNIT_FINGER_LCS_P25, BIOUNIT_FINGER_LCS_P50, BIOUNIT_FINGER_LCS_P75,
		  0.25, 0.5, 0.75);
	COLLECT(fda);
	summarise(buf, nfg, &f[BIOUNIT_FINGER_FDA_MEAN], &f[BIOUNIT_FINGER_FDA_SD],
		  &f[BIOUNIT_FINGER_FDA_P10]);
	QUARTILES(BIOUNIT_FINGER_FDA_P25, BIOUNIT_FINGER_FDA_P50, BIOUNIT_FINGER_FDA_P75,
		  0.25, 0.5, 0.75);
	double unused;
	COLLECT(ofl);
	summarise(buf, nfg, &f[BIOUNIT_FINGER_OFL_MEAN], &f[BIOUNIT_FINGER_OFL_SD], &unused);
	QUARTILES(BIOUNIT_FINGER_OFL_P50, BIOUNIT_FINGER_OFL_P75, BIOUNIT_FINGER_OFL_P90,
		  0.5, 0.75, 0.9);
	COLLECT(coherence);
	summarise(buf, nfg, &unused, NULL, &unused);
	if (nfg)
		f[BIOUNIT_FINGER_COH_P25] = quantile(buf, nfg, 0.25);
	size_t nrvu = 0;
	for (size_t i = 0; i < nb; i++)
		if (r->blocks[i].foreground && r->blocks[i].rvu > 0)
			buf[nrvu++] = r->blocks[i].rvu;
	summarise(buf, nrvu, &unused, &f[BIOUNIT_FINGER_RVU_BLOCK_SD], NULL);
#undef QUARTILES
#undef COLLECT

	size_t np = 0;
	for (size_t i = 0; i < nb; i++)
		if (r->blocks[i].foreground && r->blocks[i].period > 0)
			buf[np++] = r->blocks[i].period;
	if (np) {
		qsort(buf, np, sizeof(*buf), cmp_float);
		f[BIOUNIT_FINGER_PERIOD] = buf[np / 2];
	}

	memcpy(buf, ratios, n_ratios * sizeof(*buf));
	summarise(buf, n_ratios, &f[BIOUNIT_FINGER_RVU_MEAN], &f[BIOUNIT_FINGER_RVU_SD], NULL);
}

/* Minutiae counts and the quality of their surroundings (NFIQ 2 "FingerJetFX_...", "FJFXPos_...") */
static void minutiae_features(const struct biounit_finger_report *r, double *f)
{
	const struct fq_image *img = &r->img;

	unsigned int nm = r->n_minutiae;
	f[BIOUNIT_FINGER_MINUTIAE] = nm;
	if (nm) {
		double cx = 0, cy = 0, half = 100.0 * img->ppi / 500.0;
		unsigned int com = 0, q_ocl = 0, q_mu = 0, good = 0, l_ocl80 = 0, l_mu = 0;
		unsigned int clear = 0, com_clear = 0;
		double l_ocl = 0;
		for (unsigned int i = 0; i < nm; i++) {
			cx += r->minutiae[i].x;
			cy += r->minutiae[i].y;
		}
		cx /= nm;
		cy /= nm;
		for (unsigned int i = 0; i < nm; i++) {
			const struct biounit_minutia *m = &r->minutiae[i];
			const struct biounit_finger_block *b =
				&r->blocks[((m->y - r->oy) / r->bs) * r->cols + (m->x - r->ox) / r->bs];
			int in_com = fabs(m->x - cx) <= half && fabs(m->y - cy) <= half;
			com += in_com;
			good += m->quality >= 50;
			q_ocl += b->ocl >= 0.8f;
			q_mu += fabs(b->mean - f[BIOUNIT_FINGER_MU]) <= 0.5 * f[BIOUNIT_FINGER_SIGMA];
			/* a block-sized window centred on the minutia, inside the region */
			struct biounit_finger_block lb;
			uint32_t mx = m->x - r->ox, my = m->y - r->oy, hb = r->bs / 2;
			uint32_t wx = mx > hb ? mx - hb : 0, wy = my > hb ? my - hb : 0;
			if (img->w >= r->bs && wx + r->bs > img->w)
				wx = img->w - r->bs;
			if (img->h >= r->bs && wy + r->bs > img->h)
				wy = img->h - r->bs;
			fq_block_orientation(img, wx, wy, r->bs, &lb);
			l_ocl += lb.ocl;
			l_ocl80 += lb.ocl >= 0.8f;
			l_mu += fabs(lb.mean - f[BIOUNIT_FINGER_MU]) <= 0.5 * f[BIOUNIT_FINGER_SIGMA];
			if (lb.ocl >= 0.8f && b->lcs >= 0.7f) {
				clear++;
				com_clear += in_com;
			}
		}
		f[BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL] = l_ocl / nm;
		f[BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL80] = (double)l_ocl80 / nm;
		f[BIOUNIT_FINGER_MINUTIAE_LOCAL_MU] = (double)l_mu / nm;
		f[BIOUNIT_FINGER_MINUTIAE_CLEAR] = clear;
		f[BIOUNIT_FINGER_MINUTIAE_COM_CLEAR] = com_clear;
		f[BIOUNIT_FINGER_MINUTIAE_COM] = com;
		f[BIOUNIT_FINGER_MINUTIAE_Q_OCL] = (double)q_ocl / nm;
		f[BIOUNIT_FINGER_MINUTIAE_Q_MU] = (double)q_mu / nm;
		f[BIOUNIT_FINGER_MINUTIAE_GOOD] = good;
		if (f[BIOUNIT_FINGER_FG_AREA_MM2] > 0)
			f[BIOUNIT_FINGER_MINUTIAE_DENSITY] = nm / f[BIOUNIT_FINGER_FG_AREA_MM2];
	}
}

int fq_features(struct biounit_finger_report *r, const float *ratios, unsigned int n_ratios)
{
	size_t nb = (size_t)r->cols * r->rows;
	float *buf = malloc((nb + n_ratios + 1) * sizeof(*buf));
	double *f = r->feat;
	size_t nfg;

	if (!buf)
		return -ENOMEM;
	memset(r->feat, 0, sizeof(r->feat));
	grey_statistics(&r->img, f);
	nfg = foreground_statistics(r, f);
	block_distributions(r, nfg, buf, ratios, n_ratios, f);
	minutiae_features(r, f);
	free(buf);
	return 0;
}
