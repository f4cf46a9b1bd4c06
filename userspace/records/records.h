/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit records: the standard biometric records card production reads, and a
 * strict reader for each record we write.
 *
 * - Face: ISO/IEC 19794-5:2005 face image record, one full frontal image as a
 *   JPEG 2000 codestream sized by rate control to a byte target (the chip's
 *   profile), plus the full-quality portrait as JPEG for the printed card.
 * - Fingerprints: ISO/IEC 19794-4:2005 finger image record, 500 ppi, each view
 *   compressed as WSQ (wsq/wsq.h).
 * - Signature: the rendered signature as JPEG (what the displayed-signature
 *   data group holds) plus the pen samples in our own small binary format.
 *
 * The encoders and readers sit behind struct biounit_record_format, one table
 * per family of standards (today ISO/IEC 19794:2005), so that the session code
 * can move to ISO/IEC 39794 by choosing another table. Byte layouts and sources
 * are in docs/records.md.
 *
 * All functions returning int return 0 on success or a negative errno:
 * -EINVAL for a bad argument, -EBADMSG for a malformed, truncated or
 * inconsistent record, -ENOTSUP for a well-formed record beyond what the
 * parsed structures hold, -ERANGE when a byte target cannot be met, -ENOMEM.
 * No global mutable state; every function may be called from several threads.
 */
#ifndef BIOUNIT_RECORDS_H
#define BIOUNIT_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "face/face.h"
#include <biounit/image.h>
#include "signature/signature.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An encoded record or image that the caller owns; free with biounit_blob_free(). */
struct biounit_blob {
	uint8_t *data;
	size_t len;
};

/** biounit_blob_free() - Free @b's bytes and zero it; NULL is allowed. */
void biounit_blob_free(struct biounit_blob *b);

/* ------------------------------------------------------------------ face */

/* Codes of ISO/IEC 19794-5:2005: facial information and image information blocks. */
enum biounit_face_gender {
	BIOUNIT_FACE_GENDER_UNSPECIFIED = 0x00,
	BIOUNIT_FACE_GENDER_MALE = 0x01,
	BIOUNIT_FACE_GENDER_FEMALE = 0x02,
	BIOUNIT_FACE_GENDER_UNKNOWN = 0xff,
};

enum biounit_face_eye_colour {
	BIOUNIT_FACE_EYES_UNSPECIFIED = 0x00,
	BIOUNIT_FACE_EYES_BLACK = 0x01,
	BIOUNIT_FACE_EYES_BLUE = 0x02,
	BIOUNIT_FACE_EYES_BROWN = 0x03,
	BIOUNIT_FACE_EYES_GREY = 0x04,
	BIOUNIT_FACE_EYES_GREEN = 0x05,
	BIOUNIT_FACE_EYES_MULTI = 0x06,
	BIOUNIT_FACE_EYES_PINK = 0x07,
	BIOUNIT_FACE_EYES_UNKNOWN = 0xff,
};

enum biounit_face_hair_colour {
	BIOUNIT_FACE_HAIR_UNSPECIFIED = 0x00,
	BIOUNIT_FACE_HAIR_BALD = 0x01,
	BIOUNIT_FACE_HAIR_BLACK = 0x02,
	BIOUNIT_FACE_HAIR_BLONDE = 0x03,
	BIOUNIT_FACE_HAIR_BROWN = 0x04,
	BIOUNIT_FACE_HAIR_GREY = 0x05,
	BIOUNIT_FACE_HAIR_WHITE = 0x06,
	BIOUNIT_FACE_HAIR_RED = 0x07,
	BIOUNIT_FACE_HAIR_UNKNOWN = 0xff,
};

/** Feature mask bits (24-bit field). Bit 0 says the other bits were considered. */
enum biounit_face_feature {
	BIOUNIT_FACE_FEATURES_SPECIFIED = 1u << 0,
	BIOUNIT_FACE_FEATURE_GLASSES = 1u << 1,
	BIOUNIT_FACE_FEATURE_MOUSTACHE = 1u << 2,
	BIOUNIT_FACE_FEATURE_BEARD = 1u << 3,
	BIOUNIT_FACE_FEATURE_TEETH_VISIBLE = 1u << 4,
	BIOUNIT_FACE_FEATURE_BLINK = 1u << 5,
	BIOUNIT_FACE_FEATURE_MOUTH_OPEN = 1u << 6,
	BIOUNIT_FACE_FEATURE_LEFT_EYE_PATCH = 1u << 7,
	BIOUNIT_FACE_FEATURE_RIGHT_EYE_PATCH = 1u << 8,
	BIOUNIT_FACE_FEATURE_DARK_GLASSES = 1u << 9,
	BIOUNIT_FACE_FEATURE_MEDICAL = 1u << 10,	/* distorting medical condition */
};
#define BIOUNIT_FACE_FEATURE_ALL 0x7ffu

enum biounit_face_expression {
	BIOUNIT_FACE_EXPR_UNSPECIFIED = 0,
	BIOUNIT_FACE_EXPR_NEUTRAL = 1,
	BIOUNIT_FACE_EXPR_SMILE_CLOSED = 2,
	BIOUNIT_FACE_EXPR_SMILE_OPEN = 3,
	BIOUNIT_FACE_EXPR_RAISED_EYEBROWS = 4,
	BIOUNIT_FACE_EXPR_LOOKING_AWAY = 5,
	BIOUNIT_FACE_EXPR_SQUINTING = 6,
	BIOUNIT_FACE_EXPR_FROWNING = 7,
};

enum biounit_face_image_type {
	BIOUNIT_FACE_IMAGE_BASIC = 0,
	BIOUNIT_FACE_IMAGE_FULL_FRONTAL = 1,
	BIOUNIT_FACE_IMAGE_TOKEN_FRONTAL = 2,
};

enum biounit_face_data_type {
	BIOUNIT_FACE_DATA_JPEG = 0,
	BIOUNIT_FACE_DATA_JPEG2000 = 1,
};

enum biounit_face_colour_space {
	BIOUNIT_FACE_CS_UNSPECIFIED = 0,
	BIOUNIT_FACE_CS_RGB24 = 1,
	BIOUNIT_FACE_CS_YUV422 = 2,
	BIOUNIT_FACE_CS_GREY8 = 3,
	BIOUNIT_FACE_CS_OTHER = 4,
};

enum biounit_face_source_type {
	BIOUNIT_FACE_SRC_UNSPECIFIED = 0,
	BIOUNIT_FACE_SRC_PHOTO_UNKNOWN = 1,
	BIOUNIT_FACE_SRC_PHOTO_DIGITAL = 2,	/* digital still camera: the desk unit */
	BIOUNIT_FACE_SRC_PHOTO_SCAN = 3,
	BIOUNIT_FACE_SRC_VIDEO_UNKNOWN = 4,
	BIOUNIT_FACE_SRC_VIDEO_ANALOGUE = 5,
	BIOUNIT_FACE_SRC_VIDEO_DIGITAL = 6,
	BIOUNIT_FACE_SRC_UNKNOWN = 7,
};

/** Feature point type 1: a 2-D point of the MPEG-4 face model (ISO/IEC 14496-2 Annex C). */
#define BIOUNIT_FACE_POINT_TYPE_MPEG4 1u
/** MPEG-4 point code "major.minor" as one byte: major in the high, minor in the low nibble. */
#define BIOUNIT_FACE_POINT_CODE(major, minor) ((uint8_t)(((major) << 4) | (minor)))

/* The points we derive from our 68 landmarks; left and right are the subject's. */
#define BIOUNIT_FACE_PT_CHIN_BOTTOM BIOUNIT_FACE_POINT_CODE(2, 1)
#define BIOUNIT_FACE_PT_LEFT_EYE_OUTER BIOUNIT_FACE_POINT_CODE(3, 7)
#define BIOUNIT_FACE_PT_RIGHT_EYE_OUTER BIOUNIT_FACE_POINT_CODE(3, 8)
#define BIOUNIT_FACE_PT_LEFT_EYE_INNER BIOUNIT_FACE_POINT_CODE(3, 11)
#define BIOUNIT_FACE_PT_RIGHT_EYE_INNER BIOUNIT_FACE_POINT_CODE(3, 12)
#define BIOUNIT_FACE_PT_MOUTH_TOP BIOUNIT_FACE_POINT_CODE(8, 1)
#define BIOUNIT_FACE_PT_MOUTH_BOTTOM BIOUNIT_FACE_POINT_CODE(8, 2)
#define BIOUNIT_FACE_PT_MOUTH_LEFT BIOUNIT_FACE_POINT_CODE(8, 3)
#define BIOUNIT_FACE_PT_MOUTH_RIGHT BIOUNIT_FACE_POINT_CODE(8, 4)
#define BIOUNIT_FACE_PT_NOSE_TIP BIOUNIT_FACE_POINT_CODE(9, 3)
#define BIOUNIT_FACE_PT_LEFT_EYE_CENTRE BIOUNIT_FACE_POINT_CODE(12, 1)
#define BIOUNIT_FACE_PT_RIGHT_EYE_CENTRE BIOUNIT_FACE_POINT_CODE(12, 2)
/** Number of points biounit_face_points_from_landmarks() gives. */
#define BIOUNIT_FACE_LANDMARK_POINTS 12u

/** Most feature points a record we parse may hold (we write at most this many). */
#define BIOUNIT_FACE_RECORD_MAX_POINTS 64u
/** Most facial images a record we parse may hold (we write one). */
#define BIOUNIT_FACE_RECORD_MAX_IMAGES 4u

/** One feature point as stored: pixel position in the encoded image. */
struct biounit_face_feature_point {
	uint8_t type;		/* BIOUNIT_FACE_POINT_TYPE_MPEG4 */
	uint8_t code;		/* BIOUNIT_FACE_POINT_CODE(major, minor) */
	uint16_t x, y;		/* pixels, origin top left */
};

/**
 * Pose angles as stored: 0 = unspecified, otherwise
 * 91 + round(degrees / 2) for -180..+180 degrees, i.e. 1..181 in 2-degree
 * steps. The uncertainty bytes are stored as given (0 = unspecified, at most 181).
 * See biounit_face_pose_encode().
 */
struct biounit_face_pose {
	uint8_t yaw, pitch, roll;
	uint8_t yaw_uncertainty, pitch_uncertainty, roll_uncertainty;
};

/** What a face record says about the face and the capture (all fields as stored). */
struct biounit_face_description {
	uint8_t gender;			/* enum biounit_face_gender */
	uint8_t eye_colour;		/* enum biounit_face_eye_colour */
	uint8_t hair_colour;		/* enum biounit_face_hair_colour */
	uint32_t feature_mask;		/* enum biounit_face_feature bits */
	uint16_t expression;		/* enum biounit_face_expression */
	struct biounit_face_pose pose;
	uint8_t source_type;		/* enum biounit_face_source_type */
	uint16_t device_type;		/* vendor's device code, 0 = unspecified */
	uint16_t quality;		/* 0 = unspecified (the 2005 edition defines no scale) */
};

/** A feature point in portrait pixels, before scaling to the chip image. */
struct biounit_face_landmark_point {
	uint8_t code;			/* BIOUNIT_FACE_POINT_CODE(major, minor) */
	float x, y;
};

/** Defaults of struct biounit_face_record_params. */
#define BIOUNIT_FACE_CHIP_WIDTH 622u
#define BIOUNIT_FACE_CHIP_HEIGHT 800u
#define BIOUNIT_FACE_J2K_TARGET_BYTES (17u * 1024u)
#define BIOUNIT_FACE_J2K_TOLERANCE_PERMILLE 30u
#define BIOUNIT_FACE_CARD_JPEG_QUALITY 95

/** What the face encoder needs. Zero fields take the defaults above. */
struct biounit_face_record_params {
	struct biounit_image_view portrait;	/* the document crop: RGB24 or grey */
	uint32_t chip_width, chip_height;	/* size of the JPEG 2000 image */
	size_t j2k_target_bytes;		/* codestream size to reach, at most */
	unsigned int j2k_tolerance_permille;	/* accepted shortfall below the target */
	int card_jpeg_quality;			/* 1..100, the printed card's JPEG */
	struct biounit_face_description description;
	size_t n_points;			/* at most BIOUNIT_FACE_RECORD_MAX_POINTS */
	const struct biounit_face_landmark_point *points;	/* in portrait pixels */
};

/** How the rate control went. */
struct biounit_j2k_stats {
	size_t target_bytes, bytes;	/* asked and reached codestream size */
	unsigned int passes;		/* encoder runs */
	double ratio;			/* compression ratio of the kept pass */
	double encode_ms;		/* wall time of all passes, resampling included */
};

/** What the face encoder gives: the record, the card JPEG and the J2K figures. */
struct biounit_face_record_out {
	struct biounit_blob record;		/* ISO/IEC 19794-5 record, JPEG 2000 inside */
	struct biounit_blob card_jpeg;		/* the portrait at full size and quality */
	struct biounit_j2k_stats j2k;
};

/** One facial image of a parsed record; @image points into the parsed buffer. */
struct biounit_face_image_record {
	struct biounit_face_description description;
	uint16_t n_points;
	struct biounit_face_feature_point points[BIOUNIT_FACE_RECORD_MAX_POINTS];
	uint8_t image_type;		/* enum biounit_face_image_type */
	uint8_t data_type;		/* enum biounit_face_data_type */
	uint16_t width, height;		/* as the record says; checked against the codestream */
	uint8_t colour_space;		/* enum biounit_face_colour_space; checked likewise */
	uint32_t block_length;		/* facial record data length */
	const uint8_t *image;
	size_t image_len;
};

/** A parsed face record (about 1.8 KiB). */
struct biounit_face_record {
	char version[4];		/* "010" */
	uint32_t record_length;
	uint16_t n_images;
	struct biounit_face_image_record images[BIOUNIT_FACE_RECORD_MAX_IMAGES];
};

/**
 * biounit_face_pose_encode() - A pose angle in degrees as stored.
 * @degrees: -180..+180; NaN gives 0 (unspecified).
 * Return: 1..181, 0 for NaN or out of range.
 */
uint8_t biounit_face_pose_encode(double degrees);

/** biounit_face_pose_decode() - Degrees of a stored angle; NaN for 0 or > 181. */
double biounit_face_pose_decode(uint8_t stored);

/**
 * biounit_face_points_from_landmarks() - The MPEG-4 points we know from our
 * 68 landmarks (dlib order): eye centres, eye corners, nose tip, mouth corners
 * and mid-points, chin.
 * @out: room for BIOUNIT_FACE_LANDMARK_POINTS points.
 * Return: the number of points written (BIOUNIT_FACE_LANDMARK_POINTS).
 */
size_t biounit_face_points_from_landmarks(const struct biounit_face_point lm[BIOUNIT_FACE_LANDMARKS],
					  struct biounit_face_landmark_point *out);

/* ---------------------------------------------------------------- finger */

/** Finger position codes of ISO/IEC 19794-4:2005 (the ANSI/NIST-ITL codes). */
enum biounit_finger_position {
	BIOUNIT_FINGER_UNKNOWN = 0,
	BIOUNIT_FINGER_RIGHT_THUMB = 1,
	BIOUNIT_FINGER_RIGHT_INDEX = 2,
	BIOUNIT_FINGER_RIGHT_MIDDLE = 3,
	BIOUNIT_FINGER_RIGHT_RING = 4,
	BIOUNIT_FINGER_RIGHT_LITTLE = 5,
	BIOUNIT_FINGER_LEFT_THUMB = 6,
	BIOUNIT_FINGER_LEFT_INDEX = 7,
	BIOUNIT_FINGER_LEFT_MIDDLE = 8,
	BIOUNIT_FINGER_LEFT_RING = 9,
	BIOUNIT_FINGER_LEFT_LITTLE = 10,
};

/** Impression types of the finger image header (the reader accepts 0..8). */
enum biounit_finger_impression {
	BIOUNIT_FINGER_LIVE_PLAIN = 0,
	BIOUNIT_FINGER_LIVE_ROLLED = 1,
	BIOUNIT_FINGER_NONLIVE_PLAIN = 2,
	BIOUNIT_FINGER_NONLIVE_ROLLED = 3,
	BIOUNIT_FINGER_SWIPE = 8,
};

/** Image compression algorithm codes of the general header. */
enum biounit_finger_compression {
	BIOUNIT_FINGER_RAW = 0,
	BIOUNIT_FINGER_RAW_PACKED = 1,
	BIOUNIT_FINGER_WSQ = 2,
	BIOUNIT_FINGER_JPEG = 3,
	BIOUNIT_FINGER_JPEG2000 = 4,
	BIOUNIT_FINGER_PNG = 5,
};

/** Scale units of the general header. */
#define BIOUNIT_FINGER_SCALE_PPI 1u
#define BIOUNIT_FINGER_SCALE_PPCM 2u
/** Image acquisition level 31: 500 ppi, 8 bits grey. */
#define BIOUNIT_FINGER_ACQ_LEVEL_31 31u
/** Most finger views a parsed record may hold (the count field is one byte). */
#define BIOUNIT_FINGER_RECORD_MAX_VIEWS 255u

/** One print to encode. */
struct biounit_finger_view_input {
	struct biounit_image_view image;	/* BIOUNIT_PIX_GREY at 500 ppi */
	uint8_t position;			/* enum biounit_finger_position, or 11..15 */
	uint8_t impression;			/* enum biounit_finger_impression */
	uint8_t quality;			/* our score 0..100 */
};

/** What the finger encoder needs. */
struct biounit_finger_record_params {
	uint16_t capture_device_id;	/* vendor's device code, 0 = unreported */
	float wsq_bitrate;		/* 0 = BIOUNIT_WSQ_BITRATE_DEFAULT */
	size_t n_views;			/* 1..BIOUNIT_FINGER_RECORD_MAX_VIEWS */
	const struct biounit_finger_view_input *views;
};

/** One finger view of a parsed record; @image points into the parsed buffer. */
struct biounit_finger_view_record {
	uint32_t block_length;		/* finger image header and image */
	uint8_t position, view_count, view_number, quality, impression;
	uint16_t width, height;		/* as the record says; checked against the WSQ frame */
	const uint8_t *image;
	size_t image_len;
};

/** A parsed finger record (about 8 KiB: allocate it rather than put it on a small stack). */
struct biounit_finger_record {
	char version[4];		/* "010" */
	uint64_t record_length;		/* 6-byte field */
	uint16_t capture_device_id;
	uint16_t acquisition_level;
	uint8_t n_views;		/* the "number of fingers" field: finger image records */
	uint8_t scale_units;
	uint16_t scan_res_x, scan_res_y, image_res_x, image_res_y;
	uint8_t pixel_depth;
	uint8_t compression;		/* enum biounit_finger_compression */
	struct biounit_finger_view_record views[BIOUNIT_FINGER_RECORD_MAX_VIEWS];
};

/* ------------------------------------------------------------- signature */

/** Defaults of struct biounit_signature_record_params. */
#define BIOUNIT_SIGNATURE_JPEG_QUALITY 90

/** What the signature encoder needs. Zero fields take the defaults. */
struct biounit_signature_record_params {
	const struct biounit_signature *signature;
	uint32_t width, height;		/* rendered size; 0 = BIOUNIT_SIGNATURE_RENDER_W/H */
	int jpeg_quality;		/* 1..100 */
};

/** What the signature encoder gives. */
struct biounit_signature_record_out {
	struct biounit_blob image_jpeg;		/* the displayed signature, grey JPEG */
	struct biounit_blob pen_samples;	/* docs/records.md, "pen samples" */
};

/** A parsed signature: the image's size and the samples, rebuilt. */
struct biounit_signature_record {
	uint16_t image_width, image_height;	/* from the JPEG frame header */
	uint8_t image_components;		/* 1 (grey) */
	uint64_t t0_us;				/* time of the first sample */
	struct biounit_signature *signature;	/* free with biounit_signature_free() */
};

/* ------------------------------------------------------------- interface */

/**
 * struct biounit_record_format - One family of record standards.
 * @name:             stable key, e.g. "iso19794-2005".
 * @title:            what it is, for logs and manifests.
 * @face_record_format, @finger_record_format, @image_format, @pen_samples_format:
 *                    labels of what the encoders give, for a package's record
 *                    "format" (package/package.h): "iso19794-5:2005",
 *                    "iso19794-4:2005+wsq", "image/jpeg" (card portrait and
 *                    signature image), "biounit-pen-samples".
 * @encode_face:      face record and card JPEG; @out is zeroed first and owned
 *                    by the caller on success (biounit_face_record_out_free()).
 * @parse_face:       strict reader; pointers in @out point into @buf.
 * @encode_finger:    one record holding every view.
 * @parse_finger:     strict reader; pointers in @out point into @buf.
 * @encode_signature: signature image and pen samples
 *                    (biounit_signature_record_out_free()).
 * @parse_signature:  strict reader of both parts
 *                    (biounit_signature_record_release()).
 *
 * The session code holds a pointer to one of these and calls nothing else.
 */
struct biounit_record_format {
	const char *name;
	const char *title;
	const char *face_record_format;
	const char *finger_record_format;
	const char *image_format;
	const char *pen_samples_format;
	int (*encode_face)(const struct biounit_face_record_params *p,
			   struct biounit_face_record_out *out);
	int (*parse_face)(const uint8_t *buf, size_t len, struct biounit_face_record *out);
	int (*encode_finger)(const struct biounit_finger_record_params *p, struct biounit_blob *out);
	int (*parse_finger)(const uint8_t *buf, size_t len, struct biounit_finger_record *out);
	int (*encode_signature)(const struct biounit_signature_record_params *p,
				struct biounit_signature_record_out *out);
	int (*parse_signature)(const uint8_t *image, size_t image_len, const uint8_t *pen,
			       size_t pen_len, struct biounit_signature_record *out);
};

/** Key of the ISO/IEC 19794 (2005 editions) family. */
#define BIOUNIT_RECORDS_ISO19794_2005 "iso19794-2005"

/** biounit_record_format_iso19794() - The ISO/IEC 19794-4/-5:2005 family. */
const struct biounit_record_format *biounit_record_format_iso19794(void);

/** biounit_record_format_find() - The family called @name, or NULL. */
const struct biounit_record_format *biounit_record_format_find(const char *name);

/** biounit_face_record_out_free() - Free both blobs of @out; NULL is allowed. */
void biounit_face_record_out_free(struct biounit_face_record_out *out);

/** biounit_signature_record_out_free() - Free both blobs of @out; NULL is allowed. */
void biounit_signature_record_out_free(struct biounit_signature_record_out *out);

/** biounit_signature_record_release() - Free the rebuilt signature in @r; NULL allowed. */
void biounit_signature_record_release(struct biounit_signature_record *r);

#ifdef __cplusplus
}
#endif
#endif /* BIOUNIT_RECORDS_H */
