// SPDX-License-Identifier: GPL-2.0
/* libbiounit: streams - buffers mapped or exported, dequeue, frames. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>

#include "lib_internal.h"
#include "util/deadline.h"

#define BU_MAX_BUFFERS 16

struct biounit_frame {
	struct biounit_capture_stream *stream;
	unsigned int index;
	void *map;
	size_t map_len;
	int dmabuf_fd;		/* -1 for MMAP */
	int held;		/* dequeued and not yet released */
	int queued;		/* owned by the driver */
	struct biounit_buffer buf;	/* the DQBUF result */
};

struct biounit_capture_stream {
	pthread_mutex_t lock;
	int fd;			/* its own open file of the unit: the unit may be closed */
	unsigned int channel;
	enum biounit_stream_memory memory;
	struct biounit_format fmt;
	unsigned int count;
	int streaming;
	int gone;
	struct biounit_frame frames[BU_MAX_BUFFERS];
};

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return bu_ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

/* Opens another file of the unit's node, checking it is the same device. */
static int open_same_unit(struct biounit_unit *unit)
{
	struct stat a, b;
	int fd;

	fd = open(unit->node, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	if (fstat(fd, &a) || fstat(unit->fd, &b) || a.st_rdev != b.st_rdev) {
		close(fd);
		return -ENODEV;	/* the node is another unit's now */
	}
	return fd;
}

static void unmap_all(struct biounit_capture_stream *s)
{
	unsigned int i;

	for (i = 0; i < s->count; i++) {
		struct biounit_frame *f = &s->frames[i];

		if (f->map && f->map != MAP_FAILED)
			munmap(f->map, f->map_len);
		if (f->dmabuf_fd >= 0)
			close(f->dmabuf_fd);
		f->map = NULL;
		f->dmabuf_fd = -1;
	}
}

static int map_buffer(struct biounit_capture_stream *s, unsigned int i)
{
	struct biounit_frame *f = &s->frames[i];
	struct biounit_exportbuffer eb;
	struct biounit_buffer b;
	int r;

	memset(&b, 0, sizeof(b));
	b.channel = s->channel;
	b.index = i;
	r = bu_ioctl(s->fd, BIOUNIT_IOC_QUERYBUF, &b);
	if (r)
		return r;
	f->stream = s;
	f->index = i;
	f->map_len = b.length;
	if (s->memory == BIOUNIT_STREAM_MMAP) {
		f->map = mmap(NULL, b.length, PROT_READ, MAP_SHARED, s->fd, (off_t)b.mem_offset);
	} else {
		memset(&eb, 0, sizeof(eb));
		eb.channel = s->channel;
		eb.index = i;
		eb.flags = O_RDONLY | O_CLOEXEC;
		r = bu_ioctl(s->fd, BIOUNIT_IOC_EXPBUF, &eb);
		if (r)
			return r;
		f->dmabuf_fd = eb.fd;
		f->map = mmap(NULL, b.length, PROT_READ, MAP_SHARED, eb.fd, 0);
	}
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return -errno;
	}
	return 0;
}

int biounit_stream_new(struct biounit_unit *unit, unsigned int channel,
		       const struct biounit_format *fmt, unsigned int nbufs,
		       enum biounit_stream_memory memory,
		       struct biounit_capture_stream **out)
{
	struct biounit_capture_stream *s;
	struct biounit_requestbuffers req;
	unsigned int i;
	uint32_t need;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!unit || channel >= BIOUNIT_CH_COUNT || !(unit->caps.channels & (1u << channel)) ||
	    nbufs < 1 || nbufs > BU_MAX_BUFFERS ||
	    (memory != BIOUNIT_STREAM_MMAP && memory != BIOUNIT_STREAM_DMABUF_EXPORT))
		return -EINVAL;
	need = memory == BIOUNIT_STREAM_MMAP ? BIOUNIT_CAP_MMAP :
		BIOUNIT_CAP_MMAP | BIOUNIT_CAP_DMABUF_EXPORT;
	if ((unit->caps.capabilities & need) != need)
		return -ENOTSUP;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < BU_MAX_BUFFERS; i++)
		s->frames[i].dmabuf_fd = -1;
	s->channel = channel;
	s->memory = memory;
	s->fd = open_same_unit(unit);
	if (s->fd < 0) {
		r = s->fd;
		free(s);
		return r;
	}
	if (fmt) {
		memset(&s->fmt, 0, sizeof(s->fmt));
		s->fmt.channel = channel;
		s->fmt.pixelformat = fmt->pixelformat;
		s->fmt.width = fmt->width;
		s->fmt.height = fmt->height;
		s->fmt.interval_us = fmt->interval_us;
		r = bu_ioctl(s->fd, BIOUNIT_IOC_S_FMT, &s->fmt);
	} else {
		memset(&s->fmt, 0, sizeof(s->fmt));
		s->fmt.channel = channel;
		r = bu_ioctl(s->fd, BIOUNIT_IOC_G_FMT, &s->fmt);
	}
	if (r)
		goto fail_fd;

	memset(&req, 0, sizeof(req));
	req.channel = channel;
	req.count = nbufs;
	req.memory = BIOUNIT_MEMORY_MMAP;
	r = bu_ioctl(s->fd, BIOUNIT_IOC_REQBUFS, &req);
	if (r)
		goto fail_fd;
	if (req.count == 0 || req.count > BU_MAX_BUFFERS) {
		r = -ENOMEM;
		goto fail_bufs;
	}
	s->count = req.count;
	/* G_FMT again: the buffers hold the format of now, whatever S_FMT raced */
	{
		struct biounit_format g;

		memset(&g, 0, sizeof(g));
		g.channel = channel;
		r = bu_ioctl(s->fd, BIOUNIT_IOC_G_FMT, &g);
		if (r)
			goto fail_bufs;
		s->fmt = g;
	}
	for (i = 0; i < s->count; i++) {
		r = map_buffer(s, i);
		if (r)
			goto fail_bufs;
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;

fail_bufs:
	unmap_all(s);
	memset(&req, 0, sizeof(req));
	req.channel = channel;
	req.memory = BIOUNIT_MEMORY_MMAP;
	bu_ioctl(s->fd, BIOUNIT_IOC_REQBUFS, &req);
fail_fd:
	close(s->fd);
	free(s);
	return r;
}

/* STREAMOFF; every buffer comes back. Called with the lock held. */
static int stream_off(struct biounit_capture_stream *s)
{
	struct biounit_stream so;
	unsigned int i;
	int r;

	memset(&so, 0, sizeof(so));
	so.channel = s->channel;
	r = bu_ioctl(s->fd, BIOUNIT_IOC_STREAMOFF, &so);
	s->streaming = 0;
	for (i = 0; i < s->count; i++)
		s->frames[i].queued = 0;
	return r;
}

void biounit_stream_free(struct biounit_capture_stream *s)
{
	struct biounit_requestbuffers req;
	unsigned int i;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	stream_off(s);
	for (i = 0; i < s->count; i++) {
		struct biounit_frame *f = &s->frames[i];

		if (f->held && f->dmabuf_fd >= 0)
			dmabuf_sync(f->dmabuf_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		f->held = 0;
	}
	unmap_all(s);
	memset(&req, 0, sizeof(req));
	req.channel = s->channel;
	req.memory = BIOUNIT_MEMORY_MMAP;
	bu_ioctl(s->fd, BIOUNIT_IOC_REQBUFS, &req);
	close(s->fd);
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

const struct biounit_format *
biounit_stream_get_format(const struct biounit_capture_stream *stream)
{
	return stream ? &stream->fmt : NULL;
}

unsigned int biounit_stream_get_buffer_count(const struct biounit_capture_stream *stream)
{
	return stream ? stream->count : 0;
}

int biounit_stream_get_fd(const struct biounit_capture_stream *stream)
{
	return stream ? stream->fd : -EINVAL;
}

static int qbuf(struct biounit_capture_stream *s, struct biounit_frame *f)
{
	struct biounit_buffer b;
	int r;

	memset(&b, 0, sizeof(b));
	b.channel = s->channel;
	b.index = f->index;
	b.memory = BIOUNIT_MEMORY_MMAP;
	r = bu_ioctl(s->fd, BIOUNIT_IOC_QBUF, &b);
	if (!r)
		f->queued = 1;
	return r;
}

int biounit_stream_start(struct biounit_capture_stream *s)
{
	struct biounit_stream so;
	unsigned int i;
	int r = 0;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->gone) {
		r = -ENODEV;
		goto out;
	}
	if (s->streaming)
		goto out;
	for (i = 0; i < s->count && !r; i++) {
		struct biounit_frame *f = &s->frames[i];

		if (!f->held && !f->queued)
			r = qbuf(s, f);
	}
	if (!r) {
		memset(&so, 0, sizeof(so));
		so.channel = s->channel;
		r = bu_ioctl(s->fd, BIOUNIT_IOC_STREAMON, &so);
	}
	if (r)
		stream_off(s);
	else
		s->streaming = 1;
out:
	pthread_mutex_unlock(&s->lock);
	return r;
}

int biounit_stream_stop(struct biounit_capture_stream *s)
{
	int r = 0;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->streaming)
		r = stream_off(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* One non-blocking DQBUF; 0, -EAGAIN or -errno. Called with the lock held. */
static int try_dequeue(struct biounit_capture_stream *s, struct biounit_frame **frame)
{
	struct biounit_buffer b;
	struct biounit_frame *f;
	int r;

	if (!s->streaming)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.channel = s->channel;
	r = bu_ioctl(s->fd, BIOUNIT_IOC_DQBUF, &b);
	if (r == -ENODEV)
		s->gone = 1;
	if (r)
		return r;
	if (b.index >= s->count)
		return -EIO;
	f = &s->frames[b.index];
	f->buf = b;
	f->queued = 0;
	f->held = 1;
	if (f->dmabuf_fd >= 0) {
		r = dmabuf_sync(f->dmabuf_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		if (r) {
			f->held = 0;
			qbuf(s, f);
			return r;
		}
	}
	*frame = f;
	return 0;
}

int biounit_stream_dequeue(struct biounit_capture_stream *s, int timeout_ms,
			   struct biounit_frame **frame)
{
	struct util_deadline d;
	int r;

	if (!s || !frame || timeout_ms < -1)
		return -EINVAL;
	*frame = NULL;
	util_deadline_start(&d, timeout_ms);
	for (;;) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };

		pthread_mutex_lock(&s->lock);
		r = try_dequeue(s, frame);
		pthread_mutex_unlock(&s->lock);
		if (r != -EAGAIN)
			return r;
		/* POLLERR|POLLHUP (gone) wakes us too: DQBUF then says ENODEV */
		r = util_deadline_poll(&d, &p, 1);
		if (r)
			return r;
	}
}

int biounit_frame_release(struct biounit_frame *f)
{
	struct biounit_capture_stream *s;
	int r = 0;

	if (!f)
		return 0;
	s = f->stream;
	pthread_mutex_lock(&s->lock);
	if (!f->held) {
		r = -EINVAL;
		goto out;
	}
	if (f->dmabuf_fd >= 0)
		dmabuf_sync(f->dmabuf_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	f->held = 0;
	if (s->streaming)
		r = qbuf(s, f);
out:
	pthread_mutex_unlock(&s->lock);
	return r;
}

const void *biounit_frame_get_data(const struct biounit_frame *f)
{
	return f ? f->map : NULL;
}

size_t biounit_frame_get_size(const struct biounit_frame *f)
{
	if (!f)
		return 0;
	return f->buf.bytesused <= f->map_len ? f->buf.bytesused : f->map_len;
}

uint32_t biounit_frame_get_sequence(const struct biounit_frame *f)
{
	return f ? f->buf.sequence : 0;
}

uint64_t biounit_frame_get_timestamp_ns(const struct biounit_frame *f)
{
	return f ? f->buf.timestamp_ns : 0;
}

int biounit_frame_is_error(const struct biounit_frame *f)
{
	return f && (f->buf.flags & BIOUNIT_BUF_FLAG_ERROR) ? 1 : 0;
}

unsigned int biounit_frame_get_index(const struct biounit_frame *f)
{
	return f ? f->index : 0;
}

int biounit_frame_get_dmabuf_fd(const struct biounit_frame *f)
{
	return f ? f->dmabuf_fd : -1;
}

int biounit_frame_get_view(const struct biounit_frame *f, struct biounit_image_view *v)
{
	const struct biounit_format *fmt;
	size_t need;

	if (!f || !v)
		return -EINVAL;
	fmt = &f->stream->fmt;
	switch (fmt->pixelformat) {
	case BIOUNIT_FMT_GREY:
	case BIOUNIT_FMT_NV12:	/* the luma plane comes first, same stride */
		v->format = BIOUNIT_PIX_GREY;
		break;
	case BIOUNIT_FMT_RGB24:
		v->format = BIOUNIT_PIX_RGB24;
		break;
	case BIOUNIT_FMT_XBGR32:	/* for biounit_image_convert(), or a display */
		v->format = BIOUNIT_PIX_XBGR32;
		break;
	default:
		return -ENOTSUP;
	}
	need = (size_t)fmt->bytesperline * fmt->height;
	if (!f->map || need > f->map_len)
		return -EINVAL;
	v->data = f->map;
	v->width = fmt->width;
	v->height = fmt->height;
	v->stride = fmt->bytesperline;
	return 0;
}

const struct biounit_pen_sample *
biounit_frame_get_pen_samples(const struct biounit_frame *f, size_t *count)
{
	if (count)
		*count = 0;
	if (!f || !count || f->stream->fmt.pixelformat != BIOUNIT_FMT_PEN || !f->map)
		return NULL;
	*count = biounit_frame_get_size(f) / sizeof(struct biounit_pen_sample);
	return f->map;
}
