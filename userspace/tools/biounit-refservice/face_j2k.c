// SPDX-License-Identifier: GPL-2.0
/*
 * The JPEG 2000 codestream of a facial image decoded with OpenJPEG, from
 * memory (docs/handoff.md, "What the service checks in the records"). The
 * record reader only walks the codestream's markers; a codestream whose
 * markers chain correctly can still be corrupt inside (its coding style, its
 * quantisation, its packets), and card production would find out too late.
 *
 * OpenJPEG runs in strict mode (a truncated or damaged codestream is an
 * error, not a partly grey picture), single-threaded, with its messages
 * silenced: they could only say where the codestream breaks, and the service
 * logs nothing of a record. The header is read first, so that a codestream
 * claiming more pixels or components than a face image has is refused before
 * anything is allocated for it.
 */
#include <errno.h>
#include <string.h>
#include <openjpeg.h>

#include "refservice.h"

struct mem_src {
	const uint8_t *p;
	size_t len, pos;
};

static OPJ_SIZE_T src_read(void *buf, OPJ_SIZE_T n, void *user)
{
	struct mem_src *s = user;
	size_t k = s->len - s->pos;

	if (!k)
		return (OPJ_SIZE_T)-1;	/* end of stream */
	if (k > n)
		k = n;
	memcpy(buf, s->p + s->pos, k);
	s->pos += k;
	return k;
}

static OPJ_OFF_T src_skip(OPJ_OFF_T n, void *user)
{
	struct mem_src *s = user;

	if (n < 0 || (uint64_t)n > s->len - s->pos)
		return -1;
	s->pos += (size_t)n;
	return n;
}

static OPJ_BOOL src_seek(OPJ_OFF_T off, void *user)
{
	struct mem_src *s = user;

	if (off < 0 || (uint64_t)off > s->len)
		return OPJ_FALSE;
	s->pos = (size_t)off;
	return OPJ_TRUE;
}

static void opj_quiet(const char *msg, void *user)
{
	(void)msg;
	(void)user;
}

static void geometry(const opj_image_t *img, struct refsvc_j2k_info *info)
{
	info->width = img->x1 - img->x0;
	info->height = img->y1 - img->y0;
	info->components = img->numcomps;
	for (unsigned int c = 0; c < img->numcomps && c < REFSVC_J2K_MAX_COMPONENTS; c++) {
		info->comp[c].width = img->comps[c].w;
		info->comp[c].height = img->comps[c].h;
		info->comp[c].dx = img->comps[c].dx;
		info->comp[c].dy = img->comps[c].dy;
		info->comp[c].precision = img->comps[c].prec;
	}
}

int refsvc_j2k_decode(const uint8_t *p, size_t len, uint64_t max_pixels,
		      struct refsvc_j2k_info *info)
{
	struct mem_src src = { p, len, 0 };
	opj_dparameters_t prm;
	opj_codec_t *codec;
	opj_stream_t *stream;
	opj_image_t *img = NULL;
	int r = -ENOMEM;

	memset(info, 0, sizeof(*info));
	if (!p || !len)
		return -EINVAL;
	codec = opj_create_decompress(OPJ_CODEC_J2K);
	stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
	if (!codec || !stream)
		goto out;
	opj_set_info_handler(codec, opj_quiet, NULL);
	opj_set_warning_handler(codec, opj_quiet, NULL);
	opj_set_error_handler(codec, opj_quiet, NULL);
	opj_set_default_decoder_parameters(&prm);
	opj_stream_set_user_data(stream, &src, NULL);
	opj_stream_set_user_data_length(stream, len);
	opj_stream_set_read_function(stream, src_read);
	opj_stream_set_skip_function(stream, src_skip);
	opj_stream_set_seek_function(stream, src_seek);
	r = -EBADMSG;
	if (!opj_setup_decoder(codec, &prm) || !opj_decoder_set_strict_mode(codec, OPJ_TRUE) ||
	    !opj_codec_set_threads(codec, 1))
		goto out;
	if (!opj_read_header(stream, codec, &img) || !img)
		goto out;
	geometry(img, info);
	if (img->numcomps < 1 || img->numcomps > REFSVC_J2K_MAX_COMPONENTS ||
	    (uint64_t)info->width * info->height > max_pixels) {
		r = -E2BIG;
		goto out;
	}
	if (!opj_decode(codec, stream, img) || !opj_end_decompress(codec, stream))
		goto out;
	for (unsigned int c = 0; c < img->numcomps; c++)
		if (!img->comps[c].data)
			goto out;
	geometry(img, info);	/* as decoded */
	r = 0;
out:
	opj_image_destroy(img);
	if (stream)
		opj_stream_destroy(stream);
	if (codec)
		opj_destroy_codec(codec);
	return r;
}
