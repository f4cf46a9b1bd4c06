// SPDX-License-Identifier: GPL-2.0
/*
 * face-eval: runs the face checks over a labelled photo set and prints, per
 * label column and overall, the confusion matrix against the labels.
 *
 *   face-eval DIR [--split tune|report|all] [--dump]
 *
 * DIR holds images/ and labels.csv (columns: file, ..., variant_of, ...,
 * one_face, frontal, ..., compliant; values y / n / ?). Photos are split by
 * a hash of the original they derive from (variants follow their original),
 * so the thresholds can be tuned on "tune" and reported on "report".
 * --dump prints one tab-separated line per photo with every measured value.
 *
 * Then the unit's pipeline, frame -> check -> crop -> check
 * (biounit_face_check_frame()), against the after_crop column (y: a correct
 * pipeline accepts it; n: it must refuse; ?: either), overall, per rule that
 * refused, and per group (the London set's own metadata) for acceptance of
 * the compliant sitters; and the crop property: a crop is either refused
 * with a reason or passes every geometry rule when checked again.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face.h"
#include <biounit/image.h>

#define MAX_COLS 32
#define MAX_ROWS 4096

struct row {
	char *f[MAX_COLS];
	int nf;
};

struct table {
	char *hdr[MAX_COLS];
	int ncols;
	struct row rows[MAX_ROWS];
	int nrows;
};

/* One CSV record with "quoted, fields" and "" escapes; returns field count. */
static int csv_record(char **cur, char **out, int max)
{
	char *p = *cur, *w;
	int n = 0;

	if (!*p)
		return 0;
	for (;;) {
		char *start = w = p;

		if (*p == '"') {
			p++;
			start = w = p;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*w++ = *p++;
				}
			}
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				w = ++p;
		}
		if (n < max)
			out[n++] = start;
		if (*p == ',') {
			*w = '\0';
			p++;
			continue;
		}
		while (*p == '\r')
			*p++ = '\0';
		if (*p == '\n')
			*p++ = '\0';
		*w = '\0';
		break;
	}
	*cur = p;
	return n;
}

static int col_of(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->hdr[i], name))
			return i;
	return -1;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Follows variant_of to the original photo. */
static const char *root_of(const struct table *t, int file_col, int var_col, const char *file)
{
	for (int depth = 0; depth < 8; depth++) {
		const char *parent = NULL;

		for (int i = 0; i < t->nrows; i++)
			if (!strcmp(t->rows[i].f[file_col], file)) {
				parent = var_col >= 0 ? t->rows[i].f[var_col] : NULL;
				break;
			}
		if (!parent || !*parent)
			return file;
		file = parent;
	}
	return file;
}

static bool passes_labelled_rules(const struct biounit_face_verdict *v)
{
	if (!v->have_face)
		return false;
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++) {
		if (r == BIOUNIT_FACE_RULE_EYE_LINE || r == BIOUNIT_FACE_RULE_EYE_DISTANCE ||
		    r == BIOUNIT_FACE_RULE_RESOLUTION)
			continue;
		if (v->results[r].status == BIOUNIT_FACE_FAIL)
			return false;
	}
	return true;
}

static bool passes(const struct biounit_face_verdict *v, const enum biounit_face_rule *rules, int n)
{
	for (int i = 0; i < n; i++)
		if (v->results[rules[i]].status != BIOUNIT_FACE_PASS)
			return false;
	return true;
}

/* Label columns and the rules that decide them. */
struct mapping {
	const char *column;
	enum biounit_face_rule rules[5];
	int nrules;		/* 0: the overall verdict; -1: over the labelled rules */
};

static const struct mapping maps[] = {
	{ "one_face", { BIOUNIT_FACE_RULE_ONE_FACE }, 1 },
	{ "frontal", { BIOUNIT_FACE_RULE_ROLL, BIOUNIT_FACE_RULE_YAW, BIOUNIT_FACE_RULE_PITCH }, 3 },
	{ "eyes_visible", { BIOUNIT_FACE_RULE_EYES_OPEN }, 1 },
	{ "background_ok", { BIOUNIT_FACE_RULE_BACKGROUND }, 1 },
	{ "exposure_ok",
	  { BIOUNIT_FACE_RULE_EXPOSURE, BIOUNIT_FACE_RULE_CLIPPING, BIOUNIT_FACE_RULE_CONTRAST }, 3 },
	{ "sharp", { BIOUNIT_FACE_RULE_SHARPNESS }, 1 },
	/* The labels judge head size, centring and crown/chin in frame, not the
	 * eye-line height: see docs/face-rules.md. */
	{ "geometry_ok",
	  { BIOUNIT_FACE_RULE_FACE_HEIGHT, BIOUNIT_FACE_RULE_CENTRED, BIOUNIT_FACE_RULE_ASPECT,
	    BIOUNIT_FACE_RULE_HEAD_IN_FRAME }, 4 },
	{ "colour_ok", { BIOUNIT_FACE_RULE_COLOUR }, 1 },
	{ "expression_ok",
	  { BIOUNIT_FACE_RULE_MOUTH_CLOSED, BIOUNIT_FACE_RULE_NEUTRAL, BIOUNIT_FACE_RULE_EYES_OPEN }, 3 },
	{ "compliant", { 0 }, 0 },
	/* The overall verdict restricted to the rules the labels define (no
	 * eye-line height, inter-eye distance or resolution): "compliant*". */
	{ "compliant", { 0 }, -1 },
};
#define NMAPS (sizeof(maps) / sizeof(maps[0]))

struct confusion {
	int tp, fn, fp, tn, unknown;	/* positive = label y = compliant with the rule */
};

#define MAX_GROUPS 32
#define MAX_GROUP_VALUES 256

/* Pipeline figures against after_crop. */
struct pipeline_stats {
	int y_ok, y_bad, n_ok, n_bad, q_ok, q_bad, cropped, no_crop;
	int refused_by[BIOUNIT_FACE_RULE_COUNT];	/* after_crop y, this rule failed */
	int missed_n;					/* after_crop n, accepted */
	int property_bad;				/* crops failing a geometry rule again */
	char *group[MAX_GROUPS];
	int g_y[MAX_GROUPS], g_ok[MAX_GROUPS];		/* after_crop y: sitters, accepted */
	int g_ny[MAX_GROUPS], g_nok[MAX_GROUPS];	/* single image, compliant y: photos, accepted */
	int g_fail[MAX_GROUPS][BIOUNIT_FACE_RULE_COUNT];	/* ... and the rules that refused them */
	/* ... and each photo rule's values on them, with its bounds */
	double g_val[MAX_GROUPS][BIOUNIT_FACE_RULE_COUNT][MAX_GROUP_VALUES];
	int g_nval[MAX_GROUPS][BIOUNIT_FACE_RULE_COUNT];
	double lo[BIOUNIT_FACE_RULE_COUNT], hi[BIOUNIT_FACE_RULE_COUNT];
	int ngroups;
};

static int group_index(struct pipeline_stats *ps, const char *g)
{
	char key[64];
	const char *slash = strchr(g, '/');
	size_t n = slash ? (size_t)(slash - g) : strlen(g);

	/* the first field of "ethnicity / gender / age" */
	if (n >= sizeof(key))
		n = sizeof(key) - 1;
	memcpy(key, g, n);
	key[n] = '\0';
	while (n && key[n - 1] == ' ')
		key[--n] = '\0';
	if (!n)
		return -1;
	for (int i = 0; i < ps->ngroups; i++)
		if (!strcmp(ps->group[i], key))
			return i;
	if (ps->ngroups >= MAX_GROUPS)
		return -1;
	ps->group[ps->ngroups] = strdup(key);
	return ps->group[ps->ngroups] ? ps->ngroups++ : -1;
}

/* frame -> check -> crop -> check on @v; returns accepted. */
static bool run_pipeline(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
			 struct biounit_face_verdict *vd, struct pipeline_stats *ps,
			 const char *file)
{
	struct biounit_image *crop = NULL;

	if (biounit_face_check_frame(fc, v, BIOUNIT_FACE_AGE_11_PLUS, BIOUNIT_FACE_CROP_HEIGHT,
				     &crop, vd))
		return false;
	if (crop) {
		ps->cropped++;
		for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
			if (biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
			    vd->results[r].status == BIOUNIT_FACE_FAIL) {
				ps->property_bad++;
				fprintf(stderr, "face-eval: %s: the crop fails %s (%.4g)\n", file,
					vd->results[r].id, vd->results[r].value);
				break;
			}
	} else if (vd->have_face) {
		ps->no_crop++;
	}
	biounit_image_free(crop);
	return vd->compliant;
}

static void count(struct confusion *k, const char *label, bool pred)
{
	if (!strcmp(label, "y"))
		pred ? k->tp++ : k->fn++;
	else if (!strcmp(label, "n"))
		pred ? k->fp++ : k->tn++;
	else
		k->unknown++;
}

/* One row per label column; @photo_only: the columns of the photo's rules. */
static void print_table(const struct confusion *conf, bool photo_only)
{
	printf("%-14s %5s %5s %5s %5s %5s %8s %8s\n", "label", "y:ok", "y:bad", "n:ok", "n:bad",
	       "?", "accuracy", "balanced");
	for (size_t m = 0; m < NMAPS; m++) {
		const struct confusion *k = &conf[m];
		int n = k->tp + k->fn + k->fp + k->tn;
		double tpr = k->tp + k->fn ? (double)k->tp / (k->tp + k->fn) : NAN;
		double tnr = k->fp + k->tn ? (double)k->tn / (k->fp + k->tn) : NAN;
		double bal = isnan(tpr) ? tnr : isnan(tnr) ? tpr : (tpr + tnr) / 2;

		if (photo_only && (maps[m].nrules <= 0 || !strcmp(maps[m].column, "geometry_ok")))
			continue;
		printf("%-13s%c %5d %5d %5d %5d %5d %7.1f%% %7.1f%%\n", maps[m].column,
		       maps[m].nrules < 0 ? '*' : ' ', k->tp, k->fn, k->fp, k->tn, k->unknown,
		       n ? 100.0 * (k->tp + k->tn) / n : NAN, 100 * bal);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Per photo rule and group, on the compliant sitters' photos: how many were
 * measured, the median, and the headroom (the smallest distance of any of
 * them to a bound, in the rule's unit; < 0 fails): a measure that behaves
 * differently across groups shows here before it refuses anyone. */
static void print_group_measures(struct pipeline_stats *ps)
{
	printf("  per group, compliant sitters' photos: each photo rule's median and headroom"
	       " (n median headroom)\n");
	printf("  %-19s", "rule");
	for (int g = 0; g < ps->ngroups; g++)
		printf(" %26s", ps->group[g]);
	printf("\n");
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++) {
		bool any = false;

		for (int g = 0; g < ps->ngroups; g++)
			any |= ps->g_nval[g][r] > 0;
		if (!any)
			continue;
		printf("  %-19s", biounit_face_rule_id((enum biounit_face_rule)r));
		for (int g = 0; g < ps->ngroups; g++) {
			int n = ps->g_nval[g][r];
			double *x = ps->g_val[g][r], room = INFINITY;

			if (!n) {
				printf(" %26s", "-");
				continue;
			}
			qsort(x, (size_t)n, sizeof(*x), cmp_double);
			for (int i = 0; i < n; i++) {
				if (isfinite(ps->lo[r]))
					room = fmin(room, x[i] - ps->lo[r]);
				if (isfinite(ps->hi[r]))
					room = fmin(room, ps->hi[r] - x[i]);
			}
			printf("   %3d %10.4g %10.4g", n,
			       n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2, room);
		}
		printf("\n");
	}
}

static void print_pipeline(struct pipeline_stats *ps)
{
	int y = ps->y_ok + ps->y_bad, n = ps->n_ok + ps->n_bad;

	printf("\npipeline (frame -> check -> crop -> check, from age 11) against after_crop:\n");
	printf("  after_crop y: %d of %d accepted (%.1f%%)\n", ps->y_ok, y,
	       y ? 100.0 * ps->y_ok / y : NAN);
	printf("  after_crop n: %d of %d refused (%.1f%%)\n", ps->n_bad, n,
	       n ? 100.0 * ps->n_bad / n : NAN);
	printf("  after_crop ?: %d accepted, %d refused\n", ps->q_ok, ps->q_bad);
	printf("  crops made: %d; no crop fits (face found): %d; crops failing a geometry rule "
	       "again: %d\n", ps->cropped, ps->no_crop, ps->property_bad);
	printf("  rules refusing after_crop y:");
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
		if (ps->refused_by[r])
			printf(" %s %d", biounit_face_rule_id((enum biounit_face_rule)r),
			       ps->refused_by[r]);
	printf("\n  per group (London metadata): pipeline, after_crop y accepted | single image,"
	       " compliant sitters passing every rule but the framing ones\n");
	for (int g = 0; g < ps->ngroups; g++) {
		printf("  %-14s %3d of %3d (%5.1f%%) | %3d of %3d", ps->group[g], ps->g_ok[g],
		       ps->g_y[g], ps->g_y[g] ? 100.0 * ps->g_ok[g] / ps->g_y[g] : NAN,
		       ps->g_nok[g], ps->g_ny[g]);
		for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
			if (ps->g_fail[g][r])
				printf(" %s %d", biounit_face_rule_id((enum biounit_face_rule)r),
				       ps->g_fail[g][r]);
		printf("\n");
	}
	print_group_measures(ps);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	static struct table t;
	struct confusion conf[NMAPS] = { 0 }, pconf[NMAPS] = { 0 };
	struct biounit_face_checker *fc;
	struct biounit_face_verdict *vd = malloc(sizeof(*vd)), *pvd = malloc(sizeof(*pvd));
	const char *dir = NULL, *split = "all", *cache = getenv("BIOUNIT_FACE_CACHE");
	int dump = 0, dump_pipeline = 0, file_col, var_col, used = 0, detected = 0, errors = 0, ret;
	char path[4096], *text, *cur;
	double ms_total = 0;
	static struct pipeline_stats ps;
	int after_col, group_col, comp_col;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--split") && i + 1 < argc)
			split = argv[++i];
		else if (!strcmp(argv[i], "--dump"))
			dump = 1;
		else if (!strcmp(argv[i], "--dump-pipeline"))
			dump_pipeline = 1;
		else
			dir = argv[i];
	}
	if (!dir || !vd || !pvd) {
		fprintf(stderr, "usage: face-eval DIR [--split tune|report|all] [--dump] "
				"[--dump-pipeline]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/labels.csv", dir);
	text = slurp(path);
	if (!text) {
		fprintf(stderr, "face-eval: cannot read %s\n", path);
		return 2;
	}
	cur = text;
	t.ncols = csv_record(&cur, t.hdr, MAX_COLS);
	while (t.nrows < MAX_ROWS) {
		struct row *r = &t.rows[t.nrows];

		r->nf = csv_record(&cur, r->f, MAX_COLS);
		if (!r->nf)
			break;
		if (r->nf == t.ncols)
			t.nrows++;
	}
	file_col = col_of(&t, "file");
	var_col = col_of(&t, "variant_of");
	after_col = col_of(&t, "after_crop");
	group_col = col_of(&t, "group");
	comp_col = col_of(&t, "compliant");
	if (file_col < 0) {
		fprintf(stderr, "face-eval: labels.csv has no 'file' column\n");
		return 2;
	}
	ret = biounit_face_checker_new(NULL, NULL, cache, &fc);
	if (ret) {
		fprintf(stderr, "face-eval: cannot load models: %s\n", strerror(-ret));
		return 2;
	}
	if (dump) {
		printf("file\tsplit");
		for (size_t m = 0; m < NMAPS; m++)
			printf("\tL_%s", maps[m].column);
		for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
			printf("\t%s", biounit_face_rule_id((enum biounit_face_rule)r));
		printf("\tfaces\n");
	}
	for (int i = 0; i < t.nrows; i++) {
		const char *file = t.rows[i].f[file_col];
		const char *root = root_of(&t, file_col, var_col, file);
		const char *part = fnv1a(root) % 2 ? "report" : "tune";
		struct biounit_image *img;
		struct biounit_image_view v;
		struct timespec a, b;

		if (strcmp(split, "all") && strcmp(split, part))
			continue;
		snprintf(path, sizeof(path), "%s/images/%s", dir, file);
		if (biounit_image_load(path, &img)) {
			fprintf(stderr, "face-eval: cannot load %s\n", path);
			errors++;
			continue;
		}
		v = biounit_image_get_view(img);
		clock_gettime(CLOCK_MONOTONIC, &a);
		/* (the image is freed after the pipeline below) */
		ret = biounit_face_check(fc, &v, vd);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ret) {
			biounit_image_free(img);
			fprintf(stderr, "face-eval: check failed on %s: %s\n", file, strerror(-ret));
			errors++;
			continue;
		}
		ms_total += (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
		{
			const char *lab = after_col >= 0 ? t.rows[i].f[after_col] : "?";
			const char *grp = group_col >= 0 ? t.rows[i].f[group_col] : "";
			int gi = *grp ? group_index(&ps, grp) : -1;
			bool single = vd->have_face, acc;

			/* the rules that judge the photo, not its framing, on every
			 * image of a compliant sitter (compliant or after_crop y) */
			for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
				if (!biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
				    vd->results[r].status == BIOUNIT_FACE_FAIL)
					single = false;
			if (gi >= 0 && ((comp_col >= 0 && !strcmp(t.rows[i].f[comp_col], "y")) ||
					!strcmp(lab, "y"))) {
				ps.g_ny[gi]++;
				ps.g_nok[gi] += single;
				for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++) {
					const struct biounit_face_result *res = &vd->results[r];

					if (biounit_face_rule_is_geometry((enum biounit_face_rule)r))
						continue;
					if (res->status == BIOUNIT_FACE_FAIL)
						ps.g_fail[gi][r]++;
					if (isfinite(res->value) && ps.g_nval[gi][r] < MAX_GROUP_VALUES) {
						ps.g_val[gi][r][ps.g_nval[gi][r]++] = res->value;
						ps.lo[r] = res->min;
						ps.hi[r] = res->max;
					}
				}
			}
			acc = run_pipeline(fc, &v, pvd, &ps, file);
			if (!strcmp(lab, "y")) {
				acc ? ps.y_ok++ : ps.y_bad++;
				if (gi >= 0) {
					ps.g_y[gi]++;
					ps.g_ok[gi] += acc;
				}
				for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
					if (pvd->results[r].status == BIOUNIT_FACE_FAIL)
						ps.refused_by[r]++;
			} else if (!strcmp(lab, "n")) {
				acc ? ps.n_ok++ : ps.n_bad++;
			} else {
				acc ? ps.q_ok++ : ps.q_bad++;
			}
			if (dump_pipeline) {
				printf("pipeline\t%s\t%s\t%s\t%s\t%s", file, part, lab, grp,
				       acc ? "accept" : "refuse");
				for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
					if (pvd->results[r].status == BIOUNIT_FACE_FAIL)
						printf("\t%s=%.3g", pvd->results[r].id,
						       pvd->results[r].value);
				printf("\n");
			}
		}
		used++;
		detected += vd->have_face;
		if (dump) {
			printf("%s\t%s", file, part);
			for (size_t m = 0; m < NMAPS; m++) {
				int c = col_of(&t, maps[m].column);

				printf("\t%s", c >= 0 ? t.rows[i].f[c] : "");
			}
			for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
				printf("\t%.4g", vd->results[r].value);
			printf("\t%u\n", vd->faces);
		}
		for (size_t m = 0; m < NMAPS; m++) {
			int c = col_of(&t, maps[m].column);
			bool pred = maps[m].nrules > 0 ? passes(vd, maps[m].rules, maps[m].nrules)
				    : maps[m].nrules < 0 ? passes_labelled_rules(vd)
							 : vd->compliant;
			const char *label = c >= 0 ? t.rows[i].f[c] : "?";

			count(&conf[m], label, pred);
			/* the pipeline's verdict on the photo's own rules (the framing
			 * and the overall verdict are the after_crop figures) */
			if (maps[m].nrules > 0 && strcmp(maps[m].column, "geometry_ok"))
				count(&pconf[m], label, passes(pvd, maps[m].rules, maps[m].nrules));
		}
		biounit_image_free(img);
	}
	printf("face-eval: %s split, %d photos (%d unreadable), face found in %d (%.1f%%), "
	       "%.1f ms per check\n",
	       split, used, errors, detected, used ? 100.0 * detected / used : 0,
	       used ? ms_total / used : 0);
	print_table(conf, false);
	printf("pipeline, per label column (the photo's rules; framing and overall: below):\n");
	print_table(pconf, true);
	printf("(y:ok = labelled y, checks pass; y:bad = labelled y, checks fail; n:ok = labelled n,"
	       " checks pass; n:bad = labelled n, checks fail)\n");
	print_pipeline(&ps);
	biounit_face_checker_free(fc);
	free(vd);
	free(pvd);
	free(text);
	return 0;
}
