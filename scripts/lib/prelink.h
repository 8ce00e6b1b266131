/* Prelinking: a module's image rebased to a preferred base and its
 * imports bound to known provider addresses, ahead of time. */
#ifndef RMOD_PRELINK_H
#define RMOD_PRELINK_H

#include <stddef.h>
#include <stdint.h>

#include "providers.h"

struct prelink_result {
	uint8_t *file; /* the prelinked .rmod (arena memory) */
	size_t size;
	uint32_t prebound; /* imports bound to a known address */
	uint32_t unbound;  /* imports left at 0: no provider address known */
};

/* Prelink the module file buf at base (page aligned), binding each import
 * a provider in ps has an address for.  The loader core does the work,
 * exactly as it would at load time; dies with one line on bad input. */
struct prelink_result prelink(const char *what, const uint8_t *buf, size_t n, uint32_t base,
			      const struct provider_set *ps);

#endif
