/* SPDX-License-Identifier: GPL-2.0 */
/* One Varlink call message, checked (message.c; docs/biounitd.md section 3). */
#ifndef BIOUNITD_MESSAGE_H
#define BIOUNITD_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "session/json.h"

struct vl_call {
	struct json_value *root;
	const char *method;
	const struct json_value *params;	/* an object (empty when absent or null) */
	bool more, oneway;
};

/* @len bytes are well-formed UTF-8 (RFC 3629) */
bool vl_utf8_valid(const char *buf, size_t len);
/*
 * Parse and check the message @msg (@len bytes, without its NUL). 0, or
 * -EINVAL / -ENOMEM with what is wrong in *@why (a fixed text, safe to send).
 * On success vl_call_free() releases it.
 */
int vl_call_parse(const char *msg, size_t len, struct vl_call *call, const char **why);
void vl_call_free(struct vl_call *call);

#endif
