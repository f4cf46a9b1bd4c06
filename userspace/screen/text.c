// SPDX-License-Identifier: GPL-2.0
/*
 * Text on the applicant's screen: pango lays it out, cairo draws it, in
 * DejaVu Sans from fonts-dejavu-core. The fonts come from a fontconfig
 * configuration of our own that holds only those two files, so the text is
 * the same glyphs on every machine whatever else is installed (a test in
 * memory and the VM's display draw the same pixels), with fixed rendering
 * options (grey anti-aliasing, no hinting).
 */
#include <errno.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>

#include "screen_internal.h"

int text_fonts_open(struct biounit_screen *scr)
{
	static const char *const files[] = { SCREEN_FONT_REGULAR, SCREEN_FONT_BOLD };
	FcConfig *cfg;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (access(files[i], R_OK))
			return -ENOENT;
	cfg = FcConfigCreate();
	if (!cfg)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!FcConfigAppFontAddFile(cfg, (const FcChar8 *)files[i])) {
			FcConfigDestroy(cfg);
			return -ENOENT;
		}
	scr->fonts = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (!scr->fonts) {
		FcConfigDestroy(cfg);
		return -ENOMEM;
	}
	/* the font map takes its own reference */
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(scr->fonts), cfg);
	FcConfigDestroy(cfg);
	scr->fc_config = NULL;
	return 0;
}

void text_fonts_close(struct biounit_screen *scr)
{
	if (scr->fonts) {
		/* drop the font map's caches of our configuration before the map */
		pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(scr->fonts));
		g_object_unref(scr->fonts);
	}
	scr->fonts = NULL;
}

static PangoLayout *layout_new(struct biounit_screen *scr, cairo_t *cr, const char *s, double fs,
			       bool bold, double w, enum text_align align)
{
	PangoContext *ctx = pango_font_map_create_context(scr->fonts);
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoFontDescription *fd = pango_font_description_new();
	PangoLayout *l;

	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(ctx, fo);
	pango_cairo_update_context(cr, ctx);
	cairo_font_options_destroy(fo);
	l = pango_layout_new(ctx);
	g_object_unref(ctx);
	pango_font_description_set_family_static(fd, "DejaVu Sans");
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, fs * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align == TEXT_CENTRE ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s, -1);
	return l;
}

/* draws @l at (x, y), at most @h high (ellipsis past it); the height used */
static double layout_show(cairo_t *cr, PangoLayout *l, double x, double y, double h, uint32_t rgb)
{
	int lw, lh;

	if (h > 0) {
		pango_layout_set_height(l, (int)(h * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_get_pixel_size(l, &lw, &lh);
	if (h > 0 && lh > h)
		return 0;	/* not even one line fits */
	set_rgb(cr, rgb);
	cairo_new_path(cr);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	cairo_new_path(cr);
	return lh;
}

double text_line(struct biounit_screen *scr, cairo_t *cr, double x, double y, double w,
		 const char *s, double fs, bool bold, enum text_align align, uint32_t rgb)
{
	PangoLayout *l;
	double used;

	if (!s || !*s)
		return 0;
	l = layout_new(scr, cr, s, fs, bold, w, align);
	used = layout_show(cr, l, x, y, 0, rgb);
	g_object_unref(l);
	return used;
}

static uint32_t lighter(uint32_t rgb)
{
	uint32_t out = 0;

	for (int sh = 0; sh <= 16; sh += 8) {
		uint32_t c = (rgb >> sh) & 0xff;

		out |= (c + (255 - c) * 28 / 100) << sh;
	}
	return out;
}

double text_pair(struct biounit_screen *scr, cairo_t *cr, double x, double y, double w, double h,
		 const char *nl, const char *en, double fs, enum text_align align, uint32_t rgb)
{
	double used = 0, gap = fs * 0.25;
	PangoLayout *l;

	if (nl && *nl) {
		l = layout_new(scr, cr, nl, fs, true, w, align);
		/* Dutch first, leaving a line of English room where there is room */
		double nl_h = h - (en && *en ? fs * 1.3 + gap : 0);

		used = layout_show(cr, l, x, y, nl_h >= fs * 1.3 ? nl_h : h, rgb);
		g_object_unref(l);
	}
	if (en && *en && h - used - gap > 0) {
		double off = used ? used + gap : 0;

		l = layout_new(scr, cr, en, fs * 0.8, false, w, align);
		used = off + layout_show(cr, l, x, y + off, h - off, lighter(rgb) == rgb ? rgb :
					 (rgb == COL_TEXT ? COL_TEXT_EN : lighter(rgb)));
		g_object_unref(l);
	}
	return used;
}
