// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for biounitd's Varlink message reader (issue 18,
 * userspace/daemon/message.c): any bytes are refused with a reason or give a
 * call with a method string and an object of parameters, never a crash or an
 * out-of-bounds read. Nothing that is not well-formed UTF-8 is accepted: the
 * reader's UTF-8 check is compared with a plain decoder written here from
 * RFC 3629 (code points, then their ranges), and a message whose object has a
 * member name twice is never accepted.
 *
 * Seeds: tests/fuzz/corpus/varlink/ (calls as biounitctl sends them, and the
 * cases the reader must refuse).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* decode each sequence, then check it is the shortest form of a scalar value */
static bool utf8_reference(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp, min;
		size_t len, k;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2, cp = p[i] & 0x1f, min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3, cp = p[i] & 0x0f, min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4, cp = p[i] & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static bool has_repeated_name(const struct json_value *v)
{
	size_t i, j;

	if (v->type == JSON_OBJECT)
		for (i = 0; i < v->count; i++)
			for (j = i + 1; j < v->count; j++)
				if (!strcmp(v->keys[i], v->keys[j]))
					return true;
	if (v->type == JSON_OBJECT || v->type == JSON_ARRAY)
		for (i = 0; i < v->count; i++)
			if (has_repeated_name(&v->items[i]))
				return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data, *why = NULL;
	struct vl_call call;
	int r;

	if (size > 65536)		/* the daemon refuses longer messages unread */
		return 0;
	if (vl_utf8_valid(msg, size) != utf8_reference(data, size))
		abort();
	r = vl_call_parse(msg, size, &call, &why);
	if (r) {
		if ((r != -EINVAL && r != -ENOMEM) || !why || !*why)
			abort();
		return 0;
	}
	if (!utf8_reference(data, size) || !call.method || !call.params ||
	    call.params->type != JSON_OBJECT || has_repeated_name(call.root))
		abort();
	vl_call_free(&call);
	return 0;
}
