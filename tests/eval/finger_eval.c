// SPDX-License-Identifier: GPL-2.0
/*
 * finger_eval - compare our fingerprint score with NIST NFIQ 2.
 *
 *   finger_eval [-s FIT_SET] DATA_DIR [FEATURES.csv]
 *
 * DATA_DIR holds labels.csv (file,dataset,sensor,ppi,synthetic,nfiq2,nfiq2_ms)
 * and the images. Every image is assessed at the resolution its row states;
 * the time of biounit_finger_assess() (decoding excluded, as in nfiq2_ms) is
 * measured on one core, best of three runs. The finger key of an image is its
 * file name without extension and without a trailing "_<impression>". FIT_SET
 * (tools/fit/finger_fit_set.txt) lists the keys of the fingers the shipped
 * model was fitted on: the prints of other fingers are reported apart, as
 * "unseen" (on a labelled set held back from the fit, all of them), the
 * others as "fitted" (in-sample, not an estimate of anything). Prints
 * Spearman's rank correlation with NFIQ 2, the agreement on NFIQ 2 >= 30 and
 * the times, per part. With FEATURES.csv, also writes every image's features
 * for tools/fit/fit_finger.py (column "fit": fitted on).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "finger/finger.h"
#include <biounit/image.h>

#define MAX_ROWS 4096

struct row {
	char file[256], key[256];
	int fit;
	double nfiq2, nfiq2_ms, ms, score;
	double feat[BIOUNIT_FINGER_FEATURE_COUNT];
};

/* splits a CSV line into at most @max fields (handles "quoted, fields") */
static int csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (n < max) {
		char *out = p;
		fields[n++] = p;
		if (*p == '"') {
			p++;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				*out++ = *p++;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				*out++ = *p++;
		}
		int end = *p != ',';
		*out = '\0';
		if (end)
			break;
		p++;
	}
	return n;
}

static void finger_key(const char *file, char *key, size_t len)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	snprintf(key, len, "%s", base);
	char *dot = strrchr(key, '.');
	if (dot)
		*dot = '\0';
	char *us = strrchr(key, '_');
	if (us && us[1] && strspn(us + 1, "0123456789") == strlen(us + 1))
		*us = '\0';
}

/*
 * Marks the rows whose finger key is listed in @path (one key per line, '#'
 * starts a comment). Returns the number of keys read, or -1 when @path
 * cannot be read.
 */
static int mark_fitted(const char *path, struct row *rows, int n)
{
	char line[512];
	int keys = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		keys++;
		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].key, line))
				rows[i].fit = 1;
	}
	fclose(f);
	return keys;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void ranks(const double *v, double *rk, int n)
{
	for (int i = 0; i < n; i++) {
		double less = 0, equal = 0;
		for (int j = 0; j < n; j++) {
			less += v[j] < v[i];
			equal += v[j] == v[i];
		}
		rk[i] = less + (equal + 1) / 2.0;
	}
}

static double pearson(const double *a, const double *b, int n)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	for (int i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= n;
	mb /= n;
	for (int i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) * (a[i] - ma);
		sbb += (b[i] - mb) * (b[i] - mb);
	}
	return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

static void summary(const char *name, struct row *rows, int n, int want_fit)
{
	double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
	double *ra = malloc(n * sizeof(double)), *rb = malloc(n * sizeof(double));
	double *ms = malloc(n * sizeof(double)), *nms = malloc(n * sizeof(double));
	int k = 0, agree = 0, tp = 0, tn = 0, fp = 0, fn = 0;
	double sum_ms = 0, sum_nms = 0;

	for (int i = 0; i < n; i++) {
		if (want_fit >= 0 && rows[i].fit != want_fit)
			continue;
		a[k] = rows[i].score;
		b[k] = rows[i].nfiq2;
		ms[k] = rows[i].ms;
		nms[k] = rows[i].nfiq2_ms;
		sum_ms += ms[k];
		sum_nms += nms[k];
		int ours = rows[i].score >= BIOUNIT_FINGER_THRESHOLD_DEFAULT;
		int theirs = rows[i].nfiq2 >= 30;
		agree += ours == theirs;
		tp += ours && theirs;
		tn += !ours && !theirs;
		fp += ours && !theirs;
		fn += !ours && theirs;
		k++;
	}
	if (k) {
		ranks(a, ra, k);
		ranks(b, rb, k);
		double mean_ms = sum_ms / k, mean_nms = sum_nms / k;
		double med_ms = median(ms, k), med_nms = median(nms, k);
		printf("%-9s n=%3d  spearman=%.3f  pearson=%.3f  agree(>=30)=%.1f%% "
		       "[both accept %d, both reject %d, we accept/NFIQ2 rejects %d, "
		       "we reject/NFIQ2 accepts %d]\n",
		       name, k, pearson(ra, rb, k), pearson(a, b, k), 100.0 * agree / k, tp, tn,
		       fp, fn);
		printf("%-9s time per image: ours mean %.2f ms median %.2f ms; NFIQ 2 mean %.1f ms "
		       "median %.1f ms; speed-up %.0fx (median %.0fx)\n",
		       name, mean_ms, med_ms, mean_nms, med_nms, mean_nms / mean_ms,
		       med_nms / med_ms);
	}
	free(a);
	free(b);
	free(ra);
	free(rb);
	free(ms);
	free(nms);
}

int main(int argc, char **argv)
{
	char path[4096], line[2048];
	FILE *lab, *feat = NULL;
	struct row *rows;
	const char *fit_set = NULL;
	int n = 0, errors = 0, fit_keys = 0;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		fit_set = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: finger_eval [-s FIT_SET] DATA_DIR [FEATURES.csv]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/labels.csv", argv[1]);
	lab = fopen(path, "r");
	if (!lab) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	if (argc == 3) {
		feat = fopen(argv[2], "w");
		if (!feat) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			fclose(lab);
			return 2;
		}
		fprintf(feat, "file,key,fit,nfiq2,nfiq2_ms,ms,score");
		for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++)
			fprintf(feat, ",%s", biounit_finger_feature_name(f));
		fprintf(feat, "\n");
	}
	rows = calloc(MAX_ROWS, sizeof(*rows));
	if (!rows)
		return 2;
	while (fgets(line, sizeof(line), lab) && n < MAX_ROWS) {
		char *fld[8];
		if (csv_split(line, fld, 8) < 7 || !strcmp(fld[0], "file"))
			continue;
		struct row *r = &rows[n];
		struct biounit_image *img;
		struct biounit_finger_report *rep;

		snprintf(r->file, sizeof(r->file), "%s", fld[0]);
		finger_key(r->file, r->key, sizeof(r->key));
		r->nfiq2 = atof(fld[5]);
		r->nfiq2_ms = atof(fld[6]);
		snprintf(path, sizeof(path), "%s/%s", argv[1], r->file);
		int ret = biounit_image_load(path, &img);
		if (ret) {
			fprintf(stderr, "%s: %s\n", path, strerror(-ret));
			errors++;
			continue;
		}
		struct biounit_image_view v = biounit_image_get_view(img);
		/* best of three runs: the machine is shared, the others only add noise */
		r->ms = INFINITY;
		rep = NULL;
		for (int k = 0; k < 3; k++) {
			biounit_finger_report_free(rep);
			rep = NULL;
			double t0 = now_ms();
			ret = biounit_finger_assess(&v, (unsigned int)atoi(fld[3]), &rep);
			double ms = now_ms() - t0;
			r->ms = ms < r->ms ? ms : r->ms;
			if (ret)
				break;
		}
		biounit_image_free(img);
		if (ret) {
			fprintf(stderr, "%s: %s\n", path, strerror(-ret));
			errors++;
			continue;
		}
		r->score = biounit_finger_report_score(rep);
		for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++)
			r->feat[f] = biounit_finger_report_feature(rep, f);
		biounit_finger_report_free(rep);
		n++;
	}
	fclose(lab);
	if (fit_set) {
		fit_keys = mark_fitted(fit_set, rows, n);
		if (fit_keys < 0) {
			free(rows);
			return 2;
		}
	}
	if (feat) {
		for (int i = 0; i < n; i++) {
			struct row *r = &rows[i];
			fprintf(feat, "%s,%s,%d,%g,%g,%.3f,%g", r->file, r->key, r->fit, r->nfiq2,
				r->nfiq2_ms, r->ms, r->score);
			for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++)
				fprintf(feat, ",%.6g", r->feat[f]);
			fprintf(feat, "\n");
		}
		fclose(feat);
	}
	int fitted = 0;
	for (int i = 0; i < n; i++)
		fitted += rows[i].fit;
	printf("fingerprints: %d images assessed, %d errors; ", n, errors);
	if (fit_set)
		printf("the model was fitted on %d fingers: %d of these images are of them "
		       "(\"fitted\", in-sample), %d are not (\"unseen\")\n",
		       fit_keys, fitted, n - fitted);
	else
		printf("no fit set given: unseen and fitted fingers are not told apart\n");
	if (fit_set && fitted < n)
		summary("unseen", rows, n, 0);
	if (fit_set && fitted)
		summary("fitted", rows, n, 1);
	summary("all", rows, n, -1);
	if (fit_set && fitted == n)
		printf("every image is of a fitted finger: for unseen fingers see the cross-validation "
		       "(make -C tests/eval cv) or evaluate a labelled set held back from the fit "
		       "(make eval FINGER_DATA=...)\n");
	free(rows);
	return errors ? 1 : 0;
}
