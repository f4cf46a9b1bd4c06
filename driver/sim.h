/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit-sim: simulated biometrics units
 *
 * A unit is made in configfs (sim-configfs.c), which holds its set-up and the
 * "world" in front of it: the scene each sensor sees and the faults to
 * inject. Switching it live registers a platform device whose software nodes
 * carry the set-up as properties; the platform driver (sim-main.c) probes it
 * like real hardware and plays the sensors from the world.
 *
 * Locks: bsim_unit.live_lock (set-up and live switching) is never held while
 * bsim_unit.lock (the world) is taken by a sensor thread, and bsim_unit.lock
 * is never held across a call into the biounit core that can sleep on a
 * channel lock.
 */
#ifndef _BIOUNIT_SIM_H
#define _BIOUNIT_SIM_H

#include <linux/configfs.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/types.h>

#include "biounit.h"

#define BSIM_DRIVER_NAME	"biounit-sim"
#define BSIM_NAME_LEN		32
/* Pause between two plays of a pen script */
#define BSIM_SCRIPT_PAUSE_US	500000
#define BSIM_SCRIPT_MAX_POINTS	65536
#define BSIM_SCENE_INFO_LEN	96
/* Software nodes of a unit: the unit and one per channel */
#define BSIM_NODES		(1 + BIOUNIT_CH_COUNT)
#define BSIM_NODE_PROPS		6

/**
 * struct bsim_scene - an image a camera or scanner sees
 * @width: width in pixels; 0 when there is no image
 * @height: height in pixels
 * @channels: 1 for grey, 3 for RGB
 * @pixels: @width * @height * @channels bytes, rows top to bottom
 */
struct bsim_scene {
	u32 width;
	u32 height;
	u32 channels;
	u8 *pixels;
};

/**
 * struct bsim_pen_point - one point of a pen script
 * @t_us: time from the start of the script
 * @x: horizontal position
 * @y: vertical position
 * @pressure: 0 for a pen in the air
 */
struct bsim_pen_point {
	u32 t_us;
	u32 x;
	u32 y;
	u32 pressure;
};

/**
 * struct bsim_channel - set-up and world of one channel of a simulated unit
 * @group: the channel's configfs directory
 * @unit: the unit
 * @id: BIOUNIT_CH_*
 * @present: the unit has the channel (set-up)
 * @min_interval_us: shortest frame interval (set-up)
 * @max_width: camera: largest width (set-up)
 * @max_height: camera: largest height (set-up)
 * @pad_width: pad: x range (set-up)
 * @pad_height: pad: y range (set-up)
 * @pressure_max: pad: pressure range (set-up)
 * @scene: the image in front of a camera or scanner
 * @script: the pen script of a pad
 * @script_len: points in @script
 * @generation: bumped whenever @scene, @script or @placed changes
 * @scene_info: what became of the last scene written, for people
 * @placed: scanner: a finger lies on the glass
 * @drop: frames still to be dropped
 * @error: frames still to be delivered damaged
 * @stall: deliver nothing until cleared
 */
struct bsim_channel {
	struct config_group group;
	struct bsim_unit *unit;
	unsigned int id;

	u32 present;
	u32 min_interval_us;
	u32 max_width;
	u32 max_height;
	u32 pad_width;
	u32 pad_height;
	u32 pressure_max;

	struct bsim_scene scene;
	struct bsim_pen_point *script;
	u32 script_len;
	u32 generation;
	char scene_info[BSIM_SCENE_INFO_LEN];
	u32 placed;
	u32 drop;
	u32 error;
	u32 stall;
};

/**
 * struct bsim_nodes - the software nodes of one live period of a unit
 * @list: in the module's list of retired sets (sim-configfs.c)
 * @name: the unit node's name, unique while the module is loaded
 * @nodes: the unit and one per channel
 * @props: properties of @nodes
 * @frame_size: "max-frame-size" of the camera
 * @parent_held: the unit node is still registered after a child failed
 * @parent_until: when it may be unregistered (jiffies)
 *
 * The kernel may keep a software node's kobject, which points to its
 * &struct software_node, after software_node_unregister() (until its last
 * reference goes; with CONFIG_DEBUG_KOBJECT_RELEASE for seconds). So each live
 * period gets a set of its own, freed only once the kernel has let go of it.
 */
struct bsim_nodes {
	struct list_head list;
	char name[BSIM_NAME_LEN + 16];
	struct software_node nodes[BSIM_NODES];
	struct property_entry props[BSIM_NODES][BSIM_NODE_PROPS];
	u32 frame_size[2];
	bool parent_held;
	unsigned long parent_until;
};

/* The unit's inputs on a desk gpiochip: button-gpios and presence-gpios */
enum { BSIM_GPIO_BUTTON, BSIM_GPIO_PRESENCE, BSIM_NUM_GPIOS };

/**
 * struct bsim_gpio_ref - a line of a gpiochip, by the chip's label
 * @label: the chip's label; empty for no line
 * @line: the line's offset on the chip
 */
struct bsim_gpio_ref {
	char label[BSIM_NAME_LEN];
	u32 line;
};

/**
 * struct bsim_unit - a simulated unit in configfs
 * @group: the unit's configfs directory
 * @ref: held by configfs and by a probed device
 * @live_lock: protects the set-up, @pdev and the software nodes
 * @lock: protects the world of every channel
 * @model: "model" property
 * @serial: "serial-number" property
 * @gpios: the lines of button-gpios and presence-gpios (set-up)
 * @pdev: the platform device while live
 * @nodes: the software nodes while live
 * @channels: the channels
 */
struct bsim_unit {
	struct config_group group;
	struct kref ref;
	struct mutex live_lock; /* set-up, @pdev, @nodes */
	struct mutex lock; /* the world of every channel */

	char model[BSIM_NAME_LEN];
	char serial[BSIM_NAME_LEN];
	struct bsim_gpio_ref gpios[BSIM_NUM_GPIOS];
	struct platform_device *pdev;

	struct bsim_nodes *nodes;

	struct bsim_channel channels[BIOUNIT_CH_COUNT];
};

void bsim_unit_put(struct bsim_unit *unit);
void bsim_unit_get(struct bsim_unit *unit);
struct bsim_unit *bsim_unit_alloc(void);

/* sim-scene.c */
int bsim_parse_pnm(const u8 *data, size_t len, struct bsim_scene *scene,
		   char *info, size_t info_len);
int bsim_parse_script(const u8 *data, size_t len, const struct bsim_channel *ch,
		      struct bsim_pen_point **points, u32 *count, char *info,
		      size_t info_len);
int bsim_render(const struct bsim_scene *scene, u32 gain,
		const struct biounit_format *fmt, u8 fill, u8 *out);

/* sim-gpio.c: the desk gpiochip, configfs group "gpio" */
int bsim_gpio_init(struct config_group *parent);
void bsim_gpio_exit(void);

/* sim-main.c */
extern struct platform_driver bsim_platform_driver;
void bsim_dev_name(struct platform_device *pdev, char *buf, size_t len);

#endif /* _BIOUNIT_SIM_H */
