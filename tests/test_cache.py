"""The result cache: a warm run gives the cold run's output, re-parses only what
changed, still runs the whole-run rules, and never trusts a broken entry."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from click.testing import CliRunner
from conftest import settings_for

import xcomlint.cache as cache_module
import xcomlint.engine as engine
from xcomlint.cache import DATABASE_NAME, ENTRY_FORMAT, ResultCache, code_digest
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
    """Every entry in the cache's database, by key (none when there is no database)."""
    database = directory / DATABASE_NAME
    if not database.exists():
        return {}
    with closing(sqlite3.connect(database)) as connection:
        return dict(connection.execute("SELECT key, entry FROM entries"))


def _replace_entries(directory: Path, entries: Dict[str, bytes]) -> None:
    with closing(sqlite3.connect(directory / DATABASE_NAME)) as connection, connection:
        connection.executemany("UPDATE entries SET entry = ? WHERE key = ?", [(v, k) for k, v in entries.items()])


def test_a_warm_run_prints_what_the_cold_run_printed_and_parses_nothing(project: Path, parsed: List[str]) -> None:
    cold = _check("dags", "--format", "json", "-j1", "--extend-select", "XCL204")
    assert sorted(parsed) == ["dags/consumer.py", "dags/orders_etl.py", "dags/orders_taskflow.py", "dags/producer.py"]
    parsed.clear()
    warm = _check("dags", "--format", "json", "-j1", "--extend-select", "XCL204")
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
    assert "dags/consumer.py:6:34: XCL103 pull-unknown-task" in result.stdout


def test_whole_run_rules_see_cached_and_fresh_models_together(project: Path, parsed: List[str]) -> None:
    """XCL204 in producer.py depends on the pulls of consumer.py: editing only the
    consumer must change the producer's findings although its entry is reused."""
    first = _check("dags", "-j1", "--select", "XCL204")
    assert "dags/producer.py:6:5: XCL204" in first.stdout
    parsed.clear()
    consumer = project / "dags" / "consumer.py"
    consumer.write_text(
        consumer.read_text().replace('"extract", key="other_key"', '"push", dag_id="producer", key="report_path"')
    )
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
    _replace_entries(directory, {
        names[0]: b"",  # empty
        names[1]: b"\x80\x05garbage",  # not a pickle
        names[2]: pickle.dumps((ENTRY_FORMAT, "another key", None, ())),  # wrong key
        names[3]: good[names[4]],  # a valid entry under another key
        names[4]: good[names[4]][: len(good[names[4]]) // 2],  # cut short
    })
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

    entries = _entries(directory)
    _replace_entries(directory, {key: pickle.dumps(Exploit()) for key in entries})
    _check("dags", "-j1")
    assert not marker.exists()
    assert _entries(directory) == entries  # and each was rewritten


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
    # nothing on stderr but the count of fixable findings and the summary
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and lines[-1].startswith("Found")
    assert all(line.startswith("[*] ") for line in lines[:-1])


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
    assert len(_entries(Path(os.environ["XCOMLINT_CACHE_DIR"]))) == 25


WARM_IMPORTS = textwrap.dedent(
    """
    import sys
    from xcomlint.cli import main
    try:
        main(["check", "-j1", "--extend-select", "XCL204", "dags"])
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
    shutil.rmtree(tmp_path / "cache")
    second = _store_examples(cache)
    assert first == second
    assert all(cache.load(key) is not None for key in second)
    assert (tmp_path / "cache" / "CACHEDIR.TAG").exists()


def test_a_file_that_is_not_a_database_is_replaced(project: Path, parsed: List[str]) -> None:
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    directory.mkdir(exist_ok=True)
    (directory / DATABASE_NAME).write_bytes(b"not a database, " * 512)
    cold = _check("dags", "-j1")
    assert len(parsed) == 4 and cold.exit_code == 1
    assert len(_entries(directory)) == 5
    parsed.clear()
    assert _check("dags", "-j1").stdout == cold.stdout and parsed == []


def test_a_run_that_cannot_get_the_lock_skips_writing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another run holding the database longer than the timeout costs this run
    its writes, never its result."""
    cold = _check("dags", "-j1").stdout
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    late = PULLER.replace("consumer", "late").replace('"extract", key', '"extarct", key')
    (project / "dags" / "late.py").write_text(late)
    monkeypatch.setattr(cache_module, "LOCK_TIMEOUT_SECONDS", 0.05)
    with closing(sqlite3.connect(directory / DATABASE_NAME, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        locked = _check("dags", "-j1")
        holder.execute("ROLLBACK")
    assert locked.exit_code == 1 and "dags/late.py:6:34: XCL103" in locked.stdout
    assert all(line in locked.stdout for line in cold.splitlines())
    assert len(_entries(directory)) == 5  # late.py waits for the next run
    _check("dags", "-j1")
    assert len(_entries(directory)) == 6


def test_a_run_leaves_only_the_database_and_its_markers(project: Path) -> None:
    _check("dags", "-j2")
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    assert sorted(p.name for p in directory.iterdir()) == [".gitignore", "CACHEDIR.TAG", DATABASE_NAME]


def test_a_cache_sent_to_a_worker_is_the_same_cache() -> None:
    cache = ResultCache("somewhere", "namespace")
    copy = pickle.loads(pickle.dumps(cache))
    assert (copy.directory, copy.namespace, copy.database) == ("somewhere", "namespace", cache.database)


def test_entries_are_written_a_batch_per_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """However many files a run lints, only a batch of pickled entries waits to be written."""
    batches: List[int] = []
    insert = ResultCache._insert

    def spy(self: ResultCache, batch: List[Tuple[str, bytes]]) -> None:
        batches.append(len(batch))
        insert(self, batch)

    monkeypatch.setattr(ResultCache, "_insert", spy)
    monkeypatch.setattr(cache_module, "WRITE_BATCH", 3)
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    model = lint_paths([str(EXAMPLES)], settings_for(), 1, None).models[0]
    entries = [cache.entry(f"key-{index}", model, []) for index in range(8)]
    cache.write(iter(entries))
    assert batches == [3, 3, 2]
    assert sorted(cache.load_many([key for key, _ in entries])) == sorted(key for key, _ in entries)


def test_only_the_process_that_owns_the_run_writes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers pickle their entries and hand them back; one writer, after linting."""
    for index in range(8):
        (project / "dags" / f"copy_{index}.py").write_text(PULLER.replace("consumer", f"consumer_{index}"))
    writers: List[int] = []
    insert = ResultCache._insert

    def spy(self: ResultCache, batch: List[Tuple[str, bytes]]) -> None:
        writers.append(os.getpid())
        insert(self, batch)

    monkeypatch.setattr(ResultCache, "_insert", spy)
    _check("dags", "-j2")
    assert writers == [os.getpid()]
    assert len(_entries(Path(os.environ["XCOMLINT_CACHE_DIR"]))) == 13


def test_a_missing_database_is_not_created_by_reading(tmp_path: Path) -> None:
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    assert cache.load_many(["a", "b"]) == {} and cache.load("a") is None
    assert not (tmp_path / "cache").exists()


def test_an_edit_to_xcomlint_itself_changes_the_namespace(tmp_path: Path) -> None:
    """A developer's edit to a rule (or to the operator knowledge) is a new
    namespace, even when the version number did not move."""
    import hashlib

    from xcomlint.cache import _package_source_digest

    def digest() -> str:
        hasher = hashlib.sha256()
        _package_source_digest(hasher, str(tmp_path))
        return hasher.hexdigest()

    rule = tmp_path / "rules" / "a_rule.py"
    rule.parent.mkdir()
    rule.write_text("RULE = 1\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "operators.json").write_text("{}")
    (tmp_path / "__pycache__").mkdir()
    first = digest()
    (tmp_path / "__pycache__" / "a_rule.cpython-311.pyc").write_bytes(b"compiled")
    (tmp_path / "notes.txt").write_text("not code")
    assert digest() == first  # bytecode and other files are not what produced an entry
    rule.write_text("RULE = 22\n")
    assert digest() != first
    second = digest()
    stat = rule.stat()
    os.utime(rule, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert digest() != second  # same size, saved again
    third = digest()
    (tmp_path / "data" / "operators.json").write_text("{\"Op\": 1}")
    assert digest() != third


def _seen(directory: Path) -> Dict[str, int]:
    """The day each entry was last written or read, by key."""
    with closing(sqlite3.connect(directory / DATABASE_NAME)) as connection:
        assert connection.execute("SELECT count(*) FROM entries").fetchone() == connection.execute(
            "SELECT count(*) FROM used").fetchone()
        return dict(connection.execute("SELECT entries.key, day FROM entries JOIN used ON used.key = entries.key"))


def _examples_model():  # type: ignore[no-untyped-def]
    return lint_paths([str(EXAMPLES)], settings_for(), 1, None).models[0]


def test_entries_no_run_used_for_a_month_are_dropped_by_the_next_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old version's entries, an old content's, an old setting's: none piles up."""
    model = _examples_model()
    directory = tmp_path / "cache"
    day = 20_000
    monkeypatch.setattr(cache_module, "_today", lambda: day)
    ResultCache(str(directory), "old").write([ResultCache(str(directory), "old").entry(k, model, []) for k in ("a", "b")])
    day += 20
    assert sorted(ResultCache(str(directory), "old").load_many(["b"])) == ["b"]  # "b" is used again
    assert _seen(directory) == {"a": 20_000, "b": 20_020}
    day += cache_module.MAX_UNUSED_DAYS - 5  # "a" unused for longer than the limit, "b" not
    with closing(sqlite3.connect(directory / DATABASE_NAME)) as connection, connection:
        # as an older xcomlint sharing the directory writes: no day of use
        connection.execute("INSERT INTO entries (key, entry) VALUES ('older', x'00')")
    ResultCache(str(directory), "new").write([ResultCache(str(directory), "new").entry("c", model, [])])
    assert _seen(directory) == {"b": 20_020, "c": day}
    assert sorted(ResultCache(str(directory), "new").load_many(["a", "b", "c"])) == ["b", "c"]


def test_a_read_remembers_the_day_once_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _examples_model()
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    day = 20_000
    monkeypatch.setattr(cache_module, "_today", lambda: day)
    cache.write([cache.entry("a", model, [])])
    marked: List[List[str]] = []
    mark = ResultCache._mark_seen

    def spy(self: ResultCache, keys: List[str], today: int) -> None:
        marked.append(keys)
        mark(self, keys, today)

    monkeypatch.setattr(ResultCache, "_mark_seen", spy)
    assert cache.load("a") is not None
    assert marked == []  # written today: nothing to remember
    day += 1
    assert cache.load("a") is not None and cache.load("a") is not None
    assert marked == [["a"]]  # one write on the first read of the day
    assert _seen(tmp_path / "cache") == {"a": 20_001}


def test_a_read_that_cannot_remember_the_day_still_reads(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _check("dags", "-j1").stdout
    directory = Path(os.environ["XCOMLINT_CACHE_DIR"])
    before = _seen(directory)
    monkeypatch.setattr(cache_module, "_today", lambda: max(before.values()) + 1)
    monkeypatch.setattr(cache_module, "LOCK_TIMEOUT_SECONDS", 0.05)
    with closing(sqlite3.connect(directory / DATABASE_NAME, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # another run writing: reads go on, writes wait
        warm = _check("dags", "-j1")
        holder.execute("ROLLBACK")
    assert warm.stdout == cold
    assert _seen(directory) == before


def test_a_database_of_another_layout_is_replaced(tmp_path: Path) -> None:
    """A cache directory kept from an older xcomlint: read as empty, replaced by the first write."""
    directory = tmp_path / "cache"
    directory.mkdir()
    with closing(sqlite3.connect(directory / DATABASE_NAME)) as connection, connection:
        connection.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID")
        connection.execute("INSERT INTO entries VALUES ('a', x'00')")
    cache = ResultCache(str(directory), "namespace")
    assert cache.load_many(["a"]) == {}
    model = _examples_model()
    cache.write([cache.entry("b", model, [])])
    assert sorted(cache.load_many(["a", "b"])) == ["b"]
    assert list(_seen(directory)) == ["b"]


CODE = b'"""Helpers."""\n\n\ndef load(ti):\n    if ti:\n        return ti.xcom_pull(task_ids="extract")\n'


@pytest.mark.parametrize("other, same", [
    (CODE.replace(b"def load(ti):", b"def load(ti):  # the loader"), True),
    (CODE + b"# the end\n\n\n", True),
    (CODE.rstrip(b"\n") + b"  # no line break after this comment", True),
    (CODE.replace(b'"""Helpers."""\n', b'"""Helpers."""\n# more\n', 1).replace(b"\n\n\ndef", b"\n\ndef"), True),
    (CODE.replace(b"Helpers.", b"Helpers!"), False),  # a docstring is code
    (CODE.replace(b"\n    if ti:", b"\n\n    if ti:"), False),  # lines below move
    (CODE.replace(b'"extract"', b"'extract'"), False),
    (CODE.replace(b"        return", b"    return").replace(b"    if ti:\n", b"    if ti: pass\n"), False),
    (CODE + b"X = 1\n", False),
], ids=["inline comment", "appended comment", "last line without a line break", "comment replacing a blank line", "docstring", "blank line",
        "quotes", "indentation", "code appended"])
def test_code_digest_ignores_comments_and_blank_lines_only(other: bytes, same: bool) -> None:
    assert (code_digest(CODE) == code_digest(other)) is same


def test_code_digest_of_text_that_does_not_tokenize_is_none() -> None:
    assert code_digest(b"def f(:\n    '''never closed\n") is None
    assert code_digest(b"\xff\xfe not utf-8 \x81") is None
