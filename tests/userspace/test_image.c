// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the image loaders and writers (userspace/image). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <biounit/image.h>

/* The harness compares with ==; literal ints against unsigned sizes are fine here. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "tmpdir_fixture.h"

/* A smooth colour gradient with a sharp square, so JPEG round trips stay close. */
static struct biounit_image *make_pattern(uint32_t w, uint32_t h, enum biounit_pixfmt fmt)
{
	struct biounit_image *img;
	unsigned int bpp = biounit_pixfmt_bytes(fmt);
	uint8_t *p;

	if (biounit_image_new(w, h, fmt, &img))
		return NULL;
	p = biounit_image_data(img);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			for (unsigned int c = 0; c < bpp; c++)
				p[(y * w + x) * bpp + c] = (uint8_t)(x * 150 / w + y * 60 / h + c * 20);
	return img;
}

static int max_abs_diff(const struct biounit_image_view *a, const struct biounit_image_view *b)
{
	unsigned int bpp = biounit_pixfmt_bytes(a->format);
	int worst = 0;

	for (uint32_t y = 0; y < a->height; y++)
		for (uint32_t x = 0; x < a->width * bpp; x++) {
			int d = abs((int)a->data[y * a->stride + x] - (int)b->data[y * b->stride + x]);

			if (d > worst)
				worst = d;
		}
	return worst;
}

static long read_file(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*out = malloc(n);
	if (fread(*out, 1, n, f) != (size_t)n)
		n = -1;
	fclose(f);
	return n;
}

/* Sets the size in the SOF0 marker (it carries no checksum): 0, or -1 if none. */
static int patch_sof_size(uint8_t *data, long n, uint16_t w, uint16_t h)
{
	for (long i = 2; i + 9 < n; i++)
		if (data[i] == 0xff && data[i + 1] == 0xc0) {
			data[i + 5] = h >> 8;
			data[i + 6] = h & 0xff;
			data[i + 7] = w >> 8;
			data[i + 8] = w & 0xff;
			return 0;
		}
	return -1;
}

TEST_F(tmpdir, png_roundtrip_rgb_and_grey)
{
	enum biounit_pixfmt fmts[2] = { BIOUNIT_PIX_RGB24, BIOUNIT_PIX_GREY };

	for (int i = 0; i < 2; i++) {
		struct biounit_image *a = make_pattern(37, 23, fmts[i]), *b = NULL;
		struct biounit_image_view va = biounit_image_get_view(a), vb;

		snprintf(self->path, sizeof(self->path), "%s/p%d.png", self->dir, i);
		ASSERT_EQ(0, biounit_image_save_png(&va, self->path));
		ASSERT_EQ(0, biounit_image_load(self->path, &b));
		vb = biounit_image_get_view(b);
		EXPECT_EQ(37, vb.width);
		EXPECT_EQ(23, vb.height);
		EXPECT_EQ(fmts[i], vb.format);
		EXPECT_EQ(0, max_abs_diff(&va, &vb));
		biounit_image_free(a);
		biounit_image_free(b);
	}
}

TEST_F(tmpdir, jpeg_roundtrip_close)
{
	struct biounit_image *a = make_pattern(64, 48, BIOUNIT_PIX_RGB24), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a), vb;

	snprintf(self->path, sizeof(self->path), "%s/a.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_save_jpeg(&va, self->path, 98));
	ASSERT_EQ(0, biounit_image_load(self->path, &b));
	vb = biounit_image_get_view(b);
	ASSERT_EQ(64, vb.width);
	ASSERT_EQ(48, vb.height);
	ASSERT_EQ(BIOUNIT_PIX_RGB24, vb.format);
	EXPECT_LT(max_abs_diff(&va, &vb), 40);
	EXPECT_EQ(-EINVAL, biounit_image_save_jpeg(&va, self->path, 0));
	biounit_image_free(a);
	biounit_image_free(b);
}

/* A view with padding (stride > width) must be written row by row correctly. */
TEST_F(tmpdir, save_honours_stride)
{
	uint8_t buf[4 * 10];
	struct biounit_image_view v = { buf, 3, 4, 10, BIOUNIT_PIX_GREY }, vb;
	struct biounit_image *b = NULL;

	memset(buf, 0xee, sizeof(buf));
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 3; x++)
			buf[y * 10 + x] = (uint8_t)(y * 3 + x);
	snprintf(self->path, sizeof(self->path), "%s/s.png", self->dir);
	ASSERT_EQ(0, biounit_image_save_png(&v, self->path));
	ASSERT_EQ(0, biounit_image_load(self->path, &b));
	vb = biounit_image_get_view(b);
	for (int i = 0; i < 12; i++)
		EXPECT_EQ(i, vb.data[(i / 3) * vb.stride + i % 3]);
	biounit_image_free(b);
}

TEST_F(tmpdir, truncated_jpeg_is_einval)
{
	struct biounit_image *a = make_pattern(200, 150, BIOUNIT_PIX_RGB24), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	uint8_t *data;
	long n;

	snprintf(self->path, sizeof(self->path), "%s/t.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_save_jpeg(&va, self->path, 90));
	n = read_file(self->path, &data);
	ASSERT_GT(n, 1000);
	EXPECT_EQ(0, biounit_image_load_mem(data, n, &b));
	biounit_image_free(b);
	b = NULL;
	for (long cut = n / 2; cut > 2; cut /= 3) {
		EXPECT_EQ(-EINVAL, biounit_image_load_mem(data, cut, &b));
		EXPECT_EQ(NULL, b);
	}
	free(data);
	biounit_image_free(a);
}

TEST_F(tmpdir, truncated_png_is_einval)
{
	struct biounit_image *a = make_pattern(200, 150, BIOUNIT_PIX_RGB24), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	uint8_t *data;
	long n;

	snprintf(self->path, sizeof(self->path), "%s/t.png", self->dir);
	ASSERT_EQ(0, biounit_image_save_png(&va, self->path));
	n = read_file(self->path, &data);
	ASSERT_GT(n, 100);
	/* Losing only IEND still leaves every pixel; cut into the pixel data. */
	for (long cut = n / 2; cut > 8; cut /= 2)
		EXPECT_EQ(-EINVAL, biounit_image_load_mem(data, cut, &b));
	free(data);
	biounit_image_free(a);
}

/* The SOF0 marker carries the size without a checksum: patch it to 20000x20000. */
TEST_F(tmpdir, jpeg_claiming_400_megapixels_is_efbig)
{
	struct biounit_image *a = make_pattern(16, 16, BIOUNIT_PIX_GREY), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	uint8_t *data;
	long n;

	snprintf(self->path, sizeof(self->path), "%s/big.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_save_jpeg(&va, self->path, 90));
	n = read_file(self->path, &data);
	ASSERT_EQ(0, patch_sof_size(data, n, 20000, 20000));
	EXPECT_EQ(-EFBIG, biounit_image_load_mem(data, n, &b));
	EXPECT_EQ(NULL, b);
	free(data);
	biounit_image_free(a);
}

/*
 * A JPEG cut short that still ends in EOI: libjpeg warns "premature end of
 * data segment" and pads the rest with grey, which used to be accepted as
 * the whole image (issue 18). Every corrupt-data warning is now an error.
 */
TEST_F(tmpdir, jpeg_cut_short_but_ending_in_eoi_is_einval)
{
	struct biounit_image *a = make_pattern(200, 150, BIOUNIT_PIX_RGB24), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	uint8_t *data, *cut;
	long n;

	snprintf(self->path, sizeof(self->path), "%s/c.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_save_jpeg(&va, self->path, 90));
	n = read_file(self->path, &data);
	ASSERT_GT(n, 1000);
	cut = malloc(n);
	ASSERT_NE(NULL, cut);
	for (long len = n - 40; len > 700; len -= len / 4) {
		memcpy(cut, data, len);
		cut[len] = 0xff;
		cut[len + 1] = 0xd9;
		EXPECT_EQ(-EINVAL, biounit_image_load_mem(cut, len + 2, &b)) TH_LOG("cut at %ld", len);
		EXPECT_EQ(NULL, b);
		biounit_image_free(b);
		b = NULL;
	}
	/* a few bytes of garbage in the entropy data: a bad Huffman code, or
	 * bytes that are not data */
	memcpy(cut, data, n);
	memset(cut + n / 2, 0xff, 8);
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(cut, n, &b));
	free(cut);
	free(data);
	biounit_image_free(a);
}

/* A SOF claiming 10000x10000 pixels on the data of 640x480 ones: libjpeg
 * used to pad the missing 99.7 % with grey (issue 18). */
TEST_F(tmpdir, jpeg_sof_larger_than_its_data_is_einval)
{
	struct biounit_image *a = make_pattern(640, 480, BIOUNIT_PIX_GREY), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	uint8_t *data;
	long n;

	snprintf(self->path, sizeof(self->path), "%s/sof.jpg", self->dir);
	ASSERT_EQ(0, biounit_image_save_jpeg(&va, self->path, 90));
	n = read_file(self->path, &data);
	ASSERT_EQ(0, biounit_image_load_mem(data, n, &b));
	biounit_image_free(b);
	b = NULL;
	ASSERT_EQ(0, patch_sof_size(data, n, 10000, 10000));
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(data, n, &b));
	EXPECT_EQ(NULL, b);
	free(data);
	biounit_image_free(a);
}

static uint32_t png_crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * PNG's counterparts: the IDAT cut short but a well-formed chunk (its length
 * and CRC made to fit) followed by IEND, and an IDAT whose CRC is wrong.
 * libpng reports both as errors ("Not enough image data", "CRC error"), so
 * these pass on the old code too: they keep it so.
 */
TEST_F(tmpdir, png_short_idat_or_bad_crc_is_einval)
{
	struct biounit_image *a = make_pattern(200, 150, BIOUNIT_PIX_RGB24), *b = NULL;
	struct biounit_image_view va = biounit_image_get_view(a);
	static const uint8_t iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	uint8_t *data, *cut;
	long n, idat = 0;
	uint32_t len;

	snprintf(self->path, sizeof(self->path), "%s/i.png", self->dir);
	ASSERT_EQ(0, biounit_image_save_png(&va, self->path));
	n = read_file(self->path, &data);
	/* the first IDAT chunk (the encoder writes one of up to 8 KB, or more) */
	for (long i = 8; i + 8 <= n; i += 12 + (long)len) {
		len = (uint32_t)data[i] << 24 | data[i + 1] << 16 | data[i + 2] << 8 | data[i + 3];
		if (!memcmp(data + i + 4, "IDAT", 4)) {
			idat = i;
			break;
		}
	}
	ASSERT_GT(idat, 0);
	len = (uint32_t)data[idat] << 24 | data[idat + 1] << 16 | data[idat + 2] << 8 | data[idat + 3];
	ASSERT_GT(len, 100);
	cut = malloc(n + 12);
	ASSERT_NE(NULL, cut);
	/* IDAT with half its data, a valid CRC, then IEND */
	memcpy(cut, data, idat + 8 + len / 2);
	put_be32(cut + idat, len / 2);
	put_be32(cut + idat + 8 + len / 2, png_crc(cut + idat + 4, 4 + len / 2));
	memcpy(cut + idat + 12 + len / 2, iend, 12);
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(cut, idat + 24 + len / 2, &b));
	EXPECT_EQ(NULL, b);
	/* the whole file with one bit of the IDAT's CRC flipped */
	memcpy(cut, data, n);
	cut[idat + 8 + len] ^= 1;
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(cut, n, &b));
	EXPECT_EQ(NULL, b);
	/* and a pixel byte changed under a CRC left as it was */
	memcpy(cut, data, n);
	cut[idat + 8 + len / 2] ^= 0x40;
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(cut, n, &b));
	free(cut);
	free(data);
	biounit_image_free(a);
}

TEST(pgm_parses_comments_and_16bit)
{
	static const char hdr8[] = "P5\n# a comment\n3 2\n255\n";
	static const char hdr16[] = "P5 1 1 65535\n";
	uint8_t buf[64];
	struct biounit_image *img = NULL;
	struct biounit_image_view v;

	memcpy(buf, hdr8, sizeof(hdr8) - 1);
	for (int i = 0; i < 6; i++)
		buf[sizeof(hdr8) - 1 + i] = (uint8_t)(i * 50);
	ASSERT_EQ(0, biounit_image_load_mem(buf, sizeof(hdr8) - 1 + 6, &img));
	v = biounit_image_get_view(img);
	EXPECT_EQ(3, v.width);
	EXPECT_EQ(2, v.height);
	EXPECT_EQ(BIOUNIT_PIX_GREY, v.format);
	EXPECT_EQ(250, v.data[v.stride + 2]);
	biounit_image_free(img);
	/* one byte short */
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(buf, sizeof(hdr8) - 1 + 5, &img));

	memcpy(buf, hdr16, sizeof(hdr16) - 1);
	buf[sizeof(hdr16) - 1] = 0x80;
	buf[sizeof(hdr16)] = 0x00;
	ASSERT_EQ(0, biounit_image_load_mem(buf, sizeof(hdr16) + 1, &img));
	EXPECT_EQ(128, biounit_image_get_view(img).data[0]);
	biounit_image_free(img);
}

TEST(bad_inputs)
{
	static const char huge[] = "P5 20000 20000 255\n";
	static const char zero[] = "P5 0 10 255\n";
	struct biounit_image *img = NULL;

	EXPECT_EQ(-ENOENT, biounit_image_load("/nonexistent/biounit.png", &img));
	EXPECT_EQ(-EINVAL, biounit_image_load_mem("hello world", 11, &img));
	EXPECT_EQ(-EINVAL, biounit_image_load_mem("", 0, &img));
	EXPECT_EQ(-EFBIG, biounit_image_load_mem(huge, sizeof(huge) - 1, &img));
	EXPECT_EQ(-EINVAL, biounit_image_load_mem(zero, sizeof(zero) - 1, &img));
	EXPECT_EQ(-EINVAL, biounit_image_load_mem("\xff\xd8\xff\xe0", 4, &img));
	EXPECT_EQ(-EISDIR, biounit_image_load("/", &img));
	EXPECT_EQ(NULL, img);
	EXPECT_EQ(-EFBIG, biounit_image_new(20000, 20000, BIOUNIT_PIX_GREY, &img));
	EXPECT_EQ(-EINVAL, biounit_image_new(0, 1, BIOUNIT_PIX_GREY, &img));
	EXPECT_EQ(-EINVAL, biounit_image_new(1, 1, (enum biounit_pixfmt)7, &img));
}

TEST(view_check)
{
	uint8_t px[12];
	struct biounit_image_view ok = { px, 2, 2, 6, BIOUNIT_PIX_RGB24 };
	struct biounit_image_view narrow = { px, 2, 2, 5, BIOUNIT_PIX_RGB24 };
	struct biounit_image_view null = { NULL, 2, 2, 6, BIOUNIT_PIX_RGB24 };

	EXPECT_EQ(0, biounit_image_view_check(&ok));
	EXPECT_EQ(-EINVAL, biounit_image_view_check(&narrow));
	EXPECT_EQ(-EINVAL, biounit_image_view_check(&null));
}

/* XBGR32 (B, G, R, X; a face frame for the display) to RGB24 and back, byte by byte */
TEST(convert_xbgr32_and_rgb24)
{
	/* 3x2 pixels, 16-byte lines: 12 bytes of pixels, 4 of padding that must not be read */
	static const uint8_t xbgr[2 * 16] = {
		10, 20, 30, 0x00,  40, 50, 60, 0x7f,  70, 80, 90, 0xff,  0xee, 0xee, 0xee, 0xee,
		1, 2, 3, 4,        255, 254, 253, 0,  0, 0, 0, 0x55,     0xee, 0xee, 0xee, 0xee,
	};
	static const uint8_t rgb[2 * 9] = {
		30, 20, 10,  60, 50, 40,  90, 80, 70,
		3, 2, 1,     253, 254, 255,  0, 0, 0,
	};
	const struct biounit_image_view xv = { xbgr, 3, 2, 16, BIOUNIT_PIX_XBGR32 };
	const struct biounit_image_view rv = { rgb, 3, 2, 9, BIOUNIT_PIX_RGB24 };
	struct biounit_image *r, *x;
	const uint8_t *p;

	EXPECT_EQ(4u, biounit_pixfmt_bytes(BIOUNIT_PIX_XBGR32));
	ASSERT_EQ(0, biounit_image_new(3, 2, BIOUNIT_PIX_RGB24, &r));
	ASSERT_EQ(0, biounit_image_new(3, 2, BIOUNIT_PIX_XBGR32, &x));
	ASSERT_EQ(0, biounit_image_convert(&xv, r));
	EXPECT_EQ(0, memcmp(rgb, biounit_image_data(r), sizeof(rgb)));
	/* RGB24 to XBGR32: the X byte is 0xff */
	ASSERT_EQ(0, biounit_image_convert(&rv, x));
	p = biounit_image_data(x);
	EXPECT_EQ(12u, biounit_image_get_view(x).stride);
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_EQ(rgb[3 * i + 2], p[4 * i]);
		EXPECT_EQ(rgb[3 * i + 1], p[4 * i + 1]);
		EXPECT_EQ(rgb[3 * i], p[4 * i + 2]);
		EXPECT_EQ(0xff, p[4 * i + 3]);
	}
	/* XBGR32 to XBGR32: the same colours, X made 0xff */
	ASSERT_EQ(0, biounit_image_convert(&xv, x));
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_EQ(0, memcmp(xbgr + (i / 3) * 16 + (i % 3) * 4, p + 4 * i, 3));
		EXPECT_EQ(0xff, p[4 * i + 3]);
	}
	biounit_image_free(x);
	biounit_image_free(r);
}

TEST(convert_grey_and_errors)
{
	static const uint8_t grey[4] = { 0, 77, 200, 255 };
	const struct biounit_image_view gv = { grey, 2, 2, 2, BIOUNIT_PIX_GREY };
	uint8_t px[16] = { 0 };
	struct biounit_image_view xv = { px, 2, 2, 8, BIOUNIT_PIX_XBGR32 };
	struct biounit_image *r, *g, *small;
	const uint8_t *p;

	ASSERT_EQ(0, biounit_image_new(2, 2, BIOUNIT_PIX_RGB24, &r));
	ASSERT_EQ(0, biounit_image_new(2, 2, BIOUNIT_PIX_GREY, &g));
	ASSERT_EQ(0, biounit_image_new(2, 1, BIOUNIT_PIX_RGB24, &small));
	ASSERT_EQ(0, biounit_image_convert(&gv, r));
	p = biounit_image_data(r);
	for (unsigned int i = 0; i < 4; i++)
		for (unsigned int c = 0; c < 3; c++)
			EXPECT_EQ(grey[i], p[3 * i + c]);
	ASSERT_EQ(0, biounit_image_convert(&gv, g));
	EXPECT_EQ(0, memcmp(grey, biounit_image_data(g), 4));

	/* colour is not made grey here; other sizes, bad views, no image */
	EXPECT_EQ(-ENOTSUP, biounit_image_convert(&xv, g));
	EXPECT_EQ(-EINVAL, biounit_image_convert(&xv, small));
	EXPECT_EQ(-EINVAL, biounit_image_convert(&xv, NULL));
	EXPECT_EQ(-EINVAL, biounit_image_convert(NULL, r));
	xv.stride = 7;
	EXPECT_EQ(-EINVAL, biounit_image_convert(&xv, r));
	xv.stride = 8;
	xv.format = (enum biounit_pixfmt)9;
	EXPECT_EQ(-EINVAL, biounit_image_convert(&xv, r));
	xv.format = BIOUNIT_PIX_XBGR32;
	xv.width = 0;
	EXPECT_EQ(-EINVAL, biounit_image_convert(&xv, r));
	biounit_image_free(small);
	biounit_image_free(g);
	biounit_image_free(r);
}

/* The encoders refuse an XBGR32 view (-ENOTSUP) rather than read it as grey */
TEST_F(tmpdir, xbgr32_view_is_refused_by_the_encoders)
{
	uint8_t px[4 * 8 * 8];
	struct biounit_image_view xv = { px, 8, 8, 32, BIOUNIT_PIX_XBGR32 };
	uint8_t *jpg = NULL;
	size_t len = 0;

	memset(px, 0x80, sizeof(px));
	snprintf(self->path, sizeof(self->path), "%s/x.png", self->dir);
	EXPECT_EQ(-ENOTSUP, biounit_image_view_check(&xv));
	EXPECT_EQ(-ENOTSUP, biounit_image_encode_jpeg(&xv, 90, &jpg, &len));
	EXPECT_EQ(NULL, jpg);
	EXPECT_EQ(-ENOTSUP, biounit_image_save_png(&xv, self->path));
	EXPECT_EQ(-1, access(self->path, F_OK));
	xv.stride = 31;
	EXPECT_EQ(-EINVAL, biounit_image_view_check(&xv));
}

TEST_HARNESS_MAIN
