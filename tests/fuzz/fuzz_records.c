// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the record readers (issue 9): the ISO/IEC 19794-5 face
 * and 19794-4 finger readers and the signature reader of the record-format
 * interface must return 0 or a negative errno for any input, never crash or
 * read out of bounds. The first byte picks the reader; for the signature the
 * rest is split in two (the JPEG image and the pen samples).
 *
 * Seeds: tests/fuzz/corpus/records/ (records our writers made).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "records/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct biounit_record_format *fmt = biounit_record_format_iso19794();
	struct biounit_signature_record sig;
	struct biounit_finger_record finger;
	struct biounit_face_record face;
	size_t half;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		memset(&face, 0, sizeof(face));
		fmt->parse_face(data + 1, size - 1, &face);
		break;
	case 1:
		memset(&finger, 0, sizeof(finger));
		fmt->parse_finger(data + 1, size - 1, &finger);
		break;
	default:
		memset(&sig, 0, sizeof(sig));
		half = (size - 1) / 2;
		if (!fmt->parse_signature(data + 1, half, data + 1 + half, size - 1 - half, &sig))
			biounit_signature_record_release(&sig);
		break;
	}
	return 0;
}
