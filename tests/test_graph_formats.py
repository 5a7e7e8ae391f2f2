"""``xcomlint graph``: golden files for JSON, Mermaid and DOT, the CLI options,
escaping, and DOT rendered by the real Graphviz.

Golden files live in ``tests/golden/graph_*``. After a deliberate change of the
output, rewrite them with ``XCOMLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_graph_formats.py``
and review the diff.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
from pathlib import Path
from typing import List

import pytest
from conftest import invoke
from debian_tools import graphviz_dot

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "examples": "examples/dags",
    "warehouse_daily": "tests/graph_cases/warehouse_daily.py",
    "odd_names": "tests/graph_cases/odd_names.py",
    "cross_dag": "tests/graph_cases/cross_dag.py",
}
SUFFIXES = {"json": "json", "mermaid": "mmd", "dot": "dot"}


def graph(*args: str):
    return invoke("graph", *args)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Paths in the output are as given on the command line: run from the repository root."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.mark.parametrize("output_format", sorted(SUFFIXES))
@pytest.mark.parametrize("case", sorted(CASES))
def test_graph_output_matches_golden_file(at_root: Path, case: str, output_format: str) -> None:
    result = graph(CASES[case], "--format", output_format)
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"graph_{case}.{SUFFIXES[output_format]}"
    if os.environ.get("XCOMLINT_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), result.stdout.splitlines(True), str(golden), "output"))
        pytest.fail(f"output differs from {golden.name}:\n{diff}")


def test_json_stays_the_model_without_findings(at_root: Path) -> None:
    data = json.loads(graph("examples/dags", "--format", "json").stdout)
    assert [d["dag_id"] for d in data["dags"]] == ["orders_etl", "orders_taskflow"]
    assert set(data["dags"][0]) == {"dag_id", "path", "line", "tasks", "edges", "xcoms"}


def test_output_option_writes_the_file_and_nothing_to_stdout(at_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "graph.mmd"
    result = graph("examples/dags", "--format", "mermaid", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == graph("examples/dags", "--format", "mermaid").stdout


def test_output_to_an_unwritable_place_is_an_error(at_root: Path, tmp_path: Path) -> None:
    result = graph("examples/dags", "--output", str(tmp_path / "missing" / "graph.json"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_dag_option_picks_one_dag(at_root: Path) -> None:
    text = graph("examples/dags", "--format", "mermaid", "--dag", "orders_taskflow").stdout
    assert "subgraph dag" not in text  # one DAG: no wrapper around it
    assert "extract_orders" in text and "PythonOperator" not in text


def test_unknown_dag_is_an_error_with_a_did_you_mean(at_root: Path) -> None:
    result = graph("examples/dags", "--dag", "orders_elt", "--format", "html")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "xcomlint: error: no DAG 'orders_elt' in the linted files; did you mean 'orders_etl'?\n"


def test_unknown_dag_far_from_every_id_lists_the_dags(at_root: Path) -> None:
    result = graph("examples/dags", "--dag", "billing")
    assert result.exit_code == 2
    assert "no DAG 'billing' in the linted files; 2 DAGs found: 'orders_etl', 'orders_taskflow'" in result.stderr


def test_findings_follow_the_rule_selection(at_root: Path) -> None:
    everything = graph("examples/dags", "--format", "mermaid", "--dag", "orders_etl").stdout
    assert "t_validate[\"validate<br/>PythonOperator<br/>⚠ XCL102\"]" in everything
    only_unknown_task = graph("examples/dags", "--format", "mermaid", "--dag", "orders_etl", "--select", "XCL103").stdout
    assert "⚠ XCL102" not in only_unknown_task and "⚠ XCL103" in only_unknown_task


def test_missing_path_still_draws_the_rest_and_exits_2(at_root: Path) -> None:
    result = graph("examples/dags/orders_etl.py", "no/such/dir", "--format", "dot")
    assert result.exit_code == 2 and "no/such/dir" in result.stderr
    assert result.stdout.startswith("digraph xcom {")


def _mermaid_statements(text: str) -> List[str]:
    return [line.strip() for line in text.splitlines()[1:] if line.strip() and not line.strip().startswith("%%")]


def test_mermaid_ids_are_safe_and_labels_cannot_escape_their_quotes(at_root: Path) -> None:
    text = graph(CASES["odd_names"], "--format", "mermaid").stdout
    node = re.compile(r'^[A-Za-z0-9_]+\["[^"]*"\]$')
    subgraph = re.compile(r'^subgraph [A-Za-z0-9_]+\["[^"]*"\]$')
    link = re.compile(r'^[A-Za-z0-9_]+ (-->|==>\|"[^"|]*"\||-\.->\|"[^"|]*"\|) [A-Za-z0-9_]+$')
    other = re.compile(r"^(end|classDef \w+ .+|class [\w,]+ \w+|linkStyle [\d,]+ .+)$")
    for statement in _mermaid_statements(text):
        assert node.match(statement) or subgraph.match(statement) or link.match(statement) or other.match(statement), statement
    assert '==>|"say #34;hi#34;"|' in text
    assert "#60;b#62;#38;#35;35;#124;#96;1#96;" in text  # <b>&#35;|`1` exactly, never decoded twice


def test_dot_renders_with_graphviz(at_root: Path, tmp_path: Path) -> None:
    dot = graphviz_dot()
    for case, path in CASES.items():
        source = graph(path, "--format", "dot").stdout
        result = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{case}: {result.stderr}"
        assert "Warning" not in result.stderr and "Error" not in result.stderr, f"{case}: {result.stderr}"
        svg = result.stdout
        clusters = re.findall(r"<title>cluster_(\w+)</title>", svg)
        expected = set(re.findall(r"subgraph cluster_(\w+) \{", source))
        assert set(clusters) == expected and expected, case
        if case == "odd_names":
            # the literal key survives Graphviz's entity decoding and markup handling
            assert "&lt;b&gt;&amp;#35;|`1`" in svg
            assert "say &quot;hi&quot;" in svg


def test_readme_shows_the_mermaid_that_the_command_prints(at_root: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert block, "the README's graph section has a Mermaid block"
    assert block.group(1) == graph("examples/dags", "--dag", "orders_etl", "--format", "mermaid").stdout
