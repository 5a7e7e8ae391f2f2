"""Coverage said out loud: which pulls the rules could not judge, and why.

xcomlint stays silent where the code is dynamic (SPEC section 1). That keeps
it precise, and it also means a clean run may be a blind one: a DAG whose
task ids are all computed at runtime passes every check. So the run says how
many pulls could not be checked and for what cause (SPEC section 2).

What counts as a pull: every pull the three pull rules would judge, that is
every ``Pull`` record of the run (``xcom_pull`` calls, Jinja template pulls and
XComArg reads), except an XComArg passed only to order tasks (``discarded``:
its value is never read).

When a pull is checked: each of the three questions the pull rules ask could
be answered from the model.

* Its producer (XCL103): the ``task_ids`` are literal and every one is a task
  of the DAG, or is not and XCL103 reports it. A pull without ``task_ids`` is
  XCL101's finding, which it always gets: it counts as checked. An XComArg
  names its producer by construction.
* Its key (XCL104): the key is literal, and when it is not ``return_value``,
  the named task's pushes are fully known (or it pushes nothing: XCL106).
  ``return_value`` is what Airflow pushes for any task that returns, so a pull
  of it is not "unchecked" because the producer is an operator xcomlint does
  not know: counting those would make the number useless, every custom
  operator would add to it. A key ``""`` or ``None`` is XCL108's finding.
* Its place in the graph (XCL102): the pulling task is known by its id, its
  DAG is one the file defines, and every dependency of that DAG is known. A
  pull with ``include_prior_dates=True`` reads earlier runs, and an XComArg
  creates its own dependency: the question does not arise.

Which rules the configuration selects does not matter: this is about what the
model lets the rules see, not about what the user asked to see. A file that
does not parse has no model at all; its syntax error is a finding already.

A pull that is not checked gets one cause, the first that applies in the order
of ``CAUSES``: first what the pull itself writes (the one edit that makes it
checkable), then where it runs, then what its DAG hides, then its producer.
Every cause is read from the plain records (``Pull``, ``Dag``, ``Task``,
``UnknownIds``), never from the syntax tree, so cached models give the same
answer as fresh ones. Lines come from the pulls' spans, which a lint run
resolves only in files where some rule reports: ``line`` is None elsewhere,
and the command line's outputs count per file and cause rather than list lines.

The causes say what the model knows and no more. A DAG the model cannot name
(``CONTEXT_DAG``) says what made it (``Dag.made_by``): "DAG made by an
unresolved call" (a house-made DAG object) or "tasks of a factory no linted
code calls"; "made by code xcomlint cannot follow" when it does not say. A DAG
whose tasks are not all known says why from its ``UnknownIds``: ids computed
at runtime, or code that may add tasks.

A pull in another module of the project that a task of a linted DAG file runs
is counted once, with that task: in the module when it is linted too, else at
the line of the DAG file that brings the code in (where its findings go). The
module's own model holds the same call as a pull no task runs (or one of a
factory no code of the module calls); that copy is not counted again.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

from .knowledge import ALWAYS_ALLOWED_KEY_PREFIXES
from .model.records import (
    ABSENT,
    CONTEXT_DAG,
    HIDDEN_CODE,
    REAL_DAG,
    RETURN_KEY,
    UNKNOWN,
    UNKNOWN_DAGS,
    Dag,
    FileModel,
    Pull,
    Task,
)


@dataclass(frozen=True)
class Cause:
    """Why a pull could not be checked: ``code`` is stable (data outputs key
    their counts by it), ``text`` reads in a sentence."""

    code: str
    text: str


UNPACKED_ARGUMENTS = Cause("unpacked-arguments", "arguments unpacked with *args or **kwargs")
CROSS_DAG = Cause("cross-dag", "cross-DAG pull")
OTHER_RUN = Cause("other-run", "pull from another DAG run")
DYNAMIC_TASK_IDS = Cause("dynamic-task-ids", "task_ids computed at runtime")
DYNAMIC_KEY = Cause("dynamic-key", "key computed at runtime")
UNNAMED_PRODUCER = Cause("unnamed-producer", "XComArg of a task whose id is not known")
OUTSIDE_TASKS = Cause("outside-tasks", "pull outside any task the model sees")
UNKNOWN_DAG = Cause("unknown-dag", "pull by a task whose DAG is not known")
UNRESOLVED_DAG = Cause("unresolved-dag", "DAG made by code xcomlint cannot follow")
UNRESOLVED_CALL_DAG = Cause("unresolved-call-dag", "DAG made by an unresolved call")
FACTORY_TASKS = Cause("factory-tasks", "tasks of a factory no linted code calls")
UNKNOWN_CONSUMER = Cause("unknown-consumer", "pull by a task whose id is not known")
RUNTIME_TASK_IDS = Cause("runtime-task-ids", "DAG whose tasks are not all known, as some ids are computed at runtime")
HIDDEN_TASKS = Cause("hidden-tasks", "DAG whose tasks are not all known, as a call xcomlint cannot follow may add some")
UNKNOWN_EDGES = Cause("unknown-edges", "DAG whose dependencies are not all known")
REPEATED_TASK = Cause("repeated-task", "the named task id is created more than once")
UNKNOWN_PUSHES = Cause("unknown-pushes", "the named task's pushes are not known")

CAUSES: Tuple[Cause, ...] = (
    UNPACKED_ARGUMENTS,
    CROSS_DAG,
    OTHER_RUN,
    DYNAMIC_TASK_IDS,
    DYNAMIC_KEY,
    UNNAMED_PRODUCER,
    OUTSIDE_TASKS,
    UNKNOWN_DAG,
    UNRESOLVED_DAG,
    UNRESOLVED_CALL_DAG,
    FACTORY_TASKS,
    UNKNOWN_CONSUMER,
    RUNTIME_TASK_IDS,
    HIDDEN_TASKS,
    UNKNOWN_EDGES,
    REPEATED_TASK,
    UNKNOWN_PUSHES,
)
"""Every cause, in the order they are tried: a pull gets the first that applies."""

_RANK = {cause: rank for rank, cause in enumerate(CAUSES)}

# What made a DAG the model cannot name (``Dag.made_by``), when the model says so.
_MADE_BY = {"call": UNRESOLVED_CALL_DAG, "factory": FACTORY_TASKS}


class UncheckedPull(NamedTuple):
    """A pull the rules could not judge: where it is (``line`` None when the
    model did not resolve its position) and why."""

    path: str
    line: Optional[int]
    cause: Cause


@dataclass(frozen=True)
class Coverage:
    """What the pull rules could judge in a run.

    ``pulls`` counts every pull, ``unchecked`` lists those not checked (in the
    order of the models and their records), ``dags`` the DAGs that hold some
    of them, ``outside_dags`` those in no DAG the model knows (loose pulls,
    tasks whose DAG is not known)."""

    pulls: int = 0
    unchecked: Tuple[UncheckedPull, ...] = ()
    dags: int = 0
    outside_dags: int = 0

    @property
    def total(self) -> int:
        return len(self.unchecked)

    def by_cause(self, unchecked: Optional[Iterable[UncheckedPull]] = None) -> List[Tuple[Cause, int]]:
        """``(cause, count)``, the most frequent first (ties in the order of ``CAUSES``)."""
        counts = Counter(item.cause for item in (self.unchecked if unchecked is None else unchecked))
        return sorted(counts.items(), key=lambda pair: (-pair[1], _RANK.get(pair[0], len(_RANK))))

    def by_file(self) -> List[Tuple[str, List[Tuple[Cause, int]]]]:
        """Per file (sorted by path), its causes as ``by_cause`` gives them."""
        files: Dict[str, List[UncheckedPull]] = {}
        for item in self.unchecked:
            files.setdefault(item.path, []).append(item)
        return [(path, self.by_cause(files[path])) for path in sorted(files)]

    def to_dict(self) -> dict:
        """The data of ``--statistics --format json``."""
        return {
            "pulls": self.pulls,
            "unchecked": self.total,
            "dags": self.dags,
            "outside_dags": self.outside_dags,
            "by_cause": [_cause_entry(cause, count) for cause, count in self.by_cause()],
            "files": [
                {"path": path, "unchecked": sum(count for _, count in causes),
                 "by_cause": [_cause_entry(cause, count) for cause, count in causes]}
                for path, causes in self.by_file()
            ],
        }

    def sarif_properties(self) -> dict:
        """What SARIF carries in the run's ``properties.xcomlint.uncheckedPulls``."""
        return {
            "total": self.total,
            "pulls": self.pulls,
            "dags": self.dags,
            "outsideDags": self.outside_dags,
            "byCause": {cause.code: count for cause, count in self.by_cause()},
        }

    def statistics_lines(self) -> List[str]:
        """The text of ``--statistics``: each file's causes, counted as the rules are."""
        if not self.unchecked:
            return []
        lines = [f"Pulls not checked ({self.total} of {self.pulls}), by file and cause:"]
        for path, causes in self.by_file():
            lines.extend(f"{count:6d}  {path}: {cause.text}" for cause, count in causes)
        return lines


def _cause_entry(cause: Cause, count: int) -> dict:
    return {"cause": cause.code, "description": cause.text, "count": count}


def coverage(models: Sequence[FileModel], context: Sequence[FileModel] = ()) -> Coverage:
    """Which pulls of these models the pull rules could not judge (see the module's
    docstring). ``context``: models of DAG files linted only for what they find in
    the modules of ``models`` (a helper linted alone); their pulls of those
    modules' code count, no others."""
    linted = {_file_key(model.path): model.path for model in models}
    run_by_tasks = _pulls_run_by_tasks(list(models) + list(context))
    unchecked: List[UncheckedPull] = []
    pulls = 0
    dags: Set[Tuple[str, int]] = set()
    outside = 0
    for model in list(models) + list(context):
        in_context = model not in models
        elsewhere = run_by_tasks.get(_file_key(model.path), ())
        for index, dag in enumerate(model.dags):
            judge = _DagFacts(dag)
            for pull in dag.pulls:
                if in_context and _file_key(_origin(pull) or model.path) not in linted:
                    continue  # the context file's own pull, or one of a module not linted
                if pull.discarded or (dag.kind != REAL_DAG and _run_elsewhere(pull, elsewhere)):
                    continue
                pulls += 1
                cause = judge.cause(pull)
                if cause is None:
                    continue
                unchecked.append(_unchecked(model, pull, cause, linted))
                if dag.kind == UNKNOWN_DAGS:
                    outside += 1
                else:
                    dags.add((model.path, index))
        for pull in model.loose_pulls:
            if in_context or _run_elsewhere(pull, elsewhere):
                continue
            pulls += 1
            cause = _loose_cause(pull)
            if cause is not None:
                unchecked.append(_unchecked(model, pull, cause, linted))
                outside += 1
    return Coverage(pulls, tuple(unchecked), len(dags), outside)


def unchecked_pulls(models: Sequence[FileModel]) -> List[UncheckedPull]:
    """``(path, line, cause)`` of every pull the rules could not judge."""
    return list(coverage(models).unchecked)


# A pull in another module of the project (a helper a task of the linted file
# runs) carries that module in its span: ``span.path``, and ``span.entry``, the
# span of the linted file that brings the code in (SPEC section 7).


def _file_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _origin(pull: Pull) -> Optional[str]:
    return pull.span.path


def _unchecked(model: FileModel, pull: Pull, cause: Cause, linted: Dict[str, str]) -> UncheckedPull:
    """Counted in the file the pull is written in when that file is linted, else
    at the line of the model's file that brings the code in (as findings are)."""
    span = pull.span
    origin = _origin(pull)
    if origin is None:
        return UncheckedPull(model.path, span.line if span.resolved else None, cause)
    path = linted.get(_file_key(origin))
    if path is not None:
        return UncheckedPull(path, span.line if span.resolved else None, cause)
    entry = span.entry
    line = entry.line if entry is not None and entry.resolved else None
    return UncheckedPull(model.path, line, cause)


def _pulls_run_by_tasks(models: Sequence[FileModel]) -> Dict[str, List[Pull]]:
    """Per module, the pulls of its code that tasks of the linted DAG files run."""
    found: Dict[str, List[Pull]] = {}
    for model in models:
        for dag in model.dags:
            for pull in dag.pulls:
                origin = _origin(pull)
                if origin is not None:
                    found.setdefault(_file_key(origin), []).append(pull)
    return found


def _run_elsewhere(pull: Pull, run_by_tasks: Sequence[Pull]) -> bool:
    """Whether a pull of a module's code that no task of the module runs (a
    loose pull, one of a factory no code of the module calls) is one that a
    task of a linted DAG file runs: that file's model counts it, judged with
    its task, and it must not count twice. The same place when both positions
    are known; else the same call, where what the module alone cannot know
    (a task id its caller passes) may be anything."""
    for other in run_by_tasks:
        if pull.span.resolved and other.span.resolved:
            if (pull.span.line, pull.span.column) == (other.span.line, other.span.column):
                return True
        elif pull.via == other.via and all(
            _dynamic(mine) or mine == theirs
            for mine, theirs in ((pull.task_ids, other.task_ids), (pull.key, other.key),
                                 (pull.dag_id, other.dag_id), (pull.run_id, other.run_id))
        ):
            return True
    return False


def _dynamic(value: object) -> bool:
    return value is UNKNOWN or (isinstance(value, tuple) and any(_dynamic(v) for v in value))


def _written(value: object) -> bool:
    return value is not ABSENT and value is not None


def _argument_cause(pull: Pull) -> Optional[Cause]:
    """What the pull itself writes that no rule can judge; None when nothing."""
    if pull.has_star_args:
        return UNPACKED_ARGUMENTS
    if _written(pull.dag_id):
        return CROSS_DAG
    if _written(pull.run_id):
        return OTHER_RUN
    if _dynamic(pull.task_ids):
        return DYNAMIC_TASK_IDS
    if _dynamic(pull.key):
        return DYNAMIC_KEY
    return None


def _names_no_task(pull: Pull) -> bool:
    """No ``task_ids`` (or ``None``): XCL101 judges the pull, whatever else it writes."""
    return not pull.has_star_args and pull.task_ids in (ABSENT, None)


def _loose_cause(pull: Pull) -> Optional[Cause]:
    if pull.via != "xcomarg" and _names_no_task(pull):
        return None
    return _argument_cause(pull) or OUTSIDE_TASKS


def _key_to_check(pull: Pull) -> Optional[str]:
    """The key XCL104 would look for in the producer's pushes; None when there is
    none to look for (``return_value``, an operator link, ``""`` or ``None``: XCL108)."""
    key = pull.effective_key
    if not isinstance(key, str) or not key or key == RETURN_KEY or key.startswith(ALWAYS_ALLOWED_KEY_PREFIXES):
        return None
    return key


class _DagFacts:
    """One DAG's tasks, looked up once for all its pulls."""

    def __init__(self, dag: Dag) -> None:
        self.dag = dag
        self.task_ids: Set[str] = set(dag.task_ids)
        self.tasks: Dict[str, Task] = {}
        self.repeated: Set[str] = set()
        for task in dag.tasks:
            if isinstance(task.task_id, str):
                if task.task_id in self.tasks:
                    self.repeated.add(task.task_id)
                self.tasks[task.task_id] = task

    def cause(self, pull: Pull) -> Optional[Cause]:
        if pull.via == "xcomarg":
            return self._xcomarg_cause(pull)
        if _names_no_task(pull):
            return None
        dag = self.dag
        found = _argument_cause(pull)
        if found is DYNAMIC_TASK_IDS and self._shape_reported(pull):
            return None  # XCL103 reports that no task has an id of that shape
        if found is not None:
            return found
        if dag.kind == UNKNOWN_DAGS:
            return UNKNOWN_DAG
        unnamed = _MADE_BY.get(dag.made_by or "", UNRESOLVED_DAG) if dag.kind == CONTEXT_DAG else None
        causes: List[Optional[Cause]] = []
        producers = [p for p in pull.producers if isinstance(p, str)]
        existing = [p for p in producers if p in self.task_ids]
        for producer in producers:
            if producer not in self.task_ids:
                cause = self._undecided_producer(producer)
                # in a DAG the model cannot name, the code that made it is what hides its tasks
                causes.append(unnamed if cause is HIDDEN_TASKS and unnamed is not None else cause)
        if pull.include_prior_dates is not True and any(p != pull.consumer for p in existing):
            # XCL102's question: is every producer upstream of the pulling task?
            if unnamed is not None:
                causes.append(unnamed)
            elif not isinstance(pull.consumer, str):
                causes.append(UNKNOWN_CONSUMER)
            elif not dag.edges_complete:
                causes.append(UNKNOWN_EDGES)
        key = _key_to_check(pull)
        if key is not None:
            causes.extend(self._pushes_cause(producer) for producer in existing)
        return _first(causes)

    def _shape_reported(self, pull: Pull) -> bool:
        """XCL103 judges a ``task_ids`` of known and unknown parts in a DAG whose
        every task is known: it reports the pull when no task has that shape."""
        from .rules.pull_unknown_task import shape_fits_some_task

        parts = pull.task_ids_parts
        return (pull.task_ids is UNKNOWN and parts is not None and self.dag.kind != UNKNOWN_DAGS
                and self.dag.tasks_complete and not shape_fits_some_task(parts, self.task_ids))

    def _undecided_producer(self, producer: str) -> Optional[Cause]:
        """None when XCL103 reports the missing id; else the tasks it may be."""
        from .rules.pull_unknown_task import producer_decidable
        from .rules.suggest import grouped_id

        if producer_decidable(self.dag, producer, self.task_ids, grouped_id(producer, self.task_ids)):
            return None
        if any(unknown.origin != HIDDEN_CODE for unknown in self.dag.unknown_tasks_named(producer)):
            return RUNTIME_TASK_IDS
        return HIDDEN_TASKS

    def _pushes_cause(self, producer: str) -> Optional[Cause]:
        if producer in self.repeated:
            return REPEATED_TASK
        task = self.tasks.get(producer)
        if task is None or not (task.pushes_known or task.pushes_nothing):
            return UNKNOWN_PUSHES
        return None

    def _xcomarg_cause(self, pull: Pull) -> Optional[Cause]:
        """An XComArg is its producer's own output, read downstream of it: only
        its key can be wrong, and only a key other than ``return_value``."""
        if _dynamic(pull.key):
            return DYNAMIC_KEY
        if _key_to_check(pull) is None:
            return None
        if not isinstance(pull.task_ids, str):
            return UNNAMED_PRODUCER
        if self.dag.kind == UNKNOWN_DAGS:
            return UNKNOWN_DAG
        return self._pushes_cause(pull.task_ids)


def _first(causes: Iterable[Optional[Cause]]) -> Optional[Cause]:
    found = [cause for cause in causes if cause is not None]
    return min(found, key=_RANK.__getitem__) if found else None
