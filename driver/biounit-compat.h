/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels biounit supports (6.1 and later),
 * kept in this one place.
 */
#ifndef _BIOUNIT_COMPAT_H
#define _BIOUNIT_COMPAT_H

#include <linux/device.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/pwm.h>
#include <linux/version.h>
#include <media/videobuf2-core.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
/* 6.8 made videobuf2-core take buffers instead of indices */
#define BIOUNIT_VB2_BY_BUFFER 1
#endif

static inline unsigned int biounit_vb2_num_buffers(struct vb2_queue *q)
{
#ifdef BIOUNIT_VB2_BY_BUFFER
	return vb2_get_num_buffers(q);
#else
	return q->num_buffers;
#endif
}

/* The most buffers a queue holds is enforced in queue_setup */
static inline void biounit_vb2_min_queued(struct vb2_queue *q,
					  unsigned int min_queued)
{
#ifdef BIOUNIT_VB2_BY_BUFFER
	q->min_queued_buffers = min_queued;
#else
	q->min_buffers_needed = min_queued;
#endif
}

static inline void biounit_vb2_querybuf(struct vb2_queue *q,
					struct vb2_buffer *vb, void *pb)
{
#ifdef BIOUNIT_VB2_BY_BUFFER
	vb2_core_querybuf(q, vb, pb);
#else
	vb2_core_querybuf(q, vb->index, pb);
#endif
}

static inline int biounit_vb2_qbuf(struct vb2_queue *q, struct vb2_buffer *vb,
				   void *pb)
{
#ifdef BIOUNIT_VB2_BY_BUFFER
	return vb2_core_qbuf(q, vb, pb, NULL);
#else
	return vb2_core_qbuf(q, vb->index, pb, NULL);
#endif
}

static inline int biounit_vb2_expbuf(struct vb2_queue *q, int *fd,
				     struct vb2_buffer *vb, unsigned int flags)
{
#ifdef BIOUNIT_VB2_BY_BUFFER
	return vb2_core_expbuf(q, fd, q->type, vb, 0, flags);
#else
	return vb2_core_expbuf(q, fd, q->type, vb->index, 0, flags);
#endif
}

static inline int biounit_vb2_create_bufs(struct vb2_queue *q,
					  enum vb2_memory memory,
					  unsigned int *count,
					  unsigned int size,
					  unsigned int *first_index)
{
	/* vb2 copies a whole VB2_MAX_PLANES array, whatever the plane count */
	unsigned int sizes[VB2_MAX_PLANES] = { size };

#ifdef BIOUNIT_VB2_BY_BUFFER
	return vb2_core_create_bufs(q, memory, 0, count, 1, sizes,
				    first_index);
#else
	*first_index = q->num_buffers;
	return vb2_core_create_bufs(q, memory, 0, count, 1, sizes);
#endif
}

/*
 * A blocking DQBUF sleeps without the queue lock. Up to 6.12 videobuf2 drops
 * it only through the wait_prepare/wait_finish ops; 6.13 made it drop
 * q->lock itself when they are NULL ("media: vb2: use lock if
 * wait_prepare/finish are NULL", media pull for v6.13-rc1), and later kernels
 * remove the ops. The driver sets q->lock on every kernel.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void biounit_vb2_wait_prepare(struct vb2_queue *q)
{
	mutex_unlock(q->lock);
}

static inline void biounit_vb2_wait_finish(struct vb2_queue *q)
{
	mutex_lock(q->lock);
}

#define BIOUNIT_VB2_WAIT_OPS					\
	.wait_prepare = biounit_vb2_wait_prepare,		\
	.wait_finish = biounit_vb2_wait_finish,
#else
#define BIOUNIT_VB2_WAIT_OPS
#endif

/*
 * 6.8 renamed pwm_apply_state() to pwm_apply_might_sleep() (6.1 has only the
 * first, 6.12 only the second).
 *
 * Not version differences, so not wrapped here (biounit-resources.c): both
 * kernels have devm_regulator_get_optional(), devm_clk_bulk_get_all(),
 * devm_gpiod_get_optional(), devm_of_led_get() and devm_pwm_get(), which
 * the driver uses on both. devm_regulator_bulk_get_enable() (both) cannot
 * take optional supplies, and devm_clk_bulk_get_all_enable() (6.12 only)
 * does not return the number of clocks.
 */
static inline int biounit_pwm_apply(struct pwm_device *pwm,
				    const struct pwm_state *state)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return pwm_apply_might_sleep(pwm, state);
#else
	return pwm_apply_state(pwm, state);
#endif
}

/*
 * 6.4 made bus_find_device() take a const bus type (6.1's takes it
 * non-const, 6.12's const), and later kernels made the bus types themselves
 * const (6.12's platform, AMBA, SPI and I2C ones are, 6.1's are not): the
 * driver keeps const pointers, and casts the const away only for 6.1.
 */
static inline struct device *
biounit_bus_find_device_by_fwnode(const struct bus_type *bus,
				  const struct fwnode_handle *fwnode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return bus_find_device_by_fwnode(bus, fwnode);
#else
	return bus_find_device_by_fwnode((struct bus_type *)bus, fwnode);
#endif
}

/*
 * A gpiochip removed while consumers hold lines: 6.1's gpiod_free() of such
 * a line puts neither the module of the chip's owner (the driver of its
 * parent device) nor the gpio device, so the module could never be unloaded
 * again; 6.12's puts both. On 6.1 the simulator puts the module references of
 * the @held lines itself when it removes the chip (nothing of the module runs
 * for those lines afterwards: gpiolib finds the chip gone). The gpio device
 * stays leaked on 6.1 ("(dangling chip)" in /sys/kernel/debug/gpio). Only
 * 6.1 is corrected: a kernel between 6.1 and 6.12 keeps the reference (the
 * harmless side) rather than risking a second put.
 */
static inline void biounit_gpiochip_removed_held(struct module *owner,
						 unsigned int held)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	while (held--)
		module_put(owner);
#endif
}

/*
 * The class is allocated by class_create(), which the driver core frees in
 * its own release: a class in the module's data would be read by that
 * release after the module is gone when the release is late
 * (CONFIG_DEBUG_KOBJECT_RELEASE). 6.4 dropped class_create()'s owner.
 */
static inline struct class *biounit_class_create(const char *name)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return class_create(name);
#else
	return class_create(THIS_MODULE, name);
#endif
}

#endif /* _BIOUNIT_COMPAT_H */
