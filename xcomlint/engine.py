"""The lint pipeline: source -> model -> rules -> noqa -> sorted findings."""

from __future__ import annotations

import io
import os
import tokenize
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from .allowlist import AllowList, load_allowlist
from .discovery import PathError, discover
from .findings import Finding, InternalError
from .model import build_file_model
from .model.records import FileModel, Span
from .noqa import is_suppressed, parse_noqa
from .prefilter import is_valid_python, may_hold_xcom_code
from .rules.context import RuleContext
from .rules.registry import DAG_SCOPE, FILE_SCOPE, RUN_SCOPE, Report, Rule, all_rules
from .settings import Settings, matches_any


@dataclass
class FileResult:
    path: str
    model: Optional[FileModel]
    findings: List[Finding] = field(default_factory=list)
    errors: List[InternalError] = field(default_factory=list)


@dataclass
class RunResult:
    files: List[str]
    findings: List[Finding]
    errors: List[InternalError]
    path_errors: List[PathError]
    models: List[FileModel]


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
    return Finding(
        path=report.path or path,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        code=rule.code,
        name=rule.name,
        message=report.message,
        severity=report.severity or rule.severity,
        dag_id=report.dag_id or dag_id,
        task_id=report.task_id,
        noqa_lines=report.extra_noqa_lines,
    )


def _ignored_codes(path: str, settings: Settings) -> Tuple[str, ...]:
    from .discovery import is_excluded

    codes: Tuple[str, ...] = ()
    for pattern, pattern_codes in settings.per_file_ignores:
        if is_excluded(path, [pattern]):
            codes += pattern_codes
    return codes


def check_model(model: FileModel, settings: Settings, rules: Sequence[Rule]) -> FileResult:
    """Run the per-file and per-DAG rules on one model."""
    context = RuleContext(settings)
    result = FileResult(model.path, model)
    ignored = _ignored_codes(model.path, settings)
    seen = set()
    for rule in rules:
        if rule.scope == RUN_SCOPE or matches_any(rule.code, ignored):
            continue
        if model.syntax_error is not None and rule.scope == DAG_SCOPE:
            continue
        try:
            if rule.scope == FILE_SCOPE:
                reports = [(report, None) for report in rule.check(model, context)]
            else:
                reports = [
                    (report, dag.dag_id if isinstance(dag.dag_id, str) else None)
                    for dag in model.dags
                    for report in rule.check(dag, context)
                ]
        except Exception as error:  # a broken rule must not hide other findings
            result.errors.append(InternalError(model.path, f"{type(error).__name__}: {error}", rule.code))
            continue
        for report, dag_id in reports:
            finding = _finding(rule, report, model.path, dag_id)
            if finding.sort_key in seen:
                continue  # a callable run by several tasks reports once per place
            seen.add(finding.sort_key)
            lines = (finding.line,) + finding.noqa_lines
            if not is_suppressed(finding.code, lines, model.noqa):
                result.findings.append(finding)
    return result


def lint_source(path: str, data: Union[bytes, str], settings: Settings, rules: Optional[Sequence[Rule]] = None) -> FileResult:
    rules = list(rules) if rules is not None else selected_rules(settings)
    source = decode_source(data) if isinstance(data, bytes) else data
    if isinstance(source, tuple):
        model = FileModel(path=path, syntax_error=source)
    elif not may_hold_xcom_code(source) and is_valid_python(source):
        # no Airflow, DAG or XCom in the text: the model would be empty (see
        # prefilter), so libcst is not needed; the model is the one it would build
        model = FileModel(path=path, noqa=parse_noqa(source))
    else:
        try:
            model = build_file_model(path, source)
        except Exception as error:  # never let one odd file stop the run
            result = FileResult(path, FileModel(path=path, noqa=parse_noqa(source)))
            result.errors.append(InternalError(path, f"building the model failed: {type(error).__name__}: {error}"))
            return result
    return check_model(model, settings, rules)


def lint_file(path: str, settings: Settings) -> FileResult:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        result = FileResult(path, None)
        result.errors.append(InternalError(path, f"cannot read the file: {error.strerror or error}"))
        return result
    return lint_source(path, data, settings)


def selected_rules(settings: Settings) -> List[Rule]:
    return [rule for rule in all_rules() if rule.code in settings.selected]


def run_whole_run_rules(models: Sequence[FileModel], settings: Settings, rules: Sequence[Rule],
                        allowlist: Optional[AllowList] = None) -> Tuple[List[Finding], List[InternalError]]:
    findings: List[Finding] = []
    errors: List[InternalError] = []
    context = RuleContext(settings, allowlist)
    noqa_by_path = {m.path: m.noqa for m in models}
    for rule in rules:
        if rule.scope != RUN_SCOPE:
            continue
        try:
            reports = list(rule.check(models, context))
        except Exception as error:
            errors.append(InternalError("<run>", f"{type(error).__name__}: {error}", rule.code))
            continue
        for report in reports:
            finding = _finding(rule, report, report.path or "", None)
            table = noqa_by_path.get(finding.path)
            if table is None or not is_suppressed(finding.code, (finding.line,) + finding.noqa_lines, table):
                findings.append(finding)
    return findings, errors


def lint_paths(paths: Sequence[str], settings: Settings, jobs: int = 1) -> RunResult:
    """Lint files and directories. A broken allow-list raises AllowListError
    before any file is read: nothing is half-applied."""
    allowlist = load_allowlist(settings.allowlist) if settings.allowlist else None
    files, path_errors = discover(paths, settings.exclude)
    results: List[FileResult]
    if jobs > 1 and len(files) > jobs:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lint_file, files, [settings] * len(files), chunksize=8))
    else:
        results = [lint_file(path, settings) for path in files]
    findings = [f for r in results for f in r.findings]
    errors = [e for r in results for e in r.errors]
    models = [r.model for r in results if r.model is not None]
    extra_findings, extra_errors = run_whole_run_rules(models, settings, selected_rules(settings), allowlist)
    findings.extend(extra_findings)
    errors.extend(extra_errors)
    findings.sort(key=lambda f: f.sort_key)
    return RunResult(files, findings, errors, path_errors, models)


def default_jobs() -> int:
    return os.cpu_count() or 1
