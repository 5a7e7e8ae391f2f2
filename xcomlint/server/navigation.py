"""The XCom graph as navigation: what stands at a place of a file, where a pull
reads from, who reads a task or a push, and what to say about either.

Everything is read from the model (``model.records``), as ``xcomlint graph``
draws it: a pull names its producers (``Pull.producers``) and its key
(``Pull.effective_key``), a producer is a task of the same DAG, and what it
pushes are the DAG's ``Push`` records of that task. Records made from code of
another module of the project name that module in their span (``Span.path``),
so a DAG file's model also leads into its helpers, and the model of a DAG file
that imports a helper tells what the helper's pulls and pushes are part of.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from ..findings import Finding
from ..graphs.view import key_text
from ..model.graph import upstream_closure
from ..model.records import Dag, FileModel, Pull, Push, Span, Task
from ..rules.pulls import named_producers


@dataclass(frozen=True)
class Place:
    """A span in a file (absolute path)."""

    path: str
    span: Span


@dataclass(frozen=True)
class PullHit:
    """A pull at the place asked about; ``argument`` is ``task_ids`` or ``key``
    when the place is on that argument's value."""

    model: FileModel
    dag: Optional[Dag]
    pull: Pull
    argument: Optional[str]


@dataclass(frozen=True)
class PushHit:
    model: FileModel
    dag: Dag
    push: Push


@dataclass(frozen=True)
class TaskHit:
    model: FileModel
    dag: Dag
    task: Task


Hit = Union[PullHit, PushHit, TaskHit]


def file_of(span: Span, model: FileModel) -> str:
    return os.path.abspath(span.path or model.path)


def _contains(span: Span, line: int, column: int) -> bool:
    return span.resolved and (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def _size(span: Span) -> Tuple[int, int]:
    return (span.end_line - span.line, span.end_column - span.column if span.end_line == span.line else 10 ** 6)


def hits_at(models: Iterable[FileModel], path: str, line: int, column: int) -> List[Hit]:
    """The records of ``models`` at ``line:column`` of the file ``path``: a
    pull (on its call or an argument), else a push, else the task whose
    creation spans the place (the innermost), in each model that has one."""
    found = [hit for hit in (_hit_in(model, path, line, column) for model in models) if hit is not None]
    if any(isinstance(hit, PullHit) and hit.dag is not None for hit in found):
        # a helper's pull seen in a DAG that runs it: its own file's model knows no more
        found = [hit for hit in found if not (isinstance(hit, PullHit) and hit.dag is None)]
    return found


def _hit_in(model: FileModel, path: str, line: int, column: int) -> Optional[Hit]:
    here = [(dag, pull) for dag, pull in model.all_pulls() if file_of(pull.span, model) == path
            and _contains(pull.extent, line, column)]
    if here:
        dag, pull = min(here, key=lambda item: _size(item[1].extent))
        argument = next((a.name for a in pull.arguments if a.name in ("task_ids", "key")
                         and _contains(a.value, line, column)), None)
        return PullHit(model, dag, pull, argument)
    pushes = [(dag, push) for dag in model.dags for push in dag.pushes
              if file_of(push.span, model) == path and _contains(push.span, line, column)]
    if pushes:
        dag, push = min(pushes, key=lambda item: _size(item[1].span))
        return PushHit(model, dag, push)
    tasks = [(dag, task) for dag in model.dags for task in dag.tasks
             if isinstance(task.task_id, str) and file_of(task.span, model) == path
             and _contains(task.span, line, column)]
    if tasks:
        dag, task = min(tasks, key=lambda item: _size(item[1].span))
        return TaskHit(model, dag, task)
    return None


def declaration(hit: Hit) -> List[Place]:
    """The record itself: the pull, the push or the task's creation."""
    span = hit.pull.span if isinstance(hit, PullHit) else hit.push.span if isinstance(hit, PushHit) else hit.task.span
    return [Place(file_of(span, hit.model), span)] if span.resolved else []


def _reads_its_dag(pull: Pull) -> bool:
    return not pull.targets_other_dag and not pull.has_star_args


def _producer_tasks(dag: Dag, pull: Pull) -> List[Task]:
    tasks: List[Task] = []
    for producer in named_producers(pull):
        tasks.extend(task for task in dag.tasks if task.task_id == producer)
    return tasks


def _pushes_of(dag: Dag, task_id: str, key: object = None) -> List[Push]:
    return [push for push in dag.pushes if push.task_id == task_id and (key is None or push.key == key)]


def definition(hit: Hit) -> List[Place]:
    """Where a pull reads from: on its ``task_ids``, the producing tasks; else
    the pushes of its key by them (the task, when no push of the key is known).
    A task or push is its own definition."""
    if isinstance(hit, (PushHit, TaskHit)):
        return []
    if hit.dag is None or not _reads_its_dag(hit.pull):
        return []
    model = hit.model
    places: List[Place] = []
    for task in _producer_tasks(hit.dag, hit.pull):
        assert isinstance(task.task_id, str)
        pushes = [] if hit.argument == "task_ids" else _pushes_of(hit.dag, task.task_id, hit.pull.effective_key)
        spans = [push.span for push in pushes if push.span.resolved] or [task.span]
        places.extend(Place(file_of(span, model), span) for span in spans if span.resolved)
    return _unique(places)


def readers(dag: Dag, task_id: str, key: object = None) -> List[Pull]:
    """The pulls of ``dag`` that read ``task_id`` (only key ``key``, when given)."""
    return [pull for pull in dag.pulls if _reads_its_dag(pull) and task_id in named_producers(pull)
            and (key is None or pull.effective_key == key) and not pull.discarded]


def _pull_place(pull: Pull, model: FileModel) -> Place:
    argument = pull.argument("task_ids")
    span = argument.value if argument is not None and argument.value.resolved else pull.span
    return Place(file_of(span, model), span)


def references(hit: Hit) -> List[Place]:
    """The pulls that read a task (any key) or a push (its key), across the files
    the models hold; for a pull, those that read what it reads."""
    places: List[Place] = []
    if isinstance(hit, TaskHit):
        assert isinstance(hit.task.task_id, str)
        model = hit.model
        places = [_pull_place(pull, model) for pull in readers(hit.dag, hit.task.task_id)]
    elif isinstance(hit, PushHit):
        if isinstance(hit.push.task_id, str) and isinstance(hit.push.key, str):
            model = hit.model
            places = [_pull_place(pull, model) for pull in readers(hit.dag, hit.push.task_id, hit.push.key)]
    elif hit.dag is not None and _reads_its_dag(hit.pull):
        model = hit.model
        for producer in named_producers(hit.pull):
            places.extend(_pull_place(pull, model) for pull in readers(hit.dag, producer, hit.pull.effective_key))
    return _unique(places)


def _unique(places: Sequence[Place]) -> List[Place]:
    return list(dict.fromkeys(places))


def _dag_name(dag: Optional[Dag]) -> str:
    return f"DAG `{dag.dag_id}`" if dag is not None and isinstance(dag.dag_id, str) else "a DAG it cannot name"


def _keys_pushed(dag: Dag, task: Task) -> str:
    assert isinstance(task.task_id, str)
    keys = list(dict.fromkeys(f"`{key_text(push.key)}` ({push.via})" for push in _pushes_of(dag, task.task_id)))
    if not keys:
        return "pushes nothing" if task.pushes_known else "pushes no key xcomlint can see"
    more = "" if task.pushes_known else "; it may push other keys xcomlint cannot see"
    return "pushes " + ", ".join(keys) + more


def _upstream(dag: Dag, producer: str, consumer: object) -> str:
    if not isinstance(consumer, str):
        return "the task that runs this pull is not known"
    if producer in upstream_closure(dag).get(consumer, frozenset()):
        return f"upstream of `{consumer}`"
    if not dag.edges_complete:
        return f"not seen upstream of `{consumer}` (some dependencies cannot be read)"
    return f"**not upstream** of `{consumer}`"


def hover_text(hits: Sequence[Hit], findings: Sequence[Finding], path: str) -> Optional[str]:
    """Markdown for a hover: per DAG the hit is part of, what it reads or who
    reads it; and the findings at a pull."""
    parts: List[str] = []
    for hit in hits:
        text = _hover_one(hit)
        if text is not None and text not in parts:
            parts.append(text)
    pulls = [hit.pull for hit in hits if isinstance(hit, PullHit)]
    if pulls:
        pull = pulls[0]
        notes = [f"{finding.code} {finding.name}: {finding.message}" for finding in findings
                 if os.path.abspath(finding.path) == path and pull.holds(finding.line, finding.column)]
        parts.extend(f"- {note}" for note in dict.fromkeys(notes))
    return "\n\n".join(parts) if parts else None


def _hover_one(hit: Hit) -> Optional[str]:
    if isinstance(hit, PullHit):
        pull, dag = hit.pull, hit.dag
        head = f"**XCom pull** of key `{key_text(pull.effective_key)}` ({pull.via})"
        if dag is None:
            return head + ": no task is known to run this code, so its producer cannot be told"
        if pull.targets_other_dag:
            return head + f" from another DAG (`dag_id`/`run_id` given), in {_dag_name(dag)}"
        producers = named_producers(pull)
        if not producers:
            return head + f" in {_dag_name(dag)}: the task ids are not known statically"
        lines = [head + f" in {_dag_name(dag)}, by `{pull.consumer if isinstance(pull.consumer, str) else '?'}`"]
        for producer in producers:
            tasks = [task for task in dag.tasks if task.task_id == producer]
            if not tasks:
                lines.append(f"- `{producer}`: no such task in the DAG")
                continue
            task = tasks[0]
            lines.append(f"- `{producer}` ({task.operator}): {_keys_pushed(dag, task)}; "
                         f"{_upstream(dag, producer, pull.consumer)}")
        return "\n".join(lines)
    if isinstance(hit, PushHit):
        push, dag = hit.push, hit.dag
        task_id = push.task_id if isinstance(push.task_id, str) else "?"
        reading = readers(dag, task_id, push.key) if isinstance(push.key, str) else []
        who = ", ".join(dict.fromkeys(f"`{p.consumer}`" for p in reading if isinstance(p.consumer, str)))
        return (f"**XCom push** of key `{key_text(push.key)}` ({push.via}) by `{task_id}` in {_dag_name(dag)}; "
                + (f"read by {who}" if who else "no pull in the DAG reads it"))
    task, dag = hit.task, hit.dag
    assert isinstance(task.task_id, str)
    reading = readers(dag, task.task_id)
    lines = [f"**Task** `{task.task_id}` ({task.operator}) in {_dag_name(dag)}: {_keys_pushed(dag, task)}"]
    if reading:
        for pull in reading:
            consumer = pull.consumer if isinstance(pull.consumer, str) else "?"
            lines.append(f"- read by `{consumer}`: key `{key_text(pull.effective_key)}` ({pull.via})")
    else:
        lines.append("- no pull in the DAG reads it")
    return "\n".join(lines)
