/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit applicant screen: what the applicant sees at the desk, drawn into
 * XRGB8888 pixels (docs/screen.md). The renderer knows nothing of displays:
 * it fills a buffer in memory (a test's, or a KMS dumb buffer's shadow), so
 * every scene can be checked pixel by pixel without a display.
 *
 * A scene is described by a struct biounit_screen_state that only borrows
 * (texts, the camera frame, the ink); biounit_screen_render() draws every
 * pixel of the buffer, so nothing of an earlier scene survives a render.
 * Texts are Dutch and English together, set with pango in a font of a Debian
 * fonts package (fonts-dejavu-core). Functions returning int return 0 on
 * success or a negative errno.
 */
#ifndef BIOUNIT_SCREEN_H
#define BIOUNIT_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "face/face.h"
#include <biounit/image.h>
#include "signature/signature.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Smallest and largest screen the layout is made for, in pixels. */
#define BIOUNIT_SCREEN_MIN_W 320
#define BIOUNIT_SCREEN_MIN_H 200
#define BIOUNIT_SCREEN_MAX_SIDE 8192

/** enum biounit_screen_scene - what the applicant is shown. */
enum biounit_screen_scene {
	BIOUNIT_SCREEN_BLANK = 0,	/* nothing: the background only */
	BIOUNIT_SCREEN_WELCOME,		/* what will happen: the appointment's steps */
	BIOUNIT_SCREEN_PHOTO_LIVE,	/* the camera mirrored, the head guide, the advice */
	BIOUNIT_SCREEN_PHOTO_CAPTURE,	/* the moment of capture: the frame held, flash border */
	BIOUNIT_SCREEN_PHOTO_KEPT,	/* the kept photo (the document crop) */
	BIOUNIT_SCREEN_FINGERS,		/* a drawn hand, the finger marked, feedback, the try */
	BIOUNIT_SCREEN_SIGNATURE,	/* the signing box with the ink, clear / done */
	BIOUNIT_SCREEN_SIGNATURE_KEPT,	/* the signature as it will be recorded */
	BIOUNIT_SCREEN_REVIEW,		/* the officer looks at the result */
	BIOUNIT_SCREEN_PAUSED,		/* the session waits (why: @reason) */
	BIOUNIT_SCREEN_DONE,		/* the session is over: what to do next */
	BIOUNIT_SCREEN_SCENE_COUNT
};

/** biounit_screen_scene_name() - "blank", "welcome", "photo_live", ...; NULL if unknown. */
const char *biounit_screen_scene_name(enum biounit_screen_scene s);

/** Steps of the appointment, for the welcome list (bits, as BIOUNIT_NEED_*). */
#define BIOUNIT_SCREEN_STEP_PHOTO	(1u << 0)
#define BIOUNIT_SCREEN_STEP_FINGERS	(1u << 1)
#define BIOUNIT_SCREEN_STEP_SIGNATURE	(1u << 2)

/** enum biounit_screen_tone - how the advice bar reads. */
enum biounit_screen_tone {
	BIOUNIT_SCREEN_TONE_NEUTRAL = 0,	/* information */
	BIOUNIT_SCREEN_TONE_GOOD,		/* all right: hold still, taken */
	BIOUNIT_SCREEN_TONE_ACT,		/* the applicant must do something */
};

/**
 * struct biounit_screen_state - one scene; every pointer is borrowed for the
 * call only, NULL or "" where unused.
 * @prompt_nl/@prompt_en: the instruction (the session's prompt).
 * @advice_nl/@advice_en: the one live piece of advice (preview check, finger
 *	feedback, the result of a try), drawn in a bar at the bottom in @tone.
 * @steps/@steps_done/@step_now: the welcome list (BIOUNIT_SCREEN_STEP_*);
 *	@step_now is one bit or 0.
 * @frame: PHOTO_LIVE and PHOTO_CAPTURE: the camera frame (grey or RGB24),
 *	shown mirrored; @guide (frame pixels, biounit_face_preview_guide()) the
 *	outline where the head must be, drawn when @have_guide.
 * @photo: PHOTO_KEPT: the document crop.
 * @finger: FINGERS: the finger asked for (1..10, ISO/IEC 19794-4 positions);
 *	@finger_placed while a finger lies on the scanner; @attempt of
 *	@max_attempts (1-based; 0 to leave it out).
 * @ink: SIGNATURE and SIGNATURE_KEPT: the samples so far (NULL: no ink yet);
 *	@can_clear/@can_done light up the pad's buttons.
 * @reason_nl/@reason_en: PAUSED: why the session waits.
 * @source_ns: CLOCK_MONOTONIC ns of the newest input the scene shows: the
 *	camera frame's capture (PHOTO_LIVE), the newest pen sample (SIGNATURE);
 *	0: none. A display measures from it to the page flip that shows the
 *	scene (biounit_display_latency()); the renderer ignores it.
 */
struct biounit_screen_state {
	enum biounit_screen_scene scene;
	const char *prompt_nl, *prompt_en;
	const char *advice_nl, *advice_en;
	enum biounit_screen_tone tone;
	uint32_t steps, steps_done, step_now;
	const struct biounit_image_view *frame;
	bool have_guide;
	struct biounit_face_window guide;
	const struct biounit_image_view *photo;
	unsigned int finger;
	bool finger_placed;
	unsigned int attempt, max_attempts;
	const struct biounit_signature *ink;
	bool can_clear, can_done;
	const char *reason_nl, *reason_en;
	uint64_t source_ns;
};

/** A rectangle of the screen, pixels. */
struct biounit_screen_rect {
	int32_t x, y, w, h;
};

/** The renderer (opaque): fonts, colours, the layout of one screen size. */
struct biounit_screen;

/**
 * biounit_screen_new() - A renderer for a @width x @height screen.
 * Return: 0, -EINVAL (size outside BIOUNIT_SCREEN_MIN_* .. MAX_SIDE),
 * -ENOENT (the font cannot be found: fonts-dejavu-core), -ENOMEM.
 */
int biounit_screen_new(uint32_t width, uint32_t height, struct biounit_screen **out);

/** biounit_screen_free() - Free @scr (NULL allowed). */
void biounit_screen_free(struct biounit_screen *scr);

/**
 * biounit_screen_render() - Draw @st into @px: every pixel of the
 * @width x @height area (the renderer's size) is written, XRGB8888 in the
 * host's byte order (DRM_FORMAT_XRGB8888 on a little-endian host), @stride
 * bytes between rows.
 * Return: 0, or -EINVAL (an unknown scene, a bad view, a finger outside
 * 1..10, a stride too small, a NULL buffer), -ENOMEM.
 */
int biounit_screen_render(struct biounit_screen *scr, const struct biounit_screen_state *st,
			  uint32_t *px, uint32_t stride);

/**
 * biounit_screen_preview_rect() - Where a @fw x @fh camera frame lands on
 * the screen in PHOTO_LIVE (the aspect kept). Screen pixel (x, y) of it shows
 * frame pixel (fw - 1 - (x - r.x) * fw / r.w, (y - r.y) * fh / r.h): mirrored,
 * nearest sample. -EINVAL for a zero size.
 */
int biounit_screen_preview_rect(const struct biounit_screen *scr, uint32_t fw, uint32_t fh,
				struct biounit_screen_rect *r);

/**
 * biounit_screen_ink_rect() - The signing box on the screen for a pad box
 * @box (the aspect kept): pad point (x, y) is drawn at
 * r.x + (x - box.x0) * r.w / (box.x1 - box.x0), likewise for y. Ink never
 * leaves it. -EINVAL for a bad box.
 */
int biounit_screen_ink_rect(const struct biounit_screen *scr,
			    const struct biounit_signature_box *box, struct biounit_screen_rect *r);

/**
 * biounit_screen_ink_width() - Width in screen pixels of the line at
 * @pressure of @box's full scale (grows with the pressure).
 */
double biounit_screen_ink_width(const struct biounit_screen *scr,
				const struct biounit_signature_box *box, uint32_t pressure);

/**
 * biounit_screen_render_overlay() - PHOTO_LIVE as the overlay of the plane
 * path: the scene as biounit_screen_render() draws it, into ARGB8888
 * (premultiplied, as cairo and KMS take it), but @preview (where a plane of
 * the display shows the camera frame, mirrored) left transparent under the
 * head guide; @st->frame gives the frame's size, its pixels are not read.
 * Return: 0, -EINVAL (another scene, a preview outside the screen, a bad
 * buffer), -ENOMEM.
 */
int biounit_screen_render_overlay(struct biounit_screen *scr, const struct biounit_screen_state *st,
				  const struct biounit_screen_rect *preview, uint32_t *px,
				  uint32_t stride);

/** biounit_screen_hand_rect() - Where FINGERS draws the hand. */
void biounit_screen_hand_rect(const struct biounit_screen *scr, struct biounit_screen_rect *r);

/* ---------------------------------------------------------------- display */

/**
 * struct biounit_display - the applicant's screen on a KMS display (opaque).
 * It may have no display at all, lose it and get it back: a card or a
 * connector that comes and goes (udev "drm" events), another process that
 * holds DRM master (logged once, retried every BIOUNIT_DISPLAY_RETRY_MS).
 * Drawing goes on in memory meanwhile; whatever was shown last is shown
 * again when the display is back.
 */
struct biounit_display;

#define BIOUNIT_DISPLAY_RETRY_MS 2000

/** enum biounit_display_state - whether the applicant can see the screen. */
enum biounit_display_state {
	BIOUNIT_DISPLAY_SHOWING = 0,	/* a display is lit with our frames */
	BIOUNIT_DISPLAY_NONE,		/* no KMS card (or not the one asked for) */
	BIOUNIT_DISPLAY_DISCONNECTED,	/* a card, no display connected to it */
	BIOUNIT_DISPLAY_BUSY,		/* another process holds DRM master */
	BIOUNIT_DISPLAY_FAILED,		/* the card refused us (see the status line) */
};

/** biounit_display_state_name() - "showing", "none", "disconnected", "busy", "failed". */
const char *biounit_display_state_name(enum biounit_display_state s);

/**
 * biounit_display_new() - Look for a display and keep looking.
 * @card: a card's node ("/dev/dri/card0"), or NULL for the first card with a
 *	  connected display.
 * @log:  called with each change of state and its reason (a line), or NULL.
 * Return: 0 (also without any display), -ENOMEM, or -errno of udev.
 */
int biounit_display_new(const char *card, void (*log)(void *arg, const char *line), void *arg,
			struct biounit_display **out);
/** biounit_display_free() - Blank and release the display; NULL allowed. */
void biounit_display_free(struct biounit_display *d);

/** The descriptors to poll (POLLIN), at most 2; how many were written. */
size_t biounit_display_pollfds(struct biounit_display *d, int *fds, size_t max);
/** ms until biounit_display_dispatch() wants to run anyway (a retry), -1 for none. */
int biounit_display_timeout_ms(struct biounit_display *d);
/** biounit_display_dispatch() - Handle page flips, hot-plug and retries; never blocks. */
void biounit_display_dispatch(struct biounit_display *d);

/**
 * biounit_display_show() - Draw @st and put it on the display at the next
 * vblank (a frame drawn while a flip is pending replaces the one waiting).
 * Return: 0 (also when no display is there: it is kept for later), or the
 * renderer's -EINVAL.
 */
int biounit_display_show(struct biounit_display *d, const struct biounit_screen_state *st);

/**
 * biounit_display_take_redraw() - True once after a display came whose
 * size differs from what was drawn (or before anything was drawn): call
 * biounit_display_show() again with the current state.
 */
bool biounit_display_take_redraw(struct biounit_display *d);

enum biounit_display_state biounit_display_get_state(const struct biounit_display *d);
/** One line: "card0 Virtual-1 1280x800@75 atomic", or why nothing is shown. */
const char *biounit_display_status(const struct biounit_display *d);
/** The screen's size (0 x 0 before any display was found). */
void biounit_display_size(const struct biounit_display *d, uint32_t *w, uint32_t *h);
/** Frames put on the screen so far, and the CLOCK_MONOTONIC ns of the last one's flip. */
uint64_t biounit_display_flips(const struct biounit_display *d, uint64_t *last_flip_ns);

/**
 * struct biounit_display_latency - from an input to the page flip that shows it
 * (biounit_display_show() with @source_ns set; the flip's time is the page-flip
 * event's, CLOCK_MONOTONIC).
 * @drawn: scenes given with a source time; @shown: of them put on the screen
 *	(the others were replaced by a newer one while a flip was pending);
 * @median_us/@p99_us/@max_us: over the last BIOUNIT_DISPLAY_LATENCY_KEEP shown.
 */
struct biounit_display_latency {
	uint64_t drawn, shown;
	uint32_t median_us, p99_us, max_us;
};
#define BIOUNIT_DISPLAY_LATENCY_KEEP 4096

/**
 * biounit_display_latency() - The latency of the camera frames (@scene
 * PHOTO_LIVE) or of the pen samples (SIGNATURE) shown so far.
 * Return: 0, -EINVAL for another scene, -ENOMEM.
 */
int biounit_display_latency(const struct biounit_display *d, enum biounit_screen_scene scene,
			    struct biounit_display_latency *out);

/**
 * struct biounit_display_buffer - a camera buffer the display may scan out
 * itself (the zero-copy plane path, docs/screen.md).
 * @dmabuf_fd: the buffer's dma-buf (biounit_frame_get_dmabuf_fd()), borrowed:
 *	it must stay open while the stream's buffers live;
 * @fourcc: its DRM format (DRM_FORMAT_XRGB8888 for the camera's XBGR32);
 * @width/@height/@stride/@offset: its layout, bytes for @stride and @offset;
 * @key: which buffer of the stream (its index): the display imports each
 *	once and keeps its framebuffer until biounit_display_forget_buffers().
 */
struct biounit_display_buffer {
	int dmabuf_fd;
	uint32_t fourcc, width, height, stride, offset;
	uint64_t key;
};

/**
 * biounit_display_show_buffer() - PHOTO_LIVE with the camera frame @b:
 * where the display can scan @b out (probed once per display and format:
 * biounit_display_path()), @b goes on a plane of its own, mirrored, and the
 * rest of @st (biounit_screen_render_overlay()) on a second plane: no CPU
 * copy of the frame. Otherwise, or when a commit fails, @st is drawn as
 * biounit_display_show() does (@st->frame must hold the frame's pixels).
 * @release(@arg) is called exactly once, when the display no longer needs
 * the buffer: at once on the CPU path; on the plane path once the flip that
 * replaces it on the screen has completed, or when a newer frame replaces
 * it while it waited for a flip (until then the card reads it: the camera
 * must not refill it, so it stays dequeued). Return as biounit_display_show().
 */
int biounit_display_show_buffer(struct biounit_display *d, const struct biounit_screen_state *st,
				const struct biounit_display_buffer *b,
				void (*release)(void *arg), void *arg);
/**
 * biounit_display_probe() - Before a camera stream starts: would frames of
 * @fourcc (DRM_FORMAT_*), @width x @height go on a plane of their own
 * (zero-copy)? Asks as the first frame's probe does (atomic, the planes, a
 * TEST_ONLY commit of the three planes), with a buffer of this card that
 * stands in for the camera's (exported and imported as a dma-buf); where
 * the card exports none the planes' answer stands. biounit_display_path()
 * then says why (also "no display ..." without one); the camera's own first
 * buffer is probed again by biounit_display_show_buffer(). The answer holds
 * for the display there now: ask again for each stream (displays come and
 * go). Return: 1 yes, 0 no, -EINVAL (a zero or oversized size).
 */
int biounit_display_probe(struct biounit_display *d, uint32_t fourcc, uint32_t width,
			  uint32_t height);
/** biounit_display_forget_buffers() - The stream stops: drop the imported framebuffers
 * (every buffer handed to biounit_display_show_buffer() is released first). */
void biounit_display_forget_buffers(struct biounit_display *d);
/**
 * biounit_display_path() - Which path the camera frames take and why, one
 * line: "zero-copy: vkms plane 38 scans out ..." or the reason there is
 * none ("bochs-drm: ... no overlay plane ..."); "" before the first
 * biounit_display_show_buffer() on this display.
 */
const char *biounit_display_path(const struct biounit_display *d);
/** biounit_display_planes() - The planes of the display's CRTC, a line each ("" without a display). */
void biounit_display_planes(const struct biounit_display *d, char *buf, size_t len);
/**
 * biounit_display_capture() - The picture the display shows now, composed
 * by the card from all its planes, into @px (XRGB8888, the display's size,
 * @stride bytes a row), through the card's writeback connector (vkms has
 * one; a monitor's card seldom does): what a test compares, on either path.
 * The monitor is off the CRTC for that frame (vkms cannot drive both).
 * Return: 0, -EOPNOTSUPP (no writeback connector, legacy modesetting),
 * -ENODEV (no display), -EINVAL, -ETIMEDOUT, or the card's error.
 */
int biounit_display_capture(struct biounit_display *d, uint32_t *px, uint32_t stride);
/** biounit_display_zero_copy() - The last probe said the plane path takes the camera's buffers. */
bool biounit_display_zero_copy(const struct biounit_display *d);

/** The colour of a marked finger, XRGB8888 (FINGERS), and of the ink. */
#define BIOUNIT_SCREEN_MARK_RGB 0x00e8a100u
#define BIOUNIT_SCREEN_INK_RGB 0x00102a6eu
/** The background of every scene. */
#define BIOUNIT_SCREEN_BG_RGB 0x00f4f6f8u

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_SCREEN_H */
