"""What the server knows of a file: the settings and project the command line
would use for it, and the findings and model of a buffer's text.

Settings are resolved as ``xcomlint check --stdin-filename FILE`` resolves them
(the configuration found by walking up from the file's folder, the project
root above it), once per folder until a file is saved or the client reports a
changed file: a saved configuration applies from then on. The project (the
repository's own modules a file imports) is kept per import roots, so its
parsed modules serve every buffer; a module is read again when it changes on
disk (``Project.parsed``), so a saved helper counts at the next lint.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Dict, List, Tuple

from ..engine import FileResult, lint_source, project_of_run
from ..findings import Finding
from ..fix_policy import with_fix_policy
from ..project import Project
from ..settings import Settings


@dataclass(frozen=True)
class Linted:
    """One lint of one text: the findings shown (the configuration's fix policy
    applied, only those in the file itself) and the result they came from."""

    path: str
    text: str
    settings: Settings
    result: FileResult
    findings: Tuple[Finding, ...]
    project: Project


def _in_file(finding: Finding, path: str) -> bool:
    return os.path.abspath(finding.path) == path


class Linter:
    """Settings, projects and recent results, for a long-lived process."""

    # the models kept for navigation: the open buffers and the DAG files of modules
    MODELS_KEPT = 64

    def __init__(self) -> None:
        self._settings: Dict[str, Settings] = {}
        self._projects: Dict[Tuple[object, ...], Project] = {}
        self._full: "OrderedDict[Tuple[str, str], Linted]" = OrderedDict()
        self._importers: Dict[str, List[str]] = {}

    def forget(self) -> None:
        """A file was saved, created or deleted: the configuration, the
        project's modules and the places imports resolve to may all differ."""
        self._settings.clear()
        self._projects.clear()
        self._full.clear()
        self._importers.clear()

    def settings_for(self, path: str) -> Settings:
        """The settings ``xcomlint check`` would use for ``path``; raises
        ``ConfigError`` for a configuration it would refuse."""
        folder = os.path.dirname(path)
        found = self._settings.get(folder)
        if found is None:
            from ..cli import load_settings  # the command line's own loader

            found = load_settings(None, paths=[path])
            self._settings[folder] = found
        return found

    def project_for(self, settings: Settings, path: str) -> Project:
        key = (settings.project_root, settings.src, settings.dags_folder, settings.plugins_folder)
        project = self._projects.get(key)
        if project is None:
            project = project_of_run(settings, [path])
            self._projects[key] = project
        return project

    def lint(self, path: str, text: str) -> Linted:
        """Lint a buffer as the command line lints standard input for ``path``."""
        settings = self.settings_for(path)
        return self._lint(path, text, settings)

    def _lint(self, path: str, text: str, settings: Settings) -> Linted:
        project = self.project_for(settings, path)
        result = lint_source(path, text, settings, project=project)
        findings = [f for f in with_fix_policy(result.findings, settings) if _in_file(f, path)]
        return Linted(path, text, settings, result, tuple(sorted(findings, key=lambda f: f.sort_key)), project)

    def full(self, path: str, text: str) -> Linted:
        """A lint whose model has every position (tasks, DAGs, every push):
        what navigation reads. Kept per text, since navigation asks again and
        again of the same buffer."""
        key = (path, hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest())
        found = self._full.get(key)
        if found is not None:
            self._full.move_to_end(key)
            return found
        settings = self.settings_for(path)
        found = self._lint(path, text, replace(settings, full_model=True))
        self._full[key] = found
        while len(self._full) > self.MODELS_KEPT:
            self._full.popitem(last=False)
        return found

    def importers(self, path: str) -> List[str]:
        """The DAG files of the project that import the module at ``path``
        (directly or through other modules): where its pulls and pushes run.
        Found once until a file is saved: finding them reads the whole project."""
        from ..project.importers import importers_of

        found = self._importers.get(path)
        if found is None:
            settings = self.settings_for(path)
            found = importers_of([path], self.project_for(settings, path), {path}, settings.exclude)
            self._importers[path] = found
        return found
