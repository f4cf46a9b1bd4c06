// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl interface: capabilities, channels, format negotiation, controls,
 * subscriptions, and every kind of bad argument.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "bu_sim.h"

FIXTURE(unit) {
	struct bu_unit u;
	int fd;
};

FIXTURE_SETUP(unit)
{
	char name[32];

	snprintf(name, sizeof(name), "uapi%d", getpid());
	ASSERT_EQ(0, bu_unit_create(&self->u, name, NULL));
	self->fd = open(self->u.dev, O_RDWR);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(unit)
{
	close(self->fd);
	bu_unit_destroy(&self->u);
}

#define EXPECT_ERRNO(err, call) do {		\
	errno = 0;				\
	EXPECT_EQ(-1, (call));			\
	EXPECT_EQ(err, errno);			\
} while (0)

TEST_F(unit, querycap)
{
	struct biounit_caps c;
	char path[96], ver[16] = "";
	FILE *f;

	memset(&c, 0xaa, sizeof(c));
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QUERYCAP, &c));
	EXPECT_EQ(2u, c.api_version >> 16);
	/* 2.0: ioctl magic 0xBE, BIOUNIT_CH_UNIT for the whole unit; 2.1: XBGR32 */
	EXPECT_EQ(BIOUNIT_VERSION(2, 1), c.api_version);
	EXPECT_EQ(0xBE, _IOC_TYPE(BIOUNIT_IOC_QUERYCAP));
	snprintf(path, sizeof(path), "/sys/class/biounit/%s/api_version", self->u.node);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	EXPECT_NE(NULL, fgets(ver, sizeof(ver), f));
	fclose(f);
	EXPECT_STREQ("2.1\n", ver);
	EXPECT_TRUE(c.capabilities & BIOUNIT_CAP_MMAP);
	EXPECT_TRUE(c.capabilities & BIOUNIT_CAP_DMABUF_EXPORT);
	EXPECT_TRUE(c.capabilities & BIOUNIT_CAP_EVENTS);
	EXPECT_EQ(0u, c.reserved0);
	for (unsigned int i = 0; i < 8; i++)
		EXPECT_EQ(0u, c.reserved[i]);
	EXPECT_NE(0, c.bus_info[0]);
}

TEST_F(unit, channel_info)
{
	struct biounit_channel_info i = { .channel = BIOUNIT_CH_FINGER };

	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	EXPECT_EQ(BIOUNIT_CHTYPE_SCANNER, i.type);
	EXPECT_EQ(500u, i.resolution_ppi);

	memset(&i, 0, sizeof(i));
	i.channel = BIOUNIT_CH_SIGNATURE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	EXPECT_EQ(BIOUNIT_CHTYPE_PAD, i.type);
	EXPECT_EQ(2000u, i.pad_width);
	EXPECT_EQ(800u, i.pad_height);
	EXPECT_EQ(1023u, i.pressure_max);

	memset(&i, 0, sizeof(i));
	i.channel = BIOUNIT_CH_FACE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	EXPECT_EQ(BIOUNIT_CHTYPE_CAMERA, i.type);
	EXPECT_EQ(16666u, i.min_interval_us);

	i.channel = BIOUNIT_CH_COUNT;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	i.channel = BIOUNIT_CH_UNIT;	/* the unit is no channel */
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	i.channel = 0xffffffffu;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
	i.channel = BIOUNIT_CH_FACE;
	i.reserved[5] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CHANNEL_INFO, &i));
}

TEST_F(unit, enum_formats)
{
	static const uint32_t want[] = { BIOUNIT_FMT_YUYV, BIOUNIT_FMT_NV12,
					 BIOUNIT_FMT_RGB24, BIOUNIT_FMT_GREY,
					 BIOUNIT_FMT_XBGR32 };
	struct biounit_fmtdesc d;
	unsigned int i;

	/* XBGR32 is DRM's XRGB8888: one FourCC for the camera and the display */
	EXPECT_EQ(0x34325258u, BIOUNIT_FMT_XBGR32);
	for (i = 0; i < 5; i++) {
		memset(&d, 0, sizeof(d));
		d.channel = BIOUNIT_CH_FACE;
		d.index = i;
		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));
		EXPECT_EQ(want[i], d.pixelformat);
		EXPECT_NE(0, d.description[0]);
	}
	EXPECT_STREQ("32-bit BGRX 8-8-8-8", (char *)d.description);
	d.index = 5;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));
	d.index = 0x80000000u;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));

	memset(&d, 0, sizeof(d));
	d.channel = BIOUNIT_CH_FINGER;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));
	EXPECT_EQ(BIOUNIT_FMT_GREY, d.pixelformat);
	d.index = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));

	memset(&d, 0, sizeof(d));
	d.channel = BIOUNIT_CH_SIGNATURE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));
	EXPECT_EQ(BIOUNIT_FMT_PEN, d.pixelformat);
	d.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_ENUM_FMT, &d));
}

TEST_F(unit, enum_framesizes)
{
	static const uint32_t fmts[] = { BIOUNIT_FMT_NV12, BIOUNIT_FMT_XBGR32 };
	struct biounit_frmsize f;

	/* every face format has the camera's five sizes */
	for (unsigned int k = 0; k < 2; k++) {
		unsigned int n = 0, still = 0, biggest = 0;

		f = (struct biounit_frmsize){ .channel = BIOUNIT_CH_FACE,
					      .pixelformat = fmts[k] };
		while (ioctl(self->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &f) == 0) {
			n++;
			still += !!(f.flags & BIOUNIT_FRMSIZE_STILL);
			if (f.width == 4096 && f.height == 3072)
				biggest = 1;
			f.index++;
		}
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(5u, n) TH_LOG("format %#x", fmts[k]);
		EXPECT_EQ(2u, still);
		EXPECT_EQ(1u, biggest);
	}

	f.index = 0;
	f.pixelformat = BIOUNIT_FMT_PEN;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &f));

	memset(&f, 0, sizeof(f));
	f.channel = BIOUNIT_CH_FINGER;
	f.pixelformat = BIOUNIT_FMT_GREY;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &f));
	EXPECT_EQ(400u, f.width);
	EXPECT_EQ(500u, f.height);
	f.index = 1;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &f));
	EXPECT_EQ(800u, f.width);
	EXPECT_EQ(750u, f.height);
}

TEST_F(unit, formats_are_taken_or_refused)
{
	static const uint32_t face_sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 1920, 1080 },
						  { 2048, 1536 }, { 4096, 3072 } };
	struct biounit_format f = { .channel = BIOUNIT_CH_FACE };

	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_FMT, &f));
	EXPECT_EQ(BIOUNIT_FMT_YUYV, f.pixelformat);
	EXPECT_EQ(640u, f.width);
	EXPECT_EQ(480u, f.height);
	EXPECT_EQ(1280u, f.bytesperline);
	EXPECT_EQ(640u * 480 * 2, f.sizeimage);
	EXPECT_EQ(33333u, f.interval_us);

	f = (struct biounit_format){ .channel = BIOUNIT_CH_FACE,
		.pixelformat = BIOUNIT_FMT_NV12, .width = 4096, .height = 3072 };
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	EXPECT_EQ(4096u * 3072 * 3 / 2, f.sizeimage);
	EXPECT_EQ(33333u, f.interval_us);

	/* TRY does not change the format */
	memset(&f, 0, sizeof(f));
	f.channel = BIOUNIT_CH_FACE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_FMT, &f));
	EXPECT_EQ(BIOUNIT_FMT_YUYV, f.pixelformat);

	/* a size the camera does not have is refused, not adjusted */
	f = (struct biounit_format){ .channel = BIOUNIT_CH_FACE,
		.pixelformat = BIOUNIT_FMT_RGB24, .width = 641, .height = 480 };
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	EXPECT_EQ(641u, f.width);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	/* a format it does not have */
	f.width = 640;
	f.pixelformat = BIOUNIT_FOURCC('M', 'J', 'P', 'G');
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	f.pixelformat = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	/* an interval out of range */
	f.pixelformat = BIOUNIT_FMT_RGB24;
	f.interval_us = 1000;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	f.interval_us = 20000000;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	/* reserved words */
	f.interval_us = 50000;
	f.reserved[4] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	f.reserved[4] = 0;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	EXPECT_EQ(640u * 3, f.bytesperline);

	memset(&f, 0, sizeof(f));
	f.channel = BIOUNIT_CH_FACE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_FMT, &f));
	EXPECT_EQ(BIOUNIT_FMT_RGB24, f.pixelformat);
	EXPECT_EQ(50000u, f.interval_us);

	/* XBGR32: four bytes a pixel, no padding at the end of a line, at every size */
	for (unsigned int k = 0; k < 5; k++) {
		f = (struct biounit_format){ .channel = BIOUNIT_CH_FACE,
			.pixelformat = BIOUNIT_FMT_XBGR32, .width = face_sizes[k][0],
			.height = face_sizes[k][1] };
		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
		EXPECT_EQ(BIOUNIT_FMT_XBGR32, f.pixelformat);
		EXPECT_EQ(4 * face_sizes[k][0], f.bytesperline);
		EXPECT_EQ(4 * face_sizes[k][0] * face_sizes[k][1], f.sizeimage);
	}
	f.width = 641;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	f = (struct biounit_format){ .channel = BIOUNIT_CH_FACE,
		.pixelformat = BIOUNIT_FMT_XBGR32, .width = 1280, .height = 720 };
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	memset(&f, 0, sizeof(f));
	f.channel = BIOUNIT_CH_FACE;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_FMT, &f));
	EXPECT_EQ(BIOUNIT_FMT_XBGR32, f.pixelformat);
	EXPECT_EQ(1280u * 4, f.bytesperline);
	EXPECT_EQ(1280u * 720 * 4, f.sizeimage);

	/* the finger scanner is grey only, the pad samples only */
	f = (struct biounit_format){ .channel = BIOUNIT_CH_FINGER,
		.pixelformat = BIOUNIT_FMT_YUYV, .width = 400, .height = 500 };
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	f.pixelformat = BIOUNIT_FMT_XBGR32;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	f = (struct biounit_format){ .channel = BIOUNIT_CH_SIGNATURE,
		.pixelformat = BIOUNIT_FMT_PEN, .width = 256, .height = 1 };
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_TRY_FMT, &f));
	EXPECT_EQ(256u * sizeof(struct biounit_pen_sample), f.sizeimage);
}

TEST_F(unit, smaller_camera_has_fewer_sizes)
{
	const char *const setup[] = { "face/max_width=1920", "face/max_height=1080", NULL };
	struct biounit_frmsize f = { .channel = BIOUNIT_CH_FACE,
				     .pixelformat = BIOUNIT_FMT_GREY };
	struct biounit_format fmt = { .channel = BIOUNIT_CH_FACE,
		.pixelformat = BIOUNIT_FMT_GREY, .width = 2048, .height = 1536 };
	struct bu_unit small;
	unsigned int n = 0;
	int fd;

	ASSERT_EQ(0, bu_unit_create(&small, "smallcam", setup));
	fd = open(small.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	while (ioctl(fd, BIOUNIT_IOC_ENUM_FRAMESIZES, &f) == 0) {
		n++;
		f.index++;
	}
	EXPECT_EQ(3u, n);
	EXPECT_ERRNO(EINVAL, ioctl(fd, BIOUNIT_IOC_TRY_FMT, &fmt));
	close(fd);
	bu_unit_destroy(&small);
}

TEST_F(unit, unknown_ioctl_is_enotty)
{
	int x = 0;

	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IO(BIOUNIT_IOC_MAGIC, 0x7f), &x));
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IOWR('V', 0, int), &x));
	/* a known number with the wrong size is another command */
	EXPECT_ERRNO(ENOTTY, ioctl(self->fd, _IOR(BIOUNIT_IOC_MAGIC, 0x00, int), &x));
}

TEST_F(unit, bad_pointer_is_efault)
{
	void *bad = (void *)16;
	void *ro;

	EXPECT_ERRNO(EFAULT, ioctl(self->fd, BIOUNIT_IOC_QUERYCAP, bad));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, BIOUNIT_IOC_S_FMT, bad));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, BIOUNIT_IOC_DQEVENT, bad));

	/* a readable but not writable argument: the answer cannot be stored */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_ERRNO(EFAULT, ioctl(self->fd, BIOUNIT_IOC_G_FMT, ro));
	munmap(ro, 4096);
}

TEST_F(unit, reserved_words_must_be_zero)
{
	struct biounit_requestbuffers r = { .channel = 0, .count = 2,
		.memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_stream s = { .channel = 0 };
	struct biounit_buffer b = { .channel = 0 };
	struct biounit_exportbuffer e = { .channel = 0 };
	struct biounit_event_subscription sub = { 0 };
	struct biounit_control c = { .id = BIOUNIT_CID_FACE_GAIN, .value = 200 };
	struct biounit_event ev = { 0 };

	r.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	s.reserved[2] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_STREAMON, &s));
	b.reserved[3] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));
	e.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	sub.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_SUBSCRIBE, &sub));
	c.reserved0 = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	ev.reserved[4] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_DQEVENT, &ev));
}

TEST_F(unit, out_of_range_indices)
{
	struct biounit_buffer b = { .channel = BIOUNIT_CH_FACE, .index = 0 };
	struct biounit_exportbuffer e = { .channel = BIOUNIT_CH_FACE, .index = 2 };
	struct biounit_requestbuffers r = { .channel = 7, .count = 2,
		.memory = BIOUNIT_MEMORY_MMAP };

	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	r.channel = BIOUNIT_CH_FACE;
	r.memory = 2; /* USERPTR is not offered */
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	r.memory = BIOUNIT_MEMORY_MMAP;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	EXPECT_EQ(2u, r.count);

	b.index = 2;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));
	b.index = 0xffffffffu;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_QBUF, &b));
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	e.index = 0;
	e.flags = O_APPEND;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	/* QBUF with the other memory type */
	b.index = 0;
	b.memory = BIOUNIT_MEMORY_DMABUF;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_QBUF, &b));

	/* more buffers than the channel gives are cut to its maximum */
	r.count = 1000;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	EXPECT_EQ(16u, r.count);
	r.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
}

TEST_F(unit, second_streamer_is_ebusy)
{
	struct biounit_requestbuffers r = { .channel = BIOUNIT_CH_FACE, .count = 2,
		.memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_format f = { .channel = BIOUNIT_CH_FACE,
		.pixelformat = BIOUNIT_FMT_GREY, .width = 640, .height = 480 };
	struct biounit_buffer b = { .channel = BIOUNIT_CH_FACE };
	struct biounit_stream s = { .channel = BIOUNIT_CH_FACE };
	struct biounit_caps caps;
	int other;

	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	other = open(self->u.dev, O_RDWR);
	ASSERT_GE(other, 0);

	EXPECT_ERRNO(EBUSY, ioctl(other, BIOUNIT_IOC_REQBUFS, &r));
	EXPECT_ERRNO(EBUSY, ioctl(other, BIOUNIT_IOC_STREAMON, &s));
	EXPECT_ERRNO(EBUSY, ioctl(other, BIOUNIT_IOC_QUERYBUF, &b));
	EXPECT_ERRNO(EBUSY, ioctl(other, BIOUNIT_IOC_S_FMT, &f));
	/* the owner cannot change the format under its buffers either */
	EXPECT_ERRNO(EBUSY, ioctl(self->fd, BIOUNIT_IOC_S_FMT, &f));
	/* a reader still gets the unit's information */
	EXPECT_EQ(0, ioctl(other, BIOUNIT_IOC_QUERYCAP, &caps));
	/* and may stream another channel */
	r.channel = BIOUNIT_CH_FINGER;
	EXPECT_EQ(0, ioctl(other, BIOUNIT_IOC_REQBUFS, &r));

	/* the other file cannot map the owner's buffers */
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, b.length, PROT_READ, MAP_SHARED, other,
				   b.mem_offset));
	EXPECT_EQ(EACCES, errno);

	/* giving the buffers up frees the channel */
	r.channel = BIOUNIT_CH_FACE;
	r.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
	r.count = 2;
	EXPECT_EQ(0, ioctl(other, BIOUNIT_IOC_REQBUFS, &r));
	close(other);
	/* closing the owner frees it too */
	EXPECT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_REQBUFS, &r));
}

TEST_F(unit, streaming_needs_buffers)
{
	struct biounit_stream s = { .channel = BIOUNIT_CH_FACE };
	struct biounit_buffer b;

	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_STREAMON, &s));
	EXPECT_EQ(-EINVAL, bu_dqbuf(self->fd, BIOUNIT_CH_FACE, &b));
}

TEST_F(unit, controls)
{
	struct biounit_ctrl_info q = { 0 };
	struct biounit_control c = { .id = BIOUNIT_CID_FACE_GAIN };
	unsigned int n = 0, unit_wide = 0;

	while (ioctl(self->fd, BIOUNIT_IOC_QUERYCTRL, &q) == 0) {
		/* a channel's control names it; the status light is the unit's */
		if (q.id == BIOUNIT_CID_STATUS_LED) {
			EXPECT_EQ((__u32)BIOUNIT_CH_UNIT, q.channel);
			unit_wide++;
		} else {
			EXPECT_LT(q.channel, BIOUNIT_CH_COUNT);
		}
		EXPECT_LE(q.minimum, q.default_value);
		EXPECT_GE(q.maximum, q.default_value);
		EXPECT_GT(q.step, 0);
		EXPECT_NE(0, q.name[0]);
		n++;
		q.index++;
	}
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(7u, n);
	EXPECT_EQ(1u, unit_wide);

	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(100, c.value);
	c.value = 250;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	c.value = 0;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(250, c.value);

	c.value = 99;
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	c.value = 1601;
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	c.value = -1;
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	EXPECT_EQ(250, c.value);

	c.id = 0x9999;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_G_CTRL, &c));
	c.id = BIOUNIT_CID_STATUS_LED;
	c.value = BIOUNIT_LED_ATTENTION + 1;
	EXPECT_ERRNO(ERANGE, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
	c.value = BIOUNIT_LED_BUSY;
	EXPECT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_S_CTRL, &c));
}

TEST_F(unit, event_subscriptions)
{
	struct biounit_event ev;
	int nb;

	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 1u << 0));
	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 1u << (BIOUNIT_EVENT_MAX + 1)));
	EXPECT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_FRAME_ERROR));

	nb = open(self->u.dev, O_RDWR | O_NONBLOCK);
	ASSERT_GE(nb, 0);
	EXPECT_EQ(-EAGAIN, bu_dqevent(nb, &ev));
	EXPECT_EQ(0, bu_wait(nb, POLLPRI, 50));
	close(nb);
}

/* 1.1: the applicant's button and presence sensor, unit-level events 9 and 10 */
TEST_F(unit, event_subscriptions_1_1)
{
	struct biounit_event ev;
	int nb;

	EXPECT_EQ(9, BIOUNIT_EVENT_BUTTON);
	EXPECT_EQ(10, BIOUNIT_EVENT_PRESENCE);
	EXPECT_EQ(10, BIOUNIT_EVENT_MAX);
	EXPECT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_BUTTON));
	EXPECT_EQ(0, bu_subscribe(self->fd, 1u << BIOUNIT_EVENT_PRESENCE));
	/* every type of 1.1 at once: bits 1..10 */
	EXPECT_EQ(0, bu_subscribe(self->fd, 0x7feu));
	/* bit 11 and up are still unknown, also next to known bits */
	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 1u << 11));
	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 1u << 11 | 1u << BIOUNIT_EVENT_BUTTON));
	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 1u << 31));
	EXPECT_EQ(-EINVAL, bu_subscribe(self->fd, 0xfffffffeu));

	/* A simulated unit without button_gpio/presence_gpio has no such line: nothing arrives */
	nb = open(self->u.dev, O_RDWR | O_NONBLOCK);
	ASSERT_GE(nb, 0);
	EXPECT_EQ(0, bu_subscribe(nb, 1u << BIOUNIT_EVENT_BUTTON | 1u << BIOUNIT_EVENT_PRESENCE));
	EXPECT_EQ(0, bu_wait(nb, POLLPRI, 50));
	EXPECT_EQ(-EAGAIN, bu_dqevent(nb, &ev));
	close(nb);
}

TEST_F(unit, create_bufs_adds_buffers)
{
	struct biounit_create_buffers c = { .channel = BIOUNIT_CH_FACE, .count = 2,
		.memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_buffer b = { .channel = BIOUNIT_CH_FACE };
	int other;

	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	EXPECT_EQ(0u, c.index);
	EXPECT_EQ(2u, c.count);
	c.count = 3;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	EXPECT_EQ(2u, c.index);
	EXPECT_EQ(3u, c.count);
	/* no more than the channel's 16 in all */
	c.count = 100;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	EXPECT_EQ(5u, c.index);
	EXPECT_EQ(11u, c.count);
	c.count = 1;
	EXPECT_ERRNO(ENOBUFS, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));

	b.index = 15;
	EXPECT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));
	EXPECT_EQ(640u * 480 * 2, b.length);
	b.index = 16;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_QUERYBUF, &b));

	c.count = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	c.count = 1;
	c.memory = 2;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));
	c.memory = BIOUNIT_MEMORY_MMAP;
	c.reserved[3] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_CREATE_BUFS, &c));

	other = open(self->u.dev, O_RDWR);
	ASSERT_GE(other, 0);
	c.reserved[3] = 0;
	EXPECT_ERRNO(EBUSY, ioctl(other, BIOUNIT_IOC_CREATE_BUFS, &c));
	close(other);
}

TEST_F(unit, formats_name_their_channel_from_the_start)
{
	unsigned int c;

	for (c = 0; c < BIOUNIT_CH_COUNT; c++) {
		struct biounit_format f = { .channel = c };

		ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_G_FMT, &f));
		EXPECT_EQ(c, f.channel);
	}
}

TEST_F(unit, reqbufs_gives_what_is_asked)
{
	EXPECT_EQ(1, bu_reqbufs(self->fd, BIOUNIT_CH_FACE, 1, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(0, bu_reqbufs(self->fd, BIOUNIT_CH_FACE, 0, BIOUNIT_MEMORY_MMAP));
	EXPECT_EQ(3, bu_reqbufs(self->fd, BIOUNIT_CH_FACE, 3, BIOUNIT_MEMORY_MMAP));
}

TEST_F(unit, expbuf_access_modes)
{
	struct biounit_exportbuffer e = { .channel = BIOUNIT_CH_FACE, .index = 0 };

	ASSERT_EQ(1, bu_reqbufs(self->fd, BIOUNIT_CH_FACE, 1, BIOUNIT_MEMORY_MMAP));
	e.flags = O_WRONLY;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	e.flags = O_RDONLY | O_CLOEXEC;
	ASSERT_EQ(0, ioctl(self->fd, BIOUNIT_IOC_EXPBUF, &e));
	EXPECT_GE(e.fd, 0);
	close(e.fd);
}

TEST_HARNESS_MAIN
