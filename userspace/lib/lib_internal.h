/* SPDX-License-Identifier: GPL-2.0 */
/* libbiounit internals shared by discovery.c, unit.c and stream.c. */
#ifndef BIOUNIT_LIB_INTERNAL_H
#define BIOUNIT_LIB_INTERNAL_H

#include <pthread.h>
#include <biounit/biounit.h>


struct biounit_unit {
	int fd;			/* O_RDWR | O_NONBLOCK | O_CLOEXEC */
	char node[64];
	struct biounit_caps caps;
};

/* ioctl retried on EINTR; returns 0 or -errno */
int bu_ioctl(int fd, unsigned long req, void *arg);

/*
 * State of the unit behind an open descriptor: ABSENT (gone), READY, BUSY
 * (a channel in @channels has an owner other than @fd's file) or ERROR.
 */
enum biounit_state bu_fd_state(int fd, uint32_t channels, int *err);

/* Opens @node and checks that it is a biounit of API major 1. */
int bu_open_node(const char *node, struct biounit_caps *caps);

/* snprintf into a fixed buffer; -ENAMETOOLONG if it does not fit */
int bu_strcpy(char *dst, size_t len, const char *src);

#endif
