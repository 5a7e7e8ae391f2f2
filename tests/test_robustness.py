"""Never crash: property-based, mutation and pathological inputs over the whole pipeline.

Every input gets findings or silence, never a traceback and never an internal
error. The example counts are small for CI; set XCOMLINT_FUZZ_EXAMPLES=2000
for a longer run.
"""

from __future__ import annotations

import os
import random
import sys
import textwrap
from pathlib import Path
from typing import List

import hypothesmith
import pytest
from conftest import settings_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xcomlint.engine import lint_source

EXAMPLES = int(os.environ.get("XCOMLINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
ALL = settings_for(["ALL"])
ROOT = Path(__file__).parent.parent
SEEDS = sorted((ROOT / "tests" / "model_cases").glob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))


def assert_survives(source, path: str = "fuzz.py") -> None:
    result = lint_source(path, source, ALL)
    assert not result.errors, result.errors
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.code.startswith("XCL")


@FUZZ
@given(hypothesmith.from_grammar())
# hypothesmith compiles what it generates; Python warns about shapes like ``1()``
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_any_valid_python(source: str) -> None:
    assert_survives(source)


@FUZZ
@given(st.text())
def test_any_text(source: str) -> None:
    assert_survives(source)


@FUZZ
@given(st.binary())
def test_any_bytes(data: bytes) -> None:
    assert_survives(data)


ODD_CALL_SHAPES = [
    "ti.xcom_pull(*args, **kwargs)",
    "ti.xcom_pull(**{'task_ids': 'a'})",
    "ti.xcom_pull(task_ids=[*names, 'b'])",
    "ti.xcom_pull(task_ids=('a',), key=f'{x!r:>{w}}')",
    "ti.xcom_pull()()",
    "ti.xcom_pull(task_ids=lambda: 'a')",
    "context['ti'].xcom_push(*pair)",
    "ti.xcom_push(key=None, value=None)",
    "chain(*tasks)",
    "[*groups] >> end",
    "a >> b >> [c, *rest] << d",
    "t.override()(t.override(task_id=None))",
    "BashOperator(task_id=f'{{{{ {x} }}}}', bash_command='{{ ti.xcom_pull(task_ids={% raw %}x{% endraw %}) }}')",
    "BashOperator(task_id='t', bash_command='{{ ti.xcom_pull(task_ids=ti.xcom_pull(task_ids=\"a\")) }}')",
    "BashOperator(task_id='t', bash_command='{{ ti.xcom_pull(task_ids= }}')",
    "BashOperator(task_id='t', bash_command='{% set x = ti.xcom_pull(task_ids=\"a\") %}{{ x }}')",
    "XComArg(XComArg(t))['k']['j']",
    "dag.add_task(t)",
    "with TaskGroup(group_id=None): pass",
    "with DAG(): pass",
    "@task_group()\ndef g(): return g()\ng()",
    "def f(): return f()\nf()",
]


def _mutants(source: str, rng: random.Random) -> List[str]:
    lines = source.splitlines()
    mutants = []
    for _ in range(6):
        dropped = list(lines)
        for _ in range(rng.randint(1, 3)):
            if dropped:
                dropped.pop(rng.randrange(len(dropped)))
        mutants.append("\n".join(dropped))
    mutants.append(source[: rng.randrange(len(source) + 1)])  # truncated anywhere
    for shape in ODD_CALL_SHAPES:
        index = rng.randrange(len(lines) + 1)
        indent = "    " if index and lines[index - 1].startswith((" ", "with", "def", "@")) else ""
        inserted = lines[:index] + [textwrap.indent(shape, indent)] + lines[index:]
        mutants.append("\n".join(inserted))
    return mutants


@pytest.mark.parametrize("seed_file", SEEDS, ids=[p.name for p in SEEDS])
def test_mutated_real_dag_files(seed_file: Path) -> None:
    rng = random.Random(seed_file.name)
    source = seed_file.read_text()
    for mutant in _mutants(source, rng):
        assert_survives(mutant, seed_file.name)


PATHOLOGICAL = {
    "deep parentheses": "x = " + "(" * 200 + "1" + ")" * 200 + "\n",
    "deeply nested lists": "x = " + "[" * 90 + "]" * 90 + "\n",
    "deep blocks": "".join("    " * i + "if x:\n" for i in range(60)) + "    " * 60 + "pass\n",
    "long >> chain": "from airflow.sdk import DAG\nfrom airflow.providers.standard.operators.empty import EmptyOperator\n"
    "with DAG('d'):\n    " + " >> ".join(f"EmptyOperator(task_id='t{i}')" for i in range(400)) + "\n",
    "huge file": "from airflow.sdk import DAG, task\nwith DAG('d'):\n"
    + "".join(f"    @task\n    def t{i}(ti=None):\n        return ti.xcom_pull(task_ids='t{i - 1}')\n    t{i}()\n" for i in range(1500)),
    "bom": "\ufefffrom airflow.sdk import DAG\nwith DAG('d'):\n    pass\n",
    "crlf": "from airflow.sdk import DAG\r\nwith DAG('d'):\r\n    x = '{{ ti.xcom_pull(task_ids=\"a\") }}'\r\n",
    "tabs": "from airflow.sdk import DAG\nwith DAG('d'):\n\tx = 1\n",
    "mixed tabs and spaces": "if x:\n\tif y:\n        pass\n",
    "null bytes": "from airflow.sdk import DAG\x00\nwith DAG('d'):\n    pass\n",
    "python 2 print": "print 'hello'\n",
    "python 2 except": "try:\n    pass\nexcept Exception, e:\n    pass\n",
    "python 3.12 type alias": "type Point = tuple[float, float]\n",
    "python 3.12 generics": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
    "nested f-strings": "x = f\"{f'{1}'}\"\n",
    "match statement": "match x:\n    case {'a': 1}:\n        pass\n    case _:\n        pass\n",
    "async and walrus": "async def f():\n    if (n := await g()):\n        async for x in y:\n            yield x\n",
    "only a comment": "# nothing here\n",
    "empty": "",
    "unterminated string": "x = '''abc\n",
    "recursive local factory": "from airflow.sdk import DAG\ndef f(n):\n    return f(n)\nwith DAG('d'):\n    f(1)\n",
    "self-referencing names": "a = a\nb = b.c\nwith b:\n    pass\n",
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_sources(source: str) -> None:
    assert_survives(source)
    assert_survives(source.encode("utf-8"))


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\x00x = 1", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", b"# coding: nope\nx = 1\n", b"x = '\xe9'\n"],
    ids=["utf-16ish", "latin-1 cookie", "unknown cookie", "invalid utf-8"],
)
def test_encodings(data: bytes) -> None:
    assert_survives(data)


def test_undecodable_file_is_a_syntax_error_finding() -> None:
    result = lint_source("bad.py", b"x = '\xe9'\n", ALL)
    assert [f.code for f in result.findings] == ["XCL001"]
    assert "decode" in result.findings[0].message


def test_recursion_limit_is_restored() -> None:
    limit = sys.getrecursionlimit()
    assert_survives(PATHOLOGICAL["deep parentheses"])
    assert sys.getrecursionlimit() == limit


def test_a_file_that_uses_up_its_evaluation_steps_survives(monkeypatch: pytest.MonkeyPatch) -> None:
    """The builder stops a file at MAX_STEPS; the Jinja pulls in strings no task
    renders are read after that, and must not raise the budget's exception."""
    from xcomlint.model import builder

    monkeypatch.setattr(builder, "MAX_STEPS", 40)
    source = "from airflow.sdk import DAG\n" + "x = 1 + 2 + 3\n" * 30 + (
        "TEMPLATE = '{{ ti.xcom_pull(task_ids=\"a\") }}'\n"
        "def f(ti):\n    return ti.xcom_pull(task_ids='a')\n"
        "with DAG('d'):\n    pass\n"
    )
    assert_survives(source)
