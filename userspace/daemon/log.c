// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to stderr with "<N>" priority prefixes, which journald reads
 * (SyslogLevelPrefix=yes is the default). Callers never pass biometric data
 * or appointment codes: sessions are named by id and the code's keyed hash.
 */
#include <stdarg.h>
#include <stdio.h>

#include "biounitd.h"

void log_msg(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "<%d>biounitd: %s\n", prio, line);
}

bool log_allow(struct log_limit *l, uint64_t now_ms, unsigned int *dropped)
{
	if (!l->start_ms || now_ms - l->start_ms >= 60000) {
		l->start_ms = now_ms ? now_ms : 1;
		l->count = 0;
	}
	if (l->count >= LOG_BURST) {
		l->dropped++;
		return false;
	}
	l->count++;
	*dropped = l->dropped;
	l->dropped = 0;
	return true;
}
