"""Positions between xcomlint and the client.

xcomlint counts lines from 1, ending at ``\\r\\n``, ``\\r`` or ``\\n``, and
columns from 1 in characters (code points); LSP counts both from 0, columns in
the code units the client chose (UTF-16 unless it asked otherwise). The line
breaks are the same: LSP's are those three too.
"""

from __future__ import annotations

from typing import List, Tuple

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..lines import line_starts


class TextLines:
    """One text's lines, to convert positions in both directions."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        starts = line_starts(text)
        ends = starts[1:] + [len(text)]
        self.lines: List[str] = [text[start:end].rstrip("\r\n") for start, end in zip(starts, ends)]
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        """The client's position of 1-based ``line:column``; clamped to the text."""
        if line < 1:
            return types.Position(line=0, character=0)
        if line > len(self.lines):
            return types.Position(line=len(self.lines) - 1, character=self.codec.client_num_units(self.lines[-1]))
        text = self.lines[line - 1]
        return types.Position(line=line - 1, character=self.codec.client_num_units(text[:max(column - 1, 0)]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column), end=self.position(end_line, end_column))

    def place(self, position: types.Position) -> Tuple[int, int]:
        """xcomlint's 1-based ``(line, column)`` of a client position."""
        if position.line >= len(self.lines):
            return len(self.lines), len(self.lines[-1]) + 1
        text = self.lines[position.line]
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return position.line + 1, index + 1
            units += self.codec.client_num_units(char)
        return position.line + 1, len(text) + 1
