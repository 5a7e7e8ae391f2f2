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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from .config import ConfigError, FileConfig, check_code, find_config_for_paths, load_config_file, parse_airflow_version
from .discovery import anchor
from .rules import all_rules
from .settings import Settings, select_codes

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
    version = values.get("airflow-version", 3)
    if airflow_version is not None:
        version = parse_airflow_version(airflow_version, lambda m: error(m, "--airflow-version"))
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
    )
    return ResolvedSettings(settings, os.path.abspath(path) if path else None)


def describe(resolved: ResolvedSettings, paths: Sequence[str]) -> List[str]:
    """``--show-settings``: where the settings come from and what they are."""
    settings = resolved.settings
    import json

    def quoted(items: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    lines = [
        f"configuration file: {resolved.config_path or 'none (the defaults)'}",
        f"linted paths: {', '.join(paths)}",
        f"select = {quoted(sorted(settings.selected))}",
        f"airflow-version = {settings.airflow_version}",
        f"serialization = {json.dumps(settings.serialization)}",
        f"large-value-bytes = {settings.large_value_bytes}",
        f"exclude = {quoted(settings.exclude)}",
        f"allowlist = {json.dumps(settings.allowlist) if settings.allowlist else 'none'}",
    ]
    lines.append("per-file-ignores = {" + ", ".join(f"{json.dumps(pattern)} = {quoted(codes)}"
                                                  for pattern, codes in settings.per_file_ignores) + "}")
    lines += [
        f"fixable = {quoted(settings.fixable)}",
        f"unfixable = {quoted(settings.unfixable)}",
        f"extend-safe-fixes = {quoted(settings.extend_safe_fixes)}",
        f"extend-unsafe-fixes = {quoted(settings.extend_unsafe_fixes)}",
    ]
    for code, options in settings.rule_options:
        for name, value in options:
            shown = quoted(value) if isinstance(value, tuple) else json.dumps(value)
            lines.append(f"rule-options.{code}.{name} = {shown}")
    return lines


__all__ = ["ConfigError", "ResolvedSettings", "SeveralConfigurations", "describe", "display_path",
           "resolve_settings", "split_values"]
