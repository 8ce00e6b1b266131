/* Module parameters (params.h). */
#include "params.h"

#include "kprintf.h"
#include "rmod/kernel.h"

static size_t strnlen_bounded(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* One "name=value" word of args, as [name, name_end) and [val, val_end). */
struct assign {
	const char *name, *name_end, *val, *val_end;
};

static const char *next_assign(const char *p, struct assign *a)
{
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	a->name = p;
	while (*p && *p != ' ' && *p != '=')
		p++;
	a->name_end = p;
	if (*p == '=')
		p++;
	a->val = p;
	while (*p && *p != ' ')
		p++;
	a->val_end = *a->name_end == '=' ? p : a->name_end;
	if (*a->name_end != '=')
		a->val = a->val_end = 0;
	return p;
}

static int find_param(const struct rm_module *m, const struct assign *a, struct rm_param *out)
{
	size_t n = (size_t)(a->name_end - a->name);
	for (uint32_t i = 0; i < m->nparams; i++) {
		rm_get_param(m, i, out);
		if (strlen(out->name) == n && !strncmp(out->name, a->name, n))
			return 1;
	}
	return 0;
}

/* Decimal or 0x hex with optional sign; range-checked into 32 bits. */
static int parse_num(const char *s, const char *e, int is_signed, uint32_t *out)
{
	int neg = 0;
	if (s < e && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	unsigned base = 10;
	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == e)
		return -1;
	uint64_t v = 0;
	for (; s < e; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		v = v * base + d;
		if (v > 0xffffffffull + 1)
			return -2;
	}
	if (is_signed) {
		if ((!neg && v > 0x7fffffff) || (neg && v > 0x80000000ull))
			return -2;
		*out = neg ? (uint32_t)(0 - v) : (uint32_t)v;
	} else {
		if (neg || v > 0xffffffffull)
			return neg ? -1 : -2;
		*out = (uint32_t)v;
	}
	return 0;
}

static int parse_bool(const char *s, const char *e, uint32_t *out)
{
	size_t n = (size_t)(e - s);
	static const char *const yes[] = {"1", "y", "yes", "true", "on"};
	static const char *const no[] = {"0", "n", "no", "false", "off"};
	for (unsigned i = 0; i < 5; i++) {
		if (strlen(yes[i]) == n && !strncmp(s, yes[i], n))
			return *out = 1, 0;
		if (strlen(no[i]) == n && !strncmp(s, no[i], n))
			return *out = 0, 0;
	}
	return -1;
}

int params_check(const struct rm_module *m, const char *args, char *err, size_t errlen)
{
	struct assign a;
	for (const char *p = args; (p = next_assign(p, &a));) {
		int n = (int)(a.name_end - a.name);
		struct rm_param prm;
		if (!find_param(m, &a, &prm)) {
			ksnprintf(err, errlen, "unknown parameter '%.*s'", n, a.name);
			return -1;
		}
		if (!a.val) {
			ksnprintf(err, errlen, "parameter '%s' needs a value (%s=...)", prm.name,
				  prm.name);
			return -1;
		}
		int vn = (int)(a.val_end - a.val);
		uint32_t v;
		int rc = 0;
		switch (prm.type) {
		case RMOD_PARAM_INT:
		case RMOD_PARAM_UINT:
			rc = parse_num(a.val, a.val_end, prm.type == RMOD_PARAM_INT, &v);
			if (rc == -2) {
				ksnprintf(err, errlen, "parameter '%s': value '%.*s' out of range for %s",
					  prm.name, vn, a.val, prm.type == RMOD_PARAM_INT ? "int" : "uint");
				return -1;
			}
			break;
		case RMOD_PARAM_BOOL:
			rc = parse_bool(a.val, a.val_end, &v);
			break;
		case RMOD_PARAM_STRING:
			if ((uint32_t)vn + 1 > prm.size) {
				ksnprintf(err, errlen,
					  "parameter '%s': string of %d bytes is too long (at most %u)",
					  prm.name, vn, prm.size - 1);
				return -1;
			}
			break;
		}
		if (rc) {
			ksnprintf(err, errlen, "parameter '%s': malformed %s value '%.*s'", prm.name,
				  prm.type == RMOD_PARAM_BOOL ? "bool" : "integer", vn, a.val);
			return -1;
		}
	}
	return 0;
}

void params_apply(const struct rm_module *m, const char *args, uint8_t *image)
{
	struct assign a;
	for (const char *p = args; (p = next_assign(p, &a));) {
		struct rm_param prm;
		uint32_t v = 0;
		if (!find_param(m, &a, &prm) || !a.val)
			continue; /* params_check refused these already */
		uint8_t *dst = image + prm.offset;
		size_t vn = (size_t)(a.val_end - a.val);
		switch (prm.type) {
		case RMOD_PARAM_INT:
		case RMOD_PARAM_UINT:
			parse_num(a.val, a.val_end, prm.type == RMOD_PARAM_INT, &v);
			rm_put32(dst, v);
			break;
		case RMOD_PARAM_BOOL:
			parse_bool(a.val, a.val_end, &v);
			rm_put32(dst, v);
			break;
		case RMOD_PARAM_STRING:
			memcpy(dst, a.val, vn);
			memset(dst + vn, 0, prm.size - vn);
			break;
		}
	}
}

void params_format(const struct rm_module *m, uint32_t i, const uint8_t *image, char *buf,
		   size_t len)
{
	struct rm_param p;
	rm_get_param(m, i, &p);
	const uint8_t *src = image + p.offset;
	switch (p.type) {
	case RMOD_PARAM_INT:
		ksnprintf(buf, len, "%d", (int)rm_le32(src));
		break;
	case RMOD_PARAM_UINT:
		ksnprintf(buf, len, "%u", rm_le32(src));
		break;
	case RMOD_PARAM_BOOL:
		ksnprintf(buf, len, "%s", rm_le32(src) ? "true" : "false");
		break;
	default:
		ksnprintf(buf, len, "\"%.*s\"", (int)strnlen_bounded((const char *)src, p.size),
			  (const char *)src);
		break;
	}
}
