"""The differential against GNU ld, shared by scripts/compare-linux and the
tests: a linked ELF's allocated bytes at its base, the --defsym that puts an
import at an address, and the comparison of rmod-load's image with ld's."""
import struct

SHF_ALLOC, SHT_NOBITS = 2, 8


def elf_sections(data):
    """(name, type, flags, addr, offset, size, link) of each section of an ELF32 file."""
    if data[:4] != b"\x7fELF" or data[4] != 1:
        raise ValueError("not an ELF32 file")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    hdrs = [struct.unpack_from("<10I", data, shoff + i * shentsize) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    return [(data[stro + h[0]:data.index(b"\0", stro + h[0])].decode(), h[1], h[2], h[3],
             h[4], h[5], h[6]) for h in hdrs]


def elf_image(path, base, size):
    """The allocated bytes of a linked ELF as they stand at `base`."""
    data = open(path, "rb").read()
    img = bytearray(size)
    for name, typ, flags, addr, off, sz, _ in elf_sections(data):
        if not flags & SHF_ALLOC or typ == SHT_NOBITS or not sz:
            continue
        if addr < base or addr - base + sz > size:
            raise ValueError(f"{path}: section {name} outside the module at {base:#x}")
        img[addr - base:addr - base + sz] = data[off:off + sz]
    return img


def defsym(name, addr):
    """ld's --defsym for an import; quoted, since ld reads a name such as
    "edd" as a number."""
    return f'--defsym="{name}"={addr:#x}'


def image_diff(ours, ref, iat, addrs, base):
    """None when rmod-load's image `ours` is ld's `ref` (a bytearray), IAT
    slots excepted: ld leaves them 0 and ours must hold the import's
    address.  Otherwise the reason, for a message."""
    if len(ours) != len(ref):
        return f"rmod-load wrote {len(ours)} bytes, not {len(ref)}"
    for name, slot in iat.items():
        if ref[slot:slot + 4] != bytes(4):
            return f"ld's IAT slot of {name} is not 0"
        if int.from_bytes(ours[slot:slot + 4], "little") != addrs[name]:
            return f"IAT slot of {name} not bound at {base:#x}"
        ref[slot:slot + 4] = ours[slot:slot + 4]
    if ours != bytes(ref):
        diff = [hex(i) for i in range(len(ours)) if ours[i] != ref[i]][:8]
        return f"at base {base:#x} bytes differ at {', '.join(diff)}"
    return None
