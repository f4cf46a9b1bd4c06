// SPDX-License-Identifier: GPL-2.0
/*
 * The signature's two parts: the displayed signature as a grey baseline JPEG
 * (what ICAO Doc 9303's displayed-signature data group holds) and the pen
 * samples in our own binary block "BSPN" (big-endian, CRC-32 at the end),
 * with strict readers for both. Layout: docs/records.md, "Signature".
 */
#include <errno.h>
#include <string.h>

#include "records_internal.h"

#define PEN_MAGIC "BSPN"
#define PEN_VERSION 1u
#define PEN_HEADER_LEN 44u
#define PEN_SAMPLE_LEN 16u
#define PEN_CRC_LEN 4u
#define PEN_FLAG_DOWN 0x0001u

static int write_pen_samples(const struct biounit_signature *sig, struct biounit_blob *out)
{
	struct biounit_signature_box box = biounit_signature_get_box(sig);
	size_t n = biounit_signature_count(sig);
	struct biounit_signature_sample s;
	struct rec_writer w = { 0 };
	uint64_t t0 = 0;
	int ret;

	if (box.pressure_max > UINT16_MAX || n > BIOUNIT_SIGNATURE_MAX_SAMPLES)
		return -EINVAL;
	if (n && biounit_signature_sample(sig, 0, &s) == 0)
		t0 = s.t_us;
	rec_put_bytes(&w, PEN_MAGIC, 4);
	rec_put_u16(&w, PEN_VERSION);
	rec_put_u16(&w, PEN_HEADER_LEN);
	rec_put_u32(&w, (uint32_t)box.x0);
	rec_put_u32(&w, (uint32_t)box.y0);
	rec_put_u32(&w, (uint32_t)box.x1);
	rec_put_u32(&w, (uint32_t)box.y1);
	rec_put_u32(&w, box.units_per_mm);
	rec_put_u32(&w, box.pressure_max);
	rec_put_u32(&w, (uint32_t)n);
	rec_put_u64(&w, t0);
	for (size_t i = 0; i < n; i++) {
		ret = biounit_signature_sample(sig, i, &s);
		if (ret || s.t_us - t0 > UINT32_MAX) {
			w.error = ret ? ret : -EINVAL;
			break;
		}
		rec_put_u32(&w, (uint32_t)(s.t_us - t0));
		rec_put_u32(&w, (uint32_t)s.x);
		rec_put_u32(&w, (uint32_t)s.y);
		rec_put_u16(&w, (uint16_t)s.pressure);
		rec_put_u16(&w, s.pen_down ? PEN_FLAG_DOWN : 0);
	}
	if (!w.error)
		rec_put_u32(&w, rec_crc32(w.data, w.len));
	return rec_writer_finish(&w, out);
}

int rec_signature_encode(const struct biounit_signature_record_params *p,
			 struct biounit_signature_record_out *out)
{
	struct biounit_image *img = NULL;
	struct biounit_image_view v;
	int quality, ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!p || !p->signature || !p->width != !p->height || p->jpeg_quality < 0 ||
	    p->jpeg_quality > 100 || p->width > 65535 || p->height > 65535)
		return -EINVAL;
	quality = p->jpeg_quality ? p->jpeg_quality : BIOUNIT_SIGNATURE_JPEG_QUALITY;
	ret = biounit_signature_render(p->signature, p->width ? p->width : BIOUNIT_SIGNATURE_RENDER_W,
				       p->height ? p->height : BIOUNIT_SIGNATURE_RENDER_H, &img);
	if (ret)
		return ret;
	v = biounit_image_get_view(img);
	ret = biounit_image_encode_jpeg(&v, quality, &out->image_jpeg.data, &out->image_jpeg.len);
	biounit_image_free(img);
	if (!ret)
		ret = write_pen_samples(p->signature, &out->pen_samples);
	if (ret)
		biounit_signature_record_out_free(out);
	return ret;
}

static int parse_pen_samples(const uint8_t *pen, size_t len, uint64_t *t0,
			     struct biounit_signature **out)
{
	struct rec_reader r = { pen, len, 0, false };
	struct biounit_signature_box box;
	struct biounit_signature *sig = NULL;
	const uint8_t *magic;
	uint32_t n;
	int ret;

	if (len < PEN_HEADER_LEN + PEN_CRC_LEN)
		return -EBADMSG;
	if (rec_crc32(pen, len - PEN_CRC_LEN) !=
	    ((uint32_t)pen[len - 4] << 24 | (uint32_t)pen[len - 3] << 16 |
	     (uint32_t)pen[len - 2] << 8 | pen[len - 1]))
		return -EBADMSG;
	magic = rec_get_bytes(&r, 4);
	if (memcmp(magic, PEN_MAGIC, 4) || rec_get_u16(&r) != PEN_VERSION ||
	    rec_get_u16(&r) != PEN_HEADER_LEN)
		return -EBADMSG;
	box.x0 = (int32_t)rec_get_u32(&r);
	box.y0 = (int32_t)rec_get_u32(&r);
	box.x1 = (int32_t)rec_get_u32(&r);
	box.y1 = (int32_t)rec_get_u32(&r);
	box.units_per_mm = rec_get_u32(&r);
	box.pressure_max = rec_get_u32(&r);
	n = rec_get_u32(&r);
	*t0 = rec_get_u64(&r);
	if (r.bad || n > BIOUNIT_SIGNATURE_MAX_SAMPLES || box.pressure_max > UINT16_MAX ||
	    len != PEN_HEADER_LEN + (size_t)n * PEN_SAMPLE_LEN + PEN_CRC_LEN)
		return -EBADMSG;
	ret = biounit_signature_new(&box, &sig);
	if (ret)
		return ret == -EINVAL ? -EBADMSG : ret;
	for (uint32_t i = 0; i < n; i++) {
		struct biounit_signature_sample s;
		uint32_t dt = rec_get_u32(&r);
		uint16_t flags;

		s.x = (int32_t)rec_get_u32(&r);
		s.y = (int32_t)rec_get_u32(&r);
		s.pressure = rec_get_u16(&r);
		flags = rec_get_u16(&r);
		if ((i == 0 && dt != 0) || (flags & ~PEN_FLAG_DOWN) || *t0 > UINT64_MAX - dt) {
			ret = -EBADMSG;
			break;
		}
		s.t_us = *t0 + dt;
		s.pen_down = flags & PEN_FLAG_DOWN;
		ret = biounit_signature_add(sig, &s);
		if (ret) {
			if (ret == -EINVAL)
				ret = -EBADMSG;
			break;
		}
	}
	if (ret) {
		biounit_signature_free(sig);
		return ret;
	}
	*out = sig;
	return 0;
}

int rec_signature_parse(const uint8_t *image, size_t image_len, const uint8_t *pen,
			size_t pen_len, struct biounit_signature_record *out)
{
	struct rec_image_info info;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!image || !pen)
		return -EINVAL;
	ret = rec_jpeg_inspect(image, image_len, &info);
	if (ret)
		return ret;
	if (info.components != 1 || info.precision != 8)
		return -EBADMSG;
	ret = parse_pen_samples(pen, pen_len, &out->t0_us, &out->signature);
	if (ret) {
		out->t0_us = 0;
		return ret;
	}
	out->image_width = (uint16_t)info.width;
	out->image_height = (uint16_t)info.height;
	out->image_components = (uint8_t)info.components;
	return 0;
}
