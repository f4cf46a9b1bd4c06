// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-sim: the platform driver that plays a unit's sensors
 *
 * It probes from the software nodes that sim-configfs.c builds, exactly as a
 * real backend probes from a device tree, registers the unit with the biounit
 * core, and runs one kernel thread per streaming channel. Each thread wakes
 * at the channel's frame interval and fills the next queued buffer from the
 * world in configfs: one copy of a picture rendered when the scene changed,
 * or the pen samples that are due.
 *
 * It also binds to "ind,biounit-sim" nodes of a device tree: a simulated
 * unit described like a real one, to test probing from a tree. Such a unit
 * has no configfs directory; its world is bare (no scene, no faults).
 */

#include <linux/delay.h>
#include <linux/gpio/machine.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "sim.h"

/**
 * struct bsim_stream - a streaming channel of a probed simulated unit
 * @dev: the device
 * @ch: the biounit channel
 * @id: BIOUNIT_CH_*
 * @thread: the sensor thread while streaming
 * @fmt: the format being streamed
 * @frame: the rendered picture; every frame is a copy of it
 * @rendered_generation: scene generation @frame was drawn from
 * @rendered_gain: gain @frame was drawn with
 * @finger_on: scanner: a finger was placed at the last frame
 * @start_ns: when streaming started
 * @script_base_us: pad: when the current play of the script started
 * @script_pos: pad: next point of the script
 * @pen_down: pad: the last sample had the pen down
 */
struct bsim_stream {
	struct bsim_dev *dev;
	struct biounit_channel *ch;
	unsigned int id;
	struct task_struct *thread;
	struct biounit_format fmt;
	u8 *frame;
	u32 rendered_generation;
	u32 rendered_gain;
	bool finger_on;
	u64 start_ns;
	u64 script_base_us;
	u32 script_pos;
	bool pen_down;
};

/**
 * struct bsim_dev - a probed simulated unit
 * @world: the unit's configfs side
 * @unit: the biounit core's unit
 * @gain: gain control values per channel, in hundredths
 * @streams: per channel streaming state
 */
struct bsim_dev {
	struct bsim_unit *world;
	struct biounit_unit *unit;
	u32 gain[BIOUNIT_CH_COUNT];
	struct bsim_stream streams[BIOUNIT_CH_COUNT];
};

static void bsim_sleep_until(ktime_t deadline)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout(&deadline, HRTIMER_MODE_ABS);
	__set_current_state(TASK_RUNNING);
}

/*
 * Applies the channel's faults for this frame. Returns true if the frame is
 * not delivered (stalled or dropped); sets *damaged for a frame to be
 * delivered with an error. Called with the world locked.
 */
static bool bsim_fault(struct bsim_channel *wc, bool *dropped, bool *damaged)
{
	lockdep_assert_held(&wc->unit->lock);
	*dropped = false;
	*damaged = false;
	if (wc->stall)
		return true;
	if (wc->drop) {
		wc->drop--;
		*dropped = true;
		return true;
	}
	if (wc->error) {
		wc->error--;
		*damaged = true;
	}
	return false;
}

static int bsim_image_refresh(struct bsim_stream *s, struct bsim_channel *wc)
{
	u32 gain = READ_ONCE(s->dev->gain[s->id]);
	bool finger = s->id == BIOUNIT_CH_FINGER;
	static const struct bsim_scene none;
	int ret;

	if (s->rendered_generation == wc->generation &&
	    s->rendered_gain == gain)
		return 0;

	/* A scanner with no finger on it sees white; a camera mid-grey */
	ret = bsim_render(finger && !wc->placed ? &none : &wc->scene, gain,
			  &s->fmt, finger ? 0xff : 0x80, s->frame);
	if (!ret) {
		s->rendered_generation = wc->generation;
		s->rendered_gain = gain;
	}
	return ret;
}

static void bsim_image_frame(struct bsim_stream *s)
{
	struct bsim_unit *world = s->dev->world;
	struct bsim_channel *wc = &world->channels[s->id];
	bool skip, dropped, damaged, placed = false, placed_changed = false;
	struct biounit_buf *buf;
	int ret;

	mutex_lock(&world->lock);
	skip = bsim_fault(wc, &dropped, &damaged);
	ret = skip ? 0 : bsim_image_refresh(s, wc);
	if (s->id == BIOUNIT_CH_FINGER && !skip) {
		placed = wc->placed;
		placed_changed = placed != s->finger_on;
		s->finger_on = placed;
	}
	mutex_unlock(&world->lock);

	if (placed_changed)
		biounit_notify(s->dev->unit, placed ? BIOUNIT_EVENT_FINGER_PLACED :
				BIOUNIT_EVENT_FINGER_REMOVED, s->id, 0);
	if (dropped || ret) {
		biounit_frame_dropped(s->ch);
		return;
	}
	if (skip)
		return;

	buf = biounit_next_buffer(s->ch);
	if (!buf) {
		biounit_frame_dropped(s->ch);
		return;
	}
	memcpy(biounit_buf_vaddr(buf), s->frame, s->fmt.sizeimage);
	biounit_buf_done(s->ch, buf, s->fmt.sizeimage, damaged);
}

static void bsim_pen_event(struct bsim_stream *s, bool down)
{
	if (down == s->pen_down)
		return;
	s->pen_down = down;
	biounit_notify(s->dev->unit, down ? BIOUNIT_EVENT_PEN_DOWN :
		       BIOUNIT_EVENT_PEN_UP, s->id, 0);
}

/*
 * The next point of the script if it is due by @now_us, starting the script
 * again after a pause when it ends and from the top when it was replaced.
 * Called with the world locked.
 */
static const struct bsim_pen_point *bsim_pen_due(struct bsim_stream *s,
						 struct bsim_channel *wc,
						 u64 now_us)
{
	const struct bsim_pen_point *pt;

	lockdep_assert_held(&wc->unit->lock);
	if (s->rendered_generation != wc->generation) {
		s->rendered_generation = wc->generation;
		s->script_pos = 0;
		s->script_base_us = now_us;
	}
	if (!wc->script_len)
		return NULL;
	if (s->script_pos == wc->script_len) {
		s->script_base_us += wc->script[wc->script_len - 1].t_us +
				     BSIM_SCRIPT_PAUSE_US;
		s->script_pos = 0;
	}
	pt = &wc->script[s->script_pos];
	return s->script_base_us + pt->t_us <= now_us ? pt : NULL;
}

/*
 * Takes the due points of the script, at most @max, into @out (or nowhere
 * when @out is NULL: a dropped frame), and reports each to the unit's pen
 * tablet. Called with the world locked.
 */
static u32 bsim_pen_collect(struct bsim_stream *s, struct bsim_channel *wc,
			    u64 now_us, struct biounit_pen_sample *out, u32 max)
{
	const struct bsim_pen_point *pt;
	u32 n = 0;

	lockdep_assert_held(&wc->unit->lock);
	while (n < max && (pt = bsim_pen_due(s, wc, now_us))) {
		bool down = pt->pressure > 0;
		struct biounit_pen_sample sample = {
			.timestamp_ns = s->start_ns + (s->script_base_us +
					pt->t_us) * NSEC_PER_USEC,
			.x = pt->x,
			.y = pt->y,
			.pressure = pt->pressure,
			.flags = (down ? BIOUNIT_PEN_DOWN : 0) |
				 (down && !s->pen_down ?
				  BIOUNIT_PEN_STROKE_START : 0),
		};

		if (out)
			out[n] = sample;
		/* The pen tablet sees every sample the pad gives */
		biounit_pen_report(s->ch, &sample);
		bsim_pen_event(s, down);
		s->script_pos++;
		n++;
	}
	return n;
}

/*
 * A pad reports only when samples are due. They wait in the script while
 * userspace has no buffer queued; a dropped frame loses them.
 */
static void bsim_pen_frame(struct bsim_stream *s)
{
	struct bsim_unit *world = s->dev->world;
	struct bsim_channel *wc = &world->channels[s->id];
	u64 now_us = div_u64(ktime_get_ns() - s->start_ns, NSEC_PER_USEC);
	bool dropped = false, damaged = false;
	struct biounit_buf *buf = NULL;
	u32 n = 0;

	mutex_lock(&world->lock);
	if (wc->stall || !bsim_pen_due(s, wc, now_us))
		goto out;
	if (bsim_fault(wc, &dropped, &damaged)) {
		bsim_pen_collect(s, wc, now_us, NULL, s->fmt.width);
		goto out;
	}
	buf = biounit_next_buffer(s->ch);
	if (buf)
		n = bsim_pen_collect(s, wc, now_us, biounit_buf_vaddr(buf),
				     s->fmt.width);
out:
	mutex_unlock(&world->lock);

	if (dropped)
		biounit_frame_dropped(s->ch);
	if (buf)
		biounit_buf_done(s->ch, buf,
				 n * sizeof(struct biounit_pen_sample), damaged);
}

static int bsim_thread(void *data)
{
	struct bsim_stream *s = data;
	ktime_t next = ktime_get();

	while (!kthread_should_stop()) {
		if (s->id == BIOUNIT_CH_SIGNATURE)
			bsim_pen_frame(s);
		else
			bsim_image_frame(s);

		next = ktime_add_us(next, s->fmt.interval_us);
		/* Fell behind: carry on from now rather than in a burst */
		if (ktime_before(next, ktime_get()))
			next = ktime_get();
		bsim_sleep_until(next);
	}
	return 0;
}

static int bsim_start(struct biounit_channel *ch)
{
	struct bsim_dev *bdev = biounit_hw_priv(biounit_channel_unit(ch));
	struct bsim_stream *s = &bdev->streams[biounit_channel_id(ch)];
	struct task_struct *t;

	s->ch = ch;
	biounit_channel_format(ch, &s->fmt);
	s->rendered_generation = U32_MAX;
	s->rendered_gain = 0;
	s->finger_on = false;
	s->pen_down = false;
	s->script_pos = 0;
	s->script_base_us = 0;
	s->start_ns = ktime_get_ns();

	if (s->id != BIOUNIT_CH_SIGNATURE) {
		s->frame = kvmalloc(s->fmt.sizeimage, GFP_KERNEL);
		if (!s->frame)
			return -ENOMEM;
	}

	/*
	 * The channel's unit, not bdev->unit: a channel may start before
	 * devm_biounit_register() has returned (its nodes are live by then).
	 */
	t = kthread_run(bsim_thread, s, "bsim-%s-%u",
			biounit_unit_name(biounit_channel_unit(ch)), s->id);
	if (IS_ERR(t)) {
		kvfree(s->frame);
		s->frame = NULL;
		return PTR_ERR(t);
	}
	s->thread = t;
	return 0;
}

static void bsim_stop(struct biounit_channel *ch)
{
	struct bsim_dev *bdev = biounit_hw_priv(biounit_channel_unit(ch));
	struct bsim_stream *s = &bdev->streams[biounit_channel_id(ch)];

	kthread_stop(s->thread);
	s->thread = NULL;
	kvfree(s->frame);
	s->frame = NULL;
	if (s->pen_down)
		bsim_pen_event(s, false);
	if (s->id == BIOUNIT_CH_SIGNATURE)
		biounit_pen_report(ch, NULL);	/* the pad is no longer scanned */
}

static int bsim_s_ctrl(struct biounit_unit *unit, u32 id, s64 value)
{
	struct bsim_dev *bdev = biounit_hw_priv(unit);

	switch (id) {
	case BIOUNIT_CID_FACE_GAIN:
		WRITE_ONCE(bdev->gain[BIOUNIT_CH_FACE], value);
		break;
	case BIOUNIT_CID_FINGER_GAIN:
		WRITE_ONCE(bdev->gain[BIOUNIT_CH_FINGER], value);
		break;
	}
	return 0;
}

static const struct biounit_hw_ops bsim_hw_ops = {
	.start = bsim_start,
	.stop = bsim_stop,
	.s_ctrl = bsim_s_ctrl,
};

static void bsim_put_world(void *data)
{
	bsim_unit_put(data);
}

static void bsim_remove_lookup(void *data)
{
	gpiod_remove_lookup_table(data);
}

/*
 * The unit's button_gpio and presence_gpio as a GPIO lookup table for this
 * device: the core gets "button" and "presence" as it gets button-gpios and
 * presence-gpios from a device tree. Called with the set-up locked (the
 * unit is going live).
 */
static int bsim_add_lookup(struct device *dev, struct bsim_unit *world)
{
	static const char * const con_ids[BSIM_NUM_GPIOS] = {
		[BSIM_GPIO_BUTTON] = "button",
		[BSIM_GPIO_PRESENCE] = "presence",
	};
	struct gpiod_lookup_table *table;
	unsigned int i, n = 0;

	table = devm_kzalloc(dev, struct_size(table, table, BSIM_NUM_GPIOS + 1),
			     GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table->dev_id = dev_name(dev);
	for (i = 0; i < BSIM_NUM_GPIOS; i++)
		if (world->gpios[i].label[0])
			table->table[n++] = GPIO_LOOKUP(world->gpios[i].label,
							world->gpios[i].line,
							con_ids[i],
							GPIO_ACTIVE_HIGH);
	if (!n)
		return 0;
	gpiod_add_lookup_table(table);
	return devm_add_action_or_reset(dev, bsim_remove_lookup, table);
}

static int bsim_probe(struct platform_device *pdev)
{
	struct bsim_unit * const *world = dev_get_platdata(&pdev->dev);
	struct device *dev = &pdev->dev;
	struct biounit_hw hw = { .ops = &bsim_hw_ops };
	struct bsim_dev *bdev;
	unsigned int i;
	int ret;

	if (world && !*world)
		return dev_err_probe(dev, -EINVAL, "no simulated unit\n");

	bdev = devm_kzalloc(dev, sizeof(*bdev), GFP_KERNEL);
	if (!bdev)
		return -ENOMEM;

	if (world) {
		/* Made in configfs: the world is there */
		bsim_unit_get(*world);
		bdev->world = *world;
	} else {
		/* Described by firmware (a device tree): a world of its own */
		bdev->world = bsim_unit_alloc();
		if (!bdev->world)
			return -ENOMEM;
	}
	ret = devm_add_action_or_reset(dev, bsim_put_world, bdev->world);
	if (ret)
		return ret;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		bdev->gain[i] = 100;
		bdev->streams[i].dev = bdev;
		bdev->streams[i].id = i;
	}

	ret = bsim_add_lookup(dev, bdev->world);
	if (ret)
		return ret;

	hw.priv = bdev;
	bdev->unit = devm_biounit_register(dev, &hw);
	if (IS_ERR(bdev->unit))
		return PTR_ERR(bdev->unit);

	platform_set_drvdata(pdev, bdev);
	return 0;
}

/**
 * bsim_dev_name() - the /dev name of a simulated unit's device
 * @pdev: the unit's platform device
 * @buf: filled with "biounitN", or "" while no driver is bound to @pdev
 * @len: size of @buf
 */
void bsim_dev_name(struct platform_device *pdev, char *buf, size_t len)
{
	struct bsim_dev *bdev;

	device_lock(&pdev->dev);
	bdev = platform_get_drvdata(pdev);
	strscpy(buf, bdev ? biounit_unit_name(bdev->unit) : "", len);
	device_unlock(&pdev->dev);
}

static const struct of_device_id bsim_of_match[] = {
	{ .compatible = "ind,biounit-sim" },
	{ }
};
MODULE_DEVICE_TABLE(of, bsim_of_match);

struct platform_driver bsim_platform_driver = {
	.driver = {
		.name = BSIM_DRIVER_NAME,
		.of_match_table = bsim_of_match,
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
	.probe = bsim_probe,
};
