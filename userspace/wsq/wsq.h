/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit WSQ: the FBI's Wavelet Scalar Quantization grey-scale fingerprint
 * image compression (WSQ Gray-scale Fingerprint Image Compression
 * Specification, IAFIS-IC-0110(V3.1)), encoder and decoder.
 * See docs/wsq.md for the format, the sources and the measured figures.
 *
 * All functions returning int return 0 on success or a negative errno:
 * -EINVAL for a bad argument, -EBADMSG for a malformed or truncated stream,
 * -ENOTSUP for a valid stream using a feature we do not implement, -ENOMEM.
 * No global state; every function may be called from several threads.
 */
#ifndef BIOUNIT_WSQ_H
#define BIOUNIT_WSQ_H

#include <stddef.h>
#include <stdint.h>
#include <biounit/image.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bit rate card production expects (bits per pixel). */
#define BIOUNIT_WSQ_BITRATE_DEFAULT 0.75f

/**
 * biounit_wsq_encode() - compress one 8-bit grey fingerprint image
 * @v: the image (BIOUNIT_PIX_GREY; width and height at least 32)
 * @bitrate: target bits per pixel (0.1 .. 8.0; BIOUNIT_WSQ_BITRATE_DEFAULT)
 * @ppi: scan resolution written into the stream (e.g. 500), or 0 for "unknown" (-1 in the stream)
 * @out: set to a malloc()ed WSQ stream (caller frees with free())
 * @out_len: set to its length in bytes
 */
int biounit_wsq_encode(const struct biounit_image_view *v, float bitrate, unsigned int ppi,
		       uint8_t **out, size_t *out_len);

/**
 * enum biounit_wsq_alloc - how the encoder chooses the subbands' bin widths
 * (the stream is valid WSQ with each; the decoder reads whatever it says)
 * @BIOUNIT_WSQ_ALLOC_MSE: ours, the default: bin widths for the least squared
 *	error, the common step searched so that the stream meets the rate
 * @BIOUNIT_WSQ_ALLOC_SPEC: the specification's informative allocation as
 *	written (subband variances, Q'_k = 10 / (A_k ln var_k), closed-form
 *	scale q, Z = 1.2 Q, C = 0.44), as NIST's NBIS encoder does; its rate
 *	model spends fewer bits than requested on typical prints
 * @BIOUNIT_WSQ_ALLOC_SPEC_RATE: the specification's relative bin widths
 *	(Q'_k, Z = 1.2 Q, C = 0.44) with the scale searched on the coded size
 *	so that the stream meets the requested rate
 * See docs/wsq.md for the measured comparison.
 */
enum biounit_wsq_alloc {
	BIOUNIT_WSQ_ALLOC_MSE = 0,
	BIOUNIT_WSQ_ALLOC_SPEC = 1,
	BIOUNIT_WSQ_ALLOC_SPEC_RATE = 2,
};

/**
 * struct biounit_wsq_encode_opts - encoder options (zero-initialise, then set)
 * @bitrate: target bits per pixel (0.1 .. 8.0; BIOUNIT_WSQ_BITRATE_DEFAULT)
 * @ppi: resolution written into the stream, 0 for "unknown"
 * @alloc: bit allocation (BIOUNIT_WSQ_ALLOC_MSE when zero)
 */
struct biounit_wsq_encode_opts {
	float bitrate;
	unsigned int ppi;
	enum biounit_wsq_alloc alloc;
};

/**
 * biounit_wsq_encode_ex() - biounit_wsq_encode() with options
 * @v: the image (BIOUNIT_PIX_GREY; width and height at least 32)
 * @o: the options; -EINVAL for an unknown @o->alloc
 * @out: set to a malloc()ed WSQ stream (caller frees with free())
 * @out_len: set to its length in bytes
 *
 * biounit_wsq_encode(v, rate, ppi, ...) is biounit_wsq_encode_ex() with
 * { rate, ppi, BIOUNIT_WSQ_ALLOC_MSE }.
 */
int biounit_wsq_encode_ex(const struct biounit_image_view *v,
			  const struct biounit_wsq_encode_opts *o, uint8_t **out, size_t *out_len);

/**
 * biounit_wsq_decode() - decompress a WSQ stream
 * @data: the stream
 * @len: its length in bytes
 * @out: set to a new BIOUNIT_PIX_GREY image (free with biounit_image_free())
 * @ppi: if not NULL, set to the resolution in the stream (0 when it says unknown)
 */
int biounit_wsq_decode(const uint8_t *data, size_t len, struct biounit_image **out,
		       unsigned int *ppi);

#ifdef __cplusplus
}
#endif

#endif /* BIOUNIT_WSQ_H */
