"""XCL002: a ``# noqa: XCLnnn`` that suppresses nothing (ruff's RUF100).

Runs after every other rule of the file (and, in ``xcomlint check``, after the
rules that look across files), on what the engine recorded while applying the
file's noqa comments. Only xcomlint's own codes are judged: ``E501`` in the
same comment is another tool's business. A code is judged only when every rule
it names ran on the file: with ``--select XCL1``, a ``# noqa: XCL201`` cannot
be called unused, and the flake8 plugin never judges the codes of rules that
need the whole project.
"""

from __future__ import annotations

from typing import Iterator, List

from ..findings import NoqaUse
from ..model.records import Span
from .context import RuleContext
from .registry import NOQA_SCOPE, RULES, Report, rule

OWN_PREFIX = "XCL"


def _covers(code: str, prefixes: object) -> bool:
    return isinstance(prefixes, tuple) and (not prefixes or any(code.startswith(p) for p in prefixes))


@rule("XCL002", "unused-noqa", "A `# noqa: XCLnnn` comment that suppresses nothing.", default=False,
      severity="warning", scope=NOQA_SCOPE)
def unused_noqa(use: NoqaUse, context: RuleContext) -> Iterator[Report]:
    for directive in use.directives:
        unused: List[str] = []
        unknown: List[str] = []
        for code in directive.codes:
            if not code.startswith(OWN_PREFIX):
                continue
            named = [known for known in RULES if known.startswith(code)]
            if not named:
                unknown.append(code)
                continue
            if "XCL002" in named or not all(known in use.ran for known in named):
                continue  # a rule that did not run cannot tell
            if any(_covers(known, use.file_codes) for known in named):
                continue  # the file-level exemption already silences it
            if not any(line == directive.line and found.startswith(code) for line, found in use.used):
                unused.append(code)
        if not unused and not unknown:
            continue
        parts = ([f"unused: {', '.join(unused)}"] if unused else []) + ([f"unknown: {', '.join(unknown)}"] if unknown else [])
        yield Report(
            Span(directive.line, directive.column, directive.line, directive.end_column),
            f"unused noqa directive ({'; '.join(parts)}): it suppresses no finding here; "
            "remove the codes that suppress nothing",
        )
