// SPDX-License-Identifier: GPL-2.0
/*
 * biounit_finger_assess(): runs the steps (segmentation, block measures,
 * orientation flow, minutiae, features, score, advice) and the report's
 * accessors.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "finger_internal.h"

static const char *const feature_names[BIOUNIT_FINGER_FEATURE_COUNT] = {
	[BIOUNIT_FINGER_FG_AREA] = "fg_area",
	[BIOUNIT_FINGER_FG_AREA_MM2] = "fg_area_mm2",
	[BIOUNIT_FINGER_MU] = "mu",
	[BIOUNIT_FINGER_SIGMA] = "sigma",
	[BIOUNIT_FINGER_MMB] = "mmb",
	[BIOUNIT_FINGER_FG_MEAN] = "fg_mean",
	[BIOUNIT_FINGER_FG_LOCAL_STD] = "fg_local_std",
	[BIOUNIT_FINGER_FG_LOCAL_STD_SD] = "fg_local_std_sd",
	[BIOUNIT_FINGER_OCL_MEAN] = "ocl_mean",
	[BIOUNIT_FINGER_OCL_SD] = "ocl_sd",
	[BIOUNIT_FINGER_OCL_P10] = "ocl_p10",
	[BIOUNIT_FINGER_LCS_MEAN] = "lcs_mean",
	[BIOUNIT_FINGER_LCS_SD] = "lcs_sd",
	[BIOUNIT_FINGER_LCS_P10] = "lcs_p10",
	[BIOUNIT_FINGER_FDA_MEAN] = "fda_mean",
	[BIOUNIT_FINGER_FDA_SD] = "fda_sd",
	[BIOUNIT_FINGER_FDA_P10] = "fda_p10",
	[BIOUNIT_FINGER_RVU_MEAN] = "rvu_mean",
	[BIOUNIT_FINGER_RVU_SD] = "rvu_sd",
	[BIOUNIT_FINGER_OFL_MEAN] = "ofl_mean",
	[BIOUNIT_FINGER_OFL_SD] = "ofl_sd",
	[BIOUNIT_FINGER_COH_REL] = "coh_rel",
	[BIOUNIT_FINGER_COH_SUM] = "coh_sum",
	[BIOUNIT_FINGER_PERIOD] = "period",
	[BIOUNIT_FINGER_MINUTIAE] = "minutiae",
	[BIOUNIT_FINGER_MINUTIAE_COM] = "minutiae_com",
	[BIOUNIT_FINGER_MINUTIAE_Q_OCL] = "minutiae_q_ocl",
	[BIOUNIT_FINGER_MINUTIAE_Q_MU] = "minutiae_q_mu",
	[BIOUNIT_FINGER_MINUTIAE_GOOD] = "minutiae_good",
	[BIOUNIT_FINGER_MINUTIAE_DENSITY] = "minutiae_density",
	[BIOUNIT_FINGER_GOOD_AREA_MM2] = "good_area_mm2",
	[BIOUNIT_FINGER_GOOD_FRACTION] = "good_fraction",
	[BIOUNIT_FINGER_OCL_P25] = "ocl_p25",
	[BIOUNIT_FINGER_OCL_P50] = "ocl_p50",
	[BIOUNIT_FINGER_OCL_P75] = "ocl_p75",
	[BIOUNIT_FINGER_LCS_P25] = "lcs_p25",
	[BIOUNIT_FINGER_LCS_P50] = "lcs_p50",
	[BIOUNIT_FINGER_LCS_P75] = "lcs_p75",
	[BIOUNIT_FINGER_FDA_P25] = "fda_p25",
	[BIOUNIT_FINGER_FDA_P50] = "fda_p50",
	[BIOUNIT_FINGER_FDA_P75] = "fda_p75",
	[BIOUNIT_FINGER_OFL_P50] = "ofl_p50",
	[BIOUNIT_FINGER_OFL_P75] = "ofl_p75",
	[BIOUNIT_FINGER_OFL_P90] = "ofl_p90",
	[BIOUNIT_FINGER_RVU_BLOCK_SD] = "rvu_block_sd",
	[BIOUNIT_FINGER_COH_P25] = "coh_p25",
	[BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL] = "minutiae_local_ocl",
	[BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL80] = "minutiae_local_ocl80",
	[BIOUNIT_FINGER_MINUTIAE_LOCAL_MU] = "minutiae_local_mu",
	[BIOUNIT_FINGER_MINUTIAE_CLEAR] = "minutiae_clear",
	[BIOUNIT_FINGER_MINUTIAE_COM_CLEAR] = "minutiae_com_clear",
};

const char *biounit_finger_feature_name(enum biounit_finger_feature f)
{
	return (unsigned int)f < BIOUNIT_FINGER_FEATURE_COUNT ? feature_names[f] : NULL;
}

static int block_is_foreground(const struct biounit_finger_report *r, uint32_t bx, uint32_t by)
{
	if ((bx + 1) * r->bs > r->img.w || (by + 1) * r->bs > r->img.h)
		return 0;
	for (uint32_t cy = by * 2; cy < by * 2 + 2; cy++)
		for (uint32_t cx = bx * 2; cx < bx * 2 + 2; cx++)
			if (cx >= r->mcols || cy >= r->mrows || !r->mask[cy * r->mcols + cx])
				return 0;
	return 1;
}

/* White border trimming: the first and last rows and columns whose mean grey
 * is at least 250 are left out (NFIQ 2 removes such a white frame too). */
static int white_row(const struct biounit_image_view *v, uint32_t y, uint32_t x0, uint32_t x1)
{
	const uint8_t *row = v->data + (size_t)y * v->stride;
	uint64_t s = 0;
	for (uint32_t x = x0; x < x1; x++)
		s += row[x];
	return s >= 250u * (uint64_t)(x1 - x0);
}

static int white_col(const struct biounit_image_view *v, uint32_t x, uint32_t y0, uint32_t y1)
{
	uint64_t s = 0;
	for (uint32_t y = y0; y < y1; y++)
		s += v->data[(size_t)y * v->stride + x];
	return s >= 250u * (uint64_t)(y1 - y0);
}

static void trim_white(const struct biounit_image_view *v, uint32_t *x0, uint32_t *y0,
		       uint32_t *x1, uint32_t *y1)
{
	*x0 = 0;
	*y0 = 0;
	*x1 = v->width;
	*y1 = v->height;
	while (*y1 - *y0 > 64 && white_row(v, *y0, *x0, *x1))
		(*y0)++;
	while (*y1 - *y0 > 64 && white_row(v, *y1 - 1, *x0, *x1))
		(*y1)--;
	while (*x1 - *x0 > 64 && white_col(v, *x0, *y0, *y1))
		(*x0)++;
	while (*x1 - *x0 > 64 && white_col(v, *x1 - 1, *y0, *y1))
		(*x1)--;
}

int biounit_finger_assess(const struct biounit_image_view *img, unsigned int ppi,
			  struct biounit_finger_report **out)
{
	struct biounit_finger_report *r;
	float *ratios = NULL;
	unsigned int n_ratios = 0;
	int ret;

	if (!img || !out || biounit_image_view_check(img) || img->format != BIOUNIT_PIX_GREY)
		return -EINVAL;
	if (!ppi)
		ppi = BIOUNIT_FINGER_PPI_DEFAULT;
	if (ppi < 250 || ppi > 1000 || img->width < 64 || img->height < 64)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	uint32_t x0, y0, x1, y1;
	trim_white(img, &x0, &y0, &x1, &y1);
	r->ox = x0;
	r->oy = y0;
	r->full_w = img->width;
	r->full_h = img->height;
	r->img = (struct fq_image){ img->data + (size_t)y0 * img->stride + x0, x1 - x0, y1 - y0,
				    img->stride, ppi };
	r->bs = 2 * (uint32_t)lround(16.0 * ppi / 500.0);
	r->cell = r->bs / 2;
	r->cols = (r->img.w + r->bs - 1) / r->bs;
	r->rows = (r->img.h + r->bs - 1) / r->bs;
	ret = -ENOMEM;
	r->blocks = calloc((size_t)r->cols * r->rows, sizeof(*r->blocks));
	ratios = malloc((size_t)r->cols * r->rows * (r->bs / 2) * sizeof(*ratios));
	if (!r->blocks || !ratios)
		goto fail;
	ret = fq_segment(r);
	if (ret)
		goto fail;
	for (uint32_t by = 0; by < r->rows; by++) {
		for (uint32_t bx = 0; bx < r->cols; bx++) {
			struct biounit_finger_block *b = &r->blocks[by * r->cols + bx];
			fq_block_orientation(&r->img, bx * r->bs, by * r->bs, r->bs, b);
			b->foreground = block_is_foreground(r, bx, by);
			if (b->foreground)
				n_ratios += fq_block_profile(&r->img, bx * r->bs + r->bs / 2,
							     by * r->bs + r->bs / 2, r->bs, b,
							     ratios + n_ratios);
		}
	}
	fq_orientation_flow(r);
	ret = fq_minutiae(r);
	if (ret)
		goto fail;
	for (unsigned int i = 0; i < r->n_minutiae; i++) {
		r->minutiae[i].x += r->ox;
		r->minutiae[i].y += r->oy;
	}
	ret = fq_features(r, ratios, n_ratios);
	if (ret)
		goto fail;
	r->raw_score = fq_model_score(r->feat);
	if (!r->fg_cells ||
	    (double)r->fg_cells * r->cell * r->cell < 0.03 * (double)img->width * img->height)
		r->raw_score = 0;
	r->score = (unsigned int)lround(fmin(100.0, fmax(0.0, r->raw_score)));
	fq_advice(r);
	free(ratios);

	r->img.px = NULL;	/* borrowed only while assessing */
	*out = r;
	return 0;
fail:
	free(ratios);
	biounit_finger_report_free(r);
	return ret;
}

void biounit_finger_report_free(struct biounit_finger_report *r)
{
	if (!r)
		return;
	free(r->blocks);
	free(r->mask);

	free(r->minutiae);
	free(r);
}

unsigned int biounit_finger_report_score(const struct biounit_finger_report *r)
{
	return r->score;
}

double biounit_finger_report_feature(const struct biounit_finger_report *r,
				     enum biounit_finger_feature f)
{
	return (unsigned int)f < BIOUNIT_FINGER_FEATURE_COUNT ? r->feat[f] : NAN;
}

uint32_t biounit_finger_report_advice(const struct biounit_finger_report *r)
{
	return r->advice;
}

void biounit_finger_report_region(const struct biounit_finger_report *r, uint32_t *x,
				  uint32_t *y, uint32_t *w, uint32_t *h)
{
	if (x)
		*x = r->ox;
	if (y)
		*y = r->oy;
	if (w)
		*w = r->img.w;
	if (h)
		*h = r->img.h;
}

void biounit_finger_report_grid(const struct biounit_finger_report *r, uint32_t *cols,
				uint32_t *rows, uint32_t *block_px)
{
	if (cols)
		*cols = r->cols;
	if (rows)
		*rows = r->rows;
	if (block_px)
		*block_px = r->bs;
}

int biounit_finger_report_block(const struct biounit_finger_report *r, uint32_t col,
				uint32_t row, struct biounit_finger_block *out)
{
	if (col >= r->cols || row >= r->rows)
		return -ERANGE;
	*out = r->blocks[row * r->cols + col];
	return 0;
}

unsigned int biounit_finger_report_minutiae(const struct biounit_finger_report *r,
					    struct biounit_minutia *out, unsigned int max)
{
	unsigned int n = r->n_minutiae < max ? r->n_minutiae : max;

	if (out && n)
		memcpy(out, r->minutiae, n * sizeof(*out));
	return r->n_minutiae;
}

int biounit_finger_report_is_foreground(const struct biounit_finger_report *r, uint32_t x,
					uint32_t y)
{
	if (x < r->ox || y < r->oy)
		return 0;
	return fq_mask_at(r, x - r->ox, y - r->oy);
}
