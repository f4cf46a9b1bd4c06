// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: the signature pad, the applicant's button and the presence sensor
 * as input devices (evdev), beside the character device's buffers and events
 *
 * Each unit with a pad gets a pen tablet, "<model> Pen": ABS_X and ABS_Y in
 * the pad's units (0 to touchscreen-size-x/y - 1, resolution-ppi converted
 * to units per millimetre), ABS_PRESSURE (0 to touchscreen-max-pressure, in
 * arbitrary units: resolution 0), BTN_TOOL_PEN and BTN_TOUCH, and
 * INPUT_PROP_DIRECT (the pad is the screen the applicant signs on). Every
 * sample the backend takes from the pad is reported with
 * biounit_pen_report(), whether or not a buffer was there for it, stamped
 * with the sample's own time. The pad is scanned while its channel streams;
 * when it stops the pen leaves.
 *
 * A unit with button-gpios or presence-gpios (each with an interrupt) gets a
 * second device, "<model> Buttons": KEY_OK for the button and
 * SW_FRONT_PROXIMITY for the presence sensor, fed from the same edges as
 * BIOUNIT_EVENT_BUTTON and BIOUNIT_EVENT_PRESENCE. A second device because
 * userspace classifies a device by its capabilities: a device that is a
 * tablet is handled as one (libinput's tablet code), and its keys and
 * switches would be lost. docs/input.md says why these codes.
 *
 * Both are children of the unit's device (/sys/class/biounit/biounitN/),
 * with the unit's serial number as "uniq". They are registered once the unit
 * is complete and unregistered when it goes, after its channels have been
 * stopped and its interrupts detached: from then on nothing reports, and an
 * evdev file still open reads -ENODEV.
 */

#include <linux/input.h>
#include <linux/math.h>
#include <linux/slab.h>

#include "biounit-priv.h"

/**
 * struct biounit_inputs - the input devices of a unit
 * @lock: keeps the events of one report together
 * @pen: the pad as a pen tablet, or NULL
 * @keys: the button and presence sensor, or NULL
 * @pen_in_range: the pen has been reported in range (BTN_TOOL_PEN 1)
 * @pen_name: @pen's name
 * @keys_name: @keys' name
 * @pen_phys: @pen's phys
 * @keys_phys: @keys' phys
 */
struct biounit_inputs {
	spinlock_t lock; /* one report's events */
	struct input_dev *pen;
	struct input_dev *keys;
	bool pen_in_range;
	char pen_name[BIOUNIT_NAME_LEN + 8];
	char keys_name[BIOUNIT_NAME_LEN + 8];
	char pen_phys[24];
	char keys_phys[24];
};

static struct input_dev *biounit_input_alloc(struct biounit_unit *unit,
					     const char *name, const char *phys)
{
	struct input_dev *input = input_allocate_device();

	if (!input)
		return NULL;
	input->name = name;
	input->phys = phys;
	input->uniq = unit->serial;
	input->id.bustype = BUS_HOST;
	input->id.version = BIOUNIT_API_VERSION >> 16;
	input->dev.parent = &unit->dev;
	return input;
}

static int biounit_input_pen(struct biounit_unit *unit,
			     struct biounit_inputs *in)
{
	struct biounit_channel *ch = &unit->channels[BIOUNIT_CH_SIGNATURE];
	/* resolution-ppi in units per millimetre, at least 1 */
	int res = clamp_t(u64, DIV_ROUND_CLOSEST_ULL((u64)ch->resolution_ppi * 10,
						     254), 1, INT_MAX);
	struct input_dev *pen;
	int ret;

	if (!ch->present)
		return 0;
	snprintf(in->pen_name, sizeof(in->pen_name), "%s Pen", unit->model);
	snprintf(in->pen_phys, sizeof(in->pen_phys), "%s/pen",
		 dev_name(&unit->dev));
	pen = biounit_input_alloc(unit, in->pen_name, in->pen_phys);
	if (!pen)
		return -ENOMEM;

	input_set_abs_params(pen, ABS_X, 0, ch->pad_width - 1, 0, 0);
	input_set_abs_params(pen, ABS_Y, 0, ch->pad_height - 1, 0, 0);
	input_set_abs_params(pen, ABS_PRESSURE, 0, ch->pressure_max, 0, 0);
	input_abs_set_res(pen, ABS_X, res);
	input_abs_set_res(pen, ABS_Y, res);
	input_set_capability(pen, EV_KEY, BTN_TOOL_PEN);
	input_set_capability(pen, EV_KEY, BTN_TOUCH);
	__set_bit(INPUT_PROP_DIRECT, pen->propbit);

	ret = input_register_device(pen);
	if (ret) {
		input_free_device(pen);
		return ret;
	}
	in->pen = pen;
	return 0;
}

static int biounit_input_keys(struct biounit_unit *unit,
			      struct biounit_inputs *in)
{
	int button = biounit_resources_input(unit->res, BIOUNIT_EVENT_BUTTON);
	int presence = biounit_resources_input(unit->res,
					       BIOUNIT_EVENT_PRESENCE);
	struct input_dev *keys;
	int ret;

	if (button < 0 && presence < 0)
		return 0;
	snprintf(in->keys_name, sizeof(in->keys_name), "%s Buttons",
		 unit->model);
	snprintf(in->keys_phys, sizeof(in->keys_phys), "%s/buttons",
		 dev_name(&unit->dev));
	keys = biounit_input_alloc(unit, in->keys_name, in->keys_phys);
	if (!keys)
		return -ENOMEM;

	if (button >= 0)
		input_set_capability(keys, EV_KEY, KEY_OK);
	if (presence >= 0) {
		input_set_capability(keys, EV_SW, SW_FRONT_PROXIMITY);
		/* A switch starts in its current state (event-codes.rst) */
		__assign_bit(SW_FRONT_PROXIMITY, keys->sw, presence);
	}

	ret = input_register_device(keys);
	if (ret) {
		input_free_device(keys);
		return ret;
	}
	in->keys = keys;
	return 0;
}

/**
 * biounit_input_register() - give a unit its input devices
 * @unit: the unit, its device added
 *
 * Registers the pen tablet of a unit with a pad and the button device of a
 * unit with button-gpios or presence-gpios. Undone by
 * biounit_input_unregister(), also after a failure.
 *
 * Return: 0 or a negative error code.
 */
int biounit_input_register(struct biounit_unit *unit)
{
	struct biounit_inputs *in;
	int ret;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	spin_lock_init(&in->lock);

	ret = biounit_input_pen(unit, in);
	if (!ret)
		ret = biounit_input_keys(unit, in);
	/* Publishes @in complete; pairs with smp_load_acquire() in the reports */
	smp_store_release(&unit->inputs, in);
	return ret;
}

/**
 * biounit_input_unregister() - remove a unit's input devices
 * @unit: the unit, whose channels are stopped and inputs detached
 *
 * An evdev file still open on them is woken and reads -ENODEV. Harmless if
 * biounit_input_register() was not called or failed.
 */
void biounit_input_unregister(struct biounit_unit *unit)
{
	struct biounit_inputs *in = unit->inputs;

	if (!in)
		return;
	WRITE_ONCE(unit->inputs, NULL);
	if (in->keys)
		input_unregister_device(in->keys);
	if (in->pen)
		input_unregister_device(in->pen);
	kfree(in);
}

/**
 * biounit_input_notify() - report the button or presence sensor
 * @unit: the unit
 * @type: BIOUNIT_EVENT_BUTTON or BIOUNIT_EVENT_PRESENCE; others are ignored
 * @value: 1 pressed or present, 0 released or gone
 *
 * May be called in any context.
 */
void biounit_input_notify(struct biounit_unit *unit, u32 type, u32 value)
{
	struct biounit_inputs *in;
	unsigned long flags;

	/* Pairs with smp_store_release() in biounit_input_register() */
	in = smp_load_acquire(&unit->inputs);
	if (!in || !in->keys)
		return;
	spin_lock_irqsave(&in->lock, flags);
	if (type == BIOUNIT_EVENT_BUTTON)
		input_report_key(in->keys, KEY_OK, value);
	else if (type == BIOUNIT_EVENT_PRESENCE)
		input_report_switch(in->keys, SW_FRONT_PROXIMITY, value);
	input_sync(in->keys);
	spin_unlock_irqrestore(&in->lock, flags);
}

/**
 * biounit_pen_report() - report a sample of the pad on the pen tablet
 * @ch: the signature channel
 * @s: the sample; NULL when the pen leaves the pad (the backend stops
 *	scanning it, or the pad lost the pen)
 *
 * A backend calls this for every sample it takes from the pad, in order,
 * whether or not a buffer was there for it. BTN_TOUCH is 1 while the
 * pressure is above 0; BTN_TOOL_PEN is 1 from the first sample until the
 * pen leaves. The events carry the sample's time. May be called in any
 * context.
 */
void biounit_pen_report(struct biounit_channel *ch,
			const struct biounit_pen_sample *s)
{
	struct biounit_inputs *in;
	unsigned long flags;

	/* Pairs with smp_store_release() in biounit_input_register() */
	in = smp_load_acquire(&ch->unit->inputs);
	if (!in || !in->pen)
		return;
	spin_lock_irqsave(&in->lock, flags);
	if (s) {
		input_set_timestamp(in->pen, ns_to_ktime(s->timestamp_ns));
		/* BTN_TOUCH first in a frame, for mousedev (event-codes.rst) */
		input_report_key(in->pen, BTN_TOUCH, s->pressure > 0);
		input_report_key(in->pen, BTN_TOOL_PEN, 1);
		input_report_abs(in->pen, ABS_X, s->x);
		input_report_abs(in->pen, ABS_Y, s->y);
		input_report_abs(in->pen, ABS_PRESSURE, s->pressure);
		input_sync(in->pen);
		in->pen_in_range = true;
	} else if (in->pen_in_range) {
		input_report_key(in->pen, BTN_TOUCH, 0);
		input_report_abs(in->pen, ABS_PRESSURE, 0);
		input_report_key(in->pen, BTN_TOOL_PEN, 0);
		input_sync(in->pen);
		in->pen_in_range = false;
	}
	spin_unlock_irqrestore(&in->lock, flags);
}
EXPORT_SYMBOL_GPL(biounit_pen_report);
