// SPDX-License-Identifier: GPL-2.0
/*
 * The desk's own signals through libgpiod 1.6 (docs/biounitd.md section 5a):
 * each configured signal is a line found by its chip's label and its own
 * name, never by a chip number. Inputs (pedal, privacy switch) are requested
 * for both edges with their active-low and bias flags and debounced in
 * software (desk_logic.c); outputs (the lamps) follow the active session's
 * state after every turn of the main loop.
 *
 * A chip that is not there, or goes away (an adapter unplugged), is logged
 * once and its signals wait; a udev "gpio" event (from udevd, or from the
 * kernel when no udevd runs, as libbiounit's monitor does) makes them look
 * again. A present chip without the configured line name is an error: at
 * start the daemon does not start; later it is logged once.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "biounitd.h"
#include "desk_gpio.h"

#define CONSUMER "biounitd"

struct desk_sig {
	enum desk_signal id;
	const struct desk_line_config *cfg;
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	int fd;				/* inputs: the line's event fd */
	bool bad_logged;		/* a failure of this signal is logged (until it works) */
	bool lit, lit_known;		/* outputs: what was last set */
	struct desk_debounce db;	/* inputs */
};

struct desk_gpio {
	struct daemon *d;
	struct desk_sig sig[DESK_SIGNAL_COUNT];
	/* chip labels whose absence is logged (until one of their signals opens) */
	char missing[DESK_SIGNAL_COUNT][DESK_LABEL_MAX];
	struct udev *udev;
	struct udev_monitor *mon;
	int tfd;			/* the debounce timer */
	bool configured;
};

static const char *signal_name(enum desk_signal s)
{
	return desk_signal_key(s) + 5;	/* "desk_pedal" -> "pedal" */
}

static bool missing_logged(struct desk_gpio *g, const char *label, bool set)
{
	int free_slot = -1;

	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		if (!strcmp(g->missing[i], label)) {
			if (!set)
				g->missing[i][0] = '\0';
			return true;
		}
		if (!g->missing[i][0] && free_slot < 0)
			free_slot = i;
	}
	if (set && free_slot >= 0)
		snprintf(g->missing[free_slot], DESK_LABEL_MAX, "%s", label);
	return false;
}

/* the signals waiting for chip @label, for a log line */
static void signals_of(struct desk_gpio *g, const char *label, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++)
		if (g->sig[i].cfg->set && !strcmp(desk_signal_chip(&g->d->cfg.desk, i), label) &&
		    n + strlen(signal_name(i)) + 3 < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      signal_name(i));
}

static void sig_close(struct desk_sig *s)
{
	if (s->line)
		gpiod_line_release(s->line);
	if (s->chip)
		gpiod_chip_close(s->chip);
	s->line = NULL;
	s->chip = NULL;
	s->fd = -1;
	s->lit_known = false;
	s->db.armed = false;
	s->db.known = false;
}

static void apply_privacy(struct desk_gpio *g, bool on);

/*
 * Opens signal @s. 0: open, or waiting for its chip; -ENOENT: the chip has
 * no such line (at start an error in @err); other -errno: logged, waiting.
 */
static int sig_open(struct desk_gpio *g, struct desk_sig *s, bool at_start, char *err,
		    size_t errlen)
{
	const char *label = desk_signal_chip(&g->d->cfg.desk, s->id);
	struct gpiod_line_request_config rc = { .consumer = CONSUMER };
	char waiting[128];
	int v;

	if (s->line || !s->cfg->set)
		return 0;
	s->chip = gpiod_chip_open_by_label(label);
	if (!s->chip) {
		if (!missing_logged(g, label, true)) {
			signals_of(g, label, waiting, sizeof(waiting));
			log_msg(LOG_WARN_, "desk gpiochip \"%s\" is not there (%s): %s unavailable "
				"until it comes", label, errno == ENOENT ? "no chip with that label" :
				strerror(errno), waiting);
		}
		return 0;
	}
	missing_logged(g, label, false);
	s->line = gpiod_chip_find_line(s->chip, s->cfg->line);
	if (!s->line) {
		int e = errno == ENOENT || !errno ? ENOENT : errno;

		if (at_start)
			snprintf(err, errlen, "%s: gpiochip \"%s\" (%s) has no line named \"%s\"",
				 desk_signal_key(s->id), label, gpiod_chip_name(s->chip),
				 s->cfg->line);
		else if (!s->bad_logged)
			log_msg(LOG_ERR_, "%s: gpiochip \"%s\" (%s) has no line named \"%s\": "
				"the %s is unavailable", desk_signal_key(s->id), label,
				gpiod_chip_name(s->chip), s->cfg->line, signal_name(s->id));
		s->bad_logged = true;
		sig_close(s);
		return -e;
	}
	if (s->cfg->active_low)
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
	if (s->cfg->bias == DESK_BIAS_PULL_UP)
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
	else if (s->cfg->bias == DESK_BIAS_PULL_DOWN)
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
	else if (s->cfg->bias == DESK_BIAS_DISABLED)
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
	rc.request_type = desk_signal_is_input(s->id) ? GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES :
			  GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
	if (gpiod_line_request(s->line, &rc, 0) < 0) {
		if (!s->bad_logged)
			log_msg(LOG_ERR_, "%s: line \"%s\" of gpiochip \"%s\" (%s): %s; the %s is "
				"unavailable", desk_signal_key(s->id), s->cfg->line, label,
				gpiod_chip_name(s->chip), strerror(errno), signal_name(s->id));
		s->bad_logged = true;
		s->line = NULL;		/* not requested: nothing to release */
		sig_close(s);
		return -EBUSY;
	}
	s->bad_logged = false;
	if (desk_signal_is_input(s->id)) {
		s->fd = gpiod_line_event_get_fd(s->line);
		v = gpiod_line_get_value(s->line);
		if (s->fd < 0 || v < 0) {
			log_msg(LOG_ERR_, "%s: line \"%s\": %s", desk_signal_key(s->id),
				s->cfg->line, strerror(errno));
			sig_close(s);
			return -EIO;
		}
		/* the level it has now is taken; the pedal acts on changes only */
		s->db.known = true;
		s->db.level = v;
		if (s->id == DESK_PRIVACY)
			apply_privacy(g, v);
	}
	log_msg(LOG_INFO_, "%s: line %u \"%s\" of %s \"%s\"%s", desk_signal_key(s->id),
		gpiod_line_offset(s->line), s->cfg->line, gpiod_chip_name(s->chip), label,
		s->cfg->active_low ? ", active-low" : "");
	return 0;
}

/* the chip of @s has gone away: logged once per chip; the session goes on */
static void sig_gone(struct desk_gpio *g, struct desk_sig *s)
{
	const char *label = desk_signal_chip(&g->d->cfg.desk, s->id);
	char waiting[128];

	if (!s->line)
		return;
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		struct desk_sig *o = &g->sig[i];

		if (o->line && !strcmp(desk_signal_chip(&g->d->cfg.desk, o->id), label)) {
			sig_close(o);
			if (o->id == DESK_PRIVACY)
				apply_privacy(g, false);
		}
	}
	if (!missing_logged(g, label, true)) {
		signals_of(g, label, waiting, sizeof(waiting));
		log_msg(LOG_WARN_, "desk gpiochip \"%s\" is gone: %s unavailable until it comes "
			"back", label, waiting);
	}
}

/* a chip went or came: close what is gone, open what is there */
static void rescan(struct desk_gpio *g)
{
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		struct desk_sig *s = &g->sig[i];

		if (s->line && gpiod_line_update(s->line) < 0)
			sig_gone(g, s);
	}
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++)
		sig_open(g, &g->sig[i], false, NULL, 0);
}

static struct desk_view view_of(struct daemon *d)
{
	struct dsession *s = engine_active(d->engine);
	struct desk_view v = { 0 };

	if (!s || !s->m)
		return v;
	v.state = biounit_session_state(s->m);
	v.step = biounit_session_step(s->m);
	v.have_session = v.state != BIOUNIT_SESSION_FINISHED &&
			 v.state != BIOUNIT_SESSION_DISCARDED;
	return v;
}

static void apply_privacy(struct desk_gpio *g, bool on)
{
	struct daemon *d = g->d;
	struct dsession *s = d->engine ? engine_active(d->engine) : NULL;

	if (d->privacy == on)
		return;
	d->privacy = on;
	log_msg(LOG_INFO_, "privacy switch %s", on ? "on: the session is paused" : "off");
	screen_session(d, s);	/* blank while on, also with no session */
	if (!s || !s->m)
		return;
	if (on && !biounit_session_pause(s->m)) {
		session_commit(d, s, "privacy switch: paused");
		engine_session_changed(d->engine);
	} else if (!on && s->unit_present &&
		   biounit_session_state(s->m) == BIOUNIT_SESSION_PAUSED &&
		   !biounit_session_resume(s->m)) {
		session_commit(d, s, "privacy switch off: resumed");
		engine_session_changed(d->engine);
	} else if (!on) {
		/* still paused for the unit: followers see the switch itself */
		session_broadcast(d, s);
	}
}

static void pedal_pressed(struct desk_gpio *g)
{
	struct daemon *d = g->d;
	struct desk_view v = view_of(d);
	struct dsession *s = engine_active(d->engine);
	int r;

	switch (desk_pedal_action(&v)) {
	case DESK_PEDAL_ACCEPT:
		r = biounit_session_operator(s->m, BIOUNIT_OP_ACCEPT, NULL, realtime_ns());
		if (r) {
			log_msg(LOG_INFO_, "pedal: accept not possible now: %s", strerror(-r));
			return;
		}
		session_commit(d, s, "pedal accept");
		engine_session_changed(d->engine);
		break;
	case DESK_PEDAL_CAPTURE:
		r = engine_capture_now(d->engine);
		log_msg(LOG_INFO_, "pedal: %s", r ? "nothing to capture yet" : "capture now");
		break;
	default:
		log_msg(LOG_DEBUG_, "pedal: no session to act on");
		break;
	}
}

static void arm_timer(struct desk_gpio *g)
{
	struct itimerspec its = { 0 };
	uint64_t due = 0, now = now_ms();

	for (int i = 0; i < DESK_SIGNAL_COUNT; i++)
		if (g->sig[i].line && g->sig[i].db.armed && (!due || g->sig[i].db.due_ms < due))
			due = g->sig[i].db.due_ms;
	if (due) {
		uint64_t ms = due > now ? due - now : 1;

		its.it_value.tv_sec = (time_t)(ms / 1000);
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	}
	timerfd_settime(g->tfd, 0, &its, NULL);
}

static void settle(struct desk_gpio *g)
{
	uint64_t now = now_ms();

	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		struct desk_sig *s = &g->sig[i];
		int v;

		if (!s->line || !s->db.armed || now < s->db.due_ms)
			continue;
		v = gpiod_line_get_value(s->line);
		if (v < 0) {
			sig_gone(g, s);
			continue;
		}
		if (!desk_debounce_settle(&s->db, now, v))
			continue;
		if (s->id == DESK_PEDAL && v)
			pedal_pressed(g);
		else if (s->id == DESK_PRIVACY)
			apply_privacy(g, v);
	}
}

static void read_events(struct desk_gpio *g, struct desk_sig *s)
{
	struct gpiod_line_event ev;

	if (gpiod_line_event_read(s->line, &ev) < 0) {
		if (errno != EAGAIN && errno != EINTR)
			sig_gone(g, s);
		return;
	}
	desk_debounce_edge(&s->db, now_ms(), g->d->cfg.desk.debounce_ms);
}

static void read_udev(struct desk_gpio *g)
{
	struct udev_device *dev;
	bool changed = false;

	while ((dev = udev_monitor_receive_device(g->mon))) {
		changed = true;
		udev_device_unref(dev);
	}
	if (changed)
		rescan(g);
}

static void set_lamps(struct desk_gpio *g)
{
	struct desk_view v = view_of(g->d);
	bool lit[DESK_SIGNAL_COUNT] = { 0 };

	desk_lamps(&v, lit);
	for (int i = DESK_LAMP_WAIT; i <= DESK_LAMP_BUSY; i++) {
		struct desk_sig *s = &g->sig[i];

		if (!s->line || (s->lit_known && s->lit == lit[i]))
			continue;
		if (gpiod_line_set_value(s->line, lit[i]) < 0) {
			if (gpiod_line_update(s->line) < 0)
				sig_gone(g, s);
			else
				log_msg(LOG_ERR_, "%s: %s", desk_signal_key(s->id), strerror(errno));
			continue;
		}
		s->lit = lit[i];
		s->lit_known = true;
	}
}

int desk_gpio_open(struct daemon *d, struct desk_gpio **out, char *err, size_t errlen)
{
	struct desk_gpio *g = calloc(1, sizeof(*g));
	int r = 0;

	*out = NULL;
	if (!g)
		return -ENOMEM;
	g->d = d;
	g->tfd = -1;
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		g->sig[i].id = (enum desk_signal)i;
		g->sig[i].cfg = &d->cfg.desk.sig[i];
		g->sig[i].fd = -1;
		g->configured |= g->sig[i].cfg->set;
	}
	if (!g->configured) {
		*out = g;
		return 0;
	}
	g->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	g->udev = udev_new();
	if (g->tfd < 0 || !g->udev) {
		snprintf(err, errlen, "desk gpio: %s", strerror(errno ? errno : ENOMEM));
		desk_gpio_close(g);
		return -ENOMEM;
	}
	/* without udevd nobody re-broadcasts: listen to the kernel itself */
	g->mon = udev_monitor_new_from_netlink(g->udev, access("/run/udev/control", F_OK) == 0 ?
					       "udev" : "kernel");
	if (!g->mon || udev_monitor_filter_add_match_subsystem_devtype(g->mon, "gpio", NULL) < 0 ||
	    udev_monitor_enable_receiving(g->mon) < 0) {
		/* the signals work; only a chip that comes later is not seen */
		log_msg(LOG_WARN_, "desk gpio: no udev monitor: a gpiochip plugged in later is "
			"not picked up");
		udev_monitor_unref(g->mon);
		g->mon = NULL;
	} else {
		int fd = udev_monitor_get_fd(g->mon), fl = fcntl(fd, F_GETFL);

		if (fl >= 0)
			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	}
	for (int i = 0; i < DESK_SIGNAL_COUNT && !r; i++)
		r = sig_open(g, &g->sig[i], true, err, errlen) == -ENOENT ? -ENOENT : 0;
	if (r) {
		desk_gpio_close(g);
		return r;
	}
	*out = g;
	return 0;
}

void desk_gpio_close(struct desk_gpio *g)
{
	if (!g)
		return;
	for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
		/* the lamps go out with the daemon (a released line keeps its level otherwise) */
		if (g->sig[i].line && !desk_signal_is_input((enum desk_signal)i))
			gpiod_line_set_value(g->sig[i].line, 0);
		sig_close(&g->sig[i]);
	}
	if (g->mon)
		udev_monitor_unref(g->mon);
	if (g->udev)
		udev_unref(g->udev);
	if (g->tfd >= 0)
		close(g->tfd);
	free(g);
}

size_t desk_gpio_pollfds(struct desk_gpio *g, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (!g || !g->configured)
		return 0;
	if (g->mon && n < max)
		fds[n++] = (struct pollfd){ .fd = udev_monitor_get_fd(g->mon), .events = POLLIN };
	if (n < max)
		fds[n++] = (struct pollfd){ .fd = g->tfd, .events = POLLIN };
	for (int i = 0; i < DESK_SIGNAL_COUNT && n < max; i++)
		if (g->sig[i].line && g->sig[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = g->sig[i].fd, .events = POLLIN };
	return n;
}

void desk_gpio_dispatch(struct desk_gpio *g, const struct pollfd *fds, size_t n)
{
	if (!g || !g->configured)
		return;
	for (size_t k = 0; k < n; k++) {
		if (!fds[k].revents)
			continue;
		if (g->mon && fds[k].fd == udev_monitor_get_fd(g->mon)) {
			read_udev(g);
			continue;
		}
		if (fds[k].fd == g->tfd) {
			uint64_t ticks;

			if (read(g->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
				log_msg(LOG_ERR_, "desk gpio timer: %s", strerror(errno));
			continue;
		}
		for (int i = 0; i < DESK_SIGNAL_COUNT; i++) {
			struct desk_sig *s = &g->sig[i];

			if (!s->line || s->fd != fds[k].fd)
				continue;
			if (fds[k].revents & (POLLERR | POLLHUP | POLLNVAL))
				sig_gone(g, s);	/* 6.12 wakes a waiter of a removed chip */
			else
				read_events(g, s);
		}
	}
	settle(g);
	arm_timer(g);
	set_lamps(g);
}
