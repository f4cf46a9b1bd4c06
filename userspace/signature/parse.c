// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of the signature text format (docs/signature.md):
 *
 *   biounit-signature 1
 *   box X0 Y0 X1 Y1 UNITS_PER_MM PRESSURE_MAX
 *   T_US X Y PRESSURE PEN          (one line per sample)
 *
 * '#' starts a comment line, blank lines are ignored, fields are decimal
 * integers separated by spaces or tabs. Every line must be complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "signature_internal.h"
#include "util/read_file.h"

#define MAX_FILE BIOUNIT_SIGNATURE_MAX_FILE

/* Reads up to @max decimal integers from [p, end); returns how many, -1 on
 * anything else on the line or a value out of int64 range. */
static int read_ints(const char *p, const char *end, int64_t *v, int max)
{
	int n = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end)
			return n;
		if (n == max)
			return -1;
		int neg = 0;
		if (*p == '-' || *p == '+')
			neg = *p++ == '-';
		if (p == end || *p < '0' || *p > '9')
			return -1;
		uint64_t x = 0;
		while (p < end && *p >= '0' && *p <= '9') {
			if (x > (UINT64_C(1) << 62) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*p++ - '0');
		}
		if (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			return -1;
		v[n++] = neg ? -(int64_t)x : (int64_t)x;
	}
}

int biounit_signature_parse(const char *buf, size_t len, struct biounit_signature **out,
			    unsigned int *line)
{
	struct biounit_signature *sig = NULL;
	const char *p = buf, *end = buf + len;
	unsigned int ln = 0;
	int state = 0, ret = -EINVAL;	/* 0: want magic, 1: want box, 2: samples */

	if (line)
		*line = 0;
	if (!buf || !out)
		return -EINVAL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		ln++;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == le || *q == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (state == 0) {
			static const char magic[] = "biounit-signature";
			int64_t ver;
			size_t ml = sizeof(magic) - 1;
			if ((size_t)(le - q) < ml || memcmp(q, magic, ml) ||
			    read_ints(q + ml, le, &ver, 1) != 1 || ver != 1)
				goto fail;
			state = 1;
		} else if (state == 1) {
			int64_t v[6];
			if (le - q < 4 || memcmp(q, "box", 3) || read_ints(q + 3, le, v, 6) != 6)
				goto fail;
			for (int i = 0; i < 4; i++)
				if (v[i] < INT32_MIN || v[i] > INT32_MAX)
					goto fail;
			if (v[4] < 1 || v[4] > 1000000 || v[5] < 1 || v[5] > UINT32_MAX)
				goto fail;
			struct biounit_signature_box box = { (int32_t)v[0], (int32_t)v[1],
							     (int32_t)v[2], (int32_t)v[3],
							     (uint32_t)v[4], (uint32_t)v[5] };
			ret = biounit_signature_new(&box, &sig);
			if (ret)
				goto fail;
			state = 2;
		} else {
			int64_t v[5];
			if (read_ints(q, le, v, 5) != 5 || v[0] < 0 || v[1] < INT32_MIN ||
			    v[1] > INT32_MAX || v[2] < INT32_MIN || v[2] > INT32_MAX || v[3] < 0 ||
			    v[3] > UINT32_MAX || (v[4] != 0 && v[4] != 1)) {
				ret = -EINVAL;
				goto fail;
			}
			struct biounit_signature_sample s = { (uint64_t)v[0], (int32_t)v[1],
							      (int32_t)v[2], (uint32_t)v[3],
							      (int)v[4] };
			ret = biounit_signature_add(sig, &s);
			if (ret)
				goto fail;
		}
		p = nl ? nl + 1 : end;
	}
	if (state != 2) {
		ret = -EINVAL;
		ln++;
		goto fail;
	}
	*out = sig;
	return 0;
fail:
	if (line)
		*line = ln;
	biounit_signature_free(sig);
	return ret ? ret : -EINVAL;
}

int biounit_signature_load(const char *path, struct biounit_signature **out, unsigned int *line)
{
	size_t len;
	char *buf;
	int ret;

	if (line)
		*line = 0;
	if (!path || !out)
		return -EINVAL;
	ret = util_read_file(path, MAX_FILE, 0, &buf, &len);
	if (ret)
		return ret;
	ret = biounit_signature_parse(buf, len, out, line);
	free(buf);
	return ret;
}
