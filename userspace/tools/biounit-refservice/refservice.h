/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit-refservice: the reference document-ordering service of the
 * hand-off protocol (docs/handoff.md). One struct refsvc holds everything;
 * nothing is global. Files: main.c (options, start, signals), handler.c
 * (HTTP), store.c (one file per package, by hash), faults.c (failures on
 * demand), records_hook.c (every record read by its records family),
 * face_j2k.c (a facial image's JPEG 2000 decoded), client_auth.c (client
 * certificates: mutual TLS), summary.c (--summary: what the store holds).
 */
#ifndef BIOUNIT_REFSERVICE_H
#define BIOUNIT_REFSERVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "package/package.h"

#define REFSVC_MAX_TRUST 16
/* connection bounds (handler.c): in all (a thread each), from one address, idle seconds */
#define REFSVC_MAX_CONNECTIONS 256
#define REFSVC_MAX_PER_IP 32
#define REFSVC_IDLE_TIMEOUT_S 10

enum refsvc_mode {
	REFSVC_OK = 0,		/* answer normally */
	REFSVC_ERROR,		/* 500 */
	REFSVC_UNAVAILABLE,	/* 503 with Retry-After: 1 */
	REFSVC_TIMEOUT,		/* hold the request delay_ms without answering, then drop it */
	REFSVC_DROP,		/* close the connection without answering, nothing stored */
	REFSVC_LOST_ACK,	/* store, then close the connection without answering */
	REFSVC_SLOW,		/* wait delay_ms, then handle normally */
	REFSVC_SLOW_ACK,	/* store, wait delay_ms, then answer */
	REFSVC_WRONG_ACK,	/* store, then acknowledge naming another hash */
	REFSVC_MODE_COUNT,
};

struct refsvc {
	/* configuration, fixed after start */
	const char *store_dir;
	int store_fd;			/* the store directory, for fsync */
	uint8_t trust[REFSVC_MAX_TRUST][BIOUNIT_PACKAGE_PUBKEY_SIZE];
	size_t n_trust;
	size_t max_size;
	bool control;			/* the /v1/control endpoint is on */
	bool client_auth;		/* --client-ca: a client certificate is required */
	int log_fd;

	pthread_mutex_t lock;		/* everything below */
	pthread_cond_t wake;		/* signalled when stopping */
	bool stopping;
	enum refsvc_mode mode;
	unsigned int mode_count;	/* requests left in mode (0: until changed) */
	unsigned int delay_ms;
	unsigned long requests, stored, duplicates, refused, failed;

	pthread_mutex_t store_lock;	/* one package stored at a time */
};

/* faults.c */
const char *refsvc_mode_name(enum refsvc_mode m);
int refsvc_mode_parse(const char *s, enum refsvc_mode *m);
/* the mode for this request (counts it down); *delay_ms for TIMEOUT/SLOW/SLOW_ACK */
enum refsvc_mode refsvc_take_mode(struct refsvc *s, unsigned int *delay_ms);
/* sleeps @ms or until the service stops */
void refsvc_sleep(struct refsvc *s, unsigned int ms);
void refsvc_log(struct refsvc *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* store.c */
int refsvc_store_open(struct refsvc *s, const char *dir);
/* 1: present (a duplicate), 0: not, negative errno */
int refsvc_store_has(struct refsvc *s, const char *hash_hex, int64_t *stored_s);
/* the hash the idempotency key was first used with; -ENOENT if new */
int refsvc_store_key(struct refsvc *s, const char *idem_key, char hash_hex[65]);
int refsvc_store_put(struct refsvc *s, const char *hash_hex, const char *idem_key,
		     const uint8_t *data, size_t len);

/*
 * records_hook.c: every record of a verified package read by its records
 * family (docs/handoff.md). 0; -EBADMSG, @why filled with check RECORD; -ENOMEM;
 * -EINVAL for a NULL package.
 */
int refsvc_check_records(const struct biounit_package *pkg, struct biounit_package_problem *why);

/* face_j2k.c: a JPEG 2000 codestream decoded with OpenJPEG, from memory */
#define REFSVC_J2K_MAX_COMPONENTS 4

struct refsvc_j2k_info {
	uint32_t width, height;		/* the image area (SIZ) */
	uint32_t components;
	struct {
		uint32_t width, height, dx, dy, precision;
	} comp[REFSVC_J2K_MAX_COMPONENTS];
};

/*
 * 0: decoded, @info as decoded; -EBADMSG: does not decode (corrupt, truncated,
 * inconsistent); -E2BIG: more than @max_pixels or REFSVC_J2K_MAX_COMPONENTS
 * (not decoded; @info has the header's figures); -ENOMEM; -EINVAL.
 */
int refsvc_j2k_decode(const uint8_t *p, size_t len, uint64_t max_pixels,
		      struct refsvc_j2k_info *info);

/* client_auth.c: client certificates (mutual TLS) */
struct MHD_Connection;
/* 0 if @pem holds at least one certificate; -EBADMSG, -ENOMEM */
int refsvc_client_ca_check(const char *pem);
/* NULL if the connection's client certificate is valid and trusted, else why not */
const char *refsvc_client_check(struct MHD_Connection *c);

/* summary.c: --summary; exit status */
int refsvc_summary(const struct refsvc *s, const char *dir);

/* handler.c */
struct MHD_Daemon;
/* @client_ca_pem: the CAs of client certificates (s->client_auth), else NULL */
struct MHD_Daemon *refsvc_start(struct refsvc *s, const char *addr, unsigned int port,
				const char *cert_pem, const char *key_pem,
				const char *client_ca_pem, unsigned int *bound_port);

#endif /* BIOUNIT_REFSERVICE_H */
