/* Decoding accessors for the tables of a validated module. */
#include "loader.h"
#include "internal.h"

void rm_get_import(const struct rm_module *m, uint32_t i, struct rm_import *out)
{
	const uint8_t *e = m->imports + RMOD_IMPORT_SIZE * i;
	out->name = m->strtab + rm_le32(e);
	out->hash = rm_le32(e + 4);
	out->version = rm_le32(e + 8);
	out->bind = e[12];
	out->flags = e[13];
	out->need = rm_le16(e + 14);
	out->where = rm_le32(e + 16);
	out->nsites = rm_le32(e + 20);
	out->stamp = m->has_bound ? rm_le32(m->bound + m->bound_size * i) : 0;
	out->hint = m->has_bound ? rm_le32(m->bound + m->bound_size * i + 4) : 0;
	out->prebound = rm_prebound(m, i);
	out->ns = out->flags & RMOD_IMPORT_F_NS ? rm_next_str(out->name) : 0;
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

void rm_get_sym(const struct rm_module *m, uint32_t i, struct rm_sym *out)
{
	const uint8_t *e = m->syms + RMOD_SYM_SIZE * i;
	out->offset = rm_le32(e);
	out->size = rm_le32(e + 4);
	out->name = m->strtab + rm_le32(e + 8);
}

const char *rm_get_need(const struct rm_module *m, uint32_t i)
{
	return m->strtab + rm_le32(m->needs + 4 * i);
}

void rm_get_site(const struct rm_module *m, uint32_t i, uint32_t *word, uint16_t *import)
{
	const uint8_t *e = m->sites + RMOD_SITE_SIZE * i;
	*word = rm_le32(e);
	*import = rm_le16(e + 4);
}
