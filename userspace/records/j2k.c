// SPDX-License-Identifier: GPL-2.0
/*
 * JPEG 2000 codestream of the chip's face image with OpenJPEG, sized by rate
 * control to a byte target.
 *
 * Profile: raw codestream (ISO/IEC 15444-1 Annex A, no JP2 boxes), one tile,
 * irreversible 9/7 wavelet with 5 decomposition levels, 64x64 code blocks,
 * LRCP, one quality layer, the irreversible colour transform for RGB.
 * OpenJPEG's rate allocation takes a compression ratio; the size it reaches
 * for a given ratio depends on the picture, so we search: the first ratio is
 * raw size / target, then a secant step on log(size) against log(ratio),
 * bracketed by the best passes on each side of the target, until a pass lands
 * in [target * (1 - tolerance), target] or the passes run out. The largest
 * pass not above the target is kept. See docs/records.md.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openjpeg.h>

#include "records_internal.h"
#include "util/grow.h"

#define J2K_MAX_PASSES 10

/* A growing in-memory output for OpenJPEG's stream callbacks. */
struct j2k_sink {
	uint8_t *data;
	size_t len, cap, pos;
	int error;
};

static int sink_reserve(struct j2k_sink *s, size_t end)
{
	size_t old = s->cap;

	if (util_grow(&s->data, &s->cap, 0, end, 1, 64 * 1024, 0)) {
		s->error = -ENOMEM;
		return -ENOMEM;
	}
	memset(s->data + old, 0, s->cap - old);	/* a seek past the end reads zeros */
	return 0;
}

static OPJ_SIZE_T sink_write(void *buf, OPJ_SIZE_T n, void *user)
{
	struct j2k_sink *s = user;

	if (sink_reserve(s, s->pos + n))
		return (OPJ_SIZE_T)-1;
	memcpy(s->data + s->pos, buf, n);
	s->pos += n;
	if (s->pos > s->len)
		s->len = s->pos;
	return n;
}

static OPJ_BOOL sink_seek(OPJ_OFF_T off, void *user)
{
	struct j2k_sink *s = user;

	if (off < 0 || sink_reserve(s, (size_t)off))
		return OPJ_FALSE;
	s->pos = (size_t)off;
	if (s->pos > s->len)
		s->len = s->pos;
	return OPJ_TRUE;
}

static OPJ_OFF_T sink_skip(OPJ_OFF_T n, void *user)
{
	struct j2k_sink *s = user;

	if (n < 0 && (size_t)-n > s->pos)
		return -1;
	if (!sink_seek((OPJ_OFF_T)s->pos + n, user))
		return -1;
	return n;
}

static void opj_quiet(const char *msg, void *user)
{
	(void)msg;
	(void)user;
}

static opj_image_t *make_opj_image(const struct biounit_image_view *v)
{
	unsigned int comps = biounit_pixfmt_bytes(v->format);
	opj_image_cmptparm_t parm[3];
	opj_image_t *img;

	memset(parm, 0, sizeof(parm));
	for (unsigned int c = 0; c < comps; c++) {
		parm[c].dx = parm[c].dy = 1;
		parm[c].w = v->width;
		parm[c].h = v->height;
		parm[c].prec = 8;
		parm[c].sgnd = 0;
	}
	img = opj_image_create(comps, parm, comps == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
	if (!img)
		return NULL;
	img->x0 = img->y0 = 0;
	img->x1 = v->width;
	img->y1 = v->height;
	for (uint32_t y = 0; y < v->height; y++) {
		const uint8_t *row = v->data + (size_t)y * v->stride;

		for (uint32_t x = 0; x < v->width; x++)
			for (unsigned int c = 0; c < comps; c++)
				img->comps[c].data[(size_t)y * v->width + x] = row[(size_t)x * comps + c];
	}
	return img;
}

/* One encoder run at compression ratio @ratio; the codestream goes to @sink. */
static int j2k_encode_once(const struct biounit_image_view *v, double ratio, struct j2k_sink *sink)
{
	opj_cparameters_t prm;
	opj_codec_t *codec = NULL;
	opj_stream_t *stream = NULL;
	opj_image_t *img;
	int ret = -ENOMEM;

	sink->len = sink->pos = 0;
	sink->error = 0;
	img = make_opj_image(v);
	if (!img)
		return -ENOMEM;
	opj_set_default_encoder_parameters(&prm);
	prm.tcp_numlayers = 1;
	prm.tcp_rates[0] = (float)ratio;
	prm.cp_disto_alloc = 1;
	prm.irreversible = 1;
	prm.numresolution = 6;
	prm.cblockw_init = prm.cblockh_init = 64;
	prm.prog_order = OPJ_LRCP;
	prm.tcp_mct = img->numcomps == 3 ? 1 : 0;
	codec = opj_create_compress(OPJ_CODEC_J2K);
	if (!codec)
		goto out;
	opj_set_info_handler(codec, opj_quiet, NULL);
	opj_set_warning_handler(codec, opj_quiet, NULL);
	opj_set_error_handler(codec, opj_quiet, NULL);
	ret = -EINVAL;
	if (!opj_setup_encoder(codec, &prm, img))
		goto out;
	ret = -ENOMEM;
	stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_FALSE);
	if (!stream)
		goto out;
	opj_stream_set_user_data(stream, sink, NULL);
	opj_stream_set_write_function(stream, sink_write);
	opj_stream_set_seek_function(stream, sink_seek);
	opj_stream_set_skip_function(stream, sink_skip);
	if (!opj_start_compress(codec, img, stream) || !opj_encode(codec, stream) ||
	    !opj_end_compress(codec, stream)) {
		ret = sink->error ? sink->error : -EIO;
		goto out;
	}
	ret = sink->error;
out:
	if (stream)
		opj_stream_destroy(stream);
	if (codec)
		opj_destroy_codec(codec);
	opj_image_destroy(img);
	return ret;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int rec_j2k_encode_target(const struct biounit_image_view *v, size_t target,
			  unsigned int tolerance_permille, struct biounit_blob *out,
			  struct biounit_j2k_stats *stats)
{
	double raw = (double)v->width * v->height * biounit_pixfmt_bytes(v->format);
	size_t floor_bytes = target - target * tolerance_permille / 1000;
	/* below: best pass not above the target; above: smallest pass over it */
	double below_ratio = 0, above_ratio = 0, ratio, t0 = now_ms();
	size_t below_len = 0, above_len = 0;
	struct j2k_sink sink = { 0 }, best = { 0 };
	unsigned int pass;
	int ret = 0;

	if (target < 256 || tolerance_permille >= 1000 || raw / target < 1.0)
		return -EINVAL;
	ratio = raw / target;
	for (pass = 1; pass <= J2K_MAX_PASSES; pass++) {
		double aim = (target + floor_bytes) / 2.0, next;
		size_t got;

		ret = j2k_encode_once(v, ratio, &sink);
		if (ret)
			break;
		got = sink.len;
		if (got <= target) {
			if (got > below_len) {
				struct j2k_sink swap = best;

				best = sink;
				sink = swap;
				below_len = got;
				below_ratio = ratio;
			}
			if (below_len >= floor_bytes)
				break;
		} else if (!above_len || got < above_len) {
			above_len = got;
			above_ratio = ratio;
		}
		if (below_len && above_len) {
			/* secant on log(size) = a + slope * log(ratio), inside the bracket */
			double slope = (log((double)above_len) - log((double)below_len)) /
				       (log(above_ratio) - log(below_ratio));

			next = slope < 0 ? below_ratio * exp((log(aim) - log((double)below_len)) / slope)
					 : 0;
			if (!(next < below_ratio && next > above_ratio))
				next = sqrt(below_ratio * above_ratio);
		} else {
			/* size falls roughly as 1 / ratio */
			next = ratio * (double)got / aim;
		}
		if (next < 1.0)
			next = 1.0;
		if (fabs(next - ratio) < 1e-6 * ratio)
			break;
		ratio = next;
	}
	free(sink.data);
	if (ret) {
		free(best.data);
		return ret;
	}
	if (!below_len) {
		free(best.data);
		return -ERANGE;
	}
	out->data = best.data;
	out->len = best.len;
	if (stats) {
		stats->target_bytes = target;
		stats->bytes = best.len;
		stats->passes = pass > J2K_MAX_PASSES ? J2K_MAX_PASSES : pass;
		stats->ratio = below_ratio;
		stats->encode_ms = now_ms() - t0;
	}
	return 0;
}
