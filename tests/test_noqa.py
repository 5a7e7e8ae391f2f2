"""XCL002 (unused-noqa) and ``--add-noqa``, end to end: the command line, the
result cache, worker processes and the real flake8 share one noqa implementation."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

import pytest
from conftest import invoke_in
from dag_sources import BUGGY, CLEAN, LINE, MULTILINE_TEMPLATE

EXAMPLES = Path(__file__).parent.parent / "examples" / "dags"

xcomlint = invoke_in  # the command line, run from a folder


def codes(output: str) -> List[str]:
    return [line.split(": ")[1].split()[0] for line in output.splitlines() if ": XCL" in line]


def with_comment(source: str, comment: str) -> str:
    line = source.splitlines()[LINE - 1]
    return source.replace(line, line + comment)


PULL_LINE = BUGGY.splitlines()[LINE - 1]


# ------------------------------------------------------------------- XCL002
def test_off_by_default(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, "  # noqa: XCL103"))
    assert xcomlint(tmp_path, "check", "dag.py").exit_code == 0


def test_a_noqa_that_suppresses_nothing_is_reported_at_the_comment(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, "  # noqa: XCL103"))
    result = xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002", "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    column = len(PULL_LINE) + 3
    assert (finding["code"], finding["line"], finding["column"], finding["end_column"]) == (
        "XCL002", LINE, column, column + len("# noqa: XCL103"))
    assert finding["message"].startswith("unused noqa directive (unused: XCL103)")
    assert finding["severity"] == "warning"


def test_a_used_noqa_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(BUGGY, "  # noqa: XCL103"))
    result = xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002")
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    "comment,message",
    [
        ("  # noqa: XCL103, XCL104", "(unused: XCL104)"),
        ("  # noqa: XCL1, XCL999", "(unknown: XCL999)"),
        ("  # noqa:XCL103,XCL20,XCL98", "(unused: XCL20; unknown: XCL98)"),
    ],
)
def test_partly_used_and_unknown_codes(tmp_path: Path, comment: str, message: str) -> None:
    (tmp_path / "dag.py").write_text(with_comment(BUGGY, comment))
    # XCL204 is off by default: a prefix is judged only when all of its rules ran
    result = xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002,XCL204")
    assert codes(result.stdout) == ["XCL002"]
    assert message in result.stdout


@pytest.mark.parametrize("comment", ["  # noqa", "  # noqa: E501", "  # noqa: E501,W291", "  # xcomlint: noqa-ish"])
def test_bare_noqa_and_other_tools_codes_are_left_alone(tmp_path: Path, comment: str) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, comment))
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002").exit_code == 0


def test_a_code_whose_rule_did_not_run_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, "  # noqa: XCL201"))
    assert xcomlint(tmp_path, "check", "dag.py", "--select", "XCL1,XCL002").exit_code == 0
    assert codes(xcomlint(tmp_path, "check", "dag.py", "--select", "XCL2,XCL002").stdout) == ["XCL002"]
    # nor one ignored for this file
    (tmp_path / ".xcomlint.yaml").write_text("per-file-ignores:\n  'dag.py': [XCL201]\n")
    assert xcomlint(tmp_path, "check", "dag.py", "--select", "XCL2,XCL002").exit_code == 0


def test_the_file_level_exemption_makes_line_codes_unjudged(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text("# xcomlint: noqa: XCL1\n" + with_comment(CLEAN, "  # noqa: XCL103"))
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002").exit_code == 0


def test_xcl002_is_silenced_by_its_own_code(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, "  # noqa: XCL103, XCL002"))
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002").exit_code == 0


def test_a_noqa_where_a_template_ends_counts_as_used(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(MULTILINE_TEMPLATE.replace("{noqa}", "  # noqa: XCL103"))
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002").exit_code == 0
    (tmp_path / "dag.py").write_text(MULTILINE_TEMPLATE.replace("{noqa}", "  # noqa: XCL104"))
    assert codes(xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002").stdout) == ["XCL103", "XCL002"]


UNUSED_PUSH = textwrap.dedent(
    """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator


    def publish(ti):
        ti.xcom_push(key="manifest", value="s3://m.json"){noqa}


    def read(ti):
        {read}


    with DAG(dag_id="etl", schedule=None):
        first = PythonOperator(task_id="publish", python_callable=publish)
        second = PythonOperator(task_id="read", python_callable=read)
        first >> second
    """
)


def test_a_noqa_for_a_whole_run_rule(tmp_path: Path) -> None:
    """XCL204 looks at every file: its noqa is judged by ``check``, never by one
    file on its own (standard input, flake8)."""
    (tmp_path / "dag.py").write_text(UNUSED_PUSH.format(noqa="", read="return 1"))
    assert codes(xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL204").stdout) == ["XCL204"]
    (tmp_path / "dag.py").write_text(UNUSED_PUSH.format(noqa="  # noqa: XCL204", read="return 1"))
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL204").exit_code == 0
    assert codes(xcomlint(tmp_path, "check", "dag.py", "--select", "XCL204").stdout) == []  # silenced here
    assert codes(xcomlint(tmp_path, "check", "dag.py", "--select", "XCL204", "--extend-select", "XCL002,XCL204").stdout) == []
    (tmp_path / "dag.py").write_text(UNUSED_PUSH.format(
        noqa="  # noqa: XCL204", read='return ti.xcom_pull(task_ids="publish", key="manifest")'))
    result = xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL002,XCL204")
    assert codes(result.stdout) == ["XCL002"] and "(unused: XCL204)" in result.stdout
    alone = xcomlint(tmp_path, "check", "--stdin-filename", "dag.py", "--extend-select", "XCL002,XCL204", "-",
                     input=(tmp_path / "dag.py").read_text())
    assert alone.exit_code == 0, alone.stdout


def test_the_same_findings_cold_warm_and_with_workers(tmp_path: Path) -> None:
    for index in range(10):
        source = CLEAN if index % 2 else BUGGY
        (tmp_path / f"dag_{index}.py").write_text(with_comment(source, "  # noqa: XCL103, XCL104"))
    cold = xcomlint(tmp_path, "check", ".", "--extend-select", "XCL002", "-j1")
    warm = xcomlint(tmp_path, "check", ".", "--extend-select", "XCL002", "-j1")
    workers = xcomlint(tmp_path, "check", ".", "--extend-select", "XCL002", "-j2", "--no-cache")
    assert cold.stdout == warm.stdout == workers.stdout
    assert sorted(codes(cold.stdout)) == ["XCL002"] * 10
    assert cold.stdout.count("(unused: XCL103, XCL104)") == 5 and cold.stdout.count("(unused: XCL104)") == 5


def test_flake8_reports_the_same_unused_noqa(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(CLEAN, "  # noqa: XCL103"))
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint]\nextend-select = ["XCL002"]\n')
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "XCL", "dag.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    column = len(PULL_LINE) + 3
    assert flake8.stdout.startswith(f"dag.py:{LINE}:{column}: XCL002 unused noqa directive (unused: XCL103)")
    check = xcomlint(tmp_path, "check", "dag.py")
    assert check.stdout.startswith(f"dag.py:{LINE}:{column}: XCL002 unused-noqa: unused noqa directive")


# --------------------------------------------------------------- --add-noqa
@pytest.fixture
def examples(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "dags")
    return tmp_path


def test_add_noqa_silences_every_finding_and_adds_nothing_twice(examples: Path) -> None:
    before = {p.name: p.read_text() for p in (examples / "dags").glob("*.py")}
    result = xcomlint(examples, "check", "dags", "--add-noqa")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.strip() == "Added 5 noqa directives to 1 file."
    after = (examples / "dags" / "orders_etl.py").read_text()
    assert ast.dump(ast.parse(after)) == ast.dump(ast.parse(before["orders_etl.py"]))  # only comments changed
    assert (examples / "dags" / "orders_taskflow.py").read_text() == before["orders_taskflow.py"]
    assert '"orders_pth")  # typo in the key  # noqa: XCL104' in after
    assert xcomlint(examples, "check", "dags").exit_code == 0
    assert xcomlint(examples, "check", "dags", "--extend-select", "XCL002").exit_code == 0
    again = xcomlint(examples, "check", "dags", "--add-noqa")
    assert again.stderr.strip() == "Added no noqa directives." and (examples / "dags" / "orders_etl.py").read_text() == after


def test_add_noqa_merges_with_an_existing_noqa(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(with_comment(BUGGY, "  # noqa:E501"))
    assert xcomlint(tmp_path, "check", "dag.py", "--add-noqa").exit_code == 0
    assert (tmp_path / "dag.py").read_text().splitlines()[LINE - 1] == PULL_LINE + "  # noqa: E501, XCL103"
    second = BUGGY.replace('key="k"', "").replace("def load(ti):", "def load(ti):\n    ti.xcom_pull(task_ids='x', key=None)  # keep  # noqa: XCL103")
    (tmp_path / "dag.py").write_text(second)
    xcomlint(tmp_path, "check", "dag.py", "--add-noqa")
    assert "ti.xcom_pull(task_ids='x', key=None)  # keep  # noqa: XCL103, XCL108" in (tmp_path / "dag.py").read_text()


def test_add_noqa_puts_the_comment_where_a_multiline_template_ends(tmp_path: Path) -> None:
    source = MULTILINE_TEMPLATE.replace("{noqa}", "")
    (tmp_path / "dag.py").write_text(source)
    result = xcomlint(tmp_path, "check", "dag.py", "--add-noqa")
    assert result.exit_code == 0, result.stdout
    lines = (tmp_path / "dag.py").read_text().splitlines()
    assert lines[8] == '        """,  # noqa: XCL103'
    assert lines[7] == source.splitlines()[7]  # the template itself is untouched
    assert xcomlint(tmp_path, "check", "dag.py").exit_code == 0


def test_add_noqa_keeps_encoding_and_line_endings(tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUGGY
    (tmp_path / "latin.py").write_bytes(latin.replace("\n", "\r\n").encode("latin-1"))
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + BUGGY.encode("utf-8"))
    assert xcomlint(tmp_path, "check", ".", "--add-noqa").exit_code == 0
    data = (tmp_path / "latin.py").read_bytes()
    assert b"caf\xe9\r\n" in data and data.count(b"\r\n") == latin.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"# noqa: XCL103\r\n" in data
    assert (tmp_path / "bom.py").read_bytes().startswith(b"\xef\xbb\xbf")
    assert xcomlint(tmp_path, "check", ".").exit_code == 0


def test_add_noqa_leaves_what_it_cannot_silence_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def broken(:\n")
    (tmp_path / "dag.py").write_text(BUGGY)
    result = xcomlint(tmp_path, "check", ".", "--add-noqa")
    assert result.exit_code == 1
    assert codes(result.stdout) == ["XCL001"]
    assert "Added 1 noqa directive to 1 file." in result.stderr
    assert (tmp_path / "broken.py").read_text() == "def broken(:\n"


def test_add_noqa_refuses_standard_input(tmp_path: Path) -> None:
    result = xcomlint(tmp_path, "check", "--add-noqa", "-", input=BUGGY)
    assert result.exit_code == 2 and "--add-noqa" in result.stderr


# ------------------------------------------------ multi-line calls (black's style)
BLACK_FORMATTED = BUGGY.replace(
    PULL_LINE,
    PULL_LINE.replace('ti.xcom_pull(task_ids="extarct")', 'ti.xcom_pull(\n            task_ids="extarct",\n        )'),
)


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_noqa_on_any_line_of_a_multiline_pull(tmp_path: Path, offset: int) -> None:
    lines = BLACK_FORMATTED.splitlines()
    assert lines[LINE - 1].endswith("ti.xcom_pull(") and lines[LINE + 1].strip() == ")"
    (tmp_path / "dag.py").write_text(BLACK_FORMATTED)
    found = xcomlint(tmp_path, "check", "dag.py", "--format", "json")
    [finding] = json.loads(found.stdout)
    # the finding points at the task_ids value, on the call's second line
    assert (finding["code"], finding["line"], finding["column"]) == ("XCL103", LINE + 1, 22)
    lines[LINE - 1 + offset] += "  # noqa: XCL103"
    (tmp_path / "dag.py").write_text("\n".join(lines) + "\n")
    assert xcomlint(tmp_path, "check", "dag.py").exit_code == 0


def test_noqa_after_a_multiline_pull_does_not_reach_it(tmp_path: Path) -> None:
    lines = BLACK_FORMATTED.splitlines()
    lines[LINE + 2] += "  # noqa: XCL103"
    (tmp_path / "dag.py").write_text("\n".join(lines) + "\n")
    assert codes(xcomlint(tmp_path, "check", "dag.py").stdout) == ["XCL103"]
