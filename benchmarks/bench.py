"""Measure ``xcomlint check`` against the floor: libcst parsing every file once.

    python benchmarks/bench.py [--corpus DIR] [--repeat N] [--scaling K]

Without ``--corpus`` the corpus of real Airflow example DAGs is built into a
temporary directory with the shared corpus script (``--build-script``; set
WHEELHOUSE to reuse downloaded wheels). Every configuration runs as its own
process (``python -m xcomlint check``), so start-up and imports count, as they
do for a user. Configurations are interleaved within each repetition so that
a noisy neighbour slows all of them alike; the table shows medians.

- floor: one process imports libcst and parses every ``*.py`` file once;
- before the timed runs, one untimed run of each (file and bytecode caches);
- cold: an empty cache directory (the first run, writing the cache);
- warm: the same tree again, nothing changed;
- peak memory: the maximum resident set of the largest process of a run
  (``os.wait4``; a pool's workers are waited for by the run itself);
- CPU: user + system time of the run and its workers, steadier than wall
  time on a shared machine.

``--scaling K`` also lints the corpus copied K times (cold, ``--jobs 1``,
``--no-cache``) to show whether peak memory grows with the number of files.
The three xcomlint outputs are compared: a table is printed only if cold,
parallel and warm runs report the same findings.

``--repository DIR`` measures a whole repository as its team runs xcomlint
on it, from its root (a copy of it, in a temporary directory), with the
project's own modules followed:

- whole tree cold ``--jobs 2``: CI on a fresh machine;
- one DAG file alone, ``--no-cache``: pre-commit passing one changed DAG
  file (the DAG file whose model reads the median number of project modules,
  and the one that reads the most);
- warm after one change: the whole tree again with the cache, after the
  project module most DAG files import was edited. A code edit (a statement
  appended) lints that module and every DAG file that reads it again; a
  comment edit (a comment appended) lints the module again, and the DAG files
  keep their entries (their code is the same).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_BUILD_SCRIPT = REPOSITORY.parent / "shared" / "corpus" / "build_pypi_corpus.sh"

FLOOR = """
import os, sys
import libcst
paths = sorted(os.path.join(root, name) for root, _, names in os.walk(sys.argv[1])
               for name in names if name.endswith(".py"))
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        libcst.parse_module(data)
    except Exception:
        pass
print(len(paths))
"""


@dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    max_rss_kib: int
    stdout: bytes


def run_measured(command: Sequence[str], env: Dict[str, str], cwd: str) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    assert process.stdout is not None
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Sample(seconds, usage.ru_utime + usage.ru_stime, rss, stdout)


def build_corpus(script: Path, target: Path) -> None:
    if not script.is_file():
        raise SystemExit(f"corpus script not found: {script} (pass --corpus DIR or --build-script FILE)")
    print(f"building the corpus with {script.name} ...", file=sys.stderr)
    subprocess.run(["bash", str(script), str(target)], check=True, stdout=subprocess.DEVNULL)


def xcomlint(corpus: str, *options: str) -> List[str]:
    return [sys.executable, "-m", "xcomlint", "check", corpus, "--format", "json", "--exit-zero", *options]


def median_sample(samples: List[Sample]) -> Sample:
    middle = sorted(samples, key=lambda s: s.seconds)[len(samples) // 2]
    return Sample(
        statistics.median(s.seconds for s in samples),
        statistics.median(s.cpu_seconds for s in samples),
        max(s.max_rss_kib for s in samples),
        middle.stdout,
    )


def warm_up(corpus: str, env: Dict[str, str], work: Path) -> None:
    """One untimed run of each program: the OS caches the corpus, and Python
    writes the bytecode caches a normal install has (an editable install run
    with PYTHONDONTWRITEBYTECODE would otherwise recompile xcomlint every time)."""
    bytecode_env = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    run_measured([sys.executable, "-c", FLOOR, corpus], bytecode_env, str(work))
    cache = work / "cache-warm-up"
    run_measured(xcomlint(corpus, "--jobs", "2"), dict(bytecode_env, XCOMLINT_CACHE_DIR=str(cache)), str(work))
    shutil.rmtree(cache, ignore_errors=True)


def measure(corpus: str, repeat: int, work: Path) -> Dict[str, Sample]:
    env = dict(os.environ)
    env.pop("XCOMLINT_CACHE_DIR", None)
    warm_up(corpus, env, work)
    samples: Dict[str, List[Sample]] = {name: [] for name in ("floor", "cold -j1", "cold -j2", "warm -j1", "warm -j2")}
    for index in range(repeat):
        print(f"repetition {index + 1}/{repeat}", file=sys.stderr)
        samples["floor"].append(run_measured([sys.executable, "-c", FLOOR, corpus], env, str(work)))
        for jobs in ("1", "2"):
            cache = work / f"cache-{index}-{jobs}"
            shutil.rmtree(cache, ignore_errors=True)
            run_env = dict(env, XCOMLINT_CACHE_DIR=str(cache))
            samples[f"cold -j{jobs}"].append(run_measured(xcomlint(corpus, "--jobs", jobs), run_env, str(work)))
            samples[f"warm -j{jobs}"].append(run_measured(xcomlint(corpus, "--jobs", jobs), run_env, str(work)))
            shutil.rmtree(cache, ignore_errors=True)
    return {name: median_sample(runs) for name, runs in samples.items()}


def scaling(corpus: str, copies: int, work: Path) -> Dict[int, Sample]:
    """Cold, serial, uncached peak memory for the corpus and for ``copies`` copies of it."""
    results: Dict[int, Sample] = {}
    for count in (1, copies):
        tree = work / f"copies-{count}"
        shutil.rmtree(tree, ignore_errors=True)
        for index in range(count):
            shutil.copytree(corpus, tree / f"copy{index}")
        results[count] = run_measured(xcomlint(str(tree), "--jobs", "1", "--no-cache"), dict(os.environ), str(work))
        shutil.rmtree(tree, ignore_errors=True)
    return results


def repository_files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*.py") if ".git" not in p.parts)


def dag_files_by_dependencies(root: Path) -> List[Path]:
    """The DAG files whose models read project modules, from those reading the
    fewest to those reading the most (what the one-file runs lint)."""
    sys.path.insert(0, str(REPOSITORY))
    from xcomlint.model import build_file_model
    from xcomlint.project import project_for
    from xcomlint.project.resolution import ABSENT
    from xcomlint.settings import Settings

    project = project_for(Settings(), [str(root)])
    found: List[tuple] = []
    for path in repository_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "airflow" not in text.lower() or "dag" not in text.lower():
            continue
        try:
            model = build_file_model(str(path), text, project=project)
        except Exception:
            continue
        modules = [path for path, digest in model.dependencies if digest != ABSENT]  # not where none is
        if model.real_dags and modules:
            found.append((len(modules), str(path)))
    return [Path(path) for _, path in sorted(found)]


def most_read_module(root: Path) -> Optional[Path]:
    sys.path.insert(0, str(REPOSITORY))
    from xcomlint.project import project_for
    from xcomlint.project.importers import imported_files
    from xcomlint.settings import Settings

    project = project_for(Settings(), [str(root)])
    counts: Dict[str, int] = {}
    for path in repository_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "airflow" in text.lower():
            for imported in imported_files(text, str(path), project):
                counts[imported] = counts.get(imported, 0) + 1
    return Path(max(counts, key=lambda k: counts[k])) if counts else None


def measure_repository(source: Path, repeat: int, work: Path) -> Dict[str, Sample]:
    root = work / "repository"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".git"))
    if not (root / "pyproject.toml").exists():
        (root / ".git").mkdir()  # the checkout's root, as its .git folder marks it
    dag_files = dag_files_by_dependencies(root)
    module = most_read_module(root)
    if not dag_files or module is None:
        raise SystemExit(f"{source}: no DAG file reads a module of the project")
    typical, largest = dag_files[len(dag_files) // 2], dag_files[-1]
    print(f"one file: {typical.relative_to(root)} (median), {largest.relative_to(root)} (most modules); "
          f"one change: {module.relative_to(root)}", file=sys.stderr)
    env = dict(os.environ)
    env.pop("XCOMLINT_CACHE_DIR", None)
    warm_up(str(root), env, work)
    original = module.read_bytes()
    samples: Dict[str, List[Sample]] = {name: [] for name in (
        "floor", "whole tree cold -j2", "one DAG file --no-cache (median modules)",
        "one DAG file --no-cache (most modules)", "warm after a code change -j2",
        "warm after a comment change -j2")}
    for index in range(repeat):
        print(f"repetition {index + 1}/{repeat}", file=sys.stderr)
        samples["floor"].append(run_measured([sys.executable, "-c", FLOOR, str(root)], env, str(root)))
        cache = work / f"cache-{index}"
        shutil.rmtree(cache, ignore_errors=True)
        run_env = dict(env, XCOMLINT_CACHE_DIR=str(cache))
        samples["whole tree cold -j2"].append(run_measured(xcomlint(".", "--jobs", "2"), run_env, str(root)))
        for label, dag_file in (("median modules", typical), ("most modules", largest)):
            samples[f"one DAG file --no-cache ({label})"].append(
                run_measured(xcomlint(str(dag_file.relative_to(root)), "--no-cache"), env, str(root)))
        for label, edit in (("code", f"\n_EDITED_BY_THE_BENCHMARK = {index}\n"), ("comment", f"\n# edit {index}\n")):
            module.write_bytes(original)
            run_measured(xcomlint(".", "--jobs", "2"), run_env, str(root))  # warm again before the edit
            module.write_bytes(original + edit.encode())
            samples[f"warm after a {label} change -j2"].append(
                run_measured(xcomlint(".", "--jobs", "2"), run_env, str(root)))
        module.write_bytes(original)
        shutil.rmtree(cache, ignore_errors=True)
    return {name: median_sample(runs) for name, runs in samples.items()}


def table(results: Dict[str, Sample], files: int) -> str:
    floor = results["floor"]
    lines = [
        f"| run ({files} files) | seconds | / floor | CPU seconds | CPU / floor | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, sample in results.items():
        label = "floor: libcst parses every file" if name == "floor" else f"xcomlint check {name}"
        lines.append(
            f"| {label} | {sample.seconds:.2f} | {sample.seconds / floor.seconds:.2f} | "
            f"{sample.cpu_seconds:.2f} | {sample.cpu_seconds / floor.cpu_seconds:.2f} | "
            f"{sample.max_rss_kib / 1024:.0f} MiB |"
        )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="an existing corpus directory (default: build one in a temporary directory)")
    parser.add_argument("--build-script", type=Path, default=DEFAULT_BUILD_SCRIPT,
                        help="the corpus script (default: shared/corpus/build_pypi_corpus.sh beside the repository)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per configuration (default: 3)")
    parser.add_argument("--scaling", type=int, default=0, metavar="K",
                        help="also measure peak memory on K copies of the corpus")
    parser.add_argument("--repository", type=Path,
                        help="measure a whole repository instead (see the module's documentation)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xcomlint-bench-") as temporary:
        work = Path(temporary)
        if options.repository is not None:
            found = measure_repository(options.repository.resolve(), options.repeat, work)
            count = len(repository_files(work / "repository"))
            print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {options.repeat}\n")
            print(table(found, count))
            return 0
        corpus = options.corpus
        if corpus is None:
            corpus = str(work / "corpus")
            build_corpus(options.build_script, Path(corpus))
        corpus = os.path.abspath(corpus)
        files = sum(1 for _, _, names in os.walk(corpus) for name in names if name.endswith(".py"))
        results = measure(corpus, options.repeat, work)
        outputs = {name: sample.stdout for name, sample in results.items() if name != "floor"}
        if len(set(outputs.values())) != 1:
            print("error: the runs disagree on the findings:", file=sys.stderr)
            for name, output in outputs.items():
                print(f"  {name}: {len(output)} bytes", file=sys.stderr)
            return 1
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {options.repeat}\n")
        print(table(results, files))
        if options.scaling > 1:
            grown = scaling(corpus, options.scaling, work)
            print("\n| cold -j1 --no-cache | files | seconds | peak memory |\n|---|---:|---:|---:|")
            for count, sample in grown.items():
                print(f"| corpus x{count} | {files * count} | {sample.seconds:.2f} | {sample.max_rss_kib / 1024:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
