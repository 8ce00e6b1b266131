"""Host tools: rmod-link, rmod-load and rmod-dump behaviour, including
bad input, which must give one clear line and a non-zero exit."""
import re
import subprocess

import pytest

from conftest import MODS, ROOT, dump_json, module_cflags, run, tool
import rmodfile


def one_line_error(p, *needles):
    assert p.returncode != 0
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, p.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def compile_c(tmp_path, name, src, extra=()):
    c = tmp_path / f"{name}.c"
    c.write_text(src)
    o = tmp_path / f"{name}.o"
    run(["gcc", *module_cflags(), *extra, "-c", c, "-o", o])
    return o


def load(path, tmp_path, *imports):
    return run([tool("rmod-load"), "--base", "0x400000", "-o", tmp_path / "out.bin",
                *[f"--import={i}" for i in imports], path], check=False)


CONSUMER_IMPORTS = None


def consumer_imports():
    info = dump_json(MODS / "consumer.rmod")
    return [f"{i['name']}=0x{0x1000 + 16 * n:x}" for n, i in enumerate(info["imports"])]


def test_dump_shows_header_regions_fixups_imports_exports(built):
    out = run([tool("rmod-dump"), MODS / "provider.rmod"]).stdout
    assert "Name:          provider" in out
    assert re.search(r"text\s+0x00000000 0x[0-9a-f]+ r-x", out)
    assert re.search(r"rodata\s+0x[0-9a-f]+ 0x[0-9a-f]+ r--", out)
    assert re.search(r"Fixups: \d+, encoded in \d+ bytes", out)
    for sym in ("provider_add", "provider_calls", "provider_ops"):
        assert re.search(rf"(func|data) 0x[0-9a-f]+ {sym}\n", out), sym
    info = dump_json(MODS / "provider.rmod")
    kinds = {e["name"]: e["kind"] for e in info["exports"]}
    assert kinds["provider_add"] == "func" and kinds["provider_calls"] == "data"
    assert info["fixup_count"] == len(info["fixups"]) > 0


def test_load_writes_mem_size_image(tmp_path, built):
    p = load(MODS / "consumer.rmod", tmp_path, *consumer_imports())
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out.bin").stat().st_size == dump_json(MODS / "consumer.rmod")["mem_size"]


def test_load_rejects_truncated_file(tmp_path, built):
    data = (MODS / "consumer.rmod").read_bytes()
    for cut in (10, rmodfile.HEADER_SIZE - 1, len(data) // 2, len(data) - 1):
        f = tmp_path / "trunc.rmod"
        f.write_bytes(data[:cut])
        one_line_error(load(f, tmp_path, *consumer_imports()), "RM_E_TRUNCATED")


def test_load_rejects_bad_magic(tmp_path, built):
    data = bytearray((MODS / "consumer.rmod").read_bytes())
    data[0:4] = b"\x7fELF"
    f = tmp_path / "magic.rmod"
    f.write_bytes(rmodfile.fix_crc(data))
    one_line_error(load(f, tmp_path, *consumer_imports()), "bad magic", "RM_E_MAGIC")


def test_load_rejects_fixup_past_image_end(tmp_path, built):
    data = (MODS / "tables.rmod").read_bytes()
    image_size = rmodfile.u32(data, rmodfile.H["image_size"])
    for off, what in ((image_size, "past"), (image_size - 2, "straddling")):
        stream = rmodfile.uleb(off << 2)  # one SKIP command
        f = tmp_path / f"{what}.rmod"
        f.write_bytes(rmodfile.with_fixups(data, stream, 1))
        line = one_line_error(load(f, tmp_path, "kprintf=0x1000", "strlen=0x2000"),
                              "RM_E_FIXUP_RANGE")
        assert f"0x{off:x}" in line


def test_load_rejects_unresolved_import(tmp_path, built):
    imports = [i for i in consumer_imports() if not i.startswith("provider_apply=")]
    one_line_error(load(MODS / "consumer.rmod", tmp_path, *imports),
                   "unresolved import 'provider_apply'", "RM_E_UNRESOLVED")


def test_load_rejects_bad_base(tmp_path, built):
    p = run([tool("rmod-load"), "--base", "0x1234", "-o", tmp_path / "x", MODS / "hello.rmod"],
            check=False)
    one_line_error(p, "not page aligned")


def test_link_save_temps_redoes_the_link(tmp_path, built):
    objs = sorted((MODS / "obj" / "hello").glob("*.o"))
    run([tool("rmod-link"), "--save-temps", tmp_path / "t", "-o", tmp_path / "h.rmod", *objs])
    names = {p.name for p in (tmp_path / "t").iterdir()}
    assert {"link.sh", "module.ld", "hello.o", "module.elf"} <= names
    run(["sh", tmp_path / "t" / "link.sh", "0x7000", tmp_path / "again.elf",
         "--defsym=kprintf=0", "--defsym=kernel_version=0"])
    # --from-elf on ld's own base-0 output gives the same module.
    run([tool("rmod-link"), "--from-elf", tmp_path / "t" / "module.elf",
         "-o", tmp_path / "h2.rmod"])
    assert dump_json(tmp_path / "h2.rmod")["fixups"] == dump_json(tmp_path / "h.rmod")["fixups"]


def test_link_refuses_unsupported_relocation(tmp_path, built):
    o = compile_c(tmp_path, "tls", "__thread int t; int get(void) { return t; }\n")
    p = run([tool("rmod-link"), "-o", tmp_path / "tls.rmod", o], check=False)
    line = one_line_error(p)
    assert "TLS" in line or "R_386_TLS" in line
    assert not (tmp_path / "tls.rmod").exists()


def test_link_refuses_pc32_to_absolute(tmp_path, built):
    src = "extern void fixed(void); void f(void) { fixed(); }\n"
    o = compile_c(tmp_path, "abs", src)
    asm = tmp_path / "abs.s"
    asm.write_text(".globl fixed\n.set fixed, 0x1234\n.section .note.GNU-stack,\"\",@progbits\n")
    ao = tmp_path / "absdef.o"
    run(["as", "--32", "-o", ao, asm])
    p = run([tool("rmod-link"), "-o", tmp_path / "x.rmod", o, ao], check=False)
    one_line_error(p, "R_386_PC32", "absolute symbol 'fixed'", ".text+0x")


def test_link_exports_and_entry_points(tmp_path, built):
    src = """
#include "rmod/module.h"
int visible(int x) { return x + 1; }
int other(int x) { return x - 1; }
int data_sym = 5;
static int helper(void) { return 0; }
RMOD_INIT(helper);
"""
    o = compile_c(tmp_path, "lib", src)
    run([tool("rmod-link"), "--export", "other", "-o", tmp_path / "a.rmod", o])
    info = dump_json(tmp_path / "a.rmod")
    assert [e["name"] for e in info["exports"]] == ["other"]
    assert info["has_init"] and not info["has_exit"]
    run([tool("rmod-link"), "--export-all", "--name", "libby", "-o", tmp_path / "b.rmod", o])
    info = dump_json(tmp_path / "b.rmod")
    assert info["name"] == "libby"
    assert sorted(e["name"] for e in info["exports"]) == ["data_sym", "other", "visible"]
    p = run([tool("rmod-link"), "--export", "missing", "-o", tmp_path / "c.rmod", o],
            check=False)
    one_line_error(p, "cannot export 'missing'")


def test_fixup_encoding_beats_relr_and_pe(built):
    for rm in sorted(MODS.glob("*.rmod")):
        info = dump_json(rm)
        assert info["fixup_bytes"] <= info["relr_bytes"], rm.name
        assert info["fixup_bytes"] < info["pe_reloc_bytes"] or info["fixup_count"] == 0, rm.name
