// SPDX-License-Identifier: GPL-2.0
/*
 * Runs on the host when the VM payload is built: makes the scenes that
 * session_test puts in front of the simulated unit, and checks each the way
 * biounitd will, so that a scene that does not do what the test expects
 * fails the build instead of the VM run.
 *
 *   make_scenes OUTDIR MODELDIR [GOOD_FACE]
 *
 * MODELDIR holds the face models biounitd reads in the VM; the landmark
 * cache is made there.
 *
 * face-good.ppm       GOOD_FACE (a photo our checks pass) on a 1280x720 canvas
 *                     of its background colour, head at 55 % of the height
 * face-covering.ppm   the same (or python3-skimage's astronaut, NASA, public
 *                     domain, without GOOD_FACE) with a light-grey covering
 * finger-good.pgm     a drawn whorl, score >= 30
 * finger-dry.pgm      the whorl drowned in noise, score < 30
 * signature-good.txt  a three-stroke pen script that passes the checks
 * signature-edge.txt  the same running off the right edge of the pad (at_edge)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "face/face.h"
#include "finger/finger.h"
#include <biounit/image.h>
#include "signature/signature.h"

#define CAM_W 1920
#define CAM_H 1080
#define FINGER_W 400
#define FINGER_H 500

static int die(const char *what, int r)
{
	fprintf(stderr, "make_scenes: %s: %s\n", what, r ? strerror(-r < 0 ? r : -r) : "failed");
	return 1;
}

static int write_pnm(const char *dir, const char *name, const uint8_t *px, uint32_t w,
		     uint32_t h, int ch)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	fprintf(f, "P%d\n%u %u\n255\n", ch == 3 ? 6 : 5, w, h);
	fwrite(px, 1, (size_t)w * h * ch, f);
	return fclose(f) ? -errno : 0;
}

static uint32_t noise_state = 1;

static int noise(int n)
{
	noise_state = noise_state * 1103515245u + 12345u;
	return (int)((noise_state >> 16) % (uint32_t)(2 * n + 1)) - n;
}

static uint8_t clamp8(double v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
}

/* what the simulator shows: nearest-neighbour scaling to the frame */
static uint8_t *camera_frame(const uint8_t *scene, uint32_t sw, uint32_t sh)
{
	uint8_t *f = malloc((size_t)CAM_W * CAM_H * 3);

	if (!f)
		return NULL;
	for (uint32_t y = 0; y < CAM_H; y++)
		for (uint32_t x = 0; x < CAM_W; x++)
			memcpy(f + ((size_t)y * CAM_W + x) * 3,
			       scene + ((size_t)(y * sh / CAM_H) * sw + x * sw / CAM_W) * 3, 3);
	return f;
}

/* as biounitd: the preview advice, then frame -> check -> crop -> check (an adult) */
static int judge(const struct biounit_face_checker *fc, const uint8_t *scene, uint32_t sw,
		 uint32_t sh, int *advice, struct biounit_face_verdict *vd)
{
	uint8_t *frame = camera_frame(scene, sw, sh);
	struct biounit_image_view v = { frame, CAM_W, CAM_H, CAM_W * 3, BIOUNIT_PIX_RGB24 };
	struct biounit_face_preview pv;
	struct biounit_image *crop = NULL;
	int r;

	if (!frame)
		return -ENOMEM;
	r = biounit_face_preview_check(fc, &v, &pv);
	*advice = r ? -1 : (int)pv.advice;
	if (!r)
		r = biounit_face_check_frame(fc, &v, BIOUNIT_FACE_AGE_11_PLUS,
					     BIOUNIT_FACE_CROP_HEIGHT, &crop, vd);
	if (!r && !vd->have_face)
		r = -ENOENT;
	biounit_image_free(crop);
	free(frame);
	return r;
}

static void print_fails(const char *name, const struct biounit_face_verdict *vd)
{
	fprintf(stderr, "make_scenes: %s: compliant %d; failing:", name, vd->compliant);
	for (int i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++)
		if (vd->results[i].status == BIOUNIT_FACE_FAIL)
			fprintf(stderr, " %s (%.3f)", vd->results[i].id, vd->results[i].value);
	fprintf(stderr, "\n");
}

/* @src scaled (nearest) to @h rows, centred on a CAM_W x CAM_H canvas of its corner colour */
static uint8_t *place(const struct biounit_image_view *src, uint32_t h)
{
	uint32_t w = src->width * h / src->height, ox = (CAM_W - w) / 2, oy = (CAM_H - h) / 2;
	uint8_t *c = malloc((size_t)CAM_W * CAM_H * 3);
	const uint8_t *bg = src->data + 2 * src->stride + 6;

	if (!c || w > CAM_W || h > CAM_H) {
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < (size_t)CAM_W * CAM_H; i++)
		memcpy(c + i * 3, src->format == BIOUNIT_PIX_RGB24 ? bg : (const uint8_t[3]){ *bg, *bg, *bg }, 3);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			const uint8_t *p = src->data + (size_t)(y * src->height / h) * src->stride +
					   (size_t)(x * src->width / w) * 3;

			memcpy(c + ((size_t)(y + oy) * CAM_W + x + ox) * 3, p, 3);
		}
	return c;
}

/* a light-grey covering over the hair (test_face_covering.c's LIGHT_GREY) */
static void paint_covering(uint8_t *canvas, const struct biounit_face_verdict *b)
{
	double ied = hypot(b->eye_right.x - b->eye_left.x, b->eye_right.y - b->eye_left.y);
	double brow_y = fmin(b->landmarks[19].y, b->landmarks[24].y);
	double kx = (b->eye_left.x + b->eye_right.x) / 2, ky = brow_y - 0.45 * ied;
	double kax = (b->landmarks[16].x - b->landmarks[0].x) * 0.66, kay = ky - b->crown_y + 0.15 * ied;

	noise_state = 1;
	for (int y = 0; y < CAM_H; y++)
		for (int x = 0; x < CAM_W; x++) {
			double e = pow((x - kx) / kax, 2) + pow((y - ky) / kay, 2);
			int shade = (int)lround(10 * (x - kx) / kax), n = noise(2);
			uint8_t *p = canvas + ((size_t)y * CAM_W + (size_t)x) * 3;

			if (e > 1 || y > brow_y - 0.5 * ied)
				continue;
			p[0] = clamp8(205 + shade + n);
			p[1] = clamp8(205 + shade + n);
			p[2] = clamp8(207 + shade + n);
		}
}

/*
 * face-good.ppm: a committed camera frame of a consenting adult (GOOD_FACE,
 * tests/fixtures/faces/, CC BY 4.0) on the face camera's 1920x1080, compliant
 * through the unit's pipeline with the preview's advice "OK"; face-covering.ppm:
 * the same sitter with a smooth light-grey head covering painted on, which the
 * rules refuse (it does not stand out from the white background).
 */
static int faces(const char *dir, const char *models, const char *good)
{
	struct biounit_face_checker *fc;
	struct biounit_image *img;
	struct biounit_image_view v, fv;
	struct biounit_face_verdict *vd = calloc(1, sizeof(*vd));
	char cache[1024];
	uint8_t *canvas;
	int r, advice;

	if (!vd)
		return -ENOMEM;
	char cascade[1024], shape[1024];

	/* the models as biounitd will read them in the VM; the landmark cache made here */
	snprintf(cascade, sizeof(cascade), "%s/haarcascade_frontalface_alt2.xml", models);
	snprintf(shape, sizeof(shape), "%s/shape_predictor_68_face_landmarks.dat", models);
	snprintf(cache, sizeof(cache), "%s/landmarks.cache", models);
	r = biounit_face_checker_new(cascade, shape, cache, &fc);
	if (r)
		return die("face models", r);
	r = biounit_image_load(good, &img);
	if (r)
		return die(good, r);
	v = biounit_image_get_view(img);
	/* the whole frame at the camera's height, centred, the sides in its corner colour */
	canvas = place(&v, CAM_H);
	if (!canvas)
		return die("canvas", -ENOMEM);
	fv = (struct biounit_image_view){ canvas, CAM_W, CAM_H, CAM_W * 3, BIOUNIT_PIX_RGB24 };
	r = judge(fc, canvas, CAM_W, CAM_H, &advice, vd);
	if (r)
		return die("good scene", r);
	print_fails("face-good", vd);
	if (advice != BIOUNIT_FACE_ADVICE_OK || !vd->compliant)
		return die("face-good is not compliant with preview advice OK", 0);
	r = write_pnm(dir, "face-good.ppm", canvas, CAM_W, CAM_H, 3);
	if (r)
		return die("write", r);
	if (biounit_face_check(fc, &fv, vd) || !vd->have_face)
		return die("covering base", 0);
	paint_covering(canvas, vd);
	r = judge(fc, canvas, CAM_W, CAM_H, &advice, vd);
	if (r)
		return die("covering scene", r);
	print_fails("face-covering", vd);
	if (vd->compliant)
		return die("face-covering is compliant", 0);
	r = write_pnm(dir, "face-covering.ppm", canvas, CAM_W, CAM_H, 3);
	if (r)
		return die("write", r);
	free(canvas);
	free(vd);
	biounit_image_free(img);
	biounit_face_checker_free(fc);
	return 0;
}

static double gauss(void)
{
	double u1 = ((noise_state = noise_state * 1103515245u + 12345u) + 1.0) / 4294967297.0;
	double u2 = ((noise_state = noise_state * 1103515245u + 12345u) + 1.0) / 4294967297.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static int fingers(const char *dir)
{
	uint8_t *px = malloc((size_t)FINGER_W * FINGER_H);
	struct biounit_image_view v = { px, FINGER_W, FINGER_H, FINGER_W, BIOUNIT_PIX_GREY };
	struct biounit_finger_report *rep;
	unsigned int score;
	int r;

	if (!px)
		return -ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		noise_state = 7;
		for (int y = 0; y < FINGER_H; y++)
			for (int x = 0; x < FINGER_W; x++) {
				double e = pow((x - 200) / 150.0, 2) + pow((y - 260) / 210.0, 2);
				double val = 128 + 80 * cos(2 * M_PI * hypot(x - 200, (y - 250) * 0.8) / 9.0);

				if (pass)
					val += 110 * gauss();
				px[(size_t)y * FINGER_W + x] = e > 1 ? 255 : clamp8(val);
			}
		r = biounit_finger_assess(&v, 500, &rep);
		if (r)
			return die("finger assess", r);
		score = biounit_finger_report_score(rep);
		biounit_finger_report_free(rep);
		fprintf(stderr, "make_scenes: %s score %u\n", pass ? "finger-dry" : "finger-good", score);
		if (pass == 0 && score < BIOUNIT_FINGER_THRESHOLD_DEFAULT + 10)
			return die("finger-good scores too low", 0);
		if (pass == 1 && score >= BIOUNIT_FINGER_THRESHOLD_DEFAULT)
			return die("finger-dry scores too high", 0);
		r = write_pnm(dir, pass ? "finger-dry.pgm" : "finger-good.pgm", px, FINGER_W, FINGER_H, 1);
		if (r)
			return die("write", r);
	}
	free(px);
	return 0;
}

/* a three-stroke pen script, as tests/kernel/demo.c draws it, @dx to the right; checked as
 * biounitd checks it on the simulated pad (1000 units per inch); returns its problems */
static int signature(const char *dir, const char *name, unsigned int dx, uint32_t *problems)
{
	struct biounit_signature_box box = { 0, 0, 2000, 800, 39, 1023 };
	struct biounit_signature *sig;
	char path[1024];
	unsigned int stroke, i, t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || biounit_signature_new(&box, &sig))
		return die(path, -errno);
	for (stroke = 0; stroke < 3; stroke++) {
		for (i = 0; i <= 60; i++, t += 5000) {
			unsigned int x = dx + 300 + stroke * 450 + i * 6;
			unsigned int y = 400 + (i % 20) * 8 - (i % 40 >= 20 ? (i % 20) * 16 : 0);
			unsigned int p = i == 60 ? 0 : 400 + i * 5;
			struct biounit_signature_sample smp = { t, (int32_t)x, (int32_t)y, p, p > 0 };

			fprintf(f, "%u %u %u %u\n", t, x, y, p);
			if (biounit_signature_add(sig, &smp))
				return die("signature sample", -EINVAL);
		}
		t += 150000;
	}
	if (fclose(f))
		return die(path, -errno);
	biounit_signature_check(sig, problems, NULL);
	biounit_signature_free(sig);
	fprintf(stderr, "make_scenes: %s problems 0x%x\n", name, *problems);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: make_scenes OUTDIR MODELDIR GOOD_FACE\n");
		return 2;
	}
	uint32_t good = 1, edge = 0;

	if (faces(argv[1], argv[2], argv[3]) || fingers(argv[1]) ||
	    signature(argv[1], "signature-good.txt", 0, &good) ||
	    signature(argv[1], "signature-edge.txt", 435, &edge))
		return 1;
	if (good)
		return die("signature-good has problems", 0);
	if (!(edge & BIOUNIT_SIG_AT_EDGE))
		return die("signature-edge is not cut off at the edge", 0);
	return 0;
}
