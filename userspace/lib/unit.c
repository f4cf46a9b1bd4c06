// SPDX-License-Identifier: GPL-2.0
/* libbiounit: an open unit - capabilities, formats, controls, events. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib_internal.h"

int bu_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int bu_strcpy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(dst, src, n + 1);
	return 0;
}

static const char *const state_names[] = {
	[BIOUNIT_STATE_ABSENT] = "absent",
	[BIOUNIT_STATE_INITIALISING] = "initialising",
	[BIOUNIT_STATE_READY] = "ready",
	[BIOUNIT_STATE_BUSY] = "busy",
	[BIOUNIT_STATE_ERROR] = "error",
};

const char *biounit_state_name(enum biounit_state state)
{
	if ((unsigned int)state >= sizeof(state_names) / sizeof(state_names[0]))
		return "unknown";
	return state_names[state];
}

enum biounit_state bu_fd_state(int fd, uint32_t channels, int *err)
{
	struct biounit_caps caps;
	unsigned int ch;
	int r;

	*err = 0;
	memset(&caps, 0, sizeof(caps));
	r = bu_ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps);
	if (r == -ENODEV)
		return BIOUNIT_STATE_ABSENT;
	if (r) {
		*err = r;
		return BIOUNIT_STATE_ERROR;
	}
	if (caps.api_version >> 16 != BIOUNIT_API_VERSION >> 16) {
		*err = -EPROTO;
		return BIOUNIT_STATE_ERROR;
	}
	if (!channels)
		channels = caps.channels;
	for (ch = 0; ch < BIOUNIT_CH_COUNT; ch++) {
		struct biounit_buffer b;

		if (!(channels & caps.channels & (1u << ch)))
			continue;
		/* QUERYBUF of a file that does not own the channel: EBUSY if
		 * another file owns it, EINVAL if nobody does; no side effect */
		memset(&b, 0, sizeof(b));
		b.channel = ch;
		r = bu_ioctl(fd, BIOUNIT_IOC_QUERYBUF, &b);
		if (r == -ENODEV)
			return BIOUNIT_STATE_ABSENT;
		if (r == -EBUSY || r == 0)
			return BIOUNIT_STATE_BUSY;
	}
	return BIOUNIT_STATE_READY;
}

int bu_open_node(const char *node, struct biounit_caps *caps)
{
	struct stat st;
	int fd, r;

	fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		close(fd);
		return -ENOTTY;
	}
	memset(caps, 0, sizeof(*caps));
	r = bu_ioctl(fd, BIOUNIT_IOC_QUERYCAP, caps);
	if (!r && strncmp((const char *)caps->driver, "biounit", sizeof(caps->driver)))
		r = -ENOTTY;
	if (!r && caps->api_version >> 16 != BIOUNIT_API_VERSION >> 16)
		r = -EPROTO;
	if (r) {
		close(fd);
		/* another device may answer an unknown ioctl with EINVAL */
		return r == -EINVAL ? -ENOTTY : r;
	}
	return fd;
}

int biounit_unit_open(const char *node, struct biounit_unit **out)
{
	struct biounit_unit *u;
	int fd;

	if (!node || !out)
		return -EINVAL;
	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	if (bu_strcpy(u->node, sizeof(u->node), node)) {
		free(u);
		return -ENAMETOOLONG;
	}
	fd = bu_open_node(node, &u->caps);
	if (fd < 0) {
		free(u);
		return fd;
	}
	u->fd = fd;
	*out = u;
	return 0;
}

void biounit_unit_close(struct biounit_unit *unit)
{
	if (!unit)
		return;
	close(unit->fd);
	free(unit);
}

int biounit_unit_get_fd(const struct biounit_unit *unit)
{
	return unit ? unit->fd : -EINVAL;
}

const char *biounit_unit_get_node(const struct biounit_unit *unit)
{
	return unit ? unit->node : NULL;
}

const struct biounit_caps *biounit_unit_get_caps(const struct biounit_unit *unit)
{
	return unit ? &unit->caps : NULL;
}

enum biounit_state biounit_unit_get_state(const struct biounit_unit *unit)
{
	int err;

	if (!unit)
		return BIOUNIT_STATE_ABSENT;
	return bu_fd_state(unit->fd, 0, &err);
}

static int check_channel(const struct biounit_unit *unit, unsigned int channel)
{
	if (!unit || channel >= BIOUNIT_CH_COUNT ||
	    !(unit->caps.channels & (1u << channel)))
		return -EINVAL;
	return 0;
}

int biounit_unit_channel_info(struct biounit_unit *unit, unsigned int channel,
			      struct biounit_channel_info *info)
{
	int r = check_channel(unit, channel);

	if (r || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->channel = channel;
	return bu_ioctl(unit->fd, BIOUNIT_IOC_CHANNEL_INFO, info);
}

int biounit_unit_enum_format(struct biounit_unit *unit, unsigned int channel,
			     unsigned int index, struct biounit_fmtdesc *desc)
{
	int r = check_channel(unit, channel);

	if (r || !desc)
		return -EINVAL;
	memset(desc, 0, sizeof(*desc));
	desc->channel = channel;
	desc->index = index;
	r = bu_ioctl(unit->fd, BIOUNIT_IOC_ENUM_FMT, desc);
	/* the channel is valid, so EINVAL means past the end */
	return r == -EINVAL ? -ENOENT : r;
}

int biounit_unit_enum_framesize(struct biounit_unit *unit, unsigned int channel,
				uint32_t pixelformat, unsigned int index,
				struct biounit_frmsize *size)
{
	struct biounit_frmsize first;
	int r = check_channel(unit, channel);

	if (r || !size)
		return -EINVAL;
	memset(size, 0, sizeof(*size));
	size->channel = channel;
	size->pixelformat = pixelformat;
	size->index = index;
	r = bu_ioctl(unit->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, size);
	if (r != -EINVAL || index == 0)
		return r;
	/* past the end, or a format the channel lacks (index 0 fails too) */
	memset(&first, 0, sizeof(first));
	first.channel = channel;
	first.pixelformat = pixelformat;
	return bu_ioctl(unit->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &first) ? -EINVAL : -ENOENT;
}

int biounit_unit_get_format(struct biounit_unit *unit, unsigned int channel,
			    struct biounit_format *fmt)
{
	int r = check_channel(unit, channel);

	if (r || !fmt)
		return -EINVAL;
	memset(fmt, 0, sizeof(*fmt));
	fmt->channel = channel;
	return bu_ioctl(unit->fd, BIOUNIT_IOC_G_FMT, fmt);
}

static int do_fmt(struct biounit_unit *unit, struct biounit_format *fmt, unsigned long req)
{
	struct biounit_format f;
	int r;

	if (!fmt || check_channel(unit, fmt->channel))
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	f.channel = fmt->channel;
	f.pixelformat = fmt->pixelformat;
	f.width = fmt->width;
	f.height = fmt->height;
	f.interval_us = fmt->interval_us;
	r = bu_ioctl(unit->fd, req, &f);
	if (!r)
		*fmt = f;
	return r;
}

int biounit_unit_try_format(struct biounit_unit *unit, struct biounit_format *fmt)
{
	return do_fmt(unit, fmt, BIOUNIT_IOC_TRY_FMT);
}

int biounit_unit_set_format(struct biounit_unit *unit, struct biounit_format *fmt)
{
	return do_fmt(unit, fmt, BIOUNIT_IOC_S_FMT);
}

int biounit_unit_enum_control(struct biounit_unit *unit, unsigned int index,
			      struct biounit_ctrl_info *info)
{
	int r;

	if (!unit || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->index = index;
	r = bu_ioctl(unit->fd, BIOUNIT_IOC_QUERYCTRL, info);
	return r == -EINVAL ? -ENOENT : r;
}

int biounit_unit_find_control(struct biounit_unit *unit, uint32_t id,
			      struct biounit_ctrl_info *info)
{
	unsigned int i;
	int r;

	if (!unit || !info)
		return -EINVAL;
	for (i = 0;; i++) {
		r = biounit_unit_enum_control(unit, i, info);
		if (r)
			return r;
		if (info->id == id)
			return 0;
	}
}

int biounit_unit_get_control(struct biounit_unit *unit, uint32_t id, int64_t *value)
{
	struct biounit_control c;
	int r;

	if (!unit || !value)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.id = id;
	r = bu_ioctl(unit->fd, BIOUNIT_IOC_G_CTRL, &c);
	if (r == -EINVAL)
		return -ENOENT;	/* the structure is ours: only the id can be bad */
	if (!r)
		*value = c.value;
	return r;
}

int biounit_unit_set_control(struct biounit_unit *unit, uint32_t id, int64_t value)
{
	struct biounit_control c;
	int r;

	if (!unit)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.value = value;
	r = bu_ioctl(unit->fd, BIOUNIT_IOC_S_CTRL, &c);
	return r == -EINVAL ? -ENOENT : r;
}

int biounit_unit_subscribe(struct biounit_unit *unit, uint32_t types)
{
	struct biounit_event_subscription s;

	if (!unit)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.types = types;
	return bu_ioctl(unit->fd, BIOUNIT_IOC_SUBSCRIBE, &s);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int biounit_unit_read_event(struct biounit_unit *unit, int timeout_ms,
			    struct biounit_event *ev)
{
	int64_t deadline = 0;
	struct pollfd p;
	int r, wait;

	if (!unit || !ev || timeout_ms < -1)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline = now_ms() + timeout_ms;
	for (;;) {
		memset(ev, 0, sizeof(*ev));
		if (ioctl(unit->fd, BIOUNIT_IOC_DQEVENT, ev) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;	/* ENODEV: gone and nothing queued */
		if (timeout_ms < 0) {
			wait = -1;
		} else if (timeout_ms == 0) {
			return -ETIMEDOUT;
		} else {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			wait = left > 0x7fffffff ? 0x7fffffff : (int)left;
		}
		/* POLLPRI: an event; POLLERR|POLLHUP: gone, DQEVENT then says so */
		p.fd = unit->fd;
		p.events = POLLPRI;
		p.revents = 0;
		r = poll(&p, 1, wait);
		if (r < 0)
			return -errno;
		if (r == 0 && timeout_ms >= 0)
			return -ETIMEDOUT;
	}
}
