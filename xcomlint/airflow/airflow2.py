"""The allow-list XCom backend for Airflow 2.10 (``airflow.models.xcom.BaseXCom``).

In Airflow 2 the backend is an ORM class used by every process (scheduler,
webserver, the task's raw process, ``dag.test()``). Only reads and writes made
by a running task are judged:

- a pull is ``TaskInstance.xcom_pull`` -> ``XCom.get_many`` (a query; templates,
  XComArgs and mapped results all go this way), or ``XCom.get_one`` /
  ``XCom.get_value``, which call ``BaseXCom.get_many`` directly and so are
  checked on their own;
- a push is ``XCom.set``, for ``ti.xcom_push`` and for return values. It is
  judged when DAG code asked for it, not an operator of Airflow (see
  ``enforcer.written_by_airflow``).

None of these receive the reading task: it is the task instance of Airflow's
current context (set while templates render and ``execute`` runs) or, in
callbacks, the task Airflow exported in ``AIRFLOW_CTX_*``. The scheduler's own
reads (which tasks a branch skipped) have neither and are not judged. Values
are stored by ``[xcomlint] storage_backend`` (Airflow's plain backend by default).
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, List, Optional, Tuple

from airflow.configuration import conf
from airflow.models.xcom import BaseXCom

from .enforcer import (
    Caller,
    Enforcer,
    Settings,
    SettingsError,
    XComAccessDenied,
    written_by_airflow,
)
from .policy import unjudged_key

SETTINGS = Settings(conf, BaseXCom)


def _enforcer() -> Enforcer:
    return SETTINGS.enforcer()


def _storage() -> Any:
    return SETTINGS.storage(AllowListXCom)


_CONTEXT: List[Any] = []  # Airflow's get_current_context and the error it raises outside a task


def _caller() -> Optional[Caller]:
    if not _CONTEXT:
        # imported on first use: airflow.models.xcom imports this module while it
        # resolves its backend, before the task-instance module can be imported
        from airflow.exceptions import AirflowException
        from airflow.operators.python import get_current_context

        _CONTEXT[:] = [get_current_context, AirflowException]
    get_current_context, no_context = _CONTEXT
    try:
        return Caller.from_context(get_current_context())
    except no_context:  # no current context: not in a task, or in its callbacks
        return Caller.from_context(None)


def _session(session: Any) -> dict:
    # Airflow's provide_session makes a session only when none is passed at all
    return {} if session is None else {"session": session}


class _Claims:
    """Records of exclusive reads, kept as the reader's own XComs in plain storage."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller

    def write(self, key: str) -> None:
        c = self.caller
        BaseXCom.set(key=key, value=c.task_id, task_id=c.task_id, dag_id=c.dag_id, run_id=c.run_id,
                     map_index=c.map_index)

    def readers(self, key: str, task_ids: List[str]) -> List[str]:
        c = self.caller
        query = BaseXCom.get_many(key=key, dag_ids=c.dag_id, task_ids=task_ids, run_id=c.run_id)
        return sorted({row.task_id for row in query.with_entities(BaseXCom.task_id)})

    def delete(self, key: str) -> None:
        from airflow.utils.session import create_session

        c = self.caller
        with create_session() as session:
            session.query(BaseXCom).filter_by(
                key=key, dag_id=c.dag_id, task_id=c.task_id, run_id=c.run_id, map_index=c.map_index
            ).delete()


def _names(value: Any) -> Optional[List[str]]:
    """The concrete ids a pull names, or None for a wildcard (None, or not strings)."""
    if isinstance(value, str):
        return [value]
    if value is None:
        return None
    values = list(value)
    return values if all(isinstance(v, str) for v in values) else None


def _guard_pull(caller: Caller, judge: Enforcer, reads: Iterable[Tuple[str, str, str]]) -> None:
    reads = [read for read in reads if not unjudged_key(read[2])]
    if not reads:
        return
    policy = judge.policy()
    for dag_id, task_id, key in reads:
        verdict = policy.pull(caller.dag_id, caller.task_id, dag_id, task_id, key)
        if verdict.denial is not None:
            judge.refuse(verdict.denial)
        elif verdict.exclusive is not None:
            judge.check_exclusive(verdict, caller.dag_id, caller.task_id, caller.run_id, task_id, key,
                                  caller.dag_task_ids(), _Claims(caller))


def _reads_of(dag_ids: Any, task_ids: Any, key: Any, query: Any) -> List[Tuple[str, str, str]]:
    """(dag, task, key) of every XCom a pull can return. A pull that names them all
    is judged as written; one with a wildcard (no task_ids, no key: Airflow 2 then
    reads any task's or any key's newest XCom) by the XComs it matches now."""
    dags, tasks = _names(dag_ids), _names(task_ids)
    if dags is not None and tasks is not None and isinstance(key, str):
        return [(d, t, key) for d in dags for t in tasks]
    rows = query.with_entities(BaseXCom.dag_id, BaseXCom.task_id, BaseXCom.key)
    return list(dict.fromkeys((row.dag_id, row.task_id, row.key) for row in rows))  # each once, first seen first


def _judged() -> Optional[Tuple[Caller, Enforcer]]:
    caller = _caller()
    if caller is None:  # not a task's read or write
        return None
    judge = _enforcer()
    return (caller, judge) if judge.active else None


# the frames between whoever calls ti.xcom_push (or BaseOperator.xcom_push) and the backend
PUSH_API = frozenset({
    ("airflow.models.taskinstance", "xcom_push"), ("airflow.models.baseoperator", "xcom_push"),
    ("airflow.utils.session", "wrapper"), ("airflow.api_internal.internal_api_call", "wrapper"),
    ("airflow.serialization.pydantic.taskinstance", "xcom_push"),
})


class AllowListXCom(BaseXCom):
    """Checks every read and write of a running task against the allow-list, then delegates to storage."""

    @classmethod
    def set(cls, key, value, task_id, dag_id, execution_date=None, session=None, *, run_id=None, map_index=-1):
        judged = None if unjudged_key(key) else _judged()
        if judged is not None:
            # asked for return values too (they are always permitted), so that a
            # broken allow-list fails the first task that writes anything
            verdict = judged[1].policy().push(dag_id, task_id, key)
            if verdict.denial is not None and not written_by_airflow(sys._getframe(1), PUSH_API):
                judged[1].refuse(verdict.denial)
        return _storage().set(key=key, value=value, task_id=task_id, dag_id=dag_id, execution_date=execution_date,
                              run_id=run_id, map_index=map_index, **_session(session))

    @staticmethod
    def get_many(execution_date=None, key=None, task_ids=None, dag_ids=None, map_indexes=None,
                 include_prior_dates=False, limit=None, session=None, *, run_id=None):
        query = _storage().get_many(execution_date=execution_date, key=key, task_ids=task_ids, dag_ids=dag_ids,
                                    map_indexes=map_indexes, include_prior_dates=include_prior_dates, limit=limit,
                                    run_id=run_id, **_session(session))
        judged = None if unjudged_key(key) else _judged()
        if judged is not None:
            caller, judge = judged
            _guard_pull(caller, judge, _reads_of(dag_ids, task_ids, key, query))
        return query

    @staticmethod
    def get_one(execution_date=None, key=None, task_id=None, dag_id=None, include_prior_dates=False, session=None,
                *, run_id=None, map_index=None):
        judged = None if unjudged_key(key) else _judged()
        if judged is not None:
            caller, judge = judged
            query = None
            if not (isinstance(key, str) and isinstance(task_id, str) and isinstance(dag_id, str)):
                query = BaseXCom.get_many(execution_date=execution_date, key=key, task_ids=task_id, dag_ids=dag_id,
                                          map_indexes=map_index, include_prior_dates=include_prior_dates, limit=1,
                                          run_id=run_id, **_session(session))
            _guard_pull(caller, judge, _reads_of(dag_id, task_id, key, query))
        return _storage().get_one(execution_date=execution_date, key=key, task_id=task_id, dag_id=dag_id,
                                  include_prior_dates=include_prior_dates, run_id=run_id, map_index=map_index,
                                  **_session(session))

    @staticmethod
    def get_value(*, ti_key, key=None, session=None):
        return AllowListXCom.get_one(key=key, task_id=ti_key.task_id, dag_id=ti_key.dag_id, run_id=ti_key.run_id,
                                     map_index=ti_key.map_index, session=session)

    @staticmethod
    def serialize_value(value, *, key=None, task_id=None, dag_id=None, run_id=None, map_index=None):
        return _storage().serialize_value(value=value, key=key, task_id=task_id, dag_id=dag_id, run_id=run_id,
                                          map_index=map_index)

    @staticmethod
    def deserialize_value(result):
        return _storage().deserialize_value(result)

    def orm_deserialize_value(self):
        return _storage().orm_deserialize_value(self)

    @staticmethod
    def purge(xcom, session=None):
        return _storage().purge(xcom, session)


__all__ = ["AllowListXCom", "SettingsError", "XComAccessDenied"]
