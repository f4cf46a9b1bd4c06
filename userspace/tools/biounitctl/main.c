// SPDX-License-Identifier: GPL-2.0
/*
 * biounitctl: the operator's tool (docs/man/biounitctl.1; `biounitctl --help'
 * lists every command):
 *   biounitctl list          the units present and their state
 *   biounitctl info UNIT     one unit (biounitN, /dev/biounitN or a serial):
 *                            channels, formats, sizes, controls
 *   biounitctl session ...   biounitd's sessions (session.c)
 *   biounitctl outbox ...    the hand-off outbox (outbox.c)
 * Exit status: 0 done, 1 failed (no such unit...), 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <biounit/biounit.h>

static const char *const chan_names[BIOUNIT_CH_COUNT] = { "face", "finger", "signature" };

static void print_channels(uint32_t mask)
{
	const char *sep = "";
	unsigned int ch;

	for (ch = 0; ch < BIOUNIT_CH_COUNT; ch++) {
		if (mask & (1u << ch)) {
			printf("%s%s", sep, chan_names[ch]);
			sep = ",";
		}
	}
	if (!*sep)
		printf("-");
}

static int cmd_list(void)
{
	struct biounit_unit_list *list;
	size_t i, n;
	int r;

	r = biounit_enumerate(&list);
	if (r) {
		fprintf(stderr, "biounitctl: cannot list units: %s\n", strerror(-r));
		return 1;
	}
	n = biounit_unit_list_count(list);
	printf("%-10s %-14s %-12s %-20s %-16s %-4s %s\n",
	       "UNIT", "NODE", "STATE", "MODEL", "SERIAL", "API", "CHANNELS");
	for (i = 0; i < n; i++) {
		const struct biounit_unit_info *u = biounit_unit_list_get(list, i);
		uint32_t v = biounit_unit_info_get_api_version(u);
		enum biounit_state st = biounit_unit_info_get_state(u);
		char state[48];

		if (st == BIOUNIT_STATE_ERROR)
			snprintf(state, sizeof(state), "error (%s)",
				 strerror(-biounit_unit_info_get_error(u)));
		else
			snprintf(state, sizeof(state), "%s", biounit_state_name(st));
		printf("%-10s %-14s %-12s %-20s %-16s %u.%-2u ",
		       biounit_unit_info_get_name(u), biounit_unit_info_get_node(u), state,
		       *biounit_unit_info_get_model(u) ? biounit_unit_info_get_model(u) : "-",
		       *biounit_unit_info_get_serial(u) ? biounit_unit_info_get_serial(u) : "-",
		       v >> 16, v & 0xffff);
		print_channels(biounit_unit_info_get_channels(u));
		printf("\n");
	}
	printf("%zu unit%s\n", n, n == 1 ? "" : "s");
	biounit_unit_list_free(list);
	return 0;
}

static void fourcc(uint32_t f, char out[5])
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		char c = (char)((f >> (8 * i)) & 0xff);

		out[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	out[4] = '\0';
}

static int open_unit(const char *arg, struct biounit_unit **u)
{
	char node[64];
	int r;

	if (!strncmp(arg, "/", 1))
		return biounit_unit_open(arg, u);
	if (!strncmp(arg, "biounit", 7)) {
		snprintf(node, sizeof(node), "/dev/%s", arg);
		r = biounit_unit_open(node, u);
		if (r != -ENOENT)
			return r;
	}
	return biounit_unit_open_by_serial(arg, u);
}

static int cmd_info(const char *arg)
{
	const struct biounit_caps *caps;
	struct biounit_ctrl_info ci;
	struct biounit_unit *u;
	unsigned int ch, i, j;
	int r;

	r = open_unit(arg, &u);
	if (r) {
		fprintf(stderr, "biounitctl: %s: %s\n", arg,
			r == -ENOENT ? "no such unit" : strerror(-r));
		return 1;
	}
	caps = biounit_unit_get_caps(u);
	printf("node:         %s\n", biounit_unit_get_node(u));
	printf("state:        %s\n", biounit_state_name(biounit_unit_get_state(u)));
	printf("model:        %s\n", caps->model);
	printf("serial:       %s\n", caps->serial);
	printf("bus:          %s\n", caps->bus_info);
	printf("driver:       %s, API %u.%u, capabilities 0x%x\n", caps->driver,
	       caps->api_version >> 16, caps->api_version & 0xffff, caps->capabilities);
	printf("channels:     ");
	print_channels(caps->channels);
	printf("\n");

	for (ch = 0; ch < BIOUNIT_CH_COUNT; ch++) {
		struct biounit_channel_info info;
		struct biounit_format cur;
		struct biounit_fmtdesc d;
		char cc[5];

		if (!(caps->channels & (1u << ch)))
			continue;
		if (biounit_unit_channel_info(u, ch, &info))
			continue;
		printf("channel %u:    %s (%s)", ch, info.name, chan_names[ch]);
		if (info.resolution_ppi)
			printf(", %u ppi", info.resolution_ppi);
		if (info.pad_width)
			printf(", pad %ux%u, pressure 0..%u", info.pad_width,
			       info.pad_height, info.pressure_max);
		printf(", interval %u..%u us, up to %u buffers\n",
		       info.min_interval_us, info.max_interval_us, info.max_buffers);
		if (!biounit_unit_get_format(u, ch, &cur)) {
			fourcc(cur.pixelformat, cc);
			printf("  format:     %s %ux%u, %u us, %u bytes\n", cc, cur.width,
			       cur.height, cur.interval_us, cur.sizeimage);
		}
		for (i = 0; !biounit_unit_enum_format(u, ch, i, &d); i++) {
			struct biounit_frmsize fs;

			fourcc(d.pixelformat, cc);
			printf("  %s %-28s", cc, d.description);
			for (j = 0; !biounit_unit_enum_framesize(u, ch, d.pixelformat, j, &fs); j++)
				printf(" %ux%u%s", fs.width, fs.height,
				       fs.flags & BIOUNIT_FRMSIZE_STILL ? "(still)" : "");
			printf("\n");
		}
	}
	printf("controls:\n");
	for (i = 0; !biounit_unit_enum_control(u, i, &ci); i++) {
		int64_t v = 0;

		biounit_unit_get_control(u, ci.id, &v);
		printf("  0x%04x %-26s %-9s %" PRId64 " (%" PRId64 "..%" PRId64 " step %" PRId64
		       ", default %" PRId64 ")\n", ci.id, ci.name,
		       ci.channel < BIOUNIT_CH_COUNT ? chan_names[ci.channel] : "unit",
		       v, (int64_t)ci.minimum, (int64_t)ci.maximum, (int64_t)ci.step,
		       (int64_t)ci.default_value);
	}
	biounit_unit_close(u);
	return 0;
}

/* session.c: biounitctl session ... (biounitd's sessions) */
int cmd_session(int argc, char **argv);
/* ... and its commands, one line each, for the help */
void session_usage(FILE *f);
/* outbox.c: biounitctl outbox ... (the hand-off outbox); -1 for a usage error */
int cmd_outbox(int argc, char **argv);
void outbox_usage(FILE *f);

/* Every command with what it does; docs/man/biounitctl.1 says the same at more length */
static int usage(FILE *f)
{
	fprintf(f, "usage: biounitctl COMMAND [ARGUMENTS]\n"
		   "The operator's tool: the biometrics units, biounitd's desk sessions, the outbox.\n"
		   "\n"
		   "Units (through libbiounit):\n"
		   "  list                 the units present: node, serial, model, channels, state\n"
		   "  info UNIT            one unit (biounitN, /dev/biounitN or a serial number):\n"
		   "                       its channels with their formats, sizes and controls\n"
		   "\n");
	session_usage(f);
	fprintf(f, "\n");
	outbox_usage(f);
	fprintf(f, "\n"
		   "  -h, --help           this text; `session --help', `outbox --help': their part\n"
		   "Exit status: 0 done, 1 refused or failed, 2 usage. Nothing biometric is printed.\n"
		   "See biounitctl(1).\n");
	return 2;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int main(int argc, char **argv)
{
	if (argc == 3 && is_help(argv[2]) && !strcmp(argv[1], "session")) {
		session_usage(stdout);
		return 0;
	}
	if (argc == 3 && is_help(argv[2]) && !strcmp(argv[1], "outbox")) {
		outbox_usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list"))
		return cmd_list();
	if (argc == 3 && !strcmp(argv[1], "info"))
		return cmd_info(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "session"))
		return cmd_session(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "outbox")) {
		int r = cmd_outbox(argc - 2, argv + 2);

		return r < 0 ? usage(stderr) : r;
	}
	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	return usage(stderr);
}
