"""Where a finding about the project's other modules goes (SPEC section 7).

A rule reports at the record it judges. A record made from code of another
module (a pull in a helper a DAG file runs, a push in a factory) stands in
that module, and knows the line of the DAG file that brought the code in.
Once the run knows which files it lints:

- when that module is linted too, the finding stays at the pull itself, and
  the same finding made through several DAGs is one finding;
- when it is not (pre-commit passes only the changed DAG file), the finding
  moves to the DAG file's line and names the other file and line, and its fix
  (an edit of the other file) is dropped;
- ``# noqa`` is read where the finding ends up.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from ..findings import Finding
from ..model.records import NoqaTable
from ..noqa import is_suppressed, suppressing_lines

# the noqa table of a file by its path as findings show it (None: not readable)
NoqaOf = Callable[[str], Optional[NoqaTable]]


def place_findings(findings: Iterable[Finding], linted: Set[str], noqa_of: NoqaOf,
                   noqa_used: Optional[Dict[str, Set[Tuple[int, str]]]] = None) -> List[Finding]:
    """The run's findings with those about other modules placed, suppressed by
    the noqa comments where they end up, and each told once."""
    # a finding names another module as the run shows paths (relative to the
    # current directory); the linted files are spelled as they were given
    # (absolute, ``./x.py``): compared as files, and shown as given
    linted_as = {os.path.abspath(path): path for path in linted}
    placed: List[Tuple[Finding, bool]] = []
    for finding in findings:
        if finding.entry is None:
            placed.append((finding, False))
            continue
        shown = linted_as.get(os.path.abspath(finding.path))
        if shown is None and not finding.entry[0]:
            continue  # its module is not linted, and no line of a linted file brings the code in
        finding = moved_to_entry(finding) if shown is None else replace(kept_with_its_dag(finding), path=shown)
        table = noqa_of(finding.path)
        lines = (finding.line,) + finding.noqa_lines
        if table is not None:
            if noqa_used is not None:
                noqa_used.setdefault(finding.path, set()).update(
                    (line, finding.code) for line in suppressing_lines(finding.code, lines, table))
            if is_suppressed(finding.code, lines, table):
                continue
        placed.append((finding, True))
    # one helper run by several tasks or DAGs, or linted itself too: one bug, one
    # finding (the one made with a DAG's knowledge first)
    followed = {_place(f) for f, moved in placed if moved}
    kept: List[Finding] = []
    taken: Set[Tuple[str, int, int, str]] = set()
    told: Set[Tuple[str, int, int, str, str]] = set()
    for finding, moved in sorted(placed, key=lambda item: (item[0].dag_id is None, not item[1])):
        key = _place(finding)
        if key in followed:
            if key in taken:
                continue
            taken.add(key)
        # the same words at the same place: code that two DAGs run (a factory
        # called for each) seen from each of them
        said = key + (finding.message,)
        if said in told:
            continue
        told.add(said)
        kept.append(finding)
    return kept


def _place(finding: Finding) -> Tuple[str, int, int, str]:
    return (finding.path, finding.line, finding.column, finding.code)


def kept_with_its_dag(finding: Finding) -> Finding:
    """The finding at the other module's code, saying which DAG and which line of
    its DAG file run it there: the same helper may be right in another DAG."""
    assert finding.entry is not None
    path, line = finding.entry[0], finding.entry[1]
    named = finding.dag_id is None or f"DAG '{finding.dag_id}'" in finding.message
    context = ", ".join(part for part in ("" if named else f"in DAG '{finding.dag_id}'",
                                          f"through {path}:{line}" if path else "") if part)
    return replace(finding, message=f"{finding.message} ({context})" if context else finding.message, entry=None)


def moved_to_entry(finding: Finding) -> Finding:
    """The finding at the line of the DAG file that brings the other module's code in."""
    assert finding.entry is not None
    path, line, column, end_line, end_column = finding.entry
    return replace(
        finding,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        message=f"{finding.message} (in {finding.path}:{finding.line}:{finding.column})",
        noqa_lines=(),
        fix=None,
        entry=None,
    )
