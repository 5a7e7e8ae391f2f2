"""The pre-checks that skip libcst: they must never change a finding, nor a model a command needs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import invoke, settings_for
from dag_sources import known_sources

from xcomlint.engine import lint_source
from xcomlint.model import build_file_model
from xcomlint.prefilter import is_valid_python, may_hold_xcom_code, may_hold_xcom_sites

SOURCES = known_sources()


def test_the_premise_holds_for_every_known_source() -> None:
    """The skip is safe only if no text without the trigger words yields a model
    record. Every source the model is tested on must therefore pass the check;
    a future model feature that recognises DAGs without those words fails here."""
    assert len(SOURCES) > 20
    modelled = 0
    for name, source in SOURCES:
        model = build_file_model("dag.py", source)
        if model.dags or model.loose_pulls:
            modelled += 1
            assert may_hold_xcom_code(source), name
    assert modelled > 10


@pytest.mark.parametrize("source", [
    "import os\nprint(os.getcwd())\n",
    "x = 1  # noqa: E501\ny = 2  # NOQA\n",
    "class Loader:\n    def run(self, ti):\n        return ti.pull('a')\n",
    "",
])
def test_a_skipped_file_gets_the_model_libcst_would_give(source: str) -> None:
    assert not may_hold_xcom_code(source) and is_valid_python(source)
    result = lint_source("util.py", source, settings_for())
    assert result.model == build_file_model("util.py", source)
    assert result.findings == [] and result.errors == []


@pytest.mark.parametrize("word", ["airflow", "Airflow", "DAG", "dag", "my_dag", "XCom", "xcom_pull", "XCOM"])
def test_any_trigger_word_in_any_case_keeps_the_file(word: str) -> None:
    assert may_hold_xcom_code(f"x = 1\n# {word}\n")


def test_a_syntax_error_is_still_reported_where_libcst_reports_it() -> None:
    """CPython rejects it, so the file is not skipped: XCL001 is libcst's as before."""
    source = "def f(:\n    pass\n"
    assert not may_hold_xcom_code(source) and not is_valid_python(source)
    result = lint_source("broken.py", source, settings_for())
    assert [(f.code, f.line, f.column) for f in result.findings] == [("XCL001", 1, 7)]
    assert result.model == build_file_model("broken.py", source)


def test_the_same_error_in_a_dag_file_and_in_a_plain_file() -> None:
    plain = "def f(:\n    pass\n"
    dag = "from airflow import DAG\n" + plain
    (found_plain,) = lint_source("a.py", plain, settings_for()).findings
    (found_dag,) = lint_source("b.py", dag, settings_for()).findings
    assert found_plain.message == found_dag.message
    assert (found_plain.line + 1, found_plain.column) == (found_dag.line, found_dag.column)


def _sites(source: str) -> list:
    """The XCom sites of the full model: what a check run must not lose."""
    model = build_file_model("dag.py", source)
    pushes = [p for dag in model.dags for p in dag.pushes if p.via != "operator"]
    misuses = [m for dag in model.dags for m in dag.xcomarg_misuses]
    return [*model.all_pulls(), *pushes, *misuses]


def test_the_site_premise_holds_for_every_known_source() -> None:
    """Every known source with an XCom site passes the site test, and a check
    run lints every known source to the findings a full model gives."""
    with_sites = 0
    for name, source in SOURCES:
        if _sites(source):
            with_sites += 1
            assert may_hold_xcom_sites(source), name
        full = lint_source("dag.py", source, settings_for(full_model=True))
        quick = lint_source("dag.py", source, settings_for())
        assert quick.findings == full.findings, name
    assert with_sites > 20


OPERATORS_ONLY = """
from airflow.sdk import DAG
from airflow.providers.standard.operators.bash import BashOperator

with DAG("nightly", schedule=None):
    BashOperator(task_id="extract", bash_command="extract.sh ") >> BashOperator(task_id="load", bash_command="load.sh ")
"""


@pytest.mark.parametrize(
    "source, code",
    [
        # a key spelled with an escape still names python_callable for the model
        ("""
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator

def extract():
    return {1, 2}

with DAG("d", schedule=None):
    PythonOperator(task_id="extract", **{"python_\\x63allable": extract})
""", "XCL201"),
        # a template split over literals so that no literal says xcom
        ("""
from airflow.sdk import DAG
from airflow.providers.standard.operators.bash import BashOperator

with DAG("d", schedule=None):
    BashOperator(task_id="load", bash_command="echo {" "{ ti.x" "com_pull(task_ids='nothere') }}")
""", "XCL103"),
        # a TaskFlow task without a return: its XComArg reads nothing
        ("""
from airflow.sdk import DAG, task

@task
def extract():
    print("extracting")

@task
def load(rows):
    print(rows)

with DAG("d", schedule=None):
    load(extract())
""", "XCL106"),
        # a local operator whose execute returns a set
        ("""
from airflow.sdk import DAG, BaseOperator

class Extract(BaseOperator):
    def execute(self, context):
        return {1, 2}

with DAG("d", schedule=None):
    Extract(task_id="extract")
""", "XCL201"),
    ],
)
def test_sources_with_a_site_are_never_skipped(source: str, code: str) -> None:
    assert may_hold_xcom_sites(source)
    assert code in [f.code for f in lint_source("dag.py", source, settings_for()).findings]


CALLABLE_WITHOUT_RETURN = """
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator

OUTPUT_PATH = "/data/output"

def extract():
    print("extracting to", OUTPUT_PATH)

with DAG("d", schedule=None):
    PythonOperator(task_id="extract", python_callable=extract)
"""


def test_a_callable_that_returns_nothing_pushes_nothing_and_is_skipped() -> None:
    """``python_callable``, ``execute`` and ``output`` lead to pushes only
    through a returned value: without ``return`` or ``lambda`` the file has no site."""
    assert not may_hold_xcom_sites(CALLABLE_WITHOUT_RETURN)
    full = build_file_model("dag.py", CALLABLE_WITHOUT_RETURN)
    assert [push for dag in full.dags for push in dag.pushes] == []
    assert lint_source("dag.py", CALLABLE_WITHOUT_RETURN, settings_for(full_model=True)).findings == []


@pytest.mark.parametrize(
    "change",
    [
        ('print("extracting to", OUTPUT_PATH)', 'return OUTPUT_PATH'),
        ("python_callable=extract", "python_callable=lambda: print(OUTPUT_PATH)"),
        ("def extract():", "def extract(ti):\n    ti.xcom_push(key='k', value=1)"),
        ('OUTPUT_PATH = "/data/output"', 'OUTPUT_PATH = "{{ ti.x" + "com_pull() }}"'),
    ],
    ids=["return", "lambda", "xcom", "template"],
)
def test_a_return_a_lambda_a_push_or_a_template_keeps_the_file(change: tuple) -> None:
    assert may_hold_xcom_sites(CALLABLE_WITHOUT_RETURN.replace(*change))


XCOMARG_ACROSS_A_COMMENT = """
from airflow.sdk import DAG
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.bash import BashOperator

with DAG("d", schedule=None):
    start = EmptyOperator(task_id="start")
    BashOperator(task_id="load", bash_command="echo", env={"ROWS": (start.  # what start pushed
        output)})
"""


@pytest.mark.parametrize(
    "spelling",
    ["start.output", "start . output", "start.\\\n        output", "(start.  # what start pushed\n        output)",
     "(start.  # what start pushed\r        output)"],
    ids=["plain", "spaces", "backslash", "comment", "carriage-return"],
)
def test_every_spelling_of_an_output_attribute_keeps_the_file(spelling: str) -> None:
    source = XCOMARG_ACROSS_A_COMMENT.replace(
        "(start.  # what start pushed\n        output)", spelling)
    assert may_hold_xcom_sites(source)
    assert [f.code for f in lint_source("dag.py", source, settings_for()).findings] == ["XCL106"]


@pytest.mark.parametrize("text", ["OUTPUT_PATH = 1\n", "x.output_path = 1\n", "y.outputs = 2\n", "# see the output\n",
                                  "# the end.\noutput = 1\n", "f(\n    output=1,\n)\n"])
def test_output_as_part_of_another_name_or_in_a_comment_is_no_attribute(text: str) -> None:
    assert not may_hold_xcom_sites(text)


TASKFLOW_READER = """
from airflow.sdk import DAG
from airflow.sdk import task

@task
def extract():
    print("extracting")

@task
def load(rows):
    print(rows)

with DAG("d", schedule=None) as dag:
    load(extract())
"""


@pytest.mark.parametrize(
    "changes",
    [
        [],
        [("from airflow.sdk import task", "from airflow.sdk import (\n    DAG as Dag,  # the class\n    task,\n)")],
        [("from airflow.sdk import task", "from airflow.sdk import task as t"), ("@task", "@t")],
        [("from airflow.sdk import task", "import airflow.sdk as sdk"), ("@task", "@sdk.task")],
        [("from airflow.sdk import task", "import airflow.sdk as sdk"), ("@task", "@sdk.\\\n task")],
        [("from airflow.sdk import task", "import airflow.sdk as sdk"),
         ("@task\n", "@(sdk.  # the decorator\n\n    # of TaskFlow\n  task)\n")],
        [("from airflow.sdk import task", "if True:\n    from airflow.sdk import task")],
        [("from airflow.sdk import task", 'dag = DAG("d", schedule=None)'), ("@task", "@dag.task"),
         ('with DAG("d", schedule=None) as dag:', "if True:")],
    ],
    ids=["import", "parenthesised", "alias", "attribute", "backslash", "comment-lines", "nested", "dag-task"],
)
def test_every_spelling_of_a_taskflow_decorator_keeps_the_file(changes: list) -> None:
    source = TASKFLOW_READER
    for before, after in changes:
        source = source.replace(before, after)
    assert may_hold_xcom_sites(source)
    assert [f.code for f in lint_source("dag.py", source, settings_for()).findings] == ["XCL106"]


@pytest.mark.parametrize(
    "text",
    ["# each task runs once\n", 'task = "not a decorator"\nprint(task)\n', "def setup():\n    pass\nsetup()\n",
     "x = task_id.task_group\n", '"""A task.\n\nIts teardown happens later."""\n'],
    ids=["comment", "variable", "local-function", "longer-names", "docstring"],
)
def test_taskflow_words_that_import_no_decorator_do_not_keep_the_file(text: str) -> None:
    source = OPERATORS_ONLY + text
    assert not may_hold_xcom_sites(source)
    assert lint_source("dag.py", source, settings_for(full_model=True)).findings == []


def test_a_star_import_keeps_a_file_that_says_task() -> None:
    assert may_hold_xcom_sites(OPERATORS_ONLY + "from airflow.decorators import *\n# a task\n")


TEMPLATE_DAG = """
from airflow.sdk import DAG
from airflow.providers.standard.operators.bash import BashOperator

with DAG("d", schedule=None):
    BashOperator(task_id="load", bash_command=COMMAND)
"""


@pytest.mark.parametrize(
    "command",
    [
        '"{{ ti.x" + "com_pull(task_ids=\'nothere\') }}"',
        'f"{{{{ ti.xco{\'m_pull\'}(task_ids=\'nothere\') }}}}"',
        '"{{ ti.\\x78com_pull(task_ids=\'nothere\') }}"',
    ],
    ids=["concatenated", "f-string", "escape"],
)
def test_a_template_pull_spread_over_literals_keeps_the_file(command: str) -> None:
    source = TEMPLATE_DAG.replace("COMMAND", command)
    assert "xcom" not in source.lower()
    assert may_hold_xcom_sites(source)
    assert [f.code for f in lint_source("dag.py", source, settings_for()).findings] == ["XCL103"]


@pytest.mark.parametrize(
    "command",
    [
        '"{{ ti.X" .lower() + "com_pull(task_ids=\'nothere\') }}"',
        '"{{ ti.xc  ".strip() + "om_pull(task_ids=\'nothere\') }}"',
        '"{{{{ ti.x{} }}}}".format("com_pull(task_ids=\'nothere\')")',
    ],
    ids=["lower", "strip", "format"],
)
def test_strings_the_model_computes_without_a_source_keep_the_file_too(command: str) -> None:
    """The model reports no pull in these today (it cannot place one in a
    computed string); the pre-check keeps them anyway, so that a model that
    learns to is not silently starved."""
    source = TEMPLATE_DAG.replace("COMMAND", command)
    assert "xcom_pull" in eval(command.replace(" .lower()", ".lower()"))  # noqa: S307 - this test's literal
    assert "xcom" not in source.lower()
    assert may_hold_xcom_sites(source)


@pytest.mark.parametrize(
    "command",
    ['"{{{{ ti.{:x<1}com_pull(task_ids=\'nothere\') }}}}".format("")',
     '"{{{{ ti.{0[0]}com_pull(task_ids=\'nothere\') }}}}".format("xy")'],
    ids=["fill-character", "index"],
)
def test_format_fields_that_make_new_text_are_unknown_to_the_model(command: str) -> None:
    """Python would print a pull here, from letters no literal ends in: the
    model does not compute such fields, so the file may be skipped."""
    assert "xcom_pull" in eval(command)  # noqa: S307 - a literal expression of this test
    source = TEMPLATE_DAG.replace("COMMAND", command)
    assert lint_source("dag.py", source, settings_for(full_model=True)).findings == []
    assert not may_hold_xcom_sites(source)


@pytest.mark.parametrize(
    "command", ['"echo {{ ds }} {{ params.path }}"', '"{{ params.xyz }}" + "com"', 'f"{{{{ ds }}}} {1:d}"'],
    ids=["no-x", "x-before-another-letter", "format-spec-of-a-number"],
)
def test_templates_that_cannot_spell_xcom_do_not_keep_the_file(command: str) -> None:
    source = TEMPLATE_DAG.replace("COMMAND", command)
    assert not may_hold_xcom_sites(source)
    assert lint_source("dag.py", source, settings_for(full_model=True)).findings == []


def test_the_xcom_start_pattern_is_linear() -> None:
    from xcomlint.prefilter import _XCOM_START

    assert _XCOM_START.search(("x" + " " * 1000 + "y") * 200) is None
    assert _XCOM_START.search("x" * 200_000 + "y") is None


def test_a_dag_without_xcom_sites_is_skipped_but_graphed_and_held_to_its_allowlist(tmp_path: Path) -> None:
    assert may_hold_xcom_code(OPERATORS_ONLY) and not may_hold_xcom_sites(OPERATORS_ONLY)
    (tmp_path / "dag.py").write_text(OPERATORS_ONLY)
    assert lint_source("dag.py", OPERATORS_ONLY, settings_for()).model.dags == ()
    graph = invoke("graph", "--format", "mermaid", str(tmp_path / "dag.py"))
    assert "extract" in graph.stdout and "load" in graph.stdout
    allowlist = tmp_path / "allowlist.yaml"
    allowlist.write_text("version: 1\ndags:\n  nightly:\n    xcoms:\n      - from: extrakt\n        to: [load]\n")
    stale = invoke("check", "--no-cache", "--allowlist", str(allowlist), str(tmp_path / "dag.py"))
    assert "XCL303" in stale.stdout and "extrakt" in stale.stdout


@pytest.mark.parametrize("source", ["def helper(x):\n    return x + 1\n", OPERATORS_ONLY],
                         ids=["no-airflow", "dag-without-xcom-sites"])
def test_a_file_the_pre_check_skips_is_linted_without_importing_libcst(tmp_path: Path, source: str) -> None:
    (tmp_path / "dag.py").write_text(source)
    code = textwrap.dedent(
        """
        import sys
        from xcomlint.cli import main
        try:
            main(["check", "--no-cache", "-j1", sys.argv[1]])
        except SystemExit as stop:
            assert stop.code == 0, stop.code
        print(sorted(m for m in sys.modules if m == "libcst" or m.startswith("libcst.")))
        """
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "text",
    ['    BashOperator(task_id="quiet", bash_command="true", do_xcom_push=False)\n',
     "    my_xcom_value = 1\n", "    xcom_pull_count = 0  # not a call of xcom_pull_\n"],
    ids=["do_xcom_push", "xcom-in-a-name", "longer-name"],
)
def test_xcom_inside_another_name_does_not_keep_the_file(text: str) -> None:
    source = OPERATORS_ONLY.replace("    BashOperator(task_id=\"extract\"", text + "    BashOperator(task_id=\"extract\"")
    assert "xcom" in source.lower() and not may_hold_xcom_sites(source)
    assert lint_source("dag.py", source, settings_for(full_model=True)).findings == []


@pytest.mark.parametrize(
    "text",
    ['DEFAULTS = {"do_xcom_push": False}\n', 'PULL = getattr(object, "xcom_pull", None)\n',
     "from airflow.models.xcom_arg import XComArg as Arg\n", "def f(ti):\n    ti.xcom_push(key='k', value=1)\n"],
    ids=["in-a-literal", "getattr-name", "imported-class", "attribute"],
)
def test_the_names_of_a_pull_or_push_or_xcom_in_a_literal_keep_the_file(text: str) -> None:
    assert may_hold_xcom_sites(OPERATORS_ONLY + text)
