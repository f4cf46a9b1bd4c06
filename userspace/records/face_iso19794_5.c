// SPDX-License-Identifier: GPL-2.0
/*
 * ISO/IEC 19794-5:2005 face image record: writer and strict reader.
 * We write one full frontal image as a JPEG 2000 codestream at the
 * chip's size and byte target; the reader accepts up to
 * BIOUNIT_FACE_RECORD_MAX_IMAGES images, JPEG or JPEG 2000 codestreams.
 * Layout: docs/records.md, "Face".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "records_internal.h"

#define FACE_MAGIC "FAC"		/* with its NUL: 4 bytes */
#define FACE_VERSION "010"
#define FACE_HEADER_LEN 14u		/* magic, version, record length, image count */
#define FACE_INFO_LEN 20u		/* facial information block */
#define FACE_POINT_LEN 8u
#define FACE_IMAGE_INFO_LEN 12u

static int gender_ok(unsigned int v)
{
	return v <= BIOUNIT_FACE_GENDER_FEMALE || v == BIOUNIT_FACE_GENDER_UNKNOWN;
}

static int eyes_ok(unsigned int v)
{
	return v <= BIOUNIT_FACE_EYES_PINK || v == BIOUNIT_FACE_EYES_UNKNOWN;
}

static int hair_ok(unsigned int v)
{
	return v <= BIOUNIT_FACE_HAIR_RED || v == BIOUNIT_FACE_HAIR_UNKNOWN;
}

/* Bits beyond the defined ones, or features without "specified", are malformed. */
static int mask_ok(uint32_t m)
{
	if (m & ~(uint32_t)BIOUNIT_FACE_FEATURE_ALL)
		return 0;
	return !m || (m & BIOUNIT_FACE_FEATURES_SPECIFIED);
}

static int pose_ok(const struct biounit_face_pose *p)
{
	return p->yaw <= 181 && p->pitch <= 181 && p->roll <= 181 && p->yaw_uncertainty <= 181 &&
	       p->pitch_uncertainty <= 181 && p->roll_uncertainty <= 181;
}

static int description_ok(const struct biounit_face_description *d)
{
	return gender_ok(d->gender) && eyes_ok(d->eye_colour) && hair_ok(d->hair_colour) &&
	       mask_ok(d->feature_mask) && d->expression <= BIOUNIT_FACE_EXPR_FROWNING &&
	       pose_ok(&d->pose) && d->source_type <= BIOUNIT_FACE_SRC_UNKNOWN;
}

/* MPEG-4 groups run 2..11; 19794-5 adds group 12 (eye centres). Minor codes start at 1. */
static int point_code_ok(uint8_t code)
{
	unsigned int major = code >> 4, minor = code & 0x0f;

	return major >= 2 && major <= 12 && minor >= 1;
}

static int check_params(const struct biounit_face_record_params *p)
{
	int ret;

	if (!p)
		return -EINVAL;
	ret = biounit_image_view_check(&p->portrait);
	if (ret)
		return ret == -EFBIG ? -EINVAL : ret;
	if (p->portrait.width > 65535 || p->portrait.height > 65535)
		return -EINVAL;
	if (!p->chip_width != !p->chip_height || p->chip_width > 65535 || p->chip_height > 65535)
		return -EINVAL;
	if (p->card_jpeg_quality < 0 || p->card_jpeg_quality > 100)
		return -EINVAL;
	if (p->j2k_tolerance_permille >= 1000)
		return -EINVAL;
	if (!description_ok(&p->description))
		return -EINVAL;
	if (p->n_points > BIOUNIT_FACE_RECORD_MAX_POINTS || (p->n_points && !p->points))
		return -EINVAL;
	for (size_t i = 0; i < p->n_points; i++) {
		const struct biounit_face_landmark_point *pt = &p->points[i];

		if (!point_code_ok(pt->code) || !(pt->x >= 0) || !(pt->y >= 0) ||
		    pt->x > p->portrait.width || pt->y > p->portrait.height)
			return -EINVAL;
	}
	return 0;
}

/* A portrait coordinate on the chip image's pixel grid, clamped inside it. */
static uint16_t scale_coord(float v, uint32_t from, uint32_t to)
{
	long c = lround((double)v * to / from);

	if (c < 0)
		c = 0;
	if (c > (long)to - 1)
		c = (long)to - 1;
	return (uint16_t)c;
}

static void write_face_record(struct rec_writer *w, const struct biounit_face_record_params *p,
			      uint32_t cw, uint32_t ch, int grey, const struct biounit_blob *j2k)
{
	const struct biounit_face_description *d = &p->description;
	size_t block_at;

	rec_put_bytes(w, FACE_MAGIC, 4);
	rec_put_bytes(w, FACE_VERSION, 4);
	rec_put_u32(w, 0);			/* record length, patched below */
	rec_put_u16(w, 1);			/* number of facial images */
	block_at = w->len;
	rec_put_u32(w, 0);			/* facial record data length, patched */
	rec_put_u16(w, (uint16_t)p->n_points);
	rec_put_u8(w, d->gender);
	rec_put_u8(w, d->eye_colour);
	rec_put_u8(w, d->hair_colour);
	rec_put_u8(w, (uint8_t)(d->feature_mask >> 16));
	rec_put_u16(w, (uint16_t)d->feature_mask);
	rec_put_u16(w, d->expression);
	rec_put_u8(w, d->pose.yaw);
	rec_put_u8(w, d->pose.pitch);
	rec_put_u8(w, d->pose.roll);
	rec_put_u8(w, d->pose.yaw_uncertainty);
	rec_put_u8(w, d->pose.pitch_uncertainty);
	rec_put_u8(w, d->pose.roll_uncertainty);
	for (size_t i = 0; i < p->n_points; i++) {
		rec_put_u8(w, BIOUNIT_FACE_POINT_TYPE_MPEG4);
		rec_put_u8(w, p->points[i].code);
		rec_put_u16(w, scale_coord(p->points[i].x, p->portrait.width, cw));
		rec_put_u16(w, scale_coord(p->points[i].y, p->portrait.height, ch));
		rec_put_u16(w, 0);		/* reserved */
	}
	rec_put_u8(w, BIOUNIT_FACE_IMAGE_FULL_FRONTAL);
	rec_put_u8(w, BIOUNIT_FACE_DATA_JPEG2000);
	rec_put_u16(w, (uint16_t)cw);
	rec_put_u16(w, (uint16_t)ch);
	rec_put_u8(w, grey ? BIOUNIT_FACE_CS_GREY8 : BIOUNIT_FACE_CS_RGB24);
	rec_put_u8(w, d->source_type);
	rec_put_u16(w, d->device_type);
	rec_put_u16(w, d->quality);
	rec_put_bytes(w, j2k->data, j2k->len);
	if (w->len > UINT32_MAX)
		w->error = -E2BIG;
	rec_patch_u32(w, 8, (uint32_t)w->len);
	rec_patch_u32(w, block_at, (uint32_t)(w->len - block_at));
}

int rec_iso19794_5_encode(const struct biounit_face_record_params *p,
			  struct biounit_face_record_out *out)
{
	struct biounit_image *chip = NULL;
	struct biounit_image_view chip_view;
	struct biounit_blob j2k = { 0 };
	struct rec_writer w = { 0 };
	uint32_t cw, ch;
	size_t target;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = check_params(p);
	if (ret)
		return ret;
	cw = p->chip_width ? p->chip_width : BIOUNIT_FACE_CHIP_WIDTH;
	ch = p->chip_height ? p->chip_height : BIOUNIT_FACE_CHIP_HEIGHT;
	target = p->j2k_target_bytes ? p->j2k_target_bytes : BIOUNIT_FACE_J2K_TARGET_BYTES;
	chip_view = p->portrait;
	if (cw != p->portrait.width || ch != p->portrait.height) {
		ret = rec_resample(&p->portrait, cw, ch, &chip);
		if (ret)
			return ret;
		chip_view = biounit_image_get_view(chip);
	}
	ret = rec_j2k_encode_target(&chip_view, target,
				    p->j2k_tolerance_permille ? p->j2k_tolerance_permille
							      : BIOUNIT_FACE_J2K_TOLERANCE_PERMILLE,
				    &j2k, &out->j2k);
	biounit_image_free(chip);
	if (ret) {
		memset(out, 0, sizeof(*out));
		return ret;
	}
	write_face_record(&w, p, cw, ch, p->portrait.format == BIOUNIT_PIX_GREY, &j2k);
	biounit_blob_free(&j2k);
	ret = rec_writer_finish(&w, &out->record);
	if (!ret)
		ret = biounit_image_encode_jpeg(&p->portrait, p->card_jpeg_quality
							      ? p->card_jpeg_quality
							      : BIOUNIT_FACE_CARD_JPEG_QUALITY,
						&out->card_jpeg.data, &out->card_jpeg.len);
	if (ret) {
		biounit_face_record_out_free(out);
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

static int parse_face_image(struct rec_reader *r, struct biounit_face_image_record *img)
{
	struct biounit_face_description *d = &img->description;
	struct rec_image_info info;
	size_t start = r->pos, fixed;
	int ret;

	img->block_length = rec_get_u32(r);
	img->n_points = rec_get_u16(r);
	d->gender = rec_get_u8(r);
	d->eye_colour = rec_get_u8(r);
	d->hair_colour = rec_get_u8(r);
	d->feature_mask = (uint32_t)rec_get_u8(r) << 16;
	d->feature_mask |= rec_get_u16(r);
	d->expression = rec_get_u16(r);
	d->pose.yaw = rec_get_u8(r);
	d->pose.pitch = rec_get_u8(r);
	d->pose.roll = rec_get_u8(r);
	d->pose.yaw_uncertainty = rec_get_u8(r);
	d->pose.pitch_uncertainty = rec_get_u8(r);
	d->pose.roll_uncertainty = rec_get_u8(r);
	if (r->bad)
		return -EBADMSG;
	fixed = FACE_INFO_LEN + (size_t)img->n_points * FACE_POINT_LEN + FACE_IMAGE_INFO_LEN;
	if (img->block_length <= fixed || img->block_length > r->len - start)
		return -EBADMSG;
	/* points beyond what we hold are read and checked, not kept */
	for (unsigned int i = 0; i < img->n_points; i++) {
		struct biounit_face_feature_point pt;

		pt.type = rec_get_u8(r);
		pt.code = rec_get_u8(r);
		pt.x = rec_get_u16(r);
		pt.y = rec_get_u16(r);
		if (rec_get_u16(r) != 0 || pt.type != BIOUNIT_FACE_POINT_TYPE_MPEG4 ||
		    !point_code_ok(pt.code))
			return -EBADMSG;
		if (i < BIOUNIT_FACE_RECORD_MAX_POINTS)
			img->points[i] = pt;
	}
	img->image_type = rec_get_u8(r);
	img->data_type = rec_get_u8(r);
	img->width = rec_get_u16(r);
	img->height = rec_get_u16(r);
	img->colour_space = rec_get_u8(r);
	d->source_type = rec_get_u8(r);
	d->device_type = rec_get_u16(r);
	d->quality = rec_get_u16(r);
	img->image_len = img->block_length - fixed;
	img->image = rec_get_bytes(r, img->image_len);
	if (r->bad || !description_ok(d) || img->image_type > BIOUNIT_FACE_IMAGE_TOKEN_FRONTAL ||
	    img->data_type > BIOUNIT_FACE_DATA_JPEG2000 || !img->width || !img->height ||
	    img->colour_space > BIOUNIT_FACE_CS_OTHER)
		return -EBADMSG;
	for (unsigned int i = 0; i < img->n_points && i < BIOUNIT_FACE_RECORD_MAX_POINTS; i++)
		if (img->points[i].x >= img->width || img->points[i].y >= img->height)
			return -EBADMSG;
	/* the image inside must be whole and agree with the image information */
	if (img->data_type == BIOUNIT_FACE_DATA_JPEG2000 && img->image_len >= 12 &&
	    !memcmp(img->image, "\0\0\0\x0cjP  ", 8))
		return -ENOTSUP;	/* a JP2 file: valid for the standard, never written by us */
	ret = img->data_type == BIOUNIT_FACE_DATA_JPEG2000
		      ? rec_j2k_inspect(img->image, img->image_len, &info)
		      : rec_jpeg_inspect(img->image, img->image_len, &info);
	if (ret)
		return ret;
	if (info.width != img->width || info.height != img->height || info.precision != 8)
		return -EBADMSG;
	if ((img->colour_space == BIOUNIT_FACE_CS_RGB24 && info.components != 3) ||
	    (img->colour_space == BIOUNIT_FACE_CS_GREY8 && info.components != 1))
		return -EBADMSG;
	return img->n_points > BIOUNIT_FACE_RECORD_MAX_POINTS ? -ENOTSUP : 0;
}

int rec_iso19794_5_parse(const uint8_t *buf, size_t len, struct biounit_face_record *out)
{
	struct rec_reader r = { buf, len, 0, false };
	struct biounit_face_image_record *spare;
	const uint8_t *magic, *version;
	bool too_many = false;
	int ret;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	spare = &out->images[BIOUNIT_FACE_RECORD_MAX_IMAGES - 1];
	magic = rec_get_bytes(&r, 4);
	version = rec_get_bytes(&r, 4);
	out->record_length = rec_get_u32(&r);
	out->n_images = rec_get_u16(&r);
	ret = -EBADMSG;
	if (r.bad || memcmp(magic, FACE_MAGIC, 4) || memcmp(version, FACE_VERSION, 4) ||
	    out->record_length != len || out->n_images == 0)
		goto fail;
	memcpy(out->version, version, 4);
	/* images beyond what we hold are read and checked, not kept; a record
	 * that is whole but holds more than we keep is -ENOTSUP */
	for (unsigned int i = 0; i < out->n_images; i++) {
		ret = parse_face_image(&r, i < BIOUNIT_FACE_RECORD_MAX_IMAGES ? &out->images[i]
									: spare);
		if (ret == -ENOTSUP)
			too_many = true;
		else if (ret)
			goto fail;
	}
	if (out->n_images > BIOUNIT_FACE_RECORD_MAX_IMAGES)
		too_many = true;
	ret = -EBADMSG;
	if (rec_left(&r))
		goto fail;
	if (!too_many)
		return 0;
	ret = -ENOTSUP;
fail:
	memset(out, 0, sizeof(*out));
	return ret;
}
