"""The ABI-change matrix: pairs of small C objects (gcc -m32 -g -c), each
differing by one kind of change, run through `rmod-abi diff` and
libabigail's `abidiff` (abigail-tools, installed by scripts/install-deps.sh).
rmod's verdict is asserted per case; abidiff's is recorded, and where the
two disagree the case must be listed in DISAGREE with the reason
(docs/ABI.md explains each).  The table is written to
build/report/abi-matrix.txt."""
import json
import shutil

import pytest

from conftest import BUILD, run, tool

# name: (old declarations, new declarations, code with @ for old|new,
#        rmod verdict, what the rmod text must name)
CASES = {
    "member_added": ("struct s { int a; int b; };", "struct s { int a; int b; int extra; };",
                     "int use(struct s *p) { return p->a; }", "breaking",
                     "struct s: member 'extra' added"),
    "nested_member_added": ("struct in { int a; };\nstruct out { struct in i; int z; };",
                            "struct in { int a; int b; };\nstruct out { struct in i; int z; };",
                            "int use(struct out *p) { return p->z; }", "breaking",
                            "struct out: member 'i' changed: struct in/4{...}@0 -> "
                            "struct in/8{...}@0\n  struct out: member 'z' changed: int/4/5@4 -> "
                            "int/4/5@8\n  struct in: member 'b' added: int/4/5@4"),
    "member_reordered": ("struct s { int a; int b; };", "struct s { int b; int a; };",
                         "int use(struct s *p) { return p->a; }", "breaking",
                         "struct s: member 'a' changed: int/4/5@0 -> int/4/5@4"),
    "member_retyped": ("struct s { int a; int b; };", "struct s { int a; float b; };",
                       "int use(struct s *p) { return p->a; }", "breaking",
                       "struct s: member 'b' changed: int/4/5@4 -> float/4/4@4"),
    "member_width": ("struct s { int a; short b; };", "struct s { int a; int b; };",
                     "int use(struct s *p) { return p->a; }", "breaking",
                     "struct s: member 'b' changed: short int/2/5@4 -> int/4/5@4"),
    "array_size": ("struct s { int a; char name[8]; };", "struct s { int a; char name[16]; };",
                   "int use(struct s *p) { return p->a; }", "breaking",
                   "struct s: member 'name' changed: array[8] of char/1/6@4 -> "
                   "array[16] of char/1/6@4"),
    "bitfield_width": ("struct s { int a; unsigned f : 3; };",
                       "struct s { int a; unsigned f : 5; };",
                       "int use(struct s *p) { return p->a; }", "breaking",
                       "struct s: member 'f' changed: unsigned int/4/7@0:3+32 -> "
                       "unsigned int/4/7@0:5+32"),
    "bitfield_width_shifts_next": ("struct s { unsigned lo : 3; unsigned hi : 5; };",
                                   "struct s { unsigned lo : 4; unsigned hi : 4; };",
                                   "int use(struct s *p) { return p->lo; }", "breaking",
                                   "struct s: member 'lo' changed"),
    "fnptr_member": ("struct s { int (*cb)(int); };", "struct s { int (*cb)(long long); };",
                     "int use(struct s *p) { return p->cb != 0; }", "breaking",
                     "struct s: member 'cb' changed: *fn(int/4/5)->int/4/5@0 -> "
                     "*fn(long long int/8/5)->int/4/5@0"),
    "enum_appended": ("enum m { M_A, M_B };", "enum m { M_A, M_B, M_C };",
                      "int use(enum m x) { return x; }", "harmless",
                      "enum m: enumerator 'M_C' added"),
    "enum_renumbered": ("enum m { M_A, M_B };", "enum m { M_A = 1, M_B };",
                        "int use(enum m x) { return x; }", "breaking",
                        "enum m: enumerator 'M_A' changed: 0 -> 1"),
    "typedef_retyped": ("typedef int h_t;", "typedef long long h_t;",
                        "int use(h_t x) { return (int)x; }", "breaking",
                        "type now: func(typedef h_t=long long int/8/5)->int/4/5"),
    "typedef_renamed": ("typedef int h_t;", "typedef int handle_t;",
                        "int use(@h_t|handle_t@ x) { return x; }", "breaking",
                        "type now: func(typedef handle_t=int/4/5)->int/4/5"),
    "return_type": ("", "", "@int|long long@ use(int x) { return x; }", "breaking",
                    "type now: func(int/4/5)->long long int/8/5"),
    "cv_pointee": ("", "", "int use(@|const@ char *p) { return p[0]; }", "harmless",
                   "type now: func(*const char/1/6)->int/4/5"),
    "cv_pointee_member": ("struct s { @|const @char *p; };", "struct s { @|const @char *p; };",
                          "int use(struct s *x) { return x->p[0]; }", "harmless",
                          "struct s: member 'p' changed: *char/1/6@0 -> *const char/1/6@0"),
    "cv_parameter": ("", "", "int use(@|const @int x) { return x; }", "harmless",
                     "type now: func(const int/4/5)->int/4/5"),
    "cv_member_itself": ("struct s { @|const @int a; };", "struct s { @|const @int a; };",
                         "int use(struct s *x) { return x->a; }", "breaking",
                         "struct s: member 'a' changed: int/4/5@0 -> const int/4/5@0"),
    "enumerator_removed": ("enum m { M_A, M_B, M_C };", "enum m { M_A, M_B };",
                           "int use(enum m x) { return x; }", "breaking",
                           "enum m: enumerator 'M_C' removed (was 2)"),
    "export_added": ("", "", "int use(int x) { return x; }\n@|int extra(void) { return 1; }@",
                     "compatible", "added: extra"),
    "export_removed": ("", "", "int use(int x) { return x; }\n@int extra(void) { return 1; }|@",
                       "breaking", "removed: extra"),
    "internal_only": ("", "", "static int helper(@int|long long@ x) { return (int)x * 2; }\n"
                      "int use(int x) { return helper(x); }", "compatible", "ABI: compatible"),
}

# Cases where abidiff's exit status and rmod's disagree, and why
# (docs/ABI.md, "rmod-abi and abidiff").
DISAGREE = {
    "bitfield_width": "abidiff reports nothing when a bit-field widens and no offset or "
                      "size moves; rmod's type text holds each member's bit size",
    "typedef_renamed": "abidiff reports nothing for a typedef renamed over the same type; "
                       "rmod versions include typedef names, as genksyms does",
    "export_added": "abidiff exits 4 (ABI change) for an added function; rmod exits 0 since "
                    "an addition breaks no existing user (abidiff does not set its "
                    "incompatible bit either)",
}


def variant(text, which):
    """Replace every @old|new@ by one side."""
    parts = text.split("@")
    for i in range(1, len(parts), 2):
        parts[i] = parts[i].split("|")[0 if which == "old" else 1]
    return "".join(parts)


def build_pair(tmp_path, name):
    old_decl, new_decl, code = CASES[name][:3]
    objs = []
    for which, decl in (("old", old_decl), ("new", new_decl)):
        d = tmp_path / which
        d.mkdir(exist_ok=True)
        c = d / f"{name}.c"
        c.write_text(f"{variant(decl, which)}\n{variant(code, which)}\n")
        o = d / f"{name}.o"
        run(["gcc", "-m32", "-g", "-O1", "-c", c, "-o", o])
        objs.append(o)
    return objs


def abidiff_verdict(rc):
    assert rc in (0, 4, 12), f"abidiff failed to run (exit {rc})"
    return {0: "compatible", 4: "change", 12: "incompatible"}[rc]


RESULTS = {}


@pytest.fixture(scope="module", autouse=True)
def record():
    yield
    out = BUILD / "report" / "abi-matrix.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{'case':28} {'rmod-abi':10} {'abidiff':12} agree"]
    for name in CASES:
        if name in RESULTS:
            r, a = RESULTS[name]
            agree = "no: " + DISAGREE[name] if name in DISAGREE else "yes"
            lines.append(f"{name:28} {r:10} {a:12} {agree}")
    out.write_text("\n".join(lines) + "\n")


def test_abidiff_is_installed():
    assert shutil.which("abidiff"), "abigail-tools missing: run sh scripts/install-deps.sh"


@pytest.mark.parametrize("name", list(CASES))
def test_change(name, tmp_path):
    old, new = build_pair(tmp_path, name)
    want, names = CASES[name][3:]
    text = run([tool("rmod-abi"), "diff", old, new], check=False)
    js = run([tool("rmod-abi"), "diff", "--format", "json", old, new], check=False)
    assert text.returncode == js.returncode == (1 if want == "breaking" else 0), text.stdout
    assert names in text.stdout, text.stdout
    doc = json.loads(js.stdout)
    assert doc["verdict"] == ("breaking" if want == "breaking" else "compatible")
    verdicts = {c["verdict"] for c in doc["changes"]}
    if want == "compatible":
        assert verdicts <= {"compatible"}
    else:
        assert want in verdicts, doc
    if want == "harmless":
        # Harmless for diff, yet the versions differ: insmod stays strict,
        # and so does diff --strict (the kernel's abi-check gate).
        ch = [c for c in doc["changes"] if c["verdict"] == "harmless"]
        assert ch and all(c["old_version"] != c["new_version"] for c in ch)
    strict = run([tool("rmod-abi"), "diff", "--strict", old, new], check=False)
    assert strict.returncode == (0 if want == "compatible" else 1), strict.stdout
    a = run(["abidiff", old, new], check=False)
    verdict = abidiff_verdict(a.returncode)
    RESULTS[name] = (want, verdict)
    rmod_breaks = want == "breaking"
    abidiff_reports = a.returncode != 0
    if name in DISAGREE:
        assert rmod_breaks != abidiff_reports, \
            f"{name}: abidiff now agrees with rmod ({verdict}); update DISAGREE and docs"
    else:
        assert rmod_breaks == abidiff_reports, (name, verdict, a.stdout)


def test_json_document_shape(tmp_path):
    """One breaking change, one addition, one removal, in one document."""
    old_c, new_c = tmp_path / "old.c", tmp_path / "new.c"
    old_c.write_text('struct s { int a; };\nint use(struct s *p) { return p->a; }\n'
                     'int gone(void) { return 0; }\n')
    new_c.write_text('struct s { int a; char q; };\n'
                     'int use(struct s *p) { return p->a; }\nint fresh(void) { return 1; }\n')
    objs = []
    for c in (old_c, new_c):
        o = c.with_suffix(".o")
        run(["gcc", "-m32", "-g", "-O1", "-c", c, "-o", o])
        objs.append(o)
    p = run([tool("rmod-abi"), "diff", "--format", "json", *objs], check=False)
    assert p.returncode == 1
    doc = json.loads(p.stdout)
    assert doc["verdict"] == "breaking"
    by = {c["symbol"]: c for c in doc["changes"]}
    assert set(by) == {"use", "gone", "fresh"}
    assert by["use"]["change"] == "changed" and by["use"]["verdict"] == "breaking"
    assert by["use"]["old_version"] != by["use"]["new_version"]
    assert by["use"]["details"] == ["struct s: member 'q' added: char/1/6@4"]
    assert (by["gone"]["change"], by["gone"]["verdict"]) == ("removed", "breaking")
    assert "new_version" not in by["gone"] and by["gone"]["kind"] == "func"
    assert (by["fresh"]["change"], by["fresh"]["verdict"]) == ("added", "compatible")
    assert by["fresh"]["provider"] == "new" and "old_version" not in by["fresh"]
