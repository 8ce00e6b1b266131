/* Shared declarations of the libc module's own files (libs/libc/): the
 * kernel's exports it uses and the glibc ABI types it implements. */
#ifndef LIBS_LIBC_H
#define LIBS_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rmod/kernel.h"

void *malloc(size_t n);
void free(void *p);
void *realloc(void *p, size_t n);
void abort(void) __attribute__((noreturn));
const char *kmodule_name_at(const void *addr);

/* From musl (scripts/musl-members). */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int vasprintf(char **out, const char *fmt, va_list ap);

int *__errno_location(void);
#define LIBC_ERRNO (*__errno_location())

/* Linux's errno numbers, which glibc uses. */
enum {
	L_EPERM = 1, L_ENOENT = 2, L_ESRCH = 3, L_EINTR = 4, L_EIO = 5, L_EBADF = 9,
	L_EAGAIN = 11, L_ENOMEM = 12, L_EACCES = 13, L_EFAULT = 14, L_EBUSY = 16,
	L_EEXIST = 17, L_EINVAL = 22, L_ENFILE = 23, L_EMFILE = 24, L_ENOSPC = 28,
	L_ESPIPE = 29, L_EROFS = 30, L_EPIPE = 32, L_EDOM = 33, L_ERANGE = 34,
	L_EDEADLK = 35, L_ENOSYS = 38, L_EILSEQ = 84, L_ETIMEDOUT = 110,
};

/* Logs "libc: MODULE called NAME: what" the first time each calling
 * module calls each unsupported function.  `caller` is the return
 * address of the call into the libc module. */
void libc_unsupported(const void *caller, const char *name, const char *what);
#define UNSUPPORTED(name, what) libc_unsupported(__builtin_return_address(0), name, what)

/* The console: stdout and stderr both go to the serial console. */
void libc_console_write(const char *s, size_t n);

#endif
