// SPDX-License-Identifier: GPL-2.0
/* The atomic, durable file write of every userspace module (atomic_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

int util_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		r = -errno;
	close(fd);
	return r;
}

/* @path's directory into @buf: "." for a bare name, "/" for a name at the root */
static int parent_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash)
		return (size_t)snprintf(buf, size, ".") < size ? 0 : -ENAMETOOLONG;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

int util_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	int r = parent_of(path, dir, sizeof(dir));

	return r ? r : util_fsync_dir(dir);
}

/* rename @tmp over @path and fsync the directory; @tmp removed on failure */
static int rename_durably(const char *tmp, const char *path)
{
	if (rename(tmp, path)) {
		int r = -errno;

		unlink(tmp);
		return r;
	}
	return util_fsync_parent(path);
}

int util_atomic_write(const char *path, const void *data, size_t len, mode_t mode)
{
	static const char suffix[] = ".tmp";
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(path, '/');
	int fd, r;

	r = parent_of(path, dir, sizeof(dir));
	if (r)
		return r;
	base = base ? base + 1 : path;
	if (!*base)
		return -EISDIR;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX%s", dir, base, suffix) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemps(tmp, sizeof(suffix) - 1, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = util_write_all(fd, data, len);
	if (!r && fchmod(fd, mode))
		r = -errno;
	if (!r && fsync(fd))
		r = -errno;
	if (close(fd) && !r)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	return rename_durably(tmp, path);
}

int util_atomic_commit(const char *tmp, const char *path, mode_t mode)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) || fsync(fd))
		r = -errno;
	close(fd);
	if (r) {
		unlink(tmp);
		return r;
	}
	return rename_durably(tmp, path);
}
