/* A loaded module, and the lifecycle that loads and unloads one file:
 * open (validate) through a loader back end, load, publish, init; rmmod. */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H

#include <stdint.h>

#include "bootfiles.h"
#include "loader.h"
#include "phase.h"

enum { MOD_RMOD, MOD_ETREL };

/* insmod flags: no per-load notices (the soak); load without running
 * init (a measurement path; exit is then not run at rmmod either). */
enum { LOAD_QUIET = 1, LOAD_NOINIT = 2 };

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
	int noinit;          /* loaded with LOAD_NOINIT: init and exit never run */
	uint32_t map_phys;   /* [base, base + map_len) maps the boot file's own
				pages from map_phys (text and rodata in place) */
	uint32_t map_len;
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

/* One load of one file, shared by the lifecycle and a back end.  The
 * back end's open validates the whole file and fills modname and the
 * needs; its load writes the image and returns the module, not yet
 * published; close frees what open took when load never ran. */
struct load {
	const struct bootfile *bf;
	const char *file;    /* the name insmod was given, for messages */
	const char *args;
	unsigned flags;      /* LOAD_* */
	struct phase_clock clk;
	const struct loader_backend *be;
	const char *modname; /* from the file, set by open */
	uint32_t nneeds;
	const char *(*need)(const struct load *l, uint32_t i);
	struct rm_module rm; /* the rmod back end's parse */
	void *priv;          /* back-end scratch */
};

struct loader_backend {
	int kind; /* MOD_RMOD or MOD_ETREL */
	int (*match)(const struct bootfile *bf);
	int (*open)(struct load *l);
	int (*load)(struct load *l, struct module **out);
	void (*close)(struct load *l);
};

/* Validate a boot file through its back end (timed as validate); 0, or -1
 * after one error line. */
int module_open(struct load *l, const struct bootfile *bf, const char *file,
		const char *args, unsigned flags);
/* Load an opened file: copy, fix, link through the back end, then
 * publish, protect, init.  On failure nothing stays. */
int module_load(struct load *l);
void module_close(struct load *l);
/* Unload a loaded module (exit, unpublish, drop references, free). */
void module_unload(struct module *m);
int module_rmmod(const char *name, int quiet);

#endif
