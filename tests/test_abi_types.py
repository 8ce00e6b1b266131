"""The TYPES table: a .rmod carries the canonical type text of every export
and import, deduplicated, so a shipped module's ABI can be dumped and
diffed without the build tree; --strip-abi leaves it out; a malformed
table is refused (RM_E_TYPES by the loader core, a clear error by
rmod-abi)."""
import struct

from conftest import IN_TREE, MODS, module_cflags, run, tool
from rmodfile import H, fix_crc, imports, set_table, table, u32

FX = ("struct fx_cfg {{ int mode; int limit;{extra} }};\n"
      "struct fx_big {{ struct fx_cfg cfg; char name[32]; long long stamp; }};\n"
      "int fx_cfg_sum(const struct fx_cfg *c) {{ return c->mode + c->limit; }}\n"
      "int fx_big_a(struct fx_big *b) {{ return b->cfg.mode; }}\n"
      "int fx_big_b(struct fx_big *b) {{ return b->name[0]; }}\n"
      "int fx_big_c(struct fx_big *b) {{ return (int)b->stamp; }}\n"
      "RMOD_EXPORT(fx_cfg_sum);\nRMOD_EXPORT(fx_big_a);\nRMOD_EXPORT(fx_big_b);\n"
      "RMOD_EXPORT(fx_big_c);\n")


def fx_module(tmp_path, tag, extra="", link_flags=()):
    d = tmp_path / tag
    d.mkdir(exist_ok=True)
    c = d / "fx.c"
    c.write_text('#include "rmod/module.h"\n' + FX.format(extra=extra))
    run(["gcc", *module_cflags(), "-c", c, "-o", d / "fx.o"])
    out = d / "fx.rmod"
    run([tool("rmod-link"), "--name", "fx", *link_flags, "--save-temps", d / "temps", "-o", out,
         d / "fx.o"])
    return out


def dump(path):
    return run([tool("rmod-abi"), "dump", path]).stdout


def test_rmod_dump_equals_module_elf_dump_for_every_in_tree_module(built):
    for m in IN_TREE:
        a, b = dump(MODS / f"{m}.rmod"), dump(MODS / f"{m}.link" / "module.elf")
        assert a == b, m
        if "0x00000000" not in a and a.count("\n") > 1:
            assert "  type " in a, m


def test_diff_of_two_shipped_rmods_names_the_member(tmp_path):
    old = fx_module(tmp_path, "old")
    new = fx_module(tmp_path, "new", extra=" int extra_field;")
    p = run([tool("rmod-abi"), "diff", old, new], check=False)
    assert p.returncode == 1, p.stdout
    assert "changed: fx_cfg_sum" in p.stdout
    assert "struct fx_cfg: member 'extra_field' added: int/4/5@8" in p.stdout, p.stdout


def test_strip_abi_drops_the_table(tmp_path):
    full = fx_module(tmp_path, "full")
    bare = fx_module(tmp_path, "bare", link_flags=["--strip-abi"])
    fb, bb = full.read_bytes(), bare.read_bytes()
    assert table(fb, "types")[1] > 0 and table(bb, "types") == (0, 0)
    assert len(bb) < len(fb)
    # Same exports and versions, only the type lines are gone.
    d_full, d_bare = dump(full), dump(bare)
    assert "  type " in d_full and "  type " not in d_bare
    assert d_bare == "".join(l + "\n" for l in d_full.splitlines() if not l.startswith("  type"))


def test_shared_types_are_stored_once(tmp_path):
    m = fx_module(tmp_path, "dedup")
    b = m.read_bytes()
    off, size = table(b, "types")
    blob = b[off:off + size]
    texts = [l[7:] for l in dump(m).splitlines() if l.startswith("  type ")]
    # fx_big (holding fx_cfg) is in three exports' texts, fx_cfg in four ...
    assert sum(t.count("struct fx_big/") for t in texts) == 3
    assert sum(t.count("struct fx_cfg/") for t in texts) == 4
    # ... and in the table once each.
    assert blob.count(b"struct fx_big/") == 1 and blob.count(b"struct fx_cfg/") == 1
    assert size < sum(len(t) for t in texts)


def rewrite_types(src, dst, blob, roots):
    """A copy of src whose TYPES table is replaced (it must fit in place)."""
    b = bytearray(src.read_bytes())
    off, size = table(b, "types")
    ne, ni = u32(b, off), u32(b, off + 4)
    body = struct.pack("<III", ne, ni, len(blob)) + b"".join(
        struct.pack("<I", r) for r in (roots + [roots[-1]] * (ne + ni))[:ne + ni]) + blob
    assert len(body) <= size
    b[off:off + len(body)] = body
    set_table(b, "types", off, len(body))
    dst.write_bytes(fix_crc(b))
    return dst


def test_reference_cycle_is_refused_by_rmod_abi(tmp_path, built):
    bad = rewrite_types(MODS / "provider.rmod", tmp_path / "cycle.rmod",
                        b"\0x\x01\x01\0", [1])
    run([tool("rmod-dump"), bad])  # the loader core accepts the shape
    p = run([tool("rmod-abi"), "dump", bad], check=False)
    assert p.returncode == 2
    assert "cycle.rmod: TYPES+0x" in p.stderr and "does not point backwards" in p.stderr


def test_exponential_expansion_is_refused(tmp_path, built):
    blob = bytearray(b"\0xx\0")
    prev = 1
    while len(blob) + 5 < 128:  # each fragment refers twice to the previous one
        here = len(blob)
        blob += bytes([1, prev, 1, prev, 0])
        prev = here
    bad = rewrite_types(MODS / "provider.rmod", tmp_path / "bomb.rmod", bytes(blob), [prev])
    p = run([tool("rmod-abi"), "dump", bad], check=False)
    assert p.returncode == 2 and "expands past" in p.stderr, p.stderr


def test_import_types_are_recorded(built):
    # consumer imports from provider and the kernel: its TYPES table has a
    # root per import (loader checks the counts, so the table decodes).
    b = (MODS / "consumer.rmod").read_bytes()
    off, size = table(b, "types")
    ni = u32(b, off + 4)
    assert size and ni == u32(b, H["import_count"]) == len(imports(b))
    roots = [u32(b, off + 12 + 4 * i) for i in range(u32(b, off) + ni)]
    assert all(r != 0xFFFFFFFF for r in roots[u32(b, off):])


def test_corrupted_fragments_give_text_or_a_clear_error(tmp_path, built):
    """Random bytes in the blob (the shape stays valid, so the loader core
    accepts the file): rmod-abi either decodes some text or refuses with
    exit 2 naming TYPES; it never crashes or hangs."""
    import random
    rng = random.Random(17)
    src = bytearray((MODS / "consumer.rmod").read_bytes())
    off, size = table(src, "types")
    blob_at = off + 12 + 4 * (u32(src, off) + u32(src, off + 4))
    outcomes = set()
    for i in range(150):
        b = bytearray(src)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(blob_at, off + size - 1)  # keep the final NUL
            b[at] = rng.choice([0, 1, 0x7f, 0x80, 0xff, rng.randrange(256)])
        f = tmp_path / "c.rmod"
        f.write_bytes(fix_crc(b))
        p = run([tool("rmod-abi"), "dump", f], check=False, timeout=10)
        assert p.returncode in (0, 2), (i, p.returncode, p.stderr)
        if p.returncode == 2:
            assert "c.rmod: TYPES" in p.stderr, p.stderr
        outcomes.add(p.returncode)
    assert outcomes == {0, 2}  # both paths were exercised
