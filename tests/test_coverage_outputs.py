"""What could not be checked, said out loud by the command line: the run summary,
``--statistics`` as text and as JSON, and SARIF's run properties."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import invoke_in
from dag_sources import BUGGY, CLEAN

from xcomlint.coverage import coverage
from xcomlint.model import build_file_model
from xcomlint.summary import coverage_sentence

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# CLEAN, with a second pull whose task_ids is computed at runtime (line 7)
DYNAMIC = CLEAN.replace(
    '    return ti.xcom_pull(task_ids="extract")\n',
    '    name = ti.xcom_pull(task_ids="extract")\n    return ti.xcom_pull(task_ids=name)\n',
)
# a helper no task of its file runs
HELPER = 'def helper(ti):\n    return ti.xcom_pull(task_ids="extract")\n'

SENTENCE = "1 pull in 1 DAG could not be checked: task_ids computed at runtime (1)."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(DYNAMIC)
    return tmp_path


def test_a_clean_run_says_what_it_could_not_check(project: Path) -> None:
    result = invoke_in(project, "check", "dags")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"All checks passed (1 file). {SENTENCE}"


def test_the_sentence_follows_the_findings(project: Path) -> None:
    (project / "dags" / "other.py").write_text(BUGGY)
    result = invoke_in(project, "check", "dags")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Found 1 finding in 1 of 2 files. {SENTENCE}"


def test_nothing_unchecked_adds_nothing(project: Path) -> None:
    (project / "dags" / "etl.py").write_text(CLEAN)
    assert invoke_in(project, "check", "dags").stderr.splitlines()[-1] == "All checks passed (1 file)."


def test_quiet_and_machine_formats_print_no_summary(project: Path) -> None:
    assert invoke_in(project, "check", "--quiet", "dags").stderr == ""
    result = invoke_in(project, "check", "--format", "json", "dags")
    assert result.stderr == "" and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "files,expected",
    [
        ({"etl.py": DYNAMIC}, SENTENCE),
        ({"etl.py": DYNAMIC, "copy.py": DYNAMIC},
         "2 pulls in 2 DAGs could not be checked: task_ids computed at runtime (2)."),
        ({"helper.py": HELPER},
         "1 pull outside any known DAG could not be checked: pull outside any task the model sees (1)."),
        ({"etl.py": DYNAMIC, "helper.py": HELPER},
         "2 pulls could not be checked (1 in 1 DAG, 1 outside any known DAG): task_ids computed at runtime (1), "
         "pull outside any task the model sees (1)."),
        ({"etl.py": CLEAN}, None),
    ],
)
def test_the_sentence(files: dict, expected: str) -> None:
    models = [build_file_model(name, source) for name, source in files.items()]
    assert coverage_sentence(coverage(models)) == expected


def test_statistics_list_the_causes_per_file_after_the_rules(project: Path) -> None:
    (project / "dags" / "other.py").write_text(BUGGY)
    (project / "dags" / "helper.py").write_text(HELPER)
    result = invoke_in(project, "check", "--statistics", "dags")
    assert result.stdout.splitlines()[1:] == [
        "     1  XCL103 pull-unknown-task",
        "Pulls not checked (2 of 4), by file and cause:",
        "     1  dags/etl.py: task_ids computed at runtime",
        "     1  dags/helper.py: pull outside any task the model sees",
    ]


def test_statistics_in_json_are_data_and_stdout_stays_an_array_of_findings(project: Path) -> None:
    (project / "dags" / "other.py").write_text(BUGGY)
    plain = invoke_in(project, "check", "--format", "json", "dags")
    result = invoke_in(project, "check", "--format", "json", "--statistics", "dags")
    assert result.exit_code == plain.exit_code == 1
    assert result.stdout == plain.stdout and isinstance(json.loads(result.stdout), list)
    statistics = json.loads(result.stderr)
    assert statistics["findings"] == [{"code": "XCL103", "name": "pull-unknown-task", "count": 1}]
    cause = {"cause": "dynamic-task-ids", "description": "task_ids computed at runtime", "count": 1}
    assert statistics["unchecked_pulls"] == {
        "pulls": 3, "unchecked": 1, "dags": 1, "outside_dags": 0, "by_cause": [cause],
        "files": [{"path": "dags/etl.py", "unchecked": 1, "by_cause": [cause]}],
    }


def test_statistics_in_json_when_everything_was_checked(project: Path) -> None:
    (project / "dags" / "etl.py").write_text(CLEAN)
    result = invoke_in(project, "check", "--format", "json", "--statistics", "dags")
    assert json.loads(result.stderr) == {
        "findings": [],
        "unchecked_pulls": {"pulls": 1, "unchecked": 0, "dags": 0, "outside_dags": 0, "by_cause": [], "files": []},
    }


@pytest.mark.parametrize("format_name", ["sarif", "github"])
def test_statistics_of_the_other_machine_formats_go_to_stderr(project: Path, format_name: str) -> None:
    result = invoke_in(project, "check", "--format", format_name, "--statistics", "dags")
    assert "     1  dags/etl.py: task_ids computed at runtime" in result.stderr
    assert "task_ids computed at runtime" not in result.stdout


def _validated_sarif_run(text: str) -> dict:
    log = json.loads(text)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    return log["runs"][0]


def test_sarif_carries_the_counts_in_the_run_properties(project: Path) -> None:
    (project / "dags" / "helper.py").write_text(HELPER)
    result = invoke_in(project, "check", "--format", "sarif", "dags")
    assert result.exit_code == 0
    run = _validated_sarif_run(result.stdout)
    assert run["results"] == []
    assert run["properties"] == {"xcomlint": {"uncheckedPulls": {
        "total": 2, "pulls": 3, "dags": 1, "outsideDags": 1,
        "byCause": {"dynamic-task-ids": 1, "outside-tasks": 1},
    }}}


def test_sarif_says_so_when_every_pull_was_checked(project: Path) -> None:
    (project / "dags" / "etl.py").write_text(CLEAN)
    run = _validated_sarif_run(invoke_in(project, "check", "--format", "sarif", "dags").stdout)
    assert run["properties"]["xcomlint"]["uncheckedPulls"] == {
        "total": 0, "pulls": 1, "dags": 0, "outsideDags": 0, "byCause": {}}


def test_a_warm_run_counts_the_same(project: Path) -> None:
    cold = invoke_in(project, "check", "dags", "--statistics")
    warm = invoke_in(project, "check", "dags", "--statistics")
    assert cold.stdout == warm.stdout and cold.stderr == warm.stderr
    assert SENTENCE in warm.stderr


def test_standard_input_says_it_too(tmp_path: Path) -> None:
    result = invoke_in(tmp_path, "check", "-", "--stdin-filename", "dags/etl.py", input=DYNAMIC)
    assert result.exit_code == 0 and result.stderr.splitlines()[-1] == f"All checks passed (1 file). {SENTENCE}"
