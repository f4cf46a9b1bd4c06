// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: random but structured ioctl sequences on live simulated units.
 *
 *   ioctl_fuzz [-s SEED] [-n CALLS] [-p PROCS] [-t THREADS]
 *
 * PROCS processes (fork) of THREADS threads each share CALLS calls. Each
 * thread keeps files of two units, runs stream life cycles (S_FMT, REQBUFS,
 * QUERYBUF + mmap, QBUF, STREAMON, DQBUF, EXPBUF + mmap + DMA_BUF_IOCTL_SYNC,
 * STREAMOFF, REQBUFS 0) and between them calls every ioctl with mutated
 * fields, reserved words, out-of-range channels, indices and counts, bad
 * pointers (NULL, unmapped, read-only, misaligned, straddling a page end,
 * kernel addresses) and unknown or near-miss request codes; files are closed
 * and re-opened in the middle. All threads of all processes also use one
 * file opened before fork (one thread per process closes and re-opens its
 * descriptor of it under a lock). The first process also writes
 * configfs (scenes, faults, live 0/1 of the second unit) from another thread,
 * and fuzzes the simulator's desk gpiochip from a third (gpio_main()). Every
 * process also fuzzes the units' V4L2 nodes and media devices from one more
 * thread (v4l2_main(), docs/v4l2.md), against the character device's users.
 *
 * Every result is checked against docs/uapi.md: an errno the documentation
 * does not give for that call, a 0 where the result cannot be written back,
 * a signal (SIGBUS reading a mapping) or a crash is a failure. The seed is
 * printed; each thread's sequence follows from it (the interleaving does not).
 * Prints kselftest TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
#include <linux/gpio.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/media.h>
#include <linux/videodev2.h>

#include "kselftest.h"
#include "bu_sim.h"

#define MAXFD	4
#define MAXMAP	32
#define NCH	BIOUNIT_CH_COUNT

static uint64_t seed;
static long total_calls = 100000;
static int nprocs = 2, nthreads = 3;
static char *pg_none, *pg_ro, *ro_alias;	/* pg_none follows a writable page */
static long pagesz;

/* per process, summed into the parent through a pipe */
struct stats {
	long calls, ok, errs, bad, mmaps, expbufs, syncs, reopens, streamons, dqbufs;
	long cfg_writes, unplugs;
	long v4l2_calls, v4l2_streamons, v4l2_dqbufs, v4l2_mmaps, media_calls;
};
static struct stats st;
static pthread_mutex_t st_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int bad_printed;
static atomic_long calls_left;
/* loop turns left: bounds a run in which opens keep failing (no calls made) */
static atomic_long turns_left;
static volatile int stop_cfg;

static struct bu_unit units[2];
static const char *unit_names[2];

/* ---- random numbers: splitmix64 per thread ---- */
struct rng { uint64_t s; };
static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static unsigned int rn(struct rng *r, unsigned int n) { return n ? rnd(r) % n : 0; }
static int chance(struct rng *r, unsigned int pct) { return rn(r, 100) < pct; }

static void bad(const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&st_lock);
	st.bad++;
	pthread_mutex_unlock(&st_lock);
	if (atomic_fetch_add(&bad_printed, 1) < 30)
		printf("# FAIL (seed %" PRIu64 ", pid %d): %s\n", seed, getpid(), msg);
	fflush(stdout);
}

/* ---- the documented errors (docs/uapi.md section 3 and 7) ---- */
#define E(x) ((unsigned __int128)1 << (x))
static const struct {
	unsigned long code;
	const char *name;
	unsigned __int128 errs;
	int reads, writes;	/* copies the argument in / back out */
} ioc[] = {
	{ BIOUNIT_IOC_QUERYCAP, "QUERYCAP", E(ENODEV) | E(EFAULT), 0, 1 },
	{ BIOUNIT_IOC_CHANNEL_INFO, "CHANNEL_INFO", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 1 },
	{ BIOUNIT_IOC_ENUM_FMT, "ENUM_FMT", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 1 },
	{ BIOUNIT_IOC_ENUM_FRAMESIZES, "ENUM_FRAMESIZES", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 1 },
	{ BIOUNIT_IOC_G_FMT, "G_FMT", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_S_FMT, "S_FMT", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_TRY_FMT, "TRY_FMT", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_REQBUFS, "REQBUFS", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(ENOMEM) | E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_CREATE_BUFS, "CREATE_BUFS", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(ENOMEM) | E(ENOBUFS) | E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_QUERYBUF, "QUERYBUF", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_QBUF, "QBUF", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) | E(EINTR) |
		E(ENOMEM), 1, 1 },
	{ BIOUNIT_IOC_DQBUF, "DQBUF", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) | E(EINTR) |
		E(EAGAIN), 1, 1 },
	{ BIOUNIT_IOC_EXPBUF, "EXPBUF", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) | E(EINTR) |
		E(EMFILE) | E(ENFILE) | E(ENOMEM), 1, 1 },
	{ BIOUNIT_IOC_STREAMON, "STREAMON", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(EINTR) | E(ENOMEM), 1, 0 },
	{ BIOUNIT_IOC_STREAMOFF, "STREAMOFF", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EBUSY) |
		E(EINTR), 1, 0 },
	{ BIOUNIT_IOC_SUBSCRIBE, "SUBSCRIBE", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 0 },
	{ BIOUNIT_IOC_DQEVENT, "DQEVENT", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(EAGAIN) |
		E(EINTR), 1, 1 },
	{ BIOUNIT_IOC_QUERYCTRL, "QUERYCTRL", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 1 },
	{ BIOUNIT_IOC_G_CTRL, "G_CTRL", E(EINVAL) | E(ENODEV) | E(EFAULT), 1, 1 },
	{ BIOUNIT_IOC_S_CTRL, "S_CTRL", E(EINVAL) | E(ENODEV) | E(EFAULT) | E(ERANGE), 1, 1 },
};
#define NIOC (sizeof(ioc) / sizeof(ioc[0]))
enum { I_QUERYCAP, I_CHINFO, I_ENUMFMT, I_ENUMFS, I_GFMT, I_SFMT, I_TRYFMT, I_REQBUFS,
	I_CREATEBUFS, I_QUERYBUF, I_QBUF, I_DQBUF, I_EXPBUF, I_STREAMON, I_STREAMOFF,
	I_SUBSCRIBE, I_DQEVENT, I_QUERYCTRL, I_GCTRL, I_SCTRL };

/* ---- per-thread state ---- */
struct file_st {
	int fd;
	int unit;
	int owns[NCH];	/* this thread believes it allocated buffers */
};
struct map { void *p; size_t len; int dmabuf_fd; };
struct worker {
	struct rng r;
	int id;
	long calls;
	struct file_st f[MAXFD];
	struct map maps[MAXMAP];
	int nmaps;
	struct stats s;
	pthread_t thread;
	atomic_llong busy_since;	/* ms, while in an ioctl that may block */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000 + 1;
}

/*
 * A blocking DQBUF or DQEVENT may wait for a frame that never comes (stalled
 * sensor, nothing queued): after a second the watchdog interrupts it with a
 * signal, which the call must report as EINTR.
 */
static struct worker *workers;
static volatile int stop_watchdog;
static void on_sigusr1(int sig) { (void)sig; }
static void *watchdog_main(void *arg)
{
	(void)arg;
	while (!stop_watchdog) {
		usleep(200000);
		for (int i = 0; i < nthreads; i++) {
			long long t = atomic_load(&workers[i].busy_since);

			if (t && now_ms() - t > 1000)
				pthread_kill(workers[i].thread, SIGUSR1);
		}
	}
	return NULL;
}

/* the file all threads of a process share; closed and re-opened under the write lock */
static pthread_rwlock_t shared_lock = PTHREAD_RWLOCK_INITIALIZER;
static int shared_fd = -1;

static int open_unit(struct rng *r, int unit)
{
	char dev[64], node[32];
	int flags = O_RDWR | O_CLOEXEC | (chance(r, 70) ? O_NONBLOCK : 0);
	int fd;

	if (bu_attr_read(unit_names[unit], "dev_name", node, sizeof(node)) || !node[0])
		return -1;
	snprintf(dev, sizeof(dev), "/dev/%s", node);
	fd = open(dev, chance(r, 5) ? O_RDONLY | O_NONBLOCK : flags);
	if (fd < 0 && errno != ENOENT && errno != ENODEV && errno != ENXIO && errno != ENOMEM)
		bad("open %s: unexpected errno %d (%s)", dev, errno, strerror(errno));
	return fd;
}

/* Records a result; err is the errno of a failed call, 0 on success */
static void check(struct worker *w, int i, int ret, int err, int argstate, const char *what)
{
	w->s.calls++;
	if (ret == 0) {
		w->s.ok++;
		/* argstate 1: argument unreadable, 2: result unwritable */
		if (argstate == 1 && ioc[i].reads)
			bad("%s %s: succeeded with an unreadable argument", ioc[i].name, what);
		if ((argstate == 1 || argstate == 2) && ioc[i].writes)
			bad("%s %s: succeeded with an unwritable argument", ioc[i].name, what);
		return;
	}
	w->s.errs++;
	if (err >= 128 || !(ioc[i].errs & E(err)))
		bad("%s %s: undocumented errno %d (%s)", ioc[i].name, what, err, strerror(err));
	else if (argstate == 1 && err != EFAULT && err != ENODEV && ioc[i].reads)
		bad("%s %s: unreadable argument gave errno %d (%s), not EFAULT", ioc[i].name, what,
		    err, strerror(err));
	else if (argstate == 3 && err != EINVAL && err != ENODEV)
		bad("%s %s: non-zero reserved word gave errno %d (%s), not EINVAL", ioc[i].name,
		    what, err, strerror(err));
}

static const uint32_t fmts[] = { BIOUNIT_FMT_YUYV, BIOUNIT_FMT_NV12, BIOUNIT_FMT_RGB24,
				 BIOUNIT_FMT_GREY, BIOUNIT_FMT_XBGR32, BIOUNIT_FMT_PEN, 0, 0x12345678 };
static const uint32_t sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 1920, 1080 },
	{ 400, 500 }, { 800, 750 }, { 16, 1 }, { 64, 1 }, { 256, 1 }, { 0, 0 }, { 641, 480 },
	{ 4096, 3072 }, { 0xffffffff, 0xffffffff } };
static const uint32_t cids[] = { 0x0001, 0x0002, 0x0003, 0x0101, 0x0102, 0x0201, 0x0301,
				 0, 0x0004, 0x0302, 0xffffffff };

static uint32_t fz_channel(struct rng *r)
{
	static const uint32_t odd[] = { 3, 4, 0x7fffffff, 0x80000000, 0xffffffff };

	return chance(r, 90) ? rn(r, NCH) : odd[rn(r, 5)];
}
static uint32_t fz_index(struct rng *r)
{
	static const uint32_t odd[] = { 16, 17, 255, 0x10000, 0x7fffffff, 0xffffffff };

	return chance(r, 85) ? rn(r, 8) : odd[rn(r, 6)];
}
static uint32_t fz_count(struct rng *r)
{
	static const uint32_t odd[] = { 0, 16, 17, 100, 0x7fffffff, 0xffffffff };

	return chance(r, 80) ? 1 + rn(r, 6) : odd[rn(r, 6)];
}
static uint32_t fz_memory(struct rng *r)
{
	static const uint32_t odd[] = { 0, 2, 3, 5, 0xffffffff };

	return chance(r, 85) ? BIOUNIT_MEMORY_MMAP : chance(r, 50) ? BIOUNIT_MEMORY_DMABUF :
	       odd[rn(r, 5)];
}

/* A sensible format for a channel, or a mutated one */
static void fz_format(struct rng *r, struct biounit_format *f)
{
	static const uint32_t iv[] = { 0, 16666, 33333, 100000, 20000, 999, 10000001,
				       0xffffffff };

	f->channel = fz_channel(r);
	if (chance(r, 70)) {
		switch (f->channel) {
		case 0:
			f->pixelformat = fmts[rn(r, 5)];
			f->width = 640;
			f->height = 480;
			break;
		case 1:
			f->pixelformat = BIOUNIT_FMT_GREY;
			f->width = chance(r, 70) ? 400 : 800;
			f->height = f->width == 400 ? 500 : 750;
			break;
		default:
			f->pixelformat = BIOUNIT_FMT_PEN;
			f->width = 16 << (2 * rn(r, 3));
			f->height = 1;
			break;
		}
		f->interval_us = chance(r, 50) ? 0 : 33333 + rn(r, 70000);
	} else {
		unsigned int k = rn(r, sizeof(sizes) / sizeof(sizes[0]));

		f->pixelformat = fmts[rn(r, 8)];
		f->width = sizes[k][0];
		f->height = sizes[k][1];
		f->interval_us = iv[rn(r, 8)];
	}
}

/*
 * The argument: mostly a good buffer; sometimes a bad pointer. Returns the
 * pointer and sets *state: 0 fine, 1 unreadable, 2 readable but not writable,
 * 3 good with a reserved word set.
 */
static void *fz_arg(struct worker *w, void *good, size_t size, int *state)
{
	struct rng *r = &w->r;
	unsigned int k;

	*state = 0;
	if (!chance(r, 8))
		return good;
	k = rn(r, 5);
	switch (k) {
	case 0:
		*state = 1;
		return NULL;
	case 1:
		*state = 1;
		return pg_none + rn(r, pagesz);
	case 2:
		*state = 1;
		return (void *)0xffff888000001000ull;	/* a kernel address */
	case 3:	/* straddles the end of a writable page into a PROT_NONE one */
		*state = 1;
		return pg_none - size / 2 - 1;
	default:	/* read-only: readable, the result cannot be written */
		*state = 2;
		return pg_ro + pagesz - size;
	}
}

/* Marks a reserved word (the last 4 bytes of every structure are reserved) */
static void fz_reserved(struct rng *r, void *arg, size_t size, int *state)
{
	if (*state == 0 && chance(r, 6)) {
		uint32_t v = chance(r, 50) ? 1 : 1u << rn(r, 32);

		memcpy((char *)arg + size - 4 - 4 * rn(r, 2), &v, 4);
		*state = 3;
	}
}

static int fz_ioctl(struct worker *w, int fd, int i, void *arg, size_t size, const char *what)
{
	int state = 0, ret, err;
	void *p;
	char misal[512 + 8] __attribute__((aligned(8)));

	fz_reserved(&w->r, arg, size, &state);
	if (state == 3) {
		p = arg;
	} else {
		p = fz_arg(w, arg, size, &state);
		if (p == arg && chance(&w->r, 5)) {	/* misaligned but valid */
			p = misal + 1 + rn(&w->r, 7);
			memcpy(p, arg, size);
		}
	}
	if (state == 2)	/* pg_ro is read-only: fill it through its writable alias */
		memcpy(ro_alias + pagesz - size, arg, size);
	atomic_store(&w->busy_since, now_ms());
	ret = ioctl(fd, ioc[i].code, p);
	err = ret ? errno : 0;
	atomic_store(&w->busy_since, 0);
	if (ret && ret != -1)
		bad("%s: returned %d", ioc[i].name, ret);
	if (p != arg && state == 0 && ret == 0)
		memcpy(arg, p, size);
	check(w, i, ret ? -1 : 0, err, state, what);
	return ret ? -err : 0;
}

/* ---- buffers: map, export, sync ---- */
static void unmap_one(struct worker *w, int k)
{
	struct map *m = &w->maps[k];
	volatile uint8_t v;

	/* a mapping stays readable whatever happened to the unit */
	v = ((uint8_t *)m->p)[rn(&w->r, m->len)];
	(void)v;
	if (m->dmabuf_fd >= 0) {
		struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ };

		if (ioctl(m->dmabuf_fd, DMA_BUF_IOCTL_SYNC, &s))
			bad("DMA_BUF_IOCTL_SYNC end: errno %d", errno);
		close(m->dmabuf_fd);
	}
	if (munmap(m->p, m->len))
		bad("munmap: errno %d", errno);
	w->maps[k] = w->maps[--w->nmaps];
}

static void try_mmap(struct worker *w, int fd, struct biounit_buffer *b)
{
	int prot = PROT_READ | (chance(&w->r, 30) ? PROT_WRITE : 0);
	size_t len = b->length;
	off_t off = b->mem_offset;
	int expect_fail = 0;
	void *p;

	if (w->nmaps >= MAXMAP)
		unmap_one(w, rn(&w->r, w->nmaps));
	if (chance(&w->r, 10)) {	/* mutated: too long, wrong offset, private */
		switch (rn(&w->r, 3)) {
		case 0: len += 2 * pagesz; break;
		case 1: off += pagesz * (1 + rn(&w->r, 4)); break;
		default: break;
		}
		expect_fail = 1;
	}
	p = mmap(NULL, len, prot, chance(&w->r, 3) ? MAP_PRIVATE : MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		if (errno != EINVAL && errno != EACCES && errno != ENODEV && errno != ENOMEM)
			bad("mmap: undocumented errno %d (%s)", errno, strerror(errno));
		return;
	}
	(void)expect_fail;
	w->s.mmaps++;
	w->maps[w->nmaps++] = (struct map){ p, len, -1 };
	((volatile uint8_t *)p)[0];
}

static void try_expbuf(struct worker *w, int fd, uint32_t ch, uint32_t index)
{
	struct biounit_exportbuffer e = { .channel = ch, .index = index,
		.flags = chance(&w->r, 90) ? O_RDWR | O_CLOEXEC : rnd(&w->r) };
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	struct biounit_buffer b = { .channel = ch, .index = index };
	void *p;

	if (fz_ioctl(w, fd, I_EXPBUF, &e, sizeof(e), "export") || e.fd < 0)
		return;
	w->s.expbufs++;
	if (ioctl(fd, BIOUNIT_IOC_QUERYBUF, &b) || chance(&w->r, 20)) {
		close(e.fd);
		return;
	}
	if (w->nmaps >= MAXMAP)
		unmap_one(w, rn(&w->r, w->nmaps));
	p = mmap(NULL, b.length, PROT_READ, MAP_SHARED, e.fd, 0);
	if (p == MAP_FAILED) {
		bad("mmap of an exported dma-buf: errno %d", errno);
		close(e.fd);
		return;
	}
	if (chance(&w->r, 10)) {
		struct dma_buf_sync bs = { .flags = rnd(&w->r) };

		if (ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &bs) && errno != EINVAL)
			bad("DMA_BUF_IOCTL_SYNC with flags %#llx: errno %d",
			    (unsigned long long)bs.flags, errno);
	}
	if (ioctl(e.fd, DMA_BUF_IOCTL_SYNC, &s))
		bad("DMA_BUF_IOCTL_SYNC start: errno %d", errno);
	w->s.syncs++;
	w->maps[w->nmaps++] = (struct map){ p, b.length, e.fd };
}

/* ---- one step ---- */
static void step(struct worker *w, int fd, struct file_st *f)
{
	struct rng *r = &w->r;
	uint32_t ch = fz_channel(r);
	unsigned int op = rn(r, 100);
	union {
		struct biounit_caps caps;
		struct biounit_channel_info ci;
		struct biounit_fmtdesc fd;
		struct biounit_frmsize fs;
		struct biounit_format f;
		struct biounit_requestbuffers rb;
		struct biounit_create_buffers cb;
		struct biounit_buffer b;
		struct biounit_exportbuffer e;
		struct biounit_stream s;
		struct biounit_event_subscription sub;
		struct biounit_event ev;
		struct biounit_ctrl_info qc;
		struct biounit_control c;
		uint8_t raw[512];
	} a;

	memset(&a, 0, sizeof(a));
	if (op < 4) {
		fz_ioctl(w, fd, I_QUERYCAP, &a.caps, sizeof(a.caps), "");
	} else if (op < 8) {
		a.ci.channel = ch;
		fz_ioctl(w, fd, I_CHINFO, &a.ci, sizeof(a.ci), "");
	} else if (op < 12) {
		a.fd.channel = ch;
		a.fd.index = fz_index(r);
		fz_ioctl(w, fd, I_ENUMFMT, &a.fd, sizeof(a.fd), "");
	} else if (op < 15) {
		a.fs.channel = ch;
		a.fs.index = fz_index(r);
		a.fs.pixelformat = fmts[rn(r, 8)];
		fz_ioctl(w, fd, I_ENUMFS, &a.fs, sizeof(a.fs), "");
	} else if (op < 20) {
		int i = (int[]){ I_GFMT, I_SFMT, I_TRYFMT }[rn(r, 3)];

		fz_format(r, &a.f);
		fz_ioctl(w, fd, i, &a.f, sizeof(a.f), "");
	} else if (op < 28) {
		int ret;

		a.rb.channel = ch;
		a.rb.count = chance(r, 25) ? 0 : fz_count(r);
		a.rb.memory = fz_memory(r);
		ret = fz_ioctl(w, fd, I_REQBUFS, &a.rb, sizeof(a.rb), "");
		if (!ret && ch < NCH)
			f->owns[ch] = a.rb.count > 0;
		if (!ret && a.rb.count > 16)
			bad("REQBUFS gave %u buffers, more than 16", a.rb.count);
	} else if (op < 31) {
		a.cb.channel = ch;
		a.cb.count = fz_count(r);
		a.cb.memory = fz_memory(r);
		if (!fz_ioctl(w, fd, I_CREATEBUFS, &a.cb, sizeof(a.cb), "") && ch < NCH)
			f->owns[ch] = 1;
	} else if (op < 38) {
		a.b.channel = ch;
		a.b.index = fz_index(r);
		if (!fz_ioctl(w, fd, I_QUERYBUF, &a.b, sizeof(a.b), "") &&
		    a.b.memory == BIOUNIT_MEMORY_MMAP && chance(r, 40))
			try_mmap(w, fd, &a.b);
	} else if (op < 50) {
		a.b.channel = ch;
		a.b.index = fz_index(r);
		a.b.memory = chance(r, 90) ? BIOUNIT_MEMORY_MMAP : fz_memory(r);
		if (a.b.memory == BIOUNIT_MEMORY_DMABUF)
			a.b.fd = chance(r, 50) ? -1 : fd;	/* not a dma-buf */
		fz_ioctl(w, fd, I_QBUF, &a.b, sizeof(a.b), "");
	} else if (op < 62) {
		a.b.channel = ch;
		if (!fz_ioctl(w, fd, I_DQBUF, &a.b, sizeof(a.b), "")) {
			w->s.dqbufs++;
			if (chance(r, 80)) {
				struct biounit_buffer q = { .channel = ch, .index = a.b.index,
							    .memory = a.b.memory };

				fz_ioctl(w, fd, I_QBUF, &q, sizeof(q), "requeue");
			}
		}
	} else if (op < 66) {
		try_expbuf(w, fd, ch, fz_index(r));
	} else if (op < 72) {
		a.s.channel = ch;
		if (!fz_ioctl(w, fd, I_STREAMON, &a.s, sizeof(a.s), ""))
			w->s.streamons++;
	} else if (op < 76) {
		a.s.channel = ch;
		fz_ioctl(w, fd, I_STREAMOFF, &a.s, sizeof(a.s), "");
	} else if (op < 79) {
		a.sub.types = chance(r, 80) ? (uint32_t)(rnd(r) & 0x1fe) : (uint32_t)rnd(r);
		fz_ioctl(w, fd, I_SUBSCRIBE, &a.sub, sizeof(a.sub), "");
	} else if (op < 83) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };

		/* only dequeue when something is there or the file does not block */
		if ((fcntl(fd, F_GETFL) & O_NONBLOCK) || (poll(&p, 1, 0) == 1 && (p.revents & POLLPRI)))
			fz_ioctl(w, fd, I_DQEVENT, &a.ev, sizeof(a.ev), "");
	} else if (op < 86) {
		a.qc.index = fz_index(r);
		fz_ioctl(w, fd, I_QUERYCTRL, &a.qc, sizeof(a.qc), "");
	} else if (op < 92) {
		int i = chance(r, 50) ? I_GCTRL : I_SCTRL;

		a.c.id = cids[rn(r, 11)];
		a.c.value = chance(r, 70) ? (int64_t)rn(r, 2000) : (int64_t)rnd(r);
		fz_ioctl(w, fd, i, &a.c, sizeof(a.c), "");
	} else if (op < 96) {
		/* unknown and near-miss request codes: -ENOTTY (-ENODEV once gone) */
		static const unsigned int magics[] = { 0xB5, 0xB5, 0xB5, 0xB4, 0xB6, 'V', 'b', 0x01 };
		unsigned long code;
		int ret;

		if (chance(r, 50)) {	/* a known ioctl with another size or direction */
			unsigned long c = ioc[rn(r, NIOC)].code;
			unsigned int size = _IOC_SIZE(c), dir = _IOC_DIR(c);

			if (chance(r, 50))
				size = chance(r, 50) ? size + 4 * (1 + rn(r, 4)) : size - 4 * (1 + rn(r, 4));
			else
				dir = (dir + 1 + rn(r, 3)) & 3;
			code = _IOC(dir, _IOC_TYPE(c), _IOC_NR(c), size & _IOC_SIZEMASK);
			if (code == c)
				code ^= 1ul << _IOC_NRSHIFT;
		} else {
			unsigned int nr = rn(r, 256), m = magics[rn(r, 8)];

			code = _IOC(rn(r, 4), m, nr, rn(r, 512));
		}
		for (unsigned int k = 0; k < NIOC; k++)
			if (code == ioc[k].code)
				return;
		ret = ioctl(fd, code, chance(r, 50) ? (void *)&a : NULL);
		w->s.calls++;
		if (ret == 0)
			bad("unknown ioctl %#lx succeeded", code);
		else if (_IOC_TYPE(code) == 0xB5 && errno != ENOTTY && errno != ENODEV)
			bad("unknown ioctl %#lx: errno %d (%s), not ENOTTY", code, errno,
			    strerror(errno));
		else
			w->s.errs++;
	} else if (op < 98) {
		if (w->nmaps)
			unmap_one(w, rn(r, w->nmaps));
	} else {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };

		w->s.calls++;
		if (poll(&p, 1, 0) < 0)
			bad("poll: errno %d", errno);
		else if (p.revents & POLLNVAL)
			bad("poll: POLLNVAL on an open file");
	}
}

/* A whole stream life cycle with good arguments (the fuzz steps mutate around it) */
static void life_cycle(struct worker *w, int fd, struct file_st *f)
{
	struct rng *r = &w->r;
	uint32_t ch = rn(r, NCH);
	struct biounit_format fm = { .channel = ch };
	struct biounit_requestbuffers rb = { .channel = ch, .count = 2 + rn(r, 4),
					     .memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_stream s = { .channel = ch };
	unsigned int i, n;

	fz_format(r, &fm);
	fm.channel = ch;
	fz_ioctl(w, fd, I_SFMT, &fm, sizeof(fm), "life");
	if (fz_ioctl(w, fd, I_REQBUFS, &rb, sizeof(rb), "life"))
		return;
	f->owns[ch] = rb.count > 0;
	for (i = 0; i < rb.count; i++) {
		struct biounit_buffer b = { .channel = ch, .index = i };

		if (fz_ioctl(w, fd, I_QUERYBUF, &b, sizeof(b), "life"))
			break;
		if (chance(r, 50))
			try_mmap(w, fd, &b);
		b.memory = BIOUNIT_MEMORY_MMAP;
		fz_ioctl(w, fd, I_QBUF, &b, sizeof(b), "life");
	}
	if (!fz_ioctl(w, fd, I_STREAMON, &s, sizeof(s), "life"))
		w->s.streamons++;
	n = rn(r, 6);
	for (i = 0; i < n; i++) {
		struct biounit_buffer b = { .channel = ch };
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 60);
		if (!(p.revents & POLLIN) || fz_ioctl(w, fd, I_DQBUF, &b, sizeof(b), "life"))
			continue;
		w->s.dqbufs++;
		if (chance(r, 30))
			try_expbuf(w, fd, ch, b.index);
		b.memory = BIOUNIT_MEMORY_MMAP;
		fz_ioctl(w, fd, I_QBUF, &b, sizeof(b), "life");
	}
	if (chance(r, 60)) {
		fz_ioctl(w, fd, I_STREAMOFF, &s, sizeof(s), "life");
		if (chance(r, 70)) {
			rb.count = 0;
			fz_ioctl(w, fd, I_REQBUFS, &rb, sizeof(rb), "life");
			f->owns[ch] = 0;
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int k;

	for (k = 0; k < MAXFD; k++) {
		w->f[k].unit = k & 1;
		w->f[k].fd = open_unit(&w->r, w->f[k].unit);
	}
	while (atomic_load(&calls_left) > 0 && atomic_fetch_sub(&turns_left, 1) > 0) {
		unsigned int op = rn(&w->r, 1000);
		long before = w->s.calls;
		struct file_st *f = &w->f[rn(&w->r, MAXFD)];

		if (op < 15) {	/* close and re-open in the middle */
			if (f->fd >= 0)
				close(f->fd);
			memset(f->owns, 0, sizeof(f->owns));
			f->unit = rn(&w->r, 2);
			f->fd = open_unit(&w->r, f->unit);
			w->s.reopens++;
			continue;
		}
		if (op < 20 && w->id == 0) {	/* the shared file: close and re-open */
			pthread_rwlock_wrlock(&shared_lock);
			if (shared_fd >= 0)
				close(shared_fd);
			shared_fd = open_unit(&w->r, rn(&w->r, 2));
			pthread_rwlock_unlock(&shared_lock);
			w->s.reopens++;
			continue;
		}
		if (op < 150) {	/* on the file every thread of this process uses */
			struct file_st sf = { 0 };

			pthread_rwlock_rdlock(&shared_lock);
			if (shared_fd >= 0) {
				sf.fd = shared_fd;
				if (op < 40)
					life_cycle(w, shared_fd, &sf);
				else
					step(w, shared_fd, &sf);
			}
			pthread_rwlock_unlock(&shared_lock);
			atomic_fetch_sub(&calls_left, w->s.calls - before);
			continue;
		}
		if (f->fd < 0) {
			f->fd = open_unit(&w->r, f->unit);
			continue;
		}
		if (op < 230)
			life_cycle(w, f->fd, f);
		else
			step(w, f->fd, f);
		atomic_fetch_sub(&calls_left, w->s.calls - before);
	}
	while (w->nmaps)
		unmap_one(w, w->nmaps - 1);
	for (k = 0; k < MAXFD; k++)
		if (w->f[k].fd >= 0)
			close(w->f[k].fd);
	pthread_mutex_lock(&st_lock);
	st.calls += w->s.calls; st.ok += w->s.ok; st.errs += w->s.errs;
	st.mmaps += w->s.mmaps; st.expbufs += w->s.expbufs; st.syncs += w->s.syncs;
	st.reopens += w->s.reopens; st.streamons += w->s.streamons; st.dqbufs += w->s.dqbufs;
	pthread_mutex_unlock(&st_lock);
	return NULL;
}

/* configfs from another thread: scenes, faults, placement, live 0/1 of the second unit */
static void *cfg_main(void *arg)
{
	struct rng r = { seed ^ 0xc0ffee };
	size_t len;
	void *scene = bu_pnm_make(64, 48, 3, 7, &len);
	static const char *const attrs[] = { "face/drop", "face/error", "finger/drop",
		"finger/error", "signature/drop", "signature/error", "face/stall",
		"finger/stall", "finger/placed" };

	(void)arg;
	while (!stop_cfg) {
		unsigned int op = rn(&r, 100);
		int u = rn(&r, 2), err = 0;
		char v[16];

		usleep(2000 + rn(&r, 20000));
		if (op < 50) {
			const char *a = attrs[rn(&r, 9)];

			snprintf(v, sizeof(v), "%u", strstr(a, "stall") || strstr(a, "placed") ?
				 rn(&r, 2) : rn(&r, 3));
			err = bu_attr_write(unit_names[u], a, v);
			if (strstr(a, "stall") && !err) {
				usleep(rn(&r, 50000));
				err = bu_attr_write(unit_names[u], a, "0");
			}
		} else if (op < 70) {
			err = bu_scene_write(unit_names[u], rn(&r, 2) ? "face" : "finger", scene, len);
		} else if (op < 80) {
			static const char pen[] = "0 10 10 0\n5000 20 20 300\n10000 30 30 0\n";

			err = bu_scene_write(unit_names[u], "signature", pen, sizeof(pen) - 1);
		} else if (op < 90) {	/* unplug and plug the second unit */
			err = bu_attr_write(unit_names[1], "live", "0");
			if (!err)
				st.unplugs++;
			usleep(rn(&r, 30000));
			if (!err)
				err = bu_attr_write(unit_names[1], "live", "1");
		} else {
			/* a malformed value must be refused, never taken */
			if (bu_attr_write(unit_names[u], "face/drop", "-1") != -ERANGE &&
			    bu_attr_write(unit_names[u], "face/drop", "-1") != -EINVAL)
				bad("configfs face/drop=-1 accepted");
		}
		if (err)
			bad("configfs write (op %u): %s", op, strerror(-err));
		st.cfg_writes++;
	}
	free(scene);
	return NULL;
}

/*
 * The simulator's desk gpiochip (driver/sim-gpio.c) from another thread of
 * the first process: the world's pulls (valid ones must be taken, malformed
 * ones refused), set-up writes while live (EBUSY), unplug and plug, and
 * random requests through the character device (v1 line events and handles
 * with random flags, v2 line requests with random attributes, line info, get
 * and set, closes before and after an unplug). gpiolib's answers are its
 * own; what is checked here is our configfs side and that nothing breaks
 * (the debug kernel's KASAN, lockdep and kmemleak watch the rest).
 */
#define FZ_GPIO_LINES 4
#define FZ_GPIO_FDS 8
static char gpio_chip[48];
static int gpio_live = 1;

static int gpio_fuzz_make(void)
{
	char path[256];
	int i, err;

	snprintf(gpio_chip, sizeof(gpio_chip), "gpio/fuzzg%d", getpid());
	snprintf(path, sizeof(path), "%s/%s", BU_SIM_ROOT, gpio_chip);
	if (mkdir(path, 0755))
		return -errno;
	err = bu_attr_write(gpio_chip, "num_lines", "4");
	for (i = 0; i < FZ_GPIO_LINES && !err; i++) {
		char rel[32], name[16];

		snprintf(path, sizeof(path), "%s/%s/line%d", BU_SIM_ROOT, gpio_chip, i);
		snprintf(rel, sizeof(rel), "line%d/name", i);
		snprintf(name, sizeof(name), "fz%d", i);
		err = mkdir(path, 0755) ? -errno : bu_attr_write(gpio_chip, rel, name);
	}
	return err ?: bu_attr_write(gpio_chip, "live", "1");
}

static int gpio_fuzz_remove(void)
{
	char path[256];
	int i, err = bu_attr_write(gpio_chip, "live", "0");

	for (i = 0; i < FZ_GPIO_LINES; i++) {
		snprintf(path, sizeof(path), "%s/%s/line%d", BU_SIM_ROOT, gpio_chip, i);
		if (rmdir(path) && !err)
			err = -errno;
	}
	snprintf(path, sizeof(path), "%s/%s", BU_SIM_ROOT, gpio_chip);
	if (rmdir(path) && !err)
		err = -errno;
	return err;
}

/* one random request or call on the chip's character device */
static void gpio_fuzz_cdev(struct rng *r, int *fds)
{
	char node[32] = "", dev[64];
	int chip, k = (int)rn(r, FZ_GPIO_FDS);

	if (fds[k] >= 0 && chance(r, 40)) {
		struct gpiohandle_data hd = { .values = { (uint8_t)rn(r, 2) } };
		struct gpio_v2_line_values lv = { .bits = rn(r, 16), .mask = rn(r, 16) };
		char buf[64];

		switch (rn(r, 5)) {
		case 0: ioctl(fds[k], GPIOHANDLE_GET_LINE_VALUES_IOCTL, &hd); break;
		case 1: ioctl(fds[k], GPIOHANDLE_SET_LINE_VALUES_IOCTL, &hd); break;
		case 2: ioctl(fds[k], GPIO_V2_LINE_SET_VALUES_IOCTL, &lv); break;
		case 3: ioctl(fds[k], GPIO_V2_LINE_GET_VALUES_IOCTL, &lv); break;
		default: fcntl(fds[k], F_SETFL, O_NONBLOCK); (void)!read(fds[k], buf, sizeof(buf));
		}
		if (chance(r, 30)) {
			close(fds[k]);
			fds[k] = -1;
		}
		return;
	}
	if (bu_attr_read(gpio_chip, "dev_name", node, sizeof(node)) || !node[0] || node[0] == '\n')
		return;
	node[strcspn(node, "\n")] = '\0';
	snprintf(dev, sizeof(dev), "/dev/%s", node);
	chip = open(dev, O_RDWR | O_CLOEXEC);
	if (chip < 0)
		return;
	if (fds[k] >= 0)
		close(fds[k]);
	fds[k] = -1;
	switch (rn(r, 4)) {
	case 0: {
		struct gpioevent_request er = { .lineoffset = rn(r, FZ_GPIO_LINES + 1),
			.handleflags = GPIOHANDLE_REQUEST_INPUT | (rn(r, 64) << 2),
			.eventflags = rn(r, 4), .consumer_label = "fuzz" };

		if (!ioctl(chip, GPIO_GET_LINEEVENT_IOCTL, &er))
			fds[k] = er.fd;
		break;
	}
	case 1: {
		struct gpiohandle_request hr = { .lines = rn(r, 3),
			.flags = (uint32_t)rn(r, 256), .consumer_label = "fuzz" };

		for (unsigned int i = 0; i < hr.lines; i++) {
			hr.lineoffsets[i] = rn(r, FZ_GPIO_LINES + 1);
			hr.default_values[i] = rn(r, 2);
		}
		if (!ioctl(chip, GPIO_GET_LINEHANDLE_IOCTL, &hr))
			fds[k] = hr.fd;
		break;
	}
	case 2: {
		struct gpio_v2_line_request lr = { .num_lines = 1 + rn(r, 2),
			.consumer = "fuzz", .event_buffer_size = rn(r, 3) * 16 };

		lr.offsets[0] = rn(r, FZ_GPIO_LINES);
		lr.offsets[1] = (lr.offsets[0] + 1) % FZ_GPIO_LINES;
		lr.config.flags = (uint64_t)rn(r, 1u << 12) << 1;
		if (chance(r, 50)) {
			lr.config.num_attrs = 1;
			lr.config.attrs[0].mask = 1;
			lr.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
			lr.config.attrs[0].attr.debounce_period_us = rn(r, 5000);
		}
		if (!ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &lr))
			fds[k] = lr.fd;
		break;
	}
	default: {
		struct gpioline_info li = { .line_offset = rn(r, FZ_GPIO_LINES + 1) };
		struct gpiochip_info ci;

		ioctl(chip, GPIO_GET_LINEINFO_IOCTL, &li);
		ioctl(chip, GPIO_GET_CHIPINFO_IOCTL, &ci);
	}
	}
	close(chip);
}

static void *gpio_main(void *arg)
{
	static const char *const pulls[] = { "pull-up", "pull-down", "none" };
	struct rng r = { seed ^ 0x9e3779b9 };
	int fds[FZ_GPIO_FDS], i, err;

	(void)arg;
	for (i = 0; i < FZ_GPIO_FDS; i++)
		fds[i] = -1;
	while (!stop_cfg) {
		unsigned int op = rn(&r, 100);
		char rel[32];

		usleep(500 + rn(&r, 5000));
		snprintf(rel, sizeof(rel), "line%u/pull", rn(&r, FZ_GPIO_LINES));
		err = 0;
		if (op < 35) {
			err = bu_attr_write(gpio_chip, rel, pulls[rn(&r, 3)]);
		} else if (op < 40) {
			if (bu_attr_write(gpio_chip, rel, "sideways") != -EINVAL)
				bad("configfs gpio pull=sideways not refused with EINVAL");
		} else if (op < 45) {
			if (gpio_live && bu_attr_write(gpio_chip, "num_lines", "3") != -EBUSY)
				bad("configfs gpio num_lines written while live");
		} else if (op < 52) {	/* the adapter unplugged, with whatever is held */
			err = bu_attr_write(gpio_chip, "live", gpio_live ? "0" : "1");
			if (!err) {
				gpio_live = !gpio_live;
				st.unplugs += !gpio_live;
			}
		} else if (op < 92) {
			gpio_fuzz_cdev(&r, fds);
		} else {
			char v[32];

			snprintf(rel, sizeof(rel), "line%u/%s", rn(&r, FZ_GPIO_LINES),
				 rn(&r, 2) ? "value" : "bias");
			err = bu_attr_read(gpio_chip, rel, v, sizeof(v));
		}
		if (err)
			bad("configfs gpio (op %u): %s", op, strerror(-err));
		st.cfg_writes++;
	}
	for (i = 0; i < FZ_GPIO_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

/*
 * The units' V4L2 nodes and media devices (docs/v4l2.md), from one thread of
 * every process, while the workers use the same channels through the
 * character device and the first process unplugs the second unit: stream
 * life cycles (S_FMT, REQBUFS, QUERYBUF + mmap, QBUF, STREAMON, DQBUF,
 * EXPBUF, STREAMOFF), controls, S_PARM, enumerations, every V4L2 and media
 * ioctl with random bytes or a bad pointer, the media graph's enumerations.
 * The errors are V4L2's and the media controller's, not ours to document: a
 * result is wrong when it is an errno outside V4L2's usual set, or a success
 * with an argument that cannot be read or written back. Nodes are opened
 * O_NONBLOCK (nothing here may wait for a frame).
 */
#define FZ_V4L2_FDS	6
#define FZ_V4L2_MAPS	8
static volatile int stop_v4l2;

struct vfile { int fd; int unit; int kind; };	/* kind: 0 face, 1 scanner, 2 media */
struct vstate {
	struct rng r;
	struct vfile f[FZ_V4L2_FDS];
	struct map maps[FZ_V4L2_MAPS];
	int nmaps;
	struct stats s;
};

static int v4l2_errno_ok(int err)
{
	static const int ok[] = { EINVAL, EBUSY, ENODEV, EFAULT, ENOTTY, EACCES, ENOMEM, EAGAIN,
				  EPERM, ERANGE, EIO, ENOSPC, ENOBUFS, EMFILE, ENFILE, ENOENT,
				  EPIPE, EINTR };

	for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (err == ok[i])
			return 1;
	return 0;
}

static int v4l2_open(struct vstate *vs, struct vfile *v)
{
	struct bu_unit u = { .node = "" };
	char dev[64];

	v->unit = rn(&vs->r, 2);
	v->kind = rn(&vs->r, 3);
	if (bu_attr_read(unit_names[v->unit], "dev_name", u.node, sizeof(u.node)) || !u.node[0] ||
	    bu_unit_subnode(&u, v->kind == 2 ? "media" : "video",
			    v->kind == 0 ? "face" : v->kind == 1 ? "finger" : NULL, dev, sizeof(dev)))
		return -1;
	v->fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0 && errno != ENOENT && errno != ENODEV && errno != ENXIO && errno != ENOMEM)
		bad("open %s: unexpected errno %d (%s)", dev, errno, strerror(errno));
	return v->fd;
}

/* One call: arg, or (sometimes) a bad pointer; checked as said above */
static int v4l2_call(struct vstate *vs, int fd, unsigned long code, void *arg, const char *what,
		     int media)
{
	void *p = arg;
	int ret, err, badp = 0;

	if (chance(&vs->r, 6)) {
		badp = 1;
		p = rn(&vs->r, 2) ? NULL : pg_none + rn(&vs->r, pagesz);
	} else if (chance(&vs->r, 3)) {
		badp = 2;	/* readable, the result cannot be written */
		memcpy(ro_alias + pagesz - _IOC_SIZE(code), arg, _IOC_SIZE(code));
		p = pg_ro + pagesz - _IOC_SIZE(code);
	}
	ret = ioctl(fd, code, p);
	err = ret ? errno : 0;
	if (media)
		vs->s.media_calls++;
	else
		vs->s.v4l2_calls++;
	if (ret && ret != -1)
		bad("%s: returned %d", what, ret);
	if (!ret && ((badp == 1 && _IOC_DIR(code)) || (badp == 2 && (_IOC_DIR(code) & _IOC_READ))))
		bad("%s: succeeded with an argument it could not %s", what,
		    badp == 1 ? "read" : "write back");
	if (ret && !v4l2_errno_ok(err))
		bad("%s: errno %d (%s)", what, err, strerror(err));
	return ret ? -err : 0;
}

static void v4l2_unmap_one(struct vstate *vs, int k)
{
	struct map *m = &vs->maps[k];
	volatile uint8_t v = ((uint8_t *)m->p)[rn(&vs->r, m->len)];

	(void)v;
	if (m->dmabuf_fd >= 0)
		close(m->dmabuf_fd);
	if (munmap(m->p, m->len))
		bad("munmap of a V4L2 buffer: errno %d", errno);
	vs->maps[k] = vs->maps[--vs->nmaps];
}

static void v4l2_map(struct vstate *vs, int fd, uint32_t index)
{
	struct v4l2_buffer b = { .index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
				 .memory = V4L2_MEMORY_MMAP };
	struct v4l2_exportbuffer e = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = index,
				       .flags = O_RDONLY | O_CLOEXEC };
	int dfd = -1;
	void *p;

	if (ioctl(fd, VIDIOC_QUERYBUF, &b) || !b.length)
		return;
	if (vs->nmaps >= FZ_V4L2_MAPS)
		v4l2_unmap_one(vs, rn(&vs->r, vs->nmaps));
	if (chance(&vs->r, 30) && !v4l2_call(vs, fd, VIDIOC_EXPBUF, &e, "VIDIOC_EXPBUF", 0))
		dfd = e.fd;
	p = mmap(NULL, b.length, PROT_READ, MAP_SHARED, dfd >= 0 ? dfd : fd,
		 dfd >= 0 ? 0 : b.m.offset);
	if (p == MAP_FAILED) {
		if (errno != EINVAL && errno != EACCES && errno != ENODEV && errno != ENOMEM)
			bad("mmap of a V4L2 buffer: errno %d (%s)", errno, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return;
	}
	vs->s.v4l2_mmaps++;
	vs->maps[vs->nmaps++] = (struct map){ p, b.length, dfd };
}

static void v4l2_random(struct vstate *vs, int fd, int media)
{
	static const struct { unsigned long code; const char *name; } v[] = {
#define C(x) { x, #x }
		C(VIDIOC_QUERYCAP), C(VIDIOC_ENUM_FMT), C(VIDIOC_G_FMT), C(VIDIOC_S_FMT),
		C(VIDIOC_TRY_FMT), C(VIDIOC_REQBUFS), C(VIDIOC_QUERYBUF), C(VIDIOC_QBUF),
		C(VIDIOC_DQBUF), C(VIDIOC_EXPBUF), C(VIDIOC_STREAMON), C(VIDIOC_STREAMOFF),
		C(VIDIOC_G_PARM), C(VIDIOC_S_PARM), C(VIDIOC_G_CTRL), C(VIDIOC_S_CTRL),
		C(VIDIOC_QUERYCTRL), C(VIDIOC_QUERY_EXT_CTRL), C(VIDIOC_QUERYMENU),
		C(VIDIOC_G_EXT_CTRLS), C(VIDIOC_S_EXT_CTRLS), C(VIDIOC_TRY_EXT_CTRLS),
		C(VIDIOC_ENUMINPUT), C(VIDIOC_G_INPUT), C(VIDIOC_S_INPUT),
		C(VIDIOC_ENUM_FRAMESIZES), C(VIDIOC_ENUM_FRAMEINTERVALS), C(VIDIOC_CREATE_BUFS),
		C(VIDIOC_PREPARE_BUF), C(VIDIOC_SUBSCRIBE_EVENT), C(VIDIOC_UNSUBSCRIBE_EVENT),
		C(VIDIOC_DQEVENT), C(VIDIOC_LOG_STATUS), C(VIDIOC_G_PRIORITY),
		C(VIDIOC_S_PRIORITY), C(VIDIOC_G_SELECTION), C(VIDIOC_ENUMSTD),
	}, m[] = {
		C(MEDIA_IOC_DEVICE_INFO), C(MEDIA_IOC_ENUM_ENTITIES), C(MEDIA_IOC_ENUM_LINKS),
		C(MEDIA_IOC_SETUP_LINK), C(MEDIA_IOC_G_TOPOLOGY), C(MEDIA_IOC_REQUEST_ALLOC),
		C(VIDIOC_QUERYCAP),
#undef C
	};
	uint64_t buf[512 / 8];
	unsigned int k = media ? rn(&vs->r, sizeof(m) / sizeof(m[0])) :
				 rn(&vs->r, sizeof(v) / sizeof(v[0]));
	unsigned long code = media ? m[k].code : v[k].code;

	for (unsigned int i = 0; i < sizeof(buf) / sizeof(buf[0]); i++)
		buf[i] = chance(&vs->r, 50) ? 0 : rnd(&vs->r) >> rn(&vs->r, 64);
	if (!media && chance(&vs->r, 70)) {	/* mostly the node's own buffer type */
		const uint32_t t[2] = { V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_BUF_TYPE_VIDEO_CAPTURE };

		memcpy(buf, t, sizeof(t));
	}
	if (media && code == MEDIA_IOC_REQUEST_ALLOC)
		return;	/* would hand out a file on success */
	v4l2_call(vs, fd, code, buf, media ? m[k].name : v[k].name, media);
}

static void media_step(struct vstate *vs, int fd)
{
	struct media_entity_desc ent = { .id = chance(&vs->r, 50) ?
		(rn(&vs->r, 20) | MEDIA_ENT_ID_FLAG_NEXT) : rn(&vs->r, 20) };
	struct media_pad_desc pads[4];
	struct media_link_desc links[4];
	struct media_links_enum le = { .entity = rn(&vs->r, 20), .pads = pads, .links = links };
	struct media_v2_entity ents[8];
	struct media_v2_topology topo = { 0 };
	struct media_link_desc link = { 0 };
	struct media_device_info info;

	switch (rn(&vs->r, 6)) {
	case 0:
		v4l2_call(vs, fd, MEDIA_IOC_DEVICE_INFO, &info, "MEDIA_IOC_DEVICE_INFO", 1);
		break;
	case 1:
		v4l2_call(vs, fd, MEDIA_IOC_ENUM_ENTITIES, &ent, "MEDIA_IOC_ENUM_ENTITIES", 1);
		break;
	case 2:
		if (chance(&vs->r, 20))
			le.links = (void *)pg_none;
		v4l2_call(vs, fd, MEDIA_IOC_ENUM_LINKS, &le, "MEDIA_IOC_ENUM_LINKS", 1);
		break;
	case 3:	/* the size, then the entities into a buffer maybe too small */
		if (v4l2_call(vs, fd, MEDIA_IOC_G_TOPOLOGY, &topo, "MEDIA_IOC_G_TOPOLOGY", 1))
			break;
		topo.num_entities = rn(&vs->r, 9);
		topo.ptr_entities = (uintptr_t)(chance(&vs->r, 10) ? (void *)pg_none : ents);
		v4l2_call(vs, fd, MEDIA_IOC_G_TOPOLOGY, &topo, "MEDIA_IOC_G_TOPOLOGY", 1);
		break;
	case 4:	/* every link is immutable */
		link.source.entity = rn(&vs->r, 20);
		link.sink.entity = rn(&vs->r, 20);
		link.flags = rn(&vs->r, 4);
		v4l2_call(vs, fd, MEDIA_IOC_SETUP_LINK, &link, "MEDIA_IOC_SETUP_LINK", 1);
		break;
	default:
		v4l2_random(vs, fd, 1);
		break;
	}
}

static void video_step(struct vstate *vs, int fd)
{
	static const uint32_t pixfmts[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_NV12,
		V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_MJPEG, 0 };
	static const uint32_t ids[] = { V4L2_CID_EXPOSURE, V4L2_CID_GAIN,
		BIOUNIT_V4L2_CID_BASE + 3, BIOUNIT_V4L2_CID_BASE + 0x101,
		BIOUNIT_V4L2_CID_BASE + 0x301, BIOUNIT_V4L2_CID_BASE + 0x201, 0, 0xffffffff };
	struct rng *r = &vs->r;
	unsigned int op = rn(r, 100);
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (op < 10) {
		struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
		unsigned int k = rn(r, sizeof(sizes) / sizeof(sizes[0]));

		f.fmt.pix.pixelformat = pixfmts[rn(r, 7)];
		f.fmt.pix.width = sizes[k][0];
		f.fmt.pix.height = sizes[k][1];
		v4l2_call(vs, fd, chance(r, 70) ? VIDIOC_S_FMT : VIDIOC_TRY_FMT, &f,
			  "VIDIOC_S/TRY_FMT", 0);
	} else if (op < 20) {
		static const uint32_t mem[] = { V4L2_MEMORY_MMAP, V4L2_MEMORY_MMAP,
			V4L2_MEMORY_DMABUF, V4L2_MEMORY_USERPTR, 0, 99 };
		struct v4l2_requestbuffers q = { .count = chance(r, 20) ? 0 : fz_count(r),
			.type = chance(r, 95) ? V4L2_BUF_TYPE_VIDEO_CAPTURE : rn(r, 16),
			.memory = mem[rn(r, 6)] };

		while (q.count == 0 && vs->nmaps)	/* REQBUFS 0 fails while mapped */
			v4l2_unmap_one(vs, 0);
		v4l2_call(vs, fd, VIDIOC_REQBUFS, &q, "VIDIOC_REQBUFS", 0);
	} else if (op < 30) {
		v4l2_map(vs, fd, fz_index(r));
	} else if (op < 45) {
		struct v4l2_buffer b = { .index = fz_index(r), .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_MMAP };

		v4l2_call(vs, fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF", 0);
	} else if (op < 58) {
		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_MMAP };

		if (!v4l2_call(vs, fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF", 0))
			vs->s.v4l2_dqbufs++;
	} else if (op < 64) {
		int on = chance(r, 60);

		struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					 .memory = V4L2_MEMORY_MMAP };
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (v4l2_call(vs, fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type,
			      on ? "VIDIOC_STREAMON" : "VIDIOC_STREAMOFF", 0) || !on)
			return;
		vs->s.v4l2_streamons++;
		/* the first frames, as a capture program takes them */
		while (chance(r, 80) && poll(&p, 1, 200) == 1 && (p.revents & POLLIN) &&
		       !ioctl(fd, VIDIOC_DQBUF, &b)) {
			vs->s.v4l2_dqbufs++;
			if (ioctl(fd, VIDIOC_QBUF, &b))
				break;
		}
	} else if (op < 72) {
		struct v4l2_control c = { .id = ids[rn(r, 8)], .value = (int32_t)rnd(r) };

		if (chance(r, 70))
			c.value = rn(r, 2000);
		v4l2_call(vs, fd, chance(r, 50) ? VIDIOC_S_CTRL : VIDIOC_G_CTRL, &c,
			  "VIDIOC_G/S_CTRL", 0);
	} else if (op < 78) {
		struct v4l2_streamparm p = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

		p.parm.capture.timeperframe.numerator = chance(r, 50) ? 1 : (uint32_t)rnd(r);
		p.parm.capture.timeperframe.denominator = chance(r, 50) ? rn(r, 120) :
							  (uint32_t)rnd(r);
		v4l2_call(vs, fd, chance(r, 70) ? VIDIOC_S_PARM : VIDIOC_G_PARM, &p,
			  "VIDIOC_G/S_PARM", 0);
	} else if (op < 84) {
		struct v4l2_frmivalenum fi = { .index = fz_index(r),
			.pixel_format = pixfmts[rn(r, 7)], .width = 640, .height = 480 };

		v4l2_call(vs, fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi, "VIDIOC_ENUM_FRAMEINTERVALS", 0);
	} else {
		v4l2_random(vs, fd, 0);
	}
}

static void *v4l2_main(void *arg)
{
	struct vstate *vs = arg;
	int i;

	for (i = 0; i < FZ_V4L2_FDS; i++)
		vs->f[i].fd = -1;
	while (!stop_v4l2) {
		struct vfile *v = &vs->f[rn(&vs->r, FZ_V4L2_FDS)];

		if (v->fd < 0 && v4l2_open(vs, v) < 0) {
			usleep(1000);
			continue;
		}
		if (chance(&vs->r, 2)) {	/* closes with whatever it holds */
			close(v->fd);
			v->fd = -1;
			continue;
		}
		if (v->kind == 2)
			media_step(vs, v->fd);
		else
			video_step(vs, v->fd);
	}
	while (vs->nmaps)
		v4l2_unmap_one(vs, 0);
	for (i = 0; i < FZ_V4L2_FDS; i++)
		if (vs->f[i].fd >= 0)
			close(vs->f[i].fd);
	return NULL;
}

/* opened before fork: all processes start on the same open file */
static int inherited_fd = -1;

static int run_process(int idx)
{
	pthread_t cfg, gpio, wd, v4l2;
	struct vstate vs = { .r = { seed ^ (0x5eed0000ull + idx) } };
	struct worker *w = calloc(nthreads, sizeof(*w));
	struct rng r0 = { seed + 1000003ull * idx };
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART: EINTR */
	int i;

	if (!w)
		return 1;
	workers = w;
	sigaction(SIGUSR1, &sa, NULL);
	(void)r0;
	shared_fd = inherited_fd;
	stop_cfg = 0;
	if (idx == 0) {
		pthread_create(&cfg, NULL, cfg_main, NULL);
		pthread_create(&gpio, NULL, gpio_main, NULL);
	}
	for (i = 0; i < nthreads; i++) {
		w[i].r.s = seed * 31 + 1000003ull * idx + 7919ull * i;
		w[i].id = i;
		w[i].nmaps = 0;
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	pthread_create(&wd, NULL, watchdog_main, NULL);
	stop_v4l2 = 0;
	pthread_create(&v4l2, NULL, v4l2_main, &vs);
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].thread, NULL);
	stop_v4l2 = 1;
	pthread_join(v4l2, NULL);
	pthread_mutex_lock(&st_lock);
	st.v4l2_calls += vs.s.v4l2_calls;
	st.v4l2_streamons += vs.s.v4l2_streamons;
	st.v4l2_dqbufs += vs.s.v4l2_dqbufs;
	st.v4l2_mmaps += vs.s.v4l2_mmaps;
	st.media_calls += vs.s.media_calls;
	pthread_mutex_unlock(&st_lock);
	stop_watchdog = 1;
	pthread_join(wd, NULL);
	if (idx == 0) {
		stop_cfg = 1;
		pthread_join(cfg, NULL);
		pthread_join(gpio, NULL);
	}
	if (shared_fd >= 0)
		close(shared_fd);
	free(w);
	return 0;
}

static void on_sigbus(int sig)
{
	static const char msg[] = "# FAIL: SIGBUS reading a mapping\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

int main(int argc, char **argv)
{
	static const char *const setup_a[] = { "face/max_width=1280", "face/max_height=720", NULL };
	static const char *const setup_b[] = { "face/max_width=640", "face/max_height=480", NULL };
	char na[32], nb[32];
	int pipes[16][2], c, i, crashed = 0, gone_ok = 1;
	pid_t pids[16];
	size_t len;
	void *img;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	while ((c = getopt(argc, argv, "s:n:p:t:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': total_calls = strtol(optarg, NULL, 0); break;
		case 'p': nprocs = atoi(optarg); break;
		case 't': nthreads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n CALLS] [-p PROCS] [-t THREADS]\n", argv[0]);
			return 2;
		}
	}
	if (nprocs < 1 || nprocs > 16 || nthreads < 1 || nthreads > 16)
		return 2;
	ksft_print_header();
	ksft_set_plan(6);
	printf("# seed %" PRIu64 " (replay: %s -s %" PRIu64 " -n %ld -p %d -t %d)\n", seed, argv[0],
	       seed, total_calls, nprocs, nthreads);
	fflush(stdout);

	pagesz = sysconf(_SC_PAGESIZE);
	{
		/* a writable page followed by a PROT_NONE one; a read-only page with a writable
		 * alias (a memfd mapped twice) */
		char *two = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int mfd = memfd_create("ro", 0);

		if (two == MAP_FAILED || mfd < 0 || ftruncate(mfd, pagesz))
			ksft_exit_fail_msg("mmap/memfd: %s\n", strerror(errno));
		pg_none = two + pagesz;
		mprotect(pg_none, pagesz, PROT_NONE);
		ro_alias = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		pg_ro = mmap(NULL, pagesz, PROT_READ, MAP_SHARED, mfd, 0);
		if (ro_alias == MAP_FAILED || pg_ro == MAP_FAILED)
			ksft_exit_fail_msg("memfd mmap: %s\n", strerror(errno));
		close(mfd);
	}

	snprintf(na, sizeof(na), "fuzza%d", getpid());
	snprintf(nb, sizeof(nb), "fuzzb%d", getpid());
	unit_names[0] = na;
	unit_names[1] = nb;
	if (bu_unit_create(&units[0], na, setup_a) || bu_unit_create(&units[1], nb, setup_b))
		ksft_exit_fail_msg("cannot create the simulated units: %s\n", strerror(errno));
	if (gpio_fuzz_make())
		ksft_exit_fail_msg("cannot create the simulated gpiochip: %s\n", strerror(errno));
	img = bu_pnm_make(320, 240, 1, 3, &len);
	bu_scene_write(na, "face", img, len);
	bu_scene_write(nb, "finger", img, len);
	free(img);

	signal(SIGBUS, on_sigbus);
	signal(SIGPIPE, SIG_IGN);
	atomic_store(&calls_left, (total_calls + nprocs - 1) / nprocs);
	atomic_store(&turns_left, 3 * ((total_calls + nprocs - 1) / nprocs));
	{
		struct rng r0 = { seed };

		inherited_fd = open_unit(&r0, 0);
	}
	for (i = 0; i < nprocs; i++) {
		if (pipe(pipes[i]))
			ksft_exit_fail_msg("pipe\n");
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] == 0) {
			close(pipes[i][0]);
			atomic_store(&calls_left, (total_calls + nprocs - 1) / nprocs);
			atomic_store(&turns_left, 3 * ((total_calls + nprocs - 1) / nprocs));
			run_process(i);
			if (write(pipes[i][1], &st, sizeof(st)) != sizeof(st))
				_exit(4);
			fflush(stdout);
			_exit(st.bad ? 1 : 0);
		}
		close(pipes[i][1]);
	}
	if (inherited_fd >= 0)
		close(inherited_fd);
	for (i = 0; i < nprocs; i++) {
		struct stats s = { 0 };
		int status;

		if (read(pipes[i][0], &s, sizeof(s)) != sizeof(s))
			crashed++;
		close(pipes[i][0]);
		waitpid(pids[i], &status, 0);
		if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) > 1)) {
			printf("# process %d ended with %s %d\n", i,
			       WIFSIGNALED(status) ? "signal" : "status",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			crashed++;
		}
		st.calls += s.calls; st.ok += s.ok; st.errs += s.errs; st.bad += s.bad;
		st.mmaps += s.mmaps; st.expbufs += s.expbufs; st.syncs += s.syncs;
		st.reopens += s.reopens; st.streamons += s.streamons; st.dqbufs += s.dqbufs;
		st.cfg_writes += s.cfg_writes; st.unplugs += s.unplugs;
		st.v4l2_calls += s.v4l2_calls; st.v4l2_streamons += s.v4l2_streamons;
		st.v4l2_dqbufs += s.v4l2_dqbufs; st.v4l2_mmaps += s.v4l2_mmaps;
		st.media_calls += s.media_calls;
	}
	printf("# %ld calls (%ld ok, %ld documented errors), %ld STREAMON, %ld DQBUF, %ld mmap, "
	       "%ld EXPBUF, %ld dma-buf syncs, %ld re-opens, %ld configfs writes, %ld unplugs\n",
	       st.calls, st.ok, st.errs, st.streamons, st.dqbufs, st.mmaps, st.expbufs, st.syncs,
	       st.reopens, st.cfg_writes, st.unplugs);
	printf("# V4L2 nodes: %ld calls, %ld STREAMON, %ld DQBUF, %ld mmap; media devices: %ld calls\n",
	       st.v4l2_calls, st.v4l2_streamons, st.v4l2_dqbufs, st.v4l2_mmaps, st.media_calls);
	ksft_test_result(st.v4l2_calls > 0 && st.media_calls > 0,
			 "fuzz: the V4L2 nodes and media devices were fuzzed too\n");
	printf("# FUZZ-SUMMARY calls=%ld unplugs=%ld seed=%" PRIu64 "\n", st.calls, st.unplugs, seed);
	ksft_test_result(st.calls >= total_calls, "fuzz: %ld ioctl calls (asked %ld)\n",
			 st.calls, total_calls);
	ksft_test_result(st.bad == 0, "fuzz: every result documented (%ld not)\n", st.bad);
	ksft_test_result(crashed == 0, "fuzz: every process finished normally\n");
	/* both units are still usable and go away cleanly */
	for (i = 0; i < 2; i++) {
		char node[32], dev[64];
		struct biounit_caps caps;
		int fd;

		bu_attr_write(unit_names[i], "face/stall", "0");
		bu_attr_write(unit_names[i], "finger/stall", "0");
		if (bu_attr_write(unit_names[i], "live", "1") ||
		    bu_attr_read(unit_names[i], "dev_name", node, sizeof(node))) {
			gone_ok = 0;
			continue;
		}
		snprintf(dev, sizeof(dev), "/dev/%s", node);
		fd = open(dev, O_RDWR);
		if (fd < 0 || ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps))
			gone_ok = 0;
		if (fd >= 0)
			close(fd);
		if (bu_unit_destroy(&units[i]))
			gone_ok = 0;
	}
	ksft_test_result(gone_ok, "fuzz: both units still work and are removed\n");
	/* the desk gpiochip still works and goes away cleanly (what the fuzz left held is closed) */
	{
		char node[32] = "", dev[64];
		struct gpiochip_info ci = { 0 };
		int fd = -1, ok = !bu_attr_write(gpio_chip, "live", "1") &&
			 !bu_attr_read(gpio_chip, "dev_name", node, sizeof(node));

		node[strcspn(node, "\n")] = '\0';
		snprintf(dev, sizeof(dev), "/dev/%s", node);
		if (ok)
			fd = open(dev, O_RDWR | O_CLOEXEC);
		ok = ok && fd >= 0 && !ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) && ci.lines == 4;
		if (fd >= 0)
			close(fd);
		ksft_test_result(ok && !gpio_fuzz_remove(),
				 "fuzz: the desk gpiochip still works (%s, %u lines) and is removed\n",
				 node, ci.lines);
	}
	ksft_finished();
}
