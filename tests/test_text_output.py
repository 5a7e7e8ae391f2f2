"""Output a person reads: summaries that do not mislead, warnings for paths
with nothing to lint, colour on a terminal only, the source view with a caret,
--output-file for every format, and a progress line on a terminal only.

Terminals are real pseudo-terminals: the command runs as a subprocess whose
stdout or stderr is a pty, so its own isatty() decides."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest
from conftest import invoke_in
from dag_sources import BUGGY, CLEAN, COLUMN, END_COLUMN, LINE, MESSAGE

from xcomlint.docs import document_url

pty = pytest.importorskip("pty", reason="pseudo-terminals exist on POSIX systems only")

ESCAPE = "\x1b["

xcomlint = invoke_in  # the command line, run from a folder


def on_terminal(cwd: Path, args: Tuple[str, ...], stream: str, env: Optional[Dict[str, str]] = None) -> Tuple[int, str, str]:
    """Run ``xcomlint`` with ``stream`` (stdout or stderr) on a pseudo-terminal;
    returns the exit code, what the terminal received and the other stream."""
    master, slave = pty.openpty()
    environment = dict(os.environ)
    for name in ("NO_COLOR", "CI", "FORCE_COLOR"):
        environment.pop(name, None)
    environment.update(env or {})
    command = [sys.executable, "-m", "xcomlint", *args]
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, **streams)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the process is done with the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    other = process.stderr if stream == "stdout" else process.stdout
    rest = other.read() if other is not None else b""
    process.wait(timeout=300)
    return process.returncode, received.decode("utf-8", "replace").replace("\r\n", "\n"), rest.decode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(BUGGY)
    (tmp_path / "dags" / "clean.py").write_text(CLEAN)
    return tmp_path


# ------------------------------------------------------------ summaries (10)
def test_the_summary_counts_the_files_with_findings(project: Path) -> None:
    result = xcomlint(project, "check", "dags")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Found 1 finding in 1 of 2 files."
    (project / "dags" / "clean.py").write_text(BUGGY)
    assert xcomlint(project, "check", "dags").stderr.splitlines()[-1] == "Found 2 findings in 2 files."
    (project / "dags" / "etl.py").write_text(CLEAN)
    (project / "dags" / "clean.py").write_text(CLEAN)
    assert xcomlint(project, "check", "dags").stderr.splitlines()[-1] == "All checks passed (2 files)."


def test_findings_in_the_allowlist_are_counted_apart(project: Path) -> None:
    (project / "dags" / "etl.py").write_text(CLEAN)
    (project / "allow.yaml").write_text(
        "version: 1\ndags:\n  etl:\n    xcoms:\n      - from: extract\n        to: [load]\n  etl_v0: {}\n")
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith("allow.yaml:7:3: XCL303")
    assert result.stderr.splitlines()[-1] == "Found 1 finding in the allow-list."
    (project / "dags" / "etl.py").write_text(BUGGY)
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml")
    assert result.stderr.splitlines()[-1] == "Found 3 findings in 1 of 2 files and in the allow-list."


@pytest.mark.parametrize("layout", ["empty", "no python", "all excluded"])
def test_a_folder_without_python_files_warns(tmp_path: Path, layout: str) -> None:
    (tmp_path / "dags").mkdir()
    if layout == "no python":
        (tmp_path / "dags" / "README.md").write_text("# DAGs\n")
    if layout == "all excluded":
        (tmp_path / "dags" / "etl.py").write_text(BUGGY)
    extra = ("--exclude", "etl.py") if layout == "all excluded" else ()
    result = xcomlint(tmp_path, "check", "dags", *extra)
    assert result.exit_code == 0 and result.stdout == ""
    assert "xcomlint: warning: dags: no Python files found" in result.stderr
    assert result.stderr.splitlines()[-1] == "No Python files were checked."
    assert "All checks passed" not in result.stderr
    assert xcomlint(tmp_path, "check", "dags", "--quiet", *extra).stderr == ""


def test_a_folder_with_python_files_does_not_warn(project: Path) -> None:
    assert "warning" not in xcomlint(project, "check", "dags").stderr


def test_a_missing_path_is_an_error_and_never_all_checks_passed(project: Path) -> None:
    result = xcomlint(project, "check", "dags/clean.py", "nope")
    assert result.exit_code == 2
    assert "xcomlint: error: nope: no such file or directory" in result.stderr
    assert "All checks passed" not in result.stderr
    assert result.stderr.splitlines()[-1] == "No findings in 1 checked file, but 1 path could not be checked."
    only_missing = xcomlint(project, "check", "nope")
    assert only_missing.exit_code == 2
    assert only_missing.stderr.splitlines()[-1] == "No Python files were checked: 1 path could not be checked."


# --------------------------------------------------------------- colour (11)
def test_no_colour_when_piped_or_written_to_a_file(project: Path) -> None:
    result = xcomlint(project, "check", "dags")
    assert ESCAPE not in result.stdout and ESCAPE not in result.stderr


def test_colour_always_and_never(project: Path) -> None:
    coloured = xcomlint(project, "check", "dags", "--color", "always", env={"NO_COLOR": "1"})
    assert coloured.stdout.startswith(f"{ESCAPE}1mdags/etl.py{ESCAPE}0m")
    assert f"{ESCAPE}1;31mXCL103{ESCAPE}0m" in coloured.stdout
    # without the escapes it is the plain line, character for character
    plain = xcomlint(project, "check", "dags", "--color", "never").stdout
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain
    assert plain == f"dags/etl.py:{LINE}:{COLUMN}: XCL103 pull-unknown-task: {MESSAGE}\n"


def test_a_terminal_gets_colour_unless_no_color(project: Path) -> None:
    code, shown, _ = on_terminal(project, ("check", "dags", "--no-cache"), "stdout")
    assert code == 1 and f"{ESCAPE}1;31mXCL103" in shown
    code, shown, _ = on_terminal(project, ("check", "dags", "--no-cache"), "stdout", env={"NO_COLOR": "1"})
    assert code == 1 and ESCAPE not in shown and f"XCL103 pull-unknown-task: {MESSAGE}" in shown
    code, shown, _ = on_terminal(project, ("check", "dags", "--no-cache", "--color", "never"), "stdout")
    assert ESCAPE not in shown
    # machine formats never carry escapes, even on a terminal
    code, shown, _ = on_terminal(project, ("check", "dags", "--no-cache", "--format", "json"), "stdout")
    assert ESCAPE not in shown and json.loads(shown)[0]["code"] == "XCL103"


# ---------------------------------------------------------- source view (11)
@pytest.mark.parametrize("args", [("--show-source",), ("--format", "full"), ("--output-format", "full")])
def test_the_source_view_puts_a_caret_under_the_span(project: Path, args: tuple) -> None:
    result = xcomlint(project, "check", "dags", *args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"dags/etl.py:{LINE}:{COLUMN}: XCL103 pull-unknown-task: {MESSAGE}"
    source = BUGGY.splitlines()[LINE - 1]
    [shown] = [line for line in lines if line.endswith(source)]
    assert shown == f"{LINE} | {source}"
    caret_line = lines[lines.index(shown) + 1]
    prefix = "  | "
    assert caret_line.startswith(prefix)
    underline = caret_line[len(prefix):]
    assert underline == " " * (COLUMN - 1) + "^" * (END_COLUMN - COLUMN) + " XCL103"
    assert source[COLUMN - 1:END_COLUMN - 1] == '"extarct"'
    assert lines[-1] == f"  = docs: {document_url('XCL103')}"
    assert result.stderr.splitlines()[-1] == "Found 1 finding in 1 of 2 files."


def test_the_source_view_of_standard_input(tmp_path: Path) -> None:
    result = xcomlint(tmp_path, "check", "--show-source", "--stdin-filename", "dags/etl.py", "-", input=BUGGY)
    assert result.exit_code == 1
    assert f"{LINE} | {BUGGY.splitlines()[LINE - 1]}" in result.stdout.splitlines()


def test_the_source_view_of_an_allowlist_finding(project: Path) -> None:
    (project / "dags" / "etl.py").write_text(CLEAN)
    (project / "allow.yaml").write_text("version: 1\ndags:\n  etl:\n    xcoms:\n      - from: extract\n        to: [gone]\n")
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", "--show-source")
    assert "6 |         to: [gone]" in result.stdout.splitlines()


# ----------------------------------------------------------- output file (11)
@pytest.mark.parametrize("output_format", ["text", "full", "json", "sarif", "github"])
def test_output_file_holds_what_stdout_would(project: Path, output_format: str) -> None:
    printed = xcomlint(project, "check", "dags", "--format", output_format)
    written = xcomlint(project, "check", "dags", "--format", output_format, "--output-file", "report.out")
    assert written.exit_code == printed.exit_code == 1
    assert written.stdout == ""
    assert (project / "report.out").read_text(encoding="utf-8") == printed.stdout
    assert written.stderr == printed.stderr


def test_output_file_gets_no_colour_and_the_text_statistics(project: Path) -> None:
    assert xcomlint(project, "check", "dags", "-o", "report.txt", "--statistics").exit_code == 1
    text = (project / "report.txt").read_text()
    assert ESCAPE not in text
    assert text.splitlines()[-1] == "     1  XCL103 pull-unknown-task"


def test_an_output_file_that_cannot_be_written_is_an_error(project: Path) -> None:
    result = xcomlint(project, "check", "dags", "--output-file", "no/such/folder/report.txt")
    assert result.exit_code == 2 and "cannot write no/such/folder/report.txt" in result.stderr


# -------------------------------------------------------------- progress (12)
@pytest.fixture
def many_files(tmp_path: Path) -> Path:
    (tmp_path / "dags").mkdir()
    for index in range(60):
        (tmp_path / "dags" / f"dag_{index:02d}.py").write_text(CLEAN.replace('dag_id="etl"', f'dag_id="etl_{index}"'))
    return tmp_path


def test_a_terminal_sees_progress_and_then_it_is_erased(many_files: Path) -> None:
    code, terminal, stdout = on_terminal(many_files, ("check", "dags", "--no-cache", "-j1"), "stderr")
    assert code == 0 and stdout == ""
    assert "xcomlint: checked 60/60 files" in terminal
    # the line is erased before the summary is printed
    before_summary = terminal.rsplit("All checks passed", 1)[0]
    assert before_summary.endswith("\r\x1b[2K")
    assert terminal.rstrip().endswith("All checks passed (60 files).")


@pytest.mark.parametrize("args,env", [
    (("--format", "json"), {}),
    (("--quiet",), {}),
    ((), {"CI": "true"}),
])
def test_no_progress_for_machines_ci_or_quiet(many_files: Path, args: tuple, env: Dict[str, str]) -> None:
    _, terminal, _ = on_terminal(many_files, ("check", "dags", "--no-cache", "-j1", *args), "stderr", env=env)
    assert "checked" not in terminal and "\x1b[2K" not in terminal


def test_no_progress_in_a_pipe(many_files: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name != "CI"}  # a pipe alone keeps it off
    result = subprocess.run([sys.executable, "-m", "xcomlint", "check", "dags", "--no-cache"], cwd=many_files,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0 and result.stderr == "All checks passed (60 files).\n"


def test_no_progress_for_a_few_files(project: Path) -> None:
    _, terminal, _ = on_terminal(project, ("check", "dags", "--no-cache"), "stderr")
    assert "checked" not in terminal
