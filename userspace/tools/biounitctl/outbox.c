// SPDX-License-Identifier: GPL-2.0
/*
 * biounitctl outbox ...: the operator's view of the hand-off outbox
 * (outbox/outbox.h, docs/handoff.md).
 *
 *   biounitctl outbox [--db PATH] [waiting|delivered|refused|all]
 *        what is waiting (with the next try and the last error), what was
 *        delivered (the receipt: hash, time, ack id), what was refused and why;
 *        default: all
 *   biounitctl outbox [--db PATH] requeue HASH
 *        send a refused package again (HASH: the full hash or a unique prefix)
 * The outbox is --db, else $BIOUNIT_OUTBOX, else /var/lib/biounit/outbox.db.
 * Nothing biometric is printed. Exit status: 0 done, 1 failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outbox/outbox.h"

int cmd_outbox(int argc, char **argv);
void outbox_usage(FILE *f);

static void when(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms) {
		snprintf(out, n, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static void print_entry(const struct biounit_outbox_entry *e, int64_t now)
{
	char committed[32], done[32];

	when(e->committed_ms, committed, sizeof(committed));
	when(e->done_ms, done, sizeof(done));
	printf("%-9s %-19s %9zu %3u  %.16s  ", biounit_outbox_state_name(e->state), committed,
	       e->size, e->attempts, e->hash);
	switch (e->state) {
	case BIOUNIT_OUTBOX_QUEUED:
		printf("%s, ", e->appointment);
		if (e->next_attempt_ms > now)
			printf("next try in %lld s", (long long)((e->next_attempt_ms - now + 999) / 1000));
		else
			printf("due now");
		if (*e->reason)
			printf("; last: %s", e->reason);
		break;
	case BIOUNIT_OUTBOX_DELIVERED:
		printf("%s at %s%s", e->ack_id, done, e->has_data ? " (DATA NOT WIPED)" : "");
		break;
	case BIOUNIT_OUTBOX_REFUSED:
		printf("%s, refused at %s: %s", e->appointment, done, e->reason);
		break;
	}
	printf("\n");
}

static int list(struct biounit_outbox *ob, unsigned int states)
{
	struct biounit_outbox_entry *v;
	unsigned int count[5] = { 0 };
	struct timespec ts;
	size_t n, i;
	int r;

	r = biounit_outbox_list(ob, states, &v, &n);
	if (r) {
		fprintf(stderr, "biounitctl: cannot read the outbox: %s\n", strerror(-r));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%-9s %-19s %9s %3s  %-16s  %s\n", "STATE", "COMMITTED", "BYTES", "TRY", "HASH",
	       "APPOINTMENT, NEXT TRY / ACK / REASON");
	for (i = 0; i < n; i++) {
		print_entry(&v[i], (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		if (v[i].state <= BIOUNIT_OUTBOX_REFUSED)
			count[v[i].state]++;
	}
	printf("%u waiting, %u delivered, %u refused\n", count[BIOUNIT_OUTBOX_QUEUED],
	       count[BIOUNIT_OUTBOX_DELIVERED], count[BIOUNIT_OUTBOX_REFUSED]);
	free(v);
	return 0;
}

static int requeue(struct biounit_outbox *ob, const char *prefix)
{
	struct biounit_outbox_entry *v;
	const char *hash = NULL;
	size_t n, i, len = strlen(prefix);
	int r;

	r = biounit_outbox_list(ob, BIOUNIT_OUTBOX_REFUSED, &v, &n);
	if (r) {
		fprintf(stderr, "biounitctl: cannot read the outbox: %s\n", strerror(-r));
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (len >= 6 && !strncmp(v[i].hash, prefix, len)) {
			if (hash) {
				fprintf(stderr, "biounitctl: %s is not unique\n", prefix);
				free(v);
				return 1;
			}
			hash = v[i].hash;
		}
	}
	r = hash ? biounit_outbox_requeue(ob, hash) : -ENOENT;
	if (r)
		fprintf(stderr, "biounitctl: %s: %s\n", prefix,
			r == -ENOENT ? "no such refused package (at least 6 hex digits)"
				     : strerror(-r));
	else
		printf("requeued %s\n", hash);
	free(v);
	return r ? 1 : 0;
}

/* Every outbox command with what it does (biounitctl --help prints it too) */
void outbox_usage(FILE *f)
{
	fprintf(f, "Outbox (the packages for the document-ordering service; --db PATH, else\n"
		   "$BIOUNIT_OUTBOX, else /var/lib/biounit/outbox.db):\n"
		   "  outbox [--db PATH] [waiting|delivered|refused|all]\n"
		   "                       what waits (next try, last error), what was delivered\n"
		   "                       (hash, time, acknowledgement) and what was refused and\n"
		   "                       why; default all\n"
		   "  outbox [--db PATH] requeue HASH\n"
		   "                       send a refused package again (the full hash or a\n"
		   "                       unique prefix)\n");
}

int cmd_outbox(int argc, char **argv)
{
	const char *db = getenv("BIOUNIT_OUTBOX");
	struct biounit_outbox *ob;
	unsigned int states = 7;
	int i = 0, r;

	if (!db || !*db)
		db = "/var/lib/biounit/outbox.db";
	if (argc >= 2 && !strcmp(argv[0], "--db")) {
		db = argv[1];
		i = 2;
	}
	if (argc - i > 2 || (argc - i == 2 && strcmp(argv[i], "requeue")))
		return -1;
	if (argc - i == 1) {
		if (!strcmp(argv[i], "waiting"))
			states = BIOUNIT_OUTBOX_QUEUED;
		else if (!strcmp(argv[i], "delivered"))
			states = BIOUNIT_OUTBOX_DELIVERED;
		else if (!strcmp(argv[i], "refused"))
			states = BIOUNIT_OUTBOX_REFUSED;
		else if (strcmp(argv[i], "all"))
			return -1;
	}
	if (access(db, F_OK)) {
		fprintf(stderr, "biounitctl: no outbox at %s\n", db);
		return 1;
	}
	r = biounit_outbox_open(db, &ob);
	if (r) {
		fprintf(stderr, "biounitctl: %s: %s\n", db,
			r == -EPERM ? "readable by others: refused" : strerror(-r));
		return 1;
	}
	r = argc - i == 2 ? requeue(ob, argv[i + 1]) : list(ob, states);
	biounit_outbox_close(ob);
	return r;
}
