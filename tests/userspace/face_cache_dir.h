/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the tests keep the landmark cache (67 MB, built from dlib's model on
 * first use): never in a shared directory such as /tmp itself, where another
 * user could plant the name (issue 18). `make check` makes one private
 * directory per run (mktemp -d, mode 0700) and passes it in
 * $BIOUNIT_TEST_CACHE_DIR, so the test programs of a run build the cache
 * once; a test program started by hand makes its own with mkdtemp() before
 * main() and removes it when it exits.
 */
#ifndef BIOUNIT_TEST_FACE_CACHE_DIR_H
#define BIOUNIT_TEST_FACE_CACHE_DIR_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "face/face.h"

static char test_face_cache_dir_own[64];
static pid_t test_face_cache_dir_pid;

__attribute__((constructor)) static void test_face_cache_dir_make(void)
{
	const char *env = getenv("BIOUNIT_TEST_CACHE_DIR");

	if (env && *env)
		return;
	strcpy(test_face_cache_dir_own, "/tmp/biounit-test-cache-XXXXXX");
	if (!mkdtemp(test_face_cache_dir_own))
		return;
	test_face_cache_dir_pid = getpid();
	setenv("BIOUNIT_TEST_CACHE_DIR", test_face_cache_dir_own, 1);
}

/* only in the process that made it: the harness's forked tests exit too */
__attribute__((destructor)) static void test_face_cache_dir_remove(void)
{
	char cmd[96];

	if (!test_face_cache_dir_pid || test_face_cache_dir_pid != getpid())
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_face_cache_dir_own);
	if (system(cmd))
		fprintf(stderr, "# cannot remove %s\n", test_face_cache_dir_own);
}

/* The landmark cache file of this test run. */
static inline const char *test_face_cache_path(void)
{
	static char path[160];
	const char *dir = getenv("BIOUNIT_TEST_CACHE_DIR");

	snprintf(path, sizeof(path), "%s/landmarks.cache", dir && *dir ? dir : "/nonexistent");
	return path;
}

/*
 * Copies the run's landmark cache (built first if need be) to @dst, mode
 * 0600, with the first split's idx1 far out of range: a sound header and a
 * bad body (issue 18). 0, or -1 (e.g. no libdlib-data).
 */
static inline int test_face_cache_damaged_copy(const char *dst)
{
	struct biounit_landmark_model *m = NULL;
	const uint32_t far = 0xfffffff0u;
	uint32_t hdr[6];
	uint64_t tree0;
	char cmd[1024];
	int fd, ret = -1;

	if (biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, test_face_cache_path(), &m))
		return -1;
	biounit_landmark_model_free(m);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 600 '%s'", test_face_cache_path(), dst,
		 dst);
	if (system(cmd))
		return -1;
	/* header: magic, then u32 cascades, trees, splits, leaves, points, features;
	 * the first tree after the shape and every cascade's anchors and deltas */
	fd = open(dst, O_RDWR);
	if (fd < 0)
		return -1;
	if (pread(fd, hdr, sizeof(hdr), 8) == (ssize_t)sizeof(hdr)) {
		tree0 = 80 + 8ull * hdr[4] + 12ull * hdr[0] * hdr[5];
		if (pwrite(fd, &far, 4, (off_t)tree0) == 4)
			ret = 0;
	}
	close(fd);
	return ret;
}

#endif
