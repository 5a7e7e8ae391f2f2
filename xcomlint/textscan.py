"""Linear scans of source text for the site pre-check (``prefilter.py``).

Whole words, names written as attributes, names imported on one line. They
are ``str.find`` loops rather than regular expressions: a pattern that starts
with ``\\b`` or an alternation has no literal prefix for ``re`` to search for,
and costs several times more on a DAG folder; a pattern that skips comments
backtracks. Each function here runs in time linear in the text.

The text is lower-cased and its line breaks are all ``\\n``
(``normalize_newlines``), so a line is what lies between two ``\\n``.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

# a line that is blank, a comment, or backslashes: no code
_NO_CODE = re.compile(r"[\s\\]*(?:#.*)?")
# a dot with nothing after it but blanks, backslashes and a comment
_ENDS_IN_A_DOT = re.compile(r"\.[\s\\]*(?:#|$)")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n``, as Python's tokenizer reads them."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what ``\w`` matches in ``re``


def word_positions(text: str, word: str, start: int = 0, end: int = -1) -> Iterator[int]:
    """Where ``word`` stands as a whole word (``\\bword\\b``) in ``text[start:end]``.
    None of the words this module is given overlaps itself, so each search
    starts after the last find."""
    end = len(text) if end < 0 else end
    found = text.find(word, start, end)
    while found != -1:
        after = found + len(word)
        if (found == 0 or not _is_word_char(text[found - 1])) and (
            after == len(text) or not _is_word_char(text[after])
        ):
            yield found
        found = text.find(word, after, end)


def has_word(text: str, words: Iterable[str], start: int = 0, end: int = -1) -> bool:
    return any(next(word_positions(text, word, start, end), None) is not None for word in words)


def written_as_attribute(text: str, position: int) -> bool:
    """Whether the name at ``position`` may be an attribute: a dot stands before
    it across blanks, backslashes and line breaks, or, when the name starts a
    line, the last line before it with code ends in a dot before any comment
    (``(dag.  # why`` then ``task)`` in brackets)."""
    index = position - 1
    starts_line = True  # only spaces, tabs and form feeds before it on its line
    while index >= 0:
        char = text[index]
        if char == "\n" and starts_line:
            return _last_code_line_ends_in_a_dot(text, index)
        if char == "\\" or char.isspace():
            starts_line = starts_line and char in " \t\f"
            index -= 1
            continue
        return char == "."
    return False


def _last_code_line_ends_in_a_dot(text: str, newline: int) -> bool:
    """Walk up from the line that ends at ``newline`` past lines without code.
    The line of the name that asked is code, so no line is walked twice for
    two names (the walk stays linear)."""
    end = newline
    while True:
        start = text.rfind("\n", 0, end) + 1
        if not _NO_CODE.fullmatch(text, start, end):
            return _ENDS_IN_A_DOT.search(text, start, end) is not None
        if start == 0:
            return False
        end = start - 1


def imported_on_one_line(text: str, words: Iterable[str]) -> bool:
    """A line where ``import`` is followed by one of ``words``: the usual
    ``from airflow.sdk import dag, task``. Later ``import`` words of a line
    already read are passed over."""
    words = tuple(words)
    line_end = -1
    for position in word_positions(text, "import"):
        if position < line_end:
            continue
        line_end = text.find("\n", position)
        if line_end == -1:
            line_end = len(text)
        if has_word(text, words, position, line_end):
            return True
    return False
