// SPDX-License-Identifier: GPL-2.0
/*
 * The unified score: the fitted model of model_params.c (gradient-boosted
 * regression trees of depth 2 on the features, fitted to NFIQ 2 unified scores
 * by tools/fit/fit_finger.py) evaluated on a report's features, then mapped
 * through the model's monotone calibration.
 */
#include "finger_internal.h"

double fq_model_score(const double *feat)
{
	double s = fq_model.base;

	for (unsigned int i = 0; i < fq_model.n_trees; i++) {
		const struct fq_tree *t = &fq_model.trees[i];
		int right = !(feat[t->feat[0]] < t->thr[0]);
		int node = 1 + right;
		int leaf = right * 2 + !(feat[t->feat[node]] < t->thr[node]);
		s += t->leaf[leaf];
	}
	/* monotone calibration, linear between knots, flat outside */
	const float *x = fq_model.calib_x, *y = fq_model.calib_y;
	unsigned int n = fq_model.n_calib;
	if (s <= x[0])
		return y[0];
	if (s >= x[n - 1])
		return y[n - 1];
	unsigned int k = 1;
	while (s > x[k])
		k++;
	return y[k - 1] + (s - x[k - 1]) * (y[k] - y[k - 1]) / (x[k] - x[k - 1]);
}
