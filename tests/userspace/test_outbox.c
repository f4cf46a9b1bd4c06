// SPDX-License-Identifier: GPL-2.0
/*
 * The outbox against the reference service on localhost (HTTPS, a test
 * certificate made now): commit is durable and idempotent, files are 0600,
 * a delivery is acknowledged by hash and wipes the package's bytes (checked
 * by looking for each package's marker in the database files), an
 * unreachable or failing service leaves packages queued, a refused package
 * stays with its reason, a lost acknowledgement is answered as a duplicate
 * without storing twice, an acknowledgement naming another hash is not believed.
 * Mutual TLS: with a service that requires client certificates, a sender
 * without one, or with one of another CA, keeps its packages queued (retried,
 * the reason kept); with the unit's certificate they are delivered.
 * Space: the files shrink back after the packages are delivered, and a file
 * made without incremental auto-vacuum is changed to it once it holds no
 * package bytes, also while another connection reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "outbox/outbox.h"
#include "package/package.h"
#include "kselftest_harness.h"
#include "handoff_fixture.h"
#include "handoff_service.h"

FIXTURE(ob) {
	struct hsvc s;
	struct biounit_outbox *ob;
	struct biounit_outbox_sender cfg;
	struct fix_records rec;
};

FIXTURE_SETUP(ob)
{
	ASSERT_EQ(0, fix_records_make(&self->rec));
	ASSERT_EQ(0, hsvc_init(&self->s));
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	self->cfg = hsvc_sender(&self->s);
}

FIXTURE_TEARDOWN(ob)
{
	biounit_outbox_close(self->ob);
	hsvc_cleanup(&self->s);
	fix_records_free(&self->rec);
}

static void commit_n(struct __test_metadata *_metadata, FIXTURE_DATA(ob) *self, unsigned int from,
		     unsigned int n)
{
	for (unsigned int i = from; i < from + n; i++) {
		uint8_t *pkg;
		size_t len;

		ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, i, 1, &pkg, &len));
		ASSERT_EQ(0, biounit_outbox_commit(self->ob, pkg, len, NULL));
		free(pkg);
	}
}

/* one integer answer of @sql on the outbox file, through a connection of its own */
static long long outbox_query(FIXTURE_DATA(ob) *self, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(self->s.path[HP_DB], &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/* runs @sql on the outbox file through a connection of its own */
static int outbox_exec(FIXTURE_DATA(ob) *self, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(self->s.path[HP_DB], &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* 1 if package @i's marker is in any file of the outbox */
static int outbox_holds(FIXTURE_DATA(ob) *self, unsigned int i)
{
	uint8_t m[FIX_MARKER_SIZE];
	char p[400];
	int found;

	fix_marker(i, m);
	found = fix_file_contains(self->s.path[HP_DB], m, sizeof(m));
	snprintf(p, sizeof(p), "%s-wal", self->s.path[HP_DB]);
	found |= fix_file_contains(p, m, sizeof(m));
	snprintf(p, sizeof(p), "%s-shm", self->s.path[HP_DB]);
	return found | fix_file_contains(p, m, sizeof(m));
}

static struct biounit_outbox_entry one(struct __test_metadata *_metadata, FIXTURE_DATA(ob) *self,
				       size_t i)
{
	struct biounit_outbox_entry *v = NULL, e;
	size_t n = 0;

	memset(&e, 0, sizeof(e));
	EXPECT_EQ(0, biounit_outbox_list(self->ob, 7, &v, &n));
	if (i < n)
		e = v[i];
	else
		TH_LOG("no entry %zu (%zu entries)", i, n);
	free(v);
	return e;
}

TEST_F(ob, commit_is_durable_idempotent_and_private)
{
	struct biounit_outbox_entry e;
	char hex[65], hex2[65], wal[400];
	struct stat st;
	uint8_t *pkg, *back;
	size_t len, blen;

	ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, 1, 1, &pkg, &len));
	ASSERT_EQ(0, biounit_outbox_commit(self->ob, pkg, len, hex));
	EXPECT_EQ(-EEXIST, biounit_outbox_commit(self->ob, pkg, len, hex2));
	EXPECT_STREQ(hex, hex2);
	pkg[20] ^= 0xff;	/* inside the manifest's framing: not a package */
	EXPECT_EQ(-EBADMSG, biounit_outbox_commit(self->ob, pkg, len, NULL));
	pkg[20] ^= 0xff;
	EXPECT_EQ(-EBADMSG, biounit_outbox_commit(self->ob, (const uint8_t *)"junk", 4, NULL));

	biounit_outbox_close(self->ob);
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	e = one(_metadata, self, 0);
	EXPECT_STREQ(hex, e.hash);
	EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, (int)e.state);
	EXPECT_STREQ("IND-000001", e.appointment);
	EXPECT_TRUE(e.has_data);
	EXPECT_EQ(len, e.size);
	ASSERT_EQ(0, biounit_outbox_get(self->ob, hex, &back, &blen));
	EXPECT_EQ(len, blen);
	EXPECT_EQ(0, memcmp(pkg, back, len));
	free(back);

	ASSERT_EQ(0, stat(self->s.path[HP_DB], &st));
	EXPECT_EQ(0600, (int)(st.st_mode & 0777));
	snprintf(wal, sizeof(wal), "%s-wal", self->s.path[HP_DB]);
	ASSERT_EQ(0, stat(wal, &st));
	EXPECT_EQ(0600, (int)(st.st_mode & 0777));
	/* an outbox others can read is refused */
	biounit_outbox_close(self->ob);
	ASSERT_EQ(0, chmod(self->s.path[HP_DB], 0644));
	EXPECT_EQ(-EPERM, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	ASSERT_EQ(0, chmod(self->s.path[HP_DB], 0600));
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	free(pkg);
}

TEST_F_TIMEOUT(ob, delivered_acknowledged_by_hash_and_wiped, 60)
{
	struct biounit_outbox_pass pass;
	struct biounit_outbox_entry *v;
	size_t n, i;

	long long full, empty;

	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	commit_n(_metadata, self, 0, 5);
	for (i = 0; i < 5; i++)
		EXPECT_TRUE(outbox_holds(self, (unsigned int)i));
	full = fix_outbox_bytes(self->s.path[HP_DB]);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(5u, pass.delivered);
	/* the freed pages went back to the file system: receipts only are left */
	empty = fix_outbox_bytes(self->s.path[HP_DB]);
	EXPECT_LT(empty * 4, full) TH_LOG("%lld bytes holding 5 packages, %lld after", full, empty);
	EXPECT_EQ(0u, pass.waiting);
	EXPECT_EQ(-1, pass.next_due_ms);
	ASSERT_EQ(0, biounit_outbox_list(self->ob, BIOUNIT_OUTBOX_DELIVERED, &v, &n));
	ASSERT_EQ(5u, n);
	for (i = 0; i < n; i++) {
		uint8_t *pkg, *back;
		size_t len, blen;

		EXPECT_FALSE(v[i].has_data);
		EXPECT_STREQ("", v[i].appointment);	/* only the receipt is left */
		EXPECT_EQ(0, strncmp(v[i].ack_id, "ack-", 4));
		EXPECT_EQ(1u, v[i].attempts);
		EXPECT_NE(0, v[i].done_ms);
		EXPECT_EQ(-ENOENT, biounit_outbox_get(self->ob, v[i].hash, &back, &blen));
		ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, (unsigned int)i, 1, &pkg,
						 &len));
		EXPECT_TRUE(hsvc_stored_equal(&self->s, pkg, len));
		free(pkg);
	}
	free(v);
	/* wiped: no package's bytes anywhere in the outbox's files, even before close */
	for (i = 0; i < 5; i++)
		EXPECT_FALSE(outbox_holds(self, (unsigned int)i)) TH_LOG("package %zu left", i);
	biounit_outbox_close(self->ob);
	self->ob = NULL;
	for (i = 0; i < 5; i++)
		EXPECT_FALSE(outbox_holds(self, (unsigned int)i));
	EXPECT_EQ(5u, hsvc_log_count(&self->s, "stored", NULL));
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
}

TEST_F_TIMEOUT(ob, an_old_file_changes_to_incremental_vacuum_once_empty, 60)
{
	struct biounit_outbox_pass pass;

	EXPECT_EQ(2, outbox_query(self, "PRAGMA auto_vacuum;"));	/* a new file: incremental */
	/* a file as the first outbox made it: no auto-vacuum, one package queued */
	commit_n(_metadata, self, 0, 1);
	biounit_outbox_close(self->ob);
	self->ob = NULL;
	ASSERT_EQ(SQLITE_OK, outbox_exec(self, "PRAGMA auto_vacuum=NONE; VACUUM;"));
	EXPECT_EQ(0, outbox_query(self, "PRAGMA auto_vacuum;"));
	/* not changed while it holds package bytes (VACUUM would copy them) */
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	EXPECT_EQ(0, outbox_query(self, "PRAGMA auto_vacuum;"));
	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(1u, pass.delivered);
	biounit_outbox_close(self->ob);
	self->ob = NULL;
	/* the next open finds receipts only, and changes the mode (another connection reading
	 * does not stop it: WAL) */
	{
		sqlite3 *reader = NULL;
		sqlite3_stmt *st = NULL;

		ASSERT_EQ(SQLITE_OK, sqlite3_open_v2(self->s.path[HP_DB], &reader,
						     SQLITE_OPEN_READONLY, NULL));
		ASSERT_EQ(SQLITE_OK, sqlite3_prepare_v2(reader, "SELECT seq FROM packages;", -1, &st,
							NULL));
		EXPECT_EQ(SQLITE_ROW, sqlite3_step(st));	/* a read transaction stays open */
		EXPECT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
		EXPECT_EQ(2, outbox_query(self, "PRAGMA auto_vacuum;"));
		sqlite3_finalize(st);
		sqlite3_close(reader);
		biounit_outbox_close(self->ob);
		self->ob = NULL;
	}
	ASSERT_EQ(0, biounit_outbox_open(self->s.path[HP_DB], &self->ob));
	EXPECT_EQ(2, outbox_query(self, "PRAGMA auto_vacuum;"));
	EXPECT_EQ(1, outbox_query(self, "SELECT count(*) FROM packages WHERE state = 2;"));
	EXPECT_FALSE(outbox_holds(self, 0));
}

TEST_F_TIMEOUT(ob, unreachable_service_keeps_the_package_queued, 60)
{
	struct biounit_outbox_pass pass;
	struct biounit_outbox_entry e;

	commit_n(_metadata, self, 10, 2);
	self->cfg.url = "https://127.0.0.1:1/v1/packages";	/* nobody listens there */
	self->cfg.backoff_min_ms = 60000;
	self->cfg.backoff_max_ms = 60000;
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(0u, pass.delivered);
	EXPECT_EQ(2u, pass.deferred);
	EXPECT_EQ(2u, pass.waiting);
	EXPECT_GT(pass.next_due_ms, 20000);	/* half the backoff at least */
	e = one(_metadata, self, 0);
	EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, (int)e.state);
	EXPECT_EQ(1u, e.attempts);
	EXPECT_TRUE(e.has_data);
	EXPECT_EQ(0, strncmp(e.reason, "no answer: ", 11)) TH_LOG("%s", e.reason);
	/* not due yet: nothing is tried */
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(0u, pass.deferred);
	/* the backoff doubles */
	self->cfg = hsvc_sender(&self->s);
	self->cfg.url = "https://127.0.0.1:1/v1/packages";
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.deferred);
	/* the service comes up: delivered */
	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	self->cfg = hsvc_sender(&self->s);
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.delivered);
	e = one(_metadata, self, 1);
	EXPECT_EQ(BIOUNIT_OUTBOX_DELIVERED, (int)e.state);
	EXPECT_EQ(3u, e.attempts);
}

/* what the operator sees: biounitctl outbox */
static void operator_view(struct __test_metadata *_metadata, FIXTURE_DATA(ob) *self)
{
	char cmd[700], out[8192];
	size_t got;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/biounitctl outbox --db %s refused",
		 getenv("BIOUNIT_TOOLS"), self->s.path[HP_DB]);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	got = fread(out, 1, sizeof(out) - 1, f);
	out[got] = '\0';
	EXPECT_EQ(0, pclose(f));
	EXPECT_NE(NULL, strstr(out, "IND-000020, refused at ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "HTTP 403 unknown-unit")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "0 waiting, 0 delivered, 2 refused")) TH_LOG("%s", out);
}

TEST_F_TIMEOUT(ob, refused_package_stays_with_its_reason, 60)
{
	struct biounit_outbox_pass pass;
	struct biounit_outbox_entry e;
	struct biounit_key *stranger;
	char path[400], hex[65];
	uint8_t *pkg, *back;
	size_t len, blen;

	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	/* a unit the service does not trust */
	snprintf(path, sizeof(path), "%s/stranger.key", self->s.dir);
	ASSERT_EQ(0, biounit_key_generate(path, &stranger));
	ASSERT_EQ(0, fix_session_package(&self->rec, stranger, 20, 1, &pkg, &len));
	biounit_key_free(stranger);
	ASSERT_EQ(0, biounit_outbox_commit(self->ob, pkg, len, hex));
	free(pkg);
	/* a record changed after signing: well-formed, but its hash is wrong */
	ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, 21, 1, &pkg, &len));
	pkg[len - 400] ^= 1;	/* in the last record's bytes */
	ASSERT_EQ(0, biounit_outbox_commit(self->ob, pkg, len, NULL));
	free(pkg);

	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.refused);
	EXPECT_EQ(0u, pass.waiting);
	e = one(_metadata, self, 0);
	EXPECT_EQ(BIOUNIT_OUTBOX_REFUSED, (int)e.state);
	EXPECT_TRUE(e.has_data);
	EXPECT_STREQ("IND-000020", e.appointment);
	EXPECT_NE(NULL, strstr(e.reason, "HTTP 403 unknown-unit")) TH_LOG("%s", e.reason);
	e = one(_metadata, self, 1);
	EXPECT_EQ(BIOUNIT_OUTBOX_REFUSED, (int)e.state);
	EXPECT_NE(NULL, strstr(e.reason, "HTTP 422 record-hash")) TH_LOG("%s", e.reason);
	EXPECT_NE(NULL, strstr(e.reason, "signature")) TH_LOG("%s", e.reason);
	EXPECT_EQ(0, biounit_outbox_get(self->ob, hex, &back, &blen));
	free(back);
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "stored", NULL));
	operator_view(_metadata, self);
	/* the operator sends it again; still refused, still kept */
	ASSERT_EQ(0, biounit_outbox_requeue(self->ob, hex));
	EXPECT_EQ(-ENOENT, biounit_outbox_requeue(self->ob, hex));
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(1u, pass.refused);
	e = one(_metadata, self, 0);
	EXPECT_EQ(2u, e.attempts);
}

TEST_F_TIMEOUT(ob, failures_retry_and_a_lost_ack_is_a_duplicate, 90)
{
	static const struct {
		const char *mode;
		unsigned int delay;
	} faults[] = {
		{ "error", 0 }, { "unavailable", 0 }, { "drop", 0 }, { "timeout", 8000 },
	};
	struct biounit_outbox_pass pass;
	struct biounit_outbox_entry e;
	size_t i;

	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	commit_n(_metadata, self, 30, 1);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		ASSERT_EQ(0, hsvc_control(&self->s, faults[i].mode, 1, faults[i].delay));
		hsvc_sleep_ms(3);
		ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
		EXPECT_EQ(1u, pass.deferred) TH_LOG("mode %s", faults[i].mode);
		e = one(_metadata, self, 0);
		EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, (int)e.state);
		EXPECT_TRUE(e.has_data);
		TH_LOG("%s -> %s", faults[i].mode, e.reason);
	}
	/* stored, but the answer is lost: sent again, acknowledged as a duplicate */
	ASSERT_EQ(0, hsvc_control(&self->s, "lost-ack", 1, 0));
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(1u, pass.deferred);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	/* an acknowledgement that names another package is not believed */
	ASSERT_EQ(0, hsvc_control(&self->s, "wrong-ack", 1, 0));
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(1u, pass.deferred);
	e = one(_metadata, self, 0);
	EXPECT_TRUE(e.has_data);
	EXPECT_NE(NULL, strstr(e.reason, "does not name this package")) TH_LOG("%s", e.reason);
	/* a slow answer within the time-out is fine */
	ASSERT_EQ(0, hsvc_control(&self->s, "slow", 1, 300));
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(1u, pass.delivered);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(2u, hsvc_log_count(&self->s, "duplicate", NULL));
	e = one(_metadata, self, 0);
	EXPECT_EQ(BIOUNIT_OUTBOX_DELIVERED, (int)e.state);
	EXPECT_EQ(7u, e.attempts);
	EXPECT_FALSE(e.has_data);
}

/* every package queued, its bytes kept, the last reason containing @why */
static void all_waiting(struct __test_metadata *_metadata, FIXTURE_DATA(ob) *self,
			unsigned int attempts, const char *why)
{
	struct biounit_outbox_entry *v = NULL;
	size_t n = 0;

	ASSERT_EQ(0, biounit_outbox_list(self->ob, 7, &v, &n));
	ASSERT_EQ(2u, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *back = NULL;
		size_t blen = 0;

		EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, (int)v[i].state);
		EXPECT_TRUE(v[i].has_data);
		EXPECT_EQ(attempts, v[i].attempts);
		EXPECT_NE(NULL, strstr(v[i].reason, why)) TH_LOG("%s", v[i].reason);
		EXPECT_EQ(0, biounit_outbox_get(self->ob, v[i].hash, &back, &blen));
		EXPECT_EQ(v[i].size, blen);
		free(back);
	}
	free(v);
}

TEST_F_TIMEOUT(ob, mutual_tls_client_certificate, 90)
{
	const char *const extra[] = { "--client-ca", self->s.path[HP_CLIENT_CA], NULL };
	struct biounit_outbox_pass pass;

	ASSERT_EQ(0, hsvc_make_client_certs(&self->s));
	ASSERT_EQ(0, hsvc_start(&self->s, extra));
	commit_n(_metadata, self, 60, 2);

	/* no client certificate: 403 client-certificate, retried, nothing lost */
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(0u, pass.delivered);
	EXPECT_EQ(0u, pass.refused);
	EXPECT_EQ(2u, pass.deferred);
	EXPECT_EQ(2u, pass.waiting);
	all_waiting(_metadata, self, 1,
		    "HTTP 403 client-certificate: no client certificate was presented");
	EXPECT_EQ(2u, hsvc_log_count(&self->s, "refused", "- 403 client-certificate"));

	/* a client certificate of another CA: the same */
	self->cfg.client_cert = self->s.path[HP_OTHER_CERT];
	self->cfg.client_key = self->s.path[HP_OTHER_KEY];
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.deferred);
	EXPECT_EQ(0u, pass.refused);
	all_waiting(_metadata, self, 2, "HTTP 403 client-certificate: the client certificate "
		    "is not signed by a CA trusted here");

	/* a certificate without its key is the caller's mistake: nothing is tried */
	self->cfg.client_key = NULL;
	hsvc_sleep_ms(3);
	EXPECT_EQ(-EINVAL, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	self->cfg.client_cert = NULL;
	self->cfg.client_key = self->s.path[HP_CLIENT_KEY];
	EXPECT_EQ(-EINVAL, biounit_outbox_send_due(self->ob, &self->cfg, &pass));

	/* a certificate file that cannot be read: no connection, retried */
	self->cfg.client_cert = "/nonexistent/client.crt";
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.deferred);
	all_waiting(_metadata, self, 3, "no answer: ");
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "stored", NULL));

	/* the unit's own certificate: delivered, acknowledged, wiped */
	self->cfg.client_cert = self->s.path[HP_CLIENT_CERT];
	hsvc_sleep_ms(3);
	ASSERT_EQ(0, biounit_outbox_send_due(self->ob, &self->cfg, &pass));
	EXPECT_EQ(2u, pass.delivered);
	EXPECT_EQ(0u, pass.waiting);
	EXPECT_EQ(2u, hsvc_log_count(&self->s, "stored", NULL));
	for (unsigned int i = 0; i < 2; i++) {
		struct biounit_outbox_entry e = one(_metadata, self, i);
		uint8_t *pkg;
		size_t len;

		EXPECT_EQ(BIOUNIT_OUTBOX_DELIVERED, (int)e.state);
		EXPECT_EQ(4u, e.attempts);
		EXPECT_FALSE(e.has_data);
		EXPECT_FALSE(outbox_holds(self, 60 + i));
		ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, 60 + i, 1, &pkg, &len));
		EXPECT_TRUE(hsvc_stored_equal(&self->s, pkg, len));
		free(pkg);
	}
	/* the service's other endpoints want the certificate too (hsvc_control presents it) */
	EXPECT_EQ(0, hsvc_control(&self->s, "ok", 0, 0));
	self->s.client_cert = false;
	EXPECT_EQ(-EIO, hsvc_control(&self->s, "ok", 0, 0));
}

TEST_HARNESS_MAIN
