// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-quality - check a biometric sample before it goes on a document.
 *
 *   biounit-quality face|finger|signature ARGS...
 *   biounit-quality --help | --version
 *
 * Exit status: 0 the sample meets the requirements, 1 it does not, 2 error.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"

#define BIOUNIT_QUALITY_VERSION "0.1"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "face", biounit_quality_face_main, "face FILE [--json] [--crop OUT.jpg]" },
	{ "finger", biounit_quality_finger_main,
	  "finger FILE [--ppi N] [--threshold N] [--json]" },
	{ "signature", biounit_quality_signature_main,
	  "signature FILE [--render OUT.png] [--size WxH] [--json]" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: biounit-quality COMMAND ARGS...\n"
		   "       biounit-quality --help | --version\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "exit status: 0 meets the requirements, 1 does not, 2 error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("biounit-quality %s\n", BIOUNIT_QUALITY_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "biounit-quality: unknown command '%s' (try --help)\n", argv[1]);
	return 2;
}
