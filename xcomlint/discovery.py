"""Which files a run lints: explicit files as given, directories walked for ``*.py``."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from typing import List, Sequence, Tuple

# never worth walking into; an explicit path still wins
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", "node_modules",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".xcomlint_cache", "build", "dist", ".eggs"}
)


@dataclass(frozen=True)
class PathError:
    path: str
    message: str


def _display(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """Exclusion globs match the display path, any suffix of it, or a single name."""
    if not patterns:
        return False
    display = _display(path)
    parts = display.split("/")
    candidates = {display} | {"/".join(parts[i:]) for i in range(len(parts))}
    return any(fnmatch.fnmatchcase(c, p.rstrip("/")) for c in candidates for p in patterns)


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Tuple[List[str], List[PathError]]:
    files: List[str] = []
    errors: List[PathError] = []
    for given in paths:
        if given == "-":
            files.append("-")
            continue
        if os.path.isfile(given):
            files.append(_display(given))
        elif os.path.isdir(given):
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
        elif os.path.lexists(given):
            errors.append(PathError(given, "not a regular file or directory (a broken link?)"))
        else:
            errors.append(PathError(given, "no such file or directory"))
    return sorted(set(files), key=files.index), errors
