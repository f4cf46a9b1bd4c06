// SPDX-License-Identifier: GPL-2.0
/* Face record helpers: pose angles as stored in ISO/IEC 19794-5:2005 and the
 * MPEG-4 feature points (ISO/IEC 14496-2 Annex C, as 19794-5 uses them, plus
 * its own eye centres 12.1 and 12.2) that our 68 landmarks (dlib/iBUG order) give. In the
 * MPEG-4 model "left" and "right" are the subject's: the subject's left eye is
 * on the right of the image. */
#include <math.h>

#include "records_internal.h"

uint8_t biounit_face_pose_encode(double degrees)
{
	if (isnan(degrees) || degrees < -180.0 || degrees > 180.0)
		return 0;
	return (uint8_t)(91 + lround(degrees / 2.0));
}

double biounit_face_pose_decode(uint8_t stored)
{
	if (stored == 0 || stored > 181)
		return NAN;
	return (stored - 91) * 2.0;
}

static struct biounit_face_landmark_point mean_of(uint8_t code, const struct biounit_face_point *lm,
						   unsigned int first, unsigned int count)
{
	struct biounit_face_landmark_point p = { code, 0, 0 };

	for (unsigned int i = first; i < first + count; i++) {
		p.x += lm[i].x;
		p.y += lm[i].y;
	}
	p.x /= (float)count;
	p.y /= (float)count;
	return p;
}

size_t biounit_face_points_from_landmarks(const struct biounit_face_point lm[BIOUNIT_FACE_LANDMARKS],
					  struct biounit_face_landmark_point *out)
{
	/* landmark index of each single-landmark point (0-based, 68-point scheme) */
	static const struct {
		uint8_t code;
		uint8_t landmark;
	} single[] = {
		{ BIOUNIT_FACE_PT_CHIN_BOTTOM, 8 },
		{ BIOUNIT_FACE_PT_LEFT_EYE_OUTER, 45 },
		{ BIOUNIT_FACE_PT_RIGHT_EYE_OUTER, 36 },
		{ BIOUNIT_FACE_PT_LEFT_EYE_INNER, 42 },
		{ BIOUNIT_FACE_PT_RIGHT_EYE_INNER, 39 },
		{ BIOUNIT_FACE_PT_MOUTH_TOP, 51 },
		{ BIOUNIT_FACE_PT_MOUTH_BOTTOM, 57 },
		{ BIOUNIT_FACE_PT_MOUTH_LEFT, 54 },
		{ BIOUNIT_FACE_PT_MOUTH_RIGHT, 48 },
		{ BIOUNIT_FACE_PT_NOSE_TIP, 30 },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		out[n++] = (struct biounit_face_landmark_point){ single[i].code,
								  lm[single[i].landmark].x,
								  lm[single[i].landmark].y };
	/* eye centres: the mean of the six points around each eye */
	out[n++] = mean_of(BIOUNIT_FACE_PT_LEFT_EYE_CENTRE, lm, 42, 6);
	out[n++] = mean_of(BIOUNIT_FACE_PT_RIGHT_EYE_CENTRE, lm, 36, 6);
	return n;
}
