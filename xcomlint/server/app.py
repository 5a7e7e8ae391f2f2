"""The language server: pygls wiring of the protocol to the linter, the
actions and the navigation. Each handler only converts between LSP and
xcomlint's own records.

Diagnostics follow the buffer: on open and on save at once, while typing
after a pause of ``DEBOUNCE_SECONDS`` (a burst of keystrokes makes one lint).
A save may change what other buffers import (a helper) or their configuration,
so every open buffer is linted again then. A configuration xcomlint refuses is
shown as a message (window/showMessage), once until it changes, and the file
gets no diagnostics: the command line would not lint it either.
"""

from __future__ import annotations

import asyncio
import os
import traceback
from typing import Dict, List, Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import ConfigError
from ..engine import decode_source
from . import navigation
from .actions import FIX_ALL, KINDS, fix_all, quick_fixes, wanted
from .diagnostics import diagnostics
from .linting import Linted, Linter
from .positions import TextLines

DEBOUNCE_SECONDS = 0.05
# the files whose change on disk may change findings: a configuration file
# (saved in an editor that does not tell this server about it) or a module
WATCHED = ("**/pyproject.toml", "**/.xcomlint.yaml", "**/.xcomlint.yml", "**/.xcomlint.toml", "**/*.py")


class XcomlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("xcomlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.linter = Linter()
        self.latest: Dict[str, Linted] = {}
        self.timers: Dict[str, asyncio.TimerHandle] = {}
        self.config_error: Optional[str] = None

    # ----------------------------------------------------------- documents
    def path_of(self, uri: str) -> Optional[str]:
        """The file a buffer is, when it is a Python file on disk (an unsaved
        new buffer has no folder to find a configuration from)."""
        if not uri.startswith("file:"):
            return None
        path = to_fs_path(uri)
        return os.path.abspath(path) if path and path.endswith((".py", ".pyi")) else None

    def text_of(self, path: str) -> Optional[str]:
        """A file's text as the editor has it (an open buffer), else as on disk."""
        for document in self.workspace.text_documents.values():
            if self.path_of(document.uri) == path:
                return document.source
        return _disk_text(path)

    def lines(self, text: str) -> TextLines:
        return TextLines(text, self.workspace.position_codec)

    def current(self, uri: str) -> Optional[Linted]:
        """The lint of the buffer's present text (linted now if it changed since)."""
        path = self.path_of(uri)
        if path is None:
            return None
        text = self.workspace.get_text_document(uri).source
        linted = self.latest.get(uri)
        if linted is None or linted.text != text:
            linted = self.lint(uri)
        return linted

    # ------------------------------------------------------------- linting
    def lint(self, uri: str) -> Optional[Linted]:
        """Lint the buffer and publish its diagnostics; a refused configuration
        is shown once, any other failure is logged: the server goes on."""
        self.cancel(uri)
        path = self.path_of(uri)
        if path is None:
            return None
        document = self.workspace.get_text_document(uri)
        text = document.source
        try:
            linted = self.linter.lint(path, text)
        except ConfigError as error:
            self.latest.pop(uri, None)
            self.publish(uri, [], document.version)
            message = f"xcomlint: configuration error: {error}"
            if message != self.config_error:
                self.config_error = message
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
            return None
        except Exception:  # never let one buffer stop the server
            self.log(types.MessageType.Error, f"xcomlint: linting {path} failed:\n{traceback.format_exc()}")
            return None
        self.config_error = None
        for internal in linted.result.errors:
            rule = f" in rule {internal.rule}" if internal.rule else ""
            self.log(types.MessageType.Warning,
                     f"xcomlint: internal error{rule} on {internal.path}: {internal.message}")
        self.latest[uri] = linted
        self.publish(uri, diagnostics(linted.findings, self.lines(text)), document.version)
        return linted

    def publish(self, uri: str, found: List[types.Diagnostic], version: Optional[int]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def schedule(self, uri: str) -> None:
        """Lint once the typing pauses."""
        self.cancel(uri)
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self.lint, uri)

    def cancel(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def lint_open_buffers(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.lint(uri)

    # ---------------------------------------------------------- navigation
    def hits_at(self, uri: str, position: types.Position) -> Optional[List[navigation.Hit]]:
        """What stands at ``position`` of the buffer, in its own model and, when
        it is saved as it is, in those of the DAG files that import it."""
        path = self.path_of(uri)
        if path is None:
            return None
        text = self.workspace.get_text_document(uri).source
        try:
            linted = [self.linter.full(path, text)]
            if _disk_text(path) == text:  # an unsaved module's lines are not those its importers read
                for importer in self.linter.importers(path):
                    importer_text = self.text_of(importer)
                    if importer_text is not None:
                        linted.append(self.linter.full(importer, importer_text))
        except ConfigError:
            return None  # shown when the buffer was linted
        line, column = self.lines(text).place(position)
        models = [one.result.model for one in linted if one.result.model is not None]
        return navigation.hits_at(models, path, line, column)

    def locations(self, places: List[navigation.Place]) -> List[types.Location]:
        found: List[types.Location] = []
        texts: Dict[str, Optional[str]] = {}
        for place in places:
            if place.path not in texts:
                texts[place.path] = self.text_of(place.path)
            text = texts[place.path]
            if text is None:
                continue
            span = place.span
            found.append(types.Location(uri=_uri(place.path),
                                        range=self.lines(text).range(span.line, span.column, span.end_line,
                                                                     span.end_column)))
        return found


def _disk_text(path: str) -> Optional[str]:
    """A file's text as saved, decoded as Python reads it; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            decoded = decode_source(handle.read())
    except OSError:
        return None
    return decoded if isinstance(decoded, str) else None


def _uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or path


def make_server() -> XcomlintServer:
    server = XcomlintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: XcomlintServer, params: types.InitializedParams) -> None:
        """Ask to hear of changed configuration files and modules, where the client can."""
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED])
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="xcomlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options)]))
        except Exception as error:  # the client refused: saves of open buffers still count
            ls.log(types.MessageType.Warning, f"xcomlint: cannot watch files: {error}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: XcomlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: XcomlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: XcomlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.linter.forget()
        ls.lint_open_buffers()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: XcomlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        ls.latest.pop(uri, None)
        ls.publish(uri, [], None)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: XcomlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.linter.forget()
        ls.lint_open_buffers()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=KINDS))
    def code_action(ls: XcomlintServer, params: types.CodeActionParams) -> List[types.CodeAction]:
        uri = params.text_document.uri
        linted = ls.current(uri)
        if linted is None:
            return []
        lines = ls.lines(linted.text)
        only = params.context.only
        actions: List[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix, only):
            actions.extend(quick_fixes(linted, uri, lines, params.range))
        if wanted(FIX_ALL, only):
            action = fix_all(linted, uri, lines)
            if action is not None:
                actions.append(action)
        return actions

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: XcomlintServer, params: types.DefinitionParams) -> Optional[List[types.Location]]:
        hits = ls.hits_at(params.text_document.uri, params.position) or []
        places = [place for hit in hits for place in navigation.definition(hit)]
        return ls.locations(list(dict.fromkeys(places))) or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: XcomlintServer, params: types.ReferenceParams) -> Optional[List[types.Location]]:
        hits = ls.hits_at(params.text_document.uri, params.position) or []
        places = [place for hit in hits for place in navigation.references(hit)]
        if params.context.include_declaration:
            places = [place for hit in hits for place in navigation.declaration(hit)] + places
        return ls.locations(list(dict.fromkeys(places))) or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: XcomlintServer, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        hits = ls.hits_at(uri, params.position)
        linted = ls.current(uri)
        if not hits or linted is None:
            return None
        text = navigation.hover_text(hits, linted.findings, linted.path)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    return server
