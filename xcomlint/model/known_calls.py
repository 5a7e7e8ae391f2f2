"""Functions imported from outside Airflow's packages whose effect on a DAG is known.

Airflow's own system tests (the example DAGs of its providers, and DAGs
written after them) end with helpers from Airflow's test utilities:
``list(dag.tasks) >> watcher()`` adds one sink task, ``watcher``, that fails
the run when any task failed; ``get_test_run(dag)`` wraps the DAG for pytest
and changes nothing in it; ``get_test_env_id()`` returns a string. Knowing them
keeps such DAGs fully modelled.
"""

from __future__ import annotations

from typing import Optional

# where Airflow's test utilities have lived: Airflow 3's ``tests_common`` package
# (also as ``dev.tests_common``), Airflow 2's ``tests.system.utils``
_TEST_UTILS = ("tests_common.test_utils", "dev.tests_common.test_utils", "tests.system.utils", "tests.test_utils")

WATCHER = "watcher"  # a call that adds the ``watcher`` task (TaskFlow, trigger rule one_failed)
NO_EFFECT = "no-effect"  # a call that neither adds tasks nor wires any


def known_call(qualified: str) -> Optional[str]:
    """What calling the imported function ``qualified`` does to a DAG, if known."""
    for package in _TEST_UTILS:
        if not qualified.startswith(package + "."):
            continue
        name = qualified.rsplit(".", 1)[-1]
        if name == "watcher":
            return WATCHER
        if name in ("get_test_run", "get_test_env_id", "get_test_run_from_file"):
            return NO_EFFECT
    return None
