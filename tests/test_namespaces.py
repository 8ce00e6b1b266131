"""Symbol namespaces (RMOD_EXPORT_NS / RMOD_IMPORT_NS) and export
allowlists (RMOD_EXPORT_FOR): refused by rmod-link --provider, and by
insmod's binding, on the looked-up path and on the bound-import hint path,
with nothing left loaded; ksyms, modinfo and rmod-dump show them."""
import re
import struct

import pytest

from conftest import BUILD, dump_json, heap_in_use, module_cflags, qemu, run, tool

KERNEL = BUILD / "kernel.elf"

# The provider before and after it put ns_fn in namespace FOO and limited
# for_fn to modules good_* and other: same names, kinds and versions, so
# the same export-table stamp, so importers' hints stay valid.
PROV_SRC = "int ns_fn(void) { return 5; }\nint for_fn(void) { return 6; }\n"
PROV_OPEN = PROV_SRC + "RMOD_EXPORT(ns_fn);\nRMOD_EXPORT(for_fn);\n"
PROV_NS = PROV_SRC + 'RMOD_EXPORT_NS(ns_fn, "FOO");\nRMOD_EXPORT_FOR(for_fn, "good_*,other");\n'


def user_src(fn, ns=None):
    return (f"extern int {fn}(void);\n"
            f'static int i(void) {{ kprintf("{{user}} {fn}=%d\\n", {fn}()); return 0; }}\n'
            "RMOD_INIT(i);\n" + (f'RMOD_IMPORT_NS("{ns}");\n' if ns else ""))


def compile_(tmp_path, name, src):
    c = tmp_path / f"{name}.c"
    c.write_text('#include "rmod/kernel.h"\n#include "rmod/module.h"\n' + src)
    o = tmp_path / f"{name}.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    return o


def link(tmp_path, name, src, *args, check=True, out_dir=None):
    o = compile_(tmp_path, name, src)
    out = (out_dir or tmp_path) / f"{name}.rmod"
    return out, run([tool("rmod-link"), "--name", name, *args, "-o", out, o], check=check)


@pytest.fixture
def provs(tmp_path):
    (tmp_path / "open").mkdir()
    open_, _ = link(tmp_path, "nsprov", PROV_OPEN, "--provider", KERNEL,
                    out_dir=tmp_path / "open")
    ns, _ = link(tmp_path, "nsprov", PROV_NS, "--provider", KERNEL)
    return open_, ns


def stamp(exports):
    """rmod_stamp of an export table (include/rmod/format.h)."""
    h = 2166136261
    for e in exports:
        for b in e["name"].encode() + b"\0" + struct.pack("<IH", e["version"],
                                                          1 if e["kind"] == "func" else 2):
            h = ((h ^ b) * 16777619) & 0xffffffff
    return h or 1


def test_the_provider_records_namespace_and_allowlist(provs):
    open_, ns = provs
    exp = {e["name"]: e for e in dump_json(ns)["exports"]}
    assert (exp["ns_fn"]["ns"], exp["ns_fn"]["for"]) == ("FOO", None)
    assert (exp["for_fn"]["ns"], exp["for_fn"]["for"]) == (None, "good_*,other")
    assert all(e["ns"] is None and e["for"] is None for e in dump_json(open_)["exports"])
    text = run([tool("rmod-dump"), ns]).stdout
    assert re.search(r" ns_fn ns=FOO$", text, re.M), text
    assert re.search(r" for_fn for=good_\*,other$", text, re.M), text


def test_rmod_link_refuses_a_missing_namespace(tmp_path, provs):
    _, ns = provs
    _, p = link(tmp_path, "plain", user_src("ns_fn"), "--provider", ns, "--provider", KERNEL,
                check=False)
    assert p.returncode != 0
    assert ("import 'ns_fn' is in namespace 'FOO' of nsprov, which module plain does not "
            "import (add RMOD_IMPORT_NS(\"FOO\"))") in p.stderr, p.stderr
    _, p = link(tmp_path, "plain", user_src("ns_fn", "BAR"), "--provider", ns,
                "--provider", KERNEL, check=False)
    assert p.returncode != 0 and "namespace 'FOO'" in p.stderr, p.stderr


def test_rmod_link_refuses_a_module_off_the_allowlist(tmp_path, provs):
    _, ns = provs
    _, p = link(tmp_path, "bad_user", user_src("for_fn"), "--provider", ns,
                "--provider", KERNEL, check=False)
    assert p.returncode != 0
    assert ("import 'for_fn': nsprov exports it only for modules 'good_*,other', not for "
            "module bad_user") in p.stderr, p.stderr
    # Neither the exact name alone nor the glob's stem is a prefix match.
    for name in ("othe", "good"):
        _, p = link(tmp_path, name, user_src("for_fn"), "--provider", ns,
                    "--provider", KERNEL, check=False)
        assert p.returncode != 0, name


def test_the_importer_records_its_namespace(tmp_path, provs):
    _, ns = provs
    good, _ = link(tmp_path, "good_one", user_src("ns_fn", "FOO"), "--provider", ns,
                   "--provider", KERNEL)
    imp = {i["name"]: i for i in dump_json(good)["imports"]}
    assert imp["ns_fn"]["ns"] == "FOO"
    assert imp["kprintf"]["ns"] is None  # the kernel's exports have none
    assert re.search(r" ns_fn ns=FOO$", run([tool("rmod-dump"), good]).stdout, re.M)


def boot(mods, commands):
    rc, out = qemu(mods, ["insmod nsprov", "stats", *commands, "lsmod", "stats", "halt 0"],
                   args=["--no-autoload"])
    assert rc == 0, out
    return out


def test_insmod_refuses_on_the_hinted_path_and_leaves_nothing(tmp_path, provs):
    """Importers linked against the open provider carry valid hints into
    the restricted one (same stamp): binding must still refuse them."""
    open_, ns = provs
    plain, _ = link(tmp_path, "plain", user_src("ns_fn"), "--provider", open_,
                    "--provider", KERNEL)
    bad, _ = link(tmp_path, "bad_user", user_src("for_fn"), "--provider", open_,
                  "--provider", KERNEL)
    st = stamp(dump_json(ns)["exports"])
    assert st == stamp(dump_json(open_)["exports"])
    for m, sym in ((plain, "ns_fn"), (bad, "for_fn")):
        imp = {i["name"]: i for i in dump_json(m)["imports"]}[sym]
        assert imp["stamp"] == st and imp["ns"] is None, imp
    out = boot([ns, plain, bad], ["insmod plain", "insmod bad_user"])
    assert re.search(r"^insmod: plain: symbol ns_fn is in namespace FOO, which module plain "
                     r"does not import \(RMOD_IMPORT_NS\) \(RM_E_NAMESPACE\)$", out, re.M), out
    assert re.search(r"^insmod: bad_user: symbol for_fn is exported only for modules "
                     r"'good_\*,other', not for module bad_user \(RM_E_EXPORT_FOR\)$",
                     out, re.M), out
    assert "{user}" not in out
    assert not re.search(r"^(plain|bad_user)\b", out.split("lsmod", 1)[1], re.M), out
    heaps = heap_in_use(out)
    assert len(heaps) == 2 and heaps[0] == heaps[1], heaps


def test_insmod_refuses_on_the_lookup_path(tmp_path, provs):
    """No hints at all (linked without providers): the resolver checks."""
    _, ns = provs
    plain, _ = link(tmp_path, "plain", user_src("ns_fn"), "--allow-undefined")
    assert all(i["stamp"] == 0 for i in dump_json(plain)["imports"])
    out = boot([ns, plain], ["insmod plain"])
    assert "symbol ns_fn is in namespace FOO, which module plain does not import" in out, out
    heaps = heap_in_use(out)
    assert heaps[0] == heaps[1], heaps


def test_allowed_importers_load_and_registry_shows_namespaces(tmp_path, provs):
    _, ns = provs
    # Hinted, and linked without providers (the import then names every
    # namespace the module imports).
    good, _ = link(tmp_path, "good_one", user_src("ns_fn", "FOO"),
                   "--provider", ns, "--provider", KERNEL)
    other, _ = link(tmp_path, "other", user_src("for_fn"), "--provider", ns,
                    "--provider", KERNEL)
    loose, _ = link(tmp_path, "good_loose", user_src("ns_fn", "BAR") + 'RMOD_IMPORT_NS("FOO");\n',
                    "--allow-undefined")
    assert {i["name"]: i["ns"] for i in dump_json(loose)["imports"]}["ns_fn"] == "BAR,FOO"
    out = boot([ns, good, other, loose],
               ["insmod good_one", "insmod other", "insmod good_loose", "ksyms _fn",
                "modinfo nsprov", "modinfo good_one"])
    assert out.count("{user} ns_fn=5") == 2 and "{user} for_fn=6" in out, out
    assert re.search(r"^0x[0-9a-f]{8} T ns_fn \[nsprov ns=FOO\]$", out, re.M), out
    assert re.search(r"^0x[0-9a-f]{8} T for_fn \[nsprov for=good_\*,other\]$", out, re.M), out
    assert re.search(r"^export: ns_fn 0x[0-9a-f]{8} ns=FOO$", out, re.M), out
    assert re.search(r"^export: for_fn 0x[0-9a-f]{8} for=good_\*,other$", out, re.M), out
    assert re.search(r"^import_ns: ns_fn FOO$", out, re.M), out
    stats = re.search(r"^stats: good_one .* lookups=(\d+) ", out, re.M)
    # ns_fn goes through the resolver despite its valid hint; kprintf not.
    assert stats and stats.group(1) == "1", out
