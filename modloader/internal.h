/* Loader-core internals shared by its files (not a public API): the word
 * access of the write phases (rm_rebase, rm_bind) and small string and
 * diagnosis helpers. */
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
