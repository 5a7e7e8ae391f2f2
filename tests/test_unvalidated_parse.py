"""Parsing without libcst's per-node re-validation: same trees, same errors,
and validation back on for everyone else afterwards."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from xcomlint.model.unvalidated_parse import parse_module

ROOT = Path(__file__).parent.parent
SOURCES = sorted((ROOT / "tests" / "model_cases").glob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_same_tree_as_libcst_builds(path: Path) -> None:
    source = path.read_text()
    tree = parse_module(source)
    assert tree.deep_equals(cst.parse_module(source)) and tree.code == source


@pytest.mark.parametrize("source", ["def f(a=1, b): pass\n", "f(**a, *b)\n", "del f()\n", "x = 1 if 2 else\n"])
def test_the_same_syntax_errors(source: str) -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module(source)
    with pytest.raises(cst.ParserSyntaxError):
        parse_module(source)


def test_validation_is_back_on_after_a_parse_and_after_an_error() -> None:
    parse_module("x = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    with pytest.raises(cst.ParserSyntaxError):
        parse_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
