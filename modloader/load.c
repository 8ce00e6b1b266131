/* The write phases: copy, bind, and the resolution that precedes them.
 * (Rebase lives with the fixup decoder in fixups.c.) */
#include "loader.h"
#include "internal.h"

void rm_copy(const struct rm_module *m, void *dest)
{
	uint8_t *d = dest;
	__builtin_memcpy(d, m->image, m->image_size);
	__builtin_memset(d + m->image_size, 0, m->init_start - m->image_size);
	__builtin_memcpy(d + m->init_start, m->init_image, m->init_image_size);
	__builtin_memset(d + m->init_start + m->init_image_size, 0,
			 m->mem_size - m->init_start - m->init_image_size);
}

int rm_resolve(const struct rm_module *m, rm_resolve_fn fn, void *ctx, uint32_t *addrs,
	       struct rm_diag *d)
{
	__builtin_memset(d, 0, sizeof(*d));
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct rm_import imp;
		struct rm_resolved r = {0, 0, 0};
		rm_get_import(m, i, &imp);
		d->sym = imp.name;
		d->at = i;
		int rc = fn(ctx, m, &imp, &r);
		if (rc) {
			d->code = rc;
			return rc;
		}
		/* An IAT slot is reached by a jump: only code may sit behind it. */
		if (imp.bind == RMOD_BIND_IAT && r.kind != RMOD_EXP_FUNC) {
			d->code = RM_E_KIND;
			d->val = r.kind;
			return RM_E_KIND;
		}
		if (imp.version && r.version && imp.version != r.version) {
			d->code = RM_E_VERSION_MISMATCH;
			d->val = imp.version;
			d->val2 = r.version;
			return RM_E_VERSION_MISMATCH;
		}
		addrs[i] = r.addr;
	}
	__builtin_memset(d, 0, sizeof(*d));
	return RM_OK;
}

void rm_bind(const struct rm_module *m, void *dest, uint32_t base, const uint32_t *addrs)
{
	uint8_t *img = dest;
	for (uint32_t i = 0; i < m->nimports; i++) {
		const uint8_t *e = m->imports + RMOD_IMPORT_SIZE * i;
		if (e[12] == RMOD_BIND_IAT)
			rm_put32(img + rm_le32(e + 16), addrs[i]);
	}
	for (uint32_t i = 0; i < m->nsites; i++) {
		const uint8_t *e = m->sites + RMOD_SITE_SIZE * i;
		uint32_t w = rm_le32(e);
		uint32_t v = addrs[rm_le16(e + 4)];
		if (w & RMOD_SITE_PCREL)
			v -= base;
		RM_ADD32(img + (w & RMOD_SITE_OFF_MASK), v);
	}
}
