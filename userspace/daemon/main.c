// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd: runs desk sessions on a biometrics unit and answers on a local
 * control socket (docs/biounitd.md).
 *
 *   biounitd [-c CONFIG] [--check-config]
 *
 * One poll loop: the control socket and its clients, the unit's hot-plug
 * monitor and the capture stream; two hand-off threads build and send
 * packages and hand their results back through fds in the loop's poll set
 * (handoff.c, worker.c), so the loop never waits on them. SIGTERM/SIGINT
 * end it cleanly; every session change is on disk before anyone is told of it, so a kill
 * loses at most the capture in progress.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "biounitd.h"

#define MAX_FDS 64

static int usage(FILE *f)
{
	fprintf(f, "usage: biounitd [-c CONFIG] [--check-config]\n"
		   "  -c CONFIG        configuration file (default /etc/biounit/biounitd.conf;\n"
		   "                   a missing default file means the built-in defaults)\n"
		   "  --check-config   read the configuration, print it and exit\n");
	return f == stderr ? 2 : 0;
}

static int load_face(struct daemon *d)
{
	char dir[512], *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", d->cfg.face_cache);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);	/* the cache is optional */
	}
	r = biounit_face_checker_new(d->cfg.face_cascade, d->cfg.face_landmarks,
				     d->cfg.face_cache, &d->face);
	if (r)
		log_msg(LOG_ERR_, "face models (%s, %s): %s", d->cfg.face_cascade,
			d->cfg.face_landmarks, strerror(-r));
	else if (biounit_face_checker_cache_note(d->face))
		log_msg(LOG_WARN_, "landmark cache %s: %s; the model was read from %s instead",
			d->cfg.face_cache, biounit_face_checker_cache_note(d->face),
			d->cfg.face_landmarks);
	return r;
}

/* --check-config: the configuration as the daemon would run with it */
static void print_config(const struct config *cfg)
{
	int i;

	printf("socket_path = %s\nstate_dir = %s\nunit = %s\nphoto_attempts = %u\n"
	       "finger_attempts = %u\nfinger_threshold = %u\nsignature_attempts = %u\n",
	       cfg->socket_path, cfg->state_dir, cfg->unit, cfg->policy.photo_attempts,
	       cfg->policy.finger_attempts, cfg->policy.finger_threshold,
	       cfg->policy.signature_attempts);
	printf("ordering_url = %s\nordering_ca = %s\noutbox_path = %s\nunit_key = %s\n",
	       cfg->ordering_url[0] ? cfg->ordering_url : "(none: packages wait in the outbox)",
	       cfg->ordering_ca[0] ? cfg->ordering_ca : "(the system's CA store)",
	       cfg->outbox_path[0] ? cfg->outbox_path : "(state_dir/outbox.db)",
	       cfg->unit_key[0] ? cfg->unit_key : "(state_dir/unit.key)");
	printf("ordering_proxy = %s\n", cfg->ordering_proxy[0] ? cfg->ordering_proxy :
	       "none (direct; the environment's proxy variables are ignored)");
	printf("ordering_client_cert = %s\nordering_client_key = %s\n",
	       cfg->ordering_client_cert[0] ? cfg->ordering_client_cert
					    : "(none: no client certificate)",
	       cfg->ordering_client_key[0] ? cfg->ordering_client_key : "(none)");
	printf("screen = %s\nscreen_kept_ms = %u\n", cfg->screen, cfg->screen_kept_ms);
	printf("photo_format = %s\n",
	       cfg->photo_pixelformat == BIOUNIT_FMT_XBGR32 ? "xbgr32" :
	       cfg->photo_pixelformat == BIOUNIT_FMT_RGB24 ? "rgb24" : "auto");
	printf("desk_gpio_chip = %s\ndesk_debounce_ms = %u\n",
	       cfg->desk.chip[0] ? cfg->desk.chip : "none", cfg->desk.debounce_ms);
	for (i = 0; i < DESK_SIGNAL_COUNT; i++) {
		const struct desk_line_config *lc = &cfg->desk.sig[i];

		if (lc->set)
			printf("%s = %s:%s%s\n", desk_signal_key(i), desk_signal_chip(&cfg->desk, i),
			       lc->line, lc->active_low ? " active-low" : "");
		else
			printf("%s = none\n", desk_signal_key(i));
	}
}

/* SIGTERM, SIGINT and SIGHUP as a descriptor in the poll set; -1 on error (logged) */
static int open_signals(void)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		log_msg(LOG_ERR_, "signalfd: %s", strerror(errno));
	return sfd;
}

/*
 * Everything the loop serves, in the order that fails fastest: the state
 * directory and its lock, the store, the desk's signals, the face models, the
 * hand-off, the stored sessions, the engine and the control socket. Returns
 * the lock's descriptor, or -1 after logging why the daemon cannot run.
 */
static int daemon_open(struct daemon *d)
{
	char err[512];
	int lockfd, r;

	/* owners and modes checked, and no second daemon on the same state */
	lockfd = statedir_open(&d->cfg);
	if (lockfd < 0)
		return -1;
	r = biounit_store_open(d->cfg.state_dir, &d->store);
	if (r) {
		log_msg(LOG_ERR_, "state directory %s: %s", d->cfg.state_dir, strerror(-r));
		return -1;
	}
	/* the desk's own signals (before the slow face models: a chip without a configured
	 * line name stops the daemon at once) */
	if (desk_gpio_open(d, &d->desk, err, sizeof(err))) {
		log_msg(LOG_ERR_, "%s", err);
		return -1;
	}
	if (load_face(d) || handoff_open(d))
		return -1;
	r = sessions_load_all(d);
	if (r)
		log_msg(LOG_WARN_, "reading stored sessions: %s", strerror(-r));
	r = engine_new(d, &d->engine);
	if (!r)
		r = server_open(&d->server, &d->cfg, d);
	if (r) {
		log_msg(LOG_ERR_, "control socket %s: %s", d->cfg.socket_path, strerror(-r));
		return -1;
	}
	/* finished sessions a crash left uncommitted, delivery states, wipes */
	handoff_startup(d);
	screen_open(d);
	return lockfd;
}

static void daemon_close(struct daemon *d)
{
	screen_close(d);
	desk_gpio_close(d->desk);
	engine_free(d->engine);
	server_close(d->server);
	sessions_free(d);
	handoff_close(d);
	biounit_face_checker_free(d->face);
	biounit_store_close(d->store);
}

/* the earliest of the parts' deadlines, -1 for none */
static int earliest_timeout_ms(struct daemon *d)
{
	int t[] = { engine_timeout_ms(d->engine), screen_timeout_ms(d),
		    handoff_timeout_ms(d), server_timeout_ms(d->server) };
	int timeout = -1;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] >= 0 && (timeout < 0 || t[i] < timeout))
			timeout = t[i];
	return timeout;
}

/* drains the signalfd: SIGHUP is ignored, the others end the loop */
static void read_signals(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo != SIGHUP)
			d->quit = true;
}

/*
 * The poll loop until a signal ends it. Slot 0 is the signalfd; each part
 * fills its own slots, keeping room for the parts after it.
 */
static void run_loop(struct daemon *d, int sfd)
{
	struct pollfd fds[MAX_FDS];
	uint64_t wd_ms, next_wd = 0;
	int r;

	wd_ms = d->cfg.watchdog_ms ? d->cfg.watchdog_ms : notify_watchdog_interval_ms();
	while (!d->quit) {
		size_t n = 0, ns, ne, nd;
		int timeout = earliest_timeout_ms(d);
		uint64_t now = now_ms();

		if (wd_ms) {
			if (now >= next_wd) {
				notify_watchdog();
				next_wd = now + wd_ms;
			}
			if (timeout < 0 || (uint64_t)timeout > next_wd - now)
				timeout = (int)(next_wd - now);
		}
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		ns = server_pollfds(d->server, fds + n, MAX_FDS - n - 20);
		n += ns;
		ne = engine_pollfds(d->engine, fds + n, MAX_FDS - n - 12);
		n += ne;
		n += handoff_pollfds(d, fds + n, MAX_FDS - n - 10);	/* read in handoff_tick() */
		n += screen_pollfds(d, fds + n, MAX_FDS - n - 8);	/* read in screen_tick() */
		nd = n;
		n += desk_gpio_pollfds(d->desk, fds + n, MAX_FDS - n);
		r = poll(fds, n, timeout);
		if (r < 0 && errno != EINTR) {
			log_msg(LOG_ERR_, "poll: %s", strerror(errno));
			break;
		}
		if (r > 0 && (fds[0].revents & POLLIN))
			read_signals(d, sfd);
		if (r > 0) {
			engine_dispatch(d->engine, fds + 1 + ns, ne);
			server_dispatch(d->server, fds + 1, ns);
		} else {
			server_dispatch(d->server, fds + 1, 0);
		}
		engine_tick(d->engine);
		handoff_tick(d);
		screen_tick(d);
		desk_gpio_dispatch(d->desk, fds + nd, r > 0 ? n - nd : 0);
	}
}

int main(int argc, char **argv)
{
	const char *cfg_path = "/etc/biounit/biounitd.conf";
	bool cfg_given = false, check = false;
	struct daemon d;
	char err[512];
	int sfd, lockfd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			cfg_path = argv[++i];
			cfg_given = true;
		} else if (!strcmp(argv[i], "--check-config")) {
			check = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return usage(stdout);
		} else {
			return usage(stderr);
		}
	}
	memset(&d, 0, sizeof(d));
	config_defaults(&d.cfg);
	if ((cfg_given || access(cfg_path, F_OK) == 0) &&
	    config_load(&d.cfg, cfg_path, err, sizeof(err))) {
		log_msg(LOG_ERR_, "%s", err);
		return 1;
	}
	if (check) {
		print_config(&d.cfg);
		return 0;
	}
	umask(077);
	sfd = open_signals();
	if (sfd < 0)
		return 1;
	lockfd = daemon_open(&d);
	if (lockfd < 0)
		return 1;
	log_msg(LOG_INFO_, "ready on %s (API %d, interface %s)", d.cfg.socket_path,
		BIOUNITD_API_VERSION, BIOUNITD_INTERFACE);
	notify_ready();
	run_loop(&d, sfd);
	notify_stopping();
	log_msg(LOG_INFO_, "stopping");
	daemon_close(&d);
	close(sfd);
	close(lockfd);
	return 0;
}
