/* Boot collections (see bootcoll.h and include/rmod/bootcoll.h).  The
 * members are ordinary .rmod files: the loader validates each one as it
 * would a file of its own; this only checks the container. */
#include "bootcoll.h"

#include "kprintf.h"
#include "loader.h"
#include "rmod/bootcoll.h"
#include "rmod/kernel.h"

int bootcoll_is(const uint8_t *data, size_t size)
{
	return size >= 4 && !memcmp(data, RBC_MAGIC, 4);
}

static int bad(const char *file, const char *what, uint32_t i, uint32_t v)
{
	kprintf("boot: %s: bad collection: %s (entry %u, value 0x%x)\n", file, what, i, v);
	return -1;
}

int bootcoll_each(const uint8_t *data, size_t size, const char *file,
		  void (*add)(void *ctx, const char *name, const uint8_t *data, size_t size),
		  void *ctx)
{
	if (size < RBC_HEADER_SIZE)
		return bad(file, "shorter than its header", 0, (uint32_t)size);
	uint32_t version = rm_le32(data + 4), count = rm_le32(data + 8),
		 total = rm_le32(data + 12);
	if (version != RBC_VERSION)
		return bad(file, "unknown version", 0, version);
	if (total != size)
		return bad(file, "size field differs from the file size", 0, total);
	if (count > (size - RBC_HEADER_SIZE) / RBC_ENTRY_SIZE)
		return bad(file, "entry table past the end", 0, count);
	uint64_t table_end = RBC_HEADER_SIZE + (uint64_t)count * RBC_ENTRY_SIZE;
	/* Everything is checked before the first member is added. */
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < count; i++) {
			const uint8_t *e = data + RBC_HEADER_SIZE + i * RBC_ENTRY_SIZE;
			uint32_t off = rm_le32(e), len = rm_le32(e + 4);
			const char *name = (const char *)e + 16;
			if (pass == 1) {
				add(ctx, name, data + off, len);
				continue;
			}
			if (off < table_end || off > size || len > size - off || len == 0)
				return bad(file, "member outside the collection", i, off);
			if (rm_le32(e + 8) || rm_le32(e + 12))
				return bad(file, "reserved entry fields not 0", i, rm_le32(e + 8));
			if (!memchr(name, 0, RBC_NAME_MAX) || !*name)
				return bad(file, "member name empty or unterminated", i, 0);
		}
	return (int)count;
}
