/* insmod as modprobe (see deps.h).  Each file is opened (validated) once;
 * its needs come from that one parse, then its providers load, then it
 * does. */
#include "deps.h"

#include "kprintf.h"
#include "modlist.h"
#include "module.h"
#include "rmod/kernel.h"

#define MAX_DEPTH 16

/* "a -> b -> last", for error messages. */
static void chain_msg(char *buf, size_t len, const char *const *chain, int depth,
		      const char *last)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < depth && n < len; i++)
		n += (size_t)ksnprintf(buf + n, len - n, "%s -> ", chain[i]);
	if (n < len)
		ksnprintf(buf + n, len - n, "%s", last);
}

static int load_deps(const char *name, const char *args, const char **chain, int depth,
		     const char *top, unsigned flags)
{
	char msg[200];
	for (int i = 0; i < depth; i++)
		if (!strcmp(chain[i], name)) {
			chain_msg(msg, sizeof(msg), chain, depth, name);
			kprintf("insmod: %s: dependency cycle: %s\n", top, msg);
			return -1;
		}
	if (depth >= MAX_DEPTH) {
		kprintf("insmod: %s: dependencies nested deeper than %d\n", top, MAX_DEPTH);
		return -1;
	}
	const struct bootfile *bf = bootfile_find(name);
	if (!bf) {
		chain_msg(msg, sizeof(msg), chain, depth, name);
		if (depth)
			kprintf("insmod: %s: missing provider '%s' (needed by %s; chain %s)\n", top,
				name, chain[depth - 1], msg);
		else
			kprintf("insmod: %s: no such module file\n", name);
		return -1;
	}
	struct load l;
	if (module_open(&l, bf, name, args, flags))
		goto failed;
	chain[depth] = name;
	for (uint32_t i = 0; i < l.nneeds; i++) {
		const char *need = l.need(&l, i);
		if (module_find(need))
			continue;
		if (load_deps(need, 0, chain, depth + 1, top, flags)) {
			module_close(&l);
			return -1;
		}
		if (!(flags & LOAD_QUIET))
			kprintf("insmod: %s: loaded %s for %s\n", top, need, name);
	}
	/* A sibling's providers may have brought this one in meanwhile. */
	if (depth && module_find(l.modname)) {
		module_close(&l);
		return 0;
	}
	if (module_load(&l) == 0)
		return 0;
failed:
	if (depth) {
		chain_msg(msg, sizeof(msg), chain, depth, name);
		kprintf("insmod: %s: provider %s failed to load (chain %s)\n", top, name, msg);
	}
	return -1;
}

int module_insmod(const char *name, const char *args, unsigned flags)
{
	const char *chain[MAX_DEPTH];
	struct module *last = module_last();
	phase_trace_reset();
	if (load_deps(name, args, chain, 0, name, flags) == 0)
		return 0;
	/* Leave nothing half-loaded: unload what this insmod loaded, newest
	 * first. */
	for (struct module *m; (m = module_last()) && m != last;)
		module_unload(m);
	return -1;
}
