"""Which files of the project import which: the reverse dependencies of a module.

Pre-commit passes only the changed files. When a helper changes and no DAG
file does, the helper alone says little (its pulls run in tasks of DAGs it
does not define); so the DAG files that import it, directly or through other
modules, are linted too, as context, and only what they find in the helper is
reported (SPEC section 7).

Imports are read from the text with a pattern, not a parse: every file of the
project is read on such a run, and a parse of each would cost more than the
lint. The pattern reads ``import a.b``, ``import a.b as c``, ``from a.b import
c, d`` (also in parentheses over several lines) and relative imports; an
import it misreads can only add or miss a file of context, never a finding of
a linted file.
"""

from __future__ import annotations

import os
import re
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from .resolution import ABSENT, ModuleRef, Project

# a statement starts a line or follows a ``;``; the names run to the end of the
# line (``\\`` continues it) or, in parentheses, to the closing one past any
# comments (which may hold a parenthesis of their own)
_IMPORT = re.compile(
    r"(?:^|;)[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]*"
    r"(?P<names>\((?:[^)#]|#[^\n]*\n)*\)|(?:[^\n#;\\]|\\\r?\n)*)"
    r"|import[ \t]+(?P<plain>(?:[^\n#;\\]|\\\r?\n)+))",
    re.MULTILINE,
)
_COMMENT = re.compile(r"#[^\n]*")
_RELATIVE = re.compile(rb"from[ \t]+\.")
_CONTINUATION = re.compile(r"\\\r?\n")


def imported_files(source: str, path: str, project: Project) -> Set[str]:
    """The project files that the file at ``path`` imports."""
    found: Set[str] = set()
    for match in _IMPORT.finditer(source):
        for ref in _refs(match, path, project):
            if ref.path is not None:
                found.add(ref.path)
    return found


def imports_project_code(source: str, path: str, project: Project) -> bool:
    """Whether the file imports any module of the project (its model then needs
    the project's code, whatever the file's own text holds)."""
    if "import" not in source:
        return False
    return any(ref.path is not None for match in _IMPORT.finditer(source) for ref in _refs(match, path, project))


def missing_imports(source: str, path: str, project: Project) -> Tuple[Tuple[str, str], ...]:
    """For a file whose imports name no module of the project: where a file or
    folder would make one of them a module (``Project.missing_paths``), as
    dependencies of its cached result. Such a file may need no model at all;
    a helper created later that it imports changes that."""
    missing: Set[str] = set()
    for match in _IMPORT.finditer(source):
        plain = match.group("plain")
        if plain is not None:
            for part in _CONTINUATION.sub(" ", plain).split(","):
                name = part.split(" as ")[0].strip()
                missing.update(project.missing_paths(0, name, path))
            continue
        module = match.group("module") or ""
        level = len(module) - len(module.lstrip("."))
        names = _CONTINUATION.sub(" ", _COMMENT.sub("", match.group("names"))).strip().strip("()")
        for part in names.split(","):
            name = part.split(" as ")[0].strip()
            if name.isidentifier():  # ``from a import b``: ``a.b`` may be a module
                missing.update(project.missing_paths(level, ".".join(p for p in (module[level:], name) if p), path))
    return tuple(sorted((found, ABSENT) for found in missing))


def _refs(match: "re.Match[str]", path: str, project: Project) -> Iterable[ModuleRef]:
    plain = match.group("plain")
    if plain is not None:
        for part in _CONTINUATION.sub(" ", plain).split(","):
            name = part.split(" as ")[0].strip()
            ref = project.find(name, path) if name else None
            if ref is not None:
                yield ref
        return
    module = match.group("module") or ""
    level = len(module) - len(module.lstrip("."))
    base = project.find_relative(level, module[level:], path) if level else project.find(module, path)
    if base is None:
        return
    yield base
    # ``from package import module``: the names may be modules of their own
    names = _CONTINUATION.sub(" ", _COMMENT.sub("", match.group("names"))).strip().strip("()")
    for part in names.split(","):
        name = part.split(" as ")[0].strip()
        if name.isidentifier():
            sub = project.submodule(base, name)
            if sub is not None:
                yield sub


def importers_of(targets: Sequence[str], project: Project, skipped: Set[str], exclude: Sequence[str] = ()) -> List[str]:
    """The files of the project, other than ``skipped`` and those ``exclude``
    leaves out, that import one of ``targets`` directly or through other
    modules, whose text looks like a DAG file's (it says ``airflow``; the
    others only pass the import on)."""
    wanted = {os.path.abspath(t) for t in targets}
    if project.root is None or not wanted:
        return []
    skipped_abs = {os.path.abspath(s) for s in skipped}
    files = project.module_files(exclude)
    if all(path in skipped_abs for path in files):
        return []  # the whole project is linted (a CI run): no file is left to be context
    contents: Dict[str, bytes] = {}
    for path in files:
        try:
            with open(path, "rb") as handle:
                contents[path] = handle.read()
        except OSError:
            continue
    imports: Dict[str, Set[str]] = {}  # read only for files that may import a target
    found: Set[str] = set()
    todo = list(wanted)
    while todo:
        current = todo.pop()
        word = _module_word(current).encode("utf-8", "surrogateescape")
        for path, data in contents.items():
            if path in found or path in wanted or (word not in data and not _RELATIVE.search(data)):
                continue
            if path not in imports:
                imports[path] = imported_files(data.decode("utf-8", "replace"), path, project)
            if current in imports[path]:
                found.add(path)
                todo.append(path)
    return sorted(p for p in found if p not in skipped_abs and b"airflow" in contents.get(p, b"").lower())


def _module_word(path: str) -> str:
    """A word every absolute import of the module at ``path`` spells: its own
    name (``import a.helpers``, ``from a import helpers``, ``from .helpers
    import x``), or its package's for an ``__init__.py``. Relative imports
    that name only dots (``from . import x``) are read in every file that has
    one. Only files holding the word or such an import have their imports
    read: on a run of one changed file, most of a large tree is skipped."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    return os.path.basename(folder) if stem == "__init__" else stem
