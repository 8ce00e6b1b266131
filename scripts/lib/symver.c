/* Symbol versions from DWARF (libdw): the CRC-32 of a canonical text of
 * the symbol's type, expanded through structs, unions, enums, typedefs,
 * pointers, arrays and prototypes.  Member names, types and offsets are in
 * the text; parameter names and declaration order are not. */
#include "symver.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"

struct entry {
	char *name;
	Dwarf_Off off;
	int is_decl;
};

struct symver {
	int fd;    /* -1 when the caller owns the ELF */
	Elf *elf;  /* ours, or NULL */
	Dwarf *dw;
	int own_dw; /* 0 when the caller's (libdwfl's) */
	struct entry *v;
	size_t n;
	const char *what; /* the file, for a refusal */
};

#define MAX_DEPTH 64

struct text {
	struct buf b;
	Dwarf_Off open[MAX_DEPTH]; /* structs being expanded: cycle guard */
	int nopen;
};

static void put(struct text *t, const char *s)
{
	buf_put(&t->b, s, strlen(s));
}

static void putf(struct text *t, const char *fmt, unsigned long long v)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), fmt, v);
	put(t, tmp);
}

static int type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

static unsigned long long udata(Dwarf_Die *die, unsigned at, unsigned long long dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (dwarf_attr_integrate(die, at, &a) && dwarf_formudata(&a, &w) == 0)
		return w;
	return dflt;
}

/* A DIE's name, or NULL unless it ends with a NUL inside the section that
 * holds it: libdw hands back a pointer into .debug_str or .debug_info
 * without checking that a corrupt file terminates the string there. */
static const char *die_name(Dwarf_Die *die)
{
	const char *n = dwarf_diename(die);
	Elf *e = n ? dwarf_getelf(dwarf_cu_getdwarf(die->cu)) : NULL;
	for (Elf_Scn *scn = NULL; e && (scn = elf_nextscn(e, scn));) {
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size == 0)
			continue;
		const char *lo = d->d_buf, *hi = lo + d->d_size;
		if (n >= lo && n < hi)
			return memchr(n, 0, (size_t)(hi - n)) ? n : NULL;
	}
	return NULL;
}

static void type_text(struct text *t, Dwarf_Die *die, int depth);

static void ref_text(struct text *t, Dwarf_Die *die, int depth)
{
	Dwarf_Die ty;
	if (type_of(die, &ty))
		type_text(t, &ty, depth + 1);
	else
		put(t, "void");
}

static void params_text(struct text *t, Dwarf_Die *fn, int depth)
{
	Dwarf_Die c;
	int first = 1;
	put(t, "(");
	if (dwarf_child(fn, &c) == 0) {
		do {
			int tag = dwarf_tag(&c);
			if (tag != DW_TAG_formal_parameter && tag != DW_TAG_unspecified_parameters)
				continue;
			if (!first)
				put(t, ",");
			first = 0;
			if (tag == DW_TAG_unspecified_parameters)
				put(t, "...");
			else
				ref_text(t, &c, depth);
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	put(t, ")->");
	ref_text(t, fn, depth);
}

static void type_text(struct text *t, Dwarf_Die *die, int depth)
{
	const char *name = die_name(die);
	int tag = dwarf_tag(die);
	if (depth > 200) { /* pathological nesting: stop, deterministically */
		put(t, "...");
		return;
	}
	switch (tag) {
	case DW_TAG_base_type:
		put(t, name ? name : "?");
		putf(t, "/%llu", udata(die, DW_AT_byte_size, 0));
		putf(t, "/%llu", udata(die, DW_AT_encoding, 0));
		return;
	case DW_TAG_pointer_type:
		put(t, "*");
		ref_text(t, die, depth);
		return;
	case DW_TAG_const_type:
		put(t, "const ");
		ref_text(t, die, depth);
		return;
	case DW_TAG_volatile_type:
		put(t, "volatile ");
		ref_text(t, die, depth);
		return;
	case DW_TAG_restrict_type:
		ref_text(t, die, depth);
		return;
	case DW_TAG_typedef:
		put(t, "typedef ");
		put(t, name ? name : "?");
		put(t, "=");
		ref_text(t, die, depth);
		return;
	case DW_TAG_array_type: {
		Dwarf_Die c;
		put(t, "array");
		if (dwarf_child(die, &c) == 0) {
			do
				if (dwarf_tag(&c) == DW_TAG_subrange_type)
					putf(t, "[%llu]", udata(&c, DW_AT_upper_bound, ~0ull) + 1);
			while (dwarf_siblingof(&c, &c) == 0);
		}
		put(t, " of ");
		ref_text(t, die, depth);
		return;
	}
	case DW_TAG_subroutine_type:
		put(t, "fn");
		params_text(t, die, depth);
		return;
	case DW_TAG_enumeration_type: {
		Dwarf_Die c;
		put(t, "enum ");
		put(t, name ? name : "");
		put(t, "{");
		if (dwarf_child(die, &c) == 0) {
			do {
				const char *n = die_name(&c);
				Dwarf_Attribute a;
				Dwarf_Sword v = 0;
				if (dwarf_attr(&c, DW_AT_const_value, &a))
					dwarf_formsdata(&a, &v);
				put(t, n ? n : "?");
				putf(t, "=%lld;", (unsigned long long)v);
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		put(t, "}");
		return;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type: {
		Dwarf_Off off = dwarf_dieoffset(die);
		put(t, tag == DW_TAG_union_type ? "union " : "struct ");
		put(t, name ? name : "");
		if (dwarf_hasattr(die, DW_AT_declaration)) {
			put(t, "(opaque)");
			return;
		}
		for (int i = 0; i < t->nopen; i++)
			if (t->open[i] == off)
				return; /* a cycle: the name stands for the whole */
		if (t->nopen == MAX_DEPTH) {
			put(t, "(deep)");
			return;
		}
		t->open[t->nopen++] = off;
		putf(t, "/%llu{", udata(die, DW_AT_byte_size, 0));
		Dwarf_Die c;
		if (dwarf_child(die, &c) == 0) {
			do {
				if (dwarf_tag(&c) != DW_TAG_member)
					continue;
				const char *n = die_name(&c);
				put(t, n ? n : "");
				put(t, ":");
				ref_text(t, &c, depth);
				putf(t, "@%llu", udata(&c, DW_AT_data_member_location, 0));
				if (dwarf_hasattr(&c, DW_AT_bit_size))
					putf(t, ":%llu", udata(&c, DW_AT_bit_size, 0)),
						putf(t, "+%llu", udata(&c, DW_AT_data_bit_offset, 0));
				put(t, ";");
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		put(t, "}");
		t->nopen--;
		return;
	}
	default:
		putf(t, "tag%llu", (unsigned long long)tag);
		ref_text(t, die, depth);
		return;
	}
}

static void index_cu(struct symver *s, Dwarf_Die *cu)
{
	Dwarf_Die c;
	if (dwarf_child(cu, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		if (tag != DW_TAG_subprogram && tag != DW_TAG_variable)
			continue;
		const char *n = die_name(&c);
		if (!n)
			continue;
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->v[s->n++] = (struct entry){xstrdup(n), dwarf_dieoffset(&c),
					      dwarf_hasattr(&c, DW_AT_declaration)};
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* The handles, closed by symver_close or, after a refusal, by the arena:
 * the libdw handle only when ours (not libdwfl's), the ELF and file when
 * symver_open opened them. */
static void symver_cleanup(void *payload)
{
	struct symver *s = payload;
	if (s->dw && s->own_dw)
		dwarf_end(s->dw);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
}

/* libdw hands out names as pointers into .debug_str and .debug_line_str
 * and trusts them to end in NUL: refuse a file whose sections do not
 * (a fuzzed .debug_str made strlen run off the heap).  Compressed
 * sections are checked by libdw when it inflates them. */
static void check_string_sections(Elf *elf, const char *what)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_flags & SHF_COMPRESSED) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n || (strcmp(n, ".debug_str") && strcmp(n, ".debug_line_str")))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (d && d->d_size && ((const char *)d->d_buf)[d->d_size - 1])
			die("%s: section %s does not end in NUL", what, n);
	}
}

/* Index the DWARF of an open ELF (a file or an archive member). */
static void index_dwarf(struct symver *s)
{
	if (!s->dw)
		return; /* no DWARF: every symbol is unversioned */
	check_string_sections(dwarf_getelf(s->dw), s->what);
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(s->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(s->dw, off + hsize, &cu))
			index_cu(s, &cu);
		off = next;
	}
}

struct symver *symver_open(const char *path)
{
	struct symver *s = arena_defer(symver_cleanup, sizeof(*s));
	s->what = path;
	s->fd = open(path, O_RDONLY);
	if (s->fd < 0)
		die("%s: cannot open", path);
	elf_version(EV_CURRENT);
	s->elf = elf_begin(s->fd, ELF_C_READ, NULL);
	if (s->elf) {
		s->dw = dwarf_begin_elf(s->elf, DWARF_C_READ, NULL);
		s->own_dw = 1;
		index_dwarf(s);
	}
	return s;
}

struct symver *symver_open_dwarf(Dwarf *dw)
{
	struct symver *s = arena_defer(symver_cleanup, sizeof(*s));
	s->fd = -1;
	s->what = "DWARF";
	s->dw = dw;
	index_dwarf(s);
	return s;
}

char *symver_text(struct symver *s, const char *name)
{
	struct entry *best = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name) && (!best || (best->is_decl && !s->v[i].is_decl)))
			best = &s->v[i];
	Dwarf_Die die;
	if (!best || !dwarf_offdie(s->dw, best->off, &die))
		return NULL;
	struct text t;
	memset(&t, 0, sizeof(t));
	if (dwarf_tag(&die) == DW_TAG_subprogram) {
		put(&t, "func");
		params_text(&t, &die, 0);
	} else {
		/* An object's own array bound is not part of its interface: an
		 * `extern T x[];` declaration and its definition must agree. */
		Dwarf_Die ty, cur = die;
		put(&t, "var ");
		while (type_of(&cur, &ty) && (dwarf_tag(&ty) == DW_TAG_const_type ||
					       dwarf_tag(&ty) == DW_TAG_volatile_type)) {
			put(&t, dwarf_tag(&ty) == DW_TAG_const_type ? "const " : "volatile ");
			cur = ty;
		}
		if (type_of(&cur, &ty) && dwarf_tag(&ty) == DW_TAG_array_type) {
			put(&t, "array[] of ");
			ref_text(&t, &ty, 0);
		} else {
			ref_text(&t, &cur, 0);
		}
	}
	buf_put(&t.b, "", 1);
	return (char *)t.b.p;
}

uint32_t symver_get(struct symver *s, const char *name)
{
	char *text = symver_text(s, name);
	if (!text)
		return 0;
	uint32_t v = rm_crc32(0, text, strlen(text));
	xfree(text);
	return v ? v : 1; /* 0 means unversioned */
}

void symver_close(struct symver *s)
{
	for (size_t i = 0; i < s->n; i++)
		xfree(s->v[i].name);
	xfree(s->v);
	symver_cleanup(s);
	xfree(s);
}
