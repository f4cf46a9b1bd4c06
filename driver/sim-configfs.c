// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-sim: simulated units made and removed through configfs
 *
 *   /sys/kernel/config/biounit-sim/<unit>/          mkdir makes a unit
 *       model serial button_gpio presence_gpio live dev_name
 *       face/      present min_interval_us max_width max_height
 *       finger/    present min_interval_us placed
 *       signature/ present min_interval_us pad_width pad_height pressure_max
 *       each channel: scene scene_info drop error stall
 *
 * Writing 1 to "live" turns the set-up into software nodes and registers a
 * platform device carrying them; writing 0, or removing the directory,
 * unregisters it, which to the driver is the unit being unplugged. See
 * docs/simulator.md.
 *
 * The group "gpio" (sim-gpio.c) holds simulated desk gpiochips; a unit
 * cannot be called "gpio".
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sim.h"

#define BSIM_SCENE_MAX_BYTES	(64 * 1024 * 1024)

static const char * const bsim_channel_dirs[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "face",
	[BIOUNIT_CH_FINGER] = "finger",
	[BIOUNIT_CH_SIGNATURE] = "signature",
};

static const char * const bsim_channel_nodes[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = "camera",
	[BIOUNIT_CH_FINGER] = "scanner",
	[BIOUNIT_CH_SIGNATURE] = "pad",
};

static struct bsim_unit *to_bsim_unit(struct config_item *item)
{
	return container_of(to_config_group(item), struct bsim_unit, group);
}

static struct bsim_channel *to_bsim_channel(struct config_item *item)
{
	return container_of(to_config_group(item), struct bsim_channel, group);
}

static void bsim_unit_release(struct kref *ref)
{
	struct bsim_unit *unit = container_of(ref, struct bsim_unit, ref);
	unsigned int i;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		kvfree(unit->channels[i].scene.pixels);
		kvfree(unit->channels[i].script);
	}
	mutex_destroy(&unit->lock);
	mutex_destroy(&unit->live_lock);
	kfree(unit);
}

/**
 * bsim_unit_get() - take a reference on a simulated unit
 * @unit: the unit
 */
void bsim_unit_get(struct bsim_unit *unit)
{
	kref_get(&unit->ref);
}

/**
 * bsim_unit_put() - drop a reference on a simulated unit
 * @unit: the unit; freed with the last reference
 */
void bsim_unit_put(struct bsim_unit *unit)
{
	kref_put(&unit->ref, bsim_unit_release);
}

static bool bsim_is_live(struct bsim_unit *unit)
{
	return unit->pdev;
}

/* Sets of software nodes the kernel may still point to (struct bsim_nodes) */
static LIST_HEAD(bsim_retired_nodes);
static DEFINE_MUTEX(bsim_retired_lock);
static atomic_t bsim_nodes_seq = ATOMIC_INIT(0);

static bool bsim_nodes_held(struct bsim_nodes *set)
{
	int i;

	for (i = 0; i < BSIM_NODES; i++)
		if (set->nodes[i].name && software_node_fwnode(&set->nodes[i]))
			return true;
	return false;
}

/* Frees the retired sets the kernel has let go of; true if none is left */
static bool bsim_reap_nodes(void)
{
	struct bsim_nodes *set, *tmp;
	bool empty;

	mutex_lock(&bsim_retired_lock);
	list_for_each_entry_safe(set, tmp, &bsim_retired_nodes, list) {
		if (set->parent_held) {
			if (time_before(jiffies, set->parent_until))
				continue;
			software_node_unregister(&set->nodes[0]);
			set->parent_held = false;
		}
		if (bsim_nodes_held(set))
			continue;
		list_del(&set->list);
		kfree(set);
	}
	empty = list_empty(&bsim_retired_nodes);
	mutex_unlock(&bsim_retired_lock);
	return empty;
}

/*
 * A child node whose registration failed in kobject_add() is released
 * without holding a reference on its parent, yet its release function
 * (software_node_release()) still uses the parent. With
 * CONFIG_DEBUG_KOBJECT_RELEASE that release runs up to 4 s later, so the
 * parent must stay registered that long (found by make check-debug).
 */
#define BSIM_PARENT_GRACE	(5 * HZ)

/*
 * Unregisters the unit's nodes, children first, and retires their set. After
 * a child failed to register, the unit node goes later (BSIM_PARENT_GRACE).
 */
static void bsim_unregister_nodes(struct bsim_unit *unit, bool child_failed)
{
	struct bsim_nodes *set = unit->nodes;
	int i;

	for (i = BIOUNIT_CH_COUNT; i >= 1; i--)
		if (set->nodes[i].name)
			software_node_unregister(&set->nodes[i]);
	if (child_failed) {
		set->parent_held = true;
		set->parent_until = jiffies + BSIM_PARENT_GRACE;
	} else {
		software_node_unregister(&set->nodes[0]);
	}
	unit->nodes = NULL;
	mutex_lock(&bsim_retired_lock);
	list_add_tail(&set->list, &bsim_retired_nodes);
	mutex_unlock(&bsim_retired_lock);
	bsim_reap_nodes();
}

static void bsim_fill_props(struct bsim_unit *unit, struct bsim_nodes *set,
			    unsigned int id)
{
	struct bsim_channel *ch = &unit->channels[id];
	struct property_entry *p = set->props[1 + id];

	*p++ = PROPERTY_ENTRY_U32("min-frame-interval-us", ch->min_interval_us);
	switch (id) {
	case BIOUNIT_CH_FACE:
		set->frame_size[0] = ch->max_width;
		set->frame_size[1] = ch->max_height;
		*p++ = PROPERTY_ENTRY_U32_ARRAY("max-frame-size", set->frame_size);
		break;
	case BIOUNIT_CH_FINGER:
		*p++ = PROPERTY_ENTRY_U32("resolution-ppi", 500);
		break;
	default:
		*p++ = PROPERTY_ENTRY_U32("touchscreen-size-x", ch->pad_width);
		*p++ = PROPERTY_ENTRY_U32("touchscreen-size-y", ch->pad_height);
		*p++ = PROPERTY_ENTRY_U32("touchscreen-max-pressure",
					  ch->pressure_max);
		*p++ = PROPERTY_ENTRY_U32("resolution-ppi", 1000);
		break;
	}
}

static int bsim_register_nodes(struct bsim_unit *unit)
{
	struct bsim_nodes *set;
	unsigned int i;
	int ret;

	bsim_reap_nodes();
	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	INIT_LIST_HEAD(&set->list);
	/* The number first, so that a long unit name cannot cut it off */
	snprintf(set->name, sizeof(set->name), "bsim%u-%s",
		 (unsigned int)atomic_inc_return(&bsim_nodes_seq),
		 config_item_name(&unit->group.cg_item));
	set->props[0][0] = PROPERTY_ENTRY_STRING("model", unit->model);
	set->props[0][1] = PROPERTY_ENTRY_STRING("serial-number", unit->serial);
	set->nodes[0].name = set->name;
	set->nodes[0].properties = set->props[0];
	ret = software_node_register(&set->nodes[0]);
	if (ret) {
		kfree(set);
		return ret;
	}
	unit->nodes = set;

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		struct software_node *node = &set->nodes[1 + i];

		if (!unit->channels[i].present)
			continue;
		bsim_fill_props(unit, set, i);
		node->name = bsim_channel_nodes[i];
		node->parent = &set->nodes[0];
		node->properties = set->props[1 + i];
		ret = software_node_register(node);
		if (ret) {
			node->name = NULL;
			bsim_unregister_nodes(unit, true);
			return ret;
		}
	}
	return 0;
}

static int bsim_go_live(struct bsim_unit *unit)
{
	struct platform_device_info info = {
		.name = BSIM_DRIVER_NAME,
		.id = PLATFORM_DEVID_AUTO,
		.data = &unit,
		.size_data = sizeof(unit),
	};
	struct platform_device *pdev;
	bool bound;
	int ret;

	lockdep_assert_held(&unit->live_lock);
	ret = bsim_register_nodes(unit);
	if (ret)
		return ret;

	info.fwnode = software_node_fwnode(&unit->nodes->nodes[0]);
	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev)) {
		bsim_unregister_nodes(unit, false);
		return PTR_ERR(pdev);
	}

	/* The driver probes synchronously: it is bound now or never */
	device_lock(&pdev->dev);
	bound = platform_get_drvdata(pdev);
	device_unlock(&pdev->dev);
	if (!bound) {
		platform_device_unregister(pdev);
		bsim_unregister_nodes(unit, false);
		return -ENXIO;
	}

	unit->pdev = pdev;
	return 0;
}

static void bsim_go_offline(struct bsim_unit *unit)
{
	lockdep_assert_held(&unit->live_lock);
	platform_device_unregister(unit->pdev);
	unit->pdev = NULL;
	bsim_unregister_nodes(unit, false);
}

/* Unit attributes */

static ssize_t bsim_show_string(struct bsim_unit *unit, const char *s,
				char *page)
{
	ssize_t ret;

	mutex_lock(&unit->live_lock);
	ret = sysfs_emit(page, "%s\n", s);
	mutex_unlock(&unit->live_lock);
	return ret;
}

static ssize_t bsim_store_string(struct bsim_unit *unit, char *dst,
				 const char *page, size_t count)
{
	char buf[BSIM_NAME_LEN];
	ssize_t ret = count;

	if (count >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, page, count);
	buf[count] = '\0';
	strim(buf);

	mutex_lock(&unit->live_lock);
	if (bsim_is_live(unit))
		ret = -EBUSY;
	else
		strscpy(dst, buf, BSIM_NAME_LEN);
	mutex_unlock(&unit->live_lock);
	return ret;
}

static ssize_t bsim_unit_model_show(struct config_item *item, char *page)
{
	struct bsim_unit *unit = to_bsim_unit(item);

	return bsim_show_string(unit, unit->model, page);
}

static ssize_t bsim_unit_model_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct bsim_unit *unit = to_bsim_unit(item);

	return bsim_store_string(unit, unit->model, page, count);
}
CONFIGFS_ATTR(bsim_unit_, model);

static ssize_t bsim_unit_serial_show(struct config_item *item, char *page)
{
	struct bsim_unit *unit = to_bsim_unit(item);

	return bsim_show_string(unit, unit->serial, page);
}

static ssize_t bsim_unit_serial_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct bsim_unit *unit = to_bsim_unit(item);

	return bsim_store_string(unit, unit->serial, page, count);
}
CONFIGFS_ATTR(bsim_unit_, serial);

/* "LABEL LINE": a line of a gpiochip by the chip's label; empty: none */
static ssize_t bsim_gpio_show(struct bsim_unit *unit, unsigned int i,
			      char *page)
{
	const struct bsim_gpio_ref *ref = &unit->gpios[i];
	ssize_t ret;

	mutex_lock(&unit->live_lock);
	if (ref->label[0])
		ret = sysfs_emit(page, "%s %u\n", ref->label, ref->line);
	else
		ret = sysfs_emit(page, "\n");
	mutex_unlock(&unit->live_lock);
	return ret;
}

static ssize_t bsim_gpio_store(struct bsim_unit *unit, unsigned int i,
			       const char *page, size_t count)
{
	struct bsim_gpio_ref ref = { };
	char buf[BSIM_NAME_LEN + 16], *line;
	ssize_t ret = count;

	if (count >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, page, count);
	buf[count] = '\0';
	line = strim(buf);
	if (*line) {
		char *label = strsep(&line, " \t");

		if (!line || strlen(label) >= sizeof(ref.label) ||
		    kstrtou32(skip_spaces(line), 0, &ref.line))
			return -EINVAL;
		strscpy(ref.label, label, sizeof(ref.label));
	}

	mutex_lock(&unit->live_lock);
	if (bsim_is_live(unit))
		ret = -EBUSY;
	else
		unit->gpios[i] = ref;
	mutex_unlock(&unit->live_lock);
	return ret;
}

static ssize_t bsim_unit_button_gpio_show(struct config_item *item,
					  char *page)
{
	return bsim_gpio_show(to_bsim_unit(item), BSIM_GPIO_BUTTON, page);
}

static ssize_t bsim_unit_button_gpio_store(struct config_item *item,
					   const char *page, size_t count)
{
	return bsim_gpio_store(to_bsim_unit(item), BSIM_GPIO_BUTTON, page,
			       count);
}
CONFIGFS_ATTR(bsim_unit_, button_gpio);

static ssize_t bsim_unit_presence_gpio_show(struct config_item *item,
					    char *page)
{
	return bsim_gpio_show(to_bsim_unit(item), BSIM_GPIO_PRESENCE, page);
}

static ssize_t bsim_unit_presence_gpio_store(struct config_item *item,
					     const char *page, size_t count)
{
	return bsim_gpio_store(to_bsim_unit(item), BSIM_GPIO_PRESENCE, page,
			       count);
}
CONFIGFS_ATTR(bsim_unit_, presence_gpio);

static ssize_t bsim_unit_dev_name_show(struct config_item *item, char *page)
{
	struct bsim_unit *unit = to_bsim_unit(item);
	char name[BSIM_NAME_LEN] = "";

	mutex_lock(&unit->live_lock);
	if (unit->pdev)
		bsim_dev_name(unit->pdev, name, sizeof(name));
	mutex_unlock(&unit->live_lock);
	return sysfs_emit(page, "%s\n", name);
}
CONFIGFS_ATTR_RO(bsim_unit_, dev_name);

static ssize_t bsim_unit_live_show(struct config_item *item, char *page)
{
	struct bsim_unit *unit = to_bsim_unit(item);
	ssize_t ret;

	mutex_lock(&unit->live_lock);
	ret = sysfs_emit(page, "%d\n", bsim_is_live(unit));
	mutex_unlock(&unit->live_lock);
	return ret;
}

static ssize_t bsim_unit_live_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct bsim_unit *unit = to_bsim_unit(item);
	bool live;
	int ret;

	ret = kstrtobool(page, &live);
	if (ret)
		return ret;

	mutex_lock(&unit->live_lock);
	if (live == bsim_is_live(unit))
		ret = 0;
	else if (live)
		ret = bsim_go_live(unit);
	else
		bsim_go_offline(unit);
	mutex_unlock(&unit->live_lock);
	return ret ?: count;
}
CONFIGFS_ATTR(bsim_unit_, live);

static struct configfs_attribute *bsim_unit_attrs[] = {
	&bsim_unit_attr_model,
	&bsim_unit_attr_serial,
	&bsim_unit_attr_button_gpio,
	&bsim_unit_attr_presence_gpio,
	&bsim_unit_attr_live,
	&bsim_unit_attr_dev_name,
	NULL
};

/* Channel attributes */

/*
 * Set-up fields (BSIM_SETUP) change only while the unit is not live, under
 * the set-up lock; world fields change at any time under the world lock, and
 * a change to what the sensor sees (BSIM_SCENE) makes the frames redrawn.
 */
enum bsim_field_kind { BSIM_SETUP, BSIM_WORLD, BSIM_SCENE };

static int bsim_field_lock(struct bsim_channel *ch, enum bsim_field_kind kind,
			   bool write)
{
	if (kind != BSIM_SETUP) {
		mutex_lock(&ch->unit->lock);
		return 0;
	}
	mutex_lock(&ch->unit->live_lock);
	if (write && bsim_is_live(ch->unit)) {
		mutex_unlock(&ch->unit->live_lock);
		return -EBUSY;
	}
	return 0;
}

static void bsim_field_unlock(struct bsim_channel *ch,
			      enum bsim_field_kind kind, bool changed)
{
	if (kind == BSIM_SETUP) {
		mutex_unlock(&ch->unit->live_lock);
		return;
	}
	if (changed && kind == BSIM_SCENE)
		ch->generation++;
	mutex_unlock(&ch->unit->lock);
}

/**
 * struct bsim_u32_field - a number attribute of a channel
 * @offset: where the u32 lies in struct bsim_channel
 * @kind: set-up, world or scene
 * @min: smallest value accepted
 * @max: largest value accepted
 */
struct bsim_u32_field {
	size_t offset;
	enum bsim_field_kind kind;
	u32 min;
	u32 max;
};

static ssize_t bsim_u32_show(struct config_item *item,
			     const struct bsim_u32_field *f, char *page)
{
	struct bsim_channel *ch = to_bsim_channel(item);
	u32 val;

	bsim_field_lock(ch, f->kind, false);
	val = *(u32 *)((u8 *)ch + f->offset);
	bsim_field_unlock(ch, f->kind, false);
	return sysfs_emit(page, "%u\n", val);
}

static ssize_t bsim_u32_store(struct config_item *item,
			      const struct bsim_u32_field *f, const char *page,
			      size_t count)
{
	struct bsim_channel *ch = to_bsim_channel(item);
	u32 val;
	int ret;

	ret = kstrtou32(page, 0, &val);
	if (ret)
		return ret;
	if (val < f->min || val > f->max)
		return -ERANGE;
	ret = bsim_field_lock(ch, f->kind, true);
	if (ret)
		return ret;
	*(u32 *)((u8 *)ch + f->offset) = val;
	bsim_field_unlock(ch, f->kind, true);
	return count;
}

#define BSIM_U32_FIELD(_field, _kind, _min, _max)			\
static const struct bsim_u32_field bsim_field_##_field = {		\
	.offset = offsetof(struct bsim_channel, _field),		\
	.kind = _kind, .min = _min, .max = _max,			\
};									\
static ssize_t bsim_channel_##_field##_show(struct config_item *item,	\
					    char *page)			\
{									\
	return bsim_u32_show(item, &bsim_field_##_field, page);		\
}									\
static ssize_t bsim_channel_##_field##_store(struct config_item *item,	\
					     const char *page,		\
					     size_t count)		\
{									\
	return bsim_u32_store(item, &bsim_field_##_field, page, count);	\
}

BSIM_U32_FIELD(present, BSIM_SETUP, 0, 1)
CONFIGFS_ATTR(bsim_channel_, present);
BSIM_U32_FIELD(min_interval_us, BSIM_SETUP, 1, U32_MAX)
CONFIGFS_ATTR(bsim_channel_, min_interval_us);
BSIM_U32_FIELD(max_width, BSIM_SETUP, 1, 65535)
CONFIGFS_ATTR(bsim_channel_, max_width);
BSIM_U32_FIELD(max_height, BSIM_SETUP, 1, 65535)
CONFIGFS_ATTR(bsim_channel_, max_height);
BSIM_U32_FIELD(pad_width, BSIM_SETUP, 1, 65535)
CONFIGFS_ATTR(bsim_channel_, pad_width);
BSIM_U32_FIELD(pad_height, BSIM_SETUP, 1, 65535)
CONFIGFS_ATTR(bsim_channel_, pad_height);
BSIM_U32_FIELD(pressure_max, BSIM_SETUP, 1, 65535)
CONFIGFS_ATTR(bsim_channel_, pressure_max);
BSIM_U32_FIELD(placed, BSIM_SCENE, 0, 1)
CONFIGFS_ATTR(bsim_channel_, placed);
BSIM_U32_FIELD(drop, BSIM_WORLD, 0, 1000000)
CONFIGFS_ATTR(bsim_channel_, drop);
BSIM_U32_FIELD(error, BSIM_WORLD, 0, 1000000)
CONFIGFS_ATTR(bsim_channel_, error);
BSIM_U32_FIELD(stall, BSIM_WORLD, 0, 1)
CONFIGFS_ATTR(bsim_channel_, stall);

static ssize_t bsim_channel_scene_info_show(struct config_item *item,
					    char *page)
{
	struct bsim_channel *ch = to_bsim_channel(item);
	ssize_t ret;

	mutex_lock(&ch->unit->lock);
	ret = sysfs_emit(page, "%s\n", ch->scene_info);
	mutex_unlock(&ch->unit->lock);
	return ret;
}
CONFIGFS_ATTR_RO(bsim_channel_, scene_info);

static ssize_t bsim_channel_scene_write(struct config_item *item,
					const void *data, size_t len)
{
	struct bsim_channel *ch = to_bsim_channel(item);
	struct bsim_unit *unit = ch->unit;
	char info[BSIM_SCENE_INFO_LEN] = "rejected";
	struct bsim_scene scene = { };
	struct bsim_pen_point *script = NULL;
	u32 count = 0;
	int ret;

	if (ch->id == BIOUNIT_CH_SIGNATURE) {
		mutex_lock(&unit->live_lock);
		ret = bsim_parse_script(data, len, ch, &script, &count, info,
					sizeof(info));
		mutex_unlock(&unit->live_lock);
	} else {
		ret = bsim_parse_pnm(data, len, &scene, info, sizeof(info));
	}

	mutex_lock(&unit->lock);
	strscpy(ch->scene_info, info, sizeof(ch->scene_info));
	if (!ret) {
		swap(ch->scene, scene);
		swap(ch->script, script);
		ch->script_len = count;
		ch->generation++;
	}
	mutex_unlock(&unit->lock);

	kvfree(scene.pixels);
	kvfree(script);
	return ret ?: len;
}
CONFIGFS_BIN_ATTR_WO(bsim_channel_, scene, NULL, BSIM_SCENE_MAX_BYTES);

static struct configfs_attribute *bsim_face_attrs[] = {
	&bsim_channel_attr_present,
	&bsim_channel_attr_min_interval_us,
	&bsim_channel_attr_max_width,
	&bsim_channel_attr_max_height,
	&bsim_channel_attr_scene_info,
	&bsim_channel_attr_drop,
	&bsim_channel_attr_error,
	&bsim_channel_attr_stall,
	NULL
};

static struct configfs_attribute *bsim_finger_attrs[] = {
	&bsim_channel_attr_present,
	&bsim_channel_attr_min_interval_us,
	&bsim_channel_attr_placed,
	&bsim_channel_attr_scene_info,
	&bsim_channel_attr_drop,
	&bsim_channel_attr_error,
	&bsim_channel_attr_stall,
	NULL
};

static struct configfs_attribute *bsim_pad_attrs[] = {
	&bsim_channel_attr_present,
	&bsim_channel_attr_min_interval_us,
	&bsim_channel_attr_pad_width,
	&bsim_channel_attr_pad_height,
	&bsim_channel_attr_pressure_max,
	&bsim_channel_attr_scene_info,
	&bsim_channel_attr_drop,
	&bsim_channel_attr_error,
	&bsim_channel_attr_stall,
	NULL
};

static struct configfs_bin_attribute *bsim_channel_bin_attrs[] = {
	&bsim_channel_attr_scene,
	NULL
};

static const struct config_item_type bsim_channel_types[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = {
		.ct_attrs = bsim_face_attrs,
		.ct_bin_attrs = bsim_channel_bin_attrs,
		.ct_owner = THIS_MODULE,
	},
	[BIOUNIT_CH_FINGER] = {
		.ct_attrs = bsim_finger_attrs,
		.ct_bin_attrs = bsim_channel_bin_attrs,
		.ct_owner = THIS_MODULE,
	},
	[BIOUNIT_CH_SIGNATURE] = {
		.ct_attrs = bsim_pad_attrs,
		.ct_bin_attrs = bsim_channel_bin_attrs,
		.ct_owner = THIS_MODULE,
	},
};

static void bsim_unit_item_release(struct config_item *item)
{
	bsim_unit_put(to_bsim_unit(item));
}

static struct configfs_item_operations bsim_unit_item_ops = {
	.release = bsim_unit_item_release,
};

static const struct config_item_type bsim_unit_type = {
	.ct_item_ops = &bsim_unit_item_ops,
	.ct_attrs = bsim_unit_attrs,
	.ct_owner = THIS_MODULE,
};

static const u32 bsim_default_interval_us[BIOUNIT_CH_COUNT] = {
	[BIOUNIT_CH_FACE] = 16666,
	[BIOUNIT_CH_FINGER] = 33333,
	[BIOUNIT_CH_SIGNATURE] = 5000,
};

/**
 * bsim_unit_alloc() - allocate a bare simulated unit
 *
 * The world of a unit that has no configfs directory, such as one described
 * by a device tree: no scene, no faults, a finger on the scanner. Cameras
 * show mid-grey and the scanner white. Freed by the last bsim_unit_put().
 *
 * Return: the unit with one reference, or NULL if out of memory.
 */
struct bsim_unit *bsim_unit_alloc(void)
{
	struct bsim_unit *unit;
	unsigned int i;

	unit = kzalloc(sizeof(*unit), GFP_KERNEL);
	if (!unit)
		return NULL;

	kref_init(&unit->ref);
	mutex_init(&unit->live_lock);
	mutex_init(&unit->lock);
	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		unit->channels[i].unit = unit;
		unit->channels[i].id = i;
		unit->channels[i].placed = true;
	}
	return unit;
}

static struct config_group *bsim_make_unit(struct config_group *group,
					   const char *name)
{
	struct bsim_unit *unit;
	unsigned int i;

	unit = bsim_unit_alloc();
	if (!unit)
		return ERR_PTR(-ENOMEM);

	strscpy(unit->model, "biounit simulator", sizeof(unit->model));
	strscpy(unit->serial, name, sizeof(unit->serial));
	config_group_init_type_name(&unit->group, name, &bsim_unit_type);

	for (i = 0; i < BIOUNIT_CH_COUNT; i++) {
		struct bsim_channel *ch = &unit->channels[i];

		ch->unit = unit;
		ch->id = i;
		ch->present = true;
		ch->min_interval_us = bsim_default_interval_us[i];
		ch->max_width = 4096;
		ch->max_height = 3072;
		ch->pad_width = 2000;
		ch->pad_height = 800;
		ch->pressure_max = 1023;
		ch->placed = true;
		strscpy(ch->scene_info, "none", sizeof(ch->scene_info));
		config_group_init_type_name(&ch->group, bsim_channel_dirs[i],
					    &bsim_channel_types[i]);
		configfs_add_default_group(&ch->group, &unit->group);
	}
	return &unit->group;
}

static void bsim_drop_unit(struct config_group *group, struct config_item *item)
{
	struct bsim_unit *unit = to_bsim_unit(item);

	mutex_lock(&unit->live_lock);
	if (bsim_is_live(unit))
		bsim_go_offline(unit);
	mutex_unlock(&unit->live_lock);
	config_item_put(item);
}

static struct configfs_group_operations bsim_subsys_group_ops = {
	.make_group = bsim_make_unit,
	.drop_item = bsim_drop_unit,
};

static const struct config_item_type bsim_subsys_type = {
	.ct_group_ops = &bsim_subsys_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem bsim_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = BSIM_DRIVER_NAME,
			.ci_type = &bsim_subsys_type,
		},
	},
};

static int __init bsim_init(void)
{
	int ret;

	ret = platform_driver_register(&bsim_platform_driver);
	if (ret)
		return ret;

	config_group_init(&bsim_subsys.su_group);
	mutex_init(&bsim_subsys.su_mutex);
	ret = bsim_gpio_init(&bsim_subsys.su_group);
	if (ret)
		goto err_driver;
	ret = configfs_register_subsystem(&bsim_subsys);
	if (ret)
		goto err_gpio;
	return 0;

err_gpio:
	bsim_gpio_exit();
err_driver:
	mutex_destroy(&bsim_subsys.su_mutex);
	platform_driver_unregister(&bsim_platform_driver);
	return ret;
}

static void __exit bsim_exit(void)
{
	unsigned int waited_ms = 0;

	configfs_unregister_subsystem(&bsim_subsys);
	bsim_gpio_exit();
	/* Let the kernel drop its last software node references (see bsim_nodes) */
	while (!bsim_reap_nodes()) {
		if (waited_ms >= 30000) {
			pr_warn("biounit-sim: software nodes still referenced, leaking them\n");
			break;
		}
		msleep(50);
		waited_ms += 50;
	}
	mutex_destroy(&bsim_subsys.su_mutex);
	platform_driver_unregister(&bsim_platform_driver);
}

module_init(bsim_init);
module_exit(bsim_exit);

MODULE_DESCRIPTION("Simulated biometrics units for biounit");
MODULE_AUTHOR("The biounit developers");
MODULE_LICENSE("GPL");
