/* What the provider module exports. */
#ifndef PROVIDER_H
#define PROVIDER_H

struct provider_op {
	const char *name;
	int (*fn)(int a, int b);
};

int provider_add(int a, int b);
int provider_apply(const char *op, int a, int b);
const char *provider_greeting(void);
extern int provider_calls;
extern const struct provider_op provider_ops[];
extern const int provider_nops;

#endif
