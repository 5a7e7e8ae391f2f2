"""The flake8 plugin: xcomlint's findings as flake8 errors under the ``XCL`` prefix.

Registered as the ``flake8.extension`` entry point ``XCL``, so ``flake8 --select XCL``
and every editor that runs flake8 show xcomlint's findings. The plugin runs the
same engine as ``xcomlint check`` (``lint_source``) with the same settings: the
configuration file is found the way the command line finds it (walking up from
each file's folder, else from the current directory), or given with
``--xcomlint-config``.

Which findings show is then up to flake8: ``--select``/``--ignore``/``--extend-ignore``
filter what the plugin yields, and flake8's own ``# noqa`` applies on top of
xcomlint's (which also honours the file-level ``# xcomlint: noqa`` and, for a
finding inside a multi-line string, a ``# noqa`` on the line where the string ends).
A rule that is off in xcomlint's configuration (XCL105 by default) does not run,
whatever flake8 selects.

Syntax errors: flake8 parses every file with Python's own parser first; when that
fails it reports E999 and runs no plugin, so xcomlint adds no XCL001 of its own.
The plugin reports XCL001 only for a file that Python accepts but xcomlint's
parser cannot read, so that such a file is never silently left unchecked.

Rules that need the whole project at once (the run scope) do not run here:
flake8 hands a plugin one file at a time. ``xcomlint check`` runs them.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import sys
from typing import Any, ClassVar, Iterator, List, Optional, Tuple, Type

from . import __version__
from .config import ConfigError
from .findings import Finding
from .reporters.text import one_line
from .settings import Settings

Error = Tuple[int, int, str, Type[Any]]


class XcomlintConfigError(Exception):
    """xcomlint's configuration is invalid: flake8 stops and shows this message."""


def settings_for(config_path: Optional[str], filename: str) -> Settings:
    """The settings ``xcomlint check`` would use for ``filename``: the given
    configuration file, else the one found by walking up from the file's folder
    (else from the current directory), as the command line finds it."""
    from .config import find_config_for_paths

    if config_path is None:
        config_path, _ = find_config_for_paths([filename])
    return _settings_of(config_path, os.getcwd())


@functools.lru_cache(maxsize=8)
def _settings_of(config_path: Optional[str], working_directory: str) -> Settings:
    """Cached per process: flake8 runs the plugin once per file, each
    configuration file is read once. The working directory is part of the key:
    the allow-list's path is shown relative to it."""
    from .cli import load_settings  # the command line's own loader (imported late: see findings)

    try:
        # None: there is none here nor in the current directory, so the defaults
        return load_settings(config_path)
    except ConfigError as error:
        raise XcomlintConfigError(f"xcomlint configuration: {error}") from None


class XcomlintChecker:
    name = "xcomlint"
    version = __version__

    config_path: ClassVar[Optional[str]] = None

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        # ``tree`` is unused, but asking for it makes this an AST plugin, which
        # flake8 runs once per file and only after Python's parser accepted it
        self.filename = filename
        self.lines = lines
        # read here rather than in run(): flake8 turns an exception raised while a
        # plugin is created into a one-line error naming the plugin, not a traceback
        self.settings = settings_for(self.config_path, filename)

    @classmethod
    def add_options(cls, parser: Any) -> None:
        parser.add_option(
            "--xcomlint-config",
            default=None,
            parse_from_config=True,
            normalize_paths=True,
            help="xcomlint configuration file (default: found like 'xcomlint check' finds it)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.config_path = getattr(options, "xcomlint_config", None)

    def findings(self) -> List[Finding]:
        # the engine (and libcst) is imported on first use, not when flake8 loads its
        # plugins, so that ``flake8 --version`` or ``--help`` stays quick
        from .engine import lint_source, project_of_run

        # the file's own project, as ``xcomlint check`` would follow its imports;
        # findings in a module it runs stand at its own lines (only it is linted)
        project = project_of_run(self.settings, [self.filename]) if self.filename not in ("-", "stdin") else None
        result = lint_source(self.filename, "".join(self.lines), self.settings, project=project)
        for error in result.errors:
            # a rule that raised: say so, and still report what the other rules found
            rule = f" in rule {error.rule}" if error.rule else ""
            sys.stderr.write(f"xcomlint: internal error{rule} on {error.path}: {error.message}\n")
        return sorted(result.findings, key=lambda f: f.sort_key)

    def run(self) -> Iterator[Error]:
        for finding in self.findings():
            # flake8 takes a 0-based column and shows it 1-based, as xcomlint does
            yield finding.line, finding.column - 1, f"{finding.code} {one_line(finding.message)}", type(self)
