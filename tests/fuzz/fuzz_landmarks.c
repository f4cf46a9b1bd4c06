// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the landmark cache (issue 18): any bytes given to
 * biounit_landmark_model_from_cache_mem(), which checks them as
 * biounit_landmark_model_load() checks a cache file (model_bind(): header,
 * sizes, every split index and anchor), must give 0 or -EINVAL/-ENOMEM,
 * never a crash; a model it accepts must then fit, map a box back from the
 * points and give its mean shape without reading out of bounds, on a small
 * fixed picture, with a box inside it and one partly outside.
 *
 * Seeds: tests/fuzz/corpus/landmarks/: the cache of the small model of
 * tests/userspace/synth_landmarks.h (68 points, 2 cascades of 3 trees of 3
 * splits, 4 features; 13 992 bytes) as biounit_landmark_model_load() wrote
 * it, and copies with one split index, one anchor, the feature count or the
 * size damaged, and its header alone.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "face/face.h"
#include <biounit/image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t px[64 * 48];
	const struct biounit_image_view v = { px, 64, 48, 64, BIOUNIT_PIX_GREY };
	const struct biounit_face_box boxes[2] = { { 8, 4, 40, 40, 0 }, { -30, 20, 90, 90, 0 } };
	struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS];
	struct biounit_landmark_model *m = NULL;
	uint32_t cascades = 0, trees = 0, points = 0;
	bool cached = true;
	int ret = biounit_landmark_model_from_cache_mem(data, size, &m);

	if (ret) {
		if ((ret != -EINVAL && ret != -ENOMEM) || m)
			abort();
		return 0;
	}
	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (uint8_t)(i * 37 + (i >> 6) * 11);
	biounit_landmark_model_info(m, &cascades, &trees, &points, &cached);
	if (!cascades || !trees || points != BIOUNIT_FACE_LANDMARKS || cached)
		abort();
	biounit_landmark_model_mean_shape(m, pts);
	for (int b = 0; b < 2; b++) {
		if (biounit_landmarks_fit(m, &v, &boxes[b], pts))
			abort();
		(void)biounit_landmarks_box_from_points(m, pts);
	}
	biounit_landmark_model_free(m);
	return 0;
}
