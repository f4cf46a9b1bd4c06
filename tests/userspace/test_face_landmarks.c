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

#include "synth_landmarks.h"
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

/* ------------------------------------------------- the cache is not trusted */

/* A directory of the test's own with the small model (synth_landmarks.h). */
struct synth_env {
	char dir[64], model[128], cache[128];
};

static int synth_env_make(struct synth_env *e)
{
	strcpy(e->dir, "/tmp/biounit-test-lmsynth-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->model, sizeof(e->model), "%s/model.dat", e->dir);
	snprintf(e->cache, sizeof(e->cache), "%s/model.cache", e->dir);
	return synth_lm_write(e->model);
}

static void synth_env_remove(struct synth_env *e)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd))
		fprintf(stderr, "# cannot remove %s\n", e->dir);
}

/* Loads @e's model through its cache and fits it on a fixed picture. */
static int synth_fit(const struct synth_env *e, bool *from_cache, char *note, size_t notesz,
		     struct biounit_face_point *pts)
{
	static uint8_t px[160 * 160];
	struct biounit_image_view v = { px, 160, 160, 160, BIOUNIT_PIX_GREY };
	struct biounit_face_box box = { 20, 20, 120, 120, 0 };
	struct biounit_landmark_model *m = NULL;
	const char *why;
	int ret;

	for (int i = 0; i < 160 * 160; i++)
		px[i] = (uint8_t)((i % 160) * 3 + (i / 160) * 5 + (i % 7) * 20);
	ret = biounit_landmark_model_load(e->model, e->cache, &m);
	if (ret)
		return ret;
	biounit_landmark_model_info(m, NULL, NULL, NULL, from_cache);
	why = biounit_landmark_model_cache_note(m);
	snprintf(note, notesz, "%s", why ? why : "");
	ret = biounit_landmarks_fit(m, &v, &box, pts);
	biounit_landmark_model_free(m);
	return ret;
}

static char note_sink[400];

static int patch_u32(const char *path, long off, uint32_t v)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = pwrite(fd, &v, 4, off) == 4 ? 0 : -EIO;
	close(fd);
	return ret;
}

/*
 * A cache with a sound header but an index or anchor out of range (issue 18):
 * it used to be mapped and used, and the regression read far out of its
 * arrays (biounit-quality face and biounitd died of SIGSEGV). Now it is
 * refused as malformed, the model is read from the .dat instead (same
 * points), and the cache rebuilt.
 */
TEST(cache_index_or_anchor_out_of_range_is_refused_and_rebuilt)
{
	static const struct {
		long off;
		uint32_t v;
		const char *why;
	} damage[] = {
		{ SYNTH_LM_SPLIT(1, 2, 0), 0x7fffffff, "split index" },
		{ SYNTH_LM_SPLIT(0, 0, 2) + 4, SYNTH_LM_FEATURES, "split index" },
		{ SYNTH_LM_ANCHOR(1, 3), SYNTH_LM_POINTS, "anchor" },
		{ SYNTH_LM_ANCHOR(0, 0), 0xffffffff, "anchor" },
	};
	struct biounit_face_point ref[68], p[68];
	struct synth_env e;
	char note[400];
	struct stat st;
	bool cached;

	ASSERT_EQ(0, synth_env_make(&e));
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), ref));
	EXPECT_FALSE(cached);
	EXPECT_STREQ("", note);
	ASSERT_EQ(0, stat(e.cache, &st));
	ASSERT_EQ(SYNTH_LM_CACHE_BYTES, st.st_size);
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
	EXPECT_TRUE(cached);
	EXPECT_EQ(0, memcmp(ref, p, sizeof(p)));
	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		ASSERT_EQ(0, patch_u32(e.cache, damage[i].off, damage[i].v));
		ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
		EXPECT_FALSE(cached) TH_LOG("damage %zu used", i);
		EXPECT_NE(NULL, strstr(note, "malformed")) TH_LOG("note: %s", note);
		EXPECT_NE(NULL, strstr(note, damage[i].why)) TH_LOG("note: %s", note);
		EXPECT_EQ(0, memcmp(ref, p, sizeof(p)));
		/* rebuilt: used again */
		ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
		EXPECT_TRUE(cached);
		EXPECT_STREQ("", note);
	}
	synth_env_remove(&e);
}

/*
 * Only a cache of this user that nobody else can write is used (issue 18);
 * any other is rebuilt (mode 0600) with the reason in the note.
 */
TEST(cache_of_another_user_or_writable_by_others_is_refused)
{
	struct biounit_face_point p[68];
	struct synth_env e;
	char note[400], expect[64], nodir[128];
	struct stat st;
	bool cached;
	uid_t other;

	ASSERT_EQ(0, synth_env_make(&e));
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
	ASSERT_EQ(0, stat(e.cache, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);

	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, chmod(e.cache, i ? 0620 : 0666));
		ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
		EXPECT_FALSE(cached);
		EXPECT_STREQ(i ? "writable by its group (mode 0620)" : "writable by others (mode 0666)",
			     note);
		ASSERT_EQ(0, stat(e.cache, &st));
		EXPECT_EQ(0600, st.st_mode & 07777);
		ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
		EXPECT_TRUE(cached);
	}

	/* another user's file: as root, chown it; else a link to a file of root's */
	if (geteuid() == 0) {
		other = 65534;
		ASSERT_EQ(0, chown(e.cache, other, 0));
	} else {
		ASSERT_EQ(0, stat("/etc/passwd", &st));
		other = st.st_uid;
		ASSERT_NE(geteuid(), other);
		ASSERT_EQ(0, unlink(e.cache));
		ASSERT_EQ(0, symlink("/etc/passwd", e.cache));
	}
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
	EXPECT_FALSE(cached);
	snprintf(expect, sizeof(expect), "owned by uid %u, not", (unsigned int)other);
	EXPECT_EQ(0, strncmp(note, expect, strlen(expect))) TH_LOG("note: %s", note);
	/* rebuilt as a file of ours (the rename replaces the link, not its target) */
	ASSERT_EQ(0, lstat(e.cache, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(geteuid(), st.st_uid);
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
	EXPECT_TRUE(cached);

	/* a cache that cannot be written is said too */
	snprintf(nodir, sizeof(nodir), "%s/none/model.cache", e.dir);
	snprintf(e.cache, sizeof(e.cache), "%s", nodir);
	ASSERT_EQ(0, synth_fit(&e, &cached, note, sizeof(note), p));
	EXPECT_FALSE(cached);
	EXPECT_STREQ("cannot write it: No such file or directory", note);
	synth_env_remove(&e);
}

/*
 * The cache used to be written to "<cache>.<pid>" with fopen(): a name planted
 * there as a symbolic link (in a directory others can write) had the process
 * overwrite the link's target (issue 18). Now the temporary file is created
 * O_EXCL under a name of its own: the link and its target stay as they were.
 */
TEST(cache_write_never_follows_a_planted_link)
{
	struct biounit_face_point p[68];
	struct synth_env e;
	char planted[160], victim[160], buf[64] = "";
	struct stat st;
	bool cached;
	FILE *f;

	ASSERT_EQ(0, synth_env_make(&e));
	snprintf(victim, sizeof(victim), "%s/victim", e.dir);
	snprintf(planted, sizeof(planted), "%s.%ld", e.cache, (long)getpid());
	f = fopen(victim, "w");
	ASSERT_NE(NULL, f);
	fputs("precious\n", f);
	fclose(f);
	ASSERT_EQ(0, symlink(victim, planted));

	ASSERT_EQ(0, synth_fit(&e, &cached, note_sink, sizeof(note_sink), p));
	f = fopen(victim, "r");
	ASSERT_NE(NULL, f);
	EXPECT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_STREQ("precious\n", buf);
	ASSERT_EQ(0, lstat(planted, &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_EQ(0, lstat(e.cache, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(SYNTH_LM_CACHE_BYTES, st.st_size);
	ASSERT_EQ(0, synth_fit(&e, &cached, note_sink, sizeof(note_sink), p));
	EXPECT_TRUE(cached);
	synth_env_remove(&e);
}

TEST_HARNESS_MAIN
