// SPDX-License-Identifier: GPL-2.0
/*
 * Scene scripts: one scene a line, fields separated by '|', the first the
 * scene (biounit_screen_scene_name()), the others KEY=VALUE (docs/screen.md).
 * Images and pen files are read relative to the script's directory.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <biounit/image.h>
#include "signature/signature.h"

#include "util/read_file.h"
#include "scene.h"

#define MAX_SCENES 256

struct scene {
	struct biounit_screen_state st;
	char name[64];
	char *texts[8];
	struct biounit_image *frame, *photo;
	struct biounit_image_view frame_v, photo_v;
	struct biounit_signature *ink;
};

struct scene_list {
	struct scene s[MAX_SCENES];
	size_t n;
};

static int steps_of(const char *v, uint32_t *out)
{
	char buf[128], *save = NULL;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "photo"))
			*out |= BIOUNIT_SCREEN_STEP_PHOTO;
		else if (!strcmp(t, "fingers"))
			*out |= BIOUNIT_SCREEN_STEP_FINGERS;
		else if (!strcmp(t, "signature"))
			*out |= BIOUNIT_SCREEN_STEP_SIGNATURE;
		else
			return -EINVAL;
	}
	return 0;
}

static int load_image(const char *dir, const char *v, struct biounit_image **img,
		      struct biounit_image_view *view)
{
	char path[1024];
	int r;

	snprintf(path, sizeof(path), "%s%s%s", v[0] == '/' ? "" : dir, v[0] == '/' ? "" : "/", v);
	r = biounit_image_load(path, img);
	if (!r)
		*view = biounit_image_get_view(*img);
	return r;
}

static int field(struct scene *sc, const char *dir, char *kv, const char **err)
{
	struct biounit_screen_state *st = &sc->st;
	char *v = strchr(kv, '=');
	char **text = NULL;
	int r = 0;

	if (!v) {
		*err = "a field without '='";
		return -EINVAL;
	}
	*v++ = '\0';
	if (!strcmp(kv, "prompt_nl"))
		text = (char **)&st->prompt_nl;
	else if (!strcmp(kv, "prompt_en"))
		text = (char **)&st->prompt_en;
	else if (!strcmp(kv, "advice_nl"))
		text = (char **)&st->advice_nl;
	else if (!strcmp(kv, "advice_en"))
		text = (char **)&st->advice_en;
	else if (!strcmp(kv, "reason_nl"))
		text = (char **)&st->reason_nl;
	else if (!strcmp(kv, "reason_en"))
		text = (char **)&st->reason_en;
	if (text) {
		for (size_t i = 0; i < 8; i++)
			if (!sc->texts[i]) {
				sc->texts[i] = strdup(v);
				*text = sc->texts[i];
				return sc->texts[i] ? 0 : -ENOMEM;
			}
		*err = "too many texts";
		return -EINVAL;
	}
	if (!strcmp(kv, "name")) {
		snprintf(sc->name, sizeof(sc->name), "%s", v);
	} else if (!strcmp(kv, "tone")) {
		st->tone = !strcmp(v, "good") ? BIOUNIT_SCREEN_TONE_GOOD
			   : !strcmp(v, "act") ? BIOUNIT_SCREEN_TONE_ACT : BIOUNIT_SCREEN_TONE_NEUTRAL;
	} else if (!strcmp(kv, "steps")) {
		r = steps_of(v, &st->steps);
	} else if (!strcmp(kv, "done")) {
		r = steps_of(v, &st->steps_done);
	} else if (!strcmp(kv, "now")) {
		r = steps_of(v, &st->step_now);
	} else if (!strcmp(kv, "frame")) {
		r = load_image(dir, v, &sc->frame, &sc->frame_v);
		st->frame = r ? NULL : &sc->frame_v;
		*err = "cannot read the frame";
	} else if (!strcmp(kv, "photo")) {
		r = load_image(dir, v, &sc->photo, &sc->photo_v);
		st->photo = r ? NULL : &sc->photo_v;
		*err = "cannot read the photo";
	} else if (!strcmp(kv, "guide")) {
		st->have_guide = atoi(v) != 0;
	} else if (!strcmp(kv, "finger")) {
		st->finger = (unsigned int)atoi(v);
	} else if (!strcmp(kv, "placed")) {
		st->finger_placed = atoi(v) != 0;
	} else if (!strcmp(kv, "attempt")) {
		if (sscanf(v, "%u/%u", &st->attempt, &st->max_attempts) != 2)
			r = -EINVAL;
	} else if (!strcmp(kv, "pen")) {
		char path[1024];
		unsigned int line = 0;

		snprintf(path, sizeof(path), "%s%s%s", v[0] == '/' ? "" : dir,
			 v[0] == '/' ? "" : "/", v);
		r = biounit_signature_load(path, &sc->ink, &line);
		st->ink = r ? NULL : sc->ink;
		*err = "cannot read the pen file";
	} else if (!strcmp(kv, "buttons")) {
		st->can_clear = strstr(v, "clear") != NULL;
		st->can_done = strstr(v, "done") != NULL;
	} else {
		*err = "unknown key";
		return -EINVAL;
	}
	if (r && (!*err || !strcmp(kv, "steps") || !strcmp(kv, "done") || !strcmp(kv, "now") ||
		  !strcmp(kv, "attempt")))
		*err = "bad value";
	return r;
}

static void scene_clear(struct scene *sc)
{
	for (size_t i = 0; i < 8; i++)
		free(sc->texts[i]);
	biounit_image_free(sc->frame);
	biounit_image_free(sc->photo);
	biounit_signature_free(sc->ink);
	memset(sc, 0, sizeof(*sc));
}

int scene_list_load(const char *path, struct scene_list **out)
{
	struct scene_list *sl;
	char *buf = NULL, *save = NULL, *copy, *dir;
	size_t len = 0;
	unsigned int lineno = 0;
	int r = util_read_file(path, 1u << 20, 0, &buf, &len);

	*out = NULL;
	if (r) {
		fprintf(stderr, "biounit-screen: %s: %s\n", path, strerror(-r));
		return 2;
	}
	copy = strdup(path);
	sl = calloc(1, sizeof(*sl));
	if (!copy || !sl) {
		free(copy);
		free(sl);
		free(buf);
		return 2;
	}
	dir = dirname(copy);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct scene *sc;
		char *fsave = NULL, *kind;
		const char *err = NULL;

		lineno++;
		line[strcspn(line, "\r")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (sl->n == MAX_SCENES) {
			fprintf(stderr, "biounit-screen: %s: more than %d scenes\n", path, MAX_SCENES);
			goto fail;
		}
		sc = &sl->s[sl->n];
		kind = strtok_r(line, "|", &fsave);
		sc->st.scene = BIOUNIT_SCREEN_SCENE_COUNT;
		for (int k = 0; k < BIOUNIT_SCREEN_SCENE_COUNT; k++)
			if (!strcmp(kind, biounit_screen_scene_name((enum biounit_screen_scene)k)))
				sc->st.scene = (enum biounit_screen_scene)k;
		if (sc->st.scene == BIOUNIT_SCREEN_SCENE_COUNT) {
			fprintf(stderr, "biounit-screen: %s:%u: unknown scene '%s'\n", path, lineno,
				kind);
			goto fail;
		}
		snprintf(sc->name, sizeof(sc->name), "%02zu-%s", sl->n + 1, kind);
		for (char *kv = strtok_r(NULL, "|", &fsave); kv; kv = strtok_r(NULL, "|", &fsave)) {
			err = NULL;
			if (field(sc, dir, kv, &err)) {
				fprintf(stderr, "biounit-screen: %s:%u: %s: %s\n", path, lineno, kv,
					err ? err : "bad value");
				scene_clear(sc);
				goto fail;
			}
		}
		if (sc->st.have_guide && sc->st.frame)
			biounit_face_preview_guide(NULL, sc->st.frame->width, sc->st.frame->height,
						   &sc->st.guide);
		sl->n++;
	}
	free(copy);
	free(buf);
	*out = sl;
	return 0;
fail:
	free(copy);
	free(buf);
	scene_list_free(sl);
	return 2;
}

void scene_list_free(struct scene_list *sl)
{
	if (!sl)
		return;
	for (size_t i = 0; i < sl->n; i++)
		scene_clear(&sl->s[i]);
	free(sl);
}

size_t scene_count(const struct scene_list *sl)
{
	return sl->n;
}

const struct biounit_screen_state *scene_state(const struct scene_list *sl, size_t i)
{
	return &sl->s[i].st;
}

const char *scene_name(const struct scene_list *sl, size_t i)
{
	return sl->s[i].name;
}

int scene_write_png(const uint32_t *px, uint32_t w, uint32_t h, const char *path)
{
	struct biounit_image *img;
	struct biounit_image_view v;
	uint8_t *d;
	int r = biounit_image_new(w, h, BIOUNIT_PIX_RGB24, &img);

	if (r)
		return r;
	d = biounit_image_data(img);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		d[3 * i] = (uint8_t)(px[i] >> 16);
		d[3 * i + 1] = (uint8_t)(px[i] >> 8);
		d[3 * i + 2] = (uint8_t)px[i];
	}
	v = biounit_image_get_view(img);
	r = biounit_image_save_png(&v, path);
	biounit_image_free(img);
	return r;
}

int scene_write_ppm(const uint32_t *px, uint32_t w, uint32_t h, const char *path)
{
	FILE *f = fopen(path, "wbe");
	int r = 0;

	if (!f)
		return -errno;
	fprintf(f, "P6\n%u %u\n255\n", w, h);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		uint8_t rgb[3] = { (uint8_t)(px[i] >> 16), (uint8_t)(px[i] >> 8), (uint8_t)px[i] };

		if (fwrite(rgb, 3, 1, f) != 1) {
			r = -EIO;
			break;
		}
	}
	if (fclose(f) && !r)
		r = -errno;
	if (r)
		unlink(path);
	return r;
}
