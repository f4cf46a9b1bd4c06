// SPDX-License-Identifier: GPL-2.0
/*
 * cpuwrap: runs a command and prints the wall time and the whole system's CPU time (all CPUs,
 * all tasks including kernel threads, from /proc/schedstat) it took:
 *
 *   cpuwrap TAG [-o FILE] CMD [ARG...]      -> "CPU TAG wall_ns=N cpu_ns=N rc=N"
 *
 * -o FILE sends the command's stdout and stderr to FILE. Exit status: the command's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_common.h"

int main(int argc, char **argv)
{
	const char *tag, *out = NULL;
	uint64_t t0, c0, t1, c1;
	int argi = 2, status, rc;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: cpuwrap TAG [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	tag = argv[1];
	if (!strcmp(argv[2], "-o")) {
		if (argc < 5) {
			fprintf(stderr, "cpuwrap: -o FILE CMD\n");
			return 2;
		}
		out = argv[3];
		argi = 4;
	}
	fflush(stdout);
	t0 = bench_now_ns();
	c0 = bench_system_cpu_ns();
	pid = fork();
	if (pid < 0) {
		perror("cpuwrap: fork");
		return 2;
	}
	if (!pid) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
				perror(out);
				_exit(127);
			}
			close(fd);
		}
		execvp(argv[argi], argv + argi);
		perror(argv[argi]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("cpuwrap: waitpid");
		return 2;
	}
	c1 = bench_system_cpu_ns();
	t1 = bench_now_ns();
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("CPU %s wall_ns=%llu cpu_ns=%llu rc=%d\n", tag, (unsigned long long)(t1 - t0),
	       (unsigned long long)(c1 - c0), rc);
	return rc;
}
