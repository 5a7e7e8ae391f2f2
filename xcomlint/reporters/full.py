"""``--format full`` (or ``--show-source``): each finding's text line, then the
source around it with a caret under the exact span, and the rule's document.

    dags/etl.py:6:12: XCL103 pull-unknown-task: task 'extarct' does not exist ...
      |
    5 | def load(ti):
    6 |     return ti.xcom_pull(task_ids="extarct")
      |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ XCL103
    7 |
      |
      = docs: https://github.com/xcomlint/xcomlint/blob/main/rules/XCL103.md

The source is read again from the finding's file (or taken from ``sources``,
for standard input); a file that cannot be read shows the text line only.
"""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
from typing import Callable, Dict, List, Mapping, Optional, Sequence, TextIO

from ..docs import document_url
from ..findings import Finding
from .style import SEVERITY_STYLES, Style
from .text import format_finding

CONTEXT_LINES = 2  # before and after the span, as ruff shows
MAX_SPAN_LINES = 8  # a longer span shows its first lines and its last
TAB_WIDTH = 4
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

SourceReader = Callable[[str], Optional[List[str]]]


def read_lines(path: str) -> Optional[List[str]]:
    """The file's lines as Python counts them (a form feed is no line break),
    decoded as Python decodes a source file; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    text = data.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
    return _LINE_BREAK.split(text.lstrip("\ufeff"))


def _width(text: str) -> int:
    """Terminal columns: wide East Asian characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _expand(text: str) -> str:
    return text.expandtabs(TAB_WIDTH)


def _last_line(finding: Finding) -> int:
    """The last line the span covers: an end at column 1 stops before its line."""
    if finding.end_line > finding.line and finding.end_column <= 1:
        return finding.end_line - 1
    return max(finding.end_line, finding.line)


def _shown_lines(finding: Finding, total: int) -> List[int]:
    first = max(1, finding.line - CONTEXT_LINES)
    last_span_line = _last_line(finding)
    last = min(total, last_span_line + CONTEXT_LINES)
    numbers = list(range(first, last + 1))
    if last_span_line - finding.line + 1 > MAX_SPAN_LINES:
        cut_from, cut_to = finding.line + MAX_SPAN_LINES // 2, last_span_line - MAX_SPAN_LINES // 2
        numbers = [n for n in numbers if not cut_from <= n <= cut_to]
    return numbers


def _carets(finding: Finding, number: int, text: str) -> Optional[tuple]:
    """The (start, width) in display columns of the span on line ``number``."""
    if not finding.line <= number <= _last_line(finding):
        return None
    start = finding.column - 1 if number == finding.line else len(text) - len(text.lstrip())
    end = finding.end_column - 1 if number == finding.end_line else len(text.rstrip())
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    offset = _width(_expand(text[:start]))
    width = _width(_expand(text[:end])) - offset
    return offset, max(1, width)


def format_source(finding: Finding, lines: Sequence[str], style: Style) -> List[str]:
    numbers = _shown_lines(finding, len(lines))
    if not numbers or finding.line > len(lines):
        return []
    gutter = len(str(numbers[-1]))
    bar = style("|", "bold", "blue")
    empty_gutter = " " * gutter + " " + bar
    out = [empty_gutter]
    previous = None
    last_span_line = max(n for n in numbers if n <= _last_line(finding))
    for number in numbers:
        if previous is not None and number != previous + 1:
            out.append(style("...", "bold", "blue"))
        previous = number
        text = lines[number - 1]
        shown = _expand(text).rstrip()
        out.append(f"{style(str(number).rjust(gutter), 'bold', 'blue')} {bar}" + (f" {shown}" if shown else ""))
        carets = _carets(finding, number, text)
        if carets is not None:
            offset, width = carets
            label = f" {finding.code}" if number == last_span_line else ""
            underline = style("^" * width + label, *SEVERITY_STYLES.get(finding.severity, ("bold",)))
            out.append(f"{empty_gutter} {' ' * offset}{underline}")
    out.append(empty_gutter)
    return out


def report(findings: Sequence[Finding], stream: TextIO, color: bool = False,
           sources: Optional[Mapping[str, str]] = None, read: SourceReader = read_lines) -> None:
    style = Style(color)
    cache: Dict[str, Optional[List[str]]] = {}
    for index, finding in enumerate(findings):
        if index:
            stream.write("\n")
        stream.write(format_finding(finding, style) + "\n")
        if finding.path not in cache:
            if sources is not None and finding.path in sources:
                cache[finding.path] = _LINE_BREAK.split(sources[finding.path])
            else:
                cache[finding.path] = read(finding.path)
        lines = cache[finding.path]
        shown = format_source(finding, lines, style) if lines else []
        for line in shown:
            stream.write(line + "\n")
        gutter = len(str(_shown_lines(finding, len(lines))[-1])) if shown and lines else 0
        stream.write(f"{' ' * max(gutter, 1)} {style('=', 'bold', 'blue')} docs: {document_url(finding.code)}\n")
