"""Shared helpers for the rmod test suite (run with /usr/bin/python3)."""
import json
import os
import re
import subprocess
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The Python helpers the tests share with scripts/ (rmodfile, mod_providers).
sys.path.insert(0, str(ROOT / "scripts" / "lib"))
BUILD = ROOT / "build"
BIN = pathlib.Path(os.environ.get("RMOD_BIN", BUILD / "bin"))
MODS = BUILD / "mods"
DEMOS = {"lz4test"}  # built by `make lz4-demo` (mods/mods.mk MOD_DEMOS)
IN_TREE = sorted(p.name for p in (ROOT / "mods").iterdir() if p.is_dir() and p.name not in DEMOS)


def tool(name):
    return str(BIN / name)


def run(args, check=True, **kw):
    """Run a command, returning CompletedProcess with text output."""
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def dump_json(path):
    return json.loads(run([tool("rmod-dump"), "--json", "--fixups", path]).stdout)


def module_cflags():
    out = run(["make", "-s", "-C", ROOT, "print-module-cflags"]).stdout
    return out.split()


def qemu(mods, commands, args=(), timeout=120):
    """Boot the kernel with the given module files, pipe shell commands,
    and return (exit status, console text).  The command list should end
    with a halt."""
    env = dict(os.environ, RMOD_QEMU_TIMEOUT=str(timeout))
    p = subprocess.run([str(ROOT / "scripts" / "qemu-run"), *args, *map(str, mods)],
                       input="".join(c + "\n" for c in commands),
                       capture_output=True, text=True, env=env, timeout=timeout + 30)
    return p.returncode, p.stdout + p.stderr


def heap_in_use(text):
    """All 'heap: N bytes in use' values printed by `stats`, in order."""
    return [int(x) for x in re.findall(r"heap: (\d+) bytes in use", text)]


@pytest.fixture(scope="session")
def built():
    """The tree is built by `make test` before pytest runs; check it."""
    for m in IN_TREE:
        assert (MODS / f"{m}.rmod").exists(), f"build/mods/{m}.rmod missing: run make"
    return MODS
