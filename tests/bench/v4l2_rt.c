// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2_rt: streams a V4L2 capture device (vivid) through MMAP the way stream_bench streams a
 * biounit, for the figures v4l2-ctl does not give: the DQBUF->QBUF round trip, and the CPU
 * time per frame of a steady stream with the threads that use it.
 *
 *   v4l2_rt DEV N [NBUF [DRV]]   (the format is set beforehand, e.g. with v4l2-ctl)
 *
 * Prints "RESULT drv=DRV ...", "STEADY ..." and "THREAD ..." lines like stream_bench; DRV
 * defaults to vivid-rt (ours-v4l2 for a biounit's face node).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "bench_common.h"

#define MAX_BUFS 16
#define STEADY_FROM 10

static void die(const char *what)
{
	fprintf(stderr, "v4l2_rt: %s: %s\n", what, strerror(errno));
	exit(2);
}

int main(int argc, char **argv)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_format fmt = { .type = type };
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP };
	static struct bench_threads th_a, th_b;
	uint64_t ts_first = 0, ts_last = 0, cpu_a = 0, cpu_b = 0, rt_sum = 0, *rt;
	uint32_t seq_first = 0, seq_prev = 0, drops = 0;
	unsigned int i, n, nbuf, errors = 0;
	const char *drv = argc > 4 ? argv[4] : "vivid-rt";
	void *maps[MAX_BUFS];
	size_t len[MAX_BUFS];
	int fd;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: v4l2_rt DEV N [NBUF [DRV]]\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	nbuf = argc > 3 ? strtoul(argv[3], NULL, 0) : 4;
	rt = calloc(n, sizeof(*rt));
	if (!rt || n < 2 || nbuf > MAX_BUFS)
		die("arguments");
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die(argv[1]);
	if (ioctl(fd, VIDIOC_G_FMT, &fmt))
		die("G_FMT");
	rb.count = nbuf;
	if (ioctl(fd, VIDIOC_REQBUFS, &rb))
		die("REQBUFS");
	nbuf = rb.count;
	for (i = 0; i < nbuf; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (ioctl(fd, VIDIOC_QUERYBUF, &b))
			die("QUERYBUF");
		len[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (maps[i] == MAP_FAILED)
			die("mmap");
		if (ioctl(fd, VIDIOC_QBUF, &b))
			die("QBUF");
	}
	if (ioctl(fd, VIDIOC_STREAMON, &type))
		die("STREAMON");
	for (i = 0; i < n; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };
		uint64_t t0, ts;

		if (ioctl(fd, VIDIOC_DQBUF, &b))
			die("DQBUF");
		t0 = bench_now_ns();
		ts = (uint64_t)b.timestamp.tv_sec * 1000000000ull + b.timestamp.tv_usec * 1000ull;
		if (b.flags & V4L2_BUF_FLAG_ERROR)
			errors++;
		if (i == 0) {
			seq_first = b.sequence;
			ts_first = ts;
		} else {
			drops += b.sequence - seq_prev - 1;
		}
		seq_prev = b.sequence;
		ts_last = ts;
		if (ioctl(fd, VIDIOC_QBUF, &b))
			die("QBUF");
		rt[i] = bench_now_ns() - t0;
		rt_sum += rt[i];
		if (i == STEADY_FROM) {
			bench_threads_snap(&th_a);
			cpu_a = bench_system_cpu_ns();
		}
		if (i == n - 1 && n > STEADY_FROM + 1) {
			cpu_b = bench_system_cpu_ns();
			bench_threads_snap(&th_b);
		}
	}
	if (ioctl(fd, VIDIOC_STREAMOFF, &type))
		die("STREAMOFF");
	for (i = 0; i < nbuf; i++)
		munmap(maps[i], len[i]);
	rb.count = 0;
	ioctl(fd, VIDIOC_REQBUFS, &rb);
	close(fd);

	qsort(rt, n, sizeof(*rt), bench_cmp_u64);
	printf("RESULT drv=%s w=%u h=%u n=%u frames=%u seq_first=%u seq_last=%u drops=%u "
	       "errors=%u fps=%.2f rt_mean_us=%.1f rt_p50_us=%.1f rt_p99_us=%.1f\n", drv,
	       fmt.fmt.pix.width, fmt.fmt.pix.height, n, n, seq_first, seq_prev, drops, errors,
	       (n - 1) * 1e9 / (double)(ts_last - ts_first), rt_sum / 1000.0 / n,
	       rt[n / 2] / 1000.0, rt[n * 99 / 100] / 1000.0);
	if (cpu_b) {
		unsigned int fr = n - 1 - STEADY_FROM;
		char tag[64];

		printf("STEADY drv=%s w=%u h=%u n=%u cpu_ms_per_frame=%.3f frames=%u\n", drv,
		       fmt.fmt.pix.width, fmt.fmt.pix.height, n, (cpu_b - cpu_a) / 1e6 / fr, fr);
		snprintf(tag, sizeof(tag), "drv=%s w=%u h=%u n=%u", drv, fmt.fmt.pix.width,
			 fmt.fmt.pix.height, n);
		bench_threads_report(tag, &th_a, &th_b, fr);
	}
	free(rt);
	return 0; /* drops and errors are reported, not failed */
}
