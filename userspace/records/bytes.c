// SPDX-License-Identifier: GPL-2.0
/* The records' byte writer (growing buffer, big-endian fields, sticky error)
 * and reader (bounded: a read past the end marks the reader bad and yields 0). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "records_internal.h"
#include "util/grow.h"

static uint8_t *writer_room(struct rec_writer *w, size_t n)
{
	if (w->error)
		return NULL;
	if (util_grow(&w->data, &w->cap, w->len, n, 1, 256, 0)) {
		w->error = -ENOMEM;
		return NULL;
	}
	w->len += n;
	return w->data + w->len - n;
}

static void store_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static void put_be(struct rec_writer *w, uint64_t v, unsigned int bytes)
{
	uint8_t *p = writer_room(w, bytes);

	if (p)
		store_be(p, v, bytes);
}

void rec_put_u8(struct rec_writer *w, uint8_t v)
{
	put_be(w, v, 1);
}

void rec_put_u16(struct rec_writer *w, uint16_t v)
{
	put_be(w, v, 2);
}

void rec_put_u32(struct rec_writer *w, uint32_t v)
{
	put_be(w, v, 4);
}

void rec_put_u48(struct rec_writer *w, uint64_t v)
{
	put_be(w, v, 6);
}

void rec_put_u64(struct rec_writer *w, uint64_t v)
{
	put_be(w, v, 8);
}

void rec_put_bytes(struct rec_writer *w, const void *src, size_t n)
{
	uint8_t *p = writer_room(w, n);

	if (p && n)
		memcpy(p, src, n);
}

void rec_patch_u32(struct rec_writer *w, size_t at, uint32_t v)
{
	if (!w->error && at + 4 <= w->len)
		store_be(w->data + at, v, 4);
}

void rec_patch_u48(struct rec_writer *w, size_t at, uint64_t v)
{
	if (!w->error && at + 6 <= w->len)
		store_be(w->data + at, v, 6);
}

int rec_writer_finish(struct rec_writer *w, struct biounit_blob *out)
{
	int err = w->error;

	if (err) {
		free(w->data);
		*w = (struct rec_writer){ 0 };
		return err;
	}
	out->data = w->data;
	out->len = w->len;
	*w = (struct rec_writer){ 0 };
	return 0;
}

static uint64_t get_be(struct rec_reader *r, unsigned int bytes)
{
	uint64_t v = 0;

	if (r->bad || rec_left(r) < bytes) {
		r->bad = true;
		return 0;
	}
	for (unsigned int i = 0; i < bytes; i++)
		v = v << 8 | r->data[r->pos + i];
	r->pos += bytes;
	return v;
}

uint8_t rec_get_u8(struct rec_reader *r)
{
	return (uint8_t)get_be(r, 1);
}

uint16_t rec_get_u16(struct rec_reader *r)
{
	return (uint16_t)get_be(r, 2);
}

uint32_t rec_get_u32(struct rec_reader *r)
{
	return (uint32_t)get_be(r, 4);
}

uint64_t rec_get_u48(struct rec_reader *r)
{
	return get_be(r, 6);
}

uint64_t rec_get_u64(struct rec_reader *r)
{
	return get_be(r, 8);
}

const uint8_t *rec_get_bytes(struct rec_reader *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || rec_left(r) < n) {
		r->bad = true;
		return NULL;
	}
	p = r->data + r->pos;
	r->pos += n;
	return p;
}

void biounit_blob_free(struct biounit_blob *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
