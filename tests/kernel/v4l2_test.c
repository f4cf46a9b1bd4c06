// SPDX-License-Identifier: GPL-2.0
/*
 * The V4L2 view of a unit (driver/biounit-v4l2.c): frames from the face node
 * match the scene and are byte for byte those of the character device,
 * v4l2-ctl reads them too, the two interfaces to a channel exclude each
 * other, controls have one value seen from both, and unplugging while the
 * node streams leaves it failing with ENODEV.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "kselftest_harness.h"
#include "bu_sim.h"

#define NBUF 4

FIXTURE(v4l2) {
	struct bu_unit u;
	int fd;		/* the character device */
	int vfd;	/* the face node */
	char face[32];
	char finger[32];
	void *scene;
	size_t scene_len;
	void *maps[NBUF];
	size_t map_len;
	unsigned int nmaps;
};

FIXTURE_SETUP(v4l2)
{
	char name[32];

	snprintf(name, sizeof(name), "v4l2-%d", getpid());
	ASSERT_EQ(0, bu_unit_create(&self->u, name, NULL));
	self->fd = open(self->u.dev, O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bu_unit_subnode(&self->u, "video", "face", self->face,
				     sizeof(self->face)));
	ASSERT_EQ(0, bu_unit_subnode(&self->u, "video", "finger", self->finger,
				     sizeof(self->finger)));
	self->vfd = open(self->face, O_RDWR);
	ASSERT_GE(self->vfd, 0);
	self->scene = NULL;
	self->nmaps = 0;
}

FIXTURE_TEARDOWN(v4l2)
{
	unsigned int i;

	for (i = 0; i < self->nmaps; i++)
		munmap(self->maps[i], self->map_len);
	if (self->vfd >= 0)
		close(self->vfd);
	if (self->fd >= 0)
		close(self->fd);
	bu_unit_destroy(&self->u);
	free(self->scene);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int v_set_fmt(int vfd, uint32_t pixfmt, uint32_t w, uint32_t h, struct v4l2_format *out)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int err;

	f.fmt.pix.pixelformat = pixfmt;
	f.fmt.pix.width = w;
	f.fmt.pix.height = h;
	err = xioctl(vfd, VIDIOC_S_FMT, &f);
	if (out)
		*out = f;
	return err;
}

static int v_reqbufs(int vfd, uint32_t count)
{
	struct v4l2_requestbuffers r = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};

	return xioctl(vfd, VIDIOC_REQBUFS, &r);
}

static int v_stream(int vfd, unsigned long req)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	return xioctl(vfd, req, &type);
}

/* REQBUFS, maps and queues NBUF MMAP buffers of the node */
static int v_stream_mmap(FIXTURE_DATA(v4l2) *self, int vfd)
{
	unsigned int i;
	int err = v_reqbufs(vfd, NBUF);

	if (err)
		return err;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = {
			.index = i,
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		err = xioctl(vfd, VIDIOC_QUERYBUF, &b);
		if (err)
			return err;
		self->maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, vfd, b.m.offset);
		if (self->maps[i] == MAP_FAILED)
			return -errno;
		self->map_len = b.length;
		self->nmaps = i + 1;
		err = xioctl(vfd, VIDIOC_QBUF, &b);
		if (err)
			return err;
	}
	return 0;
}

static int v_dqbuf(int vfd, struct v4l2_buffer *b)
{
	memset(b, 0, sizeof(*b));
	b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b->memory = V4L2_MEMORY_MMAP;
	return xioctl(vfd, VIDIOC_DQBUF, b);
}

static void unmap_all(FIXTURE_DATA(v4l2) *self)
{
	while (self->nmaps)
		munmap(self->maps[--self->nmaps], self->map_len);
}

/* One frame through the character device, copied to a malloc-ed buffer */
static void *char_frame(int fd, uint32_t pixfmt, uint32_t w, uint32_t h, size_t *size)
{
	struct biounit_format f;
	struct biounit_buffer b;
	void *maps[NBUF], *copy = NULL;
	unsigned int i;
	size_t len;

	if (bu_set_format(fd, 0, pixfmt, w, h, 0, &f) ||
	    bu_stream_mmap(fd, 0, NBUF, maps, &len))
		return NULL;
	if (!bu_streamon(fd, 0) && !bu_dqbuf(fd, 0, &b) && b.bytesused == f.sizeimage) {
		copy = malloc(f.sizeimage);
		if (copy)
			memcpy(copy, maps[b.index], f.sizeimage);
		*size = f.sizeimage;
	}
	bu_streamoff(fd, 0);
	for (i = 0; i < NBUF; i++)
		munmap(maps[i], len);
	bu_reqbufs(fd, 0, 0, BIOUNIT_MEMORY_MMAP);
	return copy;
}

static const struct {
	uint32_t pixfmt;
	const char *name;
	int chans;	/* compared with the scene itself: 1 grey, 3 RGB, 4 BGRX; 0 not */
} formats[] = {
	{ V4L2_PIX_FMT_GREY, "GREY", 1 },
	{ V4L2_PIX_FMT_RGB24, "RGB3", 3 },
	{ V4L2_PIX_FMT_YUYV, "YUYV", 0 },
	{ V4L2_PIX_FMT_NV12, "NV12", 0 },
	{ V4L2_PIX_FMT_XBGR32, "XR24", 4 },
};

/* The same scene through the character device, the node and v4l2-ctl */
TEST_F(v4l2, face_frames_match_scene_and_char_device)
{
	unsigned int i, k;

	self->scene = bu_pnm_make(640, 480, 3, 7, &self->scene_len);
	ASSERT_NE(NULL, self->scene);
	ASSERT_EQ(0, bu_scene_write(self->u.name, "face", self->scene, self->scene_len));

	for (k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
		struct v4l2_format f;
		struct v4l2_buffer b;
		size_t size = 0;
		uint8_t *cf = char_frame(self->fd, formats[k].pixfmt, 640, 480, &size);
		char cmd[512], *file = NULL;
		FILE *fp;
		long n;

		ASSERT_NE(NULL, cf) TH_LOG("%s: no frame from the character device",
					   formats[k].name);
		if (formats[k].chans == 3) {
			EXPECT_EQ(0, memcmp(cf, bu_pnm_pixels(self->scene, self->scene_len,
							      640, 480, 3), size));
		} else if (formats[k].chans == 4) {
			uint8_t *bgrx = malloc(640 * 480 * 4);

			ASSERT_NE(NULL, bgrx);
			bu_xbgr32(bu_pnm_pixels(self->scene, self->scene_len, 640, 480, 3),
				  640 * 480, bgrx);
			EXPECT_EQ(640 * 480 * 4, size);
			EXPECT_EQ(0, memcmp(cf, bgrx, size)) TH_LOG("XR24 differs from the scene");
			free(bgrx);
		} else if (formats[k].chans == 1) {
			const uint8_t *px = bu_pnm_pixels(self->scene, self->scene_len,
							  640, 480, 3);

			for (i = 0; i < 640 * 480; i++)
				if (cf[i] != bu_y(px + 3 * i))
					break;
			EXPECT_EQ(640 * 480, i) TH_LOG("GREY differs from the scene's luma at %u", i);
		}

		/* the node, by hand */
		ASSERT_EQ(0, v_set_fmt(self->vfd, formats[k].pixfmt, 640, 480, &f));
		ASSERT_EQ(size, f.fmt.pix.sizeimage);
		ASSERT_EQ(0, v_stream_mmap(self, self->vfd));
		ASSERT_EQ(0, v_stream(self->vfd, VIDIOC_STREAMON));
		ASSERT_EQ(0, v_dqbuf(self->vfd, &b));
		EXPECT_EQ(size, b.bytesused);
		EXPECT_EQ(V4L2_FIELD_NONE, b.field);
		EXPECT_EQ(0, memcmp(cf, self->maps[b.index], size))
			TH_LOG("%s: the node's frame differs from the character device's",
			       formats[k].name);
		EXPECT_EQ(0, v_stream(self->vfd, VIDIOC_STREAMOFF));
		unmap_all(self);
		ASSERT_EQ(0, v_reqbufs(self->vfd, 0));

		/* v4l2-ctl, three frames to a file */
		ASSERT_LT(0, asprintf(&file, "/tmp/v4l2_test_%d.raw", getpid()));
		snprintf(cmd, sizeof(cmd),
			 "v4l2-ctl -d %s --set-fmt-video=width=640,height=480,pixelformat=%s "
			 "--stream-mmap --stream-count=3 --stream-to=%s 2>&1",
			 self->face, formats[k].name, file);
		EXPECT_EQ(0, system(cmd));
		fp = fopen(file, "rb");
		ASSERT_NE(NULL, fp);
		for (n = 0; n < 3; n++) {
			uint8_t *got = malloc(size);

			ASSERT_NE(NULL, got);
			EXPECT_EQ(size, fread(got, 1, size, fp)) TH_LOG("%s: frame %ld short",
									formats[k].name, n);
			EXPECT_EQ(0, memcmp(got, cf, size))
				TH_LOG("%s: v4l2-ctl's frame %ld differs", formats[k].name, n);
			free(got);
		}
		EXPECT_EQ(EOF, fgetc(fp));
		fclose(fp);
		unlink(file);
		free(file);
		free(cf);
	}
}

/* While the node holds buffers the character device's calls are refused */
TEST_F(v4l2, node_excludes_char_device)
{
	struct biounit_format bf;
	struct biounit_create_buffers c = { .channel = 0, .memory = BIOUNIT_MEMORY_MMAP, .count = 1 };
	struct biounit_stream s = { .channel = 0 };

	ASSERT_EQ(0, v_reqbufs(self->vfd, 2));
	EXPECT_EQ(-EBUSY, bu_reqbufs(self->fd, 0, 2, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(-EBUSY, xioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	EXPECT_EQ(-EBUSY, xioctl(self->fd, BIOUNIT_IOC_STREAMON, &s));
	EXPECT_EQ(-EBUSY, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 1280, 720, 0, &bf));
	/* the other channels are free */
	EXPECT_EQ(2, bu_reqbufs(self->fd, 1, 2, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(0, bu_reqbufs(self->fd, 1, 0, BIOUNIT_MEMORY_MMAP));

	ASSERT_EQ(0, v_reqbufs(self->vfd, 0));
	ASSERT_EQ(0, v_stream_mmap(self, self->vfd));
	ASSERT_EQ(0, v_stream(self->vfd, VIDIOC_STREAMON));
	EXPECT_EQ(-EBUSY, bu_reqbufs(self->fd, 0, 2, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(-EBUSY, xioctl(self->fd, BIOUNIT_IOC_STREAMON, &s));
	EXPECT_EQ(-EBUSY, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 1280, 720, 0, &bf));

	/* let go: the character device may take the channel */
	EXPECT_EQ(0, v_stream(self->vfd, VIDIOC_STREAMOFF));
	unmap_all(self);
	ASSERT_EQ(0, v_reqbufs(self->vfd, 0));
	EXPECT_EQ(0, bu_set_format(self->fd, 0, BIOUNIT_FMT_GREY, 1280, 720, 0, &bf));
	EXPECT_EQ(2, bu_reqbufs(self->fd, 0, 2, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(0, bu_reqbufs(self->fd, 0, 0, BIOUNIT_MEMORY_MMAP));

	/* closing the node with buffers frees the channel too */
	ASSERT_EQ(0, v_reqbufs(self->vfd, 2));
	EXPECT_EQ(-EBUSY, bu_reqbufs(self->fd, 0, 2, BIOUNIT_MEMORY_MMAP));
	close(self->vfd);
	self->vfd = -1;
	EXPECT_EQ(2, bu_reqbufs(self->fd, 0, 2, BIOUNIT_MEMORY_MMAP));
}

/* While the character device holds buffers the node's calls are refused */
TEST_F(v4l2, char_device_excludes_node)
{
	struct v4l2_create_buffers c = {
		.count = 1, .memory = V4L2_MEMORY_MMAP,
		.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	};
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	void *maps[NBUF];
	unsigned int i;
	size_t len;
	int vfd2;

	ASSERT_EQ(0, bu_stream_mmap(self->fd, 0, NBUF, maps, &len));
	ASSERT_EQ(0, xioctl(self->vfd, VIDIOC_G_FMT, &f));
	c.format = f;
	EXPECT_EQ(-EBUSY, v_reqbufs(self->vfd, 2));
	EXPECT_EQ(-EBUSY, xioctl(self->vfd, VIDIOC_CREATE_BUFS, &c));
	EXPECT_EQ(-EBUSY, v_stream(self->vfd, VIDIOC_STREAMON));
	EXPECT_EQ(-EBUSY, v_set_fmt(self->vfd, V4L2_PIX_FMT_GREY, 1280, 720, NULL));
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 10;
	EXPECT_EQ(-EBUSY, xioctl(self->vfd, VIDIOC_S_PARM, &parm));
	/* reading is fine, and TRY_FMT */
	EXPECT_EQ(0, xioctl(self->vfd, VIDIOC_G_FMT, &f));
	EXPECT_EQ(0, xioctl(self->vfd, VIDIOC_TRY_FMT, &f));

	ASSERT_EQ(0, bu_streamon(self->fd, 0));
	EXPECT_EQ(-EBUSY, v_reqbufs(self->vfd, 2));
	EXPECT_EQ(-EBUSY, v_stream(self->vfd, VIDIOC_STREAMON));
	EXPECT_EQ(-EBUSY, v_set_fmt(self->vfd, V4L2_PIX_FMT_GREY, 1280, 720, NULL));
	/* another node of the unit is free */
	vfd2 = open(self->finger, O_RDWR);
	ASSERT_GE(vfd2, 0);
	EXPECT_EQ(0, v_reqbufs(vfd2, 2));
	close(vfd2);

	ASSERT_EQ(0, bu_streamoff(self->fd, 0));
	for (i = 0; i < NBUF; i++)
		munmap(maps[i], len);
	/* closing the character device frees the channel */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, v_set_fmt(self->vfd, V4L2_PIX_FMT_GREY, 1280, 720, NULL));
	EXPECT_EQ(0, v_reqbufs(self->vfd, 2));
}

/* The S_FMT of a node adjusts, S_PARM sets the interval the backend uses */
TEST_F(v4l2, formats_and_intervals)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct biounit_format bf = { .channel = 0 };
	struct v4l2_fmtdesc d = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_frmsizeenum fs = { .pixel_format = V4L2_PIX_FMT_XBGR32 };
	struct v4l2_format f;

	ASSERT_EQ(0, v_set_fmt(self->vfd, V4L2_PIX_FMT_MJPEG, 1300, 700, &f));
	EXPECT_EQ(V4L2_PIX_FMT_YUYV, f.fmt.pix.pixelformat);
	EXPECT_EQ(1280, f.fmt.pix.width);
	EXPECT_EQ(720, f.fmt.pix.height);
	EXPECT_EQ(1280 * 2, f.fmt.pix.bytesperline);
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 20;
	ASSERT_EQ(0, xioctl(self->vfd, VIDIOC_S_PARM, &parm));
	EXPECT_EQ(50000, parm.parm.capture.timeperframe.numerator);
	EXPECT_EQ(1000000, parm.parm.capture.timeperframe.denominator);
	/* the character device sees the same format */
	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_G_FMT, &bf));
	EXPECT_EQ(BIOUNIT_FMT_YUYV, bf.pixelformat);
	EXPECT_EQ(1280, bf.width);
	EXPECT_EQ(50000, bf.interval_us);

	/* XBGR32: enumerated last, its sizes, four bytes a pixel */
	d.index = 4;
	ASSERT_EQ(0, xioctl(self->vfd, VIDIOC_ENUM_FMT, &d));
	EXPECT_EQ(V4L2_PIX_FMT_XBGR32, d.pixelformat);
	d.index = 5;
	EXPECT_EQ(-EINVAL, xioctl(self->vfd, VIDIOC_ENUM_FMT, &d));
	while (xioctl(self->vfd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0)
		fs.index++;
	EXPECT_EQ(5, fs.index);
	ASSERT_EQ(0, v_set_fmt(self->vfd, V4L2_PIX_FMT_XBGR32, 1920, 1080, &f));
	EXPECT_EQ(V4L2_PIX_FMT_XBGR32, f.fmt.pix.pixelformat);
	EXPECT_EQ(1920 * 4, f.fmt.pix.bytesperline);
	EXPECT_EQ(1920 * 1080 * 4, f.fmt.pix.sizeimage);
	EXPECT_EQ(V4L2_COLORSPACE_SRGB, f.fmt.pix.colorspace);
	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_G_FMT, &bf));
	EXPECT_EQ(BIOUNIT_FMT_XBGR32, bf.pixelformat);
	EXPECT_EQ(1920 * 4, bf.bytesperline);
}

static int v_ctrl(int vfd, unsigned long req, uint32_t id, int32_t *val)
{
	struct v4l2_control c = { .id = id, .value = *val };
	int err = xioctl(vfd, req, &c);

	*val = c.value;
	return err;
}

/* One value per control, whichever interface sets it */
TEST_F(v4l2, controls_have_one_value)
{
	struct biounit_control c = { .id = BIOUNIT_CID_FACE_EXPOSURE_US, .value = 2345 };
	int32_t v = 0;
	int vfd2;

	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	ASSERT_EQ(0, v_ctrl(self->vfd, VIDIOC_G_CTRL, V4L2_CID_EXPOSURE, &v));
	EXPECT_EQ(2345, v);
	v = 777;
	ASSERT_EQ(0, v_ctrl(self->vfd, VIDIOC_S_CTRL, V4L2_CID_GAIN, &v));
	c.id = BIOUNIT_CID_FACE_GAIN;
	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(777, c.value);
	v = 99;	/* below the minimum: V4L2 clamps */
	ASSERT_EQ(0, v_ctrl(self->vfd, VIDIOC_S_CTRL, V4L2_CID_GAIN, &v));
	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(100, c.value);

	/* the status light is the unit's: both nodes show it */
	v = BIOUNIT_LED_ATTENTION;
	ASSERT_EQ(0, v_ctrl(self->vfd, VIDIOC_S_CTRL,
			    BIOUNIT_V4L2_CID_BASE + BIOUNIT_CID_STATUS_LED, &v));
	vfd2 = open(self->finger, O_RDWR);
	ASSERT_GE(vfd2, 0);
	v = 0;
	EXPECT_EQ(0, v_ctrl(vfd2, VIDIOC_G_CTRL, BIOUNIT_V4L2_CID_BASE + BIOUNIT_CID_STATUS_LED,
			    &v));
	EXPECT_EQ(BIOUNIT_LED_ATTENTION, v);
	/* the scanner's node has the scanner's gain, not the face's controls */
	v = 0;
	EXPECT_EQ(0, v_ctrl(vfd2, VIDIOC_G_CTRL, V4L2_CID_GAIN, &v));
	EXPECT_EQ(100, v);
	EXPECT_EQ(-EINVAL, v_ctrl(vfd2, VIDIOC_G_CTRL, V4L2_CID_EXPOSURE, &v));
	close(vfd2);
	c.id = BIOUNIT_CID_STATUS_LED;
	ASSERT_EQ(0, xioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(BIOUNIT_LED_ATTENTION, c.value);
}

struct waiter {
	int vfd;
	int err;
};

static void *blocking_v_dqbuf(void *arg)
{
	struct waiter *w = arg;
	struct v4l2_buffer b;

	w->err = v_dqbuf(w->vfd, &b);
	return NULL;
}

/* Unplug while the node streams: the waiter wakes, every call fails with ENODEV */
TEST_F(v4l2, unplug_while_node_streams)
{
	struct waiter w = { .vfd = self->vfd, .err = 1 };
	struct v4l2_capability cap;
	struct v4l2_buffer b;
	struct pollfd p;
	struct stat st;
	pthread_t t;

	self->scene = bu_pnm_make(640, 480, 3, 9, &self->scene_len);
	ASSERT_NE(NULL, self->scene);
	ASSERT_EQ(0, bu_scene_write(self->u.name, "face", self->scene, self->scene_len));
	ASSERT_EQ(0, v_set_fmt(self->vfd, V4L2_PIX_FMT_RGB24, 640, 480, NULL));
	ASSERT_EQ(0, v_stream_mmap(self, self->vfd));
	ASSERT_EQ(0, v_stream(self->vfd, VIDIOC_STREAMON));
	ASSERT_EQ(0, v_dqbuf(self->vfd, &b));
	ASSERT_EQ(0, bu_attr_write(self->u.name, "face/stall", "1"));
	usleep(100000);
	p.fd = self->vfd;
	p.events = POLLIN;
	while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
		struct v4l2_buffer old;

		ASSERT_EQ(0, v_dqbuf(self->vfd, &old));
	}
	ASSERT_EQ(0, pthread_create(&t, NULL, blocking_v_dqbuf, &w));
	usleep(200000);

	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "0"));
	pthread_join(t, NULL);
	EXPECT_EQ(-ENODEV, w.err);
	EXPECT_EQ(-ENODEV, xioctl(self->vfd, VIDIOC_QUERYCAP, &cap));
	EXPECT_EQ(-ENODEV, v_dqbuf(self->vfd, &b));
	EXPECT_EQ(-ENODEV, v_stream(self->vfd, VIDIOC_STREAMON));
	EXPECT_EQ(-ENODEV, v_reqbufs(self->vfd, 0));
	p.events = POLLIN;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & (POLLERR | POLLHUP));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->vfd, 0));
	/* what was captured stays readable */
	EXPECT_EQ(0, memcmp(self->maps[b.index],
			    bu_pnm_pixels(self->scene, self->scene_len, 640, 480, 3),
			    640 * 480 * 3));
	EXPECT_EQ(-1, stat(self->face, &st));
	unmap_all(self);
	EXPECT_EQ(0, close(self->vfd));
	self->vfd = -1;
	/* and it comes back, with nodes again */
	ASSERT_EQ(0, bu_attr_write(self->u.name, "live", "1"));
	ASSERT_EQ(0, bu_attr_read(self->u.name, "dev_name", self->u.node, sizeof(self->u.node)));
	EXPECT_EQ(0, bu_unit_subnode(&self->u, "video", "face", self->face,
				     sizeof(self->face)));
}

TEST_HARNESS_MAIN
