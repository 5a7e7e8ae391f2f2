"""The runtime backend's verdicts and settings, without Airflow (the backend itself is
tested on real Airflow in test_runtime_enforcement.py)."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from typing import Dict, List, Set

import pytest

from xcomlint.airflow.enforcer import Enforcer, SettingsError, XComAccessDenied, read_mode, storage_class
from xcomlint.airflow.policy import ALLOWED, Policy, claim_key, other_readers, unjudged_key
from xcomlint.allowlist import AllowListError, parse_allowlist

ALLOWLIST = textwrap.dedent("""\
    version: 1
    dags:
      payments:
        xcoms:
          - from: fetch_token
            to: [charge]
            exclusive: true
          - from: charge
            to: ["report_*"]
          - from: export
            key: file
            to: ["upload_*"]
            exclusive: true
        cross_dag:
          - dag: fx_rates
            from: publish
            key: eur_usd
            to: [charge]
      quiet:
""")


@pytest.fixture
def policy() -> Policy:
    return Policy(parse_allowlist(ALLOWLIST, "/etc/xcomlint/allowlist.yaml"))


def test_permitted_reads(policy: Policy) -> None:
    assert policy.pull("payments", "charge", "payments", "charge", "return_value") is ALLOWED  # its own XCom
    assert policy.pull("payments", "report_daily", "payments", "charge", "return_value") is ALLOWED  # glob
    assert policy.pull("payments", "charge", "fx_rates", "publish", "eur_usd") is ALLOWED  # cross_dag
    assert policy.pull("unlisted", "anyone", "payments", "fetch_token", "return_value") is ALLOWED
    assert policy.pull("payments", "report_daily", "payments", "charge", "skipmixin_key") is ALLOWED  # Airflow's


def test_a_read_the_allowlist_does_not_permit(policy: Policy) -> None:
    verdict = policy.pull("payments", "report_daily", "payments", "fetch_token", "return_value")
    assert verdict.denial == (
        "xcomlint: DAG 'payments': task 'report_daily' may not read key 'return_value' of task 'fetch_token'; "
        "the allow-list permits only 'charge' (/etc/xcomlint/allowlist.yaml:5)"
    )
    verdict = policy.pull("payments", "charge", "payments", "charge_helper", "token")
    assert verdict.denial.endswith("the allow-list permits no task to read it (/etc/xcomlint/allowlist.yaml:3)")
    assert policy.pull("quiet", "b", "quiet", "a", "return_value").denial  # listed with no XComs at all


def test_a_cross_dag_read_is_checked_against_the_readers_dag(policy: Policy) -> None:
    verdict = policy.pull("payments", "report_daily", "fx_rates", "publish", "eur_usd")
    assert verdict.denial == (
        "xcomlint: DAG 'payments': task 'report_daily' may not read key 'eur_usd' of task 'publish' in DAG "
        "'fx_rates'; the allow-list's cross_dag for 'payments' does not permit it (/etc/xcomlint/allowlist.yaml:15)"
    )
    assert policy.pull("payments", "charge", "fx_rates", "publish", "secret").denial.endswith(
        "(/etc/xcomlint/allowlist.yaml:3)")
    # the DAG read from is not the one judged: fx_rates is not listed, payments is
    assert policy.pull("fx_rates", "publish", "payments", "fetch_token", "return_value") is ALLOWED


def test_an_exclusive_entry_marks_the_verdict(policy: Policy) -> None:
    verdict = policy.pull("payments", "charge", "payments", "fetch_token", "return_value")
    assert verdict.denial is None and verdict.exclusive is not None and verdict.exclusive.producer == "fetch_token"


def test_pushes(policy: Policy) -> None:
    assert policy.push("payments", "export", "file") is ALLOWED
    assert policy.push("payments", "export", "return_value") is ALLOWED  # judged where it is read
    assert policy.push("unlisted", "export", "anything") is ALLOWED
    assert policy.push("payments", "export", claim_key("fetch_token", "return_value")) is ALLOWED  # the backend's
    assert policy.push("payments", "export", "etag").denial == (
        "xcomlint: DAG 'payments': task 'export' may not push key 'etag'; the allow-list declares no such key "
        "for that task (/etc/xcomlint/allowlist.yaml:3)"
    )


def test_verdicts_are_worked_out_once(policy: Policy) -> None:
    first = policy.pull("payments", "report_daily", "payments", "fetch_token", "return_value")
    assert policy.pull("payments", "report_daily", "payments", "fetch_token", "return_value") is first


def test_unjudged_keys() -> None:
    assert unjudged_key("skipmixin_key") and unjudged_key("xcomlint.read.a.b") and unjudged_key("pipeline_outlets")
    assert not unjudged_key("return_value") and not unjudged_key("token") and not unjudged_key(None)


def test_other_readers_of_an_exclusive_key(policy: Policy) -> None:
    entry = policy.allowlist.dags["payments"].xcoms[2]
    assert other_readers(entry, "upload_eu", ["export", "upload_eu", "upload_us", "report_daily"]) == ["upload_us"]
    assert other_readers(entry, "upload_eu", None) == []  # without the DAG, a glob names no task
    charge = policy.allowlist.dags["payments"].xcoms[0]
    assert other_readers(charge, "charge", ["fetch_token", "charge"]) == []


# -- the enforcer --------------------------------------------------------------------------------


def options(**values: str):
    return lambda name: values.get(name)


def write(tmp_path: Path, text: str = ALLOWLIST) -> str:
    path = tmp_path / "allowlist.yaml"
    path.write_text(text)
    return str(path)


def test_modes() -> None:
    assert read_mode(options()) == "enforce"
    assert read_mode(options(mode=" Warn ")) == "warn"
    assert not Enforcer(options(mode="off")).active
    with pytest.raises(SettingsError, match="mode must be one of enforce, warn, off, not 'block'"):
        read_mode(options(mode="block"))


def test_a_missing_allowlist_setting_is_an_error() -> None:
    judge = Enforcer(options(mode="enforce"))
    with pytest.raises(SettingsError, match=r"\[xcomlint\] allowlist is not set"):
        judge.policy()


def test_a_broken_allowlist_fails_every_time_with_the_loaders_error(tmp_path: Path) -> None:
    path = write(tmp_path, ALLOWLIST.replace("exclusive: true", "exclusive: maybe", 1))
    judge = Enforcer(options(allowlist=path))
    for _ in range(2):
        with pytest.raises(AllowListError) as error:
            judge.policy()
        assert str(error.value) == f"{path}:7:20: dags.payments.xcoms[0].exclusive: expected true or false"


def test_the_allowlist_is_loaded_once(tmp_path: Path) -> None:
    path = write(tmp_path)
    judge = Enforcer(options(allowlist=path))
    first = judge.policy()
    Path(path).write_text("not: [an allow-list")
    assert judge.policy() is first


def test_enforce_raises_and_warn_logs(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(XComAccessDenied, match="^no$"):
        Enforcer(options(mode="enforce")).refuse("no")
    with caplog.at_level(logging.WARNING, logger="airflow.task.xcomlint"):
        Enforcer(options(mode="warn")).refuse("careful")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [(logging.WARNING, "careful")]


class Records:
    """The claims of a run, as the backend keeps them in XCom: one set of keys per task."""

    def __init__(self) -> None:
        self.by_task: Dict[str, Set[str]] = {}

    def of(self, task_id: str) -> "TaskClaims":
        return TaskClaims(self, task_id)


class TaskClaims:
    def __init__(self, records: Records, task_id: str) -> None:
        self.records, self.task_id = records, task_id

    def write(self, key: str) -> None:
        self.records.by_task.setdefault(self.task_id, set()).add(key)

    def readers(self, key: str, task_ids: List[str]) -> List[str]:
        return [t for t in task_ids if key in self.records.by_task.get(t, set())]

    def delete(self, key: str) -> None:
        self.records.by_task.get(self.task_id, set()).discard(key)


def test_one_reader_per_run_of_an_exclusive_key(tmp_path: Path) -> None:
    judge = Enforcer(options(allowlist=write(tmp_path)))
    policy, records = judge.policy(), Records()
    tasks = ["export", "upload_eu", "upload_us"]

    def read(task: str, run: str = "run1") -> None:
        verdict = policy.pull("payments", task, "payments", "export", "file")
        judge.check_exclusive(verdict, "payments", task, run, "export", "file", tasks, records.of(task))

    read("upload_eu")
    read("upload_eu")  # the same reader again
    with pytest.raises(XComAccessDenied, match="the key is exclusive and task 'upload_eu' has read it in this run"):
        read("upload_us")
    assert records.by_task == {"upload_eu": {"xcomlint.read.export.file"}, "upload_us": set()}


def test_two_readers_racing_are_both_refused_and_leave_no_record(tmp_path: Path) -> None:
    """Each writes its record before looking: both see the other, both are refused and
    take their record back, so a retry of either finds the key unread."""
    judge = Enforcer(options(allowlist=write(tmp_path)))
    policy, records = judge.policy(), Records()
    tasks = ["upload_eu", "upload_us"]
    records.of("upload_us").write(claim_key("export", "file"))  # upload_us has written, not yet looked
    verdict = policy.pull("payments", "upload_eu", "payments", "export", "file")
    with pytest.raises(XComAccessDenied):
        judge.check_exclusive(verdict, "payments", "upload_eu", "run1", "export", "file", tasks,
                              records.of("upload_eu"))
    assert records.by_task["upload_eu"] == set()


def test_storage_backend_setting() -> None:
    class Base:
        pass

    class Own(Base):
        pass

    class Storage(Base):
        pass

    def failing() -> type:
        raise ImportError("No module named 'no'")

    named = options(storage_backend="storage.Storage")
    assert storage_class(options(), failing, Base, Own) is Base  # nothing configured: nothing imported
    assert storage_class(named, lambda: Storage, Base, Own) is Storage
    with pytest.raises(SettingsError, match="'storage.Storage' cannot be imported: No module named 'no'"):
        storage_class(named, failing, Base, Own)
    with pytest.raises(SettingsError, match="is not a subclass of"):
        storage_class(named, lambda: dict, Base, Own)
    with pytest.raises(SettingsError, match="is this backend itself"):
        storage_class(named, lambda: Own, Base, Own)
