// SPDX-License-Identifier: GPL-2.0
/* Background statistics: bands above the crown and beside the head. */
#include <math.h>
#include <string.h>

#include "rules.h"

/* A cell whose neighbouring samples differ by more than this is hair or an edge. */
#define SHADOW_SMOOTH 4.0

struct acc {
	double n, s, ss, chroma, tex;
	double tex_n;
	double rgb[3];
};

static void px_at(const struct biounit_image_view *v, uint32_t x, uint32_t y, int *l, int *ch)
{
	const uint8_t *p = v->data + (size_t)y * v->stride;

	if (v->format == BIOUNIT_PIX_GREY) {
		*l = p[x];
		*ch = 0;
		return;
	}
	p += 3 * (size_t)x;
	{
		int mx = p[0] > p[1] ? p[0] : p[1], mn = p[0] < p[1] ? p[0] : p[1];

		mx = p[2] > mx ? p[2] : mx;
		mn = p[2] < mn ? p[2] : mn;
		*l = (p[0] + p[1] + p[2]) / 3;
		*ch = mx - mn;
	}
}

/* Samples the rectangle [x0,x1) x [y0,y1) on a grid of @step pixels. */
static void band(const struct biounit_image_view *v, double x0, double y0, double x1, double y1,
		 uint32_t step, struct acc *a)
{
	int ix0 = (int)fmax(0, x0), iy0 = (int)fmax(0, y0);
	int ix1 = (int)fmin(v->width, x1), iy1 = (int)fmin(v->height, y1);

	for (int y = iy0; y < iy1; y += (int)step) {
		int prev = -1;

		for (int x = ix0; x < ix1; x += (int)step) {
			int l, ch;

			px_at(v, (uint32_t)x, (uint32_t)y, &l, &ch);
			{
				const uint8_t *q = v->data + (size_t)y * v->stride;
				int bpp = v->format == BIOUNIT_PIX_GREY ? 1 : 3;

				for (int c = 0; c < 3; c++)
					a->rgb[c] += q[(size_t)x * bpp + (bpp == 3 ? c : 0)];
			}
			a->n++;
			a->s += l;
			a->ss += (double)l * l;
			a->chroma += ch;
			if (prev >= 0) {
				a->tex += fabs((double)l - prev);
				a->tex_n++;
			}
			prev = l;
		}
	}
}

/*
 * Cast shadows: the bands cut into cells about a quarter of the eye distance
 * wide; a shadow is a smooth cell (no hair or edge in it) clearly darker than
 * the bright part of the background. Returns p90 of the cell means minus the
 * darkest smooth cell's mean (grey levels); 0 without cells.
 */
#define SHADOW_CELLS 512
static double shadow_depth(const struct biounit_image_view *v, const double (*rect)[4], int nrect,
			   double cell)
{
	double mean[SHADOW_CELLS], tex[SHADOW_CELLS], sorted[SHADOW_CELLS], darkest = INFINITY;
	int n = 0;

	for (int r = 0; r < nrect; r++) {
		double x0 = fmax(0, rect[r][0]), y0 = fmax(0, rect[r][1]);
		double x1 = fmin(v->width, rect[r][2]), y1 = fmin(v->height, rect[r][3]);

		for (double cy = y0; cy + cell <= y1 && n < SHADOW_CELLS; cy += cell)
			for (double cx = x0; cx + cell <= x1 && n < SHADOW_CELLS; cx += cell) {
				struct acc a = { 0 };
				uint32_t step = (uint32_t)fmax(1, cell / 6);

				band(v, cx, cy, cx + cell, cy + cell, step, &a);
				if (a.n < 4)
					continue;
				mean[n] = a.s / a.n;
				tex[n] = a.tex_n > 0 ? a.tex / a.tex_n : 0;
				n++;
			}
	}
	if (!n)
		return 0;
	for (int i = 0; i < n; i++) {
		int j = i;

		while (j > 0 && sorted[j - 1] > mean[i]) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = mean[i];
		if (tex[i] <= SHADOW_SMOOTH && mean[i] < darkest)
			darkest = mean[i];
	}
	return isfinite(darkest) ? fmax(0, sorted[(int)(0.9 * (n - 1))] - darkest) : 0;
}

void background_stats(const struct biounit_image_view *v, const struct face_geometry *g,
		      const struct biounit_face_point *p, const struct biounit_face_window *near,
		      struct bg_stats *out)
{
	struct acc left = { 0 }, right = { 0 }, top = { 0 }, all;
	double W = v->width, H = v->height, head_h = g->chin_y - g->crown_y;
	double nx0 = near ? fmax(0, near->x) : 0, ny0 = near ? fmax(0, near->y) : 0;
	double nx1 = near ? fmin(W, near->x + near->w) : W;
	/* Head half-width: jaw plus room for ears and hair. */
	double lx = fmin(p[0].x, p[1].x) - 0.45 * g->ied, rx = fmax(p[16].x, p[15].x) + 0.45 * g->ied;
	double top_end = g->crown_y - 0.08 * head_h;
	uint32_t step = (uint32_t)fmax(1, fmax(W, H) / 300);

	memset(out, 0, sizeof(*out));
	if (top_end < 0.03 * H)
		top_end = 0.03 * H;
	if (lx < 0.04 * W)
		lx = 0.04 * W;
	if (rx > 0.96 * W)
		rx = 0.96 * W;
	/* Edge margins are kept as they were on the whole image; the bands end
	 * where a crop could end. */
	if (top_end < ny0 + 0.03 * H)
		top_end = ny0 + 0.03 * H;
	band(v, nx0, ny0, nx1, top_end, step, &top);
	band(v, nx0, g->crown_y, lx, (g->eye_l.y + g->chin_y) / 2, step, &left);
	band(v, rx, g->crown_y, nx1, (g->eye_r.y + g->chin_y) / 2, step, &right);
	all.n = left.n + right.n + top.n;
	all.s = left.s + right.s + top.s;
	all.ss = left.ss + right.ss + top.ss;
	all.chroma = left.chroma + right.chroma + top.chroma;
	all.tex = left.tex + right.tex + top.tex;
	all.tex_n = left.tex_n + right.tex_n + top.tex_n;
	for (int c = 0; c < 3; c++)
		all.rgb[c] = left.rgb[c] + right.rgb[c] + top.rgb[c];
	if (all.n < 1)
		return;
	out->samples = (uint32_t)all.n;
	out->mean_l = all.s / all.n;
	out->std_l = sqrt(fmax(0, all.ss / all.n - out->mean_l * out->mean_l));
	out->chroma = all.chroma / all.n;
	for (int c = 0; c < 3; c++)
		out->rgb[c] = all.rgb[c] / all.n;
	out->texture = all.tex_n > 0 ? all.tex / all.tex_n : 0;
	out->side_diff = left.n > 0 && right.n > 0 ? fabs(left.s / left.n - right.s / right.n) : 0;
	{
		const double rects[3][4] = {
			{ nx0, ny0, nx1, top_end },
			{ nx0, g->crown_y, lx, (g->eye_l.y + g->chin_y) / 2 },
			{ rx, g->crown_y, nx1, (g->eye_r.y + g->chin_y) / 2 },
		};

		out->shadow = shadow_depth(v, rects, 3, fmax(4, 0.25 * g->ied));
	}
}
