// SPDX-License-Identifier: GPL-2.0
/*
 * The service manager protocol through libsystemd's sd_notify(): READY=1,
 * STATUS=, WATCHDOG=1, STOPPING=1. Without systemd (no NOTIFY_SOCKET) each
 * call does nothing, so the daemon runs the same from a shell or the VM test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "biounitd.h"

void notify_ready(void)
{
	sd_notify(0, "READY=1\nSTATUS=Waiting for sessions");
}

void notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

uint64_t notify_watchdog_interval_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec / 2000;
}

void notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}
