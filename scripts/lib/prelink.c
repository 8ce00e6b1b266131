/* Prelinking (prelink.h).  The image and the init tail are loaded at
 * base by the loader core itself (copy, rebase, bind), then written back
 * into the file with the base in the header and, per import, the address
 * it is now bound to (RMOD_F_PREBOUND).  The fixups stay, so the file
 * still loads anywhere. */
#include "prelink.h"

#include <string.h>

#include "loader.h"
#include "rmod_read.h"
#include "util.h"

static int resolve(void *ctx, const struct rm_module *m, const struct rm_import *imp,
		   struct rm_resolved *out)
{
	const struct provider_set *ps = ctx;
	(void)m;
	const struct provided *p = providers_find(ps, imp->name);
	/* No address known yet: bound to 0 now, bound for real at load. */
	out->addr = p && p->has_addr ? p->addr : 0;
	out->kind = p && p->has_addr ? p->kind : RMOD_EXP_FUNC;
	out->version = p && p->has_addr ? p->version : imp->version;
	return RM_OK;
}

struct prelink_result prelink(const char *what, const uint8_t *buf, size_t n, uint32_t base,
			      const struct provider_set *ps)
{
	struct rm_module m;
	struct rm_diag d;
	rmod_parse_or_die(what, buf, n, &m);
	if (base % RMOD_PAGE || base > 0xffffffffu - m.mem_size)
		die("%s: base 0x%x is not a page the %u-byte module fits above", what, base,
		    m.mem_size);
	struct prelink_result r = {0};
	uint32_t *addrs = xcalloc(m.nimports ? m.nimports : 1, 4);
	int rc = rm_resolve(&m, resolve, (void *)ps, addrs, &d);
	if (rc)
		die("%s: import '%s': %s (%s)", what, d.sym ? d.sym : "?", rm_strerror(rc),
		    rm_errname(rc));
	uint8_t *mem = xcalloc(m.mem_size, 1);
	rm_copy(&m, mem);
	rm_rebase(&m, mem, base);
	rm_bind(&m, mem, base, addrs);

	/* The same file with the loaded bytes, the base, and a BOUND table
	 * of {stamp, hint, hash, version, addr} appended (the old one is left unreferenced). */
	size_t bound_off = (n + 3) & ~(size_t)3, bsize = (size_t)RMOD_PREBOUND_SIZE * m.nimports;
	r.size = bound_off + bsize;
	r.file = xcalloc(r.size, 1);
	memcpy(r.file, buf, n);
	uint8_t *f = r.file;
	memcpy((uint8_t *)m.image - buf + f, mem, m.image_size);
	memcpy((uint8_t *)m.init_image - buf + f, mem + m.init_start, m.init_image_size);
	struct rm_import_it it;
	struct rm_import imp;
	rm_imports_begin(&m, &it);
	for (uint32_t i = 0; rm_imports_next(&m, &it, &imp); i++) {
		rm_put32(f + bound_off + RMOD_PREBOUND_SIZE * i, imp.stamp);
		rm_put32(f + bound_off + RMOD_PREBOUND_SIZE * i + 4, imp.hint);
		rm_put32(f + bound_off + RMOD_PREBOUND_SIZE * i + 8, imp.hash);
		rm_put32(f + bound_off + RMOD_PREBOUND_SIZE * i + 12, imp.version);
		rm_put32(f + bound_off + RMOD_PREBOUND_SIZE * i + 16, addrs[i]);
		if (addrs[i])
			r.prebound++;
		else
			r.unbound++;
	}
	uint8_t *dir = f + RMOD_H_DIR + 8 * RMOD_T_BOUND;
	rm_put32(dir, m.nimports ? (uint32_t)bound_off : 0);
	rm_put32(dir + 4, (uint32_t)bsize);
	rm_put32(f + RMOD_H_FLAGS, m.flags | RMOD_F_PREBOUND);
	rm_put32(f + RMOD_H_PREF_BASE, base);
	rm_put32(f + RMOD_H_FILE_SIZE, (uint32_t)r.size);
	rm_put32(f + RMOD_H_CRC32, 0);
	rm_put32(f + RMOD_H_CRC32, rm_crc32c(0, f, r.size));
	xfree(mem);
	xfree(addrs);
	/* What the kernel will check is what we wrote. */
	struct rm_module check;
	rmod_parse_or_die(what, r.file, r.size, &check);
	return r;
}
