// SPDX-License-Identifier: GPL-2.0
/*
 * The unit's Ed25519 key. The secret file holds one line,
 * "biounit-ed25519-seed-v1 <64 hex digits>", mode 0600, owned by the user;
 * the public file "biounit-ed25519-public-v1 <64 hex digits>". The key in
 * memory lives in libsodium's guarded allocation and is wiped when freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "key_internal.h"
#include "package_internal.h"

#define SEED_TAG "biounit-ed25519-seed-v1 "
#define PUB_TAG "biounit-ed25519-public-v1 "

static int key_from_seed(const uint8_t seed[crypto_sign_SEEDBYTES], struct biounit_key **out)
{
	struct biounit_key *k = sodium_malloc(sizeof(*k));

	if (!k)
		return -ENOMEM;
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	*out = k;
	return 0;
}

static int write_all_sync(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += w;
		n -= (size_t)w;
	}
	return fsync(fd) ? -errno : 0;
}

/* Writes one line "tag hex(bytes)\n" to a new file of @mode. */
static int write_hex_file(const char *path, mode_t mode, const char *tag, const uint8_t *p,
			  size_t n)
{
	char line[128];
	int fd, r;

	snprintf(line, sizeof(line), "%s", tag);
	pkg_hex(p, n, line + strlen(line));
	strcat(line, "\n");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode)) {	/* the umask must not widen or narrow it */
		r = -errno;
	} else {
		r = write_all_sync(fd, line, strlen(line));
	}
	sodium_memzero(line, sizeof(line));
	if (close(fd) && !r)
		r = -errno;
	if (r)
		unlink(path);
	return r;
}

/* Reads one line "tag hex(n bytes)\n"; @secret: check owner and mode. */
static int read_hex_file(const char *path, bool secret, const char *tag, uint8_t *p, size_t n)
{
	char line[160];
	struct stat st;
	size_t tl = strlen(tag), got;
	ssize_t rd;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EBADMSG;
		goto out;
	}
	if (secret && (st.st_uid != geteuid() || (st.st_mode & 077))) {
		r = -EPERM;
		goto out;
	}
	rd = read(fd, line, sizeof(line) - 1);
	if (rd < 0) {
		r = -errno;
		goto out;
	}
	line[rd] = '\0';
	got = (size_t)rd;
	if (got && line[got - 1] == '\n')
		line[--got] = '\0';
	if (got != tl + 2 * n || memcmp(line, tag, tl) ||
	    sodium_hex2bin(p, n, line + tl, 2 * n, NULL, &got, NULL) || got != n)
		r = -EBADMSG;
out:
	sodium_memzero(line, sizeof(line));
	close(fd);
	return r;
}

int biounit_key_generate(const char *path, struct biounit_key **out)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	int r;

	if (!path || !out)
		return -EINVAL;
	pkg_crypto_init();
	randombytes_buf(seed, sizeof(seed));
	r = write_hex_file(path, 0600, SEED_TAG, seed, sizeof(seed));
	if (!r)
		r = key_from_seed(seed, out);
	sodium_memzero(seed, sizeof(seed));
	return r;
}

int biounit_key_load(const char *path, struct biounit_key **out)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	int r;

	if (!path || !out)
		return -EINVAL;
	pkg_crypto_init();
	r = read_hex_file(path, true, SEED_TAG, seed, sizeof(seed));
	if (!r)
		r = key_from_seed(seed, out);
	sodium_memzero(seed, sizeof(seed));
	return r;
}

int biounit_key_get_public(const struct biounit_key *key, uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE])
{
	if (!key || !pk)
		return -EINVAL;
	memcpy(pk, key->pk, BIOUNIT_PACKAGE_PUBKEY_SIZE);
	return 0;
}

int biounit_key_save_public(const struct biounit_key *key, const char *path)
{
	if (!key || !path)
		return -EINVAL;
	return write_hex_file(path, 0644, PUB_TAG, key->pk, sizeof(key->pk));
}

int biounit_pubkey_load(const char *path, uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE])
{
	if (!path || !pk)
		return -EINVAL;
	pkg_crypto_init();
	return read_hex_file(path, false, PUB_TAG, pk, BIOUNIT_PACKAGE_PUBKEY_SIZE);
}

void biounit_key_free(struct biounit_key *key)
{
	sodium_free(key);	/* wipes; NULL is allowed */
}
