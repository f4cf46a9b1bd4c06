/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit outbox: the durable queue of finished session packages
 * (package/package.h) and their delivery to the document-ordering client
 * over HTTPS (protocol: docs/handoff.md, docs/handoff-openapi.yaml).
 *
 * A package is committed to the outbox (one SQLite file: WAL, synchronous=FULL,
 * secure_delete=ON, mode 0600) before the applicant leaves the desk; once
 * biounit_outbox_commit() returns 0 it survives a crash or a power cut. A
 * sender delivers it, with the package id as idempotency key, and retries
 * with exponential backoff while the client cannot be reached. The client's
 * acknowledgement must name the package's SHA-256; then the package's bytes
 * are deleted with SQLite's secure delete (overwritten, WAL checkpointed and
 * truncated) and only a receipt stays: hash, package id, times, ack id. A
 * package the client refuses stays, with the reason, until an operator
 * requeues it (biounit_outbox_requeue()).
 *
 * Conventions: opaque handles, 0 or a negative errno, as in
 * <biounit/biounit.h>. Threads, by the one rule (docs/architecture.md,
 * "Threads"): no global state (libcurl's and libsodium's own one-time
 * initialisation aside), so different handles may be used from different
 * threads at once; an outbox handle does not lock itself, so it is used by
 * one thread at a time (unlike libbiounit's handles). Several processes may
 * open the same outbox (SQLite serialises them). Nothing is
 * printed; no function ever puts biometric bytes in a message.
 */
#ifndef BIOUNIT_OUTBOX_H
#define BIOUNIT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "package/package.h"

#ifdef __cplusplus
extern "C" {
#endif

/** struct biounit_outbox - an open outbox (opaque). */
struct biounit_outbox;

/**
 * biounit_outbox_open() - Open or create an outbox.
 * @path: the database file; created with mode 0600 if missing (its -wal and
 *	-shm files get the same mode). An existing file readable by group or
 *	others is refused.
 * @out: receives the handle; close with biounit_outbox_close().
 * Return: 0, -EINVAL, -EPERM (unsafe mode), -ENOMEM, -EBUSY (locked by
 * another process for longer than 10 s), -EIO (not an outbox, or SQLite
 * failed), or a negative errno of the file system (-ENOENT: no such directory).
 */
int biounit_outbox_open(const char *path, struct biounit_outbox **out);

/** biounit_outbox_close() - Close @ob; NULL is allowed. */
void biounit_outbox_close(struct biounit_outbox *ob);

/**
 * biounit_outbox_commit() - Put a package in the outbox, durably.
 * @ob: the outbox.
 * @pkg: the package bytes (parsed here: a malformed package is refused).
 * @len: their length.
 * @hash_hex: if not NULL, receives the package's SHA-256 in hex.
 *
 * Committing the same bytes again is harmless: the package is there once.
 * Return: 0 (committed now), -EEXIST (already in the outbox, in whatever
 * state), -EINVAL, -EBADMSG (not a well-formed package), -EBUSY (the database
 * stayed locked), -ENOSPC, -EIO.
 */
int biounit_outbox_commit(struct biounit_outbox *ob, const uint8_t *pkg, size_t len,
			  char hash_hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE]);

/**
 * struct biounit_outbox_sender - where and how to deliver
 * @url: the client's package endpoint, "https://host:port/v1/packages".
 * @ca_file: PEM file of the CA(s) that sign the client's certificate; NULL
 *	for the system's store.
 * @connect_timeout_ms: connection (TCP + TLS) time-out; 0 means 5000.
 * @timeout_ms: whole request time-out; 0 means 30000.
 * @backoff_min_ms: first retry delay; 0 means 1000.
 * @backoff_max_ms: retry delays double up to this; 0 means 300000.
 * @max_per_pass: at most this many packages per biounit_outbox_send_due()
 *	call; 0 means no limit.
 * @client_cert: PEM file of the unit's client certificate (mutual TLS),
 *	presented when the client asks for one; NULL: none. Its chain may
 *	follow it in the same file.
 * @client_key: PEM file of that certificate's private key, unencrypted
 *	(keep it 0600); required with @client_cert and only with it.
 * @proxy: the proxy to reach @url through ("http://HOST:PORT"); NULL or ""
 *	for none. The environment (https_proxy, all_proxy, no_proxy) is never
 *	read: without @proxy the connection is direct.
 * @should_stop: if not NULL, called with @stop_arg about once a second while
 *	a package is being sent; nonzero cuts the send short (the package stays
 *	queued, deferred like a time-out) and ends the pass.
 * @stop_arg: its argument.
 *
 * A client that does not accept the unit's certificate (none, expired, from
 * a CA it does not trust) refuses at the TLS level or answers 403
 * "client-certificate"; either way the package stays queued and is retried
 * with backoff, the reason kept: the package is not at fault, and once the
 * certificate is put right delivery resumes by itself (docs/handoff.md).
 */
struct biounit_outbox_sender {
	const char *url;
	const char *ca_file;
	long connect_timeout_ms;
	long timeout_ms;
	int64_t backoff_min_ms;
	int64_t backoff_max_ms;
	unsigned int max_per_pass;
	const char *client_cert;
	const char *client_key;
	const char *proxy;
	int (*should_stop)(void *stop_arg);
	void *stop_arg;
};

/**
 * struct biounit_outbox_pass - what one sending pass did
 * @delivered: acknowledged now (their bytes are wiped).
 * @refused: refused by the client now (kept, with the reason).
 * @deferred: not delivered, to be retried after backoff (client unreachable,
 *	time-out, TLS failure, 5xx, 429, 403 "client-certificate", an
 *	acknowledgement that did not name the package).
 * @waiting: queued packages after the pass (deferred ones included).
 * @next_due_ms: milliseconds until the next queued package is due (0: now),
 *	or -1 if nothing is queued.
 */
struct biounit_outbox_pass {
	unsigned int delivered, refused, deferred, waiting;
	int64_t next_due_ms;
};

/**
 * biounit_outbox_send_due() - Try once to deliver every package that is due.
 * @ob: the outbox.
 * @cfg: where to.
 * @pass: if not NULL, receives the counts.
 *
 * Packages go oldest first. Each outcome is committed before the next
 * package is sent, so a crash at any point loses nothing: a package whose
 * acknowledgement was lost is sent again, and the client recognises it by its
 * idempotency key and hash and acknowledges it again without storing it twice.
 * Return: 0 (also when deliveries failed: see @pass), -EINVAL (also for a
 * URL that is not https://, or a client certificate without its key or a key
 * without its certificate), -ENOMEM, -EBUSY, -EIO (the outbox itself failed).
 */
int biounit_outbox_send_due(struct biounit_outbox *ob, const struct biounit_outbox_sender *cfg,
			    struct biounit_outbox_pass *pass);

/** enum biounit_outbox_state - where a package stands. */
enum biounit_outbox_state {
	BIOUNIT_OUTBOX_QUEUED = 1,	/* waiting to be delivered (maybe retrying) */
	BIOUNIT_OUTBOX_DELIVERED = 2,	/* acknowledged; only the receipt is left */
	BIOUNIT_OUTBOX_REFUSED = 4,	/* refused by the client; bytes kept */
};

/**
 * struct biounit_outbox_entry - one package as the operator sees it
 * @hash: SHA-256 of the package, hex.
 * @package_id: the package id (idempotency key), hex.
 * @appointment: the appointment code ("" once delivered: the receipt keeps
 *	only hash, times and ack id).
 * @state: BIOUNIT_OUTBOX_*.
 * @size: the package's size in bytes.
 * @has_data: whether the package bytes are still in the outbox.
 * @committed_ms: when committed (CLOCK_REALTIME, ms since the epoch).
 * @attempts: delivery attempts so far.
 * @last_attempt_ms: the last one (0: none).
 * @next_attempt_ms: the next one for a queued package.
 * @done_ms: when delivered or refused (0: not yet).
 * @ack_id: the client's acknowledgement id ("" if none).
 * @reason: why the last attempt failed or why it was refused ("" if none).
 */
struct biounit_outbox_entry {
	char hash[BIOUNIT_PACKAGE_HASH_HEX_SIZE];
	char package_id[BIOUNIT_PACKAGE_ID_HEX_SIZE];
	char appointment[65];
	enum biounit_outbox_state state;
	size_t size;
	bool has_data;
	int64_t committed_ms;
	unsigned int attempts;
	int64_t last_attempt_ms, next_attempt_ms, done_ms;
	char ack_id[128];
	char reason[256];
};

/**
 * biounit_outbox_list() - The packages in some states, oldest first.
 * @ob: the outbox.
 * @states: a mask of BIOUNIT_OUTBOX_*.
 * @out: receives a malloc()ed array (free() it; NULL when empty).
 * @n: receives its length.
 * Return: 0, -EINVAL, -ENOMEM, -EBUSY, -EIO.
 */
int biounit_outbox_list(struct biounit_outbox *ob, unsigned int states,
			struct biounit_outbox_entry **out, size_t *n);

/**
 * biounit_outbox_get() - The package bytes of a queued or refused package.
 * @ob: the outbox.
 * @hash_hex: which package.
 * @out: receives a malloc()ed copy (free() it).
 * @len: its length.
 * Return: 0, -EINVAL, -ENOENT (no such package, or delivered and wiped), -ENOMEM, -EIO.
 */
int biounit_outbox_get(struct biounit_outbox *ob, const char *hash_hex, uint8_t **out,
		       size_t *len);

/**
 * biounit_outbox_requeue() - An operator sends a refused package again.
 * Return: 0, -EINVAL, -ENOENT (no such refused package), -EIO.
 */
int biounit_outbox_requeue(struct biounit_outbox *ob, const char *hash_hex);

/**
 * biounit_outbox_state_name() - "queued", "delivered", "refused" or "unknown".
 */
const char *biounit_outbox_state_name(enum biounit_outbox_state state);

#ifdef __cplusplus
}
#endif

#endif /* BIOUNIT_OUTBOX_H */
