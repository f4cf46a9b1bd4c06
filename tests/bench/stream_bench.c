// SPDX-License-Identifier: GPL-2.0
/*
 * stream_bench: streams the face channel of a biounit through MMAP without
 * touching the frames (but for a few sample bytes checked against the scene).
 *
 *   stream_bench scene UNIT             write the benchmark scene to the unit's face/scene
 *   stream_bench stream DEV W H N [NBUF] [INTERVAL_US]
 *                                       stream N YUYV frames of W x H; INTERVAL_US 0 (default)
 *                                       is the channel's min_interval_us
 *
 * Prints one line "RESULT key=value..." (frames, sequence numbers, drops, rate from the
 * buffer timestamps, the DQBUF->QBUF round trip), a "STEADY" line with the whole system's CPU
 * time per frame between frame 10 and the last one, and "THREAD" lines naming the threads
 * that used that time. Exit status 0 if the frames checked matched the scene and none had an
 * error (dropped frames are only reported), 1 otherwise, 2 on a setup error.
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
#include <sys/resource.h>
#include <unistd.h>
#include <linux/biounit.h>

#include "bench_common.h"

#define SCENE_W 640
#define SCENE_H 480
#define MAX_BUFS 16
#define STEADY_FROM 10

static void die(const char *what)
{
	fprintf(stderr, "stream_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The scene: a deterministic RGB pattern */
static void scene_px(uint32_t x, uint32_t y, uint8_t rgb[3])
{
	rgb[0] = (uint8_t)(x * 7 + y * 3);
	rgb[1] = (uint8_t)(x ^ y);
	rgb[2] = (uint8_t)(x * y >> 4);
}

/* BT.601 full range, as the simulator converts (docs/simulator.md) */
static uint8_t clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

static uint8_t rgb_y(const uint8_t *p)
{
	return (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8;
}

static uint8_t rgb_cb(const uint8_t *p)
{
	return clamp8((-43 * p[0] - 85 * p[1] + 128 * p[2] + 32896) >> 8);
}

static int write_scene(const char *unit)
{
	char hdr[32], path[256];
	int hl = snprintf(hdr, sizeof(hdr), "P6\n%d %d\n255\n", SCENE_W, SCENE_H);
	size_t len = hl + (size_t)SCENE_W * SCENE_H * 3;
	uint8_t *buf = malloc(len), *px;
	uint32_t x, y;
	int fd;

	if (!buf)
		die("malloc");
	memcpy(buf, hdr, hl);
	px = buf + hl;
	for (y = 0; y < SCENE_H; y++)
		for (x = 0; x < SCENE_W; x++, px += 3)
			scene_px(x, y, px);
	snprintf(path, sizeof(path), "/sys/kernel/config/biounit-sim/%s/face/scene", unit);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	if (write(fd, buf, len) != (ssize_t)len)
		die("write scene");
	if (close(fd))
		die("close scene");
	free(buf);
	return 0;
}

/* Checks Y and Cb of 64 even pixels spread over the frame; returns mismatches */
static int check_frame(const uint8_t *f, uint32_t w, uint32_t h)
{
	int k, bad = 0;

	for (k = 0; k < 64; k++) {
		uint32_t x = ((uint64_t)(k * 37 % 64) * w / 64) & ~1u;
		uint32_t y = (uint64_t)k * h / 64;
		uint32_t sx = (uint64_t)x * SCENE_W / w, sy = (uint64_t)y * SCENE_H / h;
		const uint8_t *o = f + 2 * ((size_t)y * w + x);
		uint8_t p[3];

		scene_px(sx, sy, p);
		if (o[0] != rgb_y(p) || o[1] != rgb_cb(p))
			bad++;
	}
	return bad;
}

static int stream(const char *dev, uint32_t w, uint32_t h, unsigned int n, unsigned int nbuf,
		  uint32_t interval)
{
	struct biounit_channel_info ci = { .channel = BIOUNIT_CH_FACE };
	struct biounit_format f = {
		.channel = BIOUNIT_CH_FACE, .pixelformat = BIOUNIT_FMT_YUYV,
		.width = w, .height = h,
	};
	struct biounit_requestbuffers rb = {
		.channel = BIOUNIT_CH_FACE, .count = nbuf, .memory = BIOUNIT_MEMORY_MMAP,
	};
	struct biounit_stream so = { .channel = BIOUNIT_CH_FACE };
	static struct bench_threads th_a, th_b;
	struct rusage ru_a = { 0 }, ru_b = { 0 };
	uint64_t *rt = calloc(n, sizeof(*rt)), rt_sum = 0;
	uint64_t ts_first = 0, ts_last = 0, cpu_a = 0, cpu_b = 0;
	uint32_t seq_first = 0, seq_prev = 0, drops = 0;
	unsigned int i, bad_frames = 0, errors = 0;
	void *maps[MAX_BUFS];
	size_t len[MAX_BUFS];
	int fd;

	if (!rt || nbuf > MAX_BUFS || n < 2)
		die("arguments");
	fd = open(dev, O_RDWR);
	if (fd < 0)
		die(dev);
	if (ioctl(fd, BIOUNIT_IOC_CHANNEL_INFO, &ci))
		die("CHANNEL_INFO");
	f.interval_us = interval ? interval : ci.min_interval_us;
	if (ioctl(fd, BIOUNIT_IOC_S_FMT, &f))
		die("S_FMT");
	if (ioctl(fd, BIOUNIT_IOC_REQBUFS, &rb))
		die("REQBUFS");
	if (rb.count != nbuf) {
		errno = ENOBUFS;
		die("REQBUFS count");
	}
	for (i = 0; i < nbuf; i++) {
		struct biounit_buffer b = { .channel = BIOUNIT_CH_FACE, .index = i };

		if (ioctl(fd, BIOUNIT_IOC_QUERYBUF, &b))
			die("QUERYBUF");
		len[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.mem_offset);
		if (maps[i] == MAP_FAILED)
			die("mmap");
		b.memory = BIOUNIT_MEMORY_MMAP;
		if (ioctl(fd, BIOUNIT_IOC_QBUF, &b))
			die("QBUF");
	}
	if (ioctl(fd, BIOUNIT_IOC_STREAMON, &so))
		die("STREAMON");

	for (i = 0; i < n; i++) {
		struct biounit_buffer b = { .channel = BIOUNIT_CH_FACE };
		uint64_t t0;

		if (ioctl(fd, BIOUNIT_IOC_DQBUF, &b))
			die("DQBUF");
		t0 = bench_now_ns();
		if (b.flags & BIOUNIT_BUF_FLAG_ERROR || b.bytesused != f.sizeimage)
			errors++;
		/* The first and the last frame are checked: real frames, no copy of the rest */
		if ((i == 0 || i == n - 1) && check_frame(maps[b.index], w, h))
			bad_frames++;
		if (i == 0) {
			seq_first = b.sequence;
			ts_first = b.timestamp_ns;
		} else {
			drops += b.sequence - seq_prev - 1;
		}
		seq_prev = b.sequence;
		ts_last = b.timestamp_ns;
		b.memory = BIOUNIT_MEMORY_MMAP;
		b.flags = 0;
		b.bytesused = 0;
		if (ioctl(fd, BIOUNIT_IOC_QBUF, &b))
			die("QBUF");
		rt[i] = bench_now_ns() - t0;
		rt_sum += rt[i];
		/* After QBUF, so that the snapshots hold no buffer back */
		if (i == STEADY_FROM) {
			bench_threads_snap(&th_a);
			cpu_a = bench_system_cpu_ns();
			getrusage(RUSAGE_SELF, &ru_a);
		}
		if (i == n - 1 && n > STEADY_FROM + 1) {
			getrusage(RUSAGE_SELF, &ru_b);
			cpu_b = bench_system_cpu_ns();
			bench_threads_snap(&th_b);
		}
	}
	if (ioctl(fd, BIOUNIT_IOC_STREAMOFF, &so))
		die("STREAMOFF");
	for (i = 0; i < nbuf; i++)
		munmap(maps[i], len[i]);
	rb.count = 0;
	if (ioctl(fd, BIOUNIT_IOC_REQBUFS, &rb))
		die("REQBUFS 0");
	close(fd);

	qsort(rt, n, sizeof(*rt), bench_cmp_u64);
	printf("RESULT drv=ours w=%u h=%u n=%u frames=%u seq_first=%u seq_last=%u drops=%u "
	       "errors=%u bad_frames=%u interval_us=%u fps=%.2f rt_mean_us=%.1f "
	       "rt_p50_us=%.1f rt_p99_us=%.1f\n",
	       w, h, n, n, seq_first, seq_prev, drops, errors, bad_frames, f.interval_us,
	       (n - 1) * 1e9 / (double)(ts_last - ts_first), rt_sum / 1000.0 / n,
	       rt[n / 2] / 1000.0, rt[n * 99 / 100] / 1000.0);
	if (cpu_b) {
		unsigned int fr = n - 1 - STEADY_FROM;
		char tag[64];

#define TV_US(a, b) (((b).tv_sec - (a).tv_sec) * 1e6 + ((b).tv_usec - (a).tv_usec))
		printf("STEADY drv=ours w=%u h=%u n=%u cpu_ms_per_frame=%.3f frames=%u "
		       "self_user_us=%.1f self_sys_us=%.1f\n", w, h, n,
		       (cpu_b - cpu_a) / 1e6 / fr, fr, TV_US(ru_a.ru_utime, ru_b.ru_utime) / fr,
		       TV_US(ru_a.ru_stime, ru_b.ru_stime) / fr);
		snprintf(tag, sizeof(tag), "drv=ours w=%u h=%u n=%u", w, h, n);
		bench_threads_report(tag, &th_a, &th_b, fr);
	}
	free(rt);
	/* drops are reported, not failed: the table judges them */
	return errors || bad_frames ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "scene"))
		return write_scene(argv[2]);
	if (argc >= 6 && argc <= 8 && !strcmp(argv[1], "stream"))
		return stream(argv[2], strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0),
			      strtoul(argv[5], NULL, 0),
			      argc > 6 ? strtoul(argv[6], NULL, 0) : 4,
			      argc > 7 ? strtoul(argv[7], NULL, 0) : 0);
	fprintf(stderr, "usage: stream_bench scene UNIT\n"
			"       stream_bench stream DEV W H N [NBUF] [INTERVAL_US]\n");
	return 2;
}
