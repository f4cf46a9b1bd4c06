/* SPDX-License-Identifier: GPL-2.0 */
/* One KMS output (kms.c): open, show XRGB8888 frames double buffered, page-flip events. */
#ifndef SCREEN_KMS_H
#define SCREEN_KMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "planes.h"

#define KMS_MAX_PLANES 8

/* a dumb buffer with its framebuffer, mapped */
struct kms_buf {
	uint32_t handle, pitch, fb;
	uint64_t size;
	uint8_t *map;
};

struct kms;
/*
 * Open card @path and set up its first connected output. 0, or -ENOENT and
 * the card's other open errors, -EOPNOTSUPP (no dumb buffers), -EBUSY
 * (another process holds DRM master), -ENOTCONN (no display connected),
 * -ENODEV (not a modesetting device); @why says it in a line.
 */
int kms_open(const char *path, struct kms **out, char *why, size_t wlen);
void kms_close(struct kms *k);
void kms_size(const struct kms *k, uint32_t *w, uint32_t *h);
int kms_fd(const struct kms *k);
/* "card connector WxH@Hz atomic, planes: ..." or "... legacy" */
void kms_describe(const struct kms *k, char *s, size_t len);
bool kms_is_atomic(const struct kms *k);
/* copy @px (the mode's size) into the buffer off the screen and flip to it at the
 * next vblank; -EBUSY while the last flip is pending, or the driver's error */
int kms_present(struct kms *k, const uint32_t *px, uint32_t stride);
bool kms_flip_pending(const struct kms *k);
/* flips completed so far */
uint64_t kms_flips(const struct kms *k);
/* CLOCK_MONOTONIC of the last completed flip, ns (the page-flip event's time) */
uint64_t kms_last_flip_ns(const struct kms *k);
/* read the card's events (page flips); 0 or -errno (-ENODEV: the card is gone) */
int kms_dispatch(struct kms *k);
/* 1 the output's connector is connected, 0 not, -errno (-ENODEV: the card is gone) */
int kms_probe(struct kms *k);

/* the DRM driver's name ("bochs-drm", "vkms") */
const char *kms_driver(const struct kms *k);
/* the planes of the output's CRTC (none on the legacy path), its primary plane (or NULL) */
const struct kms_plane *kms_plane_list(const struct kms *k, size_t *n);
const struct kms_plane *kms_primary(const struct kms *k);
/* a @w x @h dumb buffer of 32-bit @fourcc (XRGB8888, ARGB8888), zeroed, with its FB */
int kms_dumb_new(struct kms *k, uint32_t w, uint32_t h, uint32_t fourcc, struct kms_buf *b);
void kms_dumb_free(struct kms *k, struct kms_buf *b);
/*
 * One atomic commit of @n layers (the primary among them): planes an earlier
 * commit lit that @l leaves out are turned off (kms_present() turns them all
 * off). @test_only: DRM_MODE_ATOMIC_TEST_ONLY, nothing changes; otherwise a
 * page flip whose event counts in kms_flips(). -EOPNOTSUPP on the legacy
 * path, -EBUSY while a flip is pending, or the driver's error.
 */
int kms_commit_layers(struct kms *k, const struct kms_layer *l, size_t n, bool test_only);
/*
 * The picture the CRTC composes now (all its planes), written by the card
 * into @out (XRGB8888, the mode's size) through a writeback connector,
 * where the card has one (vkms): for tests. The display's connector leaves
 * the CRTC for that frame (on vkms the two cannot share it). 0, -EOPNOTSUPP (no writeback
 * connector, the legacy path, nothing shown yet), -EBUSY (a flip is
 * pending), -ETIMEDOUT, or the driver's error.
 */
int kms_capture(struct kms *k, const struct kms_buf *out, int timeout_ms);

#endif
