// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd's finish path on the host, without a unit: a finished session is
 * scripted into the daemon's store with the session library (its capture
 * files made from generated images), and biounitd, started on it, turns it
 * into a package in the outbox. The daemon is first killed right after the
 * outbox commit (BIOUNITD_TEST_EXIT_AFTER_COMMIT), before it marks the
 * session done; the package then verifies with the unit's public key and its
 * records parse back with the record readers. Restarted, the daemon commits
 * nothing twice and delivers the package to a biounit-refservice started
 * here; after the acknowledgement the session's biometric files are gone and
 * session.json is a receipt. Needs $BIOUNIT_TOOLS (biounitd,
 * biounit-refservice), openssl and the face models.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <biounit/face.h>
#include <biounit/outbox.h>
#include <biounit/package.h>
#include <biounit/records.h>
#include <biounit/session.h>
#include <biounit/signature.h>
#include "../../userspace/session/json.h"
#include "handoff_fixture.h"
#include "handoff_service.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define IFACE "nl.ind.biounit.Session"
#define SID "20261123-00c0ffee42"
#define CODE "IND-2026-0042"

struct env {
	char dir[64], state[96], sock[100], conf[128], log[128], bin[512];
	pid_t pid;
};

static struct json_value *call(const struct env *e, const char *method, const char *params)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_value *v = NULL;
	static char buf[262144];
	char msg[1024];
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(msg, sizeof(msg), "{\"method\":\"%s\",\"parameters\":%s}", method, params);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", e->sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (send(fd, msg, strlen(msg) + 1, MSG_NOSIGNAL) == (ssize_t)strlen(msg) + 1) {
		while (got < sizeof(buf)) {
			ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);

			if (n <= 0)
				break;
			got += (size_t)n;
			if (memchr(buf, '\0', got))
				break;
		}
		if (memchr(buf, '\0', got))
			json_parse(buf, strlen(buf), &v);
	}
	close(fd);
	return v;
}

static const char *str(const struct json_value *o, const char *k)
{
	const char *s;

	return json_get_string(o, k, &s) ? "" : s;
}

/* starts biounitd; 0 once it answers, or its exit status (>0) if it exits first */
static int start_daemon(struct env *e, bool exit_after_commit)
{
	for (int i = 0; i < 600; i++) {
		struct json_value *r;
		int st;

		if (i == 0) {
			unlink(e->sock);
			e->pid = fork();
			if (e->pid == 0) {
				int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

				dup2(fd, 2);
				if (exit_after_commit)
					setenv("BIOUNITD_TEST_EXIT_AFTER_COMMIT", "1", 1);
				execl(e->bin, "biounitd", "-c", e->conf, (char *)NULL);
				_exit(127);
			}
		}
		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		r = call(e, "org.varlink.service.GetInfo", "{}");
		if (r) {
			json_free(r);
			return 0;
		}
		hsvc_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

/* SIGTERM; its exit status (0: clean, also of leaks under SAN=1) */
static int stop_daemon(struct env *e)
{
	int st = 0;

	if (e->pid > 0) {
		kill(e->pid, SIGTERM);
		waitpid(e->pid, &st, 0);
	}
	e->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int save_png(struct biounit_store *st, const char *name, struct biounit_image *img)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	char path[1400];
	int r = biounit_store_file_path(st, SID, name, true, path, sizeof(path));

	if (!r)
		r = biounit_image_save_png(&v, path);
	if (!r)
		r = biounit_store_commit_file(st, SID, name);
	biounit_image_free(img);
	return r;
}

static int save_sig(struct biounit_store *st, const char *name, const struct biounit_signature *s)
{
	struct biounit_signature_box b = biounit_signature_get_box(s);
	size_t n = biounit_signature_count(s), len = 0, cap = 64 * n + 128;
	char *buf = malloc(cap);
	int r;

	len += snprintf(buf, cap, "biounit-signature 1\nbox %d %d %d %d %u %u\n", b.x0, b.y0, b.x1,
			b.y1, b.units_per_mm, b.pressure_max);
	for (size_t i = 0; i < n; i++) {
		struct biounit_signature_sample smp;

		biounit_signature_sample(s, i, &smp);
		len += snprintf(buf + len, cap - len, "%llu %d %d %u %d\n",
				(unsigned long long)smp.t_us, smp.x, smp.y, smp.pressure, smp.pen_down);
	}
	r = biounit_store_write_file(st, SID, name, buf, len);
	free(buf);
	return r;
}

static struct biounit_capture cap(enum biounit_session_step step, unsigned int finger, int score,
				  uint64_t ts, const char *file)
{
	struct biounit_capture c;

	memset(&c, 0, sizeof(c));
	c.step = step;
	c.finger = finger;
	c.score = score;
	c.timestamp_ns = ts;
	c.compliant = true;
	c.present = true;
	snprintf(c.file, sizeof(c.file), "%s", file);
	return c;
}

/*
 * A finished session as the engine leaves it: a compliant photo accepted by
 * the operator, the right index finger bandaged (an exception) and the right
 * thumb taken, the left index taken, a signature accepted.
 */
static int script_session(const char *state_dir)
{
	struct biounit_session_request req = { .appointment = CODE, .age = BIOUNIT_AGE_ADULT,
					       .needs = BIOUNIT_NEED_ALL };
	struct biounit_store *st = NULL;
	struct biounit_session *s = NULL;
	struct biounit_signature *sig = fix_signature();
	struct biounit_image *img = NULL;
	struct biounit_capture c;
	int r;

	r = biounit_store_open(state_dir, &st);
	if (!r)
		r = biounit_session_new(SID, &req, NULL, &s, NULL);
	if (r)
		goto out;
	c = cap(BIOUNIT_STEP_PHOTO, 0, 91, 1000000000ull, "photo-1.png");
	if ((r = save_png(st, "photo-1.png", fix_portrait(413, 531))) ||
	    (r = biounit_session_submit(s, &c)) ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1763900000000000000ull)) ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "bandaged",
					  1763900001000000000ull)))
		goto out;
	c = cap(BIOUNIT_STEP_FINGERS, BIOUNIT_FINGER_RIGHT_THUMB, 72, 2000000000ull,
		"finger-right_thumb-1.png");
	if ((r = save_png(st, c.file, fix_print(320, 400, 1))) || (r = biounit_session_submit(s, &c)))
		goto out;
	c = cap(BIOUNIT_STEP_FINGERS, BIOUNIT_FINGER_LEFT_INDEX, 64, 3000000000ull,
		"finger-left_index-1.png");
	if ((r = save_png(st, c.file, fix_print(320, 400, 2))) || (r = biounit_session_submit(s, &c)))
		goto out;
	c = cap(BIOUNIT_STEP_SIGNATURE, 0, 100, 4000000000ull, "signature-1.png");
	r = biounit_signature_render(sig, BIOUNIT_SIGNATURE_RENDER_W, BIOUNIT_SIGNATURE_RENDER_H, &img);
	if (r || (r = save_png(st, c.file, img)) || (r = save_sig(st, "signature-1.sig", sig)) ||
	    (r = biounit_session_submit(s, &c)) ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1763900002000000000ull)))
		goto out;
	r = biounit_session_state(s) == BIOUNIT_SESSION_FINISHED ? biounit_store_save(st, s) : -EPROTO;
out:
	biounit_signature_free(sig);
	biounit_session_free(s);
	biounit_store_close(st);
	return r;
}

static size_t files_in(const char *dir, char *names, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	names[0] = '\0';
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		strncat(names, de->d_name, size - strlen(names) - 2);
		strcat(names, " ");
	}
	closedir(d);
	return n;
}

FIXTURE(h) {
	struct env e;
	struct hsvc svc;
	bool svc_ok;
};

FIXTURE_SETUP(h)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	FILE *f;

	memset(&self->e, 0, sizeof(self->e));
	self->svc_ok = false;
	snprintf(self->e.bin, sizeof(self->e.bin), "%s/biounitd", tools ? tools : ".");
	if (access(self->e.bin, X_OK))
		SKIP(return, "no biounitd (set BIOUNIT_TOOLS)");
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		SKIP(return, "needs libdlib-data and opencv-data");
	ASSERT_EQ(0, hsvc_init(&self->svc));
	self->svc_ok = true;
	ASSERT_EQ(0, hsvc_start(&self->svc, NULL));
	snprintf(self->e.dir, sizeof(self->e.dir), "%s", self->svc.dir);
	snprintf(self->e.state, sizeof(self->e.state), "%s/state", self->e.dir);
	snprintf(self->e.sock, sizeof(self->e.sock), "%s/control.socket", self->e.dir);
	snprintf(self->e.conf, sizeof(self->e.conf), "%s/biounitd.conf", self->e.dir);
	snprintf(self->e.log, sizeof(self->e.log), "%s/daemon.log", self->e.dir);
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = /tmp/biounit-test-face-%d.cache\nordering_url = %s\n"
		   "ordering_ca = %s\nunit_key = %s\n", self->e.sock, self->e.state, (int)getuid(),
		self->svc.url, self->svc.path[HP_CERT], self->svc.path[HP_UNITKEY]);
	fclose(f);
}

FIXTURE_TEARDOWN(h)
{
	stop_daemon(&self->e);
	if (self->svc_ok)
		hsvc_cleanup(&self->svc);
}

TEST_F(h, finished_session_committed_delivered_wiped)
{
	const struct biounit_record_format *fmt = biounit_record_format_find("iso19794-2005");
	char sdir[256], path[512], names[1024], hash[65] = "", *doc;
	uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE], *data = NULL;
	struct biounit_outbox_entry *ents = NULL;
	struct biounit_package *pkg = NULL;
	struct biounit_package_problem why;
	struct biounit_outbox *ob = NULL;
	struct json_value *r = NULL;
	const struct json_value *st, *ho;
	struct stat sb;
	size_t n = 0, len = 0;
	const char *state = "";

	ASSERT_NE(NULL, fmt);
	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, script_session(self->e.state));
	snprintf(sdir, sizeof(sdir), "%s/sessions/%s", self->e.state, SID);

	/* killed between the outbox commit and marking the session done */
	ASSERT_EQ(99, start_daemon(&self->e, true));
	snprintf(path, sizeof(path), "%s/outbox.db", self->e.state);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0600, sb.st_mode & 0777);
	ASSERT_EQ(0, biounit_outbox_open(path, &ob));
	ASSERT_EQ(0, biounit_outbox_list(ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
					 BIOUNIT_OUTBOX_REFUSED, &ents, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, ents[0].state);
	EXPECT_STREQ(CODE, ents[0].appointment);
	snprintf(hash, sizeof(hash), "%s", ents[0].hash);
	free(ents);
	ents = NULL;
	snprintf(path, sizeof(path), "%s/handoff.json", sdir);
	EXPECT_NE(0, access(path, F_OK));	/* not marked done */

	/* the package: signed by the unit's key, with the expected records */
	ASSERT_EQ(0, biounit_outbox_get(ob, hash, &data, &len));
	ASSERT_EQ(0, biounit_pubkey_load(self->svc.path[HP_UNITPUB], pk));
	ASSERT_EQ(0, biounit_package_verify(data, len, pk, &pkg, &why));
	EXPECT_STREQ(CODE, biounit_package_get_appointment(pkg));
	ASSERT_EQ(6, biounit_package_record_count(pkg));
	do {
		static const char *const want[6] = { "face", "face-portrait", "finger-1", "finger-7",
						     "signature-image", "signature-pen" };
		struct biounit_package_record rec[6];
		struct biounit_face_record *fr = calloc(1, sizeof(*fr));
		struct biounit_finger_record *gr = calloc(1, sizeof(*gr));
		struct biounit_signature_record sr;
		struct biounit_package_exception ex;
		struct biounit_package_modality m;
		struct biounit_image *img = NULL;

		for (int i = 0; i < 6; i++) {
			ASSERT_EQ(0, biounit_package_get_record(pkg, i, &rec[i]));
			EXPECT_STREQ(want[i], rec[i].name);
		}
		EXPECT_STREQ(fmt->face_record_format, rec[0].format);
		EXPECT_EQ(0, fmt->parse_face(rec[0].data, rec[0].len, fr));
		EXPECT_EQ(1, fr->n_images);
		EXPECT_EQ(BIOUNIT_FACE_DATA_JPEG2000, fr->images[0].data_type);
		EXPECT_EQ(91, (int)rec[0].quality);
		EXPECT_EQ(1000000000ll, rec[0].captured_ns);
		EXPECT_EQ(0, biounit_image_load_mem(rec[1].data, rec[1].len, &img));
		biounit_image_free(img);
		EXPECT_EQ(0, fmt->parse_finger(rec[2].data, rec[2].len, gr));
		EXPECT_EQ(BIOUNIT_FINGER_WSQ, gr->compression);
		EXPECT_EQ(1, gr->views[0].position);
		EXPECT_EQ(72, gr->views[0].quality);
		EXPECT_EQ(30, (int)rec[2].threshold);
		EXPECT_EQ(0, fmt->parse_finger(rec[3].data, rec[3].len, gr));
		EXPECT_EQ(7, gr->views[0].position);
		EXPECT_EQ(64, gr->views[0].quality);
		EXPECT_EQ(0, fmt->parse_signature(rec[4].data, rec[4].len, rec[5].data, rec[5].len, &sr));
		EXPECT_EQ(183, biounit_signature_count(sr.signature));
		biounit_signature_record_release(&sr);
		free(fr);
		free(gr);
		ASSERT_EQ(3, biounit_package_modality_count(pkg));
		for (int i = 0; i < 3; i++) {
			ASSERT_EQ(0, biounit_package_get_modality(pkg, i, &m));
			EXPECT_EQ(BIOUNIT_MODALITY_TAKEN, m.status);
		}
		ASSERT_EQ(1, biounit_package_exception_count(pkg));
		ASSERT_EQ(0, biounit_package_get_exception(pkg, 0, &ex));
		EXPECT_EQ(2, ex.position);
		EXPECT_NE(NULL, strstr(ex.reason, "bandaged"));
		EXPECT_EQ(3, biounit_package_decision_count(pkg));
	} while (0);
	biounit_package_free(pkg);
	free(data);

	/* restarted: nothing committed twice, delivered, wiped */
	ASSERT_EQ(0, start_daemon(&self->e, false));
	for (int i = 0; i < 400; i++) {
		json_free(r);
		r = call(&self->e, IFACE ".Status", "{\"id\":\"" SID "\"}");
		st = json_get(json_get(r, "parameters"), "status");
		ho = json_get(st, "handoff");
		state = str(ho, "state");
		if (!strcmp(state, "delivered") && json_get(ho, "wiped")->boolean)
			break;
		hsvc_sleep_ms(50);
	}
	ASSERT_STREQ("delivered", state);
	EXPECT_STREQ(hash, str(ho, "package_hash"));
	EXPECT_EQ(0, strncmp(str(ho, "ack_id"), "ack-", 4));
	EXPECT_STREQ("finished", str(st, "state"));
	EXPECT_STREQ("taken", str(json_get(st, "results"), "photo"));
	json_free(r);
	r = NULL;
	ASSERT_EQ(0, biounit_outbox_list(ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
					 BIOUNIT_OUTBOX_REFUSED, &ents, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIOUNIT_OUTBOX_DELIVERED, ents[0].state);
	EXPECT_FALSE(ents[0].has_data);
	free(ents);
	biounit_outbox_close(ob);
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", hash));

	/* the session's directory: the receipt and nothing else */
	EXPECT_EQ(1, files_in(sdir, names, sizeof(names)));
	EXPECT_STREQ("session.json ", names);
	snprintf(path, sizeof(path), "%s/session.json", sdir);
	ASSERT_EQ(0, stat(path, &sb)) {
		TH_LOG("no receipt");
	}
	EXPECT_EQ(0600, sb.st_mode & 0777);
	doc = (char *)hsvc_read(path, &len);
	ASSERT_NE(NULL, doc);
	doc = realloc(doc, len + 1);
	doc[len] = '\0';
	EXPECT_NE(NULL, strstr(doc, "biounit-session-receipt"));
	EXPECT_NE(NULL, strstr(doc, hash));
	EXPECT_EQ(NULL, strstr(doc, CODE));
	EXPECT_EQ(NULL, strstr(doc, ".png"));
	EXPECT_EQ(NULL, strstr(doc, "score"));
	free(doc);

	/* the daemon's log: the package's hash, never the code */
	doc = (char *)hsvc_read(self->e.log, &len);
	ASSERT_NE(NULL, doc);
	doc = realloc(doc, len + 1);
	doc[len] = '\0';
	EXPECT_EQ(NULL, strstr(doc, CODE));
	EXPECT_NE(NULL, strstr(doc, "committed to the outbox"));
	EXPECT_NE(NULL, strstr(doc, "already in the outbox"));
	free(doc);

	/* a restart reads the receipt back */
	EXPECT_EQ(0, stop_daemon(&self->e));
	ASSERT_EQ(0, start_daemon(&self->e, false));
	r = call(&self->e, IFACE ".Result", "{\"id\":\"" SID "\"}");
	ho = json_get(json_get(r, "parameters"), "handoff");
	EXPECT_STREQ("delivered", str(ho, "state"));
	EXPECT_STREQ(hash, str(ho, "package_hash"));
	EXPECT_STREQ("biounit-session-receipt",
		     str(json_get(json_get(r, "parameters"), "session"), "format"));
	json_free(r);
	r = call(&self->e, IFACE ".Discard", "{\"id\":\"" SID "\"}");
	EXPECT_STREQ(IFACE ".NotAllowed", str(r, "error"));
	json_free(r);
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_EQ(0, stop_daemon(&self->e));
}

TEST_F(h, no_ordering_url_packages_wait)
{
	struct json_value *r;
	const struct json_value *ho;
	FILE *f;

	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, script_session(self->e.state));
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = /tmp/biounit-test-face-%d.cache\n", self->e.sock, self->e.state,
		(int)getuid());
	fclose(f);
	ASSERT_EQ(0, start_daemon(&self->e, false));
	r = call(&self->e, IFACE ".Status", "{\"id\":\"" SID "\"}");
	ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
	EXPECT_STREQ("queued", str(ho, "state"));
	EXPECT_STREQ("no ordering_url", str(ho, "waiting"));
	EXPECT_EQ(64, strlen(str(ho, "package_hash")));
	json_free(r);
	do {
		char path[256];

		/* the key was made at the first start, 0600, with its public half */
		struct stat sb;

		snprintf(path, sizeof(path), "%s/unit.key", self->e.state);
		ASSERT_EQ(0, stat(path, &sb));
		EXPECT_EQ(0600, sb.st_mode & 0777);
		snprintf(path, sizeof(path), "%s/unit.key.pub", self->e.state);
		EXPECT_EQ(0, access(path, R_OK));
		snprintf(path, sizeof(path), "%s/sessions/%s/photo-1.png", self->e.state, SID);
		EXPECT_EQ(0, access(path, F_OK));	/* kept until acknowledged */
	} while (0);
	EXPECT_EQ(0, stop_daemon(&self->e));
}

TEST_HARNESS_MAIN
