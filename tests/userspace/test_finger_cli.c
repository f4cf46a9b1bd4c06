// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-quality finger: exit codes and output on images the test writes
 * (a synthetic whorl as grey and as RGB PNG, a truncated copy, a text file,
 * an image too small to measure).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <biounit/image.h>
#include "kselftest_harness.h"

static int run(const char *args, char *out, size_t len)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s/biounit-quality %s 2>&1", tools ? tools : ".", args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* concentric ridges, period 9 px, in a @w x @h image; channels 1 or 3 */
static int write_whorl(const char *path, uint32_t w, uint32_t h, enum biounit_pixfmt fmt)
{
	struct biounit_image *img;
	unsigned int bpp = fmt == BIOUNIT_PIX_RGB24 ? 3 : 1;
	int ret = biounit_image_new(w, h, fmt, &img);
	if (ret)
		return ret;
	uint8_t *d = biounit_image_data(img);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (unsigned int c = 0; c < bpp; c++)
				d[(y * w + x) * bpp + c] = (uint8_t)lround(
					128 + 80 * cos(2 * M_PI * hypot(x - w / 2.0, y - h / 2.0) / 9.0));
	struct biounit_image_view v = biounit_image_get_view(img);
	ret = biounit_image_save_png(&v, path);
	biounit_image_free(img);
	return ret;
}

FIXTURE(files)
{
	char dir[64];
	char grey[128], rgb[128], trunc[128], text[128], tiny[128];
};

FIXTURE_SETUP(files)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/biounit-finger-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->grey, sizeof(self->grey), "%s/grey.png", self->dir);
	snprintf(self->rgb, sizeof(self->rgb), "%s/rgb.png", self->dir);
	snprintf(self->trunc, sizeof(self->trunc), "%s/trunc.png", self->dir);
	snprintf(self->text, sizeof(self->text), "%s/text.png", self->dir);
	snprintf(self->tiny, sizeof(self->tiny), "%s/tiny.png", self->dir);
	ASSERT_EQ(0, write_whorl(self->grey, 300, 360, BIOUNIT_PIX_GREY));
	ASSERT_EQ(0, write_whorl(self->rgb, 300, 360, BIOUNIT_PIX_RGB24));
	ASSERT_EQ(0, write_whorl(self->tiny, 40, 40, BIOUNIT_PIX_GREY));
	FILE *in = fopen(self->grey, "rb"), *out = fopen(self->trunc, "wb");
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), in);
	fwrite(buf, 1, n / 2, out);
	fclose(in);
	fclose(out);
	out = fopen(self->text, "w");
	ASSERT_NE(NULL, out);
	fputs("not an image\n", out);
	fclose(out);
}

FIXTURE_TEARDOWN(files)
{
	unlink(self->grey);
	unlink(self->rgb);
	unlink(self->trunc);
	unlink(self->text);
	unlink(self->tiny);
	rmdir(self->dir);
}

TEST_F(files, exit_codes_and_output)
{
	char out[8192], args[512];

	snprintf(args, sizeof(args), "finger %s --json", self->grey);
	EXPECT_EQ(0, run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"accepted\":true"));
	EXPECT_NE(NULL, strstr(out, "\"ocl_mean\":"));
	char *score = strstr(out, "\"score\":");
	ASSERT_NE(NULL, score);
	int grey_score = atoi(score + 8);
	EXPECT_GE(grey_score, 30);

	/* the same picture in RGB gives the same score */
	snprintf(args, sizeof(args), "finger %s --json", self->rgb);
	EXPECT_EQ(0, run(args, out, sizeof(out)));
	score = strstr(out, "\"score\":");
	ASSERT_NE(NULL, score);
	EXPECT_EQ(grey_score, atoi(score + 8));

	snprintf(args, sizeof(args), "finger %s --threshold 100", self->grey);
	EXPECT_EQ(grey_score >= 100 ? 0 : 1, run(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "rejected"));

	/* errors: exit 2 and one line saying why */
	static const char *const bad[] = { "trunc", "text", "tiny", "missing" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(args, sizeof(args), "finger %s/%s.png", self->dir, bad[i]);
		EXPECT_EQ(2, run(args, out, sizeof(out))) TH_LOG("%s: %s", bad[i], out);
		EXPECT_NE(NULL, strstr(out, "biounit-quality finger: "));
		char *nl = strchr(out, '\n');
		EXPECT_TRUE(nl && nl[1] == '\0') TH_LOG("not one line: %s", out);
	}
	snprintf(args, sizeof(args), "finger %s --ppi 100", self->grey);
	EXPECT_EQ(2, run(args, out, sizeof(out)));
	snprintf(args, sizeof(args), "finger %s --bogus", self->grey);
	EXPECT_EQ(2, run(args, out, sizeof(out)));
	EXPECT_EQ(2, run("finger", out, sizeof(out)));
	EXPECT_EQ(0, run("--help", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "finger FILE"));
}

/*
 * A JPEG cut short that still ends in an EOI marker: libjpeg only warns
 * ("premature end of data segment") and pads with grey, and the half-grey
 * print used to be measured and accepted (issue 18). Now: exit 2, corrupt.
 */
TEST_F(files, jpeg_cut_short_but_ending_in_eoi_exits_2)
{
	char out[8192], args[512], jpg[160], cut[160];
	struct biounit_image *img = NULL;
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *f;

	snprintf(jpg, sizeof(jpg), "%s/whorl.jpg", self->dir);
	snprintf(cut, sizeof(cut), "%s/cut.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_load(self->grey, &img));
	struct biounit_image_view v = biounit_image_get_view(img);
	ASSERT_EQ(0, biounit_image_save_jpeg(&v, jpg, 95));
	biounit_image_free(img);
	snprintf(args, sizeof(args), "finger %s", jpg);
	EXPECT_EQ(0, run(args, out, sizeof(out))) TH_LOG("%s", out);
	f = fopen(jpg, "rb");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ASSERT_TRUE(n > 2000);
	f = fopen(cut, "wb");
	ASSERT_NE(NULL, f);
	fwrite(buf, 1, n / 2, f);
	fwrite("\xff\xd9", 1, 2, f);
	fclose(f);
	snprintf(args, sizeof(args), "finger %s", cut);
	EXPECT_EQ(2, run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not an image, or a corrupt or truncated one")) TH_LOG("%s", out);
	unlink(jpg);
	unlink(cut);
}

TEST_HARNESS_MAIN
