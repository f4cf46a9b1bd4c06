// SPDX-License-Identifier: GPL-2.0
/*
 * Signatures: the file reader, the checks on generated pen streams with known
 * length, extent, duration and pressure, the rendering, and the CLI on the
 * fixtures of fixtures/signature/ (written by make_fixtures.py there).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <biounit/image.h>
#include "signature/signature.h"
#include "kselftest_harness.h"

/* 100 units per mm, box 80 x 25 mm */
static const struct biounit_signature_box box = { 0, 0, 8000, 2500, 100, 1023 };

static struct biounit_signature *make(struct __test_metadata *_metadata)
{
	struct biounit_signature *s = NULL;
	ASSERT_EQ(0, biounit_signature_new(&box, &s));
	return s;
}

static void add(struct __test_metadata *_metadata, struct biounit_signature *s, uint64_t t,
		double x, double y, uint32_t p, int pen)
{
	struct biounit_signature_sample smp = { t, (int32_t)lround(x), (int32_t)lround(y), p, pen };
	ASSERT_EQ(0, biounit_signature_add(s, &smp));
}

/* a wave of @n samples every 5 ms, centred at (cx, cy), 50 x 10 mm */
static void wave(struct __test_metadata *_metadata, struct biounit_signature *s, double cx,
		 double cy, int n, uint32_t pressure)
{
	for (int i = 0; i < n; i++) {
		double u = (double)i / (n - 1);
		add(_metadata, s, (uint64_t)i * 5000, cx - 2500 + 5000 * u,
		    cy + 500 * sin(u * 8 * M_PI), pressure, 1);
	}
}

TEST(good_signature_passes_with_measured_stats)
{
	struct biounit_signature *s = make(_metadata);
	struct biounit_signature_stats st;
	uint32_t problems = 99;

	wave(_metadata, s, 4000, 1250, 400, 600);
	biounit_signature_check(s, &problems, &st);
	EXPECT_EQ(0u, problems);
	EXPECT_EQ(400u, st.ink_samples);
	EXPECT_EQ(1u, st.strokes);
	EXPECT_LT(fabs(st.duration_s - 399 * 0.005), 1e-9);
	EXPECT_LT(fabs(st.width_mm - 50.0), 0.02);
	EXPECT_LT(fabs(st.height_mm - 10.0), 0.1);
	/* 4 periods of amplitude 5 mm over 50 mm: the integral of
	 * sqrt(1 + (5 * 2 pi / 12.5 * cos(2 pi x / 12.5))^2) over 0..50 is 97.595 mm;
	 * 399 chords between points rounded to 0.01 mm come within 0.1 mm */
	EXPECT_GT(st.ink_mm, 97.0);
	EXPECT_LT(st.ink_mm, 97.7) TH_LOG("ink %.4f mm", st.ink_mm);
	EXPECT_LT(fabs(st.edge_mm - 7.5), 0.02);
	EXPECT_EQ(600u, st.pressure_peak);
	biounit_signature_free(s);
}

TEST(each_problem_is_found)
{
	struct biounit_signature *s;
	uint32_t p;
	struct biounit_signature_stats st;

	/* empty: hovering only */
	s = make(_metadata);
	add(_metadata, s, 0, 100, 100, 0, 0);
	biounit_signature_check(s, &p, NULL);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_EMPTY, p);
	biounit_signature_free(s);

	/* dot: 30 samples within 0.1 mm over 1 s */
	s = make(_metadata);
	for (int i = 0; i < 30; i++)
		add(_metadata, s, (uint64_t)i * 35000, 4000 + i % 2 * 10, 1250, 500, 1);
	biounit_signature_check(s, &p, NULL);
	EXPECT_EQ((uint32_t)(BIOUNIT_SIG_DOT | BIOUNIT_SIG_TOO_LITTLE_INK), p);
	biounit_signature_free(s);

	/* straight line of exactly 50 mm, 1 s */
	s = make(_metadata);
	for (int i = 0; i <= 200; i++)
		add(_metadata, s, (uint64_t)i * 5000, 1500 + i * 25, 1000 + i * 2, 500, 1);
	biounit_signature_check(s, &p, &st);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_STRAIGHT, p);
	EXPECT_LT(fabs(st.ink_mm - hypot(50, 4)), 0.01);
	biounit_signature_free(s);

	/* wave pushed 20 mm to the right: outside the box */
	s = make(_metadata);
	wave(_metadata, s, 6000, 1250, 400, 600);
	biounit_signature_check(s, &p, &st);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_OUTSIDE_BOX, p);
	EXPECT_LT(fabs(st.edge_mm + 5.0), 0.02);
	biounit_signature_free(s);

	/* wave whose troughs come to 0.5 mm of the bottom edge: cut */
	s = make(_metadata);
	wave(_metadata, s, 4000, 1950, 400, 600);
	biounit_signature_check(s, &p, &st);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_AT_EDGE, p);
	biounit_signature_free(s);

	/* no pressure reported */
	s = make(_metadata);
	wave(_metadata, s, 4000, 1250, 400, 0);
	biounit_signature_check(s, &p, NULL);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_NO_PRESSURE, p);
	biounit_signature_free(s);

	/* too quick: 400 samples in 0.2 s */
	s = make(_metadata);
	for (int i = 0; i < 400; i++) {
		double u = i / 399.0;
		add(_metadata, s, (uint64_t)i * 500, 1500 + 5000 * u, 1250 + 500 * sin(u * 8 * M_PI),
		    600, 1);
	}
	biounit_signature_check(s, &p, NULL);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_TOO_SHORT, p);
	biounit_signature_free(s);

	/* too slow: a second stroke 40 s later */
	s = make(_metadata);
	wave(_metadata, s, 4000, 1250, 400, 600);
	add(_metadata, s, 3000000, 4000, 1250, 0, 0);
	add(_metadata, s, 40000000, 4000, 1300, 600, 1);
	biounit_signature_check(s, &p, &st);
	EXPECT_EQ((uint32_t)BIOUNIT_SIG_TOO_LONG, p);
	EXPECT_EQ(2u, st.strokes);
	biounit_signature_free(s);
}

TEST(stream_rejects_bad_samples)
{
	struct biounit_signature *s = make(_metadata);
	struct biounit_signature_sample a = { 1000, 1, 1, 10, 1 };
	struct biounit_signature_box bad = box;

	EXPECT_EQ(0, biounit_signature_add(s, &a));
	a.t_us = 999;
	EXPECT_EQ(-EINVAL, biounit_signature_add(s, &a));
	a.t_us = 2000;
	a.pressure = 1024;
	EXPECT_EQ(-EINVAL, biounit_signature_add(s, &a));
	EXPECT_EQ(1u, biounit_signature_count(s));
	biounit_signature_free(s);
	bad.x1 = bad.x0;
	EXPECT_EQ(-EINVAL, biounit_signature_new(&bad, &s));
	bad = box;
	bad.units_per_mm = 0;
	EXPECT_EQ(-EINVAL, biounit_signature_new(&bad, &s));
}

static int parse(const char *text, unsigned int *line, struct biounit_signature **out)
{
	return biounit_signature_parse(text, strlen(text), out, line);
}

TEST(reader)
{
	struct biounit_signature *s = NULL;
	struct biounit_signature_sample smp;
	unsigned int line;

	ASSERT_EQ(0, parse("# comment\nbiounit-signature 1\n\nbox -10 -20 300 400 5 255\n"
			   "0 1 2 3 1\n\t 10  -4 5 0 0 \r\n",
			   &line, &s));
	EXPECT_EQ(0u, line);
	EXPECT_EQ(2u, biounit_signature_count(s));
	EXPECT_EQ(0, biounit_signature_sample(s, 1, &smp));
	EXPECT_EQ(10u, smp.t_us);
	EXPECT_EQ(-4, smp.x);
	EXPECT_EQ(0, smp.pen_down);
	EXPECT_EQ(-ERANGE, biounit_signature_sample(s, 2, &smp));
	EXPECT_EQ(-10, biounit_signature_get_box(s).x0);
	EXPECT_EQ(5u, biounit_signature_get_box(s).units_per_mm);
	biounit_signature_free(s);

	static const struct {
		const char *text;
		unsigned int line;
	} bad[] = {
		{ "", 1 },
		{ "biounit-signature 2\nbox 0 0 1 1 1 1\n", 1 },
		{ "biounit-signaturex 1\n", 1 },
		{ "biounit-signature 1\n", 2 },
		{ "biounit-signature 1\nbox 0 0 1 1 1\n", 2 },
		{ "biounit-signature 1\nbox 5 0 1 1 1 1\n", 2 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1 2 3 1\n5 1 2 3", 4 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1 2 3 2\n", 3 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1 2 101 1\n", 3 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n9 1 2 3 1\n8 1 2 3 1\n", 4 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1 2 3 1 7\n", 3 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1x 2 3 1\n", 3 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n0 99999999999 2 3 1\n", 3 },
		{ "biounit-signature 1\nbox 0 0 10 10 1 100\n-5 1 2 3 1\n", 3 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = NULL;
		EXPECT_EQ(-EINVAL, parse(bad[i].text, &line, &s)) TH_LOG("case %zu", i);
		EXPECT_EQ(bad[i].line, line) TH_LOG("case %zu", i);
		EXPECT_EQ(NULL, s);
	}
	/* the length is honoured: no NUL needed, nothing read beyond */
	const char *text = "biounit-signature 1\nbox 0 0 10 10 1 100\n0 1 2 3 1\n1 1 2 3 1";
	char *copy = malloc(strlen(text));
	ASSERT_NE(NULL, copy);
	memcpy(copy, text, strlen(text));
	ASSERT_EQ(0, biounit_signature_parse(copy, strlen(text), &s, &line));
	EXPECT_EQ(2u, biounit_signature_count(s));
	biounit_signature_free(s);
	free(copy);
	EXPECT_EQ(-ENOENT, biounit_signature_load("fixtures/signature/nonexistent.sig", &s, NULL));
}

static unsigned long dark_pixels(struct biounit_image *img, uint32_t *x0, uint32_t *x1)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	unsigned long n = 0;
	*x0 = v.width;
	*x1 = 0;
	for (uint32_t y = 0; y < v.height; y++)
		for (uint32_t x = 0; x < v.width; x++)
			if (v.data[y * v.stride + x] < 128) {
				n++;
				*x0 = x < *x0 ? x : *x0;
				*x1 = x > *x1 ? x : *x1;
			}
	return n;
}

TEST(render_crops_scales_and_follows_pressure)
{
	struct biounit_signature *light = make(_metadata), *heavy = make(_metadata);
	struct biounit_image *a, *b;
	uint32_t x0, x1;

	wave(_metadata, light, 4000, 1250, 400, 100);
	wave(_metadata, heavy, 4000, 1250, 400, 1000);
	ASSERT_EQ(0, biounit_signature_render(light, 1000, 300, &a));
	ASSERT_EQ(0, biounit_signature_render(heavy, 1000, 300, &b));
	struct biounit_image_view v = biounit_image_get_view(a);
	EXPECT_EQ(1000u, v.width);
	EXPECT_EQ(300u, v.height);
	EXPECT_EQ(255, v.data[0]);
	unsigned long na = dark_pixels(a, &x0, &x1);
	/* 50 x 10 mm ink + 5% of 50 mm on each side -> width-limited: the ink
	 * spans 1000 / 55 * 50 = 909 px, centred */
	EXPECT_LT(abs((int)(x1 - x0) - 909), 8);
	EXPECT_LT(abs((int)(x0 + x1) / 2 - 500), 4);
	unsigned long nb = dark_pixels(b, &x0, &x1);
	EXPECT_GT(nb, na * 3 / 2) TH_LOG("light %lu heavy %lu", na, nb);
	biounit_image_free(a);
	biounit_image_free(b);
	biounit_signature_free(light);
	biounit_signature_free(heavy);

	struct biounit_signature *none = make(_metadata);
	EXPECT_EQ(-ENODATA, biounit_signature_render(none, 100, 100, &a));
	add(_metadata, none, 0, 10, 10, 0, 0);
	EXPECT_EQ(-ENODATA, biounit_signature_render(none, 100, 100, &a));
	EXPECT_EQ(-EINVAL, biounit_signature_render(none, 0, 100, &a));
	biounit_signature_free(none);
}

TEST(render_of_a_dot_is_pen_sized_and_quick)
{
	struct biounit_signature *dot = make(_metadata);
	struct biounit_image *img;
	uint32_t x0, x1;

	/* 6000 samples (30 s at 200 Hz) jittering by 0.01 mm at full pressure:
	 * the crop is at least 5 mm, so at 354 px per 5 mm the pen (0.7 mm) is
	 * at most 50 px across: about pi * 25^2 = 1963 dark pixels, not a blob
	 * filling the field (before: ~200000 px and a minute of drawing) */
	for (int i = 0; i < 6000; i++)
		add(_metadata, dot, (uint64_t)i * 5000, 4000 + i % 2, 1250, 1023, 1);
	ASSERT_EQ(0, biounit_signature_render(dot, BIOUNIT_SIGNATURE_RENDER_W,
					      BIOUNIT_SIGNATURE_RENDER_H, &img));
	unsigned long n = dark_pixels(img, &x0, &x1);
	EXPECT_GT(n, 1500ul) TH_LOG("%lu dark pixels", n);
	EXPECT_LT(n, 2600ul) TH_LOG("%lu dark pixels", n);
	EXPECT_LT(x1 - x0, 56u);
	EXPECT_LT(abs((int)(x0 + x1) / 2 - (int)BIOUNIT_SIGNATURE_RENDER_W / 2), 3);
	biounit_image_free(img);
	biounit_signature_free(dot);
}

TEST(messages_in_both_languages)
{
	for (unsigned int i = 0; i < BIOUNIT_SIG_PROBLEM_COUNT; i++) {
		enum biounit_signature_problem p = (enum biounit_signature_problem)(1u << i);
		const char *nl = biounit_signature_problem_message(p, "nl");
		const char *en = biounit_signature_problem_message(p, "en");
		ASSERT_NE(NULL, nl);
		ASSERT_NE(NULL, en);
		EXPECT_NE(0, strcmp(nl, en));
		EXPECT_NE(NULL, biounit_signature_problem_key(p));
	}
	EXPECT_EQ(NULL, biounit_signature_problem_message((enum biounit_signature_problem)3, "nl"));
}

/* runs the tool; returns its exit status, stdout (and stderr if @with_err) in @out */
static int run_tool(const char *args, char *out, size_t len, bool with_err)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s/biounit-quality %s %s", tools ? tools : ".", args,
		 with_err ? "2>&1" : "2>/dev/null");
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run(const char *args, char *out, size_t len)
{
	return run_tool(args, out, len, false);
}

static int run_err(const char *args, char *out, size_t len)
{
	return run_tool(args, out, len, true);
}

TEST(cli)
{
	char out[8192], png[64] = "/tmp/biounit-sig-XXXXXX";
	char args[256];
	struct biounit_image *img;

	EXPECT_EQ(0, run("signature fixtures/signature/good.sig --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"accepted\":true"));
	EXPECT_EQ(1, run("signature fixtures/signature/dot.sig", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "Er staat alleen een punt."));
	EXPECT_EQ(1, run("signature fixtures/signature/line.sig --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"straight\""));
	EXPECT_EQ(1, run("signature fixtures/signature/cut.sig --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"outside_box\""));
	EXPECT_EQ(1, run("signature fixtures/signature/empty.sig --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"empty\""));
	EXPECT_EQ(2, run("signature fixtures/signature/truncated.sig", out, sizeof(out)));
	EXPECT_EQ(2, run("signature fixtures/signature/not_a_signature.txt", out, sizeof(out)));
	EXPECT_EQ(2, run("signature fixtures/signature/missing.sig", out, sizeof(out)));
	EXPECT_EQ(2, run("signature", out, sizeof(out)));
	EXPECT_EQ(2, run("signature fixtures/signature/good.sig --size 0x5", out, sizeof(out)));

	int fd = mkstemp(png);
	ASSERT_GE(fd, 0);
	close(fd);
	snprintf(args, sizeof(args), "signature fixtures/signature/good.sig --render %s --size 600x200",
		 png);
	EXPECT_EQ(0, run(args, out, sizeof(out)));
	ASSERT_EQ(0, biounit_image_load(png, &img));
	struct biounit_image_view v = biounit_image_get_view(img);
	EXPECT_EQ(600u, v.width);
	EXPECT_EQ(200u, v.height);
	uint32_t x0, x1;
	EXPECT_GT(dark_pixels(img, &x0, &x1), 1000ul);
	biounit_image_free(img);
	unlink(png);
	EXPECT_EQ(0, run("--version", out, sizeof(out)));
	EXPECT_EQ(2, run("nonsense", out, sizeof(out)));
}

/* issue 18 item 12: each failure says what is wrong */
TEST(cli_says_why)
{
	char out[4096], path[64] = "/tmp/biounit-sig-many-XXXXXX", args[256];
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	FILE *f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "biounit-signature 1\nbox 0 0 1000 300 10 1023\n");
	for (unsigned int i = 0; i <= BIOUNIT_SIGNATURE_MAX_SAMPLES; i++)
		fprintf(f, "%u %u 150 500 1\n", i * 5000, i % 1000);
	ASSERT_EQ(0, fclose(f));
	snprintf(args, sizeof(args), "signature %s", path);
	EXPECT_EQ(2, run_err(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, ": more than 120000 samples")) TH_LOG("%s", out);
	unlink(path);

	EXPECT_EQ(2, run_err("signature /dev/null", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "/dev/null: not a regular file")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_err("signature fixtures/signature/truncated.sig", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is wrong or missing")) TH_LOG("%s", out);

	EXPECT_EQ(2, run_err("signature fixtures/signature/good.sig --render /nonexistent/dir/out.png",
			     out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "cannot write /nonexistent/dir/out.png: No such file or directory"))
		TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
