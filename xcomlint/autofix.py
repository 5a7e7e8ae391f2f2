"""``xcomlint check --fix``: apply the fixes findings carry, with ruff's safety model.

A round applies, in each file, every fix that does not overlap (or touch)
another one; the files it changed are linted again, with the rules that read
the whole run, and the next round applies the fixes that were left out or
that the changes brought. Rounds stop when nothing is left to apply, or after
``MAX_ROUNDS``.

A fix is applied only if the text it was made for is the text it edits: the
bytes read for fixing must be those that were linted (an editor may save a
file during the run). A fix whose result no longer parses, or loses a
comment, is left out (a rule that spells an edit wrongly must not break a
file); so is a fix in the allow-list whose result does not load. Two different
fixes for the same finding (a callable shared by tasks of different DAGs) are
both left out: which one is meant is not known.

Everything happens in memory; ``write_changes`` then writes the files, each
atomically and only if its bytes are still the ones read.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Set, Tuple

from .edits import Range, apply_edits, conflict, ranges
from .engine import FileResult, RunResult, content_digest, finish_run, lint_source, selected_rules
from .findings import UNSAFE, Finding
from .fix_policy import hidden_hint, with_fix_policy
from .settings import Settings
from .source_files import ChangedOnDisk, SourceFile, decode, read_source, write_atomically
from .summary import plural

if TYPE_CHECKING:
    from .project import Project

MAX_ROUNDS = 10
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

Validator = Callable[[str], bool]
EditList = List[Tuple[Range, str]]


@dataclass
class FixOutcome:
    """What a fix run did, in memory: ``run`` and ``findings`` are those of the
    fixed text; ``changes`` maps a path to the file as read and its new text."""

    run: RunResult
    findings: List[Finding]
    fixed: List[Finding] = field(default_factory=list)
    changes: Dict[str, Tuple[SourceFile, str]] = field(default_factory=dict)
    # (path, why) of files with fixes that could not be touched
    skipped: List[Tuple[str, str]] = field(default_factory=list)

    def hidden(self) -> int:
        """Fixes that ``--unsafe-fixes`` would also apply."""
        return sum(1 for f in self.findings if f.fix is not None and f.fix.applicability == UNSAFE)


def _compiles(text: str) -> bool:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like: the file's own
            ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError):
        return False
    return True


def _comments(text: str) -> Optional[List[str]]:
    try:
        return [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
                if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return None


def python_validator(original: str) -> Validator:
    """A fixed Python file must still parse and keep every comment it had."""
    comments = _comments(original)
    parses = _compiles(original)

    def valid(text: str) -> bool:
        if parses and not _compiles(text):
            return False
        return comments is None or _comments(text) == comments

    return valid


def allowlist_validator(path: str) -> Validator:
    from .allowlist import AllowListError
    from .allowlist.loader import parse_allowlist

    def valid(text: str) -> bool:
        try:
            parse_allowlist(text, path)
        except AllowListError:
            return False
        return True

    return valid


def _own_conflict(spans: List[Range]) -> bool:
    ordered = sorted(spans)
    return any(later[0] < earlier[1] for earlier, later in zip(ordered, ordered[1:]))


def choose_fixes(text: str, findings: Sequence[Finding]) -> List[Tuple[List[Finding], EditList]]:
    """The fixes one round applies to ``text``: identical fixes once, never two
    that overlap or touch (the first in the file wins; the other waits for the
    next round), never a finding's fix that another finding at the same place
    contradicts, never one whose edits are not in the text."""
    by_edits: Dict[Tuple, List[Finding]] = defaultdict(list)
    places: Dict[Tuple, Set[Tuple]] = defaultdict(set)
    for finding in findings:
        assert finding.fix is not None
        edits = tuple(finding.fix.edits)
        by_edits[edits].append(finding)
        places[(finding.code, finding.line, finding.column, finding.end_line, finding.end_column)].add(edits)
    ambiguous = {edits for options in places.values() if len(options) > 1 for edits in options}
    candidates = []
    for edits, owners in by_edits.items():
        if edits in ambiguous or not edits:
            continue
        spans = ranges(text, edits)
        if spans is None or _own_conflict(spans):
            continue
        candidates.append((min(spans), spans, owners, [(span, edit.content) for span, edit in zip(spans, edits)]))
    candidates.sort(key=lambda item: (item[0], item[2][0].sort_key))
    chosen: List[Tuple[List[Finding], EditList]] = []
    taken: List[Range] = []
    for _, spans, owners, edit_list in candidates:
        if any(conflict(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        chosen.append((owners, edit_list))
    return chosen


def apply_fixes(text: str, findings: Sequence[Finding], valid: Validator) -> Tuple[str, List[Finding]]:
    """Apply one round's fixes to ``text``: all at once when the result is valid,
    else one by one, keeping those whose result is."""
    chosen = choose_fixes(text, findings)
    if not chosen:
        return text, []
    together = apply_edits(text, [edit for _, edits in chosen for edit in edits])
    if valid(together):
        return together, [finding for owners, _ in chosen for finding in owners]
    # one by one, from the end of the file, so that what is applied does not move what is not
    applied: List[Finding] = []
    current = text
    for owners, edits in sorted(chosen, key=lambda item: min(span for span, _ in item[1]), reverse=True):
        attempt = apply_edits(current, edits)
        if valid(attempt):
            current = attempt
            applied.extend(owners)
    return current, applied


class _Files:
    """The files a fix run edits: read once, checked against what was linted."""

    def __init__(self, run: RunResult, allowlist_path: Optional[str], sources: Optional[Dict[str, bytes]]) -> None:
        self.digests = {result.path: result.digest for result in run.results}
        self.allowlist = run.allowlist
        self.allowlist_path = allowlist_path
        self.sources = sources or {}
        self.read: Dict[str, SourceFile] = {}
        self.refused: Dict[str, str] = {}

    def source(self, path: str) -> Optional[SourceFile]:
        if path in self.read:
            return self.read[path]
        if path in self.refused:
            return None
        why = None
        if path != self.allowlist_path and self.digests.get(path) is None:
            self.refused[path] = "not a file this run linted; not fixed"
            return None
        try:
            if path in self.sources:
                found = decode(path, self.sources[path], python=path != self.allowlist_path)
            else:
                found = read_source(path, python=path != self.allowlist_path)
        except (OSError, ValueError) as error:
            found, why = None, f"cannot read it to fix it: {getattr(error, 'strerror', None) or error}"
        if found is not None and not self._as_linted(path, found):
            found, why = None, "it changed during the run; not fixed"
        if found is None:
            self.refused[path] = why or "cannot fix it"
            return None
        self.read[path] = found
        return found

    def _as_linted(self, path: str, found: SourceFile) -> bool:
        if path == self.allowlist_path:
            from .allowlist import AllowListError
            from .allowlist.loader import parse_allowlist

            try:
                return parse_allowlist(found.text, path) == self.allowlist
            except AllowListError:
                return False
        digest = self.digests.get(path)
        return digest is not None and digest == content_digest(found.data)


def fix_run(run: RunResult, settings: Settings, unsafe: bool, sources: Optional[Dict[str, bytes]] = None,
            whole_run: bool = True, max_rounds: int = MAX_ROUNDS, project: Optional[Project] = None) -> FixOutcome:
    """Fix, in memory, what ``run`` found. ``sources`` holds the bytes of files
    that are not on disk (standard input, an editor's buffer); ``whole_run``
    False lints them as ``lint_source`` does on its own (no rule that reads
    every file). ``project``: the project whose modules the files' imports
    are followed into as each round lints them again."""
    from .allowlist.loader import parse_allowlist

    rules = selected_rules(settings)
    allowlist_path = settings.allowlist
    files = _Files(run, allowlist_path, sources)
    results: Dict[str, FileResult] = {result.path: result for result in run.results}
    order = [result.path for result in run.results]
    allowlist = run.allowlist
    findings = with_fix_policy(run.findings, settings)
    current: Dict[str, str] = {}
    seen: Dict[str, Set[str]] = defaultdict(set)
    fixed: List[Finding] = []
    for _ in range(max_rounds):
        wanted: Dict[str, List[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.fixable(unsafe):
                wanted[finding.path].append(finding)
        changed: List[str] = []
        for path in sorted(wanted):
            source = files.source(path)
            if source is None:
                continue
            text = current.get(path, source.text)
            seen[path].add(text)
            valid = allowlist_validator(path) if path == allowlist_path else python_validator(source.text)
            new_text, applied = apply_fixes(text, wanted[path], valid)
            if not applied or new_text in seen[path]:
                continue  # nothing to do, or back to an earlier text: fixes that undo each other
            current[path] = new_text
            fixed.extend(applied)
            changed.append(path)
        if not changed:
            break
        for path in changed:
            if path == allowlist_path:
                allowlist = parse_allowlist(current[path], path)
            elif path in results:
                result = lint_source(path, current[path], settings, rules, whole_run=whole_run, project=project)
                result.digest = results[path].digest
                results[path] = result
        done = [results[path] for path in order]
        if whole_run:
            run = finish_run(run.files, done, settings, rules, allowlist, run.path_errors, run.empty_dirs)
        else:
            run = RunResult(run.files, sorted((f for r in done for f in r.findings), key=lambda f: f.sort_key),
                            [e for r in done for e in r.errors], run.path_errors,
                            [r.model for r in done if r.model is not None], run.empty_dirs, done, allowlist)
        findings = with_fix_policy(run.findings, settings)
    changes = {path: (files.read[path], text) for path, text in current.items() if text != files.read[path].text}
    return FixOutcome(run, findings, fixed, changes, sorted(files.refused.items()))


def write_changes(outcome: FixOutcome) -> List[Tuple[str, str]]:
    """Write each changed file; ``(path, why)`` for those left as they were."""
    problems: List[Tuple[str, str]] = []
    for path, (source, text) in sorted(outcome.changes.items()):
        try:
            write_atomically(path, source.encode(text), expected=source.data)
        except ChangedOnDisk:
            problems.append((path, "it changed during the run; not fixed"))
        except (OSError, UnicodeEncodeError) as error:
            problems.append((path, f"cannot write it: {getattr(error, 'strerror', None) or error}"))
    return problems


def unified_diff(outcome: FixOutcome) -> str:
    """What ``--fix`` would change, as ``diff -u`` shows it."""
    parts = []
    for path, (source, text) in sorted(outcome.changes.items()):
        for line in difflib.unified_diff(_lines(source.text), _lines(text), fromfile=path, tofile=path):
            parts.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(parts)


def _lines(text: str) -> List[str]:
    """Lines as findings count them (a form feed ends no line), with their breaks."""
    return _LINE.findall(text)


def fix_summary(outcome: FixOutcome, unsafe: bool, remaining: Optional[int] = None) -> str:
    """``Checked 3 files: 3 fixed, 2 remaining; 1 hidden fix can be enabled with --unsafe-fixes.``"""
    left = len(outcome.findings) if remaining is None else remaining
    text = f"Checked {plural(len(outcome.run.files), 'file')}: {len(outcome.fixed)} fixed, {left} remaining"
    hidden = 0 if unsafe else outcome.hidden()
    return text + (f"; {hidden_hint(hidden)}." if hidden else ".")


def fixed_by_file(fixed: Sequence[Finding]) -> List[str]:
    """``--show-fixes``: the fixes applied, per file and rule."""
    counts: Dict[str, Dict[Tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for finding in fixed:
        counts[finding.path][(finding.code, finding.name)] += 1
    lines = [f"Fixed {plural(len(fixed), 'finding')}:"] if fixed else ["No findings were fixed."]
    for path in sorted(counts):
        lines.append(f"- {path}:")
        for (code, name), count in sorted(counts[path].items()):
            lines.append(f"    {count} × {code} ({name})")
    return lines
