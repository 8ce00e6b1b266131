/* Comparing two canonical type texts (symver.c): is the change harmless
 * in abidiff's sense, and which members, enumerators or types changed. */
#ifndef RMOD_ABI_COMPARE_H
#define RMOD_ABI_COMPARE_H

#include <stddef.h>

/* Harmless reasons (bit set). */
#define ABI_HARMLESS_CV 1u   /* a cv-qualifier on a pointee or a parameter */
#define ABI_HARMLESS_ENUM 2u /* enumerators appended */

/* 0 when the change is breaking; otherwise the ABI_HARMLESS_* reasons
 * (a non-zero set) that account for every difference. */
unsigned abi_harmless(const char *old, const char *new);
/* A words for the reasons: "pointee cv-qualifier", ... (static). */
const char *abi_harmless_text(unsigned reasons);

/* Human-readable lines naming what differs (malloc'd, *out malloc'd). */
size_t abi_explain(const char *old, const char *new, char ***out);

#endif
