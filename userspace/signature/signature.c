// SPDX-License-Identifier: GPL-2.0
/* The signature container: signing box and pen samples in time order. */
#include <errno.h>
#include <stdlib.h>
#include "signature_internal.h"
#include "util/grow.h"

int biounit_signature_new(const struct biounit_signature_box *box,
			  struct biounit_signature **out)
{
	struct biounit_signature *sig;

	if (!box || !out || box->x0 >= box->x1 || box->y0 >= box->y1 || !box->units_per_mm ||
	    !box->pressure_max)
		return -EINVAL;
	sig = calloc(1, sizeof(*sig));
	if (!sig)
		return -ENOMEM;
	sig->box = *box;
	*out = sig;
	return 0;
}

int biounit_signature_add(struct biounit_signature *sig,
			  const struct biounit_signature_sample *s)
{
	if (!sig || !s || s->pressure > sig->box.pressure_max ||
	    (sig->n && s->t_us < sig->s[sig->n - 1].t_us))
		return -EINVAL;
	if (sig->n >= BIOUNIT_SIGNATURE_MAX_SAMPLES)
		return -E2BIG;
	if (util_grow(&sig->s, &sig->cap, sig->n, 1, sizeof(*sig->s), 256, 0))
		return -ENOMEM;
	sig->s[sig->n] = *s;
	sig->s[sig->n].pen_down = !!s->pen_down;
	sig->n++;
	return 0;
}

void biounit_signature_free(struct biounit_signature *sig)
{
	if (!sig)
		return;
	free(sig->s);
	free(sig);
}

struct biounit_signature_box biounit_signature_get_box(const struct biounit_signature *sig)
{
	return sig->box;
}

size_t biounit_signature_count(const struct biounit_signature *sig)
{
	return sig->n;
}

int biounit_signature_sample(const struct biounit_signature *sig, size_t i,
			     struct biounit_signature_sample *out)
{
	if (i >= sig->n)
		return -ERANGE;
	*out = sig->s[i];
	return 0;
}
