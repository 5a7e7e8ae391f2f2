"""The settings of one run: the configuration file found for the linted paths,
with the command line's options layered on top, as ruff resolves them.

- The configuration file is found by walking up from each linted path (a
  file's folder, a directory itself), else from the current directory; one run
  uses one file, so paths that find different ones are a usage error.
- Rule selection is two layers, the file's then the command line's: a layer's
  ``select`` starts afresh, ``extend-select`` adds, ``ignore`` removes, and the
  more specific selector wins (``--select XCL103 --ignore XCL1`` keeps XCL103).
- ``--exclude`` replaces the file's ``exclude``; ``extend-exclude`` (file and
  command line) adds to it. Command-line patterns are relative to the current
  directory, the file's to its own directory.
- The project root is found as the configuration is, from the linted paths,
  else from the current directory (``project_root.find_project_root``), else
  it is the configuration file's folder. ``src`` defaults to ``[".", "src"]``
  from the configuration file's folder, else from the project root, else from
  the current directory, as ruff's does.
- The Airflow version: ``--airflow-version``, else the configuration's
  ``airflow-version``, else the one the project's files name
  (``airflow_version.infer_airflow_version``), else 3.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from .airflow_version import infer_airflow_version
from .config import ConfigError, FileConfig, check_code, find_config_for_paths, load_config_file, parse_airflow_version
from .discovery import anchor
from .project_root import find_project_root
from .rules import all_rules
from .settings import (
    DEFAULT_AIRFLOW_VERSION,
    VERSION_FROM_CLI,
    VERSION_FROM_CONFIG,
    VERSION_FROM_DEFAULT,
    Settings,
    select_codes,
)

DEFAULT_SRC = (".", "src")

ErrorFactory = Callable[[str, str], Exception]  # (message, option) -> the exception to raise


@dataclass(frozen=True)
class ResolvedSettings:
    """The settings of a run and the configuration file they came from."""

    settings: Settings
    config_path: Optional[str]  # the configuration file used, None for the defaults


class SeveralConfigurations(Exception):
    """The linted paths belong to different configuration files."""


def display_path(path: str) -> str:
    """A path as findings show it: relative to the current directory, like the
    paths of the linted files (absolute only across Windows drives)."""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return path


def split_values(values: Sequence[str]) -> List[str]:
    """Options that take a comma-separated list, given once or several times."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _codes(values: Sequence[str], option: str, error: ErrorFactory) -> List[str]:
    known = [r.code for r in all_rules()]
    codes = [code.upper() for code in split_values(values)]
    for code in codes:
        check_code(code, known, lambda message: error(message, option))
    return codes


def resolve_settings(
    config_path: Optional[str],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    airflow_version: Optional[str] = None,
    serialization: Optional[str] = None,
    allowlist: Optional[str] = None,
    *,
    paths: Sequence[str] = (),
    exclude: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
    error: ErrorFactory = lambda message, option: ValueError(f"{option}: {message}"),
) -> ResolvedSettings:
    """Raises ConfigError for a bad configuration file, ``error(...)`` for a bad
    option value and SeveralConfigurations when the paths disagree."""
    defaults = {r.code: r.default for r in all_rules()}
    path = config_path
    if path is None:
        path, found = find_config_for_paths(paths)
        if len(found) > 1:
            raise SeveralConfigurations(
                "the linted paths belong to different configuration files ("
                + ", ".join(display_path(f) for f in found)
                + "); lint them in separate runs, or choose one with --config")
    # read under the path errors show: relative to the current directory
    config = load_config_file(display_path(path), list(defaults)) if path else FileConfig()
    values = config.values
    chosen = select_codes(defaults, select=values.get("select"), extend_select=values.get("extend-select", ()),
                          ignore=values.get("ignore", ()))
    cli_select = _codes(select, "--select", error)
    cli_extend = _codes(extend_select, "--extend-select", error)
    cli_ignore = _codes(ignore, "--ignore", error)
    if cli_select or cli_extend or cli_ignore:
        chosen = select_codes(defaults, select=cli_select or None, extend_select=cli_extend, ignore=cli_ignore,
                              base=chosen)
    config_folder = os.path.dirname(os.path.abspath(path)) if path else None
    project_root = _project_root(paths) or config_folder
    if airflow_version is not None:
        version = parse_airflow_version(airflow_version, lambda m: error(m, "--airflow-version"))
        version_source = VERSION_FROM_CLI
    elif "airflow-version" in values:
        version, version_source = values["airflow-version"], VERSION_FROM_CONFIG
    else:
        # read only when nothing else chose: the files are the project's, not ours
        inferred = infer_airflow_version(project_root) if project_root else None
        version, version_source = inferred or (DEFAULT_AIRFLOW_VERSION, VERSION_FROM_DEFAULT)
    src_base = config_folder or project_root or os.getcwd()
    src = values.get("src", [os.path.normpath(os.path.join(src_base, folder)) for folder in DEFAULT_SRC])
    here = os.getcwd()
    patterns = [anchor(p, here) for p in split_values(exclude)] if exclude else list(values.get("exclude", ()))
    patterns += list(values.get("extend-exclude", ())) + [anchor(p, here) for p in split_values(extend_exclude)]
    allowlist_path = allowlist or values.get("allowlist")
    settings = Settings(
        selected=chosen,
        airflow_version=version,
        serialization=serialization or values.get("serialization", "json"),
        large_value_bytes=values.get("large-value-bytes", Settings.large_value_bytes),
        exclude=tuple(patterns),
        per_file_ignores=tuple((k, tuple(v)) for k, v in values.get("per-file-ignores", {}).items()),
        allowlist=display_path(allowlist_path) if allowlist_path else None,
        rule_options=tuple(
            (code, tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in sorted(options.items())))
            for code, options in sorted(values.get("rule-options", {}).items())
        ),
        fixable=tuple(values.get("fixable", Settings.fixable)),
        unfixable=tuple(values.get("unfixable", ())),
        extend_safe_fixes=tuple(values.get("extend-safe-fixes", ())),
        extend_unsafe_fixes=tuple(values.get("extend-unsafe-fixes", ())),
        unsafe_fixes=values.get("unsafe-fixes", False),
        src=tuple(src),
        dags_folder=values.get("dags-folder"),
        plugins_folder=values.get("plugins-folder"),
        project_root=project_root,
        airflow_version_source=version_source,
    )
    return ResolvedSettings(settings, os.path.abspath(path) if path else None)


def _project_root(paths: Sequence[str]) -> Optional[str]:
    """The project root of the first linted path that has one, else of the
    current directory (as the configuration file is found)."""
    for given in paths:
        if given == "-":
            continue
        root = find_project_root(given)
        if root is not None:
            return root
    return find_project_root(os.getcwd())


def describe(resolved: ResolvedSettings, paths: Sequence[str]) -> List[str]:
    """``--show-settings``: where the settings come from and what they are."""
    settings = resolved.settings
    import json

    from .project import project_for

    def quoted(items: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    def folder(value: Optional[str]) -> str:
        return json.dumps(value) if value else "none"

    lines = [
        f"configuration file: {resolved.config_path or 'none (the defaults)'}",
        f"linted paths: {', '.join(paths)}",
        f"project root: {settings.project_root or 'none (no pyproject.toml, .git or configuration above the paths)'}",
        f"select = {quoted(sorted(settings.selected))}",
        f"airflow-version = {settings.airflow_version}  # {_version_origin(settings.airflow_version_source)}",
        f"serialization = {json.dumps(settings.serialization)}",
        f"large-value-bytes = {settings.large_value_bytes}",
        f"exclude = {quoted(settings.exclude)}",
        f"allowlist = {folder(settings.allowlist)}",
        f"src = {quoted(settings.src)}",
        f"dags-folder = {folder(settings.dags_folder)}",
        f"plugins-folder = {folder(settings.plugins_folder)}",
        # where imports of the project's own modules are looked for (README, "Your own modules")
        f"import roots: the folders from each linted file up to the project root, then "
        f"{quoted(list(project_for(settings, paths).roots)) if paths else '[]'}",
    ]
    lines.append("per-file-ignores = {" + ", ".join(f"{json.dumps(pattern)} = {quoted(codes)}"
                                                  for pattern, codes in settings.per_file_ignores) + "}")
    lines += [
        f"fixable = {quoted(settings.fixable)}",
        f"unfixable = {quoted(settings.unfixable)}",
        f"extend-safe-fixes = {quoted(settings.extend_safe_fixes)}",
        f"extend-unsafe-fixes = {quoted(settings.extend_unsafe_fixes)}",
        f"unsafe-fixes = {json.dumps(settings.unsafe_fixes)}",
    ]
    for code, options in settings.rule_options:
        for name, value in options:
            shown = quoted(value) if isinstance(value, tuple) else json.dumps(value)
            lines.append(f"rule-options.{code}.{name} = {shown}")
    return lines


def _version_origin(source: Optional[str]) -> str:
    """The comment after ``airflow-version`` in ``--show-settings``."""
    if source == VERSION_FROM_CLI:
        return "from --airflow-version"
    if source == VERSION_FROM_CONFIG:
        return "from the configuration file"
    if source in (None, VERSION_FROM_DEFAULT):
        return "the default: no option, configuration or project file names one"
    return f"from {source}"


__all__ = ["ConfigError", "ResolvedSettings", "SeveralConfigurations", "describe", "display_path",
           "resolve_settings", "split_values"]
