"""Early boot (docs/BOOT.md): prelinked modules, bound imports for a known
provider set, boot collections mapped in place, and every fallback: off
its base, a changed provider, a provider moved off its base, all bases
taken.  The fallbacks must give what a plain load gives; the differential
checks prelinked files byte for byte against GNU ld at other bases."""
import random
import re
import struct

import pytest

from conftest import BUILD, IN_TREE, MODS, dump_json, heap_in_use, module_cflags, qemu, run, tool
from differential import check_against_ld
from elfimage import defsym, elf_image
from test_differential import link_module
import rmodfile

KERNEL = BUILD / "kernel.elf"
RESULT = "consumer: result sum=42 prod=42 ptr=123 table=42 len=3 calls=3 ops=4"
AREA = 0x08000000


def prelink(src, out, base, providers=(KERNEL,)):
    args = [f"--provider={p}" for p in providers]
    return run([tool("rmod-prelink"), "--base", hex(base), *args, "-o", out, src]).stdout


def collect(out, mods, area=None):
    args = ["--provider", KERNEL] + (["--area", hex(area)] if area else [])
    return run([tool("rmod-collect"), *args, out, *mods]).stdout


@pytest.mark.parametrize("mode", ["direct", "iat"])
@pytest.mark.parametrize("mod", IN_TREE)
def test_prelinked_module_loaded_off_its_base_matches_gnu_ld(mod, mode, tmp_path, built):
    """Prelinked at B1 with the kernel's imports prebound, loaded at B2
    with every import somewhere else: ld's link at B2, byte for byte."""
    rmod, temps = link_module(mod, mode, tmp_path)
    rng = random.Random(f"prelink/{mod}/{mode}")
    b1 = rng.randrange(0x100, 0xE0000) << 12
    pre = tmp_path / f"{mod}.pre.rmod"
    prelink(rmod, pre, b1)
    info = dump_json(pre)
    assert info["pref_base"] == b1 and info["prebound"]
    check_against_ld(pre, temps, tmp_path, f"{mod}/{mode}/prelinked", 8)


def test_prelinked_at_its_base_with_its_imports_writes_nothing(tmp_path, built):
    """Loaded where it was prelinked, with the addresses it was prebound
    to, the image is the file's image unchanged, and equals ld's at B1."""
    rmod, temps = link_module("consumer", "direct", tmp_path)
    oldpre = tmp_path / "provider.pre.rmod"
    prelink(MODS / "provider.rmod", oldpre, AREA)
    b1 = AREA + 0x10000
    pre = tmp_path / "consumer.pre.rmod"
    prelink(rmod, pre, b1, (KERNEL, oldpre))
    info = dump_json(pre)
    addrs = {i["name"]: i["prebound_addr"] for i in info["imports"]}
    assert all(addrs.values()), addrs
    img = tmp_path / "img.bin"
    run([tool("rmod-load"), "--base", hex(b1), "-o", img,
         *[f"--import={n}={hex(a)}" for n, a in addrs.items()], pre])
    raw = pre.read_bytes()
    off, _ = rmodfile.table(raw, "image")
    assert img.read_bytes()[:info["image_size"]] == raw[off:off + info["image_size"]]
    elf = tmp_path / "ref.elf"
    run(["sh", temps / "link.sh", hex(b1), elf,
         *[defsym(n, a) for n, a in addrs.items()]])
    assert img.read_bytes() == elf_image(elf, b1, info["mem_size"])


def test_prelink_refuses_a_misaligned_base(tmp_path, built):
    p = run([tool("rmod-prelink"), "--base", "0x8000010", "--provider", KERNEL, "-o",
             tmp_path / "x.rmod", MODS / "hello.rmod"], check=False)
    assert p.returncode != 0 and p.stderr.count("\n") == 1 and "0x8000010" in p.stderr


def boot_lines(out):
    return re.findall(r"^(?:consumer: result .*|boot: \S+ loaded at 0x[0-9a-f]{8})", out, re.M)


def boot(files, cmds=("stats",), args=()):
    rc, out = qemu(files, list(cmds) + ["halt 0"], args=list(args))
    assert rc == 0, out
    return out


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    d = tmp_path_factory.mktemp("coll")
    out = d / "boot.rbc"
    log = collect(out, [MODS / f"{m}.rmod" for m in ("consumer", "provider", "hello", "tables")])
    return out, log


def test_collection_orders_providers_first_and_prebinds(collection):
    _, log = collection
    names = re.findall(r"^rmod-collect: (\S+)\s+base (0x[0-9a-f]+)", log, re.M)
    order = [n for n, _ in names]
    assert order.index("provider") < order.index("consumer")
    bases = [int(b, 16) for _, b in names]
    assert bases[0] == AREA and bases == sorted(bases) and all(b % 4096 == 0 for b in bases)
    assert all(int(x) == 0 for x in re.findall(r"(\d+) to bind at load", log)), log


def test_collection_maps_in_place_without_rebase_or_bind(collection):
    coll, _ = collection
    out = boot([coll], ["stats", "trace on", "rmmod consumer", "insmod consumer", "trace show",
                        "stats"])
    assert RESULT in out
    assert re.search(r"^boot: boot: collection of 4 module file\(s\)$", out, re.M), out
    pages = [int(x) for x in re.findall(r"^inplace: (\d+) pages", out, re.M)]
    assert pages and pages[0] >= 4, out
    steps = " ".join(re.findall(r"^trace: consumer \S+: (.*)$", out, re.M))
    assert "map-in-place" in steps and "rebase-none" in steps and "bind-none" in steps, out
    assert "lookups=0" in re.search(r"^stats: consumer .*$", out, re.M).group(0)


def test_fallbacks_give_the_plain_boot(collection, tmp_path, built):
    """Bases taken (a collection for an area inside the heap), a provider
    moved off its base (a plain module loaded first takes the area's first
    pages), a changed provider (rebuilt with one more export, loaded from
    its own file): each boots to the same result as the plain files."""
    coll, _ = collection
    plain = boot([MODS / "provider.rmod", MODS / "consumer.rmod"])
    assert RESULT in plain
    taken = tmp_path / "taken.rbc"
    collect(taken, [MODS / "consumer.rmod", MODS / "provider.rmod"], area=0x01000000)
    out = boot([taken])
    assert RESULT in out and "inplace: 0 pages" in out, out
    moved = boot([MODS / "hello.rmod", coll])
    assert RESULT in moved
    base = re.search(r"^boot: provider loaded at (0x[0-9a-f]+)", moved, re.M).group(1)
    assert int(base, 16) != AREA
    # A changed provider: the consumer alone in a collection, prebound to
    # the old provider prelinked at the area's start; the new provider is
    # a plain file loaded first, so it sits there with other addresses.
    extra = tmp_path / "extra.c"
    extra.write_text('#include <rmod/module.h>\nint provider_extra(void) { return 7; }\n'
                     'int provider_extra2(void) { return 8; }\n'
                     'RMOD_EXPORT(provider_extra);\nRMOD_EXPORT(provider_extra2);\n')
    run(["gcc", *module_cflags(), "-c", extra, "-o", tmp_path / "extra.o"])
    newprov = tmp_path / "provider.rmod"
    run([tool("rmod-link"), "--provider", KERNEL, "-o", newprov, tmp_path / "extra.o",
         MODS / "obj" / "provider" / "provider.o"])
    oldpre = tmp_path / "oldprov.rmod"
    prelink(MODS / "provider.rmod", oldpre, AREA)
    cons = tmp_path / "consumer.rmod"
    prelink(MODS / "consumer.rmod", cons, AREA + 0x10000, (KERNEL, oldpre))
    assert dump_json(cons)["prebound"]
    out = boot([newprov, cons])
    assert RESULT in out, out
    assert int(re.search(r"^boot: provider loaded at (0x[0-9a-f]+)", out, re.M).group(1), 16) == AREA


def test_bad_collections_are_refused_with_one_line(collection, tmp_path):
    coll, _ = collection
    good = coll.read_bytes()
    cases = {
        "version": (4, 2, "unknown version"),
        "size": (12, len(good) + 1, "size field differs from the file size"),
        "count": (8, 0x10000000, "entry table past the end"),
        "member": (16, len(good), "member outside the collection"),
        "reserved": (24, 1, "reserved entry fields not 0"),
    }
    files = []
    for name, (off, val, _) in cases.items():
        b = bytearray(good)
        b[off:off + 4] = struct.pack("<I", val)
        f = tmp_path / f"{name}.rbc"
        f.write_bytes(b)
        files.append(f)
    out = boot(files + [MODS / "hello.rmod"], ["stats", "lsmod"])
    for name, (_, _, msg) in cases.items():
        lines = [l for l in out.splitlines() if l.startswith(f"boot: {name}: bad collection")]
        assert len(lines) == 1 and msg in lines[0], (name, out)
    assert "hello: init" in out and "rmod kernel ready" in out
