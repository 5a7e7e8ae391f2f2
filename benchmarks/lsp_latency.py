"""Measure the language server's latency: from an edit of a buffer to its diagnostics.

    python benchmarks/lsp_latency.py [--lines N] [--edits E]

Writes a DAG file of at least N lines (1,000 by default: 56 PythonOperator tasks,
each with a callable that pushes a key, pulls the key of the task before it
and returns a mapping) into a temporary project, starts ``python -m xcomlint
server`` there and speaks to it over stdio with pygls's LSP client, as an editor
does. The file is opened and linted once (the warm-up: libcst imported, the
configuration read), then E edits (20 by default) are sent one at a time, each
making a typo in one pull's key or undoing it; the time counted is from sending
``textDocument/didChange`` to receiving the ``publishDiagnostics`` of that
version (the server's pause for typing, ``DEBOUNCE_SECONDS``, included). Each
edit's diagnostics are checked to be the ones its text must have. It prints the
median, 90th percentile and maximum; it asserts no timings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Dict, List, Tuple

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from xcomlint.server.linting import Linter

TASK = textwrap.dedent('''\


    def step_{n}(ti):
        """Step {n}: read what step {p} left, add to it and hand it on."""
        previous = ti.xcom_pull(task_ids="step_{p}", key="{key}")
        rows = []
        for index in range(10):
            rows.append({{"index": index, "step": {n}, "previous": previous}})
        total = len(rows)
        if total > 5:
            print("step {n}: more than five rows")
        else:
            print("step {n}: few rows")
        summary = {{"rows": total, "step": {n}}}
        print(summary)
        ti.xcom_push(key="rows_{n}", value=total)
        return summary
    ''')


def dag_source(lines: int) -> Tuple[str, int]:
    """The DAG file's text, at least ``lines`` lines long, and its number of tasks."""
    count = 2
    while True:
        text = _dag_of(count)
        if text.count("\n") >= lines:
            return text, count
        count += 1


def _dag_of(count: int) -> str:
    parts = ["from airflow import DAG\nfrom airflow.operators.python import PythonOperator\n"]
    # the first task has no task before it to read from
    first = TASK.format(n=0, p=0, key="rows_0")
    without_pull = first.replace('    previous = ti.xcom_pull(task_ids="step_0", key="rows_0")\n', "    previous = None\n")
    assert without_pull != first
    parts.append(without_pull)
    for n in range(1, count):
        parts.append(TASK.format(n=n, p=n - 1, key=f"rows_{n - 1}"))
    parts.append('\n\nwith DAG("latency") as dag:\n')
    for n in range(count):
        parts.append(f'    step_{n}_task = PythonOperator(task_id="step_{n}", python_callable=step_{n})\n')
    parts.append("    " + " >> ".join(f"step_{n}_task" for n in range(count)) + "\n")
    return "".join(parts)


def edited_text(text: str, version: int, tasks: int) -> Tuple[str, bool]:
    """Edit ``version``: a typo in one pull's key (even versions) or none, and whether it has the typo."""
    step = 1 + (version % (tasks - 1))
    typo = version % 2 == 0
    key = f"rows_{step - 1}"
    if not typo:
        return text, False
    return text.replace(f'task_ids="step_{step - 1}", key="{key}"', f'task_ids="step_{step - 1}", key="{key}x"'), True


def _project_with(root: Path, text: str) -> Path:
    """A project in ``root`` whose DAG file holds ``text``: the file's path."""
    (root / "pyproject.toml").write_text("[project]\nname = 'latency'\n", encoding="utf-8")
    (root / "dags").mkdir()
    path = root / "dags" / "latency.py"
    path.write_text(text, encoding="utf-8")
    return path


def lint_in_process(text: str, tasks: int, edits: int) -> Tuple[List[float], List[float]]:
    """Wall and CPU seconds of each edit's lint, linted as the server lints a buffer."""
    with tempfile.TemporaryDirectory() as folder:
        path = _project_with(Path(folder), text)
        linter = Linter()
        linter.lint(str(path), text)  # warm
        wall: List[float] = []
        cpu: List[float] = []
        for version in range(2, edits + 2):
            edited, typo = edited_text(text, version, tasks)
            started, started_cpu = time.perf_counter(), time.process_time()
            found = linter.lint(str(path), edited).findings
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert [f.code for f in found] == (["XCL104"] if typo else []), found
        return wall, cpu


async def measure(text: str, tasks: int, edits: int) -> List[float]:
    with tempfile.TemporaryDirectory() as folder:
        path = _project_with(Path(folder), text)
        uri = path.as_uri()

        client = LanguageClient("xcomlint-latency", "1")
        arrived: Dict[int, Tuple[float, List[str]]] = {}

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                arrived[params.version] = (time.perf_counter(), sorted(str(d.code) for d in params.diagnostics))

        await client.start_io(sys.executable, "-m", "xcomlint", "server", cwd=folder, env=dict(os.environ))
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)))))
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        await _wait(arrived, 1)
        assert arrived[1][1] == [], f"the generated DAG should have no finding: {arrived[1][1]}"

        latencies: List[float] = []
        for version in range(2, edits + 2):
            edited, typo = edited_text(text, version, tasks)
            sent = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
            await _wait(arrived, version)
            received, found = arrived[version]
            assert found == (["XCL104"] if typo else []), f"edit {version}: {found}"
            latencies.append(received - sent)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return latencies


async def _wait(arrived: Dict[int, Tuple[float, List[str]]], version: int) -> None:
    deadline = time.perf_counter() + 120
    while version not in arrived:
        if time.perf_counter() > deadline:
            raise SystemExit(f"no diagnostics for version {version} within 120 s")
        await asyncio.sleep(0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1000, help="about how many lines the DAG file has")
    parser.add_argument("--edits", type=int, default=20, help="how many edits to time")
    args = parser.parse_args()
    text, tasks = dag_source(args.lines)
    ms = sorted(1000 * value for value in asyncio.run(measure(text, tasks, args.edits)))
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    print(f"{text.count(chr(10))} lines, {tasks} tasks, {len(ms)} edits: edit to diagnostics median "
          f"{statistics.median(ms):.0f} ms, 90th percentile {p90:.0f} ms, max {ms[-1]:.0f} ms")
    wall, cpu = lint_in_process(text, tasks, args.edits)
    print(f"one lint in process: median {1000 * statistics.median(wall):.0f} ms wall, "
          f"{1000 * statistics.median(cpu):.0f} ms CPU")


if __name__ == "__main__":
    main()
