"""The comparison's own checks: both loaders behave the same on every
in-tree module, and the counts in compare.csv agree with readelf (.ko)
and rmod-dump (.rmod).  The report itself comes from `make compare`."""
import csv
import os
import re
import subprocess

import pytest

from conftest import BUILD, IN_TREE, MODS, dump_json, qemu, run
from mod_providers import PROVIDERS

SKIP = {"faulty"}  # loads the same in both forms, but only faults with mode=1/2


def behaviour(form, mod):
    names = PROVIDERS.get(mod, []) + [mod]
    files = [MODS / f"{n}.{form}" for n in names]
    cmds = [f"insmod {n}" for n in names] + ["ksyms", "lsmod", f"rmmod {mod}", "halt 0"]
    rc, out = qemu(files, cmds, args=["--no-autoload"])
    assert rc == 0, out
    body = out.split("rmod kernel ready", 1)[1]
    # Addresses differ between the forms; everything else must not.
    body = re.sub(r"0x[0-9a-f]{8}", "ADDR", body)
    body = re.sub(r"^(\w+)\s+ADDR\s+\d+\s+\d+", r"\1 ADDR", body, flags=re.M)
    syms = sorted(re.findall(r"^ADDR [TD] \S+ \[\w+\]$", body, re.M))
    lines = [l for l in body.splitlines() if not re.match(r"^ADDR [TD] ", l)]
    return lines, syms


@pytest.mark.parametrize("mod", [m for m in IN_TREE if m not in SKIP])
def test_same_behaviour_as_rmod_and_as_ko(mod, built):
    assert (MODS / f"{mod}.ko").exists()
    lines_r, syms_r = behaviour("rmod", mod)
    lines_k, syms_k = behaviour("ko", mod)
    assert syms_r == syms_k
    # lsmod's size column may differ (the layouts differ); compare the rest.
    strip = lambda ls: [re.sub(r"^(\w+ ADDR)\s.*$", r"\1", l) for l in ls]
    assert strip(lines_r) == strip(lines_k)


def readelf_relocs(ko):
    """Relocation entries against loaded sections, counted by readelf."""
    out = run(["readelf", "-rSW", ko]).stdout
    alloc = set(re.findall(r"\]\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S*A\S*\s", out))
    n = 0
    for sec, count in re.findall(r"Relocation section '\.rel(\S+)' at offset \S+ contains "
                                 r"(\d+) entr", out):
        if sec in alloc and not sec.startswith(".rmod_"):
            n += int(count)
    return n


def readelf_undefined(ko):
    out = run(["readelf", "-sW", ko]).stdout
    return sum(1 for l in out.splitlines()
               if re.search(r"\sUND\s+\S+$", l))


def test_compare_csv_counts_agree_with_readelf_and_rmod_dump():
    path = BUILD / "report" / "compare.csv"
    if not path.exists():
        subprocess.run(["make", "-s", "-C", str(BUILD.parent), "compare"], check=True,
                       capture_output=True)
    rows = list(csv.DictReader(open(path)))
    assert rows
    for r in rows:
        name = r["module"]
        d = BUILD / ("synth" if name.startswith("synth") else "mods")
        ko, rm = d / f"{name}.ko", d / f"{name}.rmod"
        assert int(r["ko_relocs"]) == readelf_relocs(ko), name
        assert int(r["ko_lookups"]) == readelf_undefined(ko), name
        info = dump_json(rm)
        assert int(r["fixups"]) == info["fixup_count"] == len(info["fixups"]), name
        assert int(r["fixup_bytes"]) == info["fixup_bytes"]
        assert int(r["iat_slots"]) == info["iat_slots"]
        assert int(r["rmod_file_iat"]) == os.path.getsize(rm)
        # The floor is a floor: no real loader's copy + rebase beats it.
        if int(r["fixups"]) >= 1000:
            assert int(r["floor"]) <= int(r["iat_copy"]) + int(r["iat_rebase"]), name
        assert int(r["floor"]) == int(r["floor_copy"]) + int(r["floor_adds"]), name


def test_instruction_counts_repeat_exactly(tmp_path, built):
    """Two runs of the measurement give identical numbers (-icount)."""
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        subprocess.run(["/usr/bin/python3", str(BUILD.parent / "scripts" / "compare-report"),
                        "--only", "consumer,tables", "--out", str(out)], check=True,
                       capture_output=True)
        outs.append((out / "compare.csv").read_text())
    assert outs[0] == outs[1]
    assert "consumer" in outs[0] and "tables" in outs[0]


def documented_trace(kind):
    """The trace block for kind ("etrel" or "rmod") in docs/COMPARE.md."""
    text = (BUILD.parent / "docs" / "COMPARE.md").read_text()
    m = re.search(rf"^```trace {kind}\n(.*?)^```", text, re.M | re.S)
    assert m, f"docs/COMPARE.md has no trace block for {kind}"
    return m.group(1).strip().splitlines()


@pytest.mark.parametrize("kind,form", [("etrel", "ko"), ("rmod", "rmod")])
def test_phase_windows_match_compare_md(kind, form, built):
    """Each step of a load runs in the phase COMPARE.md says, in that order,
    for both loaders: a step moved across a timed window fails here."""
    files = [MODS / f"provider.{form}", MODS / f"consumer.{form}"]
    rc, out = qemu(files, ["insmod provider", "trace on", "insmod consumer", "trace show",
                           "halt 0"], args=["--no-autoload"])
    assert rc == 0, out
    got = re.findall(r"^trace: (.*)$", out, re.M)
    assert got and got[-1] == "end", out
    assert got[:-1] == documented_trace(kind)


def test_each_file_is_parsed_once_inside_its_validate(built):
    """insmod consumer with its provider not loaded: the dependency walk
    reuses each file's one parse, which runs inside that file's validate."""
    files = [MODS / "provider.rmod", MODS / "consumer.rmod"]
    rc, out = qemu(files, ["trace on", "insmod consumer", "trace show", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 0 and "insmod: consumer loaded" in out, out
    lines = re.findall(r"^trace: (\S+) (\S+): (.*)$", out, re.M)
    parses = [(who, ph) for who, ph, steps in lines for s in steps.split() if s == "parse"]
    assert sorted(parses) == [("consumer", "validate"), ("provider", "validate")], lines
    # The provider is opened and loaded while the consumer waits, untimed.
    order = [(who, ph) for who, ph, _ in lines]
    assert order.index(("consumer", "validate")) < order.index(("provider", "validate"))
    assert order.index(("provider", "init")) < order.index(("consumer", "bind"))
