"""The resolved settings of a run: which rules, which Airflow, which options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

DEFAULT_AIRFLOW_VERSION = 3
DEFAULT_LARGE_VALUE_BYTES = 64 * 1024
# where ``airflow_version`` came from when it was not read from the project
# (then the source names the file and line: "Dockerfile:1 (...)")
VERSION_FROM_CLI = "--airflow-version"
VERSION_FROM_CONFIG = "configuration"
VERSION_FROM_DEFAULT = "default"


@dataclass(frozen=True)
class Settings:
    """Everything a run's rules read from the configuration and the command line."""

    selected: FrozenSet[str] = frozenset()
    airflow_version: int = DEFAULT_AIRFLOW_VERSION
    serialization: str = "json"
    large_value_bytes: int = DEFAULT_LARGE_VALUE_BYTES
    exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    allowlist: Optional[str] = None
    rule_options: Tuple[Tuple[str, Tuple[Tuple[str, object], ...]], ...] = ()
    # the graph and allow-list commands need every DAG modelled with every
    # position; a check run models only what a rule can report (see prefilter)
    full_model: bool = False
    # which rules' fixes --fix may apply, and how sure they are (codes or
    # prefixes); they decide nothing about findings, so no cache key holds them
    fixable: Tuple[str, ...] = ("ALL",)
    unfixable: Tuple[str, ...] = ()
    extend_safe_fixes: Tuple[str, ...] = ()
    extend_unsafe_fixes: Tuple[str, ...] = ()
    # ``unsafe-fixes = true``: what --unsafe-fixes does, from the configuration
    # (the language server offers unsafe fixes only then, as ruff's does)
    unsafe_fixes: bool = False
    # the import roots of the project's own modules (SPEC section 7), absolute
    src: Tuple[str, ...] = ()
    dags_folder: Optional[str] = None
    plugins_folder: Optional[str] = None
    # the folder holding pyproject.toml or .git above the linted paths, absolute
    project_root: Optional[str] = None
    # where airflow_version came from: one of the VERSION_FROM_* texts, or the
    # project file it was read from ("requirements.txt:3 (apache-airflow==2.9.3)");
    # None for settings made in code
    airflow_version_source: Optional[str] = None

    @property
    def airflow_version_inferred(self) -> bool:
        """Whether the Airflow version was read from the project's files (no
        option, configuration or default chose it)."""
        return self.airflow_version_source not in (None, VERSION_FROM_CLI, VERSION_FROM_CONFIG, VERSION_FROM_DEFAULT)

    def rule_option(self, code: str, name: str, default: object = None) -> object:
        for rule_code, options in self.rule_options:
            if rule_code == code:
                return dict(options).get(name, default)
        return default

    def cache_key(self) -> str:
        """What changes per-file results: part of the cache key. The import
        roots (src, the DAGs and plugins folders, the project root) decide
        which project modules a file's imports resolve to; where the Airflow
        version came from does not matter, only the version."""
        return repr((sorted(self.selected), self.airflow_version, self.serialization,
                     self.large_value_bytes, self.rule_options, self.full_model, self.allowlist is not None,
                     self.src, self.dags_folder, self.plugins_folder, self.project_root))


def matches_any(code: str, prefixes: Sequence[str]) -> bool:
    return any(prefix == "ALL" or code.startswith(prefix) for prefix in prefixes)


def most_specific(code: str, first: Sequence[str], second: Sequence[str]) -> Optional[bool]:
    """Which of two lists of selectors speaks for ``code``: True for ``first``,
    False for ``second`` (also when both are as specific), None for neither."""
    best_first = max((_specificity(s) for s in first if matches_any(code, [s])), default=-1)
    best_second = max((_specificity(s) for s in second if matches_any(code, [s])), default=-1)
    if best_first < 0 and best_second < 0:
        return None
    return best_first > best_second


def _specificity(selector: str) -> int:
    """``ALL`` < ``XCL`` < ``XCL1`` < ``XCL10`` < ``XCL103``."""
    return 0 if selector == "ALL" else len(selector)


def select_codes(
    all_codes: Dict[str, bool],
    select: Optional[Sequence[str]] = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    base: Optional[FrozenSet[str]] = None,
) -> FrozenSet[str]:
    """ruff's selection: ``select`` replaces the defaults (or ``base``, what an
    earlier layer chose), ``extend-select`` adds, ``ignore`` removes; all take
    codes or prefixes (``XCL1``) or ``ALL``. The more specific selector wins
    (``select XCL103`` with ``ignore XCL1`` keeps XCL103); between selectors
    as specific as each other, ``ignore`` wins."""
    if select is not None:
        chosen = set()
    elif base is not None:
        chosen = set(base)
    else:
        chosen = {code for code, default in all_codes.items() if default}
    selectors = [(_specificity(s), 0, s) for s in list(select or ()) + list(extend_select)]
    selectors += [(_specificity(s), 1, s) for s in ignore]
    for _, is_ignore, selector in sorted(selectors):
        matched = {code for code in all_codes if matches_any(code, [selector])}
        if is_ignore:
            chosen -= matched
        else:
            chosen |= matched
    return frozenset(chosen)
