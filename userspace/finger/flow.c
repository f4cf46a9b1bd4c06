// SPDX-License-Identifier: GPL-2.0
/*
 * Orientation flow (ISO/IEC 29794-4 OFL, NFIQ 2 "OF"): for each foreground
 * block the mean absolute difference between its ridge orientation and that of
 * its foreground neighbours (8-neighbourhood); differences up to theta_min = 4
 * degrees count as smooth flow: ofl = (mean - theta_min) / (90 - theta_min),
 * 0 when at most theta_min. 0 = smooth, 1 = chaotic.
 */
#include <math.h>
#include "finger_internal.h"

#define FQ_OFL_THETA_MIN 4.0f

static float angle_diff(float a, float b)
{
	float d = fabsf(a - b);
	return d > 90.f ? 180.f - d : d;
}

void fq_orientation_flow(struct biounit_finger_report *r)
{
	for (uint32_t y = 0; y < r->rows; y++) {
		for (uint32_t x = 0; x < r->cols; x++) {
			struct biounit_finger_block *b = &r->blocks[y * r->cols + x];
			float sum = 0;
			unsigned int n = 0;

			b->ofl = 0.f;
			if (!b->foreground)
				continue;
			for (int dy = -1; dy <= 1; dy++) {
				for (int dx = -1; dx <= 1; dx++) {
					int64_t nx = (int64_t)x + dx, ny = (int64_t)y + dy;
					if ((!dx && !dy) || nx < 0 || ny < 0 || nx >= r->cols ||
					    ny >= r->rows)
						continue;
					const struct biounit_finger_block *o =
						&r->blocks[ny * r->cols + nx];
					if (!o->foreground)
						continue;
					sum += angle_diff(b->orientation_deg, o->orientation_deg);
					n++;
				}
			}
			if (!n)
				continue;
			float mean = sum / n;
			b->ofl = mean > FQ_OFL_THETA_MIN ?
					 (mean - FQ_OFL_THETA_MIN) / (90.f - FQ_OFL_THETA_MIN) :
					 0.f;
		}
	}
}
