/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIXTURE(tmpdir) for kselftest_harness.h tests: a private temporary
 * directory per test (self->dir), removed with what is in it afterwards;
 * self->path is room for a file name under it. Include after the harness.
 */
#ifndef BIOUNIT_TEST_TMPDIR_FIXTURE_H
#define BIOUNIT_TEST_TMPDIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FIXTURE(tmpdir) {
	char dir[64];
	char path[192];
};

FIXTURE_SETUP(tmpdir)
{
	strcpy(self->dir, "/tmp/biounit-test-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(tmpdir)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

#endif
