"""The .rmod file layout for Python (include/rmod/format.h): reading and
patching headers, tables, fixup streams, import records, site streams
and symbol streams; used by scripts/gen-malformed and the tests."""
import struct

VERSION = 2
HEADER_SIZE = 184
# Header field offsets.
H = dict(version=4, machine=6, header_size=8, flags=12, file_size=16, crc=20, image_size=24,
         mem_size=28, text_end=32, rodata_end=36, init_off=40, exit_off=44, name=48, desc=52,
         fixup_count=56, iat_start=60, iat_end=64, init_start=68, init_text_end=72,
         pref_base=76, import_count=80, site_count=84, dir=88)
# Table directory slots.
T = dict(image=0, fixups=1, imports=2, sites=3, exports=4, strtab=5, needs=6, params=7,
         syms=8, init=9, bound=10, types=11)
# BOUND entry sizes: {stamp, hint, hash, version}, prelinked with addr too.
BOUND_SIZE, PREBOUND_SIZE = 16, 20


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


def _crc32c_table():
    t = []
    for i in range(256):
        v = i
        for _ in range(8):
            v = (v >> 1) ^ (0x82F63B78 if v & 1 else 0)
        t.append(v)
    return t


_CRC32C = _crc32c_table()


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli), the file checksum (docs/FORMAT.md)."""
    t, c = _CRC32C, crc ^ 0xFFFFFFFF
    for x in data:
        c = t[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def fix_crc(b):
    """Recompute the header CRC so a corruption reaches the check it targets."""
    put32(b, H["crc"], 0)
    put32(b, H["crc"], crc32c(bytes(b)))
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


def read_uleb(b, p):
    """(value, next offset) of the ULEB128 at p."""
    v = shift = 0
    while True:
        x = b[p]
        v |= (x & 0x7F) << shift
        shift += 7
        p += 1
        if not x & 0x80:
            return v, p


def imports(b):
    """The import records, in order: dicts with name (strtab offset),
    hash (as stored), version, need (None = any), weak, ns, iat (bound through the IAT), and
    for a sites import runs, its [(count, pcrel), ...] from the run column."""
    io, isz = table(b, "imports")
    niat = (u32(b, H["iat_end"]) - u32(b, H["iat_start"])) // 4
    out, p = [], io
    for i in range(u32(b, H["import_count"])):
        v, p = read_uleb(b, p)
        r = dict(name=v >> 4, version=0, need=None, weak=bool(v & 4), ns=bool(v & 8), iat=i < niat,
                 hash=u32(b, p))
        p += 4
        if v & 1:
            r["version"] = u32(b, p)
            p += 4
        if v & 2:
            r["need"], p = read_uleb(b, p)
        out.append(r)
    for r in out[niat:]:
        h, p = read_uleb(b, p)
        r["runs"] = [((h >> 3) + 1, bool(h & 2), bool(h & 4))]
        if h & 1:
            h, p = read_uleb(b, p)
            r["runs"].append(((h >> 3) + 1, bool(h & 2), bool(h & 4)))
    assert p == io + isz, "import records and runs do not fill their table"
    return out


def encode_imports(recs):
    """Records, then the run column of the sites imports (their runs)."""
    out = bytearray()
    for r in recs:
        out += uleb(r["name"] << 4 | (1 if r["version"] else 0) |
                    (2 if r["need"] is not None else 0) | (4 if r["weak"] else 0) |
                    (8 if r.get("ns") else 0))
        out += struct.pack("<I", r["hash"])
        if r["version"]:
            out += struct.pack("<I", r["version"])
        if r["need"] is not None:
            out += uleb(r["need"])
    for r in recs:
        if r["iat"]:
            continue
        runs = r["runs"]
        for k, run in enumerate(runs):
            n, pcrel, wide = (tuple(run) + (False,))[:3]
            out += uleb((n - 1) << 3 | (4 if wide else 0) | (2 if pcrel else 0) |
                        (1 if k + 1 < len(runs) else 0))
    return bytes(out)


# Site numbers (format.h): 1, 2, 3 or 5 bytes.
SN_TWO, SN_THREE, SN_WIDE = 208, 252, 255
SN_BASE3 = SN_TWO + (SN_THREE - SN_TWO) * 256
SN_BASE5 = SN_BASE3 + (SN_WIDE - SN_THREE) * 65536


def sn(v):
    if v < SN_TWO:
        return bytes([v])
    if v < SN_BASE3:
        v -= SN_TWO
        return bytes([SN_TWO + (v >> 8), v & 0xFF])
    if v < SN_BASE5:
        v -= SN_BASE3
        return bytes([SN_THREE + (v >> 16)]) + struct.pack("<H", v & 0xFFFF)
    return bytes([SN_WIDE]) + struct.pack("<I", v)


def read_sn(b, p):
    x = b[p]
    if x < SN_TWO:
        return x, p + 1
    if x < SN_THREE:
        return SN_TWO + ((x - SN_TWO) << 8) + b[p + 1], p + 2
    if x < SN_WIDE:
        return SN_BASE3 + ((x - SN_THREE) << 16) + struct.unpack_from("<H", b, p + 1)[0], p + 3
    return u32(b, p + 1), p + 5


def sites(b):
    """The import sites in stream order (run by run): (offset, pcrel, import index)."""
    so, ssz = table(b, "sites")
    recs = imports(b)
    out, p, f = [], so, 0
    for i, r in enumerate(recs):
        if r["iat"]:
            continue
        first = None
        for n, pcrel, wide in r["runs"]:
            v, p = read_sn(b, p)
            off = (f if first is None else first + 4) + v
            if first is None:
                first, f = off, off + 4
            out.append((off, pcrel, i))
            for _ in range(n - 1):
                if wide:
                    v = struct.unpack_from("<H", b, p)[0]
                    p += 2
                    if v == 0xFFFF:
                        v, p = u32(b, p), p + 4
                else:
                    v, p = read_sn(b, p)
                off += 4 + v
                out.append((off, pcrel, i))
    assert p == so + ssz, "the site stream is longer than its runs"
    return out


def encode_sites(recs, ss):
    """The site stream for ss, a list of (offset, pcrel, import index),
    setting each sites import's runs in recs (never wide: the site-number
    spelling is always valid).  Sites imports must come in the order of
    their first sites (the only order the stream can say)."""
    out, f = bytearray(), 0
    for i, r in enumerate(recs):
        if r["iat"]:
            continue
        mine = sorted((o, pc) for o, pc, imp in ss if imp == i)
        assert mine, f"sites import {i} has no site"
        first, kind = mine[0]
        runs = [[o for o, pc in mine if pc == kind], [o for o, pc in mine if pc != kind]]
        r["runs"] = [(len(rn), kind if k == 0 else not kind, False)
                     for k, rn in enumerate(runs) if rn]
        for k, rn in enumerate(runs):
            cur = f if k == 0 else first + 4
            for o in rn:
                assert o >= cur, "sites imports out of first-site order"
                out += sn(o - cur)
                cur = o + 4
        f = first + 4
    return bytes(out)


def set_sites(b, ss):
    """b with its imports' runs, site stream and site_count for ss.  No CRC fix."""
    recs = imports(b)
    stream = encode_sites(recs, ss)
    b = replace_table(b, "imports", encode_imports(recs))
    b = replace_table(b, "sites", stream)
    put32(b, H["site_count"], len(ss))
    return b


def replace_table(b, t, data):
    """Point table t at data: in place when it fits, else appended at the
    end of the file (the old bytes are left unreferenced).  No CRC fix."""
    off, size = table(b, t)
    if len(data) <= size:
        b[off:off + len(data)] = data
        set_table(b, t, off if data else 0, len(data))
        return b
    while len(b) % 4:
        b.append(0)
    set_table(b, t, len(b), len(data))
    b += data
    put32(b, H["file_size"], len(b))
    return b


def zigzag(d):
    """The zigzag code of a signed 32-bit delta (symbol offsets)."""
    return ((d << 1) ^ (d >> 31)) & 0xFFFFFFFF


def syms(b):
    """The symbol stream (table SYMS) decoded: a list of (offset, size,
    name bytes) in table order.  It trusts the stream (malformed ones are
    the loader's to refuse)."""
    yo, ysz = table(b, "syms")
    out, p, cur, prev = [], yo, 0, b""
    while p < yo + ysz:
        z, p = read_uleb(b, p)
        size, p = read_uleb(b, p)
        k, p = read_uleb(b, p)
        n, p = read_uleb(b, p)
        name = prev[:k] + bytes(b[p:p + n])
        p += n
        off = cur + ((z >> 1) ^ -(z & 1))
        out.append((off, size, name))
        cur, prev = off + size, name
    return out


def encode_syms(ss):
    """The symbol stream for ss, a list of (offset, size, name bytes) in
    the order given (a test may give a bad order on purpose)."""
    out, cur, prev = bytearray(), 0, b""
    for off, size, name in ss:
        k = 0
        while k < min(len(prev), len(name)) and prev[k] == name[k]:
            k += 1
        out += uleb(zigzag(off - cur)) + uleb(size) + uleb(k) + uleb(len(name) - k) + name[k:]
        cur, prev = off + size, name
    return bytes(out)
