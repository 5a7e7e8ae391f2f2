"""Source positions for just the nodes the model records.

libcst's ``PositionProvider`` stores a range for every node of the tree, which
makes a lint run several times slower than parsing. The model needs positions
for a handful of nodes (tasks, pulls, pushes, DAGs), so one code-generation
pass records only those.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

from .records import Span

_NEWLINE = re.compile(r"\r\n?|\n")
Point = Tuple[int, int]  # (1-based line, 0-based column)


class _TargetedPositionState(CodegenState):
    """A codegen state that tracks line/column and records only target nodes."""

    def __init__(self, module: cst.Module, targets: "set[int]") -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.targets = targets
        self.line = 1
        self.column = 0
        self.found: Dict[int, Tuple[Point, Point]] = {}
        self._starts: Dict[int, Point] = {}

    def _advance(self, value: str) -> None:
        parts = _NEWLINE.split(value)
        if len(parts) == 1:
            self.column += len(value)
        else:
            self.line += len(parts) - 1
            self.column = len(parts[-1])

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.tokens.append(token)
            self._advance(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self._advance(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.targets:
            self._starts[id(node)] = (self.line, self.column)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.targets:
            start = self._starts.pop(key)
            self.found.setdefault(key, (start, (self.line, self.column)))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            # a syntactic range excludes surrounding parentheses and whitespace;
            # it takes precedence over the whitespace-inclusive one
            if id(node) in self.targets:
                self.found[id(node)] = (start, (self.line, self.column))


def resolve_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[int, Tuple[Point, Point]]:
    """Return ``{id(node): ((line, col), (end_line, end_col))}`` for ``nodes``."""
    targets = {id(node) for node in nodes}
    if not targets:
        return {}
    state = _TargetedPositionState(module, targets)
    module._codegen(state)
    return state.found


def point_in_text(start: Point, text: str, offset: int) -> Point:
    """The position of ``text[offset]`` when ``text`` begins at ``start``."""
    before = text[:offset]
    parts = _NEWLINE.split(before)
    if len(parts) == 1:
        return (start[0], start[1] + len(before))
    return (start[0] + len(parts) - 1, len(parts[-1]))


def span_of(points: Tuple[Point, Point]) -> Span:
    (line, col), (end_line, end_col) = points
    return Span(line, col + 1, end_line, end_col + 1)


def lines_of(text: str) -> List[str]:
    return _NEWLINE.split(text)
