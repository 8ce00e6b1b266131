"""rmod-abi dump on every input kind: .rmod, module ELF, kernel.elf,
relocatable objects (.o, .ko) and archives (.a), including Debian's
unmodified i386 liblz4.a; and the documented exit codes for bad input."""
import re
import subprocess

import pytest

from conftest import BUILD, MODS, ROOT, run, tool

CFLAGS = ["-m32", "-g", "-O1", "-c"]


def dump(*paths):
    return run([tool("rmod-abi"), "dump", *paths]).stdout


def entries(text):
    """{name: (version, kind, provider, type)} from dump text."""
    out, last = {}, None
    for line in text.splitlines():
        if line.startswith("  type "):
            out[last] = out[last][:3] + (line[7:],)
        elif line and not line.startswith("#"):
            name, ver, kind, prov = line.split()
            out[name] = (int(ver, 16), kind, prov, None)
            last = name
    return out


def cc(tmp_path, name, src, flags=CFLAGS):
    c = tmp_path / f"{name}.c"
    c.write_text(src)
    o = tmp_path / f"{name}.o"
    run(["gcc", *flags, c, "-o", o])
    return o


def test_in_tree_object_matches_its_module(built):
    """provider.ko (the module's relocatable input) has the exports, versions
    and types of provider.rmod's module ELF."""
    ko = entries(dump(MODS / "provider.ko"))
    rm = entries(dump(MODS / "provider.rmod"))
    assert ko and set(ko) == set(rm)
    for name, (ver, kind, prov, ty) in ko.items():
        assert (ver, kind, prov) == rm[name][:3], name
        assert ver != 0 and ty, name
    assert "struct provider_op/8{name:" in ko["provider_ops"][3]


def test_object_exports_are_globals_or_the_rmod_export_list(tmp_path):
    src = ("struct pt { int x, y; };\n"
           "int g_data = 3;\nstatic int hidden(int a) { return a; }\n"
           "int f(struct pt *p) { return hidden(p->x); }\n"
           "const char *g(void) { return \"g\"; }\n")
    plain = entries(dump(cc(tmp_path, "plain", src)))
    assert set(plain) == {"g_data", "f", "g"}
    assert plain["g_data"][1] == "data" and plain["f"][1] == "func"
    assert plain["f"][2] == "plain"  # provider: the object's name
    assert plain["f"][3] == "func(*struct pt/8{x:int/4/5@0;y:int/4/5@4;})->int/4/5"
    listed = entries(dump(cc(tmp_path, "listed",
                             f'#include "rmod/module.h"\n{src}RMOD_EXPORT(f);\n',
                             CFLAGS + [f"-I{ROOT}/include"])))
    assert set(listed) == {"f"}
    assert listed["f"][:2] == plain["f"][:2]  # same version as without the list
    # Without DWARF the exports are there, unversioned.
    nodebug = entries(dump(cc(tmp_path, "nodebug", src, ["-m32", "-O1", "-c"])))
    assert set(nodebug) == set(plain) and all(v[0] == 0 and v[3] is None
                                              for v in nodebug.values())


def test_archive_members_are_named(tmp_path):
    a = cc(tmp_path, "a", "struct s { long v; };\nint a_fn(struct s *p) { return p->v; }\n")
    b = cc(tmp_path, "b", "double b_val = 1.5;\n")
    lib = tmp_path / "libab.a"
    run(["ar", "rcs", lib, a, b])
    got = entries(dump(lib))
    assert set(got) == {"a_fn", "b_val"}
    assert got["a_fn"][2] == "libab.a(a.o)" and got["b_val"][2] == "libab.a(b.o)"
    # Each member's ABI is the object's own.
    alone = entries(dump(a))["a_fn"]
    assert got["a_fn"][0] == alone[0] and got["a_fn"][3] == alone[3]


def readelf_globals(path):
    """Defined, visible global functions and objects, by binutils readelf
    (independent of libelf)."""
    out = run(["readelf", "-s", "-W", path]).stdout
    pat = r"^\s*\d+: \S+\s+\d+ (FUNC|OBJECT)\s+(GLOBAL|WEAK)\s+(DEFAULT|PROTECTED)\s+(\S+) (\S+)$"
    return {m.group(5) for m in re.finditer(pat, out, re.M) if m.group(4) != "UND"}


def test_foreign_archive_debian_liblz4(tmp_path):
    p = subprocess.run(["sh", ROOT / "scripts/fetch-lz4", BUILD / "lz4"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    lib = p.stdout.strip()
    got = entries(dump(lib))
    assert set(got) == readelf_globals(lib) and len(got) > 100
    assert "LZ4_compress_default" in got and got["LZ4_compress_default"][1] == "func"
    assert got["LZ4_compress_default"][2] == "liblz4.a(lz4.o)"
    # Debian strips debug info from static libraries: no DWARF, no versions.
    assert all(v[0] == 0 and v[3] is None for v in got.values())


def test_kernel_and_module_elf_and_rmod_inputs(built):
    k = entries(dump(BUILD / "kernel.elf"))
    assert "kprintf" in k and k["kprintf"][2] == "kernel" and k["kprintf"][3]
    assert set(entries(dump(MODS / "provider.link" / "module.elf"))) == \
        set(entries(dump(MODS / "provider.rmod")))


@pytest.mark.parametrize("args", [["dump", "/nonexistent"], ["dump"], ["diff", "x"],
                                  ["diff", "--format", "xml", "a", "b"], ["frobnicate"], []])
def test_usage_and_input_errors_exit_2(args, tmp_path):
    p = run([tool("rmod-abi"), *args], check=False)
    assert p.returncode == 2, (args, p.returncode, p.stderr)
    assert p.stderr.strip(), args


def test_garbage_input_exits_2(tmp_path):
    g = tmp_path / "g.bin"
    g.write_bytes(b"\x7fELF" + b"\x00" * 12)
    p = run([tool("rmod-abi"), "dump", g], check=False)
    assert p.returncode == 2 and "g.bin" in p.stderr, p.stderr
    bad = tmp_path / "bad.abi"
    bad.write_text("this is not an abi line\n")
    p = run([tool("rmod-abi"), "diff", bad, bad], check=False)
    assert p.returncode == 2 and "bad.abi:1" in p.stderr, p.stderr


def test_archive_with_a_non_object_member_is_refused(tmp_path):
    a = cc(tmp_path, "a", "int a_fn(void) { return 1; }\n")
    note = tmp_path / "README"
    note.write_text("not an object\n")
    lib = tmp_path / "libmixed.a"
    run(["ar", "rcS", lib, a, note])
    p = run([tool("rmod-abi"), "dump", lib], check=False)
    assert p.returncode == 2 and "libmixed.a(README): not an ELF object" in p.stderr, p.stderr


def test_rela_object_dwarf_is_relocated(tmp_path):
    """An x86-64 object keeps its DWARF string offsets in RELA relocations;
    read unrelocated, every name would be the first string.  The types
    must be those of the i386 object except for the sizes that differ."""
    src = "struct pt { int x, y; };\nint f(struct pt *p) { return p->x; }\n" \
          "long g(const char *s) { return s[0]; }\n"
    x64 = entries(dump(cc(tmp_path, "x64", src, ["-g", "-O1", "-c"])))
    x32 = entries(dump(cc(tmp_path, "x32", src)))
    assert x64["f"][3] == x32["f"][3] == "func(*struct pt/8{x:int/4/5@0;y:int/4/5@4;})->int/4/5"
    assert x64["g"][3] == "func(*const char/1/6)->long int/8/5"
    assert x32["g"][3] == "func(*const char/1/6)->long int/4/5"
