// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP side of the reference service (libmicrohttpd, HTTPS, one thread
 * per connection):
 *   POST /v1/packages         a package; 201 accepted, 200 duplicate, 4xx refused
 *   GET  /v1/packages/{hash}  the receipt of a stored package, or 404
 *   GET  /v1/stats            counters since start
 *   POST /v1/control?mode=M&count=N&delay_ms=D   failures on demand (--control)
 * With --client-ca every request first needs a valid client certificate
 * (client_auth.c), else 403 "client-certificate".
 * docs/handoff.md and docs/handoff-openapi.yaml describe the protocol.
 * Only hashes, ids and check names are logged, never package bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <microhttpd.h>

#include "refservice.h"

#define PKG_PATH "/v1/packages"

struct request {
	uint8_t *buf;
	size_t len, cap;
	bool too_big;
	const char *cert_refused;	/* why the client certificate is not accepted */
};

static void json_escape(const char *in, char *out, size_t n)
{
	size_t k = 0;

	for (; *in && k + 7 < n; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == '"' || c == '\\') {
			out[k++] = '\\';
			out[k++] = (char)c;
		} else if (c < 0x20) {
			k += (size_t)snprintf(out + k, n - k, "\\u%04x", c);
		} else {
			out[k++] = (char)c;
		}
	}
	out[k] = '\0';
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned int status, const char *json,
			      unsigned int retry_after)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (retry_after) {
		char v[16];

		snprintf(v, sizeof(v), "%u", retry_after);
		MHD_add_response_header(r, "Retry-After", v);
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error(struct refsvc *s, struct MHD_Connection *c, unsigned int status,
			     const char *code, const char *msg, const char *hash)
{
	char body[600], m[400];

	json_escape(msg, m, sizeof(m));
	snprintf(body, sizeof(body), "{\"error\":\"%s\",\"message\":\"%s\"%s%s%s}", code, m,
		 hash ? ",\"package_hash\":\"" : "", hash ? hash : "", hash ? "\"" : "");
	if (status < 500) {
		pthread_mutex_lock(&s->lock);
		s->refused++;
		pthread_mutex_unlock(&s->lock);
		refsvc_log(s, "refused %s %u %s", hash ? hash : "-", status, code);
	}
	return answer(c, status, body, status == 503 ? 1 : 0);
}

static void ack_id_of(const char *hash, char out[40])
{
	uint8_t h[32];
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)"biounit-refservice-ack", 22);
	crypto_hash_sha256_update(&st, (const uint8_t *)hash, 64);
	crypto_hash_sha256_final(&st, h);
	memcpy(out, "ack-", 4);
	for (int i = 0; i < 16; i++)
		snprintf(out + 4 + 2 * i, 3, "%02x", h[i]);
}

static enum MHD_Result ack(struct MHD_Connection *c, unsigned int status, const char *hash,
			   const char *id, int64_t when)
{
	char body[400], ack_id[40], at[32];
	time_t t = (time_t)when;
	struct tm tm;

	ack_id_of(hash, ack_id);
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(body, sizeof(body),
		 "{\"status\":\"%s\",\"package_hash\":\"%s\",\"package_id\":\"%s\","
		 "\"ack_id\":\"%s\",\"received_at\":\"%s\"}",
		 status == 201 ? "accepted" : "duplicate", hash, id, ack_id, at);
	return answer(c, status, body, 0);
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The package is complete in @rq; @mode was taken for this request. */
/* why a package is refused: the answer's status, error code and message */
struct refusal {
	unsigned int status;
	const char *code, *message;
};

/*
 * The package's own checks, with the store locked: its id is the
 * Idempotency-Key, a trusted unit signed it, and its records are what the
 * service takes. Returns 0 when it may be stored, else 1 with @no filled
 * (@why holds the message a record check gives).
 */
static int vet_package(struct refsvc *s, const struct request *rq, const char *idem,
		       struct biounit_package_problem *why, struct refusal *no)
{
	struct biounit_package *pkg = NULL;
	const uint8_t *trusted = NULL;
	size_t i;
	int r;

	r = biounit_package_parse(rq->buf, rq->len, &pkg, why);
	if (!r && strcmp(biounit_package_get_id_hex(pkg), idem)) {
		biounit_package_free(pkg);
		*no = (struct refusal){ 400, "malformed-request",
					"Idempotency-Key is not the package id" };
		return 1;
	}
	if (!r) {
		for (i = 0; i < s->n_trust && !trusted; i++)
			if (!memcmp(s->trust[i], biounit_package_get_unit_key(pkg), 32))
				trusted = s->trust[i];
		biounit_package_free(pkg);
		pkg = NULL;
		if (!trusted) {
			*no = (struct refusal){ 403, "unknown-unit",
						"the package is signed by a unit that is not trusted here" };
			return 1;
		}
		r = biounit_package_verify(rq->buf, rq->len, trusted, &pkg, why);
	}
	if (!r)
		r = refsvc_check_records(pkg, why);
	biounit_package_free(pkg);
	if (!r)
		return 0;
	if (r == -ENOMEM)
		*no = (struct refusal){ 500, "internal", "out of memory" };
	else
		*no = (struct refusal){ 422, biounit_package_check_name(why->check), why->message };
	return 1;
}

/* the acknowledgement, or the fault the service was told to play */
static enum MHD_Result acknowledge(struct refsvc *s, struct MHD_Connection *c,
				   enum refsvc_mode mode, unsigned int delay, unsigned int status,
				   char hash[65], const char *idem, int64_t when)
{
	if (mode == REFSVC_LOST_ACK) {
		refsvc_log(s, "fault lost-ack %s", hash);
		return MHD_NO;
	}
	if (mode == REFSVC_SLOW_ACK)
		refsvc_sleep(s, delay);
	if (mode == REFSVC_WRONG_ACK) {	/* a broken client: the unit must not believe it */
		refsvc_log(s, "fault wrong-ack %s", hash);
		hash[63] = hash[63] == '0' ? '1' : '0';
	}
	return ack(c, status, hash, idem, when);
}

static enum MHD_Result post_package(struct refsvc *s, struct MHD_Connection *c,
				    struct request *rq, enum refsvc_mode mode, unsigned int delay)
{
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *idem = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
	const char *claimed = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							  "Biounit-Package-Hash");
	struct biounit_package_problem why;
	struct refusal no;
	char hash[65], key_hash[65];
	int64_t when = time(NULL);
	int r;

	if (!ctype || strcmp(ctype, "application/vnd.biounit.package"))
		return error(s, c, 415, "unsupported-media-type",
			     "Content-Type must be application/vnd.biounit.package", NULL);
	if (rq->too_big)
		return error(s, c, 413, "too-large", "the package is larger than allowed", NULL);
	if (!is_hex(idem, 32) || !is_hex(claimed, 64) || !rq->len)
		return error(s, c, 400, "malformed-request",
			     "Idempotency-Key (32 hex digits), Biounit-Package-Hash (64) and a "
			     "body are required", NULL);
	biounit_package_hash(rq->buf, rq->len, NULL, hash);
	if (strcmp(hash, claimed))
		return error(s, c, 400, "hash-mismatch",
			     "the body's SHA-256 is not Biounit-Package-Hash", claimed);

	pthread_mutex_lock(&s->store_lock);
	r = refsvc_store_has(s, hash, &when);
	if (r == 1) {
		pthread_mutex_unlock(&s->store_lock);
		pthread_mutex_lock(&s->lock);
		s->duplicates++;
		pthread_mutex_unlock(&s->lock);
		refsvc_log(s, "duplicate %s", hash);
		return acknowledge(s, c, mode, delay, 200, hash, idem, when);
	}
	if (r == 0 && refsvc_store_key(s, idem, key_hash) == 0 && strcmp(key_hash, hash)) {
		pthread_mutex_unlock(&s->store_lock);
		return error(s, c, 409, "idempotency-key-reused",
			     "this Idempotency-Key came with another package", hash);
	}
	if (r < 0) {
		pthread_mutex_unlock(&s->store_lock);
		return error(s, c, 500, "internal", "the store cannot be read", hash);
	}
	if (vet_package(s, rq, idem, &why, &no)) {
		pthread_mutex_unlock(&s->store_lock);
		return error(s, c, no.status, no.code, no.message, hash);
	}
	r = refsvc_store_put(s, hash, idem, rq->buf, rq->len);
	pthread_mutex_unlock(&s->store_lock);
	if (r)
		return error(s, c, 500, "internal", "the package could not be stored", hash);
	pthread_mutex_lock(&s->lock);
	s->stored++;
	pthread_mutex_unlock(&s->lock);
	refsvc_log(s, "stored %s %zu", hash, rq->len);
	return acknowledge(s, c, mode, delay, 201, hash, idem, when);
}

static enum MHD_Result get_receipt(struct refsvc *s, struct MHD_Connection *c, const char *hash)
{
	char body[300], ack_id[40];
	int64_t when = 0;

	if (!is_hex(hash, 64) || refsvc_store_has(s, hash, &when) != 1)
		return answer(c, 404, "{\"error\":\"not-found\",\"message\":\"no such package\"}", 0);
	ack_id_of(hash, ack_id);
	snprintf(body, sizeof(body),
		 "{\"status\":\"stored\",\"package_hash\":\"%s\",\"ack_id\":\"%s\"}", hash, ack_id);
	return answer(c, 200, body, 0);
}

static enum MHD_Result stats(struct refsvc *s, struct MHD_Connection *c)
{
	char body[400];

	pthread_mutex_lock(&s->lock);
	snprintf(body, sizeof(body),
		 "{\"requests\":%lu,\"stored\":%lu,\"duplicates\":%lu,\"refused\":%lu,"
		 "\"failed\":%lu,\"mode\":\"%s\",\"mode_count\":%u,\"delay_ms\":%u}",
		 s->requests, s->stored, s->duplicates, s->refused, s->failed,
		 refsvc_mode_name(s->mode), s->mode_count, s->delay_ms);
	pthread_mutex_unlock(&s->lock);
	return answer(c, 200, body, 0);
}

static enum MHD_Result control(struct refsvc *s, struct MHD_Connection *c)
{
	const char *m = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mode");
	const char *n = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "count");
	const char *d = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "delay_ms");
	enum refsvc_mode mode;

	if (!s->control)
		return answer(c, 404, "{\"error\":\"not-found\",\"message\":\"no control\"}", 0);
	if (!m || refsvc_mode_parse(m, &mode))
		return answer(c, 400, "{\"error\":\"bad-mode\",\"message\":\"unknown mode\"}", 0);
	pthread_mutex_lock(&s->lock);
	s->mode = mode;
	s->mode_count = n ? (unsigned int)strtoul(n, NULL, 10) : 0;
	if (d)
		s->delay_ms = (unsigned int)strtoul(d, NULL, 10);
	pthread_mutex_unlock(&s->lock);
	refsvc_log(s, "control mode %s count %s delay %s", m, n ? n : "0", d ? d : "-");
	return stats(s, c);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **ctx)
{
	struct refsvc *s = cls;
	struct request *rq = *ctx;
	enum refsvc_mode mode;
	unsigned int delay;

	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*ctx = rq;
		/* judged first; the body is still read (and dropped), so that the
		 * answer is not lost to a connection reset */
		if (s->client_auth)
			rq->cert_refused = refsvc_client_check(c);
		return MHD_YES;
	}
	if (*upload_size && rq->cert_refused) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		if (!rq->too_big && rq->len + n > s->max_size) {
			rq->too_big = true;
			free(rq->buf);
			rq->buf = NULL;
			rq->len = rq->cap = 0;
		}
		if (!rq->too_big) {
			if (rq->len + n > rq->cap) {
				size_t cap = rq->cap ? rq->cap : 65536;
				uint8_t *p;

				while (cap < rq->len + n)
					cap *= 2;
				p = realloc(rq->buf, cap);
				if (!p)
					return MHD_NO;
				rq->buf = p;
				rq->cap = cap;
			}
			memcpy(rq->buf + rq->len, upload, n);
			rq->len += n;
		}
		*upload_size = 0;
		return MHD_YES;
	}

	if (rq->cert_refused)
		return error(s, c, 403, "client-certificate", rq->cert_refused, NULL);
	if (!strcmp(method, "GET") && !strcmp(url, "/v1/stats"))
		return stats(s, c);
	if (!strcmp(method, "POST") && !strcmp(url, "/v1/control"))
		return control(s, c);
	if (!strcmp(method, "GET") && !strncmp(url, PKG_PATH "/", sizeof(PKG_PATH)))
		return get_receipt(s, c, url + sizeof(PKG_PATH));
	if (strcmp(url, PKG_PATH))
		return answer(c, 404, "{\"error\":\"not-found\",\"message\":\"no such path\"}", 0);
	if (strcmp(method, "POST"))
		return answer(c, 405, "{\"error\":\"method\",\"message\":\"POST only\"}", 0);

	pthread_mutex_lock(&s->lock);
	s->requests++;
	pthread_mutex_unlock(&s->lock);
	mode = refsvc_take_mode(s, &delay);
	if (mode != REFSVC_OK) {
		pthread_mutex_lock(&s->lock);
		s->failed++;
		pthread_mutex_unlock(&s->lock);
	}
	switch (mode) {
	case REFSVC_ERROR:
		refsvc_log(s, "fault error");
		return answer(c, 500, "{\"error\":\"internal\",\"message\":\"injected failure\"}", 0);
	case REFSVC_UNAVAILABLE:
		refsvc_log(s, "fault unavailable");
		return answer(c, 503, "{\"error\":\"unavailable\",\"message\":\"injected failure\"}",
			      1);
	case REFSVC_DROP:
		refsvc_log(s, "fault drop");
		return MHD_NO;
	case REFSVC_TIMEOUT:
		refsvc_log(s, "fault timeout %u ms", delay);
		refsvc_sleep(s, delay);
		return MHD_NO;
	case REFSVC_SLOW:
		refsvc_log(s, "fault slow %u ms", delay);
		refsvc_sleep(s, delay);
		break;
	default:
		break;
	}
	return post_package(s, c, rq, mode, delay);
}

static void completed(void *cls, struct MHD_Connection *c, void **ctx,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *ctx;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq) {
		free(rq->buf);
		free(rq);
		*ctx = NULL;
	}
}

/* libmicrohttpd's own messages go to the service log, not to stderr */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[300];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	refsvc_log(cls, "mhd %s", msg);
}

struct MHD_Daemon *refsvc_start(struct refsvc *s, const char *addr, unsigned int port,
				const char *cert_pem, const char *key_pem,
				const char *client_ca_pem, unsigned int *bound_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	/* with a trust list libmicrohttpd asks clients for a certificate (client_auth.c) */
	struct MHD_OptionItem trust[] = {
		{ MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)client_ca_pem },
		{ MHD_OPTION_END, 0, NULL },
	};
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return NULL;
	/*
	 * poll(), not select(): a descriptor past FD_SETSIZE (1024) must not
	 * shut clients out. Bounded: REFSVC_MAX_CONNECTIONS in all (one thread
	 * each), REFSVC_MAX_PER_IP from one address, and a connection idle for
	 * REFSVC_IDLE_TIMEOUT_S (one that never finishes its TLS handshake or
	 * its request) is closed.
	 */
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG,
			     (uint16_t)port, NULL, NULL, handle, s,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,	/* first: all its messages */
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
			     MHD_OPTION_HTTPS_MEM_KEY, key_pem,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, s,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)REFSVC_IDLE_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)REFSVC_MAX_CONNECTIONS,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)REFSVC_MAX_PER_IP,
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
			     MHD_OPTION_ARRAY, client_ca_pem ? trust : trust + 1,
			     MHD_OPTION_END);
	if (!d)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*bound_port = info ? info->port : port;
	return d;
}
