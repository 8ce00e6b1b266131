/* Type-text comparison for rmod-abi diff (abi_compare.h).
 *
 * Only two kinds of difference are harmless, the ones abidiff also lets
 * through: adding or dropping const/volatile where it does not change
 * layout or calling convention (on a pointee, or on a parameter itself),
 * and appending enumerators (old values keep their meaning).  Everything
 * else that changes the text is breaking. */
#include "abi_compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Length of a cv qualifier at s, if the position allows one harmlessly:
 * after '*' (the pointee) or at the start of a parameter. */
static size_t cv_at(const char *s, char prev)
{
	if (prev != '*' && prev != '(' && prev != ',')
		return 0;
	if (!strncmp(s, "const ", 6))
		return 6;
	if (!strncmp(s, "volatile ", 9))
		return 9;
	return 0;
}

/* Enumerator list "A=0;B=1;" from just after '{' to the '}'. */
static size_t enum_len(const char *s)
{
	const char *e = strchr(s, '}');
	return e ? (size_t)(e - s) : strlen(s);
}

unsigned abi_harmless(const char *a, const char *b)
{
	unsigned why = 0;
	char pa = 0, pb = 0;
	while (*a || *b) {
		size_t ca = cv_at(a, pa), cb = cv_at(b, pb);
		if (ca || cb) {
			if (ca && cb && ca == cb && !strncmp(a, b, ca)) {
				a += ca, b += cb; /* same qualifier */
			} else {
				a += ca, b += cb;
				why |= ABI_HARMLESS_CV;
			}
			continue;
		}
		if (*a != *b)
			return 0;
		/* At the same enum in both, old's enumerators must prefix new's. */
		if (!strncmp(a, "enum ", 5) && (pa == 0 || !ident(pa))) {
			const char *oa = strchr(a, '{'), *ob = strchr(b, '{');
			size_t ha = oa ? (size_t)(oa - a) : 0, hb = ob ? (size_t)(ob - b) : 0;
			if (oa && ob && ha == hb && !strncmp(a, b, ha)) {
				size_t la = enum_len(oa + 1), lb = enum_len(ob + 1);
				if (la > lb || strncmp(oa + 1, ob + 1, la))
					return 0;
				if (la != lb)
					why |= ABI_HARMLESS_ENUM;
				a = oa + 1 + la, b = ob + 1 + lb;
				pa = pb = 0;
				continue;
			}
		}
		pa = *a++, pb = *b++;
	}
	return why ? why : ABI_HARMLESS_CV; /* equal texts: nothing breaking */
}

const char *abi_harmless_text(unsigned r)
{
	if (r == (ABI_HARMLESS_CV | ABI_HARMLESS_ENUM))
		return "cv-qualifier change and enumerators appended";
	return r == ABI_HARMLESS_ENUM ? "enumerators appended" : "cv-qualifier change";
}

struct lines {
	char **v;
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void say(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("cannot format a diff line");
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(char *));
	l->v[l->n++] = s;
}

/* The body of "TAG NAME...{...}" in a type text, or NULL. */
static char *body(const char *text, const char *tag, const char *name)
{
	char pat[300];
	snprintf(pat, sizeof(pat), "%s %s%s", tag, name, strcmp(tag, "enum") ? "/" : "{");
	const char *p = strstr(text, pat);
	if (!p || !(p = strchr(p, '{')))
		return NULL;
	int depth = 0;
	const char *q = p;
	for (; *q; q++) {
		if (*q == '{')
			depth++;
		else if (*q == '}' && --depth == 0)
			break;
	}
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/* Items of a body, split at ';' outside braces and parentheses. */
static size_t items(const char *b, char ***out)
{
	size_t n = 0;
	int depth = 0;
	const char *start = b;
	*out = NULL;
	for (const char *q = b;; q++) {
		if (*q == '{' || *q == '(')
			depth++;
		else if (*q == '}' || *q == ')')
			depth--;
		else if ((*q == ';' && depth == 0) || !*q) {
			if (q > start) {
				*out = xrealloc(*out, (n + 1) * sizeof(char *));
				(*out)[n++] = xstrndup(start, (size_t)(q - start));
			}
			start = q + 1;
			if (!*q)
				break;
		}
	}
	return n;
}

static const char *item_named(char **m, size_t n, const char *name, size_t len, char sep)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(m[i], name, len) && m[i][len] == sep)
			return m[i];
	return NULL;
}

static void free_items(char **m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xfree(m[i]);
	xfree(m);
}

/* A text with every definition body shortened to "{...}": nested types
 * are explained on their own lines, so a member line shows only the
 * nested type's name and size. */
static char *collapse(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int depth = 0;
	for (; *s; s++) {
		if (*s == '{' && depth++ == 0)
			o += sprintf(o, "{");
		else if (*s == '}' && --depth == 0)
			o += sprintf(o, "...}");
		else if (depth == 0)
			*o++ = *s;
	}
	*o = 0;
	return out;
}

/* Compare the members (sep ':') or enumerators (sep '=') of one type. */
static int compare_bodies(struct lines *l, const char *tag, const char *name, const char *a,
			  const char *b, char sep)
{
	const char *what = sep == ':' ? "member" : "enumerator";
	char **ma, **mb;
	size_t na = items(a, &ma), nb = items(b, &mb);
	for (size_t i = 0; i < na; i++) {
		size_t len = strcspn(ma[i], sep == ':' ? ":" : "=");
		const char *o = item_named(mb, nb, ma[i], len, sep);
		if (!o)
			say(l, "%s %s: %s '%.*s' removed (was %s)", tag, name, what, (int)len, ma[i],
			    ma[i] + len + 1);
		else if (strcmp(o, ma[i])) {
			char *was = collapse(ma[i] + len + 1), *now = collapse(o + len + 1);
			/* Equal when collapsed: only a nested type changed, said elsewhere. */
			if (strcmp(was, now))
				say(l, "%s %s: %s '%.*s' changed: %s -> %s", tag, name, what, (int)len,
				    ma[i], was, now);
			xfree(was);
			xfree(now);
		}
		else if (sep == ':' && (i >= nb || strcmp(mb[i], ma[i])))
			say(l, "%s %s: %s '%.*s' moved", tag, name, what, (int)len, ma[i]);
	}
	for (size_t i = 0; i < nb; i++) {
		size_t len = strcspn(mb[i], sep == ':' ? ":" : "=");
		if (!item_named(ma, na, mb[i], len, sep))
			say(l, "%s %s: %s '%.*s' added: %s", tag, name, what, (int)len, mb[i],
			    mb[i] + len + 1);
	}
	free_items(ma, na);
	free_items(mb, nb);
	return 1;
}

size_t abi_explain(const char *old, const char *new, char ***out)
{
	static const char *const tags[] = {"struct", "union", "enum"};
	struct lines l = {0};
	int said = 0;
	for (int k = 0; k < 3; k++) {
		char pat[16];
		snprintf(pat, sizeof(pat), "%s ", tags[k]);
		size_t first = l.n;
		for (const char *p = old; (p = strstr(p, pat)); p++) {
			char name[256];
			int got = k < 2 ? sscanf(p + strlen(pat), "%255[^/{(]/", name)
					: sscanf(p + strlen(pat), "%255[^{]{", name);
			if (got != 1)
				continue;
			int dup = 0; /* a type used twice is explained once */
			char hdr[300];
			snprintf(hdr, sizeof(hdr), "%s %s:", tags[k], name);
			for (size_t i = first; i < l.n && !dup; i++)
				dup = !strncmp(l.v[i], hdr, strlen(hdr));
			char *a = body(old, tags[k], name), *b = body(new, tags[k], name);
			if (!dup && a && b && strcmp(a, b))
				said |= compare_bodies(&l, tags[k], name, a, b, k < 2 ? ':' : '=');
			xfree(a);
			xfree(b);
		}
	}
	if (!said) {
		char *was = collapse(old), *now = collapse(new);
		int same = !strcmp(was, now); /* then only the full texts show it */
		say(&l, "type was: %s", same ? old : was);
		say(&l, "type now: %s", same ? new : now);
		xfree(was);
		xfree(now);
	}
	*out = l.v;
	return l.n;
}
