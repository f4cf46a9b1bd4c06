// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated units appear and disappear at run time: one, four, with and
 * without channels, with a broken description, and removed while open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "bu_sim.h"

TEST(one_unit_appears_and_goes)
{
	const char *const setup[] = { "model=IND-BU1", "serial=SN0001", NULL };
	struct biounit_caps caps = { 0 };
	struct bu_unit u;
	struct stat st;
	char buf[128];
	int fd;

	ASSERT_EQ(0, bu_unit_create(&u, "one", setup));
	ASSERT_EQ(0, stat(u.dev, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));

	ASSERT_EQ(0, bu_sysfs_read(u.node, "model", buf, sizeof(buf)));
	EXPECT_STREQ("IND-BU1\n", buf);
	ASSERT_EQ(0, bu_sysfs_read(u.node, "serial", buf, sizeof(buf)));
	EXPECT_STREQ("SN0001\n", buf);
	ASSERT_EQ(0, bu_sysfs_read(u.node, "channels", buf, sizeof(buf)));
	EXPECT_STREQ("face finger signature\n", buf);

	fd = open(u.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps));
	EXPECT_EQ(BIOUNIT_API_VERSION, caps.api_version);
	EXPECT_EQ(0x7u, caps.channels);
	EXPECT_STREQ("IND-BU1", (char *)caps.model);
	EXPECT_STREQ("SN0001", (char *)caps.serial);
	EXPECT_STREQ("biounit", (char *)caps.driver);
	close(fd);

	/* set-up is frozen while live */
	EXPECT_EQ(-EBUSY, bu_attr_write("one", "model", "other"));
	EXPECT_EQ(-EBUSY, bu_attr_write("one", "face/max_width", "1920"));

	ASSERT_EQ(0, bu_unit_destroy(&u));
	EXPECT_EQ(-1, stat(u.dev, &st));
	EXPECT_EQ(ENOENT, errno);
}

TEST(four_units)
{
	struct bu_unit u[4];
	char name[16];
	int i, j;

	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "four%d", i);
		ASSERT_EQ(0, bu_unit_create(&u[i], name, NULL));
	}
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			EXPECT_STRNE(u[i].dev, u[j].dev);
	for (i = 0; i < 4; i++) {
		int fd = open(u[i].dev, O_RDWR);

		ASSERT_GE(fd, 0);
		close(fd);
	}
	/* remove in another order than made */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, bu_unit_destroy(&u[(i * 3) % 4]));
	for (i = 0; i < 4; i++)
		EXPECT_NE(0, access(u[i].dev, F_OK));
}

TEST(live_again_after_offline)
{
	struct bu_unit u;

	ASSERT_EQ(0, bu_unit_create(&u, "again", NULL));
	ASSERT_EQ(0, bu_attr_write("again", "live", "0"));
	EXPECT_NE(0, access(u.dev, F_OK));
	ASSERT_EQ(0, bu_attr_write("again", "face/max_width", "1920"));
	ASSERT_EQ(0, bu_attr_write("again", "face/max_height", "1080"));
	ASSERT_EQ(0, bu_attr_write("again", "live", "1"));
	ASSERT_EQ(0, bu_unit_destroy(&u));
}

TEST(unit_without_finger_scanner)
{
	const char *const setup[] = { "finger/present=0", NULL };
	struct biounit_channel_info info = { .channel = BIOUNIT_CH_FINGER };
	struct biounit_caps caps = { 0 };
	struct bu_unit u;
	char buf[64];
	int fd;

	ASSERT_EQ(0, bu_unit_create(&u, "nofinger", setup));
	ASSERT_EQ(0, bu_sysfs_read(u.node, "channels", buf, sizeof(buf)));
	EXPECT_STREQ("face signature\n", buf);
	fd = open(u.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps));
	EXPECT_EQ((1u << BIOUNIT_CH_FACE) | (1u << BIOUNIT_CH_SIGNATURE), caps.channels);
	EXPECT_EQ(-1, ioctl(fd, BIOUNIT_IOC_CHANNEL_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	ASSERT_EQ(0, bu_unit_destroy(&u));
}

TEST(broken_description_fails_probe)
{
	const char *const small[] = { "face/max_width=320", NULL };
	const char *const none[] = { "face/present=0", "finger/present=0",
				     "signature/present=0", NULL };
	const char *const slow[] = { "face/min_interval_us=500", NULL };
	struct bu_unit u;
	char buf[32];

	EXPECT_EQ(-ENXIO, bu_unit_create(&u, "broken1", small));
	ASSERT_EQ(0, bu_attr_read("broken1", "live", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	EXPECT_EQ(0, rmdir(BU_SIM_ROOT "/broken1"));

	EXPECT_EQ(-ENXIO, bu_unit_create(&u, "broken2", none));
	EXPECT_EQ(0, rmdir(BU_SIM_ROOT "/broken2"));

	EXPECT_EQ(-ENXIO, bu_unit_create(&u, "broken3", slow));
	EXPECT_EQ(0, rmdir(BU_SIM_ROOT "/broken3"));
}

TEST(bad_configfs_values)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/badvals", BU_SIM_ROOT);
	ASSERT_EQ(0, mkdir(path, 0755));
	EXPECT_EQ(-ERANGE, bu_attr_write("badvals", "face/present", "2"));
	EXPECT_EQ(-EINVAL, bu_attr_write("badvals", "face/max_width", "wide"));
	EXPECT_EQ(-EINVAL, bu_attr_write("badvals", "live", "maybe"));
	EXPECT_EQ(-EINVAL, bu_attr_write("badvals", "model",
					 "a model name far longer than thirty-two bytes"));
	EXPECT_EQ(0, rmdir(path));
}

TEST(removed_while_open)
{
	struct biounit_caps caps;
	struct bu_unit u;
	int fd;

	ASSERT_EQ(0, bu_unit_create(&u, "gone", NULL));
	fd = open(u.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bu_unit_destroy(&u));
	EXPECT_EQ(-1, ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, close(fd));
}

TEST(rmdir_of_live_unit)
{
	struct bu_unit u;
	char path[128];

	ASSERT_EQ(0, bu_unit_create(&u, "rmlive", NULL));
	snprintf(path, sizeof(path), "%s/rmlive", BU_SIM_ROOT);
	ASSERT_EQ(0, rmdir(path));
	EXPECT_NE(0, access(u.dev, F_OK));
}

/* The driver core lets go of a unit whose backend is unbound through sysfs */
TEST(unbind_and_bind_while_streaming)
{
	struct biounit_requestbuffers r = { .channel = 0, .count = 2,
		.memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_stream s = { .channel = 0 };
	struct biounit_buffer b = { .channel = 0, .memory = BIOUNIT_MEMORY_MMAP };
	struct biounit_caps caps = { 0 };
	char bus[64], node[32];
	struct bu_unit u;
	int fd, bfd;

	ASSERT_EQ(0, bu_unit_create(&u, "unbind", NULL));
	fd = open(u.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps));
	snprintf(bus, sizeof(bus), "%s", (char *)caps.bus_info);
	ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_REQBUFS, &r));
	for (b.index = 0; b.index < 2; b.index++)
		ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_QBUF, &b));
	ASSERT_EQ(0, ioctl(fd, BIOUNIT_IOC_STREAMON, &s));

	bfd = open("/sys/bus/platform/drivers/biounit-sim/unbind", O_WRONLY);
	ASSERT_GE(bfd, 0);
	ASSERT_EQ((ssize_t)strlen(bus), write(bfd, bus, strlen(bus)));
	close(bfd);
	EXPECT_NE(0, access(u.dev, F_OK));
	EXPECT_EQ(-1, ioctl(fd, BIOUNIT_IOC_DQBUF, &b));
	EXPECT_EQ(ENODEV, errno);
	close(fd);

	bfd = open("/sys/bus/platform/drivers/biounit-sim/bind", O_WRONLY);
	ASSERT_GE(bfd, 0);
	ASSERT_EQ((ssize_t)strlen(bus), write(bfd, bus, strlen(bus)));
	close(bfd);
	ASSERT_EQ(0, bu_attr_read("unbind", "dev_name", node, sizeof(node)));
	snprintf(u.dev, sizeof(u.dev), "/dev/%s", node);
	fd = open(u.dev, O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, ioctl(fd, BIOUNIT_IOC_QUERYCAP, &caps));
	close(fd);
	ASSERT_EQ(0, bu_unit_destroy(&u));
}

TEST_HARNESS_MAIN
