/* SPDX-License-Identifier: GPL-2.0 */
/* The key's layout, shared by key.c and build.c (which signs). */
#ifndef BIOUNIT_KEY_INTERNAL_H
#define BIOUNIT_KEY_INTERNAL_H

#include <stdint.h>
#include <sodium.h>

struct biounit_key {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

#endif /* BIOUNIT_KEY_INTERNAL_H */
