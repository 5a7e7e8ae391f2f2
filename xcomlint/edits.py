"""Text edits on a file's text: where an edit stands, which edits may go together, applying them.

Lines and columns count as findings do: 1-based, the end exclusive, a line
ending at ``\\r\\n``, ``\\r`` or ``\\n`` (as the model counts), columns in characters.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence, Tuple

from .findings import Edit
from .lines import line_starts

Range = Tuple[int, int]  # character offsets, the end exclusive


class EditOutOfRange(ValueError):
    """An edit that names a place the text does not have."""


def offset(text: str, starts: Sequence[int], line: int, column: int) -> int:
    if not 1 <= line <= len(starts) or column < 1:
        raise EditOutOfRange(f"line {line}, column {column} is not in the text")
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    content = text[start:end].rstrip("\r\n")
    if column - 1 > len(content):
        raise EditOutOfRange(f"line {line} has no column {column}")
    return start + column - 1


def edit_range(text: str, starts: Sequence[int], edit: Edit) -> Range:
    begin = offset(text, starts, edit.line, edit.column)
    end = offset(text, starts, edit.end_line, edit.end_column)
    if end < begin:
        raise EditOutOfRange(f"an edit ends before it starts ({edit})")
    return begin, end


def ranges(text: str, edits: Iterable[Edit]) -> Optional[List[Range]]:
    """Each edit's offsets, or None when one of them is not in the text."""
    starts = line_starts(text)
    try:
        return [edit_range(text, starts, edit) for edit in edits]
    except EditOutOfRange:
        return None


def conflict(first: Range, second: Range) -> bool:
    """Two edits that overlap or touch: applied together, their order would decide
    the result, so one of them waits for the next round."""
    return max(first[0], second[0]) <= min(first[1], second[1])


def apply_edits(text: str, edits: Sequence[Tuple[Range, str]]) -> str:
    """Replace each range by its content; the ranges must not overlap."""
    pieces: List[str] = []
    position = 0
    for (begin, end), content in sorted(edits, key=lambda item: item[0]):
        if begin < position:
            raise ValueError("overlapping edits")
        pieces.append(text[position:begin])
        pieces.append(content)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
