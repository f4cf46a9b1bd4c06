// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd's control interface on the host, without a unit: the daemon is
 * started on a private socket and state directory; refusals, malformed
 * messages and parameters, access by peer credentials, a session started
 * (paused: no unit), stored 0600, found again after SIGKILL and a restart,
 * resumed and discarded; the log carries the code's hash, never the code.
 * Needs $BIOUNIT_TOOLS/biounitd (make check sets it) and the face models.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <biounit/face.h>
#include "../../userspace/session/json.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define IFACE "nl.ind.biounit.Session"

struct env {
	char dir[64], sock[100], conf[128], log[128], bin[512];
	pid_t pid;
};

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* sends raw bytes (with their NUL) and reads one reply */
static struct json_value *raw(const struct env *e, const char *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_value *v = NULL;
	char buf[65536];
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

static struct json_value *call(const struct env *e, const char *method, const char *params)
{
	char msg[4096];

	snprintf(msg, sizeof(msg), "{\"method\":\"%s\",\"parameters\":%s}", method, params);
	return raw(e, msg, strlen(msg) + 1);
}

static const char *str(const struct json_value *o, const char *k)
{
	const char *s;

	return json_get_string(o, k, &s) ? "" : s;
}

static const struct json_value *par(const struct json_value *r)
{
	return json_get(r, "parameters");
}

static int start_daemon(struct env *e)
{
	for (int i = 0; i < 300; i++) {
		struct json_value *r;

		if (i == 0) {
			unlink(e->sock);
			e->pid = fork();
			if (e->pid == 0) {
				int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

				dup2(fd, 2);
				execl(e->bin, "biounitd", "-c", e->conf, (char *)NULL);
				_exit(127);
			}
		}
		r = call(e, "org.varlink.service.GetInfo", "{}");
		if (r) {
			json_free(r);
			return 0;
		}
		if (waitpid(e->pid, NULL, WNOHANG) == e->pid)
			return -ECHILD;
		msleep(100);
	}
	return -ETIMEDOUT;
}

static void stop_daemon(struct env *e, int sig)
{
	if (e->pid > 0) {
		kill(e->pid, sig);
		waitpid(e->pid, NULL, 0);
	}
	e->pid = 0;
}

FIXTURE(d) {
	struct env e;
};

FIXTURE_SETUP(d)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	FILE *f;

	memset(&self->e, 0, sizeof(self->e));
	snprintf(self->e.bin, sizeof(self->e.bin), "%s/biounitd", tools ? tools : ".");
	if (access(self->e.bin, X_OK))
		SKIP(return, "no biounitd (set BIOUNIT_TOOLS)");
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		SKIP(return, "needs libdlib-data and opencv-data");
	snprintf(self->e.dir, sizeof(self->e.dir), "/tmp/biounitd-host-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->e.dir));
	snprintf(self->e.sock, sizeof(self->e.sock), "%s/run/control.socket", self->e.dir);
	snprintf(self->e.conf, sizeof(self->e.conf), "%s/biounitd.conf", self->e.dir);
	snprintf(self->e.log, sizeof(self->e.log), "%s/log", self->e.dir);
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	/* a unit that is never there: sessions stay paused */
	fprintf(f, "socket_path = %s\nstate_dir = %s/state\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = /tmp/biounit-test-face-%d.cache\n", self->e.sock, self->e.dir,
		(int)getuid());
	fclose(f);
	ASSERT_EQ(0, start_daemon(&self->e));
}

FIXTURE_TEARDOWN(d)
{
	char cmd[160];

	if (!self->e.dir[0])
		return;
	stop_daemon(&self->e, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->e.dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->e.dir);
}

TEST_F(d, info_refusals_and_malformed_requests)
{
	struct json_value *r;
	struct stat st;

	ASSERT_EQ(0, stat(self->e.sock, &st));
	EXPECT_EQ(0660, st.st_mode & 0777);
	r = call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_STREQ("biounitd", str(par(r), "product"));
	json_free(r);

	r = call(&self->e, IFACE ".Start", "{\"appointment\":\"IND-0001\",\"age\":\"0\",\"needs\":[\"photo\"]}");
	EXPECT_STREQ(IFACE ".Refused", str(r, "error"));
	EXPECT_STREQ("under_1", str(par(r), "reason"));
	EXPECT_NE(NULL, strstr(str(par(r), "message_nl"), "fotokaart"));
	EXPECT_NE(NULL, strstr(str(par(r), "message_en"), "photo card"));
	json_free(r);
	r = call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-0001\",\"age\":\"1-5\",\"needs\":[\"fingers\"]}");
	EXPECT_STREQ("fingers_under_6", str(par(r), "reason"));
	json_free(r);

	static const struct { const char *params, *param; } bad[] = {
		{ "{\"age\":\"18+\",\"needs\":[\"photo\"]}", "appointment" },
		{ "{\"appointment\":\"ind-1\",\"age\":\"18+\",\"needs\":[\"photo\"]}", "appointment" },
		{ "{\"appointment\":7,\"age\":\"18+\",\"needs\":[\"photo\"]}", "appointment" },
		{ "{\"appointment\":\"IND-0001\",\"age\":\"17\",\"needs\":[\"photo\"]}", "age" },
		{ "{\"appointment\":\"IND-0001\",\"age\":\"18+\",\"needs\":[]}", "needs" },
		{ "{\"appointment\":\"IND-0001\",\"age\":\"18+\",\"needs\":\"photo\"}", "needs" },
		{ "{\"appointment\":\"IND-0001\",\"age\":\"18+\",\"needs\":[\"photo\"],\"x\":1}", "x" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = call(&self->e, IFACE ".Start", bad[i].params);
		(void)0;
		EXPECT_STREQ("org.varlink.service.InvalidParameter", str(r, "error")) TH_LOG("%s", bad[i].params);
		EXPECT_STREQ(bad[i].param, str(par(r), "parameter")) TH_LOG("%s", bad[i].params);
		json_free(r);
	}
	r = raw(&self->e, "garbage", 8);
	EXPECT_STREQ(IFACE ".MalformedMessage", str(r, "error"));
	json_free(r);
	r = raw(&self->e, "[1,2]", 6);
	EXPECT_STREQ(IFACE ".MalformedMessage", str(r, "error"));
	json_free(r);
	r = raw(&self->e, "{\"method\":\"" IFACE ".List\",\"oneway\":true}",
		sizeof("{\"method\":\"" IFACE ".List\",\"oneway\":true}"));
	EXPECT_STREQ(IFACE ".MalformedMessage", str(r, "error"));
	json_free(r);
	r = call(&self->e, IFACE ".Frobnicate", "{}");
	EXPECT_STREQ("org.varlink.service.MethodNotFound", str(r, "error"));
	json_free(r);
	r = call(&self->e, "org.example.Other", "{}");
	EXPECT_STREQ("org.varlink.service.InterfaceNotFound", str(r, "error"));
	json_free(r);
	r = call(&self->e, IFACE ".Status", "{\"id\":\"nope\"}");
	EXPECT_STREQ(IFACE ".NoSuchSession", str(r, "error"));
	json_free(r);
	/* nothing was made */
	r = call(&self->e, IFACE ".List", "{}");
	ASSERT_NE(NULL, json_get(par(r), "sessions"));
	EXPECT_EQ(0u, json_get(par(r), "sessions")->count);
	json_free(r);
}

TEST_F(d, peer_credentials_decide_access)
{
	pid_t pid;
	int status;
	char run[160];

	if (geteuid() != 0)
		SKIP(return, "needs root to connect as another user");
	/* the file mode keeps others out first; open it to test the credential check */
	snprintf(run, sizeof(run), "%s/run", self->e.dir);
	ASSERT_EQ(0, chmod(self->e.sock, 0666));
	ASSERT_EQ(0, chmod(self->e.dir, 0755));
	ASSERT_EQ(0, chmod(run, 0755));
	pid = fork();
	if (pid == 0) {
		struct json_value *r;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(3);
		r = call(&self->e, IFACE ".List", "{}");
		if (!r || strcmp(str(r, "error"), IFACE ".PermissionDenied")) {
			fprintf(stderr, "# as uid 65534: %s\n", r ? str(r, "error") : "no reply");
			_exit(1);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(d, session_stored_restart_resume_discard)
{
	struct json_value *r;
	char id[64], path[256], cmd[512];
	struct stat st;
	const struct json_value *list;
	bool active = true;

	r = call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-2026-4242\",\"age\":\"18+\",\"needs\":[\"photo\",\"signature\"]}");
	ASSERT_NE(NULL, json_get(par(r), "status")) TH_LOG("%s", str(r, "error"));
	snprintf(id, sizeof(id), "%s", str(json_get(par(r), "status"), "id"));
	/* no unit: paused at the photo, and stored */
	EXPECT_STREQ("paused", str(json_get(par(r), "status"), "state"));
	EXPECT_NE(NULL, strstr(str(json_get(par(r), "status"), "prompt_en"), "disconnected"));
	/* not finished: no package yet (the hand-off: test_biounitd_handoff.c) */
	EXPECT_STREQ("none", str(json_get(json_get(par(r), "status"), "handoff"), "state"));
	EXPECT_STREQ("", str(json_get(json_get(par(r), "status"), "handoff"), "package_hash"));
	json_free(r);
	/* the unit key made 0600 at the first start, the outbox 0600 */
	snprintf(path, sizeof(path), "%s/state/unit.key", self->e.dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	snprintf(path, sizeof(path), "%s/state/outbox.db", self->e.dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	snprintf(path, sizeof(path), "%s/state/sessions/%s/session.json", self->e.dir, id);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	r = call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-2026-4243\",\"age\":\"18+\",\"needs\":[\"photo\"]}");
	EXPECT_STREQ(IFACE ".Busy", str(r, "error"));
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\",\"action\":\"accept\"}", id);
	r = call(&self->e, IFACE ".Decide", cmd);
	EXPECT_STREQ(IFACE ".NotAllowed", str(r, "error"));
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\",\"action\":\"launch\"}", id);
	r = call(&self->e, IFACE ".Decide", cmd);
	EXPECT_STREQ("action", str(par(r), "parameter"));
	json_free(r);

	/* killed and started again: found, not active until Resume */
	stop_daemon(&self->e, SIGKILL);
	ASSERT_EQ(0, start_daemon(&self->e));
	r = call(&self->e, IFACE ".List", "{}");
	list = json_get(par(r), "sessions");
	ASSERT_NE(NULL, list);
	ASSERT_EQ(1u, list->count);
	EXPECT_STREQ(id, str(&list->items[0], "id"));
	json_get_bool(&list->items[0], "active", &active);
	EXPECT_FALSE(active);
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\"}", id);
	r = call(&self->e, IFACE ".Resume", cmd);
	ASSERT_NE(NULL, json_get(par(r), "status"));
	active = false;
	json_get_bool(json_get(par(r), "status"), "active", &active);
	EXPECT_TRUE(active);
	json_free(r);
	r = call(&self->e, IFACE ".Result", cmd);
	EXPECT_STREQ("IND-2026-4242", str(json_get(par(r), "session"), "appointment"));
	json_free(r);
	/* a follower gets the status now, then the end when it is discarded */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char msg[256], buf[65536];
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		size_t got = 0;
		struct json_value *f1 = NULL, *f2 = NULL;
		char *nul;

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", self->e.sock);
		ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
		snprintf(msg, sizeof(msg), "{\"method\":\"" IFACE ".Follow\",\"parameters\":{\"id\":\"%s\"},\"more\":true}", id);
		ASSERT_EQ((ssize_t)strlen(msg) + 1, send(fd, msg, strlen(msg) + 1, 0));
		while (!(nul = memchr(buf, '\0', got)) && got < sizeof(buf)) {
			ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);

			ASSERT_LT(0, n);
			got += (size_t)n;
		}
		ASSERT_EQ(0, json_parse(buf, (size_t)(nul - buf), &f1));
		active = false;
		json_get_bool(f1, "continues", &active);
		EXPECT_TRUE(active);
		got -= (size_t)(nul - buf) + 1;
		memmove(buf, nul + 1, got);
		r = call(&self->e, IFACE ".Discard", cmd);
		EXPECT_EQ(NULL, json_get(r, "error"));
		json_free(r);
		while (!(nul = memchr(buf, '\0', got)) && got < sizeof(buf)) {
			ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);

			ASSERT_LT(0, n);
			got += (size_t)n;
		}
		ASSERT_EQ(0, json_parse(buf, (size_t)(nul - buf), &f2));
		EXPECT_STREQ("discarded", str(json_get(par(f2), "status"), "state"));
		EXPECT_EQ(NULL, json_get(f2, "continues"));
		json_free(f1);
		json_free(f2);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/state/sessions/%s", self->e.dir, id);
	EXPECT_NE(0, stat(path, &st));
	r = call(&self->e, IFACE ".Status", cmd);
	EXPECT_STREQ(IFACE ".NoSuchSession", str(r, "error"));
	json_free(r);
	/* the log names the code's hash only */
	snprintf(cmd, sizeof(cmd), "grep -q IND-2026-4242 %s", self->e.log);
	EXPECT_NE(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "grep -q 'session %s' %s", id, self->e.log);
	EXPECT_EQ(0, system(cmd));
}

/* biounitctl's session commands against the daemon */
TEST_F(d, biounitctl_session)
{
	char cmd[1024], out[4096];
	FILE *p;
	size_t n;
	int rc;

	snprintf(cmd, sizeof(cmd), "%s/biounitctl", getenv("BIOUNIT_TOOLS"));
	if (access(cmd, X_OK))
		SKIP(return, "no biounitctl");
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session start IND-0001 0 photo",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	rc = pclose(p);
	EXPECT_EQ(1, WEXITSTATUS(rc));
	EXPECT_NE(NULL, strstr(out, "refused (under_1)"));
	EXPECT_NE(NULL, strstr(out, "NL: Bij kinderen"));
	EXPECT_NE(NULL, strstr(out, "EN: No biometrics"));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session start IND-0042 18+ photo,signature",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	rc = pclose(p);
	EXPECT_EQ(0, WEXITSTATUS(rc));
	EXPECT_NE(NULL, strstr(out, "[paused] photo | started"));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session list | grep -c paused",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	EXPECT_STREQ("1\n", out);
	snprintf(cmd, sizeof(cmd), "%s/biounitctl session frobnicate >/dev/null 2>&1",
		 getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
}

/* a config it does not understand stops it, naming the line; --check-config reads one */
TEST(config_errors_name_their_line)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char bin[512], conf[] = "/tmp/biounitd-conf-XXXXXX", cmd[1400], out[1024];
	static const struct { const char *text, *want; } cases[] = {
		{ "# ok\nphoto_attempts = 4\nfrobnicate = 1\n", ":3: unknown key \"frobnicate\"" },
		{ "finger_threshold = 101\n", ":1: bad value for finger_threshold" },
		{ "photo_attempts = 3x\n", ":1: bad value for photo_attempts" },
		{ "just words\n", ":1: want \"key = value\"" },
		{ "state_dir =\n", ":1: bad value for state_dir" },
		{ "\nordering_url = http://ordering.example/v1/packages\n",
		  ":2: bad value for ordering_url" },
	};
	FILE *f, *p;
	size_t n;
	int fd, rc;

	snprintf(bin, sizeof(bin), "%s/biounitd", tools ? tools : ".");
	if (access(bin, X_OK))
		SKIP(return, "no biounitd (set BIOUNIT_TOOLS)");
	fd = mkstemp(conf);
	ASSERT_LE(0, fd);
	close(fd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = fopen(conf, "w");
		ASSERT_NE(NULL, f);
		fputs(cases[i].text, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "%s -c %s --check-config 2>&1", bin, conf);
		p = popen(cmd, "r");
		ASSERT_NE(NULL, p);
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		rc = pclose(p);
		EXPECT_EQ(1, WEXITSTATUS(rc)) TH_LOG("%s", cases[i].text);
		EXPECT_NE(NULL, strstr(out, cases[i].want)) TH_LOG("%s", out);
	}
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fputs("photo_attempts = 5 # not a comment here\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c %s --check-config >/dev/null 2>&1", bin, conf);
	EXPECT_EQ(1, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "%s -c %s/../../userspace/daemon/biounitd.conf --check-config | grep -q 'finger_threshold = 30'",
		 bin, ".");
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fputs("ordering_url = https://127.0.0.1:8443/v1/packages\nordering_ca = /etc/ca.pem\n"
	      "outbox_path = /var/lib/x/outbox.db\nunit_key = /var/lib/x/unit.key\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c %s --check-config | grep -c "
		 "'^ordering_url = https://127.0.0.1:8443/v1/packages$\\|^ordering_ca = /etc/ca.pem$\\|"
		 "^outbox_path = /var/lib/x/outbox.db$\\|^unit_key = /var/lib/x/unit.key$' | grep -qx 4",
		 bin, conf);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "%s --bogus >/dev/null 2>&1", bin);
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
	unlink(conf);
}

TEST_HARNESS_MAIN
