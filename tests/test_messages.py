"""What findings say: every claim of a message true for the linted Airflow version."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from conftest import lint, settings_for

from xcomlint.engine import lint_paths

XCOMARG_KEYS = """\
from airflow.sdk import DAG, task

with DAG(dag_id="d", schedule=None):
    @task
    def produce(ti=None):
        ti.xcom_push(key="a", value=1)
        return 5

    @task(multiple_outputs=True)
    def produce_many():
        return {"a": 1}

    @task
    def consume(value):
        print(value)

    consume.override(task_id="plain_missing")(produce()["a2"])
    consume.override(task_id="multi_missing")(produce_many()["b"])
"""


@pytest.mark.parametrize("version", [2, 3])
def test_an_xcomarg_of_a_missing_key_raises_on_both_versions_unless_multiple_outputs(version: int) -> None:
    # PlainXComArg.resolve pulls with default=NOTSET and raises XComNotFound on
    # Airflow 2 and 3 alike; it returns None only for a multiple_outputs producer
    found = {f.line: f.message for f in lint(XCOMARG_KEYS, select=["XCL104"], airflow_version=version)}
    assert sorted(found) == [17, 18]
    assert found[17].endswith("(resolving the XComArg raises XComNotFound and the consuming task fails)")
    assert found[18].endswith("(the XComArg resolves to None, as its producer has multiple_outputs)")
    assert not any("Airflow 3" in message for message in found.values())


CROSS_DAG_BARE_PULL = """\
from airflow.sdk import DAG, task

with DAG("reader", schedule=None):
    @task
    def consume(ti=None):
        return ti.xcom_pull(key="rows", dag_id="writer")

    consume()

with DAG("writer", schedule=None):
    @task
    def produce(ti=None):
        ti.xcom_push(key="rows", value=1)

    produce()
"""


def test_a_bare_pull_of_another_dag_is_one_finding_not_also_an_unread_push(tmp_path: Path) -> None:
    (tmp_path / "dags.py").write_text(CROSS_DAG_BARE_PULL)
    # the pull was meant for 'produce': XCL101 says so; the push is not unread
    assert _run(tmp_path, select=["XCL101", "XCL204"]) == [("XCL101", 6)]
    # on Airflow 2 the pull reads any task of 'writer', the push included
    assert _run(tmp_path, select=["XCL101", "XCL204"], airflow_version=2) == [("XCL101", 6)]


# the shape of the example DAG a new Astro project starts with: a count pushed
# for the UI (and for a DAG of another project to read), a list returned and mapped
DISPLAY_PUSH = """\
from airflow.sdk import dag, task


@dag(schedule="@daily")
def crew_report():
    @task
    def fetch_crew(ti=None) -> list:
        crew = [{"name": "a", "craft": "b"}]
        ti.xcom_push(key="crew_size", value=len(crew))
        return crew

    @task
    def greet(greeting: str, member: dict) -> None:
        print(member["name"], greeting)

    greet.partial(greeting="hello").expand(member=fetch_crew())


crew_report()
"""


def _run(folder: Path, select: Optional[List[str]] = None, airflow_version: int = 3) -> List[Tuple[str, int]]:
    """The findings of a whole run over ``folder`` (XCL204 looks at every file together)."""
    run = lint_paths([str(folder)], settings_for(select, airflow_version))
    assert not run.errors
    return [(f.code, f.line) for f in run.findings]


def test_a_push_kept_for_display_gets_no_finding_by_default(tmp_path: Path) -> None:
    (tmp_path / "crew.py").write_text(DISPLAY_PUSH)
    assert _run(tmp_path) == []
    assert _run(tmp_path, airflow_version=2) == []
    # XCL204 reports it when asked for
    assert _run(tmp_path, select=["XCL204"]) == [("XCL204", 9)]
