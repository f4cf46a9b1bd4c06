// SPDX-License-Identifier: GPL-2.0
/*
 * The scenes of the applicant's screen (docs/screen.md). One layout for
 * every scene: the instruction at the top (Dutch in bold, English under it),
 * the scene's own body in the middle, the one live piece of advice in a bar
 * at the bottom. Every render paints the whole buffer first, so nothing of
 * an earlier scene (a face, ink) can survive into the next one.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen_internal.h"

static const char *const scene_names[BIOUNIT_SCREEN_SCENE_COUNT] = {
	[BIOUNIT_SCREEN_BLANK] = "blank",
	[BIOUNIT_SCREEN_WELCOME] = "welcome",
	[BIOUNIT_SCREEN_PHOTO_LIVE] = "photo_live",
	[BIOUNIT_SCREEN_PHOTO_CAPTURE] = "photo_capture",
	[BIOUNIT_SCREEN_PHOTO_KEPT] = "photo_kept",
	[BIOUNIT_SCREEN_FINGERS] = "fingers",
	[BIOUNIT_SCREEN_SIGNATURE] = "signature",
	[BIOUNIT_SCREEN_SIGNATURE_KEPT] = "signature_kept",
	[BIOUNIT_SCREEN_REVIEW] = "review",
	[BIOUNIT_SCREEN_PAUSED] = "paused",
	[BIOUNIT_SCREEN_DONE] = "done",
};

const char *biounit_screen_scene_name(enum biounit_screen_scene s)
{
	return (unsigned int)s < BIOUNIT_SCREEN_SCENE_COUNT ? scene_names[s] : NULL;
}

/* What a scene says when the session gives no prompt of its own. */
static const struct {
	const char *nl, *en;
} scene_default[BIOUNIT_SCREEN_SCENE_COUNT] = {
	[BIOUNIT_SCREEN_WELCOME] = { "Welkom. De medewerker start zo uw opname.",
				     "Welcome. The officer will start your session shortly." },
	[BIOUNIT_SCREEN_PHOTO_CAPTURE] = { "Foto gemaakt.", "Photo taken." },
	[BIOUNIT_SCREEN_PHOTO_KEPT] = { "Deze foto wordt gebruikt.", "This photo will be used." },
	[BIOUNIT_SCREEN_SIGNATURE_KEPT] = { "Zo wordt uw handtekening vastgelegd.",
					    "This is how your signature will be recorded." },
	[BIOUNIT_SCREEN_REVIEW] = { "Een ogenblik: de medewerker bekijkt het resultaat.",
				    "One moment: the officer is reviewing the result." },
	[BIOUNIT_SCREEN_PAUSED] = { "Een ogenblik geduld.", "Please wait a moment." },
	[BIOUNIT_SCREEN_DONE] = { "Klaar. Dank u wel.", "All done. Thank you." },
};

static void layout_make(struct biounit_screen *scr)
{
	struct screen_layout *L = &scr->L;
	double W = scr->w, H = scr->h;
	int32_t m = (int32_t)lround(H / 40), head_h = (int32_t)lround(H * 0.19);
	int32_t foot_h = (int32_t)lround(H * 0.14);

	L->m = m;
	L->fs_nl = H / 24;
	L->fs_en = L->fs_nl * 0.8;
	L->fs_small = H / 34;
	L->head = (struct biounit_screen_rect){ 2 * m, m, (int32_t)W - 4 * m, head_h - m };
	L->foot = (struct biounit_screen_rect){ 0, (int32_t)H - foot_h, (int32_t)W, foot_h };
	L->body = (struct biounit_screen_rect){ 2 * m, head_h + m, (int32_t)W - 4 * m,
						(int32_t)H - foot_h - head_h - 2 * m };
}

int biounit_screen_new(uint32_t width, uint32_t height, struct biounit_screen **out)
{
	struct biounit_screen *scr;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (width < BIOUNIT_SCREEN_MIN_W || height < BIOUNIT_SCREEN_MIN_H ||
	    width > BIOUNIT_SCREEN_MAX_SIDE || height > BIOUNIT_SCREEN_MAX_SIDE)
		return -EINVAL;
	scr = calloc(1, sizeof(*scr));
	if (!scr)
		return -ENOMEM;
	scr->w = width;
	scr->h = height;
	layout_make(scr);
	r = text_fonts_open(scr);
	if (r) {
		free(scr);
		return r;
	}
	*out = scr;
	return 0;
}

void biounit_screen_free(struct biounit_screen *scr)
{
	if (!scr)
		return;
	text_fonts_close(scr);
	free(scr);
}

int biounit_screen_preview_rect(const struct biounit_screen *scr, uint32_t fw, uint32_t fh,
				struct biounit_screen_rect *r)
{
	if (!scr || !fw || !fh || !r)
		return -EINVAL;
	*r = fit_rect(&scr->L.body, fw, fh);
	return 0;
}

void biounit_screen_hand_rect(const struct biounit_screen *scr, struct biounit_screen_rect *r)
{
	struct biounit_screen_rect half = scr->L.body;

	half.w = half.w * 45 / 100;
	*r = fit_rect(&half, 1, 1);
}

/* ---- the scenes' bodies ---- */

static void scene_welcome(struct biounit_screen *scr, cairo_t *cr,
			  const struct biounit_screen_state *st)
{
	static const struct {
		uint32_t bit;
		const char *nl, *en;
	} steps[] = {
		{ BIOUNIT_SCREEN_STEP_PHOTO, "Pasfoto", "Passport photo" },
		{ BIOUNIT_SCREEN_STEP_FINGERS, "Vingerafdrukken", "Fingerprints" },
		{ BIOUNIT_SCREEN_STEP_SIGNATURE, "Handtekening", "Signature" },
	};
	const struct biounit_screen_rect *b = &scr->L.body;
	double row = scr->L.fs_nl * 2.6, y = b->y + scr->L.m, r = scr->L.fs_nl * 0.55;
	double x = b->x + b->w * 0.18;
	unsigned int n = 0;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char num[4];
		bool done = st->steps_done & steps[i].bit, now = st->step_now & steps[i].bit;

		if (!(st->steps & steps[i].bit))
			continue;
		if (y + row > b->y + b->h)
			break;
		n++;
		cairo_arc(cr, x + r, y + row / 2 - r * 0.3, r, 0, 2 * M_PI);
		set_rgb(cr, done ? COL_GOOD : now ? COL_BRAND : COL_WHITE);
		cairo_fill_preserve(cr);
		set_rgb(cr, done ? COL_GOOD : COL_BRAND);
		cairo_set_line_width(cr, fmax(2, r / 8));
		cairo_stroke(cr);
		if (done) {
			/* a check mark */
			cairo_move_to(cr, x + r * 0.5, y + row / 2 - r * 0.3);
			cairo_line_to(cr, x + r * 0.9, y + row / 2 + r * 0.1);
			cairo_line_to(cr, x + r * 1.5, y + row / 2 - r * 0.75);
			set_rgb(cr, COL_WHITE);
			cairo_set_line_width(cr, fmax(2, r / 4));
			cairo_stroke(cr);
		} else {
			num[0] = (char)('0' + n);
			num[1] = '\0';
			text_line(scr, cr, x, y + row / 2 - r * 0.3 - scr->L.fs_small * 0.62, 2 * r,
				  num, scr->L.fs_small, true, TEXT_CENTRE,
				  now ? COL_WHITE : COL_BRAND);
		}
		text_pair(scr, cr, x + 3 * r, y + row / 2 - scr->L.fs_nl * 0.95, b->w * 0.6, row,
			  steps[i].nl, steps[i].en, scr->L.fs_nl * 0.9, TEXT_LEFT,
			  now ? COL_BRAND : COL_TEXT);
		y += row;
	}
}

static void guide_outline(struct biounit_screen *scr, cairo_t *cr,
			  const struct biounit_screen_rect *pr, const struct biounit_image_view *f,
			  const struct biounit_face_window *g)
{
	double sx = (double)pr->w / f->width, sy = (double)pr->h / f->height;
	/* mirrored like the frame */
	double cx = pr->x + (f->width - (g->x + g->w / 2)) * sx, cy = pr->y + (g->y + g->h / 2) * sy;
	double rx = g->w / 2 * sx, ry = g->h / 2 * sy;
	double lw = fmax(2, scr->h / 200.0);
	double dash[] = { lw * 4, lw * 2.5 };

	if (rx < 1 || ry < 1)
		return;
	cairo_save(cr);
	cairo_rectangle(cr, pr->x, pr->y, pr->w, pr->h);
	cairo_clip(cr);
	cairo_save(cr);
	cairo_translate(cr, cx, cy);
	cairo_scale(cr, rx, ry);
	cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
	cairo_restore(cr);
	/* a dark line under a light dashed one: visible on any background */
	cairo_set_line_width(cr, lw * 2);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
	cairo_stroke_preserve(cr);
	cairo_set_line_width(cr, lw);
	cairo_set_dash(cr, dash, 2, 0);
	set_rgb(cr, COL_WHITE);
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* @hole: the overlay of the plane path (biounit_screen_render_overlay()): the
 * camera's plane shows the frame there, the overlay is transparent */
static void scene_photo(struct biounit_screen *scr, cairo_t *cr, cairo_surface_t *surf,
			uint32_t *px, uint32_t stride, const struct biounit_screen_state *st,
			const struct biounit_screen_rect *hole)
{
	struct biounit_screen_rect pr;

	if (hole) {
		pr = *hole;
		cairo_save(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
		cairo_rectangle(cr, pr.x, pr.y, pr.w, pr.h);
		cairo_fill(cr);
		cairo_restore(cr);
	} else {
		biounit_screen_preview_rect(scr, st->frame->width, st->frame->height, &pr);
		cairo_surface_flush(surf);
		draw_view(px, stride, &pr, st->frame, true);
		cairo_surface_mark_dirty_rectangle(surf, pr.x, pr.y, pr.w, pr.h);
	}
	if (st->scene == BIOUNIT_SCREEN_PHOTO_LIVE && st->have_guide)
		guide_outline(scr, cr, &pr, st->frame, &st->guide);
	if (st->scene == BIOUNIT_SCREEN_PHOTO_CAPTURE) {
		/* the flash: a white frame round the held picture */
		double lw = fmax(6, scr->h / 50.0);

		cairo_rectangle(cr, pr.x + lw / 2, pr.y + lw / 2, pr.w - lw, pr.h - lw);
		cairo_set_line_width(cr, lw);
		set_rgb(cr, COL_WHITE);
		cairo_stroke(cr);
	}
}

static void scene_photo_kept(struct biounit_screen *scr, cairo_t *cr, cairo_surface_t *surf,
			     uint32_t *px, uint32_t stride, const struct biounit_screen_state *st)
{
	struct biounit_screen_rect pr = fit_rect(&scr->L.body, st->photo->width, st->photo->height);

	cairo_rectangle(cr, pr.x - 2, pr.y - 2, pr.w + 4, pr.h + 4);
	set_rgb(cr, COL_LINE);
	cairo_fill(cr);
	cairo_surface_flush(surf);
	draw_view(px, stride, &pr, st->photo, false);
	cairo_surface_mark_dirty_rectangle(surf, pr.x, pr.y, pr.w, pr.h);
}

static void scene_fingers(struct biounit_screen *scr, cairo_t *cr,
			  const struct biounit_screen_state *st)
{
	const struct biounit_screen_rect *b = &scr->L.body;
	struct biounit_screen_rect hr;
	double x, w, y, lamp = scr->L.fs_nl * 0.5;
	char nl[64], en[64];

	biounit_screen_hand_rect(scr, &hr);
	draw_hand(scr, cr, &hr, st->finger);
	x = hr.x + hr.w + scr->L.m * 2;
	w = b->x + b->w - x;
	y = b->y + scr->L.m;
	text_pair(scr, cr, x, y, w, scr->L.fs_nl * 2.4, st->finger <= 5 ? "Rechterhand" : "Linkerhand",
		  st->finger <= 5 ? "Right hand" : "Left hand", scr->L.fs_nl, TEXT_LEFT, COL_BRAND);
	y += scr->L.fs_nl * 3;
	/* a lamp: green while a finger lies on the scanner */
	cairo_arc(cr, x + lamp, y + lamp, lamp, 0, 2 * M_PI);
	set_rgb(cr, st->finger_placed ? COL_GOOD : COL_WHITE);
	cairo_fill_preserve(cr);
	set_rgb(cr, st->finger_placed ? COL_GOOD : COL_LINE);
	cairo_set_line_width(cr, fmax(2, lamp / 6));
	cairo_stroke(cr);
	text_pair(scr, cr, x + 3 * lamp, y - scr->L.fs_small * 0.2, w - 3 * lamp, scr->L.fs_nl * 2.4,
		  st->finger_placed ? "Vinger ligt op de scanner" : "Nog geen vinger op de scanner",
		  st->finger_placed ? "Finger on the scanner" : "No finger on the scanner yet",
		  scr->L.fs_small, TEXT_LEFT, COL_TEXT);
	y += scr->L.fs_nl * 2.6;
	if (st->max_attempts) {
		snprintf(nl, sizeof(nl), "Poging %u van %u", st->attempt, st->max_attempts);
		snprintf(en, sizeof(en), "Attempt %u of %u", st->attempt, st->max_attempts);
		text_pair(scr, cr, x, y, w, scr->L.fs_nl * 2.4, nl, en, scr->L.fs_small, TEXT_LEFT,
			  COL_TEXT);
	}
}

static void button(struct biounit_screen *scr, cairo_t *cr, double x, double y, double w,
		   double h, const char *nl, const char *en, bool on)
{
	char s[96];

	rounded_rect(cr, x, y, w, h, h / 4);
	set_rgb(cr, on ? COL_BRAND : COL_DIM);
	cairo_fill(cr);
	snprintf(s, sizeof(s), "%s / %s", nl, en);
	text_line(scr, cr, x, y + (h - scr->L.fs_small * 1.2) / 2, w, s, scr->L.fs_small, true,
		  TEXT_CENTRE, on ? COL_WHITE : COL_TEXT_EN);
}

static int scene_signature(struct biounit_screen *scr, cairo_t *cr, cairo_surface_t *surf,
			   uint32_t *px, uint32_t stride, const struct biounit_screen_state *st)
{
	struct biounit_signature_box box = { 0, 0, 500, 150, 10, 1 };
	struct biounit_screen_rect ir;
	double by, bw, bh;

	if (st->ink)
		box = biounit_signature_get_box(st->ink);
	if (biounit_screen_ink_rect(scr, &box, &ir))
		return -EINVAL;
	cairo_rectangle(cr, ir.x, ir.y, ir.w, ir.h);
	set_rgb(cr, COL_WHITE);
	cairo_fill_preserve(cr);
	set_rgb(cr, COL_LINE);
	cairo_set_line_width(cr, 2);
	cairo_stroke(cr);
	/* the line to sign on, three quarters down */
	cairo_move_to(cr, ir.x + ir.w * 0.06, ir.y + ir.h * 0.75 + 0.5);
	cairo_line_to(cr, ir.x + ir.w * 0.94, ir.y + ir.h * 0.75 + 0.5);
	set_rgb(cr, COL_DIM);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	if (st->scene == BIOUNIT_SCREEN_SIGNATURE_KEPT && st->ink) {
		/* exactly what the record holds: the signature's own rendering */
		struct biounit_image *img;
		struct biounit_screen_rect in = { ir.x + 2, ir.y + 2, ir.w - 4, ir.h - 4 };

		if (!biounit_signature_render(st->ink, (uint32_t)in.w, (uint32_t)in.h, &img)) {
			struct biounit_image_view v = biounit_image_get_view(img);

			cairo_surface_flush(surf);
			draw_view(px, stride, &in, &v, false);
			cairo_surface_mark_dirty_rectangle(surf, in.x, in.y, in.w, in.h);
			biounit_image_free(img);
		}
	} else if (st->ink) {
		draw_ink(scr, cr, st->ink, &ir);
	}
	if (st->scene == BIOUNIT_SCREEN_SIGNATURE) {
		bh = scr->L.fs_nl * 1.7;
		bw = fmin(ir.w / 2.0 - scr->L.m, scr->L.fs_small * 14);
		by = ir.y + ir.h + scr->L.fs_nl * 0.6;
		button(scr, cr, ir.x, by, bw, bh, "Wissen", "Clear", st->can_clear);
		button(scr, cr, ir.x + ir.w - bw, by, bw, bh, "Klaar", "Done", st->can_done);
	}
	return 0;
}

static void scene_message(struct biounit_screen *scr, cairo_t *cr,
			  const struct biounit_screen_state *st)
{
	const struct biounit_screen_rect *b = &scr->L.body;

	if (st->scene == BIOUNIT_SCREEN_PAUSED && ((st->reason_nl && *st->reason_nl) ||
						   (st->reason_en && *st->reason_en)))
		text_pair(scr, cr, b->x + b->w * 0.1, b->y + b->h * 0.25, b->w * 0.8, b->h * 0.7,
			  st->reason_nl, st->reason_en, scr->L.fs_nl, TEXT_CENTRE, COL_BRAND);
}

/* ---- the frame round the body ---- */

static void header(struct biounit_screen *scr, cairo_t *cr, const struct biounit_screen_state *st)
{
	const struct biounit_screen_rect *h = &scr->L.head;
	const char *nl = st->prompt_nl, *en = st->prompt_en;

	if ((!nl || !*nl) && (!en || !*en)) {
		nl = scene_default[st->scene].nl;
		en = scene_default[st->scene].en;
	}
	text_pair(scr, cr, h->x, h->y, h->w, h->h, nl, en, scr->L.fs_nl, TEXT_LEFT, COL_TEXT);
}

static void footer(struct biounit_screen *scr, cairo_t *cr, const struct biounit_screen_state *st)
{
	const struct biounit_screen_rect *f = &scr->L.foot;
	uint32_t bg = st->tone == BIOUNIT_SCREEN_TONE_GOOD  ? COL_GOOD
		      : st->tone == BIOUNIT_SCREEN_TONE_ACT ? BIOUNIT_SCREEN_MARK_RGB
							    : COL_BRAND;
	uint32_t fg = st->tone == BIOUNIT_SCREEN_TONE_ACT ? COL_TEXT : COL_WHITE;

	if ((!st->advice_nl || !*st->advice_nl) && (!st->advice_en || !*st->advice_en))
		return;
	cairo_rectangle(cr, f->x, f->y, f->w, f->h);
	set_rgb(cr, bg);
	cairo_fill(cr);
	text_pair(scr, cr, f->x + 2 * scr->L.m, f->y + scr->L.m * 0.6, f->w - 4 * scr->L.m,
		  f->h - scr->L.m * 0.8, st->advice_nl, st->advice_en, scr->L.fs_nl * 0.85,
		  TEXT_CENTRE, fg);
}

static int state_check(const struct biounit_screen_state *st)
{
	if ((unsigned int)st->scene >= BIOUNIT_SCREEN_SCENE_COUNT)
		return -EINVAL;
	switch (st->scene) {
	case BIOUNIT_SCREEN_PHOTO_LIVE:
	case BIOUNIT_SCREEN_PHOTO_CAPTURE:
		return biounit_image_view_check(st->frame) ? -EINVAL : 0;
	case BIOUNIT_SCREEN_PHOTO_KEPT:
		return biounit_image_view_check(st->photo) ? -EINVAL : 0;
	case BIOUNIT_SCREEN_FINGERS:
		return st->finger >= 1 && st->finger <= 10 ? 0 : -EINVAL;
	default:
		return 0;
	}
}

static int render(struct biounit_screen *scr, const struct biounit_screen_state *st, uint32_t *px,
		  uint32_t stride, const struct biounit_screen_rect *hole)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	int r = 0;

	if (!scr || !st || !px || stride < scr->w * 4 || stride % 4)
		return -EINVAL;
	r = state_check(st);
	if (r)
		return r;
	surf = cairo_image_surface_create_for_data((unsigned char *)px,
						   hole ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
						   (int)scr->w, (int)scr->h, (int)stride);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		return -ENOMEM;
	}
	cr = cairo_create(surf);
	set_rgb(cr, BIOUNIT_SCREEN_BG_RGB);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	switch (st->scene) {
	case BIOUNIT_SCREEN_BLANK:
		break;
	case BIOUNIT_SCREEN_WELCOME:
		scene_welcome(scr, cr, st);
		break;
	case BIOUNIT_SCREEN_PHOTO_LIVE:
	case BIOUNIT_SCREEN_PHOTO_CAPTURE:
		scene_photo(scr, cr, surf, px, stride, st, hole);
		break;
	case BIOUNIT_SCREEN_PHOTO_KEPT:
		scene_photo_kept(scr, cr, surf, px, stride, st);
		break;
	case BIOUNIT_SCREEN_FINGERS:
		scene_fingers(scr, cr, st);
		break;
	case BIOUNIT_SCREEN_SIGNATURE:
	case BIOUNIT_SCREEN_SIGNATURE_KEPT:
		r = scene_signature(scr, cr, surf, px, stride, st);
		break;
	default:
		scene_message(scr, cr, st);
		break;
	}
	if (st->scene != BIOUNIT_SCREEN_BLANK) {
		header(scr, cr, st);
		footer(scr, cr, st);
	}
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS && !r)
		r = -ENOMEM;
	cairo_destroy(cr);
	cairo_surface_flush(surf);
	cairo_surface_destroy(surf);
	return r;
}

int biounit_screen_render(struct biounit_screen *scr, const struct biounit_screen_state *st,
			  uint32_t *px, uint32_t stride)
{
	return render(scr, st, px, stride, NULL);
}

int biounit_screen_render_overlay(struct biounit_screen *scr, const struct biounit_screen_state *st,
				  const struct biounit_screen_rect *preview, uint32_t *px,
				  uint32_t stride)
{
	if (!scr || !st || !preview || st->scene != BIOUNIT_SCREEN_PHOTO_LIVE || preview->w < 1 ||
	    preview->h < 1 || preview->x < 0 || preview->y < 0 ||
	    (uint32_t)preview->x + (uint32_t)preview->w > scr->w ||
	    (uint32_t)preview->y + (uint32_t)preview->h > scr->h)
		return -EINVAL;
	return render(scr, st, px, stride, preview);
}
