// SPDX-License-Identifier: GPL-2.0
/*
 * dlib shape_predictor (ensemble of regression trees, Kazemi & Sullivan 2014):
 * reader of dlib's serialised file, a compact mmap-able cache of it, and the
 * landmark regression. The file format is documented in
 * docs/face-landmark-model.md.
 *
 * In memory (and in the cache file, byte for byte) the model is one block:
 *   struct lm_header
 *   float initial_shape[2 * points]                 (x0 y0 x1 y1 ..., box units)
 *   per cascade: uint32 anchor[features]; float delta[features][2]
 *   per cascade, per tree: struct lm_split split[splits]; float leaf[leaves][2 * points]
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "face/face.h"

#include "raster.h"
#include "util/atomic_file.h"

#define LM_MAGIC "BIOULMC1"
#define LM_MAX_FILE (1024ull * 1024 * 1024)

/* Haar (alt2) box to dlib box, see biounit_face_box_to_dlib(). */
#define HAAR_TO_DLIB_DX 0.0f
#define HAAR_TO_DLIB_DY 0.0f
#define HAAR_TO_DLIB_SCALE 1.0f

struct lm_header {
	char magic[8];
	uint32_t cascades, trees, splits, leaves, points, features;
	uint32_t pad;
	uint64_t src_size;
	int64_t src_mtime_sec, src_mtime_nsec;
	uint64_t src_hash;
	uint64_t total_bytes;
};

struct lm_split {
	uint32_t idx1, idx2;
	float thresh;
};

struct biounit_landmark_model {
	void *block;		/* header + arrays */
	size_t block_size;
	bool mapped;		/* block is an mmap of the cache file */
	const struct lm_header *hdr;
	const float *initial_shape;
	const uint8_t *cascade0;	/* first cascade's anchors */
	size_t cascade_feat_bytes, tree_bytes;
	char cache_note[320];	/* why the cache was not used, or "" */
};

/* --------------------------------------------------------- dlib decoding */

struct rd {
	const uint8_t *p, *end;
};

/* dlib integers: one byte = byte count (low nibble) | 0x80 if negative,
 * then the magnitude little-endian in that many bytes. */
static int rd_int(struct rd *r, int64_t *v)
{
	uint64_t u = 0;
	unsigned int n;
	uint8_t b0;

	if (r->p >= r->end)
		return -EINVAL;
	b0 = *r->p++;
	n = b0 & 0x0f;
	if (n > 8 || (b0 & 0x70) || (size_t)(r->end - r->p) < n)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		u |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	if (u > INT64_MAX)
		return -EINVAL;
	*v = (b0 & 0x80) ? -(int64_t)u : (int64_t)u;
	return 0;
}

static int rd_uint(struct rd *r, uint64_t max, uint32_t *v)
{
	int64_t x;
	int ret = rd_int(r, &x);

	if (ret)
		return ret;
	if (x < 0 || (uint64_t)x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* dlib floats: mantissa (int64) and exponent (int16), value = m * 2^e. */
static int rd_float(struct rd *r, float *f)
{
	int64_t m, e;

	if (rd_int(r, &m) || rd_int(r, &e))
		return -EINVAL;
	if (e < -1100 || e > 1100)	/* dlib's inf/nan markers are 32000+ */
		return -EINVAL;
	*f = (float)ldexp((double)m, (int)e);
	return 0;
}

/* A column vector matrix<float,0,1>: -rows, -cols (negated), then values. */
static int rd_column(struct rd *r, uint32_t expect_rows, float *dst, uint32_t *rows_out)
{
	int64_t nr, nc;

	if (rd_int(r, &nr) || rd_int(r, &nc))
		return -EINVAL;
	nr = -nr;
	nc = -nc;
	if (nc != 1 || nr <= 0 || nr > 100000 || (expect_rows && nr != expect_rows))
		return -EINVAL;
	if (rows_out)
		*rows_out = (uint32_t)nr;
	for (int64_t i = 0; i < nr; i++)
		if (rd_float(r, &dst[i]))
			return -EINVAL;
	return 0;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	/* 64-bit multiply-xorshift over 8-byte words, then the tail. */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	return h * 0xc4ceb9fe1a85ec53ull;
}

/* Bytes of all cascades' trees (splits and leaves) in the block. */
static size_t trees_bytes_for(const struct lm_header *h)
{
	size_t shape = 2u * h->points;

	return (size_t)h->cascades * h->trees *
	       (h->splits * sizeof(struct lm_split) + h->leaves * shape * sizeof(float));
}

static size_t block_size_for(const struct lm_header *h)
{
	return sizeof(*h) + 2u * h->points * sizeof(float) +
	       (size_t)h->cascades * h->features * (sizeof(uint32_t) + 2 * sizeof(float)) +
	       trees_bytes_for(h);
}

static const uint32_t *model_anchors(const struct biounit_landmark_model *m, uint32_t c);
static const struct lm_split *model_tree(const struct biounit_landmark_model *m, uint32_t c,
					 uint32_t t);

/*
 * Every index the regression uses as an array index, checked as decode_dlib()
 * reads it: anchors below points, split pixel indices below features. The
 * cache is a file, so nothing in it is trusted.
 */
static const char *model_check_indices(const struct biounit_landmark_model *m)
{
	const struct lm_header *h = m->hdr;

	for (uint32_t c = 0; c < h->cascades; c++) {
		const uint32_t *anchor = model_anchors(m, c);

		for (uint32_t i = 0; i < h->features; i++)
			if (anchor[i] >= h->points)
				return "an anchor is not a landmark";
		for (uint32_t t = 0; t < h->trees; t++) {
			const struct lm_split *sp = model_tree(m, c, t);

			for (uint32_t s = 0; s < h->splits; s++)
				if (sp[s].idx1 >= h->features || sp[s].idx2 >= h->features)
					return "a split index is not a feature";
		}
	}
	return NULL;
}

/* Checks the block's header and indices; NULL when sound, else why not. */
static const char *model_bind(struct biounit_landmark_model *m)
{
	const struct lm_header *h = m->block;
	const char *why;

	if (m->block_size < sizeof(*h) || memcmp(h->magic, LM_MAGIC, 8))
		return "not a landmark cache";
	if (h->points != BIOUNIT_FACE_LANDMARKS)
		return "not a 68-point model";
	if (!h->cascades || h->cascades > 100 || !h->trees ||
	    h->trees > 100000 || h->splits > 1023 || h->leaves != h->splits + 1 ||
	    !h->features || h->features > 100000)
		return "impossible sizes in the header";
	if (h->total_bytes != m->block_size || block_size_for(h) != m->block_size)
		return "its size does not match its header";
	m->hdr = h;
	m->initial_shape = (const float *)(h + 1);
	m->cascade0 = (const uint8_t *)(m->initial_shape + 2 * h->points);
	m->cascade_feat_bytes = (size_t)h->features * (sizeof(uint32_t) + 2 * sizeof(float));
	m->tree_bytes = h->splits * sizeof(struct lm_split) +
			(size_t)h->leaves * 2 * h->points * sizeof(float);
	why = model_check_indices(m);
	if (why)
		m->hdr = NULL;
	return why;
}

static const uint32_t *model_anchors(const struct biounit_landmark_model *m, uint32_t c)
{
	return (const uint32_t *)(m->cascade0 + c * m->cascade_feat_bytes);
}

static const float *model_deltas(const struct biounit_landmark_model *m, uint32_t c)
{
	return (const float *)(model_anchors(m, c) + m->hdr->features);
}

static const struct lm_split *model_tree(const struct biounit_landmark_model *m, uint32_t c,
					 uint32_t t)
{
	const uint8_t *trees = m->cascade0 + (size_t)m->hdr->cascades * m->cascade_feat_bytes;

	return (const struct lm_split *)(trees + ((size_t)c * m->hdr->trees + t) * m->tree_bytes);
}

/*
 * The model's sizes from the start of dlib's stream (after the version),
 * read from a copy of the reader so that the decoding proper starts over:
 * the initial shape's length gives the points, the first forest the
 * cascades, trees per cascade and splits per tree.
 */
static int peek_sizes(struct rd probe, struct lm_header *h)
{
	int64_t nr, nc;

	if (rd_int(&probe, &nr) || rd_int(&probe, &nc) || -nc != 1 || -nr <= 0 || -nr > 2000 ||
	    (-nr) % 2)
		return -EINVAL;
	h->points = (uint32_t)(-nr / 2);
	for (int64_t i = 0; i < -nr; i++) {
		float dummy;

		if (rd_float(&probe, &dummy))
			return -EINVAL;
	}
	if (rd_uint(&probe, 100, &h->cascades) || !h->cascades ||
	    rd_uint(&probe, 100000, &h->trees) || !h->trees || rd_uint(&probe, 1023, &h->splits) ||
	    !h->splits)
		return -EINVAL;
	h->leaves = h->splits + 1;
	return 0;
}

/*
 * The forests: every cascade's trees into @trees, in the block's layout.
 * @max_idx gets the largest feature index a split reads, which the anchor
 * vectors' length must exceed.
 */
static int decode_forests(struct rd *r, const struct lm_header *h, uint8_t *trees,
			  uint32_t *max_idx)
{
	uint32_t n, rows;

	*max_idx = 0;
	if (rd_uint(r, 100, &n) || n != h->cascades)
		return -EINVAL;
	for (uint32_t c = 0; c < h->cascades; c++) {
		if (rd_uint(r, 100000, &n) || n != h->trees)
			return -EINVAL;
		for (uint32_t t = 0; t < h->trees; t++) {
			struct lm_split *sp = (struct lm_split *)trees;
			float *leaf = (float *)(sp + h->splits);

			if (rd_uint(r, 1023, &n) || n != h->splits)
				return -EINVAL;
			for (uint32_t s = 0; s < h->splits; s++) {
				if (rd_uint(r, 100000, &sp[s].idx1) ||
				    rd_uint(r, 100000, &sp[s].idx2) || rd_float(r, &sp[s].thresh))
					return -EINVAL;
				if (sp[s].idx1 > *max_idx)
					*max_idx = sp[s].idx1;
				if (sp[s].idx2 > *max_idx)
					*max_idx = sp[s].idx2;
			}
			if (rd_uint(r, 1024, &n) || n != h->leaves)
				return -EINVAL;
			for (uint32_t l = 0; l < h->leaves; l++)
				if (rd_column(r, 2 * h->points, leaf + (size_t)l * 2 * h->points, &rows))
					return -EINVAL;
			trees += h->splits * sizeof(struct lm_split) +
				 (size_t)h->leaves * 2 * h->points * sizeof(float);
		}
	}
	return 0;
}

/*
 * anchor_idx (per cascade, one landmark per feature) and deltas (per
 * cascade, one 2-D offset per feature) into the block's per-cascade feature
 * arrays at @cp; the stream must end there.
 */
static int decode_features(struct rd *r, const struct lm_header *h, uint8_t *cp)
{
	size_t cascade_bytes = (size_t)h->features * (sizeof(uint32_t) + 2 * sizeof(float));
	uint32_t n;

	if (rd_uint(r, 100, &n) || n != h->cascades)
		return -EINVAL;
	for (uint32_t c = 0; c < h->cascades; c++) {
		uint32_t *anc = (uint32_t *)(cp + c * cascade_bytes);

		if (rd_uint(r, 100000, &n) || n != h->features)
			return -EINVAL;
		for (uint32_t i = 0; i < h->features; i++)
			if (rd_uint(r, h->points - 1, &anc[i]))
				return -EINVAL;
	}
	if (rd_uint(r, 100, &n) || n != h->cascades)
		return -EINVAL;
	for (uint32_t c = 0; c < h->cascades; c++) {
		float *d = (float *)(cp + c * cascade_bytes + h->features * sizeof(uint32_t));

		if (rd_uint(r, 100000, &n) || n != h->features)
			return -EINVAL;
		for (uint32_t i = 0; i < 2 * h->features; i++)
			if (rd_float(r, &d[i]))
				return -EINVAL;
	}
	return r->p == r->end ? 0 : -EINVAL;
}

/*
 * Decodes dlib's stream into a model block. dlib writes: version (1),
 * initial_shape, forests (vector of cascades of trees; tree = vector of
 * splits {idx1, idx2, thresh}, vector of leaf columns), anchor_idx (vector of
 * vectors), deltas (vector of vectors of 2-D float vectors). The feature
 * count is only known at anchor_idx, after the forests, so the trees are
 * decoded into a buffer of their own and moved into the block behind the
 * features.
 */
static int decode_dlib(const uint8_t *buf, size_t len, struct biounit_landmark_model *m)
{
	struct rd r = { buf, buf + len };
	struct lm_header h = { .magic = LM_MAGIC };
	uint8_t *trees = NULL, *full = NULL, *cp;
	size_t shape_bytes, trees_bytes;
	uint32_t version, max_idx;
	float *init = NULL;
	struct rd a;
	int ret = -EINVAL;

	if (rd_uint(&r, 100, &version) || version != 1 || peek_sizes(r, &h))
		return -EINVAL;
	shape_bytes = 2u * h.points * sizeof(float);
	trees_bytes = trees_bytes_for(&h);
	if (trees_bytes > 2ull * len + 4096)
		return -EINVAL;
	trees = malloc(trees_bytes);
	init = malloc(shape_bytes);
	if (!trees || !init) {
		ret = -ENOMEM;
		goto out;
	}
	if (rd_column(&r, 2 * h.points, init, NULL) || decode_forests(&r, &h, trees, &max_idx))
		goto out;
	/* the first anchor vector's length is the feature count */
	a = r;
	if (rd_uint(&a, 100, &h.features) || rd_uint(&a, 100000, &h.features) ||
	    h.features <= max_idx)
		goto out;
	h.total_bytes = block_size_for(&h);
	full = malloc(h.total_bytes);
	if (!full) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(full, &h, sizeof(h));
	memcpy(full + sizeof(h), init, shape_bytes);
	cp = full + sizeof(h) + shape_bytes;
	if (decode_features(&r, &h, cp))
		goto out;
	memcpy(cp + (size_t)h.cascades * h.features * (sizeof(uint32_t) + 2 * sizeof(float)),
	       trees, trees_bytes);
	m->block = full;
	m->block_size = h.total_bytes;
	full = NULL;
	if (model_bind(m)) {
		free(m->block);
		m->block = NULL;
	} else {
		ret = 0;
	}
out:
	free(full);
	free(init);
	free(trees);
	return ret;
}

/* ------------------------------------------------------------------ cache */

/* Records why the cache was not used (one line, for the log or stderr). */
static void cache_note(struct biounit_landmark_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void cache_note(struct biounit_landmark_model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->cache_note, sizeof(m->cache_note), fmt, ap);
	va_end(ap);
}

/*
 * Maps @cache_path when it is a regular file of this process's user, not
 * writable by group or others, sound (model_bind()) and made from this very
 * @src. 0, or an error with m->cache_note saying why (empty when there is no
 * cache yet or it is merely stale: both are rebuilt without comment).
 */
static int cache_try_map(const char *cache_path, const struct stat *src, uint64_t src_hash,
			 struct biounit_landmark_model *m)
{
	const struct lm_header *h;
	const char *why;
	struct stat st;
	void *p;
	int fd = open(cache_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		int err = errno;

		if (err != ENOENT)
			cache_note(m, "cannot open it: %s", strerror(err));
		return -err;
	}
	if (fstat(fd, &st)) {
		cache_note(m, "cannot stat it: %s", strerror(errno));
		close(fd);
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		cache_note(m, "not a regular file");
		close(fd);
		return -EINVAL;
	}
	if (st.st_uid != geteuid()) {
		cache_note(m, "owned by uid %u, not by this process's uid %u", (unsigned int)st.st_uid,
			   (unsigned int)geteuid());
		close(fd);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		cache_note(m, "writable by %s (mode %04o)",
			   (st.st_mode & S_IWOTH) ? "others" : "its group",
			   (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	if (st.st_size < (off_t)sizeof(*h) || (uint64_t)st.st_size > LM_MAX_FILE) {
		cache_note(m, "not a landmark cache (%lld bytes)", (long long)st.st_size);
		close(fd);
		return -EINVAL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		int err = errno;

		cache_note(m, "cannot map it: %s", strerror(err));
		return -err;
	}
	h = p;
	m->block = p;
	m->block_size = (size_t)st.st_size;
	m->mapped = true;
	why = model_bind(m);
	if (why)
		cache_note(m, "malformed: %s", why);
	if (why || h->src_size != (uint64_t)src->st_size ||
	    h->src_mtime_sec != (int64_t)src->st_mtim.tv_sec ||
	    h->src_mtime_nsec != (int64_t)src->st_mtim.tv_nsec || h->src_hash != src_hash) {
		munmap(p, (size_t)st.st_size);
		m->block = NULL;
		m->mapped = false;
		m->hdr = NULL;
		return -ESTALE;
	}
	return 0;
}

/* Replaces @cache_path with the block, mode 0600 (util_atomic_write: a new file of its own,
 * O_EXCL, synced, renamed, the directory synced) */
static int cache_write(const char *cache_path, const struct biounit_landmark_model *m)
{
	return util_atomic_write(cache_path, m->block, m->block_size, 0600);
}

int biounit_landmark_model_load(const char *path, const char *cache_path,
				struct biounit_landmark_model **out)
{
	struct biounit_landmark_model *m;
	struct stat st;
	uint8_t *buf;
	uint64_t hash;
	int fd, ret;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > LM_MAX_FILE) {
		close(fd);
		return -EINVAL;
	}
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return -errno;
	m = calloc(1, sizeof(*m));
	if (!m) {
		munmap(buf, (size_t)st.st_size);
		return -ENOMEM;
	}
	hash = hash_bytes(buf, (size_t)st.st_size);
	if (cache_path && !cache_try_map(cache_path, &st, hash, m)) {
		munmap(buf, (size_t)st.st_size);
		*out = m;
		return 0;
	}
	ret = decode_dlib(buf, (size_t)st.st_size, m);
	munmap(buf, (size_t)st.st_size);
	if (ret) {
		free(m);
		return ret;
	}
	{
		struct lm_header *h = m->block;

		h->src_size = (uint64_t)st.st_size;
		h->src_mtime_sec = st.st_mtim.tv_sec;
		h->src_mtime_nsec = st.st_mtim.tv_nsec;
		h->src_hash = hash;
	}
	if (cache_path) {
		ret = cache_write(cache_path, m);
		if (ret) {
			size_t n = strlen(m->cache_note);

			snprintf(m->cache_note + n, sizeof(m->cache_note) - n, "%scannot write it: %s",
				 n ? "; " : "", strerror(-ret));
		}
	}
	*out = m;
	return 0;
}

int biounit_landmark_model_from_cache_mem(const void *buf, size_t len,
					  struct biounit_landmark_model **out)
{
	struct biounit_landmark_model *m;

	if (!out || (!buf && len))
		return -EINVAL;
	*out = NULL;
	if (len < sizeof(struct lm_header) || len > LM_MAX_FILE)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->block = malloc(len);
	if (!m->block) {
		free(m);
		return -ENOMEM;
	}
	memcpy(m->block, buf, len);
	m->block_size = len;
	if (model_bind(m)) {
		biounit_landmark_model_free(m);
		return -EINVAL;
	}
	*out = m;
	return 0;
}

const char *biounit_landmark_model_cache_note(const struct biounit_landmark_model *m)
{
	return m && m->cache_note[0] ? m->cache_note : NULL;
}

void biounit_landmark_model_free(struct biounit_landmark_model *m)
{
	if (!m)
		return;
	if (m->mapped)
		munmap(m->block, m->block_size);
	else
		free(m->block);
	free(m);
}

void biounit_landmark_model_info(const struct biounit_landmark_model *m, uint32_t *cascades,
				 uint32_t *trees, uint32_t *points, bool *from_cache)
{
	if (cascades)
		*cascades = m->hdr->cascades;
	if (trees)
		*trees = m->hdr->trees;
	if (points)
		*points = m->hdr->points;
	if (from_cache)
		*from_cache = m->mapped;
}

/* ------------------------------------------------------------- regression */

/* Least-squares similarity (scale+rotation, no reflection) taking the
 * centred @from points onto the centred @to points: returns a, b of
 * [[a, -b], [b, a]]. */
static void similarity_2x2(const float *from, const float *to, uint32_t n, float *a, float *b)
{
	double mfx = 0, mfy = 0, mtx = 0, mty = 0, sxx = 0, sxy = 0, ss = 0;

	for (uint32_t i = 0; i < n; i++) {
		mfx += from[2 * i];
		mfy += from[2 * i + 1];
		mtx += to[2 * i];
		mty += to[2 * i + 1];
	}
	mfx /= n;
	mfy /= n;
	mtx /= n;
	mty /= n;
	for (uint32_t i = 0; i < n; i++) {
		double fx = from[2 * i] - mfx, fy = from[2 * i + 1] - mfy;
		double tx = to[2 * i] - mtx, ty = to[2 * i + 1] - mty;

		sxx += fx * tx + fy * ty;
		sxy += fx * ty - fy * tx;
		ss += fx * fx + fy * fy;
	}
	*a = ss > 0 ? (float)(sxx / ss) : 1.0f;
	*b = ss > 0 ? (float)(sxy / ss) : 0.0f;
}

int biounit_landmarks_fit(const struct biounit_landmark_model *m,
			  const struct biounit_image_view *v, const struct biounit_face_box *box,
			  struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS])
{
	float shape[2 * BIOUNIT_FACE_LANDMARKS];
	float *pix;
	const struct lm_header *h;
	/* dlib rectangles are inclusive: right = left + width - 1. */
	double bx, by, bw, bh;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!m || !box || !pts || !(box->w > 1) || !(box->h > 1))
		return -EINVAL;
	h = m->hdr;
	if (h->points != BIOUNIT_FACE_LANDMARKS)
		return -EINVAL;
	pix = malloc(h->features * sizeof(*pix));
	if (!pix)
		return -ENOMEM;
	bx = floor(box->x + 0.5);
	by = floor(box->y + 0.5);
	bw = floor(box->w + 0.5) - 1;
	bh = floor(box->h + 0.5) - 1;
	memcpy(shape, m->initial_shape, sizeof(shape));
	for (uint32_t c = 0; c < h->cascades; c++) {
		const uint32_t *anchor = model_anchors(m, c);
		const float *delta = model_deltas(m, c);
		float a, b;

		similarity_2x2(m->initial_shape, shape, h->points, &a, &b);
		for (uint32_t i = 0; i < h->features; i++) {
			float dx = delta[2 * i], dy = delta[2 * i + 1];
			double nx = a * dx - b * dy + shape[2 * anchor[i]];
			double ny = b * dx + a * dy + shape[2 * anchor[i] + 1];
			double px = floor(bx + nx * bw + 0.5), py = floor(by + ny * bh + 0.5);

			if (px >= 0 && py >= 0 && px < v->width && py < v->height)
				pix[i] = view_grey_at(v, (uint32_t)px, (uint32_t)py);
			else
				pix[i] = 0;
		}
		for (uint32_t t = 0; t < h->trees; t++) {
			const struct lm_split *sp = model_tree(m, c, t);
			const float *leaves = (const float *)(sp + h->splits);
			uint32_t i = 0;

			while (i < h->splits)
				i = pix[sp[i].idx1] - pix[sp[i].idx2] > sp[i].thresh ? 2 * i + 1
										   : 2 * i + 2;
			leaves += (size_t)(i - h->splits) * 2 * h->points;
			for (uint32_t k = 0; k < 2 * h->points; k++)
				shape[k] += leaves[k];
		}
	}
	for (uint32_t i = 0; i < h->points; i++) {
		pts[i].x = (float)(bx + shape[2 * i] * bw);
		pts[i].y = (float)(by + shape[2 * i + 1] * bh);
	}
	free(pix);
	return 0;
}

void biounit_landmark_model_mean_shape(const struct biounit_landmark_model *m,
				       struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS])
{
	for (uint32_t i = 0; i < BIOUNIT_FACE_LANDMARKS && i < m->hdr->points; i++) {
		pts[i].x = m->initial_shape[2 * i];
		pts[i].y = m->initial_shape[2 * i + 1];
	}
}

struct biounit_face_box biounit_landmarks_box_from_points(
	const struct biounit_landmark_model *m, const struct biounit_face_point pts[BIOUNIT_FACE_LANDMARKS])
{
	const float *ref = m->initial_shape;
	double mix = 0, miy = 0, mpx = 0, mpy = 0, num = 0, den = 0, w;
	const uint32_t n = BIOUNIT_FACE_LANDMARKS;
	struct biounit_face_box b;

	for (uint32_t i = 0; i < n; i++) {
		mix += ref[2 * i];
		miy += ref[2 * i + 1];
		mpx += pts[i].x;
		mpy += pts[i].y;
	}
	mix /= n;
	miy /= n;
	mpx /= n;
	mpy /= n;
	for (uint32_t i = 0; i < n; i++) {
		double ix = ref[2 * i] - mix, iy = ref[2 * i + 1] - miy;

		num += ix * (pts[i].x - mpx) + iy * (pts[i].y - mpy);
		den += ix * ix + iy * iy;
	}
	w = den > 0 ? num / den : 1.0;
	/* The fit maps box units through (w - 1): invert that convention. */
	b.x = (float)(mpx - w * mix);
	b.y = (float)(mpy - w * miy);
	b.w = b.h = (float)(w + 1);
	b.neighbours = 0;
	return b;
}

/*
 * Calibrated on the shared face set (alt2 cascade): after refitting in the
 * box from biounit_landmarks_box_from_points(), the dlib-style box is on
 * average this transform of the Haar box (see docs/face-landmark-model.md).
 */
struct biounit_face_box biounit_face_box_to_dlib(const struct biounit_face_box *haar)
{
	struct biounit_face_box b = *haar;

	b.x = haar->x + haar->w * HAAR_TO_DLIB_DX;
	b.y = haar->y + haar->h * HAAR_TO_DLIB_DY;
	b.w = haar->w * HAAR_TO_DLIB_SCALE;
	b.h = haar->h * HAAR_TO_DLIB_SCALE;
	return b;
}
