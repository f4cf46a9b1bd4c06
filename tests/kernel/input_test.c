// SPDX-License-Identifier: GPL-2.0
/*
 * The unit's input devices through evdev (driver/biounit-input.c,
 * docs/input.md): found through sysfs under the unit's device, their
 * capabilities, ranges and resolution, the pen script's samples as pen
 * events (the same samples the pad channel's buffers hold, with their
 * times), the button and presence sensor wired to a simulated desk
 * gpiochip, and unplugging while an evdev file is open. Runs in the test VM
 * after run.sh has loaded biounit-sim; needs evdev.ko (modprobe'd here).
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/input.h>

#include "kselftest_harness.h"
#include "bu_sim.h"

#define NBUF 8
#define PAD_W 3000
#define PAD_H 1200
#define PRESSURE_MAX 2047
#define MODEL "BU-Input"

#define BIT_SET(bits, n) (((bits)[(n) / 8] >> ((n) % 8)) & 1)

/*
 * The event node of the unit's input device whose phys is "NODE/WHAT"
 * ("pen" or "buttons"), found in /sys/class/biounit/NODE/inputK/eventJ:
 * "/dev/input/eventJ" into @path, the sysfs directory into @sys.
 */
static int find_input(const char *node, const char *what, char *path,
		      size_t len, char *sys, size_t slen)
{
	char dir[256], want[96], buf[128];
	struct dirent *d, *e;
	DIR *dp, *ep;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "/sys/class/biounit/%s", node);
	snprintf(want, sizeof(want), "%s/%s\n", node, what);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while (ret && (d = readdir(dp))) {
		char in[512], p[600];

		if (strncmp(d->d_name, "input", 5))
			continue;
		snprintf(in, sizeof(in), "%s/%s", dir, d->d_name);
		snprintf(p, sizeof(p), "%s/phys", in);
		if (bu_read_text(p, buf, sizeof(buf)) || strcmp(buf, want))
			continue;
		ep = opendir(in);
		if (!ep)
			break;
		while ((e = readdir(ep)))
			if (!strncmp(e->d_name, "event", 5)) {
				snprintf(path, len, "/dev/input/%.20s", e->d_name);
				snprintf(sys, slen, "%s", in);
				ret = 0;
				break;
			}
		closedir(ep);
	}
	closedir(dp);
	return ret;
}

/* Opens the unit's input device WHAT, waiting for devtmpfs; fd or -errno */
static int open_input(const char *node, const char *what, char *sys,
		      size_t slen)
{
	char path[64];
	int i, fd, ret;

	ret = find_input(node, what, path, sizeof(path), sys, slen);
	if (ret)
		return ret;
	for (i = 0; i < 50; i++) {
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : -errno;
		usleep(20000);
	}
	return -ENOENT;
}

/* The state a pen tablet's events build up, frame by frame */
struct pen_state {
	int x, y, p, touch, tool;
	struct timeval time;
};

/*
 * Reads events into @st until a SYN_REPORT: 1 on a frame, 0 when none came
 * within @ms, -errno on an error. Events other than the pen's fail (-EPROTO).
 */
static int read_frame(int fd, struct pen_state *st, int ms)
{
	struct input_event ev;

	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int r = poll(&p, 1, ms);

			if (r < 0)
				return -errno;
			if (!r)
				return 0;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n != sizeof(ev))
			return -EIO;
		if (ev.type == EV_SYN && ev.code == SYN_REPORT) {
			st->time = ev.time;
			return 1;
		}
		if (ev.type == EV_ABS && ev.code == ABS_X)
			st->x = ev.value;
		else if (ev.type == EV_ABS && ev.code == ABS_Y)
			st->y = ev.value;
		else if (ev.type == EV_ABS && ev.code == ABS_PRESSURE)
			st->p = ev.value;
		else if (ev.type == EV_KEY && ev.code == BTN_TOUCH)
			st->touch = ev.value;
		else if (ev.type == EV_KEY && ev.code == BTN_TOOL_PEN)
			st->tool = ev.value;
		else
			return -EPROTO;
	}
}

/* Streams the pad: 16 samples a buffer, 5 ms, NBUF buffers mapped into maps */
static int pad_start(int fd, void **maps)
{
	struct biounit_format f;
	size_t len;
	int ret;

	ret = bu_set_format(fd, 2, BIOUNIT_FMT_PEN, 16, 1, 5000, &f);
	if (!ret)
		ret = bu_stream_mmap(fd, 2, NBUF, maps, &len);
	return ret ?: bu_streamon(fd, 2);
}

/* The kernel has evdev, built in or as a module modprobe finds */
static int have_evdev(void)
{
	char line[256];
	FILE *f;
	int found = 0;

	/* fails when evdev is built in or absent: the handlers list says which */
	(void)!system("modprobe evdev 2>/dev/null");
	f = fopen("/proc/bus/input/handlers", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "Name=evdev") != NULL;
	if (f)
		fclose(f);
	return found;
}

/*
 * Only a kernel built without INPUT_EVDEV may lack it: run-vm.sh then sets
 * BIOUNIT_NO_EVDEV=1 (make check-debug's kernel). Debian's kernels have
 * evdev.ko, and a VM of theirs without it fails these tests.
 */
static int evdev_may_be_missing(void)
{
	const char *v = getenv("BIOUNIT_NO_EVDEV");

	return v && !strcmp(v, "1");
}

FIXTURE(input) {
	struct bu_unit u;
	char serial[32];
	char sys[512];
	int fd;
	int evfd;
	int no_evdev;
};

FIXTURE_SETUP(input)
{
	char name[32], serial[64], w[32], h[32], pm[32];
	const char *setup[] = { "model=" MODEL, serial, w, h, pm, NULL };

	self->no_evdev = !have_evdev();
	if (self->no_evdev) {
		ASSERT_TRUE(evdev_may_be_missing())
			TH_LOG("no evdev in this VM, and its kernel is not one built without it");
		return;
	}
	snprintf(name, sizeof(name), "input%d", getpid());
	snprintf(self->serial, sizeof(self->serial), "SN-IN-%d", getpid());
	snprintf(serial, sizeof(serial), "serial=%s", self->serial);
	snprintf(w, sizeof(w), "signature/pad_width=%d", PAD_W);
	snprintf(h, sizeof(h), "signature/pad_height=%d", PAD_H);
	snprintf(pm, sizeof(pm), "signature/pressure_max=%d", PRESSURE_MAX);
	self->evfd = -1;
	ASSERT_EQ(0, bu_unit_create(&self->u, name, setup));
	self->fd = open(self->u.dev, O_RDWR);
	ASSERT_GE(self->fd, 0);
	self->evfd = open_input(self->u.node, "pen", self->sys, sizeof(self->sys));
	ASSERT_GE(self->evfd, 0)
		TH_LOG("no pen input device under /sys/class/biounit/%s: %s",
		       self->u.node, strerror(-self->evfd));
}

FIXTURE_TEARDOWN(input)
{
	if (self->no_evdev)
		return;
	if (self->evfd >= 0)
		close(self->evfd);
	if (self->fd >= 0)
		close(self->fd);
	bu_unit_destroy(&self->u);
}

TEST_F(input, pen_describes_the_pad)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	unsigned char evbits[EV_MAX / 8 + 1] = { 0 };
	unsigned char keys[KEY_MAX / 8 + 1] = { 0 };
	unsigned char abs[ABS_MAX / 8 + 1] = { 0 };
	unsigned char props[INPUT_PROP_MAX / 8 + 1] = { 0 };
	struct input_absinfo ai;
	struct input_id id;
	char buf[128], link[600], target[600];
	unsigned int i, nkeys = 0, nabs = 0;
	ssize_t n;

	ASSERT_GE(ioctl(self->evfd, EVIOCGNAME(sizeof(buf)), buf), 0);
	EXPECT_STREQ(MODEL " Pen", buf);
	ASSERT_GE(ioctl(self->evfd, EVIOCGUNIQ(sizeof(buf)), buf), 0);
	EXPECT_STREQ(self->serial, buf);
	ASSERT_GE(ioctl(self->evfd, EVIOCGPHYS(sizeof(buf)), buf), 0);
	snprintf(target, sizeof(target), "%s/pen", self->u.node);
	EXPECT_STREQ(target, buf);
	ASSERT_EQ(0, ioctl(self->evfd, EVIOCGID, &id));
	EXPECT_EQ(BUS_HOST, id.bustype);

	/* sysfs ties it to the unit: its parent is the unit's device */
	snprintf(link, sizeof(link), "%s/..", self->sys);
	ASSERT_NE(NULL, realpath(link, target));
	n = strlen(target);
	EXPECT_EQ(0, strcmp(target + n - strlen(self->u.node), self->u.node))
		TH_LOG("parent %s", target);

	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(0, sizeof(evbits)), evbits), 0);
	EXPECT_TRUE(BIT_SET(evbits, EV_SYN));
	EXPECT_TRUE(BIT_SET(evbits, EV_KEY));
	EXPECT_TRUE(BIT_SET(evbits, EV_ABS));
	for (i = 0; i <= EV_MAX; i++)
		if (i != EV_SYN && i != EV_KEY && i != EV_ABS)
			EXPECT_FALSE(BIT_SET(evbits, i)) TH_LOG("event type %u", i);
	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys), 0);
	EXPECT_TRUE(BIT_SET(keys, BTN_TOOL_PEN));
	EXPECT_TRUE(BIT_SET(keys, BTN_TOUCH));
	for (i = 0; i <= KEY_MAX; i++)
		nkeys += BIT_SET(keys, i);
	EXPECT_EQ(2u, nkeys);
	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(EV_ABS, sizeof(abs)), abs), 0);
	for (i = 0; i <= ABS_MAX; i++)
		nabs += BIT_SET(abs, i);
	EXPECT_EQ(3u, nabs);
	ASSERT_GE(ioctl(self->evfd, EVIOCGPROP(sizeof(props)), props), 0);
	EXPECT_TRUE(BIT_SET(props, INPUT_PROP_DIRECT));
	EXPECT_FALSE(BIT_SET(props, INPUT_PROP_POINTER));

	/* The simulator's pad is 1000 ppi: 1000 / 25.4 = 39.37 units/mm */
	ASSERT_EQ(0, ioctl(self->evfd, EVIOCGABS(ABS_X), &ai));
	EXPECT_EQ(0, ai.minimum);
	EXPECT_EQ(PAD_W - 1, ai.maximum);
	EXPECT_EQ(39, ai.resolution);
	ASSERT_EQ(0, ioctl(self->evfd, EVIOCGABS(ABS_Y), &ai));
	EXPECT_EQ(0, ai.minimum);
	EXPECT_EQ(PAD_H - 1, ai.maximum);
	EXPECT_EQ(39, ai.resolution);
	ASSERT_EQ(0, ioctl(self->evfd, EVIOCGABS(ABS_PRESSURE), &ai));
	EXPECT_EQ(0, ai.minimum);
	EXPECT_EQ(PRESSURE_MAX, ai.maximum);
	/* arbitrary units (event-codes.rst: resolution 0) */
	EXPECT_EQ(0, ai.resolution);

	/* No lines wired: no button device */
	EXPECT_EQ(-ENOENT, find_input(self->u.node, "buttons", buf, sizeof(buf),
				      link, sizeof(link)));
}

/*
 * A script of n points 5 ms apart whose x changes at every point (so that
 * every sample makes an evdev frame: the input core drops a frame that
 * changes nothing); every 20th point has the pen in the air.
 */
static char *make_script(unsigned int n, size_t *len)
{
	char *s = malloc(n * 40 + 1);
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		off += sprintf(s + off, "%u %u %u %u\n", i * 5000, 10 + 7 * i,
			       PAD_H - 1 - i, i % 20 == 19 ? 0 : 100 + 5 * i);
	*len = off;
	return s;
}

/* Reads pen frames in a thread while the test streams the pad */
struct pen_reader {
	int fd;
	unsigned int n;
	int err;
	struct pen_state frames[400];
};

static void *read_pen(void *arg)
{
	struct pen_reader *r = arg;
	struct pen_state st = { .x = -1, .y = -1, .p = -1, .touch = -1, .tool = -1 };

	while (r->n < 400) {
		r->err = read_frame(r->fd, &st, 3000);
		if (r->err != 1)
			break;
		r->frames[r->n++] = st;
		if (!st.tool)
			break;	/* the pen left: the pad stopped */
	}
	return NULL;
}

TEST_F(input, pen_reports_every_sample_of_the_pad)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	const unsigned int npts = 200;
	struct biounit_pen_sample got[200];
	struct pen_state st = { 0 };
	struct pen_reader *r = calloc(1, sizeof(*r));
	unsigned int n = 0, downs = 0, ups = 0, i;
	void *maps[NBUF];
	size_t slen;
	char *script = make_script(npts, &slen);
	int clk = CLOCK_MONOTONIC;
	pthread_t t;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, ioctl(self->evfd, EVIOCSCLOCKID, &clk));
	/* Nothing while the pad is not scanned */
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script, slen));
	EXPECT_EQ(0, read_frame(self->evfd, &st, 300));

	r->fd = self->evfd;
	ASSERT_EQ(0, pthread_create(&t, NULL, read_pen, r));
	ASSERT_EQ(0, pad_start(self->fd, maps));
	while (n < npts) {
		struct biounit_buffer b;
		unsigned int k;

		ASSERT_EQ(1, bu_wait(self->fd, POLLIN, 5000));
		ASSERT_EQ(0, bu_dqbuf(self->fd, 2, &b));
		for (k = 0; k < b.bytesused / sizeof(got[0]) && n < npts; k++, n++)
			memcpy(&got[n], (char *)maps[b.index] + k * sizeof(got[0]),
			       sizeof(got[0]));
		ASSERT_EQ(0, bu_qbuf(self->fd, 2, b.index));
	}
	ASSERT_EQ(0, bu_streamoff(self->fd, 2));
	pthread_join(t, NULL);
	ASSERT_EQ(1, r->err) TH_LOG("reading the pen: %d after %u frames", r->err, r->n);

	/*
	 * The same samples, one frame each, in order, at the samples' times;
	 * then maybe samples the pad gave past the last one read from the
	 * buffers; last the pen leaving when the pad stopped.
	 */
	ASSERT_GT(r->n, npts);
	for (i = 0; i < npts; i++) {
		const struct pen_state *fr = &r->frames[i];

		EXPECT_EQ((int)got[i].x, fr->x) TH_LOG("sample %u", i);
		EXPECT_EQ((int)got[i].y, fr->y) TH_LOG("sample %u", i);
		EXPECT_EQ((int)got[i].pressure, fr->p) TH_LOG("sample %u", i);
		EXPECT_EQ(got[i].pressure > 0, fr->touch) TH_LOG("sample %u", i);
		EXPECT_EQ(1, fr->tool);
		EXPECT_EQ(got[i].timestamp_ns / 1000,
			  (uint64_t)fr->time.tv_sec * 1000000 + fr->time.tv_usec)
			TH_LOG("sample %u", i);
		/* and what the script said */
		EXPECT_EQ(10 + 7 * i, got[i].x);
		EXPECT_EQ(PAD_H - 1 - i, got[i].y);
		EXPECT_EQ(i % 20 == 19 ? 0 : 100 + 5 * i, got[i].pressure);
		if (i) {
			downs += fr->touch && !fr[-1].touch;
			ups += !fr->touch && fr[-1].touch;
		}
	}
	EXPECT_EQ(npts / 20 - 1, downs);
	EXPECT_EQ(npts / 20, ups);
	st = r->frames[r->n - 1];
	EXPECT_EQ(0, st.tool);
	EXPECT_EQ(0, st.touch);
	EXPECT_EQ(0, st.p);
	EXPECT_EQ(0, read_frame(self->evfd, &st, 300));
	free(script);
	free(r);
}

/* A dropped pad frame loses its samples to the buffers, not to the pen */
TEST_F(input, pen_reports_samples_of_dropped_frames)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	struct pen_state st = { .x = -1, .y = -1, .p = -1, .touch = -1, .tool = -1 };
	const char script[] = "0 100 100 10\n5000 101 100 20\n10000 102 100 0\n";
	unsigned int frames = 0;
	void *maps[NBUF];

	ASSERT_EQ(0, bu_attr_write(self->u.name, "signature/drop", "1000000"));
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script,
				    strlen(script)));
	ASSERT_EQ(0, pad_start(self->fd, maps));
	while (frames < 3 && read_frame(self->evfd, &st, 2000) == 1) {
		EXPECT_EQ(100 + (int)frames, st.x);
		frames++;
	}
	EXPECT_EQ(3u, frames);
	EXPECT_EQ(0, bu_wait(self->fd, POLLIN, 0)) TH_LOG("a buffer came");
	ASSERT_EQ(0, bu_streamoff(self->fd, 2));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "signature/drop", "0"));
}

struct reader {
	int fd;
	int err;
	int done;
};

static void *blocked_read(void *arg)
{
	struct reader *r = arg;
	struct input_event ev;
	ssize_t n;

	do {
		n = read(r->fd, &ev, sizeof(ev));
	} while (n == sizeof(ev));
	r->err = n < 0 ? errno : 0;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Unplug while one evdev file blocks in read() and the pad streams */
TEST_F(input, unplug_while_the_evdev_is_open)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	const char script[] = "0 100 100 10\n5000 200 100 20\n";
	struct reader r = { .err = -1 };
	struct input_event ev;
	struct pollfd p;
	pthread_t t;
	void *maps[NBUF];
	char path[700];
	int i, fd2;

	fd2 = open_input(self->u.node, "pen", path, sizeof(path));
	ASSERT_GE(fd2, 0);
	r.fd = fd2;
	ASSERT_EQ(0, fcntl(fd2, F_SETFL, 0));	/* blocking */
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script,
				    strlen(script)));
	ASSERT_EQ(0, pad_start(self->fd, maps));
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_read, &r));
	usleep(300000);

	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "0"));
	for (i = 0; i < 100 && !__atomic_load_n(&r.done, __ATOMIC_SEQ_CST); i++)
		usleep(20000);
	ASSERT_TRUE(__atomic_load_n(&r.done, __ATOMIC_SEQ_CST))
		TH_LOG("read() still blocked after the unplug");
	pthread_join(t, NULL);
	EXPECT_EQ(ENODEV, r.err);

	/* The other file, never read: queued events may be drained, then ENODEV */
	for (i = 0; i < 10000 && read(self->evfd, &ev, sizeof(ev)) == sizeof(ev); i++)
		;
	EXPECT_EQ(-1, read(self->evfd, &ev, sizeof(ev)));
	EXPECT_EQ(ENODEV, errno);
	p = (struct pollfd){ .fd = self->evfd, .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & (POLLHUP | POLLERR));
	EXPECT_EQ(-1, ioctl(self->evfd, EVIOCGNAME(sizeof(path)), path));
	EXPECT_EQ(ENODEV, errno);
	/* the input device is gone from sysfs */
	EXPECT_EQ(-1, access(self->sys, F_OK));
	close(fd2);
	/* bu_unit_destroy() in the teardown writes live 0 again: harmless */
}

/* The button and the presence sensor on a simulated desk gpiochip */
FIXTURE(keys) {
	struct bu_unit u;
	char chip[48];
	int fd;
	int evfd;
	int no_evdev;
};

static int chip_attr(const char *chip, const char *rel, const char *val)
{
	char p[128];

	snprintf(p, sizeof(p), "gpio/%s", chip);
	return bu_attr_write(p, rel, val);
}

FIXTURE_SETUP(keys)
{
	char name[32], p[128], button[80], presence[80];
	const char *setup[] = { "model=" MODEL, button, presence, NULL };

	self->no_evdev = !have_evdev();
	if (self->no_evdev) {
		ASSERT_TRUE(evdev_may_be_missing())
			TH_LOG("no evdev in this VM, and its kernel is not one built without it");
		return;
	}
	self->evfd = -1;
	self->fd = -1;
	snprintf(self->chip, sizeof(self->chip), "bu-keys-%d", getpid());
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s", self->chip);
	ASSERT_EQ(0, mkdir(p, 0755));
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s/line0", self->chip);
	ASSERT_EQ(0, mkdir(p, 0755));
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s/line1", self->chip);
	ASSERT_EQ(0, mkdir(p, 0755));
	ASSERT_EQ(0, chip_attr(self->chip, "num_lines", "2"));
	ASSERT_EQ(0, chip_attr(self->chip, "line0/pull", "pull-down"));
	/* someone stands at the desk before the unit is plugged in */
	ASSERT_EQ(0, chip_attr(self->chip, "line1/pull", "pull-up"));
	ASSERT_EQ(0, chip_attr(self->chip, "live", "1"));

	snprintf(button, sizeof(button), "button_gpio=%s 0", self->chip);
	snprintf(presence, sizeof(presence), "presence_gpio=%s 1", self->chip);
	snprintf(name, sizeof(name), "keys%d", getpid());
	ASSERT_EQ(0, bu_unit_create(&self->u, name, setup));
	self->fd = open(self->u.dev, O_RDWR);
	ASSERT_GE(self->fd, 0);
	self->evfd = open_input(self->u.node, "buttons", p, sizeof(p));
	ASSERT_GE(self->evfd, 0) TH_LOG("no button input device: %s",
					strerror(-self->evfd));
}

FIXTURE_TEARDOWN(keys)
{
	char p[128];

	if (self->no_evdev)
		return;
	if (self->evfd >= 0)
		close(self->evfd);
	if (self->fd >= 0)
		close(self->fd);
	bu_unit_destroy(&self->u);
	chip_attr(self->chip, "live", "0");
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s/line0", self->chip);
	rmdir(p);
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s/line1", self->chip);
	rmdir(p);
	snprintf(p, sizeof(p), BU_SIM_ROOT "/gpio/%s", self->chip);
	rmdir(p);
}

/* The next event that is not SYN_REPORT, and the SYN_REPORT after it */
static int next_event(int fd, struct input_event *out)
{
	struct input_event ev;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int have = 0;

	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 2000) != 1)
				return -ETIMEDOUT;
			continue;
		}
		if (n != sizeof(ev))
			return -EIO;
		if (ev.type == EV_SYN && ev.code == SYN_REPORT) {
			if (have)
				return 0;
			continue;
		}
		if (have)
			return -EPROTO;	/* two events in one frame */
		*out = ev;
		have = 1;
	}
}

/* The next frame of @fd holds one event, of @type, @code and @value */
#define EXPECT_INPUT_EVENT(fd, type_, code_, value_) do {	\
	struct input_event ev_;					\
								\
	ASSERT_EQ(0, next_event(fd, &ev_));			\
	EXPECT_EQ(type_, ev_.type);				\
	EXPECT_EQ(code_, ev_.code);				\
	EXPECT_EQ(value_, ev_.value);				\
} while (0)

TEST_F(keys, button_and_presence_are_key_and_switch)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	unsigned char evbits[EV_MAX / 8 + 1] = { 0 };
	unsigned char keys[KEY_MAX / 8 + 1] = { 0 };
	unsigned char sw[SW_MAX / 8 + 1] = { 0 };
	struct biounit_event bev;
	char buf[128];
	unsigned int i, nkeys = 0;

	ASSERT_GE(ioctl(self->evfd, EVIOCGNAME(sizeof(buf)), buf), 0);
	EXPECT_STREQ(MODEL " Buttons", buf);
	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(0, sizeof(evbits)), evbits), 0);
	EXPECT_TRUE(BIT_SET(evbits, EV_KEY));
	EXPECT_TRUE(BIT_SET(evbits, EV_SW));
	EXPECT_FALSE(BIT_SET(evbits, EV_ABS));
	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys), 0);
	for (i = 0; i <= KEY_MAX; i++)
		nkeys += BIT_SET(keys, i);
	EXPECT_EQ(1u, nkeys);
	EXPECT_TRUE(BIT_SET(keys, KEY_OK));
	ASSERT_GE(ioctl(self->evfd, EVIOCGBIT(EV_SW, sizeof(sw)), sw), 0);
	EXPECT_TRUE(BIT_SET(sw, SW_FRONT_PROXIMITY));

	/* The switch starts in the state the line had at probe: present */
	memset(sw, 0, sizeof(sw));
	ASSERT_GE(ioctl(self->evfd, EVIOCGSW(sizeof(sw)), sw), 0);
	EXPECT_TRUE(BIT_SET(sw, SW_FRONT_PROXIMITY));
	memset(keys, 0, sizeof(keys));
	ASSERT_GE(ioctl(self->evfd, EVIOCGKEY(sizeof(keys)), keys), 0);
	EXPECT_FALSE(BIT_SET(keys, KEY_OK));

	ASSERT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_BUTTON |
				  1u << BIOUNIT_EVENT_PRESENCE));

	/* press, release */
	ASSERT_EQ(0, chip_attr(self->chip, "line0/pull", "pull-up"));
	EXPECT_INPUT_EVENT(self->evfd, EV_KEY, KEY_OK, 1);
	ASSERT_EQ(0, chip_attr(self->chip, "line0/pull", "pull-down"));
	EXPECT_INPUT_EVENT(self->evfd, EV_KEY, KEY_OK, 0);

	/* the applicant walks away and comes back */
	ASSERT_EQ(0, chip_attr(self->chip, "line1/pull", "pull-down"));
	EXPECT_INPUT_EVENT(self->evfd, EV_SW, SW_FRONT_PROXIMITY, 0);
	ASSERT_EQ(0, chip_attr(self->chip, "line1/pull", "pull-up"));
	EXPECT_INPUT_EVENT(self->evfd, EV_SW, SW_FRONT_PROXIMITY, 1);

	/* next to the uapi events, which are unchanged */
	ASSERT_EQ(0, bu_dqevent(self->fd, &bev));
	EXPECT_EQ(BIOUNIT_EVENT_BUTTON, bev.type);
	EXPECT_EQ(BIOUNIT_CH_UNIT, bev.channel);
	EXPECT_EQ(1u, bev.data);
	ASSERT_EQ(0, bu_dqevent(self->fd, &bev));
	EXPECT_EQ(BIOUNIT_EVENT_BUTTON, bev.type);
	EXPECT_EQ(0u, bev.data);
	ASSERT_EQ(0, bu_dqevent(self->fd, &bev));
	EXPECT_EQ(BIOUNIT_EVENT_PRESENCE, bev.type);
	EXPECT_EQ(0u, bev.data);
	ASSERT_EQ(0, bu_dqevent(self->fd, &bev));
	EXPECT_EQ(BIOUNIT_EVENT_PRESENCE, bev.type);
	EXPECT_EQ(1u, bev.data);
}

/* Unplugged while the button device is open: ENODEV, and no more events */
TEST_F(keys, unplug_while_the_button_device_is_open)
{
	if (self->no_evdev)
		SKIP(return, "this kernel is built without evdev (make check-debug's kernel)");
	struct input_event ev;

	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "0"));
	ASSERT_EQ(0, chip_attr(self->chip, "line0/pull", "pull-up"));
	while (read(self->evfd, &ev, sizeof(ev)) == sizeof(ev))
		ASSERT_NE(EV_KEY, ev.type) TH_LOG("a key after the unplug");
	EXPECT_EQ(ENODEV, errno);
}

/* The simulator's button_gpio and presence_gpio: what they take and when */
TEST(sim_gpio_attributes)
{
	char name[32], p[128], buf[96];

	snprintf(name, sizeof(name), "gpioattr%d", getpid());
	snprintf(p, sizeof(p), BU_SIM_ROOT "/%s", name);
	ASSERT_EQ(0, mkdir(p, 0755));
	EXPECT_EQ(0, bu_attr_read(name, "button_gpio", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(0, bu_attr_write(name, "button_gpio", "  desk-a   7 \n"));
	EXPECT_EQ(0, bu_attr_read(name, "button_gpio", buf, sizeof(buf)));
	EXPECT_STREQ("desk-a 7", buf);
	EXPECT_EQ(0, bu_attr_write(name, "presence_gpio", "desk-b 0x3"));
	EXPECT_EQ(0, bu_attr_read(name, "presence_gpio", buf, sizeof(buf)));
	EXPECT_STREQ("desk-b 3", buf);
	EXPECT_EQ(-EINVAL, bu_attr_write(name, "button_gpio", "desk-a"));
	EXPECT_EQ(-EINVAL, bu_attr_write(name, "button_gpio", "desk-a seven"));
	EXPECT_EQ(-EINVAL, bu_attr_write(name, "button_gpio", "desk-a 7 8"));
	EXPECT_EQ(-EINVAL, bu_attr_write(name, "button_gpio", "desk-a -1"));
	EXPECT_EQ(-EINVAL, bu_attr_write(name, "button_gpio",
					 "a-label-of-thirty-two-bytes-long 1"));
	/* a refused write keeps the value */
	EXPECT_EQ(0, bu_attr_read(name, "button_gpio", buf, sizeof(buf)));
	EXPECT_STREQ("desk-a 7", buf);
	/* no chip labelled desk-a is live: the probe defers, live fails */
	EXPECT_EQ(-ENXIO, bu_attr_write(name, "live", "1"));
	EXPECT_EQ(0, bu_attr_write(name, "button_gpio", "\n"));
	EXPECT_EQ(0, bu_attr_write(name, "presence_gpio", "\n"));
	EXPECT_EQ(0, bu_attr_read(name, "presence_gpio", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, bu_attr_write(name, "live", "1"));
	EXPECT_EQ(-EBUSY, bu_attr_write(name, "button_gpio", "desk-a 1"));
	EXPECT_EQ(0, bu_attr_write(name, "live", "0"));
	EXPECT_EQ(0, rmdir(p));
}

TEST_HARNESS_MAIN
