"""Text safe to print: no control character of a linted file reaches a terminal or a report.

Messages and pictures quote keys and ids as the linted code writes them, and a
string literal may hold any character (``key="a\\x1b[2J"``). A terminal acts
on such characters, grep calls the output binary, and JSON, SARIF and Mermaid
carry them on. Each is written as its escape instead, as Python writes it.
The model marks an unknown part of a string (an f-string hole) with a NUL
(``HOLE``); should one reach a message, it reads as the "…" that
stands for unknown parts everywhere else.
"""

from __future__ import annotations

import re

# what the model's string values hold for an unknown part (an f-string hole);
# defined here, beside its rendering, so that reporters need not load the model
HOLE = "\x00"

# C0 and C1 control characters and DEL, but newline and tab, which lay text out
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    return "…" if char == HOLE else repr(char)[1:-1]


def readable(text: str) -> str:
    """``text`` with every control character but newline and tab written as its escape."""
    return _CONTROL.sub(_escape, text)
