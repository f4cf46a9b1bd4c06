/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting with poll(2) against a deadline, for the library calls that take a
 * timeout in milliseconds (-1: wait for ever, 0: do not wait): the caller
 * tries its non-blocking operation, then util_deadline_poll() waits for the
 * rest of the time, and the caller tries again.
 */
#ifndef UTIL_DEADLINE_H
#define UTIL_DEADLINE_H

#include <poll.h>
#include <stdint.h>

struct util_deadline {
	int timeout_ms;		/* as given: -1, 0 or > 0 */
	int64_t end_ms;		/* CLOCK_MONOTONIC, when timeout_ms > 0 */
};

/* Milliseconds of CLOCK_MONOTONIC */
int64_t util_now_ms(void);

/* Starts a deadline @timeout_ms from now (-1: none, 0: already due) */
void util_deadline_start(struct util_deadline *d, int timeout_ms);

/**
 * util_deadline_poll() - poll(2) @fds for what is left of the time of @d.
 * Return: 0 to try the operation again (a descriptor is ready, or poll woke
 * before the deadline); -ETIMEDOUT once the time is up (at once for a
 * timeout of 0); -errno from poll (-EINTR included: a signal ends the wait).
 */
int util_deadline_poll(const struct util_deadline *d, struct pollfd *fds, nfds_t n);

#endif
