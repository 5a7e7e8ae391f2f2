"""The lint pipeline: source -> model -> rules -> noqa -> sorted findings."""

from __future__ import annotations

import io
import os
import sys
import tokenize
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

from . import collector
from .cache import Entry, ResultCache, content_digest
from .discovery import PathError, discover
from .findings import Finding, InternalError, NoqaDirective, NoqaUse
from .model import ALL_POSITIONS, REPORTABLE_POSITIONS, build_file_model, parse_source
from .model.records import FileModel, NoqaTable, Span
from .noqa import directives as noqa_directives
from .noqa import is_suppressed, parse_noqa, suppressing_lines
from .prefilter import is_valid_python, may_hold_xcom_code, may_hold_xcom_sites
from .project.importers import imports_project_code, missing_imports
from .project.resolution import ABSENT
from .readable import readable
from .rules.context import RuleContext
from .rules.registry import DAG_SCOPE, FILE_SCOPE, NOQA_SCOPE, RUN_SCOPE, Report, Rule, all_rules
from .settings import Settings, matches_any

if TYPE_CHECKING:  # the allow-list machinery loads only for a run that has one
    from .allowlist import AllowList
    from .project import Project


@dataclass
class FileResult:
    """What linting one file gave: its model, findings and internal errors."""

    path: str
    model: Optional[FileModel]
    findings: List[Finding] = field(default_factory=list)
    errors: List[InternalError] = field(default_factory=list)
    # the cache entry to write, made where the result was (a worker pickles it)
    entry: Optional[Entry] = None
    # for XCL002: the file's noqa directives, and which (line, code) they silenced
    directives: Tuple[NoqaDirective, ...] = ()
    noqa_used: FrozenSet[Tuple[int, str]] = frozenset()
    # a hash of the bytes linted: a fix is applied only to the very text it was made for
    digest: Optional[str] = None


@dataclass
class RunResult:
    """What a run gave: the files linted, every finding and error, and the models."""

    files: List[str]
    findings: List[Finding]
    errors: List[InternalError]
    path_errors: List[PathError]
    models: List[FileModel]
    # directories given to the run that hold no Python file (or only excluded ones)
    empty_dirs: List[str] = field(default_factory=list)
    # each linted file's result, and the allow-list read: what a fix run re-lints from
    results: List[FileResult] = field(default_factory=list)
    allowlist: Optional[AllowList] = None
    # the models of DAG files linted only for what they find in the linted modules
    context_models: List[FileModel] = field(default_factory=list)


# called with (files done, files to lint) as each file's result arrives
ProgressCallback = Callable[[int, int], None]


def decode_source(data: bytes) -> Union[str, Tuple[str, Span]]:
    """Decode like Python does (BOM, coding cookie, UTF-8 default)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return f"cannot decode the file: {error}", Span(1, 1, 1, 1)
    return text[1:] if text.startswith("\ufeff") else text


def _finding(rule: Rule, report: Report, path: str, dag_id: Optional[str]) -> Finding:
    span = report.span
    entry = None
    if span.path is not None:
        # code of another module of the project: placed once the run knows what it lints
        from .run_settings import display_path

        path = display_path(span.path)
        where = span.entry
        entry = (where.path or "", where.line, where.column, where.end_line, where.end_column) if where else ("", 0, 0, 0, 0)
    return Finding(
        entry=entry,
        path=path if entry is not None else report.path or path,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        code=rule.code,
        name=rule.name,
        message=readable(report.message),
        severity=report.severity or rule.severity,
        dag_id=report.dag_id or dag_id,
        task_id=report.task_id,
        noqa_lines=report.extra_noqa_lines,
        fix=report.fix,
    )


def _ignored_codes(path: str, settings: Settings) -> Tuple[str, ...]:
    from .discovery import is_excluded

    codes: Tuple[str, ...] = ()
    for pattern, pattern_codes in settings.per_file_ignores:
        if is_excluded(path, [pattern], folders=True):
            codes += pattern_codes
    return codes


def check_model(model: FileModel, settings: Settings, rules: Sequence[Rule]) -> FileResult:
    """Run the per-file and per-DAG rules on one model."""
    context = RuleContext(settings)
    result = FileResult(model.path, model)
    ignored = _ignored_codes(model.path, settings)
    seen = set()
    # one bug of code several DAGs run (a factory's callable): one finding naming them all
    copies: Dict[Tuple[object, ...], Tuple[Optional[int], List[str]]] = {}
    used: Set[Tuple[int, str]] = set()
    for rule in rules:
        if rule.scope in (RUN_SCOPE, NOQA_SCOPE) or matches_any(rule.code, ignored):
            continue
        if model.syntax_error is not None and rule.scope == DAG_SCOPE:
            continue
        try:
            reports: List[Tuple[Report, Optional[str]]]  # with the DAG id, for a rule of DAGs
            if rule.scope == FILE_SCOPE:
                reports = [(report, None) for report in _resolved(list(rule.check(model, context)))]
            else:
                reports = [
                    (report, dag.dag_id if isinstance(dag.dag_id, str) else None)
                    for dag in model.dags
                    for report in _resolved(list(rule.check(dag, context)))
                ]
        except Exception as error:  # a broken rule must not hide other findings
            result.errors.append(InternalError(model.path, f"{type(error).__name__}: {error}", rule.code))
            continue
        for report, dag_id in reports:
            finding = _finding(rule, report, model.path, dag_id)
            if finding.sort_key in seen:
                continue  # a callable run by several tasks reports once per place
            seen.add(finding.sort_key)
            place = _place_in_any_dag(finding, dag_id)
            if place in copies and dag_id is not None:
                index, dag_ids = copies[place]
                dag_ids.append(dag_id)
                if index is not None:
                    kept = result.findings[index]
                    result.findings[index] = replace(kept, message=_naming_dags(str(place[-1]), dag_ids))
                continue
            appended = None
            if finding.entry is not None:
                appended = len(result.findings)
                result.findings.append(finding)  # its noqa is read where it is placed
            else:
                lines = (finding.line,) + finding.noqa_lines
                used.update((line, finding.code) for line in suppressing_lines(finding.code, lines, model.noqa))
                if not is_suppressed(finding.code, lines, model.noqa):
                    appended = len(result.findings)
                    result.findings.append(finding)
            if dag_id is not None:
                copies[place] = (appended, [dag_id])
    result.noqa_used = frozenset(used)
    return result


_A_DAG = "DAG \x00"  # where a message named its DAG


def _place_in_any_dag(finding: Finding, dag_id: Optional[str]) -> Tuple[object, ...]:
    """The finding's place and message with its DAG's name left out: equal for
    the copies of one finding that the DAGs running the same code report."""
    message = finding.message.replace(f"DAG '{dag_id}'", _A_DAG) if dag_id is not None else finding.message
    return (finding.line, finding.column, finding.code, finding.entry, message)


def _naming_dags(message: str, dag_ids: List[str]) -> str:
    """``... in DAG \x00 ...`` naming each DAG: ``in DAGs 'daily' and 'adhoc'``."""
    names = [f"'{dag_id}'" for dag_id in dag_ids]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return message.replace(_A_DAG, ("DAG " if len(names) == 1 else "DAGs ") + listed)


def _rules_run_on(model: FileModel, settings: Settings, rules: Sequence[Rule], whole_run: bool) -> FrozenSet[str]:
    """The codes of the rules that looked at ``model``: what XCL002 may judge."""
    ignored = _ignored_codes(model.path, settings)
    ran = set()
    for rule in rules:
        if rule.scope == NOQA_SCOPE or matches_any(rule.code, ignored):
            continue
        if rule.scope == RUN_SCOPE and not (whole_run and (settings.allowlist or not rule.code.startswith("XCL3"))):
            continue  # not run at all, or (XCL3xx) run without an allow-list to check against
        if rule.scope == DAG_SCOPE and model.syntax_error is not None:
            continue
        ran.add(rule.code)
    return frozenset(ran)


def unused_noqa_findings(result: FileResult, settings: Settings, rules: Sequence[Rule], whole_run: bool,
                         run_used: FrozenSet[Tuple[int, str]] = frozenset()) -> Tuple[List[Finding], List[InternalError]]:
    """XCL002's findings for one linted file, once every other rule is done."""
    model = result.model
    if model is None or not result.directives:
        return [], []
    use = NoqaUse(result.directives, result.noqa_used | run_used, _rules_run_on(model, settings, rules, whole_run),
                  model.noqa.file_codes)
    context = RuleContext(settings)
    findings: List[Finding] = []
    errors: List[InternalError] = []
    for rule in rules:
        if rule.scope != NOQA_SCOPE or matches_any(rule.code, _ignored_codes(model.path, settings)):
            continue
        try:
            reports = _resolved(list(rule.check(use, context)))
        except Exception as error:
            errors.append(InternalError(model.path, f"{type(error).__name__}: {error}", rule.code))
            continue
        for report in reports:
            finding = _finding(rule, report, model.path, None)
            if not is_suppressed(finding.code, (finding.line,), model.noqa):
                findings.append(finding)
    return findings, errors


def _needs_no_model(source: str, settings: Settings, path: str = "", project: Optional[Project] = None) -> bool:
    if project is not None and imports_project_code(source, path, project):
        # the project's code it runs may pull or push: the file alone cannot tell
        return False
    if settings.full_model or settings.allowlist is not None:
        # every DAG is needed: graph pictures, the allow-list's DAGs and entries
        return not may_hold_xcom_code(source) and is_valid_python(source)
    return not may_hold_xcom_sites(source)


def _build_model(path: str, source: str, settings: Settings, rules: Sequence[Rule],
                 project: Optional[Project] = None) -> FileModel:
    known = project.known_tree(path, source) if project is not None else None
    parsed = known if known is not None else parse_source(source)
    collector.tree_built()
    if settings.full_model:
        return build_file_model(path, source, parsed, positions=ALL_POSITIONS, project=project)
    if settings.allowlist is not None:
        # the allow-list rules report at the pulls and pushes of any file
        return build_file_model(path, source, parsed, positions=REPORTABLE_POSITIONS, project=project)
    return build_file_model(path, source, parsed, positions=REPORTABLE_POSITIONS,
                            needs_positions=lambda model: _may_report(model, settings, rules), project=project)


def _may_report(model: FileModel, settings: Settings, rules: Sequence[Rule]) -> bool:
    """Whether a rule may report in ``model``, read without positions: a per-file
    rule that reports (or raises), or an explicit push, which a whole-run rule
    (XCL204) may report once it has seen every file."""
    if any(rule.scope == RUN_SCOPE for rule in rules) and any(
        push.explicit for dag in model.dags for push in dag.pushes
    ):
        return True
    context = RuleContext(settings)
    for rule in rules:
        try:
            if rule.scope == FILE_SCOPE and next(iter(rule.check(model, context)), None) is not None:
                return True
            if rule.scope == DAG_SCOPE and any(next(iter(rule.check(dag, context)), None) is not None
                                               for dag in model.dags):
                return True
        except Exception:
            return True  # check_model names the rule
    return False


def _resolved(reports: List[Report]) -> List[Report]:
    """A lint run leaves positions no rule reports unresolved: a rule that
    reports one anyway is a bug, surfaced as an internal error of that rule."""
    for report in reports:
        if not report.span.resolved:
            raise ValueError(f"reported a position the model did not resolve: {report.message}")
    return reports


def lint_source(path: str, data: Union[bytes, str], settings: Settings, rules: Optional[Sequence[Rule]] = None,
                whole_run: bool = False, project: Optional[Project] = None) -> FileResult:
    """Lint one file's source. ``whole_run``: part of ``lint_paths``, which runs
    the rules that look across files and then XCL002; on its own (standard
    input, the flake8 plugin), XCL002 runs here, on this file's rules only, and
    findings in the project's other modules go to this file's lines.
    ``project``: the project whose modules the file's imports are followed into."""
    rules = list(rules) if rules is not None else selected_rules(settings)
    result = _lint_source(path, data, settings, rules, project)
    if not whole_run:
        from .project.placement import place_findings

        noqa = result.model.noqa if result.model is not None else None
        result.findings = place_findings(result.findings, {path}, lambda shown: noqa if shown == path else None)
    if not whole_run and result.directives:
        findings, errors = unused_noqa_findings(result, settings, rules, whole_run=False)
        result.findings.extend(findings)
        result.errors.extend(errors)
    return result


def _lint_source(path: str, data: Union[bytes, str], settings: Settings, rules: Sequence[Rule],
                 project: Optional[Project] = None) -> FileResult:
    source = decode_source(data) if isinstance(data, bytes) else data
    if isinstance(source, tuple):
        model = FileModel(path=path, syntax_error=source)
    elif _needs_no_model(source, settings, path, project):
        # see prefilter: nothing in the file can matter to this run, so libcst
        # is not needed (until a module it imports appears in the project)
        absent = missing_imports(source, path, project) if project is not None and project.root else ()
        model = FileModel(path=path, noqa=parse_noqa(source), dependencies=absent)
    else:
        try:
            model = _build_model(path, source, settings, rules, project)
        except Exception as error:  # never let one odd file stop the run
            result = FileResult(path, FileModel(path=path, noqa=parse_noqa(source)))
            result.errors.append(InternalError(path, f"building the model failed: {type(error).__name__}: {error}"))
            return result
    result = check_model(model, settings, rules)
    if isinstance(source, str) and any(rule.scope == NOQA_SCOPE for rule in rules):
        result.directives = noqa_directives(source)
    return result


def _read(path: str) -> Union[bytes, FileResult]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        result = FileResult(path, None)
        result.errors.append(InternalError(path, f"cannot read the file: {error.strerror or error}"))
        return result


def lint_file(path: str, settings: Settings, rules: Optional[Sequence[Rule]] = None,
              cache: Optional[ResultCache] = None, project: Optional[Project] = None) -> FileResult:
    """Lint one file; with a cache, make its entry, keyed by the bytes actually read."""
    data = _read(path)
    if isinstance(data, FileResult):
        return data
    with collector.one_file():
        result = lint_source(path, data, settings, rules, whole_run=True, project=project)
    result.digest = content_digest(data)
    if cache is not None and result.model is not None and not result.errors:
        # an internal error may be transient (memory, recursion): never cache one
        result.entry = cache.entry(cache.key(path, data, result.digest), result.model, result.findings,
                                   result.directives, result.noqa_used)
    return result


def _cached_results(paths: Sequence[str], cache: ResultCache) -> List[Optional[FileResult]]:
    """The cached result of each path, None where there is none (or the file
    cannot be read: linting it reports the error), or where a project module
    its model read has changed since."""
    keys: List[Optional[str]] = []
    digests: List[Optional[str]] = []
    for path in paths:
        data = _read(path)
        digest = None if isinstance(data, FileResult) else content_digest(data)
        keys.append(None if isinstance(data, FileResult) else cache.key(path, data, digest))
        digests.append(digest)
    with collector.lasting_records():
        entries = cache.load_many([key for key in keys if key is not None])
    results: List[Optional[FileResult]] = []
    modules = _ModuleStates(cache)
    for path, key, digest in zip(paths, keys, digests):
        entry = entries.get(key) if key is not None else None
        if entry is not None and not all(modules.unchanged(module, read) for module, read in entry.model.dependencies):
            entry = None
        results.append(None if entry is None else FileResult(path, entry.model, list(entry.findings),
                                                             directives=entry.directives, noqa_used=entry.noqa_used,
                                                             digest=digest))
    return results


class _ModuleStates:
    """Whether each project module still holds the code a cached model read,
    read once per run. Bytes that changed may hold the same code (a comment
    edited, lines appended at the end that hold none): the cache keeps the
    bytes the model read, and their code digests are compared."""

    def __init__(self, cache: ResultCache) -> None:
        self.cache = cache
        self.current: Dict[str, Optional[bytes]] = {}
        self.same: Dict[Tuple[str, str], bool] = {}

    def unchanged(self, path: str, read: str) -> bool:
        if read == ABSENT:  # no module was there
            if (path, read) not in self.same:
                self.same[(path, read)] = not os.path.exists(path)
            return self.same[(path, read)]
        if path not in self.current:
            found = _read(path)
            self.current[path] = None if isinstance(found, FileResult) else found
        data = self.current[path]
        if data is None:
            return read == ""  # unreadable then and now
        if (path, read) not in self.same:
            self.same[(path, read)] = content_digest(data) == read or self._same_code(read, data)
        return self.same[(path, read)]

    def _same_code(self, read: str, data: bytes) -> bool:
        from .cache import code_digest

        before = self.cache.load_source(read)
        if before is None:
            return False
        then = code_digest(before)
        return then is not None and then == code_digest(data)


def _keep_module_sources(results: Sequence[FileResult], cache: ResultCache) -> None:
    """Hand the cache the bytes of the project modules fresh models read
    (see ``_ModuleStates``), each module once."""
    read = {pair for result in results if result.model is not None for pair in result.model.dependencies}
    sources: List[Tuple[str, bytes]] = []
    for path, digest in sorted(read):
        data = _read(path)
        if not isinstance(data, FileResult) and digest and content_digest(data) == digest:
            sources.append((digest, data))
    cache.write_sources(sources)


# worker processes receive the run's settings once, through the pool initializer,
# not with every file
_worker_state: Optional[Tuple[Settings, List[Rule], Optional[ResultCache], Optional[Project]]] = None


def _start_worker(settings: Settings, cache: Optional[ResultCache], own_collector: bool,
                  project: Optional[Project] = None) -> None:
    global _worker_state
    _worker_state = (settings, selected_rules(settings), cache, project)
    if own_collector:  # a worker is the command line's too (a spawned one does not inherit the switch)
        collector.enable()


def _lint_in_worker(path: str) -> FileResult:
    assert _worker_state is not None, "the pool initializer sets the worker state"
    settings, rules, cache, project = _worker_state
    return lint_file(path, settings, rules, cache, project)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _lint_files(paths: Sequence[str], settings: Settings, rules: Sequence[Rule], jobs: int,
                cache: Optional[ResultCache], progress: Optional[ProgressCallback] = None,
                project: Optional[Project] = None) -> List[FileResult]:
    """Lint, with ``jobs`` > 1 over worker processes; results in the order of ``paths``.

    A worker costs a process start and a libcst import, so each gets at least
    four files, and a handful of files is linted in-process. The largest files
    go first (parse time follows size), in small chunks: the last chunks are
    small files, so no worker is left with a big one while the others idle.
    """
    workers = min(jobs, len(paths) // 4)
    if sys.platform == "win32":
        workers = min(workers, 61)  # the most a Windows process pool accepts
    if workers <= 1:
        linted = []
        for path in paths:
            linted.append(lint_file(path, settings, rules, cache, project))
            if progress is not None:
                progress(len(linted), len(paths))
        return linted
    from concurrent.futures import ProcessPoolExecutor  # only runs that fork pay for it

    order = sorted(range(len(paths)), key=lambda index: -_size(paths[index]))
    chunksize = max(1, min(8, len(paths) // (workers * 16)))
    results: List[Optional[FileResult]] = [None] * len(paths)
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                             initargs=(settings, cache, collector.enabled(), project)) as pool:
        mapped = pool.map(_lint_in_worker, [paths[i] for i in order], chunksize=chunksize)
        for done, (index, result) in enumerate(zip(order, mapped), start=1):
            results[index] = result
            if progress is not None:
                progress(done, len(paths))
    assert all(result is not None for result in results), "map returns a result for every path"
    return results  # type: ignore[return-value]


def selected_rules(settings: Settings) -> List[Rule]:
    return [rule for rule in all_rules() if rule.code in settings.selected]


def run_whole_run_rules(models: Sequence[FileModel], settings: Settings, rules: Sequence[Rule],
                        allowlist: Optional[AllowList] = None,
                        noqa_used: Optional[Dict[str, Set[Tuple[int, str]]]] = None,
                        ) -> Tuple[List[Finding], List[InternalError]]:
    """The rules that read every file at once. ``noqa_used`` collects, per path,
    which (line, code) a noqa comment silenced (for XCL002)."""
    findings: List[Finding] = []
    errors: List[InternalError] = []
    context = RuleContext(settings, allowlist)
    noqa_by_path = {m.path: m.noqa for m in models}
    for rule in rules:
        if rule.scope != RUN_SCOPE:
            continue
        try:
            reports = _resolved(list(rule.check(models, context)))
        except Exception as error:
            errors.append(InternalError("<run>", f"{type(error).__name__}: {error}", rule.code))
            continue
        for report in reports:
            finding = _finding(rule, report, report.path or "", None)
            if matches_any(finding.code, _ignored_codes(finding.path, settings)):
                continue  # per-file-ignores hold for whole-run rules too
            table = noqa_by_path.get(finding.path)
            lines = (finding.line,) + finding.noqa_lines
            if table is not None and noqa_used is not None:
                noqa_used.setdefault(finding.path, set()).update(
                    (line, finding.code) for line in suppressing_lines(finding.code, lines, table))
            if table is None or not is_suppressed(finding.code, lines, table):
                findings.append(finding)
    return findings, errors


def lint_paths(paths: Sequence[str], settings: Settings, jobs: int = 1,
               cache: Optional[ResultCache] = None, progress: Optional[ProgressCallback] = None) -> RunResult:
    """Lint files and directories. A broken allow-list raises AllowListError
    before any file is read: nothing is half-applied.

    With a cache, files whose entry is there are not parsed (a fully warm run
    never imports libcst); the whole-run rules always run over every model.
    The new entries are written after linting, by this process only.
    """
    allowlist = None
    if settings.allowlist:
        from .allowlist import load_allowlist

        allowlist = load_allowlist(settings.allowlist)
    found = discover(paths, settings.exclude)
    files = found.files
    rules = selected_rules(settings)
    project = project_of_run(settings, paths)
    # a module linted alone is checked in the DAGs that import it (see project.importers)
    context = _context_files(files, project, settings)
    every = files + context
    results: List[Optional[FileResult]] = [None] * len(every)
    if cache is not None:
        results = _cached_results(every, cache)
    missing = [index for index, result in enumerate(results) if result is None]
    fresh = _lint_files([every[index] for index in missing], settings, rules, jobs, cache, progress, project)
    for index, result in zip(missing, fresh):
        results[index] = result
    if cache is not None:
        cache.write(result.entry for result in fresh if result.entry is not None)
        _keep_module_sources(fresh, cache)
        for result in fresh:
            result.entry = None  # the models stay for the whole-run rules; the bytes need not
    done = [result for result in results[:len(files)] if result is not None]
    context_done = [result for result in results[len(files):] if result is not None]
    return finish_run(files, done, settings, rules, allowlist, found.errors, found.empty, context_done)


def project_of_run(settings: Settings, paths: Sequence[str]) -> Project:
    from .project import project_for

    return project_for(settings, paths)


def _context_files(files: Sequence[str], project: Project, settings: Settings) -> List[str]:
    """The DAG files, not linted themselves, that import a linted file that is
    not a DAG file of its own (pre-commit passing a changed helper)."""
    from .project.importers import importers_of
    from .run_settings import display_path

    if project.root is None or not files:
        return []
    shown = [display_path(path) for path in importers_of(files, project, set(files), settings.exclude)]
    return [path for path in shown if path not in files]


def finish_run(files: List[str], done: List[FileResult], settings: Settings, rules: Sequence[Rule],
               allowlist: Optional[AllowList], path_errors: Sequence[PathError] = (),
               empty_dirs: Sequence[str] = (), context: Sequence[FileResult] = ()) -> RunResult:
    """The run's findings from each file's result: the rules that read every
    file, then XCL002. A fix run calls it again after re-linting the files it changed.
    ``context``: the results of DAG files linted only for what they find in ``files``."""
    from .project.placement import place_findings

    findings = [f for r in list(done) + list(context) for f in r.findings]
    errors = [e for r in done for e in r.errors]
    models = [r.model for r in done if r.model is not None]
    context_models = [r.model for r in context if r.model is not None]
    run_used: Dict[str, Set[Tuple[int, str]]] = {}
    extra_findings, extra_errors = run_whole_run_rules(models + context_models, settings, rules, allowlist, run_used)
    findings.extend(extra_findings)
    errors.extend(extra_errors)
    tables = {model.path: model.noqa for model in models + context_models}
    findings = place_findings(findings, set(files), lambda path: tables.get(path) or _module_noqa(path), run_used)
    if context:
        shown = {r.path for r in context} - set(files)
        findings = [f for f in findings if f.path not in shown]
    for result in done:  # XCL002 last: every other rule has used the noqa comments it needs
        noqa_findings, noqa_errors = unused_noqa_findings(result, settings, rules, whole_run=True,
                                                          run_used=frozenset(run_used.get(result.path, ())))
        findings.extend(noqa_findings)
        errors.extend(noqa_errors)
    findings.sort(key=lambda f: f.sort_key)
    return RunResult(files, findings, errors, list(path_errors), models, list(empty_dirs), results=list(done),
                     allowlist=allowlist, context_models=context_models)


def _module_noqa(path: str) -> Optional[NoqaTable]:
    """The noqa comments of a project module no model of the run was made of."""
    data = _read(path)
    if isinstance(data, FileResult):
        return None
    source = decode_source(data)
    return None if isinstance(source, tuple) else parse_noqa(source)


def default_jobs() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow
    fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
