// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-refservice --summary --store DIR [--trust KEY...]: what the service
 * holds, for the demo and for operators of the reference service: each stored
 * package verified again (against the trusted keys if given, its records read
 * as the service reads them, records_hook.c) and its manifest
 * in a few lines. Record bytes are never printed, only their names, formats,
 * sizes and quality.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refservice.h"
#include "util/read_file.h"

static void show(const struct biounit_package *p, size_t len)
{
	struct biounit_package_modality m;
	struct biounit_package_exception e;
	struct biounit_package_decision d;
	struct biounit_package_record r;
	size_t i;

	printf("package %s (%zu bytes, format %u.%u)\n", biounit_package_get_hash_hex(p), len,
	       biounit_package_get_version(p) >> 16, biounit_package_get_version(p) & 0xffff);
	printf("  appointment %s, unit %s (%s), %s\n", biounit_package_get_appointment(p),
	       biounit_package_get_unit_serial(p), biounit_package_get_unit_model(p),
	       biounit_package_get_software(p));
	for (i = 0; !biounit_package_get_modality(p, i, &m); i++)
		printf("  %-9s %s%s%s\n", biounit_modality_name(m.modality),
		       biounit_modality_status_name(m.status), *m.reason ? ": " : "", m.reason);
	for (i = 0; !biounit_package_get_exception(p, i, &e); i++)
		printf("  exception %s %u: %s\n", biounit_modality_name(e.modality), e.position,
		       e.reason);
	for (i = 0; !biounit_package_get_decision(p, i, &d); i++)
		printf("  decision by %s: %s\n", d.operator_id, d.decision);
	for (i = 0; !biounit_package_get_record(p, i, &r); i++) {
		printf("  record %-16s %-22s %8zu bytes", r.name, r.format, r.len);
		if (r.has_quality)
			printf(", quality %.1f (threshold %.1f, %s)", r.quality, r.threshold,
			       r.passed ? "passed" : "below");
		printf("%s\n", r.origin == BIOUNIT_RECORD_REUSED ? ", reused" : "");
	}
}

int refsvc_summary(const struct refsvc *s, const char *dir)
{
	unsigned int good = 0, bad = 0;
	struct dirent *de;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "biounit-refservice: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		struct biounit_package_problem why;
		struct biounit_package *p = NULL;
		size_t len = 0, n = strlen(de->d_name), k;
		char *text;
		uint8_t *buf;
		int r = -EKEYREJECTED;

		if (n != 68 || strcmp(de->d_name + 64, ".pkg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (util_read_file(path, BIOUNIT_PACKAGE_MAX_SIZE, UTIL_READ_NOFOLLOW, &text, &len)) {
			printf("package %.64s: cannot be read\n", de->d_name);
			bad++;
			continue;
		}
		buf = (uint8_t *)text;
		if (!s->n_trust)
			r = biounit_package_verify(buf, len, NULL, &p, &why);
		for (k = 0; k < s->n_trust && r == -EKEYREJECTED; k++)
			r = biounit_package_verify(buf, len, s->trust[k], &p, &why);
		if (!r && strncmp(biounit_package_get_hash_hex(p), de->d_name, 64)) {
			r = -EBADMSG;
			why.check = BIOUNIT_PACKAGE_CHECK_STRUCTURE;
			snprintf(why.message, sizeof(why.message), "its hash is not its file name");
		}
		if (!r)
			r = refsvc_check_records(p, &why);
		if (r) {
			printf("package %.64s: FAILS %s: %s\n", de->d_name,
			       biounit_package_check_name(why.check), why.message);
			bad++;
		} else {
			show(p, len);
			good++;
		}
		biounit_package_free(p);
		free(buf);
	}
	closedir(d);
	printf("%u packages verified%s, %u failing\n", good,
	       s->n_trust ? " against the trusted keys" : " (integrity only: no --trust)", bad);
	return bad ? 1 : 0;
}
