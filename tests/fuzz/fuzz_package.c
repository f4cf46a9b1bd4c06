// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_package - libFuzzer target for the session package reader
 * (biounit_package_verify(), the format of docs/package.md): parse and check
 * from a copy of exactly the input, then every getter of a package that
 * passes the structure check. The seed corpus holds valid packages, so that
 * mutations reach the manifest, the records, the chain and the signature.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "package/package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct biounit_package_problem why;
	struct biounit_package *p = NULL;
	size_t i, sum = 0;
	int64_t a, b;

	if (biounit_package_verify(data, size, NULL, NULL, &why) == 0 && why.check != 0)
		abort();
	if (biounit_package_parse(data, size, &p, &why))
		return 0;
	sum += strlen(biounit_package_get_appointment(p)) + strlen(biounit_package_get_software(p));
	sum += strlen(biounit_package_get_unit_serial(p)) + strlen(biounit_package_get_unit_model(p));
	sum += strlen(biounit_package_get_id_hex(p)) + strlen(biounit_package_get_hash_hex(p));
	sum += biounit_package_get_unit_key(p)[0] + biounit_package_get_chain_head(p)[31];
	biounit_package_get_created(p, &a, &b);
	for (i = 0; i < biounit_package_modality_count(p); i++) {
		struct biounit_package_modality m;

		if (biounit_package_get_modality(p, i, &m))
			abort();
		sum += strlen(m.reason) + strlen(biounit_modality_status_name(m.status));
	}
	for (i = 0; i < biounit_package_exception_count(p); i++) {
		struct biounit_package_exception e;

		if (biounit_package_get_exception(p, i, &e))
			abort();
		sum += strlen(e.reason) + e.position;
	}
	for (i = 0; i < biounit_package_decision_count(p); i++) {
		struct biounit_package_decision d;

		if (biounit_package_get_decision(p, i, &d))
			abort();
		sum += strlen(d.operator_id) + strlen(d.decision);
	}
	for (i = 0; i < biounit_package_record_count(p); i++) {
		struct biounit_package_record r;

		if (biounit_package_get_record(p, i, &r))
			abort();
		sum += strlen(r.name) + strlen(r.format) + r.data[0] + r.data[r.len - 1];
	}
	biounit_package_free(p);
	return sum == 1 ? 1 : 0;	/* keeps the reads */
}
