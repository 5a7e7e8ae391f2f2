"""Output formats. Each reporter only formats findings; it decides nothing."""

from __future__ import annotations

from typing import Callable, Dict, Sequence, TextIO

from ..findings import Finding
from . import github, json_format, sarif, text

Reporter = Callable[[Sequence[Finding], TextIO], None]

REPORTERS: Dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
    "sarif": sarif.report,
    "github": github.report,
}

# formats whose standard output a program parses: nothing else may be printed there
MACHINE_READABLE = frozenset({"json", "sarif", "github"})
