// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: channel kinds, pixel formats and format negotiation
 *
 * A request is taken as it is or refused with -EINVAL: the driver never
 * picks another size or format than the one asked for.
 */

#include <linux/minmax.h>
#include <linux/string.h>

#include "biounit-priv.h"

static const u32 biounit_face_formats[] = {
	BIOUNIT_FMT_YUYV, BIOUNIT_FMT_NV12, BIOUNIT_FMT_RGB24,
	BIOUNIT_FMT_GREY, BIOUNIT_FMT_XBGR32, 0
};

static const struct biounit_frame_size biounit_face_sizes[] = {
	{ 640, 480, false },
	{ 1280, 720, false },
	{ 1920, 1080, false },
	{ 2048, 1536, true },
	{ 4096, 3072, true },
	{ }
};

static const u32 biounit_finger_formats[] = { BIOUNIT_FMT_GREY, 0 };

/* 500 ppi: one finger flat 0.8 x 1.0 inch, two fingers flat 1.6 x 1.5 inch */
static const struct biounit_frame_size biounit_finger_sizes[] = {
	{ 400, 500, true },
	{ 800, 750, true },
	{ }
};

static const u32 biounit_pad_formats[] = { BIOUNIT_FMT_PEN, 0 };

/* Samples per buffer */
static const struct biounit_frame_size biounit_pad_sizes[] = {
	{ 16, 1, false },
	{ 64, 1, false },
	{ 256, 1, false },
	{ }
};

const struct biounit_channel_type biounit_channel_types[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = {
		.type = BIOUNIT_CHTYPE_CAMERA,
		.name = "face camera",
		.formats = biounit_face_formats,
		.sizes = biounit_face_sizes,
		.default_size = 0,
		.default_interval_us = 33333,
	},
	[BIOUNIT_CH_FINGER] = {
		.type = BIOUNIT_CHTYPE_SCANNER,
		.name = "finger scanner",
		.formats = biounit_finger_formats,
		.sizes = biounit_finger_sizes,
		.default_size = 0,
		.default_interval_us = 100000,
	},
	[BIOUNIT_CH_SIGNATURE] = {
		.type = BIOUNIT_CHTYPE_PAD,
		.name = "signature pad",
		.formats = biounit_pad_formats,
		.sizes = biounit_pad_sizes,
		.default_size = 1,
		.default_interval_us = 20000,
	},
};

/**
 * biounit_format_name() - a pixel format's name for people
 * @pixelformat: BIOUNIT_FMT_*
 *
 * Return: the name.
 */
const char *biounit_format_name(u32 pixelformat)
{
	switch (pixelformat) {
	case BIOUNIT_FMT_GREY:
		return "8-bit greyscale";
	case BIOUNIT_FMT_YUYV:
		return "YUV 4:2:2 packed (YUYV)";
	case BIOUNIT_FMT_NV12:
		return "YUV 4:2:0 semi-planar (NV12)";
	case BIOUNIT_FMT_RGB24:
		return "24-bit RGB";
	case BIOUNIT_FMT_XBGR32:
		return "32-bit BGRX 8-8-8-8";
	default:
		return "pen samples";
	}
}

static bool biounit_has_format(const struct biounit_channel *ch, u32 pixfmt)
{
	const u32 *f;

	for (f = ch->type->formats; *f; f++)
		if (*f == pixfmt)
			return true;
	return false;
}

static bool biounit_size_allowed(const struct biounit_channel *ch,
				 const struct biounit_frame_size *s)
{
	return s->width <= ch->max_width && s->height <= ch->max_height;
}

static bool biounit_has_size(const struct biounit_channel *ch, u32 w, u32 h)
{
	const struct biounit_frame_size *s;

	for (s = ch->type->sizes; s->width; s++)
		if (s->width == w && s->height == h &&
		    biounit_size_allowed(ch, s))
			return true;
	return false;
}

/**
 * biounit_fill_format() - validate a format and complete its derived fields
 * @ch: the channel
 * @fmt: the format; a zero pixelformat asks for the channel's default
 *	format, a zero interval for the current (or default) interval
 *
 * Return: 0, or -EINVAL if the channel does not have the format, size or
 * interval.
 */
int biounit_fill_format(struct biounit_channel *ch, struct biounit_format *fmt)
{
	const struct biounit_channel_type *t = ch->type;

	if (!fmt->pixelformat) {
		const struct biounit_frame_size *def = &t->sizes[t->default_size];

		fmt->pixelformat = t->formats[0];
		fmt->width = def->width;
		fmt->height = def->height;
		fmt->interval_us = t->default_interval_us;
	}
	if (!fmt->interval_us)
		fmt->interval_us = ch->fmt.interval_us;

	if (!biounit_has_format(ch, fmt->pixelformat) ||
	    !biounit_has_size(ch, fmt->width, fmt->height) ||
	    fmt->interval_us < ch->min_interval_us ||
	    fmt->interval_us > ch->max_interval_us)
		return -EINVAL;

	switch (fmt->pixelformat) {
	case BIOUNIT_FMT_GREY:
		fmt->bytesperline = fmt->width;
		fmt->sizeimage = fmt->width * fmt->height;
		break;
	case BIOUNIT_FMT_YUYV:
		fmt->bytesperline = fmt->width * 2;
		fmt->sizeimage = fmt->bytesperline * fmt->height;
		break;
	case BIOUNIT_FMT_NV12:
		fmt->bytesperline = fmt->width;
		fmt->sizeimage = fmt->width * fmt->height * 3 / 2;
		break;
	case BIOUNIT_FMT_RGB24:
		fmt->bytesperline = fmt->width * 3;
		fmt->sizeimage = fmt->bytesperline * fmt->height;
		break;
	case BIOUNIT_FMT_XBGR32:
		fmt->bytesperline = fmt->width * 4;
		fmt->sizeimage = fmt->bytesperline * fmt->height;
		break;
	default:
		fmt->bytesperline = fmt->width *
				    sizeof(struct biounit_pen_sample);
		fmt->sizeimage = fmt->bytesperline;
		break;
	}
	return 0;
}

static long biounit_enum_fmt(struct biounit_unit *unit,
			     struct biounit_fmtdesc *d)
{
	struct biounit_channel *ch = biounit_get_channel(unit, d->channel);
	unsigned int i;

	if (!ch || d->reserved0 ||
	    !biounit_reserved_zero(d->reserved, ARRAY_SIZE(d->reserved)))
		return -EINVAL;

	for (i = 0; ch->type->formats[i]; i++) {
		if (i == d->index) {
			d->pixelformat = ch->type->formats[i];
			strscpy(d->description,
				biounit_format_name(d->pixelformat),
				sizeof(d->description));
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * biounit_frame_size_at() - the channel's @index-th frame size of a format
 * @ch: the channel
 * @pixelformat: the format
 * @index: which size, counting those the unit's sensor gives
 *
 * Return: the size, or NULL past the last one or for a format the channel
 * does not have.
 */
const struct biounit_frame_size *
biounit_frame_size_at(const struct biounit_channel *ch, u32 pixelformat,
		      u32 index)
{
	const struct biounit_frame_size *s;
	u32 n = 0;

	if (!biounit_has_format(ch, pixelformat))
		return NULL;
	for (s = ch->type->sizes; s->width; s++)
		if (biounit_size_allowed(ch, s) && n++ == index)
			return s;
	return NULL;
}

/* |a - b| (6.1 has no abs_diff()) */
static u32 biounit_distance(u32 a, u32 b)
{
	return a > b ? a - b : b - a;
}

/**
 * biounit_nearest_format() - the supported format closest to a request
 * @ch: the channel
 * @fmt: the request; a format the channel lacks becomes its first one, the
 *	size the nearest size it offers, the interval is clamped to the
 *	channel's range (zero: the current interval); then completed as
 *	biounit_fill_format() does
 *
 * For V4L2, whose S_FMT and TRY_FMT adjust a request instead of refusing it.
 */
void biounit_nearest_format(struct biounit_channel *ch,
			    struct biounit_format *fmt)
{
	const struct biounit_frame_size *s, *best = NULL;
	u64 dist, best_dist = U64_MAX;

	if (!biounit_has_format(ch, fmt->pixelformat))
		fmt->pixelformat = ch->type->formats[0];
	for (s = ch->type->sizes; s->width; s++) {
		if (!biounit_size_allowed(ch, s))
			continue;
		dist = (u64)biounit_distance(s->width, fmt->width) +
		       biounit_distance(s->height, fmt->height);
		if (!best || dist < best_dist) {
			best = s;
			best_dist = dist;
		}
	}
	fmt->width = best->width;
	fmt->height = best->height;
	if (!fmt->interval_us)
		fmt->interval_us = ch->fmt.interval_us;
	fmt->interval_us = clamp(fmt->interval_us, ch->min_interval_us,
				 ch->max_interval_us);
	/* Cannot fail: every field now names something the channel has */
	WARN_ON(biounit_fill_format(ch, fmt));
}

static long biounit_enum_framesizes(struct biounit_unit *unit,
				    struct biounit_frmsize *f)
{
	struct biounit_channel *ch = biounit_get_channel(unit, f->channel);
	const struct biounit_frame_size *s;

	if (!ch || !biounit_reserved_zero(f->reserved, ARRAY_SIZE(f->reserved)))
		return -EINVAL;

	s = biounit_frame_size_at(ch, f->pixelformat, f->index);
	if (!s)
		return -EINVAL;
	f->width = s->width;
	f->height = s->height;
	f->flags = s->still ? BIOUNIT_FRMSIZE_STILL : 0;
	return 0;
}

/**
 * biounit_ioctl_format() - ENUM_FMT, ENUM_FRAMESIZES, G_FMT, S_FMT, TRY_FMT
 * @bf: the open file
 * @cmd: the ioctl
 * @arg: its argument, in kernel memory
 *
 * Return: 0 or a negative error code.
 */
long biounit_ioctl_format(struct biounit_file *bf, unsigned int cmd, void *arg)
{
	struct biounit_unit *unit = bf->unit;
	struct biounit_format *fmt = arg;
	struct biounit_channel *ch;
	long ret;

	switch (cmd) {
	case BIOUNIT_IOC_ENUM_FMT:
		return biounit_enum_fmt(unit, arg);
	case BIOUNIT_IOC_ENUM_FRAMESIZES:
		return biounit_enum_framesizes(unit, arg);
	}

	ch = biounit_get_channel(unit, fmt->channel);
	if (!ch || !biounit_reserved_zero(fmt->reserved, ARRAY_SIZE(fmt->reserved)))
		return -EINVAL;

	if (mutex_lock_interruptible(&ch->lock))
		return -ERESTARTSYS;
	if (biounit_is_gone(unit)) {
		ret = -ENODEV;
	} else if (cmd == BIOUNIT_IOC_G_FMT) {
		*fmt = ch->fmt;
		ret = 0;
	} else if (!fmt->pixelformat) {
		ret = -EINVAL;
	} else {
		ret = biounit_fill_format(ch, fmt);
		if (!ret && cmd == BIOUNIT_IOC_S_FMT) {
			if (vb2_is_busy(&ch->queue) ||
			    !biounit_check_owner(ch, bf) ||
			    biounit_v4l2_busy(ch))
				ret = -EBUSY;
			else
				ch->fmt = *fmt;
		}
	}
	mutex_unlock(&ch->lock);
	return ret;
}

/**
 * biounit_ioctl_channel_info() - CHANNEL_INFO
 * @unit: the unit
 * @arg: a struct biounit_channel_info, in kernel memory
 *
 * Return: 0, or -EINVAL for a channel the unit does not have.
 */
long biounit_ioctl_channel_info(struct biounit_unit *unit, void *arg)
{
	struct biounit_channel_info *info = arg;
	struct biounit_channel *ch = biounit_get_channel(unit, info->channel);

	if (!ch || info->reserved0 ||
	    !biounit_reserved_zero(info->reserved, ARRAY_SIZE(info->reserved)))
		return -EINVAL;

	info->type = ch->type->type;
	info->resolution_ppi = ch->resolution_ppi;
	info->pad_width = ch->pad_width;
	info->pad_height = ch->pad_height;
	info->pressure_max = ch->pressure_max;
	info->min_interval_us = ch->min_interval_us;
	info->max_interval_us = ch->max_interval_us;
	info->max_buffers = BIOUNIT_MAX_BUFFERS;
	strscpy(info->name, ch->type->name, sizeof(info->name));
	return 0;
}
