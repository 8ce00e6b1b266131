"""Debian's static libraries as modules (libs/, docs/LIBC.md): rmod-link
--export-all on hidden globals, the libc module, and the in-kernel
self-tests of libs/tests, each compared with the host's own result.

make test runs the subset libs/libs.mk names (LIBTEST_SUBSET, built by
make test); `make libs-selftest` sets RMOD_LIBTESTS=all for every one."""
import bz2
import configparser
import hashlib
import json
import lzma
import os
import re
import unicodedata
import xml.parsers.expat
import zlib

import pytest

from conftest import ROOT, BUILD, dump_json, heap_in_use, module_cflags, qemu, run, tool
from libs_host import blake2bp, fields, hex_value, libtest_input, xxh32, xxh64

LIBS = BUILD / "libs"
ALL = sorted(p.stem for p in (ROOT / "libs" / "tests").glob("*.c"))


def subset():
    if os.environ.get("RMOD_LIBTESTS") == "all":
        return ALL
    mk = (ROOT / "libs" / "libs.mk").read_text()
    return re.search(r"^LIBTEST_SUBSET := (.*)$", mk, re.M).group(1).split()


def mod_path(name):
    return LIBS / "libc.rmod" if name == "libc" else LIBS / "mods" / f"{name}.rmod"


def load_order(test):
    """The modules a self-test needs (what insmod loads for it), providers
    first, from the needs recorded in each .rmod."""
    order = []

    def add(path):
        for need in dump_json(path)["needs"]:
            if need not in order:
                add(mod_path(need))
                order.append(need)
    add(LIBS / "tests" / f"{test}.rmod")
    return order


# Host checks: each takes the console text and asserts on it.
def check_ztest(out):
    data = libtest_input()
    assert zlib.decompress(hex_value(out, "ztest", "zlib")) == data
    f = fields(out, "ztest")
    assert int(f["in_crc"], 16) == int(f["out_crc"], 16) == zlib.crc32(data)


def check_bz2test(out):
    assert bz2.decompress(hex_value(out, "bz2test", "bz2")) == libtest_input()


def check_lzmatest(out):
    assert lzma.decompress(hex_value(out, "lzmatest", "xz")) == libtest_input()


def check_deflatetest(out):
    data = libtest_input()
    assert zlib.decompress(hex_value(out, "deflatetest", "deflate"), -15) == data
    assert int(fields(out, "deflatetest")["crc32"], 16) == zlib.crc32(data)


def check_brotlitest(out):
    import brotli
    assert brotli.decompress(hex_value(out, "brotlitest", "brotli")) == libtest_input()


def check_xxhashtest(out):
    f, data = fields(out, "xxhashtest"), libtest_input()
    assert int(f["xxh32"], 16) == xxh32(data)
    assert int(f["xxh64"], 16) == xxh64(data)


def check_mbedcryptotest(out):
    data = libtest_input()
    assert hex_value(out, "mbedcryptotest", "sha256") == hashlib.sha256(data).digest()
    assert hex_value(out, "mbedcryptotest", "sha512") == hashlib.sha512(data).digest()


def check_mdtest(out):
    f, data = fields(out, "mdtest"), libtest_input()
    assert f["md5"] == hashlib.md5(data).hexdigest()
    assert f["sha1"] == hashlib.sha1(data).hexdigest()
    assert f["sha256"] == hashlib.sha256(data).hexdigest()


def check_tomcrypttest(out):
    assert hex_value(out, "tomcrypttest", "sha256") == hashlib.sha256(libtest_input()).digest()


def check_b2test(out):
    data = libtest_input()
    assert hex_value(out, "b2test", "blake2b") == hashlib.blake2b(data).digest()
    assert hex_value(out, "b2test", "blake2bp") == blake2bp(data)


def check_expattest(out):
    doc = hex_value(out, "expattest", "doc")
    c = {"elements": 0, "attributes": 0, "chars": 0, "depth": 0, "max": 0}

    def start(name, attrs):
        c["elements"] += 1
        c["attributes"] += len(attrs)
        c["depth"] += 1
        c["max"] = max(c["max"], c["depth"])

    def end(name):
        c["depth"] -= 1

    def text(s):
        c["chars"] += len(s.encode())
    p = xml.parsers.expat.ParserCreate()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    p.Parse(doc, True)
    f = fields(out, "expattest")
    assert f["parse"] == "1"
    assert (int(f["elements"]), int(f["attributes"]), int(f["chars"]), int(f["depth"])) == \
        (c["elements"], c["attributes"], c["chars"], c["max"])
    assert c["elements"] >= 8


def check_yamltest(out):
    import yaml
    doc = hex_value(out, "yamltest", "doc")
    kinds = ["", "StreamStart", "StreamEnd", "DocumentStart", "DocumentEnd", "Alias", "Scalar",
             "SequenceStart", "SequenceEnd", "MappingStart", "MappingEnd"]
    counts = [0] * 11
    for ev in yaml.parse(doc.decode()):
        counts[kinds.index(type(ev).__name__[:-len("Event")])] += 1
    f = fields(out, "yamltest")
    assert int(f["events"]) == sum(counts)
    assert [int(f[f"t{t}"]) for t in range(1, 11)] == counts[1:]
    assert counts[5] == 1 and counts[3] == 2  # an alias, two documents


def check_pcre2test(out):
    pat = re.search(r"^pcre2test: pattern=(.*)$", out, re.M).group(1)
    subj = hex_value(out, "pcre2test", "subject").decode()
    want = [" ".join(f"{m.start(g)}-{m.end(g)}" for g in range(len(m.groups()) + 1))
            for m in re.finditer(pat, subj)]
    got = re.findall(r"^pcre2test: match (.*)$", out, re.M)
    assert got == want and len(want) == 3
    assert fields(out, "pcre2test")["matches"] == str(len(want))


def check_utf8proctest(out):
    text = hex_value(out, "utf8proctest", "text").decode()
    for form in ("nfc", "nfd", "nfkc"):
        got = hex_value(out, "utf8proctest", form).decode()
        assert got == unicodedata.normalize(form.upper(), text), form
    assert hex_value(out, "utf8proctest", "nfd") != hex_value(out, "utf8proctest", "nfc")


def check_janssontest(out):
    doc = hex_value(out, "janssontest", "doc")
    want = json.dumps(json.loads(doc), separators=(",", ":"), sort_keys=True)
    assert hex_value(out, "janssontest", "dump").decode() == want


def check_inihtest(out):
    cp = configparser.ConfigParser(inline_comment_prefixes=None)
    cp.read_string(hex_value(out, "inihtest", "doc").decode())
    want = [f"[{s}] {k}={v}" for s in cp.sections() for k, v in cp.items(s)]
    got = re.findall(r"^inihtest: entry (.*)$", out, re.M)
    assert got == want and len(want) == 5
    assert fields(out, "inihtest")["parse"] == "0"


@pytest.mark.parametrize("test", subset())
def test_library_self_test_in_kernel(test):
    """Load the self-test (its libraries and libc come with it), run it,
    unload everything; the heap returns to where it was."""
    order = load_order(test)
    files = [mod_path(m) for m in order]
    files.append(LIBS / "tests" / f"{test}.rmod")
    for f in files:
        assert f.exists(), f"{f} missing: run make libs-selftest"
    cmds = ["stats", f"insmod {test}", "lsmod", f"rmmod {test}"]
    cmds += [f"rmmod {m}" for m in reversed(order)] + ["stats", "halt 0"]
    rc, out = qemu(files, cmds, args=["--no-autoload"], timeout=180)
    assert rc == 0, out[-3000:]
    assert re.search(rf"^{test}: result=ok$", out, re.M), out[-3000:]
    for m in order:
        assert re.search(rf"^{re.escape(m)}\s+0x[0-9a-f]{{8}}\s", out, re.M), (m, out[-3000:])
    globals()[f"check_{test}"](out)
    heaps = heap_in_use(out)
    assert len(heaps) == 2 and heaps[0] == heaps[1], heaps


def test_every_self_test_has_a_host_check():
    assert ALL and all(f"check_{t}" in globals() for t in ALL)
    assert len(ALL) >= 10


def test_export_all_includes_hidden_globals(tmp_path):
    """A hidden-visibility global of an input is part of what a static
    user can call: --export-all exports it; a static function and ld's
    PIC thunks are not exported."""
    src = tmp_path / "h.c"
    src.write_text("__attribute__((visibility(\"hidden\"))) int api_hidden(int x) "
                   "{ return x + 1; }\n"
                   "int api_default(int x) { return api_hidden(x) * 2; }\n"
                   "static int helper(int x) { return x; }\n"
                   "int (*keep)(int) = helper;\n")
    obj = tmp_path / "h.o"
    flags = [f for f in module_cflags() if f not in ("-fno-pic",)]
    run(["gcc", *flags, "-fPIC", "-c", src, "-o", obj])
    ar = tmp_path / "libh.a"
    run(["ar", "rcs", ar, obj])
    out = tmp_path / "h.rmod"
    run([tool("rmod-link"), "--name", "h", "--export-all", "-o", out, ar])
    names = {e["name"] for e in dump_json(out)["exports"]}
    assert {"api_hidden", "api_default", "keep"} <= names
    assert "helper" not in names
    assert not any(n.startswith("__x86.get_pc_thunk") for n in names)


def test_libc_exports_match_its_list_and_doc():
    """libc.rmod exports exactly libs/libc/exports.txt, and docs/LIBC.md
    has a row for each export."""
    want = {w for line in (ROOT / "libs" / "libc" / "exports.txt").read_text().splitlines()
            if not line.startswith("#") for w in line.split()}
    got = {e["name"] for e in dump_json(LIBS / "libc.rmod")["exports"]}
    assert got == want
    doc = (ROOT / "docs" / "LIBC.md").read_text()
    missing = [n for n in sorted(want) if f"`{n}`" not in doc]
    assert not missing, missing


def test_libc_os_call_fails_and_logs_once_per_module():
    """jansson's hash seed tries /dev/urandom (open), then the time and
    the pid: each fails with ENOSYS and is logged once for jansson, not
    again when jansson is unloaded and loaded again and calls again."""
    order = load_order("janssontest")
    files = [mod_path(m) for m in order]
    files.append(LIBS / "tests" / "janssontest.rmod")
    if not all(f.exists() for f in files):
        pytest.fail("run make libs-selftest first (janssontest and its libraries)")
    cmds = ["insmod janssontest", "rmmod janssontest", "rmmod jansson", "insmod janssontest",
            "lsmod", "halt 0"]
    rc, out = qemu(files, cmds, args=["--no-autoload"], timeout=180)
    assert rc == 0, out[-3000:]
    logs = re.findall(r"^libc: (\S+) called (\w+): (.*)$", out, re.M)
    assert ("jansson", "open", "-1, errno ENOSYS (not supported in the kernel)") in logs, logs
    assert len(logs) == len(set(logs)), logs
    assert len(re.findall(r"^janssontest: result=ok$", out, re.M)) == 2, out[-3000:]
