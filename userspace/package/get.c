// SPDX-License-Identifier: GPL-2.0
/* Getters of a parsed package and the names of enumerations. */
#include <errno.h>
#include <stddef.h>

#include "parse_internal.h"

const char *biounit_package_check_name(enum biounit_package_check check)
{
	switch (check) {
	case BIOUNIT_PACKAGE_OK: return "ok";
	case BIOUNIT_PACKAGE_CHECK_STRUCTURE: return "structure";
	case BIOUNIT_PACKAGE_CHECK_VERSION: return "version";
	case BIOUNIT_PACKAGE_CHECK_RECORD_HASH: return "record-hash";
	case BIOUNIT_PACKAGE_CHECK_CHAIN: return "chain";
	case BIOUNIT_PACKAGE_CHECK_KEY: return "key";
	case BIOUNIT_PACKAGE_CHECK_SIGNATURE: return "signature";
	case BIOUNIT_PACKAGE_CHECK_RECORD: return "record";
	}
	return "unknown";
}

const char *biounit_modality_name(enum biounit_modality m)
{
	switch (m) {
	case BIOUNIT_MODALITY_FACE: return "face";
	case BIOUNIT_MODALITY_FINGER: return "finger";
	case BIOUNIT_MODALITY_SIGNATURE: return "signature";
	}
	return "unknown";
}

const char *biounit_modality_status_name(enum biounit_modality_status s)
{
	switch (s) {
	case BIOUNIT_MODALITY_TAKEN: return "taken";
	case BIOUNIT_MODALITY_REUSED: return "reused";
	case BIOUNIT_MODALITY_EXCEPTION: return "exception";
	case BIOUNIT_MODALITY_NOT_REQUIRED: return "not-required";
	}
	return "unknown";
}

uint32_t biounit_package_get_version(const struct biounit_package *p)
{
	return p ? (uint32_t)(p->major << 16 | p->minor) : 0;
}

const char *biounit_package_get_hash_hex(const struct biounit_package *p)
{
	return p ? p->hash_hex : NULL;
}

const char *biounit_package_get_id_hex(const struct biounit_package *p)
{
	return p ? p->id_hex : NULL;
}

const char *biounit_package_get_appointment(const struct biounit_package *p)
{
	return p ? p->appointment : NULL;
}

const char *biounit_package_get_unit_serial(const struct biounit_package *p)
{
	return p ? p->serial : NULL;
}

const char *biounit_package_get_unit_model(const struct biounit_package *p)
{
	return p ? p->model : NULL;
}

const uint8_t *biounit_package_get_unit_key(const struct biounit_package *p)
{
	return p ? p->key : NULL;
}

const char *biounit_package_get_software(const struct biounit_package *p)
{
	return p ? p->software : NULL;
}

void biounit_package_get_created(const struct biounit_package *p, int64_t *realtime_ns,
				 int64_t *monotonic_ns)
{
	if (realtime_ns)
		*realtime_ns = p ? p->created_rt : 0;
	if (monotonic_ns)
		*monotonic_ns = p ? p->created_mono : 0;
}

const uint8_t *biounit_package_get_chain_head(const struct biounit_package *p)
{
	return p ? p->buf + p->chain_off + 32 * p->n_rec : NULL;
}

size_t biounit_package_modality_count(const struct biounit_package *p)
{
	return p ? p->n_mod : 0;
}

int biounit_package_get_modality(const struct biounit_package *p, size_t i,
				 struct biounit_package_modality *out)
{
	if (!p || !out || i >= p->n_mod)
		return -EINVAL;
	*out = p->mod[i];
	return 0;
}

size_t biounit_package_exception_count(const struct biounit_package *p)
{
	return p ? p->n_exc : 0;
}

int biounit_package_get_exception(const struct biounit_package *p, size_t i,
				  struct biounit_package_exception *out)
{
	if (!p || !out || i >= p->n_exc)
		return -EINVAL;
	*out = p->exc[i];
	return 0;
}

size_t biounit_package_decision_count(const struct biounit_package *p)
{
	return p ? p->n_dec : 0;
}

int biounit_package_get_decision(const struct biounit_package *p, size_t i,
				 struct biounit_package_decision *out)
{
	if (!p || !out || i >= p->n_dec)
		return -EINVAL;
	*out = p->dec[i];
	return 0;
}

size_t biounit_package_record_count(const struct biounit_package *p)
{
	return p ? p->n_rec : 0;
}

int biounit_package_get_record(const struct biounit_package *p, size_t i,
			       struct biounit_package_record *out)
{
	if (!p || !out || i >= p->n_rec)
		return -EINVAL;
	*out = p->rec[i].r;
	return 0;
}
