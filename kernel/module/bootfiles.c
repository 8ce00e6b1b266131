/* Recording the multiboot modules as named files. */
#include "bootfiles.h"

#include "bootcoll.h"
#include "kprintf.h"
#include "rmod/kernel.h"

#define MAX_FILES 1024

static struct bootfile files[MAX_FILES];
static unsigned nfiles;
static uintptr_t end_addr;

static void set_name(struct bootfile *f, const char *cmd)
{
	const char *p = cmd, *base = cmd;
	while (*p && *p != ' ') {
		if (*p == '/')
			base = p + 1;
		p++;
	}
	/* The name stops at the first dot: hello.rmod, hello.ko and
	 * hello.direct.rmod are all "hello". */
	size_t n = 0;
	while (base + n < p && base[n] != '.')
		n++;
	if (n >= BOOTFILE_NAME)
		n = BOOTFILE_NAME - 1;
	memcpy(f->name, base, n);
	f->name[n] = 0;
	while (*p == ' ')
		p++;
	size_t a = strlen(p);
	if (a >= BOOTFILE_ARGS)
		a = BOOTFILE_ARGS - 1;
	memcpy(f->args, p, a);
	f->args[a] = 0;
}

static struct bootfile *new_file(const char *what)
{
	if (nfiles < MAX_FILES)
		return &files[nfiles++];
	kprintf("boot: %s: more than %u module files; this one is not available\n", what,
		MAX_FILES);
	return 0;
}

/* A collection's members become boot files of their own, named by their
 * entries, sharing the collection's command-line arguments. */
static void add_member(void *ctx, const char *name, const uint8_t *data, size_t size)
{
	const struct bootfile *coll = ctx;
	struct bootfile *f = new_file(name);
	if (!f)
		return;
	f->data = data;
	f->size = size;
	set_name(f, name);
	memcpy(f->args, coll->args, sizeof(f->args));
}

void bootfiles_init(uint32_t mbi)
{
	const uint32_t *info = (const uint32_t *)mbi;
	if (!(info[0] & (1u << 3)))
		return;
	uint32_t count = info[5];
	const uint32_t *mods = (const uint32_t *)info[6];
	for (uint32_t i = 0; i < count; i++) {
		uint32_t start = mods[4 * i], end = mods[4 * i + 1], cmd = mods[4 * i + 2];
		if (end > end_addr)
			end_addr = end;
		if (cmd && cmd + strlen((const char *)cmd) + 1 > end_addr)
			end_addr = cmd + strlen((const char *)cmd) + 1;
		struct bootfile tmp, *f;
		memset(&tmp, 0, sizeof(tmp));
		tmp.data = (const uint8_t *)start;
		tmp.size = end - start;
		set_name(&tmp, cmd ? (const char *)cmd : "module");
		if (bootcoll_is(tmp.data, tmp.size)) {
			int n = bootcoll_each(tmp.data, tmp.size, tmp.name, add_member, &tmp);
			if (n >= 0)
				kprintf("boot: %s: collection of %d module file(s)\n", tmp.name, n);
			continue;
		}
		if ((f = new_file(tmp.name)))
			*f = tmp;
	}
	if ((uintptr_t)(mods + 4 * count) > end_addr)
		end_addr = (uintptr_t)(mods + 4 * count);
}

const struct bootfile *bootfile_find(const char *name)
{
	for (unsigned i = 0; i < nfiles; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return 0;
}

struct bootfile *bootfile_at(unsigned i) { return i < nfiles ? &files[i] : 0; }
unsigned bootfile_count(void) { return nfiles; }
uintptr_t bootfiles_end(void) { return end_addr; }
