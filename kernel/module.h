/* Module lifecycle: insmod, rmmod and what the shell shows about them. */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H

#include <stdint.h>

#include "bootfiles.h"
#include "loader.h"

enum { PH_VALIDATE, PH_COPY, PH_REBASE, PH_BIND, PH_INIT, PH_COUNT };

struct module {
	struct module *next;
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
};

void module_init(void);
/* Load NAME's providers first (modprobe), then NAME.  0 on success;
 * otherwise one error line has been printed and nothing stays loaded. */
int module_insmod(const char *name, const char *args);
int module_rmmod(const char *name);
struct module *module_find(const char *name);
struct module *module_first(void); /* in load order */
extern const char *const phase_names[PH_COUNT];

#endif
