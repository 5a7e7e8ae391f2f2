"""A repository read whole, for the whole-repository recall benchmark.

Which files are DAG files, which are the team's own modules the DAG files
import (helpers, constants, operators, factories), and the mutants of both.
Like ``recall_scan``, this reading is independent of xcomlint: imports are
resolved here with Python's ``ast`` as Airflow's ``sys.path`` would resolve
them, so a blind spot of xcomlint's project layer cannot hide its own sites.

A module's pulls name tasks its file does not create: the tasks of the DAG
files (and factories) that import it. The mutants of a module are found on a
*context scan*: the module's own scan, plus the tasks of every file importing
it (directly or not) as read-only records, so that a typo'd ``task_ids`` in a
helper is offered when it named a task of a DAG using the helper. The kinds
that edit the producer task itself (``do_xcom_push_false``) or need the
module's own graph (``edge_removed``) run on the module's own scan only: the
producer's code must be in the file being mutated.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from build_dev_corpus import is_dag_like
from recall_mutants import KINDS, Mutant, mutants_of
from recall_scan import FileScan, Task, has_splat, keyword, resolve, scan_file

from xcomlint.discovery import SKIPPED_DIRS  # the folders CI's ``xcomlint check .`` never walks into

# the kinds whose edit is at the producer's own code or need the file's own graph
OWN_KINDS: Tuple[str, ...] = ("edge_removed", "do_xcom_push_false")
# folders Airflow puts on sys.path besides the DAGs folder (the plugins folder),
# and the src layout; matched by name near the root
EXTRA_ROOT_NAMES = ("plugins", "src", "dags")
EXTRA_ROOT_DEPTH = 3


def is_test_file(path: str) -> bool:
    """Tests import helpers but are no DAG Airflow runs: they neither count as DAG files nor as importers."""
    parts = path.split("/")
    name = parts[-1]
    return (any(p in ("test", "tests", "testing") for p in parts[:-1]) or name.startswith("test_")
            or name.endswith("_test.py") or name == "conftest.py")


def python_files(root: Path) -> Dict[str, str]:
    """Repository-relative POSIX path -> source of every decodable ``.py`` file CI would lint."""
    found: Dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            full = Path(folder) / name
            if full.is_symlink() or not full.is_file():
                continue  # a link is linted where it points, or not at all
            try:
                found[full.relative_to(root).as_posix()] = full.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return found


# --------------------------------------------------------------------------- imports


class ImportResolver:
    """Module name -> file of the repository, as Airflow's ``sys.path`` would find it:
    the folders above the importing file up to the root (the DAGs folder is among
    them), the plugins folder and the ``src`` roots. Third-party and standard
    modules resolve to nothing."""

    def __init__(self, files: Iterable[str]):
        self.files = set(files)
        folders = {"/".join(p.split("/")[:i]) for p in self.files for i in range(1, p.count("/") + 1)}
        self.extra_roots = sorted(f for f in folders
                                  if f.rsplit("/", 1)[-1] in EXTRA_ROOT_NAMES and f.count("/") < EXTRA_ROOT_DEPTH)

    def _in(self, folder: str, module: str) -> Optional[str]:
        base = f"{folder}/{module.replace('.', '/')}" if folder else module.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if candidate in self.files:
                return candidate
        return None

    def roots(self, importer: str) -> List[str]:
        parts = importer.split("/")[:-1]
        ancestors = ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]
        return ancestors + [r for r in self.extra_roots if r not in ancestors]

    def module(self, importer: str, module: str, level: int = 0) -> Optional[str]:
        if level:
            parts = importer.split("/")[:-1]
            if level - 1 > len(parts):
                return None
            package = "/".join(parts[: len(parts) - (level - 1)])
            return self._in(package, module) if module else None
        for root in self.roots(importer):
            found = self._in(root, module)
            if found:
                return found
        return None

    def imports(self, importer: str, tree: ast.Module) -> Set[str]:
        """The repository files ``importer`` imports (an ``import a.b`` runs ``a`` and ``a.b``)."""
        found: Set[str] = set()

        def add(module: str, level: int = 0) -> None:
            target = self.module(importer, module, level)
            if target and target != importer:
                found.add(target)

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    pieces = alias.name.split(".")
                    for i in range(1, len(pieces) + 1):
                        add(".".join(pieces[:i]))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if base:
                    pieces = base.split(".")
                    for i in range(1, len(pieces) + 1):
                        add(".".join(pieces[:i]), node.level)
                for alias in node.names:  # ``from pkg import module``
                    add(f"{base}.{alias.name}" if base else alias.name, node.level)
        return found


# --------------------------------------------------------------------------- the repository


@dataclass
class Project:
    root: Path
    sources: Dict[str, str]
    scans: Dict[str, FileScan]
    imports: Dict[str, Set[str]]  # file -> the repository files it imports
    dag_files: List[str]
    modules: List[str]  # imported, directly or not, by a DAG file; not DAG files themselves
    resolver: ImportResolver
    strings: Set[str] = field(default_factory=set)  # every string literal of the files read

    def importers(self, path: str) -> List[str]:
        """The files (DAG files and modules, no tests) importing ``path``, directly or not."""
        reverse: Dict[str, Set[str]] = {}
        for source, targets in self.imports.items():
            for target in targets:
                reverse.setdefault(target, set()).add(source)
        seen: Set[str] = set()
        stack = [path]
        while stack:
            for other in reverse.get(stack.pop(), ()):
                if other not in seen and other != path:
                    seen.add(other)
                    stack.append(other)
        return sorted(seen)


def read_project(root: Path) -> Project:
    sources = python_files(root)
    resolver = ImportResolver(sources)
    scans: Dict[str, FileScan] = {}
    imports: Dict[str, Set[str]] = {}
    for path, source in sources.items():
        if is_test_file(path):
            continue
        scan = scan_file(path, source)
        if scan is None:
            continue
        scans[path] = scan
        imports[path] = resolver.imports(path, scan.tree)
    imported = set().union(*imports.values()) if imports else set()
    # a DAG file is what Airflow's DagBag would load (the bytes say "airflow"
    # and "dag") and what no other file of the repository imports
    dag_files = sorted(p for p in scans if p not in imported and is_dag_like(sources[p].encode("utf-8")))
    reachable: Set[str] = set()
    stack = list(dag_files)
    while stack:
        for target in imports.get(stack.pop(), ()):
            if target not in reachable and target in scans:
                reachable.add(target)
                stack.append(target)
    modules = sorted(reachable - set(dag_files))
    strings: Set[str] = set()
    for scan in scans.values():
        strings |= scan.strings
    return Project(root, sources, scans, imports, dag_files, modules, resolver, strings)


# --------------------------------------------------------------------------- context of a module


def _defined_in(project: Project, importer: str, node: Optional[ast.AST], module: str) -> Optional[str]:
    """The name ``node`` (a name or attribute of ``importer``) has in ``module``, when it is imported from there."""
    scan = project.scans[importer]
    origin = resolve(node, scan.imports) if node is not None else None
    if origin is None and isinstance(node, ast.Name) and module in _star_imports(project, importer):
        return node.id if node.id in _top_level_names(project.scans[module].tree) else None
    if origin is None or "." not in origin:
        return None
    module_name, name = origin.rsplit(".", 1)
    return name if project.resolver.module(importer, module_name) == module else None


def _star_imports(project: Project, importer: str) -> Set[str]:
    """The repository modules ``importer`` imports with ``from module import *``."""
    found: Set[str] = set()
    for node in ast.walk(project.scans[importer].tree):
        if isinstance(node, ast.ImportFrom) and node.module and any(a.name == "*" for a in node.names):
            target = project.resolver.module(importer, node.module, node.level)
            if target:
                found.add(target)
    return found


def _top_level_names(tree: ast.Module) -> Set[str]:
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _callable_in(project: Project, importer: str, task: Task, module: str) -> Optional[str]:
    """The name of ``module``'s function that ``task`` (of ``importer``) runs, if it runs one of them."""
    if task.kind != "operator" or task.call is None:
        return None
    kw = keyword(task.call, "python_callable")
    return _defined_in(project, importer, kw.value if kw is not None else None, module)


def _execute_in(project: Project, importer: str, task: Task, module: str) -> Optional[ast.AST]:
    """The ``execute`` of ``module``'s operator class that ``task`` is made of, when
    what it returns is the task's XCom (nothing turns ``do_xcom_push`` off)."""
    if task.kind != "operator" or task.call is None or has_splat(task.call) or task.operator is None:
        return None
    kw = keyword(task.call, "do_xcom_push")
    if kw is not None and not (isinstance(kw.value, ast.Constant) and kw.value.value is True):
        return None
    func = task.call.func
    op_node = func.value if isinstance(func, ast.Attribute) and func.attr == "partial" else func
    name = _defined_in(project, importer, op_node, module)
    classes = {n.name: n for n in project.scans[module].tree.body if isinstance(n, ast.ClassDef)}
    seen: Set[str] = set()
    while name in classes and name not in seen:  # up the bases the module defines itself
        seen.add(name)
        node = classes[name]
        if "do_xcom_push" in ast.unparse(node):
            return None  # the class decides whether it pushes: not decidable here
        methods = [m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "execute"]
        if methods:
            return methods[0] if len(methods) == 1 else None
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        name = bases[0] if len(bases) == 1 and len(node.bases) == 1 else None
    return None


def foreign_task(task: Task, callable_name: Optional[str], execute: Optional[ast.AST] = None) -> Task:
    """A task of another file, as a read-only record in a module's context scan.

    Its ids, group, DAG and operator are kept. A task made of an operator class
    of the module runs that class's ``execute``: it is recorded as a plain
    TaskFlow task of that function, whose return value is its XCom (so the
    returns and pushed keys of ``execute`` are sites, in the module). A TaskFlow
    task of the other file becomes an opaque operator (its function is in the
    other file: no returns or keys of it are offered), and ``callable_name``
    names the module's function a PythonOperator runs, or nothing."""
    if execute is not None:
        return dataclasses.replace(task, kind="taskflow", node=execute, call=None, callable_name=None,
                                   flavour="python")
    if task.kind == "taskflow":
        return dataclasses.replace(task, kind="operator", operator=None, origin=None, callable_name=None, flavour=None)
    return dataclasses.replace(task, callable_name=callable_name)


def context_scan(project: Project, path: str) -> FileScan:
    """The module's scan with the tasks of every file importing it."""
    own = project.scans[path]
    tasks = list(own.tasks)
    for importer in project.importers(path):
        for task in project.scans[importer].tasks:
            tasks.append(foreign_task(task, _callable_in(project, importer, task, path),
                                      _execute_in(project, importer, task, path)))
    # tasks of several files: only tasks of the same DAG node share a DAG
    # (dag_count 1 would make every pair the same DAG)
    return dataclasses.replace(own, tasks=tasks, strings=own.strings | project.strings,
                               dag_count=max(2, own.dag_count), _by_id=None, _graph=None)


# --------------------------------------------------------------------------- mutants


@dataclass
class Site:
    """One mutant of one file of a repository."""

    repo: str
    path: str  # repository-relative
    role: str  # "dag" (a DAG file) or "module" (a module DAG files import)
    mutant: Mutant
    original: str  # the file's source before the mutation


def file_mutants(project: Project, path: str, seed: int, kinds: Sequence[str], per_file: int) -> List[Mutant]:
    scan = project.scans[path]
    if path in project.dag_files:
        return mutants_of(scan, seed, kinds, per_file)
    own = [k for k in kinds if k in OWN_KINDS]
    context = [k for k in kinds if k not in OWN_KINDS]
    return mutants_of(context_scan(project, path), seed, context, per_file) + mutants_of(scan, seed, own, per_file)


def sample(sites: List[Site], limit: int, seed: int, key: str) -> List[Site]:
    """At most ``limit`` sites, drawn with a generator seeded by (seed, key), in file order."""
    if limit < 0 or len(sites) <= limit:
        return sites
    rng = random.Random(int.from_bytes(hashlib.sha256(f"{seed}\0{key}".encode()).digest()[:8], "big"))
    chosen = sorted(rng.sample(range(len(sites)), limit))
    return [sites[i] for i in chosen]


def repository_sites(project: Project, repo: str, seed: int, kinds: Sequence[str] = KINDS, per_file: int = 3,
                     limit: int = -1) -> Tuple[List[Site], Dict[str, int]]:
    """The sampled mutants of a repository (at most ``limit`` per role, -1: all),
    and the number of candidates per role before sampling."""
    by_role: Dict[str, List[Site]] = {"dag": [], "module": []}
    for role, paths in (("dag", project.dag_files), ("module", project.modules)):
        for path in paths:
            for mutant in file_mutants(project, path, seed, kinds, per_file):
                by_role[role].append(Site(repo, path, role, mutant, project.sources[path]))
    candidates = {role: len(found) for role, found in by_role.items()}
    chosen = [s for role, found in by_role.items() for s in sample(found, limit, seed, f"{repo}\0{role}")]
    return chosen, candidates
