/* SPDX-License-Identifier: GPL-2.0 */
/* A parsed package, shared by parse.c, verify.c and get.c. */
#ifndef BIOUNIT_PARSE_INTERNAL_H
#define BIOUNIT_PARSE_INTERNAL_H

#include "package_internal.h"

struct pkg_prec {
	struct biounit_package_record r;	/* points into the strings below and buf */
	char *name, *format;
	size_t len;
	uint8_t sha[32];
	size_t cap_off, cap_len;	/* the CAPTURE element, for the chain */
};

struct biounit_package {
	uint8_t *buf;
	size_t len;
	unsigned int major, minor;
	char hash_hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE];
	uint8_t id[BIOUNIT_PACKAGE_ID_SIZE];
	char id_hex[BIOUNIT_PACKAGE_ID_HEX_SIZE];
	char *appointment, *serial, *model, *software;
	uint8_t key[BIOUNIT_PACKAGE_PUBKEY_SIZE];
	int64_t created_rt, created_mono;
	struct biounit_package_modality mod[3];
	char *mod_reason[3];
	size_t n_mod;
	struct biounit_package_exception *exc;
	size_t n_exc;
	struct biounit_package_decision *dec;
	size_t n_dec;
	struct pkg_prec rec[BIOUNIT_PACKAGE_MAX_RECORDS];
	size_t n_rec;
	size_t chain_off;	/* n_rec + 1 links of 32 bytes */
	size_t sig_off;		/* 64 bytes, the end of the package */
};

/* Fills *why (if not NULL) and returns the errno of biounit_package_verify(). */
int pkg_fail(struct biounit_package_problem *why, enum biounit_package_check check, long off,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* BIOUNIT_PARSE_INTERNAL_H */
