/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The desk's own signals through libgpiod (issue 21, docs/biounitd.md section 5a):
 * a foot pedal, the applicant's lamps, a busy lamp and a privacy switch, each
 * on a gpiochip found by its label and a line found by its name.
 *
 * desk_logic.c: the configuration values and the rules (which lamp is lit in
 * which state, what the pedal does, debouncing), pure and tested on the host.
 * desk_gpio.c: the lines themselves (libgpiod 1.6) and the udev "gpio" monitor.
 */
#ifndef BIOUNITD_DESK_GPIO_H
#define BIOUNITD_DESK_GPIO_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/session.h"

#define DESK_LABEL_MAX 32	/* a gpiochip label or line name, with its NUL */

enum desk_signal {
	DESK_PEDAL,		/* input: capture now, or accept in review */
	DESK_PRIVACY,		/* input: active pauses the session */
	DESK_LAMP_WAIT,		/* output: "please wait" */
	DESK_LAMP_TURN,		/* output: "your turn" (fingers, signature) */
	DESK_LAMP_CAMERA,	/* output: "look at the camera now" */
	DESK_LAMP_BUSY,		/* output: the booth is in use (outside) */
	DESK_SIGNAL_COUNT
};

enum desk_bias { DESK_BIAS_AS_IS, DESK_BIAS_DISABLED, DESK_BIAS_PULL_UP, DESK_BIAS_PULL_DOWN };

/* One signal's configuration: "[CHIP:]LINE [active-low] [pull-up|pull-down|bias-disabled]" */
struct desk_line_config {
	bool set;			/* configured */
	char chip[DESK_LABEL_MAX];	/* "" : desk_gpio_chip */
	char line[DESK_LABEL_MAX];
	bool active_low;
	enum desk_bias bias;		/* inputs only */
};

struct desk_config {
	char chip[DESK_LABEL_MAX];	/* desk_gpio_chip: the default chip label */
	unsigned int debounce_ms;	/* desk_debounce_ms */
	struct desk_line_config sig[DESK_SIGNAL_COUNT];
};

/* ---- desk_logic.c ---- */
void desk_config_defaults(struct desk_config *c);
/* @key is one of the desk_* keys */
bool desk_config_has_key(const char *key);
/* 0, or -EINVAL for a bad value */
int desk_config_set(struct desk_config *c, const char *key, const char *value);
/* after the file is read: a signal without a chip label and no desk_gpio_chip: -EINVAL */
int desk_config_check(const struct desk_config *c, char *err, size_t errlen);
/* "desk_pedal"... */
const char *desk_signal_key(enum desk_signal s);
bool desk_signal_is_input(enum desk_signal s);
/* the chip label of signal @s */
const char *desk_signal_chip(const struct desk_config *c, enum desk_signal s);

/* What the desk shows: the active session's state (@have_session false: none) */
struct desk_view {
	bool have_session;
	enum biounit_session_state state;
	enum biounit_session_step step;
};
/* @lit[DESK_LAMP_*] for the view (other entries untouched) */
void desk_lamps(const struct desk_view *v, bool lit[DESK_SIGNAL_COUNT]);

enum desk_pedal_action { DESK_PEDAL_NOTHING, DESK_PEDAL_CAPTURE, DESK_PEDAL_ACCEPT };
enum desk_pedal_action desk_pedal_action(const struct desk_view *v);

/*
 * Software debounce (libgpiod 1.6 has no debounce request flag, and gpiolib's
 * v1 line events, which 1.6 uses, have none either): an edge arms the timer;
 * the level read when it runs out is taken if it differs from the last one
 * taken and the line has not moved since (a new edge re-arms it).
 */
struct desk_debounce {
	bool known;		/* @level is a level taken */
	bool level;		/* the last level taken (logical: active-low applied) */
	bool armed;
	uint64_t due_ms;
};
void desk_debounce_edge(struct desk_debounce *db, uint64_t now_ms, unsigned int debounce_ms);
/* the timer ran out: true when @level is a new level taken */
bool desk_debounce_settle(struct desk_debounce *db, uint64_t now_ms, bool level);

/* ---- desk_gpio.c ---- */
struct daemon;
struct desk_gpio;
/*
 * Opens the configured signals. A chip that is not there is logged and
 * waited for (udev "gpio" events); a chip without the configured line name
 * is an error: -ENOENT with the reason in @err (the daemon does not start).
 */
int desk_gpio_open(struct daemon *d, struct desk_gpio **out, char *err, size_t errlen);
void desk_gpio_close(struct desk_gpio *g);
size_t desk_gpio_pollfds(struct desk_gpio *g, struct pollfd *fds, size_t max);
/* events, debounce, chips that came or went; then the lamps follow the state */
void desk_gpio_dispatch(struct desk_gpio *g, const struct pollfd *fds, size_t n);

#endif
