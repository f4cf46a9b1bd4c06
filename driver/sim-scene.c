// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-sim: scenes in front of the sensors
 *
 * An image scene is a binary PNM file (P5 grey or P6 RGB, maxval 255), drawn
 * into the channel's format and size once whenever it changes; each frame is
 * then one copy of that picture. A pen script is text, one point a line.
 * The conversions are written down in docs/simulator.md so that tests can
 * compute the exact bytes a frame must hold.
 */

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sim.h"

/* Images larger than this are refused (a 4096x3072 RGB frame is 37.7 MB) */
#define BSIM_SCENE_MAX_PIXELS	(8192U * 8192U)

static const u8 *bsim_skip_space(const u8 *p, const u8 *end)
{
	while (p < end) {
		if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
		} else if (isspace(*p)) {
			p++;
		} else {
			break;
		}
	}
	return p;
}

static const u8 *bsim_read_uint(const u8 *p, const u8 *end, u32 *val)
{
	u64 v = 0;

	p = bsim_skip_space(p, end);
	if (p == end || !isdigit(*p))
		return NULL;
	while (p < end && isdigit(*p)) {
		v = v * 10 + (*p++ - '0');
		if (v > U32_MAX)
			return NULL;
	}
	*val = v;
	return p;
}

/**
 * bsim_parse_pnm() - read a binary PNM image
 * @data: the file
 * @len: its length
 * @scene: filled with the image; its pixels are kvmalloc()-ed
 * @info: filled with a line for people saying what was read or what is wrong
 * @info_len: size of @info
 *
 * Return: 0, -EINVAL for a malformed file, -EFBIG for a too large one.
 */
int bsim_parse_pnm(const u8 *data, size_t len, struct bsim_scene *scene,
		   char *info, size_t info_len)
{
	const u8 *p = data, *end = data + len;
	u32 w, h, maxval, channels;
	size_t bytes;

	if (len < 2 || data[0] != 'P' || (data[1] != '5' && data[1] != '6')) {
		snprintf(info, info_len, "rejected: not a binary PNM (P5/P6)");
		return -EINVAL;
	}
	channels = data[1] == '5' ? 1 : 3;
	p += 2;
	p = bsim_read_uint(p, end, &w);
	if (p)
		p = bsim_read_uint(p, end, &h);
	if (p)
		p = bsim_read_uint(p, end, &maxval);
	if (!p || p == end || !isspace(*p)) {
		snprintf(info, info_len, "rejected: bad PNM header");
		return -EINVAL;
	}
	p++;
	if (maxval != 255 || !w || !h) {
		snprintf(info, info_len,
			 "rejected: need maxval 255 and a non-empty image");
		return -EINVAL;
	}
	if ((u64)w * h > BSIM_SCENE_MAX_PIXELS) {
		snprintf(info, info_len, "rejected: %ux%u is too large", w, h);
		return -EFBIG;
	}
	bytes = (size_t)w * h * channels;
	if (end - p != bytes) {
		snprintf(info, info_len,
			 "rejected: %zu bytes of pixels, %ux%u needs %zu",
			 (size_t)(end - p), w, h, bytes);
		return -EINVAL;
	}

	scene->pixels = kvmalloc(bytes, GFP_KERNEL);
	if (!scene->pixels) {
		snprintf(info, info_len, "rejected: out of memory");
		return -ENOMEM;
	}
	memcpy(scene->pixels, p, bytes);
	scene->width = w;
	scene->height = h;
	scene->channels = channels;
	snprintf(info, info_len, "%ux%u %s", w, h, channels == 1 ? "grey" : "rgb");
	return 0;
}

/**
 * bsim_parse_script() - read a pen script
 * @data: the text: per line "t_us x y pressure", '#' starts a comment
 * @len: its length
 * @ch: the pad channel, for its ranges
 * @points: filled with a kvmalloc()-ed array of the points
 * @count: filled with the number of points
 * @info: filled with a line for people
 * @info_len: size of @info
 *
 * Times must not decrease, positions and pressures must lie in the pad's
 * ranges.
 *
 * Return: 0 or -EINVAL.
 */
int bsim_parse_script(const u8 *data, size_t len, const struct bsim_channel *ch,
		      struct bsim_pen_point **points, u32 *count, char *info,
		      size_t info_len)
{
	const u8 *p = data, *end = data + len;
	struct bsim_pen_point *pts;
	u32 n = 0, line = 1, last_t = 0;
	size_t lines = 1, i;

	for (i = 0; i < len; i++)
		lines += data[i] == '\n';
	if (lines > BSIM_SCRIPT_MAX_POINTS) {
		snprintf(info, info_len, "rejected: more than %u lines",
			 BSIM_SCRIPT_MAX_POINTS);
		return -EINVAL;
	}
	pts = kvcalloc(lines, sizeof(*pts), GFP_KERNEL);
	if (!pts) {
		snprintf(info, info_len, "rejected: out of memory");
		return -ENOMEM;
	}

	while (p < end) {
		struct bsim_pen_point pt;
		const u8 *q = p;

		/* skip blank and comment lines, counting them */
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && (*q == '\n' || *q == '#')) {
			while (q < end && *q != '\n')
				q++;
			p = q + 1;
			line++;
			continue;
		}
		if (q == end)
			break;

		q = bsim_read_uint(q, end, &pt.t_us);
		if (q)
			q = bsim_read_uint(q, end, &pt.x);
		if (q)
			q = bsim_read_uint(q, end, &pt.y);
		if (q)
			q = bsim_read_uint(q, end, &pt.pressure);
		while (q && q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (!q || (q < end && *q != '\n')) {
			snprintf(info, info_len,
				 "rejected: line %u: want \"t_us x y pressure\"",
				 line);
			goto err;
		}
		if (pt.t_us < last_t || pt.x >= ch->pad_width ||
		    pt.y >= ch->pad_height || pt.pressure > ch->pressure_max) {
			snprintf(info, info_len,
				 "rejected: line %u: time goes back or point outside the pad",
				 line);
			goto err;
		}
		last_t = pt.t_us;
		pts[n++] = pt;
		p = q < end ? q + 1 : end;
		line++;
	}

	*points = pts;
	*count = n;
	snprintf(info, info_len, "%u points, %u us", n, last_t);
	return 0;
err:
	kvfree(pts);
	return -EINVAL;
}

/* BT.601 full-range integer conversion; see docs/simulator.md */
static inline u8 bsim_clamp(int v)
{
	return clamp(v, 0, 255);
}

static inline u8 bsim_y(const u8 *rgb)
{
	return (77 * rgb[0] + 150 * rgb[1] + 29 * rgb[2] + 128) >> 8;
}

static inline u8 bsim_cb(const u8 *rgb)
{
	return bsim_clamp((-43 * rgb[0] - 85 * rgb[1] + 128 * rgb[2] + 32896) >> 8);
}

static inline u8 bsim_cr(const u8 *rgb)
{
	return bsim_clamp((128 * rgb[0] - 107 * rgb[1] - 21 * rgb[2] + 32896) >> 8);
}

/* One row of the scene, scaled to @w pixels, with gain, as RGB */
static void bsim_scene_row(const struct bsim_scene *scene, u32 sy, u32 w,
			   u32 gain, u8 *rgb)
{
	const u8 *row = scene->pixels + (size_t)sy * scene->width * scene->channels;
	u32 x, sx = 0, acc = 0;

	for (x = 0; x < w; x++) {
		const u8 *px = row + (size_t)sx * scene->channels;
		unsigned int c;

		for (c = 0; c < 3; c++) {
			u32 v = px[scene->channels == 3 ? c : 0];

			rgb[3 * x + c] = gain == 100 ? v : min(255U, v * gain / 100);
		}
		/* sx = x * scene->width / w, kept without a division */
		acc += scene->width;
		while (acc >= w) {
			acc -= w;
			sx++;
		}
	}
}

/* XBGR32: B, G, R of @rgb, then the padding byte, always 0xff */
static void bsim_xbgr32_row(const u8 *rgb, u32 w, u8 *o)
{
	u32 x;

	for (x = 0; x < w; x++, rgb += 3, o += 4) {
		o[0] = rgb[2];
		o[1] = rgb[1];
		o[2] = rgb[0];
		o[3] = 0xff;
	}
}

/**
 * bsim_render() - draw a scene into a frame of a given format
 * @scene: the scene; no scene means a frame of @fill
 * @gain: gain in hundredths, applied before the conversion
 * @fmt: the frame's format and size
 * @fill: the byte a frame without a scene is filled with (but the padding
 *	byte of XBGR32, which is always 0xff)
 * @out: the frame, fmt->sizeimage bytes
 *
 * The scene is scaled to the frame size by nearest neighbour: the source
 * pixel of (x, y) is (x * scene width / width, y * scene height / height).
 *
 * Return: 0 or -ENOMEM.
 */
int bsim_render(const struct bsim_scene *scene, u32 gain,
		const struct biounit_format *fmt, u8 fill, u8 *out)
{
	u32 w = fmt->width, h = fmt->height, x, y;
	u8 *rgb;

	if (!scene->width) {
		memset(out, fill, fmt->sizeimage);
		if (fmt->pixelformat == BIOUNIT_FMT_XBGR32)
			for (x = 3; x < fmt->sizeimage; x += 4)
				out[x] = 0xff;
		return 0;
	}

	rgb = kvmalloc_array(w, 3, GFP_KERNEL);
	if (!rgb)
		return -ENOMEM;

	for (y = 0; y < h; y++) {
		u32 sy = (u64)y * scene->height / h;

		bsim_scene_row(scene, sy, w, gain, rgb);
		switch (fmt->pixelformat) {
		case BIOUNIT_FMT_RGB24:
			memcpy(out + (size_t)y * w * 3, rgb, (size_t)w * 3);
			break;
		case BIOUNIT_FMT_XBGR32:
			bsim_xbgr32_row(rgb, w, out + (size_t)y * w * 4);
			break;
		case BIOUNIT_FMT_GREY:
			for (x = 0; x < w; x++)
				out[(size_t)y * w + x] = bsim_y(rgb + 3 * x);
			break;
		case BIOUNIT_FMT_YUYV: {
			u8 *o = out + (size_t)y * w * 2;

			for (x = 0; x + 1 < w; x += 2, o += 4) {
				o[0] = bsim_y(rgb + 3 * x);
				o[1] = bsim_cb(rgb + 3 * x);
				o[2] = bsim_y(rgb + 3 * x + 3);
				o[3] = bsim_cr(rgb + 3 * x);
			}
			break;
		}
		case BIOUNIT_FMT_NV12: {
			u8 *uv = out + (size_t)w * h + (size_t)(y / 2) * w;

			for (x = 0; x < w; x++)
				out[(size_t)y * w + x] = bsim_y(rgb + 3 * x);
			if (y % 2)
				break;
			for (x = 0; x + 1 < w; x += 2) {
				uv[x] = bsim_cb(rgb + 3 * x);
				uv[x + 1] = bsim_cr(rgb + 3 * x);
			}
			break;
		}
		}
	}
	kvfree(rgb);
	return 0;
}
