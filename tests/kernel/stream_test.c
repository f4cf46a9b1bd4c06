// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming: frames through MMAP and exported dma-bufs with the injected
 * scene in them, pen samples from a script, several channels at once, poll
 * and O_NONBLOCK, faults, removal while streaming and while mapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/dma-buf.h>

#include "kselftest_harness.h"
#include "bu_sim.h"

#define NBUF 8

FIXTURE(stream) {
	struct bu_unit u;
	int fd;
	void *scene;
	size_t scene_len;
};

FIXTURE_SETUP(stream)
{
	char name[32];

	snprintf(name, sizeof(name), "stream%d", getpid());
	ASSERT_EQ(0, bu_unit_create(&self->u, name, NULL));
	self->fd = open(self->u.dev, O_RDWR);
	ASSERT_GE(self->fd, 0);
	self->scene = NULL;
}

FIXTURE_TEARDOWN(stream)
{
	if (self->fd >= 0)
		close(self->fd);
	bu_unit_destroy(&self->u);
	free(self->scene);
}

/* Puts a w x h scene with the given channels in front of a channel */
static int put_scene(FIXTURE_DATA(stream) *self, const char *channel,
		     uint32_t w, uint32_t h, int chans, uint32_t seed)
{
	free(self->scene);
	self->scene = bu_pnm_make(w, h, chans, seed, &self->scene_len);
	if (!self->scene)
		return -ENOMEM;
	return bu_scene_write(self->u.name, channel, self->scene, self->scene_len);
}

static const uint8_t *scene_px(FIXTURE_DATA(stream) *self, uint32_t w,
			       uint32_t h, int chans)
{
	return bu_pnm_pixels(self->scene, self->scene_len, w, h, chans);
}

/*
 * Dequeues n frames, checks each against want (if given), the sequence
 * numbers for gaps and the timestamps for order, and queues them again.
 */
static int stream_frames(int fd, uint32_t ch, void **maps, unsigned int n,
			 const uint8_t *want, size_t len, uint64_t t0,
			 char *why, size_t why_len)
{
	uint64_t last_ts = t0;
	uint32_t last_seq = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct biounit_buffer b;
		int err = bu_dqbuf(fd, ch, &b);

		if (err) {
			snprintf(why, why_len, "frame %u: dqbuf %d", i, err);
			return -1;
		}
		if (b.flags & BIOUNIT_BUF_FLAG_ERROR || b.bytesused != len) {
			snprintf(why, why_len, "frame %u: flags %#x bytes %u", i,
				 b.flags, b.bytesused);
			return -1;
		}
		if (i && b.sequence != last_seq + 1) {
			snprintf(why, why_len, "frame %u: sequence %u after %u", i,
				 b.sequence, last_seq);
			return -1;
		}
		if (b.timestamp_ns <= last_ts || b.timestamp_ns > bu_now_ns()) {
			snprintf(why, why_len, "frame %u: timestamp out of order", i);
			return -1;
		}
		if (want && memcmp(maps[b.index], want, len)) {
			snprintf(why, why_len, "frame %u: content differs", i);
			return -1;
		}
		last_seq = b.sequence;
		last_ts = b.timestamp_ns;
		if (bu_qbuf(fd, ch, b.index)) {
			snprintf(why, why_len, "frame %u: qbuf", i);
			return -1;
		}
	}
	return 0;
}

TEST_F(stream, face_grey_mmap_120_frames)
{
	struct biounit_format f;
	void *maps[NBUF];
	char why[128] = "";
	size_t len;
	uint64_t t0;

	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 1, 1));
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, &f));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_GE(len, f.sizeimage);
	t0 = bu_now_ns();
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	EXPECT_EQ(0, stream_frames(self->fd, 0, maps, 120, scene_px(self, 640, 480, 1),
				   f.sizeimage, t0, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_EQ(0, bu_streamoff(self->fd, 0));
}

TEST_F(stream, face_rgb_yuyv_nv12_xbgr32_content)
{
	static const uint32_t fmts[] = { BIOUNIT_FMT_RGB24, BIOUNIT_FMT_YUYV,
					 BIOUNIT_FMT_NV12, BIOUNIT_FMT_XBGR32 };
	const uint32_t w = 640, h = 480;
	uint8_t *want = malloc(w * h * 4);
	unsigned int k;

	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, put_scene(self, "face", w, h, 3, 2));
	for (k = 0; k < 4; k++) {
		const uint8_t *rgb = scene_px(self, w, h, 3);
		struct biounit_format f;
		void *maps[NBUF];
		char why[128] = "";
		uint32_t x, y;
		size_t len;

		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++) {
				const uint8_t *p = rgb + 3 * (y * w + x);

				if (fmts[k] == BIOUNIT_FMT_RGB24) {
					memcpy(want + 3 * (y * w + x), p, 3);
				} else if (fmts[k] == BIOUNIT_FMT_XBGR32) {
					bu_xbgr32(p, 1, want + 4 * (y * w + x));
				} else if (fmts[k] == BIOUNIT_FMT_YUYV) {
					uint8_t *o = want + 2 * (y * w + x);

					o[0] = bu_y(p);
					o[1] = x % 2 ? bu_cr(p - 3) : bu_cb(p);
				} else {
					want[y * w + x] = bu_y(p);
					if (!(x % 2) && !(y % 2)) {
						uint8_t *uv = want + w * h + (y / 2) * w + x;

						uv[0] = bu_cb(p);
						uv[1] = bu_cr(p);
					}
				}
			}
		}
		ASSERT_EQ(0, bu_set_format(self->fd, 0, fmts[k], w, h, 16666, &f));
		ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
		ASSERT_EQ(0, bu_streamon(self->fd, 0));
		EXPECT_EQ(0, stream_frames(self->fd, 0, maps, 5, want, f.sizeimage,
					   0, why, sizeof(why)))
			TH_LOG("format %#x: %s", fmts[k], why);
		ASSERT_EQ(0, bu_streamoff(self->fd, 0));
		for (unsigned int i = 0; i < NBUF; i++)
			munmap(maps[i], len);
		ASSERT_EQ(0, bu_reqbufs(self->fd, 0, 0, BIOUNIT_MEMORY_MMAP));
	}
	free(want);
}

/* No scene: mid-grey, the padding byte of XBGR32 still 0xff */
TEST_F(stream, face_xbgr32_without_scene)
{
	const uint32_t w = 640, h = 480;
	uint8_t *want = malloc((size_t)w * h * 4);
	struct biounit_format f;
	void *maps[NBUF];
	char why[128] = "";
	size_t len;

	ASSERT_NE(NULL, want);
	for (size_t i = 0; i < (size_t)w * h * 4; i++)
		want[i] = i % 4 == 3 ? 0xff : 0x80;
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_XBGR32, w, h, 33333, &f));
	EXPECT_EQ(w * 4, f.bytesperline);
	EXPECT_EQ(w * h * 4, f.sizeimage);
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_GE(len, f.sizeimage);
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	EXPECT_EQ(0, stream_frames(self->fd, 0, maps, 3, want, f.sizeimage, 0, why,
				   sizeof(why)))
		TH_LOG("%s", why);
	free(want);
}

TEST_F(stream, face_scene_scaled_to_frame)
{
	const uint32_t sw = 320, sh = 240, w = 1280, h = 720;
	uint8_t *want = malloc(w * h);
	struct biounit_format f;
	void *maps[NBUF];
	char why[128] = "";
	const uint8_t *src;
	uint32_t x, y;
	size_t len;

	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, put_scene(self, "face", sw, sh, 1, 3));
	src = scene_px(self, sw, sh, 1);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			want[y * w + x] = src[(uint64_t)y * sh / h * sw + (uint64_t)x * sw / w];
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, w, h, 33333, &f));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	EXPECT_EQ(0, stream_frames(self->fd, 0, maps, 3, want, f.sizeimage, 0, why,
				   sizeof(why)))
		TH_LOG("%s", why);
	free(want);
}

TEST_F(stream, finger_mmap_100_frames)
{
	struct biounit_format f;
	void *maps[NBUF];
	char why[128] = "";
	size_t len;

	ASSERT_EQ(0, put_scene(self, "finger", 400, 500, 1, 4));
	ASSERT_EQ(0, bu_set_format(self->fd, 1, BIOUNIT_FMT_GREY, 400, 500, 33333, &f));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 1, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 1));
	EXPECT_EQ(0, stream_frames(self->fd, 1, maps, 100, scene_px(self, 400, 500, 1),
				   f.sizeimage, 0, why, sizeof(why)))
		TH_LOG("%s", why);
}

/* A script of n points 5 ms apart; every 25th point has the pen in the air */
static char *make_script(unsigned int n, size_t *len)
{
	char *s = malloc(n * 40 + 1);
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		off += sprintf(s + off, "%u %u %u %u\n", i * 5000, 100 + i,
			       200 + i / 2, i % 25 == 24 ? 0 : 300 + i);
	*len = off;
	return s;
}

TEST_F(stream, pad_samples_follow_the_script)
{
	const unsigned int npts = 300;
	struct biounit_pen_sample got[300];
	unsigned int n = 0, buffers = 0, downs = 0, ups = 0;
	struct biounit_format f;
	struct biounit_event ev;
	void *maps[NBUF];
	uint64_t last_ts = 0;
	uint32_t last_seq = 0;
	size_t len, slen;
	char *script = make_script(npts, &slen);
	char info[96];

	ASSERT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_PEN_DOWN |
				  1u << BIOUNIT_EVENT_PEN_UP));
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script, slen));
	ASSERT_EQ(0, bu_attr_read(self->u.name, "signature/scene_info", info, sizeof(info)));
	EXPECT_STREQ("300 points, 1495000 us", info);
	ASSERT_EQ(0, bu_set_format(self->fd, 2, BIOUNIT_FMT_PEN, 16, 1, 5000, &f));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 2, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 2));

	while (n < npts) {
		struct biounit_buffer b;
		unsigned int k;

		ASSERT_EQ(0, bu_dqbuf(self->fd, 2, &b));
		ASSERT_EQ(0u, b.bytesused % sizeof(struct biounit_pen_sample));
		ASSERT_GT(b.bytesused, 0u);
		if (buffers)
			ASSERT_EQ(last_seq + 1, b.sequence);
		last_seq = b.sequence;
		buffers++;
		for (k = 0; k < b.bytesused / sizeof(got[0]) && n < npts; k++, n++) {
			memcpy(&got[n], (char *)maps[b.index] + k * sizeof(got[0]),
			       sizeof(got[0]));
			ASSERT_GT(got[n].timestamp_ns, last_ts);
			last_ts = got[n].timestamp_ns;
		}
		ASSERT_EQ(0, bu_qbuf(self->fd, 2, b.index));
	}
	for (n = 0; n < npts; n++) {
		EXPECT_EQ(100 + n, got[n].x);
		EXPECT_EQ(200 + n / 2, got[n].y);
		EXPECT_EQ(n % 25 == 24 ? 0 : 300 + n, got[n].pressure);
		EXPECT_EQ(n % 25 == 24 ? 0u : (unsigned int)BIOUNIT_PEN_DOWN,
			  got[n].flags & BIOUNIT_PEN_DOWN);
		if (n && got[n].pressure && !got[n - 1].pressure)
			EXPECT_TRUE(got[n].flags & BIOUNIT_PEN_STROKE_START);
		if (n)
			EXPECT_EQ(5000000ull, got[n].timestamp_ns - got[n - 1].timestamp_ns);
	}
	EXPECT_GE(buffers, 100u);
	while (bu_dqevent(self->fd, &ev) == 0) {
		downs += ev.type == BIOUNIT_EVENT_PEN_DOWN;
		ups += ev.type == BIOUNIT_EVENT_PEN_UP;
	}
	EXPECT_GE(downs, 6u);
	EXPECT_GE(ups, 6u);
	free(script);
}

TEST_F(stream, bad_scenes_are_rejected)
{
	static const char bad_script[] = "0 10 10 100\n5000 99999 10 100\n";
	static const char bad_pnm[] = "P5\n4 4\n255\nshort";
	char info[96];

	ASSERT_EQ(0, put_scene(self, "face", 64, 48, 1, 5));
	bu_scene_write(self->u.name, "face", bad_pnm, sizeof(bad_pnm) - 1);
	ASSERT_EQ(0, bu_attr_read(self->u.name, "face/scene_info", info, sizeof(info)));
	EXPECT_EQ(0, strncmp(info, "rejected: ", 10))
		TH_LOG("%s", info);
	bu_scene_write(self->u.name, "face", "GIF89a", 6);
	ASSERT_EQ(0, bu_attr_read(self->u.name, "face/scene_info", info, sizeof(info)));
	EXPECT_EQ(0, strncmp(info, "rejected: ", 10))
		TH_LOG("%s", info);
	bu_scene_write(self->u.name, "signature", bad_script, sizeof(bad_script) - 1);
	ASSERT_EQ(0, bu_attr_read(self->u.name, "signature/scene_info", info, sizeof(info)));
	EXPECT_STREQ("rejected: line 2: time goes back or point outside the pad", info);
}

TEST_F(stream, dmabuf_export_100_frames)
{
	struct biounit_format f;
	void *maps[NBUF], *dmaps[NBUF];
	const uint8_t *want;
	int dfd[NBUF];
	size_t len;
	unsigned int i;

	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 1, 6));
	want = scene_px(self, 640, 480, 1);
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, &f));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	for (i = 0; i < NBUF; i++) {
		struct biounit_exportbuffer e = { .channel = 0, .index = i,
						  .flags = O_CLOEXEC | O_RDWR };

		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
		dfd[i] = e.fd;
		dmaps[i] = mmap(NULL, len, PROT_READ, MAP_SHARED, dfd[i], 0);
		ASSERT_NE(MAP_FAILED, dmaps[i]);
	}
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	for (i = 0; i < 100; i++) {
		struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
		struct biounit_buffer b;

		ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
		ASSERT_EQ(0, ioctl(dfd[b.index], DMA_BUF_IOCTL_SYNC, &sync));
		ASSERT_EQ(0, memcmp(dmaps[b.index], want, f.sizeimage));
		sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
		ASSERT_EQ(0, ioctl(dfd[b.index], DMA_BUF_IOCTL_SYNC, &sync));
		ASSERT_EQ(0, bu_qbuf(self->fd, 0, b.index));
	}
	/* an invalid sync request is refused */
	{
		struct dma_buf_sync bad = { 0xff };

		EXPECT_EQ(-1, ioctl(dfd[0], DMA_BUF_IOCTL_SYNC, &bad));
		EXPECT_EQ(EINVAL, errno);
	}
	ASSERT_EQ(0, bu_streamoff(self->fd, 0));
	/* the buffers outlive the queue while exported */
	ASSERT_EQ(0, bu_reqbufs(self->fd, 0, 0, BIOUNIT_MEMORY_MMAP));
	for (i = 0; i < NBUF; i++) {
		EXPECT_EQ(0, memcmp(dmaps[i], want, f.sizeimage));
		munmap(dmaps[i], len);
		close(dfd[i]);
	}
}

TEST_F(stream, dmabuf_import_from_another_unit)
{
	struct biounit_buffer notdma = { .channel = 0, .index = 0,
					 .memory = BIOUNIT_MEMORY_DMABUF };
	struct bu_unit other;
	struct biounit_format f;
	void *maps[NBUF];
	int ofd, dfd[NBUF];
	size_t len;
	unsigned int i;
	const uint8_t *want;

	/* the other unit exports its buffers; this one captures into them */
	ASSERT_EQ(0, bu_unit_create(&other, "exporter", NULL));
	ofd = open(other.dev, O_RDWR);
	ASSERT_GE(ofd, 0);
	ASSERT_EQ(0, bu_set_format(ofd, 0, BIOUNIT_FMT_GREY, 640, 480, 0, NULL));
	ASSERT_EQ(0, bu_stream_mmap(ofd, 0, NBUF, maps, &len));
	for (i = 0; i < NBUF; i++) {
		struct biounit_exportbuffer e = { .channel = 0, .index = i,
						  .flags = O_RDWR };

		ASSERT_EQ(0, ioctl(ofd, BIOUNIT_IOC_EXPBUF, &e));
		dfd[i] = e.fd;
	}

	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 1, 7));
	want = scene_px(self, 640, 480, 1);
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, &f));
	ASSERT_EQ(NBUF, bu_reqbufs(self->fd, 0, NBUF, BIOUNIT_MEMORY_DMABUF));
	for (i = 0; i < NBUF; i++) {
		struct biounit_buffer b = { .channel = 0, .index = i,
			.memory = BIOUNIT_MEMORY_DMABUF, .fd = dfd[i],
			.length = (uint32_t)len };

		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QBUF, &b));
	}
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	for (i = 0; i < 20; i++) {
		struct biounit_buffer b;

		ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
		EXPECT_EQ(BIOUNIT_MEMORY_DMABUF, b.memory);
		/* the frame is in the exporter's memory, seen through its mapping */
		ASSERT_EQ(0, memcmp(maps[b.index], want, f.sizeimage));
		b.memory = BIOUNIT_MEMORY_DMABUF;
		b.fd = dfd[b.index];
		b.length = (uint32_t)len;
		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QBUF, &b));
	}
	ASSERT_EQ(0, bu_streamoff(self->fd, 0));

	/* a file that is not a dma-buf is refused */
	notdma.fd = ofd;
	notdma.length = (uint32_t)len;
	EXPECT_EQ(-1, ioctl(self->fd, BIOUNIT_IOC_QBUF, &notdma));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < NBUF; i++)
		close(dfd[i]);
	close(ofd);
	bu_unit_destroy(&other);
}

TEST_F(stream, all_three_channels_at_once)
{
	unsigned int count[3] = { 0 };
	struct biounit_format f[3];
	void *maps[3][NBUF];
	size_t len[3], slen;
	void *finger;
	size_t finger_len;
	char *script = make_script(200, &slen);
	unsigned int c;
	uint64_t deadline;

	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 3, 8));
	finger = bu_pnm_make(400, 500, 1, 9, &finger_len);
	ASSERT_EQ(0, bu_scene_write(self->u.name, "finger", finger, finger_len));
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script, slen));
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_RGB24, 640, 480, 33333, &f[0]));
	ASSERT_EQ(0, bu_set_format(self->fd, 1, BIOUNIT_FMT_GREY, 400, 500, 33333, &f[1]));
	ASSERT_EQ(0, bu_set_format(self->fd, 2, BIOUNIT_FMT_PEN, 16, 1, 20000, &f[2]));
	for (c = 0; c < 3; c++)
		ASSERT_EQ(0, bu_stream_mmap(self->fd, c, NBUF, maps[c], &len[c]));
	for (c = 0; c < 3; c++)
		ASSERT_EQ(0, bu_streamon(self->fd, c));
	/* one poll for all three, then take what each channel has */
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));

	deadline = bu_now_ns() + 20000000000ull;
	while ((count[0] < 30 || count[1] < 30 || count[2] < 30) && bu_now_ns() < deadline) {
		ASSERT_EQ(1, bu_wait(self->fd, POLLIN, 2000));
		for (c = 0; c < 3; c++) {
			struct biounit_buffer b = { .channel = c };

			if (ioctl(self->fd, BIOUNIT_IOC_DQBUF, &b)) {
				ASSERT_EQ(EAGAIN, errno);
				continue;
			}
			if (c == 0)
				ASSERT_EQ(0, memcmp(maps[0][b.index],
						    scene_px(self, 640, 480, 3), f[0].sizeimage));
			if (c == 1)
				ASSERT_EQ(0, memcmp(maps[1][b.index],
						    bu_pnm_pixels(finger, finger_len, 400, 500, 1),
						    f[1].sizeimage));
			count[c]++;
			ASSERT_EQ(0, bu_qbuf(self->fd, c, b.index));
		}
	}
	for (c = 0; c < 3; c++)
		EXPECT_GE(count[c], 30u);
	free(finger);
	free(script);
}

TEST_F(stream, nonblocking_and_poll)
{
	struct biounit_buffer b;
	void *maps[NBUF];
	size_t len;
	int nb;

	/* streaming through a non-blocking file of its own */
	close(self->fd);
	self->fd = -1;
	nb = open(self->u.dev, O_RDWR | O_NONBLOCK);
	ASSERT_GE(nb, 0);
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "1"));
	ASSERT_EQ(0, bu_stream_mmap(nb, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(nb, 0));
	EXPECT_EQ(-EAGAIN, bu_dqbuf(nb, 0, &b));
	EXPECT_EQ(0, bu_wait(nb, POLLIN, 200));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "0"));
	EXPECT_EQ(1, bu_wait(nb, POLLIN, 3000));
	EXPECT_EQ(0, bu_dqbuf(nb, 0, &b));
	close(nb);
	self->fd = open(self->u.dev, O_RDWR);
}

static void *blocking_dqbuf(void *arg)
{
	int *fd_and_result = arg;
	struct biounit_buffer b;

	fd_and_result[1] = bu_dqbuf(fd_and_result[0], 0, &b);
	return NULL;
}

TEST_F(stream, blocking_dqbuf_waits_for_a_frame)
{
	int args[2] = { self->fd, 1 };
	void *maps[NBUF];
	pthread_t t;
	size_t len;

	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "1"));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	ASSERT_EQ(0, pthread_create(&t, NULL, blocking_dqbuf, args));
	usleep(300000);
	EXPECT_EQ(1, args[1]);
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "0"));
	pthread_join(t, NULL);
	EXPECT_EQ(0, args[1]);
}

TEST_F(stream, close_while_streaming)
{
	void *maps[NBUF];
	struct biounit_buffer b;
	size_t len;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
		ASSERT_EQ(0, bu_streamon(self->fd, 0));
		ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
		/* close with buffers queued, one dequeued, and mapped */
		close(self->fd);
		/* the mapping stays valid after close */
		EXPECT_EQ(0x80, ((uint8_t *)maps[b.index])[0]);
		for (int k = 0; k < NBUF; k++)
			munmap(maps[k], len);
		self->fd = open(self->u.dev, O_RDWR);
		ASSERT_GE(self->fd, 0);
	}
}

/* frames, dropped, damaged of a channel from the unit's debugfs stats */
static int read_stats(const char *node, const char *channel, unsigned long long v[3])
{
	char path[128], line[256], name[32];
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/biounit/%s/stats", node);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %llu %llu %llu", name, &v[0], &v[1], &v[2]) == 4 &&
		    !strcmp(name, channel)) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

TEST_F(stream, faults_drop_error_stall)
{
	unsigned long long stats[3];
	unsigned int dropped = 0, damaged = 0, timeouts = 0, gaps = 0, errflags = 0;
	struct biounit_event ev;
	struct biounit_buffer b;
	uint32_t last = 0;
	void *maps[NBUF];
	size_t len;
	int i;

	ASSERT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_FRAME_DROPPED |
				  1u << BIOUNIT_EVENT_FRAME_ERROR |
				  1u << BIOUNIT_EVENT_TIMEOUT));
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 33333, NULL));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
		if (i == 5) {
			ASSERT_EQ(0, bu_attr_write(self->u.name, "face/drop", "3"));
			ASSERT_EQ(0, bu_attr_write(self->u.name, "face/error", "2"));
		}
		if (i && b.sequence != last + 1)
			gaps += b.sequence - last - 1;
		errflags += !!(b.flags & BIOUNIT_BUF_FLAG_ERROR);
		last = b.sequence;
		ASSERT_EQ(0, bu_qbuf(self->fd, 0, b.index));
	}
	EXPECT_EQ(3u, gaps);
	EXPECT_EQ(2u, errflags);

	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "1"));
	EXPECT_EQ(1, bu_wait(self->fd, POLLPRI, 5000));
	usleep(1500000);
	while (bu_dqevent(self->fd, &ev) == 0) {
		dropped += ev.type == BIOUNIT_EVENT_FRAME_DROPPED;
		damaged += ev.type == BIOUNIT_EVENT_FRAME_ERROR;
		timeouts += ev.type == BIOUNIT_EVENT_TIMEOUT;
		if (ev.type == BIOUNIT_EVENT_TIMEOUT)
			EXPECT_EQ(1000u, ev.data);
		EXPECT_EQ(0u, ev.channel);
	}
	EXPECT_EQ(3u, dropped);
	EXPECT_EQ(2u, damaged);
	EXPECT_EQ(1u, timeouts);
	/* frames come again when the sensor answers */
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "0"));
	EXPECT_EQ(0, bu_dqbuf(self->fd, 0, &b));

	/* and debugfs counts what happened */
	ASSERT_EQ(0, read_stats(self->u.node, "face", stats));
	EXPECT_GE(stats[0], 21ull);
	EXPECT_EQ(3ull, stats[1]);
	EXPECT_EQ(2ull, stats[2]);
}

TEST_F(stream, no_free_buffer_drops_a_frame)
{
	struct biounit_buffer b1, b2;
	void *maps[2];
	size_t len;

	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, 2, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b1));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b2));
	usleep(200000); /* the sensor runs on without buffers */
	ASSERT_EQ(0, bu_qbuf(self->fd, 0, b1.index));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b1));
	EXPECT_GT(b1.sequence, b2.sequence + 1);
}

TEST_F(stream, finger_placed_and_removed)
{
	unsigned int placed = 0, removed = 0;
	struct biounit_event ev;
	struct biounit_buffer b;
	void *maps[NBUF];
	size_t len;
	int i;

	ASSERT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_FINGER_PLACED |
				  1u << BIOUNIT_EVENT_FINGER_REMOVED));
	ASSERT_EQ(0, put_scene(self, "finger", 400, 500, 1, 10));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 1, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 1));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 1, &b));
	ASSERT_EQ(0, bu_qbuf(self->fd, 1, b.index));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "finger/placed", "0"));
	/* within a few frames the glass is empty: all white */
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, bu_dqbuf(self->fd, 1, &b));
		ASSERT_EQ(0, bu_qbuf(self->fd, 1, b.index));
	}
	ASSERT_EQ(0, bu_dqbuf(self->fd, 1, &b));
	for (i = 0; i < 400 * 500; i++)
		if (((uint8_t *)maps[b.index])[i] != 0xff)
			break;
	EXPECT_EQ(400 * 500, i);
	while (bu_dqevent(self->fd, &ev) == 0) {
		placed += ev.type == BIOUNIT_EVENT_FINGER_PLACED;
		removed += ev.type == BIOUNIT_EVENT_FINGER_REMOVED;
		EXPECT_EQ(1u, ev.channel);
	}
	EXPECT_EQ(1u, placed);
	EXPECT_EQ(1u, removed);
}

TEST_F(stream, gain_control_brightens_the_face)
{
	struct biounit_control c = { .id = BIOUNIT_CID_FACE_GAIN, .value = 200 };
	uint8_t *want = malloc(640 * 480);
	const uint8_t *src;
	struct biounit_buffer b;
	void *maps[NBUF];
	size_t len;
	int i;

	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 1, 11));
	src = scene_px(self, 640, 480, 1);
	for (i = 0; i < 640 * 480; i++)
		want[i] = src[i] * 2 > 255 ? 255 : src[i] * 2;
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 16666, NULL));
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
	EXPECT_EQ(0, memcmp(maps[b.index], want, 640 * 480));
	free(want);
}

TEST_F(stream, removal_while_streaming)
{
	int args[2] = { self->fd, 1 };
	struct biounit_event ev;
	struct biounit_buffer b;
	void *maps[NBUF];
	pthread_t t;
	size_t len;
	unsigned int i;

	ASSERT_EQ(0, put_scene(self, "face", 640, 480, 3, 12));
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_RGB24, 640, 480, 16666, NULL));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &b));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "1"));
	/* frames finished before the sensor stalled are still to be dequeued */
	usleep(100000);
	while (bu_wait(self->fd, POLLIN, 0) == 1) {
		struct biounit_buffer old;

		ASSERT_EQ(0, bu_dqbuf(self->fd, 0, &old));
	}
	ASSERT_EQ(0, pthread_create(&t, NULL, blocking_dqbuf, args));
	usleep(200000);

	/* unplug: the blocked reader wakes with ENODEV */
	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "0"));
	pthread_join(t, NULL);
	EXPECT_EQ(-ENODEV, args[1]);

	EXPECT_EQ(1, bu_wait(self->fd, POLLIN, 0));
	ASSERT_EQ(0, bu_dqevent(self->fd, &ev));
	EXPECT_EQ(BIOUNIT_EVENT_UNIT_GONE, ev.type);
	EXPECT_EQ((__u32)BIOUNIT_CH_UNIT, ev.channel);
	EXPECT_EQ(-ENODEV, bu_dqbuf(self->fd, 0, &b));
	EXPECT_EQ(-ENODEV, bu_qbuf(self->fd, 0, 0));
	EXPECT_EQ(-ENODEV, bu_streamoff(self->fd, 0));
	/* the queue is empty now and the unit gone: no waiting for events */
	memset(&ev, 0, sizeof(ev));
	EXPECT_EQ(-1, ioctl(self->fd, BIOUNIT_IOC_DQEVENT, &ev));
	EXPECT_EQ(ENODEV, errno);
	/* what was captured is still readable */
	EXPECT_EQ(0, memcmp(maps[b.index], scene_px(self, 640, 480, 3), 640 * 480 * 3));
	for (i = 0; i < NBUF; i++)
		EXPECT_EQ(0, munmap(maps[i], len));
	EXPECT_EQ(0, close(self->fd));
	self->fd = -1;
	/* and it comes back as a new unit */
	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "1"));
}

TEST_F(stream, removal_while_dmabuf_mapped_elsewhere)
{
	int go[2], done[2];
	struct biounit_exportbuffer e = { .channel = 1, .index = 0, .flags = O_RDONLY };
	struct biounit_buffer b;
	void *maps[NBUF];
	size_t len;
	pid_t pid;
	int status;
	char c = 0;

	ASSERT_EQ(0, put_scene(self, "finger", 400, 500, 1, 13));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 1, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 1));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 1, &b));
	e.index = b.index;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		const uint8_t *want = scene_px(self, 400, 500, 1);
		void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, e.fd, 0);

		if (m == MAP_FAILED)
			_exit(2);
		if (write(done[1], "m", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		/* the unit is gone now; the memory is still the frame */
		_exit(memcmp(m, want, 400 * 500) ? 4 : 0);
	}
	close(e.fd);
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "0"));
	for (unsigned int i = 0; i < NBUF; i++)
		munmap(maps[i], len);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "1"));
}

TEST_F(stream, epoll_set_up_before_streaming)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct biounit_buffer b;
	void *maps[NBUF];
	size_t len;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_GE(ep, 0);
	/* registered before the file owns or streams anything */
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &got, 1, 100));
	ASSERT_EQ(0, bu_stream_mmap(self->fd, 1, NBUF, maps, &len));
	ASSERT_EQ(0, bu_streamon(self->fd, 1));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, 3000));
	EXPECT_TRUE(got.events & EPOLLIN);
	EXPECT_EQ(0, bu_dqbuf(self->fd, 1, &b));
	close(ep);
}

TEST_F(stream, pad_waits_quietly_for_buffers_and_pen)
{
	unsigned int timeouts = 0, drops = 0;
	struct biounit_event ev;
	struct biounit_buffer b, q = { .channel = 2, .index = 0 };
	const struct biounit_pen_sample *ps;
	unsigned int k;
	size_t slen;
	char *script = make_script(20, &slen);

	ASSERT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_TIMEOUT |
				  1u << BIOUNIT_EVENT_FRAME_DROPPED));
	ASSERT_EQ(0, bu_set_format(self->fd, 2, BIOUNIT_FMT_PEN, 256, 1, 5000, NULL));
	ASSERT_EQ(0, bu_reqbufs(self->fd, 2, 2, BIOUNIT_MEMORY_MMAP) == 2 ? 0 : -1);
	/* streaming with no buffer queued and no pen near the pad */
	ASSERT_EQ(0, bu_streamon(self->fd, 2));
	ASSERT_EQ(0, bu_scene_write(self->u.name, "signature", script, slen));
	usleep(1300000);
	/* samples waited in the pad: the first buffer gets them from the start */
	ASSERT_EQ(0, bu_qbuf(self->fd, 2, 0));
	ASSERT_EQ(0, bu_dqbuf(self->fd, 2, &b));
	ASSERT_GE(b.bytesused, 20u * sizeof(struct biounit_pen_sample));
	ASSERT_EQ(0u, b.bytesused % sizeof(struct biounit_pen_sample));
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &q));
	ps = mmap(NULL, q.length, PROT_READ, MAP_SHARED, self->fd, q.mem_offset);
	ASSERT_NE(MAP_FAILED, ps);
	/* every point of every play of the script, none lost */
	for (k = 0; k < b.bytesused / sizeof(*ps); k++)
		EXPECT_EQ(100u + k % 20, ps[k].x);
	munmap((void *)ps, q.length);
	while (bu_dqevent(self->fd, &ev) == 0) {
		timeouts += ev.type == BIOUNIT_EVENT_TIMEOUT;
		drops += ev.type == BIOUNIT_EVENT_FRAME_DROPPED;
	}
	EXPECT_EQ(0u, timeouts);
	EXPECT_EQ(0u, drops);
	free(script);
}

TEST_F(stream, dmabuf_queue_reports_its_fd)
{
	struct bu_unit other;
	void *maps[1];
	size_t len;
	int ofd;
	struct biounit_exportbuffer e = { .channel = 0, .index = 0, .flags = O_RDWR };
	struct biounit_buffer b = { .channel = 0, .index = 0, .memory = BIOUNIT_MEMORY_DMABUF };

	ASSERT_EQ(0, bu_unit_create(&other, "fdexporter", NULL));
	ofd = open(other.dev, O_RDWR);
	ASSERT_GE(ofd, 0);
	ASSERT_EQ(0, bu_set_format(ofd, 0, BIOUNIT_FMT_GREY, 640, 480, 0, NULL));
	ASSERT_EQ(0, bu_stream_mmap(ofd, 0, 1, maps, &len));
	ASSERT_EQ(0, ioctl(ofd, BIOUNIT_IOC_EXPBUF, &e));
	ASSERT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 640, 480, 0, NULL));
	ASSERT_EQ(1, bu_reqbufs(self->fd, 0, 1, BIOUNIT_MEMORY_DMABUF));
	b.fd = e.fd;
	b.length = (uint32_t)len;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QBUF, &b));
	memset(&b, 0, sizeof(b));
	b.channel = 0;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));
	EXPECT_EQ(e.fd, b.fd);
	EXPECT_TRUE(b.flags & BIOUNIT_BUF_FLAG_QUEUED);
	ASSERT_EQ(0, bu_reqbufs(self->fd, 0, 0, BIOUNIT_MEMORY_DMABUF));
	close(e.fd);
	close(ofd);
	bu_unit_destroy(&other);
}

TEST_HARNESS_MAIN
