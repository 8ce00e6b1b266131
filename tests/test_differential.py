"""The core invariant: applying the fixups of the base-0 link at base B
gives exactly the bytes GNU ld produces when it links the same inputs at
B.  For every in-tree module, both bind modes, 20+ random page-aligned
bases each, rmod-load's image is compared with link.sh's ELF."""
import random
import shutil

import pytest
from elftools.elf.elffile import ELFFile

from conftest import IN_TREE, MODS, dump_json, run, tool

NBASES = 20


def elf_image(path, base, size):
    """The allocated bytes of a linked ELF as they stand at `base`."""
    img = bytearray(size)
    with open(path, "rb") as f:
        elf = ELFFile(f)
        for sec in elf.iter_sections():
            if not sec["sh_flags"] & 2 or sec["sh_type"] == "SHT_NOBITS":
                continue
            off = sec["sh_addr"] - base
            assert 0 <= off and off + sec["sh_size"] <= size, sec.name
            img[off:off + sec["sh_size"]] = sec.data()
    return bytes(img)


def import_addrs(info, rng):
    """A distinct, arbitrary address for each import."""
    return {imp["name"]: rng.randrange(0x100000, 0xF0000000) & ~3
            for imp in info["imports"]}


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
    info = dump_json(rmod)
    assert info["bind"] == mode
    rng = random.Random(f"{mod}/{mode}")
    bases = {0, (0xFFFFF000 - info["mem_size"]) & ~0xFFF}
    while len(bases) < NBASES + 2:
        bases.add(rng.randrange(0, (0xFFFFFFFF - info["mem_size"]) >> 12) << 12)
    iat = {imp["name"]: imp["slot"] for imp in info["imports"] if imp["bind"] == "iat"}
    if mode == "direct":
        assert not iat
    for base in sorted(bases):
        addrs = import_addrs(info, rng)
        image = tmp_path / "image.bin"
        run([tool("rmod-load"), "--base", hex(base), "-o", image,
             *[f"--import={n}={hex(a)}" for n, a in addrs.items()], rmod])
        ours = image.read_bytes()
        assert len(ours) == info["mem_size"]
        elf = tmp_path / "ref.elf"
        # IAT imports have thunks in imports.o; only site imports are
        # left for ld to resolve, as absolute symbols.
        defsyms = [f"--defsym={n}={hex(a)}" for n, a in addrs.items() if n not in iat]
        run(["sh", temps / "link.sh", hex(base), elf, *defsyms])
        ref = bytearray(elf_image(elf, base, info["mem_size"]))
        # In iat mode ld leaves the slots 0; they must hold the addresses.
        for name, slot in iat.items():
            assert ref[slot:slot + 4] == bytes(4)
            assert int.from_bytes(ours[slot:slot + 4], "little") == addrs[name], name
            ref[slot:slot + 4] = ours[slot:slot + 4]
        if ours != bytes(ref):
            diff = [hex(i) for i in range(len(ours)) if ours[i] != ref[i]][:8]
            pytest.fail(f"{mod}/{mode} at {base:#x}: bytes differ at {diff}")


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
             *[f"--defsym={i['name']}=0" for i in info["imports"]]])
        imgs.append(elf_image(elf, base, info["mem_size"]))
    moved = set()
    for off in range(0, info["mem_size"] - 3):
        x = int.from_bytes(imgs[0][off:off + 4], "little")
        y = int.from_bytes(imgs[1][off:off + 4], "little")
        if (y - x) & 0xFFFFFFFF == b - a and off not in sites:
            moved.add(off)
    assert moved == set(info["fixups"])
