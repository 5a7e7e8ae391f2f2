"""Rule behaviour beyond the rule documents: edge cases that once misfired."""

from __future__ import annotations

from conftest import lint

HEAD = """\
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator


def extract(ti):
    ti.xcom_push(key="s3_path", value="s3://x")
    return "done"


def use(ti):
    {body}


with DAG(dag_id="etl", schedule=None):
    start = EmptyOperator(task_id="start")
    trigger = TriggerDagRunOperator(task_id="trigger", trigger_dag_id="other")
    first = PythonOperator(task_id="extract", python_callable=extract)
    later = PythonOperator(task_id="use", python_callable=use)
    start >> trigger >> first >> later
"""


def codes(body: str, select=None) -> list:
    return [(f.code, f.line) for f in lint(HEAD.replace("{body}", body), select=select)]


def test_xcl107_only_for_exactly_task_ids_and_dag_id() -> None:
    assert codes('ti.xcom_pull("extract", "s3_path")') == [("XCL107", 13)]
    assert codes('ti.xcom_pull("extract", "etl", "s3_path")') == []
    assert codes('ti.xcom_pull("extract", None, "s3_path")') == []
    assert codes('ti.xcom_pull("extract", "etl", key="s3_path")') == []


def test_an_empty_key_is_xcl108_only() -> None:
    assert codes('ti.xcom_pull(task_ids="extract", key="")') == [("XCL108", 13)]
    assert codes('ti.xcom_pull(task_ids="start", key="")') == [("XCL108", 13)]
    assert codes('ti.xcom_pull(task_ids="start", key=None)') == [("XCL108", 13)]


def test_silent_task_messages() -> None:
    found = lint(HEAD.replace("{body}", 'ti.xcom_pull(task_ids="trigger")'))
    assert [f.code for f in found] == ["XCL106"]
    assert "is a TriggerDagRunOperator, which returns no value" in found[0].message
    found = lint(HEAD.replace("{body}", 'ti.xcom_pull(task_ids="start")'))
    assert "is an EmptyOperator" in found[0].message
    assert codes('ti.xcom_pull(task_ids="trigger", key="trigger_run_id")') == []


def test_xcl205_loop_else_runs_once_and_loops_repeat() -> None:
    body = (
        'for url in ["a", "b"]:\n'
        '        if url:\n'
        '            break\n'
        '    else:\n'
        '        ti.xcom_push(key="healthy", value=False)\n'
        '    return ti.xcom_pull(task_ids="use", key="healthy")'
    )
    assert codes(body, select=["XCL205"]) == []
    looped = 'for url in ["a", "b"]:\n        ti.xcom_push(key="healthy", value=url)'
    assert codes(looped, select=["XCL205"]) == [("XCL205", 14)]


def test_xcl205_same_block_twice() -> None:
    body = 'ti.xcom_push(key="k", value=1)\n    ti.xcom_push(key="k", value=2)'
    assert codes(body, select=["XCL205"]) == [("XCL205", 14)]
    branches = 'if ti:\n        ti.xcom_push(key="k", value=1)\n    else:\n        ti.xcom_push(key="k", value=2)'
    assert codes(branches, select=["XCL205"]) == []


def test_xcl109_format_and_percent_in_a_non_templated_argument() -> None:
    source = """\
from airflow.sdk import DAG
from airflow.providers.docker.operators.docker import DockerOperator

with DAG(dag_id="d", schedule=None):
    first = DockerOperator(task_id="first", image="busybox")
    DockerOperator(task_id="a", image="busybox", working_dir="{}".format(first.output))
    DockerOperator(task_id="b", image="busybox", working_dir="%s" % first.output)
    DockerOperator(task_id="c", image="busybox", working_dir=first.output)
"""
    assert [(f.code, f.line) for f in lint(source, select=["XCL109"])] == [("XCL109", 6), ("XCL109", 7), ("XCL109", 8)]


def test_xcl206_non_string_keys() -> None:
    source = """\
from airflow.sdk import DAG, task

with DAG(dag_id="d", schedule=None):
    @task(multiple_outputs=True)
    def numbered():
        return {1: "x", "two": 2}

    @task(multiple_outputs=True)
    def named():
        return {"one": 1, "two": 2}

    @task(multiple_outputs=True)
    def listed():
        return [1, 2]

    numbered(); named(); listed()
"""
    assert [(f.code, f.line) for f in lint(source, select=["XCL206"])] == [("XCL206", 6), ("XCL206", 14)]


PUSHES_SHARED_KEY = """
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator

def extract(ti):
    ti.xcom_push(key="manifest_path", value="s3://bucket/manifest.json")

with DAG("producer", schedule=None):
    PythonOperator(task_id="extract", python_callable=extract)
"""


def _unused_pushes(tmp_path, files: dict) -> list:
    from conftest import settings_for

    from xcomlint.engine import lint_paths

    for name, text in files.items():
        (tmp_path / name).write_text(text)
    run = lint_paths([str(tmp_path)], settings_for(["XCL204"]))
    return [(f.path.rsplit("/", 1)[-1], f.line) for f in run.findings]


def test_xcl204_a_key_handed_to_an_unknown_operator_of_the_same_dag_counts_as_read(tmp_path) -> None:
    same_dag = PUSHES_SHARED_KEY.replace("\nwith DAG", "\nfrom company.operators import PublishOperator\nwith DAG") + (
        "    PublishOperator(task_id='publish', manifest_key='manifest_path')\n"
    )
    assert _unused_pushes(tmp_path, {"producer.py": same_dag}) == []


def test_xcl204_an_unknown_operator_in_another_dag_does_not_read_this_dags_keys(tmp_path) -> None:
    other = (
        "from airflow.sdk import DAG\nfrom company.operators import PublishOperator\n\n"
        "with DAG('publisher', schedule=None):\n"
        "    PublishOperator(task_id='publish', manifest_key='manifest_path')\n"
    )
    assert _unused_pushes(tmp_path, {"producer.py": PUSHES_SHARED_KEY, "publisher.py": other}) == [("producer.py", 6)]


def test_edit_distance_with_a_limit_agrees_with_the_full_distance() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from xcomlint.rules.suggest import edit_distance

    words = st.text(alphabet="ab_c", max_size=9)

    @given(words, words, st.integers(min_value=0, max_value=3))
    def agree(a: str, b: str, limit: int) -> None:
        assert edit_distance(a, b, limit) == min(edit_distance(a, b), limit + 1)

    agree()


def test_one_bug_in_code_several_dags_run_is_one_finding_naming_them() -> None:
    """A factory's callable run by two DAGs: the typo is one bug, reported once,
    naming both DAGs; a bug of one DAG only names that DAG."""
    source = """\
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import DAG


    def cleanup(ti):
        print(ti.xcom_pull(task_ids="check_queu", key="run_id_cleaned"))


    def build(dag_id, with_check):
        with DAG(dag_id=dag_id, schedule=None) as dag:
            if with_check:
                PythonOperator(task_id="check_queue", python_callable=lambda: 1)
            PythonOperator(task_id="cleanup", python_callable=cleanup)
        return dag


    daily = build("daily", True)
    adhoc = build("adhoc", True)
    {third}
    """
    found = lint(source.replace("{third}", ""), select=["XCL103"])
    assert [(f.code, f.line) for f in found] == [("XCL103", 6)]
    assert "does not exist in DAGs 'daily' and 'adhoc'; did you mean 'check_queue'?" in found[0].message
    # a third DAG without the near miss says another thing: a finding of its own
    found = lint(source.replace("{third}", 'weekly = build("weekly", False)'), select=["XCL103"])
    assert len(found) == 2
    assert sum("in DAGs 'daily' and 'adhoc'" in f.message for f in found) == 1
    assert sum("in DAG 'weekly'" in f.message for f in found) == 1
