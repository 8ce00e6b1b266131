/* TYPES table codec (abi_types.h; layout in docs/FORMAT.md).
 *
 * Type texts (symver.c) are trees: pointers, qualifiers, typedefs, arrays,
 * prototypes, enums, structs with their members.  The encoder parses each
 * text into those nodes, and a node whose text occurs often enough across
 * all the module's symbols to pay for a reference becomes a fragment of
 * the string blob, stored once, as BTF stores each type once; where it
 * occurs, a reference stands (byte 0x01, then the ULEB128 blob offset of
 * the fragment).  The blob is a deduplicating string table.  A fragment
 * is added after the fragments it refers to, so references always point
 * backwards and decoding cannot loop.  Text the parser does not know is
 * stored as it is. */
#include "abi_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmod/format.h"

#define REF 0x01
#define TY_HDR 12u /* nexports, nimports, blob size */
#define TY_NONE 0xffffffffu
/* Refuse, rather than produce, absurd expansions of a hostile table. */
#define TY_MAX_TEXT (16u << 20)

static int ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Node texts seen in the counting pass, sorted, with their counts. */
struct seen {
	char **v;
	size_t n;
	size_t *count; /* after seen_finish: count of the run starting at i */
};

struct enc {
	int counting; /* pass 1 counts nodes, pass 2 emits */
	struct seen seen;
	struct strtab st;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void seen_finish(struct seen *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(char *), cmp_str);
	s->count = xcalloc(s->n + 1, sizeof(size_t));
	for (size_t i = 0, j; i < s->n; i = j) {
		for (j = i + 1; j < s->n && !strcmp(s->v[i], s->v[j]); j++)
			;
		s->count[i] = j - i;
	}
}

static size_t seen_count(const struct seen *s, const char *text, size_t len)
{
	size_t lo = 0, hi = s->n;
	char *key = xstrndup(text, len);
	while (lo < hi) { /* the first entry >= key */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t c = lo < s->n && !strcmp(s->v[lo], key) ? s->count[lo] : 0;
	xfree(key);
	return c;
}

/* A node seen k times saves (k - 1) * len bytes as a fragment and costs
 * its NUL and about 3 bytes per reference. */
static int worth_sharing(const struct enc *e, const char *s, size_t len)
{
	size_t k = seen_count(&e->seen, s, len);
	return k >= 2 && (k - 1) * len > 1 + 3 * k;
}

static size_t node(struct enc *e, const char *s, size_t n, struct buf *o);

static size_t lit(struct buf *o, const char *s, size_t k)
{
	buf_put(o, s, k);
	return k;
}

/* The length of a prefix p of s, or 0. */
static size_t starts(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && !memcmp(s, p, l) ? l : 0;
}

/* "(T,T,...)->T" after "fn" or "func"; parameter lists may hold "...". */
static size_t prototype(struct enc *e, const char *s, size_t n, struct buf *o)
{
	size_t i, k;
	if (n < 1 || s[0] != '(')
		return 0;
	i = lit(o, s, 1);
	while (i < n && s[i] != ')') {
		if ((k = starts(s + i, n - i, "...")))
			i += lit(o, s + i, k);
		else if ((k = node(e, s + i, n - i, o)))
			i += k;
		else
			return 0;
		if (i < n && s[i] == ',')
			i += lit(o, s + i, 1);
	}
	if (!(k = starts(s + i, n - i, ")->")))
		return 0;
	i += lit(o, s + i, k);
	return (k = node(e, s + i, n - i, o)) ? i + k : 0;
}

/* Members "name:T@OFF[:BITS+BITOFF];" up to the closing brace. */
static size_t members(struct enc *e, const char *s, size_t n, struct buf *o)
{
	size_t i = 0, k;
	while (i < n && s[i] != '}') {
		size_t j = i;
		while (j < n && ident(s[j]))
			j++;
		if (j >= n || s[j] != ':')
			return 0;
		lit(o, s + i, j + 1 - i);
		if (!(k = node(e, s + j + 1, n - j - 1, o)))
			return 0;
		i = j + 1 + k;
		for (j = i; j < n && s[j] != ';' && s[j] != '}'; j++)
			if (!digit(s[j]) && s[j] != '@' && s[j] != ':' && s[j] != '+')
				return 0;
		if (j >= n || s[j] != ';')
			return 0;
		i += lit(o, s + i, j + 1 - i);
	}
	return i < n ? i + lit(o, s + i, 1) : 0;
}

/* The encoding of one type node at s, children included; its length in
 * s, or 0 when s does not start a node the parser knows. */
static size_t node_body(struct enc *e, const char *s, size_t n, struct buf *o)
{
	size_t i, k;
	if ((i = starts(s, n, "*")) || (i = starts(s, n, "const ")) ||
	    (i = starts(s, n, "volatile "))) {
		lit(o, s, i);
		return (k = node(e, s + i, n - i, o)) ? i + k : 0;
	}
	if (starts(s, n, "typedef ")) {
		const char *eq = memchr(s, '=', n);
		if (!eq)
			return 0;
		i = lit(o, s, (size_t)(eq - s) + 1);
		return (k = node(e, s + i, n - i, o)) ? i + k : 0;
	}
	if ((i = starts(s, n, "array"))) {
		while (i < n && s[i] == '[') {
			for (i++; i < n && digit(s[i]); i++)
				;
			if (i >= n || s[i++] != ']')
				return 0;
		}
		if (!(k = starts(s + i, n - i, " of ")))
			return 0;
		i = lit(o, s, i + k);
		return (k = node(e, s + i, n - i, o)) ? i + k : 0;
	}
	if ((i = starts(s, n, "fn"))) {
		lit(o, s, i);
		return (k = prototype(e, s + i, n - i, o)) ? i + k : 0;
	}
	if ((i = starts(s, n, "enum "))) {
		const char *end = memchr(s, '}', n);
		return end ? lit(o, s, (size_t)(end - s) + 1) : 0;
	}
	if ((i = starts(s, n, "struct ")) || (i = starts(s, n, "union "))) {
		while (i < n && ident(s[i]))
			i++;
		if ((k = starts(s + i, n - i, "(opaque)")) || (k = starts(s + i, n - i, "(deep)")))
			return lit(o, s, i + k);
		if (i >= n || s[i] != '/') /* a cycle: the name stands for the whole */
			return lit(o, s, i);
		for (i++; i < n && digit(s[i]); i++)
			;
		if (i >= n || s[i] != '{')
			return 0;
		lit(o, s, i + 1);
		return (k = members(e, s + i + 1, n - i - 1, o)) ? i + 1 + k : 0;
	}
	if ((i = starts(s, n, "void")))
		return lit(o, s, i);
	if (starts(s, n, "tag") && n > 3 && digit(s[3])) {
		for (i = 3; i < n && digit(s[i]); i++)
			;
		lit(o, s, i);
		return (k = node(e, s + i, n - i, o)) ? i + k : 0;
	}
	/* A base type: "NAME/SIZE/ENCODING". */
	for (i = 0; i < n && s[i] != '/' && !strchr(",;:@(){}=", s[i]); i++)
		;
	if (i == 0 || i >= n || s[i] != '/')
		return 0;
	for (i++; i < n && digit(s[i]); i++)
		;
	if (i >= n || s[i] != '/')
		return 0;
	for (i++; i < n && digit(s[i]); i++)
		;
	return lit(o, s, i);
}

/* Add a fragment (NUL added here); returns its blob offset. */
static uint32_t intern(struct enc *e, struct buf *t)
{
	buf_u8(t, 0);
	return strtab_add(&e->st, (const char *)t->p);
}

/* A node, counted (pass 1) or emitted inline or as a reference (pass 2). */
static size_t node(struct enc *e, const char *s, size_t n, struct buf *o)
{
	struct buf t = {0};
	size_t k = node_body(e, s, n, &t);
	if (k && e->counting) {
		e->seen.v = xrealloc(e->seen.v, (e->seen.n + 1) * sizeof(char *));
		e->seen.v[e->seen.n++] = xstrndup(s, k);
	} else if (k && worth_sharing(e, s, k)) {
		buf_u8(o, REF);
		buf_uleb(o, intern(e, &t));
	} else if (k) {
		buf_put(o, t.p, t.len);
	}
	xfree(t.p);
	return k;
}

/* A whole symbol text, "func(...)->T" or "var T"; its blob offset. */
static uint32_t root(struct enc *e, const char *s)
{
	size_t n = strlen(s), k = 0;
	struct buf t = {0};
	if (memchr(s, REF, n))
		die("type text contains byte 0x01");
	if (starts(s, n, "func(")) {
		lit(&t, s, 4);
		k = 4 + prototype(e, s + 4, n - 4, &t);
	} else if (starts(s, n, "var ")) {
		lit(&t, s, 4);
		k = 4 + node(e, s + 4, n - 4, &t);
	}
	if (k != n) { /* text the parser does not know: store it as it is */
		t.len = 0;
		lit(&t, s, n);
	}
	uint32_t off = e->counting ? 0 : intern(e, &t);
	xfree(t.p);
	return off;
}

void abi_types_encode(struct buf *out, char *const *exp, size_t nexp, char *const *imp,
		      size_t nimp)
{
	int any = 0;
	for (size_t i = 0; i < nexp; i++)
		any |= exp[i] != NULL;
	for (size_t i = 0; i < nimp; i++)
		any |= imp[i] != NULL;
	out->len = 0;
	if (!any)
		return;
	struct enc e;
	memset(&e, 0, sizeof(e));
	strtab_init(&e.st);
	uint32_t *roots = xmalloc((nexp + nimp) * sizeof(*roots));
	for (e.counting = 1;; e.counting = 0) {
		for (size_t i = 0; i < nexp + nimp; i++) {
			const char *t = i < nexp ? exp[i] : imp[i - nexp];
			roots[i] = t ? root(&e, t) : TY_NONE;
		}
		if (!e.counting)
			break;
		seen_finish(&e.seen);
	}
	buf_u32(out, (uint32_t)nexp);
	buf_u32(out, (uint32_t)nimp);
	buf_u32(out, (uint32_t)e.st.b.len);
	for (size_t i = 0; i < nexp + nimp; i++)
		buf_u32(out, roots[i]);
	buf_put(out, e.st.b.p, e.st.b.len);
	for (size_t i = 0; i < e.seen.n; i++)
		xfree(e.seen.v[i]);
	xfree(e.seen.v);
	xfree(e.seen.count);
	xfree(roots);
	strtab_free(&e.st);
}

struct abi_types {
	char **text; /* nexp + nimp, NULL = no type */
	size_t nexp, nimp;
};

struct decoder {
	const char *path;
	const uint8_t *blob;
	uint32_t size, table_off;
};

/* Expand the fragment at off (whose references must lie below `limit`). */
static void expand(const struct decoder *d, uint32_t off, struct buf *out)
{
	for (uint32_t p = off;;) {
		if (p >= d->size)
			die("%s: TYPES+0x%x: fragment runs off the table", d->path, d->table_off + p);
		uint8_t c = d->blob[p++];
		if (!c)
			return;
		if (c != REF) {
			buf_u8(out, c);
		} else {
			uint32_t v = 0;
			unsigned shift = 0;
			uint8_t byte;
			do {
				if (p >= d->size || shift > 28)
					die("%s: TYPES+0x%x: bad reference", d->path,
					    d->table_off + p);
				byte = d->blob[p++];
				v |= (uint32_t)(byte & 0x7f) << shift;
				shift += 7;
			} while (byte & 0x80);
			if (v >= off)
				die("%s: TYPES+0x%x: reference 0x%x does not point backwards",
				    d->path, d->table_off + p, v);
			expand(d, v, out);
		}
		if (out->len > TY_MAX_TEXT)
			die("%s: TYPES: a type text expands past %u bytes", d->path, TY_MAX_TEXT);
	}
}

struct abi_types *abi_types_read(const struct rm_module *m, const char *path)
{
	uint32_t off = rm_le32(m->file + RMOD_H_DIR + 8 * RMOD_T_TYPES);
	uint32_t size = rm_le32(m->file + RMOD_H_DIR + 8 * RMOD_T_TYPES + 4);
	if (!size)
		return NULL;
	/* rm_parse checked the counts, the size and the roots (parse.c). */
	const uint8_t *p = m->file + off;
	struct abi_types *t = xcalloc(1, sizeof(*t));
	t->nexp = rm_le32(p);
	t->nimp = rm_le32(p + 4);
	struct decoder d = {path, p + TY_HDR + 4 * (t->nexp + t->nimp), rm_le32(p + 8), 0};
	d.table_off = TY_HDR + 4 * (uint32_t)(t->nexp + t->nimp);
	t->text = xcalloc(t->nexp + t->nimp, sizeof(char *));
	for (size_t i = 0; i < t->nexp + t->nimp; i++) {
		uint32_t root = rm_le32(p + TY_HDR + 4 * i);
		if (root == TY_NONE)
			continue;
		struct buf b = {0};
		expand(&d, root, &b);
		buf_u8(&b, 0);
		t->text[i] = (char *)b.p;
	}
	return t;
}

const char *abi_types_export(const struct abi_types *t, size_t i)
{
	return i < t->nexp ? t->text[i] : NULL;
}

const char *abi_types_import(const struct abi_types *t, size_t i)
{
	return i < t->nimp ? t->text[t->nexp + i] : NULL;
}

void abi_types_free(struct abi_types *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nexp + t->nimp; i++)
		xfree(t->text[i]);
	xfree(t->text);
	xfree(t);
}
