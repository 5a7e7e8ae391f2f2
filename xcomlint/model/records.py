"""The plain-data XCom model: what a DAG file means, independent of its syntax.

Every record here is a frozen dataclass of strings, numbers, tuples and the two
sentinels below, so a ``FileModel`` pickles cleanly (worker processes, cache)
and rules never need the syntax tree. Anything not statically known is held as
``UNKNOWN``; rules stay silent on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Optional, Sequence, Tuple, Union


class _Sentinel:
    """A named singleton that survives pickling as the same object."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        # pickle looks the name up in this module, so identity is preserved
        return self._name

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Sentinel("UNKNOWN")
"""A value the linter cannot know statically (a variable, a call, a loop id)."""

ABSENT = _Sentinel("ABSENT")
"""An argument that was not written at all (distinct from an explicit ``None``)."""

TaskId = Union[str, _Sentinel]
"""A full task id (``group.task``, ``extract__1``) or ``UNKNOWN``."""

ArgValue = Union[str, int, float, bool, None, Tuple["ArgValue", ...], _Sentinel]
"""A statically evaluated call argument: a literal, a tuple of them, UNKNOWN or ABSENT."""

RETURN_KEY = "return_value"


@dataclass(frozen=True)
class Span:
    """A source range; lines and columns are 1-based, the end is exclusive.

    A span in code of another module of the project (a helper the linted file
    runs) names that module's ``path`` and ``entry``, the span of the linted
    file that brings the code in: a finding stands at the span itself when that
    module is linted too, else at ``entry`` (SPEC section 7)."""

    line: int
    column: int
    end_line: int
    end_column: int
    path: Optional[str] = None
    entry: Optional["Span"] = None

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }

    @property
    def resolved(self) -> bool:
        return self.line > 0

    @property
    def shown_line(self) -> int:
        """The line of the linted file: the line that brings another module's code in."""
        return self.entry.line if self.path is not None and self.entry is not None else self.line


# The span of a record whose position the model did not work out: positions
# cost a code-generation pass, no rule reports at a task, a DAG or a push an
# operator makes by itself, and most files have nothing to report at all.
UNRESOLVED = Span(0, 0, 0, 0)

# which spans a model has resolved
ALL_POSITIONS = "all"  # every record: the graph and allow-list commands
REPORTABLE_POSITIONS = "reportable"  # pulls, pushes made by code, XComArg misuses: what rules report
NO_POSITIONS = "none"  # none: enough to learn whether any rule reports at all



@dataclass(frozen=True)
class ValueInfo:
    """What is statically known about a pushed or returned value.

    ``non_json`` lists ``(kind, description)`` pairs for parts that are not
    plain JSON (kinds: set, bytes, complex, datetime, decimal, uuid,
    generator, function, file, client, user_class, dataclass, tuple_keys);
    ``payload`` says why the value is bulk data rather than a reference
    (``dataframe`` marks a data frame); ``secret`` names where a secret came
    from; ``mapping`` is True/False when the value is known to be / not to be
    a mapping (``str_keys`` False when a dict literal has a non-str key);
    ``known`` is False when nothing could be worked out.
    """

    known: bool = False
    non_json: Tuple[Tuple[str, str], ...] = ()
    payload: Optional[str] = None
    dataframe: bool = False
    secret: Optional[str] = None
    mapping: Optional[bool] = None
    literal_bytes: Optional[int] = None
    # for a dict literal: False when some key is a literal that is not a str
    str_keys: Optional[bool] = None
    # the kind of the value as a whole, when the pushed expression itself is one
    # that a fix can convert: "set" (``sorted(...)`` makes it a list) or
    # "datetime" (a date, time or datetime, written so that ``.isoformat()`` can follow it)
    whole: Optional[str] = None
    # for a date or time value: "date", "datetime", "time" or "timedelta", the
    # type the value is known to have (date/time arithmetic needs it)
    moment: Optional[str] = None


UNKNOWN_VALUE = ValueInfo()


@dataclass(frozen=True)
class Task:
    """One task as Airflow would register it.

    ``pushes_known`` is True when every key the task can push is in the DAG's
    push records (a local callable fully seen, a known operator); XCL104 and
    XCL106 only judge such tasks.
    """

    task_id: TaskId
    operator: str
    span: Span
    group_id: Optional[str] = None
    pushes_known: bool = False
    pushes_nothing: bool = False
    callable_name: Optional[str] = None
    mapped: bool = False
    # why return_value is never pushed, when that is known: "do_xcom_push=False",
    # "operator", "opt-in" (KubernetesPodOperator) or "no-return" (a callable)
    silent_reason: Optional[str] = None
    multiple_outputs: bool = False

    def to_dict(self) -> dict:
        return {
            "task_id": _json_value(self.task_id),
            "line": self.span.shown_line,
            "operator": self.operator,
        }


@dataclass(frozen=True)
class Edge:
    """A direct dependency ``upstream >> downstream`` as Airflow would create it."""

    upstream: str
    downstream: str
    via: str = ">>"

    def to_dict(self) -> dict:
        return {"upstream": self.upstream, "downstream": self.downstream}


@dataclass(frozen=True)
class Push:
    """A value a task puts into XCom under ``key``.

    ``via`` is ``return`` (return value), ``multiple_outputs`` (one key of a
    returned mapping), ``xcom_push`` (an explicit call), ``template`` (an
    explicit call in a Jinja template) or ``operator`` (a key a known operator
    always pushes).
    """

    task_id: TaskId
    key: Union[str, _Sentinel]
    via: str
    span: Span
    value: ValueInfo = UNKNOWN_VALUE
    # where an explicit push sits: pushes in the same statement block of the
    # same function run in order; one in a loop runs once per iteration
    block: Optional[int] = None
    in_loop: bool = False
    # where the pushed expression stands: ``span`` itself for a return value,
    # the value argument of an ``xcom_push`` call (UNRESOLVED when not known)
    value_span: Span = UNRESOLVED
    # a push repeated by a loop over data (not only short literal collections):
    # what the loop runs over, as written (``rows``, ``a while loop``); None otherwise
    loop_over: Optional[str] = None
    # the key reads a name that such a loop gives a new value each iteration
    # (``key=f"row_{row['id']}"``): one XCom per item
    key_per_item: bool = False

    @property
    def explicit(self) -> bool:
        """Pushed by hand (``xcom_push`` in code or in a template), not by returning."""
        return self.via in ("xcom_push", "template")


@dataclass(frozen=True)
class PullArgument:
    """Where one argument of a pull is written: ``value`` is the value's span (a
    string with its quotes), ``whole`` that of ``name=value`` or the positional
    value. ``name`` is the parameter it binds (positional ones bind
    ``task_ids``, ``dag_id``, ``key``, ``include_prior_dates`` in order)."""

    name: str
    value: Span
    whole: Span
    keyword: bool
    # the source text at ``value``, as written (quotes, prefix, escapes): a fix
    # rewrites a literal in the same style, or leaves an odd one alone
    written: str = ""


@dataclass(frozen=True)
class Pull:
    """A place where a task reads an XCom.

    ``via`` is ``xcom_pull`` (a call in Python code), ``template`` (a call in a
    Jinja template of a templated argument) or ``xcomarg`` (an XComArg such as
    ``op.output`` or a TaskFlow result passed to another task).

    ``task_ids`` and ``key`` hold what was written: a string, a tuple of
    strings, ``None``, ``ABSENT`` or ``UNKNOWN``. ``consumer`` is the task that
    runs the pull, ``UNKNOWN`` when the pull sits in code no task is known to run.
    """

    consumer: TaskId
    task_ids: ArgValue
    key: ArgValue
    via: str
    span: Span
    dag_id: ArgValue = ABSENT
    include_prior_dates: ArgValue = ABSENT
    run_id: ArgValue = ABSENT
    positional_count: int = 0
    has_star_args: bool = False
    end_line_of_string: Optional[int] = None
    arguments: Tuple[PullArgument, ...] = ()
    # the code never reads the value: an XComArg passed to a TaskFlow parameter
    # named ``_...``, only to order the tasks
    discarded: bool = False
    # ``task_ids`` built from known text and unknown parts (``f"extract_{table}"``):
    # the known parts, in order (("extract_", "")); None otherwise
    task_ids_parts: Optional[Tuple[str, ...]] = None
    # how the code uses the pulled value, where it stands or through the local name
    # it is assigned to once: "key" (``value["path"]``), "attribute" (``value.path``),
    # "scalar" (``int(value)``, ``open(value)``), "sequence" (iterated, ``len()``,
    # indexed by a number); empty when none of these is seen
    uses: Tuple[str, ...] = ()
    # what the consumer's code does with the pulled value: attributes (".time"),
    # operators ("+") and orderings ("<") applied to it (model.value_uses)
    value_uses: Tuple[str, ...] = ()

    @property
    def used_as_one_value(self) -> bool:
        """Read only as one value (a key, an attribute, a scalar argument), never as a sequence."""
        return bool(self.uses) and "sequence" not in self.uses

    @property
    def extent(self) -> Span:
        """From the call to the end of its last argument: in a template, ``span``
        covers only the ``xcom_pull`` name, and rules may point at an argument."""
        end = max([(self.span.end_line, self.span.end_column)] +
                  [(a.whole.end_line, a.whole.end_column) for a in self.arguments if a.whole.resolved])
        return replace(self.span, end_line=end[0], end_column=end[1])

    def holds(self, line: int, column: int) -> bool:
        """Whether a finding at ``line:column`` stands at this pull (at the call or an argument)."""
        extent = self.extent
        return (extent.line, extent.column) <= (line, column) <= (extent.end_line, extent.end_column)

    def argument(self, name: str) -> Optional[PullArgument]:
        """The argument bound to parameter ``name``, when written."""
        return next((a for a in self.arguments if a.name == name), None)

    @property
    def producers(self) -> Tuple[TaskId, ...]:
        """The task ids named, as a tuple; empty when none or unknown."""
        if isinstance(self.task_ids, str):
            return (self.task_ids,)
        if isinstance(self.task_ids, tuple):
            return tuple(t if isinstance(t, str) else UNKNOWN for t in self.task_ids)
        return ()

    @property
    def effective_key(self) -> ArgValue:
        """The key Airflow uses: ``return_value`` when the argument is absent."""
        return RETURN_KEY if self.key is ABSENT else self.key

    @property
    def targets_other_dag(self) -> bool:
        """True when ``dag_id=`` or ``run_id=`` may point the pull elsewhere."""
        return self.dag_id not in (ABSENT, None) or self.run_id not in (ABSENT, None)


@dataclass(frozen=True)
class UntemplatedPull:
    """A Jinja ``xcom_pull`` written in an argument that the operator does not
    template: Airflow never renders it, and the task receives the text itself."""

    consumer: TaskId
    argument: str
    operator: str
    template_fields: Tuple[str, ...]
    span: Span
    end_line_of_string: Optional[int] = None


@dataclass(frozen=True)
class XComArgMisuse:
    """An XComArg Airflow never resolves: passed to an argument that is not
    templated (``how="argument"``), or formatted into a string
    (``how="f-string"``, ``"str()"``, ``"format"``), which creates no dependency."""

    producer: TaskId
    key: Union[str, _Sentinel]
    how: str
    span: Span
    consumer: Optional[TaskId] = None
    argument: Optional[str] = None
    operator: Optional[str] = None


# what a ``Dag`` record stands for
REAL_DAG = "dag"  # a DAG the file defines (``DAG(...)``, ``@dag``)
CONTEXT_DAG = "context"  # one DAG the model cannot name: a house-made DAG object, or the
# caller of a factory function no code of the file calls; it may hold more tasks
UNKNOWN_DAGS = "unknown"  # tasks whose DAG is not known at all (perhaps several DAGs)


# why a DAG may hold tasks the model cannot name (``UnknownIds.origin``)
UNKNOWN_ID = "id"  # a task it saw, whose id it could not work out (``f"load_{table}"``)
HIDDEN_CODE = "code"  # tasks that code it cannot see may add (a factory, a house-made DAG class)


@dataclass(frozen=True)
class UnknownIds:
    """Tasks whose ids the model cannot name: ``pattern`` is a regular
    expression their ids match in full (``load_.*`` for ``f"load_{table}"``,
    ``.*`` for tasks a factory may add); ``group`` is the TaskGroup id prefix
    they were created under, or None at the top of the DAG. A task made from an
    id the model could not work out may have any id its pattern matches; tasks
    that hidden code adds have ids of their own, and nothing suggests they are
    one letter away from a task the file names."""

    pattern: str
    group: Optional[str] = None
    origin: str = UNKNOWN_ID


@dataclass(frozen=True)
class Dag:
    """One DAG and its XCom graph.

    ``tasks_complete`` is False when the DAG may contain tasks the linter cannot
    name; ``unknown_ids`` then says which ids they may have, and
    ``closed_groups`` lists the TaskGroups whose every task is known (no
    unknown task can have an id in them: group ids are unique in a DAG).
    ``edges_complete`` is False when dependencies between known tasks may exist
    that the linter cannot see at all. ``hidden_edges`` connect known tasks
    through places the linter cannot see into (a task of unknown id, what an
    unknown function was given): they count for paths, and are never drawn.
    """

    dag_id: TaskId
    span: Span
    tasks: Tuple[Task, ...] = ()
    edges: Tuple[Edge, ...] = ()
    pushes: Tuple[Push, ...] = ()
    pulls: Tuple[Pull, ...] = ()
    group_ids: Tuple[str, ...] = ()
    tasks_complete: bool = True
    edges_complete: bool = True
    xcomarg_misuses: Tuple["XComArgMisuse", ...] = ()
    # a templated argument names a template file (``.sql``, ``.sh``...) that may hold pulls
    has_template_files: bool = False
    # identifier-like strings handed to operators xcomlint does not know: such an
    # operator may pull an XCom key named by an argument (``..._via_xcom="key"``)
    opaque_strings: Tuple[str, ...] = ()
    kind: str = REAL_DAG
    # for a DAG the model cannot name (CONTEXT_DAG): what made it, "call" (a
    # house-made DAG object) or "factory" (the DAG of a factory no code calls)
    made_by: Optional[str] = None
    untemplated_pulls: Tuple[UntemplatedPull, ...] = ()
    unknown_ids: Tuple[UnknownIds, ...] = ()
    closed_groups: Tuple[str, ...] = ()
    hidden_edges: Tuple[Tuple[str, str], ...] = ()

    def task(self, task_id: TaskId) -> Optional[Task]:
        for task in self.tasks:
            if task.task_id == task_id:
                return task
        return None

    @property
    def task_ids(self) -> Tuple[str, ...]:
        return tuple(t.task_id for t in self.tasks if isinstance(t.task_id, str))

    def unknown_tasks_named(self, task_id: str) -> Tuple[UnknownIds, ...]:
        """The tasks the model cannot name that may have this id."""
        found = []
        for unknown in self.unknown_ids:
            if not re.fullmatch(unknown.pattern, task_id):
                continue
            # a task created outside a closed group cannot have an id inside it
            if any(task_id.startswith(group + ".") and not _within(unknown.group, group) for group in self.closed_groups):
                continue
            found.append(unknown)
        return tuple(found)

    def may_have_unknown_task(self, task_id: str) -> bool:
        """Whether a task the model cannot name may have this id."""
        return bool(self.unknown_tasks_named(task_id))


def parts_pattern(parts: Sequence[str]) -> str:
    """The regular expression of the ids made of these known parts, in order,
    with anything between them (``("load_", "")`` gives ``load_.*``)."""
    return ".*".join(re.escape(part) for part in parts)


def _within(group: Optional[str], outer: str) -> bool:
    return group is not None and (group == outer or group.startswith(outer + "."))


@dataclass(frozen=True)
class FileModel:
    """Everything xcomlint knows about one file.

    ``loose_pulls`` are pulls in code that no task of this file is known to
    run (a helper used elsewhere): rules that need no graph still check them.
    """

    path: str
    dags: Tuple[Dag, ...] = ()
    loose_pulls: Tuple[Pull, ...] = ()
    syntax_error: Optional[Tuple[str, Span]] = None
    noqa: "NoqaTable" = field(default_factory=lambda: NoqaTable())
    # the project modules the model read, each with the digest of its bytes:
    # the model holds only while they are unchanged
    dependencies: Tuple[Tuple[str, str], ...] = ()

    @property
    def real_dags(self) -> Tuple[Dag, ...]:
        """The DAGs the file defines; ``dags`` also holds the DAGs the model
        cannot name, of the file's task factories and library tasks."""
        return tuple(dag for dag in self.dags if dag.kind == REAL_DAG)

    def all_pulls(self) -> Iterator[Tuple[Optional[Dag], Pull]]:
        """Every pull of the file with its DAG (None for a loose pull)."""
        for dag in self.dags:
            for pull in dag.pulls:
                yield dag, pull
        for pull in self.loose_pulls:
            yield None, pull


@dataclass(frozen=True)
class NoqaTable:
    """The file's suppression comments, extracted once from the source text.

    ``lines`` maps a line number to the codes suppressed there (an empty tuple
    means every code); ``file_codes`` is the same for the whole file, or None.
    """

    lines: Tuple[Tuple[int, Tuple[str, ...]], ...] = ()
    file_codes: Optional[Tuple[str, ...]] = None


def _json_value(value: object) -> object:
    return None if isinstance(value, _Sentinel) else value
