// SPDX-License-Identifier: GPL-2.0
/*
 * Client certificates (mutual TLS), with --client-ca (docs/handoff.md).
 *
 * libmicrohttpd (0.9.75, GnuTLS) given a trust list (MHD_OPTION_HTTPS_MEM_TRUST)
 * asks every client for a certificate during the handshake but does not
 * require one, and does not judge it; so every request is checked here, on
 * the connection's GnuTLS session, before anything else: a certificate must
 * have been presented, chain to a CA of --client-ca, be valid now and, if it
 * names its purposes, be meant for TLS client authentication. A request that
 * fails is answered 403 "client-certificate" with the reason (the unit keeps
 * the package and retries: it is the unit's certificate, not its package).
 * Only the reason is logged, never the certificate's subject.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "refservice.h"

int refsvc_client_ca_check(const char *pem)
{
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned int)strlen(pem) };
	gnutls_x509_crt_t *list = NULL;
	unsigned int n = 0;
	int r;

	r = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	if (r < 0)
		return r == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EBADMSG;
	for (unsigned int i = 0; i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	return n ? 0 : -EBADMSG;
}

static const char *status_reason(unsigned int st)
{
	if (st & GNUTLS_CERT_SIGNER_NOT_FOUND)
		return "the client certificate is not signed by a CA trusted here";
	if (st & GNUTLS_CERT_EXPIRED)
		return "the client certificate has expired";
	if (st & GNUTLS_CERT_NOT_ACTIVATED)
		return "the client certificate is not valid yet";
	if (st & GNUTLS_CERT_REVOKED)
		return "the client certificate is revoked";
	if (st & GNUTLS_CERT_PURPOSE_MISMATCH)
		return "the client certificate is not for TLS client authentication";
	if (st & GNUTLS_CERT_SIGNER_NOT_CA)
		return "the client certificate's signer is not a CA";
	if (st & GNUTLS_CERT_INSECURE_ALGORITHM)
		return "the client certificate uses an insecure algorithm";
	return "the client certificate does not verify";
}

const char *refsvc_client_check(struct MHD_Connection *c)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	const union MHD_ConnectionInfo *ci;
	unsigned int status = 0;
	gnutls_session_t tls;
	int r;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return "no TLS session";
	tls = (gnutls_session_t)ci->tls_session;
	r = gnutls_certificate_verify_peers(tls, &purpose, 1, &status);
	if (r == GNUTLS_E_NO_CERTIFICATE_FOUND)
		return "no client certificate was presented";
	if (r < 0)
		return "the client certificate could not be verified";
	return status ? status_reason(status) : NULL;
}
