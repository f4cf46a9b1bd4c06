// SPDX-License-Identifier: GPL-2.0
/*
 * Durability of the hand-off: N session packages (default 100; argument 1 or
 * $BIOUNIT_HANDOFF_N, e.g. 1000 for `make soak`) of real records (made once,
 * handoff_fixture.h; the service reads every record) are committed and delivered
 * by a sender process that is killed with SIGKILL at random points (in the
 * middle of a commit, of a send, anywhere), while the reference service is
 * stopped and restarted and told to fail (errors, 503, dropped connections,
 * time-outs, lost, slow and wrong acknowledgements). Each new sender process starts
 * over: it commits every package again (a package already in the outbox is
 * left as it is) and sends what is due.
 *
 * At the end the service holds every package exactly once (one "stored" line
 * per hash in its log) and byte-identical, and the outbox holds a receipt
 * for each and none of their bytes (each package's marker is looked for in
 * the database files). The random seed is printed ($BIOUNIT_HANDOFF_SEED
 * repeats a run); nothing here depends on timing for its verdict.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "outbox/outbox.h"
#include "package/package.h"
#include "kselftest.h"
#include "handoff_fixture.h"
#include "handoff_service.h"

enum phase { PH_IDLE = 0, PH_COMMIT = 1, PH_COMMIT_NEW = 2, PH_SEND = 3 };

struct shared {
	volatile int phase;	/* what the sender is doing now */
	volatile unsigned int committed;
};

static struct biounit_outbox_sender child_cfg(const struct hsvc *s)
{
	struct biounit_outbox_sender cfg = hsvc_sender(s);

	cfg.connect_timeout_ms = 1000;
	cfg.timeout_ms = 1500;
	cfg.backoff_min_ms = 5;
	cfg.backoff_max_ms = 80;
	cfg.max_per_pass = 8;
	return cfg;
}

/* The sender process: commit each package and send what is due, then send until done. */
static void sender(const struct hsvc *s, const struct fix_records *rec, unsigned int n,
		   struct shared *sh)
{
	struct biounit_outbox_sender cfg = child_cfg(s);
	struct biounit_outbox_pass pass;
	struct biounit_outbox *ob;
	unsigned int i;
	int r;

	while ((r = biounit_outbox_open(s->path[HP_DB], &ob)) == -EBUSY)
		hsvc_sleep_ms(5);
	if (r)
		_exit(10);
	for (i = 0; i < n; i++) {
		uint8_t *pkg;
		size_t len;

		if (fix_session_package(rec, s->key, i, 1, &pkg, &len))
			_exit(11);
		sh->phase = i >= sh->committed ? PH_COMMIT_NEW : PH_COMMIT;
		r = biounit_outbox_commit(ob, pkg, len, NULL);
		sh->phase = PH_IDLE;
		free(pkg);
		if (r && r != -EEXIST)
			_exit(12);
		if (i + 1 > sh->committed)
			sh->committed = i + 1;
		{	/* a session ends, the sender tries what is due */
			sh->phase = PH_SEND;
			r = biounit_outbox_send_due(ob, &cfg, &pass);
			sh->phase = PH_IDLE;
			if (r)
				_exit(13);
		}
	}
	for (;;) {
		sh->phase = PH_SEND;
		r = biounit_outbox_send_due(ob, &cfg, &pass);
		sh->phase = PH_IDLE;
		if (r)
			_exit(13);
		if (!pass.waiting)
			break;
		hsvc_sleep_ms(pass.next_due_ms > 50 ? 50 : (unsigned int)pass.next_due_ms + 1);
	}
	biounit_outbox_close(ob);
	_exit(pass.refused ? 14 : 0);
}

/* target 1: any commit; 2: a send */
static int matches(int phase, unsigned int target)
{
	return target == 1 ? phase == PH_COMMIT || phase == PH_COMMIT_NEW : phase == PH_SEND;
}

static unsigned int rnd(unsigned int *seed, unsigned int lo, unsigned int hi)
{
	return lo + (unsigned int)rand_r(seed) % (hi - lo + 1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *mode;
		unsigned int count, delay;
	} faults[] = {
		{ "lost-ack", 2, 0 }, { "slow-ack", 2, 300 }, { "drop", 2, 0 },
		{ "unavailable", 3, 0 }, { "error", 2, 0 }, { "timeout", 1, 2500 },
		{ "slow", 2, 200 }, { "wrong-ack", 2, 0 },
	};
	const char *env_n = getenv("BIOUNIT_HANDOFF_N"), *env_seed = getenv("BIOUNIT_HANDOFF_SEED");
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : env_n ? (unsigned int)atoi(env_n) : 100;
	unsigned int seed = env_seed ? (unsigned int)strtoul(env_seed, NULL, 10)
				     : (unsigned int)time(NULL) ^ (unsigned int)getpid();
	unsigned int rounds = n / 4 < 24 ? 24 : n / 4, round, i;
	unsigned int kills = 0, kills_commit = 0, kills_new = 0, kills_send = 0, target;
	unsigned int restarts = 0, nfaults = 0;
	unsigned int finished_early = 0, stored_once = 0, identical = 0, receipts = 0, leftover = 0;
	unsigned long attempts = 0;
	struct biounit_outbox_entry *v = NULL;
	struct biounit_outbox *ob;
	struct fix_records rec;
	struct shared *sh;
	struct hsvc s;
	size_t nv = 0;
	int st, ok = 1;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("%u packages, %u rounds, seed %u\n", n, rounds, seed);
	/* the records are made once; every package reuses them with its own marker */
	if (fix_records_make(&rec))
		ksft_exit_fail_msg("cannot make the records\n");
	if (!n || hsvc_init(&s) || hsvc_start(&s, NULL)) {
		ksft_exit_fail_msg("cannot set up the service\n");
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap\n");
	memset(sh, 0, sizeof(*sh));

	for (round = 0; round < rounds; round++) {
		unsigned int action = rnd(&seed, 0, 5);

		fflush(stdout);
		pid = fork();
		if (pid < 0)
			ksft_exit_fail_msg("fork\n");
		if (!pid)
			sender(&s, &rec, n, sh);
		if (action == 0) {	/* the service goes away for a while */
			if (hsvc_stop(&s))
				ok = 0;
			hsvc_sleep_ms(rnd(&seed, 20, 200));
			if (hsvc_start(&s, NULL))
				ksft_exit_fail_msg("service restart failed\n");
			restarts++;
		} else if (action == 1) {
			unsigned int f = rnd(&seed, 0, sizeof(faults) / sizeof(faults[0]) - 1);

			if (!hsvc_control(&s, faults[f].mode, faults[f].count, faults[f].delay))
				nfaults++;
		}
		hsvc_sleep_ms(rnd(&seed, 2, 100));
		target = rnd(&seed, 0, 2);	/* kill at once, or in a commit, or in a send */
		for (i = 0; target && i < 4000 && !matches(sh->phase, target); i++) {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			finished_early++;
		} else {
			int ph = sh->phase;

			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			kills++;
			kills_commit += ph == PH_COMMIT || ph == PH_COMMIT_NEW;
			kills_new += ph == PH_COMMIT_NEW;
			kills_send += ph == PH_SEND;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			ksft_print_msg("sender failed: status 0x%x\n", st);
			ok = 0;
		}
	}
	/* the last sender runs to the end with the service healthy */
	hsvc_control(&s, "ok", 0, 0);
	pid = fork();
	if (!pid)
		sender(&s, &rec, n, sh);
	for (i = 0; i < 6000 && waitpid(pid, &st, WNOHANG) != pid; i++)
		hsvc_sleep_ms(50);
	if (i == 6000) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ksft_print_msg("the last sender did not finish in 300 s\n");
		ok = 0;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("the last sender failed: status 0x%x\n", st);
		ok = 0;
	}
	if (hsvc_stop(&s))
		ok = 0;
	ksft_test_result(ok, "sender killed %u times (%u in a commit, %u of them writing a new "
			 "package, %u in a send), service restarted %u times, %u faults injected, "
			 "finishes\n", kills, kills_commit, kills_new, kills_send, restarts, nfaults);

	for (i = 0; i < n; i++) {
		char hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE];
		uint8_t *pkg;
		size_t len;

		if (fix_session_package(&rec, s.key, i, 1, &pkg, &len))
			ksft_exit_fail_msg("fix_session_package\n");
		biounit_package_hash(pkg, len, NULL, hex);
		stored_once += hsvc_log_count(&s, "stored", hex) == 1;
		identical += hsvc_stored_equal(&s, pkg, len);
		free(pkg);
	}
	ksft_test_result(stored_once == n && identical == n &&
			 hsvc_log_count(&s, "stored", NULL) == n,
			 "service stored %u of %u packages exactly once, %u byte-identical, "
			 "%u stores in all, %u duplicates answered\n", stored_once, n, identical,
			 hsvc_log_count(&s, "stored", NULL), hsvc_log_count(&s, "duplicate", NULL));

	if (biounit_outbox_open(s.path[HP_DB], &ob) || biounit_outbox_list(ob, 7, &v, &nv))
		ksft_exit_fail_msg("cannot read the outbox\n");
	for (i = 0; i < nv; i++) {
		receipts += v[i].state == BIOUNIT_OUTBOX_DELIVERED && !v[i].has_data &&
			    !strncmp(v[i].ack_id, "ack-", 4);
		attempts += v[i].attempts;
	}
	free(v);
	biounit_outbox_close(ob);
	ksft_test_result(nv == n && receipts == n,
			 "outbox: %zu entries, %u delivered with a receipt and no data, %lu "
			 "delivery attempts\n", nv, receipts, attempts);

	for (i = 0; i < n; i++) {
		uint8_t m[FIX_MARKER_SIZE];
		char p[400];

		fix_marker(i, m);
		snprintf(p, sizeof(p), "%s-wal", s.path[HP_DB]);
		leftover += fix_file_contains(s.path[HP_DB], m, sizeof(m)) ||
			    fix_file_contains(p, m, sizeof(m));
	}
	ksft_test_result(leftover == 0, "no biometric bytes of any acknowledged package left in "
			 "the outbox's files (%u found)\n", leftover);
	ksft_print_msg("counts: packages %u, stored %u, duplicates %u, receipts %u, kills %u "
		       "(commit %u, new commit %u, send %u), early exits %u, restarts %u, "
		       "faults %u\n", n, hsvc_log_count(&s, "stored", NULL),
		       hsvc_log_count(&s, "duplicate", NULL), receipts, kills, kills_commit,
		       kills_new, kills_send, finished_early, restarts, nfaults);
	hsvc_cleanup(&s);
	fix_records_free(&rec);
	munmap(sh, sizeof(*sh));
	ksft_finished();
}
