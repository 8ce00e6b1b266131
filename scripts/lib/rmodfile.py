"""The .rmod file layout for Python (include/rmod/format.h): reading and
patching headers, tables and fixup streams; used by scripts/gen-malformed
and the tests."""
import struct
import zlib

HEADER_SIZE = 176
# Header field offsets.
H = dict(version=4, machine=6, header_size=8, flags=12, file_size=16, crc=20, image_size=24,
         mem_size=28, text_end=32, rodata_end=36, init_off=40, exit_off=44, name=48, desc=52,
         fixup_count=56, iat_start=60, iat_end=64, init_start=68, init_text_end=72,
         pref_base=76, dir=80)
# Table directory slots.
T = dict(image=0, fixups=1, imports=2, sites=3, exports=4, strtab=5, needs=6, params=7,
         syms=8, init=9, bound=10)


def u32(b, off):
    return struct.unpack_from("<I", b, off)[0]


def put32(b, off, v):
    struct.pack_into("<I", b, off, v & 0xFFFFFFFF)


def put16(b, off, v):
    struct.pack_into("<H", b, off, v & 0xFFFF)


def table(b, t):
    """(offset, size) of table t (a name from T)."""
    return u32(b, H["dir"] + 8 * T[t]), u32(b, H["dir"] + 8 * T[t] + 4)


def set_table(b, t, off, size):
    put32(b, H["dir"] + 8 * T[t], off)
    put32(b, H["dir"] + 8 * T[t] + 4, size)


def string_at(b, off):
    """The string at strtab offset off."""
    so, _ = table(b, "strtab")
    end = b.index(b"\0", so + off)
    return bytes(b[so + off:end])


def fnv(s):
    """FNV-1a of a name, the import hash."""
    h = 2166136261
    for c in s:
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


def uleb(v):
    out = bytearray()
    while True:
        c, v = v & 0x7F, v >> 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fix_crc(b):
    """Recompute the header CRC so a corruption reaches the check it targets."""
    put32(b, H["crc"], 0)
    put32(b, H["crc"], zlib.crc32(bytes(b)))
    return b


def with_fixups(data, stream, count):
    """A copy of data with its fixup stream replaced (in place, shrinking
    the table) and the CRC recomputed."""
    b = bytearray(data)
    off, size = table(b, "fixups")
    assert len(stream) <= size, "new stream must fit in the old table"
    b[off:off + len(stream)] = stream
    set_table(b, "fixups", off if stream else 0, len(stream))
    put32(b, H["fixup_count"], count)
    return fix_crc(b)
