// SPDX-License-Identifier: GPL-2.0
/*
 * make demo, on the host: the face the simulated camera shows in the demo.
 *
 *   demo_face MODELDIR PHOTO OUT.ppm
 *
 * PHOTO is python3-skimage's astronaut (Eileen Collins, NASA, public domain),
 * or any photo with one face. Its passport crop (biounit_face_crop: chin to
 * crown 75 % of the height, eyes centred) is placed on a white 1280x720
 * canvas, head at about 55 % of the frame height (inside the preview's
 * 45..70 %), as an applicant standing in front of the desk's camera would be.
 * The scene is then checked the way biounitd checks a still (full check of
 * the passport crop cut from the camera frame) and the verdict is printed:
 * nothing is changed to make it pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <biounit/face.h>
#include <biounit/image.h>

#define CAM_W 1280
#define CAM_H 720

int main(int argc, char **argv)
{
	struct biounit_face_checker *fc;
	struct biounit_face_verdict *vd = calloc(1, sizeof(*vd));
	struct biounit_image *img, *crop, *crop2;
	struct biounit_image_view v, cv;
	char cascade[1024], shape[1024], cache[1024];
	uint8_t *canvas;
	uint32_t h = CAM_H * 55 / 75, w, ox, oy;
	FILE *f;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: demo_face MODELDIR PHOTO OUT.ppm\n");
		return 2;
	}
	snprintf(cascade, sizeof(cascade), "%s/haarcascade_frontalface_alt2.xml", argv[1]);
	snprintf(shape, sizeof(shape), "%s/shape_predictor_68_face_landmarks.dat", argv[1]);
	snprintf(cache, sizeof(cache), "%s/landmarks.cache", argv[1]);
	r = biounit_face_checker_new(cascade, shape, cache, &fc);
	if (!r)
		r = biounit_image_load(argv[2], &img);
	if (r || !vd) {
		fprintf(stderr, "demo_face: %s\n", strerror(r < 0 ? -r : ENOMEM));
		return 1;
	}
	v = biounit_image_get_view(img);
	if (v.format != BIOUNIT_PIX_RGB24 || biounit_face_check(fc, &v, vd) || !vd->have_face ||
	    biounit_face_crop(&v, vd, 531, &crop)) {
		fprintf(stderr, "demo_face: %s: no face found (or not RGB)\n", argv[2]);
		return 1;
	}
	cv = biounit_image_get_view(crop);
	w = cv.width * h / cv.height;
	ox = (CAM_W - w) / 2;
	oy = (CAM_H - h) / 2;
	canvas = malloc((size_t)CAM_W * CAM_H * 3);
	if (!canvas)
		return 1;
	memset(canvas, 255, (size_t)CAM_W * CAM_H * 3);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			memcpy(canvas + ((size_t)(y + oy) * CAM_W + x + ox) * 3,
			       cv.data + (size_t)(y * cv.height / h) * cv.stride +
				       (size_t)(x * cv.width / w) * 3, 3);
	f = fopen(argv[3], "wb");
	if (!f || fprintf(f, "P6\n%u %u\n255\n", CAM_W, CAM_H) < 0 ||
	    fwrite(canvas, 1, (size_t)CAM_W * CAM_H * 3, f) != (size_t)CAM_W * CAM_H * 3 || fclose(f)) {
		fprintf(stderr, "demo_face: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	/* as biounitd judges a still: the full check of the crop cut from the frame */
	v = (struct biounit_image_view){ canvas, CAM_W, CAM_H, CAM_W * 3, BIOUNIT_PIX_RGB24 };
	if (biounit_face_check(fc, &v, vd) || !vd->have_face || biounit_face_crop(&v, vd, 531, &crop2)) {
		printf("  the scene: no face found in the camera frame\n");
		return 0;
	}
	cv = biounit_image_get_view(crop2);
	biounit_face_check(fc, &cv, vd);
	printf("  the scene, checked as biounitd will check it: %s\n",
	       vd->compliant ? "COMPLIANT" : "NOT compliant");
	for (int i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++)
		if (vd->results[i].status == BIOUNIT_FACE_FAIL)
			printf("    fails %-20s %8.3g %-6s (EN: %s)\n", vd->results[i].id,
			       vd->results[i].value, vd->results[i].unit, vd->results[i].msg_en);
	biounit_image_free(crop2);
	biounit_image_free(crop);
	biounit_image_free(img);
	biounit_face_checker_free(fc);
	free(canvas);
	free(vd);
	return 0;
}
