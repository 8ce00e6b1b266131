/* What a module can import from: the exports of provider modules (.rmod),
 * of the kernel (kernel.elf's .kexports table) or of an ABI file. */
#ifndef RMOD_PROVIDERS_H
#define RMOD_PROVIDERS_H

#include <stddef.h>
#include <stdint.h>

struct provided {
	char *name;
	uint32_t version;
	uint16_t kind;  /* RMOD_EXP_* */
	char *provider; /* module name, or "kernel" */
	uint32_t hint;  /* index in the provider's export table */
	uint32_t stamp; /* rmod_stamp of that table; 0 when unknown (ABI text) */
	uint32_t addr;  /* where it runs: the kernel's exports, and a prelinked
			   provider's at its preferred base */
	int has_addr;
	char *ns, *allow; /* the export's namespace and allowlist, or NULL
			     (only modules have them; the kernel exports none) */
};

struct provider_set {
	struct provided *v;
	size_t n;
};

/* Add every export FILE offers; dies with one line on a bad file. */
void providers_add(struct provider_set *s, const char *path);
/* The same for a module file in memory (what rmod-collect just prelinked). */
void providers_add_rmod(struct provider_set *s, const char *what, const uint8_t *buf,
			size_t n);
const struct provided *providers_find(const struct provider_set *s, const char *name);

#endif
