/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit core internals, shared by the files of biounit.ko only
 *
 * Lock order, outermost first:
 *   biounit_channel.lock (the vb2 queue lock, also of the channel's V4L2 node;
 *			   one channel at a time; V4L2 takes the media graph
 *			   mutex inside it, so it is never taken in mmap())
 *   biounit_unit.lock    (controls, the gone flag for unit-wide calls)
 *   biounit_channel.owner_lock (the owner for mmap(), under the mm's lock)
 *   biounit_unit.files_lock, biounit_channel.qlock (spinlocks, innermost)
 */
#ifndef _BIOUNIT_PRIV_H
#define _BIOUNIT_PRIV_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/kfifo.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <media/media-device.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>

#include "biounit.h"

#define BIOUNIT_MAX_BUFFERS	16
#define BIOUNIT_EVENT_QUEUE_LEN	64
#define BIOUNIT_NUM_CTRLS	7

/*
 * Each channel's mmap offsets start at a multiple of this: videobuf2 hands
 * out offsets per queue, and all three queues share one file.
 */
#define BIOUNIT_MMAP_CHANNEL_SHIFT	30

struct biounit_file;
struct biounit_inputs;
struct biounit_resources;

/**
 * struct biounit_frame_size - a frame size a channel offers
 * @width: width in pixels, or samples per buffer for a pad
 * @height: height in pixels, 1 for a pad
 * @still: a still size rather than a preview size
 */
struct biounit_frame_size {
	u32 width;
	u32 height;
	bool still;
};

/**
 * struct biounit_channel_type - what does not vary between units of a kind
 * @type: BIOUNIT_CHTYPE_*
 * @name: name for people
 * @formats: pixel formats, zero-terminated
 * @sizes: frame sizes, zero-terminated
 * @default_size: index into @sizes of the format after probe
 * @default_interval_us: frame interval after probe
 */
struct biounit_channel_type {
	u32 type;
	const char *name;
	const u32 *formats;
	const struct biounit_frame_size *sizes;
	unsigned int default_size;
	u32 default_interval_us;
};

/**
 * enum biounit_buf_state - where a buffer is (&biounit_buf.state)
 * @BIOUNIT_BUF_DEQUEUED: with userspace (the state of a new buffer)
 * @BIOUNIT_BUF_QUEUED: queued, waiting to be filled
 * @BIOUNIT_BUF_DONE: filled, waiting to be dequeued
 * @BIOUNIT_BUF_FAILED: completed with an error, waiting to be dequeued
 *
 * Kept by the core so that QUERYBUF need not read videobuf2's private
 * buffer state. Written under the channel lock, except the two completion
 * states, which a backend's completion sets in any context.
 */
enum biounit_buf_state {
	BIOUNIT_BUF_DEQUEUED,
	BIOUNIT_BUF_QUEUED,
	BIOUNIT_BUF_DONE,
	BIOUNIT_BUF_FAILED,
};

/**
 * struct biounit_video - a channel's V4L2 and media controller view
 * @entity: the channel's media entity (the sensor, or the pad)
 * @entity_pad: its source pad
 * @vdev: the video capture node (cameras and scanners only)
 * @vdev_pad: the sink pad of @vdev's entity
 * @queue: the node's videobuf2 queue; its lock is the channel's lock
 * @ctrls: the node's controls (biounit-ctrl.c)
 *
 * See biounit-v4l2.c. Freed with the unit.
 */
struct biounit_video {
	struct media_entity entity;
	struct media_pad entity_pad;
	struct video_device vdev;
	struct media_pad vdev_pad;
	struct vb2_queue queue;
	struct v4l2_ctrl_handler ctrls;
};

/**
 * struct biounit_channel - one capture channel of a unit
 * @unit: the unit
 * @id: BIOUNIT_CH_*
 * @present: the unit has this channel
 * @type: the channel's kind
 * @lock: serialises the channel's calls; the videobuf2 queue lock
 * @queue: the videobuf2 queue
 * @owner: the open file that holds the buffers, or NULL; written under
 *	@lock and @owner_lock, read under either
 * @owner_lock: what mmap() takes to read @owner (not @lock: see the top)
 * @fmt: the current format
 * @max_width: largest width the unit's sensor gives
 * @max_height: largest height the unit's sensor gives
 * @resolution_ppi: scanner resolution, or pad units per inch
 * @pad_width: pad x range
 * @pad_height: pad y range
 * @pressure_max: pad pressure range
 * @min_interval_us: shortest frame interval
 * @max_interval_us: longest frame interval
 * @done_wq: woken when a buffer completes or the channel stops, so that a
 *	poll set up before STREAMON sees the first frame
 * @qlock: protects @waiting and @sequence
 * @waiting: buffers queued to the driver and not yet taken by the backend
 * @sequence: number of the next frame
 * @watchdog: reports a channel that stopped delivering frames
 * @timeout_ms: how long without a frame before @watchdog reports
 * @stat_frames: frames completed since probe
 * @stat_dropped: frames lost since probe
 * @stat_damaged: frames completed with an error since probe
 * @video: the V4L2 and media controller view of the channel
 */
struct biounit_channel {
	struct biounit_unit *unit;
	unsigned int id;
	bool present;
	const struct biounit_channel_type *type;

	struct mutex lock; /* the channel's calls; the vb2 queue lock */
	struct vb2_queue queue;
	struct biounit_file *owner;
	struct mutex owner_lock; /* @owner for mmap() */
	struct biounit_format fmt;

	u32 max_width;
	u32 max_height;
	u32 resolution_ppi;
	u32 pad_width;
	u32 pad_height;
	u32 pressure_max;
	u32 min_interval_us;
	u32 max_interval_us;

	wait_queue_head_t done_wq;
	spinlock_t qlock; /* @waiting, @sequence */
	struct list_head waiting;
	u32 sequence;

	struct delayed_work watchdog;
	unsigned int timeout_ms;

	atomic64_t stat_frames;
	atomic64_t stat_dropped;
	atomic64_t stat_damaged;

	struct biounit_video video;
};

/**
 * struct biounit_unit - one biometrics unit
 * @dev: the class device /dev/biounitN hangs off; its release frees the unit
 * @cdev: the character device
 * @hw: the backend's registration
 * @res: the supplies, clocks, GPIOs and lights from the properties, the
 *	camera's link and the sensors' devices (devm data of the backend's
 *	device: valid until the unit is unregistered)
 * @minor: minor number, also the N of biounitN
 * @model: model name from the properties
 * @serial: serial number from the properties
 * @lock: protects @ctrl_values and @gone for unit-wide calls
 * @gone: the backend went away; every call returns -ENODEV
 * @ctrl_values: current value of each control, by index
 * @files_lock: protects @files
 * @files: open files, for events
 * @debugfs: the unit's debugfs directory
 * @inputs: the input devices (biounit-input.c), once registered
 * @channels: the capture channels
 * @v4l2_dev: parent of the channels' video nodes; holds a reference to
 *	@dev while a node is open (biounit-v4l2.c)
 * @mdev: the unit's media controller device
 */
struct biounit_unit {
	struct device dev;
	struct cdev cdev;
	struct biounit_hw hw;
	struct biounit_resources *res;
	int minor;
	const char *model;
	const char *serial;

	struct mutex lock; /* @gone, @ctrl_values, backend s_ctrl */
	bool gone;
	s64 ctrl_values[BIOUNIT_NUM_CTRLS];

	spinlock_t files_lock; /* @files and their event queues */
	struct list_head files;
	struct dentry *debugfs;
	struct biounit_inputs *inputs;

	struct biounit_channel channels[BIOUNIT_CH_COUNT];

	struct v4l2_device v4l2_dev;
	struct media_device mdev;
};

/**
 * struct biounit_file - an open file of a unit
 * @unit: the unit
 * @file: the file
 * @list: entry in the unit's @files
 * @events: queued events
 * @event_wait: woken when an event is queued or the unit goes
 * @subscribed: mask of event types this file wants
 * @event_sequence: number of the next event
 */
struct biounit_file {
	struct biounit_unit *unit;
	struct file *file;
	struct list_head list;
	DECLARE_KFIFO(events, struct biounit_event, BIOUNIT_EVENT_QUEUE_LEN);
	wait_queue_head_t event_wait;
	u32 subscribed;
	u32 event_sequence;
};

static inline bool biounit_is_gone(struct biounit_unit *unit)
{
	return READ_ONCE(unit->gone);
}

/* The channel @id of @unit, or NULL if @id is out of range or absent */
static inline struct biounit_channel *
biounit_get_channel(struct biounit_unit *unit, u32 id)
{
	if (id >= BIOUNIT_CH_COUNT)
		return NULL;
	id = array_index_nospec(id, BIOUNIT_CH_COUNT);
	return unit->channels[id].present ? &unit->channels[id] : NULL;
}

/* biounit-format.c */
extern const struct biounit_channel_type biounit_channel_types[BIOUNIT_CH_COUNT];
int biounit_fill_format(struct biounit_channel *ch, struct biounit_format *fmt);
long biounit_ioctl_format(struct biounit_file *bf, unsigned int cmd, void *arg);
const char *biounit_format_name(u32 pixelformat);
const struct biounit_frame_size *
biounit_frame_size_at(const struct biounit_channel *ch, u32 pixelformat,
		      u32 index);
void biounit_nearest_format(struct biounit_channel *ch,
			    struct biounit_format *fmt);
long biounit_ioctl_channel_info(struct biounit_unit *unit, void *arg);

/* biounit-queue.c */
int biounit_queue_init(struct biounit_channel *ch);
int biounit_queue_init_v4l2(struct biounit_channel *ch, struct vb2_queue *q);
long biounit_ioctl_buffers(struct biounit_file *bf, unsigned int cmd,
			   void *arg);
void biounit_channel_release(struct biounit_channel *ch,
			     struct biounit_file *bf);
void biounit_channel_kill(struct biounit_channel *ch);
int biounit_mmap(struct biounit_file *bf, struct vm_area_struct *vma);
__poll_t biounit_poll_buffers(struct biounit_file *bf, struct file *file,
			      poll_table *wait);
bool biounit_check_owner(struct biounit_channel *ch, struct biounit_file *bf);

/* biounit-ctrl.c */
int biounit_ctrl_init(struct biounit_unit *unit);
long biounit_ioctl_ctrl(struct biounit_unit *unit, unsigned int cmd,
			void *arg);
int biounit_ctrl_v4l2_init(struct biounit_channel *ch);

/* biounit-event.c */
void biounit_event_file_init(struct biounit_file *bf);
long biounit_ioctl_event(struct biounit_file *bf, unsigned int cmd,
			 void *arg);
bool biounit_event_pending(struct biounit_file *bf);
void biounit_notify_unit(struct biounit_unit *unit, u32 type, u32 data);
void biounit_notify_gone(struct biounit_unit *unit);

/* biounit-v4l2.c */
int biounit_v4l2_register(struct biounit_unit *unit);
void biounit_v4l2_unregister(struct biounit_unit *unit);
bool biounit_v4l2_busy(struct biounit_channel *ch);
void biounit_v4l2_kill(struct biounit_channel *ch);

/* biounit-resources.c */
struct biounit_resources *biounit_resources_get(struct device *dev);
const struct biounit_hw_ops *
biounit_resources_ops(struct biounit_resources *res,
		      const struct biounit_hw_ops *ops);
void biounit_resources_debugfs(struct biounit_resources *res,
			       struct dentry *dir);
void biounit_resources_attach(struct biounit_resources *res,
			      struct biounit_unit *unit);
void biounit_resources_detach(struct biounit_resources *res);
int biounit_resources_input(struct biounit_resources *res, u32 event);

/* biounit-input.c */
int biounit_input_register(struct biounit_unit *unit);
void biounit_input_unregister(struct biounit_unit *unit);
void biounit_input_notify(struct biounit_unit *unit, u32 type, u32 value);

/* biounit-core.c */
bool biounit_reserved_zero(const u32 *reserved, size_t count);

#endif /* _BIOUNIT_PRIV_H */
