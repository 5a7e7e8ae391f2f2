"""Fast read-only walks over libcst trees.

libcst's visitor framework rebuilds every node it leaves (it is made for
transformers), which costs more than parsing. The model only reads, so it
walks the dataclass fields of each node directly.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, Tuple, Type

import libcst as cst

_FIELDS: Dict[Type[cst.CSTNode], Tuple[str, ...]] = {}
# whitespace, comments and punctuation never hold anything the model reads
_SKIPPED = (cst.BaseParenthesizableWhitespace, cst.Comment, cst.EmptyLine, cst.TrailingWhitespace,
            cst.Newline, cst.Comma, cst.Dot, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
            cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.AssignEqual,
            cst.Colon, cst.Semicolon, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp,
            cst.BaseUnaryOp, cst.BaseAugOp)


def _fields(kind: Type[cst.CSTNode]) -> Tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(kind))
        _FIELDS[kind] = names
    return names


_KEEP: Dict[type, bool] = {}


def _kept(kind: type) -> bool:
    # isinstance against libcst's abstract bases is slow; decide once per class
    keep = _KEEP.get(kind)
    if keep is None:
        keep = issubclass(kind, cst.CSTNode) and not issubclass(kind, _SKIPPED)
        _KEEP[kind] = keep
    return keep


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                if _kept(type(item)):
                    yield item
        elif _kept(kind):
            yield value


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (itself included), parents before children, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
