"""The allow-list's verdict on one XCom read or write made by a running task.

The same matching as the static XCL301, XCL302, XCL304 and XCL305 rules, asked
at runtime with the real task ids: a DAG not listed is not judged, a task may
always read its own XComs, a read from another DAG is checked against the
reading DAG's ``cross_dag``, and a return value is judged where it is read, not
where it is written. No Airflow import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from ..allowlist.records import RETURN_KEY, AllowList, DagRules, XComRule, matches

# Keys Airflow writes and reads for its own bookkeeping, not task data: branch and
# short-circuit operators record skipped tasks under skipmixin_key (the scheduler
# reads it), depends_on_past records past_depends_met, and Airflow 2's lineage
# records the inlets and outlets (datasets) of a task.
AIRFLOW_KEYS = frozenset({"skipmixin_key", "past_depends_met", "pipeline_inlets", "pipeline_outlets"})

# The reader of an exclusive key records its read as an XCom of its own under this
# prefix (see claim_key); those records are the backend's, never judged.
CLAIM_PREFIX = "xcomlint.read."

_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class Verdict:
    denial: Optional[str] = None  # the message, when the read or write is not permitted
    exclusive: Optional[XComRule] = None  # a permitted read of an exclusive key: one reader per run


ALLOWED = Verdict()


def claim_key(producer: str, key: str) -> str:
    return f"{CLAIM_PREFIX}{producer}.{key}"


def unjudged_key(key: object) -> bool:
    """Airflow's own keys and the backend's records: never task data. Checked before the
    allow-list is even loaded, so that Airflow's bookkeeping outside tasks never depends on it."""
    return isinstance(key, str) and (key in AIRFLOW_KEYS or key.startswith(CLAIM_PREFIX))


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


class Policy:
    """Verdicts for one loaded allow-list, each worked out once per process."""

    def __init__(self, allowlist: AllowList) -> None:
        self.allowlist = allowlist
        self._pulls: Dict[Tuple[str, str, str, str, str], Verdict] = {}
        self._pushes: Dict[Tuple[str, str, str], Verdict] = {}

    def _where(self, line: int) -> str:
        return f"{self.allowlist.path}:{line}"

    def pull(self, consumer_dag: str, consumer: str, dag_id: str, producer: str, key: str) -> Verdict:
        """Task ``consumer`` of DAG ``consumer_dag`` reads ``key`` of task ``producer`` of DAG ``dag_id``."""
        memo = (consumer_dag, consumer, dag_id, producer, key)
        verdict = self._pulls.get(memo)
        if verdict is None:
            verdict = self._pulls[memo] = self._pull(*memo)
        return verdict

    def _pull(self, consumer_dag: str, consumer: str, dag_id: str, producer: str, key: str) -> Verdict:
        rules = self.allowlist.rules_for(consumer_dag)
        if rules is None or not isinstance(key, str) or unjudged_key(key) or not isinstance(producer, str):
            return ALLOWED
        if dag_id != consumer_dag:
            return self._cross_dag(rules, consumer, dag_id, producer, key)
        if producer == consumer:
            return ALLOWED  # a task's own XComs
        for entry in rules.xcoms:
            if entry.allows(producer, key, consumer):
                return Verdict(exclusive=entry) if entry.exclusive else ALLOWED
        declared = [entry for entry in rules.xcoms if entry.allows_push(producer, key)]
        readers = sorted({c for entry in declared for c in entry.consumers})
        permits = f"permits only {_quoted(readers)}" if readers else "permits no task to read it"
        line = declared[0].line if declared else rules.line
        return Verdict(denial=(
            f"xcomlint: DAG '{consumer_dag}': task '{consumer}' may not read key '{key}' of task '{producer}'; "
            f"the allow-list {permits} ({self._where(line)})"
        ))

    def _cross_dag(self, rules: DagRules, consumer: str, dag_id: str, producer: str, key: str) -> Verdict:
        if any(entry.allows(dag_id, producer, key, consumer) for entry in rules.cross_dag):
            return ALLOWED
        near = [e for e in rules.cross_dag if matches(dag_id, e.dag) and matches(producer, e.producer) and e.key == key]
        line = near[0].line if near else rules.line
        return Verdict(denial=(
            f"xcomlint: DAG '{rules.dag_id}': task '{consumer}' may not read key '{key}' of task '{producer}' "
            f"in DAG '{dag_id}'; the allow-list's cross_dag for '{rules.dag_id}' does not permit it "
            f"({self._where(line)})"
        ))

    def push(self, dag_id: str, task_id: str, key: str) -> Verdict:
        """Task ``task_id`` of DAG ``dag_id`` writes ``key`` by hand (not its return value)."""
        memo = (dag_id, task_id, key)
        verdict = self._pushes.get(memo)
        if verdict is None:
            verdict = self._pushes[memo] = self._push(*memo)
        return verdict

    def _push(self, dag_id: str, task_id: str, key: str) -> Verdict:
        rules = self.allowlist.rules_for(dag_id)
        if rules is None or not isinstance(key, str) or unjudged_key(key) or key == RETURN_KEY:
            return ALLOWED
        if any(entry.allows_push(task_id, key) for entry in rules.xcoms):
            return ALLOWED
        return Verdict(denial=(
            f"xcomlint: DAG '{dag_id}': task '{task_id}' may not push key '{key}'; the allow-list declares no "
            f"such key for that task ({self._where(rules.line)})"
        ))

    def exclusive_denial(self, entry: XComRule, dag_id: str, consumer: str, producer: str, key: str, other: str) -> str:
        return (
            f"xcomlint: DAG '{dag_id}': task '{consumer}' may not read key '{key}' of task '{producer}'; the key "
            f"is exclusive and task '{other}' has read it in this run ({self._where(entry.line)})"
        )


def other_readers(entry: XComRule, consumer: str, dag_task_ids: Optional[Iterable[str]]) -> List[str]:
    """The other tasks the entry lets read its key: those that could have claimed it first.

    With the DAG's task ids the ``to`` patterns are matched against them; without
    (a read from a callback after the task ran) only the plain ids are known.
    """
    if dag_task_ids is not None:
        return sorted(t for t in dag_task_ids if t != consumer and any(matches(t, c) for c in entry.consumers))
    return sorted({c for c in entry.consumers if c != consumer and not (_GLOB & set(c))})
