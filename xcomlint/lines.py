"""Lines of a text as xcomlint counts them everywhere: positions, templates,
fixes. A line ends at ``\\r\\n``, ``\\r`` or ``\\n``, as libcst and Python count."""

from __future__ import annotations

import re
from typing import List

NEWLINE = re.compile(r"\r\n?|\n")


def line_starts(text: str) -> List[int]:
    """The offset where each line starts; after a final line break, the empty line there."""
    return [0, *(match.end() for match in NEWLINE.finditer(text))]
