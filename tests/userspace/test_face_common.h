/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the face tests: Debian data paths, models, fixtures. */
#ifndef TEST_FACE_COMMON_H
#define TEST_FACE_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <biounit/face.h>
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

static inline double test_face_dist(double ax, double ay, double bx, double by)
{
	return hypot(ax - bx, ay - by);
}

#endif
