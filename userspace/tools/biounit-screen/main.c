// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-screen - the applicant's screen, by hand (docs/screen.md).
 *
 *   biounit-screen render --size WxH --out DIR [--ppm] SCRIPT
 *   biounit-screen show [--card NODE] [--wait MS] [--hold MS] SCRIPT
 *   biounit-screen status [--card NODE]
 *   biounit-screen planes [--card NODE] [--frames N] [--buffers N] [--hold MS]
 *                         [--check-capture] [--capture FILE.ppm]
 *                         [--camera SERIAL [--camera-size WxH]] SCRIPT
 *
 * SCRIPT holds one scene a line (docs/screen.md, "Scene scripts"). render
 * draws each into memory and writes DIR/NN-NAME.png (.ppm with --ppm); show
 * waits up to --wait ms for a display, then puts each scene on it (the first
 * card with a display, or --card), waits for its page
 * flip, prints "screen NN-NAME STATE" and holds it --hold ms. A display that is missing, busy or
 * unplugged is reported and retried, never an error. status prints the
 * display's state and why. planes tries the zero-copy plane path (zerocopy.c).
 * Exit status: 0 done, 1 a scene could not be
 * drawn, 2 usage or file error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zerocopy.h"
#include "scene.h"

void log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "biounit-screen: %s\n", line);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* run the display's loop for up to @ms, or until @until_flip flips were done;
 * @st (if not NULL) is drawn again when a display comes at another size */
static void pump(struct biounit_display *d, int ms, uint64_t until_flip,
		 const struct biounit_screen_state *st)
{
	uint64_t end = mono_ms() + (uint64_t)ms;

	for (;;) {
		struct pollfd p[2];
		int fds[2], t = biounit_display_timeout_ms(d);
		size_t n = biounit_display_pollfds(d, fds, 2);
		uint64_t now = mono_ms();

		if (until_flip && biounit_display_flips(d, NULL) >= until_flip)
			return;
		if (now >= end)
			return;
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (t < 0 || (uint64_t)t > end - now)
			t = (int)(end - now);
		poll(p, n, t);
		biounit_display_dispatch(d);
		if (st && biounit_display_take_redraw(d))
			biounit_display_show(d, st);
	}
}


static int usage(void)
{
	fprintf(stderr, "usage: biounit-screen render --size WxH --out DIR [--ppm] SCRIPT\n"
			"       biounit-screen show [--card NODE] [--wait MS] [--hold MS] SCRIPT\n"
			"       biounit-screen status [--card NODE]\n"
			"       biounit-screen planes [--card NODE] [--frames N] [--buffers N] [--hold MS]\n"
			"                      [--check-capture] [--capture FILE.ppm]\n"
			"                      [--camera SERIAL [--camera-size WxH]] SCRIPT\n");
	return 2;
}

int planes_usage(void)
{
	return usage();
}

static int cmd_render(int argc, char **argv)
{
	const char *out = NULL, *script = NULL;
	unsigned int w = 0, h = 0;
	bool ppm = false;
	struct scene_list *sl;
	struct biounit_screen *scr;
	uint32_t *px;
	int rc = 0, r;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (sscanf(argv[++i], "%ux%u", &w, &h) != 2)
				return usage();
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--ppm")) {
			ppm = true;
		} else if (!script && argv[i][0] != '-') {
			script = argv[i];
		} else {
			return usage();
		}
	}
	if (!out || !script || !w || !h)
		return usage();
	if (scene_list_load(script, &sl))
		return 2;
	r = biounit_screen_new(w, h, &scr);
	if (r) {
		fprintf(stderr, "biounit-screen: cannot draw %ux%u: %s\n", w, h, strerror(-r));
		scene_list_free(sl);
		return 2;
	}
	px = malloc((size_t)w * h * 4);
	for (size_t i = 0; px && i < scene_count(sl); i++) {
		char path[1024];

		r = biounit_screen_render(scr, scene_state(sl, i), px, w * 4);
		if (r) {
			fprintf(stderr, "biounit-screen: scene %s: %s\n", scene_name(sl, i),
				strerror(-r));
			rc = 1;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.%s", out, scene_name(sl, i), ppm ? "ppm" : "png");
		r = ppm ? scene_write_ppm(px, w, h, path) : scene_write_png(px, w, h, path);
		if (r) {
			fprintf(stderr, "biounit-screen: %s: %s\n", path, strerror(-r));
			rc = 2;
			continue;
		}
		printf("%s\n", path);
	}
	if (!px)
		rc = 2;
	free(px);
	biounit_screen_free(scr);
	scene_list_free(sl);
	return rc;
}

static int cmd_show(int argc, char **argv)
{
	const char *card = NULL, *script = NULL;
	int hold = 1000, wait = 0, rc = 0;
	struct scene_list *sl;
	struct biounit_display *d;
	int r;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
			wait = atoi(argv[++i]);
		else if (!script && argv[i][0] != '-')
			script = argv[i];
		else
			return usage();
	}
	if (!script || hold < 0 || wait < 0)
		return usage();
	if (scene_list_load(script, &sl))
		return 2;
	r = biounit_display_new(card, log_line, NULL, &d);
	if (r) {
		fprintf(stderr, "biounit-screen: cannot watch for displays: %s\n", strerror(-r));
		scene_list_free(sl);
		return 2;
	}
	/* wait for a display to show on (a busy or missing one is retried meanwhile) */
	for (uint64_t end = mono_ms() + (uint64_t)wait;
	     biounit_display_get_state(d) != BIOUNIT_DISPLAY_SHOWING && mono_ms() < end;)
		pump(d, 100, 0, NULL);
	for (size_t i = 0; i < scene_count(sl); i++) {
		uint64_t before = biounit_display_flips(d, NULL);

		r = biounit_display_show(d, scene_state(sl, i));
		if (r) {
			fprintf(stderr, "biounit-screen: scene %s: %s\n", scene_name(sl, i),
				strerror(-r));
			rc = 1;
			continue;
		}
		/* wait for it to be on the screen (a second at most) */
		if (biounit_display_get_state(d) == BIOUNIT_DISPLAY_SHOWING)
			pump(d, 1000, before + 1, scene_state(sl, i));
		printf("screen %s %s\n", scene_name(sl, i),
		       biounit_display_state_name(biounit_display_get_state(d)));
		fflush(stdout);
		pump(d, hold, 0, scene_state(sl, i));
	}
	biounit_display_free(d);
	scene_list_free(sl);
	return rc;
}

static int cmd_status(int argc, char **argv)
{
	const char *card = NULL;
	struct biounit_display *d;
	int r;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else
			return usage();
	}
	r = biounit_display_new(card, NULL, NULL, &d);
	if (r) {
		fprintf(stderr, "biounit-screen: cannot watch for displays: %s\n", strerror(-r));
		return 2;
	}
	printf("%s: %s\n", biounit_display_state_name(biounit_display_get_state(d)),
	       biounit_display_status(d));
	biounit_display_free(d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "render"))
		return cmd_render(argc, argv);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc, argv);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc, argv);
	if (!strcmp(argv[1], "planes"))
		return cmd_planes(argc, argv);
	return usage();
}
