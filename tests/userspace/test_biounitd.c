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

#include "face/face.h"
#include "biounitd_fixture.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define IFACE BD_IFACE

static const struct json_value *par(const struct json_value *r)
{
	return json_get(r, "parameters");
}

FIXTURE(d) {
	struct bd_env e;
};

FIXTURE_SETUP(d)
{
	char dir[64] = "/tmp/biounitd-host-XXXXXX";
	FILE *f;

	if (bd_env_init(&self->e, "/nonexistent"))
		SKIP(return, "no biounitd (set BIOUNIT_TOOLS)");
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		SKIP(return, "needs libdlib-data and opencv-data");
	ASSERT_NE(NULL, mkdtemp(dir));
	bd_env_init(&self->e, dir);
	/* the socket in a directory of its own (peer_credentials_decide_access opens it up) */
	snprintf(self->e.sock, sizeof(self->e.sock), "%s/run/control.socket", self->e.dir);
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	/* a unit that is never there: sessions stay paused */
	fprintf(f, "socket_path = %s\nstate_dir = %s/state\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = %s\n", self->e.sock, self->e.dir, test_face_cache_path());
	fclose(f);
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
}

FIXTURE_TEARDOWN(d)
{
	bd_cleanup(&self->e);
}

TEST_F(d, info_refusals_and_malformed_requests)
{
	struct json_value *r;
	struct stat st;

	ASSERT_EQ(0, stat(self->e.sock, &st));
	EXPECT_EQ(0660, st.st_mode & 0777);
	r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_STREQ("biounitd", bd_str(par(r), "product"));
	json_free(r);

	r = bd_call(&self->e, IFACE ".Start", "{\"appointment\":\"IND-0001\",\"age\":\"0\",\"needs\":[\"photo\"]}");
	EXPECT_STREQ(IFACE ".Refused", bd_str(r, "error"));
	EXPECT_STREQ("under_1", bd_str(par(r), "reason"));
	EXPECT_NE(NULL, strstr(bd_str(par(r), "message_nl"), "fotokaart"));
	EXPECT_NE(NULL, strstr(bd_str(par(r), "message_en"), "photo card"));
	json_free(r);
	r = bd_call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-0001\",\"age\":\"1-5\",\"needs\":[\"fingers\"]}");
	EXPECT_STREQ("fingers_under_6", bd_str(par(r), "reason"));
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
		r = bd_call(&self->e, IFACE ".Start", bad[i].params);
		(void)0;
		EXPECT_STREQ("org.varlink.service.InvalidParameter", bd_str(r, "error")) TH_LOG("%s", bad[i].params);
		EXPECT_STREQ(bad[i].param, bd_str(par(r), "parameter")) TH_LOG("%s", bad[i].params);
		json_free(r);
	}
	r = bd_raw(&self->e, "garbage", 8);
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	json_free(r);
	r = bd_raw(&self->e, "[1,2]", 6);
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	json_free(r);
	r = bd_raw(&self->e, "{\"method\":\"" IFACE ".List\",\"oneway\":true}",
		sizeof("{\"method\":\"" IFACE ".List\",\"oneway\":true}"));
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	json_free(r);
	r = bd_call(&self->e, IFACE ".Frobnicate", "{}");
	EXPECT_STREQ("org.varlink.service.MethodNotFound", bd_str(r, "error"));
	json_free(r);
	r = bd_call(&self->e, "org.example.Other", "{}");
	EXPECT_STREQ("org.varlink.service.InterfaceNotFound", bd_str(r, "error"));
	json_free(r);
	r = bd_call(&self->e, IFACE ".Status", "{\"id\":\"nope\"}");
	EXPECT_STREQ(IFACE ".NoSuchSession", bd_str(r, "error"));
	json_free(r);
	/* nothing was made */
	r = bd_call(&self->e, IFACE ".List", "{}");
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
		r = bd_call(&self->e, IFACE ".List", "{}");
		if (!r || strcmp(bd_str(r, "error"), IFACE ".PermissionDenied")) {
			fprintf(stderr, "# as uid 65534: %s\n", r ? bd_str(r, "error") : "no reply");
			_exit(1);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static void check_screen_member(struct __test_metadata *_metadata, const struct json_value *status)
{
	const struct json_value *scr = json_get(status, "screen");
	const char *state = bd_str(scr, "state");
	bool visible = true;
	char word[32];

	ASSERT_NE(NULL, scr);
	snprintf(word, sizeof(word), " %s ", state);
	EXPECT_NE(NULL, strstr(" showing none disconnected busy failed off ", word)) TH_LOG("%s", state);
	EXPECT_NE(0u, strlen(bd_str(scr, "detail")));
	EXPECT_EQ(0, json_get_bool(scr, "visible", &visible));
	EXPECT_EQ(!strcmp(state, "showing"), visible);
}

TEST_F(d, session_stored_restart_resume_discard)
{
	struct json_value *r;
	char id[64], path[256], cmd[512];
	struct stat st;
	const struct json_value *list;
	bool active = true;

	r = bd_call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-2026-4242\",\"age\":\"18+\",\"needs\":[\"photo\",\"signature\"]}");
	ASSERT_NE(NULL, json_get(par(r), "status")) TH_LOG("%s", bd_str(r, "error"));
	snprintf(id, sizeof(id), "%s", bd_str(json_get(par(r), "status"), "id"));
	/* no unit: paused at the photo, and stored */
	EXPECT_STREQ("paused", bd_str(json_get(par(r), "status"), "state"));
	EXPECT_NE(NULL, strstr(bd_str(json_get(par(r), "status"), "prompt_en"), "disconnected"));
	/* not finished: no package yet (the hand-off: test_biounitd_handoff.c) */
	EXPECT_STREQ("none", bd_str(json_get(json_get(par(r), "status"), "handoff"), "state"));
	EXPECT_STREQ("", bd_str(json_get(json_get(par(r), "status"), "handoff"), "package_hash"));
	/* whether the applicant can see the screen (docs/screen.md): a state and its reason */
	check_screen_member(_metadata, json_get(par(r), "status"));
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
	r = bd_call(&self->e, IFACE ".Start",
		 "{\"appointment\":\"IND-2026-4243\",\"age\":\"18+\",\"needs\":[\"photo\"]}");
	EXPECT_STREQ(IFACE ".Busy", bd_str(r, "error"));
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\",\"action\":\"accept\"}", id);
	r = bd_call(&self->e, IFACE ".Decide", cmd);
	EXPECT_STREQ(IFACE ".NotAllowed", bd_str(r, "error"));
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\",\"action\":\"launch\"}", id);
	r = bd_call(&self->e, IFACE ".Decide", cmd);
	EXPECT_STREQ("action", bd_str(par(r), "parameter"));
	json_free(r);

	/* killed and started again: found, not active until Resume */
	bd_stop(&self->e, SIGKILL);
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	r = bd_call(&self->e, IFACE ".List", "{}");
	list = json_get(par(r), "sessions");
	ASSERT_NE(NULL, list);
	ASSERT_EQ(1u, list->count);
	EXPECT_STREQ(id, bd_str(&list->items[0], "id"));
	json_get_bool(&list->items[0], "active", &active);
	EXPECT_FALSE(active);
	json_free(r);
	snprintf(cmd, sizeof(cmd), "{\"id\":\"%s\"}", id);
	r = bd_call(&self->e, IFACE ".Resume", cmd);
	ASSERT_NE(NULL, json_get(par(r), "status"));
	active = false;
	json_get_bool(json_get(par(r), "status"), "active", &active);
	EXPECT_TRUE(active);
	json_free(r);
	r = bd_call(&self->e, IFACE ".Result", cmd);
	EXPECT_STREQ("IND-2026-4242", bd_str(json_get(par(r), "session"), "appointment"));
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
		r = bd_call(&self->e, IFACE ".Discard", cmd);
		EXPECT_EQ(NULL, json_get(r, "error"));
		json_free(r);
		while (!(nul = memchr(buf, '\0', got)) && got < sizeof(buf)) {
			ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);

			ASSERT_LT(0, n);
			got += (size_t)n;
		}
		ASSERT_EQ(0, json_parse(buf, (size_t)(nul - buf), &f2));
		EXPECT_STREQ("discarded", bd_str(json_get(par(f2), "status"), "state"));
		EXPECT_EQ(NULL, json_get(f2, "continues"));
		json_free(f1);
		json_free(f2);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/state/sessions/%s", self->e.dir, id);
	EXPECT_NE(0, stat(path, &st));
	r = bd_call(&self->e, IFACE ".Status", cmd);
	EXPECT_STREQ(IFACE ".NoSuchSession", bd_str(r, "error"));
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
	char cmd[1024], out[4096], id[64] = "";

	snprintf(cmd, sizeof(cmd), "%s/biounitctl", getenv("BIOUNIT_TOOLS"));
	if (access(cmd, X_OK))
		SKIP(return, "no biounitctl");
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session start IND-0001 0 photo",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(1, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "refused (under_1)"));
	EXPECT_NE(NULL, strstr(out, "NL: Bij kinderen"));
	EXPECT_NE(NULL, strstr(out, "EN: No biometrics"));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session start IND-0042 18+ photo,signature",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "[paused] photo | started"));
	/* --json: the whole status object, one line that a JSON parser reads back */
	ASSERT_EQ(1, sscanf(out, "session %63s", id));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session status --json %s",
		 self->e.sock, getenv("BIOUNIT_TOOLS"), id);
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "{\"id\":\"", 7));
	EXPECT_NE(NULL, strstr(out, "\"state\":\"paused\""));
	EXPECT_NE(NULL, strstr(out, "\"screen\":{\"state\":"));
	EXPECT_EQ(1, (int)(strchr(out, '\n') == out + strlen(out) - 1));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session status --json %s |"
		 " python3 -c 'import json,sys; s=json.load(sys.stdin); assert s[\"id\"]==\"%s\"'",
		 self->e.sock, getenv("BIOUNIT_TOOLS"), id, id);
	EXPECT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session list | grep -c paused",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_STREQ("1\n", out);
	snprintf(cmd, sizeof(cmd), "%s/biounitctl session frobnicate >/dev/null 2>&1",
		 getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
}

/* a config it does not understand stops it, naming the line; --check-config reads one */
TEST(config_errors_name_their_line)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char bin[512], conf[] = "/tmp/biounitd-conf-XXXXXX", cmd[1400], out[4096];
	static const struct { const char *text, *want; } cases[] = {
		{ "# ok\nphoto_attempts = 4\nfrobnicate = 1\n", ":3: unknown key \"frobnicate\"" },
		{ "finger_threshold = 101\n", ":1: bad value for finger_threshold" },
		{ "photo_attempts = 3x\n", ":1: bad value for photo_attempts" },
		{ "just words\n", ":1: want \"key = value\"" },
		{ "state_dir =\n", ":1: bad value for state_dir" },
		{ "\nordering_url = http://ordering.example/v1/packages\n",
		  ":2: bad value for ordering_url" },
		/* the desk's own signals (docs/biounitd.md section 5a) */
		{ "desk_gpio_chip = desk-io\ndesk_lamp_wait = lamp pull-up\n",
		  ":2: bad value for desk_lamp_wait" },
		{ "desk_pedal = pedal\n", "desk_pedal names no chip (CHIP:LINE) and desk_gpio_chip "
		  "is not set" },
		{ "desk_pedals = pedal\n", ":1: unknown key \"desk_pedals\"" },
		{ "desk_debounce_ms = 5000\n", ":1: bad value for desk_debounce_ms" },
		/* the kept photo / signature on the applicant's screen (docs/screen.md) */
		{ "screen_kept_ms = 60001\n", ":1: bad value for screen_kept_ms" },
		/* the face camera's format: rgb24 or xbgr32 (docs/biounitd.md) */
		{ "photo_format = xbgr32\nphoto_format = XR24\n", ":2: bad value for photo_format" },
	};
	FILE *f;
	int fd;

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
		EXPECT_EQ(1, bd_run(cmd, out, sizeof(out))) TH_LOG("%s", cases[i].text);
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
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fputs("desk_gpio_chip = desk-io\ndesk_debounce_ms = 40\n"
	      "desk_pedal = usb-io:pedal active-low pull-up\ndesk_lamp_busy = busy\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c %s --check-config 2>&1", bin, conf);
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "desk_gpio_chip = desk-io\ndesk_debounce_ms = 40\n"));
	EXPECT_NE(NULL, strstr(out, "desk_pedal = usb-io:pedal active-low\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "desk_privacy = none\n"));
	EXPECT_NE(NULL, strstr(out, "desk_lamp_busy = desk-io:busy\n"));
	snprintf(cmd, sizeof(cmd), "%s -c ../../userspace/daemon/biounitd.conf --check-config | "
		 "grep -qx 'desk_pedal = none'", bin);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "%s -c ../../userspace/daemon/biounitd.conf --check-config | "
		 "grep -qx 'screen_kept_ms = 3000'", bin);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fputs("screen = off\nscreen_kept_ms = 0\nphoto_format = xbgr32\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c %s --check-config 2>&1", bin, conf);
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "screen = off\nscreen_kept_ms = 0\nphoto_format = xbgr32\n"))
		TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s -c ../../userspace/daemon/biounitd.conf --check-config | "
		 "grep -qx 'photo_format = auto'", bin);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
	snprintf(cmd, sizeof(cmd), "%s --bogus >/dev/null 2>&1", bin);
	EXPECT_EQ(2, WEXITSTATUS(system(cmd)));
	unlink(conf);
}

TEST_HARNESS_MAIN
