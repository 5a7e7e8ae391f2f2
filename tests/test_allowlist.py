"""The allow-list: loading with exact error locations, the schema, the XCL3xx
rules, and ``allowlist init`` round trips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import invoke

from xcomlint.allowlist import AllowListError, parse_allowlist
from xcomlint.allowlist.loader import SCHEMA_PATH

EXAMPLES = Path(__file__).parent.parent / "examples" / "dags"

VALID = """\
version: 1
dags:
  etl_daily:
    xcoms:
      - from: extract
        key: s3_path
        to: [transform]
      - from: transform
        to: ["load_*"]
        exclusive: true
    cross_dag:
      - dag: upstream_daily
        from: publish
        key: marker
        to: [wait_for_marker]
  quiet: {}
"""


def test_the_spec_example_loads() -> None:
    allowlist = parse_allowlist(VALID, "a.yaml")
    rules = allowlist.dags["etl_daily"]
    assert [(r.producer, r.key, r.consumers, r.exclusive, r.line) for r in rules.xcoms] == [
        ("extract", "s3_path", ("transform",), False, 5),
        ("transform", "return_value", ("load_*",), True, 8),
    ]
    assert rules.cross_dag[0].dag == "upstream_daily" and rules.cross_dag[0].line == 12
    assert allowlist.dags["quiet"].xcoms == ()


ERRORS = {
    "broken YAML": ("version: 1\ndags:\n  etl: [\n", 4, "invalid YAML"),
    "empty file": ("", 1, "the allow-list is empty"),
    "unknown top-level field": ("version: 1\ndags: {}\nstrict: true\n", 3, "unknown field 'strict'"),
    "missing dags": ("version: 1\n", 1, "missing required field 'dags'"),
    "wrong version": ("version: 2\ndags: {}\n", 1, "expected 1"),
    "unknown entry field": ("version: 1\ndags:\n  d:\n    xcoms:\n      - from: a\n        too: [b]\n", 6, "unknown field 'too'"),
    "missing from": ("version: 1\ndags:\n  d:\n    xcoms:\n      - key: k\n        to: [b]\n", 5, "missing required field 'from'"),
    "to is not a list": ("version: 1\ndags:\n  d:\n    xcoms:\n      - from: a\n        to: b\n", 6, "expected a list of task ids"),
    "exclusive is not a bool": ("version: 1\ndags:\n  d:\n    xcoms:\n      - from: a\n        exclusive: maybe\n", 6, "expected true or false"),
    "key is not a string": ("version: 1\ndags:\n  d:\n    xcoms:\n      - from: a\n        key: 3\n", 6, "expected a string"),
    "duplicate entry": ("version: 1\ndags:\n  d:\n    xcoms:\n      - from: a\n      - from: a\n        to: [b]\n", 6, "duplicate entry"),
    "duplicate DAG": ("version: 1\ndags:\n  d: {}\n  d: {}\n", 4, "duplicate field 'd'"),
    "xcoms not a list": ("version: 1\ndags:\n  d:\n    xcoms: {from: a}\n", 4, "expected a list of entries"),
    "cross_dag without dag": ("version: 1\ndags:\n  d:\n    cross_dag:\n      - from: a\n        to: [b]\n", 5, "missing required field 'dag'"),
}


@pytest.mark.parametrize("text,line,message", ERRORS.values(), ids=ERRORS.keys())
def test_errors_name_file_line_and_column(text: str, line: int, message: str) -> None:
    with pytest.raises(AllowListError) as raised:
        parse_allowlist(text, "allow.yaml")
    error = raised.value
    assert (error.path, error.line) == ("allow.yaml", line)
    assert message in str(error)
    assert str(error).startswith(f"allow.yaml:{line}:{error.column}: ")


# JSON Schema cannot see duplicate YAML keys or entries unique by two fields;
# the loader rejects those on top of what the schema says
BEYOND_SCHEMA = {"duplicate entry", "duplicate DAG", "broken YAML", "empty file"}


@pytest.mark.parametrize(
    "name,text",
    [("valid", VALID)] + [(name, case[0]) for name, case in ERRORS.items() if name not in BEYOND_SCHEMA],
)
def test_the_shipped_schema_agrees_with_the_loader(name: str, text: str) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    loader_ok = True
    try:
        parse_allowlist(text, "a.yaml")
    except AllowListError:
        loader_ok = False
    assert jsonschema.Draft7Validator(schema).is_valid(yaml.safe_load(text)) == loader_ok
    assert loader_ok == (name == "valid")


def test_schema_ships_in_the_package() -> None:
    assert SCHEMA_PATH.is_file() and SCHEMA_PATH.parent.name == "allowlist"


# --------------------------------------------------------------------- CLI
def run(*args: str):
    return invoke(*args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "dags")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _xcl3(output: str) -> list:
    return [line for line in output.splitlines() if ": XCL3" in line]


def test_round_trip_init_then_check_is_clean_and_a_new_pull_leaks(project: Path) -> None:
    result = run("allowlist", "init", "dags", "--output", "allow.yaml")
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr
    parse_allowlist((project / "allow.yaml").read_text(), "allow.yaml")
    checked = run("check", "dags", "--allowlist", "allow.yaml", "--select", "XCL3")
    # only the flows init left out (their pulls have findings: orders_etl.py is
    # buggy on purpose) are not permitted
    assert [line.split(": ")[0] for line in checked.stdout.splitlines()] == [
        "dags/orders_etl.py:20:12", "dags/orders_etl.py:25:12", "dags/orders_etl.py:26:13", "dags/orders_etl.py:46:41"]
    assert all(": XCL301 key-leak:" in line for line in checked.stdout.splitlines())
    checked = run("check", "dags/orders_taskflow.py", "--allowlist", "allow.yaml", "--select", "XCL3")
    # linted alone, the other DAG of the allow-list is not defined: it is said so
    assert _xcl3(checked.stdout) == [
        "allow.yaml:8:3: XCL303 stale-allowlist-entry: DAG 'orders_etl' is listed in the allow-list, but no linted "
        "file defines it: its entries check nothing; did you mean 'orders_taskflow'?"]
    source = (project / "dags" / "orders_taskflow.py").read_text()
    source = source.replace(
        'rows >> notify >> BashOperator(task_id="report", bash_command="echo done")',
        'rows >> notify >> BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids=\'validate\') }}")',
    )
    (project / "dags" / "orders_taskflow.py").write_text(source)
    checked = run("check", "dags", "--allowlist", "allow.yaml", "--select", "XCL3")
    assert checked.exit_code == 1
    assert [line for line in _xcl3(checked.stdout) if "orders_etl.py" not in line] == [
        "dags/orders_taskflow.py:40:79: XCL301 key-leak: 'report' reads key 'return_value' of 'validate', which "
        "the allow-list does not permit (only 'warehouse.load', 'warehouse.stage' may read it in DAG "
        "'orders_taskflow'); add 'report' to that entry's 'to' if the flow is intended"
    ]


def test_init_refuses_to_overwrite_without_force(project: Path) -> None:
    (project / "allow.yaml").write_text("keep me")
    result = run("allowlist", "init", "dags", "--output", "allow.yaml")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert (project / "allow.yaml").read_text() == "keep me"
    assert run("allowlist", "init", "dags", "--output", "allow.yaml", "--force").exit_code == 0
    assert (project / "allow.yaml").read_text().startswith("# xcomlint allow-list")


def test_init_output_is_sorted_and_commented(project: Path) -> None:
    text = run("allowlist", "init", "dags", "--output", "-").stdout
    assert text.splitlines()[0].startswith("# xcomlint allow-list")
    assert "  orders_etl:  # dags/orders_etl.py" in text
    assert text.index("orders_etl:") < text.index("orders_taskflow:")


def test_broken_allowlist_exits_2_and_nothing_is_reported(project: Path) -> None:
    (project / "allow.yaml").write_text("version: 1\ndags:\n  orders_etl:\n    xcoms:\n      - frm: x\n")
    result = run("check", "dags", "--allowlist", "allow.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "allow.yaml:5:9: dags.orders_etl.xcoms[0]: unknown field 'frm'" in result.stderr


def test_allowlist_from_config(project: Path) -> None:
    run("allowlist", "init", "dags", "--output", "allow.yaml")
    text = (project / "allow.yaml").read_text().replace("from: warehouse.stage\n", "from: warehouse.gone\n", 1)
    (project / "allow.yaml").write_text(text)
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nallowlist = "allow.yaml"\nselect = ["XCL3"]\n')
    result = run("check", "dags")
    assert result.exit_code == 1
    codes = sorted({line.split(": ")[1].split()[0] for line in _xcl3(result.stdout)})
    assert codes == ["XCL301", "XCL303"]


def test_the_readme_allowlist_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README shows this exact output for examples/allowlist."""
    monkeypatch.chdir(EXAMPLES.parent / "allowlist")
    result = run("check", "dags", "--allowlist", "xcomlint-allowlist.yaml")
    assert result.exit_code == 1
    readme = (EXAMPLES.parent.parent / "README.md").read_text()
    for line in result.stdout.splitlines():
        assert line in readme
    assert len(result.stdout.splitlines()) == 2
