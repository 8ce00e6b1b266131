/* Names and messages for the core's error codes (docs/ERRORS.md). */
#include "loader.h"

static const struct {
	const char *name, *msg;
} errs[RM_E__COUNT] = {
	[RM_OK] = {"RM_OK", "ok"},
	[RM_E_TRUNCATED] = {"RM_E_TRUNCATED", "file truncated"},
	[RM_E_MAGIC] = {"RM_E_MAGIC", "bad magic, not an rmod file"},
	[RM_E_VERSION] = {"RM_E_VERSION", "unsupported format version"},
	[RM_E_MACHINE] = {"RM_E_MACHINE", "wrong machine, not i386"},
	[RM_E_HEADER_SIZE] = {"RM_E_HEADER_SIZE", "bad header size"},
	[RM_E_FILE_SIZE] = {"RM_E_FILE_SIZE", "file size disagrees with header"},
	[RM_E_FLAGS] = {"RM_E_FLAGS", "unknown flag or reserved table slot in use"},
	[RM_E_CHECKSUM] = {"RM_E_CHECKSUM", "checksum mismatch"},
	[RM_E_LAYOUT] = {"RM_E_LAYOUT", "inconsistent or unaligned region sizes"},
	[RM_E_TOO_BIG] = {"RM_E_TOO_BIG", "size or count above limit"},
	[RM_E_TABLE_RANGE] = {"RM_E_TABLE_RANGE", "table outside the file"},
	[RM_E_TABLE_OVERLAP] = {"RM_E_TABLE_OVERLAP", "tables overlap"},
	[RM_E_TABLE_SIZE] = {"RM_E_TABLE_SIZE", "table size not a multiple of its entry"},
	[RM_E_STRING] = {"RM_E_STRING", "string out of range or unterminated"},
	[RM_E_ENTRY] = {"RM_E_ENTRY", "init/exit entry outside text"},
	[RM_E_FIXUP_ENCODING] = {"RM_E_FIXUP_ENCODING", "malformed fixup stream"},
	[RM_E_FIXUP_RANGE] = {"RM_E_FIXUP_RANGE", "fixup past or straddling the image end"},
	[RM_E_FIXUP_COUNT] = {"RM_E_FIXUP_COUNT", "fixup count disagrees with header"},
	[RM_E_FIXUP_IAT] = {"RM_E_FIXUP_IAT", "fixup overlaps the IAT"},
	[RM_E_IMPORT] = {"RM_E_IMPORT", "malformed or unsorted import entry"},
	[RM_E_IAT_SLOT] = {"RM_E_IAT_SLOT", "IAT slot out of place"},
	[RM_E_SITE_RANGE] = {"RM_E_SITE_RANGE", "import site outside the image"},
	[RM_E_SITE_OVERLAP] = {"RM_E_SITE_OVERLAP", "import site overlaps a fixup, site or the IAT"},
	[RM_E_EXPORT] = {"RM_E_EXPORT", "malformed export entry"},
	[RM_E_EXPORT_ORDER] = {"RM_E_EXPORT_ORDER", "export table not sorted"},
	[RM_E_EXPORT_DUP] = {"RM_E_EXPORT_DUP", "duplicate export name"},
	[RM_E_HASH] = {"RM_E_HASH", "stored hash disagrees with name"},
	[RM_E_NEED] = {"RM_E_NEED", "malformed dependency entry"},
	[RM_E_PARAM] = {"RM_E_PARAM", "malformed parameter entry"},
	[RM_E_SYMS] = {"RM_E_SYMS", "malformed symbol table"},
	[RM_E_NAME] = {"RM_E_NAME", "empty or over-long module name"},
	[RM_E_UNRESOLVED] = {"RM_E_UNRESOLVED", "unresolved import"},
	[RM_E_VERSION_MISMATCH] = {"RM_E_VERSION_MISMATCH", "symbol version mismatch"},
	[RM_E_KIND] = {"RM_E_KIND", "import bound to an export of the wrong kind"},
	[RM_E_INIT_REF] = {"RM_E_INIT_REF", "export or parameter lies in init-only memory"},
	[RM_E_BOUND] = {"RM_E_BOUND", "bound-import table does not match the imports"},
	[RM_E_TYPES] = {"RM_E_TYPES", "malformed ABI type table"},
	[RM_E_NAMESPACE] = {"RM_E_NAMESPACE", "symbol's namespace not imported by the module"},
	[RM_E_EXPORT_FOR] = {"RM_E_EXPORT_FOR", "module not on the symbol's allowlist"},
};

const char *rm_strerror(int code)
{
	if (code < 0 || code >= RM_E__COUNT || !errs[code].msg)
		return "unknown error";
	return errs[code].msg;
}

const char *rm_errname(int code)
{
	if (code < 0 || code >= RM_E__COUNT || !errs[code].name)
		return "RM_E_UNKNOWN";
	return errs[code].name;
}
