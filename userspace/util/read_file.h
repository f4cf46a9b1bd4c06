/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a whole small file into memory, for every userspace module (the
 * session store, the signature and image loaders, biounitd, the reference
 * service).
 */
#ifndef UTIL_READ_FILE_H
#define UTIL_READ_FILE_H

#include <stddef.h>

/* Do not follow a symbolic link in the last component (files of the state directory). */
#define UTIL_READ_NOFOLLOW 1u

/**
 * util_read_file() - Read the regular file @path, at most @max bytes.
 * @flags: 0 or UTIL_READ_NOFOLLOW.
 * @out: set to a malloc()ed buffer of *@len bytes plus a NUL (text may be
 *       used as a string); the caller frees it.
 * Return: 0; -errno from open(); -EISDIR (a directory), -EINVAL (another
 * non-regular file), -EFBIG (larger than @max), -ENOMEM, or -EIO (a read
 * error, or the file shrank while it was read).
 */
int util_read_file(const char *path, size_t max, unsigned int flags, char **out, size_t *len);

#endif
