/* The ET_REL (.ko, `ld -r`) loader back end, for the comparison with rmod. */
#ifndef KERNEL_ETREL_H
#define KERNEL_ETREL_H

#include "module.h"

extern const struct loader_backend etrel_backend;

#endif
