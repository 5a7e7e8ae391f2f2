"""What the pull rules could not check, and why: source in, unchecked pulls out.

Each case is a small DAG file built with the model; the expected list holds the
line and cause of every pull the rules could not judge (an empty list: every
pull of the file was checked, or reported)."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from types import SimpleNamespace
from typing import List, Optional, Tuple

import pytest
from dag_sources import known_sources

from xcomlint.coverage import CAUSES, coverage, unchecked_pulls
from xcomlint.model import build_file_model
from xcomlint.model.records import CONTEXT_DAG, UNKNOWN, Dag, FileModel, Pull, Span

HEADER = """\
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator
from company.operators import ExportOperator
"""


def dag_file(body: str, use: str) -> str:
    """A DAG of three tasks, 'extract' >> 'load' and an unknown operator
    'export' upstream of 'load', whose callable holds ``use`` (line 7)."""
    return HEADER + textwrap.dedent(
        """\


        def use(ti, name):
            {use}


        with DAG(dag_id="etl", schedule=None):
            extract = PythonOperator(task_id="extract", python_callable=lambda: 1)
            export = ExportOperator(task_id="export", table="orders")
            load = PythonOperator(task_id="load", python_callable=use)
            {body}
        """
    ).replace("{use}", use).replace("{body}", body or "pass")


WIRED = "[extract, export] >> load"


def found(source: str, path: str = "dag.py") -> List[Tuple[Optional[int], str]]:
    model = build_file_model(path, textwrap.dedent(source))
    return [(item.line, item.cause.code) for item in unchecked_pulls([model])]


CASES = [
    # every question answered: the task exists, the key is known, it runs upstream
    ("checked", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract")'), []),
    # reported rather than unchecked: a task that does not exist (XCL103), a
    # pull that names no task (XCL101), a pull of a task that is not upstream (XCL102)
    ("missing task", dag_file(WIRED, 'ti.xcom_pull(task_ids="extarct")'), []),
    ("no task_ids", dag_file(WIRED, 'ti.xcom_pull(key="rows")'), []),
    ("not upstream", dag_file("export >> load", 'ti.xcom_pull(task_ids="extract")'), []),
    # what the pull itself writes
    ("task_ids at runtime", dag_file(WIRED, "ti.xcom_pull(task_ids=name)"), [(7, "dynamic-task-ids")]),
    ("one of the ids at runtime", dag_file(WIRED, 'ti.xcom_pull(task_ids=["extract", name])'),
     [(7, "dynamic-task-ids")]),
    ("key at runtime", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract", key=name)'), [(7, "dynamic-key")]),
    ("unpacked", dag_file(WIRED, "ti.xcom_pull(*name)"), [(7, "unpacked-arguments")]),
    ("cross-DAG", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract", dag_id="other")'), [(7, "cross-dag")]),
    ("another run", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract", run_id=name)'), [(7, "other-run")]),
    # the producer's pushes: return_value is Airflow's own push, another key is judged
    # only when the task's pushes are known
    ("return value of an unknown operator", dag_file(WIRED, 'ti.xcom_pull(task_ids="export")'), []),
    ("key of an unknown operator", dag_file(WIRED, 'ti.xcom_pull(task_ids="export", key="rows")'),
     [(7, "unknown-pushes")]),
    ("key of a known callable", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract", key="rows")'), []),
    ("XComArg key of an unknown operator",
     dag_file('extract >> PythonOperator(task_id="use", python_callable=print, op_args=[export.output["rows"]])',
              "pass"),
     [(14, "unknown-pushes")]),
    ("XComArg return value", dag_file("load >> PythonOperator(task_id='use', python_callable=print, "
                                      "op_args=[export.output])", "pass"), []),
    # the DAG's graph
    ("dependencies not all known",
     dag_file("extract >> (load if FLAG else stash[0])\n    export >> load", 'ti.xcom_pull(task_ids="extract")'),
     [(7, "unknown-edges")]),
    ("a read of earlier runs needs no edge",
     dag_file("extract >> (load if FLAG else stash[0])",
              'ti.xcom_pull(task_ids="extract", include_prior_dates=True)'),
     []),
]


@pytest.mark.parametrize("name,source,expected", CASES, ids=[case[0] for case in CASES])
def test_pulls_of_a_dag(name: str, source: str, expected: list) -> None:
    assert found(source) == expected


LOOP = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from company.config import TABLES


def report(ti):
    ti.xcom_pull(task_ids={producer})


with DAG(dag_id="loads", schedule=None):
    start = PythonOperator(task_id="start", python_callable=lambda: 1)
    done = PythonOperator(task_id="report", python_callable=report)
    for table in TABLES:
        load = PythonOperator(task_id=f"load_{table}", python_callable=lambda: 2)
        start >> load >> done
"""

HIDDEN = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from company.factories import add_cleanup


def use(ti):
    ti.xcom_pull(task_ids={producer})


with DAG(dag_id="hidden", schedule=None) as dag:
    make = PythonOperator(task_id="make_bucket", python_callable=lambda: "bucket")
    make >> PythonOperator(task_id="use", python_callable=use)
    add_cleanup(dag)
"""

HOUSE_DAG = """\
from airflow.providers.standard.operators.python import PythonOperator
from company.dags import CompanyDag


def extract(ti):
    ti.xcom_push(key="path", value="s3://bucket/orders")


def load(ti):
    ti.xcom_pull(task_ids="extract", key="path")
    ti.xcom_pull(task_ids="extarct")
    ti.xcom_pull(task_ids="extract", key="path", include_prior_dates=True)


with CompanyDag(name="orders").airflow_dag as dag:
    first = PythonOperator(task_id="extract", python_callable=extract)
    then = PythonOperator(task_id="load", python_callable=load)
    first >> then
"""

FACTORY = """\
from airflow.providers.standard.operators.python import PythonOperator


def ingest(ti):
    ti.xcom_pull(task_ids="publish")


def ingest_group(dag):
    PythonOperator(task_id="ingest", python_callable=ingest, dag=dag)
"""

UNKNOWN_DAGS = """\
from airflow.providers.standard.operators.python import PythonOperator

first = PythonOperator(task_id="a", python_callable=lambda: None, dag=somewhere)
second = PythonOperator(task_id="b", python_callable=lambda ti: ti.xcom_pull(task_ids="a"), dag=elsewhere)
"""

LOOSE = """\
def helper(ti):
    return ti.xcom_pull(task_ids="extract"), ti.xcom_pull(key="anything")
"""

UNKNOWN_CONSUMER = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG


def use(ti):
    ti.xcom_pull(task_ids="a")


with DAG(dag_id="d", schedule=None):
    a = PythonOperator(task_id="a", python_callable=lambda: 1)
    for name in NAMES:
        a >> PythonOperator(task_id=f"use_{name}", python_callable=use)
"""

SHAPES = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

TABLES = load_tables()


def report(ti):
    for table in TABLES:
        ti.xcom_pull(task_ids=f"{prefix}_{table}")


with DAG(dag_id="shapes", schedule=None):
    done = PythonOperator(task_id="report", python_callable=report)
    PythonOperator(task_id="extract_orders", python_callable=lambda: 1) >> done
"""

MODEL_CASES = [
    # a task of computed id may be the one named; a plain typo of a known id is
    # still reported (XCL103), and a known task is still checked
    ("may be a loop's task", LOOP.replace("{producer}", '"load_orders"'), [(7, "runtime-task-ids")]),
    ("a typo beside a loop's tasks", LOOP.replace("{producer}", '"strat"'), []),
    ("a known task beside a loop's tasks", LOOP.replace("{producer}", '"start"'), []),
    ("may be a hidden task", HIDDEN.replace("{producer}", '"cleanup"'), [(7, "hidden-tasks")]),
    ("a typo beside hidden tasks", HIDDEN.replace("{producer}", '"make_bukcet"'), []),
    # XCL103 reports an id whose known parts fit no task of a DAG whose every task is known
    ("a shape no task has", SHAPES.replace("{prefix}", "extarct"), []),
    ("a shape some task has", SHAPES.replace("{prefix}", "extract"), [(9, "dynamic-task-ids")]),
    # where the pull runs
    ("a house-made DAG object", HOUSE_DAG, [(10, "unresolved-call-dag")]),
    ("a factory no code calls", FACTORY, [(5, "factory-tasks")]),
    ("tasks whose DAG is not known", UNKNOWN_DAGS, [(4, "unknown-dag")]),
    ("a pull no task runs", LOOSE, [(2, "outside-tasks")]),
    ("a task of computed id pulls", UNKNOWN_CONSUMER, [(6, "unknown-consumer")]),
]


@pytest.mark.parametrize("name,source,expected", MODEL_CASES, ids=[case[0] for case in MODEL_CASES])
def test_what_the_model_cannot_see(name: str, source: str, expected: list) -> None:
    assert found(source) == expected


def test_counts_per_cause_dag_and_file() -> None:
    models = [
        build_file_model("dags/a.py", dag_file(WIRED, "ti.xcom_pull(task_ids=name); ti.xcom_pull(task_ids=name)")),
        build_file_model("dags/b.py", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract", key=name)')),
        build_file_model("dags/c.py", LOOSE),
    ]
    report = coverage(models)
    assert (report.pulls, report.total, report.dags, report.outside_dags) == (5, 4, 2, 1)
    assert [(cause.code, count) for cause, count in report.by_cause()] == [
        ("dynamic-task-ids", 2), ("dynamic-key", 1), ("outside-tasks", 1)]
    assert [(path, [(c.code, n) for c, n in causes]) for path, causes in report.by_file()] == [
        ("dags/a.py", [("dynamic-task-ids", 2)]),
        ("dags/b.py", [("dynamic-key", 1)]),
        ("dags/c.py", [("outside-tasks", 1)]),
    ]
    assert report.sarif_properties() == {
        "total": 4, "pulls": 5, "dags": 2, "outsideDags": 1,
        "byCause": {"dynamic-task-ids": 2, "dynamic-key": 1, "outside-tasks": 1},
    }
    data = report.to_dict()
    assert data["unchecked"] == 4 and data["by_cause"][0] == {
        "cause": "dynamic-task-ids", "description": "task_ids computed at runtime", "count": 2}
    assert [f["path"] for f in data["files"]] == ["dags/a.py", "dags/b.py", "dags/c.py"]
    assert report.statistics_lines() == [
        "Pulls not checked (4 of 5), by file and cause:",
        "     2  dags/a.py: task_ids computed at runtime",
        "     1  dags/b.py: key computed at runtime",
        "     1  dags/c.py: pull outside any task the model sees",
    ]


def test_nothing_unchecked_says_nothing() -> None:
    report = coverage([build_file_model("dag.py", dag_file(WIRED, 'ti.xcom_pull(task_ids="extract")'))])
    assert (report.pulls, report.total) == (1, 0)
    assert report.statistics_lines() == [] and report.by_file() == []


def test_an_xcomarg_only_ordering_tasks_is_no_pull() -> None:
    source = """\
    from airflow.sdk import DAG, task
    from company.operators import ExportOperator


    @task
    def use(_ready):
        return 1


    with DAG(dag_id="order", schedule=None):
        use(ExportOperator(task_id="export").output["rows"])
    """
    model = build_file_model("dag.py", textwrap.dedent(source))
    assert [p.discarded for p in model.dags[0].pulls] == [True]
    assert coverage([model]).pulls == 0


def test_the_model_says_what_made_a_dag_it_cannot_name() -> None:
    """``Dag.made_by``: a house-made DAG object is a call, the DAG of a factory no
    code calls a factory; a record that does not say keeps the general cause."""
    house = build_file_model("dag.py", HOUSE_DAG)
    factory = build_file_model("factory.py", FACTORY)
    assert [(d.kind, d.made_by) for d in house.dags] == [(CONTEXT_DAG, "call")]
    assert [(d.kind, d.made_by) for d in factory.dags] == [(CONTEXT_DAG, "factory")]
    untold = replace(house, dags=tuple(replace(d, made_by=None) for d in house.dags))
    assert [u.cause.code for u in unchecked_pulls([untold])] == ["unresolved-dag"]


def _span(line: int, path: Optional[str] = None, entry: Optional[Span] = None) -> SimpleNamespace:
    """A span in another module of the project, as the multi-file model records it."""
    resolved = line > 0
    return SimpleNamespace(line=line, column=5 if resolved else 0, end_line=line, end_column=9,
                           resolved=resolved, path=path, entry=entry)


def _dag_pull(span: object, task_ids: object = "extract", key: object = "rows") -> Pull:
    return Pull(consumer="load", task_ids=task_ids, key=key, via="xcom_pull", span=span)  # type: ignore[arg-type]


def _dag_with(pull: Pull) -> Dag:
    return Dag(dag_id="etl", span=Span(1, 1, 1, 1), tasks=(), pulls=(pull,))


def test_a_pull_in_another_module_counts_where_its_findings_go(tmp_path) -> None:
    """In the module when it is linted, else at the line of the DAG file that brings it in."""
    entry = Span(16, 12, 16, 39)
    module = str(tmp_path / "helpers.py")
    pull = _dag_pull(_span(4, path=module, entry=entry), key=UNKNOWN)
    dag_file_model = FileModel(path="dags/etl.py", dags=(_dag_with(pull),))
    [alone] = unchecked_pulls([dag_file_model])
    assert (alone.path, alone.line, alone.cause.code) == ("dags/etl.py", 16, "dynamic-key")
    module_model = FileModel(path=module, loose_pulls=(_dag_pull(_span(4), task_ids=UNKNOWN, key=UNKNOWN),))
    both = unchecked_pulls([dag_file_model, module_model])
    # the module's own copy of the pull (no task runs it there) is the same call: counted once
    assert [(u.path, u.line, u.cause.code) for u in both] == [(module, 4, "dynamic-key")]


def test_a_module_pull_whose_position_is_not_known_matches_the_call() -> None:
    module = "include/helpers.py"
    run_by_dag = _dag_pull(_span(0, path=module, entry=Span(3, 1, 3, 9)), task_ids="extract", key="rows")
    other_helper = _dag_pull(_span(0), task_ids="transform", key="rows")
    same_call = _dag_pull(_span(0), task_ids=UNKNOWN, key="rows")  # the caller passes the id
    models = [FileModel(path="dags/etl.py", dags=(_dag_with(run_by_dag),)),
              FileModel(path=module, loose_pulls=(same_call, other_helper))]
    report = coverage(models)
    assert [(u.path, u.cause.code) for u in report.unchecked] == [("include/helpers.py", "outside-tasks")]
    assert report.pulls == 2


@pytest.mark.parametrize("name,source", known_sources())
def test_every_known_source_gets_a_cause_per_unchecked_pull(name: str, source: str) -> None:
    report = coverage([build_file_model(name, source)])
    assert sum(count for _, count in report.by_cause()) == report.total <= report.pulls
    assert all(item.cause in CAUSES for item in report.unchecked)


def test_sarif_run_properties_are_valid_sarif() -> None:
    import json
    from pathlib import Path

    import jsonschema

    from xcomlint.reporters import sarif

    report = coverage([build_file_model("dag.py", LOOSE), build_file_model("etl.py", HOUSE_DAG)])
    properties = {"xcomlint": {"uncheckedPulls": report.sarif_properties()}}
    log = sarif.sarif_log([], sarif.rule_catalog(), sarif.xcomlint_tool(), properties=properties)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    assert log["runs"][0]["properties"]["xcomlint"]["uncheckedPulls"]["byCause"] == {
        "outside-tasks": 1, "unresolved-call-dag": 1}
    # without properties, the run has none (the golden file's shape)
    assert "properties" not in sarif.sarif_log([], [], sarif.xcomlint_tool())["runs"][0]
