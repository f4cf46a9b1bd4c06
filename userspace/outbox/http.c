// SPDX-License-Identifier: GPL-2.0
/*
 * One POST of a package to the document-ordering client with libcurl:
 * HTTPS only, the peer's certificate and name verified, the unit's client
 * certificate presented if it has one (mutual TLS), the package id as
 * Idempotency-Key and its SHA-256 in Biounit-Package-Hash (docs/handoff.md).
 * The proxy is the sender's configuration, never the environment's.
 * The answer's status, body (bounded) and Retry-After are returned; the
 * package bytes are never logged or copied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "outbox_internal.h"

struct ob_http {
	CURL *curl;
};

void *ob_http_new(const struct biounit_outbox_sender *cfg)
{
	struct ob_http *h;

	(void)cfg;
	/* reference-counted, thread-safe since libcurl 7.84 */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h)
		h->curl = curl_easy_init();
	if (!h || !h->curl) {
		free(h);
		curl_global_cleanup();
		return NULL;
	}
	return h;
}

void ob_http_free(void *p)
{
	struct ob_http *h = p;

	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
	curl_global_cleanup();
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct ob_response *r = user;
	size_t n = size * nmemb, have = strlen(r->body), room = sizeof(r->body) - 1 - have;

	memcpy(r->body + have, data, n < room ? n : room);
	r->body[have + (n < room ? n : room)] = '\0';
	return n;	/* the rest of a long body is dropped, not an error */
}

/* the caller's stop request, asked about once a second (also while connecting) */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	const struct biounit_outbox_sender *cfg = user;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return cfg->should_stop(cfg->stop_arg) ? 1 : 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
	struct ob_response *r = user;
	size_t n = size * nmemb;

	if (n > 12 && !strncasecmp(data, "Retry-After:", 12)) {
		char tmp[32];
		size_t k = n - 12 < sizeof(tmp) - 1 ? n - 12 : sizeof(tmp) - 1;
		char *end;
		long v;

		memcpy(tmp, data + 12, k);
		tmp[k] = '\0';
		v = strtol(tmp, &end, 10);
		if (end != tmp && v >= 0 && v < 86400)
			r->retry_after_ms = (int64_t)v * 1000;
	}
	return n;
}

int ob_http_post(void *p, const struct biounit_outbox_sender *cfg, const struct ob_item *it,
		 const uint8_t *data, size_t len, struct ob_response *resp)
{
	struct ob_http *h = p;
	struct curl_slist *hdrs = NULL, *n;
	char line[160], errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = h->curl;
	CURLcode rc;
	int r = 0;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after_ms = -1;
	static const char *const fixed[] = {
		"Content-Type: application/vnd.biounit.package",
		"Accept: application/json",
		"Expect:",	/* no 100-continue round trip */
	};
	for (size_t i = 0; i < 3 && !r; i++) {
		n = curl_slist_append(hdrs, fixed[i]);
		r = n ? 0 : -ENOMEM;
		hdrs = n ? n : hdrs;
	}
	snprintf(line, sizeof(line), "Idempotency-Key: %s", it->package_id);
	if (!r && !(n = curl_slist_append(hdrs, line)))
		r = -ENOMEM;
	else if (!r)
		hdrs = n;
	snprintf(line, sizeof(line), "Biounit-Package-Hash: %s", it->hash);
	if (!r && !(n = curl_slist_append(hdrs, line)))
		r = -ENOMEM;
	else if (!r)
		hdrs = n;
	if (r) {
		curl_slist_free_all(hdrs);
		return r;
	}

	curl_easy_reset(c);	/* keeps the connection cache */
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->client_cert) {	/* mutual TLS: the unit's certificate, when asked for */
		curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_cert);
		curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
		curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
	}
	/*
	 * The proxy is the configuration's, never the environment's: "" turns
	 * off libcurl's https_proxy/all_proxy, and "*" its no_proxy list.
	 */
	curl_easy_setopt(c, CURLOPT_PROXY, cfg->proxy ? cfg->proxy : "");
	if (!cfg->proxy || !cfg->proxy[0])
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	else
		curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	if (cfg->should_stop) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)cfg);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "biounit-outbox/1");

	rc = curl_easy_perform(c);
	resp->curl_error = (int)rc;
	if (rc != CURLE_OK) {
		snprintf(resp->curl_message, sizeof(resp->curl_message), "%s%s%s",
			 curl_easy_strerror(rc), *errbuf ? ": " : "", errbuf);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	return 0;
}
