/* Validation: every check on a .rmod file, done before any write.
 *
 * All arithmetic on file-supplied values is done in 64 bits or with
 * explicit overflow tests, and every loop is bounded by a table size
 * already checked against the file.
 */
#include "loader.h"
#include "fxdec.h"
#include "impdec.h"
#include "internal.h"
#include "symdec.h"

static int fail(struct rm_diag *d, int code, uint32_t at, uint32_t val, uint32_t val2)
{
	return rm_fail(d, code, at, val, val2);
}

/* A string reference: offset inside strtab; strtab ends with NUL (checked
 * once), so every in-range offset names a terminated string. */
static int str_ok(const struct rm_module *m, uint32_t off, uint32_t maxlen, int empty_ok)
{
	if (off >= m->strtab_size)
		return 0;
	const char *s = m->strtab + off;
	if (maxlen >= m->strtab_size) /* no length limit: the final NUL ends it */
		return empty_ok || s[0];
	uint32_t n = 0;
	while (s[n]) {
		if (++n > maxlen)
			return 0;
	}
	return empty_ok || n > 0;
}

/* The string after the one at off (a name's namespace or allowlist):
 * *next gets its offset; 1 if it is a non-empty string of at most maxlen
 * bytes inside strtab, 0 if it runs past the end or is empty. */
static int next_str_ok(const struct rm_module *m, uint32_t off, uint32_t maxlen,
		       uint32_t *next)
{
	uint32_t n = off;
	while (n < m->strtab_size && m->strtab[n])
		n++;
	*next = n + 1;
	return str_ok(m, n + 1, maxlen, 0);
}

static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (int)(uint8_t)*a - (int)(uint8_t)*b;
}

static const uint32_t entsize[RMOD_T_COUNT] = {
	[RMOD_T_IMAGE] = 1,
	[RMOD_T_FIXUPS] = 1,
	[RMOD_T_IMPORTS] = 1,
	[RMOD_T_SITES] = 1,
	[RMOD_T_EXPORTS] = RMOD_EXPORT_SIZE,
	[RMOD_T_STRTAB] = 1,
	[RMOD_T_NEEDS] = 4,
	[RMOD_T_PARAMS] = RMOD_PARAM_SIZE,
	[RMOD_T_SYMS] = 1,
	[RMOD_T_INIT] = 1,
	[RMOD_T_BOUND] = RMOD_BOUND_SIZE,
	[RMOD_T_TYPES] = 1,
};

static const uint32_t maxcount[RMOD_T_COUNT] = {
	[RMOD_T_IMAGE] = RMOD_MAX_MEM,
	[RMOD_T_FIXUPS] = RMOD_MAX_FILE,
	[RMOD_T_IMPORTS] = RMOD_MAX_FILE,
	[RMOD_T_SITES] = RMOD_MAX_FILE,
	[RMOD_T_EXPORTS] = RMOD_MAX_EXPORTS,
	[RMOD_T_STRTAB] = RMOD_MAX_FILE,
	[RMOD_T_NEEDS] = RMOD_MAX_NEEDS,
	[RMOD_T_PARAMS] = RMOD_MAX_PARAMS,
	[RMOD_T_SYMS] = RMOD_MAX_FILE,
	[RMOD_T_INIT] = RMOD_MAX_MEM,
	[RMOD_T_BOUND] = RMOD_MAX_IMPORTS,
	[RMOD_T_TYPES] = RMOD_MAX_FILE,
};

static int check_header(const uint8_t *f, size_t size, unsigned flags, struct rm_module *m,
			struct rm_diag *d)
{
	if (size < RMOD_HEADER_SIZE)
		return fail(d, RM_E_TRUNCATED, 0, (uint32_t)size, RMOD_HEADER_SIZE);
	if (f[0] != RMOD_MAGIC0 || f[1] != RMOD_MAGIC1 || f[2] != RMOD_MAGIC2 ||
	    f[3] != RMOD_MAGIC3)
		return fail(d, RM_E_MAGIC, 0, rm_le32(f), 0);
	if (rm_le16(f + RMOD_H_VERSION) != RMOD_VERSION)
		return fail(d, RM_E_VERSION, RMOD_H_VERSION, rm_le16(f + RMOD_H_VERSION),
			    RMOD_VERSION);
	if (rm_le16(f + RMOD_H_MACHINE) != RMOD_MACHINE_386)
		return fail(d, RM_E_MACHINE, RMOD_H_MACHINE, rm_le16(f + RMOD_H_MACHINE),
			    RMOD_MACHINE_386);
	if (rm_le32(f + RMOD_H_HEADER_SIZE) != RMOD_HEADER_SIZE)
		return fail(d, RM_E_HEADER_SIZE, RMOD_H_HEADER_SIZE,
			    rm_le32(f + RMOD_H_HEADER_SIZE), RMOD_HEADER_SIZE);
	uint32_t fsize = rm_le32(f + RMOD_H_FILE_SIZE);
	if (size > RMOD_MAX_FILE)
		return fail(d, RM_E_TOO_BIG, 0, size > 0xffffffffu ? 0xffffffffu : (uint32_t)size,
			    RMOD_MAX_FILE);
	if (fsize > size)
		return fail(d, RM_E_TRUNCATED, (uint32_t)size, (uint32_t)size, fsize);
	if (fsize != size)
		return fail(d, RM_E_FILE_SIZE, RMOD_H_FILE_SIZE, fsize, (uint32_t)size);
	m->flags = rm_le32(f + RMOD_H_FLAGS);
	if (m->flags & ~RMOD_F_KNOWN)
		return fail(d, RM_E_FLAGS, RMOD_H_FLAGS, m->flags, RMOD_F_KNOWN);
	if (!(flags & RM_PARSE_NO_CRC)) {
		static const uint8_t zero[4];
		uint32_t c = rm_crc32c(0, f, RMOD_H_CRC32);
		c = rm_crc32c(c, zero, 4);
		c = rm_crc32c(c, f + RMOD_H_CRC32 + 4, size - RMOD_H_CRC32 - 4);
		if (c != rm_le32(f + RMOD_H_CRC32))
			return fail(d, RM_E_CHECKSUM, RMOD_H_CRC32, rm_le32(f + RMOD_H_CRC32), c);
	}
	m->file = f;
	m->file_size = fsize;
	m->image_size = rm_le32(f + RMOD_H_IMAGE_SIZE);
	m->mem_size = rm_le32(f + RMOD_H_MEM_SIZE);
	m->text_end = rm_le32(f + RMOD_H_TEXT_END);
	m->rodata_end = rm_le32(f + RMOD_H_RODATA_END);
	m->init_off = rm_le32(f + RMOD_H_INIT_OFF);
	m->exit_off = rm_le32(f + RMOD_H_EXIT_OFF);
	m->fixup_count = rm_le32(f + RMOD_H_FIXUP_COUNT);
	m->iat_start = rm_le32(f + RMOD_H_IAT_START);
	m->iat_end = rm_le32(f + RMOD_H_IAT_END);
	m->init_start = rm_le32(f + RMOD_H_INIT_START);
	m->init_text_end = rm_le32(f + RMOD_H_INIT_TEXT_END);
	m->pref_base = rm_le32(f + RMOD_H_PREF_BASE);
	m->nimports = rm_le32(f + RMOD_H_IMPORT_COUNT);
	m->nsites = rm_le32(f + RMOD_H_SITE_COUNT);
	if (m->nimports > RMOD_MAX_IMPORTS)
		return fail(d, RM_E_TOO_BIG, RMOD_H_IMPORT_COUNT, m->nimports, RMOD_MAX_IMPORTS);
	if (m->nsites > RMOD_MAX_SITES)
		return fail(d, RM_E_TOO_BIG, RMOD_H_SITE_COUNT, m->nsites, RMOD_MAX_SITES);
	m->bound_size = m->flags & RMOD_F_PREBOUND ? RMOD_PREBOUND_SIZE : RMOD_BOUND_SIZE;
	if (m->mem_size > RMOD_MAX_MEM)
		return fail(d, RM_E_TOO_BIG, RMOD_H_MEM_SIZE, m->mem_size, RMOD_MAX_MEM);
	/* A preferred base is a page the whole module fits above. */
	if (m->pref_base % RMOD_PAGE || m->pref_base > 0xffffffffu - m->mem_size)
		return fail(d, RM_E_LAYOUT, RMOD_H_PREF_BASE, m->pref_base, m->mem_size);
	if (m->text_end % RMOD_PAGE || m->rodata_end % RMOD_PAGE || m->mem_size % RMOD_PAGE ||
	    m->text_end > m->rodata_end || m->rodata_end > m->image_size ||
	    m->image_size > m->mem_size)
		return fail(d, RM_E_LAYOUT, RMOD_H_IMAGE_SIZE, m->image_size, m->mem_size);
	/* [image_size, init_start) is bss; the init region is the tail. */
	if (m->init_start % RMOD_PAGE || m->init_text_end % RMOD_PAGE ||
	    m->init_start < m->image_size || m->init_start > m->init_text_end ||
	    m->init_text_end > m->mem_size)
		return fail(d, RM_E_LAYOUT, RMOD_H_INIT_START, m->init_start, m->init_text_end);
	return RM_OK;
}

/* TYPES is never loaded, only bounds-checked so tools can trust its
 * shape: one root per export and import, each inside the blob, which
 * ends with NUL.  Fragment contents are the reader's (rmod-abi) concern. */
static int check_types(const uint8_t *t, uint32_t size, uint32_t at, const struct rm_module *m,
		       struct rm_diag *d)
{
	if (size < RMOD_TYPES_HDR)
		return fail(d, RM_E_TYPES, at, size, RMOD_TYPES_HDR);
	uint32_t ne = rm_le32(t), ni = rm_le32(t + 4), blob = rm_le32(t + 8);
	if (ne != m->nexports || ni != m->nimports)
		return fail(d, RM_E_TYPES, at, ne, ni);
	uint64_t roots = (uint64_t)RMOD_TYPES_HDR + 4ull * ((uint64_t)ne + ni);
	if (blob == 0 || roots + blob != size || t[size - 1] != 0)
		return fail(d, RM_E_TYPES, at, size, blob);
	for (uint32_t i = 0; i < ne + ni; i++) {
		uint32_t r = rm_le32(t + RMOD_TYPES_HDR + 4 * i);
		if (r != RMOD_TYPES_NONE && r >= blob)
			return fail(d, RM_E_TYPES, at, i, r);
	}
	return RM_OK;
}

static int check_tables(const uint8_t *f, struct rm_module *m, struct rm_diag *d)
{
	uint32_t off[RMOD_T_COUNT], sz[RMOD_T_COUNT];
	for (uint32_t t = 0; t < RMOD_T_COUNT; t++) {
		off[t] = rm_le32(f + RMOD_H_DIR + 8 * t);
		sz[t] = rm_le32(f + RMOD_H_DIR + 8 * t + 4);
		uint32_t at = RMOD_H_DIR + 8 * t;
		if (sz[t] == 0) {
			if (off[t])
				return fail(d, RM_E_TABLE_RANGE, at, off[t], t);
			continue;
		}
		if (!entsize[t]) /* reserved slot in use */
			return fail(d, RM_E_FLAGS, at, t, 0);
		if (off[t] < RMOD_HEADER_SIZE || (uint64_t)off[t] + sz[t] > m->file_size)
			return fail(d, RM_E_TABLE_RANGE, at, off[t], t);
		uint32_t es = t == RMOD_T_BOUND ? m->bound_size : entsize[t];
		if (sz[t] % es)
			return fail(d, RM_E_TABLE_SIZE, at, sz[t], t);
		if (sz[t] / es > maxcount[t])
			return fail(d, RM_E_TOO_BIG, at, sz[t] / es, maxcount[t]);
	}
	for (uint32_t a = 0; a < RMOD_T_COUNT; a++)
		for (uint32_t b = a + 1; b < RMOD_T_COUNT; b++)
			if (sz[a] && sz[b] && off[a] < off[b] + sz[b] && off[b] < off[a] + sz[a])
				return fail(d, RM_E_TABLE_OVERLAP, RMOD_H_DIR + 8 * b, a, b);
	if (sz[RMOD_T_IMAGE] != m->image_size)
		return fail(d, RM_E_LAYOUT, RMOD_H_DIR, sz[RMOD_T_IMAGE], m->image_size);
	if (sz[RMOD_T_INIT] > m->mem_size - m->init_start)
		return fail(d, RM_E_LAYOUT, RMOD_H_DIR + 8 * RMOD_T_INIT, sz[RMOD_T_INIT],
			    m->mem_size - m->init_start);
	m->init_image = f + off[RMOD_T_INIT];
	m->init_image_size = sz[RMOD_T_INIT];
	m->image = f + off[RMOD_T_IMAGE];
	m->fixups = f + off[RMOD_T_FIXUPS];
	m->fixups_size = sz[RMOD_T_FIXUPS];
	m->imports = f + off[RMOD_T_IMPORTS];
	m->imports_size = sz[RMOD_T_IMPORTS];
	m->sites = f + off[RMOD_T_SITES];
	m->sites_size = sz[RMOD_T_SITES];
	m->exports = f + off[RMOD_T_EXPORTS];
	m->nexports = sz[RMOD_T_EXPORTS] / RMOD_EXPORT_SIZE;
	m->strtab = (const char *)f + off[RMOD_T_STRTAB];
	m->strtab_size = sz[RMOD_T_STRTAB];
	m->needs = f + off[RMOD_T_NEEDS];
	m->nneeds = sz[RMOD_T_NEEDS] / 4;
	m->params = f + off[RMOD_T_PARAMS];
	m->nparams = sz[RMOD_T_PARAMS] / RMOD_PARAM_SIZE;
	m->syms = f + off[RMOD_T_SYMS];
	m->syms_size = sz[RMOD_T_SYMS]; /* nsyms: check_syms counts them */
	m->bound = f + off[RMOD_T_BOUND];
	/* A prebound module says what every import is bound to. */
	if ((sz[RMOD_T_BOUND] || (m->flags & RMOD_F_PREBOUND && m->nimports)) &&
	    sz[RMOD_T_BOUND] / m->bound_size != m->nimports)
		return fail(d, RM_E_BOUND, RMOD_H_DIR + 8 * RMOD_T_BOUND, sz[RMOD_T_BOUND],
			    m->nimports);
	m->has_bound = sz[RMOD_T_BOUND] != 0;
	if (sz[RMOD_T_TYPES]) {
		int rc = check_types(f + off[RMOD_T_TYPES], sz[RMOD_T_TYPES],
				     RMOD_H_DIR + 8 * RMOD_T_TYPES, m, d);
		if (rc)
			return rc;
	}
	if (m->strtab_size == 0 || m->strtab[m->strtab_size - 1] != 0 || m->strtab[0] != 0)
		return fail(d, RM_E_STRING, off[RMOD_T_STRTAB], m->strtab_size, 0);
	if (((m->flags & RMOD_F_HAS_SYMS) != 0) != (m->syms_size != 0))
		return fail(d, RM_E_SYMS, RMOD_H_FLAGS, m->flags, m->syms_size);
	return RM_OK;
}

static int check_meta(const uint8_t *f, struct rm_module *m, struct rm_diag *d)
{
	uint32_t name = rm_le32(f + RMOD_H_NAME), desc = rm_le32(f + RMOD_H_DESC);
	if (!str_ok(m, name, RMOD_MAX_NAME, 0))
		return fail(d, RM_E_NAME, RMOD_H_NAME, name, 0);
	if (!str_ok(m, desc, m->strtab_size, 1))
		return fail(d, RM_E_STRING, RMOD_H_DESC, desc, 0);
	m->name = m->strtab + name;
	m->desc = m->strtab + desc;
	if (m->init_off != RMOD_NONE && m->init_off >= m->text_end &&
	    !(m->init_off >= m->init_start && m->init_off < m->init_text_end))
		return fail(d, RM_E_ENTRY, RMOD_H_INIT_OFF, m->init_off, m->text_end);
	if (m->exit_off != RMOD_NONE && m->exit_off >= m->text_end)
		return fail(d, RM_E_ENTRY, RMOD_H_EXIT_OFF, m->exit_off, m->text_end);
	for (uint32_t i = 0; i < m->nneeds; i++) {
		uint32_t s = rm_le32(m->needs + 4 * i);
		if (!str_ok(m, s, RMOD_MAX_NAME, 0))
			return fail(d, RM_E_NEED, i, s, 0);
	}
	return RM_OK;
}

/* Is (h, s) after (ph, ps) in (hash, name) order?  0 if equal. */
static int after(uint32_t ph, const char *ps, uint32_t h, const char *s, int *equal)
{
	int c = ph == h ? str_cmp(ps, s) : 0;
	*equal = ph == h && c == 0;
	return ph < h || (ph == h && c < 0);
}

/* Imports: records well formed, the IAT group sorted by (hash, name)
 * (so its names are unique), BOUND's hash and version the record's.  The
 * sites group's order is the site stream's (check_sites); the run column
 * starts after the last record. */
static int check_imports(struct rm_module *m, struct rm_diag *d)
{
	const uint8_t *p = m->imports, *end = p + m->imports_size;
	uint32_t ph = 0;
	const char *ps = 0;
	if (m->iat_start % 4 || m->iat_end % 4 || m->iat_start > m->iat_end ||
	    m->iat_end > m->image_size || (m->iat_end > m->iat_start && m->iat_start < m->text_end))
		return fail(d, RM_E_IAT_SLOT, RMOD_H_IAT_START, m->iat_start, m->iat_end);
	m->niat = (m->iat_end - m->iat_start) / 4;
	if (m->niat > m->nimports)
		return fail(d, RM_E_IAT_SLOT, RMOD_H_IAT_END, m->niat, m->nimports);
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct rm_irec r;
		const uint8_t *at = p;
		if (rm_irec_next(&p, end, &r))
			return fail(d, RM_E_IMPORT, i, (uint32_t)(at - m->imports), m->imports_size);
		if (!str_ok(m, r.name, RMOD_MAX_NAME, 0))
			return fail(d, RM_E_STRING, i, r.name, 0);
		const char *s = m->strtab + r.name;
		uint32_t h = rmod_hash(s);
		int eq;
		d->sym = s;
		if (r.hash != h)
			return fail(d, RM_E_HASH, i, r.hash, h);
		if (r.need != RMOD_NEED_ANY && r.need >= m->nneeds)
			return fail(d, RM_E_IMPORT, i, r.need, m->nneeds);
		uint32_t ns;
		if ((r.flags & RMOD_IMPORT_F_NS) && !next_str_ok(m, r.name, m->strtab_size, &ns))
			return fail(d, RM_E_STRING, i, ns, m->strtab_size);
		if (i != 0 && i < m->niat && !after(ph, ps, h, s, &eq))
			return fail(d, RM_E_IMPORT, i, h, ph);
		if (m->has_bound) {
			const uint8_t *be = m->bound + m->bound_size * i;
			if (rm_le32(be + 8) != h)
				return fail(d, RM_E_HASH, i, rm_le32(be + 8), h);
			if (rm_le32(be + 12) != r.version)
				return fail(d, RM_E_BOUND, i, rm_le32(be + 12), r.version);
		}
		ph = h, ps = s;
	}
	m->runs = p;
	d->sym = 0;
	return RM_OK;
}

/* Sites: the run column and the site stream well formed and used up
 * together, site_count sites, each inside the file-backed image and
 * outside the IAT.  That every sites import has a site holds by
 * construction (a run has at least one); overlaps are rm_check_layout's. */
static int check_sites(struct rm_module *m, struct rm_diag *d)
{
	struct rm_sitedec x;
	const uint8_t *rend = m->imports + m->imports_size;
	uint32_t off, pc, n = 0;
	int r;
	rm_sitedec_init(&x, m->sites, m->sites_size, m->runs, rend, m->niat, m->nimports);
	while ((r = rm_site_next(&x, &off, &pc)) > 0) {
		if (n == m->nsites)
			return fail(d, RM_E_IMPORT, n, n + 1, m->nsites);
		if (!rm_word_ok(m, off))
			return fail(d, RM_E_SITE_RANGE, n, off, m->image_size);
		if (rm_in_iat(m, off))
			return fail(d, RM_E_SITE_OVERLAP, n, off, m->iat_start);
		n++;
	}
	if (r < 0)
		return fail(d, RM_E_IMPORT, n, (uint32_t)(x.p - m->sites), m->sites_size);
	if (n != m->nsites)
		return fail(d, RM_E_IMPORT, n, n, m->nsites);
	if (x.r != rend) /* run entries past the last sites import */
		return fail(d, RM_E_IMPORT, m->nimports, (uint32_t)(x.r - m->imports),
			    m->imports_size);
	if (x.p != x.end)
		return fail(d, RM_E_IMPORT, n, (uint32_t)(x.p - m->sites), m->sites_size);
	return RM_OK;
}

static int check_exports(struct rm_module *m, struct rm_diag *d)
{
	for (uint32_t i = 0; i < m->nexports; i++) {
		const uint8_t *e = m->exports + RMOD_EXPORT_SIZE * i;
		uint32_t name = rm_le32(e), hash = rm_le32(e + 4), off = rm_le32(e + 8);
		uint16_t kind = rm_le16(e + 12), fl = rm_le16(e + 14);
		if (!str_ok(m, name, RMOD_MAX_NAME, 0))
			return fail(d, RM_E_STRING, i, name, 0);
		const char *s = m->strtab + name;
		d->sym = s;
		if (rmod_hash(s) != hash)
			return fail(d, RM_E_HASH, i, hash, rmod_hash(s));
		uint32_t str = name;
		if ((fl & RMOD_EXP_F_NS) && !next_str_ok(m, str, RMOD_MAX_NAME, &str))
			return fail(d, RM_E_STRING, i, str, m->strtab_size);
		if ((fl & RMOD_EXP_F_FOR) && !next_str_ok(m, str, m->strtab_size, &str))
			return fail(d, RM_E_STRING, i, str, m->strtab_size);
		if ((fl & ~RMOD_EXP_F_KNOWN) || (kind != RMOD_EXP_FUNC && kind != RMOD_EXP_DATA) ||
		    (kind == RMOD_EXP_FUNC && off >= m->text_end) || off >= m->mem_size)
			return fail(d, RM_E_EXPORT, i, off, kind);
		if (off >= m->init_start)
			return fail(d, RM_E_INIT_REF, i, off, m->init_start);
		if (i > 0) {
			const uint8_t *p = e - RMOD_EXPORT_SIZE;
			uint32_t ph = rm_le32(p + 4);
			int c = ph == hash ? str_cmp(m->strtab + rm_le32(p), s) : 0;
			if (ph == hash && c == 0)
				return fail(d, RM_E_EXPORT_DUP, i, hash, 0);
			if (ph > hash || c > 0)
				return fail(d, RM_E_EXPORT_ORDER, i, hash, ph);
		}
	}
	d->sym = 0;
	return RM_OK;
}

static int check_params(struct rm_module *m, struct rm_diag *d)
{
	for (uint32_t i = 0; i < m->nparams; i++) {
		const uint8_t *e = m->params + RMOD_PARAM_SIZE * i;
		uint32_t name = rm_le32(e), desc = rm_le32(e + 4), off = rm_le32(e + 8);
		uint16_t type = rm_le16(e + 12), fl = rm_le16(e + 14);
		uint32_t size = rm_le32(e + 16);
		if (!str_ok(m, name, RMOD_MAX_NAME, 0) || !str_ok(m, desc, m->strtab_size, 1))
			return fail(d, RM_E_STRING, i, name, desc);
		int sz_ok = type == RMOD_PARAM_STRING ? (size >= 1 && size <= 4096) : size == 4;
		if (fl || type < RMOD_PARAM_INT || type > RMOD_PARAM_STRING || !sz_ok ||
		    off < m->rodata_end || (uint64_t)off + size > m->mem_size)
			return fail(d, RM_E_PARAM, i, off, type);
		if ((uint64_t)off + size > m->init_start)
			return fail(d, RM_E_INIT_REF, i, off, m->init_start);
	}
	return RM_OK;
}

/* Symbols: the whole stream decodes (symdec.h), sorted and inside the
 * module memory, and fills its table exactly.  Names are not copied: only
 * their lengths matter here.  RM_E_SYMS with at = the symbol's index and
 * val = what is wrong with it (rm_sym_next's x.bad: its offset, k or name
 * length), or, for a truncated record or a ULEB not minimal, the
 * record's byte offset in the table (val2 is always that offset). */
static int check_syms(struct rm_module *m, struct rm_diag *d)
{
	struct rm_symdec x;
	uint32_t off, size, n = 0;
	int r;
	rm_symdec_init(&x, m->syms, m->syms_size, m->mem_size);
	while ((r = rm_sym_next(&x, &off, &size, 0)) > 0)
		n++;
	if (r < 0) {
		uint32_t at = (uint32_t)(x.p - m->syms);
		return fail(d, RM_E_SYMS, n, r == -2 ? x.bad : at, at);
	}
	m->nsyms = n;
	return RM_OK;
}

int rm_parse(const void *file, size_t size, unsigned flags, struct rm_module *m,
	     struct rm_diag *d)
{
	const uint8_t *f = file;
	int rc;
	__builtin_memset(m, 0, sizeof(*m));
	rm_diag_clear(d);
	if ((rc = check_header(f, size, flags, m, d)) ||
	    (rc = check_tables(f, m, d)) ||
	    (rc = check_meta(f, m, d)) ||
	    (rc = check_imports(m, d)) ||
	    (rc = check_sites(m, d)) ||
	    (rc = m->nsites ? RM_OK : rm_check_fixups(m, 0, d)) ||
	    (rc = check_exports(m, d)) ||
	    (rc = check_params(m, d)) ||
	    (rc = check_syms(m, d)))
		return rc;
	return RM_OK;
}
