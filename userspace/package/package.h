/* SPDX-License-Identifier: GPL-2.0 */
/*
 * biounit session packages: one signed file per finished session, holding its
 * records (opaque named byte blobs with a modality and a format), a manifest,
 * a hash chain over the captures in the order they were taken and an Ed25519
 * signature with the unit's key over everything. Format: docs/package.md.
 *
 * Conventions, as in <biounit/biounit.h>:
 *  - Handles are opaque; each *_new / *_load / *_parse has its *_free
 *    (NULL is allowed there).
 *  - Functions returning int return 0 on success and a negative errno on
 *    failure; errno is not used. A NULL handle or output pointer, or an
 *    argument out of range, is -EINVAL.
 *  - Threads, by the one rule (docs/architecture.md, "Threads"): no global
 *    state (libsodium's own one-time initialisation aside), so different
 *    handles may be used from different threads at once; a handle does not
 *    lock itself, so one handle is used by one thread at a time.
 *  - Nothing is printed; errors of parsing and verification are described
 *    in a struct biounit_package_problem.
 */
#ifndef BIOUNIT_PACKAGE_H
#define BIOUNIT_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Format version written by this library (docs/package.md). */
#define BIOUNIT_PACKAGE_VERSION_MAJOR 1
#define BIOUNIT_PACKAGE_VERSION_MINOR 0

/** Size of the package hash (SHA-256 of the whole file) and its hex form. */
#define BIOUNIT_PACKAGE_HASH_SIZE 32
#define BIOUNIT_PACKAGE_HASH_HEX_SIZE 65	/* 64 hex digits and the NUL */
/** Size of the package id (random, the idempotency key) and its hex form. */
#define BIOUNIT_PACKAGE_ID_SIZE 16
#define BIOUNIT_PACKAGE_ID_HEX_SIZE 33
/** Size of an Ed25519 public key. */
#define BIOUNIT_PACKAGE_PUBKEY_SIZE 32
/** Largest package this library builds or reads (bytes). */
#define BIOUNIT_PACKAGE_MAX_SIZE (64u << 20)
/** Most captures (records) in one package. */
#define BIOUNIT_PACKAGE_MAX_RECORDS 64
/** Longest string field (bytes, without NUL). */
#define BIOUNIT_PACKAGE_MAX_STRING 1024

/* ---- unit keys ------------------------------------------------------------ */

/** struct biounit_key - the unit's Ed25519 signing key (opaque). */
struct biounit_key;

/**
 * biounit_key_generate() - Make a new key and write it to a new file.
 * @path: file to create; it must not exist. Written with mode 0600, fsynced.
 * @out: receives the key; free with biounit_key_free().
 * Return: 0, -EINVAL, -EEXIST (@path exists: a key is never overwritten),
 * -ENOMEM, or a negative errno of the file system.
 */
int biounit_key_generate(const char *path, struct biounit_key **out);

/**
 * biounit_key_load() - Read a key written by biounit_key_generate().
 * @path: the key file. It must belong to this user and not be readable or
 *	writable by group or others.
 * @out: receives the key.
 * Return: 0, -EINVAL, -ENOENT, -EPERM (the file's owner or mode is unsafe),
 * -EBADMSG (not a key file), -ENOMEM, or a negative errno of the file system.
 */
int biounit_key_load(const char *path, struct biounit_key **out);

/**
 * biounit_key_get_public() - The key's public half.
 * @key: the key.
 * @pk: receives BIOUNIT_PACKAGE_PUBKEY_SIZE bytes.
 * Return: 0 or -EINVAL.
 */
int biounit_key_get_public(const struct biounit_key *key,
			   uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE]);

/**
 * biounit_key_save_public() - Write the public key as a text file (mode 0644)
 * for the document-ordering client's list of trusted units.
 * Return: 0, -EINVAL, -EEXIST, or a negative errno of the file system.
 */
int biounit_key_save_public(const struct biounit_key *key, const char *path);

/**
 * biounit_pubkey_load() - Read a public key file of biounit_key_save_public().
 * Return: 0, -EINVAL, -ENOENT, -EBADMSG, or a negative errno of the file system.
 */
int biounit_pubkey_load(const char *path, uint8_t pk[BIOUNIT_PACKAGE_PUBKEY_SIZE]);

/** biounit_key_free() - Wipe and free @key; NULL is allowed. */
void biounit_key_free(struct biounit_key *key);

/* ---- what a package says ----------------------------------------------------- */

/** enum biounit_modality - the three things a desk captures. */
enum biounit_modality {
	BIOUNIT_MODALITY_FACE = 1,
	BIOUNIT_MODALITY_FINGER = 2,
	BIOUNIT_MODALITY_SIGNATURE = 3,
};

/**
 * enum biounit_modality_status - what happened to a modality in this session
 * @BIOUNIT_MODALITY_TAKEN: captured at this desk now.
 * @BIOUNIT_MODALITY_REUSED: taken over from an earlier capture (the reason
 *	names where from).
 * @BIOUNIT_MODALITY_EXCEPTION: could not be captured (the reason says why;
 *	details in the exceptions).
 * @BIOUNIT_MODALITY_NOT_REQUIRED: not needed for this application.
 */
enum biounit_modality_status {
	BIOUNIT_MODALITY_TAKEN = 1,
	BIOUNIT_MODALITY_REUSED = 2,
	BIOUNIT_MODALITY_EXCEPTION = 3,
	BIOUNIT_MODALITY_NOT_REQUIRED = 4,
};

/** enum biounit_record_origin - where a record's bytes come from. */
enum biounit_record_origin {
	BIOUNIT_RECORD_CAPTURED = 0,	/* captured in this session */
	BIOUNIT_RECORD_REUSED = 1,	/* taken over from an earlier session */
};

/**
 * struct biounit_package_record - one capture: its description and its bytes
 * @name: unique in the package, 1..BIOUNIT_PACKAGE_MAX_STRING printable
 *	ASCII bytes (e.g. "face", "finger-2", "signature-image").
 * @format: what the bytes are, printable ASCII (e.g. "iso19794-5:2005",
 *	"iso19794-4:2005+wsq", "image/jpeg", "biounit-pen-samples").
 * @modality: BIOUNIT_MODALITY_*.
 * @origin: BIOUNIT_RECORD_CAPTURED or BIOUNIT_RECORD_REUSED.
 * @captured_ns: capture time on the unit's clock (CLOCK_MONOTONIC, ns).
 * @has_quality: whether @quality, @threshold and @passed are meaningful.
 * @quality: the quality score (finite).
 * @threshold: the score it had to reach (finite).
 * @passed: whether the capture was accepted as compliant by the checks.
 * @data: the record's bytes (1..BIOUNIT_PACKAGE_MAX_SIZE).
 * @len: their length.
 */
struct biounit_package_record {
	const char *name;
	const char *format;
	enum biounit_modality modality;
	enum biounit_record_origin origin;
	int64_t captured_ns;
	bool has_quality;
	double quality;
	double threshold;
	bool passed;
	const uint8_t *data;
	size_t len;
};

/**
 * struct biounit_package_modality - the status of one modality
 * @modality: BIOUNIT_MODALITY_*.
 * @status: BIOUNIT_MODALITY_*.
 * @reason: free text, "" if none (required for REUSED and EXCEPTION).
 */
struct biounit_package_modality {
	enum biounit_modality modality;
	enum biounit_modality_status status;
	const char *reason;
};

/**
 * struct biounit_package_exception - one capture that could not be made
 * @modality: BIOUNIT_MODALITY_*.
 * @position: the finger position (ISO/IEC 19794-4, 1..10), 0 if not a finger.
 * @reason: why, not empty (e.g. "amputated", "bandaged", "unable to sign").
 */
struct biounit_package_exception {
	enum biounit_modality modality;
	unsigned int position;
	const char *reason;
};

/**
 * struct biounit_package_decision - an operator's decision in the session
 * @time_ns: when, on the unit's clock (CLOCK_MONOTONIC, ns).
 * @operator_id: who (the operator's staff id), not empty.
 * @decision: what (e.g. "accept face photo below threshold: glasses"), not empty.
 */
struct biounit_package_decision {
	int64_t time_ns;
	const char *operator_id;
	const char *decision;
};

/* ---- building ----------------------------------------------------------------- */

/** struct biounit_package_builder - a package being put together (opaque). */
struct biounit_package_builder;

/**
 * biounit_package_builder_new() - Start a package for one session.
 * @appointment: the appointment code, 1..64 characters of [A-Za-z0-9._-].
 * @out: receives the builder; free with biounit_package_builder_free().
 *
 * The package id is random, the creation times are now (CLOCK_REALTIME and
 * CLOCK_MONOTONIC); both can be set. Unit and software are required.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int biounit_package_builder_new(const char *appointment,
				struct biounit_package_builder **out);

/** biounit_package_builder_set_unit() - The unit's serial number and model. */
int biounit_package_builder_set_unit(struct biounit_package_builder *b,
				     const char *serial, const char *model);
/** biounit_package_builder_set_software() - The software version, e.g. "biounit 1.2.0". */
int biounit_package_builder_set_software(struct biounit_package_builder *b,
					 const char *version);
/** biounit_package_builder_set_id() - Set the package id (default: random). */
int biounit_package_builder_set_id(struct biounit_package_builder *b,
				   const uint8_t id[BIOUNIT_PACKAGE_ID_SIZE]);
/** biounit_package_builder_set_created() - Set the creation times (ns). */
int biounit_package_builder_set_created(struct biounit_package_builder *b,
					int64_t realtime_ns, int64_t monotonic_ns);

/**
 * biounit_package_builder_set_modality() - Say what happened to a modality.
 * Setting a modality twice replaces the first. @reason may be NULL or ""
 * except for REUSED and EXCEPTION.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int biounit_package_builder_set_modality(struct biounit_package_builder *b,
					 enum biounit_modality modality,
					 enum biounit_modality_status status,
					 const char *reason);
/** biounit_package_builder_add_exception() - Add an exception (see the struct). */
int biounit_package_builder_add_exception(struct biounit_package_builder *b,
					  const struct biounit_package_exception *e);
/** biounit_package_builder_add_decision() - Add an operator decision. */
int biounit_package_builder_add_decision(struct biounit_package_builder *b,
					 const struct biounit_package_decision *d);

/**
 * biounit_package_builder_add_record() - Add the next capture, in the order
 * they were taken (the hash chain follows this order).
 * @b: the builder.
 * @rec: the record; its strings and bytes are copied.
 * Return: 0, -EINVAL (bad field), -EEXIST (name already used), -E2BIG (more
 * than BIOUNIT_PACKAGE_MAX_RECORDS, or the package would exceed
 * BIOUNIT_PACKAGE_MAX_SIZE), -ENOMEM.
 */
int biounit_package_builder_add_record(struct biounit_package_builder *b,
				       const struct biounit_package_record *rec);

/**
 * biounit_package_builder_build() - Write and sign the package.
 * @b: the builder (stays usable; building twice gives the same bytes).
 * @key: the unit's key; its public half is written into the manifest.
 * @out: receives a malloc()ed package; free() it.
 * @out_len: receives its length.
 * Return: 0, -EINVAL (no unit or software set, or no modality and no record),
 * -ENOMEM.
 */
int biounit_package_builder_build(const struct biounit_package_builder *b,
				  const struct biounit_key *key,
				  uint8_t **out, size_t *out_len);

/** biounit_package_builder_free() - Free @b; NULL is allowed. */
void biounit_package_builder_free(struct biounit_package_builder *b);

/* ---- reading and verifying ------------------------------------------------------ */

/**
 * enum biounit_package_check - which check a package failed
 * @BIOUNIT_PACKAGE_OK: none.
 * @BIOUNIT_PACKAGE_CHECK_STRUCTURE: not a well-formed package (magic, lengths,
 *	elements, required fields, limits, record names and order).
 * @BIOUNIT_PACKAGE_CHECK_VERSION: a format major version this library does
 *	not read.
 * @BIOUNIT_PACKAGE_CHECK_RECORD_HASH: a record's bytes do not have the
 *	SHA-256 its manifest entry names.
 * @BIOUNIT_PACKAGE_CHECK_CHAIN: the hash chain is not the one of the
 *	manifest's captures in their order.
 * @BIOUNIT_PACKAGE_CHECK_KEY: the package is signed by a key that is not the
 *	trusted one.
 * @BIOUNIT_PACKAGE_CHECK_SIGNATURE: the signature does not verify.
 * @BIOUNIT_PACKAGE_CHECK_RECORD: a record's content is wrong (reported by a
 *	records reader, not by this library).
 */
enum biounit_package_check {
	BIOUNIT_PACKAGE_OK = 0,
	BIOUNIT_PACKAGE_CHECK_STRUCTURE,
	BIOUNIT_PACKAGE_CHECK_VERSION,
	BIOUNIT_PACKAGE_CHECK_RECORD_HASH,
	BIOUNIT_PACKAGE_CHECK_CHAIN,
	BIOUNIT_PACKAGE_CHECK_KEY,
	BIOUNIT_PACKAGE_CHECK_SIGNATURE,
	BIOUNIT_PACKAGE_CHECK_RECORD,
};

/**
 * struct biounit_package_problem - why a package was rejected
 * @check: the check that failed.
 * @offset: byte offset in the package where the problem was found (or -1).
 * @message: one line of English, NUL-terminated; never holds record bytes.
 */
struct biounit_package_problem {
	enum biounit_package_check check;
	long offset;
	char message[160];
};

/** biounit_package_check_name() - "ok", "structure", "version", ... never NULL. */
const char *biounit_package_check_name(enum biounit_package_check check);

/** struct biounit_package - a parsed package (opaque); owns a copy of its bytes. */
struct biounit_package;

/**
 * biounit_package_parse() - Read a package's structure, without checking
 * hashes or the signature.
 * @data: the package bytes.
 * @len: their length.
 * @out: receives the package; free with biounit_package_free().
 * @why: if not NULL, filled in on failure (check STRUCTURE or VERSION).
 * Return: 0, -EINVAL, -EBADMSG (malformed), -EPROTONOSUPPORT (major
 * version), -ENOMEM.
 */
int biounit_package_parse(const uint8_t *data, size_t len, struct biounit_package **out,
			  struct biounit_package_problem *why);

/**
 * biounit_package_verify() - Parse and check everything: structure, record
 * hashes, hash chain, key, signature (in that order; the first failure is
 * reported).
 * @data: the package bytes.
 * @len: their length.
 * @trusted_pk: the key the package must be signed with, or NULL to accept
 *	the key named in the package (integrity only: the caller must then
 *	decide whether biounit_package_get_unit_key() is trusted).
 * @out: if not NULL, receives the parsed package on success.
 * @why: if not NULL, filled in (check OK on success).
 * Return: 0, -EINVAL, -ENOMEM, or for a bad package -EBADMSG (structure,
 * record hash, chain), -EPROTONOSUPPORT (version), -EKEYREJECTED (key),
 * -EBADE (signature).
 */
int biounit_package_verify(const uint8_t *data, size_t len,
			   const uint8_t trusted_pk[BIOUNIT_PACKAGE_PUBKEY_SIZE],
			   struct biounit_package **out, struct biounit_package_problem *why);

/** biounit_package_free() - Free @pkg; NULL is allowed. */
void biounit_package_free(struct biounit_package *pkg);

/**
 * biounit_package_hash() - SHA-256 of @len bytes at @data, the package's
 * identity in the hand-off. @hex, if not NULL, receives it in lower-case hex.
 * Return: 0 or -EINVAL.
 */
int biounit_package_hash(const uint8_t *data, size_t len,
			 uint8_t hash[BIOUNIT_PACKAGE_HASH_SIZE],
			 char hex[BIOUNIT_PACKAGE_HASH_HEX_SIZE]);

/* Getters of a parsed package. Strings and pointers are owned by @pkg. */

/** biounit_package_get_version() - BIOUNIT_PACKAGE_VERSION_MAJOR << 16 | minor. */
uint32_t biounit_package_get_version(const struct biounit_package *pkg);
/** biounit_package_get_hash_hex() - SHA-256 of the whole package, hex. */
const char *biounit_package_get_hash_hex(const struct biounit_package *pkg);
/** biounit_package_get_id_hex() - The package id (the idempotency key), hex. */
const char *biounit_package_get_id_hex(const struct biounit_package *pkg);
/** biounit_package_get_appointment() - The appointment code. */
const char *biounit_package_get_appointment(const struct biounit_package *pkg);
/** biounit_package_get_unit_serial() - The unit's serial number. */
const char *biounit_package_get_unit_serial(const struct biounit_package *pkg);
/** biounit_package_get_unit_model() - The unit's model. */
const char *biounit_package_get_unit_model(const struct biounit_package *pkg);
/** biounit_package_get_unit_key() - The public key the package names (32 bytes). */
const uint8_t *biounit_package_get_unit_key(const struct biounit_package *pkg);
/** biounit_package_get_software() - The software version. */
const char *biounit_package_get_software(const struct biounit_package *pkg);
/** biounit_package_get_created() - Creation times, either pointer may be NULL. */
void biounit_package_get_created(const struct biounit_package *pkg, int64_t *realtime_ns,
				 int64_t *monotonic_ns);
/** biounit_package_get_chain_head() - The last link of the hash chain (32 bytes). */
const uint8_t *biounit_package_get_chain_head(const struct biounit_package *pkg);

/** biounit_package_modality_count() - Number of modality statuses. */
size_t biounit_package_modality_count(const struct biounit_package *pkg);
/** biounit_package_get_modality() - Status @i; -EINVAL if out of range. */
int biounit_package_get_modality(const struct biounit_package *pkg, size_t i,
				 struct biounit_package_modality *out);
/** biounit_package_exception_count() - Number of exceptions. */
size_t biounit_package_exception_count(const struct biounit_package *pkg);
/** biounit_package_get_exception() - Exception @i; -EINVAL if out of range. */
int biounit_package_get_exception(const struct biounit_package *pkg, size_t i,
				  struct biounit_package_exception *out);
/** biounit_package_decision_count() - Number of operator decisions. */
size_t biounit_package_decision_count(const struct biounit_package *pkg);
/** biounit_package_get_decision() - Decision @i; -EINVAL if out of range. */
int biounit_package_get_decision(const struct biounit_package *pkg, size_t i,
				 struct biounit_package_decision *out);
/** biounit_package_record_count() - Number of records (captures). */
size_t biounit_package_record_count(const struct biounit_package *pkg);
/**
 * biounit_package_get_record() - Record @i, in capture order; its data point
 * into @pkg. Return: 0 or -EINVAL if out of range.
 */
int biounit_package_get_record(const struct biounit_package *pkg, size_t i,
			       struct biounit_package_record *out);

/** biounit_modality_name() - "face", "finger", "signature" or "unknown". */
const char *biounit_modality_name(enum biounit_modality modality);
/** biounit_modality_status_name() - "taken", "reused", "exception", "not-required" or "unknown". */
const char *biounit_modality_status_name(enum biounit_modality_status status);

#ifdef __cplusplus
}
#endif

#endif /* BIOUNIT_PACKAGE_H */
