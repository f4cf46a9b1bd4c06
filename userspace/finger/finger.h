/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit fingerprint quality.
 *
 * biounit_finger_assess() takes one 8-bit grey fingertip image (as the scanner
 * channel delivers it, or as loaded from a file) and returns an opaque report:
 * the foreground segmentation, the block measures of ISO/IEC 29794-4 / NIST
 * NFIQ 2 (orientation certainty, local clarity, frequency-domain analysis,
 * ridge-valley uniformity, orientation flow), global statistics, our own
 * minutiae, a unified score 0..100 from a model fitted to NFIQ 2 scores
 * (tools/fit/), and advice for the applicant in Dutch and English.
 * See docs/finger-quality.md for each measure and its source.
 *
 * All functions returning int return 0 on success or a negative errno.
 * A report is immutable once made; it may be read from several threads.
 */
#ifndef BIOUNIT_FINGER_H
#define BIOUNIT_FINGER_H

#include <stdint.h>
#include <biounit/image.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Resolution the measures were designed and the model fitted for. */
#define BIOUNIT_FINGER_PPI_DEFAULT 500u
/** Score at or above which a print is accepted (NFIQ 2 >= 30, as in the
 *  German residence-permit profile). */
#define BIOUNIT_FINGER_THRESHOLD_DEFAULT 30

/** Features of a print (inputs to the score); see docs/finger-quality.md. */
enum biounit_finger_feature {
	BIOUNIT_FINGER_FG_AREA,		/* foreground fraction of the image, 0..1 */
	BIOUNIT_FINGER_FG_AREA_MM2,	/* foreground area in mm^2 */
	BIOUNIT_FINGER_MU,		/* mean grey of the image */
	BIOUNIT_FINGER_SIGMA,		/* grey standard deviation of the image */
	BIOUNIT_FINGER_MMB,		/* mean of the block means (all blocks) */
	BIOUNIT_FINGER_FG_MEAN,		/* mean grey of the foreground */
	BIOUNIT_FINGER_FG_LOCAL_STD,	/* mean of the block standard deviations, foreground */
	BIOUNIT_FINGER_FG_LOCAL_STD_SD,	/* their standard deviation */
	BIOUNIT_FINGER_OCL_MEAN,	/* orientation certainty level, 0..1, 1 = best */
	BIOUNIT_FINGER_OCL_SD,
	BIOUNIT_FINGER_OCL_P10,		/* 10th percentile over blocks */
	BIOUNIT_FINGER_LCS_MEAN,	/* local clarity score, 0..1, 1 = best */
	BIOUNIT_FINGER_LCS_SD,
	BIOUNIT_FINGER_LCS_P10,
	BIOUNIT_FINGER_FDA_MEAN,	/* frequency-domain analysis, 0..1, 1 = best */
	BIOUNIT_FINGER_FDA_SD,
	BIOUNIT_FINGER_FDA_P10,
	BIOUNIT_FINGER_RVU_MEAN,	/* ridge/valley width ratio, mean over ratios */
	BIOUNIT_FINGER_RVU_SD,		/* ridge-valley uniformity: SD of the ratios */
	BIOUNIT_FINGER_OFL_MEAN,	/* orientation flow, 0..1, 0 = smooth */
	BIOUNIT_FINGER_OFL_SD,
	BIOUNIT_FINGER_COH_REL,		/* mean orientation coherence, foreground */
	BIOUNIT_FINGER_COH_SUM,		/* coherence summed, / number of all blocks */
	BIOUNIT_FINGER_PERIOD,		/* median ridge period, pixels */
	BIOUNIT_FINGER_MINUTIAE,	/* number of minutiae found */
	BIOUNIT_FINGER_MINUTIAE_COM,	/* of them within 200x200 px of the centre of mass */
	BIOUNIT_FINGER_MINUTIAE_Q_OCL,	/* fraction of minutiae in blocks with OCL >= 0.8 */
	BIOUNIT_FINGER_MINUTIAE_Q_MU,	/* fraction of minutiae with local mean near the mean */
	BIOUNIT_FINGER_MINUTIAE_GOOD,	/* number of minutiae of quality >= 50 */
	BIOUNIT_FINGER_MINUTIAE_DENSITY, /* minutiae per mm^2 of foreground */
	BIOUNIT_FINGER_GOOD_AREA_MM2,	/* area of blocks with OCL and LCS >= 0.7, mm^2 */
	BIOUNIT_FINGER_GOOD_FRACTION,	/* those blocks / foreground blocks */
	/* quartiles over the foreground blocks (NFIQ 2 summarises each block
	 * measure by a histogram as well as by mean and standard deviation) */
	BIOUNIT_FINGER_OCL_P25, BIOUNIT_FINGER_OCL_P50, BIOUNIT_FINGER_OCL_P75,
	BIOUNIT_FINGER_LCS_P25, BIOUNIT_FINGER_LCS_P50, BIOUNIT_FINGER_LCS_P75,
	BIOUNIT_FINGER_FDA_P25, BIOUNIT_FINGER_FDA_P50, BIOUNIT_FINGER_FDA_P75,
	BIOUNIT_FINGER_OFL_P50, BIOUNIT_FINGER_OFL_P75, BIOUNIT_FINGER_OFL_P90,
	BIOUNIT_FINGER_RVU_BLOCK_SD,	/* SD over blocks of the block mean width ratio */
	BIOUNIT_FINGER_COH_P25,		/* lower quartile of the block coherence */
	/* minutiae measured in a window centred on each minutia (not its grid block) */
	BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL,	/* mean OCL around the minutiae */
	BIOUNIT_FINGER_MINUTIAE_LOCAL_OCL80,	/* fraction with OCL >= 0.8 around them */
	BIOUNIT_FINGER_MINUTIAE_LOCAL_MU,	/* fraction whose local mean is within
						 * 0.5 sigma of the image mean (NFIQ 2
						 * "FJFXPos_Mu_MinutiaeQuality_2") */
	BIOUNIT_FINGER_MINUTIAE_CLEAR,		/* number with OCL >= 0.8 around them and
						 * LCS >= 0.7 in their block */
	BIOUNIT_FINGER_MINUTIAE_COM_CLEAR,	/* of them within 200x200 px of the
						 * centre of mass */
	BIOUNIT_FINGER_FEATURE_COUNT
};

/** Advice for the applicant: bits of biounit_finger_report_advice(). */
enum biounit_finger_advice {
	BIOUNIT_FINGER_PRESS_HARDER = 1u << 0,
	BIOUNIT_FINGER_PRESS_LIGHTER = 1u << 1,
	BIOUNIT_FINGER_TOO_DRY = 1u << 2,
	BIOUNIT_FINGER_TOO_WET = 1u << 3,
	BIOUNIT_FINGER_NOT_CENTRED = 1u << 4,
	BIOUNIT_FINGER_TOO_LITTLE = 1u << 5,
	BIOUNIT_FINGER_ROTATED = 1u << 6,
	BIOUNIT_FINGER_MOVED = 1u << 7,
	BIOUNIT_FINGER_NO_FINGER = 1u << 8,
};
#define BIOUNIT_FINGER_ADVICE_COUNT 9

enum biounit_minutia_type {
	BIOUNIT_MINUTIA_ENDING = 1,
	BIOUNIT_MINUTIA_BIFURCATION = 3,
};

/** One minutia: position in pixels of the image, ridge direction in degrees [0,180),
 *  quality 0..100 (orientation certainty x clarity of its block). */
struct biounit_minutia {
	uint32_t x, y;
	enum biounit_minutia_type type;
	float angle_deg;
	unsigned int quality;
};

/** Measures of one block of the block grid (see biounit_finger_report_region()). */
struct biounit_finger_block {
	int foreground;		/* 1 if the whole block is inside the foreground */
	float orientation_deg;	/* ridge direction, [0,180), 0 = horizontal, y down */
	float coherence;	/* 0..1 */
	float ocl, lcs, fda;	/* as the features, this block only */
	float rvu;		/* mean ridge/valley width ratio, 0 if none */
	float ofl;		/* orientation flow of this block, 0..1 */
	float period;		/* ridge period in pixels, 0 if unknown */
	float mean, stddev;	/* grey statistics */
};

/** A quality report (opaque). */
struct biounit_finger_report;

/**
 * biounit_finger_assess() - Measure one fingerprint.
 * @img: 8-bit grey view (BIOUNIT_PIX_GREY); at least 64x64 pixels.
 * @ppi: resolution; 0 means BIOUNIT_FINGER_PPI_DEFAULT. Block sizes scale with
 *       it; the score model was fitted at 500 ppi. Accepted: 250..1000.
 * @out: receives the report, to be freed with biounit_finger_report_free().
 * Return: 0, -EINVAL (bad view, format, size or ppi) or -ENOMEM.
 */
int biounit_finger_assess(const struct biounit_image_view *img, unsigned int ppi,
			  struct biounit_finger_report **out);

/** biounit_finger_report_free() - Free @r; NULL is allowed. */
void biounit_finger_report_free(struct biounit_finger_report *r);

/** biounit_finger_report_score() - Unified quality score 0..100. */
unsigned int biounit_finger_report_score(const struct biounit_finger_report *r);

/** biounit_finger_report_feature() - Value of feature @f (NaN if @f is invalid). */
double biounit_finger_report_feature(const struct biounit_finger_report *r,
				     enum biounit_finger_feature f);

/** biounit_finger_feature_name() - Short stable name of @f ("ocl_mean"), or NULL. */
const char *biounit_finger_feature_name(enum biounit_finger_feature f);

/** biounit_finger_report_advice() - Bit set of enum biounit_finger_advice. */
uint32_t biounit_finger_report_advice(const struct biounit_finger_report *r);

/**
 * biounit_finger_advice_message() - Text for one advice bit.
 * @lang: "nl" or "en"; anything else gives English.
 * Return: static string, or NULL if @a is not a single known bit.
 */
const char *biounit_finger_advice_message(enum biounit_finger_advice a, const char *lang);

/** biounit_finger_advice_key() - Stable key of one advice bit ("press_harder"), or NULL. */
const char *biounit_finger_advice_key(enum biounit_finger_advice a);

/**
 * biounit_finger_report_region() - The part of the image that was measured:
 * the image without white borders (rows and columns at the edges whose mean
 * grey is 250 or more are trimmed first, as NFIQ 2 does). The block grid
 * starts at (@x, @y).
 */
void biounit_finger_report_region(const struct biounit_finger_report *r, uint32_t *x,
				  uint32_t *y, uint32_t *w, uint32_t *h);

/** biounit_finger_report_grid() - Block grid size and block side in pixels. */
void biounit_finger_report_grid(const struct biounit_finger_report *r, uint32_t *cols,
				uint32_t *rows, uint32_t *block_px);

/** biounit_finger_report_block() - Measures of block (@col, @row); -ERANGE if outside. */
int biounit_finger_report_block(const struct biounit_finger_report *r, uint32_t col,
				uint32_t row, struct biounit_finger_block *out);

/** biounit_finger_report_minutiae() - Number of minutiae; copies up to @max of them. */
unsigned int biounit_finger_report_minutiae(const struct biounit_finger_report *r,
					    struct biounit_minutia *out, unsigned int max);

/** biounit_finger_report_is_foreground() - 1 if pixel (@x, @y) is in the foreground. */
int biounit_finger_report_is_foreground(const struct biounit_finger_report *r, uint32_t x,
					uint32_t y);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_FINGER_H */
