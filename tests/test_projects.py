"""End-to-end specification of linting a project, not a pile of files (SPEC section 7).

Each folder of ``tests/projects`` is a small Airflow repository (its own project root:
it has a ``pyproject.toml``) whose DAG files import the team's own modules. Its
``expected.yaml`` lists runs of the real command line, as CI (the whole tree) and as
pre-commit (only the changed files) would start it, each with the exact findings it
must give: no more, no fewer, each (path, line, code) once.

```yaml
runs:
  - mode: pre-commit-dag             # the test id is <project>/<mode>
    paths: ["dags/etl.py"]           # the arguments of `xcomlint check`, cwd = the project
    findings:
      - path: dags/etl.py            # relative to the project
        line: 16                     # 1-based; columns are not asserted
        code: XCL103
        source: "python_callable=load"          # optional: text of that line (catches drifted lines)
        mentions: ["include/tasks.py:11"]       # optional: substrings of the message
```

The last test runs every project in a real Airflow (the environments .ci/run installs; skipped
without them, failing on CI) and checks the expectations against what happens: every pull the
``ci`` run flags as returning None (XCL103, XCL104, XCL106) does return None, every other pull
returns a value, every DAG imports and its run succeeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from airflow_envs import Airflow, airflow_python

REPOSITORY = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
AIRFLOW_DRIVER = PROJECTS / "_airflow" / "run_project.py"
RUN_KEYS = {"mode", "paths", "findings"}
FINDING_KEYS = {"path", "line", "code", "source", "mentions"}


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    code: str
    source: str = ""
    mentions: Tuple[str, ...] = ()

    @property
    def key(self) -> Tuple[str, int, str]:
        return (self.path, self.line, self.code)


@dataclass
class Run:
    project: Path
    mode: str
    paths: List[str]
    findings: List[Expected] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.project.name}/{self.mode}"


def _expected_finding(raw: Any, where: str) -> Expected:
    assert isinstance(raw, dict), f"{where}: a finding is a mapping"
    unknown = set(raw) - FINDING_KEYS
    assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
    mentions = raw.get("mentions", ())
    if isinstance(mentions, str):
        mentions = (mentions,)
    return Expected(path=str(raw["path"]), line=int(raw["line"]), code=str(raw["code"]),
                    source=str(raw.get("source", "")), mentions=tuple(str(m) for m in mentions))


def load_runs() -> List[Run]:
    runs: List[Run] = []
    for expected_file in sorted(PROJECTS.glob("*/expected.yaml")):
        data = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and set(data) == {"runs"}, f"{expected_file}: one key, runs"
        for number, raw in enumerate(data["runs"], 1):
            where = f"{expected_file} run {number}"
            unknown = set(raw) - RUN_KEYS
            assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
            runs.append(Run(
                project=expected_file.parent,
                mode=str(raw["mode"]),
                paths=[str(p) for p in raw["paths"]],
                findings=[_expected_finding(f, where) for f in raw.get("findings") or []],
            ))
    return runs


RUNS = load_runs()


def _relative(path: str, project: Path) -> str:
    """A reported path as the project-relative POSIX path the expectations use."""
    if os.path.isabs(path):
        path = os.path.relpath(path, project)
    return Path(os.path.normpath(path)).as_posix()


def _xcomlint(project: Path, *args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    # the checkout under test, whether or not it is installed in this interpreter
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), environment.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "xcomlint", *args], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=300)


def project_dirs() -> List[Path]:
    return sorted(p for p in PROJECTS.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def test_every_project_is_specified() -> None:
    projects = [p.name for p in project_dirs()]
    specified = sorted({run.project.name for run in RUNS})
    assert projects == specified, "every folder of tests/projects has an expected.yaml with runs"
    assert len({run.id for run in RUNS}) == len(RUNS), "the modes of a project are distinct"


@pytest.mark.parametrize("project", sorted({run.project for run in RUNS}), ids=lambda p: p.name)
def test_project_is_its_own_configuration_root(project: Path) -> None:
    """The project's pyproject.toml holds an empty [tool.xcomlint] table, so configuration
    discovery stops there and never reaches this repository's own pyproject.toml."""
    pyproject = project / "pyproject.toml"
    lines = [line.strip() for line in pyproject.read_text(encoding="utf-8").splitlines()]
    assert "[tool.xcomlint]" in lines
    assert not [line for line in lines[lines.index("[tool.xcomlint]") + 1:] if line and not line.startswith("#")], \
        "the [tool.xcomlint] table stays empty (defaults) and last"
    result = _xcomlint(project, "check", "--show-settings", ".")
    assert result.returncode == 0, result.stderr
    used = [line.partition(":")[2].strip() for line in result.stdout.splitlines() if line.startswith("configuration file:")]
    assert used and Path(used[0]).resolve() == pyproject.resolve(), result.stdout


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.id)
def test_expectations_point_at_real_lines(run: Run) -> None:
    """Guards the specification itself: every path exists, every expected line is in its file
    and holds the quoted source, every PATH:LINE mentioned exists."""
    for path in run.paths:
        assert (run.project / path).exists(), path
    for finding in run.findings:
        lines = (run.project / finding.path).read_text(encoding="utf-8").splitlines()
        assert 1 <= finding.line <= len(lines), finding
        assert finding.source in lines[finding.line - 1], (finding, lines[finding.line - 1])
        for mention in finding.mentions:
            file, _, line = mention.rpartition(":")
            if file.endswith(".py") and line.isdigit():
                assert int(line) <= len((run.project / file).read_text(encoding="utf-8").splitlines()), mention


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.id)
def test_project_findings(run: Run) -> None:
    result = _xcomlint(run.project, "check", "--no-cache", "--format", "json", *run.paths)
    assert result.returncode in (0, 1), f"exit {result.returncode}\n{result.stderr}"
    reported: List[Dict[str, Any]] = json.loads(result.stdout)
    assert isinstance(reported, list)
    for finding in reported:
        finding["path"] = _relative(finding["path"], run.project)

    def describe(findings: List[Dict[str, Any]]) -> str:
        return "\n".join(f"  {f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}" for f in findings) or "  (none)"

    keys = [(f["path"], f["line"], f["code"]) for f in reported]
    expected = {e.key for e in run.findings}
    assert set(keys) == expected, (
        f"xcomlint check {' '.join(run.paths)} (in {run.project.name})\n"
        f"missing: {sorted(expected - set(keys))}\nunexpected: {sorted(set(keys) - expected)}\n"
        f"reported:\n{describe(reported)}\n{result.stderr}")
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates, f"one bug, one finding: reported twice {duplicates}\n{describe(reported)}"

    by_key = {(f["path"], f["line"], f["code"]): f for f in reported}
    for finding in run.findings:
        message = by_key[finding.key]["message"]
        for mention in finding.mentions:
            assert mention in message, f"{finding.key}: the message does not mention {mention!r}: {message}"

    assert result.returncode == (1 if run.findings else 0), result.stderr


# ---------------------------------------------------------------- the same projects in Airflow
# the pulls that surely return None; an XCL102 pull races its producer, so it may or may not
SURE_NONE = {"XCL103", "XCL104", "XCL106"}


def airflow_versions(project: Path) -> List[int]:
    """Airflow 3 for every project; Airflow 2 too for those written with the imports both accept."""
    sources = "".join(p.read_text(encoding="utf-8") for p in project.rglob("*.py"))
    return [3] if "airflow.sdk" in sources else [2, 3]


AIRFLOW_RUNS = [(project, version) for project in project_dirs() for version in airflow_versions(project)]


@pytest.fixture(scope="module")
def airflows(tmp_path_factory: pytest.TempPathFactory) -> Dict[int, Airflow]:
    return {}


@pytest.mark.parametrize("project, version", AIRFLOW_RUNS, ids=[f"{p.name}/airflow{v}" for p, v in AIRFLOW_RUNS])
def test_expectations_hold_in_airflow(project: Path, version: int, airflows: Dict[int, Airflow],
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    if version not in airflows:
        python = airflow_python(version)  # skips (fails on CI) without that Airflow
        airflows[version] = Airflow(version, python, tmp_path_factory.mktemp(f"projects-airflow{version}"))
        airflows[version].migrate()
    airflow = airflows[version]
    # the DAGs call the AWS command line: a stand-in that prints a line
    tools = tmp_path_factory.mktemp("bin")
    (tools / "aws").write_text('#!/bin/sh\necho "aws $*"\n', encoding="utf-8")
    (tools / "aws").chmod(0o755)
    dags = project / ("src/dags" if (project / "src" / "dags").is_dir() else "dags")
    done = airflow.command([str(AIRFLOW_DRIVER), str(project), str(dags.relative_to(project))], {
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(project / "plugins"),
        "PYTHONPATH": "",
        "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    output = done.stdout + "\n" + done.stderr
    results = [json.loads(line.partition(" ")[2]) for line in done.stdout.splitlines() if line.startswith("XCOMLINT-RESULT ")]
    assert done.returncode == 0 and results, f"exit {done.returncode}\n{output[-6000:]}"
    result = results[-1]
    assert not result["import_errors"], result["import_errors"]
    assert result["runs"], "the project defines DAGs"

    pulls = [json.loads(line.partition(" ")[2]) for line in done.stdout.splitlines() if line.startswith("XCOMLINT-PULL ")]
    ci = [run for run in RUNS if run.project == project and run.mode == "ci"]
    assert ci, "the project has a ci run"
    flagged = {(f.path, f.line): f.code for f in ci[0].findings}
    exercised = set()
    broken = set()  # the DAGs where a flagged pull returned None: a task may fail on it
    for pull in pulls:
        described = f"{pull['dag_id']}.{pull['task_id']} pulled {pull['task_ids']!r}, key {pull['key']!r}: {pull['value']}"
        if pull["kind"] == "code":
            site = (pull["path"], pull["line"])
            code = flagged.get(site)
            if code in SURE_NONE:
                assert pull["none"], f"{site} is expected to be {code}, but {described}"
                exercised.add(site)
            elif code is None:
                assert not pull["none"], f"{site} is expected to be clean, but {described}"
            if code is not None and pull["none"]:
                broken.add(pull["dag_id"])
        elif pull["kind"] == "template" and pull["none"]:
            # a template pull is matched to the finding on the line that spells its arguments
            sites = [site for site, code in flagged.items() if code in SURE_NONE and all(
                f"'{value}'" in _line(project, site) or f'"{value}"' in _line(project, site)
                for value in (pull["task_ids"], pull["key"]) if value != "return_value")]
            assert sites, f"a template pull returned None with no finding expected for it: {described}"
            exercised.update(sites)
            broken.add(pull["dag_id"])
        elif pull["kind"] == "xcomarg":
            assert not pull["none"], described
    failed = {dag_id: run["state"] for dag_id, run in result["runs"].items()
              if run["state"] != "success" and dag_id not in broken}
    assert not failed, f"runs that failed with no flagged pull to blame: {failed}\n{output[-6000:]}"
    unexercised = [site for site, code in flagged.items() if code in SURE_NONE and site not in exercised]
    assert not unexercised, f"no pull ran at the expected findings {unexercised}: the runs prove nothing there"


def _line(project: Path, site: Tuple[str, int]) -> str:
    return (project / site[0]).read_text(encoding="utf-8").splitlines()[site[1] - 1]
