// SPDX-License-Identifier: GPL-2.0
/*
 * The hash chain over the captures (docs/package.md): h0 = SHA-256 of the
 * domain string with its NUL and the package id; h(i) = SHA-256 of h(i-1)
 * and the i-th CAPTURE element of the manifest, header included. The
 * CAPTURE element names its record's length and SHA-256, so the chain binds
 * every record's bytes in the order they were taken.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "package_internal.h"

void pkg_crypto_init(void)
{
	/* idempotent and thread-safe; can only fail without a random source,
	 * and then randombytes aborts: nothing is ever signed with a weak key */
	if (sodium_init() < 0)
		return;
}

void pkg_chain_start(const uint8_t id[BIOUNIT_PACKAGE_ID_SIZE], uint8_t h[32])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)PKG_CHAIN_DOMAIN,
				  sizeof(PKG_CHAIN_DOMAIN));
	crypto_hash_sha256_update(&st, id, BIOUNIT_PACKAGE_ID_SIZE);
	crypto_hash_sha256_final(&st, h);
}

void pkg_chain_step(uint8_t h[32], const uint8_t *capture_elem, size_t n)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, h, 32);
	crypto_hash_sha256_update(&st, capture_elem, n);
	crypto_hash_sha256_final(&st, h);
}

int biounit_package_hash(const uint8_t *data, size_t len,
			 uint8_t hash[BIOUNIT_PACKAGE_HASH_SIZE],
			 char hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE])
{
	uint8_t h[32];

	if (!data || !len)
		return -EINVAL;
	pkg_crypto_init();
	crypto_hash_sha256(h, data, len);
	if (hash)
		memcpy(hash, h, 32);
	if (hex)
		pkg_hex(h, 32, hex);
	return 0;
}
