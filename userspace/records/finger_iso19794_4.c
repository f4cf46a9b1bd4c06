// SPDX-License-Identifier: GPL-2.0
/*
 * ISO/IEC 19794-4:2005 finger image record: writer and strict reader.
 * We write image acquisition level 31 (500 ppi, 8 bits), scale in pixels per
 * inch, every view WSQ-compressed (wsq/wsq.h). The reader takes what we
 * write: WSQ only (-ENOTSUP for the other compression codes).
 * Layout: docs/records.md, "Fingerprints".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wsq/wsq.h"

#include "records_internal.h"

#define FIR_MAGIC "FIR"			/* with its NUL: 4 bytes */
#define FIR_VERSION "010"
#define FIR_HEADER_LEN 32u
#define FIR_VIEW_HEADER_LEN 14u
#define FIR_PPI 500u
#define FIR_MAX_POSITION 15u
#define FIR_MAX_IMPRESSION 8u
#define FIR_MAX_QUALITY 100u
#define FIR_MIN_SIDE 32u		/* the WSQ encoder's smallest image */

static int check_params(const struct biounit_finger_record_params *p)
{
	if (!p || !p->n_views || p->n_views > BIOUNIT_FINGER_RECORD_MAX_VIEWS || !p->views)
		return -EINVAL;
	if (p->wsq_bitrate < 0)
		return -EINVAL;
	for (size_t i = 0; i < p->n_views; i++) {
		const struct biounit_finger_view_input *v = &p->views[i];

		if (biounit_image_view_check(&v->image) || v->image.format != BIOUNIT_PIX_GREY ||
		    v->image.width < FIR_MIN_SIDE || v->image.height < FIR_MIN_SIDE ||
		    v->image.width > 65535 || v->image.height > 65535 ||
		    v->position > FIR_MAX_POSITION || v->impression > FIR_MAX_IMPRESSION ||
		    v->quality > FIR_MAX_QUALITY)
			return -EINVAL;
	}
	return 0;
}

/* Image acquisition levels of ISO/IEC 19794-4:2005 Table 1. */
static int acquisition_level_ok(uint16_t level)
{
	return level == 10 || level == 20 || level == 30 || level == 31 || level == 40 ||
	       level == 41;
}

/* Views of the same finger are counted and numbered 1, 2, ... in input order. */
static void view_numbering(const struct biounit_finger_view_input *views, size_t n, size_t i,
			   uint8_t *count, uint8_t *number)
{
	unsigned int c = 0, k = 0;

	for (size_t j = 0; j < n; j++)
		if (views[j].position == views[i].position) {
			c++;
			if (j <= i)
				k++;
		}
	*count = (uint8_t)c;
	*number = (uint8_t)k;
}

int rec_iso19794_4_encode(const struct biounit_finger_record_params *p, struct biounit_blob *out)
{
	float bitrate;
	struct rec_writer w = { 0 };
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = check_params(p);
	if (ret)
		return ret;
	bitrate = p->wsq_bitrate > 0 ? p->wsq_bitrate : BIOUNIT_WSQ_BITRATE_DEFAULT;
	rec_put_bytes(&w, FIR_MAGIC, 4);
	rec_put_bytes(&w, FIR_VERSION, 4);
	rec_put_u48(&w, 0);			/* record length, patched below */
	rec_put_u16(&w, p->capture_device_id);
	rec_put_u16(&w, BIOUNIT_FINGER_ACQ_LEVEL_31);
	rec_put_u8(&w, (uint8_t)p->n_views);
	rec_put_u8(&w, BIOUNIT_FINGER_SCALE_PPI);
	rec_put_u16(&w, FIR_PPI);		/* scan resolution, horizontal */
	rec_put_u16(&w, FIR_PPI);		/* vertical */
	rec_put_u16(&w, FIR_PPI);		/* image resolution, horizontal */
	rec_put_u16(&w, FIR_PPI);		/* vertical */
	rec_put_u8(&w, 8);			/* pixel depth */
	rec_put_u8(&w, BIOUNIT_FINGER_WSQ);
	rec_put_u16(&w, 0);			/* reserved */
	for (size_t i = 0; i < p->n_views && !w.error; i++) {
		const struct biounit_finger_view_input *v = &p->views[i];
		uint8_t *wsq = NULL;
		size_t wsq_len = 0;
		uint8_t count, number;

		ret = biounit_wsq_encode(&v->image, bitrate, FIR_PPI, &wsq, &wsq_len);
		if (ret) {
			w.error = ret;
			break;
		}
		if (wsq_len > UINT32_MAX - FIR_VIEW_HEADER_LEN) {
			free(wsq);
			w.error = -E2BIG;
			break;
		}
		view_numbering(p->views, p->n_views, i, &count, &number);
		rec_put_u32(&w, (uint32_t)(FIR_VIEW_HEADER_LEN + wsq_len));
		rec_put_u8(&w, v->position);
		rec_put_u8(&w, count);
		rec_put_u8(&w, number);
		rec_put_u8(&w, v->quality);
		rec_put_u8(&w, v->impression);
		rec_put_u16(&w, (uint16_t)v->image.width);
		rec_put_u16(&w, (uint16_t)v->image.height);
		rec_put_u8(&w, 0);		/* reserved */
		rec_put_bytes(&w, wsq, wsq_len);
		free(wsq);
	}
	rec_patch_u48(&w, 8, w.len);
	return rec_writer_finish(&w, out);
}

static int parse_view(struct rec_reader *r, struct biounit_finger_view_record *v)
{
	struct rec_image_info info;
	size_t start = r->pos;
	int ret;

	v->block_length = rec_get_u32(r);
	v->position = rec_get_u8(r);
	v->view_count = rec_get_u8(r);
	v->view_number = rec_get_u8(r);
	v->quality = rec_get_u8(r);
	v->impression = rec_get_u8(r);
	v->width = rec_get_u16(r);
	v->height = rec_get_u16(r);
	if (rec_get_u8(r) != 0 || r->bad)
		return -EBADMSG;
	if (v->block_length <= FIR_VIEW_HEADER_LEN || v->block_length > r->len - start)
		return -EBADMSG;
	if (v->position > FIR_MAX_POSITION || !v->view_count || !v->view_number ||
	    v->view_number > v->view_count || v->quality > FIR_MAX_QUALITY ||
	    v->impression > FIR_MAX_IMPRESSION || !v->width || !v->height)
		return -EBADMSG;
	v->image_len = v->block_length - FIR_VIEW_HEADER_LEN;
	v->image = rec_get_bytes(r, v->image_len);
	if (!v->image)
		return -EBADMSG;
	ret = rec_wsq_inspect(v->image, v->image_len, &info);
	if (ret)
		return ret;
	if (info.width != v->width || info.height != v->height)
		return -EBADMSG;
	return 0;
}

/* Every finger's views: as many as its count says, each number once. */
static int views_consistent(const struct biounit_finger_record *rec)
{
	for (unsigned int i = 0; i < rec->n_views; i++) {
		unsigned int same = 0, same_number = 0;

		for (unsigned int j = 0; j < rec->n_views; j++) {
			if (rec->views[j].position != rec->views[i].position)
				continue;
			same++;
			if (rec->views[j].view_count != rec->views[i].view_count)
				return 0;
			if (rec->views[j].view_number == rec->views[i].view_number)
				same_number++;
		}
		if (same != rec->views[i].view_count || same_number != 1)
			return 0;
	}
	return 1;
}

int rec_iso19794_4_parse(const uint8_t *buf, size_t len, struct biounit_finger_record *out)
{
	struct rec_reader r = { buf, len, 0, false };
	const uint8_t *magic, *version;
	int ret = -EBADMSG;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	magic = rec_get_bytes(&r, 4);
	version = rec_get_bytes(&r, 4);
	out->record_length = rec_get_u48(&r);
	out->capture_device_id = rec_get_u16(&r);
	out->acquisition_level = rec_get_u16(&r);
	out->n_views = rec_get_u8(&r);
	out->scale_units = rec_get_u8(&r);
	out->scan_res_x = rec_get_u16(&r);
	out->scan_res_y = rec_get_u16(&r);
	out->image_res_x = rec_get_u16(&r);
	out->image_res_y = rec_get_u16(&r);
	out->pixel_depth = rec_get_u8(&r);
	out->compression = rec_get_u8(&r);
	if (rec_get_u16(&r) != 0 || r.bad || memcmp(magic, FIR_MAGIC, 4) ||
	    memcmp(version, FIR_VERSION, 4))
		goto fail;
	memcpy(out->version, version, 4);
	if (out->record_length != len || !out->n_views ||
	    !acquisition_level_ok(out->acquisition_level) ||
	    (out->scale_units != BIOUNIT_FINGER_SCALE_PPI &&
	     out->scale_units != BIOUNIT_FINGER_SCALE_PPCM) ||
	    !out->scan_res_x || !out->scan_res_y || !out->image_res_x || !out->image_res_y ||
	    !out->pixel_depth || out->pixel_depth > 16 || out->compression > BIOUNIT_FINGER_PNG)
		goto fail;
	ret = -ENOTSUP;
	if (out->compression != BIOUNIT_FINGER_WSQ || out->pixel_depth != 8)
		goto fail;
	for (unsigned int i = 0; i < out->n_views; i++) {
		ret = parse_view(&r, &out->views[i]);
		if (ret)
			goto fail;
	}
	ret = -EBADMSG;
	if (rec_left(&r) || !views_consistent(out))
		goto fail;
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return ret;
}
