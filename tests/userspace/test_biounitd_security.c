// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd's faults from the security review (issue 18), each on the host
 * without a unit: a second daemon on the same state directory or socket
 * refuses to start and the first keeps its socket; List streams or pages
 * thousands of sessions; silent connections are closed and root keeps a slot;
 * unsafe owners and modes of the state are refused with their fix; the
 * Varlink reader refuses invalid UTF-8, repeated names and long messages and
 * describes its interfaces; refused peers do not flood the log; the installed
 * daemon has no test hooks; biounitctl's limits.
 * Needs $BIOUNIT_TOOLS (biounitd, biounitctl), the test build of biounitd
 * (biounitd_fixture.h) and the face models; some cases need root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
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

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* a connection to @sock, -1 if none */
static int sock_connect(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* the messages of one connection, one by one */
struct rd {
	int fd;
	char *buf;
	size_t len, cap;
};

/* the next message (NULL at the end, on an error, or after @ms without one) */
static struct json_value *rd_next(struct rd *r, int ms)
{
	for (;;) {
		char *nul = r->len ? memchr(r->buf, '\0', r->len) : NULL;
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		struct json_value *v = NULL;
		ssize_t n;

		if (nul) {
			size_t mlen = (size_t)(nul - r->buf);

			json_parse(r->buf, mlen, &v);
			memmove(r->buf, nul + 1, r->len - mlen - 1);
			r->len -= mlen + 1;
			return v;
		}
		if (r->cap - r->len < 65536) {
			r->cap += 1 << 20;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				return NULL;
		}
		if (poll(&p, 1, ms) != 1)
			return NULL;
		n = recv(r->fd, r->buf + r->len, r->cap - r->len, 0);
		if (n <= 0)
			return NULL;
		r->len += (size_t)n;
	}
}

/* the connection was closed by the daemon within @ms (EOF, nothing sent) */
static bool closed_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, ms) == 1 && recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

/* how many lines of @file contain @text */
static int count_in(const char *file, const char *text)
{
	FILE *f = fopen(file, "r");
	char line[4096];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* biounitd (the test build) on @conf, its stderr to @log; the pid */
static pid_t spawn(const char *bin, const char *conf, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execl(bin, "biounitd", "-c", conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* its exit status if @pid ends within @ms; else it is killed and -1 */
static int wait_exit(pid_t pid, int ms)
{
	int st;

	for (int i = 0; i < ms / 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

FIXTURE(d) {
	struct bd_env e;
	char run[64];
	pid_t other;	/* a second daemon a test started (stopped at the end) */
};

/* the configuration: the fixture's paths and @extra lines */
static int write_conf(const struct bd_env *e, const char *path, const char *state,
		      const char *extra)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\nface_cache = %s\n%s",
		e->sock, state, test_face_cache_path(), extra ? extra : "");
	return fclose(f) ? -EIO : 0;
}

FIXTURE_SETUP(d)
{
	char dir[32] = "/tmp/biounitd-sec-XXXXXX";

	if (bd_env_init(&self->e, "/nonexistent"))
		SKIP(return, "no test build of biounitd (make -C userspace tests)");
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		SKIP(return, "needs libdlib-data and opencv-data");
	ASSERT_NE(NULL, mkdtemp(dir));
	bd_env_init(&self->e, dir);
	snprintf(self->run, sizeof(self->run), "%s/run", dir);
	snprintf(self->e.sock, sizeof(self->e.sock), "%s/control.socket", self->run);
	ASSERT_EQ(0, write_conf(&self->e, self->e.conf, self->e.state, NULL));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
}

FIXTURE_TEARDOWN(d)
{
	if (self->other > 0) {
		kill(self->other, SIGKILL);
		waitpid(self->other, NULL, 0);
	}
	bd_cleanup(&self->e);
}

/* issue 18 item 3 */
TEST_F(d, a_second_daemon_neither_starts_nor_takes_the_socket)
{
	char conf2[128], state2[128], want[256];
	struct json_value *r;
	struct stat st;
	pid_t b;

	/* the same configuration: refused by the state directory's lock, the socket kept */
	b = spawn(self->e.bin, self->e.conf, self->e.log);
	EXPECT_EQ(1, wait_exit(b, 10000));
	snprintf(want, sizeof(want), "state directory %s is in use by another biounitd (pid %d)",
		 self->e.state, (int)self->e.pid);
	EXPECT_EQ(1, count_in(self->e.log, want));
	r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_STREQ("biounitd", bd_str(par(r), "product"));
	json_free(r);

	/* another state directory, the same socket: the live socket is not taken over */
	snprintf(conf2, sizeof(conf2), "%s/second.conf", self->e.dir);
	snprintf(state2, sizeof(state2), "%s/state2", self->e.dir);
	ASSERT_EQ(0, write_conf(&self->e, conf2, state2, NULL));
	b = spawn(self->e.bin, conf2, self->e.log);
	EXPECT_EQ(1, wait_exit(b, 10000));
	EXPECT_EQ(1, count_in(self->e.log, "is in use by another process"));
	r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_NE(NULL, r);
	json_free(r);

	/* the first's socket removed by hand, a second daemon there: stopping the first leaves it */
	ASSERT_EQ(0, unlink(self->e.sock));
	b = self->other = spawn(self->e.bin, conf2, self->e.log);
	for (int i = 0; i < 200 && !(r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}")); i++)
		usleep(50000);
	ASSERT_NE(NULL, r);
	json_free(r);
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
	EXPECT_EQ(0, lstat(self->e.sock, &st));
	r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_NE(NULL, r);
	json_free(r);
	kill(b, SIGTERM);
	EXPECT_EQ(0, wait_exit(b, 10000));
	self->other = 0;
	EXPECT_NE(0, lstat(self->e.sock, &st));
}

/* receipts of delivered sessions written straight into the store (no fsync: a test) */
static int write_receipts(const char *state, unsigned int n)
{
	char path[256], doc[1024];
	FILE *f;

	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/sessions/20260101-%010x", state, i);
		if (mkdir(path, 0700))
			return -errno;
		snprintf(doc, sizeof(doc),
			 "{\"format\":\"biounit-session-receipt\",\"version\":1,\"id\":\"20260101-%010x\","
			 "\"appointment_hash\":\"%064x\",\"state\":\"finished\",\"captures\":6,"
			 "\"results\":{\"photo\":\"taken\",\"right_hand\":\"taken\",\"left_hand\":\"taken\","
			 "\"signature\":\"taken\"},\"package_hash\":\"%064x\",\"package_id\":\"%032x\","
			 "\"ack_id\":\"ack-%u\",\"delivered_ms\":1,\"wiped_ms\":2}", i, i, i + 1, i, i);
		strcat(path, "/session.json");
		f = fopen(path, "w");
		if (!f)
			return -errno;
		fputs(doc, f);
		if (fclose(f))
			return -EIO;
	}
	return 0;
}

/* issue 18 item 4: more sessions than one 4 MiB reply holds */
TEST_F_TIMEOUT(d, list_streams_and_pages_thousands_of_sessions, 120)
{
	const unsigned int n = 7000;
	struct json_value *r;
	struct rd rd = { 0 };
	char msg[256], cmd[1024], out[256];
	size_t statuses = 0;
	long long count = -1, total = -1;
	bool cont = true;

	bd_stop(&self->e, SIGTERM);
	ASSERT_EQ(0, write_receipts(self->e.state, n));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));

	/* with more: one reply per session, then the count */
	rd.fd = sock_connect(self->e.sock);
	ASSERT_LE(0, rd.fd);
	snprintf(msg, sizeof(msg), "{\"method\":\"" IFACE ".List\",\"more\":true}");
	ASSERT_EQ((ssize_t)strlen(msg) + 1, send(rd.fd, msg, strlen(msg) + 1, MSG_NOSIGNAL));
	while (cont && (r = rd_next(&rd, 20000))) {
		const struct json_value *st = json_get(par(r), "status");

		cont = false;
		json_get_bool(r, "continues", &cont);
		if (st)
			statuses++;
		else
			json_get_int(par(r), "count", 0, 1 << 30, &count);
		EXPECT_EQ(NULL, json_get(r, "error"));
		json_free(r);
	}
	/* the next call on the connection is answered after the stream */
	snprintf(msg, sizeof(msg), "{\"method\":\"org.varlink.service.GetInfo\"}");
	ASSERT_EQ((ssize_t)strlen(msg) + 1, send(rd.fd, msg, strlen(msg) + 1, MSG_NOSIGNAL));
	r = rd_next(&rd, 5000);
	EXPECT_STREQ("biounitd", bd_str(par(r), "product"));
	json_free(r);
	close(rd.fd);
	free(rd.buf);
	EXPECT_FALSE(cont);
	EXPECT_EQ(n, statuses);
	EXPECT_EQ((long long)n, count);

	/* without more: a page of at most 100, and the total */
	r = bd_call(&self->e, IFACE ".List", "{}");
	ASSERT_NE(NULL, json_get(par(r), "sessions"));
	EXPECT_EQ(100u, json_get(par(r), "sessions")->count);
	json_get_int(par(r), "total", 0, 1 << 30, &total);
	EXPECT_EQ((long long)n, total);
	json_free(r);
	snprintf(msg, sizeof(msg), "{\"offset\":%u,\"limit\":100}", n - 30);
	r = bd_call(&self->e, IFACE ".List", msg);
	ASSERT_NE(NULL, json_get(par(r), "sessions"));
	EXPECT_EQ(30u, json_get(par(r), "sessions")->count);
	json_free(r);
	r = bd_call(&self->e, IFACE ".List", "{\"limit\":101}");
	EXPECT_STREQ("limit", bd_str(par(r), "parameter"));
	json_free(r);
	r = bd_call(&self->e, IFACE ".List", "{\"offset\":-1}");
	EXPECT_STREQ("offset", bd_str(par(r), "parameter"));
	json_free(r);

	/* biounitctl lists them all */
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session list | grep -c ' finished '",
		 self->e.sock, getenv("BIOUNIT_TOOLS"));
	EXPECT_EQ(0, bd_run(cmd, out, sizeof(out)));
	EXPECT_EQ((int)n, atoi(out));
	EXPECT_EQ(0, count_in(self->e.log, "does not read its replies"));
	EXPECT_EQ(0, count_in(self->e.log, "has not read"));
}

/* issue 18 item 5: connections that say nothing are closed (test hooks: short deadlines) */
TEST_F(d, silent_connections_are_closed)
{
	int silent, partial, idle, follower;
	struct json_value *r;
	struct rd rd = { 0 };
	char msg[256], id[64];
	uint64_t t0;

	bd_stop(&self->e, SIGTERM);
	setenv("BIOUNITD_TEST_FIRST_MESSAGE_MS", "700", 1);
	setenv("BIOUNITD_TEST_IDLE_MS", "2000", 1);
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	unsetenv("BIOUNITD_TEST_FIRST_MESSAGE_MS");
	unsetenv("BIOUNITD_TEST_IDLE_MS");
	r = bd_call(&self->e, IFACE ".Start",
		    "{\"appointment\":\"IND-0001\",\"age\":\"18+\",\"needs\":[\"photo\"]}");
	snprintf(id, sizeof(id), "%s", bd_str(json_get(par(r), "status"), "id"));
	json_free(r);
	ASSERT_NE(0, id[0]);

	t0 = ms_now();
	silent = sock_connect(self->e.sock);
	partial = sock_connect(self->e.sock);
	idle = sock_connect(self->e.sock);
	follower = sock_connect(self->e.sock);
	ASSERT_LE(0, silent);
	ASSERT_LE(0, follower);
	ASSERT_EQ(1, send(partial, "{", 1, MSG_NOSIGNAL));
	rd.fd = idle;
	snprintf(msg, sizeof(msg), "{\"method\":\"org.varlink.service.GetInfo\"}");
	ASSERT_EQ((ssize_t)strlen(msg) + 1, send(idle, msg, strlen(msg) + 1, MSG_NOSIGNAL));
	r = rd_next(&rd, 2000);
	EXPECT_NE(NULL, r);
	json_free(r);
	rd.fd = follower;
	snprintf(msg, sizeof(msg), "{\"method\":\"" IFACE ".Follow\",\"parameters\":{\"id\":\"%s\"},"
		 "\"more\":true}", id);
	ASSERT_EQ((ssize_t)strlen(msg) + 1, send(follower, msg, strlen(msg) + 1, MSG_NOSIGNAL));
	r = rd_next(&rd, 2000);
	EXPECT_NE(NULL, r);
	json_free(r);

	/* no message, and a message begun but not finished: closed after 0.7 s */
	EXPECT_TRUE(closed_within(silent, 3000));
	EXPECT_TRUE(closed_within(partial, 3000));
	EXPECT_GT(ms_now() - t0, 500u);
	EXPECT_LT(ms_now() - t0, 2500u);
	/* idle after its call: closed after 2 s; a follower is not */
	EXPECT_FALSE(closed_within(idle, 500));
	EXPECT_TRUE(closed_within(idle, 4000));
	EXPECT_FALSE(closed_within(follower, 1500));
	close(silent);
	close(partial);
	close(idle);
	close(follower);
	free(rd.buf);
	EXPECT_LE(2, count_in(self->e.log, "no message in time after connecting") +
		     count_in(self->e.log, "a message was not finished in time"));
	r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
	EXPECT_NE(NULL, r);
	json_free(r);
}

/* open the socket to uid 65534 (the file mode keeps others out first) */
static void open_up(struct __test_metadata *_metadata, const struct bd_env *e, const char *run)
{
	ASSERT_EQ(0, chmod(e->sock, 0666));
	ASSERT_EQ(0, chmod(e->dir, 0755));
	ASSERT_EQ(0, chmod(run, 0755));
}

/* issue 18 item 5: 32 connections of a socket_group member leave root a slot */
TEST_F(d, root_keeps_a_slot_when_the_group_holds_the_rest)
{
	/* uid 65534 in socket_group: 28 slots; in operator_group: all 32 */
	static const char *const conf[2] = { "socket_group = nogroup\n",
					     "socket_group = no-such-group-x\noperator_group = nogroup\n" };
	static const char *const want[2] = { "28 4\n", "32 0\n" };

	if (geteuid() != 0)
		SKIP(return, "needs root to connect as another user");
	for (int k = 0; k < 2; k++) {
		int to_child[2], from_child[2], st;
		struct json_value *r;
		char res[64] = "";
		pid_t pid;

		bd_stop(&self->e, SIGTERM);
		ASSERT_EQ(0, write_conf(&self->e, self->e.conf, self->e.state, conf[k]));
		ASSERT_EQ(0, bd_start(&self->e, NULL, true));
		open_up(_metadata, &self->e, self->run);
		ASSERT_EQ(0, pipe(to_child));
		ASSERT_EQ(0, pipe(from_child));
		pid = fork();
		if (pid == 0) {
			int fds[32], accepted = 0, busy = 0;
			char go;

			if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
				_exit(3);
			for (int i = 0; i < 32; i++)
				fds[i] = sock_connect(self->e.sock);
			usleep(300000);
			for (int i = 0; i < 32; i++) {
				struct pollfd p = { .fd = fds[i], .events = POLLIN };

				if (fds[i] < 0)
					continue;
				if (poll(&p, 1, 0) == 1)
					busy++;		/* Busy, then closed */
				else
					accepted++;
			}
			dprintf(from_child[1], "%d %d\n", accepted, busy);
			if (read(to_child[0], &go, 1) < 0)
				_exit(4);
			_exit(0);
		}
		close(to_child[0]);
		close(from_child[1]);
		ASSERT_LT(0, read(from_child[0], res, sizeof(res) - 1));
		EXPECT_STREQ(want[k], res) TH_LOG("%s", conf[k]);
		/* root: a reserved slot while the group holds 28; Busy once all 32 are taken */
		r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");
		if (k == 0) {
			EXPECT_STREQ("biounitd", bd_str(par(r), "product"));
		} else {
			EXPECT_STREQ(IFACE ".Busy", bd_str(r, "error"));
		}
		json_free(r);
		ASSERT_EQ(1, write(to_child[1], "x", 1));
		waitpid(pid, &st, 0);
		EXPECT_EQ(0, WEXITSTATUS(st));
		close(to_child[1]);
		close(from_child[0]);
	}
	EXPECT_LE(2, count_in(self->e.log, "too many clients"));
}

/* issue 18 item 6: every directory and key checked, the fix said */
TEST_F(d, unsafe_owners_and_modes_are_refused_with_their_fix)
{
	const char *S = self->e.state, *R = self->run;
	struct case_ {
		char bad[512], good[512], want[512];
		bool root;
	} c[10];
	int n = 0, i;

	memset(c, 0, sizeof(c));
#define CASE(b, g, w, ...) do { \
		snprintf(c[n].bad, sizeof(c[n].bad), b, __VA_ARGS__); \
		snprintf(c[n].good, sizeof(c[n].good), g, __VA_ARGS__); \
		snprintf(c[n].want, sizeof(c[n].want), w, __VA_ARGS__); \
		n++; } while (0)
	CASE("chmod 0777 %1$s", "chmod 0700 %1$s", "state directory %1$s is mode 0777: it must "
	     "not be writable by group or others (chmod 0700 %1$s)", S);
	CASE("chmod 0755 %1$s/sessions", "chmod 0700 %1$s/sessions", "sessions directory "
	     "%1$s/sessions is mode 0755: group and others must have no access to it (chmod 0700 "
	     "%1$s/sessions)", S);
	CASE("mkdir -m 0755 %1$s/sessions/20260101-00000000aa", "rmdir %1$s/sessions/20260101-00000000aa",
	     "session directory %1$s/sessions/20260101-00000000aa is mode 0755: group and others "
	     "must have no access to it (chmod 0700 %1$s/sessions/20260101-00000000aa)", S);
	CASE("chmod 0644 %1$s/hash.key", "chmod 0600 %1$s/hash.key", "hash key %1$s/hash.key is "
	     "mode 0644: group and others must have no access to it (chmod 0600 %1$s/hash.key)", S);
	CASE("cp -p %1$s/hash.key %1$s/hk && head -c 31 %1$s/hk > %1$s/hash.key",
	     "mv %1$s/hk %1$s/hash.key", "hash key %1$s/hash.key is 31 bytes, not 32", S);
	CASE("chmod 0640 %1$s/unit.key", "chmod 0600 %1$s/unit.key", "unit key %1$s/unit.key is "
	     "mode 0640: group and others must have no access to it (chmod 0600 %1$s/unit.key)", S);
	CASE("chmod 0644 %1$s/outbox.db", "chmod 0600 %1$s/outbox.db", "outbox %1$s/outbox.db is "
	     "mode 0644: group and others must have no access to it (chmod 0600 %1$s/outbox.db)", S);
	CASE("chmod 0777 %1$s", "chmod 0755 %1$s", "socket directory %1$s is mode 0777: it must "
	     "not be writable by group or others (chmod 0755 %1$s)", R);
	if (geteuid() == 0) {
		CASE("chown 1000 %1$s", "chown 0 %1$s", "state directory %1$s is owned by uid 1000: "
		     "it must be owned by the daemon's user, uid 0 (chown 0 %1$s)", S);
		c[n - 1].root = true;
	}
#undef CASE
	bd_stop(&self->e, SIGTERM);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, system(c[i].bad)) TH_LOG("%s", c[i].bad);
		EXPECT_EQ(1, bd_start(&self->e, NULL, true)) TH_LOG("%s", c[i].bad);
		bd_stop(&self->e, SIGTERM);
		EXPECT_EQ(1, count_in(self->e.log, c[i].want)) TH_LOG("wanted: %s", c[i].want);
		ASSERT_EQ(0, system(c[i].good)) TH_LOG("%s", c[i].good);
	}
	/* mended, it starts */
	EXPECT_EQ(0, bd_start(&self->e, NULL, true));
}

/* issue 18 item 12: the reader */
TEST_F(d, the_reader_refuses_bad_utf8_repeated_names_and_long_messages)
{
	static const char bad_utf8[] = "{\"method\":\"" IFACE ".Frob\xff\xfe\",\"parameters\":{}}";
	static const char overlong[] = "{\"method\":\"" IFACE ".List\",\"parameters\":{\"x\":\"\xc0\xaf\"}}";
	static const char twice[] = "{\"method\":\"" IFACE ".Status\",\"method\":\"" IFACE
		".Discard\",\"parameters\":{\"id\":\"x\"}}";
	static const char twice_inside[] = "{\"method\":\"" IFACE ".Status\",\"parameters\":"
		"{\"id\":\"a\",\"id\":\"b\"}}";
	struct json_value *r;
	char *big;
	size_t len;

	r = bd_raw(&self->e, bad_utf8, sizeof(bad_utf8));
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	EXPECT_STREQ("not valid UTF-8", bd_str(par(r), "message"));
	json_free(r);
	r = bd_raw(&self->e, overlong, sizeof(overlong));
	EXPECT_STREQ("not valid UTF-8", bd_str(par(r), "message"));
	json_free(r);
	r = bd_raw(&self->e, twice, sizeof(twice));
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	EXPECT_STREQ("a member name is repeated in an object", bd_str(par(r), "message"));
	json_free(r);
	r = bd_raw(&self->e, twice_inside, sizeof(twice_inside));
	EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
	json_free(r);

	/* 65536 bytes are read; 65540 are not */
	big = malloc(70000);
	ASSERT_NE(NULL, big);
	for (len = 65536; len <= 65540; len += 4) {
		int pre = snprintf(big, 100, "{\"method\":\"" IFACE ".List\",\"parameters\":{\"x\":\"");

		memset(big + pre, 'a', len - pre - 3);
		memcpy(big + len - 3, "\"}}", 4);
		ASSERT_EQ(len, strlen(big));
		r = bd_raw(&self->e, big, len + 1);
		if (len == 65536) {
			EXPECT_STREQ("x", bd_str(par(r), "parameter"));
		} else {
			EXPECT_STREQ(IFACE ".MalformedMessage", bd_str(r, "error"));
			EXPECT_STREQ("message longer than 65536 bytes", bd_str(par(r), "message"));
		}
		json_free(r);
	}
	free(big);

	/* the interface descriptions */
	r = bd_call(&self->e, "org.varlink.service.GetInterfaceDescription",
		    "{\"interface\":\"" IFACE "\"}");
	EXPECT_NE(NULL, strstr(bd_str(par(r), "description"), "interface " IFACE "\n"));
	EXPECT_NE(NULL, strstr(bd_str(par(r), "description"), "method List(offset: ?int"));
	json_free(r);
	r = bd_call(&self->e, "org.varlink.service.GetInterfaceDescription",
		    "{\"interface\":\"org.varlink.service\"}");
	EXPECT_NE(NULL, strstr(bd_str(par(r), "description"), "method GetInterfaceDescription("));
	json_free(r);
	r = bd_call(&self->e, "org.varlink.service.GetInterfaceDescription",
		    "{\"interface\":\"org.example.none\"}");
	EXPECT_STREQ("org.varlink.service.InterfaceNotFound", bd_str(r, "error"));
	EXPECT_STREQ("org.example.none", bd_str(par(r), "interface"));
	json_free(r);
	r = bd_call(&self->e, "org.varlink.service.GetInterfaceDescription", "{}");
	EXPECT_STREQ("interface", bd_str(par(r), "parameter"));
	json_free(r);
	r = bd_call(&self->e, "org.example.Other.Call", "{}");
	EXPECT_STREQ("org.varlink.service.InterfaceNotFound", bd_str(r, "error"));
	EXPECT_STREQ("org.example.Other", bd_str(par(r), "interface"));
	json_free(r);
}

/* issue 18 item 12: a missing socket_group is said; refused peers do not flood the log */
TEST_F(d, missing_group_logged_refusals_rate_limited)
{
	bd_stop(&self->e, SIGTERM);
	ASSERT_EQ(0, write_conf(&self->e, self->e.conf, self->e.state,
				"socket_group = no-such-group-x\n"));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	EXPECT_EQ(1, count_in(self->e.log, "socket_group \"no-such-group-x\" does not exist"));
	if (geteuid() != 0)
		SKIP(return, "needs root to connect as another user");
	open_up(_metadata, &self->e, self->run);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			struct json_value *r;

			if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
				_exit(3);
			r = bd_call(&self->e, IFACE ".List", "{}");
			_exit(r && !strcmp(bd_str(r, "error"), IFACE ".PermissionDenied") ? 0 : 1);
		}
		waitpid(pid, &st, 0);
		EXPECT_EQ(0, WEXITSTATUS(st));
	}
	EXPECT_EQ(5, count_in(self->e.log, "refused a client"));
	/* the daemon still answers */
	struct json_value *r = bd_call(&self->e, "org.varlink.service.GetInfo", "{}");

	EXPECT_NE(NULL, r);
	json_free(r);
}

/* issue 18 item 12: the test hooks are in the test build only */
TEST(no_test_hooks_in_the_installed_daemon)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char path[512], cmd[1200], out[64];

	snprintf(path, sizeof(path), "%s/biounitd", tools ? tools : ".");
	if (access(path, X_OK))
		SKIP(return, "no biounitd (set BIOUNIT_TOOLS)");
	snprintf(cmd, sizeof(cmd), "grep -c -a BIOUNITD_TEST_ %s", path);
	EXPECT_EQ(1, bd_run(cmd, out, sizeof(out)));
	EXPECT_STREQ("0\n", out);
}

/* issue 18 item 12: biounitctl says why, and reads no endless reply */
TEST(biounitctl_limits)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char dir[32] = "/tmp/biounitctl-XXXXXX", sock[64], cmd[1400], out[1024], longp[200];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd, st;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "%s/biounitctl", tools ? tools : ".");
	if (access(cmd, X_OK))
		SKIP(return, "no biounitctl (set BIOUNIT_TOOLS)");
	memset(longp, 'x', 150);
	longp[0] = '/';
	longp[150] = '\0';
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s %s/biounitctl session list 2>&1", longp,
		 tools);
	EXPECT_EQ(1, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is 150 bytes long; a Unix socket path has at most 107"))
		TH_LOG("%s", out);

	/* a peer that sends 6 MiB without a message end */
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/s", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(lfd, 1));
	pid = fork();
	if (pid == 0) {
		static char junk[1 << 20];
		int fd = accept(lfd, NULL, NULL);

		memset(junk, '{', sizeof(junk));
		for (int i = 0; i < 6; i++)
			if (send(fd, junk, sizeof(junk), MSG_NOSIGNAL) < 0)
				_exit(0);
		sleep(20);
		_exit(0);
	}
	close(lfd);
	snprintf(cmd, sizeof(cmd), "BIOUNITD_SOCKET=%s timeout 15 %s/biounitctl session list 2>&1",
		 sock, tools);
	EXPECT_EQ(1, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "the reply is longer than 4 MiB")) TH_LOG("%s", out);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	unlink(sock);
	rmdir(dir);
}

TEST_HARNESS_MAIN
