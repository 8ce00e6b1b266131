/* Module lifecycle: insmod, rmmod and what the shell shows about them. */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H

#include <stdint.h>

#include "bootfiles.h"
#include "loader.h"

enum { PH_VALIDATE, PH_COPY, PH_REBASE, PH_BIND, PH_INIT, PH_COUNT };

enum { MOD_RMOD, MOD_ETREL };

/* An export of an ET_REL module (rmod modules read theirs from the file). */
struct kexp {
	const char *name;
	uint32_t addr;
	uint16_t kind;
};

struct module {
	struct module *next;
	int kind;            /* MOD_RMOD or MOD_ETREL */
	char name[RMOD_MAX_NAME + 1];
	const struct bootfile *file;
	struct rm_module rm; /* points into the boot file, which stays mapped */
	uint32_t base;
	uint32_t core_size;  /* what stays after init */
	uint32_t init_freed; /* bytes of init-only memory given back */
	uint64_t ticks[PH_COUNT];
	struct module **uses; /* modules this one bound imports from */
	uint32_t nuses;
	uint32_t refs;        /* how many loaded modules use this one */
	/* Work counts for the comparison: rmod fixups, IAT slots and sites;
	 * ET_REL relocation entries and symbol lookups. */
	uint32_t n_fixups, n_iat, n_sites, n_relocs, n_lookups;
	struct kexp *kexps;   /* ET_REL exports */
	uint32_t nkexps;
};

void module_init(void);
/* Load NAME's providers first (modprobe), then NAME.  0 on success;
 * otherwise one error line has been printed and nothing stays loaded. */
int module_insmod(const char *name, const char *args);
int module_rmmod(const char *name);
struct module *module_find(const char *name);
struct module *module_first(void); /* in load order */
extern const char *const phase_names[PH_COUNT];
extern int module_quiet;

/* Shared by the two loaders (module.c, etrel.c). */
void module_protect(const struct module *m);
void module_release(uintptr_t base, uint32_t size);
int module_add_use(struct module *m, struct module *owner);
/* Publish, link, run init and free init memory; on failure undo all and
 * free m.  exports_fn publishes the loader's exports. */
int module_finish(struct module *m, const char *name, uint64_t t_before_init);

#endif
