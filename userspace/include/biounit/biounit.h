/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libbiounit: reach biometrics units (/dev/biounitN) from applications.
 *
 * Conventions, for every function below:
 *  - Handles are opaque; each is created by a *_new / *_open function and
 *    freed by the matching *_free / *_close function (NULL is allowed there).
 *  - Functions returning int return 0 (or a documented non-negative value) on
 *    success and a negative errno on failure; errno is not used. A NULL
 *    handle or output pointer, or an argument out of range, is -EINVAL.
 *  - Threads (the one rule of every biounit handle, docs/architecture.md,
 *    "Threads"): there is no global state, so different handles may be used
 *    from different threads at once. libbiounit's handles lock themselves:
 *    one unit, stream or monitor may also be used from several threads at
 *    once, and a unit list is read-only. No handle may be freed while another
 *    thread uses it. A stream keeps no use of its unit: the unit may be
 *    closed before the stream is freed.
 *  - Structures of <linux/biounit.h> (the uapi, docs/uapi.md) are used where
 *    they describe what the kernel returns: they are of fixed size with
 *    reserved fields, so they are as stable as this library's ABI.
 *  - No function blocks for longer than its timeout argument; functions
 *    without one never wait for a device (they may take the kernel's channel
 *    lock for an instant).
 *
 * Reference and examples: docs/libbiounit.md.
 */
#ifndef BIOUNIT_BIOUNIT_H
#define BIOUNIT_BIOUNIT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/biounit.h>
#include <biounit/image.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- states -------------------------------------------------------------- */

/**
 * enum biounit_state - what a unit is doing, as seen by this process
 * @BIOUNIT_STATE_ABSENT: there is no such unit: no device of subsystem
 *	"biounit" with that name in sysfs, or the unit is being removed (its
 *	node answers ENODEV). A unit whose backend failed to probe never gets
 *	a biounit device and is absent too.
 * @BIOUNIT_STATE_INITIALISING: the device is in sysfs but not usable yet:
 *	its attributes (model, serial, channels, api_version) cannot all be
 *	read, its node is not in /dev yet, or udevd runs and has not finished
 *	processing it (rules, permissions).
 * @BIOUNIT_STATE_READY: the node opens, BIOUNIT_IOC_QUERYCAP answers with
 *	API major 1, and no channel is owned by an open file.
 * @BIOUNIT_STATE_BUSY: as READY, but at least one channel has buffers owned by
 *	some open file (any process, this one included: a stream of this
 *	library owns its channel); other channels may still be free.
 * @BIOUNIT_STATE_ERROR: the device is there but cannot be used from here: the
 *	node cannot be opened (permission denied...), QUERYCAP fails, or the API
 *	major is not 1. biounit_unit_info_get_error() tells why.
 */
enum biounit_state {
	BIOUNIT_STATE_ABSENT = 0,
	BIOUNIT_STATE_INITIALISING,
	BIOUNIT_STATE_READY,
	BIOUNIT_STATE_BUSY,
	BIOUNIT_STATE_ERROR,
};

/**
 * biounit_state_name() - Name of a state for logs and tools.
 * @state: a state.
 * Return: "absent", "initialising", "ready", "busy", "error", or "unknown"
 * for a value that is not a state. Never NULL.
 */
const char *biounit_state_name(enum biounit_state state);

/**
 * biounit_state_of() - The state of one unit, looked up now.
 * @unit: "biounitN", "/dev/biounitN" or the unit's sysfs path.
 * @state: receives the state.
 * Return: 0 (the state is set, also for an absent unit), -EINVAL (NULL
 * argument or a name that is not a unit's). Never hangs.
 */
int biounit_state_of(const char *unit, enum biounit_state *state);

/* ---- discovery ----------------------------------------------------------- */

/** struct biounit_unit_list - a snapshot of the units present (opaque). */
struct biounit_unit_list;
/** struct biounit_unit_info - what is known of one unit without owning it (opaque). */
struct biounit_unit_info;

/**
 * biounit_enumerate() - List the units present now.
 * @out: receives a new list, ordered by unit number; free with
 *	biounit_unit_list_free(). It is a snapshot: units come and go after.
 *
 * Every device of subsystem "biounit" is listed, whatever its state (see
 * enum biounit_state); none is skipped because it is half-initialised or
 * broken. Without the biounit driver the list is empty.
 * Return: 0, -EINVAL, -ENOMEM, or a negative errno from libudev.
 */
int biounit_enumerate(struct biounit_unit_list **out);

/** biounit_unit_list_count() - Number of units in @list (0 for NULL). */
size_t biounit_unit_list_count(const struct biounit_unit_list *list);

/**
 * biounit_unit_list_get() - Unit @index of @list.
 * Return: the unit info, owned by the list; NULL if @index is out of range.
 */
const struct biounit_unit_info *
biounit_unit_list_get(const struct biounit_unit_list *list, size_t index);

/** biounit_unit_list_free() - Free @list and its infos; NULL is allowed. */
void biounit_unit_list_free(struct biounit_unit_list *list);

/** biounit_unit_info_get_name() - Kernel name, "biounitN". */
const char *biounit_unit_info_get_name(const struct biounit_unit_info *info);
/** biounit_unit_info_get_node() - Device node, "/dev/biounitN". */
const char *biounit_unit_info_get_node(const struct biounit_unit_info *info);
/** biounit_unit_info_get_syspath() - sysfs directory of the unit. */
const char *biounit_unit_info_get_syspath(const struct biounit_unit_info *info);
/** biounit_unit_info_get_model() - sysfs "model"; "" if it could not be read. */
const char *biounit_unit_info_get_model(const struct biounit_unit_info *info);
/** biounit_unit_info_get_serial() - sysfs "serial"; "" if empty or unreadable. */
const char *biounit_unit_info_get_serial(const struct biounit_unit_info *info);
/**
 * biounit_unit_info_get_channels() - Present channels from sysfs "channels",
 * as a mask of (1 << BIOUNIT_CH_*); 0 if it could not be read.
 */
uint32_t biounit_unit_info_get_channels(const struct biounit_unit_info *info);
/**
 * biounit_unit_info_get_api_version() - sysfs "api_version" as
 * BIOUNIT_VERSION(major, minor); 0 if it could not be read.
 */
uint32_t biounit_unit_info_get_api_version(const struct biounit_unit_info *info);
/** biounit_unit_info_get_state() - State when the list was made. */
enum biounit_state biounit_unit_info_get_state(const struct biounit_unit_info *info);
/**
 * biounit_unit_info_get_error() - For BIOUNIT_STATE_ERROR the negative errno
 * that caused it (-EACCES, -EPROTO for another API major, ...); 0 otherwise.
 */
int biounit_unit_info_get_error(const struct biounit_unit_info *info);

/* ---- hot-plug ------------------------------------------------------------ */

/** struct biounit_monitor - a source of unit added/removed events (opaque). */
struct biounit_monitor;

/** enum biounit_monitor_event_type - what happened to a unit. */
enum biounit_monitor_event_type {
	BIOUNIT_MONITOR_ADDED = 1,	/* the unit appeared (its node exists) */
	BIOUNIT_MONITOR_REMOVED = 2,	/* the unit went away */
};

/**
 * struct biounit_monitor_event - one hot-plug event
 * @type: BIOUNIT_MONITOR_*
 * @name: kernel name, "biounitN", NUL-terminated
 * @node: device node, "/dev/biounitN", NUL-terminated
 */
struct biounit_monitor_event {
	enum biounit_monitor_event_type type;
	char name[32];
	char node[64];
};

/**
 * biounit_monitor_new() - Start listening for units added and removed.
 * @out: receives the monitor; free with biounit_monitor_free().
 *
 * Events come from udevd when it runs (so that an added unit has its
 * permissions set), otherwise straight from the kernel. Only events after
 * this call are reported: enumerate after creating the monitor to miss none.
 * Return: 0, -EINVAL, -ENOMEM, or a negative errno from the netlink socket.
 */
int biounit_monitor_new(struct biounit_monitor **out);

/**
 * biounit_monitor_get_fd() - File descriptor to poll for POLLIN.
 * Return: the descriptor (non-blocking, owned by the monitor), or -EINVAL.
 */
int biounit_monitor_get_fd(const struct biounit_monitor *mon);

/**
 * biounit_monitor_read_event() - Take the next event, without waiting.
 * @mon: the monitor.
 * @ev: receives the event.
 * Return: 0 (@ev is set), -EAGAIN (no event pending: poll the fd), -EINVAL.
 */
int biounit_monitor_read_event(struct biounit_monitor *mon,
			       struct biounit_monitor_event *ev);

/** biounit_monitor_free() - Stop listening and free @mon; NULL is allowed. */
void biounit_monitor_free(struct biounit_monitor *mon);

/* ---- units --------------------------------------------------------------- */

/** struct biounit_unit - an open unit (opaque). */
struct biounit_unit;

/**
 * biounit_unit_open() - Open a unit by its device node.
 * @node: "/dev/biounitN" (or any path of the node).
 * @out: receives the unit; close with biounit_unit_close().
 *
 * The unit's capabilities are read once here (QUERYCAP).
 * Return: 0, -EINVAL, -ENOENT (no such file), -ENOTTY (not a biounit: a
 * file, or another device), -EPROTO (a biounit with an API major other than
 * 1), -ENODEV (the unit is being removed), -EACCES, -ENAMETOOLONG, -ENOMEM,
 * or another errno of open(2) (-EISDIR...).
 */
int biounit_unit_open(const char *node, struct biounit_unit **out);

/**
 * biounit_unit_open_by_serial() - Open the unit with serial number @serial.
 * Return: as biounit_unit_open(); -ENOENT if no unit present has that serial,
 * -EEXIST if several have it.
 */
int biounit_unit_open_by_serial(const char *serial, struct biounit_unit **out);

/** biounit_unit_close() - Close @unit; NULL is allowed. Free its streams first. */
void biounit_unit_close(struct biounit_unit *unit);

/**
 * biounit_unit_get_fd() - The unit's file descriptor (non-blocking), to poll
 * for POLLPRI (events) and POLLERR|POLLHUP (the unit is gone). Owned by the
 * unit; use it for nothing else. -EINVAL for NULL.
 */
int biounit_unit_get_fd(const struct biounit_unit *unit);

/** biounit_unit_get_node() - The node the unit was opened by. */
const char *biounit_unit_get_node(const struct biounit_unit *unit);

/**
 * biounit_unit_get_caps() - What QUERYCAP said at open: API version,
 * capabilities, channels, driver, model, serial, bus_info. Never NULL for a
 * valid unit; owned by the unit.
 */
const struct biounit_caps *biounit_unit_get_caps(const struct biounit_unit *unit);

/**
 * biounit_unit_get_state() - The unit's state now (enum biounit_state);
 * BIOUNIT_STATE_ABSENT once it has been removed. BIOUNIT_STATE_ABSENT for NULL.
 */
enum biounit_state biounit_unit_get_state(const struct biounit_unit *unit);

/**
 * biounit_unit_channel_info() - Describe channel @channel (CHANNEL_INFO).
 * Return: 0, -EINVAL (not a present channel), -ENODEV (unit gone).
 */
int biounit_unit_channel_info(struct biounit_unit *unit, unsigned int channel,
			      struct biounit_channel_info *info);

/**
 * biounit_unit_enum_format() - Pixel format number @index of @channel.
 * Return: 0, -ENOENT (@index is past the last format), -EINVAL (not a
 * present channel), -ENODEV.
 */
int biounit_unit_enum_format(struct biounit_unit *unit, unsigned int channel,
			     unsigned int index, struct biounit_fmtdesc *desc);

/**
 * biounit_unit_enum_framesize() - Frame size number @index of @pixelformat
 * on @channel.
 * Return: 0, -ENOENT (past the last size), -EINVAL (bad channel or a format
 * the channel does not have), -ENODEV.
 */
int biounit_unit_enum_framesize(struct biounit_unit *unit, unsigned int channel,
				uint32_t pixelformat, unsigned int index,
				struct biounit_frmsize *size);

/**
 * biounit_unit_get_format() - The current format of @channel.
 * @fmt: receives the format (channel, pixelformat, size, interval,
 *	bytesperline, sizeimage).
 * Return: 0, -EINVAL, -ENODEV.
 */
int biounit_unit_get_format(struct biounit_unit *unit, unsigned int channel,
			    struct biounit_format *fmt);

/**
 * biounit_unit_try_format() - Check a format without setting it.
 * @fmt: in: channel, pixelformat, width, height, interval_us (0: current);
 *	out: completed with interval_us, bytesperline and sizeimage. Other
 *	fields are ignored (the library zeroes the reserved words).
 * Return: 0 if the channel takes it exactly, -EINVAL if not (formats are
 * never adjusted), -ENODEV.
 */
int biounit_unit_try_format(struct biounit_unit *unit, struct biounit_format *fmt);

/**
 * biounit_unit_set_format() - Set the format of a channel nobody streams.
 * @fmt: as biounit_unit_try_format().
 * Return: 0, -EINVAL (not offered), -EBUSY (the channel has buffers: set the
 * format through biounit_stream_new() instead), -ENODEV.
 */
int biounit_unit_set_format(struct biounit_unit *unit, struct biounit_format *fmt);

/**
 * biounit_unit_enum_control() - Control number @index (QUERYCTRL): id,
 * channel, type, minimum, maximum, step, default, name.
 * Return: 0, -ENOENT (past the last control), -EINVAL, -ENODEV.
 */
int biounit_unit_enum_control(struct biounit_unit *unit, unsigned int index,
			      struct biounit_ctrl_info *info);

/**
 * biounit_unit_find_control() - The description of control @id.
 * Return: 0, -ENOENT (the unit has no such control), -EINVAL, -ENODEV.
 */
int biounit_unit_find_control(struct biounit_unit *unit, uint32_t id,
			      struct biounit_ctrl_info *info);

/**
 * biounit_unit_get_control() - Current value of control @id.
 * Return: 0, -ENOENT (no such control), -EINVAL, -ENODEV.
 */
int biounit_unit_get_control(struct biounit_unit *unit, uint32_t id, int64_t *value);

/**
 * biounit_unit_set_control() - Set control @id to @value.
 * Return: 0, -ENOENT (no such control), -ERANGE (below minimum, above
 * maximum or off step: never clamped), -EINVAL, -ENODEV, or the backend's
 * error.
 */
int biounit_unit_set_control(struct biounit_unit *unit, uint32_t id, int64_t value);

/**
 * biounit_unit_subscribe() - Choose the events this unit handle receives.
 * @types: mask of (1 << BIOUNIT_EVENT_*), replacing the previous one; 0 for
 *	none. BIOUNIT_EVENT_UNIT_GONE is always received.
 * Return: 0, -EINVAL (bit 0 or an unknown type), -ENODEV.
 */
int biounit_unit_subscribe(struct biounit_unit *unit, uint32_t types);

/**
 * biounit_unit_read_event() - Take the next event, waiting up to @timeout_ms.
 * @timeout_ms: 0 to not wait, -1 to wait without limit.
 * @ev: receives the event (type, channel, data, pending, timestamp, sequence).
 * Return: 0, -ETIMEDOUT (no event in time), -ENODEV (the unit is gone and
 * every queued event, BIOUNIT_EVENT_UNIT_GONE included, has been read),
 * -EINTR (a signal), -EINVAL.
 */
int biounit_unit_read_event(struct biounit_unit *unit, int timeout_ms,
			    struct biounit_event *ev);

/* ---- streams ------------------------------------------------------------- */

/*
 * The opaque stream type is struct biounit_capture_stream, because the uapi
 * already has a struct biounit_stream (the STREAMON argument).
 */
struct biounit_capture_stream;
/** struct biounit_frame - a filled buffer lent to the caller (opaque). */
struct biounit_frame;

/** enum biounit_stream_memory - how the stream's buffers reach this process. */
enum biounit_stream_memory {
	/* the driver's buffers, mmap-ed from the unit's node */
	BIOUNIT_STREAM_MMAP = 1,
	/* the same buffers exported as dma-bufs (EXPBUF) and mmap-ed from the
	 * dma-buf; every CPU access is bracketed with DMA_BUF_IOCTL_SYNC, and the
	 * dma-buf fd can be handed to another device or process */
	BIOUNIT_STREAM_DMABUF_EXPORT = 2,
};

/**
 * biounit_stream_new() - Take a channel, allocate and map its buffers.
 * @unit: an open unit. The stream opens the unit's node again and keeps
 *	nothing of @unit: @unit may be closed before or after the stream is
 *	freed.
 * @channel: BIOUNIT_CH_*.
 * @fmt: the format to set (channel field ignored), or NULL to keep the
 *	channel's current one.
 * @nbufs: buffers wanted, 1..16 (the driver may give fewer).
 * @memory: BIOUNIT_STREAM_MMAP or BIOUNIT_STREAM_DMABUF_EXPORT.
 * @out: receives the stream, not yet started; free with biounit_stream_free().
 *
 * The stream has its own open file of the unit, which owns the channel.
 * Return: 0, -EINVAL (bad argument, channel absent, format not offered),
 * -EBUSY (another file owns the channel), -ENOTSUP (the unit lacks the
 * memory mode), -ENODEV, -ENOMEM, or another negative errno of the kernel.
 */
int biounit_stream_new(struct biounit_unit *unit, unsigned int channel,
		       const struct biounit_format *fmt, unsigned int nbufs,
		       enum biounit_stream_memory memory,
		       struct biounit_capture_stream **out);

/**
 * biounit_stream_free() - Stop, unmap and free the buffers, give up the
 * channel. Frames not yet released become invalid. NULL is allowed.
 */
void biounit_stream_free(struct biounit_capture_stream *stream);

/** biounit_stream_get_format() - The format the stream's buffers hold. */
const struct biounit_format *
biounit_stream_get_format(const struct biounit_capture_stream *stream);

/** biounit_stream_get_buffer_count() - Buffers actually allocated. */
unsigned int biounit_stream_get_buffer_count(const struct biounit_capture_stream *stream);

/**
 * biounit_stream_get_fd() - Descriptor to poll for POLLIN (a frame is ready)
 * and POLLERR|POLLHUP (the unit is gone); owned by the stream.
 */
int biounit_stream_get_fd(const struct biounit_capture_stream *stream);

/**
 * biounit_stream_start() - Queue every buffer the caller does not hold and
 * start capture. Starting a started stream does nothing.
 * Return: 0, -ENODEV, or the kernel's error.
 */
int biounit_stream_start(struct biounit_capture_stream *stream);

/**
 * biounit_stream_stop() - Stop capture. Frames the caller holds stay
 * readable until released; stopping a stopped stream does nothing.
 * Return: 0, -ENODEV (the unit is gone: the stream is stopped anyway).
 */
int biounit_stream_stop(struct biounit_capture_stream *stream);

/**
 * biounit_stream_dequeue() - Wait up to @timeout_ms for the next frame.
 * @timeout_ms: 0 to not wait, -1 to wait without limit.
 * @frame: receives the frame: the mapped buffer itself, no copy. It stays
 *	valid, and the buffer out of the driver's hands, until
 *	biounit_frame_release().
 * Return: 0, -ETIMEDOUT, -ENODEV (the unit was removed), -EINVAL (not
 * started, or a bad argument), -EINTR (a signal while waiting).
 */
int biounit_stream_dequeue(struct biounit_capture_stream *stream, int timeout_ms,
			   struct biounit_frame **frame);

/**
 * biounit_frame_release() - Give the frame's buffer back: it is queued again
 * if the stream runs. @frame is invalid afterwards. NULL is allowed.
 * Return: 0, or the kernel's error from queueing (-ENODEV: the unit is
 * gone; the frame is released all the same).
 */
int biounit_frame_release(struct biounit_frame *frame);

/** biounit_frame_get_data() - The frame's bytes (read-only mapping). */
const void *biounit_frame_get_data(const struct biounit_frame *frame);
/** biounit_frame_get_size() - Bytes of data in the frame (bytesused). */
size_t biounit_frame_get_size(const struct biounit_frame *frame);
/** biounit_frame_get_sequence() - Frame number on the channel (gaps are drops). */
uint32_t biounit_frame_get_sequence(const struct biounit_frame *frame);
/** biounit_frame_get_timestamp_ns() - CLOCK_MONOTONIC end of capture. */
uint64_t biounit_frame_get_timestamp_ns(const struct biounit_frame *frame);
/** biounit_frame_is_error() - 1 if the driver marked the frame damaged, else 0. */
int biounit_frame_is_error(const struct biounit_frame *frame);
/** biounit_frame_get_index() - The buffer index of the frame. */
unsigned int biounit_frame_get_index(const struct biounit_frame *frame);
/**
 * biounit_frame_get_dmabuf_fd() - The dma-buf of the frame's buffer
 * (BIOUNIT_STREAM_DMABUF_EXPORT; owned by the stream), or -1 for MMAP.
 */
int biounit_frame_get_dmabuf_fd(const struct biounit_frame *frame);

/**
 * biounit_frame_get_view() - The frame as an image view for the quality code.
 * @view: receives a view borrowing the mapped buffer (valid until release):
 *	GREY frames as BIOUNIT_PIX_GREY, RGB24 as BIOUNIT_PIX_RGB24, NV12
 *	frames as the BIOUNIT_PIX_GREY view of their luma plane, and XBGR32 as
 *	BIOUNIT_PIX_XBGR32, which the quality code does not read: convert it
 *	with biounit_image_convert() (biounit/image.h) first.
 * Return: 0, -ENOTSUP (YUYV or pen samples), -EINVAL.
 */
int biounit_frame_get_view(const struct biounit_frame *frame,
			   struct biounit_image_view *view);

/**
 * biounit_frame_get_pen_samples() - The samples of a signature-pad frame.
 * @count: receives the number of samples (bytesused / 24).
 * Return: the samples (in the mapped buffer), or NULL if the frame is not of
 * BIOUNIT_FMT_PEN (then *@count is 0).
 */
const struct biounit_pen_sample *
biounit_frame_get_pen_samples(const struct biounit_frame *frame, size_t *count);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_BIOUNIT_H */
