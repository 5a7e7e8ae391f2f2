"""The allow-list enforced at runtime by xcomlint's XCom backend, on real Airflow.

Every test here runs real DAG runs (``tests/airflow_runtime/dags``) with
``dag.test()`` in an Airflow 3 and an Airflow 2.10 virtual environment (see
``airflow_envs``): a SQLite metadata database, no scheduler. The runs of one
configuration are shared by the tests that read them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

import pytest
from airflow_envs import (
    ALLOWLIST,
    BACKEND,
    DAGS,
    OBJECT_STORAGE,
    ROOT,
    Airflow,
    ApiServer,
    Run,
    airflow_python,
    backend_settings,
    denials,
)
from conftest import invoke

from xcomlint.allowlist import AllowListError, load_allowlist, parse_allowlist
from xcomlint.docs import code_blocks, sections

ALL_DAGS = ["rt_leaky", "rt_permitted", "rt_pushes", "rt_fx_rates", "rt_billing", "rt_computed", "rt_exclusive",
            "rt_unlisted", "rt_callback", "rt_target", "rt_trigger"]
RULES = load_allowlist(str(ALLOWLIST))


INSTALLATIONS: Dict[int, Airflow] = {}


def installation(version: int, tmp_path_factory: pytest.TempPathFactory) -> Airflow:
    """One metadata database per Airflow version and test session."""
    if version not in INSTALLATIONS:
        found = Airflow(version, airflow_python(version), tmp_path_factory.mktemp(f"airflow{version}-home"))
        found.migrate()
        INSTALLATIONS[version] = found
    return INSTALLATIONS[version]


@pytest.fixture(scope="session", params=[3, 2], ids=["airflow3", "airflow2"])
def airflow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Airflow:
    return installation(request.param, tmp_path_factory)


@pytest.fixture(scope="session")
def airflow3(tmp_path_factory: pytest.TempPathFactory) -> Airflow:
    return installation(3, tmp_path_factory)


def readme_block(index: int, language: str = "sh") -> str:
    section = sections((ROOT / "README.md").read_text(encoding="utf-8"))["Enforcing the allow-list at runtime"]
    return [body for info, body in code_blocks(section) if info == language][index]


def readme_exports(index: int) -> Dict[str, str]:
    lines = [line for line in readme_block(index).splitlines() if line.startswith("export ")]
    return dict(line[len("export "):].split("=", 1) for line in lines)


def enforced(airflow: Airflow) -> Run:
    """All DAGs in mode enforce, values stored by Airflow's object-storage backend (as the README
    sets it up, with files under the home for S3)."""
    objects = airflow.home / "objects"
    objects.mkdir(exist_ok=True)
    storage = readme_exports(1)
    assert storage["AIRFLOW__XCOMLINT__STORAGE_BACKEND"] == OBJECT_STORAGE
    storage["AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_PATH"] = objects.as_uri()
    return airflow.run("enforce", "2024-03-01", ALL_DAGS, backend_settings(
        "enforce",
        AIRFLOW__COMMON_IO__XCOM_OBJECTSTORAGE_THRESHOLD="0",  # every value goes to the object store
        **storage,
    ))


def warned(airflow: Airflow) -> Run:
    """All DAGs in mode warn, values in the metadata database (Airflow's plain backend)."""
    return airflow.run("warn", "2024-03-02", ALL_DAGS, backend_settings("warn"))


def entry_line(dag_id: str, producer: str, key: str = "return_value") -> int:
    return next(e.line for e in RULES.dags[dag_id].xcoms if e.producer == producer and e.key == key)


def where(line: int) -> str:
    return f"({ALLOWLIST}:{line})"


def assert_failed_with(run: Run, dag_id: str, task_id: str, message: str) -> None:
    assert run.state(dag_id, task_id) == "failed", run.tail()
    assert run.lines_with(message), f"no line with {message!r}:\n{run.tail()}"


def warnings_with(run: Run, message: str) -> list:
    """Lines that log ``message`` at warning level (Airflow 3's and Airflow 2's log formats)."""
    return [line for line in run.lines_with(message) if "warning" in line.lower()]


# -- permitted flows ----------------------------------------------------------------------------


def test_permitted_flows_succeed_and_values_arrive(airflow: Airflow) -> None:
    run = enforced(airflow)
    assert run.dag("rt_permitted")["state"] == "success", run.tail()
    assert set(run.dag("rt_permitted")["tasks"].values()) == {"success"}
    for printed in ("LOADED S3://LAKE/RAW/ORDERS.CSV",  # XComArg of a PythonOperator
                    "TOTAL 12",  # the mapped results, reduced
                    "REPORT 3 42",  # multiple_outputs keys
                    "UPLOADED EU with one-time-token",  # the one reader of an exclusive key
                    "SELF own"):  # a task reading its own XCom
        assert run.printed(printed), f"{printed!r} missing:\n{run.tail()}"
    assert run.lines_with("ANNOUNCED s3://lake/raw/orders.csv")  # xcom_pull in a Jinja template (logged by Bash)
    assert run.dag("rt_unlisted")["state"] == "success"  # a DAG the allow-list does not list
    assert run.printed("UNLISTED READ charge-token")
    # keys an Airflow operator pushes itself are not hand-made pushes, as for the static check
    assert run.state("rt_trigger", "kick") == "success" and run.dag("rt_target")["state"] == "success"
    assert ("kick", "trigger_run_id", -1) in run.xcoms("rt_trigger")
    assert not [d for d in denials(run.output) if d["dag"] in ("rt_permitted", "rt_unlisted", "rt_trigger")]


def test_values_are_stored_by_the_configured_storage_backend(airflow: Airflow) -> None:
    run = enforced(airflow)
    objects = airflow.home / "objects"
    stored = run.xcoms("rt_permitted")
    path = stored[("extract", "s3_path", -1)]
    # the database holds the object's URI (JSON-encoded on Airflow 2), the object the value
    uri = json.loads(path) if airflow.version == 2 else path
    assert uri.startswith(objects.as_uri() + "/rt_permitted/"), stored
    assert json.loads(Path(uri[len("file://"):]).read_text()) == "s3://lake/raw/orders.csv"
    mapped = [stored[("double", "return_value", i)] for i in range(3)]
    assert all(objects.as_uri() in value for value in mapped), mapped
    assert run.printed("TOTAL 12")  # read back through the storage backend


# -- forbidden pulls ----------------------------------------------------------------------------


LEAK = (f"xcomlint: DAG 'rt_leaky': task 'report' may not read key 'return_value' of task 'fetch_token'; "
        f"the allow-list permits only 'charge' {where(entry_line('rt_leaky', 'fetch_token'))}")


def test_forbidden_pull_fails_the_task_in_enforce_mode(airflow: Airflow) -> None:
    run = enforced(airflow)
    assert_failed_with(run, "rt_leaky", "report", LEAK)
    assert run.state("rt_leaky", "charge") == "success"  # the permitted reader of the same key
    assert not run.printed("REPORTED")


def test_forbidden_pull_is_logged_and_returned_in_warn_mode(airflow: Airflow) -> None:
    run = warned(airflow)
    assert run.state("rt_leaky", "report") == "success"
    assert warnings_with(run, LEAK), run.tail()
    assert run.printed("REPORTED receipt-42 charge-token")


def test_off_mode_judges_nothing(airflow: Airflow) -> None:
    """Set in airflow.cfg this time: a copy of the home's, with an [xcomlint] section."""
    config = airflow.home / "airflow-xcomlint-off.cfg"
    config.write_text((airflow.home / "airflow.cfg").read_text()
                      + f"\n[xcomlint]\nallowlist = {ALLOWLIST}\nmode = off\n")
    settings = {"AIRFLOW__CORE__XCOM_BACKEND": BACKEND, "AIRFLOW_CONFIG": str(config)}
    run = airflow.run("off", "2024-03-03", ["rt_leaky", "rt_pushes"], settings)
    assert run.dag("rt_leaky")["state"] == "success" and run.dag("rt_pushes")["state"] == "success"
    assert run.printed("REPORTED receipt-42 charge-token")
    assert ("download", "etag", -1) in run.xcoms("rt_pushes")
    assert not run.lines_with("xcomlint:")


# -- undeclared pushes --------------------------------------------------------------------------


PUSH = (f"xcomlint: DAG 'rt_pushes': task 'download' may not push key 'etag'; the allow-list declares no such "
        f"key for that task {where(RULES.dags['rt_pushes'].line)}")


def test_undeclared_push_fails_the_task_in_enforce_mode(airflow: Airflow) -> None:
    run = enforced(airflow)
    assert_failed_with(run, "rt_pushes", "download", PUSH)
    stored = run.xcoms("rt_pushes")
    assert ("download", "path", -1) in stored and ("download", "etag", -1) not in stored
    assert run.state("rt_pushes", "ingest") == "upstream_failed"


def test_undeclared_push_is_logged_and_stored_in_warn_mode(airflow: Airflow) -> None:
    run = warned(airflow)
    assert run.dag("rt_pushes")["state"] == "success"
    assert warnings_with(run, PUSH), run.tail()
    assert run.xcoms("rt_pushes")[("download", "etag", -1)] in ("9f2c41", '"9f2c41"')
    # a multiple_outputs key is part of the return value, which is judged where it is read
    assert ("stats", "spare", -1) in run.xcoms("rt_permitted")


# -- cross-DAG pulls ----------------------------------------------------------------------------


def test_cross_dag_pulls_are_checked_against_cross_dag(airflow: Airflow) -> None:
    run = enforced(airflow)
    assert_failed_with(run, "rt_billing", "audit", (
        f"xcomlint: DAG 'rt_billing': task 'audit' may not read key 'secret' of task 'publish' in DAG "
        f"'rt_fx_rates'; the allow-list's cross_dag for 'rt_billing' does not permit it "
        f"{where(RULES.dags['rt_billing'].line)}"
    ))
    assert run.state("rt_billing", "invoice") == "success"
    assert run.printed("RATE 1.08")  # the permitted pull reads the other DAG's run
    assert not run.printed("SECRET fx-desk-password")


# -- what only the runtime can see ----------------------------------------------------------------


def test_a_computed_task_id_is_caught_at_runtime(airflow: Airflow) -> None:
    checked = invoke("check", "--format", "json", "--allowlist", str(ALLOWLIST), str(DAGS))
    static = [finding for finding in json.loads(checked.stdout) if finding["dag_id"] == "rt_computed"]
    assert static == []  # the producer's id is an XCom value: nothing the static check can judge
    run = enforced(airflow)
    assert_failed_with(run, "rt_computed", "dispatch", (
        f"xcomlint: DAG 'rt_computed': task 'dispatch' may not read key 'return_value' of task 'fetch_token'; "
        f"the allow-list permits only 'charge' {where(entry_line('rt_computed', 'fetch_token'))}"
    ))
    assert run.state("rt_computed", "charge") == "success"
    assert not run.printed("DISPATCHED")


def test_a_read_in_a_callback_is_judged_as_its_task(airflow: Airflow) -> None:
    """Callbacks run after the task's context is gone: the reader is the task the process runs."""
    message = (f"xcomlint: DAG 'rt_callback': task 'consume' may not read key 'token' of task 'produce'; the "
               f"allow-list permits no task to read it {where(entry_line('rt_callback', 'produce', 'token'))}")
    run = enforced(airflow)
    assert run.lines_with(message), run.tail()
    assert not run.printed("PEEKED")  # the callback failed before printing; Airflow only logs that
    assert run.state("rt_callback", "consume") == "success"
    run = warned(airflow)
    assert warnings_with(run, message) and run.printed("PEEKED callback-token")


# -- exclusive keys -----------------------------------------------------------------------------


def test_an_exclusive_key_has_one_reader_per_run(airflow: Airflow) -> None:
    message = (f"xcomlint: DAG 'rt_exclusive': task 'upload_us' may not read key 'return_value' of task "
               f"'issue_token'; the key is exclusive and task 'upload_eu' has read it in this run "
               f"{where(entry_line('rt_exclusive', 'issue_token'))}")
    run = enforced(airflow)
    assert run.state("rt_exclusive", "upload_eu") == "success"
    assert_failed_with(run, "rt_exclusive", "upload_us", message)
    # the first reader's record of its read, kept in the metadata database
    assert run.xcoms("rt_exclusive")[("upload_eu", "xcomlint.read.issue_token.return_value", -1)] in (
        "upload_eu", '"upload_eu"')
    run = warned(airflow)
    assert warnings_with(run, message) and run.printed("UPLOADED US with one-time-token")


# -- a broken allow-list ------------------------------------------------------------------------


def test_a_broken_allowlist_fails_the_task_with_the_loaders_error(airflow: Airflow, tmp_path: Path) -> None:
    broken = tmp_path / "broken-allowlist.yaml"
    broken.write_text(ALLOWLIST.read_text().replace("exclusive: true", "exclusive: maybe", 1))
    with pytest.raises(AllowListError) as located:
        parse_allowlist(broken.read_text(), str(broken))
    run = airflow.run("broken", "2024-03-04", ["rt_leaky"], backend_settings("enforce", broken))
    assert located.value.line > 1 and str(located.value).startswith(f"{broken}:{located.value.line}:")
    assert_failed_with(run, "rt_leaky", "fetch_token", str(located.value))
    assert run.dag("rt_leaky")["state"] == "failed"
    assert run.xcoms("rt_leaky") == {}  # nothing was written past the broken contract


# -- the same verdicts as the static check --------------------------------------------------------


Verdict = Tuple[str, str, str]  # (dag, task, key) of a read or a write


def test_static_and_runtime_verdicts_agree(airflow: Airflow) -> None:
    """Warn mode runs every task, so its log holds every runtime verdict; the static check
    must report exactly the same flows, except those only the runtime can see."""
    result = invoke("check", "--format", "json", "--allowlist", str(ALLOWLIST), str(DAGS))
    static: Dict[Verdict, str] = {}
    for finding in json.loads(result.stdout):
        if finding["code"] in ("XCL301", "XCL302", "XCL304", "XCL305"):
            static[(finding["dag_id"], finding["task_id"], finding["code"])] = finding["message"]
    runtime: Set[Tuple[str, str, str, Optional[str], Optional[str]]] = set()
    for d in denials(warned(airflow).output):
        runtime.add((d["dag"], d["task"], d["key"] or d["pushed"], d["producer"], d["other"]))
    beyond_static = {
        ("rt_computed", "dispatch", "return_value", "fetch_token", None),  # a task id read from an XCom
        ("rt_callback", "consume", "token", "produce", None),  # a read in an on_success_callback
    }
    assert beyond_static <= runtime
    agreed = runtime - beyond_static
    assert {(dag, task) for dag, task, *_ in agreed} == {(dag, task) for dag, task, _ in static}, (runtime, static)
    for dag, task, key, producer, other in agreed:
        messages = [m for (d, t, _), m in static.items() if (d, t) == (dag, task)]
        assert any(f"'{key}'" in m and (producer is None or f"'{producer}'" in m) and
                   (other is None or f"'{other}'" in m) for m in messages), (dag, task, key, producer, messages)
    assert len(agreed) == 4  # a leak, a second reader of an exclusive key, an undeclared push, a cross-DAG pull


# -- the README's set-up -----------------------------------------------------------------------


def test_the_readme_setup_enforces_the_example_allowlist(airflow3: Airflow) -> None:
    """The three lines of the README, and nothing else, on the README's example DAG (written
    for Airflow 3)."""
    airflow = airflow3
    install, *exports = readme_block(0).strip().splitlines()
    # .ci/run installs this checkout with the extra, as the README's line installs the repository's
    assert install == 'pip install "xcomlint[airflow] @ git+https://github.com/xcomlint/xcomlint"' and len(exports) == 2
    settings = readme_exports(0)
    example = ROOT / "examples" / "allowlist" / "xcomlint-allowlist.yaml"
    documented = settings["AIRFLOW__XCOMLINT__ALLOWLIST"]
    settings["AIRFLOW__XCOMLINT__ALLOWLIST"] = str(example)
    run = airflow.run("readme", "2024-03-06", ["payments"], settings, dags=example.parent / "dags")
    message = readme_block(0, "").strip().replace(documented, str(example))
    assert_failed_with(run, "payments", "report", message)
    assert run.state("payments", "charge") == "success"


# -- production's process model (Airflow 3) -----------------------------------------------------


def test_in_task_processes_forked_by_an_executor(airflow3: Airflow) -> None:
    """In production each task of Airflow 3 runs in a process of its own, forked by the
    supervisor and talking to the API server: the backend finds its reader there too.
    (Airflow 2 runs a task in its raw task process as under dag.test(): one task instance,
    the same current context.)"""
    airflow = airflow3
    settings = backend_settings("enforce")
    server = ApiServer(airflow, settings)
    try:
        server.wait()
        run = airflow.run("executor", "2024-03-05", ["rt_leaky", "rt_callback", "rt_permitted", "rt_exclusive"],
                          settings, executor=True)
    finally:
        server.stop()
    assert set(run.dag("rt_permitted")["tasks"].values()) == {"success"}, run.tail()
    assert run.state("rt_exclusive", "upload_eu") == "success" and run.state("rt_exclusive", "upload_us") == "failed"
    assert run.state("rt_leaky", "report") == "failed" and run.state("rt_leaky", "charge") == "success"
    logs = airflow.home / "logs" / "dag_id=rt_leaky" / f"run_id={run.dag('rt_leaky')['run_id']}"
    assert LEAK in (logs / "task_id=report" / "attempt=1.log").read_text()
    callback_logs = airflow.home / "logs" / "dag_id=rt_callback" / f"run_id={run.dag('rt_callback')['run_id']}"
    assert "xcomlint: DAG 'rt_callback': task 'consume' may not read key 'token'" in (
        callback_logs / "task_id=consume" / "attempt=1.log").read_text()


# -- the linter never imports Airflow --------------------------------------------------------------

PROBE = """
import sys

class Watch:
    seen = []
    def find_spec(self, name, path=None, target=None):
        if name == "airflow" or name.startswith("airflow."):
            Watch.seen.append(name)
        return None

sys.meta_path.insert(0, Watch())
import xcomlint
from xcomlint.cli import main
try:
    main(["check", "--no-cache", "--allowlist", sys.argv[1], sys.argv[2]])
except SystemExit as done:
    code = done.code
print("IMPORTED", sorted(Watch.seen), sorted(m for m in sys.modules if m.split(".")[0] == "airflow"), "EXIT", code)
"""


def _probe(python: str) -> str:
    done = subprocess.run([python, "-c", PROBE, str(ALLOWLIST), str(DAGS)], capture_output=True, text=True,
                          cwd=str(ROOT), env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("IMPORTED")]
    assert lines, done.stdout[-2000:] + done.stderr[-2000:]
    return lines[-1]


def test_the_linter_never_imports_airflow() -> None:
    # findings (exit 1), and not one attempt to import airflow, even where it is not installed
    assert _probe(sys.executable) == "IMPORTED [] [] EXIT 1"


def test_the_linter_never_imports_airflow_where_airflow_is_installed() -> None:
    python = airflow_python(3)
    assert subprocess.run([python, "-c", "import airflow"], capture_output=True).returncode == 0
    assert _probe(python) == "IMPORTED [] [] EXIT 1"
