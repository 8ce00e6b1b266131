"""Position-independent objects as distributions compile them: GOT,
GOTOFF, GOTPC, GOT32X, PLT32, stack protection, libgcc helpers; and the
relocations rmod-link must refuse."""
import pytest

from conftest import run, tool, dump_json
from differential import check_against_ld

PIC_SRC = r"""
#include <stddef.h>
extern size_t strlen(const char *);
extern int ext_counter;            /* data import through the GOT */
extern void kprintf(const char *, ...);
static const char *names[] = {"alpha", "beta", "gamma"};
static int local_counter;
const char *(*hook)(int);
static const char *pick(int i) { return names[i % 3]; }
int lenof(int i)
{
    char buf[64];                  /* a canary: __stack_chk_fail_local */
    local_counter++;
    ext_counter++;
    hook = pick;
    for (size_t k = 0; k < sizeof(buf); k++)
        buf[k] = (char)k;
    kprintf("%s %d\n", hook(i), buf[i & 63]);
    return (int)strlen(names[i % 3]) + local_counter;
}
long long divit(long long a, long long b) { return a / b + a % b; }
unsigned long long udiv(unsigned long long a, unsigned long long b) { return a / b; }
"""


def pic_object(tmp_path, src=PIC_SRC, name="pic"):
    c = tmp_path / f"{name}.c"
    c.write_text(src)
    o = tmp_path / f"{name}.o"
    run(["gcc", "-m32", "-O2", "-fPIC", "-fstack-protector-strong",
         "-D_FORTIFY_SOURCE=2", "-c", c, "-o", o])
    return o


def relocation_types(obj):
    out = run(["readelf", "-rW", obj]).stdout
    return {w for line in out.splitlines() for w in line.split() if w.startswith("R_386_")}


@pytest.mark.parametrize("mode", ["iat", "direct"])
def test_pic_object_matches_ld(mode, tmp_path):
    o = pic_object(tmp_path)
    assert {"R_386_GOTPC", "R_386_GOTOFF", "R_386_GOT32X", "R_386_PLT32"} <= relocation_types(o)
    out, temps = tmp_path / "pic.rmod", tmp_path / "t"
    run([tool("rmod-link"), "--bind", mode, "--export-all", "--save-temps", temps, "-o", out, o])
    info = check_against_ld(out, temps, tmp_path, f"pic/{mode}", 20)
    names = {i["name"] for i in info["imports"]}
    # libgcc and the support archive filled these; the kernel provides the rest.
    assert "__divdi3" not in names and "__udivdi3" not in names and "__moddi3" not in names
    assert "__stack_chk_fail_local" not in names
    assert {"ext_counter", "strlen", "kprintf", "__stack_chk_fail"} <= names
    assert sorted(e["name"] for e in info["exports"]) == ["divit", "hook", "lenof", "udiv"]


def refused(tmp_path, obj, *needles):
    p = run([tool("rmod-link"), "-o", tmp_path / "x.rmod", obj], check=False)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    assert not (tmp_path / "x.rmod").exists()
    return lines[0]


def test_tls_refused(tmp_path):
    o = pic_object(tmp_path, "__thread int t; int get(void) { return t; }\n", "tls")
    refused(tmp_path, o, "tls.o", "thread-local storage (TLS)", "R_386_TLS")


def test_ifunc_refused(tmp_path):
    src = ("static int impl(void) { return 1; }\n"
           "static int (*resolve(void))(void) { return impl; }\n"
           "int f(void) __attribute__((ifunc(\"resolve\")));\n")
    o = pic_object(tmp_path, src, "ifunc")
    refused(tmp_path, o, "IFUNC symbol 'f'", "R_386_IRELATIVE")


def test_copy_relocation_refused(tmp_path):
    s = tmp_path / "cp.s"
    s.write_text(".text\n.globl g\ng: ret\n.reloc g, R_386_COPY, foo\n"
                 ".section .note.GNU-stack,\"\",@progbits\n")
    o = tmp_path / "cp.o"
    run(["as", "--32", "-o", o, s])
    refused(tmp_path, o, "cp.o", ".text+0x0", "R_386_COPY", "dynamic relocation")


def test_shared_object_refused(tmp_path):
    c = tmp_path / "sv.c"
    c.write_text("int shared_var = 3;\n")
    so = tmp_path / "libsv.so"
    run(["gcc", "-m32", "-fPIC", "-shared", "-o", so, c])
    refused(tmp_path, so, "shared object")
