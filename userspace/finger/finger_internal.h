/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the finger module: the report and the steps that fill it. */
#ifndef BIOUNIT_FINGER_INTERNAL_H
#define BIOUNIT_FINGER_INTERNAL_H

#include "finger/finger.h"

/* Image being measured: pixel (x, y) is px[y * stride + x]. */
struct fq_image {
	const uint8_t *px;
	uint32_t w, h, stride;
	unsigned int ppi;
};

struct biounit_finger_report {
	struct fq_image img;		/* the region measured; borrowed only during
					 * biounit_finger_assess() */
	uint32_t ox, oy;		/* its origin in the caller's image */
	uint32_t full_w, full_h;	/* size of the caller's image */
	uint32_t bs;			/* block side (32 at 500 ppi) */
	uint32_t cols, rows;		/* block grid; blocks cover the image from (0,0) */
	struct biounit_finger_block *blocks;
	uint32_t cell;			/* segmentation cell side = bs / 2 */
	uint32_t mcols, mrows;		/* segmentation grid */
	uint8_t *mask;			/* 1 = foreground cell */
	double feat[BIOUNIT_FINGER_FEATURE_COUNT];
	struct biounit_minutia *minutiae;
	unsigned int n_minutiae;
	double raw_score;
	unsigned int score;
	uint32_t advice;
	/* placement, for the advice */
	double fg_cx, fg_cy;		/* centroid of the foreground, pixels */
	double fg_axis_deg;		/* long axis of the foreground, 0 = vertical */
	double fg_elongation;		/* ratio of the axis lengths, >= 1 */
	uint32_t fg_cells;
};

/* segment.c: fills mask, mcols, mrows, cell, fg_* placement. */
int fq_segment(struct biounit_finger_report *r);
/* 1 if the segmentation cell containing pixel (x, y) is foreground. */
int fq_mask_at(const struct biounit_finger_report *r, uint32_t x, uint32_t y);

/* orientation.c: per block mean, stddev, orientation, coherence, OCL. */
void fq_block_orientation(const struct fq_image *img, uint32_t x0, uint32_t y0, uint32_t bs,
			  struct biounit_finger_block *b);

/* ridge_profile.c: FDA, LCS, RVU and period of one block, given its orientation.
 * @ratios receives the ridge/valley width ratios (at most bs / 2 of them);
 * returns how many. */
unsigned int fq_block_profile(const struct fq_image *img, uint32_t cx, uint32_t cy, uint32_t bs,
			      struct biounit_finger_block *b, float *ratios);

/* flow.c: orientation flow of every foreground block from its neighbours. */
void fq_orientation_flow(struct biounit_finger_report *r);

/* minutiae.c: extracts minutiae into r->minutiae (needs blocks and mask). */
int fq_minutiae(struct biounit_finger_report *r);

/* features.c: fills r->feat from blocks, mask, minutiae and the image. */
int fq_features(struct biounit_finger_report *r, const float *ratios, unsigned int n_ratios);

/* score.c: the fitted model (model_params.c) applied to r->feat. */
double fq_model_score(const double *feat);

/* advice.c: fills r->advice. */
void fq_advice(struct biounit_finger_report *r);

/* Gradient-boosted regression trees of depth 2, written by tools/fit/fit_finger.py. */
struct fq_tree {
	uint8_t feat[3];	/* root, left child, right child: feature index */
	float thr[3];		/* go left if value < thr */
	float leaf[4];		/* ll, lr, rl, rr; already multiplied by the learning rate */
};
struct fq_model {
	unsigned int n_trees;
	float base;
	const struct fq_tree *trees;
	unsigned int n_calib;		/* knots of the monotone calibration, >= 2 */
	const float *calib_x, *calib_y;	/* raw output -> score; x strictly rising */
};
extern const struct fq_model fq_model;

static inline float fq_clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

#endif
