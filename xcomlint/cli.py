"""The ``xcomlint`` command line. Exit codes: 0 clean, 1 findings, 2 usage, config or internal error."""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple

import click

from . import __version__
from .allowlist import AllowListError
from .cache import CACHE_DIR_ENV, DEFAULT_CACHE_DIR, ResultCache
from .config import ConfigError, FileConfig, check_code, find_config, load_config_file, parse_airflow_version
from .docs import document
from .engine import RunResult, default_jobs, lint_paths, lint_source
from .findings import Finding
from .reporters import FORMATS, MACHINE_READABLE, reporter
from .rules import all_rules
from .settings import Settings, select_codes

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_codes(values: Sequence[str], option: str) -> List[str]:
    known = [r.code for r in all_rules()]
    codes = [c.strip().upper() for value in values for c in value.split(",") if c.strip()]
    for code in codes:
        check_code(code, known, lambda message: click.BadParameter(message, param_hint=option))
    return codes


def load_settings(
    config_path: Optional[str],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    airflow_version: Optional[str] = None,
    serialization: Optional[str] = None,
    allowlist: Optional[str] = None,
) -> Settings:
    known = [r.code for r in all_rules()]
    path = config_path or find_config()
    config = load_config_file(path, known) if path else FileConfig()
    values = config.values
    chosen_select = _split_codes(select, "--select") or values.get("select")
    chosen = select_codes(
        {r.code: r.default for r in all_rules()},
        select=chosen_select,
        extend_select=list(values.get("extend-select", [])) + _split_codes(extend_select, "--extend-select"),
        ignore=list(values.get("ignore", [])) + _split_codes(ignore, "--ignore"),
    )
    version = values.get("airflow-version", 3)
    if airflow_version is not None:
        version = parse_airflow_version(airflow_version, lambda m: click.BadParameter(m, param_hint="--airflow-version"))
    return Settings(
        selected=chosen,
        airflow_version=version,
        serialization=serialization or values.get("serialization", "json"),
        large_value_bytes=values.get("large-value-bytes", Settings.large_value_bytes),
        exclude=tuple(values.get("exclude", ())),
        per_file_ignores=tuple((k, tuple(v)) for k, v in values.get("per-file-ignores", {}).items()),
        allowlist=allowlist or values.get("allowlist"),
        rule_options=tuple(
            (code, tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in sorted(options.items())))
            for code, options in sorted(values.get("rule-options", {}).items())
        ),
    )


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"xcomlint: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xcomlint")
def main() -> None:
    """A static linter for Apache Airflow XComs.

    xcomlint reads DAG files without importing them, builds the graph of which
    task pushes which XCom and who pulls it, and reports the mistakes Airflow
    lets through silently (most make a pull return None at runtime).
    """
    _tune_garbage_collector()


# A lint run allocates millions of short-lived syntax nodes, none in a reference
# cycle, so the default collector (a pass every 700 allocations) spent about
# 8 % of a cold run traversing them. Fewer, larger young-generation passes still
# collect the few cycles there are; this process is the command line's own, so
# the setting affects no library caller.
_GC_YOUNG_THRESHOLD = 10_000


def _tune_garbage_collector() -> None:
    import gc

    young, middle, old = gc.get_threshold()
    if 0 < young < _GC_YOUNG_THRESHOLD:
        gc.set_threshold(_GC_YOUNG_THRESHOLD, middle, old)


_common_options = [
    click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file to use instead of searching for one."),
    click.option("--airflow-version", type=click.Choice(["2", "3"]), help="Airflow major version to lint for (default: config, else 3)."),
]


def common(func):
    for option in reversed(_common_options):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, metavar="CODES", help="Rules to run instead of the defaults: codes or prefixes, comma-separated (XCL1,XCL201).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to skip: codes or prefixes.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to run in addition to the selection (e.g. XCL105).")
@click.option("--allowlist", type=click.Path(dir_okay=False), help="The YAML allow-list of permitted XCom flows.")
@common
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--serialization", type=click.Choice(["json", "airflow"]), help="What counts as serializable for XCL201 (default: json).")
@click.option("--stdin-filename", metavar="NAME", help="Read the source from standard input and report it under NAME (use '-' as the path).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary line.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
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
    serialization: Optional[str],
    stdin_filename: Optional[str],
    exit_zero: bool,
    quiet: bool,
    statistics: bool,
    jobs: Optional[int],
    no_cache: bool,
) -> None:
    """Lint DAG files (default path: the current directory).

    Directories are walked for *.py files. Findings are printed sorted by path,
    line and column. Exit code 0 means no findings, 1 findings, 2 an error.
    """
    try:
        settings = load_settings(config_path, select, ignore, extend_select, airflow_version, serialization, allowlist)
    except ConfigError as error:
        raise _fail(str(error))
    if _reads_stdin(paths, stdin_filename):
        run = _lint_stdin(stdin_filename, settings)
    else:
        try:
            cache = None if no_cache else ResultCache.for_settings(settings)
            run = lint_paths(list(paths) or ["."], settings, jobs or default_jobs(), cache)
        except AllowListError as error:
            raise _fail(str(error))
    reporter(output_format)(run.findings, sys.stdout)
    sys.stdout.flush()  # findings first, then the summary and errors on stderr
    if statistics:
        # after text findings, like flake8; on stderr where stdout is parsed (json, sarif, github)
        for line in _statistics(run.findings):
            click.echo(line, err=output_format in MACHINE_READABLE)
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    for error in run.errors:
        rule = f" in rule {error.rule}" if error.rule else ""
        click.echo(f"xcomlint: internal error{rule} on {error.path}: {error.message}", err=True)
    if output_format == "text" and not quiet:
        files = len(run.files)
        summary = f"Found {len(run.findings)} finding{'s' if len(run.findings) != 1 else ''} in {files} file{'s' if files != 1 else ''}."
        click.echo(summary if run.findings else f"All checks passed ({files} file{'s' if files != 1 else ''}).", err=True)
    if run.path_errors or run.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if run.findings and not exit_zero else EXIT_CLEAN)


def _reads_stdin(paths: Tuple[str, ...], stdin_filename: Optional[str]) -> bool:
    """``-`` alone reads standard input; so does ``--stdin-filename`` with no path,
    as editors call it. Mixing standard input with files is a usage error rather
    than silently dropping one of them."""
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("'-' (standard input) cannot be combined with other paths")
    if stdin_filename is not None and paths and paths != ("-",):
        raise click.UsageError("--stdin-filename names standard input: give '-' (or no path) instead of files")
    return paths == ("-",) or stdin_filename is not None


def _lint_stdin(stdin_filename: Optional[str], settings: Settings) -> RunResult:
    """One buffer, reported under NAME so that per-file-ignores and messages name the
    real file. Rules that need the whole project (the run scope) are not run: one
    buffer cannot tell them what the other files contain."""
    name = stdin_filename or "<stdin>"
    result = lint_source(name, sys.stdin.buffer.read(), settings)
    findings = sorted(result.findings, key=lambda f: f.sort_key)
    return RunResult([name], findings, result.errors, [], [result.model] if result.model else [])


def _statistics(findings: Sequence[Finding]) -> List[str]:
    names = {r.code: r.name for r in all_rules()}
    counts = Counter(f.code for f in findings)
    return [f"{count:6d}  {code} {names.get(code, '')}".rstrip() for code, count in sorted(counts.items())]


@main.command(name="rules")
def list_rules() -> None:
    """List the rules: code, name, default and summary."""
    for rule in all_rules():
        default = "on " if rule.default else "off"
        click.echo(f"{rule.code}  {rule.name:<30} {default}  {rule.summary}")


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
) -> None:
    """Print the producer/consumer XCom graph (default path: the current directory).

    --format json prints the model the rules read. mermaid (for GitHub
    Markdown), dot (Graphviz) and html (one self-contained page that works
    offline) draw tasks grouped by TaskGroup, dependencies, XCom flows labelled
    with their keys, and the tasks with findings, linted like 'check' with the
    configured rules. The exit code is 0 whatever the findings, 2 on an error.
    """
    from .graphs import render_graph

    try:
        settings = load_settings(config_path, select, ignore, extend_select, airflow_version, None, allowlist)
        run = lint_paths(list(paths) or ["."], replace(settings, full_model=True), 1)
    except (ConfigError, AllowListError) as error:
        raise _fail(str(error))
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    for error in run.errors:
        rule = f" in rule {error.rule}" if error.rule else ""
        click.echo(f"xcomlint: internal error{rule} on {error.path}: {error.message}", err=True)
    if dag_id is not None and not any(dag.dag_id == dag_id for model in run.models for dag in model.real_dags):
        found = sorted({d.dag_id for m in run.models for d in m.real_dags if isinstance(d.dag_id, str)})
        raise _fail(f"no DAG '{dag_id}' in the linted files" + (f"; DAGs found: {', '.join(found)}" if found else ""))
    text = render_graph(output_format, run.models, run.findings, dag_id)
    if output_path is None:
        click.echo(text, nl=False)
    else:
        try:
            with open(output_path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise _fail(f"cannot write {output_path}: {error.strerror or error}")
    if run.path_errors or run.errors:
        sys.exit(EXIT_ERROR)


@main.group(name="allowlist")
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
    """Write an allow-list that permits exactly the XCom flows the code has today."""
    from .allowlist.baseline import render_baseline

    if output != "-" and os.path.exists(output) and not force:
        raise _fail(f"{output} exists; pass --force to overwrite it")
    try:
        settings = load_settings(config_path, airflow_version=airflow_version)
    except ConfigError as error:
        raise _fail(str(error))
    run = lint_paths(list(paths) or ["."], replace(settings, allowlist=None, full_model=True), 1)
    for error in run.path_errors:
        click.echo(f"xcomlint: error: {error.path}: {error.message}", err=True)
    if run.path_errors:
        sys.exit(EXIT_ERROR)
    text, dags, entries = render_baseline(run.models)
    if output == "-":
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote {entries} entr{'y' if entries == 1 else 'ies'} for {dags} DAG{'s' if dags != 1 else ''} to {output}.", err=True)
