/* rmod-prelink: rebase a module to a preferred base and bind its imports
 * to the providers' known addresses ahead of time (docs/BOOT.md).  A
 * separate tool rather than an rmod-link mode because it works on a
 * finished .rmod, whatever linked it, and on prelinked ones again. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/prelink.h"
#include "lib/util.h"

static void usage(void)
{
	fprintf(stderr, "usage: rmod-prelink --base ADDR [--provider kernel.elf|X.rmod]... "
			"-o OUT.rmod MOD.rmod\n");
	exit(2);
}

int main(int argc, char **argv)
{
	progname = "rmod-prelink";
	static const struct option lo[] = {{"base", 1, 0, 'b'}, {"provider", 1, 0, 'p'},
					   {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	struct provider_set ps = {0};
	uint32_t base = 0;
	int have_base = 0, c;
	const char *out = NULL;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (parse_u32(optarg, &base))
				die("--base: '%s' is not a 32-bit address", optarg);
			have_base = 1;
			break;
		case 'p': providers_add(&ps, optarg); break;
		case 'o': out = optarg; break;
		default: usage();
		}
	}
	if (!have_base || !out || optind != argc - 1)
		usage();
	size_t n;
	uint8_t *buf = read_file(argv[optind], &n);
	struct prelink_result r = prelink(argv[optind], buf, n, base, &ps);
	write_file(out, r.file, r.size);
	printf("rmod-prelink: %s at 0x%08x: %u import(s) prebound, %u left to bind at load\n",
	       out, base, r.prebound, r.unbound);
	arena_release();
	return 0;
}
