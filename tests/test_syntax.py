"""The model's tree walk reads only the fields whose annotations admit a node it
reads; these tests hold that shortcut to the walk over every field."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import List

import libcst as cst
import pytest
from dag_sources import known_sources

from xcomlint.model import parse_source, syntax

# one of (nearly) every statement and expression form, whitespace and comments
# in odd places included
EVERY_FORM = textwrap.dedent(
    '''\
    # leading comment
    """docstring"""
    from __future__ import annotations
    import os.path as p, sys
    from . import a as b
    from .x import (c,  # comment
                    d)


    @decorator(arg=1)
    @other
    async def f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> "T":
        global g
        x: int = 1
        x += 2
        del x
        async with ctx() as (y, z), other:
            async for i in aiter():
                await thing(i)
        try:
            raise ValueError("x") from None
        except (A, B) as error:
            pass
        else:
            pass
        finally:
            return (yield)
        try:
            pass
        except* C:
            pass
        while True:
            break
        else:
            continue
        assert x, "message"
        nonlocal_value = lambda q, *r, s=1, **t: q if r else s
        return [i for i in range(3) if i] + {k: v for k, v in {}.items()} + {*s} + (j async for j in g)


    class K(Base, metaclass=Meta):
        attribute: int
        def method(self): return self.x[1:2:3, ...]


    match command:
        case [1, *rest] if rest:
            pass
        case {"k": v, **others}:
            pass
        case Point(x=0, y=_) | None:
            pass
        case str() as text:
            pass

    value = (a := 1) and not b or c is not d < e in f
    text = f"{value!r:>{width}} {'nested'} {{literal}}" "implicit" 'concatenation'
    number = -1 + 2 * 3 / 4 // 5 % 6 ** 7 @ m << 1 >> 2 & 3 | 4 ^ ~5
    first, *others = items; other = 1j + 1.5e3 + 0x1f
    print(*args, **kwargs)
    if a: pass
    elif b: pass
    with open("f") as handle: handle.read()
    '''
)


def _every_field_children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The walk's definition, over every field."""
    found: List[cst.CSTNode] = []
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        items = value if isinstance(value, (list, tuple)) else [value]
        found.extend(item for item in items if syntax._kind(type(item)) in (syntax._LEAF, syntax._BRANCH))
    return found


def _assert_same_walk(module: cst.Module) -> int:
    count = 0
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        expected = _every_field_children(node)
        found = syntax.child_list(node)
        assert [id(child) for child in found] == [id(child) for child in expected], type(node).__name__
        # a walk that reads no leaf loses nothing else: a leaf has no children
        leaves = [child for child in expected if syntax._kind(type(child)) == syntax._LEAF]
        assert not [child for leaf in leaves for child in _every_field_children(leaf)]
        branches = [id(child) for child in syntax.branch_list(node)]
        assert branches == [id(child) for child in expected if all(child is not leaf for leaf in leaves)]
        count += 1
        stack.extend(expected)
    return count


def test_every_form_walks_like_every_field() -> None:
    module = parse_source(EVERY_FORM)
    assert not isinstance(module, tuple), module
    assert _assert_same_walk(module) > 300


@pytest.mark.parametrize("name,source", known_sources(), ids=[name for name, _ in known_sources()])
def test_known_sources_walk_like_every_field(name: str, source: str) -> None:
    module = parse_source(source)
    if isinstance(module, tuple):
        # only the syntax-error rule's document shows a file that does not parse
        assert name.startswith("XCL001"), f"{name} does not parse: {module}"
        return
    assert _assert_same_walk(module) > 0


def test_whitespace_fields_are_not_read() -> None:
    """The shortcut is real: a call's parentheses and whitespace are not read."""
    fields = syntax._fields(cst.Call)
    assert "func" in fields and "args" in fields
    assert not {"lpar", "rpar", "whitespace_after_func", "whitespace_before_args"} & set(fields)
