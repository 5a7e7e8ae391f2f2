"""Colour for the text formats: ANSI escapes on a terminal, nothing elsewhere.

``--color auto`` (the default) colours only when the stream is a terminal and
the environment does not set ``NO_COLOR`` (https://no-color.org);
``--color always`` and ``never`` decide regardless, as in ruff.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, TextIO

COLOR_CHOICES = ("auto", "always", "never")

_CODES = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "blue": "34", "cyan": "36"}


def use_color(choice: str, stream: TextIO, environ: Optional[Mapping[str, str]] = None) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or odd stream
        return False


class Style:
    """Wraps text in escapes when colour is on; the identity otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles or not text:
            return text
        codes = ";".join(_CODES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


PLAIN = Style(False)

# the colour of a finding's code, by severity
SEVERITY_STYLES = {"error": ("bold", "red"), "warning": ("bold", "yellow"), "info": ("bold", "blue")}
