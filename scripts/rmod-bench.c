/* rmod-bench: the loader core on the host.  For each module, the time of
 * rebase and of bind is measured against a memcpy of the image in the same
 * run and reported as ratios (the best of many repetitions each).  With
 * --once it loads each module once, for instruction counting under
 * valgrind --tool=callgrind (scripts/bench-report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/rmod_read.h"
#include "lib/util.h"
#include "loader.h"

static int resolve(void *ctx, const struct rm_module *m, const struct rm_import *imp,
		   struct rm_resolved *out)
{
	(void)ctx;
	(void)m;
	out->addr = 0x100000u + (imp->hash & 0xffff0u);
	out->kind = RMOD_EXP_FUNC;
	out->version = imp->version;
	return RM_OK;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Best time of fn over enough repetitions to fill ~50 ms. */
#define BEST(expr)                                                                  \
	({                                                                          \
		double best = 1e9, spent = 0;                                       \
		for (int rep = 0; rep < 5 || spent < 0.05; rep++) {                 \
			double t0 = now();                                          \
			expr;                                                       \
			double dt = now() - t0;                                     \
			spent += dt;                                                \
			if (dt < best)                                              \
				best = dt;                                          \
		}                                                                   \
		best;                                                               \
	})

int main(int argc, char **argv)
{
	progname = "rmod-bench";
	int once = argc > 1 && !strcmp(argv[1], "--once");
	if (argc < 2 + once) {
		fprintf(stderr, "usage: rmod-bench [--once] MOD.rmod...\n");
		return 2;
	}
	if (!once)
		printf("%-14s %8s %9s %10s %10s %10s %9s %9s\n", "module", "fixups", "image",
		       "memcpy_ns", "rebase_ns", "bind_ns", "rebase/cp", "bind/cp");
	for (int i = 1 + once; i < argc; i++) {
		size_t size;
		uint8_t *file = read_file(argv[i], &size);
		struct rm_module m;
		struct rm_diag d;
		rmod_parse_or_die(argv[i], file, size, &m);
		uint32_t *addrs = xcalloc(m.nimports + 1, sizeof(uint32_t));
		uint8_t *img = xmalloc(m.mem_size), *copy = xmalloc(m.mem_size);
		if (rm_resolve(&m, resolve, 0, addrs, &d))
			die("%s: resolve failed", argv[i]);
		uint32_t base = 0x40000000u;
		if (once) {
			rm_copy(&m, img);
			rm_rebase(&m, img, base);
			rm_bind(&m, img, base, addrs);
		} else {
			rm_copy(&m, img);
			double cp = BEST(memcpy(copy, m.image, m.image_size));
			/* rebase adds the base each time: the image changes, the work doesn't */
			double rb = BEST(rm_rebase(&m, img, base));
			double bd = BEST(rm_bind(&m, img, base, addrs));
			printf("%-14s %8u %9u %10.0f %10.0f %10.0f %9.2f %9.2f\n", m.name, m.fixup_count,
			       m.image_size, cp * 1e9, rb * 1e9, bd * 1e9, rb / cp, bd / cp);
		}
		xfree(img);
		xfree(copy);
		xfree(addrs);
		xfree(file);
	}
	return 0;
}
