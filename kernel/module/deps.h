/* insmod as modprobe: a module's providers first, depth first, refusing
 * cycles; on failure nothing this insmod loaded stays. */
#ifndef KERNEL_DEPS_H
#define KERNEL_DEPS_H

/* 0 on success; otherwise one error line has been printed.  flags are
 * LOAD_* (module.h), for every module this insmod loads. */
int module_insmod(const char *name, const char *args, unsigned flags);

#endif
