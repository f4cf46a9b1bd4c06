// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_signature - libFuzzer target for the signature file reader
 * (biounit_signature_parse(), the text format of docs/signature.md), parsing
 * from memory, then everything a parsed signature goes through: the checks,
 * the messages of the problems found, the sample accessor and the rendering
 * (at a small size derived from the input, so that an input stays fast).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <biounit/image.h>
#include "signature/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct biounit_signature *sig = NULL;
	struct biounit_signature_stats st;
	struct biounit_signature_sample s;
	unsigned int line = 0;
	uint32_t problems = 0;

	/* exactly @size bytes, not NUL-terminated: the parser must not read on */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	int ret = biounit_signature_parse(buf, size, &sig, &line);
	free(buf);
	if (ret) {
		if (sig)
			abort();	/* nothing may be returned on error */
		return 0;
	}
	if (line)
		abort();	/* success reports line 0 */
	biounit_signature_check(sig, &problems, &st);
	if (st.samples != biounit_signature_count(sig) || st.ink_samples > st.samples)
		abort();
	for (unsigned int b = 0; b < BIOUNIT_SIG_PROBLEM_COUNT; b++) {
		if (!(problems & (1u << b)))
			continue;
		if (!biounit_signature_problem_message(1u << b, "nl") ||
		    !biounit_signature_problem_message(1u << b, "en") ||
		    !biounit_signature_problem_key(1u << b))
			abort();
	}
	if (problems & ~((1u << BIOUNIT_SIG_PROBLEM_COUNT) - 1))
		abort();
	size_t n = biounit_signature_count(sig);
	uint64_t t_prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (biounit_signature_sample(sig, i, &s) || s.t_us < t_prev)
			abort();
		t_prev = s.t_us;
	}
	if (biounit_signature_sample(sig, n, &s) != -ERANGE)
		abort();

	/* render: size from the first bytes, 1..128 x 1..64 */
	uint32_t w = size ? 1 + data[0] % 128 : 32, h = size > 1 ? 1 + data[1] % 64 : 16;
	struct biounit_image *img = NULL;
	ret = biounit_signature_render(sig, w, h, &img);
	if (!ret) {
		struct biounit_image_view v = biounit_image_get_view(img);
		if (v.width != w || v.height != h)
			abort();
		biounit_image_free(img);
	} else if (ret != -ENODATA || st.ink_samples) {
		abort();	/* only a signature without ink may fail to render */
	}
	biounit_signature_free(sig);
	return 0;
}
