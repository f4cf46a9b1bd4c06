// SPDX-License-Identifier: GPL-2.0
/*
 * Runs in the arm64 VM of scripts/check-dt-vm.sh (static, cross-built):
 *   buttonevent READY-FILE
 * opens /dev/biounit0 three times: one file subscribed to
 * BIOUNIT_EVENT_BUTTON, one to BIOUNIT_EVENT_PRESENCE only, one to nothing.
 * Then it creates READY-FILE, on which tests/dt-vm/run.sh has the host press
 * QEMU's power button (button-gpios: a 100 ms pulse), and waits up to 60 s
 * for two events on the first file. It prints "events: " and
 * TYPE/CHANNEL/DATA of each, "events: 9/255/1 9/255/0" for pressed then
 * released, with comments ("# ...") on the timestamps, and exits 0 only if
 * both are right: API 2.1, channel BIOUNIT_CH_UNIT, sequence 0 and 1,
 * CLOCK_MONOTONIC timestamps in order between subscribing and dequeuing,
 * and no event at all on the other two files.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/biounit.h>

#define DEV "/dev/biounit0"

static int fails;

#define CHECK(cond, ...) do {					\
	if (!(cond)) {						\
		fails++;					\
		printf("# FAIL: " __VA_ARGS__);			\
		printf("\n");					\
	}							\
} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int open_subscribed(uint32_t types)
{
	struct biounit_event_subscription sub;
	int fd;

	fd = open(DEV, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("# FAIL: open " DEV ": %s\n", strerror(errno));
		return -1;
	}
	memset(&sub, 0, sizeof(sub));
	sub.types = types;
	if (ioctl(fd, BIOUNIT_IOC_SUBSCRIBE, &sub)) {
		printf("# FAIL: SUBSCRIBE 0x%x: %s\n", types, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The next event of @fd, waiting up to @ms; 0 or -errno */
static int next_event(int fd, int ms, struct biounit_event *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };

	if (poll(&p, 1, ms) < 0)
		return -errno;
	memset(ev, 0, sizeof(*ev));
	return ioctl(fd, BIOUNIT_IOC_DQEVENT, ev) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct biounit_caps caps;
	struct biounit_event ev[2];
	uint64_t t0, t1;
	int fd, fd_presence, fd_none, i, r;
	FILE *ready;

	if (argc != 2) {
		fprintf(stderr, "usage: buttonevent READY-FILE\n");
		return 2;
	}
	t0 = now_ns();
	fd = open_subscribed(1u << BIOUNIT_EVENT_BUTTON);
	fd_presence = open_subscribed(1u << BIOUNIT_EVENT_PRESENCE);
	fd_none = open_subscribed(0);
	if (fd < 0 || fd_presence < 0 || fd_none < 0)
		return 1;
	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps)) {
		printf("# FAIL: QUERYCAP: %s\n", strerror(errno));
		return 1;
	}
	CHECK(caps.api_version == BIOUNIT_VERSION(2, 1), "api_version 0x%x, want 2.1",
	      caps.api_version);

	ready = fopen(argv[1], "w");
	if (!ready) {
		printf("# FAIL: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fclose(ready);

	printf("events:");
	for (i = 0; i < 2; i++) {
		r = next_event(fd, 60000, &ev[i]);
		if (r) {
			printf("\n# FAIL: event %d: %s\n", i, strerror(-r));
			return 1;
		}
		printf(" %u/%u/%u", ev[i].type, ev[i].channel, ev[i].data);
	}
	printf("\n");
	t1 = now_ns();

	for (i = 0; i < 2; i++) {
		CHECK(ev[i].type == BIOUNIT_EVENT_BUTTON, "event %d: type %u", i, ev[i].type);
		CHECK(ev[i].channel == BIOUNIT_CH_UNIT, "event %d: channel %u", i,
		      ev[i].channel);
		CHECK(ev[i].data == (uint32_t)(i == 0), "event %d: data %u, want %d", i, ev[i].data,
		      i == 0);
		CHECK(ev[i].sequence == (uint32_t)i, "event %d: sequence %u", i,
		      ev[i].sequence);
		CHECK(ev[i].timestamp_ns >= t0 && ev[i].timestamp_ns <= t1,
		      "event %d: timestamp %llu ns outside CLOCK_MONOTONIC %llu..%llu", i,
		      (unsigned long long)ev[i].timestamp_ns, (unsigned long long)t0,
		      (unsigned long long)t1);
	}
	CHECK(ev[0].timestamp_ns <= ev[1].timestamp_ns, "released before pressed");
	CHECK(ev[1].pending == 0, "%u events after the release", ev[1].pending);
	printf("# CLOCK_MONOTONIC: subscribed %llu ns, pressed +%llu ms, released +%llu ms, dequeued +%llu ms\n",
	       (unsigned long long)t0,
	       (unsigned long long)(ev[0].timestamp_ns - t0) / 1000000,
	       (unsigned long long)(ev[1].timestamp_ns - t0) / 1000000,
	       (unsigned long long)(t1 - t0) / 1000000);

	/* Only the subscribed file hears the button */
	r = next_event(fd_presence, 0, &ev[0]);
	CHECK(r == -EAGAIN, "file subscribed to PRESENCE: DQEVENT %d (type %u), want -EAGAIN",
	      r, r ? 0 : ev[0].type);
	r = next_event(fd_none, 0, &ev[0]);
	CHECK(r == -EAGAIN, "file without subscription: DQEVENT %d (type %u), want -EAGAIN",
	      r, r ? 0 : ev[0].type);

	close(fd_none);
	close(fd_presence);
	close(fd);
	return fails ? 1 : 0;
}
