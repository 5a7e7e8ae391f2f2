"""A JSON array of findings, one object each (see SPEC.md section 2)."""

from __future__ import annotations

import json
from typing import Sequence, TextIO

from ..findings import Finding


def report(findings: Sequence[Finding], stream: TextIO) -> None:
    # one write: with indentation, json.dump writes each token on its own
    stream.write(json.dumps([f.to_dict() for f in findings], indent=2) + "\n")
