"""DAG sources shared by the tests: one pull with a typo'd task id and its fix, and every DAG source the
suite knows (model cases, examples, rule documents)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Tuple

from xcomlint.docs import all_documents, code_blocks

ROOT = Path(__file__).parent.parent

BUGGY = textwrap.dedent(
    """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator


    def load(ti):
        return ti.xcom_pull(task_ids="extarct")


    with DAG(dag_id="etl", schedule=None):
        extract = PythonOperator(task_id="extract", python_callable=lambda: 1)
        loader = PythonOperator(task_id="load", python_callable=load)
        extract >> loader
    """
)
CLEAN = BUGGY.replace('"extarct"', '"extract"')
# where the pull in BUGGY stands, and what xcomlint says of it
LINE, COLUMN, END_COLUMN = 6, 34, 43
MESSAGE = "task 'extarct' does not exist in DAG 'etl'; did you mean 'extract'? (the pull returns None)"

# the bare id of a task in a TaskGroup: a safe fix, after which the DAG is clean
BARE_GROUPED_ID = textwrap.dedent(
    """\
    from airflow.sdk import DAG, TaskGroup
    from airflow.providers.standard.operators.python import PythonOperator


    def load(ti):
        return ti.xcom_pull(task_ids="stage")


    with DAG(dag_id="etl", schedule=None):
        with TaskGroup(group_id="warehouse"):
            stage = PythonOperator(task_id="stage", python_callable=lambda: 1)
        loader = PythonOperator(task_id="load", python_callable=load)
        stage >> loader
    """
)
FULL_GROUPED_ID = BARE_GROUPED_ID.replace('"stage")', '"warehouse.stage")')

# a pull of a task that does not exist, inside a multi-line template; {noqa} is
# where a comment on the line the string ends goes
MULTILINE_TEMPLATE = textwrap.dedent(
    '''\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.bash import BashOperator

    with DAG(dag_id="etl", schedule=None):
        BashOperator(
            task_id="report",
            bash_command="""
                echo {{ ti.xcom_pull(task_ids='nope') }}
            """,{noqa}
        )
    '''
)


def known_sources() -> List[Tuple[str, str]]:
    """``(name, source)`` of every model test case, example DAG and Python block of a rule document."""
    found = []
    # the files of the multi-file cases and example project too; an empty
    # ``__init__.py`` holds nothing to read
    for folder in (ROOT / "tests" / "model_cases", ROOT / "examples"):
        for path in sorted(folder.rglob("*.py")):
            source = path.read_text()
            if source.strip():
                found.append((path.relative_to(folder).as_posix(), source))
    for code, path in sorted(all_documents().items()):
        for index, (info, body) in enumerate(code_blocks(path.read_text(encoding="utf-8"))):
            if info.split()[:1] == ["python"]:
                found.append((f"{code}#{index}", body))
    return found
