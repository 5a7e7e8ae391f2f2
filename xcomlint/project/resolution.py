"""Which file an import of the project's own code stands for.

Airflow puts the DAGs folder, the config folder and the plugins folder on
``sys.path``, and a DAG bundle or a packaged project adds its own root or
``src``; so ``from include.helpers import load``, ``from lib.x import y``,
``from operators.my_operator import MyOperator`` and ``from dags.common import
make_etl`` all work in the usual layouts. xcomlint looks in the same places:

- the folders between the linted file and the project root (nearest first):
  whichever of them Airflow's DAGs folder is, the file's imports resolve;
- the configured ``src`` roots (default ``.`` and ``src`` of the project, as
  ruff has it), ``dags-folder`` and ``plugins-folder``, and the project's
  ``plugins`` and ``config`` folders (``$AIRFLOW_HOME/plugins``, where Astro
  projects keep it, and ``$AIRFLOW_HOME/config``).

A module is found as Python's path finder finds it: the first root holding
``name.py`` or ``name/__init__.py`` wins; a folder without ``__init__.py`` is
a namespace package only when no root holds a regular one. ``airflow`` itself
is never the project's. Nothing is imported or run: files are only read.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from ..discovery import SKIPPED_DIRS, is_excluded
from .modules import ParsedModule, parse_module_file

if TYPE_CHECKING:
    import libcst as cst

# top-level names that are never a project module, whatever folders exist:
# a checkout of Airflow's own repository or an ``airflow/`` folder of config
# must not hide the real operators
_NEVER_PROJECT = frozenset({"airflow", "__future__"})
# the digest a model records for a place where no module is: a cached result
# holds while nothing appears there (see ``Project.missing_paths``)
ABSENT = "absent"
# the standard library is never looked for in the project (Python >= 3.10 names it)
_STANDARD_LIBRARY = frozenset(getattr(sys, "stdlib_module_names", ()))
# folders a project never imports from (virtual environments, caches, VCS)
# folders a project never imports from: those a run never lints, and environments
_SKIPPED_DIRS = SKIPPED_DIRS | {"env", "site-packages"}


@dataclass(frozen=True)
class ModuleRef:
    """A module of the project: its dotted name (as imported, or the folder a
    relative import started from), its file (None for a namespace package) and
    whether it is a package, whose submodules are found under ``directory``."""

    name: str
    path: Optional[str]
    directory: Optional[str]  # the package's folder, None for a plain module
    # a namespace package's folders on every root that holds a portion of it
    # (the first is ``directory``); () for a regular package or a module
    portions: Tuple[str, ...] = ()

    @property
    def search_path(self) -> Tuple[str, ...]:
        """Where the package's submodules are looked for (its ``__path__``)."""
        if self.portions:
            return self.portions
        return (self.directory,) if self.directory is not None else ()


class Project:
    """The project's import roots and the modules found under them.

    Cheap to make and to pickle (worker processes get it with the run's
    settings); what it finds and parses is kept per process.
    """

    def __init__(self, root: Optional[str], roots: Sequence[str] = ()) -> None:
        self.root = os.path.abspath(root) if root else None
        self.roots: Tuple[str, ...] = tuple(dict.fromkeys(os.path.abspath(r) for r in roots if os.path.isdir(r)))
        self._found: Dict[Tuple[str, Tuple[str, ...]], Optional[ModuleRef]] = {}
        self._parsed: Dict[str, Tuple[Tuple[int, int], Optional[ParsedModule]]] = {}
        self._roots_of_folder: Dict[str, Tuple[str, ...]] = {}  # every import of a file asks
        self._missing: Dict[Tuple[int, str, str], Tuple[str, ...]] = {}

    def __getstate__(self) -> dict:
        return {"root": self.root, "roots": self.roots}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["root"], state["roots"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Project(root={self.root!r}, roots={self.roots!r})"

    # ---------------------------------------------------------------- roots
    def roots_for(self, path: str) -> Tuple[str, ...]:
        """Where the imports of the file at ``path`` are looked for, in order."""
        folder = os.path.dirname(os.path.abspath(path))
        known = self._roots_of_folder.get(folder)
        if known is None:
            known = self._roots_of_folder[folder] = self._roots_from(folder)
        return known

    def _roots_from(self, directory: str) -> Tuple[str, ...]:
        found: List[str] = []
        if self.root is not None and _is_within(directory, self.root):
            while True:
                found.append(directory)
                if directory == self.root:
                    break
                parent = os.path.dirname(directory)
                if parent == directory:
                    break
                directory = parent
        else:
            found.append(directory)
        found.extend(self.roots)
        return tuple(dict.fromkeys(found))

    # ------------------------------------------------------------- modules
    def find(self, name: str, importer: str) -> Optional[ModuleRef]:
        """The project module ``name`` (dotted) as the file ``importer`` would
        import it, or None (the standard library, a third-party package, a
        module that does not exist)."""
        if not name or name.split(".")[0] in _NEVER_PROJECT:
            return None
        roots = self.roots_for(importer)
        key = (name, roots)
        if key not in self._found:
            self._found[key] = _find_in(name.split("."), roots)
        found = self._found[key]
        if found is not None and found.path is not None and os.path.abspath(importer) == found.path:
            return None  # a file importing its own name reads itself as a module: not followed
        return found

    def find_relative(self, level: int, name: str, importer: str) -> Optional[ModuleRef]:
        """``from .name import x`` (``level`` dots) in the file ``importer``."""
        directory = os.path.dirname(os.path.abspath(importer))
        for _ in range(level - 1):
            directory = os.path.dirname(directory)
        if not name:
            init = os.path.join(directory, "__init__.py")
            return ModuleRef("." * level, init if os.path.isfile(init) else None, directory)
        return _find_in(name.split("."), (directory,))

    def missing_paths(self, level: int, name: str, importer: str) -> Tuple[str, ...]:
        """Where a file or folder would make ``name`` (imported by ``importer``,
        ``level`` dots before it) a module of the project, when it is none now:
        for each part of the name and each folder it is looked for in, the
        ``part.py`` and ``part/`` that do not exist. A model that found no
        module learnt nothing from one, and its cached result holds only while
        none appears (a helper created after the DAG file that imports it)."""
        key = (level, name, os.path.dirname(os.path.abspath(importer)))
        if key not in self._missing:
            self._missing[key] = self._missing_paths(level, name, importer)
        return self._missing[key]

    def _missing_paths(self, level: int, name: str, importer: str) -> Tuple[str, ...]:
        parts = name.split(".") if name else []
        if not parts or not all(part.isidentifier() for part in parts):
            return ()
        if level:
            directory = os.path.dirname(os.path.abspath(importer))
            for _ in range(level - 1):
                directory = os.path.dirname(directory)
            search: Tuple[str, ...] = (directory,)
        elif parts[0] in _NEVER_PROJECT or parts[0] in _STANDARD_LIBRARY:
            return ()
        else:
            search = self.roots_for(importer)
        missing: List[str] = []
        for part in parts:
            for directory in search:
                base = os.path.join(directory, part)
                if not os.path.exists(base):
                    missing.append(base)
                if not os.path.exists(base + ".py"):
                    missing.append(base + ".py")
            found = _find_one(part, search)
            if found is None or not found[1]:
                break  # nothing further down can be found (a plain module has no submodules)
            search = found[1]
        return tuple(missing)

    def submodule(self, package: ModuleRef, name: str) -> Optional[ModuleRef]:
        """``package.name`` as a module of its own (a file or folder in the package)."""
        found = _find_in([name], package.search_path)
        if found is None:
            return None
        return replace(found, name=f"{package.name}.{name}")

    def parsed(self, path: str) -> Optional[ParsedModule]:
        """The module at ``path``, parsed once per process while the file keeps
        its size and modification time; None when it cannot be read or parsed."""
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        known = self._parsed.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        parsed = parse_module_file(path)
        self._parsed[path] = (stamp, parsed)
        return parsed

    def known_tree(self, path: str, source: str) -> Optional["cst.Module"]:
        """The tree of ``path`` when a DAG file already followed an import into
        it and its text is still ``source``: linting the module itself then
        parses nothing again."""
        known = self._parsed.get(os.path.abspath(path))
        if known is None or known[1] is None or known[1].source != source:
            return None
        return known[1].tree

    def digest(self, path: str) -> str:
        """The digest of a module's bytes (``""`` when it cannot be read), as a
        cached result records what it read."""
        from ..cache import content_digest

        try:
            with open(path, "rb") as handle:
                return content_digest(handle.read())
        except OSError:
            return ""

    def module_files(self, exclude: Sequence[str] = ()) -> List[str]:
        """Every Python file under the project root but for the ``exclude``
        patterns, matched as a walk of the linted paths matches them (for the
        reverse dependencies of a module linted alone); none without a root."""
        if self.root is None:
            return []
        found: List[str] = []
        for directory, folders, files in os.walk(self.root):
            folders[:] = sorted(f for f in folders if f not in _SKIPPED_DIRS and not f.startswith(".")
                                and not is_excluded(os.path.join(directory, f), exclude))
            found.extend(path for path in (os.path.join(directory, f) for f in sorted(files) if f.endswith(".py"))
                         if not is_excluded(path, exclude))
        return found


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _find_in(parts: List[str], roots: Sequence[str]) -> Optional[ModuleRef]:
    """Python's path finder over ``roots``, one name at a time: ``a`` on the
    roots, then ``b`` in the package ``a`` found (its ``__path__``), and so on.
    A regular module or package on the first root that has one wins; else the
    folders of every root holding one are a namespace package together."""
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    search: Tuple[str, ...] = tuple(roots)
    path: Optional[str] = None
    for index, part in enumerate(parts):
        if index and not search:
            return None  # a plain module has no submodules
        found = _find_one(part, search)
        if found is None:
            return None
        path, search = found
    name = ".".join(parts)
    if path is None:
        return ModuleRef(name, None, search[0], search)
    return ModuleRef(name, path, search[0] if search else None)


def _find_one(part: str, search: Sequence[str]) -> Optional[Tuple[Optional[str], Tuple[str, ...]]]:
    """``part`` in the folders ``search``: its file (None for a namespace
    package) and the folders its submodules are looked for in."""
    namespace: List[str] = []
    for directory in search:
        base = os.path.join(directory, part)
        init = os.path.join(base, "__init__.py")
        if os.path.isfile(init):
            return init, (base,)
        if os.path.isfile(base + ".py"):
            return base + ".py", ()
        if os.path.isdir(base):
            namespace.append(base)
    return (None, tuple(namespace)) if namespace else None


def project_for(settings: object, paths: Sequence[str]) -> Project:
    """The project of a run: its root (the nearest folder above the linted
    paths with ``pyproject.toml`` or ``.git``) and the configured roots."""
    root = getattr(settings, "project_root", None)
    if root is None:
        from ..project_root import find_project_root

        root = find_project_root(paths[0] if paths else os.getcwd())
    roots: List[str] = []
    src = getattr(settings, "src", None)
    if src:
        roots.extend(src)
    elif root is not None:
        roots.extend([root, os.path.join(root, "src")])
    for folder in (getattr(settings, "dags_folder", None), getattr(settings, "plugins_folder", None)):
        if folder:
            roots.append(folder)
    if root is not None:
        # $AIRFLOW_HOME/plugins and $AIRFLOW_HOME/config are on sys.path in Airflow;
        # Astro projects keep the plugins folder at the root
        roots.extend([os.path.join(root, "plugins"), os.path.join(root, "config")])
    return Project(root, roots)
