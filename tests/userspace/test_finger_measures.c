// SPDX-License-Identifier: GPL-2.0
/*
 * Fingerprint measures against known truth: the tests draw synthetic ridge
 * patterns with a known ridge direction, period, ridge/valley widths, noise
 * and placement, and check what userspace/finger measures.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "finger/finger.h"
#include "kselftest_harness.h"

#define W 320
#define H 320

/* deterministic noise: xorshift32 + Box-Muller */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static double gauss(uint32_t *s)
{
	double u1 = (rng_next(s) + 1.0) / 4294967297.0, u2 = (rng_next(s) + 1.0) / 4294967297.0;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static uint8_t clamp8(double v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lround(v));
}

/* Sinusoidal ridges: ridge direction @theta_deg (0 = horizontal, y down),
 * period @period px, amplitude 80 around 128, Gaussian noise @noise. */
static void draw_ridges(uint8_t *px, uint32_t w, uint32_t h, uint32_t stride, double theta_deg,
			double period, double noise, uint32_t seed)
{
	double t = theta_deg * M_PI / 180, nx = -sin(t), ny = cos(t);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double d = x * nx + y * ny;
			px[y * stride + x] =
				clamp8(128 + 80 * cos(2 * M_PI * d / period) + (noise > 0 ? noise * gauss(&seed) : 0));
		}
}

static struct biounit_finger_report *assess(struct __test_metadata *_metadata, const uint8_t *px,
					    uint32_t w, uint32_t h, uint32_t stride)
{
	struct biounit_image_view v = { px, w, h, stride, BIOUNIT_PIX_GREY };
	struct biounit_finger_report *r = NULL;
	ASSERT_EQ(0, biounit_finger_assess(&v, 500, &r));
	return r;
}

static double angle_diff(double a, double b)
{
	double d = fabs(fmod(a - b + 360.0, 180.0));
	return d > 90 ? 180 - d : d;
}

TEST(orientation_matches_drawn_direction)
{
	static const double angles[] = { 0, 22.5, 45, 90, 120, 157.5 };
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	for (size_t i = 0; i < sizeof(angles) / sizeof(angles[0]); i++) {
		draw_ridges(px, W, H, W, angles[i], 9.0, 0, 1);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		uint32_t cols, rows, fg = 0;
		biounit_finger_report_grid(r, &cols, &rows, NULL);
		for (uint32_t y = 0; y < rows; y++)
			for (uint32_t x = 0; x < cols; x++) {
				struct biounit_finger_block b;
				ASSERT_EQ(0, biounit_finger_report_block(r, x, y, &b));
				if (!b.foreground)
					continue;
				fg++;
				EXPECT_LT(angle_diff(b.orientation_deg, angles[i]), 2.0)
					TH_LOG("angle %.1f block %u,%u gives %.2f", angles[i], x, y,
					       b.orientation_deg);
				EXPECT_GT(b.coherence, 0.9);
			}
		EXPECT_GT(fg, cols * rows * 8u / 10);
		/* clean parallel ridges: certain orientation, smooth flow */
		EXPECT_GT(biounit_finger_report_feature(r, BIOUNIT_FINGER_OCL_MEAN), 0.9);
		EXPECT_LT(biounit_finger_report_feature(r, BIOUNIT_FINGER_OFL_MEAN), 0.01);
		biounit_finger_report_free(r);
	}
	free(px);
}

TEST(ridge_period_matches_drawn_period)
{
	static const double periods[] = { 6.5, 8.0, 9.5, 12.0 };
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		draw_ridges(px, W, H, W, 35, periods[i], 0, 1);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		double p = biounit_finger_report_feature(r, BIOUNIT_FINGER_PERIOD);
		EXPECT_LT(fabs(p - periods[i]), 0.05 * periods[i])
			TH_LOG("period %.1f measured %.2f", periods[i], p);
		biounit_finger_report_free(r);
	}
	free(px);
}

TEST(fda_is_high_for_one_frequency_and_drops_with_noise)
{
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	/* period 8 = exactly 4 cycles in a 32 px profile: one spectral line */
	draw_ridges(px, W, H, W, 0, 8.0, 0, 1);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	double clean = biounit_finger_report_feature(r, BIOUNIT_FINGER_FDA_MEAN);
	biounit_finger_report_free(r);
	EXPECT_GT(clean, 0.95);

	draw_ridges(px, W, H, W, 0, 8.0, 60, 7);
	r = assess(_metadata, px, W, H, W);
	double noisy = biounit_finger_report_feature(r, BIOUNIT_FINGER_FDA_MEAN);
	biounit_finger_report_free(r);
	EXPECT_LT(noisy, clean - 0.2) TH_LOG("clean %.3f noisy %.3f", clean, noisy);
	free(px);
}

/* Expected LCS of a sinusoid of amplitude 80 with Gaussian noise sigma: a
 * pixel is on the wrong side of the mean with probability Phi(-80|cos|/sigma),
 * averaged over the phase; LCS = 1 - that. */
static double expected_lcs(double sigma)
{
	double s = 0;
	int n = 3600;
	for (int i = 0; i < n; i++) {
		double a = 80 * fabs(cos(2 * M_PI * (i + 0.5) / n));
		s += 0.5 * erfc(a / sigma / sqrt(2));
	}
	return 1 - s / n;
}

TEST(lcs_follows_noise_as_predicted)
{
	static const double sigmas[] = { 0, 30, 60 };
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	for (size_t i = 0; i < 3; i++) {
		draw_ridges(px, W, H, W, 0, 8.0, sigmas[i], 11);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		double lcs = biounit_finger_report_feature(r, BIOUNIT_FINGER_LCS_MEAN);
		double want = sigmas[i] > 0 ? expected_lcs(sigmas[i]) : 1.0;
		EXPECT_LT(fabs(lcs - want), 0.04) TH_LOG("sigma %.0f lcs %.3f expected %.3f",
							  sigmas[i], lcs, want);
		biounit_finger_report_free(r);
	}
	free(px);
}

/* Square-wave ridges along x: @ridge px dark (40), @valley px light (220). */
static void draw_bars(uint8_t *px, int ridge, int valley)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = (y % (ridge + valley)) < ridge ? 40 : 220;
}

TEST(rvu_gives_ridge_valley_width_ratio)
{
	static const int widths[][2] = { { 4, 6 }, { 5, 5 }, { 6, 4 }, { 3, 7 } };
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	for (size_t i = 0; i < 4; i++) {
		draw_bars(px, widths[i][0], widths[i][1]);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		double want = (double)widths[i][0] / widths[i][1];
		double mean = biounit_finger_report_feature(r, BIOUNIT_FINGER_RVU_MEAN);
		EXPECT_LT(fabs(mean - want), 0.1 * want) TH_LOG("%d/%d: %.3f", widths[i][0],
								 widths[i][1], mean);
		/* uniform ridges: the ratios hardly vary */
		EXPECT_LT(biounit_finger_report_feature(r, BIOUNIT_FINGER_RVU_SD), 0.1);
		biounit_finger_report_free(r);
	}
	/* alternating widths 3/7 and 6/4 are not uniform */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = (y % 20) < 3 || ((y % 20) >= 10 && (y % 20) < 16) ? 40 : 220;
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	EXPECT_GT(biounit_finger_report_feature(r, BIOUNIT_FINGER_RVU_SD), 0.4);
	biounit_finger_report_free(r);
	free(px);
}

TEST(orientation_flow_of_random_blocks)
{
	uint8_t *px = malloc(W * H), *tile = malloc(32 * 32);
	uint32_t seed = 99;

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, tile);
	/* every 32x32 block its own random direction: neighbours differ by
	 * 45 degrees on average, so OFL = (45 - 4) / (90 - 4) = 0.48 */
	for (int by = 0; by < H / 32; by++)
		for (int bx = 0; bx < W / 32; bx++) {
			double a = (rng_next(&seed) % 1800) / 10.0;
			draw_ridges(tile, 32, 32, 32, a, 8.0, 0, 1);
			for (int y = 0; y < 32; y++)
				memcpy(px + (by * 32 + y) * W + bx * 32, tile + y * 32, 32);
		}
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	double ofl = biounit_finger_report_feature(r, BIOUNIT_FINGER_OFL_MEAN);
	EXPECT_LT(fabs(ofl - 41.0 / 86.0), 0.1) TH_LOG("ofl %.3f", ofl);
	biounit_finger_report_free(r);
	free(px);
	free(tile);
}

TEST(foreground_is_the_drawn_rectangle)
{
	uint8_t *px = malloc(W * H), *patch = malloc(160 * 200);
	uint32_t x, y, w, h;

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, patch);
	memset(px, 255, W * H);
	draw_ridges(patch, 160, 200, 160, 70, 9.0, 5, 3);
	for (int r = 0; r < 200; r++)
		memcpy(px + (60 + r) * W + 80, patch + r * 160, 160);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);

	biounit_finger_report_region(r, &x, &y, &w, &h);
	EXPECT_EQ(80u, x);
	EXPECT_EQ(60u, y);
	EXPECT_EQ(160u, w);
	EXPECT_EQ(200u, h);
	/* 160 x 200 px at 500 ppi = 8.128 x 10.16 mm */
	double mm2 = biounit_finger_report_feature(r, BIOUNIT_FINGER_FG_AREA_MM2);
	EXPECT_LT(fabs(mm2 - 8.128 * 10.16), 0.1 * 8.128 * 10.16) TH_LOG("area %.1f mm2", mm2);
	EXPECT_EQ(1, biounit_finger_report_is_foreground(r, 160, 160));
	EXPECT_EQ(0, biounit_finger_report_is_foreground(r, 10, 10));
	EXPECT_EQ(0, biounit_finger_report_is_foreground(r, 300, 300));
	/* a third of the image, centred */
	uint32_t advice = biounit_finger_report_advice(r);
	EXPECT_FALSE(!!(advice & BIOUNIT_FINGER_NOT_CENTRED));
	EXPECT_FALSE(!!(advice & BIOUNIT_FINGER_NO_FINGER));
	biounit_finger_report_free(r);
	free(px);
	free(patch);
}

TEST(placement_advice)
{
	uint8_t *px = malloc(W * H), *patch = malloc(96 * 96);

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, patch);
	/* small patch in a corner: too little finger, not centred */
	memset(px, 255, W * H);
	draw_ridges(patch, 96, 96, 96, 10, 9.0, 0, 3);
	for (int r = 0; r < 96; r++)
		memcpy(px + (8 + r) * W + 8, patch + r * 96, 96);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	uint32_t advice = biounit_finger_report_advice(r);
	EXPECT_TRUE(!!(advice & BIOUNIT_FINGER_TOO_LITTLE));
	EXPECT_TRUE(!!(advice & BIOUNIT_FINGER_NOT_CENTRED));
	biounit_finger_report_free(r);

	/* white image: no finger, score 0 */
	memset(px, 255, W * H);
	r = assess(_metadata, px, W, H, W);
	EXPECT_EQ((uint32_t)BIOUNIT_FINGER_NO_FINGER, biounit_finger_report_advice(r));
	EXPECT_EQ(0u, biounit_finger_report_score(r));
	biounit_finger_report_free(r);

	/* a diagonal finger: a 100 x 300 px band at 45 degrees */
	memset(px, 255, W * H);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double u = (x - W / 2.0 + y - H / 2.0) / sqrt(2), v = (x - y) / sqrt(2);
			if (fabs(u) < 150 && fabs(v) < 45)
				px[y * W + x] = clamp8(128 + 80 * cos(2 * M_PI * y / 9.0));
		}
	r = assess(_metadata, px, W, H, W);
	EXPECT_TRUE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_ROTATED));
	biounit_finger_report_free(r);
	free(px);
	free(patch);
}

TEST(pressure_advice)
{
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	/* pale print with thin ridges (2 of 9 px): press harder */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = (y % 9) < 2 ? 120 : 230;
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	EXPECT_TRUE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_PRESS_HARDER));
	EXPECT_FALSE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_PRESS_LIGHTER));
	biounit_finger_report_free(r);
	/* dark print with thick ridges (7 of 10 px): press lighter */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = (y % 10) < 7 ? 20 : 120;
	r = assess(_metadata, px, W, H, W);
	EXPECT_TRUE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_PRESS_LIGHTER));
	EXPECT_FALSE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_PRESS_HARDER));
	biounit_finger_report_free(r);
	free(px);
}

/* Horizontal ridges, period 10, ridges 5 px; optionally ridge @cut is
 * missing for x < @from (one ridge ending at x = @from) and a gap in ridge
 * @gap_ridge from x = @gap_x0 to @gap_x1 (two endings). */
static void draw_minutiae_pattern(uint8_t *px, int cut, int from, int gap_ridge, int gap_x0,
				  int gap_x1)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int k = y / 10, ridge = (y % 10) >= 3 && (y % 10) < 8;
			if (k == cut && x < from)
				ridge = 0;
			if (k == gap_ridge && x >= gap_x0 && x < gap_x1)
				ridge = 0;
			px[y * W + x] = ridge ? 50 : 210;
		}
}

TEST(minutiae_of_drawn_endings)
{
	uint8_t *px = malloc(W * H);
	struct biounit_minutia m[16];

	ASSERT_NE(NULL, px);
	draw_minutiae_pattern(px, -1, 0, -1, 0, 0);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	EXPECT_EQ(0u, biounit_finger_report_minutiae(r, m, 16));
	biounit_finger_report_free(r);

	/* ridge 16 (y 163..167) starts at x = 160: one ending there */
	draw_minutiae_pattern(px, 16, 160, -1, 0, 0);
	r = assess(_metadata, px, W, H, W);
	ASSERT_EQ(1u, biounit_finger_report_minutiae(r, m, 16));
	EXPECT_EQ(BIOUNIT_MINUTIA_ENDING, (int)m[0].type);
	EXPECT_LT(abs((int)m[0].x - 160), 5);
	EXPECT_LT(abs((int)m[0].y - 165), 3);
	biounit_finger_report_free(r);

	/* a 30 px gap in ridge 12 (y 123..127) from x = 140 to 170 */
	draw_minutiae_pattern(px, -1, 0, 12, 140, 170);
	r = assess(_metadata, px, W, H, W);
	ASSERT_EQ(2u, biounit_finger_report_minutiae(r, m, 16));
	int left = m[0].x < m[1].x ? 0 : 1;
	EXPECT_LT(abs((int)m[left].x - 139), 5);
	EXPECT_LT(abs((int)m[1 - left].x - 170), 5);
	EXPECT_EQ(BIOUNIT_MINUTIA_ENDING, (int)m[0].type);
	EXPECT_EQ(BIOUNIT_MINUTIA_ENDING, (int)m[1].type);
	EXPECT_EQ(2.0, biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE));
	biounit_finger_report_free(r);
	free(px);
}

/* Two perpendicular gratings of the same period, amplitudes @a (ridges at
 * @theta_deg) and @b: the Sobel gradient covariance has eigenvalues in the
 * ratio b^2 : a^2, so OCL = 1 - (b / a)^2 and the orientation is @theta_deg. */
static void draw_crossed(uint8_t *px, double theta_deg, double a, double b, double period)
{
	double t = theta_deg * M_PI / 180, nx = -sin(t), ny = cos(t);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double u = x * nx + y * ny, v = x * ny - y * nx;
			px[y * W + x] = clamp8(128 + a * cos(2 * M_PI * u / period) +
					       b * cos(2 * M_PI * v / period));
		}
}

TEST(ocl_follows_the_strength_of_a_crossing_grating)
{
	static const double ratios[] = { 0.0, 0.3, 0.5, 0.7, 1.0 };
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		draw_crossed(px, 30, 70, 70 * ratios[i], 8.0);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		double want = 1 - ratios[i] * ratios[i];
		double ocl = biounit_finger_report_feature(r, BIOUNIT_FINGER_OCL_MEAN);
		EXPECT_LT(fabs(ocl - want), 0.03) TH_LOG("b/a %.1f: ocl %.3f, expected %.3f",
							 ratios[i], ocl, want);
		double p25 = biounit_finger_report_feature(r, BIOUNIT_FINGER_OCL_P25);
		double p75 = biounit_finger_report_feature(r, BIOUNIT_FINGER_OCL_P75);
		EXPECT_LE(p25, p75);
		EXPECT_LT(fabs(biounit_finger_report_feature(r, BIOUNIT_FINGER_OCL_P50) - want), 0.05);
		if (ratios[i] < 1) {
			struct biounit_finger_block b;
			ASSERT_EQ(0, biounit_finger_report_block(r, 4, 4, &b));
			EXPECT_LT(angle_diff(b.orientation_deg, 30), 2.0)
				TH_LOG("b/a %.1f: orientation %.2f", ratios[i], b.orientation_deg);
		}
		biounit_finger_report_free(r);
	}
	free(px);
}

TEST(orientation_flow_of_a_checkerboard_of_directions)
{
	static const double steps[] = { 20, 40, 80 };
	uint8_t *px = malloc(W * H), *tile = malloc(2 * 32 * 32);

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, tile);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		/* blocks alternate between 10 and 10 + step degrees like a
		 * checkerboard: of the 8 neighbours of an inner block the 4 edge
		 * neighbours differ by step, the 4 diagonal ones by 0, so the mean
		 * difference is step / 2 and OFL = (step / 2 - 4) / (90 - 4). */
		draw_ridges(tile, 32, 32, 32, 10, 8.0, 0, 1);
		draw_ridges(tile + 32 * 32, 32, 32, 32, 10 + steps[i], 8.0, 0, 1);
		for (int by = 0; by < H / 32; by++)
			for (int bx = 0; bx < W / 32; bx++)
				for (int y = 0; y < 32; y++)
					memcpy(px + (by * 32 + y) * W + bx * 32,
					       tile + ((bx + by) % 2) * 32 * 32 + y * 32, 32);
		struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
		struct biounit_finger_block b;
		double want = (steps[i] / 2 - 4) / 86;
		ASSERT_EQ(0, biounit_finger_report_block(r, 4, 5, &b));
		EXPECT_LT(fabs(b.ofl - want), 0.02) TH_LOG("step %.0f: block ofl %.3f, expected %.3f",
							   steps[i], b.ofl, want);
		double p50 = biounit_finger_report_feature(r, BIOUNIT_FINGER_OFL_P50);
		EXPECT_LT(fabs(p50 - want), 0.04) TH_LOG("step %.0f: median ofl %.3f", steps[i], p50);
		biounit_finger_report_free(r);
	}
	free(px);
	free(tile);
}

TEST(lcs_quartiles_of_a_half_noisy_print)
{
	uint8_t *px = malloc(W * H), *noisy = malloc(W * H);

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, noisy);
	/* left half clean, right half noise sigma 60: a quarter of the blocks or
	 * more are clean (LCS 1), a quarter or more noisy (LCS as predicted) */
	draw_ridges(px, W, H, W, 0, 8.0, 0, 1);
	draw_ridges(noisy, W, H, W, 0, 8.0, 60, 13);
	for (int y = 0; y < H; y++)
		memcpy(px + y * W + W / 2, noisy + y * W + W / 2, W / 2);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	double p25 = biounit_finger_report_feature(r, BIOUNIT_FINGER_LCS_P25);
	double p75 = biounit_finger_report_feature(r, BIOUNIT_FINGER_LCS_P75);
	double p10 = biounit_finger_report_feature(r, BIOUNIT_FINGER_LCS_P10);
	EXPECT_LT(fabs(p25 - expected_lcs(60)), 0.05) TH_LOG("p25 %.3f expected %.3f", p25,
							     expected_lcs(60));
	EXPECT_GT(p75, 0.97);
	EXPECT_LE(p10, p25);
	biounit_finger_report_free(r);
	free(px);
	free(noisy);
}

TEST(minutiae_of_a_drawn_bifurcation)
{
	uint8_t *px = malloc(W * H);
	struct biounit_minutia m[16];

	ASSERT_NE(NULL, px);
	/* horizontal ridges, period 10, 5 px wide; the valley between ridges 15
	 * and 16 (y 158..162) is filled for x >= 160: ridges 15 and 16 merge
	 * there, one ridge forks into two at x = 160 */
	draw_minutiae_pattern(px, -1, 0, -1, 0, 0);
	for (int y = 158; y < 163; y++)
		memset(px + y * W + 160, 50, W - 160);
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	ASSERT_EQ(1u, biounit_finger_report_minutiae(r, m, 16));
	EXPECT_EQ(BIOUNIT_MINUTIA_BIFURCATION, (int)m[0].type);
	EXPECT_LT(abs((int)m[0].x - 160), 12) TH_LOG("at %u,%u", m[0].x, m[0].y);
	EXPECT_LT(abs((int)m[0].y - 160), 6) TH_LOG("at %u,%u", m[0].x, m[0].y);
	EXPECT_LT(angle_diff(m[0].angle_deg, 0), 5.0);
	/* clean straight ridges around it: certain, clear, well placed */
	EXPECT_GT(m[0].quality, 80u);
	EXPECT_GT(biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL), 0.8);
	EXPECT_EQ(1.0, biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL80));
	EXPECT_EQ(1.0, biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE_CLEAR));
	EXPECT_EQ(1.0, biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE_COM_CLEAR));
	biounit_finger_report_free(r);

	/* the same fork in pure noise (sigma 110): no longer clear */
	uint32_t seed = 21;
	for (int i = 0; i < W * H; i++)
		px[i] = clamp8(px[i] + 110 * gauss(&seed));
	r = assess(_metadata, px, W, H, W);
	double nm = biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE);
	double clear = biounit_finger_report_feature(r, BIOUNIT_FINGER_MINUTIAE_CLEAR);
	EXPECT_LT(clear, 0.5 * nm + 1) TH_LOG("%.0f minutiae, %.0f clear", nm, clear);
	biounit_finger_report_free(r);
	free(px);
}

TEST(grey_statistics_and_stride)
{
	const uint32_t stride = W + 13;
	uint8_t *px = malloc(W * H), *padded = malloc(stride * H);

	ASSERT_NE(NULL, px);
	ASSERT_NE(NULL, padded);
	draw_ridges(px, W, H, W, 60, 10.0, 20, 5);
	double sum = 0;
	for (int i = 0; i < W * H; i++)
		sum += px[i];
	memset(padded, 0xAA, stride * H);
	for (int y = 0; y < H; y++)
		memcpy(padded + y * stride, px + y * W, W);
	struct biounit_finger_report *a = assess(_metadata, px, W, H, W);
	struct biounit_finger_report *b = assess(_metadata, padded, W, H, stride);
	EXPECT_LT(fabs(biounit_finger_report_feature(a, BIOUNIT_FINGER_MU) - sum / (W * H)), 1e-6);
	for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++) {
		EXPECT_EQ(biounit_finger_report_feature(a, f), biounit_finger_report_feature(b, f))
			TH_LOG("feature %s", biounit_finger_feature_name(f));
	}
	EXPECT_EQ(biounit_finger_report_score(a), biounit_finger_report_score(b));
	biounit_finger_report_free(a);
	biounit_finger_report_free(b);
	free(px);
	free(padded);
}

TEST(clean_print_scores_above_noisy_print)
{
	uint8_t *px = malloc(W * H);

	ASSERT_NE(NULL, px);
	/* concentric ridges, like a whorl */
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			px[y * W + x] = clamp8(128 + 80 * cos(2 * M_PI * hypot(x - 160, y - 170) / 9.0));
	struct biounit_finger_report *r = assess(_metadata, px, W, H, W);
	unsigned int clean = biounit_finger_report_score(r);
	EXPECT_FALSE(!!(biounit_finger_report_advice(r) & BIOUNIT_FINGER_MOVED));
	biounit_finger_report_free(r);
	uint32_t seed = 5;
	for (int i = 0; i < W * H; i++)
		px[i] = clamp8(px[i] + 110 * gauss(&seed));
	r = assess(_metadata, px, W, H, W);
	unsigned int noisy = biounit_finger_report_score(r);
	biounit_finger_report_free(r);
	EXPECT_GT(clean, noisy + 10) TH_LOG("clean %u noisy %u", clean, noisy);
	EXPECT_GE(clean, (unsigned int)BIOUNIT_FINGER_THRESHOLD_DEFAULT);
	free(px);
}

TEST(rejects_bad_input)
{
	uint8_t px[100 * 100] = { 0 };
	struct biounit_image_view v = { px, 100, 100, 100, BIOUNIT_PIX_GREY };
	struct biounit_finger_report *r = NULL;

	EXPECT_EQ(-EINVAL, biounit_finger_assess(NULL, 500, &r));
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 500, NULL));
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 100, &r));
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 2000, &r));
	v.format = BIOUNIT_PIX_RGB24;
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 500, &r));
	v.format = BIOUNIT_PIX_GREY;
	v.width = 40;
	v.stride = 40;
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 500, &r));
	v.width = 100;
	v.stride = 50;
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 500, &r));
	v.data = NULL;
	v.stride = 100;
	EXPECT_EQ(-EINVAL, biounit_finger_assess(&v, 500, &r));
	EXPECT_EQ(NULL, r);
}

TEST(advice_messages_in_both_languages)
{
	for (unsigned int i = 0; i < BIOUNIT_FINGER_ADVICE_COUNT; i++) {
		enum biounit_finger_advice a = (enum biounit_finger_advice)(1u << i);
		const char *nl = biounit_finger_advice_message(a, "nl");
		const char *en = biounit_finger_advice_message(a, "en");
		ASSERT_NE(NULL, nl);
		ASSERT_NE(NULL, en);
		EXPECT_NE(0, strcmp(nl, en));
		EXPECT_NE(NULL, biounit_finger_advice_key(a));
	}
	EXPECT_EQ(NULL, biounit_finger_advice_message((enum biounit_finger_advice)3, "en"));
	EXPECT_EQ(NULL, biounit_finger_advice_message((enum biounit_finger_advice)(1u << 20), "nl"));
	for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++)
		EXPECT_NE(NULL, biounit_finger_feature_name(f));
	EXPECT_EQ(NULL, biounit_finger_feature_name(BIOUNIT_FINGER_FEATURE_COUNT));
}

TEST_HARNESS_MAIN
