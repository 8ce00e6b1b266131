/* The rmod loader core: validate, copy, rebase, bind, publish.
 *
 * Freestanding: no libc, no allocation.  The caller owns every buffer;
 * the core only reads the file and writes the destination it is given.
 * Validation is rm_parse() and rm_check_layout() (which needs a bitmap
 * from the caller when the module has import sites): together
 * they check the whole file before anything is written, so a file they
 * accept can be placed, rebased and bound without further failure except
 * in rm_resolve(), which runs before the first write too.
 */
#ifndef RMOD_LOADER_H
#define RMOD_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "rmod/format.h"

/* Error codes: each failure class has its own (docs/ERRORS.md). */
enum rm_err {
	RM_OK = 0,
	RM_E_TRUNCATED = 1,      /* file shorter than the header */
	RM_E_MAGIC = 2,          /* bad magic */
	RM_E_VERSION = 3,        /* unsupported format version */
	RM_E_MACHINE = 4,        /* not an i386 module */
	RM_E_HEADER_SIZE = 5,    /* header_size field wrong */
	RM_E_FILE_SIZE = 6,      /* file_size disagrees with the buffer */
	RM_E_FLAGS = 7,          /* unknown flag or reserved table slot in use */
	RM_E_CHECKSUM = 8,       /* CRC-32 mismatch */
	RM_E_LAYOUT = 9,         /* region sizes inconsistent or unaligned */
	RM_E_TOO_BIG = 10,       /* a size or count above the documented limit */
	RM_E_TABLE_RANGE = 11,   /* a table lies outside the file */
	RM_E_TABLE_OVERLAP = 12, /* two tables overlap */
	RM_E_TABLE_SIZE = 13,    /* table size not a multiple of its entry */
	RM_E_STRING = 14,        /* string offset out of range or unterminated */
	RM_E_ENTRY = 15,         /* init/exit offset not in text */
	RM_E_FIXUP_ENCODING = 16, /* malformed fixup command */
	RM_E_FIXUP_RANGE = 17,   /* fixup past or straddling the image end */
	RM_E_FIXUP_COUNT = 18,   /* stream length disagrees with fixup_count */
	RM_E_FIXUP_IAT = 19,     /* fixup inside the IAT */
	RM_E_IMPORT = 20,        /* malformed import entry */
	RM_E_IAT_SLOT = 21,      /* IAT slot outside the IAT or misaligned */
	RM_E_SITE_RANGE = 22,    /* import site outside the image */
	RM_E_SITE_OVERLAP = 23,  /* import site overlaps a fixup or a site */
	RM_E_EXPORT = 24,        /* malformed export entry */
	RM_E_EXPORT_ORDER = 25,  /* export table not sorted by (hash, name) */
	RM_E_EXPORT_DUP = 26,    /* the same name exported twice */
	RM_E_HASH = 27,          /* stored hash disagrees with the name */
	RM_E_NEED = 28,          /* malformed needs entry */
	RM_E_PARAM = 29,         /* malformed parameter entry */
	RM_E_SYMS = 30,          /* malformed symbol table */
	RM_E_NAME = 31,          /* empty or over-long module name */
	RM_E_UNRESOLVED = 32,    /* an import no provider resolves */
	RM_E_VERSION_MISMATCH = 33, /* import version differs from export */
	RM_E_KIND = 34,          /* import bound to an export of the wrong kind */
	/* 35 is retired (was RM_E_DEST, never returned). */
	RM_E_INIT_REF = 36,      /* export or parameter inside init-only memory */
	RM_E_BOUND = 37,         /* bound-import table not one entry per import,
				    or an entry's version not its import's */
	RM_E_TYPES = 38,         /* malformed TYPES (ABI type) table */
	RM_E_NAMESPACE = 39,     /* export's namespace not imported by the module */
	RM_E_EXPORT_FOR = 40,    /* module not on the export's allowlist */
	RM_E__COUNT
};

/* Where an error was found, for a one-line message naming the place. */
struct rm_diag {
	int code;     /* enum rm_err */
	uint32_t at;  /* file or image offset, or table index */
	uint32_t val; /* the offending value */
	uint32_t val2; /* a second value: a limit, or the provider's version */
	const char *sym; /* symbol name, when one is involved (points into file) */
	const char *str; /* RM_E_NAMESPACE: the export's namespace;
			    RM_E_EXPORT_FOR: its allowlist */
};

/* A validated module: the decoded header and table pointers into the
 * caller's file buffer, which must stay alive while this is used. */
struct rm_module {
	const uint8_t *file;
	uint32_t file_size;
	uint32_t flags;
	uint32_t image_size, mem_size, text_end, rodata_end;
	uint32_t init_start, init_text_end; /* init region; == mem_size if none */
	const uint8_t *init_image;          /* file-backed init bytes */
	uint32_t init_image_size;
	uint32_t init_off, exit_off;
	uint32_t fixup_count;
	uint32_t iat_start, iat_end;
	const char *name, *desc;
	const uint8_t *image;
	const uint8_t *fixups;
	uint32_t fixups_size;
	const uint8_t *imports;  /* import records (impdec.h) */
	uint32_t imports_size;
	uint32_t nimports;
	uint32_t niat;           /* imports [0, niat) are bound through the IAT */
	const uint8_t *runs;     /* the run column, after the records */
	const uint8_t *sites;    /* the site stream (impdec.h) */
	uint32_t sites_size;
	uint32_t nsites;
	const uint8_t *exports;
	uint32_t nexports;
	const char *strtab;
	uint32_t strtab_size;
	const uint8_t *needs;
	uint32_t nneeds;
	const uint8_t *params;
	uint32_t nparams;
	const uint8_t *syms;     /* the symbol stream (symdec.h) */
	uint32_t syms_size;
	uint32_t nsyms;          /* symbols it encodes (rm_parse counts them) */
	const uint8_t *bound; /* nimports entries when has_bound */
	int has_bound;
	uint32_t bound_size;  /* RMOD_BOUND_SIZE, or RMOD_PREBOUND_SIZE */
	uint32_t pref_base;   /* the base the image is rebased to (0: plain) */
};

/* A decoded import or export entry. */
struct rm_import {
	const char *name;
	uint32_t hash, version;
	uint8_t bind, flags; /* RMOD_BIND_*, RMOD_IMPORT_* */
	uint16_t need;
	uint32_t where;       /* IAT: the slot's image offset; sites: 0 */
	uint32_t stamp, hint; /* from BOUND; stamp 0 = no hint */
	uint32_t prebound;    /* what the image has it bound to (prelinked) */
	const char *ns;       /* RMOD_IMPORT_F_NS: namespaces it may come from, else 0 */
};

struct rm_export {
	const char *name;
	uint32_t hash, offset, version;
	uint16_t kind, flags;
	const char *ns, *allow; /* RMOD_EXP_F_NS / RMOD_EXP_F_FOR strings, else 0 */
};

struct rm_param {
	const char *name, *desc;
	uint32_t offset, size;
	uint16_t type;
};

struct rm_sym {
	const char *name;
	uint32_t offset, size;
};

/* rm_parse flags */
#define RM_PARSE_NO_CRC 0x1u /* skip the CRC (caller verified it already) */

/* Validate the whole file.  Returns RM_OK or an rm_err, with *d filled. */
int rm_parse(const void *file, size_t size, unsigned flags, struct rm_module *m,
	     struct rm_diag *d);

/* Resolver: give the address of an import, or an rm_err.  kind receives
 * the export's kind and version its version so the core can check them.
 * RM_E_UNRESOLVED for a weak import is not an error: the core binds 0. */
struct rm_resolved {
	uint32_t addr;
	uint32_t version;
	uint16_t kind;
	/* The export's namespace and allowlist (0: none): the core refuses
	 * an import whose module does not import the namespace
	 * (RM_E_NAMESPACE) or is not on the list (RM_E_EXPORT_FOR). */
	const char *ns, *allow;
};
typedef int (*rm_resolve_fn)(void *ctx, const struct rm_module *m,
			     const struct rm_import *imp, struct rm_resolved *out);

/* Resolve every import into addrs[nimports] before anything is written.
 * Version differences are reported through d (RM_E_VERSION_MISMATCH)
 * unless either side is 0 (unversioned), which the caller may warn about. */
int rm_resolve(const struct rm_module *m, rm_resolve_fn fn, void *ctx,
	       uint32_t *addrs, struct rm_diag *d);

/* An export as a provider's table holds it, for bound-import hints. */
struct rm_symbol {
	uint32_t hash, addr, version;
	uint16_t kind;
	uint16_t flags; /* RM_SYM_* */
};
/* In a namespace or behind an allowlist: a hint never settles it, the
 * resolver (which checks them) always runs. */
#define RM_SYM_RESTRICTED 0x1u
/* The export table whose rmod_stamp is stamp, in its own order: set *v
 * and *n and return 1, or return 0 if there is none. */
typedef int (*rm_table_fn)(void *ctx, uint32_t stamp, const struct rm_symbol *const **v,
			   uint32_t *n);

/* rm_resolve with PE-style hints (docs/FORMAT.md): an import whose BOUND
 * entry names a table table_fn knows, at an index holding its hash, with
 * equal versions (both 0 counts), is taken from there; every other import
 * goes to fn, which may look it up, warn, or refuse.  So a stale hint
 * costs a call to fn, not a wrong binding, barring a collision of both
 * the 32-bit stamp and the 32-bit hash (docs/FORMAT.md). */
int rm_resolve_hinted(const struct rm_module *m, rm_table_fn table_fn, rm_resolve_fn fn,
		      void *ctx, uint32_t *addrs, struct rm_diag *d);

/* The load phases.  dest must hold mem_size bytes; base is the address
 * the image will run at (on the host it differs from dest). */
void rm_copy(const struct rm_module *m, void *dest);
/* rm_copy of [from, mem_size) only: the pages below from are the file's
 * own, mapped in place (from <= image_size). */
void rm_copy_from(const struct rm_module *m, void *dest, uint32_t from);
/* Rebase by base - pref_base (nothing when the module sits at its
 * preferred base). */
void rm_rebase(const struct rm_module *m, void *dest, uint32_t base);
/* Bind addrs[i] to import i at base: IAT slots get the address, sites
 * the difference from what a prelinked image already holds. */
void rm_bind(const struct rm_module *m, void *dest, uint32_t base,
	     const uint32_t *addrs);
/* 0 when binding at base would write nothing: a prelinked module at its
 * preferred base whose every import resolved to the address it is
 * already bound to. */
int rm_bind_needed(const struct rm_module *m, uint32_t base, const uint32_t *addrs);
/* The address import i is already bound to in a prelinked image, else 0. */
static inline uint32_t rm_prebound(const struct rm_module *m, uint32_t i)
{
	return m->flags & RMOD_F_PREBOUND ? rm_le32(m->bound + RMOD_PREBOUND_SIZE * i + 16) : 0;
}

/* Imports in order, from the checked decoder: rm_imports_begin, then
 * rm_imports_next fills *out and returns 1 per import, 0 after the last. */
struct rm_import_it {
	const uint8_t *p;
	uint32_t i;
};
void rm_imports_begin(const struct rm_module *m, struct rm_import_it *it);
int rm_imports_next(const struct rm_module *m, struct rm_import_it *it, struct rm_import *out);

/* Symbols in offset order, from the checked decoder (symdec.h):
 * rm_syms_begin, then rm_syms_next fills *out and returns 1 per symbol, 0
 * after the last.  out->name points into the iterator, which holds the
 * name the next one's prefix comes from: it stays valid until the next
 * call.  The stream has no index, so this is the only way in. */
struct rm_sym_it {
	const uint8_t *p;
	uint32_t cur, off, len;
	char name[RMOD_MAX_NAME + 1];
};
void rm_syms_begin(const struct rm_module *m, struct rm_sym_it *it);
int rm_syms_next(const struct rm_module *m, struct rm_sym_it *it, struct rm_sym *out);

/* Table accessors (index < count, checked by rm_parse).  rm_get_import
 * walks the records up to i: use the iterator for a whole table. */
void rm_get_import(const struct rm_module *m, uint32_t i, struct rm_import *out);
void rm_get_export(const struct rm_module *m, uint32_t i, struct rm_export *out);
void rm_get_param(const struct rm_module *m, uint32_t i, struct rm_param *out);
const char *rm_get_need(const struct rm_module *m, uint32_t i);

/* Calls fn for each import site of a module rm_parse accepted, run by
 * run (sites imports in order, each run in offset order), from the
 * checked decoder (impdec.h): its image offset, whether it is
 * PC-relative, and its import's index. */
typedef void (*rm_site_fn)(void *ctx, uint32_t offset, int pcrel, uint32_t import);
void rm_walk_sites(const struct rm_module *m, rm_site_fn fn, void *ctx);

/* The rest of validation, for a module with sites (rm_layout_scratch(m)
 * > 0): its base fixups (rm_parse checks them only when there is no site,
 * so that they are walked once) and that no site overlaps another site or
 * a fixup.  Sites come per import, so the check marks them in a bitmap of
 * the module's memory, which the caller provides: rm_layout_scratch(m)
 * bytes, any content.  Skipping it leaves the fixups unchecked: every
 * loader calls it.  RM_E_SITE_OVERLAP (at = site or fixup number) and the
 * fixup codes. */
uint32_t rm_layout_scratch(const struct rm_module *m);
int rm_check_layout(const struct rm_module *m, uint32_t *bits, struct rm_diag *d);

/* Calls fn for each fixup offset of a module rm_parse accepted, in order,
 * from the checked decoder (fxdec.h).  For tools, the kernel's shell and
 * the fuzz oracle; loading uses rm_rebase's tight loop. */
typedef void (*rm_fixup_fn)(void *ctx, uint32_t offset);
void rm_walk_fixups(const struct rm_module *m, rm_fixup_fn fn, void *ctx);

/* 1 if name is in list, comma-separated; with glob, an item ending in
 * '*' matches every name that starts with the rest of it. */
int rm_list_has(const char *list, const char *name, int glob);

/* Messages. */
const char *rm_strerror(int code);
const char *rm_errname(int code); /* "RM_E_MAGIC" */

/* CRC-32 (IEEE 802.3), as stored in the header. */
uint32_t rm_crc32(uint32_t crc, const void *buf, size_t len);
/* CRC-32C (Castagnoli): the file checksum (header crc32). */
uint32_t rm_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
