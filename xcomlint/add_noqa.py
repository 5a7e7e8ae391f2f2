"""``xcomlint check --add-noqa``: a ``# noqa: CODE`` on the line of every current
finding, for adopting xcomlint on a large repository (ruff's ``--add-noqa``).

The comment goes where ``# noqa`` is read: the finding's line, or, for a
finding inside a multi-line string (a template), the line where the string
ends. A line that already has a ``# noqa: CODES`` comment gets the new codes
merged into it; other comments stay as they are. A line where a comment would
change the code (inside a string, after a backslash continuation) is left
alone and its finding is reported as before. Files keep their encoding, byte
order mark and line endings.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Collection, Dict, List, Optional, Sequence, Set, Tuple

from .findings import Finding
from .noqa import _LINE

# a finding no comment in a Python file can silence
_NOT_SUPPRESSIBLE = frozenset({"XCL001", "XCL002"})
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class AddedNoqa:
    directives: int = 0
    files: int = 0
    # findings no directive could be added for: still reported
    remaining: List[Finding] = field(default_factory=list)

    def summary(self) -> str:
        if not self.directives:
            return "Added no noqa directives."
        plural = "s" if self.directives != 1 else ""
        return f"Added {self.directives} noqa directive{plural} to {self.files} file{'s' if self.files != 1 else ''}."


def _comment_lines(text: str) -> Optional[Tuple[Set[int], Dict[int, Tuple[int, str]]]]:
    """Lines a comment cannot be appended to (inside a string token that goes
    on, or ending in a backslash continuation), and each line's comment as
    (column, text). None when the file does not tokenize."""
    blocked: Set[int] = set()
    comments: Dict[int, Tuple[int, str]] = {}
    open_fstrings: List[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, _, start, end, line = token
            name = tokenize.tok_name.get(kind, "")
            if name == "FSTRING_START":
                open_fstrings.append(start[0])
            elif name == "FSTRING_END" and open_fstrings:
                blocked.update(range(open_fstrings.pop(), end[0]))
            elif kind == tokenize.STRING and end[0] > start[0]:
                blocked.update(range(start[0], end[0]))
            elif kind == tokenize.COMMENT:
                comments[start[0]] = (start[1], token.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    for number, line in enumerate(_PHYSICAL_LINE.findall(text), start=1):
        if line.rstrip("\r\n").endswith("\\") and number not in comments:
            blocked.add(number)
    return blocked, comments


def _merged(line: str, codes: Sequence[str], comment: Optional[Tuple[int, str]]) -> str:
    body = line.rstrip("\r\n")
    newline = line[len(body):]
    if comment is not None:
        column, text = comment
        match = _LINE.search(text)
        if match and match.group("codes"):
            existing = re.split(r"[,\s]+", match.group("codes").strip())
            added = [c for c in codes if not any(c.startswith(e.upper()) for e in existing)]
            directive = "# noqa: " + ", ".join(existing + added)
            start = column + match.start()
            return body[:start] + directive + body[column + match.end():] + newline
    return body.rstrip() + "  # noqa: " + ", ".join(codes) + newline


def noqa_lines(text: str, findings: Sequence[Finding]) -> Optional[Tuple[Dict[int, str], List[Finding]]]:
    """The lines of ``text`` that get a directive, each with its new text (its
    line break kept), and the findings no directive could be added for; None
    when the text does not tokenize. ``--add-noqa`` writes the lines into the
    file, the language server offers them as an edit of the buffer."""
    if any(finding.code in _NOT_SUPPRESSIBLE for finding in findings):
        raise ValueError("XCL001 and XCL002 cannot be silenced by a noqa comment")
    scanned = _comment_lines(text)
    if scanned is None:
        return None
    blocked, comments = scanned
    lines = _PHYSICAL_LINE.findall(text)
    codes_by_line: Dict[int, List[str]] = defaultdict(list)
    remaining: List[Finding] = []
    for finding in findings:
        target = next((n for n in (finding.line, *finding.noqa_lines) if 1 <= n <= len(lines) and n not in blocked), None)
        if target is None:
            remaining.append(finding)
        elif finding.code not in codes_by_line[target]:
            codes_by_line[target].append(finding.code)
    changed = {number: _merged(lines[number - 1], sorted(codes), comments.get(number))
               for number, codes in codes_by_line.items()}
    return changed, remaining


def suppressible(finding: Finding) -> bool:
    """Whether a ``# noqa`` comment in a Python file can silence the finding."""
    return finding.code not in _NOT_SUPPRESSIBLE


def _edit_file(path: str, wanted: Dict[int, List[Finding]]) -> Tuple[int, List[Finding]]:
    """Add the directives to one file: how many, and the findings left without one."""
    everything = [finding for findings in wanted.values() for finding in findings]
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return 0, everything
    found = noqa_lines(text, everything)
    if found is None:
        return 0, everything
    changed, remaining = found
    if changed:
        lines = _PHYSICAL_LINE.findall(text)
        for number, line in changed.items():
            lines[number - 1] = line
        try:
            with open(path, "wb") as handle:
                handle.write("".join(lines).encode(encoding))
        except OSError:
            return 0, everything
    return len(changed), remaining


def add_noqa_directives(findings: Sequence[Finding], linted: Collection[str]) -> AddedNoqa:
    """Edit the linted files so that each finding is silenced where possible."""
    result = AddedNoqa()
    by_file: Dict[str, Dict[int, List[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if not suppressible(finding) or finding.path not in linted:
            result.remaining.append(finding)  # the allow-list's findings are fixed in the allow-list
        else:
            by_file[finding.path][finding.line].append(finding)
    for path in sorted(by_file):
        count, remaining = _edit_file(path, by_file[path])
        result.directives += count
        result.files += 1 if count else 0
        result.remaining.extend(remaining)
    result.remaining.sort(key=lambda f: f.sort_key)
    return result
