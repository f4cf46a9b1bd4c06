// SPDX-License-Identifier: GPL-2.0
/* The full check of a still: detection, landmarks, then every rule. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct biounit_face_checker {
	struct biounit_cascade *cascade;
	struct biounit_landmark_model *model;
	struct biounit_face_point mean_shape[BIOUNIT_FACE_LANDMARKS];
	struct face_limits limits;
};

/* Background: mean brightness, mean max-min channel difference, and
 * |left - right| brightness of the bands beside the head (docs/face-rules.md). */
#define BG_MIN_BRIGHTNESS 225.0
#define BG_MAX_CHROMA 20.0
#define BG_MAX_SIDE_DIFF 40.0
#define BG_MAX_SHADOW 14.0

/* Sources and the tuning of each number: docs/face-rules.md. */
const struct face_limits face_default_limits = {
	/* RvIG Fotomatrix model 2020: 35 x 45 mm, chin to crown 26-30 mm from
	 * age 11, 19-30 mm up to and including 10; ear base to ear base 16-20 mm. */
	.face_height_min = 26.0 / 45, .face_height_max = 30.0 / 45,
	.face_height_child_min = 19.0 / 45,
	.head_width_min = 16.0 / 35, .head_width_max = 20.0 / 35,
	.eye_line_min = 0.50, .eye_line_max = 0.70,
	.centre_min = 0.45, .centre_max = 0.55,
	.aspect_min = 0.70, .aspect_max = 0.86,
	.head_margin_min = 0.0,
	.ied_min = 90,
	.roll_max = 8, .yaw_max = 10, .pitch_max = 15,
	.bg_score_min = 0,
	.eye_open_min = 0.18,
	.mouth_gap_max = 0.08,
	.smile_max = 0.08,
	.exposure_min = 95,	/* 99th percentile of the face's brightness */
	.clipping_max = 0.25,
	.contrast_min = 5.75,	/* entropy of the face's brightness, bits */
	.sharpness_min = 26,
	.skin_blue_red_min = 0.47, .skin_blue_red_max = 0.96,
	.crop_height_min = BIOUNIT_FACE_CROP_HEIGHT,	/* 400 dpi over 45 mm */
	.covering_texture_max = 8,
	.covering_spread_max = 6,
	.covering_contrast_min = 60,
	.hair_ears_max = 0.65,
	.hair_eyes_max = 0.48,
	.gaze_max = 0.12,
	.other_face_min_share = 0.3,
	.other_face_min_votes = 0.2,
};

void rule_judge(struct biounit_face_verdict *v, enum biounit_face_rule rule, double value,
		double min, double max)
{
	bool ok = isfinite(value) && !(value < min) && !(value > max);

	rule_set(v, rule, ok ? BIOUNIT_FACE_PASS : BIOUNIT_FACE_FAIL, value, min, max);
}

int biounit_face_checker_new(const char *cascade_path, const char *landmark_path,
			     const char *cache_path, struct biounit_face_checker **out)
{
	struct biounit_face_checker *fc;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	fc->limits = face_default_limits;
	ret = biounit_cascade_load(cascade_path ? cascade_path : BIOUNIT_FACE_CASCADE_PATH,
				   &fc->cascade);
	if (!ret)
		ret = biounit_landmark_model_load(landmark_path ? landmark_path
								: BIOUNIT_FACE_LANDMARK_PATH,
						  cache_path, &fc->model);
	if (ret) {
		biounit_face_checker_free(fc);
		return ret;
	}
	biounit_landmark_model_mean_shape(fc->model, fc->mean_shape);
	*out = fc;
	return 0;
}

const char *biounit_face_checker_cache_note(const struct biounit_face_checker *fc)
{
	return fc ? biounit_landmark_model_cache_note(fc->model) : NULL;
}

void biounit_face_checker_free(struct biounit_face_checker *fc)
{
	if (!fc)
		return;
	biounit_cascade_free(fc->cascade);
	biounit_landmark_model_free(fc->model);
	free(fc);
}

const struct face_limits *face_checker_limits(const struct biounit_face_checker *fc)
{
	return &fc->limits;
}

const struct biounit_face_point *face_checker_mean_shape(const struct biounit_face_checker *fc)
{
	return fc->mean_shape;
}

int face_checker_detect(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
			const struct biounit_detect_params *p, struct biounit_face_box *boxes,
			size_t max, size_t *n)
{
	return biounit_cascade_detect(fc->cascade, v, p, boxes, max, n);
}

/* Haar box -> dlib-style box -> fit -> box from the fit -> fit again. */
int face_checker_fit(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
			 const struct biounit_face_box *haar, struct biounit_face_point *pts)
{
	struct biounit_face_box box = biounit_face_box_to_dlib(haar);
	int ret = 0;

	for (int pass = 0; pass < 2 && !ret; pass++) {
		ret = biounit_landmarks_fit(fc->model, v, &box, pts);
		box = biounit_landmarks_box_from_points(fc->model, pts);
	}
	return ret;
}

/* The background verdict combines brightness, colour and the difference
 * between the two sides (a shadow) into one margin in grey levels: >= 0
 * passes. Numbers and their tuning: docs/face-rules.md. */
static double background_margin(const struct bg_stats *b)
{
	double m = b->mean_l - BG_MIN_BRIGHTNESS;

	m = fmin(m, BG_MAX_CHROMA - b->chroma);
	m = fmin(m, BG_MAX_SIDE_DIFF - b->side_diff);
	m = fmin(m, BG_MAX_SHADOW - b->shadow);
	return b->samples ? m : -255;
}

/* Head covering, hair over ears and eyes, gaze (docs/face-rules.md). */
static void judge_covering_hair_gaze(const struct biounit_image_view *v, const struct face_limits *L,
				     const struct face_geometry *g, const struct bg_stats *bg,
				     struct biounit_face_verdict *out)
{
	struct covering_stats cov;
	double x;

	face_covering(v, g, out->landmarks, bg, &cov);
	out->head_covering = cov.present;
	if (cov.present) {
		rule_judge(out, BIOUNIT_FACE_RULE_COVERING_SMOOTH, cov.texture, NAN,
			   L->covering_texture_max);
		rule_judge(out, BIOUNIT_FACE_RULE_COVERING_COLOUR, cov.spread, NAN,
			   L->covering_spread_max);
		rule_judge(out, BIOUNIT_FACE_RULE_COVERING_CONTRAST, cov.contrast,
			   L->covering_contrast_min, NAN);
		rule_set_na(out, BIOUNIT_FACE_RULE_HAIR_EARS, NAN, L->hair_ears_max,
			    "De oren mogen door het hoofddeksel bedekt zijn.",
			    "The ears may be covered by the head covering.");
	} else {
		static const char nl[] = "Geen hoofddeksel gezien.", en[] = "No head covering seen.";

		rule_set_na(out, BIOUNIT_FACE_RULE_COVERING_SMOOTH, NAN, L->covering_texture_max, nl, en);
		rule_set_na(out, BIOUNIT_FACE_RULE_COVERING_COLOUR, NAN, L->covering_spread_max, nl, en);
		rule_set_na(out, BIOUNIT_FACE_RULE_COVERING_CONTRAST, L->covering_contrast_min, NAN,
			    nl, en);
		x = face_hair_over_ears(v, g, out->landmarks, bg);
		if (isnan(x))
			rule_set_na(out, BIOUNIT_FACE_RULE_HAIR_EARS, NAN, L->hair_ears_max,
				    "Oren niet te beoordelen (achtergrond niet licht en egaal).",
				    "Ears cannot be judged (background not light and plain).");
		else
			rule_judge(out, BIOUNIT_FACE_RULE_HAIR_EARS, x, NAN, L->hair_ears_max);
	}
	x = face_hair_over_eyes(v, g, out->landmarks);
	if (isnan(x))
		rule_set_na(out, BIOUNIT_FACE_RULE_HAIR_EYES, NAN, L->hair_eyes_max,
			    "Niet te beoordelen (gezicht te klein).", "Cannot be judged (face too small).");
	else
		rule_judge(out, BIOUNIT_FACE_RULE_HAIR_EYES, x, NAN, L->hair_eyes_max);
	x = g->eye_open >= L->eye_open_min ? face_gaze(v, out->landmarks) : NAN;
	if (isnan(x))
		rule_set_na(out, BIOUNIT_FACE_RULE_GAZE, -L->gaze_max, L->gaze_max,
			    "Kijkrichting niet te beoordelen (ogen te klein of dicht).",
			    "Gaze cannot be judged (eyes too small or closed).");
	else
		rule_judge(out, BIOUNIT_FACE_RULE_GAZE, x, -L->gaze_max, L->gaze_max);
}

/* The framing rules: they judge size, position and format, which the crop
 * sets; the other rules judge the photo and carry over from the frame. */
bool biounit_face_rule_is_geometry(enum biounit_face_rule rule)
{
	switch (rule) {
	case BIOUNIT_FACE_RULE_FACE_HEIGHT:
	case BIOUNIT_FACE_RULE_HEAD_WIDTH:
	case BIOUNIT_FACE_RULE_EYE_LINE:
	case BIOUNIT_FACE_RULE_CENTRED:
	case BIOUNIT_FACE_RULE_ASPECT:
	case BIOUNIT_FACE_RULE_HEAD_IN_FRAME:
	case BIOUNIT_FACE_RULE_EYE_DISTANCE:
	case BIOUNIT_FACE_RULE_RESOLUTION:
	case BIOUNIT_FACE_RULE_CROP_FITS:
		return true;
	default:
		return false;
	}
}

/* The largest window any crop of this head could take (the smallest head
 * share, centred as loosely as the rules allow): the background rules look
 * there and no further, in a frame and in its crop alike. */
static struct biounit_face_window crop_reach(const struct face_limits *L, double head_min,
					     const struct face_head *h)
{
	double wh = (h->chin_y - h->crown_y) / head_min, ww = wh * 35.0 / 45.0;
	double cx = fmax(L->centre_max, 1 - L->centre_min);
	struct biounit_face_window w = {
		(float)(h->mid_x - cx * ww), (float)(h->eye_y - (1 - L->eye_line_min) * wh),
		(float)(2 * cx * ww), (float)wh
	};

	return w;
}

/* The window a crop at the centre of every band would take (crown from the
 * landmarks): where the crown's background reference is taken. */
static struct biounit_face_window crop_nominal(const struct face_limits *L, double head_min,
					       const struct face_head *h)
{
	double wh = (h->chin_y - h->crown_y) / ((head_min + L->face_height_max) / 2);
	double ww = wh * 35.0 / 45.0;
	struct biounit_face_window w = {
		(float)(h->mid_x - (L->centre_min + L->centre_max) / 2 * ww),
		(float)(h->eye_y - (1 - (L->eye_line_min + L->eye_line_max) / 2) * wh),
		(float)ww, (float)wh
	};

	return w;
}

/* Geometry: head size and width, position, format, and whether a document
 * crop fits inside the image (with the way to move when none does). */
static void judge_geometry(const struct biounit_image_view *v, const struct face_limits *L,
			   double head_min, const struct face_head *h, const struct face_geometry *g,
			   struct biounit_face_verdict *out)
{
	double head_h = h->chin_y - h->crown_y, W = v->width, H = v->height;
	int advice;
	bool fits;

	rule_judge(out, BIOUNIT_FACE_RULE_FACE_HEIGHT, head_h / H, head_min, L->face_height_max);
	rule_judge(out, BIOUNIT_FACE_RULE_HEAD_WIDTH, h->head_w / W, L->head_width_min,
		   L->head_width_max);
	rule_judge(out, BIOUNIT_FACE_RULE_EYE_LINE, (H - h->eye_y) / H, L->eye_line_min,
		   L->eye_line_max);
	rule_judge(out, BIOUNIT_FACE_RULE_CENTRED, h->mid_x / W, L->centre_min, L->centre_max);
	rule_judge(out, BIOUNIT_FACE_RULE_ASPECT, W / H, L->aspect_min, L->aspect_max);
	rule_judge(out, BIOUNIT_FACE_RULE_HEAD_IN_FRAME, fmin(h->crown_y, H - h->chin_y) / H,
		   L->head_margin_min, NAN);
	rule_judge(out, BIOUNIT_FACE_RULE_EYE_DISTANCE, g->ied, L->ied_min, NAN);

	fits = face_window_solve(L, head_min, h, W, H, L->crop_height_min, FACE_CROP_TOL,
				 &out->crop, &advice);
	if (!fits) {
		/* A photo that already meets every framing rule is its own crop. */
		bool own = true;

		for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
			if (biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
			    out->results[r].status == BIOUNIT_FACE_FAIL)
				own = false;
		if (own && H >= L->crop_height_min) {
			struct biounit_face_window all = { 0, 0, (float)W, (float)H };

			out->crop = all;
			fits = true;
		}
	}
	out->crop_fits = fits;
	out->crop_advice = fits ? BIOUNIT_FACE_ADVICE_OK : advice;
	rule_judge(out, BIOUNIT_FACE_RULE_RESOLUTION,
		   fits ? out->crop.h : fmin(head_h / ((head_min + L->face_height_max) / 2), H),
		   L->crop_height_min, NAN);
	rule_judge(out, BIOUNIT_FACE_RULE_CROP_FITS, fits, 1, NAN);
	if (!fits)
		biounit_face_advice_text((enum biounit_face_advice)advice,
					 &out->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_nl,
					 &out->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_en);
}

int biounit_face_check(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
		       struct biounit_face_verdict *out)
{
	return biounit_face_check_age(fc, v, BIOUNIT_FACE_AGE_11_PLUS, out);
}

/*
 * Finds the face and fits its landmarks into @out: the cascade's largest box,
 * or, when the cascade sees none, a face rolled further than it tolerates.
 * Counts the other faces big and sure enough to matter. Returns 0 with
 * @out->have_face false when there is no face at all.
 */
static int find_face(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
		     struct biounit_face_verdict *out)
{
	const struct face_limits *L = &fc->limits;
	struct biounit_face_box boxes[16];
	size_t n = 0, i;
	double a;
	int ret;

	ret = biounit_cascade_detect(fc->cascade, v, NULL, boxes, 16, &n);
	if (ret)
		return ret;
	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		if (boxes[i].w >= L->other_face_min_share * boxes[0].w &&
		    (i == 0 || boxes[i].neighbours >= L->other_face_min_votes * boxes[0].neighbours))
			out->faces++;
	if (n) {
		out->face = boxes[0];
		ret = face_checker_fit(fc, v, &boxes[0], out->landmarks);
		if (ret)
			return ret;
		out->have_face = true;
		return 0;
	}
	/* A face rolled by more than the cascade tolerates (docs/face-rules.md). */
	a = face_detect_rotated(fc, v, &out->face, out->landmarks);
	if (isnan(a))
		return 0;
	out->detect_angle_deg = (float)a;
	out->faces = 1;
	out->have_face = true;
	return 0;
}

/*
 * The head's geometry from the landmarks, with the crown taken from the
 * head's outline where the outline is near the anthropometric estimate.
 */
static void locate_head(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
			double head_min, struct face_geometry *g, struct face_head *head,
			struct biounit_face_verdict *out)
{
	struct biounit_face_window nominal;
	double crown;

	face_geometry_from_landmarks(out->landmarks, fc->mean_shape, g);
	out->eye_left = g->eye_l;
	out->eye_right = g->eye_r;
	*head = face_head_of(g);
	nominal = crop_nominal(&fc->limits, head_min, head);
	crown = face_crown_from_outline(v, g, out->landmarks, &nominal);
	/* Trust the outline only near the anthropometric estimate. */
	if (isfinite(crown) && fabs(crown - g->crown_y) < 0.25 * (g->chin_y - g->crown_y))
		g->crown_y = crown;
	out->crown_y = (float)g->crown_y;
	out->chin_y = (float)g->chin_y;
	head->crown_y = g->crown_y;
}

/* Exposure, clipping, contrast, colour and sharpness of the face. */
static void judge_light_and_focus(const struct face_limits *L, const struct biounit_image_view *v,
				  struct biounit_face_verdict *out)
{
	struct tone_stats tone;
	double whites;

	face_tone(v, out->landmarks, &tone);
	/* Exposure and contrast relative to the face's own tone, as ISO/IEC
	 * 29794-5 judges them: the light, seen on what reflects it alike on
	 * every face (the brighter of the skin's highlights and the whites of
	 * the eyes), and the spread of the histogram; not the mean, which is the
	 * skin's tone (docs/face-rules.md). Over-exposure is the clipping rule. */
	whites = face_eye_whites(v, out->landmarks);
	rule_judge(out, BIOUNIT_FACE_RULE_EXPOSURE, isnan(whites) ? tone.p99 : fmax(tone.p99, whites),
		   L->exposure_min, NAN);
	rule_judge(out, BIOUNIT_FACE_RULE_CLIPPING, tone.clipped, NAN, L->clipping_max);
	rule_judge(out, BIOUNIT_FACE_RULE_CONTRAST, tone.entropy, L->contrast_min, NAN);
	/* Skin seen in neutral light has clearly less blue than red: a grey
	 * photo gives 1, a blue cast more, a warm (orange) cast much less. */
	rule_judge(out, BIOUNIT_FACE_RULE_COLOUR, tone.rgb[0] > 0 ? tone.rgb[2] / tone.rgb[0] : NAN,
		   L->skin_blue_red_min, L->skin_blue_red_max);
	rule_judge(out, BIOUNIT_FACE_RULE_SHARPNESS, face_sharpness(v, out->landmarks),
		   L->sharpness_min, NAN);
}

int biounit_face_check_age(const struct biounit_face_checker *fc,
			   const struct biounit_image_view *v, enum biounit_face_age age,
			   struct biounit_face_verdict *out)
{
	const struct face_limits *L;
	struct biounit_face_window reach;
	struct face_geometry g;
	struct face_head head;
	struct bg_stats bg;
	double head_min;
	size_t i;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!fc || !out || (unsigned int)age >= BIOUNIT_FACE_AGE_COUNT)
		return -EINVAL;
	L = &fc->limits;
	head_min = age == BIOUNIT_FACE_AGE_11_PLUS ? L->face_height_min : L->face_height_child_min;
	memset(out, 0, sizeof(*out));
	out->age = age;
	out->crop_advice = BIOUNIT_FACE_ADVICE_NO_FACE;
	for (i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++)
		rule_set(out, (enum biounit_face_rule)i, BIOUNIT_FACE_NOT_JUDGED, NAN, NAN, NAN);

	ret = find_face(fc, v, out);
	if (ret)
		return ret;
	if (!out->have_face) {
		rule_judge(out, BIOUNIT_FACE_RULE_ONE_FACE, 0, 1, 1);
		out->compliant = false;
		return 0;
	}
	locate_head(fc, v, head_min, &g, &head, out);

	rule_judge(out, BIOUNIT_FACE_RULE_ONE_FACE, out->faces, 1, 1);
	judge_geometry(v, L, head_min, &head, &g, out);
	rule_judge(out, BIOUNIT_FACE_RULE_ROLL, g.roll_deg, -L->roll_max, L->roll_max);
	rule_judge(out, BIOUNIT_FACE_RULE_YAW, g.yaw_deg, -L->yaw_max, L->yaw_max);
	rule_judge(out, BIOUNIT_FACE_RULE_PITCH, g.pitch_deg, -L->pitch_max, L->pitch_max);

	reach = crop_reach(L, head_min, &head);
	background_stats(v, &g, out->landmarks, &reach, &bg);
	rule_judge(out, BIOUNIT_FACE_RULE_BACKGROUND, background_margin(&bg), L->bg_score_min, NAN);

	rule_judge(out, BIOUNIT_FACE_RULE_EYES_OPEN, g.eye_open, L->eye_open_min, NAN);
	rule_judge(out, BIOUNIT_FACE_RULE_MOUTH_CLOSED, g.mouth_gap, NAN, L->mouth_gap_max);
	rule_judge(out, BIOUNIT_FACE_RULE_NEUTRAL, g.smile, NAN, L->smile_max);

	judge_light_and_focus(L, v, out);
	judge_covering_hair_gaze(v, L, &g, &bg, out);

	/* Children under 6: head level, neutral expression, looking into the
	 * camera and mouth closed are waived (Fotomatrix 2020, docs/face-rules.md). */
	if (age == BIOUNIT_FACE_AGE_UNDER_6) {
		rule_waive(out, BIOUNIT_FACE_RULE_ROLL);
		rule_waive(out, BIOUNIT_FACE_RULE_NEUTRAL);
		rule_waive(out, BIOUNIT_FACE_RULE_MOUTH_CLOSED);
		rule_waive(out, BIOUNIT_FACE_RULE_GAZE);
	}

	out->compliant = true;
	for (i = 0; i < BIOUNIT_FACE_RULE_COUNT; i++)
		if (out->results[i].status == BIOUNIT_FACE_FAIL)
			out->compliant = false;
	return 0;
}

/* The frame's verdict when there is no crop: the framing rules are not
 * judged (there is no photo to judge the framing of), crop_fits says why. */
static void verdict_without_crop(const struct biounit_face_verdict *frame,
				 struct biounit_face_verdict *out)
{
	*out = *frame;
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
		if (biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
		    r != BIOUNIT_FACE_RULE_CROP_FITS && out->have_face) {
			rule_set(out, (enum biounit_face_rule)r, BIOUNIT_FACE_NOT_JUDGED, NAN, NAN, NAN);
			out->results[r].msg_nl = "Niet beoordeeld: er past geen pasfoto in het beeld.";
			out->results[r].msg_en = "Not judged: no passport photo fits in the picture.";
		}
	out->compliant = false;
}

static bool framing_passes(const struct biounit_face_verdict *v)
{
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
		if (biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
		    v->results[r].status == BIOUNIT_FACE_FAIL)
			return false;
	return true;
}

int biounit_face_check_frame(const struct biounit_face_checker *fc,
			     const struct biounit_image_view *v, enum biounit_face_age age,
			     uint32_t out_h, struct biounit_image **crop,
			     struct biounit_face_verdict *out)
{
	struct biounit_face_verdict *frame;
	struct biounit_image_view cv;
	int ret;

	if (!crop || !out)
		return -EINVAL;
	*crop = NULL;
	frame = malloc(sizeof(*frame));
	if (!frame)
		return -ENOMEM;
	ret = biounit_face_check_age(fc, v, age, frame);
	if (ret || !frame->have_face || !frame->crop_fits) {
		if (!ret)
			verdict_without_crop(frame, out);
		free(frame);
		return ret;
	}
	ret = biounit_face_crop(v, frame, out_h, crop);
	if (!ret) {
		cv = biounit_image_get_view(*crop);
		ret = biounit_face_check_age(fc, &cv, age, out);
	}
	if (!ret && out->have_face && !framing_passes(out)) {
		/* A head that fits the template only at its limits (the window
		 * was solved with a smaller margin, window.c) and is measured
		 * outside them on the crop: no crop, the officer judges. */
		ret = 1;
		frame->crop_fits = false;
		frame->crop_advice = BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS;
		rule_set(frame, BIOUNIT_FACE_RULE_CROP_FITS, BIOUNIT_FACE_FAIL, 0, 1, NAN);
		biounit_face_advice_text(BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS,
					 &frame->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_nl,
					 &frame->results[BIOUNIT_FACE_RULE_CROP_FITS].msg_en);
		verdict_without_crop(frame, out);
	}
	if (ret) {
		biounit_image_free(*crop);
		*crop = NULL;
		free(frame);
		return ret > 0 ? 0 : ret;
	}
	/* What the crop leaves out must not hide a fault seen on the frame. */
	for (int r = 0; r < BIOUNIT_FACE_RULE_COUNT; r++)
		if (!biounit_face_rule_is_geometry((enum biounit_face_rule)r) &&
		    r != BIOUNIT_FACE_RULE_ONE_FACE &&	/* counted in the crop: who is in the photo */
		    frame->results[r].status == BIOUNIT_FACE_FAIL &&
		    out->results[r].status != BIOUNIT_FACE_FAIL) {
			out->results[r] = frame->results[r];
			out->compliant = false;
		}
	free(frame);
	return 0;
}
