/* Formatted output: kvsnprintf implements C's printf conversions
 * (flags - + space # 0, width, precision, hh h l ll z t j; d i u o x X c s
 * p %) so it can also stand in for vsnprintf in the kernel's libc. */
#include "kprintf.h"

#include <stdint.h>

#include "serial.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

static void number(struct out *o, uint64_t v, int neg, unsigned base, int upper, int flags,
		   int width, int prec)
{
	char tmp[24];
	int n = 0;
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	if (prec >= 0)
		flags &= ~F_ZERO;
	while (v) {
		tmp[n++] = dig[v % base];
		v /= base;
	}
	if (prec < 0)
		prec = 1;
	int zeros = prec > n ? prec - n : 0;
	if (base == 8 && (flags & F_ALT) && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	const char *prefix = neg ? "-" : flags & F_PLUS ? "+" : flags & F_SPACE ? " " : "";
	int plen = prefix[0] ? 1 : 0;
	const char *alt = "";
	if ((flags & F_ALT) && base == 16 && n > 0)
		alt = upper ? "0X" : "0x";
	int alen = alt[0] ? 2 : 0;
	int total = plen + alen + zeros + n;
	if (!(flags & F_LEFT) && !(flags & F_ZERO))
		pad(o, ' ', width - total);
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	for (const char *p = alt; *p; p++)
		put(o, *p);
	if (!(flags & F_LEFT) && (flags & F_ZERO))
		pad(o, '0', width - total);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (flags & F_LEFT)
		pad(o, ' ', width - total);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		int flags = 0, width = 0, prec = -1;
		for (;; fmt++) {
			char c = fmt[1];
			if (c == '-')
				flags |= F_LEFT;
			else if (c == '+')
				flags |= F_PLUS;
			else if (c == ' ')
				flags |= F_SPACE;
			else if (c == '#')
				flags |= F_ALT;
			else if (c == '0')
				flags |= F_ZERO;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		int len = 0; /* -2 hh, -1 h, 1 l, 2 ll/j, 3 z/t */
		for (;; fmt++) {
			if (*fmt == 'h')
				len--;
			else if (*fmt == 'l')
				len++;
			else if (*fmt == 'j')
				len = 2;
			else if (*fmt == 'z' || *fmt == 't')
				len = 3;
			else
				break;
		}
		char c = *fmt;
		if (!c)
			break;
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = len == 2 ? va_arg(ap, long long)
				  : len == 1 ? va_arg(ap, long)
				  : len == 3 ? (int64_t)va_arg(ap, ptrdiff_t)
					     : va_arg(ap, int);
			if (len == -1)
				v = (short)v;
			else if (len <= -2)
				v = (signed char)v;
			uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			number(&o, u, v < 0, 10, 0, flags, width, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v = len == 2 ? va_arg(ap, unsigned long long)
				   : len == 1 ? va_arg(ap, unsigned long)
				   : len == 3 ? va_arg(ap, size_t)
					      : va_arg(ap, unsigned int);
			if (len == -1)
				v = (unsigned short)v;
			else if (len <= -2)
				v = (unsigned char)v;
			unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			number(&o, v, 0, base, c == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		}
		case 'p':
			number(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, F_ALT, width, -1);
			break;
		case 'c':
			if (!(flags & F_LEFT))
				pad(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = 0;
			while (s[n] && (prec < 0 || n < prec))
				n++;
			if (!(flags & F_LEFT))
				pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				put(&o, s[i]);
			if (flags & F_LEFT)
				pad(&o, ' ', width - n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* unknown conversion: print it as is */
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		serial_putc(*p);
	return n;
}
