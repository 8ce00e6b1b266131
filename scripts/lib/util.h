/* Small helpers shared by the host tools. */
#ifndef RMOD_UTIL_H
#define RMOD_UTIL_H

#include <stddef.h>
#include <stdint.h>

extern const char *progname;
/* For in-process users (the fuzz harness): called by die() instead of
 * exiting, and die_quiet drops the message. */
extern void (*die_hook)(void);
extern int die_quiet;
/* The exit status of die(), 1 unless a tool documents another. */
extern int die_status;

__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* The arena: the one owner of what the tool library allocates.  Every
 * block from xmalloc, xcalloc, xrealloc, xstrdup, xstrndup and
 * arena_defer is the arena's until xfree gives it back; arena_release
 * frees whatever is left (after a link, normal or refused by die), newest
 * first, running each deferred cleanup.  Memory from these functions must
 * be freed with xfree, never free. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xfree(void *p);
/* A zeroed payload of size bytes whose fn(payload) the arena runs at
 * release (to close files and library handles); xfree(payload) drops it
 * without running fn, for an owner that closed the resource itself. */
void *arena_defer(void (*fn)(void *payload), size_t size);
void arena_release(void);
/* Blocks the arena holds now (for tests of the harnesses). */
size_t arena_blocks(void);
/* Read a whole file; dies on error. */
uint8_t *read_file(const char *path, size_t *size);
void write_file(const char *path, const void *buf, size_t size);
/* Parse a 32-bit number (0x.. or decimal); returns 0 on success. */
int parse_u32(const char *s, uint32_t *out);

/* A growable byte buffer. */
struct buf {
	uint8_t *p;
	size_t len, cap;
};
void buf_put(struct buf *b, const void *data, size_t n);
void buf_u8(struct buf *b, uint8_t v);
void buf_u16(struct buf *b, uint16_t v);
void buf_u32(struct buf *b, uint32_t v);
void buf_uleb(struct buf *b, uint32_t v);
void buf_align(struct buf *b, size_t a);

/* A string table with de-duplication; offset 0 is "". */
struct strtab {
	struct buf b;
	uint32_t *slots; /* open addressing: offset + 1, 0 = empty */
	size_t nslots, used;
};
void strtab_init(struct strtab *t);
uint32_t strtab_add(struct strtab *t, const char *s);
/* Append s\0 then each non-NULL more[i]\0, contiguous and not shared
 * (a name with the namespace or allowlist strings that must follow it);
 * returns the offset of s. */
uint32_t strtab_add_seq(struct strtab *t, const char *s, const char *const *more, size_t n);
void strtab_free(struct strtab *t);

unsigned uleb_len(uint32_t v);

#endif
