// SPDX-License-Identifier: GPL-2.0
/*
 * biounit-refservice: the reference document-ordering service.
 *
 *   biounit-refservice --cert PEM --key PEM --store DIR --trust PUBKEY [--trust PUBKEY...]
 *                      [--listen ADDR] [--port N] [--port-file FILE] [--log FILE]
 *                      [--fail MODE [--fail-count N]] [--delay-ms N] [--control]
 *                      [--max-size BYTES] [--client-ca PEM]
 *   biounit-refservice --summary --store DIR [--trust PUBKEY...]
 *
 * Serves the hand-off protocol of docs/handoff.md over HTTPS until SIGTERM or
 * SIGINT (then it finishes the requests in progress and exits 0). --port 0
 * (the default) picks a free port; --port-file receives the port once the
 * service listens. MODE: ok, error, unavailable, timeout, drop, lost-ack, slow,
 * slow-ack, wrong-ack (see --help); --control enables POST /v1/control to change it.
 * --client-ca requires of every request a client certificate (mutual TLS)
 * signed by a CA of that PEM file, valid now and meant for TLS client
 * authentication; others get 403 "client-certificate" (client_auth.c).
 * --summary verifies every stored package again and prints its manifest
 * (never record bytes). Exit status: 0 stopped (or all verified), 1 failed to
 * start (or a stored package fails), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#include "refservice.h"
#include "util/atomic_file.h"
#include "util/read_file.h"

static int usage(FILE *f)
{
	fprintf(f,
		"usage: biounit-refservice --cert PEM --key PEM --store DIR --trust PUBKEY...\n"
		"         [--listen ADDR] [--port N] [--port-file FILE] [--log FILE]\n"
		"         [--fail MODE [--fail-count N]] [--delay-ms N] [--control] [--max-size B]\n"
		"         [--client-ca PEM]\n"
		"       biounit-refservice --summary --store DIR [--trust PUBKEY...]\n"
		"MODE: ok | error (500) | unavailable (503, Retry-After: 1) | timeout (hold the\n"
		"      request --delay-ms, then close it) | drop (close, store nothing) |\n"
		"      lost-ack (store, then close without answering) | slow (wait --delay-ms,\n"
		"      then answer) | slow-ack (store, wait, answer) | wrong-ack (store, then\n"
		"      acknowledge naming another hash)\n"
		"--fail-count N: only the next N package requests fail (default: all).\n"
		"--control: POST /v1/control?mode=MODE&count=N&delay_ms=D changes the mode.\n"
		"--client-ca PEM: require a client certificate signed by one of these CAs\n"
		"      (mutual TLS); a request without one is answered 403 client-certificate.\n");
	return 2;
}

/* a PEM file as a string; NULL with errno set */
static char *read_text(const char *path)
{
	char *buf;
	size_t len;
	int r = util_read_file(path, 1 << 20, 0, &buf, &len);

	if (r) {
		errno = -r;
		return NULL;
	}
	return buf;
}

/* the bound port, for the test that started us: replaced atomically (0644) */
static int write_port_file(const char *path, unsigned int port)
{
	char line[16];
	int n = snprintf(line, sizeof(line), "%u\n", port);

	return util_atomic_write(path, line, (size_t)n, 0644);
}

/* what the command line names, beside what goes straight into struct refsvc */
struct args {
	const char *cert, *key, *store, *listen_addr, *port_file, *log_path, *client_ca;
	unsigned int port;
	bool summary;
};

/* --trust FILE: one more unit whose packages are taken; 0 or an exit status */
static int add_trust(struct refsvc *s, const char *path)
{
	int r;

	if (s->n_trust == REFSVC_MAX_TRUST) {
		fprintf(stderr, "biounit-refservice: at most %d --trust\n", REFSVC_MAX_TRUST);
		return 2;
	}
	r = biounit_pubkey_load(path, s->trust[s->n_trust]);
	if (r) {
		fprintf(stderr, "biounit-refservice: %s: %s\n", path,
			r == -EBADMSG ? "not a biounit public key" : strerror(-r));
		return 1;
	}
	s->n_trust++;
	return 0;
}

/* Returns -1 to go on, else the exit status (--help, or a bad argument said on stderr). */
static int parse_args(int argc, char **argv, struct refsvc *s, struct args *a)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "store", required_argument, NULL, 's' },
		{ "trust", required_argument, NULL, 't' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "log", required_argument, NULL, 'L' },
		{ "fail", required_argument, NULL, 'f' },
		{ "fail-count", required_argument, NULL, 'n' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "control", no_argument, NULL, 'C' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "summary", no_argument, NULL, 'S' },
		{ "client-ca", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': a->cert = optarg; break;
		case 'k': a->key = optarg; break;
		case 's': a->store = optarg; break;
		case 'l': a->listen_addr = optarg; break;
		case 'p': a->port = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'P': a->port_file = optarg; break;
		case 'L': a->log_path = optarg; break;
		case 'C': s->control = true; break;
		case 'S': a->summary = true; break;
		case 'A': a->client_ca = optarg; break;
		case 'n': s->mode_count = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'd': s->delay_ms = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'm': s->max_size = strtoul(optarg, NULL, 10); break;
		case 'f':
			if (refsvc_mode_parse(optarg, &s->mode))
				return usage(stderr);
			break;
		case 't':
			r = add_trust(s, optarg);
			if (r)
				return r;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage(stderr);
		}
	}
	return -1;
}

/* the server's certificate and key and, with --client-ca, the CA of its clients' certificates */
static int read_tls(const struct args *a, struct refsvc *s, char **cert_pem, char **key_pem,
		    char **ca_pem)
{
	int r;

	*cert_pem = read_text(a->cert);
	*key_pem = read_text(a->key);
	if (!*cert_pem || !*key_pem) {
		fprintf(stderr, "biounit-refservice: cannot read %s\n", *cert_pem ? a->key : a->cert);
		return 1;
	}
	if (!a->client_ca)
		return 0;
	*ca_pem = read_text(a->client_ca);
	r = *ca_pem ? refsvc_client_ca_check(*ca_pem) : -errno;
	if (r) {
		fprintf(stderr, "biounit-refservice: --client-ca %s: %s\n", a->client_ca,
			r == -EBADMSG ? "no PEM certificate in it" : strerror(-r));
		return 1;
	}
	s->client_auth = true;
	return 0;
}

/* Serves until SIGTERM or SIGINT; the exit status. */
static int serve(struct refsvc *s, const struct args *a, const char *cert_pem,
		 const char *key_pem, const char *ca_pem)
{
	unsigned int bound = 0;
	struct MHD_Daemon *d;
	sigset_t set;
	int r, sig;

	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->store_lock, NULL);
	pthread_cond_init(&s->wake, NULL);

	/* the service's threads inherit this mask; main waits for the signals */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	d = refsvc_start(s, a->listen_addr, a->port, cert_pem, key_pem, ca_pem, &bound);
	if (!d) {
		fprintf(stderr, "biounit-refservice: cannot listen on %s:%u\n", a->listen_addr,
			a->port);
		return 1;
	}
	refsvc_log(s, "listening %s:%u store %s trusted %zu mode %s client certificates %s",
		   a->listen_addr, bound, a->store, s->n_trust, refsvc_mode_name(s->mode),
		   s->client_auth ? "required" : "not asked for");
	if (a->port_file && (r = write_port_file(a->port_file, bound))) {
		fprintf(stderr, "biounit-refservice: %s: %s\n", a->port_file, strerror(-r));
		MHD_stop_daemon(d);
		return 1;
	}
	while (sigwait(&set, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	MHD_stop_daemon(d);
	refsvc_log(s, "stopped: %lu requests, %lu stored, %lu duplicates, %lu refused",
		   s->requests, s->stored, s->duplicates, s->refused);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { .listen_addr = "127.0.0.1" };
	struct refsvc s = { .log_fd = 2, .max_size = BIOUNIT_PACKAGE_MAX_SIZE, .delay_ms = 2000 };
	char *cert_pem = NULL, *key_pem = NULL, *ca_pem = NULL;
	int r;

	r = parse_args(argc, argv, &s, &a);
	if (r >= 0)
		return r;
	if (a.summary && optind == argc && a.store)
		return refsvc_summary(&s, a.store);
	if (optind != argc || !a.cert || !a.key || !a.store || !s.n_trust || a.port > 65535)
		return usage(stderr);
	if (a.log_path) {
		s.log_fd = open(a.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (s.log_fd < 0) {
			fprintf(stderr, "biounit-refservice: %s: %s\n", a.log_path, strerror(errno));
			return 1;
		}
	}
	r = read_tls(&a, &s, &cert_pem, &key_pem, &ca_pem);
	if (!r) {
		r = refsvc_store_open(&s, a.store);
		if (r) {
			fprintf(stderr, "biounit-refservice: store %s: %s\n", a.store, strerror(-r));
			r = 1;
		} else {
			r = serve(&s, &a, cert_pem, key_pem, ca_pem);
			close(s.store_fd);
		}
	}
	free(cert_pem);
	free(key_pem);
	free(ca_pem);
	return r;
}
