/* Reading provider exports for rmod-link --provider (providers.h). */
#include "providers.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_file.h"
#include "loader.h"
#include "rmod_read.h"
#include "util.h"

/* Kernel export table entry: {name ptr, addr, u16 kind, u16 pad, u32 version}. */
#define KEXPORT_SIZE 16

static void add(struct provider_set *s, const char *name, uint32_t ver, uint16_t kind,
		const char *prov, uint32_t hint, uint32_t addr, int has_addr)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] =
		(struct provided){xstrdup(name), ver, kind, xstrdup(prov), hint, 0, addr, has_addr,
				  NULL, NULL};
}

/* Stamp the entries added since `first`, which are one export table in
 * its own order, so imports can carry bound-import hints into it. */
static void stamp_table(struct provider_set *s, size_t first)
{
	uint32_t h = RMOD_STAMP_INIT;
	for (size_t i = first; i < s->n; i++)
		h = rmod_stamp_add(h, s->v[i].name, s->v[i].version, s->v[i].kind);
	for (size_t i = first; i < s->n; i++)
		s->v[i].stamp = rmod_stamp_end(h);
}

static void from_rmod(struct provider_set *s, const char *path, const uint8_t *buf, size_t n)
{
	struct rm_module m;
	rmod_parse_or_die(path, buf, n, &m);
	size_t first = s->n;
	for (uint32_t i = 0; i < m.nexports; i++) {
		struct rm_export e;
		rm_get_export(&m, i, &e);
		/* Only a prelinked provider's addresses are known now. */
		add(s, e.name, e.version, e.kind, m.name, i, m.pref_base + e.offset,
		    m.pref_base != 0);
		s->v[s->n - 1].ns = e.ns ? xstrdup(e.ns) : NULL;
		s->v[s->n - 1].allow = e.allow ? xstrdup(e.allow) : NULL;
	}
	stamp_table(s, first);
}

/* The bytes at a virtual address of a linked ELF, or NULL. */
static const uint8_t *at_vaddr(Elf *e, uint32_t va, size_t *avail)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS)
			continue;
		if (va >= sh.sh_addr && va < sh.sh_addr + sh.sh_size) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d || !d->d_buf)
				return NULL;
			*avail = (size_t)(sh.sh_addr + sh.sh_size - va);
			return (const uint8_t *)d->d_buf + (va - sh.sh_addr);
		}
	}
	return NULL;
}

static void from_kernel_elf(struct provider_set *s, const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	struct elf_handle *h = elf_handle_open(path);
	Elf *e = h->e;
	size_t shstrndx;
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx))
		die("%s: not an ELF file", path);
	Elf_Scn *scn = NULL;
	int found = 0;
	size_t first = s->n;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		const char *n = elf_strptr(e, shstrndx, sh.sh_name);
		if (!n || strcmp(n, ".kexports"))
			continue;
		found = 1;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || sh.sh_size % KEXPORT_SIZE)
			die("%s: .kexports is not a table of %d-byte entries", path, KEXPORT_SIZE);
		for (size_t off = 0; off < sh.sh_size; off += KEXPORT_SIZE) {
			const uint8_t *ent = (const uint8_t *)d->d_buf + off;
			size_t avail;
			const char *name = (const char *)at_vaddr(e, rm_le32(ent), &avail);
			if (!name || !memchr(name, 0, avail))
				die("%s: .kexports+0x%zx: bad name pointer", path, off);
			add(s, name, rm_le32(ent + 12), rm_le16(ent + 8), "kernel",
			    (uint32_t)(off / KEXPORT_SIZE), rm_le32(ent + 4), 1);
		}
	}
	if (!found)
		die("%s: no .kexports section: not an rmod kernel", path);
	stamp_table(s, first);
	elf_handle_close(h);
}

/* ABI text (rmod-abi dump): "NAME 0xVERSION KIND PROVIDER" per export
 * line; lines starting with '#' or whitespace are comments/details. */
static void from_abi_text(struct provider_set *s, const char *path, const char *text)
{
	const char *p = text;
	unsigned line = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		line++;
		if (len && p[0] != '#' && p[0] != ' ' && p[0] != '\t') {
			char name[256], kind[16], prov[256];
			unsigned ver;
			char *l = xstrndup(p, len);
			if (sscanf(l, "%255s 0x%x %15s %255s", name, &ver, kind, prov) != 4)
				die("%s:%u: not an ABI line: %s", path, line, l);
			add(s, name, ver, strcmp(kind, "data") ? RMOD_EXP_FUNC : RMOD_EXP_DATA, prov, 0,
			    0, 0);
			xfree(l);
		}
		p += len + (eol ? 1 : 0);
	}
}

void providers_add_rmod(struct provider_set *s, const char *what, const uint8_t *buf,
			size_t n)
{
	from_rmod(s, what, buf, n);
}

void providers_add(struct provider_set *s, const char *path)
{
	size_t n;
	uint8_t *buf = read_file(path, &n);
	if (n >= 4 && !memcmp(buf, "RMOD", 4))
		from_rmod(s, path, buf, n);
	else if (n >= 4 && !memcmp(buf, ELFMAG, 4))
		from_kernel_elf(s, path);
	else {
		buf = xrealloc(buf, n + 1);
		buf[n] = 0;
		if (memchr(buf, 0, n))
			die("%s: neither a module, a kernel ELF nor an ABI file", path);
		from_abi_text(s, path, (const char *)buf);
	}
	xfree(buf);
}

const struct provided *providers_find(const struct provider_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}
