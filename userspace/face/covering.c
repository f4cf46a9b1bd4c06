// SPDX-License-Identifier: GPL-2.0
/*
 * Head covering, hair over the ears and hair over the eyes.
 *
 * Everything is sampled in the frame of the eye line (roll removed), in units
 * of the inter-eye distance (ied), with small box averages so that sensor
 * noise and the image resolution matter little. Colours are compared with the
 * applicant's own skin (the cheeks) and with the measured background.
 * Numbers and their limits: docs/face-rules.md.
 */
#include <math.h>
#include <string.h>

#include "rules.h"

/* Sample grid spacing, in ied. */
#define STEP 0.05
/* A sample is background-like when its mean |channel difference| to the
 * background colour is below this. */
#define BG_NEAR 22.0
/* Max-min channel difference below which a colour counts as neutral. */
#define NEUTRAL_CHROMA 24.0
/* Neutral samples at least this bright may be a light (grey, white) fabric. */
#define LIGHT_NEUTRAL_L 150.0
/* A covering is seen when this share of the region above the forehead is
 * neither skin- nor hair-coloured... */
#define COVER_SHARE 0.5
/* ...and, when that share is mostly light-neutral (grey hair is light-neutral
 * too), the region is smooth: texture below this factor of the limit. */
#define COVER_NEUTRAL_TEXTURE 1.5

struct frame {
	double ox, oy;		/* eye midpoint */
	double ux, uy;		/* along the eye line, length ied */
	double vx, vy;		/* down the face, length ied */
	double ied;
};

static void frame_of(const struct face_geometry *g, struct frame *f)
{
	double a = g->roll_deg * M_PI / 180;

	f->ox = (g->eye_l.x + g->eye_r.x) / 2;
	f->oy = (g->eye_l.y + g->eye_r.y) / 2;
	f->ied = g->ied;
	f->ux = cos(a) * g->ied;
	f->uy = sin(a) * g->ied;
	f->vx = -f->uy;
	f->vy = f->ux;
}

/* Mean colour of a 3x3 grid spanning @r pixels around (x, y); false outside. */
static bool sample_rgb(const struct biounit_image_view *v, double x, double y, double r,
		       double rgb[3])
{
	unsigned int bpp = v->format == BIOUNIT_PIX_GREY ? 1 : 3;
	double s[3] = { 0 };
	int n = 0;

	if (x < 0 || y < 0 || x >= v->width || y >= v->height)
		return false;
	for (int j = -1; j <= 1; j++)
		for (int i = -1; i <= 1; i++) {
			double xx = x + i * r / 2, yy = y + j * r / 2;
			const uint8_t *q;

			if (xx < 0 || yy < 0 || xx >= v->width || yy >= v->height)
				continue;
			q = v->data + (size_t)yy * v->stride + (size_t)xx * bpp;
			for (int c = 0; c < 3; c++)
				s[c] += q[bpp == 3 ? c : 0];
			n++;
		}
	for (int c = 0; c < 3; c++)
		rgb[c] = s[c] / n;
	return true;
}

/* Sample at (a, b) ied in the eye-line frame. */
static bool frame_rgb(const struct biounit_image_view *v, const struct frame *f, double a,
		      double b, double rgb[3])
{
	return sample_rgb(v, f->ox + a * f->ux + b * f->vx, f->oy + a * f->uy + b * f->vy,
			  STEP * f->ied, rgb);
}

static double lum(const double *c)
{
	return (c[0] + c[1] + c[2]) / 3;
}

static double chroma(const double *c)
{
	return fmax(c[0], fmax(c[1], c[2])) - fmin(c[0], fmin(c[1], c[2]));
}

/* Skin and hair have R >= G >= B (browns, blond, red hair, all skin tones),
 * but not the bright, saturated yellows and oranges of fabrics. */
static bool warm(const double *c)
{
	double mx = fmax(c[0], fmax(c[1], c[2]));

	if (mx > 0 && chroma(c) / mx > 0.65 && lum(c) >= 130)
		return false;
	return c[0] >= c[1] - 6 && c[1] >= c[2] - 10;
}

static bool near_bg(const double *c, const struct bg_stats *bg)
{
	return bg->samples &&
	       (fabs(c[0] - bg->rgb[0]) + fabs(c[1] - bg->rgb[1]) + fabs(c[2] - bg->rgb[2])) / 3 <
		       BG_NEAR;
}

/* RMS channel difference: a neutral difference of d levels gives d. */
static double colour_dist(const double *a, const double *b)
{
	return sqrt((pow(a[0] - b[0], 2) + pow(a[1] - b[1], 2) + pow(a[2] - b[2], 2)) / 3);
}

/* Chromaticities r, b of a colour, with a floor on the sum for dark ones. */
static void chromaticity(const double *c, double *r, double *b)
{
	double s = fmax(90, c[0] + c[1] + c[2]);

	*r = c[0] / s;
	*b = c[2] / s;
}

/* Mean colour of the cheeks (below the eyes, beside the nose). */
static bool skin_colour(const struct biounit_image_view *v, const struct frame *f, double skin[3])
{
	double rgb[3];
	int n = 0;

	memset(skin, 0, 3 * sizeof(double));
	for (double b = 0.35; b <= 0.7; b += STEP)
		for (double a = 0.2; a <= 0.5; a += STEP)
			for (int side = -1; side <= 1; side += 2)
				if (frame_rgb(v, f, side * a, b, rgb)) {
					for (int c = 0; c < 3; c++)
						skin[c] += rgb[c];
					n++;
				}
	if (!n)
		return false;
	for (int c = 0; c < 3; c++)
		skin[c] /= n;
	return true;
}

/* Eye-to-chin distance in ied. */
static double chin_depth(const struct frame *f, const struct biounit_face_point *p)
{
	return ((p[8].x - f->ox) * f->vx + (p[8].y - f->oy) * f->vy) / (f->ied * f->ied);
}

#define GRID_A 27	/* -0.65 .. 0.65 ied */
#define GRID_B 8

void face_covering(const struct biounit_image_view *v, const struct face_geometry *g,
		   const struct biounit_face_point *p, const struct bg_stats *bg,
		   struct covering_stats *out)
{
	static const double white[3] = { 250, 250, 250 };
	double L[GRID_B][GRID_A], cr[GRID_B][GRID_A], cb[GRID_B][GRID_A];
	bool use[GRID_B][GRID_A];
	double fab[3] = { 0 }, sr = 0, sb = 0, srr = 0, sbb = 0, tex = 0, skin[3], gain[3];
	bool grey_photo;
	int total = 0, coloured = 0, light = 0, used = 0, tex_n = 0;
	struct frame f;
	double hd, b0, b1;

	memset(out, 0, sizeof(*out));
	if (!(g->ied >= 8))
		return;
	frame_of(g, &f);
	hd = chin_depth(&f, p);
	if (!(hd > 0.8) || !skin_colour(v, &f, skin))
		return;
	/* Balance the colours on a light background (a cast tints it too), so
	 * that a cast does not make hair look blue or green. */
	for (int c = 0; c < 3; c++)
		gain[c] = bg->samples && bg->mean_l >= 170 && bg->rgb[c] > 0
				  ? fmin(1.4, fmax(0.7, bg->mean_l / bg->rgb[c]))
				  : 1;
	/* In a grey photo (skin without colour) light-neutral says nothing. */
	grey_photo = chroma(skin) < 12;
	/* Between the top of the forehead and the crown estimated from the
	 * landmarks (crown at 0.95 eye-chin above the eyes, geometry.c). */
	b0 = -0.85 * hd;
	b1 = -0.66 * hd;
	for (int j = 0; j < GRID_B; j++)
		for (int i = 0; i < GRID_A; i++) {
			double a = -0.65 + i * 1.3 / (GRID_A - 1), b = b0 + j * (b1 - b0) / (GRID_B - 1);
			double rgb[3];

			use[j][i] = false;
			if (!frame_rgb(v, &f, a, b, rgb))
				continue;
			total++;
			if (near_bg(rgb, bg))
				continue;
			use[j][i] = true;
			for (int c = 0; c < 3; c++)
				rgb[c] = fmin(255, rgb[c] * gain[c]);
			L[j][i] = lum(rgb);
			chromaticity(rgb, &cr[j][i], &cb[j][i]);
			used++;
			sr += cr[j][i];
			sb += cb[j][i];
			srr += cr[j][i] * cr[j][i];
			sbb += cb[j][i] * cb[j][i];
			if (chroma(rgb) >= NEUTRAL_CHROMA && !warm(rgb))
				coloured++;
			else if (!grey_photo && chroma(rgb) < NEUTRAL_CHROMA && lum(rgb) >= LIGHT_NEUTRAL_L)
				light++;
			else
				continue;
			for (int c = 0; c < 3; c++)
				fab[c] += rgb[c];
		}
	if (total < GRID_A * GRID_B / 2 || !used)
		return;
	for (int j = 0; j < GRID_B; j++)
		for (int i = 0; i < GRID_A; i++) {
			if (!use[j][i])
				continue;
			if (i + 1 < GRID_A && use[j][i + 1]) {
				tex += fabs(L[j][i] - L[j][i + 1]);
				tex_n++;
			}
			if (j + 1 < GRID_B && use[j + 1][i]) {
				tex += fabs(L[j][i] - L[j + 1][i]);
				tex_n++;
			}
		}
	out->texture = tex_n ? tex / tex_n : 0;
	sr /= used;
	sb /= used;
	out->spread = 100 * sqrt(fmax(0, srr / used - sr * sr) + fmax(0, sbb / used - sb * sb));
	out->share = (double)(coloured + light) / total;
	if (coloured + light) {
		for (int c = 0; c < 3; c++)
			fab[c] /= coloured + light;
		out->contrast = colour_dist(fab, white);
		if (bg->samples)
			out->contrast = fmin(out->contrast, colour_dist(fab, bg->rgb));
	}
	out->present = out->share >= COVER_SHARE &&
		       (coloured >= light ||
			out->texture < COVER_NEUTRAL_TEXTURE * face_default_limits.covering_texture_max);
}

/* Hair over the ears: beside the jaw outline from point 0 to 2 (left) and
 * 16 to 14 (right), 0.06 to 0.30 ied outwards, where the ears are. */
double face_hair_over_ears(const struct biounit_image_view *v, const struct face_geometry *g,
			   const struct biounit_face_point *p, const struct bg_stats *bg)
{
	double skin[3], sk_r, sk_b, worst = 0;
	struct frame f;
	int judged = 0;

	if (!(g->ied >= 8) || !bg->samples || bg->mean_l < 180 || bg->chroma > 30)
		return NAN;	/* only against a light, plain background */
	frame_of(g, &f);
	if (!skin_colour(v, &f, skin))
		return NAN;
	chromaticity(skin, &sk_r, &sk_b);
	for (int side = 0; side < 2; side++) {
		const struct biounit_face_point *a = &p[side ? 16 : 0], *c = &p[side ? 14 : 2];
		double out_x = side ? f.ux / f.ied : -f.ux / f.ied, out_y = side ? f.uy / f.ied : -f.uy / f.ied;
		int n = 0, hair = 0;

		for (double t = 0; t <= 1.0001; t += 0.1) {
			double bx = a->x + t * (c->x - a->x), by = a->y + t * (c->y - a->y);

			for (double d = 0.06; d <= 0.30001; d += 0.03) {
				double rgb[3], r, b;

				if (!sample_rgb(v, bx + d * f.ied * out_x, by + d * f.ied * out_y,
						STEP * f.ied, rgb))
					continue;
				n++;
				if (near_bg(rgb, bg))
					continue;
				chromaticity(rgb, &r, &b);
				if (fabs(r - sk_r) < 0.05 && fabs(b - sk_b) < 0.05 &&
				    lum(rgb) > 0.4 * lum(skin) && lum(rgb) < 1.5 * lum(skin))
					continue;	/* skin: the ear */
				hair++;
			}
		}
		if (n < 40)
			continue;
		judged++;
		worst = fmax(worst, (double)hair / n);
	}
	return judged ? worst : NAN;
}

/* Hair over the eyes: the upper lid (between lid and brow) and the band under
 * the eye are skin; dark samples there (below half the cheeks' brightness)
 * are taken as hair. */
double face_hair_over_eyes(const struct biounit_image_view *v, const struct face_geometry *g,
			   const struct biounit_face_point *p)
{
	static const int lid[2][2] = { { 37, 38 }, { 43, 44 } }, brow[2][2] = { { 19, 20 }, { 23, 24 } };
	static const int low[2][2] = { { 41, 40 }, { 47, 46 } }, corner[2][2] = { { 36, 39 }, { 42, 45 } };
	double skin[3], worst = 0;
	struct frame f;

	if (!(g->ied >= 8))
		return NAN;
	frame_of(g, &f);
	if (!skin_colour(v, &f, skin))
		return NAN;
	for (int e = 0; e < 2; e++) {
		int n = 0, dark = 0;

		for (double t = 0; t <= 1.0001; t += 0.1) {
			/* Along the eye from the inner to the outer corner, through the lid points. */
			const struct biounit_face_point *c0 = &p[corner[e][0]], *c1 = &p[corner[e][1]];
			double ex = c0->x + t * (c1->x - c0->x), ey = c0->y + t * (c1->y - c0->y);
			double lid_y = (p[lid[e][0]].y + p[lid[e][1]].y) / 2 - (c0->y + c1->y) / 2;
			double brow_y = (p[brow[e][0]].y + p[brow[e][1]].y) / 2 - (c0->y + c1->y) / 2;
			double low_y = (p[low[e][0]].y + p[low[e][1]].y) / 2 - (c0->y + c1->y) / 2;
			double ys[6], rgb[3];

			/* Upper lid: 40-70 % of the way from the lid to the brow. */
			ys[0] = ey + lid_y + 0.4 * (brow_y - lid_y);
			ys[1] = ey + lid_y + 0.55 * (brow_y - lid_y);
			ys[2] = ey + lid_y + 0.7 * (brow_y - lid_y);
			/* Under the eye: 0.12 to 0.28 ied below the lower lid. */
			ys[3] = ey + low_y + 0.12 * f.ied;
			ys[4] = ey + low_y + 0.20 * f.ied;
			ys[5] = ey + low_y + 0.28 * f.ied;
			for (int k = 0; k < 6; k++) {
				if (!sample_rgb(v, ex, ys[k], STEP * f.ied, rgb))
					continue;
				n++;
				dark += lum(rgb) < 0.5 * lum(skin);
			}
		}
		if (n >= 30)
			worst = fmax(worst, (double)dark / n);
	}
	return worst;
}
