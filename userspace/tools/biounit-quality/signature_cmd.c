// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-quality signature FILE [--render OUT.png] [--size WxH] [--json]
 *
 * Reads a pen-sample file (docs/signature.md), runs the signature checks and
 * prints the problems in Dutch and English; --render writes the ink as a PNG
 * for the document's signature field (default 1181x354: 50 x 15 mm at 600 ppi).
 * Exit 0 when no check fails, 1 when one does, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <biounit/image.h>
#include "signature/signature.h"
#include "cli.h"
#include "commands.h"

static int parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char *end;
	errno = 0;
	unsigned long a = strtoul(s, &end, 10);
	if (errno || end == s || *end != 'x' || s[0] == '-')
		return -1;
	const char *t = end + 1;
	unsigned long b = strtoul(t, &end, 10);
	if (errno || end == t || *end || t[0] == '-' || !a || !b || a > 10000 || b > 10000)
		return -1;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

struct signature_opts {
	const char *file, *render;
	uint32_t rw, rh;
	int json;
};

#define SIGNATURE_USAGE \
	"usage: biounit-quality signature FILE [--render OUT.png] [--size WxH] [--json]\n"

/* Returns -1 to go on, else the exit status (--help, or a bad argument said on stderr). */
static int parse_signature_args(int argc, char **argv, struct signature_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "--render") && i + 1 < argc) {
			o->render = argv[++i];
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (parse_size(argv[++i], &o->rw, &o->rh)) {
				fprintf(stderr, "biounit-quality signature: --size must be WxH, 1..10000\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--help")) {
			printf(SIGNATURE_USAGE "exit status: 0 no problem, 1 a check failed, 2 error\n");
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "biounit-quality signature: unknown or incomplete option '%s'\n",
				argv[i]);
			return 2;
		} else if (!o->file) {
			o->file = argv[i];
		} else {
			fprintf(stderr, "biounit-quality signature: more than one FILE\n");
			return 2;
		}
	}
	if (!o->file) {
		fprintf(stderr, SIGNATURE_USAGE);
		return 2;
	}
	return -1;
}

/* Why @file could not be read, from biounit_signature_load()'s error and line. */
static void print_load_error(const char *file, int ret, unsigned int line)
{
	if (ret == -EINVAL && line)
		fprintf(stderr, "biounit-quality signature: %s: not a biounit-signature file "
				"(line %u is wrong or missing)\n", file, line);
	else if (ret == -EINVAL || ret == -EISDIR)
		fprintf(stderr, "biounit-quality signature: %s: not a regular file\n", file);
	else if (ret == -E2BIG)
		fprintf(stderr, "biounit-quality signature: %s: more than %u samples\n", file,
			BIOUNIT_SIGNATURE_MAX_SAMPLES);
	else if (ret == -EFBIG)
		fprintf(stderr, "biounit-quality signature: %s: larger than %u MiB\n", file,
			BIOUNIT_SIGNATURE_MAX_FILE >> 20);
	else
		fprintf(stderr, "biounit-quality signature: %s: %s\n", file,
			ret == -ENOENT ? "no such file" : strerror(-ret));
}

/* --render: the ink as a PNG; 0, or 2 after saying why not */
static int render_png(const struct signature_opts *o, const struct biounit_signature *sig)
{
	struct biounit_image *img;
	int ret = biounit_signature_render(sig, o->rw, o->rh, &img);
	if (!ret) {
		struct biounit_image_view v = biounit_image_get_view(img);
		ret = biounit_image_save_png(&v, o->render);
		biounit_image_free(img);
	}
	if (!ret)
		return 0;
	if (ret == -ENODATA)
		fprintf(stderr, "biounit-quality signature: %s: no ink to render\n", o->file);
	else
		fprintf(stderr, "biounit-quality signature: cannot write %s: %s\n", o->render,
			strerror(-ret));
	return 2;
}

static void print_signature_json(const char *file, uint32_t problems,
				 const struct biounit_signature_stats *st)
{
	int first = 1;

	printf("{\"file\":");
	cli_json_string(stdout, file);
	printf(",\"accepted\":%s,\"samples\":%zu,\"ink_samples\":%zu,\"strokes\":%u,"
	       "\"ink_mm\":%.1f,\"duration_s\":%.3f,\"width_mm\":%.1f,\"height_mm\":%.1f,"
	       "\"line_dev_mm\":%.2f,\"edge_mm\":%.2f,\"pressure_peak\":%u,\"problems\":[",
	       problems ? "false" : "true", st->samples, st->ink_samples, st->strokes, st->ink_mm,
	       st->duration_s, st->width_mm, st->height_mm, st->line_dev_mm, st->edge_mm,
	       st->pressure_peak);
	for (unsigned int b = 0; b < BIOUNIT_SIG_PROBLEM_COUNT; b++) {
		enum biounit_signature_problem p = (enum biounit_signature_problem)(1u << b);
		if (!(problems & p))
			continue;
		printf("%s{\"key\":\"%s\",\"nl\":", first ? "" : ",",
		       biounit_signature_problem_key(p));
		cli_json_string(stdout, biounit_signature_problem_message(p, "nl"));
		printf(",\"en\":");
		cli_json_string(stdout, biounit_signature_problem_message(p, "en"));
		printf("}");
		first = 0;
	}
	printf("]}\n");
}

static void print_signature_text(const char *file, uint32_t problems,
				 const struct biounit_signature_stats *st)
{
	printf("%s: %s (%zu samples, %u strokes, %.0f mm of ink, %.1f s)\n", file,
	       problems ? "rejected" : "accepted", st->samples, st->strokes, st->ink_mm,
	       st->duration_s);
	for (unsigned int b = 0; b < BIOUNIT_SIG_PROBLEM_COUNT; b++) {
		enum biounit_signature_problem p = (enum biounit_signature_problem)(1u << b);
		if (problems & p)
			printf("  nl: %s\n  en: %s\n", biounit_signature_problem_message(p, "nl"),
			       biounit_signature_problem_message(p, "en"));
	}
}

int biounit_quality_signature_main(int argc, char **argv)
{
	struct signature_opts o = {
		.rw = BIOUNIT_SIGNATURE_RENDER_W, .rh = BIOUNIT_SIGNATURE_RENDER_H,
	};
	int ret = parse_signature_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	struct biounit_signature *sig;
	unsigned int line;
	ret = biounit_signature_load(o.file, &sig, &line);
	if (ret) {
		print_load_error(o.file, ret, line);
		return 2;
	}

	uint32_t problems;
	struct biounit_signature_stats st;
	biounit_signature_check(sig, &problems, &st);
	if (o.render && render_png(&o, sig)) {
		biounit_signature_free(sig);
		return 2;
	}
	if (o.json)
		print_signature_json(o.file, problems, &st);
	else
		print_signature_text(o.file, problems, &st);
	biounit_signature_free(sig);
	return problems ? 1 : 0;
}
