"""``xcom_pull`` and ``xcom_push`` calls inside Jinja templates, found with Jinja's own lexer and parser.

The lexer gives the exact offset of each ``xcom_pull`` name in the template
text and the tokens of its arguments (Jinja nodes carry a line number only).
When every argument is a literal, the tokens say all the parser would; else the
parser gives the arguments. Both list the calls in source order, so the n-th
call of the tree is the n-th ``ti.xcom_pull(`` of the token stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Tuple

from ..knowledge import TI_NAMES
from ..lines import line_starts
from .records import UNKNOWN, ArgValue

if TYPE_CHECKING:
    import jinja2
    from jinja2 import nodes



@dataclass(frozen=True)
class TemplateCall:
    method: str  # "xcom_pull" or "xcom_push"
    offset: int  # where the method name stands in the template text
    positional: Tuple[ArgValue, ...]
    keywords: Mapping[str, ArgValue]  # read-only: a call may be shared (see _template_calls)
    has_star_args: bool
    # where each argument stands in the template text (see ``ArgumentPlace``)
    arguments: Tuple["ArgumentPlace", ...] = ()
    # how the template uses the pulled value (the uses of ``pull_use``)
    uses: Tuple[str, ...] = ()


@lru_cache(maxsize=None)
def _environment() -> "jinja2.Environment":
    """Jinja, imported by the first template that may pull: a run over files
    without one never loads it."""
    import jinja2

    return jinja2.Environment()


def _const(node: "nodes.Node") -> ArgValue:
    from jinja2 import nodes

    if isinstance(node, nodes.Const):
        value = node.value
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return UNKNOWN
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return tuple(_const(item) for item in node.items)
    return UNKNOWN


_METHODS = ("xcom_pull", "xcom_push")


def _is_xcom_call(node: "nodes.Call") -> bool:
    from jinja2 import nodes

    target = node.node
    return (
        isinstance(target, nodes.Getattr)
        and target.attr in _METHODS
        and isinstance(target.node, nodes.Name)
        and target.node.name in TI_NAMES
    )


# (parameter, value offset, value length, whole offset, whole length) of one argument
ArgumentPlace = Tuple[str, int, int, int, int]
# a token as the lexer reads it: (kind, text, offset in the template)
Token = Tuple[str, str, int]


@dataclass
class _Scan:
    """What one pass of Jinja's lexer tells about a template."""

    # for each ``ti.xcom_pull(`` / ``ti.xcom_push(``, in source order: the
    # offset of the method name, the method and the tokens of each argument
    calls: List[Tuple[int, str, List[List[Token]]]]
    has_tags: bool  # a ``{% ... %}`` block: its structure is checked by the parser only
    # every call is a ``{{ }}`` block's whole expression, but for a plain
    # ending (``['key']``, ``.attr``, ``| filter``): no grammar around it to check
    plain: bool
    # for each call, how the ending right after it uses the value (see ``_ending_uses``)
    uses: List[Tuple[str, ...]]


def _scan(text: str) -> Optional[_Scan]:
    """Lex the template once; None when Jinja's lexer rejects it."""
    from jinja2 import TemplateSyntaxError

    starts = line_starts(text)
    found: List[Tuple[int, str, List[List[Token]]]] = []
    open_calls: List[Tuple[int, str, List[List[Token]]]] = []  # calls whose arguments are being read
    depth: List[int] = []
    recent: List[Token] = []
    tokens: List[Token] = []
    starts_at: List[int] = []  # where each call's ``ti`` stands in ``tokens``
    has_tags = False
    column = 0
    current_line = 1
    try:
        for lineno, kind, value in _environment().lexer.tokeniter(text, None):
            if lineno != current_line:
                current_line, column = lineno, 0
            offset = starts[lineno - 1] + column if lineno - 1 < len(starts) else -1
            if kind == "block_begin" or kind == "linestatement_begin":
                has_tags = True
            if kind != "whitespace":
                token = (kind, value, offset)
                tokens.append(token)
                if open_calls:
                    _read_argument_token(token, open_calls, depth)
                recent.append(token)
                recent = recent[-5:]
                if (
                    len(recent) >= 4
                    and recent[-4][0] == "name" and recent[-4][1] in TI_NAMES
                    and recent[-3][1] == "." and recent[-2][0] == "name" and recent[-2][1] in _METHODS
                    and recent[-1][1] == "("
                ):
                    starts_at.append(len(tokens) - 4)
                    call: Tuple[int, str, List[List[Token]]] = (recent[-2][2], recent[-2][1], [[]])
                    found.append(call)
                    open_calls.append(call)
                    depth.append(0)
            newlines = value.count("\n")
            if newlines:
                current_line += newlines
                column = len(value) - value.rfind("\n") - 1
            else:
                column += len(value)
    except TemplateSyntaxError:
        return None
    return _Scan(found, has_tags, all(_plain_block(tokens, start) for start in starts_at),
                 [_ending_uses(tokens, start) for start in starts_at])


_PLAIN_ENDINGS = (("[", "string", "]"), ("[", "integer", "]"), (".", "name"), ("|", "name"))


def _after_call(tokens: List[Token], start: int) -> int:
    """The index of the first token after the call whose ``ti`` is ``tokens[start]``."""
    depth, index = 0, start + 3  # the call's ``(``
    while index < len(tokens):
        value = tokens[index][1]
        depth += value in ("(", "[", "{")
        depth -= value in (")", "]", "}")
        index += 1
        if depth == 0:
            break
    return index


def _plain_block(tokens: List[Token], start: int) -> bool:
    """Whether the call whose ``ti`` is ``tokens[start]`` opens its ``{{ }}``
    block and is followed only by plain endings up to the block's end."""
    if start == 0 or tokens[start - 1][0] != "variable_begin":
        return False
    index = _after_call(tokens, start)
    while index < len(tokens) and tokens[index][0] != "variable_end":
        for ending in _PLAIN_ENDINGS:
            part = tokens[index:index + len(ending)]
            if len(part) == len(ending) and all(t[1] == e or t[0] == e for t, e in zip(part, ending)):
                index += len(ending)
                break
        else:
            return False
    return index < len(tokens)


def _ending_uses(tokens: List[Token], start: int) -> Tuple[str, ...]:
    """How the tokens right after the call whose ``ti`` is ``tokens[start]`` use
    its value (the uses of ``pull_use``): ``['key']``, ``[0]``, ``.attr``, ``| filter``.
    What the parser's tree says of a call that is a block's whole expression."""
    from .pull_use import ATTRIBUTE_USE, KEY_USE, SEQUENCE_USE

    index = _after_call(tokens, start)
    after = tokens[index:index + 3]
    kinds = [kind for kind, _, _ in after]
    texts = [text for _, text, _ in after]
    if texts[:1] == ["["] and texts[2:3] == ["]"]:
        if kinds[1] == "string":
            return (KEY_USE,)
        return (SEQUENCE_USE,) if kinds[1] == "integer" else ()
    if texts[:1] == ["."] and kinds[1:2] == ["name"]:
        return (SEQUENCE_USE,) if texts[1] in _SEQUENCE_METHODS else (ATTRIBUTE_USE,)
    if texts[:1] == ["|"] and kinds[1:2] == ["name"]:
        return (SEQUENCE_USE,) if texts[1] in _SEQUENCE_FILTERS else ()
    return ()


def _read_argument_token(token: Token, open_calls: list, depth: List[int]) -> None:
    """Add a token to the argument being read of the innermost open call."""
    _, value, _ = token
    if value in ("(", "[", "{"):
        depth[-1] += 1
    elif value in (")", "]", "}"):
        if depth[-1] == 0:  # the call's closing parenthesis
            open_calls.pop()
            depth.pop()
            if open_calls:
                _read_argument_token(token, open_calls, depth)
            return
        depth[-1] -= 1
    elif value == "," and depth[-1] == 0:
        open_calls[-1][2].append([])
        return
    open_calls[-1][2][-1].append(token)


def _argument_places(arguments: List[List[Token]]) -> Tuple[ArgumentPlace, ...]:
    from .pending import PULL_PARAMS

    places: List[ArgumentPlace] = []
    index = 0
    for tokens in arguments:
        if not tokens:
            continue
        first, last = tokens[0], tokens[-1]
        whole_start, whole_end = first[2], last[2] + len(last[1])
        if len(tokens) >= 3 and first[0] == "name" and tokens[1][1] == "=":
            value_start = tokens[2][2]
            places.append((first[1], value_start, whole_end - value_start, whole_start, whole_end - whole_start))
        elif first[1] not in ("*", "**"):
            name = PULL_PARAMS[index] if index < len(PULL_PARAMS) else f"#{index}"
            places.append((name, whole_start, whole_end - whole_start, whole_start, whole_end - whole_start))
            index += 1
    return tuple(places)


def find_template_calls(text: str) -> Tuple[TemplateCall, ...]:
    """Every ``ti.xcom_pull(...)`` / ``task_instance.xcom_push(...)`` in a template.

    Text that is not a valid template yields nothing: it may not be a template.
    """
    if "xcom_pu" not in text:
        return ()
    return _template_calls(text)


# a template is often scanned more than once (an argument shared by tasks, a
# templated field seen through default_args); the calls are plain data
@lru_cache(maxsize=1024)
def _template_calls(text: str) -> Tuple[TemplateCall, ...]:
    try:
        scan = _scan(text)
    except Exception:  # jinja raises assorted errors on odd input; it is not a template then
        return ()
    if scan is None:
        return ()
    if not scan.has_tags and scan.plain:
        read = _calls_from_tokens(scan)
        if read is not None:
            return read
    return _parsed_calls(text, scan)


def _calls_from_tokens(scan: _Scan) -> Optional[Tuple[TemplateCall, ...]]:
    """The calls read from the tokens alone, when every argument is a literal
    (``task_ids="load"``, ``key='k'``, ``task_ids=["a", "b"]``, ``map_indexes=0``):
    what Jinja's parser would make of them, without parsing the template.
    Templates of SQL or shell text run to thousands of tokens around a few
    pulls, and the parser costs more than all the rest of their reading. None
    when an argument is anything else: the parser reads those.

    Only for a template without ``{% %}`` tags (whose structure the parser
    checks) whose calls are each the whole expression of a ``{{ }}`` block,
    but for a plain ending: then the calls' blocks are valid Jinja. A grammar
    error in a block without a call is not seen on this path (Airflow would
    fail to render such a template)."""
    calls: List[TemplateCall] = []
    for (offset, method, arguments), uses in zip(scan.calls, scan.uses):
        positional: List[ArgValue] = []
        keywords = {}
        for tokens in arguments:
            if not tokens:
                continue
            if len(tokens) >= 3 and tokens[0][0] == "name" and tokens[1][1] == "=":
                value = _literal(tokens[2:])
                if value is None:
                    return None
                keywords[tokens[0][1]] = value[0]
            else:
                value = _literal(tokens)
                if value is None or keywords:  # a positional after a keyword: the parser's error to report
                    return None
                positional.append(value[0])
        calls.append(TemplateCall(
            method=method,
            offset=offset,
            arguments=_argument_places(arguments),
            positional=tuple(positional),
            keywords=MappingProxyType(keywords),
            has_star_args=False,
            uses=uses,
        ))
    return tuple(calls)


def _literal(tokens: List[Token]) -> Optional[Tuple[ArgValue]]:
    """The value of an argument made of one literal, or a list or tuple of
    them, as Jinja's parser would make it (a one-tuple); None otherwise."""
    if len(tokens) == 1:
        return _scalar(tokens[0])
    if tokens[0][1] not in ("[", "(") or tokens[-1][1] != {"[": "]", "(": ")"}[tokens[0][1]]:
        return None
    inner = tokens[1:-1]
    items: List[ArgValue] = []
    for index, token in enumerate(inner):
        if index % 2:
            if token[1] != ",":
                return None
            continue
        value = _scalar(token)
        if value is None:
            return None
        items.append(value[0])
    if tokens[0][1] == "(" and len(items) == 1 and (not inner or inner[-1][1] != ","):
        return None  # ``(x)`` is x itself, not a tuple: the parser says what it is
    return (tuple(items),)


_NAMED_CONSTANTS = {"true": True, "True": True, "false": False, "False": False, "none": None, "None": None}


def _scalar(token: Token) -> Optional[Tuple[ArgValue]]:
    kind, text, _ = token
    if kind == "name":
        if text in _NAMED_CONSTANTS:
            return (_NAMED_CONSTANTS[text],)
        return (UNKNOWN,)  # a variable of the template: its value is not known
    if kind in ("string", "integer", "float"):
        # the lexer's own conversion (escapes, underscores in numbers)
        converted = next(iter(_environment().lexer.wrap(iter([(1, kind, text)]))))
        return (converted.value,)
    return None


def _parsed_calls(text: str, scan: _Scan) -> Tuple[TemplateCall, ...]:
    """The calls as Jinja's parser reads them, placed by the scan's offsets."""
    from jinja2 import TemplateSyntaxError, nodes

    try:
        tree = _environment().parse(text)
    except TemplateSyntaxError:
        return ()
    except Exception:  # jinja raises assorted errors on odd input; it is not a template then
        return ()
    calls = [call for call in tree.find_all(nodes.Call) if _is_xcom_call(call)]
    if len(scan.calls) != len(calls):
        return ()
    uses = _template_uses(tree, calls)
    pulls = []
    for call, (offset, _, arguments) in zip(calls, scan.calls):
        pulls.append(
            TemplateCall(
                method=call.node.attr,  # type: ignore[attr-defined]
                offset=offset,
                arguments=_argument_places(arguments),
                positional=tuple(_const(arg) for arg in call.args),
                keywords=MappingProxyType({kw.key: _const(kw.value) for kw in call.kwargs}),
                has_star_args=call.dyn_args is not None or call.dyn_kwargs is not None,
                uses=uses[id(call)],
            )
        )
    return tuple(pulls)


# methods a sequence has: reading them is no sign of a single value
_SEQUENCE_METHODS = frozenset({"count", "index"})
# filters that read a value as a collection
_SEQUENCE_FILTERS = frozenset({"length", "count", "first", "last", "join", "list", "sort", "sum", "max", "min",
                               "unique", "map", "select", "reject", "selectattr", "rejectattr", "batch", "slice",
                               "random", "reverse", "groupby"})


def _template_uses(tree: "nodes.Node", calls: List["nodes.Call"]) -> Dict[int, Tuple[str, ...]]:
    """How each pull's value is used (see ``pull_use``): where it stands, and
    through a name it is ``{% set %}`` to once."""
    from jinja2 import nodes

    from .pull_use import ATTRIBUTE_USE, KEY_USE, SEQUENCE_USE

    parents: Dict[int, "nodes.Node"] = {}
    names: Dict[str, List["nodes.Name"]] = {}
    assigned: Dict[str, int] = {}
    stack: List["nodes.Node"] = [tree]
    while stack:
        node = stack.pop()
        for child in node.iter_child_nodes():
            parents[id(child)] = node
            if isinstance(child, nodes.Name):
                if child.ctx == "load":
                    names.setdefault(child.name, []).append(child)
                else:
                    assigned[child.name] = assigned.get(child.name, 0) + 1
            stack.append(child)

    def use_at(place: "nodes.Node") -> Optional[str]:
        parent = parents.get(id(place))
        if isinstance(parent, nodes.Getitem) and parent.node is place:
            if isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, str):
                return KEY_USE
            if isinstance(parent.arg, nodes.Slice) or (
                    isinstance(parent.arg, nodes.Const) and isinstance(parent.arg.value, int)):
                return SEQUENCE_USE
            return None
        if isinstance(parent, nodes.Getattr) and parent.node is place:
            return SEQUENCE_USE if parent.attr in _SEQUENCE_METHODS else ATTRIBUTE_USE
        if isinstance(parent, nodes.Filter) and parent.node is place:
            return SEQUENCE_USE if parent.name in _SEQUENCE_FILTERS else None
        if isinstance(parent, nodes.For) and parent.iter is place:
            return SEQUENCE_USE
        return None

    found: Dict[int, Tuple[str, ...]] = {}
    for call in calls:
        places: List["nodes.Node"] = [call]
        parent = parents.get(id(call))
        if isinstance(parent, nodes.Assign) and isinstance(parent.target, nodes.Name):
            if assigned.get(parent.target.name) == 1:
                places.extend(names.get(parent.target.name, ()))
        found[id(call)] = tuple(sorted({use for use in map(use_at, places) if use is not None}))
    return found
