// SPDX-License-Identifier: GPL-2.0
/* Helpers for the kernel tests; see bu_sim.h */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bu_sim.h"

static void bu_path(char *buf, size_t len, const char *unit, const char *rel)
{
	if (rel && *rel)
		snprintf(buf, len, "%s/%s/%s", BU_SIM_ROOT, unit, rel);
	else
		snprintf(buf, len, "%s/%s", BU_SIM_ROOT, unit);
}

int bu_attr_write(const char *unit, const char *rel, const char *val)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	bu_path(path, sizeof(path), unit, rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

int bu_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int bu_sysfs_read(const char *node, const char *attr, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/biounit/%s/%s", node, attr);
	return bu_read_text(path, buf, len);
}

int bu_attr_read(const char *unit, const char *rel, char *buf, size_t len)
{
	char path[256];
	size_t n;
	int err;

	bu_path(path, sizeof(path), unit, rel);
	err = bu_read_text(path, buf, len);
	if (err)
		return err;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

int bu_unit_create(struct bu_unit *u, const char *name, const char *const *setup)
{
	char path[256];
	int err;

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	bu_path(path, sizeof(path), name, NULL);
	if (mkdir(path, 0755))
		return -errno;

	for (; setup && *setup; setup++) {
		char rel[128];
		const char *eq = strchr(*setup, '=');

		if (!eq || (size_t)(eq - *setup) >= sizeof(rel))
			return -EINVAL;
		memcpy(rel, *setup, eq - *setup);
		rel[eq - *setup] = '\0';
		err = bu_attr_write(name, rel, eq + 1);
		if (err)
			return err;
	}

	err = bu_attr_write(name, "live", "1");
	if (err)
		return err;
	err = bu_attr_read(name, "dev_name", u->node, sizeof(u->node));
	if (err)
		return err;
	snprintf(u->dev, sizeof(u->dev), "/dev/%s", u->node);
	return 0;
}

int bu_unit_destroy(struct bu_unit *u)
{
	char path[256];
	int err;

	err = bu_attr_write(u->name, "live", "0");
	bu_path(path, sizeof(path), u->name, NULL);
	if (rmdir(path))
		return -errno;
	return err;
}

int bu_scene_write(const char *unit, const char *channel, const void *data, size_t len)
{
	char rel[64], path[256];
	ssize_t n;
	int fd, err = 0;

	snprintf(rel, sizeof(rel), "%s/scene", channel);
	bu_path(path, sizeof(path), unit, rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void *bu_pnm_make(uint32_t w, uint32_t h, int channels, uint32_t seed, size_t *len)
{
	char hdr[64];
	int hl = snprintf(hdr, sizeof(hdr), "P%c\n%u %u\n255\n",
			  channels == 1 ? '5' : '6', w, h);
	size_t n = (size_t)w * h * channels;
	uint8_t *buf = malloc(hl + n), *px;
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	if (!buf)
		return NULL;
	memcpy(buf, hdr, hl);
	px = buf + hl;
	/* A gradient with noise: every byte depends on its position */
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		px[i] = (uint8_t)((i / channels) % 251 + (x & 3));
	}
	*len = hl + n;
	return buf;
}

const uint8_t *bu_pnm_pixels(const void *pnm, size_t len, uint32_t w, uint32_t h, int channels)
{
	return (const uint8_t *)pnm + len - (size_t)w * h * channels;
}

int bu_set_format(int fd, uint32_t ch, uint32_t pixfmt, uint32_t w, uint32_t h,
		  uint32_t interval_us, struct biounit_format *out)
{
	struct biounit_format f = {
		.channel = ch, .pixelformat = pixfmt, .width = w, .height = h,
		.interval_us = interval_us,
	};

	if (ioctl(fd, BIOUNIT_IOC_S_FMT, &f))
		return -errno;
	if (out)
		*out = f;
	return 0;
}

int bu_reqbufs(int fd, uint32_t ch, uint32_t count, uint32_t memory)
{
	struct biounit_requestbuffers r = { .channel = ch, .count = count, .memory = memory };

	if (ioctl(fd, BIOUNIT_IOC_REQBUFS, &r))
		return -errno;
	return r.count;
}

int bu_qbuf(int fd, uint32_t ch, uint32_t index)
{
	struct biounit_buffer b = { .channel = ch, .index = index, .memory = BIOUNIT_MEMORY_MMAP };

	return ioctl(fd, BIOUNIT_IOC_QBUF, &b) ? -errno : 0;
}

int bu_stream_mmap(int fd, uint32_t ch, unsigned int n, void **maps, size_t *len)
{
	int got = bu_reqbufs(fd, ch, n, BIOUNIT_MEMORY_MMAP);
	unsigned int i;

	if (got < 0)
		return got;
	if ((unsigned int)got != n)
		return -ENOBUFS;
	for (i = 0; i < n; i++) {
		struct biounit_buffer b = { .channel = ch, .index = i };

		if (ioctl(fd, BIOUNIT_IOC_QUERYBUF, &b))
			return -errno;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.mem_offset);
		if (maps[i] == MAP_FAILED)
			return -errno;
		*len = b.length;
		if (bu_qbuf(fd, ch, i))
			return -errno;
	}
	return 0;
}

int bu_streamon(int fd, uint32_t ch)
{
	struct biounit_stream s = { .channel = ch };

	return ioctl(fd, BIOUNIT_IOC_STREAMON, &s) ? -errno : 0;
}

int bu_streamoff(int fd, uint32_t ch)
{
	struct biounit_stream s = { .channel = ch };

	return ioctl(fd, BIOUNIT_IOC_STREAMOFF, &s) ? -errno : 0;
}

int bu_dqbuf(int fd, uint32_t ch, struct biounit_buffer *b)
{
	memset(b, 0, sizeof(*b));
	b->channel = ch;
	return ioctl(fd, BIOUNIT_IOC_DQBUF, b) ? -errno : 0;
}

int bu_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, ms);

	if (n < 0)
		return -errno;
	return n ? (p.revents & (events | POLLERR)) ? 1 : 0 : 0;
}

int bu_dqevent(int fd, struct biounit_event *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };

	/* never block, whatever the file's mode */
	if (poll(&p, 1, 0) < 0)
		return -errno;
	if (!(p.revents & POLLPRI))
		return -EAGAIN;
	memset(ev, 0, sizeof(*ev));
	return ioctl(fd, BIOUNIT_IOC_DQEVENT, ev) ? -errno : 0;
}

int bu_subscribe(int fd, uint32_t types)
{
	struct biounit_event_subscription s = { .types = types };

	return ioctl(fd, BIOUNIT_IOC_SUBSCRIBE, &s) ? -errno : 0;
}

static uint8_t bu_clamp(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

uint8_t bu_y(const uint8_t *rgb)
{
	return (77 * rgb[0] + 150 * rgb[1] + 29 * rgb[2] + 128) >> 8;
}

uint8_t bu_cb(const uint8_t *rgb)
{
	return bu_clamp((-43 * rgb[0] - 85 * rgb[1] + 128 * rgb[2] + 32896) >> 8);
}

uint8_t bu_cr(const uint8_t *rgb)
{
	return bu_clamp((128 * rgb[0] - 107 * rgb[1] - 21 * rgb[2] + 32896) >> 8);
}

void bu_xbgr32(const uint8_t *rgb, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++, rgb += 3, out += 4) {
		out[0] = rgb[2];
		out[1] = rgb[1];
		out[2] = rgb[0];
		out[3] = 0xff;
	}
}

uint64_t bu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int bu_unit_subnode(const struct bu_unit *u, const char *prefix, const char *name, char *dev,
		    size_t len)
{
	char dir[256], path[1024], text[64];
	struct dirent *e;
	int err = -ENOENT;
	DIR *d;

	/* a class device whose parent is a class device sits right under it */
	snprintf(dir, sizeof(dir), "/sys/class/biounit/%s", u->node);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if (name) {
			snprintf(path, sizeof(path), "%s/%s/name", dir, e->d_name);
			if (bu_read_text(path, text, sizeof(text)) ||
			    strncmp(text, name, strlen(name)))
				continue;
		}
		snprintf(dev, len, "/dev/%s", e->d_name);
		err = 0;
		break;
	}
	closedir(d);
	return err;
}
