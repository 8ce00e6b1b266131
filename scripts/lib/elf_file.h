/* Opening a linked module ELF (libelf) and looking up its sections and
 * symbols; every lookup dies with a message naming the file. */
#ifndef RMOD_ELF_FILE_H
#define RMOD_ELF_FILE_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

/* An open file and its libelf handles (an archive and the member being
 * read), owned by the arena until elf_handle_close, so that a refusal in
 * the middle of reading leaks neither. */
struct elf_handle {
	int fd;     /* -1 when the file could not be opened */
	Elf *e;     /* NULL when libelf could not read it */
	Elf *member;
};
struct elf_handle *elf_handle_open(const char *path);
/* The same, opened for writing in place (ELF_C_RDWR). */
struct elf_handle *elf_handle_update(const char *path);
void elf_handle_close(struct elf_handle *h);

struct elf_file {
	const char *path; /* names the file in messages */
	struct elf_handle *h;
	Elf *e;
	size_t shstrndx, nsec;
	Elf_Scn *symscn;
	Elf_Data *symdata;
	size_t nsyms, strndx;
};

/* Open an i386 ET_EXEC with a symbol table; dies otherwise. */
void elf_open(struct elf_file *f, const char *path);
void elf_close(struct elf_file *f);

void elf_shdr(struct elf_file *f, Elf_Scn *s, GElf_Shdr *sh);
/* A table section's data, checked: present, of the expected entry size,
 * and as long as the header says.  Returns the number of entries. */
size_t elf_table(struct elf_file *f, Elf_Scn *s, const GElf_Shdr *sh, size_t entsize,
		 Elf_Data **out);

const char *elf_sym_name(struct elf_file *f, const GElf_Sym *s);
const char *elf_sec_name(struct elf_file *f, size_t idx);
int elf_sec_is_alloc(struct elf_file *f, size_t idx);
/* 1 when a section of that name exists. */
int elf_has_section(struct elf_file *f, const char *name);
/* A non-local symbol by name; 1 when found. */
int elf_find_sym(struct elf_file *f, const char *name, GElf_Sym *out);
/* The value of a symbol the linker script defines; dies when missing. */
uint32_t elf_need_sym(struct elf_file *f, const char *name);
/* Call fn for each non-empty NUL-terminated string of every section
 * named secname (the key=value lists .rmod_info and .rmod_imports); dies
 * on an unterminated one. */
typedef void (*elf_string_fn)(void *ctx, struct elf_file *f, const char *s);
void elf_strings(struct elf_file *f, const char *secname, elf_string_fn fn, void *ctx);
/* The name of the function or object covering addr, for messages (or NULL). */
const char *elf_name_at(struct elf_file *f, uint64_t addr);

#endif
