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
	const char *what;	/* what it does, for --help (docs/man/biounit-quality.1) */
};

static const struct command commands[] = {
	{ "face", biounit_quality_face_main,
	  "face FILE [--json] [--crop OUT.jpg] [--cache PATH | --no-cache] [--timing]",
	  "check a photo (JPEG, PNG, PGM/PPM) against the passport photo rules;\n"
	  "--crop writes the 35:45 document crop, --cache names the landmark-model\n"
	  "cache (--no-cache: none), --timing prints times on stderr; exit 0 compliant" },
	{ "finger", biounit_quality_finger_main,
	  "finger FILE [--ppi N] [--threshold N] [--json]",
	  "score a fingerprint image (PNG, PGM, JPEG; --ppi 250..1000, default 500)\n"
	  "0..100 with advice in Dutch and English; exit 0 if the score reaches\n"
	  "--threshold (0..100, default 30)" },
	{ "signature", biounit_quality_signature_main,
	  "signature FILE [--render OUT.png] [--size WxH] [--json]",
	  "check a pen-sample file (docs/signature.md) and print its problems in\n"
	  "Dutch and English; --render writes the ink as a PNG of --size (default\n"
	  "1181x354); exit 0 when no check fails" },
};

/* @text's lines, each indented by @indent spaces */
static void indented(FILE *f, const char *text, int indent)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int n = nl ? (int)(nl - text) : (int)strlen(text);

		fprintf(f, "%*s%.*s\n", indent, "", n, text);
		text += n + (nl != NULL);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: biounit-quality COMMAND FILE [OPTIONS]\n"
		   "       biounit-quality --help | --version\n"
		   "Check a biometric sample before it goes on a document.\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(f, "  %s\n", commands[i].usage);
		indented(f, commands[i].what, 6);
	}
	fprintf(f, "  --json: the result as one JSON line on stdout; COMMAND --help: its usage\n"
		   "exit status: 0 meets the requirements, 1 does not, 2 error\n"
		   "See biounit-quality(1).\n");
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
