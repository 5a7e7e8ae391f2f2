"""Findings as LSP diagnostics: the rule's code, a link to its document, the
severity the rule gave."""

from __future__ import annotations

from typing import List, Sequence

from lsprotocol import types

from ..docs import document_url
from ..findings import Finding
from .positions import TextLines

SOURCE = "xcomlint"

_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def finding_range(finding: Finding, lines: TextLines) -> types.Range:
    return lines.range(finding.line, finding.column, finding.end_line, finding.end_column)


def diagnostic(finding: Finding, lines: TextLines) -> types.Diagnostic:
    tags = [types.DiagnosticTag.Unnecessary] if finding.code == "XCL002" else None  # an unused noqa
    return types.Diagnostic(
        range=finding_range(finding, lines),
        message=finding.message,
        severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=document_url(finding.code)),
        source=SOURCE,
        tags=tags,
    )


def diagnostics(findings: Sequence[Finding], lines: TextLines) -> List[types.Diagnostic]:
    return [diagnostic(finding, lines) for finding in findings]
