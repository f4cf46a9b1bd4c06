// SPDX-License-Identifier: GPL-2.0
/*
 * The reference document-ordering service on its own, spoken to with libcurl
 * as any client would: a good package is accepted (201) and stored
 * byte-identical, the same again is a duplicate (200, same ack id, stored
 * once), and each kind of bad request gets its status and error code: wrong
 * content type, missing headers, a body that is not the named hash, an id
 * reused for another package, a changed signature, a foreign key. The
 * packages hold real records (handoff_fixture.h); records that their readers
 * refuse inside a validly signed package (a damaged face record, a truncated
 * WSQ stream), formats no record family knows and modality statuses that
 * disagree with the records are refused with 422 "record", naming the record;
 * so is a face record whose JPEG 2000 codestream walks but does not decode, or
 * decodes to other components than its header says. With --client-ca a
 * request without a client certificate is answered 403 "client-certificate".
 * 1,100 idle connections from one address do not shut out a client from
 * another, and are closed (beyond the per-address limit at once, the others
 * after the idle time-out).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "package/package.h"
#include "kselftest_harness.h"
#include "handoff_fixture.h"
#include "handoff_service.h"

struct reply {
	long status;
	char body[2048];
};

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
	struct reply *r = u;
	size_t have = strlen(r->body), k = sz * n;

	if (k > sizeof(r->body) - 1 - have)
		k = sizeof(r->body) - 1 - have;
	memcpy(r->body + have, p, k);
	r->body[have + k] = '\0';
	return sz * n;
}

/* POSTs @len bytes; @ctype/@id/@hash NULL: header left out */
static int post(const struct hsvc *s, const char *ctype, const char *id, const char *hash,
		const uint8_t *data, size_t len, struct reply *r)
{
	struct curl_slist *h = NULL;
	char line[160];
	CURL *c = curl_easy_init();
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	if (!c)
		return -ENOMEM;
	h = curl_slist_append(h, "Expect:");
	if (ctype) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		h = curl_slist_append(h, line);
	}
	if (id) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", id);
		h = curl_slist_append(h, line);
	}
	if (hash) {
		snprintf(line, sizeof(line), "Biounit-Package-Hash: %s", hash);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_CAINFO, s->path[HP_CERT]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -EIO;
}

#define PKG_CT "application/vnd.biounit.package"

/* biounit-refservice --summary: what the store holds, verified again */
static void summary(struct __test_metadata *_metadata, const struct hsvc *s, const char *expect)
{
	char cmd[1200], out[8192];
	size_t got;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/biounit-refservice --summary --store %s --trust %s",
		 getenv("BIOUNIT_TOOLS"), s->path[HP_STORE], s->path[HP_UNITPUB]);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	got = fread(out, 1, sizeof(out) - 1, f);
	out[got] = '\0';
	EXPECT_EQ(0, pclose(f)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, expect)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "1 packages verified against the trusted keys, 0 failing"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "record finger-7")) TH_LOG("%s", out);
}

FIXTURE(svc) {
	struct hsvc s;
	struct fix_records rec;
	uint8_t *pkg;
	size_t len;
	char hash[65], id[33];
};

FIXTURE_SETUP(svc)
{
	struct biounit_package *p;

	ASSERT_EQ(0, fix_records_make(&self->rec));
	ASSERT_EQ(0, hsvc_init(&self->s));
	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, 3, 1, &self->pkg, &self->len));
	ASSERT_EQ(0, biounit_package_parse(self->pkg, self->len, &p, NULL));
	strcpy(self->hash, biounit_package_get_hash_hex(p));
	strcpy(self->id, biounit_package_get_id_hex(p));
	biounit_package_free(p);
}

FIXTURE_TEARDOWN(svc)
{
	free(self->pkg);
	hsvc_cleanup(&self->s);
	fix_records_free(&self->rec);
}

TEST_F_TIMEOUT(svc, accepted_once_then_duplicate, 60)
{
	struct reply r1, r2;
	char ack[80];

	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r1));
	EXPECT_EQ(201, r1.status) TH_LOG("%s", r1.body);
	EXPECT_NE(NULL, strstr(r1.body, "\"status\":\"accepted\""));
	EXPECT_NE(NULL, strstr(r1.body, self->hash));
	EXPECT_TRUE(hsvc_stored_equal(&self->s, self->pkg, self->len));
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r2));
	EXPECT_EQ(200, r2.status);
	EXPECT_NE(NULL, strstr(r2.body, "\"status\":\"duplicate\""));
	/* the same ack id both times */
	ASSERT_NE(NULL, strstr(r1.body, "\"ack_id\":\""));
	snprintf(ack, sizeof(ack), "%.40s", strstr(r1.body, "\"ack_id\":\""));
	EXPECT_NE(NULL, strstr(r2.body, ack));
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "duplicate", NULL));
	summary(_metadata, &self->s, "appointment IND-000003, unit SIM-0001 (biounit-sim)");
}

TEST_F_TIMEOUT(svc, bad_requests_get_their_status_and_code, 60)
{
	struct biounit_key *stranger;
	uint8_t *other;
	size_t olen;
	char path[400], hx[65];
	struct reply r;

	ASSERT_EQ(0, post(&self->s, "application/octet-stream", self->id, self->hash, self->pkg,
			  self->len, &r));
	EXPECT_EQ(415, r.status);
	ASSERT_EQ(0, post(&self->s, PKG_CT, NULL, self->hash, self->pkg, self->len, &r));
	EXPECT_EQ(400, r.status);
	EXPECT_NE(NULL, strstr(r.body, "malformed-request"));
	self->pkg[100] ^= 1;
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r));
	EXPECT_EQ(400, r.status);
	EXPECT_NE(NULL, strstr(r.body, "hash-mismatch"));
	self->pkg[100] ^= 1;
	/* the signature's last byte changed: 422 signature */
	self->pkg[self->len - 1] ^= 0x80;
	biounit_package_hash(self->pkg, self->len, NULL, hx);
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, hx, self->pkg, self->len, &r));
	EXPECT_EQ(422, r.status);
	EXPECT_NE(NULL, strstr(r.body, "\"error\":\"signature\"")) TH_LOG("%s", r.body);
	self->pkg[self->len - 1] ^= 0x80;
	/* the id is not the manifest's */
	ASSERT_EQ(0, post(&self->s, PKG_CT, "0123456789abcdef0123456789abcdef", self->hash,
			  self->pkg, self->len, &r));
	EXPECT_EQ(400, r.status);
	/* a unit the service does not know */
	snprintf(path, sizeof(path), "%s/stranger.key", self->s.dir);
	ASSERT_EQ(0, biounit_key_generate(path, &stranger));
	ASSERT_EQ(0, fix_session_package(&self->rec, stranger, 3, 1, &other, &olen));
	biounit_key_free(stranger);
	biounit_package_hash(other, olen, NULL, hx);
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, hx, other, olen, &r));
	EXPECT_EQ(403, r.status);
	EXPECT_NE(NULL, strstr(r.body, "unknown-unit"));
	free(other);
	/* accepted; then the same id with other bytes (same id, another package): 409 */
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r));
	EXPECT_EQ(201, r.status);
	/* same id, bigger */
	ASSERT_EQ(0, fix_session_package(&self->rec, self->s.key, 3, 2, &other, &olen));
	biounit_package_hash(other, olen, NULL, hx);
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, hx, other, olen, &r));
	EXPECT_EQ(409, r.status);
	EXPECT_NE(NULL, strstr(r.body, "idempotency-key-reused"));
	free(other);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(7u, hsvc_log_count(&self->s, "refused", NULL));
}

/* builds @b with the unit's key, checks that it is a validly signed package, and posts it */
static void post_built(struct __test_metadata *_metadata, FIXTURE_DATA(svc) *self,
		       struct biounit_package_builder *b, struct reply *r)
{
	struct biounit_package_problem why;
	struct biounit_package *p;
	uint8_t *pkg, pk[32];
	size_t len;

	ASSERT_EQ(0, biounit_package_builder_build(b, self->s.key, &pkg, &len));
	biounit_package_builder_free(b);
	biounit_key_get_public(self->s.key, pk);
	ASSERT_EQ(0, biounit_package_verify(pkg, len, pk, &p, &why)) TH_LOG("%s", why.message);
	ASSERT_EQ(0, post(&self->s, PKG_CT, biounit_package_get_id_hex(p),
			  biounit_package_get_hash_hex(p), pkg, len, r));
	biounit_package_free(p);
	free(pkg);
}

/* package @i of the run with @rec's records, less those in @skip, posted */
static void post_records(struct __test_metadata *_metadata, FIXTURE_DATA(svc) *self,
			 const struct fix_records *rec, unsigned int i, unsigned int skip,
			 struct reply *r)
{
	struct biounit_package_builder *b;

	ASSERT_EQ(0, fix_session_builder(rec, i, 1, skip, &b));
	post_built(_metadata, self, b, r);
}

/* 422 "record", the message naming @what */
static void expect_refused(struct __test_metadata *_metadata, const struct reply *r,
			   const char *what)
{
	EXPECT_EQ(422, r->status) TH_LOG("%s", r->body);
	EXPECT_NE(NULL, strstr(r->body, "\"error\":\"record\"")) TH_LOG("%s", r->body);
	EXPECT_NE(NULL, strstr(r->body, what)) TH_LOG("%s", r->body);
}

TEST_F_TIMEOUT(svc, good_package_of_real_records_is_accepted, 60)
{
	struct reply r;

	post_records(_metadata, self, &self->rec, 40, 0, &r);
	EXPECT_EQ(201, r.status) TH_LOG("%s", r.body);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "refused", NULL));
}

TEST_F_TIMEOUT(svc, damaged_face_record_in_a_signed_package_is_refused, 60)
{
	struct fix_records bad = self->rec;
	uint8_t *face = malloc(self->rec.face.len);
	struct reply r;

	ASSERT_NE(NULL, face);
	/* the image information's width (at 34 + 8n + 2; no feature points) no longer
	 * agrees with the JPEG 2000 codestream; the package is signed after the damage */
	memcpy(face, self->rec.face.data, self->rec.face.len);
	ASSERT_EQ(0, face[18] << 8 | face[19]);	/* n = 0 */
	face[37] ^= 0x01;
	bad.face.data = face;
	post_records(_metadata, self, &bad, 41, 0, &r);
	expect_refused(_metadata, &r, "face: not an ISO/IEC 19794-5 face record");
	/* its codestream cut short: the record's lengths still agree, the codestream does not */
	memcpy(face, self->rec.face.data, self->rec.face.len);
	memcpy(face + 46, "\xff\x4f\xff\x51\x00\x00", 6);	/* SOC, SIZ with Lsiz 0 */
	post_records(_metadata, self, &bad, 42, 0, &r);
	expect_refused(_metadata, &r, "face: not an ISO/IEC 19794-5 face record");
	free(face);
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(2u, hsvc_log_count(&self->s, "refused", NULL));
}

/*
 * The offset in @face (a 19794-5 record without feature points) of the first
 * main-header segment of its codestream with marker @m; 0 if none.
 */
static size_t j2k_segment(const uint8_t *face, size_t len, uint16_t m)
{
	const uint8_t *cs = face + 46;
	size_t n = len - 46, pos = 4 + fix_get_be(cs + 4, 2);

	while (pos + 4 <= n && fix_get_be(cs + pos, 2) != 0xff90) {	/* SOT: header ends */
		if (fix_get_be(cs + pos, 2) == m)
			return 46 + pos;
		pos += 2 + fix_get_be(cs + pos + 2, 2);
	}
	return 0;
}

TEST_F_TIMEOUT(svc, face_codestream_that_does_not_decode_is_refused, 60)
{
	struct fix_records bad = self->rec;
	struct biounit_face_record fr;
	uint8_t *face = malloc(self->rec.face.len);
	size_t cod, siz = 46 + 2;	/* SIZ follows SOC */
	struct reply r;

	ASSERT_NE(NULL, face);
	ASSERT_EQ(0, self->rec.face.data[18] << 8 | self->rec.face.data[19]);	/* n = 0 */
	bad.face.data = face;
	/*
	 * The coding style (COD) asks for 40 decomposition levels, more than
	 * JPEG 2000 allows: every marker still chains, the lengths agree and the
	 * record reader accepts it, but the codestream does not decode. Signed
	 * after the damage.
	 */
	memcpy(face, self->rec.face.data, self->rec.face.len);
	cod = j2k_segment(face, self->rec.face.len, 0xff52);
	ASSERT_NE(0u, cod);
	face[cod + 9] = 40;	/* SPcod: decomposition levels (after Lcod, Scod, SGcod) */
	ASSERT_EQ(0, biounit_record_format_find("iso19794-2005")->parse_face(face,
									      bad.face.len, &fr));
	post_records(_metadata, self, &bad, 45, 0, &r);
	expect_refused(_metadata, &r, "face: the JPEG 2000 image of facial image 1 does not "
		       "decode (corrupt or truncated codestream)");
	/*
	 * The third component at 12 bits in the image size segment (SIZ): the
	 * reader checks only the first component's precision, the codestream
	 * decodes, but not to the 8-bit RGB the image information says.
	 */
	memcpy(face, self->rec.face.data, self->rec.face.len);
	ASSERT_EQ(0xff51u, fix_get_be(face + siz, 2));
	ASSERT_EQ(7u, face[siz + 2 + 38 + 3 * 2]);	/* Ssiz of component 3: 8 bits */
	face[siz + 2 + 38 + 3 * 2] = 11;
	ASSERT_EQ(0, biounit_record_format_find("iso19794-2005")->parse_face(face,
									      bad.face.len, &fr));
	post_records(_metadata, self, &bad, 46, 0, &r);
	expect_refused(_metadata, &r, "face: facial image 1 decodes to 210x270, 3 component(s) "
		       "of 8/8/12 bits; its header says 210x270 RGB 24-bit");
	free(face);
	/* the undamaged record decodes: accepted */
	post_records(_metadata, self, &self->rec, 47, 0, &r);
	EXPECT_EQ(201, r.status) TH_LOG("%s", r.body);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(2u, hsvc_log_count(&self->s, "refused", NULL));
}

TEST_F_TIMEOUT(svc, client_ca_must_hold_certificates, 60)
{
	const char *extra[] = { "--client-ca", self->s.path[HP_UNITPUB], NULL };
	struct reply r;

	/* not a PEM certificate: the service does not start */
	ASSERT_EQ(0, hsvc_stop(&self->s));
	EXPECT_EQ(-EIO, hsvc_start_on(&self->s, extra));
	/* the units' CA: a client without a certificate is answered 403 client-certificate */
	ASSERT_EQ(0, hsvc_make_client_certs(&self->s));
	extra[1] = self->s.path[HP_CLIENT_CA];
	ASSERT_EQ(0, hsvc_start(&self->s, extra));
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r));
	EXPECT_EQ(403, r.status);
	EXPECT_NE(NULL, strstr(r.body, "\"error\":\"client-certificate\"")) TH_LOG("%s", r.body);
	EXPECT_NE(NULL, strstr(r.body, "no client certificate was presented")) TH_LOG("%s", r.body);
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "stored", NULL));
}

TEST_F_TIMEOUT(svc, truncated_wsq_stream_is_refused, 60)
{
	const struct biounit_blob *f7 = &self->rec.finger[1];
	struct fix_records bad = self->rec;
	size_t cut = 300, len = f7->len - cut;
	uint8_t *rec = malloc(f7->len);
	struct reply r;

	ASSERT_NE(NULL, rec);
	/* the WSQ stream of finger-7 loses its last 300 bytes; the record's and the
	 * view's lengths are made to agree with what is left */
	memcpy(rec, f7->data, len);
	fix_put_be(rec + 8, len, 6);
	fix_put_be(rec + 32, fix_get_be(rec + 32, 4) - cut, 4);
	bad.finger[1] = (struct biounit_blob){ rec, len };
	post_records(_metadata, self, &bad, 43, 0, &r);
	expect_refused(_metadata, &r, "finger-7: not an ISO/IEC 19794-4 finger record");
	/* the same, but the stream still ends with its EOI marker: only decoding sees it */
	memcpy(rec + len - 2, "\xff\xa1", 2);
	post_records(_metadata, self, &bad, 44, 0, &r);
	expect_refused(_metadata, &r, "finger-7: the WSQ image of view 1 does not decode");
	free(rec);
	EXPECT_EQ(0u, hsvc_log_count(&self->s, "stored", NULL));
}

TEST_F_TIMEOUT(svc, formats_and_modalities_must_agree_with_the_records, 90)
{
	struct biounit_package_record iris = {
		.name = "iris-left", .format = "iso19794-6:2005", .modality = BIOUNIT_MODALITY_FACE,
		.origin = BIOUNIT_RECORD_CAPTURED, .captured_ns = 1,
		.data = (const uint8_t *)"IIR", .len = 3,
	};
	struct biounit_package_record face_as_finger = {
		.name = "face", .format = "iso19794-5:2005", .modality = BIOUNIT_MODALITY_FINGER,
		.origin = BIOUNIT_RECORD_CAPTURED, .captured_ns = 1,
		.data = self->rec.face.data, .len = self->rec.face.len,
	};
	struct biounit_package_builder *b;
	struct reply r;

	/* a format no record family knows */
	ASSERT_EQ(0, fix_session_builder(&self->rec, 50, 1, 0, &b));
	ASSERT_EQ(0, biounit_package_builder_add_record(b, &iris));
	post_built(_metadata, self, b, &r);
	expect_refused(_metadata, &r, "iris-left: format");
	/* a face record said to be a finger */
	ASSERT_EQ(0, fix_session_builder(&self->rec, 51, 1, 1u << FIX_FACE, &b));
	ASSERT_EQ(0, biounit_package_builder_add_record(b, &face_as_finger));
	post_built(_metadata, self, b, &r);
	expect_refused(_metadata, &r, "face: a finger record cannot be");
	/* the signature image without its pen samples */
	post_records(_metadata, self, &self->rec, 52, 1u << FIX_SIG_PEN, &r);
	expect_refused(_metadata, &r,
		       "signature-image: a signature image without its pen samples");
	/* pen samples whose CRC no longer agrees */
	{
		struct fix_records bad = self->rec;
		uint8_t *pen = malloc(self->rec.sig_pen.len);

		ASSERT_NE(NULL, pen);
		memcpy(pen, self->rec.sig_pen.data, self->rec.sig_pen.len);
		pen[100] ^= 0x04;
		bad.sig_pen.data = pen;
		post_records(_metadata, self, &bad, 56, 0, &r);
		free(pen);
	}
	expect_refused(_metadata, &r, "signature-image + signature-pen: not a signature image");
	/* the face taken, but no face record */
	post_records(_metadata, self, &self->rec, 53, 1u << FIX_FACE, &r);
	expect_refused(_metadata, &r, "modality face: taken, but");
	/* the signature reused, yet its records are here */
	ASSERT_EQ(0, fix_session_builder(&self->rec, 54, 1, 0, &b));
	ASSERT_EQ(0, biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_SIGNATURE,
							  BIOUNIT_MODALITY_REUSED,
							  "application 2024-117"));
	post_built(_metadata, self, b, &r);
	expect_refused(_metadata, &r, "modality signature: reused, but");
	/* reused without its records: accepted */
	ASSERT_EQ(0, fix_session_builder(&self->rec, 55, 1,
					 1u << FIX_SIG_IMAGE | 1u << FIX_SIG_PEN, &b));
	ASSERT_EQ(0, biounit_package_builder_set_modality(b, BIOUNIT_MODALITY_SIGNATURE,
							  BIOUNIT_MODALITY_REUSED,
							  "application 2024-117"));
	post_built(_metadata, self, b, &r);
	EXPECT_EQ(201, r.status) TH_LOG("%s", r.body);
	EXPECT_EQ(1u, hsvc_log_count(&self->s, "stored", NULL));
	EXPECT_EQ(6u, hsvc_log_count(&self->s, "refused", NULL));
}

/* until each of @fds is closed by the peer (or @ms pass); how many are */
static unsigned int closed_by_peer(int *fds, unsigned int n, int ms)
{
	unsigned int closed = 0;
	char b;

	for (;;) {
		closed = 0;
		for (unsigned int i = 0; i < n; i++) {
			if (fds[i] < 0) {
				closed++;
				continue;
			}
			ssize_t r = recv(fds[i], &b, 1, MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
				close(fds[i]);
				fds[i] = -1;
				closed++;
			}
		}
		if (closed == n || ms <= 0)
			return closed;
		hsvc_sleep_ms(100);
		ms -= 100;
	}
}

/*
 * 1,100 idle TCP connections from one address (127.0.0.2) that never start
 * TLS: a client from another address (127.0.0.1) still gets its answer, the
 * idle ones beyond the per-address limit are closed at once, and the rest
 * once they have been idle for the time-out. Loopback only.
 */
TEST_F_TIMEOUT(svc, idle_connections_do_not_shut_out_clients, 90)
{
	enum { IDLE = 1100 };
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	struct rlimit rl;
	struct reply r1;
	struct timespec t0, t1;
	unsigned int open_now, made = 0;
	int *fds = calloc(IDLE, sizeof(int));
	double ms;

	ASSERT_NE(NULL, fds);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < IDLE + 200)
		SKIP(free(fds); return, "RLIMIT_NOFILE hard limit %lu", (unsigned long)rl.rlim_max);
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 4096 ? 4096 : rl.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	/* the service started again with that limit: its own descriptors could pass 1024 */
	ASSERT_EQ(0, hsvc_stop(&self->s));
	ASSERT_EQ(0, hsvc_start(&self->s, NULL));
	inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons((uint16_t)self->s.port);
	for (unsigned int i = 0; i < IDLE; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&src, sizeof(src)) ||
		    (connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) && errno != EINPROGRESS)) {
			TH_LOG("connection %u: %s", i, strerror(errno));
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
			continue;
		}
		made++;
	}
	EXPECT_EQ((unsigned int)IDLE, made);
	hsvc_sleep_ms(500);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, post(&self->s, PKG_CT, self->id, self->hash, self->pkg, self->len, &r1));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "# a client among %u idle connections: HTTP %ld in %.0f ms\n", made,
		r1.status, ms);
	EXPECT_EQ(201, r1.status) TH_LOG("%s", r1.body);
	EXPECT_GT(5000.0, ms);

	/* beyond the per-address limit: closed at once; the rest after the idle time-out */
	open_now = IDLE - closed_by_peer(fds, IDLE, 2000);
	TH_LOG("%u idle connections still open after 2 s", open_now);
	EXPECT_GE(32u, open_now);
	EXPECT_EQ((unsigned int)IDLE, closed_by_peer(fds, IDLE, 15000));
	for (unsigned int i = 0; i < IDLE; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

TEST_HARNESS_MAIN
