// SPDX-License-Identifier: GPL-2.0
/*
 * make demo, on the host: what the simulated face camera shows in the demo.
 *
 *   demo_face MODELDIR PHOTO OUTDIR
 *
 * PHOTO is a camera frame of a consenting adult (tests/fixtures/faces/, CC BY
 * 4.0, see ATTRIBUTION.md there). Two scenes on the camera's 1920x1080:
 *   demo-face-close.ppm  the applicant too close to the camera (the frame
 *                        enlarged 1.6 times about its centre);
 *   demo-face.ppm        the applicant where she should be (the whole frame
 *                        at the camera's height, the sides its corner colour).
 * Each is checked the way biounitd checks it: the preview's advice, then
 * frame -> check -> document crop -> check, and the verdict is printed:
 * nothing is changed to make it pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face.h"
#include <biounit/image.h>

#define CAM_W 1920
#define CAM_H 1080

/* @src scaled (nearest) by @zoom about its centre onto a CAM_W x CAM_H canvas whose rows
 * hold @src's height at zoom 1; outside @src the canvas is @src's corner colour */
static uint8_t *scene(const struct biounit_image_view *src, double zoom)
{
	uint8_t *c = malloc((size_t)CAM_W * CAM_H * 3);
	double scale = (double)src->height / CAM_H / zoom;	/* source pixels per canvas pixel */

	if (!c)
		return NULL;
	for (uint32_t y = 0; y < CAM_H; y++)
		for (uint32_t x = 0; x < CAM_W; x++) {
			double sx = src->width / 2.0 + ((double)x - CAM_W / 2.0) * scale;
			double sy = src->height / 2.0 + ((double)y - CAM_H / 2.0) * scale;
			const uint8_t *p = src->data;

			if (sx >= 0 && sy >= 0 && sx < src->width && sy < src->height)
				p += (size_t)sy * src->stride + (size_t)sx * 3;
			memcpy(c + ((size_t)y * CAM_W + x) * 3, p, 3);
		}
	return c;
}

static int show(const struct biounit_face_checker *fc, const char *what, uint8_t *canvas,
		struct biounit_face_verdict *vd)
{
	struct biounit_image_view v = { canvas, CAM_W, CAM_H, CAM_W * 3, BIOUNIT_PIX_RGB24 };
	struct biounit_face_preview pv;
	struct biounit_image *crop = NULL;
	int r;

	r = biounit_face_preview_check(fc, &v, &pv);
	if (!r)
		r = biounit_face_check_frame(fc, &v, BIOUNIT_FACE_AGE_11_PLUS,
					     BIOUNIT_FACE_CROP_HEIGHT, &crop, vd);
	if (r)
		return r;
	printf("  %s: the live advice \"%s\" / \"%s\"; the still, checked as biounitd will: %s\n",
	       what, pv.msg_nl ? pv.msg_nl : "", pv.msg_en ? pv.msg_en : "",
	       vd->have_face && vd->compliant ? "COMPLIANT" : "NOT compliant");
	for (int i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++)
		if (vd->results[i].status == BIOUNIT_FACE_FAIL)
			printf("    fails %-20s %8.3g %-6s (EN: %s)\n", vd->results[i].id,
			       vd->results[i].value, vd->results[i].unit, vd->results[i].msg_en);
	biounit_image_free(crop);
	return 0;
}

static int write_ppm(const char *dir, const char *name, const uint8_t *px)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fprintf(f, "P6\n%u %u\n255\n", CAM_W, CAM_H) < 0 ||
	    fwrite(px, 1, (size_t)CAM_W * CAM_H * 3, f) != (size_t)CAM_W * CAM_H * 3) {
		if (f)
			fclose(f);
		return -errno;
	}
	return fclose(f) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct biounit_face_checker *fc;
	struct biounit_face_verdict *vd = calloc(1, sizeof(*vd));
	struct biounit_image *img;
	struct biounit_image_view v;
	char cascade[1024], shape[1024], cache[1024];
	uint8_t *close_up, *good;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: demo_face MODELDIR PHOTO OUTDIR\n");
		return 2;
	}
	snprintf(cascade, sizeof(cascade), "%s/haarcascade_frontalface_alt2.xml", argv[1]);
	snprintf(shape, sizeof(shape), "%s/shape_predictor_68_face_landmarks.dat", argv[1]);
	snprintf(cache, sizeof(cache), "%s/landmarks.cache", argv[1]);
	r = vd ? biounit_face_checker_new(cascade, shape, cache, &fc) : -ENOMEM;
	if (!r)
		r = biounit_image_load(argv[2], &img);
	if (r) {
		fprintf(stderr, "demo_face: %s: %s\n", argv[2], strerror(-r));
		return 1;
	}
	v = biounit_image_get_view(img);
	if (v.format != BIOUNIT_PIX_RGB24) {
		fprintf(stderr, "demo_face: %s: not an RGB photo\n", argv[2]);
		return 1;
	}
	close_up = scene(&v, 1.6);
	good = scene(&v, 1.0);
	if (!close_up || !good) {
		fprintf(stderr, "demo_face: out of memory\n");
		return 1;
	}
	r = show(fc, "too close", close_up, vd);
	if (!r)
		r = write_ppm(argv[3], "demo-face-close.ppm", close_up);
	if (!r)
		r = show(fc, "in place", good, vd);
	if (!r)
		r = write_ppm(argv[3], "demo-face.ppm", good);
	if (r) {
		fprintf(stderr, "demo_face: %s\n", strerror(-r));
		return 1;
	}
	free(close_up);
	free(good);
	biounit_image_free(img);
	biounit_face_checker_free(fc);
	free(vd);
	return 0;
}
