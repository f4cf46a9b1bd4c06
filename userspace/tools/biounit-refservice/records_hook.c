// SPDX-License-Identifier: GPL-2.0
/*
 * The check of every record inside a package that has passed
 * biounit_package_verify() (docs/handoff.md, "What the service checks").
 *
 * Each record is read by the record family (records/records.h) whose format
 * names match the record's format string:
 *  - the face record format ("iso19794-5:2005"): parse_face; every facial
 *    image must be a non-empty JPEG 2000 codestream (the chip's profile)
 *    that OpenJPEG decodes (face_j2k.c) to the width and height of its image
 *    information, in the components its colour space says (RGB and YUV 4:2:2
 *    three, grey one, unspecified or other one or three), 8 bits each;
 *  - the finger record format ("iso19794-4:2005+wsq"): parse_finger, then
 *    every view decoded with biounit_wsq_decode(), its size equal to the
 *    view's width and height;
 *  - the image format ("image/jpeg"): a face record's card portrait must be
 *    a JPEG that the image loader decodes; a signature image goes with a
 *    pen samples record ("biounit-pen-samples"): the k-th signature image
 *    with the k-th pen samples, both read by parse_signature, and the image
 *    decoded with the image loader to the size its frame header gives.
 * A format no family names is refused: a reference service does not accept
 * what it cannot check. A record's modality must be the one of its format,
 * and the package's modality statuses must agree with the records present
 * (taken: at least one record; reused, exception, not required: none; no
 * record of a modality that has no status).
 *
 * A refusal is -EBADMSG with BIOUNIT_PACKAGE_CHECK_RECORD and a message that
 * names the record (or the modality) and the reason, never record bytes;
 * -ENOMEM is returned as it is (the service answers 500 and the unit retries).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <biounit/image.h>
#include "records/records.h"
#include "wsq/wsq.h"

#include "refservice.h"

/* the record families whose formats this service reads, first match wins */
static const char *const refsvc_families[] = { BIOUNIT_RECORDS_ISO19794_2005 };

/* largest finger view or facial image decoded (a four-finger slap at 500 ppi is about
 * 1600 x 1500, the chip's face image 622 x 800) */
#define REFSVC_MAX_VIEW_PIXELS (4000u * 4000u)

enum rec_kind { KIND_FACE, KIND_FINGER, KIND_IMAGE, KIND_PEN };

struct rec_class {
	const struct biounit_record_format *fam;
	enum rec_kind kind;
};

static int refuse(struct biounit_package_problem *why, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* fills @why; @what names the record or modality; returns -EBADMSG */
static int refuse(struct biounit_package_problem *why, const char *what, const char *fmt, ...)
{
	size_t size = sizeof(why->message);
	int k = snprintf(why->message, size, "%.48s: ", what);
	va_list ap;

	why->check = BIOUNIT_PACKAGE_CHECK_RECORD;
	why->offset = -1;
	if (k > 0 && (size_t)k < size) {
		va_start(ap, fmt);
		vsnprintf(why->message + k, size - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* what a reader's error means, for the message */
static const char *reader_error(int r)
{
	switch (r) {
	case -EBADMSG: return "malformed, truncated or inconsistent";
	case -ENOTSUP: return "beyond what the reader handles";
	case -EINVAL: return "not readable";
	case -E2BIG: return "too large";
	default: return "refused";
	}
}

/* the family and kind of @format; -ENOENT if no family names it */
static int classify(const char *format, struct rec_class *c)
{
	for (size_t i = 0; i < sizeof(refsvc_families) / sizeof(refsvc_families[0]); i++) {
		const struct biounit_record_format *f = biounit_record_format_find(refsvc_families[i]);

		if (!f)
			continue;
		c->fam = f;
		if (!strcmp(format, f->face_record_format))
			c->kind = KIND_FACE;
		else if (!strcmp(format, f->finger_record_format))
			c->kind = KIND_FINGER;
		else if (!strcmp(format, f->image_format))
			c->kind = KIND_IMAGE;
		else if (!strcmp(format, f->pen_samples_format))
			c->kind = KIND_PEN;
		else
			continue;
		return 0;
	}
	return -ENOENT;
}

static bool kind_allows(enum rec_kind k, enum biounit_modality m)
{
	switch (k) {
	case KIND_FACE: return m == BIOUNIT_MODALITY_FACE;
	case KIND_FINGER: return m == BIOUNIT_MODALITY_FINGER;
	case KIND_IMAGE: return m == BIOUNIT_MODALITY_FACE || m == BIOUNIT_MODALITY_SIGNATURE;
	case KIND_PEN: return m == BIOUNIT_MODALITY_SIGNATURE;
	}
	return false;
}

static const char *colour_space_name(uint8_t cs)
{
	switch (cs) {
	case BIOUNIT_FACE_CS_RGB24: return "RGB 24-bit";
	case BIOUNIT_FACE_CS_YUV422: return "YUV 4:2:2";
	case BIOUNIT_FACE_CS_GREY8: return "grey 8-bit";
	case BIOUNIT_FACE_CS_OTHER: return "other";
	default: return "unspecified";
	}
}

/* whether the decoded components are what the image information's colour space says */
static bool components_agree(const struct biounit_face_image_record *im,
			     const struct refsvc_j2k_info *d)
{
	unsigned int n = d->components;

	switch (im->colour_space) {
	case BIOUNIT_FACE_CS_RGB24:
	case BIOUNIT_FACE_CS_YUV422:
		if (n != 3)
			return false;
		break;
	case BIOUNIT_FACE_CS_GREY8:
		if (n != 1)
			return false;
		break;
	default:		/* unspecified or other: a grey or a colour picture */
		if (n != 1 && n != 3)
			return false;
		break;
	}
	for (unsigned int c = 0; c < n; c++) {
		/* 4:2:2 halves the chroma horizontally; everything else is full size */
		uint32_t dx = im->colour_space == BIOUNIT_FACE_CS_YUV422 && c ? 2 : 1;

		if (d->comp[c].precision != 8 || d->comp[c].dx != dx || d->comp[c].dy != 1 ||
		    d->comp[c].width != (d->width + dx - 1) / dx || d->comp[c].height != d->height)
			return false;
	}
	return true;
}

/* facial image @i (0-based) decoded, and its size and components against @im's header */
static int check_face_j2k(const struct biounit_package_record *rec, unsigned int i,
			  const struct biounit_face_image_record *im,
			  struct biounit_package_problem *why)
{
	struct refsvc_j2k_info d;
	int r;

	if ((uint64_t)im->width * im->height > REFSVC_MAX_VIEW_PIXELS)
		return refuse(why, rec->name, "facial image %u is %ux%u pixels, more than this "
			      "service decodes", i + 1, im->width, im->height);
	r = refsvc_j2k_decode(im->image, im->image_len, REFSVC_MAX_VIEW_PIXELS, &d);
	if (r == -ENOMEM)
		return r;
	if (r == -E2BIG)
		return refuse(why, rec->name, "the JPEG 2000 image of facial image %u is %ux%u "
			      "in %u components, more than this service decodes", i + 1, d.width,
			      d.height, d.components);
	if (r)
		return refuse(why, rec->name, "the JPEG 2000 image of facial image %u does not "
			      "decode (corrupt or truncated codestream)", i + 1);
	if (d.width != im->width || d.height != im->height || !components_agree(im, &d)) {
		char bits[40] = "";

		for (unsigned int c = 0; c < d.components; c++)
			snprintf(bits + strlen(bits), sizeof(bits) - strlen(bits), "%s%u",
				 c ? "/" : "", d.comp[c].precision);
		return refuse(why, rec->name, "facial image %u decodes to %ux%u, %u component(s) "
			      "of %s bits; its header says %ux%u %s", i + 1, d.width, d.height,
			      d.components, bits, im->width, im->height,
			      colour_space_name(im->colour_space));
	}
	return 0;
}

static int check_face(const struct rec_class *c, const struct biounit_package_record *rec,
		      struct biounit_package_problem *why)
{
	struct biounit_face_record face;
	int r = c->fam->parse_face(rec->data, rec->len, &face);

	if (r == -ENOMEM)
		return r;
	if (r)
		return refuse(why, rec->name, "not an ISO/IEC 19794-5 face record (%s)",
			      reader_error(r));
	if (!face.n_images)
		return refuse(why, rec->name, "the face record holds no image");
	for (unsigned int i = 0; i < face.n_images; i++) {
		const struct biounit_face_image_record *im = &face.images[i];

		if (im->data_type != BIOUNIT_FACE_DATA_JPEG2000)
			return refuse(why, rec->name, "facial image %u is not JPEG 2000", i + 1);
		if (!im->image || !im->image_len)
			return refuse(why, rec->name, "facial image %u is empty", i + 1);
		r = check_face_j2k(rec, i, im, why);
		if (r)
			return r;
	}
	return 0;
}

static int check_finger(const struct rec_class *c, const struct biounit_package_record *rec,
			struct biounit_package_problem *why)
{
	struct biounit_finger_record *fr = malloc(sizeof(*fr));
	int r;

	if (!fr)
		return -ENOMEM;
	r = c->fam->parse_finger(rec->data, rec->len, fr);
	if (r == -ENOMEM)
		goto out;
	if (r) {
		r = refuse(why, rec->name, "not an ISO/IEC 19794-4 finger record (%s)",
			   reader_error(r));
		goto out;
	}
	if (fr->compression != BIOUNIT_FINGER_WSQ) {
		r = refuse(why, rec->name, "its views are not WSQ");
		goto out;
	}
	for (unsigned int i = 0; i < fr->n_views; i++) {
		const struct biounit_finger_view_record *v = &fr->views[i];
		struct biounit_image *img = NULL;
		struct biounit_image_view iv;

		if ((uint64_t)v->width * v->height > REFSVC_MAX_VIEW_PIXELS) {
			r = refuse(why, rec->name, "view %u is %ux%u pixels, more than this service "
				   "decodes", i + 1, v->width, v->height);
			goto out;
		}
		r = biounit_wsq_decode(v->image, v->image_len, &img, NULL);
		if (r == -ENOMEM)
			goto out;
		if (r) {
			r = refuse(why, rec->name, "the WSQ image of view %u does not decode (%s)",
				   i + 1, reader_error(r));
			goto out;
		}
		iv = biounit_image_get_view(img);
		biounit_image_free(img);
		if (iv.width != v->width || iv.height != v->height) {
			r = refuse(why, rec->name, "view %u decodes to %ux%u, the record says %ux%u",
				   i + 1, iv.width, iv.height, v->width, v->height);
			goto out;
		}
	}
	r = 0;
out:
	free(fr);
	return r;
}

/* decodes a JPEG with the image loader; @w/@h, if not 0, the size it must have */
static int check_jpeg(const struct biounit_package_record *rec, uint32_t w, uint32_t h,
		      struct biounit_package_problem *why)
{
	struct biounit_image *img = NULL;
	struct biounit_image_view iv;
	int r;

	/* the loader also reads PNG and PGM: the format says JPEG */
	if (rec->len < 3 || rec->data[0] != 0xff || rec->data[1] != 0xd8 || rec->data[2] != 0xff)
		return refuse(why, rec->name, "not a JPEG file");
	r = biounit_image_load_mem(rec->data, rec->len, &img);
	if (r == -ENOMEM)
		return r;
	if (r)
		return refuse(why, rec->name, "the JPEG does not decode (%s)",
			      r == -EFBIG ? "too large" : "corrupt or truncated");
	iv = biounit_image_get_view(img);
	biounit_image_free(img);
	if (w && (iv.width != w || iv.height != h))
		return refuse(why, rec->name, "the JPEG decodes to %ux%u, its frame header says "
			      "%ux%u", iv.width, iv.height, w, h);
	return 0;
}

static int check_signature(const struct rec_class *c, const struct biounit_package_record *img,
			   const struct biounit_package_record *pen,
			   struct biounit_package_problem *why)
{
	struct biounit_signature_record sr;
	uint32_t w, h;
	int r;

	memset(&sr, 0, sizeof(sr));
	r = c->fam->parse_signature(img->data, img->len, pen->data, pen->len, &sr);
	if (r == -ENOMEM)
		return r;
	if (r) {
		char both[120];

		snprintf(both, sizeof(both), "%.22s + %.22s", img->name, pen->name);
		return refuse(why, both, "not a signature image with its pen samples (%s)",
			      reader_error(r));
	}
	w = sr.image_width;
	h = sr.image_height;
	biounit_signature_record_release(&sr);
	return check_jpeg(img, w, h, why);
}

/* the modality statuses against the records: @count[m] records of modality m */
static int check_modalities(const struct biounit_package *pkg, const size_t count[4],
			    struct biounit_package_problem *why)
{
	bool has_status[4] = { false, false, false, false };
	size_t n = biounit_package_modality_count(pkg);
	char what[40];

	for (size_t i = 0; i < n; i++) {
		struct biounit_package_modality mod;
		int r = biounit_package_get_modality(pkg, i, &mod);

		if (r)
			return r;
		if (mod.modality < BIOUNIT_MODALITY_FACE || mod.modality > BIOUNIT_MODALITY_SIGNATURE)
			continue;	/* the package library refuses these already */
		has_status[mod.modality] = true;
		snprintf(what, sizeof(what), "modality %s", biounit_modality_name(mod.modality));
		if (mod.status == BIOUNIT_MODALITY_TAKEN && !count[mod.modality])
			return refuse(why, what, "taken, but the package holds no record of it");
		if (mod.status != BIOUNIT_MODALITY_TAKEN && count[mod.modality])
			return refuse(why, what, "%s, but the package holds %zu record(s) of it",
				      biounit_modality_status_name(mod.status), count[mod.modality]);
	}
	for (unsigned int m = BIOUNIT_MODALITY_FACE; m <= BIOUNIT_MODALITY_SIGNATURE; m++) {
		if (count[m] && !has_status[m]) {
			snprintf(what, sizeof(what), "modality %s",
				 biounit_modality_name((enum biounit_modality)m));
			return refuse(why, what, "%zu record(s), but the manifest gives it no status",
				      count[m]);
		}
	}
	return 0;
}

static int check_all(const struct biounit_package *pkg, struct biounit_package_problem *why)
{
	size_t sig_img[BIOUNIT_PACKAGE_MAX_RECORDS], sig_pen[BIOUNIT_PACKAGE_MAX_RECORDS];
	struct rec_class cls[BIOUNIT_PACKAGE_MAX_RECORDS];
	size_t count[4] = { 0, 0, 0, 0 };
	size_t n, n_img = 0, n_pen = 0, i;
	int r;

	n = biounit_package_record_count(pkg);
	if (n > BIOUNIT_PACKAGE_MAX_RECORDS)
		return refuse(why, "package", "more than %d records", BIOUNIT_PACKAGE_MAX_RECORDS);

	/* formats and modalities first: cheap, and nothing is decoded for a wrong package */
	for (i = 0; i < n; i++) {
		struct biounit_package_record rec;

		r = biounit_package_get_record(pkg, i, &rec);
		if (r)
			return r;
		if (classify(rec.format, &cls[i]))
			return refuse(why, rec.name, "format \"%.40s\" is not one this service can "
				      "check", rec.format);
		if (!kind_allows(cls[i].kind, rec.modality))
			return refuse(why, rec.name, "a %s record cannot be %.40s",
				      biounit_modality_name(rec.modality), rec.format);
		count[rec.modality]++;
		if (cls[i].kind == KIND_IMAGE && rec.modality == BIOUNIT_MODALITY_SIGNATURE)
			sig_img[n_img++] = i;
		else if (cls[i].kind == KIND_PEN)
			sig_pen[n_pen++] = i;
	}
	if (n_img != n_pen) {
		struct biounit_package_record rec;
		size_t lone = n_img > n_pen ? sig_img[n_pen] : sig_pen[n_img];

		r = biounit_package_get_record(pkg, lone, &rec);
		if (r)
			return r;
		return refuse(why, rec.name, n_img > n_pen ? "a signature image without its pen "
			      "samples" : "pen samples without their signature image");
	}
	r = check_modalities(pkg, count, why);
	if (r)
		return r;

	/* then every record by its reader */
	for (i = 0; i < n; i++) {
		struct biounit_package_record rec;

		r = biounit_package_get_record(pkg, i, &rec);
		if (r)
			return r;
		switch (cls[i].kind) {
		case KIND_FACE:
			r = check_face(&cls[i], &rec, why);
			break;
		case KIND_FINGER:
			r = check_finger(&cls[i], &rec, why);
			break;
		case KIND_IMAGE:
			/* the card portrait; a signature image is read with its pen samples */
			r = rec.modality == BIOUNIT_MODALITY_FACE ? check_jpeg(&rec, 0, 0, why) : 0;
			break;
		case KIND_PEN:
			r = 0;
			break;
		}
		if (r)
			return r;
	}
	for (i = 0; i < n_img; i++) {
		struct biounit_package_record img, pen;

		r = biounit_package_get_record(pkg, sig_img[i], &img);
		if (!r)
			r = biounit_package_get_record(pkg, sig_pen[i], &pen);
		if (!r)
			r = check_signature(&cls[sig_img[i]], &img, &pen, why);
		if (r)
			return r;
	}
	why->check = BIOUNIT_PACKAGE_OK;
	why->offset = -1;
	why->message[0] = '\0';
	return 0;
}

int refsvc_check_records(const struct biounit_package *pkg, struct biounit_package_problem *why)
{
	struct biounit_package_problem local;
	int r;

	if (!why)
		why = &local;
	if (!pkg)
		return -EINVAL;
	r = check_all(pkg, why);
	if (r && r != -EBADMSG) {	/* out of memory, or a getter failing: not the package's fault */
		why->check = BIOUNIT_PACKAGE_CHECK_RECORD;
		why->offset = -1;
		snprintf(why->message, sizeof(why->message), "the records could not be checked: %s",
			 strerror(-r));
	}
	return r;
}
