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
