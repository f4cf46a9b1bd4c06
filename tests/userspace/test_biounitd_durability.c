// SPDX-License-Identifier: GPL-2.0
/*
 * Durability of biounitd's own hand-off: N finished sessions (default 6;
 * argument 1 or $BIOUNIT_DAEMON_N; `make soak` runs 1000) are scripted into
 * the daemon's state directory, and biounitd is started on them and killed
 * with SIGKILL at random moments, again and again: while it loads, while it
 * builds and signs packages, between an outbox commit and the session's
 * handoff.json, in the middle of a send or of a wipe. Meanwhile the reference
 * service is stopped and restarted and told to fail (dropped connections,
 * lost and slow acknowledgements, 503). Then the daemon runs to the end with
 * the service healthy.
 *
 * At the end: the service stored exactly one package per session (one
 * "stored" line per hash; a repeated delivery is answered as a duplicate,
 * never stored twice), the outbox holds one delivered receipt per session and
 * none of their bytes (and no more space than receipts need: the wiped pages
 * went back), each session directory holds only its receipt, and
 * every receipt names the package the service stored. The seed is printed
 * ($BIOUNIT_DAEMON_SEED repeats a run); no verdict depends on timing, only
 * the time it takes.
 */
#include <sys/stat.h>
#include <time.h>
#include "kselftest.h"
#include "biounitd_fixture.h"

#define SID_FMT "20261123-%010x"

static unsigned int rnd(unsigned int *seed, unsigned int lo, unsigned int hi)
{
	return lo + (unsigned int)rand_r(seed) % (hi - lo + 1);
}

/* sessions whose hand-off the daemon reports delivered and wiped */
static unsigned int delivered(const struct bd_env *e, unsigned int n)
{
	unsigned int done = 0;

	for (unsigned int i = 0; i < n; i++) {
		char params[96];
		struct json_value *r;
		const struct json_value *ho, *w;

		snprintf(params, sizeof(params), "{\"id\":\"" SID_FMT "\"}", i);
		r = bd_call(e, BD_IFACE ".Status", params);
		ho = json_get(json_get(json_get(r, "parameters"), "status"), "handoff");
		w = json_get(ho, "wiped");
		done += !strcmp(bd_str(ho, "state"), "delivered") && w && w->boolean;
		json_free(r);
	}
	return done;
}

/* lines of the daemon's log that contain @what */
static unsigned int log_count(const struct bd_env *e, const char *what)
{
	char line[1024];
	unsigned int n = 0;
	FILE *f = fopen(e->log, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/* the receipt of session @i: only session.json left, naming a stored package once */
static int receipt_ok(const struct bd_env *e, const struct hsvc *s, unsigned int i, char *hash)
{
	char dir[256], path[320], names[1024];
	struct json_value *v = NULL;
	const char *h = NULL;
	struct stat sb;
	size_t len = 0;
	char *doc;
	int ok;

	snprintf(dir, sizeof(dir), "%s/sessions/" SID_FMT, e->state, i);
	if (bd_files_in(dir, names, sizeof(names)) != 1 || strcmp(names, "session.json ")) {
		ksft_print_msg("session %u: left %s\n", i, names);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/session.json", dir);
	doc = (char *)hsvc_read(path, &len);
	if (!doc || stat(path, &sb) || (sb.st_mode & 0777) != 0600 || json_parse(doc, len, &v)) {
		free(doc);
		return 0;
	}
	free(doc);
	ok = !strcmp(bd_str(v, "format"), "biounit-session-receipt");
	h = bd_str(v, "package_hash");
	ok = ok && strlen(h) == 64 && hsvc_log_count(s, "stored", h) == 1;
	if (ok)
		snprintf(hash, 65, "%s", h);
	else
		ksft_print_msg("session %u: receipt names %s, stored %u times\n", i, h,
			       hsvc_log_count(s, "stored", h));
	json_free(v);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *mode;
		unsigned int count, delay;
	} faults[] = {
		{ "lost-ack", 1, 0 }, { "slow-ack", 1, 1500 }, { "drop", 1, 0 },
		{ "unavailable", 1, 0 }, { "wrong-ack", 1, 0 },
	};
	const char *env_n = getenv("BIOUNIT_DAEMON_N"), *env_seed = getenv("BIOUNIT_DAEMON_SEED");
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : env_n ? (unsigned int)atoi(env_n) : 6;
	unsigned int seed = env_seed ? (unsigned int)strtoul(env_seed, NULL, 10)
				     : (unsigned int)time(NULL) ^ (unsigned int)getpid();
	/* 12 to 200 rounds of kills: each round commits what it can, so progress is certain */
	unsigned int rounds = n < 12 ? 12 : n > 200 ? 200 : n, kills = 0, early = 0, restarts = 0, nfaults = 0;
	unsigned int after_commit = 0;
	unsigned int done = 0, receipts = 0, leftover = 0, i;
	struct biounit_outbox_entry *v = NULL;
	struct biounit_outbox *ob = NULL;
	char (*hashes)[65];
	struct hsvc s;
	struct bd_env e;
	size_t nv = 0;
	int ok = 1, st;

	ksft_print_header();
	if (bd_env_init(&e, "/nonexistent"))
		ksft_exit_skip("no biounitd (set BIOUNIT_TOOLS)\n");
	if (access(BIOUNIT_FACE_LANDMARK_PATH, R_OK) || access(BIOUNIT_FACE_CASCADE_PATH, R_OK))
		ksft_exit_skip("needs libdlib-data and opencv-data\n");
	ksft_set_plan(5);
	ksft_print_msg("%u sessions, %u rounds, seed %u\n", n, rounds, seed);
	hashes = calloc(n ? n : 1, sizeof(*hashes));
	if (!n || !hashes || hsvc_init(&s) || hsvc_start(&s, NULL))
		ksft_exit_fail_msg("cannot set up the service\n");
	bd_env_init(&e, s.dir);
	if (mkdir(e.state, 0700))
		ksft_exit_fail_msg("mkdir %s\n", e.state);
	for (i = 0; i < n; i++) {
		char sid[32], code[32];

		snprintf(sid, sizeof(sid), SID_FMT, i);
		snprintf(code, sizeof(code), "IND-2026-%04u", i);
		if (bd_script_session(e.state, sid, code))
			ksft_exit_fail_msg("cannot script session %s\n", sid);
	}

	for (unsigned int round = 0; round < rounds; round++) {
		/* the first round always stops right after a commit */
		unsigned int action = round ? rnd(&seed, 0, 4) : 2, down = 0;

		if (action == 2 && log_count(&e, "committed to the outbox") >= n)
			action = 3;	/* nothing left to commit */

		if (action == 0) {		/* the service is away for part of this run */
			if (hsvc_stop(&s))
				ok = 0;
			down = rnd(&seed, 100, 1500);
		} else if (action == 1) {
			unsigned int f = rnd(&seed, 0, sizeof(faults) / sizeof(faults[0]) - 1);

			if (!hsvc_control(&s, faults[f].mode, faults[f].count, faults[f].delay))
				nfaults++;
		}
		/* while packages are left to commit, one round in five stops right after one */
		if (bd_write_conf(&e, &s, NULL, NULL) ||
		    bd_start(&e, action == 2 ? "BIOUNITD_TEST_EXIT_AFTER_COMMIT" : NULL, false))
			ksft_exit_fail_msg("cannot start biounitd\n");
		if (down) {
			hsvc_sleep_ms(down);
			if (hsvc_start(&s, NULL))
				ksft_exit_fail_msg("service restart failed\n");
			restarts++;
		}
		if (action == 2) {	/* until that commit, if there is one left to make */
			for (i = 0; i < 200 && waitpid(e.pid, &st, WNOHANG) != e.pid; i++)
				hsvc_sleep_ms(50);
			if (i == 200)
				st = -1;
		} else {
			hsvc_sleep_ms(rnd(&seed, 0, 2500));
			st = waitpid(e.pid, &st, WNOHANG) == e.pid ? st : -1;
		}
		if (st != -1) {
			e.pid = 0;
			if (action == 2 && WIFEXITED(st) && WEXITSTATUS(st) == 99) {
				after_commit++;
				continue;
			}
			ksft_print_msg("biounitd exited by itself: status 0x%x\n", st);
			early++;
			ok = 0;
			continue;
		}
		bd_stop(&e, SIGKILL);
		kills++;
	}

	/* to the end, with the service healthy (URL as it is now) */
	hsvc_control(&s, "ok", 0, 0);
	if (bd_write_conf(&e, &s, NULL, NULL) || bd_start(&e, NULL, true))
		ksft_exit_fail_msg("cannot start biounitd\n");
	/* up to 6 minutes: the daemon backs off up to 5 minutes between tries */
	for (i = 0; i < 3600 && (done = delivered(&e, n)) < n; i++)
		hsvc_sleep_ms(100);
	st = bd_stop(&e, SIGTERM);
	ksft_test_result(ok && done == n && st == 0,
			 "biounitd SIGKILLed %u times and stopped %u times right after a commit, "
			 "%u service restarts, %u faults; then %u of %u sessions delivered and "
			 "wiped, clean exit %d\n", kills, after_commit, restarts, nfaults, done, n,
			 st);

	for (i = 0; i < n; i++)
		receipts += receipt_ok(&e, &s, i, hashes[i]);
	ksft_test_result(receipts == n && hsvc_log_count(&s, "stored", NULL) == n,
			 "%u of %u sessions left only a 0600 receipt naming a package stored "
			 "exactly once; %u stores in all, %u duplicates answered\n", receipts, n,
			 hsvc_log_count(&s, "stored", NULL), hsvc_log_count(&s, "duplicate", NULL));

	{
		char db[160];

		snprintf(db, sizeof(db), "%s/outbox.db", e.state);
		if (biounit_outbox_open(db, &ob) || biounit_outbox_list(ob, 7, &v, &nv))
			ksft_exit_fail_msg("cannot read the daemon's outbox\n");
	}
	receipts = 0;
	for (size_t k = 0; k < nv; k++) {
		int named = 0;

		for (i = 0; i < n; i++)
			named += !strcmp(v[k].hash, hashes[i]);
		receipts += v[k].state == BIOUNIT_OUTBOX_DELIVERED && !v[k].has_data &&
			    !strncmp(v[k].ack_id, "ack-", 4) && named == 1;
	}
	free(v);
	biounit_outbox_close(ob);
	ksft_test_result(nv == n && receipts == n,
			 "daemon's outbox: %zu entries, %u delivered receipts without data, one "
			 "per session\n", nv, receipts);

	/*
	 * No bytes of any stored package left in the daemon's outbox files: 64
	 * bytes from the middle of each package (record bytes), each distinct
	 * one looked for in the database and its WAL, each file read once.
	 */
	{
		char db[160], wal[170];
		uint8_t *file[2], (*needle)[64] = calloc(n, 64);
		size_t flen[2] = { 0, 0 }, nn = 0;

		snprintf(db, sizeof(db), "%s/outbox.db", e.state);
		snprintf(wal, sizeof(wal), "%s-wal", db);
		file[0] = hsvc_read(db, &flen[0]);
		file[1] = hsvc_read(wal, &flen[1]);
		for (i = 0; needle && i < n; i++) {
			char pkg[512];
			uint8_t *data;
			size_t len = 0, k;

			snprintf(pkg, sizeof(pkg), "%s/%s.pkg", s.path[HP_STORE], hashes[i]);
			data = hsvc_read(pkg, &len);
			if (!data || len < 4096) {
				leftover++;	/* not stored: counted as a failure here too */
				free(data);
				continue;
			}
			for (k = 0; k < nn && memcmp(needle[k], data + len / 2, 64); k++)
				;
			if (k == nn)
				memcpy(needle[nn++], data + len / 2, 64);
			free(data);
		}
		for (size_t k = 0; k < nn; k++)
			for (int f = 0; f < 2; f++)
				leftover += file[f] && memmem(file[f], flen[f], needle[k], 64) != NULL;
		if (!needle)
			leftover++;
		free(needle);
		free(file[0]);
		free(file[1]);
	}
	ksft_test_result(leftover == 0, "no bytes of any delivered package left in the daemon's "
			 "outbox files (%u found)\n", leftover);

	/* the space of the wiped packages went back: receipts only are left */
	{
		char db[160];
		long long bytes, most = 64 * 1024 + 2048LL * n;

		snprintf(db, sizeof(db), "%s/outbox.db", e.state);
		bytes = fix_outbox_bytes(db);
		ksft_test_result(bytes > 0 && bytes <= most, "daemon's outbox files hold %lld bytes "
				 "for %u receipts (at most %lld)\n", bytes, n, most);
	}
	ksft_print_msg("counts: sessions %u, kills %u, early exits %u, service restarts %u, "
		       "faults %u, stored %u, duplicates %u\n", n, kills, early, restarts, nfaults,
		       hsvc_log_count(&s, "stored", NULL), hsvc_log_count(&s, "duplicate", NULL));
	/* where the kills fell, as the daemon's log tells it */
	ksft_print_msg("daemon log: %u commits, %u found already committed (a stop between the "
		       "commit and handoff.json), %u acknowledged\n",
		       log_count(&e, "committed to the outbox"), log_count(&e, "already in the outbox"),
		       log_count(&e, "acknowledged ("));
	free(hashes);
	hsvc_cleanup(&s);
	ksft_finished();
}
