// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-quality finger FILE [--ppi N] [--threshold N] [--json]
 *
 * Loads a fingerprint image (PNG, PGM, JPEG; colour is turned to grey),
 * assesses it and prints the score 0..100, the advice in Dutch and English and
 * (with --json) the features. Exit 0 if the score reaches the threshold
 * (default BIOUNIT_FINGER_THRESHOLD_DEFAULT), 1 if not, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finger/finger.h"
#include <biounit/image.h>
#include "cli.h"
#include "commands.h"

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* A grey copy of an RGB image (ITU-R BT.601 luma). */
static int to_grey(const struct biounit_image_view *v, struct biounit_image **out)
{
	int ret = biounit_image_new(v->width, v->height, BIOUNIT_PIX_GREY, out);
	if (ret)
		return ret;
	uint8_t *d = biounit_image_data(*out);
	for (uint32_t y = 0; y < v->height; y++) {
		const uint8_t *p = v->data + (size_t)y * v->stride;
		for (uint32_t x = 0; x < v->width; x++, p += 3)
			d[(size_t)y * v->width + x] =
				(uint8_t)((299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u);
	}
	return 0;
}

struct finger_opts {
	const char *file;
	unsigned long ppi, threshold;
	int json;
};

#define FINGER_USAGE "usage: biounit-quality finger FILE [--ppi N] [--threshold N] [--json]\n"

/* Returns -1 to go on, else the exit status (--help, or a bad argument said on stderr). */
static int parse_finger_args(int argc, char **argv, struct finger_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "--ppi") && i + 1 < argc) {
			if (parse_uint(argv[++i], 1000, &o->ppi) || o->ppi < 250) {
				fprintf(stderr, "biounit-quality finger: --ppi must be 250..1000\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
			if (parse_uint(argv[++i], 100, &o->threshold)) {
				fprintf(stderr, "biounit-quality finger: --threshold must be 0..100\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--help")) {
			printf(FINGER_USAGE "exit status: 0 score >= threshold (default %d), 1 below, 2 error\n",
			       BIOUNIT_FINGER_THRESHOLD_DEFAULT);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "biounit-quality finger: unknown or incomplete option '%s'\n",
				argv[i]);
			return 2;
		} else if (!o->file) {
			o->file = argv[i];
		} else {
			fprintf(stderr, "biounit-quality finger: more than one FILE\n");
			return 2;
		}
	}
	if (!o->file) {
		fprintf(stderr, FINGER_USAGE);
		return 2;
	}
	return -1;
}

static void print_finger_json(const struct finger_opts *o, const struct biounit_image_view *v,
			      const struct biounit_finger_report *r)
{
	unsigned int score = biounit_finger_report_score(r);
	uint32_t advice = biounit_finger_report_advice(r);
	int first = 1;

	printf("{\"file\":");
	cli_json_string(stdout, o->file);
	printf(",\"score\":%u,\"threshold\":%lu,\"accepted\":%s,\"ppi\":%lu,\"width\":%u,"
	       "\"height\":%u,\"advice\":[",
	       score, o->threshold, score >= o->threshold ? "true" : "false", o->ppi, v->width,
	       v->height);
	for (unsigned int b = 0; b < BIOUNIT_FINGER_ADVICE_COUNT; b++) {
		enum biounit_finger_advice a = (enum biounit_finger_advice)(1u << b);
		if (!(advice & a))
			continue;
		printf("%s{\"key\":\"%s\",\"nl\":", first ? "" : ",", biounit_finger_advice_key(a));
		cli_json_string(stdout, biounit_finger_advice_message(a, "nl"));
		printf(",\"en\":");
		cli_json_string(stdout, biounit_finger_advice_message(a, "en"));
		printf("}");
		first = 0;
	}
	printf("],\"features\":{");
	for (int f = 0; f < BIOUNIT_FINGER_FEATURE_COUNT; f++)
		printf("%s\"%s\":%.6g", f ? "," : "", biounit_finger_feature_name(f),
		       biounit_finger_report_feature(r, f));
	printf("}}\n");
}

static void print_finger_text(const struct finger_opts *o, const struct biounit_finger_report *r)
{
	unsigned int score = biounit_finger_report_score(r);
	uint32_t advice = biounit_finger_report_advice(r);

	printf("%s: score %u (threshold %lu): %s\n", o->file, score, o->threshold,
	       score >= o->threshold ? "accepted" : "rejected");
	for (unsigned int b = 0; b < BIOUNIT_FINGER_ADVICE_COUNT; b++) {
		enum biounit_finger_advice a = (enum biounit_finger_advice)(1u << b);
		if (!(advice & a))
			continue;
		printf("  nl: %s\n  en: %s\n", biounit_finger_advice_message(a, "nl"),
		       biounit_finger_advice_message(a, "en"));
	}
}

int biounit_quality_finger_main(int argc, char **argv)
{
	struct finger_opts o = {
		.ppi = BIOUNIT_FINGER_PPI_DEFAULT, .threshold = BIOUNIT_FINGER_THRESHOLD_DEFAULT,
	};
	int ret = parse_finger_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	struct biounit_image *img = NULL, *grey = NULL;
	struct biounit_finger_report *r = NULL;
	ret = biounit_image_load(o.file, &img);
	if (ret) {
		fprintf(stderr, "biounit-quality finger: %s: %s\n", o.file, cli_load_error(ret));
		return 2;
	}
	struct biounit_image_view v = biounit_image_get_view(img);
	if (v.format != BIOUNIT_PIX_GREY) {
		ret = to_grey(&v, &grey);
		if (ret) {
			fprintf(stderr, "biounit-quality finger: %s: %s\n", o.file, cli_load_error(ret));
			biounit_image_free(img);
			return 2;
		}
		v = biounit_image_get_view(grey);
	}
	ret = biounit_finger_assess(&v, (unsigned int)o.ppi, &r);
	if (ret) {
		fprintf(stderr, "biounit-quality finger: %s: %s\n", o.file,
			ret == -EINVAL ? "image too small (at least 64x64 pixels)" : strerror(-ret));
		biounit_image_free(grey);
		biounit_image_free(img);
		return 2;
	}
	if (o.json)
		print_finger_json(&o, &v, r);
	else
		print_finger_text(&o, r);
	ret = biounit_finger_report_score(r) >= o.threshold ? 0 : 1;
	biounit_finger_report_free(r);
	biounit_image_free(grey);
	biounit_image_free(img);
	return ret;
}
