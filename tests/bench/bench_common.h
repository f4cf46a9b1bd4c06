/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the benchmark programs that run in the VM: clocks, the
 * whole system's CPU time from /proc/schedstat, and per-thread CPU time from
 * /proc/PID/task/TID/schedstat (to see where the time of a steady stream goes).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Sum over all CPUs of the time tasks ran (the 7th number of each "cpuN" line
 * of /proc/schedstat, in ns; the idle task is not counted). Kernel threads
 * and interrupts taken while a task runs are in it, unlike /proc/stat ticks.
 */
static inline uint64_t bench_system_cpu_ns(void)
{
	FILE *f = fopen("/proc/schedstat", "r");
	char line[512];
	uint64_t sum = 0;

	if (!f) {
		perror("/proc/schedstat");
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[9];
		int cpu;

		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 10)
			sum += v[6];
	}
	fclose(f);
	return sum;
}

#define BENCH_MAX_THREADS 1024

struct bench_thread {
	int tid;
	char comm[32];
	uint64_t run_ns;
};

struct bench_threads {
	int n;
	struct bench_thread t[BENCH_MAX_THREADS];
};

/* Every thread of the system with its run time so far */
static inline void bench_threads_snap(struct bench_threads *s)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;

	s->n = 0;
	if (!proc)
		return;
	while ((p = readdir(proc)) && s->n < BENCH_MAX_THREADS) {
		char path[640];
		DIR *task;
		struct dirent *t;

		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task)) && s->n < BENCH_MAX_THREADS) {
			struct bench_thread *bt = &s->t[s->n];
			unsigned long long run;
			FILE *f;

			if (t->d_name[0] < '0' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/schedstat", p->d_name,
				 t->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fscanf(f, "%llu", &run) != 1) {
				fclose(f);
				continue;
			}
			fclose(f);
			snprintf(path, sizeof(path), "/proc/%s/task/%s/comm", p->d_name,
				 t->d_name);
			f = fopen(path, "r");
			bt->comm[0] = '\0';
			if (f) {
				if (fgets(bt->comm, sizeof(bt->comm), f))
					bt->comm[strcspn(bt->comm, "\n")] = '\0';
				fclose(f);
			}
			bt->tid = atoi(t->d_name);
			bt->run_ns = run;
			s->n++;
		}
		closedir(task);
	}
	closedir(proc);
}

/*
 * Prints the threads that ran between two snapshots, most first, as
 * "THREAD tag comm=NAME tid=N us_per_frame=X" for the @frames in between.
 */
static inline void bench_threads_report(const char *tag, const struct bench_threads *a,
					const struct bench_threads *b, unsigned int frames)
{
	uint64_t d[BENCH_MAX_THREADS];
	int i, j, shown;

	for (i = 0; i < b->n; i++) {
		d[i] = b->t[i].run_ns;
		for (j = 0; j < a->n; j++)
			if (a->t[j].tid == b->t[i].tid) {
				d[i] -= a->t[j].run_ns;
				break;
			}
	}
	for (shown = 0; shown < 8; shown++) {
		int best = -1;

		for (i = 0; i < b->n; i++)
			if (d[i] && (best < 0 || d[i] > d[best]))
				best = i;
		if (best < 0 || d[best] < 1000ull * frames)
			break; /* under 1 us per frame */
		printf("THREAD %s comm=%s tid=%d us_per_frame=%.1f\n", tag, b->t[best].comm,
		       b->t[best].tid, d[best] / 1000.0 / frames);
		d[best] = 0;
	}
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#endif
