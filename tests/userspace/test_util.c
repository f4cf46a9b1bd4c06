// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/util: the helpers several modules share. The atomic write leaves
 * the old file whole whenever it fails (a directory it may not write, a file
 * size limit hit mid-write as a full disk would, a symbolic link planted at a
 * temporary name) and never leaves a temporary file behind; the whole-file
 * reader refuses what is not a small regular file; the buffer growth checks
 * its arithmetic; the deadline poll waits as long as it was told.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmpdir_fixture.h"

#include "util/atomic_file.h"
#include "util/deadline.h"
#include "util/grow.h"
#include "util/read_file.h"

/* the names in @dir other than "." and ".." */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int r;

	if (fd < 0)
		return -errno;
	r = util_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

/* the file's text, "" if it cannot be read */
static const char *text_of(const char *path)
{
	static char buf[256];
	char *t;
	size_t len;

	buf[0] = '\0';
	if (!util_read_file(path, sizeof(buf) - 1, 0, &t, &len)) {
		memcpy(buf, t, len + 1);
		free(t);
	}
	return buf;
}

/* In a test's own process: give up root, so that permissions apply */
static void drop_root(void)
{
	if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
		abort();
}

TEST_F(tmpdir, atomic_write_replaces_the_file_with_its_mode)
{
	struct stat st;

	snprintf(self->path, sizeof(self->path), "%s/state.json", self->dir);
	ASSERT_EQ(0, util_atomic_write(self->path, "first", 5, 0600));
	EXPECT_STREQ("first", text_of(self->path));
	ASSERT_EQ(0, util_atomic_write(self->path, "second, longer", 14, 0640));
	EXPECT_STREQ("second, longer", text_of(self->path));
	ASSERT_EQ(0, lstat(self->path, &st));
	EXPECT_EQ(0640u, st.st_mode & 07777);
	EXPECT_EQ(1, count_entries(self->dir));	/* no temporary file left */
	ASSERT_EQ(0, util_atomic_write(self->path, "", 0, 0600));
	ASSERT_EQ(0, lstat(self->path, &st));
	EXPECT_EQ(0, st.st_size);
}

TEST_F(tmpdir, atomic_write_of_a_bare_name_uses_the_working_directory)
{
	ASSERT_EQ(0, chdir(self->dir));
	ASSERT_EQ(0, util_atomic_write("port", "8443\n", 5, 0644));
	snprintf(self->path, sizeof(self->path), "%s/port", self->dir);
	EXPECT_STREQ("8443\n", text_of(self->path));
	EXPECT_EQ(0, util_fsync_parent("port"));
	EXPECT_EQ(0, util_fsync_parent("/tmp"));
	EXPECT_EQ(-ENOENT, util_fsync_dir("/nonexistent-biounit-dir"));
	EXPECT_EQ(-EISDIR, util_atomic_write("dir/", "x", 1, 0600));
}

TEST_F(tmpdir, atomic_write_into_a_read_only_directory_fails_and_keeps_the_old_file)
{
	int status = -1;
	pid_t pid;

	snprintf(self->path, sizeof(self->path), "%s/keep", self->dir);
	ASSERT_EQ(0, put_file(self->path, "old"));
	ASSERT_EQ(0, chmod(self->path, 0666));
	ASSERT_EQ(0, chmod(self->dir, 0555));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		drop_root();
		_exit(util_atomic_write(self->path, "new", 3, 0600) == -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, chmod(self->dir, 0700));
	EXPECT_EQ(0, status);	/* -EACCES */
	EXPECT_STREQ("old", text_of(self->path));
	EXPECT_EQ(1, count_entries(self->dir));
}

/* The disk fills mid-write (here: the file size limit, EFBIG, as ENOSPC would) */
TEST_F(tmpdir, atomic_write_cut_short_by_a_full_disk_keeps_the_old_file)
{
	struct rlimit rl = { .rlim_cur = 4096, .rlim_max = 4096 };
	static char big[64 * 1024];

	snprintf(self->path, sizeof(self->path), "%s/session.json", self->dir);
	ASSERT_EQ(0, put_file(self->path, "old"));
	signal(SIGXFSZ, SIG_IGN);
	ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &rl));
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-EFBIG, util_atomic_write(self->path, big, sizeof(big), 0600));
	EXPECT_STREQ("old", text_of(self->path));
	EXPECT_EQ(1, count_entries(self->dir));	/* the partial temporary file removed */
}

/* The old fixed temporary names (".NAME.tmp", "NAME.tmp", "NAME.<pid>") planted as links */
TEST_F(tmpdir, atomic_write_ignores_links_planted_at_temporary_names)
{
	const char *const plants[] = { "%s/.cache.tmp", "%s/cache.tmp", "%s/cache.%ld" };
	char victim[192], link[192];
	struct stat st;
	unsigned int i;

	snprintf(victim, sizeof(victim), "%s/victim", self->dir);
	ASSERT_EQ(0, put_file(victim, "untouched"));
	for (i = 0; i < 3; i++) {
		snprintf(link, sizeof(link), plants[i], self->dir, (long)getpid());
		ASSERT_EQ(0, symlink(victim, link));
	}
	snprintf(self->path, sizeof(self->path), "%s/cache", self->dir);
	ASSERT_EQ(0, util_atomic_write(self->path, "data", 4, 0600));
	EXPECT_STREQ("data", text_of(self->path));
	EXPECT_STREQ("untouched", text_of(victim));
	ASSERT_EQ(0, lstat(self->path, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(5, count_entries(self->dir));	/* victim, 3 links, cache */
}

TEST_F(tmpdir, atomic_commit_refuses_a_link_at_the_temporary_name)
{
	char tmp[192], victim[192];

	snprintf(victim, sizeof(victim), "%s/victim", self->dir);
	snprintf(tmp, sizeof(tmp), "%s/.face.jpg.tmp", self->dir);
	snprintf(self->path, sizeof(self->path), "%s/face.jpg", self->dir);
	ASSERT_EQ(0, put_file(victim, "untouched"));
	ASSERT_EQ(0, symlink(victim, tmp));
	EXPECT_EQ(-ELOOP, util_atomic_commit(tmp, self->path, 0600));
	EXPECT_EQ(-1, access(self->path, F_OK));
	EXPECT_STREQ("untouched", text_of(victim));

	ASSERT_EQ(0, unlink(tmp));
	ASSERT_EQ(0, put_file(tmp, "jpeg"));
	ASSERT_EQ(0, util_atomic_commit(tmp, self->path, 0600));
	EXPECT_STREQ("jpeg", text_of(self->path));
	EXPECT_EQ(-1, access(tmp, F_OK));
	EXPECT_EQ(-ENOENT, util_atomic_commit(tmp, self->path, 0600));
}

struct drain {
	int fd;
	size_t got;
};

static void *drain_slowly(void *arg)
{
	struct drain *d = arg;
	char buf[1000];
	ssize_t n;

	while ((n = read(d->fd, buf, sizeof(buf))) > 0) {
		d->got += (size_t)n;
		usleep(100);
	}
	return NULL;
}

/* A pipe takes a large write in pieces: every byte arrives once */
TEST(write_all_finishes_short_writes)
{
	static char big[1 << 20];
	struct drain d = { 0 };
	pthread_t t;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	d.fd = p[0];
	ASSERT_EQ(0, pthread_create(&t, NULL, drain_slowly, &d));
	EXPECT_EQ(0, util_write_all(p[1], big, sizeof(big)));
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	EXPECT_EQ(sizeof(big), d.got);
	EXPECT_EQ(-EBADF, util_write_all(-1, "x", 1));
}

TEST_F(tmpdir, read_file_reads_small_regular_files_only)
{
	char link[192], fifo[192], *buf = NULL;
	size_t len = 0;
	int keep;

	snprintf(self->path, sizeof(self->path), "%s/text", self->dir);
	ASSERT_EQ(0, put_file(self->path, "0123456789"));
	ASSERT_EQ(0, util_read_file(self->path, 10, 0, &buf, &len));
	EXPECT_EQ(10u, len);
	EXPECT_STREQ("0123456789", buf);	/* NUL-terminated */
	free(buf);
	EXPECT_EQ(-EFBIG, util_read_file(self->path, 9, 0, &buf, &len));
	EXPECT_EQ(-EISDIR, util_read_file(self->dir, 100, 0, &buf, &len));
	snprintf(fifo, sizeof(fifo), "%s/fifo", self->dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	/* O_RDONLY on a FIFO without a writer would block: open it for both first */
	keep = open(fifo, O_RDWR);
	ASSERT_GE(keep, 0);
	EXPECT_EQ(-EINVAL, util_read_file(fifo, 100, 0, &buf, &len));
	close(keep);
	snprintf(link, sizeof(link), "%s/link", self->dir);
	ASSERT_EQ(0, symlink(self->path, link));
	EXPECT_EQ(-ELOOP, util_read_file(link, 100, UTIL_READ_NOFOLLOW, &buf, &len));
	ASSERT_EQ(0, util_read_file(link, 100, 0, &buf, &len));
	free(buf);
	EXPECT_EQ(-ENOENT, util_read_file("/nonexistent-biounit", 100, 0, &buf, &len));
}

/* A file that ends before its size said (it shrank while read): -EIO, not garbage */
TEST_F(tmpdir, read_file_of_a_file_that_shrinks_is_an_error)
{
	char *buf = NULL;
	size_t len;

	/* /proc/self/stat-like files report size 0; a sysfs attribute reports 4096 and is short */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK))
		SKIP(return, "no sysfs attribute to read");
	EXPECT_EQ(-EIO, util_read_file("/sys/kernel/mm/transparent_hugepage/enabled", 1 << 20, 0,
				       &buf, &len));
}

TEST(grow_doubles_keeps_the_contents_and_checks_its_arithmetic)
{
	uint32_t *a = NULL;
	size_t cap = 0, i;

	ASSERT_EQ(0, util_grow(&a, &cap, 0, 3, sizeof(*a), 4, 0));
	EXPECT_EQ(4u, cap);
	for (i = 0; i < 4; i++)
		a[i] = (uint32_t)i;
	ASSERT_EQ(0, util_grow(&a, &cap, 4, 13, sizeof(*a), 4, 0));
	EXPECT_EQ(32u, cap);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ((uint32_t)i, a[i]);
	}
	ASSERT_EQ(0, util_grow(&a, &cap, 4, 1, sizeof(*a), 4, 0));	/* room already */
	EXPECT_EQ(32u, cap);
	EXPECT_EQ(-E2BIG, util_grow(&a, &cap, 32, SIZE_MAX - 10, sizeof(*a), 4, 0));
	EXPECT_EQ(-E2BIG, util_grow(&a, &cap, SIZE_MAX / 4, 1, sizeof(*a), 4, 0));
	EXPECT_EQ(-E2BIG, util_grow(&a, &cap, 32, 69, sizeof(*a), 4, 100));
	ASSERT_EQ(0, util_grow(&a, &cap, 32, 68, sizeof(*a), 4, 100));
	EXPECT_EQ(100u, cap);	/* doubling stops at the limit */
	free(a);
}

TEST(deadline_poll_waits_as_long_as_told)
{
	struct util_deadline d;
	struct pollfd p;
	int64_t t0;
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	util_deadline_start(&d, 0);
	EXPECT_EQ(-ETIMEDOUT, util_deadline_poll(&d, &p, 1));

	t0 = util_now_ms();
	util_deadline_start(&d, 60);
	while (util_deadline_poll(&d, &p, 1) == 0)
		;
	EXPECT_GE(util_now_ms() - t0, 60);
	EXPECT_LT(util_now_ms() - t0, 2000);

	ASSERT_EQ(1, write(fds[1], "x", 1));
	util_deadline_start(&d, -1);
	EXPECT_EQ(0, util_deadline_poll(&d, &p, 1));
	util_deadline_start(&d, 10000);
	t0 = util_now_ms();
	EXPECT_EQ(0, util_deadline_poll(&d, &p, 1));
	EXPECT_LT(util_now_ms() - t0, 1000);
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
