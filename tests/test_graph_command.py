"""``xcomlint graph`` as a command over a whole project: files that do not parse,
the result cache, Mermaid's size limit, and which page ``--format html`` writes."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import List

import pytest
import test_cache
from conftest import invoke
from graph_project import BROKEN_FILE, BROKEN_POSITION, WIDE_DAG, generate
from test_text_output import many_files, on_terminal

from xcomlint.cache import DATABASE_NAME
from xcomlint.graphs.mermaid import MERMAID_MAX_TEXT_SIZE, mermaid_text_size

ROOT = Path(__file__).parent.parent
# the fixture of the cache's tests: the paths whose model was parsed, not served by the cache
parsed = test_cache.parsed
__all__ = ["many_files"]  # a fixture of the progress tests, shared
GOOD = (ROOT / "examples" / "dags" / "orders_taskflow.py").read_text(encoding="utf-8")


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two DAG files and one that does not parse, in the current directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "a_taskflow.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "dags" / "b_broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "dags" / "c_etl.py").write_text((ROOT / "examples" / "dags" / "orders_etl.py").read_text(), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("output_format", ["json", "mermaid", "dot", "html"])
def test_a_file_that_does_not_parse_is_named_and_the_others_are_drawn(small: Path, output_format: str) -> None:
    result = invoke("graph", "dags", "--format", output_format, "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "xcomlint: warning: dags/b_broken.py:1:7: cannot parse the file (invalid syntax); its DAGs are not in the graph\n"
    )
    assert "orders_taskflow" in result.stdout and "orders_etl" in result.stdout
    if output_format == "html":  # the page says so too
        assert re.search(r'<div class="notice" role="alert"><strong>1 file does not parse; not drawn:</strong>'
                         r"<ul><li><code>dags/b_broken\.py:1:7</code> invalid syntax</li>", result.stdout)


def test_a_file_that_does_not_parse_in_the_generated_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, count=12)
    monkeypatch.chdir(tmp_path)
    result = invoke("graph", "dags", "--format", "json")
    line, column = BROKEN_POSITION
    assert f"xcomlint: warning: {BROKEN_FILE}:{line}:{column}: cannot parse the file" in result.stderr
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["dags"]) == 15  # 12, the wide one and the two in one file


def test_graph_reads_and_writes_the_cache_like_check(small: Path, parsed: List[str]) -> None:
    cold = invoke("graph", "dags", "--format", "html", "-j1")
    assert sorted(parsed) == ["dags/a_taskflow.py", "dags/b_broken.py", "dags/c_etl.py"]
    parsed.clear()
    warm = invoke("graph", "dags", "--format", "html", "-j1")
    assert parsed == []
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    # an edited file is parsed again, and only that one
    etl = small / "dags" / "c_etl.py"
    etl.write_text(etl.read_text().replace('"validate"', '"validate_orders"'), encoding="utf-8")
    edited = invoke("graph", "dags", "--format", "html", "-j1")
    assert parsed == ["dags/c_etl.py"] and 'data-task-id="validate_orders"' in edited.stdout


def test_graph_and_check_do_not_share_entries(small: Path, parsed: List[str]) -> None:
    """``graph`` needs every position of the model, ``check`` only those it reports: separate entries."""
    invoke("check", "dags", "-j1")
    parsed.clear()
    drawn = invoke("graph", "dags", "--format", "json", "-j1")
    assert sorted(parsed) == ["dags/a_taskflow.py", "dags/b_broken.py", "dags/c_etl.py"]
    parsed.clear()
    assert invoke("graph", "dags", "--format", "json", "-j1", "--no-cache").stdout == drawn.stdout
    assert len(parsed) == 3


def test_graph_no_cache_reads_and_writes_nothing(small: Path, parsed: List[str]) -> None:
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    invoke("graph", "dags", "--no-cache", "-j1")
    assert not (directory / DATABASE_NAME).exists()
    invoke("graph", "dags", "-j1")
    with closing(sqlite3.connect(directory / DATABASE_NAME)) as connection:
        assert connection.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
    parsed.clear()
    invoke("graph", "dags", "--no-cache", "-j1")
    assert len(parsed) == 3


def test_mermaid_over_the_size_limit_warns_and_suggests_dag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path, count=120)
    monkeypatch.chdir(tmp_path)
    result = invoke("graph", "dags", "--format", "mermaid")
    size = mermaid_text_size(result.stdout)
    assert size > MERMAID_MAX_TEXT_SIZE and result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "Mermaid" in line]
    assert warnings == [
        f"xcomlint: warning: the Mermaid graph is {size:,} characters, more than Mermaid's default maxTextSize "
        "(50,000): GitHub and mermaid.js show an error instead of it. Draw one DAG at a time with --dag DAG_ID, "
        "or use --format html."
    ]
    one = invoke("graph", "dags", "--format", "mermaid", "--dag", WIDE_DAG)
    assert one.exit_code == 0 and mermaid_text_size(one.stdout) < MERMAID_MAX_TEXT_SIZE
    assert "Mermaid" not in one.stderr


def test_mermaid_size_counts_like_javascript() -> None:
    assert mermaid_text_size("abc") == 3
    assert mermaid_text_size("\u26a0") == 1  # in the Basic Multilingual Plane: one UTF-16 unit
    assert mermaid_text_size("\U0001f4a5") == 2  # outside it: a surrogate pair, as String.length counts it


def test_one_dag_is_the_single_page_and_several_are_the_project_page(small: Path) -> None:
    one = invoke("graph", "dags", "--format", "html", "--dag", "orders_etl").stdout
    assert '<section id="index"' not in one and "<title>XCom graph: orders_etl</title>" in one
    assert one.count('<svg class="graph"') == 1
    both = invoke("graph", "dags", "--format", "html").stdout
    assert '<section id="index"' in both and "<title>XCom graph: 2 DAGs</title>" in both
    # each graph waits in an inert template until its DAG is opened
    assert both.count('<svg class="graph"') == 2 == len(re.findall(r"<template data-anchor=\"[^\"]+\"", both))
    assert not re.search(r"<svg class=\"graph\"", both.split("<template", 1)[0])


# ------------------------------------------------ what a person at a terminal sees
def test_a_path_that_does_not_exist_is_an_error_and_nothing_is_drawn(small: Path) -> None:
    # the rest of the paths is drawn (and the exit code is 2) when some exist: test_graph_formats
    for output_format in ("json", "mermaid"):
        result = invoke("graph", "--no-cache", "--format", output_format, "nope")
        assert result.exit_code == 2 and result.stdout == ""
        assert "xcomlint: error: nope: " in result.stderr


def test_writing_a_file_says_so(small: Path) -> None:
    result = invoke("graph", "--no-cache", "--format", "dot", "-o", "graph.dot", "dags")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == "xcomlint: wrote graph.dot"
    assert (small / "graph.dot").read_text(encoding="utf-8").startswith("digraph")


def test_html_is_never_printed_on_a_terminal(small: Path) -> None:
    code, terminal, _ = on_terminal(small, ("graph", "--no-cache", "--format", "html", "dags"), "stdout")
    assert code == 2 and terminal == ""
    # to a pipe or a file it is written as asked
    piped = invoke("graph", "--no-cache", "--format", "html", "dags")
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")


def test_html_on_a_terminal_says_how_to_write_it(small: Path) -> None:
    code, _, stderr = on_terminal(small, ("graph", "--no-cache", "--format", "html", "dags"), "stdout")
    assert code == 2 and "give -o FILE (for example -o xcom-graph.html)" in stderr


def test_a_long_run_shows_progress_on_a_terminal(many_files: Path) -> None:
    code, terminal, stdout = on_terminal(many_files, ("graph", "--no-cache", "-j1", "--format", "mermaid", "dags"),
                                         "stderr")
    assert code == 0 and stdout.startswith("flowchart")
    assert "xcomlint: checked 60/60 files" in terminal and terminal.endswith("\r\x1b[2K")
