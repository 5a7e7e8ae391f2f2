"""Configuration: ``[tool.xcomlint]`` in pyproject.toml, ``.xcomlint.yaml`` or ``.xcomlint.toml``.

Found by walking up from the linted paths, like ruff (``--config`` overrides).
Every key and value is validated before anything runs; an error names the
file, the line and the key (``ConfigError``), and the CLI exits 2. Paths in a
configuration file (``exclude``, ``per-file-ignores``, ``allowlist``, ``src``,
``dags-folder``, ``plugins-folder``) are relative to that file's directory,
whatever the working directory.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    import yaml

CONFIG_NAMES = (".xcomlint.yaml", ".xcomlint.yml", ".xcomlint.toml", "pyproject.toml")
_CODE = re.compile(r"^(ALL|[A-Z]{1,5}[0-9]{0,3})$")


class ConfigError(Exception):
    def __init__(self, path: str, line: Optional[int], key: Optional[str], message: str) -> None:
        self.path, self.line, self.key, self.message = path, line, key, message
        where = f"{path}:{line}" if line else path
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}: {what}{message}")


@dataclass
class FileConfig:
    """The raw, validated values of one configuration file."""

    path: Optional[str] = None
    values: Dict[str, Any] = field(default_factory=dict)


def find_config(start: Optional[str] = None) -> Optional[str]:
    """The configuration file of ``start`` (a directory; default: the current
    one) or of its nearest ancestor that has one."""
    # absolute, not resolved: a linted folder that is a symbolic link into the
    # project still belongs to the project it is linked from
    directory = Path(os.path.abspath(start or os.getcwd()))
    for folder in [directory, *directory.parents]:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _pyproject_has_section(candidate):
                continue
            return str(candidate)
    return None


def find_config_for_paths(paths: Sequence[str]) -> Tuple[Optional[str], List[str]]:
    """The configuration found by walking up from each linted path (a file's
    own directory, a directory itself), falling back to the current directory
    when none of them has one. Returns it with every distinct file found: one
    run uses one configuration, so more than one is the caller's error to report."""
    found: List[str] = []
    for given in paths:
        if given == "-":
            continue
        start = given if os.path.isdir(given) else os.path.dirname(os.path.abspath(given))
        config = find_config(start)
        if config is not None and config not in found:
            found.append(config)
    if not found:
        config = find_config()
        return config, [config] if config else []
    return found[0], found


def _pyproject_has_section(path: Path) -> bool:
    try:
        return re.search(r"^\s*\[tool\.xcomlint[\].]", path.read_text(encoding="utf-8"), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


# ---------------------------------------------------------------- reading
def _read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, None, f"cannot read the configuration: {error}") from None


def _yaml_lines(node: yaml.Node, prefix: str = "") -> Dict[str, int]:
    import yaml

    lines: Dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 1
            lines.update(_yaml_lines(value_node, key + "."))
    return lines


def _load_yaml(path: str, text: str) -> Tuple[Dict[str, Any], Dict[str, int]]:
    import yaml  # only a YAML configuration needs it

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(path, line, None, f"invalid YAML: {problem}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(path, 1, None, "the configuration must be a mapping of keys to values")
    return data, _yaml_lines(node) if node is not None else {}


_TOML_HEADER = re.compile(r"^\[\s*([^\[\]]+?)\s*\](?:\s*#.*)?$")
_TOML_KEY = re.compile(r"""^(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[A-Za-z0-9_.\-]+))\s*=""")


def _toml_lines(text: str, section: Optional[str]) -> Dict[str, int]:
    """Line numbers of the keys of one TOML table (tomllib gives none), dotted
    from the table: ``per-file-ignores.dags/*``. A ``[table]`` header gives the
    line of the table itself, so that an error inside it still names a line."""
    lines: Dict[str, int] = {}
    # the current table relative to ``section``: "" is the section itself,
    # None a table outside it
    table: Optional[str] = "" if section is None else None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = _TOML_HEADER.match(stripped)
        if header:
            name = re.sub(r"[\s\"']", "", header.group(1))
            if section is None:
                table = name
            elif name == section:
                table = ""
            elif name.startswith(section + "."):
                table = name[len(section) + 1:]
            else:
                table = None
            if table:
                _set_line(lines, table, number)
            continue
        key = _TOML_KEY.match(stripped)
        if key is None or table is None:
            continue
        name = next(group for group in key.group("double", "single", "bare") if group is not None)
        _set_line(lines, f"{table}.{name}" if table else name, number)
    return lines


def _set_line(lines: Dict[str, int], dotted: str, number: int) -> None:
    """``a.b.c`` and, unless seen earlier, ``a`` and ``a.b`` (a dotted key or
    a ``[a.b]`` header defines its parents there)."""
    parts = dotted.split(".")
    for end in range(1, len(parts) + 1):
        lines.setdefault(".".join(parts[:end]), number)


def _load_toml(path: str, text: str, section: Optional[str]) -> Tuple[Dict[str, Any], Dict[str, int]]:
    # imported here: most runs read no TOML (a pyproject.toml without a
    # [tool.xcomlint] table is never parsed)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in str(error):
            line = max(1, len(text.splitlines()))
        raise ConfigError(path, line, None, f"invalid TOML: {error}") from None
    if section is not None:
        for part in section.split("."):
            data = data.get(part, {}) if isinstance(data, dict) else {}
    return data, _toml_lines(text, section)


def load_config_file(path: str, known_codes: Sequence[str]) -> FileConfig:
    text = _read_text(path)
    name = os.path.basename(path)
    if name.endswith((".yaml", ".yml")):
        data, lines = _load_yaml(path, text)
    elif name == "pyproject.toml":
        data, lines = _load_toml(path, text, "tool.xcomlint")
    else:
        data, lines = _load_toml(path, text, None)
        tool = data.get("tool")
        if isinstance(tool, dict) and "xcomlint" in tool:
            # any TOML file may hold the settings as pyproject.toml does, in [tool.xcomlint]
            data, lines = _load_toml(path, text, "tool.xcomlint")
    values = validate(data, path, lines, known_codes)
    return FileConfig(path, values)


# ------------------------------------------------------------- validation
def _codes(value: Any, path: str, line: Optional[int], key: str, known: Sequence[str]) -> List[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, line, key, "expected a list of rule codes or prefixes, e.g. [\"XCL1\", \"XCL201\"]")
    for code in value:
        check_code(code, known, lambda message: ConfigError(path, line, key, message))
    return [v.upper() for v in value]


def check_code(code: str, known: Sequence[str], error: Any) -> None:
    upper = code.upper()
    if not _CODE.match(upper):
        raise error(f"'{code}' is not a rule code or prefix (like XCL103 or XCL1)")
    if upper != "ALL" and not any(k.startswith(upper) for k in known):
        raise error(f"'{code}' matches no rule; see 'xcomlint rules'")


def _strings(value: Any, path: str, line: Optional[int], key: str) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, line, key, "expected a list of strings")
    return list(value)


def validate(data: Dict[str, Any], path: str, lines: Dict[str, int], known: Sequence[str]) -> Dict[str, Any]:
    """The checked values; paths and path patterns are made absolute from the
    configuration file's directory."""
    from .discovery import anchor

    root = os.path.dirname(os.path.abspath(path))
    values: Dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("_", "-")
        line = lines.get(str(raw_key))
        if key in ("select", "ignore", "extend-select") or key in FIX_KEYS:
            values[key] = _codes(value, path, line, key, known)
        elif key in ("exclude", "extend-exclude"):
            values[key] = [anchor(pattern, root) for pattern in _strings(value, path, line, key)]
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(path, line, key, "expected a mapping of file globs to rule codes")
            values[key] = {
                anchor(str(pattern), root): _codes(
                    codes, path, lines.get(f"{raw_key}.{pattern}", line), f"{key}.{pattern}", known)
                for pattern, codes in value.items()
            }
        elif key == "allowlist":
            if not isinstance(value, str) or not value:
                raise ConfigError(path, line, key, "expected the path of the allow-list YAML file")
            values[key] = os.path.normpath(os.path.join(root, value))
        elif key == "src":
            folders = _strings(value, path, line, key)
            if not all(folders):
                raise ConfigError(path, line, key, "expected a list of folder paths, e.g. [\".\", \"src\"]")
            values[key] = [os.path.normpath(os.path.join(root, folder)) for folder in folders]
        elif key in ("dags-folder", "plugins-folder"):
            if not isinstance(value, str) or not value:
                raise ConfigError(path, line, key, f"expected the path of a folder, e.g. \"{key.split('-')[0]}\"")
            values[key] = os.path.normpath(os.path.join(root, value))
        elif key == "airflow-version":
            values[key] = parse_airflow_version(value, lambda m: ConfigError(path, line, key, m))
        elif key == "serialization":
            if value not in ("json", "airflow"):
                raise ConfigError(path, line, key, f"expected 'json' or 'airflow', got {value!r}")
            values[key] = value
        elif key == "rule-options":
            values[key] = _rule_options(value, path, lines, str(raw_key), line)
        elif key == "unsafe-fixes":
            if not isinstance(value, bool):
                raise ConfigError(path, line, key, f"expected true or false, got {value!r}")
            values[key] = value
        elif key == "large-value-bytes":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(path, line, key, f"expected a positive number of bytes, got {value!r}")
            values[key] = value
        else:
            hint = _did_you_mean(key, KNOWN_KEYS)
            raise ConfigError(path, line, str(raw_key), f"unknown key{hint}; known keys: {', '.join(KNOWN_KEYS)}")
    return values


# which rules' fixes --fix applies, as in ruff: codes or prefixes
FIX_KEYS = ("fixable", "unfixable", "extend-safe-fixes", "extend-unsafe-fixes")
KNOWN_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude", "per-file-ignores", "allowlist",
              "airflow-version", "serialization", "large-value-bytes", "src", "dags-folder", "plugins-folder",
              "rule-options") + FIX_KEYS + ("unsafe-fixes",)


def _did_you_mean(word: str, candidates: Sequence[str]) -> str:
    import difflib

    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{found[0]}'?)" if found else ""


def _rule_options(value: Any, path: str, lines: Dict[str, int], raw_key: str, line: Optional[int]) -> Dict[str, Dict[str, Any]]:
    """``rule-options: {XCL204: {ignore-keys: [...]}}``, checked against what each rule declares."""
    from .rules import all_rules

    if not isinstance(value, dict):
        raise ConfigError(path, line, raw_key, "expected a table of rule codes to their options")
    declared = {rule.code: {option.name: option for option in rule.options} for rule in all_rules()}
    result: Dict[str, Dict[str, Any]] = {}
    for code, options in value.items():
        where = f"{raw_key}.{code}"
        code_line = lines.get(where, line)
        if code not in declared:
            hint = _did_you_mean(str(code), sorted(declared))
            raise ConfigError(path, code_line, where, f"not a rule code{hint}; see 'xcomlint rules'")
        if not isinstance(options, dict):
            raise ConfigError(path, code_line, where, "expected a table of option names to values")
        for name, option_value in options.items():
            option_where = f"{where}.{name}"
            option_line = lines.get(option_where, code_line)
            option = declared[code].get(str(name))
            if option is None:
                known = ", ".join(sorted(declared[code])) or "none"
                hint = _did_you_mean(str(name), sorted(declared[code]))
                raise ConfigError(path, option_line, option_where, f"unknown option for {code}{hint}; its options: {known}")
            ok = isinstance(option_value, option.kind) and not (option.kind is int and isinstance(option_value, bool))
            if option.kind is list:
                ok = isinstance(option_value, list) and all(isinstance(v, str) for v in option_value)
            if not ok:
                raise ConfigError(path, option_line, option_where, f"expected {option.kind.__name__}, got {option_value!r}")
            result.setdefault(code, {})[str(name)] = option_value
    return result


def parse_airflow_version(value: Any, error: Any) -> int:
    """``2``, ``3``, ``"2.10"`` or ``"3.1.0"``: only the major version matters here."""
    text = str(value).strip()
    major = text.split(".")[0]
    if isinstance(value, bool) or major not in ("2", "3"):
        raise error(f"expected Airflow version 2 or 3, got {value!r}")
    return int(major)
