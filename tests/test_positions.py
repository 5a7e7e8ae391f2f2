"""The targeted position pass against libcst's own PositionProvider."""

from __future__ import annotations

import random
from typing import Dict, List, Tuple

import libcst as cst
import pytest
from dag_sources import known_sources
from libcst.metadata import MetadataWrapper, PositionProvider

from xcomlint.model.positions import resolve_positions
from xcomlint.model.syntax import walk

SOURCES = [(name, source) for name, source in known_sources() if not name.startswith("XCL001#")]  # parseable
# the kinds of node the model records positions for
RECORDED = (cst.Call, cst.Name, cst.SimpleString, cst.Attribute, cst.Subscript, cst.FormattedString,
            cst.FormattedStringExpression, cst.Return, cst.Dict, cst.BinaryOperation, cst.Integer, cst.List)


def _reference(module: cst.Module) -> Tuple[List[cst.CSTNode], Dict[int, Tuple[Tuple[int, int], Tuple[int, int]]]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    ranges = wrapper.resolve(PositionProvider)
    nodes = [node for node in walk(module) if isinstance(node, RECORDED)]
    expected = {
        id(node): ((ranges[node].start.line, ranges[node].start.column), (ranges[node].end.line, ranges[node].end.column))
        for node in nodes
    }
    return nodes, expected


@pytest.mark.parametrize("name, source", SOURCES, ids=[name for name, _ in SOURCES])
def test_positions_match_libcst_for_any_subset_of_targets(name: str, source: str) -> None:
    """Every node at once, one node alone (the pass stops right after it), and
    random subsets: each position is the one PositionProvider gives."""
    module = cst.parse_module(source)
    nodes, expected = _reference(module)
    assert nodes
    assert resolve_positions(module, nodes) == expected
    chooser = random.Random(name)
    for node in [nodes[0], nodes[len(nodes) // 2], nodes[-1]]:
        assert resolve_positions(module, [node]) == {id(node): expected[id(node)]}
    for _ in range(5):
        subset = chooser.sample(nodes, max(1, len(nodes) // 7))
        assert resolve_positions(module, subset) == {id(n): expected[id(n)] for n in subset}


class _Exploding(cst.Name):
    """A node that fails when generated: proof that a pass never reached it."""

    def _codegen_impl(self, state: object) -> None:  # type: ignore[override]
        raise AssertionError("generated")


def test_the_pass_stops_after_the_last_target() -> None:
    module = cst.parse_module("first = f(1)\nsecond = g(2)\n")
    later = module.body[1].body[0].value.func  # the name g
    module = module.deep_replace(later, _Exploding("g"))
    assert isinstance(module, cst.Module)
    first_call = module.body[0].body[0].value
    assert resolve_positions(module, [first_call]) == {id(first_call): ((1, 8), (1, 12))}
    with pytest.raises(AssertionError, match="generated"):
        resolve_positions(module, [module.body[1].body[0].value])


def test_no_targets_no_pass() -> None:
    assert resolve_positions(cst.parse_module("x = 1\n"), []) == {}
