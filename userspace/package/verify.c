// SPDX-License-Identifier: GPL-2.0
/*
 * Verifying a package: structure (parse.c), then each record's SHA-256
 * against its capture, the hash chain, the key and the Ed25519 signature
 * over every byte before the signature value. The first failure is reported.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "parse_internal.h"

static int check_hashes(const struct biounit_package *p, struct biounit_package_problem *why)
{
	uint8_t h[32];
	size_t i;

	for (i = 0; i < p->n_rec; i++) {
		const struct pkg_prec *pr = &p->rec[i];

		crypto_hash_sha256(h, pr->r.data, pr->r.len);
		if (sodium_memcmp(h, pr->sha, 32))
			return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_RECORD_HASH,
					(long)(pr->r.data - p->buf),
					"record %zu (\"%s\") does not have its manifest's SHA-256",
					i, pr->name);
	}
	pkg_chain_start(p->id, h);
	if (sodium_memcmp(h, p->buf + p->chain_off, 32))
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_CHAIN, (long)p->chain_off,
				"hash chain link 0 is not the package id's");
	for (i = 0; i < p->n_rec; i++) {
		pkg_chain_step(h, p->buf + p->rec[i].cap_off, p->rec[i].cap_len);
		if (sodium_memcmp(h, p->buf + p->chain_off + 32 * (i + 1), 32))
			return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_CHAIN,
					(long)(p->chain_off + 32 * (i + 1)),
					"hash chain link %zu does not follow from capture \"%s\"",
					i + 1, p->rec[i].name);
	}
	return 0;
}

int biounit_package_verify(const uint8_t *data, size_t len,
			   const uint8_t trusted_pk[BIOUNIT_PACKAGE_PUBKEY_SIZE],
			   struct biounit_package **out, struct biounit_package_problem *why)
{
	struct biounit_package *p;
	int r;

	r = biounit_package_parse(data, len, &p, why);
	if (r)
		return r;
	r = check_hashes(p, why);
	if (!r && trusted_pk && sodium_memcmp(trusted_pk, p->key, BIOUNIT_PACKAGE_PUBKEY_SIZE))
		r = pkg_fail(why, BIOUNIT_PACKAGE_CHECK_KEY, -1,
			     "signed by a key that is not the trusted one");
	if (!r && crypto_sign_verify_detached(p->buf + p->sig_off, p->buf, p->sig_off, p->key))
		r = pkg_fail(why, BIOUNIT_PACKAGE_CHECK_SIGNATURE, (long)p->sig_off,
			     "the signature does not verify");
	if (r || !out)
		biounit_package_free(p);
	else
		*out = p;
	return r;
}
