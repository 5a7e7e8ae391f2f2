"""Static shapes from real DAG files that the model reads: Enum members, ids
from the file name, computed templates, string methods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import lint, model_of
from hypothesis import example, given
from hypothesis import strategies as st

from xcomlint.model import build_file_model
from xcomlint.model.literals import json_dumps
from xcomlint.model.values import ConstVal, DictVal, ListVal, StrVal


def test_task_ids_from_enum_members() -> None:
    source = """\
    from enum import Enum

    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG


    class Step(Enum):
        EXTRACT = "extract"
        LOAD = "load"


    class Name(str, Enum):
        REPORT = "report"


    def load(ti):
        ti.xcom_pull(task_ids=Step.EXTRACT.value)
        ti.xcom_pull(task_ids="extarct")


    with DAG(dag_id="steps", schedule=None):
        first = PythonOperator(task_id=Step.EXTRACT.value, python_callable=lambda: 1)
        second = PythonOperator(task_id=Step.LOAD.value, python_callable=load)
        third = PythonOperator(task_id=Name.REPORT, python_callable=lambda: Step.LOAD.name)
        first >> second >> third
    """
    assert sorted(model_of(source).dags[0].task_ids) == ["extract", "load", "report"]
    assert [(f.code, f.line) for f in lint(source, select=["XCL103"])] == [("XCL103", 18)]


def test_a_plain_enum_member_is_not_its_value() -> None:
    source = """\
    from enum import Enum
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG

    class Step(Enum):
        EXTRACT = "extract"

    with DAG(dag_id="steps", schedule=None):
        PythonOperator(task_id=Step.EXTRACT, python_callable=lambda: 1)
    """
    dag = model_of(source).dags[0]
    assert dag.task_ids == () and not dag.tasks_complete


ENUM_PREFIX = """\
from enum import Enum, StrEnum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, TaskGroup


class Step(str, Enum):
    CHECK = "check"


class Stage(StrEnum):
    CHECK = "check"


with DAG(dag_id="steps", schedule=None):
    with TaskGroup(group_id={group}):
        inner = EmptyOperator(task_id={label})
    reader = BashOperator(task_id="reader", bash_command="echo {{{{ ti.xcom_pull(task_ids='{pulled}') }}}}")
    inner >> reader
"""


@pytest.mark.parametrize("group,label,pulled,task_id", [
    # Airflow writes a grouped task's id as f"{group_id}.{label}": a (str, Enum)
    # member formats as its value up to Python 3.10, as "Step.CHECK" from 3.11 on
    ("Step.CHECK", '"inner"', "check.inner", None),
    ("Step.CHECK", '"inner"', "Step.CHECK.inner", None),
    ('"check"', "Step.CHECK", "check.check", None),
    ('"check"', "Step.CHECK", "check.Step.CHECK", None),
    # a StrEnum member formats as its value on every version
    ("Stage.CHECK", '"inner"', "check.inner", "check.inner"),
    ('"check"', "Stage.CHECK", "check.check", "check.check"),
])
def test_an_enum_member_formatted_into_an_id_depends_on_the_python(group: str, label: str, pulled: str,
                                                                    task_id: Any) -> None:
    source = ENUM_PREFIX.format(group=group, label=label, pulled=pulled)
    dag = model_of(source).dags[0]
    if task_id is None:
        assert "reader" in dag.task_ids and not dag.tasks_complete
        assert found_codes(source) == []
    else:
        assert sorted(dag.task_ids) == sorted([task_id, "reader"])
        assert found_codes(source.replace(pulled, pulled + "x")) == ["XCL103"]


def found_codes(source: str) -> list:
    return [f.code for f in lint(source, select=["XCL103"])]


@pytest.mark.parametrize(
    "expression",
    [
        'os.path.basename(__file__).replace(".py", "")',
        "Path(__file__).stem",
        "os.path.splitext(os.path.basename(__file__))[0]",
        'Path(__file__).name.removesuffix(".py")',
        '__file__.split("/")[-1]',
    ],
)
def test_dag_ids_from_the_file_name(expression: str) -> None:
    source = f"import os\nfrom pathlib import Path\nfrom airflow.sdk import DAG\nwith DAG(dag_id={expression}):\n    pass\n"
    dag_id = build_file_model("dags/sales/daily_orders.py", source).dags[0].dag_id
    # the last form keeps the suffix: what Airflow would see too
    assert dag_id == ("daily_orders.py" if expression.startswith("__file__") else "daily_orders")


@pytest.mark.parametrize(
    "template",
    [
        "\"echo {{ ti.xcom_pull(task_ids='%s') }}\" % 'extarct'",
        "\"echo {{ ti.xcom_pull(task_ids='%(id)s') }} %%\" % {'id': 'extarct'}",
        "\"echo {{{{ ti.xcom_pull(task_ids='{}') }}}}\".format('extarct')",
        "\"echo {{{{ ti.xcom_pull(task_ids='{name}') }}}}\".format(name=STEP)",
    ],
)
def test_templates_built_by_formatting_are_read_where_they_stand(template: str) -> None:
    source = f"""\
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

STEP = "extarct"

with DAG(dag_id="formatted", schedule=None):
    first = PythonOperator(task_id="extract", python_callable=lambda: 1)
    report = BashOperator(task_id="report", bash_command={template})
    first >> report
"""
    findings = lint(source, select=["XCL103"])
    assert [(f.code, f.line) for f in findings] == [("XCL103", 9)]
    # the column is that of the task_ids value inside the template literal
    assert findings[0].column == source.splitlines()[8].index("task_ids=") + len("task_ids=") + 1


def test_a_format_spec_is_a_hole_not_text() -> None:
    source = """\
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG

    with DAG(dag_id="formatted", schedule=None):
        BashOperator(task_id="report", bash_command="{:x<3}com_pull".format(""))
    """
    assert model_of(source).dags[0].pulls == ()


def test_a_template_in_a_dict_for_an_argument_that_is_not_templated() -> None:
    """Airflow's own Data Fusion example: a module-level dict holding a template,
    passed as ``pipeline=``, which CloudDataFusionCreatePipelineOperator never renders."""
    source = """\
from airflow.providers.google.cloud.operators.datafusion import CloudDataFusionCreatePipelineOperator
from airflow.sdk import DAG

PIPELINE = {
    "name": "pipe",
    "config": {"stages": [{"bucket": "{{ ti.xcom_pull(task_ids='create_bucket') }}"}]},
}

with DAG(dag_id="fusion", schedule=None):
    CloudDataFusionCreatePipelineOperator(
        task_id="create_pipeline", location="x", instance_name="i", pipeline_name="pipe", pipeline=PIPELINE,
    )
"""
    [finding] = lint(source, select=["XCL110"])
    assert (finding.line, finding.column) == (6, source.splitlines()[5].index("xcom_pull") + 1)
    assert "'pipeline' is not a template field of CloudDataFusionCreatePipelineOperator" in finding.message
    # the same template in a templated argument is rendered, and fine
    rendered = source.replace("pipeline_name=\"pipe\", pipeline=PIPELINE", "pipeline_name=PIPELINE[\"config\"], pipeline={}")
    assert lint(rendered, select=["XCL110"]) == []


JSON_POD = """\
import json

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG, task

with DAG(dag_id="pods", schedule=None):
    @task
    def params():
        return {"bbox": [0, 1]}

    run = KubernetesPodOperator(
        task_id="run", image="worker",
        arguments=[json.dumps({"inputs": {"bbox": "{{ ti.xcom_pull(task_ids='%s')['bbox'] }}"}, "n": 3})],
    )
    params() >> run
"""


def test_templates_inside_json_dumps_are_pulls_of_the_rendered_field() -> None:
    """``json.dumps`` keeps a template's text: the JSON string the pod receives is rendered."""
    assert lint(JSON_POD % "params", select=["XCL103"]) == []
    source = JSON_POD % "parmas"
    findings = lint(source, select=["XCL103"])
    assert [(f.code, f.line) for f in findings] == [("XCL103", 13)]
    assert findings[0].column == source.splitlines()[12].index("task_ids=") + len("task_ids=") + 1
    assert "did you mean 'params'" in findings[0].message


@pytest.mark.parametrize(
    "value",
    [
        # escaped by json.dumps: the text no longer stands where the source has it
        """{"cmd": "{{ ti.xcom_pull(task_ids=\\"parmas\\") }}"}""",
        """{"cmd": "{{ ti.xcom_pull(task_ids='parmas') }} \u00e9t\u00e9"}""",
    ],
)
def test_a_string_json_dumps_escapes_is_a_hole(value: str) -> None:
    source = JSON_POD.replace(
        """{"inputs": {"bbox": "{{ ti.xcom_pull(task_ids='%s')['bbox'] }}"}, "n": 3}""", value)
    assert model_of(source).dags[0].pulls == ()


def test_json_dumps_with_layout_options_is_not_followed() -> None:
    source = (JSON_POD % "parmas").replace('"n": 3})]', '"n": 3}, indent=2)]')
    assert lint(source, select=["XCL103"]) == []


# what json.dumps writes as itself: printable ASCII but the quote and the backslash
_PLAIN_TEXT = st.text(st.sampled_from([chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"\\']), max_size=8)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _PLAIN_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_PLAIN_TEXT, children, max_size=4),
    max_leaves=12,
)


def _as_model_value(value: Any) -> Any:
    if isinstance(value, str):
        return StrVal(value)
    if isinstance(value, list):
        return ListVal([_as_model_value(item) for item in value])
    if isinstance(value, dict):
        return DictVal([(StrVal(key), _as_model_value(item)) for key, item in value.items()])
    return ConstVal(value)


@given(_JSON_VALUES)
def test_json_dumps_writes_what_python_writes(value: Any) -> None:
    written = json_dumps([_as_model_value(value)], {})
    assert written.known and written.text == json.dumps(value)


@given(st.text(max_size=6).filter(lambda text: any(c in text for c in '"\\') or any(not " " <= c <= "~" for c in text)))
@example("\x00")  # a real NUL, not the mark of a hole
def test_json_dumps_leaves_a_hole_for_an_escaped_string(text: str) -> None:
    written = json_dumps([ListVal([StrVal(text), ConstVal(1)])], {})
    assert not written.known and written.text.endswith(", 1]")


BASH_TASKS = """\
from airflow.sdk import DAG, task

CMD = "echo {{ ti.xcom_pull(task_ids='extarct') }}"

with DAG(dag_id="commands", schedule=None):
    @task
    def extract():
        return "s3://bucket/key"

    @task.bash
    def literal():
        return "aws s3 ls {{ ti.xcom_pull(task_ids='extarct') }}"

    @task.bash
    def assigned(ds=None):
        command = f"aws s3 cp {{{{ ti.xcom_pull(task_ids='extract') }}}} /tmp/{ds}"
        return command

    @task.bash
    def shadowed(CMD="echo"):
        return CMD

    @task
    def python_value():
        return "{{ ti.xcom_pull(task_ids='extarct') }}"

    first = extract()
    first >> [literal(), assigned(), shadowed(), python_value()]
"""


def test_the_command_a_bash_task_returns_is_rendered() -> None:
    """``@task.bash`` renders the command its function returns (Airflow 2.9+ and 3):
    its pulls are the task's. A ``@task`` function's return value is data, never rendered."""
    findings = lint(BASH_TASKS, select=["XCL103"])
    assert [(f.line, f.task_id) for f in findings] == [(12, "literal")]
    pulls = {(p.consumer, p.task_ids) for p in model_of(BASH_TASKS).dags[0].pulls if p.via == "template"}
    assert pulls == {("literal", "extarct"), ("assigned", "extract")}


MAPPED_INPUTS = """\
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, task

with DAG(dag_id="mapping", schedule=None):
    @task
    def names():
        return ["a", "b"]

    @task
    def commands():
        return [{"bash_command": "echo 1"}]

    @task
    def codes():
        return [[99]]

    @task
    def show(name):
        return name

    n = names()
    shown = show.expand_kwargs(n.map(lambda name: {"name": name}))
    run = BashOperator.partial(task_id="run").expand_kwargs(commands())
    tolerant = BashOperator.partial(task_id="tolerant", bash_command="exit 99").expand(skip_on_exit_code=codes())
    wrong = BashOperator(task_id="wrong", bash_command="echo", skip_on_exit_code=n.map(len))

    @task
    def report(ti=None):
        return ti.xcom_pull(task_ids=["names", "commands", "codes"])

    [shown, run, tolerant] >> report() >> wrong
"""


def test_what_mapping_reads_wires_the_mapped_tasks() -> None:
    """``.expand_kwargs(value)`` and ``.map()``/``.zip()``/``.concat()`` results make
    the mapped task depend on their sources, and ``.expand()`` resolves an argument
    the operator does not template: no XCL102 for pulls through those paths, no XCL109
    for the mapped argument. An XComArg (mapped or not) given to a plain argument
    outside ``.expand()`` is still not resolved."""
    findings = lint(MAPPED_INPUTS)
    assert [(f.code, f.line) for f in findings] == [("XCL109", 25)]
    assert "'skip_on_exit_code'" in findings[0].message
    edges = {(e.upstream, e.downstream) for e in model_of(MAPPED_INPUTS).dags[0].edges}
    assert {("names", "show"), ("commands", "run"), ("codes", "tolerant")} <= edges


SHARED_CALLABLE = """\
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

TABLES = ["orders", "users"]


def load(table, ti):
    ti.xcom_pull(task_ids=f"extract_{table}")
    ti.xcom_pull(task_ids=f"{table}_extract")
    ti.xcom_pull(task_ids=f"extarct_{table}")
    ti.xcom_pull(task_ids="extract_" + table.lower())
    ti.xcom_pull(task_ids=f"e{table}")


with DAG(dag_id="loops", schedule=None):
    for table in TABLES:
        extract = PythonOperator(task_id=f"extract_{table}", python_callable=lambda: 1)
        load_task = PythonOperator(task_id=f"load_{table}", python_callable=load, op_kwargs={"table": table})
        extract >> load_task
"""


def test_an_id_with_unknown_parts_is_checked_by_its_known_ones() -> None:
    """``f"extarct_{table}"`` in a callable shared by a loop's tasks: whatever ``table``
    is, no task of the DAG has such an id. The known parts must say enough (``e...``
    does not), and must fit no id (``{table}_extract`` fits none either)."""
    findings = lint(SHARED_CALLABLE, select=["XCL103"])
    assert [(f.line, f.column) for f in findings] == [(9, 27), (10, 27)]
    assert "no task of DAG 'loops' has an id like '…_extract'" in findings[0].message
    assert findings[1].message == (
        "no task of DAG 'loops' has an id like 'extarct_…' (whatever the unknown part is); "
        "did you mean 'extract_…'? (the pull returns None)")


def test_an_id_with_unknown_parts_is_not_judged_beside_tasks_of_unknown_id() -> None:
    source = SHARED_CALLABLE.replace('TABLES = ["orders", "users"]', "from config import TABLES")
    assert lint(source, select=["XCL103"]) == []


def test_keyword_arguments_a_factory_gathers_give_its_task_ids() -> None:
    """``def make(**kwargs)`` reading ``kwargs.get("task_id", default)``: the
    keyword arguments the call passed, else the default; a dict changed in a way
    not followed (``.update``) knows no key any more."""
    model = model_of("""\
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG


    def make(table, **kwargs):
        load_id = kwargs.get("load_id", f"load_{table}")
        check_id = kwargs.get("check_id", "check")
        settings = {"report_id": "report"}
        settings["report_id"] = "summary"
        opened = {"late_id": "late"}
        opened.update(kwargs)
        PythonOperator(task_id=load_id, python_callable=print)
        PythonOperator(task_id=check_id, python_callable=print)
        PythonOperator(task_id=settings.get("report_id", "never"), python_callable=print)
        PythonOperator(task_id=opened.get("late_id"), python_callable=print)


    with DAG(dag_id="factory", schedule=None):
        make("orders", check_id="verify")
    """)
    [dag] = model.dags
    assert sorted(t.task_id for t in dag.tasks if isinstance(t.task_id, str)) == ["load_orders", "summary", "verify"]
    assert [u.pattern for u in dag.unknown_ids] == [".*"]  # opened.get("late_id"): unknown after .update


def test_a_task_group_gives_its_full_id() -> None:
    """``tg.group_id`` is the group's full id (parent prefixes included), as
    Airflow's ``TaskGroup.group_id`` is: a task id built from it is known."""
    model = model_of("""\
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG, TaskGroup

    with DAG(dag_id="groups", schedule=None):
        with TaskGroup("outer"):
            with TaskGroup("inner") as inner:
                PythonOperator(task_id="load", python_callable=print)
        PythonOperator(task_id=f"after_{inner.group_id}", python_callable=print)
    """)
    [dag] = model.dags
    assert sorted(t.task_id for t in dag.tasks) == ["after_outer.inner", "outer.inner.load"]


# the model case Airflow's DagBag read as two DAGs, each with its own task
FACTORY_CALLED_TWICE = (Path(__file__).parent / "model_cases" / "factory_called_twice.py").read_text(encoding="utf-8")


def test_a_dag_function_defined_in_a_factory_called_twice_makes_two_dags() -> None:
    """Each call of the factory runs its ``@dag`` ``def`` anew: Airflow gets one
    DAG per call, each with its own ``handle_month_context``, not one DAG where
    the second call's task is ``handle_month_context__1``."""
    dags = model_of(FACTORY_CALLED_TWICE).dags
    assert [sorted(d.task_ids) for d in dags] == [["handle_month_context"], ["handle_month_context"]]


def test_one_push_in_code_two_dags_run_is_one_finding(tmp_path) -> None:
    from xcomlint.engine import lint_paths
    from xcomlint.settings import Settings

    path = tmp_path / "factory.py"
    path.write_text(FACTORY_CALLED_TWICE, encoding="utf-8")
    result = lint_paths([str(path)], Settings(selected=frozenset({"XCL204"})))
    assert [(f.code, f.line) for f in result.findings] == [("XCL204", 17)]
