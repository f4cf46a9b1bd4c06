// SPDX-License-Identifier: GPL-2.0
/*
 * Session packages: keys on disk (mode, refusal of unsafe files), build and
 * parse back every manifest field and record, verification, and tampering:
 * every single byte of a small package flipped, truncations and extensions
 * all fail verification, each with the check that caught it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "package/package.h"
#include "kselftest_harness.h"
#include "handoff_fixture.h"

FIXTURE(pkg) {
	char dir[64];
	char keypath[96];
	struct biounit_key *key;
};

FIXTURE_SETUP(pkg)
{
	strcpy(self->dir, "/tmp/biounit-pkg-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->keypath, sizeof(self->keypath), "%s/unit.key", self->dir);
	ASSERT_EQ(0, biounit_key_generate(self->keypath, &self->key));
}

FIXTURE_TEARDOWN(pkg)
{
	char cmd[128];

	biounit_key_free(self->key);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

TEST_F(pkg, key_file_is_0600_and_unsafe_files_are_refused)
{
	uint8_t pk1[32], pk2[32], pk3[32];
	struct biounit_key *k2;
	char pub[128];
	struct stat st;

	ASSERT_EQ(0, stat(self->keypath, &st));
	EXPECT_EQ(0600, (int)(st.st_mode & 0777));
	EXPECT_EQ(-EEXIST, biounit_key_generate(self->keypath, &k2));
	ASSERT_EQ(0, biounit_key_load(self->keypath, &k2));
	biounit_key_get_public(self->key, pk1);
	biounit_key_get_public(k2, pk2);
	EXPECT_EQ(0, memcmp(pk1, pk2, 32));
	biounit_key_free(k2);
	snprintf(pub, sizeof(pub), "%s/unit.pub", self->dir);
	ASSERT_EQ(0, biounit_key_save_public(self->key, pub));
	ASSERT_EQ(0, biounit_pubkey_load(pub, pk3));
	EXPECT_EQ(0, memcmp(pk1, pk3, 32));
	EXPECT_EQ(-EPERM, biounit_key_load(pub, &k2));	/* 0644 */
	ASSERT_EQ(0, chmod(self->keypath, 0640));
	EXPECT_EQ(-EPERM, biounit_key_load(self->keypath, &k2));
	ASSERT_EQ(0, chmod(pub, 0600));
	EXPECT_EQ(-EBADMSG, biounit_key_load(pub, &k2));
	EXPECT_EQ(-ENOENT, biounit_key_load("/nonexistent/unit.key", &k2));
}

TEST_F(pkg, round_trip_of_every_field)
{
	struct biounit_package_problem why;
	struct biounit_package_record rec;
	struct biounit_package_modality mod;
	struct biounit_package_exception exc;
	struct biounit_package_decision dec;
	struct biounit_package *p;
	uint8_t *buf, *buf2, marker[FIX_MARKER_SIZE], pk[32];
	size_t len, len2;
	int64_t rt, mono;
	char hex[65];

	ASSERT_EQ(0, fix_package(self->key, 7, 1, &buf, &len));
	ASSERT_EQ(0, fix_package(self->key, 7, 1, &buf2, &len2));
	EXPECT_EQ(len, len2);
	EXPECT_EQ(0, memcmp(buf, buf2, len));	/* deterministic */
	free(buf2);
	biounit_key_get_public(self->key, pk);
	ASSERT_EQ(0, biounit_package_verify(buf, len, pk, &p, &why)) TH_LOG("%s", why.message);
	EXPECT_EQ(BIOUNIT_PACKAGE_OK, (int)why.check);
	EXPECT_EQ(0x10000u, biounit_package_get_version(p));
	EXPECT_STREQ("IND-000007", biounit_package_get_appointment(p));
	EXPECT_STREQ("SIM-0001", biounit_package_get_unit_serial(p));
	EXPECT_STREQ("biounit-sim", biounit_package_get_unit_model(p));
	EXPECT_STREQ("biounit 0.9.0-test", biounit_package_get_software(p));
	EXPECT_STREQ("07000000000000000000000000000042", biounit_package_get_id_hex(p));
	EXPECT_EQ(0, memcmp(pk, biounit_package_get_unit_key(p), 32));
	biounit_package_get_created(p, &rt, &mono);
	EXPECT_EQ(1790000000000000007ll, rt);
	EXPECT_EQ(5000000007ll, mono);
	biounit_package_hash(buf, len, NULL, hex);
	EXPECT_STREQ(hex, biounit_package_get_hash_hex(p));

	ASSERT_EQ(3u, biounit_package_modality_count(p));
	ASSERT_EQ(0, biounit_package_get_modality(p, 1, &mod));
	EXPECT_EQ(BIOUNIT_MODALITY_FINGER, (int)mod.modality);
	EXPECT_EQ(BIOUNIT_MODALITY_TAKEN, (int)mod.status);
	EXPECT_STREQ("", mod.reason);
	EXPECT_EQ(-EINVAL, biounit_package_get_modality(p, 3, &mod));
	ASSERT_EQ(1u, biounit_package_exception_count(p));
	ASSERT_EQ(0, biounit_package_get_exception(p, 0, &exc));
	EXPECT_EQ(3u, exc.position);
	EXPECT_STREQ("verband (bandaged)", exc.reason);
	ASSERT_EQ(1u, biounit_package_decision_count(p));
	ASSERT_EQ(0, biounit_package_get_decision(p, 0, &dec));
	EXPECT_EQ(6000000000ll, dec.time_ns);
	EXPECT_STREQ("op-117", dec.operator_id);
	EXPECT_STREQ("accept finger 7 below threshold", dec.decision);

	ASSERT_EQ(4u, biounit_package_record_count(p));
	fix_marker(7, marker);
	ASSERT_EQ(0, biounit_package_get_record(p, 2, &rec));
	EXPECT_STREQ("finger-7", rec.name);
	EXPECT_STREQ("iso19794-4:2005+wsq", rec.format);
	EXPECT_EQ(BIOUNIT_MODALITY_FINGER, (int)rec.modality);
	EXPECT_EQ(5102000000ll, rec.captured_ns);
	EXPECT_TRUE(rec.has_quality);
	EXPECT_EQ(42.0, rec.quality);
	EXPECT_EQ(35.0, rec.threshold);
	EXPECT_FALSE(rec.passed);
	ASSERT_EQ(1500u, rec.len);
	EXPECT_EQ(0, memcmp(rec.data + 750, marker, sizeof(marker)));
	biounit_package_free(p);
	free(buf);
}

TEST_F(pkg, bad_builder_input_is_refused)
{
	struct biounit_package_builder *b;
	struct biounit_package_record rec = { "face", "image/jpeg", BIOUNIT_MODALITY_FACE,
					      BIOUNIT_RECORD_CAPTURED, 1, false, 0, 0, false,
					      (const uint8_t *)"x", 1 };
	uint8_t *out;
	size_t len;

	EXPECT_EQ(-EINVAL, biounit_package_builder_new("bad code!", &b));
	EXPECT_EQ(-EINVAL, biounit_package_builder_new("", &b));
	ASSERT_EQ(0, biounit_package_builder_new("A-1", &b));
	EXPECT_EQ(-EINVAL, biounit_package_builder_build(b, self->key, &out, &len));
	EXPECT_EQ(-EINVAL, biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_FACE,
							       BIOUNIT_MODALITY_REUSED, ""));
	EXPECT_EQ(-EINVAL, biounit_package_builder_set_unit(b, "ser\nial", "m"));
	ASSERT_EQ(0, biounit_package_builder_add_record(b, &rec));
	EXPECT_EQ(-EEXIST, biounit_package_builder_add_record(b, &rec));
	rec.name = "face2";
	rec.has_quality = true;
	rec.quality = 0.0 / 0.0;
	EXPECT_EQ(-EINVAL, biounit_package_builder_add_record(b, &rec));
	EXPECT_EQ(-EINVAL, biounit_package_builder_build(b, self->key, &out, &len));
	ASSERT_EQ(0, biounit_package_builder_set_unit(b, "S1", "M1"));
	ASSERT_EQ(0, biounit_package_builder_set_software(b, "v1"));
	ASSERT_EQ(0, biounit_package_builder_build(b, self->key, &out, &len));
	EXPECT_EQ(0, biounit_package_verify(out, len, NULL, NULL, NULL));
	free(out);
	biounit_package_builder_free(b);
}

TEST_F(pkg, every_flipped_byte_is_detected)
{
	unsigned int counts[8] = { 0 };
	struct biounit_package_problem why;
	struct biounit_key *other;
	uint8_t *buf, pk[32], opk[32];
	char opath[128];
	size_t len, i;
	int bit;

	ASSERT_EQ(0, fix_package(self->key, 1, 0, &buf, &len));
	biounit_key_get_public(self->key, pk);
	ASSERT_EQ(0, biounit_package_verify(buf, len, pk, NULL, &why));
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 7) {	/* the lowest and the highest bit */
			buf[i] ^= (uint8_t)(1u << bit);
			ASSERT_NE(0, biounit_package_verify(buf, len, pk, NULL, &why))
				TH_LOG("flip of bit %d at byte %zu went unnoticed", bit, i);
			ASSERT_NE(BIOUNIT_PACKAGE_OK, (int)why.check);
			counts[why.check]++;
			buf[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* truncated anywhere, or extended */
	for (i = 0; i < len; i += 97)
		ASSERT_NE(0, biounit_package_verify(buf, i, pk, NULL, &why));
	buf = realloc(buf, len + 1);
	ASSERT_NE(NULL, buf);
	buf[len] = 0;
	EXPECT_EQ(-EBADMSG, biounit_package_verify(buf, len + 1, pk, NULL, &why));
	/* the same package is refused with another trusted key */
	snprintf(opath, sizeof(opath), "%s/other.key", self->dir);
	ASSERT_EQ(0, biounit_key_generate(opath, &other));
	biounit_key_get_public(other, opk);
	EXPECT_EQ(-EKEYREJECTED, biounit_package_verify(buf, len, opk, NULL, &why));
	EXPECT_EQ(BIOUNIT_PACKAGE_CHECK_KEY, (int)why.check);
	biounit_key_free(other);
	ksft_print_msg("%zu bytes, %zu flips: structure %u, version %u, record-hash %u, "
		       "chain %u, key %u, signature %u\n", len, 2 * len,
		       counts[BIOUNIT_PACKAGE_CHECK_STRUCTURE], counts[BIOUNIT_PACKAGE_CHECK_VERSION],
		       counts[BIOUNIT_PACKAGE_CHECK_RECORD_HASH], counts[BIOUNIT_PACKAGE_CHECK_CHAIN],
		       counts[BIOUNIT_PACKAGE_CHECK_KEY], counts[BIOUNIT_PACKAGE_CHECK_SIGNATURE]);
	fflush(stdout);	/* the harness ends the test's process with _exit() */
	EXPECT_NE(0u, counts[BIOUNIT_PACKAGE_CHECK_RECORD_HASH]);
	EXPECT_NE(0u, counts[BIOUNIT_PACKAGE_CHECK_CHAIN]);
	EXPECT_NE(0u, counts[BIOUNIT_PACKAGE_CHECK_SIGNATURE]);
	free(buf);
}

TEST_F(pkg, garbage_and_future_versions_are_named)
{
	struct biounit_package_problem why;
	uint8_t *buf;
	size_t len;

	/* garbage is refused as structure, a future major version as version */
	ASSERT_EQ(0, fix_package(self->key, 2, 0, &buf, &len));
	EXPECT_EQ(-EBADMSG, biounit_package_verify((const uint8_t *)"hello", 5, NULL, NULL, &why));
	EXPECT_EQ(BIOUNIT_PACKAGE_CHECK_STRUCTURE, (int)why.check);
	buf[9] = 2;
	EXPECT_EQ(-EPROTONOSUPPORT, biounit_package_verify(buf, len, NULL, NULL, &why));
	EXPECT_EQ(BIOUNIT_PACKAGE_CHECK_VERSION, (int)why.check);
	free(buf);
}

TEST_HARNESS_MAIN
