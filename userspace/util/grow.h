/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The growth step of every growable buffer of the userspace modules (the
 * records' and WSQ writers, the package's TLV buffer, the JPEG 2000 sink,
 * biounitd's Varlink queues, the signature's samples): capacity doubles from
 * a first size until the need fits, with the size arithmetic checked.
 */
#ifndef UTIL_GROW_H
#define UTIL_GROW_H

#include <stddef.h>

/**
 * util_grow() - Make the array *@data hold @len + @extra elements of @size.
 * @data: address of the array pointer (NULL at first); replaced on growth.
 * @cap:  its capacity in elements; updated on growth.
 * @len:  the elements in use; @extra: the elements wanted after them.
 * @first: the capacity of the first allocation.
 * @max:  the largest capacity allowed, in elements (0: what size_t holds).
 *
 * Nothing changes when *@cap >= @len + @extra already. New elements are
 * not initialised.
 * Return: 0; -E2BIG if @len + @extra exceeds @max or the byte count would
 * overflow; -ENOMEM (the old array stays valid and is not freed).
 */
int util_grow(void *data, size_t *cap, size_t len, size_t extra, size_t size, size_t first,
	      size_t max);

#endif
