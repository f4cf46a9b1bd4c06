// SPDX-License-Identifier: GPL-2.0
/* A small JSON reader and writer: see json.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH 32

struct parser {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int parse_value(struct parser *ps, struct json_value *v);

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static size_t utf8_put(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* at the opening quote; decoded output is never longer than the input */
static int parse_string(struct parser *ps, char **out, size_t *outlen)
{
	const char *p = ps->p + 1;
	const char *q = p;
	char *s, *o;

	while (q < ps->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= ps->end)
		return -EINVAL;
	s = malloc((size_t)(q - p) + 1);
	if (!s)
		return -ENOMEM;
	o = s;
	while (p < q) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = (char)c;
			p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *o++ = '"'; p++; break;
		case '\\': *o++ = '\\'; p++; break;
		case '/': *o++ = '/'; p++; break;
		case 'b': *o++ = '\b'; p++; break;
		case 'f': *o++ = '\f'; p++; break;
		case 'n': *o++ = '\n'; p++; break;
		case 'r': *o++ = '\r'; p++; break;
		case 't': *o++ = '\t'; p++; break;
		case 'u': {
			unsigned int cp, lo;

			if (q - p < 5 || hex4(p + 1, &cp))
				goto bad;
			p += 5;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) ||
				    lo < 0xdc00 || lo >= 0xe000)
					goto bad;
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				goto bad;
			}
			o += utf8_put(o, cp);
			break;
		}
		default:
			goto bad;
		}
	}
	*o = '\0';
	*out = s;
	*outlen = (size_t)(o - s);
	ps->p = q + 1;
	return 0;
bad:
	free(s);
	return -EINVAL;
}

static int parse_number(struct parser *ps, struct json_value *v)
{
	const char *p = ps->p;

	if (p < ps->end && *p == '-')
		p++;
	if (p >= ps->end)
		return -EINVAL;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return -EINVAL;
	}
	if (p < ps->end && *p == '.') {
		p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return -EINVAL;
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return -EINVAL;
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	v->type = JSON_NUMBER;
	v->text = strndup(ps->p, (size_t)(p - ps->p));
	if (!v->text)
		return -ENOMEM;
	ps->p = p;
	return 0;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return -EINVAL;
	ps->p += n;
	return 0;
}

static int push(struct json_value *v, size_t *cap)
{
	if (v->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct json_value *ni = realloc(v->items, ncap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		v->items = ni;
		if (v->type == JSON_OBJECT) {
			char **nk = realloc(v->keys, ncap * sizeof(*nk));

			if (!nk)
				return -ENOMEM;
			v->keys = nk;
		}
		*cap = ncap;
	}
	memset(&v->items[v->count], 0, sizeof(v->items[0]));
	return 0;
}

static int parse_container(struct parser *ps, struct json_value *v, char close)
{
	size_t cap = 0;
	int r;

	if (++ps->depth > JSON_MAX_DEPTH)
		return -EINVAL;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;

		skip_ws(ps);
		if (close == '}') {
			if (ps->p >= ps->end || *ps->p != '"')
				return -EINVAL;
			r = parse_string(ps, &key, &klen);
			if (r)
				return r;
			if (strlen(key) != klen) {
				free(key);
				return -EINVAL;
			}
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				return -EINVAL;
			}
			ps->p++;
		}
		r = push(v, &cap);
		if (r) {
			free(key);
			return r;
		}
		if (close == '}')
			v->keys[v->count] = key;
		v->count++;
		r = parse_value(ps, &v->items[v->count - 1]);
		if (r)
			return r;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return 0;
		}
		return -EINVAL;
	}
}

static int parse_value(struct parser *ps, struct json_value *v)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return -EINVAL;
	switch (*ps->p) {
	case '{':
		v->type = JSON_OBJECT;
		return parse_container(ps, v, '}');
	case '[':
		v->type = JSON_ARRAY;
		return parse_container(ps, v, ']');
	case '"':
		v->type = JSON_STRING;
		return parse_string(ps, &v->text, &v->len);
	case 't':
		v->type = JSON_BOOL;
		v->boolean = true;
		return literal(ps, "true");
	case 'f':
		v->type = JSON_BOOL;
		return literal(ps, "false");
	case 'n':
		v->type = JSON_NULL;
		return literal(ps, "null");
	default:
		return parse_number(ps, v);
	}
}

static void free_members(struct json_value *v)
{
	size_t i;

	for (i = 0; i < v->count; i++) {
		free_members(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	free_members(v);
	free(v);
}

int json_parse(const char *buf, size_t len, struct json_value **out)
{
	struct parser ps = { buf, buf + len, 0 };
	struct json_value *v;
	int r;

	if (!buf || !out)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r = parse_value(&ps, v);
	if (!r) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			r = -EINVAL;
	}
	if (r) {
		json_free(v);
		return r;
	}
	*out = v;
	return 0;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	size_t i;
	const struct json_value *found = NULL;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->count; i++)
		if (!strcmp(obj->keys[i], key))
			found = &obj->items[i];
	return found;
}

int json_get_string(const struct json_value *obj, const char *key, const char **out)
{
	const struct json_value *v = json_get(obj, key);

	if (!v || v->type != JSON_STRING || strlen(v->text) != v->len)
		return -EINVAL;
	*out = v->text;
	return 0;
}

int json_value_u64(const struct json_value *v, uint64_t *out)
{
	const char *t;
	uint64_t n = 0;

	if (!v || v->type != JSON_NUMBER)
		return -EINVAL;
	t = v->text;
	if (!*t)
		return -EINVAL;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return -EINVAL;	/* negative, fraction or exponent */
		if (n > (UINT64_MAX - (uint64_t)(*t - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*t - '0');
	}
	*out = n;
	return 0;
}

int json_value_int(const struct json_value *v, long long min, long long max, long long *out)
{
	uint64_t u;
	int neg;
	long long n;

	if (!v || v->type != JSON_NUMBER)
		return -EINVAL;
	neg = v->text[0] == '-';
	{
		struct json_value tmp = *v;

		tmp.text = v->text + neg;
		if (json_value_u64(&tmp, &u) || u > (uint64_t)INT64_MAX)
			return -EINVAL;
	}
	n = neg ? -(long long)u : (long long)u;
	if (n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

int json_get_u64(const struct json_value *obj, const char *key, uint64_t *out)
{
	return json_value_u64(json_get(obj, key), out);
}

int json_get_int(const struct json_value *obj, const char *key, long long min, long long max,
		 long long *out)
{
	return json_value_int(json_get(obj, key), min, max, out);
}

int json_get_bool(const struct json_value *obj, const char *key, bool *out)
{
	const struct json_value *v = json_get(obj, key);

	if (!v || v->type != JSON_BOOL)
		return -EINVAL;
	*out = v->boolean;
	return 0;
}

/* ---- writer ---- */

static int reserve(struct json_buf *b, size_t more)
{
	size_t ncap;
	char *nd;

	if (b->err)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + more + 1)
		ncap *= 2;
	nd = realloc(b->data, ncap);
	if (!nd) {
		b->err = -ENOMEM;
		return -1;
	}
	b->data = nd;
	b->cap = ncap;
	return 0;
}

void jb_raw(struct json_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

void jb_printf(struct json_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void jb_str(struct json_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	if (reserve(b, strlen((const char *)p) * 6 + 2))
		return;
	b->data[b->len++] = '"';
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			b->data[b->len++] = '\\';
			b->data[b->len++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			b->len += (size_t)sprintf(b->data + b->len, "\\u%04x", *p);
		} else {
			b->data[b->len++] = (char)*p;
		}
	}
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
}

void jb_key(struct json_buf *b, const char *key, bool first)
{
	if (!first)
		jb_raw(b, ",");
	jb_str(b, key);
	jb_raw(b, ":");
}

char *jb_finish(struct json_buf *b, int *err)
{
	if (!b->err && reserve(b, 0) == 0 && !b->data)
		b->err = -ENOMEM;
	if (b->err) {
		free(b->data);
		b->data = NULL;
		if (err)
			*err = b->err;
		return NULL;
	}
	if (err)
		*err = 0;
	return b->data;
}
