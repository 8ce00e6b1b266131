"""ABI safety: DWARF-derived symbol versions, rmod-abi dump/check/diff,
the abi-check gate and the load-time version check, on temporary copies
of the tree with the kernel's API changed."""
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, MODS, ROOT, module_cflags, qemu, run, tool


def copy_tree(dst):
    """The tracked files of the repository, as a fresh checkout has them."""
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                           check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dst / f)
    # Reuse the dependency stamp: the packages are installed already.
    (dst / "build").mkdir(exist_ok=True)
    (dst / "build" / ".deps-ok").touch()
    return dst


def build_kernel(tree):
    run(["make", "-s", "-C", tree, "kernel", "tools", f"-j2"])
    return tree / "build" / "kernel.elf"


def edit(path, old, new):
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """A copy whose struct kstats member changed type (breaking)."""
    tree = copy_tree(tmp_path_factory.mktemp("changed"))
    edit(tree / "include/rmod/kernel.h", "\tuint32_t modules;       /* loaded modules */",
         "\tuint64_t modules;       /* loaded modules */")
    return tree, build_kernel(tree)


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """A copy with one more, unrelated export (compatible)."""
    tree = copy_tree(tmp_path_factory.mktemp("added"))
    edit(tree / "kernel/module/kexport.c", "KEXPORT(kernel_stats);",
         "int kernel_answer(void);\nint kernel_answer(void) { return 42; }\n"
         "KEXPORT(kernel_answer);\nKEXPORT(kernel_stats);")
    return tree, build_kernel(tree)


def dump(kernel, out):
    text = run([tool("rmod-abi"), "dump", kernel]).stdout
    out.write_text(text)
    return text


def stats_module(tmp_path, name, cflags, include_root=ROOT):
    """A module calling kernel_stats, compiled against a tree's headers."""
    c = tmp_path / f"{name}.c"
    c.write_text('#include "rmod/kernel.h"\n#include "rmod/module.h"\n'
                 "static int i(void) { struct kstats s; kernel_stats(&s);\n"
                 f'  kprintf("{name}: modules=%u\\n", (unsigned)s.modules); return 0; }}\n'
                 "RMOD_INIT(i);\n")
    o = tmp_path / f"{name}.o"
    flags = [f for f in cflags if not f.startswith("-I")] + [f"-I{include_root}/include"]
    run(["gcc", *flags, "-c", c, "-o", o])
    out = tmp_path / f"{name}.rmod"
    run([tool("rmod-link"), "--name", name, "-o", out, o])
    return out


def test_changed_struct_member_is_reported_and_breaks(changed, tmp_path):
    tree, kernel = changed
    new = tmp_path / "new.abi"
    dump(kernel, new)
    p = run([tool("rmod-abi"), "diff", ROOT / "abi/kernel.abi", new], check=False)
    assert p.returncode == 1, p.stdout
    assert re.search(r"^changed: kernel_stats 0x[0-9a-f]{8} -> 0x[0-9a-f]{8}", p.stdout, re.M)
    assert "struct kstats: member 'modules' changed" in p.stdout, p.stdout
    assert "unsigned int/4/7" in p.stdout and "long long unsigned int/8/7" in p.stdout
    # Functions whose types do not involve kstats keep their versions.
    assert "changed: kprintf" not in p.stdout


def test_abi_check_gate_fails_on_the_changed_tree(changed):
    tree, _ = changed
    p = subprocess.run(["make", "-s", "-C", str(tree), "abi-check"], capture_output=True,
                       text=True)
    assert p.returncode != 0
    assert "changed: kernel_stats" in p.stdout and "abi-check: the kernel ABI broke" in p.stdout


def test_module_built_against_old_headers_is_refused(changed, tmp_path):
    tree, kernel = changed
    old = stats_module(tmp_path, "oldstats", module_cflags())
    rc, out = qemu([old], ["insmod oldstats", "lsmod", "halt 0"], args=["--no-autoload",
                                                                        "--kernel", kernel])
    assert rc == 0, out
    assert re.search(r"oldstats: disagrees about version of symbol kernel_stats "
                     r"\(expects 0x[0-9a-f]{8}, kernel/provider has 0x[0-9a-f]{8}\)", out), out
    assert "oldstats: modules=" not in out  # nothing was loaded
    # The same module loads on the kernel it was built for.
    rc, out = qemu([old], ["insmod oldstats", "halt 0"], args=["--no-autoload"])
    assert rc == 0 and "oldstats: modules=1" in out, out


def test_unrelated_export_is_added_and_compatible(added, tmp_path):
    _, kernel = added
    new = tmp_path / "new.abi"
    dump(kernel, new)
    p = run([tool("rmod-abi"), "diff", ROOT / "abi/kernel.abi", new], check=False)
    assert p.returncode == 0, p.stdout
    assert re.search(r"^added: kernel_answer 0x[0-9a-f]{8} func kernel", p.stdout, re.M)
    assert "changed:" not in p.stdout and "removed:" not in p.stdout


def test_dumps_of_two_clean_builds_are_identical(added, tmp_path):
    # A second clean build of the unchanged sources, next to ours.
    tree = copy_tree(tmp_path / "again")
    kernel = build_kernel(tree)
    a = run([tool("rmod-abi"), "dump", BUILD / "kernel.elf"]).stdout
    b = run([tool("rmod-abi"), "dump", kernel]).stdout
    assert a == b
    assert a == (ROOT / "abi/kernel.abi").read_text()


def test_check_names_every_problem(changed, tmp_path):
    tree, kernel = changed
    new = tmp_path / "new.abi"
    dump(kernel, new)
    old = stats_module(tmp_path, "oldstats", module_cflags())
    c = tmp_path / "lost.c"
    c.write_text('#include "rmod/module.h"\nextern int no_such_export(void);\n'
                 "static int i(void) { return no_such_export(); }\nRMOD_INIT(i);\n")
    run(["gcc", *module_cflags(), "-c", c, "-o", tmp_path / "lost.o"])
    run([tool("rmod-link"), "--allow-undefined", "-o", tmp_path / "lost.rmod",
         tmp_path / "lost.o"])
    p = run([tool("rmod-abi"), "check", "--abi", new, old, tmp_path / "lost.rmod"], check=False)
    assert p.returncode == 1
    assert "lost: unresolved import 'no_such_export'" in p.stdout
    assert re.search(r"oldstats: disagrees about version of symbol kernel_stats", p.stdout)
    # The module's TYPES table names what it was built against.
    assert re.search(r"^  struct kstats: member 'modules' changed: typedef uint32_t=unsigned "
                     r"int/4/7@\d+ -> typedef uint64_t=long long unsigned int/8/7@\d+$",
                     p.stdout, re.M), p.stdout
    assert "2 problems" in p.stdout
    ok = run([tool("rmod-abi"), "check", "--abi", ROOT / "abi/kernel.abi", old], check=False)
    assert ok.returncode == 0, ok.stdout


def test_check_weak_import_only_when_present(changed, tmp_path):
    """A weak import nobody provides is no problem; one that is provided is
    checked like any other."""
    tree, kernel = changed
    new = tmp_path / "new.abi"
    dump(kernel, new)
    c = tmp_path / "weakabi.c"
    c.write_text('#include "rmod/kernel.h"\n#include "rmod/module.h"\n#pragma weak kernel_stats\n'
                 "extern int no_such_export(void) __attribute__((weak));\n"
                 "static int i(void) { struct kstats s;\n"
                 "  return (no_such_export ? no_such_export() : 0) +\n"
                 "         (kernel_stats ? kernel_stats(&s) : 0); }\nRMOD_INIT(i);\n")
    run(["gcc", *module_cflags(), "-c", c, "-o", tmp_path / "weakabi.o"])
    m = tmp_path / "weakabi.rmod"
    run([tool("rmod-link"), "-o", m, tmp_path / "weakabi.o"])
    ok = run([tool("rmod-abi"), "check", "--abi", ROOT / "abi/kernel.abi", m], check=False)
    assert ok.returncode == 0, ok.stdout
    assert "0 problems" in ok.stdout and "no_such_export" not in ok.stdout
    bad = run([tool("rmod-abi"), "check", "--abi", new, m], check=False)
    assert bad.returncode == 1, bad.stdout
    assert "weakabi: disagrees about version of symbol kernel_stats" in bad.stdout
    assert "1 problem\n" in bad.stdout


def test_module_without_debug_info_loads_unversioned(tmp_path):
    flags = [f for f in module_cflags() if f != "-g"]
    m = stats_module(tmp_path, "nodebug", flags)
    info = run([tool("rmod-dump"), "--json", m]).stdout
    assert '"version": 0' in info
    rc, out = qemu([m], ["insmod nodebug", "halt 0"], args=["--no-autoload"])
    assert rc == 0, out
    assert "insmod: nodebug: symbol kernel_stats is unversioned" in out
    assert "nodebug: modules=1" in out


def test_versions_ignore_parameter_names_and_declaration_order(tmp_path):
    base = ("struct s { int a; char *b; };\nint f(struct s *p, int n) { return p->a + n; }\n")
    def ver(src):  # the version rmod-link gives the export f
        c = tmp_path / "m.c"
        c.write_text('#include "rmod/module.h"\n' + src + "RMOD_EXPORT(f);\n")
        o = tmp_path / "m.o"
        run(["gcc", *module_cflags(), "-c", c, "-o", o])
        run([tool("rmod-link"), "-o", tmp_path / "m.rmod", o])
        info = run([tool("rmod-dump"), "--json", tmp_path / "m.rmod"]).stdout
        return re.search(r'"name": "f", "hash": \d+, "offset": \d+, "kind": "func", '
                         r'"version": (\d+)', info).group(1)
    v0 = ver(base)
    assert ver(base.replace("*p, int n", "*q, int count").replace("p->a + n", "q->a + count")) == v0
    assert ver("int g(void);\n" + base + "int g(void) { return 1; }\n") == v0
    assert ver(base.replace("p->a + n", "p->a * n")) == v0  # code, not types
    assert ver(base.replace("int a; char *b;", "char *b; int a;")) != v0  # member order
    assert ver(base.replace("int a;", "long long a;")) != v0  # member type
    assert ver(base.replace("int a;", "int a2;").replace("p->a", "p->a2")) != v0  # name


def test_abi_check_gate_is_strict_about_harmless_changes(tmp_path):
    """A harmless change (const on a pointee) still changes the version, so
    modules built against the old one are refused: the gate fails on it."""
    text = (ROOT / "abi/kernel.abi").read_text()
    m = re.search(r"^kfree 0x([0-9a-f]{8}) func kernel\n  type func\(\*void\)->void$", text, re.M)
    assert m, "kfree's entry in abi/kernel.abi"
    new = tmp_path / "new.abi"
    new.write_text(text.replace(m.group(0), "kfree 0x12345678 func kernel\n"
                                            "  type func(*const void)->void"))
    p = run([tool("rmod-abi"), "diff", ROOT / "abi/kernel.abi", new], check=False)
    assert p.returncode == 0 and "(harmless: cv-qualifier change)" in p.stdout, p.stdout
    p = run([tool("rmod-abi"), "diff", "--strict", ROOT / "abi/kernel.abi", new], check=False)
    assert p.returncode == 1 and "ABI: breaking changes" in p.stdout, p.stdout
    recipe = run(["make", "-n", "-s", "-C", ROOT, "abi-check"]).stdout
    assert "rmod-abi diff --strict abi/kernel.abi" in recipe, recipe
