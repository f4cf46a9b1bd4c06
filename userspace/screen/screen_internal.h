/* SPDX-License-Identifier: GPL-2.0 */
/* The applicant's screen: what its files share (docs/screen.md). */
#ifndef SCREEN_INTERNAL_H
#define SCREEN_INTERNAL_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "screen/screen.h"

/* The fonts, from fonts-dejavu-core, in a font configuration of our own:
 * the same glyphs on every machine (the VM's screen and a test's memory). */
#define SCREEN_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define SCREEN_FONT_REGULAR SCREEN_FONT_DIR "/DejaVuSans.ttf"
#define SCREEN_FONT_BOLD SCREEN_FONT_DIR "/DejaVuSans-Bold.ttf"

struct screen_layout {
	double m;			/* margin */
	struct biounit_screen_rect head, body, foot;
	double fs_nl, fs_en;		/* text sizes of the instruction, pixels */
	double fs_small;		/* labels */
};

struct biounit_screen {
	uint32_t w, h;
	struct screen_layout L;
	PangoFontMap *fonts;
	void *fc_config;		/* FcConfig * */
};

/* text.c: fonts and the two-language text blocks */
int text_fonts_open(struct biounit_screen *scr);
void text_fonts_close(struct biounit_screen *scr);
enum text_align { TEXT_LEFT, TEXT_CENTRE };
/*
 * @nl above @en (bold at @fs, regular at @fs * 0.8), wrapped to @w, cut
 * with an ellipsis past @h; colour @rgb (English a little lighter).
 * Returns the height used.
 */
double text_pair(struct biounit_screen *scr, cairo_t *cr, double x, double y, double w, double h,
		 const char *nl, const char *en, double fs, enum text_align align, uint32_t rgb);
/* one line (or wrapped lines) of @s, regular or bold; returns the height used */
double text_line(struct biounit_screen *scr, cairo_t *cr, double x, double y, double w,
		 const char *s, double fs, bool bold, enum text_align align, uint32_t rgb);

/* draw.c: pixels and shapes */
static inline void set_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
			     (rgb & 0xff) / 255.0);
}
/* @v scaled (nearest sample) into @r of the XRGB8888 pixels, mirrored if asked */
void draw_view(uint32_t *px, uint32_t stride, const struct biounit_screen_rect *r,
	       const struct biounit_image_view *v, bool mirror);
/* the largest rectangle of @fw:@fh inside @in, centred */
struct biounit_screen_rect fit_rect(const struct biounit_screen_rect *in, double fw, double fh);
void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r);

/* hand.c: a hand seen from above, @finger (1..10) marked */
void draw_hand(struct biounit_screen *scr, cairo_t *cr, const struct biounit_screen_rect *r,
	       unsigned int finger);

/* ink.c: the signing box and the ink under the pen */
void draw_ink(struct biounit_screen *scr, cairo_t *cr, const struct biounit_signature *sig,
	      const struct biounit_screen_rect *r);

/* colours, XRGB */
#define COL_TEXT 0x1b1f24u
#define COL_TEXT_EN 0x48515cu
#define COL_BRAND 0x154273u
#define COL_GOOD 0x2e7d32u
#define COL_WHITE 0xffffffu
#define COL_LINE 0x9aa5b1u
#define COL_DIM 0xc9d0d8u

#endif
