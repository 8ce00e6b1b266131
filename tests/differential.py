"""The differential check against GNU ld, shared by the tests that need it."""
import random

from conftest import dump_json, run, tool
from elfimage import defsym, elf_image, image_diff


def random_bases(info, seed, n):
    rng = random.Random(seed)
    bases = {0, (0xFFFFF000 - info["mem_size"]) & ~0xFFF}
    while len(bases) < n + 2:
        bases.add(rng.randrange(0, (0xFFFFFFFF - info["mem_size"]) >> 12) << 12)
    return sorted(bases), rng


def check_against_ld(rmod, temps, tmp_path, seed, nbases=20, absent=()):
    """rmod-load's image at each base must equal ld's link at that base
    (IAT slots excepted: ld leaves them 0, ours must hold the address).
    Imports named in absent get no address on either side (weak ones, which
    both bind to 0)."""
    info = dump_json(rmod)
    bases, rng = random_bases(info, seed, nbases)
    iat = {i["name"]: i["slot"] for i in info["imports"] if i["bind"] == "iat"}
    for base in bases:
        addrs = {i["name"]: rng.randrange(0x100000, 0xF0000000) & ~3 for i in info["imports"]
                 if i["name"] not in absent}
        image = tmp_path / "image.bin"
        run([tool("rmod-load"), "--base", hex(base), "-o", image,
             *[f"--import={n}={hex(a)}" for n, a in addrs.items()], rmod])
        ours = image.read_bytes()
        assert len(ours) == info["mem_size"]
        elf = tmp_path / "ref.elf"
        defsyms = [defsym(n, a) for n, a in addrs.items() if n not in iat]
        run(["sh", temps / "link.sh", hex(base), elf, *defsyms])
        ref = elf_image(elf, base, info["mem_size"])
        reason = image_diff(ours, ref, iat, addrs, base)
        assert reason is None, f"{rmod.name}: {reason}"
    return info
