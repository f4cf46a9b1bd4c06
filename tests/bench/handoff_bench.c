// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-off benchmark (`make bench-handoff`): N session packages (default
 * 1000) of about SCALE * 6 KiB each (default 40: about 240 KiB, a face record,
 * a portrait, fingers and a signature) are, one after the other, built and
 * signed, committed to the outbox and delivered to the reference service on
 * localhost over HTTPS, with its acknowledgement and the wipe. Prints p50,
 * p99 and the maximum of each step and of the whole (from the last capture:
 * build + commit + acknowledged delivery), and packages per second.
 *
 *   handoff_bench [N [SCALE]]    (BIOUNIT_TOOLS: the directory of biounit-refservice)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "outbox/outbox.h"
#include "package/package.h"
#include "handoff_fixture.h"
#include "handoff_service.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	printf("%-34s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms\n", what, v[n / 2] / 1e6,
	       v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e6, v[n - 1] / 1e6);
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;
	unsigned int scale = argc > 2 ? (unsigned int)atoi(argv[2]) : 40;
	uint64_t *t_build, *t_commit, *t_send, *t_total, start, total_bytes = 0;
	struct biounit_outbox_sender cfg;
	struct biounit_outbox *ob;
	struct fix_records rec;
	struct hsvc s;
	unsigned int i;
	double secs;

	if (!n || !scale)
		return 2;
	t_build = calloc(n, sizeof(uint64_t));
	t_commit = calloc(n, sizeof(uint64_t));
	t_send = calloc(n, sizeof(uint64_t));
	t_total = calloc(n, sizeof(uint64_t));
	if (!t_build || !t_commit || !t_send || !t_total || hsvc_init(&s) ||
	    hsvc_start(&s, NULL) || biounit_outbox_open(s.path[HP_DB], &ob)) {
		fprintf(stderr, "handoff_bench: cannot set up (BIOUNIT_TOOLS?)\n");
		return 1;
	}
	/* real records (the service reads every one), made once, copied into each package */
	if (fix_records_make(&rec)) {
		fprintf(stderr, "handoff_bench: cannot make the records\n");
		return 1;
	}
	cfg = hsvc_sender(&s);
	cfg.timeout_ms = 10000;
	start = now_ns();
	for (i = 0; i < n; i++) {
		struct biounit_outbox_pass pass;
		uint64_t t0, t1, t2, t3;
		uint8_t *pkg;
		size_t len;

		t0 = now_ns();
		if (fix_session_package(&rec, s.key, i, scale, &pkg, &len))
			return 1;
		t1 = now_ns();
		if (biounit_outbox_commit(ob, pkg, len, NULL))
			return 1;
		t2 = now_ns();
		if (biounit_outbox_send_due(ob, &cfg, &pass) || pass.delivered != 1) {
			fprintf(stderr, "handoff_bench: package %u not delivered\n", i);
			return 1;
		}
		t3 = now_ns();
		free(pkg);
		total_bytes += len;
		t_build[i] = t1 - t0;
		t_commit[i] = t2 - t1;
		t_send[i] = t3 - t2;
		t_total[i] = t3 - t0;
	}
	secs = (now_ns() - start) / 1e9;
	printf("%u packages of %.0f KiB on average, sequential, service on localhost (HTTPS)\n",
	       n, total_bytes / 1024.0 / n);
	report("build and sign", t_build, n);
	report("commit (WAL, synchronous=FULL)", t_commit, n);
	report("deliver, ack, wipe (new TLS conn)", t_send, n);
	report("last capture -> acknowledged", t_total, n);
	printf("%-34s %.1f packages/s (%.1f MiB/s)\n", "throughput", n / secs,
	       total_bytes / 1048576.0 / secs);
	biounit_outbox_close(ob);
	hsvc_cleanup(&s);
	fix_records_free(&rec);
	free(t_build);
	free(t_commit);
	free(t_send);
	free(t_total);
	return 0;
}
