"""Linux's own modules (Debian 12 i386, cached by scripts/fetch-linux-modules,
a dependency of make test): the compare-linux pipeline on a fixed sample,
the one-command conversion, and the placement and section-mismatch rules
of docs/LAYOUT.md on small objects."""
import csv
import json
import subprocess
import sys

from elftools.elf.elffile import ELFFile

from conftest import BUILD, ROOT, dump_json, module_cflags, run, tool
from differential import check_against_ld

LINUX = BUILD / "linux"
SAMPLE = 30


def corpus():
    lst = LINUX / "modules.list"
    assert lst.exists(), "build/linux missing: run `make linux-modules` (make test does)"
    return lst.read_text().split()


def test_compare_linux_sample_is_byte_identical_in_both_modes(tmp_path):
    names = corpus()
    out = tmp_path / "report"
    p = run(["/usr/bin/python3", ROOT / "scripts" / "compare-linux", "--sample", SAMPLE,
             "--out", out])
    assert f"{SAMPLE}/{SAMPLE} modules" in p.stderr
    rows = list(csv.DictReader(open(out / "modules.csv")))
    step = len(names) // SAMPLE
    assert [r["module"] for r in rows] == names[::step][:SAMPLE]
    for r in rows:
        for m in ("iat", "direct"):
            assert r[f"{m}_identical"] == "1", (r["module"], m, r[f"{m}_reason"])
        # Each relocation of the .ko gives at most one fixup or site.
        assert int(r["direct_fixups"]) + int(r["direct_sites"]) <= int(r["ko_relocs"])
        assert int(r["direct_iat_slots"]) == 0 and int(r["direct_fixups"]) > 0
        # iat mode binds called-only imports once, in a slot.
        assert int(r["iat_sites"]) <= int(r["direct_sites"])
        assert int(r["iat_iat_slots"]) + int(r["iat_sites"]) > 0
    summary = json.load(open(out / "summary.json"))
    assert summary["summary"]["identical"] == {"iat": SAMPLE, "direct": SAMPLE}
    assert summary["exceptions"] == []
    md = (out / "report.md").read_text()
    assert f"| **all** | {SAMPLE} |" in md and "Targets:" in md
    assert (out / "relocs-vs-work.png").stat().st_size > 1000


def test_stock_ko_converts_with_one_command(tmp_path):
    """init_module/cleanup_module become the entry points, __ksymtab entries
    the exports; the core-to-init
    words of a Linux module (libata: a .rodata parameter buffer,
    __mcount_loc, this_module) do not stop the conversion."""
    corpus()
    ko = LINUX / "modules" / "drivers" / "ata" / "libata.ko"
    out = tmp_path / "libata.rmod"
    run([tool("rmod-link"), "--allow-undefined", "-o", out, ko])
    info = dump_json(out)
    assert info["name"] == "libata"
    assert info["has_init"] and info["has_exit"]
    assert info["init_start"] <= info["init"] < info["init_text_end"]
    assert info["exit"] < info["text_end"]
    nm = run(["nm", ko]).stdout.split("\n")
    assert any(l.endswith(" T init_module") for l in nm)
    # EXPORT_SYMBOL's entries are the rmod exports.
    ksymtab = {l.split()[-1][len("__ksymtab_"):] for l in nm if " __ksymtab_" in l}
    assert len(ksymtab) > 100
    assert {e["name"] for e in info["exports"]} == ksymtab


def obj(tmp_path, name, src):
    c = tmp_path / f"{name}.c"
    c.write_text('#include "rmod/module.h"\n' + src)
    o = tmp_path / f"{name}.o"
    run(["gcc", *module_cflags(), "-c", c, "-o", o])
    return o


MISMATCH = ("static RMOD_INIT_TEXT int setup(void) { return 0; }\n"
            "int (*keep)(void) = setup;\n")


def test_section_mismatch_skipped_only_for_linux_modules(tmp_path):
    plain = obj(tmp_path, "plain", MISMATCH)
    p = run([tool("rmod-link"), "-o", tmp_path / "p.rmod", plain], check=False)
    assert p.returncode != 0 and "section mismatch" in p.stderr, p.stderr
    linux = obj(tmp_path, "linux", MISMATCH + '__attribute__((section('
                '".gnu.linkonce.this_module"))) int this_module[4];\n')
    run([tool("rmod-link"), "-o", tmp_path / "l.rmod", linux])


def test_unnamed_sections_are_placed_by_flags(tmp_path):
    """Sections module.ld does not name (Linux-style tables) land in text,
    rodata or data by their flags, .init* in the init tail, .exit* in core,
    and the result is still ld's link at every base."""
    src = ('int rmod_x;\nint go(void);\n'
           '__attribute__((section("__tbl"), used)) static int (*const tbl[])(void) = {go};\n'
           '__attribute__((section("__wtbl"), used)) static int *wtbl[] = {&rmod_x};\n'
           '__attribute__((section(".exit.text"), used)) void bye(void) { rmod_x = 2; }\n'
           '__attribute__((section(".init.foo"), used)) static int early = 3;\n'
           'static RMOD_INIT_TEXT int start(void) { return early; }\nRMOD_INIT(start);\n'
           '__attribute__((section(".sched.text"))) int go(void) { return rmod_x; }\n')
    o = obj(tmp_path, "flags", src)
    temps = tmp_path / "t"
    out = tmp_path / "flags.rmod"
    run([tool("rmod-link"), "--save-temps", temps, "--exit", "bye", "--allow-undefined",
         "-o", out, o])
    with open(temps / "module.elf", "rb") as f:
        secs = {s.name: s["sh_addr"] for s in ELFFile(f).iter_sections()}
    info = check_against_ld(out, temps, tmp_path, seed=14, nbases=3)
    assert secs[".text.other"] < info["text_end"]  # .exit.text, .sched.text
    assert info["text_end"] <= secs[".rodata.other"] < info["rodata_end"]  # __tbl
    assert info["rodata_end"] <= secs[".data.other"] < info["image_size"]  # __wtbl
    assert secs[".init.data"] >= info["init_start"]  # .init.foo
    assert info["exit"] < info["text_end"]
    # Nothing is left as an orphan: the link itself uses --orphan-handling=error.
    assert "--orphan-handling=error" in (temps / "link.sh").read_text()
    p = subprocess.run(["sh", temps / "link.sh", "0", tmp_path / "x.elf"],
                       capture_output=True, text=True)
    assert p.returncode == 0 and "orphan" not in p.stderr, p.stderr


def test_sample_loads_in_the_kernel_in_both_formats(tmp_path, built):
    """The in-kernel half of compare-linux on 25 modules: every one loads
    without init in both formats (rmod and ET_REL), against a generated
    provider whose exports are ud2 traps, and the report has its rows."""
    out = tmp_path / "report"
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "linux-kernel-sample"),
                        "--sample", "25", "--seed", "make-test", "--out", str(out)],
                       capture_output=True, text=True, timeout=900)
    assert "met: every sampled module loads in both formats (25/25)" in p.stdout, \
        p.stdout[-3000:] + p.stderr[-2000:]
    rows = list(csv.DictReader(open(out / "kernel.csv")))
    assert len(rows) == 25
    for r in rows:
        assert int(r["rmod_rebase"]) + int(r["rmod_bind"]) > 0 and int(r["ko_relocate"]) > 0
        assert int(r["rmod_load"]) == sum(int(r[f"rmod_{k}"])
                                          for k in ("validate", "copy", "rebase", "bind"))
