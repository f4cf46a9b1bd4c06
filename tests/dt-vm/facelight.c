// SPDX-License-Identifier: GPL-2.0
/*
 * Runs in the arm64 VM of scripts/check-dt-vm.sh (static, cross-built):
 *   facelight LED-BRIGHTNESS-FILE
 * queues two buffers on the face channel of /dev/biounit0 and prints the
 * LED's brightness before STREAMON, while streaming and after STREAMOFF:
 * "0 1 0" when the core lights the face light for face streaming only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/biounit.h>

static int brightness(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct biounit_requestbuffers req = {
		.channel = BIOUNIT_CH_FACE,
		.count = 2,
		.memory = BIOUNIT_MEMORY_MMAP,
	};
	struct biounit_stream st = { .channel = BIOUNIT_CH_FACE };
	int fd, before, during, after;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: facelight LED-BRIGHTNESS-FILE\n");
		return 2;
	}
	fd = open("/dev/biounit0", O_RDWR);
	if (fd < 0 || ioctl(fd, BIOUNIT_IOC_REQBUFS, &req)) {
		perror("/dev/biounit0: REQBUFS");
		return 1;
	}
	for (i = 0; i < req.count; i++) {
		struct biounit_buffer b = {
			.channel = BIOUNIT_CH_FACE,
			.index = i,
			.memory = BIOUNIT_MEMORY_MMAP,
		};

		if (ioctl(fd, BIOUNIT_IOC_QBUF, &b)) {
			perror("QBUF");
			return 1;
		}
	}
	before = brightness(argv[1]);
	if (ioctl(fd, BIOUNIT_IOC_STREAMON, &st)) {
		perror("STREAMON");
		return 1;
	}
	during = brightness(argv[1]);
	if (ioctl(fd, BIOUNIT_IOC_STREAMOFF, &st)) {
		perror("STREAMOFF");
		return 1;
	}
	after = brightness(argv[1]);
	printf("%d %d %d\n", before, during, after);
	close(fd);
	return 0;
}
