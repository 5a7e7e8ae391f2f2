"""Where a run puts the findings about the project's other modules, which files
it lints as context, and when its cache holds (SPEC section 7; engine.lint_paths,
project.placement, project.importers).

Each test writes a small Airflow project under ``tmp_path`` and runs
``lint_paths`` from inside it, as pre-commit and CI would start the command.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from xcomlint.cache import ResultCache
from xcomlint.discovery import anchor
from xcomlint.engine import RunResult, lint_paths
from xcomlint.settings import Settings

CODES = frozenset({"XCL102", "XCL103", "XCL104", "XCL204"})

HELPER = """\
def extract(ti):
    return "s3://bucket/orders.json"


def load(ti):
    return ti.xcom_pull(task_ids="extarct")
"""


def dag_file(dag_id: str, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        from datetime import datetime

        from airflow import DAG
        from airflow.operators.python import PythonOperator
        from include.tasks import extract, load

        with DAG(dag_id="{dag_id}", start_date=datetime(2024, 1, 1)) as dag:
            a = PythonOperator(task_id="extract", python_callable=extract)
            b = PythonOperator(task_id="load", python_callable=load)
            a >> b
        """) + extra


# a DAG file's own finding, which a run linting only the helper must not report
OWN_FINDING = """\
    own = PythonOperator(task_id="own", python_callable=lambda ti: ti.xcom_pull(task_ids="nope"))
"""


def write(root: Path, files: Dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def position(root: Path, relative: str, marker: str) -> Tuple[int, int]:
    """The 1-based line and column where ``marker`` starts in ``relative`` (exactly once)."""
    found = [(number, text.index(marker) + 1)
             for number, text in enumerate((root / relative).read_text(encoding="utf-8").splitlines(), 1)
             if marker in text]
    assert len(found) == 1, (marker, found)
    return found[0]


def run(paths: Sequence[str], codes: frozenset = CODES, cache: Optional[ResultCache] = None,
        progress: Optional[List[Tuple[int, int]]] = None, **settings: object) -> RunResult:
    result = lint_paths(list(paths), Settings(selected=codes, **settings), 1, cache,  # type: ignore[arg-type]
                        progress=None if progress is None else lambda done, total: progress.append((done, total)))
    assert result.errors == [] and result.path_errors == []
    return result


def found(result: RunResult) -> List[Tuple[str, int, str]]:
    return sorted((f.path, f.line, f.code) for f in result.findings)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """include/tasks.py pulls "extarct" (a typo of "extract"); two DAG files run it."""
    write(tmp_path, {
        "include/tasks.py": HELPER,
        "dags/etl.py": dag_file("etl"),
        "dags/backfill.py": dag_file("backfill", OWN_FINDING),
    })
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------- placement


def test_the_expected_lines(project: Path) -> None:
    """Guards the other tests' arithmetic: the lines they name hold what they say."""
    assert position(project, "include/tasks.py", '"extarct"') == (6, 34)
    assert position(project, "dags/etl.py", "python_callable=load") == (9, 40)
    assert position(project, "dags/backfill.py", "python_callable=load") == (9, 40)
    assert position(project, "dags/backfill.py", '"nope"') == (11, 90)


AT_HELPER = ("include/tasks.py", 6, "XCL103")
AT_ETL = ("dags/etl.py", 9, "XCL103")
AT_BACKFILL = ("dags/backfill.py", 9, "XCL103")
BACKFILL_OWN = ("dags/backfill.py", 11, "XCL103")

PLACEMENT_CASES = [
    # (id, linted paths, findings)
    ("ci: the whole tree", ["."], [BACKFILL_OWN, AT_HELPER]),
    ("the helper and the DAG folders", ["include", "dags"], [BACKFILL_OWN, AT_HELPER]),
    ("pre-commit: one DAG file", ["dags/etl.py"], [AT_ETL]),
    ("pre-commit: both DAG files", ["dags/etl.py", "dags/backfill.py"], [AT_BACKFILL, BACKFILL_OWN, AT_ETL]),
    ("pre-commit: the helper alone", ["include/tasks.py"], [AT_HELPER]),
    ("pre-commit: the helper and one DAG file", ["dags/etl.py", "include/tasks.py"], [AT_HELPER]),
    ("pre-commit: the helper and the other DAG file", ["dags/backfill.py", "include/tasks.py"],
     [BACKFILL_OWN, AT_HELPER]),
]


@pytest.mark.parametrize("paths, expected", [case[1:] for case in PLACEMENT_CASES],
                         ids=[case[0] for case in PLACEMENT_CASES])
def test_where_a_finding_in_a_helper_goes(project: Path, paths: List[str], expected: list) -> None:
    result = run(paths)
    assert found(result) == sorted(expected)
    assert all(f.entry is None for f in result.findings)  # every finding is placed


ABSOLUTE_CASES = [
    # (id, linted paths, where the helper's finding goes: "helper" or the DAG file)
    ("the helper alone", ["include/tasks.py"], "helper"),
    ("the helper and the DAG file", ["dags/etl.py", "include/tasks.py"], "helper"),
    ("the whole tree", ["."], "helper"),
    ("the DAG file alone", ["dags/etl.py"], "dags/etl.py"),
]


@pytest.mark.parametrize("paths, goes_to", [case[1:] for case in ABSOLUTE_CASES],
                         ids=[case[0] for case in ABSOLUTE_CASES])
def test_absolute_paths_are_placed_as_relative_ones(project: Path, paths: List[str], goes_to: str) -> None:
    """pre-commit passes relative paths, an editor or a CI script absolute ones: the
    finding goes to the same place, spelled as the linted file was given."""
    (project / "dags/backfill.py").unlink()
    absolute = [str(project / p) if p != "." else str(project) for p in paths]
    result = run(absolute)
    if goes_to == "helper":
        assert found(result) == [(str(project / "include/tasks.py"), 6, "XCL103")]
        assert result.findings[0].fix is not None
    else:
        assert found(result) == [(str(project / goes_to), 9, "XCL103")]


def test_a_noqa_in_a_helper_given_by_its_absolute_path_is_used(project: Path) -> None:
    (project / "dags/backfill.py").unlink()
    write(project, {"include/tasks.py": HELPER.replace('"extarct")', '"extarct")  # noqa: XCL103')})
    assert found(run([str(project / "include/tasks.py")], codes=CODES | {"XCL002"})) == []


def test_at_the_helper_the_finding_keeps_its_place_and_fix(project: Path) -> None:
    finding, = [f for f in run(["include/tasks.py"]).findings]
    assert (finding.path, finding.line, finding.column) == ("include/tasks.py", 6, 34)
    assert "in include/tasks.py" not in finding.message
    assert finding.fix is not None  # the did-you-mean edits the helper, which is linted


def test_at_the_dag_file_the_finding_names_the_helper_and_drops_its_fix(project: Path) -> None:
    finding, = run(["dags/etl.py"]).findings
    assert (finding.path, finding.line, finding.column) == ("dags/etl.py", 9, 40)
    assert finding.message.endswith("(in include/tasks.py:6:34)")
    assert "'extract'" in finding.message and finding.dag_id == "etl"
    assert finding.fix is None  # its fix would edit a file that is not linted
    assert finding.noqa_lines == ()


def test_two_dags_sharing_the_helper_give_one_finding(project: Path) -> None:
    for paths in (["."], ["include/tasks.py"]):
        at_helper = [f for f in run(paths).findings if f.path == "include/tasks.py"]
        assert len(at_helper) == 1, paths


def test_the_context_dag_files_findings_of_their_own_are_not_reported(project: Path) -> None:
    result = run(["include/tasks.py"])
    assert {f.path for f in result.findings} == {"include/tasks.py"}
    assert [m.path for m in result.models] == ["include/tasks.py"]  # the context files are no models of the run


def test_a_helper_no_dag_file_imports_has_no_context(project: Path) -> None:
    write(project, {"include/unused.py": HELPER})
    assert found(run(["include/unused.py"])) == []


def test_a_dag_file_reached_through_a_helper_chain_is_context(project: Path) -> None:
    write(project, {
        "include/wrapped.py": "from include.tasks import load\n\n\ndef wrapped(ti):\n    return load(ti)\n",
        "dags/etl.py": dag_file("etl").replace("from include.tasks import extract, load",
                                               "from include.tasks import extract\nfrom include.wrapped import load"),
    })
    (project / "dags/backfill.py").unlink()
    assert found(run(["include/tasks.py"])) == [AT_HELPER]


CONTEXT_EXCLUDED = [
    pytest.param("old.py", id="a file name pattern"),
    pytest.param("dags/legacy/*.py", id="a path pattern of the files"),
    pytest.param("legacy", id="a folder name pattern"),
    pytest.param("dags/legacy", id="a folder path pattern"),
]


@pytest.mark.parametrize("pattern", CONTEXT_EXCLUDED)
def test_an_excluded_dag_file_is_no_context(project: Path, pattern: str) -> None:
    (project / "dags/etl.py").unlink()
    (project / "dags/backfill.py").unlink()
    write(project, {"dags/legacy/old.py": dag_file("old"), "dags/current.py": "X = 1\n"})
    exclude = (anchor(pattern, str(project)),)
    for paths in (["include/tasks.py"], ["."]):
        assert found(run(paths, exclude=exclude)) == [], (paths, pattern)
    # not excluded, it is context
    assert found(run(["include/tasks.py"])) == [AT_HELPER]


def test_worker_processes_follow_the_project_too(project: Path) -> None:
    # eight DAG files: two workers get four each (engine._lint_files)
    write(project, {f"dags/copy_{i}.py": dag_file(f"copy_{i}") for i in range(6)})
    result = lint_paths(["dags"], Settings(selected=CODES), 2)
    assert result.errors == []
    expected = [AT_BACKFILL, BACKFILL_OWN, AT_ETL] + [(f"dags/copy_{i}.py", 9, "XCL103") for i in range(6)]
    assert found(result) == sorted(expected)


def test_a_file_linted_on_its_own_places_the_helpers_finding_at_its_line(project: Path) -> None:
    from xcomlint.engine import lint_source
    from xcomlint.project import project_for

    settings = Settings(selected=CODES)
    result = lint_source("dags/etl.py", (project / "dags/etl.py").read_bytes(), settings,
                         project=project_for(settings, ["dags/etl.py"]))
    assert [(f.path, f.line, f.column, f.code, f.fix) for f in result.findings] == [
        ("dags/etl.py", 9, 40, "XCL103", None)]
    assert result.findings[0].message.endswith("(in include/tasks.py:6:34)")


# -------------------------------------------------------------------------- noqa

NOQA_CASES = [
    # (id, where the comment is, linted paths, findings): noqa is read where the finding ends up
    ("at the helper, ci", "helper", ["."], []),
    ("at the helper, the DAG file alone", "helper", ["dags/etl.py"], [AT_ETL]),
    ("at the helper, the helper alone", "helper", ["include/tasks.py"], []),
    ("at the DAG file, ci", "dag", ["."], [AT_HELPER, ("dags/etl.py", 9, "XCL002")]),
    ("at the DAG file, the DAG file alone", "dag", ["dags/etl.py"], []),
    ("at the DAG file, the helper alone", "dag", ["include/tasks.py"], [AT_HELPER]),
]


@pytest.mark.parametrize("where, paths, expected", [case[1:] for case in NOQA_CASES],
                         ids=[case[0] for case in NOQA_CASES])
def test_noqa_is_read_where_the_finding_ends_up(project: Path, where: str, paths: List[str],
                                                expected: list) -> None:
    (project / "dags/backfill.py").unlink()
    if where == "helper":
        write(project, {"include/tasks.py": HELPER.replace('"extarct")', '"extarct")  # noqa: XCL103')})
    else:
        write(project, {"dags/etl.py": dag_file("etl").replace("python_callable=load)",
                                                               "python_callable=load)  # noqa: XCL103")})
    # XCL002 says whether the comment was used
    assert found(run(paths, codes=CODES | {"XCL002"})) == sorted(expected)


# ------------------------------------------------------------------------- cache


def test_a_warm_run_relints_a_dag_file_whose_helper_changed(project: Path, tmp_path_factory) -> None:
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    linted: List[Tuple[int, int]] = []
    cold = run(["dags/etl.py"], cache=cache, progress=linted)
    assert found(cold) == [AT_ETL] and linted == [(1, 1)]

    linted.clear()
    warm = run(["dags/etl.py"], cache=cache, progress=linted)
    assert found(warm) == [AT_ETL] and linted == []  # nothing changed: the cached result

    (project / "include/tasks.py").write_text(HELPER.replace('"extarct"', '"extract"'), encoding="utf-8")
    linted.clear()
    fixed = run(["dags/etl.py"], cache=cache, progress=linted)
    assert found(fixed) == [] and linted == [(1, 1)]  # the helper changed: the DAG file is linted again

    linted.clear()
    assert found(run(["dags/etl.py"], cache=cache, progress=linted)) == [] and linted == []


@pytest.mark.parametrize("edited, relinted", [
    (HELPER.replace("def load(ti):", "def load(ti):  # reads what extract wrote"), False),
    (HELPER + "\n\n# edited at the end\n", False),
    (HELPER.replace('"extarct")', '"extarct")  # noqa: XCL103'), False),  # read where the finding ends up
    ("# a line at the top moves every line below\n" + HELPER, True),
    (HELPER + "\nVERSION = 2\n", True),
    (HELPER.replace('"s3://bucket/orders.json"', "'s3://bucket/orders.json'"), True),  # a token's text
], ids=["inline comment", "comment appended", "noqa comment", "comment line inserted", "code appended", "quotes"])
def test_a_warm_run_keeps_dag_files_whose_helper_changed_only_in_comments(
        project: Path, tmp_path_factory, edited: str, relinted: bool) -> None:
    """The cache keeps the bytes of each module a model read: when they
    change, the DAG files that import the module are linted again only if its
    code did (the tokens and where they stand)."""
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    assert found(run(["dags/etl.py"], cache=cache)) == [AT_ETL]
    (project / "include/tasks.py").write_text(edited, encoding="utf-8")
    linted: List[Tuple[int, int]] = []
    after = run(["dags/etl.py"], cache=cache, progress=linted)
    assert (linted == [(1, 1)]) is relinted
    expected = [AT_ETL]
    if "insert" in edited or "at the top" in edited:
        expected = found(run(["dags/etl.py"]))  # the place the uncached run gives
    assert found(after) == expected
    if "noqa" in edited:
        # in CI the helper is linted too, and its noqa comment is read
        assert not [f for f in run(["."], cache=cache).findings if f.path == "include/tasks.py"]


def test_a_warm_run_sees_a_helper_created_after_the_dag_file_that_imports_it(project: Path, tmp_path_factory) -> None:
    (project / "include/tasks.py").unlink()  # imported by the DAG file, not written yet
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    assert found(run(["dags/etl.py"], cache=cache)) == []
    (project / "include/tasks.py").write_text(HELPER, encoding="utf-8")
    linted: List[Tuple[int, int]] = []
    assert found(run(["dags/etl.py"], cache=cache, progress=linted)) == [AT_ETL] and linted == [(1, 1)]


def test_a_warm_run_relints_when_the_cache_lost_a_module_s_bytes(project: Path, tmp_path_factory) -> None:
    directory = str(tmp_path_factory.mktemp("cache"))
    cache = ResultCache(directory, "namespace")
    run(["dags/etl.py"], cache=cache)
    import sqlite3

    connection = sqlite3.connect(cache.database)
    with connection:
        assert connection.execute("SELECT count(*) FROM sources").fetchone()[0] == 1  # include/tasks.py
        connection.execute("DELETE FROM sources")
    connection.close()
    (project / "include/tasks.py").write_text(HELPER + "# a comment\n", encoding="utf-8")
    linted: List[Tuple[int, int]] = []
    assert found(run(["dags/etl.py"], cache=cache, progress=linted)) == [AT_ETL] and linted == [(1, 1)]


def test_a_warm_run_of_the_helper_alone_relints_its_context(project: Path, tmp_path_factory) -> None:
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    assert found(run(["include/tasks.py"], cache=cache)) == [AT_HELPER]
    linted: List[Tuple[int, int]] = []
    assert found(run(["include/tasks.py"], cache=cache, progress=linted)) == [AT_HELPER] and linted == []
    (project / "include/tasks.py").write_text(HELPER.replace('"extarct"', '"extract"'), encoding="utf-8")
    linted.clear()
    assert found(run(["include/tasks.py"], cache=cache, progress=linted)) == []
    # the helper and both DAG files that import it
    assert linted and linted[-1] == (3, 3)


def test_a_warm_run_sees_a_typo_brought_in_by_a_helper(project: Path, tmp_path_factory) -> None:
    (project / "include/tasks.py").write_text(HELPER.replace('"extarct"', '"extract"'), encoding="utf-8")
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    assert found(run(["dags/etl.py"], cache=cache)) == []
    (project / "include/tasks.py").write_text(HELPER, encoding="utf-8")
    assert found(run(["dags/etl.py"], cache=cache)) == [AT_ETL]


def test_a_warm_run_relints_a_dag_file_whose_broken_helper_was_fixed(project: Path, tmp_path_factory) -> None:
    (project / "include/tasks.py").write_text(HELPER.replace("def load(ti):", "def load(ti)"), encoding="utf-8")
    cache = ResultCache(str(tmp_path_factory.mktemp("cache")), "namespace")
    assert found(run(["dags/etl.py"], cache=cache)) == []  # the helper does not parse: nothing is known of it
    (project / "include/tasks.py").write_text(HELPER, encoding="utf-8")
    assert found(run(["dags/etl.py"], cache=cache)) == [AT_ETL]


def test_a_finding_kept_at_the_helper_says_which_dag_file_runs_it(project: Path) -> None:
    """The same helper may be right in another DAG: at the helper, the finding names
    the DAG file's line that runs it (and the DAG, unless the message does)."""
    [finding] = [f for f in run(["."]).findings if f.path == "include/tasks.py"]
    assert (finding.path, finding.line) == AT_HELPER[:2]
    assert finding.message.endswith(f"(through dags/{finding.dag_id}.py:9)")
    assert f"DAG '{finding.dag_id}'" in finding.message


def test_a_pull_without_task_ids_in_a_helper_names_no_single_task(project: Path) -> None:
    """XCL101 on a helper's pull: the tasks that run it (here in two DAGs) each
    read their own key, so the message says "the calling task", not one of them."""
    (project / "include/tasks.py").write_text(HELPER.replace('task_ids="extarct"', 'key="rows"'), encoding="utf-8")
    [finding] = run(["."], codes=frozenset({"XCL101"})).findings
    assert finding.path == "include/tasks.py"
    assert "of the calling task itself" in finding.message
    assert "'load'" not in finding.message


def test_a_finding_of_a_module_with_no_line_in_the_linted_files_is_not_placed_nowhere() -> None:
    """A record of another module whose code no line of the linted file brings in
    (``entry`` names no file): reported at the module when it is linted, dropped
    when it is not, never at an empty path and line 0."""
    from xcomlint.findings import Finding
    from xcomlint.project.placement import place_findings

    orphan = Finding("include/tasks.py", 6, 34, 6, 43, "XCL103", "pull-unknown-task", "task 'x' ...", "error",
                     entry=("", 0, 0, 0, 0))
    assert place_findings([orphan], {"dags/etl.py"}, lambda path: None) == []
    [kept] = place_findings([orphan], {"include/tasks.py"}, lambda path: None)
    assert (kept.path, kept.line, kept.entry) == ("include/tasks.py", 6, None)
