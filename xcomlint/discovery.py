"""Which files a run lints: explicit files as given, directories walked for ``*.py``.

Exclusion patterns follow ruff's two kinds: a pattern without a slash
(``legacy``, ``*_test.py``) matches the name of any file or directory met
while walking; a pattern with a slash (``dags/legacy/*``) is a path relative
to the directory of the configuration file that sets it (the current
directory for ``--exclude``), made absolute by ``anchor`` when it is read.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass, field
from typing import List, Sequence

# never worth walking into; an explicit path still wins
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".xcomlint_cache", "build", "dist", ".eggs"}
)


@dataclass(frozen=True)
class PathError:
    """A path given to the run that cannot be linted, and why."""

    path: str
    message: str


@dataclass
class Discovered:
    """The files a run lints, the paths it cannot, and the directories without a Python file."""

    files: List[str] = field(default_factory=list)
    errors: List[PathError] = field(default_factory=list)
    # directories given to the run in which no Python file was found
    empty: List[str] = field(default_factory=list)


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _absolute(path: str) -> str:
    return os.path.abspath(path).replace(os.sep, "/")


def anchor(pattern: str, root: str) -> str:
    """A pattern as the matcher keeps it: a name pattern as written, a path
    pattern absolute from ``root`` (the characters of ``root`` itself taken
    literally, even a ``[`` in a folder name)."""
    cleaned = pattern.replace(os.sep, "/").rstrip("/")
    if "/" not in cleaned:
        return cleaned
    if os.path.isabs(cleaned):
        return _absolute(cleaned)
    return glob.escape(_absolute(root)) + "/" + os.path.normpath(cleaned).replace(os.sep, "/")


def is_excluded(path: str, patterns: Sequence[str], folders: bool = False) -> bool:
    """Whether ``path`` matches one of the (anchored) patterns: a name pattern
    its last component, a path pattern its absolute path. With ``folders``, a
    path pattern also matches the folders ``path`` is in (a walk checks each
    folder as it enters it, so only a single path needs them)."""
    if not patterns:
        return False
    absolute = _absolute(path)
    parts = absolute.split("/")
    prefixes = ["/".join(parts[:end]) for end in range(len(parts), 1, -1)] if folders else [absolute]
    for pattern in patterns:
        # a name pattern never looks at the folders: ``build`` must not match
        # every file of a checkout that happens to live in ~/build
        candidates = prefixes if "/" in pattern else parts[-1:]
        if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
            return True
    return False


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Discovered:
    found = Discovered()
    files = found.files
    for given in paths:
        if given == "-":
            files.append("-")
            continue
        if os.path.isfile(given):
            files.append(_display(given))
        elif os.path.isdir(given):
            before = len(files)
            seen_dirs = set()
            for root, dirs, names in os.walk(given, followlinks=True):
                real = os.path.realpath(root)
                if real in seen_dirs:  # a symlink loop: walk each directory once
                    dirs[:] = []
                    continue
                seen_dirs.add(real)
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in SKIPPED_DIRS and not d.endswith(".egg-info")
                    and not is_excluded(os.path.join(root, d), exclude)
                )
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and not is_excluded(full, exclude) and os.path.isfile(full):
                        files.append(_display(full))
            if len(files) == before:
                found.empty.append(given)
        elif os.path.lexists(given):
            found.errors.append(PathError(given, "not a regular file or directory (a broken link?)"))
        else:
            found.errors.append(PathError(given, "no such file or directory"))
    found.files = list(dict.fromkeys(files))  # each file once, where it was first given
    return found
