/* Reconciling the base-0 module with ld's probe link (probe_link.h). */
#include "probe_link.h"

#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

/* What moving a word by delta means: 1 fixup, 2 absolute site,
 * 3 PC-relative site (of import *which), 0 nothing known. */
static int explain(const struct probe *p, uint32_t delta, size_t *which)
{
	if (delta == p->base)
		return 1;
	for (size_t i = 0; i < p->nimports; i++) {
		*which = i;
		if (delta == p->vals[i])
			return 2;
		if (delta == p->vals[i] - p->base)
			return 3;
	}
	return 0;
}

void probe_reconcile(struct mod_desc *d, const struct probe *p)
{
	uint32_t size = d->mem_size;
	uint8_t *have = xcalloc(size, 1);
	uint8_t *known = xcalloc(size, 1); /* bytes our fixups and sites cover */
	memcpy(have, d->image, d->image_size);
	memcpy(have + d->init_start, d->init_image, d->init_image_size);
	for (size_t i = 0; i < d->nfixups; i++) {
		uint32_t o = d->fixups[i];
		rm_put32(have + o, rm_le32(have + o) + p->base);
		memset(known + o, 1, 4);
	}
	for (size_t i = 0; i < d->nsites; i++) {
		uint32_t o = d->sites[i].off, v = 0;
		for (size_t k = 0; k < p->nimports; k++)
			if (!strcmp(p->imports[k], d->sites[i].sym))
				v = p->vals[k];
		rm_put32(have + o, rm_le32(have + o) + v - (d->sites[i].pcrel ? p->base : 0));
		memset(known + o, 1, 4);
	}
	for (uint32_t o = 0; o < size; o++) {
		if (have[o] == p->image[o])
			continue;
		if (known[o])
			die("probe link: byte 0x%x differs inside a known fixup or site", o);
		/* The moved word starts at most 3 bytes before its first changed
		 * byte; take the lowest start that explains the change exactly. */
		int done = 0;
		for (uint32_t s = o >= 3 ? o - 3 : 0; s <= o && !done; s++) {
			if (!desc_word_ok(d, s) || known[s] || known[s + 1] || known[s + 2] ||
			    known[s + 3])
				continue;
			size_t which = 0;
			int how = explain(p, rm_le32(p->image + s) - rm_le32(have + s), &which);
			if (!how)
				continue;
			if (how == 1) {
				desc_add_fixup(d, s);
			} else {
				size_t k = desc_add_site(d, p->imports[which], s, how == 3);
				if (d->imports[k].bind != RMOD_BIND_SITES)
					die("probe link: word at 0x%x holds IAT import '%s'", s,
					    d->imports[k].name);
				/* A GOT entry may be a weak import's only reference. */
				d->imports[k].weak = p->weak[which];
			}
			memcpy(have + s, p->image + s, 4);
			memset(known + s, 1, 4);
			done = 1;
		}
		if (!done)
			die("probe link: byte 0x%x changes with the base or an import, and no "
			    "relocation or linker-made word explains it",
			    o);
	}
	mod_sort_imports(d->imports, d->nimports);
	xfree(have);
	xfree(known);
}
