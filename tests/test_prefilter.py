"""The text pre-check that skips libcst: it must never change a finding or a model."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator, Tuple

import pytest
from conftest import settings_for

from xcomlint.docs import all_documents, code_blocks
from xcomlint.engine import lint_source
from xcomlint.model import build_file_model
from xcomlint.prefilter import is_valid_python, may_hold_xcom_code

ROOT = Path(__file__).parent.parent


def _sources() -> Iterator[Tuple[str, str]]:
    """Every DAG source the test suite knows: model cases, examples, rule documents."""
    for path in sorted((ROOT / "tests" / "model_cases").glob("*.py")):
        yield path.name, path.read_text()
    for path in sorted((ROOT / "examples").rglob("*.py")):
        yield path.name, path.read_text()
    for code, path in sorted(all_documents().items()):
        for index, (info, body) in enumerate(code_blocks(path.read_text(encoding="utf-8"))):
            if info.split()[:1] == ["python"]:
                yield f"{code}#{index}", body


SOURCES = list(_sources())


def test_the_premise_holds_for_every_known_source() -> None:
    """The skip is safe only if no text without the trigger words yields a model
    record. Every source the model is tested on must therefore pass the check;
    a future model feature that recognises DAGs without those words fails here."""
    assert len(SOURCES) > 20
    modelled = 0
    for name, source in SOURCES:
        model = build_file_model("dag.py", source)
        if model.dags or model.loose_pulls:
            modelled += 1
            assert may_hold_xcom_code(source), name
    assert modelled > 10


@pytest.mark.parametrize("source", [
    "import os\nprint(os.getcwd())\n",
    "x = 1  # noqa: E501\ny = 2  # NOQA\n",
    "class Loader:\n    def run(self, ti):\n        return ti.pull('a')\n",
    "",
])
def test_a_skipped_file_gets_the_model_libcst_would_give(source: str) -> None:
    assert not may_hold_xcom_code(source) and is_valid_python(source)
    result = lint_source("util.py", source, settings_for())
    assert result.model == build_file_model("util.py", source)
    assert result.findings == [] and result.errors == []


@pytest.mark.parametrize("word", ["airflow", "Airflow", "DAG", "dag", "my_dag", "XCom", "xcom_pull", "XCOM"])
def test_any_trigger_word_in_any_case_keeps_the_file(word: str) -> None:
    assert may_hold_xcom_code(f"x = 1\n# {word}\n")


def test_a_syntax_error_is_still_reported_where_libcst_reports_it() -> None:
    """CPython rejects it, so the file is not skipped: XCL001 is libcst's as before."""
    source = "def f(:\n    pass\n"
    assert not may_hold_xcom_code(source) and not is_valid_python(source)
    result = lint_source("broken.py", source, settings_for())
    assert [(f.code, f.line, f.column) for f in result.findings] == [("XCL001", 1, 7)]
    assert result.model == build_file_model("broken.py", source)


def test_the_same_error_in_a_dag_file_and_in_a_plain_file() -> None:
    plain = "def f(:\n    pass\n"
    dag = "from airflow import DAG\n" + plain
    (found_plain,) = lint_source("a.py", plain, settings_for()).findings
    (found_dag,) = lint_source("b.py", dag, settings_for()).findings
    assert found_plain.message == found_dag.message
    assert (found_plain.line + 1, found_plain.column) == (found_dag.line, found_dag.column)


def test_a_file_without_airflow_is_linted_without_importing_libcst(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("def helper(x):\n    return x + 1\n")
    code = textwrap.dedent(
        """
        import sys
        from xcomlint.cli import main
        try:
            main(["check", "--no-cache", "-j1", sys.argv[1]])
        except SystemExit as stop:
            assert stop.code == 0, stop.code
        print(sorted(m for m in sys.modules if m == "libcst" or m.startswith("libcst.")))
        """
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
