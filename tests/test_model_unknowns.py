"""What the model cannot see stays as narrow as the uncertainty.

Each case is a DAG shape seen in real repositories that used to switch a whole
DAG (or a whole file) off: the findings the shape cannot hide must still be
reported, and those it can hide must not.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest
from conftest import lint, model_of

from xcomlint.model.records import CONTEXT_DAG, REAL_DAG, UNKNOWN, UNKNOWN_DAGS


def found(source: str, select: List[str]) -> List[Tuple[str, int]]:
    return [(f.code, f.line) for f in lint(source, select=select)]


SYSTEM_TEST = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, TaskGroup
from tests_common.test_utils.system_tests import get_test_run
from tests_common.test_utils.watcher import watcher


def use(ti):
    ti.xcom_pull(task_ids="{producer}")


with DAG(dag_id="example_s3", schedule=None) as dag:
    make = PythonOperator(task_id="make_bucket", python_callable=lambda: "bucket")
    with TaskGroup("copy") as copy:
        PythonOperator(task_id="object", python_callable=lambda: "key")
    consumer = PythonOperator(task_id="use", python_callable=use)
    make >> copy >> consumer
    {extra}
    list(dag.tasks) >> watcher()

test_run = get_test_run(dag)
"""


@pytest.mark.parametrize(
    "producer,extra,expected",
    [
        # Airflow's test helpers are known: the watcher is one more sink task
        ("make_bukcet", "", [("XCL103", 8)]),
        ("object", "", [("XCL103", 8)]),  # the bare id of a grouped task
        ("cleanup", "", [("XCL103", 8)]),
        ("watcher", "", [("XCL102", 8)]),  # it exists, and runs after 'use'
        # a factory handed the DAG may add any task at the top of the DAG...
        ("cleanup", "add_cleanup(dag)", []),
        # ...but none inside a TaskGroup it was not given, which is closed
        ("copy.cleanup", "add_cleanup(dag)", [("XCL103", 8)]),
        # and the tasks it adds have ids of their own: a typo of a known id, or
        # the bare id of a grouped task, is still a mistake
        ("make_bukcet", "add_cleanup(dag)", [("XCL103", 8)]),
        ("object", "add_cleanup(dag)", [("XCL103", 8)]),
        ("make_bucket_2", "add_cleanup(dag)", []),  # another number: perhaps its task
        # a bare call may be a factory adding tasks to the DAG it runs in
        ("cleanup", "add_cleanup(copy)", []),
        # a function given one group may add tasks there, and only there
        ("copy.cleanup", "hidden = add_cleanup(copy)", []),
        ("cleanup", "hidden = add_cleanup(copy)", [("XCL103", 8)]),
    ],
)
def test_what_a_call_cannot_see_silences_only_what_it_could_change(producer: str, extra: str, expected) -> None:
    source = SYSTEM_TEST.replace("{producer}", producer).replace("{extra}", extra or "pass")
    source = source.replace("from tests_common", "from company.factories import add_cleanup\nfrom tests_common", 1)
    expected = [(code, line + 1) for code, line in expected]  # the added import line
    assert found(source, ["XCL102", "XCL103"]) == expected


def test_watcher_and_get_test_run_keep_the_dag_complete() -> None:
    dag = model_of(SYSTEM_TEST.replace("{producer}", "make_bucket").replace("{extra}", "pass")).dags[0]
    assert dag.tasks_complete and dag.edges_complete
    assert "watcher" in dag.task_ids
    assert {e.downstream for e in dag.edges if e.upstream == "use"} == {"watcher"}


LOOP = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from company.config import TABLES


def report(ti):
    ti.xcom_pull(task_ids="{producer}")


with DAG(dag_id="loads", schedule=None):
    start = PythonOperator(task_id="start", python_callable=lambda: 1)
    done = PythonOperator(task_id="report", python_callable=report)
    for table in TABLES:
        load = PythonOperator(task_id=f"load_{table}", python_callable=lambda: 2)
        start >> load >> done
"""


@pytest.mark.parametrize(
    "producer,expected",
    [
        ("load_orders", []),  # may be one of the loop's tasks
        ("lod_orders", [("XCL103", 7)]),  # no loop task has that id
        ("strat", [("XCL103", 7)]),
        ("start", []),  # upstream through the loop's tasks
    ],
)
def test_tasks_of_unknown_ids_keep_their_pattern_and_their_edges(producer: str, expected) -> None:
    assert found(LOOP.replace("{producer}", producer), ["XCL102", "XCL103"]) == expected


def test_a_loop_task_has_a_pattern_and_hidden_edges() -> None:
    dag = model_of(LOOP.replace("{producer}", "start")).dags[0]
    assert [u.pattern for u in dag.unknown_ids] == ["load_.*"]
    assert dag.edges_complete and not dag.tasks_complete
    assert {("start", "?1"), ("?1", "report")} <= set(dag.hidden_edges)


OPAQUE_WIRING = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from company.helpers import link_all


def use(ti):
    ti.xcom_pull(task_ids="{producer}")


with DAG(dag_id="wired", schedule=None):
    a = PythonOperator(task_id="a", python_callable=lambda: 1)
    b = PythonOperator(task_id="b", python_callable=lambda: 2)
    c = PythonOperator(task_id="c", python_callable=lambda: 3)
    user = PythonOperator(task_id="user", python_callable=use)
    link_all(a, user)
    b >> c
"""


@pytest.mark.parametrize("producer,expected", [("a", []), ("b", [("XCL102", 7)]), ("c", [("XCL102", 7)])])
def test_a_function_handed_tasks_may_wire_only_those(producer: str, expected) -> None:
    assert found(OPAQUE_WIRING.replace("{producer}", producer), ["XCL102"]) == expected


def test_an_unknown_value_wired_loses_the_edges() -> None:
    source = OPAQUE_WIRING.replace("{producer}", "c").replace("    b >> c\n", "    b >> (c if TEST else stash[0])\n")
    assert model_of(source).dags[0].edges_complete is False
    assert found(source, ["XCL102"]) == []


def test_either_branch_of_a_conditional_is_wired() -> None:
    source = OPAQUE_WIRING.replace("{producer}", "b").replace("    b >> c\n", "    b >> (c if TEST else user)\n")
    assert found(source, ["XCL102"]) == []


HOUSE_DAG = """\
from airflow.providers.standard.operators.python import PythonOperator
from company.dags import CompanyDag


def extract(ti):
    ti.xcom_push(key="path", value="s3://bucket/orders")
    return {"orders", "customers"}


def load(ti):
    ti.xcom_pull(task_ids="extract", key="pth")
    ti.xcom_pull(task_ids="extarct")
    ti.xcom_pull(key="path")


with CompanyDag(name="orders").airflow_dag as dag:
    first = PythonOperator(task_id="extract", python_callable=extract)
    then = PythonOperator(task_id="load", python_callable=load)
    first >> then
"""


def test_tasks_of_a_house_made_dag_are_still_checked() -> None:
    model = model_of(HOUSE_DAG)
    assert [d.kind for d in model.dags] == [CONTEXT_DAG] and model.real_dags == ()
    assert model.dags[0].dag_id is UNKNOWN
    # the graph-free rules and XCL104 report; the DAG object may hold other tasks,
    # but a plain typo of a known id is still a mistake
    assert found(HOUSE_DAG, ["XCL101", "XCL103", "XCL104", "XCL201"]) == [
        ("XCL201", 7), ("XCL104", 11), ("XCL103", 12), ("XCL101", 13)
    ]
    assert found(HOUSE_DAG.replace('"extarct"', '"transform"'), ["XCL103"]) == []


def test_a_dag_made_by_a_factory_function() -> None:
    source = HOUSE_DAG.replace("with CompanyDag(name=\"orders\").airflow_dag as dag:", "dag = make_dag('orders')\nif dag:")
    source = source.replace("from company.dags import CompanyDag", "from company.dags import make_dag")
    source = source.replace("python_callable=extract)", "python_callable=extract, dag=dag)")
    source = source.replace("python_callable=load)", "python_callable=load, dag=dag)")
    assert [d.kind for d in model_of(source).dags] == [CONTEXT_DAG]
    assert [code for code, _ in found(source, ["XCL101", "XCL104", "XCL201"])] == ["XCL201", "XCL104", "XCL101"]


FACTORY_MODULE = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.utils.task_group import TaskGroup


def generate(ti):
    return ti.dag_run.conf


def ingest(ti):
    ti.xcom_pull(task_ids="{producer}")


def collection_group():
    with TaskGroup("collection") as group:
        make = PythonOperator(task_id="generate", python_callable=generate)
        use = PythonOperator(task_id="ingest", python_callable=ingest)
        make >> use
    return group
"""


@pytest.mark.parametrize(
    "producer,expected",
    [
        ("collection.generate", []),
        ("collection.generat", [("XCL103", 10)]),  # the group is closed: no other task is in it
        ("generate", [("XCL103", 10)]),  # the bare id of the grouped task
        ("publish", []),  # a task of the caller's DAG may have that id
    ],
)
def test_a_factory_no_code_of_the_file_calls_is_modelled(producer: str, expected) -> None:
    source = FACTORY_MODULE.replace("{producer}", producer)
    assert [d.kind for d in model_of(source).dags] == [CONTEXT_DAG]
    assert found(source, ["XCL102", "XCL103"]) == expected


def test_library_tasks_and_lambdas_are_checked() -> None:
    source = """\
    import datetime

    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import task


    @task
    def stamp():
        return datetime.datetime.now().date()


    @task(multiple_outputs=True)
    def pair():
        return ["a", "b"]


    checker = PythonOperator(task_id="check", python_callable=lambda ti: ti.xcom_pull(key="x") or {1, 2})
    """
    model = model_of(source)
    assert [d.kind for d in model.dags] == [UNKNOWN_DAGS]
    assert sorted(model.dags[0].task_ids) == ["check", "pair", "stamp"]
    assert found(source, ["XCL101", "XCL201", "XCL206"]) == [("XCL201", 9), ("XCL206", 14), ("XCL101", 17)]


def test_unknown_dags_never_judge_producers() -> None:
    source = """\
    from airflow.providers.standard.operators.python import PythonOperator

    first = PythonOperator(task_id="a", python_callable=lambda: None, dag=somewhere)
    second = PythonOperator(task_id="b", python_callable=lambda ti: ti.xcom_pull(task_ids="a"), dag=elsewhere)
    """
    # the two tasks may be in two DAGs: which 'a' the pull reads is not known
    assert [d.kind for d in model_of(source).dags] == [UNKNOWN_DAGS]
    assert found(source, ["XCL103", "XCL106"]) == []


def test_one_factory_run_is_one_dag() -> None:
    source = """\
    from airflow.providers.standard.operators.python import PythonOperator


    def make(dag):
        PythonOperator(task_id="a", python_callable=lambda: None, dag=dag)
        PythonOperator(task_id="b", python_callable=lambda ti: ti.xcom_pull(task_ids="a"), dag=dag)
    """
    assert found(source, ["XCL106"]) == [("XCL106", 6)]


def test_do_xcom_push_false_on_any_operator() -> None:
    source = """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator
    from company.operators import ExportOperator


    def use(ti):
        ti.xcom_pull(task_ids="export")
        ti.xcom_pull(task_ids="export", key="rows")


    with DAG(dag_id="exports", schedule=None):
        export = ExportOperator(task_id="export", table="orders", do_xcom_push=False)
        export >> PythonOperator(task_id="use", python_callable=use)
    """
    # return_value is never pushed (BaseOperator's contract); other keys may be
    assert found(source, ["XCL104", "XCL106"]) == [("XCL106", 7)]


def test_a_dynamic_do_xcom_push_is_not_known() -> None:
    source = """\
    from airflow.sdk import DAG
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from airflow.providers.standard.operators.python import PythonOperator
    from company import settings


    with DAG(dag_id="pods", schedule=None):
        pod = KubernetesPodOperator(task_id="pod", image="x", do_xcom_push=settings.PUSH)
        pod >> PythonOperator(task_id="use", python_callable=lambda ti: ti.xcom_pull(task_ids="pod"))
    """
    assert found(source, ["XCL106"]) == []


def test_real_dags_are_the_ones_the_file_defines() -> None:
    source = HOUSE_DAG + "\nfrom airflow.sdk import DAG\nwith DAG(dag_id='plain', schedule=None):\n    pass\n"
    model = model_of(source)
    assert [d.kind for d in model.real_dags] == [REAL_DAG]
    assert [d.dag_id for d in model.real_dags] == ["plain"]


def test_other_context_entries_handed_on_keep_pushes_known() -> None:
    source = """\
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG
    from company.helpers import parse_conf, record


    def decide(**context):
        conf = context["dag_run"].conf
        mode = parse_conf(conf, context.get("params"), getattr(context.get("dag_run"), "run_id", None))
        context["ti"].xcom_push(key="mode", value=mode)


    def leaky(**context):
        record(context["ti"])


    def use(ti):
        ti.xcom_pull(task_ids="decide", key="mdoe")
        ti.xcom_pull(task_ids="leaky", key="mdoe")


    with DAG(dag_id="modes", schedule=None):
        first = PythonOperator(task_id="decide", python_callable=decide)
        second = PythonOperator(task_id="leaky", python_callable=leaky)
        first >> second >> PythonOperator(task_id="use", python_callable=use)
    """
    # the task instance handed to code the model cannot see may push anything
    assert found(source, ["XCL104"]) == [("XCL104", 17)]


def test_templates_no_task_of_the_file_renders_are_checked() -> None:
    source = '''\
    """Use {{ ti.xcom_pull(key='anything') }} in a template: a docstring is never rendered."""
    from company.tasks import build_sql_task

    QUERY = "SELECT * FROM orders WHERE day = '{{ ti.xcom_pull(key='run_date') }}'"


    def make(dag):
        sql = f"""
        SELECT '{{{{ task_instance.xcom_pull('context', 'rundate') }}}}' AS day, {dag.dag_id} AS dag
        """
        return build_sql_task(dag, sql=sql)
    '''
    assert found(source, ["XCL101", "XCL107"]) == [("XCL101", 4), ("XCL107", 9)]


def test_a_bash_task_with_multiple_outputs_pushes_keys_not_known() -> None:
    source = """\
    import json

    from airflow.sdk import DAG, task

    with DAG(dag_id="stats", schedule=None):
        @task.bash(multiple_outputs=True, output_processor=json.loads)
        def describe() -> str:
            return "echo '{\\"count\\": 3}'"

        @task.bash
        def show() -> str:
            return "echo $COUNT"

        stats = describe()
        show.override(env={"COUNT": stats["count"]})()
    """
    assert found(source, ["XCL104"]) == []
    # the decorator's own arguments are the operator's: the XComArg there is a pull
    assert [(p.consumer, p.task_ids, p.key) for p in model_of(source).dags[0].pulls] == [("show", "describe", "count")]


def test_methods_of_a_house_made_dag_class_are_run() -> None:
    source = """\
    import datetime

    from airflow.decorators import dag, task


    class Notifier:
        def __init__(self, name):
            self.name = name

        def generate_dag(self):
            @dag(dag_id=f"notify_{self.name}", schedule=None)
            def notify():
                @task
                def stamp():
                    return datetime.datetime.now()

                stamp()

            return notify()

        def helper(self):
            return self.name.upper()
    """
    model = model_of(source)
    assert [(d.kind, d.dag_id, d.task_ids) for d in model.dags] == [(REAL_DAG, UNKNOWN, ("stamp",))]
    assert found(source, ["XCL201"]) == [("XCL201", 15)]


def test_a_value_passed_only_to_order_tasks_is_not_judged() -> None:
    source = """\
    from airflow.sdk import DAG, task


    @task
    def warm_up():
        print("warming up")


    @task
    def fetch(_ready):
        return [1, 2]


    @task
    def use(ready):
        return ready


    with DAG(dag_id="order", schedule=None):
        fetch(warm_up())
        use(warm_up())
    """
    assert found(source, ["XCL106"]) == [("XCL106", 21)]
    assert [p.discarded for p in model_of(source).dags[0].pulls] == [True, False]


def test_a_dag_the_model_cannot_follow_is_located_at_the_call_that_made_it() -> None:
    model = model_of(
        """
        from airflow import DAG
        from airflow.operators.bash import BashOperator

        with DAG("real", schedule=None):
            first = BashOperator(task_id="a", bash_command="x")

        class Registry:
            pass

        registry = Registry()
        second = BashOperator(task_id="b", bash_command="x", dag=registry.dag_for(first))
        """
    )
    unknown = next(dag for dag in model.dags if dag.kind == CONTEXT_DAG)
    assert unknown.span is not None and (unknown.span.line, unknown.span.column) == (12, 58)
    assert [(task.task_id, task.span.line) for task in unknown.tasks] == [("b", 12)]


def test_a_conditional_making_tasks_of_one_id_is_that_task() -> None:
    """``x = A(task_id="copy") if dry_run else B(task_id="copy")``: whichever
    branch runs, the DAG has one task ``copy`` with the edges written for ``x``
    (tests/model_cases/either_branch_task.py has Airflow's word on the graph)."""
    source = """\
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

DRY_RUN = False


def copy_rows(ti):
    return {"rows": ti.xcom_pull(task_ids="{producer}")}


with DAG(dag_id="either", schedule=None):
    extract = PythonOperator(task_id="extract", python_callable=lambda: 10)
    copy = EmptyOperator(task_id="copy") if DRY_RUN else PythonOperator(task_id="copy", python_callable=copy_rows)
    report = BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids='copy') }}")
    extract >> copy >> report
"""
    dag = model_of(source.replace("{producer}", "extract")).dags[0]
    assert dag.task_ids == ("extract", "copy", "report") and dag.edges_complete
    assert [(e.upstream, e.downstream) for e in dag.edges] == [("extract", "copy"), ("copy", "report")]
    assert found(source.replace("{producer}", "extract"), ["XCL1", "XCL2"]) == []
    # the pull in the second branch's callable is checked against the graph
    assert found(source.replace("{producer}", "report"), ["XCL102"]) == [("XCL102", 10)]


CONDITIONAL_TASK = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Variable


def check_queue(ti):
    ti.xcom_push(key="run_id_cleaned", value=ti.run_id.replace(":", "_"))


def cleanup(ti):
    print(ti.xcom_pull(task_ids="check_queue", key="run_id_cleaned"))


def build(dag_id, on_demand):
    with DAG(dag_id=dag_id, schedule=None) as dag:
        if on_demand:
            if Variable.get("mode") == "strict":
                check = PythonOperator(task_id="check_queue", python_callable=check_queue, retries=3)
            else:
                check = PythonOperator(task_id="check_queue", python_callable=check_queue)
            check >> PythonOperator(task_id="cleanup", python_callable=cleanup)
    return dag


daily = build("daily", on_demand=False)
adhoc = build("adhoc", on_demand=True)
"""


def test_a_task_made_under_a_condition_exists_where_it_holds_and_pushes_once() -> None:
    """``if on_demand:`` with the factory's argument known runs its branch for
    the DAG it holds for only; a task of one id made in both branches of an
    ``if`` whose test is not known is one task, whose one push is no duplicate
    (tests/model_cases/factory_conditions.py has Airflow's word on the graphs)."""
    model = model_of(CONDITIONAL_TASK)
    assert {dag.dag_id: dag.task_ids for dag in model.dags} == {"daily": (), "adhoc": ("check_queue", "cleanup")}
    adhoc = model.dags[1]
    assert [(e.upstream, e.downstream) for e in adhoc.edges] == [("check_queue", "cleanup")]
    assert [(p.task_id, p.key) for p in adhoc.pushes] == [("check_queue", "run_id_cleaned")]
    assert found(CONDITIONAL_TASK, ["XCL1", "XCL2"]) == []


@pytest.mark.parametrize("binding", [
    # Airflow's own example: the DAG exists where the import works
    "try:\n    from kubernetes.client import models as k8s\nexcept ImportError:\n    k8s = None\n",
    "if Variable.get('mode') == 'k8s':\n    k8s = True\nelse:\n    k8s = None\n",
])
def test_an_if_on_a_name_bound_on_a_path_that_may_not_run_runs_its_branch(binding: str) -> None:
    source = f"""\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, Variable

{binding}
if k8s:
    with DAG(dag_id="pods", schedule=None):
        PythonOperator(task_id="local", python_callable=lambda: 1)
"""
    assert [dag.task_ids for dag in model_of(source).dags] == [("local",)]
