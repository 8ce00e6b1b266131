"""Host tools: rmod-link, rmod-load and rmod-dump behaviour, including
bad input, which must give one clear line and a non-zero exit."""
import re
import struct
import subprocess

import pytest

from conftest import MODS, ROOT, dump_json, module_cflags, run, tool
from differential import check_against_ld
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


WEAK_SRC = ('extern void hook(void) __attribute__((weak));\n'
            'extern int wdata __attribute__((weak));\nextern int strong;\n'
            'int f(void) { return (hook ? 1 : 0) + (&wdata ? wdata : 0) + strong; }\n')


def test_weak_imports_are_marked_in_both_link_paths(tmp_path, built):
    o = compile_c(tmp_path, "weak", WEAK_SRC)
    out = tmp_path / "weak.rmod"
    run([tool("rmod-link"), "--save-temps", tmp_path / "t", "-o", out, o])
    info = dump_json(out)
    assert {i["name"]: i["weak"] for i in info["imports"]} == \
        {"hook": True, "wdata": True, "strong": False}
    text = run([tool("rmod-dump"), out]).stdout
    assert re.search(r"^  \d+ .* hook \(weak\)$", text, re.M), text
    assert re.search(r"^  \d+ .* strong$", text, re.M), text
    # --from-elf reads the same list from the ELF (.rmod_imports).
    again = tmp_path / "again.rmod"
    run([tool("rmod-link"), "--from-elf", tmp_path / "t" / "module.elf", "-o", again])
    info2 = dump_json(again)
    for k in ("imports", "sites", "fixups"):
        assert info2[k] == info[k], k
    # Absent weak imports bind 0 on the host too; an absent strong one is refused.
    assert load(out, tmp_path, "strong=0x1000").returncode == 0
    one_line_error(load(out, tmp_path, "hook=0x2000"), "unresolved import 'strong'")


def test_an_older_format_is_refused_naming_both_versions(tmp_path, built):
    data = bytearray((MODS / "consumer.rmod").read_bytes())
    assert data[4] == rmodfile.VERSION  # rmodfile.py agrees with the writer
    rmodfile.put16(data, rmodfile.H["version"], rmodfile.VERSION - 1)
    f = tmp_path / "old.rmod"
    f.write_bytes(rmodfile.fix_crc(data))
    one_line_error(load(f, tmp_path, *consumer_imports()),
                   f"format version {rmodfile.VERSION - 1}, this tool reads version "
                   f"{rmodfile.VERSION}", "RM_E_VERSION")


def test_import_records_are_checked(tmp_path, built):
    """Import records are varint-coded: the weak bit is accepted; a version
    announced but 0, a need past NEEDS and a byte left after the last
    record are refused."""
    data = bytearray((MODS / "consumer.rmod").read_bytes())
    recs = rmodfile.imports(data)
    assert recs[0]["version"] and (MODS / "consumer.rmod").exists()
    nneeds = rmodfile.table(data, "needs")[1] // 4
    cases = {"weak": (dict(weak=True), True), "zero_version": (None, False),
             "need": (dict(need=nneeds), False), "trailing": (None, False)}
    for name, (change, ok) in cases.items():
        b = bytearray(data)
        new = [dict(r) for r in recs]
        if change:
            new[0].update(change)
        enc = rmodfile.encode_imports(new)
        if name == "zero_version":  # the version bit set, the u32 0
            r = recs[0]
            enc = (rmodfile.uleb(r["name"] << 4 | 1 | (2 if r["need"] is not None else 0)) +
                   r["hash"].to_bytes(4, "little") + bytes(4) + (rmodfile.uleb(r["need"]) if r["need"] is not None else b"") +
                   rmodfile.encode_imports(recs[1:]))
        if name == "trailing":
            enc += b"\x00"
        b = rmodfile.replace_table(b, "imports", enc)
        f = tmp_path / f"{name}.rmod"
        f.write_bytes(rmodfile.fix_crc(b))
        p = run([tool("rmod-dump"), f], check=False)
        if ok:
            assert p.returncode == 0, p.stderr
            assert "(weak)" in p.stdout
        else:
            one_line_error(p, "RM_E_IMPORT")


@pytest.mark.parametrize("nimports", [2, 200])
def test_each_run_count_is_checked(tmp_path, built, nimports):
    """Each sites import's run count (in the run column) must match the
    site stream: one more on the first or the last import, the header's
    total fixed to agree, runs the stream out, and both loaders refuse."""
    src = "".join(f"extern int f{i}(void);\n" for i in range(nimports))
    src += "int all(void) { return 0" + "".join(f" + f{i}()" for i in range(nimports)) + "; }\n"
    o = compile_c(tmp_path, "many", src)
    mod = tmp_path / "many.rmod"
    run([tool("rmod-link"), "--bind", "direct", "--allow-undefined", "-o", mod, o])
    imports = [f"f{i}=0x{0x1000 + 16 * i:x}" for i in range(nimports)]
    assert load(mod, tmp_path, *imports).returncode == 0
    data = bytearray(mod.read_bytes())
    recs = rmodfile.imports(data)
    assert [r["runs"] for r in recs] == [[(1, True, False)]] * nimports
    for j in (0, nimports - 1):
        new = [dict(r) for r in recs]
        new[j]["runs"] = [(2, True, False)]
        b = rmodfile.replace_table(bytearray(data), "imports", rmodfile.encode_imports(new))
        rmodfile.put32(b, rmodfile.H["site_count"], nimports + 1)
        bad = tmp_path / f"bad{j}.rmod"
        bad.write_bytes(rmodfile.fix_crc(b))
        one_line_error(load(bad, tmp_path, *imports), "RM_E_IMPORT")


def test_fixup_decoder_refuses_non_minimal_uleb_and_far_spans(tmp_path, built):
    """The one decoder: a ULEB with a redundant zero byte is malformed;
    a command whose span would wrap 32 bits is a range error, not a span
    that looks short (each starts after a SKIP to 16 bytes before the end
    of the image, past its IAT)."""
    data = (MODS / "tables.rmod").read_bytes()
    end = rmodfile.u32(data, rmodfile.H["image_size"])
    assert rmodfile.u32(data, rmodfile.H["iat_end"]) < end - 16
    near = rmodfile.uleb((end - 16) << 2)
    ALL = 0xFFFFFFFF  # a count no stream reaches, so that the range check speaks
    cases = [(b"\x00", 1, None),  # SKIP to word 0, minimal: fine
             (b"\x80\x00", 1, "RM_E_FIXUP_ENCODING"),  # the same, non-minimal
             (near + rmodfile.uleb(((1 << 30) - 2) << 2 | 1), ALL, "RM_E_FIXUP_RANGE"),  # RUN
             (near + rmodfile.uleb(((1 << 30) - 2) << 2 | 3) + b"\x01\x01", ALL,
              "RM_E_FIXUP_RANGE"),  # REPEAT of 2^30 words
             (near + rmodfile.uleb(((1 << 30) - 1) << 2), ALL, "RM_E_FIXUP_RANGE")]  # SKIP
    for i, (stream, count, code) in enumerate(cases):
        f = tmp_path / f"s{i}.rmod"
        f.write_bytes(rmodfile.with_fixups(data, stream, count))
        p = load(f, tmp_path, "kprintf=0x1000", "strlen=0x2000")
        if code is None:
            assert p.returncode == 0, p.stderr
        else:
            one_line_error(p, code)


def test_wide_run_gaps_are_checked(tmp_path, built):
    """A wide run (u16 gaps) in synth100000's direct build: rmod-dump reads
    it; the same gap spelled with the escape (0xffff, then a u32 that fits
    in 16 bits) is refused, and so is the run cut short."""
    src = ROOT / "build" / "synth" / "synth100000.direct.rmod"
    data = bytearray(src.read_bytes())
    recs = rmodfile.imports(data)
    j = next(i for i, r in enumerate(recs) if not r["iat"] and r["runs"][0][2])
    assert run([tool("rmod-dump"), src]).returncode == 0
    so, ssz = rmodfile.table(data, "sites")
    # The sites before import j's first wide gap: earlier imports' runs,
    # then j's first site (a site number).
    p = so
    for r in recs[:j + 1]:
        if r["iat"]:
            continue
        for n, _, wide in r["runs"]:
            count = n if r is not recs[j] else 1
            for k in range(count):
                if wide and k:
                    p += 2 if rmodfile.u32(data, p) & 0xFFFF != 0xFFFF else 6
                else:
                    _, p = rmodfile.read_sn(data, p)
            if r is recs[j]:
                break
    gap = data[p] | data[p + 1] << 8
    assert gap != 0xFFFF
    esc = bytes(data[so:p]) + b"\xff\xff" + gap.to_bytes(4, "little") + bytes(data[p + 2:so + ssz])
    for name, stream in (("escaped", esc), ("short", bytes(data[so:so + ssz - 2]))):
        b = rmodfile.replace_table(bytearray(data), "sites", stream)
        f = tmp_path / f"{name}.rmod"
        f.write_bytes(rmodfile.fix_crc(b))
        one_line_error(run([tool("rmod-dump"), f], check=False), "RM_E_IMPORT")
