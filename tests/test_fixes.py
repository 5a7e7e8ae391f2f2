"""``xcomlint check --fix``: the edits, the rounds, the files written, the command line.

The fixes of each rule are shown and executed in the rule documents (see
test_rule_docs.py); here are the machinery and the cases a document would not show.
"""

from __future__ import annotations

import json
import os
import stat
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import List

import jsonschema
import pytest
from conftest import invoke_in, settings_for

from xcomlint.autofix import apply_fixes, choose_fixes, fix_run, python_validator, write_changes
from xcomlint.edits import line_starts, offset, ranges
from xcomlint.engine import lint_paths
from xcomlint.findings import Edit, Finding, Fix

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# a bare id of a grouped task (a safe fix) and a typo (an unsafe one)
GROUPED = textwrap.dedent(
    """\
    from airflow.sdk import DAG, TaskGroup
    from airflow.providers.standard.operators.python import PythonOperator


    def extract():
        return "s3://data-lake/raw/orders.csv"


    def load(ti):
        path = ti.xcom_pull(task_ids="extarct")  # the typo
        table = ti.xcom_pull(task_ids="stage")  # the bare id
        print(path, table)


    with DAG(dag_id="etl", schedule=None):
        extract_task = PythonOperator(task_id="extract", python_callable=extract)
        with TaskGroup(group_id="warehouse"):
            stage = PythonOperator(task_id="stage", python_callable=extract)
        loader = PythonOperator(task_id="load", python_callable=load)
        [extract_task, stage] >> loader
    """
)
SAFE_FIXED = GROUPED.replace('task_ids="stage"', 'task_ids="warehouse.stage"')  # what --fix does
ALL_FIXED = SAFE_FIXED.replace('"extarct"', '"extract"')  # what --fix --unsafe-fixes does


def finding(code: str, line: int, column: int, end_column: int, *edits: Edit, applicability: str = "safe") -> Finding:
    return Finding("dag.py", line, column, line, end_column, code, "name", "message", "error",
                   fix=Fix("message", applicability, tuple(edits)))


# ------------------------------------------------------------------ edits
def test_lines_and_columns_count_as_findings_do() -> None:
    text = "ab\r\ncd\ref\n"
    starts = line_starts(text)
    assert [offset(text, starts, line, 1) for line in (1, 2, 3, 4)] == [0, 4, 7, 10]
    assert offset(text, starts, 1, 3) == 2  # the end of a line, before its break
    with pytest.raises(ValueError):
        offset(text, starts, 1, 4)  # past the end of the line
    with pytest.raises(ValueError):
        offset(text, starts, 5, 1)
    assert ranges(text, [Edit(2, 1, 3, 1, "")]) == [(4, 7)]
    assert ranges(text, [Edit(9, 1, 9, 1, "")]) is None


def test_overlapping_and_touching_fixes_wait_for_the_next_round() -> None:
    text = "x = f('a', 'b')\n"
    first = finding("XCL103", 1, 7, 10, Edit(1, 7, 1, 10, "'c'"))
    touching = finding("XCL107", 1, 7, 10, Edit(1, 7, 1, 7, "task_ids="))
    apart = finding("XCL104", 1, 12, 15, Edit(1, 12, 1, 15, "'d'"))
    chosen = choose_fixes(text, [apart, first, touching])
    # the fix that starts first in the file is kept (the insertion); the one touching it waits
    assert [owner.code for owners, _ in chosen for owner in owners] == ["XCL107", "XCL104"]


def test_identical_fixes_apply_once_and_contradicting_ones_not_at_all() -> None:
    text = "x = f('a')\n"
    same = [finding("XCL201", 1, 7, 10, Edit(1, 7, 1, 10, "'b'")) for _ in range(2)]
    assert apply_fixes(text, same, lambda _: True) == ("x = f('b')\n", same)
    # one finding place, two different fixes (a callable shared by two DAGs): which is meant is unknown
    contradicting = [finding("XCL103", 1, 7, 10, Edit(1, 7, 1, 10, "'b'")),
                     finding("XCL103", 1, 7, 10, Edit(1, 7, 1, 10, "'c'"))]
    assert apply_fixes(text, contradicting, lambda _: True) == (text, [])


def test_a_fix_that_breaks_the_file_or_loses_a_comment_is_left_out() -> None:
    text = "x = f('a')  # keep me\ny = g('b')\n"
    valid = python_validator(text)
    breaks = finding("XCL103", 1, 7, 10, Edit(1, 7, 1, 10, "'b"))
    eats_comment = finding("XCL104", 1, 11, 22, Edit(1, 11, 1, 22, ""))
    good = finding("XCL108", 2, 7, 10, Edit(2, 7, 2, 10, "'c'"))
    fixed, applied = apply_fixes(text, [breaks, eats_comment, good], valid)
    assert fixed == "x = f('a')  # keep me\ny = g('c')\n"
    assert applied == [good]


def test_an_edit_outside_the_text_is_no_fix() -> None:
    text = "x = 1\n"
    assert choose_fixes(text, [finding("XCL103", 1, 1, 2, Edit(3, 1, 3, 2, "y"))]) == []


# ------------------------------------------------------------ command line
def run(cwd: Path, *args: str):
    return invoke_in(cwd, "check", "--no-cache", *args)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_fixable_findings_are_marked_and_counted(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "XCL103 pull-unknown-task: task 'extarct'" in lines[0]
    assert "XCL103 [*] pull-unknown-task: task 'stage'" in lines[1]
    assert result.stderr.splitlines()[-2:] == [
        "[*] 1 fixable with --fix (1 hidden fix can be enabled with --unsafe-fixes).",
        "Found 2 findings in 1 file.",
    ]
    marked = run(tmp_path, "dags", "--unsafe-fixes")
    assert all(" [*] " in line for line in marked.stdout.splitlines())
    assert "[*] 2 fixable with --fix --unsafe-fixes." in marked.stderr
    assert (tmp_path / "dags/etl.py").read_text() == GROUPED  # nothing is written without --fix


def test_fix_applies_the_safe_fixes_and_reports_what_remains(tmp_path: Path) -> None:
    path = write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--fix")
    assert result.exit_code == 1  # the typo remains
    assert path.read_text() == SAFE_FIXED
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["XCL103 pull-unknown-task"]
    assert result.stderr.splitlines()[-1] == (
        "Checked 1 file: 1 fixed, 1 remaining; 1 hidden fix can be enabled with --unsafe-fixes.")
    unsafe = run(tmp_path, "dags", "--fix", "--unsafe-fixes")
    assert unsafe.exit_code == 0 and unsafe.stdout == ""
    assert path.read_text() == ALL_FIXED
    assert unsafe.stderr.splitlines()[-1] == "Checked 1 file: 1 fixed, 0 remaining."


def test_a_second_fix_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "dags/etl.py", GROUPED)
    assert run(tmp_path, "dags", "--fix", "--unsafe-fixes").exit_code == 0
    fixed = path.read_bytes()
    again = run(tmp_path, "dags", "--fix", "--unsafe-fixes")
    assert again.exit_code == 0 and path.read_bytes() == fixed
    assert again.stderr.splitlines()[-1] == "Checked 1 file: 0 fixed, 0 remaining."


def test_diff_shows_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "dags/etl.py", GROUPED)
    before = os.stat(path)
    result = run(tmp_path, "dags", "--diff", "--unsafe-fixes")
    assert result.exit_code == 1
    assert path.read_text() == GROUPED and os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert sorted(os.listdir(path.parent)) == ["etl.py"]  # no temporary file either
    assert result.stdout.splitlines()[:2] == ["--- dags/etl.py", "+++ dags/etl.py"]
    assert '-    path = ti.xcom_pull(task_ids="extarct")  # the typo' in result.stdout.splitlines()
    assert '+    table = ti.xcom_pull(task_ids="warehouse.stage")  # the bare id' in result.stdout.splitlines()
    assert result.stderr.splitlines()[-1] == "Would fix 2 findings."
    safe = run(tmp_path, "dags", "--diff")
    assert safe.exit_code == 1 and "extarct" not in "".join(l for l in safe.stdout.splitlines() if l[:1] in "+-")
    write(tmp_path, "dags/etl.py", ALL_FIXED)
    clean = run(tmp_path, "dags", "--diff")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_fix_only_reports_no_finding_and_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--fix-only")
    assert result.exit_code == 0 and result.stdout == ""
    assert path.read_text() == SAFE_FIXED
    assert "1 fixed, 1 remaining" in result.stderr


def test_show_fixes_lists_the_fixes_per_file_and_rule(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--fix", "--unsafe-fixes", "--show-fixes")
    assert "Fixed 2 findings:\n- dags/etl.py:\n    2 × XCL103 (pull-unknown-task)\n" in result.stderr


def test_fixes_that_touch_are_applied_over_rounds(tmp_path: Path) -> None:
    """XCL107 inserts ``task_ids=`` where XCL103 replaces the id: two rounds."""
    source = GROUPED.replace('ti.xcom_pull(task_ids="stage")', 'ti.xcom_pull("stage", "rows")')
    path = write(tmp_path, "dags/etl.py", source.replace('"extarct"', '"extract"'))
    result = run(tmp_path, "dags", "--fix", "--select", "XCL103,XCL107")
    assert result.exit_code == 0, result.stdout
    assert 'table = ti.xcom_pull(task_ids="warehouse.stage", key="rows")  # the bare id' in path.read_text()


def test_standard_input_prints_the_fixed_source(tmp_path: Path) -> None:
    result = invoke_in(tmp_path, "check", "--fix", "--stdin-filename", "dags/etl.py", "-", input=GROUPED)
    assert result.exit_code == 1
    assert result.stdout == SAFE_FIXED
    assert "dags/etl.py:10:34: XCL103 pull-unknown-task" in result.stderr  # what remains, on stderr
    diff = invoke_in(tmp_path, "check", "--diff", "-", input=GROUPED)
    assert diff.exit_code == 1 and '+    table = ti.xcom_pull(task_ids="warehouse.stage")' in diff.stdout


def test_add_noqa_and_fix_do_not_go_together(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--fix", "--add-noqa")
    assert result.exit_code == 2 and "--add-noqa" in result.stderr


# ------------------------------------------------------------- the files
def test_fix_keeps_encoding_byte_order_mark_line_endings_and_permissions(tmp_path: Path) -> None:
    latin = ("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + GROUPED).replace("\n", "\r\n")
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags/latin.py").write_bytes(latin.encode("latin-1"))
    (tmp_path / "dags/bom.py").write_bytes(b"\xef\xbb\xbf" + GROUPED.replace('dag_id="etl"', 'dag_id="etl2"').encode())
    os.chmod(tmp_path / "dags/latin.py", 0o640)
    os.symlink("bom.py", tmp_path / "dags/link.py")
    result = run(tmp_path, "dags/latin.py", "dags/link.py", "--fix")
    assert result.exit_code == 1, result.stderr
    fixed = (tmp_path / "dags/latin.py").read_bytes()
    assert fixed == latin.replace('task_ids="stage"', 'task_ids="warehouse.stage"').encode("latin-1")
    assert stat.S_IMODE(os.stat(tmp_path / "dags/latin.py").st_mode) == 0o640
    assert os.path.islink(tmp_path / "dags/link.py")  # the link stays a link; its target changed
    assert (tmp_path / "dags/bom.py").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b'task_ids="warehouse.stage"' in (tmp_path / "dags/bom.py").read_bytes()
    assert sorted(os.listdir(tmp_path / "dags")) == ["bom.py", "latin.py", "link.py"]


def _fixable_run(folder: Path):
    path = write(folder, "dags/etl.py", GROUPED)
    settings = settings_for()
    run_result = lint_paths([str(path)], settings)
    return path, settings, run_result


def test_a_file_changed_before_it_is_written_is_not_overwritten(tmp_path: Path) -> None:
    path, settings, run_result = _fixable_run(tmp_path)
    outcome = fix_run(run_result, settings, unsafe=True)
    assert list(outcome.changes) == [str(path)]
    edited = GROUPED + "# saved by an editor during the run\n"
    path.write_text(edited)
    assert write_changes(outcome) == [(str(path), "it changed during the run; not fixed")]
    assert path.read_text() == edited
    assert sorted(os.listdir(path.parent)) == ["etl.py"]


def test_a_file_changed_after_it_was_linted_is_not_fixed(tmp_path: Path) -> None:
    path, settings, run_result = _fixable_run(tmp_path)
    path.write_text(GROUPED.replace("print(path, table)", "print(table, path)"))
    outcome = fix_run(run_result, settings, unsafe=True)
    assert outcome.changes == {} and outcome.fixed == []
    assert outcome.skipped == [(str(path), "it changed during the run; not fixed")]


def test_a_file_changed_during_a_command_line_run_is_reported_and_left_alone(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's own path: the file changes between linting and writing."""
    import xcomlint.autofix as autofix

    path = write(tmp_path, "dags/etl.py", GROUPED)
    edited = GROUPED + "# saved by an editor during the run\n"
    real_fix_run = autofix.fix_run

    def fix_run_then_edit(*args, **kwargs):
        outcome = real_fix_run(*args, **kwargs)
        path.write_text(edited)
        return outcome

    monkeypatch.setattr(autofix, "fix_run", fix_run_then_edit)
    result = run(tmp_path, "dags", "--fix", "--unsafe-fixes")
    assert path.read_text() == edited
    assert "xcomlint: warning: dags/etl.py: it changed during the run; not fixed" in result.stderr
    assert result.exit_code == 1  # the findings of the file as it is now are reported
    assert "XCL103" in result.stdout


# --------------------------------------------------------- rules' edits
@pytest.mark.parametrize(
    "pull,fixed",
    [
        ('ti.xcom_pull(task_ids="extract", key=None)', 'ti.xcom_pull(task_ids="extract")'),
        ('ti.xcom_pull(key=None, task_ids="extract")', 'ti.xcom_pull(task_ids="extract")'),
        ('ti.xcom_pull(task_ids="extract", key="", include_prior_dates=False)',
         'ti.xcom_pull(task_ids="extract", include_prior_dates=False)'),
        ('ti.xcom_pull(\n        task_ids="extract",\n        key=None,\n    )',
         'ti.xcom_pull(\n        task_ids="extract",\n    )'),
        ('ti.xcom_pull("extract", None, None)', 'ti.xcom_pull("extract", None)'),
    ],
    ids=["last", "first", "middle", "multi-line", "positional"],
)
def test_an_empty_key_is_removed_with_its_comma(tmp_path: Path, pull: str, fixed: str) -> None:
    source = textwrap.dedent(
        """\
        from airflow.sdk import DAG
        from airflow.providers.standard.operators.python import PythonOperator


        def extract():
            return "s3://data-lake/raw/orders.csv"


        def load(ti):
            return PULL


        with DAG(dag_id="etl", schedule=None):
            PythonOperator(task_id="extract", python_callable=extract) >> PythonOperator(task_id="load", python_callable=load)
        """
    )
    path = write(tmp_path, "dags/etl.py", source.replace("PULL", pull))
    result = run(tmp_path, "dags", "--fix", "--unsafe-fixes", "--select", "XCL108,XCL107")
    assert path.read_text() == source.replace("PULL", fixed), result.stdout
    assert result.exit_code == 0


def test_no_fix_where_the_written_text_is_not_a_plain_literal(tmp_path: Path) -> None:
    """An escaped quote in a template, or an id from a variable: the fix would
    have to guess at the text, so there is none."""
    source = GROUPED.replace('ti.xcom_pull(task_ids="stage")', 'ti.xcom_pull(task_ids=STAGE)').replace(
        "def load(ti):", 'STAGE = "stage"\n\n\ndef load(ti):')
    source = source.replace(
        'loader = PythonOperator(task_id="load", python_callable=load)',
        'loader = PythonOperator(task_id="load", python_callable=load)\n'
        '    report = BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids=\\"stage\\") }}")',
    ).replace("from airflow.sdk import DAG, TaskGroup", "from airflow.sdk import DAG, TaskGroup\n"
              "from airflow.providers.standard.operators.bash import BashOperator")
    write(tmp_path, "dags/etl.py", source)
    result = run(tmp_path, "dags", "--format", "json")
    grouped = [f for f in json.loads(result.stdout) if "'stage'" in f["message"]]
    assert len(grouped) == 2 and all(f["fix"] is None for f in grouped)


def test_a_template_in_a_multi_line_string_is_fixed_in_place(tmp_path: Path) -> None:
    source = textwrap.dedent(
        '''\
        from airflow.sdk import DAG, TaskGroup
        from airflow.providers.standard.operators.bash import BashOperator

        with DAG(dag_id="etl", schedule=None):
            with TaskGroup(group_id="warehouse"):
                stage = BashOperator(task_id="stage", bash_command="echo staged")
            report = BashOperator(
                task_id="report",
                bash_command="""
                    echo {{ ti.xcom_pull(task_ids="stage") }}
                """,
            )
            stage >> report
        '''
    )
    path = write(tmp_path, "dags/etl.py", source)
    assert run(tmp_path, "dags", "--fix").exit_code == 0
    assert path.read_text() == source.replace('task_ids="stage"', 'task_ids="warehouse.stage"')


STALE_ALLOWLIST = textwrap.dedent(
    """\
    version: 1
    dags:
      reports:
        # what the report reads
        xcoms:
          - from: build      # the URL
            to: [publish]
          - from: build
            key: old_url     # renamed
            to: [publish]
          - from: build
            key: older_url
            to: [publish]
      archive:
        xcoms:
          - from: build
            key: gone
            to: [build]
        cross_dag:
          - dag: reports
            from: build
            to: [build]
    """
).replace("\n", "\r\n")
REPORTS = textwrap.dedent(
    """\
    from airflow.sdk import DAG, task

    with DAG(dag_id="reports", schedule=None):

        @task
        def build() -> str:
            return "s3://reports/daily.html"

        @task
        def publish(url: str) -> None:
            print(url)

        publish(build())
    """
)


def test_stale_allowlist_entries_are_removed_line_by_line(tmp_path: Path) -> None:
    """Line endings (CRLF here), comments and the other entries stay; the only
    entry of a list goes with its key, and a DAG left with nothing stays listed."""
    write(tmp_path, "dags/reports.py", REPORTS)
    write(tmp_path, "dags/archive.py", REPORTS.replace('"reports"', '"archive"').replace("publish(build())", "build()"))
    allowlist = tmp_path / "allowlist.yaml"
    allowlist.write_bytes(STALE_ALLOWLIST.encode())
    result = run(tmp_path, "dags", "--allowlist", "allowlist.yaml", "--fix")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert allowlist.read_bytes().decode() == textwrap.dedent(
        """\
        version: 1
        dags:
          reports:
            # what the report reads
            xcoms:
              - from: build      # the URL
                to: [publish]
          archive:
        """
    ).replace("\n", "\r\n")
    assert run(tmp_path, "dags", "--allowlist", "allowlist.yaml").exit_code == 0


# --------------------------------------------------------------- formats
def test_sarif_carries_the_fixes_and_is_valid(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--format", "sarif")
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    fixes = [r["fixes"][0] for r in log["runs"][0]["results"]]
    assert [f["properties"]["applicability"] for f in fixes] == ["unsafe", "safe"]
    change = fixes[1]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "dags/etl.py", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{"deletedRegion": {"startLine": 11, "startColumn": 35, "endLine": 11,
                                                         "endColumn": 42},
                                       "insertedContent": {"text": '"warehouse.stage"'}}]


def test_json_fix_is_as_the_spec_says(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    data = json.loads(run(tmp_path, "dags", "--format", "json").stdout)
    assert data[1]["fix"] == {
        "message": "Replace 'stage' with 'warehouse.stage'", "applicability": "safe",
        "edits": [{"line": 11, "column": 35, "end_line": 11, "end_column": 42, "content": '"warehouse.stage"'}],
    }


def test_github_annotations_are_unchanged_by_fixes(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    lines = run(tmp_path, "dags", "--format", "github").stdout.splitlines()
    assert lines[1].startswith("::error file=dags/etl.py,line=11,col=35,endLine=11,endColumn=42,"
                               "title=XCL103 pull-unknown-task::task 'stage' does not exist")


# --------------------------------------------------------- configuration
@pytest.mark.parametrize(
    "config,args,expected",
    [
        ('unfixable = ["XCL103"]', ["--fix", "--unsafe-fixes"], GROUPED),
        ('fixable = ["XCL104"]', ["--fix", "--unsafe-fixes"], GROUPED),
        ('unfixable = ["XCL1"]\nfixable = ["XCL103"]', ["--fix"], SAFE_FIXED),
        ('extend-safe-fixes = ["XCL103"]', ["--fix"], ALL_FIXED),
        ('extend-unsafe-fixes = ["XCL1"]', ["--fix"], GROUPED),
        ('extend-unsafe-fixes = ["XCL1"]\nextend-safe-fixes = ["XCL103"]', ["--fix"], ALL_FIXED),
        ("unsafe-fixes = true", ["--fix"], ALL_FIXED),
        ("unsafe-fixes = false", ["--fix"], SAFE_FIXED),
    ],
    ids=["unfixable", "fixable", "more-specific-fixable", "extend-safe", "extend-unsafe", "more-specific-safe",
         "unsafe-fixes", "no-unsafe-fixes"],
)
def test_configuration_decides_which_fixes_apply(tmp_path: Path, config: str, args: List[str], expected: str) -> None:
    write(tmp_path, "pyproject.toml", f"[tool.xcomlint]\n{config}\n")
    path = write(tmp_path, "dags/etl.py", GROUPED)
    run(tmp_path, "dags", *args)
    assert path.read_text() == expected


def test_a_fix_the_configuration_turns_off_is_not_shown(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.xcomlint]\nunfixable = ["XCL103"]\n')
    write(tmp_path, "dags/etl.py", GROUPED)
    data = json.loads(run(tmp_path, "dags", "--format", "json").stdout)
    assert [f["fix"] for f in data] == [None, None]
    assert "[*]" not in run(tmp_path, "dags").stdout


@pytest.mark.parametrize("key", ["fixable", "unfixable", "extend-safe-fixes", "extend-unsafe-fixes"])
def test_fix_keys_are_validated_with_their_line(tmp_path: Path, key: str) -> None:
    write(tmp_path, "pyproject.toml", f'[tool.xcomlint]\nselect = ["XCL1"]\n{key} = ["XCL999"]\n')
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags")
    assert result.exit_code == 2
    assert f"pyproject.toml:3: key '{key}': 'XCL999' matches no rule" in result.stderr


def test_show_settings_names_the_fix_keys(tmp_path: Path) -> None:
    write(tmp_path, ".xcomlint.yaml", "unfixable: [XCL103]\nextend-safe-fixes: [XCL104]\n")
    lines = run(tmp_path, "--show-settings").stdout.splitlines()
    assert 'unfixable = ["XCL103"]' in lines and 'extend-safe-fixes = ["XCL104"]' in lines
    assert 'fixable = ["ALL"]' in lines and "unsafe-fixes = false" in lines


def test_unsafe_fixes_must_be_true_or_false(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.xcomlint]\nselect = ["XCL1"]\nunsafe-fixes = "yes"\n')
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags")
    assert result.exit_code == 2
    assert "pyproject.toml:3: key 'unsafe-fixes': expected true or false, got 'yes'" in result.stderr


def test_help_describes_the_fix_options() -> None:
    from conftest import invoke

    text = " ".join(invoke("check", "--help").stdout.split())
    for option in ("--fix", "--unsafe-fixes", "--diff", "--fix-only", "--show-fixes"):
        assert option + " " in text
    assert "Findings marked [*] have a fix that --fix applies" in text



def test_fixes_come_back_from_the_cache(tmp_path: Path) -> None:
    """A warm run reads the findings, fixes included, from the cache."""
    write(tmp_path, "dags/etl.py", GROUPED)
    cold = invoke_in(tmp_path, "check", "dags", "--format", "json")
    warm = invoke_in(tmp_path, "check", "dags", "--format", "json")
    assert [f["fix"] for f in json.loads(warm.stdout)] == [f["fix"] for f in json.loads(cold.stdout)]
    assert all(f["fix"] for f in json.loads(warm.stdout))
    fixed = invoke_in(tmp_path, "check", "dags", "--fix")  # a warm run fixes as a cold one does
    assert (tmp_path / "dags/etl.py").read_text() == SAFE_FIXED and fixed.exit_code == 1


def test_diff_with_exit_zero_exits_0(tmp_path: Path) -> None:
    write(tmp_path, "dags/etl.py", GROUPED)
    result = run(tmp_path, "dags", "--diff", "--exit-zero")
    assert result.exit_code == 0 and result.stdout.startswith("--- dags/etl.py")


def test_a_finding_in_a_file_the_run_did_not_lint_is_not_fixed(tmp_path: Path) -> None:
    """Only the linted files (and the allow-list) are ever written."""
    path, settings, run_result = _fixable_run(tmp_path)
    moved = [replace(f, path=str(tmp_path / "other.py")) for f in run_result.findings]
    write(tmp_path, "other.py", GROUPED)
    outcome = fix_run(replace(run_result, findings=moved), settings, unsafe=True)
    assert outcome.changes == {}
    assert outcome.skipped == [(str(tmp_path / "other.py"), "not a file this run linted; not fixed")]
