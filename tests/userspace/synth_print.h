/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated grey fingerprints for the tests and benches: one generator,
 * used by test_wsq.c, tests/bench/wsq_bench.c and handoff_fixture.h. Each
 * caller keeps the images it had (same pixels for the same size and seed),
 * hence the styles:
 *
 *   SYNTH_RIDGES  ridges along circles around a core below the centre, inside
 *                 an ellipse, light grey (245) outside; period, contrast and
 *                 noise (xorshift, triangular) vary with the seed (test_wsq.c)
 *   SYNTH_VARIED  the same with the core, the ellipse, a wider contrast and
 *                 noise range varied too, white (255) outside (wsq_bench.c)
 *   SYNTH_TIP     a fingertip: ridges about 9.5 pixels apart (500 ppi),
 *                 fading towards the edge of an ellipse, uniform noise of
 *                 +-8 from a linear congruential generator whose running
 *                 state also shifts the ridge phase (handoff_fixture.h)
 *
 * Header only, static inline: include it where needed.
 */
#ifndef BIOUNIT_TEST_SYNTH_PRINT_H
#define BIOUNIT_TEST_SYNTH_PRINT_H

#include <math.h>
#include <stdint.h>
#include <biounit/image.h>

enum synth_style { SYNTH_RIDGES, SYNTH_VARIED, SYNTH_TIP };

/* xorshift32 */
static inline uint32_t synth_rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* uniform in (0, 1) */
static inline double synth_urand(uint32_t *s)
{
	return (synth_rng(s) + 0.5) / 4294967296.0;
}

/* the linear congruential generator of SYNTH_TIP */
static inline uint32_t synth_lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* a @w x @h grey print (NULL when out of memory); free with biounit_image_free() */
static inline struct biounit_image *synth_print(uint32_t w, uint32_t h, uint32_t seed,
						enum synth_style style)
{
	struct biounit_image *img;
	uint32_t s = seed * 2654435761u + 1;
	double period = 0, noise = 0, amp = 0, base = 0, bg = 0, cx, cy, ax, ay;

	if (style == SYNTH_RIDGES) {
		period = 8 + 3 * synth_urand(&s);
		noise = 5 + 15 * synth_urand(&s);
		amp = 60 + 40 * synth_urand(&s);
		cx = w / 2.0, cy = h * 0.6, ax = w * 0.4, ay = h * 0.45;
		base = 130, bg = 245;
	} else if (style == SYNTH_VARIED) {
		period = 8 + 3 * synth_urand(&s);
		noise = 5 + 25 * synth_urand(&s);
		amp = 50 + 60 * synth_urand(&s);
		cx = w / 2.0 + 30 * (synth_urand(&s) - 0.5);
		cy = h * (0.55 + 0.1 * synth_urand(&s));
		ax = w * (0.32 + 0.1 * synth_urand(&s));
		ay = h * (0.38 + 0.08 * synth_urand(&s));
		base = 140, bg = 255;
	} else {
		cx = w * 0.5, cy = h * 0.45, ax = ay = 0;
		s = seed;
	}

	if (biounit_image_new(w, h, BIOUNIT_PIX_GREY, &img))
		return NULL;
	uint8_t *px = biounit_image_data(img);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double v;

			if (style == SYNTH_TIP) {
				double dx = x - cx, dy = (y - cy) * 0.8, r = sqrt(dx * dx + dy * dy);
				double a = atan2(dy, dx), e = (dx * dx) / (0.4 * w * 0.4 * w) +
							       (dy * dy) / (0.45 * h * 0.45 * h);
				double ridge = cos(2 * M_PI * r / 9.5 + 0.6 * sin(2 * a) + s);

				v = e < 1 ? 128 - 100 * ridge * (1 - e * e) : 235;
				v += (int)(synth_lcg(&s) % 17) - 8;
			} else {
				double ex = (x - w / 2.0) / ax, ey = (y - h / 2.0) / ay;

				v = bg;
				if (ex * ex + ey * ey < 1) {
					double r = hypot(x - cx, (y - cy) * 1.3);
					double n = (synth_urand(&s) + synth_urand(&s) + synth_urand(&s) -
						    1.5) * 2 * noise;
					v = base - amp * cos(2 * M_PI * r / period) + n;
				}
			}
			px[(size_t)y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	return img;
}

#endif /* BIOUNIT_TEST_SYNTH_PRINT_H */
