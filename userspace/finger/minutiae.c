// SPDX-License-Identifier: GPL-2.0
/*
 * Our own minutiae extraction (in place of NFIQ 2's FingerJet FX OSE):
 * the foreground is smoothed (3x3 mean), binarised against the local mean of a
 * window of about two ridge periods, thinned (Zhang & Suen, CACM 27(3), 1984)
 * and the skeleton's crossing number gives ridge endings (1) and bifurcations
 * (3). Removed as false: minutiae near the foreground border or the image
 * edge, pairs closer than 7 px at 500 ppi (breaks, bridges, holes), and
 * endings on spurs shorter than 10 px.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "finger_internal.h"
#include "util/grow.h"

/* neighbours P2..P9 clockwise from north */
static const int nbx[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };
static const int nby[8] = { -1, -1, 0, 1, 1, 1, 0, -1 };

static unsigned int code_at(const uint8_t *s, size_t i, size_t w)
{
	unsigned int c = 0;
	for (int k = 0; k < 8; k++)
		c |= (unsigned int)(s[i + (ptrdiff_t)nby[k] * (ptrdiff_t)w + nbx[k]] != 0) << k;
	return c;
}

static unsigned int crossings(unsigned int c)
{
	unsigned int t = 0;
	for (int k = 0; k < 8; k++)
		t += !((c >> k) & 1) && ((c >> ((k + 1) & 7)) & 1);
	return t;
}

static void thin_luts(uint8_t lut[2][256])
{
	for (unsigned int c = 0; c < 256; c++) {
		unsigned int b = (unsigned int)__builtin_popcount(c);
		int p2 = c & 1, p4 = (c >> 2) & 1, p6 = (c >> 4) & 1, p8 = (c >> 6) & 1;
		int ok = b >= 2 && b <= 6 && crossings(c) == 1;
		lut[0][c] = ok && !(p2 && p4 && p6) && !(p4 && p6 && p8);
		lut[1][c] = ok && !(p2 && p4 && p8) && !(p2 && p6 && p8);
	}
}

/* Zhang-Suen thinning of @s (w x h, zero frame; 1 = ridge). Only pixels that
 * can change are visited: at first those with a background 4-neighbour (a
 * pixel whose four 4-neighbours are set is never deletable), later also the
 * neighbours of deleted pixels; a pixel left alone by both kinds of pass
 * leaves the queue. Bits in @s: 1 ridge, 2 to delete, 4 queued, 8 seen once.
 * @list and @next have room for w * h entries. */
static void thin(uint8_t *s, size_t w, size_t h, uint32_t *list, uint32_t *next)
{
	uint8_t lut[2][256];
	size_t n = 0;
	int idle = 0;

	const ptrdiff_t W = (ptrdiff_t)w;
	const ptrdiff_t off[8] = { -W, -W + 1, 1, W + 1, W, W - 1, -1, -W - 1 };

	thin_luts(lut);
	for (size_t y = 1; y + 1 < h; y++) {
		for (size_t x = 1; x + 1 < w; x++) {
			size_t i = y * w + x;
			if (s[i] && !(s[i - 1] && s[i + 1] && s[i - w] && s[i + w])) {
				s[i] |= 4;
				list[n++] = (uint32_t)i;
			}
		}
	}
	for (int pass = 0; idle < 2 && n; pass ^= 1) {
		size_t nd = 0, nn = 0;

		for (size_t k = 0; k < n; k++) {
			size_t i = list[k];
			const uint8_t *p = s + i;
			unsigned int c = (p[off[0]] & 1u) | (p[off[1]] & 1u) << 1 |
					 (p[off[2]] & 1u) << 2 | (p[off[3]] & 1u) << 3 |
					 (p[off[4]] & 1u) << 4 | (p[off[5]] & 1u) << 5 |
					 (p[off[6]] & 1u) << 6 | (p[off[7]] & 1u) << 7;
			if (lut[pass][c]) {
				s[i] |= 2;
				nd++;
			}
		}
		idle = nd ? 0 : idle + 1;
		for (size_t k = 0; k < n; k++) {
			size_t i = list[k];
			if (!(s[i] & 2)) {
				/* kept: look again in the other kind of pass, then
				 * only when a neighbour goes */
				if (s[i] & 8) {
					s[i] &= (uint8_t)~12;
				} else {
					s[i] |= 8;
					next[nn++] = (uint32_t)i;
				}
				continue;
			}
			s[i] = 0;
			for (int j = 0; j < 8; j++) {
				size_t q = i + off[j];
				if ((s[q] & 1) && !(s[q] & 2)) {
					if (!(s[q] & 4))
						next[nn++] = (uint32_t)q;
					s[q] = (uint8_t)((s[q] | 4) & ~8);
				}
			}
		}
		uint32_t *t = list;
		list = next;
		next = t;
		n = nn;
	}
	for (size_t i = 0; i < w * h; i++)
		s[i] &= 1;
}

/* Follows the skeleton from an ending for at most @len steps; returns 1 if it
 * reaches a pixel with three or more branches (a spur) or ends (a fragment). */
static int short_branch(const uint8_t *s, size_t w, size_t start, unsigned int len)
{
	size_t prev = start, cur = start;
	for (unsigned int step = 0; step < len; step++) {
		size_t next = 0;
		unsigned int n = 0;
		for (int k = 0; k < 8; k++) {
			size_t j = cur + (ptrdiff_t)nby[k] * (ptrdiff_t)w + nbx[k];
			if (s[j] && j != prev) {
				n++;
				next = j;
			}
		}
		if (n == 0)
			return 1;
		if (n > 1 && crossings(code_at(s, cur, w)) >= 3)
			return 1;
		prev = cur;
		cur = next;
	}
	return 0;
}

/* The bounding box of the foreground cells, inside the image; false if there are none */
static bool foreground_box(const struct biounit_finger_report *r, uint32_t *x0, uint32_t *y0,
			   uint32_t *x1, uint32_t *y1)
{
	const struct fq_image *img = &r->img;

	*x0 = UINT32_MAX, *y0 = UINT32_MAX, *x1 = 0, *y1 = 0;
	for (uint32_t cy = 0; cy < r->mrows; cy++) {
		for (uint32_t cx = 0; cx < r->mcols; cx++) {
			if (!r->mask[cy * r->mcols + cx])
				continue;
			*x0 = cx * r->cell < *x0 ? cx * r->cell : *x0;
			*y0 = cy * r->cell < *y0 ? cy * r->cell : *y0;
			*x1 = (cx + 1) * r->cell > *x1 ? (cx + 1) * r->cell : *x1;
			*y1 = (cy + 1) * r->cell > *y1 ? (cy + 1) * r->cell : *y1;
		}
	}
	if (*x0 >= *x1)
		return false;
	*x1 = *x1 < img->w ? *x1 : img->w;
	*y1 = *y1 < img->h ? *y1 : img->h;
	return true;
}

/*
 * The ridges of the bw x bh box at (x0, y0) as a binary image @sk (a pixel is ridge
 * when its 3x3 mean @sm is darker than the mean around it, in the foreground only),
 * w = bw + 2 wide with a one-pixel frame of zeros; @ii is room for the integral image.
 */
static void binarise_ridges(const struct biounit_finger_report *r, uint32_t x0, uint32_t y0,
			    size_t bw, size_t bh, float scale, uint8_t *sm, uint32_t *ii,
			    uint8_t *sk)
{
	const struct fq_image *img = &r->img;
	size_t w = bw + 2;

	/* 3x3 mean, edges replicated */
	for (size_t y = 0; y < bh; y++) {
		size_t py = y0 + y;
		const uint8_t *rows[3] = {
			img->px + (size_t)(py ? py - 1 : py) * img->stride,
			img->px + py * img->stride,
			img->px + (size_t)(py + 1 < img->h ? py + 1 : py) * img->stride,
		};
		for (size_t x = 0; x < bw; x++) {
			size_t px = x0 + x, xl = px ? px - 1 : px, xr = px + 1 < img->w ? px + 1 : px;
			unsigned int sum = 0;
			for (int k = 0; k < 3; k++)
				sum += rows[k][xl] + rows[k][px] + rows[k][xr];
			sm[y * bw + x] = (uint8_t)(sum / 9);
		}
	}
	memset(ii, 0, (bw + 1) * sizeof(*ii));
	for (size_t y = 0; y < bh; y++) {
		uint32_t row = 0;
		ii[(y + 1) * (bw + 1)] = 0;
		for (size_t x = 0; x < bw; x++) {
			row += sm[y * bw + x];
			ii[(y + 1) * (bw + 1) + x + 1] = ii[y * (bw + 1) + x + 1] + row;
		}
	}
	int rad = (int)(8.f * scale + 0.5f);
	for (size_t y = 0; y < bh; y++) {
		size_t ya = y > (size_t)rad ? y - rad : 0, yb = y + rad + 1 < bh ? y + rad + 1 : bh;
		const uint8_t *mrow = r->mask + ((y0 + y) / r->cell) * r->mcols;
		for (size_t x = 0; x < bw; x++) {
			if (!mrow[(x0 + x) / r->cell])
				continue;
			size_t xa = x > (size_t)rad ? x - rad : 0;
			size_t xb = x + rad + 1 < bw ? x + rad + 1 : bw;
			uint32_t s = ii[yb * (bw + 1) + xb] - ii[ya * (bw + 1) + xb] -
				     ii[yb * (bw + 1) + xa] + ii[ya * (bw + 1) + xa];
			uint32_t k = (uint32_t)((yb - ya) * (xb - xa));
			sk[(y + 1) * w + x + 1] = (uint32_t)sm[y * bw + x] * k < s;
		}
	}
}

/*
 * The endings and bifurcations of the thinned skeleton @sk (w x h, its box at
 * (x0, y0)) at least a cell inside the foreground, short spurs left out; into
 * the malloc()ed *@out, *@n of them. 0 or -ENOMEM.
 */
static int skeleton_minutiae(const struct biounit_finger_report *r, const uint8_t *sk,
			     size_t w, size_t h, uint32_t x0, uint32_t y0, float scale,
			     struct biounit_minutia **out, size_t *n_out)
{
	const struct fq_image *img = &r->img;
	struct biounit_minutia *cand = NULL;
	size_t n = 0, cap = 0;
	int margin = (int)r->cell;

	for (size_t y = 1; y + 1 < h; y++) {
		for (size_t x = 1; x + 1 < w; x++) {
			size_t i = y * w + x;
			if (!sk[i])
				continue;
			unsigned int cn = crossings(code_at(sk, i, w));
			if (cn != 1 && cn != 3)
				continue;
			int64_t px = (int64_t)(x0 + x - 1), py = (int64_t)(y0 + y - 1);
			int inside = 1;
			for (int k = 0; k < 8 && inside; k++) {
				int64_t qx = px + nbx[k] * margin, qy = py + nby[k] * margin;
				inside = qx >= 0 && qy >= 0 && qx < img->w && qy < img->h &&
					 fq_mask_at(r, (uint32_t)qx, (uint32_t)qy);
			}
			if (!inside)
				continue;
			if (cn == 1 && short_branch(sk, w, i, (unsigned int)(10.f * scale + 0.5f)))
				continue;
			if (util_grow(&cand, &cap, n, 1, sizeof(*cand), 64, 0)) {
				free(cand);
				return -ENOMEM;
			}
			const struct biounit_finger_block *b =
				&r->blocks[(py / r->bs) * r->cols + px / r->bs];
			cand[n].x = (uint32_t)px;
			cand[n].y = (uint32_t)py;
			cand[n].type = cn == 1 ? BIOUNIT_MINUTIA_ENDING : BIOUNIT_MINUTIA_BIFURCATION;
			cand[n].angle_deg = b->orientation_deg;
			cand[n].quality = b->foreground ? (unsigned int)(100.f * b->ocl * b->lcs + 0.5f) : 0;
			n++;
		}
	}
	*out = cand;
	*n_out = n;
	return 0;
}

/* Drops both of every pair closer than 7 pixels at 500 ppi (artefacts); the count left or -ENOMEM */
static long drop_close_pairs(struct biounit_minutia *cand, size_t n, float scale)
{
	float dmin = 7.f * scale;
	uint8_t *drop = calloc(n ? n : 1, 1);
	if (!drop)
		return -ENOMEM;
	for (size_t a = 0; a < n; a++) {
		for (size_t b = a + 1; b < n; b++) {
			float dx = (float)cand[a].x - cand[b].x, dy = (float)cand[a].y - cand[b].y;
			if (dx * dx + dy * dy < dmin * dmin)
				drop[a] = drop[b] = 1;
		}
	}
	size_t k = 0;
	for (size_t a = 0; a < n; a++)
		if (!drop[a])
			cand[k++] = cand[a];
	free(drop);
	return (long)k;
}

int fq_minutiae(struct biounit_finger_report *r)
{
	float scale = (float)r->img.ppi / 500.f;
	uint32_t x0, y0, x1, y1;
	struct biounit_minutia *cand;
	size_t n;
	long k;

	r->n_minutiae = 0;
	if (!foreground_box(r, &x0, &y0, &x1, &y1))
		return 0;

	/* working area with a one-pixel frame of zeros */
	size_t bw = x1 - x0, bh = y1 - y0, w = bw + 2, h = bh + 2;
	uint8_t *sm = malloc(bw * bh), *sk = calloc(w * h, 1);
	uint32_t *ii = malloc((bw + 1) * (bh + 1) * sizeof(*ii));
	uint32_t *del = malloc(2 * w * h * sizeof(*del));
	int ret = -ENOMEM;

	if (!sm || !sk || !ii || !del)
		goto out;
	binarise_ridges(r, x0, y0, bw, bh, scale, sm, ii, sk);
	thin(sk, w, h, del, del + w * h);
	ret = skeleton_minutiae(r, sk, w, h, x0, y0, scale, &cand, &n);
	if (ret)
		goto out;
	k = drop_close_pairs(cand, n, scale);
	if (k < 0) {
		free(cand);
		ret = (int)k;
		goto out;
	}
	r->minutiae = cand;
	r->n_minutiae = (unsigned int)k;
out:
	free(sm);
	free(sk);
	free(ii);
	free(del);
	return ret;
}
