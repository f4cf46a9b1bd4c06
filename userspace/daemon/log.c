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
