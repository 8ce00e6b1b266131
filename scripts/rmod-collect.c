/* rmod-collect: pack modules into a boot collection (.rbc): providers
 * first, each prelinked at its own preferred base inside the kernel's
 * module area with its imports from the kernel and from earlier members
 * prebound, each image on a page boundary of the file so the kernel can
 * map it in place (docs/BOOT.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/prelink.h"
#include "lib/rmod_read.h"
#include "lib/util.h"
#include "loader.h"
#include "rmod/bootcoll.h"

struct member {
	const char *path;
	char boot_name[RBC_NAME_MAX];
	uint8_t *buf;
	size_t n;
	struct rm_module m;
	int state; /* 0 new, 1 visiting, 2 placed */
	struct prelink_result pl;
	uint32_t base, off;
};

static struct member *mods;
static size_t nmods, nordered;
static struct member **order;

static struct member *by_name(const char *name)
{
	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i].m.name, name))
			return &mods[i];
	return NULL;
}

/* Providers before their users; a need outside the set is left to the
 * kernel at insmod time (its imports are then bound at load). */
static void visit(struct member *x, const char *chain)
{
	if (x->state == 2)
		return;
	if (x->state == 1)
		die("dependency cycle through %s (%s)", x->m.name, chain);
	x->state = 1;
	for (uint32_t i = 0; i < x->m.nneeds; i++) {
		struct member *p = by_name(rm_get_need(&x->m, i));
		if (p)
			visit(p, x->m.name);
	}
	x->state = 2;
	order[nordered++] = x;
}

/* The kernel's name for a boot file: its basename up to the first dot. */
static void boot_name(struct member *x)
{
	const char *b = strrchr(x->path, '/');
	b = b ? b + 1 : x->path;
	size_t k = strcspn(b, ".");
	if (k == 0 || k >= RBC_NAME_MAX)
		die("%s: file name gives no boot name of 1..%u characters", x->path,
		    RBC_NAME_MAX - 1);
	memcpy(x->boot_name, b, k);
	x->boot_name[k] = 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: rmod-collect [--provider kernel.elf]... [--area ADDR] OUT.rbc "
			"MOD.rmod...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	progname = "rmod-collect";
	static const struct option lo[] = {
		{"provider", 1, 0, 'p'}, {"area", 1, 0, 'a'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct provider_set ps = {0};
	uint32_t area = RMOD_MODAREA_START;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': providers_add(&ps, optarg); break;
		case 'a':
			if (parse_u32(optarg, &area) || area % RMOD_PAGE)
				die("--area: '%s' is not a page-aligned address", optarg);
			break;
		default: usage();
		}
	}
	if (argc - optind < 2)
		usage();
	const char *out = argv[optind++];
	nmods = (size_t)(argc - optind);
	mods = xcalloc(nmods, sizeof(*mods));
	order = xcalloc(nmods, sizeof(*order));
	for (size_t i = 0; i < nmods; i++) {
		struct member *x = &mods[i];
		x->path = argv[optind + i];
		x->buf = rmod_read(x->path, &x->n, &x->m);
		boot_name(x);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(mods[j].m.name, x->m.name) ||
			    !strcmp(mods[j].boot_name, x->boot_name))
				die("%s: module '%s' is in the collection twice (also %s)", x->path,
				    x->m.name, mods[j].path);
	}
	for (size_t i = 0; i < nmods; i++)
		visit(&mods[i], "top");

	/* Bases one after another; each prelinked member provides for the
	 * next ones. */
	uint64_t at = area;
	for (size_t i = 0; i < nordered; i++) {
		struct member *x = order[i];
		if (at + x->m.mem_size > 0xffffffffu)
			die("%s: does not fit below 4 GiB from 0x%x", x->path, area);
		x->base = (uint32_t)at;
		at += x->m.mem_size;
		x->pl = prelink(x->path, x->buf, x->n, x->base, &ps);
		providers_add_rmod(&ps, x->path, x->pl.file, x->pl.size);
	}
	if (area == RMOD_MODAREA_START && at > RMOD_MODAREA_END)
		fprintf(stderr, "rmod-collect: warning: the collection ends at 0x%llx, past the "
				"module area (0x%x): the rest will load off its bases\n",
			(unsigned long long)at, RMOD_MODAREA_END);

	/* Each member's image on a page boundary of the file. */
	struct buf b = {0};
	uint64_t pos = RBC_HEADER_SIZE + (uint64_t)RBC_ENTRY_SIZE * nordered;
	for (size_t i = 0; i < nordered; i++) {
		struct member *x = order[i];
		uint32_t img = rm_le32(x->pl.file + RMOD_H_DIR + 8 * RMOD_T_IMAGE);
		pos = ((pos + img + RMOD_PAGE - 1) & ~(uint64_t)(RMOD_PAGE - 1)) - img;
		x->off = (uint32_t)pos;
		pos += x->pl.size;
		if (pos > 0xffffffffu)
			die("the collection passes 4 GiB");
	}
	buf_put(&b, RBC_MAGIC, 4);
	buf_u32(&b, RBC_VERSION);
	buf_u32(&b, (uint32_t)nordered);
	buf_u32(&b, (uint32_t)pos);
	for (size_t i = 0; i < nordered; i++) {
		struct member *x = order[i];
		char name[RBC_NAME_MAX] = {0};
		buf_u32(&b, x->off);
		buf_u32(&b, (uint32_t)x->pl.size);
		buf_u32(&b, 0);
		buf_u32(&b, 0);
		memcpy(name, x->boot_name, strlen(x->boot_name));
		buf_put(&b, name, RBC_NAME_MAX);
	}
	for (size_t i = 0; i < nordered; i++) {
		struct member *x = order[i];
		while (b.len < x->off)
			buf_u8(&b, 0);
		buf_put(&b, x->pl.file, x->pl.size);
		printf("rmod-collect: %-16s base 0x%08x size %7u file offset 0x%08x, %u import(s) "
		       "prebound, %u to bind at load\n",
		       x->boot_name, x->base, x->m.mem_size, x->off, x->pl.prebound, x->pl.unbound);
	}
	write_file(out, b.p, b.len);
	arena_release();
	return 0;
}
