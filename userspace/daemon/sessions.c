// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's sessions: the list in memory, reloading the stored ones at
 * start, committing each change to the store before anyone is told of it,
 * and the status object the control interface sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "biounitd.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *dsession_id(const struct dsession *s)
{
	return s->m ? biounit_session_id(s->m) : s->id;
}

void dsession_free(struct dsession *s)
{
	if (!s)
		return;
	biounit_session_free(s->m);
	free(s->receipt);
	free(s);
}

struct dsession *sessions_find(struct daemon *d, const char *id)
{
	struct dsession *s;

	for (s = d->sessions; s; s = s->next)
		if (!strcmp(dsession_id(s), id))
			return s;
	return NULL;
}

int sessions_load_all(struct daemon *d)
{
	char **ids;
	size_t n, i;
	int r;

	r = biounit_store_list(d->store, &ids, &n);
	if (r)
		return r;
	for (i = 0; i < n; i++) {
		struct biounit_session *m;
		struct dsession *s;

		r = biounit_store_load(d->store, ids[i], &m);
		if (r && (s = handoff_load_receipt(d, ids[i]))) {
			/* delivered and wiped: only the receipt is left */
			s->next = d->sessions;
			d->sessions = s;
			free(ids[i]);
			continue;
		}
		if (r) {
			log_msg(LOG_ERR_, "session %s: cannot read it back (%s); left in place",
				ids[i], strerror(-r));
			free(ids[i]);
			continue;
		}
		s = calloc(1, sizeof(*s));
		if (!s) {
			biounit_session_free(m);
			free(ids[i]);
			continue;
		}
		s->m = m;
		s->stored = true;
		biounit_store_hash(d->store, biounit_session_get_request(m)->appointment, s->hash);
		snprintf(s->last_event, sizeof(s->last_event), "reloaded");
		s->next = d->sessions;
		d->sessions = s;
		if (biounit_session_state(m) != BIOUNIT_SESSION_FINISHED &&
		    biounit_session_state(m) != BIOUNIT_SESSION_DISCARDED)
			log_msg(LOG_INFO_, "session %s (appointment %.16s) unfinished: %s at %s; "
				"waiting for Resume or Discard", ids[i], s->hash,
				biounit_session_state_name(biounit_session_state(m)),
				biounit_session_step_name(biounit_session_step(m)));
		free(ids[i]);
	}
	free(ids);
	return 0;
}

static char *receipt_status_json(struct daemon *d, const struct dsession *s)
{
	struct json_buf b = { 0 };

	jb_raw(&b, "{\"id\":");
	jb_str(&b, s->id);
	jb_printf(&b, ",\"state\":\"finished\",\"step\":\"none\",\"finger\":0,"
		  "\"finger_name\":null,\"attempt\":0,\"max_attempts\":0,\"best\":-1,"
		  "\"captures\":%zu,\"prompt_nl\":\"\",\"prompt_en\":\"\",\"active\":false,"
		  "\"unit_present\":%s,\"privacy\":%s,\"stored\":true,\"event\":",
		  s->receipt_captures, engine_unit_present(d->engine) ? "true" : "false",
		  d->privacy ? "true" : "false");
	jb_str(&b, s->last_event);
	jb_raw(&b, ",\"live_nl\":\"\",\"live_en\":\"\",\"appointment_hash\":");
	jb_str(&b, s->hash);
	jb_raw(&b, ",\"last\":null,\"results\":{\"photo\":");
	jb_str(&b, s->results[0]);
	jb_raw(&b, ",\"right_hand\":");
	jb_str(&b, s->results[1]);
	jb_raw(&b, ",\"left_hand\":");
	jb_str(&b, s->results[2]);
	jb_raw(&b, ",\"signature\":");
	jb_str(&b, s->results[3]);
	jb_raw(&b, "}");
	handoff_status_json(d, s, &b);
	screen_status_json(d, &b);
	jb_raw(&b, "}");
	return jb_finish(&b, NULL);
}

static char *live_status_json(struct daemon *d, const struct dsession *s)
{
	const struct biounit_session *m = s->m;
	const struct biounit_session_policy *p = biounit_session_get_policy(m);
	enum biounit_session_step step = biounit_session_step(m);
	size_t ncap = biounit_session_capture_count(m);
	unsigned int finger = biounit_session_finger(m);
	unsigned int max = step == BIOUNIT_STEP_PHOTO ? p->photo_attempts :
			   step == BIOUNIT_STEP_FINGERS ? p->finger_attempts :
			   step == BIOUNIT_STEP_SIGNATURE ? p->signature_attempts : 0;
	const char *nl, *en;
	struct json_buf b = { 0 };
	struct biounit_step_result r;
	int best = biounit_session_best(m);

	biounit_session_prompt(m, &nl, &en);
	jb_raw(&b, "{\"id\":");
	jb_str(&b, biounit_session_id(m));
	jb_printf(&b, ",\"state\":\"%s\",\"step\":\"%s\",\"finger\":%u,\"finger_name\":",
		  biounit_session_state_name(biounit_session_state(m)), biounit_session_step_name(step),
		  finger);
	if (finger)
		jb_str(&b, biounit_finger_position_name(finger));
	else
		jb_raw(&b, "null");
	jb_printf(&b, ",\"attempt\":%u,\"max_attempts\":%u,\"best\":%d,\"captures\":%zu",
		  biounit_session_attempt(m), max, best, ncap);
	jb_raw(&b, ",\"prompt_nl\":");
	jb_str(&b, nl);
	jb_raw(&b, ",\"prompt_en\":");
	jb_str(&b, en);
	jb_printf(&b, ",\"active\":%s,\"unit_present\":%s,\"privacy\":%s,\"stored\":%s,"
		  "\"event\":", s->active ? "true" : "false", s->unit_present ? "true" : "false",
		  d->privacy ? "true" : "false", s->stored ? "true" : "false");
	jb_str(&b, s->last_event);
	jb_raw(&b, ",\"live_nl\":");
	jb_str(&b, s->live_nl);
	jb_raw(&b, ",\"live_en\":");
	jb_str(&b, s->live_en);
	jb_raw(&b, ",\"appointment_hash\":");
	jb_str(&b, s->hash);
	if (ncap) {
		const struct biounit_capture *c = biounit_session_capture(m, ncap - 1);

		jb_printf(&b, ",\"last\":{\"step\":\"%s\",\"finger\":%u,\"attempt\":%u,\"score\":%d,"
			  "\"compliant\":%s,\"present\":%s,\"timestamp_ns\":%llu,\"reasons\":",
			  biounit_session_step_name(c->step), c->finger, c->attempt, c->score,
			  c->compliant ? "true" : "false", c->present ? "true" : "false",
			  (unsigned long long)c->timestamp_ns);
		jb_str(&b, c->reasons);
		jb_raw(&b, ",\"msg_nl\":");
		jb_str(&b, c->msg_nl);
		jb_raw(&b, ",\"msg_en\":");
		jb_str(&b, c->msg_en);
		jb_raw(&b, ",\"file\":");
		jb_str(&b, c->file);
		jb_raw(&b, "}");
	} else {
		jb_raw(&b, ",\"last\":null");
	}
	jb_raw(&b, ",\"results\":{");
	biounit_session_step_result(m, BIOUNIT_STEP_PHOTO, &r);
	jb_printf(&b, "\"photo\":\"%s\"", biounit_outcome_name(r.outcome));
	biounit_session_hand_result(m, BIOUNIT_HAND_RIGHT, &r);
	jb_printf(&b, ",\"right_hand\":\"%s\"", biounit_outcome_name(r.outcome));
	biounit_session_hand_result(m, BIOUNIT_HAND_LEFT, &r);
	jb_printf(&b, ",\"left_hand\":\"%s\"", biounit_outcome_name(r.outcome));
	biounit_session_step_result(m, BIOUNIT_STEP_SIGNATURE, &r);
	jb_printf(&b, ",\"signature\":\"%s\"}", biounit_outcome_name(r.outcome));
	handoff_status_json(d, s, &b);
	screen_status_json(d, &b);
	jb_raw(&b, "}");
	return jb_finish(&b, NULL);
}

char *session_status_json(struct daemon *d, const struct dsession *s)
{
	return s->m ? live_status_json(d, s) : receipt_status_json(d, s);
}

int session_commit(struct daemon *d, struct dsession *s, const char *event)
{
	enum biounit_session_state st = biounit_session_state(s->m);
	int r;

	snprintf(s->last_event, sizeof(s->last_event), "%s", event);
	s->stored = false;
	r = biounit_store_save(d->store, s->m);
	if (r)
		log_msg(LOG_ERR_, "session %s: cannot store it: %s", biounit_session_id(s->m),
			strerror(-r));
	else
		s->stored = true;
	/*
	 * Finished and on disk: the builder thread makes the package; followers
	 * get their last word once it is committed to the outbox (handoff.c).
	 */
	if (!r && st == BIOUNIT_SESSION_FINISHED && s->ho.state < HO_QUEUED)
		handoff_finish(d, s);
	log_msg(LOG_INFO_, "session %s (appointment %.16s): %s; %s, step %s, finger %u, attempt %u%s",
		biounit_session_id(s->m), s->hash, event, biounit_session_state_name(st),
		biounit_session_step_name(biounit_session_step(s->m)), biounit_session_finger(s->m),
		biounit_session_attempt(s->m), s->stored ? ", stored" : ", NOT stored");
	/* a finished session's last word comes once its package is committed (handoff.c) */
	session_tell(d, s, (st == BIOUNIT_SESSION_FINISHED && !s->ho.building &&
			    !s->ho.build_wanted) || st == BIOUNIT_SESSION_DISCARDED);
	return r;
}

void session_tell(struct daemon *d, struct dsession *s, bool last)
{
	char *status;

	/* the applicant's screen follows the active session, and shows the end of
	 * the last one when none is active */
	if (s->m && (s->active || s == engine_active(d->engine) ||
		     (!engine_active(d->engine) &&
		      (biounit_session_state(s->m) == BIOUNIT_SESSION_FINISHED ||
		       biounit_session_state(s->m) == BIOUNIT_SESSION_DISCARDED))))
		screen_session(d, s);
	status = session_status_json(d, s);

	if (status) {
		server_broadcast(d->server, dsession_id(s), status, last);
		free(status);
	}
}

void session_broadcast(struct daemon *d, struct dsession *s)
{
	session_tell(d, s, false);
}

int session_remove(struct daemon *d, struct dsession *s)
{
	struct dsession **pp;
	int r = biounit_store_remove(d->store, dsession_id(s));

	if (r && r != -ENOENT)
		return r;
	for (pp = &d->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	dsession_free(s);
	return 0;
}

void sessions_free(struct daemon *d)
{
	struct dsession *s, *n;

	for (s = d->sessions; s; s = n) {
		n = s->next;
		dsession_free(s);
	}
	d->sessions = NULL;
}
