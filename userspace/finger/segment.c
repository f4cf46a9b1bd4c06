// SPDX-License-Identifier: GPL-2.0
/*
 * Foreground segmentation on a grid of cells (half a block: 16x16 px at 500
 * ppi). A cell is ridge area when its grey standard deviation reaches
 * max(8, 0.2 x the 90th percentile over all cells), so that both contrasty and
 * faint prints are found while flat background is not. The cell mask is closed
 * (3x3 dilation then erosion), only the largest 8-connected region is kept and
 * its holes are filled. Also computes the placement of the finger: centroid,
 * long axis and elongation from the second moments of the foreground cells.
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

static void morph(const uint8_t *in, uint8_t *out, uint32_t w, uint32_t h, int dilate)
{
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			int v = dilate ? 0 : 1;
			for (int dy = -1; dy <= 1; dy++) {
				for (int dx = -1; dx <= 1; dx++) {
					int64_t nx = (int64_t)x + dx, ny = (int64_t)y + dy;
					/* outside counts as foreground for erosion so that
					 * prints touching the border keep their edge cells */
					int s = (nx < 0 || ny < 0 || nx >= w || ny >= h) ?
							!dilate :
							in[ny * w + nx];
					if (dilate && s)
						v = 1;
					if (!dilate && !s)
						v = 0;
				}
			}
			out[y * w + x] = (uint8_t)v;
		}
	}
}

/* Labels the 8-connected region of value @val around @start with @label
 * using @stack (room for w*h indices); returns its size. */
static uint32_t flood(uint8_t *m, uint32_t w, uint32_t h, uint32_t start, uint8_t val,
		      uint8_t label, uint32_t *stack)
{
	uint32_t sp = 0, size = 0;

	m[start] = label;
	stack[sp++] = start;
	while (sp) {
		uint32_t i = stack[--sp], x = i % w, y = i / w;
		size++;
		for (int dy = -1; dy <= 1; dy++) {
			for (int dx = -1; dx <= 1; dx++) {
				int64_t nx = (int64_t)x + dx, ny = (int64_t)y + dy;
				if (nx < 0 || ny < 0 || nx >= w || ny >= h)
					continue;
				uint32_t j = (uint32_t)(ny * w + nx);
				if (m[j] != val)
					continue;
				m[j] = label;
				stack[sp++] = j;
			}
		}
	}
	return size;
}

static void placement(struct biounit_finger_report *r)
{
	double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;

	for (uint32_t y = 0; y < r->mrows; y++) {
		for (uint32_t x = 0; x < r->mcols; x++) {
			if (!r->mask[y * r->mcols + x])
				continue;
			double px = (x + 0.5) * r->cell, py = (y + 0.5) * r->cell;
			n++;
			sx += px;
			sy += py;
			sxx += px * px;
			syy += py * py;
			sxy += px * py;
		}
	}
	r->fg_cells = (uint32_t)n;
	if (!n) {
		r->fg_cx = r->img.w / 2.0;
		r->fg_cy = r->img.h / 2.0;
		r->fg_axis_deg = 0;
		r->fg_elongation = 1;
		return;
	}
	r->fg_cx = sx / n;
	r->fg_cy = sy / n;
	double cxx = sxx / n - r->fg_cx * r->fg_cx, cyy = syy / n - r->fg_cy * r->fg_cy;
	double cxy = sxy / n - r->fg_cx * r->fg_cy;
	double root = sqrt((cxx - cyy) * (cxx - cyy) + 4 * cxy * cxy);
	double l1 = (cxx + cyy + root) / 2, l2 = (cxx + cyy - root) / 2;
	/* angle of the long axis from the vertical, (-90, 90] */
	double a = 0.5 * atan2(2 * cxy, cxx - cyy) * 180.0 / M_PI; /* from horizontal */
	double from_vertical = a - 90.0;
	if (from_vertical <= -90.0)
		from_vertical += 180.0;
	r->fg_axis_deg = from_vertical;
	r->fg_elongation = l2 > 1e-9 ? sqrt(l1 / l2) : 1e9;
}

int fq_mask_at(const struct biounit_finger_report *r, uint32_t x, uint32_t y)
{
	if (x >= r->img.w || y >= r->img.h)
		return 0;
	return r->mask[(y / r->cell) * r->mcols + x / r->cell];
}

int fq_segment(struct biounit_finger_report *r)
{
	const struct fq_image *img = &r->img;
	uint32_t c = r->cell, mw = (img->w + c - 1) / c, mh = (img->h + c - 1) / c;
	size_t n = (size_t)mw * mh;
	float *sd = malloc(n * sizeof(*sd)), *sorted = malloc(n * sizeof(*sorted));
	uint8_t *m = calloc(n, 1), *tmp = calloc(n, 1);
	uint32_t *stack = malloc(n * sizeof(*stack));
	int ret = -ENOMEM;

	if (!sd || !sorted || !m || !tmp || !stack)
		goto out;
	for (uint32_t cy = 0; cy < mh; cy++) {
		for (uint32_t cx = 0; cx < mw; cx++) {
			uint32_t x0 = cx * c, y0 = cy * c;
			uint32_t x1 = x0 + c < img->w ? x0 + c : img->w;
			uint32_t y1 = y0 + c < img->h ? y0 + c : img->h;
			uint64_t s = 0, s2 = 0, k = (uint64_t)(x1 - x0) * (y1 - y0);
			for (uint32_t y = y0; y < y1; y++) {
				const uint8_t *row = img->px + (size_t)y * img->stride;
				for (uint32_t x = x0; x < x1; x++) {
					s += row[x];
					s2 += (uint32_t)row[x] * row[x];
				}
			}
			double mean = (double)s / k;
			sd[cy * mw + cx] = (float)sqrt(fmax(0.0, (double)s2 / k - mean * mean));
		}
	}
	memcpy(sorted, sd, n * sizeof(*sd));
	qsort(sorted, n, sizeof(*sorted), cmp_float);
	float thr = 0.2f * sorted[(size_t)(0.9 * (n - 1))];
	if (thr < 8.f)
		thr = 8.f;
	for (size_t i = 0; i < n; i++)
		m[i] = sd[i] >= thr;

	morph(m, tmp, mw, mh, 1);
	morph(tmp, m, mw, mh, 0);

	/* largest region: label regions 2, 3, ... (at most 250, then stop) */
	uint32_t best = 0;
	uint8_t best_label = 0, label = 2;
	for (size_t i = 0; i < n && label < 255; i++) {
		if (m[i] != 1)
			continue;
		uint32_t size = flood(m, mw, mh, (uint32_t)i, 1, label, stack);
		if (size > best) {
			best = size;
			best_label = label;
		}
		label++;
	}
	for (size_t i = 0; i < n; i++)
		m[i] = best_label && m[i] == best_label;

	/* fill holes: background not reachable from the border is foreground */
	for (uint32_t y = 0; y < mh; y++) {
		for (uint32_t x = 0; x < mw; x++) {
			if ((x == 0 || y == 0 || x == mw - 1 || y == mh - 1) && m[y * mw + x] == 0)
				flood(m, mw, mh, y * mw + x, 0, 2, stack);
		}
	}
	for (size_t i = 0; i < n; i++)
		m[i] = m[i] != 2;

	r->mask = m;
	r->mcols = mw;
	r->mrows = mh;
	m = NULL;
	placement(r);
	ret = 0;
out:
	free(sd);
	free(sorted);
	free(m);
	free(tmp);
	free(stack);
	return ret;
}
