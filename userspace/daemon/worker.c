// SPDX-License-Identifier: GPL-2.0
/*
 * A worker thread for the poll loop (docs/biounitd.md "Threads"): the loop
 * hands it one job at a time (for the hand-off: building and committing a
 * package, sending one; for the engine: the preview check of a camera
 * frame's copy), the thread runs it, and the finished job comes back through
 * an eventfd the loop polls. The job itself holds everything the thread
 * touches; the loop's data (sessions, clients, the engine) stays with the
 * loop, so nothing but the job slot is shared, under one mutex. Each thread
 * runs at the nice value it was started with, relative to the loop's: the
 * hand-off's at +10 (on a busy unit the captures and the control socket come
 * first, the encoding after), the preview check's at 0 (its advice is part of
 * what the applicant sees; see engine.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "biounitd.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int efd;			/* readable when a job is done */
	atomic_int stopping;
	void (*run)(void *job);		/* the job in hand (NULL: none) */
	void *job;
	void *done;			/* a finished job, not taken yet */
	bool busy;			/* a job is given and not taken back */
	const char *name;
	int nice;			/* added to the loop's nice value */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t one = 1;

	/* Linux: a thread's own nice value (setpriority(2) on its id); it starts with the loop's */
	if (w->nice) {
		int base;

		errno = 0;
		base = getpriority(PRIO_PROCESS, (id_t)gettid());
		if ((base == -1 && errno) ||
		    setpriority(PRIO_PROCESS, (id_t)gettid(), base + w->nice))
			log_msg(LOG_WARN_, "%s: nice +%d: %s", w->name, w->nice, strerror(errno));
	}
	pthread_mutex_lock(&w->lock);
	for (;;) {
		void (*run)(void *job);
		void *job;

		while (!w->run && !atomic_load(&w->stopping))
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->run)
			break;		/* stopping, nothing in hand */
		run = w->run;
		job = w->job;
		pthread_mutex_unlock(&w->lock);
		run(job);
		pthread_mutex_lock(&w->lock);
		w->run = NULL;
		w->job = NULL;
		w->done = job;
		if (write(w->efd, &one, sizeof(one)) != sizeof(one))
			log_msg(LOG_ERR_, "%s: eventfd: a finished job is not signalled", w->name);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int worker_start(struct worker **out, const char *name, int nice)
{
	struct worker *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->name = name;
	w->nice = nice;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		r = -errno;
		free(w);
		return r;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	r = -pthread_create(&w->thread, NULL, worker_main, w);
	if (r) {
		close(w->efd);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return r;
	}
	*out = w;
	return 0;
}

void *worker_stop(struct worker *w)
{
	void *job;

	if (!w)
		return NULL;
	pthread_mutex_lock(&w->lock);
	atomic_store(&w->stopping, 1);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);	/* a job in hand runs to its end (jobs ask worker_stopping) */
	job = w->done;
	close(w->efd);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return job;
}

int worker_fd(const struct worker *w)
{
	return w->efd;
}

bool worker_busy(const struct worker *w)
{
	return w->busy;		/* only the loop changes it */
}

int worker_give(struct worker *w, void (*run)(void *job), void *job)
{
	if (w->busy)
		return -EBUSY;
	pthread_mutex_lock(&w->lock);
	w->run = run;
	w->job = job;
	w->busy = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void *worker_take(struct worker *w)
{
	uint64_t n;
	void *job;

	if (!w->busy || read(w->efd, &n, sizeof(n)) != sizeof(n))
		return NULL;
	pthread_mutex_lock(&w->lock);
	job = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->lock);
	if (job)
		w->busy = false;
	return job;
}

int worker_stopping(void *arg)
{
	struct worker *w = arg;

	return atomic_load(&w->stopping);
}
