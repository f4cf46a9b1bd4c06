// SPDX-License-Identifier: GPL-2.0
/*
 * dlib shape_predictor reader, its cache, and the 68-point regression on a
 * real photograph against hand-marked positions
 * (fixtures/face/astronaut-marks.txt).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "test_face_common.h"

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int fit_astronaut(const struct biounit_landmark_model *m, struct biounit_face_point *pts)
{
	struct biounit_cascade *cas;
	struct biounit_image *img;
	struct biounit_image_view v;
	struct biounit_face_box b[2], box;
	size_t n = 0;
	int ret;

	ret = biounit_cascade_load(BIOUNIT_FACE_CASCADE_PATH, &cas);
	if (ret)
		return ret;
	ret = biounit_image_load(ASTRONAUT, &img);
	if (ret)
		return ret;
	v = biounit_image_get_view(img);
	ret = biounit_cascade_detect(cas, &v, NULL, b, 2, &n);
	if (!ret && n != 1)
		ret = -ESRCH;
	if (!ret) {
		box = biounit_face_box_to_dlib(&b[0]);
		ret = biounit_landmarks_fit(m, &v, &box, pts);
	}
	if (!ret) {
		box = biounit_landmarks_box_from_points(m, pts);
		ret = biounit_landmarks_fit(m, &v, &box, pts);
	}
	biounit_image_free(img);
	biounit_cascade_free(cas);
	return ret;
}

static struct biounit_face_point centre(const struct biounit_face_point *p, int from, int to)
{
	struct biounit_face_point c = { 0, 0 };

	for (int i = from; i <= to; i++) {
		c.x += p[i].x / (to - from + 1);
		c.y += p[i].y / (to - from + 1);
	}
	return c;
}

/* Parses the package file, checks the model's shape, reports the load time. */
TEST(parse_package_model)
{
	struct biounit_landmark_model *m = NULL;
	uint32_t cascades, trees, points;
	bool cached;
	double t0;

	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	t0 = now_ms();
	ASSERT_EQ(0, biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, NULL, &m));
	TH_LOG("parsing %s took %.0f ms", BIOUNIT_FACE_LANDMARK_PATH, now_ms() - t0);
	biounit_landmark_model_info(m, &cascades, &trees, &points, &cached);
	EXPECT_EQ(15, cascades);
	EXPECT_EQ(500, trees);
	EXPECT_EQ(68, points);
	EXPECT_FALSE(cached);
	biounit_landmark_model_free(m);
}

/* The fitted points land within a few pixels of the hand marks. */
TEST(astronaut_landmarks_match_hand_marks)
{
	struct biounit_landmark_model *m = NULL;
	struct biounit_face_point p[BIOUNIT_FACE_LANDMARKS], el, er;
	struct mark mk[16];
	int n;

	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	n = test_face_read_marks(mk, 16);
	ASSERT_EQ(6, n);
	ASSERT_EQ(0, biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, test_face_cache_path(),
						 &m));
	ASSERT_EQ(0, fit_astronaut(m, p));
	el = centre(p, 36, 41);
	er = centre(p, 42, 47);
	/* About 40 px between the eyes: 4 px is 10 % of that. */
	EXPECT_LT(test_face_dist(el.x, el.y, test_face_mark(mk, n, "eye_left_pupil").x,
				 test_face_mark(mk, n, "eye_left_pupil").y), 4.0);
	EXPECT_LT(test_face_dist(er.x, er.y, test_face_mark(mk, n, "eye_right_pupil").x,
				 test_face_mark(mk, n, "eye_right_pupil").y), 4.0);
	EXPECT_LT(test_face_dist(p[30].x, p[30].y, test_face_mark(mk, n, "nose_tip").x,
				 test_face_mark(mk, n, "nose_tip").y), 5.0);
	EXPECT_LT(test_face_dist(p[48].x, p[48].y, test_face_mark(mk, n, "mouth_left").x,
				 test_face_mark(mk, n, "mouth_left").y), 5.0);
	EXPECT_LT(test_face_dist(p[54].x, p[54].y, test_face_mark(mk, n, "mouth_right").x,
				 test_face_mark(mk, n, "mouth_right").y), 5.0);
	EXPECT_LT(test_face_dist(p[8].x, p[8].y, test_face_mark(mk, n, "chin").x,
				 test_face_mark(mk, n, "chin").y), 6.0);
	biounit_landmark_model_free(m);
}

/* The cache: built on first load, mmap-ed after, same landmarks bit for
 * bit, and ignored (rebuilt) when its recorded source hash does not match. */
TEST(cache_roundtrip_and_validation)
{
	char path[] = "/tmp/biounit-test-lmcache-XXXXXX";
	struct biounit_landmark_model *a = NULL, *b = NULL, *c = NULL;
	struct biounit_face_point pa[68], pb[68];
	bool cached;
	double t0;
	int fd;

	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	fd = mkstemp(path);
	ASSERT_GE(fd, 0) {
		TH_LOG("mkstemp failed");
	}
	close(fd);
	unlink(path);
	ASSERT_EQ(0, biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, path, &a));
	biounit_landmark_model_info(a, NULL, NULL, NULL, &cached);
	EXPECT_FALSE(cached);
	ASSERT_EQ(0, access(path, R_OK));
	t0 = now_ms();
	ASSERT_EQ(0, biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, path, &b));
	TH_LOG("loading through the cache took %.0f ms", now_ms() - t0);
	biounit_landmark_model_info(b, NULL, NULL, NULL, &cached);
	EXPECT_TRUE(cached);
	ASSERT_EQ(0, fit_astronaut(a, pa));
	ASSERT_EQ(0, fit_astronaut(b, pb));
	EXPECT_EQ(0, memcmp(pa, pb, sizeof(pa)));
	/* Flip a byte of the recorded source hash (header offset 64, docs/face-landmark-model.md). */
	fd = open(path, O_RDWR);
	ASSERT_GE(fd, 0) {
		TH_LOG("cannot reopen the cache");
	}
	{
		uint8_t byte;

		ASSERT_EQ(1, pread(fd, &byte, 1, 64));
		byte ^= 0xff;
		ASSERT_EQ(1, pwrite(fd, &byte, 1, 64));
	}
	close(fd);
	ASSERT_EQ(0, biounit_landmark_model_load(BIOUNIT_FACE_LANDMARK_PATH, path, &c));
	biounit_landmark_model_info(c, NULL, NULL, NULL, &cached);
	EXPECT_FALSE(cached);
	biounit_landmark_model_free(a);
	biounit_landmark_model_free(b);
	biounit_landmark_model_free(c);
	unlink(path);
}

/* Truncated, empty and foreign files are refused, not crashed on. */
TEST(bad_models_rejected)
{
	char dir[] = "/tmp/biounit-test-lm-XXXXXX", path[128], cmd[400];
	struct biounit_landmark_model *m = (struct biounit_landmark_model *)1;

	ASSERT_NE(NULL, mkdtemp(dir));
	EXPECT_EQ(-ENOENT, biounit_landmark_model_load("/nonexistent.dat", NULL, &m));
	EXPECT_EQ(NULL, m);
	snprintf(path, sizeof(path), "%s/bad.dat", dir);
	if (!access(BIOUNIT_FACE_LANDMARK_PATH, R_OK)) {
		snprintf(cmd, sizeof(cmd), "head -c 3000000 %s > %s", BIOUNIT_FACE_LANDMARK_PATH, path);
		ASSERT_EQ(0, system(cmd));
		EXPECT_EQ(-EINVAL, biounit_landmark_model_load(path, NULL, &m));
	}
	snprintf(cmd, sizeof(cmd), "printf 'not a model at all' > %s", path);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-EINVAL, biounit_landmark_model_load(path, NULL, &m));
	snprintf(cmd, sizeof(cmd), ": > %s", path);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(-EINVAL, biounit_landmark_model_load(path, NULL, &m));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
