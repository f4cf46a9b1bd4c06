// SPDX-License-Identifier: GPL-2.0
/*
 * Before the daemon touches its state: every directory and key file it uses
 * is checked for its owner and mode, and each problem is logged with what is
 * wrong and the command that mends it (docs/biounitd.md, "The store"). Then
 * STATE/biounitd.lock is locked (flock), so that a second daemon on the same
 * state directory refuses to start instead of taking the socket, the
 * sessions and the outbox from under the first.
 *
 * Private (no access for group or others, owned by the daemon's user): the
 * state directory, STATE/sessions and each session directory, hash.key, the
 * unit key and the outbox files. Not writable by group or others (owned by
 * the daemon's user or root): the socket's directory, the directories of a
 * unit key or an outbox kept outside the state directory. (The face cache is
 * checked where it is read: userspace/face/landmarks.c.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "biounitd.h"

#define PRIVATE 077	/* no access for group or others */
#define SHARED 022	/* readable, not writable, by group or others */

/*
 * @what @path is a directory (@dir) or a regular file, owned by the daemon's
 * user (or root when @root_ok), with none of the mode bits @forbid. 0 (also
 * when it does not exist), or -EPERM with the problem logged.
 */
static int check(const char *what, const char *path, bool dir, bool root_ok, mode_t forbid)
{
	uid_t me = geteuid();
	struct stat st;
	mode_t mode;
	int r = 0;

	if (lstat(path, &st)) {
		r = -errno;
		if (r == -ENOENT)
			return 0;
		log_msg(LOG_ERR_, "%s %s: %s", what, path, strerror(-r));
		return r;
	}
	if (S_ISLNK(st.st_mode)) {
		log_msg(LOG_ERR_, "%s %s is a symbolic link: give the real path in the "
			"configuration", what, path);
		return -EPERM;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		log_msg(LOG_ERR_, "%s %s is not a %s", what, path,
			dir ? "directory" : "regular file");
		return -EPERM;
	}
	if (st.st_uid != me && !(root_ok && st.st_uid == 0)) {
		log_msg(LOG_ERR_, "%s %s is owned by uid %u: it must be owned by the daemon's "
			"user, uid %u (chown %u %s)", what, path, (unsigned int)st.st_uid,
			(unsigned int)me, (unsigned int)me, path);
		r = -EPERM;
	}
	mode = st.st_mode & 07777;
	if (mode & forbid) {
		log_msg(LOG_ERR_, "%s %s is mode %04o: %s (chmod %04o %s)", what, path,
			(unsigned int)mode, mode & forbid & 022 ?
			"it must not be writable by group or others" :
			"group and others must have no access to it",
			(unsigned int)(mode & ~forbid & 0777), path);
		r = -EPERM;
	}
	return r;
}

/* the directory part of @path into @dir ("" when there is none) */
static void dir_of(const char *path, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		dir[0] = '\0';
}

static int check_sessions(const char *state)
{
	char path[1400];
	struct dirent *de;
	DIR *d;
	int r;

	snprintf(path, sizeof(path), "%s/sessions", state);
	r = check("sessions directory", path, true, false, PRIVATE);
	if (r)
		return r;
	d = opendir(path);
	if (!d)
		return 0;	/* made by the store */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/sessions/%s", state, de->d_name);
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
			if (check("session directory", path, true, false, PRIVATE) && !r)
				r = -EPERM;
	}
	closedir(d);
	return r;
}

static int check_hash_key(const char *state)
{
	char path[1200];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "%s/hash.key", state);
	r = check("hash key", path, false, false, PRIVATE);
	if (!r && lstat(path, &st) == 0 && st.st_size != 32) {
		log_msg(LOG_ERR_, "hash key %s is %lld bytes, not 32: it is not biounitd's key "
			"(move it away: a new one is made, and the logs' appointment hashes change)",
			path, (long long)st.st_size);
		r = -EPERM;
	}
	return r;
}

/* a key file or the outbox, and its directory when it is not the state directory */
static int check_file(const char *what, const char *cfg_path, const char *state,
		      const char *name, const char *const *suffixes)
{
	char path[1200], dir[1200], p2[1300];
	int r = 0;

	if (cfg_path[0])
		snprintf(path, sizeof(path), "%s", cfg_path);
	else
		snprintf(path, sizeof(path), "%s/%s", state, name);
	dir_of(path, dir, sizeof(dir));
	if (dir[0] && strcmp(dir, state))
		r |= check("directory", dir, true, true, SHARED);
	r |= check(what, path, false, false, PRIVATE);
	for (; suffixes && *suffixes; suffixes++) {
		snprintf(p2, sizeof(p2), "%s%s", path, *suffixes);
		r |= check(what, p2, false, false, PRIVATE);
	}
	return r ? -EPERM : 0;
}

static int lock_state(const char *state)
{
	char path[1200], pid[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/biounitd.lock", state);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int r = -errno;

		log_msg(LOG_ERR_, "lock file %s: %s", path, strerror(-r));
		return r;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int r = -errno;

		if (r == -EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			log_msg(LOG_ERR_, "state directory %s is in use by another biounitd (pid %s); "
				"not started", state, pid[0] ? pid : "unknown");
		} else {
			log_msg(LOG_ERR_, "lock file %s: %s", path, strerror(-r));
		}
		close(fd);
		return r;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n)
		log_msg(LOG_WARN_, "lock file %s: cannot write the pid: %s", path, strerror(errno));
	return fd;
}

int statedir_open(const struct config *cfg)
{
	static const char *const db_files[] = { "-wal", "-shm", NULL };
	const char *state = cfg->state_dir;
	char dir[1200];
	int r = 0;

	if (mkdir(state, 0700) && errno != EEXIST) {
		r = -errno;
		log_msg(LOG_ERR_, "state directory %s: cannot make it: %s", state, strerror(-r));
		return r;
	}
	if (check("state directory", state, true, false, PRIVATE))
		return -EPERM;	/* nothing in it is looked at */
	r |= check_sessions(state);
	r |= check_hash_key(state);
	r |= check_file("unit key", cfg->unit_key, state, "unit.key", NULL);
	r |= check_file("outbox", cfg->outbox_path, state, "outbox.db", db_files);
	dir_of(cfg->socket_path, dir, sizeof(dir));
	if (dir[0])
		r |= check("socket directory", dir, true, true, SHARED);
	if (r)
		return -EPERM;
	return lock_state(state);
}
