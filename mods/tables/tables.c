/* tables: function-pointer tables, string tables, a command table and a
 * switch jump table, so that there are plenty of base fixups of every
 * shape (contiguous words, strided struct fields, words in code). */
#include "rmod/kernel.h"
#include "rmod/module.h"

RMOD_NAME("tables");
RMOD_DESCRIPTION("dense pointer tables: many base fixups");

#define F(n) static unsigned f##n(unsigned x) { return x * (n + 3u) + n; }
#define F8(n) F(n##0) F(n##1) F(n##2) F(n##3) F(n##4) F(n##5) F(n##6) F(n##7)
F8(1) F8(2) F8(3) F8(4) F8(5) F8(6) F8(7) F8(8)

#define P8(n) f##n##0, f##n##1, f##n##2, f##n##3, f##n##4, f##n##5, f##n##6, f##n##7,
static unsigned (*const fns[])(unsigned) = {P8(1) P8(2) P8(3) P8(4) P8(5) P8(6) P8(7) P8(8)};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

static const char *const words[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
	"quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey", "xray",
	"yankee", "zulu",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

struct cmd {
	const char *name;
	unsigned (*fn)(unsigned);
	unsigned flags;
	const char *help;
};

static const struct cmd cmds[] = {
	{"one", f10, 1, "first"},   {"two", f11, 2, "second"},  {"three", f12, 3, "third"},
	{"four", f13, 4, "fourth"}, {"five", f14, 5, "fifth"},  {"six", f15, 6, "sixth"},
	{"seven", f16, 7, "seventh"}, {"eight", f17, 8, "eighth"},
};

/* Writable pointers in .data as well as .rodata. */
static const char *mutable_words[] = {"red", "green", "blue", "cyan", "magenta", "yellow"};

static unsigned classify(unsigned v)
{
	switch (v % 12) { /* dense enough for a jump table */
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 41;
	case 4: return 53;
	case 5: return 67;
	case 6: return 71;
	case 7: return 83;
	case 8: return 97;
	case 9: return 101;
	case 10: return 113;
	default: return 127;
	}
}

unsigned tables_checksum(void)
{
	unsigned h = 0;
	for (unsigned i = 0; i < NFNS; i++)
		h = h * 31 + fns[i](i);
	for (unsigned i = 0; i < NWORDS; i++)
		h = h * 31 + (unsigned)strlen(words[i]) + (unsigned char)words[i][0];
	for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		h = h * 31 + cmds[i].fn(cmds[i].flags) + (unsigned char)cmds[i].help[0];
	for (unsigned i = 0; i < sizeof(mutable_words) / sizeof(mutable_words[0]); i++)
		h = h * 31 + (unsigned char)mutable_words[i][1];
	for (unsigned i = 0; i < 24; i++)
		h = h * 31 + classify(i);
	return h;
}

static int tables_init(void)
{
	kprintf("tables: %u functions, %u words, checksum 0x%08x\n", (unsigned)NFNS,
		(unsigned)NWORDS, tables_checksum());
	return 0;
}

RMOD_INIT(tables_init);
RMOD_EXPORT(tables_checksum);
