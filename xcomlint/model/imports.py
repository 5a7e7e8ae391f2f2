"""Which dotted names a file's local names stand for.

A deliberately small replacement for libcst's QualifiedNameProvider (which
needs full scope analysis): DAG files import what they use at the top, and a
name imported anywhere in the file is taken to mean the same thing everywhere.
"""

from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.BaseExpression) -> str:
    return dotted_name(node) or ""


class ImportTable:
    """Maps a local name to the dotted name it was imported as."""

    def __init__(self) -> None:
        self.names: Dict[str, str] = {}

    def add(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                full = _module_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.names[alias.asname.name.value] = full
                else:
                    # ``import airflow.sdk`` binds ``airflow``
                    root = full.split(".")[0]
                    self.names.setdefault(root, root)
        elif isinstance(statement, cst.ImportFrom):
            if statement.relative or statement.module is None:
                return  # relative imports are the user's own modules
            module = _module_name(statement.module)
            if isinstance(statement.names, cst.ImportStar):
                return
            for alias in statement.names:
                name = _module_name(alias.name)
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                self.names[local] = f"{module}.{name}"

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
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    table.add(small)
        elif isinstance(node, cst.BaseCompoundStatement):
            stack.extend(_blocks(node))
    return table


def _blocks(node: cst.CSTNode) -> List[cst.BaseStatement]:
    """The statements of every suite of a compound statement (bodies, else, handlers)."""
    found: List[cst.BaseStatement] = []
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        part = getattr(node, name, None)
        if part is None:
            continue
        parts = part if isinstance(part, (list, tuple)) else [part]
        for item in parts:
            if isinstance(item, cst.IndentedBlock):
                found.extend(item.body)
            elif isinstance(item, cst.SimpleStatementSuite):
                found.append(cst.SimpleStatementLine(body=item.body))
            elif isinstance(item, cst.BaseCompoundStatement):
                found.append(item)
            elif hasattr(item, "body"):  # else:, except:, finally:, case
                found.extend(_blocks(item))
    return found
