// SPDX-License-Identifier: GPL-2.0
/*
 * The face rules, the document crop and the preview check, on a real
 * photograph (python3-skimage's astronaut.png) and on controlled variants of
 * it made here: grey, darker, brighter, blurred, rotated, cropped, and with
 * the background painted white or white with a shadow.
 */
#include <errno.h>

#include "test_face_common.h"

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define DEG (180.0 / M_PI)

static enum biounit_face_status st(const struct biounit_face_verdict *v, enum biounit_face_rule r)
{
	return v->results[r].status;
}

static double val(const struct biounit_face_verdict *v, enum biounit_face_rule r)
{
	return v->results[r].value;
}

/* Bilinear resample of @src into the rectangle (dx, dy, dw, dh) of @dst (RGB). */
static void paste_scaled(const struct biounit_image_view *src, struct biounit_image *dst, int dx,
			 int dy, int dw, int dh)
{
	struct biounit_image_view dv = biounit_image_get_view(dst);
	uint8_t *d = biounit_image_data(dst);

	for (int y = 0; y < dh; y++)
		for (int x = 0; x < dw; x++) {
			double sx = (x + 0.5) * src->width / dw - 0.5, sy = (y + 0.5) * src->height / dh - 0.5;
			int x0 = (int)fmax(0, floor(sx)), y0 = (int)fmax(0, floor(sy));
			int x1 = x0 + 1 < (int)src->width ? x0 + 1 : x0;
			int y1 = y0 + 1 < (int)src->height ? y0 + 1 : y0;
			double fx = fmin(1, fmax(0, sx - x0)), fy = fmin(1, fmax(0, sy - y0));

			if (x + dx < 0 || y + dy < 0 || x + dx >= (int)dv.width || y + dy >= (int)dv.height)
				continue;
			for (int c = 0; c < 3; c++) {
				const uint8_t *s = src->data;
				double a = s[y0 * src->stride + 3 * x0 + c], b = s[y0 * src->stride + 3 * x1 + c];
				double e = s[y1 * src->stride + 3 * x0 + c], f = s[y1 * src->stride + 3 * x1 + c];
				double top = a + (b - a) * fx, bot = e + (f - e) * fx;

				d[(size_t)(y + dy) * dv.stride + 3 * (x + dx) + c] =
					(uint8_t)lround(top + (bot - top) * fy);
			}
		}
}

FIXTURE(face) {
	struct biounit_face_checker *fc;
	struct biounit_image *img;
	struct biounit_image_view v;
	struct biounit_face_verdict vd;
};

FIXTURE_SETUP(face)
{
	self->fc = NULL;
	self->img = NULL;
	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	ASSERT_EQ(0, biounit_face_checker_new(NULL, NULL, test_face_cache_path(), &self->fc));
	ASSERT_EQ(0, biounit_image_load(ASTRONAUT, &self->img));
	self->v = biounit_image_get_view(self->img);
}

FIXTURE_TEARDOWN(face)
{
	biounit_image_free(self->img);
	biounit_face_checker_free(self->fc);
}

/* A copy of the photo with every sample mapped through @fn. */
static struct biounit_image *mapped(const struct biounit_image_view *v, int mul100, int add)
{
	struct biounit_image *out;
	uint8_t *d;

	if (biounit_image_new(v->width, v->height, v->format, &out))
		return NULL;
	d = biounit_image_data(out);
	for (uint32_t y = 0; y < v->height; y++)
		for (uint32_t x = 0; x < v->width * 3; x++) {
			int s = v->data[y * v->stride + x] * mul100 / 100 + add;

			d[y * v->width * 3 + x] = (uint8_t)(s > 255 ? 255 : s < 0 ? 0 : s);
		}
	return out;
}

TEST_F(face, astronaut_verdict)
{
	struct biounit_face_verdict *v = &self->vd;
	struct mark m[16];
	int n = test_face_read_marks(m, 16);
	struct mark el = test_face_mark(m, n, "eye_left_pupil"), er = test_face_mark(m, n, "eye_right_pupil");
	double marked_roll = atan2(er.y - el.y, er.x - el.x) * DEG;

	ASSERT_EQ(0, biounit_face_check(self->fc, &self->v, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_FALSE(v->compliant);
	EXPECT_EQ(1, v->faces);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_ONE_FACE));
	/* A small head in a large portrait: geometry fails. */
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_FACE_HEIGHT));
	EXPECT_LT(val(v, BIOUNIT_FACE_RULE_FACE_HEIGHT), 0.4);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_EYE_DISTANCE));
	EXPECT_LT(fabs(val(v, BIOUNIT_FACE_RULE_EYE_DISTANCE) - (er.x - el.x)), 5);
	EXPECT_LT(fabs(val(v, BIOUNIT_FACE_RULE_ROLL) - marked_roll), 2.5);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_ROLL));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_YAW));
	/* Flag, shuttle model and a grey studio backdrop. */
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_BACKGROUND));
	/* She smiles broadly, showing her teeth, eyes open. */
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_MOUTH_CLOSED));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_NEUTRAL));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_EYES_OPEN));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_EXPOSURE));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_CLIPPING));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_CONTRAST));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_SHARPNESS));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_COLOUR));
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++) {
		EXPECT_STREQ(biounit_face_rule_id((enum biounit_face_rule)r), v->results[r].id);
		EXPECT_NE(NULL, v->results[r].msg_nl);
		EXPECT_NE(NULL, v->results[r].msg_en);
		if (v->results[r].status == BIOUNIT_FACE_FAIL)
			EXPECT_STRNE(v->results[r].msg_nl, v->results[r].msg_en);
	}
}

TEST_F(face, grey_photo_fails_colour_only)
{
	struct biounit_image *g;
	struct biounit_image_view gv;
	uint8_t *d;

	ASSERT_EQ(0, biounit_image_new(self->v.width, self->v.height, BIOUNIT_PIX_GREY, &g));
	d = biounit_image_data(g);
	for (uint32_t y = 0; y < self->v.height; y++)
		for (uint32_t x = 0; x < self->v.width; x++) {
			const uint8_t *p = self->v.data + y * self->v.stride + 3 * x;

			d[y * self->v.width + x] = (uint8_t)((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
		}
	gv = biounit_image_get_view(g);
	ASSERT_EQ(0, biounit_face_check(self->fc, &gv, &self->vd));
	ASSERT_TRUE(self->vd.have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_COLOUR));
	EXPECT_LT(fabs(val(&self->vd, BIOUNIT_FACE_RULE_COLOUR) - 1.0), 0.01);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(&self->vd, BIOUNIT_FACE_RULE_SHARPNESS));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(&self->vd, BIOUNIT_FACE_RULE_EXPOSURE));
	biounit_image_free(g);
}

TEST_F(face, warm_and_blue_casts_fail_colour)
{
	/* R, G, B gains in percent. */
	static const int gains[2][3] = { { 100, 85, 55 }, { 55, 85, 100 } };

	for (int k = 0; k < 2; k++) {
		struct biounit_image *c = mapped(&self->v, 100, 0);
		struct biounit_image_view cv;
		uint8_t *d;

		ASSERT_NE(NULL, c);
		d = biounit_image_data(c);
		for (size_t i = 0; i < (size_t)self->v.width * self->v.height * 3; i++)
			d[i] = (uint8_t)(d[i] * gains[k][i % 3] / 100);
		cv = biounit_image_get_view(c);
		ASSERT_EQ(0, biounit_face_check(self->fc, &cv, &self->vd));
		ASSERT_TRUE(self->vd.have_face);
		EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_COLOUR)) TH_LOG("cast %d", k);
		biounit_image_free(c);
	}
}

TEST_F(face, under_and_over_exposure)
{
	struct biounit_image *dark = mapped(&self->v, 33, 0), *bright = mapped(&self->v, 190, 20);
	struct biounit_image_view dv = biounit_image_get_view(dark), bv = biounit_image_get_view(bright);

	ASSERT_EQ(0, biounit_face_check(self->fc, &dv, &self->vd));
	ASSERT_TRUE(self->vd.have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_EXPOSURE));
	ASSERT_EQ(0, biounit_face_check(self->fc, &bv, &self->vd));
	ASSERT_TRUE(self->vd.have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_CLIPPING));
	EXPECT_GT(val(&self->vd, BIOUNIT_FACE_RULE_CLIPPING), 0.25);
	biounit_image_free(dark);
	biounit_image_free(bright);
}

/* Three passes of a 5x5 box blur (about a Gaussian of sigma 2.4 px; the
 * eyes are 43 px apart). */
TEST_F(face, blur_fails_sharpness)
{
	struct biounit_image *a = mapped(&self->v, 100, 0), *b = mapped(&self->v, 100, 0);
	uint32_t w = self->v.width, h = self->v.height;
	struct biounit_image_view bv;
	double sharp_before;

	ASSERT_EQ(0, biounit_face_check(self->fc, &self->v, &self->vd));
	sharp_before = val(&self->vd, BIOUNIT_FACE_RULE_SHARPNESS);
	for (int pass = 0; pass < 3; pass++) {
		uint8_t *s = biounit_image_data(a), *d = biounit_image_data(b);

		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++)
				for (int c = 0; c < 3; c++) {
					int sum = 0, n = 0;

					for (int dy = -2; dy <= 2; dy++)
						for (int dx = -2; dx <= 2; dx++) {
							int xx = (int)x + dx, yy = (int)y + dy;

							if (xx < 0 || yy < 0 || xx >= (int)w || yy >= (int)h)
								continue;
							sum += s[(yy * w + xx) * 3 + c];
							n++;
						}
					d[(y * w + x) * 3 + c] = (uint8_t)(sum / n);
				}
		memcpy(s, d, (size_t)w * h * 3);
	}
	bv = biounit_image_get_view(a);
	ASSERT_EQ(0, biounit_face_check(self->fc, &bv, &self->vd));
	ASSERT_TRUE(self->vd.have_face);
	TH_LOG("sharpness %.1f before, %.1f after blurring", sharp_before,
	       val(&self->vd, BIOUNIT_FACE_RULE_SHARPNESS));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_SHARPNESS));
	EXPECT_LT(val(&self->vd, BIOUNIT_FACE_RULE_SHARPNESS), sharp_before / 2);
	biounit_image_free(a);
	biounit_image_free(b);
}

/* Rotating the photo by 10 degrees about the face adds 10 degrees of roll
 * (the frontal cascade stops finding faces rolled by more than about 15). */
TEST_F(face, rotation_fails_roll)
{
	struct biounit_image *r;
	struct biounit_image_view rv;
	double roll0, a = 10 / DEG, cx = 225, cy = 130;
	uint8_t *d;

	ASSERT_EQ(0, biounit_face_check(self->fc, &self->v, &self->vd));
	roll0 = val(&self->vd, BIOUNIT_FACE_RULE_ROLL);
	ASSERT_EQ(0, biounit_image_new(self->v.width, self->v.height, BIOUNIT_PIX_RGB24, &r));
	d = biounit_image_data(r);
	for (uint32_t y = 0; y < self->v.height; y++)
		for (uint32_t x = 0; x < self->v.width; x++) {
			/* Destination (x, y) comes from the source rotated by -a. */
			double sx = cx + cos(a) * (x - cx) + sin(a) * (y - cy);
			double sy = cy - sin(a) * (x - cx) + cos(a) * (y - cy);
			int ix = (int)lround(sx), iy = (int)lround(sy);

			if (ix < 0 || iy < 0 || ix >= (int)self->v.width || iy >= (int)self->v.height)
				continue;
			memcpy(d + (y * self->v.width + x) * 3, self->v.data + iy * self->v.stride + ix * 3, 3);
		}
	rv = biounit_image_get_view(r);
	ASSERT_EQ(0, biounit_face_check(self->fc, &rv, &self->vd));
	ASSERT_TRUE(self->vd.have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_ROLL));
	EXPECT_LT(fabs(val(&self->vd, BIOUNIT_FACE_RULE_ROLL) - roll0 - 10), 3);
	biounit_image_free(r);
}

/* The photo three times enlarged (enough pixels for a 400 dpi crop). */
static struct biounit_image *enlarged(const struct biounit_image_view *v)
{
	return test_face_enlarged(v, 3);
}

/* The document crop has the Dutch geometry; the photo as it is has too few
 * pixels for 400 dpi: no crop, "come closer". */
TEST_F(face, crop_has_document_geometry)
{
	struct biounit_image *crop = NULL, *big = enlarged(&self->v);
	struct biounit_image_view cv, bv;
	struct biounit_face_verdict *v = &self->vd;
	static const enum biounit_face_rule geo[] = {
		BIOUNIT_FACE_RULE_FACE_HEIGHT, BIOUNIT_FACE_RULE_HEAD_WIDTH, BIOUNIT_FACE_RULE_ASPECT,
		BIOUNIT_FACE_RULE_HEAD_IN_FRAME, BIOUNIT_FACE_RULE_CENTRED, BIOUNIT_FACE_RULE_EYE_LINE,
		BIOUNIT_FACE_RULE_EYE_DISTANCE, BIOUNIT_FACE_RULE_RESOLUTION, BIOUNIT_FACE_RULE_CROP_FITS,
	};

	ASSERT_EQ(0, biounit_face_check(self->fc, &self->v, v));
	EXPECT_FALSE(v->crop_fits);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_CROP_FITS));
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_COME_CLOSER, v->crop_advice);
	EXPECT_STREQ("Kom dichterbij.", v->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_nl);
	EXPECT_STREQ("Come closer.", v->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_en);
	EXPECT_EQ(-ERANGE, biounit_face_crop(&self->v, v, BIOUNIT_FACE_CROP_HEIGHT, &crop));
	EXPECT_EQ(NULL, crop);

	ASSERT_NE(NULL, big);
	bv = biounit_image_get_view(big);
	ASSERT_EQ(0, biounit_face_check(self->fc, &bv, v));
	ASSERT_TRUE(v->crop_fits);
	ASSERT_EQ(0, biounit_face_crop(&bv, v, BIOUNIT_FACE_CROP_HEIGHT, &crop));
	cv = biounit_image_get_view(crop);
	EXPECT_EQ(551, cv.width);
	EXPECT_EQ(709, cv.height);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	for (size_t i = 0; i < sizeof(geo) / sizeof(geo[0]); i++) {
		enum biounit_face_rule r = geo[i];

		EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, r)) {
			TH_LOG("%s %.3f", v->results[r].id, val(v, r));
		}
	}
	/* 26-30 mm of 45, 16-20 mm of 35 */
	EXPECT_GE(val(v, BIOUNIT_FACE_RULE_FACE_HEIGHT), 26.0 / 45);
	EXPECT_LE(val(v, BIOUNIT_FACE_RULE_FACE_HEIGHT), 30.0 / 45);
	EXPECT_GE(val(v, BIOUNIT_FACE_RULE_HEAD_WIDTH), 16.0 / 35);
	EXPECT_LE(val(v, BIOUNIT_FACE_RULE_HEAD_WIDTH), 20.0 / 35);
	EXPECT_LT(fabs(val(v, BIOUNIT_FACE_RULE_CENTRED) - 0.5), 0.03);
	EXPECT_EQ(-EINVAL, biounit_face_crop(&self->v, v, 10, &crop));
	biounit_image_free(crop);
	biounit_image_free(big);
}

/* Paint everything outside an ellipse around the head white: the
 * background passes; a shadow ramp on one side makes it fail. */
TEST_F(face, white_background_and_shadow)
{
	struct biounit_face_verdict *v = &self->vd;
	struct biounit_image *crop = NULL, *big = enlarged(&self->v);
	struct biounit_image_view cv, bv;
	double cx, cy, ax, ay;
	uint8_t *d;

	ASSERT_NE(NULL, big);
	bv = biounit_image_get_view(big);
	ASSERT_EQ(0, biounit_face_check(self->fc, &bv, v));
	ASSERT_EQ(0, biounit_face_crop(&bv, v, BIOUNIT_FACE_CROP_HEIGHT, &crop));
	cv = biounit_image_get_view(crop);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	cx = (v->landmarks[0].x + v->landmarks[16].x) / 2;
	cy = (v->crown_y + v->chin_y) / 2;
	ax = (v->landmarks[16].x - v->landmarks[0].x) * 0.62;
	ay = (v->chin_y - v->crown_y) * 0.56;
	d = biounit_image_data(crop);
	for (uint32_t y = 0; y < cv.height; y++)
		for (uint32_t x = 0; x < cv.width; x++) {
			double e = pow((x - cx) / ax, 2) + pow((y - cy) / ay, 2);

			if (e > 1 && y < v->chin_y)
				memset(d + (y * cv.width + x) * 3, 250, 3);
		}
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_BACKGROUND))
		TH_LOG("margin %.1f", val(v, BIOUNIT_FACE_RULE_BACKGROUND));
	/* Darken the right 45 % of the background down to 145. */
	for (uint32_t y = 0; y < cv.height; y++)
		for (uint32_t x = (uint32_t)(cv.width * 0.55); x < cv.width; x++) {
			uint8_t *p = d + (y * cv.width + x) * 3;
			double t = (x - cv.width * 0.55) / (cv.width * 0.45);

			if (p[0] == 250 && p[1] == 250 && p[2] == 250)
				memset(p, (int)lround(250 - t * 105), 3);
		}
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_BACKGROUND))
		TH_LOG("margin %.1f", val(v, BIOUNIT_FACE_RULE_BACKGROUND));
	biounit_image_free(crop);
	biounit_image_free(big);
}

TEST_F(face, no_face_is_not_compliant)
{
	struct biounit_image *cat;
	struct biounit_image_view cv;

	ASSERT_EQ(0, biounit_image_load(SKIMAGE_DATA "chelsea.png", &cat));
	cv = biounit_image_get_view(cat);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, &self->vd));
	EXPECT_FALSE(self->vd.compliant);
	EXPECT_FALSE(self->vd.have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_ONE_FACE));
	EXPECT_EQ(BIOUNIT_FACE_NOT_JUDGED, st(&self->vd, BIOUNIT_FACE_RULE_ROLL));
	biounit_image_free(cat);
}

/* Preview (640x480): the portrait small in the frame is too far away; the
 * crop shown larger than the frame is too close; shown at a good size, the
 * smile is what remains. */
TEST_F(face, preview_guidance)
{
	struct biounit_face_preview p;
	struct biounit_face_verdict *v = &self->vd;
	struct biounit_image *crop = NULL, *frame, *big = enlarged(&self->v);
	struct biounit_image_view cv, fv, bv;
	const char *nl, *en;

	ASSERT_NE(NULL, big);
	bv = biounit_image_get_view(big);
	ASSERT_EQ(0, biounit_face_check(self->fc, &bv, v));
	ASSERT_EQ(0, biounit_face_crop(&bv, v, BIOUNIT_FACE_CROP_HEIGHT, &crop));
	cv = biounit_image_get_view(crop);
	ASSERT_EQ(0, biounit_image_new(640, 480, BIOUNIT_PIX_RGB24, &frame));
	fv = biounit_image_get_view(frame);

	memset(biounit_image_data(frame), 240, 640 * 480 * 3);
	paste_scaled(&cv, frame, 320 - 117, 90, 234, 300);
	ASSERT_EQ(0, biounit_face_preview_check(self->fc, &fv, &p));
	EXPECT_TRUE(p.have_face);
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_COME_CLOSER, p.advice) TH_LOG("advice %d: %s", p.advice, p.msg_en);
	EXPECT_STREQ("Kom dichterbij.", p.msg_nl);
	EXPECT_STREQ("Come closer.", p.msg_en);

	memset(biounit_image_data(frame), 240, 640 * 480 * 3);
	paste_scaled(&cv, frame, 320 - 233, -60, 466, 600);
	ASSERT_EQ(0, biounit_face_preview_check(self->fc, &fv, &p));
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_STEP_BACK, p.advice) TH_LOG("advice %d: %s", p.advice, p.msg_en);

	memset(biounit_image_data(frame), 240, 640 * 480 * 3);
	paste_scaled(&cv, frame, 320 - 179, 10, 358, 461);
	ASSERT_EQ(0, biounit_face_preview_check(self->fc, &fv, &p));
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_CLOSE_MOUTH, p.advice) TH_LOG("advice %d: %s", p.advice, p.msg_en);

	for (int a = 0; a < BIOUNIT_FACE_ADVICE_COUNT; a++) {
		biounit_face_advice_text((enum biounit_face_advice)a, &nl, &en);
		EXPECT_NE(NULL, nl);
		EXPECT_NE(NULL, en);
		EXPECT_STRNE(nl, en);
	}
	biounit_image_free(frame);
	biounit_image_free(crop);
	biounit_image_free(big);
}

/*
 * A face camera frame in XBGR32 (the display's format, issue 17): the checks refuse it with
 * -ENOTSUP, never misread four bytes a pixel as three; converted to RGB24 it is the very
 * frame, and the preview check and the full check say what they say of that frame.
 */
TEST_F(face, xbgr32_frame_is_converted_not_misread)
{
	struct biounit_face_preview p, q;
	struct biounit_face_verdict vd;
	struct biounit_image *x, *back;
	struct biounit_image_view xv, rv;
	size_t n = (size_t)self->v.width * self->v.height * 3;

	ASSERT_EQ(0, biounit_image_new(self->v.width, self->v.height, BIOUNIT_PIX_XBGR32, &x));
	ASSERT_EQ(0, biounit_image_convert(&self->v, x));
	xv = biounit_image_get_view(x);
	EXPECT_EQ(-ENOTSUP, biounit_face_preview_check(self->fc, &xv, &p));
	EXPECT_EQ(-ENOTSUP, biounit_face_check(self->fc, &xv, &vd));

	ASSERT_EQ(0, biounit_image_new(self->v.width, self->v.height, BIOUNIT_PIX_RGB24, &back));
	ASSERT_EQ(0, biounit_image_convert(&xv, back));
	rv = biounit_image_get_view(back);
	ASSERT_EQ(self->v.stride, rv.stride);
	EXPECT_EQ(0, memcmp(self->v.data, rv.data, n));
	ASSERT_EQ(0, biounit_face_preview_check(self->fc, &self->v, &p));
	ASSERT_EQ(0, biounit_face_preview_check(self->fc, &rv, &q));
	EXPECT_TRUE(q.have_face);
	EXPECT_EQ(p.advice, q.advice);
	EXPECT_EQ(p.score, q.score);
	ASSERT_EQ(0, biounit_face_check(self->fc, &self->v, &self->vd));
	ASSERT_EQ(0, biounit_face_check(self->fc, &rv, &vd));
	EXPECT_TRUE(vd.have_face);
	EXPECT_EQ(self->vd.compliant, vd.compliant);
	EXPECT_EQ(self->vd.crown_y, vd.crown_y);
	EXPECT_EQ(self->vd.chin_y, vd.chin_y);
	biounit_image_free(back);
	biounit_image_free(x);
}

TEST_F(face, bad_views_rejected)
{
	struct biounit_image_view bad = self->v;
	struct biounit_face_preview p;

	bad.stride = 10;
	EXPECT_EQ(-EINVAL, biounit_face_check(self->fc, &bad, &self->vd));
	EXPECT_EQ(-EINVAL, biounit_face_preview_check(self->fc, &bad, &p));
	bad = self->v;
	bad.format = (enum biounit_pixfmt)9;
	EXPECT_EQ(-EINVAL, biounit_face_check(self->fc, &bad, &self->vd));
}

TEST_HARNESS_MAIN
