/* libFuzzer harness for the loader core, and its oracle.  Any bytes are
 * parsed and validated; for a file that parses it checks (abort() on a
 * violation):
 *  - rebasing a zeroed image by 1 (rm_rebase, the unchecked fast path)
 *    changes exactly the words the checked decoder lists (rm_walk_fixups),
 *    and those are fixup_count strictly increasing, non-overlapping words;
 *  - the site decoder lists site_count separate sites (sorted here),
 *    outside the IAT, each naming a sites import, and every sites import
 *    is named;
 *  - no fixup touches an import site or the IAT;
 *  - rm_bind (its own unchecked ULEB and site-number steps) writes exactly what the
 *    checked decoder lists: each IAT slot, and each site's difference;
 *  - bound-import hints never change a binding;
 * and then loads it as the kernel does (resolve, copy, rebase, bind) at a
 * base taken from the input and reads every table through the accessors.
 * Replayed over the corpus and the synthetic modules by make fuzz-smoke. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "impdec.h"
#include "loader.h"

static int resolve(void *ctx, const struct rm_module *m, const struct rm_import *imp,
		   struct rm_resolved *out)
{
	(void)ctx;
	(void)m;
	if ((imp->hash & 0xff) == 0x5a)
		return RM_E_UNRESOLVED; /* exercise the failure path too */
	out->addr = 0x100000u + (imp->hash & 0xffff0u);
	out->kind = imp->bind == RMOD_BIND_IAT ? RMOD_EXP_FUNC : (uint16_t)(1 + (imp->hash & 1));
	out->version = imp->version;
	return RM_OK;
}

/* Bound-import tables: every even stamp names a table made from the
 * module's first imports as resolve() answers them, so hints can hit. */
struct tables {
	struct rm_symbol sym[8];
	const struct rm_symbol *v[8];
	uint32_t n;
};

static int table(void *ctx, uint32_t stamp, const struct rm_symbol *const **v, uint32_t *n)
{
	struct tables *t = ctx;
	if (stamp & 1)
		return 0;
	*v = t->v;
	*n = t->n;
	return 1;
}

static void make_tables(const struct rm_module *m, struct tables *t)
{
	t->n = 0;
	struct rm_import_it it;
	struct rm_import imp;
	rm_imports_begin(m, &it);
	while (t->n < 8 && rm_imports_next(m, &it, &imp)) {
		struct rm_resolved r;
		if (resolve(0, m, &imp, &r))
			continue;
		t->sym[t->n] = (struct rm_symbol){imp.hash, r.addr, r.version, r.kind, 0};
		t->v[t->n] = &t->sym[t->n];
		t->n++;
	}
}

/* The decoder's list of fixups, with its own checks. */
struct walk {
	const struct rm_module *m;
	uint8_t *want;   /* a zeroed image with 1 added at each listed word */
	uint32_t n;      /* fixups listed */
	uint64_t next;   /* the earliest offset the next fixup may have */
	uint32_t *sites; /* the sites' offsets, from rm_walk_sites */
	uint32_t nsites;
	uint32_t site;   /* first site not yet behind the walk */
};

static void walk_one(void *ctx, uint32_t off)
{
	struct walk *w = ctx;
	const struct rm_module *m = w->m;
	if (off < w->next || (uint64_t)off + 4 > m->mem_size)
		abort(); /* not increasing, overlapping, or outside the image */
	w->next = (uint64_t)off + 4;
	if (m->iat_start < m->iat_end && off + 4 > m->iat_start && off < m->iat_end)
		abort(); /* a fixup in the IAT */
	for (; w->site < w->nsites; w->site++) {
		uint32_t s = w->sites[w->site];
		if (s + 4 > off) {
			if (s < off + 4)
				abort(); /* a fixup on an import site */
			break;
		}
	}
	uint32_t v;
	memcpy(&v, w->want + off, 4);
	v += 1;
	memcpy(w->want + off, &v, 4);
	w->n++;
}

/* The site decoder's list, with its own checks: in memory, outside the
 * IAT, naming a sites import, and every sites import named; apart once
 * sorted. */
struct sites {
	const struct rm_module *m;
	uint32_t *off, n;
	uint8_t *named;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void site_one(void *ctx, uint32_t off, int pcrel, uint32_t imp)
{
	struct sites *s = ctx;
	const struct rm_module *m = s->m;
	(void)pcrel;
	if ((uint64_t)off + 4 > m->mem_size || s->n >= m->nsites)
		abort();
	if (m->iat_start < m->iat_end && off + 4 > m->iat_start && off < m->iat_end)
		abort(); /* a site in the IAT */
	if (imp < m->niat || imp >= m->nimports)
		abort(); /* not a sites import */
	s->named[imp] = 1;
	s->off[s->n++] = off;
}

static void check_fixups(const struct rm_module *m)
{
	size_t size = m->mem_size ? m->mem_size : 1;
	uint8_t *img = calloc(1, size);
	struct sites s = {m, calloc(m->nsites + 1, 4), 0, calloc(m->nimports + 1, 1)};
	rm_walk_sites(m, site_one, &s);
	if (s.n != m->nsites)
		abort();
	qsort(s.off, s.n, 4, cmp_u32);
	for (uint32_t i = 1; i < s.n; i++)
		if (s.off[i] < s.off[i - 1] + 4)
			abort(); /* overlapping sites that rm_check_layout let through */
	for (uint32_t i = m->niat; i < m->nimports; i++)
		if (!s.named[i])
			abort(); /* a sites import without a site */
	struct walk w = {m, calloc(1, size), 0, 0, s.off, s.n, 0};
	rm_rebase(m, img, m->pref_base + 1); /* a move by 1 from where it stands */
	rm_walk_fixups(m, walk_one, &w);
	if (w.n != m->fixup_count || memcmp(img, w.want, size))
		abort(); /* the fast path and the decoder disagree */
	free(img);
	free(w.want);
	free(s.off);
	free(s.named);
}

/* What rm_bind must add to a zeroed image, from the checked decoder. */
struct bindw {
	const struct rm_module *m;
	uint8_t *want;
	const uint32_t *addrs;
	uint32_t base;
};

static void bind_one(void *ctx, uint32_t off, int pcrel, uint32_t imp)
{
	struct bindw *w = ctx;
	const struct rm_module *m = w->m;
	uint32_t v = w->addrs[imp] - rm_prebound(m, imp), x;
	if (pcrel)
		v -= m->flags & RMOD_F_PREBOUND ? w->base - m->pref_base : w->base;
	memcpy(&x, w->want + off, 4);
	x += v;
	memcpy(w->want + off, &x, 4);
}

static void check_bind(const struct rm_module *m, const uint32_t *addrs, uint32_t base)
{
	size_t size = m->mem_size ? m->mem_size : 1;
	uint8_t *img = calloc(1, size);
	struct bindw w = {m, calloc(1, size), addrs, base};
	for (uint32_t k = 0; k < m->niat; k++)
		memcpy(w.want + m->iat_start + 4 * k, &addrs[k], 4);
	rm_walk_sites(m, bind_one, &w);
	rm_bind(m, img, base, addrs);
	if (memcmp(img, w.want, size))
		abort(); /* rm_bind and the checked decoder disagree */
	free(img);
	free(w.want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rm_module m;
	struct rm_diag d;
	/* With the CRC most inputs stop at the checksum; both paths matter. */
	(void)rm_parse(data, size, 0, &m, &d);
	if (rm_parse(data, size, RM_PARSE_NO_CRC, &m, &d))
		return 0;
	uint32_t *bits = malloc(rm_layout_scratch(&m) + 4);
	int rc = rm_check_layout(&m, bits, &d);
	free(bits);
	if (rc)
		return 0;
	check_fixups(&m);
	uint32_t *addrs = calloc(m.nimports + 1, sizeof(uint32_t));
	uint32_t *hinted = calloc(m.nimports + 1, sizeof(uint32_t));
	struct tables t;
	make_tables(&m, &t);
	int rc_hinted = rm_resolve_hinted(&m, table, resolve, &t, hinted, &d);
	if (rm_resolve(&m, resolve, 0, addrs, &d) == RM_OK) {
		/* Hints may save lookups but never change a binding. */
		if (rc_hinted != RM_OK || memcmp(addrs, hinted, 4 * m.nimports))
			abort();
		uint8_t *img = malloc(m.mem_size ? m.mem_size : 1);
		uint32_t base = (uint32_t)(size * 2654435761u) & ~0xfffu;
		rm_copy(&m, img);
		rm_rebase(&m, img, base);
		rm_bind(&m, img, base, addrs);
		free(img);
		check_bind(&m, addrs, base);
	}
	free(addrs);
	free(hinted);
	struct rm_import_it it;
	struct rm_import x;
	uint32_t ni = 0;
	const uint8_t *cp = m.imports, *cend = m.imports + m.imports_size;
	rm_imports_begin(&m, &it);
	while (rm_imports_next(&m, &it, &x)) {
		/* The accessor's unchecked records against the checked decoder. */
		struct rm_irec r;
		if (rm_irec_next(&cp, cend, &r) || cp != it.p || m.strtab + r.name != x.name ||
		    r.hash != x.hash || r.version != x.version || r.flags != x.flags ||
		    r.need != x.need)
			abort();
		ni++;
	}
	if (ni != m.nimports)
		abort(); /* the accessor and rm_parse disagree */
	for (uint32_t i = 0; i < m.nexports; i++) {
		struct rm_export x;
		rm_get_export(&m, i, &x);
	}
	for (uint32_t i = 0; i < m.nparams; i++) {
		struct rm_param x;
		rm_get_param(&m, i, &x);
	}
	/* The iterator walks exactly the symbols rm_parse counted, each inside
	 * the module memory, in offset order, its name at most RMOD_MAX_NAME
	 * (a NUL among a name's counted bytes may shorten it, even to ""). */
	struct rm_sym_it sit;
	struct rm_sym sx;
	uint32_t ns = 0, last = 0;
	rm_syms_begin(&m, &sit);
	while (rm_syms_next(&m, &sit, &sx)) {
		size_t len = strlen(sx.name);
		if (len > RMOD_MAX_NAME || sx.offset < last ||
		    (uint64_t)sx.offset + sx.size > m.mem_size)
			abort();
		last = sx.offset;
		ns++;
	}
	if (ns != m.nsyms)
		abort();
	for (uint32_t i = 0; i < m.nneeds; i++)
		(void)rm_get_need(&m, i);
	return 0;
}
