/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit face-photo checks: face detection (OpenCV Haar cascades read from
 * their XML), 68-point landmarks (dlib's regression-tree model read from its
 * serialised file) and the passport-photo rules, in Dutch and English.
 *
 * Images are borrowed struct biounit_image_view (8-bit grey or RGB24, any
 * stride); nothing is copied except small downscaled working rasters.
 * Functions returning int return 0 on success or a negative errno.
 */
#ifndef BIOUNIT_FACE_H
#define BIOUNIT_FACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <biounit/image.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where Debian's opencv-data and libdlib-data install the models. */
#define BIOUNIT_FACE_CASCADE_PATH \
	"/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml"
#define BIOUNIT_FACE_LANDMARK_PATH "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

/* ---------------------------------------------------------------- cascade */

/** A Haar boosted cascade (opaque), read from OpenCV's XML format. */
struct biounit_cascade;

/** A detected object in image pixels; @neighbours = raw hits merged into it. */
struct biounit_face_box {
	float x, y, w, h;
	int neighbours;
};

/** Detector settings; zero fields take the defaults noted. */
struct biounit_detect_params {
	float min_size;		/* smallest face side as share of the shorter image side (0.12) */
	float scale_step;	/* pyramid factor between levels (1.15) */
	int min_neighbours;	/* raw hits needed to keep a group (3) */
	uint32_t work_side;	/* longer side of the downscaled detection image (320) */
};

/**
 * biounit_cascade_load() - Parse an OpenCV (>= 2.4 "new format") HAAR cascade.
 * Return: 0, -ENOENT, -EINVAL (not such a cascade or malformed), -EOPNOTSUPP
 * (tilted features or LBP), -ENOMEM.
 */
int biounit_cascade_load(const char *path, struct biounit_cascade **out);

/** biounit_cascade_free() - Free @c (NULL allowed). */
void biounit_cascade_free(struct biounit_cascade *c);

/** biounit_cascade_window() - The cascade's training window size in pixels. */
void biounit_cascade_window(const struct biounit_cascade *c, uint32_t *w, uint32_t *h);

/**
 * biounit_cascade_detect() - Multi-scale sliding-window detection.
 * @params: NULL for defaults.
 * @boxes:  receives at most @max boxes, largest first; @n gets the number found
 *          (which may exceed @max; only @max are written).
 */
int biounit_cascade_detect(const struct biounit_cascade *c, const struct biounit_image_view *v,
			   const struct biounit_detect_params *params,
			   struct biounit_face_box *boxes, size_t max, size_t *n);

/* -------------------------------------------------------------- landmarks */

#define BIOUNIT_FACE_LANDMARKS 68

/** A point in image pixels. */
struct biounit_face_point {
	float x, y;
};

/** dlib's 68-point regression-tree ensemble (opaque). */
struct biounit_landmark_model;

/**
 * biounit_landmark_model_load() - Read dlib's serialised shape_predictor.
 * @path:       the .dat file (BIOUNIT_FACE_LANDMARK_PATH).
 * @cache_path: NULL to parse @path every time (about a second), or a file
 *              that holds a compact copy: used (mmap-ed) when it is a regular
 *              file of this process's user, not writable by group or others,
 *              sound (sizes, every index and anchor in range) and matches
 *              @path's size, mtime and content hash; otherwise rebuilt from
 *              @path (docs/face-landmark-model.md). A cache that is refused or
 *              cannot be written is not an error: see
 *              biounit_landmark_model_cache_note().
 * Return: 0, -ENOENT, -EINVAL (malformed, or not a 68-point model), -ENOMEM.
 */
int biounit_landmark_model_load(const char *path, const char *cache_path,
				struct biounit_landmark_model **out);

/**
 * biounit_landmark_model_cache_note() - Why the cache given to the load was
 * refused or not rewritten, one line (e.g. "writable by others (mode 0666)",
 * "malformed: a split index is not a feature", "cannot write it: Permission
 * denied"); NULL when it was used, missing or merely stale (and rebuilt), or
 * no cache was given. Valid as long as @m.
 */
const char *biounit_landmark_model_cache_note(const struct biounit_landmark_model *m);

/**
 * biounit_landmark_model_from_cache_mem() - A model from the bytes of a cache
 * file, checked as biounit_landmark_model_load() checks a cache (header,
 * sizes, every index and anchor) but not against a source model; copied, so
 * @buf is not kept. For tests and the fuzz target (tests/fuzz).
 * Return: 0, -EINVAL (not a sound cache), -ENOMEM.
 */
int biounit_landmark_model_from_cache_mem(const void *buf, size_t len,
					  struct biounit_landmark_model **out);

/** biounit_landmark_model_free() - Free/unmap @m (NULL allowed). */
void biounit_landmark_model_free(struct biounit_landmark_model *m);

/** biounit_landmark_model_info() - Cascade count, trees per cascade, points. */
void biounit_landmark_model_info(const struct biounit_landmark_model *m, uint32_t *cascades,
				 uint32_t *trees, uint32_t *points, bool *from_cache);

/**
 * biounit_landmarks_fit() - Regress the 68 points inside @box, which must be a
 * box as dlib's HOG face detector draws it (see biounit_face_box_to_dlib()).
 */
int biounit_landmarks_fit(const struct biounit_landmark_model *m,
			  const struct biounit_image_view *v, const struct biounit_face_box *box,
			  struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS]);

/**
 * biounit_landmark_model_mean_shape() - The model's starting shape in units
 * of the face box (0..1 from the box's top-left corner).
 */
void biounit_landmark_model_mean_shape(const struct biounit_landmark_model *m,
				       struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS]);

/**
 * biounit_landmarks_box_from_points() - The square box that best places the
 * model's mean shape onto @pts (least squares over position and size): the
 * box dlib's detector would most likely have drawn for that face. Fitting
 * again inside it removes the bias of a box from another detector.
 */
struct biounit_face_box biounit_landmarks_box_from_points(
	const struct biounit_landmark_model *m, const struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS]);

/**
 * biounit_face_box_to_dlib() - Map a Haar frontal-face box to the box dlib's
 * detector would give for the same face (dlib's boxes are tighter and lower).
 */
struct biounit_face_box biounit_face_box_to_dlib(const struct biounit_face_box *haar);

/* ------------------------------------------------------------------ rules */

/** The checks, in the order they appear in a verdict. */
enum biounit_face_rule {
	BIOUNIT_FACE_RULE_ONE_FACE,	/* exactly one face, with both eyes located */
	BIOUNIT_FACE_RULE_FACE_HEIGHT,	/* chin-to-crown share of the image height */
	BIOUNIT_FACE_RULE_EYE_LINE,	/* eye-line height above the bottom, share of height */
	BIOUNIT_FACE_RULE_CENTRED,	/* face mid-line position, share of the width */
	BIOUNIT_FACE_RULE_ASPECT,	/* width / height of the photo (35:45 portrait) */
	BIOUNIT_FACE_RULE_HEAD_IN_FRAME,	/* smaller of crown and chin margins, share of height */
	BIOUNIT_FACE_RULE_EYE_DISTANCE,	/* inter-eye distance in pixels */
	BIOUNIT_FACE_RULE_ROLL,		/* tilt of the eye line, degrees */
	BIOUNIT_FACE_RULE_YAW,		/* left/right turn, degrees (estimate) */
	BIOUNIT_FACE_RULE_PITCH,	/* up/down nod, degrees (estimate) */
	BIOUNIT_FACE_RULE_BACKGROUND,	/* light, plain, uniform background */
	BIOUNIT_FACE_RULE_EYES_OPEN,	/* eye opening, height/width of the eye */
	BIOUNIT_FACE_RULE_MOUTH_CLOSED,	/* lip gap over mouth width */
	BIOUNIT_FACE_RULE_NEUTRAL,	/* no smile: mouth-corner lift over mouth width */
	BIOUNIT_FACE_RULE_EXPOSURE,	/* the light: skin highlights or eye whites, 0..255 */
	BIOUNIT_FACE_RULE_CLIPPING,	/* share of clipped face pixels */
	BIOUNIT_FACE_RULE_CONTRAST,	/* entropy of the face brightness histogram, bits */
	BIOUNIT_FACE_RULE_SHARPNESS,	/* face gradient energy at a fixed scale */
	BIOUNIT_FACE_RULE_COLOUR,	/* colour photo, no cast: skin blue/red ratio */
	BIOUNIT_FACE_RULE_RESOLUTION,	/* pixels available for the document crop height */
	BIOUNIT_FACE_RULE_COVERING_SMOOTH,	/* head covering: texture, grey levels */
	BIOUNIT_FACE_RULE_COVERING_COLOUR,	/* head covering: colour spread, chromaticity % */
	BIOUNIT_FACE_RULE_COVERING_CONTRAST,	/* head covering: colour distance to the background */
	BIOUNIT_FACE_RULE_HAIR_EARS,	/* share of hair-like samples over an ear */
	BIOUNIT_FACE_RULE_HAIR_EYES,	/* share of dark hair-like samples around an eye */
	BIOUNIT_FACE_RULE_GAZE,		/* iris offset within the eye, share of eye width */
	BIOUNIT_FACE_RULE_HEAD_WIDTH,	/* ear base to ear base, share of the image width */
	BIOUNIT_FACE_RULE_CROP_FITS,	/* a 35:45 crop meeting the geometry fits in the image */
	BIOUNIT_FACE_RULE_COUNT
};

enum biounit_face_status {
	BIOUNIT_FACE_PASS = 0,
	BIOUNIT_FACE_FAIL = 1,
	BIOUNIT_FACE_NOT_JUDGED = 2,	/* a prerequisite (a face) is missing */
};

/** One rule's outcome. Strings are static; @min/@max are NaN when unbounded. */
struct biounit_face_result {
	enum biounit_face_rule rule;
	const char *id;			/* stable, e.g. "face_height" */
	enum biounit_face_status status;
	double value;			/* the measurement (NaN if not judged) */
	double min, max;		/* pass when min <= value <= max */
	const char *unit;		/* "ratio", "px", "deg", ... */
	const char *msg_nl, *msg_en;	/* advice for the applicant (or "OK" text) */
};

/**
 * enum biounit_face_age - the applicant's age, as the Dutch photo rules
 * (RvIG Fotomatrix model 2020) distinguish it: the head-height range differs
 * from age 11, and for children under 6 some items are waived
 * (docs/face-rules.md).
 */
enum biounit_face_age {
	BIOUNIT_FACE_AGE_11_PLUS = 0,	/* from 11: chin to crown 26-30 mm (the default) */
	BIOUNIT_FACE_AGE_6_TO_10,	/* up to and including 10: 19-30 mm */
	BIOUNIT_FACE_AGE_UNDER_6,	/* 19-30 mm; head level, neutral expression, gaze and
					 * mouth closed are waived */
	BIOUNIT_FACE_AGE_COUNT
};

/** The 35:45 window of the source that the document crop takes, source pixels. */
struct biounit_face_window {
	float x, y, w, h;
};

/** The full check of one still. */
struct biounit_face_verdict {
	bool compliant;			/* every judged rule passed and a face was found */
	uint32_t faces;			/* number of faces detected */
	bool have_face;			/* @face and @landmarks are valid */
	struct biounit_face_box face;	/* the largest face, detector box */
	struct biounit_face_point landmarks[BIOUNIT_FACE_LANDMARKS];
	struct biounit_face_point eye_left, eye_right;	/* in the image: left, right */
	float crown_y, chin_y;		/* estimated head top and chin, image rows */
	bool head_covering;		/* a head covering was seen (the covering_* rules apply) */
	float detect_angle_deg;		/* 0, or the rotation at which the face was found */
	enum biounit_face_age age;	/* the age band the rules were applied for */
	/* The document crop: @crop_fits when a 35:45 window inside the image meets
	 * every geometry rule (@crop is then that window); otherwise @crop_advice
	 * says which way the applicant or the camera must move. */
	bool crop_fits;
	struct biounit_face_window crop;
	int crop_advice;		/* enum biounit_face_advice */
	struct biounit_face_result results[BIOUNIT_FACE_RULE_COUNT];
};

/** Models and settings for the checks (opaque, read-only once made). */
struct biounit_face_checker;

/**
 * biounit_face_checker_new() - Load the cascade and the landmark model.
 * @cascade_path, @landmark_path: NULL for the Debian paths above.
 * @cache_path: landmark cache (see biounit_landmark_model_load()), or NULL.
 */
int biounit_face_checker_new(const char *cascade_path, const char *landmark_path,
			     const char *cache_path, struct biounit_face_checker **out);

/**
 * biounit_face_checker_cache_note() - biounit_landmark_model_cache_note() of
 * the checker's landmark model: what to log when the cache was refused.
 */
const char *biounit_face_checker_cache_note(const struct biounit_face_checker *fc);

/** biounit_face_checker_free() - Free @fc (NULL allowed). */
void biounit_face_checker_free(struct biounit_face_checker *fc);

/**
 * biounit_face_check_age() - Run every rule on a still photo, for an
 * applicant of age band @age (sizes and waivers of the Dutch rules).
 * Return: 0 (the verdict is filled, compliant or not) or a negative errno
 * for an unusable view, an unknown @age or memory shortage.
 */
int biounit_face_check_age(const struct biounit_face_checker *fc,
			   const struct biounit_image_view *v, enum biounit_face_age age,
			   struct biounit_face_verdict *out);

/** biounit_face_check() - biounit_face_check_age() from age 11 (an adult). */
int biounit_face_check(const struct biounit_face_checker *fc, const struct biounit_image_view *v,
		       struct biounit_face_verdict *out);

/** biounit_face_rule_id() - Stable id of @rule ("one_face", ...), NULL if unknown. */
const char *biounit_face_rule_id(enum biounit_face_rule rule);

/* ---------------------------------------------------------------- preview */

/** What the applicant should do next, most important first. */
enum biounit_face_advice {
	BIOUNIT_FACE_ADVICE_OK,
	BIOUNIT_FACE_ADVICE_NO_FACE,
	BIOUNIT_FACE_ADVICE_ONE_PERSON,
	BIOUNIT_FACE_ADVICE_COME_CLOSER,
	BIOUNIT_FACE_ADVICE_STEP_BACK,
	BIOUNIT_FACE_ADVICE_MOVE_LEFT,	/* applicant's view of the screen: image left */
	BIOUNIT_FACE_ADVICE_MOVE_RIGHT,
	BIOUNIT_FACE_ADVICE_MOVE_UP,
	BIOUNIT_FACE_ADVICE_MOVE_DOWN,
	BIOUNIT_FACE_ADVICE_TILT_LEFT,
	BIOUNIT_FACE_ADVICE_TILT_RIGHT,
	BIOUNIT_FACE_ADVICE_LOOK_STRAIGHT,
	BIOUNIT_FACE_ADVICE_OPEN_EYES,
	BIOUNIT_FACE_ADVICE_CLOSE_MOUTH,
	BIOUNIT_FACE_ADVICE_TOO_DARK,
	BIOUNIT_FACE_ADVICE_TOO_BRIGHT,
	BIOUNIT_FACE_ADVICE_HEAD_PROPORTIONS,	/* no 35:45 framing meets both head sizes */
	BIOUNIT_FACE_ADVICE_COUNT
};

struct biounit_face_preview {
	enum biounit_face_advice advice;
	const char *msg_nl, *msg_en;
	double score;			/* 0..1, higher is closer to compliant (for bursts) */
	bool have_face;
	struct biounit_face_box face;
};

/**
 * biounit_face_preview_check() - Cheap check of a live frame (e.g. 640x480):
 * face found, size, centring, roll, eyes open, exposure; one piece of advice.
 */
int biounit_face_preview_check(const struct biounit_face_checker *fc,
			       const struct biounit_image_view *v, struct biounit_face_preview *out);

/**
 * biounit_face_preview_guide() - Where the head should be in a @width x
 * @height preview frame: the box (frame pixels) of the head the preview
 * check scores best, centred, its crown-to-chin height the middle of the
 * preview's preferred share of the frame and its width in the proportion of
 * the middle of the photo rules' head height and width (@fc's rules; NULL:
 * an adult's). What the applicant's screen outlines. -EINVAL for a zero size.
 */
int biounit_face_preview_guide(const struct biounit_face_checker *fc, uint32_t width,
			       uint32_t height, struct biounit_face_window *out);

/**
 * biounit_face_preview_burst() - Pick the frame of a burst to keep.
 * @frames: @n preview frames (views), e.g. the last second of the live feed.
 * @best:   receives the index of the compliant frame (advice OK) with the
 *          highest score; when none is compliant, the index of the frame
 *          with the highest score (for its advice).
 * @out:    receives the preview result of frame *@best (may be NULL).
 * Return: 0 when a compliant frame was found, -ENOENT when none is (with
 * *@best and @out still set; -ENOENT and *@best = 0 when @n is 0), or
 * another negative errno (a bad view, no memory).
 */
int biounit_face_preview_burst(const struct biounit_face_checker *fc,
			       const struct biounit_image_view *frames, size_t n, size_t *best,
			       struct biounit_face_preview *out);

/** biounit_face_advice_text() - Dutch and English text of @a. */
void biounit_face_advice_text(enum biounit_face_advice a, const char **nl, const char **en);

/* ------------------------------------------------------------------- crop */

/** Height of the document crop at 400 dpi (45 mm), the Dutch minimum. */
#define BIOUNIT_FACE_CROP_HEIGHT 709

/**
 * biounit_face_crop() - Cut the 35:45 document crop of @verdict (a verdict of
 * @v, which needs have_face): the window @verdict->crop, which lies inside @v
 * and meets every geometry rule; only pixels of @v are used.
 * @out_h: output height in pixels (BIOUNIT_FACE_CROP_HEIGHT for 45 mm at
 * 400 dpi); the width is out_h * 35 / 45. Output format follows @v.
 * Return: 0, -ERANGE when no such window fits in @v (@verdict->crop_advice
 * says which way to move), -EINVAL, -ENOMEM.
 */
int biounit_face_crop(const struct biounit_image_view *v, const struct biounit_face_verdict *verdict,
		      uint32_t out_h, struct biounit_image **out);

/**
 * biounit_face_check_frame() - The unit's pipeline: check the camera frame
 * @v, cut the document crop (@out_h rows) and check the crop. @out gets the
 * crop's verdict, in which a rule that judges the photo rather than its
 * framing (every rule but the geometry ones) and failed on the frame stays
 * failed, so that cropping never turns a refusal into a pass. Without a face,
 * or when no crop fits, @out is the frame's verdict with the framing rules
 * not judged (crop_fits says which way to move) and *@crop is NULL.
 * Return: 0 (the verdict is filled) or a negative errno.
 */
int biounit_face_check_frame(const struct biounit_face_checker *fc,
			     const struct biounit_image_view *v, enum biounit_face_age age,
			     uint32_t out_h, struct biounit_image **crop,
			     struct biounit_face_verdict *out);

/** biounit_face_rule_is_geometry() - @rule judges the framing (size, position, format). */
bool biounit_face_rule_is_geometry(enum biounit_face_rule rule);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_FACE_H */
