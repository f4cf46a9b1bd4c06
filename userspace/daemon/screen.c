// SPDX-License-Identifier: GPL-2.0
/*
 * The applicant's screen in biounitd (docs/screen.md): the active session's
 * state turned into a scene (userspace/screen) and shown on the display
 * (config "screen": auto, off or a card's node). Called when a session's
 * status changes (session_tell), for each preview frame, batch of pen
 * samples and finger placed or lifted (the engine; the ink is the engine's
 * own, read when drawn), and from the poll loop for page flips, hot-plug
 * and retries.
 * The display is optional: without one the session goes on as before and
 * the status says the applicant cannot see a screen.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "screen/screen.h"

#include "biounitd.h"
#include "frame_pool.h"

struct applicant_screen {
	struct biounit_display *disp;
	/* the live parts the status does not carry */
	const struct biounit_image_view *frame;
	struct frame_slot *slot;	/* the camera buffer of @frame, for one draw (NULL: none) */
	bool probed;			/* the face stream's path was asked for (screen_probe()) */
	uint64_t source_ns;	/* the frame's capture or the newest pen sample, for one draw */
	bool placed;
	enum biounit_screen_scene scene;	/* the scene last given to the display */
	/* a result held on the screen a while (BLANK: none): the moment of capture until
	 * @capture_until, then the kept photo or signature until @hold_until (now_ms());
	 * the copies are freed when it ends */
	enum biounit_screen_scene hold;
	uint64_t capture_until, hold_until;
	struct biounit_image *still, *crop;
	struct biounit_signature *sig;
	struct biounit_image_view still_v, crop_v;	/* views of the copies, for a draw */
};

/* how long the moment of capture (photo_capture) is shown before the kept photo */
#define SCREEN_CAPTURE_MS 700
/* the result of a finger's try without a reason of its own */
#define SCREEN_FINGER_OK_NL "Vingerafdruk opgenomen."
#define SCREEN_FINGER_OK_EN "Fingerprint taken."
#define SCREEN_FINGER_AGAIN_NL "Deze afdruk is niet goed genoeg; nog een keer."
#define SCREEN_FINGER_AGAIN_EN "This print is not good enough; once more."

static void hold_end(struct applicant_screen *a)
{
	a->hold = BIOUNIT_SCREEN_BLANK;
	biounit_image_free(a->still);
	biounit_image_free(a->crop);
	biounit_signature_free(a->sig);
	a->still = a->crop = NULL;
	a->sig = NULL;
}

static void screen_log(void *arg, const char *line)
{
	(void)arg;
	log_msg(LOG_INFO_, "%s", line);
}

void screen_open(struct daemon *d)
{
	struct applicant_screen *a;
	int r;

	if (!strcmp(d->cfg.screen, "off"))
		return;
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	r = biounit_display_new(strcmp(d->cfg.screen, "auto") ? d->cfg.screen : NULL, screen_log,
				NULL, &a->disp);
	if (r) {
		log_msg(LOG_ERR_, "screen: cannot watch for displays: %s; no applicant screen",
			strerror(-r));
		free(a);
		return;
	}
	d->screen = a;
	screen_session(d, NULL);
}

/* the camera frames' and the pen samples' way to the screen, once, in the log */
static void screen_log_latency(const struct biounit_display *disp)
{
	static const struct { enum biounit_screen_scene scene; const char *what; } k[] = {
		{ BIOUNIT_SCREEN_PHOTO_LIVE, "camera frame" },
		{ BIOUNIT_SCREEN_SIGNATURE, "pen sample" },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct biounit_display_latency l;

		if (biounit_display_latency(disp, k[i].scene, &l) || !l.drawn)
			continue;
		log_msg(LOG_INFO_, "screen: %s to page flip: %llu drawn, %llu shown; median %.1f ms, "
			"p99 %.1f ms, max %.1f ms", k[i].what, (unsigned long long)l.drawn,
			(unsigned long long)l.shown, l.median_us / 1000.0, l.p99_us / 1000.0,
			l.max_us / 1000.0);
	}
}

void screen_close(struct daemon *d)
{
	struct biounit_screen_state blank = { .scene = BIOUNIT_SCREEN_BLANK };

	if (!d->screen)
		return;
	hold_end(d->screen);
	biounit_display_show(d->screen->disp, &blank);
	screen_log_latency(d->screen->disp);
	biounit_display_free(d->screen->disp);
	free(d->screen);
	d->screen = NULL;
}

size_t screen_pollfds(struct daemon *d, struct pollfd *fds, size_t max)
{
	int f[2];
	size_t n;

	if (!d->screen)
		return 0;
	n = biounit_display_pollfds(d->screen->disp, f, max < 2 ? max : 2);
	for (size_t i = 0; i < n; i++)
		fds[i] = (struct pollfd){ .fd = f[i], .events = POLLIN };
	return n;
}

int screen_timeout_ms(struct daemon *d)
{
	struct applicant_screen *a = d->screen;
	uint64_t now, until;
	int t;

	if (!a)
		return -1;
	t = biounit_display_timeout_ms(a->disp);
	if (a->hold == BIOUNIT_SCREEN_BLANK)
		return t;
	now = now_ms();
	until = a->hold == BIOUNIT_SCREEN_PHOTO_CAPTURE ? a->capture_until : a->hold_until;
	until = until > now ? until - now : 0;
	return t < 0 || (uint64_t)t > until ? (int)until : t;
}

void screen_tick(struct daemon *d)
{
	struct applicant_screen *a = d->screen;
	bool redraw;

	if (!a)
		return;
	biounit_display_dispatch(a->disp);
	redraw = biounit_display_take_redraw(a->disp);
	if (a->hold == BIOUNIT_SCREEN_PHOTO_CAPTURE && now_ms() >= a->capture_until) {
		a->hold = a->crop ? BIOUNIT_SCREEN_PHOTO_KEPT : BIOUNIT_SCREEN_BLANK;
		redraw = true;
	}
	if (a->hold != BIOUNIT_SCREEN_BLANK && now_ms() >= a->hold_until) {
		hold_end(a);
		redraw = true;
	}
	if (a->hold == BIOUNIT_SCREEN_BLANK && (a->still || a->crop || a->sig))
		hold_end(a);
	if (redraw)
		screen_session(d, engine_active(d->engine));
}

void screen_photo_taken(struct daemon *d, const struct biounit_image_view *still,
			const struct biounit_image_view *crop)
{
	struct applicant_screen *a = d->screen;
	uint64_t now = now_ms();

	if (!a || !d->cfg.screen_kept_ms)
		return;
	hold_end(a);
	if (engine_copy_view(still, &a->still) || (crop && engine_copy_view(crop, &a->crop))) {
		hold_end(a);
		return;
	}
	a->hold = BIOUNIT_SCREEN_PHOTO_CAPTURE;
	a->capture_until = now + SCREEN_CAPTURE_MS;
	a->hold_until = a->capture_until + (crop ? d->cfg.screen_kept_ms : 0);
}

void screen_signature_taken(struct daemon *d, const struct biounit_signature *sig)
{
	struct applicant_screen *a = d->screen;
	struct biounit_signature_box box;
	struct biounit_signature_sample smp;
	size_t i;

	if (!a || !d->cfg.screen_kept_ms || !sig)
		return;
	hold_end(a);
	box = biounit_signature_get_box(sig);
	if (biounit_signature_new(&box, &a->sig))
		return;
	for (i = 0; biounit_signature_sample(sig, i, &smp) == 0; i++) {
		if (biounit_signature_add(a->sig, &smp)) {
			hold_end(a);
			return;
		}
	}
	a->hold = BIOUNIT_SCREEN_SIGNATURE_KEPT;
	a->hold_until = now_ms() + d->cfg.screen_kept_ms;
}

static uint32_t steps_of(uint32_t needs)
{
	return (needs & BIOUNIT_NEED_PHOTO ? BIOUNIT_SCREEN_STEP_PHOTO : 0) |
	       (needs & BIOUNIT_NEED_FINGERS ? BIOUNIT_SCREEN_STEP_FINGERS : 0) |
	       (needs & BIOUNIT_NEED_SIGNATURE ? BIOUNIT_SCREEN_STEP_SIGNATURE : 0);
}

/* FINGERS: the result of the last try (the session's last capture, when it is a finger's),
 * in the bar while no finger lies on the scanner and the check has nothing live to say */
static void finger_result(const struct dsession *s, struct biounit_screen_state *st)
{
	size_t n = biounit_session_capture_count(s->m);
	const struct biounit_capture *c = n ? biounit_session_capture(s->m, n - 1) : NULL;

	if (!c || c->step != BIOUNIT_STEP_FINGERS || st->finger_placed ||
	    (st->advice_nl && st->advice_nl[0]))
		return;
	if (c->compliant) {
		st->advice_nl = SCREEN_FINGER_OK_NL;
		st->advice_en = SCREEN_FINGER_OK_EN;
		st->tone = BIOUNIT_SCREEN_TONE_GOOD;
	} else {
		st->advice_nl = c->msg_nl[0] ? c->msg_nl : SCREEN_FINGER_AGAIN_NL;
		st->advice_en = c->msg_nl[0] ? c->msg_en : SCREEN_FINGER_AGAIN_EN;
		st->tone = BIOUNIT_SCREEN_TONE_ACT;
	}
}

/* the scene of session @s (NULL: none active) */
static void scene_of(struct daemon *d, const struct dsession *s, struct biounit_screen_state *st)
{
	struct applicant_screen *a = d->screen;
	enum biounit_session_state state;
	enum biounit_session_step step;

	memset(st, 0, sizeof(*st));
	/* the privacy switch (docs/biounitd.md, 5a): nothing on the applicant's screen */
	if (d->privacy) {
		hold_end(a);
		st->scene = BIOUNIT_SCREEN_BLANK;
		return;
	}
	st->scene = BIOUNIT_SCREEN_WELCOME;
	if (!s || !s->m) {
		hold_end(a);
		return;
	}
	state = biounit_session_state(s->m);
	if (!s->active && state != BIOUNIT_SESSION_FINISHED && state != BIOUNIT_SESSION_DISCARDED) {
		hold_end(a);
		return;
	}
	step = biounit_session_step(s->m);
	biounit_session_prompt(s->m, &st->prompt_nl, &st->prompt_en);
	st->advice_nl = s->live_nl;
	st->advice_en = s->live_en;
	st->tone = s->live_nl[0] ? BIOUNIT_SCREEN_TONE_ACT : BIOUNIT_SCREEN_TONE_NEUTRAL;
	st->steps = steps_of(biounit_session_get_request(s->m)->needs);
	if (a->hold != BIOUNIT_SCREEN_BLANK &&
	    (state == BIOUNIT_SESSION_CAPTURING || state == BIOUNIT_SESSION_REVIEW)) {
		/* the photo or signature just taken, with the scene's own header */
		st->scene = a->hold;
		st->prompt_nl = st->prompt_en = NULL;
		st->advice_nl = st->advice_en = NULL;
		st->tone = BIOUNIT_SCREEN_TONE_NEUTRAL;
		if (a->hold == BIOUNIT_SCREEN_PHOTO_CAPTURE) {
			a->still_v = biounit_image_get_view(a->still);
			st->frame = &a->still_v;
		} else if (a->hold == BIOUNIT_SCREEN_PHOTO_KEPT) {
			a->crop_v = biounit_image_get_view(a->crop);
			st->photo = &a->crop_v;
		} else {
			st->ink = a->sig;
		}
		return;
	}
	switch (state) {
	case BIOUNIT_SESSION_REVIEW:
		st->scene = BIOUNIT_SCREEN_REVIEW;
		return;
	case BIOUNIT_SESSION_PAUSED:
		hold_end(a);
		st->scene = BIOUNIT_SCREEN_PAUSED;
		return;
	case BIOUNIT_SESSION_FINISHED:
	case BIOUNIT_SESSION_DISCARDED:
		hold_end(a);	/* nothing biometric after the session */
		st->scene = BIOUNIT_SCREEN_DONE;
		st->advice_nl = st->advice_en = NULL;
		return;
	case BIOUNIT_SESSION_CAPTURING:
	default:
		break;
	}
	if (step == BIOUNIT_STEP_PHOTO && a->frame) {
		st->scene = BIOUNIT_SCREEN_PHOTO_LIVE;
		st->frame = a->frame;
		st->source_ns = a->source_ns;
		st->have_guide = !biounit_face_preview_guide(d->face, a->frame->width,
							     a->frame->height, &st->guide);
	} else if (step == BIOUNIT_STEP_FINGERS) {
		unsigned int max = biounit_session_get_policy(s->m)->finger_attempts;

		st->scene = BIOUNIT_SCREEN_FINGERS;
		st->finger = biounit_session_finger(s->m);
		st->finger_placed = a->placed;
		st->attempt = biounit_session_attempt(s->m);
		st->max_attempts = max;
		finger_result(s, st);
	} else if (step == BIOUNIT_STEP_SIGNATURE) {
		st->scene = BIOUNIT_SCREEN_SIGNATURE;
		st->ink = engine_signature(d->engine);
		st->source_ns = a->source_ns;
		st->can_clear = st->ink && biounit_signature_count(st->ink);
	}
	/* the photo step before its first frame: the steps, the one in hand lit */
	if (st->scene == BIOUNIT_SCREEN_WELCOME)
		st->step_now = step == BIOUNIT_STEP_PHOTO ? BIOUNIT_SCREEN_STEP_PHOTO : 0;
}

void screen_session(struct daemon *d, const struct dsession *s)
{
	struct biounit_screen_state st;

	if (!d->screen)
		return;
	if (!s || !s->active || !s->m)
		d->screen->placed = false;
	scene_of(d, s, &st);
	/* a status between two preview frames (a broadcast of the photo step): the preview
	 * stays on the screen, the next frame is drawn with the new state; drawing the waiting
	 * scene for want of a frame would flash it for a refresh */
	if (st.scene == BIOUNIT_SCREEN_WELCOME && st.step_now == BIOUNIT_SCREEN_STEP_PHOTO &&
	    d->screen->scene == BIOUNIT_SCREEN_PHOTO_LIVE)
		return;
	d->screen->scene = st.scene;
	if (st.scene == BIOUNIT_SCREEN_PHOTO_LIVE && st.frame && d->screen->slot &&
	    d->screen->slot->dmabuf_fd >= 0) {
		/* the plane path (docs/screen.md, "Which path a display takes"): the camera's
		 * XBGR32 buffer (DRM's XRGB8888) scanned out as it is, @st->frame (its RGB24
		 * copy) drawn only if the display falls back to the CPU; the display holds the
		 * buffer until the flip that replaces it (frame_slot_release()) */
		struct frame_slot *slot = d->screen->slot;
		struct biounit_display_buffer b = {
			.dmabuf_fd = slot->dmabuf_fd, .fourcc = DRM_FORMAT_XRGB8888,
			.width = st.frame->width, .height = st.frame->height,
			.stride = slot->stride, .key = slot->index,
		};

		if (biounit_display_show_buffer(d->screen->disp, &st, &b, frame_slot_release,
						frame_slot_ref(slot)))
			log_msg(LOG_WARN_, "screen: cannot draw the %s scene",
				biounit_screen_scene_name(st.scene));
	} else if (st.scene == BIOUNIT_SCREEN_PHOTO_LIVE && st.frame && !d->screen->probed) {
		/* photo_format = rgb24: mapped buffers, no dma-buf, so the display composes on
		 * the CPU, and its probe of the format says why in the status ("path") */
		struct biounit_display_buffer b = {
			.dmabuf_fd = -1,
			.fourcc = st.frame->format == BIOUNIT_PIX_RGB24 ? DRM_FORMAT_BGR888
									: DRM_FORMAT_R8,
			.width = st.frame->width, .height = st.frame->height,
			.stride = st.frame->stride,
		};

		if (biounit_display_show_buffer(d->screen->disp, &st, &b, NULL, NULL))
			log_msg(LOG_WARN_, "screen: cannot draw the %s scene",
				biounit_screen_scene_name(st.scene));
	} else if (biounit_display_show(d->screen->disp, &st)) {
		log_msg(LOG_WARN_, "screen: cannot draw the %s scene",
			biounit_screen_scene_name(st.scene));
	}
	/* the frame is only borrowed for this call; the source time is the input's, once */
	d->screen->frame = NULL;
	d->screen->slot = NULL;
	d->screen->source_ns = 0;
}

void screen_frame(struct daemon *d, const struct dsession *s, const struct biounit_image_view *v,
		  uint64_t ts_ns, struct frame_slot *slot)
{
	if (!d->screen)
		return;
	d->screen->frame = v;
	d->screen->slot = slot;
	d->screen->source_ns = ts_ns;
	screen_session(d, s);
}

bool screen_probe(struct daemon *d, unsigned int w, unsigned int h)
{
	if (!d->screen)
		return false;
	/* from now on a frame without a dma-buf is drawn as any scene: the probe's reason
	 * stays the status's path (a probe of the mapped RGB24 would only say no plane takes
	 * that format) */
	d->screen->probed = true;
	return biounit_display_probe(d->screen->disp, DRM_FORMAT_XRGB8888, w, h) == 1;
}

void screen_forget(struct daemon *d)
{
	if (d->screen)
		biounit_display_forget_buffers(d->screen->disp);
}

void screen_ink(struct daemon *d, const struct dsession *s, uint64_t ts_ns)
{
	if (!d->screen)
		return;
	d->screen->source_ns = ts_ns;
	screen_session(d, s);
}

void screen_finger(struct daemon *d, const struct dsession *s, bool placed)
{
	if (!d->screen || d->screen->placed == placed)
		return;
	d->screen->placed = placed;
	screen_session(d, s);
}

void screen_status_json(struct daemon *d, struct json_buf *b)
{
	enum biounit_display_state st;

	if (!d->screen) {
		jb_raw(b, ",\"screen\":{\"state\":\"off\",\"visible\":false,\"detail\":");
		jb_str(b, "no applicant screen (screen = off)");
		jb_raw(b, "}");
		return;
	}
	st = biounit_display_get_state(d->screen->disp);
	jb_printf(b, ",\"screen\":{\"state\":\"%s\",\"visible\":%s,\"detail\":",
		  biounit_display_state_name(st), st == BIOUNIT_DISPLAY_SHOWING ? "true" : "false");
	jb_str(b, biounit_display_status(d->screen->disp));
	/* which path the camera's frames take on this display, and why (after the first one) */
	if (*biounit_display_path(d->screen->disp)) {
		jb_raw(b, ",\"path\":");
		jb_str(b, biounit_display_path(d->screen->disp));
	}
	jb_printf(b, ",\"scene\":\"%s\"}", biounit_screen_scene_name(d->screen->scene));
}
