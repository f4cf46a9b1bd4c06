// SPDX-License-Identifier: GPL-2.0
/*
 * The zero-copy plane path (docs/screen.md, "Which path a display takes"):
 * the camera's buffer, exported by the driver as a dma-buf, imported as a
 * framebuffer and scanned out mirrored (rotation reflect-x) on a plane of its
 * own; the overlay (head guide, advice bar, texts: ARGB8888 with a
 * transparent hole over the preview) on a second plane above it; the
 * background on the primary plane. No CPU touches a camera pixel.
 *
 * A camera buffer stays with the display (its @release not called) until
 * the flip that replaces it on the screen has completed: until then the
 * card may still be reading it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "scanout.h"

#define SCANOUT_FBS 16

struct cam_fb {
	struct biounit_display_buffer b;	/* b.dmabuf_fd -1: a free slot */
	uint32_t handle, fb;
};

struct held {
	void (*release)(void *arg);
	void *arg;
};

struct scanout {
	struct kms *k;
	const struct kms_plane *primary, *cam, *ovl;
	struct kms_buf bg, ov[3];
	int ov_screen, ov_flight, ov_draw;	/* -1: none */
	struct held screen, flight;		/* camera buffers on the screen, in flight */
	uint64_t flips, flight_at;
	struct cam_fb fbs[SCANOUT_FBS];
	bool have_bg;
};

static void give_back(struct held *h)
{
	if (h->release)
		h->release(h->arg);
	h->release = NULL;
	h->arg = NULL;
}

static void fb_drop(struct scanout *s, struct cam_fb *c)
{
	if (c->fb)
		drmModeRmFB(kms_fd(s->k), c->fb);
	if (c->handle)
		drmCloseBufferHandle(kms_fd(s->k), c->handle);
	memset(c, 0, sizeof(*c));
	c->b.dmabuf_fd = -1;
}

int scanout_new(struct kms *k, struct scanout **out)
{
	struct scanout *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->k = k;
	s->ov_screen = s->ov_flight = s->ov_draw = -1;
	for (int i = 0; i < SCANOUT_FBS; i++)
		s->fbs[i].b.dmabuf_fd = -1;
	s->flips = kms_flips(k);
	*out = s;
	return 0;
}

void scanout_forget(struct scanout *s)
{
	for (int i = 0; i < SCANOUT_FBS; i++)
		if (s->fbs[i].b.dmabuf_fd >= 0)
			fb_drop(s, &s->fbs[i]);
}

void scanout_free(struct scanout *s)
{
	if (!s)
		return;
	give_back(&s->flight);
	give_back(&s->screen);
	scanout_forget(s);
	for (int i = 0; i < 3; i++)
		if (s->ov[i].fb)
			kms_dumb_free(s->k, &s->ov[i]);
	if (s->have_bg)
		kms_dumb_free(s->k, &s->bg);
	free(s);
}

/* the FB of @b, imported once per buffer (key, dma-buf, layout) */
static int fb_of(struct scanout *s, const struct biounit_display_buffer *b, uint32_t *fb,
		 char *why, size_t wlen)
{
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	struct cam_fb *c = NULL;
	char f[5];
	int fd = kms_fd(s->k);

	for (int i = 0; i < SCANOUT_FBS; i++) {
		struct cam_fb *e = &s->fbs[i];

		if (e->b.dmabuf_fd == b->dmabuf_fd && e->b.key == b->key &&
		    e->b.fourcc == b->fourcc && e->b.width == b->width && e->b.height == b->height &&
		    e->b.stride == b->stride && e->b.offset == b->offset) {
			*fb = e->fb;
			return 0;
		}
		if (!c && e->b.dmabuf_fd < 0)
			c = e;
	}
	if (!c) {
		snprintf(why, wlen, "more than %d camera buffers", SCANOUT_FBS);
		return -ENOSPC;
	}
	kms_fourcc_str(b->fourcc, f);
	if (drmPrimeFDToHandle(fd, b->dmabuf_fd, &c->handle)) {
		int e = errno;

		snprintf(why, wlen, "%s: import of the camera's dma-buf failed: %s", kms_driver(s->k),
			 strerror(e));
		c->handle = 0;
		return -e;
	}
	handles[0] = c->handle;
	pitches[0] = b->stride;
	offsets[0] = b->offset;
	if (drmModeAddFB2(fd, b->width, b->height, b->fourcc, handles, pitches, offsets, &c->fb, 0)) {
		int e = errno;

		snprintf(why, wlen, "%s: no framebuffer of the camera's %s %ux%u (stride %u): %s",
			 kms_driver(s->k), f, b->width, b->height, b->stride, strerror(e));
		c->fb = 0;
		fb_drop(s, c);
		return -e;
	}
	c->b = *b;
	*fb = c->fb;
	return 0;
}

/* the three layers of a frame: background, camera (mirrored) at @dst, overlay */
static size_t layers(struct scanout *s, uint32_t cam_fb, const struct biounit_display_buffer *b,
		     const struct biounit_screen_rect *dst, uint32_t ov_fb, struct kms_layer *l)
{
	uint32_t w, h;

	kms_size(s->k, &w, &h);
	l[0] = (struct kms_layer){ .plane = s->primary, .fb = s->bg.fb, .sw = w, .sh = h,
				   .cw = w, .ch = h, .set_zpos = true, .zpos = 0 };
	l[1] = (struct kms_layer){ .plane = s->cam, .fb = cam_fb, .sw = b->width, .sh = b->height,
				   .cx = dst->x, .cy = dst->y, .cw = (uint32_t)dst->w,
				   .ch = (uint32_t)dst->h,
				   .rotation = DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_X,
				   .set_zpos = true, .zpos = 1 };
	l[2] = (struct kms_layer){ .plane = s->ovl, .fb = ov_fb, .sw = w, .sh = h, .cw = w, .ch = h,
				   .set_zpos = true, .zpos = 2 };
	return 3;
}

/* pick the planes: the camera's (takes @fourcc, reflect-x), the overlay's above it (ARGB8888) */
static int pick_planes(struct scanout *s, uint32_t fourcc, const struct biounit_display_buffer *b,
		       char *why, size_t wlen)
{
	size_t n;
	const struct kms_plane *pl = kms_plane_list(s->k, &n);
	const char *drv = kms_driver(s->k);
	unsigned int n_ovl = 0, n_fmt = 0, n_rot = 0;
	char f[5];

	kms_fourcc_str(fourcc, f);
	s->primary = kms_primary(s->k);
	s->cam = s->ovl = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct kms_plane *p = &pl[i];

		if (p->type != DRM_PLANE_TYPE_OVERLAY)
			continue;
		n_ovl++;
		if (!s->cam && kms_plane_takes(p, fourcc)) {
			n_fmt++;
			n_rot += p->props.rotation != 0;
			if (p->rotations & DRM_MODE_REFLECT_X)
				s->cam = p;
			continue;
		}
		n_fmt += kms_plane_takes(p, fourcc);
		n_rot += kms_plane_takes(p, fourcc) && p->props.rotation;
		/* the overlay's plane: after the camera's in the card's order (drawn above it
		 * where the planes have no zpos), or any when both have a mutable zpos */
		if (s->cam && !s->ovl && kms_plane_takes(p, DRM_FORMAT_ARGB8888))
			s->ovl = p;
	}
	if (!n_ovl) {
		snprintf(why, wlen, "%s: one primary plane, no overlay plane for the camera or the overlay (%zu plane(s) in all)",
			 drv, n);
		return 0;
	}
	if (!n_fmt) {
		snprintf(why, wlen, "%s: no plane takes %s %ux%u", drv, f, b->width, b->height);
		return 0;
	}
	if (!s->cam) {
		snprintf(why, wlen, n_rot ? "%s: no plane that takes %s offers reflect-x, so no mirror"
				  : "%s: no rotation property on the planes that take %s, so no mirror",
			 drv, f);
		return 0;
	}
	if (!s->ovl) {
		snprintf(why, wlen, "%s: no second overlay plane (ARGB8888) above the camera's for the guide and texts",
			 drv);
		return 0;
	}
	return 1;
}

static int buffers(struct scanout *s)
{
	uint32_t w, h;
	int r = 0;

	kms_size(s->k, &w, &h);
	if (!s->have_bg) {
		r = kms_dumb_new(s->k, w, h, DRM_FORMAT_XRGB8888, &s->bg);
		if (r)
			return r;
		s->have_bg = true;
		for (uint64_t i = 0; i < s->bg.size / 4; i++)
			((uint32_t *)s->bg.map)[i] = BIOUNIT_SCREEN_BG_RGB;
	}
	for (int i = 0; i < 3 && !r; i++)
		if (!s->ov[i].fb)
			r = kms_dumb_new(s->k, w, h, DRM_FORMAT_ARGB8888, &s->ov[i]);
	return r;
}

int scanout_planes(struct scanout *s, const struct biounit_display_buffer *b, char *why,
		   size_t wlen)
{
	if (getenv("BIOUNIT_SCREEN_NO_ZERO_COPY")) {
		snprintf(why, wlen, "%s: the plane path is turned off (BIOUNIT_SCREEN_NO_ZERO_COPY)",
			 kms_driver(s->k));
		return 0;
	}
	if (!kms_is_atomic(s->k)) {
		snprintf(why, wlen, "%s: legacy modesetting, no atomic TEST_ONLY commit to ask with",
			 kms_driver(s->k));
		return 0;
	}
	return pick_planes(s, b->fourcc, b, why, wlen);
}

int scanout_probe(struct scanout *s, const struct biounit_display_buffer *b,
		  const struct biounit_screen_rect *dst, struct biounit_screen_rect *used,
		  char *why, size_t wlen)
{
	struct kms_layer l[3];
	struct biounit_screen_rect one;
	uint32_t fb;
	char f[5];
	int r;

	kms_fourcc_str(b->fourcc, f);
	if (!scanout_planes(s, b, why, wlen))
		return 0;
	if (b->dmabuf_fd < 0) {
		snprintf(why, wlen, "the camera's buffers are not exported as dma-bufs");
		return 0;
	}
	r = buffers(s);
	if (r) {
		snprintf(why, wlen, "%s: no overlay buffers: %s", kms_driver(s->k), strerror(-r));
		return 0;
	}
	if (fb_of(s, b, &fb, why, wlen))
		return 0;
	*used = *dst;
	r = kms_commit_layers(s->k, l, layers(s, fb, b, used, s->ov[0].fb, l), true);
	if (r && (dst->w != (int32_t)b->width || dst->h != (int32_t)b->height)) {
		/* planes that do not scale: the frame at its own size, centred on the preview */
		one = (struct biounit_screen_rect){ .x = dst->x + (dst->w - (int32_t)b->width) / 2,
						    .y = dst->y + (dst->h - (int32_t)b->height) / 2,
						    .w = (int32_t)b->width, .h = (int32_t)b->height };
		uint32_t sw, sh;

		kms_size(s->k, &sw, &sh);
		if (one.x >= 0 && one.y >= 0 && one.x + one.w <= (int32_t)sw &&
		    one.y + one.h <= (int32_t)sh &&
		    !kms_commit_layers(s->k, l, layers(s, fb, b, &one, s->ov[0].fb, l), true)) {
			*used = one;
			r = 0;
		}
	}
	if (r) {
		snprintf(why, wlen, "%s: the TEST_ONLY commit refuses %s %ux%u at %dx%d+%d+%d mirrored on plane %u (overlay on plane %u): %s",
			 kms_driver(s->k), f, b->width, b->height, dst->w, dst->h, dst->x, dst->y,
			 s->cam->id, s->ovl->id, strerror(-r));
		return 0;
	}
	snprintf(why, wlen, "zero-copy: %s plane %u scans out the camera's %s %ux%u at %dx%d+%d+%d mirrored (reflect-x)%s, plane %u the overlay (ARGB8888), plane %u the background",
		 kms_driver(s->k), s->cam->id, f, b->width, b->height, used->w, used->h, used->x,
		 used->y, used->w == dst->w && used->h == dst->h ? "" : " unscaled",
		 s->ovl->id, s->primary->id);
	return 1;
}

uint32_t *scanout_overlay(struct scanout *s, uint32_t *stride)
{
	for (int i = 0; i < 3; i++)
		if (i != s->ov_screen && i != s->ov_flight && s->ov[i].map) {
			s->ov_draw = i;
			*stride = s->ov[i].pitch;
			return (uint32_t *)s->ov[i].map;
		}
	return NULL;
}

bool scanout_overlay_again(struct scanout *s)
{
	int i = s->ov_flight >= 0 ? s->ov_flight : s->ov_screen;

	if (i < 0)
		return false;
	s->ov_draw = i;	/* the plane scans it out already; nobody writes it */
	return true;
}

int scanout_show(struct scanout *s, const struct biounit_display_buffer *b,
		 const struct biounit_screen_rect *dst, void (*release)(void *arg), void *arg)
{
	struct held h = { release, arg };
	struct kms_layer l[3];
	char why[160];
	uint32_t fb;
	int r;

	if (kms_flip_pending(s->k))
		return -EBUSY;
	if (!s->cam || s->ov_draw < 0)
		return -EINVAL;
	r = fb_of(s, b, &fb, why, sizeof(why));
	if (!r)
		r = kms_commit_layers(s->k, l, layers(s, fb, b, dst, s->ov[s->ov_draw].fb, l), false);
	if (r)
		return r;
	s->flight = h;
	s->ov_flight = s->ov_draw;
	s->ov_draw = -1;
	s->flight_at = kms_flips(s->k);
	return 0;
}

void scanout_flipped(struct scanout *s)
{
	uint64_t f = kms_flips(s->k);

	if (f == s->flips)
		return;
	s->flips = f;
	/* whatever the flip put up replaced the camera buffer that was on the screen */
	give_back(&s->screen);
	if (s->flight.release || s->ov_flight >= 0) {
		if (f > s->flight_at) {
			s->screen = s->flight;
			s->flight = (struct held){ 0 };
			s->ov_screen = s->ov_flight;
			s->ov_flight = -1;
		}
	} else {
		s->ov_screen = -1;	/* a frame of the CPU path is up */
	}
}
