"""Source positions for just the nodes the model records.

libcst's ``PositionProvider`` stores a range for every node of the tree, which
makes a lint run several times slower than parsing. The model needs positions
for a handful of nodes (tasks, pulls, pushes, DAGs), so one code-generation
pass records only those.

The pass keeps libcst's own token list and notes, for each recorded node, the
index of the token where it starts and ends; character offsets and then
lines and columns are worked out once at the end, over the joined text. That
costs far less than tracking the line and column at every one of the
hundreds of thousands of tokens of a large file. The pass stops as soon as
the last target is behind it: the rest of the file cannot move a position.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING, Dict, Iterable, Optional, Tuple

from libcst._nodes.internal import CodegenState

from ..lines import NEWLINE, line_starts

if TYPE_CHECKING:
    import libcst as cst

Point = Tuple[int, int]  # (1-based line, 0-based column)


class _Unrecorded:
    """The context manager for nodes nobody asked about: does nothing, allocates nothing."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_UNRECORDED = _Unrecorded()


class _SyntacticRange:
    """Records the token range of a target's syntactic extent."""

    __slots__ = ("state", "key", "start")

    def __init__(self, state: "_TargetedPositionState", key: int) -> None:
        self.state = state
        self.key = key
        self.start = len(state.tokens)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        # a syntactic range excludes surrounding parentheses and whitespace;
        # it takes precedence over the whitespace-inclusive one
        self.state.found[self.key] = (self.start, len(self.state.tokens))


class _AllFound(Exception):
    """Raised to end code generation once every target has been passed."""


class _TargetedPositionState(CodegenState):
    """A codegen state that notes token ranges of target nodes only."""

    def __init__(self, module: "cst.Module", targets: "set[int]") -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.targets = targets
        self.found: Dict[int, Tuple[int, int]] = {}
        self._starts: Dict[int, int] = {}
        self._pending = set(targets)

    def pop_trailing_newline(self) -> None:
        # the final newline is dropped only to make ``Module.code`` exact; keeping
        # it keeps every recorded token index valid
        return None

    def before_codegen(self, node: "cst.CSTNode") -> None:
        if id(node) in self.targets:
            self._starts[id(node)] = len(self.tokens)

    def after_codegen(self, node: "cst.CSTNode") -> None:
        key = id(node)
        if key in self.targets:
            start = self._starts.pop(key)
            self.found.setdefault(key, (start, len(self.tokens)))
            self._pending.discard(key)
            if not self._pending:
                raise _AllFound

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: "cst.CSTNode",
        *,
        start_node: "Optional[cst.CSTNode]" = None,
        end_node: "Optional[cst.CSTNode]" = None,
    ) -> "_SyntacticRange | _Unrecorded":
        if id(node) in self.targets:
            return _SyntacticRange(self, id(node))
        return _UNRECORDED


def resolve_positions(module: "cst.Module", nodes: Iterable["cst.CSTNode"]) -> Dict[int, Tuple[Point, Point]]:
    """Return ``{id(node): ((line, col), (end_line, end_col))}`` for ``nodes``."""
    targets = {id(node) for node in nodes}
    if not targets:
        return {}
    state = _TargetedPositionState(module, targets)
    try:
        module._codegen(state)
    except _AllFound:
        pass
    tokens = state.tokens
    offsets = [0, *accumulate(map(len, tokens))]  # offsets[i]: characters before token i
    starts = line_starts("".join(tokens))

    def point(token_index: int) -> Point:
        offset = offsets[token_index]
        line = bisect_right(starts, offset) - 1
        return (line + 1, offset - starts[line])

    return {key: (point(start), point(end)) for key, (start, end) in state.found.items()}


def point_in_text(start: Point, text: str, offset: int) -> Point:
    """The position of ``text[offset]`` when ``text`` begins at ``start``."""
    before = text[:offset]
    parts = NEWLINE.split(before)
    if len(parts) == 1:
        return (start[0], start[1] + len(before))
    return (start[0] + len(parts) - 1, len(parts[-1]))
