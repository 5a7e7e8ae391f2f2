"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=dags/etl.py,line=6,col=12,endLine=6,endColumn=44,title=XCL103 pull-unknown-task::message``

Escaping follows the runner's parser (the actions toolkit's ``escapeData`` and
``escapeProperty``): ``%``, CR and LF in the message; additionally ``:`` and
``,`` in property values, which would otherwise end the value.
"""

from __future__ import annotations

from typing import List, Sequence, TextIO, Tuple

from ..findings import Finding
from .severity import github_command


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def properties(finding: Finding) -> List[Tuple[str, str]]:
    props = [("file", finding.path), ("line", str(finding.line)), ("col", str(finding.column))]
    # GitHub only keeps a column range on a one-line annotation; for a span over
    # several lines the annotation points at where the finding starts
    if finding.end_line == finding.line:
        props += [("endLine", str(finding.end_line)), ("endColumn", str(finding.end_column))]
    props.append(("title", f"{finding.code} {finding.name}"))
    return props


def format_finding(finding: Finding) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties(finding))
    return f"::{github_command(finding.severity)} {props}::{escape_data(finding.message)}"


def report(findings: Sequence[Finding], stream: TextIO) -> None:
    for finding in findings:
        stream.write(format_finding(finding) + "\n")
