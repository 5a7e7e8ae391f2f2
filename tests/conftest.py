"""Shared helpers for the test suite."""

from __future__ import annotations

import textwrap
from typing import List, Optional

import pytest

from xcomlint.engine import lint_source
from xcomlint.findings import Finding
from xcomlint.model import FileModel, build_file_model
from xcomlint.rules import all_rules
from xcomlint.settings import Settings, select_codes


def settings_for(select: Optional[List[str]] = None, airflow_version: int = 3, **kwargs) -> Settings:
    codes = select_codes({r.code: r.default for r in all_rules()}, select=select)
    return Settings(selected=codes, airflow_version=airflow_version, **kwargs)


def lint(source: str, select: Optional[List[str]] = None, airflow_version: int = 3, path: str = "dag.py") -> List[Finding]:
    result = lint_source(path, textwrap.dedent(source), settings_for(select, airflow_version))
    assert not result.errors, result.errors
    return sorted(result.findings, key=lambda f: f.sort_key)


def model_of(source: str) -> FileModel:
    return build_file_model("dag.py", textwrap.dedent(source))


@pytest.fixture
def lint_code():
    return lint


@pytest.fixture(autouse=True)
def cache_outside_the_repository(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """``xcomlint check`` caches results in the current directory by default;
    a test (or the console script it starts) must not write into the repository,
    and each test starts cold."""
    monkeypatch.setenv("XCOMLINT_CACHE_DIR", str(tmp_path_factory.mktemp("xcomlint-cache")))


def cli_runner():
    """A click runner that keeps stdout and stderr apart on every click version."""
    from click.testing import CliRunner

    try:  # click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def invoke(*args: str, input: Optional[str] = None):
    """Run the xcomlint command line in-process."""
    from xcomlint.cli import main

    return cli_runner().invoke(main, list(args), input=input, catch_exceptions=False)


def invoke_in(cwd, *args: str, input: Optional[str] = None, env: Optional[dict] = None):
    """Run the xcomlint command line in-process from ``cwd`` (where configuration
    is looked for and paths are shown from), stdout and stderr apart."""
    import os

    from xcomlint.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return cli_runner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
    finally:
        os.chdir(previous)
