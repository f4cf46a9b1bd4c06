// SPDX-License-Identifier: GPL-2.0
/*
 * Building a package: the builder collects the manifest and the records,
 * biounit_package_builder_build() writes them in the canonical order of
 * docs/package.md, computes the hash chain and signs with the unit's key.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "key_internal.h"
#include "package_internal.h"

struct brecord {
	char *name, *format;
	enum biounit_modality modality;
	enum biounit_record_origin origin;
	int64_t captured_ns;
	bool has_quality, passed;
	double quality, threshold;
	uint8_t *data;
	size_t len;
	uint8_t sha[32];
};

struct bdecision {
	int64_t time_ns;
	char *operator_id, *decision;
};

struct bexception {
	enum biounit_modality modality;
	unsigned int position;
	char *reason;
};

struct biounit_package_builder {
	char appointment[PKG_APPOINTMENT_MAX + 1];
	char *serial, *model, *software;
	uint8_t id[BIOUNIT_PACKAGE_ID_SIZE];
	int64_t created_rt, created_mono;
	struct {
		bool set;
		enum biounit_modality_status status;
		char *reason;
	} mod[3];
	struct bexception *exc;
	size_t n_exc;
	struct bdecision *dec;
	size_t n_dec;
	struct brecord rec[BIOUNIT_PACKAGE_MAX_RECORDS];
	size_t n_rec;
	size_t data_total;
};

static bool modality_ok(enum biounit_modality m)
{
	return m >= BIOUNIT_MODALITY_FACE && m <= BIOUNIT_MODALITY_SIGNATURE;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int biounit_package_builder_new(const char *appointment, struct biounit_package_builder **out)
{
	struct biounit_package_builder *b;

	if (!appointment || !out ||
	    !pkg_appointment_ok((const uint8_t *)appointment, strnlen(appointment, 65)))
		return -EINVAL;
	pkg_crypto_init();
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	strcpy(b->appointment, appointment);
	randombytes_buf(b->id, sizeof(b->id));
	b->created_rt = now_ns(CLOCK_REALTIME);
	b->created_mono = now_ns(CLOCK_MONOTONIC);
	*out = b;
	return 0;
}

static int replace_str(char **dst, const char *src)
{
	char *s = strdup(src);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int biounit_package_builder_set_unit(struct biounit_package_builder *b, const char *serial,
				     const char *model)
{
	int r;

	if (!b || !pkg_name_ok(serial) || !pkg_name_ok(model))
		return -EINVAL;
	r = replace_str(&b->serial, serial);
	return r ? r : replace_str(&b->model, model);
}

int biounit_package_builder_set_software(struct biounit_package_builder *b, const char *version)
{
	if (!b || !pkg_name_ok(version))
		return -EINVAL;
	return replace_str(&b->software, version);
}

int biounit_package_builder_set_id(struct biounit_package_builder *b,
				   const uint8_t id[BIOUNIT_PACKAGE_ID_SIZE])
{
	if (!b || !id)
		return -EINVAL;
	memcpy(b->id, id, sizeof(b->id));
	return 0;
}

int biounit_package_builder_set_created(struct biounit_package_builder *b, int64_t realtime_ns,
					int64_t monotonic_ns)
{
	if (!b)
		return -EINVAL;
	b->created_rt = realtime_ns;
	b->created_mono = monotonic_ns;
	return 0;
}

int biounit_package_builder_set_modality(struct biounit_package_builder *b,
					 enum biounit_modality modality,
					 enum biounit_modality_status status, const char *reason)
{
	bool need_reason = status == BIOUNIT_MODALITY_REUSED || status == BIOUNIT_MODALITY_EXCEPTION;
	int r;

	if (!b || !modality_ok(modality) || status < BIOUNIT_MODALITY_TAKEN ||
	    status > BIOUNIT_MODALITY_NOT_REQUIRED || !pkg_text_ok(reason, !need_reason))
		return -EINVAL;
	r = replace_str(&b->mod[modality - 1].reason, reason ? reason : "");
	if (r)
		return r;
	b->mod[modality - 1].set = true;
	b->mod[modality - 1].status = status;
	return 0;
}

int biounit_package_builder_add_exception(struct biounit_package_builder *b,
					  const struct biounit_package_exception *e)
{
	struct bexception *n;

	if (!b || !e || !modality_ok(e->modality) || e->position > 10 ||
	    !pkg_text_ok(e->reason, false))
		return -EINVAL;
	if (b->n_exc >= 256)
		return -E2BIG;
	n = realloc(b->exc, (b->n_exc + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->exc = n;
	n[b->n_exc].modality = e->modality;
	n[b->n_exc].position = e->position;
	n[b->n_exc].reason = strdup(e->reason);
	if (!n[b->n_exc].reason)
		return -ENOMEM;
	b->n_exc++;
	return 0;
}

int biounit_package_builder_add_decision(struct biounit_package_builder *b,
					 const struct biounit_package_decision *d)
{
	struct bdecision *n;
	char *op, *dec;

	if (!b || !d || !pkg_text_ok(d->operator_id, false) || !pkg_text_ok(d->decision, false))
		return -EINVAL;
	if (b->n_dec >= 256)
		return -E2BIG;
	n = realloc(b->dec, (b->n_dec + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->dec = n;
	op = strdup(d->operator_id);
	dec = strdup(d->decision);
	if (!op || !dec) {
		free(op);
		free(dec);
		return -ENOMEM;
	}
	n[b->n_dec++] = (struct bdecision){ d->time_ns, op, dec };
	return 0;
}

int biounit_package_builder_add_record(struct biounit_package_builder *b,
				       const struct biounit_package_record *rec)
{
	struct brecord *r;
	size_t i;

	if (!b || !rec || !pkg_name_ok(rec->name) || !pkg_name_ok(rec->format) ||
	    !modality_ok(rec->modality) ||
	    (rec->origin != BIOUNIT_RECORD_CAPTURED && rec->origin != BIOUNIT_RECORD_REUSED) ||
	    !rec->data || !rec->len ||
	    (rec->has_quality && (!isfinite(rec->quality) || !isfinite(rec->threshold))))
		return -EINVAL;
	for (i = 0; i < b->n_rec; i++)
		if (!strcmp(b->rec[i].name, rec->name))
			return -EEXIST;
	if (b->n_rec >= BIOUNIT_PACKAGE_MAX_RECORDS || rec->len > BIOUNIT_PACKAGE_MAX_SIZE ||
	    b->data_total + rec->len > BIOUNIT_PACKAGE_MAX_SIZE - (1u << 20))
		return -E2BIG;
	r = &b->rec[b->n_rec];
	memset(r, 0, sizeof(*r));
	r->name = strdup(rec->name);
	r->format = strdup(rec->format);
	r->data = malloc(rec->len);
	if (!r->name || !r->format || !r->data) {
		free(r->name);
		free(r->format);
		free(r->data);
		return -ENOMEM;
	}
	memcpy(r->data, rec->data, rec->len);
	r->len = rec->len;
	r->modality = rec->modality;
	r->origin = rec->origin;
	r->captured_ns = rec->captured_ns;
	r->has_quality = rec->has_quality;
	r->quality = rec->quality;
	r->threshold = rec->threshold;
	r->passed = rec->passed;
	crypto_hash_sha256(r->sha, r->data, r->len);
	b->data_total += rec->len;
	b->n_rec++;
	return 0;
}

static uint64_t f64_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static void write_capture(struct pkg_buf *o, const struct brecord *r)
{
	size_t at = pkg_buf_open(o, PKG_M_CAPTURE);

	pkg_buf_elem_str(o, PKG_F_NAME, r->name);
	pkg_buf_elem_str(o, PKG_F_FORMAT, r->format);
	pkg_buf_elem_u8(o, PKG_F_CMODALITY, (uint8_t)r->modality);
	pkg_buf_elem_u8(o, PKG_F_ORIGIN, (uint8_t)r->origin);
	pkg_buf_elem_i64(o, PKG_F_CAPTURED, r->captured_ns);
	if (r->has_quality) {
		pkg_buf_u16(o, PKG_F_QUALITY);
		pkg_buf_u32(o, 17);
		pkg_buf_u64(o, f64_bits(r->quality));
		pkg_buf_u64(o, f64_bits(r->threshold));
		pkg_buf_u8(o, r->passed ? 1 : 0);
	}
	pkg_buf_u16(o, PKG_F_LENGTH);
	pkg_buf_u32(o, 8);
	pkg_buf_u64(o, r->len);
	pkg_buf_elem(o, PKG_F_SHA256, r->sha, 32);
	pkg_buf_close(o, at);
}

static void write_manifest(struct pkg_buf *o, const struct biounit_package_builder *b,
			   const struct biounit_key *key, size_t cap_off[])
{
	size_t at = pkg_buf_open(o, PKG_T_MANIFEST), e, i;

	pkg_buf_elem(o, PKG_M_ID, b->id, sizeof(b->id));
	pkg_buf_elem_str(o, PKG_M_APPOINTMENT, b->appointment);
	pkg_buf_elem_str(o, PKG_M_UNIT_SERIAL, b->serial);
	pkg_buf_elem_str(o, PKG_M_UNIT_MODEL, b->model);
	pkg_buf_elem(o, PKG_M_UNIT_KEY, key->pk, sizeof(key->pk));
	pkg_buf_elem_str(o, PKG_M_SOFTWARE, b->software);
	pkg_buf_u16(o, PKG_M_CREATED);
	pkg_buf_u32(o, 16);
	pkg_buf_u64(o, (uint64_t)b->created_rt);
	pkg_buf_u64(o, (uint64_t)b->created_mono);
	for (i = 0; i < 3; i++) {
		if (!b->mod[i].set)
			continue;
		e = pkg_buf_open(o, PKG_M_MODALITY);
		pkg_buf_elem_u8(o, PKG_F_MODALITY, (uint8_t)(i + 1));
		pkg_buf_elem_u8(o, PKG_F_STATUS, (uint8_t)b->mod[i].status);
		if (*b->mod[i].reason)
			pkg_buf_elem_str(o, PKG_F_REASON, b->mod[i].reason);
		pkg_buf_close(o, e);
	}
	for (i = 0; i < b->n_exc; i++) {
		e = pkg_buf_open(o, PKG_M_EXCEPTION);
		pkg_buf_elem_u8(o, PKG_F_MODALITY, (uint8_t)b->exc[i].modality);
		pkg_buf_elem_u8(o, PKG_F_POSITION, (uint8_t)b->exc[i].position);
		pkg_buf_elem_str(o, PKG_F_REASON, b->exc[i].reason);
		pkg_buf_close(o, e);
	}
	for (i = 0; i < b->n_dec; i++) {
		e = pkg_buf_open(o, PKG_M_DECISION);
		pkg_buf_elem_i64(o, PKG_F_TIME, b->dec[i].time_ns);
		pkg_buf_elem_str(o, PKG_F_OPERATOR, b->dec[i].operator_id);
		pkg_buf_elem_str(o, PKG_F_DECISION, b->dec[i].decision);
		pkg_buf_close(o, e);
	}
	for (i = 0; i < b->n_rec; i++) {
		cap_off[i] = o->len;
		write_capture(o, &b->rec[i]);
	}
	pkg_buf_close(o, at);
}

int biounit_package_builder_build(const struct biounit_package_builder *b,
				  const struct biounit_key *key, uint8_t **out, size_t *out_len)
{
	size_t cap_off[BIOUNIT_PACKAGE_MAX_RECORDS + 1];
	struct pkg_buf o = { 0 };
	uint8_t h[32];
	size_t i, at;
	bool any_mod = false;

	if (!b || !key || !out || !out_len || !b->serial || !b->software)
		return -EINVAL;
	for (i = 0; i < 3; i++)
		any_mod |= b->mod[i].set;
	if (!any_mod && !b->n_rec)
		return -EINVAL;

	pkg_buf_put(&o, PKG_MAGIC, PKG_MAGIC_SIZE);
	pkg_buf_u16(&o, BIOUNIT_PACKAGE_VERSION_MAJOR);
	pkg_buf_u16(&o, BIOUNIT_PACKAGE_VERSION_MINOR);
	pkg_buf_u32(&o, 0);	/* total length, set below */
	write_manifest(&o, b, key, cap_off);
	cap_off[b->n_rec] = o.len;	/* end of the last capture element */
	for (i = 0; i < b->n_rec; i++) {
		at = pkg_buf_open(&o, PKG_T_RECORD);
		pkg_buf_elem_str(&o, PKG_F_NAME, b->rec[i].name);
		pkg_buf_elem(&o, PKG_F_DATA, b->rec[i].data, b->rec[i].len);
		pkg_buf_close(&o, at);
	}
	at = pkg_buf_open(&o, PKG_T_CHAIN);
	pkg_chain_start(b->id, h);
	pkg_buf_put(&o, h, 32);
	for (i = 0; i < b->n_rec && !o.err; i++) {
		/* capture i spans cap_off[i] up to the next one (or the manifest's end) */
		size_t end = i + 1 < b->n_rec ? cap_off[i + 1] : cap_off[b->n_rec];

		pkg_chain_step(h, o.p + cap_off[i], end - cap_off[i]);
		pkg_buf_put(&o, h, 32);
	}
	pkg_buf_close(&o, at);
	pkg_buf_u16(&o, PKG_T_SIGNATURE);
	pkg_buf_u32(&o, PKG_SIG_SIZE);
	if (!o.err && o.len + PKG_SIG_SIZE > BIOUNIT_PACKAGE_MAX_SIZE)
		o.err = -E2BIG;
	if (!o.err) {
		uint8_t sig[PKG_SIG_SIZE];

		pkg_put_be32(o.p + 12, (uint32_t)(o.len + PKG_SIG_SIZE));
		crypto_sign_detached(sig, NULL, o.p, o.len, key->sk);
		pkg_buf_put(&o, sig, sizeof(sig));
	}
	if (o.err) {
		free(o.p);
		return o.err;
	}
	*out = o.p;
	*out_len = o.len;
	return 0;
}

void biounit_package_builder_free(struct biounit_package_builder *b)
{
	size_t i;

	if (!b)
		return;
	free(b->serial);
	free(b->model);
	free(b->software);
	for (i = 0; i < 3; i++)
		free(b->mod[i].reason);
	for (i = 0; i < b->n_exc; i++)
		free(b->exc[i].reason);
	free(b->exc);
	for (i = 0; i < b->n_dec; i++) {
		free(b->dec[i].operator_id);
		free(b->dec[i].decision);
	}
	free(b->dec);
	for (i = 0; i < b->n_rec; i++) {
		free(b->rec[i].name);
		free(b->rec[i].format);
		sodium_memzero(b->rec[i].data, b->rec[i].len);
		free(b->rec[i].data);
	}
	free(b);
}
