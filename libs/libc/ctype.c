/* glibc's ctype tables for the "C" locale: isalpha() and friends compile
 * to lookups through __ctype_b_loc(), tolower()/toupper() through
 * __ctype_tolower_loc()/__ctype_toupper_loc().  Each table covers
 * -128..255 (signed char and EOF index it) and the returned pointer
 * points at entry 0. */
#include "libc.h"

/* glibc's bit for each class (ctype.h's _ISbit on a little-endian host). */
enum {
	IS_UPPER = 0x100, IS_LOWER = 0x200, IS_ALPHA = 0x400, IS_DIGIT = 0x800,
	IS_XDIGIT = 0x1000, IS_SPACE = 0x2000, IS_PRINT = 0x4000, IS_GRAPH = 0x8000,
	IS_BLANK = 0x1, IS_CNTRL = 0x2, IS_PUNCT = 0x4, IS_ALNUM = 0x8,
};

static unsigned short class_table[384];
static int32_t lower_table[384], upper_table[384];
static const unsigned short *class_ptr;
static const int32_t *lower_ptr, *upper_ptr;

static unsigned short classify(int c)
{
	unsigned short m = 0;
	if (c < 0 || c > 127)
		return 0; /* the C locale classifies only ASCII */
	if (c >= 'A' && c <= 'Z')
		m |= IS_UPPER | IS_ALPHA | IS_ALNUM | IS_GRAPH | IS_PRINT;
	if (c >= 'a' && c <= 'z')
		m |= IS_LOWER | IS_ALPHA | IS_ALNUM | IS_GRAPH | IS_PRINT;
	if (c >= '0' && c <= '9')
		m |= IS_DIGIT | IS_XDIGIT | IS_ALNUM | IS_GRAPH | IS_PRINT;
	if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
		m |= IS_XDIGIT;
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		m |= IS_SPACE;
	if (c == ' ' || c == '\t')
		m |= IS_BLANK;
	if (c < 32 || c == 127)
		m |= IS_CNTRL;
	if (c == ' ')
		m |= IS_PRINT;
	if (c > 32 && c < 127 && !(m & IS_ALNUM))
		m |= IS_PUNCT | IS_GRAPH | IS_PRINT;
	return m;
}

/* Filled on first use: one CPU, and filling twice gives the same bytes. */
static void fill(void)
{
	for (int i = -128; i < 256; i++) {
		int c = i;
		class_table[i + 128] = classify(c);
		lower_table[i + 128] = c >= 'A' && c <= 'Z' ? c + 32 : c;
		upper_table[i + 128] = c >= 'a' && c <= 'z' ? c - 32 : c;
	}
	class_ptr = class_table + 128;
	lower_ptr = lower_table + 128;
	upper_ptr = upper_table + 128;
}

const unsigned short **__ctype_b_loc(void);
const int32_t **__ctype_tolower_loc(void);
const int32_t **__ctype_toupper_loc(void);
int tolower(int c);
int toupper(int c);

const unsigned short **__ctype_b_loc(void)
{
	if (!class_ptr)
		fill();
	return &class_ptr;
}

const int32_t **__ctype_tolower_loc(void)
{
	if (!lower_ptr)
		fill();
	return &lower_ptr;
}

const int32_t **__ctype_toupper_loc(void)
{
	if (!upper_ptr)
		fill();
	return &upper_ptr;
}

int tolower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
int toupper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
