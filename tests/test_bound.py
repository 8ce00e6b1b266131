"""Bound-import hints (the BOUND table): rmod-link records each import's
index in its provider's export table and that table's stamp; the kernel
takes the entry directly when the stamp matches and looks the name up
when it does not.  A stale hint must cost a lookup, not a wrong binding
(barring a collision of both the 32-bit stamp and the 32-bit hash)."""
import re

from conftest import BUILD, MODS, dump_json, module_cflags, qemu, run, tool
from rmodfile import fix_crc, put32, table, u32

RESULT = re.compile(r"^consumer: result .*$", re.M)


def boot(provider, consumer):
    rc, out = qemu([provider, consumer], ["insmod consumer", "stats", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 0, out
    stats = re.search(r"^stats: consumer .* lookups=(\d+) ", out, re.M)
    assert stats, out
    return RESULT.findall(out), int(stats.group(1)), out


def test_imports_carry_hints_into_their_providers_tables(built):
    cons, prov = dump_json(MODS / "consumer.rmod"), dump_json(MODS / "provider.rmod")
    exports = [e["name"] for e in prov["exports"]]
    stamps = {}
    for im in cons["imports"]:
        assert im["stamp"] != 0, im
        stamps.setdefault(im["need"], set()).add(im["stamp"])
        if im["need"] == "provider":
            assert exports[im["hint"]] == im["name"]
    # One stamp per provider table: the kernel's and provider's.
    assert set(stamps) == {None, "provider"}
    assert all(len(s) == 1 for s in stamps.values())
    assert stamps[None] != stamps["provider"]


def test_matching_hints_bind_without_lookups(built):
    results, lookups, out = boot(MODS / "provider.rmod", MODS / "consumer.rmod")
    assert results == ["consumer: result sum=42 prod=42 ptr=123 table=42 len=3 calls=3 ops=4"]
    assert lookups == 0, out


def test_wrong_hints_fall_back_to_the_lookup(built, tmp_path):
    """Every hint points at the wrong entry of a matching table: the hash
    check must catch it, or the consumer would call the wrong functions."""
    b = bytearray((MODS / "consumer.rmod").read_bytes())
    off, size = table(b, "bound")
    n = size // 8
    assert n == len(dump_json(MODS / "consumer.rmod")["imports"])
    for i in range(n):
        put32(b, off + 8 * i + 4, u32(b, off + 8 * i + 4) + 1)
    bad = tmp_path / "consumer.rmod"
    bad.write_bytes(fix_crc(b))
    results, lookups, out = boot(MODS / "provider.rmod", bad)
    assert results == ["consumer: result sum=42 prod=42 ptr=123 table=42 len=3 calls=3 ops=4"]
    assert lookups == n, out


def test_a_changed_provider_invalidates_its_hints_only(built, tmp_path):
    """A provider rebuilt with one more export has a new stamp: the
    consumer built against the old one still loads and works, looking up
    just the provider's imports."""
    extra = tmp_path / "extra.c"
    extra.write_text('#include <rmod/module.h>\nint provider_extra(void) { return 7; }\n'
                     'RMOD_EXPORT(provider_extra);\n')
    run(["gcc", *module_cflags(), "-c", extra, "-o", tmp_path / "extra.o"])
    newprov = tmp_path / "provider.rmod"
    run([tool("rmod-link"), "--provider", BUILD / "kernel.elf", "-o", newprov,
         MODS / "obj" / "provider" / "provider.o", tmp_path / "extra.o"])
    assert "provider_extra" in [e["name"] for e in dump_json(newprov)["exports"]]
    results, lookups, out = boot(newprov, MODS / "consumer.rmod")
    assert results == ["consumer: result sum=42 prod=42 ptr=123 table=42 len=3 calls=3 ops=4"]
    from_provider = [im for im in dump_json(MODS / "consumer.rmod")["imports"]
                     if im["need"] == "provider"]
    assert lookups == len(from_provider), out
