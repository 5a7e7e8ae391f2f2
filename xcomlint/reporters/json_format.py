"""A JSON array of findings, one object each (see SPEC.md section 2)."""

from __future__ import annotations

import json
from typing import Sequence, TextIO

from ..findings import Finding


def report(findings: Sequence[Finding], stream: TextIO) -> None:
    json.dump([f.to_dict() for f in findings], stream, indent=2)
    stream.write("\n")
