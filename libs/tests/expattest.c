/* expattest: expat parses a document in the kernel, counting elements,
 * attributes and character-data bytes; the host parses the same bytes
 * (printed as hex) with pyexpat and counts the same way. */
#include "libtest.h"

RMOD_DESCRIPTION("XML parse counts through expat.rmod");

void *XML_ParserCreate(const char *encoding);
void XML_SetElementHandler(void *p, void (*start)(void *, const char *, const char **),
			   void (*end)(void *, const char *));
void XML_SetCharacterDataHandler(void *p, void (*h)(void *, const char *, int));
void XML_SetUserData(void *p, void *data);
int XML_Parse(void *p, const char *s, int len, int final);
void XML_ParserFree(void *p);

struct counts {
	int elements, attributes, chars, depth, max_depth;
};

static void start(void *u, const char *name, const char **attrs)
{
	struct counts *c = u;
	(void)name;
	c->elements++;
	for (int i = 0; attrs[i]; i += 2)
		c->attributes++;
	if (++c->depth > c->max_depth)
		c->max_depth = c->depth;
}

static void end(void *u, const char *name)
{
	(void)name;
	((struct counts *)u)->depth--;
}

static void text(void *u, const char *s, int n)
{
	(void)s;
	((struct counts *)u)->chars += n;
}

static const char doc[] =
	"<?xml version='1.0'?>\n<library name='rmod'>\n"
	"  <book id='1' lang='en'><title>Linkers &amp; Loaders</title><year>1999</year></book>\n"
	"  <book id='2'><title>A &lt;small&gt; kernel</title><notes/></book>\n"
	"  <!-- a comment --><empty a='x' b='y' c='z'/>\n"
	"</library>\n";

static int expattest_init(void)
{
	struct counts c = {0};
	void *p = XML_ParserCreate(NULL);
	if (!p)
		return test_verdict("expattest", 0);
	XML_SetUserData(p, &c);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	int rc = XML_Parse(p, doc, (int)sizeof(doc) - 1, 1);
	XML_ParserFree(p);
	test_hex("expattest", "doc", doc, sizeof(doc) - 1);
	kprintf("expattest: parse=%d elements=%d attributes=%d chars=%d depth=%d\n", rc,
		c.elements, c.attributes, c.chars, c.max_depth);
	return test_verdict("expattest", rc == 1);
}
RMOD_INIT(expattest_init);
