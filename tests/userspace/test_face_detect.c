// SPDX-License-Identifier: GPL-2.0
/* Haar cascade reader and detector, on Debian's cascades and real photos. */
#include <errno.h>

#include "test_face_common.h"

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define HAAR "/usr/share/opencv4/haarcascades/"

TEST(shipped_cascades_parse)
{
	static const struct {
		const char *file;
		uint32_t w, h;
	} c[] = {
		{ "haarcascade_frontalface_default.xml", 24, 24 },
		{ "haarcascade_frontalface_alt.xml", 20, 20 },
		{ "haarcascade_frontalface_alt2.xml", 20, 20 },
		{ "haarcascade_eye.xml", 20, 20 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char path[256];
		struct biounit_cascade *cas = NULL;
		uint32_t w, h;

		snprintf(path, sizeof(path), HAAR "%s", c[i].file);
		if (access(path, R_OK))
			SKIP(return, "opencv-data is not installed");
		ASSERT_EQ(0, biounit_cascade_load(path, &cas)) TH_LOG("%s", path);
		biounit_cascade_window(cas, &w, &h);
		EXPECT_EQ(c[i].w, w);
		EXPECT_EQ(c[i].h, h);
		biounit_cascade_free(cas);
	}
}

TEST(bad_cascades_rejected)
{
	char dir[] = "/tmp/biounit-test-cascade-XXXXXX", path[128], cmd[400];
	struct biounit_cascade *cas = (struct biounit_cascade *)1;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	EXPECT_EQ(-ENOENT, biounit_cascade_load("/nonexistent.xml", &cas));
	EXPECT_EQ(NULL, cas);
	/* LBP cascades are a different feature type. */
	if (!access("/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml", R_OK))
		EXPECT_EQ(-EOPNOTSUPP,
			  biounit_cascade_load("/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml",
					       &cas));
	/* Truncated in the middle of the stages. */
	snprintf(path, sizeof(path), "%s/half.xml", dir);
	snprintf(cmd, sizeof(cmd), "head -c 200000 " HAAR "haarcascade_frontalface_alt2.xml > %s",
		 path);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-EINVAL, biounit_cascade_load(path, &cas));
	/* A node pointing at a feature that does not exist. */
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("<opencv_storage><cascade><featureType>HAAR</featureType><height>4</height>"
	      "<width>4</width><stages><_><maxWeakCount>1</maxWeakCount><stageThreshold>0"
	      "</stageThreshold><weakClassifiers><_><internalNodes>0 -1 7 0.5</internalNodes>"
	      "<leafValues>1 -1</leafValues></_></weakClassifiers></_></stages><features><_>"
	      "<rects><_>0 0 2 2 -1.</_><_>2 0 2 2 1.</_></rects></_></features></cascade>"
	      "</opencv_storage>", f);
	fclose(f);
	EXPECT_EQ(-EINVAL, biounit_cascade_load(path, &cas));
	/* A rectangle outside the window. */
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("<opencv_storage><cascade><featureType>HAAR</featureType><height>4</height>"
	      "<width>4</width><stages><_><stageThreshold>0</stageThreshold><weakClassifiers>"
	      "<_><internalNodes>0 -1 0 0.5</internalNodes><leafValues>1 -1</leafValues></_>"
	      "</weakClassifiers></_></stages><features><_><rects><_>3 0 2 2 -1.</_></rects>"
	      "</_></features></cascade></opencv_storage>", f);
	fclose(f);
	EXPECT_EQ(-EINVAL, biounit_cascade_load(path, &cas));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(0, system(cmd));
}

FIXTURE(detector) {
	struct biounit_cascade *cas;
};

FIXTURE_SETUP(detector)
{
	self->cas = NULL;
	if (!test_face_have_data())
		SKIP(return, "needs opencv-data, libdlib-data and python3-skimage");
	ASSERT_EQ(0, biounit_cascade_load(BIOUNIT_FACE_CASCADE_PATH, &self->cas));
}

FIXTURE_TEARDOWN(detector)
{
	biounit_cascade_free(self->cas);
}

/* The astronaut photo: one face, whose box holds the hand-marked eyes. */
TEST_F(detector, finds_the_astronaut)
{
	struct biounit_image *img;
	struct biounit_image_view v;
	struct biounit_face_box b[4];
	struct mark m[16];
	int nm = test_face_read_marks(m, 16);
	struct mark el = test_face_mark(m, nm, "eye_left_pupil");
	struct mark er = test_face_mark(m, nm, "eye_right_pupil");
	size_t n = 0;

	ASSERT_EQ(6, nm);
	ASSERT_EQ(0, biounit_image_load(ASTRONAUT, &img));
	v = biounit_image_get_view(img);
	ASSERT_EQ(0, biounit_cascade_detect(self->cas, &v, NULL, b, 4, &n));
	ASSERT_EQ(1, n);
	EXPECT_GT(el.x, b[0].x);
	EXPECT_LT(er.x, b[0].x + b[0].w);
	EXPECT_GT(el.y, b[0].y);
	EXPECT_LT(el.y, b[0].y + b[0].h / 2);
	EXPECT_GT(b[0].w, 60);
	EXPECT_LT(b[0].w, 140);
	EXPECT_GE(b[0].neighbours, 3);
	biounit_image_free(img);
}

/* Zero-copy: a view into a larger buffer (padding in the stride) and the
 * grey version of the photo find the same face. */
TEST_F(detector, stride_and_grey_views)
{
	struct biounit_image *img;
	struct biounit_image_view v, pad, grey;
	struct biounit_face_box a[2], b[2], c[2];
	size_t na = 0, nb = 0, nc = 0;
	uint8_t *buf, *g;

	ASSERT_EQ(0, biounit_image_load(ASTRONAUT, &img));
	v = biounit_image_get_view(img);
	buf = malloc((size_t)(v.stride + 64) * v.height);
	g = malloc((size_t)v.width * v.height);
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, g);
	for (uint32_t y = 0; y < v.height; y++) {
		memcpy(buf + y * (v.stride + 64), v.data + y * v.stride, v.stride);
		memset(buf + y * (v.stride + 64) + v.stride, 0x5a, 64);
		for (uint32_t x = 0; x < v.width; x++) {
			const uint8_t *p = v.data + y * v.stride + 3 * x;

			g[y * v.width + x] = (uint8_t)((p[0] + p[1] + p[2]) / 3);
		}
	}
	pad = v;
	pad.data = buf;
	pad.stride = v.stride + 64;
	grey = (struct biounit_image_view){ g, v.width, v.height, v.width, BIOUNIT_PIX_GREY };
	ASSERT_EQ(0, biounit_cascade_detect(self->cas, &v, NULL, a, 2, &na));
	ASSERT_EQ(0, biounit_cascade_detect(self->cas, &pad, NULL, b, 2, &nb));
	ASSERT_EQ(0, biounit_cascade_detect(self->cas, &grey, NULL, c, 2, &nc));
	ASSERT_EQ(1, na);
	ASSERT_EQ(1, nb);
	ASSERT_EQ(1, nc);
	EXPECT_EQ(a[0].x, b[0].x);
	EXPECT_EQ(a[0].w, b[0].w);
	EXPECT_LT(fabsf(a[0].x - c[0].x), 3);
	EXPECT_LT(fabsf(a[0].w - c[0].w), 4);
	free(buf);
	free(g);
	biounit_image_free(img);
}

/* Photos without a human face: a cat and a cup of coffee. */
TEST_F(detector, no_face_in_cat_or_coffee)
{
	const char *files[] = { SKIMAGE_DATA "chelsea.png", SKIMAGE_DATA "coffee.png" };

	for (int i = 0; i < 2; i++) {
		struct biounit_image *img;
		struct biounit_image_view v;
		struct biounit_face_box b[2];
		size_t n = 99;

		ASSERT_EQ(0, biounit_image_load(files[i], &img));
		v = biounit_image_get_view(img);
		ASSERT_EQ(0, biounit_cascade_detect(self->cas, &v, NULL, b, 2, &n));
		EXPECT_EQ(0, n) TH_LOG("%s", files[i]);
		biounit_image_free(img);
	}
}

/* A small face pasted twice: the detector reports both (for one_face). */
TEST_F(detector, two_faces)
{
	struct biounit_image *img, *two;
	struct biounit_image_view v;
	struct biounit_face_box b[4];
	size_t n = 0;
	uint8_t *d;

	ASSERT_EQ(0, biounit_image_load(ASTRONAUT, &img));
	v = biounit_image_get_view(img);
	ASSERT_EQ(0, biounit_image_new(400, 200, BIOUNIT_PIX_RGB24, &two));
	d = biounit_image_data(two);
	memset(d, 235, 400 * 200 * 3);
	/* Copy the head region (x 150..300, y 20..200) to two places. */
	for (int k = 0; k < 2; k++)
		for (int y = 0; y < 180; y++)
			memcpy(d + (size_t)(y + 10) * 1200 + (size_t)(20 + k * 200) * 3,
			       v.data + (size_t)(y + 20) * v.stride + 150 * 3, 150 * 3);
	v = biounit_image_get_view(two);
	ASSERT_EQ(0, biounit_cascade_detect(self->cas, &v, NULL, b, 4, &n));
	EXPECT_EQ(2, n);
	biounit_image_free(two);
	biounit_image_free(img);
}

TEST(detect_bad_arguments)
{
	struct biounit_face_box b[1];
	struct biounit_image_view v = { NULL, 10, 10, 10, BIOUNIT_PIX_GREY };
	size_t n;

	EXPECT_EQ(-EINVAL, biounit_cascade_detect(NULL, &v, NULL, b, 1, &n));
}

TEST_HARNESS_MAIN
