"""Code actions: each finding's fix, a ``# noqa`` for it, and the fix-all
source action, all made by the command line's own code (``autofix``,
``add_noqa``) and handed to the editor as edits of the buffer.

Which fixes are offered is the configuration's say, as for ``--fix``:
``fixable``/``unfixable`` and ``extend-(un)safe-fixes`` (``fix_policy``), and
unsafe fixes only with ``unsafe-fixes = true``, as ruff's server does.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import replace
from typing import List, Optional, Sequence

from lsprotocol import types

from ..add_noqa import noqa_lines, suppressible
from ..autofix import fix_run, python_validator
from ..edits import apply_edits, ranges
from ..engine import RunResult, content_digest
from ..findings import Finding, Fix
from .diagnostics import diagnostic
from .linting import Linted
from .positions import TextLines

FIX_ALL = "source.fixAll.xcomlint"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]


def wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Whether the client asked for actions of ``kind`` (a kind covers its sub-kinds)."""
    return not only or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def _overlaps(finding: Finding, lines: TextLines, asked: types.Range) -> bool:
    start = lines.position(finding.line, finding.column)
    end = lines.position(finding.end_line, finding.end_column)
    before = (end.line, end.character) < (asked.start.line, asked.start.character)
    after = (start.line, start.character) > (asked.end.line, asked.end.character)
    return not before and not after


def _edit(uri: str, edits: List[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def _fix_edits(text: str, fix: Fix, lines: TextLines) -> Optional[List[types.TextEdit]]:
    """The fix's edits, if they stand in the text and leave it valid Python
    with every comment (what ``--fix`` checks before it writes)."""
    spans = ranges(text, fix.edits)
    if spans is None:
        return None
    fixed = apply_edits(text, [(span, edit.content) for span, edit in zip(spans, fix.edits)])
    if not python_validator(text)(fixed):
        return None
    return [types.TextEdit(range=lines.range(edit.line, edit.column, edit.end_line, edit.end_column),
                           new_text=edit.content) for edit in fix.edits]


def quick_fixes(linted: Linted, uri: str, lines: TextLines, asked: types.Range) -> List[types.CodeAction]:
    """A quick fix per fixable finding in ``asked``, then "add noqa" per finding."""
    here = [finding for finding in linted.findings if _overlaps(finding, lines, asked)]
    actions: List[types.CodeAction] = []
    for finding in here:
        if finding.fix is None or not finding.fixable(linted.settings.unsafe_fixes):
            continue
        edits = _fix_edits(linted.text, finding.fix, lines)
        if edits is None:
            continue
        unsafe = "" if finding.fix.applicability == "safe" else " (unsafe)"
        actions.append(types.CodeAction(
            title=f"{finding.fix.message}{unsafe} ({finding.code})",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic(finding, lines)],
            edit=_edit(uri, edits),
            is_preferred=finding.fix.applicability == "safe",
        ))
    for finding in here:
        action = _noqa_action(linted.text, finding, uri, lines)
        if action is not None:
            actions.append(action)
    return actions


def _noqa_action(text: str, finding: Finding, uri: str, lines: TextLines) -> Optional[types.CodeAction]:
    if not suppressible(finding):
        return None
    found = noqa_lines(text, [finding])
    if found is None or not found[0]:
        return None
    [(number, new_line)] = found[0].items()
    old = lines.lines[number - 1]
    edit = types.TextEdit(range=lines.range(number, 1, number, len(old) + 1), new_text=new_line.rstrip("\r\n"))
    return types.CodeAction(
        title=f"Add '# noqa: {finding.code}' to line {number} ({finding.code})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, lines)],
        edit=_edit(uri, [edit]),
    )


def buffer_bytes(text: str) -> Optional[bytes]:
    """The bytes of the buffer as the file would hold them (its coding cookie's
    encoding, else UTF-8): what a fix run reads; None when they cannot be made."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(text.encode("utf-8")).readline)
        return text.encode(encoding)
    except (SyntaxError, UnicodeEncodeError, LookupError):
        return None


def fix_all(linted: Linted, uri: str, lines: TextLines) -> Optional[types.CodeAction]:
    """``source.fixAll.xcomlint``: what ``xcomlint check --fix`` would make of the
    buffer (rounds, re-linting, validation), as one edit; None when nothing applies."""
    unsafe = linted.settings.unsafe_fixes
    if not any(finding.fixable(unsafe) for finding in linted.findings):
        return None
    data = buffer_bytes(linted.text)
    if data is None:
        return None
    # the result as the fix run checks it: made from exactly these bytes
    result = replace(linted.result, digest=content_digest(data))
    model = [result.model] if result.model is not None else []
    run = RunResult([linted.path], list(linted.findings), list(result.errors), [], model, results=[result])
    outcome = fix_run(run, linted.settings, unsafe, sources={linted.path: data}, whole_run=False,
                      project=linted.project)
    changed = outcome.changes.get(linted.path)
    if changed is None:
        return None
    last = len(lines.lines)
    whole = lines.range(1, 1, last, len(lines.lines[-1]) + 1)
    count = len(outcome.fixed)
    return types.CodeAction(
        title=f"Fix all xcomlint findings ({count} fix{'' if count == 1 else 'es'})",
        kind=FIX_ALL,
        edit=_edit(uri, [types.TextEdit(range=whole, new_text=changed[1])]),
    )
