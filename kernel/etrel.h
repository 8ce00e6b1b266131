/* The ET_REL (.ko, `ld -r`) loader, for the comparison with rmod. */
#ifndef KERNEL_ETREL_H
#define KERNEL_ETREL_H

#include "bootfiles.h"
#include "module.h"

/* Load an ELF relocatable object handed over at boot; 0 on success,
 * otherwise one error line has been printed and nothing is left. */
int etrel_load(const struct bootfile *bf, const char *name);

#endif
