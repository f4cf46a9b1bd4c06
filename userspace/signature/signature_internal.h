/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the signature module. */
#ifndef BIOUNIT_SIGNATURE_INTERNAL_H
#define BIOUNIT_SIGNATURE_INTERNAL_H

#include "signature/signature.h"

struct biounit_signature {
	struct biounit_signature_box box;
	struct biounit_signature_sample *s;
	size_t n, cap;
};

#endif
