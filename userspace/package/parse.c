// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a package (docs/package.md): header, manifest, records, chain and
 * signature elements, each bounds-checked, every required field present
 * exactly once, every value of its fixed size or within its limits. Hashes
 * and the signature are checked by verify.c.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

int pkg_fail(struct biounit_package_problem *why, enum biounit_package_check check, long off,
	     const char *fmt, ...)
{
	va_list ap;

	if (why) {
		why->check = check;
		why->offset = off;
		va_start(ap, fmt);
		vsnprintf(why->message, sizeof(why->message), fmt, ap);
		va_end(ap);
	}
	switch (check) {
	case BIOUNIT_PACKAGE_OK:
		return 0;
	case BIOUNIT_PACKAGE_CHECK_VERSION:
		return -EPROTONOSUPPORT;
	case BIOUNIT_PACKAGE_CHECK_KEY:
		return -EKEYREJECTED;
	case BIOUNIT_PACKAGE_CHECK_SIGNATURE:
		return -EBADE;
	default:
		return -EBADMSG;
	}
}

#define BAD(e, ...) pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, (long)(e)->off, __VA_ARGS__)

static char *dup_str(const struct biounit_package *p, const struct pkg_elem *e)
{
	char *s = malloc(e->len + 1);

	if (s) {
		memcpy(s, p->buf + e->voff, e->len);
		s[e->len] = '\0';
	}
	return s;
}

/* A string field: ascii (names, formats) or UTF-8 text; *out is malloc()ed. */
static int get_str(struct biounit_package *p, const struct pkg_elem *e, bool ascii, char **out,
		   const char *what, struct biounit_package_problem *why)
{
	if (!pkg_string_ok(p->buf + e->voff, e->len, BIOUNIT_PACKAGE_MAX_STRING, ascii))
		return BAD(e, "%s is not a valid string", what);
	*out = dup_str(p, e);
	return *out ? 0 : -ENOMEM;
}

static int get_u8(const struct biounit_package *p, const struct pkg_elem *e, unsigned int lo,
		  unsigned int hi, unsigned int *out, const char *what,
		  struct biounit_package_problem *why)
{
	if (e->len != 1 || p->buf[e->voff] < lo || p->buf[e->voff] > hi)
		return BAD(e, "%s is not a value in %u..%u", what, lo, hi);
	*out = p->buf[e->voff];
	return 0;
}

static int get_i64(const struct biounit_package *p, const struct pkg_elem *e, int64_t *out,
		   const char *what, struct biounit_package_problem *why)
{
	if (e->len != 8)
		return BAD(e, "%s is not 8 bytes", what);
	*out = (int64_t)pkg_be64(p->buf + e->voff);
	return 0;
}

/*
 * The fields of a compound element: each tag of @allowed (a bit mask) at most
 * once; @required must all be there. Unknown tags are an error unless the
 * package is of a newer minor version (then they are skipped, still signed).
 */
static int get_fields(const struct biounit_package *p, const struct pkg_elem *outer,
		      uint32_t allowed, uint32_t required, struct pkg_elem f[16],
		      uint32_t *seen, const char *what, struct biounit_package_problem *why)
{
	struct pkg_cursor c = { p->buf, outer->voff, outer->voff + outer->len };
	struct pkg_elem e;
	int r;

	*seen = 0;
	while ((r = pkg_next(&c, &e)) > 0) {
		if (e.tag >= 16 || !(allowed & (1u << e.tag))) {
			if (p->minor > BIOUNIT_PACKAGE_VERSION_MINOR)
				continue;
			return BAD(&e, "unknown field %u in %s", e.tag, what);
		}
		if (*seen & (1u << e.tag))
			return BAD(&e, "field %u twice in %s", e.tag, what);
		*seen |= 1u << e.tag;
		f[e.tag] = e;
	}
	if (r < 0)
		return BAD(outer, "truncated field in %s", what);
	if ((*seen & required) != required)
		return BAD(outer, "%s lacks a required field", what);
	return 0;
}

#define B(x) (1u << (x))

static int parse_modality(struct biounit_package *p, const struct pkg_elem *me,
			  struct biounit_package_problem *why)
{
	struct pkg_elem f[16];
	unsigned int m = 0, st = 0;
	uint32_t seen;
	size_t i;
	int r;

	r = get_fields(p, me, B(PKG_F_MODALITY) | B(PKG_F_STATUS) | B(PKG_F_REASON),
		       B(PKG_F_MODALITY) | B(PKG_F_STATUS), f, &seen, "modality", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_MODALITY], 1, 3, &m, "modality", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_STATUS], 1, 4, &st, "modality status", why);
	if (r)
		return r;
	for (i = 0; i < p->n_mod; i++)
		if (p->mod[i].modality == (enum biounit_modality)m)
			return BAD(me, "modality %u twice", m);
	if ((st == BIOUNIT_MODALITY_REUSED || st == BIOUNIT_MODALITY_EXCEPTION) &&
	    !(seen & B(PKG_F_REASON)))
		return BAD(me, "modality %u has no reason", m);
	p->mod_reason[p->n_mod] = NULL;
	if (seen & B(PKG_F_REASON)) {
		r = get_str(p, &f[PKG_F_REASON], false, &p->mod_reason[p->n_mod], "reason", why);
		if (r)
			return r;
	}
	p->mod[p->n_mod].modality = (enum biounit_modality)m;
	p->mod[p->n_mod].status = (enum biounit_modality_status)st;
	p->mod[p->n_mod].reason = p->mod_reason[p->n_mod] ? p->mod_reason[p->n_mod] : "";
	p->n_mod++;
	return 0;
}

static int grow(void **arr, size_t n, size_t size)
{
	void *a;

	if (n >= 256)
		return -E2BIG;
	a = realloc(*arr, (n + 1) * size);
	if (!a)
		return -ENOMEM;
	*arr = a;
	return 0;
}

static int parse_exception(struct biounit_package *p, const struct pkg_elem *me,
			   struct biounit_package_problem *why)
{
	struct biounit_package_exception *x;
	struct pkg_elem f[16];
	unsigned int m = 0, pos = 0;
	uint32_t seen;
	char *reason;
	int r;

	r = get_fields(p, me, B(PKG_F_MODALITY) | B(PKG_F_POSITION) | B(PKG_F_REASON),
		       B(PKG_F_MODALITY) | B(PKG_F_POSITION) | B(PKG_F_REASON), f, &seen,
		       "exception", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_MODALITY], 1, 3, &m, "exception modality", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_POSITION], 0, 10, &pos, "exception position", why);
	if (!r && grow((void **)&p->exc, p->n_exc, sizeof(*p->exc)))
		r = p->n_exc >= 256 ? BAD(me, "too many exceptions") : -ENOMEM;
	if (!r)
		r = get_str(p, &f[PKG_F_REASON], false, &reason, "exception reason", why);
	if (r)
		return r;
	x = &p->exc[p->n_exc++];
	x->modality = (enum biounit_modality)m;
	x->position = pos;
	x->reason = reason;
	return 0;
}

static int parse_decision(struct biounit_package *p, const struct pkg_elem *me,
			  struct biounit_package_problem *why)
{
	struct biounit_package_decision *d;
	char *op = NULL, *text = NULL;
	struct pkg_elem f[16];
	uint32_t seen;
	int64_t t = 0;
	int r;

	r = get_fields(p, me, B(PKG_F_TIME) | B(PKG_F_OPERATOR) | B(PKG_F_DECISION),
		       B(PKG_F_TIME) | B(PKG_F_OPERATOR) | B(PKG_F_DECISION), f, &seen,
		       "decision", why);
	if (!r)
		r = get_i64(p, &f[PKG_F_TIME], &t, "decision time", why);
	if (!r && grow((void **)&p->dec, p->n_dec, sizeof(*p->dec)))
		r = p->n_dec >= 256 ? BAD(me, "too many decisions") : -ENOMEM;
	if (!r)
		r = get_str(p, &f[PKG_F_OPERATOR], false, &op, "operator", why);
	if (!r)
		r = get_str(p, &f[PKG_F_DECISION], false, &text, "decision", why);
	if (r) {
		free(op);
		return r;
	}
	d = &p->dec[p->n_dec++];
	d->time_ns = t;
	d->operator_id = op;
	d->decision = text;
	return 0;
}

static double f64_at(const uint8_t *b)
{
	uint64_t u = pkg_be64(b);
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static int parse_capture(struct biounit_package *p, const struct pkg_elem *me,
			 struct biounit_package_problem *why)
{
	struct pkg_prec *pr;
	struct pkg_elem f[16];
	unsigned int m = 0, origin = 0;
	uint32_t seen;
	size_t i;
	int r;

	if (p->n_rec >= BIOUNIT_PACKAGE_MAX_RECORDS)
		return BAD(me, "more than %d captures", BIOUNIT_PACKAGE_MAX_RECORDS);
	pr = &p->rec[p->n_rec];
	memset(pr, 0, sizeof(*pr));
	r = get_fields(p, me, B(PKG_F_NAME) | B(PKG_F_FORMAT) | B(PKG_F_CMODALITY) |
		       B(PKG_F_ORIGIN) | B(PKG_F_CAPTURED) | B(PKG_F_QUALITY) | B(PKG_F_LENGTH) |
		       B(PKG_F_SHA256), B(PKG_F_NAME) | B(PKG_F_FORMAT) | B(PKG_F_CMODALITY) |
		       B(PKG_F_ORIGIN) | B(PKG_F_CAPTURED) | B(PKG_F_LENGTH) | B(PKG_F_SHA256),
		       f, &seen, "capture", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_CMODALITY], 1, 3, &m, "capture modality", why);
	if (!r)
		r = get_u8(p, &f[PKG_F_ORIGIN], 0, 1, &origin, "capture origin", why);
	if (!r)
		r = get_i64(p, &f[PKG_F_CAPTURED], &pr->r.captured_ns, "capture time", why);
	if (r)
		return r;
	if (f[PKG_F_LENGTH].len != 8 || f[PKG_F_SHA256].len != 32)
		return BAD(me, "capture length or hash of the wrong size");
	pr->len = pkg_be64(p->buf + f[PKG_F_LENGTH].voff);
	if (pr->len < 1 || pr->len > BIOUNIT_PACKAGE_MAX_SIZE)
		return BAD(&f[PKG_F_LENGTH], "capture length out of range");
	memcpy(pr->sha, p->buf + f[PKG_F_SHA256].voff, 32);
	if (seen & B(PKG_F_QUALITY)) {
		const struct pkg_elem *q = &f[PKG_F_QUALITY];

		if (q->len != 17 || p->buf[q->voff + 16] > 1)
			return BAD(q, "capture quality is malformed");
		pr->r.has_quality = true;
		pr->r.quality = f64_at(p->buf + q->voff);
		pr->r.threshold = f64_at(p->buf + q->voff + 8);
		pr->r.passed = p->buf[q->voff + 16];
		if (!isfinite(pr->r.quality) || !isfinite(pr->r.threshold))
			return BAD(q, "capture quality is not a finite number");
	}
	r = get_str(p, &f[PKG_F_NAME], true, &pr->name, "capture name", why);
	if (!r)
		r = get_str(p, &f[PKG_F_FORMAT], true, &pr->format, "capture format", why);
	if (r) {
		free(pr->name);
		free(pr->format);
		return r;
	}
	pr->r.name = pr->name;
	pr->r.format = pr->format;
	pr->r.modality = (enum biounit_modality)m;
	pr->r.origin = (enum biounit_record_origin)origin;
	pr->cap_off = me->off;
	pr->cap_len = PKG_ELEM_HDR + me->len;
	p->n_rec++;
	for (i = 0; i + 1 < p->n_rec; i++)
		if (!strcmp(p->rec[i].name, pr->name))
			return BAD(me, "capture name \"%s\" twice", pr->name);
	return 0;
}

static int fixed(const struct biounit_package *p, const struct pkg_elem *e, size_t n, void *out,
		 const char *what, struct biounit_package_problem *why)
{
	if (e->len != n)
		return BAD(e, "%s is not %zu bytes", what, n);
	memcpy(out, p->buf + e->voff, n);
	return 0;
}

static int parse_manifest(struct biounit_package *p, const struct pkg_elem *man,
			  struct biounit_package_problem *why)
{
	struct pkg_cursor c = { p->buf, man->voff, man->voff + man->len };
	const uint32_t once = B(PKG_M_ID) | B(PKG_M_APPOINTMENT) | B(PKG_M_UNIT_SERIAL) |
			      B(PKG_M_UNIT_MODEL) | B(PKG_M_UNIT_KEY) | B(PKG_M_SOFTWARE) |
			      B(PKG_M_CREATED);
	uint32_t seen = 0;
	struct pkg_elem e;
	uint8_t created[16];
	int r, n;

	while ((n = pkg_next(&c, &e)) > 0) {
		if (e.tag < 32 && (once & B(e.tag))) {
			if (seen & B(e.tag))
				return BAD(&e, "manifest field %u twice", e.tag);
			seen |= B(e.tag);
		}
		switch (e.tag) {
		case PKG_M_ID:
			r = fixed(p, &e, sizeof(p->id), p->id, "package id", why);
			break;
		case PKG_M_APPOINTMENT:
			if (!pkg_appointment_ok(p->buf + e.voff, e.len))
				return BAD(&e, "appointment code is malformed");
			p->appointment = dup_str(p, &e);
			r = p->appointment ? 0 : -ENOMEM;
			break;
		case PKG_M_UNIT_SERIAL:
			r = get_str(p, &e, true, &p->serial, "unit serial", why);
			break;
		case PKG_M_UNIT_MODEL:
			r = get_str(p, &e, true, &p->model, "unit model", why);
			break;
		case PKG_M_UNIT_KEY:
			r = fixed(p, &e, sizeof(p->key), p->key, "unit key", why);
			break;
		case PKG_M_SOFTWARE:
			r = get_str(p, &e, true, &p->software, "software version", why);
			break;
		case PKG_M_CREATED:
			r = fixed(p, &e, sizeof(created), created, "creation time", why);
			p->created_rt = (int64_t)pkg_be64(created);
			p->created_mono = (int64_t)pkg_be64(created + 8);
			break;
		case PKG_M_MODALITY:
			r = parse_modality(p, &e, why);
			break;
		case PKG_M_EXCEPTION:
			r = parse_exception(p, &e, why);
			break;
		case PKG_M_DECISION:
			r = parse_decision(p, &e, why);
			break;
		case PKG_M_CAPTURE:
			r = parse_capture(p, &e, why);
			break;
		default:
			if (p->minor > BIOUNIT_PACKAGE_VERSION_MINOR) {
				r = 0;
				break;
			}
			return BAD(&e, "unknown manifest field %u", e.tag);
		}
		if (r)
			return r;
	}
	if (n < 0)
		return BAD(man, "truncated manifest field");
	if ((seen & once) != once)
		return BAD(man, "manifest lacks a required field");
	if (!p->n_mod && !p->n_rec)
		return BAD(man, "manifest names no modality and no capture");
	return 0;
}

static int parse_record(struct biounit_package *p, const struct pkg_elem *re, size_t i,
			struct biounit_package_problem *why)
{
	struct pkg_prec *pr = &p->rec[i];
	struct pkg_elem f[16];
	uint32_t seen;
	int r;

	r = get_fields(p, re, B(PKG_F_NAME) | B(PKG_F_DATA), B(PKG_F_NAME) | B(PKG_F_DATA), f,
		       &seen, "record", why);
	if (r)
		return r;
	if (f[PKG_F_NAME].len != strlen(pr->name) ||
	    memcmp(p->buf + f[PKG_F_NAME].voff, pr->name, f[PKG_F_NAME].len))
		return BAD(re, "record %zu is not the capture \"%s\"", i, pr->name);
	if (f[PKG_F_DATA].len != pr->len)
		return BAD(&f[PKG_F_DATA], "record \"%s\" is not of its capture's length",
			   pr->name);
	pr->r.data = p->buf + f[PKG_F_DATA].voff;
	pr->r.len = pr->len;
	return 0;
}

static int parse_all(struct biounit_package *p, struct biounit_package_problem *why)
{
	struct pkg_cursor c = { p->buf, PKG_HEADER_SIZE, p->len };
	struct pkg_elem e;
	size_t n_records = 0;
	int r;

	if (p->len < PKG_HEADER_SIZE || memcmp(p->buf, PKG_MAGIC, PKG_MAGIC_SIZE))
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, 0, "not a biounit package");
	p->major = pkg_be16(p->buf + 8);
	p->minor = pkg_be16(p->buf + 10);
	if (p->major != BIOUNIT_PACKAGE_VERSION_MAJOR)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_VERSION, 8,
				"format version %u.%u is not read here (%u.x is)", p->major,
				p->minor, BIOUNIT_PACKAGE_VERSION_MAJOR);
	if (pkg_be32(p->buf + 12) != p->len)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, 12,
				"length %u in the header, %zu bytes given",
				pkg_be32(p->buf + 12), p->len);
	if (pkg_next(&c, &e) != 1 || e.tag != PKG_T_MANIFEST)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, PKG_HEADER_SIZE,
				"the manifest is not the first element");
	r = parse_manifest(p, &e, why);
	if (r)
		return r;
	while ((r = pkg_next(&c, &e)) > 0 && e.tag == PKG_T_RECORD) {
		if (n_records >= p->n_rec)
			return BAD(&e, "more records than captures");
		r = parse_record(p, &e, n_records++, why);
		if (r)
			return r;
	}
	if (r <= 0 || e.tag != PKG_T_CHAIN)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, (long)c.pos,
				"no hash chain after the records");
	if (n_records != p->n_rec)
		return BAD(&e, "%zu records for %zu captures", n_records, p->n_rec);
	if (e.len != (p->n_rec + 1) * 32)
		return BAD(&e, "hash chain of %zu bytes for %zu captures", e.len, p->n_rec);
	p->chain_off = e.voff;
	if (pkg_next(&c, &e) != 1 || e.tag != PKG_T_SIGNATURE || e.len != PKG_SIG_SIZE ||
	    e.voff + e.len != p->len)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, (long)c.pos,
				"the signature is not the last element");
	p->sig_off = e.voff;
	pkg_hex(p->id, sizeof(p->id), p->id_hex);
	return 0;
}

int biounit_package_parse(const uint8_t *data, size_t len, struct biounit_package **out,
			  struct biounit_package_problem *why)
{
	struct biounit_package *p;
	int r;

	if (why)
		pkg_fail(why, BIOUNIT_PACKAGE_OK, -1, "ok");
	if (!data || !out)
		return -EINVAL;
	if (len > BIOUNIT_PACKAGE_MAX_SIZE)
		return pkg_fail(why, BIOUNIT_PACKAGE_CHECK_STRUCTURE, -1,
				"larger than %u bytes", BIOUNIT_PACKAGE_MAX_SIZE);
	pkg_crypto_init();
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->buf = malloc(len ? len : 1);
	if (!p->buf) {
		free(p);
		return -ENOMEM;
	}
	memcpy(p->buf, data, len);
	p->len = len;
	r = parse_all(p, why);
	if (r) {
		biounit_package_free(p);
		return r;
	}
	biounit_package_hash(p->buf, p->len, NULL, p->hash_hex);
	*out = p;
	return 0;
}

void biounit_package_free(struct biounit_package *p)
{
	size_t i;

	if (!p)
		return;
	free(p->appointment);
	free(p->serial);
	free(p->model);
	free(p->software);
	for (i = 0; i < p->n_mod; i++)
		free(p->mod_reason[i]);
	for (i = 0; i < p->n_exc; i++)
		free((char *)p->exc[i].reason);
	free(p->exc);
	for (i = 0; i < p->n_dec; i++) {
		free((char *)p->dec[i].operator_id);
		free((char *)p->dec[i].decision);
	}
	free(p->dec);
	for (i = 0; i < p->n_rec; i++) {
		free(p->rec[i].name);
		free(p->rec[i].format);
	}
	free(p->buf);
	free(p);
}
