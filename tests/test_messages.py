"""What findings say: every claim of a message true for the linted Airflow version."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from conftest import invoke_in, lint, settings_for

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


PAYMENTS = """\
from airflow.sdk import DAG, task

with DAG("payments", schedule=None):
    @task
    def charge(ti=None):
        ti.xcom_push(key="receipt", value="r-1")

    @task
    def report(ti=None):
        return ti.xcom_pull(task_ids="charge", key="receipt")

    @task
    def audit(ti=None):
        return ti.xcom_pull(task_ids="charge", key="receipt")

    charge() >> [report(), audit()]
"""


@pytest.mark.parametrize("entry,advice", [
    # an entry lets 'charge' push the key: the reader goes into its 'to'
    ("from: charge\n        key: receipt\n        to: [report]",
     "(only 'report' may read it in DAG 'payments'); add 'audit' to that entry's 'to' if the flow is intended"),
    # the entry's 'from' is a typo: there is no entry to add 'audit' to
    ("from: chrage\n        key: receipt\n        to: [report, audit]",
     "(no task may read it in DAG 'payments'); no entry lets 'charge' push it: the entry for key 'receipt' has "
     "from: 'chrage', a typo of 'charge'?"),
    # no entry for the key at all
    ("from: refund\n        key: receipt\n        to: [report]",
     "(no task may read it in DAG 'payments'); no entry lets 'charge' push it: add one with from: 'charge', "
     "key: 'receipt' and 'audit' in its 'to' if the flow is intended"),
])
def test_key_leak_advice_names_the_entry_to_change(tmp_path: Path, entry: str, advice: str) -> None:
    (tmp_path / "payments.py").write_text(PAYMENTS)
    allowlist = tmp_path / "allow.yaml"
    allowlist.write_text(f"version: 1\ndags:\n  payments:\n    xcoms:\n      - {entry}\n")
    settings = settings_for(["XCL301"], allowlist=str(allowlist))
    messages = [f.message for f in lint_paths([str(tmp_path / "payments.py")], settings).findings]
    assert [m for m in messages if "'audit' reads" in m] == [
        f"'audit' reads key 'receipt' of 'charge', which the allow-list does not permit {advice}"]


def test_a_missing_allow_list_is_named_where_it_was_looked_for(tmp_path: Path) -> None:
    # the configuration's path is relative to its folder, not to where xcomlint runs
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint]\nallowlist = "conf/allow.yaml"\n')
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "payments.py").write_text(PAYMENTS)
    result = invoke_in(tmp_path / "dags", "check", "payments.py")
    assert result.exit_code == 2
    assert f"allow-list file not found (looked for {tmp_path / 'conf' / 'allow.yaml'})" in result.stderr
