/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the outbox module: the database handle and the pieces of a send. */
#ifndef BIOUNIT_OUTBOX_INTERNAL_H
#define BIOUNIT_OUTBOX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "outbox/outbox.h"

#define OUTBOX_SCHEMA_VERSION 1

struct biounit_outbox {
	sqlite3 *db;
};

/* a queued package picked for sending */
struct ob_item {
	int64_t seq;
	char hash[BIOUNIT_PACKAGE_HASH_HEX_SIZE];
	char package_id[BIOUNIT_PACKAGE_ID_HEX_SIZE];
	unsigned int attempts;
};

int64_t ob_now_ms(void);
int ob_errno(sqlite3 *db, int rc);	/* SQLite result code -> negative errno */
int ob_exec(sqlite3 *db, const char *sql);

/* db.c: the state changes of a send, each one transaction */
int ob_due(struct biounit_outbox *ob, int64_t now, int64_t max_delay, unsigned int limit,
	   struct ob_item **items, size_t *n);
int ob_load(struct biounit_outbox *ob, int64_t seq, uint8_t **data, size_t *len);
int ob_mark_delivered(struct biounit_outbox *ob, int64_t seq, const char *ack_id, int64_t now);
int ob_mark_refused(struct biounit_outbox *ob, int64_t seq, const char *reason, int64_t now);
int ob_mark_deferred(struct biounit_outbox *ob, int64_t seq, const char *reason, int64_t now,
		     int64_t next);
int ob_counts(struct biounit_outbox *ob, int64_t now, unsigned int *waiting, int64_t *next_due);
void ob_checkpoint(struct biounit_outbox *ob);

/* http.c: one POST of a package */
struct ob_response {
	long status;		/* HTTP status, 0 if none came */
	int curl_error;		/* CURLcode, 0 if the exchange completed */
	char curl_message[160];
	int64_t retry_after_ms;	/* from Retry-After, -1 if absent */
	char body[4096];	/* NUL-terminated, truncated */
};
void *ob_http_new(const struct biounit_outbox_sender *cfg);
void ob_http_free(void *h);
int ob_http_post(void *h, const struct biounit_outbox_sender *cfg, const struct ob_item *it,
		 const uint8_t *data, size_t len, struct ob_response *resp);

/* ack.c: the client's JSON answers */
int ob_json_string(const char *json, const char *key, char *out, size_t outsz);
void ob_clean_text(const char *in, char *out, size_t outsz);

#endif /* BIOUNIT_OUTBOX_INTERNAL_H */
