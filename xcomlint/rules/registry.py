"""The rule catalog: every rule registers itself here with its code and defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from ..findings import Fix
from ..model.records import Span

DAG_SCOPE = "dag"  # sees one DAG of one file
FILE_SCOPE = "file"  # sees one file model
RUN_SCOPE = "run"  # sees every file of the run
NOQA_SCOPE = "noqa"  # sees one file's noqa directives once every other rule is done (XCL002)


@dataclass(frozen=True)
class Report:
    """What a rule says: where, what, and optionally which task."""

    span: Span
    message: str
    task_id: Optional[str] = None
    extra_noqa_lines: Tuple[int, ...] = ()
    path: Optional[str] = None  # run-scope rules name the file
    severity: Optional[str] = None  # overrides the rule's default (e.g. per Airflow version)
    dag_id: Optional[str] = None  # run-scope rules name the DAG
    fix: Optional[Fix] = None  # text edits in the finding's file (see rules/fixes.py)


@dataclass(frozen=True)
class RuleOption:
    """A per-rule setting: ``[tool.xcomlint.rule-options.XCL204] ignore-keys = [...]``."""

    name: str
    kind: type  # list (of strings), int, bool or str
    default: object
    help: str


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, name and one-line summary, whether it runs by default,
    how severe its findings are, what it checks (a file, a DAG, the run) and its options."""

    code: str
    name: str
    summary: str
    default: bool
    severity: str
    scope: str
    check: Callable[..., Iterable[Report]]
    options: Tuple[RuleOption, ...] = ()


RULES: Dict[str, Rule] = {}


def rule(code: str, name: str, summary: str, *, default: bool = True, severity: str = "error", scope: str = DAG_SCOPE,
         options: Tuple[RuleOption, ...] = ()):
    """Register a rule function: ``check(subject, context) -> Iterator[Report]``."""

    def register(check: Callable[..., Iterator[Report]]) -> Callable[..., Iterator[Report]]:
        if code in RULES:
            raise ValueError(f"duplicate rule code {code}")
        RULES[code] = Rule(code, name, summary, default, severity, scope, check, options)
        return check

    return register


def all_rules() -> List[Rule]:
    from . import catalog  # noqa: F401  (importing the catalog registers every rule)

    return [RULES[code] for code in sorted(RULES)]


def get_rule(code: str) -> Optional[Rule]:
    all_rules()
    return RULES.get(code.upper())
