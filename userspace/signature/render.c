// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of the ink: cropped to the ink plus a 5% margin, scaled with the
 * aspect kept and centred in the output, black on white. Strokes are
 * Catmull-Rom splines through the pen-down samples (4 pieces per sample
 * interval), drawn as anti-aliased round-capped segments whose width goes
 * from 0.25 mm (no pressure) to 0.7 mm (full scale) at the size of the pad,
 * scaled like the ink. Pads without pressure draw at half scale.
 *
 * Cost is bounded for any input (a file may hold 120000 samples): the crop is
 * at least 5 mm on each side, so the pen is never wider than 0.7 mm at that
 * scale (a dot is not blown up to a blob as wide as the field), and pieces of
 * a stroke that move the pen less than half a pixel without changing its width
 * are merged into the next piece instead of being drawn on top of each other;
 * a piece only visits the pixels of each row near it, not its bounding box.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "signature_internal.h"

#define SUBDIV 4
#define MIN_CROP_MM 5.0

struct canvas {
	uint8_t *px;
	uint32_t w, h;
	double scale, ox, oy;	/* pad -> pixels: (x - ox) * scale */
	double r_min, r_span;	/* radius in pixels at pressure 0 and its growth to full */
	double px_last, py_last, r_last;	/* end of the last piece drawn */
};

static void segment(struct canvas *c, double ax, double ay, double ar, double bx, double by,
		    double br)
{
	double rmax = fmax(ar, br) + 1.0;
	int64_t x0 = (int64_t)floor(fmin(ax, bx) - rmax), x1 = (int64_t)ceil(fmax(ax, bx) + rmax);
	int64_t y0 = (int64_t)floor(fmin(ay, by) - rmax), y1 = (int64_t)ceil(fmax(ay, by) + rmax);
	double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;

	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 >= c->w ? (int64_t)c->w - 1 : x1;
	y1 = y1 >= c->h ? (int64_t)c->h - 1 : y1;
	for (int64_t y = y0; y <= y1; y++) {
		/* only the columns near the part of the segment within rmax of
		 * this row: a point within rmax of the segment has its nearest
		 * segment point within rmax in y (keeps long diagonal pieces from
		 * scanning their whole bounding box) */
		int64_t xa = x0, xb = x1;
		if (fabs(dy) > 1e-9) {
			double ta = (y + 0.5 - rmax - ay) / dy, tb = (y + 0.5 + rmax - ay) / dy;
			if (ta > tb) {
				double t = ta;
				ta = tb;
				tb = t;
			}
			ta = ta < 0 ? 0 : ta;
			tb = tb > 1 ? 1 : tb;
			if (ta > tb)
				continue;
			double xq0 = ax + ta * dx, xq1 = ax + tb * dx;
			int64_t lo = (int64_t)floor(fmin(xq0, xq1) - rmax) - 1;
			int64_t hi = (int64_t)ceil(fmax(xq0, xq1) + rmax) + 1;
			xa = lo > xa ? lo : xa;
			xb = hi < xb ? hi : xb;
		}
		for (int64_t x = xa; x <= xb; x++) {
			double px = x + 0.5, py = y + 0.5;
			double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			double d = hypot(px - (ax + t * dx), py - (ay + t * dy));
			double cov = ar + t * (br - ar) + 0.5 - d;
			if (cov <= 0)
				continue;
			cov = cov > 1 ? 1 : cov;
			uint8_t v = (uint8_t)lround(255.0 * (1.0 - cov));
			uint8_t *q = &c->px[(size_t)y * c->w + (size_t)x];
			if (v < *q)
				*q = v;
		}
	}
}

static double radius(const struct canvas *c, const struct biounit_signature *sig,
		     const struct biounit_signature_sample *s, int have_pressure)
{
	double f = have_pressure ? (double)s->pressure / sig->box.pressure_max : 0.5;
	return c->r_min + c->r_span * f;
}

static void stroke(struct canvas *c, const struct biounit_signature *sig, size_t a, size_t b,
		   int have_pressure)
{
	const struct biounit_signature_sample *s = sig->s;

	if (a == b) {
		double x = (s[a].x - c->ox) * c->scale, y = (s[a].y - c->oy) * c->scale;
		double r = radius(c, sig, &s[a], have_pressure);
		segment(c, x, y, r, x, y, r);
		return;
	}
	for (size_t i = a; i < b; i++) {
		const struct biounit_signature_sample *p0 = &s[i > a ? i - 1 : i], *p1 = &s[i],
						      *p2 = &s[i + 1], *p3 = &s[i + 1 < b ? i + 2 : i + 1];
		double r1 = radius(c, sig, p1, have_pressure), r2 = radius(c, sig, p2, have_pressure);
		if (i == a) {
			c->px_last = (p1->x - c->ox) * c->scale;
			c->py_last = (p1->y - c->oy) * c->scale;
			c->r_last = r1;
		}
		for (int k = 1; k <= SUBDIV; k++) {
			double t = (double)k / SUBDIV, t2 = t * t, t3 = t2 * t;
			double w0 = -0.5 * t3 + t2 - 0.5 * t, w1 = 1.5 * t3 - 2.5 * t2 + 1;
			double w2 = -1.5 * t3 + 2 * t2 + 0.5 * t, w3 = 0.5 * t3 - 0.5 * t2;
			double x = w0 * p0->x + w1 * p1->x + w2 * p2->x + w3 * p3->x;
			double y = w0 * p0->y + w1 * p1->y + w2 * p2->y + w3 * p3->y;
			double nx = (x - c->ox) * c->scale, ny = (y - c->oy) * c->scale;
			double nr = r1 + t * (r2 - r1);
			int last = i + 1 == b && k == SUBDIV;
			if (!last && fabs(nx - c->px_last) < 0.5 && fabs(ny - c->py_last) < 0.5 &&
			    fabs(nr - c->r_last) < 0.25)
				continue;
			segment(c, c->px_last, c->py_last, c->r_last, nx, ny, nr);
			c->px_last = nx;
			c->py_last = ny;
			c->r_last = nr;
		}
	}
}

int biounit_signature_render(const struct biounit_signature *sig, uint32_t width,
			     uint32_t height, struct biounit_image **out)
{
	double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
	int have_pressure = 0, ret;

	if (!sig || !out || !width || !height)
		return -EINVAL;
	for (size_t i = 0; i < sig->n; i++) {
		const struct biounit_signature_sample *s = &sig->s[i];
		if (!s->pen_down)
			continue;
		minx = fmin(minx, s->x);
		maxx = fmax(maxx, s->x);
		miny = fmin(miny, s->y);
		maxy = fmax(maxy, s->y);
		have_pressure |= s->pressure > 0;
	}
	if (minx > maxx)
		return -ENODATA;

	struct biounit_image *img;
	ret = biounit_image_new(width, height, BIOUNIT_PIX_GREY, &img);
	if (ret)
		return ret;
	struct canvas c = { biounit_image_data(img), width, height, 0, 0, 0, 0, 0, 0, 0, 0 };
	memset(c.px, 255, (size_t)width * height);

	double mm = sig->box.units_per_mm;
	double bw = maxx - minx, bh = maxy - miny;
	double margin = 0.05 * fmax(fmax(bw, bh), 5.0 * mm);
	bw = fmax(bw + 2 * margin, MIN_CROP_MM * mm);
	bh = fmax(bh + 2 * margin, MIN_CROP_MM * mm);
	c.scale = fmin(width / bw, height / bh);
	/* the ink's centre at the image's centre */
	c.ox = (minx + maxx) / 2 - width / c.scale / 2;
	c.oy = (miny + maxy) / 2 - height / c.scale / 2;
	c.r_min = fmax(0.6, 0.125 * mm * c.scale);
	c.r_span = 0.225 * mm * c.scale;

	size_t start = 0;
	int in_stroke = 0;
	for (size_t i = 0; i <= sig->n; i++) {
		int down = i < sig->n && sig->s[i].pen_down;
		if (down && !in_stroke) {
			start = i;
			in_stroke = 1;
		} else if (!down && in_stroke) {
			stroke(&c, sig, start, i - 1, have_pressure);
			in_stroke = 0;
		}
	}
	*out = img;
	return 0;
}
