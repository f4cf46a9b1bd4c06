// SPDX-License-Identifier: GPL-2.0
/* Binary PGM (P5) and PPM (P6) decoder, maxval up to 65535. */
#include <errno.h>
#include <stdbool.h>

#include "image_internal.h"

/* Reads one unsigned decimal header field, skipping white space and comments. */
static bool pnm_read_field(const uint8_t *buf, size_t len, size_t *pos, uint32_t *val)
{
	size_t p = *pos;
	uint64_t v = 0;
	bool digits = false;

	for (;;) {
		if (p >= len)
			return false;
		if (buf[p] == '#') {
			while (p < len && buf[p] != '\n')
				p++;
		} else if (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\n' ||
			   buf[p] == '\r' || buf[p] == '\v' || buf[p] == '\f') {
			p++;
		} else {
			break;
		}
	}
	while (p < len && buf[p] >= '0' && buf[p] <= '9') {
		v = v * 10 + (buf[p] - '0');
		if (v > 0xffffffffu)
			return false;
		digits = true;
		p++;
	}
	if (!digits)
		return false;
	*val = (uint32_t)v;
	*pos = p;
	return true;
}

int biounit_image_decode_pnm(const uint8_t *buf, size_t len, struct biounit_image **out)
{
	uint32_t w, h, maxval, channels = buf[1] == '6' ? 3 : 1;
	size_t pos = 2, samples, need, bps, i;
	struct biounit_image *img;
	uint8_t *dst;
	int ret;

	if (!pnm_read_field(buf, len, &pos, &w) || !pnm_read_field(buf, len, &pos, &h) ||
	    !pnm_read_field(buf, len, &pos, &maxval))
		return -EINVAL;
	/* Exactly one white-space byte separates the header from the raster. */
	if (pos >= len || maxval == 0 || maxval > 65535)
		return -EINVAL;
	pos++;
	ret = biounit_image_check_size(w, h);
	if (ret)
		return ret;
	bps = maxval > 255 ? 2 : 1;
	samples = (size_t)w * h * channels;
	need = samples * bps;
	if (len - pos < need)
		return -EINVAL;
	ret = biounit_image_new(w, h, channels == 3 ? BIOUNIT_PIX_RGB24 : BIOUNIT_PIX_GREY, &img);
	if (ret)
		return ret;
	dst = biounit_image_data(img);
	for (i = 0; i < samples; i++) {
		uint32_t s = bps == 2 ? (uint32_t)buf[pos + 2 * i] << 8 | buf[pos + 2 * i + 1]
				      : buf[pos + i];

		if (s > maxval)
			s = maxval;
		dst[i] = (uint8_t)((s * 255u + maxval / 2) / maxval);
	}
	*out = img;
	return 0;
}
