"""Every rule has a document in rules/, and every document's examples are executed.

In an "Example" block, each line ending in ``# error: XCL103`` (or several
codes, comma-separated) must get exactly those findings and no other line may
get any; every "Use instead" block must be clean. A fence's info string may
carry options: ``python airflow-version=2`` or ``python select=XCL105``.
A ``yaml allowlist`` block in a section is the allow-list its python blocks
are checked against; its lines may carry ``# error:`` markers too (XCL303
reports in the allow-list file).
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

import pytest

from xcomlint.docs import all_documents, code_blocks, sections
from xcomlint.engine import lint_paths
from xcomlint.rules import all_rules
from xcomlint.settings import Settings, select_codes

HEADINGS = ["What it does", "Why is this bad?", "Example", "Use instead", "Options"]
MARKER = re.compile(r"#\s*error:\s*(?P<codes>XCL\d{3}(?:\s*,\s*XCL\d{3})*)\s*$")
DOCUMENTS = all_documents()
RULES = {rule.code: rule for rule in all_rules()}


def test_every_rule_has_a_document_and_every_document_a_rule() -> None:
    assert sorted(DOCUMENTS) == sorted(RULES)


def _options(info: str) -> Dict[str, str]:
    words = info.split()
    assert words and words[0] == "python", f"unexpected fence info {info!r}"
    options = dict(word.split("=", 1) for word in words[1:])
    assert set(options) <= {"airflow-version", "select"}, options
    return options


def _findings_by_line(code: str, source: str, options: Dict[str, str], allowlist: Optional[str],
                      tmp_path: Path) -> Tuple[Dict[int, Set[str]], Dict[int, Set[str]]]:
    """Findings by line in the example, and in its allow-list."""
    defaults = {r.code: r.default for r in all_rules()}
    if "select" in options:
        selected = select_codes(defaults, select=options["select"].split(","))
    else:
        selected = select_codes(defaults, extend_select=[code])
    allowlist_path = None
    if allowlist is not None:
        allowlist_path = tmp_path / "allowlist.yaml"
        allowlist_path.write_text(allowlist)
    example = tmp_path / f"{code}_example.py"
    example.write_text(source)
    settings = Settings(selected=selected, airflow_version=int(options.get("airflow-version", "3")),
                        allowlist=str(allowlist_path) if allowlist_path else None)
    result = lint_paths([str(example)], settings)
    assert not result.errors and not result.path_errors, (result.errors, result.path_errors)
    in_source: Dict[int, Set[str]] = defaultdict(set)
    in_allowlist: Dict[int, Set[str]] = defaultdict(set)
    for finding in result.findings:
        target = in_allowlist if allowlist_path and finding.path == str(allowlist_path) else in_source
        target[finding.line].add(finding.code)
    return dict(in_source), dict(in_allowlist)


def _section_allowlist(section: str) -> Optional[str]:
    blocks = [body for info, body in code_blocks(section) if info.split()[:2] == ["yaml", "allowlist"]]
    assert len(blocks) <= 1, "one allow-list per section"
    return textwrap.dedent(blocks[0]) if blocks else None


def _python_blocks(section: str):
    return [(info, body) for info, body in code_blocks(section) if info.split()[:1] == ["python"]]


def _expected_by_line(source: str) -> Dict[int, Set[str]]:
    expected: Dict[int, Set[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            expected[number] = {c.strip() for c in match.group("codes").split(",")}
    return expected


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_document_structure(code: str) -> None:
    text = DOCUMENTS[code].read_text(encoding="utf-8")
    rule = RULES[code]
    assert text.startswith(f"# {code} {rule.name}\n"), "first line must be '# CODE name'"
    found = sections(text)
    assert list(found)[: len(HEADINGS)] == HEADINGS
    assert _python_blocks(found["Example"]), "an Example needs a python block"
    assert _python_blocks(found["Use instead"]), "Use instead needs a python block"


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_examples_are_flagged_exactly(code: str, tmp_path: Path) -> None:
    found = sections(DOCUMENTS[code].read_text(encoding="utf-8"))
    allowlist = _section_allowlist(found["Example"])
    expected_allowlist = _expected_by_line(allowlist) if allowlist else {}
    for index, (info, body) in enumerate(_python_blocks(found["Example"])):
        source = textwrap.dedent(body)
        expected = _expected_by_line(source)
        assert expected or expected_allowlist, "an Example must mark at least one line with '# error:'"
        marked = list(expected.values()) + list(expected_allowlist.values())
        assert any(code in codes for codes in marked), f"no line is marked {code}"
        block_dir = tmp_path / str(index)
        block_dir.mkdir()
        got_source, got_allowlist = _findings_by_line(code, source, _options(info), allowlist, block_dir)
        assert got_source == expected
        assert got_allowlist == expected_allowlist


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_use_instead_is_clean(code: str, tmp_path: Path) -> None:
    found = sections(DOCUMENTS[code].read_text(encoding="utf-8"))
    allowlist = _section_allowlist(found["Use instead"])
    blocks = _python_blocks(found["Use instead"])
    assert blocks, "Use instead needs a python block"
    for index, (info, body) in enumerate(blocks):
        source = textwrap.dedent(body)
        assert not _expected_by_line(source), "Use instead must not carry error markers"
        block_dir = tmp_path / str(index)
        block_dir.mkdir()
        assert _findings_by_line(code, source, _options(info), allowlist, block_dir) == ({}, {})


# ------------------------------------------------------------------- fixes
# the rules whose findings carry fixes: each documents them in a "Fix" section
RULES_WITH_FIXES = {"XCL101", "XCL103", "XCL104", "XCL107", "XCL108", "XCL201", "XCL303"}


def _fix_cases(section: str):
    """``(options, applicability, before, after, allow-list before, allow-list after)``
    of a Fix section: each ``python fix=safe|unsafe`` block is followed by the
    ``python fixed`` block it must become; ``yaml allowlist`` and ``yaml allowlist
    fixed`` are the allow-list before and after, for every pair of the section."""
    blocks = code_blocks(section)
    allowlists = {"before": None, "after": None}
    for info, body in blocks:
        words = info.split()
        if words[:2] == ["yaml", "allowlist"]:
            allowlists["after" if words[2:] == ["fixed"] else "before"] = textwrap.dedent(body)
    python = [(info.split(), textwrap.dedent(body)) for info, body in blocks if info.split()[:1] == ["python"]]
    assert python and len(python) % 2 == 0, "each 'python fix=...' block is followed by its 'python fixed' block"
    cases = []
    for (before_words, before), (after_words, after) in zip(python[::2], python[1::2]):
        options = dict(word.split("=", 1) for word in before_words[1:])
        assert set(options) <= {"fix", "airflow-version", "select"}, options
        assert options.get("fix") in ("safe", "unsafe"), "the block to fix says fix=safe or fix=unsafe"
        assert after_words == ["python", "fixed"], after_words
        assert (allowlists["before"] is None) == (allowlists["after"] is None)
        applicability = options.pop("fix")
        cases.append((options, applicability, before, after, allowlists["before"], allowlists["after"]))
    return cases


def _fixed(code: str, source: str, allowlist: Optional[str], options: Dict[str, str], unsafe: bool,
           folder: Path) -> Tuple[str, Optional[str], Set[str]]:
    """The example and its allow-list after ``--fix`` (``unsafe``: with
    ``--unsafe-fixes``), in memory, and the codes whose fixes were applied."""
    from xcomlint.autofix import fix_run

    folder.mkdir()
    example = folder / f"{code}_example.py"
    example.write_text(source)
    allowlist_path = folder / "allowlist.yaml" if allowlist is not None else None
    if allowlist_path is not None:
        allowlist_path.write_text(allowlist)
    defaults = {r.code: r.default for r in all_rules()}
    if "select" in options:
        selected = select_codes(defaults, select=options["select"].split(","))
    else:
        selected = select_codes(defaults, extend_select=[code])
    settings = Settings(selected=selected, airflow_version=int(options.get("airflow-version", "3")),
                        allowlist=str(allowlist_path) if allowlist_path else None)
    run = lint_paths([str(example)], settings)
    assert not run.errors and not run.path_errors, (run.errors, run.path_errors)
    outcome = fix_run(run, settings, unsafe=unsafe)
    texts = {path: text for path, (_, text) in outcome.changes.items()}
    return (texts.get(str(example), source),
            texts.get(str(allowlist_path), allowlist) if allowlist_path else None,
            {finding.code for finding in outcome.fixed})


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_fix_sections_show_what_fix_does(code: str, tmp_path: Path) -> None:
    """Applying the fixes to a Fix section's example gives exactly the shown
    result; a fix shown as unsafe is not applied by --fix alone; fixing the
    result again changes nothing."""
    found = sections(DOCUMENTS[code].read_text(encoding="utf-8"))
    assert ("Fix" in found) == (code in RULES_WITH_FIXES)
    if "Fix" not in found:
        return
    for index, (options, applicability, before, after, allow_before, allow_after) in enumerate(_fix_cases(found["Fix"])):
        assert before != after or allow_before != allow_after, "the example must change"
        unsafe = applicability == "unsafe"
        got, got_allowlist, codes = _fixed(code, before, allow_before, options, unsafe, tmp_path / f"{index}")
        assert (got, got_allowlist) == (after, allow_after)
        assert code in codes
        if unsafe:
            safe_only = _fixed(code, before, allow_before, options, False, tmp_path / f"{index}-safe")
            assert safe_only[:2] != (after, allow_after), "a fix shown as unsafe must not be applied by --fix alone"
        again = _fixed(code, after, allow_after, options, unsafe, tmp_path / f"{index}-again")
        assert again[:2] == (after, allow_after)
