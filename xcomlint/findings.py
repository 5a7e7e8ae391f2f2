"""Findings: plain data that reporters only format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple

SAFE = "safe"  # keeps what the code does, or does what it evidently means: applied by --fix
UNSAFE = "unsafe"  # may change what the code does: applied only with --unsafe-fixes
APPLICABILITIES = (SAFE, UNSAFE)


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``line:column`` to ``end_line:end_column`` (1-based,
    the end exclusive, as findings count) with ``content``: an insertion when
    both ends are the same place, a deletion when ``content`` is empty."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @property
    def start(self) -> Tuple[int, int]:
        return (self.line, self.column)

    @property
    def end(self) -> Tuple[int, int]:
        return (self.end_line, self.end_column)

    def to_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "content": self.content}


@dataclass(frozen=True)
class Fix:
    """What a finding's fix does (``message``), how sure it is (``applicability``),
    and its text edits, all in the finding's own file; they never overlap."""

    message: str
    applicability: str
    edits: Tuple[Edit, ...]

    def to_dict(self) -> dict:
        return {"message": self.message, "applicability": self.applicability,
                "edits": [edit.to_dict() for edit in self.edits]}


@dataclass(frozen=True)
class Finding:
    """One problem a rule reports: where (1-based, the end exclusive), which rule, what, and
    the fix it offers, if any."""

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
    fix: Optional[Fix] = None
    # for a finding in another module of the project than the linted file whose
    # model made it: (path, line, column, end_line, end_column) of the line of
    # that file that brings the code in, where it goes when ``path`` is not linted
    entry: Optional[Tuple[str, int, int, int, int]] = None

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def fixable(self, unsafe: bool = False) -> bool:
        """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) applies this finding's fix."""
        return self.fix is not None and (unsafe or self.fix.applicability == SAFE)

    def to_dict(self) -> dict:
        """The finding as JSON reports it (``noqa_lines`` is internal)."""
        return {
            "path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
            "end_column": self.end_column, "code": self.code, "name": self.name, "message": self.message,
            "severity": self.severity, "dag_id": self.dag_id, "task_id": self.task_id,
            "fix": self.fix.to_dict() if self.fix is not None else None,
        }


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
