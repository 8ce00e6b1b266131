/* CHECK for the host unit tests: count, and print each failure with its
 * place; main() reports and returns failures != 0. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

static int failures, checks;
#define CHECK(cond, ...)                                                            \
	do {                                                                        \
		checks++;                                                           \
		if (!(cond)) {                                                      \
			failures++;                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                 \
			printf(__VA_ARGS__);                                        \
			printf("\n");                                               \
		}                                                                   \
	} while (0)

#endif
