// SPDX-License-Identifier: GPL-2.0
/*
 * The applicant's screen on whatever display there is (docs/screen.md):
 * scenes are drawn into a shadow buffer in memory and copied onto the KMS
 * output (kms.c) at the next vblank. The display is optional: no card, a
 * connector without a monitor, a card that goes away or comes later (udev
 * "drm" events, from the kernel itself when no udevd runs) and another
 * process holding DRM master are states, logged once each, retried, never
 * an error for the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <libudev.h>
#include <xf86drm.h>

#include "kms.h"
#include "scanout.h"
#include "screen_internal.h"

struct biounit_display {
	char card[64];			/* "" : any */
	void (*log)(void *arg, const char *line);
	void *log_arg;
	struct udev *udev;
	struct udev_monitor *mon;
	struct kms *k;
	struct biounit_screen *scr;
	uint32_t *shadow, w, h;
	bool drawn;			/* the shadow holds a scene */
	bool dirty;			/* the shadow is newer than the screen */
	bool redraw;			/* a display came at a new size: draw again */
	enum biounit_display_state state;
	char status[192];
	uint64_t retry_at_ms, flips;
	/* input to flip (biounit_display_latency()): [0] camera frames, [1] pen samples */
	struct latency_ring {
		uint64_t drawn, shown;
		uint32_t us[BIOUNIT_DISPLAY_LATENCY_KEEP];
		size_t n, next;
	} lat[2];
	int shadow_kind, flight_kind;	/* -1: the scene has no source time */
	uint64_t shadow_src, flight_src, flight_flips;
	/* the plane path (scanout.c) */
	struct scanout *so;
	int zc;				/* -1 not probed on this display, 0 CPU path, 1 plane path */
	uint32_t zc_fourcc, zc_w, zc_h, zc_stride;	/* what was probed */
	struct biounit_screen_rect zc_dst;	/* where the plane shows the frame */
	char path[320];
	/* what the last overlay committed on the plane path shows (drawn again only when it changes) */
	struct overlay_key {
		bool valid;
		char prompt_nl[256], prompt_en[256], advice_nl[256], advice_en[256];
		enum biounit_screen_tone tone;
		bool have_guide;
		struct biounit_face_window guide;
		uint32_t fw, fh;
		struct biounit_screen_rect dst;
	} ov_key;
	struct {			/* a camera frame waiting for the flip in flight */
		bool have;
		struct biounit_display_buffer b;
		void (*release)(void *arg);
		void *arg;
		uint64_t src;
	} wait;
};

static void wait_release(struct biounit_display *d)
{
	if (d->wait.have && d->wait.release)
		d->wait.release(d->wait.arg);
	d->wait.have = false;
}

/* close the output: the plane path's buffers first (they are the card's) */
static void kms_drop(struct biounit_display *d)
{
	wait_release(d);
	scanout_free(d->so);
	d->so = NULL;
	d->zc = -1;
	d->ov_key.valid = false;
	if (!d->k)
		return;
	d->flips += kms_flips(d->k);
	kms_close(d->k);
	d->k = NULL;
}

/* which latency ring a scene's source time goes to, -1 none */
static int latency_kind(enum biounit_screen_scene s)
{
	return s == BIOUNIT_SCREEN_PHOTO_LIVE ? 0 : s == BIOUNIT_SCREEN_SIGNATURE ? 1 : -1;
}

/* the frame in flight is on the screen once the card's flip count has moved past it */
static void latency_flipped(struct biounit_display *d)
{
	uint64_t flip_ns;
	struct latency_ring *l;

	if (d->flight_kind < 0 || !d->k || kms_flips(d->k) <= d->flight_flips)
		return;
	l = &d->lat[d->flight_kind];
	flip_ns = kms_last_flip_ns(d->k);
	if (flip_ns >= d->flight_src) {
		uint64_t us = (flip_ns - d->flight_src) / 1000u;

		l->us[l->next] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
		l->next = (l->next + 1) % BIOUNIT_DISPLAY_LATENCY_KEEP;
		if (l->n < BIOUNIT_DISPLAY_LATENCY_KEEP)
			l->n++;
		l->shown++;
	}
	d->flight_kind = -1;
}

static const char *const state_names[] = {
	[BIOUNIT_DISPLAY_SHOWING] = "showing",
	[BIOUNIT_DISPLAY_NONE] = "none",
	[BIOUNIT_DISPLAY_DISCONNECTED] = "disconnected",
	[BIOUNIT_DISPLAY_BUSY] = "busy",
	[BIOUNIT_DISPLAY_FAILED] = "failed",
};

const char *biounit_display_state_name(enum biounit_display_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s]
									       : NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_state(struct biounit_display *d, enum biounit_display_state s, const char *why)
{
	bool changed = s != d->state || strcmp(why, d->status);
	char line[256];

	d->state = s;
	snprintf(d->status, sizeof(d->status), "%s", why);
	if (changed && d->log) {
		snprintf(line, sizeof(line), "screen: %s: %s", state_names[s], why);
		d->log(d->log_arg, line);
	}
}

static void present(struct biounit_display *d)
{
	int r;

	if (!d->k || !d->drawn || kms_flip_pending(d->k))
		return;
	r = kms_present(d->k, d->shadow, d->w * 4);
	if (r == -EBUSY)
		return;
	d->dirty = false;
	wait_release(d);	/* a camera frame waiting for its plane is replaced by this one */
	if (!r) {
		d->flight_kind = d->shadow_kind;
		d->flight_src = d->shadow_src;
		d->flight_flips = kms_flips(d->k);
		d->shadow_kind = -1;
		if (!kms_flip_pending(d->k))	/* legacy: the first frame is set, not flipped */
			d->flight_flips--;
		latency_flipped(d);
	}
	if (r) {
		char why[160];

		snprintf(why, sizeof(why), "cannot show a frame: %s; will retry", strerror(-r));
		kms_drop(d);
		set_state(d, r == -EACCES || r == -EPERM ? BIOUNIT_DISPLAY_BUSY
							  : BIOUNIT_DISPLAY_FAILED, why);
		d->retry_at_ms = mono_ms() + BIOUNIT_DISPLAY_RETRY_MS;
	}
}

/* a KMS output is open: fit the renderer and the shadow to it */
static int adopt(struct biounit_display *d, struct kms *k)
{
	uint32_t w, h;
	char desc[160];

	kms_size(k, &w, &h);
	if (!d->scr || w != d->w || h != d->h) {
		struct biounit_screen *scr;
		uint32_t *px = calloc((size_t)w * h, 4);
		int r = px ? biounit_screen_new(w, h, &scr) : -ENOMEM;

		if (r) {
			free(px);
			return r;
		}
		biounit_screen_free(d->scr);
		free(d->shadow);
		d->scr = scr;
		d->shadow = px;
		d->w = w;
		d->h = h;
		d->drawn = false;
	}
	d->k = k;
	d->zc = -1;
	if (scanout_new(k, &d->so))
		d->so = NULL;	/* no memory for it: the CPU path */
	kms_describe(k, desc, sizeof(desc));
	set_state(d, BIOUNIT_DISPLAY_SHOWING, desc);
	if (d->drawn)
		present(d);	/* back with what was shown last */
	else
		d->redraw = true;
	return 0;
}

static int try_card(struct biounit_display *d, const char *node, enum biounit_display_state *st,
		    char *why, size_t wlen)
{
	struct kms *k;
	int r = kms_open(node, &k, why, wlen);

	if (!r) {
		r = adopt(d, k);
		if (r) {
			kms_close(k);
			snprintf(why, wlen, "%s: cannot draw: %s", node, strerror(-r));
			*st = BIOUNIT_DISPLAY_FAILED;
		}
		return r;
	}
	*st = r == -EBUSY ? BIOUNIT_DISPLAY_BUSY : r == -ENOTCONN ? BIOUNIT_DISPLAY_DISCONNECTED
			    : r == -ENOENT ? BIOUNIT_DISPLAY_NONE : BIOUNIT_DISPLAY_FAILED;
	return r;
}

/* look for a display: the card asked for, or every card in order */
static void try_open(struct biounit_display *d)
{
	enum biounit_display_state best = BIOUNIT_DISPLAY_NONE, st;
	char why[160], best_why[160];
	struct udev_enumerate *en;
	struct udev_list_entry *e;

	snprintf(best_why, sizeof(best_why), "no display card (/dev/dri/card*)");
	d->retry_at_ms = mono_ms() + BIOUNIT_DISPLAY_RETRY_MS;
	if (d->card[0]) {
		if (!try_card(d, d->card, &st, why, sizeof(why)))
			return;
		set_state(d, st, why);
		return;
	}
	en = udev_enumerate_new(d->udev);
	if (!en)
		return;
	udev_enumerate_add_match_subsystem(en, "drm");
	udev_enumerate_add_match_sysname(en, "card[0-9]*");
	udev_enumerate_scan_devices(en);
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *dev = udev_device_new_from_syspath(d->udev,
								       udev_list_entry_get_name(e));
		const char *node = dev ? udev_device_get_devnode(dev) : NULL;
		int r;

		if (!node || strchr(udev_device_get_sysname(dev), '-')) {
			udev_device_unref(dev);
			continue;	/* a connector, not a card */
		}
		r = try_card(d, node, &st, why, sizeof(why));
		udev_device_unref(dev);
		if (!r) {
			udev_enumerate_unref(en);
			return;
		}
		/* tell the most useful reason: busy, then disconnected, then the rest */
		if (best == BIOUNIT_DISPLAY_NONE || st == BIOUNIT_DISPLAY_BUSY ||
		    (st == BIOUNIT_DISPLAY_DISCONNECTED && best != BIOUNIT_DISPLAY_BUSY)) {
			best = st;
			snprintf(best_why, sizeof(best_why), "%s", why);
		}
	}
	udev_enumerate_unref(en);
	set_state(d, best, best_why);
}

static void lose(struct biounit_display *d, enum biounit_display_state s, const char *why)
{
	d->flight_kind = -1;
	kms_drop(d);
	d->dirty = d->drawn;
	set_state(d, s, why);
	d->retry_at_ms = mono_ms() + BIOUNIT_DISPLAY_RETRY_MS;
}

int biounit_display_new(const char *card, void (*log)(void *arg, const char *line), void *arg,
			struct biounit_display **out)
{
	struct biounit_display *d;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->card, sizeof(d->card), "%s", card ? card : "");
	d->log = log;
	d->log_arg = arg;
	d->state = BIOUNIT_DISPLAY_NONE;
	d->shadow_kind = d->flight_kind = -1;
	d->zc = -1;
	d->udev = udev_new();
	if (!d->udev) {
		free(d);
		return -ENOMEM;
	}
	/* without udevd nobody re-broadcasts: listen to the kernel itself */
	d->mon = udev_monitor_new_from_netlink(d->udev, access("/run/udev/control", F_OK) ? "kernel"
											    : "udev");
	if (!d->mon || udev_monitor_filter_add_match_subsystem_devtype(d->mon, "drm", NULL) ||
	    udev_monitor_enable_receiving(d->mon)) {
		r = errno ? -errno : -ENOMEM;
		biounit_display_free(d);
		return r;
	}
	try_open(d);
	*out = d;
	return 0;
}

void biounit_display_free(struct biounit_display *d)
{
	if (!d)
		return;
	kms_drop(d);
	udev_monitor_unref(d->mon);
	udev_unref(d->udev);
	biounit_screen_free(d->scr);
	if (d->shadow)
		memset(d->shadow, 0, (size_t)d->w * d->h * 4);
	free(d->shadow);
	free(d);
}

size_t biounit_display_pollfds(struct biounit_display *d, int *fds, size_t max)
{
	size_t n = 0;

	if (n < max && d->mon)
		fds[n++] = udev_monitor_get_fd(d->mon);
	if (n < max && d->k)
		fds[n++] = kms_fd(d->k);
	return n;
}

int biounit_display_timeout_ms(struct biounit_display *d)
{
	uint64_t now = mono_ms();

	if (d->state == BIOUNIT_DISPLAY_SHOWING)
		return -1;
	return d->retry_at_ms > now ? (int)(d->retry_at_ms - now) : 0;
}

static void zc_fail(struct biounit_display *d, int r);

/* a camera frame of capture time @src went in flight on the plane path */
static void flight_note(struct biounit_display *d, uint64_t src)
{
	d->flight_kind = src ? 0 : -1;
	d->flight_src = src;
	d->flight_flips = kms_flips(d->k);
}

/* commit the camera frame that waited for the last flip */
static void show_waiting(struct biounit_display *d)
{
	int r = scanout_show(d->so, &d->wait.b, &d->zc_dst, d->wait.release, d->wait.arg);

	if (r == -EBUSY)
		return;
	if (r) {
		wait_release(d);
		zc_fail(d, r);
		return;
	}
	d->wait.have = false;
	flight_note(d, d->wait.src);
}

static void udev_events(struct biounit_display *d)
{
	struct udev_device *dev;
	bool look = false;

	while ((dev = udev_monitor_receive_device(d->mon))) {
		/* any drm event (a card added or removed, a connector's change):
		 * probe our output, or look for one */
		look = true;
		udev_device_unref(dev);
	}
	if (!look)
		return;
	if (d->k) {
		int r = kms_probe(d->k);

		if (r < 0)
			lose(d, BIOUNIT_DISPLAY_NONE, "the display card went away");
		else if (!r)
			lose(d, BIOUNIT_DISPLAY_DISCONNECTED, "the display was disconnected");
	} else {
		try_open(d);
	}
}

void biounit_display_dispatch(struct biounit_display *d)
{
	struct pollfd p = { .fd = udev_monitor_get_fd(d->mon), .events = POLLIN };

	if (poll(&p, 1, 0) > 0)
		udev_events(d);
	if (d->k) {
		int r = kms_dispatch(d->k);

		if (r == -ENODEV) {
			lose(d, BIOUNIT_DISPLAY_NONE, "the display card went away");
		} else {
			if (d->so)
				scanout_flipped(d->so);
			latency_flipped(d);
			if (d->wait.have && !kms_flip_pending(d->k))
				show_waiting(d);
			else if (d->dirty)
				present(d);
		}
	}
	if (!d->k && mono_ms() >= d->retry_at_ms)
		try_open(d);
}

int biounit_display_show(struct biounit_display *d, const struct biounit_screen_state *st)
{
	int r;

	if (!d || !st)
		return -EINVAL;
	d->redraw = false;
	if (!d->scr)
		return 0;	/* no display seen yet: drawn when one comes (redraw) */
	r = biounit_screen_render(d->scr, st, d->shadow, d->w * 4);
	if (r)
		return r;
	d->shadow_kind = st->source_ns ? latency_kind(st->scene) : -1;
	d->shadow_src = st->source_ns;
	if (d->shadow_kind >= 0)
		d->lat[d->shadow_kind].drawn++;
	d->drawn = true;
	d->dirty = true;
	present(d);
	return 0;
}

bool biounit_display_take_redraw(struct biounit_display *d)
{
	bool r = d->redraw;

	d->redraw = false;
	return r;
}

enum biounit_display_state biounit_display_get_state(const struct biounit_display *d)
{
	return d->state;
}

const char *biounit_display_status(const struct biounit_display *d)
{
	return d->status;
}

void biounit_display_size(const struct biounit_display *d, uint32_t *w, uint32_t *h)
{
	*w = d->scr ? d->w : 0;
	*h = d->scr ? d->h : 0;
}

uint64_t biounit_display_flips(const struct biounit_display *d, uint64_t *last_flip_ns)
{
	if (last_flip_ns)
		*last_flip_ns = d->k ? kms_last_flip_ns(d->k) : 0;
	return d->flips + (d->k ? kms_flips(d->k) : 0);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int biounit_display_latency(const struct biounit_display *d, enum biounit_screen_scene scene,
			    struct biounit_display_latency *out)
{
	int kind = latency_kind(scene);
	const struct latency_ring *l;
	uint32_t *v;

	if (!d || !out || kind < 0)
		return -EINVAL;
	l = &d->lat[kind];
	*out = (struct biounit_display_latency){ .drawn = l->drawn, .shown = l->shown };
	if (!l->n)
		return 0;
	v = malloc(l->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, l->us, l->n * sizeof(*v));
	qsort(v, l->n, sizeof(*v), cmp_u32);
	out->median_us = v[l->n / 2];
	out->p99_us = v[(l->n * 99 + 99) / 100 - 1];
	out->max_us = v[l->n - 1];
	free(v);
	return 0;
}

static void set_path(struct biounit_display *d, int zc, const char *why)
{
	char line[400];

	d->zc = zc;
	if (!strcmp(why, d->path))
		return;
	snprintf(d->path, sizeof(d->path), "%s", why);
	if (d->log) {
		snprintf(line, sizeof(line), "screen: camera path: %s%s", zc ? "" : "CPU: ", why);
		d->log(d->log_arg, line);
	}
}

/* a commit of the plane path failed: the CPU path from now on, on this display */
static void zc_fail(struct biounit_display *d, int r)
{
	char why[320];

	snprintf(why, sizeof(why), "%s: a commit of the plane path failed (%s): back to the CPU path",
		 kms_driver(d->k), strerror(-r));
	set_path(d, 0, why);
}

static int zc_probe(struct biounit_display *d, const struct biounit_display_buffer *b)
{
	struct biounit_screen_rect dst;
	char why[320];
	int r;

	if (d->zc >= 0 && b->fourcc == d->zc_fourcc && b->width == d->zc_w &&
	    b->height == d->zc_h && b->stride == d->zc_stride)
		return d->zc;
	d->zc_fourcc = b->fourcc;
	d->zc_w = b->width;
	d->zc_h = b->height;
	d->zc_stride = b->stride;
	if (biounit_screen_preview_rect(d->scr, b->width, b->height, &dst))
		return 0;
	r = scanout_probe(d->so, b, &dst, &d->zc_dst, why, sizeof(why));
	set_path(d, r == 1, why);
	return d->zc;
}

static void key_str(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

/* the overlay of @st is the one last drawn (its texts, tone, guide and frame size); notes it */
static bool overlay_same(struct biounit_display *d, const struct biounit_screen_state *st)
{
	struct overlay_key k;

	memset(&k, 0, sizeof(k));
	k.valid = true;
	key_str(k.prompt_nl, sizeof(k.prompt_nl), st->prompt_nl);
	key_str(k.prompt_en, sizeof(k.prompt_en), st->prompt_en);
	key_str(k.advice_nl, sizeof(k.advice_nl), st->advice_nl);
	key_str(k.advice_en, sizeof(k.advice_en), st->advice_en);
	k.tone = st->tone;
	k.have_guide = st->have_guide;
	if (st->have_guide)
		k.guide = st->guide;
	k.fw = st->frame->width;
	k.fh = st->frame->height;
	k.dst = d->zc_dst;
	if (!memcmp(&k, &d->ov_key, sizeof(k)))
		return true;
	memcpy(&d->ov_key, &k, sizeof(k));
	return false;
}

int biounit_display_show_buffer(struct biounit_display *d, const struct biounit_screen_state *st,
				const struct biounit_display_buffer *b,
				void (*release)(void *arg), void *arg)
{
	uint32_t *ov, stride;
	int r;

	if (!d || !st || !b || st->scene != BIOUNIT_SCREEN_PHOTO_LIVE || !st->frame ||
	    st->frame->width != b->width || st->frame->height != b->height) {
		if (release)
			release(arg);
		return -EINVAL;
	}
	if (!d->k || !d->so || !d->scr || zc_probe(d, b) != 1)
		goto cpu;
	if (!overlay_same(d, st) || !scanout_overlay_again(d->so)) {
		ov = scanout_overlay(d->so, &stride);
		r = ov ? biounit_screen_render_overlay(d->scr, st, &d->zc_dst, ov, stride) : -ENOMEM;
		if (r) {
			d->ov_key.valid = false;
			goto cpu;
		}
	}
	if (st->source_ns)
		d->lat[0].drawn++;
	if (kms_flip_pending(d->k)) {
		/* the newest frame waits for the flip in flight; the one waiting goes back */
		wait_release(d);
		d->wait.have = true;
		d->wait.b = *b;
		d->wait.release = release;
		d->wait.arg = arg;
		d->wait.src = st->source_ns;
		d->dirty = false;	/* the shadow's scene is older than this */
		return 0;
	}
	r = scanout_show(d->so, b, &d->zc_dst, release, arg);
	if (!r) {
		d->dirty = false;
		flight_note(d, st->source_ns);
		return 0;
	}
	zc_fail(d, r);	/* and this frame on the CPU path: the caller still has it */
	if (st->source_ns)
		d->lat[0].drawn--;	/* counted again by biounit_display_show() */
cpu:
	r = biounit_display_show(d, st);
	if (release)
		release(arg);
	return r;
}

int biounit_display_probe(struct biounit_display *d, uint32_t fourcc, uint32_t width,
			  uint32_t height)
{
	struct biounit_display_buffer b = { .dmabuf_fd = -1, .fourcc = fourcc, .width = width,
					    .height = height, .stride = width * 4 };
	struct biounit_screen_rect dst, used;
	struct kms_buf stand_in;
	char why[320];
	int r;

	if (!d || !width || !height || width > BIOUNIT_SCREEN_MAX_SIDE ||
	    height > BIOUNIT_SCREEN_MAX_SIDE)
		return -EINVAL;
	if (!d->k || !d->so || !d->scr) {
		snprintf(why, sizeof(why), "no display to scan the camera out on (%s: %s)",
			 biounit_display_state_name(d->state), d->status);
		set_path(d, 0, why);
		return 0;
	}
	if (!scanout_planes(d->so, &b, why, sizeof(why))) {
		set_path(d, 0, why);
		return 0;
	}
	/* a buffer of the camera's format and size, of this card, exported and imported as the
	 * camera's will be, for the TEST_ONLY commit of the three planes */
	if (kms_dumb_new(d->k, width, height, fourcc, &stand_in)) {
		set_path(d, 1, "the planes take the camera's format (no stand-in buffer for a TEST_ONLY commit: the first frame is tried)");
		return 1;
	}
	b.stride = stand_in.pitch;
	if (drmPrimeHandleToFD(kms_fd(d->k), stand_in.handle, DRM_CLOEXEC | DRM_RDWR, &b.dmabuf_fd))
		b.dmabuf_fd = -1;
	if (b.dmabuf_fd < 0) {
		kms_dumb_free(d->k, &stand_in);
		set_path(d, 1, "the planes take the camera's format (the card exports no buffer for a TEST_ONLY commit: the first frame is tried)");
		return 1;
	}
	b.key = UINT64_MAX;
	r = biounit_screen_preview_rect(d->scr, width, height, &dst) ? 0
	    : scanout_probe(d->so, &b, &dst, &used, why, sizeof(why));
	set_path(d, r == 1, why);
	/* the stand-in goes; the camera's own first buffer is probed again (zc_probe()) */
	scanout_forget(d->so);
	close(b.dmabuf_fd);
	kms_dumb_free(d->k, &stand_in);
	d->zc = -1;
	return r == 1;
}

void biounit_display_forget_buffers(struct biounit_display *d)
{
	if (!d)
		return;
	wait_release(d);
	if (d->so && d->k) {
		/* the camera's planes off (a CPU frame up) before their FBs go */
		if (d->drawn && !kms_flip_pending(d->k)) {
			d->dirty = true;
			present(d);
		}
		scanout_free(d->so);
		d->so = NULL;
		if (scanout_new(d->k, &d->so))
			d->so = NULL;
	}
	d->zc = -1;
	d->ov_key.valid = false;
}

const char *biounit_display_path(const struct biounit_display *d)
{
	return d->path;
}

bool biounit_display_zero_copy(const struct biounit_display *d)
{
	return d->zc == 1;
}

void biounit_display_planes(const struct biounit_display *d, char *buf, size_t len)
{
	size_t n = 0, o = 0;
	const struct kms_plane *pl = d->k ? kms_plane_list(d->k, &n) : NULL;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; pl && i < n && o + 1 < len; i++) {
		char line[512];

		kms_plane_describe(&pl[i], line, sizeof(line));
		o += (size_t)snprintf(buf + o, len - o, "%s\n", line);
	}
}

int biounit_display_capture(struct biounit_display *d, uint32_t *px, uint32_t stride)
{
	struct kms_buf b;
	int r;

	if (!d || !px || stride < d->w * 4)
		return -EINVAL;
	if (!d->k)
		return -ENODEV;
	/* the flip in flight first: what is on the screen is what is captured */
	for (int i = 0; i < 100 && kms_flip_pending(d->k); i++) {
		struct pollfd p = { .fd = kms_fd(d->k), .events = POLLIN };

		poll(&p, 1, 20);
		biounit_display_dispatch(d);
		if (!d->k)
			return -ENODEV;
	}
	r = kms_dumb_new(d->k, d->w, d->h, DRM_FORMAT_XRGB8888, &b);
	if (r)
		return r;
	r = kms_capture(d->k, &b, 1000);
	for (uint32_t y = 0; !r && y < d->h; y++)
		memcpy((uint8_t *)px + (size_t)y * stride, b.map + (size_t)y * b.pitch,
		       (size_t)d->w * 4);
	kms_dumb_free(d->k, &b);
	return r;
}
