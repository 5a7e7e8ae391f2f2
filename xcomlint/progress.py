"""A progress line on standard error while a long cold run parses files.

Shown only to a person watching: standard error is a terminal, the run is not
in CI (``CI`` set), the format is for people, and enough files need parsing
for a wait to be noticed. It redraws one line in place (at most ten times a
second) and erases it when the run is done, so nothing of it stays in the
terminal's history or in any output a program reads.
"""

from __future__ import annotations

import os
import time
from typing import Mapping, Optional, TextIO

# fewer files than this parse in about a second: no progress line
MIN_FILES = 50
REDRAW_SECONDS = 0.1


def wanted(stream: TextIO, machine_readable: bool, quiet: bool, environ: Optional[Mapping[str, str]] = None) -> bool:
    environ = os.environ if environ is None else environ
    if machine_readable or quiet or environ.get("CI"):
        return False
    return is_terminal(stream)


def is_terminal(stream: object) -> bool:
    """Whether a person is watching ``stream``: a terminal (a closed stream is not)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


class Progress:
    """``update(done, total)`` per linted file; ``close()`` erases the line."""

    def __init__(self, stream: TextIO, min_files: int = MIN_FILES) -> None:
        self.stream = stream
        self.min_files = min_files
        self.drawn = False
        self.last = 0.0

    def update(self, done: int, total: int) -> None:
        if total < self.min_files:
            return
        now = time.monotonic()
        if self.drawn and done < total and now - self.last < REDRAW_SECONDS:
            return
        self.last = now
        self.drawn = True
        self.stream.write(f"\r\x1b[2Kxcomlint: checked {done}/{total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False
