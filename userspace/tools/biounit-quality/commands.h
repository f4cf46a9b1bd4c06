/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sub-commands of biounit-quality; each gets argv from its own name on
 * (argv[0] = "face", "finger", ...) and returns the process exit status:
 * 0 the sample meets the requirements, 1 it does not, 2 error (one line on
 * stderr saying why).
 */
#ifndef BIOUNIT_QUALITY_COMMANDS_H
#define BIOUNIT_QUALITY_COMMANDS_H

/* biounit-quality face FILE [--json] [--crop OUT.jpg]: 0 compliant, 1 not, 2 error. */
int biounit_quality_face_main(int argc, char **argv);
/* biounit-quality finger FILE [--ppi N] [--threshold N] [--json] */
int biounit_quality_finger_main(int argc, char **argv);
/* biounit-quality signature FILE [--render OUT.png] [--size WxH] [--json] */
int biounit_quality_signature_main(int argc, char **argv);

#endif
