/* The list of loaded modules, in load order, and which one holds an address. */
#ifndef KERNEL_MODLIST_H
#define KERNEL_MODLIST_H

#include <stdint.h>

struct module;

struct module *module_first(void);
struct module *module_last(void);
struct module *module_find(const char *name);
void modlist_add(struct module *m);
void modlist_remove(struct module *m);
/* The loaded module whose memory holds addr, or NULL (the kernel).  Once
 * init has run, only the core counts: its init pages may hold another
 * module by now. */
struct module *module_at(uint32_t addr);

#endif
