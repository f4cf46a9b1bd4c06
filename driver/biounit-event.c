// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: events (finger placed, pen down, damaged frames, the applicant's
 * button and presence, removal...)
 *
 * Every open file has its own queue and subscription. A full queue drops its
 * oldest event; the gap shows in the events' sequence numbers.
 */

#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include "biounit-priv.h"

#define BIOUNIT_EVENT_VALID_MASK	GENMASK(BIOUNIT_EVENT_MAX, 1)

/**
 * biounit_event_file_init() - set up the event queue of a new open file
 * @bf: the open file
 */
void biounit_event_file_init(struct biounit_file *bf)
{
	INIT_KFIFO(bf->events);
	init_waitqueue_head(&bf->event_wait);
}

static void biounit_queue_event(struct biounit_file *bf,
				const struct biounit_event *ev)
{
	struct biounit_event e = *ev;

	e.sequence = bf->event_sequence++;
	if (kfifo_is_full(&bf->events))
		kfifo_skip(&bf->events);
	kfifo_put(&bf->events, e);
	wake_up_interruptible(&bf->event_wait);
}

/**
 * biounit_notify() - send an event to every file that subscribed to it
 * @unit: the unit
 * @type: BIOUNIT_EVENT_*
 * @channel: the channel it is about
 * @data: the type's value
 *
 * May be called in any context.
 */
void biounit_notify(struct biounit_unit *unit, u32 type, u32 channel, u32 data)
{
	struct biounit_event ev = {
		.type = type,
		.channel = channel,
		.data = data,
		.timestamp_ns = ktime_get_ns(),
	};
	struct biounit_file *bf;
	unsigned long flags;

	spin_lock_irqsave(&unit->files_lock, flags);
	list_for_each_entry(bf, &unit->files, list)
		if (type == BIOUNIT_EVENT_UNIT_GONE || (bf->subscribed & BIT(type)))
			biounit_queue_event(bf, &ev);
	spin_unlock_irqrestore(&unit->files_lock, flags);
}
EXPORT_SYMBOL_GPL(biounit_notify);

/**
 * biounit_notify_unit() - send an event about the whole unit
 * @unit: the unit
 * @type: BIOUNIT_EVENT_UNIT_GONE, _BUTTON or _PRESENCE
 * @data: the type's value
 *
 * Like biounit_notify(), with the channel BIOUNIT_CH_UNIT that the uapi
 * gives events that are about no one channel. May be called in any context.
 */
void biounit_notify_unit(struct biounit_unit *unit, u32 type, u32 data)
{
	biounit_notify(unit, type, BIOUNIT_CH_UNIT, data);
}

/**
 * biounit_notify_gone() - tell every open file that the unit is gone
 * @unit: the unit, already marked gone
 */
void biounit_notify_gone(struct biounit_unit *unit)
{
	biounit_notify_unit(unit, BIOUNIT_EVENT_UNIT_GONE, 0);
}

/**
 * biounit_event_pending() - does a file have events to dequeue?
 * @bf: the open file
 *
 * Return: true if BIOUNIT_IOC_DQEVENT would not block.
 */
bool biounit_event_pending(struct biounit_file *bf)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&bf->unit->files_lock, flags);
	pending = !kfifo_is_empty(&bf->events);
	spin_unlock_irqrestore(&bf->unit->files_lock, flags);
	return pending;
}

static int biounit_dqevent(struct biounit_file *bf, struct biounit_event *ev)
{
	struct biounit_unit *unit = bf->unit;
	unsigned long flags;
	int ret;

	if (!biounit_reserved_zero(ev->reserved, ARRAY_SIZE(ev->reserved)))
		return -EINVAL;

	for (;;) {
		spin_lock_irqsave(&unit->files_lock, flags);
		if (kfifo_get(&bf->events, ev)) {
			ev->pending = kfifo_len(&bf->events);
			spin_unlock_irqrestore(&unit->files_lock, flags);
			return 0;
		}
		spin_unlock_irqrestore(&unit->files_lock, flags);

		if (biounit_is_gone(unit))
			return -ENODEV;
		if (bf->file->f_flags & O_NONBLOCK)
			return -EAGAIN;

		ret = wait_event_interruptible(bf->event_wait,
					       biounit_event_pending(bf) ||
					       biounit_is_gone(unit));
		if (ret)
			return ret;
	}
}

/**
 * biounit_ioctl_event() - SUBSCRIBE and DQEVENT
 * @bf: the open file
 * @cmd: the ioctl
 * @arg: its argument, in kernel memory
 *
 * Return: 0 or a negative error code.
 */
long biounit_ioctl_event(struct biounit_file *bf, unsigned int cmd, void *arg)
{
	struct biounit_event_subscription *sub = arg;
	unsigned long flags;

	if (cmd == BIOUNIT_IOC_DQEVENT)
		return biounit_dqevent(bf, arg);

	if ((sub->types & ~BIOUNIT_EVENT_VALID_MASK) ||
	    !biounit_reserved_zero(sub->reserved, ARRAY_SIZE(sub->reserved)))
		return -EINVAL;

	spin_lock_irqsave(&bf->unit->files_lock, flags);
	bf->subscribed = sub->types;
	spin_unlock_irqrestore(&bf->unit->files_lock, flags);
	return 0;
}
