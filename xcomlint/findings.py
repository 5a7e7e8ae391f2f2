"""Findings: plain data that reporters only format."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional, Tuple


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
