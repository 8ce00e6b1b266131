/* kmodule_name_at: which loaded module an address belongs to, exported so
 * that a library module (the libc module) can name the module that called
 * it, e.g. to log an unsupported OS call once per calling module. */
#include <stddef.h>
#include <stdint.h>

#include "kexport.h"
#include "modlist.h"
#include "module.h"

const char *kmodule_name_at(const void *addr);

const char *kmodule_name_at(const void *addr)
{
	struct module *m = module_at((uint32_t)(uintptr_t)addr);
	return m ? m->name : NULL;
}

KEXPORT(kmodule_name_at);
