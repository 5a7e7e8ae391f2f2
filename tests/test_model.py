"""Table-driven tests of the model: source in; tasks, edges, pushes and pulls out."""

from __future__ import annotations

import pickle
from typing import Any, Dict

import pytest
from conftest import model_of

from xcomlint.model import ABSENT, UNKNOWN, FileModel


def summary(model: FileModel) -> Dict[str, Any]:
    dag = model.dags[0]
    return {
        "dag_id": dag.dag_id,
        "tasks": sorted(dag.task_ids),
        "edges": sorted((e.upstream, e.downstream) for e in dag.edges),
        "pushes": sorted({(p.task_id, p.key) for p in dag.pushes}),
        "pulls": sorted(((p.consumer, p.task_ids, p.key, p.via) for p in dag.pulls), key=repr),
        "complete": dag.tasks_complete and dag.edges_complete,
    }


AF2 = "from airflow import DAG\nfrom airflow.operators.python import PythonOperator\nfrom airflow.operators.bash import BashOperator\n"
AF3 = "from airflow.sdk import DAG, dag, task, TaskGroup, task_group\n"

DAG_CASES = {
    "with DAG, positional id": (AF2 + "with DAG('a'):\n    BashOperator(task_id='t', bash_command='x')\n", "a"),
    "with DAG, dag_id keyword": (AF2 + "with DAG(dag_id='b') as d:\n    BashOperator(task_id='t', bash_command='x')\n", "b"),
    "assigned DAG and dag=": (AF2 + "d = DAG('c')\nBashOperator(task_id='t', bash_command='x', dag=d)\n", "c"),
    "@dag function name": (AF3 + "@dag(schedule=None)\ndef my_dag():\n    @task\n    def t():\n        pass\n    t()\nmy_dag()\n", "my_dag"),
    "@dag(dag_id=)": (AF3 + "@dag(dag_id='named')\ndef f():\n    @task\n    def t():\n        pass\n    t()\nf()\n", "named"),
    "module alias": ("import airflow.sdk as sdk\nwith sdk.DAG('e'):\n    @sdk.task\n    def t():\n        pass\n    t()\n", "e"),
    "models.DAG": ("from airflow import models\nwith models.DAG('f'):\n    @models.DAG.task\n    def t():\n        pass\n", "f"),
    "aliased class": ("from airflow.models.dag import DAG as Workflow\nwith Workflow('g'):\n    pass\n", "g"),
    "dag id from a constant": (AF2 + "NAME = 'h'\nwith DAG(NAME):\n    pass\n", "h"),
    "dag id from f-string": (AF2 + "P = 'x'\nwith DAG(f'{P}_etl'):\n    pass\n", "x_etl"),
}


@pytest.mark.parametrize("source,dag_id", DAG_CASES.values(), ids=DAG_CASES.keys())
def test_dag_discovery(source: str, dag_id: str) -> None:
    assert [d.dag_id for d in model_of(source).real_dags] == [dag_id]


def test_dynamic_dag_id_is_unknown() -> None:
    model = model_of(AF2 + "import os\nwith DAG(os.environ['X']):\n    pass\n")
    assert model.dags[0].dag_id is UNKNOWN


TASK_ID_CASES = {
    "taskflow name, task_id=, override, suffixes": (
        AF3 + """
with DAG("d"):
    @task
    def a():
        return 1
    @task(task_id="b_id")
    def b():
        return 1
    a(); a(); b(); a.override(task_id="c")(); a()
""",
        ["a", "a__1", "a__2", "b_id", "c"],
    ),
    "group prefix from the call site, not the definition": (
        AF3 + """
@task
def step():
    return 1
with DAG("d"):
    step()
    with TaskGroup("g"):
        step()
        step()
""",
        ["g.step", "g.step__1", "step"],
    ),
    "nested groups and prefix_group_id=False": (
        AF3 + """
from airflow.providers.standard.operators.empty import EmptyOperator
with DAG("d"):
    with TaskGroup("outer"):
        with TaskGroup("inner"):
            EmptyOperator(task_id="x")
        with TaskGroup("flat", prefix_group_id=False):
            EmptyOperator(task_id="y")
            with TaskGroup("deeper"):
                EmptyOperator(task_id="z")
""",
        ["deeper.z", "outer.inner.x", "y"],
    ),
    "@task_group called twice gets __1": (
        AF3 + """
@task
def step():
    return 1
@task_group
def tg():
    step()
with DAG("d"):
    tg()
    tg()
""",
        ["tg.step", "tg__1.step"],
    ),
    "task_group= keyword": (
        AF2 + """
from airflow.utils.task_group import TaskGroup
with DAG("d") as d:
    g = TaskGroup("g")
    BashOperator(task_id="t", bash_command="x", task_group=g)
""",
        ["g.t"],
    ),
    "literal loop unrolled with f-string ids": (
        AF2 + """
with DAG("d"):
    for name in ["a", "b"]:
        BashOperator(task_id=f"run_{name}", bash_command="x")
    for i in range(2):
        BashOperator(task_id="n_" + str(i), bash_command="x")
""",
        ["n_0", "n_1", "run_a", "run_b"],
    ),
    "local factory inlined": (
        AF2 + """
def make(name, dag):
    return BashOperator(task_id=f"make_{name}", bash_command="x", dag=dag)
d = DAG("d")
first = make("one", d)
second = make("two", d)
first >> second
""",
        ["make_one", "make_two"],
    ),
}


@pytest.mark.parametrize("source,task_ids", TASK_ID_CASES.values(), ids=TASK_ID_CASES.keys())
def test_task_ids(source: str, task_ids: list) -> None:
    result = summary(model_of(source))
    assert result["tasks"] == task_ids
    assert result["complete"]


INCOMPLETE_CASES = {
    "ids from a loop over an unknown list": AF2 + "import os\nwith DAG('d'):\n    for n in os.listdir('.'):\n        BashOperator(task_id=n, bash_command='x')\n",
    "an imported factory called in the DAG": AF2 + "from company.factories import add_tasks\nwith DAG('d'):\n    add_tasks()\n",
    "a factory handed the dag": AF2 + "from company.factories import add_tasks\nwith DAG('d') as d:\n    x = add_tasks(d)\n",
    "unknown operand of >>": AF2 + "from company import things\nwith DAG('d'):\n    a = BashOperator(task_id='a', bash_command='x')\n    a >> things.make()\n",
    "chain over starred unknown": AF2 + "from airflow.models.baseoperator import chain\nfrom company import tasks\nwith DAG('d'):\n    chain(*tasks)\n",
}


@pytest.mark.parametrize("source", INCOMPLETE_CASES.values(), ids=INCOMPLETE_CASES.keys())
def test_incomplete_dags_say_so(source: str) -> None:
    assert not summary(model_of(source))["complete"]


def test_pushes_through_every_way_to_the_task_instance() -> None:
    source = AF2 + """
from airflow.operators.python import get_current_context
def a(ti):
    ti.xcom_push(key="k1", value=1)
def b(**context):
    context["ti"].xcom_push(key="k2", value=1)
    return 5
def c(**kwargs):
    kwargs["task_instance"].xcom_push(key="k3", value=1)
def d():
    get_current_context()["ti"].xcom_push("k4", 1)
with DAG("x"):
    PythonOperator(task_id="a", python_callable=a)
    PythonOperator(task_id="b", python_callable=b)
    PythonOperator(task_id="c", python_callable=c)
    PythonOperator(task_id="d", python_callable=d)
"""
    model = model_of(source)
    assert summary(model)["pushes"] == [
        ("a", "k1"), ("b", "k2"), ("b", "return_value"), ("c", "k3"), ("d", "k4"),
    ]
    assert all(t.pushes_known for t in model.dags[0].tasks)


def test_multiple_outputs_keys_explicit_and_inferred() -> None:
    source = AF3 + """
from typing import Dict
with DAG("x"):
    @task(multiple_outputs=True)
    def explicit():
        return {"a": 1, "b": 2}
    @task
    def inferred() -> Dict[str, int]:
        return {"c": 3}
    @task
    def plain():
        return {"d": 4}
    @task
    def dynamic() -> dict:
        return build()
    explicit(); inferred(); plain(); dynamic()
"""
    model = model_of(source)
    assert summary(model)["pushes"] == [
        ("dynamic", "return_value"), ("explicit", "a"), ("explicit", "b"), ("explicit", "return_value"),
        ("inferred", "c"), ("inferred", "return_value"), ("plain", "return_value"),
    ]
    known = {t.task_id: t.pushes_known for t in model.dags[0].tasks}
    assert known == {"explicit": True, "inferred": True, "plain": True, "dynamic": False}


def test_known_operators_and_unknown_ones() -> None:
    source = AF2 + """
from airflow.operators.empty import EmptyOperator
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from company.operators import MagicOperator
with DAG("x"):
    BashOperator(task_id="bash", bash_command="x")
    BashOperator(task_id="quiet", bash_command="x", do_xcom_push=False)
    EmptyOperator(task_id="empty")
    KubernetesPodOperator(task_id="kpo", image="x")
    MagicOperator(task_id="magic")
"""
    dag = model_of(source).dags[0]
    tasks = {t.task_id: t for t in dag.tasks}
    assert summary(model_of(source))["pushes"] == [
        ("bash", "return_value"), ("kpo", "pod_name"), ("kpo", "pod_namespace"),
    ]
    assert tasks["quiet"].pushes_nothing and tasks["empty"].pushes_nothing
    assert not tasks["magic"].pushes_known


def test_custom_operator_execute_is_the_callable() -> None:
    source = AF2 + """
from airflow.models import BaseOperator
class Pusher(BaseOperator):
    def execute(self, context):
        context["ti"].xcom_push(key="k", value=1)
        return context["ti"].xcom_pull(task_ids="other")
with DAG("x"):
    Pusher(task_id="p")
"""
    result = summary(model_of(source))
    assert result["pushes"] == [("p", "k"), ("p", "return_value")]
    assert result["pulls"] == [("p", "other", ABSENT, "xcom_pull")]


def test_pulls_in_callables_templates_and_xcomargs() -> None:
    source = AF2 + """
from airflow.models.xcom_arg import XComArg
SOURCE = "extract"
def use(ti):
    ti.xcom_pull(task_ids=SOURCE, key="k")
    ti.xcom_pull("extract", "other_dag")
with DAG("x"):
    extract = BashOperator(task_id="extract", bash_command="x")
    BashOperator(task_id="tmpl", bash_command="echo {{ ti.xcom_pull(task_ids='extract', key='k') }}")
    PythonOperator(task_id="py", python_callable=use)
    PythonOperator(task_id="args", python_callable=use, op_kwargs={"v": extract.output, "w": XComArg(extract, key="k2")})
    BashOperator(task_id="sub", bash_command=extract.output["k3"])
"""
    pulls = summary(model_of(source))["pulls"]
    assert ("tmpl", "extract", "k", "template") in pulls
    assert ("py", "extract", "k", "xcom_pull") in pulls
    assert ("py", "extract", ABSENT, "xcom_pull") in pulls  # xcom_pull("extract", "other_dag")
    assert ("args", "extract", "return_value", "xcomarg") in pulls
    assert ("args", "extract", "k2", "xcomarg") in pulls
    assert ("sub", "extract", "k3", "xcomarg") in pulls
    positional = [p for p in model_of(source).dags[0].pulls if p.dag_id == "other_dag"]
    assert positional and positional[0].positional_count == 2


def test_taskflow_body_pulls_and_unknown_arguments() -> None:
    source = AF3 + """
with DAG("x"):
    @task
    def t(name, ti=None):
        ti.xcom_pull(task_ids=name)
        ti.xcom_pull(task_ids=["a", "b"], key=f"{name}_k")
    t("a")
"""
    pulls = sorted(((p.task_ids, p.key) for p in model_of(source).dags[0].pulls), key=repr)
    assert pulls == sorted([(UNKNOWN, ABSENT), (("a", "b"), UNKNOWN)], key=repr)


def test_template_positions_inside_strings() -> None:
    source = AF2 + '''with DAG("x"):
    BashOperator(
        task_id="t",
        bash_command="""
echo start
echo {{ ti.xcom_pull(task_ids='a') }} {{ task_instance.xcom_pull(task_ids='b') }}
""",
        env={"X": "{{ ti.xcom_pull(task_ids='c') }}" "{{ ti.xcom_pull(task_ids='d') }}"},
    )
'''
    model = model_of(source)
    lines = source.splitlines()
    found = {p.task_ids: (p.span.line, p.span.column) for p in model.dags[0].pulls}
    for task_id, (line, column) in found.items():
        assert lines[line - 1][column - 1:].startswith("xcom_pull"), task_id
    assert found["a"][0] == found["b"][0] == 9
    assert found["c"][0] == found["d"][0] == 11 and found["c"][1] < found["d"][1]


def test_loose_pulls_in_code_no_task_runs() -> None:
    source = "def helper(ti):\n    return ti.xcom_pull(key='k')\n"
    model = model_of(source)
    assert not model.dags and len(model.loose_pulls) == 1
    assert model.loose_pulls[0].consumer is UNKNOWN


@pytest.mark.parametrize(
    "comment,loose",
    [("", 0), ("# ti.xcom_pull is read by the task", 0), ("\n\ndef other(ti):\n    return ti.xcom_pull(key='x')", 1)],
)
def test_loose_pulls_beside_pulls_a_task_runs(comment: str, loose: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk for loose pulls is skipped when the text holds no ``xcom_pull``
    beyond the attached ones; a comment or a second function makes it run."""
    import xcomlint.model.finish as finish

    walks = []
    walk = finish.loose_pull_sites
    monkeypatch.setattr(finish, "loose_pull_sites", lambda *args: walks.append(1) or walk(*args))
    source = AF2 + f"""
def use(ti):
    return ti.xcom_pull(task_ids="a", key="k")
{comment}
with DAG("x"):
    PythonOperator(task_id="use", python_callable=use)
"""
    model = model_of(source)
    assert len(model.dags[0].pulls) == 1
    assert len(model.loose_pulls) == loose
    assert [p.key for p in model.loose_pulls] == ["x"] * loose
    assert len(walks) == (1 if comment else 0)


def test_model_is_plain_picklable_data() -> None:
    source = AF2 + """
def use(ti):
    ti.xcom_push(key="k", value=1)
    return ti.xcom_pull(task_ids=compute(), key="k")
with DAG("x"):
    PythonOperator(task_id="t", python_callable=use)
"""
    model = model_of(source)
    assert model.dags[0].pulls[0].task_ids is UNKNOWN
    again = pickle.loads(pickle.dumps(model))
    assert again == model
    unknown = pickle.loads(pickle.dumps(UNKNOWN))
    assert unknown is UNKNOWN and pickle.loads(pickle.dumps(ABSENT)) is ABSENT


def test_syntax_error_is_recorded_not_raised() -> None:
    model = model_of("def broken(:\n    pass\n")
    assert model.syntax_error is not None
    message, span = model.syntax_error
    assert (span.line, span.column) == (1, 12) and message


@pytest.mark.parametrize(
    "literal",
    [
        '"echo \\\\n \\\\t {{ ti.xcom_pull(task_ids=\'a\') }}"',  # escapes before the pull
        "r'echo \\\\d {{ ti.xcom_pull(task_ids=\"a\") }}'",  # raw string
        "f'{PREFIX} {{{{ ti.xcom_pull(task_ids=\"a\") }}}}'",  # f-string text part, braces doubled
        "'''\n  first line\n  {{ ti.xcom_pull(task_ids=\"a\") }}'''",  # triple-quoted, second line
        "('echo '\n        '{{ ti.xcom_pull(task_ids=\"a\") }}')",  # implicit concatenation over lines
    ],
)
def test_template_pull_location_points_at_xcom_pull(literal: str) -> None:
    source = AF2 + f'PREFIX = "run"\nwith DAG("x"):\n    BashOperator(task_id="t", bash_command={literal})\n'
    pulls = model_of(source).dags[0].pulls
    assert len(pulls) == 1
    span = pulls[0].span
    line = source.splitlines()[span.line - 1]
    assert line[span.column - 1:].startswith("xcom_pull"), (line, span)


def test_xcomarg_misuses_are_recorded() -> None:
    source = AF2 + """
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
with DAG("x"):
    extract = BashOperator(task_id="extract", bash_command="echo 1")
    SQLExecuteQueryOperator(task_id="q", sql="select 1", split_statements=extract.output)
    SQLExecuteQueryOperator(task_id="r", sql="select 1", return_last=f"{extract.output}")
    BashOperator(task_id="s", bash_command=f"echo {extract.output}")
"""
    dag = model_of(source).dags[0]
    assert sorted((m.consumer, m.argument, m.how) for m in dag.xcomarg_misuses) == [
        ("q", "split_statements", "argument"), ("r", "return_last", "f-string"),
    ]
    # in a templated field the f-string is the Jinja pull Airflow writes: a pull with no edge
    assert [(p.consumer, p.task_ids, p.via) for p in dag.pulls] == [("s", "extract", "template")]
    assert not any(e.downstream == "s" for e in dag.edges)


def test_generator_callables_push_their_return_value_only() -> None:
    source = AF3 + """
with DAG("x"):
    @task
    def events():
        yield 1
    @task
    def events_then_result():
        yield 1
        return "done"
    events(); events_then_result()
"""
    dag = model_of(source).dags[0]
    tasks = {t.task_id: t for t in dag.tasks}
    assert tasks["events"].pushes_nothing and tasks["events"].silent_reason == "no-return"
    assert [(p.task_id, p.key) for p in dag.pushes] == [("events_then_result", "return_value")]


def test_default_args_do_xcom_push_reaches_operators() -> None:
    template = AF2 + """
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
{prelude}
with DAG("x", default_args={default_args}):
    KubernetesPodOperator(task_id="kpo", image="x")
    BashOperator(task_id="bash", bash_command="x")
"""

    def tasks(default_args: str, prelude: str = ""):
        dag = model_of(template.format(default_args=default_args, prelude=prelude)).dags[0]
        pushes = {(p.task_id, p.key) for p in dag.pushes}
        return {t.task_id: (t.pushes_known, (t.task_id, "return_value") in pushes) for t in dag.tasks}

    assert tasks("{'retries': 2}") == {"kpo": (True, False), "bash": (True, True)}
    assert tasks("{'do_xcom_push': True}") == {"kpo": (True, True), "bash": (True, True)}
    assert tasks("{'do_xcom_push': False}") == {"kpo": (True, False), "bash": (True, False)}
    unknown = tasks("DEFAULTS", prelude="from company.settings import DEFAULTS")
    # an unknown do_xcom_push may leave BashOperator's return value out, never add
    # a key: every key it may push is known; KubernetesPodOperator's may be opted in
    assert unknown == {"kpo": (False, False), "bash": (True, True)}
    assert [t.silent_reason for t in model_of(template.format(default_args="DEFAULTS", prelude="")).dags[0].tasks] == [
        None, None]


def test_no_concrete_libcst_node_class_has_subclasses() -> None:
    """The model compares node types with ``type(node) is cst.X`` instead of the
    slow ABC ``isinstance``; that is only the same test while no concrete node
    class of the installed libcst is subclassed by another."""
    import inspect

    import libcst as cst

    concrete = [c for c in vars(cst).values()
                if inspect.isclass(c) and issubclass(c, cst.CSTNode) and not inspect.isabstract(c)]
    assert len(concrete) > 100
    assert [(c.__name__, d.__name__) for c in concrete for d in concrete if d is not c and issubclass(d, c)] == []
