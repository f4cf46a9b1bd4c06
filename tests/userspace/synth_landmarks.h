/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small landmark model in dlib's shape_predictor serialisation
 * (docs/face-landmark-model.md): 68 points, SYNTH_LM_CASCADES cascades of
 * SYNTH_LM_TREES trees of SYNTH_LM_SPLITS splits over SYNTH_LM_FEATURES
 * pixels; 14 KB as a cache instead of the 67 MB of the real one, so that the
 * cache tests run without libdlib-data and fast. The offsets below are those
 * of its cache (the in-memory block), for tests that damage one.
 *
 * Header only, static inline: include it where needed.
 */
#ifndef BIOUNIT_TEST_SYNTH_LANDMARKS_H
#define BIOUNIT_TEST_SYNTH_LANDMARKS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define SYNTH_LM_POINTS 68
#define SYNTH_LM_CASCADES 2
#define SYNTH_LM_TREES 3
#define SYNTH_LM_SPLITS 3
#define SYNTH_LM_FEATURES 4

/* cache layout: header, initial shape, per cascade anchors then deltas, trees */
#define SYNTH_LM_HEADER 80
#define SYNTH_LM_CASCADE0 (SYNTH_LM_HEADER + 2 * SYNTH_LM_POINTS * 4)
#define SYNTH_LM_ANCHOR(c, i) (SYNTH_LM_CASCADE0 + (c) * SYNTH_LM_FEATURES * 12 + (i) * 4)
#define SYNTH_LM_TREE_BYTES \
	(SYNTH_LM_SPLITS * 12 + (SYNTH_LM_SPLITS + 1) * 2 * SYNTH_LM_POINTS * 4)
/* idx1 of split s of tree t of cascade c; idx2 follows it, then the threshold */
#define SYNTH_LM_SPLIT(c, t, s)                                                   \
	(SYNTH_LM_CASCADE0 + SYNTH_LM_CASCADES * SYNTH_LM_FEATURES * 12 +          \
	 ((c) * SYNTH_LM_TREES + (t)) * SYNTH_LM_TREE_BYTES + (s) * 12)
#define SYNTH_LM_CACHE_BYTES SYNTH_LM_SPLIT(SYNTH_LM_CASCADES, 0, 0)

/* dlib integer: a byte with the length (| 0x80 if negative), then the
 * magnitude little-endian */
static inline void synth_lm_int(FILE *f, int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	uint8_t b[9];
	unsigned int n = 0;

	while (u) {
		b[1 + n++] = (uint8_t)u;
		u >>= 8;
	}
	b[0] = (uint8_t)(n | (v < 0 ? 0x80 : 0));
	fwrite(b, 1, n + 1, f);
}

/* dlib float: mantissa and exponent, value = m * 2^e */
static inline void synth_lm_float(FILE *f, float x)
{
	int e = 0;
	double fr = frexp(x, &e);

	synth_lm_int(f, (int64_t)llround(ldexp(fr, 24)));
	synth_lm_int(f, x == 0 ? 0 : e - 24);
}

/* A column of 2 * points floats: -rows, -cols, values. */
static inline void synth_lm_column(FILE *f, const float *v)
{
	synth_lm_int(f, -2 * SYNTH_LM_POINTS);
	synth_lm_int(f, -1);
	for (int i = 0; i < 2 * SYNTH_LM_POINTS; i++)
		synth_lm_float(f, v[i]);
}

/* Writes the model to @path: 0, or -1 if it cannot be written. */
static inline int synth_lm_write(const char *path)
{
	float shape[2 * SYNTH_LM_POINTS];
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	/* the mean shape: an ellipse in the box (units of the box) */
	for (int i = 0; i < SYNTH_LM_POINTS; i++) {
		shape[2 * i] = 0.5f + 0.35f * (float)cos(i * 2 * M_PI / SYNTH_LM_POINTS);
		shape[2 * i + 1] = 0.55f + 0.4f * (float)sin(i * 2 * M_PI / SYNTH_LM_POINTS);
	}
	synth_lm_int(f, 1); /* version */
	synth_lm_column(f, shape);
	synth_lm_int(f, SYNTH_LM_CASCADES);
	for (int c = 0; c < SYNTH_LM_CASCADES; c++) {
		synth_lm_int(f, SYNTH_LM_TREES);
		for (int t = 0; t < SYNTH_LM_TREES; t++) {
			synth_lm_int(f, SYNTH_LM_SPLITS);
			for (int s = 0; s < SYNTH_LM_SPLITS; s++) {
				synth_lm_int(f, (c + t + s) % SYNTH_LM_FEATURES);
				synth_lm_int(f, (c + 2 * t + s + 1) % SYNTH_LM_FEATURES);
				synth_lm_float(f, (float)(s * 8 - 8));
			}
			synth_lm_int(f, SYNTH_LM_SPLITS + 1);
			for (int l = 0; l <= SYNTH_LM_SPLITS; l++) {
				float leaf[2 * SYNTH_LM_POINTS];

				for (int k = 0; k < 2 * SYNTH_LM_POINTS; k++)
					leaf[k] = (float)((l - 1.5) * 0.002 * ((k + c + t) % 5 - 2));
				synth_lm_column(f, leaf);
			}
		}
	}
	synth_lm_int(f, SYNTH_LM_CASCADES); /* anchor_idx */
	for (int c = 0; c < SYNTH_LM_CASCADES; c++) {
		synth_lm_int(f, SYNTH_LM_FEATURES);
		for (int i = 0; i < SYNTH_LM_FEATURES; i++)
			synth_lm_int(f, (i * 17 + c * 5) % SYNTH_LM_POINTS);
	}
	synth_lm_int(f, SYNTH_LM_CASCADES); /* deltas */
	for (int c = 0; c < SYNTH_LM_CASCADES; c++) {
		synth_lm_int(f, SYNTH_LM_FEATURES);
		for (int i = 0; i < 2 * SYNTH_LM_FEATURES; i++)
			synth_lm_float(f, (float)((i % 3) - 1) * 0.05f);
	}
	return fclose(f) ? -1 : 0;
}

#endif
