// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file (docs/biounitd.md, example biounitd.conf): lines of
 * "key = value", '#' comments, blank lines. An unknown key or a bad value is
 * an error naming its line: the daemon does not start on a config it does
 * not understand. A client certificate without its key (or a key without its
 * certificate) is an error naming the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "biounitd.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket_path, sizeof(c->socket_path), "/run/biounitd/control.socket");
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/biounitd");
	snprintf(c->unit, sizeof(c->unit), "auto");
	snprintf(c->screen, sizeof(c->screen), "auto");
	snprintf(c->socket_group, sizeof(c->socket_group), "biounit");
	snprintf(c->face_cascade, sizeof(c->face_cascade), "%s", BIOUNIT_FACE_CASCADE_PATH);
	snprintf(c->face_landmarks, sizeof(c->face_landmarks), "%s", BIOUNIT_FACE_LANDMARK_PATH);
	snprintf(c->face_cache, sizeof(c->face_cache), "/var/cache/biounitd/landmarks.cache");
	biounit_session_policy_default(&c->policy);
	desk_config_defaults(&c->desk);
	c->photo_width = 1920;
	c->photo_height = 1080;
	c->photo_pixelformat = 0;	/* auto */
	c->photo_timeout_ms = 10000;
	c->photo_min_frames = 5;
	c->retry_pause_ms = 2000;
	c->finger_timeout_ms = 10000;
	c->finger_settle_frames = 2;
	c->signature_end_ms = 1500;
	c->screen_kept_ms = 3000;
	c->signature_timeout_ms = 60000;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* the face camera's format: auto (0: XBGR32 in exported buffers where the display scans them
 * out, else RGB24), rgb24, or xbgr32 (DRM's XRGB8888: a display scans it out as it is) */
static int set_photo_format(uint32_t *dst, const char *v)
{
	if (!strcmp(v, "auto"))
		*dst = 0;
	else if (!strcmp(v, "rgb24"))
		*dst = BIOUNIT_FMT_RGB24;
	else if (!strcmp(v, "xbgr32"))
		*dst = BIOUNIT_FMT_XBGR32;
	else
		return -EINVAL;
	return 0;
}

static int set_str(char *dst, size_t size, const char *v)
{
	if (!*v || strlen(v) >= size)
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int set_uint(unsigned int *dst, const char *v, unsigned int min, unsigned int max)
{
	char *end;
	unsigned long n;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -EINVAL;
	*dst = (unsigned int)n;
	return 0;
}

/* "none" (a direct connection, whatever the environment says) or the proxy's URL */
static int set_proxy(char *dst, size_t size, const char *v)
{
	static const char *const schemes[] = { "http://", "https://", "socks5://", "socks5h://" };

	if (!strcmp(v, "none")) {
		dst[0] = '\0';
		return 0;
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(v, schemes[i], strlen(schemes[i])) && v[strlen(schemes[i])])
			return set_str(dst, size, v);
	return -EINVAL;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char line[1200];
	unsigned int lineno = 0;
	int r = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *k, *v, *eq;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			r = -EINVAL;
			break;
		}
		k = trim(line);
		if (!*k || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: want \"key = value\"", path, lineno);
			r = -EINVAL;
			break;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
#define STR(name) (!strcmp(k, #name)) r = set_str(c->name, sizeof(c->name), v)
#define NUM(name, lo, hi) (!strcmp(k, #name)) r = set_uint(&c->name, v, lo, hi)
#define POL(name, lo, hi) (!strcmp(k, #name)) r = set_uint(&c->policy.name, v, lo, hi)
		if STR(socket_path);
		else if STR(state_dir);
		else if STR(unit);
		else if STR(screen);
		else if STR(socket_group);
		else if STR(operator_group);
		else if STR(face_cascade);
		else if STR(face_landmarks);
		else if STR(face_cache);
		else if POL(photo_attempts, 1, 10);
		else if POL(finger_attempts, 1, 10);
		else if POL(finger_threshold, 0, 100);
		else if POL(signature_attempts, 1, 10);
		else if NUM(photo_width, 640, 8192);
		else if NUM(photo_height, 480, 8192);
		else if (!strcmp(k, "photo_format"))
			r = set_photo_format(&c->photo_pixelformat, v);
		else if NUM(photo_timeout_ms, 100, 600000);
		else if NUM(photo_min_frames, 1, 100);
		else if NUM(retry_pause_ms, 0, 60000);
		else if NUM(finger_timeout_ms, 100, 600000);
		else if NUM(finger_settle_frames, 1, 50);
		else if NUM(signature_end_ms, 100, 60000);
		else if NUM(screen_kept_ms, 0, 60000);
		else if NUM(signature_timeout_ms, 1000, 600000);
		else if NUM(watchdog_ms, 0, 600000);
		else if (!strcmp(k, "ordering_url"))
			r = strncmp(v, "https://", 8) ? -EINVAL :
			    set_str(c->ordering_url, sizeof(c->ordering_url), v);
		else if (!strcmp(k, "ordering_proxy"))
			r = set_proxy(c->ordering_proxy, sizeof(c->ordering_proxy), v);
		else if STR(ordering_ca);
		else if STR(ordering_client_cert);
		else if STR(ordering_client_key);
		else if STR(outbox_path);
		else if STR(unit_key);
		else if (desk_config_has_key(k))
			r = desk_config_set(&c->desk, k, v);
		else {
			snprintf(err, errlen, "%s:%u: unknown key \"%s\"", path, lineno, k);
			r = -EINVAL;
			break;
		}
#undef STR
#undef NUM
#undef POL
		if (r) {
			snprintf(err, errlen, "%s:%u: bad value for %s", path, lineno, k);
			break;
		}
	}
	fclose(f);
	if (!r && !c->ordering_client_cert[0] != !c->ordering_client_key[0]) {
		snprintf(err, errlen, "%s: ordering_client_cert and ordering_client_key go "
			 "together", path);
		r = -EINVAL;
	}
	if (!r && desk_config_check(&c->desk, line, sizeof(line))) {
		snprintf(err, errlen, "%s: %s", path, line);
		r = -EINVAL;
	}
	return r;
}
