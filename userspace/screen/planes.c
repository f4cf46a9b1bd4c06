// SPDX-License-Identifier: GPL-2.0
/*
 * The planes of a CRTC (docs/screen.md, "Which path a display takes"): for
 * each one its type, the formats it takes (its format list; IN_FORMATS
 * says the same with modifiers, and only linear buffers are offered here),
 * the values of its rotation property and the ids of the atomic properties
 * a commit sets. kms.c keeps the inventory of its CRTC; scanout.c picks
 * planes from it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "planes.h"

static const struct {
	const char *name;
	size_t off;
} prop_names[] = {
	{ "FB_ID", offsetof(struct kms_plane_props, fb) },
	{ "CRTC_ID", offsetof(struct kms_plane_props, crtc) },
	{ "SRC_X", offsetof(struct kms_plane_props, sx) },
	{ "SRC_Y", offsetof(struct kms_plane_props, sy) },
	{ "SRC_W", offsetof(struct kms_plane_props, sw) },
	{ "SRC_H", offsetof(struct kms_plane_props, sh) },
	{ "CRTC_X", offsetof(struct kms_plane_props, cx) },
	{ "CRTC_Y", offsetof(struct kms_plane_props, cy) },
	{ "CRTC_W", offsetof(struct kms_plane_props, cw) },
	{ "CRTC_H", offsetof(struct kms_plane_props, ch) },
	{ "rotation", offsetof(struct kms_plane_props, rotation) },
	{ "zpos", offsetof(struct kms_plane_props, zpos) },
};

/* one plane's properties: the ids, its type, its rotation values, its zpos */
static int plane_props(int fd, struct kms_plane *p)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, p->id, DRM_MODE_OBJECT_PLANE);
	bool have_type = false;

	if (!props)
		return -errno;
	for (uint32_t i = 0; i < props->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(fd, props->props[i]);

		if (!pr)
			continue;
		for (size_t j = 0; j < sizeof(prop_names) / sizeof(prop_names[0]); j++)
			if (!strcmp(pr->name, prop_names[j].name))
				*(uint32_t *)((char *)&p->props + prop_names[j].off) = pr->prop_id;
		if (!strcmp(pr->name, "type")) {
			p->type = (uint32_t)props->prop_values[i];
			have_type = true;
		} else if (!strcmp(pr->name, "rotation") && drm_property_type_is(pr, DRM_MODE_PROP_BITMASK)) {
			/* a bitmask property: each enum's value is a bit number */
			for (int e = 0; e < pr->count_enums; e++)
				if (pr->enums[e].value < 64)
					p->rotations |= 1ull << pr->enums[e].value;
		} else if (!strcmp(pr->name, "zpos")) {
			p->zpos = props->prop_values[i];
			p->zpos_mutable = !(pr->flags & DRM_MODE_PROP_IMMUTABLE);
		}
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(props);
	return have_type ? 0 : -ENOENT;
}

int kms_planes_list(int fd, unsigned int crtc_index, struct kms_plane **out, size_t *n_out)
{
	drmModePlaneRes *pr = drmModeGetPlaneResources(fd);
	struct kms_plane *v;
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (!pr)
		return -errno;
	v = calloc(pr->count_planes ? pr->count_planes : 1, sizeof(*v));
	if (!v) {
		drmModeFreePlaneResources(pr);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < pr->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(fd, pr->planes[i]);
		struct kms_plane *k = &v[n];

		if (!p)
			continue;
		if (!(p->possible_crtcs & (1u << crtc_index))) {
			drmModeFreePlane(p);
			continue;
		}
		memset(k, 0, sizeof(*k));
		k->id = p->plane_id;
		k->n_formats = p->count_formats;
		k->formats = calloc(p->count_formats ? p->count_formats : 1, sizeof(uint32_t));
		if (!k->formats) {
			drmModeFreePlane(p);
			kms_planes_free(v, n);
			drmModeFreePlaneResources(pr);
			return -ENOMEM;
		}
		memcpy(k->formats, p->formats, p->count_formats * sizeof(uint32_t));
		drmModeFreePlane(p);
		if (plane_props(fd, k)) {
			free(k->formats);
			continue;	/* no type: not a plane we can reason about */
		}
		n++;
	}
	drmModeFreePlaneResources(pr);
	*out = v;
	*n_out = n;
	return 0;
}

void kms_planes_free(struct kms_plane *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].formats);
	free(v);
}

bool kms_plane_takes(const struct kms_plane *p, uint32_t fourcc)
{
	for (uint32_t i = 0; i < p->n_formats; i++)
		if (p->formats[i] == fourcc)
			return true;
	return false;
}

const char *kms_plane_type_name(uint32_t type)
{
	return type == DRM_PLANE_TYPE_PRIMARY ? "primary" : type == DRM_PLANE_TYPE_OVERLAY ? "overlay"
	       : type == DRM_PLANE_TYPE_CURSOR ? "cursor" : "unknown";
}

void kms_fourcc_str(uint32_t fourcc, char s[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)((fourcc >> (8 * i)) & 0xff);

		s[i] = c >= ' ' && c <= '~' ? c : '?';
	}
	s[4] = '\0';
}

void kms_plane_describe(const struct kms_plane *p, char *s, size_t len)
{
	size_t o;

	o = (size_t)snprintf(s, len, "plane %u %s, formats", p->id, kms_plane_type_name(p->type));
	for (uint32_t i = 0; i < p->n_formats && o < len; i++) {
		char f[5];

		kms_fourcc_str(p->formats[i], f);
		o += (size_t)snprintf(s + o, len - o, " %s", f);
	}
	if (o < len)
		o += (size_t)snprintf(s + o, len - o, p->props.rotation ? ", rotation 0x%llx" :
				      ", no rotation", (unsigned long long)p->rotations);
	if (o < len && p->props.zpos)
		snprintf(s + o, len - o, ", zpos %llu%s", (unsigned long long)p->zpos,
			 p->zpos_mutable ? "" : " (fixed)");
}

void kms_layer_add(drmModeAtomicReq *req, uint32_t crtc_id, const struct kms_layer *l)
{
	const struct kms_plane_props *pp = &l->plane->props;
	uint32_t id = l->plane->id;

	drmModeAtomicAddProperty(req, id, pp->fb, l->fb);
	drmModeAtomicAddProperty(req, id, pp->crtc, l->fb ? crtc_id : 0);
	if (!l->fb)
		return;	/* off */
	drmModeAtomicAddProperty(req, id, pp->sx, (uint64_t)l->sx << 16);
	drmModeAtomicAddProperty(req, id, pp->sy, (uint64_t)l->sy << 16);
	drmModeAtomicAddProperty(req, id, pp->sw, (uint64_t)l->sw << 16);
	drmModeAtomicAddProperty(req, id, pp->sh, (uint64_t)l->sh << 16);
	drmModeAtomicAddProperty(req, id, pp->cx, (uint64_t)(int64_t)l->cx);
	drmModeAtomicAddProperty(req, id, pp->cy, (uint64_t)(int64_t)l->cy);
	drmModeAtomicAddProperty(req, id, pp->cw, l->cw);
	drmModeAtomicAddProperty(req, id, pp->ch, l->ch);
	if (pp->rotation)
		drmModeAtomicAddProperty(req, id, pp->rotation,
					 l->rotation ? l->rotation : DRM_MODE_ROTATE_0);
	if (pp->zpos && l->plane->zpos_mutable && l->set_zpos)
		drmModeAtomicAddProperty(req, id, pp->zpos, l->zpos);
}
