"""The project root: the folder a repository's own imports are resolved from
(SPEC section 7) and where the target Airflow version is looked for.

It is the nearest folder, from a linted path up, that holds ``pyproject.toml``
or ``.git`` (a folder in a clone, a file in a worktree or a submodule), as
Airflow's DAG bundles and most tools (ruff, pytest) take the repository's top.
Failing both, the nearest folder with an xcomlint configuration file
(``.xcomlint.yaml`` / ``.xcomlint.toml``) stands in for it: a project may be
configured without being a repository yet.
"""

from __future__ import annotations

import os
from typing import Optional

from .config import CONFIG_NAMES

ROOT_MARKERS = ("pyproject.toml", ".git")


def _start_folder(start: str) -> str:
    # absolute, not resolved, as find_config does: a linted folder that is a
    # symbolic link into the project belongs to the project it is linked from
    absolute = os.path.abspath(start)
    return absolute if os.path.isdir(absolute) else os.path.dirname(absolute)


def _ancestors(folder: str):
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def find_project_root(start: str) -> Optional[str]:
    """The absolute project root of ``start`` (a file or a folder, which need
    not exist: an editor's unsaved file still has a place), or None when no
    ancestor holds ``pyproject.toml``, ``.git`` or an xcomlint configuration."""
    folder = _start_folder(start)
    for candidate in _ancestors(folder):
        # exists, not isdir: a worktree's or a submodule's .git is a file
        if any(os.path.exists(os.path.join(candidate, marker)) for marker in ROOT_MARKERS):
            return candidate
    for candidate in _ancestors(folder):
        if any(os.path.isfile(os.path.join(candidate, name)) for name in CONFIG_NAMES):
            return candidate
    return None


__all__ = ["ROOT_MARKERS", "find_project_root"]
