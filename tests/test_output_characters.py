"""No output format carries a control character: unknown parts of keys and ids
(f-string holes, which the model marks internally) and control characters written
in the linted code's strings are shown readably, in every format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
from conftest import invoke_in, model_of

from xcomlint.model.records import UNKNOWN

# newline and tab lay text out; any other C0 or C1 control character or DEL is a defect
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

TEMPLATES = '''\
from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
from settings import SOMEKEY

KEY = "rows"


def produce(ti):
    ti.xcom_push(key="rows", value=2)


with DAG("templates", start_date=datetime(2024, 1, 1)) as dag:
    p = PythonOperator(task_id="produce", python_callable=produce)
    constant = BashOperator(task_id="constant", bash_command=f'echo {{{{ ti.xcom_pull(task_ids="produce", key="{KEY}") }}}}')
    hole = BashOperator(task_id="hole", bash_command=f'echo {{{{ ti.xcom_pull(task_ids="produce", key="{SOMEKEY}") }}}}')
    part = BashOperator(task_id="part", bash_command=f'echo {{{{ ti.xcom_pull(task_ids="produce", key="row_{SOMEKEY}") }}}}')
    task = BashOperator(task_id="task", bash_command=f'echo {{{{ ti.xcom_pull(task_ids="prod_{SOMEKEY}", key="rows") }}}}')
    push = BashOperator(task_id="push", bash_command=f'echo {{{{ ti.xcom_push(key="k_{SOMEKEY}", value=1) }}}}')
    p >> [constant, hole, part, task, push]
'''

DYNAMIC = '''\
from airflow.sdk import DAG, TaskGroup, task
from airflow.providers.standard.operators.bash import BashOperator
from settings import ENV, KEY, TABLES

with DAG(f"etl_{ENV}", schedule=None):
    with TaskGroup(f"group_{ENV}"):
        @task(task_id=f"extract_{ENV}")
        def extract(ti=None):
            ti.xcom_push(key=f"rows_{ENV}", value=1)
            ti.xcom_push(key=KEY, value=2)
            return {"a": 1}

        e = extract()
    load = BashOperator(task_id=f"load_{ENV}",
                        bash_command=f"echo {e} {{{{ ti.xcom_pull(task_ids='extract_{ENV}', key='rows_{ENV}') }}}}")
    for name in TABLES:
        BashOperator(task_id=f"copy_{name}", bash_command=f"echo {{{{ ti.xcom_pull(task_ids='copy_{name}x') }}}}")
    e >> load
'''

# keys written with escapes: the findings quote them
ESCAPES = '''\
from airflow.sdk import DAG, task

with DAG("escapes", schedule=None):
    @task
    def produce(ti=None):
        ti.xcom_push(key="clear\\x1b[2J\\x07", value=1)

    @task
    def consume(ti=None):
        return ti.xcom_pull(task_ids="produce", key="clear\\x1b[2J\\x01")

    produce() >> consume()
'''

CHECK_FORMATS = ("text", "full", "json", "sarif", "github")
GRAPH_FORMATS = ("json", "mermaid", "dot", "html")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, source in (("templates.py", TEMPLATES), ("dynamic.py", DYNAMIC), ("escapes.py", ESCAPES)):
        (tmp_path / name).write_text(source)
    return tmp_path


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _controls(text: str, is_json: bool) -> List[Tuple[int, str]]:
    """The control characters of an output, and the mark of an unknown part in the
    strings a JSON output holds (json writes it as a ``\\u0000`` escape). A key
    the code writes with control characters is data there, escaped as JSON does."""
    found = [(match.start(), repr(match.group())) for match in CONTROL.finditer(text)]
    if is_json:
        found += [(-1, repr(s)) for s in _strings(json.loads(text)) if "\x00" in s]
    return found


def test_every_output_format_is_free_of_control_characters(project: Path) -> None:
    outputs = {}
    for output_format in CHECK_FORMATS:
        result = invoke_in(project, "check", "--no-cache", "--extend-select", "XCL105", "--format", output_format, ".")
        assert result.exit_code == 1, result.output
        outputs[f"check {output_format}"] = (result.stdout + result.stderr, False)
        if output_format in ("json", "sarif"):
            outputs[f"check {output_format} data"] = (result.stdout, True)
    for output_format in GRAPH_FORMATS:
        result = invoke_in(project, "graph", "--no-cache", "--format", output_format, "-o", f"graph.{output_format}",
                           ".")
        assert result.exit_code == 0, result.output
        text = (project / f"graph.{output_format}").read_text(encoding="utf-8")
        outputs[f"graph {output_format}"] = (text + result.stderr, False)
        if output_format == "json":
            outputs["graph json data"] = (text, True)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "XCL", "."], cwd=project,
                            capture_output=True, text=True, timeout=300)
    assert flake8.returncode == 1, flake8.stderr
    outputs["flake8"] = (flake8.stdout + flake8.stderr, False)
    found = {name: _controls(text, is_json) for name, (text, is_json) in outputs.items()}
    assert {name: places for name, places in found.items() if places} == {}
    # the findings that quote such keys and ids are there, readable
    text = outputs["check text"][0]
    assert "no task of DAG 'templates' has an id like 'prod_…'" in text
    assert "never pushes key 'clear\\x1b[2J\\x01'; did you mean 'clear\\x1b[2J\\x07'?" in text


def test_a_module_constant_in_an_f_string_template_is_its_value(project: Path) -> None:
    # key="{KEY}" with KEY = "rows": the pull reads 'rows' of 'produce' and is checked
    result = invoke_in(project, "graph", "--no-cache", "--format", "json", "templates.py")
    (dag,) = json.loads(result.stdout)["dags"]
    flows = {flow["consumer"]: (flow["producer"], flow["key"]) for flow in dag["xcoms"]}
    assert flows["constant"] == ("produce", "rows")
    # a key or an id with an unknown part is unknown, as in a Python pull
    assert flows["hole"] == flows["part"] == ("produce", None)
    assert flows["task"] == (None, "rows")
    model = model_of(TEMPLATES)
    (pull,) = [p for p in model.dags[0].pulls if p.consumer == "task"]
    assert pull.task_ids is UNKNOWN and pull.task_ids_parts == ("prod_", "")
    assert [push.key for push in model.dags[0].pushes if push.task_id == "push" and push.via == "template"] == [UNKNOWN]
