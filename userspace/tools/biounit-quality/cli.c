// SPDX-License-Identifier: GPL-2.0
/* Helpers the biounit-quality sub-commands share; see cli.h. */
#include <errno.h>
#include <string.h>

#include "cli.h"

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

const char *cli_load_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such file";
	case -EINVAL:
		return "not an image, or a corrupt or truncated one";
	case -EFBIG:
		return "image too large";
	case -ENOMEM:
		return "out of memory";
	case -EISDIR:
		return "is a directory";
	default:
		return strerror(-err);
	}
}
