"""``xcom_pull`` and ``xcom_push`` calls inside Jinja templates, found with Jinja's own lexer and parser.

The parser gives each call's arguments; the lexer gives the exact offset of
each ``xcom_pull`` name in the template text (Jinja nodes carry a line number
only). Both list the calls in source order, so the n-th call of the tree is the
n-th ``ti.xcom_pull(`` of the token stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, List, Mapping, Optional, Tuple

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


def _token_offsets(text: str) -> Optional[List[Tuple[int, Tuple[ArgumentPlace, ...]]]]:
    """For each ``ti.xcom_pull(`` / ``ti.xcom_push(`` in ``text``, in source order:
    the offset of the method name, and where each of its arguments stands."""
    from jinja2 import TemplateSyntaxError

    starts = line_starts(text)
    found: List[Tuple[int, List[List[Tuple[str, str, int]]]]] = []
    open_calls: List[Tuple[int, List[List[Tuple[str, str, int]]]]] = []  # calls whose arguments are being read
    depth: List[int] = []
    recent: List[Tuple[str, str, int]] = []
    column = 0
    current_line = 1
    try:
        for lineno, kind, value in _environment().lexer.tokeniter(text, None):
            if lineno != current_line:
                current_line, column = lineno, 0
            offset = starts[lineno - 1] + column if lineno - 1 < len(starts) else -1
            if kind != "whitespace":
                token = (kind, value, offset)
                if open_calls:
                    _read_argument_token(token, open_calls, depth)
                recent.append(token)
                recent = recent[-4:]
                if (
                    len(recent) == 4
                    and recent[0][0] == "name" and recent[0][1] in TI_NAMES
                    and recent[1][1] == "." and recent[2][0] == "name" and recent[2][1] in _METHODS
                    and recent[3][1] == "("
                ):
                    call: Tuple[int, List[List[Tuple[str, str, int]]]] = (recent[2][2], [[]])
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
    return [(offset, _argument_places(arguments)) for offset, arguments in found]


def _read_argument_token(token: Tuple[str, str, int], open_calls: list, depth: List[int]) -> None:
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
        open_calls[-1][1].append([])
        return
    open_calls[-1][1][-1].append(token)


def _argument_places(arguments: List[List[Tuple[str, str, int]]]) -> Tuple[ArgumentPlace, ...]:
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
    from jinja2 import TemplateSyntaxError, nodes

    try:
        tree = _environment().parse(text)
    except TemplateSyntaxError:
        return ()
    except Exception:  # jinja raises assorted errors on odd input; it is not a template then
        return ()
    calls = [call for call in tree.find_all(nodes.Call) if _is_xcom_call(call)]
    offsets = _token_offsets(text)
    if offsets is None or len(offsets) != len(calls):
        return ()
    pulls = []
    for call, (offset, places) in zip(calls, offsets):
        pulls.append(
            TemplateCall(
                method=call.node.attr,  # type: ignore[attr-defined]
                offset=offset,
                arguments=places,
                positional=tuple(_const(arg) for arg in call.args),
                keywords=MappingProxyType({kw.key: _const(kw.value) for kw in call.kwargs}),
                has_star_args=call.dyn_args is not None or call.dyn_kwargs is not None,
            )
        )
    return tuple(pulls)
