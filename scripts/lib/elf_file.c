/* Opening a linked module ELF and looking up its sections and symbols
 * (elf_file.h). */
#include "elf_file.h"

#include <elf.h>
#include <fcntl.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static void handle_cleanup(void *payload)
{
	struct elf_handle *h = payload;
	if (h->member)
		elf_end(h->member);
	if (h->e)
		elf_end(h->e);
	if (h->fd >= 0)
		close(h->fd);
}

static struct elf_handle *handle_open(const char *path, int flags, Elf_Cmd cmd)
{
	struct elf_handle *h = arena_defer(handle_cleanup, sizeof(*h));
	h->fd = open(path, flags);
	h->e = h->fd >= 0 ? elf_begin(h->fd, cmd, NULL) : NULL;
	return h;
}

struct elf_handle *elf_handle_open(const char *path)
{
	return handle_open(path, O_RDONLY, ELF_C_READ);
}

struct elf_handle *elf_handle_update(const char *path)
{
	return handle_open(path, O_RDWR, ELF_C_RDWR);
}

void elf_handle_close(struct elf_handle *h)
{
	handle_cleanup(h);
	xfree(h);
}

void elf_shdr(struct elf_file *f, Elf_Scn *s, GElf_Shdr *sh)
{
	if (!gelf_getshdr(s, sh))
		die("%s: bad section header: %s", f->path, elf_errmsg(-1));
}

size_t elf_table(struct elf_file *f, Elf_Scn *s, const GElf_Shdr *sh, size_t entsize,
		 Elf_Data **out)
{
	Elf_Data *d = elf_getdata(s, NULL);
	if (!d || !d->d_buf || sh->sh_entsize != entsize || d->d_size < sh->sh_size)
		die("%s: malformed table in section %zu", f->path, elf_ndxscn(s));
	*out = d;
	return sh->sh_size / entsize;
}

void elf_open(struct elf_file *f, const char *path)
{
	GElf_Ehdr eh;
	memset(f, 0, sizeof(*f));
	f->path = path;
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	f->h = elf_handle_open(path);
	if (f->h->fd < 0)
		die("%s: cannot open", path);
	f->e = f->h->e;
	if (!f->e || elf_kind(f->e) != ELF_K_ELF)
		die("%s: not an ELF file", path);
	if (!gelf_getehdr(f->e, &eh))
		die("%s: %s", path, elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		die("%s: not an i386 ELF32 file", path);
	if (eh.e_type != ET_EXEC)
		die("%s: not a linked module (ELF type %u, want ET_EXEC)", path, eh.e_type);
	if (elf_getshdrstrndx(f->e, &f->shstrndx) || elf_getshdrnum(f->e, &f->nsec))
		die("%s: %s", path, elf_errmsg(-1));
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		elf_shdr(f, s, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			f->symscn = s;
			f->nsyms = elf_table(f, s, &sh, sizeof(Elf32_Sym), &f->symdata);
			f->strndx = sh.sh_link;
		}
	}
	if (!f->symdata)
		die("%s: no symbol table (was it stripped?)", path);
}

void elf_close(struct elf_file *f)
{
	elf_handle_close(f->h);
}

const char *elf_sym_name(struct elf_file *f, const GElf_Sym *s)
{
	const char *n = elf_strptr(f->e, f->strndx, s->st_name);
	return n ? n : "";
}

const char *elf_sec_name(struct elf_file *f, size_t idx)
{
	Elf_Scn *s = elf_getscn(f->e, idx);
	GElf_Shdr sh;
	if (!s || !gelf_getshdr(s, &sh))
		return "?";
	const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
	return n ? n : "?";
}

int elf_find_sym(struct elf_file *f, const char *name, GElf_Sym *out)
{
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		if (GELF_ST_BIND(s.st_info) != STB_LOCAL && !strcmp(elf_sym_name(f, &s), name)) {
			*out = s;
			return 1;
		}
	}
	return 0;
}

uint32_t elf_need_sym(struct elf_file *f, const char *name)
{
	GElf_Sym s;
	if (!elf_find_sym(f, name, &s))
		die("%s: symbol %s missing: not linked with ldscripts/module.ld", f->path, name);
	return (uint32_t)s.st_value;
}

int elf_sec_is_alloc(struct elf_file *f, size_t idx)
{
	Elf_Scn *s = elf_getscn(f->e, idx);
	GElf_Shdr sh;
	return s && gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC);
}

int elf_has_section(struct elf_file *f, const char *name)
{
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		const char *n;
		if (gelf_getshdr(s, &sh) && (n = elf_strptr(f->e, f->shstrndx, sh.sh_name)) &&
		    !strcmp(n, name))
			return 1;
	}
	return 0;
}

const char *elf_name_at(struct elf_file *f, uint64_t addr)
{
	const char *best = NULL;
	for (size_t i = 1; i < f->nsyms; i++) {
		GElf_Sym s;
		gelf_getsym(f->symdata, (int)i, &s);
		int t = GELF_ST_TYPE(s.st_info);
		if ((t == STT_FUNC || t == STT_OBJECT) && addr >= s.st_value &&
		    addr < s.st_value + (s.st_size ? s.st_size : 1))
			best = elf_sym_name(f, &s);
	}
	return best;
}

void elf_strings(struct elf_file *f, const char *secname, elf_string_fn fn, void *ctx)
{
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		elf_shdr(f, s, &sh);
		const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
		if (!n || strcmp(n, secname) || sh.sh_type == SHT_NOBITS)
			continue;
		Elf_Data *data = elf_getdata(s, NULL);
		if (!data || !data->d_buf)
			die("%s: %s: no data", f->path, secname);
		const char *p = data->d_buf, *end = p + data->d_size;
		while (p < end) {
			size_t len = strnlen(p, (size_t)(end - p));
			if (len == (size_t)(end - p))
				die("%s: %s: unterminated string", f->path, secname);
			if (len)
				fn(ctx, f, p);
			p += len + 1;
		}
	}
}
