"""The command line's garbage-collector policy: each file one unit of garbage."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Iterator

import pytest
from conftest import settings_for

from xcomlint import collector
from xcomlint.cache import ResultCache
from xcomlint.engine import lint_file, lint_paths


@pytest.fixture
def own_collector() -> Iterator[None]:
    """The policy switched on, and the process's collector as it was afterwards."""
    threshold = gc.get_threshold()
    was_enabled = gc.isenabled()
    collector.enable()
    try:
        yield
    finally:
        collector._enabled = False
        gc.set_threshold(*threshold)
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@pytest.fixture
def dag(tmp_path: Path) -> Path:
    """A DAG file with one finding (XCL103)."""
    path = tmp_path / "dag.py"
    path.write_text(
        "from airflow import DAG\n"
        "from airflow.operators.python import PythonOperator\n"
        "def pull(ti):\n"
        "    return ti.xcom_pull(task_ids='missing')\n"
        "with DAG('d') as dag:\n"
        "    PythonOperator(task_id='p', python_callable=pull)\n"
    )
    return path


class _Cycle:
    """An object in a reference cycle with itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_off_unless_enabled() -> None:
    frozen = gc.get_freeze_count()
    with collector.one_file():
        assert gc.isenabled()
        collector.tree_built()
    assert gc.get_freeze_count() == frozen


def test_a_files_cycles_are_freed_when_it_ends(own_collector: None) -> None:
    with collector.one_file():
        assert not gc.isenabled()  # nothing is traversed while the file is linted
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
        assert gone() is not None
    assert gc.isenabled()
    assert gone() is None


def test_a_tree_is_left_out_and_freed_with_its_holders(own_collector: None) -> None:
    """What is frozen after the parse is not collected, but an acyclic tree held
    only by the file's cycles dies with them."""
    with collector.one_file():
        tree = [[str(number)] for number in range(1000)]  # stands for a syntax tree: no cycle
        collector.tree_built()
        frozen_with_tree = gc.get_freeze_count()
        holder = _Cycle()
        holder.tree = tree  # type: ignore[attr-defined]
        del tree, holder
    assert gc.get_freeze_count() <= frozen_with_tree - 1000


def test_nested_units_are_one(own_collector: None) -> None:
    with collector.one_file():
        with collector.one_file():
            pass
        assert not gc.isenabled()  # the inner unit does not end the outer one
    assert gc.isenabled()


def test_a_collector_turned_off_stays_off(own_collector: None) -> None:
    gc.disable()
    with collector.one_file():
        pass
    assert not gc.isenabled()


def test_same_result_with_and_without(own_collector: None, dag: Path) -> None:
    settings = settings_for()
    managed = lint_file(str(dag), settings)
    collector._enabled = False
    plain = lint_file(str(dag), settings)
    assert [finding.code for finding in managed.findings] == ["XCL103"]
    assert managed.findings == plain.findings
    assert managed.model == plain.model


def test_lasting_records_are_frozen_without_a_collection(own_collector: None) -> None:
    frozen = gc.get_freeze_count()
    with collector.lasting_records():
        assert not gc.isenabled()  # nothing is traversed while they arrive
        records = [(number, str(number)) for number in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + 1000  # no later collection traverses them
    assert records[-1] == (999, "999")


def test_lasting_records_leave_the_collector_alone_unless_enabled() -> None:
    frozen = gc.get_freeze_count()
    with collector.lasting_records():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_lasting_records_inside_a_file_keep_the_files_unit(own_collector: None) -> None:
    with collector.one_file():
        with collector.lasting_records():
            pass
        assert not gc.isenabled()  # the file's unit is not ended early
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
    assert gone() is None  # and its end still collects (nothing was frozen in between)


def test_a_warm_run_reads_its_entries_as_lasting_records(own_collector: None, dag: Path, tmp_path: Path) -> None:
    settings = settings_for()
    cache = ResultCache(str(tmp_path / "cache"), "namespace")
    cold = lint_paths([str(dag)], settings, cache=cache)
    assert not _frozen(cold.models[0])  # a file's result is frozen only once the next file starts
    warm = lint_paths([str(dag)], settings, cache=cache)
    assert [finding.code for finding in warm.findings] == ["XCL103"]
    assert warm.findings == cold.findings
    assert warm.models == cold.models
    assert _frozen(warm.models[0])


def _frozen(thing: object) -> bool:
    """Tracked by the collector, yet in none of its generations: ``gc.freeze`` moved it out."""
    return gc.is_tracked(thing) and all(
        found is not thing for generation in (0, 1, 2) for found in gc.get_objects(generation=generation))
