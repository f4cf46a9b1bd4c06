/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader and writer for the session store and biounitd's
 * control interface (RFC 8259; numbers kept as text so that 64-bit integers
 * are exact; nesting at most 32 deep).
 */
#ifndef BIOUNIT_SESSION_JSON_H
#define BIOUNIT_SESSION_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	bool boolean;
	char *text;			/* NUMBER: the literal; STRING: decoded, NUL-terminated */
	size_t len;			/* STRING: bytes (it may hold a NUL: such strings are refused) */
	size_t count;			/* ARRAY, OBJECT: members */
	struct json_value *items;	/* ARRAY, OBJECT */
	char **keys;			/* OBJECT */
};

/* Parse @len bytes; 0, -EINVAL (not JSON, trailing bytes, too deep), -ENOMEM. */
int json_parse(const char *buf, size_t len, struct json_value **out);
void json_free(struct json_value *v);

/* The member @key of an object (the last if repeated), or NULL. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* Typed reads; each returns 0 or -EINVAL (missing, wrong type, out of range). */
int json_get_string(const struct json_value *obj, const char *key, const char **out);
int json_get_u64(const struct json_value *obj, const char *key, uint64_t *out);
int json_get_int(const struct json_value *obj, const char *key, long long min, long long max,
		 long long *out);
int json_get_bool(const struct json_value *obj, const char *key, bool *out);
int json_value_u64(const struct json_value *v, uint64_t *out);
int json_value_int(const struct json_value *v, long long min, long long max, long long *out);

/* A growing output buffer; any failure sets @err and later writes do nothing. */
struct json_buf {
	char *data;
	size_t len, cap;
	int err;
};

void jb_raw(struct json_buf *b, const char *s);
void jb_printf(struct json_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* a JSON string literal of @s (UTF-8 passed through, controls escaped) */
void jb_str(struct json_buf *b, const char *s);
/* "key": with a comma before it unless @first */
void jb_key(struct json_buf *b, const char *key, bool first);
/* the result (NUL-terminated, malloc-ed) or NULL with -ENOMEM in *err */
char *jb_finish(struct json_buf *b, int *err);

#endif
