/* SPDX-License-Identifier: GPL-2.0 */
/* Scene scripts of biounit-screen (docs/screen.md, "Scene scripts"). */
#ifndef BIOUNIT_SCREEN_SCENE_H
#define BIOUNIT_SCREEN_SCENE_H

#include <stddef.h>
#include <stdint.h>

#include "screen/screen.h"

struct scene_list;
/* 0, or 2 after saying on stderr what is wrong with which line */
int scene_list_load(const char *path, struct scene_list **out);
void scene_list_free(struct scene_list *sl);
size_t scene_count(const struct scene_list *sl);
const struct biounit_screen_state *scene_state(const struct scene_list *sl, size_t i);
/* "NN-KIND" or the line's name= */
const char *scene_name(const struct scene_list *sl, size_t i);
/* XRGB8888 pixels as an RGB PNG; 0 or -errno */
int scene_write_ppm(const uint32_t *px, uint32_t w, uint32_t h, const char *path);
int scene_write_png(const uint32_t *px, uint32_t w, uint32_t h, const char *path);

#endif
