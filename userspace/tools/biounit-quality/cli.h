/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers the biounit-quality sub-commands share. */
#ifndef BIOUNIT_QUALITY_CLI_H
#define BIOUNIT_QUALITY_CLI_H

#include <stdio.h>

/* Writes @s as a JSON string, quotes included, escaping what JSON requires. */
void cli_json_string(FILE *f, const char *s);

/* A one-line reason, for people, why an image file could not be loaded. */
const char *cli_load_error(int err);

#endif
