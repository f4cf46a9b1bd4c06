// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-sim: a simulated desk gpiochip (foot pedal, lamps, privacy switch)
 *
 *   /sys/kernel/config/biounit-sim/gpio/<chip>/      mkdir makes a chip
 *       label num_lines live dev_name
 *       line<N>/    mkdir names line N: name pull value direction bias
 *
 * In the manner of gpio-sim, which Debian's kernels do not build. Writing 1
 * to "live" registers a platform device whose driver adds the chip to the
 * real gpiolib, so /dev/gpiochipN and libgpiod see an ordinary chip; writing
 * 0, or removing the directory, removes it (an adapter unplugged).
 *
 * Edge events: gpiolib's character device asks the chip for an interrupt per
 * line (to_irq). Debian's kernels have no irq_sim, so each live period has a
 * linear irq domain of its own whose interrupts are nested threaded ones:
 * writing "pull" of an input calls handle_nested_irq() for the edges the
 * consumer asked for. A consumer may keep its interrupt after the chip is
 * gone (an open line-event file); the domain then stays, retired, until the
 * last such interrupt is freed, and is removed from a work item (not from
 * the interrupt's release callback, which runs under the descriptor's lock).
 *
 * Locks: bsim_gpio.live_lock (set-up, going live and offline) is never taken
 * under bsim_gpio.lock (the lines' state, taken by the gpio_chip callbacks).
 * bsim_gpio.fire_lock is held while interrupts are fired and while a retired
 * domain is removed, so that a mapping is never disposed of under a firing.
 * See docs/simulator.md, section "desk gpiochip".
 */

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "biounit-compat.h"
#include "sim.h"

#define BSIM_GPIO_DRIVER_NAME	"biounit-sim-gpio"
#define BSIM_GPIO_MAX_LINES	64
#define BSIM_GPIO_LABEL_LEN	32

/* What the world outside holds a line at (the "pull" attribute) */
enum bsim_gpio_pull { BSIM_PULL_DOWN, BSIM_PULL_UP, BSIM_PULL_NONE };

static const char * const bsim_gpio_pull_names[] = {
	[BSIM_PULL_DOWN] = "pull-down",
	[BSIM_PULL_UP] = "pull-up",
	[BSIM_PULL_NONE] = "none",
};

/* The chip's own bias, set by the consumer (the "bias" attribute) */
enum bsim_gpio_bias { BSIM_BIAS_AS_IS, BSIM_BIAS_DISABLED, BSIM_BIAS_UP,
		      BSIM_BIAS_DOWN };

static const char * const bsim_gpio_bias_names[] = {
	[BSIM_BIAS_AS_IS] = "as-is",
	[BSIM_BIAS_DISABLED] = "disabled",
	[BSIM_BIAS_UP] = "pull-up",
	[BSIM_BIAS_DOWN] = "pull-down",
};

struct bsim_gpio;

/**
 * struct bsim_gpio_irqs - the interrupts of one live period of a chip
 * @list: in the list of retired sets
 * @domain: the linear irq domain, one interrupt per line
 * @chip: the chip (holds a reference)
 * @requested: lines whose interrupt is requested (under @chip's lock)
 * @unmasked: lines whose interrupt is unmasked (atomic bit operations)
 * @retired: the period is over; removed once @requested is empty
 * @fwnode: the chip's software node, carrying "gpio-line-names"
 */
struct bsim_gpio_irqs {
	struct list_head list;
	struct irq_domain *domain;
	struct bsim_gpio *chip;
	DECLARE_BITMAP(requested, BSIM_GPIO_MAX_LINES);
	DECLARE_BITMAP(unmasked, BSIM_GPIO_MAX_LINES);
	bool retired;
	struct fwnode_handle *fwnode;
};

/**
 * struct bsim_gpio - a simulated desk gpiochip in configfs
 * @group: the chip's configfs directory
 * @ref: held by configfs and by each set of interrupts
 * @live_lock: protects the set-up, @pdev and going live or offline
 * @lock: protects the lines' state below and @irqs
 * @fire_lock: held while interrupts fire and while a retired set is removed
 * @label: "label" (set-up)
 * @num_lines: "num_lines" (set-up)
 * @names: the lines' names (set-up), "" for an unnamed line
 * @pdev: the platform device while live
 * @gc: the gpio_chip of the live period
 * @live_label: the label @gc carries
 * @name_ptrs: the names as a string array, for the software node
 * @irqs: the interrupts of the live period
 * @pull: world: what holds each line from outside
 * @bias: each line's bias as set by its consumer
 * @requested: lines requested by a consumer
 * @output: lines set as outputs
 * @driven: the level each output drives
 */
struct bsim_gpio {
	struct config_group group;
	struct kref ref;
	struct mutex live_lock; /* set-up, @pdev */
	struct mutex lock; /* lines' state, @irqs */
	struct mutex fire_lock; /* firing interrupts, removing a retired set */

	char label[BSIM_GPIO_LABEL_LEN];
	u32 num_lines;
	char names[BSIM_GPIO_MAX_LINES][BSIM_NAME_LEN];

	struct platform_device *pdev;
	struct gpio_chip gc;
	char live_label[BSIM_GPIO_LABEL_LEN];
	const char *name_ptrs[BSIM_GPIO_MAX_LINES];
	struct bsim_gpio_irqs *irqs;

	u8 pull[BSIM_GPIO_MAX_LINES];
	u8 bias[BSIM_GPIO_MAX_LINES];
	DECLARE_BITMAP(requested, BSIM_GPIO_MAX_LINES);
	DECLARE_BITMAP(output, BSIM_GPIO_MAX_LINES);
	DECLARE_BITMAP(driven, BSIM_GPIO_MAX_LINES);
};

/**
 * struct bsim_gpio_line - a line's configfs directory
 * @item: the directory "line<N>"
 * @chip: the chip
 * @offset: N
 */
struct bsim_gpio_line {
	struct config_item item;
	struct bsim_gpio *chip;
	unsigned int offset;
};

static struct bsim_gpio *to_bsim_gpio(struct config_item *item)
{
	return container_of(to_config_group(item), struct bsim_gpio, group);
}

static struct bsim_gpio_line *to_bsim_gpio_line(struct config_item *item)
{
	return container_of(item, struct bsim_gpio_line, item);
}

static void bsim_gpio_release(struct kref *ref)
{
	struct bsim_gpio *chip = container_of(ref, struct bsim_gpio, ref);

	mutex_destroy(&chip->fire_lock);
	mutex_destroy(&chip->lock);
	mutex_destroy(&chip->live_lock);
	kfree(chip);
}

static void bsim_gpio_put(struct bsim_gpio *chip)
{
	kref_put(&chip->ref, bsim_gpio_release);
}

/* The level a line carries. Called with the chip locked. */
static int bsim_gpio_level(struct bsim_gpio *chip, unsigned int offset)
{
	lockdep_assert_held(&chip->lock);
	if (test_bit(offset, chip->output))
		return test_bit(offset, chip->driven);
	switch (chip->pull[offset]) {
	case BSIM_PULL_UP:
		return 1;
	case BSIM_PULL_DOWN:
		return 0;
	default:
		/* Floating: the chip's bias decides, and without one it reads low */
		return chip->bias[offset] == BSIM_BIAS_UP;
	}
}

/* Interrupt sets of live periods that are over (struct bsim_gpio_irqs) */
static LIST_HEAD(bsim_gpio_retired);
static DEFINE_MUTEX(bsim_gpio_retired_lock);

static void bsim_gpio_irqs_free(struct bsim_gpio_irqs *irqs)
{
	struct bsim_gpio *chip = irqs->chip;
	unsigned int hwirq;

	mutex_lock(&chip->fire_lock);
	for (hwirq = 0; hwirq < BSIM_GPIO_MAX_LINES; hwirq++) {
		unsigned int virq = irq_find_mapping(irqs->domain, hwirq);

		if (virq)
			irq_dispose_mapping(virq);
	}
	irq_domain_remove(irqs->domain);
	mutex_unlock(&chip->fire_lock);
	fwnode_remove_software_node(irqs->fwnode);
	kfree(irqs);
	bsim_gpio_put(chip);
}

/* Removes the retired sets none of whose interrupts is requested any more */
static bool bsim_gpio_reap(void)
{
	struct bsim_gpio_irqs *irqs, *tmp;
	LIST_HEAD(done);
	bool empty;

	mutex_lock(&bsim_gpio_retired_lock);
	list_for_each_entry_safe(irqs, tmp, &bsim_gpio_retired, list) {
		bool idle;

		mutex_lock(&irqs->chip->lock);
		idle = bitmap_empty(irqs->requested, BSIM_GPIO_MAX_LINES);
		mutex_unlock(&irqs->chip->lock);
		if (idle)
			list_move(&irqs->list, &done);
	}
	empty = list_empty(&bsim_gpio_retired);
	mutex_unlock(&bsim_gpio_retired_lock);

	list_for_each_entry_safe(irqs, tmp, &done, list)
		bsim_gpio_irqs_free(irqs);
	return empty;
}

/* Module references of interrupts released since the last reap */
static atomic_t bsim_gpio_module_puts = ATOMIC_INIT(0);

static void bsim_gpio_reap_work_fn(struct work_struct *work)
{
	int puts;

	bsim_gpio_reap();
	/* bsim_gpio_exit() flushes this work: it ends before the module goes */
	for (puts = atomic_xchg(&bsim_gpio_module_puts, 0); puts > 0; puts--)
		module_put(THIS_MODULE);
}

static DECLARE_WORK(bsim_gpio_reap_work, bsim_gpio_reap_work_fn);

/* The interrupt chip */

static void bsim_gpio_irq_mask(struct irq_data *d)
{
	struct bsim_gpio_irqs *irqs = irq_data_get_irq_chip_data(d);

	clear_bit(irqd_to_hwirq(d), irqs->unmasked);
}

static void bsim_gpio_irq_unmask(struct irq_data *d)
{
	struct bsim_gpio_irqs *irqs = irq_data_get_irq_chip_data(d);

	set_bit(irqd_to_hwirq(d), irqs->unmasked);
}

static int bsim_gpio_irq_set_type(struct irq_data *d, unsigned int type)
{
	/* Edges only: pulling a line is an event, not a level */
	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;
	return 0;
}

/*
 * Not gpiochip_lock_as_irq(): 6.12's gpiochip_remove() frees the interrupts
 * of lines so marked itself, and a consumer closing its line afterwards
 * frees it a second time ("Trying to free already-free IRQ", found by make
 * check-debug). Unmarked, the consumer frees its own interrupt, on the
 * retired domain, as on 6.1. A cdev consumer holds the line requested, so no
 * one else can turn it into an output meanwhile.
 */
static int bsim_gpio_irq_reqres(struct irq_data *d)
{
	struct bsim_gpio_irqs *irqs = irq_data_get_irq_chip_data(d);
	struct bsim_gpio *chip = irqs->chip;
	int ret = 0;

	mutex_lock(&chip->lock);
	if (irqs->retired)
		ret = -ENODEV;
	else
		__set_bit(irqd_to_hwirq(d), irqs->requested);
	mutex_unlock(&chip->lock);
	if (ret)
		return ret;
	/* The interrupt calls into this module until it is freed */
	__module_get(THIS_MODULE);
	return 0;
}

static void bsim_gpio_irq_relres(struct irq_data *d)
{
	struct bsim_gpio_irqs *irqs = irq_data_get_irq_chip_data(d);
	struct bsim_gpio *chip = irqs->chip;

	mutex_lock(&chip->lock);
	__clear_bit(irqd_to_hwirq(d), irqs->requested);
	mutex_unlock(&chip->lock);
	/*
	 * Neither removing a retired set (this runs under the descriptor's
	 * request lock) nor letting go of the module (this code still runs)
	 * here: the work does both.
	 */
	atomic_inc(&bsim_gpio_module_puts);
	schedule_work(&bsim_gpio_reap_work);
}

static struct irq_chip bsim_gpio_irq_chip = {
	.name = "bsim-gpio",
	.irq_mask = bsim_gpio_irq_mask,
	.irq_unmask = bsim_gpio_irq_unmask,
	.irq_set_type = bsim_gpio_irq_set_type,
	.irq_request_resources = bsim_gpio_irq_reqres,
	.irq_release_resources = bsim_gpio_irq_relres,
	.flags = IRQCHIP_SKIP_SET_WAKE,
};

static int bsim_gpio_irq_map(struct irq_domain *domain, unsigned int virq,
			     irq_hw_number_t hwirq)
{
	irq_set_chip_data(virq, domain->host_data);
	irq_set_chip_and_handler(virq, &bsim_gpio_irq_chip, handle_simple_irq);
	irq_set_nested_thread(virq, true);
	irq_set_noprobe(virq);
	return 0;
}

static void bsim_gpio_irq_unmap(struct irq_domain *domain, unsigned int virq)
{
	irq_set_nested_thread(virq, false);
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops bsim_gpio_irq_ops = {
	.map = bsim_gpio_irq_map,
	.unmap = bsim_gpio_irq_unmap,
};

/* The gpio_chip */

static int bsim_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);
	int val;

	mutex_lock(&chip->lock);
	val = bsim_gpio_level(chip, offset);
	mutex_unlock(&chip->lock);
	return val;
}

static void bsim_gpio_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);

	mutex_lock(&chip->lock);
	__assign_bit(offset, chip->driven, value);
	mutex_unlock(&chip->lock);
}

static int bsim_gpio_direction_output(struct gpio_chip *gc,
				      unsigned int offset, int value)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);

	mutex_lock(&chip->lock);
	__assign_bit(offset, chip->driven, value);
	__set_bit(offset, chip->output);
	mutex_unlock(&chip->lock);
	return 0;
}

static int bsim_gpio_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);

	mutex_lock(&chip->lock);
	__clear_bit(offset, chip->output);
	mutex_unlock(&chip->lock);
	return 0;
}

static int bsim_gpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);
	bool out;

	mutex_lock(&chip->lock);
	out = test_bit(offset, chip->output);
	mutex_unlock(&chip->lock);
	return out ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static int bsim_gpio_set_config(struct gpio_chip *gc, unsigned int offset,
				unsigned long config)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);
	u8 bias;

	switch (pinconf_to_config_param(config)) {
	case PIN_CONFIG_BIAS_PULL_UP:
		bias = BSIM_BIAS_UP;
		break;
	case PIN_CONFIG_BIAS_PULL_DOWN:
		bias = BSIM_BIAS_DOWN;
		break;
	case PIN_CONFIG_BIAS_DISABLE:
		bias = BSIM_BIAS_DISABLED;
		break;
	default:
		return -ENOTSUPP;
	}
	mutex_lock(&chip->lock);
	chip->bias[offset] = bias;
	mutex_unlock(&chip->lock);
	return 0;
}

static int bsim_gpio_to_irq(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);
	int ret = -ENODEV;

	mutex_lock(&chip->lock);
	if (chip->irqs)
		ret = irq_create_mapping(chip->irqs->domain, offset) ?: -ENXIO;
	mutex_unlock(&chip->lock);
	return ret;
}

static int bsim_gpio_request(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);

	mutex_lock(&chip->lock);
	__set_bit(offset, chip->requested);
	mutex_unlock(&chip->lock);
	return 0;
}

static void bsim_gpio_free(struct gpio_chip *gc, unsigned int offset)
{
	struct bsim_gpio *chip = gpiochip_get_data(gc);

	/* A line let go of floats again: no drive, no bias */
	mutex_lock(&chip->lock);
	__clear_bit(offset, chip->requested);
	__clear_bit(offset, chip->output);
	chip->bias[offset] = BSIM_BIAS_AS_IS;
	mutex_unlock(&chip->lock);
}

static int bsim_gpio_probe(struct platform_device *pdev)
{
	struct bsim_gpio * const *chip = dev_get_platdata(&pdev->dev);
	int ret;

	if (!chip || !*chip)
		return dev_err_probe(&pdev->dev, -EINVAL, "no simulated chip\n");
	(*chip)->gc.parent = &pdev->dev;
	ret = devm_gpiochip_add_data(&pdev->dev, &(*chip)->gc, *chip);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, *chip);
	return 0;
}

static struct platform_driver bsim_gpio_driver = {
	.driver = {
		.name = BSIM_GPIO_DRIVER_NAME,
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
	.probe = bsim_gpio_probe,
};

/* Going live and offline, under live_lock */

/*
 * The lines' names go to gpiolib as the firmware property "gpio-line-names"
 * of a software node, as a board's would, not as gpio_chip.names: 6.1 checks
 * those against every chip's names, and dereferences the removed chip of a
 * gpio device a consumer still holds (a chip added again while a consumer of
 * its old self lingers). The node copies the strings; it goes with the
 * interrupt set, once no consumer of the live period is left.
 */
static struct fwnode_handle *bsim_gpio_names_node(struct bsim_gpio *chip)
{
	struct property_entry props[2] = { };
	unsigned int i;

	for (i = 0; i < chip->num_lines; i++)
		chip->name_ptrs[i] = chip->names[i];
	props[0] = PROPERTY_ENTRY_STRING_ARRAY_LEN("gpio-line-names",
						   chip->name_ptrs,
						   chip->num_lines);
	return fwnode_create_software_node(props, NULL);
}

static void bsim_gpio_setup_chip(struct bsim_gpio *chip,
				 struct fwnode_handle *fwnode)
{
	struct gpio_chip *gc = &chip->gc;

	strscpy(chip->live_label, chip->label, sizeof(chip->live_label));
	memset(gc, 0, sizeof(*gc));
	gc->label = chip->live_label;
	gc->owner = THIS_MODULE;
	gc->fwnode = fwnode;
	gc->base = -1;
	gc->ngpio = chip->num_lines;
	gc->can_sleep = true;
	gc->request = bsim_gpio_request;
	gc->free = bsim_gpio_free;
	gc->get_direction = bsim_gpio_get_direction;
	gc->direction_input = bsim_gpio_direction_input;
	gc->direction_output = bsim_gpio_direction_output;
	gc->get = bsim_gpio_get;
	gc->set = bsim_gpio_set;
	gc->set_config = bsim_gpio_set_config;
	gc->to_irq = bsim_gpio_to_irq;
}

static int bsim_gpio_go_live(struct bsim_gpio *chip)
{
	struct platform_device_info info = {
		.name = BSIM_GPIO_DRIVER_NAME,
		.id = PLATFORM_DEVID_AUTO,
		.data = &chip,
		.size_data = sizeof(chip),
	};
	struct platform_device *pdev;
	struct bsim_gpio_irqs *irqs;
	unsigned int i;
	bool bound;

	lockdep_assert_held(&chip->live_lock);
	for (i = chip->num_lines; i < BSIM_GPIO_MAX_LINES; i++)
		if (chip->names[i][0]) {
			pr_err("biounit-sim: gpio %s: line%u named beyond num_lines %u\n",
			       config_item_name(&chip->group.cg_item), i,
			       chip->num_lines);
			return -EINVAL;
		}

	irqs = kzalloc(sizeof(*irqs), GFP_KERNEL);
	if (!irqs)
		return -ENOMEM;
	INIT_LIST_HEAD(&irqs->list);
	irqs->chip = chip;
	irqs->fwnode = bsim_gpio_names_node(chip);
	if (IS_ERR(irqs->fwnode)) {
		int ret = PTR_ERR(irqs->fwnode);

		kfree(irqs);
		return ret;
	}
	irqs->domain = irq_domain_create_linear(NULL, BSIM_GPIO_MAX_LINES,
						&bsim_gpio_irq_ops, irqs);
	if (!irqs->domain) {
		fwnode_remove_software_node(irqs->fwnode);
		kfree(irqs);
		return -ENOMEM;
	}
	kref_get(&chip->ref);

	mutex_lock(&chip->lock);
	bitmap_zero(chip->requested, BSIM_GPIO_MAX_LINES);
	bitmap_zero(chip->output, BSIM_GPIO_MAX_LINES);
	memset(chip->bias, BSIM_BIAS_AS_IS, sizeof(chip->bias));
	chip->irqs = irqs;
	bsim_gpio_setup_chip(chip, irqs->fwnode);
	mutex_unlock(&chip->lock);

	pdev = platform_device_register_full(&info);
	if (!IS_ERR(pdev)) {
		/* The driver probes synchronously: it is bound now or never */
		device_lock(&pdev->dev);
		bound = platform_get_drvdata(pdev);
		device_unlock(&pdev->dev);
		if (!bound) {
			platform_device_unregister(pdev);
			pdev = ERR_PTR(-ENXIO);
		}
	}
	if (IS_ERR(pdev)) {
		mutex_lock(&chip->lock);
		chip->irqs = NULL;
		irqs->retired = true;
		mutex_unlock(&chip->lock);
		bsim_gpio_irqs_free(irqs);
		return PTR_ERR(pdev);
	}
	chip->pdev = pdev;
	return 0;
}

static void bsim_gpio_go_offline(struct bsim_gpio *chip)
{
	struct bsim_gpio_irqs *irqs;
	unsigned int held;

	lockdep_assert_held(&chip->live_lock);
	/* Removes the gpiochip (devm): consumers' calls fail from now on */
	platform_device_unregister(chip->pdev);
	chip->pdev = NULL;

	mutex_lock(&chip->lock);
	held = bitmap_weight(chip->requested, BSIM_GPIO_MAX_LINES);
	irqs = chip->irqs;
	chip->irqs = NULL;
	irqs->retired = true;
	bitmap_zero(chip->requested, BSIM_GPIO_MAX_LINES);
	bitmap_zero(chip->output, BSIM_GPIO_MAX_LINES);
	memset(chip->bias, BSIM_BIAS_AS_IS, sizeof(chip->bias));
	mutex_unlock(&chip->lock);
	/* The lines consumers still hold pin the module (gdev->owner) */
	biounit_gpiochip_removed_held(THIS_MODULE, held);

	mutex_lock(&bsim_gpio_retired_lock);
	list_add_tail(&irqs->list, &bsim_gpio_retired);
	mutex_unlock(&bsim_gpio_retired_lock);
	bsim_gpio_reap();
}

/* Chip attributes */

static ssize_t bsim_gpio_label_show(struct config_item *item, char *page)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	ssize_t ret;

	mutex_lock(&chip->live_lock);
	ret = sysfs_emit(page, "%s\n", chip->label);
	mutex_unlock(&chip->live_lock);
	return ret;
}

/* A name or label: at most @len - 1 bytes, white space around it removed */
static int bsim_gpio_copy_name(char *dst, size_t len, const char *page,
			       size_t count)
{
	char buf[BSIM_GPIO_LABEL_LEN];

	if (count >= sizeof(buf) || count >= len)
		return -EINVAL;
	memcpy(buf, page, count);
	buf[count] = '\0';
	strscpy(dst, strim(buf), len);
	return 0;
}

static ssize_t bsim_gpio_label_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	char buf[BSIM_GPIO_LABEL_LEN];
	int ret;

	ret = bsim_gpio_copy_name(buf, sizeof(buf), page, count);
	if (ret)
		return ret;
	if (!buf[0])
		return -EINVAL;
	mutex_lock(&chip->live_lock);
	if (chip->pdev)
		ret = -EBUSY;
	else
		strscpy(chip->label, buf, sizeof(chip->label));
	mutex_unlock(&chip->live_lock);
	return ret ?: count;
}
CONFIGFS_ATTR(bsim_gpio_, label);

static ssize_t bsim_gpio_num_lines_show(struct config_item *item, char *page)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	ssize_t ret;

	mutex_lock(&chip->live_lock);
	ret = sysfs_emit(page, "%u\n", chip->num_lines);
	mutex_unlock(&chip->live_lock);
	return ret;
}

static ssize_t bsim_gpio_num_lines_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	u32 val;
	int ret;

	ret = kstrtou32(page, 0, &val);
	if (ret)
		return ret;
	if (!val || val > BSIM_GPIO_MAX_LINES)
		return -ERANGE;
	mutex_lock(&chip->live_lock);
	if (chip->pdev)
		ret = -EBUSY;
	else
		chip->num_lines = val;
	mutex_unlock(&chip->live_lock);
	return ret ?: count;
}
CONFIGFS_ATTR(bsim_gpio_, num_lines);

static ssize_t bsim_gpio_live_show(struct config_item *item, char *page)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	ssize_t ret;

	mutex_lock(&chip->live_lock);
	ret = sysfs_emit(page, "%d\n", !!chip->pdev);
	mutex_unlock(&chip->live_lock);
	return ret;
}

static ssize_t bsim_gpio_live_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	bool live;
	int ret;

	ret = kstrtobool(page, &live);
	if (ret)
		return ret;
	mutex_lock(&chip->live_lock);
	if (live == !!chip->pdev)
		ret = 0;
	else if (live)
		ret = bsim_gpio_go_live(chip);
	else
		bsim_gpio_go_offline(chip);
	mutex_unlock(&chip->live_lock);
	return ret ?: count;
}
CONFIGFS_ATTR(bsim_gpio_, live);

/* gpiolib's device for the chip is the platform device's child "gpiochipN" */
static int bsim_gpio_find_cdev(struct device *dev, void *data)
{
	if (strncmp(dev_name(dev), "gpiochip", 8))
		return 0;
	strscpy(data, dev_name(dev), BSIM_NAME_LEN);
	return 1;
}

static ssize_t bsim_gpio_dev_name_show(struct config_item *item, char *page)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);
	char name[BSIM_NAME_LEN] = "";

	mutex_lock(&chip->live_lock);
	if (chip->pdev)
		device_for_each_child(&chip->pdev->dev, name,
				      bsim_gpio_find_cdev);
	mutex_unlock(&chip->live_lock);
	return sysfs_emit(page, "%s\n", name);
}
CONFIGFS_ATTR_RO(bsim_gpio_, dev_name);

static struct configfs_attribute *bsim_gpio_attrs[] = {
	&bsim_gpio_attr_label,
	&bsim_gpio_attr_num_lines,
	&bsim_gpio_attr_live,
	&bsim_gpio_attr_dev_name,
	NULL
};

/* Line attributes */

static ssize_t bsim_gpio_line_name_show(struct config_item *item, char *page)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	ssize_t ret;

	mutex_lock(&chip->live_lock);
	ret = sysfs_emit(page, "%s\n", chip->names[line->offset]);
	mutex_unlock(&chip->live_lock);
	return ret;
}

static ssize_t bsim_gpio_line_name_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	char buf[BSIM_NAME_LEN];
	int ret;

	ret = bsim_gpio_copy_name(buf, sizeof(buf), page, count);
	if (ret)
		return ret;
	mutex_lock(&chip->live_lock);
	if (chip->pdev)
		ret = -EBUSY;
	else
		strscpy(chip->names[line->offset], buf, BSIM_NAME_LEN);
	mutex_unlock(&chip->live_lock);
	return ret ?: count;
}
CONFIGFS_ATTR(bsim_gpio_line_, name);

static ssize_t bsim_gpio_line_pull_show(struct config_item *item, char *page)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	u8 pull;

	mutex_lock(&chip->lock);
	pull = chip->pull[line->offset];
	mutex_unlock(&chip->lock);
	return sysfs_emit(page, "%s\n", bsim_gpio_pull_names[pull]);
}

/*
 * The world pulls an input: the line's level may change, and an interrupt
 * whose consumer asked for that edge fires (nested: from this thread).
 */
static ssize_t bsim_gpio_line_pull_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	unsigned int offset = line->offset, virq = 0;
	int pull, before, after;

	pull = sysfs_match_string(bsim_gpio_pull_names, page);
	if (pull < 0)
		return pull;

	mutex_lock(&chip->fire_lock);
	mutex_lock(&chip->lock);
	before = bsim_gpio_level(chip, offset);
	chip->pull[offset] = pull;
	after = bsim_gpio_level(chip, offset);
	if (before != after && chip->irqs &&
	    test_bit(offset, chip->irqs->requested) &&
	    test_bit(offset, chip->irqs->unmasked)) {
		unsigned int type;

		virq = irq_find_mapping(chip->irqs->domain, offset);
		type = virq ? irq_get_trigger_type(virq) : 0;
		if (!(after ? type & IRQ_TYPE_EDGE_RISING :
		      type & IRQ_TYPE_EDGE_FALLING))
			virq = 0;
	}
	mutex_unlock(&chip->lock);
	/* The consumer's handler reads the line: not under the chip's lock */
	if (virq)
		handle_nested_irq(virq);
	mutex_unlock(&chip->fire_lock);
	return count;
}
CONFIGFS_ATTR(bsim_gpio_line_, pull);

static ssize_t bsim_gpio_line_value_show(struct config_item *item, char *page)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	int val;

	mutex_lock(&chip->lock);
	val = bsim_gpio_level(chip, line->offset);
	mutex_unlock(&chip->lock);
	return sysfs_emit(page, "%d\n", val);
}
CONFIGFS_ATTR_RO(bsim_gpio_line_, value);

static ssize_t bsim_gpio_line_direction_show(struct config_item *item,
					     char *page)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	bool out;

	mutex_lock(&chip->lock);
	out = test_bit(line->offset, chip->output);
	mutex_unlock(&chip->lock);
	return sysfs_emit(page, "%s\n", out ? "output" : "input");
}
CONFIGFS_ATTR_RO(bsim_gpio_line_, direction);

static ssize_t bsim_gpio_line_bias_show(struct config_item *item, char *page)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;
	u8 bias;

	mutex_lock(&chip->lock);
	bias = chip->bias[line->offset];
	mutex_unlock(&chip->lock);
	return sysfs_emit(page, "%s\n", bsim_gpio_bias_names[bias]);
}
CONFIGFS_ATTR_RO(bsim_gpio_line_, bias);

static struct configfs_attribute *bsim_gpio_line_attrs[] = {
	&bsim_gpio_line_attr_name,
	&bsim_gpio_line_attr_pull,
	&bsim_gpio_line_attr_value,
	&bsim_gpio_line_attr_direction,
	&bsim_gpio_line_attr_bias,
	NULL
};

static void bsim_gpio_line_release(struct config_item *item)
{
	kfree(to_bsim_gpio_line(item));
}

static struct configfs_item_operations bsim_gpio_line_item_ops = {
	.release = bsim_gpio_line_release,
};

static const struct config_item_type bsim_gpio_line_type = {
	.ct_item_ops = &bsim_gpio_line_item_ops,
	.ct_attrs = bsim_gpio_line_attrs,
	.ct_owner = THIS_MODULE,
};

/* mkdir line<N>: N in decimal without leading zeros, below the most lines */
static struct config_item *bsim_gpio_make_line(struct config_group *group,
					       const char *name)
{
	struct bsim_gpio *chip = to_bsim_gpio(&group->cg_item);
	struct bsim_gpio_line *line;
	char canon[16];
	unsigned int n;

	if (sscanf(name, "line%u", &n) != 1 || n >= BSIM_GPIO_MAX_LINES)
		return ERR_PTR(-EINVAL);
	snprintf(canon, sizeof(canon), "line%u", n);
	if (strcmp(canon, name))
		return ERR_PTR(-EINVAL);

	line = kzalloc(sizeof(*line), GFP_KERNEL);
	if (!line)
		return ERR_PTR(-ENOMEM);
	line->chip = chip;
	line->offset = n;
	config_item_init_type_name(&line->item, name, &bsim_gpio_line_type);
	return &line->item;
}

/* rmdir line<N>: the line loses its name (while not live) and its pull */
static void bsim_gpio_drop_line(struct config_group *group,
				struct config_item *item)
{
	struct bsim_gpio_line *line = to_bsim_gpio_line(item);
	struct bsim_gpio *chip = line->chip;

	mutex_lock(&chip->live_lock);
	if (!chip->pdev)
		chip->names[line->offset][0] = '\0';
	mutex_unlock(&chip->live_lock);
	mutex_lock(&chip->lock);
	chip->pull[line->offset] = BSIM_PULL_DOWN;
	mutex_unlock(&chip->lock);
	config_item_put(item);
}

static void bsim_gpio_item_release(struct config_item *item)
{
	bsim_gpio_put(to_bsim_gpio(item));
}

static struct configfs_item_operations bsim_gpio_item_ops = {
	.release = bsim_gpio_item_release,
};

static struct configfs_group_operations bsim_gpio_group_ops = {
	.make_item = bsim_gpio_make_line,
	.drop_item = bsim_gpio_drop_line,
};

static const struct config_item_type bsim_gpio_type = {
	.ct_item_ops = &bsim_gpio_item_ops,
	.ct_group_ops = &bsim_gpio_group_ops,
	.ct_attrs = bsim_gpio_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_group *bsim_gpio_make_chip(struct config_group *group,
						const char *name)
{
	struct bsim_gpio *chip;

	chip = kzalloc(sizeof(*chip), GFP_KERNEL);
	if (!chip)
		return ERR_PTR(-ENOMEM);
	kref_init(&chip->ref);
	mutex_init(&chip->live_lock);
	mutex_init(&chip->lock);
	mutex_init(&chip->fire_lock);
	strscpy(chip->label, name, sizeof(chip->label));
	chip->num_lines = 8;
	memset(chip->pull, BSIM_PULL_DOWN, sizeof(chip->pull));
	config_group_init_type_name(&chip->group, name, &bsim_gpio_type);
	return &chip->group;
}

static void bsim_gpio_drop_chip(struct config_group *group,
				struct config_item *item)
{
	struct bsim_gpio *chip = to_bsim_gpio(item);

	mutex_lock(&chip->live_lock);
	if (chip->pdev)
		bsim_gpio_go_offline(chip);
	mutex_unlock(&chip->live_lock);
	config_item_put(item);
}

static struct configfs_group_operations bsim_gpio_dir_ops = {
	.make_group = bsim_gpio_make_chip,
	.drop_item = bsim_gpio_drop_chip,
};

static const struct config_item_type bsim_gpio_dir_type = {
	.ct_group_ops = &bsim_gpio_dir_ops,
	.ct_owner = THIS_MODULE,
};

static struct config_group bsim_gpio_dir;

/**
 * bsim_gpio_init() - register the desk gpiochip's platform driver
 * @parent: the simulator's configfs subsystem group; "gpio" is added to it
 *
 * Call before the subsystem is registered.
 *
 * Return: 0 or a negative error code.
 */
int bsim_gpio_init(struct config_group *parent)
{
	int ret;

	ret = platform_driver_register(&bsim_gpio_driver);
	if (ret)
		return ret;
	config_group_init_type_name(&bsim_gpio_dir, "gpio", &bsim_gpio_dir_type);
	configfs_add_default_group(&bsim_gpio_dir, parent);
	return 0;
}

/**
 * bsim_gpio_exit() - unregister the desk gpiochip's platform driver
 *
 * Call after the subsystem is unregistered (so every chip is offline). The
 * module cannot be unloaded while a consumer holds a line, so the retired
 * interrupt sets are all idle by now.
 */
void bsim_gpio_exit(void)
{
	flush_work(&bsim_gpio_reap_work);
	if (!bsim_gpio_reap())
		pr_warn("biounit-sim: gpio interrupts still requested, leaking them\n");
	platform_driver_unregister(&bsim_gpio_driver);
}
