/* The glibc-ABI pieces that are neither stdio, OS calls nor threads:
 * errno, strerror, the fortified (_chk) string and formatting entry
 * points, the "C" locale, time conversion, and the hooks musl's own code
 * (linked into this module) expects from its libc. */
#include "libc.h"

static int errno_value;

int *__errno_location(void) { return &errno_value; }
/* musl's internal spelling, used by the musl members linked here. */
int *___errno_location(void) { return &errno_value; }

char *strerror(int e);
char *strerror(int e)
{
	static const struct {
		int e;
		const char *s;
	} msgs[] = {
		{0, "Success"}, {L_EPERM, "Operation not permitted"},
		{L_ENOENT, "No such file or directory"}, {L_ESRCH, "No such process"},
		{L_EINTR, "Interrupted system call"}, {L_EIO, "Input/output error"},
		{L_EBADF, "Bad file descriptor"}, {L_EAGAIN, "Resource temporarily unavailable"},
		{L_ENOMEM, "Cannot allocate memory"}, {L_EACCES, "Permission denied"},
		{L_EFAULT, "Bad address"}, {L_EBUSY, "Device or resource busy"},
		{L_EEXIST, "File exists"}, {L_EINVAL, "Invalid argument"},
		{L_ENFILE, "Too many open files in system"}, {L_EMFILE, "Too many open files"},
		{L_ENOSPC, "No space left on device"}, {L_ESPIPE, "Illegal seek"},
		{L_EROFS, "Read-only file system"}, {L_EPIPE, "Broken pipe"},
		{L_EDOM, "Numerical argument out of domain"},
		{L_ERANGE, "Numerical result out of range"},
		{L_EDEADLK, "Resource deadlock avoided"}, {L_ENOSYS, "Function not implemented"},
		{L_EILSEQ, "Invalid or incomplete multibyte or wide character"},
		{L_ETIMEDOUT, "Connection timed out"},
	};
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (msgs[i].e == e)
			return (char *)msgs[i].s;
	return (char *)"Unknown error";
}

/* _FORTIFY_SOURCE: the operation after the bounds check the compiler
 * could not do; an overflow stops the kernel, as glibc stops the process. */
static void chk(size_t need, size_t have)
{
	if (need > have) {
		kprintf("PANIC: buffer overflow detected (fortify)\n");
		abort();
	}
}

int sprintf(char *buf, const char *fmt, ...);
int vsprintf(char *buf, const char *fmt, va_list ap);
int asprintf(char **out, const char *fmt, ...);
int __vsprintf_chk(char *buf, int flag, size_t buflen, const char *fmt, va_list ap);
int __sprintf_chk(char *buf, int flag, size_t buflen, const char *fmt, ...);
int __vasprintf_chk(char **out, int flag, const char *fmt, va_list ap);
char *strcat(char *dst, const char *src);
char *__strcat_chk(char *dst, const char *src, size_t dstlen);
void __explicit_bzero_chk(void *p, size_t n, size_t dstlen);
void explicit_bzero(void *p, size_t n);
long __fdelt_chk(long fd);
void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap);

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

int asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

int __vsprintf_chk(char *buf, int flag, size_t buflen, const char *fmt, va_list ap)
{
	(void)flag;
	if (buflen > 0x7fffffff)
		return vsprintf(buf, fmt, ap);
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(buf, buflen, fmt, aq);
	va_end(aq);
	if (n >= 0)
		chk((size_t)n + 1, buflen);
	return n;
}

int __sprintf_chk(char *buf, int flag, size_t buflen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = __vsprintf_chk(buf, flag, buflen, fmt, ap);
	va_end(ap);
	return r;
}

int __vasprintf_chk(char **out, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return vasprintf(out, fmt, ap);
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *__strcat_chk(char *dst, const char *src, size_t dstlen)
{
	chk(strlen(dst) + strlen(src) + 1, dstlen);
	return strcat(dst, src);
}

void explicit_bzero(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory"); /* the stores stay */
}

void __explicit_bzero_chk(void *p, size_t n, size_t dstlen)
{
	chk(n, dstlen);
	explicit_bzero(p, n);
}

/* FD_SET's check: glibc's fd_set holds 1024 descriptors. */
long __fdelt_chk(long fd)
{
	if (fd < 0 || fd >= 1024) {
		kprintf("PANIC: buffer overflow detected (FD_SET %ld)\n", fd);
		abort();
	}
	return fd / 32;
}

/* syslog goes to the console, one line per message. */
void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	char *s;
	int n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return;
	kprintf("syslog<%d>: %s\n", prio, s);
	free(s);
}

/* The "C" locale is the only locale. */
struct lconv;
struct lconv *localeconv(void);
char *nl_langinfo(int item);
void *newlocale(int mask, const char *name, void *base);
void *duplocale(void *loc);
void *uselocale(void *loc);
void freelocale(void *loc);

/* glibc's struct lconv: ten strings, then fourteen chars. */
static struct {
	const char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol,
		*currency_symbol, *mon_decimal_point, *mon_thousands_sep, *mon_grouping,
		*positive_sign, *negative_sign;
	char c[14];
} c_lconv = {".", "", "", "", "", "", "", "", "", "",
	     {127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127}};

struct lconv *localeconv(void) { return (struct lconv *)&c_lconv; }

/* glibc's item numbers for the two a C library's users ask for. */
char *nl_langinfo(int item)
{
	if (item == 0x10000) /* RADIXCHAR */
		return (char *)".";
	if (item == 14) /* CODESET */
		return (char *)"ANSI_X3.4-1968";
	return (char *)"";
}

/* One handle stands for the C locale; LC_GLOBAL_LOCALE is (locale_t)-1. */
static int c_locale;
void *newlocale(int mask, const char *name, void *base)
{
	(void)mask, (void)base;
	if (name && *name && strcmp(name, "C") && strcmp(name, "POSIX")) {
		LIBC_ERRNO = L_ENOENT;
		return NULL;
	}
	return &c_locale;
}

void *duplocale(void *loc) { return loc == (void *)-1 ? &c_locale : loc; }

void *uselocale(void *loc)
{
	(void)loc;
	return (void *)-1;
}

void freelocale(void *loc) { (void)loc; }

/* Multibyte conversion in the C locale: one byte is one character. */
size_t mbrtowc(int32_t *wc, const char *s, size_t n, void *st);
size_t mbrtowc(int32_t *wc, const char *s, size_t n, void *st)
{
	(void)st;
	if (!s)
		return 0;
	if (!n)
		return (size_t)-2;
	if (wc)
		*wc = (unsigned char)*s;
	return *s != 0;
}

/* glibc's struct tm. */
struct ltm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};
struct ltm *gmtime_r(const int32_t *t, struct ltm *tm);

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
struct ltm *gmtime_r(const int32_t *t, struct ltm *tm)
{
	int64_t s = *t, days = s / 86400, rem = s % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem % 3600 / 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)(((days + 4) % 7 + 7) % 7);
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	static const short before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
	tm->tm_yday = before[m - 1] + (int)d - 1 + (leap && m > 2);
	tm->tm_isdst = 0;
	tm->tm_gmtoff = 0;
	tm->tm_zone = "GMT";
	return tm;
}

/* No signals exist: the full set and an unchanged mask are exact. */
int sigfillset(uint32_t *set);
int sigfillset(uint32_t *set)
{
	for (int i = 0; i < 32; i++) /* glibc's sigset_t: 1024 bits */
		set[i] = 0xffffffffu;
	return 0;
}

int __sched_cpucount(size_t size, const uint32_t *set);
int __sched_cpucount(size_t size, const uint32_t *set)
{
	int n = 0;
	for (size_t i = 0; i < size / 4; i++)
		n += __builtin_popcount(set[i]);
	return n;
}

/* There is no environment. */
char *getenv(const char *name);
char *getenv(const char *name)
{
	(void)name;
	return NULL;
}

/* A kernel has no process to end: exit stops the machine, as abort does. */
void exit(int status) __attribute__((noreturn));
void exit(int status)
{
	kprintf("PANIC: exit(%d) called by %s\n", status,
		kmodule_name_at(__builtin_return_address(0)) ?: "a module being loaded");
	abort();
}

/* Not cryptographic: expat uses it to salt its hash tables.  xorshift64*
 * seeded from the time-stamp counter on first use. */
void arc4random_buf(void *buf, size_t n);
void arc4random_buf(void *buf, size_t n)
{
	static uint64_t x;
	if (!x) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		x = ((uint64_t)hi << 32 | lo) | 1;
	}
	unsigned char *p = buf;
	for (size_t i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = (unsigned char)((x * 0x2545F4914F6CDD1Dull) >> 56);
	}
}

/* Hooks musl's stdio code calls: the FILEs it makes here are private
 * string streams on one CPU, so there is nothing to lock or to flush. */
int __lockfile(void *f);
void __unlockfile(void *f);
void __stdio_exit_needed(void);
int __lockfile(void *f)
{
	(void)f;
	return 0;
}
void __unlockfile(void *f) { (void)f; }
void __stdio_exit_needed(void) {}
