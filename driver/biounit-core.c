// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: the character device of a biometrics unit
 *
 * A hardware backend registers a unit with devm_biounit_register(); the core
 * reads the unit's description from the backend device's properties and
 * gives userspace /dev/biounitN. When the backend goes away the unit is
 * marked gone: every waiter wakes with -ENODEV, later calls fail with
 * -ENODEV, and memory userspace still maps stays valid until it is unmapped.
 */

#include <linux/compat.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "biounit-compat.h"
#include "biounit-priv.h"

#define BIOUNIT_MAX_UNITS	64

static dev_t biounit_devt;
static DEFINE_IDA(biounit_ida);
static struct dentry *biounit_debugfs;

static const char * const biounit_channel_names[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "face",
	[BIOUNIT_CH_FINGER] = "finger",
	[BIOUNIT_CH_SIGNATURE] = "signature",
};

/* Property names of the child node that describes each channel */
static const char * const biounit_channel_nodes[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "camera",
	[BIOUNIT_CH_FINGER] = "scanner",
	[BIOUNIT_CH_SIGNATURE] = "pad",
};

/**
 * biounit_reserved_zero() - check that reserved fields are zero
 * @reserved: the first reserved word
 * @count: how many words
 *
 * Return: true if every word is zero.
 */
bool biounit_reserved_zero(const u32 *reserved, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (reserved[i])
			return false;
	return true;
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct biounit_unit *unit = container_of(dev, struct biounit_unit, dev);

	return sysfs_emit(buf, "%s\n", unit->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct biounit_unit *unit = container_of(dev, struct biounit_unit, dev);

	return sysfs_emit(buf, "%s\n", unit->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t channels_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct biounit_unit *unit = container_of(dev, struct biounit_unit, dev);
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++)
		if (unit->channels[i].present)
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     biounit_channel_names[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
static DEVICE_ATTR_RO(channels);

static ssize_t api_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u.%u\n", BIOUNIT_API_VERSION >> 16,
			  BIOUNIT_API_VERSION & 0xffff);
}
static DEVICE_ATTR_RO(api_version);

static struct attribute *biounit_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_channels.attr,
	&dev_attr_api_version.attr,
	NULL
};
ATTRIBUTE_GROUPS(biounit);

/* allocated at module load (biounit_class_create() says why not static) */
static struct class *biounit_class;

static long biounit_querycap(struct biounit_unit *unit, struct biounit_caps *c)
{
	unsigned int i;

	c->api_version = BIOUNIT_API_VERSION;
	c->capabilities = BIOUNIT_CAP_MMAP | BIOUNIT_CAP_DMABUF_EXPORT |
			  BIOUNIT_CAP_DMABUF_IMPORT | BIOUNIT_CAP_EVENTS |
			  BIOUNIT_CAP_CONTROLS | BIOUNIT_CAP_CREATE_BUFS;
	for (i = 0; i < BIOUNIT_CH_COUNT; i++)
		if (unit->channels[i].present)
			c->channels |= BIT(i);
	strscpy(c->driver, KBUILD_MODNAME, sizeof(c->driver));
	strscpy(c->model, unit->model, sizeof(c->model));
	strscpy(c->serial, unit->serial, sizeof(c->serial));
	strscpy(c->bus_info, dev_name(unit->dev.parent), sizeof(c->bus_info));
	return 0;
}

union biounit_ioctl_arg {
	struct biounit_caps caps;
	struct biounit_channel_info info;
	struct biounit_fmtdesc fmtdesc;
	struct biounit_frmsize frmsize;
	struct biounit_format fmt;
	struct biounit_requestbuffers req;
	struct biounit_create_buffers create;
	struct biounit_buffer buf;
	struct biounit_exportbuffer exp;
	struct biounit_stream stream;
	struct biounit_event_subscription sub;
	struct biounit_event ev;
	struct biounit_ctrl_info ctrl_info;
	struct biounit_control ctrl;
};

static bool biounit_ioctl_known(unsigned int cmd)
{
	switch (cmd) {
	case BIOUNIT_IOC_QUERYCAP:
	case BIOUNIT_IOC_CHANNEL_INFO:
	case BIOUNIT_IOC_ENUM_FMT:
	case BIOUNIT_IOC_ENUM_FRAMESIZES:
	case BIOUNIT_IOC_G_FMT:
	case BIOUNIT_IOC_S_FMT:
	case BIOUNIT_IOC_TRY_FMT:
	case BIOUNIT_IOC_REQBUFS:
	case BIOUNIT_IOC_CREATE_BUFS:
	case BIOUNIT_IOC_QUERYBUF:
	case BIOUNIT_IOC_QBUF:
	case BIOUNIT_IOC_DQBUF:
	case BIOUNIT_IOC_EXPBUF:
	case BIOUNIT_IOC_STREAMON:
	case BIOUNIT_IOC_STREAMOFF:
	case BIOUNIT_IOC_SUBSCRIBE:
	case BIOUNIT_IOC_DQEVENT:
	case BIOUNIT_IOC_QUERYCTRL:
	case BIOUNIT_IOC_G_CTRL:
	case BIOUNIT_IOC_S_CTRL:
		return true;
	}
	return false;
}

static long biounit_dispatch(struct biounit_file *bf, unsigned int cmd,
			     union biounit_ioctl_arg *arg)
{
	struct biounit_unit *unit = bf->unit;

	switch (cmd) {
	case BIOUNIT_IOC_QUERYCAP:
		return biounit_querycap(unit, &arg->caps);
	case BIOUNIT_IOC_CHANNEL_INFO:
		return biounit_ioctl_channel_info(unit, &arg->info);
	case BIOUNIT_IOC_ENUM_FMT:
	case BIOUNIT_IOC_ENUM_FRAMESIZES:
	case BIOUNIT_IOC_G_FMT:
	case BIOUNIT_IOC_S_FMT:
	case BIOUNIT_IOC_TRY_FMT:
		return biounit_ioctl_format(bf, cmd, arg);
	case BIOUNIT_IOC_SUBSCRIBE:
	case BIOUNIT_IOC_DQEVENT:
		return biounit_ioctl_event(bf, cmd, arg);
	case BIOUNIT_IOC_QUERYCTRL:
	case BIOUNIT_IOC_G_CTRL:
	case BIOUNIT_IOC_S_CTRL:
		return biounit_ioctl_ctrl(unit, cmd, arg);
	default:
		return biounit_ioctl_buffers(bf, cmd, arg);
	}
}

static long biounit_ioctl(struct file *file, unsigned int cmd,
			  unsigned long uarg)
{
	struct biounit_file *bf = file->private_data;
	void __user *uptr = (void __user *)uarg;
	union biounit_ioctl_arg arg;
	unsigned int size = _IOC_SIZE(cmd);
	long ret;

	if (!biounit_ioctl_known(cmd))
		return -ENOTTY;
	/* Events queued before the unit went, its going among them, stay readable */
	if (biounit_is_gone(bf->unit) && cmd != BIOUNIT_IOC_DQEVENT)
		return -ENODEV;

	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		if (copy_from_user(&arg, uptr, size))
			return -EFAULT;
	} else {
		memset(&arg, 0, size);
	}

	ret = biounit_dispatch(bf, cmd, &arg);
	if (ret)
		return ret;

	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uptr, &arg, size))
		return -EFAULT;
	return 0;
}

static int biounit_open(struct inode *inode, struct file *file)
{
	struct biounit_unit *unit = container_of(inode->i_cdev,
						 struct biounit_unit, cdev);
	struct biounit_file *bf;

	if (biounit_is_gone(unit))
		return -ENODEV;

	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;

	bf->unit = unit;
	bf->file = file;
	biounit_event_file_init(bf);
	get_device(&unit->dev);

	spin_lock_irq(&unit->files_lock);
	list_add_tail(&bf->list, &unit->files);
	spin_unlock_irq(&unit->files_lock);

	file->private_data = bf;
	return nonseekable_open(inode, file);
}

static int biounit_release(struct inode *inode, struct file *file)
{
	struct biounit_file *bf = file->private_data;
	struct biounit_unit *unit = bf->unit;
	unsigned int i;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++)
		if (unit->channels[i].present)
			biounit_channel_release(&unit->channels[i], bf);

	spin_lock_irq(&unit->files_lock);
	list_del(&bf->list);
	spin_unlock_irq(&unit->files_lock);

	put_device(&unit->dev);
	kfree(bf);
	return 0;
}

static int biounit_fop_mmap(struct file *file, struct vm_area_struct *vma)
{
	return biounit_mmap(file->private_data, vma);
}

static __poll_t biounit_poll(struct file *file, poll_table *wait)
{
	struct biounit_file *bf = file->private_data;
	__poll_t mask;

	poll_wait(file, &bf->event_wait, wait);
	if (biounit_is_gone(bf->unit))
		return EPOLLERR | EPOLLHUP | (biounit_event_pending(bf) ?
					      EPOLLPRI : 0);

	mask = biounit_poll_buffers(bf, file, wait);
	if (biounit_event_pending(bf))
		mask |= EPOLLPRI;
	return mask;
}

static const struct file_operations biounit_fops = {
	.owner = THIS_MODULE,
	.open = biounit_open,
	.release = biounit_release,
	.unlocked_ioctl = biounit_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = biounit_fop_mmap,
	.poll = biounit_poll,
};

static void biounit_unit_release(struct device *dev)
{
	struct biounit_unit *unit = container_of(dev, struct biounit_unit, dev);

	ida_free(&biounit_ida, unit->minor);
	kfree(unit->model);
	kfree(unit->serial);
	kfree(unit);
}

static int biounit_read_string(struct device *dev, const char *prop,
			       const char *def, const char **out)
{
	const char *val = def;
	int ret;

	ret = device_property_read_string(dev, prop, &val);
	if (ret && ret != -EINVAL)
		return dev_err_probe(dev, ret, "property %s is not a string\n",
				     prop);
	*out = kstrdup(val, GFP_KERNEL);
	return *out ? 0 : -ENOMEM;
}

static int biounit_read_interval(struct device *dev,
				 struct fwnode_handle *node,
				 struct biounit_channel *ch)
{
	u32 min_us = ch->type->default_interval_us / 4;
	int ret;

	ret = fwnode_property_read_u32(node, "min-frame-interval-us", &min_us);
	if (ret && ret != -EINVAL)
		return dev_err_probe(dev, ret,
				     "%s: bad min-frame-interval-us\n",
				     biounit_channel_nodes[ch->id]);
	if (min_us < 1000 || min_us > ch->type->default_interval_us)
		return dev_err_probe(dev, -EINVAL,
				     "%s: min-frame-interval-us %u outside 1000..%u\n",
				     biounit_channel_nodes[ch->id], min_us,
				     ch->type->default_interval_us);
	ch->min_interval_us = min_us;
	ch->max_interval_us = 10 * USEC_PER_SEC;
	return 0;
}

static int biounit_read_camera(struct device *dev, struct fwnode_handle *node,
			       struct biounit_channel *ch)
{
	u32 size[2];
	int ret;

	ret = fwnode_property_read_u32_array(node, "max-frame-size", size, 2);
	if (ret)
		return dev_err_probe(dev, ret,
				     "camera: max-frame-size <width height> missing or bad\n");
	if (size[0] < 640 || size[1] < 480 || size[0] > 8192 || size[1] > 8192)
		return dev_err_probe(dev, -EINVAL,
				     "camera: max-frame-size %ux%u outside 640x480..8192x8192\n",
				     size[0], size[1]);
	ch->max_width = size[0];
	ch->max_height = size[1];
	return 0;
}

static int biounit_read_scanner(struct device *dev, struct fwnode_handle *node,
				struct biounit_channel *ch)
{
	u32 ppi = 500;
	int ret;

	ret = fwnode_property_read_u32(node, "resolution-ppi", &ppi);
	if (ret && ret != -EINVAL)
		return dev_err_probe(dev, ret, "scanner: bad resolution-ppi\n");
	if (ppi != 500)
		return dev_err_probe(dev, -EINVAL,
				     "scanner: resolution-ppi %u unsupported (500 only)\n",
				     ppi);
	ch->resolution_ppi = ppi;
	ch->max_width = U32_MAX;
	ch->max_height = U32_MAX;
	return 0;
}

static int biounit_read_pad(struct device *dev, struct fwnode_handle *node,
			    struct biounit_channel *ch)
{
	static const char * const props[] = {
		"touchscreen-size-x", "touchscreen-size-y",
		"touchscreen-max-pressure", "resolution-ppi",
	};
	u32 val[ARRAY_SIZE(props)];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(props); i++) {
		ret = fwnode_property_read_u32(node, props[i], &val[i]);
		if (ret)
			return dev_err_probe(dev, ret,
					     "pad: %s is required (a u32)\n",
					     props[i]);
	}
	if (val[0] < 2 || val[1] < 2 || !val[2] || val[2] > U16_MAX || !val[3])
		return dev_err_probe(dev, -EINVAL,
				     "pad: size %ux%u, pressure %u or ppi %u out of range\n",
				     val[0], val[1], val[2], val[3]);
	ch->pad_width = val[0];
	ch->pad_height = val[1];
	ch->pressure_max = val[2];
	ch->resolution_ppi = val[3];
	ch->max_width = U32_MAX;
	ch->max_height = U32_MAX;
	return 0;
}

static int biounit_read_channel(struct device *dev, struct biounit_channel *ch)
{
	struct fwnode_handle *node;
	int ret;

	node = device_get_named_child_node(dev, biounit_channel_nodes[ch->id]);
	if (!node)
		return 0;

	ch->type = &biounit_channel_types[ch->id];
	switch (ch->id) {
	case BIOUNIT_CH_FACE:
		ret = biounit_read_camera(dev, node, ch);
		break;
	case BIOUNIT_CH_FINGER:
		ret = biounit_read_scanner(dev, node, ch);
		break;
	default:
		ret = biounit_read_pad(dev, node, ch);
		break;
	}
	if (!ret)
		ret = biounit_read_interval(dev, node, ch);
	fwnode_handle_put(node);
	if (ret)
		return ret;

	ch->present = true;
	return 0;
}

static void biounit_watchdog(struct work_struct *work)
{
	struct biounit_channel *ch = container_of(to_delayed_work(work),
						  struct biounit_channel,
						  watchdog);

	biounit_notify(ch->unit, BIOUNIT_EVENT_TIMEOUT, ch->id, ch->timeout_ms);
}

static int biounit_init_channel(struct device *dev, struct biounit_unit *unit,
				unsigned int id)
{
	struct biounit_channel *ch = &unit->channels[id];
	int ret;

	ch->unit = unit;
	ch->id = id;
	mutex_init(&ch->lock);
	mutex_init(&ch->owner_lock);
	spin_lock_init(&ch->qlock);
	INIT_LIST_HEAD(&ch->waiting);
	init_waitqueue_head(&ch->done_wq);
	INIT_DELAYED_WORK(&ch->watchdog, biounit_watchdog);

	ret = biounit_read_channel(dev, ch);
	if (ret || !ch->present)
		return ret;

	ch->fmt.channel = id;
	ret = biounit_fill_format(ch, &ch->fmt);
	if (ret)
		return dev_err_probe(dev, ret, "%s: no default format\n",
				     biounit_channel_nodes[id]);
	return biounit_queue_init(ch);
}

static int biounit_stats_show(struct seq_file *s, void *data)
{
	struct biounit_unit *unit = s->private;
	unsigned int i;

	seq_puts(s, "channel frames dropped damaged\n");
	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		struct biounit_channel *ch = &unit->channels[i];

		if (ch->present)
			seq_printf(s, "%s %llu %llu %llu\n",
				   biounit_channel_names[i],
				   atomic64_read(&ch->stat_frames),
				   atomic64_read(&ch->stat_dropped),
				   atomic64_read(&ch->stat_damaged));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(biounit_stats);

/*
 * The order matters:
 *   1. the button and presence interrupts stop sending events (and a handler
 *	that is sending one has finished), so that none is queued after
 *	UNIT_GONE or to a unit whose last reference may go at step 5;
 *   2. the unit is marked gone: every later call fails with -ENODEV;
 *   3. the streaming channels are stopped, waiters woken, the video nodes
 *	and the media device unregistered;
 *   4. the input devices go (nothing reports to them any more);
 *   5. UNIT_GONE is queued on every open file;
 *   6. the node, sysfs and debugfs go, and the registration's reference.
 * The inputs' interrupts and the other resources are devm data of the
 * backend's device, released after this (it was added after them).
 */
static void biounit_unregister(void *data)
{
	struct biounit_unit *unit = data;
	unsigned int i;

	biounit_resources_detach(unit->res);

	mutex_lock(&unit->lock);
	WRITE_ONCE(unit->gone, true);
	mutex_unlock(&unit->lock);

	for (i = 0; i < BIOUNIT_CH_COUNT; i++)
		if (unit->channels[i].present)
			biounit_channel_kill(&unit->channels[i]);
	biounit_v4l2_unregister(unit);

	biounit_input_unregister(unit);
	biounit_notify_gone(unit);
	debugfs_remove_recursive(unit->debugfs);
	cdev_device_del(&unit->cdev, &unit->dev);
	put_device(&unit->dev);
}

/**
 * devm_biounit_register() - register a unit for a backend device
 * @dev: the backend's device; its properties describe the unit
 * @hw: the backend's operations and allocator
 *
 * Checks the camera's CSI-2 endpoint and the scanner's and pad's ind,device,
 * takes the unit's supplies, clocks, GPIOs, LEDs and PWMs and powers it up
 * (biounit_resources_get()), reads "model" and "serial-number" and one child
 * node per channel ("camera", "scanner", "pad") from @dev's properties, then
 * creates /dev/biounitN. Once the unit is registered, button-gpios and
 * presence-gpios raise BIOUNIT_EVENT_BUTTON and BIOUNIT_EVENT_PRESENCE. The
 * unit is removed, and powered down, when @dev is unbound.
 *
 * Return: the unit, or an ERR_PTR() on failure (with the reason logged;
 * -EPROBE_DEFER, while a supply, clock, GPIO, LED or PWM provider, the
 * camera's receiver or a sensor is missing or not bound, only as the
 * deferral reason).
 */
struct biounit_unit *devm_biounit_register(struct device *dev,
					   const struct biounit_hw *hw)
{
	struct biounit_resources *res;
	struct biounit_unit *unit;
	unsigned int i, present = 0;
	int minor, ret;

	if (!hw || !hw->ops || !hw->ops->start || !hw->ops->stop)
		return ERR_PTR(-EINVAL);

	res = biounit_resources_get(dev);	/* powers the unit up */
	if (IS_ERR(res))
		return ERR_CAST(res);

	minor = ida_alloc_max(&biounit_ida, BIOUNIT_MAX_UNITS - 1, GFP_KERNEL);
	if (minor < 0)
		return ERR_PTR(dev_err_probe(dev, minor, "no free unit number\n"));

	unit = kzalloc(sizeof(*unit), GFP_KERNEL);
	if (!unit) {
		ida_free(&biounit_ida, minor);
		return ERR_PTR(-ENOMEM);
	}

	unit->minor = minor;
	unit->hw = *hw;
	unit->hw.ops = biounit_resources_ops(res, hw->ops);
	unit->res = res;
	mutex_init(&unit->lock);
	spin_lock_init(&unit->files_lock);
	INIT_LIST_HEAD(&unit->files);

	device_initialize(&unit->dev);
	unit->dev.class = biounit_class;
	unit->dev.parent = dev;
	unit->dev.devt = MKDEV(MAJOR(biounit_devt), minor);
	unit->dev.release = biounit_unit_release;
	/* From here on put_device() frees the unit and its minor */

	ret = dev_set_name(&unit->dev, "biounit%d", minor);
	if (ret)
		goto err_put;

	ret = biounit_read_string(dev, "model", "biounit", &unit->model);
	if (!ret)
		ret = biounit_read_string(dev, "serial-number", "", &unit->serial);
	if (ret)
		goto err_put;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		ret = biounit_init_channel(dev, unit, i);
		if (ret)
			goto err_put;
		present += unit->channels[i].present;
	}
	if (!present) {
		ret = dev_err_probe(dev, -EINVAL,
				    "no camera, scanner or pad child node\n");
		goto err_put;
	}
	ret = biounit_ctrl_init(unit);
	if (ret) {
		dev_err_probe(dev, ret, "the backend refused a control default\n");
		goto err_put;
	}

	cdev_init(&unit->cdev, &biounit_fops);
	unit->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&unit->cdev, &unit->dev);
	if (ret)
		goto err_put;

	unit->debugfs = debugfs_create_dir(dev_name(&unit->dev),
					   biounit_debugfs);
	debugfs_create_file("stats", 0400, unit->debugfs, unit,
			    &biounit_stats_fops);
	biounit_resources_debugfs(res, unit->debugfs);

	ret = devm_add_action_or_reset(dev, biounit_unregister, unit);
	if (ret)
		return ERR_PTR(ret);
	/* Undone by biounit_unregister(), also on failure */
	ret = biounit_input_register(unit);
	if (ret)
		return ERR_PTR(dev_err_probe(dev, ret,
					     "cannot register the input devices\n"));
	/* biounit_unregister() detaches it again, first of all */
	biounit_resources_attach(res, unit);
	ret = biounit_v4l2_register(unit);
	if (ret)
		return ERR_PTR(dev_err_probe(dev, ret, "no video nodes or media device\n"));

	dev_info(dev, "%s: %s %s\n", dev_name(&unit->dev), unit->model,
		 unit->serial);
	return unit;

err_put:
	put_device(&unit->dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(devm_biounit_register);

/**
 * biounit_hw_priv() - the backend data given at registration
 * @unit: the unit
 *
 * Return: &biounit_hw.priv of the registration.
 */
void *biounit_hw_priv(struct biounit_unit *unit)
{
	return unit->hw.priv;
}
EXPORT_SYMBOL_GPL(biounit_hw_priv);

/**
 * biounit_unit_name() - the device name of a unit
 * @unit: the unit
 *
 * Return: "biounitN", the name of its node in /dev.
 */
const char *biounit_unit_name(struct biounit_unit *unit)
{
	return dev_name(&unit->dev);
}
EXPORT_SYMBOL_GPL(biounit_unit_name);

/**
 * biounit_channel_unit() - the unit of a channel
 * @ch: the channel
 *
 * Return: the unit @ch belongs to.
 */
struct biounit_unit *biounit_channel_unit(struct biounit_channel *ch)
{
	return ch->unit;
}
EXPORT_SYMBOL_GPL(biounit_channel_unit);

/**
 * biounit_channel_id() - which channel this is
 * @ch: the channel
 *
 * Return: BIOUNIT_CH_FACE, BIOUNIT_CH_FINGER or BIOUNIT_CH_SIGNATURE.
 */
unsigned int biounit_channel_id(struct biounit_channel *ch)
{
	return ch->id;
}
EXPORT_SYMBOL_GPL(biounit_channel_id);

/**
 * biounit_channel_format() - the format a channel streams in
 * @ch: the channel
 * @fmt: filled with the format
 *
 * The format does not change while the channel streams.
 */
void biounit_channel_format(struct biounit_channel *ch,
			    struct biounit_format *fmt)
{
	*fmt = ch->fmt;
}
EXPORT_SYMBOL_GPL(biounit_channel_format);

static int __init biounit_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&biounit_devt, 0, BIOUNIT_MAX_UNITS,
				  "biounit");
	if (ret)
		return ret;

	biounit_class = biounit_class_create("biounit");
	if (IS_ERR(biounit_class)) {
		unregister_chrdev_region(biounit_devt, BIOUNIT_MAX_UNITS);
		return PTR_ERR(biounit_class);
	}
	biounit_class->dev_groups = biounit_groups;

	biounit_debugfs = debugfs_create_dir("biounit", NULL);
	return 0;
}

static void __exit biounit_exit(void)
{
	debugfs_remove_recursive(biounit_debugfs);
	class_destroy(biounit_class);
	unregister_chrdev_region(biounit_devt, BIOUNIT_MAX_UNITS);
	ida_destroy(&biounit_ida);
}

module_init(biounit_init);
module_exit(biounit_exit);

MODULE_DESCRIPTION("Biometrics capture unit: camera, finger scanner, signature pad");
MODULE_AUTHOR("The biounit developers");
MODULE_LICENSE("GPL");
