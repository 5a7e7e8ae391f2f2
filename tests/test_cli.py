"""End-to-end tests of the command line: exit codes, options, config, noqa, formats."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import invoke
from dag_sources import BUGGY, CLEAN, MULTILINE_TEMPLATE

from xcomlint.docs import document

EXAMPLES = Path(__file__).parent.parent / "examples" / "dags"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, input: str | None = None):
    return invoke(*args, input=input)


def test_findings_exit_1_in_flake8_format(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "dag.py:6:34: XCL103 pull-unknown-task: task 'extarct' does not exist in DAG 'etl'; "
        "did you mean 'extract'? (the pull returns None)"
    )


def test_clean_file_exits_0(project: Path) -> None:
    (project / "dag.py").write_text(CLEAN)
    result = run("check", "dag.py")
    assert result.exit_code == 0 and result.stdout == ""


def test_default_path_is_the_current_directory(project: Path) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "dag.py").write_text(BUGGY)
    result = run("check")
    assert result.exit_code == 1 and result.stdout.startswith("sub/dag.py:6:34: XCL103")


def test_missing_path_is_an_error_and_other_files_still_report(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", "nope.py")
    assert result.exit_code == 2
    assert "XCL103" in result.stdout
    assert "nope.py: no such file or directory" in result.stderr


def test_syntax_error_is_a_finding_and_other_files_still_report(project: Path) -> None:
    (project / "bad.py").write_text("def broken(:\n    pass\n")
    (project / "dag.py").write_text(BUGGY)
    result = run("check", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("bad.py:1:12: XCL001 syntax-error: cannot parse the file")
    assert lines[1].startswith("dag.py:6:34: XCL103")


def test_select_ignore_and_extend_select_take_prefixes(project: Path) -> None:
    source = BUGGY.replace('task_ids="extarct"', "task_ids=name") .replace("def load(ti):", "def load(ti, name=None):")
    (project / "dag.py").write_text(source)
    assert run("check", "dag.py").exit_code == 0  # XCL105 is off by default
    result = run("check", "dag.py", "--extend-select", "XCL105")
    assert result.exit_code == 1 and "XCL105 dynamic-pull" in result.stdout
    assert run("check", "dag.py", "--extend-select", "XCL1", "--ignore", "XCL10").exit_code == 0
    (project / "dag.py").write_text(BUGGY)
    assert run("check", "dag.py", "--select", "XCL101,XCL102").exit_code == 0
    assert run("check", "dag.py", "--select", "XCL1").exit_code == 1


def test_unknown_code_in_select_is_a_usage_error(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", "--select", "XCL999")
    assert result.exit_code == 2 and "XCL999" in result.stderr


def test_exit_zero(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", "--exit-zero")
    assert result.exit_code == 0 and "XCL103" in result.stdout


def test_json_format(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", "--format", "json")
    data = json.loads(result.stdout)
    assert data == [
        {
            "path": "dag.py", "line": 6, "column": 34, "end_line": 6, "end_column": 43,
            "code": "XCL103", "name": "pull-unknown-task",
            "message": "task 'extarct' does not exist in DAG 'etl'; did you mean 'extract'? (the pull returns None)",
            "severity": "error", "dag_id": "etl", "task_id": "load",
            "fix": {
                "message": "Replace 'extarct' with 'extract'", "applicability": "unsafe",
                "edits": [{"line": 6, "column": 34, "end_line": 6, "end_column": 43, "content": '"extract"'}],
            },
        }
    ]


@pytest.mark.parametrize(
    "comment,suppressed",
    [("  # noqa", True), ("  # noqa: XCL103", True), ("  # noqa: XCL1", True), ("  # noqa: XCL104", False)],
)
def test_noqa_on_the_line(project: Path, comment: str, suppressed: bool) -> None:
    source = BUGGY.replace('task_ids="extarct")', 'task_ids="extarct")' + comment)
    (project / "dag.py").write_text(source)
    assert run("check", "dag.py").exit_code == (0 if suppressed else 1)


def test_file_level_noqa(project: Path) -> None:
    (project / "dag.py").write_text("# xcomlint: noqa: XCL1\n" + BUGGY)
    assert run("check", "dag.py").exit_code == 0
    (project / "dag.py").write_text("# xcomlint: noqa: XCL2\n" + BUGGY)
    assert run("check", "dag.py").exit_code == 1
    (project / "dag.py").write_text(BUGGY + "# xcomlint: noqa\n")
    assert run("check", "dag.py").exit_code == 0


def test_noqa_at_the_end_of_a_multiline_template(project: Path) -> None:
    source = MULTILINE_TEMPLATE
    (project / "dag.py").write_text(source.replace("{noqa}", ""))
    result = run("check", "dag.py")
    assert result.stdout.startswith("dag.py:8:")
    column = int(result.stdout.split(":")[2])
    assert source.splitlines()[7][column - 1:].startswith("'nope')")
    (project / "dag.py").write_text(source.replace("{noqa}", "  # noqa: XCL103"))
    assert run("check", "dag.py").exit_code == 0


def test_config_in_pyproject(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.xcomlint]\nignore = ["XCL103"]\n')
    assert run("check", "dag.py").exit_code == 0


def test_config_in_xcomlint_yaml_found_from_a_subdirectory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".xcomlint.yaml").write_text("select: [XCL101]\nexclude: ['skipped/*']\n")
    (project / "sub").mkdir()
    (project / "sub" / "dag.py").write_text(BUGGY)
    monkeypatch.chdir(project / "sub")
    assert run("check", "dag.py").exit_code == 0


def test_unknown_config_key_names_file_line_and_key(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nselect = ["XCL1"]\nslect = ["XCL1"]\n')
    result = run("check", "dag.py")
    assert result.exit_code == 2
    assert "pyproject.toml:3: key 'slect': unknown key" in result.stderr


@pytest.mark.parametrize(
    "text,needle",
    [
        ("airflow-version: 4\n", ".xcomlint.yaml:1: key 'airflow-version': expected Airflow version 2 or 3"),
        ("select: XCL9\n", ".xcomlint.yaml:1: key 'select': 'XCL9' matches no rule"),
        ("ignore: [1]\n", ".xcomlint.yaml:1: key 'ignore': expected a list"),
        ("per-file-ignores:\n  'tests/*': [NOPE]\n", ".xcomlint.yaml:2: key 'per-file-ignores.tests/*': 'NOPE'"),
        ("select: [XCL1\n", ".xcomlint.yaml:2: invalid YAML"),
    ],
)
def test_bad_config_values(project: Path, text: str, needle: str) -> None:
    (project / "dag.py").write_text(BUGGY)
    (project / ".xcomlint.yaml").write_text(text)
    result = run("check", "dag.py")
    assert result.exit_code == 2
    assert needle in result.stderr


def test_explicit_config_and_per_file_ignores(project: Path) -> None:
    (project / "dags").mkdir()
    (project / "dags" / "dag.py").write_text(BUGGY)
    (project / "lint.toml").write_text('[per-file-ignores]\n"dags/*" = ["XCL103"]\n')
    (project / "lint.toml").rename(project / "custom.xcomlint.toml")
    result = run("check", "dags", "--config", "custom.xcomlint.toml")
    assert result.exit_code == 0, result.output


def test_airflow_version_changes_the_message(project: Path) -> None:
    source = BUGGY.replace('task_ids="extarct"', 'key="k"')
    (project / "dag.py").write_text(source)
    af3 = run("check", "dag.py").stdout
    af2 = run("check", "dag.py", "--airflow-version", "2").stdout
    assert "itself on Airflow 3" in af3 and "newest key 'k' pushed by any task" in af2


def test_statistics_and_quiet(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    result = run("check", "dag.py", "--statistics", "--quiet")
    assert "     1  XCL103 pull-unknown-task" in result.stdout
    assert "Found" not in result.stderr


def test_stdin(project: Path) -> None:
    result = run("check", "-", "--stdin-filename", "dags/etl.py", input=BUGGY)
    assert result.exit_code == 1 and result.stdout.startswith("dags/etl.py:6:34: XCL103")


def test_order_is_the_same_with_any_number_of_jobs(project: Path) -> None:
    for index in range(12):
        (project / f"dag_{index:02d}.py").write_text(BUGGY)
    one = run("check", ".", "--jobs", "1").stdout
    two = run("check", ".", "--jobs", "2", "--no-cache").stdout  # cold: the worker pool, not the cache
    assert one == two and len(one.splitlines()) == 12


def test_rules_and_rule(project: Path) -> None:
    listing = run("rules").stdout
    assert "XCL103  pull-unknown-task" in listing and "XCL105  dynamic-pull" in listing
    shown = run("rule", "XCL103")
    assert shown.exit_code == 0 and shown.stdout.strip() == document("XCL103").strip()
    assert run("rule", "XCL999").exit_code == 2


def test_graph_json_is_the_model(project: Path) -> None:
    (project / "dag.py").write_text(BUGGY)
    data = json.loads(run("graph", "dag.py").stdout)
    assert data == {
        "dags": [
            {
                "dag_id": "etl", "path": "dag.py", "line": 9,
                "tasks": [
                    {"task_id": "extract", "line": 10, "operator": "PythonOperator"},
                    {"task_id": "load", "line": 11, "operator": "PythonOperator"},
                ],
                "edges": [{"upstream": "extract", "downstream": "load"}],
                "xcoms": [{"producer": "extarct", "key": "return_value", "consumer": "load", "via": "xcom_pull", "line": 6}],
            }
        ]
    }


def test_help_mentions_every_command() -> None:
    text = run("--help").stdout
    for command in ("check", "graph", "rule", "rules"):
        assert command in text


def test_installed_console_script_runs_the_examples() -> None:
    """The real entry point, as the README's first command runs it."""
    script = shutil.which("xcomlint", path=os.path.dirname(sys.executable)) or shutil.which("xcomlint")
    assert script, "the xcomlint console script is installed with the package"
    result = subprocess.run([script, "check", str(EXAMPLES)], capture_output=True, text=True)
    assert result.returncode == 1
    codes = sorted(line.split(": ")[1].split()[0] for line in result.stdout.splitlines())
    assert codes == ["XCL101", "XCL102", "XCL103", "XCL103", "XCL104"]
    assert "orders_taskflow.py" not in result.stdout


UNUSED = """\
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator


def publish(ti):
    ti.xcom_push(key="run_manifest", value="s3://manifests/1.json")


with DAG(dag_id="etl", schedule=None):
    PythonOperator(task_id="publish", python_callable=publish)
"""


def test_rule_options_reach_the_rule(project: Path) -> None:
    (project / "dag.py").write_text(UNUSED)
    assert "XCL204" in run("check", "dag.py", "--extend-select", "XCL204").stdout
    (project / "pyproject.toml").write_text('[tool.xcomlint.rule-options.XCL204]\nignore-keys = ["run_manifest"]\n')
    assert run("check", "dag.py", "--extend-select", "XCL204").exit_code == 0


@pytest.mark.parametrize(
    "text,needle",
    [
        ('[tool.xcomlint.rule-options.XCL204]\nignore-kees = ["x"]\n', "pyproject.toml:2: key 'rule-options.XCL204.ignore-kees': unknown option for XCL204"),
        ('[tool.xcomlint.rule-options.XCL204]\nignore-keys = "x"\n', "pyproject.toml:2: key 'rule-options.XCL204.ignore-keys': expected list"),
        ('[tool.xcomlint.rule-options.XCL999]\nx = 1\n', "key 'rule-options.XCL999': not a rule code"),
    ],
)
def test_bad_rule_options(project: Path, text: str, needle: str) -> None:
    (project / "dag.py").write_text(UNUSED)
    (project / "pyproject.toml").write_text(text)
    result = run("check", "dag.py")
    assert result.exit_code == 2 and needle in result.stderr, result.stderr


IMPORTS_OF_A_RUN = textwrap.dedent(
    """
    import sys
    from xcomlint.cli import main
    try:
        main(["check", "--no-cache", "-j1", *sys.argv[1:]])
    except SystemExit:
        pass
    names = ("jinja2", "tomllib", "tomli", "xcomlint.reporters.json_format", "xcomlint.reporters.sarif",
             "xcomlint.reporters.github", "xcomlint.reporters.text")
    print(sorted(name for name in names if name in sys.modules), file=sys.stderr)
    """
)


def _imports_of_a_run(directory: Path, *args: str) -> list:
    run = subprocess.run([sys.executable, "-c", IMPORTS_OF_A_RUN, *args], capture_output=True, text=True,
                         cwd=directory, check=True)
    return ast.literal_eval(run.stderr.strip().splitlines()[-1])


def test_a_run_imports_only_the_parsers_and_reporter_it_needs(tmp_path: Path) -> None:
    """Start-up counts for a hook on a few files: Jinja only for a template that
    may pull, TOML only for a file that configures xcomlint, one reporter."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "dag.py").write_text(BUGGY)  # a pull in Python, no template
    assert _imports_of_a_run(tmp_path, "dag.py") == ["xcomlint.reporters.text"]
    assert _imports_of_a_run(tmp_path, "--format", "sarif", "dag.py") == ["xcomlint.reporters.sarif"]
    (tmp_path / "template.py").write_text(
        "from airflow.sdk import DAG\n"
        "from airflow.providers.standard.operators.bash import BashOperator\n"
        "with DAG('d', schedule=None):\n"
        "    BashOperator(task_id='t', bash_command=\"{{ ti.xcom_pull(task_ids='t') }}\")\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.xcomlint]\nairflow-version = 2\n")
    assert _imports_of_a_run(tmp_path, "template.py") in (
        ["jinja2", "tomllib", "xcomlint.reporters.text"], ["jinja2", "tomli", "xcomlint.reporters.text"])
