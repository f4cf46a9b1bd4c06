// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: the unit through the kernel's standard interfaces
 *
 * Each camera-like channel (the face camera, the finger scanner) gets a
 * V4L2 video capture node with its own videobuf2-v4l2 queue, and the unit
 * one media controller device whose graph holds an entity per channel (the
 * sensors linked to their nodes, and the signature pad).
 *
 * A node's queue uses the channel's lock, videobuf2 operations and list of
 * waiting buffers (biounit_queue_init_v4l2()), so the backend fills its
 * buffers as it fills the character device's. The two views of a channel
 * exclude each other: while a file of the character device owns the
 * channel's buffers the node's REQBUFS, CREATE_BUFS, STREAMON, S_FMT and
 * S_PARM fail with -EBUSY, and while the node's queue holds buffers the
 * character device's do (biounit_v4l2_busy()).
 *
 * Lifetime: the v4l2_device holds a reference to the unit until the last
 * open node is closed; the media device, controls and queues are freed with
 * it (biounit_v4l2_release()). When the unit goes, biounit_v4l2_kill()
 * stops a streaming node's queue under the channel lock, and the nodes are
 * unregistered: V4L2 then fails every call on them with -ENODEV.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <media/media-entity.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "biounit-compat.h"
#include "biounit-priv.h"

#define BIOUNIT_USEC_PER_SEC	1000000U

static const char * const biounit_video_names[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "face camera capture",
	[BIOUNIT_CH_FINGER] = "finger scanner capture",
};

static bool biounit_has_video(const struct biounit_channel *ch)
{
	return ch->present && ch->type->type != BIOUNIT_CHTYPE_PAD;
}

/**
 * biounit_v4l2_busy() - does the video node of a channel hold buffers?
 * @ch: the channel, locked
 *
 * Return: true while the node's queue has buffers (and so streams or may),
 * when the character device's buffer calls and S_FMT must fail with -EBUSY.
 */
bool biounit_v4l2_busy(struct biounit_channel *ch)
{
	lockdep_assert_held(&ch->lock);
	return biounit_has_video(ch) && vb2_is_busy(&ch->video.queue);
}

/**
 * biounit_v4l2_kill() - stop a channel's video node; its unit is going
 * @ch: the channel, locked, its unit marked gone
 *
 * Stops the node's queue if it streams (the backend with it) and wakes its
 * waiters. Its buffers stay until the file that holds them is closed.
 */
void biounit_v4l2_kill(struct biounit_channel *ch)
{
	struct vb2_queue *q = &ch->video.queue;

	lockdep_assert_held(&ch->lock);
	if (!biounit_has_video(ch) || !q->ops)	/* never set up */
		return;
	if (vb2_is_streaming(q))
		vb2_streamoff(q, q->type);
	vb2_queue_error(q);
}

/*
 * The buffer calls that take the channel from the character device; with
 * the video node's lock (the channel's) held by V4L2.
 */
static int biounit_video_claim(struct biounit_channel *ch)
{
	lockdep_assert_held(&ch->lock);
	if (biounit_is_gone(ch->unit))
		return -ENODEV;
	return ch->owner ? -EBUSY : 0;
}

static int biounit_vidioc_reqbufs(struct file *file, void *fh,
				  struct v4l2_requestbuffers *req)
{
	int ret = biounit_video_claim(video_drvdata(file));

	return ret ? ret : vb2_ioctl_reqbufs(file, fh, req);
}

static int biounit_vidioc_create_bufs(struct file *file, void *fh,
				      struct v4l2_create_buffers *c)
{
	int ret = biounit_video_claim(video_drvdata(file));

	return ret ? ret : vb2_ioctl_create_bufs(file, fh, c);
}

static int biounit_vidioc_streamon(struct file *file, void *fh,
				   enum v4l2_buf_type type)
{
	int ret = biounit_video_claim(video_drvdata(file));

	return ret ? ret : vb2_ioctl_streamon(file, fh, type);
}

static int biounit_vidioc_dqbuf(struct file *file, void *fh,
				struct v4l2_buffer *b)
{
	struct biounit_channel *ch = video_drvdata(file);
	int ret = vb2_ioctl_dqbuf(file, fh, b);

	/* A waiter woken by the unit's removal */
	return ret && biounit_is_gone(ch->unit) ? -ENODEV : ret;
}

static int biounit_vidioc_querycap(struct file *file, void *fh,
				   struct v4l2_capability *cap)
{
	struct biounit_channel *ch = video_drvdata(file);
	struct biounit_unit *unit = ch->unit;

	strscpy(cap->driver, KBUILD_MODNAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "%s %s", unit->model,
		 ch->type->name);
	strscpy(cap->bus_info, unit->mdev.bus_info, sizeof(cap->bus_info));
	return 0;
}

static int biounit_vidioc_enum_input(struct file *file, void *fh,
				     struct v4l2_input *inp)
{
	struct biounit_channel *ch = video_drvdata(file);

	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, ch->type->name, sizeof(inp->name));
	return 0;
}

static int biounit_vidioc_g_input(struct file *file, void *fh,
				  unsigned int *i)
{
	*i = 0;
	return 0;
}

static int biounit_vidioc_s_input(struct file *file, void *fh,
				  unsigned int i)
{
	return i ? -EINVAL : 0;
}

static int biounit_vidioc_enum_fmt(struct file *file, void *fh,
				   struct v4l2_fmtdesc *f)
{
	struct biounit_channel *ch = video_drvdata(file);
	unsigned int i;

	for (i = 0; ch->type->formats[i]; i++) {
		if (i == f->index) {
			f->pixelformat = ch->type->formats[i];
			return 0;
		}
	}
	return -EINVAL;
}

static void biounit_to_pix(const struct biounit_format *fmt,
			   struct v4l2_pix_format *pix)
{
	memset(pix, 0, sizeof(*pix));
	pix->width = fmt->width;
	pix->height = fmt->height;
	pix->pixelformat = fmt->pixelformat;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = fmt->bytesperline;
	pix->sizeimage = fmt->sizeimage;
	pix->colorspace = V4L2_COLORSPACE_SRGB;
}

static int biounit_vidioc_g_fmt(struct file *file, void *fh,
				struct v4l2_format *f)
{
	struct biounit_channel *ch = video_drvdata(file);

	biounit_to_pix(&ch->fmt, &f->fmt.pix);
	return 0;
}

/* The channel's format nearest to @f, with the current frame interval */
static void biounit_try_pix(struct biounit_channel *ch, struct v4l2_format *f,
			    struct biounit_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->channel = ch->id;
	fmt->pixelformat = f->fmt.pix.pixelformat;
	fmt->width = f->fmt.pix.width;
	fmt->height = f->fmt.pix.height;
	fmt->interval_us = ch->fmt.interval_us;
	biounit_nearest_format(ch, fmt);
	biounit_to_pix(fmt, &f->fmt.pix);
}

static int biounit_vidioc_try_fmt(struct file *file, void *fh,
				  struct v4l2_format *f)
{
	struct biounit_format fmt;

	biounit_try_pix(video_drvdata(file), f, &fmt);
	return 0;
}

/* The format calls' exclusion: the character device's, and the node's own */
static int biounit_video_fmt_claim(struct biounit_channel *ch)
{
	int ret = biounit_video_claim(ch);

	if (!ret && vb2_is_busy(&ch->video.queue))
		ret = -EBUSY;
	return ret;
}

static int biounit_vidioc_s_fmt(struct file *file, void *fh,
				struct v4l2_format *f)
{
	struct biounit_channel *ch = video_drvdata(file);
	struct biounit_format fmt;
	int ret;

	biounit_try_pix(ch, f, &fmt);
	ret = biounit_video_fmt_claim(ch);
	if (!ret)
		ch->fmt = fmt;
	return ret;
}

static int biounit_vidioc_enum_framesizes(struct file *file, void *fh,
					  struct v4l2_frmsizeenum *fsize)
{
	const struct biounit_frame_size *s;

	s = biounit_frame_size_at(video_drvdata(file), fsize->pixel_format,
				  fsize->index);
	if (!s)
		return -EINVAL;
	fsize->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	fsize->discrete.width = s->width;
	fsize->discrete.height = s->height;
	return 0;
}

static bool biounit_video_has_size(struct biounit_channel *ch, u32 pixfmt,
				   u32 width, u32 height)
{
	const struct biounit_frame_size *s;
	u32 i;

	for (i = 0; (s = biounit_frame_size_at(ch, pixfmt, i)); i++)
		if (s->width == width && s->height == height)
			return true;
	return false;
}

static int biounit_vidioc_enum_frameintervals(struct file *file, void *fh,
					      struct v4l2_frmivalenum *fival)
{
	struct biounit_channel *ch = video_drvdata(file);

	if (fival->index ||
	    !biounit_video_has_size(ch, fival->pixel_format, fival->width,
				    fival->height))
		return -EINVAL;
	fival->type = V4L2_FRMIVAL_TYPE_STEPWISE;
	fival->stepwise.min.numerator = ch->min_interval_us;
	fival->stepwise.min.denominator = BIOUNIT_USEC_PER_SEC;
	fival->stepwise.max.numerator = ch->max_interval_us;
	fival->stepwise.max.denominator = BIOUNIT_USEC_PER_SEC;
	fival->stepwise.step.numerator = 1;
	fival->stepwise.step.denominator = BIOUNIT_USEC_PER_SEC;
	return 0;
}

static int biounit_vidioc_g_parm(struct file *file, void *fh,
				 struct v4l2_streamparm *parm)
{
	struct biounit_channel *ch = video_drvdata(file);
	struct v4l2_captureparm *cp = &parm->parm.capture;

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	memset(cp, 0, sizeof(*cp));
	cp->capability = V4L2_CAP_TIMEPERFRAME;
	cp->timeperframe.numerator = ch->fmt.interval_us;
	cp->timeperframe.denominator = BIOUNIT_USEC_PER_SEC;
	return 0;
}

static int biounit_vidioc_s_parm(struct file *file, void *fh,
				 struct v4l2_streamparm *parm)
{
	struct biounit_channel *ch = video_drvdata(file);
	struct v4l2_fract *tpf = &parm->parm.capture.timeperframe;
	u64 us = ch->fmt.interval_us;
	int ret;

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	/* A zero fraction keeps the current interval, as V4L2 says */
	if (tpf->numerator && tpf->denominator)
		us = div_u64((u64)tpf->numerator * BIOUNIT_USEC_PER_SEC +
			     tpf->denominator / 2, tpf->denominator);
	us = clamp_t(u64, us, ch->min_interval_us, ch->max_interval_us);
	ret = biounit_video_fmt_claim(ch);
	if (ret)
		return ret;
	ch->fmt.interval_us = us;
	return biounit_vidioc_g_parm(file, fh, parm);
}

static const struct v4l2_ioctl_ops biounit_video_ioctl_ops = {
	.vidioc_querycap = biounit_vidioc_querycap,
	.vidioc_enum_input = biounit_vidioc_enum_input,
	.vidioc_g_input = biounit_vidioc_g_input,
	.vidioc_s_input = biounit_vidioc_s_input,
	.vidioc_enum_fmt_vid_cap = biounit_vidioc_enum_fmt,
	.vidioc_g_fmt_vid_cap = biounit_vidioc_g_fmt,
	.vidioc_try_fmt_vid_cap = biounit_vidioc_try_fmt,
	.vidioc_s_fmt_vid_cap = biounit_vidioc_s_fmt,
	.vidioc_enum_framesizes = biounit_vidioc_enum_framesizes,
	.vidioc_enum_frameintervals = biounit_vidioc_enum_frameintervals,
	.vidioc_g_parm = biounit_vidioc_g_parm,
	.vidioc_s_parm = biounit_vidioc_s_parm,
	.vidioc_reqbufs = biounit_vidioc_reqbufs,
	.vidioc_create_bufs = biounit_vidioc_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = biounit_vidioc_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = biounit_vidioc_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

static const struct v4l2_file_operations biounit_video_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/* The last open node is closed after the unit was unregistered */
static void biounit_v4l2_release(struct v4l2_device *v4l2_dev)
{
	struct biounit_unit *unit = container_of(v4l2_dev, struct biounit_unit,
						 v4l2_dev);
	unsigned int i;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++)
		if (biounit_has_video(&unit->channels[i]))
			v4l2_ctrl_handler_free(&unit->channels[i].video.ctrls);
	media_device_cleanup(&unit->mdev);
	put_device(&unit->dev);
}

static int biounit_video_init(struct biounit_channel *ch)
{
	struct biounit_video *v = &ch->video;
	struct video_device *vdev = &v->vdev;
	int ret;

	ret = biounit_ctrl_v4l2_init(ch);
	if (ret)
		return ret;
	ret = biounit_queue_init_v4l2(ch, &v->queue);
	if (ret)
		return ret;

	strscpy(vdev->name, biounit_video_names[ch->id], sizeof(vdev->name));
	vdev->fops = &biounit_video_fops;
	vdev->ioctl_ops = &biounit_video_ioctl_ops;
	vdev->release = video_device_release_empty;
	vdev->v4l2_dev = &ch->unit->v4l2_dev;
	vdev->ctrl_handler = &v->ctrls;
	vdev->queue = &v->queue;
	vdev->lock = &ch->lock;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
	video_set_drvdata(vdev, ch);

	v->vdev_pad.flags = MEDIA_PAD_FL_SINK;
	return media_entity_pads_init(&vdev->entity, 1, &v->vdev_pad);
}

/* The channel's entity: a sensor, or the pad */
static int biounit_entity_init(struct biounit_channel *ch)
{
	struct biounit_video *v = &ch->video;

	v->entity.name = ch->type->name;
	v->entity.function = MEDIA_ENT_F_CAM_SENSOR;
	v->entity_pad.flags = MEDIA_PAD_FL_SOURCE;
	return media_entity_pads_init(&v->entity, 1, &v->entity_pad);
}

static int biounit_channel_v4l2_register(struct biounit_channel *ch)
{
	struct biounit_video *v = &ch->video;
	int ret;

	ret = biounit_entity_init(ch);
	if (!ret)
		ret = media_device_register_entity(&ch->unit->mdev, &v->entity);
	if (ret || !biounit_has_video(ch))
		return ret;

	ret = biounit_video_init(ch);
	if (!ret)
		ret = video_register_device(&v->vdev, VFL_TYPE_VIDEO, -1);
	/*
	 * video_register_device() succeeds even when it could not put the
	 * node in the media graph (out of memory); its entity is then
	 * unregistered again, and its interface missing or already freed,
	 * which the node's release would remove (a NULL dereference or a
	 * second free, found by make check-debug's failslab_test). Only a
	 * memory-to-memory node's release leaves the graph alone: the node
	 * goes away as one.
	 */
	if (!ret && !v->vdev.entity.graph_obj.mdev) {
		v->vdev.vfl_dir = VFL_DIR_M2M;
		ret = -ENOMEM;
	}
	if (!ret)
		ret = media_create_pad_link(&v->entity, 0, &v->vdev.entity, 0,
					    MEDIA_LNK_FL_ENABLED |
					    MEDIA_LNK_FL_IMMUTABLE);
	return ret;
}

/**
 * biounit_v4l2_register() - give a unit its video nodes and media device
 * @unit: the unit, its character device registered
 *
 * The media device's model and serial number are the unit's, its bus_info
 * that of the backend's device (also the nodes' QUERYCAP bus_info).
 *
 * Return: 0 or a negative error code; on failure the caller still calls
 * biounit_v4l2_unregister(), which undoes what was done.
 */
int biounit_v4l2_register(struct biounit_unit *unit)
{
	struct media_device *mdev = &unit->mdev;
	struct device *hw = unit->dev.parent;
	unsigned int i;
	int ret;

	mdev->dev = &unit->dev;
	strscpy(mdev->driver_name, KBUILD_MODNAME, sizeof(mdev->driver_name));
	strscpy(mdev->model, unit->model, sizeof(mdev->model));
	strscpy(mdev->serial, unit->serial, sizeof(mdev->serial));
	snprintf(mdev->bus_info, sizeof(mdev->bus_info), "%s:%s",
		 hw->bus ? hw->bus->name : "platform", dev_name(hw));
	media_device_init(mdev);

	unit->v4l2_dev.mdev = mdev;
	unit->v4l2_dev.release = biounit_v4l2_release;
	strscpy(unit->v4l2_dev.name, dev_name(&unit->dev),
		sizeof(unit->v4l2_dev.name));
	ret = v4l2_device_register(&unit->dev, &unit->v4l2_dev);
	if (ret) {
		media_device_cleanup(mdev);
		unit->v4l2_dev.release = NULL;
		return ret;
	}
	get_device(&unit->dev);	/* put by biounit_v4l2_release() */

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		if (!unit->channels[i].present)
			continue;
		ret = biounit_channel_v4l2_register(&unit->channels[i]);
		if (ret)
			return ret;
	}
	return media_device_register(mdev);
}

/**
 * biounit_v4l2_unregister() - remove a unit's video nodes and media device
 * @unit: the unit, marked gone and its channels stopped
 *
 * Open nodes fail every call with -ENODEV from now on; the memory they use
 * goes with the last of them.
 */
void biounit_v4l2_unregister(struct biounit_unit *unit)
{
	unsigned int i;

	if (!unit->v4l2_dev.release)
		return;		/* v4l2_device_register() failed */

	media_device_unregister(&unit->mdev);
	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		struct biounit_channel *ch = &unit->channels[i];

		if (!ch->present)
			continue;
		video_unregister_device(&ch->video.vdev);
		/* Only if the media device never was registered */
		media_device_unregister_entity(&ch->video.entity);
	}
	v4l2_device_unregister(&unit->v4l2_dev);
	v4l2_device_put(&unit->v4l2_dev);
}
