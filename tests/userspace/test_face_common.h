/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the face tests: Debian data paths, models, fixtures. */
#ifndef TEST_FACE_COMMON_H
#define TEST_FACE_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "face/face.h"
#include <biounit/image.h>

#include "face_cache_dir.h"

/* python3-skimage ships these photos (astronaut: NASA, public domain;
 * camera: CC0; chelsea: a cat; coffee: a cup). */
#define SKIMAGE_DATA "/usr/lib/python3/dist-packages/skimage/data/"
#define ASTRONAUT SKIMAGE_DATA "astronaut.png"

static inline int test_face_have_data(void)
{
	return access(ASTRONAUT, R_OK) == 0 && access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) == 0 &&
	       access(BIOUNIT_FACE_CASCADE_PATH, R_OK) == 0;
}

struct mark {
	char name[32];
	float x, y;
};

/* Reads fixtures/face/astronaut-marks.txt; returns the number of marks. */
static inline int test_face_read_marks(struct mark *m, int max)
{
	FILE *f = fopen("fixtures/face/astronaut-marks.txt", "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%31s %f %f", m[n].name, &m[n].x, &m[n].y) == 3)
			n++;
	fclose(f);
	return n;
}

static inline struct mark test_face_mark(const struct mark *m, int n, const char *name)
{
	struct mark none = { "", NAN, NAN };

	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return m[i];
	return none;
}

/* A copy of @src (RGB) scaled @kx times across and @ky times down, bilinear. */
static inline struct biounit_image *test_face_scaled(const struct biounit_image_view *src,
						     double kx, double ky)
{
	struct biounit_image *out;
	uint32_t w = (uint32_t)lround(src->width * kx), h = (uint32_t)lround(src->height * ky);
	uint8_t *d;

	if (src->format != BIOUNIT_PIX_RGB24 || biounit_image_new(w, h, BIOUNIT_PIX_RGB24, &out))
		return NULL;
	d = biounit_image_data(out);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double sx = (x + 0.5) / kx - 0.5, sy = (y + 0.5) / ky - 0.5;
			int x0 = (int)fmax(0, floor(sx)), y0 = (int)fmax(0, floor(sy));
			int x1 = x0 + 1 < (int)src->width ? x0 + 1 : x0;
			int y1 = y0 + 1 < (int)src->height ? y0 + 1 : y0;
			double fx = fmin(1, fmax(0, sx - x0)), fy = fmin(1, fmax(0, sy - y0));

			for (int c = 0; c < 3; c++) {
				const uint8_t *s = src->data;
				double a = s[y0 * src->stride + 3 * x0 + c], b = s[y0 * src->stride + 3 * x1 + c];
				double e = s[y1 * src->stride + 3 * x0 + c], f = s[y1 * src->stride + 3 * x1 + c];
				double top = a + (b - a) * fx, bot = e + (f - e) * fx;

				d[((size_t)y * w + x) * 3 + c] = (uint8_t)lround(top + (bot - top) * fy);
			}
		}
	return out;
}

/* A copy of @src (RGB) enlarged @k times: the skimage photos are too small
 * for a 400 dpi document crop made of their own pixels. */
static inline struct biounit_image *test_face_enlarged(const struct biounit_image_view *src, int k)
{
	return test_face_scaled(src, k, k);
}

/* Committed camera frames of consenting adults (tests/fixtures/faces,
 * CC BY 4.0, see its ATTRIBUTION.md): compliant sitters, white background. */
#define FACE_FIXTURES "../fixtures/faces/"
static const char *const test_face_frames[] = {
	FACE_FIXTURES "london-008-camera-frame.jpg", FACE_FIXTURES "london-010-camera-frame.jpg",
	FACE_FIXTURES "london-016-camera-frame.jpg", FACE_FIXTURES "london-029-camera-frame.jpg",
	FACE_FIXTURES "london-034-camera-frame.jpg",
};
#define TEST_FACE_FRAMES (sizeof(test_face_frames) / sizeof(test_face_frames[0]))

static inline double test_face_dist(double ax, double ay, double bx, double by)
{
	return hypot(ax - bx, ay - by);
}

#endif
