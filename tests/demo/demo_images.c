// SPDX-License-Identifier: GPL-2.0
/*
 * make demo, on the host: the demo's fingerprint scenes and its screendumps.
 *
 *   demo_images fingers OUTDIR NAME=PRINT...
 *	Each PRINT (a 500 ppi grey image: tests/fixtures/fingerprints/, NIST
 *	material, see ATTRIBUTION.md there) on the scanner's 400x500 glass at
 *	its own scale: centred, cut about its centre where it is larger, white
 *	(the empty glass) around it where it is smaller; written as
 *	OUTDIR/NAME.pgm for the simulated scanner and scored as biounitd will
 *	score it (the finger check at 500 ppi): the score is printed, nothing
 *	is changed to make a print pass or fail.
 *   demo_images png OUTDIR DUMP.ppm...
 *	QEMU's screendumps (binary PPM) as OUTDIR/NAME.png.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finger/finger.h"
#include <biounit/image.h>

#define GLASS_W 400
#define GLASS_H 500

static int write_pgm(const char *path, const uint8_t *px, uint32_t w, uint32_t h)
{
	FILE *f = fopen(path, "wb");

	if (!f || fprintf(f, "P5\n%u %u\n255\n", w, h) < 0 ||
	    fwrite(px, 1, (size_t)w * h, f) != (size_t)w * h) {
		int r = -errno;

		if (f)
			fclose(f);
		return r ? r : -EIO;
	}
	return fclose(f) ? -errno : 0;
}

static int finger(const char *dir, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct biounit_image *img = NULL, *glass = NULL;
	struct biounit_finger_report *rep = NULL;
	struct biounit_image_view v, g;
	char name[256], path[4096];
	uint8_t *px;
	int r;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		fprintf(stderr, "demo_images: want NAME=PRINT, not %s\n", arg);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	r = biounit_image_load(eq + 1, &img);
	if (!r)
		r = biounit_image_new(GLASS_W, GLASS_H, BIOUNIT_PIX_GREY, &glass);
	if (r) {
		fprintf(stderr, "demo_images: %s: %s\n", eq + 1, strerror(-r));
		goto out;
	}
	v = biounit_image_get_view(img);
	if (v.format != BIOUNIT_PIX_GREY) {
		fprintf(stderr, "demo_images: %s: not a grey image\n", eq + 1);
		r = -EINVAL;
		goto out;
	}
	px = biounit_image_data(glass);
	memset(px, 0xff, (size_t)GLASS_W * GLASS_H);
	for (uint32_t y = 0; y < GLASS_H; y++) {
		int64_t sy = (int64_t)y - GLASS_H / 2 + v.height / 2;

		if (sy < 0 || sy >= v.height)
			continue;
		for (uint32_t x = 0; x < GLASS_W; x++) {
			int64_t sx = (int64_t)x - GLASS_W / 2 + v.width / 2;

			if (sx >= 0 && sx < v.width)
				px[(size_t)y * GLASS_W + x] = v.data[(size_t)sy * v.stride + sx];
		}
	}
	snprintf(path, sizeof(path), "%s/%s.pgm", dir, name);
	r = write_pgm(path, px, GLASS_W, GLASS_H);
	g = biounit_image_get_view(glass);
	if (!r)
		r = biounit_finger_assess(&g, 500, &rep);
	if (r) {
		fprintf(stderr, "demo_images: %s: %s\n", path, strerror(-r));
		goto out;
	}
	printf("  %-13s %s (%ux%u) on the %ux%u glass: finger check score %u\n", name,
	       basename(strcpy(path, eq + 1)), v.width, v.height, GLASS_W, GLASS_H,
	       biounit_finger_report_score(rep));
out:
	biounit_finger_report_free(rep);
	biounit_image_free(glass);
	biounit_image_free(img);
	return r;
}

static int png(const char *dir, const char *ppm)
{
	struct biounit_image *img;
	struct biounit_image_view v;
	char path[4096], base[1024], *dot;
	int r = biounit_image_load(ppm, &img);

	if (r) {
		fprintf(stderr, "demo_images: %s: %s\n", ppm, strerror(-r));
		return r;
	}
	snprintf(base, sizeof(base), "%s", ppm);
	snprintf(path, sizeof(path), "%s/%s", dir, basename(base));
	dot = strrchr(path, '.');
	if (dot && !strcmp(dot, ".ppm"))
		*dot = '\0';
	strncat(path, ".png", sizeof(path) - strlen(path) - 1);
	v = biounit_image_get_view(img);
	r = biounit_image_save_png(&v, path);
	if (r)
		fprintf(stderr, "demo_images: %s: %s\n", path, strerror(-r));
	biounit_image_free(img);
	return r;
}

int main(int argc, char **argv)
{
	int (*fn)(const char *, const char *);

	if (argc < 4 || (strcmp(argv[1], "fingers") && strcmp(argv[1], "png"))) {
		fprintf(stderr, "usage: demo_images fingers OUTDIR NAME=PRINT...\n"
				"       demo_images png OUTDIR DUMP.ppm...\n");
		return 2;
	}
	fn = strcmp(argv[1], "png") ? finger : png;
	for (int i = 3; i < argc; i++)
		if (fn(argv[2], argv[i]))
			return 1;
	return 0;
}
