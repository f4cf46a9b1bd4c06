// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-screen planes: which path a display takes for camera frames
 * (docs/screen.md, "Which path a display takes"), tried with buffers of our
 * own that stand in for the camera's: the first photo_live scene of SCRIPT,
 * its frame copied into XRGB8888 dumb buffers of the card (--buffers of
 * them), each exported as a dma-buf (drmPrimeHandleToFD) and the card's file
 * closed, so the display imports them as it would the camera's. --camera
 * SERIAL takes the frames from the face camera of that unit instead, in
 * XBGR32 (DRM's XRGB8888) of --camera-size (640x480), its buffers exported
 * by the driver (BIOUNIT_STREAM_DMABUF_EXPORT): camera DMA to scanout, each
 * frame given back to the driver from the display's release callback.
 * A second photo_live scene in SCRIPT (other advice, say) takes the second
 * half of the frames: the overlay must follow it.
 * Prints the display's planes, the probe's answer ("path: ..."), then shows
 * --frames frames, each after the last one's flip, and checks the
 * hand-back: a buffer is released only once the flip that replaces it
 * completed; prints the display's CPU time per frame. --check-capture: the
 * picture the card composed, read through its writeback connector, against
 * the expected one (check_capture()); --capture FILE also writes it as PPM.
 * Holds the last frame --hold ms (for a look at debugfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include <biounit/biounit.h>

#include "zerocopy.h"

#define MAX_BUFS 4

struct cam {
	struct biounit_display_buffer b[MAX_BUFS];
	unsigned int n;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* @n dumb buffers of @card holding @v as XRGB8888, exported; the card's file closed */
static int make_buffers(const char *card, const struct biounit_image_view *v, unsigned int n,
			struct cam *c)
{
	int fd = open(card, O_RDWR | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	for (unsigned int i = 0; i < n && !r; i++) {
		struct drm_mode_create_dumb cd = { .width = v->width, .height = v->height, .bpp = 32 };
		struct drm_mode_map_dumb md = { 0 };
		uint8_t *map;

		if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd)) {
			r = -errno;
			break;
		}
		md.handle = cd.handle;
		if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md)) {
			r = -errno;
			break;
		}
		map = mmap(NULL, cd.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)md.offset);
		if (map == MAP_FAILED) {
			r = -errno;
			break;
		}
		for (uint32_t y = 0; y < v->height; y++) {
			const uint8_t *s = v->data + (size_t)y * v->stride;
			uint32_t *d = (uint32_t *)(map + (size_t)y * cd.pitch);

			for (uint32_t x = 0; x < v->width; x++)
				d[x] = v->format == BIOUNIT_PIX_RGB24 ?
				       (uint32_t)s[3 * x] << 16 | (uint32_t)s[3 * x + 1] << 8 | s[3 * x + 2] :
				       (uint32_t)s[x] * 0x010101u;
		}
		munmap(map, cd.size);
		c->b[i] = (struct biounit_display_buffer){
			.fourcc = DRM_FORMAT_XRGB8888, .width = v->width, .height = v->height,
			.stride = cd.pitch, .key = i,
		};
		if (drmPrimeHandleToFD(fd, cd.handle, DRM_CLOEXEC | DRM_RDWR, &c->b[i].dmabuf_fd)) {
			r = -errno;
			break;
		}
		c->n++;
	}
	close(fd);	/* the dma-bufs keep the buffers */
	return r;
}

/* one frame shown: released by the display's callback (and the camera's frame given back) */
struct shown {
	bool released;
	struct biounit_frame *fr;
};

static void released(void *arg)
{
	struct shown *sh = arg;

	sh->released = true;
	if (sh->fr)
		biounit_frame_release(sh->fr);
	sh->fr = NULL;
}

/* the camera: the face channel of unit @serial in XBGR32 @w x @h, its buffers exported */
static int camera_open(const char *serial, uint32_t w, uint32_t h, struct biounit_unit **u,
		       struct biounit_capture_stream **s)
{
	struct biounit_format f = { .pixelformat = BIOUNIT_FMT_XBGR32, .width = w, .height = h };
	int r = biounit_unit_open_by_serial(serial, u);

	if (r)
		return r;
	r = biounit_stream_new(*u, BIOUNIT_CH_FACE, &f, 6, BIOUNIT_STREAM_DMABUF_EXPORT, s);
	if (!r && biounit_stream_get_format(*s)->pixelformat != BIOUNIT_FMT_XBGR32)
		r = -EINVAL;
	if (!r)
		r = biounit_stream_start(*s);
	return r;
}

/* a camera frame as a buffer for the display and, for the CPU path, an RGB24 copy */
static int camera_frame(struct biounit_capture_stream *s, struct biounit_frame **fr,
			struct biounit_display_buffer *b, uint8_t *rgb, struct biounit_image_view *v)
{
	const struct biounit_format *f = biounit_stream_get_format(s);
	const uint8_t *px;
	int r = biounit_stream_dequeue(s, 3000, fr);

	if (r)
		return r;
	*b = (struct biounit_display_buffer){
		.dmabuf_fd = biounit_frame_get_dmabuf_fd(*fr), .fourcc = DRM_FORMAT_XRGB8888,
		.width = f->width, .height = f->height, .stride = f->bytesperline,
		.key = biounit_frame_get_index(*fr),
	};
	px = biounit_frame_get_data(*fr);
	for (uint32_t y = 0; y < f->height; y++)
		for (uint32_t x = 0; x < f->width; x++) {
			const uint8_t *p = px + (size_t)y * f->bytesperline + 4 * x;	/* B G R X */
			uint8_t *q = rgb + ((size_t)y * f->width + x) * 3;

			q[0] = p[2];
			q[1] = p[1];
			q[2] = p[0];
		}
	*v = (struct biounit_image_view){ rgb, f->width, f->height, f->width * 3,
					  BIOUNIT_PIX_RGB24 };
	return 0;
}

static void pump(struct biounit_display *d, int ms)
{
	uint64_t end = mono_ns() + (uint64_t)ms * 1000000u;

	while (mono_ns() < end) {
		struct pollfd p[2];
		int fds[2];
		size_t n = biounit_display_pollfds(d, fds, 2);

		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(p, n, 20);
		biounit_display_dispatch(d);
	}
}

/* pump until the flip count reaches @flips (2 s at most) */
static bool wait_flip(struct biounit_display *d, uint64_t flips)
{
	for (int i = 0; i < 100; i++) {
		if (biounit_display_flips(d, NULL) >= flips)
			return true;
		pump(d, 20);
	}
	return false;
}

/* frame pixel (x, y) as XRGB */
static uint32_t frame_px(const struct biounit_image_view *v, uint32_t x, uint32_t y)
{
	const uint8_t *s = v->data + (size_t)y * v->stride;

	return v->format == BIOUNIT_PIX_RGB24 ?
	       (uint32_t)s[3 * x] << 16 | (uint32_t)s[3 * x + 1] << 8 | s[3 * x + 2] :
	       (uint32_t)s[x] * 0x010101u;
}

/*
 * The picture the card composed (its writeback connector) against what it
 * must be: on the plane path the overlay (rendered here) over the frame
 * mirrored at the preview, on the CPU path the scene as the CPU draws it.
 * And, leaning on no renderer, the preview itself: the frame mirrored.
 * Prints the findings; 0 when they hold.
 */
static int check_capture(struct biounit_display *d, const struct biounit_screen_state *st,
			 const char *out)
{
	uint32_t w, h, *cap, *exp;
	struct biounit_screen *scr = NULL;
	struct biounit_screen_rect r;
	const struct biounit_image_view *v = st->frame;
	uint64_t differ = 0, n = 0, mirrored = 0, straight = 0;
	int worst = 0, rc;

	biounit_display_size(d, &w, &h);
	cap = malloc((size_t)w * h * 4);
	exp = malloc((size_t)w * h * 4);
	rc = cap && exp ? biounit_display_capture(d, cap, w * 4) : -ENOMEM;
	if (rc) {
		printf("capture: none: %s\n", strerror(-rc));
		goto out;
	}
	if (out)
		scene_write_ppm(cap, w, h, out);
	rc = biounit_screen_new(w, h, &scr);
	if (!rc && biounit_display_zero_copy(d)) {
		const char *at = strstr(biounit_display_path(d), " at ");

		rc = at && sscanf(at + 4, "%dx%d+%d+%d", &r.w, &r.h, &r.x, &r.y) == 4 ? 0 : -EINVAL;
		if (!rc)
			rc = biounit_screen_render_overlay(scr, st, &r, exp, w * 4);
		for (uint32_t y = 0; !rc && y < h; y++)
			for (uint32_t x = 0; x < w; x++) {
				uint32_t o = exp[(size_t)y * w + x], a = o >> 24, bg = BIOUNIT_SCREEN_BG_RGB;
				bool in = (int32_t)x >= r.x && (int32_t)x < r.x + r.w &&
					  (int32_t)y >= r.y && (int32_t)y < r.y + r.h;
				uint32_t under = in ? frame_px(v, v->width - 1 - (x - (uint32_t)r.x) * v->width / (uint32_t)r.w,
							       (y - (uint32_t)r.y) * v->height / (uint32_t)r.h)
						    : bg;
				uint32_t e = 0;

				for (int sh = 0; sh <= 16; sh += 8)
					e |= (uint32_t)(((o >> sh) & 0xff) +
							(((under >> sh) & 0xff) * (255 - a) + 127) / 255) << sh;
				exp[(size_t)y * w + x] = e;
			}
	} else if (!rc) {
		rc = biounit_screen_render(scr, st, exp, w * 4);
		biounit_screen_preview_rect(scr, v->width, v->height, &r);
	}
	if (rc) {
		printf("capture: no expected picture: %s\n", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < (size_t)w * h; i++) {
		int m = 0;

		for (int sh = 0; sh <= 16; sh += 8) {
			int dd = abs((int)((cap[i] >> sh) & 0xff) - (int)((exp[i] >> sh) & 0xff));

			m = dd > m ? dd : m;
		}
		differ += m > 2;
		worst = m > worst ? m : worst;
	}
	for (int32_t y = r.y; y < r.y + r.h; y += 3)
		for (int32_t x = r.x; x < r.x + r.w; x += 3) {
			uint32_t fx = (uint32_t)(x - r.x) * v->width / (uint32_t)r.w;
			uint32_t fy = (uint32_t)(y - r.y) * v->height / (uint32_t)r.h;
			uint32_t c = cap[(size_t)y * w + (size_t)x] & 0xffffffu;

			n++;
			mirrored += c == frame_px(v, v->width - 1 - fx, fy);
			straight += c == frame_px(v, fx, fy);
		}
	printf("capture: %ux%u, %llu pixels differ from the expected picture by more than 2 (largest difference %d)\n",
	       w, h, (unsigned long long)differ, worst);
	printf("capture: preview %dx%d+%d+%d: %.1f %% the frame mirrored, %.1f %% unmirrored\n", r.w,
	       r.h, r.x, r.y, 100.0 * (double)mirrored / (double)n,
	       100.0 * (double)straight / (double)n);
	rc = differ == 0 && mirrored * 10 >= n * 9 && straight * 2 < n ? 0 : 1;
out:
	biounit_screen_free(scr);
	free(cap);
	free(exp);
	return rc;
}

/*
 * After the stream (biounit_display_forget_buffers()): on the plane path the
 * card composes the background alone (the camera's planes off, and no older
 * frame from the CPU path in their place); on the CPU path the last scene
 * stays as it was (@last) until the caller draws the next.
 */
static int check_after_stream(struct biounit_display *d, bool was_zero_copy,
			      const struct biounit_screen_state *last)
{
	const struct biounit_screen_state bg = { .scene = BIOUNIT_SCREEN_BLANK };
	struct biounit_screen *scr = NULL;
	uint32_t w, h, *cap, *exp;
	uint64_t differ = 0;
	int rc;

	biounit_display_size(d, &w, &h);
	cap = malloc((size_t)w * h * 4);
	exp = malloc((size_t)w * h * 4);
	rc = cap && exp ? biounit_display_capture(d, cap, w * 4) : -ENOMEM;
	if (!rc)
		rc = biounit_screen_new(w, h, &scr);
	if (!rc)
		rc = biounit_screen_render(scr, was_zero_copy ? &bg : last, exp, w * 4);
	for (size_t i = 0; !rc && i < (size_t)w * h; i++)
		differ += (cap[i] & 0xffffff) != (exp[i] & 0xffffff);
	if (rc)
		printf("after the stream: no capture: %s\n", strerror(-rc));
	else
		printf("after the stream: %llu pixels differ from %s\n", (unsigned long long)differ,
		       was_zero_copy ? "the background" : "the last scene");
	biounit_screen_free(scr);
	free(cap);
	free(exp);
	return rc || differ ? 1 : 0;
}

#define MAX_FRAMES 64

int cmd_planes(int argc, char **argv)
{
	const char *card = "/dev/dri/card0", *script = NULL, *capture = NULL, *serial = NULL;
	bool check = false, order_ok = true;
	int hold = 0, frames = 4, nbufs = 3, rc = 0, r;
	uint32_t cw = 640, ch = 480;
	struct scene_list *sl;
	const struct biounit_screen_state *st = NULL, *st2 = NULL;
	struct biounit_screen_state last;
	struct biounit_display *d = NULL;
	struct biounit_unit *unit = NULL;
	struct biounit_capture_stream *stream = NULL;
	struct biounit_image_view camv;
	uint8_t *rgb = NULL;
	struct cam c = { 0 };
	struct shown shown[MAX_FRAMES] = { 0 };
	char inv[2048];
	unsigned int total = 0;
	uint64_t cpu0, cpu_ns = 0;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			frames = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--buffers") && i + 1 < argc)
			nbufs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--check-capture"))
			check = true;
		else if (!strcmp(argv[i], "--capture") && i + 1 < argc)
			capture = argv[++i];
		else if (!strcmp(argv[i], "--camera") && i + 1 < argc)
			serial = argv[++i];
		else if (!strcmp(argv[i], "--camera-size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%ux%u", &cw, &ch) != 2 || !cw || !ch)
				return planes_usage();
		} else if (!script && argv[i][0] != '-')
			script = argv[i];
		else
			return planes_usage();
	}
	if (!script || hold < 0 || frames < 1 || frames > MAX_FRAMES || nbufs < 2 ||
	    nbufs > MAX_BUFS)
		return planes_usage();
	if (scene_list_load(script, &sl))
		return 2;
	for (size_t i = 0; i < scene_count(sl) && !st2; i++)
		if (scene_state(sl, i)->scene == BIOUNIT_SCREEN_PHOTO_LIVE) {
			if (st)
				st2 = scene_state(sl, i);
			else
				st = scene_state(sl, i);
		}
	if (!st || (!serial && !st->frame)) {
		fprintf(stderr, "biounit-screen: %s has no photo_live scene with a frame\n", script);
		scene_list_free(sl);
		return 2;
	}
	last = *st;
	if (serial) {
		rgb = malloc((size_t)cw * ch * 3);
		r = rgb ? camera_open(serial, cw, ch, &unit, &stream) : -ENOMEM;
		if (r) {
			fprintf(stderr, "biounit-screen: camera of unit %s in XBGR32 %ux%u: %s\n",
				serial, cw, ch, strerror(-r));
			rc = 2;
			goto out;
		}
	} else {
		r = make_buffers(card, st->frame, (unsigned int)nbufs, &c);
		if (r) {
			/* a card that exports none of its buffers (bochs on 6.1): the probe still
			 * says what the planes allow, the frames go the CPU path */
			printf("buffers: the card exports none: %s\n", strerror(-r));
			for (unsigned int i = c.n; i < (unsigned int)nbufs; i++)
				c.b[i] = (struct biounit_display_buffer){
					.dmabuf_fd = -1, .fourcc = DRM_FORMAT_XRGB8888,
					.width = st->frame->width, .height = st->frame->height,
					.stride = st->frame->width * 4, .key = i,
				};
			c.n = (unsigned int)nbufs;
		}
	}
	r = biounit_display_new(card, log_line, NULL, &d);
	if (r) {
		fprintf(stderr, "biounit-screen: cannot watch for displays: %s\n", strerror(-r));
		d = NULL;
		rc = 2;
		goto out;
	}
	for (int i = 0; i < 100 && biounit_display_get_state(d) != BIOUNIT_DISPLAY_SHOWING; i++)
		pump(d, 50);
	printf("display: %s: %s\n", biounit_display_state_name(biounit_display_get_state(d)),
	       biounit_display_status(d));
	biounit_display_planes(d, inv, sizeof(inv));
	printf("%s", inv);
	if (check && st->frame) {
		/* an older frame composed on the CPU first: it must not come back after the stream */
		uint64_t before = biounit_display_flips(d, NULL);

		if (biounit_display_show(d, st) || !wait_flip(d, before + 1))
			printf("cpu frame before the stream: not shown\n");
	}
	for (int i = 0; i < frames; i++) {
		struct biounit_display_buffer b;
		uint64_t before = biounit_display_flips(d, NULL);

		/* a second photo_live scene (other advice) takes the second half of the frames */
		last = st2 && i >= frames / 2 ? *st2 : *st;
		if (stream) {
			r = camera_frame(stream, &shown[i].fr, &b, rgb, &camv);
			if (r) {
				fprintf(stderr, "biounit-screen: camera frame %d: %s\n", i, strerror(-r));
				rc = 1;
				break;
			}
			last.frame = &camv;
			if (last.have_guide)	/* the guide of the camera's frame size */
				biounit_face_preview_guide(NULL, camv.width, camv.height, &last.guide);
		} else {
			b = c.b[(unsigned int)i % c.n];
			if (last.frame->width != st->frame->width ||
			    last.frame->height != st->frame->height)
				last.frame = st->frame;	/* the buffers hold the first scene's frame */
		}
		last.source_ns = mono_ns();
		cpu0 = thread_cpu_ns();
		r = biounit_display_show_buffer(d, &last, &b, released, &shown[i]);
		if (r) {
			fprintf(stderr, "biounit-screen: frame %d: %s\n", i, strerror(-r));
			rc = 1;
			break;
		}
		if (i == 0)
			printf("path: %s\nzero-copy: %s\n", biounit_display_path(d),
			       biounit_display_zero_copy(d) ? "yes" : "no");
		if (!wait_flip(d, before + 1)) {
			printf("frame %d: no flip in 2 s\n", i);
			rc = 1;
		}
		cpu_ns += thread_cpu_ns() - cpu0;
		/* on the plane path the buffer on the screen is still held, the one before not */
		if (biounit_display_zero_copy(d) &&
		    (shown[i].released || (i > 0 && !shown[i - 1].released)))
			order_ok = false;
	}
	/* the display's own work per frame (drawing, copies, commits, events), not the tool's */
	printf("cpu: %.2f ms per displayed frame (%s path, %d frames)\n",
	       (double)cpu_ns / 1e6 / frames, biounit_display_zero_copy(d) ? "zero-copy" : "CPU",
	       frames);
	if (biounit_display_zero_copy(d))
		printf("hand-back: %s\n", order_ok ? "each buffer released once the next one's flip completed, not before"
			       : "WRONG: a buffer was released while on the screen, or not after");
	if (check || capture) {
		r = check_capture(d, &last, capture);
		if (check && r)
			rc = 1;
	}
	fflush(stdout);
	pump(d, hold);
	r = biounit_display_zero_copy(d);
	biounit_display_forget_buffers(d);
	pump(d, 200);
	if (check && st->frame && check_after_stream(d, r, &last))
		rc = 1;
	for (int i = 0; i < frames; i++)
		total += shown[i].released;
	printf("released: %u of %d frames\n", total, frames);
	if (total != (unsigned int)frames)
		rc = 1;
out:
	biounit_display_free(d);
	for (int i = 0; i < frames; i++)
		released(&shown[i]);	/* whatever is still held (a failure) goes back */
	biounit_stream_free(stream);
	biounit_unit_close(unit);
	free(rgb);
	for (unsigned int i = 0; i < c.n; i++)
		if (c.b[i].dmabuf_fd >= 0)
			close(c.b[i].dmabuf_fd);
	scene_list_free(sl);
	return rc ? rc : order_ok ? 0 : 1;
}
