// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-quality face FILE [--json] [--crop OUT.jpg] [--cache PATH|--no-cache]
 *                           [--timing]
 * Exit status: 0 compliant, 1 not compliant, 2 error (one line on stderr).
 * The JSON schema is documented in docs/face-cli.md.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "face/face.h"
#include <biounit/image.h>

#include "cli.h"
#include "commands.h"

#define CROP_HEIGHT BIOUNIT_FACE_CROP_HEIGHT /* 45 mm at 400 dpi */

struct face_cmd_opts {
	const char *file, *crop, *cache;
	int json, no_cache, timing;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: biounit-quality face FILE [--json] [--crop OUT.jpg] "
		   "[--cache PATH | --no-cache] [--timing]\n");
}

/* Default landmark cache: $BIOUNIT_FACE_CACHE, else the XDG cache dir. */
static char *default_cache_path(void)
{
	const char *env = getenv("BIOUNIT_FACE_CACHE"), *base = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char dir[4096];
	char *path;

	if (env)
		return *env ? strdup(env) : NULL;
	if (base && *base)
		snprintf(dir, sizeof(dir), "%s/biounit", base);
	else if (home && *home)
		snprintf(dir, sizeof(dir), "%s/.cache/biounit", home);
	else
		return NULL;
	{
		char parent[4096];
		char *slash;

		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			mkdir(parent, 0755);
		}
	}
	mkdir(dir, 0755);
	if (asprintf(&path, "%s/shape_predictor_68.biounit-cache", dir) < 0)
		return NULL;
	return path;
}

static void json_number(FILE *f, double d)
{
	if (isfinite(d))
		fprintf(f, "%.6g", d);
	else
		fputs("null", f);
}

static const char *status_name(enum biounit_face_status s)
{
	return s == BIOUNIT_FACE_PASS ? "pass" : s == BIOUNIT_FACE_FAIL ? "fail" : "not_judged";
}

static void print_json(FILE *f, const struct face_cmd_opts *o, const struct biounit_image_view *v,
		       const struct biounit_face_verdict *vd)
{
	fputs("{\"schema\":\"biounit.face.v1\",\"file\":", f);
	cli_json_string(f, o->file);
	fprintf(f, ",\"width\":%u,\"height\":%u,\"compliant\":%s,\"faces\":%u", v->width, v->height,
		vd->compliant ? "true" : "false", vd->faces);
	if (vd->have_face) {
		fprintf(f, ",\"face\":{\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f}", vd->face.x,
			vd->face.y, vd->face.w, vd->face.h);
		fprintf(f, ",\"eyes\":{\"left\":[%.1f,%.1f],\"right\":[%.1f,%.1f]}", vd->eye_left.x,
			vd->eye_left.y, vd->eye_right.x, vd->eye_right.y);
		fprintf(f, ",\"crown_y\":%.1f,\"chin_y\":%.1f", vd->crown_y, vd->chin_y);
	} else {
		fputs(",\"face\":null,\"eyes\":null,\"crown_y\":null,\"chin_y\":null", f);
	}
	fputs(",\"rules\":[", f);
	for (int i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++) {
		const struct biounit_face_result *r = &vd->results[i];

		fprintf(f, "%s{\"id\":\"%s\",\"status\":\"%s\",\"value\":", i ? "," : "", r->id,
			status_name(r->status));
		json_number(f, r->value);
		fputs(",\"min\":", f);
		json_number(f, r->min);
		fputs(",\"max\":", f);
		json_number(f, r->max);
		fprintf(f, ",\"unit\":\"%s\",\"message\":{\"nl\":", r->unit);
		cli_json_string(f, r->msg_nl);
		fputs(",\"en\":", f);
		cli_json_string(f, r->msg_en);
		fputs("}}", f);
	}
	fputs("]", f);
	if (vd->have_face) {
		fputs(",\"landmarks\":[", f);
		for (int i = 0; i < BIOUNIT_FACE_LANDMARKS; i++)
			fprintf(f, "%s[%.1f,%.1f]", i ? "," : "", vd->landmarks[i].x,
				vd->landmarks[i].y);
		fputs("]", f);
	}
	fputs("}\n", f);
}

static void print_text(FILE *f, const struct face_cmd_opts *o, const struct biounit_image_view *v,
		       const struct biounit_face_verdict *vd)
{
	fprintf(f, "%s: %ux%u, %u face(s): %s\n", o->file, v->width, v->height, vd->faces,
		vd->compliant ? "COMPLIANT / voldoet" : "NOT COMPLIANT / voldoet niet");
	for (int i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++) {
		const struct biounit_face_result *r = &vd->results[i];
		char lim[64] = "";

		if (isfinite(r->min) && isfinite(r->max))
			snprintf(lim, sizeof(lim), "[%g .. %g]", r->min, r->max);
		else if (isfinite(r->min))
			snprintf(lim, sizeof(lim), ">= %g", r->min);
		else if (isfinite(r->max))
			snprintf(lim, sizeof(lim), "<= %g", r->max);
		fprintf(f, "  %-4s %-19s %10.4g %-6s %-16s", r->status == BIOUNIT_FACE_PASS ? "ok" :
			r->status == BIOUNIT_FACE_FAIL ? "FAIL" : "-", r->id, r->value, r->unit, lim);
		if (r->status == BIOUNIT_FACE_FAIL)
			fprintf(f, " %s / %s", r->msg_en, r->msg_nl);
		fputc('\n', f);
	}
}

static int parse_args(int argc, char **argv, struct face_cmd_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			o->json = 1;
		} else if (!strcmp(argv[i], "--timing")) {
			o->timing = 1;
		} else if (!strcmp(argv[i], "--no-cache")) {
			o->no_cache = 1;
		} else if (!strcmp(argv[i], "--crop") || !strcmp(argv[i], "--cache")) {
			if (i + 1 >= argc)
				return -EINVAL;
			if (argv[i][2] == 'c' && argv[i][3] == 'r')
				o->crop = argv[++i];
			else
				o->cache = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return -EINVAL;
		} else if (!o->file) {
			o->file = argv[i];
		} else {
			return -EINVAL;
		}
	}
	return o->file ? 0 : -EINVAL;
}

int biounit_quality_face_main(int argc, char **argv)
{
	struct face_cmd_opts o = { 0 };
	struct biounit_face_checker *fc = NULL;
	struct biounit_image *img = NULL, *crop = NULL;
	struct biounit_face_verdict *vd = NULL;
	struct biounit_image_view v;
	char *cache = NULL;
	double t0, t_load, t_model, t_check;
	int ret, status = 2;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	t0 = now_ms();
	ret = biounit_image_load(o.file, &img);
	if (ret) {
		fprintf(stderr, "biounit-quality face: %s: %s\n", o.file, cli_load_error(ret));
		return 2;
	}
	t_load = now_ms();
	if (!o.no_cache)
		cache = o.cache ? strdup(o.cache) : default_cache_path();
	ret = biounit_face_checker_new(NULL, NULL, cache, &fc);
	if (ret) {
		fprintf(stderr, "biounit-quality face: cannot load the face models: %s\n",
			strerror(-ret));
		goto out;
	}
	if (biounit_face_checker_cache_note(fc))
		fprintf(stderr, "biounit-quality face: warning: landmark cache %s: %s; "
				"the model was read from %s instead\n",
			cache, biounit_face_checker_cache_note(fc), BIOUNIT_FACE_LANDMARK_PATH);
	t_model = now_ms();
	vd = calloc(1, sizeof(*vd));
	if (!vd) {
		fprintf(stderr, "biounit-quality face: out of memory\n");
		goto out;
	}
	v = biounit_image_get_view(img);
	ret = biounit_face_check(fc, &v, vd);
	t_check = now_ms();
	if (ret) {
		fprintf(stderr, "biounit-quality face: %s: check failed: %s\n", o.file, strerror(-ret));
		goto out;
	}
	if (o.crop) {
		if (!vd->have_face) {
			fprintf(stderr, "biounit-quality face: %s: no face to crop\n", o.file);
			goto out;
		}
		ret = biounit_face_crop(&v, vd, CROP_HEIGHT, &crop);
		if (ret == -ERANGE) {
			const struct biounit_face_result *r = &vd->results[BIOUNIT_FACE_RULE_CROP_FITS];

			fprintf(stderr, "biounit-quality face: %s: no passport crop fits: %s / %s\n",
				o.file, r->msg_en, r->msg_nl);
			status = 1;
			goto out;
		}
		if (!ret) {
			struct biounit_image_view cv = biounit_image_get_view(crop);

			ret = biounit_image_save_jpeg(&cv, o.crop, 95);
		}
		if (ret) {
			fprintf(stderr, "biounit-quality face: %s: cannot write crop: %s\n", o.crop,
				strerror(-ret));
			goto out;
		}
	}
	if (o.json)
		print_json(stdout, &o, &v, vd);
	else
		print_text(stdout, &o, &v, vd);
	if (o.timing)
		fprintf(stderr, "timing: decode %.1f ms, models %.1f ms, check %.1f ms\n",
			t_load - t0, t_model - t_load, t_check - t_model);
	status = vd->compliant ? 0 : 1;
out:
	free(vd);
	free(cache);
	biounit_image_free(crop);
	biounit_image_free(img);
	biounit_face_checker_free(fc);
	return status;
}
