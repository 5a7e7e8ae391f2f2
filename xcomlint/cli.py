"""The ``xcomlint`` command line. Exit codes: 0 clean, 1 findings, 2 usage, config or internal error."""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import replace
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import click

from . import __version__, collector
from .allowlist import AllowListError
from .cache import CACHE_DIR_ENV, DEFAULT_CACHE_DIR, ResultCache
from .config import ConfigError
from .docs import document
from .engine import RunResult, content_digest, decode_source, default_jobs, lint_paths, lint_source, project_of_run
from .findings import Finding
from .model.records import FileModel
from .progress import Progress, is_terminal
from .progress import wanted as progress_wanted
from .reporters import FORMATS, MACHINE_READABLE, reporter
from .reporters.style import COLOR_CHOICES, use_color
from .rules import all_rules
from .run_settings import ResolvedSettings, SeveralConfigurations, describe, resolve_settings
from .settings import Settings
from .summary import airflow_version_sentence, summary

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _bad_parameter(message: str, option: str) -> click.BadParameter:
    return click.BadParameter(message, param_hint=option)


def resolve(config_path: Optional[str], *args, **kwargs) -> ResolvedSettings:
    """``resolve_settings`` with the command line's errors: a bad option value is a
    usage error, and so are paths that belong to different configuration files."""
    try:
        return resolve_settings(config_path, *args, error=_bad_parameter, **kwargs)
    except SeveralConfigurations as error:
        raise click.UsageError(str(error)) from None


def load_settings(config_path: Optional[str], *args: Any, **kwargs: Any) -> Settings:
    """The settings of a run: ``resolve_settings``'s arguments (select, ignore,
    extend_select, airflow_version, serialization, allowlist, then ``paths=``
    and the other keywords), with the command line's errors."""
    return resolve(config_path, *args, **kwargs).settings


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"xcomlint: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


class _Group(click.Group):
    """Lists each command with its whole first sentence: click would cut it
    to the terminal's width with '...'; the formatter wraps it instead."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xcomlint")
def main() -> None:
    """A static linter for Apache Airflow XComs.

    xcomlint reads DAG files without importing them, builds the graph of which
    task pushes which XCom and who pulls it, and reports the mistakes Airflow
    lets through silently (most make a pull return None at runtime).
    """


def console_main() -> None:
    """The ``xcomlint`` command and ``python -m xcomlint``: a process of its own,
    whose garbage collector the run may manage (``collector``), unlike a
    program that calls ``main`` in its own process."""
    collector.enable()
    main()


_common_options = [
    click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use instead of searching for one."),
    click.option("--airflow-version", type=click.Choice(["2", "3"]),
                 help="Airflow major version to lint for (default: the configuration's, else the one the project's "
                      "Dockerfile, constraints, requirements or pyproject.toml names, else 3)."),
]


def common(func):
    for option in reversed(_common_options):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, metavar="CODES", help="Rules to run instead of the defaults: codes or prefixes, comma-separated (XCL1,XCL201).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to skip: codes or prefixes. The more specific of --select and --ignore wins.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run in addition to the selection (e.g. XCL105).")
@click.option("--allowlist", type=click.Path(dir_okay=False), help="The YAML allow-list of permitted XCom flows.")
@common
@click.option("--format", "--output-format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format; full is text with the source lines and a caret under each finding.")
@click.option("--show-source", is_flag=True, help="Show the source lines of each finding (the same as --format full).")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the findings to FILE instead of standard output (any format).")
@click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
              help="Colour the text formats: auto colours a terminal unless NO_COLOR is set.")
@click.option("--exclude", multiple=True, metavar="PATTERNS",
              help="Files and folders to skip, instead of the configuration's exclude: names or paths, globs allowed.")
@click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Files and folders to skip in addition to exclude.")
@click.option("--serialization", type=click.Choice(["json", "airflow"]), help="What counts as serializable for XCL201 (default: json).")
@click.option("--stdin-filename", metavar="NAME", help="Read the source from standard input and report it under NAME (use '-' as the path).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary, warnings or progress.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes of the findings, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (with --fix) and mark [*] the fixes that may change what the code does.")
@click.option("--diff", is_flag=True, help="Print a unified diff of what --fix would change and write nothing (exit 1 if there is something to fix).")
@click.option("--fix-only", is_flag=True, help="Apply fixes (as --fix) without reporting the findings that remain; exit 0.")
@click.option("--show-fixes", is_flag=True, help="With --fix, list the fixes applied per file and rule.")
@click.option("--add-noqa", is_flag=True, help="Add '# noqa: CODE' to the line of every current finding; only what it cannot silence is reported.")
@click.option("--show-settings", is_flag=True, help="Print the configuration file found and the resolved settings, then exit.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help=f"Do not read or write the result cache ({DEFAULT_CACHE_DIR}/ in the current directory, or ${CACHE_DIR_ENV}).")
def check(
    paths: Tuple[str, ...],
    select: Tuple[str, ...],
    ignore: Tuple[str, ...],
    extend_select: Tuple[str, ...],
    allowlist: Optional[str],
    config_path: Optional[str],
    airflow_version: Optional[str],
    output_format: str,
    show_source: bool,
    output_file: Optional[str],
    color: str,
    exclude: Tuple[str, ...],
    extend_exclude: Tuple[str, ...],
    serialization: Optional[str],
    stdin_filename: Optional[str],
    exit_zero: bool,
    quiet: bool,
    statistics: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    show_fixes: bool,
    add_noqa: bool,
    show_settings: bool,
    jobs: Optional[int],
    no_cache: bool,
) -> None:
    """Lint DAG files (default path: the current directory).

    Directories are walked for *.py files. Findings are printed sorted by path,
    line and column. Exit code 0 means no findings, 1 findings, 2 an error.
    The configuration file is found by walking up from the linted paths.
    Findings marked [*] have a fix that --fix applies; with --fix, the exit
    code counts only the findings that remain. With standard input, --fix
    prints the fixed source on stdout and the findings left on stderr.
    """
    reads_stdin = _reads_stdin(paths, stdin_filename)
    fixing = fix or fix_only or diff
    if add_noqa and reads_stdin:
        raise click.UsageError("--add-noqa edits files: it cannot be used with standard input")
    if add_noqa and fixing:
        raise click.UsageError("--add-noqa cannot be combined with --fix, --fix-only or --diff")
    if show_source and output_format == "text":
        output_format = "full"
    targets = list(paths) or ["."]
    try:
        resolved = resolve(config_path, select, ignore, extend_select, airflow_version, serialization, allowlist,
                           paths=[stdin_filename] if reads_stdin and stdin_filename else targets,
                           exclude=exclude, extend_exclude=extend_exclude)
    except ConfigError as error:
        raise _fail(str(error))
    settings = resolved.settings
    # ``unsafe-fixes = true`` in the configuration is --unsafe-fixes, as in ruff
    unsafe_fixes = unsafe_fixes or settings.unsafe_fixes
    if show_settings:
        for line in describe(resolved, ["-"] if reads_stdin else targets):
            click.echo(line)
        return
    sources = None
    stdin_data = None
    if reads_stdin:
        run, sources, stdin_data = _lint_stdin(stdin_filename, settings)
    else:
        machine = output_format in MACHINE_READABLE
        bar = Progress(sys.stderr) if progress_wanted(sys.stderr, machine, quiet) else None
        try:
            cache = None if no_cache else ResultCache.for_settings(settings)
            run = lint_paths(targets, settings, jobs or default_jobs(), cache, bar.update if bar else None)
        except AllowListError as error:
            raise _fail(str(error))
        finally:
            if bar is not None:
                bar.close()
    if fixing:
        _fix(run, settings, targets, FixRequest(unsafe_fixes, diff, fix_only, show_fixes, quiet, exit_zero),
             Output(output_format, output_file, color, sources, statistics), stdin_data, jobs, no_cache)
        return
    from .fix_policy import with_fix_policy

    findings = with_fix_policy(run.findings, settings)
    if add_noqa:
        from .add_noqa import add_noqa_directives

        added = add_noqa_directives(findings, set(run.files))
        findings = added.remaining
        if not quiet:
            click.echo(added.summary(), err=True)
    _write_report(findings, output_format, output_file, color, sources, statistics, unsafe_fixes, models=run.models,
                  context_models=run.context_models)
    _report_problems(run, quiet)
    if output_format in ("text", "full") and not quiet and not add_noqa:
        _echo_fixable(findings, unsafe_fixes)  # before the summary, which ends the run
        click.echo(_with_version_note(summary(run, findings, settings.allowlist), settings), err=True)
    if run.path_errors or run.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if findings and not exit_zero else EXIT_CLEAN)


def _with_version_note(line: str, settings: Settings) -> str:
    """The summary line, and which Airflow was assumed when the project's files chose it."""
    note = airflow_version_sentence(settings)
    return f"{line} {note}" if note else line


def _report_problems(run: RunResult, quiet: bool) -> None:
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    for internal in run.errors:
        rule = f" in rule {internal.rule}" if internal.rule else ""
        click.echo(f"xcomlint: internal error{rule} on {internal.path}: {internal.message}", err=True)
    if not quiet:
        for directory in run.empty_dirs:
            click.echo(f"xcomlint: warning: {directory}: no Python files found (or all of them are excluded)", err=True)


def _echo_fixable(findings: Sequence[Finding], unsafe_fixes: bool) -> None:
    from .fix_policy import fixable_summary

    line = fixable_summary(findings, unsafe_fixes)
    if line is not None:
        click.echo(line, err=True)


class FixRequest(NamedTuple):
    unsafe: bool
    diff: bool
    fix_only: bool
    show_fixes: bool
    quiet: bool
    exit_zero: bool


class Output(NamedTuple):
    """How the findings are written: ``_write_report``'s arguments."""

    output_format: str
    output_file: Optional[str]
    color: str
    sources: Optional[Dict[str, str]]
    statistics: bool


def _fix(run: RunResult, settings: Settings, targets: List[str], request: FixRequest, report: Output,
         stdin_data: Optional[bytes], jobs: Optional[int], no_cache: bool) -> None:
    """--fix, --fix-only and --diff: fix in memory, then show the diff or write
    the files and report what remains (never a finding that was fixed)."""
    from .autofix import fix_run, fix_summary, fixed_by_file, unified_diff, write_changes
    from .fix_policy import with_fix_policy

    name = run.files[0] if stdin_data is not None else None
    outcome = fix_run(run, settings, request.unsafe,
                      sources={name: stdin_data} if name is not None and stdin_data is not None else None,
                      whole_run=stdin_data is None)
    for path, why in outcome.skipped:
        click.echo(f"xcomlint: warning: {path}: {why}", err=True)
    if request.diff:
        click.echo(unified_diff(outcome), nl=False)
        _report_problems(run, request.quiet)
        if not request.quiet:
            count = len(outcome.fixed)
            click.echo(f"Would fix {count} finding{'' if count == 1 else 's'}." if count else "No fixes to apply.", err=True)
        if run.path_errors or run.errors:
            sys.exit(EXIT_ERROR)
        sys.exit(EXIT_FINDINGS if outcome.changes and not request.exit_zero else EXIT_CLEAN)
    fixed_run, findings, fixed = outcome.run, outcome.findings, outcome.fixed
    if name is not None:  # standard input: the fixed source goes to standard output, the findings to stderr
        changed = outcome.changes.get(name)
        source = changed[0].encode(changed[1]) if changed else stdin_data
        sys.stdout.buffer.write(source or b"")
        sys.stdout.flush()
    else:
        problems = write_changes(outcome)
        for path, why in problems:
            click.echo(f"xcomlint: warning: {path}: {why}", err=True)
        if problems:  # what is on disk is what counts: lint it again
            unwritten = {path for path, _ in problems}
            fixed = [f for f in fixed if f.path not in unwritten]
            cache = None if no_cache else ResultCache.for_settings(settings)
            fixed_run = lint_paths(targets, settings, jobs or default_jobs(), cache)
            findings = with_fix_policy(fixed_run.findings, settings)
    if request.show_fixes and not request.quiet:
        for line in fixed_by_file(fixed):
            click.echo(line, err=True)
    if not request.fix_only:
        sources = report.sources
        if name is not None and name in outcome.changes:  # the full format shows the fixed source
            sources = {name: outcome.changes[name][1]}
        _write_report(findings, report.output_format, report.output_file, report.color, sources,
                      report.statistics, request.unsafe, to_stderr=name is not None, models=fixed_run.models,
                      context_models=fixed_run.context_models)
    _report_problems(fixed_run, request.quiet)
    text_format = report.output_format in ("text", "full")
    if not request.quiet and (text_format or request.fix_only):
        outcome.fixed = fixed
        click.echo(fix_summary(outcome, request.unsafe, remaining=len(findings)), err=True)
    if fixed_run.path_errors or fixed_run.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if findings and not request.fix_only and not request.exit_zero else EXIT_CLEAN)


def _write_report(findings: Sequence[Finding], output_format: str, output_file: Optional[str], color: str,
                  sources: Optional[Dict[str, str]], statistics: bool, unsafe_fixes: bool = False,
                  to_stderr: bool = False, models: Sequence[FileModel] = (),
                  context_models: Sequence[FileModel] = ()) -> None:
    """The findings (and, in the text formats, the statistics after them) on
    standard output or in FILE; the statistics of a machine format go to
    standard error, so that what a program parses stays parseable. Findings
    whose fix --fix applies are marked [*] (with ``unsafe_fixes``, unsafe ones too).
    ``models`` are the run's: what could not be checked in them goes with the
    statistics, and in SARIF's run properties (``context_models``: those of DAG
    files linted for what they find in a module linted alone)."""
    try:
        stream = open(output_file, "w", encoding="utf-8", newline="\n") if output_file else (
            sys.stderr if to_stderr else sys.stdout)
    except OSError as error:
        raise _fail(f"cannot write {output_file}: {error.strerror or error}")
    try:
        colored = use_color(color, stream)
        if output_format == "full":
            from .reporters.full import report as full_report

            full_report(findings, stream, color=colored, sources=sources, unsafe_fixes=unsafe_fixes)
        elif output_format == "text":
            from .reporters.text import report as text_report

            text_report(findings, stream, color=colored, unsafe_fixes=unsafe_fixes)
        else:
            _machine_report(findings, output_format, stream, models, context_models)
        stream.flush()  # findings first, then the summary and errors on stderr
        if statistics:
            _write_statistics(findings, output_format, stream, models, context_models)
            stream.flush()
    finally:
        if output_file:
            stream.close()


def _reads_stdin(paths: Tuple[str, ...], stdin_filename: Optional[str]) -> bool:
    """``-`` alone reads standard input; so does ``--stdin-filename`` with no path,
    as editors call it. Mixing standard input with files is a usage error rather
    than silently dropping one of them."""
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other paths")
    if stdin_filename is not None and paths and paths != ("-",):
        raise click.UsageError("--stdin-filename names standard input: give '-' (or no path) instead of files")
    return paths == ("-",) or stdin_filename is not None


def _lint_stdin(stdin_filename: Optional[str], settings: Settings) -> Tuple[RunResult, Dict[str, str], bytes]:
    """One buffer, reported under NAME so that per-file-ignores and messages name the
    real file. Rules that need the whole project (the run scope) are not run: one
    buffer cannot tell them what the other files contain."""
    name = stdin_filename or "<stdin>"
    data = sys.stdin.buffer.read()
    # an editor's buffer of a file of a project: its imports are followed as for the file
    project = project_of_run(settings, [name]) if stdin_filename else None
    result = lint_source(name, data, settings, project=project)
    result.digest = content_digest(data)
    findings = sorted(result.findings, key=lambda f: f.sort_key)
    text = decode_source(data)
    sources = {name: text} if isinstance(text, str) else {}
    run = RunResult([name], findings, result.errors, [], [result.model] if result.model else [], results=[result])
    return run, sources, data


def _statistics(findings: Sequence[Finding]) -> List[str]:
    names = {r.code: r.name for r in all_rules()}
    counts = Counter(f.code for f in findings)
    return [f"{count:6d}  {code} {names.get(code, '')}".rstrip() for code, count in sorted(counts.items())]


def _machine_report(findings: Sequence[Finding], output_format: str, stream: Any, models: Sequence[FileModel],
                    context_models: Sequence[FileModel] = ()) -> None:
    """A machine format's report; SARIF's run carries what could not be checked
    (``properties.xcomlint.uncheckedPulls``), JSON stays an array of findings."""
    if output_format != "sarif":
        reporter(output_format)(findings, stream)
        return
    from .coverage import coverage
    from .reporters.sarif import report as sarif_report

    sarif_report(findings, stream, properties={"xcomlint": {"uncheckedPulls": coverage(models, context_models).sarif_properties()}})


def _write_statistics(findings: Sequence[Finding], output_format: str, stream: Any,
                      models: Sequence[FileModel], context_models: Sequence[FileModel] = ()) -> None:
    """The findings per rule, then the pulls not checked per file and cause:
    after the findings in the text formats, on standard error in the machine
    formats (one JSON object with ``--format json``: the same counts as data)."""
    from .coverage import coverage

    unchecked = coverage(models, context_models)
    if output_format == "json":
        import json

        names = {r.code: r.name for r in all_rules()}
        counts = Counter(f.code for f in findings)
        data = {
            "findings": [{"code": code, "name": names.get(code, ""), "count": count}
                         for code, count in sorted(counts.items())],
            "unchecked_pulls": unchecked.to_dict(),
        }
        click.echo(json.dumps(data, indent=2), err=True)
        return
    machine = output_format in MACHINE_READABLE
    for line in _statistics(findings) + unchecked.statistics_lines():
        if machine:
            click.echo(line, err=True)
        else:
            stream.write(line + "\n")


@main.command(name="rules")
def list_rules() -> None:
    """List the rules: code, name, default and summary."""
    rules = all_rules()
    labels = {rule.code: _default_label(rule) for rule in rules}
    width = max(len(label) for label in labels.values())
    name_width = max(len(rule.name) for rule in rules)
    for rule in rules:
        click.echo(f"{rule.code}  {rule.name:<{name_width}} {labels[rule.code]:<{width}}  {rule.summary}")


def _default_label(rule) -> str:
    """As the README's table says it: the allow-list rules run only with one."""
    if rule.code.startswith("XCL3"):
        return "with an allow-list"
    return "on" if rule.default else "off"


@main.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print a rule's documentation: xcomlint rule XCL103."""
    rule = next((r for r in all_rules() if r.code == code.upper() or r.name == code), None)
    if rule is None:
        raise _fail(f"unknown rule '{code}'; see 'xcomlint rules'")
    text = document(rule.code)
    if text is None:
        raise _fail(f"no documentation found for {rule.code}")
    click.echo(text.rstrip())


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["json", "mermaid", "dot", "html"]), default="json", show_default=True,
              help="json: the model itself; mermaid, dot, html: a picture with XCom flows and findings highlighted.")
@click.option("--dag", "dag_id", metavar="DAG_ID", help="Only this DAG.")
@click.option("--output", "-o", "output_path", type=click.Path(dir_okay=False), help="Write to FILE instead of standard output.")
@click.option("--select", multiple=True, metavar="CODES", help="Rules whose findings are shown, instead of the defaults.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules whose findings are not shown.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run in addition to the selection.")
@click.option("--allowlist", type=click.Path(dir_okay=False), help="The YAML allow-list of permitted XCom flows.")
@common
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache (as for 'check').")
def graph(
    paths: Tuple[str, ...],
    output_format: str,
    dag_id: Optional[str],
    output_path: Optional[str],
    select: Tuple[str, ...],
    ignore: Tuple[str, ...],
    extend_select: Tuple[str, ...],
    allowlist: Optional[str],
    config_path: Optional[str],
    airflow_version: Optional[str],
    jobs: Optional[int],
    no_cache: bool,
) -> None:
    """Print the producer/consumer XCom graph (default path: the current directory).

    --format json prints the model the rules read. mermaid (for GitHub
    Markdown), dot (Graphviz) and html (one self-contained page that works
    offline) draw tasks grouped by TaskGroup, dependencies, XCom flows labelled
    with their keys, and the tasks with findings, linted like 'check' with the
    configured rules. The html page of several DAGs opens on an index of them,
    with search and a filter for the DAGs with findings. A file that does not
    parse is named on stderr and left out; Mermaid output longer than
    Mermaid's limit (50,000 characters) gets a warning. The html page is not
    printed on a terminal: give -o FILE. The exit code is 0 whatever the
    findings, 2 on an error (a missing path, an unknown --dag); when no path
    exists, nothing is drawn.
    """
    from .graphs import render_graph
    from .graphs.mermaid import MERMAID_MAX_TEXT_SIZE, mermaid_text_size

    if output_format == "html" and output_path is None and is_terminal(sys.stdout):
        raise _fail("--format html writes a whole web page: give -o FILE (for example -o xcom-graph.html) "
                    "and open it in a browser")
    bar = Progress(sys.stderr) if progress_wanted(sys.stderr, False, False) else None
    try:
        targets = list(paths) or ["."]
        settings = replace(
            load_settings(config_path, select, ignore, extend_select, airflow_version, None, allowlist, paths=targets),
            full_model=True,
        )
        cache = None if no_cache else ResultCache.for_settings(settings)
        run = lint_paths(targets, settings, jobs or default_jobs(), cache, bar.update if bar else None)
    except (ConfigError, AllowListError) as problem:
        raise _fail(str(problem))
    finally:
        if bar is not None:
            bar.close()
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    if run.path_errors and not run.files:
        sys.exit(EXIT_ERROR)  # nothing to draw: an empty graph would pass for the picture of the paths
    for internal in run.errors:
        rule = f" in rule {internal.rule}" if internal.rule else ""
        click.echo(f"xcomlint: internal error{rule} on {internal.path}: {internal.message}", err=True)
    for model in run.models:
        if model.syntax_error is not None:
            message, span = model.syntax_error
            click.echo(f"xcomlint: warning: {model.path}:{span.line}:{span.column}: cannot parse the file ({message}); "
                       "its DAGs are not in the graph", err=True)
    if dag_id is not None and not any(dag.dag_id == dag_id for model in run.models for dag in model.real_dags):
        found = sorted({d.dag_id for m in run.models for d in m.real_dags if isinstance(d.dag_id, str)})
        raise _fail(_unknown_dag_message(dag_id, found))
    text = render_graph(output_format, run.models, run.findings, dag_id)
    if output_format == "mermaid" and mermaid_text_size(text) > MERMAID_MAX_TEXT_SIZE:
        click.echo(
            f"xcomlint: warning: the Mermaid graph is {mermaid_text_size(text):,} characters, more than Mermaid's "
            f"default maxTextSize ({MERMAID_MAX_TEXT_SIZE:,}): GitHub and mermaid.js show an error instead of it. "
            "Draw one DAG at a time with --dag DAG_ID, or use --format html.", err=True)
    if output_path is None:
        click.echo(text, nl=False)
    else:
        try:
            with open(output_path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise _fail(f"cannot write {output_path}: {error.strerror or error}")
        click.echo(f"xcomlint: wrote {output_path}", err=True)
    if run.path_errors or run.errors:
        sys.exit(EXIT_ERROR)


def _unknown_dag_message(dag_id: str, found: Sequence[str]) -> str:
    """An unknown --dag: the closest DAG id found, else a few of them."""
    from .rules.suggest import closest, quoted_list

    message = f"no DAG '{dag_id}' in the linted files"
    suggestion = closest(dag_id, found)
    if suggestion is not None:
        return message + f"; did you mean '{suggestion}'?"
    if not found:
        return message + "; they define no DAG with a static dag_id"
    return message + f"; {len(found)} DAG{'s' if len(found) != 1 else ''} found: {quoted_list(found)}"


@main.group(name="allowlist", cls=_Group)
def allowlist_group() -> None:
    """Work with the allow-list of permitted XCom flows."""


@allowlist_group.command(name="init")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output", "-o", default="xcomlint-allowlist.yaml", show_default=True, metavar="FILE",
              help="Where to write the allow-list ('-' for standard output).")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@common
def allowlist_init(paths: Tuple[str, ...], output: str, force: bool, config_path: Optional[str],
                   airflow_version: Optional[str]) -> None:
    """Write an allow-list that permits exactly the XCom flows the code has today.

    A flow whose pull has a finding (a task or key that does not exist, say) is
    left out, and so is a DAG whose id is computed at runtime: both are listed
    as comments in the file and on standard error.
    """
    from .allowlist.baseline import render_baseline

    if output != "-" and os.path.exists(output) and not force:
        raise _fail(f"{output} exists; pass --force to overwrite it")
    targets = list(paths) or ["."]
    try:
        settings = load_settings(config_path, airflow_version=airflow_version, paths=targets)
    except ConfigError as problem:
        raise _fail(str(problem))
    # whatever the configuration selects, a pull of a task or key that does not
    # exist, or of a task that pushes nothing, is never written as permitted
    selected = settings.selected | _PULLS_THAT_READ_NOTHING
    run = lint_paths(targets, replace(settings, allowlist=None, full_model=True, selected=selected), 1)
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    if run.path_errors:
        sys.exit(EXIT_ERROR)
    baseline = render_baseline(run.models, run.findings)
    if output == "-":
        click.echo(baseline.text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(baseline.text)
        entries, dags = baseline.entries, baseline.dags
        click.echo(f"Wrote {entries} entr{'y' if entries == 1 else 'ies'} for {dags} DAG{'s' if dags != 1 else ''} to {output}.", err=True)
    if baseline.left_out:
        count = len(baseline.left_out)
        click.echo(f"xcomlint: left out {count} flow{'s' if count != 1 else ''} whose pull has a finding "
                   "(fix the pull, then permit the flow):", err=True)
        for item in baseline.left_out:
            click.echo(f"  {item.describe()}", err=True)
    if baseline.dynamic:
        count = len(baseline.dynamic)
        click.echo(f"xcomlint: not listed: {count} DAG{'s' if count != 1 else ''} whose id is computed at runtime:", err=True)
        for path, line in baseline.dynamic:
            click.echo(f"  {path}:{line}", err=True)


_PULLS_THAT_READ_NOTHING = frozenset({"XCL103", "XCL104", "XCL106"})


@main.command()
def server() -> None:
    """Run the language server: LSP over standard input and output, for editors.

    Diagnostics of the buffer as typed, quick fixes, "add noqa" and fix-all,
    and navigation between pulls and the tasks and pushes they read. Needs
    pygls and lsprotocol (the server extra).
    """
    from .server import install_hint, missing_dependency

    missing = missing_dependency()
    if missing is not None:
        raise _fail(f"the language server needs the '{missing}' package, which is not installed: {install_hint()}")
    from .server import serve

    serve()
