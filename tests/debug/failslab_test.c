// SPDX-License-Identifier: GPL-2.0
/*
 * failslab_test: allocation failures injected into probe, open, buffer
 * allocation, streaming and export; every one must unwind cleanly.
 *
 *   failslab_test [-m MAX] [-v] (MAX: the most failure points tried per operation, default 600;
 *                                -v: the kernel log gets each injected failure's stack)
 *
 * Needs a kernel with FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS (the debug kernel of `make check-debug`); skips
 * elsewhere. Two ways:
 *  - systematic, per operation (live 1 = probe, open, REQBUFS, CREATE_BUFS,
 *    STREAMON, EXPBUF, mmap): for n = 1, 2, ... /proc/thread-self/fail-nth
 *    makes the n-th slab or page allocation of this task fail (failslab and
 *    fail_page_alloc with ignore-gfp-wait=N), until the operation needs fewer
 *    than n. After each failure the operation must have failed with a
 *    documented error or succeeded (REQBUFS may give fewer buffers), and the
 *    unit must still work: the same operation without injection succeeds and
 *    cleans up.
 *  - random, while three channels stream: failslab and fail_page_alloc with
 *    a probability, limited by the stack filter (require-start/end) to calls
 *    that pass through our modules, in any task (the simulator's threads too).
 * Leaks show in kmemleak, WARNs and KASAN reports in the kernel log, which
 * run-debug.sh checks. Prints kselftest TAP; "# FAILSLAB-SUMMARY" has the
 * number of failures injected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest.h"
#include "bu_sim.h"

#define DBG "/sys/kernel/debug"
static int max_n = 600;
static int verbose;
static long injected_total;
static int nth_fd = -1;
static char name[32];
static struct bu_unit u;

static int wr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static long rd_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 0) : -1;
}

static void fi_setup(const char *which, const char *prob, const char *times, const char *log_stack)
{
	char p[128];

#define S(attr, v) do { snprintf(p, sizeof(p), DBG "/%s/" attr, which); wr(p, v); } while (0)
	S("verbose", log_stack);
	S("ignore-gfp-wait", "N");
	S("task-filter", "N");
	S("interval", "1");
	S("space", "0");
	S("probability", prob);
	S("times", times);
	if (!strcmp(which, "fail_page_alloc")) {
		S("ignore-gfp-highmem", "N");
		S("min-order", "0");
	}
#undef S
}

/* Arms the n-th allocation of this thread to fail */
static void arm(int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", n);
	if (pwrite(nth_fd, v, strlen(v), 0) < 0)
		ksft_exit_fail_msg("fail-nth: %s\n", strerror(errno));
}

/* 1 if the armed failure was injected; disarms */
static int fired(void)
{
	char v[16] = "";
	int left;

	if (pread(nth_fd, v, sizeof(v) - 1, 0) <= 0)
		return 0;
	left = atoi(v);
	if (left)
		pwrite(nth_fd, "0", 1, 0);
	return left == 0;
}

static int open_dev(void)
{
	return open(u.dev, O_RDWR | O_NONBLOCK);
}

static int live(const char *v)
{
	int err = bu_attr_write(name, "live", v);

	if (!err && v[0] == '1') {
		err = bu_attr_read(name, "dev_name", u.node, sizeof(u.node));
		snprintf(u.dev, sizeof(u.dev), "/dev/%s", u.node);
	}
	return err;
}

/*
 * A unit's number (64 of them) goes back when the unit's last reference
 * goes, and CONFIG_DEBUG_KOBJECT_RELEASE delays that 1-4 s: a sweep that
 * goes live many times a second can have every number in flight, and then
 * "live" 1 fails with ENXIO ("no free unit number" in the kernel log) with
 * nothing wrong. Such a failure is retried once the delayed releases are
 * done (5 s).
 */
#define RELEASE_WAIT_S 5
static long release_waits;

static int live_on(void)
{
	int err = live("1");

	if (err == -ENXIO) {
		release_waits++;
		sleep(RELEASE_WAIT_S);
		err = live("1");
	}
	return err;
}

static int op_probe(void *c);

/* one sweep: op() under fail-nth n for n = 1.., undo() after each; returns failures injected */
struct sweep {
	const char *what;
	int (*op)(void *ctx);		/* 0 or -errno */
	void (*undo)(void *ctx, int op_ret);
	int (*works)(void *ctx);	/* without injection: 0 if the unit still works */
	const int *allowed;		/* documented errors, 0-terminated */
};

static int run_sweep(const struct sweep *s, void *ctx, int *bad)
{
	int n, injected = 0, ret, unwound_bad = 0;

	for (n = 1; n <= max_n; n++) {
		int ok = 0, hit;

		arm(n);
		ret = s->op(ctx);
		hit = fired();	/* once: it disarms */
		if (!hit && ret == -ENXIO && s->op == op_probe) {
			/* failed before the n-th allocation: no number free yet (above) */
			release_waits++;
			sleep(RELEASE_WAIT_S);
			arm(n);
			ret = s->op(ctx);
			hit = fired();
		}
		if (!hit) {
			s->undo(ctx, ret);
			break;
		}
		injected++;
		if (ret) {
			for (const int *a = s->allowed; *a; a++)
				if (-ret == *a)
					ok = 1;
			if (!ok) {
				printf("# %s: failure %d: undocumented error %d (%s)\n", s->what, n,
				       ret, strerror(-ret));
				(*bad)++;
			}
		}
		s->undo(ctx, ret);
		if (s->works && s->works(ctx)) {
			if (!unwound_bad++) {
				printf("# %s: after failure %d the unit no longer works; kernel log:\n",
				       s->what, n);
				fflush(stdout);
				/* the injected failure's stack (with -v) and what followed */
				if (system("dmesg | tail -n 120 | sed 's/^/# /'"))
					printf("# (no kernel log)\n");
			}
			(*bad)++;
			break;
		}
	}
	printf("# %s: %d allocation failures injected%s\n", s->what, injected,
	       n > max_n ? " (stopped at the limit)" : "");
	injected_total += injected;
	return injected;
}

/* ---- the operations ---- */
static const int e_probe[] = { ENXIO, ENOMEM, ENODEV, EINVAL, 0 };
static int op_probe(void *c) { (void)c; return live("1"); }
static void undo_probe(void *c, int r)
{
	char v[8] = "";

	(void)c;
	bu_attr_read(name, "live", v, sizeof(v));
	if (v[0] == '1')
		live("0");
	(void)r;
}
static int works_probe(void *c)
{
	int fd, err;
	struct biounit_caps caps;

	(void)c;
	err = live_on();
	if (err) {
		printf("# live 1 without injection: %s\n", strerror(-err));
		return -1;
	}
	fd = open_dev();
	err = fd < 0 || ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps);
	if (fd >= 0)
		close(fd);
	live("0");
	return err;
}

struct ctx { int fd; int ch; int nbuf; void *map; size_t len; };
static const int e_open[] = { ENOMEM, ENFILE, EMFILE, 0 };
static int op_open(void *c)
{
	struct ctx *x = c;

	x->fd = open_dev();
	return x->fd < 0 ? -errno : 0;
}
static void undo_open(void *c, int r)
{
	struct ctx *x = c;

	(void)r;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

static const int e_reqbufs[] = { ENOMEM, 0 };
static int op_reqbufs(void *c)
{
	struct ctx *x = c;
	int n = bu_reqbufs(x->fd, x->ch, 4, BIOUNIT_MEMORY_MMAP);

	return n < 0 ? n : 0;
}
static void undo_reqbufs(void *c, int r)
{
	struct ctx *x = c;

	(void)r;
	bu_reqbufs(x->fd, x->ch, 0, BIOUNIT_MEMORY_MMAP);
}
static int works_reqbufs(void *c)
{
	struct ctx *x = c;
	int n = bu_reqbufs(x->fd, x->ch, 4, BIOUNIT_MEMORY_MMAP);

	return n != 4 || bu_reqbufs(x->fd, x->ch, 0, BIOUNIT_MEMORY_MMAP) != 0;
}

static const int e_create[] = { ENOMEM, 0 };
static int op_create(void *c)
{
	struct ctx *x = c;
	struct biounit_create_buffers cb = { .channel = x->ch, .count = 3,
					     .memory = BIOUNIT_MEMORY_MMAP };

	return ioctl(x->fd, BIOUNIT_IOC_CREATE_BUFS, &cb) ? -errno : 0;
}

/* buffers queued, STREAMON under injection, STREAMOFF */
static const int e_streamon[] = { ENOMEM, 0 };
static int op_streamon(void *c)
{
	struct ctx *x = c;

	return bu_streamon(x->fd, x->ch);
}
static void undo_streamon(void *c, int r)
{
	struct ctx *x = c;

	(void)r;
	bu_streamoff(x->fd, x->ch);
	for (int i = 0; i < x->nbuf; i++)
		bu_qbuf(x->fd, x->ch, i);
}
static int works_streamon(void *c)
{
	struct ctx *x = c;
	struct biounit_buffer b;
	int err = bu_streamon(x->fd, x->ch);

	if (!err)
		err = bu_wait(x->fd, POLLIN, 5000) == 1 ? bu_dqbuf(x->fd, x->ch, &b) : -ETIMEDOUT;
	undo_streamon(c, 0);
	return err;
}

static const int e_expbuf[] = { ENOMEM, EMFILE, ENFILE, 0 };
static int exp_fd = -1;
static int op_expbuf(void *c)
{
	struct ctx *x = c;
	struct biounit_exportbuffer e = { .channel = x->ch, .index = 0, .flags = O_RDWR };

	exp_fd = -1;
	if (ioctl(x->fd, BIOUNIT_IOC_EXPBUF, &e))
		return -errno;
	exp_fd = e.fd;
	return 0;
}
static void undo_expbuf(void *c, int r)
{
	(void)c;
	(void)r;
	if (exp_fd >= 0)
		close(exp_fd);
	exp_fd = -1;
}

static const int e_mmap[] = { ENOMEM, EAGAIN, 0 };
static int op_mmap(void *c)
{
	struct ctx *x = c;
	struct biounit_buffer b = { .channel = x->ch, .index = 1 };

	if (ioctl(x->fd, BIOUNIT_IOC_QUERYBUF, &b))
		return -errno;
	x->len = b.length;
	x->map = mmap(NULL, b.length, PROT_READ, MAP_SHARED, x->fd, b.mem_offset);
	if (x->map == MAP_FAILED) {
		x->map = NULL;
		return -errno;
	}
	((volatile char *)x->map)[0];
	return 0;
}
static void undo_mmap(void *c, int r)
{
	struct ctx *x = c;

	(void)r;
	if (x->map)
		munmap(x->map, x->len);
	x->map = NULL;
}

/* ---- random failures while streaming ---- */
static int module_range(unsigned long *lo, unsigned long *hi)
{
	char line[256];
	FILE *f = fopen("/proc/modules", "r");

	*lo = ~0ul;
	*hi = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char mod[64];
		unsigned long size, base;

		if (sscanf(line, "%63s %lu %*d %*s %*s %lx", mod, &size, &base) != 3)
			continue;
		if (strcmp(mod, "biounit") && strcmp(mod, "biounit_sim"))
			continue;
		if (!base)
			return -1;
		if (base < *lo)
			*lo = base;
		if (base + size > *hi)
			*hi = base + size;
	}
	fclose(f);
	return *hi ? 0 : -1;
}

static long random_phase(int *bad, int secs)
{
	static const char *const fi[] = { "failslab", "fail_page_alloc" };
	unsigned long lo, hi;
	char v[32], p[128];
	void *maps[3][4];
	size_t len[3];
	long injected = 0, frames = 0;
	int fd, k, ch;

	if (module_range(&lo, &hi) || access(DBG "/failslab/require-start", W_OK)) {
		printf("# random phase skipped: no stack filter or no module addresses\n");
		return -1;
	}
	if (live("1") || (fd = open_dev()) < 0) {
		(*bad)++;
		return 0;
	}
	bu_subscribe(fd, 0x1fe);
	bu_set_format(fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, NULL);
	bu_set_format(fd, 2, BIOUNIT_FMT_PEN, 16, 1, 5000, NULL);
	for (k = 0; k < 2; k++) {
		snprintf(p, sizeof(p), DBG "/%s/require-start", fi[k]);
		snprintf(v, sizeof(v), "%#lx", lo);
		wr(p, v);
		snprintf(p, sizeof(p), DBG "/%s/require-end", fi[k]);
		snprintf(v, sizeof(v), "%#lx", hi);
		wr(p, v);
		fi_setup(fi[k], "5", "100000", "0");
	}
	for (int round = 0; round < secs * 4; round++) {
		/* allocate, stream, dequeue, export, events, faults: each may fail */
		for (ch = 0; ch < 3; ch++) {
			if (bu_stream_mmap(fd, ch, 4, maps[ch], &len[ch]) == 0)
				bu_streamon(fd, ch);
		}
		bu_attr_write(name, "face/drop", "1");
		bu_attr_write(name, "face/error", "1");
		for (int i = 0; i < 8; i++) {
			struct biounit_buffer b;
			struct biounit_event ev;

			bu_wait(fd, POLLIN | POLLPRI, 30);
			for (ch = 0; ch < 3; ch++)
				if (!bu_dqbuf(fd, ch, &b)) {
					frames++;
					if (i == 3) {
						struct biounit_exportbuffer e = { .channel = ch,
							.index = b.index, .flags = O_RDWR };

						if (!ioctl(fd, BIOUNIT_IOC_EXPBUF, &e))
							close(e.fd);
					}
					bu_qbuf(fd, ch, b.index);
				}
			while (!bu_dqevent(fd, &ev))
				;
		}
		for (ch = 0; ch < 3; ch++) {
			bu_streamoff(fd, ch);
			/* maps made by bu_stream_mmap are left to the close below */
			bu_reqbufs(fd, ch, 0, BIOUNIT_MEMORY_MMAP);
		}
		if (round % 8 == 7) {	/* an unplug under injection too */
			close(fd);
			live("0");
			live("1");
			fd = open_dev();
			if (fd < 0)
				break;
			bu_subscribe(fd, 0x1fe);
		}
	}
	for (k = 0; k < 2; k++) {
		long left;

		snprintf(p, sizeof(p), DBG "/%s/probability", fi[k]);
		wr(p, "0");
		snprintf(p, sizeof(p), DBG "/%s/times", fi[k]);
		left = rd_long(p);
		if (left >= 0)
			injected += 100000 - left;
		snprintf(p, sizeof(p), DBG "/%s/require-start", fi[k]);
		wr(p, "0");
		snprintf(p, sizeof(p), DBG "/%s/require-end", fi[k]);
		wr(p, "0xffffffffffffffff");
	}
	printf("# random phase: %d s of streaming, %ld frames, %ld allocation failures injected\n",
	       secs, frames, injected);
	if (fd >= 0)
		close(fd);
	/* without injection it all works again */
	if (works_probe(NULL)) {
		printf("# random phase: the unit no longer works afterwards\n");
		(*bad)++;
	}
	injected_total += injected;
	return injected;
}

int main(int argc, char **argv)
{
	static const struct sweep s_probe = { "probe (live 1)", op_probe, undo_probe, works_probe,
					      e_probe };
	static const struct sweep s_open = { "open", op_open, undo_open, NULL, e_open };
	static const struct sweep s_reqbufs = { "REQBUFS", op_reqbufs, undo_reqbufs, works_reqbufs,
						e_reqbufs };
	static const struct sweep s_create = { "CREATE_BUFS", op_create, undo_reqbufs,
					       works_reqbufs, e_create };
	static const struct sweep s_streamon = { "STREAMON", op_streamon, undo_streamon,
						 works_streamon, e_streamon };
	static const struct sweep s_expbuf = { "EXPBUF", op_expbuf, undo_expbuf, NULL, e_expbuf };
	static const struct sweep s_mmap = { "mmap", op_mmap, undo_mmap, NULL, e_mmap };
	struct ctx x = { .fd = -1 };
	int c, bad, n;
	void *img;
	size_t len;

	while ((c = getopt(argc, argv, "m:v")) != -1) {
		if (c == 'm') {
			max_n = atoi(optarg);
		} else if (c == 'v') {
			verbose = 1;
		} else {
			fprintf(stderr, "usage: %s [-m MAX] [-v]\n", argv[0]);
			return 2;
		}
	}
	ksft_print_header();
	ksft_set_plan(8);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0 || access(DBG "/failslab/probability", W_OK) ||
	    access(DBG "/fail_page_alloc/probability", W_OK)) {
		ksft_print_msg("no fault injection in this kernel (FAILSLAB, FAIL_PAGE_ALLOC, fail-nth)\n");
		for (n = 0; n < 8; n++)
			ksft_test_result_skip("failslab %d: no fault injection\n", n + 1);
		ksft_finished();
	}
	/* fail-nth ignores probability, task filter and stack filter, not ignore-gfp-wait */
	/* -v: the sweeps log each injected failure's stack (kernel log; slows them down) */
	fi_setup("failslab", "0", "-1", verbose ? "1" : "0");
	fi_setup("fail_page_alloc", "0", "-1", verbose ? "1" : "0");

	snprintf(name, sizeof(name), "fail%d", getpid());
	{
		char path[128];

		snprintf(path, sizeof(path), BU_SIM_ROOT "/%s", name);
		if (mkdir(path, 0755))
			ksft_exit_fail_msg("mkdir %s: %s\n", path, strerror(errno));
		snprintf(u.name, sizeof(u.name), "%s", name);
	}
	img = bu_pnm_make(64, 48, 1, 5, &len);
	bu_scene_write(name, "face", img, len);
	free(img);

	bad = 0;
	run_sweep(&s_probe, NULL, &bad);
	ksft_test_result(!bad, "failslab: probe unwinds from every allocation failure\n");

	if (live_on())
		ksft_exit_fail_msg("the unit does not go live without injection\n");
	bad = 0;
	run_sweep(&s_open, &x, &bad);
	ksft_test_result(!bad, "failslab: open unwinds\n");

	x.fd = open_dev();
	x.ch = 0;
	bu_set_format(x.fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, NULL);
	bad = 0;
	run_sweep(&s_reqbufs, &x, &bad);
	ksft_test_result(!bad, "failslab: REQBUFS unwinds\n");

	bad = 0;
	run_sweep(&s_create, &x, &bad);
	ksft_test_result(!bad, "failslab: CREATE_BUFS unwinds\n");

	/* four queued buffers for STREAMON, EXPBUF and mmap */
	x.nbuf = bu_reqbufs(x.fd, 0, 4, BIOUNIT_MEMORY_MMAP);
	for (int i = 0; i < x.nbuf; i++)
		bu_qbuf(x.fd, 0, i);
	bad = 0;
	run_sweep(&s_streamon, &x, &bad);
	ksft_test_result(!bad && x.nbuf == 4, "failslab: STREAMON unwinds\n");

	bad = 0;
	run_sweep(&s_expbuf, &x, &bad);
	run_sweep(&s_mmap, &x, &bad);
	ksft_test_result(!bad, "failslab: EXPBUF and mmap unwind\n");
	bu_reqbufs(x.fd, 0, 0, BIOUNIT_MEMORY_MMAP);
	close(x.fd);
	live("0");

	bad = 0;
	if (random_phase(&bad, 6) < 0)
		ksft_test_result_skip("failslab: random failures while streaming (no stack filter)\n");
	else
		ksft_test_result(!bad, "failslab: random failures in our modules while streaming\n");

	live("0");
	bu_unit_destroy(&u);
	{
		char path[128];

		snprintf(path, sizeof(path), BU_SIM_ROOT "/%s", name);
		bad = access(path, F_OK) == 0;
	}
	ksft_test_result(!bad, "failslab: the unit is removed\n");
	printf("# FAILSLAB-SUMMARY injected=%ld release-waits=%ld\n", injected_total, release_waits);
	ksft_finished();
}
