"""``xcomlint server`` end to end: a real LSP client starts the server as a
process and speaks to it over stdio (tests/lsp_client.py), as an editor does."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Awaitable, Callable, List

from lsp_client import Session, apply_edits, start, stop, until
from lsprotocol import types

from xcomlint.docs import document_url

ETL = textwrap.dedent('''\
    from airflow import DAG
    from airflow.operators.python import PythonOperator


    def extract(ti):
        ti.xcom_push(key="orders_path", value="s3://bucket/orders.csv")


    def load(ti):
        path = ti.xcom_pull(task_ids="extract_orders", key="orders_pth")
        print(path)


    def report(ti):
        print(ti.xcom_pull("extract_orders", "orders_path"))
        print(ti.xcom_pull(task_ids="extract_orders", key="orders_path"))


    with DAG("orders_etl") as dag:
        extract_orders = PythonOperator(task_id="extract_orders", python_callable=extract)
        load_orders = PythonOperator(task_id="load_orders", python_callable=load)
        report_orders = PythonOperator(task_id="report_orders", python_callable=report)
        extract_orders >> load_orders >> report_orders
    ''')


def project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'dags'\n" + config, encoding="utf-8")
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(ETL, encoding="utf-8")
    return tmp_path


def run(root: Path, scenario: Callable[[Session], Awaitable[None]]) -> None:
    """Start a server in ``root``, play ``scenario`` against it, shut it down."""

    async def main() -> None:
        session = await start(root)
        try:
            await scenario(session)
        finally:
            await stop(session)

    asyncio.run(main())


def codes(diagnostics: Any) -> List[str]:
    return sorted(str(d.code) for d in diagnostics)


def test_diagnostics_follow_the_buffer_open_change_save_close(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        found = await session.diagnostics(uri, lambda d: len(d) > 0)
        assert codes(found) == ["XCL104", "XCL107"]
        typo = next(d for d in found if d.code == "XCL104")
        assert typo.source == "xcomlint"
        assert typo.code_description is not None and typo.code_description.href == document_url("XCL104")
        assert "'orders_pth'" in typo.message and "did you mean 'orders_path'" in typo.message
        line = ETL.splitlines()[typo.range.start.line]
        assert line[typo.range.start.character:typo.range.end.character] == '"orders_pth"'
        assert typo.severity in (types.DiagnosticSeverity.Error, types.DiagnosticSeverity.Warning)

        # typed, not saved: the buffer is linted, not the file
        fixed = ETL.replace('key="orders_pth"', 'key="orders_path"')
        session.change(uri, fixed)
        found = await session.diagnostics(uri, lambda d: codes(d) == ["XCL107"])
        broken = fixed.replace('path = ti.xcom_pull(task_ids="extract_orders"', 'path = ti.xcom_pull(task_ids="extract_order"')
        session.change(uri, broken)
        found = await session.diagnostics(uri, lambda d: "XCL103" in codes(d))
        assert codes(found) == ["XCL103", "XCL107"]
        assert (root / "dags" / "etl.py").read_text(encoding="utf-8") == ETL  # nothing was written

        # saved: linted again, the same text gives the same findings
        (root / "dags" / "etl.py").write_text(broken, encoding="utf-8")
        session.client.diagnostics.pop(uri)
        session.save(uri)
        found = await session.diagnostics(uri, lambda d: True)
        assert codes(found) == ["XCL103", "XCL107"]

        session.close(uri)
        await session.diagnostics(uri, lambda d: len(d) == 0)

    run(root, scenario)


def test_a_burst_of_edits_ends_with_the_last_text(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        await session.diagnostics(uri, lambda d: len(d) > 0)
        text = ETL
        for _ in range(5):  # each edit undoes the one before: only the last one counts
            text = text.replace('key="orders_pth"', 'key="orders_path"')
            session.change(uri, text)
            text = text.replace('key="orders_path")\n        print(path)', 'key="orders_pth")\n        print(path)')
            session.change(uri, text)
        session.change(uri, ETL.replace('key="orders_pth"', 'key="orders_path"'))
        await session.diagnostics(uri, lambda d: codes(d) == ["XCL107"])

    run(root, scenario)


def test_the_configuration_of_the_file_applies(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.xcomlint]\nignore = ['XCL107']\n")

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        found = await session.diagnostics(uri, lambda d: len(d) > 0)
        assert codes(found) == ["XCL104"]

    run(root, scenario)


def test_a_syntax_error_is_a_diagnostic(tmp_path: Path) -> None:
    root = project(tmp_path)
    broken = ETL.replace("def load(ti):", "def load(ti)")

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py", broken)
        found = await session.diagnostics(uri, lambda d: len(d) > 0)
        assert codes(found) == ["XCL001"]
        assert found[0].range.start.line == broken.splitlines().index("def load(ti)")
        # the server goes on: navigation finds nothing, hover says nothing
        place = session.position(uri, broken, '"orders_pth"')
        assert await session.client.text_document_hover_async(types.HoverParams(
            text_document=place.text_document, position=place.position)) is None
        session.change(uri, ETL)
        await session.diagnostics(uri, lambda d: codes(d) == ["XCL104", "XCL107"])

    run(root, scenario)


def test_a_configuration_error_is_a_message_not_a_crash(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.xcomlint]\nslect = ['XCL1']\n")

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        await until(lambda: len(session.client.messages) > 0)
        [message] = session.client.messages
        assert message.type == types.MessageType.Error
        assert "pyproject.toml:4" in message.message and "slect" in message.message
        assert "did you mean 'select'" in message.message
        await session.diagnostics(uri, lambda d: len(d) == 0)
        # typing does not repeat the message
        session.change(uri, ETL + "\n")
        session.change(uri, ETL)
        actions = await session.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=30, character=0)),
            context=types.CodeActionContext(diagnostics=[])))
        assert not actions
        assert len(session.client.messages) == 1
        # the configuration mended and saved: the file is linted with it
        (root / "pyproject.toml").write_text("[project]\nname = 'dags'\n[tool.xcomlint]\nselect = ['XCL1']\n",
                                             encoding="utf-8")
        session.save(session.uri("pyproject.toml"))
        found = await session.diagnostics(uri, lambda d: len(d) > 0)
        assert codes(found) == ["XCL104", "XCL107"]

    run(root, scenario)


def test_a_configuration_changed_on_disk_applies_when_the_client_says_so(tmp_path: Path) -> None:
    """An editor that sends the server only Python buffers still reports changed
    files it was asked to watch: the configuration's among them."""
    root = project(tmp_path)

    async def main() -> None:
        session = await start(root, watches_files=True)
        try:
            await until(lambda: len(session.client.registrations) > 0)
            [registration] = session.client.registrations
            assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            patterns = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
            assert "**/pyproject.toml" in patterns and "**/*.py" in patterns
            uri = session.open("dags/etl.py")
            await session.diagnostics(uri, lambda d: codes(d) == ["XCL104", "XCL107"])
            (root / "pyproject.toml").write_text("[project]\nname = 'dags'\n[tool.xcomlint]\nignore = ['XCL104']\n",
                                                 encoding="utf-8")
            session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
                types.FileEvent(uri=session.uri("pyproject.toml"), type=types.FileChangeType.Changed)]))
            await session.diagnostics(uri, lambda d: codes(d) == ["XCL107"])
        finally:
            await stop(session)

    asyncio.run(main())


def test_without_pygls_the_command_says_what_to_install(tmp_path: Path) -> None:
    # a Python that cannot import pygls: a module of that name that fails to import, first on the path
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    import os

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    result = subprocess.run([sys.executable, "-m", "xcomlint", "server"], capture_output=True, text=True,
                            env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 2
    # the packages themselves: xcomlint is not on PyPI, so "xcomlint[server]" would not resolve
    prefix = "xcomlint: error: the language server needs the 'pygls' package, which is not installed: pip install "
    message = result.stderr.strip()
    assert message.startswith(prefix) and "\n" not in message
    # the server extra's requirements, however the build backend spelled them in the metadata
    from packaging.requirements import Requirement

    asked = {(r.name, r.specifier) for r in map(Requirement, shlex.split(message[len(prefix):]))}
    assert asked == {(r.name, r.specifier) for r in map(Requirement, ["pygls>=2.1,<3", "lsprotocol>=2025.0.0"])}


async def actions_at(session: Session, uri: str, text: str, needle: str,
                     only: Any = None) -> List[types.CodeAction]:
    place = session.position(uri, text, needle, 0)
    end = types.Position(line=place.position.line, character=place.position.character + len(needle))
    found = await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=place.text_document, range=types.Range(start=place.position, end=end),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return [action for action in found or [] if isinstance(action, types.CodeAction)]


def edited(action: types.CodeAction, uri: str, text: str) -> str:
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes) == [uri]
    return apply_edits(text, action.edit.changes[uri])


def test_quick_fixes_noqa_and_fix_all(tmp_path: Path) -> None:
    root = project(tmp_path)
    positional = 'ti.xcom_pull("extract_orders", "orders_path")'

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        await session.diagnostics(uri, lambda d: len(d) > 0)

        # a safe fix: offered, preferred, and what --fix writes
        actions = await actions_at(session, uri, ETL, positional)
        titles = [action.title for action in actions]
        assert titles == ["Pass task_ids and key by keyword (XCL107)", "Add '# noqa: XCL107' to line 15 (XCL107)",
                          "Fix all xcomlint findings (1 fix)"]
        fix, noqa, _ = actions
        assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
        assert [d.code for d in fix.diagnostics or []] == ["XCL107"]
        fixed = edited(fix, uri, ETL)
        assert fixed == ETL.replace(positional, 'ti.xcom_pull(task_ids="extract_orders", key="orders_path")')
        assert edited(noqa, uri, ETL) == ETL.replace(positional + ")", positional + ")  # noqa: XCL107")

        # an unsafe fix (a typo is a guess) is not offered unless configured
        actions = await actions_at(session, uri, ETL, '"orders_pth"', only=[types.CodeActionKind.QuickFix])
        assert [action.title for action in actions] == ["Add '# noqa: XCL104' to line 10 (XCL104)"]
        silenced = edited(actions[0], uri, ETL)
        session.change(uri, silenced)
        await session.diagnostics(uri, lambda d: codes(d) == ["XCL107"])

        # fix-all: the buffer as --fix leaves it, as one edit
        session.change(uri, ETL)
        await session.diagnostics(uri, lambda d: codes(d) == ["XCL104", "XCL107"])
        [everything] = await actions_at(session, uri, ETL, "from airflow", only=["source.fixAll"])
        assert everything.kind == "source.fixAll.xcomlint"
        assert edited(everything, uri, ETL) == fixed
        assert await actions_at(session, uri, ETL, "from airflow", only=["source.organizeImports"]) == []

    run(root, scenario)


def test_unsafe_fixes_when_configured_and_unfixable_rules(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.xcomlint]\nunsafe-fixes = true\nunfixable = ['XCL107']\n")

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        await session.diagnostics(uri, lambda d: len(d) > 0)
        actions = await actions_at(session, uri, ETL, '"orders_pth"', only=[types.CodeActionKind.QuickFix])
        assert [action.title for action in actions] == [
            "Replace 'orders_pth' with 'orders_path' (unsafe) (XCL104)", "Add '# noqa: XCL104' to line 10 (XCL104)"]
        assert not actions[0].is_preferred
        typo_fixed = ETL.replace('key="orders_pth"', 'key="orders_path"')
        assert edited(actions[0], uri, ETL) == typo_fixed
        # XCL107's fix is off: only its noqa is offered, and fix-all leaves it
        actions = await actions_at(session, uri, ETL, 'ti.xcom_pull("extract_orders", "orders_path")')
        assert [action.title for action in actions] == ["Add '# noqa: XCL107' to line 15 (XCL107)",
                                                        "Fix all xcomlint findings (1 fix)"]
        [everything] = await actions_at(session, uri, ETL, "from airflow", only=["source.fixAll.xcomlint"])
        assert edited(everything, uri, ETL) == typo_fixed

    run(root, scenario)


def _range_text(text: str, location: types.Location) -> str:
    lines = text.splitlines()
    start, end = location.range.start, location.range.end
    if start.line == end.line:
        return lines[start.line][start.character:end.character]
    return "\n".join([lines[start.line][start.character:], *lines[start.line + 1:end.line],
                      lines[end.line][:end.character]])


async def definition(session: Session, uri: str, text: str, needle: str, offset: int = 1) -> List[types.Location]:
    place = session.position(uri, text, needle, offset)
    found = await session.client.text_document_definition_async(types.DefinitionParams(
        text_document=place.text_document, position=place.position))
    return list(found or [])


async def references(session: Session, uri: str, text: str, needle: str, offset: int = 1) -> List[types.Location]:
    place = session.position(uri, text, needle, offset)
    found = await session.client.text_document_references_async(types.ReferenceParams(
        text_document=place.text_document, position=place.position,
        context=types.ReferenceContext(include_declaration=False)))
    return list(found or [])


async def hover(session: Session, uri: str, text: str, needle: str, offset: int = 1) -> str:
    place = session.position(uri, text, needle, offset)
    found = await session.client.text_document_hover_async(types.HoverParams(
        text_document=place.text_document, position=place.position))
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    return found.contents.value


def test_navigation_in_one_dag_file(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py")
        await session.diagnostics(uri, lambda d: len(d) > 0)
        # from a pull's key to the push of that key; from its task id to the task
        [push] = await definition(session, uri, ETL, 'key="orders_path"))', 6)
        assert push.uri == uri and _range_text(ETL, push).startswith('ti.xcom_push(key="orders_path"')
        [task] = await definition(session, uri, ETL, '"extract_orders", key="orders_pth"')
        assert _range_text(ETL, task).startswith('PythonOperator(task_id="extract_orders"')
        # a key the task never pushes: the task itself
        [fallback] = await definition(session, uri, ETL, '"orders_pth"')
        assert fallback == task
        # outside any pull: nothing
        assert await definition(session, uri, ETL, "print(path)") == []

        # from a task or a push to the pulls that read it
        readers = await references(session, uri, ETL, 'PythonOperator(task_id="extract_orders"')
        assert [_range_text(ETL, r) for r in readers] == ['"extract_orders"', '"extract_orders"']
        # line 15's positional pull reads DAG 'orders_path' (XCL107), not this one
        assert [r.range.start.line for r in readers] == [9, 15]
        [reader] = await references(session, uri, ETL, 'ti.xcom_push(key="orders_path"')
        assert reader.range.start.line == 15  # line 10 reads a key never pushed
        assert await definition(session, uri, ETL, 'ti.xcom_pull("extract_orders"') == []

        text = await hover(session, uri, ETL, '"orders_pth"')
        assert "**XCom pull** of key `orders_pth` (xcom_pull) in DAG `orders_etl`, by `load_orders`" in text
        assert "- `extract_orders` (PythonOperator): pushes `orders_path` (xcom_push); upstream of `load_orders`" in text
        assert "XCL104 pull-unknown-key: task 'extract_orders' never pushes key 'orders_pth'" in text
        text = await hover(session, uri, ETL, 'PythonOperator(task_id="extract_orders"')
        assert text.startswith("**Task** `extract_orders` (PythonOperator) in DAG `orders_etl`: pushes `orders_path`")
        assert "- read by `load_orders`: key `orders_pth` (xcom_pull)" in text
        assert "- read by `report_orders`: key `orders_path` (xcom_pull)" in text
        text = await hover(session, uri, ETL, 'PythonOperator(task_id="report_orders"')
        assert "- no pull in the DAG reads it" in text

    run(root, scenario)


def test_a_pull_from_a_task_that_is_not_upstream(tmp_path: Path) -> None:
    root = project(tmp_path)
    reversed_order = ETL.replace("extract_orders >> load_orders >> report_orders",
                                 "load_orders >> extract_orders\n    extract_orders >> report_orders")

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py", reversed_order)
        await session.diagnostics(uri, lambda d: "XCL102" in codes(d))
        text = await hover(session, uri, reversed_order, '"extract_orders", key="orders_pth"')
        assert "**not upstream** of `load_orders`" in text

    run(root, scenario)


HELPERS = textwrap.dedent('''\
    def produce(ti):
        ti.xcom_push(key="orders_path", value="s3://bucket/orders.csv")


    def consume(ti):
        return ti.xcom_pull(task_ids="extract_orders", key="orders_path")
    ''')

PROJECT_DAG = textwrap.dedent('''\
    from airflow import DAG
    from airflow.operators.python import PythonOperator

    from include.helpers import consume, produce


    def check(ti):
        return ti.xcom_pull(task_ids="extract_orders", key="orders_pth"), ti.xcom_pull(
            task_ids="extract_orders", key="orders_path")


    with DAG("orders_etl") as dag:
        extract = PythonOperator(task_id="extract_orders", python_callable=produce)
        load = PythonOperator(task_id="load_orders", python_callable=consume)
        checked = PythonOperator(task_id="check_orders", python_callable=check)
        extract >> load >> checked
    ''')


def test_navigation_across_the_modules_of_a_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'dags'\n", encoding="utf-8")
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(PROJECT_DAG, encoding="utf-8")

    async def scenario(session: Session) -> None:
        dag = session.open("dags/etl.py")
        helpers = session.uri("include/helpers.py")
        # the producer's push is in the helper: the typo is found through it
        found = await session.diagnostics(dag, lambda d: len(d) > 0)
        assert codes(found) == ["XCL104"]
        [push] = await definition(session, dag, PROJECT_DAG, '"orders_pth"')
        assert push.uri == dag  # no push of that key: the task
        [task] = await definition(session, dag, PROJECT_DAG, '"extract_orders", key')
        assert _range_text(PROJECT_DAG, task).startswith('PythonOperator(task_id="extract_orders"')
        readers = await references(session, dag, PROJECT_DAG, 'PythonOperator(task_id="extract_orders"')
        assert sorted((r.uri, r.range.start.line) for r in readers) == [(dag, 7), (dag, 8), (helpers, 5)]
        # the push of a key the DAG file pulls is made in the helper
        [push] = await definition(session, dag, PROJECT_DAG, '"orders_path")', 3)
        assert (push.uri, push.range.start.line) == (helpers, 1)
        assert _range_text(HELPERS, push).startswith('ti.xcom_push(key="orders_path"')
        # from a pull: every pull that reads the same key of the same task, this one included
        same = await references(session, dag, PROJECT_DAG, '"orders_path")', 3)
        assert sorted((r.uri, r.range.start.line) for r in same) == [(dag, 8), (helpers, 5)]
        text = await hover(session, dag, PROJECT_DAG, '"orders_pth"')
        assert "- `extract_orders` (PythonOperator): pushes `orders_path` (xcom_push); upstream of `check_orders`" in text
        assert [_range_text(HELPERS, r) for r in readers if r.uri == helpers] == ['"extract_orders"']
        text = await hover(session, dag, PROJECT_DAG, 'PythonOperator(task_id="extract_orders"')
        assert "pushes `orders_path` (xcom_push)" in text and "- read by `load_orders`: key `orders_path`" in text

        # in the helper, linted on its own: its pull leads to the task of the DAG that runs it
        session.open("include/helpers.py")
        [task] = await definition(session, helpers, HELPERS, '"extract_orders", key')
        assert task.uri == dag and _range_text(PROJECT_DAG, task).startswith('PythonOperator(task_id="extract_orders"')
        [push] = await definition(session, helpers, HELPERS, '"orders_path")', 3)
        assert (push.uri, push.range.start.line) == (helpers, 1)
        assert _range_text(HELPERS, push).startswith('ti.xcom_push(key="orders_path"')
        text = await hover(session, helpers, HELPERS, 'ti.xcom_pull')
        assert "in DAG `orders_etl`, by `load_orders`" in text and "upstream of `load_orders`" in text
        readers = await references(session, helpers, HELPERS, 'ti.xcom_push')
        assert sorted((r.uri, r.range.start.line) for r in readers) == [(dag, 8), (helpers, 5)]

    run(tmp_path, scenario)


def test_incremental_edits_and_utf16_columns(tmp_path: Path) -> None:
    """Editors send the changed range only; positions count UTF-16 code units (LSP's default),
    so a character outside the Basic Multilingual Plane counts twice."""
    root = project(tmp_path)
    wide = ETL.replace('path = ti.xcom_pull(task_ids="extract_orders", key="orders_pth")',
                       'path = "🙂" and ti.xcom_pull(task_ids="extract_orders", key="orders_pth")')

    async def scenario(session: Session) -> None:
        uri = session.open("dags/etl.py", wide)
        found = await session.diagnostics(uri, lambda d: len(d) > 0)
        typo = next(d for d in found if d.code == "XCL104")
        line = wide.splitlines()[typo.range.start.line]
        in_code_points = line.index('"orders_pth"')
        assert typo.range.start.character == in_code_points + 1  # the emoji is two UTF-16 units
        assert typo.range.end.character == in_code_points + 1 + len('"orders_pth"')
        # the editor replaces the key's text, given in the same units
        session.versions[uri] += 1
        session.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=session.versions[uri]),
            content_changes=[types.TextDocumentContentChangePartial(range=typo.range, text='"orders_path"')]))
        await session.diagnostics(uri, lambda d: codes(d) == ["XCL107"])
        # and asks for the hover of that pull at the same units
        place = types.Position(line=typo.range.start.line, character=typo.range.start.character + 2)
        shown = await session.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=place))
        assert shown is not None and "of key `orders_path`" in shown.contents.value

    run(root, scenario)
