/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the hand-off tests and the bench: a private directory with a TLS
 * certificate made now with openssl (never committed), the unit's key, and
 * the reference service (biounit-refservice from $BIOUNIT_TOOLS) started,
 * stopped and steered from the test. The first start picks a free port;
 * restarts use the same one. hsvc_make_client_certs() adds what mutual TLS
 * needs: a CA for units' client certificates, a client certificate it signed,
 * and one signed by another CA.
 */
#ifndef BIOUNIT_HANDOFF_SERVICE_H
#define BIOUNIT_HANDOFF_SERVICE_H

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "outbox/outbox.h"
#include "package/package.h"

struct hsvc {
	char dir[64];
	char path[13][320];	/* see enum hsvc_path */
	char url[128];
	char base[96];
	struct biounit_key *key;
	unsigned int port;
	pid_t pid;
	bool client_cert;	/* hsvc_control() presents HP_CLIENT_CERT */
};

enum hsvc_path { HP_CERT, HP_TLSKEY, HP_UNITKEY, HP_UNITPUB, HP_STORE, HP_PORT, HP_LOG, HP_DB,
		 HP_CLIENT_CA, HP_CLIENT_CERT, HP_CLIENT_KEY, HP_OTHER_CERT, HP_OTHER_KEY,
		 HP_COUNT };

static inline void hsvc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* 0 or a negative errno; prints why on stderr */
static inline int hsvc_init(struct hsvc *s)
{
	static const char *const names[HP_COUNT] = {
		"tls.crt", "tls.key", "unit.key", "unit.pub", "store", "port", "service.log",
		"outbox.db", "client-ca.crt", "client.crt", "client.key", "other-client.crt",
		"other-client.key",
	};
	char cmd[1024];
	int r;

	memset(s, 0, sizeof(*s));
	strcpy(s->dir, "/tmp/biounit-handoff-XXXXXX");
	if (!mkdtemp(s->dir))
		return -errno;
	for (int i = 0; i < HP_COUNT; i++)
		snprintf(s->path[i], sizeof(s->path[i]), "%s/%s", s->dir, names[i]);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
		 " -keyout %s -out %s -days 2 -subj /CN=localhost"
		 " -addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1",
		 s->path[HP_TLSKEY], s->path[HP_CERT]);
	if (system(cmd)) {
		fprintf(stderr, "# openssl could not make a test certificate\n");
		return -EIO;
	}
	chmod(s->path[HP_TLSKEY], 0600);
	r = biounit_key_generate(s->path[HP_UNITKEY], &s->key);
	if (!r)
		r = biounit_key_save_public(s->key, s->path[HP_UNITPUB]);
	return r;
}

#define HSVC_EC "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"

/*
 * Mutual TLS: the units' CA (HP_CLIENT_CA, for --client-ca), a client
 * certificate it signs (HP_CLIENT_CERT, HP_CLIENT_KEY, for TLS client
 * authentication), and one of the same kind signed by another CA
 * (HP_OTHER_CERT, HP_OTHER_KEY). 0 or -EIO.
 */
static inline int hsvc_make_client_certs(struct hsvc *s)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "cd %s && { for ca in client-ca other-ca; do"
		 " openssl req -x509 " HSVC_EC " -keyout $ca.key -out $ca.crt"
		 " -subj /CN=biounit-test-$ca || exit 1; done &&"
		 " openssl req -x509 " HSVC_EC " -keyout client.key -out client.crt"
		 " -subj /CN=SIM-0001 -CA client-ca.crt -CAkey client-ca.key"
		 " -addext extendedKeyUsage=clientAuth -addext basicConstraints=critical,CA:FALSE &&"
		 " openssl req -x509 " HSVC_EC " -keyout other-client.key -out other-client.crt"
		 " -subj /CN=SIM-0001 -CA other-ca.crt -CAkey other-ca.key"
		 " -addext extendedKeyUsage=clientAuth -addext basicConstraints=critical,CA:FALSE &&"
		 " chmod 600 *.key; } >/dev/null 2>&1", s->dir);
	if (system(cmd)) {
		fprintf(stderr, "# openssl could not make the client certificates\n");
		return -EIO;
	}
	s->client_cert = true;
	return 0;
}

static inline void hsvc_cleanup(struct hsvc *s)
{
	char cmd[128];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	biounit_key_free(s->key);
	s->key = NULL;
	if (s->dir[0] && !getenv("BIOUNIT_KEEP_TMP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
		if (system(cmd))
			fprintf(stderr, "# could not remove %s\n", s->dir);
	}
}

/* Starts the service (with --control); @extra: more arguments or NULL. */
static inline int hsvc_start_on(struct hsvc *s, const char *const *extra)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char bin[512], port[16];
	const char *argv[32];
	int argc = 0, i;
	FILE *f;

	if (!tools) {
		fprintf(stderr, "# BIOUNIT_TOOLS is not set (make check sets it)\n");
		return -ENOENT;
	}
	snprintf(bin, sizeof(bin), "%s/biounit-refservice", tools);
	snprintf(port, sizeof(port), "%u", s->port);
	unlink(s->path[HP_PORT]);
	argv[argc++] = bin;
	argv[argc++] = "--cert"; argv[argc++] = s->path[HP_CERT];
	argv[argc++] = "--key"; argv[argc++] = s->path[HP_TLSKEY];
	argv[argc++] = "--store"; argv[argc++] = s->path[HP_STORE];
	argv[argc++] = "--trust"; argv[argc++] = s->path[HP_UNITPUB];
	argv[argc++] = "--port"; argv[argc++] = port;
	argv[argc++] = "--port-file"; argv[argc++] = s->path[HP_PORT];
	argv[argc++] = "--log"; argv[argc++] = s->path[HP_LOG];
	argv[argc++] = "--control";
	for (i = 0; extra && extra[i] && argc < 31; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	s->pid = fork();
	if (s->pid < 0)
		return -errno;
	if (!s->pid) {
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 1000; i++) {	/* up to 20 s: a loaded machine, ASan */
		int st;

		f = fopen(s->path[HP_PORT], "r");
		if (f) {
			unsigned int p = 0;

			if (fscanf(f, "%u", &p) == 1 && p) {
				fclose(f);
				s->port = p;
				snprintf(s->base, sizeof(s->base), "https://127.0.0.1:%u", p);
				snprintf(s->url, sizeof(s->url), "%s/v1/packages", s->base);
				return 0;
			}
			fclose(f);
		}
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			fprintf(stderr, "# biounit-refservice exited at start\n");
			return -EIO;
		}
		hsvc_sleep_ms(20);
	}
	return -ETIMEDOUT;
}

/* SIGTERM: the service finishes what it does and exits */
static inline int hsvc_stop(struct hsvc *s)
{
	int st = 0;

	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static inline size_t hsvc_discard(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

/* POST /v1/control?mode=..; 0 or -EIO */
static inline int hsvc_control(struct hsvc *s, const char *mode, unsigned int count,
			       unsigned int delay_ms)
{
	char url[256];
	long status = 0;
	CURL *c = curl_easy_init();
	CURLcode rc;

	if (!c)
		return -ENOMEM;
	snprintf(url, sizeof(url), "%s/v1/control?mode=%s&count=%u&delay_ms=%u", s->base, mode,
		 count, delay_ms);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, s->path[HP_CERT]);
	if (s->client_cert) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, s->path[HP_CLIENT_CERT]);
		curl_easy_setopt(c, CURLOPT_SSLKEY, s->path[HP_CLIENT_KEY]);
	}
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hsvc_discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	return status == 200 ? 0 : -EIO;
}

/* lines of the service log that start (after the time stamp) with @what */
static inline unsigned int hsvc_log_count(const struct hsvc *s, const char *what, const char *arg)
{
	char line[512], pat[128];
	unsigned int n = 0;
	FILE *f = fopen(s->path[HP_LOG], "r");

	if (!f)
		return 0;
	snprintf(pat, sizeof(pat), " %s %s", what, arg ? arg : "");
	while (fgets(line, sizeof(line), f))
		if (strstr(line, pat))
			n++;
	fclose(f);
	return n;
}

/* the sender settings of the tests: short time-outs, millisecond backoff */
static inline struct biounit_outbox_sender hsvc_sender(const struct hsvc *s)
{
	struct biounit_outbox_sender cfg = {
		.url = s->url, .ca_file = s->path[HP_CERT],
		.connect_timeout_ms = 2000, .timeout_ms = 3000,
		.backoff_min_ms = 1, .backoff_max_ms = 2,
	};

	return cfg;
}

/* reads a whole file; NULL if missing */
static inline uint8_t *hsvc_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		*len = (size_t)n;
	return buf;
}

/* 1 if the service's store holds exactly @data under its hash */
static inline int hsvc_stored_equal(const struct hsvc *s, const uint8_t *data, size_t len)
{
	char hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE], path[512];
	uint8_t *got;
	size_t n = 0;
	int eq;

	biounit_package_hash(data, len, NULL, hex);
	snprintf(path, sizeof(path), "%s/%s.pkg", s->path[HP_STORE], hex);
	got = hsvc_read(path, &n);
	eq = got && n == len && !memcmp(got, data, len);
	free(got);
	return eq;
}

/*
 * Starts the service, on the port of its last run if it had one; should some
 * other process have taken that port meanwhile, on a new one (senders forked
 * after this use the new URL; the outbox does not keep URLs).
 */
static inline int hsvc_start(struct hsvc *s, const char *const *extra)
{
	int r = hsvc_start_on(s, extra);

	if (r == -EIO && s->port) {
		fprintf(stderr, "# port %u is taken, the service moves\n", s->port);
		s->port = 0;
		r = hsvc_start_on(s, extra);
	}
	return r;
}

#endif /* BIOUNIT_HANDOFF_SERVICE_H */
