/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the tests that run biounitd on the host without a unit
 * (test_biounitd_handoff.c, test_biounitd_durability.c): start and stop the
 * daemon, call its Varlink interface, and script a finished session into its
 * state directory with the session library, its capture files made from the
 * generated images of handoff_fixture.h.
 */
#ifndef BIOUNIT_BIOUNITD_FIXTURE_H
#define BIOUNIT_BIOUNITD_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "face_cache_dir.h"
/* records.h (in handoff_fixture.h) before session.h: its finger enum, then session.h's macros */
#include "handoff_fixture.h"
#include "handoff_service.h"
#include "session/session.h"
#include "signature/signature.h"
#include "session/json.h"

#define BD_IFACE "nl.ind.biounit.Session"

/* one daemon: its files under @dir, its process */
struct bd_env {
	char dir[64], state[96], sock[100], conf[128], log[128], bin[512];
	pid_t pid;
};

/*
 * fills the paths of @e under @dir; 0 or -ENOENT (no daemon). The daemon is
 * the test build with its test hooks: $BIOUNITD_TEST_BIN, else
 * $BIOUNIT_TOOLS/../test-bin/biounitd (userspace/Makefile's tests target).
 */
static inline int bd_env_init(struct bd_env *e, const char *dir)
{
	const char *tools = getenv("BIOUNIT_TOOLS"), *bin = getenv("BIOUNITD_TEST_BIN");

	memset(e, 0, sizeof(*e));
	if (bin && *bin)
		snprintf(e->bin, sizeof(e->bin), "%s", bin);
	else
		snprintf(e->bin, sizeof(e->bin), "%s/../test-bin/biounitd", tools ? tools : ".");
	snprintf(e->dir, sizeof(e->dir), "%s", dir);
	snprintf(e->state, sizeof(e->state), "%s/state", dir);
	snprintf(e->sock, sizeof(e->sock), "%s/control.socket", dir);
	snprintf(e->conf, sizeof(e->conf), "%s/biounitd.conf", dir);
	snprintf(e->log, sizeof(e->log), "%s/daemon.log", dir);
	return access(e->bin, X_OK) ? -ENOENT : 0;
}

/* sends @len raw bytes (a message with its NUL, or garbage) and reads one reply; NULL if none */
static inline struct json_value *bd_raw(const struct bd_env *e, const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_value *v = NULL;
	static _Thread_local char buf[262144];	/* one per thread: tests call from several */
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", e->sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* a refused peer may find the connection closed before it sent: read the reply anyway */
	if (send(fd, msg, len, MSG_NOSIGNAL) == (ssize_t)len || errno == EPIPE ||
	    errno == ECONNRESET) {
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

/* one Varlink call; the reply, or NULL when the daemon does not answer */
static inline struct json_value *bd_call(const struct bd_env *e, const char *method,
					 const char *params)
{
	char msg[4096];

	snprintf(msg, sizeof(msg), "{\"method\":\"%s\",\"parameters\":%s}", method, params);
	return bd_raw(e, msg, strlen(msg) + 1);
}

/* the string member @k of @o, "" if there is none */
static inline const char *bd_str(const struct json_value *o, const char *k)
{
	const char *s;

	return json_get_string(o, k, &s) ? "" : s;
}

/*
 * Starts biounitd, its stderr appended to @e->log, @env_name=1 in its
 * environment when not NULL. @wait: return only once it answers. 0 (it
 * answers, or runs when not waited for), its exit status (> 0) if it exits
 * first, or -ETIMEDOUT.
 */
static inline int bd_start(struct bd_env *e, const char *env_name, bool wait)
{
	unlink(e->sock);
	e->pid = fork();
	if (e->pid < 0)
		return -errno;
	if (e->pid == 0) {
		int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		if (env_name)
			setenv(env_name, "1", 1);
		execl(e->bin, "biounitd", "-c", e->conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; wait && i < 600; i++) {
		struct json_value *r;
		int st;

		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		r = bd_call(e, "org.varlink.service.GetInfo", "{}");
		if (r) {
			json_free(r);
			return 0;
		}
		hsvc_sleep_ms(50);
	}
	return wait ? -ETIMEDOUT : 0;
}

/*
 * Why a daemon test cannot run here (no biounitd in $BIOUNIT_TOOLS, no face
 * models), or NULL; @e is filled for /nonexistent meanwhile.
 */
static inline const char *bd_cannot_run(struct bd_env *e)
{
	if (bd_env_init(e, "/nonexistent"))
		return "no biounitd (set BIOUNIT_TOOLS)";
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		return "needs libdlib-data and opencv-data";
	return NULL;
}

/* the daemon's log as a string (free() it), NULL if it cannot be read */
static inline char *bd_read_log(const struct bd_env *e)
{
	size_t len = 0;
	char *doc = (char *)hsvc_read(e->log, &len), *s;

	if (!doc)
		return NULL;
	s = realloc(doc, len + 1);
	if (!s) {
		free(doc);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

/*
 * Starts biounitd with @env_name=1 and waits up to @ms for it to exit by
 * itself: its exit status (> 0), or -ETIMEDOUT (then it is killed). The
 * package is built on a worker thread, so a daemon told to exit after the
 * outbox commit may answer calls before it does.
 */
static inline int bd_run_to_exit(struct bd_env *e, const char *env_name, int ms)
{
	int st, r = bd_start(e, env_name, false);

	if (r)
		return r;
	for (; ms > 0; ms -= 20) {
		if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
			e->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		hsvc_sleep_ms(20);
	}
	kill(e->pid, SIGKILL);
	waitpid(e->pid, &st, 0);
	e->pid = 0;
	return -ETIMEDOUT;
}

/*
 * Asks Status of @sid until its handoff.state is @state (up to @ms); the
 * last reply (json_free() it), or NULL when the daemon does not answer.
 */
static inline struct json_value *bd_wait_handoff(const struct bd_env *e, const char *sid,
						 const char *state, int ms)
{
	struct json_value *r = NULL;
	char params[128];

	snprintf(params, sizeof(params), "{\"id\":\"%s\"}", sid);
	for (; ms >= 0; ms -= 50) {
		const struct json_value *ho;

		json_free(r);
		r = bd_call(e, BD_IFACE ".Status", params);
		ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
		if (!strcmp(bd_str(ho, "state"), state))
			break;
		hsvc_sleep_ms(50);
	}
	return r;
}

/* sends @sig and reaps; its exit status (0: clean, also of leaks under SAN=1) */
static inline int bd_stop(struct bd_env *e, int sig)
{
	int st = 0;

	if (e->pid > 0) {
		kill(e->pid, sig);
		waitpid(e->pid, &st, 0);
	}
	e->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* a test's end: the daemon stopped, @e->dir removed (if it was made) */
static inline void bd_cleanup(struct bd_env *e)
{
	char cmd[160];

	if (!e->dir[0])
		return;
	bd_stop(e, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	if (system(cmd))
		fprintf(stderr, "# cannot remove %s\n", e->dir);
}

/*
 * The daemon's configuration, no unit: the service (its URL as it is now; it
 * may move), its CA, the unit key, and a client certificate and key unless NULL.
 */
static inline int bd_write_conf(const struct bd_env *e, const struct hsvc *svc, const char *cert,
				const char *key)
{
	FILE *f = fopen(e->conf, "w");

	if (!f)
		return -errno;
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = %s\nordering_url = %s\nordering_ca = %s\nunit_key = %s\n",
		e->sock, e->state, test_face_cache_path(), svc->url, svc->path[HP_CERT],
		svc->path[HP_UNITKEY]);
	if (cert)
		fprintf(f, "ordering_client_cert = %s\n", cert);
	if (key)
		fprintf(f, "ordering_client_key = %s\n", key);
	return fclose(f) ? -EIO : 0;
}

static inline int bd_save_png(struct biounit_store *st, const char *sid, const char *name,
			      struct biounit_image *img)
{
	struct biounit_image_view v = biounit_image_get_view(img);
	char path[1400];
	int r = biounit_store_file_path(st, sid, name, true, path, sizeof(path));

	if (!r)
		r = biounit_image_save_png(&v, path);
	if (!r)
		r = biounit_store_commit_file(st, sid, name);
	biounit_image_free(img);
	return r;
}

static inline int bd_save_sig(struct biounit_store *st, const char *sid, const char *name,
			      const struct biounit_signature *s)
{
	struct biounit_signature_box b = biounit_signature_get_box(s);
	size_t n = biounit_signature_count(s), len = 0, cap = 64 * n + 128;
	char *buf = malloc(cap);
	int r;

	if (!buf)
		return -ENOMEM;
	len += snprintf(buf, cap, "biounit-signature 1\nbox %d %d %d %d %u %u\n", b.x0, b.y0, b.x1,
			b.y1, b.units_per_mm, b.pressure_max);
	for (size_t i = 0; i < n; i++) {
		struct biounit_signature_sample smp;

		biounit_signature_sample(s, i, &smp);
		len += snprintf(buf + len, cap - len, "%llu %d %d %u %d\n",
				(unsigned long long)smp.t_us, smp.x, smp.y, smp.pressure, smp.pen_down);
	}
	r = biounit_store_write_file(st, sid, name, buf, len);
	free(buf);
	return r;
}

static inline struct biounit_capture bd_capture(enum biounit_session_step step,
						unsigned int finger, int score, uint64_t ts,
						const char *file)
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
 * A finished session @sid for appointment @code, as the engine leaves it: a
 * photo accepted by the operator (compliant, or when @photo_fails is not NULL
 * failing those checks and kept all the same), the right index finger
 * bandaged (an exception) and the right thumb taken, the left index taken, a
 * signature accepted. 0 or -errno.
 */
static inline int bd_script_session_photo(const char *state_dir, const char *sid,
					  const char *code, const char *photo_fails)
{
	struct biounit_session_request req = { .age = BIOUNIT_AGE_ADULT,
					       .needs = BIOUNIT_NEED_ALL };
	struct biounit_store *st = NULL;
	struct biounit_session *s = NULL;
	struct biounit_signature *sig = fix_signature();
	struct biounit_image *img = NULL;
	struct biounit_capture c;
	int r;

	snprintf(req.appointment, sizeof(req.appointment), "%s", code);
	r = sig ? biounit_store_open(state_dir, &st) : -ENOMEM;
	if (!r)
		r = biounit_session_new(sid, &req, NULL, &s, NULL);
	if (r)
		goto out;
	/* a failing photo is retaken until the attempts run out, then kept by the operator */
	for (int i = 1; !r && (i == 1 || biounit_session_state(s) != BIOUNIT_SESSION_REVIEW); i++) {
		char name[32];

		snprintf(name, sizeof(name), "photo-%d.png", i);
		c = bd_capture(BIOUNIT_STEP_PHOTO, 0, 91, 900000000ull + 100000000ull * i, name);
		if (photo_fails) {
			c.compliant = false;
			snprintf(c.reasons, sizeof(c.reasons), "%s", photo_fails);
		}
		r = i > 10 ? -EPROTO : bd_save_png(st, sid, name, fix_portrait(413, 531));
		if (!r)
			r = biounit_session_submit(s, &c);
	}
	if (r ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1763900000000000000ull)) ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_FINGER_MISSING, "bandaged",
					  1763900001000000000ull)))
		goto out;
	c = bd_capture(BIOUNIT_STEP_FINGERS, BIOUNIT_FINGER_RIGHT_THUMB, 72, 2000000000ull,
		       "finger-right_thumb-1.png");
	if ((r = bd_save_png(st, sid, c.file, fix_print(320, 400, 1))) ||
	    (r = biounit_session_submit(s, &c)))
		goto out;
	c = bd_capture(BIOUNIT_STEP_FINGERS, BIOUNIT_FINGER_LEFT_INDEX, 64, 3000000000ull,
		       "finger-left_index-1.png");
	if ((r = bd_save_png(st, sid, c.file, fix_print(320, 400, 2))) ||
	    (r = biounit_session_submit(s, &c)))
		goto out;
	c = bd_capture(BIOUNIT_STEP_SIGNATURE, 0, 100, 4000000000ull, "signature-1.png");
	r = biounit_signature_render(sig, BIOUNIT_SIGNATURE_RENDER_W, BIOUNIT_SIGNATURE_RENDER_H,
				     &img);
	if (r || (r = bd_save_png(st, sid, c.file, img)) ||
	    (r = bd_save_sig(st, sid, "signature-1.sig", sig)) ||
	    (r = biounit_session_submit(s, &c)) ||
	    (r = biounit_session_operator(s, BIOUNIT_OP_ACCEPT, NULL, 1763900002000000000ull)))
		goto out;
	r = biounit_session_state(s) == BIOUNIT_SESSION_FINISHED ? biounit_store_save(st, s)
								  : -EPROTO;
out:
	biounit_signature_free(sig);
	biounit_session_free(s);
	biounit_store_close(st);
	return r;
}

/* the usual session: a compliant photo */
static inline int bd_script_session(const char *state_dir, const char *sid, const char *code)
{
	return bd_script_session_photo(state_dir, sid, code, NULL);
}

/*
 * Runs the shell command @cmd, its standard output (as much as fits) in @out
 * as a string; its exit status, or -1 if it could not be run.
 */
static inline int bd_run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	out[0] = '\0';
	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* the names of the files in @dir (dot files left out), each followed by a space; their number */
static inline size_t bd_files_in(const char *dir, char *names, size_t size)
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

#endif /* BIOUNIT_BIOUNITD_FIXTURE_H */
