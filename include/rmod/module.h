/* The module author's API: metadata macros read by rmod-link.
 *
 * Each macro emits a "key=value" string into the non-allocated
 * .rmod_info section (ldscripts/module.ld keeps it out of the image),
 * as Linux does with .modinfo.  rmod-link turns them into the header's
 * entry offsets, the export table and the metadata strings.
 */
#ifndef RMOD_MODULE_H
#define RMOD_MODULE_H

#define RMOD__CAT2(a, b) a##b
#define RMOD__CAT(a, b) RMOD__CAT2(a, b)
#define RMOD__INFO(id, str)                                                   \
	static const char RMOD__CAT(__rmod_info_, id)[]                       \
		__attribute__((used, section(".rmod_info"), aligned(1))) = str

/* A typed reference that keeps a static entry point alive through the
 * compiler; module.ld discards the section, so it costs nothing. */
#define RMOD__REF __attribute__((used, section(".rmod_ref")))

/* int fn(void): called after load; a negative return undoes the load. */
#define RMOD_INIT(fn)                                                         \
	static int (*const __rmod_ref_init)(void) RMOD__REF = fn;             \
	RMOD__INFO(init, "init=" #fn)

/* void fn(void): called before unload. */
#define RMOD_EXIT(fn)                                                         \
	static void (*const __rmod_ref_exit)(void) RMOD__REF = fn;            \
	RMOD__INFO(exit, "exit=" #fn)

/* Publish a global function or object to the kernel and other modules. */
#define RMOD_EXPORT(sym) RMOD__INFO(RMOD__CAT(export_, sym), "export=" #sym)

/* Namespaces and allowlists (docs/ABI.md): an export in namespace NS
 * binds only into modules that say RMOD_IMPORT_NS(NS); an export for
 * "mod_a,mod_b*" binds only into the module mod_a and modules whose name
 * starts with mod_b.  rmod-link --provider and the kernel's binding
 * both check.  Use RMOD_EXPORT_NS_FOR for both on one symbol. */
#define RMOD_EXPORT_NS(sym, ns)                                               \
	RMOD_EXPORT(sym);                                                     \
	RMOD__INFO(RMOD__CAT(exportns_, sym), "export_ns=" #sym ":" ns)
#define RMOD_EXPORT_FOR(sym, mods)                                            \
	RMOD_EXPORT(sym);                                                     \
	RMOD__INFO(RMOD__CAT(exportfor_, sym), "export_for=" #sym ":" mods)
#define RMOD_EXPORT_NS_FOR(sym, ns, mods)                                     \
	RMOD_EXPORT_NS(sym, ns);                                              \
	RMOD__INFO(RMOD__CAT(exportfor_, sym), "export_for=" #sym ":" mods)
#define RMOD_IMPORT_NS(ns) RMOD__INFO(RMOD__CAT(importns_, __COUNTER__), "import_ns=" ns)

/* Code and data used only by init: placed in the tail that the kernel
 * frees after a successful init.  Core code must not refer to them
 * (rmod-link refuses such a "section mismatch"). */
#define RMOD_INIT_TEXT __attribute__((section(".init.text"), noinline, cold))
#define RMOD_INIT_DATA __attribute__((section(".init.data")))

/* A load-time parameter: RMOD_PARAM(var, int|uint|bool|string, "text").
 * int, uint and bool variables are int or unsigned int; a string is a
 * char array whose size bounds the value (NUL included).  Values come
 * from `insmod NAME var=value` or the multiboot module command line. */
#define RMOD__TYPECHK(v, T, what)                                             \
	_Static_assert(__builtin_types_compatible_p(__typeof__(v), T),        \
		       "RMOD_PARAM " #v ": " what)
#define RMOD__PARAM_int(v) RMOD__TYPECHK(v, int, "int needs an int variable")
#define RMOD__PARAM_uint(v) RMOD__TYPECHK(v, unsigned int, "uint needs an unsigned int")
#define RMOD__PARAM_bool(v) RMOD__TYPECHK(v, int, "bool needs an int variable")
#define RMOD__PARAM_string(v)                                                 \
	RMOD__TYPECHK(v, char[sizeof(v)], "string needs a char array")
#define RMOD_PARAM(var, type, desc)                                           \
	RMOD__PARAM_##type(var);                                              \
	/* The reference makes the address escape, so the compiler cannot  \
	 * fold the default value into the code. */                           \
	static void *const RMOD__CAT(__rmod_ref_param_, var) RMOD__REF = &var;   \
	RMOD__INFO(RMOD__CAT(param_, var), "param=" #var ":" #type ":" desc)

#define RMOD_NAME(str) RMOD__INFO(name, "name=" str)
#define RMOD_DESCRIPTION(str) RMOD__INFO(description, "description=" str)

#endif
