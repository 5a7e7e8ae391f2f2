"""Which dotted names a file's local names stand for.

A deliberately small replacement for libcst's QualifiedNameProvider (which
needs full scope analysis): DAG files import what they use at the top, and a
name imported anywhere in the file is taken to mean the same thing everywhere.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence, Set, cast

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    # ``type() is``: concrete libcst classes have no subclasses, and isinstance
    # goes through ABCMeta (this runs for every call the model reads)
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is cst.Name:
        parts.append(node.value)  # type: ignore[attr-defined]
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.BaseExpression) -> str:
    return dotted_name(node) or ""


class ImportTable:
    """Maps a local name to the dotted name it was imported as."""

    def __init__(self) -> None:
        self.names: Dict[str, str] = {}

    def add(self, statement: cst.CSTNode) -> None:
        if type(statement) is cst.Import:
            for alias in statement.names:
                full = _module_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.names[alias.asname.name.value] = full
                else:
                    # ``import airflow.sdk`` binds ``airflow``
                    root = full.split(".")[0]
                    self.names.setdefault(root, root)
        elif type(statement) is cst.ImportFrom:
            if type(statement.names) is cst.ImportStar:
                return
            # a relative import keeps its dots in front (``.utils.load``): the
            # project layer resolves it from the importing file's folder, and
            # nothing else takes a name starting with a dot for Airflow's
            module = "." * len(statement.relative) + (_module_name(statement.module) if statement.module else "")
            for alias in cast(Sequence[cst.ImportAlias], statement.names):
                name = _module_name(alias.name)
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                self.names[local] = f"{module}{name}" if module.endswith(".") else f"{module}.{name}"

    def qualify(self, node: cst.BaseExpression) -> Optional[str]:
        """The dotted name an expression refers to through imports, if any."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self.names.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base


def collect_imports(module: cst.Module) -> ImportTable:
    """Imports anywhere in the file: statements only, expressions never hold them."""
    table = ImportTable()
    stack: list = list(module.body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
            for small in node.body:
                if type(small) is cst.Import or type(small) is cst.ImportFrom:
                    table.add(small)
        elif kind in _COMPOUND:
            stack.extend(_blocks(node))
    return table


def _subclasses(base: type) -> FrozenSet[type]:
    found: Set[type] = set(base.__subclasses__())
    for kind in list(found):
        found |= _subclasses(kind)
    return frozenset(found)


# the compound statements (if, for, with, def, class...), compared by exact type
_COMPOUND = _subclasses(cst.BaseCompoundStatement)


def _blocks(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The statements of every suite of a compound statement (bodies, else, handlers)."""
    found: List[cst.CSTNode] = []
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        part = getattr(node, name, None)
        if part is None:
            continue
        parts = part if isinstance(part, (list, tuple)) else [part]
        for item in parts:
            kind = type(item)
            if kind is cst.IndentedBlock:
                found.extend(item.body)
            elif kind is cst.SimpleStatementSuite or kind in _COMPOUND:
                found.append(item)
            elif hasattr(item, "body"):  # else:, except:, finally:, case
                found.extend(_blocks(item))
    return found
