/* janssontest: jansson parses a JSON document and serialises it again,
 * compact with sorted keys, in the kernel; the host does the same with
 * json.loads/json.dumps on the same bytes (printed). */
#include "libtest.h"

RMOD_DESCRIPTION("JSON parse and dump through jansson.rmod");

struct json {
	int type;
	volatile size_t refcount;
};
struct json *json_loads(const char *in, size_t flags, void *error);
char *json_dumps(const struct json *j, size_t flags);
void json_delete(struct json *j);

#define JSON_COMPACT 0x20
#define JSON_SORT_KEYS 0x80

static const char doc[] = "{\"name\": \"rmod\", \"libs\": [\"z\", \"lz4\", \"zstd\"],\n"
			  " \"counts\": {\"linked\": 27, \"tried\": 30, \"negative\": -5},\n"
			  " \"ok\": true, \"none\": null, \"nested\": [[1, 2], [], {}],\n"
			  " \"escaped\": \"tab\\there \\\"quoted\\\"\"}";

static int janssontest_init(void)
{
	void *err = kmalloc(512); /* json_error_t */
	struct json *j = err ? json_loads(doc, 0, err) : NULL;
	char *out = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	test_hex("janssontest", "doc", doc, sizeof(doc) - 1);
	if (out)
		test_hex("janssontest", "dump", out, strlen(out));
	int ok = out != NULL;
	free(out);
	/* json_decref, an inline function in jansson.h */
	if (j && j->refcount != (size_t)-1 && --j->refcount == 0)
		json_delete(j);
	kfree(err);
	return test_verdict("janssontest", ok);
}
RMOD_INIT(janssontest_init);
