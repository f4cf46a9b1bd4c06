// SPDX-License-Identifier: GPL-2.0
/*
 * The outbox database: one SQLite file in WAL mode with synchronous=FULL (a
 * committed transaction survives a power cut), secure_delete=ON (deleted
 * content is overwritten with zeros) and auto_vacuum=INCREMENTAL (the pages a
 * wipe frees are given back to the file system, so the file shrinks back
 * after a backlog is delivered). Package bytes live in their own table so that
 * an acknowledgement deletes them and leaves the receipt row.
 * Schema: docs/handoff.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outbox_internal.h"
#include "util/grow.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS packages ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" hash TEXT NOT NULL UNIQUE,"
	" package_id TEXT NOT NULL,"
	" appointment TEXT NOT NULL DEFAULT '',"
	" state INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" committed_ms INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" last_attempt_ms INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
	" done_ms INTEGER NOT NULL DEFAULT 0,"
	" ack_id TEXT NOT NULL DEFAULT '',"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS packages_due ON packages(state, next_attempt_ms);"
	"CREATE TABLE IF NOT EXISTS package_data ("
	" seq INTEGER PRIMARY KEY REFERENCES packages(seq),"
	" data BLOB NOT NULL);";

int64_t ob_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ob_errno(sqlite3 *db, int rc)
{
	(void)db;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		return -EACCES;
	default:
		return -EIO;
	}
}

int ob_exec(sqlite3 *db, const char *sql)
{
	return ob_errno(db, sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* The file exists with mode 0600 before SQLite opens it; the WAL and the
 * shared-memory files inherit that mode from it. */
static int prepare_file(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int r = -errno;

		close(fd);
		return r;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_mode & 077)
		return -EPERM;
	return 0;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * A file made before the outbox used incremental auto-vacuum (mode 0, none)
 * needs one VACUUM to change mode. VACUUM copies every live row; it is done
 * only while no package bytes are held (receipts only), and with temp_store
 * in memory, so no biometric data is ever copied to a temporary file. Until
 * then the file keeps its freed pages (zeroed) for reuse, as before. Best
 * effort: if it fails (a full disk, a lock held too long), the next open
 * tries again; the outbox works either way.
 */
static void vacuum_mode(struct biounit_outbox *ob)
{
	if (query_int(ob->db, "PRAGMA auto_vacuum;") != 0)
		return;
	if (query_int(ob->db, "SELECT EXISTS (SELECT 1 FROM package_data);") != 0)
		return;
	sqlite3_busy_timeout(ob->db, 200);	/* a reader (biounitctl) does not hold us up */
	ob_exec(ob->db, "PRAGMA auto_vacuum=INCREMENTAL; VACUUM;");
	sqlite3_busy_timeout(ob->db, 10000);
}

int biounit_outbox_open(const char *path, struct biounit_outbox **out)
{
	struct biounit_outbox *ob;
	int r, rc;

	if (!path || !out)
		return -EINVAL;
	r = prepare_file(path);
	if (r)
		return r;
	ob = calloc(1, sizeof(*ob));
	if (!ob)
		return -ENOMEM;
	rc = sqlite3_open_v2(path, &ob->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = ob->db ? ob_errno(ob->db, rc) : -ENOMEM;
		goto fail;
	}
	sqlite3_busy_timeout(ob->db, 10000);
	/* takes effect on a new file (before its first table); see vacuum_mode() */
	r = ob_exec(ob->db, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA temp_store=MEMORY;");
	/* journal_mode answers a row: exec ignores it; check it took below */
	r = r ? r : ob_exec(ob->db, "PRAGMA journal_mode=WAL;");
	r = r ? r : ob_exec(ob->db, "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
				     "PRAGMA foreign_keys=ON;");
	r = r ? r : ob_exec(ob->db, "BEGIN IMMEDIATE;");
	if (!r) {
		r = ob_exec(ob->db, schema);
		r = r ? r : ob_exec(ob->db, "PRAGMA user_version=1;");
		if (r)
			ob_exec(ob->db, "ROLLBACK;");
		else
			r = ob_exec(ob->db, "COMMIT;");
	}
	if (!r) {
		sqlite3_stmt *st;

		rc = sqlite3_prepare_v2(ob->db, "PRAGMA journal_mode;", -1, &st, NULL);
		if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal"))
			r = -EIO;
		sqlite3_finalize(st);
	}
	if (r)
		goto fail;
	vacuum_mode(ob);
	ob_checkpoint(ob);	/* a crash may have left wiped pages in the WAL */
	*out = ob;
	return 0;
fail:
	sqlite3_close(ob->db);
	free(ob);
	return r == -EBUSY ? r : (r == -EACCES || r == -ENOMEM || r == -ENOSPC ? r : -EIO);
}

void biounit_outbox_close(struct biounit_outbox *ob)
{
	if (!ob)
		return;
	ob_checkpoint(ob);
	sqlite3_close(ob->db);
	free(ob);
}

void ob_checkpoint(struct biounit_outbox *ob)
{
	/* Gives the free pages at the end of the file back (incremental
	 * auto-vacuum; the file shrinks at the checkpoint), then copies the WAL
	 * into the database and truncates it, so that the old page images of
	 * wiped packages do not linger in the WAL. Both fail harmlessly (to be
	 * done next time) while another connection reads. */
	sqlite3_busy_timeout(ob->db, 200);	/* a reader (biounitctl) does not hold us up */
	ob_exec(ob->db, "PRAGMA incremental_vacuum;");
	sqlite3_wal_checkpoint_v2(ob->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(ob->db, 10000);
}

int biounit_outbox_commit(struct biounit_outbox *ob, const uint8_t *pkg, size_t len,
			  char hash_hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE])
{
	struct biounit_package *p;
	sqlite3_stmt *st = NULL;
	int r, rc;

	if (!ob || !pkg || !len)
		return -EINVAL;
	r = biounit_package_parse(pkg, len, &p, NULL);
	if (r)
		return r == -ENOMEM ? r : -EBADMSG;
	if (hash_hex)
		strcpy(hash_hex, biounit_package_get_hash_hex(p));
	r = ob_exec(ob->db, "BEGIN IMMEDIATE;");
	if (r)
		goto out;
	rc = sqlite3_prepare_v2(ob->db,
				"INSERT OR IGNORE INTO packages (hash, package_id, appointment, state,"
				" size, committed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6);", -1, &st,
				NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, biounit_package_get_hash_hex(p), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, biounit_package_get_id_hex(p), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, biounit_package_get_appointment(p), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, BIOUNIT_OUTBOX_QUEUED);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)len);
		sqlite3_bind_int64(st, 6, ob_now_ms());
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	r = ob_errno(ob->db, rc);
	if (!r && sqlite3_changes(ob->db) == 0)
		r = -EEXIST;
	if (!r) {
		rc = sqlite3_prepare_v2(ob->db, "INSERT INTO package_data (seq, data) VALUES (?1, ?2);",
					-1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(ob->db));
			sqlite3_bind_blob64(st, 2, pkg, len, SQLITE_STATIC);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		r = ob_errno(ob->db, rc);
	}
	if (r) {
		ob_exec(ob->db, "ROLLBACK;");
	} else {
		r = ob_exec(ob->db, "COMMIT;");
		if (r)	/* a failed COMMIT leaves the transaction open */
			ob_exec(ob->db, "ROLLBACK;");
	}
out:
	biounit_package_free(p);
	return r;
}

int ob_due(struct biounit_outbox *ob, int64_t now, int64_t max_delay, unsigned int limit,
	   struct ob_item **items, size_t *n)
{
	struct ob_item *v = NULL;
	size_t count = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	*items = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(ob->db,
				"SELECT seq, hash, package_id, attempts FROM packages"
				" WHERE state = ?1 AND (next_attempt_ms <= ?2 OR next_attempt_ms > ?2 + ?4)"
				" ORDER BY seq LIMIT ?3;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	sqlite3_bind_int(st, 1, BIOUNIT_OUTBOX_QUEUED);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	sqlite3_bind_int64(st, 4, max_delay);	/* further ahead: the clock went back */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (util_grow(&v, &cap, count, 1, sizeof(*v), 8, 0)) {
			rc = SQLITE_NOMEM;
			break;
		}
		memset(&v[count], 0, sizeof(v[count]));
		v[count].seq = sqlite3_column_int64(st, 0);
		snprintf(v[count].hash, sizeof(v[count].hash), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		snprintf(v[count].package_id, sizeof(v[count].package_id), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		v[count].attempts = (unsigned int)sqlite3_column_int(st, 3);
		count++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return ob_errno(ob->db, rc);
	}
	*items = v;
	*n = count;
	return 0;
}

int ob_load(struct biounit_outbox *ob, int64_t seq, uint8_t **data, size_t *len)
{
	sqlite3_stmt *st;
	int rc, r;

	rc = sqlite3_prepare_v2(ob->db, "SELECT data FROM package_data WHERE seq = ?1;", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);

		*data = malloc(n ? n : 1);
		r = *data ? 0 : -ENOMEM;
		if (!r) {
			memcpy(*data, p, n);
			*len = n;
		}
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : ob_errno(ob->db, rc);
	}
	sqlite3_finalize(st);
	return r;
}

/* Runs one UPDATE on a queued package (and for a delivery the DELETE of its
 * bytes) in one transaction. */
static int update_queued(struct biounit_outbox *ob, const char *sql, int64_t seq,
			 const char *text, int64_t t1, int64_t t2, bool wipe)
{
	sqlite3_stmt *st;
	int r, rc;

	r = ob_exec(ob->db, "BEGIN IMMEDIATE;");
	if (r)
		return r;
	rc = sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, t1);
		sqlite3_bind_int64(st, 4, t2);
		sqlite3_bind_int(st, 5, BIOUNIT_OUTBOX_QUEUED);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	r = ob_errno(ob->db, rc);
	if (!r && wipe && sqlite3_changes(ob->db) == 1)
		r = ob_exec(ob->db, "DELETE FROM package_data WHERE seq NOT IN"
				    " (SELECT seq FROM packages WHERE state != 2);");
	if (r) {
		ob_exec(ob->db, "ROLLBACK;");
		return r;
	}
	r = ob_exec(ob->db, "COMMIT;");
	if (r)
		ob_exec(ob->db, "ROLLBACK;");
	return r;
}

int ob_mark_delivered(struct biounit_outbox *ob, int64_t seq, const char *ack_id, int64_t now)
{
	int r = update_queued(ob,
			      "UPDATE packages SET state = 2, ack_id = ?2, done_ms = ?3,"
			      " last_attempt_ms = ?4, attempts = attempts + 1, appointment = '',"
			      " reason = '' WHERE seq = ?1 AND state = ?5;",
			      seq, ack_id, now, now, true);

	if (!r)
		ob_checkpoint(ob);
	return r;
}

int ob_mark_refused(struct biounit_outbox *ob, int64_t seq, const char *reason, int64_t now)
{
	return update_queued(ob,
			     "UPDATE packages SET state = 4, reason = ?2, done_ms = ?3,"
			     " last_attempt_ms = ?4, attempts = attempts + 1"
			     " WHERE seq = ?1 AND state = ?5;",
			     seq, reason, now, now, false);
}

int ob_mark_deferred(struct biounit_outbox *ob, int64_t seq, const char *reason, int64_t now,
		     int64_t next)
{
	return update_queued(ob,
			     "UPDATE packages SET reason = ?2, last_attempt_ms = ?3,"
			     " next_attempt_ms = ?4, attempts = attempts + 1"
			     " WHERE seq = ?1 AND state = ?5;",
			     seq, reason, now, next, false);
}

int ob_counts(struct biounit_outbox *ob, int64_t now, unsigned int *waiting, int64_t *next_due)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ob->db,
				"SELECT count(*), min(next_attempt_ms) FROM packages WHERE state = 1;",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return ob_errno(ob->db, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*waiting = (unsigned int)sqlite3_column_int(st, 0);
		if (!*waiting) {
			*next_due = -1;
		} else {
			int64_t t = sqlite3_column_int64(st, 1);

			*next_due = t > now ? t - now : 0;
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return ob_errno(ob->db, rc);
}
