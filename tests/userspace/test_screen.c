// SPDX-License-Identifier: GPL-2.0
/*
 * The applicant's screen rendered into memory (userspace/screen, docs/screen.md):
 * the preview is the camera frame mirrored pixel for pixel, the head guide is
 * the preview check's target, the ink lies where the pen went and nowhere
 * else with a width that follows the pressure, the marked finger is the one
 * asked for, and a scene after the session keeps nothing of the face or the
 * ink. BIOUNIT_SCREEN_DUMP=DIR writes each rendered scene as PNG (to look at).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "face/face.h"
#include <biounit/image.h>
#include "screen/screen.h"
#include "signature/signature.h"
#include "kselftest_harness.h"

#define W 1280
#define H 800
#define STRIDE (W * 4)

static uint32_t *buf_new(uint32_t fill)
{
	uint32_t *p = malloc((size_t)STRIDE * H);

	for (size_t i = 0; p && i < (size_t)W * H; i++)
		p[i] = fill;
	return p;
}

static void dump(const uint32_t *px, const char *name)
{
	const char *dir = getenv("BIOUNIT_SCREEN_DUMP");
	struct biounit_image *img;
	char path[512];

	if (!dir || biounit_image_new(W, H, BIOUNIT_PIX_RGB24, &img))
		return;
	uint8_t *d = biounit_image_data(img);
	for (size_t i = 0; i < (size_t)W * H; i++) {
		d[3 * i] = (uint8_t)(px[i] >> 16);
		d[3 * i + 1] = (uint8_t)(px[i] >> 8);
		d[3 * i + 2] = (uint8_t)px[i];
	}
	snprintf(path, sizeof(path), "%s/%s.png", dir, name);
	struct biounit_image_view v = biounit_image_get_view(img);
	biounit_image_save_png(&v, path);
	biounit_image_free(img);
}

static uint32_t at(const uint32_t *px, int x, int y)
{
	return px[(size_t)y * W + (size_t)x] & 0xffffffu;
}

/* a 160x120 RGB frame whose every pixel says where it is */
#define FW 160
#define FH 120
static uint8_t frame_px[FW * FH * 3];
static const struct biounit_image_view frame = { frame_px, FW, FH, FW * 3, BIOUNIT_PIX_RGB24 };

static void frame_fill(void)
{
	for (int y = 0; y < FH; y++)
		for (int x = 0; x < FW; x++) {
			uint8_t *p = &frame_px[(y * FW + x) * 3];
			p[0] = (uint8_t)x;
			p[1] = (uint8_t)(y * 2);
			p[2] = 0x5a;	/* a blue no theme colour has with these reds/greens */
		}
}

static uint32_t frame_rgb(int x, int y)
{
	const uint8_t *p = &frame_px[(y * FW + x) * 3];
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

FIXTURE(scr)
{
	struct biounit_screen *s;
	uint32_t *px;
};

FIXTURE_SETUP(scr)
{
	ASSERT_EQ(0, biounit_screen_new(W, H, &self->s));
	self->px = buf_new(0x00abcdefu);
	ASSERT_NE(NULL, self->px);
	frame_fill();
}

FIXTURE_TEARDOWN(scr)
{
	biounit_screen_free(self->s);
	free(self->px);
}

TEST(bad_sizes_and_states_are_refused)
{
	struct biounit_screen *s = (void *)1;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_FINGERS };
	uint32_t *px = buf_new(0);
	struct biounit_image_view bad = frame;

	EXPECT_EQ(-EINVAL, biounit_screen_new(100, 800, &s));
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(-EINVAL, biounit_screen_new(1280, 9000, &s));
	ASSERT_EQ(0, biounit_screen_new(W, H, &s));
	st.finger = 0;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	st.finger = 11;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	st.finger = 2;
	EXPECT_EQ(0, biounit_screen_render(s, &st, px, STRIDE));
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE - 4));
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, NULL, STRIDE));
	st.scene = BIOUNIT_SCREEN_PHOTO_LIVE;
	st.frame = NULL;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	bad.stride = 10;
	st.frame = &bad;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	st.scene = BIOUNIT_SCREEN_PHOTO_KEPT;
	st.photo = NULL;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	st.scene = BIOUNIT_SCREEN_SCENE_COUNT;
	EXPECT_EQ(-EINVAL, biounit_screen_render(s, &st, px, STRIDE));
	EXPECT_EQ(NULL, biounit_screen_scene_name(BIOUNIT_SCREEN_SCENE_COUNT));
	EXPECT_STREQ("photo_live", biounit_screen_scene_name(BIOUNIT_SCREEN_PHOTO_LIVE));
	biounit_screen_free(s);
	free(px);
}

/* every pixel of the preview is the frame's pixel of the mirrored place */
TEST_F(scr, preview_is_the_frame_mirrored)
{
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_LIVE, .frame = &frame,
		.prompt_nl = "Kijk recht in de camera.", .prompt_en = "Look into the camera." };
	struct biounit_screen_rect r;
	long wrong = 0;
	static uint8_t black[FW * FH * 3];
	struct biounit_image_view other = { black, FW, FH, FW * 3, BIOUNIT_PIX_RGB24 };
	uint32_t *px2 = buf_new(0);

	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	dump(self->px, "photo_live_plain");
	ASSERT_EQ(0, biounit_screen_preview_rect(self->s, FW, FH, &r));
	/* big, inside the screen, the frame's aspect */
	EXPECT_GE(r.h, H / 2);
	EXPECT_GE(r.x, 0);
	EXPECT_LE(r.x + r.w, W);
	EXPECT_LE(r.y + r.h, H);
	EXPECT_LE(labs((long)r.w * FH - (long)r.h * FW), FW);
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			int fx = FW - 1 - (int)((long)(x - r.x) * FW / r.w);
			int fy = (int)((long)(y - r.y) * FH / r.h);
			wrong += at(self->px, x, y) != frame_rgb(fx, fy);
		}
	EXPECT_EQ(0, wrong);
	/* the frame's left edge is on the screen's right */
	EXPECT_EQ(frame_rgb(0, 0), at(self->px, r.x + r.w - 1, r.y));
	EXPECT_EQ(frame_rgb(FW - 1, 0), at(self->px, r.x, r.y));
	/* and nothing of the frame outside its place: another frame changes nothing there */
	st.frame = &other;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, px2, STRIDE));
	wrong = 0;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if ((x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + r.h) &&
			    at(self->px, x, y) != at(px2, x, y))
				wrong++;
	EXPECT_EQ(0, wrong);
	free(px2);
}

/* the guide is the preview check's target, mirrored with the frame */
TEST_F(scr, head_guide_outlines_the_preview_target)
{
	struct biounit_face_window g;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_LIVE, .frame = &frame,
					   .have_guide = true };
	struct biounit_screen_rect r;
	uint32_t *plain = buf_new(0);
	double sx, sy, cx, cy, rx, ry;
	int near = 0, far = 0, changed_far = 0, changed_near = 0;

	ASSERT_EQ(-EINVAL, biounit_face_preview_guide(NULL, 0, FH, &g));
	ASSERT_EQ(0, biounit_face_preview_guide(NULL, FW, FH, &g));
	/* centred; crown to chin the middle of 45..70 % of the height */
	EXPECT_LT(fabs(g.x + g.w / 2 - FW / 2.0), 0.01);
	EXPECT_LT(fabs(g.y + g.h / 2 - FH / 2.0), 0.01);
	EXPECT_LT(fabs(g.h - 0.575 * FH), 0.01);
	/* rules: head 16-20 of 35 mm wide, 26-30 of 45 mm high */
	EXPECT_LT(fabs(g.w / g.h - (18.0 / 35 * 35) / (28.0 / 45 * 45)), 0.001);
	/* move it to the frame's left: it must be drawn on the screen's right */
	g.x = 10;
	st.guide = g;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	dump(self->px, "photo_live_guide");
	st.have_guide = false;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, plain, STRIDE));
	ASSERT_EQ(0, biounit_screen_preview_rect(self->s, FW, FH, &r));
	sx = (double)r.w / FW;
	sy = (double)r.h / FH;
	cx = r.x + (FW - (g.x + g.w / 2)) * sx;
	cy = r.y + (g.y + g.h / 2) * sy;
	rx = g.w / 2 * sx;
	ry = g.h / 2 * sy;
	EXPECT_GT(cx, r.x + r.w / 2);
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			double d = hypot((x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry);
			bool changed = at(self->px, x, y) != at(plain, x, y);
			/* the outline: within about 8 px of the ellipse */
			if (fabs(d - 1) * fmin(rx, ry) < 8) {
				near++;
				changed_near += changed;
			} else {
				far++;
				changed_far += changed;
			}
		}
	EXPECT_EQ(0, changed_far);
	EXPECT_GT(changed_near, near / 3);
	EXPECT_GT(far, 0);
	free(plain);
}

/*
 * The plane path's overlay (biounit_screen_render_overlay()): laid over the
 * frame as a display's plane shows it (mirrored at the preview rectangle,
 * premultiplied ARGB over it), it gives the picture the CPU path draws: the
 * same pixels outside the preview (opaque there), the frame itself where
 * the overlay is transparent, the guide's outline blended within rounding.
 */
TEST_F(scr, the_plane_paths_overlay_over_the_frame_is_the_cpu_picture)
{
	struct biounit_face_window g;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_LIVE, .frame = &frame,
					   .have_guide = true, .advice_nl = "Kom iets dichterbij.",
					   .advice_en = "Come a little closer.",
					   .tone = BIOUNIT_SCREEN_TONE_ACT };
	struct biounit_screen_rect r, bad;
	uint32_t *ov = buf_new(0x12345678u);
	int outside_diff = 0, clear = 0, blended = 0, worst = 0;

	ASSERT_NE(NULL, ov);
	ASSERT_EQ(0, biounit_face_preview_guide(NULL, FW, FH, &g));
	st.guide = g;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	ASSERT_EQ(0, biounit_screen_preview_rect(self->s, FW, FH, &r));
	ASSERT_EQ(0, biounit_screen_render_overlay(self->s, &st, &r, ov, STRIDE));
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint32_t o = ov[(size_t)y * W + x], cpu = at(self->px, x, y);
			bool in = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;

			if (!in) {
				outside_diff += (o >> 24) != 0xff || (o & 0xffffffu) != cpu;
				continue;
			}
			/* the plane: frame pixel (fw - 1 - (x - r.x) * fw / r.w, ...) */
			uint32_t f = frame_rgb(FW - 1 - (x - r.x) * FW / r.w, (y - r.y) * FH / r.h);
			unsigned int a = o >> 24;

			clear += a == 0;
			blended += a != 0;
			for (int sh = 0; sh <= 16; sh += 8) {
				int c = (int)((o >> sh) & 0xff) + (int)(((f >> sh) & 0xff) * (255 - a) + 127) / 255;
				int d = abs(c - (int)((cpu >> sh) & 0xff));

				worst = d > worst ? d : worst;
			}
		}
	EXPECT_EQ(0, outside_diff);
	EXPECT_LE(worst, 2);
	EXPECT_GT(clear, r.w * r.h * 9 / 10);	/* the frame shows through, but for the outline */
	EXPECT_GT(blended, 0);			/* the outline is there */
	/* only PHOTO_LIVE has a plane path; the preview must lie on the screen */
	st.scene = BIOUNIT_SCREEN_WELCOME;
	EXPECT_EQ(-EINVAL, biounit_screen_render_overlay(self->s, &st, &r, ov, STRIDE));
	st.scene = BIOUNIT_SCREEN_PHOTO_LIVE;
	bad = r;
	bad.x = W - r.w / 2;
	EXPECT_EQ(-EINVAL, biounit_screen_render_overlay(self->s, &st, &bad, ov, STRIDE));
	bad = r;
	bad.w = 0;
	EXPECT_EQ(-EINVAL, biounit_screen_render_overlay(self->s, &st, &bad, ov, STRIDE));
	free(ov);
}

/* pad 100 units/mm, 120 x 40 mm */
static const struct biounit_signature_box pad = { 0, 0, 12000, 4000, 100, 1000 };

struct seg {
	double ax, ay, bx, by;
};

static void add(struct __test_metadata *_metadata, struct biounit_signature *sig, uint64_t *t,
		double x, double y, uint32_t p, int down)
{
	struct biounit_signature_sample s = { *t, (int32_t)x, (int32_t)y, p, down };

	*t += 5000;
	ASSERT_EQ(0, biounit_signature_add(sig, &s));
}

/* distance of (px, py) to the segment */
static double seg_dist(const struct seg *s, double px, double py)
{
	double dx = s->bx - s->ax, dy = s->by - s->ay, l2 = dx * dx + dy * dy;
	double t = l2 > 0 ? ((px - s->ax) * dx + (py - s->ay) * dy) / l2 : 0;

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(px - (s->ax + t * dx), py - (s->ay + t * dy));
}

TEST_F(scr, ink_lies_where_the_pen_went_and_nowhere_else)
{
	struct biounit_signature *sig, *empty;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_SIGNATURE, .can_clear = true };
	struct biounit_screen_rect r;
	uint32_t *plain = buf_new(0);
	struct seg segs[200];
	size_t nseg = 0;
	uint64_t t = 0;
	double sx, sy, wmax;
	long stray = 0, inked = 0, hover_ink = 0;
	int cores_missed = 0, cores = 0;

	ASSERT_EQ(0, biounit_signature_new(&pad, &sig));
	/* a wave, pen down */
	for (int i = 0; i <= 100; i++)
		add(_metadata, sig, &t, 1000 + i * 60, 2000 + 600 * sin(i / 8.0), 700, 1);
	/* hovering across the lower part of the box: no ink */
	for (int i = 0; i <= 40; i++)
		add(_metadata, sig, &t, 10500 - i * 200, 3600, 0, 0);
	/* a short stroke at the right, then a stroke leaving the box */
	add(_metadata, sig, &t, 9000, 800, 900, 1);
	add(_metadata, sig, &t, 10000, 1400, 900, 1);
	add(_metadata, sig, &t, 11500, 1400, 400, 1);
	add(_metadata, sig, &t, 14000, 1400, 400, 1);
	add(_metadata, sig, &t, 14000, 1400, 0, 0);
	ASSERT_EQ(0, biounit_screen_ink_rect(self->s, &pad, &r));
	sx = (double)r.w / 12000;
	sy = (double)r.h / 4000;
	EXPECT_LT(fabs(sx - sy), 0.01 * sx);
	/* the pen's path on the screen */
	for (size_t i = 1; i < biounit_signature_count(sig); i++) {
		struct biounit_signature_sample a, b;
		biounit_signature_sample(sig, i - 1, &a);
		biounit_signature_sample(sig, i, &b);
		if (a.pen_down && b.pen_down && nseg < 200)
			segs[nseg++] = (struct seg){ r.x + a.x * sx, r.y + a.y * sy,
						     r.x + b.x * sx, r.y + b.y * sy };
	}
	wmax = biounit_screen_ink_width(self->s, &pad, 1000);
	ASSERT_EQ(0, biounit_signature_new(&pad, &empty));
	st.ink = empty;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, plain, STRIDE));
	biounit_signature_free(empty);
	st.ink = sig;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	dump(self->px, "signature_ink");
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double d = 1e9;
			bool changed = at(self->px, x, y) != at(plain, x, y);

			for (size_t k = 0; k < nseg; k++)
				d = fmin(d, seg_dist(&segs[k], x + 0.5, y + 0.5));
			if (changed && (d > wmax / 2 + 1.5 || x < r.x || x >= r.x + r.w ||
					y < r.y || y >= r.y + r.h))
				stray++;
			inked += changed;
			if (changed && fabs(y + 0.5 - (r.y + 3600 * sy)) < 2 && d > wmax)
				hover_ink++;
			/* the core of the line is the ink's colour */
			if (d < 0.3 && x >= r.x + 2 && x < r.x + r.w - 2) {
				cores++;
				cores_missed += at(self->px, x, y) != BIOUNIT_SCREEN_INK_RGB;
			}
		}
	EXPECT_EQ(0, stray);
	EXPECT_EQ(0, hover_ink);
	EXPECT_GT(inked, 1000);
	EXPECT_GT(cores, 100);
	EXPECT_EQ(0, cores_missed);
	biounit_signature_free(sig);
	free(plain);
}

/* ink pixels across a vertical cut at screen column @x between rows y0..y1 */
static int ink_across(const uint32_t *px, int x, int y0, int y1)
{
	int n = 0;

	for (int y = y0; y < y1; y++)
		n += at(px, x, y) == BIOUNIT_SCREEN_INK_RGB;
	return n;
}

TEST_F(scr, ink_width_follows_pressure)
{
	struct biounit_signature *sig;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_SIGNATURE };
	struct biounit_screen_rect r;
	uint64_t t = 0;
	int light, heavy;

	EXPECT_LT(biounit_screen_ink_width(self->s, &pad, 0),
		  biounit_screen_ink_width(self->s, &pad, 500));
	EXPECT_LT(biounit_screen_ink_width(self->s, &pad, 500),
		  biounit_screen_ink_width(self->s, &pad, 1000));
	EXPECT_GE(biounit_screen_ink_width(self->s, &pad, 0), 1.5);
	ASSERT_EQ(0, biounit_signature_new(&pad, &sig));
	add(_metadata, sig, &t, 1000, 1000, 50, 1);
	add(_metadata, sig, &t, 11000, 1000, 50, 1);
	add(_metadata, sig, &t, 11000, 1000, 0, 0);
	add(_metadata, sig, &t, 1000, 3000, 1000, 1);
	add(_metadata, sig, &t, 11000, 3000, 1000, 1);
	st.ink = sig;
	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	ASSERT_EQ(0, biounit_screen_ink_rect(self->s, &pad, &r));
	light = ink_across(self->px, r.x + r.w / 2, r.y, r.y + r.h / 2);
	heavy = ink_across(self->px, r.x + r.w / 2, r.y + r.h / 2, r.y + r.h);
	EXPECT_GE(light, 1);
	EXPECT_GE(heavy, light + 3);
	biounit_signature_free(sig);
}

static void finger_centroid(struct __test_metadata *_metadata, struct biounit_screen *s,
			    uint32_t *px, unsigned int finger, double *cx, double *cy)
{
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_FINGERS, .finger = finger };
	struct biounit_screen_rect r;
	double sx = 0, sy = 0;
	long n = 0;
	char name[32];

	ASSERT_EQ(0, biounit_screen_render(s, &st, px, STRIDE));
	snprintf(name, sizeof(name), "fingers_%u", finger);
	dump(px, name);
	biounit_screen_hand_rect(s, &r);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (at(px, x, y) == BIOUNIT_SCREEN_MARK_RGB) {
				/* only inside the hand */
				EXPECT_TRUE(x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h);
				sx += x;
				sy += y;
				n++;
			}
	ASSERT_GT(n, 500);
	*cx = (sx / n - r.x) / r.w;
	*cy = (sy / n - r.y) / r.h;
}

TEST_F(scr, the_finger_asked_for_is_marked)
{
	double x[11], y[11];

	for (unsigned int f = 1; f <= 10; f++)
		finger_centroid(_metadata, self->s, self->px, f, &x[f], &y[f]);
	/* the right hand seen from above: thumb left, little finger right */
	for (unsigned int f = 1; f < 5; f++) {
		EXPECT_LT(x[f], x[f + 1]);
	}
	/* the left hand is its mirror image */
	for (unsigned int f = 6; f < 10; f++) {
		EXPECT_GT(x[f], x[f + 1]);
	}
	for (unsigned int f = 1; f <= 5; f++) {
		EXPECT_LT(fabs(x[f] - (1 - x[f + 5])), 0.01);
	}
	/* the middle finger reaches highest, the thumb sits lowest */
	for (unsigned int f = 1; f <= 5; f++) {
		if (f != 3) {
			EXPECT_LT(y[3], y[f]);
		}
	}
	EXPECT_GT(y[1], y[2]);
}

/* a scene after the session keeps nothing of what was shown before */
TEST_F(scr, nothing_biometric_survives_the_end_of_the_session)
{
	static const enum biounit_screen_scene after[] = {
		BIOUNIT_SCREEN_DONE, BIOUNIT_SCREEN_BLANK, BIOUNIT_SCREEN_PAUSED,
		BIOUNIT_SCREEN_WELCOME,
	};
	struct biounit_signature *sig;
	struct biounit_screen_state face = { .scene = BIOUNIT_SCREEN_PHOTO_KEPT, .photo = &frame };
	struct biounit_screen_state ink = { .scene = BIOUNIT_SCREEN_SIGNATURE };
	uint32_t *fresh = buf_new(0);
	uint64_t t = 0;

	/* a magenta face */
	for (int i = 0; i < FW * FH; i++) {
		frame_px[3 * i] = 0xf0;
		frame_px[3 * i + 1] = (uint8_t)(i % 20);
		frame_px[3 * i + 2] = 0xe0;
	}
	ASSERT_EQ(0, biounit_signature_new(&pad, &sig));
	for (int i = 0; i < 50; i++)
		add(_metadata, sig, &t, 1000 + i * 200, 2000 + 900 * sin(i / 4.0), 800, 1);
	ink.ink = sig;
	for (size_t k = 0; k < sizeof(after) / sizeof(after[0]); k++) {
		struct biounit_screen_state end = { .scene = after[k], .steps = 7, .steps_done = 7,
			.reason_nl = "De scanner is losgekoppeld.", .reason_en = "The scanner was unplugged." };
		long left = 0, differ = 0;

		ASSERT_EQ(0, biounit_screen_render(self->s, &face, self->px, STRIDE));
		ASSERT_EQ(0, biounit_screen_render(self->s, &ink, self->px, STRIDE));
		ASSERT_EQ(0, biounit_screen_render(self->s, &face, self->px, STRIDE));
		for (size_t i = 0; i < (size_t)W * H; i++)
			left += (self->px[i] & 0xffffff) == 0xf000e0u;
		ASSERT_GT(left, 10000);
		left = 0;
		ASSERT_EQ(0, biounit_screen_render(self->s, &end, self->px, STRIDE));
		dump(self->px, biounit_screen_scene_name(after[k]));
		for (size_t i = 0; i < (size_t)W * H; i++)
			fresh[i] = 0x00777777u;
		ASSERT_EQ(0, biounit_screen_render(self->s, &end, fresh, STRIDE));
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				uint32_t c = at(self->px, x, y);
				differ += c != at(fresh, x, y);
				/* the face's colour: no theme colour or blend of them has it */
				left += ((c >> 16) & 0xff) > 200 && ((c >> 8) & 0xff) < 40 &&
					(c & 0xff) > 200;
			}
		EXPECT_EQ(0, differ);
		EXPECT_EQ(0, left);
	}
	biounit_signature_free(sig);
	free(fresh);
}

TEST_F(scr, the_kept_photo_is_shown_as_it_is)
{
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_KEPT, .photo = &frame };
	int found = 0;

	ASSERT_EQ(0, biounit_screen_render(self->s, &st, self->px, STRIDE));
	dump(self->px, "photo_kept");
	/* not mirrored: frame column 0 is left of column FW - 1 on the same row */
	int x0 = -1, x1 = -1;
	for (int y = 0; y < H && !found; y++)
		for (int x = 0; x < W; x++) {
			if (at(self->px, x, y) == frame_rgb(0, 0) && x0 < 0)
				x0 = x;
			if (at(self->px, x, y) == frame_rgb(FW - 1, 0) && x0 >= 0)
				x1 = x, found = 1;
		}
	EXPECT_TRUE(found);
	EXPECT_LT(x0, x1);
}

/* the texts: drawn in the header and the advice bar, never beyond them */
TEST_F(scr, texts_stay_in_their_places)
{
	static char long_nl[2000], long_en[2000];
	struct biounit_screen_state a = { .scene = BIOUNIT_SCREEN_REVIEW };
	struct biounit_screen_state b = a;
	uint32_t *other = buf_new(0);
	long head = 0, elsewhere = 0;

	for (size_t i = 0; i + 6 < sizeof(long_nl); i += 6) {
		memcpy(long_nl + i, "woord ", 6);
		memcpy(long_en + i, "words ", 6);
	}
	ASSERT_EQ(0, biounit_screen_render(self->s, &a, self->px, STRIDE));
	b.advice_nl = long_nl;
	b.advice_en = long_en;
	b.tone = BIOUNIT_SCREEN_TONE_ACT;
	ASSERT_EQ(0, biounit_screen_render(self->s, &b, other, STRIDE));
	dump(other, "review_long_advice");
	/* the bar takes the bottom seventh only */
	for (int y = 0; y < H * 84 / 100; y++)
		for (int x = 0; x < W; x++)
			elsewhere += at(self->px, x, y) != at(other, x, y);
	EXPECT_EQ(0, elsewhere);
	EXPECT_EQ(BIOUNIT_SCREEN_MARK_RGB, at(other, 2, H - 2));
	/* a prompt of its own replaces the default one in the header */
	b = a;
	b.prompt_nl = "Even wachten.";
	b.prompt_en = "Please wait.";
	ASSERT_EQ(0, biounit_screen_render(self->s, &b, other, STRIDE));
	for (int y = 0; y < H / 5; y++)
		for (int x = 0; x < W; x++)
			head += at(self->px, x, y) != at(other, x, y);
	EXPECT_GT(head, 200);
	/* the same state draws the same pixels */
	ASSERT_EQ(0, biounit_screen_render(self->s, &a, other, STRIDE));
	EXPECT_EQ(0, memcmp(self->px, other, (size_t)STRIDE * H));
	free(other);
}

TEST_F(scr, welcome_lists_the_appointments_steps)
{
	struct biounit_screen_state all = { .scene = BIOUNIT_SCREEN_WELCOME, .steps = 7 };
	struct biounit_screen_state two = all;
	uint32_t *other = buf_new(0);
	long green = 0;

	ASSERT_EQ(0, biounit_screen_render(self->s, &all, self->px, STRIDE));
	dump(self->px, "welcome");
	two.steps = BIOUNIT_SCREEN_STEP_PHOTO | BIOUNIT_SCREEN_STEP_SIGNATURE;
	ASSERT_EQ(0, biounit_screen_render(self->s, &two, other, STRIDE));
	EXPECT_NE(0, memcmp(self->px, other, (size_t)STRIDE * H));
	/* a step done is ticked off in green */
	for (size_t i = 0; i < (size_t)W * H; i++)
		green += (self->px[i] & 0xffffff) == 0x2e7d32u;
	EXPECT_EQ(0, green);
	all.steps_done = BIOUNIT_SCREEN_STEP_PHOTO;
	all.step_now = BIOUNIT_SCREEN_STEP_FINGERS;
	ASSERT_EQ(0, biounit_screen_render(self->s, &all, self->px, STRIDE));
	dump(self->px, "welcome_progress");
	for (size_t i = 0; i < (size_t)W * H; i++)
		green += (self->px[i] & 0xffffff) == 0x2e7d32u;
	EXPECT_GT(green, 300);
	free(other);
}

/*
 * A display that has no card: a state, not an error; a scene is drawn for
 * nobody, a camera buffer goes back at once (the CPU path), nothing is said
 * about its path, and freeing it is clean (it once crashed there, on the
 * plane path's clean-up of an output it never had).
 */
static void count_release(void *arg)
{
	(*(int *)arg)++;
}

TEST_F(scr, a_display_without_a_card_takes_frames_for_nobody)
{
	struct biounit_display *d;
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_LIVE, .frame = &frame };
	struct biounit_display_buffer b = { .dmabuf_fd = -1, .fourcc = 0x34325258 /* XR24 */,
					    .width = FW, .height = FH, .stride = FW * 4 };
	int released = 0;
	uint32_t w, h;

	ASSERT_EQ(0, biounit_display_new("/nonexistent/card0", NULL, NULL, &d));
	EXPECT_NE((int)BIOUNIT_DISPLAY_SHOWING, (int)biounit_display_get_state(d));
	EXPECT_EQ(0, biounit_display_show(d, &st));
	EXPECT_EQ(0, biounit_display_show_buffer(d, &st, &b, count_release, &released));
	EXPECT_EQ(1, released);
	EXPECT_FALSE(biounit_display_zero_copy(d));
	EXPECT_STREQ("", biounit_display_path(d));
	biounit_display_size(d, &w, &h);
	EXPECT_EQ(0u, w);
	EXPECT_EQ(-ENODEV, biounit_display_capture(d, self->px, STRIDE));
	/* a frame of another size than the buffer: refused, and the buffer still goes back */
	b.width = FW + 1;
	EXPECT_EQ(-EINVAL, biounit_display_show_buffer(d, &st, &b, count_release, &released));
	EXPECT_EQ(2, released);
	biounit_display_forget_buffers(d);
	/* biounitd's question before a face stream: no display, so no plane path, and why */
	EXPECT_EQ(0, biounit_display_probe(d, 0x34325258, 640, 480));
	EXPECT_FALSE(biounit_display_zero_copy(d));
	EXPECT_NE(NULL, strstr(biounit_display_path(d), "no display to scan the camera out on"))
		TH_LOG("path: %s", biounit_display_path(d));
	EXPECT_EQ(-EINVAL, biounit_display_probe(d, 0x34325258, 0, 480));
	EXPECT_EQ(-EINVAL, biounit_display_probe(d, 0x34325258, 640, BIOUNIT_SCREEN_MAX_SIDE + 1));
	EXPECT_EQ(-EINVAL, biounit_display_probe(NULL, 0x34325258, 640, 480));
	biounit_display_free(d);
}

TEST_HARNESS_MAIN
