/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to the face module: measurements shared by the rule files. */
#ifndef BIOUNIT_FACE_RULES_H
#define BIOUNIT_FACE_RULES_H

#include "face/face.h"

#include "raster.h"

struct rule_text {
	const char *id, *unit;
	const char *fail_nl, *fail_en;
};

const struct rule_text *rule_text_of(enum biounit_face_rule rule);

/* Fills v->results[rule]; messages follow the status. */
void rule_set(struct biounit_face_verdict *v, enum biounit_face_rule rule,
	      enum biounit_face_status status, double value, double min, double max);

/* A rule that does not apply to this photo: PASS, value NaN, own message. */
void rule_set_na(struct biounit_face_verdict *v, enum biounit_face_rule rule, double min,
		 double max, const char *nl, const char *en);

/* Waived for this age band (children under 6): PASS, value kept, own message. */
void rule_waive(struct biounit_face_verdict *v, enum biounit_face_rule rule);

/* Sets a result: PASS when min <= value <= max (NaN bounds are open). */
void rule_judge(struct biounit_face_verdict *v, enum biounit_face_rule rule, double value,
		double min, double max);

/* Geometry from the 68 landmarks (image coordinates). */
struct face_geometry {
	struct biounit_face_point eye_l, eye_r;	/* image-left and image-right eye centres */
	double ied;			/* inter-eye distance, px */
	double roll_deg;		/* + = image-right eye lower */
	double yaw_deg, pitch_deg;	/* estimates */
	double eye_open;		/* eye height / width of the less open eye */
	double head_w;			/* ear base to ear base (jaw points 0 and 16), px */
	double mouth_gap;		/* inner-lip gap / mouth width */
	double smile;			/* mouth-corner lift / mouth width */
	double mouth_width_ied;		/* mouth width / inter-eye distance */
	double chin_y, crown_y;		/* image rows */
	double mid_x;			/* face mid-line */
};

/* @mean: the model mean shape, the reference for the pitch estimate. */
void face_geometry_from_landmarks(const struct biounit_face_point *p,
				  const struct biounit_face_point *mean, struct face_geometry *g);

/* Thresholds, documented in docs/face-rules.md. */
struct face_limits {
	double face_height_min, face_height_max;	/* from age 11 */
	double face_height_child_min;			/* up to and including age 10 */
	double head_width_min, head_width_max;
	double eye_line_min, eye_line_max;
	double centre_min, centre_max;
	double aspect_min, aspect_max;
	double head_margin_min;
	double ied_min;
	double roll_max, yaw_max, pitch_max;
	double bg_score_min;
	double eye_open_min;
	double mouth_gap_max;
	double smile_max;
	double exposure_min;		/* face highlights (99th percentile) */
	double clipping_max;
	double contrast_min;
	double sharpness_min;
	double skin_blue_red_min, skin_blue_red_max;
	double crop_height_min;
	double covering_texture_max;	/* covering_smooth */
	double covering_spread_max;	/* covering_single_colour */
	double covering_contrast_min;	/* covering_contrast */
	double hair_ears_max, hair_eyes_max;
	double gaze_max;
	double other_face_min_share;	/* a second face counts when >= this share of the largest */
	double other_face_min_votes;	/* ... and has >= this share of its detector hits */
};

extern const struct face_limits face_default_limits;

/* The head as the geometry rules see it, in image pixels. */
struct face_head {
	double crown_y, chin_y, eye_y, mid_x, head_w;
};

static inline struct face_head face_head_of(const struct face_geometry *g)
{
	struct face_head h = { g->crown_y, g->chin_y, (g->eye_l.y + g->eye_r.y) / 2, g->mid_x,
			       g->head_w };

	return h;
}

/*
 * The 35:45 window inside a W x H image that meets every geometry rule of
 * @L (head share from @head_min, head width, centring, eye line, head in
 * frame, at least @min_h rows), each band narrowed by @tol of its width on
 * both sides, or by less (down to none) when no window fits at @tol; among
 * those, the one nearest the bands' centres. Returns true
 * and fills @win, or false and fills *@advice (enum biounit_face_advice)
 * with the way the applicant or the camera must move.
 */
bool face_window_solve(const struct face_limits *L, double head_min, const struct face_head *h,
		       double W, double H, double min_h, double tol, struct biounit_face_window *win,
		       int *advice);

/* Narrowing of the bands for the crop, so that a re-check of the crop passes
 * (the widest margin tried; window.c). */
#define FACE_CROP_TOL 0.2

/* Accessors of the checker for the preview. */
const struct face_limits *face_checker_limits(const struct biounit_face_checker *fc);
const struct biounit_face_point *face_checker_mean_shape(const struct biounit_face_checker *fc);
int face_checker_detect(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
			const struct biounit_detect_params *p, struct biounit_face_box *boxes,
			size_t max, size_t *n);
/* Landmarks for a detector box: dlib-style box, fit, refit in the fitted box. */
int face_checker_fit(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
		     const struct biounit_face_box *haar, struct biounit_face_point *pts);

/* Crown (top of the head, hair included) from the outline against a plain
 * light background; NAN when that cannot be judged. */
double face_crown_from_outline(const struct biounit_image_view *v, const struct face_geometry *g,
			       const struct biounit_face_point *p,
			       const struct biounit_face_window *near);

/* Background statistics over the bands beside and above the head. */
struct bg_stats {
	double mean_l;		/* mean (R+G+B)/3 */
	double std_l;		/* spread of brightness (uniformity, shadows, gradients) */
	double chroma;		/* mean max-min channel difference */
	double texture;		/* mean absolute difference of neighbouring samples */
	double side_diff;	/* |left band - right band| brightness */
	double shadow;		/* bright background minus its darkest smooth cell */
	double rgb[3];		/* mean colour */
	uint32_t samples;
};

/* @near: the part of the image any document crop of this head could take
 * (the bands are clipped to it, so that a frame and its crop judge the same
 * background beside the head); NULL for the whole image. */
void background_stats(const struct biounit_image_view *v, const struct face_geometry *g,
		      const struct biounit_face_point *p, const struct biounit_face_window *near,
		      struct bg_stats *out);

/* Brightness of the inner face (cheeks, nose, forehead below the brows). */
struct tone_stats {
	double mean_l;		/* mean brightness 0..255 */
	double clipped;		/* share of samples with a channel >= 250 */
	double range;		/* 95th - 5th percentile of brightness */
	double dark;		/* share of samples with brightness <= 25 (OFIQ's dark range) */
	double p50, p99;	/* median and 99th percentile of brightness */
	double entropy;		/* of the brightness histogram, bits */
	double rgb[3];		/* mean R, G, B (all equal for grey images) */
};

void face_tone(const struct biounit_image_view *v, const struct biounit_face_point *p,
	       struct tone_stats *out);
/* The whites of the eyes' brightness (gaze.c); NAN when not seen. */
double face_eye_whites(const struct biounit_image_view *v, const struct biounit_face_point *p);

/* Head covering, hair over the ears and eyes, gaze (covering.c, gaze.c). */
struct covering_stats {
	bool present;		/* a covering was seen above the forehead */
	double texture;		/* mean |dL| of neighbouring samples, grey levels */
	double spread;		/* chromaticity spread, percentage points */
	double contrast;	/* colour distance to the background (or white) */
	double share;		/* share of covering-like samples in the region */
};

void face_covering(const struct biounit_image_view *v, const struct face_geometry *g,
		   const struct biounit_face_point *p, const struct bg_stats *bg,
		   struct covering_stats *out);

/* Largest share of hair-like samples over either ear / around either eye;
 * NAN when it cannot be judged (regions outside the image). */
double face_hair_over_ears(const struct biounit_image_view *v, const struct face_geometry *g,
			   const struct biounit_face_point *p, const struct bg_stats *bg);
double face_hair_over_eyes(const struct biounit_image_view *v, const struct face_geometry *g,
			   const struct biounit_face_point *p);

/* Mean horizontal iris offset from the eye centre over the eye width
 * (+ = towards the image right); NAN when the eyes are too small. */
double face_gaze(const struct biounit_image_view *v, const struct biounit_face_point *p);

/* Detection on rotated copies when the upright image shows no face: fills
 * @pts with landmarks in @v's coordinates and @box with an upright box
 * around them; returns the angle (degrees) or NAN when nothing was found. */
double face_detect_rotated(const struct biounit_face_checker *fc,
			   const struct biounit_image_view *v, struct biounit_face_box *box,
			   struct biounit_face_point *pts);

/* Gradient energy of the face resampled to a fixed size, relative to contrast. */
double face_sharpness(const struct biounit_image_view *v, const struct biounit_face_point *p);

#endif
