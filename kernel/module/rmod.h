/* The rmod loader back end: .rmod files through the loader core. */
#ifndef KERNEL_RMOD_H
#define KERNEL_RMOD_H

#include "module.h"

extern const struct loader_backend rmod_backend;

#endif
