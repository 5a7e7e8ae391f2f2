"""libcst parsing without re-validating what the parser built.

Every libcst node checks its own invariants in ``__post_init__`` when it is
constructed. For a tree the native parser builds, the grammar has already
enforced them: a source the grammar rejects raises ``ParserSyntaxError``
before any node exists (libcst's own source says so: "It might make more
sense to move validation work into the visitor, which would allow us to avoid
validating the tree when parsing a file"). The re-check costs about a tenth of
a parse, so this module turns it off for the duration of one parse.

Checked when this was written (libcst 1.9): with and without the check, the
same outcome (tree or error) and a byte-exact round trip for every file of
CPython's standard library, including its deliberately broken test files,
and for a list of syntax errors aimed at each validator.

The switch is process-wide while a parse runs; xcomlint parses on one thread
per process. Nodes built by the model (none today) would be unaffected outside
the ``with`` block.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import libcst as cst

try:  # a private detail of libcst: if a release moves it, parse the ordinary way
    from libcst._nodes.base import CSTNode

    _VALIDATING_POST_INIT = CSTNode.__dict__.get("__post_init__")
except ImportError:  # pragma: no cover - depends on the installed libcst
    CSTNode = None  # type: ignore[assignment,misc]
    _VALIDATING_POST_INIT = None


def _trusted(self: CSTNode) -> None:
    return None


@contextmanager
def _without_node_validation() -> Iterator[None]:
    CSTNode.__post_init__ = _trusted  # type: ignore[method-assign]
    try:
        yield
    finally:
        # not None here: parse_module enters this block only when libcst has the method
        CSTNode.__post_init__ = _VALIDATING_POST_INIT  # type: ignore[method-assign,assignment]


def parse_module(source: str) -> cst.Module:
    """``libcst.parse_module`` minus the redundant per-node validation."""
    if _VALIDATING_POST_INIT is None:
        return cst.parse_module(source)
    with _without_node_validation():
        return cst.parse_module(source)
