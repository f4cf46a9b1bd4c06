// SPDX-License-Identifier: GPL-2.0
/*
 * The durable session store: DIR/sessions/<id>/session.json and the capture
 * files, each written to a temporary name, fsync-ed, renamed and the
 * directory fsync-ed; files 0600, directories 0700. DIR/hash.key keys the
 * hash that logs carry instead of the appointment code.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/read_file.h"
#include "session_internal.h"
#include "sha256.h"

#define KEY_LEN 32
#define SESSION_FILE "session.json"

struct biounit_store {
	char dir[2048];
	uint8_t key[KEY_LEN];
};

static int valid_name(const char *name)
{
	struct biounit_capture c;

	if (!name || !*name || strlen(name) >= sizeof(c.file))
		return 0;
	memset(&c, 0, sizeof(c));
	memcpy(c.file, name, strlen(name) + 1);
	return session_check_capture_strings(&c) == 0;
}

static int make_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

/* write DIR/NAME atomically and durably, 0600 */
static int atomic_write(const char *dir, const char *name, const void *data, size_t len)
{
	char dst[PATH_MAX];

	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
		return -ENAMETOOLONG;
	return util_atomic_write(dst, data, len, 0600);
}

/* a file of the state directory, never through a symbolic link */
static int read_file(const char *path, char **out, size_t *len, size_t max)
{
	return util_read_file(path, max, UTIL_READ_NOFOLLOW, out, len);
}

static int load_key(struct biounit_store *st)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/hash.key", st->dir);
	r = read_file(path, &buf, &len, 4096);
	if (r == 0) {
		if (len != KEY_LEN) {
			free(buf);
			return -EINVAL;
		}
		memcpy(st->key, buf, KEY_LEN);
		free(buf);
		return 0;
	}
	if (r != -ENOENT)
		return r;
	if (getrandom(st->key, KEY_LEN, 0) != KEY_LEN)
		return -EIO;
	return atomic_write(st->dir, "hash.key", st->key, KEY_LEN);
}

int biounit_store_open(const char *dir, struct biounit_store **out)
{
	struct biounit_store *st;
	char sub[PATH_MAX];
	int r;

	if (!dir || !*dir || !out || strlen(dir) >= sizeof(((struct biounit_store *)0)->dir))
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	memcpy(st->dir, dir, strlen(dir) + 1);
	snprintf(sub, sizeof(sub), "%s/sessions", dir);
	r = make_dir(dir);
	if (!r)
		r = make_dir(sub);
	if (!r)
		r = load_key(st);
	if (r) {
		free(st);
		return r;
	}
	*out = st;
	return 0;
}

void biounit_store_close(struct biounit_store *st)
{
	if (st)
		memset(st->key, 0, sizeof(st->key));
	free(st);
}

const char *biounit_store_dir(const struct biounit_store *st)
{
	return st->dir;
}

void biounit_store_hash(const struct biounit_store *st, const char *text, char hex[65])
{
	uint8_t d[32];

	hmac_sha256(st->key, KEY_LEN, text, strlen(text), d);
	sha256_hex(d, hex);
}

static int session_dir(const struct biounit_store *st, const char *id, char *buf, size_t len)
{
	if (!session_valid_id(id))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/sessions/%s", st->dir, id) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int ensure_session_dir(const struct biounit_store *st, const char *id, char *buf,
			      size_t len)
{
	char parent[PATH_MAX];
	struct stat sb;
	int r = session_dir(st, id, buf, len);

	if (r)
		return r;
	if (lstat(buf, &sb) == 0)
		return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
	r = make_dir(buf);
	if (r)
		return r;
	snprintf(parent, sizeof(parent), "%s/sessions", st->dir);
	return util_fsync_dir(parent);
}

int biounit_store_save(struct biounit_store *st, const struct biounit_session *s)
{
	char dir[3072], *json;
	int r;

	if (!st || !s)
		return -EINVAL;
	r = ensure_session_dir(st, s->id, dir, sizeof(dir));
	if (r)
		return r;
	r = biounit_session_to_json(s, &json);
	if (r)
		return r;
	r = atomic_write(dir, SESSION_FILE, json, strlen(json));
	free(json);
	return r;
}

int biounit_store_write_file(struct biounit_store *st, const char *id, const char *name,
			     const void *data, size_t len)
{
	char dir[3072];
	int r;

	if (!st || !valid_name(name) || !strcmp(name, SESSION_FILE) || (!data && len))
		return -EINVAL;
	r = ensure_session_dir(st, id, dir, sizeof(dir));
	if (r)
		return r;
	return atomic_write(dir, name, data ? data : "", len);
}

int biounit_store_file_path(const struct biounit_store *st, const char *id, const char *name,
			    bool tmp, char *buf, size_t len)
{
	char dir[3072];
	int r;

	if (!st || !buf || !valid_name(name) || !strcmp(name, SESSION_FILE))
		return -EINVAL;
	r = ensure_session_dir(st, id, dir, sizeof(dir));
	if (r)
		return r;
	if ((size_t)snprintf(buf, len, tmp ? "%s/.%s.tmp" : "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int biounit_store_commit_file(struct biounit_store *st, const char *id, const char *name)
{
	char dir[3072], tmp[PATH_MAX], dst[PATH_MAX];
	int r;

	if (!st || !valid_name(name) || !strcmp(name, SESSION_FILE))
		return -EINVAL;
	r = session_dir(st, id, dir, sizeof(dir));
	if (r)
		return r;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
		return -ENAMETOOLONG;
	return util_atomic_commit(tmp, dst, 0600);
}

int biounit_store_load(struct biounit_store *st, const char *id, struct biounit_session **out)
{
	char dir[3072], path[PATH_MAX], *buf;
	size_t len;
	int r;

	if (!st || !out)
		return -EINVAL;
	r = session_dir(st, id, dir, sizeof(dir));
	if (r)
		return r;
	snprintf(path, sizeof(path), "%s/%s", dir, SESSION_FILE);
	r = read_file(path, &buf, &len, 4u << 20);
	if (r)
		return r;
	r = biounit_session_from_json(buf, len, out);
	free(buf);
	if (!r && strcmp((*out)->id, id)) {
		biounit_session_free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int biounit_store_list(struct biounit_store *st, char ***ids, size_t *n)
{
	char dir[3072];
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	DIR *d;

	if (!st || !ids || !n)
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%s/sessions", st->dir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!session_valid_id(de->d_name))
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*nv));

			if (!nv)
				goto nomem;
			v = nv;
		}
		v[cnt] = strdup(de->d_name);
		if (!v[cnt])
			goto nomem;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*ids = v;
	*n = cnt;
	return 0;
nomem:
	closedir(d);
	while (cnt)
		free(v[--cnt]);
	free(v);
	return -ENOMEM;
}

int biounit_store_remove(struct biounit_store *st, const char *id)
{
	char dir[3072], path[PATH_MAX], parent[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	if (!st)
		return -EINVAL;
	r = session_dir(st, id, dir, sizeof(dir));
	if (r)
		return r;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(dir))
		return -errno;
	snprintf(parent, sizeof(parent), "%s/sessions", st->dir);
	return util_fsync_dir(parent);
}
