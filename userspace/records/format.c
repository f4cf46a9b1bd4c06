// SPDX-License-Identifier: GPL-2.0
/* The record families behind struct biounit_record_format. Today one: ISO/IEC
 * 19794-4/-5 in their 2005 editions. An ISO/IEC 39794 family is a second
 * constant table here and its own files; the session code does not change. */
#include <stdlib.h>
#include <string.h>

#include "records_internal.h"

static const struct biounit_record_format iso19794_2005 = {
	.name = BIOUNIT_RECORDS_ISO19794_2005,
	.title = "ISO/IEC 19794-5:2005 face (JPEG 2000), ISO/IEC 19794-4:2005 finger (WSQ), "
		 "displayed signature (JPEG) with pen samples",
	.face_record_format = "iso19794-5:2005",
	.finger_record_format = "iso19794-4:2005+wsq",
	.image_format = "image/jpeg",
	.pen_samples_format = "biounit-pen-samples",
	.encode_face = rec_iso19794_5_encode,
	.parse_face = rec_iso19794_5_parse,
	.encode_finger = rec_iso19794_4_encode,
	.parse_finger = rec_iso19794_4_parse,
	.encode_signature = rec_signature_encode,
	.parse_signature = rec_signature_parse,
};

static const struct biounit_record_format *const record_families[] = {
	&iso19794_2005,
};

const struct biounit_record_format *biounit_record_format_iso19794(void)
{
	return &iso19794_2005;
}

const struct biounit_record_format *biounit_record_format_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(record_families) / sizeof(record_families[0]); i++)
		if (!strcmp(record_families[i]->name, name))
			return record_families[i];
	return NULL;
}

void biounit_face_record_out_free(struct biounit_face_record_out *out)
{
	if (!out)
		return;
	biounit_blob_free(&out->record);
	biounit_blob_free(&out->card_jpeg);
}

void biounit_signature_record_out_free(struct biounit_signature_record_out *out)
{
	if (!out)
		return;
	biounit_blob_free(&out->image_jpeg);
	biounit_blob_free(&out->pen_samples);
}

void biounit_signature_record_release(struct biounit_signature_record *r)
{
	if (!r)
		return;
	biounit_signature_free(r->signature);
	r->signature = NULL;
}
