// SPDX-License-Identifier: GPL-2.0
/*
 * Haar cascade: reader of OpenCV's XML cascade files (the "new" format that
 * opencv_traincascade writes and Debian's opencv-data ships) and the
 * multi-scale detector, evaluated the way OpenCV's CascadeClassifier does:
 * the cascade's fixed window (20x20 for alt2) over an image pyramid,
 * integral images, feature sums normalised by the window's standard
 * deviation over the window shrunk by one pixel, stage rejected when its
 * sum < threshold - 1e-5, hits grouped with OpenCV's groupRectangles
 * (eps 0.2). The scan runs several windows side by
 * side through the cascade with SSE2/AVX2 (same arithmetic per window, so the
 * same hits as one at a time): docs/face-rules.md, "Detection".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "face/face.h"

#include "raster.h"

#ifdef __SSE2__
#include <emmintrin.h>
/* Trees up to this size are scanned four (or eight) windows at a time
 * (OpenCV's frontal-face cascades have one or two nodes per tree). */
#define SCAN4_MAX_TREE 8
#if defined(__x86_64__) && defined(__GNUC__)
/* Eight windows at a time where the CPU has AVX2, chosen at run time. */
#include <immintrin.h>
#define SCAN8 1
#endif
#endif

#define STAGE_THRESHOLD_EPS 1e-5f
#define MAX_CASCADE_FILE (64u * 1024 * 1024)

struct haar_rect {
	int x, y, w, h;
	float weight;
};

struct haar_feature {
	struct haar_rect rect[3];
	int nrects;
};

struct haar_node {
	int left, right;	/* > 0: node index in the weak tree; <= 0: -leaf index */
	int feature;
	float threshold;
};

struct haar_weak {
	uint32_t first_node, first_leaf, n_nodes;
};

struct haar_stage {
	uint32_t first_weak, n_weak;
	float threshold;
};

struct biounit_cascade {
	int win_w, win_h;
	struct haar_stage *stages;
	uint32_t n_stages;
	struct haar_weak *weaks;
	uint32_t n_weaks;
	struct haar_node *nodes;
	uint32_t n_nodes;
	float *leaves;
	uint32_t n_leaves;
	struct haar_feature *features;
	uint32_t n_features;
	uint32_t max_tree_nodes;	/* internal nodes of the largest weak tree */
};

/* ------------------------------------------------------------ XML reading */

/* A text span [p, end) of the NUL-terminated file. */
struct span {
	const char *p, *end;
};

/* Finds the next opening tag <tag> or <tag attr...> in [q, end); returns a
 * pointer to its '<' and sets *after past its '>'. */
static const char *find_open(const char *q, const char *end, const char *tag, size_t tl,
			     const char **after)
{
	while (q < end) {
		const char *a = memchr(q, '<', (size_t)(end - q));
		const char *gt;

		if (!a || (size_t)(end - a) < tl + 2)
			return NULL;
		if (!memcmp(a + 1, tag, tl) && (a[tl + 1] == '>' || a[tl + 1] == ' ')) {
			gt = memchr(a, '>', (size_t)(end - a));
			if (!gt)
				return NULL;
			*after = gt + 1;
			return a;
		}
		q = a + 1;
	}
	return NULL;
}

/* Finds element <tag> in @s; returns the span of its content (up to the
 * matching </tag>, nested same-named elements counted) and moves s->p past it. */
static int span_child(struct span *s, const char *tag, struct span *content)
{
	char close[64];
	const char *a, *q, *after;
	size_t tl = strlen(tag), lc;
	int depth = 1;

	if (tl > 48)
		return -EINVAL;
	lc = (size_t)snprintf(close, sizeof(close), "</%s>", tag);
	if (!find_open(s->p, s->end, tag, tl, &a))
		return -EINVAL;
	q = a;
	for (;;) {
		const char *no = find_open(q, s->end, tag, tl, &after);
		const char *nc = memmem(q, (size_t)(s->end - q), close, lc);

		if (!nc)
			return -EINVAL;
		if (no && no < nc) {
			depth++;
			q = after;
			continue;
		}
		if (--depth == 0) {
			content->p = a;
			content->end = nc;
			s->p = nc + lc;
			return 0;
		}
		q = nc + lc;
	}
}

static int span_number(struct span *s, double *val)
{
	char *e;

	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
	if (s->p >= s->end)
		return -EINVAL;
	*val = strtod(s->p, &e);
	if (e == s->p || e > s->end || !isfinite(*val))
		return -EINVAL;
	s->p = e;
	return 0;
}

static int span_int(struct span *s, int lo, int hi, int *val)
{
	double d;
	int ret = span_number(s, &d);

	if (ret)
		return ret;
	if (d != floor(d) || d < lo || d > hi)
		return -EINVAL;
	*val = (int)d;
	return 0;
}

static int child_int(struct span s, const char *tag, int lo, int hi, int *val)
{
	struct span c;
	int ret = span_child(&s, tag, &c);

	return ret ? ret : span_int(&c, lo, hi, val);
}

/* Counts how many elements <_> are direct children in @s. */
static uint32_t count_items(struct span s)
{
	struct span c;
	uint32_t n = 0;

	while (!span_child(&s, "_", &c))
		n++;
	return n;
}

static void *grow(void *arr, uint32_t *cap, uint32_t need, size_t elem)
{
	void *p;

	if (need <= *cap)
		return arr;
	*cap = need * 2 + 16;
	p = realloc(arr, (size_t)*cap * elem);
	if (!p)
		free(arr);
	return p;
}

static int parse_weak(struct biounit_cascade *c, struct span w, uint32_t *cap_nodes,
		      uint32_t *cap_leaves)
{
	struct span inodes, leaves, tmp = w;
	struct haar_weak *wk = &c->weaks[c->n_weaks];
	uint32_t n_nodes = 0, n_leaves = 0;
	double d;

	if (span_child(&tmp, "internalNodes", &inodes) || span_child(&tmp, "leafValues", &leaves))
		return -EINVAL;
	wk->first_node = c->n_nodes;
	wk->first_leaf = c->n_leaves;
	for (;;) {
		struct haar_node nd;

		if (inodes.p >= inodes.end || span_int(&inodes, -1000, 1000, &nd.left))
			break;
		if (span_int(&inodes, -1000, 1000, &nd.right) ||
		    span_int(&inodes, 0, 1 << 24, &nd.feature) || span_number(&inodes, &d))
			return -EINVAL;
		nd.threshold = (float)d;
		c->nodes = grow(c->nodes, cap_nodes, c->n_nodes + 1, sizeof(*c->nodes));
		if (!c->nodes)
			return -ENOMEM;
		c->nodes[c->n_nodes++] = nd;
		n_nodes++;
	}
	while (!span_number(&leaves, &d)) {
		c->leaves = grow(c->leaves, cap_leaves, c->n_leaves + 1, sizeof(*c->leaves));
		if (!c->leaves)
			return -ENOMEM;
		c->leaves[c->n_leaves++] = (float)d;
		n_leaves++;
	}
	if (!n_nodes || !n_leaves)
		return -EINVAL;
	/* Node links must stay inside this tree and leaves inside its leaf list. */
	for (uint32_t i = 0; i < n_nodes; i++) {
		const struct haar_node *nd = &c->nodes[wk->first_node + i];
		int links[2] = { nd->left, nd->right };

		for (int k = 0; k < 2; k++) {
			if (links[k] > 0 && ((uint32_t)links[k] >= n_nodes || (uint32_t)links[k] <= i))
				return -EINVAL;
			if (links[k] <= 0 && (uint32_t)(-links[k]) >= n_leaves)
				return -EINVAL;
		}
	}
	wk->n_nodes = n_nodes;
	if (n_nodes > c->max_tree_nodes)
		c->max_tree_nodes = n_nodes;
	c->n_weaks++;
	return 0;
}

static int parse_cascade(struct biounit_cascade *c, struct span doc)
{
	struct span root, stages, features, st, item, tmp;
	uint32_t cap_nodes = 0, cap_leaves = 0, n_stages, n_feat, total_weak = 0;
	char type[16] = "";
	int ret;

	if (span_child(&doc, "cascade", &root))
		return -EINVAL;
	tmp = root;
	if (span_child(&tmp, "featureType", &item))
		return -EINVAL;
	memcpy(type, item.p, (size_t)(item.end - item.p) < sizeof(type) - 1 ?
			     (size_t)(item.end - item.p) : sizeof(type) - 1);
	if (strcmp(type, "HAAR"))
		return -EOPNOTSUPP;
	if (child_int(root, "width", 1, 256, &c->win_w) || child_int(root, "height", 1, 256, &c->win_h))
		return -EINVAL;
	tmp = root;
	if (span_child(&tmp, "stages", &stages) || span_child(&tmp, "features", &features))
		return -EINVAL;
	n_stages = count_items(stages);
	n_feat = count_items(features);
	if (!n_stages || !n_feat || n_stages > 1000 || n_feat > 1000000)
		return -EINVAL;
	c->stages = calloc(n_stages, sizeof(*c->stages));
	c->features = calloc(n_feat, sizeof(*c->features));
	if (!c->stages || !c->features)
		return -ENOMEM;

	/* Stages and their weak classifiers. */
	st = stages;
	while (!span_child(&st, "_", &item)) {
		struct haar_stage *s = &c->stages[c->n_stages];
		struct span wl, w, t = item;
		double thr;
		uint32_t nw;

		if (span_child(&t, "stageThreshold", &w) || span_number(&w, &thr))
			return -EINVAL;
		t = item;
		if (span_child(&t, "weakClassifiers", &wl))
			return -EINVAL;
		nw = count_items(wl);
		if (!nw || nw > 100000)
			return -EINVAL;
		c->weaks = realloc(c->weaks, (size_t)(total_weak + nw) * sizeof(*c->weaks));
		if (!c->weaks)
			return -ENOMEM;
		total_weak += nw;
		s->first_weak = c->n_weaks;
		s->n_weak = nw;
		s->threshold = (float)thr - STAGE_THRESHOLD_EPS;
		while (!span_child(&wl, "_", &w)) {
			ret = parse_weak(c, w, &cap_nodes, &cap_leaves);
			if (ret)
				return ret;
		}
		c->n_stages++;
	}

	/* Features: up to three weighted rectangles each. */
	while (!span_child(&features, "_", &item)) {
		struct haar_feature *f = &c->features[c->n_features];
		struct span rects, r, t = item;
		int tilted = 0;

		if (!child_int(item, "tilted", 0, 1, &tilted) && tilted)
			return -EOPNOTSUPP;
		if (span_child(&t, "rects", &rects))
			return -EINVAL;
		while (!span_child(&rects, "_", &r)) {
			struct haar_rect *hr;
			double wgt;

			if (f->nrects == 3)
				return -EINVAL;
			hr = &f->rect[f->nrects++];
			if (span_int(&r, 0, c->win_w, &hr->x) || span_int(&r, 0, c->win_h, &hr->y) ||
			    span_int(&r, 0, c->win_w, &hr->w) || span_int(&r, 0, c->win_h, &hr->h) ||
			    span_number(&r, &wgt))
				return -EINVAL;
			if (hr->x + hr->w > c->win_w || hr->y + hr->h > c->win_h)
				return -EINVAL;
			hr->weight = (float)wgt;
		}
		if (!f->nrects)
			return -EINVAL;
		c->n_features++;
	}
	for (uint32_t i = 0; i < c->n_nodes; i++)
		if ((uint32_t)c->nodes[i].feature >= c->n_features)
			return -EINVAL;
	return 0;
}

void biounit_cascade_free(struct biounit_cascade *c)
{
	if (!c)
		return;
	free(c->stages);
	free(c->weaks);
	free(c->nodes);
	free(c->leaves);
	free(c->features);
	free(c);
}

int biounit_cascade_load(const char *path, struct biounit_cascade **out)
{
	struct biounit_cascade *c;
	struct span doc;
	char *text;
	long size;
	FILE *f;
	int ret;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	f = fopen(path, "rbe");
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || size > (long)MAX_CASCADE_FILE ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EINVAL;
	}
	text = malloc((size_t)size + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(text);
		return -EIO;
	}
	fclose(f);
	text[size] = '\0';
	c = calloc(1, sizeof(*c));
	if (!c) {
		free(text);
		return -ENOMEM;
	}
	doc.p = text;
	doc.end = text + size;
	ret = parse_cascade(c, doc);
	free(text);
	if (ret) {
		biounit_cascade_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void biounit_cascade_window(const struct biounit_cascade *c, uint32_t *w, uint32_t *h)
{
	*w = (uint32_t)c->win_w;
	*h = (uint32_t)c->win_h;
}

/* --------------------------------------------------------------- detection */

/* A rectangle of a feature as four offsets into the integral image. */
struct opt_rect {
	uint32_t p0, p1, p2, p3;
	float weight;
};

/*
 * A tree node with its feature's rectangles resolved to offsets from a
 * window's corner in the level's integral image: one record per node. The
 * scan is where detection spends its time (issue 5: some 300 000 windows and
 * 20 trees each when an 8-megapixel still shows no face and the rotated
 * copies are searched too).
 */
struct scan_node {
	struct opt_rect r[3];
	float threshold;
	int left, right;	/* as struct haar_node */
	int nrects;
};

/* Integral values past the end that the scan of several windows at once
 * may read (for windows beyond a row's last one, whose results it ignores). */
#define LEVEL_PAD 16

/*
 * One pyramid level: the integral images, and for levels scanned at every
 * other column (step 2) a copy of the integral image whose rows hold the
 * even columns, then the odd ones: the same corner of four windows side by
 * side is then four consecutive values, one load.
 */
struct level {
	uint32_t w, h, iw;	/* scaled image size; integral stride = w + 1 */
	uint32_t *sum;
	uint64_t *sqsum;
	uint32_t *split;	/* step 2 only: row stride 2 * half */
	uint32_t half;		/* (iw + 1) / 2 */
};

static int level_build(struct level *lv, const struct grey_raster *base, double factor,
		       bool split)
{
	struct biounit_image_view bv = { base->px, base->w, base->h, base->w, BIOUNIT_PIX_GREY };
	struct grey_raster r;
	size_t n;
	int ret;

	lv->w = (uint32_t)lround(base->w / factor);
	lv->h = (uint32_t)lround(base->h / factor);
	lv->iw = lv->w + 1;
	lv->half = (lv->iw + 1) / 2;
	ret = grey_raster_resample(&bv, 0, 0, base->w, base->h, lv->w, lv->h, 0, &r);
	if (ret)
		return ret;
	n = (size_t)lv->iw * (lv->h + 1);
	lv->sum = malloc((n + LEVEL_PAD) * sizeof(*lv->sum));
	lv->sqsum = malloc(n * sizeof(*lv->sqsum));
	lv->split = split ? calloc((size_t)2 * lv->half * (lv->h + 1) + LEVEL_PAD,
				   sizeof(*lv->split)) : NULL;
	if (!lv->sum || !lv->sqsum || (split && !lv->split)) {
		grey_raster_release(&r);
		return -ENOMEM;
	}
	memset(lv->sum, 0, lv->iw * sizeof(*lv->sum));
	memset(lv->sum + n, 0, LEVEL_PAD * sizeof(*lv->sum));
	memset(lv->sqsum, 0, lv->iw * sizeof(*lv->sqsum));
	/* Squares summed as integers: exact, as the doubles were (< 2^53). */
	for (uint32_t y = 0; y < lv->h; y++) {
		const uint8_t *px = r.px + (size_t)y * lv->w;
		uint32_t *sr = lv->sum + (size_t)(y + 1) * lv->iw, *su = sr - lv->iw;
		uint64_t *qr = lv->sqsum + (size_t)(y + 1) * lv->iw, *qu = qr - lv->iw;
		uint32_t rs = 0;
		uint64_t rq = 0;

		sr[0] = 0;
		qr[0] = 0;
		for (uint32_t x = 0; x < lv->w; x++) {
			uint32_t p = px[x];

			rs += p;
			rq += p * p;
			sr[x + 1] = su[x + 1] + rs;
			qr[x + 1] = qu[x + 1] + rq;
		}
	}
	grey_raster_release(&r);
	if (split)
		for (uint32_t y = 0; y <= lv->h; y++) {
			const uint32_t *sr = lv->sum + (size_t)y * lv->iw;
			uint32_t *d = lv->split + (size_t)y * 2 * lv->half;

			for (uint32_t x = 0; x < lv->iw; x++)
				d[(x & 1) * lv->half + (x >> 1)] = sr[x];
		}
	return 0;
}

static void level_release(struct level *lv)
{
	free(lv->sum);
	free(lv->sqsum);
	free(lv->split);
}

/* Sum of the pixels under rectangle @r of the window whose integral starts
 * at @s; wraps like OpenCV's (the difference fits in 32 bits). */
static inline float rect_sum(const uint32_t *s, const struct opt_rect *r)
{
	return (float)(int32_t)(s[r->p0] - s[r->p1] - s[r->p2] + s[r->p3]);
}

/*
 * Returns true when every stage accepts the window at @off. The arithmetic
 * is OpenCV's, in the same order (weighted rectangle sums added up in
 * float, compared after scaling by 1 / norm), so that hits do not depend on
 * how the nodes are laid out.
 */
static bool window_passes(const struct biounit_cascade *c, const struct scan_node *nodes,
			  const uint32_t *sum, size_t off, float inv_norm)
{
	const uint32_t *s = sum + off;

	for (uint32_t si = 0; si < c->n_stages; si++) {
		const struct haar_stage *st = &c->stages[si];
		const struct haar_weak *wk = &c->weaks[st->first_weak];
		const struct haar_weak *wend = wk + st->n_weak;
		float acc = 0;

		for (; wk < wend; wk++) {
			const struct scan_node *tree = nodes + wk->first_node;
			int idx = 0;

			do {
				const struct scan_node *nd = &tree[idx];
				float val = nd->r[0].weight * rect_sum(s, &nd->r[0]);

				val += nd->r[1].weight * rect_sum(s, &nd->r[1]);
				if (nd->nrects > 2)
					val += nd->r[2].weight * rect_sum(s, &nd->r[2]);
				idx = val * inv_norm < nd->threshold ? nd->left : nd->right;
			} while (idx > 0);
			acc += c->leaves[wk->first_leaf - idx];
		}
		if (acc < st->threshold)
			return false;
	}
	return true;
}

#ifdef __SSE2__
/*
 * Several windows side by side at once (four with SSE2, eight with AVX2).
 * Each lane does window_passes()'s float operations in the same order, so
 * the hits are the same; but the lanes go through the trees without
 * branching on their data (a node is evaluated when any live window reaches
 * it), and the rejection that most windows meet in the first three stages is
 * one branch per group. The integral values of a corner for the windows of a
 * group are side by side (a step-1 level's integral image or a step-2
 * level's split one): one load.
 */
static inline __m128 rect_sum4(const uint32_t *s, const struct opt_rect *r)
{
#define LOAD4(o) _mm_loadu_si128((const __m128i *)(s + (o)))
	__m128i v = _mm_sub_epi32(LOAD4(r->p0), LOAD4(r->p1));

	v = _mm_sub_epi32(v, LOAD4(r->p2));
	v = _mm_add_epi32(v, LOAD4(r->p3));
#undef LOAD4
	return _mm_cvtepi32_ps(v);	/* the wrapping 32-bit sum, as rect_sum() */
}

/* Mask of the lanes that go to the node's left child. */
static inline __m128 node_left4(const uint32_t *s, const struct scan_node *nd, __m128 inv_norm)
{
	__m128 val = _mm_mul_ps(_mm_set1_ps(nd->r[0].weight), rect_sum4(s, &nd->r[0]));

	val = _mm_add_ps(val, _mm_mul_ps(_mm_set1_ps(nd->r[1].weight), rect_sum4(s, &nd->r[1])));
	if (nd->nrects > 2)
		val = _mm_add_ps(val, _mm_mul_ps(_mm_set1_ps(nd->r[2].weight),
						 rect_sum4(s, &nd->r[2])));
	return _mm_cmplt_ps(_mm_mul_ps(val, inv_norm), _mm_set1_ps(nd->threshold));
}

static inline __m128 select4(__m128 mask, __m128 a, __m128 b)
{
	return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
}

/* The leaf value that each lane reaches in one tree. */
static inline __m128 tree_leaf4(const struct scan_node *tree, uint32_t n_nodes,
				const float *leaves, const uint32_t *s, __m128 inv_norm, int live)
{
	const __m128 all = _mm_castsi128_ps(_mm_set1_epi32(-1));
	const struct scan_node *a = &tree[0];
	__m128 left = node_left4(s, a, inv_norm), leaf, reach[SCAN4_MAX_TREE];

	/* A stump, or a node with a stump on one side: the usual shapes. */
	if (n_nodes == 1)
		return select4(left, _mm_set1_ps(leaves[-a->left]), _mm_set1_ps(leaves[-a->right]));
	if (n_nodes == 2 && (a->left > 0) != (a->right > 0)) {
		const struct scan_node *b = &tree[1];

		if (a->left > 0) {
			reach[1] = left;
			leaf = _mm_set1_ps(leaves[-a->right]);
		} else {
			reach[1] = _mm_andnot_ps(left, all);
			leaf = _mm_set1_ps(leaves[-a->left]);
		}
		if (_mm_movemask_ps(reach[1]) & live) {
			__m128 lb = node_left4(s, b, inv_norm);

			leaf = select4(reach[1], select4(lb, _mm_set1_ps(leaves[-b->left]),
							 _mm_set1_ps(leaves[-b->right])), leaf);
		}
		return leaf;
	}
	/* Any other tree: the lanes reaching each node, in node order
	 * (children come after their parent). */
	leaf = _mm_setzero_ps();
	reach[0] = all;
	for (uint32_t n = 1; n < n_nodes; n++)
		reach[n] = _mm_setzero_ps();
	for (uint32_t n = 0; n < n_nodes; n++) {
		const struct scan_node *nd = &tree[n];
		__m128 right;

		if (n) {
			if (!(_mm_movemask_ps(reach[n]) & live))
				continue;
			left = node_left4(s, nd, inv_norm);
		}
		right = _mm_andnot_ps(left, reach[n]);
		left = _mm_and_ps(left, reach[n]);
		if (nd->left > 0)
			reach[nd->left] = _mm_or_ps(reach[nd->left], left);
		else
			leaf = select4(left, _mm_set1_ps(leaves[-nd->left]), leaf);
		if (nd->right > 0)
			reach[nd->right] = _mm_or_ps(reach[nd->right], right);
		else
			leaf = select4(right, _mm_set1_ps(leaves[-nd->right]), leaf);
	}
	return leaf;
}

/* window_passes() for the four windows at @s + k whose bits are set in
 * @live: returns the bits of those that every stage accepts. */
static int windows4_pass(const struct biounit_cascade *c, const struct scan_node *nodes,
			 const uint32_t *s, const float *inv, int live)
{
	const __m128 inv_norm = _mm_loadu_ps(inv);

	for (uint32_t si = 0; si < c->n_stages && live; si++) {
		const struct haar_stage *st = &c->stages[si];
		const struct haar_weak *wk = &c->weaks[st->first_weak];
		const struct haar_weak *wend = wk + st->n_weak;
		__m128 acc = _mm_setzero_ps();

		for (; wk < wend; wk++)
			acc = _mm_add_ps(acc, tree_leaf4(nodes + wk->first_node, wk->n_nodes,
							 c->leaves + wk->first_leaf, s, inv_norm,
							 live));
		/* Kept unless acc < threshold, as in window_passes() (NaN too). */
		live &= ~_mm_movemask_ps(_mm_cmplt_ps(acc, _mm_set1_ps(st->threshold)));
	}
	return live;
}

#ifdef SCAN8
/* The same for eight windows with AVX2 (and no FMA: products are rounded
 * before they are added, as in window_passes()). */
#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256 rect_sum8(const uint32_t *s, const struct opt_rect *r)
{
#define LOAD8(o) _mm256_loadu_si256((const __m256i *)(s + (o)))
	__m256i v = _mm256_sub_epi32(LOAD8(r->p0), LOAD8(r->p1));

	v = _mm256_sub_epi32(v, LOAD8(r->p2));
	v = _mm256_add_epi32(v, LOAD8(r->p3));
#undef LOAD8
	return _mm256_cvtepi32_ps(v);
}

AVX2 static inline __m256 node_left8(const uint32_t *s, const struct scan_node *nd,
				     __m256 inv_norm)
{
	__m256 val = _mm256_mul_ps(_mm256_set1_ps(nd->r[0].weight), rect_sum8(s, &nd->r[0]));

	val = _mm256_add_ps(val, _mm256_mul_ps(_mm256_set1_ps(nd->r[1].weight),
					       rect_sum8(s, &nd->r[1])));
	if (nd->nrects > 2)
		val = _mm256_add_ps(val, _mm256_mul_ps(_mm256_set1_ps(nd->r[2].weight),
						       rect_sum8(s, &nd->r[2])));
	return _mm256_cmp_ps(_mm256_mul_ps(val, inv_norm), _mm256_set1_ps(nd->threshold),
			     _CMP_LT_OQ);
}

/* tree_leaf4(); blendv(a, b, mask) is b where the mask is set, else a. */
AVX2 static inline __m256 tree_leaf8(const struct scan_node *tree, uint32_t n_nodes,
				     const float *leaves, const uint32_t *s, __m256 inv_norm,
				     int live)
{
	const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
	const struct scan_node *a = &tree[0];
	__m256 left = node_left8(s, a, inv_norm), leaf, reach[SCAN4_MAX_TREE];

	if (n_nodes == 1)
		return _mm256_blendv_ps(_mm256_set1_ps(leaves[-a->right]),
					_mm256_set1_ps(leaves[-a->left]), left);
	if (n_nodes == 2 && (a->left > 0) != (a->right > 0)) {
		const struct scan_node *b = &tree[1];

		if (a->left > 0) {
			reach[1] = left;
			leaf = _mm256_set1_ps(leaves[-a->right]);
		} else {
			reach[1] = _mm256_andnot_ps(left, all);
			leaf = _mm256_set1_ps(leaves[-a->left]);
		}
		if (_mm256_movemask_ps(reach[1]) & live) {
			__m256 lb = node_left8(s, b, inv_norm);

			leaf = _mm256_blendv_ps(leaf,
						_mm256_blendv_ps(_mm256_set1_ps(leaves[-b->right]),
								 _mm256_set1_ps(leaves[-b->left]), lb),
						reach[1]);
		}
		return leaf;
	}
	leaf = _mm256_setzero_ps();
	reach[0] = all;
	for (uint32_t n = 1; n < n_nodes; n++)
		reach[n] = _mm256_setzero_ps();
	for (uint32_t n = 0; n < n_nodes; n++) {
		const struct scan_node *nd = &tree[n];
		__m256 right;

		if (n) {
			if (!(_mm256_movemask_ps(reach[n]) & live))
				continue;
			left = node_left8(s, nd, inv_norm);
		}
		right = _mm256_andnot_ps(left, reach[n]);
		left = _mm256_and_ps(left, reach[n]);
		if (nd->left > 0)
			reach[nd->left] = _mm256_or_ps(reach[nd->left], left);
		else
			leaf = _mm256_blendv_ps(leaf, _mm256_set1_ps(leaves[-nd->left]), left);
		if (nd->right > 0)
			reach[nd->right] = _mm256_or_ps(reach[nd->right], right);
		else
			leaf = _mm256_blendv_ps(leaf, _mm256_set1_ps(leaves[-nd->right]), right);
	}
	return leaf;
}

AVX2 static int windows8_pass(const struct biounit_cascade *c, const struct scan_node *nodes,
			      const uint32_t *s, const float *inv, int live)
{
	const __m256 inv_norm = _mm256_loadu_ps(inv);

	for (uint32_t si = 0; si < c->n_stages && live; si++) {
		const struct haar_stage *st = &c->stages[si];
		const struct haar_weak *wk = &c->weaks[st->first_weak];
		const struct haar_weak *wend = wk + st->n_weak;
		__m256 acc = _mm256_setzero_ps();

		for (; wk < wend; wk++)
			acc = _mm256_add_ps(acc, tree_leaf8(nodes + wk->first_node, wk->n_nodes,
							    c->leaves + wk->first_leaf, s, inv_norm,
							    live));
		live &= ~_mm256_movemask_ps(_mm256_cmp_ps(acc, _mm256_set1_ps(st->threshold),
							  _CMP_LT_OQ));
	}
	return live;
}
#undef AVX2
#endif
#endif

struct raw_hits {
	struct biounit_face_box *box;
	size_t n, cap;
};

static int hits_push(struct raw_hits *h, float x, float y, float w, float hh)
{
	if (h->n == h->cap) {
		size_t cap = h->cap * 2 + 64;
		struct biounit_face_box *b = realloc(h->box, cap * sizeof(*b));

		if (!b)
			return -ENOMEM;
		h->box = b;
		h->cap = cap;
	}
	h->box[h->n++] = (struct biounit_face_box){ x, y, w, hh, 1 };
	return 0;
}

/* Offset of integral value (x, y) from a window's corner: in the integral
 * image, or in the split one when @half (struct level). */
static inline uint32_t corner(uint32_t iw, uint32_t half, int x, int y)
{
	if (half)
		return (uint32_t)y * 2 * half + (uint32_t)(x & 1) * half + (uint32_t)(x >> 1);
	return (uint32_t)y * iw + (uint32_t)x;
}

/* Resolves every node's rectangles to offsets from a window's corner. */
static void scan_nodes_prepare(const struct biounit_cascade *c, uint32_t iw, uint32_t half,
			       struct scan_node *nodes)
{
	for (uint32_t i = 0; i < c->n_nodes; i++) {
		const struct haar_node *hn = &c->nodes[i];
		const struct haar_feature *f = &c->features[hn->feature];
		struct scan_node *sn = &nodes[i];

		memset(sn, 0, sizeof(*sn));
		for (int k = 0; k < f->nrects; k++) {
			const struct haar_rect *r = &f->rect[k];
			struct opt_rect *o = &sn->r[k];

			o->p0 = corner(iw, half, r->x, r->y);
			o->p1 = corner(iw, half, r->x + r->w, r->y);
			o->p2 = corner(iw, half, r->x, r->y + r->h);
			o->p3 = corner(iw, half, r->x + r->w, r->y + r->h);
			o->weight = r->weight;
		}
		sn->threshold = hn->threshold;
		sn->left = hn->left;
		sn->right = hn->right;
		sn->nrects = f->nrects;
	}
}

/* The window's 1 / (area x standard deviation) over the window shrunk by
 * one pixel, from the integral images; 1 for a flat window. */
static inline float window_inv_norm(const struct level *lv, size_t off, int ww, int wh)
{
	const uint32_t iw = lv->iw;
	const double area = (double)(ww - 2) * (wh - 2);
	const size_t n0 = iw + 1, n1 = iw + (size_t)(ww - 1), n2 = (size_t)(wh - 1) * iw + 1,
		     n3 = (size_t)(wh - 1) * iw + (size_t)(ww - 1);
	double s = (double)(lv->sum[off + n0] - lv->sum[off + n1] - lv->sum[off + n2] +
			    lv->sum[off + n3]);
	double q = (double)(lv->sqsum[off + n0] - lv->sqsum[off + n1] - lv->sqsum[off + n2] +
			    lv->sqsum[off + n3]);
	double nf = area * q - s * s;

	nf = nf > 0 ? sqrt(nf) : 1.0;
	return (float)(1.0 / nf);
}

/* Windows scanned at a time: 8, 4, or 1 (no SIMD or large trees). */
static uint32_t scan_lanes(const struct biounit_cascade *c)
{
#ifdef __SSE2__
	if (c->max_tree_nodes > SCAN4_MAX_TREE)
		return 1;
#ifdef SCAN8
	if (__builtin_cpu_supports("avx2"))
		return 8;
#endif
	return 4;
#else
	(void)c;
	return 1;
#endif
}

static int scan_level(const struct biounit_cascade *c, const struct level *lv, double factor,
		      uint32_t lanes, struct scan_node *nodes, struct raw_hits *hits)
{
	const int ww = c->win_w, wh = c->win_h;
	const uint32_t iw = lv->iw, uw = (uint32_t)ww;
	const uint32_t step = lv->split ? 2 : 1;
	/* The integral image the nodes address, and its row stride. */
	const uint32_t *sum = lv->split ? lv->split : lv->sum;
	const size_t rs = lv->split ? 2 * (size_t)lv->half : iw;
	int ret;

#ifndef __SSE2__
	(void)lanes;
#endif
	scan_nodes_prepare(c, iw, lv->split ? lv->half : 0, nodes);
	for (uint32_t y = 0; y + (uint32_t)wh <= lv->h; y += step) {
		uint32_t x = 0;

#ifdef __SSE2__
		/* @lanes windows side by side at a time; hits in the same order. */
		for (; lanes > 1 && x + uw <= lv->w; x += lanes * step) {
			const uint32_t *p = sum + y * rs + x / step;
			float inv[8] = { 0 };
			int live = 0, pass;

			for (uint32_t k = 0; k < lanes; k++)
				if (x + k * step + uw <= lv->w) {
					inv[k] = window_inv_norm(lv, (size_t)y * iw + x + k * step,
								 ww, wh);
					live |= 1 << k;
				}
#ifdef SCAN8
			if (lanes == 8)
				pass = windows8_pass(c, nodes, p, inv, live);
			else
#endif
				pass = windows4_pass(c, nodes, p, inv, live);
			for (uint32_t k = 0; k < lanes && pass; k++, pass >>= 1) {
				uint32_t xk = x + k * step;

				if (!(pass & 1))
					continue;
				ret = hits_push(hits, (float)(xk * factor), (float)(y * factor),
						(float)(ww * factor), (float)(wh * factor));
				if (ret)
					return ret;
			}
		}
#endif
		for (; x + uw <= lv->w; x += step) {
			if (!window_passes(c, nodes, sum, y * rs + x / step,
					   window_inv_norm(lv, (size_t)y * iw + x, ww, wh)))
				continue;
			ret = hits_push(hits, (float)(x * factor), (float)(y * factor),
					(float)(ww * factor), (float)(wh * factor));
			if (ret)
				return ret;
		}
	}
	return 0;
}

static bool boxes_similar(const struct biounit_face_box *a, const struct biounit_face_box *b)
{
	const float eps = 0.2f;
	float delta = eps * (fminf(a->w, b->w) + fminf(a->h, b->h)) * 0.5f;

	return fabsf(a->x - b->x) <= delta && fabsf(a->y - b->y) <= delta &&
	       fabsf(a->x + a->w - b->x - b->w) <= delta &&
	       fabsf(a->y + a->h - b->y - b->h) <= delta;
}

static size_t find_root(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

static int cmp_box_area_desc(const void *a, const void *b)
{
	const struct biounit_face_box *x = a, *y = b;
	float ax = x->w * x->h, ay = y->w * y->h;

	return ax < ay ? 1 : ax > ay ? -1 : 0;
}

/* OpenCV's groupRectangles: cluster similar hits, average each cluster, drop
 * clusters with <= min_neighbours members (as OpenCV: kept when n > threshold)
 * and clusters nested inside a stronger, larger one. Result in @hits. */
static int group_hits(struct raw_hits *hits, int min_neighbours)
{
	size_t n = hits->n, i, j, kept = 0;
	size_t *parent = malloc((n + 1) * sizeof(*parent));
	struct biounit_face_box *acc = calloc(n + 1, sizeof(*acc));

	if (!parent || !acc) {
		free(parent);
		free(acc);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (boxes_similar(&hits->box[i], &hits->box[j])) {
				size_t a = find_root(parent, i), b = find_root(parent, j);

				if (a != b)
					parent[b] = a;
			}
	for (i = 0; i < n; i++) {
		size_t r = find_root(parent, i);

		acc[r].x += hits->box[i].x;
		acc[r].y += hits->box[i].y;
		acc[r].w += hits->box[i].w;
		acc[r].h += hits->box[i].h;
		acc[r].neighbours++;
	}
	for (i = 0; i < n; i++) {
		float k = (float)acc[i].neighbours;

		if (acc[i].neighbours <= min_neighbours)
			continue;
		acc[kept] = (struct biounit_face_box){ acc[i].x / k, acc[i].y / k, acc[i].w / k,
						       acc[i].h / k, acc[i].neighbours };
		kept++;
	}
	/* Drop a cluster lying inside another one that has at least as many hits. */
	n = 0;
	for (i = 0; i < kept; i++) {
		bool inside = false;

		for (j = 0; j < kept && !inside; j++) {
			float dx = acc[j].w * 0.2f, dy = acc[j].h * 0.2f;

			if (i == j)
				continue;
			inside = acc[i].x >= acc[j].x - dx && acc[i].y >= acc[j].y - dy &&
				 acc[i].x + acc[i].w <= acc[j].x + acc[j].w + dx &&
				 acc[i].y + acc[i].h <= acc[j].y + acc[j].h + dy &&
				 (acc[j].neighbours > 3 || acc[i].neighbours < 3) &&
				 acc[j].neighbours >= acc[i].neighbours;
		}
		if (!inside)
			hits->box[n++] = acc[i];
	}
	hits->n = n;
	free(parent);
	free(acc);
	return 0;
}

int biounit_cascade_detect(const struct biounit_cascade *c, const struct biounit_image_view *v,
			   const struct biounit_detect_params *params,
			   struct biounit_face_box *boxes, size_t max, size_t *n)
{
	struct biounit_detect_params p = { 0.12f, 1.15f, 3, 320 };
	struct raw_hits hits = { 0 };
	struct grey_raster base;
	struct scan_node *nodes;
	uint32_t lanes;
	double shrink, factor, min_face;
	uint32_t bw, bh;
	int ret = biounit_image_view_check(v);

	if (ret)
		return ret;
	if (!c || !n || (max && !boxes))
		return -EINVAL;
	if (params) {
		if (params->min_size > 0)
			p.min_size = params->min_size;
		if (params->scale_step > 1.0f)
			p.scale_step = params->scale_step;
		if (params->min_neighbours > 0)
			p.min_neighbours = params->min_neighbours;
		if (params->work_side >= 32)
			p.work_side = params->work_side;
	}
	shrink = fmax(1.0, (double)(v->width > v->height ? v->width : v->height) / p.work_side);
	bw = (uint32_t)fmax(1, lround(v->width / shrink));
	bh = (uint32_t)fmax(1, lround(v->height / shrink));
	ret = grey_raster_resample(v, 0, 0, v->width, v->height, bw, bh, 0, &base);
	if (ret)
		return ret;
	lanes = scan_lanes(c);
	nodes = calloc(c->n_nodes, sizeof(*nodes));
	if (!nodes) {
		grey_raster_release(&base);
		return -ENOMEM;
	}
	min_face = p.min_size * (bw < bh ? bw : bh);
	factor = fmax(1.0, min_face / (c->win_w > c->win_h ? c->win_w : c->win_h));
	for (; bw / factor >= c->win_w && bh / factor >= c->win_h; factor *= p.scale_step) {
		struct level lv = { 0 };

		/* As OpenCV: every window on levels scaled down more than 2x, every
		 * other one on the others. */
		ret = level_build(&lv, &base, factor, factor <= 2.0);
		if (!ret)
			ret = scan_level(c, &lv, factor, lanes, nodes, &hits);
		level_release(&lv);
		if (ret)
			goto out;
	}
	ret = group_hits(&hits, p.min_neighbours);
	if (ret)
		goto out;
	if (hits.n)
		qsort(hits.box, hits.n, sizeof(*hits.box), cmp_box_area_desc);
	*n = hits.n;
	for (size_t i = 0; i < hits.n && i < max; i++) {
		boxes[i] = hits.box[i];
		boxes[i].x = (float)(boxes[i].x * shrink);
		boxes[i].y = (float)(boxes[i].y * shrink);
		boxes[i].w = (float)(boxes[i].w * shrink);
		boxes[i].h = (float)(boxes[i].h * shrink);
	}
out:
	free(hits.box);
	free(nodes);
	grey_raster_release(&base);
	return ret;
}
