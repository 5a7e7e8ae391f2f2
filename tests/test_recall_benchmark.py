"""The recall benchmark's own instruments: the independent scan and the mutators."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import recall  # noqa: E402
import recall_project  # noqa: E402
import recall_repos  # noqa: E402
from recall_mutants import KINDS, Mutant, mutants_of  # noqa: E402
from recall_scan import scan_file, simple_graph  # noqa: E402

ETL = '''\
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.operators.s3 import S3CreateBucketOperator


def extract(ti):
    ti.xcom_push(key="rows", value=3)
    return "s3://bucket/key"


def load(ti):
    path = ti.xcom_pull(task_ids="extract")
    rows = ti.xcom_pull(
        task_ids="extract",
        key="rows",
    )
    print(path, rows)


with DAG("etl", start_date=datetime(2024, 1, 1)) as dag:
    start = EmptyOperator(task_id="start")
    bucket = S3CreateBucketOperator(task_id="make_bucket", bucket_name="b")
    get = PythonOperator(task_id="extract", python_callable=extract)
    put = PythonOperator(task_id="load", python_callable=load)
    report = BashOperator(
        task_id="report",
        bash_command="echo {{ ti.xcom_pull(task_ids='load') }}",
    )
    start >> bucket >> get >> put >> report
'''

GROUPED = '''\
from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator
from airflow.utils.task_group import TaskGroup

with DAG("grouped", start_date=datetime(2024, 1, 1)) as dag:
    with TaskGroup("prep") as prep:
        clean = BashOperator(task_id="clean", bash_command="echo hi")

    @task
    def summary(ti=None):
        return ti.xcom_pull(task_ids="prep.clean")

    prep >> summary()
'''


DONTS = '''\
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def fetch_rows():
    return [{"id": 1}]


def export(ti):
    rows = fetch_rows()
    ti.xcom_push(key="rows", value=rows)
    return "s3://bucket/rows.json"


def report(ti):
    path = ti.xcom_pull(task_ids="export")
    rows = ti.xcom_pull(task_ids="export", key="rows")
    print(path, rows)
    return path


with DAG("donts", start_date=datetime(2024, 1, 1)) as dag:
    made = PythonOperator(task_id="export", python_callable=export)
    told = PythonOperator(task_id="report", python_callable=report)
    made >> told
'''


def by_kind(source: str, name: str = "dag.py", per_file: int = 10) -> Dict[str, List[Mutant]]:
    scan = scan_file(name, source)
    assert scan is not None
    found: Dict[str, List[Mutant]] = {}
    for mutant in mutants_of(scan, seed=3, per_file=per_file):
        found.setdefault(mutant.kind, []).append(mutant)
    return found


def one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def pulls_of(source: str) -> List[ast.Call]:
    return [n for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "xcom_pull"]


def test_scan_reads_tasks_pulls_consumers_and_graph():
    scan = scan_file("etl.py", ETL)
    assert {t.task_id for t in scan.tasks} == {"start", "make_bucket", "extract", "load", "report"}
    assert scan.task("make_bucket").origin == "airflow.providers.amazon.aws.operators.s3.S3CreateBucketOperator"
    pulls = [(p.jinja, [v for v, _ in p.task_ids], p.key or "", p.consumer.task_id) for p in scan.pulls]
    assert sorted(pulls) == [(False, ["extract"], "", "load"), (False, ["extract"], "rows", "load"),
                             (True, ["load"], "", "report")]
    graph = simple_graph(scan)
    assert sorted((e.upstream, e.downstream) for e in graph.edges) == [
        ("extract", "load"), ("load", "report"), ("make_bucket", "extract"), ("start", "make_bucket")]
    grouped = scan_file("grouped.py", GROUPED)
    assert {t.task_id for t in grouped.tasks} == {"prep.clean", "summary"}
    assert grouped.pulls[0].consumer.task_id == "summary"
    assert simple_graph(grouped) is None  # a TaskGroup's edges are not read


def test_every_kind_makes_a_valid_mutant_of_the_same_length():
    found = {**by_kind(ETL, "etl.py"), **by_kind(GROUPED, "grouped.py")}
    for kind, mutants in by_kind(DONTS, "donts.py").items():
        found.setdefault(kind, []).extend(mutants)
    assert set(found) == set(KINDS)
    for kind, mutants in found.items():
        for mutant in mutants:
            if "fetch_rows" in mutant.source:
                original = DONTS
            else:
                original = ETL if "extract" in mutant.source or "make_bucket" in mutant.source else GROUPED
            assert mutant.source.count("\n") == original.count("\n"), kind
            ast.parse(mutant.source)
            assert mutant.source != original
            # the mutated line is the only line that changed, apart from the
            # continuation lines of an edited statement
            changed = [i for i, (a, b) in enumerate(zip(original.splitlines(), mutant.source.splitlines())) if a != b]
            assert changed and changed[0] + 1 == mutant.line, kind


def test_typos_change_one_letter_into_no_string_of_the_file():
    found = by_kind(ETL, "etl.py")
    strings = {n.value for n in ast.walk(ast.parse(ETL)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    for mutant in found["task_id_typo_python"] + found["task_id_typo_jinja"]:
        new = mutant.detail["typo"]
        assert one_edit(mutant.detail["task_ids"], new) and new not in strings
        assert f"'{new}'" in mutant.after or f'"{new}"' in mutant.after
    (key,) = found["key_typo"]
    assert key.detail["key"] == "rows" and one_edit("rows", key.detail["typo"])
    assert [kw.value.value for c in pulls_of(key.source) for kw in c.keywords if kw.arg == "key"] == [key.detail["typo"]]


def test_task_ids_deleted_removes_only_that_argument():
    found = by_kind(ETL, "etl.py")
    assert len(found["task_ids_deleted"]) == 2
    for mutant in found["task_ids_deleted"]:
        kept = [[kw.arg for kw in c.keywords] for c in pulls_of(mutant.source)]
        assert sorted(kept) == sorted([[], ["task_ids", "key"]]) or sorted(kept) == sorted([["task_ids"], ["key"]])
    (jinja,) = found["task_ids_deleted_jinja"]
    assert "{{ ti.xcom_pull() }}" in jinja.after


def test_group_prefix_dropped():
    (mutant,) = by_kind(GROUPED, "grouped.py")["group_prefix_dropped"]
    assert mutant.before == 'return ti.xcom_pull(task_ids="prep.clean")'
    assert mutant.after == 'return ti.xcom_pull(task_ids="clean")'


def test_edge_removed_cuts_the_only_path_and_keeps_the_others():
    mutants = by_kind(ETL, "etl.py")["edge_removed"]
    assert [m.detail["edge"] for m in mutants] == ["extract >> load", "load >> report"]
    for mutant in mutants:
        graph = simple_graph(scan_file("etl.py", mutant.source))
        edges = sorted((e.upstream, e.downstream) for e in graph.edges)
        upstream, downstream = mutant.detail["edge"].split(" >> ")
        assert (upstream, downstream) not in edges and len(edges) == 3
        assert not graph.reachable(upstream, downstream)
    assert mutants[0].after == "start >> bucket >> get; put >> report"


def test_returns_set_and_datetime():
    found = by_kind(ETL, "etl.py")
    (as_set,) = found["returns_set"]
    assert as_set.after == 'return {"s3://bucket/key"}'
    (as_datetime,) = found["returns_datetime"]
    assert as_datetime.after == "return datetime.now()"
    # the @task function of the grouped DAG returns its pull
    (grouped_set,) = by_kind(GROUPED, "grouped.py")["returns_set"]
    assert grouped_set.after == 'return {ti.xcom_pull(task_ids="prep.clean")}'


def test_xcom_push_false_and_silent_operators():
    found = by_kind(ETL, "etl.py")
    (off,) = [m for m in found["do_xcom_push_false"] if m.detail["producer"] == "extract"]
    assert off.after == 'get = PythonOperator(task_id="extract", do_xcom_push=False, python_callable=extract)'
    assert off.origin == "classic" and len(off.sites) == 1  # the pull of return_value, not of 'rows'
    retargeted = found["pull_from_silent_operator"]
    assert {m.detail["now"] for m in retargeted} <= {"start", "make_bucket"}
    assert {m.origin for m in retargeted} <= {"classic", "provider"}
    assert any(m.detail["now"] == "make_bucket" and m.origin == "provider" for m in retargeted) or all(
        m.detail["now"] == "start" for m in retargeted)


def test_sampling_is_seeded_and_capped():
    first = [(m.kind, m.source) for m in mutants_of(scan_file("etl.py", ETL), seed=5, per_file=1)]
    again = [(m.kind, m.source) for m in mutants_of(scan_file("etl.py", ETL), seed=5, per_file=1)]
    assert first == again
    kinds = [kind for kind, _ in first]
    assert len(kinds) == len(set(kinds))


def test_unreadable_or_plain_files_give_no_sites():
    assert scan_file("bad.py", "def (:\n") is None
    assert mutants_of(scan_file("plain.py", "import os\nprint(os.sep)\n"), seed=1) == []


def test_judging_with_xcomlint_counts_a_typo_as_detected(tmp_path):
    (mutant,) = by_kind(ETL, "etl.py", per_file=1)["task_id_typo_python"]
    linter = recall.Linter(3)
    original, errors = linter.lint("etl.py", ETL)
    assert errors == []
    outcome = recall.judge("synthetic", "etl.py", 3, mutant, original, recall.Positions(ETL), linter)
    assert outcome.status == "detected", outcome
    # the typo may also leave the push of 'rows' unread (XCL204): explained, not collateral
    assert "XCL103" in [f["code"] for f in outcome.new_findings]
    assert set(f["code"] for f in outcome.new_findings) <= {"XCL103", "XCL204"}
    assert outcome.collateral == []


def test_a_finding_the_bug_does_not_explain_is_collateral():
    (mutant,) = by_kind(ETL, "etl.py", per_file=1)["returns_set"]
    positions = recall.Positions(mutant.source)
    at_return = {"line": mutant.line, "column": 5, "code": "XCL201", "message": "set"}
    elsewhere = {"line": 1, "column": 1, "code": "XCL201", "message": "set"}
    assert recall.explained(at_return, mutant, positions)
    assert not recall.explained(elsewhere, mutant, positions)


@pytest.mark.parametrize("offset,expected", [(0, 0), (30, 30)])
def test_spans_before_an_edit_do_not_move(offset, expected):
    (mutant,) = by_kind(ETL, "etl.py", per_file=1)["do_xcom_push_false"]
    assert mutant.in_mutant((offset, offset + 1))[0] == expected
    start, end, length = mutant.edit
    assert mutant.in_mutant((end, end + 4)) == (end + length - (end - start), end + 4 + length - (end - start))


def test_strings_airflow_never_renders_are_no_template_pulls():
    source = GROUPED + '''
    @task
    def query(hook=None):
        return hook.sql("SELECT {{ ti.xcom_pull(task_ids='prep.clean') }}")

    SQL = "SELECT {{{{ ti.xcom_pull(task_ids='prep.clean') }}}}".format()
    query()
'''
    scan = scan_file("grouped.py", source)
    assert [p.jinja for p in scan.pulls] == [False]  # only the Python pull of summary()


def test_a_silent_operator_in_no_dag_is_never_the_new_producer():
    """An operator made at module level, outside any DAG context and without
    ``dag=``, belongs to no DAG: a pull retargeted to it shows XCL103, not XCL106."""
    source = '''\
from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def produce():
    return 1


def consume(ti):
    return ti.xcom_pull(task_ids="produce")


dag = DAG("d")
start = EmptyOperator(task_id="start")
inside = EmptyOperator(task_id="inside", dag=dag)
produce_task = PythonOperator(task_id="produce", python_callable=produce, dag=dag)
consume_task = PythonOperator(task_id="consume", python_callable=consume, dag=dag)
inside >> produce_task >> consume_task
'''
    scan = scan_file("dagless.py", source)
    assert scan is not None
    tasks = scan.tasks_by_id()
    (start,), (inside,) = tasks["start"], tasks["inside"]
    assert start.dagless and not inside.dagless
    assert not scan.same_dag(start, inside) and scan.same_dag(inside, tasks["produce"][0])
    retargeted = by_kind(source, "dagless.py")["pull_from_silent_operator"]
    assert [m.detail["now"] for m in retargeted] == ["inside"]


# --------------------------------------------------------------------------- whole-repository mode

HELPERS = '''\
def extract():
    return "s3://bucket/key"


def load(ti):
    path = ti.xcom_pull(task_ids="extract")
    print(path)
'''

PROJECT_DAG = '''\
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

from include.helpers import extract, load

with DAG("project_etl", start_date=datetime(2024, 1, 1)) as dag:
    get = PythonOperator(task_id="extract", python_callable=extract)
    put = PythonOperator(task_id="load", python_callable=load)
    report = BashOperator(task_id="report", bash_command="echo {{ ti.xcom_pull(task_ids='extract') }}")
    get >> put >> report
'''


def small_repository(root: Path) -> Path:
    """A repository whose DAG file runs callables of a helper module (and a test importing it)."""
    (root / ".git").mkdir(parents=True)
    for path, text in {"dags/project_etl.py": PROJECT_DAG, "include/__init__.py": "", "include/helpers.py": HELPERS,
                       "tests/test_helpers.py": "from include.helpers import extract\n\n# airflow dag\n"}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def repository_sites_of(root: Path, **options) -> List["recall_project.Site"]:
    project = recall_project.read_project(root)
    sites, _candidates = recall_project.repository_sites(project, root.name, seed=3, **options)
    return sites


def test_repository_roles_follow_the_imports_of_dag_files(tmp_path):
    project = recall_project.read_project(small_repository(tmp_path / "repo"))
    assert project.dag_files == ["dags/project_etl.py"]
    assert project.modules == ["include/__init__.py", "include/helpers.py"]  # tests are neither
    assert project.importers("include/helpers.py") == ["dags/project_etl.py"]


def test_a_helper_gets_sites_from_the_dags_that_import_it(tmp_path):
    sites = [s for s in repository_sites_of(small_repository(tmp_path / "repo")) if s.role == "module"]
    kinds = {s.mutant.kind: s for s in sites}
    # the pull names a task of the importing DAG; the callable's return is that task's XCom
    assert {"task_id_typo_python", "task_ids_deleted", "returns_set"} <= set(kinds)
    assert all(s.path == "include/helpers.py" for s in sites)
    typo = kinds["task_id_typo_python"]
    assert typo.mutant.line == 6 and typo.mutant.detail["task_ids"] == "extract"
    assert kinds["returns_set"].mutant.after == 'return {"s3://bucket/key"}'


def helper_typo(tmp_path: Path) -> "recall_project.Site":
    (site,) = [s for s in repository_sites_of(small_repository(tmp_path / "repo"), per_file=1)
               if s.role == "module" and s.mutant.kind == "task_id_typo_python"]
    return site


def test_a_finding_naming_the_mutated_helper_line_is_a_catch_and_the_rest_collateral(tmp_path):
    site = helper_typo(tmp_path)
    original = recall_repos.LintRun([], [])
    relocated = {"path": "dags/project_etl.py", "line": 11, "column": 5, "code": "XCL103",
                 "message": "task 'extarct' does not exist (the pull at include/helpers.py:6)"}
    unrelated = {"path": "dags/project_etl.py", "line": 12, "column": 5, "code": "XCL102", "message": "race"}
    outcome = recall_repos.judge(site, "pre-commit", 3, original, recall_repos.LintRun([relocated, unrelated], []))
    assert outcome.status == "detected" and outcome.role == "module"
    assert outcome.new_findings == [relocated, unrelated] and outcome.collateral == [unrelated]
    # at the pull itself, in the helper
    at_pull = {"path": "include/helpers.py", "line": 6, "column": 12, "code": "XCL103", "message": "no such task"}
    assert recall_repos.judge(site, "CI", 3, original, recall_repos.LintRun([at_pull], [])).status == "detected"
    # a finding naming another line of the helper, or of another code, catches nothing
    elsewhere = dict(relocated, message="task 'x' does not exist (the pull at include/helpers.py:2)")
    missed = recall_repos.judge(site, "CI", 3, original, recall_repos.LintRun([elsewhere], []))
    assert missed.status == "missed" and missed.collateral == [elsewhere]
    # already reported before the mutation: nothing to show, not counted
    assert recall_repos.skipped(site, recall_repos.LintRun([relocated], []))
    assert recall_repos.judge(site, "CI", 3, recall_repos.LintRun([relocated], []), None).status == "skipped"


def test_findings_compare_by_file_line_code_and_the_places_they_name():
    first = {"path": "dags/a.py", "line": 3, "code": "XCL103", "message": "see include/h.py:6"}
    second = dict(first, message="see include/h.py:9")
    assert recall_repos.new_findings([first], [first, second]) == [second]
    assert recall_repos.new_findings([first], [dict(first, message="see ./include/h.py:6 again")]) == []


def test_whole_repository_run_lints_each_mutant_in_both_modes(tmp_path):
    root = small_repository(tmp_path / "repo")
    outcomes, stats = recall_repos.check_repository(root, 3, seed=3, per_file=1, limit=-1,
                                                    kinds=["task_id_typo_jinja", "task_id_typo_python"],
                                                    progress=False)
    assert stats.dag_files == 1 and stats.modules == 2 and stats.mutants == {"dag": 1, "module": 1}
    assert sorted((o.role, o.mode) for o in outcomes) == [("dag", "CI"), ("dag", "pre-commit"),
                                                          ("module", "CI"), ("module", "pre-commit")]
    for outcome in outcomes:
        if outcome.role == "dag":  # the typo'd template pull of the DAG file, seen in the file alone
            assert outcome.status == "detected" and outcome.collateral == [], outcome
        else:  # detected once xcomlint reads the helper in the context of the DAG
            assert outcome.status in ("detected", "missed"), outcome
    assert (root / "include/helpers.py").read_text(encoding="utf-8") == HELPERS  # the checkout is never touched


def test_the_donts_of_xcom_as_mutants_and_their_findings():
    found = by_kind(DONTS, "donts.py")
    (loop,) = found["push_in_data_loop"]
    assert loop.after == 'for _item in rows: ti.xcom_push(key=f"rows_{_item}", value=_item)'
    (self_read,) = found["pull_self_read"]
    assert self_read.after == 'path = ti.xcom_pull(task_ids="report")'  # report returns a value: its own XCom
    (mapped,) = found["producer_mapped"]
    assert 'path = ti.xcom_pull(task_ids="export")["value"]' in mapped.source
    assert 'PythonOperator.partial(task_id="export", python_callable=export).expand(op_args=[[1], [2]])' in mapped.source
    linter = recall.Linter(3)
    original, errors = linter.lint("donts.py", DONTS)
    assert errors == []
    for mutant in (loop, self_read, mapped):
        outcome = recall.judge("synthetic", "donts.py", 3, mutant, original, recall.Positions(DONTS), linter)
        assert outcome.status == "detected" and outcome.collateral == [], (mutant.kind, outcome)
