"""Every rule has a document in rules/, and every document's examples are executed.

In an "Example" block, each line ending in ``# error: XCL103`` (or several
codes, comma-separated) must get exactly those findings and no other line may
get any; every "Use instead" block must be clean. A fence's info string may
carry options: ``python airflow-version=2`` or ``python select=XCL105``.
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from typing import Dict, Set

import pytest

from xcomlint.docs import all_documents, code_blocks, sections
from xcomlint.engine import lint_source
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


def _findings_by_line(code: str, source: str, options: Dict[str, str]) -> Dict[int, Set[str]]:
    defaults = {r.code: r.default for r in all_rules()}
    if "select" in options:
        selected = select_codes(defaults, select=options["select"].split(","))
    else:
        selected = select_codes(defaults, extend_select=[code])
    settings = Settings(selected=selected, airflow_version=int(options.get("airflow-version", "3")))
    result = lint_source(f"{code}_example.py", source, settings)
    assert not result.errors, result.errors
    found: Dict[int, Set[str]] = defaultdict(set)
    for finding in result.findings:
        found[finding.line].add(finding.code)
    return dict(found)


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
    assert code_blocks(found["Example"]), "an Example needs a python block"
    assert code_blocks(found["Use instead"]), "Use instead needs a python block"


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_examples_are_flagged_exactly(code: str) -> None:
    found = sections(DOCUMENTS[code].read_text(encoding="utf-8"))
    for info, body in code_blocks(found["Example"]):
        source = textwrap.dedent(body)
        expected = _expected_by_line(source)
        assert expected, "an Example must mark at least one line with '# error:'"
        assert any(code in codes for codes in expected.values()), f"no line is marked {code}"
        assert _findings_by_line(code, source, _options(info)) == expected


@pytest.mark.parametrize("code", sorted(DOCUMENTS))
def test_use_instead_is_clean(code: str) -> None:
    found = sections(DOCUMENTS[code].read_text(encoding="utf-8"))
    for info, body in code_blocks(found["Use instead"]):
        source = textwrap.dedent(body)
        assert not _expected_by_line(source), "Use instead must not carry error markers"
        assert _findings_by_line(code, source, _options(info)) == {}
