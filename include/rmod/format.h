/* The .rmod file format: the one definition shared by the host tools,
 * the loader core and the kernel.  docs/FORMAT.md is the prose spec.
 *
 * Every multi-byte field is little-endian.  Readers never cast the file
 * to these structs: they decode fields with rm_le16/rm_le32 at the
 * RMOD_*_OFF offsets below, so alignment and host byte order do not
 * matter.  The structs document the layout and are used by the writer
 * on little-endian hosts only through the rm_put_* helpers.
 */
#ifndef RMOD_FORMAT_H
#define RMOD_FORMAT_H

#include <stdint.h>

#define RMOD_MAGIC0 'R'
#define RMOD_MAGIC1 'M'
#define RMOD_MAGIC2 'O'
#define RMOD_MAGIC3 'D'
#define RMOD_VERSION 2 /* 1: fixed 24-byte imports, 6-byte sites */
#define RMOD_MACHINE_386 3 /* EM_386 */

#define RMOD_PAGE 4096u
#define RMOD_NONE 0xffffffffu /* "no entry point" for init/exit */

/* header.flags */
#define RMOD_F_BIND_DIRECT 0x1u /* imports patched at every site */
#define RMOD_F_HAS_SYMS 0x2u    /* SYMS table present (fault attribution) */
#define RMOD_F_PREBOUND 0x4u    /* prelinked: BOUND entries carry the address
				   each import is already bound to */
#define RMOD_F_KNOWN (RMOD_F_BIND_DIRECT | RMOD_F_HAS_SYMS | RMOD_F_PREBOUND)

/* Table directory slots.  A slot with size 0 is absent. */
enum rmod_table {
	RMOD_T_IMAGE = 0,   /* file-backed image bytes [0, image_size) */
	RMOD_T_FIXUPS = 1,  /* base-fixup stream, see below */
	RMOD_T_IMPORTS = 2, /* import records, see below */
	RMOD_T_SITES = 3,   /* import-site stream, sorted by offset */
	RMOD_T_EXPORTS = 4, /* struct rmod_export[], sorted by (hash, name) */
	RMOD_T_STRTAB = 5,  /* NUL-terminated strings; offset 0 is "" */
	RMOD_T_NEEDS = 6,   /* u32 strtab offsets: provider module names */
	RMOD_T_PARAMS = 7,  /* struct rmod_param[] */
	RMOD_T_SYMS = 8,    /* symbol stream, sorted by offset, see below */
	RMOD_T_INIT = 9,    /* file-backed init-only bytes, placed at init_start */
	RMOD_T_BOUND = 10,  /* struct rmod_bound[], one per import, or absent */
	RMOD_T_TYPES = 11,  /* ABI type texts for rmod-abi; optional, never loaded */
	RMOD_T_COUNT = 12
};

/* Fixed header, 184 bytes. */
struct rmod_header {
	uint8_t magic[4];     /* "RMOD" */
	uint16_t version;     /* RMOD_VERSION */
	uint16_t machine;     /* RMOD_MACHINE_386 */
	uint32_t header_size; /* sizeof(struct rmod_header) */
	uint32_t flags;       /* RMOD_F_* */
	uint32_t file_size;   /* exact size of the file */
	uint32_t crc32;       /* CRC-32C (Castagnoli) of the file with this field 0 */
	uint32_t image_size;  /* file-backed bytes: text | rodata | data */
	uint32_t mem_size;    /* everything: image, bss, init region; a
				 multiple of RMOD_PAGE */
	uint32_t text_end;    /* [0, text_end) is R+X, page aligned */
	uint32_t rodata_end;  /* [text_end, rodata_end) is R, page aligned */
	uint32_t init_off;    /* image offset of init, or RMOD_NONE */
	uint32_t exit_off;    /* image offset of exit, or RMOD_NONE */
	uint32_t name;        /* strtab offset of the module name */
	uint32_t desc;        /* strtab offset of the description */
	uint32_t fixup_count; /* number of fixups the stream encodes */
	uint32_t iat_start;   /* IAT slots lie in [iat_start, iat_end) */
	uint32_t iat_end;
	uint32_t init_start;    /* [init_start, mem_size) is freed after init */
	uint32_t init_text_end; /* init text [init_start, init_text_end) R+X,
				   init data [init_text_end, mem_size) R+W */
	uint32_t pref_base;     /* the base the image is already rebased to:
				   0 for a plain module, page aligned */
	uint32_t import_count;  /* records in IMPORTS */
	uint32_t site_count;    /* sites the SITES stream encodes */
	struct {
		uint32_t off;
		uint32_t size;
	} dir[RMOD_T_COUNT];
};
#define RMOD_HEADER_SIZE 184u

/* Header field offsets for the byte-wise readers. */
#define RMOD_H_VERSION 4
#define RMOD_H_MACHINE 6
#define RMOD_H_HEADER_SIZE 8
#define RMOD_H_FLAGS 12
#define RMOD_H_FILE_SIZE 16
#define RMOD_H_CRC32 20
#define RMOD_H_IMAGE_SIZE 24
#define RMOD_H_MEM_SIZE 28
#define RMOD_H_TEXT_END 32
#define RMOD_H_RODATA_END 36
#define RMOD_H_INIT_OFF 40
#define RMOD_H_EXIT_OFF 44
#define RMOD_H_NAME 48
#define RMOD_H_DESC 52
#define RMOD_H_FIXUP_COUNT 56
#define RMOD_H_IAT_START 60
#define RMOD_H_IAT_END 64
#define RMOD_H_INIT_START 68
#define RMOD_H_INIT_TEXT_END 72
#define RMOD_H_PREF_BASE 76
#define RMOD_H_IMPORT_COUNT 80
#define RMOD_H_SITE_COUNT 84
#define RMOD_H_DIR 88

/* Import bind kinds (implied by an import's index, see below). */
#define RMOD_BIND_IAT 1   /* write the symbol address into one IAT slot */
#define RMOD_BIND_SITES 2 /* patch each listed site */

/* Import flags. */
#define RMOD_IMPORT_WEAK 0x1u /* optional: binds 0 when nobody exports it */
#define RMOD_IMPORT_F_NS 0x2u /* the strtab string right after the name is a
				 comma-separated list of the namespaces the
				 module imports this symbol from */
#define RMOD_IMPORT_F_KNOWN (RMOD_IMPORT_WEAK | RMOD_IMPORT_F_NS)
#define RMOD_NEED_ANY 0xffffu /* rm_import.need: no provider named */

/* Import records (table IMPORTS): import_count records back to back,
 * then the run column.  The first niat = (iat_end - iat_start) / 4
 * imports are bound through the IAT, import k owning slot iat_start + 4k,
 * sorted by (hash, name) with unique names; the rest are bound at sites,
 * in the order of their first site (the site stream codes it so).
 *
 * A record is a ULEB128 v, a u32 LE hash (rmod_hash of the name: the
 * loader looks names up by it, and computing it at every load would cost
 * more than the 4 bytes), then the optional fields v announces:
 *   v >> 4        strtab offset of the name
 *   v & 1         a version follows: u32 LE, non-zero (0 = unversioned
 *                 is spelled by leaving the bit clear)
 *   v & 2         a need follows: ULEB128 index into NEEDS
 *   v & 4         weak (RMOD_IMPORT_WEAK)
 *   v & 8         namespaces follow the name in strtab (RMOD_IMPORT_F_NS)
 *
 * The run column: for each sites import in order, a ULEB128 r for its
 * first run of sites, and when r & RMOD_RUN_MORE a second ULEB128 r2 for
 * a run of the other kind:
 *   (r >> 3) + 1  sites in the run (so at least one)
 *   r & 4         wide: the run's gaps after its first site are u16 LE
 *                 (below), not site numbers
 *   r & 2         PC-relative sites (word += S - base), else absolute
 *                 (word += S)
 *   r & 1         another run follows (r2: the other kind, bit 0 clear)
 * Counts sit here rather than in SITES so that binding reads one entry
 * per import and never a count per site.  ULEBs are minimal, as in the
 * fixup stream. */
#define RMOD_RUN_MORE 1u
#define RMOD_RUN_PCREL 2u
#define RMOD_RUN_WIDE 4u
#define RMOD_RUN_SHIFT 3
#define RMOD_IR_VERSION 1u
#define RMOD_IR_NEED 2u
#define RMOD_IR_WEAK 4u
#define RMOD_IR_NS 8u
#define RMOD_IR_SHIFT 4

/* struct rmod_bound, 16 bytes: a PE-style hint for import i (same index).
 * hint is the symbol's index in its provider's export table as rmod-link
 * saw it; stamp is rmod_stamp() of that whole table (0 = no hint); hash
 * and version are the import's (rm_parse checks both against the name
 * and the record), so the hinted path reads this table only: no record
 * decoding, no hash computation.  A loader whose
 * provider table has the same stamp takes entry hint directly;
 * otherwise it looks the name up.  Hints are only a shortcut: a stale
 * one costs a lookup, and binds wrongly only if a changed table collides
 * with both the 32-bit stamp and, at hint, the 32-bit hash. */
struct rmod_bound {
	uint32_t stamp;
	uint32_t hint;
	uint32_t hash;
	uint32_t version;
};
#define RMOD_BOUND_SIZE 16u

/* TYPES table (docs/FORMAT.md, "TYPES"): u32 nexports, u32 nimports,
 * u32 blob_size, u32 root[nexports + nimports] (blob offset of the
 * symbol's canonical type text, or RMOD_TYPES_NONE), then blob_size
 * bytes of NUL-terminated fragments ending in NUL.  Byte 0x01 + ULEB128
 * offset inside a fragment stands for an earlier fragment.  Roots follow
 * the export table's order, then the import table's. */
#define RMOD_TYPES_HDR 12u
#define RMOD_TYPES_NONE 0xffffffffu

/* With RMOD_F_PREBOUND, BOUND entries are 20 bytes: {stamp, hint, hash,
 * version, addr}.  The image's sites and IAT slots hold import i bound to addr
 * with the module at pref_base (addr 0 where no provider was known), so
 * a loader that resolves every import to its addr and places the module
 * at pref_base has nothing to bind; otherwise it binds the difference. */
#define RMOD_PREBOUND_SIZE 20u

/* The import-site stream (table SITES): the runs of the run column, in
 * the same order, each a list of site offsets in increasing order.  Every
 * value is a site number (below), a gap in bytes:
 *   - a run's first site: a cursor F starts at 0; an import's first run
 *     starts at F + value, and F becomes that offset + 4, so sites imports
 *     come in the order of their first sites; a second run starts at the
 *     import's first site + 4 + value;
 *   - any other site: at the previous site of its run + 4 + value; in a
 *     wide run the value is a u16 LE, or 0xffff then a u32 LE of at least
 *     0xffff (rmod-link makes a run wide when that is no longer: it is
 *     cheaper to decode when most gaps need two bytes anyway).
 * Sites of different runs may interleave; none may overlap another site,
 * a fixup or the IAT (rm_check_layout).
 *
 * A site number is 1, 2, 3 or 5 bytes, by its first byte b (byte values
 * tuned on Linux's modules, where most gaps are under a few kilobytes):
 *   b < 208            b
 *   208 <= b < 252     208 + (b - 208) * 256 + next byte
 *   252 <= b < 255     11472 + (b - 252) * 65536 + next u16 LE
 *   b == 255           next u32 LE, at least 208080 (one spelling each) */
#define RMOD_SN_TWO 208u    /* first two-byte prefix */
#define RMOD_SN_THREE 252u  /* first three-byte prefix */
#define RMOD_SN_WIDE 255u   /* a u32 follows */
#define RMOD_SN_BASE3 (RMOD_SN_TWO + (RMOD_SN_THREE - RMOD_SN_TWO) * 256u)
#define RMOD_SN_BASE5 (RMOD_SN_BASE3 + (RMOD_SN_WIDE - RMOD_SN_THREE) * 65536u)

/* Export kinds. */
#define RMOD_EXP_FUNC 1
#define RMOD_EXP_DATA 2

/* struct rmod_export, 20 bytes. */
struct rmod_export {
	uint32_t name;    /* strtab offset */
	uint32_t hash;    /* rmod_hash(name) */
	uint32_t offset;  /* image offset of the symbol */
	uint16_t kind;    /* RMOD_EXP_* */
	uint16_t flags;   /* RMOD_EXP_F_*; unknown bits refused */
	uint32_t version; /* symbol version, 0 = unversioned */
};
#define RMOD_EXPORT_SIZE 20u

/* Export flags.  The strings they announce follow the export's name in
 * strtab, in this order: name\0[namespace\0][allowlist\0]. */
#define RMOD_EXP_F_NS 0x1u  /* in a namespace (RMOD_EXPORT_NS) */
#define RMOD_EXP_F_FOR 0x2u /* only for the listed importers (RMOD_EXPORT_FOR):
			       comma-separated module names, each may end in '*' */
#define RMOD_EXP_F_KNOWN (RMOD_EXP_F_NS | RMOD_EXP_F_FOR)

/* Parameter types. */
#define RMOD_PARAM_INT 1
#define RMOD_PARAM_UINT 2
#define RMOD_PARAM_BOOL 3
#define RMOD_PARAM_STRING 4

/* struct rmod_param, 20 bytes. */
struct rmod_param {
	uint32_t name;   /* strtab offset */
	uint32_t desc;   /* strtab offset */
	uint32_t offset; /* image offset of the variable */
	uint16_t type;   /* RMOD_PARAM_* */
	uint16_t flags;  /* must be 0 */
	uint32_t size;   /* bytes of storage (string: buffer incl. NUL) */
};
#define RMOD_PARAM_SIZE 20u

/* The symbol stream (table SYMS), for fault attribution: a byte stream
 * of records in offset order (equal offsets in name order), decoded to
 * the end of the table; its size, not a header field, says where the
 * records end.  A cursor e (end of the previous symbol: its offset + size)
 * starts at 0, and the previous name starts empty.  Each record is
 *   ULEB128 z      zigzag of d = offset - e (signed: symbols may overlap),
 *                  z = (d << 1) ^ (d >> 31), so d = (z >> 1) ^ -(z & 1)
 *   ULEB128 size
 *   ULEB128 k      the name starts with the previous name's first k
 *                  bytes (k <= the previous name's length)
 *   ULEB128 n      the length of the rest of the name
 *   n bytes        the rest of the name (counted, so that validation
 *                  never scans it; a NUL in it only shortens what is shown)
 * The name (1 to RMOD_MAX_NAME bytes) is not in STRTAB.  Offsets never
 * decrease, and [offset, offset + size) lies in [0, mem_size).  ULEBs
 * are minimal, as in the fixup stream. */

/* The base-fixup stream.
 *
 * A cursor p (image byte offset) starts at 0.  The stream is a sequence
 * of commands; each starts with a ULEB128 value v whose low two bits
 * are the opcode and whose remaining bits are its argument a = v >> 2.
 * After every command p is the offset just past the last fixup it
 * emitted (last + 4), so fixups are strictly increasing and never
 * overlap.
 *
 *   SKIP  (0): one fixup at p + a.
 *   RUN   (1): a + 2 fixups at p, p+4, ... (contiguous words).
 *   BITS  (2): a + 1 raw bytes follow; bit i (LSB first, byte by byte)
 *              set means a fixup at p + 4*i.  The last byte is non-zero.
 *   REPEAT(3): ULEB w (1..32), ULEB pattern follow; the w-bit pattern (bit 0 =
 *              word p, its top set bit below w, pattern != 0) is applied
 *              a + 2 times, the k-th copy starting at word p + k*w.
 *
 * Applying a fixup adds the load base to the little-endian 32-bit word
 * at that offset.
 */
#define RMOD_FX_SKIP 0
#define RMOD_FX_RUN 1
#define RMOD_FX_BITS 2
#define RMOD_FX_REPEAT 3

/* Limits the loader core enforces (docs/FORMAT.md, "Limits"). */
#define RMOD_MAX_FILE (64u << 20)  /* 64 MiB */
#define RMOD_MAX_MEM (64u << 20)   /* image + bss */
#define RMOD_MAX_IMPORTS 65535u
#define RMOD_MAX_EXPORTS 65535u
#define RMOD_MAX_SITES (1u << 22)
#define RMOD_MAX_NEEDS 256u
#define RMOD_MAX_PARAMS 256u
#define RMOD_MAX_NAME 255u /* longest symbol or module name */
#define RMOD_MAX_REPEAT_W 32u

/* An export table's stamp: FNV-1a over each entry's name, NUL, version
 * (LE) and kind (LE), in table order, never 0.  Start from
 * RMOD_STAMP_INIT, add entries with rmod_stamp_add, end with
 * rmod_stamp_end. */
#define RMOD_STAMP_INIT 2166136261u
static inline uint32_t rmod_stamp_byte(uint32_t h, uint8_t b)
{
	return (h ^ b) * 16777619u;
}
static inline uint32_t rmod_stamp_add(uint32_t h, const char *name, uint32_t version,
				      uint16_t kind)
{
	while (*name)
		h = rmod_stamp_byte(h, (uint8_t)*name++);
	h = rmod_stamp_byte(h, 0);
	for (int i = 0; i < 32; i += 8)
		h = rmod_stamp_byte(h, (uint8_t)(version >> i));
	h = rmod_stamp_byte(h, (uint8_t)kind);
	return rmod_stamp_byte(h, (uint8_t)(kind >> 8));
}
static inline uint32_t rmod_stamp_end(uint32_t h)
{
	return h ? h : 1;
}

/* FNV-1a, 32-bit: the hash stored with every import and export. */
static inline uint32_t rmod_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

static inline uint16_t rm_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t rm_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline void rm_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void rm_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
