"""Output formats. Each reporter only formats findings; it decides nothing."""

from __future__ import annotations

from typing import Callable, Dict, Sequence, TextIO

from ..findings import Finding
from . import json_format, text

Reporter = Callable[[Sequence[Finding], TextIO], None]

REPORTERS: Dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
}
