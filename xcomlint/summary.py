"""The last line of a text run, on standard error: what was checked and found.

It never claims more than is true: findings are counted with the files they
are in ("in 1 of 2 files"), a run where a path could not be read does not say
"All checks passed", and a run that checked no file says so. Nor is a clean
result silently a blind one: when some pulls could not be checked, a second
sentence says how many and why (``coverage``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from .findings import Finding
from .settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from .coverage import Coverage
    from .engine import RunResult


def plural(count: int, word: str, plural_form: Optional[str] = None) -> str:
    """``1 file``, ``2 files``; ``plural_form`` for a word that does not just add an s."""
    return f"{count} {word if count == 1 else plural_form or word + 's'}"


def summary(run: "RunResult", findings: Sequence[Finding], allowlist: Optional[str]) -> str:
    """What the run found, then what it could not check (when there is such a pull)."""
    outcome = outcome_sentence(run, findings, allowlist)
    from .coverage import coverage

    unchecked = coverage_sentence(coverage(run.models, run.context_models))
    return f"{outcome} {unchecked}" if unchecked else outcome


def coverage_sentence(report: "Coverage") -> Optional[str]:
    """``12 pulls in 3 DAGs could not be checked: task_ids computed at runtime (7), ...``;
    None when every pull could be."""
    if not report.total:
        return None
    causes = ", ".join(f"{cause.text} ({count})" for cause, count in report.by_cause())
    pulls = plural(report.total, "pull")
    in_dags = report.total - report.outside_dags
    if not report.outside_dags:
        where = f"{pulls} in {plural(report.dags, 'DAG')} could not be checked"
    elif not in_dags:
        where = f"{pulls} outside any known DAG could not be checked"
    else:
        where = (f"{pulls} could not be checked ({in_dags} in {plural(report.dags, 'DAG')}, "
                 f"{report.outside_dags} outside any known DAG)")
    return f"{where}: {causes}."


def outcome_sentence(run: "RunResult", findings: Sequence[Finding], allowlist: Optional[str]) -> str:
    checked = len(run.files)
    linted = set(run.files)
    if findings:
        in_files = {f.path for f in findings if f.path in linted}
        elsewhere = {f.path for f in findings if f.path not in linted}
        where = []
        if len(in_files) == checked and checked:
            where.append(f"in {plural(checked, 'file')}")
        elif in_files or not elsewhere:
            where.append(f"in {len(in_files)} of {plural(checked, 'file')}")
        if elsewhere:
            where.append("in the allow-list" if elsewhere == {allowlist} else f"in {plural(len(elsewhere), 'other file')}")
        return f"Found {plural(len(findings), 'finding')} {' and '.join(where)}."
    if run.path_errors or run.errors:
        problems = []
        if run.path_errors:
            problems.append(f"{plural(len(run.path_errors), 'path')} could not be checked")
        if run.errors:
            problems.append(f"xcomlint failed on {plural(len({e.path for e in run.errors}), 'file')}")
        if not checked:
            return f"No Python files were checked: {' and '.join(problems)}."
        return f"No findings in {plural(checked, 'checked file')}, but {' and '.join(problems)}."
    if not checked:
        return "No Python files were checked."
    return f"All checks passed ({plural(checked, 'file')})."


def airflow_version_sentence(settings: Settings) -> Optional[str]:
    """``Assumed Airflow 2 from Dockerfile:1 (Astro Runtime 12.1.0, Airflow 2.10).``
    when the project's files chose the Airflow version (rules and messages
    follow it, so a wrong guess must be visible); None when an option, the
    configuration or the default did, which the user set or expects."""
    if not settings.airflow_version_inferred:
        return None
    return f"Assumed Airflow {settings.airflow_version} from {settings.airflow_version_source}."
