/* Matching a name against a comma-separated list: an import's namespaces
 * and an export's allowlist of importer modules (RMOD_EXPORT_FOR). */
#include "loader.h"

int rm_list_has(const char *list, const char *name, int glob)
{
	if (!list)
		return 0;
	for (const char *p = list;;) {
		uint32_t n = 0;
		while (p[n] && p[n] != ',')
			n++;
		if (glob && n && p[n - 1] == '*') {
			uint32_t k = 0;
			while (k < n - 1 && name[k] == p[k])
				k++;
			if (k == n - 1)
				return 1;
		} else {
			uint32_t k = 0;
			while (k < n && name[k] == p[k])
				k++;
			if (k == n && !name[n])
				return 1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}
