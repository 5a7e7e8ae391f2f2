"""A real LSP client for the language server's end-to-end tests: it starts
``python -m xcomlint server`` as a process and speaks JSON-RPC over its stdio.

It is pytest-lsp's client where pytest-lsp is installed (Python >= 3.10), else
pygls's own client (pytest-lsp builds on it) with the same few handlers: the
diagnostics, messages and log messages the server sends are kept for the test
to read. Waiting is by condition, with a deadline only so that a broken server
fails the test instead of hanging it: nothing here measures time.
"""

from __future__ import annotations

import asyncio
import copy
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from lsprotocol import types

DEADLINE_SECONDS = 60.0


def _pygls_client() -> Any:
    from pygls.lsp.client import LanguageClient

    class Client(LanguageClient):
        def __init__(self) -> None:
            super().__init__("xcomlint-tests", "1")
            self.diagnostics: Dict[str, Sequence[types.Diagnostic]] = {}
            self.messages: List[types.ShowMessageParams] = []
            self.log_messages: List[types.LogMessageParams] = []

        async def initialize_session(self, params: types.InitializeParams) -> types.InitializeResult:
            result = await self.initialize_async(params)
            self.initialized(types.InitializedParams())
            return result

        async def shutdown_session(self) -> None:
            await self.shutdown_async(None)
            self.exit(None)
            if self._server:
                await self._server.wait()

    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def show(params: types.ShowMessageParams) -> None:
        client.messages.append(params)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def log(params: types.LogMessageParams) -> None:
        client.log_messages.append(params)

    return client


def make_client() -> Any:
    try:
        from pytest_lsp import make_test_lsp_client
    except ImportError:  # Python 3.9: pytest-lsp needs 3.10
        return _pygls_client()
    return make_test_lsp_client()


CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            version_support=True, code_description_support=True,
            tag_support=types.ClientDiagnosticsTagOptions(value_set=[types.DiagnosticTag.Unnecessary])),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(
                    value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll])),
            is_preferred_support=True),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        definition=types.DefinitionClientCapabilities(),
        references=types.ReferenceClientCapabilities(),
    ),
    window=types.WindowClientCapabilities(),
)


class Session:
    """One server process and its client, with the few things tests do."""

    def __init__(self, client: Any, root: Path) -> None:
        self.client = client
        self.root = root
        self.versions: Dict[str, int] = {}
        self.capabilities: Optional[types.ServerCapabilities] = None  # what the server said it offers

    def uri(self, relative: str) -> str:
        return (self.root / relative).resolve().as_uri()

    def open(self, relative: str, text: Optional[str] = None) -> str:
        uri = self.uri(relative)
        text = (self.root / relative).read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return uri

    def change(self, uri: str, text: str) -> None:
        """The whole new text, as an edit of the buffer (unsaved)."""
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    async def diagnostics(self, uri: str, ready: Callable[[Sequence[types.Diagnostic]], bool]
                          ) -> Sequence[types.Diagnostic]:
        """The buffer's diagnostics, once ``ready`` accepts them."""
        await until(lambda: uri in self.client.diagnostics and ready(self.client.diagnostics[uri]))
        return self.client.diagnostics[uri]

    def position(self, uri: str, text: str, needle: str, offset: int = 1) -> types.TextDocumentPositionParams:
        """The place ``offset`` characters into the first ``needle`` of ``text``."""
        index = text.index(needle) + offset
        line = text.count("\n", 0, index)
        character = index - (text.rfind("\n", 0, index) + 1)
        return types.TextDocumentPositionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                                position=types.Position(line=line, character=character))


async def until(condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the server did not send what was expected")
        await asyncio.sleep(0.02)


async def start(root: Path, command: Sequence[str] = (sys.executable, "-m", "xcomlint", "server"),
                env: Optional[Dict[str, str]] = None, watches_files: bool = False) -> Session:
    """A server started with ``command`` in ``root`` (where the editor would start it), initialized.
    ``watches_files``: the client can watch files for the server, and keeps what it was asked to watch."""
    client = make_client()
    capabilities = CAPABILITIES
    client.registrations = []
    if watches_files:
        capabilities = copy.deepcopy(CAPABILITIES)
        capabilities.workspace = types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True))

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            client.registrations.extend(params.registrations)

    await client.start_io(command[0], *command[1:], cwd=str(root), env=dict(os.environ) if env is None else env)
    result = await client.initialize_session(types.InitializeParams(capabilities=capabilities,
                                                                    root_uri=root.resolve().as_uri()))
    session = Session(client, root)
    session.capabilities = result.capabilities
    return session


async def stop(session: Session) -> None:
    await session.client.shutdown_session()
    await session.client.stop()


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """What the editor makes of ``text`` with ``edits`` (LSP positions; the
    tests' texts are ASCII with ``\\n`` line breaks, so a character is a unit)."""
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        if position.line >= len(starts):
            return len(text)
        return min(starts[position.line] + position.character, len(text))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text
