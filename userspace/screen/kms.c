// SPDX-License-Identifier: GPL-2.0
/*
 * One KMS output through libdrm (docs/screen.md): the first connected
 * connector of a card, its preferred mode, a CRTC its encoder can drive and
 * that CRTC's primary plane; two XRGB8888 dumb buffers, the one not on the
 * screen filled and flipped to at the next vblank (a page-flip event tells
 * when). Atomic modesetting where the driver offers it, the legacy
 * SetCrtc/PageFlip calls otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "kms.h"

struct kms {
	int fd;
	char path[64], conn_name[32];
	char driver[32];		/* the DRM driver's name: "bochs-drm", "vkms" */
	bool atomic, first_done, flip_pending;
	bool ext_pending;		/* the flip in flight is kms_commit_layers()' */
	uint32_t conn_id, crtc_id, mode_blob;
	unsigned int crtc_index, n_overlay, n_cursor;	/* the CRTC's other planes */
	struct kms_plane *planes;	/* the CRTC's planes (atomic only) */
	size_t n_planes;
	const struct kms_plane *primary;
	uint32_t lit[KMS_MAX_PLANES];	/* planes other than the primary kms_commit_layers() lit */
	size_t n_lit;
	drmModeModeInfo mode;
	struct kms_buf buf[2];
	int front;			/* the buffer on the screen */
	uint64_t flips, last_flip_ns;
	/* atomic property ids */
	uint32_t p_conn_crtc, p_crtc_mode, p_crtc_active;
};

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static void buf_free(int fd, struct kms_buf *b)
{
	if (b->map)
		munmap(b->map, b->size);
	if (b->fb)
		drmModeRmFB(fd, b->fb);
	if (b->handle) {
		struct drm_mode_destroy_dumb dd = { .handle = b->handle };

		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
	}
	memset(b, 0, sizeof(*b));
}

static int buf_make(int fd, uint32_t w, uint32_t h, uint32_t fourcc, struct kms_buf *b)
{
	struct drm_mode_create_dumb cd = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb md = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	void *map;

	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return -errno;
	b->handle = cd.handle;
	b->pitch = cd.pitch;
	b->size = cd.size;
	handles[0] = cd.handle;
	pitches[0] = cd.pitch;
	if (drmModeAddFB2(fd, w, h, fourcc, handles, pitches, offsets, &b->fb, 0))
		return -errno;
	md.handle = cd.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md))
		return -errno;
	map = mmap(NULL, cd.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)md.offset);
	if (map == MAP_FAILED)
		return -errno;
	b->map = map;
	memset(b->map, 0, b->size);	/* black until the first frame */
	return 0;
}

/* the connected connector with modes, its CRTC and the CRTC's primary plane */
static int pick_output(struct kms *k, char *why, size_t wlen)
{
	drmModeRes *res = drmModeGetResources(k->fd);
	int ret = -ENOTCONN;

	if (!res) {
		snprintf(why, wlen, "%s: not a modesetting device: %s", k->path, strerror(errno));
		return -ENODEV;
	}
	for (int i = 0; i < res->count_connectors && ret; i++) {
		drmModeConnector *c = drmModeGetConnector(k->fd, res->connectors[i]);
		uint32_t crtc = 0;
		int m = 0;

		if (!c)
			continue;
		if (c->connection != DRM_MODE_CONNECTED || !c->count_modes) {
			drmModeFreeConnector(c);
			continue;
		}
		for (int j = 0; j < c->count_modes; j++)
			if (c->modes[j].type & DRM_MODE_TYPE_PREFERRED) {
				m = j;
				break;
			}
		/* a CRTC one of its encoders can drive, the current one first */
		for (int e = -1; e < c->count_encoders && !crtc; e++) {
			drmModeEncoder *enc = drmModeGetEncoder(k->fd, e < 0 ? c->encoder_id
									       : c->encoders[e]);

			if (!enc)
				continue;
			if (e < 0 && enc->crtc_id)
				crtc = enc->crtc_id;
			for (int r = 0; r < res->count_crtcs && !crtc; r++)
				if (enc->possible_crtcs & (1u << r))
					crtc = res->crtcs[r];
			drmModeFreeEncoder(enc);
		}
		if (crtc) {
			k->conn_id = c->connector_id;
			k->crtc_id = crtc;
			k->mode = c->modes[m];
			snprintf(k->conn_name, sizeof(k->conn_name), "%s-%u",
				 drmModeGetConnectorTypeName(c->connector_type) ?
				 drmModeGetConnectorTypeName(c->connector_type) : "unknown",
				 c->connector_type_id);
			ret = 0;
		}
		drmModeFreeConnector(c);
	}
	if (ret) {
		snprintf(why, wlen, "%s: no connected display", k->path);
		drmModeFreeResources(res);
		return ret;
	}
	for (int r = 0; r < res->count_crtcs; r++)
		if (res->crtcs[r] == k->crtc_id)
			k->crtc_index = (unsigned int)r;
	if (k->atomic && !kms_planes_list(k->fd, k->crtc_index, &k->planes, &k->n_planes)) {
		for (size_t i = 0; i < k->n_planes; i++) {
			const struct kms_plane *p = &k->planes[i];

			if (p->type == DRM_PLANE_TYPE_PRIMARY && !k->primary)
				k->primary = p;
			k->n_overlay += p->type == DRM_PLANE_TYPE_OVERLAY;
			k->n_cursor += p->type == DRM_PLANE_TYPE_CURSOR;
		}
	}
	if (!k->primary)
		k->atomic = false;	/* no primary plane found: the legacy calls */
	drmModeFreeResources(res);
	return 0;
}

static int atomic_props(struct kms *k)
{
	const struct kms_plane_props *pp = &k->primary->props;

	k->p_conn_crtc = prop_id(k->fd, k->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	k->p_crtc_mode = prop_id(k->fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	k->p_crtc_active = prop_id(k->fd, k->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	if (!k->p_conn_crtc || !k->p_crtc_mode || !k->p_crtc_active || !pp->fb || !pp->crtc ||
	    !pp->sx || !pp->sy || !pp->sw || !pp->sh || !pp->cx || !pp->cy || !pp->cw || !pp->ch)
		return -ENOENT;
	return drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &k->mode_blob) ? -errno
											    : 0;
}

/*
 * One atomic commit of @l (the primary's layer among them, or not), every
 * plane that an earlier commit lit and @l does not name turned off; the
 * first commit sets the mode. @flags: DRM_MODE_ATOMIC_TEST_ONLY, or 0 for a
 * page flip with its event.
 */
static int commit(struct kms *k, const struct kms_layer *l, size_t n, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	bool modeset = !k->first_done;
	int r;

	if (!req)
		return -ENOMEM;
	if (modeset) {
		drmModeAtomicAddProperty(req, k->conn_id, k->p_conn_crtc, k->crtc_id);
		drmModeAtomicAddProperty(req, k->crtc_id, k->p_crtc_mode, k->mode_blob);
		drmModeAtomicAddProperty(req, k->crtc_id, k->p_crtc_active, 1);
	}
	for (size_t i = 0; i < n; i++)
		kms_layer_add(req, k->crtc_id, &l[i]);
	for (size_t j = 0; j < k->n_lit; j++) {
		bool named = false;

		for (size_t i = 0; i < n; i++)
			named |= l[i].plane->id == k->lit[j];
		for (size_t i = 0; i < k->n_planes && !named; i++)
			if (k->planes[i].id == k->lit[j]) {
				struct kms_layer off = { .plane = &k->planes[i] };

				kms_layer_add(req, k->crtc_id, &off);
			}
	}
	if (flags & DRM_MODE_ATOMIC_TEST_ONLY)
		flags |= modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET : 0;
	else
		flags |= DRM_MODE_PAGE_FLIP_EVENT |
			 (modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET : DRM_MODE_ATOMIC_NONBLOCK);
	r = drmModeAtomicCommit(k->fd, req, flags, k) ? -errno : 0;
	drmModeAtomicFree(req);
	if (r || (flags & DRM_MODE_ATOMIC_TEST_ONLY))
		return r;
	k->n_lit = 0;
	for (size_t i = 0; i < n && k->n_lit < KMS_MAX_PLANES; i++)
		if (l[i].fb && l[i].plane != k->primary)
			k->lit[k->n_lit++] = l[i].plane->id;
	return 0;
}

static int atomic_commit(struct kms *k, uint32_t fb)
{
	struct kms_layer l = {
		.plane = k->primary, .fb = fb, .sw = k->mode.hdisplay, .sh = k->mode.vdisplay,
		.cw = k->mode.hdisplay, .ch = k->mode.vdisplay,
	};

	return commit(k, &l, 1, 0);
}

int kms_open(const char *path, struct kms **out, char *why, size_t wlen)
{
	struct kms *k;
	uint64_t cap = 0;
	int r;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	snprintf(k->path, sizeof(k->path), "%s", path);
	k->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (k->fd < 0) {
		r = -errno;
		snprintf(why, wlen, "%s: %s", path, strerror(errno));
		free(k);
		return r;
	}
	{
		drmVersion *v = drmGetVersion(k->fd);

		snprintf(k->driver, sizeof(k->driver), "%s", v && v->name ? v->name : "?");
		drmFreeVersion(v);
	}
	if (drmGetCap(k->fd, DRM_CAP_DUMB_BUFFER, &cap) || !cap) {
		snprintf(why, wlen, "%s: no dumb buffers", path);
		r = -EOPNOTSUPP;
		goto fail;
	}
	/* the first opener of a card is its master; otherwise ask to become it */
	if (!drmIsMaster(k->fd) && drmSetMaster(k->fd)) {
		snprintf(why, wlen, "%s: another process holds DRM master (%s); will retry", path,
			 strerror(errno));
		r = -EBUSY;
		goto fail;
	}
	k->atomic = !drmSetClientCap(k->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) &&
		    !drmSetClientCap(k->fd, DRM_CLIENT_CAP_ATOMIC, 1) &&
		    !getenv("BIOUNIT_SCREEN_LEGACY");
	r = pick_output(k, why, wlen);
	if (r)
		goto fail;
	if (k->atomic && atomic_props(k))
		k->atomic = false;
	for (int i = 0; i < 2; i++) {
		r = buf_make(k->fd, k->mode.hdisplay, k->mode.vdisplay, DRM_FORMAT_XRGB8888,
			     &k->buf[i]);
		if (r) {
			snprintf(why, wlen, "%s: cannot make a %ux%u buffer: %s", path,
				 k->mode.hdisplay, k->mode.vdisplay, strerror(-r));
			goto fail;
		}
	}
	k->front = 1;	/* the first frame goes to buffer 0 */
	*out = k;
	return 0;
fail:
	kms_close(k);
	return r;
}

void kms_close(struct kms *k)
{
	if (!k)
		return;
	if (k->fd >= 0) {
		/* removing the framebuffer on the screen turns the output off */
		for (int i = 0; i < 2; i++)
			buf_free(k->fd, &k->buf[i]);
		if (k->mode_blob)
			drmModeDestroyPropertyBlob(k->fd, k->mode_blob);
		close(k->fd);
	}
	kms_planes_free(k->planes, k->n_planes);
	free(k);
}

void kms_size(const struct kms *k, uint32_t *w, uint32_t *h)
{
	*w = k->mode.hdisplay;
	*h = k->mode.vdisplay;
}

int kms_fd(const struct kms *k)
{
	return k->fd;
}

bool kms_flip_pending(const struct kms *k)
{
	return k->flip_pending;
}

uint64_t kms_flips(const struct kms *k)
{
	return k->flips;
}

uint64_t kms_last_flip_ns(const struct kms *k)
{
	return k->last_flip_ns;
}

void kms_describe(const struct kms *k, char *s, size_t len)
{
	if (k->atomic)
		snprintf(s, len, "%s %s %ux%u@%u atomic, planes: primary, %u overlay, %u cursor",
			 k->path, k->conn_name, k->mode.hdisplay, k->mode.vdisplay, k->mode.vrefresh,
			 k->n_overlay, k->n_cursor);
	else
		snprintf(s, len, "%s %s %ux%u@%u legacy", k->path, k->conn_name, k->mode.hdisplay,
			 k->mode.vdisplay, k->mode.vrefresh);
}

bool kms_is_atomic(const struct kms *k)
{
	return k->atomic;
}

int kms_present(struct kms *k, const uint32_t *px, uint32_t stride)
{
	struct kms_buf *b = &k->buf[!k->front];
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;
	int r;

	if (k->flip_pending)
		return -EBUSY;
	for (uint32_t y = 0; y < h; y++)
		memcpy(b->map + (size_t)y * b->pitch, (const uint8_t *)px + (size_t)y * stride,
		       (size_t)w * 4);
	if (!k->first_done) {
		if (k->atomic)
			r = atomic_commit(k, b->fb);
		else
			r = drmModeSetCrtc(k->fd, k->crtc_id, b->fb, 0, 0, &k->conn_id, 1, &k->mode)
				    ? -errno : 0;
		if (r)
			return r;
		k->first_done = true;
		if (k->atomic) {
			k->flip_pending = true;	/* its event swaps the buffers */
		} else {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			k->front = !k->front;
			k->last_flip_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
			k->flips++;
		}
		return 0;
	}
	if (k->atomic)
		r = atomic_commit(k, b->fb);
	else
		r = drmModePageFlip(k->fd, k->crtc_id, b->fb, DRM_MODE_PAGE_FLIP_EVENT, k) ? -errno
											   : 0;
	if (r)
		return r;
	k->flip_pending = true;
	return 0;
}

static void flip_done(int fd, unsigned int seq, unsigned int sec, unsigned int usec, void *data)
{
	struct kms *k = data;

	(void)fd;
	(void)seq;
	if (!k || !k->flip_pending)
		return;
	k->flip_pending = false;
	if (k->ext_pending)
		k->ext_pending = false;	/* kms_commit_layers(): our buffers stay as they were */
	else
		k->front = !k->front;
	k->flips++;
	k->last_flip_ns = (uint64_t)sec * 1000000000u + (uint64_t)usec * 1000u;
}

int kms_dispatch(struct kms *k)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = flip_done };

	if (drmHandleEvent(k->fd, &ev))
		return errno == EAGAIN ? 0 : -errno;
	return 0;
}

int kms_probe(struct kms *k)
{
	drmModeConnector *c = drmModeGetConnector(k->fd, k->conn_id);
	int r;

	if (!c)
		return errno == ENODEV ? -ENODEV : -errno;
	r = c->connection == DRM_MODE_CONNECTED && c->count_modes ? 1 : 0;
	drmModeFreeConnector(c);
	return r;
}

const char *kms_driver(const struct kms *k)
{
	return k->driver;
}

const struct kms_plane *kms_plane_list(const struct kms *k, size_t *n)
{
	*n = k->n_planes;
	return k->planes;
}

const struct kms_plane *kms_primary(const struct kms *k)
{
	return k->primary;
}

int kms_dumb_new(struct kms *k, uint32_t w, uint32_t h, uint32_t fourcc, struct kms_buf *b)
{
	int r;

	memset(b, 0, sizeof(*b));
	r = buf_make(k->fd, w, h, fourcc, b);
	if (r)
		buf_free(k->fd, b);
	return r;
}

void kms_dumb_free(struct kms *k, struct kms_buf *b)
{
	buf_free(k->fd, b);
}

int kms_commit_layers(struct kms *k, const struct kms_layer *l, size_t n, bool test_only)
{
	int r;

	if (!k->atomic)
		return -EOPNOTSUPP;
	if (!test_only && k->flip_pending)
		return -EBUSY;
	r = commit(k, l, n, test_only ? DRM_MODE_ATOMIC_TEST_ONLY : 0);
	if (r || test_only)
		return r;
	k->first_done = true;
	k->flip_pending = true;
	k->ext_pending = true;
	return 0;
}

/* the card's writeback connector that can take our CRTC's output, 0 if none */
static uint32_t writeback_connector(struct kms *k)
{
	drmModeRes *res;
	uint32_t id = 0;

	if (drmSetClientCap(k->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1))
		return 0;
	res = drmModeGetResources(k->fd);
	for (int i = 0; res && i < res->count_connectors && !id; i++) {
		drmModeConnector *c = drmModeGetConnector(k->fd, res->connectors[i]);

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK && c->count_encoders) {
			drmModeEncoder *e = drmModeGetEncoder(k->fd, c->encoders[0]);

			if (e && (e->possible_crtcs & (1u << k->crtc_index)))
				id = c->connector_id;
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return id;
}

int kms_capture(struct kms *k, const struct kms_buf *out, int timeout_ms)
{
	uint32_t wb, p_crtc, p_fb, p_fence;
	drmModeAtomicReq *req;
	int32_t fence = -1;
	int r;

	if (!k->atomic || !k->first_done)
		return -EOPNOTSUPP;
	if (k->flip_pending)
		return -EBUSY;
	wb = writeback_connector(k);
	if (!wb)
		return -EOPNOTSUPP;
	p_crtc = prop_id(k->fd, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	p_fb = prop_id(k->fd, wb, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID");
	p_fence = prop_id(k->fd, wb, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_OUT_FENCE_PTR");
	if (!p_crtc || !p_fb || !p_fence)
		return -EOPNOTSUPP;
	req = drmModeAtomicAlloc();
	if (!req)
		return -ENOMEM;
	/*
	 * The planes as they are; the writeback connector on our CRTC for one frame, in place
	 * of the display's connector: vkms's encoders are no clones of each other, so both
	 * cannot be on one CRTC (the atomic check's clone check refuses it).
	 */
	drmModeAtomicAddProperty(req, k->conn_id, k->p_conn_crtc, 0);
	drmModeAtomicAddProperty(req, wb, p_crtc, k->crtc_id);
	drmModeAtomicAddProperty(req, wb, p_fb, out->fb);
	drmModeAtomicAddProperty(req, wb, p_fence, (uint64_t)(uintptr_t)&fence);
	r = drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	if (!r && fence >= 0) {
		struct pollfd p = { .fd = fence, .events = POLLIN };

		r = poll(&p, 1, timeout_ms) == 1 ? 0 : -ETIMEDOUT;
	}
	if (fence >= 0)
		close(fence);
	/* and the display's connector back */
	req = drmModeAtomicAlloc();
	if (req) {
		drmModeAtomicAddProperty(req, wb, p_crtc, 0);
		drmModeAtomicAddProperty(req, k->conn_id, k->p_conn_crtc, k->crtc_id);
		drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		drmModeAtomicFree(req);
	}
	return r;
}
