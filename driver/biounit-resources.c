// SPDX-License-Identifier: GPL-2.0
/*
 * biounit: the unit's power, clocks, GPIOs, lights and named resources
 *
 * Everything here comes from the backend device's properties (see
 * docs/devicetree/bindings/misc/ind,biounit.yaml); every resource is
 * optional, and a unit without any (the simulator's software nodes) gets
 * none. A property that is present but cannot be used fails the probe with
 * a message naming it; a provider that is not there yet defers the probe
 * silently (dev_err_probe()).
 *
 * Power-up, in devm_biounit_register() before the backend is called:
 *   1. reset-gpios asserted, enable-gpios off (as the lines are requested)
 *   2. vdd-, vled- and vpad-supply enabled
 *   3. every clock of "clocks" prepared and enabled
 *   4. enable-gpios on
 *   5. after BIOUNIT_RESET_DELAY_US, reset-gpios released
 * Power-down (devm, when the device is unbound) runs it backwards: reset
 * asserted and enable off, then the clocks, then the supplies.
 *
 * button-gpios and presence-gpios become BIOUNIT_EVENT_BUTTON and
 * BIOUNIT_EVENT_PRESENCE. The resources are taken before the unit exists, so
 * their interrupt handler sends events only between
 * biounit_resources_attach(), once the unit is registered, and
 * biounit_resources_detach(), the first step of its unregistration:
 *   attach: the unit is complete; smp_store_release() of the pointer, read
 *	with smp_load_acquire() by the handler
 *   detach: disable_irq() of each input (it waits for a handler that is
 *	running), the pointer cleared, enable_irq(); a later handler counts its
 *	edge and sends nothing
 * So no event is queued once the unit starts going: UNIT_GONE stays the last
 * event of every file, and the unit (freed after its last file is closed)
 * is never touched by a handler after biounit_unregister() returns. The
 * interrupts themselves are freed later, with the rest of the devm data.
 *
 * Before any of that, the parts the channel nodes point at (nothing is
 * powered while they are missing):
 *   camera/port/endpoint: data-lanes (1..4 distinct lanes 1..4),
 *	link-frequencies (u64, at least one) and remote-endpoint, read with
 *	the generic fwnode graph API (the driver is outside V4L2); the remote
 *	port's parent (the CSI-2 receiver) must be available and bound. The
 *	core only checks and keeps these: the backend programs the receiver.
 *   scanner/ind,device, pad/ind,device: the sensor's node on its bus; its
 *	device must be bound, and a reference to it is kept until unbind.
 * A disabled node fails the probe; a node whose device is not there or not
 * bound yet defers it, with the reason naming the channel.
 */

#include <linux/amba/bus.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/clk.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/i2c.h>
#include <linux/interrupt.h>
#include <linux/leds.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/pwm.h>
#include <linux/regulator/consumer.h>
#include <linux/seq_file.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "biounit-compat.h"
#include "biounit-priv.h"

/*
 * How long reset-gpios stays asserted after the supplies, the clocks and
 * enable-gpios are on, for them to settle. A margin, not a datasheet value
 * (the unit's datasheet gives none yet): revisit when one is known.
 */
#define BIOUNIT_RESET_DELAY_US	10000

#define BIOUNIT_MAX_NAMES	4

/* MIPI CSI-2 data lanes of the camera: 1..4, numbered from 1 */
#define BIOUNIT_MAX_LANES	4

/* The channels whose node may point at their sensor with ind,device */
enum { BIOUNIT_DEV_SCANNER, BIOUNIT_DEV_PAD, BIOUNIT_NUM_DEVICES };
static const char * const biounit_device_nodes[] = { "scanner", "pad" };

/*
 * The buses a CSI-2 receiver or a sensor may sit on, of those this kernel
 * has built in: looked up through their bus types, so nothing is needed of
 * a bus's own API. Referring to a bus type makes no module dependency only
 * when the bus is built in: SPI and AMBA are bool options, I2C is tristate
 * and taken only when built in (it is in Debian's 6.1 and 6.12, amd64 and
 * arm64). A device on a bus left out here is never found, and its unit
 * defers. The device the driver core records in fwnode->dev would need no
 * bus, but it is read without a reference: a device going at that moment
 * would leave it dangling. bus_find_device() returns one with a reference.
 */
static const struct bus_type * const biounit_buses[] = {
	&platform_bus_type,
#ifdef CONFIG_ARM_AMBA
	&amba_bustype,
#endif
#if IS_ENABLED(CONFIG_SPI)
	&spi_bus_type,
#endif
#if IS_BUILTIN(CONFIG_I2C)
	&i2c_bus_type,
#endif
};

enum { BIOUNIT_IN_BUTTON, BIOUNIT_IN_PRESENCE, BIOUNIT_NUM_INPUTS };
/* The face light's index in biounit_led_names and biounit_pwm_names */
#define BIOUNIT_LED_FACE	1
#define BIOUNIT_PWM_FACE	0

static const char * const biounit_supply_names[] = { "vdd", "vled", "vpad" };

static const char * const biounit_input_names[] = { "button", "presence" };

static const char * const biounit_clock_names[] = { "bus", "sensor" };

static const char * const biounit_irq_names[] = {
	"capture", "button", "presence",
};

static const char * const biounit_dma_names[] = {
	"face", "finger", "signature",
};

static const char * const biounit_led_names[] = {
	"status", "face-light", "scanner-light", "backlight",
};

static const char * const biounit_pwm_names[] = {
	"face-light", "scanner-light", "backlight",
};

/**
 * struct biounit_input - the applicant's button or presence sensor
 * @res: the resources it belongs to
 * @gpio: the line, or NULL if the unit has none
 * @irq: its interrupt, or a negative error if the line has none
 * @event: BIOUNIT_EVENT_BUTTON or BIOUNIT_EVENT_PRESENCE
 * @value: the line's logical value at the last edge (or at probe)
 * @reported: the value last sent as @event (at first the value at probe);
 *	only the input's interrupt thread uses it
 * @edges: edges seen since probe
 */
struct biounit_input {
	struct biounit_resources *res;
	struct gpio_desc *gpio;
	int irq;
	u32 event;
	int value;
	int reported;
	atomic_t edges;
};

/**
 * struct biounit_resources - the resources of one unit
 * @dev: the backend's device, which owns every resource (devm)
 * @supplies: the supplies the unit has, enabled
 * @num_supplies: entries in @supplies
 * @clks: every clock of "clocks", enabled
 * @num_clks: entries in @clks
 * @reset: reset-gpios, or NULL
 * @enable: enable-gpios, or NULL
 * @inputs: button-gpios and presence-gpios
 * @leds: LED class devices by their name in biounit_led_names
 * @pwms: PWMs by their name in biounit_pwm_names
 * @irq_names: bit per biounit_irq_names entry the unit names
 * @dma_names: bit per biounit_dma_names entry the unit names
 * @lanes: the camera endpoint's data-lanes
 * @num_lanes: entries in @lanes; 0 if the camera has no port
 * @link_freqs: the camera endpoint's link-frequencies, in Hz
 * @num_link_freqs: entries in @link_freqs
 * @remote: full name of the camera's remote port parent (the receiver)
 * @devices: the bound devices ind,device of scanner and pad point at, each
 *	with a reference, or NULL
 * @face_light: the face light is switched on (the face channel streams)
 * @backend_ops: the backend's operations
 * @ops: the backend's operations with the face light around start and stop
 * @unit: the unit the inputs' events go to, or NULL before
 *	biounit_resources_attach() and after biounit_resources_detach()
 */
struct biounit_resources {
	struct device *dev;
	struct regulator_bulk_data supplies[ARRAY_SIZE(biounit_supply_names)];
	unsigned int num_supplies;
	struct clk_bulk_data *clks;
	int num_clks;
	struct gpio_desc *reset;
	struct gpio_desc *enable;
	struct biounit_input inputs[BIOUNIT_NUM_INPUTS];
	struct led_classdev *leds[ARRAY_SIZE(biounit_led_names)];
	struct pwm_device *pwms[ARRAY_SIZE(biounit_pwm_names)];
	unsigned long irq_names;
	unsigned long dma_names;
	u32 lanes[BIOUNIT_MAX_LANES];
	unsigned int num_lanes;
	u64 *link_freqs;
	unsigned int num_link_freqs;
	const char *remote;
	struct device *devices[BIOUNIT_NUM_DEVICES];
	bool face_light;
	const struct biounit_hw_ops *backend_ops;
	struct biounit_hw_ops ops;
	struct biounit_unit *unit;
};

/*
 * Reads the string list @prop. Each entry must be one of @allowed, at most
 * once; @idx[i] gets the index in @allowed of entry i. Returns the number
 * of entries (0 if @prop is absent) or a negative error, logged.
 */
static int biounit_res_names(struct device *dev, const char *prop,
			     const char * const *allowed, unsigned int count,
			     u8 *idx)
{
	const char *names[BIOUNIT_MAX_NAMES];
	unsigned long seen = 0;
	int n, i, j, ret;

	n = device_property_string_array_count(dev, prop);
	if (n == -EINVAL)
		return 0;
	if (n < 0)
		return dev_err_probe(dev, n, "%s: not a list of strings\n",
				     prop);
	if (!n || n > (int)count)
		return dev_err_probe(dev, -EINVAL,
				     "%s: %d names, 1..%u allowed\n", prop, n,
				     count);
	ret = device_property_read_string_array(dev, prop, names, n);
	if (ret < 0)
		return dev_err_probe(dev, ret, "%s: cannot be read\n", prop);

	for (i = 0; i < n; i++) {
		j = match_string(allowed, count, names[i]);
		if (j < 0)
			return dev_err_probe(dev, -EINVAL,
					     "%s: unknown name \"%s\"\n", prop,
					     names[i]);
		if (test_and_set_bit(j, &seen))
			return dev_err_probe(dev, -EINVAL,
					     "%s: \"%s\" given twice\n", prop,
					     names[i]);
		idx[i] = j;
	}
	return n;
}

/* The number of entries of the phandle list @prop with @cells_name cells */
static int biounit_res_count(struct device *dev, const char *prop,
			     const char *cells_name)
{
	struct device_node *np = dev_of_node(dev);

	if (!np)
		return device_property_count_u32(dev, prop);
	return of_count_phandle_with_args(np, prop, cells_name);
}

static void biounit_res_supplies_off(void *data)
{
	struct biounit_resources *res = data;

	regulator_bulk_disable(res->num_supplies, res->supplies);
}

/*
 * regulator_get_optional() is asked only for the supplies the node names:
 * without a device tree (software nodes on x86) the regulator core warns
 * about every supply it is asked for and cannot find.
 */
static int biounit_res_supplies(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	struct regulator *reg;
	char prop[16];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(biounit_supply_names); i++) {
		snprintf(prop, sizeof(prop), "%s-supply",
			 biounit_supply_names[i]);
		if (!device_property_present(dev, prop))
			continue;
		reg = devm_regulator_get_optional(dev, biounit_supply_names[i]);
		if (IS_ERR(reg))
			return dev_err_probe(dev, PTR_ERR(reg),
					     "%s: no regulator\n", prop);
		res->supplies[res->num_supplies].supply = biounit_supply_names[i];
		res->supplies[res->num_supplies].consumer = reg;
		res->num_supplies++;
	}
	if (!res->num_supplies)
		return 0;

	ret = regulator_bulk_enable(res->num_supplies, res->supplies);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable the supplies\n");
	return devm_add_action_or_reset(dev, biounit_res_supplies_off, res);
}

static void biounit_res_clocks_off(void *data)
{
	struct biounit_resources *res = data;

	clk_bulk_disable_unprepare(res->num_clks, res->clks);
}

static int biounit_res_clocks(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	u8 idx[BIOUNIT_MAX_NAMES];
	int names, ret;

	names = biounit_res_names(dev, "clock-names", biounit_clock_names,
				  ARRAY_SIZE(biounit_clock_names), idx);
	if (names < 0)
		return names;

	res->num_clks = devm_clk_bulk_get_all(dev, &res->clks);
	if (res->num_clks < 0)
		return dev_err_probe(dev, res->num_clks,
				     "clocks: cannot get them\n");
	if (names && names != res->num_clks)
		return dev_err_probe(dev, -EINVAL,
				     "clock-names: %d names for %d clocks\n",
				     names, res->num_clks);
	if (!res->num_clks)
		return 0;

	ret = clk_bulk_prepare_enable(res->num_clks, res->clks);
	if (ret)
		return dev_err_probe(dev, ret, "clocks: cannot enable them\n");
	return devm_add_action_or_reset(dev, biounit_res_clocks_off, res);
}

static struct gpio_desc *biounit_res_gpio(struct device *dev,
					  const char *con_id,
					  const char *label,
					  enum gpiod_flags flags)
{
	struct gpio_desc *gpio;

	gpio = devm_gpiod_get_optional(dev, con_id, flags);
	if (IS_ERR(gpio)) {
		dev_err_probe(dev, PTR_ERR(gpio), "%s-gpios: cannot get the line\n",
			      con_id);
		return gpio;
	}
	if (gpio)
		gpiod_set_consumer_name(gpio, label);
	return gpio;
}

static void biounit_res_power_down(void *data)
{
	struct biounit_resources *res = data;

	gpiod_set_value_cansleep(res->reset, 1);
	gpiod_set_value_cansleep(res->enable, 0);
}

/* The power-up sequence described at the top of this file */
static int biounit_res_power(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	int ret;

	/* The labels name the driver in /sys/kernel/debug/gpio (20 columns) */
	res->reset = biounit_res_gpio(dev, "reset", "biounit reset",
				      GPIOD_OUT_HIGH);
	if (IS_ERR(res->reset))
		return PTR_ERR(res->reset);
	res->enable = biounit_res_gpio(dev, "enable", "biounit enable",
				       GPIOD_OUT_LOW);
	if (IS_ERR(res->enable))
		return PTR_ERR(res->enable);

	ret = biounit_res_supplies(res);
	if (!ret)
		ret = biounit_res_clocks(res);
	if (ret)
		return ret;
	if (!res->reset && !res->enable)
		return 0;

	ret = devm_add_action_or_reset(dev, biounit_res_power_down, res);
	if (ret)
		return ret;
	gpiod_set_value_cansleep(res->enable, 1);
	if (res->reset) {
		fsleep(BIOUNIT_RESET_DELAY_US);
		gpiod_set_value_cansleep(res->reset, 0);
	}
	return 0;
}

/*
 * An edge of button-gpios or presence-gpios. Each input has its own thread
 * (IRQF_ONESHOT), so @in->reported needs no lock. The event carries the
 * logical value read after the edge, and only if it differs from the one last
 * sent: a press and release too quick to be told apart sends nothing.
 */
static irqreturn_t biounit_res_input_irq(int irq, void *data)
{
	struct biounit_input *in = data;
	struct biounit_unit *unit;
	int value;

	value = gpiod_get_value_cansleep(in->gpio);
	WRITE_ONCE(in->value, value);
	atomic_inc(&in->edges);
	if (value < 0)
		return IRQ_HANDLED;

	/* Pairs with biounit_resources_attach(): the unit is complete */
	unit = smp_load_acquire(&in->res->unit);
	if (unit && value != in->reported) {
		in->reported = value;
		biounit_notify_unit(unit, in->event, value);
		biounit_input_notify(unit, in->event, value);
	}
	return IRQ_HANDLED;
}

static int biounit_res_inputs(struct biounit_resources *res)
{
	static const char * const labels[] = {
		"biounit button", "biounit presence",
	};
	static const u32 events[] = {
		BIOUNIT_EVENT_BUTTON, BIOUNIT_EVENT_PRESENCE,
	};
	struct device *dev = res->dev;
	unsigned int i;
	int ret;

	for (i = 0; i < BIOUNIT_NUM_INPUTS; i++) {
		struct biounit_input *in = &res->inputs[i];
		const char *name = biounit_input_names[i];

		in->res = res;
		in->event = events[i];
		in->gpio = biounit_res_gpio(dev, name, labels[i], GPIOD_IN);
		if (IS_ERR(in->gpio))
			return PTR_ERR(in->gpio);
		if (!in->gpio)
			continue;
		in->value = gpiod_get_value_cansleep(in->gpio);
		in->reported = in->value;
		in->irq = gpiod_to_irq(in->gpio);
		if (in->irq == -EPROBE_DEFER)
			return dev_err_probe(dev, in->irq,
					     "%s-gpios: interrupt not ready\n",
					     name);
		if (in->irq <= 0) {
			/* A line without an interrupt is read when shown */
			dev_dbg(dev, "%s-gpios: no interrupt (%d)\n", name,
				in->irq);
			in->irq = -ENXIO;
			continue;
		}
		ret = devm_request_threaded_irq(dev, in->irq, NULL,
						biounit_res_input_irq,
						IRQF_TRIGGER_RISING |
						IRQF_TRIGGER_FALLING |
						IRQF_ONESHOT, labels[i], in);
		if (ret)
			return dev_err_probe(dev, ret,
					     "%s-gpios: cannot request its interrupt\n",
					     name);
	}
	return 0;
}

static int biounit_res_leds(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	struct led_classdev *led;
	u8 idx[BIOUNIT_MAX_NAMES];
	int n, count, i;

	if (!device_property_present(dev, "leds"))
		return 0;
	n = biounit_res_names(dev, "led-names", biounit_led_names,
			      ARRAY_SIZE(biounit_led_names), idx);
	if (n < 0)
		return n;
	count = biounit_res_count(dev, "leds", NULL);
	if (!n || count != n)
		return dev_err_probe(dev, -EINVAL,
				     "led-names: %d names for %d leds\n", n,
				     count);
	for (i = 0; i < n; i++) {
		led = devm_of_led_get(dev, i);
		if (IS_ERR(led))
			return dev_err_probe(dev, PTR_ERR(led),
					     "leds: cannot get \"%s\"\n",
					     biounit_led_names[idx[i]]);
		res->leds[idx[i]] = led;
	}
	return 0;
}

static int biounit_res_pwms(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	struct pwm_device *pwm;
	u8 idx[BIOUNIT_MAX_NAMES];
	int n, count, i;

	if (!device_property_present(dev, "pwms"))
		return 0;
	n = biounit_res_names(dev, "pwm-names", biounit_pwm_names,
			      ARRAY_SIZE(biounit_pwm_names), idx);
	if (n < 0)
		return n;
	count = biounit_res_count(dev, "pwms", "#pwm-cells");
	if (!n || count != n)
		return dev_err_probe(dev, -EINVAL,
				     "pwm-names: %d names for %d pwms\n", n,
				     count);
	for (i = 0; i < n; i++) {
		pwm = devm_pwm_get(dev, biounit_pwm_names[idx[i]]);
		if (IS_ERR(pwm))
			return dev_err_probe(dev, PTR_ERR(pwm),
					     "pwms: cannot get \"%s\"\n",
					     biounit_pwm_names[idx[i]]);
		res->pwms[idx[i]] = pwm;
	}
	return 0;
}

/* interrupts and dmas are the backend's: only their names are checked */
static int biounit_res_named(struct biounit_resources *res)
{
	struct device *dev = res->dev;
	u8 idx[BIOUNIT_MAX_NAMES];
	int n, count, i, irq;

	n = biounit_res_names(dev, "interrupt-names", biounit_irq_names,
			      ARRAY_SIZE(biounit_irq_names), idx);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		irq = fwnode_irq_get_byname(dev_fwnode(dev),
					    biounit_irq_names[idx[i]]);
		if (irq <= 0)
			return dev_err_probe(dev, irq ?: -ENXIO,
					     "interrupts: \"%s\" does not resolve\n",
					     biounit_irq_names[idx[i]]);
		__set_bit(idx[i], &res->irq_names);
	}

	n = biounit_res_names(dev, "dma-names", biounit_dma_names,
			      ARRAY_SIZE(biounit_dma_names), idx);
	if (n <= 0)
		return n;
	count = biounit_res_count(dev, "dmas", "#dma-cells");
	if (count != n)
		return dev_err_probe(dev, -EINVAL,
				     "dma-names: %d names for %d dmas\n", n,
				     count);
	for (i = 0; i < n; i++)
		__set_bit(idx[i], &res->dma_names);
	return 0;
}

/* The device made for @fwnode on any bus of biounit_buses, with a reference */
static struct device *biounit_res_find_device(struct fwnode_handle *fwnode)
{
	struct device *found;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(biounit_buses); i++) {
		found = biounit_bus_find_device_by_fwnode(biounit_buses[i],
							  fwnode);
		if (found)
			return found;
	}
	return NULL;
}

/*
 * The bound device of @fwnode, with a reference, which @what (the property,
 * for the messages) points at. A disabled node fails with -ENODEV, logged;
 * a node without a device, or whose device has no driver, defers with that
 * as the reason. The target's device_lock() waits for a probe or unbind of
 * it that is running, so its driver is read once it is settled.
 */
static struct device *biounit_res_bound_device(struct device *dev,
					       struct fwnode_handle *fwnode,
					       const char *what)
{
	struct device *found;
	bool bound;

	if (!fwnode_device_is_available(fwnode))
		return ERR_PTR(dev_err_probe(dev, -ENODEV,
					     "%s: %pfw is disabled\n", what,
					     fwnode));
	found = biounit_res_find_device(fwnode);
	if (!found)
		return ERR_PTR(dev_err_probe(dev, -EPROBE_DEFER,
					     "%s: %pfw has no device yet\n",
					     what, fwnode));
	if (found == dev) {
		put_device(found);
		return ERR_PTR(dev_err_probe(dev, -EINVAL,
					     "%s: points at the unit itself\n",
					     what));
	}
	device_lock(found);
	bound = found->driver;
	device_unlock(found);
	if (!bound) {
		dev_err_probe(dev, -EPROBE_DEFER,
			      "%s: %pfw (%s) not bound to a driver yet\n", what,
			      fwnode, dev_name(found));
		put_device(found);
		return ERR_PTR(-EPROBE_DEFER);
	}
	return found;
}

static int biounit_res_lanes(struct biounit_resources *res,
			     struct fwnode_handle *ep)
{
	struct device *dev = res->dev;
	unsigned long seen = 0;
	unsigned int i;
	int n, ret;

	if (!fwnode_property_present(ep, "data-lanes"))
		return dev_err_probe(dev, -EINVAL,
				     "camera: port: data-lanes is required\n");
	n = fwnode_property_count_u32(ep, "data-lanes");
	if (n < 0)
		return dev_err_probe(dev, n,
				     "camera: port: data-lanes is not a list of u32\n");
	if (n < 1 || n > BIOUNIT_MAX_LANES)
		return dev_err_probe(dev, -EINVAL,
				     "camera: port: data-lanes has %d entries, 1..%d allowed\n",
				     n, BIOUNIT_MAX_LANES);
	ret = fwnode_property_read_u32_array(ep, "data-lanes", res->lanes, n);
	if (ret)
		return dev_err_probe(dev, ret,
				     "camera: port: data-lanes cannot be read\n");
	for (i = 0; i < n; i++) {
		if (res->lanes[i] < 1 || res->lanes[i] > BIOUNIT_MAX_LANES)
			return dev_err_probe(dev, -EINVAL,
					     "camera: port: data-lanes: lane %u outside 1..%d\n",
					     res->lanes[i], BIOUNIT_MAX_LANES);
		if (test_and_set_bit(res->lanes[i], &seen))
			return dev_err_probe(dev, -EINVAL,
					     "camera: port: data-lanes: lane %u given twice\n",
					     res->lanes[i]);
	}
	res->num_lanes = n;
	return 0;
}

static int biounit_res_link_freqs(struct biounit_resources *res,
				  struct fwnode_handle *ep)
{
	struct device *dev = res->dev;
	unsigned int i;
	int n, ret;

	if (!fwnode_property_present(ep, "link-frequencies"))
		return dev_err_probe(dev, -EINVAL,
				     "camera: port: link-frequencies is required\n");
	n = fwnode_property_count_u64(ep, "link-frequencies");
	if (n <= 0)
		return dev_err_probe(dev, n ?: -EINVAL,
				     "camera: port: link-frequencies is not a list of u64 (/bits/ 64)\n");
	res->link_freqs = devm_kcalloc(dev, n, sizeof(*res->link_freqs),
				       GFP_KERNEL);
	if (!res->link_freqs)
		return -ENOMEM;
	ret = fwnode_property_read_u64_array(ep, "link-frequencies",
					     res->link_freqs, n);
	if (ret)
		return dev_err_probe(dev, ret,
				     "camera: port: link-frequencies cannot be read\n");
	for (i = 0; i < n; i++)
		if (!res->link_freqs[i])
			return dev_err_probe(dev, -EINVAL,
					     "camera: port: link-frequencies: entry %u is 0\n",
					     i);
	res->num_link_freqs = n;
	return 0;
}

static int biounit_res_remote(struct biounit_resources *res,
			      struct fwnode_handle *ep)
{
	struct device *dev = res->dev;
	struct fwnode_handle *remote;
	struct device *found;

	if (!fwnode_property_present(ep, "remote-endpoint"))
		return dev_err_probe(dev, -EINVAL,
				     "camera: port: remote-endpoint is required\n");
	remote = fwnode_graph_get_remote_port_parent(ep);
	if (!remote)
		return dev_err_probe(dev, -EINVAL,
				     "camera: port: remote-endpoint does not lead to a device's port\n");
	res->remote = devm_kasprintf(dev, GFP_KERNEL, "%pfw", remote);
	found = biounit_res_bound_device(dev, remote,
					 "camera: port: remote-endpoint");
	fwnode_handle_put(remote);
	if (IS_ERR(found))
		return PTR_ERR(found);
	/* Only its presence is needed: the backend talks to the receiver */
	put_device(found);
	return res->remote ? 0 : -ENOMEM;
}

/*
 * camera/port/endpoint, the camera's CSI-2 link: a camera without a port
 * (the simulator, a unit without CSI-2) has none and is fine.
 */
static int biounit_res_camera_port(struct biounit_resources *res)
{
	struct fwnode_handle *camera, *ep;
	int ret;

	camera = device_get_named_child_node(res->dev, "camera");
	if (!camera)
		return 0;
	ep = fwnode_graph_get_next_endpoint(camera, NULL);
	fwnode_handle_put(camera);
	if (!ep)
		return 0;

	ret = biounit_res_lanes(res, ep);
	if (!ret)
		ret = biounit_res_link_freqs(res, ep);
	if (!ret)
		ret = biounit_res_remote(res, ep);
	fwnode_handle_put(ep);
	return ret;
}

static void biounit_res_put_device(void *data)
{
	put_device(data);
}

/* ind,device of the scanner or pad node: the sensor's device, bound */
static int biounit_res_device(struct biounit_resources *res, unsigned int i)
{
	const char *name = biounit_device_nodes[i];
	struct fwnode_handle *node, *target;
	struct device *dev = res->dev;
	struct device *found;
	char what[24];

	node = device_get_named_child_node(dev, name);
	if (!node)
		return 0;
	if (!fwnode_property_present(node, "ind,device")) {
		fwnode_handle_put(node);
		return 0;
	}
	target = fwnode_find_reference(node, "ind,device", 0);
	fwnode_handle_put(node);
	if (IS_ERR(target))
		return dev_err_probe(dev, PTR_ERR(target),
				     "%s: ind,device is not a phandle\n", name);
	snprintf(what, sizeof(what), "%s: ind,device", name);
	found = biounit_res_bound_device(dev, target, what);
	fwnode_handle_put(target);
	if (IS_ERR(found))
		return PTR_ERR(found);
	res->devices[i] = found;
	return devm_add_action_or_reset(dev, biounit_res_put_device, found);
}

/* What the channel nodes point at: the camera's receiver, the sensors */
static int biounit_res_links(struct biounit_resources *res)
{
	unsigned int i;
	int ret;

	ret = biounit_res_camera_port(res);
	for (i = 0; !ret && i < BIOUNIT_NUM_DEVICES; i++)
		ret = biounit_res_device(res, i);
	return ret;
}

static void biounit_res_face_light(struct biounit_resources *res, bool on)
{
	struct led_classdev *led = res->leds[BIOUNIT_LED_FACE];
	struct pwm_device *pwm = res->pwms[BIOUNIT_PWM_FACE];
	struct pwm_state state;
	int ret;

	if (led)
		led_set_brightness(led, on ? led->max_brightness : LED_OFF);
	if (pwm) {
		pwm_init_state(pwm, &state);
		pwm_set_relative_duty_cycle(&state, on ? 100 : 0, 100);
		state.enabled = on;
		ret = biounit_pwm_apply(pwm, &state);
		if (ret)
			dev_warn_ratelimited(res->dev,
					     "pwms: face-light: cannot switch it %s (%d)\n",
					     on ? "on" : "off", ret);
	}
	WRITE_ONCE(res->face_light, on);
}

static int biounit_res_start(struct biounit_channel *ch)
{
	struct biounit_resources *res = ch->unit->res;
	int ret;

	if (ch->id == BIOUNIT_CH_FACE)
		biounit_res_face_light(res, true);
	ret = res->backend_ops->start(ch);
	if (ret && ch->id == BIOUNIT_CH_FACE)
		biounit_res_face_light(res, false);
	return ret;
}

static void biounit_res_stop(struct biounit_channel *ch)
{
	struct biounit_resources *res = ch->unit->res;

	res->backend_ops->stop(ch);
	if (ch->id == BIOUNIT_CH_FACE)
		biounit_res_face_light(res, false);
}

/**
 * biounit_resources_get() - take the unit's resources and power it up
 * @dev: the backend's device, whose properties describe the unit
 *
 * Checks the camera's port (data-lanes, link-frequencies, a remote-endpoint
 * whose device is bound) and takes a reference to the bound device each of
 * scanner and pad points at with ind,device. Gets (devm, all optional)
 * reset-gpios, enable-gpios, the vdd, vled and vpad supplies, every clock,
 * button-gpios and presence-gpios with an edge interrupt each, the LEDs of
 * "leds" and the PWMs of "pwms" by their names, and checks interrupt-names
 * and dma-names; then powers the unit up in the order given at the top of
 * this file. Everything is released, and the
 * unit powered down, when @dev is unbound or its probe fails.
 *
 * Return: the resources, or an ERR_PTR(): -EPROBE_DEFER while a provider,
 * the camera's receiver or a sensor is missing or not bound (logged as the
 * deferral reason only), another error (logged, naming the property) if a
 * property cannot be used or points at a disabled node.
 */
struct biounit_resources *biounit_resources_get(struct device *dev)
{
	struct biounit_resources *res;
	int ret;

	res = devm_kzalloc(dev, sizeof(*res), GFP_KERNEL);
	if (!res)
		return ERR_PTR(-ENOMEM);
	res->dev = dev;

	ret = biounit_res_named(res);
	if (!ret)
		ret = biounit_res_links(res);
	if (!ret)
		ret = biounit_res_power(res);
	if (!ret)
		ret = biounit_res_inputs(res);
	if (!ret)
		ret = biounit_res_leds(res);
	if (!ret)
		ret = biounit_res_pwms(res);
	if (ret)
		return ERR_PTR(ret);

	if (res->leds[BIOUNIT_LED_FACE] || res->pwms[BIOUNIT_PWM_FACE])
		biounit_res_face_light(res, false);
	return res;
}

/**
 * biounit_resources_attach() - send the inputs' events to a unit
 * @res: the unit's resources
 * @unit: the unit, registered and complete
 *
 * From now on an edge of button-gpios or presence-gpios that changes the
 * line's value from the one last sent (at first, the value at probe) queues
 * BIOUNIT_EVENT_BUTTON or BIOUNIT_EVENT_PRESENCE on every file of @unit
 * subscribed to it. Call biounit_resources_detach() before @unit goes.
 */
void biounit_resources_attach(struct biounit_resources *res,
			      struct biounit_unit *unit)
{
	/* Pairs with smp_load_acquire() in biounit_res_input_irq() */
	smp_store_release(&res->unit, unit);
}

/**
 * biounit_resources_detach() - stop sending the inputs' events
 * @res: the unit's resources
 *
 * Disables each input's interrupt, which waits for a handler that is running
 * (and may be sending an event) to return, forgets the unit, and enables the
 * interrupts again: edges are still counted, nothing is sent. When this
 * returns no handler uses the unit any more. May sleep; harmless if @res was
 * never attached.
 */
void biounit_resources_detach(struct biounit_resources *res)
{
	unsigned int i;

	for (i = 0; i < BIOUNIT_NUM_INPUTS; i++)
		if (res->inputs[i].gpio && res->inputs[i].irq > 0)
			disable_irq(res->inputs[i].irq);
	WRITE_ONCE(res->unit, NULL);
	for (i = 0; i < BIOUNIT_NUM_INPUTS; i++)
		if (res->inputs[i].gpio && res->inputs[i].irq > 0)
			enable_irq(res->inputs[i].irq);
}

/**
 * biounit_resources_input() - the state of the button or presence sensor
 * @res: the unit's resources
 * @event: BIOUNIT_EVENT_BUTTON or BIOUNIT_EVENT_PRESENCE
 *
 * Return: the value the line last raised (at first, its value at probe):
 * 1 pressed or present, 0 released or gone; -ENODEV if the unit has no such
 * line or the line has no interrupt (it raises nothing).
 */
int biounit_resources_input(struct biounit_resources *res, u32 event)
{
	unsigned int i;

	for (i = 0; i < BIOUNIT_NUM_INPUTS; i++)
		if (res->inputs[i].event == event && res->inputs[i].gpio &&
		    res->inputs[i].irq > 0)
			return res->inputs[i].reported;
	return -ENODEV;
}

/**
 * biounit_resources_ops() - the operations the core calls for a unit
 * @res: the unit's resources
 * @ops: the backend's operations
 *
 * A unit with a face light (led-names or pwm-names "face-light") gets it
 * switched on while the face channel streams: the core then calls
 * operations that wrap the backend's start and stop.
 *
 * Return: @ops, or the wrapping operations.
 */
const struct biounit_hw_ops *
biounit_resources_ops(struct biounit_resources *res,
		      const struct biounit_hw_ops *ops)
{
	if (!res->leds[BIOUNIT_LED_FACE] && !res->pwms[BIOUNIT_PWM_FACE])
		return ops;
	res->backend_ops = ops;
	res->ops = *ops;
	res->ops.start = biounit_res_start;
	res->ops.stop = biounit_res_stop;
	return &res->ops;
}

static void biounit_res_show_names(struct seq_file *s, const char *what,
				   const char * const *names,
				   unsigned int count, unsigned long mask)
{
	unsigned int i;

	seq_printf(s, "%s:", what);
	for (i = 0; i < count; i++)
		if (mask & BIT(i))
			seq_printf(s, " %s", names[i]);
	seq_puts(s, mask ? "\n" : " none\n");
}

static int biounit_res_show(struct seq_file *s, void *data)
{
	struct biounit_resources *res = s->private;
	unsigned long mask = 0;
	unsigned int i;

	for (i = 0; i < res->num_supplies; i++)
		seq_printf(s, "%s-supply: %s\n", res->supplies[i].supply,
			   regulator_is_enabled(res->supplies[i].consumer) > 0 ?
			   "on" : "off");
	seq_printf(s, "clocks: %d\n", res->num_clks);
	for (i = 0; i < res->num_clks; i++)
		seq_printf(s, "clock %s: %lu Hz\n",
			   res->clks[i].id ?: "(unnamed)",
			   clk_get_rate(res->clks[i].clk));
	if (res->reset)
		seq_printf(s, "reset-gpios: %d\n",
			   gpiod_get_value_cansleep(res->reset));
	if (res->enable)
		seq_printf(s, "enable-gpios: %d\n",
			   gpiod_get_value_cansleep(res->enable));
	for (i = 0; i < BIOUNIT_NUM_INPUTS; i++) {
		struct biounit_input *in = &res->inputs[i];

		if (!in->gpio)
			continue;
		seq_printf(s, "%s-gpios: %d, %d edges%s\n",
			   biounit_input_names[i],
			   in->irq < 0 ? gpiod_get_value_cansleep(in->gpio) :
			   READ_ONCE(in->value), atomic_read(&in->edges),
			   in->irq < 0 ? " (no interrupt)" : "");
	}
	for (i = 0; i < ARRAY_SIZE(res->leds); i++)
		if (res->leds[i])
			mask |= BIT(i);
	biounit_res_show_names(s, "leds", biounit_led_names,
			       ARRAY_SIZE(biounit_led_names), mask);
	mask = 0;
	for (i = 0; i < ARRAY_SIZE(res->pwms); i++)
		if (res->pwms[i])
			mask |= BIT(i);
	biounit_res_show_names(s, "pwms", biounit_pwm_names,
			       ARRAY_SIZE(biounit_pwm_names), mask);
	biounit_res_show_names(s, "interrupts", biounit_irq_names,
			       ARRAY_SIZE(biounit_irq_names), res->irq_names);
	biounit_res_show_names(s, "dmas", biounit_dma_names,
			       ARRAY_SIZE(biounit_dma_names), res->dma_names);
	if (res->leds[BIOUNIT_LED_FACE] || res->pwms[BIOUNIT_PWM_FACE])
		seq_printf(s, "face-light: %s\n",
			   READ_ONCE(res->face_light) ? "on" : "off");
	if (res->num_lanes) {
		seq_printf(s, "camera data-lanes: %u (", res->num_lanes);
		for (i = 0; i < res->num_lanes; i++)
			seq_printf(s, "%s%u", i ? " " : "", res->lanes[i]);
		seq_puts(s, ")\ncamera link-frequencies:");
		for (i = 0; i < res->num_link_freqs; i++)
			seq_printf(s, " %llu", res->link_freqs[i]);
		seq_printf(s, " Hz\ncamera remote: %s\n", res->remote);
	}
	for (i = 0; i < BIOUNIT_NUM_DEVICES; i++)
		if (res->devices[i])
			seq_printf(s, "%s ind,device: %s %s\n",
				   biounit_device_nodes[i],
				   res->devices[i]->bus ?
				   res->devices[i]->bus->name : "-",
				   dev_name(res->devices[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(biounit_res);

/**
 * biounit_resources_debugfs() - show the resources in debugfs
 * @res: the unit's resources
 * @dir: the unit's debugfs directory
 *
 * Creates "resources": the supplies, clocks and GPIOs the unit has and
 * their state, the edges seen on button-gpios and presence-gpios, the LEDs,
 * PWMs, interrupts and DMA channels it names, the face light, the camera's
 * data lanes, link frequencies and remote port parent, and the devices
 * ind,device of scanner and pad point at (bus and name).
 */
void biounit_resources_debugfs(struct biounit_resources *res,
			       struct dentry *dir)
{
	debugfs_create_file("resources", 0400, dir, res, &biounit_res_fops);
}
