"""A per-file result cache: a warm run re-parses nothing that did not change.

One entry per linted file holds its ``FileModel`` and its per-file findings,
both plain data (pickled). The entry's key is a hash of everything that
decides them:

- the file's display path and the exact bytes read (content, never mtime);
- the run's *namespace*: xcomlint's version and the name, size and
  modification time of each of its own source files (a developer's edit to a
  rule invalidates the cache even though the version number did not move,
  as a ``.py`` edit invalidates Python's bytecode), the Python version, the versions of the libraries that
  shape the model (libcst parses, Jinja's parser reads templates), and the
  settings that change per-file results (``Settings.cache_key()`` and the
  per-file ignores).

Whole-run rules (XCL204, XCL3xx) are not cached: they read every model and run
again on each run, warm or cold.

A DAG file's model may read project modules (SPEC section 7): its entry lists
them with the digests of their bytes, and is used only while each still holds
the code it read. The cache keeps those bytes too, so a module whose bytes
changed but whose code did not (a comment, blank lines at its end) leaves
the DAG files that import it cached (``code_digest``).

The entries live in one SQLite database in the cache directory. A cold run
writes all its entries in a few transactions, which costs a fraction of what a
file per entry did (creating hundreds of files and directories is system calls
that cost more than pickling the entries). Only the process that runs the lint
opens the database: worker processes pickle their entries and hand them back.
No connection is held across a fork: each load and each write opens and closes
its own.

Entries do not pile up: each remembers the day it was last written or read
(a read updates that day at most once a day, in one short write), and a run
that writes drops the entries no run has used for ``MAX_UNUSED_DAYS`` (those of
an old xcomlint version, of settings no longer used, of a file's old
contents). A database made by another version of this layout is replaced.

The directory is safe to delete at any time and safe under concurrent runs:
SQLite locks the database for each write transaction (a run that cannot get the
lock in time skips writing, which costs the next run a parse, nothing more);
a database deleted or replaced during a run is simply recreated by the next
write; a file that is not a database is replaced. An entry that does not
unpickle, or names another key, is ignored and rewritten. Loading uses an
unpickler that accepts only xcomlint's own record classes, so a planted entry
cannot run code.

This module must not import libcst or the model builder: a fully warm run
never pays for them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import sqlite3
import sys
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from . import __version__
from .findings import Finding, NoqaDirective
from .model.records import FileModel, _Sentinel
from .settings import Settings

CACHE_DIR_ENV = "XCOMLINT_CACHE_DIR"
DEFAULT_CACHE_DIR = ".xcomlint_cache"
# bump when the layout of an entry changes
ENTRY_FORMAT = 4
# the libraries whose behaviour is part of a FileModel
_MODEL_LIBRARIES = ("libcst", "jinja2")
_RECORD_MODULES = frozenset({"xcomlint.model.records", "xcomlint.findings"})
_SAFE_BUILTINS = frozenset({"frozenset", "set", "complex"})
_PACKAGE_ROOT = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class CachedResult:
    """A file's entry as a warm run reads it back."""

    model: FileModel
    findings: Tuple[Finding, ...]
    # what XCL002 needs of the file (empty unless it is selected)
    directives: Tuple[NoqaDirective, ...] = ()
    noqa_used: FrozenSet[Tuple[int, str]] = frozenset()


def code_digest(data: bytes) -> Optional[str]:
    """A digest of a module's code as a model reads it: each token and where it
    stands, but no comment and no blank line. Where a line ends (after any
    comment) and where the file ends (the dedents closing its last block stand
    there) are not part of it either. Two sources with one digest
    give the same model and findings at the same places; noqa comments are
    read from the file itself when findings are placed. None when the bytes do
    not tokenize (compared as changed)."""
    import tokenize

    hasher = hashlib.sha256()
    skipped = (tokenize.COMMENT, tokenize.NL)
    unplaced = (tokenize.NEWLINE, tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type in skipped:
                continue
            if token.type in unplaced:  # a line's end may be "\n", "\r\n" or "" at the end of the file
                hasher.update(f"{token.type}\0".encode())
                continue
            hasher.update(f"{token.type}\0{token.start}{token.end}\0{token.string}\0".encode("utf-8", "surrogateescape"))
    except (SyntaxError, tokenize.TokenError, UnicodeDecodeError, ValueError):
        return None
    return hasher.hexdigest()


def content_digest(data: bytes) -> str:
    """What a run knows of a file's bytes: part of its cache key, and what a
    fix run checks before it writes (the file must not have changed since)."""
    return hashlib.sha256(data).hexdigest()


def default_cache_dir() -> str:
    return os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR


def _package_source_digest(hasher: "hashlib._Hash", root: str = _PACKAGE_ROOT) -> None:
    """Identify xcomlint's own ``.py`` files and the operator knowledge they
    read, what produced an entry, by name, size and modification time (as
    Python's bytecode cache does): reading them all would cost every run."""
    found: List[str] = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name != "__pycache__"]
        found.extend(os.path.join(directory, name) for name in names if name.endswith((".py", ".json")))
    for path in sorted(found):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        hasher.update(f"{os.path.relpath(path, root)}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())


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
        # asked once per record class per entry, thousands of times a run
        found = _ALLOWED.get((module, name))
        if found is not None:
            return found
        if module in _RECORD_MODULES or (module == "builtins" and name in _SAFE_BUILTINS):
            found = super().find_class(module, name)
            if isinstance(found, (type, _Sentinel)):
                _ALLOWED[(module, name)] = found
                return found
        raise pickle.UnpicklingError(f"not an xcomlint record: {module}.{name}")


# what ``_RecordUnpickler`` has already let through
_ALLOWED: Dict[Tuple[str, str], object] = {}


DATABASE_NAME = "results.sqlite3"
# entries written per transaction: the entries waiting to be written stay few,
# however many files a run lints
WRITE_BATCH = 256
# how long a run waits for another run's write transaction before skipping its own
LOCK_TIMEOUT_SECONDS = 5.0
_MARKERS = (
    # like pytest's and ruff's caches: never committed, skipped by backup tools
    (".gitignore", "# created by xcomlint\n*\n"),
    ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# created by xcomlint\n"),
)
_SCHEMA = (
    "CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID",
    # the day a run last wrote or read each entry: a table of its own, since
    # SQLite rewrites a whole row (the pickled bytes too) to change one column
    "CREATE TABLE used (key TEXT PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID",
    # the bytes of project modules that models read, by content digest (see
    # ``ResultCache.write_sources``); their days are in ``used`` too
    "CREATE TABLE sources (key TEXT PRIMARY KEY, source BLOB NOT NULL) WITHOUT ROWID",
)
_TABLES = ("entries", "used", "sources")
# the layout of the database (SQLite's ``user_version``): bump when ``_SCHEMA`` changes
SCHEMA_VERSION = 3
# a module's bytes are kept under this prefix and its content digest
_SOURCE_KEY = "source:"
# entries no run has written or read for this many days are dropped by the next run that writes
MAX_UNUSED_DAYS = 30

Entry = Tuple[str, bytes]  # a key and its pickled entry, as ``ResultCache.entry`` makes them


class ResultCache:
    """Per-file results in a database under ``directory``, for one run's namespace.

    Holds no open connection, so it pickles as two strings and is safe to have
    when a process forks.
    """

    def __init__(self, directory: str, namespace: str) -> None:
        self.directory = directory
        self.namespace = namespace
        self._pruned = False  # a run drops unused entries once, with its first write

    @classmethod
    def for_settings(cls, settings: Settings, directory: Optional[str] = None) -> "ResultCache":
        return cls(directory or default_cache_dir(), run_namespace(settings))

    @property
    def database(self) -> str:
        return os.path.join(self.directory, DATABASE_NAME)

    def key(self, path: str, data: bytes, digest: Optional[str] = None) -> str:
        """The key of ``path`` holding ``data``; ``digest`` is ``content_digest(data)``
        when the caller has it (a run hashes each file's bytes once)."""
        if digest is None:
            digest = content_digest(data)
        text = f"{self.namespace}\0{path}\0{digest}"
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()

    def entry(self, key: str, model: FileModel, findings: Sequence[Finding],
              directives: Sequence[NoqaDirective] = (), noqa_used: FrozenSet[Tuple[int, str]] = frozenset()) -> Entry:
        """The entry to store for ``key``: pickled where the result was made
        (a worker process), written by the process that owns the run."""
        record = (ENTRY_FORMAT, key, model, tuple(findings), tuple(directives), frozenset(noqa_used))
        return key, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, key: str) -> Optional[CachedResult]:
        """The entry for ``key``, or None when it is missing or unusable."""
        return self.load_many([key]).get(key)

    def load_many(self, keys: Sequence[str]) -> Dict[str, CachedResult]:
        """The usable entries among ``keys``; a missing or unreadable cache is an empty one."""
        if not keys or not os.path.isfile(self.database):
            return {}  # never create a database just to read it
        rows: List[Tuple[str, Optional[int], bytes]] = []
        try:
            connection = sqlite3.connect(self.database, timeout=LOCK_TIMEOUT_SECONDS)
            try:
                if _schema_version(connection) != SCHEMA_VERSION:
                    return {}  # another layout: the next write replaces it
                wanted = sorted(set(keys))
                # SQLite accepts at least 999 parameters in one statement
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows.extend(connection.execute(
                        "SELECT entries.key, used.day, entries.entry FROM entries LEFT JOIN used ON used.key = entries.key"
                        f" WHERE entries.key IN ({marks})", chunk))
            finally:
                connection.close()
        except sqlite3.Error:  # no table yet, locked, not a database: all misses
            return {}
        found: Dict[str, CachedResult] = {}
        today = _today()
        stale: List[str] = []
        for key, day, data in rows:
            result = _unpickle_entry(key, data)
            if result is not None:
                found[key] = result
                if day != today:
                    stale.append(key)
        if stale:
            self._mark_seen(stale, today)
        return found

    def _mark_seen(self, keys: List[str], today: int) -> None:
        """Remember that a run used these entries today (at most one write a day
        for an entry; a run that cannot write loses nothing but that)."""
        try:
            with self._write_transaction() as connection:
                _mark_used(connection, keys, today)
        except sqlite3.Error:
            return

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection in a write transaction, committed when the block ends
        normally and rolled back when it raises."""
        connection = sqlite3.connect(self.database, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
        try:
            # a lost entry costs the next run one parse, so nothing is synced to
            # disk: the journal still rolls back a run killed mid-write, and a
            # database an operating system crash damaged is replaced (``_write_batch``)
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    def store(self, key: str, model: FileModel, findings: Sequence[Finding]) -> None:
        """Write one entry now (``write`` takes many at once)."""
        self.write([self.entry(key, model, findings)])

    def write(self, entries: Iterable[Entry]) -> None:
        """Write entries, ``WRITE_BATCH`` per transaction. A cache that cannot be
        written is no error: the next run parses those files again."""
        batch: List[Entry] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) == WRITE_BATCH:
                self._write_batch(batch)
                batch = []
        if batch:
            self._write_batch(batch)

    def _write_batch(self, batch: List[Entry]) -> None:
        try:
            self._insert(batch)
        except sqlite3.OperationalError:
            return  # locked past the timeout, read-only, disk full: skip
        except sqlite3.DatabaseError:
            # not a database (a planted or half-copied file): replace it, once
            self._remove_database()
            try:
                self._insert(batch)
            except sqlite3.Error:
                return
        except OSError:
            return

    def _insert(self, batch: List[Entry]) -> None:
        self._prepare()
        with self._write_transaction() as connection:
            _ensure_schema(connection)
            today = _today()
            connection.executemany("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", batch)
            _mark_used(connection, [key for key, _ in batch], today)
            if not self._pruned:
                # and entries without a day: written by an older xcomlint sharing the directory
                cutoff = (today - MAX_UNUSED_DAYS,)
                for table in ("entries", "sources"):
                    connection.execute(f"DELETE FROM {table} WHERE key IN (SELECT key FROM used WHERE day < ?)"
                                       " OR key NOT IN (SELECT key FROM used)", cutoff)
                connection.execute("DELETE FROM used WHERE day < ?", cutoff)
        self._pruned = True

    def write_sources(self, sources: Iterable[Tuple[str, bytes]]) -> None:
        """Keep the bytes of project modules that models read, by content
        digest. When a module changes, a warm run compares its new code with the
        code the cached models read (``code_digest``): a change to comments or
        blank lines at its end leaves the DAG files that import it cached. A
        cache that cannot be written is no error: such a change re-lints them."""
        rows = {_SOURCE_KEY + digest: zlib.compress(data) for digest, data in sources}
        if not rows:
            return
        try:
            self._prepare()
            with self._write_transaction() as connection:
                _ensure_schema(connection)
                connection.executemany("INSERT OR IGNORE INTO sources (key, source) VALUES (?, ?)", rows.items())
                _mark_used(connection, list(rows), _today())
        except (sqlite3.Error, OSError):
            return

    def load_source(self, digest: str) -> Optional[bytes]:
        """The bytes of a module kept by ``write_sources``, or None."""
        if not os.path.isfile(self.database):
            return None
        try:
            connection = sqlite3.connect(self.database, timeout=LOCK_TIMEOUT_SECONDS)
            try:
                if _schema_version(connection) != SCHEMA_VERSION:
                    return None
                row = connection.execute("SELECT source FROM sources WHERE key = ?", (_SOURCE_KEY + digest,)).fetchone()
            finally:
                connection.close()
            return zlib.decompress(row[0]) if row is not None else None
        except (sqlite3.Error, zlib.error):
            return None

    def _prepare(self) -> None:
        """The directory and its markers, made again if it was deleted."""
        os.makedirs(self.directory, exist_ok=True)
        for name, text in _MARKERS:
            marker = os.path.join(self.directory, name)
            if not os.path.exists(marker):
                try:
                    with open(marker, "x", encoding="utf-8") as handle:
                        handle.write(text)
                except OSError:  # another run wrote it first
                    pass

    def _remove_database(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(self.database + suffix)
            except OSError:
                pass


def _today() -> int:
    """Days since the epoch: how entries remember when a run last used them."""
    return int(time.time() // 86400)


def _ensure_schema(connection: sqlite3.Connection) -> None:
    """Make the tables in a new database, or in one of another layout of this cache (start afresh)."""
    if _schema_version(connection) != SCHEMA_VERSION:
        for table in _TABLES:
            connection.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _mark_used(connection: sqlite3.Connection, keys: Sequence[str], today: int) -> None:
    connection.executemany("INSERT OR REPLACE INTO used (key, day) VALUES (?, ?)", [(key, today) for key in keys])


def _schema_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def _unpickle_entry(key: str, data: object) -> Optional[CachedResult]:
    if not isinstance(data, bytes):
        return None
    try:
        entry = _RecordUnpickler(io.BytesIO(data)).load()
        entry_format, entry_key, model, findings, directives, noqa_used = entry
    except Exception:  # a truncated, corrupt or foreign entry is just a miss
        return None
    if (
        entry_format != ENTRY_FORMAT
        or entry_key != key
        or not isinstance(model, FileModel)
        or not isinstance(findings, tuple)
        or not all(isinstance(finding, Finding) for finding in findings)
        or not isinstance(directives, tuple)
        or not all(isinstance(directive, NoqaDirective) for directive in directives)
        or not isinstance(noqa_used, frozenset)
    ):
        return None
    return CachedResult(model, findings, directives, noqa_used)
