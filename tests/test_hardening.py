"""Hostile input: the malformed-module classes from scripts/gen-malformed,
refused with their own code by rmod-load and by insmod in QEMU, the
kernel staying usable with the heap at its baseline; the same for the
malformed ET_REL (.ko) classes and the kernel's ET_REL loader; and the
soak test."""
import json
import re
import subprocess

import pytest

from conftest import MODS, ROOT, heap_in_use, qemu, run, tool


@pytest.fixture(scope="module")
def malformed(tmp_path_factory, built):
    out = tmp_path_factory.mktemp("malformed")
    run([ROOT / "scripts" / "gen-malformed", out, MODS / "provider.rmod",
         MODS / "consumer.rmod", MODS / "params.rmod", MODS / "provider.ko"])
    classes = json.loads((out / "classes.json").read_text())
    assert sorted(classes) == CLASSES
    return out, classes


# Every class gen-malformed makes from the in-tree modules, exactly.
CLASSES = sorted("""
    bad_arch bad_checksum bad_header_size bad_magic bad_need bad_param_type bad_version
    bound_not_one_per_import bound_version_mismatch duplicate_export dupname empty_module_name
    entry_outside_text export_bad_kind export_for_unterminated export_in_init export_ns_empty
    export_ns_too_long export_ns_unterminated export_unknown_flag exports_unsorted
    fixup_bits_zero_tail fixup_count_mismatch import_ns_unterminated
    fixup_in_iat fixup_past_end fixup_straddles_end fixup_truncated_command huge_count
    huge_memory iat_import_of_data iat_slot_misplaced import_bad_hash import_nsites_mismatch
    import_record_bad_hash
    imports_unsorted pref_base_unaligned pref_base_wraps prebound_with_plain_bound
    site_count_mismatch site_number_not_minimal site_overlaps_fixup site_past_end
    site_runs_same_kind sites_overlap string_out_of_range
    syms_name_empty syms_name_too_long syms_past_memory syms_prefix_too_long syms_truncated
    syms_uleb_not_minimal syms_unsorted syms_without_flag
    table_past_end table_size_not_multiple tables_overlap trailing_bytes
    trunc_exports trunc_fixups trunc_header trunc_image trunc_imports trunc_last_byte
    trunc_strtab types_blob_size types_export_count types_root_outside types_short
    types_unterminated unaligned_layout unknown_flag unresolved_import unterminated_strings
    """.split())

# The kernel's and the provider's exports, as rmod-load --import takes them.
HOST_IMPORTS = ["kprintf", "strcmp", "strlen", "kmalloc", "kfree", "memcpy",
                "kernel_version:data", "provider_add", "provider_apply", "provider_calls:data",
                "provider_ops:data", "provider_nops:data", "provider_greeting"]


def test_host_loader_refuses_each_class_with_its_code(malformed, tmp_path):
    out, classes = malformed
    for name, code in classes.items():
        if not code.startswith("RM_E_"):
            continue  # duplicate names only exist in a kernel
        p = run([tool("rmod-load"), "--base", "0x400000", "-o", tmp_path / "x.bin",
                 *["--import=" + i.replace(":", "=0x1000:") if ":" in i else
                   f"--import={i}=0x1000" for i in HOST_IMPORTS], out / f"{name}.rmod"],
                check=False)
        assert p.returncode != 0, name
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and f"({code})" in lines[0], (name, code, p.stderr)


def test_insmod_refuses_each_class_and_kernel_stays_usable(malformed):
    out, classes = malformed
    # dupname needs the real provider loaded; everything else must fail
    # on its own, so it goes first, against an empty kernel.
    names = sorted(n for n in classes if n != "dupname") + ["dupname"]
    files = [MODS / "provider.rmod", MODS / "hello.rmod"] + [out / f"{n}.rmod" for n in names]
    cmds = ["stats"]
    for n in names:
        if n == "dupname":
            cmds += ["insmod provider", "stats"]
        cmds += [f"insmod {n}", "stats"]
    cmds += ["insmod hello", "lsmod", "halt 0"]
    rc, text = qemu(files, cmds, args=["--no-autoload"], timeout=180)
    assert rc == 0, text[-3000:]
    for n in names:
        lines = [l for l in text.splitlines() if l.startswith(f"insmod: {n}:")]
        assert len(lines) == 1, (n, lines)
        code = classes[n]
        if code.startswith("RM_E_"):
            assert lines[0].endswith(f"({code})"), (n, lines[0])
        else:
            assert "module 'provider' is already loaded" in lines[0], lines[0]
    heaps = heap_in_use(text)
    assert len(heaps) == len(names) + 2
    # every refusal left the heap where it was: at the empty kernel's
    # baseline, then at the baseline with the provider loaded
    assert len(set(heaps[:-2])) == 1 and heaps[-2] == heaps[-1], heaps
    assert "hello: init:" in text and re.search(r"^hello\s+0x", text, re.M)


ETREL_CLASSES = {
    "alignment_not_power_of_two", "bad_shentsize", "exit_not_executable",
    "export_outside_section", "huge_alignment", "info_without_data", "init_not_executable",
    "init_not_loaded", "init_outside_section", "no_section_headers", "overlapping_sections",
    "rel_bad_symtab_link", "rel_for_non_alloc_section", "rel_size_not_multiple",
    "rel_target_out_of_range", "reloc_null_symbol", "reloc_past_section",
    "reloc_symbol_not_loaded", "reloc_symbol_out_of_range", "section_overlaps_elf_header",
    "section_past_end_of_file", "shstrndx_out_of_range", "shstrtab_not_strtab",
    "symbol_name_out_of_range", "symbol_outside_section", "symbol_reserved_section",
    "symbol_section_out_of_range", "symtab_size_not_multiple", "truncated_section_headers",
    "unsupported_reloc_type", "unterminated_strtab", "wrapped_bss"}


def test_insmod_refuses_each_etrel_class_and_kernel_stays_usable(malformed):
    """Every malformed .ko is refused before anything is written, each with
    its own one-line message naming what and where, the heap back at its
    baseline after each; then the intact provider.ko loads and runs."""
    out = malformed[0]
    classes = json.loads((out / "etrel.json").read_text())
    assert set(classes) == {f"ko_{c}" for c in ETREL_CLASSES}
    names = sorted(classes)
    files = [MODS / "provider.ko"] + [out / f"{n}.ko" for n in names]
    cmds = ["stats"]
    for n in names:
        cmds += [f"insmod {n}", "stats"]
    cmds += ["insmod provider", "lsmod", "halt 0"]
    rc, text = qemu(files, cmds, args=["--no-autoload"], timeout=180)
    assert rc == 0, text[-3000:]
    seen = set()
    for n in names:
        lines = [l for l in text.splitlines() if l.startswith(f"insmod: {n}:")]
        assert len(lines) == 1, (n, lines, text[-3000:])
        assert lines[0].startswith(f"insmod: {n}: bad ELF object: "), lines[0]
        assert classes[n] in lines[0], (n, classes[n], lines[0])
        # no other class's message would match this line: each has its own
        assert [m for m in names if classes[m] in lines[0]] == [n], (n, lines[0])
        seen.add(lines[0].split(": ", 2)[2])
    assert len(seen) == len(names)
    heaps = heap_in_use(text)
    assert len(heaps) == len(names) + 1
    assert len(set(heaps)) == 1, heaps
    assert "provider: init: " in text and re.search(r"^provider\s+0x", text, re.M), text[-2000:]


def test_soak_insmod_rmmod_cycles_no_leak_no_drift(built):
    rc, text = qemu([MODS / "soak.rmod"], ["stats", "soak soak 10000", "stats", "halt 0"],
                    args=["--no-autoload"], timeout=300)
    assert rc == 0, text[-2000:]
    m = re.search(r"^soak: soak cycles=(\d+) result=0x([0-9a-f]{8}) changed=(\d+) "
                  r"heap=(\d+)/(\d+) pages=(\d+)/(\d+) bases=0x([0-9a-f]+)-0x([0-9a-f]+) (\w+)$",
                  text, re.M)
    assert m, text[-2000:]
    cycles, result, changed, heap, heap0, pages, pages0 = (m.group(1), m.group(2), m.group(3),
                                                           m.group(4), m.group(5), m.group(6),
                                                           m.group(7))
    assert int(cycles) == 10000 and int(changed) == 0 and m.group(10) == "ok"
    assert heap == heap0 and pages == pages0
    assert int(m.group(9), 16) > int(m.group(8), 16)  # the load base moved around the pool
    assert heap_in_use(text)[0] == heap_in_use(text)[-1]
