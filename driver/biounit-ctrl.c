// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: controls
 *
 * One table describes every control; QUERYCTRL enumerates those whose
 * channel the unit has, G_CTRL and S_CTRL read and write them. A value out of
 * range is refused with -ERANGE, never clamped.
 */

#include <linux/string.h>

#include "biounit-priv.h"

struct biounit_ctrl_desc {
	u32 id;
	u32 v4l2_id;
	u32 channel;
	u32 type;
	s64 min;
	s64 max;
	s64 step;
	s64 def;
	const char *name;
};

#define BIOUNIT_V4L2_CID(cid)	(BIOUNIT_V4L2_CID_BASE + BIOUNIT_CID_##cid)

static const struct biounit_ctrl_desc biounit_ctrls[BIOUNIT_NUM_CTRLS] = {
	{ BIOUNIT_CID_FACE_EXPOSURE_US, V4L2_CID_EXPOSURE, BIOUNIT_CH_FACE,
	  BIOUNIT_CTRL_INTEGER, 100, 100000, 1, 10000, "Face exposure (us)" },
	{ BIOUNIT_CID_FACE_GAIN, V4L2_CID_GAIN, BIOUNIT_CH_FACE,
	  BIOUNIT_CTRL_INTEGER, 100, 1600, 1, 100, "Face gain (x0.01)" },
	{ BIOUNIT_CID_FACE_ILLUMINATION, BIOUNIT_V4L2_CID(FACE_ILLUMINATION),
	  BIOUNIT_CH_FACE, BIOUNIT_CTRL_INTEGER, 0, 100, 1, 60,
	  "Face illumination (%)" },
	{ BIOUNIT_CID_FINGER_ILLUMINATION,
	  BIOUNIT_V4L2_CID(FINGER_ILLUMINATION), BIOUNIT_CH_FINGER,
	  BIOUNIT_CTRL_INTEGER, 0, 100, 1, 50, "Scanner illumination (%)" },
	{ BIOUNIT_CID_FINGER_GAIN, V4L2_CID_GAIN, BIOUNIT_CH_FINGER,
	  BIOUNIT_CTRL_INTEGER, 100, 800, 1, 100, "Scanner gain (x0.01)" },
	{ BIOUNIT_CID_PAD_BACKLIGHT, BIOUNIT_V4L2_CID(PAD_BACKLIGHT),
	  BIOUNIT_CH_SIGNATURE, BIOUNIT_CTRL_INTEGER, 0, 100, 1, 80,
	  "Pad backlight (%)" },
	{ BIOUNIT_CID_STATUS_LED, BIOUNIT_V4L2_CID(STATUS_LED), BIOUNIT_CH_UNIT,
	  BIOUNIT_CTRL_MENU, BIOUNIT_LED_OFF, BIOUNIT_LED_ATTENTION, 1,
	  BIOUNIT_LED_READY, "Status light" },
};

static const char * const biounit_led_menu[] = {
	[BIOUNIT_LED_OFF] = "Off",
	[BIOUNIT_LED_READY] = "Ready",
	[BIOUNIT_LED_BUSY] = "Busy",
	[BIOUNIT_LED_ATTENTION] = "Attention",
	NULL
};

static bool biounit_ctrl_visible(struct biounit_unit *unit,
				 const struct biounit_ctrl_desc *d)
{
	return d->channel == BIOUNIT_CH_UNIT ||
	       unit->channels[d->channel].present;
}

static int biounit_ctrl_find(struct biounit_unit *unit, u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(biounit_ctrls); i++)
		if (biounit_ctrls[i].id == id &&
		    biounit_ctrl_visible(unit, &biounit_ctrls[i]))
			return i;
	return -EINVAL;
}

/**
 * biounit_ctrl_init() - give every control its default value
 * @unit: the unit
 *
 * The backend's s_ctrl is called with each default of the unit's controls,
 * so the hardware starts in the state the controls report.
 *
 * Return: 0, or the first error of the backend.
 */
int biounit_ctrl_init(struct biounit_unit *unit)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(biounit_ctrls); i++) {
		const struct biounit_ctrl_desc *d = &biounit_ctrls[i];

		unit->ctrl_values[i] = d->def;
		if (!unit->hw.ops->s_ctrl || !biounit_ctrl_visible(unit, d))
			continue;
		ret = unit->hw.ops->s_ctrl(unit, d->id, d->def);
		if (ret)
			return ret;
	}
	return 0;
}

static long biounit_queryctrl(struct biounit_unit *unit,
			      struct biounit_ctrl_info *info)
{
	unsigned int i, n = 0;

	if (!biounit_reserved_zero(info->reserved, ARRAY_SIZE(info->reserved)))
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(biounit_ctrls); i++) {
		const struct biounit_ctrl_desc *d = &biounit_ctrls[i];

		if (!biounit_ctrl_visible(unit, d) || n++ != info->index)
			continue;
		info->id = d->id;
		info->channel = d->channel;
		info->type = d->type;
		info->minimum = d->min;
		info->maximum = d->max;
		info->step = d->step;
		info->default_value = d->def;
		strscpy(info->name, d->name, sizeof(info->name));
		return 0;
	}
	return -EINVAL;
}

static long biounit_s_ctrl(struct biounit_unit *unit, int idx, s64 value)
{
	const struct biounit_ctrl_desc *d = &biounit_ctrls[idx];
	int ret = 0;

	if (value < d->min || value > d->max || (value - d->min) % d->step)
		return -ERANGE;

	mutex_lock(&unit->lock);
	if (biounit_is_gone(unit))
		ret = -ENODEV;
	else if (unit->hw.ops->s_ctrl)
		ret = unit->hw.ops->s_ctrl(unit, d->id, value);
	if (!ret)
		unit->ctrl_values[idx] = value;
	mutex_unlock(&unit->lock);
	return ret;
}

/**
 * biounit_ioctl_ctrl() - QUERYCTRL, G_CTRL and S_CTRL
 * @unit: the unit
 * @cmd: the ioctl
 * @arg: its argument, in kernel memory
 *
 * Return: 0 or a negative error code.
 */
long biounit_ioctl_ctrl(struct biounit_unit *unit, unsigned int cmd, void *arg)
{
	struct biounit_control *c = arg;
	int idx;

	if (cmd == BIOUNIT_IOC_QUERYCTRL)
		return biounit_queryctrl(unit, arg);

	if (c->reserved0 ||
	    !biounit_reserved_zero(c->reserved, ARRAY_SIZE(c->reserved)))
		return -EINVAL;
	idx = biounit_ctrl_find(unit, c->id);
	if (idx < 0)
		return idx;

	if (cmd == BIOUNIT_IOC_S_CTRL)
		return biounit_s_ctrl(unit, idx, c->value);

	mutex_lock(&unit->lock);
	c->value = unit->ctrl_values[idx];
	mutex_unlock(&unit->lock);
	return 0;
}

/*
 * The V4L2 view of the same controls: the value lives in the unit
 * (&biounit_unit.ctrl_values, set through the backend's s_ctrl, as the
 * character device sets it), so the V4L2 controls are volatile and every
 * write goes to biounit_s_ctrl().
 */
static int biounit_v4l2_ctrl_index(struct v4l2_ctrl *ctrl)
{
	struct biounit_channel *ch = ctrl->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(biounit_ctrls); i++)
		if (biounit_ctrls[i].v4l2_id == ctrl->id &&
		    (biounit_ctrls[i].channel == ch->id ||
		     biounit_ctrls[i].channel == BIOUNIT_CH_UNIT))
			return i;
	return -EINVAL;
}

static int biounit_v4l2_g_ctrl(struct v4l2_ctrl *ctrl)
{
	struct biounit_channel *ch = ctrl->priv;
	int idx = biounit_v4l2_ctrl_index(ctrl);

	if (idx < 0)
		return idx;
	mutex_lock(&ch->unit->lock);
	ctrl->val = ch->unit->ctrl_values[idx];
	mutex_unlock(&ch->unit->lock);
	return 0;
}

static int biounit_v4l2_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct biounit_channel *ch = ctrl->priv;
	int idx = biounit_v4l2_ctrl_index(ctrl);

	if (idx < 0)
		return idx;
	return biounit_s_ctrl(ch->unit, idx, ctrl->val);
}

static const struct v4l2_ctrl_ops biounit_v4l2_ctrl_ops = {
	.g_volatile_ctrl = biounit_v4l2_g_ctrl,
	.s_ctrl = biounit_v4l2_s_ctrl,
};

/**
 * biounit_ctrl_v4l2_init() - the V4L2 controls of a channel's video node
 * @ch: a camera or scanner channel
 *
 * Gives &biounit_video.ctrls the channel's controls and the unit's own.
 * The handler is freed with v4l2_ctrl_handler_free() even on failure.
 *
 * Return: 0 or a negative error code.
 */
int biounit_ctrl_v4l2_init(struct biounit_channel *ch)
{
	struct v4l2_ctrl_handler *hdl = &ch->video.ctrls;
	unsigned int i;

	v4l2_ctrl_handler_init(hdl, ARRAY_SIZE(biounit_ctrls));
	for (i = 0; i < ARRAY_SIZE(biounit_ctrls); i++) {
		const struct biounit_ctrl_desc *d = &biounit_ctrls[i];
		struct v4l2_ctrl_config cfg = {
			.ops = &biounit_v4l2_ctrl_ops,
			.id = d->v4l2_id,
			.name = d->name,
			.min = d->min,
			.max = d->max,
			.def = d->def,
			.flags = V4L2_CTRL_FLAG_VOLATILE |
				 V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
		};

		if (d->channel != ch->id && d->channel != BIOUNIT_CH_UNIT)
			continue;
		if (d->type == BIOUNIT_CTRL_MENU) {
			cfg.type = V4L2_CTRL_TYPE_MENU;
			cfg.qmenu = biounit_led_menu;
		} else {
			cfg.type = V4L2_CTRL_TYPE_INTEGER;
			cfg.step = d->step;
		}
		v4l2_ctrl_new_custom(hdl, &cfg, ch);
	}
	return hdl->error;
}
