"""Records the builder keeps while it works: places, pending pulls and pushes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, Union

import libcst as cst

from .callables import CallableSummary, PullSite
from .records import ABSENT, ArgValue, _Sentinel
from .values import FunctionVal, TaskState

PULL_PARAMS = ("task_ids", "dag_id", "key", "include_prior_dates")


@dataclass(eq=False)
class Loc:
    """A place in the source: a node, or an offset inside a string node's text."""

    node: cst.CSTNode
    raw_offset: Optional[int] = None
    length: int = 0


@dataclass(eq=False)
class PendingPull:
    consumer: Optional[TaskState]  # None: no task of the file is known to run it
    via: str
    loc: Loc
    task_ids: ArgValue = ABSENT
    key: ArgValue = ABSENT
    dag_id: ArgValue = ABSENT
    include_prior_dates: ArgValue = ABSENT
    run_id: ArgValue = ABSENT
    positional_count: int = 0
    has_star_args: bool = False
    string_node: Optional[cst.CSTNode] = None
    site: Optional[PullSite] = None
    function: Optional[FunctionVal] = None
    summary: Optional[CallableSummary] = None
    # a template's arguments: (parameter, value's place, whole argument's place, keyword)
    argument_locs: Tuple[Tuple[str, "Loc", "Loc", bool], ...] = ()
    uses: Tuple[str, ...] = ()  # a template's: how it uses the value (Python's are ``site.uses``)
    discarded: bool = False
    # a template's task_ids of known and unknown parts (see ``literals.id_parts``)
    task_ids_parts: Optional[Tuple[str, ...]] = None
    # the call of the linted file's code that leads into a helper of another
    # module holding the pull (None: the task's own, see finish.entry_node)
    entry: Optional[cst.CSTNode] = None
    # what the consumer's code does with the value (see value_uses), when not
    # worked out from ``site``: a TaskFlow parameter's operations
    value_uses: Tuple[str, ...] = ()


@dataclass(eq=False)
class PendingPush:
    task: TaskState
    key: Any  # str, UNKNOWN, or a syntax node evaluated when finishing
    via: str
    loc: Loc
    function: Optional[FunctionVal] = None
    summary: Optional[CallableSummary] = None
    value: Optional[cst.BaseExpression] = None  # analysed when finishing
    value_info: Any = None  # a ValueInfo already known (a generator function's result)
    block: Optional[int] = None
    in_loop: bool = False
    entry: Optional[cst.CSTNode] = None  # as PendingPull.entry
    loops: Tuple[Tuple[cst.CSTNode, bool], ...] = ()  # as PushSite.loops


@dataclass(eq=False)
class PendingMisuse:
    producer: TaskState
    key: Any
    how: str
    loc: Loc
    consumer: Optional[TaskState] = None
    argument: Optional[str] = None
    operator: Optional[str] = None


@dataclass(eq=False)
class PendingUntemplated:
    consumer: TaskState
    argument: str
    loc: Loc
    string_node: cst.CSTNode
    template_fields: frozenset


Bound = TypeVar("Bound")


def pull_arguments(
    positional: Sequence[Bound], keywords: Mapping[str, Bound]
) -> Dict[str, Union[Bound, _Sentinel]]:
    """Bind ``xcom_pull`` arguments (their values, or the expressions written):
    ``(task_ids, dag_id, key, include_prior_dates)`` in both Airflow 2 and 3, so a
    second positional argument is ``dag_id``; ``ABSENT`` for one not given."""
    bound: Dict[str, Union[Bound, _Sentinel]] = {name: ABSENT for name in PULL_PARAMS}
    bound["run_id"] = ABSENT
    for name, value in zip(PULL_PARAMS, positional):
        bound[name] = value
    for name, value in keywords.items():
        if name in bound:
            bound[name] = value
    return bound


@dataclass(eq=False)
class LabelVal:
    """``Label("text")``: an edge modifier that passes dependencies through."""

    upstreams: List[TaskState]


@dataclass(eq=False)
class BoundMethod:
    owner: Any
    name: str


@dataclass(eq=False)
class Star:
    """A ``*args`` / ``**kwargs`` argument whose contents are not known."""

    value: Any

