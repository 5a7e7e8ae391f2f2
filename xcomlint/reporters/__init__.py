"""Output formats. Each reporter only formats findings; it decides nothing."""

from __future__ import annotations

from typing import Callable, Sequence, TextIO

from ..findings import Finding

Reporter = Callable[[Sequence[Finding], TextIO], None]

FORMATS = ("full", "github", "json", "sarif", "text")


def reporter(name: str) -> Reporter:
    """The ``report`` function of format ``name``; a run imports only the
    reporter it prints with."""
    if name == "github":
        from .github import report
    elif name == "json":
        from .json_format import report
    elif name == "sarif":
        from .sarif import report
    elif name == "text":
        from .text import report
    elif name == "full":
        from .full import report
    else:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}")
    return report


# formats whose standard output a program parses: nothing else may be printed there
MACHINE_READABLE = frozenset({"json", "sarif", "github"})
