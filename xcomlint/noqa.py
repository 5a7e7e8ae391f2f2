"""Suppression comments: one implementation for the CLI and the flake8 plugin.

``# noqa`` and ``# noqa: XCL103,XCL104`` on the line a finding points at (for a
finding inside a multi-line string, the line where the string ends counts
too); ``# xcomlint: noqa`` or ``# xcomlint: noqa: XCL2`` anywhere on a line of
its own for the whole file. Codes may be prefixes, as with ``--select``.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Tuple

from .findings import NoqaDirective
from .model.records import NoqaTable

# the same shape flake8 accepts: "# noqa", "#noqa:E1,W2", "# NOQA : XCL1 XCL2"
_LINE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)
_FILE = re.compile(
    r"^\s*#\s*xcomlint\s*:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SPLIT = re.compile(r"[,\s]+")
_NO_NOQA = NoqaTable((), None)


def _codes(text: Optional[str]) -> Tuple[str, ...]:
    if not text:
        return ()
    return tuple(code.upper() for code in _SPLIT.split(text.strip()) if code)


def parse_noqa(source: str) -> NoqaTable:
    if "noqa" not in source.lower():
        return _NO_NOQA  # both kinds of comment say noqa: most files skip both searches
    lines: Dict[int, Tuple[str, ...]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        match = _LINE.search(line)
        if match:
            lines[number] = _codes(match.group("codes"))
    file_codes: Optional[Tuple[str, ...]] = None
    for match in _FILE.finditer(source):
        file_codes = (file_codes or ()) + _codes(match.group("codes"))
        if not match.group("codes"):
            file_codes = ()
            break
    return NoqaTable(tuple(sorted(lines.items())), file_codes)


def _matches(code: str, codes: Tuple[str, ...]) -> bool:
    return not codes or any(code.startswith(prefix) for prefix in codes)


def suppressing_lines(code: str, lines: Iterable[int], table: NoqaTable) -> List[int]:
    """Which of ``lines`` carry a ``# noqa`` that silences a finding with ``code``."""
    by_line = dict(table.lines)
    return [line for line in lines if line in by_line and _matches(code, by_line[line])]


def is_suppressed(code: str, lines: Iterable[int], table: NoqaTable) -> bool:
    """Whether a finding with ``code`` reported at any of ``lines`` is silenced."""
    if table.file_codes is not None and _matches(code, table.file_codes):
        return True
    return bool(suppressing_lines(code, lines, table))


def directives(source: str) -> Tuple[NoqaDirective, ...]:
    """Every line ``# noqa`` that names codes, with its position: what XCL002
    judges (a bare ``# noqa`` silences everything, other tools' codes too)."""
    found: List[NoqaDirective] = []
    if "noqa" not in source.lower():
        return ()
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        match = _LINE.search(line)
        if match and match.group("codes"):
            found.append(NoqaDirective(number, match.start() + 1, match.end() + 1, _codes(match.group("codes"))))
    return tuple(found)
