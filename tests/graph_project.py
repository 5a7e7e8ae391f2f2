"""A generated project of many DAG files, for the project-wide graph page.

Deterministic: the same files every time. It holds ordinary pipelines, some
with XCom mistakes, TaskGroups, TaskFlow DAGs, a file with two DAGs, DAGs that
pull from other DAGs of the project (``dag_id=``), one very wide DAG, and one
file that does not parse.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

DOMAINS = ("sales", "billing", "marketing", "ops", "finance", "search", "ads", "crm", "payments", "logistics")
SUBJECTS = ("orders", "invoices", "clicks", "sessions", "refunds", "leads")
WIDE_DAG = "ops_backfill_wide"
OUTSIDE_DAG = "legacy_exports"  # a DAG the project pulls from but does not hold
WIDE_STEPS = 36
BROKEN_FILE = "dags/broken/half_written.py"
# line and column of the syntax error in BROKEN_FILE, as Python's own parser
# names it: before 3.10 its parser blames the end of the file for a bracket
# that is never closed
BROKEN_POSITION = (7, 24) if sys.version_info >= (3, 10) else (10, 1)

HEADER = '''\
from airflow.sdk import DAG, TaskGroup, task
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
'''


@dataclass
class Project:
    """What the generator wrote, for the tests to compare the page against."""

    root: Path
    dags: Dict[str, str] = field(default_factory=dict)  # dag id -> file (relative to root)
    with_findings: List[str] = field(default_factory=list)
    # (consumer DAG, producer DAG, producer task) of each cross-DAG pull
    cross: List[Tuple[str, str, str]] = field(default_factory=list)


def _etl(dag_id: str, typo: bool) -> str:
    key = "rows_pth" if typo else "rows_path"
    return HEADER + textwrap.dedent(f'''\


        def extract(ti):
            ti.xcom_push(key="rows_path", value="s3://lake/{dag_id}.parquet")


        def transform(ti):
            path = ti.xcom_pull(task_ids="extract", key="{key}")
            return {{"path": path}}


        def load(ti):
            return ti.xcom_pull(task_ids="transform")


        with DAG(dag_id="{dag_id}", schedule="@daily"):
            e = PythonOperator(task_id="extract", python_callable=extract)
            t = PythonOperator(task_id="transform", python_callable=transform)
            ld = PythonOperator(task_id="load", python_callable=load)
            done = BashOperator(task_id="notify", bash_command="echo {{{{ ti.xcom_pull(task_ids='load') }}}}")
            e >> t >> ld >> done
        ''')


def _grouped(dag_id: str, typo: bool) -> str:
    producer = "stage" if typo else "warehouse.stage"
    return HEADER + textwrap.dedent(f'''\


        def stage(ti):
            return "staging_table"


        def publish(ti):
            print(ti.xcom_pull(task_ids="{producer}"))


        with DAG(dag_id="{dag_id}", schedule="@hourly"):
            start = BashOperator(task_id="start", bash_command="echo start")
            with TaskGroup("warehouse") as warehouse:
                s = PythonOperator(task_id="stage", python_callable=stage)
                m = BashOperator(task_id="merge", bash_command="echo {{{{ ti.xcom_pull(task_ids='warehouse.stage') }}}}")
                s >> m
            p = PythonOperator(task_id="publish", python_callable=publish)
            start >> warehouse >> p
        ''')


def _taskflow(dag_id: str) -> str:
    return HEADER + textwrap.dedent(f'''\


        with DAG(dag_id="{dag_id}", schedule=None):

            @task
            def fetch():
                return [1, 2, 3]

            @task
            def total(values):
                return sum(values)

            @task
            def report(value):
                print(value)

            report(total(fetch()))
        ''')


def _consumer(dag_id: str, producer_dag: str, producer_task: str, key: str) -> str:
    return HEADER + textwrap.dedent(f'''\


        def read_upstream(ti):
            return ti.xcom_pull(dag_id="{producer_dag}", task_ids="{producer_task}", key="{key}")


        with DAG(dag_id="{dag_id}", schedule="@daily"):
            r = PythonOperator(task_id="read_upstream", python_callable=read_upstream)
            a = BashOperator(task_id="announce", bash_command="echo {{{{ ti.xcom_pull(task_ids='read_upstream') }}}}")
            r >> a
        ''')


def _two_dags(first: str, second: str) -> str:
    return HEADER + textwrap.dedent(f'''\


        def size(ti):
            return 42


        def check(ti):
            print(ti.xcom_pull(task_ids="size"))


        with DAG(dag_id="{first}", schedule=None):
            PythonOperator(task_id="size", python_callable=size) >> PythonOperator(task_id="check", python_callable=check)

        with DAG(dag_id="{second}", schedule=None):
            PythonOperator(task_id="size", python_callable=size) >> PythonOperator(task_id="check", python_callable=check)
        ''')


def _wide(dag_id: str, steps: int) -> str:
    """A chain of ``steps`` tasks, each reading the one before it: a graph far wider than a window."""
    lines = [HEADER, "", f'with DAG(dag_id="{dag_id}", schedule=None):']
    lines.append('    previous = BashOperator(task_id="backfill_partition_000", bash_command="echo 0")')
    for index in range(1, steps):
        name, before = f"backfill_partition_{index:03d}", f"backfill_partition_{index - 1:03d}"
        command = "echo {{ ti.xcom_pull(task_ids='%s') }}" % before
        lines.append(f'    current = BashOperator(task_id="{name}", bash_command="{command}")')
        lines.append("    previous >> current")
        lines.append("    previous = current")
    return "\n".join(lines) + "\n"


BROKEN = HEADER + '''

def pick(ti):
    return ti.xcom_pull(task_ids="a"


with DAG(dag_id="half_written", schedule=None):
    PythonOperator(task_id="a", python_callable=pick)
'''


def generate(root: Path, count: int = 120) -> Project:
    """Write ``count`` DAG files (plus one file with two DAGs and one that does not parse) under ``root/dags``."""
    project = Project(root)

    def write(relative: str, text: str, dag_ids: List[str], flagged: bool = False) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for dag_id in dag_ids:
            project.dags[dag_id] = relative
            if flagged:
                project.with_findings.append(dag_id)

    producers: List[str] = []
    for index in range(count):
        domain, subject = DOMAINS[index % len(DOMAINS)], SUBJECTS[(index // len(DOMAINS)) % len(SUBJECTS)]
        dag_id = f"{domain}_{subject}_{index:03d}"
        relative = f"dags/{domain}/{subject}_{index:03d}.py"
        kind = index % 5
        typo = index % 7 == 3
        if kind in (0, 3):
            write(relative, _etl(dag_id, typo), [dag_id], typo)
            producers.append(dag_id)
        elif kind == 1:
            write(relative, _grouped(dag_id, typo), [dag_id], typo)
        elif kind == 2:
            write(relative, _taskflow(dag_id), [dag_id])
        elif index % 20 == 4:
            # reads from a DAG outside the linted files: drawn, but nothing to link to
            write(relative, _consumer(dag_id, OUTSIDE_DAG, "export", "return_value"), [dag_id])
            project.cross.append((dag_id, OUTSIDE_DAG, "export"))
        else:
            producer = producers[-1]
            write(relative, _consumer(dag_id, producer, "extract", "rows_path"), [dag_id])
            project.cross.append((dag_id, producer, "extract"))
    write("dags/ops/backfill_wide.py", _wide(WIDE_DAG, WIDE_STEPS), [WIDE_DAG])
    write("dags/shared/twins.py", _two_dags("twins_left", "twins_right"), ["twins_left", "twins_right"])
    (root / BROKEN_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / BROKEN_FILE).write_text(BROKEN, encoding="utf-8")
    return project


if __name__ == "__main__":  # python tests/graph_project.py DIR: write the project, to look at by hand
    import sys

    made = generate(Path(sys.argv[1]))
    print(f"{len(made.dags)} DAGs in {sys.argv[1]}")
