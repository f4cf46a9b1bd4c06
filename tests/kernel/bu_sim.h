/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kernel tests: make simulated units in configfs, put scenes
 * in front of them, and stream from /dev/biounitN.
 */
#ifndef BU_SIM_H
#define BU_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/biounit.h>

#define BU_SIM_ROOT "/sys/kernel/config/biounit-sim"

/* A live simulated unit */
struct bu_unit {
	char name[64];
	char dev[64];    /* "/dev/biounitN" */
	char node[32];   /* "biounitN" */
};

/* One attribute write under the unit's directory; "" for the unit itself */
int bu_attr_write(const char *unit, const char *rel, const char *val);
/* ... its value without the trailing newline */
int bu_attr_read(const char *unit, const char *rel, char *buf, size_t len);
/* One read(2) of a small file, NUL-terminated (newline kept); 0 or -errno */
int bu_read_text(const char *path, char *buf, size_t len);
/* /sys/class/biounit/NODE/ATTR as bu_read_text() reads it */
int bu_sysfs_read(const char *node, const char *attr, char *buf, size_t len);

/* mkdir, optional set-up writes ("face/max_width=1920", NULL-terminated), live */
int bu_unit_create(struct bu_unit *u, const char *name, const char *const *setup);
/* live=0 and rmdir; returns 0 or -errno */
int bu_unit_destroy(struct bu_unit *u);

/* Write a scene file in one write(2); returns 0 or -errno */
int bu_scene_write(const char *unit, const char *channel, const void *data, size_t len);
/* A P5 (channels 1) or P6 (channels 3) image in a malloc-ed buffer */
void *bu_pnm_make(uint32_t w, uint32_t h, int channels, uint32_t seed, size_t *len);
/* Pointer to the pixels of a PNM made by bu_pnm_make */
const uint8_t *bu_pnm_pixels(const void *pnm, size_t len, uint32_t w, uint32_t h, int channels);

/* Streaming helpers; return 0 or -errno */
int bu_set_format(int fd, uint32_t ch, uint32_t pixfmt, uint32_t w, uint32_t h,
		  uint32_t interval_us, struct biounit_format *out);
int bu_reqbufs(int fd, uint32_t ch, uint32_t count, uint32_t memory);
/* Allocates, maps and queues n MMAP buffers; maps[] gets the addresses */
int bu_stream_mmap(int fd, uint32_t ch, unsigned int n, void **maps, size_t *len);
int bu_streamon(int fd, uint32_t ch);
int bu_streamoff(int fd, uint32_t ch);
int bu_dqbuf(int fd, uint32_t ch, struct biounit_buffer *b);
int bu_qbuf(int fd, uint32_t ch, uint32_t index);
/* Waits up to ms for a buffer with poll; 1 ready, 0 timeout, -errno */
int bu_wait(int fd, short events, int ms);
/* Dequeues an event, non-blocking; 0, -EAGAIN or -errno */
int bu_dqevent(int fd, struct biounit_event *ev);
int bu_subscribe(int fd, uint32_t types);

/* BT.601 full-range conversion the simulator uses (docs/simulator.md) */
uint8_t bu_y(const uint8_t *rgb);
uint8_t bu_cb(const uint8_t *rgb);
uint8_t bu_cr(const uint8_t *rgb);
/* The XBGR32 bytes of n RGB pixels: B, G, R and the padding byte the simulator writes, 0xff */
void bu_xbgr32(const uint8_t *rgb, size_t n, uint8_t *out);

uint64_t bu_now_ns(void);

/*
 * A device node of the unit's own, from /sys/class/biounit/NODE/PREFIX* ("video", "media"):
 * the one whose sysfs name attribute starts with name (NULL: the first), as "/dev/X" in dev.
 * 0 or -errno.
 */
int bu_unit_subnode(const struct bu_unit *u, const char *prefix, const char *name, char *dev,
		    size_t len);

#endif
