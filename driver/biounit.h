/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit core <-> hardware backend interface
 *
 * A backend (the simulator, or a driver for a real unit's sensors and DMA
 * engine) is a platform driver whose probe calls devm_biounit_register().
 * The core reads the unit's description from the device's properties, owns
 * the character device, the videobuf2 queues, formats, controls and events,
 * and calls the backend only through struct biounit_hw_ops.
 */
#ifndef _BIOUNIT_H
#define _BIOUNIT_H

#include <linux/types.h>
#include <media/videobuf2-v4l2.h>
#include <linux/biounit.h>

struct device;
struct biounit_unit;
struct biounit_channel;

/**
 * struct biounit_buf - a capture buffer as a backend sees it
 * @vb: the videobuf2 buffer (its &vb2_v4l2_buffer.vb2_buf first); must
 *	stay first. The character device's queues and the V4L2 nodes' queues
 *	both use this type, so a backend never knows which one a buffer is of.
 * @list: the core's list of buffers waiting for data
 * @sequence: frame number given when the buffer is completed
 * @dmabuf_fd: dma-buf file descriptor for the next DMABUF queueing
 * @dmabuf_length: length userspace gave with @dmabuf_fd
 * @state: where the buffer is, for QUERYBUF (the core's; backends leave it)
 */
struct biounit_buf {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	u32 sequence;
	s32 dmabuf_fd;
	u32 dmabuf_length;
	unsigned int state;
};

/**
 * struct biounit_hw_ops - what a backend does for the core
 * @start: start capturing on @ch; buffers are taken with
 *	biounit_next_buffer(). Called with the channel's lock held.
 * @stop: stop capturing on @ch; when it returns the backend touches no
 *	buffer any more and has completed or returned every buffer it took.
 *	Called with the channel's lock held; may sleep.
 * @s_ctrl: apply control @id; the core has checked the range. Optional.
 *
 * The format of a channel is read with biounit_channel_format() in @start.
 */
struct biounit_hw_ops {
	int (*start)(struct biounit_channel *ch);
	void (*stop)(struct biounit_channel *ch);
	int (*s_ctrl)(struct biounit_unit *unit, u32 id, s64 value);
};

/**
 * struct biounit_hw - a backend's registration
 * @ops: the backend's operations
 * @priv: the backend's data, returned by biounit_hw_priv()
 * @mem_ops: videobuf2 allocator; NULL means vmalloc (CPU-filled buffers)
 * @dma_dev: the device that DMAs into the buffers, for a DMA allocator
 */
struct biounit_hw {
	const struct biounit_hw_ops *ops;
	void *priv;
	const struct vb2_mem_ops *mem_ops;
	struct device *dma_dev;
};

struct biounit_unit *devm_biounit_register(struct device *dev,
					   const struct biounit_hw *hw);
void *biounit_hw_priv(struct biounit_unit *unit);
struct biounit_unit *biounit_channel_unit(struct biounit_channel *ch);
unsigned int biounit_channel_id(struct biounit_channel *ch);
void biounit_channel_format(struct biounit_channel *ch,
			    struct biounit_format *fmt);
struct biounit_buf *biounit_next_buffer(struct biounit_channel *ch);
void *biounit_buf_vaddr(struct biounit_buf *buf);
void biounit_buf_done(struct biounit_channel *ch, struct biounit_buf *buf,
		      u32 bytesused, bool damaged);
void biounit_buf_return(struct biounit_buf *buf);
void biounit_buf_requeue(struct biounit_channel *ch, struct biounit_buf *buf);
void biounit_frame_dropped(struct biounit_channel *ch);
void biounit_pen_report(struct biounit_channel *ch,
			const struct biounit_pen_sample *s);
void biounit_notify(struct biounit_unit *unit, u32 type, u32 channel,
		    u32 data);
const char *biounit_unit_name(struct biounit_unit *unit);

#endif /* _BIOUNIT_H */
