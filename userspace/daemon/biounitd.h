/* SPDX-License-Identifier: GPL-2.0 */
/* biounitd: the desk session daemon. docs/biounitd.md */
#ifndef BIOUNITD_H
#define BIOUNITD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include <biounit/biounit.h>
#include "face/face.h"
#include "session/session.h"
#include "signature/signature.h"

#include "session/json.h"
#include "desk_gpio.h"

#define BIOUNITD_INTERFACE "nl.ind.biounit.Session"
#define BIOUNITD_API_VERSION 1
#define BIOUNITD_VERSION "0.1.0"

/* ---- config.c ---- */
struct config {
	char socket_path[108];
	char state_dir[1024];
	char unit[64];			/* "auto", a node or a serial */
	char screen[64];		/* "auto", "off" or a DRM card's node (docs/screen.md) */
	char socket_group[64];		/* group allowed besides root and the daemon's user */
	char operator_group[64];	/* "" or a group that may use the reserved client slots */
	char face_cascade[512], face_landmarks[512], face_cache[512];
	struct biounit_session_policy policy;
	unsigned int photo_width, photo_height;
	uint32_t photo_pixelformat;	/* 0 (auto), BIOUNIT_FMT_RGB24 or _XBGR32 (photo_format) */
	unsigned int photo_timeout_ms;	/* time to find a compliant frame */
	unsigned int photo_min_frames;	/* frames looked at before the auto capture */
	unsigned int retry_pause_ms;	/* advice shown before the next attempt */
	unsigned int finger_timeout_ms;	/* no finger that long: a missing finger */
	unsigned int finger_settle_frames;
	unsigned int signature_end_ms;	/* pen up that long after ink: signing done */
	unsigned int screen_kept_ms;	/* the kept photo / signature on the screen (docs/screen.md) */
	unsigned int signature_timeout_ms;
	unsigned int watchdog_ms;	/* 0: from WATCHDOG_USEC */
	/* the hand-off (handoff.c, docs/handoff.md) */
	char ordering_url[512];		/* "" : packages wait in the outbox */
	char ordering_ca[512];		/* "" : the system's CA store */
	char ordering_proxy[512];	/* "" : direct, the environment's proxy ignored */
	char ordering_client_cert[512];	/* "" : no client certificate (mutual TLS) */
	char ordering_client_key[512];	/* its private key; set with it or not at all */
	char outbox_path[1024];		/* "" : STATE/outbox.db */
	char unit_key[1024];		/* "" : STATE/unit.key */
	struct desk_config desk;	/* the desk's own signals (desk_gpio.h) */
};
void config_defaults(struct config *c);
/* 0, or -EINVAL with "line N: why" in @err */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* ---- log.c: journal-style priority prefixes; never biometric data, never a code ---- */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define LOG_ERR_ 3
#define LOG_WARN_ 4
#define LOG_INFO_ 6
#define LOG_DEBUG_ 7
/* at most LOG_BURST lines a minute of one kind (a peer must not flood the log) */
#define LOG_BURST 5
struct log_limit {
	uint64_t start_ms;
	unsigned int count, dropped;
};
/* true: log this one (*@dropped: how many were left out since the last one logged) */
bool log_allow(struct log_limit *l, uint64_t now_ms, unsigned int *dropped);

/* ---- notify.c: sd_notify when NOTIFY_SOCKET is set, nothing otherwise ---- */
void notify_ready(void);
void notify_status(const char *status);
void notify_stopping(void);
/* the watchdog interval to ping at (half of WATCHDOG_USEC), 0 if none */
uint64_t notify_watchdog_interval_ms(void);
void notify_watchdog(void);

/* ---- varlink.c: the control socket ---- */
struct server;
struct client;
struct daemon;
int server_open(struct server **out, const struct config *cfg, struct daemon *d);
void server_close(struct server *s);
/* poll set handling */
size_t server_pollfds(struct server *s, struct pollfd *fds, size_t max);
void server_dispatch(struct server *s, const struct pollfd *fds, size_t n);
/* replies, from the methods */
void client_reply(struct client *c, const char *params_json, bool continues);
void client_error(struct client *c, const char *error, const char *params_json);
/* an error whose parameters are {"message": @message} */
void client_error_msg(struct client *c, const char *error, const char *message);
/* follow subscriptions: a client that called Follow with more */
void server_broadcast(struct server *s, const char *session_id, const char *status_json,
		      bool last);
void client_follow(struct client *c, const char *session_id);
uid_t client_uid(const struct client *c);
/*
 * A reply stream (List with more): @next sends the next reply (or replies)
 * and returns false after the last one; it is called whenever less than
 * 64 KiB wait to be read by the client, so a long stream never piles up.
 * Later calls on the connection wait until the stream is over. @release
 * frees @state (also when the client goes away first).
 */
typedef bool (*client_stream_fn)(struct daemon *d, struct client *c, void *state);
void client_stream(struct client *c, client_stream_fn next, void *state, void (*release)(void *));
/* ms until a client's deadline (a connection that says nothing is closed), -1 for none */
int server_timeout_ms(struct server *s);

/* ---- interface.c: the Varlink interface descriptions, NULL for an unknown interface ---- */
const char *interface_description(const char *name);

/* ---- statedir.c: the state directory's owner and modes, and its lock ---- */
/*
 * Check (or make) every directory and key file the daemon uses: owned by the
 * daemon's user, no access for group or others (each problem logged with its
 * fix), then lock STATE/biounitd.lock so that no second daemon runs on it.
 * The lock's descriptor (kept open for the daemon's life) or -errno.
 */
int statedir_open(const struct config *cfg);

/* ---- methods.c ---- */
void methods_call(struct daemon *d, struct client *c, const char *method,
		  const struct json_value *params, bool more);

/* ---- engine.c: sessions and captures ---- */
/* where a finished session's package stands (handoff.c) */
enum ho_state {
	HO_NONE = 0,		/* not finished yet */
	HO_NOT_COMMITTED,	/* finished, but the package is not in the outbox yet (retried) */
	HO_QUEUED,		/* in the outbox, waiting to be delivered */
	HO_DELIVERED,		/* acknowledged by the client */
	HO_REFUSED,		/* refused by the client: kept with the reason */
};
struct handoff_info {
	enum ho_state state;
	char hash[65];		/* the package's SHA-256 (hex) */
	char package_id[33];
	char ack_id[128];
	char reason[256];
	unsigned int attempts;
	bool wiped;		/* biometric files deleted; only the receipt is left */
	bool build_wanted;	/* HO_NOT_COMMITTED: to be given to the builder */
	bool building;		/* the builder has it (handoff.waiting says so) */
	bool wiping;		/* HO_DELIVERED: its wipe is queued or with the builder */
	int64_t known_ns;	/* CLOCK_MONOTONIC of the outbox reading the state is from */
};

struct dsession {
	struct biounit_session *m;
	char hash[65];			/* of the appointment code, for logs */
	bool stored;			/* the last state is on disk */
	bool active;			/* driven by the engine (else waiting for Resume) */
	bool unit_present;
	char last_event[64];
	char live_nl[256], live_en[256];	/* live advice during a capture */
	struct handoff_info ho;
	/* a receipt (m == NULL): what is left after the acknowledgement */
	char id[BIOUNIT_SESSION_ID_MAX + 1];
	char *receipt;			/* the receipt document (session.json) */
	char results[4][24];		/* photo, right hand, left hand, signature outcomes */
	size_t receipt_captures;
	struct dsession *next;
};

struct engine;
struct applicant_screen;
struct daemon {
	struct config cfg;
	struct biounit_store *store;
	struct server *server;
	struct engine *engine;
	struct dsession *sessions;
	struct biounit_face_checker *face;
	struct handoff *handoff;
	struct applicant_screen *screen;	/* NULL: screen = off */
	struct desk_gpio *desk;		/* the desk's pedal, lamps and switches */
	bool privacy;			/* the privacy switch is on: the session is paused */
	bool quit;
};

int engine_new(struct daemon *d, struct engine **out);
void engine_free(struct engine *e);
size_t engine_pollfds(struct engine *e, struct pollfd *fds, size_t max);
void engine_dispatch(struct engine *e, const struct pollfd *fds, size_t n);
/* ms until the engine wants to run again without an fd event, -1 for none */
int engine_timeout_ms(struct engine *e);
void engine_tick(struct engine *e);
/* the active session has changed (by an operator decision): restart captures as needed */
void engine_session_changed(struct engine *e);
struct dsession *engine_active(struct engine *e);
int engine_activate(struct engine *e, struct dsession *s);
void engine_deactivate(struct engine *e);
bool engine_unit_present(struct engine *e);
/* the pedal: take the current attempt's capture now; 0 or -EAGAIN (nothing to take yet) */
int engine_capture_now(struct engine *e);
/* the open unit's serial and model ("" when no unit is open) */
void engine_unit_ident(struct engine *e, char *serial, size_t slen, char *model, size_t mlen);

/* the current attempt's signature samples (signature step), else NULL */
const struct biounit_signature *engine_signature(struct engine *e);

/* ---- screen.c: the applicant's screen (docs/screen.md) ---- */
void screen_open(struct daemon *d);
void screen_close(struct daemon *d);
size_t screen_pollfds(struct daemon *d, struct pollfd *fds, size_t max);
int screen_timeout_ms(struct daemon *d);
/* page flips, hot-plug, retries; never blocks */
void screen_tick(struct daemon *d);
/* the scene of @s (the active session, or NULL) on the screen */
void screen_session(struct daemon *d, const struct dsession *s);
/*
 * a preview frame of @s's photo step: @v (GREY or RGB24, borrowed for the call) and the camera
 * buffer it came from (@slot, frame_pool.h; NULL: none): where @slot has a dma-buf the display
 * may scan the buffer itself out, holding it (frame_slot_ref()) until the flip that replaces it
 */
struct frame_slot;
void screen_frame(struct daemon *d, const struct dsession *s, const struct biounit_image_view *v,
		  uint64_t ts_ns, struct frame_slot *slot);
/* the face camera may stream XBGR32 @w x @h into exported buffers: the display scans them out
 * (biounit_display_probe(); false without a display: the status's path says why) */
bool screen_probe(struct daemon *d, unsigned int w, unsigned int h);
/* the face stream stops: the display lets go of its buffers (biounit_display_forget_buffers()) */
void screen_forget(struct daemon *d);
/* new pen samples in engine_signature() */
void screen_ink(struct daemon *d, const struct dsession *s, uint64_t ts_ns);
void screen_finger(struct daemon *d, const struct dsession *s, bool placed);
/* a copy of @v's pixels */
int engine_copy_view(const struct biounit_image_view *v, struct biounit_image **out);
/* the photo was taken: @still held briefly (photo_capture), then @crop (NULL: none fits) for
 * screen_kept_ms (photo_kept); both copied. Call before the capture is submitted. */
void screen_photo_taken(struct daemon *d, const struct biounit_image_view *still,
			const struct biounit_image_view *crop);
/* the signature was taken: @sig as it will be recorded (signature_kept) for screen_kept_ms */
void screen_signature_taken(struct daemon *d, const struct biounit_signature *sig);
/* the "screen":{state, visible, detail} member of a status (with the leading comma) */
void screen_status_json(struct daemon *d, struct json_buf *b);

/* sessions.c */
struct dsession *sessions_find(struct daemon *d, const char *id);
int sessions_load_all(struct daemon *d);
/* save durably and tell followers; logs the state with the code's hash */
int session_commit(struct daemon *d, struct dsession *s, const char *event);
char *session_status_json(struct daemon *d, const struct dsession *s);
/* tell followers without storing (live advice) */
void session_broadcast(struct daemon *d, struct dsession *s);
/* tell followers; @last ends their Follow */
void session_tell(struct daemon *d, struct dsession *s, bool last);
void sessions_free(struct daemon *d);
int session_remove(struct daemon *d, struct dsession *s);

const char *dsession_id(const struct dsession *s);
void dsession_free(struct dsession *s);

/* ---- handoff.c: finished session -> package -> outbox -> client -> receipt ---- */
struct handoff;
/* the unit key (made 0600 at the first start) and the outbox; 0 or -errno */
int handoff_open(struct daemon *d);
void handoff_close(struct daemon *d);
/* after the sessions are loaded: commit what a crash left uncommitted, read delivery states */
void handoff_startup(struct daemon *d);
/*
 * The finish path: a finished, stored session is given to the builder thread,
 * which makes its package and commits it to the outbox; back in the loop
 * handoff.json marks it done and the followers get their last word.
 * Idempotent (the package id is derived from the unit key and the session
 * id). Returns at once; 0.
 */
int handoff_finish(struct daemon *d, struct dsession *s);
/* ms until handoff_tick() wants to run, -1 for never */
int handoff_timeout_ms(struct daemon *d);
/* take back finished jobs, give out due ones, wipe what was acknowledged; never blocks */
void handoff_tick(struct daemon *d);
/* "handoff":{...} member of a status object (with the leading comma) */
void handoff_status_json(struct daemon *d, const struct dsession *s, struct json_buf *b);
/* a receipt left in STATE/sessions/@id/session.json, or NULL */
struct dsession *handoff_load_receipt(struct daemon *d, const char *id);

/* the poll set: the hand-off's workers' fds (POLLIN when a job is done); how many */
size_t handoff_pollfds(struct daemon *d, struct pollfd *fds, size_t max);

/* ---- worker.c: a thread that runs one job at a time for the poll loop ---- */
struct worker;
/* 0 or -errno; @name for its log lines; the thread runs at the loop's nice value + @nice */
int worker_start(struct worker **out, const char *name, int nice);
/* asks a job in hand to stop (worker_stopping()), waits for it; the job left finished or NULL */
void *worker_stop(struct worker *w);
/* readable (POLLIN) when a job is done */
int worker_fd(const struct worker *w);
/* a job is given and not taken back yet */
bool worker_busy(const struct worker *w);
/* @run(@job) on the thread; -EBUSY while one is in hand */
int worker_give(struct worker *w, void (*run)(void *job), void *job);
/* the finished job (the loop owns it again), or NULL while it runs */
void *worker_take(struct worker *w);
/* nonzero once worker_stop() was called: long jobs end early (@arg: the worker) */
int worker_stopping(void *arg);

uint64_t now_ms(void);
uint64_t realtime_ns(void);

#endif
