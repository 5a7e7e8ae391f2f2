"""Every output format renders one shared set of findings, compared to golden files.

The findings carry what breaks formats: spaces, commas, colons, ``%`` and non-ASCII
in paths; newlines, CR, quotes, backslashes and characters outside the BMP in
messages; a span over several lines; an absolute path; every severity.

A golden file is the exact expected output. After an intended change of a format,
regenerate them with ``XCOMLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py``
and review the diff.
"""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xcomlint.docs import REPOSITORY_URL, document, document_url
from xcomlint.findings import Edit, Finding, Fix
from xcomlint.reporters import FORMATS, full, github, reporter, sarif
from xcomlint.rules import all_rules

GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

FINDINGS = [
    Finding(
        path="/srv/airflow/dags/absolute path.py", line=3, column=1, end_line=3, end_column=9,
        code="XCL101", name="pull-without-task-ids", severity="warning",
        message="xcom_pull() without task_ids reads this task's own XCom on Airflow 3",
        dag_id="abs", task_id="t",
    ),
    Finding(
        path="dags/broken file.py", line=1, column=13, end_line=1, end_column=13,
        code="XCL001", name="syntax-error", severity="error",
        message="cannot parse the file: invalid syntax; no other rule checked it",
    ),
    Finding(
        path="dags/ünï, v2:final%.py", line=7, column=12, end_line=7, end_column=44,
        code="XCL103", name="pull-unknown-task", severity="error",
        message=(
            "task 'ex,tr:act' does not exist in DAG 'etl'; did you mean \"extract\"? 100% sure\n"
            "second line\r\nthird line with a backslash \\d, a tab\tand 📦 <b>&amp;</b>"
        ),
        dag_id="etl", task_id="load",
        # a fix whose content needs escaping in every format
        fix=Fix("Replace 'ex,tr:act' with \"extract\" (100%)", "safe",
                (Edit(7, 31, 7, 42, "'extract'"), Edit(7, 44, 7, 44, "  # a \\ and \"quote\" 📦"))),
    ),
    Finding(
        path="dags/ünï, v2:final%.py", line=10, column=9, end_line=12, end_column=4,
        code="XCL105", name="dynamic-pull", severity="info",
        message="task_ids is computed at runtime: nothing can be verified",
        dag_id="etl", task_id="report",
        # an unsafe fix that deletes over several lines
        fix=Fix("Remove the pull", "unsafe", (Edit(10, 5, 12, 6, ""),)),
    ),
]

# a fixed catalog for the SARIF golden file, so that it changes only when the
# format does, not whenever a rule or its document is added or edited
GOLDEN_DOCUMENT = """# {code} {name}

Checks for {name}.

## What it does

Flags `{name}` with a "quoted" word, 50% of the time,
over two lines.

## Why is this bad?

Because.
"""
GOLDEN_RULES = [
    sarif.RuleInfo("XCL001", "syntax-error", "The file cannot be parsed.", True, "error",
                   GOLDEN_DOCUMENT.format(code="XCL001", name="syntax-error"), document_url("XCL001")),
    sarif.RuleInfo("XCL101", "pull-without-task-ids", "xcom_pull() without task_ids.", True, "warning",
                   GOLDEN_DOCUMENT.format(code="XCL101", name="pull-without-task-ids"), document_url("XCL101")),
    sarif.RuleInfo("XCL103", "pull-unknown-task", "task_ids names no task of the DAG.", True, "error",
                   GOLDEN_DOCUMENT.format(code="XCL103", name="pull-unknown-task"), document_url("XCL103")),
    sarif.RuleInfo("XCL105", "dynamic-pull", "task_ids or key is not a literal.", False, "info",
                   None, document_url("XCL105")),
]
GOLDEN_TOOL = sarif.ToolInfo("xcomlint", "0.0.0", REPOSITORY_URL)


# the sources the full format shows around the findings; "dags/broken file.py"
# has none, as when a file cannot be read again: its finding shows no lines
SOURCES = {
    "/srv/airflow/dags/absolute path.py": "from airflow.sdk import DAG\n\nvalue = ti.xcom_pull()\n",
    "dags/ünï, v2:final%.py": (
        "import x\n\n\n\ndef load(ti):\n"
        "    # a tab and a wide character before the pull: the caret still stands under it\n"
        "\t表 = ti.ti.xcom_pull(task_ids='ex,tr:act') \n"
        "\n\n"
        "    ti.xcom_pull(\n"
        "        task_ids=name,\n"
        "    )\n"
        "with DAG('etl'):\n"
        "    pass\n"
    ),
}


def _render(format_name: str) -> str:
    stream = io.StringIO()
    if format_name == "sarif":
        sarif.write(sarif.sarif_log(FINDINGS, GOLDEN_RULES, GOLDEN_TOOL), stream)
    elif format_name == "full":
        full.report(FINDINGS, stream, sources=SOURCES, read=lambda path: None)
    else:
        reporter(format_name)(FINDINGS, stream)
    return stream.getvalue()


def _sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # every format the library knows (uri-reference is a later draft's, but it is the
    # one SARIF uses for artifact URIs); needs jsonschema's format extras
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("format_name", ["text", "full", "json", "sarif", "github"])
def test_golden(format_name: str) -> None:
    golden = GOLDEN / f"findings.{format_name}"
    output = _render(format_name)
    if os.environ.get("XCOMLINT_UPDATE_GOLDEN"):
        golden.write_bytes(output.encode("utf-8"))
    assert output == golden.read_bytes().decode("utf-8")


def test_every_registered_format_has_a_golden_file() -> None:
    assert sorted(p.suffix[1:] for p in GOLDEN.glob("findings.*")) == sorted(FORMATS)


def test_golden_sarif_is_valid_sarif_2_1_0() -> None:
    _sarif_validator().validate(json.loads(_render("sarif")))


def test_schema_validation_is_strict_about_what_matters() -> None:
    """The validation above can fail: a broken URI, a wrong level or a 0 line are rejected."""
    validator = _sarif_validator()
    log = json.loads(_render("sarif"))
    for mutate in (
        lambda r: r["locations"][0]["physicalLocation"]["artifactLocation"].__setitem__("uri", "dags/a b.py"),
        lambda r: r.__setitem__("level", "fatal"),
        lambda r: r["locations"][0]["physicalLocation"]["region"].__setitem__("startLine", 0),
        lambda r: r.__setitem__("message", "not an object"),
    ):
        broken = copy.deepcopy(log)
        mutate(broken["runs"][0]["results"][0])
        assert not validator.is_valid(broken)


def test_sarif_result_fields() -> None:
    log = json.loads(_render("sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(run["results"], FINDINGS):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        assert result["message"]["text"] == finding.message
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            finding.line, finding.column, finding.end_line, finding.end_column)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == [
        "file:///srv/airflow/dags/absolute%20path.py",
        "dags/broken%20file.py",
        "dags/%C3%BCn%C3%AF%2C%20v2%3Afinal%25.py",
        "dags/%C3%BCn%C3%AF%2C%20v2%3Afinal%25.py",
    ]
    assert [r["level"] for r in run["results"]] == ["warning", "error", "error", "note"]


def test_sarif_of_the_real_catalog(tmp_path: Path) -> None:
    """What ``--format sarif`` prints: a descriptor for each rule the findings
    reference, in catalog order, each with its document's "What it does" once
    and a short help that links to the whole document."""
    stream = io.StringIO()
    reporter("sarif")(FINDINGS, stream)
    text = stream.getvalue()
    log = json.loads(text)
    _sarif_validator().validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    rules = {rule.code: rule for rule in all_rules()}
    used = {finding.code for finding in FINDINGS}
    assert [d["id"] for d in driver["rules"]] == [code for code in rules if code in used]
    for descriptor in driver["rules"]:
        rule = rules[descriptor["id"]]
        url = f"{REPOSITORY_URL}/blob/main/rules/{rule.code}.md"
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        what_it_does = descriptor["fullDescription"]["text"]
        assert what_it_does in document(rule.code) and text.count(json.dumps(what_it_does)) == 1
        assert descriptor["help"] == {"text": f"{rule.summary} Documentation: {url}",
                                      "markdown": f"{rule.summary} [{rule.code} {rule.name}]({url})"}
        assert descriptor["helpUri"] == url
        assert descriptor["defaultConfiguration"]["enabled"] == rule.default
    assert driver["rules"][log["runs"][0]["results"][2]["ruleIndex"]]["id"] == "XCL103"
    # the whole catalog with every document was 282 KB for five findings
    assert len(text.encode("utf-8")) < 20_000


def test_sarif_without_findings_describes_no_rule() -> None:
    stream = io.StringIO()
    reporter("sarif")([], stream)
    log = json.loads(stream.getvalue())
    _sarif_validator().validate(log)
    assert log["runs"][0]["tool"]["driver"]["rules"] == [] and log["runs"][0]["results"] == []


@pytest.mark.parametrize(
    "raw,data,prop",
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("k=v, x:y", "k=v, x:y", "k=v%2C x%3Ay"),
        ("%0A", "%250A", "%250A"),  # an escape-looking text stays itself
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_github_annotation_is_one_line_per_finding() -> None:
    lines = _render("github").splitlines()
    assert len(lines) == len(FINDINGS)
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::error", "::error", "::notice"]
    # a multi-line span keeps its start only (GitHub drops column ranges across lines)
    assert lines[3].startswith("::notice file=dags/ünï%2C v2%3Afinal%25.py,line=10,col=9,title=XCL105 dynamic-pull::")


def test_json_reports_every_field_of_a_finding_but_its_internal_ones() -> None:
    """The JSON object is written out by hand: a field added to Finding must be added there too.
    ``noqa_lines`` and ``entry`` are internal: the run places a finding about another module
    (``entry``) before any reporter sees it."""
    import dataclasses

    fields = [field.name for field in dataclasses.fields(Finding) if field.name not in ("noqa_lines", "entry")]
    for finding in FINDINGS:
        assert list(finding.to_dict()) == fields
