/* Encoding a sorted list of fixup offsets as an rmod fixup stream, and
 * the sizes other formats would need for the same list. */
#ifndef RMOD_FIXUP_ENCODE_H
#define RMOD_FIXUP_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* offs: strictly increasing, each >= previous + 4.  Appends the
 * smallest stream the encoder finds to out. */
void fixup_encode(const uint32_t *offs, size_t n, struct buf *out);

/* Bytes the same fixups take as a raw u32 list, PE .reloc blocks
 * (8-byte header per 4 KiB page, 2 bytes per entry, blocks padded to
 * 4 bytes) and RELR (SHT_RELR, 32-bit; offsets that are not 4-aligned
 * cannot be expressed in RELR and are counted as 8-byte REL entries). */
size_t fixup_size_raw(const uint32_t *offs, size_t n);
size_t fixup_size_pe(const uint32_t *offs, size_t n);
size_t fixup_size_relr(const uint32_t *offs, size_t n);

#endif
