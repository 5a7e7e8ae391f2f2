"""The external tools of the test suite: a test whose program is missing skips
with the reason outside CI and fails inside it, and ``.ci/run`` stops when it
cannot install them. Nothing here installs anything: the tools are hidden by
running with a PATH that lacks them, and ``.ci/run`` meets stand-in commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict

import pytest

TESTS = Path(__file__).parent
CI_SCRIPT = TESTS.parent / ".ci" / "run"

NEEDS_TOOLS = textwrap.dedent(
    """
    from debian_tools import chromium, graphviz_dot


    def test_graphviz():
        graphviz_dot()


    def test_chromium(tmp_path):
        chromium(str(tmp_path))
    """
)


def _run_pytest_without_tools(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_needs_tools.py").write_text(NEEDS_TOOLS)
    empty = tmp_path / "no-tools"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty), PYTHONPATH=str(TESTS), CI=ci)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", "-q", str(tmp_path / "test_needs_tools.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )


def test_a_missing_tool_skips_with_its_reason_outside_ci(tmp_path: Path) -> None:
    result = _run_pytest_without_tools(tmp_path, ci="")
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
    assert "graphviz is not installed (the DOT output is checked by Graphviz itself)" in result.stdout
    assert "chromium is not installed (the HTML graph page is checked in a real headless browser)" in result.stdout
    assert "apt-get install graphviz" in result.stdout


def test_a_missing_tool_fails_in_ci(tmp_path: Path) -> None:
    result = _run_pytest_without_tools(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout
    assert "2 failed" in result.stdout
    assert "(CI is set: the tests that need it must run)" in result.stdout


def _stand_ins(tmp_path: Path, commands: Dict[str, str]) -> Path:
    """A copy of .ci/run in a throw-away project, and a PATH of stand-in commands
    (no Chromium, no Graphviz, no sudo) for it to meet."""
    project = tmp_path / "project"
    (project / ".ci").mkdir(parents=True)
    shutil.copy2(CI_SCRIPT, project / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    dirname = shutil.which("dirname")
    assert dirname, "coreutils' dirname"
    os.symlink(dirname, bin_dir / "dirname")
    for name, body in commands.items():
        (bin_dir / name).write_text("#!/bin/sh\n" + body + "\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


# what .ci/run could install with: in these tests each is a stand-in or absent
_PACKAGE_COMMANDS = ("apt-get", "sudo", "env")


def _ci_run(tmp_path: Path, commands: Dict[str, str]) -> subprocess.CompletedProcess:
    bin_dir = _stand_ins(tmp_path, commands)
    for name in _PACKAGE_COMMANDS:
        # the script runs with this PATH alone: the machine's package manager is out of its reach
        found = shutil.which(name, path=str(bin_dir))
        assert found is None or Path(found).parent == bin_dir and name in commands, found
    bash = shutil.which("bash")
    assert bash
    return subprocess.run([bash, str(tmp_path / "project" / ".ci" / "run")], env={"PATH": str(bin_dir)},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "commands,message",
    [
        ({"id": "echo 1000"}, "ci: cannot install chromium graphviz: not root and no password-less sudo"),
        ({"id": "echo 0"}, "ci: cannot install chromium graphviz: apt-get is not available"),
        ({"id": "echo 0", "apt-get": "exit 100"}, "ci: apt-get could not install chromium graphviz"),
        ({"id": "echo 0", "apt-get": "exit 0", "env": 'shift; exec "$@"'},
         "ci: chromium graphviz still missing after apt-get install"),
    ],
    ids=["no rights", "no apt-get", "apt-get fails", "nothing installed"],
)
def test_ci_run_fails_when_it_cannot_install_the_tools(tmp_path: Path, commands: Dict[str, str], message: str) -> None:
    result = _ci_run(tmp_path, commands)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "project" / ".venv").exists()  # it stopped before the tests
