/* Decoding accessors for the tables of a validated module. */
#include "impdec.h"
#include "loader.h"
#include "internal.h"
#include "symdec.h"

void rm_imports_begin(const struct rm_module *m, struct rm_import_it *it)
{
	it->p = m->imports;
	it->i = 0;
}

int rm_imports_next(const struct rm_module *m, struct rm_import_it *it, struct rm_import *out)
{
	struct rm_irec r;
	uint32_t i = it->i;
	if (i >= m->nimports)
		return 0;
	rm_irec_fast(&it->p, &r); /* rm_parse checked every record */
	it->i++;
	out->name = m->strtab + r.name;
	out->hash = r.hash;
	out->version = r.version;
	out->bind = i < m->niat ? RMOD_BIND_IAT : RMOD_BIND_SITES;
	out->flags = (uint8_t)r.flags;
	out->need = (uint16_t)r.need;
	out->where = i < m->niat ? m->iat_start + 4 * i : 0;
	out->stamp = m->has_bound ? rm_le32(m->bound + m->bound_size * i) : 0;
	out->hint = m->has_bound ? rm_le32(m->bound + m->bound_size * i + 4) : 0;
	out->prebound = rm_prebound(m, i);
	out->ns = out->flags & RMOD_IMPORT_F_NS ? rm_next_str(out->name) : 0;
	return 1;
}

void rm_get_import(const struct rm_module *m, uint32_t i, struct rm_import *out)
{
	struct rm_import_it it;
	rm_imports_begin(m, &it);
	while (rm_imports_next(m, &it, out) && it.i <= i)
		;
}

void rm_walk_sites(const struct rm_module *m, rm_site_fn fn, void *ctx)
{
	struct rm_sitedec x;
	uint32_t off, pcrel;
	rm_sitedec_init(&x, m->sites, m->sites_size, m->runs, m->imports + m->imports_size,
			m->niat, m->nimports);
	while (rm_site_next(&x, &off, &pcrel) > 0)
		fn(ctx, off, pcrel != 0, x.imp);
}

void rm_get_export(const struct rm_module *m, uint32_t i, struct rm_export *out)
{
	const uint8_t *e = m->exports + RMOD_EXPORT_SIZE * i;
	out->name = m->strtab + rm_le32(e);
	out->hash = rm_le32(e + 4);
	out->offset = rm_le32(e + 8);
	out->kind = rm_le16(e + 12);
	out->flags = rm_le16(e + 14);
	out->version = rm_le32(e + 16);
	/* name\0[ns\0][allow\0], checked by rm_parse. */
	const char *p = out->name;
	out->ns = out->flags & RMOD_EXP_F_NS ? (p = rm_next_str(p)) : 0;
	out->allow = out->flags & RMOD_EXP_F_FOR ? rm_next_str(p) : 0;
}

void rm_get_param(const struct rm_module *m, uint32_t i, struct rm_param *out)
{
	const uint8_t *e = m->params + RMOD_PARAM_SIZE * i;
	out->name = m->strtab + rm_le32(e);
	out->desc = m->strtab + rm_le32(e + 4);
	out->offset = rm_le32(e + 8);
	out->type = rm_le16(e + 12);
	out->size = rm_le32(e + 16);
}

void rm_syms_begin(const struct rm_module *m, struct rm_sym_it *it)
{
	it->p = m->syms;
	it->cur = it->off = it->len = 0;
	it->name[0] = 0;
}

int rm_syms_next(const struct rm_module *m, struct rm_sym_it *it, struct rm_sym *out)
{
	/* The decoder's state lives in the iterator between calls. */
	struct rm_symdec x = {it->p, m->syms + m->syms_size, it->cur, it->off, it->len,
			      m->mem_size, 0};
	if (rm_sym_next(&x, &out->offset, &out->size, it->name) <= 0)
		return 0;
	it->p = x.p, it->cur = x.cur, it->off = x.off, it->len = x.len;
	out->name = it->name;
	return 1;
}

const char *rm_get_need(const struct rm_module *m, uint32_t i)
{
	return m->strtab + rm_le32(m->needs + 4 * i);
}
