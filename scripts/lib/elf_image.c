/* The layout and image bytes of a linked module ELF (elf_image.h): the
 * one place that copies section contents. */
#include "elf_image.h"

#include <elf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

uint32_t elf_layout(struct elf_file *f, struct mod_desc *d)
{
	const char *path = f->path;
	uint32_t base = elf_need_sym(f, "__rmod_image_start");
	d->text_end = elf_need_sym(f, "__rmod_text_end") - base;
	d->rodata_end = elf_need_sym(f, "__rmod_rodata_end") - base;
	d->image_size = elf_need_sym(f, "__rmod_data_end") - base;
	d->mem_size = elf_need_sym(f, "__rmod_mem_end") - base;
	d->init_start = elf_need_sym(f, "__rmod_init_start") - base;
	d->init_text_end = elf_need_sym(f, "__rmod_init_text_end") - base;
	d->init_image_size = elf_need_sym(f, "__rmod_init_data_end") - base - d->init_start;
	d->iat_start = elf_need_sym(f, "__rmod_iat_start") - base;
	d->iat_end = elf_need_sym(f, "__rmod_iat_end") - base;
	if (d->mem_size == 0) /* an empty module still gets one page */
		d->mem_size = d->init_start = d->init_text_end = RMOD_PAGE;
	/* Without init content the init region is empty: say so exactly. */
	if (d->init_image_size == 0 && d->init_text_end == d->init_start)
		d->init_start = d->init_text_end = d->mem_size;
	if (d->text_end % RMOD_PAGE || d->rodata_end % RMOD_PAGE || d->mem_size % RMOD_PAGE ||
	    d->text_end > d->rodata_end || d->rodata_end > d->image_size ||
	    d->image_size > d->mem_size || d->init_start < d->image_size ||
	    d->init_start % RMOD_PAGE || d->init_text_end % RMOD_PAGE ||
	    d->init_text_end > d->mem_size || d->init_start > d->init_text_end ||
	    d->init_image_size > d->mem_size - d->init_start)
		die("%s: layout not [text | rodata | data | bss | init] with page-aligned "
		    "boundaries",
		    path);
	if (d->mem_size > RMOD_MAX_MEM)
		die("%s: module of %u bytes exceeds the %u-byte limit", path, d->mem_size,
		    RMOD_MAX_MEM);
	if (d->iat_start % 4 || d->iat_end % 4 || d->iat_start > d->iat_end ||
	    d->iat_end > d->image_size || (d->iat_end > d->iat_start && d->iat_start < d->text_end))
		die("%s: IAT [0x%x, 0x%x) is not word-aligned in rodata or data", path,
		    d->iat_start, d->iat_end);
	return base;
}

/* Every allocated section copied to sh_addr - base of a mem_size image,
 * each checked against d's layout first. */
static uint8_t *flat_image(struct elf_file *f, uint32_t base, const struct mod_desc *d)
{
	uint8_t *img = xcalloc(d->mem_size, 1);
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(f->e, s))) {
		GElf_Shdr sh;
		elf_shdr(f, s, &sh);
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
			continue;
		const char *n = elf_strptr(f->e, f->shstrndx, sh.sh_name);
		if (!n)
			n = "?";
		uint64_t at = sh.sh_addr - base, end = at + sh.sh_size;
		if (sh.sh_flags & SHF_TLS)
			die("%s: section %s is thread-local (TLS); modules cannot have TLS",
			    f->path, n);
		if (sh.sh_addr < base || end > d->mem_size)
			die("%s: section %s [0x%llx, 0x%llx) lies outside the module layout",
			    f->path, n, (unsigned long long)at, (unsigned long long)end);
		int in_init = at >= d->init_start;
		if ((sh.sh_flags & SHF_EXECINSTR) && end > d->text_end &&
		    !(in_init && end <= d->init_text_end))
			die("%s: executable section %s lies outside text", f->path, n);
		if ((sh.sh_flags & SHF_WRITE) && in_init && at < d->init_text_end)
			die("%s: writable section %s lies in init text", f->path, n);
		if ((sh.sh_flags & SHF_WRITE) && at < d->rodata_end && strcmp(n, ".rodata"))
			die("%s: writable section %s lies in a read-only region", f->path, n);
		if (sh.sh_type == SHT_NOBITS) {
			if (at < d->image_size || in_init)
				die("%s: NOBITS section %s lies inside file-backed bytes", f->path,
				    n);
			continue;
		}
		if (end > d->image_size &&
		    !(in_init && end <= (uint64_t)d->init_start + d->init_image_size))
			die("%s: section %s lies past the file-backed image", f->path, n);
		Elf_Data *data = NULL;
		while ((data = elf_getdata(s, data)))
			if (data->d_buf && data->d_size) {
				if (data->d_off + data->d_size > sh.sh_size)
					die("%s: section %s: data past its size", f->path, n);
				memcpy(img + at + data->d_off, data->d_buf, data->d_size);
			}
	}
	return img;
}

void elf_load_image(struct elf_file *f, struct mod_desc *d)
{
	uint8_t *img = flat_image(f, 0, d);
	d->image = xcalloc(d->image_size ? d->image_size : 1, 1);
	d->init_image = xcalloc(d->init_image_size ? d->init_image_size : 1, 1);
	memcpy(d->image, img, d->image_size);
	memcpy(d->init_image, img + d->init_start, d->init_image_size);
	xfree(img);
}

uint8_t *elf_image(const char *path, struct mod_desc *layout, uint32_t *size)
{
	struct elf_file f;
	memset(layout, 0, sizeof(*layout));
	elf_open(&f, path);
	uint32_t base = elf_layout(&f, layout);
	uint8_t *img = flat_image(&f, base, layout);
	elf_close(&f);
	*size = layout->mem_size;
	return img;
}
