/* stdio on the serial console: stdout and stderr write to it unbuffered,
 * stdin is always at end of file, and no other stream can be opened
 * (fopen and friends are in oscalls.c).  FILE is opaque to glibc callers,
 * so a stream here is just this module's struct stream. */
#include "libc.h"

struct stream {
	int readable; /* stdin */
	int error, eof;
	int pushback; /* ungetc's character, or -1 */
};

static struct stream in_s = {1, 0, 0, -1}, out_s = {0, 0, 0, -1}, err_s = {0, 0, 0, -1};
struct stream *stdin = &in_s, *stdout = &out_s, *stderr = &err_s;

#define EOF (-1)

void libc_console_write(const char *s, size_t n)
{
	while (n) {
		int k = n > 0x7fffffff ? 0x7fffffff : (int)n;
		kprintf("%.*s", k, s);
		s += k;
		n -= (size_t)k;
	}
}

/* Writing to stdin (or to anything not ours) is a stream error. */
static int writable(struct stream *f)
{
	if (f == &out_s || f == &err_s)
		return 1;
	if (f == &in_s)
		f->error = 1;
	LIBC_ERRNO = L_EBADF;
	return 0;
}

int fputc(int c, struct stream *f);
int putc(int c, struct stream *f);
int putchar(int c);
int fputs(const char *s, struct stream *f);
int puts(const char *s);
int fflush(struct stream *f);
int ferror(struct stream *f);
int feof(struct stream *f);
void clearerr(struct stream *f);
int fgetc(struct stream *f);
int getc(struct stream *f);
int getchar(void);
int ungetc(int c, struct stream *f);
char *fgets(char *s, int n, struct stream *f);
int setvbuf(struct stream *f, char *buf, int mode, size_t size);
int vfprintf(struct stream *f, const char *fmt, va_list ap);
int fprintf(struct stream *f, const char *fmt, ...);
int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
int __vfprintf_chk(struct stream *f, int flag, const char *fmt, va_list ap);
int __fprintf_chk(struct stream *f, int flag, const char *fmt, ...);
int __printf_chk(int flag, const char *fmt, ...);
int __isoc99_fscanf(struct stream *f, const char *fmt, ...);

int fputc(int c, struct stream *f)
{
	if (!writable(f))
		return EOF;
	char ch = (char)c;
	libc_console_write(&ch, 1);
	return (unsigned char)c;
}

int putc(int c, struct stream *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *s, struct stream *f)
{
	if (!writable(f))
		return EOF;
	libc_console_write(s, strlen(s));
	return 0;
}

int puts(const char *s)
{
	libc_console_write(s, strlen(s));
	libc_console_write("\n", 1);
	return 0;
}

int fflush(struct stream *f)
{
	(void)f; /* nothing is buffered */
	return 0;
}

int ferror(struct stream *f) { return f->error; }
int feof(struct stream *f) { return f->eof; }

void clearerr(struct stream *f)
{
	f->error = 0;
	f->eof = 0;
}

/* stdin has no input: the first read is end of file. */
int fgetc(struct stream *f)
{
	if (f->pushback >= 0) {
		int c = f->pushback;
		f->pushback = -1;
		return c;
	}
	if (!f->readable) {
		f->error = 1;
		LIBC_ERRNO = L_EBADF;
		return EOF;
	}
	f->eof = 1;
	return EOF;
}

int getc(struct stream *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, struct stream *f)
{
	if (c == EOF || f->pushback >= 0)
		return EOF;
	f->pushback = (unsigned char)c;
	f->eof = 0;
	return f->pushback;
}

char *fgets(char *s, int n, struct stream *f)
{
	int i = 0;
	while (i < n - 1) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!i || n <= 0)
		return NULL;
	s[i] = 0;
	return s;
}

/* The console is unbuffered whatever is asked, which every mode allows
 * a stream to be observably. */
int setvbuf(struct stream *f, char *buf, int mode, size_t size)
{
	(void)f, (void)buf, (void)size;
	return mode >= 0 && mode <= 2 ? 0 : -1;
}

int vfprintf(struct stream *f, const char *fmt, va_list ap)
{
	if (!writable(f))
		return -1;
	char *s;
	int n = vasprintf(&s, fmt, ap);
	if (n < 0) {
		f->error = 1;
		return n;
	}
	libc_console_write(s, (size_t)n);
	free(s);
	return n;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int fprintf(struct stream *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

/* _FORTIFY_SOURCE's checked forms: the flag asks for %n checks, and this
 * formatter (musl's) is the same whichever flag is given. */
int __vfprintf_chk(struct stream *f, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return vfprintf(f, fmt, ap);
}

int __fprintf_chk(struct stream *f, int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int __printf_chk(int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

/* Reading formatted input from a stream: stdin is at end of file, so
 * there is nothing to convert (EOF, as fscanf reports input failure). */
int __isoc99_fscanf(struct stream *f, const char *fmt, ...)
{
	(void)fmt;
	fgetc(f);
	return EOF;
}
