"""The command line as scripts, CI and editors drive it: machine-readable formats on
stdout (and nothing else there), standard input, statistics, quiet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from dag_sources import BUGGY, CLEAN, COLUMN, END_COLUMN, LINE, MESSAGE

from xcomlint.cli import main

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(BUGGY)
    return tmp_path


def xcomlint(cwd: Path, *args: str, stdin: str = "") -> Result:
    """The command in this process, run from ``cwd`` (where configuration is looked
    for), with stdout and stderr kept apart."""
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(previous)


def test_sarif_output_is_valid_and_points_at_the_finding(project: Path) -> None:
    result = xcomlint(project, "check", "--format", "sarif", "dags")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    [finding] = run["results"]
    assert finding["ruleId"] == "XCL103" and finding["level"] == "error"
    assert run["tool"]["driver"]["rules"][finding["ruleIndex"]]["id"] == "XCL103"
    assert finding["message"]["text"] == MESSAGE
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "dags/etl.py"
    assert location["region"] == {"startLine": LINE, "startColumn": COLUMN, "endLine": LINE, "endColumn": END_COLUMN}


def test_sarif_output_describes_only_the_rules_of_its_findings(project: Path) -> None:
    result = xcomlint(project, "check", "--format", "sarif", "dags")
    assert [r["id"] for r in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]] == ["XCL103"]
    (project / "dags" / "etl.py").write_text(CLEAN)
    result = xcomlint(project, "check", "--format", "sarif", "dags")
    assert result.exit_code == 0
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_github_output(project: Path) -> None:
    result = xcomlint(project, "check", "--format", "github", "dags")
    assert result.exit_code == 1
    assert result.stdout == (
        f"::error file=dags/etl.py,line={LINE},col={COLUMN},endLine={LINE},endColumn={END_COLUMN},"
        f"title=XCL103 pull-unknown-task::{MESSAGE}\n"
    )


@pytest.mark.parametrize("format_name", ["json", "sarif", "github"])
def test_statistics_keep_machine_readable_stdout_clean(project: Path, format_name: str) -> None:
    plain = xcomlint(project, "check", "--format", format_name, "dags")
    with_statistics = xcomlint(project, "check", "--format", format_name, "--statistics", "dags")
    assert with_statistics.exit_code == plain.exit_code == 1
    assert with_statistics.stdout == plain.stdout
    if format_name == "json":  # the statistics are data too: one JSON object
        counts = json.loads(with_statistics.stderr)["findings"]
        assert counts == [{"code": "XCL103", "name": "pull-unknown-task", "count": 1}]
    else:
        assert "     1  XCL103 pull-unknown-task" in with_statistics.stderr


def test_statistics_count_per_rule_after_text_findings(project: Path) -> None:
    (project / "dags" / "second.py").write_text(BUGGY.replace("def load(ti):", "def load(ti):\n    ti.xcom_pull(key='rows')"))
    result = xcomlint(project, "check", "--statistics", "dags")
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["     1  XCL101 pull-without-task-ids", "     2  XCL103 pull-unknown-task"]
    assert all(line.startswith("dags/") for line in lines[:-2]) and len(lines) == 5
    assert "Found 3 findings in 2 files." in result.stderr


def test_quiet_prints_findings_only(project: Path) -> None:
    result = xcomlint(project, "check", "--quiet", "dags")
    assert result.exit_code == 1 and result.stderr == ""
    assert result.stdout == f"dags/etl.py:{LINE}:{COLUMN}: XCL103 pull-unknown-task: {MESSAGE}\n"


@pytest.mark.parametrize("args", [("-", "--stdin-filename", "dags/etl.py"), ("--stdin-filename", "dags/etl.py")])
def test_standard_input_reported_under_its_name(tmp_path: Path, args: tuple) -> None:
    result = xcomlint(tmp_path, "check", *args, stdin=BUGGY)
    assert result.exit_code == 1, result.stderr
    assert result.stdout == f"dags/etl.py:{LINE}:{COLUMN}: XCL103 pull-unknown-task: {MESSAGE}\n"
    assert "Found 1 finding in 1 file." in result.stderr


def test_standard_input_without_a_name(tmp_path: Path) -> None:
    result = xcomlint(tmp_path, "check", "-", stdin=BUGGY)
    assert result.exit_code == 1 and result.stdout.startswith(f"<stdin>:{LINE}:{COLUMN}: XCL103")
    assert xcomlint(tmp_path, "check", "-", stdin=CLEAN).exit_code == 0


def test_standard_input_takes_the_configuration_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint.per-file-ignores]\n"legacy/*" = ["XCL103"]\n')
    assert xcomlint(tmp_path, "check", "-", "--stdin-filename", "legacy/etl.py", stdin=BUGGY).exit_code == 0
    assert xcomlint(tmp_path, "check", "-", "--stdin-filename", "dags/etl.py", stdin=BUGGY).exit_code == 1


def test_standard_input_in_sarif(tmp_path: Path) -> None:
    result = xcomlint(tmp_path, "check", "-", "--stdin-filename", "dags/etl.py", "--format", "sarif", stdin=BUGGY)
    [finding] = json.loads(result.stdout)["runs"][0]["results"]
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dags/etl.py"


@pytest.mark.parametrize(
    "args,needle",
    [
        (("-", "dags"), "'-' (standard input) cannot be combined with other paths"),
        (("dags", "--stdin-filename", "x.py"), "--stdin-filename names standard input"),
    ],
)
def test_standard_input_mixed_with_files_is_a_usage_error(project: Path, args: tuple, needle: str) -> None:
    result = xcomlint(project, "check", *args, stdin=BUGGY)
    assert result.exit_code == 2
    assert needle in result.stderr and result.stdout == ""
