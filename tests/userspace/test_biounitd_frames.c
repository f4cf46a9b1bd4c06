// SPDX-License-Identifier: GPL-2.0
/*
 * biounitd's camera frames on the zero-copy plane path (userspace/daemon/frame_pool.c,
 * docs/biounitd.md): who holds a face frame and when it goes back to the driver. A fake
 * display keeps the contract of biounit_display_show_buffer() (screen.h): a buffer is
 * released once the flip that replaces it on the screen completed, or when a newer frame
 * takes its place while it waited for a flip in flight, and everything it holds on
 * biounit_display_forget_buffers(). A fake camera with the stream's buffers dequeues only
 * buffers the driver has (given back). The engine's part is engine.c's: the newest frame
 * held for a redraw (e->cur), one more hold per frame handed to the display.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"

#include "daemon/frame_pool.h"

#define BUFS 6

/* ---- the camera: its buffers, which ones the driver has ---- */
struct fake_buf {
	int index;
	bool with_driver;	/* queued: the camera may fill it */
	unsigned int puts;	/* given back this many times (per lending) */
};
static struct fake_buf bufs[BUFS];
static unsigned int wrong_puts;	/* a buffer given back that the driver had */

static int fake_put(struct biounit_frame *fr)
{
	struct fake_buf *b = (struct fake_buf *)fr;

	if (b->with_driver)
		wrong_puts++;
	b->with_driver = true;
	b->puts++;
	return 0;
}

static void camera_reset(void)
{
	for (int i = 0; i < BUFS; i++)
		bufs[i] = (struct fake_buf){ .index = i, .with_driver = true };
	wrong_puts = 0;
}

/* the next buffer the camera filled (round robin over those the driver has; one of them
 * is being filled, so a frame needs two queued); NULL: the camera starves */
static struct fake_buf *camera_dequeue(void)
{
	static int next;
	int queued = 0;

	for (int i = 0; i < BUFS; i++)
		queued += bufs[i].with_driver;
	if (queued < 2)
		return NULL;
	for (int n = 0; n < BUFS; n++, next = (next + 1) % BUFS)
		if (bufs[next].with_driver) {
			struct fake_buf *b = &bufs[next];

			b->with_driver = false;
			next = (next + 1) % BUFS;
			return b;
		}
	return NULL;
}

/* ---- the display: on the screen, in flight, waiting (screen.h's contract) ---- */
struct fake_display {
	struct frame_slot *screen, *flight, *wait;
};

static void disp_show(struct fake_display *d, struct frame_slot *s)
{
	if (d->flight) {	/* a flip is pending: the newest waits, the one waiting goes */
		frame_slot_release(d->wait);
		d->wait = s;
		return;
	}
	d->flight = s;
}

static void disp_flip(struct fake_display *d)
{
	if (!d->flight)
		return;
	frame_slot_release(d->screen);	/* replaced on the screen */
	d->screen = d->flight;
	d->flight = d->wait;
	d->wait = NULL;
}

static void disp_forget(struct fake_display *d)
{
	frame_slot_release(d->wait);
	frame_slot_release(d->flight);
	frame_slot_release(d->screen);
	*d = (struct fake_display){ 0 };
}

static bool held_by(const struct fake_display *d, const struct frame_slot *cur,
		    const struct fake_buf *b)
{
	const struct frame_slot *s[] = { d->screen, d->flight, d->wait, cur };

	for (size_t i = 0; i < 4; i++)
		if (s[i] && s[i]->fr == (struct biounit_frame *)b)
			return true;
	return false;
}

/* the engine: a new frame shown and held as the newest, the one before let go */
static struct frame_slot *engine_frame(struct frame_pool *p, struct fake_display *d,
				       struct frame_slot *cur, struct fake_buf *b)
{
	struct frame_slot *s = frame_pool_take(p, (struct biounit_frame *)b, (uint32_t)b->index, 40 + b->index);

	if (!s)
		return cur;
	disp_show(d, frame_slot_ref(s));
	frame_slot_release(cur);
	return s;
}

TEST(a_frame_goes_back_only_when_neither_the_engine_nor_the_display_holds_it)
{
	struct frame_pool pool;
	struct fake_display d = { 0 };
	struct frame_slot *cur = NULL;
	unsigned int starved = 0, frames = 0;

	camera_reset();
	frame_pool_init(&pool, fake_put);
	srand(17);
	for (int i = 0; i < 400; i++) {
		struct fake_buf *b = camera_dequeue();

		if (!b) {
			starved++;
		} else {
			cur = engine_frame(&pool, &d, cur, b);
			frames++;
			/* a new advice: the frame on the screen shown again */
			if (rand() % 5 == 0)
				disp_show(&d, frame_slot_ref(cur));
		}
		/* flips at the display's pace, frames at the camera's (either faster) */
		if (rand() % 3)
			disp_flip(&d);
		/* every buffer the driver lacks is held by someone; every held one is lent */
		for (int k = 0; k < BUFS; k++) {
			ASSERT_EQ(!bufs[k].with_driver, held_by(&d, cur, &bufs[k]))
				TH_LOG("frame %d: buffer %d with the driver %d", i, k,
				       bufs[k].with_driver);
		}
		ASSERT_GE(4u, frame_pool_held(&pool));	/* screen, flight, waiting, the engine's */
	}
	EXPECT_EQ(0u, starved) TH_LOG("%d buffers: the camera starved %u times", BUFS, starved);
	EXPECT_EQ(0u, wrong_puts);
	/* the stream stops: the display lets go first, then the engine; nothing is left */
	disp_forget(&d);
	frame_slot_release(cur);
	EXPECT_EQ(0u, frame_pool_drain(&pool));
	EXPECT_EQ(0u, frame_pool_held(&pool));
	EXPECT_EQ(frames, pool.taken);
	EXPECT_EQ(frames, pool.back);
	for (int k = 0; k < BUFS; k++)
		EXPECT_TRUE(bufs[k].with_driver);
	EXPECT_EQ(0u, pool.late);
}

TEST(the_frame_on_the_screen_stays_lent_until_the_flip_that_replaces_it)
{
	struct frame_pool pool;
	struct fake_display d = { 0 };
	struct frame_slot *cur;
	struct fake_buf *a, *b;

	camera_reset();
	frame_pool_init(&pool, fake_put);
	a = camera_dequeue();
	cur = engine_frame(&pool, &d, NULL, a);
	disp_flip(&d);			/* a on the screen */
	b = camera_dequeue();
	cur = engine_frame(&pool, &d, cur, b);	/* the engine lets go of a: the screen has it */
	EXPECT_FALSE(a->with_driver);
	EXPECT_EQ(0u, a->puts);
	disp_flip(&d);			/* b replaces a on the screen */
	EXPECT_TRUE(a->with_driver);
	EXPECT_EQ(1u, a->puts);
	EXPECT_FALSE(b->with_driver);
	/* b shown again (new advice) and the engine's hold: still lent after one more flip */
	disp_show(&d, frame_slot_ref(cur));
	disp_flip(&d);
	EXPECT_FALSE(b->with_driver);
	disp_forget(&d);
	EXPECT_FALSE(b->with_driver);	/* the engine still holds it */
	frame_slot_release(cur);
	EXPECT_TRUE(b->with_driver);
	EXPECT_EQ(1u, b->puts);
	EXPECT_EQ(0u, wrong_puts);
}

TEST(a_stop_gives_back_what_a_holder_forgot_and_a_late_release_puts_nothing)
{
	struct frame_pool pool;
	struct fake_display d = { 0 };
	struct frame_slot *cur;
	struct fake_buf *a;

	camera_reset();
	frame_pool_init(&pool, fake_put);
	a = camera_dequeue();
	cur = engine_frame(&pool, &d, NULL, a);
	/* the engine lets go, the display not (a display that broke its contract) */
	frame_slot_release(cur);
	EXPECT_FALSE(a->with_driver);
	EXPECT_EQ(1u, frame_pool_drain(&pool));
	EXPECT_TRUE(a->with_driver);
	EXPECT_EQ(1u, a->puts);
	disp_forget(&d);		/* its release comes after: counted, no second put */
	EXPECT_EQ(1u, a->puts);
	EXPECT_EQ(1u, pool.late);
	EXPECT_EQ(0u, wrong_puts);
}

TEST(a_buffer_lent_twice_is_given_back_not_held_twice)
{
	struct frame_pool pool;
	struct frame_slot *s;

	camera_reset();
	frame_pool_init(&pool, fake_put);
	bufs[2].with_driver = false;
	s = frame_pool_take(&pool, (struct biounit_frame *)&bufs[2], 2, -1);
	ASSERT_NE(NULL, s);
	EXPECT_EQ(-1, s->dmabuf_fd);
	bufs[3].with_driver = false;
	/* another frame claiming buffer 2 while it is held, and one out of range */
	EXPECT_EQ(NULL, frame_pool_take(&pool, (struct biounit_frame *)&bufs[3], 2, -1));
	EXPECT_TRUE(bufs[3].with_driver);
	bufs[3].with_driver = false;
	EXPECT_EQ(NULL, frame_pool_take(&pool, (struct biounit_frame *)&bufs[3], FRAME_POOL_SLOTS, -1));
	EXPECT_TRUE(bufs[3].with_driver);
	EXPECT_EQ(1u, frame_pool_held(&pool));
	frame_slot_release(s);
	EXPECT_EQ(0u, frame_pool_held(&pool));
	EXPECT_EQ(0u, wrong_puts);
	frame_slot_release(NULL);
	EXPECT_EQ(NULL, frame_slot_ref(NULL));
}

TEST_HARNESS_MAIN
