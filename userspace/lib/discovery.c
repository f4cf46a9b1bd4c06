// SPDX-License-Identifier: GPL-2.0
/* libbiounit: discovery (libudev enumeration), unit states, hot-plug monitor. */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib_internal.h"

struct biounit_unit_info {
	char name[32];
	char node[64];
	char syspath[256];
	char model[BIOUNIT_NAME_LEN];
	char serial[BIOUNIT_NAME_LEN];
	uint32_t channels;
	uint32_t api_version;
	enum biounit_state state;
	int error;
	unsigned int number;
};

struct biounit_unit_list {
	size_t count;
	struct biounit_unit_info *units;
};

static const char *const channel_names[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "face",
	[BIOUNIT_CH_FINGER] = "finger",
	[BIOUNIT_CH_SIGNATURE] = "signature",
};

/* "face finger signature" -> mask; 0 and *ok = 0 on an unknown word */
static uint32_t parse_channels(const char *s, int *ok)
{
	uint32_t mask = 0;
	char word[16];
	int n, ch;

	*ok = 1;
	while (sscanf(s, " %15s%n", word, &n) == 1) {
		s += n;
		for (ch = 0; ch < BIOUNIT_CH_COUNT; ch++)
			if (!strcmp(word, channel_names[ch]))
				break;
		if (ch == BIOUNIT_CH_COUNT) {
			*ok = 0;
			return 0;
		}
		mask |= 1u << ch;
	}
	return mask;
}

static uint32_t parse_version(const char *s, int *ok)
{
	unsigned int major, minor;

	*ok = sscanf(s, "%u.%u", &major, &minor) == 2 && major < 0x10000 && minor < 0x10000;
	return *ok ? BIOUNIT_VERSION(major, minor) : 0;
}

static int udevd_running(void)
{
	return access("/run/udev/control", F_OK) == 0;
}

/* Fills @info from a udev device and probes its state. */
static void fill_info(struct udev_device *d, struct biounit_unit_info *info)
{
	const char *model, *serial, *chans, *ver, *node, *name;
	int ok_c = 0, ok_v = 0, complete, fd;
	struct stat st;

	memset(info, 0, sizeof(*info));
	name = udev_device_get_sysname(d);
	snprintf(info->name, sizeof(info->name), "%s", name ? name : "");
	snprintf(info->syspath, sizeof(info->syspath), "%s", udev_device_get_syspath(d));
	if (sscanf(info->name, "biounit%u", &info->number) != 1)
		info->number = ~0u;
	node = udev_device_get_devnode(d);
	if (node)
		snprintf(info->node, sizeof(info->node), "%s", node);
	else
		snprintf(info->node, sizeof(info->node), "/dev/%s", info->name);

	model = udev_device_get_sysattr_value(d, "model");
	serial = udev_device_get_sysattr_value(d, "serial");
	chans = udev_device_get_sysattr_value(d, "channels");
	ver = udev_device_get_sysattr_value(d, "api_version");
	if (model)
		snprintf(info->model, sizeof(info->model), "%s", model);
	if (serial)
		snprintf(info->serial, sizeof(info->serial), "%s", serial);
	if (chans)
		info->channels = parse_channels(chans, &ok_c);
	if (ver)
		info->api_version = parse_version(ver, &ok_v);
	complete = model && serial && chans && ok_c && ver && ok_v;

	if (access(info->syspath, F_OK)) {
		info->state = BIOUNIT_STATE_ABSENT;
		return;
	}
	if (!complete || !node ||
	    (udevd_running() && !udev_device_get_is_initialized(d))) {
		info->state = BIOUNIT_STATE_INITIALISING;
		return;
	}
	if (info->api_version >> 16 != BIOUNIT_API_VERSION >> 16) {
		info->state = BIOUNIT_STATE_ERROR;
		info->error = -EPROTO;
		return;
	}
	fd = open(info->node, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)	/* the node is still to come */
			info->state = access(info->syspath, F_OK) ?
				BIOUNIT_STATE_ABSENT : BIOUNIT_STATE_INITIALISING;
		else if (e == ENODEV || e == ENXIO)	/* being removed */
			info->state = BIOUNIT_STATE_ABSENT;
		else {
			info->state = BIOUNIT_STATE_ERROR;
			info->error = -e;
		}
		return;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != udev_device_get_devnum(d)) {
		/* a stale node of another device */
		info->state = BIOUNIT_STATE_INITIALISING;
	} else {
		info->state = bu_fd_state(fd, info->channels, &info->error);
	}
	close(fd);
}

static int cmp_info(const void *a, const void *b)
{
	const struct biounit_unit_info *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->name, y->name);
}

int biounit_enumerate(struct biounit_unit_list **out)
{
	struct udev_list_entry *e;
	struct udev_enumerate *en;
	struct biounit_unit_list *list;
	struct udev *udev;
	size_t cap = 0;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	udev = udev_new();
	if (!udev) {
		free(list);
		return -ENOMEM;
	}
	en = udev_enumerate_new(udev);
	if (!en) {
		r = -ENOMEM;
		goto out;
	}
	r = udev_enumerate_add_match_subsystem(en, "biounit");
	if (!r)
		r = udev_enumerate_scan_devices(en);
	if (r < 0)
		goto out;
	r = 0;
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *d;

		d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		if (!d)
			continue;	/* gone meanwhile */
		if (list->count == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			void *p = realloc(list->units, ncap * sizeof(*list->units));

			if (!p) {
				udev_device_unref(d);
				r = -ENOMEM;
				goto out;
			}
			list->units = p;
			cap = ncap;
		}
		fill_info(d, &list->units[list->count++]);
		udev_device_unref(d);
	}
	if (list->count)
		qsort(list->units, list->count, sizeof(*list->units), cmp_info);
out:
	udev_enumerate_unref(en);
	udev_unref(udev);
	if (r) {
		biounit_unit_list_free(list);
		return r;
	}
	*out = list;
	return 0;
}

size_t biounit_unit_list_count(const struct biounit_unit_list *list)
{
	return list ? list->count : 0;
}

const struct biounit_unit_info *
biounit_unit_list_get(const struct biounit_unit_list *list, size_t index)
{
	if (!list || index >= list->count)
		return NULL;
	return &list->units[index];
}

void biounit_unit_list_free(struct biounit_unit_list *list)
{
	if (!list)
		return;
	free(list->units);
	free(list);
}

const char *biounit_unit_info_get_name(const struct biounit_unit_info *info)
{
	return info ? info->name : NULL;
}

const char *biounit_unit_info_get_node(const struct biounit_unit_info *info)
{
	return info ? info->node : NULL;
}

const char *biounit_unit_info_get_syspath(const struct biounit_unit_info *info)
{
	return info ? info->syspath : NULL;
}

const char *biounit_unit_info_get_model(const struct biounit_unit_info *info)
{
	return info ? info->model : NULL;
}

const char *biounit_unit_info_get_serial(const struct biounit_unit_info *info)
{
	return info ? info->serial : NULL;
}

uint32_t biounit_unit_info_get_channels(const struct biounit_unit_info *info)
{
	return info ? info->channels : 0;
}

uint32_t biounit_unit_info_get_api_version(const struct biounit_unit_info *info)
{
	return info ? info->api_version : 0;
}

enum biounit_state biounit_unit_info_get_state(const struct biounit_unit_info *info)
{
	return info ? info->state : BIOUNIT_STATE_ABSENT;
}

int biounit_unit_info_get_error(const struct biounit_unit_info *info)
{
	return info ? info->error : 0;
}

/* "biounitN", "/dev/biounitN" (also a symlink) or a sysfs path -> sysname */
static int unit_sysname(const char *unit, char *name, size_t len)
{
	const char *base;
	unsigned int n;
	char extra;
	struct stat st;

	if (!strncmp(unit, "/dev/", 5)) {
		char path[64];
		/* a node that is there: its device number names it */
		if (stat(unit, &st) == 0 && S_ISCHR(st.st_mode)) {
			char link[128];
			ssize_t l;

			snprintf(path, sizeof(path), "/sys/dev/char/%u:%u",
				 major(st.st_rdev), minor(st.st_rdev));
			l = readlink(path, link, sizeof(link) - 1);
			if (l > 0) {
				link[l] = '\0';
				base = strrchr(link, '/');
				base = base ? base + 1 : link;
				if (sscanf(base, "biounit%u%c", &n, &extra) != 1)
					return -EINVAL;
				return bu_strcpy(name, len, base);
			}
		}
	}
	base = strrchr(unit, '/');
	base = base ? base + 1 : unit;
	if (sscanf(base, "biounit%u%c", &n, &extra) != 1)
		return -EINVAL;
	return bu_strcpy(name, len, base);
}

int biounit_state_of(const char *unit, enum biounit_state *state)
{
	struct biounit_unit_info info;
	struct udev_device *d;
	struct udev *udev;
	char name[32];
	int r;

	if (!unit || !state)
		return -EINVAL;
	r = unit_sysname(unit, name, sizeof(name));
	if (r)
		return -EINVAL;
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	d = udev_device_new_from_subsystem_sysname(udev, "biounit", name);
	if (!d) {
		*state = BIOUNIT_STATE_ABSENT;
	} else {
		fill_info(d, &info);
		*state = info.state;
		udev_device_unref(d);
	}
	udev_unref(udev);
	return 0;
}

int biounit_unit_open_by_serial(const char *serial, struct biounit_unit **out)
{
	struct biounit_unit_list *list;
	const char *node = NULL;
	size_t i;
	int r, found = 0;

	if (!serial || !out)
		return -EINVAL;
	*out = NULL;
	r = biounit_enumerate(&list);
	if (r)
		return r;
	for (i = 0; i < list->count; i++) {
		if (list->units[i].state == BIOUNIT_STATE_ABSENT ||
		    strcmp(list->units[i].serial, serial))
			continue;
		node = list->units[i].node;
		found++;
	}
	if (found == 0)
		r = -ENOENT;
	else if (found > 1)
		r = -EEXIST;
	else
		r = biounit_unit_open(node, out);
	if (!r && strcmp((const char *)(*out)->caps.serial, serial)) {
		/* another unit took the node meanwhile */
		biounit_unit_close(*out);
		*out = NULL;
		r = -ENOENT;
	}
	biounit_unit_list_free(list);
	return r;
}

/* ---- monitor ------------------------------------------------------------- */

struct biounit_monitor {
	pthread_mutex_t lock;
	struct udev *udev;
	struct udev_monitor *mon;
	int fd;
};

int biounit_monitor_new(struct biounit_monitor **out)
{
	struct biounit_monitor *m;
	int r, fl;

	if (!out)
		return -EINVAL;
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->udev = udev_new();
	if (!m->udev) {
		free(m);
		return -ENOMEM;
	}
	/* without udevd nobody re-broadcasts: listen to the kernel itself */
	errno = 0;
	m->mon = udev_monitor_new_from_netlink(m->udev, udevd_running() ? "udev" : "kernel");
	if (!m->mon) {
		r = errno ? -errno : -ENOMEM;
		goto fail;
	}
	r = udev_monitor_filter_add_match_subsystem_devtype(m->mon, "biounit", NULL);
	if (!r)
		r = udev_monitor_enable_receiving(m->mon);
	if (r < 0)
		goto fail;
	m->fd = udev_monitor_get_fd(m->mon);
	if (m->fd < 0) {
		r = m->fd;
		goto fail;
	}
	fl = fcntl(m->fd, F_GETFL);
	if (fl < 0 || fcntl(m->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		r = -errno;
		goto fail;
	}
	pthread_mutex_init(&m->lock, NULL);
	*out = m;
	return 0;
fail:
	udev_monitor_unref(m->mon);
	udev_unref(m->udev);
	free(m);
	return r;
}

int biounit_monitor_get_fd(const struct biounit_monitor *mon)
{
	return mon ? mon->fd : -EINVAL;
}

int biounit_monitor_read_event(struct biounit_monitor *mon, struct biounit_monitor_event *ev)
{
	struct udev_device *d;
	int r = -EAGAIN;

	if (!mon || !ev)
		return -EINVAL;
	pthread_mutex_lock(&mon->lock);
	for (;;) {
		struct pollfd p = { .fd = mon->fd, .events = POLLIN };

		/* NULL: nothing pending, or a message filtered out or bad */
		d = udev_monitor_receive_device(mon->mon);
		if (!d) {
			if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
				continue;
			break;
		}
		const char *action = udev_device_get_action(d);
		const char *name = udev_device_get_sysname(d);
		const char *node = udev_device_get_devnode(d);

		memset(ev, 0, sizeof(*ev));
		if (action && !strcmp(action, "add"))
			ev->type = BIOUNIT_MONITOR_ADDED;
		else if (action && !strcmp(action, "remove"))
			ev->type = BIOUNIT_MONITOR_REMOVED;
		if (ev->type && name) {
			snprintf(ev->name, sizeof(ev->name), "%s", name);
			if (node)
				snprintf(ev->node, sizeof(ev->node), "%s", node);
			else
				snprintf(ev->node, sizeof(ev->node), "/dev/%s", name);
			r = 0;
		}
		udev_device_unref(d);
		if (!r)
			break;
	}
	pthread_mutex_unlock(&mon->lock);
	return r;
}

void biounit_monitor_free(struct biounit_monitor *mon)
{
	if (!mon)
		return;
	udev_monitor_unref(mon->mon);
	udev_unref(mon->udev);
	pthread_mutex_destroy(&mon->lock);
	free(mon);
}
