/* Small helpers shared by the host tools (util.h): dying, allocation,
 * whole-file I/O, growable buffers and string tables. */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

const char *progname = "rmod";
void (*die_hook)(void);
int die_quiet;
int die_status = 1;

void die(const char *fmt, ...)
{
	va_list ap;
	if (!die_quiet) {
		fprintf(stderr, "%s: ", progname);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (die_hook)
		die_hook();
	exit(die_status);
}

/* Each block starts with a header that links it into the arena's list. */
struct blk {
	struct blk *prev, *next;
	void (*fn)(void *payload); /* deferred cleanup, or NULL */
	size_t pad;                /* keeps the header a multiple of 16 bytes */
};
_Static_assert(sizeof(struct blk) % 16 == 0, "payload alignment");

static struct blk *arena; /* newest first */
static size_t arena_n;

static void *link_blk(struct blk *b)
{
	b->prev = NULL;
	b->next = arena;
	if (arena)
		arena->prev = b;
	arena = b;
	arena_n++;
	return b + 1;
}

static struct blk *unlink_blk(void *p)
{
	struct blk *b = (struct blk *)p - 1;
	if (b->prev)
		b->prev->next = b->next;
	else
		arena = b->next;
	if (b->next)
		b->next->prev = b->prev;
	arena_n--;
	return b;
}

void *xmalloc(size_t n)
{
	struct blk *b = n < SIZE_MAX - sizeof(*b) ? malloc(sizeof(*b) + n) : NULL;
	if (!b)
		die("out of memory (%zu bytes)", n);
	b->fn = NULL;
	return link_blk(b);
}

void *xcalloc(size_t n, size_t sz)
{
	if (sz && n > (SIZE_MAX - sizeof(struct blk)) / sz)
		die("out of memory");
	return memset(xmalloc(n * sz), 0, n * sz);
}

void *xrealloc(void *p, size_t n)
{
	if (!p)
		return xmalloc(n);
	if (n >= SIZE_MAX - sizeof(struct blk))
		die("out of memory (%zu bytes)", n);
	struct blk *b = unlink_blk(p), *nb = realloc(b, sizeof(*b) + n);
	if (!nb) {
		link_blk(b); /* still owned, so still released */
		die("out of memory (%zu bytes)", n);
	}
	return link_blk(nb);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xstrndup(const char *s, size_t n)
{
	n = strnlen(s, n);
	char *p = memcpy(xmalloc(n + 1), s, n);
	p[n] = 0;
	return p;
}

void xfree(void *p)
{
	if (p)
		free(unlink_blk(p));
}

void *arena_defer(void (*fn)(void *payload), size_t size)
{
	void *p = xcalloc(1, size);
	((struct blk *)p - 1)->fn = fn;
	return p;
}

void arena_release(void)
{
	while (arena) {
		struct blk *b = arena;
		void (*fn)(void *) = b->fn;
		unlink_blk(b + 1);
		if (fn)
			fn(b + 1);
		free(b);
	}
}

size_t arena_blocks(void) { return arena_n; }

uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	uint8_t *p = xmalloc(cap);
	size_t n;
	while ((n = fread(p + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			p = xrealloc(p, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		die("%s: read error", path);
	*size = len;
	return p;
}

void write_file(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	int bad = fwrite(buf, 1, size, f) != size;
	if (fclose(f) || bad)
		die("%s: write error", path);
}

int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > 0xffffffffull || s[0] == '-')
		return -1;
	*out = (uint32_t)v;
	return 0;
}

void buf_put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

void buf_u8(struct buf *b, uint8_t v) { buf_put(b, &v, 1); }

void buf_u16(struct buf *b, uint16_t v)
{
	uint8_t t[2];
	rm_put16(t, v);
	buf_put(b, t, 2);
}

void buf_u32(struct buf *b, uint32_t v)
{
	uint8_t t[4];
	rm_put32(t, v);
	buf_put(b, t, 4);
}

void buf_uleb(struct buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		buf_u8(b, c | (v ? 0x80 : 0));
	} while (v);
}

void buf_align(struct buf *b, size_t a)
{
	static const uint8_t z[16];
	while (b->len % a)
		buf_put(b, z, 1);
}

unsigned uleb_len(uint32_t v)
{
	unsigned n = 1;
	while (v >>= 7)
		n++;
	return n;
}

static uint32_t hash_str(const char *s) { return rmod_hash(s); }

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 1024;
	t->slots = xcalloc(t->nslots, sizeof(uint32_t));
	buf_u8(&t->b, 0);
}

static void strtab_grow(struct strtab *t)
{
	size_t n = t->nslots * 2;
	uint32_t *s = xcalloc(n, sizeof(uint32_t));
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i])
			continue;
		size_t h = hash_str((char *)t->b.p + t->slots[i] - 1) & (n - 1);
		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = t->slots[i];
	}
	xfree(t->slots);
	t->slots = s;
	t->nslots = n;
}

uint32_t strtab_add(struct strtab *t, const char *s)
{
	if (!*s)
		return 0;
	if (t->used * 2 >= t->nslots)
		strtab_grow(t);
	size_t h = hash_str(s) & (t->nslots - 1);
	while (t->slots[h]) {
		uint32_t off = t->slots[h] - 1;
		if (!strcmp((char *)t->b.p + off, s))
			return off;
		h = (h + 1) & (t->nslots - 1);
	}
	uint32_t off = (uint32_t)t->b.len;
	buf_put(&t->b, s, strlen(s) + 1);
	t->slots[h] = off + 1;
	t->used++;
	return off;
}

uint32_t strtab_add_seq(struct strtab *t, const char *s, const char *const *more, size_t n)
{
	uint32_t off = (uint32_t)t->b.len;
	buf_put(&t->b, s, strlen(s) + 1);
	for (size_t i = 0; i < n; i++)
		if (more[i])
			buf_put(&t->b, more[i], strlen(more[i]) + 1);
	return off;
}

void strtab_free(struct strtab *t)
{
	xfree(t->b.p);
	xfree(t->slots);
}
