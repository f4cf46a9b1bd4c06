// SPDX-License-Identifier: GPL-2.0
/*
 * wsq_eval - our WSQ codec on the prints of ../shared (issue 9).
 *
 *   wsq_eval [-a mse|spec|spec-rate] [-m] [-v] DATA_DIR [BITRATE...]
 *                                      (default 0.75 2.25 0.56 0.615 1.48)
 *
 * -a: the encoder's bit allocation (enum biounit_wsq_alloc; default mse, ours;
 *     spec: the specification's, as NBIS; spec-rate: the spec's bin widths with
 *     our rate search). -m: ask, print by print, for the rate the spec's
 *     allocation reaches at BITRATE (it spends less than asked), so that the
 *     allocation of -a is compared with the spec's at equal size. -v: also a
 *     line per print: "print FILE BPP PSNR".
 *
 * DATA_DIR holds labels.csv (file,dataset,...) and the images. For each
 * requested bit rate, every image is encoded and decoded (each timed as the
 * fastest of 3 runs: the machine is shared, others only add time) and
 * compared with the original. Prints per data set and over all: compression
 * ratio (mean, median), achieved bits per pixel of the whole stream (mean),
 * PSNR (mean, median), encode and decode ms (mean, median) and ms per
 * megapixel (mean). NIST's NBIS encoder, asked for 0.75 and 2.25, reaches
 * 0.56 bpp on average (8 / 13.0 = 0.615 for its median ratio) and 1.48
 * (ratio 5.4:1) on these prints (docs/wsq.md): compare PSNR at those rates.
 * Exit 0, or 1 when a round trip failed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <biounit/image.h>
#include "wsq/wsq.h"
#include "../userspace/image_compare.h"

#define MAX_ROWS 4096
#define MAX_SETS 32

struct res {
	char dataset[64];
	double ratio, bpp, psnr, enc_ms, dec_ms, mpix;
};

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

static double median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* the first @max comma-separated fields of @line (quotes respected) */
static int csv_split(char *line, char **f, int max)
{
	int n = 0, q = 0;
	char *p = line;

	f[n++] = p;
	for (; *p && n < max; p++) {
		if (*p == '"')
			q = !q;
		else if (*p == ',' && !q) {
			*p = '\0';
			f[n++] = p + 1;
		} else if (*p == '\n' || *p == '\r')
			*p = '\0';
	}
	return n;
}

static void summary(const char *name, struct res *r, size_t n, const char *set)
{
	double *v = malloc((n ? n : 1) * sizeof(double));
	double s_ratio = 0, s_bpp = 0, s_psnr = 0, s_enc = 0, s_dec = 0, s_encmp = 0, s_decmp = 0;
	double med_ratio, med_psnr, med_enc, med_dec;
	size_t k = 0;

	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		if (set && strcmp(r[i].dataset, set))
			continue;
		s_ratio += r[i].ratio;
		s_bpp += r[i].bpp;
		s_psnr += r[i].psnr;
		s_enc += r[i].enc_ms;
		s_dec += r[i].dec_ms;
		s_encmp += r[i].enc_ms / r[i].mpix;
		s_decmp += r[i].dec_ms / r[i].mpix;
		k++;
	}
	if (!k) {
		free(v);
		return;
	}
#define MED(field, out)                                                   \
	do {                                                              \
		size_t j = 0;                                             \
		for (size_t i = 0; i < n; i++)                            \
			if (!set || !strcmp(r[i].dataset, set))           \
				v[j++] = r[i].field;                      \
		out = median(v, j);                                       \
	} while (0)
	MED(ratio, med_ratio);
	MED(psnr, med_psnr);
	MED(enc_ms, med_enc);
	MED(dec_ms, med_dec);
	printf("%-22s %4zu %6.1f %6.1f %6.3f %6.2f %6.2f %7.2f %7.2f %7.2f %7.2f %6.1f %6.1f\n", name,
	       k, s_ratio / k, med_ratio, s_bpp / k, s_psnr / k, med_psnr, s_enc / k, med_enc,
	       s_dec / k, med_dec, s_encmp / k, s_decmp / k);
	free(v);
}

static const char *alloc_name[] = { "mse", "spec", "spec-rate" };

int main(int argc, char **argv)
{
	static struct res res[MAX_ROWS];
	enum biounit_wsq_alloc alloc = BIOUNIT_WSQ_ALLOC_MSE;
	int match = 0, verbose = 0, opt;
	char sets[MAX_SETS][64];
	int nsets = 0, failed = 0;
	double rates[16];
	int nrates = 0;
	char path[4096], line[2048];

	while ((opt = getopt(argc, argv, "a:mv")) != -1) {
		if (opt == 'm' || opt == 'v') {
			*(opt == 'm' ? &match : &verbose) = 1;
			continue;
		}
		int found = 0;

		for (int a = 0; a < 3; a++)
			if (opt == 'a' && !strcmp(optarg, alloc_name[a])) {
				alloc = (enum biounit_wsq_alloc)a;
				found = 1;
			}
		if (!found)
			goto usage;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2) {
usage:
		fprintf(stderr, "usage: %s [-a mse|spec|spec-rate] [-m] [-v] DATA_DIR [BITRATE...]\n",
			argv[0]);
		return 2;
	}
	for (int i = 2; i < argc && nrates < 16; i++)
		rates[nrates++] = atof(argv[i]);
	if (!nrates) {
		rates[nrates++] = 0.75;
		rates[nrates++] = 2.25;
		rates[nrates++] = 0.56;
		rates[nrates++] = 0.615;
		rates[nrates++] = 1.48;
	}
	snprintf(path, sizeof(path), "%s/labels.csv", argv[1]);

	for (int ri = 0; ri < nrates; ri++) {
		FILE *f = fopen(path, "r");
		size_t n = 0;

		if (!f) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 2;
		}
		if (!fgets(line, sizeof(line), f)) {
			fclose(f);
			return 2;
		}
		while (fgets(line, sizeof(line), f) && n < MAX_ROWS) {
			char *fld[8], file[4096];
			struct biounit_image *img = NULL, *grey = NULL, *dec = NULL;
			struct biounit_image_view v, dv;
			uint8_t *out = NULL;
			size_t len = 0;
			unsigned int ppi = 0;
			int ret;

			if (csv_split(line, fld, 8) < 2 || !*fld[0])
				continue;
			snprintf(file, sizeof(file), "%s/%s", argv[1], fld[0]);
			ret = biounit_image_load(file, &img);
			if (ret) {
				fprintf(stderr, "%s: load %d\n", file, ret);
				failed = 1;
				continue;
			}
			v = biounit_image_get_view(img);
			if (v.format != BIOUNIT_PIX_GREY) {
				/* take the first channel (the sets are grey stored as colour) */
				if (biounit_image_new(v.width, v.height, BIOUNIT_PIX_GREY, &grey)) {
					biounit_image_free(img);
					failed = 1;
					continue;
				}
				uint8_t *g = biounit_image_data(grey);
				for (uint32_t y = 0; y < v.height; y++)
					for (uint32_t x = 0; x < v.width; x++)
						g[y * v.width + x] = v.data[y * v.stride + 3 * x];
				v = biounit_image_get_view(grey);
			}
			double best_enc = INFINITY, best_dec = INFINITY;
			struct biounit_wsq_encode_opts o = { .bitrate = (float)rates[ri], .ppi = 500,
							     .alloc = alloc };
			if (match) {
				struct biounit_wsq_encode_opts so = o;

				so.alloc = BIOUNIT_WSQ_ALLOC_SPEC;
				ret = biounit_wsq_encode_ex(&v, &so, &out, &len);
				if (ret) {
					fprintf(stderr, "%s: encode %d\n", file, ret);
					failed = 1;
				} else {
					o.bitrate = (float)(8.0 * len / ((double)v.width * v.height));
					if (o.bitrate < 0.1f)
						o.bitrate = 0.1f;
				}
			}
			for (int rep = 0; rep < 3 && !failed; rep++) {
				double t0 = now_ms();
				free(out);
				out = NULL;
				ret = biounit_wsq_encode_ex(&v, &o, &out, &len);
				double t1 = now_ms();
				if (ret) {
					fprintf(stderr, "%s: encode %d\n", file, ret);
					failed = 1;
					break;
				}
				biounit_image_free(dec);
				dec = NULL;
				ret = biounit_wsq_decode(out, len, &dec, &ppi);
				double t2 = now_ms();
				if (ret) {
					fprintf(stderr, "%s: decode %d\n", file, ret);
					failed = 1;
					break;
				}
				best_enc = fmin(best_enc, t1 - t0);
				best_dec = fmin(best_dec, t2 - t1);
			}
			if (!failed) {
				dv = biounit_image_get_view(dec);
				if (dv.width != v.width || dv.height != v.height || ppi != 500) {
					fprintf(stderr, "%s: decoded size or ppi differs\n", file);
					failed = 1;
				} else {
					struct res *r = &res[n++];
					double npix = (double)v.width * v.height;

					snprintf(r->dataset, sizeof(r->dataset), "%s", fld[1]);
					r->ratio = npix / (double)len;
					r->bpp = 8.0 * (double)len / npix;
					r->psnr = img_psnr(&v, &dv);
					r->enc_ms = best_enc;
					r->dec_ms = best_dec;
					r->mpix = npix / 1e6;
					if (verbose)
						printf("print %s %.4f %.3f\n", fld[0], r->bpp, r->psnr);
					int known = 0;
					for (int s = 0; s < nsets; s++)
						known |= !strcmp(sets[s], fld[1]);
					if (!known && nsets < MAX_SETS)
						snprintf(sets[nsets++], sizeof(sets[0]), "%s", fld[1]);
				}
			}
			free(out);
			biounit_image_free(dec);
			biounit_image_free(grey);
			biounit_image_free(img);
		}
		fclose(f);
		printf("\n# WSQ at a requested %.3g bpp%s, allocation %s (ratio = pixels / stream "
		       "bytes; bpp of the whole stream; times best of 3)\n", rates[ri],
		       match ? " (each print: what the spec's allocation reaches there)" : "",
		       alloc_name[alloc]);
		printf("%-22s %4s %6s %6s %6s %6s %6s %7s %7s %7s %7s %6s %6s\n", "dataset", "n",
		       "ratio", "r.med", "bpp", "PSNR", "P.med", "enc ms", "e.med", "dec ms",
		       "d.med", "e/MP", "d/MP");
		for (int s = 0; s < nsets; s++)
			summary(sets[s], res, n, sets[s]);
		summary("all", res, n, NULL);
	}
	return failed;
}
