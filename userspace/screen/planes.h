/* SPDX-License-Identifier: GPL-2.0 */
/* The planes of a CRTC (planes.c): inventory, formats, rotation, atomic properties. */
#ifndef SCREEN_PLANES_H
#define SCREEN_PLANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drmMode.h>

/* atomic property ids of a plane; 0 where the plane has none */
struct kms_plane_props {
	uint32_t fb, crtc, sx, sy, sw, sh, cx, cy, cw, ch, rotation, zpos;
};

struct kms_plane {
	uint32_t id, type;		/* DRM_PLANE_TYPE_* */
	uint32_t *formats, n_formats;	/* DRM fourccs */
	uint64_t rotations;		/* DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_* it offers */
	uint64_t zpos;			/* its zpos (the initial value), when props.zpos */
	bool zpos_mutable;
	struct kms_plane_props props;
};

/* the planes that can show on the CRTC of index @crtc_index, in the card's order */
int kms_planes_list(int fd, unsigned int crtc_index, struct kms_plane **out, size_t *n);
void kms_planes_free(struct kms_plane *v, size_t n);
bool kms_plane_takes(const struct kms_plane *p, uint32_t fourcc);
const char *kms_plane_type_name(uint32_t type);
/* "XR24" */
void kms_fourcc_str(uint32_t fourcc, char s[5]);
/* "plane 33 overlay, formats XR24 AR24 ..., rotation 0x31, zpos 1" */
void kms_plane_describe(const struct kms_plane *p, char *s, size_t len);

/* one plane of an atomic commit: @fb 0 turns it off; source and CRTC rectangles in pixels */
struct kms_layer {
	const struct kms_plane *plane;
	uint32_t fb;
	uint32_t sx, sy, sw, sh;
	int32_t cx, cy;
	uint32_t cw, ch;
	uint64_t rotation;		/* 0: DRM_MODE_ROTATE_0 */
	bool set_zpos;
	uint64_t zpos;
};
void kms_layer_add(drmModeAtomicReq *req, uint32_t crtc_id, const struct kms_layer *l);

#endif
