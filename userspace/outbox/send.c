// SPDX-License-Identifier: GPL-2.0
/*
 * One sending pass: every queued package that is due, oldest first, is
 * posted once; each outcome is committed before the next package:
 *  - an acknowledgement (200 or 201) naming this package's hash: delivered,
 *    its bytes wiped, the ack id kept;
 *  - a refusal (400, 403, 409, 413, 415, 422): refused, the reason kept;
 *  - anything else (no connection, time-out, TLS failure, 408, 429, 5xx, an
 *    answer that does not name the package): retried after an exponential
 *    backoff with jitter (at least Retry-After). So is 403
 *    "client-certificate": the client did not accept the unit's certificate
 *    (mutual TLS), which is the unit's configuration, not the package; it
 *    is delivered once the certificate is put right, without a requeue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "outbox_internal.h"

/* the error code a client gives when it does not accept the unit's certificate */
#define CLIENT_CERT_ERROR "client-certificate"

static bool refusal(const struct ob_response *resp)
{
	long status = resp->status;
	char code[64] = "";

	if (status == 403 && !ob_json_string(resp->body, "error", code, sizeof(code)) &&
	    !strcmp(code, CLIENT_CERT_ERROR))
		return false;	/* the unit's certificate, not the package: retried */
	return status == 400 || status == 403 || status == 409 || status == 413 ||
	       status == 415 || status == 422;
}

static int64_t backoff_ms(const struct biounit_outbox_sender *cfg, unsigned int attempts,
			  int64_t retry_after)
{
	int64_t lo = cfg->backoff_min_ms > 0 ? cfg->backoff_min_ms : 1000;
	int64_t hi = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 300000;
	int64_t d = lo;
	unsigned int i;

	for (i = 1; i < attempts && d < hi; i++)
		d *= 2;
	if (d > hi)
		d = hi;
	/* "equal jitter": half fixed, half random, so that units do not retry in step */
	d = d / 2 + (int64_t)randombytes_uniform((uint32_t)(d / 2 + 1));
	if (retry_after > d)
		d = retry_after < hi ? retry_after : hi;
	return d;
}

/* The client's error text: "HTTP 422 signature: the signature does not verify". */
static void error_reason(const struct ob_response *resp, char *out, size_t n)
{
	char code[64] = "", msg[200] = "", clean[200];

	ob_json_string(resp->body, "error", code, sizeof(code));
	ob_json_string(resp->body, "message", msg, sizeof(msg));
	snprintf(clean, sizeof(clean), "%s%s%s", code, *code && *msg ? ": " : "", msg);
	ob_clean_text(clean, msg, sizeof(msg));
	snprintf(out, n, "HTTP %ld%s%s", resp->status, *msg ? " " : "", msg);
}

static bool ack_ok(const struct ob_response *resp, const struct ob_item *it, char *ack_id,
		   size_t n)
{
	char hash[80] = "";

	if (ob_json_string(resp->body, "package_hash", hash, sizeof(hash)) ||
	    strcmp(hash, it->hash) || ob_json_string(resp->body, "ack_id", ack_id, n) || !*ack_id)
		return false;
	for (const char *p = ack_id; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

static int send_one(struct biounit_outbox *ob, const struct biounit_outbox_sender *cfg,
		    void *http, const struct ob_item *it, struct biounit_outbox_pass *pass)
{
	struct ob_response *resp;
	char reason[256], ack_id[128];
	uint8_t *data;
	size_t len;
	int64_t now;
	int r;

	r = ob_load(ob, it->seq, &data, &len);
	if (r == -ENOENT)
		return 0;	/* another sender got there first */
	if (r)
		return r;
	resp = malloc(sizeof(*resp));
	if (!resp) {
		free(data);
		return -ENOMEM;
	}
	r = ob_http_post(http, cfg, it, data, len, resp);
	sodium_memzero(data, len);
	free(data);
	if (r)
		goto out;
	now = ob_now_ms();
	if (resp->curl_error) {
		snprintf(reason, sizeof(reason), "no answer: %s", resp->curl_message);
		ob_clean_text(reason, reason, sizeof(reason));
	} else if (resp->status == 200 || resp->status == 201) {
		if (ack_ok(resp, it, ack_id, sizeof(ack_id))) {
			r = ob_mark_delivered(ob, it->seq, ack_id, now);
			pass->delivered += !r;
			goto out;
		}
		snprintf(reason, sizeof(reason),
			 "HTTP %ld but the acknowledgement does not name this package",
			 resp->status);
	} else if (refusal(resp)) {
		error_reason(resp, reason, sizeof(reason));
		r = ob_mark_refused(ob, it->seq, reason, now);
		pass->refused += !r;
		goto out;
	} else {
		error_reason(resp, reason, sizeof(reason));
	}
	r = ob_mark_deferred(ob, it->seq, reason, now,
			     now + backoff_ms(cfg, it->attempts + 1, resp->retry_after_ms));
	pass->deferred += !r;
out:
	free(resp);
	return r;
}

int biounit_outbox_send_due(struct biounit_outbox *ob, const struct biounit_outbox_sender *cfg,
			    struct biounit_outbox_pass *pass)
{
	struct biounit_outbox_pass local = { 0 };
	struct ob_item *items;
	int64_t now, max;
	void *http;
	size_t n, i;
	int r;

	if (!ob || !cfg || !cfg->url || strncmp(cfg->url, "https://", 8))
		return -EINVAL;	/* HTTPS only: a plain-HTTP URL would only ever fail */
	if (!cfg->client_cert != !cfg->client_key)
		return -EINVAL;	/* a certificate goes with its key */
	if (sodium_init() < 0)
		return -EIO;
	if (!pass)
		pass = &local;
	memset(pass, 0, sizeof(*pass));
	now = ob_now_ms();
	max = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 300000;
	r = ob_due(ob, now, max, cfg->max_per_pass, &items, &n);
	if (r)
		return r;
	if (n) {
		http = ob_http_new(cfg);
		if (!http) {
			free(items);
			return -ENOMEM;
		}
		for (i = 0; i < n && !r; i++) {
			if (i && cfg->should_stop && cfg->should_stop(cfg->stop_arg))
				break;
			r = send_one(ob, cfg, http, &items[i], pass);
		}
		ob_http_free(http);
	}
	free(items);
	if (r)
		return r;
	return ob_counts(ob, ob_now_ms(), &pass->waiting, &pass->next_due_ms);
}
