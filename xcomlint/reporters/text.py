"""``path:line:col: CODE name: message``, the flake8 shape editors' matchers read."""

from __future__ import annotations

from typing import Sequence, TextIO

from ..findings import Finding
from .style import PLAIN, SEVERITY_STYLES, Style


def one_line(message: str) -> str:
    """Editors and CI problem matchers read one finding per line, so a line break
    inside a message (from a parser's error text, say) becomes a space."""
    return " ".join(message.splitlines())


def format_finding(finding: Finding, style: Style = PLAIN) -> str:
    colon = style(":", "cyan")
    code = style(finding.code, *SEVERITY_STYLES.get(finding.severity, ("bold",)))
    return (f"{style(finding.path, 'bold')}{colon}{finding.line}{colon}{finding.column}{colon} "
            f"{code} {finding.name}: {one_line(finding.message)}")


def report(findings: Sequence[Finding], stream: TextIO, color: bool = False) -> None:
    style = Style(color)
    for finding in findings:
        stream.write(format_finding(finding, style) + "\n")
