// SPDX-License-Identifier: GPL-2.0
/*
 * screen_bench: the applicant's screen's CPU cost (issue 17), run by
 * tests/bench/screen-bench.sh on one core.
 *
 *   screen_bench [--frames N]
 *
 * - preview: per displayed frame at 1280x800, what biounitd does for each
 *   camera frame of the photo step: the preview check of a 1280x720 RGB frame
 *   (a committed camera frame, FACE_FIXTURE, scaled in), the photo_live scene
 *   drawn into the shadow buffer (mirrored frame, head guide, advice) and the
 *   copy into a 1280x800 XRGB8888 buffer (what kms_present() copies into the
 *   dumb buffer). Wall and CPU time per frame, median and p99; the frames per
 *   second one core sustains.
 * - pen to ink: a signature of 3 s (600 samples) being written; for each new
 *   sample, the signature scene drawn with the ink so far and copied: the time
 *   from the sample to the frame ready for the next page flip. On a display the
 *   flip adds up to one refresh period (13.3 ms at 75 Hz) on top.
 * The camera-frame-to-page-flip latency needs a display: not measured here.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "face/face.h"
#include <biounit/image.h>
#include "screen/screen.h"
#include "signature/signature.h"

#ifndef FACE_FIXTURE
#define FACE_FIXTURE "tests/fixtures/faces/london-010-camera-frame.jpg"
#endif
#define W 1280
#define H 800
#define CW 1280
#define CH 720

static double clock_ms(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(double *t, int n, double *med, double *p99)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_d);
	*med = t[n / 2];
	*p99 = t[(int)ceil(n * 0.99) - 1];
}

int main(int argc, char **argv)
{
	int frames = 200, r;
	struct biounit_face_checker *fc;
	struct biounit_image *src;
	struct biounit_screen *scr;
	struct biounit_signature *sig;
	struct biounit_signature_box box = { 0, 0, 12000, 4000, 100, 1023 };
	static uint8_t cam[CW * CH * 3];
	uint32_t *shadow = malloc((size_t)W * H * 4), *dumb = malloc((size_t)W * H * 4);
	double *wall, *cpu, med, p99, cmed, cp99;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			frames = atoi(argv[++i]);
	if (frames < 10 || !shadow || !dumb) {
		fprintf(stderr, "usage: screen_bench [--frames N>=10]\n");
		return 2;
	}
	wall = calloc((size_t)frames + 600, sizeof(*wall));
	cpu = calloc((size_t)frames + 600, sizeof(*cpu));
	if ((r = biounit_image_load(FACE_FIXTURE, &src)) ||
	    (r = biounit_face_checker_new(NULL, NULL, NULL, &fc)) ||
	    (r = biounit_screen_new(W, H, &scr)) || (r = biounit_signature_new(&box, &sig))) {
		fprintf(stderr, "screen_bench: setup: %s\n", strerror(-r));
		return 2;
	}
	/* the square camera frame at the camera's height, the sides its edge colour */
	struct biounit_image_view sv = biounit_image_get_view(src);
	for (int y = 0; y < CH; y++)
		for (int x = 0; x < CW; x++) {
			int sx = (x - (CW - CH) / 2) * (int)sv.width / CH, sy = y * (int)sv.height / CH;

			sx = sx < 0 ? 0 : sx >= (int)sv.width ? (int)sv.width - 1 : sx;
			memcpy(&cam[((size_t)y * CW + x) * 3], sv.data + (size_t)sy * sv.stride + sx * 3, 3);
		}
	struct biounit_image_view frame = { cam, CW, CH, CW * 3, BIOUNIT_PIX_RGB24 };
	struct biounit_screen_state st = { .scene = BIOUNIT_SCREEN_PHOTO_LIVE, .frame = &frame,
		.have_guide = true,
		.prompt_nl = "Kijk recht in de camera, met een neutrale uitdrukking en de mond dicht.",
		.prompt_en = "Look straight into the camera, with a neutral expression and your mouth closed.",
		.tone = BIOUNIT_SCREEN_TONE_ACT };
	biounit_face_preview_guide(fc, CW, CH, &st.guide);

	for (int i = -3; i < frames; i++) {
		struct biounit_face_preview pv;
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

		if (biounit_face_preview_check(fc, &frame, &pv))
			return 2;
		st.advice_nl = pv.msg_nl;
		st.advice_en = pv.msg_en;
		if (biounit_screen_render(scr, &st, shadow, W * 4))
			return 2;
		memcpy(dumb, shadow, (size_t)W * H * 4);
		if (i >= 0) {
			wall[i] = clock_ms(CLOCK_MONOTONIC) - t0;
			cpu[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		}
	}
	stats(wall, frames, &med, &p99);
	stats(cpu, frames, &cmed, &cp99);
	printf("| preview at %dx%d (check of a %dx%d frame + scene + copy), %d frames | "
	       "wall %.1f ms median, %.1f ms p99 | CPU %.1f ms median, %.1f ms p99 | "
	       "%.0f fps by CPU time, %.0f by wall time |\n",
	       W, H, CW, CH, frames, med, p99, cmed, cp99, 1000.0 / cmed, 1000.0 / med);

	/* biounitd's way of a camera frame to the screen: the scene with the advice known and the
	 * copy into the scan-out buffer; then, after the draw, the frame's copy for the checker
	 * thread (the check itself runs there, beside the loop: docs/screen.md) */
	{
		static uint8_t job[CW * CH * 3];
		double *cw = calloc((size_t)frames, sizeof(*cw)), cmed2, cp992;

		if (!cw)
			return 2;
		for (int i = -3; i < frames; i++) {
			double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID), t1;

			if (biounit_screen_render(scr, &st, shadow, W * 4))
				return 2;
			memcpy(dumb, shadow, (size_t)W * H * 4);
			t1 = clock_ms(CLOCK_MONOTONIC);
			if (i >= 0) {
				wall[i] = t1 - t0;
				cpu[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
			}
			memcpy(job, cam, sizeof(job));
			__asm__ volatile("" : : "r"(job) : "memory");	/* the copy is kept */
			if (i >= 0)
				cw[i] = clock_ms(CLOCK_MONOTONIC) - t1;
		}
		stats(wall, frames, &med, &p99);
		stats(cpu, frames, &cmed, &cp99);
		stats(cw, frames, &cmed2, &cp992);
		printf("| camera frame to the screen in biounitd at %dx%d (scene + copy; the check on its "
		       "thread), %d frames | wall %.1f ms median, %.1f ms p99 | CPU %.1f ms median, %.1f ms "
		       "p99 | then the frame's copy for the check: %.2f ms median, %.2f ms p99 |\n",
		       W, H, frames, med, p99, cmed, cp99, cmed2, cp992);
		free(cw);
	}

	/* pen to ink: 600 samples, 5 ms apart (200 Hz), a wave across the box */
	st = (struct biounit_screen_state){ .scene = BIOUNIT_SCREEN_SIGNATURE, .ink = sig,
		.can_clear = true, .prompt_nl = "Zet uw handtekening binnen het vak op het schrijfblok.",
		.prompt_en = "Sign inside the box on the signature pad." };
	for (int i = 0; i < 600; i++) {
		struct biounit_signature_sample s = { (uint64_t)i * 5000,
			(int32_t)(600 + i * 18), (int32_t)(2000 + 900 * sin(i / 12.0)),
			(uint32_t)(400 + 300 * sin(i / 30.0)), 1 };
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

		if (biounit_signature_add(sig, &s) || biounit_screen_render(scr, &st, shadow, W * 4))
			return 2;
		memcpy(dumb, shadow, (size_t)W * H * 4);
		wall[i] = clock_ms(CLOCK_MONOTONIC) - t0;
		cpu[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	stats(wall, 600, &med, &p99);
	stats(cpu, 600, &cmed, &cp99);
	printf("| pen sample to ink in the next frame at %dx%d, 600 samples | wall %.1f ms median, "
	       "%.1f ms p99 | CPU %.1f ms median, %.1f ms p99 | + up to one refresh period until "
	       "the flip |\n", W, H, med, p99, cmed, cp99);
	biounit_signature_free(sig);
	biounit_screen_free(scr);
	biounit_face_checker_free(fc);
	biounit_image_free(src);
	free(shadow);
	free(dumb);
	free(wall);
	free(cpu);
	return 0;
}
