// SPDX-License-Identifier: GPL-2.0
/*
 * Head covering, hair over the ears and eyes, gaze, faces rolled beyond the
 * cascade's tolerance, and burst selection, on python3-skimage's astronaut.png
 * (NASA, public domain) modified here: the document crop of the photo enlarged
 * three times (for a 400 dpi crop of its own pixels) with its background
 * painted white, then a covering, hair or irises painted onto it.
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

/* Deterministic noise in -n..n. */
static int noise(uint32_t *s, int n)
{
	*s = *s * 1103515245u + 12345u;
	return (int)((*s >> 16) % (uint32_t)(2 * n + 1)) - n;
}

static void put(struct biounit_image *img, int x, int y, int r, int g, int b)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	uint8_t *d = biounit_image_data(img);

	if (x < 0 || y < 0 || x >= (int)v.width || y >= (int)v.height)
		return;
	d += (size_t)y * v.stride + 3 * (size_t)x;
	d[0] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
	d[1] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : g);
	d[2] = (uint8_t)(b < 0 ? 0 : b > 255 ? 255 : b);
}

static struct biounit_image *copy_of(const struct biounit_image *src)
{
	struct biounit_image_view v = biounit_image_get_view(src);
	struct biounit_image *out;

	if (biounit_image_new(v.width, v.height, v.format, &out))
		return NULL;
	memcpy(biounit_image_data(out), v.data, (size_t)v.stride * v.height);
	return out;
}

FIXTURE(cover) {
	struct biounit_face_checker *fc;
	struct biounit_image *img, *base;	/* the photo; the white-background crop */
	struct biounit_face_verdict vd, bv;	/* scratch; the verdict of @base */
	double ied, brow_y;
};

/* The document crop of the astronaut with everything outside an ellipse
 * around the head (and above the chin) painted white (as test_face_rules). */
FIXTURE_SETUP(cover)
{
	struct biounit_image_view v, cv;
	struct biounit_face_verdict *b = &self->bv;
	double cx, cy, ax, ay;
	uint8_t *d;

	self->fc = NULL;
	self->img = self->base = NULL;
	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	ASSERT_EQ(0, biounit_face_checker_new(NULL, NULL, test_face_cache_path(), &self->fc));
	ASSERT_EQ(0, biounit_image_load(ASTRONAUT, &self->img));
	v = biounit_image_get_view(self->img);
	{
		/* three times enlarged: enough pixels for a 400 dpi crop */
		struct biounit_image *big = test_face_enlarged(&v, 3);

		ASSERT_NE(NULL, big);
		biounit_image_free(self->img);
		self->img = big;
		v = biounit_image_get_view(self->img);
	}
	ASSERT_EQ(0, biounit_face_check(self->fc, &v, b));
	ASSERT_EQ(0, biounit_face_crop(&v, b, BIOUNIT_FACE_CROP_HEIGHT, &self->base));
	cv = biounit_image_get_view(self->base);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, b));
	ASSERT_TRUE(b->have_face);
	cx = (b->landmarks[0].x + b->landmarks[16].x) / 2;
	cy = (b->crown_y + b->chin_y) / 2;
	ax = (b->landmarks[16].x - b->landmarks[0].x) * 0.62;
	ay = (b->chin_y - b->crown_y) * 0.56;
	d = biounit_image_data(self->base);
	for (uint32_t y = 0; y < cv.height; y++)
		for (uint32_t x = 0; x < cv.width; x++)
			if (pow((x - cx) / ax, 2) + pow((y - cy) / ay, 2) > 1 && y < b->chin_y)
				memset(d + (y * cv.width + x) * 3, 250, 3);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, b));
	ASSERT_TRUE(b->have_face);
	self->ied = hypot(b->eye_right.x - b->eye_left.x, b->eye_right.y - b->eye_left.y);
	self->brow_y = fmin(b->landmarks[19].y, b->landmarks[24].y);
}

FIXTURE_TEARDOWN(cover)
{
	biounit_image_free(self->img);
	biounit_image_free(self->base);
	biounit_face_checker_free(self->fc);
}

/* The unmodified white-background crop: no covering, ears and eyes free,
 * looking into the camera. */
TEST_F(cover, plain_crop_passes_new_rules)
{
	const struct biounit_face_verdict *b = &self->bv;

	EXPECT_FALSE(b->head_covering);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(b, BIOUNIT_FACE_RULE_COVERING_SMOOTH));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(b, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_STREQ("No head covering seen.", b->results[BIOUNIT_FACE_RULE_COVERING_CONTRAST].msg_en);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(b, BIOUNIT_FACE_RULE_HAIR_EARS))
		TH_LOG("hair_ears %.3f", val(b, BIOUNIT_FACE_RULE_HAIR_EARS));
	EXPECT_TRUE(isfinite(val(b, BIOUNIT_FACE_RULE_HAIR_EARS)));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(b, BIOUNIT_FACE_RULE_HAIR_EYES))
		TH_LOG("hair_eyes %.3f", val(b, BIOUNIT_FACE_RULE_HAIR_EYES));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(b, BIOUNIT_FACE_RULE_GAZE))
		TH_LOG("gaze %.3f", val(b, BIOUNIT_FACE_RULE_GAZE));
	EXPECT_TRUE(isfinite(val(b, BIOUNIT_FACE_RULE_GAZE)));
}

enum paint { SMOOTH_BLUE, LIGHT_GREY, PATTERNED };

/*
 * A covering over the hair: inside an ellipse over the top of the head, down
 * to half an eye distance above the brows, with soft shading and a little
 * noise like real fabric in a photo.
 */
static void paint_covering(struct biounit_image *img, const struct biounit_face_verdict *b,
			   double ied, double brow_y, enum paint kind)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	double cx = (b->eye_left.x + b->eye_right.x) / 2, cy = brow_y - 0.45 * ied;
	double ax = (b->landmarks[16].x - b->landmarks[0].x) * 0.66, ay = cy - b->crown_y + 0.15 * ied;
	uint32_t s = 1;

	for (int y = 0; y < (int)v.height; y++)
		for (int x = 0; x < (int)v.width; x++) {
			double e = pow((x - cx) / ax, 2) + pow((y - cy) / ay, 2);
			int shade = (int)lround(10 * (x - cx) / ax), n = noise(&s, 2);

			if (e > 1 || y > brow_y - 0.5 * ied)
				continue;
			if (kind == SMOOTH_BLUE)
				put(img, x, y, 28 + shade + n, 38 + shade + n, 112 + shade + n);
			else if (kind == LIGHT_GREY)
				put(img, x, y, 205 + shade + n, 205 + shade + n, 207 + shade + n);
			else if (((int)floor((x + y) / (0.16 * ied))) % 2)
				put(img, x, y, 30 + n, 40 + n, 120 + n);	/* dark blue ... */
			else
				put(img, x, y, 235 + n, 200 + n, 60 + n);	/* ... and yellow stripes */
		}
}

TEST_F(cover, head_covering_smooth_dark_blue_passes)
{
	struct biounit_image *c = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c);
	struct biounit_face_verdict *v = &self->vd;

	paint_covering(c, &self->bv, self->ied, self->brow_y, SMOOTH_BLUE);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_TRUE(v->head_covering);
	TH_LOG("smooth %.2f colour %.2f contrast %.1f", val(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH),
	       val(v, BIOUNIT_FACE_RULE_COVERING_COLOUR), val(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_COVERING_COLOUR));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_GT(val(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST), 100);
	/* With a covering the ears may be covered: not judged as hair. */
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_HAIR_EARS));
	biounit_image_free(c);
}

TEST_F(cover, head_covering_light_grey_fails_contrast)
{
	struct biounit_image *c = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c);
	struct biounit_face_verdict *v = &self->vd;

	paint_covering(c, &self->bv, self->ied, self->brow_y, LIGHT_GREY);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_TRUE(v->head_covering);
	TH_LOG("smooth %.2f colour %.2f contrast %.1f", val(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH),
	       val(v, BIOUNIT_FACE_RULE_COVERING_COLOUR), val(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_LT(val(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST), 60);
	EXPECT_STREQ("Your head covering must stand out from the white background: not white or light grey.",
		     v->results[BIOUNIT_FACE_RULE_COVERING_CONTRAST].msg_en);
	EXPECT_NE(NULL, strstr(v->results[BIOUNIT_FACE_RULE_COVERING_CONTRAST].msg_nl, "lichtgrijs"));
	EXPECT_FALSE(v->compliant);
	biounit_image_free(c);
}

TEST_F(cover, head_covering_patterned_fails)
{
	struct biounit_image *c = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c);
	struct biounit_face_verdict *v = &self->vd;

	paint_covering(c, &self->bv, self->ied, self->brow_y, PATTERNED);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_TRUE(v->head_covering);
	TH_LOG("smooth %.2f colour %.2f contrast %.1f", val(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH),
	       val(v, BIOUNIT_FACE_RULE_COVERING_COLOUR), val(v, BIOUNIT_FACE_RULE_COVERING_CONTRAST));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_COVERING_COLOUR));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_COVERING_SMOOTH));
	EXPECT_STREQ("Your head covering must be plain: a single colour.",
		     v->results[BIOUNIT_FACE_RULE_COVERING_COLOUR].msg_en);
	EXPECT_FALSE(v->compliant);
	biounit_image_free(c);
}

/* Dark-brown hair strands, slightly slanted: a 2-px light and a 2-px dark
 * shade, and with @gaps a 1-px gap where the skin shows through. */
static void paint_hair(struct biounit_image *img, double x0, double y0, double x1, double y1,
		       bool gaps)
{
	uint32_t s = 7;

	for (int y = (int)y0; y < (int)y1; y++)
		for (int x = (int)x0; x < (int)x1; x++) {
			int k = (x + y / 4) % (gaps ? 5 : 4), strand = k < 2, n = noise(&s, 4);

			if (k == 4)
				continue;
			if (strand)
				put(img, x, y, 62 + n, 42 + n, 28 + n);
			else
				put(img, x, y, 38 + n, 25 + n, 17 + n);
		}
}

TEST_F(cover, hair_over_an_ear_fails)
{
	struct biounit_image *c = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c);
	struct biounit_face_verdict *v = &self->vd;
	const struct biounit_face_point *p = self->bv.landmarks;

	/* From just inside the jaw outline outwards, temple to below the ear. */
	paint_hair(c, p[16].x - 0.05 * self->ied, p[16].y - 0.3 * self->ied,
		   p[16].x + 0.45 * self->ied, p[3].y + 0.1 * self->ied, false);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_FALSE(v->head_covering);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_HAIR_EARS))
		TH_LOG("hair_ears %.3f (before %.3f)", val(v, BIOUNIT_FACE_RULE_HAIR_EARS),
		       val(&self->bv, BIOUNIT_FACE_RULE_HAIR_EARS));
	EXPECT_STREQ("Your hair covers your ears: put long hair behind your ears.",
		     v->results[BIOUNIT_FACE_RULE_HAIR_EARS].msg_en);
	biounit_image_free(c);
}

TEST_F(cover, hair_over_an_eye_fails)
{
	struct biounit_image *c = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c);
	struct biounit_face_verdict *v = &self->vd;
	const struct biounit_face_point *p = self->bv.landmarks;

	/* A lock of strands from above the brow down over the image-left eye
	 * to the cheek (with gaps, as real strands; a solid patch hides the
	 * face from the detector altogether). */
	paint_hair(c, p[36].x - 0.1 * self->ied, p[19].y - 0.1 * self->ied,
		   p[39].x + 0.05 * self->ied, p[41].y + 0.35 * self->ied, true);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_HAIR_EYES))
		TH_LOG("hair_eyes %.3f (before %.3f)", val(v, BIOUNIT_FACE_RULE_HAIR_EYES),
		       val(&self->bv, BIOUNIT_FACE_RULE_HAIR_EYES));
	EXPECT_FALSE(v->compliant);
	biounit_image_free(c);
}

/* Repaint both eyes: white of the eye inside the lids, and an iris with a
 * pupil shifted by @shift eye widths along the eye. */
static void paint_irises(struct biounit_image *img, const struct biounit_face_point *p, double shift)
{
	for (int e = 0; e < 2; e++) {
		const struct biounit_face_point *q = p + 36 + 6 * e;
		double w = hypot(q[3].x - q[0].x, q[3].y - q[0].y);
		double cx = (q[0].x + q[3].x) / 2 + shift * w, cy = (q[0].y + q[3].y) / 2;
		double x0 = q[0].x, x1 = q[3].x, y0 = fmin(q[1].y, q[2].y), y1 = fmax(q[4].y, q[5].y);

		for (int y = (int)y0; y <= (int)y1 + 1; y++)
			for (int x = (int)x0; x <= (int)x1 + 1; x++) {
				/* Inside the lids: between the upper and lower lid polylines (approx.). */
				double t = (x - x0) / (x1 - x0), top, bot, r = hypot(x - cx, y - cy);

				if (t < 0 || t > 1)
					continue;
				top = t < 1.0 / 3 ? q[0].y + (q[1].y - q[0].y) * t * 3
				      : t < 2.0 / 3 ? q[1].y + (q[2].y - q[1].y) * (t * 3 - 1)
						    : q[2].y + (q[3].y - q[2].y) * (t * 3 - 2);
				bot = t < 1.0 / 3 ? q[0].y + (q[5].y - q[0].y) * t * 3
				      : t < 2.0 / 3 ? q[5].y + (q[4].y - q[5].y) * (t * 3 - 1)
						    : q[4].y + (q[3].y - q[4].y) * (t * 3 - 2);
				if (y < top || y > bot)
					continue;
				if (r < 0.09 * w)
					put(img, x, y, 15, 12, 12);
				else if (r < 0.21 * w)
					put(img, x, y, 75, 52, 38);
				else
					put(img, x, y, 225, 218, 212);
			}
	}
}

TEST_F(cover, gaze_from_the_iris_position)
{
	struct biounit_image *c = copy_of(self->base), *d = copy_of(self->base);
	struct biounit_image_view cv = biounit_image_get_view(c), dv = biounit_image_get_view(d);
	struct biounit_face_verdict *v = &self->vd;

	paint_irises(c, self->bv.landmarks, 0);
	ASSERT_EQ(0, biounit_face_check(self->fc, &cv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_EQ(BIOUNIT_FACE_PASS, st(v, BIOUNIT_FACE_RULE_GAZE))
		TH_LOG("gaze centred %.3f", val(v, BIOUNIT_FACE_RULE_GAZE));
	EXPECT_LT(fabs(val(v, BIOUNIT_FACE_RULE_GAZE)), 0.06);
	/* Looking to the image right by a quarter of the eye width. */
	paint_irises(d, self->bv.landmarks, 0.25);
	ASSERT_EQ(0, biounit_face_check(self->fc, &dv, v));
	ASSERT_TRUE(v->have_face);
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_GAZE))
		TH_LOG("gaze right %.3f", val(v, BIOUNIT_FACE_RULE_GAZE));
	EXPECT_GT(val(v, BIOUNIT_FACE_RULE_GAZE), 0.15);
	/* And to the left. */
	memcpy(biounit_image_data(d), biounit_image_get_view(self->base).data, (size_t)cv.stride * cv.height);
	paint_irises(d, self->bv.landmarks, -0.25);
	ASSERT_EQ(0, biounit_face_check(self->fc, &dv, v));
	EXPECT_EQ(BIOUNIT_FACE_FAIL, st(v, BIOUNIT_FACE_RULE_GAZE))
		TH_LOG("gaze left %.3f", val(v, BIOUNIT_FACE_RULE_GAZE));
	EXPECT_LT(val(v, BIOUNIT_FACE_RULE_GAZE), -0.15);
	EXPECT_STREQ("Look straight into the camera with your eyes.", v->results[BIOUNIT_FACE_RULE_GAZE].msg_en);
	biounit_image_free(c);
	biounit_image_free(d);
}

/* The photo rotated by @deg about the face (positive: clockwise on screen). */
static struct biounit_image *rotated(const struct biounit_image_view *v, double deg)
{
	double a = deg / DEG, cx = 225, cy = 130;
	struct biounit_image *r;
	uint8_t *d;

	if (biounit_image_new(v->width, v->height, BIOUNIT_PIX_RGB24, &r))
		return NULL;
	d = biounit_image_data(r);
	for (uint32_t y = 0; y < v->height; y++)
		for (uint32_t x = 0; x < v->width; x++) {
			double sx = cx + cos(a) * (x - cx) + sin(a) * (y - cy);
			double sy = cy - sin(a) * (x - cx) + cos(a) * (y - cy);
			int ix = (int)lround(sx), iy = (int)lround(sy);

			if (ix < 0 || iy < 0 || ix >= (int)v->width || iy >= (int)v->height)
				continue;
			memcpy(d + (y * v->width + x) * 3, v->data + iy * v->stride + ix * 3, 3);
		}
	return r;
}

/* Rolled 25 degrees, beyond the frontal cascade: found on a rotated copy,
 * so the photo fails roll (by the right amount), not one_face. */
TEST_F(cover, rolled_25_degrees_fails_roll_not_one_face)
{
	struct biounit_image_view v = biounit_image_get_view(self->img);
	double roll0;

	ASSERT_EQ(0, biounit_face_check(self->fc, &v, &self->vd));
	roll0 = val(&self->vd, BIOUNIT_FACE_RULE_ROLL);
	for (int k = -1; k <= 1; k += 2) {
		struct biounit_image *r = rotated(&v, 25.0 * k);
		struct biounit_image_view rv = biounit_image_get_view(r);

		ASSERT_EQ(0, biounit_face_check(self->fc, &rv, &self->vd));
		ASSERT_TRUE(self->vd.have_face) TH_LOG("rotation %d", 25 * k);
		EXPECT_EQ(1, self->vd.faces);
		EXPECT_EQ(BIOUNIT_FACE_PASS, st(&self->vd, BIOUNIT_FACE_RULE_ONE_FACE));
		EXPECT_EQ(BIOUNIT_FACE_FAIL, st(&self->vd, BIOUNIT_FACE_RULE_ROLL));
		EXPECT_NE(0, self->vd.detect_angle_deg);
		EXPECT_LT(fabs(val(&self->vd, BIOUNIT_FACE_RULE_ROLL) - roll0 - 25 * k), 4)
			TH_LOG("rotation %d: roll %.1f (upright %.1f), found at %.0f deg", 25 * k,
			       val(&self->vd, BIOUNIT_FACE_RULE_ROLL), roll0, self->vd.detect_angle_deg);
		biounit_image_free(r);
	}
}

/* Bilinear paste of @src into (dx, dy, dw, dh) of a 640x480 frame. */
static void paste(const struct biounit_image_view *src, struct biounit_image *dst, int dx, int dy,
		  int dw, int dh)
{
	memset(biounit_image_data(dst), 240, 640 * 480 * 3);
	for (int y = 0; y < dh; y++)
		for (int x = 0; x < dw; x++) {
			double sx = (x + 0.5) * src->width / dw - 0.5, sy = (y + 0.5) * src->height / dh - 0.5;
			int x0 = (int)fmax(0, floor(sx)), y0 = (int)fmax(0, floor(sy));
			int x1 = x0 + 1 < (int)src->width ? x0 + 1 : x0, y1 = y0 + 1 < (int)src->height ? y0 + 1 : y0;
			double fx = fmin(1, fmax(0, sx - x0)), fy = fmin(1, fmax(0, sy - y0)), c[3];

			for (int k = 0; k < 3; k++) {
				const uint8_t *s = src->data;
				double a = s[y0 * src->stride + 3 * x0 + k], b = s[y0 * src->stride + 3 * x1 + k];
				double e = s[y1 * src->stride + 3 * x0 + k], f = s[y1 * src->stride + 3 * x1 + k];

				c[k] = (a + (b - a) * fx) * (1 - fy) + (e + (f - e) * fx) * fy;
			}
			put(dst, x + dx, y + dy, (int)lround(c[0]), (int)lround(c[1]), (int)lround(c[2]));
		}
}

/* Close the smiling mouth: the inner-lip polygon painted with the lips' colour. */
static void close_mouth(struct biounit_image *img, const struct biounit_face_point *p)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	int lx = (int)lround((p[51].x + p[62].x) / 2), ly = (int)lround((p[51].y + p[62].y) / 2);
	const uint8_t *lip = v.data + ly * v.stride + 3 * lx;
	int r = lip[0], g = lip[1], b = lip[2];
	double x0 = p[48].x, x1 = p[54].x, y0 = fmin(p[50].y, p[52].y), y1 = fmax(p[56].y, p[58].y);

	for (int y = (int)y0; y <= (int)y1; y++)
		for (int x = (int)x0; x <= (int)x1; x++) {
			bool in = false;

			/* Inside the outer-lip polygon 48..59. */
			for (int i = 48, j = 59; i <= 59; j = i++)
				if ((p[i].y > y) != (p[j].y > y) &&
				    x < (p[j].x - p[i].x) * (y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
					in = !in;
			if (in)
				put(img, x, y, r, g, b);
		}
}

TEST_F(cover, burst_picks_the_compliant_frame)
{
	struct biounit_image *f[3];
	struct biounit_image_view views[3], bv = biounit_image_get_view(self->base);
	struct biounit_image_view pv = biounit_image_get_view(self->img);
	struct biounit_face_preview p;
	struct biounit_image *shut = copy_of(self->base);
	struct biounit_image_view sv = biounit_image_get_view(shut);
	size_t best = 99;

	close_mouth(shut, self->bv.landmarks);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, biounit_image_new(640, 480, BIOUNIT_PIX_RGB24, &f[i]));
	paste(&pv, f[0], 240, 140, 160, 160);	/* far away: come closer */
	paste(&bv, f[1], 320 - 179, 10, 358, 461);	/* good size, but smiling */
	paste(&sv, f[2], 320 - 179 + 20, 10, 358, 461);	/* mouth closed, a little off-centre */
	for (int i = 0; i < 3; i++)
		views[i] = biounit_image_get_view(f[i]);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, biounit_face_preview_check(self->fc, &views[i], &p));
		TH_LOG("frame %d: advice %d (%s) score %.3f", i, p.advice, p.msg_en, p.score);
	}
	EXPECT_EQ(0, biounit_face_preview_burst(self->fc, views, 3, &best, &p));
	EXPECT_EQ(2, best);
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_OK, p.advice);
	EXPECT_GT(p.score, 0.5);
	/* Without the compliant frame: -ENOENT, and the frame to learn from. */
	EXPECT_EQ(-ENOENT, biounit_face_preview_burst(self->fc, views, 2, &best, &p));
	EXPECT_EQ(1, best);
	EXPECT_EQ(BIOUNIT_FACE_ADVICE_CLOSE_MOUTH, p.advice);
	EXPECT_EQ(-ENOENT, biounit_face_preview_burst(self->fc, views, 0, &best, &p));
	EXPECT_EQ(-EINVAL, biounit_face_preview_burst(self->fc, NULL, 2, &best, &p));
	views[1].stride = 3;
	EXPECT_EQ(-EINVAL, biounit_face_preview_burst(self->fc, views, 3, &best, &p));
	for (int i = 0; i < 3; i++)
		biounit_image_free(f[i]);
	biounit_image_free(shut);
}

TEST_HARNESS_MAIN
