"""The text scans of the site pre-check: the same answers as the regular
expressions they replace, in time linear in the text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xcomlint.textscan import (
    has_word,
    imported_on_one_line,
    normalize_newlines,
    word_positions,
    written_as_attribute,
)

# pieces that make words touch in every way: letters, digits, underscores,
# non-ASCII letters and digits, blanks, dots, backslashes, comments
PIECES = st.sampled_from(["task", "tasks", "_", "x", "9", "é", "²", "ٳ", " ", "\t", "\n", ".", "\\", "#", "(", "import"])
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_word_positions_are_where_re_finds_the_whole_word(text: str) -> None:
    assert list(word_positions(text, "task")) == [m.start() for m in re.finditer(r"\btask\b", text)]
    assert has_word(text, ("task", "import")) == bool(re.search(r"\b(?:task|import)\b", text))


def test_word_positions_within_a_range() -> None:
    text = "task task_id (task) task"
    assert list(word_positions(text, "task", 1, 19)) == [14]
    assert list(word_positions(text, "task", 0, 3)) == []  # cut short is no word


@pytest.mark.parametrize(
    "text",
    ["dag.task", "dag . task", "dag.\\\n    task", "(dag.\n    task)", "(dag.  # why\n    task)",
     "(dag.  # why\n\n    # and why\n    \\\n    task)", "(dag.\\\n  # why\n  task)"],
)
def test_a_name_after_a_dot_is_an_attribute(text: str) -> None:
    assert written_as_attribute(text, text.rindex("task"))


@pytest.mark.parametrize(
    "text",
    ["task", "x = task", "f(\n    task)", "# one.\n# two\ntask = 1", "x = 1  # why\ntask", "'a.' + task"],
)
def test_a_name_without_a_dot_before_it_is_no_attribute(text: str) -> None:
    assert not written_as_attribute(text, text.rindex("task"))


def test_a_dot_in_a_comment_before_the_name_is_taken_as_one() -> None:
    """On the safe side: the comment's dot might be the attribute's."""
    assert written_as_attribute("x = 1  # see y.\ntask", len("x = 1  # see y.\n"))


def test_carriage_returns_are_line_breaks() -> None:
    text = normalize_newlines("(dag.  # why\r\n\r    task)")
    assert text == "(dag.  # why\n\n    task)" and written_as_attribute(text, text.index("task"))


@pytest.mark.parametrize(
    "text, expected",
    [("from airflow.sdk import dag, task\n", True), ("from airflow.sdk import (\n    task,\n)\n", False),
     ("import os  # task\n", True), ("import os\ntask = 1\n", False), ("x = important_task\n", False),
     ("import a; import b, setup\n", True)],
)
def test_a_name_imported_on_one_line(text: str, expected: bool) -> None:
    assert imported_on_one_line(text, ("task", "setup")) is expected


def test_the_scans_are_linear_on_hostile_text() -> None:
    """Each of these would take minutes if a scan were quadratic."""
    comments = "# ends in a dot.\n" * 50_000
    text = (comments + "task = 1\n") * 4
    assert not any(written_as_attribute(text, p) for p in word_positions(text, "task"))
    text = "x = (dag.\n" + "    # why\n" * 100_000 + "    task)\n"
    assert [written_as_attribute(text, p) for p in word_positions(text, "task")] == [True]
    text = "x. # " * 50_000 + "\n" + "#" * 100_000 + "\n" + " " * 100_000 + "task"
    assert [written_as_attribute(text, p) for p in word_positions(text, "task")] == [True]
    assert not imported_on_one_line("import " * 100_000 + "\n", ("task",))
    assert not has_word("task_" * 100_000, ("task",))
