// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libbiounit on the host, where no unit is present: argument
 * checking, state names, discovery with no units, opening what is not a
 * unit, the monitor, the symbol versions of the shared library and the
 * biounitctl tool. What needs a unit runs in the VM (tests/kernel/lib_test.c).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <biounit/biounit.h>

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* Units the host has: entries of /sys/class/biounit (0 without the driver) */
static size_t host_units(void)
{
	DIR *d = opendir("/sys/class/biounit");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

TEST(state_names)
{
	EXPECT_STREQ("absent", biounit_state_name(BIOUNIT_STATE_ABSENT));
	EXPECT_STREQ("initialising", biounit_state_name(BIOUNIT_STATE_INITIALISING));
	EXPECT_STREQ("ready", biounit_state_name(BIOUNIT_STATE_READY));
	EXPECT_STREQ("busy", biounit_state_name(BIOUNIT_STATE_BUSY));
	EXPECT_STREQ("error", biounit_state_name(BIOUNIT_STATE_ERROR));
	EXPECT_STREQ("unknown", biounit_state_name((enum biounit_state)5));
	EXPECT_STREQ("unknown", biounit_state_name((enum biounit_state)-1));
}

TEST(null_arguments)
{
	struct biounit_unit_list *list = (void *)1;
	struct biounit_monitor_event mev;
	struct biounit_unit *u = (void *)1;
	struct biounit_capture_stream *s = (void *)1;
	struct biounit_format fmt = { 0 };
	struct biounit_frame *f = (void *)1;
	struct biounit_image_view v;
	struct biounit_event ev;
	enum biounit_state st;
	size_t n = 5;
	int64_t val;

	EXPECT_EQ(-EINVAL, biounit_enumerate(NULL));
	EXPECT_EQ(-EINVAL, biounit_state_of(NULL, &st));
	EXPECT_EQ(-EINVAL, biounit_state_of("biounit0", NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_open(NULL, &u));
	EXPECT_EQ(-EINVAL, biounit_unit_open("/dev/null", NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_open_by_serial(NULL, &u));
	EXPECT_EQ(-EINVAL, biounit_unit_open_by_serial("x", NULL));
	EXPECT_EQ(-EINVAL, biounit_monitor_new(NULL));
	EXPECT_EQ(-EINVAL, biounit_monitor_get_fd(NULL));
	EXPECT_EQ(-EINVAL, biounit_monitor_read_event(NULL, &mev));
	EXPECT_EQ(-EINVAL, biounit_unit_get_fd(NULL));
	EXPECT_EQ(NULL, biounit_unit_get_caps(NULL));
	EXPECT_EQ(NULL, biounit_unit_get_node(NULL));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, biounit_unit_get_state(NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_channel_info(NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_enum_format(NULL, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_enum_framesize(NULL, 0, BIOUNIT_FMT_GREY, 0, NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_get_format(NULL, 0, &fmt));
	EXPECT_EQ(-EINVAL, biounit_unit_try_format(NULL, &fmt));
	EXPECT_EQ(-EINVAL, biounit_unit_set_format(NULL, &fmt));
	EXPECT_EQ(-EINVAL, biounit_unit_enum_control(NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_find_control(NULL, 1, NULL));
	EXPECT_EQ(-EINVAL, biounit_unit_get_control(NULL, 1, &val));
	EXPECT_EQ(-EINVAL, biounit_unit_set_control(NULL, 1, 0));
	EXPECT_EQ(-EINVAL, biounit_unit_subscribe(NULL, 0));
	EXPECT_EQ(-EINVAL, biounit_unit_read_event(NULL, 0, &ev));
	EXPECT_EQ(-EINVAL, biounit_stream_new(NULL, 0, NULL, 4, BIOUNIT_STREAM_MMAP, &s));
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(-EINVAL, biounit_stream_new(NULL, 0, NULL, 4, BIOUNIT_STREAM_MMAP, NULL));
	EXPECT_EQ(-EINVAL, biounit_stream_start(NULL));
	EXPECT_EQ(-EINVAL, biounit_stream_stop(NULL));
	EXPECT_EQ(-EINVAL, biounit_stream_get_fd(NULL));
	EXPECT_EQ(NULL, biounit_stream_get_format(NULL));
	EXPECT_EQ(0, biounit_stream_get_buffer_count(NULL));
	EXPECT_EQ(-EINVAL, biounit_stream_dequeue(NULL, 0, &f));
	EXPECT_EQ(0, biounit_frame_release(NULL));
	EXPECT_EQ(NULL, biounit_frame_get_data(NULL));
	EXPECT_EQ(0, biounit_frame_get_size(NULL));
	EXPECT_EQ(0, biounit_frame_is_error(NULL));
	EXPECT_EQ(-1, biounit_frame_get_dmabuf_fd(NULL));
	EXPECT_EQ(-EINVAL, biounit_frame_get_view(NULL, &v));
	EXPECT_EQ(NULL, biounit_frame_get_pen_samples(NULL, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, biounit_unit_list_count(NULL));
	EXPECT_EQ(NULL, biounit_unit_list_get(NULL, 0));
	EXPECT_EQ(NULL, biounit_unit_info_get_name(NULL));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, biounit_unit_info_get_state(NULL));
	/* the free functions take NULL */
	biounit_unit_list_free(NULL);
	biounit_monitor_free(NULL);
	biounit_unit_close(NULL);
	biounit_stream_free(NULL);
	(void)list;
}

TEST(enumerate_without_units)
{
	struct biounit_unit_list *list = NULL;

	ASSERT_EQ(0, biounit_enumerate(&list));
	ASSERT_NE(NULL, list);
	EXPECT_EQ(host_units(), biounit_unit_list_count(list));
	EXPECT_EQ(NULL, biounit_unit_list_get(list, biounit_unit_list_count(list)));
	biounit_unit_list_free(list);
}

TEST(state_of_missing_units)
{
	enum biounit_state st = BIOUNIT_STATE_READY;

	if (access("/sys/class/biounit/biounit63", F_OK) == 0)
		SKIP(return, "the host has a biounit63");
	EXPECT_EQ(0, biounit_state_of("biounit63", &st));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, st);
	st = BIOUNIT_STATE_READY;
	EXPECT_EQ(0, biounit_state_of("/dev/biounit63", &st));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, st);
	st = BIOUNIT_STATE_READY;
	EXPECT_EQ(0, biounit_state_of("/sys/class/biounit/biounit63", &st));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, st);
	/* names that cannot be a unit's */
	EXPECT_EQ(-EINVAL, biounit_state_of("", &st));
	EXPECT_EQ(-EINVAL, biounit_state_of("null", &st));
	EXPECT_EQ(-EINVAL, biounit_state_of("/dev/null", &st));
	EXPECT_EQ(-EINVAL, biounit_state_of("biounit", &st));
	EXPECT_EQ(-EINVAL, biounit_state_of("biounit1x", &st));
}

TEST(open_what_is_not_a_unit)
{
	char path[] = "/tmp/test_lib.XXXXXX";
	struct biounit_unit *u = (void *)1;
	int fd;

	EXPECT_EQ(-ENOENT, biounit_unit_open("/dev/biounit-no-such-node", &u));
	EXPECT_EQ(NULL, u);
	EXPECT_EQ(-ENOTTY, biounit_unit_open("/dev/null", &u));
	EXPECT_EQ(-ENOTTY, biounit_unit_open("/dev/zero", &u));
	fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(-ENOTTY, biounit_unit_open(path, &u));	/* a regular file */
	unlink(path);
	EXPECT_EQ(-EISDIR, biounit_unit_open("/tmp", &u));
	EXPECT_EQ(-ENAMETOOLONG, biounit_unit_open("/dev/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &u));
	EXPECT_EQ(-ENOENT, biounit_unit_open_by_serial("no-such-serial-xyz", &u));
	EXPECT_EQ(NULL, u);
}

TEST(monitor_without_events)
{
	struct biounit_monitor_event ev;
	struct biounit_monitor *m = NULL;
	struct pollfd p;
	int r;

	r = biounit_monitor_new(&m);
	if (r == -EPERM || r == -EACCES || r == -EPROTONOSUPPORT || r == -EAFNOSUPPORT)
		SKIP(return, "no uevent netlink here: %s", strerror(-r));
	ASSERT_EQ(0, r);
	ASSERT_GE(biounit_monitor_get_fd(m), 0);
	p.fd = biounit_monitor_get_fd(m);
	p.events = POLLIN;
	EXPECT_EQ(0, poll(&p, 1, 50));
	EXPECT_EQ(-EAGAIN, biounit_monitor_read_event(m, &ev));
	EXPECT_EQ(-EINVAL, biounit_monitor_read_event(m, NULL));
	biounit_monitor_free(m);
}

/* The shared library exports biounit_* at BIOUNIT_1.0 and nothing else. */
TEST(shared_library_symbols)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	const char *(*name)(enum biounit_state);
	char path[4096];
	void *h;

	if (!tools)
		SKIP(return, "BIOUNIT_TOOLS not set");
	snprintf(path, sizeof(path), "%s/../libbiounit.so.1", tools);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ASSERT_NE(NULL, h) TH_LOG("%s", dlerror());
	name = (const char *(*)(enum biounit_state))dlvsym(h, "biounit_state_name", "BIOUNIT_1.0");
	ASSERT_NE(NULL, name);
	EXPECT_STREQ("busy", name(BIOUNIT_STATE_BUSY));
	EXPECT_NE(NULL, dlvsym(h, "biounit_stream_dequeue", "BIOUNIT_1.0"));
	EXPECT_NE(NULL, dlvsym(h, "biounit_frame_get_view", "BIOUNIT_1.0"));
	EXPECT_EQ(NULL, dlsym(h, "bu_ioctl"));		/* internal */
	EXPECT_EQ(NULL, dlsym(h, "bu_fd_state"));
	dlclose(h);
}

/* Runs the tool; returns its exit status, output in out */
static int run_tool(const char *args, char *out, size_t len)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char cmd[4096];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s/biounitctl %s 2>&1", tools, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(biounitctl)
{
	char out[8192], want[32];

	if (!getenv("BIOUNIT_TOOLS"))
		SKIP(return, "BIOUNIT_TOOLS not set");
	EXPECT_EQ(0, run_tool("list", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "UNIT"));
	snprintf(want, sizeof(want), "%zu unit", host_units());
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_EQ(1, run_tool("info biounit63", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no such unit")) TH_LOG("%s", out);
	EXPECT_EQ(1, run_tool("info no-such-serial", out, sizeof(out)));
	EXPECT_EQ(1, run_tool("info /dev/null", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "Inappropriate ioctl")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_tool("", out, sizeof(out)));
	EXPECT_EQ(2, run_tool("info", out, sizeof(out)));
	EXPECT_EQ(2, run_tool("frobnicate", out, sizeof(out)));
	EXPECT_EQ(0, run_tool("--help", out, sizeof(out)));
}

TEST_HARNESS_MAIN
