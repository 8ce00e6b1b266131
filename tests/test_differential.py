"""The core invariant: applying the fixups of the base-0 link at base B
gives exactly the bytes GNU ld produces when it links the same inputs at
B.  For every in-tree module, both bind modes, 20+ random page-aligned
bases each, rmod-load's image is compared with link.sh's ELF."""
import pytest

from conftest import IN_TREE, MODS, dump_json, module_cflags, run, tool
from differential import check_against_ld
from elfimage import defsym, elf_image
from rmodfile import table, u32

NBASES = 20


def link_module(mod, mode, tmp_path):
    """rmod-link the module's objects again in the given bind mode."""
    objs = sorted((MODS / "obj" / mod).glob("*.o"))
    assert objs
    temps = tmp_path / f"{mod}-{mode}"
    out = tmp_path / f"{mod}-{mode}.rmod"
    run([tool("rmod-link"), "--bind", mode, "--save-temps", temps, "-o", out, *objs])
    return out, temps


@pytest.mark.parametrize("mode", ["direct", "iat"])
@pytest.mark.parametrize("mod", IN_TREE)
def test_matches_gnu_ld_at_random_bases(mod, mode, tmp_path, built):
    rmod, temps = link_module(mod, mode, tmp_path)
    info = check_against_ld(rmod, temps, tmp_path, f"{mod}/{mode}", NBASES)
    assert info["bind"] == mode
    if mode == "direct":
        assert all(i["bind"] == "sites" for i in info["imports"])


@pytest.mark.parametrize("mod", IN_TREE)
def test_fixups_are_exactly_the_words_that_move(mod, tmp_path, built):
    """Independent of our tools' bookkeeping: link at two bases with ld and
    check the words that differ by the base delta are the fixup list."""
    rmod, temps = link_module(mod, "direct", tmp_path)
    info = dump_json(rmod)
    sites = {s["offset"] for s in info["sites"]}
    a, b = 0x10000000, 0x23456000
    imgs = []
    for base in (a, b):
        elf = tmp_path / f"{base:x}.elf"
        run(["sh", temps / "link.sh", hex(base), elf,
             *[defsym(i["name"], 0) for i in info["imports"]]])
        imgs.append(elf_image(elf, base, info["mem_size"]))
    moved = set()
    for off in range(0, info["mem_size"] - 3):
        x = int.from_bytes(imgs[0][off:off + 4], "little")
        y = int.from_bytes(imgs[1][off:off + 4], "little")
        if (y - x) & 0xFFFFFFFF == b - a and off not in sites:
            moved.add(off)
    assert moved == set(info["fixups"])


@pytest.mark.parametrize("size", [100, 1000, 10000])
def test_synthetic_modules_match_gnu_ld(size, tmp_path, built):
    """The synthetic modules exercise every fixup command at scale (long
    RUNs, REPEATs of one- and several-word patterns, BITS, SKIPs)."""
    obj = MODS.parent / "synth" / "obj" / f"synth{size}.o"
    assert obj.exists(), "build/synth is built by make synth (a prerequisite of make test)"
    temps, out = tmp_path / "temps", tmp_path / f"synth{size}.rmod"
    run([tool("rmod-link"), "--save-temps", temps, "-o", out, obj])
    check_against_ld(out, temps, tmp_path, f"synth{size}", 4)


WEAK_SRC = """
extern void hook(void) __attribute__((weak));
extern int wdata __attribute__((weak));
extern int strong;
int call_hook(void) { if (hook) { hook(); return 1; } return 0; }
void *hook_addr(void) { return (void *)hook; }
int *wdata_addr(void) { return &wdata; }
int get(void) { return strong + (&wdata ? wdata : 0); }
"""


PIC_FLAGS = {"nopic": [], "pic": ["-fPIC"],
             # GOT entries ld writes without relocations: only the probe link sees them
             "pic-norelax": ["-fPIC", "-Wa,-mrelax-relocations=no"]}


@pytest.mark.parametrize("pic", sorted(PIC_FLAGS))
@pytest.mark.parametrize("mode", ["direct", "iat"])
@pytest.mark.parametrize("present", [True, False])
def test_weak_imports_match_gnu_ld(present, mode, pic, tmp_path, built):
    """A weak undefined symbol is an optional import: present, it binds to
    the address given (ld: --defsym); absent, to 0 (ld: no definition),
    never a refusal."""
    c = tmp_path / "weak.c"
    c.write_text(WEAK_SRC)
    o = tmp_path / "weak.o"
    run(["gcc", *module_cflags(), *PIC_FLAGS[pic], "-c", c, "-o", o])
    temps, out = tmp_path / "temps", tmp_path / "weak.rmod"
    run([tool("rmod-link"), "--bind", mode, "--save-temps", temps, "-o", out, o])
    info = dump_json(out)
    weak = {i["name"]: i["weak"] for i in info["imports"]}
    assert weak == {"hook": True, "wdata": True, "strong": False}
    # Versioned from the module's DWARF, however the import was found.
    assert all(i["version"] for i in info["imports"]), info["imports"]
    # And each has its type text in the TYPES table (rmod-abi check explains
    # a version mismatch with it), the probe's imports too.
    b = out.read_bytes()
    off, size = table(b, "types")
    ne, ni = u32(b, off), u32(b, off + 4)
    assert size and ni == len(info["imports"])
    assert all(u32(b, off + 12 + 4 * (ne + i)) != 0xFFFFFFFF for i in range(ni))
    # Weak imports bind at their sites, so that an absent one reads as 0.
    assert all(i["bind"] == "sites" for i in info["imports"] if i["weak"])
    absent = () if present else ("hook", "wdata")
    check_against_ld(out, temps, tmp_path, f"weak/{present}/{mode}/{pic}", 6, absent)
