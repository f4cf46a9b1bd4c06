// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: capture buffers through videobuf2-core
 *
 * Each channel has one vb2_queue, used outside V4L2 in the manner of the DVB
 * demux: the ioctls below are thin wrappers around vb2_core_*(), the channel
 * mutex is the queue lock, and the file that allocates buffers owns the
 * channel until it frees them or closes.
 */

#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <media/videobuf2-vmalloc.h>

#include "biounit-compat.h"
#include "biounit-priv.h"

/* A private queue type: videobuf2 refuses 0 */
#define BIOUNIT_VB2_TYPE	1

static inline struct biounit_buf *to_biounit_buf(struct vb2_buffer *vb)
{
	return container_of(vb, struct biounit_buf, vb.vb2_buf);
}

static int biounit_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			       unsigned int *nplanes, unsigned int sizes[],
			       struct device *alloc_devs[])
{
	struct biounit_channel *ch = vb2_get_drv_priv(q);
	unsigned int have = biounit_vb2_num_buffers(q);

	if (have >= BIOUNIT_MAX_BUFFERS)
		return -ENOBUFS;
	*nbuffers = min(*nbuffers, BIOUNIT_MAX_BUFFERS - have);

	if (*nplanes)
		return *nplanes == 1 && sizes[0] >= ch->fmt.sizeimage ?
		       0 : -EINVAL;

	*nplanes = 1;
	sizes[0] = ch->fmt.sizeimage;
	return 0;
}

static int biounit_buf_prepare(struct vb2_buffer *vb)
{
	struct biounit_channel *ch = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < ch->fmt.sizeimage)
		return -EINVAL;
	to_vb2_v4l2_buffer(vb)->field = V4L2_FIELD_NONE;
	return 0;
}

static void biounit_buf_queue(struct vb2_buffer *vb)
{
	struct biounit_channel *ch = vb2_get_drv_priv(vb->vb2_queue);
	struct biounit_buf *buf = to_biounit_buf(vb);
	unsigned long flags;

	spin_lock_irqsave(&ch->qlock, flags);
	list_add_tail(&buf->list, &ch->waiting);
	spin_unlock_irqrestore(&ch->qlock, flags);
}

/* Completes a buffer for videobuf2, recording its state for QUERYBUF */
static void biounit_complete(struct biounit_channel *ch, struct biounit_buf *buf,
			     enum vb2_buffer_state state)
{
	if (state != VB2_BUF_STATE_QUEUED)
		WRITE_ONCE(buf->state, state == VB2_BUF_STATE_DONE ?
				       BIOUNIT_BUF_DONE : BIOUNIT_BUF_FAILED);
	vb2_buffer_done(&buf->vb.vb2_buf, state);
	wake_up_all(&ch->done_wq);
}

/* After videobuf2 took every buffer back (STREAMOFF): all are userspace's */
static void biounit_all_dequeued(struct biounit_channel *ch)
{
	unsigned int i, n = biounit_vb2_num_buffers(&ch->queue);
	struct vb2_buffer *vb;

	lockdep_assert_held(&ch->lock);
	for (i = 0; i < BIOUNIT_MAX_BUFFERS && n; i++) {
		vb = vb2_get_buffer(&ch->queue, i);
		if (!vb)
			continue;
		WRITE_ONCE(to_biounit_buf(vb)->state, BIOUNIT_BUF_DEQUEUED);
		n--;
	}
	wake_up_all(&ch->done_wq);
}

static void biounit_return_waiting(struct biounit_channel *ch,
				   enum vb2_buffer_state state)
{
	struct biounit_buf *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&ch->qlock, flags);
	list_splice_init(&ch->waiting, &list);
	spin_unlock_irqrestore(&ch->qlock, flags);

	list_for_each_entry_safe(buf, tmp, &list, list) {
		list_del(&buf->list);
		biounit_complete(ch, buf, state);
	}
}

static int biounit_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct biounit_channel *ch = vb2_get_drv_priv(q);
	int ret;

	lockdep_assert_held(&ch->lock);	/* hw_ops->start's rule */
	ch->sequence = 0;
	/* A pad reports only while the pen is near: silence is no fault */
	ch->timeout_ms = ch->type->type == BIOUNIT_CHTYPE_PAD ? 0 :
			 max(1000U, 10 * ch->fmt.interval_us / 1000);
	ret = ch->unit->hw.ops->start(ch);
	if (ret) {
		biounit_return_waiting(ch, VB2_BUF_STATE_QUEUED);
		return ret;
	}
	if (ch->timeout_ms)
		schedule_delayed_work(&ch->watchdog,
				      msecs_to_jiffies(ch->timeout_ms));
	return 0;
}

static void biounit_stop_streaming(struct vb2_queue *q)
{
	struct biounit_channel *ch = vb2_get_drv_priv(q);

	lockdep_assert_held(&ch->lock);	/* hw_ops->stop's rule */
	ch->unit->hw.ops->stop(ch);
	cancel_delayed_work_sync(&ch->watchdog);
	biounit_return_waiting(ch, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops biounit_vb2_ops = {
	.queue_setup = biounit_queue_setup,
	.buf_prepare = biounit_buf_prepare,
	.buf_queue = biounit_buf_queue,
	.start_streaming = biounit_start_streaming,
	.stop_streaming = biounit_stop_streaming,
	BIOUNIT_VB2_WAIT_OPS
};

static u64 biounit_mmap_base(struct biounit_channel *ch)
{
	return (u64)ch->id << BIOUNIT_MMAP_CHANNEL_SHIFT;
}

static void biounit_fill_user_buffer(struct vb2_buffer *vb, void *pb)
{
	struct biounit_channel *ch = vb2_get_drv_priv(vb->vb2_queue);
	struct biounit_buf *buf = to_biounit_buf(vb);
	struct biounit_buffer *b = pb;

	b->index = vb->index;
	b->memory = vb->memory;
	b->length = vb->planes[0].length;
	b->bytesused = vb->planes[0].bytesused;
	b->sequence = buf->sequence;
	b->timestamp_ns = vb->timestamp;
	b->mem_offset = vb->memory == VB2_MEMORY_MMAP ?
			biounit_mmap_base(ch) + vb->planes[0].m.offset : 0;
	b->fd = vb->memory == VB2_MEMORY_DMABUF ? buf->dmabuf_fd : -1;
	b->flags = 0;
	switch (READ_ONCE(buf->state)) {
	case BIOUNIT_BUF_QUEUED:
		b->flags |= BIOUNIT_BUF_FLAG_QUEUED;
		break;
	case BIOUNIT_BUF_FAILED:
		b->flags |= BIOUNIT_BUF_FLAG_ERROR;
		fallthrough;
	case BIOUNIT_BUF_DONE:
		b->flags |= BIOUNIT_BUF_FLAG_DONE;
		break;
	default:
		break;
	}
	if (vb2_buffer_in_use(vb->vb2_queue, vb))
		b->flags |= BIOUNIT_BUF_FLAG_MAPPED;
}

static int biounit_fill_vb2_buffer(struct vb2_buffer *vb,
				   struct vb2_plane *planes)
{
	struct biounit_buf *buf = to_biounit_buf(vb);

	planes[0].bytesused = 0;
	planes[0].data_offset = 0;
	if (vb->memory == VB2_MEMORY_DMABUF) {
		planes[0].m.fd = buf->dmabuf_fd;
		planes[0].length = buf->dmabuf_length;
	}
	return 0;
}

static const struct vb2_buf_ops biounit_vb2_buf_ops = {
	.fill_user_buffer = biounit_fill_user_buffer,
	.fill_vb2_buffer = biounit_fill_vb2_buffer,
};

/**
 * biounit_queue_init() - set up a channel's videobuf2 queue
 * @ch: the channel
 *
 * Return: 0 or a negative error code.
 */
int biounit_queue_init(struct biounit_channel *ch)
{
	struct biounit_unit *unit = ch->unit;
	struct vb2_queue *q = &ch->queue;

	q->type = BIOUNIT_VB2_TYPE;
	q->io_modes = VB2_MMAP | VB2_DMABUF;
	q->dev = unit->hw.dma_dev ? unit->hw.dma_dev : &unit->dev;
	q->lock = &ch->lock;
	q->ops = &biounit_vb2_ops;
	q->mem_ops = unit->hw.mem_ops ? unit->hw.mem_ops : &vb2_vmalloc_memops;
	q->buf_ops = &biounit_vb2_buf_ops;
	q->drv_priv = ch;
	q->buf_struct_size = sizeof(struct biounit_buf);
	q->timestamp_flags = 0;
	/*
	 * No minimum: REQBUFS gives what it is asked for on every kernel, and
	 * a channel may stream with no buffer queued (its frames are dropped).
	 */
	biounit_vb2_min_queued(q, 0);
	return vb2_core_queue_init(q);
}

/**
 * biounit_queue_init_v4l2() - set up the videobuf2 queue of a video node
 * @ch: the channel
 * @q: the node's queue
 *
 * The queue shares the channel's lock, operations and list of waiting
 * buffers with the character device's queue: the two exclude each other
 * (biounit_v4l2_busy(), &biounit_channel.owner), so only one of them has
 * buffers at a time.
 *
 * Return: 0 or a negative error code.
 */
int biounit_queue_init_v4l2(struct biounit_channel *ch, struct vb2_queue *q)
{
	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	q->io_modes = VB2_MMAP | VB2_DMABUF;
	q->dev = ch->queue.dev;
	q->lock = &ch->lock;
	q->ops = &biounit_vb2_ops;
	q->mem_ops = ch->queue.mem_ops;
	q->drv_priv = ch;
	q->buf_struct_size = sizeof(struct biounit_buf);
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     V4L2_BUF_FLAG_TSTAMP_SRC_EOF;
	biounit_vb2_min_queued(q, 0);
	return vb2_queue_init(q);
}

/**
 * biounit_check_owner() - may this file use the channel's buffers?
 * @ch: the channel, locked
 * @bf: the open file
 *
 * Return: true if @bf owns the channel or nobody does.
 */
bool biounit_check_owner(struct biounit_channel *ch, struct biounit_file *bf)
{
	lockdep_assert_held(&ch->lock);
	return !ch->owner || ch->owner == bf;
}

static bool biounit_memory_ok(u32 memory)
{
	return memory == BIOUNIT_MEMORY_MMAP || memory == BIOUNIT_MEMORY_DMABUF;
}

/* The file that now holds the channel's buffers, or NULL */
static void biounit_set_owner(struct biounit_channel *ch,
			      struct biounit_file *bf)
{
	lockdep_assert_held(&ch->lock);
	mutex_lock(&ch->owner_lock);
	ch->owner = bf;
	mutex_unlock(&ch->owner_lock);
}

/*
 * A channel nobody owns holds no buffers, and no buffer bookkeeping either:
 * since 6.8 videobuf2 allocates that on the first REQBUFS or CREATE_BUFS and
 * frees it only in vb2_core_queue_release() or on some error paths, so
 * REQBUFS(0), or a failed allocation, would otherwise leave it behind.
 */
static void biounit_release_unowned(struct biounit_channel *ch)
{
	if (!ch->owner)
		vb2_core_queue_release(&ch->queue);
}

static long biounit_reqbufs(struct biounit_channel *ch, struct biounit_file *bf,
			    struct biounit_requestbuffers *req)
{
	int ret;

	if (!biounit_memory_ok(req->memory))
		return -EINVAL;
	if (!biounit_check_owner(ch, bf) || biounit_v4l2_busy(ch))
		return -EBUSY;

	ret = vb2_core_reqbufs(&ch->queue, req->memory, 0, &req->count);
	if (!ret)
		biounit_set_owner(ch, req->count ? bf : NULL);
	biounit_release_unowned(ch);
	return ret;
}

static long biounit_create_bufs(struct biounit_channel *ch,
				struct biounit_file *bf,
				struct biounit_create_buffers *c)
{
	int ret;

	if (!biounit_memory_ok(c->memory) || !c->count)
		return -EINVAL;
	if (!biounit_check_owner(ch, bf) || biounit_v4l2_busy(ch))
		return -EBUSY;

	ret = biounit_vb2_create_bufs(&ch->queue, c->memory, &c->count,
				      ch->fmt.sizeimage, &c->index);
	if (!ret && c->count)
		biounit_set_owner(ch, bf);
	biounit_release_unowned(ch);
	return ret;
}

static struct vb2_buffer *biounit_lookup(struct biounit_channel *ch, u32 index)
{
	if (index >= BIOUNIT_MAX_BUFFERS)
		return NULL;
	return vb2_get_buffer(&ch->queue, index);
}

static long biounit_buffer_op(struct biounit_channel *ch,
			      struct biounit_file *bf, unsigned int cmd,
			      struct biounit_buffer *b)
{
	bool nonblock = bf->file->f_flags & O_NONBLOCK;
	struct biounit_buf *buf;
	struct vb2_buffer *vb;
	unsigned int state;
	int ret;

	if (ch->owner != bf)
		return ch->owner ? -EBUSY : -EINVAL;

	if (cmd == BIOUNIT_IOC_DQBUF) {
		ret = vb2_core_dqbuf(&ch->queue, &b->index, b, nonblock);
		vb = ret ? NULL : biounit_lookup(ch, b->index);
		if (vb)
			WRITE_ONCE(to_biounit_buf(vb)->state, BIOUNIT_BUF_DEQUEUED);
		return ret;
	}

	vb = biounit_lookup(ch, b->index);
	if (!vb)
		return -EINVAL;
	buf = to_biounit_buf(vb);

	if (cmd == BIOUNIT_IOC_QUERYBUF) {
		biounit_vb2_querybuf(&ch->queue, vb, b);
		return 0;
	}

	/* All buffers of a queue have the memory type they were made with */
	if (b->memory != vb->memory)
		return -EINVAL;
	if (b->memory == BIOUNIT_MEMORY_DMABUF) {
		buf->dmabuf_fd = b->fd;
		buf->dmabuf_length = b->length;
	}
	/* Before: once queued, a streaming backend may complete it at once */
	state = buf->state;
	WRITE_ONCE(buf->state, BIOUNIT_BUF_QUEUED);
	ret = biounit_vb2_qbuf(&ch->queue, vb, b);
	if (ret)
		WRITE_ONCE(buf->state, state);
	return ret;
}

static long biounit_expbuf(struct biounit_channel *ch, struct biounit_file *bf,
			   struct biounit_exportbuffer *e)
{
	struct vb2_buffer *vb;
	int ret;

	if ((e->flags & ~(O_CLOEXEC | O_ACCMODE)) ||
	    (e->flags & O_ACCMODE) == O_WRONLY)
		return -EINVAL;
	if (ch->owner != bf)
		return ch->owner ? -EBUSY : -EINVAL;

	vb = biounit_lookup(ch, e->index);
	if (!vb || vb->memory != VB2_MEMORY_MMAP)
		return -EINVAL;
	ret = biounit_vb2_expbuf(&ch->queue, &e->fd, vb, e->flags);
	/*
	 * Every bad argument was refused above: videobuf2 says -EINVAL also
	 * when the allocator could not make the dma-buf (out of memory).
	 */
	return ret == -EINVAL ? -ENOMEM : ret;
}

static long biounit_stream(struct biounit_channel *ch, struct biounit_file *bf,
			   unsigned int cmd)
{
	int ret;

	if (ch->owner != bf)
		return ch->owner || biounit_v4l2_busy(ch) ? -EBUSY : -EINVAL;

	if (cmd == BIOUNIT_IOC_STREAMON)
		return vb2_core_streamon(&ch->queue, ch->queue.type);
	ret = vb2_core_streamoff(&ch->queue, ch->queue.type);
	if (!ret)
		biounit_all_dequeued(ch);
	return ret;
}

/* The channel named by the ioctl argument, with its reserved words checked */
static struct biounit_channel *biounit_arg_channel(struct biounit_unit *unit,
						   unsigned int cmd, void *arg)
{
	const u32 *reserved;
	size_t nreserved;
	u32 id;

	switch (cmd) {
	case BIOUNIT_IOC_REQBUFS: {
		struct biounit_requestbuffers *r = arg;

		id = r->channel;
		reserved = r->reserved;
		nreserved = ARRAY_SIZE(r->reserved);
		break;
	}
	case BIOUNIT_IOC_CREATE_BUFS: {
		struct biounit_create_buffers *c = arg;

		id = c->channel;
		reserved = c->reserved;
		nreserved = ARRAY_SIZE(c->reserved);
		break;
	}
	case BIOUNIT_IOC_EXPBUF: {
		struct biounit_exportbuffer *e = arg;

		id = e->channel;
		reserved = e->reserved;
		nreserved = ARRAY_SIZE(e->reserved);
		break;
	}
	case BIOUNIT_IOC_STREAMON:
	case BIOUNIT_IOC_STREAMOFF: {
		struct biounit_stream *s = arg;

		id = s->channel;
		reserved = s->reserved;
		nreserved = ARRAY_SIZE(s->reserved);
		break;
	}
	default: {
		struct biounit_buffer *b = arg;

		id = b->channel;
		reserved = b->reserved;
		nreserved = ARRAY_SIZE(b->reserved);
		break;
	}
	}

	if (!biounit_reserved_zero(reserved, nreserved))
		return NULL;
	return biounit_get_channel(unit, id);
}

/**
 * biounit_ioctl_buffers() - the buffer and streaming ioctls
 * @bf: the open file
 * @cmd: REQBUFS, CREATE_BUFS, QUERYBUF, QBUF, DQBUF, EXPBUF, STREAMON or
 *	STREAMOFF
 * @arg: its argument, in kernel memory
 *
 * Return: 0 or a negative error code; -ENODEV once the unit is gone.
 */
long biounit_ioctl_buffers(struct biounit_file *bf, unsigned int cmd,
			   void *arg)
{
	struct biounit_channel *ch = biounit_arg_channel(bf->unit, cmd, arg);
	long ret;

	if (!ch)
		return -EINVAL;

	if (mutex_lock_interruptible(&ch->lock))
		return -ERESTARTSYS;

	if (biounit_is_gone(bf->unit)) {
		ret = -ENODEV;
		goto out;
	}

	switch (cmd) {
	case BIOUNIT_IOC_REQBUFS:
		ret = biounit_reqbufs(ch, bf, arg);
		break;
	case BIOUNIT_IOC_CREATE_BUFS:
		ret = biounit_create_bufs(ch, bf, arg);
		break;
	case BIOUNIT_IOC_EXPBUF:
		ret = biounit_expbuf(ch, bf, arg);
		break;
	case BIOUNIT_IOC_STREAMON:
	case BIOUNIT_IOC_STREAMOFF:
		ret = biounit_stream(ch, bf, cmd);
		break;
	default:
		ret = biounit_buffer_op(ch, bf, cmd, arg);
		break;
	}

	/* A waiter woken by the unit's removal sees a queue error */
	if (ret && biounit_is_gone(bf->unit))
		ret = -ENODEV;
out:
	mutex_unlock(&ch->lock);
	return ret;
}

/**
 * biounit_channel_release() - give up a channel when its owner closes
 * @ch: the channel
 * @bf: the closing file
 *
 * Stops streaming and frees the buffers if @bf owns the channel. Memory
 * still mapped or exported stays valid until it is unmapped and closed.
 */
void biounit_channel_release(struct biounit_channel *ch,
			     struct biounit_file *bf)
{
	mutex_lock(&ch->lock);
	if (ch->owner == bf) {
		vb2_core_queue_release(&ch->queue);
		biounit_set_owner(ch, NULL);
	}
	mutex_unlock(&ch->lock);
}

/**
 * biounit_channel_kill() - stop a channel whose unit is going away
 * @ch: the channel
 *
 * Called after the unit is marked gone: stops the backend, and wakes every
 * waiter of the queue and of the video node's queue, who then returns
 * -ENODEV.
 */
void biounit_channel_kill(struct biounit_channel *ch)
{
	mutex_lock(&ch->lock);
	if (vb2_is_streaming(&ch->queue) &&
	    !vb2_core_streamoff(&ch->queue, ch->queue.type))
		biounit_all_dequeued(ch);
	vb2_queue_error(&ch->queue);
	biounit_v4l2_kill(ch);
	wake_up_all(&ch->done_wq);
	mutex_unlock(&ch->lock);
}

/**
 * biounit_mmap() - map a buffer of a channel the file owns
 * @bf: the open file
 * @vma: the mapping; its offset is a buffer's mem_offset
 *
 * Return: 0 or a negative error code.
 */
int biounit_mmap(struct biounit_file *bf, struct vm_area_struct *vma)
{
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u32 id = offset >> BIOUNIT_MMAP_CHANNEL_SHIFT;
	struct biounit_channel *ch = biounit_get_channel(bf->unit, id);
	int ret;

	if (!ch)
		return -EINVAL;

	/*
	 * Not the channel lock: mmap() holds the mm's lock, and a V4L2 node's
	 * ioctl takes the media graph mutex, which is taken around copies to
	 * userspace, inside the channel lock. videobuf2 itself keeps the
	 * buffers from going while vb2_mmap() looks at them.
	 */
	if (mutex_lock_interruptible(&ch->owner_lock))
		return -ERESTARTSYS;
	if (biounit_is_gone(bf->unit)) {
		ret = -ENODEV;
	} else if (ch->owner != bf) {
		ret = -EACCES;
	} else {
		vma->vm_pgoff -= biounit_mmap_base(ch) >> PAGE_SHIFT;
		ret = vb2_mmap(&ch->queue, vma);
	}
	mutex_unlock(&ch->owner_lock);
	return ret;
}

/**
 * biounit_poll_buffers() - poll the streaming channels a file owns
 * @bf: the open file
 * @file: the file
 * @wait: the poll table
 *
 * Return: EPOLLIN | EPOLLRDNORM when a buffer can be dequeued from one of
 * them, EPOLLERR when one of them failed. Channels that do not stream are
 * waited on too but add nothing to the mask.
 */
__poll_t biounit_poll_buffers(struct biounit_file *bf, struct file *file,
			      poll_table *wait)
{
	__poll_t mask = 0;
	unsigned int i;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		struct biounit_channel *ch = &bf->unit->channels[i];

		if (!ch->present)
			continue;
		/*
		 * Every channel's queue is waited on, streaming or not, so that
		 * an epoll set up before STREAMON is woken by the first frame.
		 */
		poll_wait(file, &ch->done_wq, wait);
		if (READ_ONCE(ch->owner) == bf && vb2_is_streaming(&ch->queue))
			mask |= vb2_core_poll(&ch->queue, file, wait);
	}
	return mask;
}

/**
 * biounit_next_buffer() - take the next empty buffer to fill
 * @ch: the channel
 *
 * For backends; may be called in any context.
 *
 * Return: the buffer, or NULL if userspace has queued none: the backend then
 * reports the frame with biounit_frame_dropped().
 */
struct biounit_buf *biounit_next_buffer(struct biounit_channel *ch)
{
	struct biounit_buf *buf;
	unsigned long flags;

	spin_lock_irqsave(&ch->qlock, flags);
	buf = list_first_entry_or_null(&ch->waiting, struct biounit_buf, list);
	if (buf)
		list_del(&buf->list);
	spin_unlock_irqrestore(&ch->qlock, flags);
	return buf;
}
EXPORT_SYMBOL_GPL(biounit_next_buffer);

/**
 * biounit_buf_vaddr() - the kernel address of a buffer's data
 * @buf: the buffer
 *
 * Return: the address, or NULL if the allocator gives no kernel mapping.
 */
void *biounit_buf_vaddr(struct biounit_buf *buf)
{
	return vb2_plane_vaddr(&buf->vb.vb2_buf, 0);
}
EXPORT_SYMBOL_GPL(biounit_buf_vaddr);

static void biounit_frame_seen(struct biounit_channel *ch)
{
	if (ch->timeout_ms)
		mod_delayed_work(system_wq, &ch->watchdog,
				 msecs_to_jiffies(ch->timeout_ms));
}

/**
 * biounit_buf_done() - hand a filled buffer to userspace
 * @ch: the channel
 * @buf: the buffer, taken with biounit_next_buffer()
 * @bytesused: bytes of data in it
 * @damaged: the frame is known to be bad; userspace sees
 *	BIOUNIT_BUF_FLAG_ERROR and a BIOUNIT_EVENT_FRAME_ERROR event
 *
 * Gives the buffer the channel's next sequence number and the time now on
 * CLOCK_MONOTONIC. May be called in any context.
 */
void biounit_buf_done(struct biounit_channel *ch, struct biounit_buf *buf,
		      u32 bytesused, bool damaged)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->qlock, flags);
	buf->sequence = ch->sequence++;
	spin_unlock_irqrestore(&ch->qlock, flags);

	buf->vb.vb2_buf.timestamp = ktime_get_ns();
	buf->vb.sequence = buf->sequence;
	buf->vb.field = V4L2_FIELD_NONE;
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, bytesused);
	atomic64_inc(&ch->stat_frames);
	if (damaged) {
		atomic64_inc(&ch->stat_damaged);
		biounit_notify(ch->unit, BIOUNIT_EVENT_FRAME_ERROR, ch->id,
			       buf->sequence);
	}
	biounit_complete(ch, buf, damaged ? VB2_BUF_STATE_ERROR :
					     VB2_BUF_STATE_DONE);
	biounit_frame_seen(ch);
}
EXPORT_SYMBOL_GPL(biounit_buf_done);

/**
 * biounit_buf_return() - give back a buffer that was not filled
 * @buf: the buffer, taken with biounit_next_buffer()
 *
 * For a backend's stop: the buffer goes back without a frame number.
 */
void biounit_buf_return(struct biounit_buf *buf)
{
	biounit_complete(vb2_get_drv_priv(buf->vb.vb2_buf.vb2_queue), buf,
			 VB2_BUF_STATE_ERROR);
}
EXPORT_SYMBOL_GPL(biounit_buf_return);

/**
 * biounit_buf_requeue() - put back a buffer that was taken too early
 * @ch: the channel
 * @buf: the buffer, taken with biounit_next_buffer() and not filled
 *
 * The buffer is the next one biounit_next_buffer() gives. May be called in
 * any context.
 */
void biounit_buf_requeue(struct biounit_channel *ch, struct biounit_buf *buf)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->qlock, flags);
	list_add(&buf->list, &ch->waiting);
	spin_unlock_irqrestore(&ch->qlock, flags);
}
EXPORT_SYMBOL_GPL(biounit_buf_requeue);

/**
 * biounit_frame_dropped() - report a frame that was lost
 * @ch: the channel
 *
 * The frame's sequence number is used up, so userspace sees the gap, and a
 * BIOUNIT_EVENT_FRAME_DROPPED event names it. May be called in any context.
 */
void biounit_frame_dropped(struct biounit_channel *ch)
{
	unsigned long flags;
	u32 seq;

	spin_lock_irqsave(&ch->qlock, flags);
	seq = ch->sequence++;
	spin_unlock_irqrestore(&ch->qlock, flags);

	atomic64_inc(&ch->stat_dropped);
	biounit_notify(ch->unit, BIOUNIT_EVENT_FRAME_DROPPED, ch->id, seq);
	biounit_frame_seen(ch);
}
EXPORT_SYMBOL_GPL(biounit_frame_dropped);
