"""What the backend does with a verdict, and the state it keeps once per process.

The settings come from Airflow's configuration, section ``[xcomlint]`` (so also
from ``AIRFLOW__XCOMLINT__*`` environment variables), read through the
configuration object the backend module hands to ``Settings``. The allow-list is loaded on the first judged
read or write of the process, with the linter's own loader; a broken file, a
missing setting or an unknown mode fails every judged read and write with the
located error instead of letting everything through. No Airflow import here.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, FrozenSet, List, Optional, Protocol, Set, Tuple

from ..allowlist.records import AllowListError
from .policy import Policy, Verdict, claim_key, other_readers

MODES = ("enforce", "warn", "off")

# a child of Airflow's task logger, so that warnings land in the task's log
LOG = logging.getLogger("airflow.task.xcomlint")

Option = Callable[[str], Optional[str]]


class XComAccessDenied(Exception):
    """A read or write of an XCom that the allow-list does not permit (mode ``enforce``)."""


class SettingsError(Exception):
    """The ``[xcomlint]`` settings are missing or wrong."""


class Caller:
    """The running task that makes a read or a write."""

    __slots__ = ("dag_id", "task_id", "run_id", "map_index", "_ti")

    def __init__(self, dag_id: str, task_id: str, run_id: str, map_index: int = -1, ti: Any = None) -> None:
        self.dag_id, self.task_id, self.run_id, self.map_index, self._ti = dag_id, task_id, run_id, map_index, ti

    @classmethod
    def of(cls, ti: Any) -> "Caller":
        map_index = getattr(ti, "map_index", -1)
        return cls(ti.dag_id, ti.task_id, ti.run_id, map_index if isinstance(map_index, int) else -1, ti)

    @classmethod
    def from_environment(cls) -> Optional["Caller"]:
        """The task this process runs, as Airflow exports it before ``execute`` (both 2.x and 3.x):
        what is left once the current context is gone, in the task's callbacks."""
        dag_id, task_id = os.environ.get("AIRFLOW_CTX_DAG_ID"), os.environ.get("AIRFLOW_CTX_TASK_ID")
        if not dag_id or not task_id:
            return None
        return cls(dag_id, task_id, os.environ.get("AIRFLOW_CTX_DAG_RUN_ID", ""))

    @classmethod
    def from_context(cls, context: Optional[Any]) -> Optional["Caller"]:
        """The task of Airflow's current context (``None`` outside a task), else of the environment."""
        ti = context.get("ti") if context is not None else None
        return cls.of(ti) if ti is not None else cls.from_environment()

    def dag_task_ids(self) -> Optional[List[str]]:
        dag = getattr(getattr(self._ti, "task", None), "dag", None)
        task_ids = getattr(dag, "task_ids", None)
        return list(task_ids) if task_ids is not None else None


class Claims(Protocol):
    """The running task's records of the exclusive keys it has read in this run."""

    def write(self, key: str) -> None: ...

    def readers(self, key: str, task_ids: List[str]) -> List[str]: ...

    def delete(self, key: str) -> None: ...


def read_mode(option: Option) -> str:
    mode = (option("mode") or "enforce").strip().lower()
    if mode not in MODES:
        raise SettingsError(f"xcomlint: [xcomlint] mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


class Enforcer:
    def __init__(self, option: Option) -> None:
        self._option = option
        self._mode: Optional[str] = None
        self._policy: Optional[Policy] = None
        self._error: Optional[Exception] = None
        self._claimed: Set[Tuple[str, str, str, str, str]] = set()

    @property
    def mode(self) -> str:
        if self._mode is None:
            self._mode = read_mode(self._option)
        return self._mode

    @property
    def active(self) -> bool:
        return self.mode != "off"

    def policy(self) -> Policy:
        if self._policy is not None:
            return self._policy
        if self._error is not None:
            raise self._error
        try:
            path = (self._option("allowlist") or "").strip()
            if not path:
                raise SettingsError(
                    "xcomlint: [xcomlint] allowlist is not set (AIRFLOW__XCOMLINT__ALLOWLIST): name the allow-list "
                    "file, or set [xcomlint] mode = off"
                )
            from ..allowlist.loader import load_allowlist

            self._policy = Policy(load_allowlist(path))
        except (AllowListError, SettingsError) as error:
            self._error = error
            raise
        return self._policy

    def refuse(self, message: str) -> None:
        if self.mode == "enforce":
            raise XComAccessDenied(message)
        LOG.warning("%s", message)

    def judge(self, verdict: Verdict) -> None:
        if verdict.denial is not None:
            self.refuse(verdict.denial)

    def check_exclusive(
        self,
        verdict: Verdict,
        dag_id: str,
        consumer: str,
        run_id: str,
        producer: str,
        key: str,
        dag_task_ids: Optional[List[str]],
        claims: Claims,
    ) -> None:
        """One reader per run for an exclusive key: the first reader records its read, a later one is refused.

        The record is written before the others are looked up, so that two readers
        racing see each other; the refused one removes its record again.
        """
        entry = verdict.exclusive
        if entry is None:
            return
        others = other_readers(entry, consumer, dag_task_ids)
        memo = (dag_id, run_id, consumer, producer, key)
        if not others or memo in self._claimed:
            return
        record = claim_key(producer, key)
        claims.write(record)
        readers = claims.readers(record, others)
        if readers:
            claims.delete(record)
            self.refuse(self.policy().exclusive_denial(entry, dag_id, consumer, producer, key, readers[0]))
            return
        self._claimed.add(memo)


def written_by_airflow(frame: Any, push_api: FrozenSet[Tuple[str, str]]) -> bool:
    """Whether the code that asked for this push is Airflow's own, not the DAG's.

    The static check judges only the ``xcom_push`` calls written in DAG code (XCL302);
    keys an operator of Airflow or of a provider pushes itself (a link, a run id) and
    the keys of a ``multiple_outputs`` return value (pushed by the task runner) are
    the operator's doing, judged where they are read. ``push_api`` names the frames,
    as (module, function), between the backend and whoever called ``ti.xcom_push``;
    the first frame past them decides: code in the ``airflow`` package is Airflow's,
    anything else (a callable, a ``@task`` body, a custom operator, a Jinja
    template) is the DAG's.
    """
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""
        if (module, frame.f_code.co_name) in push_api or module.startswith("xcomlint.airflow"):
            frame = frame.f_back
            continue
        return module == "airflow" or module.startswith("airflow.")
    return True


def storage_class(option: Option, load: Callable[[], Any], base: type, own: type) -> type:
    """The backend that stores the values: ``[xcomlint] storage_backend``, else Airflow's plain one.

    ``load`` imports the configured class the way Airflow imports ``[core] xcom_backend``.
    """
    path = (option("storage_backend") or "").strip()
    if not path:
        return base
    try:
        found = load()
    except Exception as error:  # Airflow reports a bad path as its configuration error
        raise SettingsError(f"xcomlint: [xcomlint] storage_backend {path!r} cannot be imported: {error}") from None
    if not (isinstance(found, type) and issubclass(found, base)):
        raise SettingsError(
            f"xcomlint: [xcomlint] storage_backend {path!r} is not a subclass of {base.__module__}.{base.__name__}"
        )
    if issubclass(found, own):
        raise SettingsError(
            f"xcomlint: [xcomlint] storage_backend {path!r} is this backend itself; name the one that stores values"
        )
    return found


class Settings:
    """A backend module's view of Airflow's configuration, once per process: the
    ``[xcomlint]`` options, the enforcer they make and the storage backend they name."""

    def __init__(self, conf: Any, base: type) -> None:
        self.conf, self.base = conf, base
        self._enforcer: Optional[Enforcer] = None
        self._storage: Optional[type] = None

    def option(self, name: str) -> Optional[str]:
        return self.conf.get("xcomlint", name, fallback=None)

    def enforcer(self) -> Enforcer:
        if self._enforcer is None:
            self._enforcer = Enforcer(self.option)
        return self._enforcer

    def storage(self, own: type) -> Any:
        if self._storage is None:
            load = lambda: self.conf.getimport("xcomlint", "storage_backend")  # noqa: E731
            self._storage = storage_class(self.option, load, self.base, own)
        return self._storage
