// SPDX-License-Identifier: GPL-2.0
/*
 * Structural checks of the image streams inside our records, without
 * decoding: the marker chain of a JPEG 2000 codestream (ISO/IEC 15444-1
 * Annex A), a JPEG file (ISO/IEC 10918-1 Annex B) and a WSQ file (IAFIS-IC-0110
 * V3.1, its marker table) must run from the start marker to the end marker that closes
 * the buffer exactly, every segment inside it, and the frame header must give
 * the image's size. The readers compare that size with the record's fields.
 */
#include <errno.h>

#include "records_internal.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------- JPEG 2000 */

#define J2K_SOC 0xff4f
#define J2K_SIZ 0xff51
#define J2K_SOT 0xff90
#define J2K_EOC 0xffd9

int rec_j2k_inspect(const uint8_t *p, size_t n, struct rec_image_info *info)
{
	size_t pos, lsiz;
	uint32_t xsiz, ysiz, xo, yo;
	unsigned int csiz;

	if (!p || n < 4 + 40 + 2 || be16(p) != J2K_SOC || be16(p + 2) != J2K_SIZ)
		return -EBADMSG;
	if (be16(p + n - 2) != J2K_EOC)
		return -EBADMSG;
	lsiz = be16(p + 4);
	csiz = lsiz >= 38 ? be16(p + 4 + 36) : 0;
	if (csiz < 1 || csiz > 16384 || lsiz != 38 + 3 * (size_t)csiz || 4 + lsiz > n - 2)
		return -EBADMSG;
	xsiz = be32(p + 8);
	ysiz = be32(p + 12);
	xo = be32(p + 16);
	yo = be32(p + 20);
	if (xsiz <= xo || ysiz <= yo)
		return -EBADMSG;
	/* tiles (A.5.1): non-empty, the first one overlapping the image */
	{
		uint32_t xt = be32(p + 24), yt = be32(p + 28), xto = be32(p + 32), yto = be32(p + 36);

		if (!xt || !yt || xto > xo || yto > yo || (uint64_t)xt + xto <= xo ||
		    (uint64_t)yt + yto <= yo)
			return -EBADMSG;
	}
	for (unsigned int c = 0; c < csiz; c++) {
		const uint8_t *cp = p + 4 + 38 + 3 * c;

		if ((cp[0] & 0x7f) > 37 || cp[1] == 0 || cp[2] == 0)
			return -EBADMSG;
	}
	/* main header: marker segments up to the first tile-part */
	pos = 4 + lsiz;
	for (;;) {
		uint16_t m, len;

		if (pos + 4 > n - 2)
			return -EBADMSG;
		m = be16(p + pos);
		if (m == J2K_SOT)
			break;
		len = be16(p + pos + 2);
		if (m < 0xff30 || len < 2 || pos + 2 + len > n - 2)
			return -EBADMSG;
		pos += 2 + (size_t)len;
	}
	/* tile-parts: SOT with Psot chaining to EOC */
	for (;;) {
		uint32_t psot;

		if (pos + 12 > n - 2 || be16(p + pos) != J2K_SOT || be16(p + pos + 2) != 10)
			return -EBADMSG;
		psot = be32(p + pos + 6);
		if (psot == 0)	/* the last tile-part runs to EOC */
			break;
		if (psot < 14 || psot > n - 2 - pos)
			return -EBADMSG;
		pos += psot;
		if (pos == n - 2)
			break;
	}
	if (info) {
		info->width = xsiz - xo;
		info->height = ysiz - yo;
		info->components = csiz;
		info->precision = (p[4 + 38] & 0x7f) + 1u;
	}
	return 0;
}

/* ------------------------------------------------------------------ JPEG */

static int jpeg_is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

int rec_jpeg_inspect(const uint8_t *p, size_t n, struct rec_image_info *info)
{
	size_t pos = 2;
	int have_frame = 0, have_scan = 0;
	struct rec_image_info frame = { 0 };

	if (!p || n < 4 || be16(p) != 0xffd8 || be16(p + n - 2) != 0xffd9)
		return -EBADMSG;
	while (pos < n - 2) {
		uint8_t m;
		uint16_t len;

		if (p[pos] != 0xff)
			return -EBADMSG;
		while (pos < n - 2 && p[pos] == 0xff)	/* fill bytes */
			pos++;
		if (pos >= n - 2)
			return -EBADMSG;
		m = p[pos++];
		if (m < 0xc0 && m != 0x01)	/* 0x00 and reserved markers */
			return -EBADMSG;
		if (m == 0xd8 || m == 0xd9)
			return -EBADMSG;
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;
		if (pos + 2 > n - 2)
			return -EBADMSG;
		len = be16(p + pos);
		if (len < 2 || pos + len > n - 2)
			return -EBADMSG;
		if (jpeg_is_sof(m)) {
			unsigned int nf;

			if (have_frame || len < 8)
				return -EBADMSG;
			nf = p[pos + 7];
			if (nf < 1 || nf > 4 || len != 8 + 3 * nf)
				return -EBADMSG;
			frame.precision = p[pos + 2];
			frame.height = be16(p + pos + 3);
			frame.width = be16(p + pos + 5);
			frame.components = nf;
			if (!frame.width || !frame.height)
				return -EBADMSG;
			have_frame = 1;
		}
		pos += len;
		if (m == 0xda) {
			if (!have_frame)
				return -EBADMSG;
			have_scan = 1;
			/* entropy-coded data: 0xff is followed by 0x00 (stuffing) or RSTn */
			while (pos < n - 2) {
				if (p[pos] == 0xff) {
					uint8_t next = p[pos + 1];

					if (next != 0x00 && !(next >= 0xd0 && next <= 0xd7))
						break;
					pos += 2;
				} else {
					pos++;
				}
			}
		}
	}
	if (pos != n - 2 || !have_scan)
		return -EBADMSG;
	if (info)
		*info = frame;
	return 0;
}

/* ------------------------------------------------------------------- WSQ */

#define WSQ_SOI 0xffa0
#define WSQ_EOI 0xffa1
#define WSQ_SOF 0xffa2
#define WSQ_SOB 0xffa3
#define WSQ_DTT 0xffa4
#define WSQ_DQT 0xffa5
#define WSQ_DHT 0xffa6
#define WSQ_COM 0xffa8

int rec_wsq_inspect(const uint8_t *p, size_t n, struct rec_image_info *info)
{
	size_t pos = 2;
	int have_frame = 0, blocks = 0;
	struct rec_image_info frame = { 0 };

	if (!p || n < 4 || be16(p) != WSQ_SOI || be16(p + n - 2) != WSQ_EOI)
		return -EBADMSG;
	while (pos < n - 2) {
		uint16_t m, len;

		if (pos + 4 > n - 2)
			return -EBADMSG;
		m = be16(p + pos);
		len = be16(p + pos + 2);
		if (len < 2 || pos + 2 + len > n - 2)
			return -EBADMSG;
		switch (m) {
		case WSQ_SOF:
			/* Lf, black, white, lines (Y), samples per line (X), ... */
			if (have_frame || len < 8)
				return -EBADMSG;
			frame.height = be16(p + pos + 6);
			frame.width = be16(p + pos + 8);
			frame.components = 1;
			frame.precision = 8;
			if (!frame.width || !frame.height)
				return -EBADMSG;
			have_frame = 1;
			break;
		case WSQ_SOB:
		case WSQ_DTT:
		case WSQ_DQT:
		case WSQ_DHT:
		case WSQ_COM:
			break;
		default:
			return -EBADMSG;
		}
		pos += 2 + (size_t)len;
		if (m == WSQ_SOB) {
			if (!have_frame)
				return -EBADMSG;
			blocks++;
			/* entropy-coded data: 0xff is followed by 0x00 (stuffing) */
			while (pos < n - 2 && !(p[pos] == 0xff && p[pos + 1] != 0x00))
				pos += p[pos] == 0xff ? 2 : 1;
		}
	}
	if (pos != n - 2 || !blocks)
		return -EBADMSG;
	if (info)
		*info = frame;
	return 0;
}
