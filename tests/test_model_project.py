"""The model follows imports of the project's own modules (SPEC section 7;
xcomlint.model.project_values and .instances).

Each test writes a small project under ``tmp_path`` and builds the model of one
DAG file of it with ``project=Project(root, roots)``; where it matters, the same
file's model without the project is the baseline the project must improve on
(or, for what cannot be followed, leave alone).
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from xcomlint.cache import content_digest
from xcomlint.engine import lint_source
from xcomlint.model import build_file_model
from xcomlint.model.project_values import MAX_MODULES
from xcomlint.model.records import RETURN_KEY, UNKNOWN, Dag, FileModel, Pull, Push, Task
from xcomlint.project import Project
from xcomlint.project.resolution import ABSENT
from xcomlint.settings import Settings

HEADER = """\
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
"""


def write(root: Path, files: Dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")


def project_of(root: Path) -> Project:
    return Project(str(root), [str(root), str(root / "src"), str(root / "plugins")])


def build(root: Path, files: Dict[str, str], dag_file: str, project: bool = True) -> FileModel:
    write(root, files)
    path = str(root / dag_file)
    source = (root / dag_file).read_text(encoding="utf-8")
    return build_file_model(path, source, project=project_of(root) if project else None)


def line_of(root: Path, relative: str, marker: str) -> int:
    """The 1-based line of ``relative`` holding ``marker`` (exactly one)."""
    lines = [number for number, text in enumerate((root / relative).read_text(encoding="utf-8").splitlines(), 1)
             if marker in text]
    assert len(lines) == 1, (marker, lines)
    return lines[0]


def only_dag(model: FileModel, dag_id: str) -> Dag:
    found = [dag for dag in model.dags if dag.dag_id == dag_id]
    assert len(found) == 1, [dag.dag_id for dag in model.dags]
    return found[0]


def task(dag: Dag, task_id: str) -> Task:
    found = [t for t in dag.tasks if t.task_id == task_id]
    assert len(found) == 1, [t.task_id for t in dag.tasks]
    return found[0]


def pulls_of(dag: Dag, consumer: str) -> List[Pull]:
    return [p for p in dag.pulls if p.consumer == consumer]


def pushes_of(dag: Dag, task_id: str) -> Dict[object, Push]:
    return {p.key: p for p in dag.pushes if p.task_id == task_id}


def edges(dag: Dag) -> set:
    return {(e.upstream, e.downstream) for e in dag.edges}


# ----------------------------------------------------------------- constants

CONSTANTS = {
    "include/__init__.py": "from .consts import EXTRACT as REEXPORTED\n",
    "include/consts.py": """\
        from enum import Enum

        EXTRACT = "extract"
        KEY = "rows"
        PREFIX = "ex"
        JOINED = PREFIX + "tract"
        FORMATTED = f"{PREFIX}tract"

        try:
            GUARDED = "extract"
        except ImportError:
            GUARDED = "extract"

        if True:
            BRANCHED = "extract"

        for _ in range(1):
            LOOPED = "extract"

        COUNTED = "extract"
        COUNTED += "_v2"


        class Ids:
            EXTRACT = "extract"


        class Step(str, Enum):
            EXTRACT = "extract"
        """,
}

# (id, imports, task_ids expression, key expression, expected task_ids, expected key)
CONSTANT_CASES = [
    ("from-import names", "from include.consts import EXTRACT, KEY", "EXTRACT", "KEY", "extract", "rows"),
    ("aliased names", "from include.consts import EXTRACT as E, KEY as K", "E", "K", "extract", "rows"),
    ("module from a package", "from include import consts", "consts.EXTRACT", "consts.KEY", "extract", "rows"),
    ("aliased module", "import include.consts as c", "c.EXTRACT", "c.KEY", "extract", "rows"),
    ("dotted module", "import include.consts", "include.consts.EXTRACT", "include.consts.KEY", "extract", "rows"),
    ("class attribute", "from include.consts import Ids", "Ids.EXTRACT", "'rows'", "extract", "rows"),
    ("enum member value", "from include.consts import Step", "Step.EXTRACT.value", "'rows'", "extract", "rows"),
    ("computed from other constants", "from include.consts import JOINED, FORMATTED", "JOINED", "FORMATTED",
     "extract", "extract"),
    ("bound in try and if", "from include.consts import GUARDED, BRANCHED", "GUARDED", "BRANCHED",
     "extract", "extract"),
    ("re-exported by the package", "from include import REEXPORTED", "REEXPORTED", "'rows'", "extract", "rows"),
    # what is not evaluated stays unknown: a loop's binding, an augmented one, a missing name
    ("bound in a loop", "from include.consts import LOOPED", "LOOPED", "'rows'", UNKNOWN, "rows"),
    ("augmented", "from include.consts import COUNTED", "COUNTED", "'rows'", UNKNOWN, "rows"),
    ("missing name", "from include.consts import MISSING, KEY", "MISSING", "KEY", UNKNOWN, "rows"),
    ("missing module", "from include.nothing import EXTRACT", "EXTRACT", "'rows'", UNKNOWN, "rows"),
]


@pytest.mark.parametrize("imports, task_ids, key, expected_task_ids, expected_key",
                         [case[1:] for case in CONSTANT_CASES], ids=[case[0] for case in CONSTANT_CASES])
def test_a_task_id_and_key_from_a_constants_module(tmp_path: Path, imports: str, task_ids: str, key: str,
                                                   expected_task_ids: object, expected_key: object) -> None:
    dag_file = HEADER + imports + f"""

def load(ti):
    ti.xcom_pull(task_ids={task_ids}, key={key})


with DAG(dag_id="consts", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="load", python_callable=load)
"""
    files = {**CONSTANTS, "dags/consts_dag.py": dag_file}
    pull, = pulls_of(only_dag(build(tmp_path, files, "dags/consts_dag.py"), "consts"), "load")
    assert (pull.task_ids, pull.key) == (expected_task_ids, expected_key)
    # without the project, a name imported from it is unknown
    baseline, = pulls_of(only_dag(build(tmp_path, files, "dags/consts_dag.py", project=False), "consts"), "load")
    if "'" not in task_ids:
        assert baseline.task_ids is UNKNOWN


def test_a_typo_in_a_constants_module_is_a_pull_of_a_task_that_does_not_exist(tmp_path: Path) -> None:
    files = {
        "include/consts.py": 'EXTRACT = "extract"\nEXTRACT_TYPO = "extarct"\n',
        "dags/etl.py": HEADER + """\
from include.consts import EXTRACT, EXTRACT_TYPO


def load(ti):
    ti.xcom_pull(task_ids=EXTRACT_TYPO)


with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id=EXTRACT, python_callable=print) >> PythonOperator(task_id="load", python_callable=load)
""",
    }
    model = build(tmp_path, files, "dags/etl.py")
    dag = only_dag(model, "etl")
    assert sorted(t.task_id for t in dag.tasks) == ["extract", "load"] and dag.tasks_complete
    assert [p.task_ids for p in pulls_of(dag, "load")] == ["extarct"]
    # and the rule reports it at the DAG file's own pull
    path = str(tmp_path / "dags/etl.py")
    result = lint_source(path, (tmp_path / "dags/etl.py").read_text(), Settings(selected=frozenset({"XCL103"})),
                         project=project_of(tmp_path))
    assert [(f.code, f.line, f.path) for f in result.findings] == [
        ("XCL103", line_of(tmp_path, "dags/etl.py", "task_ids=EXTRACT_TYPO"), path)]


# ------------------------------------------------------------------- callables

CALLABLES = {
    "include/tasks.py": """\
        from include.helpers import read_path


        def extract(ti):
            ti.xcom_push(key="path", value="s3://bucket/orders.json")
            return "s3://bucket/orders.json"


        def load(ti):
            return ti.xcom_pull(task_ids="extarct", key="path")


        def load_through_helper(ti):
            return read_path(ti)


        def load_through_local(ti):
            return load(ti)
        """,
    "include/helpers.py": """\
        def read_path(ti):
            return ti.xcom_pull(task_ids="extract", key="pth")
        """,
    "dags/etl.py": HEADER + """\
from include.tasks import extract, load, load_through_helper, load_through_local


def own_callable(ti):
    return load(ti)


with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    a = PythonOperator(task_id="extract", python_callable=extract)
    b = PythonOperator(task_id="load", python_callable=load)
    c = PythonOperator(task_id="chained", python_callable=load_through_helper)
    d = PythonOperator(
        task_id="own",
        python_callable=own_callable,
    )
    e = PythonOperator(task_id="local", python_callable=load_through_local)
    a >> [b, c, d, e]
""",
}


def test_a_callable_imported_from_include_runs_in_its_task(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(CALLABLES), "dags/etl.py"), "etl")
    tasks_py, dag_py = str(tmp_path / "include/tasks.py"), str(tmp_path / "dags/etl.py")
    pull, = pulls_of(dag, "load")
    assert (pull.task_ids, pull.key) == ("extarct", "path")
    # the pull stands in the helper, and knows the DAG file's line that runs it
    assert pull.span.path == tasks_py
    assert pull.span.line == line_of(tmp_path, "include/tasks.py", 'task_ids="extarct"')
    assert pull.span.entry is not None and pull.span.entry.path == dag_py
    assert pull.span.entry.line == line_of(tmp_path, "dags/etl.py", "python_callable=load)")
    assert pull.span.shown_line == pull.span.entry.line
    # its arguments too
    assert all(argument.value.path == tasks_py for argument in pull.arguments)
    # the pushes of the imported callable belong to its task
    extract = pushes_of(dag, "extract")
    assert set(extract) == {"path", RETURN_KEY}
    assert extract["path"].span.path == tasks_py
    assert extract["path"].span.entry.line == line_of(tmp_path, "dags/etl.py", "python_callable=extract")
    assert task(dag, "extract").pushes_known and task(dag, "extract").callable_name == "extract"
    # the task itself stands in the DAG file
    assert task(dag, "load").span.path is None


def test_a_callable_of_a_module_calling_a_function_of_the_same_module(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(CALLABLES), "dags/etl.py"), "etl")
    pull, = pulls_of(dag, "local")
    assert pull.task_ids == "extarct" and pull.span.path == str(tmp_path / "include/tasks.py")
    assert pull.span.line == line_of(tmp_path, "include/tasks.py", 'task_ids="extarct"')
    assert pull.span.entry.line == line_of(tmp_path, "dags/etl.py", "python_callable=load_through_local")
    assert task(dag, "local").pushes_known


@pytest.mark.parametrize("consumer, module, entry_marker", [
    # the DAG file's own callable calls a helper it imports: the finding would go
    # to that call, the DAG file's line that leads into the helper
    ("own", "include/tasks.py", "return load(ti)"),
    # an imported callable calls a helper its module imports from another module
    ("chained", "include/helpers.py", "python_callable=load_through_helper"),
])
def test_a_function_of_the_project_called_by_a_callable_is_followed(tmp_path: Path, consumer: str, module: str,
                                                                    entry_marker: str) -> None:
    dag = only_dag(build(tmp_path, dict(CALLABLES), "dags/etl.py"), "etl")
    assert task(dag, consumer).pushes_known  # the TI goes only into code the model reads
    pulls = pulls_of(dag, consumer)
    assert [p.task_ids for p in pulls] == ["extarct" if module == "include/tasks.py" else "extract"]
    assert pulls[0].span.path == str(tmp_path / module)
    assert pulls[0].span.entry.line == line_of(tmp_path, "dags/etl.py", entry_marker)


def test_without_the_project_an_imported_callable_is_opaque(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(CALLABLES), "dags/etl.py", project=False), "etl")
    assert pulls_of(dag, "load") == [] and not task(dag, "load").pushes_known


# -------------------------------------------------------------- @task functions

TASKFLOW = {
    "include/taskflow.py": """\
        from airflow.sdk import task


        @task
        def extract():
            return {"rows": 3}


        @task(multiple_outputs=True)
        def split(data):
            return {"left": 1, "right": 2}


        @task
        def report(ti=None):
            ti.xcom_push(key="report_key", value="ok")
            ti.xcom_pull(task_ids="extarct")
        """,
    "dags/flow.py": """\
        from airflow.sdk import dag
        from include.taskflow import extract, report, split


        @dag(schedule=None)
        def flow():
            data = extract()
            parts = split(data)
            report() << parts


        flow()
        """,
}


def test_an_imported_task_function_called_in_the_dag_makes_its_task(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(TASKFLOW), "dags/flow.py"), "flow")
    assert sorted(t.task_id for t in dag.tasks) == ["extract", "report", "split"] and dag.tasks_complete
    assert edges(dag) == {("extract", "split"), ("split", "report")}
    assert all(t.pushes_known for t in dag.tasks)
    assert set(pushes_of(dag, "extract")) == {RETURN_KEY}
    assert pushes_of(dag, "extract")[RETURN_KEY].value.known
    assert set(pushes_of(dag, "split")) == {RETURN_KEY, "left", "right"}
    assert set(pushes_of(dag, "report")) == {"report_key"}  # it returns nothing
    # the task is where the DAG file calls the function; its pushes are in the module
    assert task(dag, "report").span.path is None
    assert task(dag, "report").span.line == line_of(tmp_path, "dags/flow.py", "report() << parts")
    pull, = pulls_of(dag, "report")
    assert pull.task_ids == "extarct" and pull.span.path == str(tmp_path / "include/taskflow.py")
    assert pull.span.entry.line == line_of(tmp_path, "dags/flow.py", "report() << parts")


def test_without_the_project_an_imported_task_function_makes_no_task(tmp_path: Path) -> None:
    model = build(tmp_path, dict(TASKFLOW), "dags/flow.py", project=False)
    assert not [t for d in model.dags for t in d.tasks if t.task_id == "split"]


# ------------------------------------------------------------- custom operators

OPERATORS = {
    "plugins/operators/__init__.py": "",
    "plugins/operators/base.py": """\
        from airflow.models import BaseOperator


        class CountingBase(BaseOperator):
            template_fields = ("bucket",)

            def execute(self, context):
                context["ti"].xcom_push(key="count_key", value=1)
                return {"count": 3}
        """,
    "plugins/operators/s3_count.py": """\
        from airflow.models import BaseOperator

        from operators.base import CountingBase


        class S3CountOperator(BaseOperator):
            template_fields = ("bucket",)

            def __init__(self, bucket, prefix="", **kwargs):
                super().__init__(**kwargs)
                self.bucket = bucket
                self.prefix = prefix

            def execute(self, context):
                context["ti"].xcom_push(key="count_key", value=1)
                return {"count": 3}


        class DerivedCount(CountingBase):
            pass
        """,
    "dags/count.py": HEADER + """\
from operators.s3_count import DerivedCount, S3CountOperator

with DAG(dag_id="count", start_date=datetime(2024, 1, 1)) as dag:
    count = S3CountOperator(
        task_id="count",
        bucket="{{ ti.xcom_pull(task_ids='config', key='bucket') }}",
        prefix="{{ ti.xcom_pull(task_ids='config', key='prefix') }}",
    )
    quiet = S3CountOperator(task_id="quiet", bucket="b", do_xcom_push=False)
    derived = DerivedCount(task_id="derived", bucket="b")
    config = PythonOperator(task_id="config", python_callable=print)
    config >> count >> quiet >> derived
""",
}


def test_a_custom_operator_from_plugins(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(OPERATORS), "dags/count.py"), "count")
    module = str(tmp_path / "plugins/operators/s3_count.py")
    count = task(dag, "count")
    assert count.operator == "S3CountOperator" and count.pushes_known
    # what execute returns and pushes
    pushes = pushes_of(dag, "count")
    assert set(pushes) == {RETURN_KEY, "count_key"}
    assert pushes[RETURN_KEY].span.path == module
    assert pushes[RETURN_KEY].span.line == line_of(tmp_path, "plugins/operators/s3_count.py", 'return {"count": 3}')
    assert pushes[RETURN_KEY].value.known
    # template_fields: bucket is rendered (a pull), prefix is not (its template is text)
    assert [(p.task_ids, p.key) for p in pulls_of(dag, "count")] == [("config", "bucket")]
    untemplated = [(u.consumer, u.argument, u.template_fields) for u in dag.untemplated_pulls]
    assert untemplated == [("count", "prefix", ("bucket",))]
    # do_xcom_push=False: execute's return value is not pushed
    assert set(pushes_of(dag, "quiet")) == {"count_key"}
    assert task(dag, "quiet").silent_reason == "do_xcom_push=False"
    # a subclass of an operator of another module of the project
    assert set(pushes_of(dag, "derived")) == {RETURN_KEY, "count_key"}
    assert pushes_of(dag, "derived")[RETURN_KEY].span.path == str(tmp_path / "plugins/operators/base.py")


def test_without_the_project_a_custom_operator_is_unknown(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(OPERATORS), "dags/count.py", project=False), "count")
    assert not task(dag, "count").pushes_known
    assert pushes_of(dag, "count") == {}


# -------------------------------------------------------------------- factories

FACTORIES = {
    "dags/common/__init__.py": "",
    "dags/common/factory.py": """\
        from datetime import datetime

        from airflow import DAG
        from airflow.operators.python import PythonOperator


        def _extract(ti):
            ti.xcom_push(key="path", value="s3://x")


        def _load(ti):
            return ti.xcom_pull(task_ids="extract_orders", key="pth")


        def make_etl(dag, source):
            extract = PythonOperator(task_id=f"extract_{source}", python_callable=_extract, dag=dag)
            load = PythonOperator(task_id=f"load_{source}", python_callable=_load, dag=dag)
            extract >> load
            return load


        def make_dag(dag_id):
            with DAG(dag_id=dag_id, start_date=datetime(2024, 1, 1)) as dag:
                PythonOperator(task_id="only", python_callable=_extract)
            return dag
        """,
    "dags/sales.py": HEADER + """\
from airflow.operators.empty import EmptyOperator
from dags.common.factory import make_dag, make_etl

with DAG(dag_id="sales", start_date=datetime(2024, 1, 1)) as dag:
    last = make_etl(dag, "orders")
    done = EmptyOperator(task_id="done")
    last >> done

made = make_dag("made")
""",
}


def test_a_factory_function_in_dags_common_makes_the_tasks(tmp_path: Path) -> None:
    model = build(tmp_path, dict(FACTORIES), "dags/sales.py")
    dag = only_dag(model, "sales")
    factory = str(tmp_path / "dags/common/factory.py")
    call_line = line_of(tmp_path, "dags/sales.py", 'make_etl(dag, "orders")')
    assert sorted(t.task_id for t in dag.tasks) == ["done", "extract_orders", "load_orders"]
    assert dag.tasks_complete and dag.edges_complete
    assert edges(dag) == {("extract_orders", "load_orders"), ("load_orders", "done")}
    # the Task records stand in the factory, shown at the factory call
    for made in (task(dag, "extract_orders"), task(dag, "load_orders")):
        assert made.span.path == factory and made.span.entry.path == str(tmp_path / "dags/sales.py")
        assert made.span.shown_line == call_line
        assert made.to_dict()["line"] == call_line
    assert task(dag, "done").span.path is None
    assert set(pushes_of(dag, "extract_orders")) == {"path"}
    pull, = pulls_of(dag, "load_orders")
    assert (pull.task_ids, pull.key) == ("extract_orders", "pth")
    assert pull.span.path == factory and pull.span.entry.line == call_line
    # a DAG factory: the DAG it returns is a DAG of this file
    made_dag = only_dag(model, "made")
    assert [t.task_id for t in made_dag.tasks] == ["only"]
    assert made_dag.span.shown_line == line_of(tmp_path, "dags/sales.py", 'made = make_dag("made")')


# ------------------------------------------------------------- wrapper classes

FRAMEWORK = {
    "src/framework/__init__.py": "from framework.wrapper import Pipeline, Step\n",
    "src/framework/base.py": """\
        class Wired:
            def __rshift__(self, other):
                self.operator >> other.operator
                return other

            def __lshift__(self, other):
                self.operator << other.operator
                return other

            def set_downstream(self, other):
                self.operator.set_downstream(other.operator)

            def set_upstream(self, other):
                other.operator.set_downstream(self.operator)
        """,
    "src/framework/wrapper.py": """\
        import pendulum
        from airflow import DAG
        from airflow.operators.python import PythonOperator

        from framework.base import Wired


        class Pipeline:
            def __init__(self, name, schedule=None):
                self.name = name
                self.airflow_dag = DAG(dag_id=name, schedule=schedule,
                                       start_date=pendulum.datetime(2024, 1, 1))

            def __enter__(self):
                self.airflow_dag.__enter__()
                return self

            def __exit__(self, *exc):
                self.airflow_dag.__exit__(*exc)

            @property
            def dag(self):
                return self.airflow_dag

            def step(self, name, fn):
                return Step(self, name, fn)


        class Step(Wired):
            def __init__(self, pipeline, name, fn):
                self.operator = PythonOperator(task_id=name, dag=pipeline.airflow_dag, python_callable=fn)
        """,
    "src/dags/feeds.py": """\
        from framework import Pipeline, Step


        def get_targets(ti):
            ti.xcom_push(key="feeds", value=["orders"])


        def load_feeds(ti):
            return ti.xcom_pull(task_ids="get_targets", key="feds")


        pipeline = Pipeline("feeds")
        targets = Step(pipeline, "get_targets", get_targets)
        load = pipeline.step("load", load_feeds)
        done = Step(pipeline, "publish", print)
        targets >> load >> done
        done << Step(pipeline, "late", print)
        dag = pipeline.dag
        """,
    "src/dags/methods.py": """\
        from framework import Pipeline, Step

        pipeline = Pipeline("methods")
        a = Step(pipeline, "a", print)
        b = Step(pipeline, "b", print)
        c = Step(pipeline, "c", print)
        d = Step(pipeline, pipeline.never_set, print)
        a.set_downstream(b)
        c.set_upstream(b)
        """,
    "src/dags/blocks.py": """\
        from airflow.operators.empty import EmptyOperator
        from framework import Pipeline

        with Pipeline("blocks") as pipeline:
            first = EmptyOperator(task_id="first")
            second = EmptyOperator(task_id="second")
            first >> second
        """,
}


def test_an_in_house_wrapper_framework(tmp_path: Path) -> None:
    model = build(tmp_path, dict(FRAMEWORK), "src/dags/feeds.py")
    dag = only_dag(model, "feeds")
    assert sorted(t.task_id for t in dag.tasks) == ["get_targets", "late", "load", "publish"]
    assert dag.tasks_complete and dag.edges_complete
    # >> and << through the wrappers' own methods, inherited from another module
    assert edges(dag) == {("get_targets", "load"), ("load", "publish"), ("late", "publish")}
    assert set(pushes_of(dag, "get_targets")) == {"feeds"}
    pull, = pulls_of(dag, "load")
    assert (pull.task_ids, pull.key) == ("get_targets", "feds")
    assert pull.span.path is None  # the callable is the DAG file's own
    # the DAG and the tasks are made in the framework, shown where the DAG file makes the wrappers
    wrapper = str(tmp_path / "src/framework/wrapper.py")
    assert dag.span.path == wrapper
    assert dag.span.shown_line == line_of(tmp_path, "src/dags/feeds.py", 'Pipeline("feeds")')
    assert task(dag, "load").span.path == wrapper
    assert task(dag, "load").span.shown_line == line_of(tmp_path, "src/dags/feeds.py", 'pipeline.step("load"')
    assert task(dag, "late").span.shown_line == line_of(tmp_path, "src/dags/feeds.py", 'Step(pipeline, "late"')


def test_wrapper_methods_set_downstream_and_upstream_and_an_attribute_never_set(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(FRAMEWORK), "src/dags/methods.py"), "methods")
    assert edges(dag) == {("a", "b"), ("b", "c")}
    # an attribute the methods never set is unknown: the id is not invented
    assert [t.task_id for t in dag.tasks] == ["a", "b", "c", UNKNOWN]
    assert not dag.tasks_complete


def test_a_with_block_on_a_wrapper_enters_the_dag_it_holds(tmp_path: Path) -> None:
    dag = only_dag(build(tmp_path, dict(FRAMEWORK), "src/dags/blocks.py"), "blocks")
    assert sorted(t.task_id for t in dag.tasks) == ["first", "second"]
    assert edges(dag) == {("first", "second")}


def test_without_the_project_the_wrappers_make_nothing(tmp_path: Path) -> None:
    model = build(tmp_path, dict(FRAMEWORK), "src/dags/feeds.py", project=False)
    assert not [d for d in model.dags if d.dag_id == "feeds"]


# --------------------------------------------------------- what is not followed


def test_an_import_cycle_between_project_modules(tmp_path: Path) -> None:
    files = {
        "include/a.py": """\
            from include.b import B_ID

            A_ID = "extract"
            THROUGH_B = B_ID


            def a_helper(ti):
                return ti.xcom_pull(task_ids=B_ID)
            """,
        "include/b.py": """\
            from include.a import A_ID

            B_ID = "extract"
            FROM_A = A_ID


            def b_helper(ti):
                return ti.xcom_pull(task_ids=A_ID)
            """,
        "dags/cycle.py": HEADER + """\
from include.a import A_ID, THROUGH_B, a_helper
from include.b import FROM_A, b_helper

with DAG(dag_id="cycle", start_date=datetime(2024, 1, 1)) as dag:
    e = PythonOperator(task_id=A_ID, python_callable=print)
    t = PythonOperator(task_id=THROUGH_B, python_callable=print)
    x = PythonOperator(task_id="x", python_callable=a_helper)
    y = PythonOperator(task_id="y", python_callable=b_helper)
    z = PythonOperator(task_id=FROM_A, python_callable=print)
""",
    }
    model = build(tmp_path, files, "dags/cycle.py")
    dag = only_dag(model, "cycle")
    # a.py is read first: b.py's module-level use of a name of a.py meets the
    # cycle and is unknown; everything else is known
    assert [t.task_id for t in dag.tasks] == ["extract", "extract", "x", "y", UNKNOWN]
    assert [p.task_ids for p in pulls_of(dag, "x")] == ["extract"]
    assert [p.task_ids for p in pulls_of(dag, "y")] == ["extract"]
    assert not dag.tasks_complete  # the unknown id is said, not invented
    assert {os.path.basename(path) for path, _ in modules_read(model)} == {"a.py", "b.py"}


def test_a_module_that_does_not_parse_leaves_its_names_unknown(tmp_path: Path) -> None:
    files = {
        "include/broken.py": """\
            EXTRACT = "extarct"


            def load(ti)
                return ti.xcom_pull(task_ids="extarct")
            """,
        "dags/etl.py": HEADER + """\
from include.broken import EXTRACT, load


def pull(ti):
    ti.xcom_pull(task_ids=EXTRACT)


with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    a = PythonOperator(task_id="extract", python_callable=print)
    b = PythonOperator(task_id="load", python_callable=load)
    c = PythonOperator(task_id="pull", python_callable=pull)
    a >> b >> c
""",
    }
    with_project = build(tmp_path, files, "dags/etl.py")
    without = build(tmp_path, files, "dags/etl.py", project=False)
    assert with_project.dags == without.dags
    dag = only_dag(with_project, "etl")
    assert [p.task_ids for p in pulls_of(dag, "pull")] == [UNKNOWN] and pulls_of(dag, "load") == []
    result = lint_source(str(tmp_path / "dags/etl.py"), (tmp_path / "dags/etl.py").read_text(),
                         Settings(selected=frozenset({"XCL103", "XCL104", "XCL102", "XCL204"})),
                         project=project_of(tmp_path))
    assert result.findings == [] and result.errors == []


def test_a_module_that_does_not_parse_is_still_a_dependency(tmp_path: Path) -> None:
    files = {
        "include/broken.py": "def load(ti)\n    return ti.xcom_pull(task_ids='extarct')\n",
        "dags/etl.py": HEADER + """\
from include.broken import load

with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="load", python_callable=load)
""",
    }
    model = build(tmp_path, files, "dags/etl.py")
    broken = tmp_path / "include/broken.py"
    assert modules_read(model) == ((str(broken), content_digest(broken.read_bytes())),)


def test_third_party_and_standard_library_imports_are_unchanged(tmp_path: Path) -> None:
    files = {
        # an airflow/ folder of configuration must not hide the real operators
        "airflow/__init__.py": "",
        "airflow/operators/__init__.py": "",
        "airflow/operators/python.py": "class PythonOperator:\n    pass\n",
        "dags/etl.py": HEADER + """\
import json
import os

from mylib.helpers import clean
from requests import get

with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    a = PythonOperator(task_id="extract", python_callable=get)
    b = PythonOperator(task_id="load", python_callable=lambda ti: ti.xcom_pull(task_ids=os.environ["T"]))
    c = PythonOperator(task_id="dump", python_callable=json.dumps)
    d = PythonOperator(task_id="clean", python_callable=clean)
    a >> b >> c >> d
""",
    }
    with_project = build(tmp_path, files, "dags/etl.py")
    without = build(tmp_path, files, "dags/etl.py", project=False)
    assert with_project.dags == without.dags and with_project.loose_pulls == without.loose_pulls
    assert modules_read(with_project) == ()
    assert [t.operator for t in only_dag(with_project, "etl").tasks] == ["PythonOperator"] * 4


def test_a_module_level_dag_or_call_of_an_imported_module_is_not_this_files(tmp_path: Path) -> None:
    files = {
        "include/shared.py": """\
            from datetime import datetime

            from airflow import DAG
            from airflow.operators.empty import EmptyOperator

            ID = "extract"

            with DAG(dag_id="shared", start_date=datetime(2024, 1, 1)) as shared_dag:
                EmptyOperator(task_id="inside_shared")

            EmptyOperator(task_id="loose", dag=shared_dag)
            """,
        "dags/use.py": HEADER + """\
from include.shared import ID

with DAG(dag_id="use", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id=ID, python_callable=print)
""",
    }
    model = build(tmp_path, files, "dags/use.py")
    assert [d.dag_id for d in model.dags] == ["use"]
    assert [t.task_id for t in model.dags[0].tasks] == ["extract"]


# ------------------------------------------------------------------ dependencies


def modules_read(model) -> tuple:
    """The model's dependencies that are modules (not places where none is)."""
    return tuple(pair for pair in model.dependencies if pair[1] != ABSENT)


def test_an_import_of_no_module_remembers_where_one_would_be(tmp_path: Path) -> None:
    """A cached result must not outlive a helper created after the DAG file that
    imports it: the model records, as absent, each file and folder that would
    make the import a module of the project."""
    files = {
        "include/__init__.py": "",
        "dags/etl.py": HEADER + """from include.tasks import load
from mylib import clean

with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="load", python_callable=load) >> PythonOperator(task_id="clean", python_callable=clean)
""",
    }
    model = build(tmp_path, files, "dags/etl.py")
    absent = {os.path.relpath(path, tmp_path) for path, digest in model.dependencies if digest == ABSENT}
    assert {"include/tasks.py", "include/tasks", "mylib.py", "mylib", "dags/mylib.py", "dags/include.py"} <= absent
    assert "include" not in absent  # the package is there: read as a module
    assert [os.path.relpath(path, tmp_path) for path, _ in modules_read(model)] == ["include/__init__.py"]
    # airflow is never the project's; nor, where Python names it (3.10+), the standard library
    never = ("airflow", "datetime") if sys.version_info >= (3, 10) else ("airflow",)
    assert not any(part in never for path in absent for part in path.split(os.sep))


def test_dependencies_list_each_module_read_with_its_digest(tmp_path: Path) -> None:
    files = {
        "include/__init__.py": "",
        "include/consts.py": 'EXTRACT = "extract"\n',
        "include/tasks.py": "from include.consts import EXTRACT\n\n\ndef load(ti):\n"
                            "    return ti.xcom_pull(task_ids=EXTRACT)\n",
        "include/unused.py": 'NEVER = "read"\n',
        "dags/etl.py": HEADER + """\
from include.tasks import load
from include.unused import NEVER

with DAG(dag_id="etl", start_date=datetime(2024, 1, 1)) as dag:
    PythonOperator(task_id="extract", python_callable=print) >> PythonOperator(task_id="load", python_callable=load)
""",
    }
    model = build(tmp_path, files, "dags/etl.py")
    expected = tuple(sorted((str(tmp_path / name), content_digest((tmp_path / name).read_bytes()))
                            for name in ("include/consts.py", "include/tasks.py")))
    assert modules_read(model) == expected
    # a file without imports of the project reads nothing
    assert build(tmp_path, {"dags/alone.py": HEADER + "X = 1\n"}, "dags/alone.py").dependencies == ()


def test_no_more_than_max_modules_are_read(tmp_path: Path) -> None:
    count = MAX_MODULES + 6
    files = {f"include/c{i:03d}.py": f'ID = "t{i:03d}"\n' for i in range(count)}
    imports = "\n".join(f"from include.c{i:03d} import ID as ID{i:03d}" for i in range(count))
    made = "\n".join(f"    EmptyOperator(task_id=ID{i:03d})" for i in range(count))
    files["dags/many.py"] = HEADER + f"from airflow.operators.empty import EmptyOperator\n{imports}\n\n" \
        f"with DAG(dag_id='many', start_date=datetime(2024, 1, 1)) as dag:\n{made}\n"
    # a chain of imports longer than the bound
    for i in range(2 * MAX_MODULES):
        files[f"chain/m{i:03d}.py"] = f"from chain.m{i + 1:03d} import VALUE\n"
    files[f"chain/m{2 * MAX_MODULES:03d}.py"] = 'VALUE = "deep"\n'
    files["dags/deep.py"] = HEADER + "from airflow.operators.empty import EmptyOperator\n" \
        "from chain.m000 import VALUE\n\nwith DAG(dag_id='deep', start_date=datetime(2024, 1, 1)) as dag:\n" \
        "    EmptyOperator(task_id=VALUE)\n"
    many = build(tmp_path, files, "dags/many.py")
    assert len(modules_read(many)) == MAX_MODULES
    ids = [t.task_id for t in only_dag(many, "many").tasks]
    assert ids[:MAX_MODULES] == [f"t{i:03d}" for i in range(MAX_MODULES)]
    assert ids[MAX_MODULES:] == [UNKNOWN] * 6
    deep = build(tmp_path, files, "dags/deep.py")
    assert len(modules_read(deep)) == MAX_MODULES
    assert [t.task_id for t in only_dag(deep, "deep").tasks] == [UNKNOWN]


def test_a_partial_made_by_a_module_is_a_task_where_the_dag_file_expands_it(tmp_path: Path) -> None:
    """``retrieve().expand(env=...)`` where the module's ``retrieve`` returns
    ``BashOperator.partial(...)``: the mapped task exists, and a record of the
    module's code stands at the DAG file's ``.expand()`` call (a real repository's
    shape that once sent the position lookup into endless recursion)."""
    model = build(tmp_path, {
        "include/reports.py": """\
            from airflow.operators.bash import BashOperator


            def retrieve():
                return BashOperator.partial(task_id="retrieve", bash_command="scp $file .")
            """,
        "dags/reports.py": HEADER + textwrap.dedent("""\
            from airflow.decorators import task

            from include.reports import retrieve


            @task
            def files():
                return [{"file": "a.csv"}]


            with DAG(dag_id="reports", start_date=datetime(2024, 1, 1), schedule=None):
                retrieve().expand(env=files())
            """),
    }, "dags/reports.py")
    dag = only_dag(model, "reports")
    assert task(dag, "retrieve").mapped
    assert [e.to_dict() for e in dag.edges] == [{"upstream": "files", "downstream": "retrieve"}]
    pushed = pushes_of(dag, "retrieve")[RETURN_KEY]  # what the operator pushes, made in the module
    assert pushed.span.path == str(tmp_path / "include/reports.py")
    assert pushed.span.entry is not None and pushed.span.entry.line == line_of(tmp_path, "dags/reports.py", ".expand(")


def test_a_returned_dict_filled_at_runtime_has_keys_nobody_knows(tmp_path: Path) -> None:
    """``@task(multiple_outputs=True)`` returning ``ids`` made ``ids = {}`` then filled
    with ``ids[c] = ...``: the keys pushed are not known (not just ``return_value``),
    so a pull of any key is not judged; so for a module's task as for the file's own."""
    helper = """\
        from airflow.decorators import task


        @task(task_id="extracts_conn_id", multiple_outputs=True)
        def extract_conn_id(names):
            ids = {}
            for name in names:
                ids[name] = name.upper()
            return ids
        """
    dag_file = HEADER + textwrap.dedent("""\
        from include.conns import extract_conn_id

        with DAG(dag_id="conns", start_date=datetime(2024, 1, 1), schedule=None):
            conns = extract_conn_id(["twitter", "discord"])
            PythonOperator(task_id="use", python_callable=print, op_args=[conns["twitter"]])
        """)
    model = build(tmp_path, {"include/conns.py": helper, "dags/conns.py": dag_file}, "dags/conns.py")
    dag = only_dag(model, "conns")
    assert not task(dag, "extracts_conn_id").pushes_known
    local = build_file_model("local.py", textwrap.dedent(helper) + dag_file.replace(
        "from include.conns import extract_conn_id\n", ""))
    assert not task(only_dag(local, "conns"), "extracts_conn_id").pushes_known


def test_an_argument_an_operator_keeps_in_a_template_field_is_rendered(tmp_path: Path) -> None:
    """A project operator whose ``__init__`` folds arguments into a template field
    (``self.json["notebook_task"] = notebook_task``, as Databricks-style operators
    do): a template in such an argument is rendered; one in an argument kept
    elsewhere is not (XCL110's records)."""
    model = build(tmp_path, {
        "plugins/operators/report.py": """\
            from airflow.models.baseoperator import BaseOperator


            class ReportOperator(BaseOperator):
                template_fields = ("json", "sql")

                def __init__(self, *, json=None, notebook_task=None, extra=None, query=None, table=None, **kwargs):
                    super().__init__(**kwargs)
                    self.json = json or {}
                    if notebook_task is not None:
                        self.json["notebook_task"] = notebook_task
                    self.json.update(extra or {})
                    self.sql = query
                    self.table = table

                def execute(self, context):
                    return None
            """,
        "dags/report.py": HEADER + textwrap.dedent("""\
            from operators.report import ReportOperator

            with DAG(dag_id="report", start_date=datetime(2024, 1, 1), schedule=None):
                first = PythonOperator(task_id="first", python_callable=lambda: "x")
                first >> ReportOperator(
                    task_id="report",
                    notebook_task={"path": "{{ ti.xcom_pull(task_ids='first') }}"},
                    extra={"when": "{{ ti.xcom_pull(task_ids='first') }}"},
                    query="SELECT '{{ ti.xcom_pull(task_ids='first') }}'",
                    table="{{ ti.xcom_pull(task_ids='first') }}",
                )
            """),
    }, "dags/report.py")
    dag = only_dag(model, "report")
    assert [found.argument for found in dag.untemplated_pulls] == ["table"]
    assert sorted(p.via for p in pulls_of(dag, "report")) == ["template"] * 3


def test_an_operator_pulls_what_its_task_was_told_to(tmp_path: Path) -> None:
    """A project operator whose ``__init__`` keeps the task id and key to pull
    (``self.upload_task_id = upload_task_id``) and whose ``execute`` (through a
    method of its own) pulls them: each task's pull names what its arguments said."""
    model = build(tmp_path, {
        "plugins/ops/load.py": """\
            from airflow.models.baseoperator import BaseOperator


            class LoadOperator(BaseOperator):
                def __init__(self, upload_task_id, key="path", **kwargs):
                    super().__init__(**kwargs)
                    self.upload_task_id = upload_task_id
                    self.key = key

                def execute(self, context):
                    return self.read(context)

                def read(self, context):
                    return context["ti"].xcom_pull(task_ids=self.upload_task_id, key=self.key)
            """,
        "dags/load.py": HEADER + textwrap.dedent("""\
            from ops.load import LoadOperator


            def upload(ti):
                ti.xcom_push(key="path", value="s3://bucket/file")


            with DAG(dag_id="load", start_date=datetime(2024, 1, 1), schedule=None):
                first = PythonOperator(task_id="upload", python_callable=upload)
                first >> LoadOperator(task_id="load_a", upload_task_id="upload")
                first >> LoadOperator(task_id="load_b", upload_task_id="uplaod", key="pth")
            """),
    }, "dags/load.py")
    dag = only_dag(model, "load")
    assert [(p.task_ids, p.key) for p in pulls_of(dag, "load_a")] == [("upload", "path")]
    assert [(p.task_ids, p.key) for p in pulls_of(dag, "load_b")] == [("uplaod", "pth")]


def test_a_name_a_module_binds_to_what_cannot_be_followed_may_make_tasks(tmp_path: Path) -> None:
    """``make = build()`` in a module: calling ``make()`` inside a DAG may add tasks
    (as a call of code not read may), so a pull of a task not seen is not judged."""
    model = build(tmp_path, {
        "include/factories.py": """\
            from vendor import build

            make = build()
            """,
        "dags/made.py": HEADER + textwrap.dedent("""\
            from include import factories
            from include.factories import make


            def report(ti):
                return ti.xcom_pull(task_ids="made_elsewhere")


            with DAG(dag_id="made", start_date=datetime(2024, 1, 1), schedule=None):
                make()
                factories.make()
                PythonOperator(task_id="report", python_callable=report)
            """),
    }, "dags/made.py")
    assert not only_dag(model, "made").tasks_complete
