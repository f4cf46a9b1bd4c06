// SPDX-License-Identifier: GPL-2.0
/* biounit-quality face: exit codes, one-line errors, JSON and the crop. */
#include <errno.h>
#include <sys/wait.h>

#include "test_face_common.h"

#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

/* Runs "biounit-quality face ARGS", capturing stdout and stderr. */
static int run_face(const char *args, char *out, size_t outsz, char *err, size_t errsz)
{
	const char *tools = getenv("BIOUNIT_TOOLS");
	char cmd[1024], errfile[] = "/tmp/biounit-test-face-cli-XXXXXX";
	FILE *p, *e;
	size_t n;
	int fd = mkstemp(errfile), status;

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "BIOUNIT_FACE_CACHE=%s %s/biounit-quality face %s 2>%s",
		 test_face_cache_path(), tools ? tools : "../../build/userspace/bin", args, errfile);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, outsz - 1, p);
	out[n] = '\0';
	status = pclose(p);
	e = fopen(errfile, "r");
	n = e ? fread(err, 1, errsz - 1, e) : 0;
	err[n] = '\0';
	if (e)
		fclose(e);
	unlink(errfile);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(unreadable_inputs_exit_2_with_one_line)
{
	static char out[65536], err[4096];
	char dir[] = "/tmp/biounit-test-face-cli-d-XXXXXX", args[512], cmd[512];
	const char *cases[] = { "/nonexistent/photo.jpg", "/etc/hostname", "big", "trunc", "dir" };

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "printf 'P5 60000 60000 255\\n' > %s/big.pgm", dir);
	ASSERT_EQ(0, system(cmd));
	/* The first 3000 bytes of a real JPEG. */
	snprintf(cmd, sizeof(cmd), "printf '\\377\\330\\377\\340' > %s/trunc.jpg; head -c 3000 /dev/zero >> %s/trunc.jpg",
		 dir, dir);
	ASSERT_EQ(0, system(cmd));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!strcmp(cases[i], "big"))
			snprintf(args, sizeof(args), "%s/big.pgm", dir);
		else if (!strcmp(cases[i], "trunc"))
			snprintf(args, sizeof(args), "%s/trunc.jpg", dir);
		else if (!strcmp(cases[i], "dir"))
			snprintf(args, sizeof(args), "%s", dir);
		else
			snprintf(args, sizeof(args), "%s", cases[i]);
		EXPECT_EQ(2, run_face(args, out, sizeof(out), err, sizeof(err))) TH_LOG("%s", args);
		EXPECT_EQ(1, count_lines(err)) TH_LOG("%s: %s", args, err);
		EXPECT_EQ(0, strlen(out));
	}
	EXPECT_EQ(2, run_face("", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(2, run_face("--bogus x.jpg", out, sizeof(out), err, sizeof(err)));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(0, system(cmd));
}

/* skimage ships a deliberately truncated JPEG. */
TEST(skimage_truncated_jpeg)
{
	static char out[65536], err[4096];

	if (access(SKIMAGE_DATA "truncated.jpg", R_OK))
		SKIP(return, "python3-skimage is not installed");
	EXPECT_EQ(2, run_face(SKIMAGE_DATA "truncated.jpg", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(1, count_lines(err));
}

TEST(astronaut_text_json_and_crop)
{
	static char out[65536], err[4096];
	char args[512], crop[] = "/tmp/biounit-test-face-crop-XXXXXX";
	struct biounit_image *img = NULL;
	int fd;

	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	EXPECT_EQ(1, run_face(ASTRONAUT, out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(out, "NOT COMPLIANT"));
	EXPECT_NE(NULL, strstr(out, "Keep your mouth closed."));
	EXPECT_NE(NULL, strstr(out, "Houd uw mond dicht."));

	EXPECT_EQ(1, run_face(ASTRONAUT " --json", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(0, strncmp(out, "{\"schema\":\"biounit.face.v1\"", 27));
	EXPECT_NE(NULL, strstr(out, "\"compliant\":false"));
	EXPECT_NE(NULL, strstr(out, "{\"id\":\"mouth_closed\",\"status\":\"fail\""));
	EXPECT_NE(NULL, strstr(out, "{\"id\":\"one_face\",\"status\":\"pass\""));
	EXPECT_EQ(1, count_lines(out));

	fd = mkstemp(crop);
	ASSERT_GE(fd, 0) {
		TH_LOG("mkstemp");
	}
	close(fd);
	snprintf(args, sizeof(args), "%s --crop %s", ASTRONAUT, crop);
	EXPECT_EQ(1, run_face(args, out, sizeof(out), err, sizeof(err)));
	ASSERT_EQ(0, biounit_image_load(crop, &img));
	EXPECT_EQ(413, biounit_image_get_view(img).width);
	EXPECT_EQ(531, biounit_image_get_view(img).height);
	biounit_image_free(img);
	unlink(crop);
}

/*
 * A landmark cache with a sound header and a split index far out of range
 * (issue 18): biounit-quality face used to map it and die of SIGSEGV (and
 * biounitd with it, on every restart). Now it says why on stderr, reads the
 * model instead and answers as with a sound cache.
 */
TEST(damaged_cache_is_refused_not_crashed_on)
{
	static char out[65536], err[4096], out_ref[65536];
	char dir[] = "/tmp/biounit-test-face-cli-c-XXXXXX", evil[128], args[512], cmd[512];

	if (!test_face_have_data())
		SKIP(return, "needs libdlib-data, opencv-data and python3-skimage");
	ASSERT_EQ(1, run_face(ASTRONAUT " --json", out_ref, sizeof(out_ref), err, sizeof(err)));
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(evil, sizeof(evil), "%s/evil.cache", dir);
	ASSERT_EQ(0, test_face_cache_damaged_copy(evil));

	snprintf(args, sizeof(args), "%s --json --cache %s", ASTRONAUT, evil);
	EXPECT_EQ(1, run_face(args, out, sizeof(out), err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ(out_ref, out);
	EXPECT_NE(NULL, strstr(err, "warning: landmark cache")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "malformed: a split index is not a feature")) TH_LOG("%s", err);
	EXPECT_EQ(1, count_lines(err));
	/* rebuilt: quiet the next time */
	EXPECT_EQ(1, run_face(args, out, sizeof(out), err, sizeof(err)));
	EXPECT_STREQ("", err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
