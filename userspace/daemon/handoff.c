// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-off of finished sessions (docs/biounitd.md "The hand-off",
 * docs/handoff.md): a finished session, stored durably, becomes one signed
 * package (records through the record-format interface only, the unit's key)
 * committed to the outbox; only then is it marked done (handoff.json in its
 * directory) and its followers told the last word. Two worker threads
 * (worker.c) do the slow parts, so that the poll loop never waits on them:
 * the builder encodes, signs and commits a package, the sender posts due
 * packages one at a time; each has its own outbox handle, and gives its
 * finished job back to the loop, which alone touches the sessions. After the
 * client's acknowledgement the builder replaces session.json by a receipt
 * without biometric data and overwrites and deletes the session's other
 * files.
 *
 * Crash safety: the package id is derived from the unit key and the session
 * id, so a daemon killed between the outbox commit and handoff.json finds
 * its package in the outbox by that id at the next start and commits nothing
 * twice; killed during the wipe, it finishes the wipe at the next start.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outbox/outbox.h"
#include "package/package.h"
#include "records/records.h"
#include "signature/signature.h"

#include "util/atomic_file.h"
#include "util/read_file.h"
#include "biounitd.h"
#include "session/sha256.h"

/* the builder and the sender below the loop: captures and the control socket first (worker.c) */
#define HANDOFF_NICE 10
#define RETRY_COMMIT_MS 10000	/* a package that could not be committed is tried again */

struct handoff {
	struct biounit_key *key;	/* signs on the builder's thread only */
	uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE];
	struct biounit_outbox *ob;	/* the loop's: lists only */
	struct biounit_outbox *build_ob, *send_ob;	/* one per worker (SQLite serialises them) */
	const struct biounit_record_format *fmt;
	struct worker *builder;		/* builds, encodes, signs and commits a package */
	struct worker *sender;		/* posts one package (biounit_outbox_send_due()) */
	struct wipe_job *wipes;		/* acknowledged sessions waiting for the builder */
	uint64_t next_send_ms;		/* now_ms() when sending is due; UINT64_MAX: nothing queued */
	uint64_t next_commit_ms;	/* retry of uncommitted packages; UINT64_MAX: none */
};

/*
 * What the builder's thread reads and writes: copies, and handles nothing
 * else uses meanwhile (the face checker and the store's directory are only
 * read; the key and build_ob are the builder's).
 */
enum job_kind { JOB_BUILD, JOB_WIPE };

struct build_job {
	enum job_kind kind;		/* JOB_BUILD; first, as in every builder job */
	struct biounit_store *store;	/* immutable once open: safe for another file at once */
	const struct biounit_face_checker *face;
	const struct biounit_record_format *fmt;
	struct biounit_key *key;
	struct biounit_outbox *ob;
	struct biounit_session *m;	/* a copy of the finished session */
	char sid[BIOUNIT_SESSION_ID_MAX + 1], ahash[65];
	char serial[64], model[64];
	uint8_t id[BIOUNIT_PACKAGE_ID_SIZE];
	char idhex[BIOUNIT_PACKAGE_ID_HEX_SIZE];
	/* the outcome */
	int r;
	bool already;			/* found in the outbox by its id */
	size_t len;
	char hash[BIOUNIT_PACKAGE_HASH_HEX_SIZE];
	struct biounit_outbox_entry *ents;	/* the outbox afterwards, for refresh_from() */
	size_t nents;
	bool listed;
	int64_t done_ns, listed_ns;		/* mono_ns(): committed and marked; listed */
};

/* an acknowledged session: its receipt written, its other files wiped (builder's thread) */
struct wipe_job {
	enum job_kind kind;		/* JOB_WIPE */
	const struct biounit_store *store;
	char sid[BIOUNIT_SESSION_ID_MAX + 1];
	char hash[BIOUNIT_PACKAGE_HASH_HEX_SIZE], ack_id[128];
	char *doc;			/* the receipt (session.json) */
	int r;
	struct wipe_job *next;		/* waiting for the builder */
};

#define MAX_FAILED 4
/* one sending pass on the sender's thread */
struct send_job {
	struct biounit_outbox *ob;
	struct biounit_outbox_sender cfg;	/* its strings are the configuration's */
	int r;
	struct biounit_outbox_pass pass;
	size_t nfailed;
	struct biounit_outbox_entry failed[MAX_FAILED];	/* attempts of this pass that failed */
	struct biounit_outbox_entry *ents;	/* the outbox afterwards, for refresh_from() */
	size_t nents;
	bool listed;
	int64_t listed_ns;
};

static const char *outcome_names[4] = { "photo", "right_hand", "left_hand", "signature" };

/* ---- helpers ---- */

static int session_dir_path(const struct biounit_store *st, const char *id, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/sessions/%s", biounit_store_dir(st), id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* a small file of the state directory, never through a symbolic link */
static int read_small(const char *path, char **out, size_t *len, size_t max)
{
	return util_read_file(path, max, UTIL_READ_NOFOLLOW, out, len);
}

static int load_image(const struct build_job *j, const char *name, struct biounit_image **out)
{
	char path[1400];
	int r = biounit_store_file_path(j->store, j->sid, name, false, path, sizeof(path));

	return r ? r : biounit_image_load(path, out);
}

/* the package id: SHA-256("biounit-package-id-v1" NUL || unit public key || session id) */
static void package_id(const struct handoff *h, const char *sid, uint8_t id[BIOUNIT_PACKAGE_ID_SIZE],
		       char hex[BIOUNIT_PACKAGE_ID_HEX_SIZE])
{
	static const char tag[] = "biounit-package-id-v1";
	struct sha256 c;
	uint8_t dg[32];
	size_t i;

	sha256_init(&c);
	sha256_update(&c, tag, sizeof(tag));
	sha256_update(&c, h->pk, sizeof(h->pk));
	sha256_update(&c, sid, strlen(sid));
	sha256_final(&c, dg);
	memcpy(id, dg, BIOUNIT_PACKAGE_ID_SIZE);
	for (i = 0; i < BIOUNIT_PACKAGE_ID_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- records of one session ---- */

struct recs {
	struct biounit_package_record r[BIOUNIT_PACKAGE_MAX_RECORDS];
	char names[BIOUNIT_PACKAGE_MAX_RECORDS][48];
	struct biounit_blob blobs[BIOUNIT_PACKAGE_MAX_RECORDS];
	size_t n;
};

static struct biounit_package_record *rec_add(struct recs *R, const char *name, const char *format,
					      enum biounit_modality m, const struct biounit_capture *c,
					      struct biounit_blob *blob)
{
	struct biounit_package_record *r;

	if (R->n >= BIOUNIT_PACKAGE_MAX_RECORDS) {
		biounit_blob_free(blob);
		return NULL;
	}
	r = &R->r[R->n];
	snprintf(R->names[R->n], sizeof(R->names[R->n]), "%s", name);
	R->blobs[R->n] = *blob;
	memset(blob, 0, sizeof(*blob));
	memset(r, 0, sizeof(*r));
	r->name = R->names[R->n];
	r->format = format;
	r->modality = m;
	r->origin = BIOUNIT_RECORD_CAPTURED;
	r->captured_ns = (int64_t)c->timestamp_ns;
	r->data = R->blobs[R->n].data;
	r->len = R->blobs[R->n].len;
	R->n++;
	return r;
}

static void recs_free(struct recs *R)
{
	size_t i;

	for (i = 0; i < R->n; i++)
		biounit_blob_free(&R->blobs[i]);
	R->n = 0;
}

static int face_records(const struct build_job *j, const struct biounit_capture *c,
			struct recs *R)
{
	const struct biounit_record_format *fmt = j->fmt;
	struct biounit_face_record_params p;
	struct biounit_face_record_out out;
	struct biounit_face_landmark_point pts[BIOUNIT_FACE_LANDMARK_POINTS];
	struct biounit_face_verdict *ver = NULL;
	struct biounit_package_record *pr;
	struct biounit_image *img;
	int r;

	r = load_image(j, c->file, &img);
	if (r)
		return r;
	memset(&p, 0, sizeof(p));
	p.portrait = biounit_image_get_view(img);
	p.description.source_type = BIOUNIT_FACE_SRC_PHOTO_DIGITAL;
	p.description.quality = 0;	/* the 2005 edition has no scale: our score is in the manifest */
	/* the landmarks of the kept crop, when the face checker finds them again */
	if (j->face && (ver = calloc(1, sizeof(*ver))) &&
	    biounit_face_check(j->face, &p.portrait, ver) == 0 && ver->have_face) {
		p.n_points = biounit_face_points_from_landmarks(ver->landmarks, pts);
		p.points = pts;
	}
	r = fmt->encode_face(&p, &out);
	free(ver);
	biounit_image_free(img);
	if (r)
		return r;
	pr = rec_add(R, "face", fmt->face_record_format, BIOUNIT_MODALITY_FACE, c, &out.record);
	if (pr) {
		pr->has_quality = true;
		pr->quality = c->score;
		pr->threshold = 0;
		pr->passed = c->compliant;
	}
	pr = pr ? rec_add(R, "face-portrait", fmt->image_format, BIOUNIT_MODALITY_FACE, c,
			  &out.card_jpeg) : NULL;
	biounit_face_record_out_free(&out);
	return pr ? 0 : -E2BIG;
}

static int finger_record(const struct build_job *j, const struct biounit_capture *c,
			 struct recs *R)
{
	const struct biounit_record_format *fmt = j->fmt;
	struct biounit_finger_view_input v;
	struct biounit_finger_record_params p;
	struct biounit_package_record *pr;
	struct biounit_blob blob = { 0 };
	struct biounit_image *img;
	char name[32];
	int r;

	r = load_image(j, c->file, &img);
	if (r)
		return r;
	memset(&v, 0, sizeof(v));
	memset(&p, 0, sizeof(p));
	v.image = biounit_image_get_view(img);
	v.position = (uint8_t)c->finger;
	v.impression = BIOUNIT_FINGER_LIVE_PLAIN;
	v.quality = (uint8_t)(c->score < 0 ? 0 : c->score > 100 ? 100 : c->score);
	p.n_views = 1;
	p.views = &v;
	r = fmt->encode_finger(&p, &blob);
	biounit_image_free(img);
	if (r)
		return r;
	snprintf(name, sizeof(name), "finger-%u", c->finger);
	pr = rec_add(R, name, fmt->finger_record_format, BIOUNIT_MODALITY_FINGER, c, &blob);
	if (!pr)
		return -E2BIG;
	pr->has_quality = true;
	pr->quality = c->score;
	pr->threshold = 0;	/* the caller sets the policy's threshold */
	pr->passed = c->compliant;
	return 0;
}

static int signature_records(const struct build_job *j, const struct biounit_capture *c,
			     struct recs *R)
{
	const struct biounit_record_format *fmt = j->fmt;
	struct biounit_signature_record_params p;
	struct biounit_signature_record_out out;
	struct biounit_package_record *pr;
	struct biounit_signature *sig;
	char name[80], path[1400];
	size_t l = strlen(c->file);
	int r;

	/* signature-N.png was rendered from signature-N.sig, the pen samples */
	if (l < 5 || strcmp(c->file + l - 4, ".png"))
		return -ENOENT;
	snprintf(name, sizeof(name), "%.*s.sig", (int)(l - 4), c->file);
	r = biounit_store_file_path(j->store, j->sid, name, false, path, sizeof(path));
	if (!r)
		r = biounit_signature_load(path, &sig, NULL);
	if (r)
		return r;
	memset(&p, 0, sizeof(p));
	p.signature = sig;
	r = fmt->encode_signature(&p, &out);
	biounit_signature_free(sig);
	if (r)
		return r;
	pr = rec_add(R, "signature-image", fmt->image_format, BIOUNIT_MODALITY_SIGNATURE, c,
		     &out.image_jpeg);
	if (pr) {
		pr->has_quality = true;
		pr->quality = c->score;
		pr->threshold = 0;
		pr->passed = c->compliant;
		pr = rec_add(R, "signature-pen", fmt->pen_samples_format, BIOUNIT_MODALITY_SIGNATURE,
			     c, &out.pen_samples);
	}
	biounit_signature_record_out_free(&out);
	return pr ? 0 : -E2BIG;
}

static bool kept(enum biounit_outcome o)
{
	return o == BIOUNIT_OUTCOME_TAKEN || o == BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT;
}

static int set_modality(struct biounit_package_builder *b, enum biounit_modality m,
			const struct biounit_session *s, const struct biounit_step_result *res,
			size_t nres)
{
	const struct biounit_session_request *req = biounit_session_get_request(s);
	bool any_kept = false, all_not_needed = true;
	const char *reason = NULL, *below = NULL;
	char text[BIOUNIT_REASON_MAX + 64];
	size_t i;

	for (i = 0; i < nres; i++) {
		if (kept(res[i].outcome))
			any_kept = true;
		if (res[i].outcome == BIOUNIT_OUTCOME_KEPT_NONCOMPLIANT && !below)
			below = res[i].reason;
		if (res[i].outcome != BIOUNIT_OUTCOME_NOT_NEEDED)
			all_not_needed = false;
		if (res[i].outcome == BIOUNIT_OUTCOME_EXCEPTION && !reason && res[i].reason[0])
			reason = res[i].reason;
	}
	if (any_kept && below) {
		/* taken, but kept by the operator below the rules: say so with the reasons */
		snprintf(text, sizeof(text), "kept below the quality rules by the operator%s%s",
			 below[0] ? ": " : "", below);
		return biounit_package_builder_set_modality(b, m, BIOUNIT_MODALITY_TAKEN, text);
	}
	if (any_kept)
		return biounit_package_builder_set_modality(b, m, BIOUNIT_MODALITY_TAKEN, NULL);
	if (all_not_needed) {
		if (m == BIOUNIT_MODALITY_FINGER && req->age < BIOUNIT_AGE_6_TO_11)
			return biounit_package_builder_set_modality(b, m, BIOUNIT_MODALITY_NOT_REQUIRED,
								    "under 6");
		return biounit_package_builder_set_modality(b, m, BIOUNIT_MODALITY_REUSED,
							    "not asked at the desk: held by the service");
	}
	return biounit_package_builder_set_modality(b, m, BIOUNIT_MODALITY_EXCEPTION,
						    reason ? reason : "not taken");
}

/* the package of a finished session, on the builder's thread; 0 or -errno */
/* the steps that ended in an exception: photo, right hand, left hand, signature */
static int add_step_exceptions(struct biounit_package_builder *b,
			       const struct biounit_step_result res[4])
{
	char text[400];
	int i, r = 0;

	for (i = 0; !r && i < 4; i++) {
		struct biounit_package_exception e = {
			.modality = i == 0 ? BIOUNIT_MODALITY_FACE : i == 3 ?
				    BIOUNIT_MODALITY_SIGNATURE : BIOUNIT_MODALITY_FINGER,
			.position = 0, .reason = text,
		};

		if (res[i].outcome != BIOUNIT_OUTCOME_EXCEPTION)
			continue;
		snprintf(text, sizeof(text), "%s%s", i == 1 ? "right hand: " : i == 2 ?
			 "left hand: " : "", res[i].reason[0] ? res[i].reason : "not taken");
		r = biounit_package_builder_add_exception(b, &e);
	}
	return r;
}

/* each finger the session could not take, with its best score */
static int add_finger_exceptions(struct biounit_package_builder *b,
				 const struct biounit_session *s)
{
	char text[400];
	size_t k;
	int r = 0;

	for (k = 0; !r && k < biounit_session_exception_count(s); k++) {
		const struct biounit_finger_exception *fe = biounit_session_exception(s, k);
		struct biounit_package_exception e = {
			.modality = BIOUNIT_MODALITY_FINGER, .position = fe->finger, .reason = text,
		};

		snprintf(text, sizeof(text), "%s (best score %d)", fe->reason[0] ? fe->reason :
			 "not taken", fe->best_score);
		r = biounit_package_builder_add_exception(b, &e);
	}
	return r;
}

/* the operator's decisions: recorded on CLOCK_REALTIME, written on the unit's clock */
static int add_decisions(struct biounit_package_builder *b, const struct biounit_session *s,
			 int64_t real, int64_t mono)
{
	char text[400];
	size_t k;
	int r = 0;

	for (k = 0; !r && k < biounit_session_decision_count(s); k++) {
		const struct biounit_decision *dc = biounit_session_decision(s, k);
		struct biounit_package_decision pd = {
			.time_ns = mono - (real - (int64_t)dc->time_ns),
			.operator_id = "desk operator", .decision = text,
		};
		int m;

		m = snprintf(text, sizeof(text), "%s %s", biounit_operator_action_name(dc->action),
			     biounit_session_step_name(dc->step));
		if (dc->finger)
			m += snprintf(text + m, sizeof(text) - (size_t)m, " %s",
				      biounit_finger_position_name(dc->finger));
		if (dc->capture >= 0)
			m += snprintf(text + m, sizeof(text) - (size_t)m, " capture %d", dc->capture);
		if (dc->reason[0])
			snprintf(text + m, sizeof(text) - (size_t)m, ": %s", dc->reason);
		r = biounit_package_builder_add_decision(b, &pd);
	}
	return r;
}

/* the records of the kept captures, in the order they were taken */
static int kept_records(const struct build_job *j, const struct biounit_step_result res[4],
			struct recs *R)
{
	const struct biounit_session *s = j->m;
	int order[4], n = 0, i, q, r = 0;

	for (i = 0; i < 4; i++)
		if (kept(res[i].outcome) && res[i].capture >= 0)
			order[n++] = i;
	for (i = 0; i < n; i++)
		for (q = i + 1; q < n; q++)
			if (res[order[q]].capture < res[order[i]].capture) {
				int t = order[i];

				order[i] = order[q];
				order[q] = t;
			}
	for (i = 0; !r && i < n; i++) {
		const struct biounit_capture *c;

		c = biounit_session_capture(s, (size_t)res[order[i]].capture);
		if (!c || !c->file[0])
			return -ENOENT;
		r = order[i] == 0 ? face_records(j, c, R) :
		    order[i] == 3 ? signature_records(j, c, R) : finger_record(j, c, R);
		if (!r && (order[i] == 1 || order[i] == 2))
			R->r[R->n - 1].threshold = biounit_session_get_policy(s)->finger_threshold;
	}
	return r;
}

static int build_package(const struct build_job *j, uint8_t **pkg, size_t *len)
{
	const struct biounit_session *s = j->m;
	struct biounit_package_builder *b = NULL;
	struct biounit_step_result res[4];
	struct recs *R;
	int64_t real = (int64_t)realtime_ns(), mono = mono_ns();
	size_t k;
	int r;

	R = calloc(1, sizeof(*R));
	if (!R)
		return -ENOMEM;
	biounit_session_step_result(s, BIOUNIT_STEP_PHOTO, &res[0]);
	biounit_session_hand_result(s, BIOUNIT_HAND_RIGHT, &res[1]);
	biounit_session_hand_result(s, BIOUNIT_HAND_LEFT, &res[2]);
	biounit_session_step_result(s, BIOUNIT_STEP_SIGNATURE, &res[3]);
	r = biounit_package_builder_new(biounit_session_get_request(s)->appointment, &b);
	if (r)
		goto out;
	r = biounit_package_builder_set_unit(b, j->serial[0] ? j->serial : "unknown",
					     j->model[0] ? j->model : "unknown");
	if (!r)
		r = biounit_package_builder_set_software(b, "biounitd " BIOUNITD_VERSION);
	if (!r)
		r = biounit_package_builder_set_id(b, j->id);
	if (!r)
		r = biounit_package_builder_set_created(b, real, mono);
	if (!r)
		r = set_modality(b, BIOUNIT_MODALITY_FACE, s, &res[0], 1);
	if (!r)
		r = set_modality(b, BIOUNIT_MODALITY_FINGER, s, &res[1], 2);
	if (!r)
		r = set_modality(b, BIOUNIT_MODALITY_SIGNATURE, s, &res[3], 1);
	if (!r)
		r = add_step_exceptions(b, res);
	if (!r)
		r = add_finger_exceptions(b, s);
	if (!r)
		r = add_decisions(b, s, real, mono);
	if (!r)
		r = kept_records(j, res, R);
	for (k = 0; !r && k < R->n; k++)
		r = biounit_package_builder_add_record(b, &R->r[k]);
	if (!r)
		r = biounit_package_builder_build(b, j->key, pkg, len);
out:
	biounit_package_builder_free(b);
	recs_free(R);
	free(R);
	return r;
}

/* ---- the marker and the receipt ---- */

/* handoff.json: the session is done (on the builder's thread, right after the commit) */
static int write_marker(struct biounit_store *st, const char *sid, const char *hash,
			const char *package_id)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "{\"format\":\"biounit-handoff\",\"version\":1,\"package_hash\":\"%s\","
			 "\"package_id\":\"%s\"}\n", hash, package_id);

	return biounit_store_write_file(st, sid, "handoff.json", buf, (size_t)n);
}

static int read_marker(struct daemon *d, struct dsession *s)
{
	char path[1400], *buf;
	struct json_value *v = NULL;
	const char *hash, *id;
	size_t len;
	int r;

	r = biounit_store_file_path(d->store, dsession_id(s), "handoff.json", false, path,
				    sizeof(path));
	if (r)
		return r;
	r = read_small(path, &buf, &len, 4096);
	if (r)
		return r;
	r = json_parse(buf, len, &v);
	free(buf);
	if (r)
		return -EINVAL;
	if (json_get_string(v, "package_hash", &hash) || strlen(hash) != 64 ||
	    json_get_string(v, "package_id", &id) || strlen(id) != 32) {
		json_free(v);
		return -EINVAL;
	}
	snprintf(s->ho.hash, sizeof(s->ho.hash), "%s", hash);
	snprintf(s->ho.package_id, sizeof(s->ho.package_id), "%s", id);
	json_free(v);
	return 0;
}

/* session.json written as the store writes it (util_atomic_write, 0600) */
static int write_session_json(const struct biounit_store *st, const char *id, const char *doc)
{
	char dir[1200], dst[1300];
	int r = session_dir_path(st, id, dir, sizeof(dir));

	if (r)
		return r;
	if ((size_t)snprintf(dst, sizeof(dst), "%s/session.json", dir) >= sizeof(dst))
		return -ENAMETOOLONG;
	return util_atomic_write(dst, doc, strlen(doc), 0600);
}

/* overwrite a regular file with zeros, fsync, unlink */
static void wipe_file(const char *path)
{
	static const uint8_t zeros[4096];
	struct stat st;
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0) {
		if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
			off_t left = st.st_size;

			while (left > 0) {
				size_t n = left > (off_t)sizeof(zeros) ? sizeof(zeros) : (size_t)left;
				ssize_t w = write(fd, zeros, n);

				if (w <= 0)
					break;
				left -= w;
			}
			fsync(fd);
		}
		close(fd);
	}
	unlink(path);
}

/* every file of the session directory but session.json (the receipt) */
static int wipe_files(const struct biounit_store *st, const char *id)
{
	char dir[1200], path[1500];
	struct dirent *de;
	DIR *dd;
	int r = session_dir_path(st, id, dir, sizeof(dir)), fd;
	bool wiped = false;

	if (r)
		return r;
	dd = opendir(dir);
	if (!dd)
		return -errno;
	while ((de = readdir(dd))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "session.json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		wipe_file(path);
		wiped = true;
	}
	closedir(dd);
	/* nothing removed (every start, for every receipt): no directory sync to wait for */
	fd = wiped ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static void receipt_results(struct dsession *s, const struct json_value *res)
{
	int i;

	for (i = 0; i < 4; i++) {
		const char *o = "";

		if (res)
			json_get_string(res, outcome_names[i], &o);
		snprintf(s->results[i], sizeof(s->results[i]), "%s", o);
	}
}

/*
 * Acknowledged: the receipt document of @s, to be written by the builder
 * (wipe_job), or NULL.
 */
/* photo, right hand, left hand, signature: the order of outcome_names */
static void results4(const struct biounit_session *m, struct biounit_step_result r4[4])
{
	biounit_session_step_result(m, BIOUNIT_STEP_PHOTO, &r4[0]);
	biounit_session_hand_result(m, BIOUNIT_HAND_RIGHT, &r4[1]);
	biounit_session_hand_result(m, BIOUNIT_HAND_LEFT, &r4[2]);
	biounit_session_step_result(m, BIOUNIT_STEP_SIGNATURE, &r4[3]);
}

static char *receipt_doc(struct dsession *s, const struct biounit_outbox_entry *e)
{
	struct biounit_step_result r4[4];
	struct json_buf b = { 0 };
	const char *id = biounit_session_id(s->m);
	int i, r;

	results4(s->m, r4);
	jb_raw(&b, "{\"format\":\"biounit-session-receipt\",\"version\":1,\"id\":");
	jb_str(&b, id);
	jb_raw(&b, ",\"appointment_hash\":");
	jb_str(&b, s->hash);
	jb_printf(&b, ",\"state\":\"finished\",\"captures\":%zu,\"results\":{",
		  biounit_session_capture_count(s->m));
	for (i = 0; i < 4; i++)
		jb_printf(&b, "%s\"%s\":\"%s\"", i ? "," : "", outcome_names[i],
			  biounit_outcome_name(r4[i].outcome));
	jb_printf(&b, "},\"package_hash\":\"%s\",\"package_id\":\"%s\",\"ack_id\":", e->hash,
		  e->package_id);
	jb_str(&b, e->ack_id);
	jb_printf(&b, ",\"delivered_ms\":%lld,\"wiped_ms\":%lld}\n", (long long)e->done_ms,
		  (long long)(realtime_ns() / 1000000u));
	return jb_finish(&b, &r);
}

/* on the builder's thread: session.json becomes the receipt (atomically), then the rest goes */
static void run_wipe(void *arg)
{
	struct wipe_job *j = arg;

	j->r = write_session_json(j->store, j->sid, j->doc);
	if (!j->r)
		wipe_files(j->store, j->sid);
}

/* back in the loop: the session in memory becomes the receipt */
static void wipe_done(struct daemon *d, struct wipe_job *j)
{
	struct handoff *h = d->handoff;
	struct dsession *s = sessions_find(d, j->sid);
	struct biounit_step_result r4[4];
	int i;

	if (!s || !s->m || !s->ho.wiping)
		goto out;
	s->ho.wiping = false;
	if (j->r) {
		log_msg(LOG_ERR_, "session %s: acknowledged, but the receipt cannot be written: %s; "
			"trying again", j->sid, strerror(-j->r));
		if (h->next_commit_ms > now_ms() + RETRY_COMMIT_MS)
			h->next_commit_ms = now_ms() + RETRY_COMMIT_MS;
		goto out;
	}
	snprintf(s->id, sizeof(s->id), "%s", j->sid);
	results4(s->m, r4);
	for (i = 0; i < 4; i++)
		snprintf(s->results[i], sizeof(s->results[i]), "%s",
			 biounit_outcome_name(r4[i].outcome));
	s->receipt_captures = biounit_session_capture_count(s->m);
	biounit_session_free(s->m);
	s->m = NULL;
	free(s->receipt);
	s->receipt = j->doc;
	j->doc = NULL;
	s->ho.wiped = true;
	snprintf(s->last_event, sizeof(s->last_event), "delivered: biometric data wiped");
	log_msg(LOG_INFO_, "session %s (appointment %.16s): package %.16s acknowledged (%s); "
		"biometric files wiped, receipt kept", s->id, s->hash, j->hash, j->ack_id);
	session_broadcast(d, s);
out:
	free(j->doc);
	free(j);
}

/* the receipt made, the wipe queued for the builder */
static int queue_wipe(struct daemon *d, struct dsession *s, const struct biounit_outbox_entry *e)
{
	struct handoff *h = d->handoff;
	struct wipe_job *j = calloc(1, sizeof(*j)), **pp;

	if (!j || !(j->doc = receipt_doc(s, e))) {
		free(j);
		return -ENOMEM;
	}
	j->kind = JOB_WIPE;
	j->store = d->store;
	snprintf(j->sid, sizeof(j->sid), "%s", dsession_id(s));
	snprintf(j->hash, sizeof(j->hash), "%s", e->hash);
	snprintf(j->ack_id, sizeof(j->ack_id), "%s", e->ack_id);
	for (pp = &h->wipes; *pp; pp = &(*pp)->next)
		;
	*pp = j;
	s->ho.wiping = true;
	return 0;
}

static void free_wipes(struct wipe_job *j)
{
	while (j) {
		struct wipe_job *n = j->next;

		free(j->doc);
		free(j);
		j = n;
	}
}

struct dsession *handoff_load_receipt(struct daemon *d, const char *id)
{
	char path[1400], *buf;
	struct json_value *v = NULL;
	const char *fmt, *hash, *pid, *ack, *ah;
	struct dsession *s;
	uint64_t ncap = 0;
	size_t len;

	if (session_dir_path(d->store, id, path, sizeof(path) - 16))
		return NULL;
	strcat(path, "/session.json");
	if (read_small(path, &buf, &len, 65536))
		return NULL;
	if (json_parse(buf, len, &v) || json_get_string(v, "format", &fmt) ||
	    strcmp(fmt, "biounit-session-receipt") || json_get_string(v, "package_hash", &hash) ||
	    json_get_string(v, "package_id", &pid) || json_get_string(v, "ack_id", &ack) ||
	    json_get_string(v, "appointment_hash", &ah) || (s = calloc(1, sizeof(*s))) == NULL) {
		json_free(v);
		free(buf);
		return NULL;
	}
	json_get_u64(v, "captures", &ncap);
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->hash, sizeof(s->hash), "%s", ah);
	snprintf(s->ho.hash, sizeof(s->ho.hash), "%s", hash);
	snprintf(s->ho.package_id, sizeof(s->ho.package_id), "%s", pid);
	snprintf(s->ho.ack_id, sizeof(s->ho.ack_id), "%s", ack);
	s->ho.state = HO_DELIVERED;
	s->ho.wiped = true;
	s->stored = true;
	s->receipt_captures = (size_t)ncap;
	receipt_results(s, json_get(v, "results"));
	snprintf(s->last_event, sizeof(s->last_event), "reloaded");
	s->receipt = buf;
	json_free(v);
	/* a crash in the middle of the wipe: finish it */
	wipe_files(d->store, id);
	return s;
}

/* ---- the outbox ---- */

/* refresh the sessions' delivery states from the outbox; make receipts of acknowledged ones */
/*
 * @ents: the outbox as read at @listed_ns (mono_ns(), taken before the read).
 * A worker's reading reaches the loop later than it was made: a session the
 * loop knows a newer state of (ho.known_ns) is left as it is.
 */
static void refresh_from(struct daemon *d, const struct biounit_outbox_entry *ents, size_t n,
			 int64_t listed_ns)
{
	struct handoff *h = d->handoff;
	struct dsession *s;
	size_t i;

	for (s = d->sessions; s; s = s->next) {
		if (!s->m || s->ho.state < HO_QUEUED || listed_ns < s->ho.known_ns)
			continue;
		s->ho.known_ns = listed_ns;
		for (i = 0; i < n; i++)
			if (!strcmp(ents[i].hash, s->ho.hash))
				break;
		if (i == n) {
			/* handoff.json names a package the outbox does not have: commit again */
			if (s->ho.state == HO_QUEUED) {
				log_msg(LOG_WARN_, "session %s: package %.16s is not in the outbox; "
					"committing it again", dsession_id(s), s->ho.hash);
				s->ho.state = HO_NOT_COMMITTED;
				h->next_commit_ms = now_ms();
			}
			continue;
		}
		s->ho.attempts = ents[i].attempts;
		snprintf(s->ho.ack_id, sizeof(s->ho.ack_id), "%s", ents[i].ack_id);
		snprintf(s->ho.reason, sizeof(s->ho.reason), "%s", ents[i].reason);
		if (ents[i].state == BIOUNIT_OUTBOX_DELIVERED) {
			s->ho.state = HO_DELIVERED;
			if (s->ho.wiping)
				continue;	/* the builder has it already */
			if (queue_wipe(d, s, &ents[i])) {
				log_msg(LOG_ERR_, "session %s: acknowledged, but the receipt cannot be "
					"made; trying again", dsession_id(s));
				h->next_commit_ms = now_ms() + RETRY_COMMIT_MS;
			}
		} else {
			enum ho_state ns = ents[i].state == BIOUNIT_OUTBOX_REFUSED ? HO_REFUSED :
					   HO_QUEUED;

			if (ns == HO_REFUSED && s->ho.state != HO_REFUSED)
				log_msg(LOG_WARN_, "session %s (appointment %.16s): package %.16s "
					"refused by the client (%s); kept in the outbox",
					dsession_id(s), s->hash, s->ho.hash, ents[i].reason);
			s->ho.state = ns;
		}
	}
}

/* the same from the loop's own reading of the outbox (at start, and on the retry timer) */
static void refresh(struct daemon *d)
{
	struct biounit_outbox_entry *ents = NULL;
	int64_t t = mono_ns();
	size_t n = 0;

	if (biounit_outbox_list(d->handoff->ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
				BIOUNIT_OUTBOX_REFUSED, &ents, &n))
		return;
	refresh_from(d, ents, n, t);
	free(ents);
}

/* ---- the builder: package, sign, commit (its thread) ---- */

static void run_build(void *arg)
{
	struct build_job *j = arg;
	struct biounit_outbox_entry *ents = NULL;
	uint8_t *pkg = NULL;
	size_t n = 0, i;
	int r;

	j->hash[0] = '\0';
	/* already committed by a daemon that died before handoff.json? */
	r = biounit_outbox_list(j->ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
				BIOUNIT_OUTBOX_REFUSED, &ents, &n);
	for (i = 0; !r && i < n; i++)
		if (!strcmp(ents[i].package_id, j->idhex)) {
			snprintf(j->hash, sizeof(j->hash), "%s", ents[i].hash);
			j->already = true;
			break;
		}
	free(ents);
	if (!r && !j->already) {
		r = build_package(j, &pkg, &j->len);
		if (!r)
			r = biounit_outbox_commit(j->ob, pkg, j->len, j->hash);
		free(pkg);
		if (r == -EEXIST)
			r = 0;
		if (!r) {
			log_msg(LOG_INFO_, "session %s (appointment %.16s): package %.16s (%zu bytes) "
				"committed to the outbox", j->sid, j->ahash, j->hash, j->len);
#ifdef BIOUNITD_TEST_HOOKS
			if (getenv("BIOUNITD_TEST_EXIT_AFTER_COMMIT"))	/* tests: a kill right here */
				_exit(99);
#endif
		}
	}
	/* committed (now or before a crash): marked done, its fsyncs here too */
	if (!r)
		r = write_marker(j->store, j->sid, j->hash, j->idhex);
	j->r = r;
	/* the loop reads the outbox's states from here, not from SQLite itself */
	j->done_ns = mono_ns();
	j->listed_ns = mono_ns();
	if (!r)
		j->listed = !biounit_outbox_list(j->ob, BIOUNIT_OUTBOX_QUEUED |
						 BIOUNIT_OUTBOX_DELIVERED | BIOUNIT_OUTBOX_REFUSED,
						 &j->ents, &j->nents);
}

/*
 * Give the builder, if it is free, the next session that wants its package
 * (an applicant may be waiting for it), else the next wipe.
 */
static void build_next(struct daemon *d)
{
	struct handoff *h = d->handoff;
	struct build_job *j;
	struct dsession *s;
	char *json = NULL;
	int r;

	if (worker_busy(h->builder))
		return;
	for (s = d->sessions; s; s = s->next)
		if (s->m && s->ho.state == HO_NOT_COMMITTED && s->ho.build_wanted)
			break;
	if (!s) {
		struct wipe_job *w = h->wipes;

		if (w) {
			h->wipes = w->next;
			w->next = NULL;
			worker_give(h->builder, run_wipe, w);
		}
		return;
	}
	s->ho.build_wanted = false;
	j = calloc(1, sizeof(*j));
	r = j ? biounit_session_to_json(s->m, &json) : -ENOMEM;
	if (!r)
		r = biounit_session_from_json(json, strlen(json), &j->m);
	free(json);
	if (r) {
		free(j);
		snprintf(s->ho.reason, sizeof(s->ho.reason), "not committed to the outbox: %s",
			 strerror(-r));
		log_msg(LOG_ERR_, "session %s: package not built: %s; trying again",
			dsession_id(s), strerror(-r));
		h->next_commit_ms = now_ms() + RETRY_COMMIT_MS;
		return;
	}
	j->kind = JOB_BUILD;
	j->store = d->store;
	j->face = d->face;
	j->fmt = h->fmt;
	j->key = h->key;
	j->ob = h->build_ob;
	snprintf(j->sid, sizeof(j->sid), "%s", dsession_id(s));
	snprintf(j->ahash, sizeof(j->ahash), "%s", s->hash);
	engine_unit_ident(d->engine, j->serial, sizeof(j->serial), j->model, sizeof(j->model));
	package_id(h, j->sid, j->id, j->idhex);
	s->ho.building = true;
	worker_give(h->builder, run_build, j);
}

/* the builder is done (handoff.json written): queued, and the followers told */
static void build_done(struct daemon *d, struct build_job *j)
{
	struct handoff *h = d->handoff;
	struct dsession *s = sessions_find(d, j->sid);
	int r = j->r;

	if (!s || !s->m || !s->ho.building)
		goto out;
	s->ho.building = false;
	if (!r && j->already)
		log_msg(LOG_INFO_, "session %s (appointment %.16s): package %.16s was already in "
			"the outbox", j->sid, s->hash, j->hash);
	if (!r) {
		snprintf(s->ho.hash, sizeof(s->ho.hash), "%s", j->hash);
		snprintf(s->ho.package_id, sizeof(s->ho.package_id), "%s", j->idhex);
	}
	if (r) {
		snprintf(s->ho.reason, sizeof(s->ho.reason), "not committed to the outbox: %s",
			 strerror(-r));
		log_msg(LOG_ERR_, "session %s (appointment %.16s): package not committed to the "
			"outbox: %s; trying again", j->sid, s->hash, strerror(-r));
		if (h->next_commit_ms > now_ms() + RETRY_COMMIT_MS)
			h->next_commit_ms = now_ms() + RETRY_COMMIT_MS;
	} else {
		s->ho.state = HO_QUEUED;
		s->ho.reason[0] = '\0';
		s->ho.known_ns = j->done_ns;	/* readings older than the commit say nothing of it */
		h->next_send_ms = now_ms();
		if (j->listed)
			refresh_from(d, j->ents, j->nents, j->listed_ns);
		else
			refresh(d);
	}
	session_tell(d, s, true);	/* the followers' last word on a finished session */
out:
	biounit_session_free(j->m);
	free(j->ents);
	free(j);
}

int handoff_finish(struct daemon *d, struct dsession *s)
{
	if (!d->handoff || !s->m || biounit_session_state(s->m) != BIOUNIT_SESSION_FINISHED ||
	    s->ho.state >= HO_QUEUED || s->ho.building)
		return 0;
	s->ho.state = HO_NOT_COMMITTED;
	s->ho.reason[0] = '\0';
	s->ho.build_wanted = true;
	build_next(d);
	return 0;
}

/* ---- the sender: one pass of biounit_outbox_send_due() (its thread) ---- */

static void run_send(void *arg)
{
	struct send_job *j = arg;
	int64_t t0 = (int64_t)(realtime_ns() / 1000000u);
	size_t i;

	j->r = biounit_outbox_send_due(j->ob, &j->cfg, &j->pass);
	if (j->r || !(j->pass.delivered + j->pass.deferred + j->pass.refused))
		return;
	/* the outbox afterwards, for the loop; the attempts of this pass that failed, for the log */
	j->listed_ns = mono_ns();
	j->listed = !biounit_outbox_list(j->ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
					 BIOUNIT_OUTBOX_REFUSED, &j->ents, &j->nents);
	for (i = 0; j->listed && i < j->nents && j->nfailed < MAX_FAILED; i++)
		if (j->ents[i].state != BIOUNIT_OUTBOX_DELIVERED && j->ents[i].last_attempt_ms >= t0)
			j->failed[j->nfailed++] = j->ents[i];
}

static void send_next(struct daemon *d)
{
	struct handoff *h = d->handoff;
	struct send_job *j;

	if (!d->cfg.ordering_url[0] || h->next_send_ms > now_ms() || worker_busy(h->sender))
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->ob = h->send_ob;
	j->cfg.url = d->cfg.ordering_url;
	j->cfg.ca_file = d->cfg.ordering_ca[0] ? d->cfg.ordering_ca : NULL;
	j->cfg.client_cert = d->cfg.ordering_client_cert[0] ? d->cfg.ordering_client_cert : NULL;
	j->cfg.client_key = d->cfg.ordering_client_key[0] ? d->cfg.ordering_client_key : NULL;
	j->cfg.proxy = d->cfg.ordering_proxy[0] ? d->cfg.ordering_proxy : NULL;
	j->cfg.connect_timeout_ms = 3000;
	j->cfg.timeout_ms = 15000;
	j->cfg.backoff_min_ms = 1000;
	j->cfg.backoff_max_ms = 300000;
	j->cfg.max_per_pass = 1;
	j->cfg.should_stop = worker_stopping;	/* a stop cuts a hanging send short */
	j->cfg.stop_arg = h->sender;
	worker_give(h->sender, run_send, j);
}

/* each failed attempt once in the log, with its reason (never the package's content) */
static void send_done(struct daemon *d, struct send_job *j)
{
	struct handoff *h = d->handoff;
	struct dsession *s;
	size_t i;

	if (j->r) {
		log_msg(LOG_ERR_, "outbox: sending failed: %s", strerror(-j->r));
		h->next_send_ms = now_ms() + 5000;
		goto out;
	}
	for (i = 0; i < j->nfailed; i++) {
		const struct biounit_outbox_entry *e = &j->failed[i];
		int64_t wait = e->next_attempt_ms - e->last_attempt_ms;

		for (s = d->sessions; s; s = s->next)
			if (!strcmp(s->ho.hash, e->hash))
				break;
		if (e->state == BIOUNIT_OUTBOX_REFUSED) {
			if (!s)	/* a session's refusal is logged by refresh() */
				log_msg(LOG_WARN_, "package %.16s refused by the client: %s", e->hash,
					e->reason);
			continue;
		}
		log_msg(LOG_WARN_, "%s%s%spackage %.16s: delivery attempt %u failed: %s; next "
			"attempt in %lld s", s ? "session " : "", s ? dsession_id(s) : "",
			s ? ": " : "", e->hash, e->attempts, e->reason,
			(long long)(wait > 0 ? (wait + 999) / 1000 : 0));
	}
	if (j->pass.next_due_ms < 0)
		h->next_send_ms = UINT64_MAX;		/* nothing queued: a new commit sets it */
	else
		h->next_send_ms = now_ms() + (uint64_t)j->pass.next_due_ms;
	if (j->listed)
		refresh_from(d, j->ents, j->nents, j->listed_ns);
	else if (j->pass.delivered || j->pass.refused || j->pass.deferred)
		refresh(d);
out:
	free(j->ents);
	free(j);
}

/* ---- life cycle ---- */

/*
 * The client certificate (mutual TLS) is only read when a package is sent; say
 * at start if it cannot be, rather than at every retry. Not fatal: packages
 * wait in the outbox, and sessions can still be taken.
 */
static void client_cert_check(struct daemon *d)
{
	const char *cert = d->cfg.ordering_client_cert, *key = d->cfg.ordering_client_key;
	struct stat st;

	if (!cert[0]) {
		log_msg(LOG_INFO_, "no ordering_client_cert: no client certificate is presented");
		return;
	}
	if (access(cert, R_OK))
		log_msg(LOG_ERR_, "ordering_client_cert %s: %s: packages wait until it can be "
			"read", cert, strerror(errno));
	else
		log_msg(LOG_INFO_, "client certificate %s presented to the ordering client", cert);
	if (access(key, R_OK))
		log_msg(LOG_ERR_, "ordering_client_key %s: %s: packages wait until it can be read",
			key, strerror(errno));
	else if (!stat(key, &st) && (st.st_mode & 0007))
		log_msg(LOG_WARN_, "ordering_client_key %s can be read by others (mode %04o)", key,
			(unsigned int)(st.st_mode & 07777));
}

int handoff_open(struct daemon *d)
{
	struct handoff *h = calloc(1, sizeof(*h));
	char kpath[1100], pub[1200], opath[1100];
	int r;

	if (!h)
		return -ENOMEM;
	h->next_send_ms = now_ms();
	h->next_commit_ms = UINT64_MAX;
	h->fmt = biounit_record_format_find(BIOUNIT_RECORDS_ISO19794_2005);
	if (!h->fmt) {
		free(h);
		return -ENOENT;
	}
	snprintf(kpath, sizeof(kpath), "%s", d->cfg.unit_key);
	if (!kpath[0])
		snprintf(kpath, sizeof(kpath), "%s/unit.key", biounit_store_dir(d->store));
	r = biounit_key_load(kpath, &h->key);
	if (r == -ENOENT) {
		r = biounit_key_generate(kpath, &h->key);
		if (!r)
			log_msg(LOG_INFO_, "unit key %s made", kpath);
	}
	if (r) {
		log_msg(LOG_ERR_, "unit key %s: %s", kpath, strerror(-r));
		free(h);
		return r;
	}
	biounit_key_get_public(h->key, h->pk);
	snprintf(pub, sizeof(pub), "%s.pub", kpath);
	if (access(pub, F_OK)) {
		r = biounit_key_save_public(h->key, pub);
		if (r)
			log_msg(LOG_WARN_, "public key %s: %s", pub, strerror(-r));
	}
	snprintf(opath, sizeof(opath), "%s", d->cfg.outbox_path);
	if (!opath[0])
		snprintf(opath, sizeof(opath), "%s/outbox.db", biounit_store_dir(d->store));
	r = biounit_outbox_open(opath, &h->ob);
	if (!r)
		r = biounit_outbox_open(opath, &h->build_ob);
	if (!r)
		r = biounit_outbox_open(opath, &h->send_ob);
	if (r) {
		log_msg(LOG_ERR_, "outbox %s: %s", opath, strerror(-r));
		goto fail;
	}
	r = worker_start(&h->builder, "builder", HANDOFF_NICE);
	if (!r)
		r = worker_start(&h->sender, "sender", HANDOFF_NICE);
	if (r) {
		log_msg(LOG_ERR_, "hand-off threads: %s", strerror(-r));
		goto fail;
	}
	if (!d->cfg.ordering_url[0])
		log_msg(LOG_WARN_, "no ordering_url: packages wait in the outbox %s", opath);
	else
		client_cert_check(d);
	d->handoff = h;
	return 0;
fail:
	worker_stop(h->builder);
	biounit_outbox_close(h->ob);
	biounit_outbox_close(h->build_ob);
	biounit_outbox_close(h->send_ob);
	biounit_key_free(h->key);
	free(h);
	return r;
}

void handoff_close(struct daemon *d)
{
	struct handoff *h = d->handoff;
	struct send_job *sj;
	void *job;

	if (!h)
		return;
	/* a hanging send is cut short (within about a second); a build or wipe runs to its end */
	sj = worker_stop(h->sender);
	if (sj)
		free(sj->ents);
	free(sj);
	job = worker_stop(h->builder);
	if (job && *(enum job_kind *)job == JOB_BUILD) {
		biounit_session_free(((struct build_job *)job)->m);
		free(((struct build_job *)job)->ents);
		free(job);
	} else if (job) {
		free_wipes(job);
	}
	free_wipes(h->wipes);
	biounit_outbox_close(h->ob);
	biounit_outbox_close(h->build_ob);
	biounit_outbox_close(h->send_ob);
	biounit_key_free(h->key);
	free(h);
	d->handoff = NULL;
}

void handoff_startup(struct daemon *d)
{
	struct dsession *s;

	if (!d->handoff)
		return;
	for (s = d->sessions; s; s = s->next) {
		if (!s->m || biounit_session_state(s->m) != BIOUNIT_SESSION_FINISHED)
			continue;
		if (read_marker(d, s) == 0)
			s->ho.state = HO_QUEUED;	/* refresh() says where it stands */
		else
			handoff_finish(d, s);	/* the builder finds or makes its package */
	}
	refresh(d);
}

size_t handoff_pollfds(struct daemon *d, struct pollfd *fds, size_t max)
{
	struct handoff *h = d->handoff;

	if (!h || max < 2)
		return 0;
	fds[0] = (struct pollfd){ .fd = worker_fd(h->builder), .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = worker_fd(h->sender), .events = POLLIN };
	return 2;
}

int handoff_timeout_ms(struct daemon *d)
{
	struct handoff *h = d->handoff;
	uint64_t now = now_ms(), due = UINT64_MAX;

	if (!h)
		return -1;
	/* a busy worker wakes the loop through its fd when it is done */
	if (d->cfg.ordering_url[0] && !worker_busy(h->sender))
		due = h->next_send_ms;
	if (h->next_commit_ms < due)
		due = h->next_commit_ms;
	if (due == UINT64_MAX)
		return -1;
	return due <= now ? 0 : due - now > 600000 ? 600000 : (int)(due - now);
}

/* never blocks: the workers build and send; the loop only hands out and takes back jobs */
void handoff_tick(struct daemon *d)
{
	struct handoff *h = d->handoff;
	struct dsession *s;
	void *job;

	if (!h)
		return;
	job = worker_take(h->builder);
	if (job && *(enum job_kind *)job == JOB_BUILD)
		build_done(d, job);
	else if (job)
		wipe_done(d, job);
	job = worker_take(h->sender);
	if (job)
		send_done(d, job);
	if (h->next_commit_ms <= now_ms()) {
		h->next_commit_ms = UINT64_MAX;
		for (s = d->sessions; s; s = s->next)
			if (s->m && s->ho.state == HO_NOT_COMMITTED && !s->ho.building)
				s->ho.build_wanted = true;
		refresh(d);
	}
	build_next(d);
	send_next(d);
}

void handoff_status_json(struct daemon *d, const struct dsession *s, struct json_buf *b)
{
	static const char *const names[] = { "none", "not_committed", "queued", "delivered",
					     "refused" };

	jb_printf(b, ",\"handoff\":{\"state\":\"%s\",\"package_hash\":", names[s->ho.state]);
	jb_str(b, s->ho.hash);
	jb_raw(b, ",\"package_id\":");
	jb_str(b, s->ho.package_id);
	jb_raw(b, ",\"ack_id\":");
	jb_str(b, s->ho.ack_id);
	jb_raw(b, ",\"reason\":");
	jb_str(b, s->ho.reason);
	jb_printf(b, ",\"attempts\":%u,\"wiped\":%s,\"waiting\":", s->ho.attempts,
		  s->ho.wiped ? "true" : "false");
	jb_str(b, s->ho.state == HO_QUEUED && !d->cfg.ordering_url[0] ? "no ordering_url" :
		  s->ho.state == HO_NOT_COMMITTED && (s->ho.building || s->ho.build_wanted) ?
		  "building the package" : "");
	jb_raw(b, "}");
}
