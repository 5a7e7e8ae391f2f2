"""The flake8 plugin, run through the real flake8 in a subprocess, as editors run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List, Set, Tuple

import pytest
from dag_sources import BUGGY, COLUMN, LINE, MESSAGE

from xcomlint import __version__

FINDING = f"dag.py:{LINE}:{COLUMN}: XCL103 {MESSAGE}"

# several findings at other columns, one of them inside a multi-line template string
TEMPLATES = textwrap.dedent(
    '''\
    from airflow.sdk import DAG, TaskGroup
    from airflow.providers.standard.operators.bash import BashOperator


    def report(ti):
        return ti.xcom_pull(key="rows")


    with DAG(dag_id="etl", schedule=None):
        with TaskGroup("warehouse"):
            stage = BashOperator(task_id="stage", bash_command="echo 1")
        notify = BashOperator(
            task_id="notify",
            bash_command="""
                echo {{ ti.xcom_pull(task_ids='stage') }}
                echo {{ ti.xcom_pull(task_ids='warehouse.stag') }}
            """,{noqa}
        )
        stage >> notify
    '''
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path


def flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # a fresh directory holds no flake8 configuration, so only these arguments count
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300
    )


def xcomlint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xcomlint", "check", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _positions(output: str) -> Set[Tuple[str, int, int, str]]:
    found = set()
    for line in output.splitlines():
        path, row, col, rest = line.split(":", 3)
        found.add((path, int(row), int(col), rest.split()[0]))
    return found


def test_the_plugin_is_registered_under_its_prefix(project: Path) -> None:
    result = flake8(project, "--version")
    assert f"xcomlint: {__version__}" in result.stdout


def test_a_finding_shows_at_its_line_and_column(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = flake8(project, "--select", "XCL", "dag.py")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [FINDING]
    assert result.stderr == ""


def test_flake8_and_the_command_line_report_the_same_places(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "templates.py").write_text(TEMPLATES.replace("{noqa}", ""))
    via_flake8 = flake8(project, "--select", "XCL", "--jobs", "2", "dag.py", "templates.py")
    via_cli = xcomlint(project, "dag.py", "templates.py")
    assert via_flake8.returncode == via_cli.returncode == 1
    places = _positions(via_flake8.stdout)
    assert places == _positions(via_cli.stdout)
    assert {code for *_, code in places} == {"XCL101", "XCL103"} and len(places) == 4
    # the column inside the template string, where xcom_pull stands
    row, col = next((r, c) for p, r, c, code in places if code == "XCL103" and p == "templates.py" and r == 16)
    assert TEMPLATES.splitlines()[row - 1][col - 1:].startswith("'warehouse.stag')")


@pytest.mark.parametrize(
    "comment,shown",
    [
        ("  # noqa: XCL103", False),
        ("  # noqa: XCL1", False),
        ("  # noqa", False),
        ("  # noqa: E501", True),  # a noqa for other codes leaves this one alone
        ("  # noqa:XCL104", True),
    ],
)
def test_noqa_on_the_line(project: Path, comment: str, shown: bool) -> None:
    (project / "dag.py").write_text(BUGGY.replace('task_ids="extarct")', 'task_ids="extarct")' + comment))
    result = flake8(project, "--select", "XCL", "dag.py")
    assert (result.stdout.splitlines() == [FINDING]) is shown, result.stdout
    assert result.returncode == (1 if shown else 0)


def test_noqa_at_the_end_of_a_multiline_template(project: Path) -> None:
    (project / "templates.py").write_text(TEMPLATES.replace("{noqa}", "  # noqa: XCL103"))
    result = flake8(project, "--select", "XCL", "templates.py")
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()] == ["XCL101"]


@pytest.mark.parametrize("header,shown", [("# xcomlint: noqa\n", False), ("# xcomlint: noqa: XCL1\n", False),
                                          ("# xcomlint: noqa: XCL2\n", True)])
def test_file_level_noqa(project: Path, header: str, shown: bool) -> None:
    (project / "dag.py").write_text(header + BUGGY)
    result = flake8(project, "--select", "XCL", "dag.py")
    assert bool(result.stdout) is shown
    if shown:
        assert result.stdout.startswith("dag.py:7:34: XCL103 ")


def test_a_syntax_error_is_flake8s_e999_and_other_files_still_report(project: Path) -> None:
    (project / "broken.py").write_text("def broken(:\n    pass\n")
    (project / "dag.py").write_text(BUGGY)
    result = flake8(project, "--select", "XCL", "broken.py", "dag.py")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [FINDING]
    assert result.stderr == ""
    # flake8 reports the syntax error itself; xcomlint adds no XCL001 next to it
    both = flake8(project, "--select", "XCL,E999", "broken.py")
    assert both.returncode == 1
    assert [line.split(": ")[1].split()[0] for line in both.stdout.splitlines()] == ["E999"]
    assert both.stderr == ""


def test_configuration_is_found_like_the_command_line_finds_it(project: Path) -> None:
    (project / "dags").mkdir()
    (project / "dags" / "dag.py").write_text(BUGGY.replace('task_ids="extarct"', "task_ids=name").replace(
        "def load(ti):", "def load(ti, name=None):"))
    assert flake8(project, "--select", "XCL", "dags").stdout == ""  # XCL105 is off by default
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nextend-select = ["XCL105"]\n')
    result = flake8(project, "--select", "XCL", "dags")
    assert "dags/dag.py:6:12: XCL105 " in result.stdout
    (project / "pyproject.toml").write_text(
        '[tool.xcomlint]\nextend-select = ["XCL105"]\n\n[tool.xcomlint.per-file-ignores]\n"dags/*" = ["XCL105"]\n')
    assert flake8(project, "--select", "XCL", "dags").stdout == ""


def test_configuration_is_found_from_the_files_like_the_command_line(project: Path) -> None:
    """Run from the folder above the project: the project's configuration still applies."""
    (project / "proj" / "dags").mkdir(parents=True)
    (project / "proj" / "dags" / "dag.py").write_text(BUGGY)
    (project / "proj" / "pyproject.toml").write_text(
        '[tool.xcomlint]\nignore = ["XCL101"]\n\n[tool.xcomlint.per-file-ignores]\n"dags/*" = ["XCL103"]\n')
    assert flake8(project, "--select", "XCL", "proj/dags").stdout == ""
    assert xcomlint(project, "proj/dags").returncode == 0
    (project / "proj" / "pyproject.toml").unlink()
    assert "proj/dags/dag.py:6:34: XCL103 " in flake8(project, "--select", "XCL", "proj/dags").stdout


def test_explicit_configuration_file(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "lint.toml").write_text('ignore = ["XCL103"]\n')
    assert flake8(project, "--select", "XCL", "--xcomlint-config", "lint.toml", "dag.py").stdout == ""
    # the same option from flake8's own configuration file
    (project / ".flake8").write_text("[flake8]\nxcomlint-config = lint.toml\n")
    assert flake8(project, "--select", "XCL", "dag.py").stdout == ""


def test_an_invalid_configuration_stops_flake8_with_the_reason(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nslect = ["XCL1"]\n')
    result = flake8(project, "--select", "XCL", "dag.py")
    assert result.returncode != 0
    assert "pyproject.toml:2: key 'slect': unknown key" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_standard_input_as_editors_send_it(project: Path) -> None:
    result = flake8(project, "--select", "XCL", "--stdin-display-name", "dags/etl.py", "-", stdin=BUGGY)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [FINDING.replace("dag.py", "dags/etl.py")]


def test_other_plugins_and_flake8_checks_run_alongside(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY + "import os\n")
    codes: List[str] = [line.split(": ")[1].split()[0] for line in flake8(project, "dag.py").stdout.splitlines()]
    assert "XCL103" in codes and "F401" in codes  # XCL is on by default next to pyflakes


def test_a_rule_that_raises_is_named_and_the_other_rules_still_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """In process: a broken rule cannot be planted into a flake8 subprocess."""
    import ast

    from xcomlint.flake8_plugin import XcomlintChecker
    from xcomlint.rules import registry
    from xcomlint.settings import Settings

    # every rule registered first: a copy of a registry not loaded yet would take the whole
    # catalog with it when undone, leaving later tests of this process without rules
    registry.all_rules()
    monkeypatch.setattr(registry, "RULES", dict(registry.RULES))  # the registration below is undone

    @registry.rule("XCL999", "broken-rule", "Always raises.", scope=registry.FILE_SCOPE)
    def broken_rule(model, context):
        raise RuntimeError("boom")

    checker = XcomlintChecker(ast.parse(BUGGY), "dag.py", BUGGY.splitlines(keepends=True))
    checker.settings = Settings(selected=frozenset({"XCL103", "XCL999"}))
    errors = list(checker.run())
    assert [(line, col, text.split()[0]) for line, col, text, _ in errors] == [(LINE, COLUMN - 1, "XCL103")]
    assert "xcomlint: internal error in rule XCL999 on dag.py: RuntimeError: boom" in capsys.readouterr().err


def test_a_helper_the_file_runs_is_followed_and_reported_at_the_file(project: Path) -> None:
    """flake8 lints one file: a bug in a project module it runs stands at the file's
    line that brings it in, naming the module's line, as ``xcomlint check FILE`` does;
    an editor's buffer sent on standard input likewise."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "project", project / "app")
    app = project / "app"
    result = flake8(app, "--select", "XCL", "dags/etl.py")
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    at = "dags/etl.py:17:45: XCL103 "
    assert line.startswith(at) and line.endswith("(in include/tasks.py:2:34)")
    message = line[len(at):]
    assert xcomlint(app, "--no-cache", "dags/etl.py").stdout.strip() == f"{at}pull-unknown-task: {message}"
    buffer = (app / "dags" / "etl.py").read_text(encoding="utf-8")
    piped = flake8(app, "--select", "XCL", "--stdin-display-name", "dags/etl.py", "-", stdin=buffer)
    assert piped.stdout.splitlines() == [line]
    editor = subprocess.run([sys.executable, "-m", "xcomlint", "check", "--no-cache", "--stdin-filename", "dags/etl.py",
                             "-"], cwd=app, input=buffer, capture_output=True, text=True, timeout=300)
    assert editor.stdout.strip() == f"{at}pull-unknown-task: {message}"
