/* Reading and validating a .rmod file for the host tools (rmod_read.h). */
#include "rmod_read.h"

#include "util.h"

uint8_t *rmod_read(const char *path, size_t *size, struct rm_module *m)
{
	uint8_t *file = read_file(path, size);
	struct rm_diag d;
	int rc = rm_parse(file, *size, 0, m, &d);
	if (rc)
		die("%s: %s at 0x%x (value 0x%x) (%s)", path, rm_strerror(rc), d.at, d.val,
		    rm_errname(rc));
	return file;
}
