"""Value analysis: what the model knows about pushed and returned values, and
how XCL201-XCL203 judge it per serialization mode and Airflow version."""

from __future__ import annotations

import textwrap
from typing import List, Optional

import pytest
from conftest import model_of

from xcomlint.engine import lint_source
from xcomlint.rules import all_rules
from xcomlint.settings import Settings, select_codes

HEADER = """\
import datetime as dt
import os
import uuid
from decimal import Decimal
from dataclasses import dataclass
import pandas as pd
from airflow.sdk import DAG, task, Variable
from airflow.hooks.base import BaseHook

@dataclass
class Point:
    x: int

class Plain:
    pass

def gen():
    yield 1

with DAG(dag_id="d", schedule=None):
    @task
    def t():
        {body}
    t()
"""


def returned(body: str):
    model = model_of(HEADER.replace("{body}", textwrap.indent(body, " " * 8).strip()))
    pushes = [p for p in model.dags[0].pushes if p.via == "return"]
    assert len(pushes) == 1, pushes
    return pushes[0].value


KINDS = {
    "return {1, 2}": ["set"],
    "return b'raw'": ["bytes"],
    "return 1j": ["complex"],
    "return dt.datetime.now()": ["datetime"],
    "return dt.date.today()": ["datetime"],
    "return Decimal('1.5')": ["decimal"],
    "return uuid.uuid4()": ["uuid"],
    "return (x for x in range(3))": ["generator"],
    "return gen()": ["generator"],
    "return lambda: 1": ["function"],
    "return open('f')": ["file"],
    "return Point(1)": ["dataclass"],
    "return Plain()": ["user_class"],
    "return {('a', 1): 2}": ["tuple_keys"],
    "return {'when': dt.datetime.now(), 'ok': [1, {2, 3}]}": ["datetime", "set"],
    "value = {1, 2}\nreturn value": ["set"],
    "return list(range(3))": [],
    "return sorted({3, 1})": [],
    "return dt.datetime.now().isoformat()": [],
    "return {'a': [1, 2], 'b': 'x'}": [],
    "return compute()": [],
    # what builtins return: the keyword arguments are not part of the value
    "return sorted(set(ids), key=lambda x: x.lower())": [],
    "return list(ids)": [],
    "return max(items, key=lambda item: item[1])": [],
    "return min(dt.date.today(), dt.date(2020, 1, 1))": ["datetime"],
    "return len({1, 2})": [],
    "return ', '.join(sorted({'a', 'b'}))": [],
    "return mapping.get('key', [])": [],
    # date and time arithmetic
    "return dt.date.today() + dt.timedelta(days=1)": ["datetime"],
    "return dt.datetime.now() - dt.datetime(2020, 1, 1)": ["timedelta"],
    "return dt.timedelta(hours=1) * 3": ["timedelta"],
    "return max_date + dt.timedelta(days=1)": ["temporal"],
    "return (dt.datetime.now() - started) / dt.timedelta(hours=1)": [],
    "return dt.datetime.strftime(dt.datetime.now(), '%Y')": [],
}


@pytest.mark.parametrize("body,kinds", KINDS.items(), ids=list(KINDS))
def test_non_json_kinds(body: str, kinds: List[str]) -> None:
    assert [kind for kind, _ in returned(body).non_json] == kinds


DESCRIPTIONS = {
    "return dt.date.today()": "a date from datetime.date.today()",
    "return dt.datetime.now().date()": "a date from dt.datetime.now().date()",
    "return dt.date.today() + dt.timedelta(days=1)": "a date from dt.date.today() + dt.timedelta(days=1)",
    "return dt.datetime.now() - dt.datetime(2020, 1, 1)": "a timedelta from dt.datetime.now() - dt.datetime(2020, 1, 1)",
    "return max_date + dt.timedelta(days=1)": "a date, datetime or timedelta from max_date + dt.timedelta(days=1)",
    "return started - dt.timedelta(days=1)": "a date, datetime or timedelta from started - dt.timedelta(days=1)",
    "return dt.datetime.now() - started": "a datetime or timedelta from dt.datetime.now() - started",
    "return dt.datetime.now().utcoffset()": "a timedelta from dt.datetime.now().utcoffset()",
}


@pytest.mark.parametrize("body,description", DESCRIPTIONS.items(), ids=list(DESCRIPTIONS))
def test_date_and_time_values_are_described_by_their_type(body: str, description: str) -> None:
    assert [text for _, text in returned(body).non_json] == [description]


@pytest.mark.parametrize("value,advice", [
    ("dt.datetime.now()", "push .isoformat() instead"),
    ("dt.datetime.now() - dt.datetime(2020, 1, 1)", "push .total_seconds() or str(value) instead"),
    ("max_date + dt.timedelta(days=1)", ".isoformat() of a date or datetime, .total_seconds() of a timedelta"),
])
def test_the_advice_holds_for_the_type(value: str, advice: str) -> None:
    selected = select_codes({r.code: r.default for r in all_rules()}, select=["XCL201"])
    result = lint_source("dag.py", MODES.replace("{body}", value), Settings(selected=selected))
    assert [f.code for f in result.findings] == ["XCL201"]
    assert advice in result.findings[0].message
    if "timedelta" in advice:
        assert ".isoformat() instead" not in result.findings[0].message


PAYLOADS = {
    "return pd.read_csv('x.csv')": (True, "a DataFrame from pd.read_csv()"),
    "df = pd.read_parquet('x')\nreturn df": (True, "a DataFrame from pd.read_parquet()"),
    "df = pd.read_parquet('x')\nreturn df.to_dict()": (False, "the data of a DataFrame (to_dict())"),
    "return cursor.fetchall()": (False, "query rows from fetchall()"),
    "with open('f') as handle:\n    return handle.read()": (False, "the contents of a file (read())"),
    "return open('f').read()": (False, "the contents of a file (read())"),
    "return 's3://bucket/key.csv'": (False, None),
}


@pytest.mark.parametrize("body,expected", PAYLOADS.items(), ids=list(PAYLOADS))
def test_payloads(body: str, expected) -> None:
    value = returned(body)
    assert (value.dataframe, value.payload) == expected


SECRETS = {
    "return Variable.get('db_password')": "Variable.get('db_password')",
    "return Variable.get('bucket_name')": None,
    "return BaseHook.get_connection('pg').password": "the password of connection 'pg'",
    "conn = BaseHook.get_connection('pg')\nreturn {'uri': conn.get_uri()}": "the get_uri() of connection 'pg'",
    "return 'Bearer ' + os.environ['API_TOKEN']": "the environment variable API_TOKEN",
    "return os.getenv('SERVICE_SECRET')": "the environment variable SERVICE_SECRET",
    "return os.getenv('HOME')": None,
    "token = Variable.get('api_key')\nreturn f'key={token}'": "Variable.get('api_key')",
    "return BaseHook.get_connection('pg').host": None,
}


@pytest.mark.parametrize("body,secret", SECRETS.items(), ids=list(SECRETS))
def test_secrets(body: str, secret: Optional[str]) -> None:
    assert returned(body).secret == secret


def _codes(source: str, serialization: str = "json", airflow_version: int = 3, **extra) -> List[str]:
    selected = select_codes({r.code: r.default for r in all_rules()}, select=["XCL2"])
    settings = Settings(selected=selected, serialization=serialization, airflow_version=airflow_version, **extra)
    result = lint_source("dag.py", textwrap.dedent(source), settings)
    return [f.code for f in result.findings]


MODES = HEADER.replace("{body}", "return {body}")


@pytest.mark.parametrize(
    "value,json_mode,airflow2,airflow3",
    [
        ("{1, 2}", ["XCL201"], [], []),
        ("dt.datetime.now()", ["XCL201"], [], []),
        ("uuid.uuid4()", ["XCL201"], ["XCL201"], []),
        ("{('a', 1): 2}", ["XCL201"], ["XCL201"], []),
        ("b'raw'", ["XCL201"], ["XCL201"], ["XCL201"]),
        ("Point(1)", ["XCL201"], ["XCL201"], ["XCL201"]),
        ("pd.read_csv('x')", ["XCL202"], ["XCL202"], ["XCL202"]),
        ("[1, 2, 3]", [], [], []),
    ],
)
def test_serialization_modes_and_versions(value, json_mode, airflow2, airflow3) -> None:
    source = MODES.replace("{body}", value)
    assert _codes(source) == json_mode
    assert _codes(source, "airflow", 2) == airflow2
    assert _codes(source, "airflow", 3) == airflow3


def test_large_literal_threshold_is_configurable() -> None:
    source = MODES.replace("{body}", "[" + ", ".join(["'abcdefghij'"] * 20) + "]")
    assert _codes(source) == []
    assert _codes(source, large_value_bytes=100) == ["XCL202"]


def test_xcl108_severity_follows_the_airflow_version() -> None:
    source = """\
        from airflow.sdk import DAG, task
        with DAG(dag_id="d", schedule=None):
            @task
            def t(ti=None):
                return ti.xcom_pull(task_ids="t", key=None)
            t()
        """
    for version, severity in ((2, "warning"), (3, "error")):
        selected = select_codes({r.code: r.default for r in all_rules()}, select=["XCL108"])
        result = lint_source("dag.py", textwrap.dedent(source), Settings(selected=selected, airflow_version=version))
        assert [(f.code, f.severity) for f in result.findings] == [("XCL108", severity)]


FIX_GATE = """\
from datetime import datetime, timedelta
from airflow.sdk import DAG, task


@task
def stamp():
    return datetime.now()


@task
def checked_at(ti=None):
    ti.xcom_push(key="at", value=datetime.now())


@task
def consume(value, ti=None):
    at = ti.xcom_pull(task_ids="checked_at", key="at")
    print({use})


with DAG(dag_id="d", schedule=None):
    consume(stamp()) << checked_at()
"""


@pytest.mark.parametrize("use,unfixable", [
    ("value, at", []),
    ("value + timedelta(hours=1), at", ["stamp"]),
    ("value, at.time()", ["checked_at"]),
    ("value < at", ["stamp", "checked_at"]),
])
def test_no_unsafe_fix_where_a_consumer_operates_on_the_value(use: str, unfixable: List[str]) -> None:
    """``.isoformat()`` makes the value a string: ``value + threshold`` or
    ``value.time()`` in the task that pulls it would fail."""
    selected = select_codes({r.code: r.default for r in all_rules()}, select=["XCL201"])
    result = lint_source("dag.py", FIX_GATE.replace("{use}", use), Settings(selected=selected))
    assert sorted(f.task_id for f in result.findings) == ["checked_at", "stamp"]
    assert sorted(f.task_id for f in result.findings if f.fix is None) == sorted(unfixable)
