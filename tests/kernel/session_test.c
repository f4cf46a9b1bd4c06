// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd end to end against the simulator: the daemon is started on a
 * simulated unit, whole sessions are driven over its control socket with
 * scenes put in front of the sensors (made on the host by make_scenes), and
 * each must end in the expected state with the expected files:
 *   refusals (under 1; fingerprints for a 5-year-old) and a malformed request;
 *   a compliant photo first time; a non-compliant photo (light-grey head
 *   covering) then a compliant one; a dry fingerprint then a good one after a
 *   missing index finger; a signature; the unit unplugged and plugged in
 *   again mid-session; the daemon killed mid-session and restarted; the daemon
 *   restarted with photo_format = xbgr32 (the display's format): a compliant
 *   photo whose kept frame is the scene's pixels.
 * One daemon and one simulated unit serve every scenario, in order: they are
 * made before the kselftest harness runs the scenarios (each in a process of
 * its own, which may restart the daemon: its pid is in shared memory) and
 * removed after. Prints TAP (the harness). Linked dynamically like lib_test.
 * With --desk: the desk's own signals (issue 21) on the simulator's gpiochip:
 *   a wrong line name stops the daemon at start; the pedal captures and
 *   accepts, the lamps follow the states, the privacy switch pauses and
 *   resumes, the chip is unplugged and plugged in again mid-session.
 *   Its own TAP (three checks in order, one daemon), not the harness.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "session/json.h"
#include <biounit/image.h>
#include "bu_sim.h"

#define DIR "/tmp/biounitd-test"
#define SOCK DIR "/control.socket"
#define STATE DIR "/state"
#define IFACE "nl.ind.biounit.Session"
#define UNIT "sessdesk"
#define SERIAL "SESS-0001"
#define RETRY_PAUSE_MS 4000	/* biounitd.conf retry_pause_ms */

/*
 * The daemon's pid and whether a scenario failed, shared by the harness's processes (one
 * per scenario; one of them restarts the daemon)
 */
static pid_t *daemon_pid_shared;
#define daemon_pid (daemon_pid_shared[0])
#define failed_any (daemon_pid_shared[1])
static char scenes[512];
static char fail_msg[1024];

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			snprintf(fail_msg, sizeof(fail_msg), __VA_ARGS__); \
			return -1;                                        \
		}                                                         \
	} while (0)

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the control socket ---- */

/* one call; returns the parsed reply or NULL */
static struct json_value *call(const char *method, const char *params)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_value *v = NULL;
	char msg[4096], *buf = NULL;
	size_t len = 0, cap = 0;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SOCK);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return NULL;
	}
	snprintf(msg, sizeof(msg), "{\"method\":\"%s\",\"parameters\":%s}", method, params);
	if (send(fd, msg, strlen(msg) + 1, MSG_NOSIGNAL) < 0)
		goto out;
	for (;;) {
		ssize_t n;
		char *nul;

		if (cap - len < 4096) {
			char *p = realloc(buf, cap + 65536);

			if (!p)
				goto out;
			buf = p;
			cap += 65536;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n <= 0)
			goto out;
		len += (size_t)n;
		nul = memchr(buf, '\0', len);
		if (nul) {
			json_parse(buf, (size_t)(nul - buf), &v);
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return v;
}

static const char *str(const struct json_value *o, const char *key)
{
	const char *s;

	return json_get_string(o, key, &s) ? "" : s;
}

static long long num(const struct json_value *o, const char *key)
{
	long long v = -999;

	json_get_int(o, key, -1000000000LL, 1000000000LL, &v);
	return v;
}

static const struct json_value *params_of(const struct json_value *reply)
{
	return json_get(reply, "parameters");
}

static const struct json_value *status_of(const struct json_value *reply)
{
	return json_get(params_of(reply), "status");
}

static struct json_value *start(const char *code, const char *age, const char *needs)
{
	char p[512];

	snprintf(p, sizeof(p), "{\"appointment\":\"%s\",\"age\":\"%s\",\"needs\":[%s]}", code, age,
		 needs);
	return call(IFACE ".Start", p);
}

static struct json_value *by_id(const char *method, const char *id)
{
	char p[128];

	snprintf(p, sizeof(p), "{\"id\":\"%s\"}", id);
	return call(method, p);
}

static struct json_value *decide(const char *id, const char *action, const char *reason)
{
	char p[512];

	if (reason)
		snprintf(p, sizeof(p), "{\"id\":\"%s\",\"action\":\"%s\",\"reason\":\"%s\"}", id,
			 action, reason);
	else
		snprintf(p, sizeof(p), "{\"id\":\"%s\",\"action\":\"%s\"}", id, action);
	return call(IFACE ".Decide", p);
}

/*
 * Polls Status until @want (state, or "state:finger" with the finger name,
 * or "captures>=N") holds; returns the last status reply (caller frees) or NULL.
 */
static struct json_value *wait_for(const char *id, const char *want, unsigned int timeout_ms)
{
	uint64_t end = ms_now() + timeout_ms;
	struct json_value *r = NULL;

	while (ms_now() < end) {
		const struct json_value *st;
		bool ok = false;

		json_free(r);
		r = by_id(IFACE ".Status", id);
		st = status_of(r);
		if (st) {
			if (!strncmp(want, "captures>=", 10))
				ok = num(st, "captures") >= atoi(want + 10);
			else if (strchr(want, ':'))
				ok = !strncmp(want, str(st, "state"), (size_t)(strchr(want, ':') - want)) &&
				     !strcmp(strchr(want, ':') + 1, str(st, "finger_name"));
			else
				ok = !strcmp(want, str(st, "state"));
		}
		if (ok)
			return r;
		msleep(100);
	}
	if (r && status_of(r))
		fprintf(stderr, "# waited for %s; last: state %s step %s finger %s captures %lld event %s\n",
			want, str(status_of(r), "state"), str(status_of(r), "step"),
			str(status_of(r), "finger_name"), num(status_of(r), "captures"),
			str(status_of(r), "event"));
	json_free(r);
	return NULL;
}

/* ---- the unit and the daemon ---- */

static int scene(const char *channel, const char *file)
{
	char path[1024];
	struct stat st;
	void *buf;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", scenes, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return -errno;
	buf = malloc((size_t)st.st_size);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size) {
		close(fd);
		free(buf);
		return -EIO;
	}
	close(fd);
	r = bu_scene_write(UNIT, channel, buf, (size_t)st.st_size);
	free(buf);
	return r;
}

static int placed(int on)
{
	return bu_attr_write(UNIT, "finger/placed", on ? "1" : "0");
}

static bool have(const char *file)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", scenes, file);
	return access(path, R_OK) == 0;
}

static int start_daemon(void)
{
	uint64_t end = ms_now() + 180000;
	pid_t pid;

	unlink(SOCK);
	/* the child must not read the shared pid: the parent may have written it already */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(DIR "/biounitd.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execl("./biounitd", "biounitd", "-c", DIR "/biounitd.conf", (char *)NULL);
		_exit(127);
	}
	daemon_pid = pid;
	while (ms_now() < end) {
		struct json_value *r;
		int status;

		if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
			daemon_pid = 0;
			return -ECHILD;
		}
		r = call("org.varlink.service.GetInfo", "{}");
		if (r) {
			json_free(r);
			return 0;
		}
		msleep(200);
	}
	return -ETIMEDOUT;
}

/* @pid has ended: no such process, or a zombie not yet reaped by its parent */
static bool gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

static void stop_daemon(int sig)
{
	int status, i;

	if (daemon_pid > 0) {
		kill(daemon_pid, sig);
		/* started by another scenario's process: not ours to wait for */
		if (waitpid(daemon_pid, &status, 0) != daemon_pid)
			for (i = 0; i < 600 && !gone(daemon_pid); i++)
				msleep(50);
	}
	daemon_pid = 0;
}

/* the daemon's configuration, with @extra lines after the usual ones */
static int write_config(const char *extra)
{
	FILE *f = fopen(DIR "/biounitd.conf", "w");
	char cwd[512];

	if (!f || !getcwd(cwd, sizeof(cwd)))
		return -errno;
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = %s\nsocket_group = biounit\n"
		   "face_cascade = %s/models/haarcascade_frontalface_alt2.xml\n"
		   "face_landmarks = %s/models/shape_predictor_68_face_landmarks.dat\n"
		   "face_cache = %s/models/landmarks.cache\n"
		   "photo_timeout_ms = 15000\nphoto_min_frames = 3\nretry_pause_ms = %d\n"
		   "finger_timeout_ms = 4000\nfinger_settle_frames = 2\nsignature_end_ms = 350\n"
		   "signature_timeout_ms = 30000\n",
		SOCK, STATE, SERIAL, cwd, cwd, cwd, RETRY_PAUSE_MS);
	fputs(extra, f);
	return fclose(f) ? -errno : 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static int file_0600(const char *id, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/sessions/%s/%s", STATE, id, name);
	return mode_of(path) == 0600;
}

/* Result of @id: the stored session document (caller frees the reply) */
static struct json_value *result(const char *id, const struct json_value **session)
{
	struct json_value *r = by_id(IFACE ".Result", id);

	*session = json_get(params_of(r), "session");
	return r;
}

static const struct json_value *res_of(const struct json_value *session, const char *what)
{
	return json_get(json_get(session, "results"), what);
}

/* ---- the scenarios ---- */

/* Start refused with @reason and a message naming @nl / @en; no session made */
static int refused(const char *code, const char *age, const char *needs, const char *reason,
		   const char *nl, const char *en)
{
	struct json_value *r = start(code, age, needs);
	const struct json_value *p = params_of(r);

	CHECK(r, "no reply");
	CHECK(!strcmp(str(r, "error"), IFACE ".Refused"), "error %s", str(r, "error"));
	CHECK(!strcmp(str(p, "reason"), reason), "reason %s", str(p, "reason"));
	CHECK(strstr(str(p, "message_nl"), nl) && strstr(str(p, "message_en"), en),
	      "messages %s / %s", str(p, "message_nl"), str(p, "message_en"));
	json_free(r);
	r = call(IFACE ".List", "{}");
	CHECK(r && json_get(params_of(r), "sessions")->count == 0, "a session was made");
	json_free(r);
	return 0;
}

static int t_refused_under_1(void)
{
	return refused("IND-0001", "0", "\"photo\"", "under_1", "fotokaart", "photo card");
}

static int t_refused_fingers_5(void)
{
	return refused("IND-0002", "1-5", "\"photo\",\"fingers\",\"signature\"", "fingers_under_6",
		       "6 jaar", "age of 6");
}

static int t_malformed(void)
{
	struct json_value *r = start("IND-0003", "seventeen", "\"photo\"");

	CHECK(r && !strcmp(str(r, "error"), "org.varlink.service.InvalidParameter") &&
	      !strcmp(str(params_of(r), "parameter"), "age"), "bad age: %s", r ? str(r, "error") : "-");
	json_free(r);
	r = start("IND-0003", "18+", "\"photo\",\"iris\"");
	CHECK(r && !strcmp(str(params_of(r), "parameter"), "needs"), "bad needs");
	json_free(r);
	r = by_id(IFACE ".Status", "nope");
	CHECK(r && !strcmp(str(r, "error"), IFACE ".NoSuchSession"), "unknown id");
	json_free(r);
	r = call(IFACE ".Explode", "{}");
	CHECK(r && !strcmp(str(r, "error"), "org.varlink.service.MethodNotFound"), "unknown method");
	json_free(r);
	r = call(IFACE ".List", "{}");
	CHECK(r && json_get(params_of(r), "sessions")->count == 0, "a session was made");
	json_free(r);
	return 0;
}

/* file_holds - waits up to @ms for @path to contain @needle */
static bool file_holds(const char *path, const char *needle, int ms)
{
	char buf[8192];

	for (; ms > 0; ms -= 50) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, needle))
			return true;
		msleep(50);
	}
	return false;
}

/* @session_id: NULL, or room for the session's id (64 bytes) */
static int photo_session(bool covering_first, char *session_id)
{
	struct json_value *r, *w;
	const struct json_value *s, *caps;
	char id[64];
	int want = covering_first ? 1 : 0;
	pid_t follower = 0;

	CHECK(scene("face", covering_first ? "face-covering.ppm" : "face-good.ppm") == 0, "scene");
	r = start(covering_first ? "IND-0005" : "IND-0004", "18+", "\"photo\"");
	CHECK(r && status_of(r), "start: %s", r ? str(r, "error") : "no reply");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	if (session_id)
		snprintf(session_id, 64, "%s", id);
	json_free(r);
	if (covering_first) {
		w = wait_for(id, "captures>=1", 180000);
		CHECK(w, "no first photo");
		CHECK(!strcmp(str(status_of(w), "state"), "capturing"), "state %s after a bad photo",
		      str(status_of(w), "state"));
		CHECK(strstr(str(json_get(status_of(w), "last"), "reasons"), "covering_contrast"),
		      "reasons %s", str(json_get(status_of(w), "last"), "reasons"));
		json_free(w);
		/* the applicant takes the covering off during the pause */
		CHECK(scene("face", "face-good.ppm") == 0, "scene");
	}
	w = wait_for(id, "review", 180000);
	CHECK(w, "no review");
	CHECK(num(status_of(w), "best") == want, "best %lld", num(status_of(w), "best"));
	json_free(w);
	/* the operator's tool follows the session to its end (when the payload has it) */
	if (access("./biounitctl", X_OK) == 0) {
		unlink(DIR "/follow.out");	/* not the previous session's */
		follower = fork();
		if (follower == 0) {
			int fd = open(DIR "/follow.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

			dup2(fd, 1);
			setenv("BIOUNITD_SOCKET", SOCK, 1);
			execl("./biounitctl", "biounitctl", "session", "follow", id, (char *)NULL);
			_exit(127);
		}
		/* the follower has printed the state it found before the operator decides (a
		 * fixed pause lost that race on a loaded host) */
		CHECK(file_holds(DIR "/follow.out", "[review] photo", 60000),
		      "biounitctl session follow printed no [review] state");
	}
	r = decide(id, "accept", NULL);
	CHECK(r && !strcmp(str(status_of(r), "state"), "finished"), "accept: %s",
	      r ? str(r, "error") : "-");
	CHECK(!strcmp(str(status_of(r), "event"), "operator accept"), "event");
	json_free(r);
	r = result(id, &s);
	CHECK(s, "no result");
	CHECK(!strcmp(str(res_of(s, "photo"), "outcome"), "taken"), "outcome %s",
	      str(res_of(s, "photo"), "outcome"));
	CHECK(num(res_of(s, "photo"), "capture") == want, "capture");
	caps = json_get(s, "captures");
	CHECK(caps && (int)caps->count == want + 1, "captures");
	CHECK(!strcmp(str(&caps->items[want], "file"), want ? "photo-2.png" : "photo-1.png"), "file");
	CHECK(file_0600(id, str(&caps->items[want], "file")), "photo file not 0600");
	CHECK(file_0600(id, want ? "photo-2-frame.png" : "photo-1-frame.png"), "frame file");
	CHECK(file_0600(id, "session.json"), "session.json not 0600");
	{
		uint64_t ts = 0;

		json_get_u64(&caps->items[want], "timestamp_ns", &ts);
		CHECK(ts > 0, "no unit-clock timestamp");
	}
	if (covering_first)
		CHECK(strstr(str(&caps->items[0], "reasons"), "covering_contrast"), "reasons kept");
	json_free(r);
	if (follower > 0) {
		char out[4096] = "";
		int status, fd;
		ssize_t n;

		CHECK(waitpid(follower, &status, 0) == follower && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0, "biounitctl session follow did not end with the session");
		fd = open(DIR "/follow.out", O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, out, sizeof(out) - 1) : -1;
		if (fd >= 0)
			close(fd);
		out[n > 0 ? n : 0] = '\0';
		CHECK(strstr(out, "[review] photo") && strstr(out, "[finished] none | operator accept") &&
		      strstr(out, "NL: Klaar. Dank u wel.") && strstr(out, "EN: All done. Thank you."),
		      "follow printed: %.300s", out);
	}
	return 0;
}

static int t_photo_good(void)
{
	return photo_session(false, NULL);
}

static int t_photo_covering_then_good(void)
{
	return photo_session(true, NULL);
}

static struct bu_unit unit;

/* The kept frame @path against the scene @file scaled to it by nearest neighbour */
static int frame_is_scene(const char *path, const char *file)
{
	struct biounit_image *fi = NULL, *si = NULL;
	struct biounit_image_view fv, sv;
	char spath[1024];
	size_t bad = 0;

	snprintf(spath, sizeof(spath), "%s/%s", scenes, file);
	CHECK(biounit_image_load(path, &fi) == 0, "cannot read %s", path);
	if (biounit_image_load(spath, &si)) {
		biounit_image_free(fi);
		CHECK(0, "cannot read the scene %s", file);
	}
	fv = biounit_image_get_view(fi);
	sv = biounit_image_get_view(si);
	if (fv.format != BIOUNIT_PIX_RGB24 || sv.format != BIOUNIT_PIX_RGB24) {
		bad = 1;
	} else {
		for (uint32_t y = 0; y < fv.height; y++)
			for (uint32_t x = 0; x < fv.width; x++)
				bad += memcmp(fv.data + (size_t)y * fv.stride + 3 * x,
					      sv.data + (uint64_t)y * sv.height / fv.height * sv.stride +
					      3 * ((uint64_t)x * sv.width / fv.width), 3) != 0;
	}
	biounit_image_free(si);
	biounit_image_free(fi);
	CHECK(bad == 0, "%zu pixels of the kept frame differ from the scene", bad);
	return 0;
}

/*
 * The face camera in XBGR32 (photo_format = xbgr32, the format a display scans out as it is):
 * the daemon streams XBGR32, the photo is compliant and taken as in RGB24, and the kept
 * frame is the scene's own RGB pixel for pixel (the conversion for the quality code loses
 * nothing).
 */
static int photo_xbgr32(void)
{
	struct biounit_format f = { .channel = BIOUNIT_CH_FACE };
	char id[64] = "", path[512], node[32], dev[64];
	int fd, r;

	CHECK(write_config("photo_format = xbgr32\n") == 0, "config");
	stop_daemon(SIGTERM);
	CHECK(start_daemon() == 0, "restart with photo_format = xbgr32");
	r = photo_session(false, id);
	if (r)
		return r;
	/* the unit's node now: unplug_replug plugged it in again, and a kernel that
	 * delays releases (make check-debug's) gives it another number then */
	CHECK(bu_attr_read(UNIT, "dev_name", node, sizeof(node)) == 0, "dev_name");
	snprintf(dev, sizeof(dev), "/dev/%s", node);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0, "open %s", dev);
	r = ioctl(fd, BIOUNIT_IOC_G_FMT, &f);
	close(fd);
	CHECK(r == 0 && f.pixelformat == BIOUNIT_FMT_XBGR32 && f.width == 1920 &&
	      f.bytesperline == 1920 * 4, "the face channel's format %#x %ux%u, not XBGR32",
	      f.pixelformat, f.width, f.height);
	snprintf(path, sizeof(path), "%s/sessions/%s/photo-1-frame.png", STATE, id);
	return frame_is_scene(path, "face-good.ppm");
}

static int t_photo_xbgr32(void)
{
	int r = photo_xbgr32();

	/* the usual configuration again, whatever happened */
	stop_daemon(SIGTERM);
	if (write_config("") || start_daemon()) {
		snprintf(fail_msg, sizeof(fail_msg), "the daemon did not start again");
		return -1;
	}
	return r;
}

/* the photo kept with its reasons after every attempt (without a compliant scene) */
static int t_photo_kept_noncompliant(void)
{
	struct json_value *r, *w;
	const struct json_value *s;
	char id[64];

	CHECK(scene("face", "face-covering.ppm") == 0, "scene");
	r = start("IND-0006", "18+", "\"photo\"");
	CHECK(r && status_of(r), "start");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	json_free(r);
	w = wait_for(id, "review", 400000);
	CHECK(w && num(status_of(w), "captures") == 3, "no review after 3 attempts");
	json_free(w);
	r = decide(id, "accept", "covering is religious, light grey accepted");
	CHECK(r && !strcmp(str(status_of(r), "state"), "finished"), "accept");
	json_free(r);
	r = result(id, &s);
	CHECK(!strcmp(str(res_of(s, "photo"), "outcome"), "kept_noncompliant"), "outcome");
	CHECK(*str(res_of(s, "photo"), "reason") && num(res_of(s, "photo"), "capture") >= 0 &&
	      !strcmp(str(res_of(s, "photo"), "reason"),
		      str(&json_get(s, "captures")->items[num(res_of(s, "photo"), "capture")], "reasons")),
	      "reason %s", str(res_of(s, "photo"), "reason"));
	CHECK(json_get(s, "decisions")->count == 1, "decision recorded");
	json_free(r);
	return 0;
}

/* toggles the finger: lifted, the scene, placed again */
static int place(const char *file)
{
	if (placed(0))
		return -1;
	msleep(600);
	if (file && scene("finger", file))
		return -1;
	return placed(1);
}

static int t_fingers_missing_index_dry_then_good(void)
{
	struct json_value *r, *w;
	const struct json_value *s, *exc, *caps;
	char id[64];
	size_t i;
	bool dry_seen = false;

	CHECK(placed(0) == 0 && scene("finger", "finger-good.pgm") == 0, "scene");
	r = start("IND-0007", "18+", "\"fingers\"");
	CHECK(r && status_of(r), "start: %s", r ? str(r, "error") : "-");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	json_free(r);
	/* no right index finger: three empty attempts, then the thumb */
	w = wait_for(id, "capturing:right_thumb", 120000);
	CHECK(w, "the thumb was not asked for");
	CHECK(num(status_of(w), "captures") == 3, "captures %lld", num(status_of(w), "captures"));
	json_free(w);
	/* a dry thumb, then a good one */
	CHECK(place("finger-dry.pgm") == 0, "place");
	w = wait_for(id, "captures>=4", 60000);
	CHECK(w, "no dry capture");
	CHECK(!strcmp(str(status_of(w), "finger_name"), "right_thumb"), "moved on after a dry print");
	json_free(w);
	CHECK(place("finger-good.pgm") == 0, "place");
	w = wait_for(id, "capturing:left_index", 60000);
	CHECK(w, "left index not asked for");
	json_free(w);
	CHECK(place(NULL) == 0, "place");
	w = wait_for(id, "finished", 60000);
	CHECK(w, "not finished");
	CHECK(num(status_of(w), "captures") == 6, "captures %lld", num(status_of(w), "captures"));
	json_free(w);
	r = result(id, &s);
	CHECK(!strcmp(str(res_of(s, "right_hand"), "outcome"), "taken") &&
	      num(res_of(s, "right_hand"), "finger") == 1, "right hand: %s finger %lld",
	      str(res_of(s, "right_hand"), "outcome"), num(res_of(s, "right_hand"), "finger"));
	CHECK(num(res_of(s, "right_hand"), "capture") == 4, "right print is capture %lld",
	      num(res_of(s, "right_hand"), "capture"));
	CHECK(!strcmp(str(res_of(s, "left_hand"), "outcome"), "taken") &&
	      num(res_of(s, "left_hand"), "finger") == 7, "left hand");
	exc = json_get(s, "exceptions");
	CHECK(exc && exc->count == 1 && num(&exc->items[0], "finger") == 2 &&
	      !strcmp(str(&exc->items[0], "reason"), "missing"), "exception for the index");
	caps = json_get(s, "captures");
	for (i = 0; caps && i < caps->count; i++) {
		bool ok = true;

		json_get_bool(&caps->items[i], "compliant", &ok);
		if (num(&caps->items[i], "finger") == 1 && num(&caps->items[i], "attempt") == 1)
			dry_seen = !ok && num(&caps->items[i], "score") < 30;
	}
	CHECK(dry_seen, "the dry print is not recorded as below the threshold");
	CHECK(file_0600(id, "finger-right_thumb-2.png") && file_0600(id, "finger-left_index-1.png"),
	      "print files");
	json_free(r);
	return 0;
}

static int t_signature_edge_then_good(void)
{
	struct json_value *r, *w;
	const struct json_value *s, *caps;
	char id[64];

	CHECK(scene("signature", "signature-edge.txt") == 0, "scene");
	r = start("IND-0008", "12-17", "\"signature\"");
	CHECK(r && status_of(r), "start");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	json_free(r);
	w = wait_for(id, "captures>=1", 60000);
	CHECK(w, "no first signature");
	CHECK(!strcmp(str(status_of(w), "state"), "capturing"), "state %s", str(status_of(w), "state"));
	CHECK(strstr(str(json_get(status_of(w), "last"), "reasons"), "at_edge"), "reasons: %s",
	      str(json_get(status_of(w), "last"), "reasons"));
	CHECK(strstr(str(status_of(w), "prompt_en"), "Sign"), "prompt %s", str(status_of(w), "prompt_en"));
	json_free(w);
	/*
	 * Signed again, inside the box, once the next attempt has begun: the pad
	 * is silent during the pause (retry_pause_ms), and the good script, which
	 * the simulator plays from its top when it is written, starts after the
	 * pause. Written during the pause, it looped and the attempt began at a
	 * random point of it, taking only the last strokes (too_little_ink).
	 */
	bu_scene_write(UNIT, "signature", "# none\n", 7);
	msleep(RETRY_PAUSE_MS + 500);
	CHECK(scene("signature", "signature-good.txt") == 0, "scene");
	w = wait_for(id, "review", 60000);
	CHECK(w, "no review");
	CHECK(!strcmp(str(json_get(status_of(w), "last"), "reasons"), ""), "problems: %s",
	      str(json_get(status_of(w), "last"), "reasons"));
	json_free(w);
	r = decide(id, "accept", NULL);
	CHECK(r && !strcmp(str(status_of(r), "state"), "finished"), "accept");
	json_free(r);
	r = result(id, &s);
	CHECK(!strcmp(str(res_of(s, "signature"), "outcome"), "taken"), "outcome");
	CHECK(num(res_of(s, "signature"), "capture") == 1, "capture");
	caps = json_get(s, "captures");
	CHECK(caps && caps->count == 2, "captures");
	CHECK(file_0600(id, "signature-1.png") && file_0600(id, "signature-2.png"), "signature files");
	json_free(r);
	/* an empty script: the pad is silent */
	bu_scene_write(UNIT, "signature", "# none\n", 7);
	return 0;
}

static int t_unplug_replug(void)
{
	struct json_value *r, *w;
	const struct json_value *s;
	char id[64];

	CHECK(placed(0) == 0 && scene("finger", "finger-good.pgm") == 0, "scene");
	r = start("IND-0009", "18+", "\"fingers\"");
	CHECK(r && status_of(r), "start");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	json_free(r);
	w = wait_for(id, "capturing:right_index", 30000);
	CHECK(w, "not capturing");
	json_free(w);
	CHECK(bu_attr_write(UNIT, "live", "0") == 0, "unplug");
	w = wait_for(id, "paused", 30000);
	CHECK(w, "not paused");
	CHECK(strstr(str(status_of(w), "event"), "unplugged"), "event %s", str(status_of(w), "event"));
	CHECK(strstr(str(status_of(w), "prompt_en"), "disconnected"), "prompt");
	json_free(w);
	msleep(1000);
	CHECK(bu_attr_write(UNIT, "live", "1") == 0, "replug");
	w = wait_for(id, "capturing:right_index", 30000);
	CHECK(w, "not resumed");
	CHECK(num(status_of(w), "captures") == 0, "captures");
	json_free(w);
	CHECK(place(NULL) == 0, "place");
	w = wait_for(id, "capturing:left_index", 60000);
	CHECK(w, "right index not taken after the replug");
	json_free(w);
	CHECK(place(NULL) == 0, "place");
	w = wait_for(id, "finished", 60000);
	CHECK(w, "not finished");
	json_free(w);
	r = result(id, &s);
	CHECK(!strcmp(str(res_of(s, "right_hand"), "outcome"), "taken") &&
	      !strcmp(str(res_of(s, "left_hand"), "outcome"), "taken"), "hands");
	json_free(r);
	return 0;
}

static int t_daemon_restart(void)
{
	struct json_value *r, *w;
	const struct json_value *s, *list;
	char id[64];
	size_t i;
	bool found = false;

	CHECK(placed(0) == 0 && scene("finger", "finger-good.pgm") == 0, "scene");
	r = start("IND-0010", "18+", "\"fingers\"");
	CHECK(r && status_of(r), "start");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	json_free(r);
	CHECK(place(NULL) == 0, "place");
	w = wait_for(id, "capturing:left_index", 60000);
	CHECK(w, "right index not taken");
	json_free(w);
	CHECK(placed(0) == 0, "lift");
	stop_daemon(SIGKILL);
	CHECK(start_daemon() == 0, "restart");
	r = call(IFACE ".List", "{}");
	list = json_get(params_of(r), "sessions");
	for (i = 0; list && i < list->count; i++) {
		bool active = true;

		if (strcmp(str(&list->items[i], "id"), id))
			continue;
		found = true;
		json_get_bool(&list->items[i], "active", &active);
		CHECK(!active, "active before Resume");
		CHECK(!strcmp(str(&list->items[i], "finger_name"), "left_index"), "finger %s",
		      str(&list->items[i], "finger_name"));
	}
	json_free(r);
	CHECK(found, "the unfinished session was not found after the restart");
	r = decide(id, "accept", NULL);
	CHECK(r && !strcmp(str(r, "error"), IFACE ".NotAllowed"), "decide before resume");
	json_free(r);
	r = by_id(IFACE ".Resume", id);
	CHECK(r && status_of(r), "resume: %s", r ? str(r, "error") : "-");
	json_free(r);
	CHECK(placed(1) == 0, "place");
	w = wait_for(id, "finished", 60000);
	CHECK(w, "not finished after the restart");
	json_free(w);
	r = result(id, &s);
	CHECK(num(res_of(s, "right_hand"), "capture") == 0 &&
	      !strcmp(str(res_of(s, "left_hand"), "outcome"), "taken"), "results");
	json_free(r);
	return 0;
}

/* a failed scenario must not leave a session running into the next one */
static void discard_unfinished(void)
{
	struct json_value *r = call(IFACE ".List", "{}"), *d;
	const struct json_value *list = json_get(params_of(r), "sessions");
	size_t i;

	for (i = 0; list && i < list->count; i++) {
		const char *st = str(&list->items[i], "state");

		if (strcmp(st, "finished") && strcmp(st, "discarded")) {
			printf("# discarding %s (%s)\n", str(&list->items[i], "id"), st);
			d = by_id(IFACE ".Discard", str(&list->items[i], "id"));
			json_free(d);
		}
	}
	json_free(r);
}

/* A scenario may take minutes on a loaded emulated machine (a capture waits up to 60 s) */
FIXTURE(desk) {
};

FIXTURE_SETUP(desk)
{
	fail_msg[0] = '\0';
}

FIXTURE_TEARDOWN(desk)
{
	if (!_metadata->passed) {
		failed_any = 1;
		discard_unfinished();
	}
}

#define SCENARIO(name, what)							\
	TEST_F_TIMEOUT(desk, name, 600)						\
	{									\
		ASSERT_EQ(0, t_##name()) TH_LOG("%s: %s", what, fail_msg);	\
	}

SCENARIO(refused_under_1, "under 1: refused, photo card by mail (NL/EN)")
SCENARIO(refused_fingers_5, "fingerprints for a 5-year-old: refused (NL/EN)")
SCENARIO(malformed, "malformed requests: clear errors, nothing made")
SCENARIO(photo_good, "photo compliant the first time, accepted")
SCENARIO(photo_covering_then_good, "photo with a light-grey head covering, then compliant")
SCENARIO(photo_kept_noncompliant,
	 "photo non-compliant 3 times: the operator keeps the best with its reasons")
SCENARIO(fingers_missing_index_dry_then_good,
	 "fingers: index missing, the thumb dry then good, left index")
SCENARIO(signature_edge_then_good, "signature off the edge of the pad, then a good one")
SCENARIO(unplug_replug, "unit unplugged and plugged in mid-session: paused, resumed")
SCENARIO(daemon_restart, "daemon killed mid-session: found after restart, resumed, finished")
SCENARIO(photo_xbgr32, "photo from an XBGR32 camera (the display's format): compliant, taken, "
	 "its frame the scene's pixels")

static void show_log(void)
{
	char line[1024];
	FILE *f = fopen(DIR "/biounitd.log", "r");

	while (f && fgets(line, sizeof(line), f))
		printf("# log: %s", line);
	if (f)
		fclose(f);
}

/* --desk prints its own TAP: three checks in order against one daemon */
static int desk_tests, desk_failed;

static void desk_run(const char *name, int (*fn)(void))
{
	fail_msg[0] = '\0';
	if (fn() == 0) {
		printf("ok %d - %s\n", ++desk_tests, name);
	} else {
		printf("not ok %d - %s\n# %s\n", ++desk_tests, name, fail_msg);
		desk_failed = 1;
		discard_unfinished();
	}
	fflush(stdout);
}

/* ---- the desk's own signals (issue 21): session_test --desk ---- */

/* the simulator's desk gpiochip (driver/sim-gpio.c) and its lines */
#define DESK "gpio/bu-desk"
#define DESK_LABEL "desk-io"
static const char *const desk_lines[] = { "pedal", "privacy", "lamp-wait", "lamp-turn",
					  "lamp-camera", "lamp-busy" };
enum { L_PEDAL, L_PRIVACY, L_WAIT, L_TURN, L_CAMERA, L_BUSY, L_COUNT };

static int desk_attr(int line, const char *attr, const char *val)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "line%d/%s", line, attr);
	return bu_attr_write(DESK, rel, val);
}

static int desk_read(int line, const char *attr, char *buf, size_t len)
{
	char rel[64];
	int r;

	snprintf(rel, sizeof(rel), "line%d/%s", line, attr);
	r = bu_attr_read(DESK, rel, buf, len);
	buf[strcspn(buf, "\n")] = '\0';
	return r;
}

static int desk_create(void)
{
	char path[256];
	int i, r;

	snprintf(path, sizeof(path), "%s/%s", BU_SIM_ROOT, DESK);
	if (mkdir(path, 0755))
		return -errno;
	r = bu_attr_write(DESK, "label", DESK_LABEL);
	r = r ? r : bu_attr_write(DESK, "num_lines", "6");
	for (i = 0; i < L_COUNT && !r; i++) {
		snprintf(path, sizeof(path), "%s/%s/line%d", BU_SIM_ROOT, DESK, i);
		r = mkdir(path, 0755) ? -errno : desk_attr(i, "name", desk_lines[i]);
	}
	/* the pedal is a switch to ground: nothing holds the line but the daemon's pull-up */
	r = r ? r : desk_attr(L_PEDAL, "pull", "none");
	return r ? r : bu_attr_write(DESK, "live", "1");
}

static void desk_destroy(void)
{
	char path[256];
	int i;

	bu_attr_write(DESK, "live", "0");
	for (i = 0; i < L_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s/line%d", BU_SIM_ROOT, DESK, i);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/%s", BU_SIM_ROOT, DESK);
	rmdir(path);
}

/* "wait turn camera busy" as 0/1, read from the simulator (what the outputs drive) */
static void lamps(char *out, size_t len)
{
	char v[L_COUNT][8];
	int i;

	for (i = L_WAIT; i < L_COUNT; i++)
		if (desk_read(i, "value", v[i], sizeof(v[i])))
			snprintf(v[i], sizeof(v[i]), "?");
	snprintf(out, len, "%s%s%s%s", v[L_WAIT], v[L_TURN], v[L_CAMERA], v[L_BUSY]);
}

/* waits up to @ms for the lamps to read @want ("wait turn camera busy", e.g. "0011") */
static bool lamps_are(const char *want, int ms, char *got, size_t len)
{
	for (; ms > 0; ms -= 50) {
		lamps(got, len);
		if (!strcmp(got, want))
			return true;
		msleep(50);
	}
	return false;
}

/* the operator's foot: down (the line pulled to ground), held, up */
static int pedal(void)
{
	int r = desk_attr(L_PEDAL, "pull", "pull-down");

	msleep(200);	/* longer than desk_debounce_ms */
	return r ? r : desk_attr(L_PEDAL, "pull", "none");
}

static int log_count(const char *needle)
{
	char buf[65536];
	int fd = open(DIR "/biounitd.log", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = '\0';
	for (char *p = buf; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static int write_desk_config(const char *path, const char *pedal_line)
{
	FILE *f;
	int r = write_config("");

	f = r ? NULL : fopen(path, "a");
	if (!f)
		return r ? r : -errno;
	fprintf(f, "desk_gpio_chip = %s\ndesk_debounce_ms = 20\n"
		   "desk_pedal = %s active-low pull-up\ndesk_privacy = privacy\n"
		   "desk_lamp_wait = lamp-wait\ndesk_lamp_turn = lamp-turn\n"
		   "desk_lamp_camera = lamp-camera\ndesk_lamp_busy = " DESK_LABEL ":lamp-busy\n",
		DESK_LABEL, pedal_line);
	return fclose(f) ? -errno : 0;
}

/* a chip whose line names do not match the configuration: the daemon does not start */
static int t_desk_wrong_line_name(void)
{
	char cmd[512], out[2048] = "";
	FILE *p;
	int st;

	CHECK(write_desk_config(DIR "/biounitd.conf", "pedl") == 0, "config");
	snprintf(cmd, sizeof(cmd), "./biounitd -c %s/biounitd.conf 2>&1", DIR);
	p = popen(cmd, "r");
	CHECK(p, "popen");
	out[fread(out, 1, sizeof(out) - 1, p)] = '\0';
	st = pclose(p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d: %s", st, out);
	CHECK(strstr(out, "desk_pedal: gpiochip \"" DESK_LABEL "\" (gpiochip") &&
	      strstr(out, ") has no line named \"pedl\""), "message: %s", out);
	return 0;
}

/* no session: the lamps are off, the lines are the daemon's, the pedal has its pull-up */
static int t_desk_lines_taken(void)
{
	char got[40], v[32];

	CHECK(lamps_are("0000", 5000, got, sizeof(got)), "lamps %s, want 0000", got);
	CHECK(desk_read(L_BUSY, "direction", v, sizeof(v)) == 0 && !strcmp(v, "output"),
	      "busy lamp direction %s", v);
	CHECK(desk_read(L_PEDAL, "bias", v, sizeof(v)) == 0 && !strcmp(v, "pull-up"),
	      "pedal bias %s", v);
	CHECK(desk_read(L_PEDAL, "value", v, sizeof(v)) == 0 && !strcmp(v, "1"),
	      "pedal line %s (released: held up by the bias)", v);
	CHECK(log_count("desk_pedal: line 0 \"pedal\" of gpiochip") == 1, "no open logged");
	return 0;
}

/*
 * One photo session at the desk: the camera lamp while capturing, the pedal
 * takes the capture at once, the privacy switch pauses and resumes, the
 * adapter unplugged and plugged in again, the wait lamp in review, the pedal
 * accepts, the lamps go out.
 */
static int t_desk_session(void)
{
	struct json_value *r, *w;
	char id[64], got[40];
	uint64_t t0;
	bool on = false;


	/* no scene yet (grey, no face): the attempt runs until the pedal or photo_timeout_ms */
	r = start("IND-0101", "18+", "\"photo\"");
	CHECK(r && status_of(r), "start: %s", r ? str(r, "error") : "no reply");
	snprintf(id, sizeof(id), "%s", str(status_of(r), "id"));
	CHECK(json_get(status_of(r), "privacy"), "no privacy in the status");
	json_free(r);
	CHECK(lamps_are("0011", 5000, got, sizeof(got)), "capturing photo: lamps %s, want 0011", got);

	/* the pedal: the best frame so far is taken now, not after photo_timeout_ms (15 s) */
	msleep(1500);
	t0 = ms_now();
	CHECK(pedal() == 0, "pedal");
	w = wait_for(id, "captures>=1", 10000);
	CHECK(w, "the pedal took no capture");
	CHECK(ms_now() - t0 < 10000, "capture after %llu ms", (unsigned long long)(ms_now() - t0));
	json_free(w);
	CHECK(log_count("pedal: capture now") == 1, "pedal capture not logged");

	/* the privacy switch (a door contact): paused, the wait lamp; released: resumed */
	w = wait_for(id, "capturing", 20000);
	CHECK(w, "not capturing after the first attempt");
	json_free(w);
	CHECK(desk_attr(L_PRIVACY, "pull", "pull-up") == 0, "privacy on");
	w = wait_for(id, "paused", 5000);
	CHECK(w, "privacy did not pause");
	CHECK(!strcmp(str(status_of(w), "event"), "privacy switch: paused"), "event %s",
	      str(status_of(w), "event"));
	CHECK(json_get_bool(status_of(w), "privacy", &on) == 0 && on, "status privacy not true");
	json_free(w);
	CHECK(lamps_are("1001", 5000, got, sizeof(got)), "paused: lamps %s, want 1001", got);
	/* and the applicant's screen is blank (whether or not a display is attached) */
	r = by_id(IFACE ".Status", id);
	CHECK(status_of(r) && json_get(status_of(r), "screen") &&
	      !strcmp(str(json_get(status_of(r), "screen"), "scene"), "blank"),
	      "privacy on: screen scene %s, want blank",
	      status_of(r) && json_get(status_of(r), "screen") ?
	      str(json_get(status_of(r), "screen"), "scene") : "-");
	json_free(r);
	/* the pedal does nothing while paused */
	CHECK(pedal() == 0, "pedal");
	CHECK(desk_attr(L_PRIVACY, "pull", "pull-down") == 0, "privacy off");
	w = wait_for(id, "capturing", 5000);
	CHECK(w, "privacy off did not resume");
	CHECK(!strcmp(str(status_of(w), "event"), "privacy switch off: resumed"), "event %s",
	      str(status_of(w), "event"));
	CHECK(num(status_of(w), "captures") == 1, "captures %lld", num(status_of(w), "captures"));
	json_free(w);
	CHECK(lamps_are("0011", 5000, got, sizeof(got)), "resumed: lamps %s, want 0011", got);
	r = by_id(IFACE ".Status", id);
	CHECK(status_of(r) && json_get(status_of(r), "screen") &&
	      strcmp(str(json_get(status_of(r), "screen"), "scene"), "blank"),
	      "privacy off: the screen is still blank");
	json_free(r);

	/* the adapter unplugged mid-session: logged once, the session goes on */
	CHECK(bu_attr_write(DESK, "live", "0") == 0, "unplug the desk chip");
	msleep(1500);
	CHECK(log_count("desk gpiochip \"" DESK_LABEL "\" is gone") == 1, "gone logged %d times",
	      log_count("desk gpiochip \"" DESK_LABEL "\" is gone"));
	r = by_id(IFACE ".Status", id);
	CHECK(status_of(r) && !strcmp(str(status_of(r), "state"), "capturing"), "state %s",
	      status_of(r) ? str(status_of(r), "state") : "-");
	json_free(r);
	CHECK(bu_attr_write(DESK, "live", "1") == 0, "plug the desk chip in again");
	CHECK(lamps_are("0011", 5000, got, sizeof(got)), "re-plugged: lamps %s, want 0011", got);
	CHECK(log_count("desk_pedal: line 0 \"pedal\" of gpiochip") == 2, "pedal not picked up again");

	/* the applicant looks at the camera: compliant, review with the wait lamp */
	CHECK(scene("face", "face-good.ppm") == 0, "scene");
	w = wait_for(id, "review", 180000);
	CHECK(w, "no review");
	json_free(w);
	CHECK(lamps_are("1001", 5000, got, sizeof(got)), "review: lamps %s, want 1001", got);
	/* the pedal on the re-plugged chip accepts */
	CHECK(pedal() == 0, "pedal");
	w = wait_for(id, "finished", 10000);
	CHECK(w, "the pedal did not accept");
	CHECK(!strcmp(str(status_of(w), "event"), "pedal accept"), "event %s",
	      str(status_of(w), "event"));
	json_free(w);
	CHECK(lamps_are("0000", 5000, got, sizeof(got)), "finished: lamps %s, want 0000", got);
	return 0;
}

static int desk_main(void)
{
	const char *const setup[] = { "model=IND-BU1 (simulated)", "serial=" SERIAL, NULL };
	struct bu_unit desk_unit;
	int r;

	printf("TAP version 13\n1..3\n");
	fflush(stdout);
	if (!have("face-good.ppm")) {
		printf("Bail out! no face scenes in %s (tests/kernel/make_scenes)\n", scenes);
		return 1;
	}
	mkdir(DIR, 0700);
	unlink(DIR "/biounitd.log");
	r = desk_create();
	if (r) {
		printf("Bail out! simulated desk gpiochip: %s\n", strerror(-r));
		desk_destroy();
		return 1;
	}
	r = bu_unit_create(&desk_unit, UNIT, setup);
	if (r) {
		printf("Bail out! simulated unit: %s\n", strerror(-r));
		desk_destroy();
		return 1;
	}
	desk_run("desk: a chip without the configured line name: clear error at start",
	    t_desk_wrong_line_name);
	r = write_desk_config(DIR "/biounitd.conf", "pedal");
	r = r ? r : start_daemon();
	if (r) {
		printf("Bail out! biounitd did not start: %s\n", strerror(-r));
		show_log();
		bu_unit_destroy(&desk_unit);
		desk_destroy();
		return 1;
	}
	desk_run("desk: lamps off without a session, lines taken with active-low and pull-up",
	    t_desk_lines_taken);
	desk_run("desk: pedal captures, privacy pauses and resumes, chip re-plugged, pedal accepts, "
	    "lamps follow", t_desk_session);
	stop_daemon(SIGTERM);
	if (desk_failed)
		show_log();
	bu_unit_destroy(&desk_unit);
	desk_destroy();
	return desk_failed;
}

static pid_t main_pid;

/*
 * After the harness (it ends the program with exit()): the daemon stopped, its log shown
 * if a scenario failed, the unit removed. Only in the main process: the harness's
 * processes of the scenarios exit too.
 */
static void clean_up(void)
{
	if (getpid() != main_pid)
		return;
	stop_daemon(SIGTERM);
	if (failed_any)
		show_log();
	bu_unit_destroy(&unit);
}

/* Set-up around the harness; a set-up failure is a TAP bail-out */
int main(int argc, char **argv)
{
	const char *const setup[] = { "model=IND-BU1 (simulated)", "serial=" SERIAL, NULL };
	int r;

	bool desk = argc > 1 && !strcmp(argv[1], "--desk");

	if (desk) {
		argv++;
		argc--;
	}
	snprintf(scenes, sizeof(scenes), "%s", argc > 1 && argv[1][0] != '-' ? argv[1] : "scenes");
	daemon_pid_shared = mmap(NULL, 2 * sizeof(pid_t), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (daemon_pid_shared == MAP_FAILED) {
		printf("TAP version 13\nBail out! mmap: %s\n", strerror(errno));
		return 1;
	}
	if (desk)
		return desk_main();
	if (!have("face-good.ppm") || !have("face-covering.ppm")) {
		printf("TAP version 13\nBail out! no face scenes in %s (tests/kernel/make_scenes)\n",
		       scenes);
		return 1;
	}
	mkdir(DIR, 0700);
	if (write_config("")) {
		printf("TAP version 13\nBail out! cannot write the config\n");
		return 1;
	}
	r = bu_unit_create(&unit, UNIT, setup);
	if (r) {
		printf("TAP version 13\nBail out! simulated unit: %s\n", strerror(-r));
		return 1;
	}
	placed(0);
	r = start_daemon();
	if (r) {
		printf("TAP version 13\nBail out! biounitd did not start: %s\n", strerror(-r));
		show_log();
		bu_unit_destroy(&unit);
		return 1;
	}
	fflush(stdout);
	main_pid = getpid();
	atexit(clean_up);
	return test_harness_run(argc, argv);
}
