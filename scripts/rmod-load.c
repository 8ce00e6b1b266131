/* rmod-load: run the loader core on the host and write the memory image
 * as it would stand at --base, bss included. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rmod_read.h"
#include "lib/util.h"
#include "loader.h"

struct imp {
	char *name;
	uint32_t addr;
	uint16_t kind;
};

struct imports {
	struct imp *v;
	size_t n;
};

static int resolve(void *ctx, const struct rm_module *m, const struct rm_import *imp,
		   struct rm_resolved *out)
{
	struct imports *l = ctx;
	(void)m;
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].name, imp->name)) {
			out->addr = l->v[i].addr;
			/* The host knows no versions: take the import's. */
			out->kind = l->v[i].kind;
			out->version = imp->version;
			return RM_OK;
		}
	}
	return RM_E_UNRESOLVED;
}

static void usage(void)
{
	fprintf(stderr, "usage: rmod-load --base ADDR [--import NAME=ADDR[:data]]... -o IMAGE.bin "
			"MOD.rmod\n");
	exit(2);
}

int main(int argc, char **argv)
{
	progname = "rmod-load";
	static const struct option lo[] = {
		{"base", 1, 0, 'b'}, {"import", 1, 0, 'i'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct imports l = {0};
	uint32_t base = 0;
	int have_base = 0;
	const char *out = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_u32(optarg, &base))
				die("--base: '%s' is not a 32-bit address", optarg);
			have_base = 1;
			break;
		case 'i': {
			/* NAME=ADDR is a function; NAME=ADDR:data a data export. */
			char *eq = strchr(optarg, '=');
			uint32_t a;
			if (!eq || eq == optarg)
				die("--import: '%s' is not NAME=ADDR[:data]", optarg);
			char *addr = xstrdup(eq + 1), *colon = strchr(addr, ':');
			uint16_t kind = RMOD_EXP_FUNC;
			if (colon && !strcmp(colon, ":data")) {
				*colon = 0;
				kind = RMOD_EXP_DATA;
			}
			if (parse_u32(addr, &a))
				die("--import: '%s' is not NAME=ADDR[:data]", optarg);
			xfree(addr);
			l.v = xrealloc(l.v, (l.n + 1) * sizeof(*l.v));
			l.v[l.n].name = xstrdup(optarg);
			l.v[l.n].name[eq - optarg] = 0;
			l.v[l.n].kind = kind;
			l.v[l.n++].addr = a;
			break;
		}
		case 'o': out = optarg; break;
		default: usage();
		}
	}
	if (!have_base || !out || optind != argc - 1)
		usage();
	const char *path = argv[optind];
	if (base % RMOD_PAGE)
		die("--base 0x%x is not page aligned", base);
	size_t size;
	struct rm_module m;
	uint8_t *file = rmod_read(path, &size, &m);
	if ((uint64_t)base + m.mem_size > 0x100000000ull)
		die("%s: %u bytes do not fit at base 0x%x", path, m.mem_size, base);
	uint32_t *addrs = xcalloc(m.nimports, sizeof(uint32_t));
	struct rm_diag d;
	int rc = rm_resolve(&m, resolve, &l, addrs, &d);
	if (rc == RM_E_UNRESOLVED)
		die("%s: unresolved import '%s' (%s)", path, d.sym, rm_errname(rc));
	if (rc)
		die("%s: import '%s': %s (%s)", path, d.sym, rm_strerror(rc), rm_errname(rc));
	uint8_t *img = xmalloc(m.mem_size);
	rm_copy(&m, img);
	rm_rebase(&m, img, base);
	rm_bind(&m, img, base, addrs);
	write_file(out, img, m.mem_size);
	xfree(img);
	xfree(addrs);
	xfree(file);
	return 0;
}
