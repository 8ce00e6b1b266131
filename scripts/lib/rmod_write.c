/* A module description (rmod_write.h): building it up (fixups, imports,
 * sites) and serialising it into the .rmod format. */
#include "rmod_write.h"

#include <stdlib.h>
#include <string.h>

#include "abi_types.h"
#include "fixup_encode.h"
#include "rmod/format.h"
#include "loader.h"

/* qsort with an empty (possibly NULL) array is undefined behaviour. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Imports and exports are both sorted by (hash, name). */
static int cmp_hash_name(const char *x, const char *y)
{
	uint32_t hx = rmod_hash(x), hy = rmod_hash(y);
	if (hx != hy)
		return hx < hy ? -1 : 1;
	return strcmp(x, y);
}

/* IAT imports first (their order gives the slots), then sites imports;
 * each group by (hash, name). */
static int cmp_import(const void *a, const void *b)
{
	const struct mod_import *x = a, *y = b;
	if (x->bind != y->bind)
		return x->bind == RMOD_BIND_IAT ? -1 : 1;
	return cmp_hash_name(x->name, y->name);
}

void mod_sort_imports(struct mod_import *imp, size_t n)
{
	sort(imp, n, sizeof(*imp), cmp_import);
}

static int cmp_export(const void *a, const void *b)
{
	return cmp_hash_name(((const struct mod_export *)a)->name,
			     ((const struct mod_export *)b)->name);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

size_t sort_offsets(uint32_t *offs, size_t n)
{
	sort(offs, n, sizeof(*offs), cmp_u32);
	for (size_t i = 1; i < n; i++)
		if (offs[i] < offs[i - 1] + 4)
			return i + 1;
	return 0;
}

static int cmp_site(const void *a, const void *b)
{
	const struct mod_site *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct mod_sym *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Does the word at off touch the IAT?  An empty IAT touches nothing. */
static int in_iat(const struct mod_desc *d, uint32_t off)
{
	return (uint64_t)off + 4 > d->iat_start && off < d->iat_end && d->iat_start < d->iat_end;
}

/* Each site's word must stand alone: not on another site, a fixup or the
 * IAT (the loader refuses such a file, so refuse the input here).  Sites
 * and fixups are sorted. */
static void check_site_overlaps(const struct mod_desc *d)
{
	size_t k = 0;
	for (size_t i = 0; i < d->nsites; i++) {
		uint32_t o = d->sites[i].off;
		if (i && o < d->sites[i - 1].off + 4)
			die("import sites at 0x%x and 0x%x overlap", d->sites[i - 1].off, o);
		if (in_iat(d, o))
			die("import site at 0x%x overlaps the IAT", o);
		while (k < d->nfixups && (uint64_t)d->fixups[k] + 4 <= o)
			k++;
		if (k < d->nfixups && d->fixups[k] < (uint64_t)o + 4)
			die("import site at 0x%x overlaps the base fixup at 0x%x", o, d->fixups[k]);
	}
}

int desc_word_ok(const struct mod_desc *d, uint32_t off)
{
	uint64_t end = (uint64_t)off + 4;
	return end <= d->image_size ||
	       (off >= d->init_start && end <= (uint64_t)d->init_start + d->init_image_size);
}

/* Room for one more of n elements: capacity doubles at powers of two
 * (from 16), so appending one at a time stays linear. */
static void *grow(void *p, size_t n, size_t size)
{
	if (n == 0 || (n >= 16 && !(n & (n - 1))))
		p = xrealloc(p, (n ? 2 * n : 16) * size);
	return p;
}

void desc_add_fixup(struct mod_desc *d, uint32_t off)
{
	d->fixups = grow(d->fixups, d->nfixups, sizeof(*d->fixups));
	d->fixups[d->nfixups++] = off;
}

size_t desc_add_import(struct mod_desc *d, const struct mod_import *im)
{
	d->imports = grow(d->imports, d->nimports, sizeof(*d->imports));
	d->imports[d->nimports] = *im;
	return d->nimports++;
}

size_t desc_add_site(struct mod_desc *d, const char *name, uint32_t off, int pcrel)
{
	size_t i;
	for (i = 0; i < d->nimports; i++)
		if (!strcmp(d->imports[i].name, name))
			break;
	if (i == d->nimports)
		desc_add_import(d, &(struct mod_import){.name = xstrdup(name),
							.bind = RMOD_BIND_SITES,
							.need = RMOD_NEED_ANY});
	d->imports[i].nsites++;
	d->sites = grow(d->sites, d->nsites, sizeof(*d->sites));
	d->sites[d->nsites++] = (struct mod_site){off, pcrel, d->imports[i].name};
	return i;
}

/* The loader takes symbol and module names of 1..RMOD_MAX_NAME bytes. */
static void check_name(const char *what, const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > RMOD_MAX_NAME)
		die("%s name '%.40s%s' has %zu bytes; names have 1 to %u", what, n,
		    len > 40 ? "..." : "", len, RMOD_MAX_NAME);
}

/* The symbol stream (format.h, SYMS) for syms, already in offset order:
 * offsets as zigzag deltas from the end of the previous symbol, names
 * front-coded against the previous name, inline (not in strtab). */
static void encode_syms(struct buf *out, const struct mod_sym *syms, size_t n)
{
	uint32_t cur = 0;
	const char *prev = "";
	for (size_t i = 0; i < n; i++) {
		const struct mod_sym *s = &syms[i];
		check_name("symbol", s->name);
		int32_t delta = (int32_t)(s->offset - cur);
		uint32_t k = 0;
		while (prev[k] && prev[k] == s->name[k])
			k++;
		buf_uleb(out, ((uint32_t)delta << 1) ^ (uint32_t)(delta >> 31));
		buf_uleb(out, s->size);
		buf_uleb(out, k);
		buf_uleb(out, (uint32_t)strlen(s->name + k));
		buf_put(out, s->name + k, strlen(s->name + k));
		cur = s->offset + s->size;
		prev = s->name;
	}
}

static int cmp_name_index(const void *a, const void *b)
{
	const struct mod_import *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* Imports by name, for the sites' lookups and the uniqueness check. */
static const struct mod_import **by_name(const struct mod_desc *d)
{
	const struct mod_import **v = xcalloc(d->nimports + 1, sizeof(*v));
	for (size_t i = 0; i < d->nimports; i++)
		v[i] = &d->imports[i];
	sort(v, d->nimports, sizeof(*v), cmp_name_index);
	for (size_t i = 1; i < d->nimports; i++)
		if (!strcmp(v[i - 1]->name, v[i]->name))
			die("import '%s' listed twice", v[i]->name);
	return v;
}

static size_t import_index(const struct mod_desc *d, const struct mod_import **v,
			   const char *name)
{
	size_t lo = 0, hi = d->nimports;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v[mid]->name, name);
		if (!c)
			return (size_t)(v[mid] - d->imports);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	die("site names '%s', which is not an import", name);
}

static int cmp_type(const void *a, const void *b)
{
	return strcmp(((const struct mod_type *)a)->name, ((const struct mod_type *)b)->name);
}

/* d->types sorted by name (done once in rmod_write). */
static char *type_of(const struct mod_desc *d, const char *name)
{
	struct mod_type key = {(char *)name, NULL}, *t;
	if (!d->ntypes)
		return NULL;
	t = bsearch(&key, d->types, d->ntypes, sizeof(key), cmp_type);
	return t ? t->text : NULL;
}

/* Append a table, 4-aligned, and record it in the directory. */
static void table(struct buf *out, uint32_t dir[][2], int t, const struct buf *b)
{
	buf_align(out, 4);
	if (!b->len)
		return;
	dir[t][0] = (uint32_t)out->len;
	dir[t][1] = (uint32_t)b->len;
	buf_put(out, b->p, b->len);
}

static uint32_t sn_len(uint32_t v)
{
	return v < RMOD_SN_TWO ? 1 : v < RMOD_SN_BASE3 ? 2 : v < RMOD_SN_BASE5 ? 3 : 5;
}

/* A site number (format.h): the shortest of its spellings. */
static void buf_sn(struct buf *b, uint32_t v)
{
	if (v < RMOD_SN_TWO) {
		buf_u8(b, (uint8_t)v);
	} else if (v < RMOD_SN_BASE3) {
		v -= RMOD_SN_TWO;
		buf_u8(b, (uint8_t)(RMOD_SN_TWO + (v >> 8)));
		buf_u8(b, (uint8_t)v);
	} else if (v < RMOD_SN_BASE5) {
		v -= RMOD_SN_BASE3;
		buf_u8(b, (uint8_t)(RMOD_SN_THREE + (v >> 16)));
		buf_u16(b, (uint16_t)v);
	} else {
		buf_u8(b, RMOD_SN_WIDE);
		buf_u32(b, v);
	}
}

void rmod_write(struct mod_desc *d, struct buf *out)
{
	struct strtab st;
	struct buf fx = {0}, imp = {0}, sites = {0}, exp = {0}, needs = {0}, params = {0},
		   syms = {0}, bound = {0};
	uint32_t dir[RMOD_T_COUNT][2];
	memset(dir, 0, sizeof(dir));
	strtab_init(&st);

	for (size_t i = 1; i < d->nimports; i++)
		if (cmp_import(&d->imports[i - 1], &d->imports[i]) >= 0)
			die("imports not sorted or duplicated at '%s'", d->imports[i].name);
	if (sort_offsets(d->fixups, d->nfixups))
		die("overlapping base fixups");
	for (size_t i = 0; i < d->nfixups; i++)
		if (in_iat(d, d->fixups[i]))
			die("base fixup at 0x%x lies in the IAT [0x%x, 0x%x)", d->fixups[i],
			    d->iat_start, d->iat_end);
	fixup_encode(d->fixups, d->nfixups, &fx);

	sort(d->sites, d->nsites, sizeof(*d->sites), cmp_site);
	check_site_overlaps(d);
	const struct mod_import **names = by_name(d);
	size_t niat = 0;
	while (niat < d->nimports && d->imports[niat].bind == RMOD_BIND_IAT)
		niat++;
	if (d->iat_end - d->iat_start != 4 * niat)
		die("IAT of %u bytes for %zu IAT imports", d->iat_end - d->iat_start, niat);
	/* Count each import's sites from the sites themselves. */
	for (size_t i = 0; i < d->nimports; i++)
		d->imports[i].nsites = 0;
	size_t *site_imp = xcalloc(d->nsites + 1, sizeof(*site_imp));
	for (size_t i = 0; i < d->nsites; i++) {
		site_imp[i] = import_index(d, names, d->sites[i].sym);
		struct mod_import *im = &d->imports[site_imp[i]];
		if (im->bind != RMOD_BIND_SITES)
			die("import '%s' is bound through the IAT but also has a site at 0x%x",
			    im->name, d->sites[i].off);
		im->nsites++;
	}
	xfree(names);
	for (size_t i = 0; i < d->nimports; i++)
		if (d->imports[i].bind == RMOD_BIND_SITES && !d->imports[i].nsites)
			die("import '%s' has no site", d->imports[i].name);
	/* Sites imports go in the order of their first sites (format.h):
	 * d->sites is sorted, so the first site naming an import is its first. */
	size_t *rank = xcalloc(d->nimports + 1, sizeof(*rank)), nsi = niat;
	for (size_t i = 0; i < d->nimports; i++)
		rank[i] = SIZE_MAX;
	for (size_t i = 0; i < d->nsites; i++)
		if (rank[site_imp[i]] == SIZE_MAX)
			rank[site_imp[i]] = nsi++;
	struct mod_import *ordered = xcalloc(d->nimports + 1, sizeof(*ordered));
	for (size_t i = 0; i < d->nimports; i++)
		ordered[i < niat ? i : rank[i]] = d->imports[i];
	if (d->nimports)
		memcpy(d->imports, ordered, d->nimports * sizeof(*ordered));
	xfree(ordered);
	for (size_t i = 0; i < d->nsites; i++)
		site_imp[i] = rank[site_imp[i]];
	xfree(rank);
	/* Records and the site stream: include/rmod/format.h. */
	for (size_t i = 0; i < d->nimports; i++) {
		struct mod_import *m = &d->imports[i];
		check_name("import", m->name);
		const char *ns[1] = {m->ns};
		uint32_t v = (m->ns ? strtab_add_seq(&st, m->name, ns, 1) : strtab_add(&st, m->name))
			     << RMOD_IR_SHIFT;
		v |= (m->version ? RMOD_IR_VERSION : 0) | (m->need != RMOD_NEED_ANY ? RMOD_IR_NEED : 0) |
		     (m->weak ? RMOD_IR_WEAK : 0) | (m->ns ? RMOD_IR_NS : 0);
		buf_uleb(&imp, v);
		buf_u32(&imp, rmod_hash(m->name));
		if (m->version)
			buf_u32(&imp, m->version);
		if (m->need != RMOD_NEED_ANY)
			buf_uleb(&imp, m->need);
	}
	int any_bound = 0;
	for (size_t i = 0; i < d->nimports; i++)
		any_bound |= d->imports[i].stamp != 0;
	for (size_t i = 0; any_bound && i < d->nimports; i++) {
		buf_u32(&bound, d->imports[i].stamp);
		buf_u32(&bound, d->imports[i].stamp ? d->imports[i].hint : 0);
		buf_u32(&bound, rmod_hash(d->imports[i].name));
		buf_u32(&bound, d->imports[i].version);
	}
	/* The run column (after the records) and the site stream, import by
	 * import: its first run is the kind of its first site. */
	size_t *by_imp = xcalloc(d->nsites + 1, sizeof(*by_imp)), *start = xcalloc(
		d->nimports + 2, sizeof(*start));
	for (size_t i = 0; i < d->nsites; i++)
		start[site_imp[i] + 1]++;
	for (size_t i = 0; i < d->nimports; i++)
		start[i + 1] += start[i];
	size_t *fill = xcalloc(d->nimports + 1, sizeof(*fill));
	for (size_t i = 0; i < d->nsites; i++)
		by_imp[start[site_imp[i]] + fill[site_imp[i]]++] = i; /* offset order kept */
	xfree(fill);
	uint32_t f = 0;
	for (size_t j = niat; j < d->nimports; j++) {
		uint32_t first = d->sites[by_imp[start[j]]].off;
		int kind = d->sites[by_imp[start[j]]].pcrel != 0;
		/* Two passes over the import's sites: its first run (the kind of
		 * its first site), then the other kind's, if any. */
		uint32_t n[2] = {0, 0}, wide[2] = {0, 0};
		for (int pass = 0; pass < 2; pass++) {
			int want = pass ? !kind : kind;
			uint32_t cur = 0, narrow = 0, wide16 = 0;
			for (size_t k = start[j]; k < start[j + 1]; k++) {
				const struct mod_site *st = &d->sites[by_imp[k]];
				if ((st->pcrel != 0) != want)
					continue;
				if (n[pass]++) { /* a gap: which spelling is shorter? */
					narrow += sn_len(st->off - cur);
					wide16 += st->off - cur < 0xffffu ? 2 : 6;
				}
				cur = st->off + 4;
			}
			wide[pass] = n[pass] > 1 && wide16 <= narrow ? RMOD_RUN_WIDE : 0;
		}
		buf_uleb(&imp, (n[0] - 1) << RMOD_RUN_SHIFT | wide[0] | (kind ? RMOD_RUN_PCREL : 0) |
				       (n[1] ? RMOD_RUN_MORE : 0));
		if (n[1])
			buf_uleb(&imp, (n[1] - 1) << RMOD_RUN_SHIFT | wide[1] |
					       (!kind ? RMOD_RUN_PCREL : 0));
		for (int pass = 0; pass < 2 && n[pass]; pass++) {
			int want = pass ? !kind : kind, started = 0;
			uint32_t cur = pass ? first + 4 : f; /* where the run's first site counts from */
			for (size_t k = start[j]; k < start[j + 1]; k++) {
				const struct mod_site *st = &d->sites[by_imp[k]];
				if ((st->pcrel != 0) != want)
					continue;
				uint32_t gap = st->off - cur;
				if (!started++ || !wide[pass]) {
					buf_sn(&sites, gap);
				} else if (gap < 0xffffu) {
					buf_u16(&sites, (uint16_t)gap);
				} else {
					buf_u16(&sites, 0xffff);
					buf_u32(&sites, gap);
				}
				cur = st->off + 4;
			}
		}
		f = first + 4;
	}
	xfree(by_imp);
	xfree(start);
	xfree(site_imp);
	sort(d->exports, d->nexports, sizeof(*d->exports), cmp_export);
	for (size_t i = 0; i < d->nexports; i++) {
		struct mod_export *e = &d->exports[i];
		check_name("export", e->name);
		if (i && !strcmp(e->name, d->exports[i - 1].name))
			die("symbol '%s' exported twice", e->name);
		/* name\0[ns\0][allow\0]: the flags say which follow. */
		const char *more[2] = {e->ns, e->allow};
		buf_u32(&exp, e->ns || e->allow ? strtab_add_seq(&st, e->name, more, 2)
						: strtab_add(&st, e->name));
		buf_u32(&exp, rmod_hash(e->name));
		buf_u32(&exp, e->offset);
		buf_u16(&exp, e->kind);
		buf_u16(&exp, (uint16_t)((e->ns ? RMOD_EXP_F_NS : 0) | (e->allow ? RMOD_EXP_F_FOR : 0)));
		buf_u32(&exp, e->version);
	}
	for (size_t i = 0; i < d->nneeds; i++)
		buf_u32(&needs, strtab_add(&st, d->needs[i]));
	for (size_t i = 0; i < d->nparams; i++) {
		struct mod_param *p = &d->params[i];
		check_name("parameter", p->name);
		buf_u32(&params, strtab_add(&st, p->name));
		buf_u32(&params, strtab_add(&st, p->desc));
		buf_u32(&params, p->offset);
		buf_u16(&params, p->type);
		buf_u16(&params, 0);
		buf_u32(&params, p->size);
	}
	sort(d->syms, d->nsyms, sizeof(*d->syms), cmp_sym);
	encode_syms(&syms, d->syms, d->nsyms);
	check_name("module", d->name);
	uint32_t name = strtab_add(&st, d->name), desc = strtab_add(&st, d->desc ? d->desc : "");

	out->len = 0;
	uint8_t hdr[RMOD_HEADER_SIZE] = {0};
	buf_put(out, hdr, sizeof(hdr));
	struct buf img = {d->image, d->image_size, d->image_size};
	table(out, dir, RMOD_T_IMAGE, &img);
	table(out, dir, RMOD_T_FIXUPS, &fx);
	table(out, dir, RMOD_T_IMPORTS, &imp);
	table(out, dir, RMOD_T_SITES, &sites);
	table(out, dir, RMOD_T_EXPORTS, &exp);
	table(out, dir, RMOD_T_NEEDS, &needs);
	table(out, dir, RMOD_T_PARAMS, &params);
	table(out, dir, RMOD_T_SYMS, &syms);
	struct buf init = {d->init_image, d->init_image_size, d->init_image_size};
	table(out, dir, RMOD_T_INIT, &init);
	table(out, dir, RMOD_T_BOUND, &bound);
	/* Type texts in table order: exports are sorted by now, imports were. */
	sort(d->types, d->ntypes, sizeof(*d->types), cmp_type);
	char **et = xcalloc(d->nexports + 1, sizeof(char *)),
	     **it = xcalloc(d->nimports + 1, sizeof(char *));
	for (size_t i = 0; i < d->nexports; i++)
		et[i] = type_of(d, d->exports[i].name);
	for (size_t i = 0; i < d->nimports; i++)
		it[i] = type_of(d, d->imports[i].name);
	struct buf types = {0};
	abi_types_encode(&types, et, d->nexports, it, d->nimports);
	table(out, dir, RMOD_T_TYPES, &types);
	xfree(et);
	xfree(it);
	xfree(types.p);
	table(out, dir, RMOD_T_STRTAB, &st.b);

	uint8_t *h = out->p;
	h[0] = RMOD_MAGIC0;
	h[1] = RMOD_MAGIC1;
	h[2] = RMOD_MAGIC2;
	h[3] = RMOD_MAGIC3;
	rm_put16(h + RMOD_H_VERSION, RMOD_VERSION);
	rm_put16(h + RMOD_H_MACHINE, RMOD_MACHINE_386);
	rm_put32(h + RMOD_H_HEADER_SIZE, RMOD_HEADER_SIZE);
	rm_put32(h + RMOD_H_FLAGS, d->flags | (d->nsyms ? RMOD_F_HAS_SYMS : 0));
	rm_put32(h + RMOD_H_FILE_SIZE, (uint32_t)out->len);
	rm_put32(h + RMOD_H_IMAGE_SIZE, d->image_size);
	rm_put32(h + RMOD_H_MEM_SIZE, d->mem_size);
	rm_put32(h + RMOD_H_TEXT_END, d->text_end);
	rm_put32(h + RMOD_H_RODATA_END, d->rodata_end);
	rm_put32(h + RMOD_H_INIT_OFF, d->init_off);
	rm_put32(h + RMOD_H_EXIT_OFF, d->exit_off);
	rm_put32(h + RMOD_H_NAME, name);
	rm_put32(h + RMOD_H_DESC, desc);
	rm_put32(h + RMOD_H_FIXUP_COUNT, (uint32_t)d->nfixups);
	rm_put32(h + RMOD_H_IAT_START, d->iat_start);
	rm_put32(h + RMOD_H_IAT_END, d->iat_end);
	rm_put32(h + RMOD_H_INIT_START, d->init_start);
	rm_put32(h + RMOD_H_INIT_TEXT_END, d->init_text_end);
	rm_put32(h + RMOD_H_IMPORT_COUNT, (uint32_t)d->nimports);
	rm_put32(h + RMOD_H_SITE_COUNT, (uint32_t)d->nsites);
	for (int t = 0; t < RMOD_T_COUNT; t++) {
		rm_put32(h + RMOD_H_DIR + 8 * t, dir[t][0]);
		rm_put32(h + RMOD_H_DIR + 8 * t + 4, dir[t][1]);
	}
	rm_put32(h + RMOD_H_CRC32, rm_crc32c(0, out->p, out->len));

	xfree(fx.p);
	xfree(imp.p);
	xfree(sites.p);
	xfree(exp.p);
	xfree(needs.p);
	xfree(bound.p);
	xfree(params.p);
	xfree(syms.p);
	strtab_free(&st);
}
