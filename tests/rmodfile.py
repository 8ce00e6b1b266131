"""Reading and patching .rmod files from tests (layout: include/rmod/format.h)."""
import struct
import zlib

HEADER_SIZE = 176
H_CRC32 = 20
H_IMAGE_SIZE = 24
H_FIXUP_COUNT = 56
H_IAT_START = 60
H_IAT_END = 64
H_DIR = 80
T_IMAGE, T_FIXUPS, T_IMPORTS, T_SITES, T_EXPORTS, T_STRTAB = range(6)
T_BOUND = 10


def u32(b, off):
    return struct.unpack_from("<I", b, off)[0]


def put32(b, off, v):
    struct.pack_into("<I", b, off, v & 0xFFFFFFFF)


def table(b, t):
    """(offset, size) of table t."""
    return u32(b, H_DIR + 8 * t), u32(b, H_DIR + 8 * t + 4)


def set_table(b, t, off, size):
    put32(b, H_DIR + 8 * t, off)
    put32(b, H_DIR + 8 * t + 4, size)


def uleb(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fix_crc(b):
    """Recompute the header CRC so a corruption reaches the check it targets."""
    put32(b, H_CRC32, 0)
    put32(b, H_CRC32, zlib.crc32(bytes(b)))
    return b


def with_fixups(data, offsets_stream, count):
    """Replace the fixup stream (in place, shrinking the table)."""
    b = bytearray(data)
    off, size = table(b, T_FIXUPS)
    assert len(offsets_stream) <= size, "new stream must fit in the old table"
    b[off:off + len(offsets_stream)] = offsets_stream
    set_table(b, T_FIXUPS, off if offsets_stream else 0, len(offsets_stream))
    put32(b, H_FIXUP_COUNT, count)
    return fix_crc(b)
