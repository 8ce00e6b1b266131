/* Boot collections (.rbc): one multiboot module holding many .rmod files. */
#ifndef KERNEL_BOOTCOLL_H
#define KERNEL_BOOTCOLL_H

#include <stddef.h>
#include <stdint.h>

int bootcoll_is(const uint8_t *data, size_t size);
/* Check the whole collection, then call add for each member in order.
 * Returns the member count, or -1 after one error line naming what is
 * wrong and where (nothing is added then). */
int bootcoll_each(const uint8_t *data, size_t size, const char *file,
		  void (*add)(void *ctx, const char *name, const uint8_t *data, size_t size),
		  void *ctx);

#endif
