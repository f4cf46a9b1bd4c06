// SPDX-License-Identifier: GPL-2.0
/* What the operator sees of the outbox: the list, one package's bytes, requeue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox_internal.h"
#include "util/grow.h"

const char *biounit_outbox_state_name(enum biounit_outbox_state state)
{
	switch (state) {
	case BIOUNIT_OUTBOX_QUEUED: return "queued";
	case BIOUNIT_OUTBOX_DELIVERED: return "delivered";
	case BIOUNIT_OUTBOX_REFUSED: return "refused";
	}
	return "unknown";
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, n, "%s", s ? (const char *)s : "");
}

int biounit_outbox_list(struct biounit_outbox *ob, unsigned int states,
			struct biounit_outbox_entry **out, size_t *n)
{
	struct biounit_outbox_entry *v = NULL, *e;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	if (!ob || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(ob->db,
				"SELECT hash, package_id, appointment, state, size, committed_ms,"
				" attempts, last_attempt_ms, next_attempt_ms, done_ms, ack_id, reason,"
				" EXISTS (SELECT 1 FROM package_data d WHERE d.seq = p.seq)"
				" FROM packages p WHERE (state & ?1) != 0 ORDER BY seq;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	sqlite3_bind_int(st, 1, (int)states);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (util_grow(&v, &cap, count, 1, sizeof(*v), 8, 0)) {
			rc = SQLITE_NOMEM;
			break;
		}
		e = &v[count++];
		memset(e, 0, sizeof(*e));
		col_text(st, 0, e->hash, sizeof(e->hash));
		col_text(st, 1, e->package_id, sizeof(e->package_id));
		col_text(st, 2, e->appointment, sizeof(e->appointment));
		e->state = (enum biounit_outbox_state)sqlite3_column_int(st, 3);
		e->size = (size_t)sqlite3_column_int64(st, 4);
		e->committed_ms = sqlite3_column_int64(st, 5);
		e->attempts = (unsigned int)sqlite3_column_int(st, 6);
		e->last_attempt_ms = sqlite3_column_int64(st, 7);
		e->next_attempt_ms = sqlite3_column_int64(st, 8);
		e->done_ms = sqlite3_column_int64(st, 9);
		col_text(st, 10, e->ack_id, sizeof(e->ack_id));
		col_text(st, 11, e->reason, sizeof(e->reason));
		e->has_data = sqlite3_column_int(st, 12) != 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return ob_errno(ob->db, rc);
	}
	*out = v;
	*n = count;
	return 0;
}

static int seq_of(struct biounit_outbox *ob, const char *hash_hex, int states, int64_t *seq)
{
	sqlite3_stmt *st;
	int rc, r;

	rc = sqlite3_prepare_v2(ob->db,
				"SELECT seq FROM packages WHERE hash = ?1 AND (state & ?2) != 0;", -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	sqlite3_bind_text(st, 1, hash_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, states);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : ob_errno(ob->db, rc);
	}
	sqlite3_finalize(st);
	return r;
}

int biounit_outbox_get(struct biounit_outbox *ob, const char *hash_hex, uint8_t **out,
		       size_t *len)
{
	int64_t seq = 0;
	int r;

	if (!ob || !hash_hex || !out || !len)
		return -EINVAL;
	r = seq_of(ob, hash_hex, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_REFUSED, &seq);
	return r ? r : ob_load(ob, seq, out, len);
}

int biounit_outbox_requeue(struct biounit_outbox *ob, const char *hash_hex)
{
	sqlite3_stmt *st;
	int rc, r;

	if (!ob || !hash_hex)
		return -EINVAL;
	rc = sqlite3_prepare_v2(ob->db,
				"UPDATE packages SET state = 1, next_attempt_ms = 0, done_ms = 0"
				" WHERE hash = ?1 AND state = 4;", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	sqlite3_bind_text(st, 1, hash_hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	r = ob_errno(ob->db, rc);
	if (!r && sqlite3_changes(ob->db) != 1)
		r = -ENOENT;
	return r;
}
