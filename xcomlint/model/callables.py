"""What a Python callable does with XCom: the pulls, pushes and returns in its body.

Airflow never looks inside callables, so neither pulls nor pushes here create
dependencies; this module only reports them for the builder to attach to the
task(s) that run the callable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union, cast

import libcst as cst

from ..knowledge import GET_CURRENT_CONTEXT, TI_NAMES
from .imports import dotted_name
from .loops import COMPREHENSIONS, bound_names, is_literal_collection, loop_bindings, names_read
from .pull_use import pull_uses
from .syntax import branch_list

# callees that may receive the task instance or context without pushing for it
_HARMLESS_CALLEES = frozenset({"print", "str", "repr", "len", "type", "isinstance", "dict", "list", "pprint", "vars",
                               "getattr", "hasattr", "bool", "id"})
_LOG_METHODS = frozenset({"info", "debug", "warning", "warn", "error", "exception", "critical", "log", "format"})
_CONTEXT_PARAMS = frozenset({"context", "kwargs", "ctx", "kw"})


@dataclass
class PullSite:
    """One ``.xcom_pull(...)`` call, its arguments still as syntax."""

    call: cst.Call
    positional: List[cst.BaseExpression]
    keywords: Dict[str, cst.BaseExpression]
    has_star_args: bool
    skips_context: bool = False  # ``self.xcom_pull(context, ...)``: the first argument is the context
    # how the code uses the pulled value (``pull_use.ONE_VALUE_USES``, ``SEQUENCE_USE``)
    uses: Tuple[str, ...] = ()

    def argument_nodes(self) -> List[Tuple[str, cst.Arg]]:
        """Each argument with the parameter it binds (``#n`` past the named ones)."""
        from .pending import PULL_PARAMS

        named: List[Tuple[str, cst.Arg]] = []
        index = -1 if self.skips_context else 0
        for arg in self.call.args:
            if arg.star:
                continue
            if arg.keyword is not None:
                if not (self.skips_context and arg.keyword.value == "context"):
                    named.append((arg.keyword.value, arg))
            else:
                if index >= 0:
                    named.append((PULL_PARAMS[index] if index < len(PULL_PARAMS) else f"#{index}", arg))
                index += 1
        return named


@dataclass
class PushSite:
    call: cst.Call
    key: Optional[cst.BaseExpression]
    value: Optional[cst.BaseExpression]
    has_star_args: bool
    block: int = 0  # id() of the statement block holding the call
    in_loop: bool = False
    # the loops that repeat the call (``for``, ``while``, comprehensions), outermost
    # first, each with whether the key reads a name the loop gives a new value
    loops: Tuple[Tuple[cst.CSTNode, bool], ...] = ()


@dataclass
class CallableSummary:
    pulls: List[PullSite] = field(default_factory=list)
    pushes: List[PushSite] = field(default_factory=list)
    returns: List[cst.Return] = field(default_factory=list)  # returns of a value other than None
    yields: bool = False
    # callees handed the TI or context: a name or dotted name (followed by the
    # builder when it names a function it can see) or None for anything else,
    # where pushes can no longer be known
    context_callees: Set[Optional[str]] = field(default_factory=set)
    called_names: Set[str] = field(default_factory=set)
    single_assignments: Dict[str, cst.BaseExpression] = field(default_factory=dict)
    local_names: Set[str] = field(default_factory=set)
    file_names: Set[str] = field(default_factory=set)  # names bound by ``with open(...) as name``
    params: Set[str] = field(default_factory=set)
    # the first call of each name of ``called_names``: where the body calls it
    call_sites: Dict[str, cst.Call] = field(default_factory=dict)
    # locals changed in place (``ids[c] = v``, ``ids.update(...)``): what a single
    # assignment gave them is not all they hold
    mutated_names: Set[str] = field(default_factory=set)
    # locals only ever assigned short literal collections, never changed in place:
    # a loop over one of them is bounded (``result = {"a": 1}`` ... ``for k in result``)
    literal_collections: Set[str] = field(default_factory=set)


def _is_static_form(receiver: cst.BaseExpression) -> bool:
    """``self.xcom_push(context, ...)`` / ``BaseOperator.xcom_pull(context, ...)``:
    the static BaseOperator helpers take the context first."""
    if isinstance(receiver, cst.Name):
        return receiver.value in ("self", "cls") or receiver.value.endswith("Operator")
    if isinstance(receiver, cst.Attribute):
        return receiver.attr.value.endswith("Operator")
    return False


def _split_args(call: cst.Call, skip_first: bool):
    positional: List[cst.BaseExpression] = []
    keywords: Dict[str, cst.BaseExpression] = {}
    star = False
    for arg in call.args:
        if arg.star:
            star = True
        elif arg.keyword is not None:
            keywords[arg.keyword.value] = arg.value
        else:
            positional.append(arg.value)
    if skip_first:
        if positional:
            positional = positional[1:]
        keywords.pop("context", None)
    return positional, keywords, star


class _BodyScanner:
    """One pass over a function body, tracking nesting so that only the
    function's own ``return``/``yield`` count, while pulls and pushes in
    nested functions (helpers it calls) still do."""

    def __init__(self, summary: CallableSummary, context_names: Set[str]) -> None:
        self.summary = summary
        self.context_names = context_names
        self.assign_counts: Dict[str, int] = {}
        self.block = 0
        self.loops = 0
        # every loop around the node in its function, outermost first; the first
        # ``loops`` of them repeat it (a ``break`` ends the innermost's repetition)
        self.enclosing: Tuple[cst.CSTNode, ...] = ()
        self.loop_names: Dict[int, FrozenSet[str]] = {}
        # for each name assigned a value: whether every assignment was a short literal collection
        self.literal_assignments: Dict[str, bool] = {}

    def scan(self, root: cst.CSTNode) -> None:
        # node types are compared with ``is`` (see Builder.evaluate: libcst's
        # isinstance is slow, and concrete libcst classes have no subclasses);
        # ``loops`` counts the enclosing loops whose bodies repeat the node
        empty: Tuple[cst.CSTNode, ...] = ()
        stack = [(root, 0, id(root), 0, empty)]
        while stack:
            node, depth, block, loops, enclosing = stack.pop()
            self.block, self.loops, self.enclosing = block, loops, enclosing
            kind = type(node)
            if kind in _VISITED:
                self.visit(node, kind, depth)
            if kind is cst.FunctionDef or kind is cst.Lambda:
                depth, loops, enclosing = depth + 1, 0, empty
            elif kind is cst.IndentedBlock or kind is cst.SimpleStatementSuite:
                block = id(node)
                if loops:
                    suite = cast(cst.BaseSuite, node)
                    for child, child_loops in reversed(_loops_left(suite.body, loops)):
                        stack.append((child, depth, block, child_loops, enclosing))
                    continue
            if kind is cst.For or kind is cst.While:
                body = cast("Union[cst.For, cst.While]", node).body
                for child in reversed(branch_list(node)):
                    # a loop's body repeats; its ``else:`` runs at most once
                    if child is body:
                        stack.append((child, depth, block, loops + 1, enclosing + (node,)))
                    else:
                        stack.append((child, depth, block, loops, enclosing))
            elif kind in _COMPREHENSIONS:
                # the element repeats once per item; the first iterable is read once
                first = cast("cst.ListComp", node).for_in
                for child in reversed(branch_list(node)):
                    if child is first:
                        stack.append((child, depth, block, loops, enclosing))
                    else:
                        stack.append((child, depth, block, loops + 1, enclosing + (node,)))
            else:
                for child in reversed(branch_list(node)):
                    stack.append((child, depth, block, loops, enclosing))

    def visit(self, node: cst.CSTNode, kind: type, depth: int) -> None:
        # ``kind`` is ``type(node)``, which the type checker does not narrow
        # through: each branch casts ``node`` to the class it checked
        if kind is cst.Call:
            self.visit_call(cast(cst.Call, node))
        elif kind is cst.Return:
            ret = cast(cst.Return, node)
            if depth == 0 and ret.value is not None:
                if not (type(ret.value) is cst.Name and ret.value.value == "None"):
                    self.summary.returns.append(ret)
        elif kind is cst.Yield:
            if depth == 0:
                self.summary.yields = True
        elif kind is cst.Assign:
            assign = cast(cst.Assign, node)
            for target in assign.targets:
                if type(target.target) is cst.Subscript and type(target.target.value) is cst.Name:
                    self.summary.mutated_names.add(target.target.value.value)
                if type(target.target) is cst.Name:
                    name = target.target.value
                    self.assign_counts[name] = self.assign_counts.get(name, 0) + 1
                    self.literal_assignments[name] = (self.literal_assignments.get(name, True)
                                                      and is_literal_collection(assign.value))
                    self.summary.single_assignments[name] = assign.value
                    if _reaches_context(assign.value, self.context_names):
                        self.context_names.add(name)
                else:
                    for name in bound_names(target.target):
                        self.assign_counts[name] = 2
                        self.literal_assignments[name] = False
        elif kind is cst.AugAssign or kind is cst.AnnAssign:
            changed = cast("Union[cst.AugAssign, cst.AnnAssign]", node).target
            for name in bound_names(changed):
                self.assign_counts[name] = 2
                self.literal_assignments[name] = False
            if type(changed) is cst.Subscript and type(changed.value) is cst.Name:
                self.summary.mutated_names.add(changed.value.value)
        elif kind is cst.For or kind is cst.CompFor:
            for name in bound_names(cast("Union[cst.For, cst.CompFor]", node).target):
                self.assign_counts[name] = 2
                self.literal_assignments[name] = False
        elif kind is cst.AsName:
            for name in bound_names(cast(cst.AsName, node).name):
                self.assign_counts[name] = 2
                self.literal_assignments[name] = False
        elif kind is cst.WithItem:
            item = cast(cst.WithItem, node)
            call = item.item
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "open":
                if item.asname is not None and isinstance(item.asname.name, cst.Name):
                    self.summary.file_names.add(item.asname.name.value)

    def repeating_loops(self, key: Optional[cst.BaseExpression]) -> Tuple[Tuple[cst.CSTNode, bool], ...]:
        """The loops that repeat the current node, each with whether ``key`` reads
        a name it rebinds each iteration (its target, or a name its body assigns)."""
        if not self.loops:
            return ()
        read = names_read(key) if key is not None and type(key) is not cst.SimpleString else frozenset()
        return tuple((loop, bool(read & loop_bindings(loop, self.loop_names)))
                     for loop in self.enclosing[: self.loops])

    def visit_call(self, node: cst.Call) -> None:
        func = node.func
        if type(func) is cst.Attribute and func.attr.value in IN_PLACE_METHODS and type(func.value) is cst.Name:
            self.summary.mutated_names.add(func.value.value)
        if isinstance(func, cst.Attribute) and func.attr.value in ("xcom_pull", "xcom_push"):
            static = _is_static_form(func.value)
            positional, keywords, star = _split_args(node, static)
            if func.attr.value == "xcom_pull":
                self.summary.pulls.append(PullSite(node, positional, keywords, star, static))
            else:
                key = keywords.get("key", positional[0] if positional else None)
                value = keywords.get("value", positional[1] if len(positional) > 1 else None)
                self.summary.pushes.append(PushSite(node, key, value, star, self.block, self.loops > 0,
                                                    self.repeating_loops(key)))
            return
        if isinstance(func, cst.Name):
            self.summary.called_names.add(func.value)
            self.summary.call_sites.setdefault(func.value, node)
            if func.value in _HARMLESS_CALLEES:
                return
        elif isinstance(func, cst.Attribute):
            if func.attr.value in _LOG_METHODS:
                return
            dotted = dotted_name(func)
            if dotted is not None:  # ``helpers.read_path(...)``, ``self.load(...)``: maybe followed
                self.summary.called_names.add(dotted)
                self.summary.call_sites.setdefault(dotted, node)
        for arg in node.args:
            if _reaches_context(arg.value, self.context_names):
                self.summary.context_callees.add(dotted_name(func))


# methods that change a dict or list in place
IN_PLACE_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "append", "extend", "insert", "remove",
                       "__setitem__", "__delitem__"})

_COMPREHENSIONS = frozenset(COMPREHENSIONS)

# the node types ``_BodyScanner.visit`` reads (most of a body is names and literals)
_VISITED = frozenset({cst.Call, cst.Return, cst.Yield, cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For,
                      cst.CompFor, cst.AsName, cst.WithItem})


def _loops_left(statements: Sequence[cst.CSTNode], loops: int) -> List[Tuple[cst.CSTNode, int]]:
    """Each statement of a block with the number of loops that repeat it: the
    statements before an unconditional ``break`` run once per run of the
    innermost loop, those before a ``return`` or ``raise`` at most once."""
    result: List[Tuple[cst.CSTNode, int]] = []
    pending: List[cst.CSTNode] = []
    for statement in statements:
        pending.append(statement)
        exit_kind = _exit_kind(statement)
        if exit_kind is not None:
            left = max(loops - 1, 0) if exit_kind is cst.Break else 0
            result.extend((s, left) for s in pending)
            pending = []
            loops = left
    result.extend((s, loops) for s in pending)
    return result


def _exit_kind(statement: cst.CSTNode) -> Optional[type]:
    """``Break``, ``Return`` or ``Raise`` when the statement always leaves the block."""
    small = statement.body if type(statement) is cst.SimpleStatementLine else (statement,)
    for item in small:
        if type(item) in (cst.Break, cst.Return, cst.Raise):
            return type(item)
    return None


def _reaches_context(node: cst.BaseExpression, context_names: Set[str]) -> bool:
    """True for ``ti``, ``context``, ``context["ti"]``, ``get_current_context()``:
    what can push. An entry of the context under another literal name
    (``context["dag_run"]``, ``context.get("params")``) is not the task instance."""
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        if isinstance(node, cst.Subscript) and _other_entry(_literal_index(node)):
            return False
        node = node.value
    if isinstance(node, cst.Call):
        if isinstance(node.func, cst.Name) and node.func.value in GET_CURRENT_CONTEXT:
            return True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
            first = node.args[0].value if node.args else None
            if _other_entry(first.evaluated_value if isinstance(first, cst.SimpleString) else None):
                return False
            return _reaches_context(node.func.value, context_names)
        return False
    return isinstance(node, cst.Name) and node.value in context_names


def _literal_index(node: cst.Subscript) -> Optional[str]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        value = node.slice[0].slice.value
        if isinstance(value, cst.SimpleString):
            text = value.evaluated_value
            return text if isinstance(text, str) else None
    return None


def _other_entry(key: Union[str, bytes, None]) -> bool:
    """A literal context key that names something other than the task instance
    (a bytes literal names no key)."""
    return isinstance(key, str) and key not in TI_NAMES


def summarize_callable(function: "cst.FunctionDef | cst.Lambda") -> CallableSummary:
    summary = CallableSummary()
    params = function.params
    context_names: Set[str] = set(TI_NAMES)
    for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
        summary.params.add(param.name.value)
        if param.name.value in TI_NAMES or param.name.value in _CONTEXT_PARAMS:
            context_names.add(param.name.value)
    if isinstance(params.star_kwarg, cst.Param):
        summary.params.add(params.star_kwarg.name.value)
        context_names.add(params.star_kwarg.name.value)
    if isinstance(params.star_arg, cst.Param):
        summary.params.add(params.star_arg.name.value)
    visitor = _BodyScanner(summary, context_names)
    visitor.scan(function.body)
    if type(function) is cst.Lambda and not (type(function.body) is cst.Name and function.body.value == "None"):
        # a lambda returns its body's value: one return statement, made up
        summary.returns.append(cst.Return(value=function.body))
    summary.local_names = set(visitor.assign_counts)
    summary.literal_collections = {name for name, literal in visitor.literal_assignments.items()
                                   if literal and name not in summary.mutated_names and name not in summary.params}
    if summary.pulls:
        once = {name for name, count in visitor.assign_counts.items() if count == 1 and name not in summary.params}
        uses = pull_uses(function.body, [site.call for site in summary.pulls], once)
        for site in summary.pulls:
            site.uses = uses.get(id(site.call), ())
    summary.single_assignments = {
        name: expr
        for name, expr in summary.single_assignments.items()
        if visitor.assign_counts.get(name) == 1 and name not in summary.params
    }
    return summary
