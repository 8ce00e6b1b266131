/* libFuzzer harness for the loader core, and its oracle.  Any bytes are
 * parsed and validated; for a file that parses it checks (abort() on a
 * violation):
 *  - rebasing a zeroed image by 1 (rm_rebase, the unchecked fast path)
 *    changes exactly the words the checked decoder lists (rm_walk_fixups),
 *    and those are fixup_count strictly increasing, non-overlapping words;
 *  - no fixup touches an import site or the IAT;
 *  - bound-import hints never change a binding;
 * and then loads it as the kernel does (resolve, copy, rebase, bind) at a
 * base taken from the input and reads every table through the accessors.
 * Replayed over the corpus and the synthetic modules by make fuzz-smoke. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	for (uint32_t i = 0; i < m->nimports && t->n < 8; i++) {
		struct rm_import imp;
		struct rm_resolved r;
		rm_get_import(m, i, &imp);
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
	for (; w->site < m->nsites; w->site++) {
		uint32_t s;
		uint16_t imp;
		rm_get_site(m, w->site, &s, &imp);
		s &= RMOD_SITE_OFF_MASK;
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

static void check_fixups(const struct rm_module *m)
{
	size_t size = m->mem_size ? m->mem_size : 1;
	uint8_t *img = calloc(1, size);
	struct walk w = {m, calloc(1, size), 0, 0, 0};
	rm_rebase(m, img, m->pref_base + 1); /* a move by 1 from where it stands */
	rm_walk_fixups(m, walk_one, &w);
	if (w.n != m->fixup_count || memcmp(img, w.want, size))
		abort(); /* the fast path and the decoder disagree */
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
	}
	free(addrs);
	free(hinted);
	for (uint32_t i = 0; i < m.nimports; i++) {
		struct rm_import x;
		rm_get_import(&m, i, &x);
	}
	for (uint32_t i = 0; i < m.nexports; i++) {
		struct rm_export x;
		rm_get_export(&m, i, &x);
	}
	for (uint32_t i = 0; i < m.nsites; i++) {
		uint32_t w;
		uint16_t imp;
		rm_get_site(&m, i, &w, &imp);
	}
	for (uint32_t i = 0; i < m.nparams; i++) {
		struct rm_param x;
		rm_get_param(&m, i, &x);
	}
	for (uint32_t i = 0; i < m.nsyms; i++) {
		struct rm_sym x;
		rm_get_sym(&m, i, &x);
	}
	for (uint32_t i = 0; i < m.nneeds; i++)
		(void)rm_get_need(&m, i);
	return 0;
}
