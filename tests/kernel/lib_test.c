// SPDX-License-Identifier: GPL-2.0
/*
 * libbiounit against the simulator: discovery of two units, hot-plug events,
 * states, formats, controls and events through the library, the face channel
 * streamed in both memory modes with every frame equal to the scene, the
 * finger channel's frame handed to the fingerprint quality code as it lies in
 * the buffer, pen samples, and a unit unplugged mid-stream.
 *
 * Linked dynamically (Debian has no libudev.a); run-vm.sh copies the shared
 * libraries into the VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <biounit/biounit.h>
#include "finger/finger.h"

#include "kselftest_harness.h"
#include "bu_sim.h"

/* A unit named after the test and the process, with serial "S-<name>" */
static int make_unit(struct bu_unit *u, const char *tag, const char *const *extra)
{
	const char *setup[8];
	char name[48], serial[64];
	int i = 0;

	snprintf(name, sizeof(name), "lib%s%d", tag, getpid());
	snprintf(serial, sizeof(serial), "serial=S-%s", name);
	setup[i++] = serial;
	setup[i++] = "model=IND-LIBTEST";
	for (; extra && *extra && i < 7; extra++)
		setup[i++] = *extra;
	setup[i] = NULL;
	return bu_unit_create(u, name, setup);
}

static const struct biounit_unit_info *find_info(const struct biounit_unit_list *l,
						 const char *node)
{
	size_t i;

	for (i = 0; i < biounit_unit_list_count(l); i++) {
		const struct biounit_unit_info *u = biounit_unit_list_get(l, i);

		if (!strcmp(biounit_unit_info_get_node(u), node))
			return u;
	}
	return NULL;
}

TEST(enumerate_two_units)
{
	static const char *const no_pad[] = { "signature/present=0", NULL };
	const struct biounit_unit_info *a, *b;
	struct biounit_unit_list *l;
	struct bu_unit ua, ub;
	size_t before;
	char serial[80];

	ASSERT_EQ(0, biounit_enumerate(&l));
	before = biounit_unit_list_count(l);
	biounit_unit_list_free(l);

	ASSERT_EQ(0, make_unit(&ua, "a", NULL));
	ASSERT_EQ(0, make_unit(&ub, "b", no_pad));
	ASSERT_EQ(0, biounit_enumerate(&l));
	EXPECT_EQ(before + 2, biounit_unit_list_count(l));
	a = find_info(l, ua.dev);
	b = find_info(l, ub.dev);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_STREQ(ua.node, biounit_unit_info_get_name(a));
	EXPECT_STREQ("IND-LIBTEST", biounit_unit_info_get_model(a));
	snprintf(serial, sizeof(serial), "S-%s", ua.name);
	EXPECT_STREQ(serial, biounit_unit_info_get_serial(a));
	snprintf(serial, sizeof(serial), "S-%s", ub.name);
	EXPECT_STREQ(serial, biounit_unit_info_get_serial(b));
	EXPECT_EQ(7u, biounit_unit_info_get_channels(a));
	EXPECT_EQ(3u, biounit_unit_info_get_channels(b));
	EXPECT_EQ((uint32_t)BIOUNIT_API_VERSION, biounit_unit_info_get_api_version(a));
	EXPECT_EQ(BIOUNIT_STATE_READY, biounit_unit_info_get_state(a));
	EXPECT_EQ(BIOUNIT_STATE_READY, biounit_unit_info_get_state(b));
	EXPECT_EQ(0, biounit_unit_info_get_error(a));
	EXPECT_NE(NULL, strstr(biounit_unit_info_get_syspath(a), ua.node));
	biounit_unit_list_free(l);

	EXPECT_EQ(0, bu_unit_destroy(&ua));
	EXPECT_EQ(0, bu_unit_destroy(&ub));
	ASSERT_EQ(0, biounit_enumerate(&l));
	EXPECT_EQ(before, biounit_unit_list_count(l));
	EXPECT_EQ(NULL, find_info(l, ua.dev));
	biounit_unit_list_free(l);
}

/* Waits up to ms for the next event of the monitor */
static int monitor_wait(struct biounit_monitor *m, struct biounit_monitor_event *ev, int ms)
{
	struct pollfd p = { .fd = biounit_monitor_get_fd(m), .events = POLLIN };
	int r;

	for (;;) {
		r = biounit_monitor_read_event(m, ev);
		if (r != -EAGAIN)
			return r;
		r = poll(&p, 1, ms);
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
	}
}

TEST(monitor_sees_add_and_remove)
{
	struct biounit_monitor_event ev;
	struct biounit_monitor *m;
	enum biounit_state st;
	struct bu_unit u;

	ASSERT_EQ(0, biounit_monitor_new(&m));
	EXPECT_EQ(-EAGAIN, biounit_monitor_read_event(m, &ev));
	ASSERT_EQ(0, make_unit(&u, "mon", NULL));
	ASSERT_EQ(0, monitor_wait(m, &ev, 3000));
	EXPECT_EQ(BIOUNIT_MONITOR_ADDED, ev.type);
	EXPECT_STREQ(u.node, ev.name);
	EXPECT_STREQ(u.dev, ev.node);
	ASSERT_EQ(0, biounit_state_of(ev.node, &st));
	EXPECT_EQ(BIOUNIT_STATE_READY, st);

	ASSERT_EQ(0, bu_unit_destroy(&u));
	ASSERT_EQ(0, monitor_wait(m, &ev, 3000));
	EXPECT_EQ(BIOUNIT_MONITOR_REMOVED, ev.type);
	EXPECT_STREQ(u.node, ev.name);
	ASSERT_EQ(0, biounit_state_of(u.node, &st));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, st);
	EXPECT_EQ(-ETIMEDOUT, monitor_wait(m, &ev, 200));
	biounit_monitor_free(m);
}

TEST(open_by_serial_states_and_busy)
{
	struct biounit_capture_stream *s, *s2 = (void *)1;
	struct biounit_unit *unit, *other;
	struct bu_unit u, twin;
	enum biounit_state st;
	char serial[80], twin_serial[96];
	const char *twin_setup[] = { twin_serial, NULL };

	ASSERT_EQ(0, make_unit(&u, "ser", NULL));
	snprintf(serial, sizeof(serial), "S-%s", u.name);
	ASSERT_EQ(0, biounit_unit_open_by_serial(serial, &unit));
	EXPECT_STREQ(u.dev, biounit_unit_get_node(unit));
	EXPECT_STREQ(serial, (const char *)biounit_unit_get_caps(unit)->serial);
	EXPECT_STREQ("biounit", (const char *)biounit_unit_get_caps(unit)->driver);
	EXPECT_EQ(7u, biounit_unit_get_caps(unit)->channels);
	EXPECT_EQ(BIOUNIT_STATE_READY, biounit_unit_get_state(unit));
	EXPECT_EQ(-ENOENT, biounit_unit_open_by_serial("S-nobody", &other));

	/* a stream owns its channel: the unit is busy for everybody */
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FINGER, NULL, 2,
					BIOUNIT_STREAM_MMAP, &s));
	EXPECT_EQ(BIOUNIT_STATE_BUSY, biounit_unit_get_state(unit));
	ASSERT_EQ(0, biounit_state_of(u.node, &st));
	EXPECT_EQ(BIOUNIT_STATE_BUSY, st);
	ASSERT_EQ(0, biounit_unit_open(u.dev, &other));
	EXPECT_EQ(BIOUNIT_STATE_BUSY, biounit_unit_get_state(other));
	EXPECT_EQ(-EBUSY, biounit_stream_new(other, BIOUNIT_CH_FINGER, NULL, 2,
					      BIOUNIT_STREAM_MMAP, &s2));
	EXPECT_EQ(NULL, s2);
	biounit_unit_close(other);
	biounit_stream_free(s);
	EXPECT_EQ(BIOUNIT_STATE_READY, biounit_unit_get_state(unit));

	/* two units with one serial: which one is meant is not known */
	snprintf(twin_serial, sizeof(twin_serial), "serial=%s", serial);
	ASSERT_EQ(0, bu_unit_create(&twin, "libtwin", twin_setup));
	EXPECT_EQ(-EEXIST, biounit_unit_open_by_serial(serial, &other));
	EXPECT_EQ(0, bu_unit_destroy(&twin));

	biounit_unit_close(unit);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

TEST(formats_controls_events)
{
	struct biounit_capture_stream *s;
	struct biounit_channel_info ci;
	struct biounit_ctrl_info ctl;
	struct biounit_fmtdesc d;
	struct biounit_frmsize fs;
	struct biounit_format f;
	struct biounit_event ev;
	struct biounit_unit *unit;
	struct bu_unit u;
	unsigned int n;
	int64_t v;

	ASSERT_EQ(0, make_unit(&u, "fmt", NULL));
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));

	ASSERT_EQ(0, biounit_unit_channel_info(unit, BIOUNIT_CH_FINGER, &ci));
	EXPECT_EQ((uint32_t)BIOUNIT_CHTYPE_SCANNER, ci.type);
	EXPECT_EQ(500u, ci.resolution_ppi);
	EXPECT_EQ(-EINVAL, biounit_unit_channel_info(unit, 3, &ci));

	for (n = 0; biounit_unit_enum_format(unit, BIOUNIT_CH_FACE, n, &d) == 0; n++)
		;
	EXPECT_EQ(5u, n);
	EXPECT_EQ(-ENOENT, biounit_unit_enum_format(unit, BIOUNIT_CH_FACE, 5, &d));
	ASSERT_EQ(0, biounit_unit_enum_format(unit, BIOUNIT_CH_FACE, 4, &d));
	EXPECT_EQ((uint32_t)BIOUNIT_FMT_XBGR32, d.pixelformat);
	ASSERT_EQ(0, biounit_unit_enum_format(unit, BIOUNIT_CH_SIGNATURE, 0, &d));
	EXPECT_EQ((uint32_t)BIOUNIT_FMT_PEN, d.pixelformat);
	for (n = 0; biounit_unit_enum_framesize(unit, BIOUNIT_CH_FACE, BIOUNIT_FMT_GREY,
						n, &fs) == 0; n++)
		;
	EXPECT_EQ(5u, n);
	EXPECT_EQ(-ENOENT, biounit_unit_enum_framesize(unit, BIOUNIT_CH_FACE,
						       BIOUNIT_FMT_GREY, 5, &fs));
	EXPECT_EQ(-EINVAL, biounit_unit_enum_framesize(unit, BIOUNIT_CH_FINGER,
						       BIOUNIT_FMT_RGB24, 0, &fs));
	EXPECT_EQ(-EINVAL, biounit_unit_enum_framesize(unit, BIOUNIT_CH_FINGER,
						       BIOUNIT_FMT_RGB24, 3, &fs));

	memset(&f, 0, sizeof(f));
	f.channel = BIOUNIT_CH_FACE;
	f.pixelformat = BIOUNIT_FMT_RGB24;
	f.width = 1280;
	f.height = 720;
	ASSERT_EQ(0, biounit_unit_try_format(unit, &f));
	EXPECT_EQ(3u * 1280 * 720, f.sizeimage);
	f.width = 1281;
	EXPECT_EQ(-EINVAL, biounit_unit_try_format(unit, &f));
	f.width = 1280;
	ASSERT_EQ(0, biounit_unit_set_format(unit, &f));
	ASSERT_EQ(0, biounit_unit_get_format(unit, BIOUNIT_CH_FACE, &f));
	EXPECT_EQ((uint32_t)BIOUNIT_FMT_RGB24, f.pixelformat);
	EXPECT_EQ(1280u, f.width);

	for (n = 0; biounit_unit_enum_control(unit, n, &ctl) == 0; n++)
		;
	EXPECT_EQ(7u, n);
	ASSERT_EQ(0, biounit_unit_find_control(unit, BIOUNIT_CID_FACE_GAIN, &ctl));
	EXPECT_EQ(100, ctl.minimum);
	EXPECT_EQ(1600, ctl.maximum);
	EXPECT_EQ(-ENOENT, biounit_unit_find_control(unit, 0x999, &ctl));
	ASSERT_EQ(0, biounit_unit_set_control(unit, BIOUNIT_CID_FACE_GAIN, 250));
	ASSERT_EQ(0, biounit_unit_get_control(unit, BIOUNIT_CID_FACE_GAIN, &v));
	EXPECT_EQ(250, v);
	EXPECT_EQ(-ERANGE, biounit_unit_set_control(unit, BIOUNIT_CID_FACE_GAIN, 99));
	EXPECT_EQ(-ERANGE, biounit_unit_set_control(unit, BIOUNIT_CID_FACE_GAIN, 1601));
	EXPECT_EQ(-ENOENT, biounit_unit_set_control(unit, 0x999, 1));
	EXPECT_EQ(-ENOENT, biounit_unit_get_control(unit, 0x999, &v));

	/* events: the finger placed when the scanner starts */
	EXPECT_EQ(-EINVAL, biounit_unit_subscribe(unit, 1));
	ASSERT_EQ(0, biounit_unit_subscribe(unit, 1u << BIOUNIT_EVENT_FINGER_PLACED));
	EXPECT_EQ(-ETIMEDOUT, biounit_unit_read_event(unit, 0, &ev));
	EXPECT_EQ(-ETIMEDOUT, biounit_unit_read_event(unit, 50, &ev));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FINGER, NULL, 4,
					BIOUNIT_STREAM_MMAP, &s));
	ASSERT_EQ(0, biounit_stream_start(s));
	ASSERT_EQ(0, biounit_unit_read_event(unit, 3000, &ev));
	EXPECT_EQ((uint32_t)BIOUNIT_EVENT_FINGER_PLACED, ev.type);
	EXPECT_EQ((uint32_t)BIOUNIT_CH_FINGER, ev.channel);
	/* a format change needs the buffers gone: refused while the stream has them */
	f.channel = BIOUNIT_CH_FINGER;
	f.pixelformat = BIOUNIT_FMT_GREY;
	f.width = 800;
	f.height = 750;
	f.interval_us = 0;
	EXPECT_EQ(-EBUSY, biounit_unit_set_format(unit, &f));
	biounit_stream_free(s);

	biounit_unit_close(unit);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

/* A unit named after @tag with a w x h RGB scene (seed @seed) on its face channel */
static const uint8_t *face_scene_unit(struct __test_metadata *_metadata, struct bu_unit *u,
				      const char *tag, uint32_t w, uint32_t h, uint32_t seed,
				      void **scene)
{
	size_t len;

	ASSERT_EQ(0, make_unit(u, tag, NULL));
	*scene = bu_pnm_make(w, h, 3, seed, &len);
	ASSERT_NE(NULL, *scene);
	ASSERT_EQ(0, bu_scene_write(u->name, "face", *scene, len));
	return bu_pnm_pixels(*scene, len, w, h, 3);
}

/*
 * Streams the face channel: n frames, each compared with want (RGB24, XBGR32
 * or GREY, w x h), checking zero copy, sequence and timestamps.
 */
static void face_frames(struct __test_metadata *_metadata, struct biounit_unit *unit,
			enum biounit_stream_memory mem, uint32_t pixfmt,
			const uint8_t *want, uint32_t w, uint32_t h)
{
	struct biounit_capture_stream *s;
	struct biounit_format f = {
		.pixelformat = pixfmt, .width = w, .height = h, .interval_us = 20000,
	};
	unsigned int bpp = pixfmt == BIOUNIT_FMT_RGB24 ? 3 : pixfmt == BIOUNIT_FMT_XBGR32 ? 4 : 1;
	enum biounit_pixfmt view_fmt = bpp == 3 ? BIOUNIT_PIX_RGB24 :
				       bpp == 4 ? BIOUNIT_PIX_XBGR32 : BIOUNIT_PIX_GREY;
	unsigned int i, bad = 0;
	struct biounit_frame *fr;
	uint64_t last_ts = bu_now_ns();
	uint32_t last_seq = 0;

	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, &f, 4, mem, &s));
	EXPECT_EQ(4u, biounit_stream_get_buffer_count(s));
	EXPECT_EQ(pixfmt, biounit_stream_get_format(s)->pixelformat);
	EXPECT_EQ(w * h * bpp, biounit_stream_get_format(s)->sizeimage);
	ASSERT_EQ(0, biounit_stream_start(s));
	ASSERT_EQ(0, biounit_stream_start(s));	/* again: nothing happens */
	for (i = 0; i < 20; i++) {
		struct biounit_image_view v;

		ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
		ASSERT_EQ(0, biounit_frame_get_view(fr, &v));
		EXPECT_EQ(biounit_frame_get_data(fr), (const void *)v.data);
		EXPECT_EQ(view_fmt, v.format);
		EXPECT_EQ(w, v.width);
		EXPECT_EQ(h, v.height);
		EXPECT_EQ(w * bpp, v.stride);
		EXPECT_EQ((size_t)w * h * bpp, biounit_frame_get_size(fr));
		EXPECT_EQ(0, biounit_frame_is_error(fr));
		if (mem == BIOUNIT_STREAM_DMABUF_EXPORT) {
			EXPECT_GE(biounit_frame_get_dmabuf_fd(fr), 0);
		} else {
			EXPECT_EQ(-1, biounit_frame_get_dmabuf_fd(fr));
		}
		if (i) {
			EXPECT_GT(biounit_frame_get_sequence(fr), last_seq);
		}
		last_seq = biounit_frame_get_sequence(fr);
		EXPECT_GT(biounit_frame_get_timestamp_ns(fr), last_ts);
		last_ts = biounit_frame_get_timestamp_ns(fr);
		if (memcmp(v.data, want, (size_t)w * h * bpp))
			bad++;
		EXPECT_EQ(NULL, biounit_frame_get_pen_samples(fr, &(size_t){ 0 }));
		ASSERT_EQ(0, biounit_frame_release(fr));
		EXPECT_EQ(-EINVAL, biounit_frame_release(fr));	/* twice */
	}
	EXPECT_EQ(0u, bad);
	ASSERT_EQ(0, biounit_stream_stop(s));
	EXPECT_EQ(-EINVAL, biounit_stream_dequeue(s, 10, &fr));
	/* started again, the frames come again */
	ASSERT_EQ(0, biounit_stream_start(s));
	ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
	EXPECT_EQ(0, memcmp(biounit_frame_get_data(fr), want, (size_t)w * h * bpp));
	biounit_frame_release(fr);
	biounit_stream_free(s);
}

/* A started two-buffer face stream of format @f, its first frame and that frame's view */
static struct biounit_frame *first_frame(struct __test_metadata *_metadata,
					 struct biounit_unit *unit, struct biounit_format *f,
					 enum biounit_stream_memory mem,
					 struct biounit_capture_stream **s, struct biounit_image_view *v)
{
	struct biounit_frame *fr = NULL;

	*s = NULL;
	EXPECT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, f, 2, mem, s));
	if (!*s)
		return NULL;
	EXPECT_EQ(0, biounit_stream_start(*s));
	EXPECT_EQ(0, biounit_stream_dequeue(*s, 3000, &fr));
	if (fr && biounit_frame_get_view(fr, v)) {
		biounit_frame_release(fr);
		fr = NULL;
	}
	return fr;
}

TEST(face_frames_equal_the_scene_mmap_and_dmabuf)
{
	const uint32_t w = 640, h = 480;
	const uint8_t *rgb;
	struct biounit_unit *unit;
	struct bu_unit u;
	uint8_t *grey;
	void *scene;
	size_t i;

	rgb = face_scene_unit(_metadata, &u, "face", w, h, 7, &scene);
	grey = malloc((size_t)w * h);
	ASSERT_NE(NULL, grey);
	for (i = 0; i < (size_t)w * h; i++)
		grey[i] = bu_y(rgb + 3 * i);
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));

	face_frames(_metadata, unit, BIOUNIT_STREAM_MMAP, BIOUNIT_FMT_RGB24, rgb, w, h);
	face_frames(_metadata, unit, BIOUNIT_STREAM_DMABUF_EXPORT, BIOUNIT_FMT_RGB24, rgb, w, h);
	face_frames(_metadata, unit, BIOUNIT_STREAM_MMAP, BIOUNIT_FMT_GREY, grey, w, h);
	face_frames(_metadata, unit, BIOUNIT_STREAM_DMABUF_EXPORT, BIOUNIT_FMT_GREY, grey, w, h);

	/* XBGR32, the display's format: its view, and that view converted for the quality code */
	{
		uint8_t *bgrx = malloc((size_t)w * h * 4);
		struct biounit_format f = { .pixelformat = BIOUNIT_FMT_XBGR32, .width = w,
					    .height = h };
		struct biounit_capture_stream *s;
		struct biounit_image_view v, cv;
		struct biounit_image *rgb_img;
		struct biounit_frame *fr;

		ASSERT_NE(NULL, bgrx);
		bu_xbgr32(rgb, (size_t)w * h, bgrx);
		face_frames(_metadata, unit, BIOUNIT_STREAM_MMAP, BIOUNIT_FMT_XBGR32, bgrx, w, h);
		face_frames(_metadata, unit, BIOUNIT_STREAM_DMABUF_EXPORT, BIOUNIT_FMT_XBGR32,
			    bgrx, w, h);
		free(bgrx);
		fr = first_frame(_metadata, unit, &f, BIOUNIT_STREAM_DMABUF_EXPORT, &s, &v);
		ASSERT_NE(NULL, fr);
		EXPECT_EQ(BIOUNIT_PIX_XBGR32, v.format);
		EXPECT_EQ(-ENOTSUP, biounit_image_view_check(&v));
		ASSERT_EQ(0, biounit_image_new(w, h, BIOUNIT_PIX_RGB24, &rgb_img));
		ASSERT_EQ(0, biounit_image_convert(&v, rgb_img));
		cv = biounit_image_get_view(rgb_img);
		EXPECT_EQ(0, biounit_image_view_check(&cv));
		EXPECT_EQ(0, memcmp(cv.data, rgb, (size_t)w * h * 3));
		biounit_image_free(rgb_img);
		biounit_frame_release(fr);
		biounit_stream_free(s);
	}

	/* NV12: the view is the luma plane; YUYV has no view */
	{
		struct biounit_format f = { .pixelformat = BIOUNIT_FMT_NV12, .width = w, .height = h };
		struct biounit_capture_stream *s;
		struct biounit_image_view v;
		struct biounit_frame *fr;

		fr = first_frame(_metadata, unit, &f, BIOUNIT_STREAM_MMAP, &s, &v);
		ASSERT_NE(NULL, fr);
		EXPECT_EQ(BIOUNIT_PIX_GREY, v.format);
		EXPECT_EQ(0, memcmp(v.data, grey, (size_t)w * h));
		biounit_frame_release(fr);
		biounit_stream_free(s);
		f.pixelformat = BIOUNIT_FMT_YUYV;
		ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, &f, 2,
						BIOUNIT_STREAM_DMABUF_EXPORT, &s));
		ASSERT_EQ(0, biounit_stream_start(s));
		ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
		EXPECT_EQ(-ENOTSUP, biounit_frame_get_view(fr, &v));
		/* freed with a frame still held: released with the stream */
		biounit_stream_free(s);
	}
	/* bad arguments */
	{
		struct biounit_format f = { .pixelformat = BIOUNIT_FMT_GREY, .width = 641, .height = 480 };
		struct biounit_capture_stream *s;

		EXPECT_EQ(-EINVAL, biounit_stream_new(unit, BIOUNIT_CH_FACE, &f, 2,
						      BIOUNIT_STREAM_MMAP, &s));
		EXPECT_EQ(-EINVAL, biounit_stream_new(unit, BIOUNIT_CH_FACE, NULL, 0,
						      BIOUNIT_STREAM_MMAP, &s));
		EXPECT_EQ(-EINVAL, biounit_stream_new(unit, BIOUNIT_CH_FACE, NULL, 17,
						      BIOUNIT_STREAM_MMAP, &s));
		EXPECT_EQ(-EINVAL, biounit_stream_new(unit, 3, NULL, 2,
						      BIOUNIT_STREAM_MMAP, &s));
		EXPECT_EQ(-EINVAL, biounit_stream_new(unit, BIOUNIT_CH_FACE, NULL, 2,
						      (enum biounit_stream_memory)3, &s));
	}

	biounit_unit_close(unit);
	free(grey);
	free(scene);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

/*
 * The stream keeps nothing of its unit (it has its own open file): the unit is
 * closed right after the stream is made, and the stream still starts, gives
 * frames equal to the scene, stops and is freed (lib_test_san: ASan would see
 * a use of the freed unit).
 */
TEST(stream_outlives_its_unit)
{
	const uint32_t w = 640, h = 480;
	struct biounit_format f = {
		.pixelformat = BIOUNIT_FMT_RGB24, .width = w, .height = h, .interval_us = 20000,
	};
	struct biounit_capture_stream *s;
	struct biounit_unit *unit;
	struct biounit_frame *fr;
	const uint8_t *rgb;
	struct bu_unit u;
	unsigned int i;
	void *scene;

	rgb = face_scene_unit(_metadata, &u, "alone", w, h, 11, &scene);
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, &f, 3, BIOUNIT_STREAM_MMAP, &s));
	biounit_unit_close(unit);
	ASSERT_EQ(0, biounit_stream_start(s));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
		EXPECT_EQ((size_t)w * h * 3, biounit_frame_get_size(fr));
		EXPECT_EQ(0, memcmp(biounit_frame_get_data(fr), rgb, (size_t)w * h * 3));
		ASSERT_EQ(0, biounit_frame_release(fr));
	}
	EXPECT_EQ(0, biounit_stream_stop(s));
	biounit_stream_free(s);
	free(scene);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

TEST(finger_frame_goes_to_the_quality_code)
{
	struct biounit_finger_report *rep;
	struct biounit_capture_stream *s;
	struct biounit_channel_info ci;
	struct biounit_image_view v;
	struct biounit_unit *unit;
	struct biounit_frame *fr;
	struct bu_unit u;
	const uint8_t *px;
	size_t len;
	void *scene;

	ASSERT_EQ(0, make_unit(&u, "fing", NULL));
	scene = bu_pnm_make(400, 500, 1, 3, &len);
	ASSERT_NE(NULL, scene);
	ASSERT_EQ(0, bu_scene_write(u.name, "finger", scene, len));
	px = bu_pnm_pixels(scene, len, 400, 500, 1);
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));
	ASSERT_EQ(0, biounit_unit_channel_info(unit, BIOUNIT_CH_FINGER, &ci));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FINGER, NULL, 2,
					BIOUNIT_STREAM_DMABUF_EXPORT, &s));
	EXPECT_EQ((uint32_t)BIOUNIT_FMT_GREY, biounit_stream_get_format(s)->pixelformat);
	ASSERT_EQ(0, biounit_stream_start(s));
	ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
	ASSERT_EQ(0, biounit_frame_get_view(fr, &v));
	EXPECT_EQ(400u, v.width);
	EXPECT_EQ(500u, v.height);
	EXPECT_EQ(0, memcmp(v.data, px, 400 * 500));
	ASSERT_EQ(0, biounit_finger_assess(&v, ci.resolution_ppi, &rep));
	EXPECT_LE(biounit_finger_report_score(rep), 100u);
	biounit_finger_report_free(rep);
	EXPECT_EQ(0, biounit_frame_release(fr));
	biounit_stream_free(s);
	biounit_unit_close(unit);
	free(scene);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

TEST(pen_samples_follow_the_script)
{
	static const char script[] =
		"0 100 400 0\n10000 110 400 300\n20000 140 390 420\n"
		"30000 180 380 460\n40000 180 380 0\n";
	struct biounit_format f = { .pixelformat = BIOUNIT_FMT_PEN, .width = 16, .height = 1,
				    .interval_us = 5000 };
	static const uint32_t want_x[5] = { 100, 110, 140, 180, 180 };
	static const uint16_t want_p[5] = { 0, 300, 420, 460, 0 };
	struct biounit_pen_sample got[5];
	struct biounit_capture_stream *s;
	struct biounit_unit *unit;
	struct bu_unit u;
	unsigned int n = 0, k;

	ASSERT_EQ(0, make_unit(&u, "pen", NULL));
	ASSERT_EQ(0, bu_scene_write(u.name, "signature", script, sizeof(script) - 1));
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_SIGNATURE, &f, 4,
					BIOUNIT_STREAM_MMAP, &s));
	ASSERT_EQ(0, biounit_stream_start(s));
	while (n < 5) {
		const struct biounit_pen_sample *ps;
		struct biounit_image_view v;
		struct biounit_frame *fr;
		size_t cnt;

		ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &fr));
		ps = biounit_frame_get_pen_samples(fr, &cnt);
		ASSERT_NE(NULL, ps);
		ASSERT_GT(cnt, 0u);
		EXPECT_EQ(-ENOTSUP, biounit_frame_get_view(fr, &v));
		for (k = 0; k < cnt && n < 5; k++)
			got[n++] = ps[k];
		biounit_frame_release(fr);
	}
	for (k = 0; k < 5; k++) {
		EXPECT_EQ(want_x[k], got[k].x);
		EXPECT_EQ(want_p[k], got[k].pressure);
		if (k) {
			EXPECT_EQ(10000000ull, got[k].timestamp_ns - got[k - 1].timestamp_ns);
		}
	}
	EXPECT_TRUE(got[1].flags & BIOUNIT_PEN_STROKE_START);
	biounit_stream_free(s);
	biounit_unit_close(unit);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

TEST(unplug_mid_stream)
{
	struct biounit_capture_stream *s;
	struct biounit_frame *held, *fr;
	struct biounit_unit *unit;
	struct biounit_event ev;
	enum biounit_state st;
	struct bu_unit u;
	const uint8_t *px;
	unsigned int gone = 0;
	int r;

	ASSERT_EQ(0, make_unit(&u, "unpl", NULL));
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, NULL, 4,
					BIOUNIT_STREAM_DMABUF_EXPORT, &s));
	ASSERT_EQ(0, biounit_stream_start(s));
	ASSERT_EQ(0, biounit_stream_dequeue(s, 3000, &held));

	ASSERT_EQ(0, bu_attr_write(u.name, "live", "0"));
	/* frames already in the queue may still come; then ENODEV */
	do {
		r = biounit_stream_dequeue(s, 3000, &fr);
		if (!r)
			biounit_frame_release(fr);
	} while (r == 0);
	EXPECT_EQ(-ENODEV, r);
	EXPECT_EQ(-ENODEV, biounit_stream_dequeue(s, 0, &fr));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, biounit_unit_get_state(unit));
	ASSERT_EQ(0, biounit_state_of(u.node, &st));
	EXPECT_EQ(BIOUNIT_STATE_ABSENT, st);

	/* what was captured stays readable: no scene, so mid-grey */
	px = biounit_frame_get_data(held);
	EXPECT_EQ(0x80, px[0]);
	EXPECT_EQ(0x80, px[biounit_frame_get_size(held) - 1]);
	biounit_frame_release(held);

	while ((r = biounit_unit_read_event(unit, 0, &ev)) == 0)
		gone += ev.type == BIOUNIT_EVENT_UNIT_GONE;
	EXPECT_EQ(1u, gone);
	EXPECT_EQ(-ENODEV, r);
	EXPECT_EQ(-ENODEV, biounit_stream_start(s));
	biounit_stream_free(s);
	biounit_unit_close(unit);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

struct dq_arg {
	struct biounit_capture_stream *s;
	uint32_t seqs[30];
	int err;
};

static void *dq_thread(void *p)
{
	struct dq_arg *a = p;
	struct biounit_frame *fr;
	unsigned int i;

	for (i = 0; i < 30; i++) {
		a->err = biounit_stream_dequeue(a->s, 3000, &fr);
		if (a->err)
			break;
		a->seqs[i] = biounit_frame_get_sequence(fr);
		a->err = biounit_frame_release(fr);
		if (a->err)
			break;
	}
	return NULL;
}

/* One stream handle used from two threads: every frame goes to exactly one */
TEST(two_threads_share_a_stream)
{
	struct biounit_format f = { .pixelformat = BIOUNIT_FMT_GREY, .width = 640,
				    .height = 480, .interval_us = 16666 };
	struct dq_arg a[2];
	struct biounit_unit *unit;
	pthread_t t[2];
	struct bu_unit u;
	unsigned int i, j;

	ASSERT_EQ(0, make_unit(&u, "thr", NULL));
	ASSERT_EQ(0, biounit_unit_open(u.dev, &unit));
	memset(a, 0, sizeof(a));
	ASSERT_EQ(0, biounit_stream_new(unit, BIOUNIT_CH_FACE, &f, 6,
					BIOUNIT_STREAM_DMABUF_EXPORT, &a[0].s));
	a[1].s = a[0].s;
	ASSERT_EQ(0, biounit_stream_start(a[0].s));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, dq_thread, &a[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0, a[0].err);
	EXPECT_EQ(0, a[1].err);
	for (i = 0; i < 30; i++)
		for (j = 0; j < 30; j++)
			EXPECT_NE(a[0].seqs[i], a[1].seqs[j]);
	biounit_stream_free(a[0].s);
	biounit_unit_close(unit);
	EXPECT_EQ(0, bu_unit_destroy(&u));
}

/* The state of one unit in a fresh enumeration; -1 if it is not listed */
static int listed_state(const char *node, int *err)
{
	const struct biounit_unit_info *i;
	struct biounit_unit_list *l;
	int st = -1;

	if (biounit_enumerate(&l))
		return -2;
	i = find_info(l, node);
	if (i) {
		st = biounit_unit_info_get_state(i);
		if (err)
			*err = biounit_unit_info_get_error(i);
	}
	biounit_unit_list_free(l);
	return st;
}

TEST(states_initialising_error_and_failed_probe)
{
	static const char *const broken[] = { "face/max_width=320", NULL };
	struct biounit_unit_list *l;
	struct biounit_unit *unit;
	enum biounit_state st;
	size_t before;
	struct bu_unit u, bad;
	struct stat sb;
	pid_t pid;
	int status, err = 0;

	/* a unit that fails to probe is no unit: absent, not listed */
	ASSERT_EQ(0, biounit_enumerate(&l));
	before = biounit_unit_list_count(l);
	biounit_unit_list_free(l);
	EXPECT_EQ(-ENXIO, make_unit(&bad, "bad", broken));
	ASSERT_EQ(0, biounit_enumerate(&l));
	EXPECT_EQ(before, biounit_unit_list_count(l));
	biounit_unit_list_free(l);
	EXPECT_EQ(0, bu_unit_destroy(&bad));

	/* the device is in sysfs but its node is not in /dev (yet) */
	ASSERT_EQ(0, make_unit(&u, "ini", NULL));
	ASSERT_EQ(0, stat(u.dev, &sb));
	ASSERT_EQ(0, unlink(u.dev));
	EXPECT_EQ(BIOUNIT_STATE_INITIALISING, listed_state(u.dev, NULL));
	ASSERT_EQ(0, biounit_state_of(u.node, &st));
	EXPECT_EQ(BIOUNIT_STATE_INITIALISING, st);
	EXPECT_EQ(-ENOENT, biounit_unit_open(u.dev, &unit));
	/* a node of another device in its place: not the unit's, still initialising */
	ASSERT_EQ(0, mknod(u.dev, S_IFCHR | 0600, makedev(1, 3)));
	EXPECT_EQ(BIOUNIT_STATE_INITIALISING, listed_state(u.dev, NULL));
	EXPECT_EQ(-ENOTTY, biounit_unit_open(u.dev, &unit));
	ASSERT_EQ(0, unlink(u.dev));
	ASSERT_EQ(0, mknod(u.dev, S_IFCHR | 0600, sb.st_rdev));
	EXPECT_EQ(BIOUNIT_STATE_READY, listed_state(u.dev, NULL));

	/* present but not usable from here: an unprivileged user gets EACCES */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		st = listed_state(u.dev, &err);
		if (st != BIOUNIT_STATE_ERROR)
			_exit(11);
		if (err != -EACCES)
			_exit(12);
		if (biounit_unit_open(u.dev, &unit) != -EACCES)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	EXPECT_EQ(0, bu_unit_destroy(&u));
	EXPECT_EQ(-1, listed_state(u.dev, NULL));
}

/* Runs ./biounitctl ARGS (next to this test in the payload); exit status, output in out */
static int biounitctl(const char *args, char *out, size_t len)
{
	char cmd[256];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "./biounitctl %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(biounitctl_list_and_info)
{
	static const char *const face_only[] = { "finger/present=0", "signature/present=0", NULL };
	char out[8192], arg[96];
	struct bu_unit a, b;

	if (access("./biounitctl", X_OK))
		SKIP(return, "no ./biounitctl in the payload");
	ASSERT_EQ(0, make_unit(&a, "ctla", NULL));
	ASSERT_EQ(0, make_unit(&b, "ctlb", face_only));
	EXPECT_EQ(0, biounitctl("list", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, a.dev)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, b.dev));
	EXPECT_NE(NULL, strstr(out, "face,finger,signature"));
	EXPECT_NE(NULL, strstr(out, "ready"));
	EXPECT_NE(NULL, strstr(out, "IND-LIBTEST"));

	EXPECT_EQ(2, biounitctl(a.node, out, sizeof(out)));	/* no subcommand */
	snprintf(arg, sizeof(arg), "info %s", a.node);
	EXPECT_EQ(0, biounitctl(arg, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "finger scanner")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "500 ppi"));
	EXPECT_NE(NULL, strstr(out, "Face gain"));
	EXPECT_NE(NULL, strstr(out, "4096x3072(still)"));
	snprintf(arg, sizeof(arg), "info S-%s", b.name);	/* by serial */
	EXPECT_EQ(0, biounitctl(arg, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, b.dev)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "finger scanner"));
	snprintf(arg, sizeof(arg), "info %s", b.dev);
	EXPECT_EQ(0, biounitctl(arg, out, sizeof(out)));

	EXPECT_EQ(0, bu_unit_destroy(&a));
	snprintf(arg, sizeof(arg), "info %s", a.node);
	EXPECT_EQ(1, biounitctl(arg, out, sizeof(out)));
	EXPECT_EQ(0, bu_unit_destroy(&b));
}

TEST_HARNESS_MAIN
