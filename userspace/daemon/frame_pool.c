// SPDX-License-Identifier: GPL-2.0
/*
 * Camera frames with more than one holder (frame_pool.h). Who holds a face
 * frame in biounitd (engine.c):
 *  - the engine, from the dequeue until the next frame replaces it as the one
 *    on the screen (e->cur: a new advice redraws it);
 *  - the display, once for each biounit_display_show_buffer() on the plane
 *    path, until its release callback (frame_slot_release()): the flip that
 *    replaces the frame on the screen, a newer frame waiting in its place, a
 *    failed commit, the display lost, biounit_display_forget_buffers();
 *  - never the checker thread: it gets a copy (RGB24) of the frame.
 * The buffer goes back to the driver when the last one lets go. The slots
 * are the engine's own (not freed with a stream), so a late release after a
 * drain touches no freed memory.
 */
#include <string.h>

#include "frame_pool.h"

void frame_pool_init(struct frame_pool *p, int (*put)(struct biounit_frame *fr))
{
	memset(p, 0, sizeof(*p));
	p->put = put;
	for (unsigned int i = 0; i < FRAME_POOL_SLOTS; i++) {
		p->slot[i].pool = p;
		p->slot[i].dmabuf_fd = -1;
	}
}

struct frame_slot *frame_pool_take(struct frame_pool *p, struct biounit_frame *fr,
				   uint32_t index, int dmabuf_fd)
{
	struct frame_slot *s;

	if (!fr)
		return NULL;
	if (index >= FRAME_POOL_SLOTS || p->slot[index].fr) {
		p->put(fr);
		return NULL;
	}
	s = &p->slot[index];
	s->fr = fr;
	s->refs = 1;
	s->index = index;
	s->dmabuf_fd = dmabuf_fd;
	p->taken++;
	return s;
}

struct frame_slot *frame_slot_ref(struct frame_slot *s)
{
	if (s && s->fr)
		s->refs++;
	return s;
}

static void give_back(struct frame_slot *s)
{
	struct biounit_frame *fr = s->fr;

	s->fr = NULL;
	s->refs = 0;
	s->dmabuf_fd = -1;
	s->pool->back++;
	s->pool->put(fr);
}

void frame_slot_release(void *arg)
{
	struct frame_slot *s = arg;

	if (!s)
		return;
	if (!s->fr || !s->refs) {
		s->pool->late++;
		return;
	}
	if (--s->refs == 0)
		give_back(s);
}

unsigned int frame_pool_held(const struct frame_pool *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FRAME_POOL_SLOTS; i++)
		n += p->slot[i].fr != NULL;
	return n;
}

unsigned int frame_pool_drain(struct frame_pool *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FRAME_POOL_SLOTS; i++)
		if (p->slot[i].fr) {
			give_back(&p->slot[i]);
			n++;
		}
	return n;
}
