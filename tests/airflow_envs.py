"""Real Airflow installations for the runtime-enforcement tests.

``.ci/run`` installs Airflow 3 (and Airflow 2.10 where its dependencies resolve)
into virtual environments of their own, with xcomlint, and names their
interpreters in ``XCOMLINT_AIRFLOW3_PYTHON`` / ``XCOMLINT_AIRFLOW2_PYTHON``
(or says why one could not be installed in ``XCOMLINT_AIRFLOW2_UNAVAILABLE``).
Without them the tests skip with that reason, and fail when ``CI=true``.

Each ``Airflow`` has a SQLite metadata database in a temporary AIRFLOW_HOME;
``run`` executes DAGs there with ``dag.test()`` in a subprocess (no scheduler),
with the code of this checkout on PYTHONPATH, so the backend under test is this one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "tests" / "airflow_runtime"
DAGS = RUNTIME / "dags"
ALLOWLIST = RUNTIME / "allowlist.yaml"
DRIVER = RUNTIME / "run_dags.py"
BACKEND = "xcomlint.airflow.backend.AllowListXCom"
OBJECT_STORAGE = "airflow.providers.common.io.xcom.backend.XComObjectStorageBackend"
RESULT_MARK = "XCOMLINT-RESULT "


def airflow_python(version: int) -> str:
    """The interpreter of the virtual environment with Airflow ``version``, or skip (fail on CI)."""
    variable = f"XCOMLINT_AIRFLOW{version}_PYTHON"
    path = os.environ.get(variable, "")
    if path:
        if not os.access(path, os.X_OK):
            pytest.fail(f"{variable}={path} is not an executable Python")
        return path
    unavailable = os.environ.get(f"XCOMLINT_AIRFLOW{version}_UNAVAILABLE", "")
    if unavailable:
        pytest.skip(f"Airflow {version} could not be installed on this machine: {unavailable}")
    reason = (f"{variable} is not set: it names the Python of a virtual environment with Airflow {version} "
              f"and xcomlint installed (.ci/run makes one)")
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
    raise AssertionError("unreachable")


@dataclass
class Run:
    """What one driver process did: its whole output and the database's view of each DAG run."""

    output: str
    result: Dict[str, Any]

    def dag(self, dag_id: str) -> Dict[str, Any]:
        return self.result[dag_id]

    def state(self, dag_id: str, task_id: str) -> str:
        return self.result[dag_id]["tasks"][task_id]

    def xcoms(self, dag_id: str) -> Dict[tuple, Any]:
        return {(task_id, key, map_index): value for task_id, map_index, key, value in self.result[dag_id]["xcoms"]}

    def lines_with(self, text: str) -> List[str]:
        return [line for line in self.output.splitlines() if text in line]

    def printed(self, text: str) -> List[str]:
        """Lines a task printed that start with ``text`` (not the source lines of a traceback)."""
        return [line for line in self.output.splitlines() if line.startswith(text)]

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


@dataclass
class Airflow:
    version: int
    python: str
    home: Path
    runs: Dict[str, Run] = field(default_factory=dict)

    def env(self, settings: Dict[str, str]) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AIRFLOW", "XCOMLINT_AIRFLOW")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        env.update(settings)
        return env

    def command(self, arguments: Sequence[str], settings: Optional[Dict[str, str]] = None,
                timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([self.python, *arguments], env=self.env(settings or {}), capture_output=True, text=True,
                              timeout=timeout, cwd=str(self.home))

    def migrate(self) -> None:
        done = self.command(["-m", "airflow", "db", "migrate"])
        if done.returncode != 0:
            pytest.fail(f"airflow db migrate failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")

    def run(self, name: str, date: str, dag_ids: Sequence[str], settings: Dict[str, str],
            executor: bool = False, dags: Path = DAGS) -> Run:
        """Run ``dag_ids`` (of the files in ``dags``) once per test session under the name ``name``."""
        if name not in self.runs:
            arguments = [str(DRIVER), *(["--executor"] if executor else []), str(dags), date, *dag_ids]
            # dag.test() serializes a DAG only from the DAG bundle of the configured folder
            done = self.command(arguments, dict(settings, AIRFLOW__CORE__DAGS_FOLDER=str(dags)))
            output = done.stdout + "\n" + done.stderr
            results = [line[len(RESULT_MARK):] for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
            if done.returncode != 0 or not results:
                pytest.fail(f"the DAG runs '{name}' did not complete (exit {done.returncode}):\n{output[-6000:]}")
            self.runs[name] = Run(output, json.loads(results[-1]))
        return self.runs[name]


def backend_settings(mode: str, allowlist: Path = ALLOWLIST, **extra: str) -> Dict[str, str]:
    settings = {
        "AIRFLOW__CORE__XCOM_BACKEND": BACKEND,
        "AIRFLOW__XCOMLINT__ALLOWLIST": str(allowlist),
        "AIRFLOW__XCOMLINT__MODE": mode,
    }
    settings.update(extra)
    return settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ApiServer:
    """Airflow 3's API server, which task processes forked by an executor talk to."""

    def __init__(self, airflow: Airflow, settings: Dict[str, str]) -> None:
        self.airflow, self.settings = airflow, settings
        self.port = free_port()
        self.settings.update(
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{self.port}/execution/",
            AIRFLOW__API_AUTH__JWT_SECRET="xcomlint-tests-" + os.urandom(16).hex(),
            # one LocalExecutor worker: with several, ``end()`` can wait forever for one that
            # never gets its shutdown message (apache/airflow#45329, #45683), and one is all a test needs
            AIRFLOW__CORE__PARALLELISM="1",
        )
        self.log = open(airflow.home / f"api-server-{self.port}.log", "w")
        self.process = subprocess.Popen(
            [airflow.python, "-m", "airflow", "api-server", "--port", str(self.port), "--workers", "1"],
            env=airflow.env(self.settings), stdout=self.log, stderr=subprocess.STDOUT, cwd=str(airflow.home),
            start_new_session=True,  # its workers share its process group, ended together below
        )

    def wait(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/version", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(1)
        self.stop()
        log = (self.airflow.home / f"api-server-{self.port}.log").read_text()
        pytest.fail("Airflow's API server did not start:\n" + log[-3000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# the runtime's messages: "xcomlint: DAG 'd': task 't' may not read key 'k' of task 'p'[ in DAG 'o']; ..."
# and "xcomlint: DAG 'd': task 't' may not push key 'k'; ..."
DENIAL = re.compile(
    r"xcomlint: DAG '(?P<dag>[^']+)': task '(?P<task>[^']+)' may not "
    r"(?:read key '(?P<key>[^']+)' of task '(?P<producer>[^']+)'(?: in DAG '(?P<other>[^']+)')?"
    r"|push key '(?P<pushed>[^']+)');"
)


def denials(output: str) -> List[Dict[str, Optional[str]]]:
    return [match.groupdict() for match in DENIAL.finditer(output)]
