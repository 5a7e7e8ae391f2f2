"""XCL103 pull-unknown-task: ``task_ids`` names no task of the DAG."""

from __future__ import annotations

import re
from typing import Dict, Iterator, Optional, Set, Tuple

from ..findings import Fix
from ..model.records import HIDDEN_CODE, UNKNOWN, UNKNOWN_DAGS, Dag, Pull, parts_pattern
from .context import RuleContext
from .fixes import SAFE, UNSAFE, literal_replacement, single_fix
from .pulls import named_producers, pull_report, reads_this_dag
from .registry import Report, rule
from .suggest import closest, grouped_id, one_typo_from, typo_of


def missing_producers(dag: Dag, pull: Pull, task_ids: Set[str]) -> Iterator[Tuple[str, Optional[str]]]:
    """Each id the pull names that XCL103 reports (no task of the DAG has it, and
    none the model cannot name may), with the full id of the grouped task it may
    mean. Other rules ask it too: a push only such a pull would read is a
    consequence of this finding (XCL204)."""
    if dag.kind == UNKNOWN_DAGS or not reads_this_dag(pull):
        return
    for producer in named_producers(pull):
        if producer in task_ids:
            continue
        full = grouped_id(producer, task_ids)
        if producer_decidable(dag, producer, task_ids, full):
            yield producer, full


@rule("XCL103", "pull-unknown-task", "task_ids names a task that does not exist in the DAG.")
def pull_unknown_task(dag: Dag, context: RuleContext) -> Iterator[Report]:
    if dag.kind == UNKNOWN_DAGS:
        return
    task_ids = set(dag.task_ids)
    dag_name = f"DAG '{dag.dag_id}'" if isinstance(dag.dag_id, str) else "this DAG"
    suggestions: Dict[str, Optional[str]] = {}  # a DAG of hundreds of tasks often pulls one missing id many times
    for pull in dag.pulls:
        if not reads_this_dag(pull):
            continue
        if pull.task_ids is UNKNOWN and pull.task_ids_parts is not None:
            report = _unmatched_pattern(dag, pull, pull.task_ids_parts, task_ids, dag_name)
            if report is not None:
                yield report
            continue
        for producer, full in missing_producers(dag, pull, task_ids):
            suggestion = None
            if full is not None:
                hint = (
                    f"; did you mean '{full}'? Inside a TaskGroup the full id is group.task, "
                    f"and xcom_pull never adds the prefix"
                )
            else:
                if producer not in suggestions:
                    suggestions[producer] = closest(producer, task_ids)
                suggestion = suggestions[producer]
                hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            yield pull_report(
                pull,
                f"task '{producer}' does not exist in {dag_name}{hint} (the pull returns None)",
                at="task_ids",
                fix=_fix(pull, dag, producer, full, task_ids, suggestion),
            )


def _unmatched_pattern(dag: Dag, pull: Pull, parts: tuple, task_ids: Set[str], dag_name: str) -> Optional[Report]:
    """A ``task_ids`` with unknown parts (``f"extarct_{table}"``) that no task of the
    DAG can have: judged only when every task of the DAG is known by its id."""
    if not dag.tasks_complete:  # a task of unknown id (any DAG the model cannot name has one) may fit
        return None
    if shape_fits_some_task(parts, task_ids):
        return None
    suggestion = _closest_shape(parts, task_ids)
    hint = f"; did you mean '{'…'.join(suggestion)}'?" if suggestion else ""
    return pull_report(
        pull,
        f"no task of {dag_name} has an id like '{'…'.join(parts)}' (whatever the unknown part is){hint} "
        f"(the pull returns None)",
        at="task_ids",
    )


def shape_fits_some_task(parts: tuple, task_ids: Set[str]) -> bool:
    pattern = re.compile(parts_pattern(parts))
    return any(pattern.fullmatch(task_id) for task_id in task_ids)


def _closest_shape(parts: tuple, task_ids: Set[str]) -> Optional[tuple]:
    """The shape with its longest known part replaced by the closest text of the
    DAG's ids, when some id has that shape (``extract_…`` for ``extarct_…``)."""
    index = max(range(len(parts)), key=lambda i: len(parts[i]))
    part = parts[index]
    sizes = (len(part) - 1, len(part), len(part) + 1)
    texts = {task_id[start:start + size] for task_id in task_ids for size in sizes if size > 0
             for start in range(len(task_id) - size + 1)}
    found = closest(part, texts)
    if found is None:
        return None
    shape = parts[:index] + (found,) + parts[index + 1:]
    return shape if shape_fits_some_task(shape, task_ids) else None


def _fix(pull: Pull, dag: Dag, producer: str, full: Optional[str], task_ids: Set[str],
         suggestion: Optional[str]) -> Optional[Fix]:
    """The full id of the one grouped task with this bare id (safe when every
    task of the DAG is known: nothing else can be meant), or the one id this is
    a short typo of (unsafe: a typo is a guess; only in a DAG whose every task
    is known)."""
    if len(pull.producers) != 1:
        return None  # a list of ids: the model keeps the span of the whole list only
    argument = pull.argument("task_ids")
    if full is not None:
        # with tasks the model cannot name, another grouped task may have this bare id
        applicability = SAFE if dag.tasks_complete else UNSAFE
        return single_fix(f"Replace '{producer}' with '{full}'", applicability,
                          literal_replacement(argument, producer, full))
    typo = typo_of(producer, task_ids) if dag.tasks_complete and suggestion is not None else None
    if typo is None or typo != suggestion:
        return None  # the fix must be what the message suggests
    return single_fix(f"Replace '{producer}' with '{typo}'", UNSAFE, literal_replacement(argument, producer, typo))


def producer_decidable(dag: Dag, producer: str, task_ids: Set[str], grouped: Optional[str]) -> bool:
    """Whether no task the model cannot name may be the one pulled. A task whose id
    it could not work out may have any id its pattern matches; tasks that code it
    cannot see adds have ids of their own, so a pull of the bare id of a grouped
    task, or of a plain typo of a known id, is still a mistake beside them."""
    unknowns = dag.unknown_tasks_named(producer)
    if not unknowns:
        return True
    if any(unknown.origin != HIDDEN_CODE for unknown in unknowns):
        return False
    return grouped is not None or one_typo_from(producer, task_ids) is not None
