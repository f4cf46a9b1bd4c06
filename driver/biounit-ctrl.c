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
	u32 channel;
	u32 type;
	s64 min;
	s64 max;
	s64 step;
	s64 def;
	const char *name;
};

static const struct biounit_ctrl_desc biounit_ctrls[BIOUNIT_NUM_CTRLS] = {
	{ BIOUNIT_CID_FACE_EXPOSURE_US, BIOUNIT_CH_FACE, BIOUNIT_CTRL_INTEGER,
	  100, 100000, 1, 10000, "Face exposure (us)" },
	{ BIOUNIT_CID_FACE_GAIN, BIOUNIT_CH_FACE, BIOUNIT_CTRL_INTEGER,
	  100, 1600, 1, 100, "Face gain (x0.01)" },
	{ BIOUNIT_CID_FACE_ILLUMINATION, BIOUNIT_CH_FACE, BIOUNIT_CTRL_INTEGER,
	  0, 100, 1, 60, "Face illumination (%)" },
	{ BIOUNIT_CID_FINGER_ILLUMINATION, BIOUNIT_CH_FINGER,
	  BIOUNIT_CTRL_INTEGER, 0, 100, 1, 50, "Scanner illumination (%)" },
	{ BIOUNIT_CID_FINGER_GAIN, BIOUNIT_CH_FINGER, BIOUNIT_CTRL_INTEGER,
	  100, 800, 1, 100, "Scanner gain (x0.01)" },
	{ BIOUNIT_CID_PAD_BACKLIGHT, BIOUNIT_CH_SIGNATURE, BIOUNIT_CTRL_INTEGER,
	  0, 100, 1, 80, "Pad backlight (%)" },
	{ BIOUNIT_CID_STATUS_LED, BIOUNIT_CH_UNIT, BIOUNIT_CTRL_MENU,
	  BIOUNIT_LED_OFF, BIOUNIT_LED_ATTENTION, 1, BIOUNIT_LED_READY,
	  "Status light" },
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
