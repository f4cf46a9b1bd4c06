// SPDX-License-Identifier: GPL-2.0
/*
 * The WSQ decomposition: which regions of the image are split by the filter
 * bank (20 "transform nodes", the spec's wavelet tree) and where the 64
 * subbands lie (the spec's quantisation tree, subbands numbered 0..63).
 *
 * Every split of a region w x h is done along the rows first (the region's
 * columns are divided into a low-pass part of ceil(w/2) and a high-pass part
 * of floor(w/2)), then along the columns. A region that came out of a
 * high-pass filter has its spectrum reversed; it is split "inverted": the
 * high-pass half is put first (left or top) and gets floor(n/2). By position,
 * the right and bottom quarters of every split are the inverted ones.
 *
 * Transform nodes (the order we apply them; parents before children):
 *   0 image; 1 its top-left, 2 top-right, 3 bottom-left quarter;
 *   4, 5 top-right and bottom-left quarters of 1; 6..9 the quarters of 4;
 *   10..13 the quarters of 5; 14 top-left quarter of 1; 15..18 its quarters;
 *   19 the top-left quarter of 15.
 * Subbands (quarters listed top-left, top-right, bottom-left, bottom-right):
 *   0..3 quarters of 19; 4..6 the other quarters of 15; 7..10 of 16;
 *   11..14 of 17; 15..18 of 18; 19..34 of 6..9; 35..50 of 10..13;
 *   51 bottom-right quarter of 1; 52..55 of 2; 56..59 of 3; 60..63 the
 *   bottom-right quarter of the image, never transmitted.
 */
#include <errno.h>
#include <string.h>
#include "wsq_internal.h"

const uint8_t wsq_block_start[WSQ_BLOCKS + 1] = { 0, 19, 52, 60 };

struct region {
	struct wsq_rect r;
	uint8_t inv_x, inv_y;
	double gain;
};

/* energies of the synthesis filters derived from the spec's analysis pair */
static void synth_energy(double *glo, double *ghi)
{
	const struct wsq_filters *f = &wsq_spec_filters;
	double lo = f->hi[0] * f->hi[0], hi = f->lo[0] * f->lo[0];

	for (int i = 1; i < 4; i++)
		lo += 2 * f->hi[i] * f->hi[i];
	for (int i = 1; i < 5; i++)
		hi += 2 * f->lo[i] * f->lo[i];
	*glo = lo;
	*ghi = hi;
}

/* the four quarters of @p by position: 0 TL, 1 TR, 2 BL, 3 BR */
static void quarters(const struct region *p, struct region q[4], double glo, double ghi)
{
	uint32_t lw = p->inv_x ? p->r.w / 2 : (p->r.w + 1) / 2;
	uint32_t th = p->inv_y ? p->r.h / 2 : (p->r.h + 1) / 2;
	/* gain of the left/right and top/bottom parts */
	double gl = p->inv_x ? ghi : glo, gr = p->inv_x ? glo : ghi;
	double gt = p->inv_y ? ghi : glo, gb = p->inv_y ? glo : ghi;

	for (int i = 0; i < 4; i++) {
		int right = i & 1, bottom = i >> 1;

		q[i].r.x = p->r.x + (right ? lw : 0);
		q[i].r.w = right ? p->r.w - lw : lw;
		q[i].r.y = p->r.y + (bottom ? th : 0);
		q[i].r.h = bottom ? p->r.h - th : th;
		q[i].inv_x = (uint8_t)right;
		q[i].inv_y = (uint8_t)bottom;
		q[i].gain = p->gain * (right ? gr : gl) * (bottom ? gb : gt);
	}
}

static void set_node(struct wsq_layout *l, int i, const struct region *r)
{
	l->node[i].r = r->r;
	l->node[i].inv_x = r->inv_x;
	l->node[i].inv_y = r->inv_y;
}

static void set_bands(struct wsq_layout *l, int first, const struct region *q, int n)
{
	for (int i = 0; i < n; i++) {
		l->band[first + i] = q[i].r;
		l->gain[first + i] = (float)q[i].gain;
	}
}

int wsq_layout_build(struct wsq_layout *l, uint32_t width, uint32_t height)
{
	struct region img = { { 0, 0, width, height }, 0, 0, 1.0 };
	struct region q0[4], q1[4], q4[4], q5[4], q14[4], q15[4], t[4];
	double glo, ghi;

	if (width < WSQ_MIN_SIDE || height < WSQ_MIN_SIDE || width > 65535 || height > 65535)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->width = width;
	l->height = height;
	synth_energy(&glo, &ghi);

	set_node(l, 0, &img);
	quarters(&img, q0, glo, ghi);
	set_node(l, 1, &q0[0]);
	set_node(l, 2, &q0[1]);
	set_node(l, 3, &q0[2]);
	quarters(&q0[0], q1, glo, ghi);
	set_node(l, 4, &q1[1]);
	set_node(l, 5, &q1[2]);
	quarters(&q1[1], q4, glo, ghi);
	quarters(&q1[2], q5, glo, ghi);
	for (int i = 0; i < 4; i++) {
		set_node(l, 6 + i, &q4[i]);
		set_node(l, 10 + i, &q5[i]);
		quarters(&q4[i], t, glo, ghi);
		set_bands(l, 19 + 4 * i, t, 4);
		quarters(&q5[i], t, glo, ghi);
		set_bands(l, 35 + 4 * i, t, 4);
	}
	set_node(l, 14, &q1[0]);
	quarters(&q1[0], q14, glo, ghi);
	for (int i = 0; i < 4; i++)
		set_node(l, 15 + i, &q14[i]);
	quarters(&q14[0], q15, glo, ghi);
	for (int i = 1; i < 4; i++) {
		quarters(&q14[i], t, glo, ghi);
		set_bands(l, 7 + 4 * (i - 1), t, 4);
	}
	set_node(l, 19, &q15[0]);
	quarters(&q15[0], t, glo, ghi);
	set_bands(l, 0, t, 4);
	set_bands(l, 4, &q15[1], 3);
	set_bands(l, 51, &q1[3], 1);
	quarters(&q0[1], t, glo, ghi);
	set_bands(l, 52, t, 4);
	quarters(&q0[2], t, glo, ghi);
	set_bands(l, 56, t, 4);
	quarters(&q0[3], t, glo, ghi);
	set_bands(l, 60, t, 4);

	/* every transformed run must hold at least 2 samples */
	for (int i = 0; i < WSQ_NODES; i++)
		if (l->node[i].r.w < 2 || l->node[i].r.h < 2)
			return -EINVAL;
	return 0;
}
