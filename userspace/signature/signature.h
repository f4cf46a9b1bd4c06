/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit signatures: the pen-sample stream of the signature pad, checks of a
 * signature before it goes on a document, and its rendering as an image.
 *
 * A struct biounit_signature (opaque) holds the signing box and the samples in
 * time order. Fill it from the signature channel with biounit_signature_add(),
 * or read a file (format in docs/signature.md) with biounit_signature_load().
 * All functions returning int return 0 on success or a negative errno.
 */
#ifndef BIOUNIT_SIGNATURE_H
#define BIOUNIT_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>
#include <biounit/image.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most samples a signature may hold (10 minutes at 200 Hz). */
#define BIOUNIT_SIGNATURE_MAX_SAMPLES 120000u
/** Largest pen-sample file biounit_signature_load() reads. */
#define BIOUNIT_SIGNATURE_MAX_FILE (64u << 20)

/** The signing box in pad units, and the pad's scales. */
struct biounit_signature_box {
	int32_t x0, y0, x1, y1;		/* box corners, x0 < x1, y0 < y1; y grows down */
	uint32_t units_per_mm;		/* pad resolution, >= 1 */
	uint32_t pressure_max;		/* full-scale pressure, >= 1 */
};

/** One pen sample. */
struct biounit_signature_sample {
	uint64_t t_us;		/* time stamp, microseconds, never decreasing */
	int32_t x, y;		/* pad units */
	uint32_t pressure;	/* 0..pressure_max */
	int pen_down;		/* 1 = touching (ink), 0 = hovering / lifted */
};

struct biounit_signature;

/**
 * biounit_signature_new() - An empty signature for @box.
 * Return: 0, -EINVAL (bad box) or -ENOMEM.
 */
int biounit_signature_new(const struct biounit_signature_box *box,
			  struct biounit_signature **out);

/**
 * biounit_signature_add() - Append one sample from the stream.
 * Return: 0, -EINVAL (time going back, pressure above full scale),
 * -E2BIG (more than BIOUNIT_SIGNATURE_MAX_SAMPLES) or -ENOMEM.
 */
int biounit_signature_add(struct biounit_signature *sig,
			  const struct biounit_signature_sample *s);

/**
 * biounit_signature_parse() - Read the text format of docs/signature.md.
 * @buf, @len: the whole file; need not be NUL-terminated.
 * @line:      if not NULL, receives the line number of the first error (0 if none).
 * Return: 0, -EINVAL (not this format, bad or truncated line), -E2BIG or -ENOMEM.
 */
int biounit_signature_parse(const char *buf, size_t len, struct biounit_signature **out,
			    unsigned int *line);

/**
 * biounit_signature_load() - biounit_signature_parse() of a file.
 * Return: as biounit_signature_parse() (*@line >= 1 with -EINVAL), or -EINVAL
 * with *@line 0 (not a regular file), -EISDIR, -EFBIG (larger than
 * BIOUNIT_SIGNATURE_MAX_FILE), -ENOENT and the file's other errors.
 */
int biounit_signature_load(const char *path, struct biounit_signature **out, unsigned int *line);

/** biounit_signature_free() - Free @sig; NULL is allowed. */
void biounit_signature_free(struct biounit_signature *sig);

/** biounit_signature_get_box() - The signing box. */
struct biounit_signature_box biounit_signature_get_box(const struct biounit_signature *sig);

/** biounit_signature_count() - Number of samples. */
size_t biounit_signature_count(const struct biounit_signature *sig);

/** biounit_signature_sample() - Sample @i (0-based); -ERANGE if beyond the end. */
int biounit_signature_sample(const struct biounit_signature *sig, size_t i,
			     struct biounit_signature_sample *out);

/** Problems found by biounit_signature_check() (bits). */
enum biounit_signature_problem {
	BIOUNIT_SIG_EMPTY = 1u << 0,		/* no ink at all */
	BIOUNIT_SIG_TOO_LITTLE_INK = 1u << 1,	/* ink shorter than 30 mm or < 20 samples */
	BIOUNIT_SIG_OUTSIDE_BOX = 1u << 2,	/* ink outside the signing box */
	BIOUNIT_SIG_AT_EDGE = 1u << 3,		/* ink within 1 mm of the box edge: cut off */
	BIOUNIT_SIG_TOO_SHORT = 1u << 4,	/* signed in less than 0.3 s */
	BIOUNIT_SIG_TOO_LONG = 1u << 5,		/* signing took more than 30 s */
	BIOUNIT_SIG_DOT = 1u << 6,		/* all ink within 3 mm */
	BIOUNIT_SIG_STRAIGHT = 1u << 7,		/* all ink within 0.75 mm of one line */
	BIOUNIT_SIG_NO_PRESSURE = 1u << 8,	/* the pad reported no pressure */
};
#define BIOUNIT_SIG_PROBLEM_COUNT 9

/** Measurements behind the checks. */
struct biounit_signature_stats {
	size_t samples, ink_samples;	/* all samples, pen-down samples */
	unsigned int strokes;		/* pen-down runs */
	double ink_mm;			/* length of the ink */
	double duration_s;		/* first to last pen-down sample */
	double width_mm, height_mm;	/* extent of the ink */
	double line_dev_mm;		/* RMS distance of the ink from its principal line */
	double edge_mm;			/* smallest distance of ink to a box edge (< 0 outside) */
	uint32_t pressure_peak;		/* highest pen-down pressure */
};

/**
 * biounit_signature_check() - Run all checks.
 * @problems: receives the bit set of enum biounit_signature_problem (0 = fine).
 * @stats:    if not NULL, receives the measurements.
 */
void biounit_signature_check(const struct biounit_signature *sig, uint32_t *problems,
			     struct biounit_signature_stats *stats);

/** Message for one problem bit; @lang "nl" or "en" (default). NULL if unknown. */
const char *biounit_signature_problem_message(enum biounit_signature_problem p,
					      const char *lang);

/** Stable key of one problem bit ("too_little_ink"), NULL if unknown. */
const char *biounit_signature_problem_key(enum biounit_signature_problem p);

/** Default render size: the signature field of an ID-1 card, 50 x 15 mm at 600 ppi. */
#define BIOUNIT_SIGNATURE_RENDER_W 1181u
#define BIOUNIT_SIGNATURE_RENDER_H 354u

/**
 * biounit_signature_render() - Draw the ink black on white, cropped to the ink
 * with a margin of 5% and scaled (aspect kept) to fit @width x @height pixels,
 * as smooth strokes whose width follows the pressure.
 * @out: a new grey image of exactly @width x @height.
 * Return: 0, -ENODATA (no ink), -EINVAL (size 0 or too big) or -ENOMEM.
 */
int biounit_signature_render(const struct biounit_signature *sig, uint32_t width,
			     uint32_t height, struct biounit_image **out);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_SIGNATURE_H */
