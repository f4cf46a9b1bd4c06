// SPDX-License-Identifier: GPL-2.0
/*
 * The main job for now (make demo): a simulated unit appears, a photo, a
 * fingerprint and a signature are put in front of it, all three channels
 * stream at once, and what arrived is printed with checksums that must
 * match the scenes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bu_sim.h"

#define NBUF 6
#define SECONDS 4

struct demo_channel {
	const char *name;
	uint32_t pixfmt, w, h, interval_us;
	struct biounit_format fmt;
	void *maps[NBUF];
	size_t len;
	uint32_t frames, first_seq, last_seq, matches, damaged;
	uint64_t first_ts, last_ts;
	uint32_t want_sum, got_sum;
	uint32_t samples, strokes;
};

/* FNV-1a, enough to show two byte strings are the same */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* A signature: three strokes written left to right, pen lifted in between */
static char *make_signature(size_t *len)
{
	char *s = malloc(64 * 1024);
	size_t off = 0;
	unsigned int stroke, i, t = 0;

	for (stroke = 0; stroke < 3; stroke++) {
		for (i = 0; i < 60; i++, t += 5000)
			off += sprintf(s + off, "%u %u %u %u\n", t, 300 + stroke * 450 + i * 6,
				       400 + (i % 20) * 8 - (i % 40 >= 20 ? (i % 20) * 16 : 0),
				       400 + i * 5);
		off += sprintf(s + off, "%u %u %u 0\n", t, 300 + stroke * 450 + 360, 400);
		t += 150000;
	}
	*len = off;
	return s;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(void)
{
	struct demo_channel ch[3] = {
		{ .name = "face camera", .pixfmt = BIOUNIT_FMT_RGB24, .w = 1280, .h = 720, .interval_us = 33333 },
		{ .name = "finger scanner", .pixfmt = BIOUNIT_FMT_GREY, .w = 400, .h = 500, .interval_us = 100000 },
		{ .name = "signature pad", .pixfmt = BIOUNIT_FMT_PEN, .w = 64, .h = 1, .interval_us = 20000 },
	};
	const char *const setup[] = { "model=IND-BU1 (simulated)", "serial=DEMO-0001", NULL };
	size_t face_len, finger_len, sig_len;
	void *face = bu_pnm_make(1280, 720, 3, 42, &face_len);
	void *finger = bu_pnm_make(400, 500, 1, 43, &finger_len);
	char *sig = make_signature(&sig_len);
	unsigned int events[BIOUNIT_EVENT_MAX + 1] = { 0 };
	struct biounit_caps caps = { 0 };
	struct biounit_event ev;
	struct bu_unit u;
	uint64_t end;
	int fd, err, c, ok = 1;

	printf("== biounit demo: one simulated unit, three channels ==\n");
	err = bu_unit_create(&u, "demo", setup);
	if (err)
		return fail("create the simulated unit", err);
	fd = open(u.dev, O_RDWR | O_NONBLOCK);
	if (fd < 0 || ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps))
		return fail(u.dev, -errno);
	printf("unit %s: model \"%s\", serial \"%s\", api %u.%u, on %s\n", u.dev,
	       (char *)caps.model, (char *)caps.serial, caps.api_version >> 16,
	       caps.api_version & 0xffff, (char *)caps.bus_info);

	if ((err = bu_scene_write(u.name, "face", face, face_len)) ||
	    (err = bu_scene_write(u.name, "finger", finger, finger_len)) ||
	    (err = bu_scene_write(u.name, "signature", sig, sig_len)))
		return fail("put the scenes in front of the unit", err);
	ch[0].want_sum = fnv1a(bu_pnm_pixels(face, face_len, 1280, 720, 3), 1280 * 720 * 3);
	ch[1].want_sum = fnv1a(bu_pnm_pixels(finger, finger_len, 400, 500, 1), 400 * 500);
	printf("scenes: face 1280x720 RGB (fnv1a %08x), finger 400x500 grey (fnv1a %08x), "
	       "signature 3 strokes\n", ch[0].want_sum, ch[1].want_sum);

	bu_subscribe(fd, 1u << BIOUNIT_EVENT_FINGER_PLACED | 1u << BIOUNIT_EVENT_FINGER_REMOVED |
		     1u << BIOUNIT_EVENT_PEN_DOWN | 1u << BIOUNIT_EVENT_PEN_UP |
		     1u << BIOUNIT_EVENT_FRAME_ERROR | 1u << BIOUNIT_EVENT_FRAME_DROPPED);
	for (c = 0; c < 3; c++) {
		if ((err = bu_set_format(fd, c, ch[c].pixfmt, ch[c].w, ch[c].h,
					 ch[c].interval_us, &ch[c].fmt)) ||
		    (err = bu_stream_mmap(fd, c, NBUF, ch[c].maps, &ch[c].len)))
			return fail(ch[c].name, err);
	}
	for (c = 0; c < 3; c++)
		if ((err = bu_streamon(fd, c)))
			return fail("stream on", err);

	end = bu_now_ns() + SECONDS * 1000000000ull;
	while (bu_now_ns() < end) {
		if (bu_wait(fd, POLLIN | POLLPRI, 500) < 0)
			break;
		while (bu_dqevent(fd, &ev) == 0)
			if (ev.type <= BIOUNIT_EVENT_MAX)
				events[ev.type]++;
		for (c = 0; c < 3; c++) {
			struct biounit_buffer b;
			struct demo_channel *d = &ch[c];

			if (bu_dqbuf(fd, c, &b))
				continue;
			if (!d->frames) {
				d->first_seq = b.sequence;
				d->first_ts = b.timestamp_ns;
			}
			d->frames++;
			d->last_seq = b.sequence;
			d->last_ts = b.timestamp_ns;
			d->damaged += !!(b.flags & BIOUNIT_BUF_FLAG_ERROR);
			if (c < 2) {
				d->got_sum = fnv1a(d->maps[b.index], b.bytesused);
				d->matches += d->got_sum == d->want_sum;
			} else {
				const struct biounit_pen_sample *s = d->maps[b.index];
				unsigned int k, n = b.bytesused / sizeof(*s);

				d->samples += n;
				for (k = 0; k < n; k++)
					d->strokes += !!(s[k].flags & BIOUNIT_PEN_STROKE_START);
			}
			bu_qbuf(fd, c, b.index);
		}
	}
	for (c = 0; c < 3; c++)
		bu_streamoff(fd, c);

	printf("\n%-15s %-22s %7s %7s %7s %8s  %s\n", "channel", "format", "frames",
	       "fps", "dropped", "damaged", "content");
	for (c = 0; c < 3; c++) {
		struct demo_channel *d = &ch[c];
		double secs = (d->last_ts - d->first_ts) / 1e9;
		uint32_t dropped = d->frames ? d->last_seq - d->first_seq + 1 - d->frames : 0;
		char fmt[32], content[96];

		snprintf(fmt, sizeof(fmt), "%.4s %ux%u", (char *)&d->pixfmt, d->fmt.width,
			 d->fmt.height);
		if (c < 2) {
			snprintf(content, sizeof(content), "%u/%u frames = scene (fnv1a %08x)",
				 d->matches, d->frames, d->got_sum);
			ok &= d->frames > 0 && d->matches == d->frames;
		} else {
			snprintf(content, sizeof(content), "%u pen samples, %u strokes started",
				 d->samples, d->strokes);
			ok &= d->samples > 0 && d->strokes > 0;
		}
		printf("%-15s %-22s %7u %7.1f %7u %8u  %s\n", d->name, fmt, d->frames,
		       secs > 0 ? (d->frames - 1) / secs : 0.0, dropped, d->damaged, content);
	}
	printf("\nevents: finger placed %u, removed %u; pen down %u, up %u; "
	       "frame errors %u, frames dropped %u\n",
	       events[BIOUNIT_EVENT_FINGER_PLACED], events[BIOUNIT_EVENT_FINGER_REMOVED],
	       events[BIOUNIT_EVENT_PEN_DOWN], events[BIOUNIT_EVENT_PEN_UP],
	       events[BIOUNIT_EVENT_FRAME_ERROR], events[BIOUNIT_EVENT_FRAME_DROPPED]);

	close(fd);
	bu_unit_destroy(&u);
	printf("unit removed; %s\n", ok ? "every frame matched its scene" :
	       "SOMETHING DID NOT MATCH");
	free(face);
	free(finger);
	free(sig);
	return ok ? 0 : 1;
}
