"""``path:line:col: CODE name: message``, the flake8 shape editors' matchers read."""

from __future__ import annotations

from typing import Sequence, TextIO

from ..findings import Finding


def one_line(message: str) -> str:
    """Editors and CI problem matchers read one finding per line, so a line break
    inside a message (from a parser's error text, say) becomes a space."""
    return " ".join(message.splitlines())


def format_finding(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.name}: {one_line(finding.message)}"


def report(findings: Sequence[Finding], stream: TextIO) -> None:
    for finding in findings:
        stream.write(format_finding(finding) + "\n")
