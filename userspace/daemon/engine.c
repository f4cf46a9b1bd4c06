// SPDX-License-Identifier: GPL-2.0
/*
 * The capture engine: drives the unit through libbiounit for the active
 * session's current step and feeds each checked capture to the session
 * machine. One stream at a time, frames handled in the main poll loop as
 * they arrive (the quality code reads the mapped buffer).
 *
 *  photo      each frame is drawn on the applicant's screen as soon as it is
 *             dequeued, with the newest advice known; the preview check runs
 *             on the checker thread (worker.c) on a copy of a frame, the
 *             newest one whenever the thread is free (frames that arrive
 *             while it checks are only drawn). Each result comes back to the
 *             loop: the advice (a change redraws the frame on the screen
 *             before it is broadcast), the best frame (the copy itself).
 *             After photo_min_frames checked frames the best frame with
 *             advice OK is taken (or, after photo_timeout_ms, the best frame
 *             of all), the full check runs on it, it is saved as photo-N.png
 *             (and its passport crop). An XBGR32 frame (photo_format) is
 *             converted to RGB24 first, for the check, the still and the
 *             CPU path of the screen. Where the display scans the camera's
 *             buffers out itself (photo_format auto or xbgr32, its probe
 *             before the stream starts) the face stream is XBGR32 in
 *             exported dma-bufs and each frame's buffer goes on a plane of
 *             the display (zero-copy); who holds such a frame, and when it
 *             goes back to the driver: frame_pool.c.
 *  fingers    a finger is on the glass when the frame is not blank; after
 *             finger_settle_frames such frames it is assessed and saved as
 *             finger-P-N.png; the next attempt waits for the finger to be
 *             lifted. No finger for finger_timeout_ms is a failed attempt
 *             without a finger (a missing finger after the attempts).
 *  signature  pen samples build the signature until the pen has been up
 *             for signature_end_ms after ink; checked, rendered to
 *             signature-N.png.
 * A unit that goes away pauses the session; when a unit comes back the
 * session resumes at the attempt it was in.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finger/finger.h"
#include <biounit/image.h>
#include "signature/signature.h"

#include "biounitd.h"
#include "frame_pool.h"

enum phase { PH_IDLE, PH_WAIT, PH_RUN };

/*
 * Nice value of the checker thread relative to the loop: the same. The advice and the
 * auto capture wait for the check, so it must not starve behind the loop's drawing (at
 * +10 it would get a tenth of a core shared with the loop); the loop still draws each
 * frame on time, since its bursts are short and a waking thread that slept is run first.
 */
#define CHECKER_NICE 0

/*
 * One preview check, owned by the loop or (while given) by the checker thread. The thread
 * reads only the job: its copy of the frame and the face checker, which is read-only once
 * made (face.h: every call takes it const; no scratch state in it, no static state in
 * userspace/face), so the loop's own calls on it (the guide, the full check of the still)
 * may run at the same time.
 */
struct preview_job {
	const struct biounit_face_checker *face;
	struct biounit_image *img;	/* the copy (kept between jobs, reused at the same size) */
	uint64_t ts_ns;			/* the frame's capture time */
	unsigned int gen;		/* the engine's gen when given */
	int r;
	struct biounit_face_preview pv;
	unsigned int delay_ms;		/* test build: BIOUNITD_TEST_CHECK_DELAY_MS, a slow check */
};

struct engine {
	struct daemon *d;
	struct dsession *active;
	struct biounit_monitor *mon;
	struct biounit_unit *unit;
	struct biounit_capture_stream *stream;
	int stream_ch;
	/* the face stream's buffers are exported dma-bufs the display scans out (the plane
	 * path: docs/screen.md); its frames are then held by the display too (frame_pool.c) */
	bool zc_stream;
	struct frame_pool pool;		/* the face frames held: by the engine (cur), the display */
	/* an XBGR32 face frame in RGB24 for the quality code (kept while the stream runs) */
	struct biounit_image *rgb;
	enum phase phase;
	uint64_t wait_until, attempt_start, last_open_try;
	uint64_t last_ts;		/* the unit clock of the last frame */
	/* which attempt the capture state belongs to */
	enum biounit_session_step step;
	unsigned int finger, attempt;
	/* photo */
	struct worker *checker;		/* the preview check's thread */
	struct preview_job *job;	/* NULL while the checker has it */
	unsigned int gen;		/* +1 at each reset: a result of an earlier attempt is dropped */
	struct frame_slot *cur;		/* the frame on the screen, held for a redraw with new advice */
	struct biounit_image *best;
	uint64_t best_ts;
	double best_score;
	bool best_ok;
	unsigned int frames;		/* checked */
	unsigned int drawn;
	int advice;
	/* fingers */
	bool need_lift;
	unsigned int settle;
	/* signature */
	struct biounit_signature *sig;
	struct biounit_signature_box box;
	uint64_t t0_ns, last_sample_ms;
	bool inked, pen_down;
};

static const char *step_channel_name(enum biounit_session_step s)
{
	return s == BIOUNIT_STEP_PHOTO ? "face" : s == BIOUNIT_STEP_FINGERS ? "finger" : "signature";
}

static void reset_capture(struct engine *e)
{
	biounit_image_free(e->best);
	e->best = NULL;
	e->best_score = -1;
	e->best_ok = false;
	e->frames = e->drawn = 0;
	e->advice = -1;
	e->gen++;		/* a check in flight is of the attempt that ends here */
	e->settle = 0;
	biounit_signature_free(e->sig);
	e->sig = NULL;
	e->inked = e->pen_down = false;
	e->t0_ns = 0;
	e->last_sample_ms = 0;
}

/*
 * Before the stream's buffers go, every holder of its frames lets go (frame_pool.c): the
 * display first (biounit_display_forget_buffers(): the frames it scans out or waits to, and
 * the framebuffers it imported from their dma-bufs), then the engine's own; a frame still
 * held then would be a bug: logged, and given back all the same.
 */
static void stop_stream(struct engine *e)
{
	unsigned int left;

	if (e->zc_stream)
		screen_forget(e->d);
	frame_slot_release(e->cur);
	e->cur = NULL;
	left = frame_pool_drain(&e->pool);
	if (left)
		log_msg(LOG_ERR_, "face stream: %u camera frame(s) still held at its stop", left);
	if (e->zc_stream)
		log_msg(LOG_INFO_, "face stream stopped: %llu camera frames, %llu given back, %u held "
			"at the stop (plane path)", (unsigned long long)e->pool.taken,
			(unsigned long long)e->pool.back - left, left);
	e->zc_stream = false;
	e->pool.taken = e->pool.back = 0;
	biounit_stream_free(e->stream);
	e->stream = NULL;
	e->stream_ch = -1;
	biounit_image_free(e->rgb);
	e->rgb = NULL;
	reset_capture(e);
	if (e->phase == PH_RUN)
		e->phase = PH_IDLE;
}

static void close_unit(struct engine *e)
{
	stop_stream(e);
	biounit_unit_close(e->unit);
	e->unit = NULL;
}

int engine_new(struct daemon *d, struct engine **out)
{
	struct engine *e = calloc(1, sizeof(*e));
	int r;

	if (!e)
		return -ENOMEM;
	e->d = d;
	e->stream_ch = -1;
	frame_pool_init(&e->pool, biounit_frame_release);
	e->job = calloc(1, sizeof(*e->job));
	r = e->job ? worker_start(&e->checker, "checker", CHECKER_NICE) : -ENOMEM;
	if (r) {
		log_msg(LOG_ERR_, "no preview check thread: %s", strerror(-r));
		free(e->job);
		free(e);
		return r;
	}
#ifdef BIOUNITD_TEST_HOOKS
	/* tests: each check takes this much longer (tests/vm/screen/session.sh) */
	if (getenv("BIOUNITD_TEST_CHECK_DELAY_MS"))
		e->job->delay_ms = (unsigned int)strtoul(getenv("BIOUNITD_TEST_CHECK_DELAY_MS"), NULL, 10);
#endif
	r = biounit_monitor_new(&e->mon);
	if (r) {
		log_msg(LOG_WARN_, "no hot-plug monitor (%s): units are looked for every second",
			strerror(-r));
		e->mon = NULL;
	}
	reset_capture(e);
	*out = e;
	return 0;
}

static void job_free(struct preview_job *j)
{
	if (j)
		biounit_image_free(j->img);
	free(j);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	close_unit(e);
	reset_capture(e);
	/* a check in hand runs to its end (one frame); the job comes back to be freed */
	job_free(worker_stop(e->checker));
	job_free(e->job);
	biounit_monitor_free(e->mon);
	free(e);
}

void engine_unit_ident(struct engine *e, char *serial, size_t slen, char *model, size_t mlen)
{
	const struct biounit_caps *caps = e && e->unit ? biounit_unit_get_caps(e->unit) : NULL;
	size_t i;

	serial[0] = model[0] = '\0';
	if (!caps)
		return;
	snprintf(serial, slen, "%.*s", (int)sizeof(caps->serial), (const char *)caps->serial);
	snprintf(model, mlen, "%.*s", (int)sizeof(caps->model), (const char *)caps->model);
	/* the package takes printable ASCII only */
	for (i = 0; serial[i]; i++)
		if (serial[i] < 0x21 || serial[i] > 0x7e)
			serial[i] = '_';
	for (i = 0; model[i]; i++)
		if (model[i] < 0x20 || model[i] > 0x7e)
			model[i] = '_';
}

struct dsession *engine_active(struct engine *e)
{
	return e->active;
}

bool engine_unit_present(struct engine *e)
{
	return e->unit != NULL;
}

static int open_unit(struct engine *e)
{
	const char *want = e->d->cfg.unit;
	struct biounit_unit_list *list;
	size_t i;
	int r = -ENOENT;

	if (e->unit)
		return 0;
	if (want[0] == '/')
		return biounit_unit_open(want, &e->unit);
	if (strcmp(want, "auto"))
		return biounit_unit_open_by_serial(want, &e->unit);
	if (biounit_enumerate(&list))
		return -ENOENT;
	for (i = 0; i < biounit_unit_list_count(list) && !e->unit; i++) {
		const struct biounit_unit_info *u = biounit_unit_list_get(list, i);
		enum biounit_state st = biounit_unit_info_get_state(u);

		if (st == BIOUNIT_STATE_READY || st == BIOUNIT_STATE_BUSY)
			r = biounit_unit_open(biounit_unit_info_get_node(u), &e->unit);
	}
	biounit_unit_list_free(list);
	return e->unit ? 0 : r;
}

/* the unit is gone: stop, pause the session */
static void unit_gone(struct engine *e)
{
	struct dsession *s = e->active;

	if (!e->unit)
		return;
	log_msg(LOG_WARN_, "unit %s is gone", biounit_unit_get_node(e->unit));
	close_unit(e);
	e->phase = PH_IDLE;
	if (s) {
		s->unit_present = false;
		if (!biounit_session_pause(s->m))
			session_commit(e->d, s, "unit unplugged: paused");
	}
}

static void unit_back(struct engine *e)
{
	struct dsession *s = e->active;

	if (!s)
		return;
	s->unit_present = true;
	/* the privacy switch keeps it paused (desk_gpio.c resumes it when released) */
	if (!e->d->privacy && biounit_session_state(s->m) == BIOUNIT_SESSION_PAUSED &&
	    !biounit_session_resume(s->m))
		session_commit(e->d, s, "unit back: resumed");
}

int engine_activate(struct engine *e, struct dsession *s)
{
	if (e->active && e->active != s)
		return -EBUSY;
	e->active = s;
	s->active = true;
	e->phase = PH_IDLE;
	e->need_lift = false;
	e->attempt = 0;
	if (open_unit(e) == 0) {
		s->unit_present = true;
		if (e->d->privacy)
			biounit_session_pause(s->m);
		else if (biounit_session_state(s->m) == BIOUNIT_SESSION_PAUSED)
			biounit_session_resume(s->m);
	} else {
		s->unit_present = false;
		biounit_session_pause(s->m);
	}
	return 0;
}

void engine_deactivate(struct engine *e)
{
	if (e->active)
		e->active->active = false;
	e->active = NULL;
	stop_stream(e);
	e->phase = PH_IDLE;
}

void engine_session_changed(struct engine *e)
{
	struct dsession *s = e->active;
	enum biounit_session_state st;

	if (!s)
		return;
	st = biounit_session_state(s->m);
	if (st == BIOUNIT_SESSION_FINISHED || st == BIOUNIT_SESSION_DISCARDED) {
		log_msg(LOG_INFO_, "session %s: over (%s)", biounit_session_id(s->m),
			biounit_session_state_name(st));
		engine_deactivate(e);
		return;
	}
	if (st != BIOUNIT_SESSION_CAPTURING) {
		stop_stream(e);
		e->phase = PH_IDLE;
	}
}

/* ---- saving ---- */

static int save_png(struct engine *e, const struct biounit_image_view *v, const char *name)
{
	struct dsession *s = e->active;
	char tmp[1400];
	int r;

	r = biounit_store_file_path(e->d->store, biounit_session_id(s->m), name, true, tmp,
				    sizeof(tmp));
	if (!r)
		r = biounit_image_save_png(v, tmp);
	if (!r)
		r = biounit_store_commit_file(e->d->store, biounit_session_id(s->m), name);
	if (r)
		log_msg(LOG_ERR_, "session %s: cannot write %s: %s", biounit_session_id(s->m), name,
			strerror(-r));
	return r;
}

/* signature-N.sig: the pen samples in the text format of docs/signature.md (the hand-off's pen record) */
static int save_pen(struct engine *e, unsigned int attempt)
{
	struct dsession *s = e->active;
	struct biounit_signature_box box = biounit_signature_get_box(e->sig);
	size_t n = biounit_signature_count(e->sig), i, len = 0, cap = 128 + n * 64;
	char name[40], *buf = malloc(cap);
	int r;

	if (!buf)
		return -ENOMEM;
	len += (size_t)snprintf(buf, cap, "biounit-signature 1\nbox %d %d %d %d %u %u\n", box.x0,
				box.y0, box.x1, box.y1, box.units_per_mm, box.pressure_max);
	for (i = 0; i < n && len < cap; i++) {
		struct biounit_signature_sample smp;

		if (biounit_signature_sample(e->sig, i, &smp))
			break;
		len += (size_t)snprintf(buf + len, cap - len, "%llu %d %d %u %d\n",
					(unsigned long long)smp.t_us, smp.x, smp.y, smp.pressure,
					smp.pen_down ? 1 : 0);
	}
	if (len >= cap) {
		free(buf);
		return -E2BIG;
	}
	snprintf(name, sizeof(name), "signature-%u.sig", attempt);
	r = biounit_store_write_file(e->d->store, biounit_session_id(s->m), name, buf, len);
	free(buf);
	if (r)
		log_msg(LOG_ERR_, "session %s: cannot write %s: %s", biounit_session_id(s->m), name,
			strerror(-r));
	return r;
}

static void append_reason(char *buf, size_t size, const char *key)
{
	size_t n = strlen(buf);

	if (!key || n + strlen(key) + 2 > size)
		return;
	snprintf(buf + n, size - n, "%s%s", n ? "," : "", key);
}

/* submit, store, tell; a failed attempt is followed by a pause with its advice */
static void submit(struct engine *e, struct biounit_capture *c)
{
	struct dsession *s = e->active;
	char event[96];
	int r;

	r = biounit_session_submit(s->m, c);
	if (r) {
		log_msg(LOG_ERR_, "session %s: capture refused by the machine: %s",
			biounit_session_id(s->m), strerror(-r));
		return;
	}
	snprintf(event, sizeof(event), "%s%s%s attempt %u: %s, score %d",
		 biounit_session_step_name(c->step), c->finger ? " " : "",
		 c->finger ? biounit_finger_position_name(c->finger) : "", c->attempt ? c->attempt :
		 (unsigned int)biounit_session_capture(s->m, biounit_session_capture_count(s->m) - 1)->attempt,
		 biounit_session_capture(s->m, biounit_session_capture_count(s->m) - 1)->compliant ?
		 "compliant" : "not compliant", c->score);
	s->live_nl[0] = s->live_en[0] = '\0';
	session_commit(e->d, s, event);
	reset_capture(e);
	e->attempt_start = now_ms();
	if (biounit_session_state(s->m) != BIOUNIT_SESSION_CAPTURING) {
		engine_session_changed(e);
		return;
	}
	if (c->step != BIOUNIT_STEP_FINGERS && e->d->cfg.retry_pause_ms) {
		stop_stream(e);
		e->phase = PH_WAIT;
		e->wait_until = now_ms() + e->d->cfg.retry_pause_ms;
	}
}

/* ---- photo ---- */

/*
 * @v's pixels into *@img, which is reused when it has their size and format (else
 * replaced): an XBGR32 view (the format a display can scan out as it is, docs/uapi.md
 * section 6) becomes RGB24, the quality code's format (biounit_image_convert())
 */
static int copy_into(const struct biounit_image_view *v, struct biounit_image **img)
{
	enum biounit_pixfmt fmt = v->format == BIOUNIT_PIX_XBGR32 ? BIOUNIT_PIX_RGB24 : v->format;
	int r;

	if (*img) {
		struct biounit_image_view have = biounit_image_get_view(*img);

		if (have.width != v->width || have.height != v->height || have.format != fmt) {
			biounit_image_free(*img);
			*img = NULL;
		}
	}
	if (!*img) {
		r = biounit_image_new(v->width, v->height, fmt, img);
		if (r) {
			*img = NULL;
			return r;
		}
	}
	return biounit_image_convert(v, *img);
}

/*
 * The quality code and the screen read GREY and RGB24 views: an XBGR32 frame is converted
 * into e->rgb (made once per stream and frame size), which @v then views. 0 or -errno.
 */
static int quality_view(struct engine *e, struct biounit_image_view *v)
{
	int r;

	if (v->format != BIOUNIT_PIX_XBGR32)
		return 0;
	r = copy_into(v, &e->rgb);
	if (r)
		return r;
	*v = biounit_image_get_view(e->rgb);
	return 0;
}

int engine_copy_view(const struct biounit_image_view *v, struct biounit_image **out)
{
	*out = NULL;
	return copy_into(v, out);
}

/* on the checker thread */
static void run_preview(void *arg)
{
	struct preview_job *j = arg;
	struct biounit_image_view v = biounit_image_get_view(j->img);

	j->r = biounit_face_preview_check(j->face, &v, &j->pv);
	if (j->delay_ms) {
		struct timespec t = { j->delay_ms / 1000, (long)(j->delay_ms % 1000) * 1000000 };

		nanosleep(&t, NULL);
	}
}

/*
 * A camera frame of the photo step (@fr, given to the engine): on the screen at once with
 * the advice known so far; its copy to the checker if the thread is free. The frame stays
 * held as the one on the screen (a new advice redraws it) until the next one replaces it;
 * on the plane path the display holds it too, until the flip that replaces it on the
 * screen (frame_pool.c: the buffer goes back to the driver when both let go).
 */
static void photo_frame(struct engine *e, struct biounit_frame *fr,
			const struct biounit_image_view *v, uint64_t ts_ns)
{
	struct preview_job *j = e->job;
	struct frame_slot *slot = frame_pool_take(&e->pool, fr, biounit_frame_get_index(fr),
						  e->zc_stream ? biounit_frame_get_dmabuf_fd(fr) : -1);

	if (!slot) {
		log_msg(LOG_ERR_, "face stream: buffer %u lent twice", biounit_frame_get_index(fr));
		return;
	}
	slot->stride = biounit_stream_get_format(e->stream)->bytesperline;
	screen_frame(e->d, e->active, v, ts_ns, slot);
	e->drawn++;
	frame_slot_release(e->cur);
	e->cur = slot;
	/* after the draw: the copy does not delay this frame */
	if (j && copy_into(v, &j->img) == 0) {
		j->face = e->d->face;
		j->ts_ns = ts_ns;
		j->gen = e->gen;
		if (worker_give(e->checker, run_preview, j) == 0)
			e->job = NULL;
	}
}

/*
 * A check's result back from the checker thread, applied as it comes: the advice (the
 * frame on the screen redrawn with it before the status says it: the status tells what
 * the screen shows), the best frame so far (the job's copy itself; the copy it replaces
 * is the next job's buffer) and the count for photo_min_frames. A result of an attempt
 * that has ended (a new attempt, a stop, a pause, the unit gone, the session over) is
 * dropped.
 */
static void photo_result(struct engine *e)
{
	struct preview_job *j = worker_take(e->checker);
	struct dsession *s = e->active;
	const struct biounit_face_preview *pv;
	bool ok;

	if (!j)
		return;
	e->job = j;
	if (j->gen != e->gen || j->r || !s || e->phase != PH_RUN || e->step != BIOUNIT_STEP_PHOTO)
		return;
	pv = &j->pv;
	e->frames++;
	ok = pv->advice == BIOUNIT_FACE_ADVICE_OK;
	if ((int)pv->advice != e->advice) {
		e->advice = (int)pv->advice;
		snprintf(s->live_nl, sizeof(s->live_nl), "%s", pv->msg_nl ? pv->msg_nl : "");
		snprintf(s->live_en, sizeof(s->live_en), "%s", pv->msg_en ? pv->msg_en : "");
		if (e->cur) {
			struct biounit_image_view v;

			/* the same frame again: no new input for the latency (source time 0) */
			if (biounit_frame_get_view(e->cur->fr, &v) == 0 && quality_view(e, &v) == 0)
				screen_frame(e->d, s, &v, 0, e->cur);
		}
		session_broadcast(e->d, s);
	}
	if ((ok && (!e->best_ok || pv->score > e->best_score)) ||
	    (!ok && !e->best_ok && pv->score > e->best_score)) {
		struct biounit_image *old = e->best;

		e->best = j->img;
		j->img = old;
		e->best_ts = j->ts_ns;
		e->best_score = pv->score;
		e->best_ok = ok;
	}
}

static void photo_finish(struct engine *e, uint64_t ts_ns)
{
	struct dsession *s = e->active;
	struct biounit_face_verdict *ver;
	struct biounit_capture c;
	struct biounit_image_view v, cv = { 0 };
	struct biounit_image *crop = NULL;
	unsigned int attempt = biounit_session_attempt(s->m), i;
	const char *nl = NULL, *en = NULL;
	char name[64];

	memset(&c, 0, sizeof(c));
	c.step = BIOUNIT_STEP_PHOTO;
	c.present = true;
	c.timestamp_ns = e->best ? e->best_ts : ts_ns;	/* the still's capture time */
	log_msg(LOG_INFO_, "session %s: photo attempt %u: %u camera frames shown, %u checked",
		biounit_session_id(s->m), attempt, e->drawn, e->frames);
	if (!e->best) {
		snprintf(c.reasons, sizeof(c.reasons), "no_frame");
		snprintf(c.msg_nl, sizeof(c.msg_nl), "De camera gaf geen beeld.");
		snprintf(c.msg_en, sizeof(c.msg_en), "The camera gave no picture.");
		submit(e, &c);
		return;
	}
	ver = calloc(1, sizeof(*ver));
	if (!ver)
		return;
	v = biounit_image_get_view(e->best);
	c.score = (int)lround(fmin(1.0, fmax(0.0, e->best_score)) * 100.0);
	/* the still is the camera frame: frame -> check -> crop -> check, with the
	 * applicant's age band (sizes and waivers of the Dutch rules) */
	if (biounit_face_check_frame(e->d->face, &v,
				     biounit_age_band_face_age(biounit_session_get_request(s->m)->age),
				     BIOUNIT_FACE_CROP_HEIGHT, &crop, ver) || !ver->have_face) {
		snprintf(c.reasons, sizeof(c.reasons), "one_face");
		biounit_face_advice_text(BIOUNIT_FACE_ADVICE_NO_FACE, &nl, &en);
		snprintf(c.msg_nl, sizeof(c.msg_nl), "%s", nl ? nl : "");
		snprintf(c.msg_en, sizeof(c.msg_en), "%s", en ? en : "");
	} else {
		const struct biounit_face_result *fit = &ver->results[BIOUNIT_FACE_RULE_CROP_FITS];

		if (crop)
			cv = biounit_image_get_view(crop);
		c.compliant = ver->compliant;
		/* no crop fits: the way to move comes first */
		if (fit->status == BIOUNIT_FACE_FAIL) {
			snprintf(c.msg_nl, sizeof(c.msg_nl), "%s", fit->msg_nl ? fit->msg_nl : "");
			snprintf(c.msg_en, sizeof(c.msg_en), "%s", fit->msg_en ? fit->msg_en : "");
		}
		for (i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++) {
			const struct biounit_face_result *res = &ver->results[i];

			if (res->status != BIOUNIT_FACE_FAIL)
				continue;
			append_reason(c.reasons, sizeof(c.reasons), res->id);
			if (!c.msg_nl[0]) {
				snprintf(c.msg_nl, sizeof(c.msg_nl), "%s", res->msg_nl ? res->msg_nl : "");
				snprintf(c.msg_en, sizeof(c.msg_en), "%s", res->msg_en ? res->msg_en : "");
			}
		}
	}
	/* photo-N.png: the passport crop; photo-N-frame.png: the camera's still */
	snprintf(name, sizeof(name), "photo-%u-frame.png", attempt);
	save_png(e, &v, name);
	if (crop) {
		snprintf(c.file, sizeof(c.file), "photo-%u.png", attempt);
		if (save_png(e, &cv, c.file))
			c.file[0] = '\0';
	} else {
		snprintf(c.file, sizeof(c.file), "%s", name);
	}
	/* the moment of capture, then the kept crop, on the applicant's screen */
	screen_photo_taken(e->d, &v, crop ? &cv : NULL);
	biounit_image_free(crop);
	free(ver);
	submit(e, &c);
}

/* ---- fingers ---- */

static bool finger_present(const struct biounit_image_view *v)
{
	uint64_t sum = 0, n = 0;
	uint32_t x, y;

	for (y = 0; y < v->height; y += 4)
		for (x = 0; x < v->width; x += 4, n++)
			sum += v->data[(size_t)y * v->stride + x];
	return n && sum / n < 245;
}

static void finger_frame(struct engine *e, const struct biounit_image_view *v, uint64_t ts_ns)
{
	struct dsession *s = e->active;
	struct biounit_finger_report *rep;
	struct biounit_capture c;
	unsigned int finger = biounit_session_finger(s->m), bit;
	uint32_t advice;

	screen_finger(e->d, s, finger_present(v));
	if (!finger_present(v)) {
		e->need_lift = false;
		e->settle = 0;
		return;
	}
	if (e->need_lift || ++e->settle < e->d->cfg.finger_settle_frames)
		return;
	memset(&c, 0, sizeof(c));
	c.step = BIOUNIT_STEP_FINGERS;
	c.finger = finger;
	c.timestamp_ns = ts_ns;
	c.present = true;
	if (biounit_finger_assess(v, 0, &rep))
		return;
	c.score = (int)biounit_finger_report_score(rep);
	advice = biounit_finger_report_advice(rep);
	biounit_finger_report_free(rep);
	if (advice & BIOUNIT_FINGER_NO_FINGER)
		c.present = false;
	for (bit = 0; bit < BIOUNIT_FINGER_ADVICE_COUNT; bit++) {
		enum biounit_finger_advice a = (enum biounit_finger_advice)(1u << bit);

		if (!(advice & a))
			continue;
		append_reason(c.reasons, sizeof(c.reasons), biounit_finger_advice_key(a));
		if (!c.msg_nl[0]) {
			snprintf(c.msg_nl, sizeof(c.msg_nl), "%s", biounit_finger_advice_message(a, "nl"));
			snprintf(c.msg_en, sizeof(c.msg_en), "%s", biounit_finger_advice_message(a, "en"));
		}
	}
	snprintf(c.file, sizeof(c.file), "finger-%s-%u.png", biounit_finger_position_name(finger),
		 biounit_session_attempt(s->m));
	if (save_png(e, v, c.file))
		c.file[0] = '\0';
	e->need_lift = true;
	submit(e, &c);
}

static void finger_timeout(struct engine *e)
{
	struct dsession *s = e->active;
	struct biounit_capture c;

	memset(&c, 0, sizeof(c));
	c.step = BIOUNIT_STEP_FINGERS;
	c.finger = biounit_session_finger(s->m);
	c.timestamp_ns = e->last_ts;
	c.present = false;
	snprintf(c.reasons, sizeof(c.reasons), "no_finger");
	snprintf(c.msg_nl, sizeof(c.msg_nl), "Er is geen vinger op de scanner gezien.");
	snprintf(c.msg_en, sizeof(c.msg_en), "No finger was seen on the scanner.");
	submit(e, &c);
}

/* ---- signature ---- */

static void signature_frame(struct engine *e, const struct biounit_frame *fr)
{
	const struct biounit_pen_sample *ps;
	size_t n, i;

	ps = biounit_frame_get_pen_samples(fr, &n);
	if (!ps || !e->sig)
		return;
	for (i = 0; i < n; i++) {
		struct biounit_signature_sample smp;

		if (!e->t0_ns)
			e->t0_ns = ps[i].timestamp_ns;
		if (ps[i].timestamp_ns < e->t0_ns)
			continue;
		smp.t_us = (ps[i].timestamp_ns - e->t0_ns) / 1000u;
		smp.x = (int32_t)ps[i].x;
		smp.y = (int32_t)ps[i].y;
		smp.pressure = ps[i].pressure;
		smp.pen_down = (ps[i].flags & BIOUNIT_PEN_DOWN) ? 1 : 0;
		if (biounit_signature_add(e->sig, &smp))
			continue;
		e->pen_down = smp.pen_down;
		if (smp.pen_down)
			e->inked = true;
	}
	if (n) {
		e->last_sample_ms = now_ms();
		screen_ink(e->d, e->active, ps[n - 1].timestamp_ns);
	}
}

const struct biounit_signature *engine_signature(struct engine *e)
{
	return e->sig;
}

static void signature_finish(struct engine *e)
{
	struct dsession *s = e->active;
	struct biounit_capture c;
	struct biounit_image *img;
	uint32_t problems = 0, bit;

	memset(&c, 0, sizeof(c));
	c.step = BIOUNIT_STEP_SIGNATURE;
	c.present = true;
	c.timestamp_ns = e->t0_ns ? e->t0_ns : e->last_ts;
	biounit_signature_check(e->sig, &problems, NULL);
	c.compliant = problems == 0;
	c.score = 100;
	for (bit = 0; bit < BIOUNIT_SIG_PROBLEM_COUNT; bit++) {
		enum biounit_signature_problem p = (enum biounit_signature_problem)(1u << bit);

		if (!(problems & p))
			continue;
		c.score = c.score >= 10 ? c.score - 10 : 0;
		append_reason(c.reasons, sizeof(c.reasons), biounit_signature_problem_key(p));
		if (!c.msg_nl[0]) {
			snprintf(c.msg_nl, sizeof(c.msg_nl), "%s", biounit_signature_problem_message(p, "nl"));
			snprintf(c.msg_en, sizeof(c.msg_en), "%s", biounit_signature_problem_message(p, "en"));
		}
	}
	if (biounit_signature_render(e->sig, BIOUNIT_SIGNATURE_RENDER_W, BIOUNIT_SIGNATURE_RENDER_H,
				     &img) == 0) {
		struct biounit_image_view v = biounit_image_get_view(img);

		snprintf(c.file, sizeof(c.file), "signature-%u.png", biounit_session_attempt(s->m));
		if (save_pen(e, biounit_session_attempt(s->m)) || save_png(e, &v, c.file))
			c.file[0] = '\0';
		biounit_image_free(img);
	}
	screen_signature_taken(e->d, e->sig);
	submit(e, &c);
}

/* ---- the stream ---- */

static int start_attempt(struct engine *e)
{
	struct dsession *s = e->active;
	enum biounit_session_step step = biounit_session_step(s->m);
	unsigned int ch = step == BIOUNIT_STEP_PHOTO ? BIOUNIT_CH_FACE :
			  step == BIOUNIT_STEP_FINGERS ? BIOUNIT_CH_FINGER : BIOUNIT_CH_SIGNATURE;
	struct biounit_format f = { 0 };
	const struct biounit_format *fmt = NULL;
	enum biounit_stream_memory mem = BIOUNIT_STREAM_MMAP;
	unsigned int nbufs = 4;
	int r;

	reset_capture(e);
	if (e->stream && e->stream_ch != (int)ch)
		stop_stream(e);
	if (!e->stream) {
		if (ch == BIOUNIT_CH_FACE) {
			f.pixelformat = e->d->cfg.photo_pixelformat;
			f.width = e->d->cfg.photo_width;
			f.height = e->d->cfg.photo_height;
			fmt = &f;
			/*
			 * photo_format auto or xbgr32: where the display there now scans frames
			 * of this size out on a plane (its probe; the path in the status says
			 * why not), XBGR32 (DRM's XRGB8888) into buffers the driver exports;
			 * auto takes RGB24 otherwise. The display holds up to three frames (on
			 * the screen, in flight, waiting), the engine the newest, the driver
			 * fills one: 6 buffers, so the camera never starves.
			 */
			if (f.pixelformat != BIOUNIT_FMT_RGB24 &&
			    screen_probe(e->d, f.width, f.height)) {
				f.pixelformat = BIOUNIT_FMT_XBGR32;
				mem = BIOUNIT_STREAM_DMABUF_EXPORT;
				nbufs = 6;
			} else if (!f.pixelformat) {
				f.pixelformat = BIOUNIT_FMT_RGB24;
			}
		}
		if (ch == BIOUNIT_CH_FINGER) {
			struct biounit_format cur;

			/* the scanner's current size, in grey */
			if (biounit_unit_get_format(e->unit, ch, &cur) == 0) {
				f = cur;
				f.pixelformat = BIOUNIT_FMT_GREY;
				fmt = &f;
			}
		}
		r = biounit_stream_new(e->unit, ch, fmt, nbufs, mem, &e->stream);
		if (r && r != -ENODEV && mem != BIOUNIT_STREAM_MMAP) {
			/* a camera without XBGR32 or exported buffers: as if the display said no */
			log_msg(LOG_WARN_, "face channel: no XBGR32 in exported buffers (%s): mapped "
				"ones, the frames composed on the CPU", strerror(-r));
			if (!e->d->cfg.photo_pixelformat)
				f.pixelformat = BIOUNIT_FMT_RGB24;
			mem = BIOUNIT_STREAM_MMAP;
			r = biounit_stream_new(e->unit, ch, fmt, nbufs, mem, &e->stream);
		}
		if (r) {
			e->stream = NULL;
			log_msg(LOG_ERR_, "%s channel: cannot stream: %s", step_channel_name(step),
				strerror(-r));
			if (r == -ENODEV)
				unit_gone(e);
			return r;
		}
		e->stream_ch = (int)ch;
		e->zc_stream = mem == BIOUNIT_STREAM_DMABUF_EXPORT &&
			       biounit_stream_get_format(e->stream)->pixelformat == BIOUNIT_FMT_XBGR32;
		if (ch == BIOUNIT_CH_FACE)
			log_msg(LOG_INFO_, "face stream: %s %ux%u in %u %s buffers%s",
				biounit_stream_get_format(e->stream)->pixelformat == BIOUNIT_FMT_XBGR32
				? "XBGR32" : "RGB24", biounit_stream_get_format(e->stream)->width,
				biounit_stream_get_format(e->stream)->height,
				biounit_stream_get_buffer_count(e->stream),
				mem == BIOUNIT_STREAM_MMAP ? "mapped" : "exported",
				e->zc_stream ? ", each frame scanned out by the display (zero-copy)" : "");
		r = biounit_stream_start(e->stream);
		if (r) {
			log_msg(LOG_ERR_, "%s channel: cannot start: %s", step_channel_name(step),
				strerror(-r));
			stop_stream(e);
			if (r == -ENODEV)
				unit_gone(e);
			return r;
		}
	}
	if (ch == BIOUNIT_CH_SIGNATURE) {
		struct biounit_channel_info ci;

		e->box = (struct biounit_signature_box){ 0, 0, 2000, 800, 39, 1023 };
		if (biounit_unit_channel_info(e->unit, ch, &ci) == 0 && ci.pad_width > 1 &&
		    ci.pad_height > 1) {
			e->box.x1 = (int32_t)ci.pad_width;
			e->box.y1 = (int32_t)ci.pad_height;
			e->box.pressure_max = ci.pressure_max ? ci.pressure_max : 1023;
			e->box.units_per_mm = ci.resolution_ppi >= 26 ? ci.resolution_ppi * 10 / 254 : 1;
		}
		biounit_signature_new(&e->box, &e->sig);
	}
	e->step = step;
	e->finger = biounit_session_finger(s->m);
	e->attempt = biounit_session_attempt(s->m);
	e->attempt_start = now_ms();
	e->phase = PH_RUN;
	return 0;
}

void engine_tick(struct engine *e)
{
	struct dsession *s;
	uint64_t now = now_ms();

	photo_result(e);
	s = e->active;
	if (!s)
		return;
	if (!e->unit) {
		if (!e->mon && now - e->last_open_try < 1000)
			return;
		e->last_open_try = now;
		if (open_unit(e) == 0) {
			log_msg(LOG_INFO_, "unit %s is here", biounit_unit_get_node(e->unit));
			unit_back(e);
		} else {
			return;
		}
	}
	if (biounit_session_state(s->m) != BIOUNIT_SESSION_CAPTURING) {
		if (e->stream)
			stop_stream(e);
		return;
	}
	if (e->phase == PH_WAIT) {
		if (now < e->wait_until)
			return;
		e->phase = PH_IDLE;
	}
	if (e->phase == PH_IDLE) {
		start_attempt(e);
		return;
	}
	/* the machine moved on (another finger): a new attempt on the same stream */
	if (e->step != biounit_session_step(s->m) || e->finger != biounit_session_finger(s->m) ||
	    e->attempt != biounit_session_attempt(s->m)) {
		start_attempt(e);
		return;
	}
	switch (e->step) {
	case BIOUNIT_STEP_PHOTO:
		if ((e->best_ok && e->frames >= e->d->cfg.photo_min_frames) ||
		    now - e->attempt_start >= e->d->cfg.photo_timeout_ms)
			photo_finish(e, e->last_ts);
		break;
	case BIOUNIT_STEP_FINGERS:
		if (now - e->attempt_start >= e->d->cfg.finger_timeout_ms)
			finger_timeout(e);
		break;
	case BIOUNIT_STEP_SIGNATURE:
		if ((e->inked && !e->pen_down && now - e->last_sample_ms >= e->d->cfg.signature_end_ms) ||
		    now - e->attempt_start >= e->d->cfg.signature_timeout_ms)
			signature_finish(e);
		break;
	default:
		break;
	}
}

int engine_capture_now(struct engine *e)
{
	if (!e->active || e->phase != PH_RUN ||
	    biounit_session_state(e->active->m) != BIOUNIT_SESSION_CAPTURING)
		return -EAGAIN;
	switch (e->step) {
	case BIOUNIT_STEP_PHOTO:
		if (!e->best)
			return -EAGAIN;
		photo_finish(e, e->last_ts);	/* the best frame so far */
		return 0;
	case BIOUNIT_STEP_FINGERS:
		/* the next frame with a finger on the glass is assessed, unsettled */
		if (e->need_lift)
			return -EAGAIN;
		if (e->d->cfg.finger_settle_frames > 1)
			e->settle = e->d->cfg.finger_settle_frames - 1;
		return 0;
	case BIOUNIT_STEP_SIGNATURE:
		if (!e->inked)
			return -EAGAIN;
		signature_finish(e);		/* the ink so far, without waiting for pen-up */
		return 0;
	default:
		return -EAGAIN;
	}
}

int engine_timeout_ms(struct engine *e)
{
	if (!e->active)
		return -1;
	return 50;	/* timers: attempt ends, pauses, unit retry */
}

size_t engine_pollfds(struct engine *e, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (e->mon && n < max)
		fds[n++] = (struct pollfd){ .fd = biounit_monitor_get_fd(e->mon), .events = POLLIN };
	if (e->stream && n < max)
		fds[n++] = (struct pollfd){ .fd = biounit_stream_get_fd(e->stream), .events = POLLIN };
	/* a check's result: taken in engine_tick() */
	if (worker_busy(e->checker) && n < max)
		fds[n++] = (struct pollfd){ .fd = worker_fd(e->checker), .events = POLLIN };
	return n;
}

/*
 * Camera and scanner: only the newest frame waiting is looked at (older ones go straight
 * back to the driver), so that a draw or a finger's assessment slower than the frame rate
 * never starves the control socket or the timers (the camera's preview check is not in the
 * loop: photo_frame()). Pen frames are all read: no sample may be lost.
 */
static void read_frames(struct engine *e)
{
	struct biounit_frame *fr, *newest = NULL;
	struct biounit_image_view v;
	enum biounit_session_step step = e->step;
	unsigned int n;
	uint64_t ts;
	int r;

	for (n = 0; n < 64 && e->stream && e->phase == PH_RUN; n++) {
		r = biounit_stream_dequeue(e->stream, 0, &fr);
		if (r == -ENODEV) {
			biounit_frame_release(newest);
			unit_gone(e);
			return;
		}
		if (r)
			break;
		e->last_ts = biounit_frame_get_timestamp_ns(fr);
		if (biounit_frame_is_error(fr)) {
			biounit_frame_release(fr);
			continue;
		}
		if (step == BIOUNIT_STEP_SIGNATURE) {
			signature_frame(e, fr);
			biounit_frame_release(fr);
			continue;
		}
		biounit_frame_release(newest);
		newest = fr;
	}
	if (!newest)
		return;
	ts = biounit_frame_get_timestamp_ns(newest);
	if (biounit_frame_get_view(newest, &v) == 0 && quality_view(e, &v) == 0) {
		if (step == BIOUNIT_STEP_PHOTO) {
			photo_frame(e, newest, &v, ts);	/* held as the frame on the screen */
			return;
		}
		/* the finger frame is assessed in the buffer; released after */
		finger_frame(e, &v, ts);
	}
	/* a submit may have stopped the stream: its frames are gone with it */
	if (e->stream)
		biounit_frame_release(newest);
}

void engine_dispatch(struct engine *e, const struct pollfd *fds, size_t n)
{
	size_t i = 0;

	if (e->mon && i < n) {
		if (fds[i].revents & POLLIN) {
			struct biounit_monitor_event ev;

			while (biounit_monitor_read_event(e->mon, &ev) == 0) {
				if (ev.type == BIOUNIT_MONITOR_REMOVED && e->unit &&
				    !strcmp(ev.node, biounit_unit_get_node(e->unit)))
					unit_gone(e);
				else if (ev.type == BIOUNIT_MONITOR_ADDED && !e->unit)
					e->last_open_try = 0;	/* engine_tick opens it */
			}
		}
		i++;
	}
	if (e->stream && i < n && (fds[i].revents & (POLLIN | POLLERR | POLLHUP)))
		read_frames(e);
}
