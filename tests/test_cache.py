"""The result cache: a warm run gives the cold run's output, re-parses only what
changed, still runs the whole-run rules, and never trusts a broken entry."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest
from click.testing import CliRunner
from conftest import settings_for

import xcomlint.engine as engine
from xcomlint.cache import ResultCache
from xcomlint.cli import main
from xcomlint.engine import lint_paths

EXAMPLES = Path(__file__).parent.parent / "examples"

PUSHER = textwrap.dedent(
    """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator


    def push(ti):
        ti.xcom_push(key="report_path", value="s3://bucket/report")


    with DAG(dag_id="producer", schedule=None):
        PythonOperator(task_id="push", python_callable=push)
    """
)
PULLER = textwrap.dedent(
    """\
    from airflow.sdk import DAG
    from airflow.providers.standard.operators.python import PythonOperator


    def pull(ti):
        return ti.xcom_pull(task_ids="extract", key="other_key")


    with DAG(dag_id="consumer", schedule=None):
        extract = PythonOperator(task_id="extract", python_callable=lambda: 1)
        loader = PythonOperator(task_id="load", python_callable=pull)
        extract >> loader
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "producer.py").write_text(PUSHER)
    (tmp_path / "dags" / "consumer.py").write_text(PULLER)
    (tmp_path / "dags" / "util.py").write_text("def helper(x):\n    return x * 2\n")
    for example in sorted((EXAMPLES / "dags").glob("*.py")):
        (tmp_path / "dags" / example.name).write_text(example.read_text())
    return tmp_path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The paths whose model was built from source (not served by the cache)."""
    paths: List[str] = []
    real = engine.build_file_model

    def counting(path: str, source: str, module=None, **options: bool):
        paths.append(path)
        return real(path, source, module, **options)

    monkeypatch.setattr(engine, "build_file_model", counting)
    return paths


def _check(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps stderr apart already
        runner = CliRunner()
    return runner.invoke(main, ["check", *args], catch_exceptions=False)


def _entries(directory: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*.pickle")}


def test_a_warm_run_prints_what_the_cold_run_printed_and_parses_nothing(project: Path, parsed: List[str]) -> None:
    cold = _check("dags", "--format", "json", "-j1")
    assert sorted(parsed) == ["dags/consumer.py", "dags/orders_etl.py", "dags/orders_taskflow.py", "dags/producer.py"]
    parsed.clear()
    warm = _check("dags", "--format", "json", "-j1")
    assert parsed == []
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    assert cold.exit_code == 1 and '"XCL204"' in cold.stdout and '"XCL103"' in cold.stdout


def test_the_cache_is_where_the_environment_says(project: Path) -> None:
    _check("dags")
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    assert len(_entries(directory)) == 5  # one per file, the skipped util.py too
    assert (directory / ".gitignore").read_text().strip().endswith("*")
    assert not (project / ".xcomlint_cache").exists()


def test_the_default_cache_is_in_the_current_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XCOMLINT_CACHE_DIR")
    _check("dags")
    assert len(_entries(project / ".xcomlint_cache")) == 5


def test_editing_a_file_invalidates_only_that_file(project: Path, parsed: List[str]) -> None:
    _check("dags", "-j1")
    parsed.clear()
    consumer = project / "dags" / "consumer.py"
    consumer.write_text(consumer.read_text().replace('"extract", key="other_key"', '"extarct", key="other_key"'))
    result = _check("dags", "-j1")
    assert parsed == ["dags/consumer.py"]
    assert "dags/consumer.py:6:12: XCL103 pull-unknown-task" in result.stdout


def test_whole_run_rules_see_cached_and_fresh_models_together(project: Path, parsed: List[str]) -> None:
    """XCL204 in producer.py depends on the pulls of consumer.py: editing only the
    consumer must change the producer's findings although its entry is reused."""
    first = _check("dags", "-j1", "--select", "XCL204")
    assert "dags/producer.py:6:5: XCL204" in first.stdout
    parsed.clear()
    consumer = project / "dags" / "consumer.py"
    consumer.write_text(consumer.read_text().replace('key="other_key"', 'key="report_path"'))
    second = _check("dags", "-j1", "--select", "XCL204")
    assert parsed == ["dags/consumer.py"]
    assert "XCL204" not in second.stdout and second.exit_code == 0


def test_settings_that_change_per_file_results_are_part_of_the_key(project: Path, parsed: List[str]) -> None:
    _check("dags", "-j1")
    parsed.clear()
    _check("dags", "-j1", "--airflow-version", "2")
    assert len(parsed) == 4
    parsed.clear()
    _check("dags", "-j1", "--select", "XCL103")
    assert len(parsed) == 4
    parsed.clear()
    _check("dags", "-j1", "--select", "XCL103")
    assert parsed == []


def test_per_file_ignores_are_part_of_the_key(project: Path, parsed: List[str]) -> None:
    assert "XCL103" in _check("dags", "-j1").stdout
    (project / "pyproject.toml").write_text('[tool.xcomlint.per-file-ignores]\n"dags/*" = ["XCL103"]\n')
    parsed.clear()
    result = _check("dags", "-j1")
    assert len(parsed) == 4 and "XCL103" not in result.stdout


def test_corrupt_and_foreign_entries_are_ignored_and_rewritten(project: Path, parsed: List[str]) -> None:
    cold = _check("dags", "-j1").stdout
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    good = _entries(directory)
    names = sorted(good)
    (directory / names[0]).write_bytes(b"")  # truncated
    (directory / names[1]).write_bytes(b"\x80\x05garbage")  # not a pickle
    (directory / names[2]).write_bytes(pickle.dumps((1, "another key", None, ())))  # wrong key
    (directory / names[3]).write_bytes(good[names[4]])  # a valid entry in the wrong place
    (directory / names[4]).write_bytes(good[names[4]][: len(good[names[4]]) // 2])  # cut short
    parsed.clear()
    assert _check("dags", "-j1").stdout == cold
    assert len(parsed) == 4  # every DAG file again (util.py needs no parse)
    assert _entries(directory) == good  # rewritten


def test_an_entry_cannot_make_loading_run_code(project: Path, tmp_path: Path) -> None:
    _check("dags", "-j1")
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for entry in directory.rglob("*.pickle"):
        entry.write_bytes(pickle.dumps(Exploit()))
    _check("dags", "-j1")
    assert not marker.exists()


def test_no_cache_reads_and_writes_nothing(project: Path, parsed: List[str]) -> None:
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    _check("dags", "-j1", "--no-cache")
    assert not directory.exists() or _entries(directory) == {}
    _check("dags", "-j1")
    parsed.clear()
    _check("dags", "-j1", "--no-cache")
    assert len(parsed) == 4


def test_the_cache_directory_may_be_deleted_at_any_time(project: Path) -> None:
    cold = _check("dags", "-j1").stdout
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    for entry in directory.rglob("*"):
        if entry.is_file():
            entry.unlink()
    assert _check("dags", "-j1").stdout == cold
    assert len(_entries(directory)) == 5


def test_an_unwritable_cache_is_no_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = project / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XCOMLINT_CACHE_DIR", str(blocker / "cache"))
    result = _check("dags", "-j1")
    assert result.exit_code == 1 and result.stderr.strip().startswith("Found")


def test_workers_write_entries_a_later_run_reads(project: Path, parsed: List[str]) -> None:
    for index in range(8):
        (project / "dags" / f"copy_{index}.py").write_text(PULLER)
    cold = _check("dags", "-j2").stdout
    assert parsed == []  # the models were built in worker processes, not here
    assert _check("dags", "-j1").stdout == cold
    assert parsed == []  # and read back from the entries the workers wrote


def test_concurrent_runs_share_a_cache(project: Path) -> None:
    for index in range(20):
        (project / "dags" / f"copy_{index}.py").write_text(PULLER.replace("consumer", f"consumer_{index}"))
    command = [sys.executable, "-m", "xcomlint", "check", "dags", "-j1", "--format", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate() for run in runs]
    assert len({out for out, _ in outputs}) == 1 and all(run.returncode == 1 for run in runs)
    warm = subprocess.run(command, capture_output=True)
    assert warm.stdout == outputs[0][0]
    assert not list(Path(os.environ["XCOMLINT_CACHE_DIR"]).rglob(".tmp-*"))


WARM_IMPORTS = textwrap.dedent(
    """
    import sys
    from xcomlint.cli import main
    try:
        main(["check", "-j1", "dags"])
    except SystemExit:
        pass
    print(sorted({m.split(".")[0] for m in sys.modules} & {"libcst", "jinja2", "yaml"}), file=sys.stderr)
    """
)


def test_a_fully_warm_run_imports_neither_libcst_nor_the_template_and_yaml_parsers(project: Path) -> None:
    cold = subprocess.run([sys.executable, "-c", WARM_IMPORTS], capture_output=True, text=True)
    assert cold.stderr.strip().splitlines()[-1] == "['jinja2', 'libcst']"
    warm = subprocess.run([sys.executable, "-c", WARM_IMPORTS], capture_output=True, text=True)
    assert warm.stderr.strip().splitlines()[-1] == "[]"
    assert warm.stdout == cold.stdout and "XCL204" in warm.stdout


def test_result_cache_round_trips_every_model_of_the_examples(tmp_path: Path) -> None:
    """Models hold only record classes the cache's restricted unpickler accepts."""
    settings = settings_for()
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    run = lint_paths([str(EXAMPLES)], settings, 1, cache)
    for model in run.models:
        data = Path(model.path).read_bytes()
        entry = cache.load(cache.key(model.path, data))
        assert entry is not None and entry.model == model


def test_allow_list_rules_run_on_a_warm_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: List[str]) -> None:
    """XCL3xx read every model and the allow-list: cached models must feed them too."""
    project = tmp_path / "allowlist"
    shutil.copytree(EXAMPLES / "allowlist", project)
    monkeypatch.chdir(project)
    cold = _check("dags", "--allowlist", "xcomlint-allowlist.yaml", "-j1")
    assert "XCL301" in cold.stdout and "XCL305" in cold.stdout and parsed
    parsed.clear()
    warm = _check("dags", "--allowlist", "xcomlint-allowlist.yaml", "-j1")
    assert parsed == [] and warm.stdout == cold.stdout and warm.exit_code == cold.exit_code


def _store_examples(cache: ResultCache) -> List[str]:
    run = lint_paths([str(EXAMPLES)], settings_for(), 1, None)
    keys = []
    for model in run.models:
        key = cache.key(model.path, Path(model.path).read_bytes())
        cache.store(key, model, [])
        keys.append(key)
    return keys


def test_entries_are_written_even_when_the_directory_goes_away_during_the_run(tmp_path: Path) -> None:
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    first = _store_examples(cache)
    shutil.rmtree(tmp_path / "cache")  # the same cache object remembers the shards it made
    second = _store_examples(cache)
    assert first == second
    assert all(cache.load(key) is not None for key in second)


def test_a_leftover_temporary_file_of_this_process_id_does_not_block_an_entry(tmp_path: Path) -> None:
    import xcomlint.cache as cache_module

    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    model = lint_paths([str(EXAMPLES)], settings_for(), 1, None).models[0]
    key = cache.key(model.path, Path(model.path).read_bytes())
    shard = os.path.dirname(cache._entry_path(key))
    os.makedirs(shard)
    upcoming = next(cache_module._temporary_names) + 1  # the name the store will try
    leftover = Path(shard) / f".tmp-{os.getpid()}-{upcoming}.pickle"
    leftover.write_bytes(b"left by a crashed run")
    cache.store(key, model, [])
    loaded = cache.load(key)
    assert loaded is not None and loaded.model == model
    assert leftover.read_bytes() == b"left by a crashed run"


def test_a_run_leaves_no_temporary_files(project: Path) -> None:
    _check("dags", "-j1")
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    assert _entries(directory)
    assert not [entry for entry in directory.rglob(".tmp-*")]


def test_a_cache_sent_to_a_worker_is_the_same_cache() -> None:
    cache = ResultCache("somewhere", "namespace")
    cache._prepared.add("somewhere/ab")
    copy = pickle.loads(pickle.dumps(cache))
    assert (copy.directory, copy.namespace) == ("somewhere", "namespace")
    assert copy._prepared == set()  # what exists on disk is checked again in the worker


def test_background_writes_are_all_on_disk_when_the_block_ends(tmp_path: Path) -> None:
    import threading

    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    before = threading.active_count()
    with cache.background_writes():
        assert threading.active_count() == before + 1
        keys = _store_examples(cache)
    assert threading.active_count() == before  # no thread is left to meet a fork
    assert keys and all(cache.load(key) is not None for key in keys)
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_background_writes_end_even_when_the_run_fails(tmp_path: Path) -> None:
    import threading

    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    before = threading.active_count()
    with pytest.raises(RuntimeError):
        with cache.background_writes():
            keys = _store_examples(cache)
            raise RuntimeError("a rule broke")
    assert threading.active_count() == before
    assert all(cache.load(key) is not None for key in keys)


def test_a_serial_run_writes_through_the_background_writer(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = []
    write = ResultCache._write

    def spy(self: ResultCache, target: str, payload: bytes) -> None:
        import threading

        written.append(threading.current_thread().name)
        write(self, target, payload)

    monkeypatch.setattr(ResultCache, "_write", spy)
    _check("dags", "-j1")
    assert written and set(written) == {"xcomlint-cache-writer"}
    assert len(_entries(Path(os.environ["XCOMLINT_CACHE_DIR"]))) == len(written)
