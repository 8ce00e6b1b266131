/* Reading and validating a .rmod file for the host tools (rmod_read.h). */
#include "rmod_read.h"

#include "util.h"

void rmod_parse_or_die(const char *what, const uint8_t *buf, size_t size, struct rm_module *m)
{
	struct rm_diag d;
	int rc = rm_parse(buf, size, 0, m, &d);
	if (!rc) {
		uint32_t *bits = xcalloc(rm_layout_scratch(m) + 4, 1);
		rc = rm_check_layout(m, bits, &d);
		xfree(bits);
	}
	if (rc == RM_E_VERSION) /* name both: the file's and the one read here */
		die("%s: format version %u, this tool reads version %u (%s)", what, d.val, d.val2,
		    rm_errname(rc));
	if (rc)
		die("%s: not a valid module: %s at 0x%x (value 0x%x) (%s)", what, rm_strerror(rc),
		    d.at, d.val, rm_errname(rc));
}

uint8_t *rmod_read(const char *path, size_t *size, struct rm_module *m)
{
	uint8_t *file = read_file(path, size);
	rmod_parse_or_die(path, file, *size, m);
	return file;
}
