// SPDX-License-Identifier: GPL-2.0
/*
 * The desk signals' configuration values and rules (desk_gpio.h): parsing
 * "[CHIP:]LINE [active-low] [pull-up|pull-down|bias-disabled]", which lamp is
 * lit in which session state, what the pedal does, and the debounce. No I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "desk_gpio.h"

static const char *const keys[DESK_SIGNAL_COUNT] = {
	[DESK_PEDAL] = "desk_pedal",
	[DESK_PRIVACY] = "desk_privacy",
	[DESK_LAMP_WAIT] = "desk_lamp_wait",
	[DESK_LAMP_TURN] = "desk_lamp_turn",
	[DESK_LAMP_CAMERA] = "desk_lamp_camera",
	[DESK_LAMP_BUSY] = "desk_lamp_busy",
};

void desk_config_defaults(struct desk_config *c)
{
	memset(c, 0, sizeof(*c));
	c->debounce_ms = 30;
}

const char *desk_signal_key(enum desk_signal s)
{
	return s < DESK_SIGNAL_COUNT ? keys[s] : "?";
}

bool desk_signal_is_input(enum desk_signal s)
{
	return s == DESK_PEDAL || s == DESK_PRIVACY;
}

const char *desk_signal_chip(const struct desk_config *c, enum desk_signal s)
{
	return c->sig[s].chip[0] ? c->sig[s].chip : c->chip;
}

bool desk_config_has_key(const char *key)
{
	if (!strcmp(key, "desk_gpio_chip") || !strcmp(key, "desk_debounce_ms"))
		return true;
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* a label or line name: 1..31 printable characters, no space and no ':' */
static int set_name(char *dst, const char *v, size_t n)
{
	if (!n || n >= DESK_LABEL_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~' || v[i] == ':')
			return -EINVAL;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int parse_line(struct desk_line_config *lc, bool input, const char *v)
{
	struct desk_line_config out = { .set = true };
	const char *p = v, *colon, *end;
	bool bias_given = false;
	char word[32];

	end = p + strcspn(p, " \t");
	colon = memchr(p, ':', (size_t)(end - p));
	if (colon) {
		if (set_name(out.chip, p, (size_t)(colon - p)))
			return -EINVAL;
		p = colon + 1;
	}
	if (set_name(out.line, p, (size_t)(end - p)))
		return -EINVAL;
	for (p = end; *p;) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (!n)
			break;
		if (n >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (!strcmp(word, "active-low") && !out.active_low) {
			out.active_low = true;
			continue;
		}
		/* a bias is for inputs; an output drives its line */
		if (!input || bias_given)
			return -EINVAL;
		bias_given = true;
		if (!strcmp(word, "pull-up"))
			out.bias = DESK_BIAS_PULL_UP;
		else if (!strcmp(word, "pull-down"))
			out.bias = DESK_BIAS_PULL_DOWN;
		else if (!strcmp(word, "bias-disabled"))
			out.bias = DESK_BIAS_DISABLED;
		else
			return -EINVAL;
	}
	*lc = out;
	return 0;
}

int desk_config_set(struct desk_config *c, const char *key, const char *value)
{
	if (!strcmp(key, "desk_gpio_chip")) {
		if (!strcmp(value, "none")) {
			c->chip[0] = '\0';
			return 0;
		}
		return set_name(c->chip, value, strlen(value));
	}
	if (!strcmp(key, "desk_debounce_ms")) {
		unsigned int ms;
		int used = 0;

		if (value[0] < '0' || value[0] > '9' || sscanf(value, "%u%n", &ms, &used) != 1 ||
		    value[used] || ms > 1000)
			return -EINVAL;
		c->debounce_ms = ms;
		return 0;
	}
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		if (strcmp(key, keys[i]))
			continue;
		if (!strcmp(value, "none")) {
			memset(&c->sig[i], 0, sizeof(c->sig[i]));
			return 0;
		}
		return parse_line(&c->sig[i], desk_signal_is_input((enum desk_signal)i), value);
	}
	return -EINVAL;
}

int desk_config_check(const struct desk_config *c, char *err, size_t errlen)
{
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		if (c->sig[i].set && !desk_signal_chip(c, (enum desk_signal)i)[0]) {
			snprintf(err, errlen, "%s names no chip (CHIP:LINE) and desk_gpio_chip is "
				 "not set", keys[i]);
			return -EINVAL;
		}
	}
	return 0;
}

void desk_lamps(const struct desk_view *v, bool lit[DESK_SIGNAL_COUNT])
{
	bool capturing = v->have_session && v->state == BIOUNIT_SESSION_CAPTURING;

	lit[DESK_LAMP_BUSY] = v->have_session;
	lit[DESK_LAMP_CAMERA] = capturing && v->step == BIOUNIT_STEP_PHOTO;
	lit[DESK_LAMP_TURN] = capturing && (v->step == BIOUNIT_STEP_FINGERS ||
					    v->step == BIOUNIT_STEP_SIGNATURE);
	/* the operator reviews, or the session is paused (unit gone, privacy) */
	lit[DESK_LAMP_WAIT] = v->have_session && (v->state == BIOUNIT_SESSION_REVIEW ||
						  v->state == BIOUNIT_SESSION_PAUSED);
}

enum desk_pedal_action desk_pedal_action(const struct desk_view *v)
{
	if (!v->have_session)
		return DESK_PEDAL_NOTHING;
	if (v->state == BIOUNIT_SESSION_REVIEW)
		return DESK_PEDAL_ACCEPT;
	if (v->state == BIOUNIT_SESSION_CAPTURING)
		return DESK_PEDAL_CAPTURE;
	return DESK_PEDAL_NOTHING;
}

void desk_debounce_edge(struct desk_debounce *db, uint64_t now_ms, unsigned int debounce_ms)
{
	db->armed = true;
	db->due_ms = now_ms + debounce_ms;
}

bool desk_debounce_settle(struct desk_debounce *db, uint64_t now_ms, bool level)
{
	if (!db->armed || now_ms < db->due_ms)
		return false;
	db->armed = false;
	if (db->known && db->level == level)
		return false;
	db->known = true;
	db->level = level;
	return true;
}
