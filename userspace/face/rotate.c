// SPDX-License-Identifier: GPL-2.0
/*
 * Faces rolled beyond what the frontal cascade finds (about 15 degrees):
 * when the upright image shows no face, detect again on small rotated grey
 * copies (+-20 and +-35 degrees), then fit the landmarks on an upright copy
 * of the face region at close to full resolution and rotate the points back.
 * The roll rule then measures the real tilt and fails the photo for that,
 * instead of one_face failing it for "no face".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define ROT_WORK_SIDE 480.0	/* longer side of the rotated detection copies */
#define ROT_CROP_SIDE 480.0	/* largest side of the upright face copy */
#define ROT_MIN_NEIGHBOURS 8	/* raw hits needed when confirming (default 3) */

static const double rot_angles[] = { 20, -20, 35, -35 };

/*
 * Fills @dst (w x h, format of @src) so that its pixel (x, y) shows the
 * source at centre + R(a) * ((x, y) - dst centre) * scale, bilinear, 255
 * outside the source. The sample position and the four neighbours are worked
 * out once per pixel for all channels (this runs on 8-megapixel stills for
 * every check that finds no upright face: issue 5); the arithmetic per
 * channel is unchanged.
 */
static void rotate_into(const struct biounit_image_view *src, double cx, double cy, double a,
			double scale, uint8_t *dst, uint32_t w, uint32_t h, unsigned int bpp)
{
	double c = cos(a) * scale, s = sin(a) * scale;

	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			double dx = x + 0.5 - w / 2.0, dy = y + 0.5 - h / 2.0;
			double sx = cx + c * dx - s * dy - 0.5, sy = cy + s * dx + c * dy - 0.5;
			uint8_t *d = dst + ((size_t)y * w + x) * bpp;
			const uint8_t *p[4];
			double fx, fy;
			int x0, y0;

			if (sx < 0 || sy < 0 || sx > src->width - 1 || sy > src->height - 1) {
				memset(d, 255, bpp);
				continue;
			}
			x0 = (int)floor(sx);
			y0 = (int)floor(sy);
			fx = sx - x0;
			fy = sy - y0;
			for (int k = 0; k < 4; k++) {
				int xx = x0 + (k & 1), yy = y0 + (k >> 1);

				if (xx >= (int)src->width)
					xx = (int)src->width - 1;
				if (yy >= (int)src->height)
					yy = (int)src->height - 1;
				p[k] = src->data + (size_t)yy * src->stride + (size_t)xx * bpp;
			}
			for (unsigned int k = 0; k < bpp; k++) {
				double v = (p[0][k] * (1 - fx) + p[1][k] * fx) * (1 - fy) +
					   (p[2][k] * (1 - fx) + p[3][k] * fx) * fy;

				d[k] = (uint8_t)lround(v);
			}
		}
}

/*
 * A face found on a rotated copy must be found again, near the centre and at
 * about the same size, on the upright copy of its region with stricter
 * settings (finer scale steps, more neighbours): chance hits of a cascade on
 * texture rarely survive resampling, faces do.
 */
static int confirm(const struct biounit_face_checker *fc, const struct biounit_image_view *cv,
		   struct biounit_face_box *cbox)
{
	const struct biounit_detect_params dp = { 0.25f, 1.08f, ROT_MIN_NEIGHBOURS, 240 };
	struct biounit_face_box b[8];
	size_t n = 0;
	double cx = cbox->x + cbox->w / 2, cy = cbox->y + cbox->h / 2;

	if (face_checker_detect(fc, cv, &dp, b, 8, &n))
		return -1;
	for (size_t i = 0; i < n && i < 8; i++) {
		double bx = b[i].x + b[i].w / 2, by = b[i].y + b[i].h / 2;

		if (hypot(bx - cx, by - cy) < 0.25 * cbox->w && b[i].w > cbox->w / 1.5 &&
		    b[i].w < cbox->w * 1.5) {
			*cbox = b[i];
			return 0;
		}
	}
	return -1;
}

double face_detect_rotated(const struct biounit_face_checker *fc,
			   const struct biounit_image_view *v, struct biounit_face_box *box,
			   struct biounit_face_point *pts)
{
	struct biounit_face_box best = { 0 }, boxes[4];
	double scale = fmax(1, fmax(v->width, v->height) / ROT_WORK_SIDE), best_a = NAN;
	struct grey_raster small;
	struct biounit_image_view sv;
	int best_n = 0;

	/* Area-averaged grey copy, then rotated copies of that. */
	if (grey_raster_resample(v, 0, 0, v->width, v->height,
				 (uint32_t)fmax(1, lround(v->width / scale)),
				 (uint32_t)fmax(1, lround(v->height / scale)), 255, &small))
		return NAN;
	sv = (struct biounit_image_view){ small.px, small.w, small.h, small.w, BIOUNIT_PIX_GREY };
	for (size_t i = 0; i < sizeof(rot_angles) / sizeof(rot_angles[0]); i++) {
		double a = rot_angles[i] * M_PI / 180;
		uint32_t w = (uint32_t)lround(fabs(small.w * cos(a)) + fabs(small.h * sin(a)));
		uint32_t h = (uint32_t)lround(fabs(small.w * sin(a)) + fabs(small.h * cos(a)));
		struct biounit_image_view rv;
		uint8_t *buf = malloc((size_t)w * h);
		size_t n = 0;

		if (!buf)
			break;
		rotate_into(&sv, small.w / 2.0, small.h / 2.0, a, 1, buf, w, h, 1);
		rv = (struct biounit_image_view){ buf, w, h, w, BIOUNIT_PIX_GREY };
		if (!face_checker_detect(fc, &rv, NULL, boxes, 4, &n) && n &&
		    boxes[0].neighbours > best_n) {
			/* Box centre back to source pixels. */
			double dx = boxes[0].x + boxes[0].w / 2 - w / 2.0;
			double dy = boxes[0].y + boxes[0].h / 2 - h / 2.0;

			best_n = boxes[0].neighbours;
			best_a = a;
			best.x = (float)((small.w / 2.0 + cos(a) * dx - sin(a) * dy) * scale);
			best.y = (float)((small.h / 2.0 + sin(a) * dx + cos(a) * dy) * scale);
			best.w = best.h = (float)(boxes[0].w * scale);
			best.neighbours = boxes[0].neighbours;
		}
		free(buf);
	}
	grey_raster_release(&small);
	if (!best_n)
		return NAN;
	{
		/* Upright copy of the face region (2 box sides), landmarks, back. */
		double side = 2.0 * best.w, k = fmax(side / ROT_CROP_SIDE, 0.25);
		uint32_t cw = (uint32_t)fmax(16, lround(side / k));
		unsigned int bpp = biounit_pixfmt_bytes(v->format);
		uint8_t *buf = malloc((size_t)cw * cw * bpp);
		struct biounit_face_box cbox;
		struct biounit_image_view cv;
		int ret;

		if (!buf)
			return NAN;
		rotate_into(v, best.x, best.y, best_a, k, buf, cw, cw, bpp);
		cv = (struct biounit_image_view){ buf, cw, cw, cw * bpp, v->format };
		cbox.w = cbox.h = (float)(best.w / k);
		cbox.x = cbox.y = (float)(cw / 2.0 - cbox.w / 2);
		cbox.neighbours = best.neighbours;
		ret = confirm(fc, &cv, &cbox);
		if (!ret)
			ret = face_checker_fit(fc, &cv, &cbox, pts);
		free(buf);
		if (ret)
			return NAN;
		for (int i = 0; i < BIOUNIT_FACE_LANDMARKS; i++) {
			double dx = (pts[i].x - cw / 2.0) * k, dy = (pts[i].y - cw / 2.0) * k;

			pts[i].x = (float)(best.x + cos(best_a) * dx - sin(best_a) * dy);
			pts[i].y = (float)(best.y + sin(best_a) * dx + cos(best_a) * dy);
		}
	}
	box->w = box->h = best.w;
	box->x = best.x - best.w / 2;
	box->y = best.y - best.h / 2;
	box->neighbours = best.neighbours;
	return best_a * 180 / M_PI;
}
