/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the package and hand-off tests: deterministic session packages
 * (package i always has the same bytes for the same key), each holding a
 * 32-byte marker that is unique to the package, so that a test can look for
 * a package's biometric bytes anywhere on disk.
 *
 * Two kinds:
 *  - fix_package(): records of opaque filler bytes under the records'
 *    format names, the marker in every record. For the package library's own
 *    tests (test_package.c), which never look inside a record. The reference
 *    service refuses these packages: their records are not what their
 *    formats say.
 *  - fix_session_package(): real records made by the records module
 *    (records/records.h) from generated images: a face-like RGB portrait
 *    (ISO/IEC 19794-5, JPEG 2000), two ridge patterns (ISO/IEC 19794-4, WSQ),
 *    a signature of generated strokes (JPEG and BSPN pen samples). Encoding
 *    is slow, so the records are made once per run (fix_records_make()) and
 *    every package reuses their bytes; what makes package i its own is its
 *    id, its appointment code and its marker, which goes into a WSQ comment
 *    segment (FFA8) of each finger record. For the hand-off tests.
 */
#ifndef BIOUNIT_HANDOFF_FIXTURE_H
#define BIOUNIT_HANDOFF_FIXTURE_H

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "package/package.h"
#include "records/records.h"
#include "signature/signature.h"
#include "synth_print.h"

#define FIX_MARKER_SIZE 32

/* the marker of package @i: looks random, never occurs elsewhere */
static inline void fix_marker(unsigned int i, uint8_t m[FIX_MARKER_SIZE])
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1) ^ 0xd1b54a32d192ed03ull;
	unsigned int k;

	for (k = 0; k < FIX_MARKER_SIZE; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		m[k] = (uint8_t)(x >> 24);
	}
	m[0] = 0xb1;	/* "bio" */
	m[1] = 0x0d;
}

/* filler bytes of record @r of package @i */
static inline void fix_fill(unsigned int i, unsigned int r, uint8_t *p, size_t n)
{
	uint32_t x = 2166136261u ^ (i * 31 + r);
	size_t k;

	for (k = 0; k < n; k++) {
		x = x * 1103515245u + 12345u;
		p[k] = (uint8_t)(x >> 16);
	}
}

/*
 * Package @i of a test run, opaque records: face, two fingers (one
 * exception), signature; @size_scale multiplies the record sizes (1: about
 * 6 KiB in all).
 * Returns 0 or a negative errno; *out is malloc()ed.
 */
static inline int fix_package(const struct biounit_key *key, unsigned int i,
			      unsigned int size_scale, uint8_t **out, size_t *out_len)
{
	static const struct {
		const char *name, *format;
		enum biounit_modality m;
		size_t size;
	} recs[] = {
		{ "face", "iso19794-5:2005", BIOUNIT_MODALITY_FACE, 2400 },
		{ "finger-2", "iso19794-4:2005+wsq", BIOUNIT_MODALITY_FINGER, 1500 },
		{ "finger-7", "iso19794-4:2005+wsq", BIOUNIT_MODALITY_FINGER, 1500 },
		{ "signature", "image/jpeg", BIOUNIT_MODALITY_SIGNATURE, 700 },
	};
	struct biounit_package_builder *b;
	uint8_t id[BIOUNIT_PACKAGE_ID_SIZE], marker[FIX_MARKER_SIZE];
	char appt[32];
	unsigned int r;
	int ret;

	snprintf(appt, sizeof(appt), "IND-%06u", i);
	ret = biounit_package_builder_new(appt, &b);
	if (ret)
		return ret;
	memset(id, 0, sizeof(id));
	memcpy(id, &i, sizeof(i));
	id[15] = 0x42;
	fix_marker(i, marker);
	ret = biounit_package_builder_set_id(b, id);
	ret = ret ? ret : biounit_package_builder_set_created(b, 1790000000000000000ll + i,
							     5000000000ll + i);
	ret = ret ? ret : biounit_package_builder_set_unit(b, "SIM-0001", "biounit-sim");
	ret = ret ? ret : biounit_package_builder_set_software(b, "biounit 0.9.0-test");
	ret = ret ? ret : biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_FACE,
							      BIOUNIT_MODALITY_TAKEN, NULL);
	ret = ret ? ret : biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_FINGER,
							      BIOUNIT_MODALITY_TAKEN, NULL);
	ret = ret ? ret : biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_SIGNATURE,
							      BIOUNIT_MODALITY_TAKEN, NULL);
	if (!ret) {
		struct biounit_package_exception e = { BIOUNIT_MODALITY_FINGER, 3,
						       "verband (bandaged)" };
		struct biounit_package_decision d = { 6000000000ll, "op-117",
						      "accept finger 7 below threshold" };

		ret = biounit_package_builder_add_exception(b, &e);
		ret = ret ? ret : biounit_package_builder_add_decision(b, &d);
	}
	for (r = 0; !ret && r < sizeof(recs) / sizeof(recs[0]); r++) {
		size_t n = recs[r].size * (size_scale ? size_scale : 1);
		uint8_t *data = malloc(n);
		struct biounit_package_record rec = {
			.name = recs[r].name, .format = recs[r].format, .modality = recs[r].m,
			.origin = BIOUNIT_RECORD_CAPTURED,
			.captured_ns = 5100000000ll + 1000000ll * r,
			.has_quality = true, .quality = 40.0 + r, .threshold = 35.0,
			.passed = r != 2, .data = data, .len = n,
		};

		if (!data) {
			ret = -12;
			break;
		}
		fix_fill(i, r, data, n);
		memcpy(data + n / 2, marker, sizeof(marker));
		ret = biounit_package_builder_add_record(b, &rec);
		free(data);
	}
	if (!ret)
		ret = biounit_package_builder_build(b, key, out, out_len);
	biounit_package_builder_free(b);
	return ret;
}

/* bytes of the outbox database at @db and its WAL (a missing file holds nothing) */
static inline long long fix_outbox_bytes(const char *db)
{
	struct stat st;
	char wal[512];
	long long n = 0;

	if (!stat(db, &st))
		n += st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", db);
	if (!stat(wal, &st))
		n += st.st_size;
	return n;
}

/* 1 if @needle occurs in the file at @path (a missing file holds nothing) */
static inline int fix_file_contains(const char *path, const uint8_t *needle, size_t n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;
	int found = 0;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf && len > 0 && fread(buf, 1, (size_t)len, f) == (size_t)len)
		found = memmem(buf, (size_t)len, needle, n) != NULL;
	free(buf);
	fclose(f);
	return found;
}

/* ---- packages of real records ------------------------------------------------ */

/* The records every session package of a run reuses; fix_records_free() frees them. */
struct fix_records {
	struct biounit_blob face;	/* ISO/IEC 19794-5:2005, one JPEG 2000 image */
	struct biounit_blob finger[2];	/* ISO/IEC 19794-4:2005, one WSQ view: right, left index */
	struct biounit_blob sig_image;	/* the rendered signature, grey JPEG */
	struct biounit_blob sig_pen;	/* its pen samples, BSPN */
};

/* record k of a session package, in capture order (fix_session_builder()'s @skip bits) */
enum fix_rec { FIX_FACE, FIX_FINGER_2, FIX_FINGER_7, FIX_SIG_IMAGE, FIX_SIG_PEN, FIX_N_RECS };

static inline uint32_t fix_lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* a face-like RGB picture: background, hair, skin with shading, eyes, mouth, clothes */
static inline struct biounit_image *fix_portrait(uint32_t w, uint32_t h)
{
	double cx = w * 0.5, cy = h * 0.45, rx = w * 0.27, ry = h * 0.3;
	struct biounit_image *img;
	uint32_t seed = 4242;
	uint8_t *p;

	if (biounit_image_new(w, h, BIOUNIT_PIX_RGB24, &img))
		return NULL;
	p = biounit_image_data(img);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double dx = (x - cx) / rx, dy = (y - cy) / ry, r = dx * dx + dy * dy;
			double ex = fabs(x - cx) - 0.4 * rx, ey = y - (cy - 0.15 * ry);
			int rgb[3], n = (int)(fix_lcg(&seed) % 15) - 7;

			if (r < 1 && ex * ex + ey * ey < (0.09 * rx) * (0.09 * rx)) {
				rgb[0] = 60, rgb[1] = 40, rgb[2] = 30;
			} else if (r < 1 && fabs(y - (cy + 0.5 * ry)) < 0.04 * ry &&
				   fabs(x - cx) < 0.35 * rx) {
				rgb[0] = 150, rgb[1] = 60, rgb[2] = 60;
			} else if (r < 1) {
				int shade = (int)(25 * sin(x * 0.05) * cos(y * 0.04));

				rgb[0] = 210 + shade, rgb[1] = 160 + shade, rgb[2] = 130 + shade;
			} else if (r < 1.35 && y < cy) {
				rgb[0] = 50, rgb[1] = 35, rgb[2] = 25;
			} else if (y > cy + ry * 0.9) {
				rgb[0] = 40, rgb[1] = 60, rgb[2] = 110;
			} else {
				rgb[0] = 225, rgb[1] = 228, rgb[2] = 232;
			}
			for (unsigned int c = 0; c < 3; c++) {
				int v = rgb[c] + n;

				p[((size_t)y * w + x) * 3 + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
		}
	return img;
}

/* a grey fingertip: concentric ridges about 9.5 pixels apart (500 ppi) in an ellipse */
static inline struct biounit_image *fix_print(uint32_t w, uint32_t h, uint32_t seed)
{
	return synth_print(w, h, seed, SYNTH_TIP);
}

/* a signature of three strokes: a loop, a wave, an underline (pad units, 100 per mm) */
static inline struct biounit_signature *fix_signature(void)
{
	static const struct biounit_signature_box box = { 0, 0, 8000, 2500, 100, 1023 };
	struct biounit_signature *s = NULL;
	uint64_t t = 1700000000000000ull;

	if (biounit_signature_new(&box, &s))
		return NULL;
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i <= 60; i++) {
			double u = i / 60.0, x, y;
			struct biounit_signature_sample smp;

			if (k == 0) {
				x = 1500 + 500 * cos(2 * M_PI * u);
				y = 1200 + 600 * sin(2 * M_PI * u);
			} else if (k == 1) {
				x = 2200 + 3600 * u;
				y = 1200 + 400 * sin(u * 6 * M_PI);
			} else {
				x = 1200 + 5000 * u;
				y = 1900 + 60 * u;
			}
			smp = (struct biounit_signature_sample){ t, (int32_t)lround(x),
								 (int32_t)lround(y),
								 (uint32_t)(300 + (i * 11) % 600),
								 i < 60 };
			t += 5000;
			if (biounit_signature_add(s, &smp)) {
				biounit_signature_free(s);
				return NULL;
			}
		}
		t += 150000;	/* the pen in the air between strokes */
	}
	return s;
}

static inline void fix_records_free(struct fix_records *r)
{
	biounit_blob_free(&r->face);
	biounit_blob_free(&r->finger[0]);
	biounit_blob_free(&r->finger[1]);
	biounit_blob_free(&r->sig_image);
	biounit_blob_free(&r->sig_pen);
}

/* Makes the records of a run (well under a second); 0 or a negative errno. */
static inline int fix_records_make(struct fix_records *r)
{
	const struct biounit_record_format *fam = biounit_record_format_find("iso19794-2005");
	struct biounit_image *portrait = NULL, *prints[2] = { NULL, NULL };
	struct biounit_signature *sig = NULL;
	struct biounit_face_record_out face = { { NULL, 0 }, { NULL, 0 }, { 0, 0, 0, 0, 0 } };
	struct biounit_signature_record_out so = { { NULL, 0 }, { NULL, 0 } };
	int ret = -ENOMEM;

	memset(r, 0, sizeof(*r));
	if (!fam)
		return -ENOENT;
	portrait = fix_portrait(210, 270);
	prints[0] = fix_print(128, 160, 7);
	prints[1] = fix_print(136, 152, 8);
	sig = fix_signature();
	if (!portrait || !prints[0] || !prints[1] || !sig)
		goto out;
	{
		struct biounit_face_record_params fp = {
			.portrait = biounit_image_get_view(portrait),
			.chip_width = 210, .chip_height = 270, .j2k_target_bytes = 5000,
			.description = { .gender = BIOUNIT_FACE_GENDER_UNSPECIFIED,
					 .expression = BIOUNIT_FACE_EXPR_NEUTRAL,
					 .source_type = BIOUNIT_FACE_SRC_PHOTO_DIGITAL },
		};

		ret = fam->encode_face(&fp, &face);
		if (ret)
			goto out;
		r->face = face.record;
		face.record = (struct biounit_blob){ NULL, 0 };
	}
	for (int k = 0; k < 2; k++) {
		struct biounit_finger_view_input v = {
			biounit_image_get_view(prints[k]),
			k ? BIOUNIT_FINGER_LEFT_INDEX : BIOUNIT_FINGER_RIGHT_INDEX,
			BIOUNIT_FINGER_LIVE_PLAIN, (uint8_t)(k ? 41 : 77),
		};
		struct biounit_finger_record_params fp = { .n_views = 1, .views = &v };

		ret = fam->encode_finger(&fp, &r->finger[k]);
		if (ret)
			goto out;
	}
	{
		struct biounit_signature_record_params sp = { .signature = sig, .width = 400,
							      .height = 120 };

		ret = fam->encode_signature(&sp, &so);
		if (ret)
			goto out;
		r->sig_image = so.image_jpeg;
		r->sig_pen = so.pen_samples;
	}
out:
	biounit_face_record_out_free(&face);
	biounit_image_free(portrait);
	biounit_image_free(prints[0]);
	biounit_image_free(prints[1]);
	biounit_signature_free(sig);
	if (ret)
		fix_records_free(r);
	return ret;
}

static inline void fix_put_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int k = 0; k < bytes; k++)
		p[k] = (uint8_t)(v >> (8 * (bytes - 1 - k)));
}

static inline uint64_t fix_get_be(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int k = 0; k < bytes; k++)
		v = v << 8 | p[k];
	return v;
}

/*
 * The finger record @src (ISO/IEC 19794-4:2005) with @n bytes of comment
 * added as WSQ comment segments (FFA8, at most 65533 bytes each) right after
 * the SOI of its first view; the record's and the view's lengths follow.
 * *out is malloc()ed. 0, -EINVAL (not a record we can extend) or -ENOMEM.
 */
static inline int fix_finger_with_comment(const struct biounit_blob *src, const uint8_t *com,
					  size_t n, uint8_t **out, size_t *out_len)
{
	const size_t at = 32 + 14 + 2;	/* header, view header, SOI */
	size_t segs = n ? (n + 65532) / 65533 : 0, extra = n + 4 * segs, pos, k;
	uint8_t *p;

	if (!src->data || src->len < at + 2 || src->data[at - 2] != 0xff ||
	    src->data[at - 1] != 0xa0 || fix_get_be(src->data + 8, 6) != src->len)
		return -EINVAL;
	p = malloc(src->len + extra);
	if (!p)
		return -ENOMEM;
	memcpy(p, src->data, at);
	for (pos = at, k = 0; k < n;) {
		size_t c = n - k < 65533 ? n - k : 65533;

		p[pos] = 0xff;
		p[pos + 1] = 0xa8;
		fix_put_be(p + pos + 2, c + 2, 2);
		memcpy(p + pos + 4, com + k, c);
		pos += 4 + c;
		k += c;
	}
	memcpy(p + pos, src->data + at, src->len - at);
	fix_put_be(p + 8, src->len + extra, 6);
	fix_put_be(p + 32, fix_get_be(src->data + 32, 4) + extra, 4);
	*out = p;
	*out_len = src->len + extra;
	return 0;
}

/*
 * A builder holding session package @i of a run: the manifest of
 * fix_package() (same id, times, unit, exception and decision; every modality
 * taken) and the records of @r as "face", "finger-2", "finger-7",
 * "signature-image", "signature-pen", leaving out those whose bit (1u <<
 * enum fix_rec) is in @skip. Each finger record carries package @i's marker
 * and (@size_scale - 1) * 1500 filler bytes in a WSQ comment. The caller may
 * change it further, builds and frees it.
 */
static inline int fix_session_builder(const struct fix_records *r, unsigned int i,
				      unsigned int size_scale, unsigned int skip,
				      struct biounit_package_builder **out)
{
	static const struct {
		const char *name, *format;
		enum biounit_modality m;
	} recs[FIX_N_RECS] = {
		{ "face", "iso19794-5:2005", BIOUNIT_MODALITY_FACE },
		{ "finger-2", "iso19794-4:2005+wsq", BIOUNIT_MODALITY_FINGER },
		{ "finger-7", "iso19794-4:2005+wsq", BIOUNIT_MODALITY_FINGER },
		{ "signature-image", "image/jpeg", BIOUNIT_MODALITY_SIGNATURE },
		{ "signature-pen", "biounit-pen-samples", BIOUNIT_MODALITY_SIGNATURE },
	};
	const struct biounit_blob *blobs[FIX_N_RECS] = { &r->face, &r->finger[0], &r->finger[1],
							 &r->sig_image, &r->sig_pen };
	struct biounit_package_builder *b;
	uint8_t id[BIOUNIT_PACKAGE_ID_SIZE], *com;
	size_t ncom = 8 + FIX_MARKER_SIZE + (size_scale > 1 ? (size_scale - 1) * 1500u : 0);
	char appt[32];
	int ret;

	*out = NULL;
	com = malloc(ncom);
	if (!com)
		return -ENOMEM;
	memcpy(com, "BIOUFIX ", 8);
	fix_marker(i, com + 8);
	fix_fill(i, 99, com + 8 + FIX_MARKER_SIZE, ncom - 8 - FIX_MARKER_SIZE);
	snprintf(appt, sizeof(appt), "IND-%06u", i);
	ret = biounit_package_builder_new(appt, &b);
	if (ret) {
		free(com);
		return ret;
	}
	memset(id, 0, sizeof(id));
	memcpy(id, &i, sizeof(i));
	id[15] = 0x42;
	ret = biounit_package_builder_set_id(b, id);
	ret = ret ? ret : biounit_package_builder_set_created(b, 1790000000000000000ll + i,
							     5000000000ll + i);
	ret = ret ? ret : biounit_package_builder_set_unit(b, "SIM-0001", "biounit-sim");
	ret = ret ? ret : biounit_package_builder_set_software(b, "biounit 0.9.0-test");
	for (int m = BIOUNIT_MODALITY_FACE; !ret && m <= BIOUNIT_MODALITY_SIGNATURE; m++)
		ret = biounit_package_builder_set_modality(b, (enum biounit_modality)m,
							   BIOUNIT_MODALITY_TAKEN, NULL);
	if (!ret) {
		struct biounit_package_exception e = { BIOUNIT_MODALITY_FINGER, 3,
						       "verband (bandaged)" };
		struct biounit_package_decision d = { 6000000000ll, "op-117",
						      "accept finger 7 below threshold" };

		ret = biounit_package_builder_add_exception(b, &e);
		ret = ret ? ret : biounit_package_builder_add_decision(b, &d);
	}
	for (unsigned int k = 0; !ret && k < FIX_N_RECS; k++) {
		struct biounit_package_record rec = {
			.name = recs[k].name, .format = recs[k].format, .modality = recs[k].m,
			.origin = BIOUNIT_RECORD_CAPTURED,
			.captured_ns = 5100000000ll + 1000000ll * k,
			.has_quality = true, .quality = 40.0 + k, .threshold = 35.0,
			.passed = k != FIX_FINGER_7,
			.data = blobs[k]->data, .len = blobs[k]->len,
		};
		uint8_t *own = NULL;

		if (skip & (1u << k))
			continue;
		if (k == FIX_FINGER_2 || k == FIX_FINGER_7) {
			ret = fix_finger_with_comment(blobs[k], com, ncom, &own, &rec.len);
			if (ret)
				break;
			rec.data = own;
		}
		ret = biounit_package_builder_add_record(b, &rec);
		free(own);
	}
	free(com);
	if (ret) {
		biounit_package_builder_free(b);
		return ret;
	}
	*out = b;
	return 0;
}

/* Session package @i of a run, signed with @key; *out is malloc()ed. 0 or a negative errno. */
static inline int fix_session_package(const struct fix_records *r, const struct biounit_key *key,
				      unsigned int i, unsigned int size_scale, uint8_t **out,
				      size_t *out_len)
{
	struct biounit_package_builder *b;
	int ret = fix_session_builder(r, i, size_scale, 0, &b);

	if (ret)
		return ret;
	ret = biounit_package_builder_build(b, key, out, out_len);
	biounit_package_builder_free(b);
	return ret;
}

#endif /* BIOUNIT_HANDOFF_FIXTURE_H */
