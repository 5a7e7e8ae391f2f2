"""The allow-list can never be weakened silently: a typo in it makes checking
louder, never quieter. Each case runs end to end through the command line:
``allowlist init``, ``check --allowlist``, every output format."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import List

import jsonschema
import pytest
import yaml
from conftest import invoke_in

from xcomlint.allowlist import parse_allowlist

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

xcomlint = invoke_in  # the command line, run from a folder


def dag_file(dag_id: str, body: str) -> str:
    return textwrap.dedent(
        """\
        from airflow.sdk import DAG, task


        with DAG(dag_id={dag_id!r}, schedule=None):
        {body}
        """
    ).format(dag_id=dag_id, body=textwrap.indent(textwrap.dedent(body), "    "))


MERINO = dag_file("merino_jobs", """\
    @task
    def extract() -> str:
        return "s3://bucket/rows.json"

    @task
    def load(path: str) -> None:
        print(path)

    load(extract())
""")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "merino.py").write_text(MERINO)
    return tmp_path


def lines_of(output: str) -> List[str]:
    return output.splitlines()


# ------------------------------------------------------------ 1: a missing DAG
ALLOWLIST_WITH_A_TYPO = """\
version: 1
dags:
  merino_job:
    xcoms:
      - from: extract
        to: [load]
"""


@pytest.mark.parametrize("select", [(), ("--select", "XCL3"), ("--select", "XCL303")])
def test_a_listed_dag_no_file_defines_is_a_finding_at_its_line(project: Path, select: tuple) -> None:
    (project / "allow.yaml").write_text(ALLOWLIST_WITH_A_TYPO)
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", *select)
    assert result.exit_code == 1
    assert lines_of(result.stdout) == [
        "allow.yaml:3:3: XCL303 stale-allowlist-entry: DAG 'merino_job' is listed in the allow-list, but no "
        "linted file defines it: its entries check nothing; did you mean 'merino_jobs'?"
    ]


def test_a_listed_dag_missing_while_a_dag_id_is_dynamic_says_why_it_may_be(project: Path) -> None:
    (project / "dags" / "factory.py").write_text(dag_file("unused", "pass\n").replace("dag_id='unused'", "dag_id=NAME"))
    (project / "allow.yaml").write_text(ALLOWLIST_WITH_A_TYPO)
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", "--select", "XCL303")
    assert "(a DAG whose id is computed at runtime cannot be matched)" in result.stdout
    assert result.exit_code == 1


def test_the_rule_document_says_a_missing_dag_is_a_finding() -> None:
    text = (Path(__file__).parent.parent / "rules" / "XCL303.md").read_text()
    assert "no linted file defines" in text


# ------------------------------------------------------ 2: from / to typos
@pytest.mark.parametrize(
    "entry,line,column,message",
    [
        ("      - from: extarct\n        to: [load]\n", 5, 15,
         "'from: extarct' names no task of DAG 'merino_jobs'; did you mean 'extract'? (the entry permits nothing)"),
        ("      - from: extract\n        to: [lod]\n", 6, 14,
         "'to: lod' names no task of DAG 'merino_jobs'; did you mean 'load'? (the entry permits nothing)"),
        ("      - from: extract\n        to:\n          - load\n          - \"lo_*\"\n", 8, 13,
         "'to: lo_*' names no task of DAG 'merino_jobs' (the entry permits nothing)"),
    ],
    ids=["from", "to", "glob"],
)
def test_a_mistyped_task_id_names_the_field_the_id_and_the_closest_task(
    project: Path, entry: str, line: int, column: int, message: str
) -> None:
    (project / "allow.yaml").write_text("version: 1\ndags:\n  merino_jobs:\n    xcoms:\n" + entry)
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", "--select", "XCL303")
    assert result.exit_code == 1
    assert lines_of(result.stdout) == [f"allow.yaml:{line}:{column}: XCL303 stale-allowlist-entry: {message}"]
    # the flow the typo meant to permit is reported too: the typo made checking louder
    flows = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", "--select", "XCL301")
    assert (flows.exit_code == 1) == (message.startswith("'from:") or "'to: lod'" in message)


def test_a_mistyped_consumer_of_a_cross_dag_entry(project: Path) -> None:
    (project / "allow.yaml").write_text(
        "version: 1\ndags:\n  merino_jobs:\n    xcoms:\n      - from: extract\n        to: [load]\n"
        "    cross_dag:\n      - dag: other\n        from: publish\n        to: [laod]\n")
    result = xcomlint(project, "check", "dags", "--allowlist", "allow.yaml", "--select", "XCL303")
    assert lines_of(result.stdout) == [
        "allow.yaml:10:14: XCL303 stale-allowlist-entry: 'to: laod' names no task of DAG 'merino_jobs'; "
        "did you mean 'load'? (the entry permits nothing)"]


# --------------------------------------- 3: one DAG id defined in two files
PROD = dag_file("reports", """\
    @task
    def build() -> str:
        return "s3://reports/prod.html"

    @task
    def publish(url: str) -> None:
        print(url)

    publish(build())
""")
STAGING = dag_file("reports", """\
    @task
    def render() -> str:
        return "s3://reports/staging.html"

    @task
    def preview(url: str) -> None:
        print(url)

    preview(render())
""")


def test_init_then_check_is_clean_for_a_dag_id_defined_in_two_files(tmp_path: Path) -> None:
    (tmp_path / "prod").mkdir()
    (tmp_path / "staging").mkdir()
    (tmp_path / "prod" / "reports.py").write_text(PROD)
    (tmp_path / "staging" / "reports.py").write_text(STAGING)
    init = xcomlint(tmp_path, "allowlist", "init", "prod", "staging", "--output", "allow.yaml")
    assert init.exit_code == 0, init.output
    allowlist = parse_allowlist((tmp_path / "allow.yaml").read_text(), "allow.yaml")
    entries = {(r.producer, r.key): r.consumers for r in allowlist.dags["reports"].xcoms}
    assert entries == {("build", "return_value"): ("publish",), ("render", "return_value"): ("preview",)}
    # each variant's entry is used by one file only: none is stale, none is mistyped
    checked = xcomlint(tmp_path, "check", "prod", "staging", "--allowlist", "allow.yaml")
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout == ""
    assert "  reports:  # prod/reports.py, staging/reports.py" in (tmp_path / "allow.yaml").read_text()


# ----------------------------------------- 4: XCL305 blames the intruder
EXCLUSIVE = """\
version: 1
dags:
  payments:
    xcoms:
      - from: fetch_token
        to: [charge]
        exclusive: true
"""


@pytest.mark.parametrize("intruder_first", [True, False], ids=["intruder first", "intruder last"])
def test_an_exclusive_key_blames_the_reader_the_allowlist_does_not_permit(tmp_path: Path, intruder_first: bool) -> None:
    calls = ["report(token)", "charge(token)"] if intruder_first else ["charge(token)", "report(token)"]
    source = dag_file("payments", f"""\
        @task
        def fetch_token() -> str:
            return "tok_123"

        @task
        def charge(token: str) -> None:
            print(token)

        @task
        def report(token: str) -> None:
            print(token)

        token = fetch_token()
        {calls[0]}
        {calls[1]}
    """)
    (tmp_path / "payments.py").write_text(source)
    (tmp_path / "allow.yaml").write_text(EXCLUSIVE)
    result = xcomlint(tmp_path, "check", "payments.py", "--allowlist", "allow.yaml", "--select", "XCL305",
                      "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["task_id"] == "report"
    report_line = next(n for n, line in enumerate(source.splitlines(), 1) if line.strip() == "report(token)")
    assert finding["line"] == report_line
    assert "'report' reads it besides 'charge'" in finding["message"]


# ------------------------------------------ 5: init leaves out what it must
BROKEN_AND_DYNAMIC = {
    "etl.py": dag_file("etl", """\
        from airflow.providers.standard.operators.bash import BashOperator

        @task
        def extract() -> str:
            return "s3://rows.json"

        @task
        def load(path: str) -> None:
            print(path)

        rows = extract()
        load(rows)
        report = BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids='extarct') }}")
        rows >> report
    """),
    "factory.py": "import os\n\nfrom airflow.sdk import DAG\n\nwith DAG(dag_id=os.environ['EXPORT_DAG'], schedule=None):\n    pass\n",
}


def test_init_leaves_out_pulls_with_findings_and_dynamic_dags_and_says_so(tmp_path: Path) -> None:
    for name, text in BROKEN_AND_DYNAMIC.items():
        (tmp_path / name).write_text(text)
    result = xcomlint(tmp_path, "allowlist", "init", ".", "--output", "allow.yaml")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "allow.yaml").read_text()
    allowlist = parse_allowlist(text, "allow.yaml")
    entries = {(r.producer, r.key): r.consumers for r in allowlist.dags["etl"].xcoms}
    assert entries == {("extract", "return_value"): ("load",)}  # not the pull of 'extarct'
    pull_line = next(n for n, line in enumerate(BROKEN_AND_DYNAMIC["etl.py"].splitlines(), 1) if "extarct" in line)
    left_out = f"'report' reads 'return_value' of 'extarct' (etl.py:{pull_line}:"
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert any(left_out in line and "XCL103 pull-unknown-task" in line for line in comments)
    assert "# not listed: DAGs whose id is computed at runtime (no entry can name them):" in comments
    assert "#   factory.py:5" in comments
    stderr = lines_of(result.stderr)
    assert "xcomlint: left out 1 flow whose pull has a finding (fix the pull, then permit the flow):" in stderr
    assert any(left_out in line for line in stderr)
    assert "xcomlint: not listed: 1 DAG whose id is computed at runtime:" in stderr and "  factory.py:5" in stderr
    # the comments sit where YAML allows them: the file loads as it did
    assert yaml.safe_load(text)["dags"]["etl"]["xcoms"] == [{"from": "extract", "to": ["load"]}]


def test_init_leaves_out_a_broken_pull_even_when_the_configuration_ignores_its_rule(tmp_path: Path) -> None:
    (tmp_path / "etl.py").write_text(BROKEN_AND_DYNAMIC["etl.py"])
    (tmp_path / ".xcomlint.yaml").write_text("select: [XCL3]\n")
    xcomlint(tmp_path, "allowlist", "init", ".", "--output", "allow.yaml")
    assert "extarct" not in "\n".join(line for line in (tmp_path / "allow.yaml").read_text().splitlines()
                                      if not line.strip().startswith("#"))


# ------------------------------------- 6: relative paths in every format
STALE = "version: 1\ndags:\n  merino_jobs:\n    xcoms:\n      - from: extract\n        to: [load]\n      - from: gone\n"


def _allowlist_paths(output: str, output_format: str) -> List[str]:
    if output_format in ("text", "full"):
        return [line.split(":")[0] for line in output.splitlines() if ": XCL303 " in line]
    if output_format == "json":
        return [f["path"] for f in json.loads(output) if f["code"] == "XCL303"]
    if output_format == "github":
        return [line.split("file=")[1].split(",")[0] for line in output.splitlines() if "XCL303" in line]
    log = json.loads(output)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    found = []
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        if result["ruleId"] == "XCL303":
            assert location["uriBaseId"] == "%SRCROOT%"
            found.append(location["uri"])
    return found


@pytest.mark.parametrize("output_format", ["text", "full", "json", "github", "sarif"])
@pytest.mark.parametrize("given", ["relative", "absolute", "configuration"])
def test_allowlist_findings_carry_a_relative_path(project: Path, output_format: str, given: str) -> None:
    (project / "allow.yaml").write_text(STALE)
    args = ["check", "dags", "--select", "XCL303", "--format", output_format]
    if given == "relative":
        args += ["--allowlist", "allow.yaml"]
    elif given == "absolute":
        args += ["--allowlist", str(project / "allow.yaml")]
    else:
        (project / "pyproject.toml").write_text('[tool.xcomlint]\nallowlist = "allow.yaml"\n')
    result = xcomlint(project, *args)
    assert result.exit_code == 1, result.output
    assert _allowlist_paths(result.stdout, output_format) == ["allow.yaml"]


def test_allowlist_findings_from_a_subfolder_are_relative_to_it(project: Path) -> None:
    (project / "allow.yaml").write_text(STALE)
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nallowlist = "allow.yaml"\n')
    result = xcomlint(project / "dags", "check", "--select", "XCL303", "--format", "json")
    assert [f["path"] for f in json.loads(result.stdout)] == ["../allow.yaml"]
