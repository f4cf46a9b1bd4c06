// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd's finish path on the host, without a unit: a finished session is
 * scripted into the daemon's store with the session library (its capture
 * files made from generated images), and biounitd, started on it, turns it
 * into a package in the outbox. The daemon is first killed right after the
 * outbox commit (BIOUNITD_TEST_EXIT_AFTER_COMMIT), before it marks the
 * session done; the package then verifies with the unit's public key and its
 * records parse back with the record readers. Restarted, the daemon commits
 * nothing twice and delivers the package to a biounit-refservice started
 * here; after the acknowledgement the session's biometric files are gone and
 * session.json is a receipt. The service requires client certificates
 * (mutual TLS): the daemon presents the one its configuration names
 * (ordering_client_cert, ordering_client_key); with one of another CA the
 * package waits, queued with the reason, and goes once the configuration is
 * put right; a certificate without its key is a configuration error. Needs
 * $BIOUNIT_TOOLS (biounitd, biounit-refservice), openssl and the face models.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "face/face.h"
#include "outbox/outbox.h"
#include "package/package.h"
#include "records/records.h"
#include "session/session.h"
#include "signature/signature.h"
#include "biounitd_fixture.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define IFACE BD_IFACE
#define SID "20261123-00c0ffee42"
#define CODE "IND-2026-0042"

FIXTURE(h) {
	struct bd_env e;
	struct hsvc svc;
	bool svc_ok;
};

FIXTURE_SETUP(h)
{
	const char *extra[3] = { "--client-ca", NULL, NULL }, *why = bd_cannot_run(&self->e);

	self->svc_ok = false;
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, hsvc_init(&self->svc));
	self->svc_ok = true;
	ASSERT_EQ(0, hsvc_make_client_certs(&self->svc));
	extra[1] = self->svc.path[HP_CLIENT_CA];
	ASSERT_EQ(0, hsvc_start(&self->svc, extra));
	bd_env_init(&self->e, self->svc.dir);
	ASSERT_EQ(0, bd_write_conf(&self->e, &self->svc, self->svc.path[HP_CLIENT_CERT],
				self->svc.path[HP_CLIENT_KEY]));
}

FIXTURE_TEARDOWN(h)
{
	bd_stop(&self->e, SIGTERM);
	if (self->svc_ok)
		hsvc_cleanup(&self->svc);
}

TEST_F(h, finished_session_committed_delivered_wiped)
{
	const struct biounit_record_format *fmt = biounit_record_format_find("iso19794-2005");
	char sdir[256], path[512], names[1024], hash[65] = "", *doc;
	uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE], *data = NULL;
	struct biounit_outbox_entry *ents = NULL;
	struct biounit_package *pkg = NULL;
	struct biounit_package_problem why;
	struct biounit_outbox *ob = NULL;
	struct json_value *r = NULL;
	const struct json_value *st, *ho;
	struct stat sb;
	size_t n = 0, len = 0;
	const char *state = "";

	ASSERT_NE(NULL, fmt);
	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, bd_script_session(self->e.state, SID, CODE));
	snprintf(sdir, sizeof(sdir), "%s/sessions/%s", self->e.state, SID);

	/* killed between the outbox commit and marking the session done */
	ASSERT_EQ(99, bd_run_to_exit(&self->e, "BIOUNITD_TEST_EXIT_AFTER_COMMIT", 30000));
	snprintf(path, sizeof(path), "%s/outbox.db", self->e.state);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0600, sb.st_mode & 0777);
	ASSERT_EQ(0, biounit_outbox_open(path, &ob));
	ASSERT_EQ(0, biounit_outbox_list(ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
					 BIOUNIT_OUTBOX_REFUSED, &ents, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIOUNIT_OUTBOX_QUEUED, ents[0].state);
	EXPECT_STREQ(CODE, ents[0].appointment);
	snprintf(hash, sizeof(hash), "%s", ents[0].hash);
	free(ents);
	ents = NULL;
	snprintf(path, sizeof(path), "%s/handoff.json", sdir);
	EXPECT_NE(0, access(path, F_OK));	/* not marked done */

	/* the package: signed by the unit's key, with the expected records */
	ASSERT_EQ(0, biounit_outbox_get(ob, hash, &data, &len));
	ASSERT_EQ(0, biounit_pubkey_load(self->svc.path[HP_UNITPUB], pk));
	ASSERT_EQ(0, biounit_package_verify(data, len, pk, &pkg, &why));
	EXPECT_STREQ(CODE, biounit_package_get_appointment(pkg));
	ASSERT_EQ(6, biounit_package_record_count(pkg));
	do {
		static const char *const want[6] = { "face", "face-portrait", "finger-1", "finger-7",
						     "signature-image", "signature-pen" };
		struct biounit_package_record rec[6];
		struct biounit_face_record *fr = calloc(1, sizeof(*fr));
		struct biounit_finger_record *gr = calloc(1, sizeof(*gr));
		struct biounit_signature_record sr;
		struct biounit_package_exception ex;
		struct biounit_package_modality m;
		struct biounit_image *img = NULL;

		for (int i = 0; i < 6; i++) {
			ASSERT_EQ(0, biounit_package_get_record(pkg, i, &rec[i]));
			EXPECT_STREQ(want[i], rec[i].name);
		}
		EXPECT_STREQ(fmt->face_record_format, rec[0].format);
		EXPECT_EQ(0, fmt->parse_face(rec[0].data, rec[0].len, fr));
		EXPECT_EQ(1, fr->n_images);
		EXPECT_EQ(BIOUNIT_FACE_DATA_JPEG2000, fr->images[0].data_type);
		EXPECT_EQ(91, (int)rec[0].quality);
		EXPECT_EQ(1000000000ll, rec[0].captured_ns);
		EXPECT_EQ(0, biounit_image_load_mem(rec[1].data, rec[1].len, &img));
		biounit_image_free(img);
		EXPECT_EQ(0, fmt->parse_finger(rec[2].data, rec[2].len, gr));
		EXPECT_EQ(BIOUNIT_FINGER_WSQ, gr->compression);
		EXPECT_EQ(1, gr->views[0].position);
		EXPECT_EQ(72, gr->views[0].quality);
		EXPECT_EQ(30, (int)rec[2].threshold);
		EXPECT_EQ(0, fmt->parse_finger(rec[3].data, rec[3].len, gr));
		EXPECT_EQ(7, gr->views[0].position);
		EXPECT_EQ(64, gr->views[0].quality);
		EXPECT_EQ(0, fmt->parse_signature(rec[4].data, rec[4].len, rec[5].data, rec[5].len, &sr));
		EXPECT_EQ(183, biounit_signature_count(sr.signature));
		biounit_signature_record_release(&sr);
		free(fr);
		free(gr);
		ASSERT_EQ(3, biounit_package_modality_count(pkg));
		for (int i = 0; i < 3; i++) {
			ASSERT_EQ(0, biounit_package_get_modality(pkg, i, &m));
			EXPECT_EQ(BIOUNIT_MODALITY_TAKEN, m.status);
		}
		ASSERT_EQ(1, biounit_package_exception_count(pkg));
		ASSERT_EQ(0, biounit_package_get_exception(pkg, 0, &ex));
		EXPECT_EQ(2, ex.position);
		EXPECT_NE(NULL, strstr(ex.reason, "bandaged"));
		EXPECT_EQ(3, biounit_package_decision_count(pkg));
	} while (0);
	biounit_package_free(pkg);
	free(data);

	/* restarted: nothing committed twice, delivered, wiped */
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	for (int i = 0; i < 400; i++) {
		json_free(r);
		r = bd_call(&self->e, IFACE ".Status", "{\"id\":\"" SID "\"}");
		st = json_get(json_get(r, "parameters"), "status");
		ho = json_get(st, "handoff");
		state = bd_str(ho, "state");
		if (!strcmp(state, "delivered") && json_get(ho, "wiped")->boolean)
			break;
		hsvc_sleep_ms(50);
	}
	ASSERT_STREQ("delivered", state);
	EXPECT_STREQ(hash, bd_str(ho, "package_hash"));
	EXPECT_EQ(0, strncmp(bd_str(ho, "ack_id"), "ack-", 4));
	EXPECT_STREQ("finished", bd_str(st, "state"));
	EXPECT_STREQ("taken", bd_str(json_get(st, "results"), "photo"));
	json_free(r);
	r = NULL;
	ASSERT_EQ(0, biounit_outbox_list(ob, BIOUNIT_OUTBOX_QUEUED | BIOUNIT_OUTBOX_DELIVERED |
					 BIOUNIT_OUTBOX_REFUSED, &ents, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIOUNIT_OUTBOX_DELIVERED, ents[0].state);
	EXPECT_FALSE(ents[0].has_data);
	free(ents);
	biounit_outbox_close(ob);
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", hash));

	/* the session's directory: the receipt and nothing else */
	EXPECT_EQ(1, bd_files_in(sdir, names, sizeof(names)));
	EXPECT_STREQ("session.json ", names);
	snprintf(path, sizeof(path), "%s/session.json", sdir);
	ASSERT_EQ(0, stat(path, &sb)) {
		TH_LOG("no receipt");
	}
	EXPECT_EQ(0600, sb.st_mode & 0777);
	doc = (char *)hsvc_read(path, &len);
	ASSERT_NE(NULL, doc);
	doc = realloc(doc, len + 1);
	doc[len] = '\0';
	EXPECT_NE(NULL, strstr(doc, "biounit-session-receipt"));
	EXPECT_NE(NULL, strstr(doc, hash));
	EXPECT_EQ(NULL, strstr(doc, CODE));
	EXPECT_EQ(NULL, strstr(doc, ".png"));
	EXPECT_EQ(NULL, strstr(doc, "score"));
	free(doc);

	/* the daemon's log: the package's hash, never the code */
	doc = (char *)hsvc_read(self->e.log, &len);
	ASSERT_NE(NULL, doc);
	doc = realloc(doc, len + 1);
	doc[len] = '\0';
	EXPECT_EQ(NULL, strstr(doc, CODE));
	EXPECT_NE(NULL, strstr(doc, "committed to the outbox"));
	EXPECT_NE(NULL, strstr(doc, "already in the outbox"));
	EXPECT_NE(NULL, strstr(doc, "client certificate")) TH_LOG("%s", doc);
	free(doc);

	/* a restart reads the receipt back */
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	r = bd_call(&self->e, IFACE ".Result", "{\"id\":\"" SID "\"}");
	ho = json_get(json_get(r, "parameters"), "handoff");
	EXPECT_STREQ("delivered", bd_str(ho, "state"));
	EXPECT_STREQ(hash, bd_str(ho, "package_hash"));
	EXPECT_STREQ("biounit-session-receipt",
		     bd_str(json_get(json_get(r, "parameters"), "session"), "format"));
	json_free(r);
	r = bd_call(&self->e, IFACE ".Discard", "{\"id\":\"" SID "\"}");
	EXPECT_STREQ(IFACE ".NotAllowed", bd_str(r, "error"));
	json_free(r);
	EXPECT_EQ(1, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
}

TEST_F(h, no_ordering_url_packages_wait)
{
	struct json_value *r;
	const struct json_value *ho;
	FILE *f;

	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, bd_script_session(self->e.state, SID, CODE));
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = %s\n", self->e.sock, self->e.state, test_face_cache_path());
	fclose(f);
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	/* the builder thread commits the package; meanwhile the session says so */
	r = bd_wait_handoff(&self->e, SID, "queued", 20000);
	ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
	EXPECT_STREQ("queued", bd_str(ho, "state"));
	EXPECT_STREQ("no ordering_url", bd_str(ho, "waiting"));
	EXPECT_EQ(64, strlen(bd_str(ho, "package_hash")));
	json_free(r);
	do {
		char path[256];

		/* the key was made at the first start, 0600, with its public half */
		struct stat sb;

		snprintf(path, sizeof(path), "%s/unit.key", self->e.state);
		ASSERT_EQ(0, stat(path, &sb));
		EXPECT_EQ(0600, sb.st_mode & 0777);
		snprintf(path, sizeof(path), "%s/unit.key.pub", self->e.state);
		EXPECT_EQ(0, access(path, R_OK));
		snprintf(path, sizeof(path), "%s/sessions/%s/photo-1.png", self->e.state, SID);
		EXPECT_EQ(0, access(path, F_OK));	/* kept until acknowledged */
	} while (0);
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
}

/*
 * A landmark cache with a sound header and a bad body (issue 18): biounitd
 * used to map it and die of SIGSEGV building a finished session's package,
 * and under Restart=on-failure never came up again. Now it logs why, reads
 * the model instead and builds the package.
 */
TEST_F(h, damaged_landmark_cache_is_logged_and_not_used)
{
	static char log[65536];
	char evil[256];
	struct json_value *r;
	const struct json_value *ho;
	size_t n;
	FILE *f;

	snprintf(evil, sizeof(evil), "%s/evil.cache", self->e.dir);
	if (test_face_cache_damaged_copy(evil))
		SKIP(return, "needs libdlib-data");
	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, bd_script_session(self->e.state, SID, CODE));
	f = fopen(self->e.conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "socket_path = %s\nstate_dir = %s\nunit = NO-SUCH-SERIAL\n"
		   "face_cache = %s\n", self->e.sock, self->e.state, evil);
	fclose(f);
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	r = bd_wait_handoff(&self->e, SID, "queued", 20000);	/* built on the builder thread */
	ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
	EXPECT_STREQ("queued", bd_str(ho, "state"));
	EXPECT_EQ(64, strlen(bd_str(ho, "package_hash")));
	json_free(r);
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
	f = fopen(self->e.log, "r");
	ASSERT_NE(NULL, f);
	n = fread(log, 1, sizeof(log) - 1, f);
	log[n] = '\0';
	fclose(f);
	EXPECT_NE(NULL, strstr(log, "<4>biounitd: landmark cache ")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "evil.cache: malformed: a split index is not a feature; "
				    "the model was read from "))
		TH_LOG("%s", log);
}

/* a photo kept below the rules: the package's face modality is taken, with the reasons */
TEST_F(h, photo_kept_below_the_rules_says_so)
{
	uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE], *data = NULL;
	struct biounit_outbox_entry *ents = NULL;
	struct biounit_package *pkg = NULL;
	struct biounit_package_problem why;
	struct biounit_package_modality m;
	struct biounit_outbox *ob = NULL;
	char path[256];
	size_t n = 0, len = 0;

	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, bd_script_session_photo(self->e.state, SID, CODE,
					     "neutral_expression,background"));
	/* stopped after the commit: the package stays in the outbox to be read here */
	ASSERT_EQ(99, bd_run_to_exit(&self->e, "BIOUNITD_TEST_EXIT_AFTER_COMMIT", 30000));
	snprintf(path, sizeof(path), "%s/outbox.db", self->e.state);
	ASSERT_EQ(0, biounit_outbox_open(path, &ob));
	ASSERT_EQ(0, biounit_outbox_list(ob, BIOUNIT_OUTBOX_QUEUED, &ents, &n));
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, biounit_outbox_get(ob, ents[0].hash, &data, &len));
	free(ents);
	biounit_outbox_close(ob);
	ASSERT_EQ(0, biounit_pubkey_load(self->svc.path[HP_UNITPUB], pk));
	ASSERT_EQ(0, biounit_package_verify(data, len, pk, &pkg, &why));
	ASSERT_EQ(0, biounit_package_get_modality(pkg, 0, &m));
	EXPECT_EQ(BIOUNIT_MODALITY_FACE, m.modality);
	EXPECT_EQ(BIOUNIT_MODALITY_TAKEN, m.status);
	EXPECT_STREQ("kept below the quality rules by the operator: neutral_expression,background",
		     m.reason);
	ASSERT_EQ(0, biounit_package_get_modality(pkg, 1, &m));
	EXPECT_EQ(BIOUNIT_MODALITY_TAKEN, m.status);
	EXPECT_STREQ("", m.reason);
	biounit_package_free(pkg);
	free(data);
}

/* the handoff status of the scripted session, polled until @until says yes */
static struct json_value *status_until(struct bd_env *e, bool (*until)(const struct json_value *))
{
	struct json_value *r = NULL;

	for (int i = 0; i < 400; i++) {
		json_free(r);
		r = bd_call(e, IFACE ".Status", "{\"id\":\"" SID "\"}");
		if (until(json_get(json_get(json_get(r, "parameters"), "status"), "handoff")))
			break;
		hsvc_sleep_ms(50);
	}
	return r;
}

static bool tried(const struct json_value *ho)
{
	uint64_t n = 0;

	return !json_get_u64(ho, "attempts", &n) && n >= 1;
}

static bool delivered(const struct json_value *ho)
{
	return !strcmp(bd_str(ho, "state"), "delivered");
}

TEST_F(h, client_certificate_from_the_config)
{
	char cmd[1400], out[1024];
	const struct json_value *ho;
	struct json_value *r;

	/* a certificate without its key: the daemon does not start on it */
	ASSERT_EQ(0, bd_write_conf(&self->e, &self->svc, self->svc.path[HP_CLIENT_CERT], NULL));
	snprintf(cmd, sizeof(cmd), "%s -c %s --check-config 2>&1", self->e.bin, self->e.conf);
	EXPECT_EQ(1, bd_run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ordering_client_cert and ordering_client_key go together"))
		TH_LOG("%s", out);

	/* one of another CA: the service does not accept it; the package waits, queued */
	ASSERT_EQ(0, mkdir(self->e.state, 0700));
	ASSERT_EQ(0, bd_script_session(self->e.state, SID, CODE));
	ASSERT_EQ(0, bd_write_conf(&self->e, &self->svc, self->svc.path[HP_OTHER_CERT],
				self->svc.path[HP_OTHER_KEY]));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	r = status_until(&self->e, tried);
	ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
	EXPECT_STREQ("queued", bd_str(ho, "state"));
	EXPECT_NE(NULL, strstr(bd_str(ho, "reason"), "HTTP 403 client-certificate: the client "
			       "certificate is not signed by a CA trusted here"))
		TH_LOG("%s", bd_str(ho, "reason"));
	json_free(r);
	EXPECT_EQ(0u, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_LE(1u, hsvc_log_count(&self->svc, "refused", "- 403 client-certificate"));
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
	/* each failed attempt is in the daemon's log once, with the client's reason */
	do {
		char *doc = bd_read_log(&self->e), *p;

		ASSERT_NE(NULL, doc);
		p = strstr(doc, "delivery attempt 1 failed: HTTP 403 client-certificate: the client "
			    "certificate is not signed by a CA trusted here; next attempt in ");
		EXPECT_NE(NULL, p) TH_LOG("%s", doc);
		EXPECT_TRUE(p && !strstr(p + 1, "delivery attempt 1 failed"));
		EXPECT_EQ(NULL, strstr(doc, CODE));
		free(doc);
	} while (0);

	/* the configuration put right: delivered at the next start, nothing requeued */
	ASSERT_EQ(0, bd_write_conf(&self->e, &self->svc, self->svc.path[HP_CLIENT_CERT],
				self->svc.path[HP_CLIENT_KEY]));
	ASSERT_EQ(0, bd_start(&self->e, NULL, true));
	r = status_until(&self->e, delivered);
	ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
	EXPECT_STREQ("delivered", bd_str(ho, "state"));
	json_free(r);
	EXPECT_EQ(1u, hsvc_log_count(&self->svc, "stored", NULL));
	EXPECT_EQ(0, bd_stop(&self->e, SIGTERM));
}

TEST_HARNESS_MAIN
