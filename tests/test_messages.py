"""What findings say: every claim of a message true for the linted Airflow version."""

from __future__ import annotations

import pytest
from conftest import lint

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


def test_a_bare_pull_of_another_dag_is_one_finding_not_also_an_unread_push() -> None:
    # the pull was meant for 'produce': XCL101 says so; the push is not unread
    assert [(f.code, f.line) for f in lint(CROSS_DAG_BARE_PULL)] == [("XCL101", 6)]
    # on Airflow 2 the pull reads any task of 'writer', the push included
    assert [(f.code, f.line) for f in lint(CROSS_DAG_BARE_PULL, airflow_version=2)] == [("XCL101", 6)]
