/* POSIX threads and OpenMP for one CPU and one thread.  Mutexes,
 * condition variables and once are real: a mutex records its owner
 * state, so relocking a normal mutex reports the deadlock instead of
 * hanging.  No thread can be created (EAGAIN), so libraries that can run
 * single-threaded (liblzma, argon2) fall back to it; an OpenMP team runs
 * its threads one after another (see GOMP_parallel). */
#include "libc.h"

/* glibc's pthread_mutex_t is 24 bytes on i386; we use the first words. */
struct mutex {
	int locked;
	int kind; /* PTHREAD_MUTEX_NORMAL 0, RECURSIVE 1, ERRORCHECK 2 */
	int count;
};
struct cond {
	unsigned signals; /* pending wakeups nobody has consumed */
	int clock;
};

int pthread_mutex_init(struct mutex *m, const int *attr);
int pthread_mutex_destroy(struct mutex *m);
int pthread_mutex_lock(struct mutex *m);
int pthread_mutex_trylock(struct mutex *m);
int pthread_mutex_unlock(struct mutex *m);
int pthread_cond_init(struct cond *c, const int *attr);
int pthread_cond_destroy(struct cond *c);
int pthread_cond_signal(struct cond *c);
int pthread_cond_broadcast(struct cond *c);
int pthread_cond_wait(struct cond *c, struct mutex *m);
int pthread_cond_timedwait(struct cond *c, struct mutex *m, const void *abstime);
int pthread_condattr_init(int *a);
int pthread_condattr_destroy(int *a);
int pthread_condattr_setclock(int *a, int clock);
int pthread_once(int *once, void (*fn)(void));
int pthread_create(void *t, const void *attr, void *(*fn)(void *), void *arg);
int pthread_join(unsigned long t, void **ret);
void pthread_exit(void *ret) __attribute__((noreturn));
int pthread_sigmask(int how, const void *set, void *old);

int pthread_mutex_init(struct mutex *m, const int *attr)
{
	m->locked = 0;
	m->count = 0;
	/* glibc's pthread_mutexattr_t is one int holding the kind. */
	m->kind = attr ? *attr & 3 : 0;
	return 0;
}

int pthread_mutex_destroy(struct mutex *m) { return m->locked ? L_EBUSY : 0; }

/* The only thread holds it already: a recursive mutex counts, any other
 * kind would wait forever, so report the deadlock. */
int pthread_mutex_lock(struct mutex *m)
{
	if (m->locked) {
		if (m->kind == 1) {
			m->count++;
			return 0;
		}
		UNSUPPORTED("pthread_mutex_lock", "relocking a held mutex, EDEADLK");
		return L_EDEADLK;
	}
	m->locked = 1;
	m->count = 1;
	return 0;
}

int pthread_mutex_trylock(struct mutex *m)
{
	if (m->locked && m->kind != 1)
		return L_EBUSY;
	return pthread_mutex_lock(m);
}

int pthread_mutex_unlock(struct mutex *m)
{
	if (!m->locked)
		return m->kind == 0 ? 0 : L_EPERM;
	if (--m->count == 0)
		m->locked = 0;
	return 0;
}

int pthread_cond_init(struct cond *c, const int *attr)
{
	c->signals = 0;
	c->clock = attr ? *attr : 0;
	return 0;
}

int pthread_cond_destroy(struct cond *c)
{
	(void)c;
	return 0;
}

/* A signal with no waiter is lost, as POSIX has it; only a waiter
 * would take it, and there is none while this thread runs. */
int pthread_cond_signal(struct cond *c)
{
	(void)c;
	return 0;
}

int pthread_cond_broadcast(struct cond *c)
{
	(void)c;
	return 0;
}

/* No other thread exists to signal: a timed wait times out at once; an
 * untimed wait returns as a spurious wakeup (which POSIX allows) after
 * logging, since a caller looping on it could never be woken. */
int pthread_cond_timedwait(struct cond *c, struct mutex *m, const void *abstime)
{
	(void)c, (void)m, (void)abstime;
	return L_ETIMEDOUT;
}

int pthread_cond_wait(struct cond *c, struct mutex *m)
{
	(void)c, (void)m;
	UNSUPPORTED("pthread_cond_wait", "no other thread can signal; returns at once");
	return 0;
}

int pthread_condattr_init(int *a)
{
	*a = 0;
	return 0;
}

int pthread_condattr_destroy(int *a)
{
	(void)a;
	return 0;
}

int pthread_condattr_setclock(int *a, int clock)
{
	if (clock != 0 && clock != 1) /* CLOCK_REALTIME, CLOCK_MONOTONIC */
		return L_EINVAL;
	*a = clock;
	return 0;
}

/* glibc's pthread_once_t is an int, 0 before the first call. */
int pthread_once(int *once, void (*fn)(void))
{
	if (!*once) {
		*once = 1;
		fn();
	}
	return 0;
}

int pthread_create(void *t, const void *attr, void *(*fn)(void *), void *arg)
{
	(void)t, (void)attr, (void)fn, (void)arg;
	UNSUPPORTED("pthread_create", "EAGAIN (one thread only)");
	return L_EAGAIN;
}

int pthread_join(unsigned long t, void **ret)
{
	(void)t, (void)ret;
	return L_ESRCH; /* no thread was ever created */
}

void pthread_exit(void *ret)
{
	(void)ret;
	kprintf("PANIC: pthread_exit called on the only thread\n");
	abort();
}

/* There are no signals, so any mask is already in effect. */
int pthread_sigmask(int how, const void *set, void *old)
{
	(void)how, (void)set;
	if (old)
		memset(old, 0, 128);
	return 0;
}

/* OpenMP (libgomp's ABI) without threads: a parallel region of N
 * threads runs its body N times in turn, each time as thread number i of
 * N.  That is exact for regions whose threads do not wait for each other
 * (libb2's only region, one BLAKE2 lane per thread); a region that needed
 * a barrier would import GOMP_barrier, which is not provided. */
void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
void omp_set_num_threads(int n);

static int omp_default = 1, omp_team = 1, omp_num;

void GOMP_parallel(void (*fn)(void *), void *data, unsigned nthreads, unsigned flags)
{
	(void)flags;
	int n = nthreads ? (int)nthreads : omp_default;
	int outer_team = omp_team, outer_num = omp_num;
	omp_team = n;
	for (omp_num = 0; omp_num < n; omp_num++)
		fn(data);
	omp_team = outer_team;
	omp_num = outer_num;
}

int omp_get_thread_num(void) { return omp_num; }
int omp_get_num_threads(void) { return omp_team; }

void omp_set_num_threads(int n)
{
	if (n > 0)
		omp_default = n;
}
