"""The allow-list as plain data, and the matching rules every XCL3xx rule shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Dict, Optional, Tuple

from .errors import AllowListError

RETURN_KEY = "return_value"
__all__ = ["AllowListError"]  # raised by the loader, defined apart (see errors)


def matches(task_id: str, pattern: str) -> bool:
    """Task ids are full ids (``group.task``); ``*`` and ``?`` globs are allowed."""
    return fnmatchcase(task_id, pattern)


# a (line, column) in the allow-list file, 1-based
Position = Tuple[int, int]
# the text to delete to remove an entry, with its dash, its own comments and
# line breaks: (line, column, end line, end column), 1-based, the end exclusive;
# None where the entry does not stand on lines of its own (flow style)
Removal = Tuple[int, int, int, int]


@dataclass(frozen=True)
class XComRule:
    """``from`` may push ``key``, and the tasks matching ``to`` may pull it."""

    producer: str
    key: str
    consumers: Tuple[str, ...]
    exclusive: bool
    line: int
    column: int
    # where the ``from`` value and each ``to`` item stand (for findings about them)
    producer_at: Optional[Position] = None
    consumers_at: Tuple[Position, ...] = ()
    removal: Optional[Removal] = None

    def allows_push(self, task_id: str, key: str) -> bool:
        return key == self.key and matches(task_id, self.producer)

    def allows(self, producer: str, key: str, consumer: str) -> bool:
        return self.allows_push(producer, key) and any(matches(consumer, c) for c in self.consumers)


@dataclass(frozen=True)
class CrossDagRule:
    """Tasks matching ``to`` may pull ``key`` from task ``from`` of DAG ``dag``."""

    dag: str
    producer: str
    key: str
    consumers: Tuple[str, ...]
    line: int
    column: int
    dag_at: Optional[Position] = None
    producer_at: Optional[Position] = None
    consumers_at: Tuple[Position, ...] = ()
    removal: Optional[Removal] = None

    def allows(self, dag: str, producer: str, key: str, consumer: str) -> bool:
        return (
            matches(dag, self.dag)
            and matches(producer, self.producer)
            and key == self.key
            and any(matches(consumer, c) for c in self.consumers)
        )


@dataclass(frozen=True)
class DagRules:
    """The entries of one DAG of the allow-list, and where the DAG is named in the file."""

    dag_id: str
    xcoms: Tuple[XComRule, ...] = ()
    cross_dag: Tuple[CrossDagRule, ...] = ()
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class AllowList:
    """A loaded allow-list: its path, format version and entries per DAG id."""

    path: str
    version: int = 1
    dags: Dict[str, DagRules] = field(default_factory=dict)

    def rules_for(self, dag_id: object) -> Optional[DagRules]:
        return self.dags.get(dag_id) if isinstance(dag_id, str) else None
