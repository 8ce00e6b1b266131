"""The real-library demo: Debian's unmodified i386 liblz4.a as lz4.rmod
(`make lz4-demo`), exercised by lz4test in QEMU."""
import re
import zlib

from conftest import MODS, heap_in_use, qemu
from differential import check_against_ld

PHRASE = b"The quick brown fox jumps over the lazy dog. "
N = 4096


def inputs():
    text = bytes(PHRASE[i % len(PHRASE)] for i in range(N))
    x, rnd = 2463534242, bytearray()
    for _ in range(N):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        rnd.append(x & 0xFF)
    return {"text": text, "random": bytes(rnd), "empty": b""}


def test_round_trip_at_two_bases_and_heap_returns(built):
    lz4, test = MODS / "lz4.rmod", MODS / "lz4test.rmod"
    assert lz4.exists() and test.exists(), "run make lz4-demo"
    cmds = ["stats", "insmod lz4test", "lsmod", "rmmod lz4test", "rmmod lz4", "stats",
            "insmod lz4test", "lsmod", "rmmod lz4test", "rmmod lz4", "stats", "halt 0"]
    rc, out = qemu([lz4, test], cmds, args=["--no-autoload"])
    assert rc == 0, out
    bases = re.findall(r"^lz4\s+0x([0-9a-f]{8})\s", out, re.M)
    assert len(bases) == 2 and bases[0] != bases[1], out
    data = inputs()
    for what, buf in data.items():
        lines = re.findall(rf"^lz4test: {what} n=(\d+) compressed=(\d+) in_crc=0x([0-9a-f]{{8}}) "
                           rf"out_crc=0x([0-9a-f]{{8}}) roundtrip=(\w+)$", out, re.M)
        assert len(lines) == 2, (what, out)
        for n, comp, cin, cout, verdict in lines:
            assert int(n) == len(buf)
            assert int(cin, 16) == zlib.crc32(buf) == int(cout, 16)
            assert verdict == "ok"
            if what == "text":
                assert int(comp) < len(buf) // 4  # it really compressed
    heaps = heap_in_use(out)
    assert heaps[0] == heaps[1] == heaps[2], heaps


def test_lz4_module_matches_gnu_ld(tmp_path, built):
    info = check_against_ld(MODS / "lz4.rmod", MODS / "lz4.link", tmp_path, "lz4", 20)
    names = {e["name"] for e in info["exports"]}
    assert {"LZ4_compress_default", "LZ4_decompress_safe", "LZ4F_compressFrame"} <= names
    assert "__stack_chk_fail_local" not in names
