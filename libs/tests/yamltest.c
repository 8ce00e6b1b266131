/* yamltest: libyaml parses a document in the kernel and counts its
 * events by type; the host parses the same bytes (printed as hex) with
 * PyYAML, whose event model is libyaml's, and counts the same way. */
#include "libtest.h"

RMOD_DESCRIPTION("YAML event counts through yaml.rmod");

int yaml_parser_initialize(void *parser);
void yaml_parser_delete(void *parser);
void yaml_parser_set_input_string(void *parser, const unsigned char *in, size_t n);
int yaml_parser_parse(void *parser, void *event);
void yaml_event_delete(void *event);

static const char doc[] = "name: rmod\n"
			  "formats: [elf, rmod, ko]\n"
			  "sizes:\n  hello: 1024\n  lz4: 57344\n"
			  "anchors: &a {x: 1, y: 2}\n"
			  "again: *a\n"
			  "---\n- one\n- two\n- {three: 3}\n";

static int yamltest_init(void)
{
	/* yaml_parser_t and yaml_event_t are opaque here: generous room. */
	void *parser = kmalloc(4096), *ev = kmalloc(512);
	int counts[11] = {0}, ok = 0, n = 0;
	if (parser && ev && yaml_parser_initialize(parser)) {
		yaml_parser_set_input_string(parser, (const unsigned char *)doc, sizeof(doc) - 1);
		for (;;) {
			if (!yaml_parser_parse(parser, ev))
				break;
			int type = *(int *)ev;
			yaml_event_delete(ev);
			n++;
			if (type >= 0 && type < 11)
				counts[type]++;
			if (type == 2) { /* YAML_STREAM_END_EVENT */
				ok = 1;
				break;
			}
		}
		yaml_parser_delete(parser);
	}
	test_hex("yamltest", "doc", doc, sizeof(doc) - 1);
	kprintf("yamltest: events=%d", n);
	for (int t = 1; t < 11; t++)
		kprintf(" t%d=%d", t, counts[t]);
	kprintf("\n");
	kfree(parser);
	kfree(ev);
	return test_verdict("yamltest", ok);
}
RMOD_INIT(yamltest_init);
