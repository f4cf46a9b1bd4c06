// SPDX-License-Identifier: GPL-2.0
/*
 * Face geometry from the 68 landmarks (iBUG 300-W numbering: 0-16 jaw,
 * 17-26 brows, 27-35 nose, 36-41 and 42-47 eyes, 48-67 mouth).
 * Angles and ratios are measured in the frame of the eye line (roll removed).
 */
#include <math.h>

#include "rules.h"

#define DEG (180.0 / M_PI)
/* Crown above the eye line, in units of the eye-line-to-chin distance:
 * the eyes sit about half-way down the head (ICAO 9303-3 head geometry;
 * anthropometric average, see docs/face-rules.md). */
#define CROWN_OVER_EYES 0.95
/* Nose-tip distance from the head's vertical axis over the half-width of
 * the jaw outline (cylinder model; about 12 cm over 8 cm for adults). */
#define YAW_DEPTH 1.5
/* Change of the nose-to-chin ratio per unit sine of pitch. */
#define PITCH_GAIN 0.6

static double dist(struct biounit_face_point a, struct biounit_face_point b)
{
	return hypot(a.x - b.x, a.y - b.y);
}

static struct biounit_face_point mean_of(const struct biounit_face_point *p, int from, int to)
{
	struct biounit_face_point m = { 0, 0 };

	for (int i = from; i <= to; i++) {
		m.x += p[i].x;
		m.y += p[i].y;
	}
	m.x /= (float)(to - from + 1);
	m.y /= (float)(to - from + 1);
	return m;
}

/* Eye height over width: (|p1-p5| + |p2-p4|) / 2|p0-p3| for the 6 eye points. */
static double eye_aspect(const struct biounit_face_point *e)
{
	double w = dist(e[0], e[3]);

	return w > 0 ? (dist(e[1], e[5]) + dist(e[2], e[4])) / (2 * w) : 0;
}

/* Nose tip (30) between eyes line and chin (8), as a share of eye-chin. */
static double nose_ratio(const struct biounit_face_point *p, double c, double s)
{
	struct biounit_face_point el = mean_of(p, 36, 41), er = mean_of(p, 42, 47);
	double ey = -s * (el.x + er.x) / 2 + c * (el.y + er.y) / 2;
	double ny = -s * p[30].x + c * p[30].y, cy = -s * p[8].x + c * p[8].y;

	return cy - ey > 0 ? (ny - ey) / (cy - ey) : 0;
}

void face_geometry_from_landmarks(const struct biounit_face_point *p,
				  const struct biounit_face_point *mean, struct face_geometry *g)
{
	struct biounit_face_point em;
	double roll, c, s, mw, dl, dr, rx[68], ry[68], eye_y, chin_d, r;

	g->eye_l = mean_of(p, 36, 41);
	g->eye_r = mean_of(p, 42, 47);
	g->ied = dist(g->eye_l, g->eye_r);
	roll = atan2(g->eye_r.y - g->eye_l.y, g->eye_r.x - g->eye_l.x);
	g->roll_deg = roll * DEG;
	c = cos(roll);
	s = sin(roll);
	/* Rotate into the eye-line frame. */
	for (int i = 0; i < 68; i++) {
		rx[i] = c * p[i].x + s * p[i].y;
		ry[i] = -s * p[i].x + c * p[i].y;
	}
	/* The less open eye, as OFIQ's EyesOpen measure takes the smaller opening
	 * (one closed eye must not pass on the other's opening). */
	g->eye_open = fmin(eye_aspect(p + 36), eye_aspect(p + 42));
	g->head_w = dist(p[0], p[16]);
	mw = dist(p[48], p[54]);
	g->mouth_gap = mw > 0 ? (dist(p[61], p[67]) + dist(p[62], p[66]) + dist(p[63], p[65])) /
					(3 * mw)
			      : 0;
	/* Corners above the lips' centre line means a smile. */
	g->smile = mw > 0 ? ((ry[62] + ry[66]) / 2 - (ry[48] + ry[54]) / 2) / mw : 0;
	g->mouth_width_ied = g->ied > 0 ? mw / g->ied : 0;
	dl = rx[30] - rx[0];
	dr = rx[16] - rx[30];
	if (dl + dr > 0) {
		r = (dl - dr) / (dl + dr) / YAW_DEPTH;
		g->yaw_deg = asin(r > 1 ? 1 : r < -1 ? -1 : r) * DEG;
	} else {
		g->yaw_deg = 0;
	}
	r = nose_ratio(p, c, s) - nose_ratio(mean, 1, 0);
	r /= PITCH_GAIN;
	g->pitch_deg = asin(r > 1 ? 1 : r < -1 ? -1 : r) * DEG;
	em.x = (g->eye_l.x + g->eye_r.x) / 2;
	em.y = (g->eye_l.y + g->eye_r.y) / 2;
	eye_y = -s * em.x + c * em.y;
	chin_d = ry[8] - eye_y;
	g->chin_y = p[8].y;
	g->crown_y = em.y - CROWN_OVER_EYES * chin_d * c;
	g->mid_x = em.x;
}
