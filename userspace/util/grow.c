// SPDX-License-Identifier: GPL-2.0
/* The growth step of the userspace modules' buffers (grow.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

int util_grow(void *data, size_t *cap, size_t len, size_t extra, size_t size, size_t first,
	      size_t max)
{
	size_t limit = SIZE_MAX / size, need, n;
	void *p;

	if (max && max < limit)
		limit = max;
	if (len > limit || extra > limit - len)
		return -E2BIG;
	need = len + extra;
	if (need <= *cap)
		return 0;
	n = *cap ? *cap : (first ? first : 1);
	while (n < need)
		n = n > limit / 2 ? limit : n * 2;
	memcpy(&p, data, sizeof(p));
	p = realloc(p, n * size);
	if (!p)
		return -ENOMEM;
	memcpy(data, &p, sizeof(p));
	*cap = n;
	return 0;
}
