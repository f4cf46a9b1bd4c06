// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy_floor: the CPU time of one copy of a frame of BYTES bytes, warm, over many
 * repetitions (best of 5 batches): the floor a capture driver that writes each frame once
 * cannot beat.
 *
 *   memcpy_floor BYTES [REPS]  -> "FLOOR bytes=N memcpy_ms=X loop8_ms=X movsq_ms=X"
 *
 * memcpy is glibc's (the floor); loop8 copies 8 bytes a move like the x86 kernel's memcpy on a
 * CPU without ERMS/FSRM (QEMU's default CPU model); movsq is `rep movsq`.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void loop8(void *d, const void *s, size_t n)
{
	uint64_t *dd = d;
	const uint64_t *ss = s;
	size_t i;

	for (i = 0; i + 4 <= n / 8; i += 4) {
		uint64_t a = ss[i], b = ss[i + 1], c = ss[i + 2], e = ss[i + 3];

		__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(e));
		dd[i] = a;
		dd[i + 1] = b;
		dd[i + 2] = c;
		dd[i + 3] = e;
	}
}

static void movsq(void *d, const void *s, size_t n)
{
	size_t q = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
}

/* The best of 5 batches of @reps copies: the VM's vCPUs share the host with others */
static double time_copy(void (*fn)(void *, const void *, size_t), void *d, const void *s,
			size_t n, int reps)
{
	double best = 1e30;
	int b, i;

	fn(d, s, n); /* warm */
	fn(d, s, n);
	for (b = 0; b < 5; b++) {
		uint64_t t0 = cpu_ns();

		for (i = 0; i < reps; i++) {
			fn(d, s, n);
			__asm__ volatile("" : : "r"(d) : "memory");
		}
		t0 = cpu_ns() - t0;
		if (t0 / 1e6 / reps < best)
			best = t0 / 1e6 / reps;
	}
	return best;
}

static void libc_memcpy(void *d, const void *s, size_t n)
{
	memcpy(d, s, n);
}

int main(int argc, char **argv)
{
	size_t n;
	int reps;
	uint8_t *s, *d;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: memcpy_floor BYTES [REPS]\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 0);
	reps = argc > 2 ? atoi(argv[2]) : 10;
	s = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);
	d = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);
	if (!s || !d || reps < 1) {
		fprintf(stderr, "memcpy_floor: no memory\n");
		return 2;
	}
	memset(s, 0x5a, n);
	memset(d, 0, n);
	printf("FLOOR bytes=%zu reps=%d memcpy_ms=%.3f", n, reps,
	       time_copy(libc_memcpy, d, s, n, reps));
	printf(" loop8_ms=%.3f", time_copy(loop8, d, s, n, reps));
	printf(" movsq_ms=%.3f\n", time_copy(movsq, d, s, n, reps));
	return 0;
}
