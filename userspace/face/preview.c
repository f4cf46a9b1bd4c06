// SPDX-License-Identifier: GPL-2.0
/*
 * Preview check for live frames: a coarse detection (240 px work image,
 * larger minimum face), one landmark fit, and the most important piece of
 * advice. The framing advice is the document crop's (window.c): while no
 * 35:45 window inside the frame meets the geometry rules, the applicant is
 * told which way to move, as the still's verdict would say.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "rules.h"

/* Head (crown-chin) share of the frame height the score prefers. */
#define PREVIEW_HEAD_MIN 0.45
#define PREVIEW_HEAD_MAX 0.70
#define PREVIEW_MIN_WINDOW 0.7

/*
 * The head the score prefers, in frame pixels: centred, crown to chin the
 * middle of PREVIEW_HEAD_MIN..MAX of the frame height, as wide as the photo
 * rules' middle head width is to their middle head height.
 */
static struct biounit_face_window preview_target(const struct face_limits *L, double W, double H)
{
	double hh = (PREVIEW_HEAD_MIN + PREVIEW_HEAD_MAX) / 2 * H;
	/* rules: shares of the 35:45 crop's width and height */
	double wr = (L->head_width_min + L->head_width_max) / 2 * 35.0 /
		    ((L->face_height_min + L->face_height_max) / 2 * 45.0);
	struct biounit_face_window t = { (float)(W / 2 - hh * wr / 2), (float)(H / 2 - hh / 2),
					 (float)(hh * wr), (float)hh };

	return t;
}

int biounit_face_preview_guide(const struct biounit_face_checker *fc, uint32_t width,
			       uint32_t height, struct biounit_face_window *out)
{
	if (!width || !height || !out)
		return -EINVAL;
	*out = preview_target(fc ? face_checker_limits(fc) : &face_default_limits, width, height);
	return 0;
}

static void advise(struct biounit_face_preview *out, enum biounit_face_advice a, double score)
{
	out->advice = a;
	out->score = score;
	biounit_face_advice_text(a, &out->msg_nl, &out->msg_en);
}

int biounit_face_preview_check(const struct biounit_face_checker *fc,
			       const struct biounit_image_view *v, struct biounit_face_preview *out)
{
	const struct biounit_detect_params dp = { 0.2f, 1.2f, 3, 240 };
	const struct face_limits *L;
	struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS];
	struct biounit_face_box boxes[4];
	struct face_geometry g;
	struct face_head hd;
	struct biounit_face_window win, target;
	struct tone_stats tone;
	double head, cx, cy, score;
	int move;
	size_t n = 0;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!fc || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	L = face_checker_limits(fc);
	ret = face_checker_detect(fc, v, &dp, boxes, 4, &n);
	if (ret)
		return ret;
	if (!n) {
		advise(out, BIOUNIT_FACE_ADVICE_NO_FACE, 0);
		return 0;
	}
	out->have_face = true;
	out->face = boxes[0];
	if (n > 1 && boxes[1].w >= L->other_face_min_share * boxes[0].w &&
	    boxes[1].neighbours >= L->other_face_min_votes * boxes[0].neighbours) {
		advise(out, BIOUNIT_FACE_ADVICE_ONE_PERSON, 0.1);
		return 0;
	}
	ret = face_checker_fit(fc, v, &boxes[0], pts);
	if (ret)
		return ret;
	face_geometry_from_landmarks(pts, face_checker_mean_shape(fc), &g);
	target = preview_target(L, v->width, v->height);
	head = (g.chin_y - g.crown_y - target.h) / v->height;
	cx = (g.mid_x - (target.x + target.w / 2)) / v->width;
	cy = ((g.crown_y + g.chin_y) / 2 - (target.y + target.h / 2)) / v->height;
	/* Score: 1 at the target (the screen's guide), falling with each deviation. */
	score = 1.0 - fmin(1, fabs(head) * 2) * 0.3 -
		fmin(1, fabs(cx) * 4) * 0.2 - fmin(1, fabs(cy) * 4) * 0.1 -
		fmin(1, fabs(g.roll_deg) / 20) * 0.2 - fmin(1, fabs(g.yaw_deg) / 30) * 0.2;
	hd = face_head_of(&g);
	/* The still is a frame of the same feed (as biounitd takes it): the
	 * crop's minimum height applies as it is, so that the preview says what
	 * the verdict would. A preview stream too small to hold that minimum
	 * asks for a window of at least 70 % of its height instead. */
	if (!face_window_solve(L, L->face_height_min, &hd, v->width, v->height,
			       v->height >= L->crop_height_min ? L->crop_height_min
							       : PREVIEW_MIN_WINDOW * v->height,
			       FACE_CROP_TOL, &win, &move))
		advise(out, (enum biounit_face_advice)move, score * 0.8);
	/* Image-right eye lower (positive roll): the head leans to the image
	 * right, which is the applicant's left; they should tilt to their right. */
	else if (g.roll_deg > L->roll_max)
		advise(out, BIOUNIT_FACE_ADVICE_TILT_RIGHT, score);
	else if (g.roll_deg < -L->roll_max)
		advise(out, BIOUNIT_FACE_ADVICE_TILT_LEFT, score);
	else if (fabs(g.yaw_deg) > L->yaw_max || fabs(g.pitch_deg) > L->pitch_max)
		advise(out, BIOUNIT_FACE_ADVICE_LOOK_STRAIGHT, score);
	else if (g.eye_open < L->eye_open_min)
		advise(out, BIOUNIT_FACE_ADVICE_OPEN_EYES, score * 0.5);
	else if (g.mouth_gap > L->mouth_gap_max)
		advise(out, BIOUNIT_FACE_ADVICE_CLOSE_MOUTH, score * 0.7);
	else {
		face_tone(v, pts, &tone);
		if (tone.p99 < L->exposure_min)
			advise(out, BIOUNIT_FACE_ADVICE_TOO_DARK, score * 0.7);
		else if (tone.clipped > L->clipping_max)
			advise(out, BIOUNIT_FACE_ADVICE_TOO_BRIGHT, score * 0.7);
		else
			advise(out, BIOUNIT_FACE_ADVICE_OK, score);
	}
	return 0;
}

int biounit_face_preview_burst(const struct biounit_face_checker *fc,
			       const struct biounit_image_view *frames, size_t n, size_t *best,
			       struct biounit_face_preview *out)
{
	struct biounit_face_preview p, keep;
	bool have = false, ok = false;
	size_t pick = 0;

	if (!fc || !best || (n && !frames))
		return -EINVAL;
	*best = 0;
	memset(&keep, 0, sizeof(keep));
	biounit_face_advice_text(BIOUNIT_FACE_ADVICE_NO_FACE, &keep.msg_nl, &keep.msg_en);
	keep.advice = BIOUNIT_FACE_ADVICE_NO_FACE;
	for (size_t i = 0; i < n; i++) {
		bool p_ok;
		int ret = biounit_face_preview_check(fc, &frames[i], &p);

		if (ret)
			return ret;
		p_ok = p.advice == BIOUNIT_FACE_ADVICE_OK;
		/* A compliant frame beats any other; then the higher score; the
		 * earlier frame on a tie. */
		if (!have || (p_ok && !ok) || (p_ok == ok && p.score > keep.score)) {
			keep = p;
			pick = i;
			ok = p_ok;
			have = true;
		}
	}
	*best = pick;
	if (out)
		*out = keep;
	return ok ? 0 : -ENOENT;
}
