/* Converting a base-0 linked, --emit-relocs module ELF into a module
 * description: the order of the steps (elf_image, elf_relocs, elf_meta,
 * symver) that rmod-link and rmod-abi run. */
#include "elf_module.h"

#include <string.h>

#include "elf_image.h"
#include "elf_meta.h"
#include "elf_relocs.h"
#include "rmod/format.h"
#include "symver.h"

void elf_versions(const char *path, struct mod_desc *d)
{
	struct symver *sv = symver_open(path);
	for (size_t i = 0; i < d->nexports; i++)
		d->exports[i].version = symver_get(sv, d->exports[i].name);
	for (size_t i = 0; i < d->nimports; i++)
		d->imports[i].version = symver_get(sv, d->imports[i].name);
	symver_close(sv);
}

void elf_to_module(const char *path, const struct conv_opts *o, struct mod_desc *d)
{
	struct elf_file f;
	memset(d, 0, sizeof(*d));
	elf_open(&f, path);
	const char *elf_path = path;
	if (o->label)
		f.path = path = o->label;
	uint32_t start = elf_layout(&f, d);
	if (start != 0)
		die("%s: linked at 0x%x; rmod-link converts base-0 links only", path, start);
	d->flags = o->bind_direct ? RMOD_F_BIND_DIRECT : 0;
	elf_load_image(&f, d);
	elf_imports_fixups(&f, d, o->elf_only);
	elf_metadata(&f, o, d);

	elf_versions(elf_path, d);
	size_t bad = sort_offsets(d->fixups, d->nfixups);
	if (bad)
		die("%s: overlapping base fixups at 0x%x and 0x%x", path, d->fixups[bad - 2],
		    d->fixups[bad - 1]);
	elf_close(&f);
}
