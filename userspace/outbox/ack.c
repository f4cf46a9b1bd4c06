// SPDX-License-Identifier: GPL-2.0
/*
 * The client's answers are small flat JSON objects (docs/handoff.md). This
 * reads one string member of the top-level object, strictly enough not to be
 * fooled by a key inside a string or a nested object, and cleans text for the
 * operator (printable ASCII, nothing else).
 */
#include <errno.h>
#include <string.h>

#include "outbox_internal.h"

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Reads a JSON string at p (at its quote); copies it (escapes of ASCII
 * decoded, others as '?') into out if not NULL. Returns the end or NULL. */
static const char *str(const char *p, char *out, size_t outsz)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		char c = *p++;

		if ((unsigned char)c < 0x20)
			return NULL;
		if (c == '\\') {
			c = *p++;
			switch (c) {
			case '\0':
				return NULL;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '"': case '\\': case '/': break;
			case 'u':
				for (int i = 0; i < 4; i++, p++)
					if (!*p || !strchr("0123456789abcdefABCDEF", *p))
						return NULL;
				c = '?';
				break;
			default:
				return NULL;
			}
		}
		if (out && n + 1 < outsz)
			out[n++] = c;
	}
	if (*p != '"')
		return NULL;
	if (out && outsz)
		out[n] = '\0';
	return p + 1;
}

/* Skips any JSON value; NULL if malformed. */
static const char *skip(const char *p, int depth)
{
	p = ws(p);
	if (depth > 16)
		return NULL;
	if (*p == '"')
		return str(p, NULL, 0);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = str(ws(p), NULL, 0);
				if (!p)
					return NULL;
				p = ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = skip(p, depth + 1);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (!*p || !strchr("-0123456789tfn", *p))
		return NULL;
	while (*p && strchr("+-.0123456789eEtruefalsn", *p))
		p++;
	return p;
}

int ob_json_string(const char *json, const char *key, char *out, size_t outsz)
{
	char k[64];
	const char *p = ws(json);

	if (*p++ != '{')
		return -EBADMSG;
	p = ws(p);
	if (*p == '}')
		return -ENOENT;
	for (;;) {
		p = str(ws(p), k, sizeof(k));
		if (!p)
			return -EBADMSG;
		p = ws(p);
		if (*p++ != ':')
			return -EBADMSG;
		p = ws(p);
		if (!strcmp(k, key)) {
			if (*p != '"')
				return -EBADMSG;
			return str(p, out, outsz) ? 0 : -EBADMSG;
		}
		p = skip(p, 0);
		if (!p)
			return -EBADMSG;
		p = ws(p);
		if (*p == '}')
			return -ENOENT;
		if (*p++ != ',')
			return -EBADMSG;
	}
}

void ob_clean_text(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	if (!outsz)
		return;
	for (; *in && n + 1 < outsz; in++)
		out[n++] = (*in >= 0x20 && *in < 0x7f) ? *in : ' ';
	out[n] = '\0';
}
