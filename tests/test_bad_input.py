"""Bad input everywhere gets a one-line clear error and the right exit code,
a broken rule is contained, and linting never runs the code it reads."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke

import xcomlint
from xcomlint.rules import registry
from xcomlint.rules.registry import DAG_SCOPE, FILE_SCOPE, Report, Rule

BUGGY = (
    "from airflow.sdk import DAG, task\n"
    "with DAG(dag_id='d', schedule=None):\n"
    "    @task\n"
    "    def t(ti=None):\n"
    "        return ti.xcom_pull(task_ids='nope')\n"
    "    t()\n"
)


def run(*args: str):
    return invoke(*args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _one_line_error(stderr: str, needle: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("xcomlint: error")]
    assert len(errors) == 1 and needle in errors[0], stderr
    assert "Traceback" not in stderr


def test_missing_path(project: Path) -> None:
    result = run("check", "missing.py")
    assert result.exit_code == 2
    _one_line_error(result.stderr, "missing.py: no such file or directory")


def test_empty_directory_is_clean_and_says_so(project: Path) -> None:
    (project / "empty").mkdir()
    result = run("check", "empty")
    assert result.exit_code == 0 and result.stdout == ""
    assert "xcomlint: warning: empty: no Python files found" in result.stderr
    assert "No Python files were checked." in result.stderr


def test_broken_symlink_and_symlink_loop(project: Path) -> None:
    (project / "dags").mkdir()
    (project / "dags" / "dag.py").write_text(BUGGY)
    os.symlink(project / "dags", project / "dags" / "loop")  # a directory loop: walked once
    os.symlink(project / "a.py", project / "b.py")
    os.symlink(project / "b.py", project / "a.py")  # a file loop: a broken link
    result = run("check", "dags", "a.py")
    assert result.exit_code == 2
    assert result.stdout.count("XCL103") == 1
    _one_line_error(result.stderr, "a.py: not a regular file or directory")


def test_unreadable_file_other_files_still_report(project: Path) -> None:
    unreadable = Path("/proc/self/mem")  # a regular file that fails to read, even for root
    if not unreadable.is_file():
        pytest.skip("this platform has no /proc/self/mem to stand for an unreadable file")
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", str(unreadable))
    assert result.exit_code == 2
    assert "XCL103" in result.stdout
    assert "cannot read the file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--config", "--allowlist"])
def test_directory_passed_as_a_file_option(project: Path, option: str) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "adir").mkdir()
    result = run("check", "dag.py", option, "adir")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "adir" in result.stderr


def test_a_rule_that_raises_is_named_and_others_still_report(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(model, context):
        raise ValueError("boom")
        yield  # pragma: no cover

    registry.all_rules()
    monkeypatch.setitem(registry.RULES, "XCL999", Rule("XCL999", "explodes", "test", True, "error", FILE_SCOPE, explode))
    (project / "a.py").write_text(BUGGY)
    (project / "b.py").write_text(BUGGY)
    result = run("check", ".")
    assert result.exit_code == 2
    assert result.stdout.count("XCL103") == 2  # every file still reports
    internal = [line for line in result.stderr.splitlines() if "internal error" in line]
    assert len(internal) == 2
    assert all("rule XCL999" in line and "ValueError: boom" in line for line in internal)
    assert {line.split(" on ")[1].split(":")[0] for line in internal} == {"a.py", "b.py"}


def test_a_rule_reporting_a_position_a_check_run_did_not_resolve_is_an_internal_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Task positions are left unresolved by a check run: a rule pointing at
    one must be caught, not printed as line 0."""
    def at_task(dag, context):
        for task in dag.tasks:
            yield Report(task.span, "a task")

    registry.all_rules()
    monkeypatch.setitem(registry.RULES, "XCL999", Rule("XCL999", "task-pointer", "test", True, "error", DAG_SCOPE, at_task))
    (project / "a.py").write_text(BUGGY)
    result = run("check", ".")
    assert result.exit_code == 2 and result.stdout.count("XCL103") == 1
    assert "rule XCL999" in result.stderr and "did not resolve" in result.stderr
    assert ":0:" not in result.stdout


def test_linting_never_runs_the_dag_file(project: Path) -> None:
    marker = project / "ran.txt"
    source = (
        "import pathlib, sys\n"
        f"pathlib.Path({str(marker)!r}).write_text('executed')\n"
        "sys.exit(3)\n" + BUGGY
    )
    (project / "sneaky.py").write_text(source)
    completed = subprocess.run([sys.executable, "-m", "xcomlint", "check", "sneaky.py"], capture_output=True, text=True)
    assert completed.returncode == 1 and "XCL103" in completed.stdout
    assert not marker.exists()


def test_the_package_has_no_eval_exec_or_dynamic_import() -> None:
    """Nothing in xcomlint can run a linted file: no eval/exec/compile, no
    import by name. (``ast.parse`` and ``ast.literal_eval`` only read text.)"""
    forbidden = {"eval", "exec", "__import__", "import_module", "run_path", "run_module", "exec_module"}
    package = Path(xcomlint.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                builtin_compile = isinstance(node.func, ast.Name) and node.func.id == "compile"
                if name in forbidden or builtin_compile:
                    offenders.append(f"{path.name}:{node.lineno} {name}")
    assert offenders == []
