"""What the model says about a push's loops and a pull's uses (XCL207, XCL209 read them)."""

from __future__ import annotations

from typing import Optional, Tuple

import pytest
from conftest import lint, model_of

PUSHER = """\
from airflow.sdk import DAG, task

TABLES = ["orders", "customers"]
MANY = list(range(100))


@task
def export(rows, ti=None):
    {body}


with DAG(dag_id="etl", schedule=None):
    export([])
"""


def push_loop(body: str) -> Tuple[Optional[str], bool]:
    """``(loop_over, key_per_item)`` of the one explicit push in ``body``."""
    model = model_of(PUSHER.replace("{body}", body.replace("\n", "\n    ")))
    pushes = [p for dag in model.dags for p in dag.pushes if p.via == "xcom_push"]
    assert len(pushes) == 1, pushes
    return pushes[0].loop_over, pushes[0].key_per_item


@pytest.mark.parametrize(
    "body, expected",
    [
        ('ti.xcom_push(key="a", value=1)', (None, False)),
        ('for row in rows:\n    ti.xcom_push(key=f"row_{row}", value=row)', ("rows", True)),
        ('for row in rows:\n    key = f"row_{row}"\n    ti.xcom_push(key=key, value=row)', ("rows", True)),
        ('for row in rows:\n    ti.xcom_push(key="last", value=row)', ("rows", False)),
        ('for row in rows:\n    ti.xcom_push(key=PREFIX, value=row)', ("rows", False)),
        ('for t in TABLES:\n    ti.xcom_push(key=f"{t}_path", value=t)', (None, False)),
        ('for t in ["a", "b"]:\n    ti.xcom_push(key=f"{t}_path", value=t)', (None, False)),
        ('for i, t in enumerate(TABLES):\n    ti.xcom_push(key=f"{t}_{i}", value=t)', (None, False)),
        ('for k, v in {"a": 1}.items():\n    ti.xcom_push(key=k, value=v)', (None, False)),
        ('for i in range(3):\n    ti.xcom_push(key=f"n{i}", value=i)', (None, False)),
        ('for i in range(1000):\n    ti.xcom_push(key=f"n{i}", value=i)', ("range(1000)", True)),
        ('for i in MANY:\n    ti.xcom_push(key=f"n{i}", value=i)', ("MANY", True)),
        ('for t in TABLES:\n    for row in rows:\n        ti.xcom_push(key=f"{t}_{row}", value=row)', ("rows", True)),
        ('for row in rows:\n    for t in TABLES:\n        ti.xcom_push(key=f"{t}", value=row)', ("rows", False)),
        ('while rows:\n    row = rows.pop()\n    ti.xcom_push(key=f"r{row}", value=row)', ("a while loop", True)),
        ('[ti.xcom_push(key=f"r{r}", value=r) for r in rows]', ("rows", True)),
        ('for row in rows:\n    ti.xcom_push(key=f"r{row}", value=row)\n    break', (None, False)),
        ('for row in rows:\n    pass\nelse:\n    ti.xcom_push(key=f"r{row}", value=1)', (None, False)),
    ],
)
def test_push_loops(body: str, expected: Tuple[Optional[str], bool]) -> None:
    assert push_loop(body) == expected


PULLER = """\
from airflow.sdk import DAG, task
from airflow.providers.standard.operators.python import PythonOperator


def use(ti):
    {body}


with DAG(dag_id="etl", schedule=None):
    PythonOperator(task_id="use", python_callable=use)
"""


def pull_uses(body: str) -> Tuple[str, ...]:
    model = model_of(PULLER.replace("{body}", body.replace("\n", "\n    ")))
    pulls = [p for dag in model.dags for p in dag.pulls]
    assert len(pulls) == 1, pulls
    return pulls[0].uses


@pytest.mark.parametrize(
    "body, expected",
    [
        ('print(ti.xcom_pull(task_ids="t"))', ()),
        ('return ti.xcom_pull(task_ids="t")["path"]', ("key",)),
        ('return ti.xcom_pull(task_ids="t")[0]', ("sequence",)),
        ('return ti.xcom_pull(task_ids="t")[1:]', ("sequence",)),
        ('return ti.xcom_pull(task_ids="t").path', ("attribute",)),
        ('return ti.xcom_pull(task_ids="t").count(1)', ("sequence",)),
        ('return int(ti.xcom_pull(task_ids="t"))', ("scalar",)),
        ('return open(ti.xcom_pull(task_ids="t"))', ("scalar",)),
        ('return len(ti.xcom_pull(task_ids="t"))', ("sequence",)),
        ('x = ti.xcom_pull(task_ids="t")\nreturn x["a"], x.get("b")', ("attribute", "key")),
        ('x = ti.xcom_pull(task_ids="t") or {}\nreturn x["a"]', ("key",)),
        ('x = ti.xcom_pull(task_ids="t")\nfor y in x:\n    print(y["a"])', ("sequence",)),
        ('x = ti.xcom_pull(task_ids="t")\nreturn [y for y in x], x["a"]', ("key", "sequence")),
        ('x = ti.xcom_pull(task_ids="t")\nx = {}\nreturn x["a"]', ()),
        ('x = ti.xcom_pull(task_ids="t")\nreturn obj.x, f(x=1)', ()),
    ],
)
def test_pull_uses(body: str, expected: Tuple[str, ...]) -> None:
    assert pull_uses(body) == expected


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{{ ti.xcom_pull(task_ids='t') }}", ()),
        ("{{ ti.xcom_pull(task_ids='t')['path'] }}", ("key",)),
        ("{{ ti.xcom_pull(task_ids='t').path }}", ("attribute",)),
        ("{{ ti.xcom_pull(task_ids='t')[0] }}", ("sequence",)),
        ("{{ ti.xcom_pull(task_ids='t') | length }}", ("sequence",)),
        ("{% for p in ti.xcom_pull(task_ids='t') %}{{ p }}{% endfor %}", ("sequence",)),
        ("{% set r = ti.xcom_pull(task_ids='t') %}{{ r['path'] }}", ("key",)),
        # with a tag the parser reads the template; without, the tokens do: the same uses
        ("{% if 1 %}{{ ti.xcom_pull(task_ids='t')['path'] }}{% endif %}", ("key",)),
        ("{% if 1 %}{{ ti.xcom_pull(task_ids='t') | length }}{% endif %}", ("sequence",)),
        ("{{ ti.xcom_pull(task_ids='t').count(1) }}", ("sequence",)),
        ("{% set r = ti.xcom_pull(task_ids='t') %}{{ r['path'] }}{{ r | join(',') }}", ("key", "sequence")),
    ],
)
def test_template_pull_uses(template: str, expected: Tuple[str, ...]) -> None:
    from xcomlint.model.templates import find_template_calls

    (call,) = find_template_calls(template)
    assert call.uses == expected


MAPPED = """\
from airflow.sdk import DAG, task
from airflow.providers.standard.operators.python import PythonOperator


@task
def convert(name):
    return {"path": name}


def use(ti):
    {body}


with DAG(dag_id="etl", schedule=None):
    done = convert.expand(name=["a", "b"])
    done >> PythonOperator(task_id="use", python_callable=use)
"""


def xcl209_lines(body: str, airflow_version: int = 3) -> list:
    source = MAPPED.replace("{body}", body.replace("\n", "\n    "))
    return [f.line for f in lint(source, select=["XCL209"], airflow_version=airflow_version)]


def test_xcl209_reads_the_pull_and_its_uses() -> None:
    assert xcl209_lines('return ti.xcom_pull(task_ids="convert")["path"]') == [11]
    assert xcl209_lines('return ti.xcom_pull(task_ids="convert")["path"]', airflow_version=2) == [11]
    assert xcl209_lines('return ti.xcom_pull(task_ids="convert", map_indexes=1)["path"]') == []
    assert xcl209_lines('return ti.xcom_pull("convert")["path"]') == [11]
    assert xcl209_lines('return [r["path"] for r in ti.xcom_pull(task_ids="convert")]') == []
    assert xcl209_lines('return ti.xcom_pull(task_ids=["convert"])[0]') == []
    # a task that is not mapped, pulled the same way: one value indeed
    assert xcl209_lines('return ti.xcom_pull(task_ids="use")["path"]') == []


def test_xcl209_message_says_what_the_version_returns() -> None:
    source = MAPPED.replace("{body}", 'return ti.xcom_pull(task_ids="convert")["path"]')
    (three,) = lint(source, select=["XCL209"])
    (two,) = lint(source, select=["XCL209"], airflow_version=2)
    assert "a list of every mapped value" in three.message and "subscripted by a key" in three.message
    assert "lazy sequence" in two.message


SELF = """\
from airflow.sdk import DAG, task


@task
def export(ti=None):
    {body}


with DAG(dag_id="etl", schedule=None):
    export()
"""


def xcl208(body: str, airflow_version: int = 3) -> list:
    source = SELF.replace("{body}", body.replace("\n", "\n    "))
    return [(f.code, f.line) for f in lint(source, select=["XCL101", "XCL208"], airflow_version=airflow_version)]


def test_xcl208_self_reads() -> None:
    resume = 'n = ti.xcom_pull(task_ids="export", key="n")\nti.xcom_push(key="n", value=n)'
    assert xcl208(resume) == [("XCL208", 6)]
    assert xcl208(resume, airflow_version=2) == [("XCL208", 6)]
    bare = 'n = ti.xcom_pull(key="n")\nti.xcom_push(key="n", value=n)'
    assert xcl208(bare) == [("XCL208", 6)]
    assert xcl208(bare, airflow_version=2) == [("XCL101", 6)]  # any task's newest on Airflow 2
    # reads back what this try pushed just before
    assert xcl208('ti.xcom_push(key="n", value=1)\nprint(ti.xcom_pull(task_ids="export", key="n"))') == []
    # an earlier run's value: a retry of this run does not clear it
    assert xcl208('ti.xcom_pull(task_ids="export", key="n", include_prior_dates=True)\n'
                  'ti.xcom_push(key="n", value=1)') == []
    # the task's own return value, read while it runs
    assert xcl208('x = ti.xcom_pull(task_ids="export")\nreturn 1') == [("XCL208", 6)]
    # a key the task does not push is not state it keeps (XCL104's, when the pushes are known)
    assert xcl208('ti.xcom_pull(task_ids="export", key="other")\nti.xcom_push(key="n", value=1)') == []


def test_xcl208_advice_follows_the_target_version() -> None:
    source = SELF.replace("{body}", 'n = ti.xcom_pull(task_ids="export", key="n")\n    ti.xcom_push(key="n", value=n)')
    (three,) = lint(source, select=["XCL208"])
    (two,) = lint(source, select=["XCL208"], airflow_version=2)
    assert "task_state_store" in three.message and "Airflow 3.3+" in three.message
    assert "task_state_store" not in two.message and "Variable" in two.message


def test_xcl207_and_xcl205_give_one_finding_per_push() -> None:
    source = SELF.replace("{body}", 'for row in fetch():\n        ti.xcom_push(key="last", value=row)\n'
                                    '        ti.xcom_push(key=f"row_{row}", value=row)')
    found = [(f.code, f.line) for f in lint(source, select=["XCL205", "XCL207"])]
    assert found == [("XCL205", 7), ("XCL207", 8)]


def test_a_local_only_ever_assigned_literal_collections_bounds_its_loop() -> None:
    both = 'if rows:\n    result = {"a": 1}\nelse:\n    result = {"b": 2}\nfor k, v in result.items():\n    ti.xcom_push(key=k, value=v)'
    assert push_loop(both) == (None, False)
    changed = 'result = {"a": 1}\nresult.update(rows)\nfor k, v in result.items():\n    ti.xcom_push(key=k, value=v)'
    assert push_loop(changed) == ("result.items()", True)
    computed = 'result = {"a": 1}\nresult = dict(rows)\nfor k in result:\n    ti.xcom_push(key=k, value=1)'
    assert push_loop(computed) == ("result", True)


@pytest.mark.parametrize("iterable", ["params", 'params.items()', 'get_current_context()["params"].items()',
                                      'get_current_context().get("params").items()'])
def test_the_dags_params_are_a_bounded_collection(iterable: str) -> None:
    body = f'for k, v in {iterable}:\n    ti.xcom_push(key=k, value=v)'
    assert push_loop(body) == (None, False)


def test_xcl208_compares_places_in_the_same_file_only() -> None:
    """A push in a helper module and a pull in the DAG file: their lines are not
    comparable, so the pull is not taken for a read-back of this try's push."""
    from xcomlint.model.records import Dag, Pull, Push, Span
    from xcomlint.rules.context import RuleContext
    from xcomlint.rules.xcom_as_retry_state import xcom_as_retry_state
    from xcomlint.settings import Settings

    pull = Pull(consumer="export", task_ids="export", key="n", via="xcom_pull", span=Span(9, 5, 9, 40))
    push = Push(task_id="export", key="n", via="xcom_push", span=Span(3, 5, 3, 40, path="lib/helpers.py"))
    dag = Dag(dag_id="etl", span=Span(1, 1, 1, 1), pushes=(push,), pulls=(pull,))
    found = list(xcom_as_retry_state(dag, RuleContext(Settings())))
    assert [report.span.line for report in found] == [9]
