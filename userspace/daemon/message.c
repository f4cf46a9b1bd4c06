// SPDX-License-Identifier: GPL-2.0
/*
 * One Varlink call message, checked before anything acts on it: valid UTF-8
 * (RFC 8259 section 8.1: JSON exchanged between systems is UTF-8; RFC 3629
 * section 4 gives the well-formed byte sequences), one JSON object with no
 * repeated member name at any depth, "method" a string, "parameters" an
 * object (or null or absent), "more" and "oneway" booleans. A message that
 * fails gets a MalformedMessage error naming what is wrong; nothing of it is
 * echoed. Separate from the socket code so that a fuzzer can drive it
 * (tests/fuzz/fuzz_varlink.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"

/* RFC 3629 section 4: no overlong forms, no surrogates, nothing above U+10FFFF */
bool vl_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		size_t n, i;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= n)
			return false;
		if (p[1] < lo || p[1] > hi)
			return false;
		for (i = 2; i <= n; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return false;
		p += n + 1;
	}
	return true;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 0, -EEXIST (a name repeated in some object) or -ENOMEM */
static int unique_keys(const struct json_value *v)
{
	size_t i;
	int r;

	if (v->type == JSON_OBJECT && v->count > 1) {
		char **k = malloc(v->count * sizeof(*k));

		if (!k)
			return -ENOMEM;
		memcpy(k, v->keys, v->count * sizeof(*k));
		qsort(k, v->count, sizeof(*k), cmp_key);
		for (i = 1; i < v->count && strcmp(k[i - 1], k[i]); i++)
			;
		free(k);
		if (i < v->count)
			return -EEXIST;
	}
	if (v->type == JSON_OBJECT || v->type == JSON_ARRAY)
		for (i = 0; i < v->count; i++)
			if ((r = unique_keys(&v->items[i])))
				return r;
	return 0;
}

static const struct json_value empty_object = { .type = JSON_OBJECT };

int vl_call_parse(const char *msg, size_t len, struct vl_call *call, const char **why)
{
	const struct json_value *params, *more, *oneway;
	struct json_value *root = NULL;
	int r;

	memset(call, 0, sizeof(*call));
	if (!vl_utf8_valid(msg, len)) {
		*why = "not valid UTF-8";
		return -EINVAL;
	}
	r = json_parse(msg, len, &root);
	if (r == -ENOMEM) {
		*why = "out of memory";
		return r;
	}
	if (r || root->type != JSON_OBJECT) {
		*why = "not a JSON object";
		json_free(root);
		return -EINVAL;
	}
	r = unique_keys(root);
	if (r) {
		*why = r == -ENOMEM ? "out of memory" : "a member name is repeated in an object";
		json_free(root);
		return r == -ENOMEM ? r : -EINVAL;
	}
	if (json_get_string(root, "method", &call->method)) {
		*why = "no method string";
		json_free(root);
		return -EINVAL;
	}
	params = json_get(root, "parameters");
	more = json_get(root, "more");
	oneway = json_get(root, "oneway");
	if ((params && params->type != JSON_OBJECT && params->type != JSON_NULL) ||
	    (more && more->type != JSON_BOOL) || (oneway && oneway->type != JSON_BOOL)) {
		*why = "parameters must be an object, more and oneway booleans";
		json_free(root);
		return -EINVAL;
	}
	call->root = root;
	call->params = params && params->type == JSON_OBJECT ? params : &empty_object;
	call->more = more && more->boolean;
	call->oneway = oneway && oneway->boolean;
	return 0;
}

void vl_call_free(struct vl_call *call)
{
	json_free(call->root);
	memset(call, 0, sizeof(*call));
}
