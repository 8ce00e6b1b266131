/* The write phases: copy, bind, and the resolution that precedes them
 * (rebase is in fixups.c). */
#include "loader.h"
#include "impdec.h"
#include "internal.h"

void rm_copy(const struct rm_module *m, void *dest) { rm_copy_from(m, dest, 0); }

void rm_copy_from(const struct rm_module *m, void *dest, uint32_t from)
{
	uint8_t *d = dest;
	__builtin_memcpy(d + from, m->image + from, m->image_size - from);
	__builtin_memset(d + m->image_size, 0, m->init_start - m->image_size);
	__builtin_memcpy(d + m->init_start, m->init_image, m->init_image_size);
	__builtin_memset(d + m->init_start + m->init_image_size, 0,
			 m->mem_size - m->init_start - m->init_image_size);
}

int rm_resolve(const struct rm_module *m, rm_resolve_fn fn, void *ctx, uint32_t *addrs,
	       struct rm_diag *d)
{
	return rm_resolve_hinted(m, 0, fn, ctx, addrs, d);
}

/* One import through fn: the path for imports no hint settles. */
static __attribute__((noinline)) int resolve_slow(const struct rm_module *m,
						  struct rm_import_it *it, rm_resolve_fn fn,
						  void *ctx, uint32_t *addr, struct rm_diag *d)
{
	struct rm_resolved r = {0, 0, 0, 0, 0};
	struct rm_import imp;
	uint32_t i = it->i;
	rm_imports_next(m, it, &imp);
	int rc = fn(ctx, m, &imp, &r);
	/* A weak import nobody exports binds 0, as GNU ld and Linux do. */
	if (rc == RM_E_UNRESOLVED && (imp.flags & RMOD_IMPORT_WEAK)) {
		*addr = 0;
		return RM_OK;
	}
	if (!rc && imp.version && r.version && imp.version != r.version) {
		rc = RM_E_VERSION_MISMATCH;
		d->val = imp.version;
		d->val2 = r.version;
	}
	/* A namespaced export binds only for a module that imports its
	 * namespace, an allowlisted one only for a module on the list. */
	if (!rc && r.ns && !rm_list_has(imp.ns, r.ns, 0)) {
		rc = RM_E_NAMESPACE;
		d->str = r.ns;
	}
	if (!rc && r.allow && !rm_list_has(r.allow, m->name, 1)) {
		rc = RM_E_EXPORT_FOR;
		d->str = r.allow;
	}
	/* An IAT slot is reached by a jump: only code may sit behind it. */
	if (!rc && imp.bind == RMOD_BIND_IAT && r.kind != RMOD_EXP_FUNC) {
		rc = RM_E_KIND;
		d->val = r.kind;
	}
	if (rc) {
		d->code = rc, d->sym = imp.name, d->at = i;
		return rc;
	}
	*addr = r.addr;
	return RM_OK;
}

int rm_resolve_hinted(const struct rm_module *m, rm_table_fn table_fn, rm_resolve_fn fn,
		      void *ctx, uint32_t *addrs, struct rm_diag *d)
{
	const struct rm_symbol *const *v = 0;
	const uint8_t *e = m->imports;
	const uint8_t *b = m->has_bound && table_fn ? m->bound : 0;
	uint32_t stamp = 0, n = 0, nimports = m->nimports;
	rm_diag_clear(d);
	/* The hinted path reads BOUND only; the records are decoded up to
	 * an import only when it goes to fn, each once (it: the next one). */
	struct rm_import_it it = {e, 0};
	uint32_t bsize = m->bound_size;
	for (uint32_t i = 0; i < nimports; i++) {
		if (b) {
			const uint8_t *be = b;
			b += bsize;
			uint32_t st = rm_le32(be), hint = rm_le32(be + 4);
			if (st != stamp) { /* a new provider table: ask once */
				stamp = st;
				if (!st || !table_fn(ctx, st, &v, &n))
					n = 0;
			}
			const struct rm_symbol *s = hint < n ? v[hint] : 0;
			/* Mismatched imports go to fn, which decides.  Versions that
			 * are both 0 are equal too: the stamp covers them.  So do
			 * restricted exports, whose namespace and allowlist the
			 * stamp does not cover: resolve_slow checks them. */
			if (s && !(s->flags & RM_SYM_RESTRICTED) && s->hash == rm_le32(be + 8) &&
			    s->version == rm_le32(be + 12) &&
			    (i >= m->niat || s->kind == RMOD_EXP_FUNC)) {
				addrs[i] = s->addr;
				continue;
			}
		}
		for (; it.i < i; it.i++) {
			struct rm_irec r;
			rm_irec_fast(&it.p, &r); /* rm_parse accepted every record */
		}
		int rc = resolve_slow(m, &it, fn, ctx, &addrs[i], d);
		if (rc)
			return rc;
	}
	return RM_OK;
}

int rm_bind_needed(const struct rm_module *m, uint32_t base, const uint32_t *addrs)
{
	if (!(m->flags & RMOD_F_PREBOUND) || base != m->pref_base)
		return 1;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (addrs[i] != rm_prebound(m, i))
			return 1;
	return 0;
}

/* The rest of a run after its first site at q: n more sites, each
 * adding v.  Returns the stream past them.  Pointers, not offsets from
 * img, so that i386's few registers hold the loop. */
static inline __attribute__((always_inline)) const uint8_t *bind_run(const uint8_t *p,
								      uint8_t *q, uint32_t h,
								      uint32_t v)
{
	uint32_t n = h >> RMOD_RUN_SHIFT;
	if (h & RMOD_RUN_WIDE) {
		for (; n; n--) {
			q += 4 + rm_gap16_fast(&p);
			RM_ADD32(q, v);
		}
		return p;
	}
	for (; n; n--) {
		q += 4 + rm_sn_fast(&p);
		RM_ADD32(q, v);
	}
	return p;
}

/* An import's second run (the other kind; rare: an address-taken function
 * that is also called), all of it.  By value, so that the caller's
 * cursors stay in registers. */
static __attribute__((noinline)) const uint8_t *bind_second(const uint8_t *p, uint8_t *q,
							      uint32_t h, uint32_t v)
{
	q += rm_sn_fast(&p);
	RM_ADD32(q, v);
	return bind_run(p, q, h, v);
}

/* The sites, run by run (impdec.h's format, decoded without checks:
 * rm_parse and rm_check_layout accepted it).  A run adds one value to
 * each of its words: its import's address, less pre (what a prelinked
 * image already holds for it) and, when PC-relative, less sub.  Inlined
 * twice so that the plain case carries no prebound test. */
static inline __attribute__((always_inline)) void bind_sites(const struct rm_module *m,
							     uint8_t *img, const uint32_t *a,
							     const uint8_t *pre, uint32_t sub)
{
	const uint8_t *p = m->sites, *r = m->runs;
	const uint32_t *end = a + (m->nimports - m->niat);
	uint8_t *f = img; /* the cursor F of format.h, as a pointer */
	for (; a < end; a++) {
		uint32_t h = rm_uleb_fast(&r), v = *a;
		if (pre) {
			v -= rm_le32(pre);
			pre += RMOD_PREBOUND_SIZE;
		}
		if (h & RMOD_RUN_PCREL)
			v -= sub;
		uint8_t *q = f + rm_sn_fast(&p);
		f = q + 4;
		RM_ADD32(q, v);
		p = bind_run(p, q, h, v);
		if (__builtin_expect(h & RMOD_RUN_MORE, 0)) {
			uint32_t h2 = rm_uleb_fast(&r); /* the other kind: no third */
			p = bind_second(p, f, h2, h & RMOD_RUN_PCREL ? v + sub : v - sub);
		}
	}
}

static __attribute__((noinline)) void bind_prebound(const struct rm_module *m, uint8_t *img,
						    uint32_t base, const uint32_t *sa)
{
	bind_sites(m, img, sa, m->bound + RMOD_PREBOUND_SIZE * m->niat + 16, base - m->pref_base);
}

void rm_bind(const struct rm_module *m, void *dest, uint32_t base, const uint32_t *addrs)
{
	/* Locals, not m->: the stores below may alias m as far as C knows. */
	uint8_t *img = (uint8_t *)dest + m->iat_start;
	uint32_t niat = m->niat;
	for (uint32_t k = 0; k < niat; k++, img += 4)
		RM_PUT32(img, addrs[k]);
	if (m->flags & RMOD_F_PREBOUND)
		bind_prebound(m, dest, base, addrs + niat);
	else
		bind_sites(m, dest, addrs + niat, 0, base);
}
