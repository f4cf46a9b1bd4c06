// SPDX-License-Identifier: GPL-2.0
/*
 * Failures on demand: the service's mode (set with --fail or POST
 * /v1/control) applies to the next mode_count package requests, or to all
 * until changed; the log of what was stored and refused (hashes only).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "refservice.h"

static const char *const names[REFSVC_MODE_COUNT] = {
	"ok", "error", "unavailable", "timeout", "drop", "lost-ack", "slow", "slow-ack",
	"wrong-ack",
};

const char *refsvc_mode_name(enum refsvc_mode m)
{
	return m < REFSVC_MODE_COUNT ? names[m] : "unknown";
}

int refsvc_mode_parse(const char *s, enum refsvc_mode *m)
{
	for (unsigned int i = 0; i < REFSVC_MODE_COUNT; i++) {
		if (!strcmp(s, names[i])) {
			*m = (enum refsvc_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

enum refsvc_mode refsvc_take_mode(struct refsvc *s, unsigned int *delay_ms)
{
	enum refsvc_mode m;

	pthread_mutex_lock(&s->lock);
	m = s->mode;
	*delay_ms = s->delay_ms;
	if (m != REFSVC_OK && s->mode_count && --s->mode_count == 0)
		s->mode = REFSVC_OK;
	pthread_mutex_unlock(&s->lock);
	return m;
}

void refsvc_sleep(struct refsvc *s, unsigned int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->lock);
}

void refsvc_log(struct refsvc *s, const char *fmt, ...)
{
	char line[512];
	struct timespec ts;
	va_list ap;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%03ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* one write() per line on an O_APPEND file: lines never interleave */
	if (write(s->log_fd, line, (size_t)n) < 0)
		return;
}
