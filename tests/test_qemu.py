"""The kernel under QEMU: boot with the in-tree modules, use the shell,
unload and reload at another base, and refuse bad modules with one line
while staying usable."""
import re

import pytest

from conftest import MODS, dump_json, heap_in_use, module_cflags, qemu, run, tool
import rmodfile

ALL = ["hello", "provider", "consumer", "tables"]


def lsmod(text):
    """{name: base} from every lsmod table in the output (last wins)."""
    return {m: int(b, 16) for m, b in re.findall(r"^(\w+)\s+0x([0-9a-f]{8})\s+\d+\s+\d+\s+\d+\s+\S+$",
                                                    text, re.M)}


@pytest.fixture(scope="module")
def boot_all():
    rc, out = qemu([MODS / f"{m}.rmod" for m in ALL],
                   ["lsmod", "ksyms provider_", "modinfo consumer", "stats", "halt 5"])
    assert rc == 5, out
    return out


def test_boot_loads_every_module_at_distinct_bases(boot_all):
    bases = lsmod(boot_all)
    assert set(ALL) <= set(bases), boot_all
    assert len({bases[m] for m in ALL}) == len(ALL)
    for m in ALL:
        assert bases[m] % 4096 == 0
        assert re.search(rf"^boot: {m} loaded at 0x{bases[m]:08x}", boot_all, re.M)


def test_hello_init_runs_and_consumer_result(boot_all):
    assert "hello: init: hello from a relocated module (running on rmod-kernel" in boot_all
    m = re.search(r"consumer: result sum=(\d+) prod=(\d+) ptr=(\d+) table=(\d+) len=(\d+) "
                  r"calls=(\d+) ops=(\d+)", boot_all)
    assert m, boot_all
    assert [int(x) for x in m.groups()] == [42, 42, 123, 42, 3, 3, 4]
    assert "consumer: greetings from provider; kernel rmod-kernel" in boot_all


def test_tables_checksum_matches_host_model(boot_all):
    """The table-heavy module computes the same checksum in the kernel as
    this model of its source does; a wrong fixup would change it."""
    def f(n, x):
        return (x * (n + 3) + n) & 0xFFFFFFFF
    fn_ids = [a * 10 + b for a in range(1, 9) for b in range(8)]
    words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
             "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
             "zulu").split()
    cmds = [(10, 1, "first"), (11, 2, "second"), (12, 3, "third"), (13, 4, "fourth"),
            (14, 5, "fifth"), (15, 6, "sixth"), (16, 7, "seventh"), (17, 8, "eighth")]
    mut = ["red", "green", "blue", "cyan", "magenta", "yellow"]
    cls = [11, 23, 37, 41, 53, 67, 71, 83, 97, 101, 113, 127]
    h = 0
    M = 0xFFFFFFFF
    for i, n in enumerate(fn_ids):
        h = (h * 31 + f(n, i)) & M
    for w in words:
        h = (h * 31 + len(w) + ord(w[0])) & M
    for n, fl, hp in cmds:
        h = (h * 31 + f(n, fl) + ord(hp[0])) & M
    for w in mut:
        h = (h * 31 + ord(w[1])) & M
    for i in range(24):
        h = (h * 31 + cls[i % 12]) & M
    assert f"tables: 64 functions, 26 words, checksum 0x{h:08x}" in boot_all


def test_shell_lists_symbols_and_module_info(boot_all):
    bases = lsmod(boot_all)
    info = dump_json(MODS / "provider.rmod")
    for e in info["exports"]:
        kind = "T" if e["kind"] == "func" else "D"
        assert f"0x{bases['provider'] + e['offset']:08x} {kind} {e['name']} [provider]" \
            in boot_all, e["name"]
    assert "name: consumer" in boot_all and "description: calls the provider" in boot_all
    assert re.search(r"^stats: hello validate=\d+ copy=\d+ rebase=\d+ bind=\d+ init=\d+",
                     boot_all, re.M)


def test_rmmod_then_insmod_at_another_base():
    rc, out = qemu([MODS / f"{m}.rmod" for m in ALL],
                   ["lsmod", "rmmod hello", "lsmod", "insmod hello", "lsmod", "rmmod consumer",
                    "rmmod tables", "insmod consumer", "halt 0"])
    assert rc == 0, out
    assert "hello: exit: goodbye" in out
    assert "rmmod: hello unloaded" in out
    first = re.search(r"^boot: hello loaded at (0x[0-9a-f]{8})", out, re.M).group(1)
    again = re.search(r"^insmod: hello loaded at (0x[0-9a-f]{8})", out, re.M).group(1)
    assert first != again
    assert out.count("hello: init:") == 2
    assert out.count("consumer: result sum=42") == 2


def bad_files(tmp_path):
    good = (MODS / "consumer.rmod").read_bytes()
    files = {}
    t = tmp_path / "trunc.rmod"
    t.write_bytes(good[:len(good) // 2])
    files["trunc"] = (t, "RM_E_TRUNCATED")
    b = bytearray(good)
    b[0:4] = b"JUNK"
    (tmp_path / "badmagic.rmod").write_bytes(rmodfile.fix_crc(b))
    files["badmagic"] = (tmp_path / "badmagic.rmod", "RM_E_MAGIC")
    b = bytearray(good)  # a file of the previous format: both versions named
    rmodfile.put16(b, rmodfile.H["version"], rmodfile.VERSION - 1)
    (tmp_path / "oldversion.rmod").write_bytes(rmodfile.fix_crc(b))
    files["oldversion"] = (tmp_path / "oldversion.rmod",
                           f"format version {rmodfile.VERSION - 1}, this kernel reads version "
                           f"{rmodfile.VERSION} (RM_E_VERSION)")
    tables = (MODS / "tables.rmod").read_bytes()
    size = rmodfile.u32(tables, rmodfile.H["image_size"])
    (tmp_path / "pastend.rmod").write_bytes(
        rmodfile.with_fixups(tables, rmodfile.uleb((size - 2) << 2), 1))
    files["pastend"] = (tmp_path / "pastend.rmod", "RM_E_FIXUP_RANGE")
    return files


def unresolved_module(tmp_path):
    """A module importing a symbol nobody exports (linked with
    --allow-undefined, so only the kernel can refuse it)."""
    c = tmp_path / "orphan.c"
    c.write_text('#include "rmod/module.h"\nextern int no_such_symbol(void);\n'
                 'static int init(void) { return no_such_symbol(); }\nRMOD_INIT(init);\n')
    o = tmp_path / "orphan.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    out = tmp_path / "orphan.rmod"
    run([tool("rmod-link"), "--allow-undefined", "-o", out, o])
    return out


def test_bad_modules_refused_with_one_line_and_kernel_stays_usable(tmp_path):
    files = bad_files(tmp_path)
    mods = [p for p, _ in files.values()] + [unresolved_module(tmp_path), MODS / "hello.rmod"]
    cmds = ["stats"]
    for name in files:
        cmds += [f"insmod {name}", "stats"]
    cmds += ["insmod orphan", "stats", "insmod hello", "lsmod", "halt 0"]
    rc, out = qemu(mods, cmds, args=["--no-autoload"])
    assert rc == 0, out
    for name, (_, code) in files.items():
        lines = [l for l in out.splitlines() if l.startswith(f"insmod: {name}:")]
        assert len(lines) == 1 and code in lines[0], (name, lines, out)
    line = [l for l in out.splitlines() if l.startswith("insmod: orphan:")]
    assert len(line) == 1 and "unresolved import 'no_such_symbol'" in line[0] and \
        "RM_E_UNRESOLVED" in line[0], out
    heaps = heap_in_use(out)
    assert len(heaps) == len(files) + 2
    assert len(set(heaps)) == 1, heaps  # every refusal left the heap at baseline
    assert "hello: init:" in out and re.search(r"^hello\s+0x", out, re.M)


@pytest.mark.parametrize("form", ["rmod", "ko"])
def test_insmod_noinit_loads_without_running_init_or_exit(form):
    """The measurement path: insmod --noinit writes the image but runs
    neither init nor, at rmmod, exit; the heap returns to its baseline."""
    rc, out = qemu([MODS / f"hello.{form}"],
                   ["stats", "insmod --noinit hello", "lsmod", "rmmod hello", "stats",
                    "insmod --noinit", "halt 0"], args=["--no-autoload"])
    assert rc == 0, out
    assert re.search(r"^insmod: hello loaded at 0x[0-9a-f]{8} \(init not run\)$", out, re.M), out
    assert "hello" in lsmod(out)
    assert "hello: init" not in out and "hello: exit" not in out
    assert "rmmod: hello unloaded" in out
    heaps = heap_in_use(out)
    assert heaps[0] == heaps[-1], heaps
    assert "insmod: usage: insmod [--noinit] [--quiet] NAME" in out


def test_absent_weak_import_loads_and_reads_null(tmp_path):
    """Weak undefined symbols are optional imports: one nobody exports
    binds to 0 (the module sees NULL and skips it), one the kernel exports
    binds to it; neither stops the link or the load."""
    c = tmp_path / "weakuser.c"
    c.write_text('#include "rmod/kernel.h"\n#include "rmod/module.h"\n'
                 'RMOD_NAME("weakuser");\n#pragma weak kfree\n'
                 'extern void no_such_hook(void) __attribute__((weak));\n'
                 'extern int no_such_data __attribute__((weak));\n'
                 'static int init(void) {\n'
                 '  if (no_such_hook) no_such_hook();\n'
                 '  kprintf("weakuser: hook=%x data=%x kfree=%s\\n", (unsigned)no_such_hook,\n'
                 '          (unsigned)&no_such_data, kfree ? "present" : "absent");\n'
                 '  return 0;\n}\nRMOD_INIT(init);\n')
    o = tmp_path / "weakuser.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    out = tmp_path / "weakuser.rmod"
    run([tool("rmod-link"), "--provider", MODS.parent / "kernel.elf", "-o", out, o])
    weak = {i["name"]: i["weak"] for i in dump_json(out)["imports"]}
    assert weak == {"no_such_hook": True, "no_such_data": True, "kfree": True, "kprintf": False}
    rc, text = qemu([out], ["stats", "insmod weakuser", "rmmod weakuser", "stats", "halt 0"],
                    args=["--no-autoload"])
    assert rc == 0, text
    assert "weakuser: hook=0 data=0 kfree=present" in text, text
    heap = heap_in_use(text)
    assert len(heap) == 2 and heap[0] == heap[1], text
