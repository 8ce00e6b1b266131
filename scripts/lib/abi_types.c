/* TYPES table codec (abi_types.h; layout in docs/FORMAT.md).
 *
 * A type text is split at every struct, union and enum definition; each
 * definition becomes a fragment of the string blob and is replaced by a
 * reference (byte 0x01, then the ULEB128 blob offset of the fragment).
 * The blob is a deduplicating string table, so a struct that many
 * exports use is stored once, as BTF does.  A fragment is added after the
 * fragments it refers to, so references always point backwards: decoding
 * cannot loop. */
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

/* Length of a definition starting at s ("struct N/8{...}", "enum N{...}"),
 * or 0 when s does not start one. */
static size_t definition(const char *s, size_t n)
{
	static const char *const kw[] = {"struct ", "union ", "enum "};
	for (int k = 0; k < 3; k++) {
		size_t l = strlen(kw[k]);
		if (n < l || memcmp(s, kw[k], l))
			continue;
		while (l < n && ident(s[l]))
			l++;
		if (k < 2) { /* struct and union carry their size */
			if (l >= n || s[l] != '/')
				return 0;
			for (l++; l < n && s[l] >= '0' && s[l] <= '9'; l++)
				;
		}
		if (l >= n || s[l] != '{')
			return 0;
		int depth = 0;
		for (; l < n; l++) {
			if (s[l] == '{')
				depth++;
			else if (s[l] == '}' && --depth == 0)
				return l + 1;
		}
		return 0; /* unbalanced: keep it as plain text */
	}
	return 0;
}

/* Intern s[0, n) as a fragment; returns its blob offset.  Definitions
 * inside it become references; when s is itself one definition, its
 * head ("struct N/8{") stays, so a fragment never refers to itself. */
static uint32_t fragment(struct strtab *st, const char *s, size_t n)
{
	struct buf b = {0};
	size_t i = 0;
	if (definition(s, n) == n) {
		i = (size_t)((const char *)memchr(s, '{', n) - s) + 1;
		buf_put(&b, s, i);
	}
	while (i < n) {
		size_t len = (i == 0 || !ident(s[i - 1])) ? definition(s + i, n - i) : 0;
		if (len) {
			buf_u8(&b, REF);
			buf_uleb(&b, fragment(st, s + i, len));
			i += len;
		} else {
			if (s[i] == REF)
				die("type text contains byte 0x01");
			buf_u8(&b, (uint8_t)s[i++]);
		}
	}
	buf_u8(&b, 0);
	uint32_t off = strtab_add(st, (const char *)b.p);
	free(b.p);
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
	struct strtab st;
	strtab_init(&st);
	uint32_t *root = xmalloc((nexp + nimp) * sizeof(*root));
	for (size_t i = 0; i < nexp + nimp; i++) {
		const char *t = i < nexp ? exp[i] : imp[i - nexp];
		root[i] = t ? fragment(&st, t, strlen(t)) : TY_NONE;
	}
	buf_u32(out, (uint32_t)nexp);
	buf_u32(out, (uint32_t)nimp);
	buf_u32(out, (uint32_t)st.b.len);
	for (size_t i = 0; i < nexp + nimp; i++)
		buf_u32(out, root[i]);
	buf_put(out, st.b.p, st.b.len);
	free(root);
	strtab_free(&st);
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
		free(t->text[i]);
	free(t->text);
	free(t);
}
