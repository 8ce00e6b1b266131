"""Host-side references for the library self-tests (test_libs.py): the
test input, xxHash from its specification, BLAKE2bp from its tree
parameters, and parsing of the modules' "NAME: key=value" lines."""
import hashlib
import re

PHRASE = b"The quick brown fox jumps over the lazy dog. "
N = 4096


def libtest_input():
    """libs/tests/libtest.h's test_input()."""
    out, x = bytearray(), 2463534242
    for i in range(N):
        if i < N * 3 // 4:
            out.append(PHRASE[i % len(PHRASE)])
        else:
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            out.append(x & 0xFF)
    return bytes(out)


def hex_value(out, name, key):
    """The bytes of a test_hex() output, its lines joined."""
    parts = re.findall(rf"^{name}: {key}=([0-9a-f]*)$", out, re.M)
    assert parts, (name, key, out[-2000:])
    return bytes.fromhex("".join(parts))


def fields(out, name):
    """key=value pairs of every "NAME: k=v k=v" line that is not hex."""
    d = {}
    for line in re.findall(rf"^{name}: (.*)$", out, re.M):
        for k, v in re.findall(r"(\w+)=(\S+)", line):
            d.setdefault(k, v)
    return d


M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
P32 = [2654435761, 2246822519, 3266489917, 668265263, 374761393]
P64 = [11400714785074694791, 14029467366897019727, 1609587929392839161,
       9650029242287828579, 2870177450012600261]


def _rotl(x, r, bits, mask):
    return ((x << r) | (x >> (bits - r))) & mask


def xxh32(data, seed=0):
    n, i = len(data), 0
    if n >= 16:
        v = [(seed + P32[0] + P32[1]) & M32, (seed + P32[1]) & M32, seed, (seed - P32[0]) & M32]
        while i + 16 <= n:
            for k in range(4):
                w = int.from_bytes(data[i + 4 * k:i + 4 * k + 4], "little")
                v[k] = (_rotl((v[k] + w * P32[1]) & M32, 13, 32, M32) * P32[0]) & M32
            i += 16
        h = (_rotl(v[0], 1, 32, M32) + _rotl(v[1], 7, 32, M32) + _rotl(v[2], 12, 32, M32) +
             _rotl(v[3], 18, 32, M32)) & M32
    else:
        h = (seed + P32[4]) & M32
    h = (h + n) & M32
    while i + 4 <= n:
        w = int.from_bytes(data[i:i + 4], "little")
        h = (_rotl((h + w * P32[2]) & M32, 17, 32, M32) * P32[3]) & M32
        i += 4
    while i < n:
        h = (_rotl((h + data[i] * P32[4]) & M32, 11, 32, M32) * P32[0]) & M32
        i += 1
    h ^= h >> 15
    h = (h * P32[1]) & M32
    h ^= h >> 13
    h = (h * P32[2]) & M32
    return h ^ (h >> 16)


def _round64(acc, w):
    acc = (acc + w * P64[1]) & M64
    return (_rotl(acc, 31, 64, M64) * P64[0]) & M64


def xxh64(data, seed=0):
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P64[0] + P64[1]) & M64, (seed + P64[1]) & M64, seed, (seed - P64[0]) & M64]
        while i + 32 <= n:
            for k in range(4):
                v[k] = _round64(v[k], int.from_bytes(data[i + 8 * k:i + 8 * k + 8], "little"))
            i += 32
        h = (_rotl(v[0], 1, 64, M64) + _rotl(v[1], 7, 64, M64) + _rotl(v[2], 12, 64, M64) +
             _rotl(v[3], 18, 64, M64)) & M64
        for k in range(4):
            h = ((h ^ _round64(0, v[k])) * P64[0] + P64[3]) & M64
    else:
        h = (seed + P64[4]) & M64
    h = (h + n) & M64
    while i + 8 <= n:
        h ^= _round64(0, int.from_bytes(data[i:i + 8], "little"))
        h = (_rotl(h, 27, 64, M64) * P64[0] + P64[3]) & M64
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * P64[0]) & M64
        h = (_rotl(h, 23, 64, M64) * P64[1] + P64[2]) & M64
        i += 4
    while i < n:
        h ^= (data[i] * P64[4]) & M64
        h = (_rotl(h, 11, 64, M64) * P64[0]) & M64
        i += 1
    h ^= h >> 33
    h = (h * P64[1]) & M64
    h ^= h >> 29
    h = (h * P64[2]) & M64
    return h ^ (h >> 32)


def blake2bp(data):
    """BLAKE2bp: four BLAKE2b leaves over interleaved 128-byte blocks and
    a root over their digests (the BLAKE2 specification's tree mode)."""
    leaves = []
    for i in range(4):
        h = hashlib.blake2b(digest_size=64, fanout=4, depth=2, leaf_size=0, node_offset=i,
                            node_depth=0, inner_size=64, last_node=(i == 3))
        for off in range(i * 128, len(data), 512):
            h.update(data[off:off + 128])
        leaves.append(h.digest())
    root = hashlib.blake2b(digest_size=64, fanout=4, depth=2, leaf_size=0, node_offset=0,
                           node_depth=1, inner_size=64, last_node=True)
    root.update(b"".join(leaves))
    return root.digest()
