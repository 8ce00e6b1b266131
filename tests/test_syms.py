"""The SYMS stream (include/rmod/format.h): rmod-dump's symbols of every
in-tree module against its linked ELF's symbol table, the Python codec
against the writer byte for byte, names kept out of STRTAB, the signed
offset deltas and prefixes through the loader core's decoder, and the
note for a name the stream cannot carry."""
import json

from elftools.elf.elffile import ELFFile

import rmodfile
from conftest import IN_TREE, MODS, dump_json, module_cflags, run, tool

SHF_ALLOC = 2


def elf_syms(elf, mem_size):
    """The symbols rmod-link keeps (scripts/lib/elf_meta.c): defined
    functions and objects with a name, in an allocated section, inside the
    module memory, named in at most 255 bytes; in stream order (offset,
    then name)."""
    with open(elf, "rb") as f:
        e = ELFFile(f)
        out = []
        for s in e.get_section_by_name(".symtab").iter_symbols():
            sh = s["st_shndx"]
            if s["st_info"]["type"] not in ("STT_FUNC", "STT_OBJECT") or not s.name or \
                    not isinstance(sh, int) or sh == 0 or \
                    not e.get_section(sh)["sh_flags"] & SHF_ALLOC or \
                    s["st_value"] + s["st_size"] > mem_size or len(s.name.encode()) > 255:
                continue
            out.append((s["st_value"], s["st_size"], s.name.encode()))
    return sorted(out, key=lambda x: (x[0], x[2]))


def test_rmod_dump_symbols_are_the_linked_elf_symbols(built):
    total = 0
    for m in IN_TREE:
        info = dump_json(MODS / f"{m}.rmod")
        want = elf_syms(MODS / f"{m}.link" / "module.elf", info["mem_size"])
        got = [(s["offset"], s["size"], s["name"].encode()) for s in info["syms"]]
        assert got == want, m
        assert info["nsyms"] == len(want), m
        # The text listing shows the same, one line per symbol.
        text = run([tool("rmod-dump"), MODS / f"{m}.rmod"]).stdout
        lines = text.split(f"\nSymbols: {len(want)}")[1].strip("\n").splitlines()
        assert [tuple(l.split()) for l in lines if l.startswith("  ")] == \
            [(f"0x{o:08x}", str(s), n.decode()) for o, s, n in want], m
        total += len(want)
    assert total > 100  # the in-tree modules do carry symbols


def test_python_codec_matches_the_writer_and_names_leave_strtab(built):
    for m in IN_TREE:
        b = (MODS / f"{m}.rmod").read_bytes()
        ys = rmodfile.syms(b)
        assert [(s["offset"], s["size"], s["name"].encode())
                for s in dump_json(MODS / f"{m}.rmod")["syms"]] == ys, m
        yo, ysz = rmodfile.table(b, "syms")
        assert rmodfile.encode_syms(ys) == bytes(b[yo:yo + ysz]), m
        # A symbol's name is in STRTAB only when something else names it
        # (an export, an import, a parameter, the module).
        info = dump_json(MODS / f"{m}.rmod")
        others = {info["name"]} | {e["name"] for e in info["exports"]} | \
            {i["name"] for i in info["imports"]} | {p["name"] for p in info["params"]}
        so, ssz = rmodfile.table(b, "strtab")
        strings = set(bytes(b[so:so + ssz]).split(b"\0"))
        for _, _, n in ys:
            assert (n in strings) == (n.decode() in others), (m, n)


def test_overlapping_symbols_and_shared_prefixes_decode(built, tmp_path):
    """Offsets behind the previous symbol's end (a negative delta), equal
    offsets, a whole previous name as prefix, a name shorter than its
    prefix source: the loader core's decoder reads back what was written."""
    b = bytearray((MODS / "params.rmod").read_bytes())
    mem = rmodfile.u32(b, rmodfile.H["mem_size"])
    ys = [(0, 0x100, b"outer_function"), (0x10, 4, b"outer_function_inner"),
          (0x10, 4, b"outer_function_inner"), (0x20, 0, b"o"), (0x20, 8, b"other"),
          (mem - 4, 4, b"last_word")]
    stream = rmodfile.encode_syms(ys)
    assert stream[:2] == b"\x00\x80" and stream[2] == 0x02  # offset 0, size 0x100 in 2 bytes
    f = tmp_path / "s.rmod"
    f.write_bytes(rmodfile.fix_crc(rmodfile.replace_table(b, "syms", stream)))
    got = [(s["offset"], s["size"], s["name"].encode()) for s in dump_json(f)["syms"]]
    assert got == ys
    # The delta of the second symbol is 0x10 - 0x100: zigzag of -0xf0.
    assert rmodfile.zigzag(0x10 - 0x100) == 2 * 0xf0 - 1


def test_a_name_too_long_for_the_stream_is_left_out_with_a_note(built, tmp_path):
    long = "f" * 300
    c = tmp_path / "longname.c"
    c.write_text(f"int {long}(int x) {{ return x + 1; }}\n"
                 f"int short_one(int x) {{ return {long}(x) * 2; }}\n"
                 "int init_module(void) { return short_one(1) == 4 ? 0 : -1; }\n")
    o = tmp_path / "longname.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    out = tmp_path / "longname.rmod"
    p = run([tool("rmod-link"), "-o", out, o])
    assert f"symbol '{long[:40]}...' (300 bytes) left out of the symbol table" in p.stderr, \
        p.stderr
    names = [s["name"] for s in json.loads(run([tool("rmod-dump"), "--json", out]).stdout)
             ["syms"]]
    assert "short_one" in names and long not in names
