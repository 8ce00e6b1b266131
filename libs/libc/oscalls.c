/* The OS calls a kernel cannot honour for a module: files, processes,
 * memory maps, sockets, signals, time and randomness.  Each fails the way
 * its manual page documents (-1 with errno ENOSYS, NULL, MAP_FAILED,
 * EOF, an error number), and the first call from each module is logged
 * so a library that silently degrades is visible on the console. */
#include "libc.h"
#include "rmod/module.h"

RMOD_DESCRIPTION("C library for modules: musl's pure functions and glibc-ABI shims");

/* (module, function) pairs already logged.  Names are copied: the
 * calling module may be unloaded and another loaded at its address. */
struct logged {
	struct logged *next;
	const char *fn;
	char mod[];
};
static struct logged *logged;

void libc_unsupported(const void *caller, const char *name, const char *what)
{
	const char *mod = kmodule_name_at(caller);
	if (!mod)
		mod = "(module being loaded)";
	for (struct logged *l = logged; l; l = l->next)
		if (l->fn == name && !strcmp(l->mod, mod))
			return;
	struct logged *l = malloc(sizeof(*l) + strlen(mod) + 1);
	if (l) {
		l->fn = name;
		strcpy(l->mod, mod);
		l->next = logged;
		logged = l;
	}
	kprintf("libc: %s called %s: %s (not supported in the kernel)\n", mod, name, what);
}

static void libc_exit(void)
{
	while (logged) {
		struct logged *n = logged->next;
		free(logged);
		logged = n;
	}
}
RMOD_EXIT(libc_exit);

#define FAIL_ERRNO(ret, err)                                                  \
	do {                                                                  \
		LIBC_ERRNO = (err);                                           \
		return ret;                                                   \
	} while (0)

/* -1 with ENOSYS: the common form for a system call. */
#define ENOSYS_CALL(ret_t, name, params, uses)                                \
	ret_t name params;                                                    \
	ret_t name params                                                     \
	{                                                                     \
		uses;                                                         \
		UNSUPPORTED(#name, "-1, errno ENOSYS");                       \
		FAIL_ERRNO((ret_t)-1, L_ENOSYS);                              \
	}

/* NULL with ENOSYS: the calls that return a pointer. */
#define NULL_CALL(name, params, uses)                                         \
	void *name params;                                                    \
	void *name params                                                     \
	{                                                                     \
		uses;                                                         \
		UNSUPPORTED(#name, "NULL, errno ENOSYS");                     \
		FAIL_ERRNO(NULL, L_ENOSYS);                                   \
	}

#define U(x) (void)(x)
typedef long long off64;

/* Files. */
ENOSYS_CALL(int, open, (const char *p, int fl, ...), U(p); U(fl))
ENOSYS_CALL(int, open64, (const char *p, int fl, ...), U(p); U(fl))
ENOSYS_CALL(int, read, (int fd, void *b, size_t n), U(fd); U(b); U(n))
ENOSYS_CALL(int, write, (int fd, const void *b, size_t n), U(fd); U(b); U(n))
ENOSYS_CALL(int, close, (int fd), U(fd))
ENOSYS_CALL(off64, lseek64, (int fd, off64 o, int w), U(fd); U(o); U(w))
ENOSYS_CALL(int, fstat, (int fd, void *st), U(fd); U(st))
ENOSYS_CALL(int, fstat64, (int fd, void *st), U(fd); U(st))
ENOSYS_CALL(int, stat, (const char *p, void *st), U(p); U(st))
ENOSYS_CALL(int, fcntl, (int fd, int cmd, ...), U(fd); U(cmd))
ENOSYS_CALL(int, remove, (const char *p), U(p))
ENOSYS_CALL(int, rename, (const char *a, const char *b), U(a); U(b))
ENOSYS_CALL(int, poll, (void *fds, unsigned long n, int t), U(fds); U(n); U(t))
ENOSYS_CALL(int, select, (int n, void *r, void *w, void *e, void *t),
	    U(n); U(r); U(w); U(e); U(t))
NULL_CALL(fopen, (const char *p, const char *m), U(p); U(m))
NULL_CALL(fopen64, (const char *p, const char *m), U(p); U(m))
NULL_CALL(fdopen, (int fd, const char *m), U(fd); U(m))
NULL_CALL(opendir, (const char *p), U(p))
ENOSYS_CALL(int, closedir, (void *d), U(d))
ENOSYS_CALL(int, fseek, (void *f, long o, int w), U(f); U(o); U(w))
ENOSYS_CALL(long, ftell, (void *f), U(f))

/* readdir: NULL is also end of directory, so errno tells them apart. */
NULL_CALL(readdir, (void *d), U(d))

/* fclose of a stream this module never opened: EOF with EBADF. */
int fclose(void *f);
int fclose(void *f)
{
	U(f);
	UNSUPPORTED("fclose", "EOF, errno EBADF");
	FAIL_ERRNO(-1, L_EBADF);
}

/* _FORTIFY_SOURCE's read. */
int __read_chk(int fd, void *b, size_t n, size_t buflen);
int __read_chk(int fd, void *b, size_t n, size_t buflen)
{
	U(fd), U(b), U(n), U(buflen);
	UNSUPPORTED("read", "-1, errno ENOSYS");
	FAIL_ERRNO(-1, L_ENOSYS);
}

/* Memory maps: MAP_FAILED is (void *)-1. */
void *mmap(void *a, size_t n, int p, int f, int fd, long o);
void *mmap64(void *a, size_t n, int p, int f, int fd, off64 o);
void *mmap(void *a, size_t n, int p, int f, int fd, long o)
{
	U(a), U(n), U(p), U(f), U(fd), U(o);
	UNSUPPORTED("mmap", "MAP_FAILED, errno ENOSYS");
	FAIL_ERRNO((void *)-1, L_ENOSYS);
}
void *mmap64(void *a, size_t n, int p, int f, int fd, off64 o)
{
	U(a), U(n), U(p), U(f), U(fd), U(o);
	UNSUPPORTED("mmap64", "MAP_FAILED, errno ENOSYS");
	FAIL_ERRNO((void *)-1, L_ENOSYS);
}
ENOSYS_CALL(int, munmap, (void *a, size_t n), U(a); U(n))
ENOSYS_CALL(int, madvise, (void *a, size_t n, int adv), U(a); U(n); U(adv))
ENOSYS_CALL(int, mprotect, (void *a, size_t n, int p), U(a); U(n); U(p))
ENOSYS_CALL(int, mlock, (const void *a, size_t n), U(a); U(n))
ENOSYS_CALL(int, munlock, (const void *a, size_t n), U(a); U(n))

/* posix_madvise returns the error number instead of setting errno. */
int posix_madvise(void *a, size_t n, int adv);
int posix_madvise(void *a, size_t n, int adv)
{
	U(a), U(n), U(adv);
	UNSUPPORTED("posix_madvise", "returns ENOSYS");
	return L_ENOSYS;
}

/* Processes, scheduling and signals. */
ENOSYS_CALL(int, getpid, (void), )
ENOSYS_CALL(int, sched_yield, (void), )
ENOSYS_CALL(int, sched_getaffinity, (int pid, size_t n, void *set), U(pid); U(n); U(set))
ENOSYS_CALL(long, sysconf, (int name), U(name))
ENOSYS_CALL(long, syscall, (long nr, ...), U(nr))
ENOSYS_CALL(int, raise, (int sig), U(sig))
ENOSYS_CALL(unsigned, alarm, (unsigned s), U(s))

/* signal returns SIG_ERR, (void (*)(int))-1. */
typedef void (*sighandler)(int);
sighandler signal(int sig, sighandler h);
sighandler __sysv_signal(int sig, sighandler h);
sighandler signal(int sig, sighandler h)
{
	U(sig), U(h);
	UNSUPPORTED("signal", "SIG_ERR, errno ENOSYS");
	FAIL_ERRNO((sighandler)-1, L_ENOSYS);
}
sighandler __sysv_signal(int sig, sighandler h)
{
	U(sig), U(h);
	UNSUPPORTED("__sysv_signal", "SIG_ERR, errno ENOSYS");
	FAIL_ERRNO((sighandler)-1, L_ENOSYS);
}

/* Time: there is no clock the kernel keeps; each call reports that. */
ENOSYS_CALL(int, gettimeofday, (void *tv, void *tz), U(tv); U(tz))
ENOSYS_CALL(int, clock_gettime, (int id, void *ts), U(id); U(ts))

/* time and clock fail with (time_t)-1 and (clock_t)-1, as C specifies
 * when the time is not available. */
ENOSYS_CALL(int32_t, time, (int32_t * t), if (t) * t = -1)
ENOSYS_CALL(long, clock, (void), )

/* Randomness: nothing here is a source of entropy. */
ENOSYS_CALL(int, getrandom, (void *b, size_t n, unsigned fl), U(b); U(n); U(fl))
ENOSYS_CALL(int, getentropy, (void *b, size_t n), U(b); U(n))

/* Sockets. */
ENOSYS_CALL(int, socket, (int d, int t, int p), U(d); U(t); U(p))
ENOSYS_CALL(int, bind, (int s, const void *a, unsigned l), U(s); U(a); U(l))
ENOSYS_CALL(int, connect, (int s, const void *a, unsigned l), U(s); U(a); U(l))
ENOSYS_CALL(int, listen, (int s, int n), U(s); U(n))
ENOSYS_CALL(int, accept, (int s, void *a, void *l), U(s); U(a); U(l))
ENOSYS_CALL(int, shutdown, (int s, int h), U(s); U(h))
ENOSYS_CALL(int, getsockname, (int s, void *a, void *l), U(s); U(a); U(l))
ENOSYS_CALL(int, getsockopt, (int s, int lv, int o, void *v, void *l),
	    U(s); U(lv); U(o); U(v); U(l))
ENOSYS_CALL(int, setsockopt, (int s, int lv, int o, const void *v, unsigned l),
	    U(s); U(lv); U(o); U(v); U(l))
ENOSYS_CALL(int, recvfrom, (int s, void *b, size_t n, int f, void *a, void *l),
	    U(s); U(b); U(n); U(f); U(a); U(l))

/* getaddrinfo returns EAI_SYSTEM (-11) with errno set. */
int getaddrinfo(const char *n, const char *s, const void *h, void **res);
void freeaddrinfo(void *res);
int getaddrinfo(const char *n, const char *s, const void *h, void **res)
{
	U(n), U(s), U(h), U(res);
	UNSUPPORTED("getaddrinfo", "EAI_SYSTEM, errno ENOSYS");
	FAIL_ERRNO(-11, L_ENOSYS);
}
void freeaddrinfo(void *res) { U(res); }

/* GNU obstacks (only GMP's obstack printf functions use them): growing
 * one cannot fail and return, so the first growth stops the kernel. */
int obstack_vprintf(void *ob, const char *fmt, va_list ap);
void _obstack_newchunk(void *ob, int len);
int obstack_vprintf(void *ob, const char *fmt, va_list ap)
{
	U(ob), U(fmt), U(ap);
	UNSUPPORTED("obstack_vprintf", "-1, errno ENOSYS");
	FAIL_ERRNO(-1, L_ENOSYS);
}
void _obstack_newchunk(void *ob, int len)
{
	U(ob), U(len);
	UNSUPPORTED("_obstack_newchunk", "obstacks are not supported; stopping");
	abort();
}
