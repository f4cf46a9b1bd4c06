// SPDX-License-Identifier: GPL-2.0
/*
 * wsq_bench - WSQ encode and decode time per fingerprint (issue 9, make bench).
 *
 *   wsq_bench [DATA_DIR] [N_SYNTH]
 *
 * With DATA_DIR/labels.csv (../shared/data/fingerprints), every image listed
 * there; otherwise N_SYNTH (default 60) generated 500 ppi prints (416 x 480,
 * curved ridges in an ellipse, noise varying from print to print). Each print
 * is encoded at 0.75 and at 2.25 bpp and decoded again, 3 times each, and its
 * fastest run kept (the machine is shared; others only add time). Prints, per
 * bit rate, encode and decode: mean, median and p95 in ms, and the mean in ms
 * per megapixel (NIST NBIS on the same prints: encode 7.7 ms mean, 5.6
 * median, about 46 ms per megapixel; decode 9.6 mean, 7.0 median, at 0.75
 * bpp; docs/wsq.md). Also the thread CPU time of the encoder, which the other
 * work on the machine does not inflate as much. The script pins it to one core.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <biounit/image.h>
#include "wsq/wsq.h"
#include "../userspace/synth_print.h"

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void row(const char *what, double *v, size_t n)
{
	double sum = 0;

	if (!n) {
		printf("%-34s %5s\n", what, "0");
		return;
	}
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	double p95 = v[(size_t)ceil(0.95 * n) - 1];
	printf("%-34s %5zu %9.3f %9.3f %9.3f\n", what, n, sum / n, med, p95);
}

/* the grey view of @img (first channel of colour files) into @grey when needed */
static int grey_view(struct biounit_image *img, struct biounit_image **grey,
		     struct biounit_image_view *v)
{
	*v = biounit_image_get_view(img);
	if (v->format == BIOUNIT_PIX_GREY)
		return 0;
	int ret = biounit_image_new(v->width, v->height, BIOUNIT_PIX_GREY, grey);
	if (ret)
		return ret;
	uint8_t *g = biounit_image_data(*grey);
	for (uint32_t y = 0; y < v->height; y++)
		for (uint32_t x = 0; x < v->width; x++)
			g[(size_t)y * v->width + x] = v->data[(size_t)y * v->stride + 3 * x];
	*v = biounit_image_get_view(*grey);
	return 0;
}

struct times {
	double *enc, *dec, *enc_mp, *dec_mp, *enc_cpu;
	size_t n;
};

static int time_print(const struct biounit_image_view *v, float rate, struct times *t)
{
	double be = INFINITY, bd = INFINITY, bc = INFINITY, mp = v->width * (double)v->height / 1e6;

	for (int k = 0; k < 3; k++) {
		struct biounit_image *dec = NULL;
		uint8_t *out = NULL;
		size_t len;
		double c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID), t0 = clock_ms(CLOCK_MONOTONIC);
		int ret = biounit_wsq_encode(v, rate, 500, &out, &len);
		double t1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_THREAD_CPUTIME_ID);

		if (!ret)
			ret = biounit_wsq_decode(out, len, &dec, NULL);
		double t2 = clock_ms(CLOCK_MONOTONIC);
		free(out);
		biounit_image_free(dec);
		if (ret)
			return ret;
		be = fmin(be, t1 - t0);
		bd = fmin(bd, t2 - t1);
		bc = fmin(bc, c1 - c0);
	}
	t->enc[t->n] = be;
	t->dec[t->n] = bd;
	t->enc_mp[t->n] = be / mp;
	t->dec_mp[t->n] = bd / mp;
	t->enc_cpu[t->n] = bc;
	t->n++;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 && argv[1][0] ? argv[1] : NULL;
	unsigned int n_synth = argc > 2 ? (unsigned int)atoi(argv[2]) : 60;
	const float rates[2] = { 0.75f, 2.25f };
	struct times t[2];
	size_t cap = 4096;
	char path[4096], line[2048];
	FILE *lab = NULL;
	int errors = 0;

	for (int r = 0; r < 2; r++) {
		t[r].n = 0;
		t[r].enc = malloc(cap * sizeof(double));
		t[r].dec = malloc(cap * sizeof(double));
		t[r].enc_mp = malloc(cap * sizeof(double));
		t[r].dec_mp = malloc(cap * sizeof(double));
		t[r].enc_cpu = malloc(cap * sizeof(double));
		if (!t[r].enc || !t[r].dec || !t[r].enc_mp || !t[r].dec_mp || !t[r].enc_cpu)
			return 2;
	}
	if (dir) {
		snprintf(path, sizeof(path), "%s/labels.csv", dir);
		lab = fopen(path, "r");
	}
	if (lab) {
		printf("# prints: %s (every image of labels.csv)\n", dir);
		while (fgets(line, sizeof(line), lab) && t[0].n < cap) {
			char *comma = strchr(line, ',');
			struct biounit_image *img = NULL, *grey = NULL;
			struct biounit_image_view v;

			if (!comma || !strncmp(line, "file,", 5))
				continue;
			*comma = '\0';
			snprintf(path, sizeof(path), "%s/%s", dir, line);
			if (biounit_image_load(path, &img) || grey_view(img, &grey, &v)) {
				fprintf(stderr, "%s: cannot load\n", path);
				errors++;
			} else {
				for (int r = 0; r < 2; r++)
					if (time_print(&v, rates[r], &t[r]))
						errors++;
			}
			biounit_image_free(grey);
			biounit_image_free(img);
		}
		fclose(lab);
	} else {
		printf("# prints: %u generated, 416 x 480 (no data set)\n", n_synth);
		for (unsigned int i = 0; i < n_synth && i < cap; i++) {
			struct biounit_image *img = synth_print(416, 480, i + 1, SYNTH_VARIED);
			struct biounit_image_view v;

			if (!img) {
				errors++;
				continue;
			}
			v = biounit_image_get_view(img);
			for (int r = 0; r < 2; r++)
				if (time_print(&v, rates[r], &t[r]))
					errors++;
			biounit_image_free(img);
		}
	}
	printf("%-34s %5s %9s %9s %9s\n", "what (best of 3 per print)", "n", "mean", "median", "p95");
	for (int r = 0; r < 2; r++) {
		char what[64];

		snprintf(what, sizeof(what), "encode %.2f bpp, ms", rates[r]);
		row(what, t[r].enc, t[r].n);
		snprintf(what, sizeof(what), "encode %.2f bpp, ms per Mpixel", rates[r]);
		row(what, t[r].enc_mp, t[r].n);
		snprintf(what, sizeof(what), "encode %.2f bpp, CPU ms (thread)", rates[r]);
		row(what, t[r].enc_cpu, t[r].n);
		snprintf(what, sizeof(what), "decode %.2f bpp, ms", rates[r]);
		row(what, t[r].dec, t[r].n);
		snprintf(what, sizeof(what), "decode %.2f bpp, ms per Mpixel", rates[r]);
		row(what, t[r].dec_mp, t[r].n);
	}
	if (errors)
		printf("# %d errors\n", errors);
	return errors ? 1 : 0;
}
