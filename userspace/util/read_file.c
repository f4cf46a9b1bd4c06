// SPDX-License-Identifier: GPL-2.0
/* One whole-file reader for the userspace modules (read_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_file.h"

int util_read_file(const char *path, size_t max, unsigned int flags, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (flags & UTIL_READ_NOFOLLOW ? O_NOFOLLOW : 0));
	struct stat st;
	size_t got = 0, size;
	char *buf;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		r = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	} else if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		r = -EFBIG;
	}
	if (r) {
		close(fd);
		return r;
	}
	size = (size_t)st.st_size;
	buf = malloc(size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		free(buf);
		return -EIO;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}
