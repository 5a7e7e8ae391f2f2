"""A per-file result cache: a warm run re-parses nothing that did not change.

One entry per linted file holds its ``FileModel`` and its per-file findings,
both plain data (pickled). The entry's name is a hash of everything that
decides them:

- the file's display path and the exact bytes read (content, never mtime);
- the run's *namespace*: xcomlint's version and a hash of its own source files
  (a developer's edit to a rule invalidates the cache even though the version
  number did not move), the Python version, the versions of the libraries that
  shape the model (libcst parses, Jinja's parser reads templates), and the
  settings that change per-file results (``Settings.cache_key()`` and the
  per-file ignores).

Whole-run rules (XCL204, XCL3xx) are not cached: they read every model and run
again on each run, warm or cold.

The directory is safe to delete at any time and safe under concurrent runs:
entries are written to a temporary file and moved into place with
``os.replace`` (atomic on POSIX and Windows), and an entry that cannot be read,
does not unpickle, or names another key is ignored and rewritten. Loading uses
an unpickler that accepts only xcomlint's own record classes, so a planted
entry cannot run code.

This module must not import libcst or the model builder: a fully warm run
never pays for them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import itertools
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional, Set, Tuple

from . import __version__
from .findings import Finding
from .model.records import FileModel, _Sentinel
from .settings import Settings

if TYPE_CHECKING:
    import queue

CACHE_DIR_ENV = "XCOMLINT_CACHE_DIR"
DEFAULT_CACHE_DIR = ".xcomlint_cache"
# bump when the layout of an entry changes
ENTRY_FORMAT = 1
# the libraries whose behaviour is part of a FileModel
_MODEL_LIBRARIES = ("libcst", "jinja2")
_RECORD_MODULES = frozenset({"xcomlint.model.records", "xcomlint.findings"})
_SAFE_BUILTINS = frozenset({"frozenset", "set", "complex"})


@dataclass(frozen=True)
class CachedResult:
    model: FileModel
    findings: Tuple[Finding, ...]


def default_cache_dir() -> str:
    return os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR


def _package_source_digest(hasher: "hashlib._Hash") -> None:
    """Hash xcomlint's own ``.py`` files: the code that produced an entry."""
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        hasher.update(str(path.relative_to(root)).encode() + b"\0" + data + b"\0")


def _library_digest(hasher: "hashlib._Hash", name: str) -> None:
    """Identify an installed library without importing it (importing libcst
    is what a warm run avoids; ``importlib.metadata`` is slow to import too)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    hasher.update(f"{name}={origin}\0".encode())
    if not origin:
        return
    for candidate in (origin, os.path.join(os.path.dirname(origin), "_version.py")):
        try:
            stat = os.stat(candidate)
            with open(candidate, "rb") as handle:
                hasher.update(f"{stat.st_size}:{stat.st_mtime_ns}\0".encode() + handle.read())
        except OSError:
            continue


def run_namespace(settings: Settings) -> str:
    """Everything besides the file itself that decides a per-file result."""
    hasher = hashlib.sha256()
    hasher.update(f"xcomlint {__version__} format {ENTRY_FORMAT}\0".encode())
    hasher.update(f"{sys.implementation.cache_tag} {sys.version}\0".encode())
    _package_source_digest(hasher)
    for name in _MODEL_LIBRARIES:
        _library_digest(hasher, name)
    hasher.update(settings.cache_key().encode() + b"\0")
    # per-file ignores decide which rules run on a file: part of its findings
    hasher.update(repr(settings.per_file_ignores).encode())
    return hasher.hexdigest()


class _RecordUnpickler(pickle.Unpickler):
    """Loads xcomlint's plain records and nothing else: no function can be
    named, so an entry planted in the directory cannot make loading run code."""

    def find_class(self, module: str, name: str) -> object:
        if module in _RECORD_MODULES or (module == "builtins" and name in _SAFE_BUILTINS):
            found = super().find_class(module, name)
            if isinstance(found, (type, _Sentinel)):
                return found
        raise pickle.UnpicklingError(f"not an xcomlint record: {module}.{name}")


_temporary_names = itertools.count()


def _create_temporary(directory: str) -> Tuple[int, str]:
    """A new file for one entry, opened for writing. Named by process and
    counter, so no two writers share one; ``tempfile.mkstemp`` (random names)
    cost more than pickling the entry. A leftover of a crashed run with the same
    process id is left alone: that entry is then written through ``mkstemp``."""
    name = os.path.join(directory, f".tmp-{os.getpid()}-{next(_temporary_names)}.pickle")
    try:
        return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), name
    except FileExistsError:
        return tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")


class ResultCache:
    """Per-file results on disk under ``directory``, for one run's namespace.

    Picklable (two strings), so worker processes write their own entries.
    """

    def __init__(self, directory: str, namespace: str) -> None:
        self.directory = directory
        self.namespace = namespace
        self._prepared: Set[str] = set()  # shard directories known to exist
        self._pending: "Optional[queue.SimpleQueue[Optional[Tuple[str, bytes]]]]" = None

    def __getstate__(self) -> Tuple[str, str]:
        return self.directory, self.namespace

    def __setstate__(self, state: Tuple[str, str]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    @classmethod
    def for_settings(cls, settings: Settings, directory: Optional[str] = None) -> "ResultCache":
        return cls(directory or default_cache_dir(), run_namespace(settings))

    def key(self, path: str, data: bytes) -> str:
        hasher = hashlib.sha256(self.namespace.encode())
        hasher.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        hasher.update(data)
        return hasher.hexdigest()

    def _entry_path(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:] + ".pickle")

    def load(self, key: str) -> Optional[CachedResult]:
        """The entry for ``key``, or None when it is missing or unusable."""
        try:
            with open(self._entry_path(key), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        try:
            entry = _RecordUnpickler(io.BytesIO(data)).load()
            entry_format, entry_key, model, findings = entry
        except Exception:  # a truncated, corrupt or foreign entry is just a miss
            return None
        if (
            entry_format != ENTRY_FORMAT
            or entry_key != key
            or not isinstance(model, FileModel)
            or not isinstance(findings, tuple)
            or not all(isinstance(finding, Finding) for finding in findings)
        ):
            return None
        return CachedResult(model, findings)

    def store(self, key: str, model: FileModel, findings: List[Finding]) -> None:
        """Write an entry atomically; a cache that cannot be written is no error.
        Inside ``background_writes`` the file is written by another thread."""
        target = self._entry_path(key)
        payload = pickle.dumps((ENTRY_FORMAT, key, model, tuple(findings)), protocol=pickle.HIGHEST_PROTOCOL)
        if self._pending is not None:
            self._pending.put((target, payload))
        else:
            self._write(target, payload)

    @contextmanager
    def background_writes(self) -> Iterator[None]:
        """Entries stored within are written by a thread of their own, every one
        of them before this returns. Creating files is system calls, which run
        without the interpreter lock: a serial run parses the next file
        meanwhile. The thread lives only as long as the block, so no process is
        forked while it runs."""
        import queue
        import threading

        pending: "queue.SimpleQueue[Optional[Tuple[str, bytes]]]" = queue.SimpleQueue()

        def drain() -> None:
            while True:
                item = pending.get()
                if item is None:
                    return
                self._write(*item)

        writer = threading.Thread(target=drain, name="xcomlint-cache-writer", daemon=True)
        writer.start()
        self._pending = pending
        try:
            yield
        finally:
            self._pending = None
            pending.put(None)
            writer.join()

    def _write(self, target: str, payload: bytes) -> None:
        shard = os.path.dirname(target)
        try:
            self._prepare(shard)
            try:
                handle, temporary = _create_temporary(shard)
            except FileNotFoundError:  # the directory was deleted during the run
                self._prepared.discard(shard)
                self._prepare(shard)
                handle, temporary = _create_temporary(shard)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.replace(temporary, target)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def _prepare(self, shard: str) -> None:
        if shard in self._prepared:
            return
        self._prepared.add(shard)
        if os.path.isdir(shard):
            return
        os.makedirs(shard, exist_ok=True)
        # like pytest's and ruff's caches: never committed, skipped by backup tools
        for name, text in (
            (".gitignore", "# created by xcomlint\n*\n"),
            ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# created by xcomlint\n"),
        ):
            marker = os.path.join(self.directory, name)
            if not os.path.exists(marker):
                try:
                    with open(marker, "x", encoding="utf-8") as handle:
                        handle.write(text)
                except OSError:  # another run wrote it first
                    pass
