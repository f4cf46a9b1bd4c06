// SPDX-License-Identifier: GPL-2.0
/*
 * What the service accepted: STORE/<sha256>.pkg, one file per package, mode
 * 0600, written to a temporary file, fsynced, renamed and the directory
 * fsynced before the acknowledgement goes out; STORE/keys/<idempotency key>
 * holds the hash the key was first used with. Leftover temporary files of a
 * crash are removed at start.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "refservice.h"

int refsvc_store_open(struct refsvc *s, const char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *d;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/keys", dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	s->store_dir = dir;
	s->store_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->store_fd < 0)
		return -errno;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "tmp.", 4))
			unlinkat(s->store_fd, de->d_name, 0);
	closedir(d);
	return 0;
}

int refsvc_store_has(struct refsvc *s, const char *hash_hex, int64_t *stored_s)
{
	char name[80];
	struct stat st;

	snprintf(name, sizeof(name), "%s.pkg", hash_hex);
	if (fstatat(s->store_fd, name, &st, 0))
		return errno == ENOENT ? 0 : -errno;
	if (stored_s)
		*stored_s = st.st_mtim.tv_sec;
	return 1;
}

int refsvc_store_key(struct refsvc *s, const char *idem_key, char hash_hex[65])
{
	char name[80];
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "keys/%s", idem_key);
	fd = openat(s->store_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, hash_hex, 64);
	close(fd);
	if (n != 64)
		return -EIO;
	hash_hex[64] = '\0';
	return 0;
}

static int write_file(int dirfd, const char *tmp, const char *final, const void *data, size_t len)
{
	const uint8_t *p = data;
	int fd, r = 0;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (len && !r) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0) {
			p += w;
			len -= (size_t)w;
		}
	}
	if (!r && fsync(fd))
		r = -errno;
	if (close(fd) && !r)
		r = -errno;
	if (!r && renameat(dirfd, tmp, dirfd, final))
		r = -errno;
	if (r)
		unlinkat(dirfd, tmp, 0);
	return r;
}

int refsvc_store_put(struct refsvc *s, const char *hash_hex, const char *idem_key,
		     const uint8_t *data, size_t len)
{
	char tmp[96], final[96];
	int keys_fd, r;

	snprintf(tmp, sizeof(tmp), "tmp.%s", hash_hex);
	snprintf(final, sizeof(final), "%s.pkg", hash_hex);
	r = write_file(s->store_fd, tmp, final, data, len);
	if (!r && fsync(s->store_fd))
		r = -errno;
	if (r)
		return r;
	keys_fd = openat(s->store_fd, "keys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (keys_fd < 0)
		return -errno;
	snprintf(tmp, sizeof(tmp), "tmp.%s", idem_key);
	r = write_file(keys_fd, tmp, idem_key, hash_hex, 64);
	if (!r && fsync(keys_fd))
		r = -errno;
	close(keys_fd);
	return r;
}
