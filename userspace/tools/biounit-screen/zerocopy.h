/* SPDX-License-Identifier: GPL-2.0 */
/* biounit-screen planes (zerocopy.c): the display's path for camera frames, tried. */
#ifndef BIOUNIT_SCREEN_ZEROCOPY_H
#define BIOUNIT_SCREEN_ZEROCOPY_H

#include "scene.h"

int cmd_planes(int argc, char **argv);
int planes_usage(void);
/* the display's log lines on stderr (main.c) */
void log_line(void *arg, const char *line);

#endif
