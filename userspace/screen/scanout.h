/* SPDX-License-Identifier: GPL-2.0 */
/* The zero-copy plane path (scanout.c): a camera buffer scanned out on a plane of its own. */
#ifndef SCREEN_SCANOUT_H
#define SCREEN_SCANOUT_H

#include "kms.h"
#include "screen/screen.h"

struct scanout;

int scanout_new(struct kms *k, struct scanout **out);
/* remove the camera FBs and free the buffers; every buffer still held is released */
void scanout_free(struct scanout *s);

/*
 * The first half of scanout_probe(), without a buffer: atomic modesetting,
 * an overlay plane that takes @b's fourcc with reflect-x, a second one for
 * the overlay (and BIOUNIT_SCREEN_NO_ZERO_COPY unset). 1 yes, 0 no (@why).
 */
int scanout_planes(struct scanout *s, const struct biounit_display_buffer *b, char *why,
		   size_t wlen);
/*
 * Can the card show @b mirrored at @dst (a preview rectangle) on a plane,
 * with the overlay on a second plane and the background on the primary?
 * Imports @b (drmPrimeFDToHandle, drmModeAddFB2) and asks with atomic
 * TEST_ONLY commits: at @dst, else at the frame's own size centred in @dst
 * (for planes that do not scale). 1 yes (@used: where it goes), 0 no; @why
 * says which and why in a line.
 */
int scanout_probe(struct scanout *s, const struct biounit_display_buffer *b,
		  const struct biounit_screen_rect *dst, struct biounit_screen_rect *used,
		  char *why, size_t wlen);
/* the overlay buffer to draw the next frame's overlay into (ARGB8888, the mode's size) */
uint32_t *scanout_overlay(struct scanout *s, uint32_t *stride);
/* the next frame's overlay is the last one committed (unchanged): false if there is none */
bool scanout_overlay_again(struct scanout *s);
/*
 * Put @b at @dst (a rectangle scanout_probe() accepted) with the overlay
 * drawn into scanout_overlay() on the screen at the next vblank. @release
 * (@arg) is called once the flip that replaces @b on the screen completed
 * (scanout_flipped()). 0, or -EBUSY (a flip is pending) or -errno: nothing
 * done, @release not called (the caller still has the buffer).
 */
int scanout_show(struct scanout *s, const struct biounit_display_buffer *b,
		 const struct biounit_screen_rect *dst, void (*release)(void *arg), void *arg);
/* after kms_dispatch() and after kms_present(): hand back the buffers no longer on the screen */
void scanout_flipped(struct scanout *s);
/* forget the camera FBs (a stream stopped): the buffers must be off the screen */
void scanout_forget(struct scanout *s);

#endif
