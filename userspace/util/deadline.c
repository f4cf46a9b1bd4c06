// SPDX-License-Identifier: GPL-2.0
/* Waiting with poll(2) against a deadline (deadline.h). */
#include <errno.h>
#include <time.h>

#include "deadline.h"

int64_t util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void util_deadline_start(struct util_deadline *d, int timeout_ms)
{
	d->timeout_ms = timeout_ms;
	d->end_ms = timeout_ms > 0 ? util_now_ms() + timeout_ms : 0;
}

int util_deadline_poll(const struct util_deadline *d, struct pollfd *fds, nfds_t n)
{
	int wait = -1, r;

	if (d->timeout_ms == 0)
		return -ETIMEDOUT;
	if (d->timeout_ms > 0) {
		int64_t left = d->end_ms - util_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		wait = left > 0x7fffffff ? 0x7fffffff : (int)left;
	}
	r = poll(fds, n, wait);
	if (r < 0)
		return -errno;
	if (r == 0 && d->timeout_ms > 0 && d->end_ms - util_now_ms() <= 0)
		return -ETIMEDOUT;
	return 0;
}
