// SPDX-License-Identifier: GPL-2.0
/*
 * The WSQ codec (userspace/wsq, issue 9): round trips of generated
 * fingerprint-like images (curved ridges in an ellipse, noise) with the PSNR
 * floors and the bit rates measured on them, odd sizes, strides, the
 * resolution, bad arguments, and streams cut at every length or with bytes
 * flipped, which must be refused (-EBADMSG) or decoded without any access
 * out of bounds (this test also runs under ASan and UBSan).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <biounit/image.h>
#include "wsq/wsq.h"

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "synth_print.h"
#include "image_compare.h"
#include "wsq/wsq_internal.h"

/* ridges along circles around a core below the centre, inside an ellipse, light outside */
static struct biounit_image *ridges(uint32_t w, uint32_t h, uint32_t seed)
{
	return synth_print(w, h, seed, SYNTH_RIDGES);
}

/* encode @img at @rate, decode, return the PSNR (negative on error) and the achieved bpp */
static double round_trip_alloc(struct __test_metadata *_metadata, struct biounit_image *img,
			       float rate, enum biounit_wsq_alloc alloc, double *bpp)
{
	struct biounit_wsq_encode_opts o = { .bitrate = rate, .ppi = 500, .alloc = alloc };
	struct biounit_image_view v = biounit_image_get_view(img), dv;
	struct biounit_image *dec = NULL;
	uint8_t *out = NULL;
	size_t len = 0;
	unsigned int ppi = 7;
	double p;

	EXPECT_EQ(0, biounit_wsq_encode_ex(&v, &o, &out, &len));
	if (!out)
		return -1;
	*bpp = 8.0 * len / ((double)v.width * v.height);
	EXPECT_EQ(0, biounit_wsq_decode(out, len, &dec, &ppi));
	free(out);
	if (!dec)
		return -1;
	dv = biounit_image_get_view(dec);
	EXPECT_EQ(v.width, dv.width);
	EXPECT_EQ(v.height, dv.height);
	EXPECT_EQ(BIOUNIT_PIX_GREY, dv.format);
	EXPECT_EQ(500u, ppi);
	p = dv.width == v.width && dv.height == v.height ? img_psnr(&v, &dv) : -1;
	biounit_image_free(dec);
	return p;
}

static double round_trip(struct __test_metadata *_metadata, struct biounit_image *img,
			 float rate, double *bpp)
{
	return round_trip_alloc(_metadata, img, rate, BIOUNIT_WSQ_ALLOC_MSE, bpp);
}

/*
 * PSNR of these generated prints (seeds 1..4, 416 x 480) measured on
 * 2026-11-23 with this encoder; the floors are 0.5 dB under them (the noise
 * of the prints differs from seed to seed, hence one value each).
 */
static const double psnr_075[] = { 27.76, 29.85, 27.78, 33.96 };
static const double psnr_225[] = { 31.46, 33.63, 31.28, 38.09 };
#define PSNR_MARGIN 0.5
#define RATE_UNDER 0.03	/* achieved bpp at most 3% under the request ... */
#define RATE_OVER 0.01	/* ... and at most 1% over it */

TEST(round_trip_0_75_and_2_25_bpp)
{
	for (uint32_t seed = 1; seed <= 4; seed++) {
		struct biounit_image *img = ridges(416, 480, seed);
		double bpp = 0, p;

		ASSERT_NE(NULL, img);
		p = round_trip(_metadata, img, 0.75f, &bpp);
		EXPECT_GE(p, psnr_075[seed - 1] - PSNR_MARGIN) TH_LOG("seed %u: %.2f dB", seed, p);
		EXPECT_LE(bpp, 0.75 * (1 + RATE_OVER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
		EXPECT_GE(bpp, 0.75 * (1 - RATE_UNDER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
		p = round_trip(_metadata, img, 2.25f, &bpp);
		EXPECT_GE(p, psnr_225[seed - 1] - PSNR_MARGIN) TH_LOG("seed %u: %.2f dB", seed, p);
		EXPECT_LE(bpp, 2.25 * (1 + RATE_OVER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
		EXPECT_GE(bpp, 2.25 * (1 - RATE_UNDER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
		biounit_image_free(img);
	}
}

/*
 * The specification's bit allocation (BIOUNIT_WSQ_ALLOC_SPEC, q from its rate
 * model) and its bin widths with our rate search (BIOUNIT_WSQ_ALLOC_SPEC_RATE)
 * on the same prints, PSNR measured on 2026-11-23 (floors 0.5 dB under).
 * The spec's model spends less than asked (0.45..0.53 bpp for 0.75, 1.48..1.58
 * for 2.25 here; NBIS does the same on real prints): its rate is checked to
 * lie between 55% and 101% of the request, the searched one like ours. Our
 * allocation asked for the size the spec's reached must do at least as well
 * (it is the default for that reason, docs/wsq.md).
 */
static const double psnr_spec[2][4] = { { 25.71, 27.93, 25.78, 32.12 },
					{ 30.58, 32.67, 30.45, 36.81 } };
static const double psnr_spec_rate[2][4] = { { 26.94, 29.06, 26.96, 33.40 },
					     { 31.44, 33.60, 31.27, 38.02 } };

TEST(spec_allocation_round_trip)
{
	const float rates[2] = { 0.75f, 2.25f };

	for (uint32_t seed = 1; seed <= 4; seed++) {
		struct biounit_image *img = ridges(416, 480, seed);

		ASSERT_NE(NULL, img);
		for (int ri = 0; ri < 2; ri++) {
			double r = rates[ri], bpp = 0, bpp_m = 0, p, pm;

			p = round_trip_alloc(_metadata, img, rates[ri], BIOUNIT_WSQ_ALLOC_SPEC, &bpp);
			EXPECT_GE(p, psnr_spec[ri][seed - 1] - PSNR_MARGIN)
				TH_LOG("spec, seed %u, %.2f bpp: %.2f dB", seed, r, p);
			EXPECT_LE(bpp, r * 1.01) TH_LOG("spec, seed %u: %.4f bpp", seed, bpp);
			EXPECT_GE(bpp, r * 0.55) TH_LOG("spec, seed %u: %.4f bpp", seed, bpp);
			pm = round_trip(_metadata, img, (float)bpp, &bpp_m);
			EXPECT_LE(bpp_m, bpp * 1.01);
			EXPECT_GE(pm, p - 0.05) TH_LOG("seed %u, %.4f bpp: ours %.2f, spec's %.2f dB",
						       seed, bpp, pm, p);

			p = round_trip_alloc(_metadata, img, rates[ri], BIOUNIT_WSQ_ALLOC_SPEC_RATE,
					     &bpp);
			EXPECT_GE(p, psnr_spec_rate[ri][seed - 1] - PSNR_MARGIN)
				TH_LOG("spec-rate, seed %u, %.2f bpp: %.2f dB", seed, r, p);
			EXPECT_LE(bpp, r * (1 + RATE_OVER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
			EXPECT_GE(bpp, r * (1 - RATE_UNDER)) TH_LOG("seed %u: %.4f bpp", seed, bpp);
		}
		biounit_image_free(img);
	}
}

/* |a - b| <= tol (a TH_LOG may follow, as after the harness's EXPECTs) */
#define EXPECT_NEAR(a, b, tol) EXPECT_LE(fabs((double)(a) - (double)(b)), (double)(tol))

static double scaled16(const uint8_t *p)
{
	double v = (double)((unsigned int)p[1] << 8 | p[2]);

	for (unsigned int i = 0; i < p[0]; i++)
		v /= 10;
	return v;
}

/*
 * The spec allocation's quantisation table: C = 0.44, Z_k = 1.2 Q_k, one bin
 * width for subbands 0..3 (Q'_k = 1), nothing for 60..63; the stream's size
 * never falls as the requested rate rises.
 */
TEST(spec_allocation_tables)
{
	struct biounit_image *img = ridges(300, 400, 5);
	size_t last = 0;
	const float rates[] = { 0.1f, 0.3f, 0.75f, 1.5f, 2.25f, 4.0f, 8.0f };

	ASSERT_NE(NULL, img);
	struct biounit_image_view v = biounit_image_get_view(img);
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct biounit_wsq_encode_opts o = { rates[i], 0, BIOUNIT_WSQ_ALLOC_SPEC };
		uint8_t *s = NULL;
		size_t len = 0;
		int coded = 0;

		ASSERT_EQ(0, biounit_wsq_encode_ex(&v, &o, &s, &len));
		EXPECT_GE(len, last) TH_LOG("%.2f bpp: %zu bytes after %zu", rates[i], len, last);
		last = len;
		const uint8_t *d = memmem(s, len, "\xff\xa5\x01\x85", 4);
		ASSERT_NE(NULL, d);
		d += 4;
		EXPECT_NEAR(0.44, scaled16(d), 1e-9);
		for (int k = 0; k < 64; k++) {
			double q = scaled16(d + 3 + 6 * k), z = scaled16(d + 6 + 6 * k);

			if (k >= 60 || q == 0) {
				EXPECT_EQ(0, q);
				EXPECT_EQ(0, z);
				continue;
			}
			coded++;
			EXPECT_NEAR(1.2, z / q, 1e-3) TH_LOG("subband %d: Q %g Z %g", k, q, z);
			if (k < 4)
				EXPECT_NEAR(scaled16(d + 3), q, q * 1e-3);
		}
		EXPECT_GE(coded, 40) TH_LOG("%.2f bpp", rates[i]);
		free(s);
	}
	/* odd sizes, both spec allocations: decoded (measured 21.7 dB and more at 1 bpp) */
	const uint32_t sz[][2] = { { 248, 338 }, { 32, 32 }, { 33, 47 }, { 1001, 35 }, { 35, 777 } };
	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++)
		for (int a = BIOUNIT_WSQ_ALLOC_SPEC; a <= BIOUNIT_WSQ_ALLOC_SPEC_RATE; a++) {
			struct biounit_image *odd = ridges(sz[i][0], sz[i][1], (uint32_t)i + 20);
			double bpp, p;

			ASSERT_NE(NULL, odd);
			p = round_trip_alloc(_metadata, odd, 1.0f, (enum biounit_wsq_alloc)a, &bpp);
			EXPECT_GE(p, 20.0) TH_LOG("%ux%u, allocation %d: %.2f dB", sz[i][0], sz[i][1], a, p);
			biounit_image_free(odd);
		}

	struct biounit_wsq_encode_opts bad = { 0.75f, 0, (enum biounit_wsq_alloc)7 };
	uint8_t *s = NULL;
	size_t len = 0;

	EXPECT_EQ(-EINVAL, biounit_wsq_encode_ex(&v, &bad, &s, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode_ex(&v, NULL, &s, &len));
	EXPECT_EQ(NULL, s);
	biounit_image_free(img);
}

/* The allocation itself against what the spec says (quant.c's internal functions). */
TEST(spec_allocation_known_truth)
{
	double var[WSQ_BANDS], qp[WSQ_BANDS];

	/* Q'_k: 1 for 0..3, 10 / (A_k ln var_k), none under a variance of 1.01 or for 60..63 */
	for (int k = 0; k < WSQ_BANDS; k++)
		var[k] = exp(2.0);
	var[1] = 1.0;
	var[4] = 0;
	var[5] = 1.0;
	var[6] = 1.02;
	wsq_spec_weights(var, qp);
	EXPECT_EQ(1.0, qp[0]);
	EXPECT_EQ(0.0, qp[1]);
	EXPECT_EQ(1.0, qp[3]);
	EXPECT_EQ(0.0, qp[4]);
	EXPECT_EQ(0.0, qp[5]);
	EXPECT_NEAR(10 / log(1.02), qp[6], 1e-9);
	EXPECT_NEAR(5.0, qp[7], 1e-12);
	EXPECT_NEAR(5.0, qp[51], 1e-12);
	EXPECT_NEAR(10 / (1.32 * 2), qp[52], 1e-12);
	EXPECT_NEAR(10 / (1.42 * 2), qp[54], 1e-12);
	EXPECT_NEAR(10 / (1.08 * 2), qp[59], 1e-12);
	for (int k = 60; k < 64; k++)
		EXPECT_EQ(0.0, qp[k]);

	/* the subband variances of a print, windowed as the spec says */
	struct biounit_image *img = ridges(416, 480, 3);
	struct wsq_layout l;

	ASSERT_NE(NULL, img);
	ASSERT_EQ(0, wsq_layout_build(&l, 416, 480));
	float *c = malloc(sizeof(float) * 416 * 480);
	ASSERT_NE(NULL, c);
	const uint8_t *px = biounit_image_data(img);
	for (size_t i = 0; i < 416 * 480; i++)
		c[i] = (px[i] - 128.0f) / 1.2f;
	ASSERT_EQ(0, wsq_decompose(c, &l, &wsq_spec_filters, NULL));
	wsq_spec_variances(c, &l, var);
	wsq_spec_weights(var, qp);

	/*
	 * q for rate r: the model's rate of the subbands it keeps (those whose Q_k =
	 * Q'_k / q is under 5 sigma_k), sum m_k (1 + log2(2.5 sigma_k / Q_k)) with m_k
	 * the subband's share of the image, equals r, each term positive; the others
	 * would get a non-positive rate. q never falls as r rises.
	 */
	double last_q = 0;
	for (double r = 0.1; r <= 8.0; r *= 1.25) {
		double q = wsq_spec_q(var, qp, r), model = 0;
		int kept = 0;

		ASSERT_GT(q, 0);
		EXPECT_GE(q, last_q) TH_LOG("r %.3f: q %g after %g", r, q, last_q);
		last_q = q;
		for (int k = 0; k < WSQ_CODED_BANDS; k++) {
			double m = k < 4 ? 1.0 / 1024 : k < 51 ? 1.0 / 256 : 1.0 / 16;
			double sigma = sqrt(var[k]), qk = qp[k] / q;

			if (!(qp[k] > 0))
				continue;
			if (qk < 5 * sigma) {
				model += m * (1 + log2(2.5 * sigma / qk));
				kept++;
			}
		}
		EXPECT_GT(kept, 0);
		EXPECT_NEAR(r, model, 1e-9 * r) TH_LOG("r %.3f: model %.6f, %d kept", r, model, kept);
	}

	/*
	 * The window: 1/8 of the width in, 9/32 of the height down, 3/4 x 7/16 of
	 * the subband. With strong low-pass subbands (windowed variances of 0..3
	 * summing to 20000 or more) a subband busy only outside the window counts as
	 * empty (no bits, Q = 0); with weak ones every subband is measured whole.
	 */
	for (int weak = 0; weak < 2; weak++) {
		memset(c, 0, sizeof(float) * 416 * 480);
		for (int k = 0; k < 4; k++) {
			const struct wsq_rect *r = &l.band[k];

			for (uint32_t y = 0; y < r->h; y++)
				for (uint32_t x = 0; x < r->w; x++)
					c[(r->y + y) * 416 + r->x + x] = ((x + y) % 2 ? 1 : -1) *
									 (weak ? 50.0f : 100.0f);
		}
		const struct wsq_rect *a = &l.band[10], *b = &l.band[11];
		for (uint32_t x = 0; x < a->w; x++)	/* subband 10: its first row only */
			c[a->y * 416 + a->x + x] = x % 2 ? 30.0f : -30.0f;
		for (uint32_t x = 0; x < b->w; x++)	/* subband 11: a row in the window */
			c[(b->y + b->h / 2) * 416 + b->x + x] = x % 2 ? 30.0f : -30.0f;
		wsq_spec_variances(c, &l, var);
		wsq_spec_weights(var, qp);
		EXPECT_NEAR(weak ? 2500 : 10000, var[0], weak ? 125 : 500);	/* n / (n - 1) above */
		if (weak) {
			EXPECT_GT(var[10], 1.01);
		} else {
			EXPECT_EQ(0.0, var[10]);
			EXPECT_EQ(0.0, qp[10]);
		}
		EXPECT_GT(var[11], 1.01);
		EXPECT_GT(qp[11], 0);
		EXPECT_EQ(0.0, qp[12]);	/* all zero: no bits */
	}
	free(c);
	biounit_image_free(img);

	/* a flat image: every subband empty, nothing coded, the same image back */
	struct biounit_image *flat, *dec = NULL;
	ASSERT_EQ(0, biounit_image_new(64, 48, BIOUNIT_PIX_GREY, &flat));
	memset(biounit_image_data(flat), 77, 64 * 48);
	struct biounit_image_view fv = biounit_image_get_view(flat);
	struct biounit_wsq_encode_opts o = { 0.75f, 500, BIOUNIT_WSQ_ALLOC_SPEC };
	uint8_t *s = NULL;
	size_t len = 0;
	ASSERT_EQ(0, biounit_wsq_encode_ex(&fv, &o, &s, &len));
	const uint8_t *d = memmem(s, len, "\xff\xa5\x01\x85", 4);
	ASSERT_NE(NULL, d);
	for (int k = 0; k < 64; k++)
		EXPECT_EQ(0, scaled16(d + 4 + 3 + 6 * k));
	ASSERT_EQ(0, biounit_wsq_decode(s, len, &dec, NULL));
	EXPECT_EQ(0, memcmp(biounit_image_data(flat), biounit_image_data(dec), 64 * 48));
	free(s);
	biounit_image_free(dec);
	biounit_image_free(flat);
}

TEST(quality_rises_with_rate)
{
	struct biounit_image *img = ridges(300, 400, 9);
	double last = 0, bpp;
	const float rates[] = { 0.3f, 0.75f, 1.5f, 3.0f, 6.0f };

	ASSERT_NE(NULL, img);
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double p = round_trip(_metadata, img, rates[i], &bpp);

		EXPECT_GT(p, last) TH_LOG("%.2f bpp: %.2f dB", rates[i], p);
		EXPECT_LE(bpp, rates[i] * 1.01);
		last = p;
	}
	biounit_image_free(img);
}

/*
 * A clean image needs fewer bits than a high request: the encoder must then
 * stop at its finest useful step (values must fit 16 bits) and never lose
 * quality or overshoot the request (once it clipped the largest values).
 */
TEST(high_rates_on_a_clean_image)
{
	struct biounit_image *img;
	double last = 0, bpp;
	const float rates[] = { 1.0f, 2.0f, 3.0f, 4.0f, 6.0f, 8.0f };

	ASSERT_EQ(0, biounit_image_new(320, 240, BIOUNIT_PIX_GREY, &img));
	uint8_t *px = biounit_image_data(img);
	for (uint32_t y = 0; y < 240; y++)	/* white, with a smooth dark disc */
		for (uint32_t x = 0; x < 320; x++)
			px[y * 320 + x] = hypot(x - 160.0, y - 120.0) < 60 ?
				(uint8_t)(60 + 40 * cos(hypot(x - 160.0, y - 120.0) / 9)) : 250;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double p = round_trip(_metadata, img, rates[i], &bpp);

		EXPECT_GE(p, last - 0.05) TH_LOG("%.1f bpp: %.2f dB after %.2f", rates[i], p, last);
		EXPECT_LE(bpp, rates[i] * 1.01) TH_LOG("%.1f bpp asked, %.3f given", rates[i], bpp);
		last = p > last ? p : last;
	}
	EXPECT_GE(last, 39.0);	/* measured 41.7 dB: the disc's edge loses subbands 60..63 */
	biounit_image_free(img);
}

TEST(odd_sizes)
{
	const uint32_t sz[][2] = { { 248, 338 }, { 257, 311 }, { 32, 32 }, { 33, 47 },
				   { 1001, 35 }, { 35, 777 }, { 640, 480 } };

	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		struct biounit_image *img = ridges(sz[i][0], sz[i][1], (uint32_t)i + 20);
		double bpp = 0, p;

		ASSERT_NE(NULL, img);
		p = round_trip(_metadata, img, 1.0f, &bpp);
		/*
		 * Under 64 x 64 the headers alone exceed 1 bpp and the coded data get
		 * half the request (measured: 32x32 25.1 dB, 33x47 23.0 dB)
		 */
		EXPECT_GE(p, sz[i][0] < 64 || sz[i][1] < 64 ? 20.0 : 25.0)
			TH_LOG("%ux%u: %.2f dB", sz[i][0], sz[i][1], p);
		if ((double)sz[i][0] * sz[i][1] >= 60000)
			EXPECT_LE(bpp, 1.01) TH_LOG("%ux%u: %.3f bpp", sz[i][0], sz[i][1], bpp);
		biounit_image_free(img);
	}
}

TEST(flat_and_extreme_images)
{
	struct biounit_image *img;
	double bpp;

	ASSERT_EQ(0, biounit_image_new(64, 80, BIOUNIT_PIX_GREY, &img));
	memset(biounit_image_data(img), 200, 64 * 80);
	EXPECT_GE(round_trip(_metadata, img, 0.75f, &bpp), 50.0);
	memset(biounit_image_data(img), 0, 64 * 80);
	EXPECT_GE(round_trip(_metadata, img, 0.75f, &bpp), 50.0);
	for (int i = 0; i < 64 * 80; i++)	/* squares of 8 x 8, 0 and 255 */
		biounit_image_data(img)[i] = ((i % 64) / 8 + (i / 64) / 8) % 2 ? 255 : 0;
	EXPECT_GE(round_trip(_metadata, img, 8.0f, &bpp), 25.0);	/* measured 29 dB */
	/*
	 * A checkerboard of single pixels lives only in the diagonal detail of the
	 * first level, subbands 60..63, which WSQ never sends: it comes back flat.
	 */
	for (int i = 0; i < 64 * 80; i++)
		biounit_image_data(img)[i] = ((i % 64) + (i / 64)) % 2 ? 255 : 0;
	EXPECT_LT(round_trip(_metadata, img, 8.0f, &bpp), 10.0);
	biounit_image_free(img);
}

TEST(stride_and_determinism)
{
	struct biounit_image *img = ridges(200, 150, 3);
	uint8_t *wide = malloc(256 * 150), *a = NULL, *b = NULL, *c = NULL;
	size_t la = 0, lb = 0, lc = 0;

	ASSERT_NE(NULL, img);
	ASSERT_NE(NULL, wide);
	struct biounit_image_view v = biounit_image_get_view(img), w = v;
	memset(wide, 0x5a, 256 * 150);
	for (uint32_t y = 0; y < 150; y++)
		memcpy(wide + y * 256, v.data + y * v.stride, 200);
	w.data = wide;
	w.stride = 256;
	ASSERT_EQ(0, biounit_wsq_encode(&v, 0.75f, 500, &a, &la));
	ASSERT_EQ(0, biounit_wsq_encode(&w, 0.75f, 500, &b, &lb));
	ASSERT_EQ(0, biounit_wsq_encode(&v, 0.75f, 500, &c, &lc));
	ASSERT_EQ(la, lb);
	EXPECT_EQ(0, memcmp(a, b, la));
	ASSERT_EQ(la, lc);
	EXPECT_EQ(0, memcmp(a, c, la));
	/* SOI first, EOI last, a NISTCOM comment */
	EXPECT_EQ(0xff, a[0]);
	EXPECT_EQ(0xa0, a[1]);
	EXPECT_EQ(0xff, a[la - 2]);
	EXPECT_EQ(0xa1, a[la - 1]);
	EXPECT_NE(NULL, memmem(a, la, "NIST_COM", 8));
	free(a);
	free(b);
	free(c);
	free(wide);
	biounit_image_free(img);
}

TEST(ppi_round_trip)
{
	struct biounit_image *img = ridges(64, 64, 5), *dec = NULL;
	const unsigned int ppis[] = { 500, 0, 1000, 250, 65535 };

	ASSERT_NE(NULL, img);
	struct biounit_image_view v = biounit_image_get_view(img);
	for (size_t i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		uint8_t *out = NULL;
		size_t len = 0;
		unsigned int ppi = 12345;

		ASSERT_EQ(0, biounit_wsq_encode(&v, 2.0f, ppis[i], &out, &len));
		ASSERT_EQ(0, biounit_wsq_decode(out, len, &dec, &ppi));
		EXPECT_EQ(ppis[i], ppi);
		biounit_image_free(dec);
		dec = NULL;
		ASSERT_EQ(0, biounit_wsq_decode(out, len, &dec, NULL));	/* ppi may be NULL */
		biounit_image_free(dec);
		dec = NULL;
		free(out);
	}
	biounit_image_free(img);
}

TEST(bad_arguments)
{
	struct biounit_image *img = ridges(64, 64, 6), *rgb = NULL, *dec = NULL;
	uint8_t *out = NULL, junk[4] = { 0xff, 0xa0, 0xff, 0xa1 };
	size_t len = 0;

	ASSERT_NE(NULL, img);
	ASSERT_EQ(0, biounit_image_new(64, 64, BIOUNIT_PIX_RGB24, &rgb));
	struct biounit_image_view v = biounit_image_get_view(img), bad = v;

	EXPECT_EQ(-EINVAL, biounit_wsq_encode(NULL, 0.75f, 500, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 0.75f, 500, NULL, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 0.75f, 500, &out, NULL));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 0.0f, 500, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 0.05f, 500, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 8.5f, 500, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, NAN, 500, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&v, 0.75f, 70000, &out, &len));
	bad = biounit_image_get_view(rgb);
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&bad, 0.75f, 500, &out, &len));
	bad = v;
	bad.width = 31;
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&bad, 0.75f, 500, &out, &len));
	bad = v;
	bad.height = 16;
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&bad, 0.75f, 500, &out, &len));
	bad = v;
	bad.data = NULL;
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&bad, 0.75f, 500, &out, &len));
	bad = v;
	bad.stride = 10;
	EXPECT_EQ(-EINVAL, biounit_wsq_encode(&bad, 0.75f, 500, &out, &len));
	EXPECT_EQ(NULL, out);

	EXPECT_EQ(-EINVAL, biounit_wsq_decode(NULL, 4, &dec, NULL));
	EXPECT_EQ(-EINVAL, biounit_wsq_decode(junk, 4, NULL, NULL));
	EXPECT_EQ(-EBADMSG, biounit_wsq_decode(junk, 4, &dec, NULL));
	EXPECT_EQ(-EBADMSG, biounit_wsq_decode(junk, 0, &dec, NULL));
	EXPECT_EQ(NULL, dec);
	biounit_image_free(img);
	biounit_image_free(rgb);
}

/* a small valid stream to damage */
static uint8_t *small_stream(struct __test_metadata *_metadata, size_t *len)
{
	struct biounit_image *img = ridges(48, 40, 7);
	uint8_t *out = NULL;

	if (!img)
		return NULL;
	struct biounit_image_view v = biounit_image_get_view(img);
	EXPECT_EQ(0, biounit_wsq_encode(&v, 3.0f, 500, &out, len));
	biounit_image_free(img);
	return out;
}

TEST(every_prefix_is_refused)
{
	size_t len = 0;
	uint8_t *s = small_stream(_metadata, &len);

	ASSERT_NE(NULL, s);
	for (size_t n = 0; n < len; n++) {
		/* a copy of exactly n bytes, so that ASan sees any read past it */
		uint8_t *cut = malloc(n ? n : 1);
		struct biounit_image *dec = NULL;

		ASSERT_NE(NULL, cut);
		memcpy(cut, s, n);
		EXPECT_EQ(-EBADMSG, biounit_wsq_decode(cut, n, &dec, NULL)) TH_LOG("prefix %zu", n);
		EXPECT_EQ(NULL, dec);
		biounit_image_free(dec);
		free(cut);
	}
	free(s);
}

TEST(flipped_bytes_never_crash)
{
	size_t len = 0, refused = 0, header_end = 0;
	uint8_t *s = small_stream(_metadata, &len);
	uint32_t seed = 99;

	ASSERT_NE(NULL, s);
	/* the first SOB: everything before it is markers, lengths and tables */
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == 0xff && s[i + 1] == 0xa3) {
			header_end = i;
			break;
		}
	ASSERT_NE(0, header_end);
	for (size_t i = 0; i < len; i++) {
		for (int k = 0; k < 3; k++) {
			uint8_t *bad = malloc(len);
			struct biounit_image *dec = NULL;
			unsigned int ppi;
			uint8_t flip = k == 0 ? 0xff : (uint8_t)(1u << (synth_rng(&seed) % 8));

			ASSERT_NE(NULL, bad);
			memcpy(bad, s, len);
			bad[i] ^= flip;
			int ret = biounit_wsq_decode(bad, len, &dec, &ppi);
			EXPECT_TRUE(ret == 0 || ret == -EBADMSG || ret == -ENOTSUP)
				TH_LOG("byte %zu ^ %02x: %d", i, flip, ret);
			if (ret == 0) {
				struct biounit_image_view dv = biounit_image_get_view(dec);
				unsigned int sum = 0;

				for (size_t p = 0; p < (size_t)dv.width * dv.height; p++)
					sum += dv.data[p];
				(void)sum;
			} else {
				refused++;
				EXPECT_EQ(NULL, dec);
			}
			biounit_image_free(dec);
			free(bad);
		}
	}
	/* marker bytes damaged: always refused */
	const size_t marks[] = { 0, 1, len - 2, len - 1, header_end, header_end + 1 };
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		uint8_t *bad = malloc(len);
		struct biounit_image *dec = NULL;

		ASSERT_NE(NULL, bad);
		memcpy(bad, s, len);
		bad[marks[i]] ^= 0x0f;
		EXPECT_EQ(-EBADMSG, biounit_wsq_decode(bad, len, &dec, NULL)) TH_LOG("byte %zu", marks[i]);
		free(bad);
	}
	EXPECT_GT(refused, 0);
	free(s);
}

TEST(garbage_after_eoi_and_bad_tables)
{
	size_t len = 0;
	uint8_t *s = small_stream(_metadata, &len), *big;
	struct biounit_image *dec = NULL;

	ASSERT_NE(NULL, s);
	big = malloc(len + 16);
	ASSERT_NE(NULL, big);
	memcpy(big, s, len);
	memset(big + len, 0xff, 16);
	EXPECT_EQ(0, biounit_wsq_decode(big, len + 16, &dec, NULL));	/* bytes after EOI ignored */
	biounit_image_free(dec);
	dec = NULL;

	/* the frame header's width set to 0 and to 20 (under our 32) */
	uint8_t *sof = memmem(big, len, "\xff\xa2\x00\x11", 4);
	ASSERT_NE(NULL, sof);
	size_t w_at = (size_t)(sof - big) + 8;
	big[w_at] = 0;
	big[w_at + 1] = 0;
	EXPECT_EQ(-EBADMSG, biounit_wsq_decode(big, len, &dec, NULL));
	big[w_at + 1] = 20;
	EXPECT_EQ(-ENOTSUP, biounit_wsq_decode(big, len, &dec, NULL));
	memcpy(big, s, len);
	/* the transform table's filter lengths changed */
	uint8_t *dtt = memmem(big, len, "\xff\xa4\x00\x3a", 4);
	ASSERT_NE(NULL, dtt);
	dtt[4] = 7;
	EXPECT_EQ(-ENOTSUP, biounit_wsq_decode(big, len, &dec, NULL));
	EXPECT_EQ(NULL, dec);
	free(big);
	free(s);
}

/* the segments of a stream, in order: marker offset and total size (with a block's data) */
struct seg {
	unsigned int marker;
	size_t at, len;
};

static size_t segments(const uint8_t *s, size_t len, struct seg *out, size_t max)
{
	size_t pos = 2, n = 0;

	while (pos + 4 <= len && n < max) {
		unsigned int m = (unsigned int)s[pos] << 8 | s[pos + 1];
		size_t l = (size_t)s[pos + 2] << 8 | s[pos + 3], end = pos + 2 + l;

		if (m == 0xffa1)
			break;
		if (m == 0xffa3)	/* the coded data run to the next marker */
			while (end + 1 < len && !(s[end] == 0xff && s[end + 1] != 0))
				end += s[end] == 0xff ? 2 : 1;
		out[n++] = (struct seg){ m, pos, end - pos };
		pos = end;
	}
	return n;
}

/*
 * Other encoders lay out their tables differently (NIST's reference files,
 * for one): both Huffman tables in one DHT segment ahead of the frame header,
 * the quantisation table after it. The decoder must give the same image.
 */
TEST(tables_in_another_order)
{
	struct biounit_image *img = ridges(120, 100, 8), *a = NULL, *b = NULL;
	struct seg sg[32];
	uint8_t *s = NULL, *r;
	size_t len = 0, n, pos = 0, dht_body = 0;

	ASSERT_NE(NULL, img);
	struct biounit_image_view v = biounit_image_get_view(img);
	ASSERT_EQ(0, biounit_wsq_encode(&v, 1.0f, 500, &s, &len));
	n = segments(s, len, sg, 32);
	ASSERT_GE(n, 9);
	r = malloc(len + 16);
	ASSERT_NE(NULL, r);
	for (size_t i = 0; i < n; i++)
		if (sg[i].marker == 0xffa6)
			dht_body += sg[i].len - 4;
	r[pos++] = 0xff;
	r[pos++] = 0xa0;
	/* COM and DTT as they are, then one DHT with both tables */
	for (size_t i = 0; i < n; i++)
		if (sg[i].marker == 0xffa8 || sg[i].marker == 0xffa4) {
			memcpy(r + pos, s + sg[i].at, sg[i].len);
			pos += sg[i].len;
		}
	r[pos++] = 0xff;
	r[pos++] = 0xa6;
	r[pos++] = (uint8_t)((dht_body + 2) >> 8);
	r[pos++] = (uint8_t)(dht_body + 2);
	for (size_t i = 0; i < n; i++)
		if (sg[i].marker == 0xffa6) {
			memcpy(r + pos, s + sg[i].at + 4, sg[i].len - 4);
			pos += sg[i].len - 4;
		}
	/* SOF, then DQT, then the blocks */
	for (unsigned int want = 0; want < 3; want++)
		for (size_t i = 0; i < n; i++)
			if ((want == 0 && sg[i].marker == 0xffa2) ||
			    (want == 1 && sg[i].marker == 0xffa5) ||
			    (want == 2 && sg[i].marker == 0xffa3)) {
				memcpy(r + pos, s + sg[i].at, sg[i].len);
				pos += sg[i].len;
			}
	r[pos++] = 0xff;
	r[pos++] = 0xa1;
	EXPECT_EQ(len - 4, pos);	/* two DHT headers fewer */
	ASSERT_EQ(0, biounit_wsq_decode(s, len, &a, NULL));
	ASSERT_EQ(0, biounit_wsq_decode(r, pos, &b, NULL));
	struct biounit_image_view va = biounit_image_get_view(a), vb = biounit_image_get_view(b);
	ASSERT_EQ(va.width, vb.width);
	ASSERT_EQ(va.height, vb.height);
	EXPECT_EQ(0, memcmp(va.data, vb.data, (size_t)va.width * va.height));
	biounit_image_free(b);
	b = NULL;
	/* without the second DHT, block 2 names an undefined table: refused */
	pos = 0;
	for (size_t i = 0, dht = 0; i < n; i++) {
		if (sg[i].marker == 0xffa6 && dht++ == 1)
			continue;
		memcpy(r + pos, s + (i ? sg[i].at : 0), i ? sg[i].len : sg[i].at + sg[i].len);
		pos += i ? sg[i].len : sg[i].at + sg[i].len;
	}
	r[pos++] = 0xff;
	r[pos++] = 0xa1;
	EXPECT_EQ(-EBADMSG, biounit_wsq_decode(r, pos, &b, NULL));
	EXPECT_EQ(NULL, b);
	free(r);
	free(s);
	biounit_image_free(a);
	biounit_image_free(img);
}

TEST_HARNESS_MAIN
