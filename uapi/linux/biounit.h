/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * biounit: biometrics capture unit (face camera, finger scanner, signature pad)
 *
 * One character device per unit, /dev/biounitN. Every structure is of fixed
 * size, has the same layout on 32- and 64-bit, carries no pointers and ends
 * in reserved fields that must be zero: a non-zero reserved field is -EINVAL,
 * so that later versions can give them a meaning.
 *
 * The reference for every ioctl is docs/uapi.md.
 */
#ifndef _UAPI_LINUX_BIOUNIT_H
#define _UAPI_LINUX_BIOUNIT_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define BIOUNIT_VERSION(major, minor)	(((major) << 16) | (minor))
#define BIOUNIT_API_VERSION		BIOUNIT_VERSION(2, 1)

/* Capability flags of struct biounit_caps.capabilities */
#define BIOUNIT_CAP_MMAP		_BITUL(0)  /* buffers can be mmap-ed */
#define BIOUNIT_CAP_DMABUF_EXPORT	_BITUL(1)  /* BIOUNIT_IOC_EXPBUF */
#define BIOUNIT_CAP_DMABUF_IMPORT	_BITUL(2)  /* BIOUNIT_MEMORY_DMABUF */
#define BIOUNIT_CAP_EVENTS		_BITUL(3)  /* BIOUNIT_IOC_DQEVENT */
#define BIOUNIT_CAP_CONTROLS		_BITUL(4)  /* BIOUNIT_IOC_QUERYCTRL... */
#define BIOUNIT_CAP_CREATE_BUFS		_BITUL(5)  /* BIOUNIT_IOC_CREATE_BUFS */

/* Channels; struct biounit_caps.channels is a mask of (1 << channel) */
#define BIOUNIT_CH_FACE			0  /* face camera */
#define BIOUNIT_CH_FINGER		1  /* fingertip scanner */
#define BIOUNIT_CH_SIGNATURE		2  /* signature pad */
#define BIOUNIT_CH_COUNT		3  /* channels defined so far; may grow */
/* Not a channel: the whole unit, in events and controls (since 2.0) */
#define BIOUNIT_CH_UNIT			255

#define BIOUNIT_FOURCC(a, b, c, d)	\
	((__u32)(a) | ((__u32)(b) << 8) | ((__u32)(c) << 16) | ((__u32)(d) << 24))

/* Pixel formats; the same codes and layouts as V4L2's */
#define BIOUNIT_FMT_GREY	BIOUNIT_FOURCC('G', 'R', 'E', 'Y') /* 8-bit luma */
#define BIOUNIT_FMT_YUYV	BIOUNIT_FOURCC('Y', 'U', 'Y', 'V') /* 4:2:2 packed */
#define BIOUNIT_FMT_NV12	BIOUNIT_FOURCC('N', 'V', '1', '2') /* 4:2:0, Y then CbCr */
#define BIOUNIT_FMT_RGB24	BIOUNIT_FOURCC('R', 'G', 'B', '3') /* R, G, B bytes */
/*
 * Since 2.1 (face camera): B, G, R, X bytes, X ignored by readers (the driver
 * writes 0xff). V4L2_PIX_FMT_XBGR32, and the same FourCC and layout as
 * DRM_FORMAT_XRGB8888 (x:R:G:B little endian), so a frame can be scanned out
 * as it is.
 */
#define BIOUNIT_FMT_XBGR32	BIOUNIT_FOURCC('X', 'R', '2', '4')
/* Signature pad: an array of struct biounit_pen_sample */
#define BIOUNIT_FMT_PEN		BIOUNIT_FOURCC('B', 'U', 'P', 'N')

#define BIOUNIT_NAME_LEN	32

/**
 * struct biounit_caps - what a unit is and can do (BIOUNIT_IOC_QUERYCAP)
 * @api_version: BIOUNIT_API_VERSION of the driver; the major number changes
 *	only if an existing ioctl changes meaning
 * @capabilities: BIOUNIT_CAP_* flags
 * @channels: mask of present channels, bit (1 << BIOUNIT_CH_*)
 * @reserved0: must be zero
 * @driver: name of the driver, NUL-terminated
 * @model: model of the unit, NUL-terminated
 * @serial: serial number of the unit, NUL-terminated
 * @bus_info: where the unit is attached (the parent device), NUL-terminated
 * @reserved: must be zero
 */
struct biounit_caps {
	__u32 api_version;
	__u32 capabilities;
	__u32 channels;
	__u32 reserved0;
	__u8  driver[16];
	__u8  model[BIOUNIT_NAME_LEN];
	__u8  serial[BIOUNIT_NAME_LEN];
	__u8  bus_info[BIOUNIT_NAME_LEN];
	__u32 reserved[8];
};

/* struct biounit_channel_info.type */
#define BIOUNIT_CHTYPE_CAMERA	1
#define BIOUNIT_CHTYPE_SCANNER	2
#define BIOUNIT_CHTYPE_PAD	3

/**
 * struct biounit_channel_info - one capture channel (BIOUNIT_IOC_CHANNEL_INFO)
 * @channel: the channel to describe, BIOUNIT_CH_* (in)
 * @type: BIOUNIT_CHTYPE_* (out)
 * @resolution_ppi: pixels per inch at the object plane for a scanner, 0 for
 *	a camera; for a pad, sample units per inch (out)
 * @pad_width: largest x of a pen sample plus one (pads only, out)
 * @pad_height: largest y of a pen sample plus one (pads only, out)
 * @pressure_max: largest pressure of a pen sample (pads only, out)
 * @min_interval_us: shortest frame interval the channel supports (out)
 * @max_interval_us: longest frame interval the channel supports (out)
 * @max_buffers: the most buffers the channel gives one owner (out)
 * @reserved0: must be zero
 * @name: a name for people, NUL-terminated (out)
 * @reserved: must be zero
 */
struct biounit_channel_info {
	__u32 channel;
	__u32 type;
	__u32 resolution_ppi;
	__u32 pad_width;
	__u32 pad_height;
	__u32 pressure_max;
	__u32 min_interval_us;
	__u32 max_interval_us;
	__u32 max_buffers;
	__u32 reserved0;
	__u8  name[BIOUNIT_NAME_LEN];
	__u32 reserved[6];
};

/**
 * struct biounit_fmtdesc - one pixel format of a channel (BIOUNIT_IOC_ENUM_FMT)
 * @channel: BIOUNIT_CH_* (in)
 * @index: from 0 upwards until -EINVAL (in)
 * @pixelformat: BIOUNIT_FMT_* (out)
 * @reserved0: must be zero
 * @description: the format for people, NUL-terminated (out)
 * @reserved: must be zero
 */
struct biounit_fmtdesc {
	__u32 channel;
	__u32 index;
	__u32 pixelformat;
	__u32 reserved0;
	__u8  description[BIOUNIT_NAME_LEN];
	__u32 reserved[4];
};

/* struct biounit_frmsize.flags */
#define BIOUNIT_FRMSIZE_STILL	_BITUL(0) /* a still size, not a preview size */

/**
 * struct biounit_frmsize - one frame size of a format (BIOUNIT_IOC_ENUM_FRAMESIZES)
 * @channel: BIOUNIT_CH_* (in)
 * @index: from 0 upwards until -EINVAL (in)
 * @pixelformat: BIOUNIT_FMT_* the size is for (in)
 * @width: width in pixels; for BIOUNIT_FMT_PEN the samples per buffer (out)
 * @height: height in pixels; 1 for BIOUNIT_FMT_PEN (out)
 * @flags: BIOUNIT_FRMSIZE_* (out)
 * @reserved: must be zero
 */
struct biounit_frmsize {
	__u32 channel;
	__u32 index;
	__u32 pixelformat;
	__u32 width;
	__u32 height;
	__u32 flags;
	__u32 reserved[4];
};

/**
 * struct biounit_format - the format of a channel (BIOUNIT_IOC_G_FMT, S_FMT, TRY_FMT)
 * @channel: BIOUNIT_CH_* (in)
 * @pixelformat: BIOUNIT_FMT_* (in for S_FMT and TRY_FMT)
 * @width: width in pixels, or samples per buffer for a pad (in)
 * @height: height in pixels, 1 for a pad (in)
 * @interval_us: frame interval in microseconds, between the channel's
 *	min_interval_us and max_interval_us; 0 keeps the current one (in)
 * @bytesperline: bytes from one line to the next of the first plane (out)
 * @sizeimage: bytes of a whole frame, the size of every buffer (out)
 * @reserved: must be zero
 *
 * S_FMT and TRY_FMT never adjust a request: a format, size or interval the
 * channel does not have is -EINVAL. S_FMT on a channel with buffers is -EBUSY.
 */
struct biounit_format {
	__u32 channel;
	__u32 pixelformat;
	__u32 width;
	__u32 height;
	__u32 interval_us;
	__u32 bytesperline;
	__u32 sizeimage;
	__u32 reserved[5];
};

/* Memory types; the values are those of videobuf2 */
#define BIOUNIT_MEMORY_MMAP	1
#define BIOUNIT_MEMORY_DMABUF	4

/**
 * struct biounit_requestbuffers - allocate or free buffers (BIOUNIT_IOC_REQBUFS)
 * @channel: BIOUNIT_CH_* (in)
 * @count: buffers wanted (in), allocated (out); 0 frees them all and gives
 *	up ownership of the channel
 * @memory: BIOUNIT_MEMORY_* (in)
 * @reserved: must be zero
 */
struct biounit_requestbuffers {
	__u32 channel;
	__u32 count;
	__u32 memory;
	__u32 reserved[5];
};

/**
 * struct biounit_create_buffers - add buffers (BIOUNIT_IOC_CREATE_BUFS)
 * @channel: BIOUNIT_CH_* (in)
 * @count: buffers wanted (in), created (out)
 * @memory: BIOUNIT_MEMORY_* (in)
 * @index: index of the first created buffer (out)
 * @reserved: must be zero
 */
struct biounit_create_buffers {
	__u32 channel;
	__u32 count;
	__u32 memory;
	__u32 index;
	__u32 reserved[4];
};

/* struct biounit_buffer.flags */
#define BIOUNIT_BUF_FLAG_MAPPED		_BITUL(0) /* mmap-ed somewhere */
#define BIOUNIT_BUF_FLAG_QUEUED		_BITUL(1) /* owned by the driver */
#define BIOUNIT_BUF_FLAG_DONE		_BITUL(2) /* filled (also on DQBUF) */
#define BIOUNIT_BUF_FLAG_ERROR		_BITUL(3) /* the frame is damaged */

/**
 * struct biounit_buffer - one buffer (BIOUNIT_IOC_QUERYBUF, QBUF, DQBUF)
 * @channel: BIOUNIT_CH_* (in)
 * @index: buffer index (in for QUERYBUF and QBUF, out for DQBUF)
 * @memory: BIOUNIT_MEMORY_* (in for QBUF, out otherwise)
 * @flags: BIOUNIT_BUF_FLAG_* (out)
 * @bytesused: bytes of data in the buffer (out)
 * @length: size of the buffer in bytes (out; in for a DMABUF QBUF)
 * @sequence: frame number on the channel, counting dropped frames (out)
 * @fd: the dma-buf to capture into, for a BIOUNIT_MEMORY_DMABUF QBUF (in);
 *	the one last queued for a DMABUF buffer, -1 for an MMAP one (out)
 * @mem_offset: the offset to pass to mmap() for this buffer (out)
 * @timestamp_ns: CLOCK_MONOTONIC time of the end of capture; one clock for
 *	all channels of all units (out)
 * @reserved: must be zero
 */
struct biounit_buffer {
	__u32 channel;
	__u32 index;
	__u32 memory;
	__u32 flags;
	__u32 bytesused;
	__u32 length;
	__u32 sequence;
	__s32 fd;
	__u64 mem_offset;
	__u64 timestamp_ns;
	__u32 reserved[4];
};

/**
 * struct biounit_exportbuffer - export a buffer as a dma-buf (BIOUNIT_IOC_EXPBUF)
 * @channel: BIOUNIT_CH_* (in)
 * @index: buffer index (in)
 * @flags: O_CLOEXEC and the access mode (O_RDONLY or O_RDWR) of the new
 *	file (in); other flags are -EINVAL
 * @fd: the dma-buf file descriptor (out)
 * @reserved: must be zero
 */
struct biounit_exportbuffer {
	__u32 channel;
	__u32 index;
	__u32 flags;
	__s32 fd;
	__u32 reserved[4];
};

/**
 * struct biounit_stream - start or stop a channel (BIOUNIT_IOC_STREAMON, STREAMOFF)
 * @channel: BIOUNIT_CH_* (in)
 * @reserved: must be zero
 */
struct biounit_stream {
	__u32 channel;
	__u32 reserved[3];
};

/**
 * struct biounit_pen_sample - one sample of the signature pad
 * @timestamp_ns: CLOCK_MONOTONIC time of the sample
 * @x: horizontal position, 0 to pad_width - 1, left to right
 * @y: vertical position, 0 to pad_height - 1, top to bottom
 * @pressure: 0 to pressure_max
 * @flags: BIOUNIT_PEN_* flags
 * @reserved: zero
 *
 * A buffer of the signature channel holds bytesused / sizeof(this) samples.
 */
struct biounit_pen_sample {
	__u64 timestamp_ns;
	__u32 x;
	__u32 y;
	__u16 pressure;
	__u16 flags;
	__u32 reserved;
};

#define BIOUNIT_PEN_DOWN	_BITUL(0) /* the pen touches the pad */
#define BIOUNIT_PEN_STROKE_START _BITUL(1) /* first sample of a stroke */

/* Event types; struct biounit_event_subscription.types is a mask of (1 << type) */
#define BIOUNIT_EVENT_FINGER_PLACED	1
#define BIOUNIT_EVENT_FINGER_REMOVED	2
#define BIOUNIT_EVENT_PEN_DOWN		3
#define BIOUNIT_EVENT_PEN_UP		4
#define BIOUNIT_EVENT_FRAME_ERROR	5 /* data: sequence of the damaged frame */
#define BIOUNIT_EVENT_FRAME_DROPPED	6 /* data: sequence of the lost frame */
#define BIOUNIT_EVENT_TIMEOUT		7 /* data: milliseconds without a frame */
#define BIOUNIT_EVENT_UNIT_GONE		8 /* always delivered, never subscribed */
/* Since 1.1; channel BIOUNIT_CH_UNIT (the unit), as for UNIT_GONE */
#define BIOUNIT_EVENT_BUTTON		9 /* data: 1 pressed, 0 released */
#define BIOUNIT_EVENT_PRESENCE		10 /* data: 1 someone present, 0 gone */
#define BIOUNIT_EVENT_MAX		10

/**
 * struct biounit_event_subscription - choose events (BIOUNIT_IOC_SUBSCRIBE)
 * @types: mask of (1 << BIOUNIT_EVENT_*); bit 0 and unknown bits are -EINVAL
 * @reserved: must be zero
 *
 * Each open file has its own subscription and queue of events.
 */
struct biounit_event_subscription {
	__u32 types;
	__u32 reserved[3];
};

/**
 * struct biounit_event - one event (BIOUNIT_IOC_DQEVENT)
 * @type: BIOUNIT_EVENT_* (out)
 * @channel: channel the event is about, BIOUNIT_CH_*; BIOUNIT_CH_UNIT for
 *	an event about the whole unit (UNIT_GONE, BUTTON, PRESENCE) (out)
 * @data: type-dependent value (out)
 * @pending: events still queued after this one (out)
 * @timestamp_ns: CLOCK_MONOTONIC time of the event (out)
 * @sequence: event number of this open file, counting events lost when the
 *	queue was full (out)
 * @reserved: must be zero (in)
 */
struct biounit_event {
	__u32 type;
	__u32 channel;
	__u32 data;
	__u32 pending;
	__u64 timestamp_ns;
	__u32 sequence;
	__u32 reserved[5];
};

/* Controls */
#define BIOUNIT_CID_FACE_EXPOSURE_US	0x0001 /* exposure time */
#define BIOUNIT_CID_FACE_GAIN		0x0002 /* analogue gain, 100 = 1.0 */
#define BIOUNIT_CID_FACE_ILLUMINATION	0x0003 /* face light, percent */
#define BIOUNIT_CID_FINGER_ILLUMINATION	0x0101 /* scanner light, percent */
#define BIOUNIT_CID_FINGER_GAIN		0x0102 /* scanner gain, 100 = 1.0 */
#define BIOUNIT_CID_PAD_BACKLIGHT	0x0201 /* pad display, percent */
#define BIOUNIT_CID_STATUS_LED		0x0301 /* BIOUNIT_LED_* */

/*
 * The same controls on the V4L2 nodes (docs/v4l2.md): the face exposure is
 * V4L2_CID_EXPOSURE (in us) and each node's gain V4L2_CID_GAIN; the others
 * are BIOUNIT_V4L2_CID_BASE + BIOUNIT_CID_*, in V4L2's user class
 * (V4L2_CID_USER_BASE | 0xbe00).
 */
#define BIOUNIT_V4L2_CID_BASE	(0x00980900 | 0xbe00)

#define BIOUNIT_LED_OFF		0
#define BIOUNIT_LED_READY	1
#define BIOUNIT_LED_BUSY	2
#define BIOUNIT_LED_ATTENTION	3

/* struct biounit_ctrl_info.type */
#define BIOUNIT_CTRL_INTEGER	1
#define BIOUNIT_CTRL_MENU	2

/**
 * struct biounit_ctrl_info - describe a control (BIOUNIT_IOC_QUERYCTRL)
 * @index: from 0 upwards until -EINVAL (in)
 * @id: BIOUNIT_CID_* (out)
 * @channel: channel the control acts on, or BIOUNIT_CH_UNIT for the unit (out)
 * @type: BIOUNIT_CTRL_* (out)
 * @minimum: smallest value (out)
 * @maximum: largest value (out)
 * @step: values are minimum + k * step (out)
 * @default_value: value after the unit appears (out)
 * @name: the control for people, NUL-terminated (out)
 * @reserved: must be zero
 */
struct biounit_ctrl_info {
	__u32 index;
	__u32 id;
	__u32 channel;
	__u32 type;
	__s64 minimum;
	__s64 maximum;
	__s64 step;
	__s64 default_value;
	__u8  name[BIOUNIT_NAME_LEN];
	__u32 reserved[4];
};

/**
 * struct biounit_control - get or set a control (BIOUNIT_IOC_G_CTRL, S_CTRL)
 * @id: BIOUNIT_CID_* (in)
 * @reserved0: must be zero
 * @value: the value (out for G_CTRL, in for S_CTRL); out of range or off
 *	step is -ERANGE, never clamped
 * @reserved: must be zero
 */
struct biounit_control {
	__u32 id;
	__u32 reserved0;
	__s64 value;
	__u32 reserved[4];
};

/*
 * 0xBE: free in Documentation/userspace-api/ioctl/ioctl-number.rst (6.12); 0xB5,
 * used up to 1.1, is rpmsg's. See docs/uapi.md, section 1.
 */
#define BIOUNIT_IOC_MAGIC 0xBE

#define BIOUNIT_IOC_QUERYCAP	_IOR(BIOUNIT_IOC_MAGIC, 0x00, struct biounit_caps)
#define BIOUNIT_IOC_CHANNEL_INFO _IOWR(BIOUNIT_IOC_MAGIC, 0x01, struct biounit_channel_info)
#define BIOUNIT_IOC_ENUM_FMT	_IOWR(BIOUNIT_IOC_MAGIC, 0x02, struct biounit_fmtdesc)
#define BIOUNIT_IOC_ENUM_FRAMESIZES _IOWR(BIOUNIT_IOC_MAGIC, 0x03, struct biounit_frmsize)
#define BIOUNIT_IOC_G_FMT	_IOWR(BIOUNIT_IOC_MAGIC, 0x04, struct biounit_format)
#define BIOUNIT_IOC_S_FMT	_IOWR(BIOUNIT_IOC_MAGIC, 0x05, struct biounit_format)
#define BIOUNIT_IOC_TRY_FMT	_IOWR(BIOUNIT_IOC_MAGIC, 0x06, struct biounit_format)
#define BIOUNIT_IOC_REQBUFS	_IOWR(BIOUNIT_IOC_MAGIC, 0x10, struct biounit_requestbuffers)
#define BIOUNIT_IOC_CREATE_BUFS	_IOWR(BIOUNIT_IOC_MAGIC, 0x11, struct biounit_create_buffers)
#define BIOUNIT_IOC_QUERYBUF	_IOWR(BIOUNIT_IOC_MAGIC, 0x12, struct biounit_buffer)
#define BIOUNIT_IOC_QBUF	_IOWR(BIOUNIT_IOC_MAGIC, 0x13, struct biounit_buffer)
#define BIOUNIT_IOC_DQBUF	_IOWR(BIOUNIT_IOC_MAGIC, 0x14, struct biounit_buffer)
#define BIOUNIT_IOC_EXPBUF	_IOWR(BIOUNIT_IOC_MAGIC, 0x15, struct biounit_exportbuffer)
#define BIOUNIT_IOC_STREAMON	_IOW(BIOUNIT_IOC_MAGIC, 0x16, struct biounit_stream)
#define BIOUNIT_IOC_STREAMOFF	_IOW(BIOUNIT_IOC_MAGIC, 0x17, struct biounit_stream)
#define BIOUNIT_IOC_SUBSCRIBE	_IOW(BIOUNIT_IOC_MAGIC, 0x20, struct biounit_event_subscription)
#define BIOUNIT_IOC_DQEVENT	_IOWR(BIOUNIT_IOC_MAGIC, 0x21, struct biounit_event)
#define BIOUNIT_IOC_QUERYCTRL	_IOWR(BIOUNIT_IOC_MAGIC, 0x30, struct biounit_ctrl_info)
#define BIOUNIT_IOC_G_CTRL	_IOWR(BIOUNIT_IOC_MAGIC, 0x31, struct biounit_control)
#define BIOUNIT_IOC_S_CTRL	_IOWR(BIOUNIT_IOC_MAGIC, 0x32, struct biounit_control)

#endif /* _UAPI_LINUX_BIOUNIT_H */
