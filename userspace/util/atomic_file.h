/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a file so that a crash leaves either the old or the new contents
 * under its name, never a mix: a new temporary file in the same directory,
 * fsync, rename over the name, fsync the directory. For every userspace
 * module (the session store, biounitd's hand-off, the landmark cache, the
 * reference service's port file).
 */
#ifndef UTIL_ATOMIC_FILE_H
#define UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* write(2) all of @data, again after EINTR; 0 or -errno (-EIO if write returns 0) */
int util_write_all(int fd, const void *data, size_t len);

/* fsync(2) the directory @dir; 0 or -errno */
int util_fsync_dir(const char *dir);

/* fsync(2) the directory that holds @path ("." for a bare name); 0 or -errno */
int util_fsync_parent(const char *path);

/**
 * util_atomic_write() - Replace @path with @len bytes of @data, mode @mode.
 *
 * The temporary file is made by mkostemps(3) in @path's directory as
 * ".NAME.XXXXXX.tmp" (O_CREAT | O_EXCL: a planted file or symbolic link of
 * that name is never opened, the name is simply not taken), written, given
 * @mode, fsync-ed, renamed over @path, and the directory fsync-ed. On any
 * failure the temporary file is removed and @path is as it was.
 * Return: 0 or -errno (-ENAMETOOLONG, -ENOSPC, -EACCES, -EROFS, ...).
 */
int util_atomic_write(const char *path, const void *data, size_t len, mode_t mode);

/**
 * util_atomic_commit() - Make the finished temporary file @tmp the file @path.
 *
 * For a file written by another library through its path: @tmp is opened
 * with O_NOFOLLOW (a symbolic link there is refused with -ELOOP), given
 * @mode, fsync-ed, renamed over @path, and the directory fsync-ed. On
 * failure @tmp is removed.
 * Return: 0 or -errno.
 */
int util_atomic_commit(const char *tmp, const char *path, mode_t mode);

#endif
