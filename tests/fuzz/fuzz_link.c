/* libFuzzer harness for rmod-link's ELF input path: the input checks on
 * relocatable objects and archives (check_input) and the conversion of a
 * linked module ELF (elf_to_module, then rmod_write and our own
 * validator), both through libelf.  die() is turned into a longjmp so a
 * refusal is an ordinary outcome, not an exit; the arena (util.h), which
 * owns everything the tool library allocates, files and libelf handles
 * included, is released after every input, so the harness runs in one
 * process with leak detection on. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/elf_inputs.h"
#include "lib/elf_module.h"
#include "lib/rmod_write.h"
#include "lib/util.h"
#include "loader.h"

static jmp_buf refused;

static void on_die(void)
{
	longjmp(refused, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-elf", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		die_hook = on_die;
		die_quiet = 1;
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (!setjmp(refused))
		check_input(path);
	if (!setjmp(refused)) {
		struct conv_opts o = {0};
		struct mod_desc d;
		o.fallback_name = "fuzz";
		o.export_all = 1;
		elf_to_module(path, &o, &d);
		struct buf out = {0};
		rmod_write(&d, &out);
		struct rm_module m;
		struct rm_diag dg;
		uint32_t *bits = NULL;
		if (rm_parse(out.p, out.len, 0, &m, &dg) ||
		    rm_check_layout(&m, bits = xcalloc(rm_layout_scratch(&m) + 4, 1), &dg))
			abort(); /* rmod-link must never write what the loader refuses */
		xfree(bits);
		xfree(out.p);
	}
	/* Normal or refused, the link ends here and gives back all it took. */
	arena_release();
	return 0;
}
