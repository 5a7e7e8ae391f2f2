"""What a rule may consult besides the model: the settings and cached graph facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, FrozenSet, Mapping, Optional

from ..model.graph import upstream_closure
from ..model.records import Dag
from ..settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from ..allowlist import AllowList


class RuleContext:
    def __init__(self, settings: Settings, allowlist: "Optional[AllowList]" = None) -> None:
        self.settings = settings
        self.allowlist = allowlist
        self._upstream: Dict[int, Mapping[str, FrozenSet[str]]] = {}

    @property
    def airflow_version(self) -> int:
        return self.settings.airflow_version

    def upstream(self, dag: Dag) -> Mapping[str, FrozenSet[str]]:
        key = id(dag)
        if key not in self._upstream:
            self._upstream[key] = upstream_closure(dag)
        return self._upstream[key]
