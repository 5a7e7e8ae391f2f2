"""The allow-list XCom backend for Airflow 3 (the Task SDK's ``BaseXCom``).

In Airflow 3 the backend runs in the task's own process (forked by the
worker's supervisor, or in-process under ``dag.test()``); the API server stores
and shows raw values and never calls it. In that process:

- a pull is ``RuntimeTaskInstance.xcom_pull`` -> ``get_all`` (no ``map_indexes``)
  or ``get_one`` (and ``aget_*`` from ``axcom_pull``); ``get_value`` goes through
  ``get_one``. Templates and XComArgs go through ``xcom_pull`` too, except an
  XComArg of a *mapped* task, which is a ``LazyXComSequence`` that fetches items
  itself and only calls ``deserialize_value``;
- a push is ``set`` (or ``aset``), for ``ti.xcom_push`` and for return values;
  ``_set_xcom_in_db`` bypasses backends. A push is judged when DAG code asked
  for it, not an operator of Airflow (see ``enforcer.written_by_airflow``).

None of these receive the reading task: it is the task instance of Airflow's
current context (set while templates render and ``execute`` runs) or, in
callbacks, the task Airflow exported in ``AIRFLOW_CTX_*``. Values are stored by
``[xcomlint] storage_backend`` (Airflow's plain backend by default).
"""

from __future__ import annotations

import sys
from typing import Any, List, Optional

from airflow.sdk import get_current_context
from airflow.sdk.bases.xcom import BaseXCom

from .enforcer import (
    Caller,
    Enforcer,
    Settings,
    SettingsError,
    XComAccessDenied,
    written_by_airflow,
)
from .policy import unjudged_key

try:
    from airflow.sdk.configuration import conf
except ImportError:  # Task SDK 1.0 reads core's configuration
    from airflow.configuration import conf  # type: ignore[no-redef]

try:  # the wrapper a LazyXComSequence hands to deserialize_value
    from airflow.sdk.execution_time.lazy_sequence import LazyXComSequence, _XComWrapper
except ImportError:  # pragma: no cover - older Task SDKs
    LazyXComSequence = _XComWrapper = None  # type: ignore[assignment,misc]


SETTINGS = Settings(conf, BaseXCom)


def _enforcer() -> Enforcer:
    return SETTINGS.enforcer()


def _storage() -> Any:
    return SETTINGS.storage(AllowListXCom)


def _caller() -> Optional[Caller]:
    try:
        return Caller.from_context(get_current_context())
    except RuntimeError:  # no current context: not in a task, or in its callbacks
        return Caller.from_context(None)


class _Claims:
    """Records of exclusive reads, kept as the reader's own XComs in plain storage."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller

    def write(self, key: str) -> None:
        c = self.caller
        BaseXCom.set(key, c.task_id, dag_id=c.dag_id, task_id=c.task_id, run_id=c.run_id, map_index=c.map_index)

    def readers(self, key: str, task_ids: List[str]) -> List[str]:
        c = self.caller
        return [t for t in task_ids if BaseXCom.get_all(key=key, dag_id=c.dag_id, task_id=t, run_id=c.run_id)]

    def delete(self, key: str) -> None:
        c = self.caller
        BaseXCom.delete(key=key, task_id=c.task_id, dag_id=c.dag_id, run_id=c.run_id, map_index=c.map_index)


def _guard_pull(dag_id: str, task_id: str, key: str) -> None:
    if unjudged_key(key):
        return
    caller = _caller()
    if caller is None:  # not a task's read
        return
    judge = _enforcer()
    if not judge.active:
        return
    verdict = judge.policy().pull(caller.dag_id, caller.task_id, dag_id, task_id, key)
    if verdict.denial is not None:
        judge.refuse(verdict.denial)
    elif verdict.exclusive is not None:
        judge.check_exclusive(verdict, caller.dag_id, caller.task_id, caller.run_id, task_id, key,
                              caller.dag_task_ids(), _Claims(caller))


# the frames between whoever calls ti.xcom_push (or an operator's xcom_push) and the backend
_RUNNER = "airflow.sdk.execution_time.task_runner"
PUSH_API = frozenset({
    (_RUNNER, "xcom_push"), (_RUNNER, "_xcom_push"), (_RUNNER, "axcom_push"), (_RUNNER, "_axcom_push"),
    ("airflow.sdk.bases.operator", "xcom_push"),
})


def _guard_push(dag_id: str, task_id: str, key: str) -> None:
    if unjudged_key(key) or _caller() is None:  # not a task's data
        return
    judge = _enforcer()
    if not judge.active:
        return
    # asked for return values too (they are always permitted), so that a broken
    # allow-list fails the first task that writes anything
    verdict = judge.policy().push(dag_id, task_id, key)
    if verdict.denial is not None and not written_by_airflow(sys._getframe(1), PUSH_API):
        judge.refuse(verdict.denial)


def _lazy_sequence_source(frame: Any) -> Optional[Any]:
    """The LazyXComSequence whose ``__getitem__`` is fetching this value."""
    for _ in range(4):
        if frame is None:
            return None
        if frame.f_code.co_name == "__getitem__":
            owner = frame.f_locals.get("self")
            if isinstance(owner, LazyXComSequence):
                return owner
        frame = frame.f_back
    return None


def _guard_lazy_read() -> None:
    sequence = _lazy_sequence_source(sys._getframe(2))
    if sequence is not None:
        xcom_arg = sequence._xcom_arg
        _guard_pull(xcom_arg.operator.dag_id, xcom_arg.operator.task_id, xcom_arg.key)
        return
    caller = _caller()
    judge = _enforcer()
    if caller is not None and judge.active and judge.policy().allowlist.rules_for(caller.dag_id) is not None:
        judge.refuse(f"xcomlint: DAG '{caller.dag_id}': task '{caller.task_id}' reads the XComs of a mapped task "
                     f"by a way this backend cannot attribute to a producer; it cannot be checked")


class AllowListXCom(BaseXCom):
    """Checks every read and write of a running task against the allow-list, then delegates to storage."""

    @classmethod
    def set(cls, key: str, value: Any, *, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> None:
        _guard_push(dag_id, task_id, key)
        _storage().set(key, value, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @classmethod
    async def aset(cls, key: str, value: Any, *, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> None:
        _guard_push(dag_id, task_id, key)
        await _storage().aset(key, value, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @classmethod
    def get_one(cls, *, key: str, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> Any:
        _guard_pull(dag_id, task_id, key)
        return _storage().get_one(key=key, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @classmethod
    async def aget_one(cls, *, key: str, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> Any:
        _guard_pull(dag_id, task_id, key)
        return await _storage().aget_one(key=key, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @classmethod
    def get_all(cls, *, key: str, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> Any:
        _guard_pull(dag_id, task_id, key)
        return _storage().get_all(key=key, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @classmethod
    async def aget_all(cls, *, key: str, dag_id: str, task_id: str, run_id: str, **kwargs: Any) -> Any:
        _guard_pull(dag_id, task_id, key)
        return await _storage().aget_all(key=key, dag_id=dag_id, task_id=task_id, run_id=run_id, **kwargs)

    @staticmethod
    def serialize_value(value: Any, **kwargs: Any) -> Any:
        return _storage().serialize_value(value, **kwargs)

    @staticmethod
    def deserialize_value(result: Any) -> Any:
        if _XComWrapper is not None and type(result) is _XComWrapper:
            _guard_lazy_read()
        return _storage().deserialize_value(result)

    @classmethod
    def purge(cls, xcom: Any, *args: Any) -> None:
        _storage().purge(xcom, *args)

    @classmethod
    def delete(cls, key: str, task_id: str, dag_id: str, run_id: str, map_index: Optional[int] = None) -> None:
        _storage().delete(key=key, task_id=task_id, dag_id=dag_id, run_id=run_id, map_index=map_index)


__all__ = ["AllowListXCom", "SettingsError", "XComAccessDenied"]
