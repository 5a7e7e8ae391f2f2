"""Findings: plain data that reporters only format."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import FrozenSet, Optional, Tuple


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    severity: str
    dag_id: Optional[str] = None
    task_id: Optional[str] = None
    # further lines where a ``# noqa`` comment also silences this finding
    noqa_lines: Tuple[int, ...] = ()

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("noqa_lines")
        return data


@dataclass(frozen=True)
class InternalError:
    """A failure inside xcomlint itself (a rule that raised), never the user's fault."""

    path: str
    message: str
    rule: Optional[str] = None


@dataclass(frozen=True)
class NoqaDirective:
    """A ``# noqa: CODES`` comment that names codes: where it stands (1-based,
    the end exclusive) and the codes as written, upper-cased."""

    line: int
    column: int
    end_column: int
    codes: Tuple[str, ...]


@dataclass(frozen=True)
class NoqaUse:
    """What XCL002 (unused-noqa) judges in one file: its directives, which
    ``(line, finding code)`` a line directive suppressed, the codes of the rules
    that ran on the file (a code whose rule did not run cannot be judged), and
    the file-level exemption (``# xcomlint: noqa``), if any."""

    directives: Tuple[NoqaDirective, ...]
    used: FrozenSet[Tuple[int, str]]
    ran: FrozenSet[str]
    file_codes: Optional[Tuple[str, ...]] = None
