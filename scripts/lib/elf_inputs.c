/* Input checks for rmod-link (elf_inputs.h). */
#include "elf_inputs.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elf_relocs.h"
#include "util.h"

/* Where input_hidden_globals collects (NULL while only checking). */
static char ***hidden_out;
static size_t *nhidden_out;

static int is_tls(unsigned t)
{
	return (t >= R_386_TLS_TPOFF && t <= R_386_TLS_LE) ||
	       (t >= R_386_TLS_GD && t <= R_386_TLS_LDM) ||
	       (t >= R_386_TLS_GD_32 && t <= R_386_TLS_TPOFF32) ||
	       (t >= R_386_TLS_GOTDESC && t <= R_386_TLS_DESC);
}

static int is_dynamic(unsigned t)
{
	return t == R_386_COPY || t == R_386_GLOB_DAT || t == R_386_JMP_SLOT ||
	       t == R_386_RELATIVE || t == R_386_IRELATIVE;
}

static int is_supported(unsigned t)
{
	return t == R_386_NONE || t == R_386_32 || t == R_386_PC32 || t == R_386_PLT32 ||
	       t == R_386_GOT32 || t == R_386_GOT32X || t == R_386_GOTOFF || t == R_386_GOTPC;
}

static void check_object(Elf *e, const char *name)
{
	GElf_Ehdr eh;
	size_t shstrndx;
	if (!gelf_getehdr(e, &eh))
		die("%s: not an ELF object: %s", name, elf_errmsg(-1));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		die("%s: not an i386 ELF32 object", name);
	if (eh.e_type == ET_DYN)
		die("%s: shared object: modules link statically (would need COPY/GLOB_DAT "
		    "relocations)",
		    name);
	if (eh.e_type != ET_REL)
		die("%s: not a relocatable object (ELF type %u)", name, eh.e_type);
	if (elf_getshdrstrndx(e, &shstrndx))
		die("%s: %s", name, elf_errmsg(-1));
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh))
			die("%s: bad section header: %s", name, elf_errmsg(-1));
		const char *sn = elf_strptr(e, shstrndx, sh.sh_name);
		if (!sn)
			sn = "?";
		Elf_Data *d = elf_getdata(s, NULL);
		if (sh.sh_type == SHT_SYMTAB && d && sh.sh_entsize) {
			size_t n = sh.sh_size / sh.sh_entsize;
			for (size_t i = 1; i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym))
					die("%s: bad symbol table", name);
				int bind = GELF_ST_BIND(sym.st_info), vis = GELF_ST_VISIBILITY(sym.st_other);
				if (hidden_out && (bind == STB_GLOBAL || bind == STB_WEAK) &&
				    (vis == STV_HIDDEN || vis == STV_INTERNAL) &&
				    sym.st_shndx != SHN_UNDEF && sym.st_shndx != SHN_ABS &&
				    sym.st_shndx < SHN_LORESERVE) {
					const char *nm = elf_strptr(e, sh.sh_link, sym.st_name);
					/* ld's PIC helpers are per-object copies, not API. */
					if (nm && *nm && strncmp(nm, "__x86.get_pc_thunk.", 19)) {
						*hidden_out = xrealloc(*hidden_out,
								       (*nhidden_out + 1) * sizeof(char *));
						(*hidden_out)[(*nhidden_out)++] = xstrdup(nm);
					}
				}
				if (GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC) {
					const char *nm = elf_strptr(e, sh.sh_link, sym.st_name);
					die("%s: IFUNC symbol '%s' needs an R_386_IRELATIVE relocation "
					    "at load time; refused",
					    name, nm ? nm : "?");
				}
			}
		}
		if (sh.sh_type == SHT_RELA)
			die("%s: %s: RELA relocations are not used on i386", name, sn);
		if (sh.sh_type != SHT_REL || !d || !sh.sh_entsize)
			continue;
		Elf_Scn *ts = elf_getscn(e, sh.sh_info);
		GElf_Shdr tsh;
		if (!ts || !gelf_getshdr(ts, &tsh))
			die("%s: %s: bad relocation target", name, sn);
		if (!(tsh.sh_flags & SHF_ALLOC))
			continue; /* debug info: ld resolves it, nothing to load */
		const char *tn = elf_strptr(e, shstrndx, tsh.sh_name);
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Rel r;
			if (!gelf_getrel(d, (int)i, &r))
				die("%s: %s: bad relocation", name, sn);
			unsigned t = GELF_R_TYPE(r.r_info);
			unsigned long long off = r.r_offset;
			if (is_tls(t))
				die("%s: %s+0x%llx: %s: thread-local storage (TLS) is not supported "
				    "in modules",
				    name, tn ? tn : "?", off, r386_name(t));
			if (is_dynamic(t))
				die("%s: %s+0x%llx: %s is a dynamic relocation; modules are linked "
				    "statically",
				    name, tn ? tn : "?", off, r386_name(t));
			if (!is_supported(t))
				die("%s: %s+0x%llx: unsupported relocation %s", name, tn ? tn : "?",
				    off, r386_name(t));
		}
	}
}

void check_input(const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf: %s", elf_errmsg(-1));
	struct elf_handle *eh = elf_handle_open(path);
	if (eh->fd < 0)
		die("%s: cannot open", path);
	Elf *ar = eh->e;
	if (!ar)
		die("%s: %s", path, elf_errmsg(-1));
	if (elf_kind(ar) == ELF_K_ELF) {
		check_object(ar, path);
	} else if (elf_kind(ar) == ELF_K_AR) {
		Elf *m;
		Elf_Cmd cmd = ELF_C_READ;
		while ((m = eh->member = elf_begin(eh->fd, cmd, ar))) {
			Elf_Arhdr *h = elf_getarhdr(m);
			if (h && h->ar_name[0] != '/' && elf_kind(m) == ELF_K_ELF) {
				char name[4096];
				snprintf(name, sizeof(name), "%s(%s)", path, h->ar_name);
				check_object(m, name);
			}
			cmd = elf_next(m);
			elf_end(m);
			eh->member = NULL;
		}
	} else {
		die("%s: not an ELF object or archive", path);
	}
	elf_handle_close(eh);
}

void input_hidden_globals(const char *path, char ***names, size_t *n)
{
	hidden_out = names;
	nhidden_out = n;
	check_input(path);
	hidden_out = NULL;
	nhidden_out = NULL;
}
