"""Module lifecycle in QEMU: dependencies (modprobe), reference counts,
parameters, init failure, init-only memory, W^X with attributed faults,
and deterministic load statistics."""
import re

import pytest

from conftest import MODS, heap_in_use, module_cflags, qemu, run, tool


def modarea(text):
    return [int(x) for x in re.findall(r"modarea: (\d+) pages in use", text)]


def build(tmp_path, name, src, *link_args):
    c = tmp_path / f"{name}.c"
    c.write_text('#include "rmod/kernel.h"\n#include "rmod/module.h"\n' + src)
    o = tmp_path / f"{name}.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    out = tmp_path / f"{name}.rmod"
    run([tool("rmod-link"), "--name", name, *link_args, "-o", out, o])
    return out


def test_chain_autoloads_refuses_unload_in_use_and_returns_heap(tmp_path):
    chain = [MODS / f"chain_{x}.rmod" for x in "abc"]
    rc, out = qemu(chain, ["stats", "insmod chain_c", "lsmod", "rmmod chain_a",
                           "rmmod chain_b", "stats", "rmmod chain_c", "rmmod chain_b",
                           "rmmod chain_a", "lsmod", "stats", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 0, out
    assert out.index("chain_a: init") < out.index("chain_b: init") < out.index("chain_c: init")
    assert "chain_c: init b=123" in out
    assert "insmod: chain_c: loaded chain_a for chain_b" in out
    assert "rmmod: chain_a: in use by chain_b" in out
    assert "rmmod: chain_b: in use by chain_c" in out
    assert out.index("chain_c: exit") < out.index("chain_b: exit") < out.index("chain_a: exit")
    heaps, pages = heap_in_use(out), modarea(out)
    assert heaps[0] == heaps[-1] and pages[0] == pages[-1] == 0, (heaps, pages)
    assert heaps[1] > heaps[0]


def test_cycle_and_missing_provider_refused(tmp_path):
    # cyc_a and cyc_b import from each other: link one, then the other
    # against it, then the first again against the second.
    src_a = "extern int b_fn(void);\nint a_fn(void) { return 1; }\n" \
            "static int i(void) { return b_fn(); }\nRMOD_INIT(i);\nRMOD_EXPORT(a_fn);\n"
    src_b = "extern int a_fn(void);\nint b_fn(void) { return 2; }\n" \
            "static int i(void) { return a_fn(); }\nRMOD_INIT(i);\nRMOD_EXPORT(b_fn);\n"
    a = build(tmp_path, "cyc_a", src_a, "--allow-undefined")
    b = build(tmp_path, "cyc_b", src_b, "--provider", a, "--provider", MODS.parent / "kernel.elf")
    a = build(tmp_path, "cyc_a", src_a, "--provider", b, "--provider", MODS.parent / "kernel.elf")
    rc, out = qemu([a, b, MODS / "chain_c.rmod", MODS / "chain_a.rmod"],
                   ["stats", "insmod cyc_a", "insmod chain_c", "lsmod", "stats", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 0, out
    assert "insmod: cyc_a: dependency cycle: cyc_a -> cyc_b -> cyc_a" in out
    assert re.search(r"insmod: chain_c: missing provider 'chain_b' \(needed by chain_c; "
                     r"chain chain_c -> chain_b\)", out), out
    heaps = heap_in_use(out)
    assert heaps[0] == heaps[-1]
    assert "chain_a:" not in out.split("rmod kernel ready")[1]  # nothing half-loaded


def test_provider_init_failure_names_chain_and_rolls_back(tmp_path):
    kernel = MODS.parent / "kernel.elf"
    mid = build(tmp_path, "mid_ok", "int mid_fn(void) { return 7; }\nRMOD_EXPORT(mid_fn);\n",
                "--provider", kernel)
    bad = build(tmp_path, "bad_prov", "extern int mid_fn(void);\n"
                "int bad_fn(void) { return mid_fn(); }\n"
                "static int i(void) { return -5; }\nRMOD_INIT(i);\nRMOD_EXPORT(bad_fn);\n",
                "--provider", mid, "--provider", kernel)
    user = build(tmp_path, "user", "extern int bad_fn(void);\n"
                 "static int i(void) { return bad_fn(); }\nRMOD_INIT(i);\n",
                 "--provider", bad, "--provider", kernel)
    rc, out = qemu([mid, bad, user], ["stats", "insmod user", "lsmod", "ksyms _fn", "stats",
                                      "halt 0"], args=["--no-autoload"])
    assert rc == 0, out
    assert "insmod: bad_prov: init failed with error -5" in out
    assert "insmod: user: provider bad_prov failed to load (chain user -> bad_prov)" in out
    after = out.split("rmod> lsmod")[1]
    assert "mid_ok" not in after.split("rmod> stats")[0]  # the auto-loaded provider went too
    heaps, pages = heap_in_use(out), modarea(out)
    assert heaps[0] == heaps[-1] and pages[-1] == 0


def test_parameters_good_bad_and_from_multiboot():
    params = MODS / "params.rmod"
    rc, out = qemu([f"{params}:count=7 verbose=yes greeting=boot"],
                   ["modinfo params", "rmmod params", "stats",
                    "insmod params count=-12 limit=0x20 verbose=0 greeting=shell", "modinfo params",
                    "rmmod params", "insmod params nosuch=1", "insmod params count=12x",
                    "insmod params count=2147483648", "insmod params limit=-1",
                    "insmod params greeting=0123456789abcdefg", "insmod params verbose=maybe",
                    "lsmod", "stats", "halt 0"])
    assert rc == 0, out
    assert "params: count=7 limit=100 verbose=1 greeting=boot" in out  # multiboot cmdline
    assert "parm: count (int) how many greetings = 7" in out
    assert "parm: greeting (string) what to say (15 bytes at most) = \"boot\"" in out
    assert "parm: verbose (bool) print more = true" in out
    assert "params: count=-12 limit=32 verbose=0 greeting=shell" in out
    # count=-12 makes init fail: that is the init-failure path, tested below
    for msg in ("unknown parameter 'nosuch'", "parameter 'count': malformed integer value '12x'",
                "parameter 'count': value '2147483648' out of range for int",
                "parameter 'limit': malformed integer value '-1'",
                "parameter 'greeting': string of 17 bytes is too long (at most 15)",
                "parameter 'verbose': malformed bool value 'maybe'"):
        assert f"insmod: params: {msg}" in out, msg
    heaps = heap_in_use(out)
    assert heaps[0] == heaps[-1]


def test_init_failure_leaves_no_trace():
    rc, out = qemu([MODS / "params.rmod", MODS / "provider.rmod"],
                   ["stats", "ksyms", "insmod params count=-1", "lsmod", "ksyms", "stats",
                    "halt 0"], args=["--no-autoload"])
    assert rc == 0, out
    assert "insmod: params: init failed with error -22" in out
    _, after = out.split("insmod params count=-1")
    assert not re.search(r"^params\s+0x", after, re.M)
    before_syms = out.split("rmod> ksyms")[1].split("rmod>")[0]
    after_syms = out.split("rmod> ksyms")[2].split("rmod>")[0]
    assert sorted(before_syms.split("\n")) == sorted(after_syms.split("\n"))
    heaps, pages = heap_in_use(out), modarea(out)
    assert heaps[0] == heaps[-1] and pages[0] == pages[-1] == 0


def test_init_only_memory_is_freed_after_init():
    rc, out = qemu([MODS / "hello.rmod"], ["lsmod", "stats", "halt 0"])
    assert rc == 0, out
    assert "hello: init-only banner from freed memory" in out
    m = re.search(r"^hello\s+0x[0-9a-f]{8}\s+(\d+)\s+(\d+)", out, re.M)
    core, freed = int(m.group(1)), int(m.group(2))
    assert freed == 8192 and core == 8192
    assert modarea(out)[-1] * 4096 == core


def test_core_to_init_reference_fails_rmod_link(tmp_path):
    src = ("static RMOD_INIT_TEXT int setup(void) { return 0; }\n"
           "int (*keep)(void) = setup;\n")
    c = tmp_path / "mismatch.c"
    c.write_text('#include "rmod/module.h"\n' + src)
    o = tmp_path / "mismatch.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    p = run([tool("rmod-link"), "-o", tmp_path / "m.rmod", o], check=False)
    assert p.returncode != 0
    assert "section mismatch" in p.stderr and "setup" in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("mode,fault,symbol", [
    (1, r"CR2 0x[0-9a-f]{8} is faulty\+0x[0-9a-f]+ \(faulty_write_text\+0x[0-9a-f]+\)",
     "write, data"),
    (2, r"EIP 0x[0-9a-f]{8} is faulty\+0x[0-9a-f]+ \(faulty_data_blob\+0x0\)",
     "read, instruction fetch"),
])
def test_wx_violations_are_caught_and_attributed(mode, fault, symbol):
    rc, out = qemu([MODS / "faulty.rmod"], [f"insmod faulty mode={mode}", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 3, out  # the panic path, not halt 0
    assert "PANIC: page fault (vector 14" in out
    assert re.search(fault, out), out
    assert symbol in out


def test_stats_has_every_phase_and_is_deterministic_under_icount():
    mods = [MODS / f"{m}.rmod" for m in ("hello", "provider", "consumer", "tables")]
    runs = []
    for _ in range(2):
        rc, out = qemu(mods, ["stats", "halt 0"], args=["--icount"])
        assert rc == 0, out
        lines = re.findall(r"^stats: .*$", out, re.M)
        assert len(lines) == 4
        for line in lines:
            for ph in ("validate", "copy", "rebase", "bind", "init"):
                assert re.search(rf" {ph}=\d+", line), line
        assert len(re.findall(r"^boot: \w+ loaded at", out, re.M)) == 4
        runs.append(lines)
    assert runs[0] == runs[1]
