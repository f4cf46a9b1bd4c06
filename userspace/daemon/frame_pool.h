/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Camera frames held by more than one owner (frame_pool.c): the engine keeps
 * the newest frame for a redraw, and on the zero-copy plane path the display
 * holds each frame it was given until the flip that replaces it on the
 * screen (biounit_display_show_buffer()'s release). A frame goes back to the
 * driver (@put, biounit_frame_release() in biounitd) when its last holder
 * lets go, exactly once.
 */
#ifndef BIOUNITD_FRAME_POOL_H
#define BIOUNITD_FRAME_POOL_H

#include <stdint.h>

#include <biounit/biounit.h>

#define FRAME_POOL_SLOTS 16	/* a stream's buffers at most (biounit_stream_new()) */

struct frame_pool;

/* one dequeued frame and its holders; the display's buffer description with it */
struct frame_slot {
	struct frame_pool *pool;
	struct biounit_frame *fr;	/* NULL: a free slot */
	unsigned int refs;
	int dmabuf_fd;			/* the frame's dma-buf, -1: mapped only */
	uint32_t index;			/* the stream's buffer index */
	uint32_t stride;		/* bytes a row (the caller's, for the display) */
};

struct frame_pool {
	struct frame_slot slot[FRAME_POOL_SLOTS];
	int (*put)(struct biounit_frame *fr);	/* the last holder let go */
	uint64_t taken, back;			/* frames taken, frames given back */
	unsigned int late;			/* lets go of a slot nobody held (a bug) */
};

/* an empty pool; @put gives a frame back to its stream */
void frame_pool_init(struct frame_pool *p, int (*put)(struct biounit_frame *fr));
/*
 * @fr (dequeued, buffer @index, its dma-buf or -1) held once, by the caller;
 * NULL (and @fr given back at once) if the index is out of range or its slot
 * is still held (the stream lent the same buffer twice: a bug).
 */
struct frame_slot *frame_pool_take(struct frame_pool *p, struct biounit_frame *fr,
				   uint32_t index, int dmabuf_fd);
/* one more holder of @s (NULL allowed); returns @s */
struct frame_slot *frame_slot_ref(struct frame_slot *s);
/* a holder lets go of @s (a struct frame_slot *, NULL allowed): the display's release callback */
void frame_slot_release(void *s);
/* frames held now */
unsigned int frame_pool_held(const struct frame_pool *p);
/*
 * The stream stops: every frame still held is given back now, its slot
 * freed (a holder that lets go later is counted in @late, nothing else
 * happens). Returns how many were still held: 0 when every holder (the
 * engine, the display after biounit_display_forget_buffers()) let go first.
 */
unsigned int frame_pool_drain(struct frame_pool *p);

#endif
