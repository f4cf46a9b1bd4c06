// SPDX-License-Identifier: GPL-2.0
/*
 * finger_bench - time per fingerprint and per signature (issue 6, make bench).
 *
 *   finger_bench [DATA_DIR] [N_SYNTH]
 *
 * Fingerprints: with DATA_DIR/labels.csv (../shared/data/fingerprints), every
 * image listed there at its stated resolution; otherwise N_SYNTH (default 60)
 * generated 500 ppi prints (416 x 480 px: an elliptic fingertip of curved
 * ridges, period 8..11 px, noise and contrast varying from print to print).
 * Times biounit_finger_assess() only (decoding excluded, as NFIQ 2's time in
 * labels.csv). Each print is assessed 3 times and its fastest run kept (the
 * machine is shared; others only add time), then median and p95 over prints.
 * Signatures: a generated 3.2 s signature (640 samples at 200 Hz, 4 strokes),
 * timed 200 times for parsing its text file from memory, the checks, and the
 * rendering at the card size (1181 x 354): median and p95 over the repeats.
 * Prints a table on stdout (the script pins it to one core).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "finger/finger.h"
#include <biounit/image.h>
#include "signature/signature.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void row(const char *what, double *v, size_t n)
{
	if (!n) {
		printf("%-40s %5s %10s %10s\n", what, "0", "-", "-");
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	double p95 = v[(size_t)ceil(0.95 * n) - 1];
	printf("%-40s %5zu %8.3f ms %8.3f ms\n", what, n, med, p95);
}

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static double urand(uint32_t *s)
{
	return (rng(s) + 0.5) / 4294967296.0;
}

/* A synthetic print: ridges along circles around a core below the centre
 * (a loop-like pattern), inside an ellipse, white outside. */
static void synth_print(uint8_t *px, uint32_t w, uint32_t h, uint32_t seed)
{
	uint32_t s = seed * 2654435761u + 1;
	double period = 8 + 3 * urand(&s), noise = 5 + 35 * urand(&s), amp = 50 + 60 * urand(&s);
	double cx = w / 2.0 + 30 * (urand(&s) - 0.5), cy = h * (0.55 + 0.1 * urand(&s));
	double ax = w * (0.32 + 0.1 * urand(&s)), ay = h * (0.38 + 0.08 * urand(&s));
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			double ex = (x - w / 2.0) / ax, ey = (y - h / 2.0) / ay;
			double v = 255;
			if (ex * ex + ey * ey < 1) {
				double r = hypot(x - cx, (y - cy) * 1.3);
				double n = (urand(&s) + urand(&s) + urand(&s) - 1.5) * 2 * noise;
				v = 140 - amp * cos(2 * M_PI * r / period) + n;
			}
			px[(size_t)y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

static double time_one(const struct biounit_image_view *v, unsigned int ppi, int *err)
{
	double best = INFINITY;
	for (int k = 0; k < 3; k++) {
		struct biounit_finger_report *r = NULL;
		double t0 = now_ms();
		int ret = biounit_finger_assess(v, ppi, &r);
		double t = now_ms() - t0;
		biounit_finger_report_free(r);
		if (ret) {
			*err = ret;
			return NAN;
		}
		best = t < best ? t : best;
	}
	return best;
}

static int bench_fingers(const char *dir, unsigned int n_synth)
{
	char path[4096], line[2048];
	size_t n = 0, cap = 4096;
	double *ms = malloc(cap * sizeof(*ms));
	FILE *lab = NULL;
	int errors = 0;

	if (!ms)
		return -ENOMEM;
	if (dir) {
		snprintf(path, sizeof(path), "%s/labels.csv", dir);
		lab = fopen(path, "r");
	}
	if (lab) {
		while (fgets(line, sizeof(line), lab) && n < cap) {
			/* file,dataset,"sensor",ppi,...: the file is the first field, the
			 * resolution the 3rd field after the quoted sensor */
			char *comma = strchr(line, ',');
			if (!comma || !strncmp(line, "file,", 5))
				continue;
			*comma = '\0';
			char *q = strrchr(comma + 1, '"');
			char *p = q ? q + 1 : comma + 1;
			if (!q) {
				p = strchr(p, ',');
				p = p ? strchr(p + 1, ',') : NULL;
				if (!p)
					continue;
			}
			unsigned int ppi = (unsigned int)atoi(p + 1);
			struct biounit_image *img;
			snprintf(path, sizeof(path), "%s/%s", dir, line);
			if (biounit_image_load(path, &img)) {
				errors++;
				continue;
			}
			struct biounit_image_view v = biounit_image_get_view(img);
			int err = 0;
			double t = time_one(&v, ppi, &err);
			biounit_image_free(img);
			if (err)
				errors++;
			else
				ms[n++] = t;
		}
		fclose(lab);
		snprintf(line, sizeof(line), "fingerprint quality (%s)", "shared data set");
		printf("# fingerprints: the images of %s/labels.csv at their stated ppi%s\n", dir,
		       errors ? " (some failed)" : "");
	} else {
		const uint32_t w = 416, h = 480;
		uint8_t *px = malloc((size_t)w * h);
		if (!px) {
			free(ms);
			return -ENOMEM;
		}
		for (unsigned int i = 0; i < n_synth && n < cap; i++) {
			synth_print(px, w, h, i + 1);
			struct biounit_image_view v = { px, w, h, w, BIOUNIT_PIX_GREY };
			int err = 0;
			double t = time_one(&v, 500, &err);
			if (err)
				errors++;
			else
				ms[n++] = t;
		}
		free(px);
		snprintf(line, sizeof(line), "fingerprint quality (%ux%u synth)", w, h);
		printf("# fingerprints: %u generated 500 ppi prints, %ux%u px (no data set at %s)\n",
		       n_synth, w, h, dir ? dir : "-");
	}
	printf("%-40s %5s %11s %11s\n", "what", "n", "median", "p95");
	row(line, ms, n);
	free(ms);
	return errors ? -EIO : 0;
}

static int bench_signature(void)
{
	enum { REPS = 200, SAMPLES = 640 };
	size_t cap = 64 + SAMPLES * 48, len = 0;
	char *text = malloc(cap);
	double *t_parse = malloc(REPS * sizeof(double)), *t_check = malloc(REPS * sizeof(double));
	double *t_render = malloc(REPS * sizeof(double));
	int ret = -ENOMEM;

	if (!text || !t_parse || !t_check || !t_render)
		goto out;
	len += (size_t)snprintf(text, cap, "biounit-signature 1\nbox 0 0 8000 2500 100 1023\n");
	for (unsigned int i = 0; i < SAMPLES; i++) {
		double t = i / 200.0;
		int down = (i % 160) < 150;	/* 4 strokes, short lifts between */
		int x = (int)(1000 + 1500 * t + 300 * sin(2 * M_PI * 2.1 * t));
		int y = (int)(1250 + 500 * sin(2 * M_PI * 3.3 * t + 0.7) * cos(2 * M_PI * 0.4 * t));
		int p = down ? (int)(400 + 300 * sin(2 * M_PI * 1.3 * t)) : 0;
		len += (size_t)snprintf(text + len, cap - len, "%u %d %d %d %d\n", i * 5000, x, y, p,
					down);
	}
	for (int k = 0; k < REPS; k++) {
		struct biounit_signature *sig = NULL;
		struct biounit_image *img = NULL;
		uint32_t problems;
		double t0 = now_ms();
		ret = biounit_signature_parse(text, len, &sig, NULL);
		double t1 = now_ms();
		if (ret)
			goto out;
		biounit_signature_check(sig, &problems, NULL);
		double t2 = now_ms();
		ret = biounit_signature_render(sig, BIOUNIT_SIGNATURE_RENDER_W,
					       BIOUNIT_SIGNATURE_RENDER_H, &img);
		double t3 = now_ms();
		biounit_image_free(img);
		biounit_signature_free(sig);
		if (ret)
			goto out;
		if (!k && problems)
			fprintf(stderr, "finger_bench: the generated signature has problems 0x%x\n",
				problems);
		t_parse[k] = t1 - t0;
		t_check[k] = t2 - t1;
		t_render[k] = t3 - t2;
	}
	row("signature parse (640 samples, text)", t_parse, REPS);
	row("signature check", t_check, REPS);
	row("signature render 1181x354", t_render, REPS);
	ret = 0;
out:
	free(text);
	free(t_parse);
	free(t_check);
	free(t_render);
	return ret;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 && argv[1][0] ? argv[1] : NULL;
	unsigned int n = argc > 2 ? (unsigned int)atoi(argv[2]) : 60;
	int r1 = bench_fingers(dir, n ? n : 60);
	int r2 = bench_signature();

	if (r1 || r2)
		fprintf(stderr, "finger_bench: %s\n", strerror(-(r1 ? r1 : r2)));
	return r1 || r2;
}
