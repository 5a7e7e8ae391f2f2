"""What an expression of a DAG file evaluates to while the model is built.

These are the builder's working values (they hold syntax nodes and mutable
state); the finished model converts them into the plain records of
``records.py``. ``UNKNOWN`` stands for anything the builder cannot follow.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

from ..readable import HOLE  # never part of a key or an id the model records (``literals.without_holes``)
from .records import ABSENT, UNKNOWN, TaskId, _Sentinel


@dataclass(eq=False)
class GroupState:
    own_id: TaskId
    full_id: TaskId
    prefix: bool
    node: cst.CSTNode
    members: List["TaskState"] = field(default_factory=list)
    parent: Optional["GroupState"] = None
    # False once the group was handed to code the model cannot see, which may add tasks to it
    closed: bool = True

    def child_id(self, label: TaskId) -> TaskId:
        """``TaskGroup.child_id``: prefix a label with this group's full id."""
        if not self.prefix or self.full_id is None:
            return label
        if not isinstance(label, str) or not isinstance(self.full_id, str):
            return UNKNOWN
        return f"{self.full_id}.{label}"

    @property
    def namespace(self) -> Optional["GroupState"]:
        """The innermost group (this one or a parent) that prefixes its tasks' ids."""
        group: Optional[GroupState] = self
        while group is not None and not group.prefix:
            group = group.parent
        return group

    def id_pattern(self, label: str) -> str:
        """The regular expression of the full ids of tasks labelled by ``label`` (a regex)."""
        namespace = self.namespace
        if namespace is None:
            return label
        prefix = re.escape(namespace.full_id) if isinstance(namespace.full_id, str) else ".+"
        return f"{prefix}\\.{label}"


@dataclass(eq=False)
class TaskState:
    task_id: TaskId
    operator: str
    node: cst.CSTNode
    dag: Optional["DagState"]  # None until Airflow would attach it (see Builder.adopt)
    groups: Tuple[GroupState, ...] = ()
    pending_pulls: List[Any] = field(default_factory=list)
    pending_pushes: List[Any] = field(default_factory=list)
    silent_reason: Optional[str] = None
    multiple_outputs: bool = False
    pushes_known: bool = False
    pushes_nothing: bool = False
    callable_name: Optional[str] = None
    mapped: bool = False
    # for a task whose id is not known: the regular expression its id matches
    id_pattern: str = ".*"
    # identifier-like strings handed to an operator the model does not know
    opaque_strings: Tuple[str, ...] = ()
    # Jinja pulls in arguments the operator does not template
    untemplated: List[Any] = field(default_factory=list)
    # the node of the linted file that ran the project's code that made the
    # task (a factory call), when another module made it
    entry: Optional[cst.CSTNode] = None


@dataclass(eq=False)
class OpaqueVal:
    """What code the model cannot see returned, when it was handed tasks or
    ran inside a DAG: it may be tasks (of ids nobody knows) or lead to them.
    In the dependency graph it is one hidden node, linked both ways to the
    known tasks the code was given (``members``), so that every path the code
    may have made between them exists."""

    dag: Optional["DagState"]
    group: Optional[GroupState]
    members: List[TaskState] = field(default_factory=list)
    wired: bool = False
    node: Optional[cst.CSTNode] = None  # the call that made it
    # the DAG the value stands for, when tasks are given it as ``dag=``
    as_dag: Optional["DagState"] = None


@dataclass(eq=False)
class DagState:
    dag_id: TaskId
    # None for a DAG made by code the model cannot see, when the call that
    # returned it is not known either: a DAG without a place
    node: Optional[cst.CSTNode]
    tasks: List[TaskState] = field(default_factory=list)
    # direct dependencies; an end may be an OpaqueVal or a task of unknown id
    edges: Dict[Tuple[Any, Any], str] = field(default_factory=dict)
    group_ids: List[TaskId] = field(default_factory=list)
    groups: List[GroupState] = field(default_factory=list)
    tasks_complete: bool = True
    edges_complete: bool = True
    # (id pattern, namespace group, origin) of tasks the model cannot name
    unknown_ids: List[Tuple[str, Optional[GroupState], str]] = field(default_factory=list)
    kind: str = "dag"
    made_by: Optional[str] = None  # see records.Dag.made_by
    misuses: List[Any] = field(default_factory=list)
    has_template_files: bool = False
    opaque_strings: set = field(default_factory=set)
    # DAG(default_args=...): a DictVal, UNKNOWN when not static, None when absent
    default_args: Any = None
    # the node of the linted file that ran the project's code that made the DAG
    entry: Optional[cst.CSTNode] = None

    def default_arg(self, name: str) -> Any:
        """What ``default_args`` gives an operator parameter: ABSENT, a value or UNKNOWN."""
        if self.default_args is None:
            return ABSENT
        if isinstance(self.default_args, DictVal) and all(isinstance(k, StrVal) and k.known for k, _ in self.default_args.items):
            found = [v for k, v in self.default_args.items if k.text == name]
            return found[-1] if found else ABSENT
        return UNKNOWN

    known_ids: set = field(default_factory=set)

    def has_task_id(self, task_id: str) -> bool:
        return task_id in self.known_ids


@dataclass(eq=False)
class TaskRef:
    task: TaskState


@dataclass(eq=False)
class XComArgRef:
    """An XComArg: ``op.output``, a TaskFlow call's result, ``xarg["key"]``."""

    task: TaskState
    key: Union[str, _Sentinel]
    node: cst.CSTNode


@dataclass(eq=False)
class CombinedXComArg:
    """An XComArg made of others: ``xarg.map(f)``, ``xarg.zip(other)``,
    ``xarg.concat(other)``. Airflow resolves it from each source's value, and a
    task it is passed to depends on each source's task."""

    sources: Tuple[XComArgRef, ...]
    node: cst.CSTNode


@dataclass(eq=False)
class GroupRef:
    group: GroupState


@dataclass(eq=False)
class DagRef:
    dag: DagState


@dataclass(eq=False)
class ListVal:
    items: List[Any]


@dataclass(eq=False)
class DictVal:
    items: List[Tuple[Any, Any]]

    def get(self, key: str) -> Any:
        """``mapping[key]``: the last value given the key, unless a key not known
        was given after it (it may be the same)."""
        for k, v in reversed(self.items):
            if not (isinstance(k, StrVal) and k.known):
                return UNKNOWN
            if k.text == key:
                return v
        return UNKNOWN


@dataclass(eq=False)
class ConstVal:
    value: Any  # int, float, bool or None


@dataclass(frozen=True)
class StrPiece:
    """Where a run of a string value came from: ``text[start:start+length]``
    is ``node``'s value, and ``raw[i]`` is the offset inside the node's own
    source text of value character ``i`` (None when it could not be mapped):
    a ``range`` when the value is the text of the source as written, as most are."""

    start: int
    length: int
    node: cst.CSTNode
    raw: Optional[Sequence[int]]


@dataclass(eq=False)
class StrVal:
    """A string value; ``known`` is False when parts of it are not static
    (an f-string hole), which are then held as NUL characters in ``text``."""

    text: str
    pieces: Tuple[StrPiece, ...] = ()
    known: bool = True
    # XComArgs formatted into this string: (XComArgRef, how, node)
    embedded: Tuple[Tuple[Any, str, Any], ...] = ()

    def slice(self, start: int, end: int) -> "StrVal":
        """``text[start:end]`` with the pieces (source positions) that cover it."""
        pieces = []
        for piece in self.pieces:
            low, high = max(start, piece.start), min(end, piece.start + piece.length)
            if low >= high:
                continue
            raw = piece.raw[low - piece.start: high - piece.start] if piece.raw is not None else None
            pieces.append(StrPiece(low - start, high - low, piece.node, raw))
        part = self.text[start:end]
        return StrVal(part, tuple(pieces), self.known or HOLE not in part)

    def __add__(self, other: "StrVal") -> "StrVal":
        shift = len(self.text)
        moved = tuple(StrPiece(p.start + shift, p.length, p.node, p.raw) for p in other.pieces)
        return StrVal(self.text + other.text, self.pieces + moved, self.known and other.known,
                      self.embedded + other.embedded)


@dataclass(eq=False)
class FunctionVal:
    """A function defined in the file (or a lambda, see ``LambdaVal``), with the
    scope it closes over."""

    node: Union[cst.FunctionDef, cst.Lambda]
    scope: "Scope"
    owner_class: Optional["ClassVal"] = None
    # a method run on a known object: what ``self`` is (an operator's ``execute``
    # sees the attributes its ``__init__`` set from the task's arguments)
    self_value: Any = None

    @property
    def name(self) -> str:
        return self.node.name.value if isinstance(self.node, cst.FunctionDef) else "<lambda>"


@dataclass(eq=False)
class LambdaVal:
    """A lambda: a callable the model reads when it is a ``python_callable``
    (its pulls, and its value, which is returned), and never inlines."""

    function: FunctionVal


@dataclass(eq=False)
class TaskFlowVal:
    """A ``@task``-decorated function (possibly ``.override(...)``-n)."""

    function: FunctionVal
    flavour: str
    options: Dict[str, Any]


@dataclass(eq=False)
class PartialVal:
    """``Op.partial(...)`` or ``taskflow.partial(...)`` waiting for ``.expand``."""

    target: Any
    call: cst.Call
    kwargs: Dict[str, Any]
    # the node of the linted file that ran the project's code making the partial
    entry: Optional[cst.CSTNode] = None


@dataclass(eq=False)
class TaskGroupFuncVal:
    function: FunctionVal
    options: Dict[str, Any]


@dataclass(eq=False)
class DagFuncVal:
    function: FunctionVal
    options: Dict[str, Any]
    built: Optional[DagState] = None


@dataclass(eq=False)
class ImportedVal:
    """A name imported from another module, by its dotted name."""

    qualified: str


@dataclass(eq=False)
class ModuleVal:
    """A module of the project (``import include.helpers as h``): its names are
    those of ``scope``, the module's own scope as the builder evaluated it
    (None for a namespace package, which only holds submodules)."""

    ref: Any  # project.resolution.ModuleRef
    scope: Optional["Scope"]


@dataclass(eq=False)
class ClassVal:
    """A class defined in the file."""

    node: cst.ClassDef
    bases: Tuple[Any, ...]
    scope: "Scope"
    template_fields: Optional[frozenset] = None
    # the class body's plain assignments (constants, Enum members)
    attributes: Dict[str, Any] = field(default_factory=dict)
    # "str" for an Enum whose members are strings (``class T(str, Enum)``),
    # "strenum" for a ``StrEnum`` (formatted as their value on every Python,
    # which a ``(str, Enum)`` member is not: literals.formatted_id), "plain"
    # for another Enum, None for a class that is no Enum
    enum: Optional[str] = None

    @property
    def name(self) -> str:
        return self.node.name.value

    def method(self, name: str) -> Optional[cst.FunctionDef]:
        for statement in self.node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                return statement
        return None

    def attribute(self, name: str) -> Any:
        """``Cls.name``: an Enum member, or a class attribute (also inherited from
        a class of the file); None when the class does not define it."""
        if name in self.attributes:
            value = self.attributes[name]
            return EnumMemberVal(self, name, value) if self.enum is not None else value
        for base in self.bases:
            if isinstance(base, ClassVal) and base is not self:
                found = base.attribute(name)
                if found is not None:
                    return found
        return None


@dataclass(eq=False)
class EnumMemberVal:
    """``Tasks.EXTRACT`` of an Enum defined in the file: ``.value`` is what was
    assigned; a member of a ``str`` Enum is also that string itself."""

    owner: ClassVal
    name: str
    value: Any

    @property
    def as_string(self) -> Any:
        """The member used where a string goes (a task id), else UNKNOWN."""
        if self.owner.enum in ("str", "strenum") and isinstance(self.value, StrVal):
            return self.value
        return UNKNOWN


def enum_kind(bases: Tuple[Any, ...], str_mixin: bool) -> Optional[str]:
    """What Enum a class with these bases is (see ``ClassVal.enum``); ``str_mixin``
    when ``str`` is one of the bases."""
    kinds = set()
    for base in bases:
        if isinstance(base, ImportedVal) and base.qualified.startswith("enum."):
            kinds.add("strenum" if base.qualified == "enum.StrEnum" else "plain")
        elif isinstance(base, ClassVal) and base.enum is not None:
            kinds.add(base.enum)
    if not kinds:
        return None
    if "strenum" in kinds:
        return "strenum"
    return "str" if str_mixin or "str" in kinds else "plain"


@dataclass(eq=False)
class FilePathVal:
    """``__file__``, or a path made from it: the linted path's file name is
    known (the directory is not: it is the deployment's)."""

    name: str


class Scope:
    """Name bindings with lexical parents (module, DAG function, function).

    A module's own scope (the root of a chain) holds ``context``: which module
    it is, whose imports its free names resolve through (the linted file's,
    or a project module's the builder followed an import into)."""

    def __init__(self, parent: Optional["Scope"] = None, context: Any = None) -> None:
        self.names: Dict[str, Any] = {}
        self.parent = parent
        self.bindings = 0  # how many times a name was bound: what was read of ``names`` may be kept until it moves
        # a ModuleContext (model.project_values), inherited from the enclosing scope
        self.context: Any = context if context is not None else (parent.context if parent is not None else None)

    def lookup(self, name: str) -> Any:
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def bind(self, name: str, value: Any) -> None:
        self.names[name] = value
        self.bindings += 1


# ----------------------------------------------------------------------------
# string literals

_PREFIX = re.compile(r"^[rRbBuUfF]*")
_ESCAPE = re.compile(
    r"\\(?:\r\n|\n|\r|[\\'\"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\})"
)


def decode_escapes(body: str, raw_base: int, is_raw: bool) -> Tuple[str, Sequence[int]]:
    """Decode a string literal body; map each value character to its raw offset."""
    if is_raw or "\\" not in body:
        return body, range(raw_base, raw_base + len(body))
    chars: List[str] = []
    offsets: List[int] = []
    position = 0
    for match in _ESCAPE.finditer(body):
        for i in range(position, match.start()):
            chars.append(body[i])
            offsets.append(raw_base + i)
        for ch in _decode_escape(match.group(0)):
            chars.append(ch)
            offsets.append(raw_base + match.start())
        position = match.end()
    for i in range(position, len(body)):
        chars.append(body[i])
        offsets.append(raw_base + i)
    return "".join(chars), tuple(offsets)


@lru_cache(maxsize=1024)
def _decode_escape(escape: str) -> str:
    """One escape sequence as Python reads it: a line continuation is nothing,
    and one Python rejects stays as written. A file repeats a few escapes often."""
    if escape[1] in "\r\n":
        return ""
    try:
        return str(ast.literal_eval('"' + escape + '"'))
    except (ValueError, SyntaxError):
        return escape


def simple_string_value(node: cst.SimpleString) -> Optional[StrVal]:
    """The value of a ``str`` literal, with raw offsets; None for bytes."""
    raw = node.value
    prefix = _PREFIX.match(raw).group(0).lower()  # type: ignore[union-attr]
    if "b" in prefix:
        return None
    rest = raw[len(prefix):]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    body = rest[len(quote): len(rest) - len(quote)]
    text, offsets = decode_escapes(body, len(prefix) + len(quote), "r" in prefix)
    if "\r" not in body:
        # Python itself read each escape, and the rest is the body as written:
        # the value is exact; only a line end with CR needs Python's own reading
        return StrVal(text, (StrPiece(0, len(text), node, offsets),))
    try:
        expected = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        expected = text
    if expected != text:  # a CRLF Python reads as LF: keep the value, drop the mapping
        return StrVal(expected, (StrPiece(0, len(expected), node, None),))
    return StrVal(text, (StrPiece(0, len(text), node, offsets),))


_DOUBLED_BRACE = re.compile(r"\{\{|\}\}")


def fstring_text_value(node: cst.FormattedStringText, is_raw: bool) -> StrVal:
    """A literal run of an f-string: escapes decoded, ``{{``/``}}`` halved."""
    body = node.value
    text, offsets = decode_escapes(body, 0, is_raw)
    if "{{" in text or "}}" in text:
        # each doubled brace is one character, at the offset of its first half
        parts: List[str] = []
        kept: List[int] = []
        done = 0
        for match in _DOUBLED_BRACE.finditer(text):
            parts.append(text[done:match.start() + 1])
            kept.extend(offsets[done:match.start() + 1])
            done = match.end()
        parts.append(text[done:])
        kept.extend(offsets[done:])
        text, offsets = "".join(parts), tuple(kept)
    return StrVal(text, (StrPiece(0, len(text), node, offsets),))


def unknown_str() -> StrVal:
    return StrVal(HOLE, (), known=False)
