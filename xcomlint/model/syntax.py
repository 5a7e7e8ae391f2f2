"""Fast read-only walks over libcst trees.

libcst's visitor framework rebuilds every node it leaves (it is made for
transformers), which costs more than parsing. The model only reads, so it
walks the dataclass fields of each node directly.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Dict, Iterator, List, Tuple, Type

import libcst as cst

# the node kinds of a string literal (one part of an f-string is code)
STRING_NODES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)

_FIELDS: Dict[Type[cst.CSTNode], Tuple[str, ...]] = {}
# whitespace, comments and punctuation never hold anything the model reads
_SKIPPED = (cst.BaseParenthesizableWhitespace, cst.Comment, cst.EmptyLine, cst.TrailingWhitespace,
            cst.Newline, cst.Comma, cst.Dot, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
            cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.AssignEqual,
            cst.Colon, cst.Semicolon, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp,
            cst.BaseUnaryOp, cst.BaseAugOp)

# What a field value of a given type is. ``isinstance`` against libcst's abstract
# base classes goes through ABCMeta on every call, and a walk asks it for every
# field of every node; asking once per concrete type makes walks several times
# faster. A leaf is a node with nothing the model reads below it (a name, a
# number, a string literal): two nodes in five.
_OTHER, _SKIPPED_NODE, _LEAF, _BRANCH, _SEQUENCE = 0, 1, 2, 3, 4
_KINDS: Dict[type, int] = {}


def _kind(kind: type) -> int:
    found = _KINDS.get(kind)
    if found is None:
        # the MRO, not issubclass: a negative ABC subclass check walks every
        # subclass of the ABC, which costs a quarter second over a run
        bases = kind.__mro__
        if cst.CSTNode in bases:
            if any(base in bases for base in _SKIPPED):
                found = _SKIPPED_NODE
            else:
                found = _BRANCH if _fields(kind) else _LEAF
        elif tuple in bases or list in bases:
            found = _SEQUENCE
        else:
            found = _OTHER
        _KINDS[kind] = found
    return found


def _fields(kind: Type[cst.CSTNode]) -> Tuple[str, ...]:
    """The fields of ``kind`` that may hold a node the model reads. About half
    the fields of a node are whitespace and punctuation: their annotations say
    so, and a walk that never reads them is twice as fast."""
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(kind) if _may_hold_read_node(f.type))
        _FIELDS[kind] = names
    return names


def _may_hold_read_node(annotation: object) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is not None:  # Union, Optional, Sequence
        return any(_may_hold_read_node(argument) for argument in typing.get_args(annotation))
    if isinstance(annotation, type):
        bases = annotation.__mro__  # not issubclass: see _kind
        return cst.CSTNode in bases and not any(base in bases for base in _SKIPPED)
    return True  # an annotation this cannot read: read the field


def child_list(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The children the model may read, in source order."""
    return _children(node, _LEAF)


def branch_list(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The children that have children the model may read, in source order:
    for a walk that reads no leaf."""
    return _children(node, _BRANCH)


def _children(node: cst.CSTNode, least: int) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = []
    names = _FIELDS.get(type(node))
    if names is None:
        names = _fields(type(node))
    for name in names:
        value = getattr(node, name)
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == _SEQUENCE:
            for item in value:
                item_kind = _KINDS.get(type(item))
                if item_kind is None:
                    item_kind = _kind(type(item))
                if least <= item_kind <= _BRANCH:
                    found.append(item)
        elif least <= kind <= _BRANCH:
            found.append(value)
    return found


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    return iter(child_list(node))


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (itself included), parents before children, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(child_list(current)))
