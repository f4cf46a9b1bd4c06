// SPDX-License-Identifier: GPL-2.0
/*
 * unplug_soak: surprise removal of a simulated unit while all three channels
 * stream, again and again.
 *
 *   unplug_soak [-c CYCLES]      (default 100)
 *
 * Each cycle: the unit goes live; the face, finger and signature channels
 * stream (MMAP); a frame of the face and of the finger channel is exported as
 * a dma-buf and mapped in ANOTHER process (fork), which checks it holds the
 * scene; a thread per channel loops in blocking DQBUF/QBUF, one thread blocks
 * in DQEVENT on a second file and one in poll() on a third; then `live` 0.
 * Checked: every DQBUF thread ends with ENODEV, the DQEVENT thread gets
 * UNIT_GONE and then ENODEV, poll reports POLLERR|POLLHUP, the mappings in
 * both processes still hold the scene after the removal (and the dma-buf syncs
 * still work), and after the last cycle nothing is left: no unit in
 * /sys/class/biounit, no videobuf2 vmalloc area in /proc/vmallocinfo, no
 * dma-buf in /sys/kernel/debug/dma_buf/bufinfo, and slab/vmalloc use back
 * near where it started (/proc/meminfo). Each cycle also unplugs the
 * simulator's desk gpiochip while a consumer holds its lines (gpio_cycle()).
 * Prints kselftest TAP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/gpio.h>
#include <sys/stat.h>

#include "kselftest.h"
#include "bu_sim.h"

#define NBUF 4

static int cycles = 100;
static void *face_scene, *finger_scene;
static size_t face_len, finger_len;
static const uint8_t *face_px, *finger_px;
static char why[256];
static int fails;

#define FAIL(...) do { if (!fails++) snprintf(why, sizeof(why), __VA_ARGS__); \
	printf("# cycle %d: ", cyc); printf(__VA_ARGS__); printf("\n"); } while (0)

struct waiter {
	int fd;
	uint32_t ch;
	int err;	/* the error the loop ended with */
	long frames;
	pthread_t t;
};

static void *dq_loop(void *arg)
{
	struct waiter *w = arg;

	for (;;) {
		struct biounit_buffer b;
		int err = bu_dqbuf(w->fd, w->ch, &b);

		if (err) {
			w->err = err;
			return NULL;
		}
		w->frames++;
		err = bu_qbuf(w->fd, w->ch, b.index);
		if (err) {
			w->err = err;
			return NULL;
		}
	}
}

struct evwaiter {
	int fd;
	int got_gone;
	int err;
	pthread_t t;
};

static void *ev_loop(void *arg)
{
	struct evwaiter *e = arg;

	for (;;) {
		struct biounit_event ev;

		memset(&ev, 0, sizeof(ev));
		if (ioctl(e->fd, BIOUNIT_IOC_DQEVENT, &ev)) {
			e->err = -errno;
			return NULL;
		}
		if (ev.type == BIOUNIT_EVENT_UNIT_GONE)
			e->got_gone = 1;
	}
}

struct pollwaiter {
	int fd;
	short revents;
	pthread_t t;
};

static void *poll_loop(void *arg)
{
	struct pollwaiter *p = arg;
	struct pollfd pf = { .fd = p->fd, .events = POLLIN };

	if (poll(&pf, 1, 20000) == 1)
		p->revents = pf.revents;
	return NULL;
}

static int join_within(pthread_t t, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(t, NULL, &ts);
}

/* ---- leak counters ---- */
struct counters {
	long units, vb2_areas, dmabufs, slab_kb, vmalloc_kb;
};

static long count_lines(const char *path, const char *needle)
{
	char line[512];
	long n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static void counters(struct counters *c)
{
	DIR *d = opendir("/sys/class/biounit");
	struct dirent *de;

	c->units = 0;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			c->units++;
	if (d)
		closedir(d);
	c->vb2_areas = count_lines("/proc/vmallocinfo", "vb2_vmalloc");
	/* bufinfo: one line per dma-buf naming its exporter, videobuf2_vmalloc for ours */
	c->dmabufs = count_lines("/sys/kernel/debug/dma_buf/bufinfo", "videobuf2");
	c->slab_kb = meminfo_kb("Slab:");
	c->vmalloc_kb = meminfo_kb("VmallocUsed:");
}

static int stream_channel(int fd, uint32_t ch, void **maps, size_t *len)
{
	int err;

	if (ch == BIOUNIT_CH_FACE)
		err = bu_set_format(fd, ch, BIOUNIT_FMT_GREY, 640, 480, 16666, NULL);
	else if (ch == BIOUNIT_CH_FINGER)
		err = bu_set_format(fd, ch, BIOUNIT_FMT_GREY, 400, 500, 33333, NULL);
	else
		err = bu_set_format(fd, ch, BIOUNIT_FMT_PEN, 16, 1, 5000, NULL);
	if (err)
		return err;
	err = bu_stream_mmap(fd, ch, NBUF, maps, len);
	return err ? err : bu_streamon(fd, ch);
}

/* The child: maps the exported dma-bufs, checks them before and after the removal */
static int child(int fd_face, int fd_finger, size_t lf, size_t lg, int ready, int go)
{
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	uint8_t *mf = mmap(NULL, lf, PROT_READ, MAP_SHARED, fd_face, 0);
	uint8_t *mg = mmap(NULL, lg, PROT_READ, MAP_SHARED, fd_finger, 0);
	char c = 'r';

	if (mf == MAP_FAILED || mg == MAP_FAILED)
		return 10;
	if (ioctl(fd_face, DMA_BUF_IOCTL_SYNC, &s) || ioctl(fd_finger, DMA_BUF_IOCTL_SYNC, &s))
		return 11;
	if (memcmp(mf, face_px, 640 * 480) || memcmp(mg, finger_px, 400 * 500))
		return 12;
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		return 13;
	/* the unit is gone and the parent closed everything: the memory is still the frame */
	if (memcmp(mf, face_px, 640 * 480) || memcmp(mg, finger_px, 400 * 500))
		return 14;
	s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	if (ioctl(fd_face, DMA_BUF_IOCTL_SYNC, &s) || ioctl(fd_finger, DMA_BUF_IOCTL_SYNC, &s))
		return 15;
	munmap(mf, lf);
	munmap(mg, lg);
	close(fd_face);
	close(fd_finger);
	return 0;
}

/*
 * ---- the desk gpiochip (driver/sim-gpio.c) ----
 * Each cycle: the chip goes live; through the character device (the v1
 * interface libgpiod 1.6 uses) line 0 is requested for both edges and line 1
 * as an output driven high; a pull on line 0 gives one rising edge, configfs
 * reads line 1 driven; then the chip is removed with both still held: the
 * event file polls POLLERR|POLLHUP, the handle fails with ENODEV, pulls on the
 * removed chip are harmless, and the files are closed after the removal (the
 * interrupt of a removed chip freed late). Every other cycle it is removed by
 * rmdir instead of live 0 and made again.
 */
#define GPIO_CHIP "gpio/soak-gpio"

static int gpio_make(void)
{
	char path[256];

	snprintf(path, sizeof(path), BU_SIM_ROOT "/" GPIO_CHIP);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), BU_SIM_ROOT "/" GPIO_CHIP "/line%d", i);
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
	}
	return bu_attr_write(GPIO_CHIP, "num_lines", "2") ?:
	       bu_attr_write(GPIO_CHIP, "line0/name", "soak-in") ?:
	       bu_attr_write(GPIO_CHIP, "line1/name", "soak-out");
}

static void gpio_remove(void)
{
	bu_attr_write(GPIO_CHIP, "live", "0");
	rmdir(BU_SIM_ROOT "/" GPIO_CHIP "/line0");
	rmdir(BU_SIM_ROOT "/" GPIO_CHIP "/line1");
	rmdir(BU_SIM_ROOT "/" GPIO_CHIP);
}

/* one cycle; 0 or a failure described in @why_gpio */
static int gpio_cycle(int cyc, char *why_gpio, size_t len)
{
	struct gpioevent_request er = { .lineoffset = 0,
		.handleflags = GPIOHANDLE_REQUEST_INPUT,
		.eventflags = GPIOEVENT_REQUEST_BOTH_EDGES, .consumer_label = "soak" };
	struct gpiohandle_request hr = { .lineoffsets = { 1 }, .lines = 1,
		.flags = GPIOHANDLE_REQUEST_OUTPUT, .default_values = { 1 },
		.consumer_label = "soak" };
	struct gpiohandle_data hd = { 0 };
	struct gpioevent_data ed;
	struct pollfd pf;
	char node[64], dev[80], v[16] = "";
	int chip, r = -1;

	er.fd = hr.fd = -1;
	if (gpio_make() || bu_attr_write(GPIO_CHIP, "line0/pull", "pull-down") ||
	    bu_attr_write(GPIO_CHIP, "live", "1") ||
	    bu_attr_read(GPIO_CHIP, "dev_name", node, sizeof(node))) {
		snprintf(why_gpio, len, "gpio: live 1 failed");
		gpio_remove();
		return -1;
	}
	node[strcspn(node, "\n")] = '\0';
	snprintf(dev, sizeof(dev), "/dev/%s", node);
	chip = open(dev, O_RDWR | O_CLOEXEC);
	if (chip < 0 || ioctl(chip, GPIO_GET_LINEEVENT_IOCTL, &er) ||
	    ioctl(chip, GPIO_GET_LINEHANDLE_IOCTL, &hr)) {
		snprintf(why_gpio, len, "gpio: %s: requests: %s", dev, strerror(errno));
		goto out;
	}
	bu_attr_write(GPIO_CHIP, "line0/pull", "pull-up");
	pf = (struct pollfd){ .fd = er.fd, .events = POLLIN };
	if (poll(&pf, 1, 5000) != 1 || read(er.fd, &ed, sizeof(ed)) != sizeof(ed) ||
	    ed.id != GPIOEVENT_EVENT_RISING_EDGE) {
		snprintf(why_gpio, len, "gpio: no rising edge after the pull");
		goto out;
	}
	if (bu_attr_read(GPIO_CHIP, "line1/value", v, sizeof(v)) || v[0] != '1') {
		snprintf(why_gpio, len, "gpio: line 1 drives '%s', want 1", v);
		goto out;
	}
	/* the adapter unplugged with both requests held */
	if (cyc % 2) {
		gpio_remove();
	} else if (bu_attr_write(GPIO_CHIP, "live", "0")) {
		snprintf(why_gpio, len, "gpio: live 0 failed");
		goto out;
	}
	bu_attr_write(GPIO_CHIP, "line0/pull", "pull-down");	/* (gone after rmdir) */
	pf = (struct pollfd){ .fd = er.fd, .events = POLLIN };
	if (poll(&pf, 1, 0) != 1 || (pf.revents & (POLLERR | POLLHUP)) != (POLLERR | POLLHUP)) {
		snprintf(why_gpio, len, "gpio: event file polls %#x after the removal", pf.revents);
		goto out;
	}
	errno = 0;
	if (ioctl(hr.fd, GPIOHANDLE_GET_LINE_VALUES_IOCTL, &hd) != -1 || errno != ENODEV) {
		snprintf(why_gpio, len, "gpio: handle after the removal: %s", strerror(errno));
		goto out;
	}
	r = 0;
out:
	if (er.fd >= 0)
		close(er.fd);
	if (hr.fd >= 0)
		close(hr.fd);
	if (chip >= 0)
		close(chip);
	if (r)
		gpio_remove();	/* the next cycle starts afresh */
	return r;
}

/* interrupts of the desk gpiochip still in /proc/interrupts */
static long gpio_irqs_left(void)
{
	return count_lines("/proc/interrupts", "bsim-gpio");
}

int main(int argc, char **argv)
{
	static const char pen[] = "0 100 100 0\n2000 110 100 200\n4000 120 100 300\n"
				  "6000 130 100 0\n";
	struct counters before, after;
	long waiters_ok = 0, maps_ok = 0, total_frames = 0;
	struct bu_unit u;
	char name[32], why_gpio[200] = "";
	int c, cyc = 0, leaks = 0, gpio_ok = 0;
	long gpio_irqs;

	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c == 'c') {
			cycles = atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-c CYCLES]\n", argv[0]);
			return 2;
		}
	}
	ksft_print_header();
	ksft_set_plan(6);

	face_scene = bu_pnm_make(640, 480, 1, 21, &face_len);
	finger_scene = bu_pnm_make(400, 500, 1, 22, &finger_len);
	face_px = bu_pnm_pixels(face_scene, face_len, 640, 480, 1);
	finger_px = bu_pnm_pixels(finger_scene, finger_len, 400, 500, 1);

	counters(&before);
	snprintf(name, sizeof(name), "soak%d", getpid());
	if (bu_unit_create(&u, name, NULL))
		ksft_exit_fail_msg("cannot create the unit: %s\n", strerror(errno));
	if (bu_scene_write(name, "face", face_scene, face_len) ||
	    bu_scene_write(name, "finger", finger_scene, finger_len) ||
	    bu_scene_write(name, "signature", pen, sizeof(pen) - 1))
		ksft_exit_fail_msg("cannot write the scenes\n");

	for (cyc = 0; cyc < cycles; cyc++) {
		void *maps[3][NBUF];
		size_t len[3] = { 0 };
		struct waiter w[3];
		struct evwaiter ev = { 0 };
		struct pollwaiter pw = { 0 };
		struct biounit_exportbuffer e[2];
		int fd, fd_ev, fd_poll, ready[2], go[2], status, ok = 1;
		uint32_t ch;
		pid_t pid;
		char x;

		if (!gpio_cycle(cyc, why_gpio, sizeof(why_gpio)))
			gpio_ok++;
		else
			printf("# cycle %d: %s\n", cyc, why_gpio);
		if (cyc && (bu_attr_write(name, "live", "1") ||
			    bu_attr_read(name, "dev_name", u.node, sizeof(u.node)))) {
			FAIL("live 1 failed");
			break;
		}
		snprintf(u.dev, sizeof(u.dev), "/dev/%s", u.node);
		fd = open(u.dev, O_RDWR);
		fd_ev = open(u.dev, O_RDWR);
		fd_poll = open(u.dev, O_RDWR);
		if (fd < 0 || fd_ev < 0 || fd_poll < 0) {
			FAIL("open %s: %s", u.dev, strerror(errno));
			break;
		}
		for (ch = 0; ch < 3; ch++) {
			int err = stream_channel(fd, ch, maps[ch], &len[ch]);

			if (err) {
				FAIL("channel %u does not stream: %d", ch, err);
				break;
			}
		}
		if (fails)
			break;
		/* one frame each of face and finger, exported for the child */
		for (ch = 0; ch < 2; ch++) {
			struct biounit_buffer b;
			int err = bu_wait(fd, POLLIN, 5000) == 1 ? bu_dqbuf(fd, ch, &b) : -ETIMEDOUT;

			/* poll is for any channel: wait for this one */
			for (int k = 0; err == -EAGAIN && k < 100; k++) {
				usleep(20000);
				err = bu_dqbuf(fd, ch, &b);
			}
			if (err) {
				FAIL("no frame on channel %u: %d", ch, err);
				break;
			}
			memset(&e[ch], 0, sizeof(e[ch]));
			e[ch].channel = ch;
			e[ch].index = b.index;
			e[ch].flags = O_RDONLY | O_CLOEXEC;
			if (ioctl(fd, BIOUNIT_IOC_EXPBUF, &e[ch])) {
				FAIL("EXPBUF channel %u: %s", ch, strerror(errno));
				break;
			}
			/* keep this buffer dequeued: its content stays the scene */
		}
		if (fails)
			break;
		if (pipe(ready) || pipe(go)) {
			FAIL("pipe");
			break;
		}
		pid = fork();
		if (pid == 0) {
			close(fd);
			close(ready[0]);
			close(go[1]);
			_exit(child(e[0].fd, e[1].fd, len[0], len[1], ready[1], go[0]));
		}
		close(ready[1]);
		close(go[0]);
		if (read(ready[0], &x, 1) != 1) {
			FAIL("the child could not map the dma-bufs");
			ok = 0;
		}
		close(e[0].fd);
		close(e[1].fd);

		/* the waiters */
		for (ch = 0; ch < 3; ch++) {
			w[ch] = (struct waiter){ .fd = fd, .ch = ch };
			pthread_create(&w[ch].t, NULL, dq_loop, &w[ch]);
		}
		ev.fd = fd_ev;
		pthread_create(&ev.t, NULL, ev_loop, &ev);
		pw.fd = fd_poll;
		pthread_create(&pw.t, NULL, poll_loop, &pw);
		usleep(20000 + (cyc % 7) * 15000);	/* unplug at varying moments */

		if (bu_attr_write(name, "live", "0")) {
			FAIL("live 0 failed");
			ok = 0;
		}
		for (ch = 0; ch < 3; ch++) {
			if (join_within(w[ch].t, 10000)) {
				FAIL("DQBUF on channel %u still blocked 10 s after the removal", ch);
				ksft_exit_fail_msg("%s\n", why);
			}
			total_frames += w[ch].frames;
			if (w[ch].err != -ENODEV) {
				FAIL("DQBUF loop on channel %u ended with %d, not -ENODEV", ch, w[ch].err);
				ok = 0;
			}
		}
		if (join_within(ev.t, 10000) || join_within(pw.t, 25000)) {
			FAIL("DQEVENT or poll still blocked after the removal");
			ksft_exit_fail_msg("%s\n", why);
		}
		if (!ev.got_gone || ev.err != -ENODEV) {
			FAIL("DQEVENT: UNIT_GONE %s, ended with %d", ev.got_gone ? "seen" : "missing",
			     ev.err);
			ok = 0;
		}
		if ((pw.revents & (POLLERR | POLLHUP)) != (POLLERR | POLLHUP)) {
			FAIL("poll revents %#x, want POLLERR|POLLHUP", pw.revents);
			ok = 0;
		}
		if (ok)
			waiters_ok++;
		/* our own mappings: the exported frames still hold the scene */
		ok = 1;
		for (ch = 0; ch < 2; ch++) {
			const uint8_t *want = ch ? finger_px : face_px;
			size_t n = ch ? 400 * 500 : 640 * 480;
			int found = 0;

			for (int k = 0; k < NBUF; k++)
				if (!memcmp(maps[ch][k], want, n))
					found = 1;
			if (!found) {
				FAIL("no mapping of channel %u holds the scene after the removal", ch);
				ok = 0;
			}
		}
		for (ch = 0; ch < 3; ch++)
			for (int k = 0; k < NBUF; k++)
				munmap(maps[ch][k], len[ch]);
		close(fd);
		close(fd_ev);
		close(fd_poll);
		/* now the child checks its mappings again */
		if (write(go[1], "g", 1) != 1 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			FAIL("the other process's dma-buf mappings: status %#x", status);
			ok = 0;
		}
		close(ready[0]);
		close(go[1]);
		if (ok)
			maps_ok++;
	}
	if (cyc == cycles)
		bu_attr_write(name, "live", "1");	/* and it comes back once more */
	bu_unit_destroy(&u);

	/* give deferred frees (fput, RCU) a moment */
	for (int k = 0; k < 30; k++) {
		counters(&after);
		if (after.units <= before.units && after.vb2_areas <= before.vb2_areas &&
		    after.dmabufs <= before.dmabufs)
			break;
		usleep(100000);
	}
	gpio_remove();
	/* the retired interrupt domains go from a work item once their interrupts are freed */
	for (int k = 0; k < 30 && (gpio_irqs = gpio_irqs_left()) > 0; k++)
		usleep(100000);
	printf("# %d cycles, %ld frames dequeued by the waiters\n", cyc, total_frames);
	printf("# before: %ld units, %ld vb2 vmalloc areas, %ld dma-bufs, slab %ld kB, vmalloc %ld kB\n",
	       before.units, before.vb2_areas, before.dmabufs, before.slab_kb, before.vmalloc_kb);
	printf("# after:  %ld units, %ld vb2 vmalloc areas, %ld dma-bufs, slab %ld kB, vmalloc %ld kB\n",
	       after.units, after.vb2_areas, after.dmabufs, after.slab_kb, after.vmalloc_kb);
	printf("# SOAK-SUMMARY cycles=%d\n", cyc);
	if (after.units > before.units || after.vb2_areas > before.vb2_areas ||
	    after.dmabufs > before.dmabufs)
		leaks = 1;
	/* a unit's buffers alone are some MB of vmalloc: growth beyond 2 MB is a leak */
	if (after.vmalloc_kb - before.vmalloc_kb > 2048)
		leaks = 1;

	ksft_test_result(cyc == cycles, "soak: %d of %d unplug cycles while streaming three channels\n",
			 cyc, cycles);
	ksft_test_result(waiters_ok == cyc && cyc, "soak: every waiter woke with ENODEV / POLLERR|POLLHUP / UNIT_GONE (%ld of %d)\n",
			 waiters_ok, cyc);
	ksft_test_result(maps_ok == cyc && cyc, "soak: mappings in both processes still read the scene (%ld of %d)\n",
			 maps_ok, cyc);
	ksft_test_result(!leaks, "soak: nothing left (units %ld->%ld, vb2 areas %ld->%ld, dma-bufs %ld->%ld, vmalloc %+ld kB)\n",
			 before.units, after.units, before.vb2_areas, after.vb2_areas,
			 before.dmabufs, after.dmabufs, after.vmalloc_kb - before.vmalloc_kb);
	ksft_test_result(gpio_ok == cyc && cyc && !gpio_irqs,
			 "soak: desk gpiochip unplugged %d of %d times holding an event line and an output, edges seen, ENODEV/POLLERR after, %ld interrupts left%s%s\n",
			 gpio_ok, cyc, gpio_irqs, why_gpio[0] ? ": " : "", why_gpio);
	ksft_test_result(!fails, "soak: no failure%s%s\n", fails ? ": " : "", fails ? why : "");
	free(face_scene);
	free(finger_scene);
	ksft_finished();
}
