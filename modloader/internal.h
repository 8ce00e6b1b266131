/* Loader-core internals shared by its files (not a public API): the word
 * access of the write phases (rm_rebase, rm_bind), the placement checks
 * parse.c and layout.c share, and small string and diagnosis helpers. */
#ifndef RMOD_INTERNAL_H
#define RMOD_INTERNAL_H

#include <stdint.h>

#include "loader.h"

/* Zero a diagnosis field by field: a few stores, where a memset of the
 * struct becomes a library call in the kernel (-mstringop-strategy=libcall). */
static inline void rm_diag_clear(struct rm_diag *d)
{
	d->code = 0, d->at = 0, d->val = 0, d->val2 = 0, d->sym = 0, d->str = 0;
}

/* The strtab string right after s (the namespace or allowlist strings
 * that follow a name; rm_parse checked they are there). */
static inline const char *rm_next_str(const char *s)
{
	while (*s)
		s++;
	return s + 1;
}

/* Record a diagnosis and return its code. */
static inline int rm_fail(struct rm_diag *d, int code, uint32_t at, uint32_t val, uint32_t val2)
{
	d->code = code, d->at = at, d->val = val, d->val2 = val2;
	return code;
}

/* A patchable word must lie in file-backed bytes: the image, or the
 * init region's file-backed part. */
static inline int rm_word_ok(const struct rm_module *m, uint32_t off)
{
	uint64_t end = (uint64_t)off + 4;
	return end <= m->image_size ||
	       (off >= m->init_start && end <= (uint64_t)m->init_start + m->init_image_size);
}

/* Does the word at off touch the IAT?  An empty IAT touches nothing. */
static inline int rm_in_iat(const struct rm_module *m, uint32_t off)
{
	return m->iat_start < m->iat_end && (uint64_t)off + 4 > m->iat_start && off < m->iat_end;
}

/* Fixup validation (layout.c): range, IAT, count and, with bits (the
 * sites marked by rm_check_layout), no fixup on a site.  rm_parse runs it
 * for a module without sites; rm_check_layout for one with them. */
int rm_check_fixups(const struct rm_module *m, const uint32_t *bits, struct rm_diag *d);

/* Native-order unaligned word access; used only on little-endian targets. */
typedef uint32_t __attribute__((aligned(1), may_alias)) rm_u32_unaligned;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RM_ADD32(q, v) (*(rm_u32_unaligned *)(void *)(q) += (v))
#define RM_PUT32(q, v) (*(rm_u32_unaligned *)(void *)(q) = (v))
#else
#define RM_ADD32(q, v) rm_put32((q), rm_le32(q) + (v))
#define RM_PUT32(q, v) rm_put32((q), (v))
#endif

#endif
