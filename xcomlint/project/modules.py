"""A project module, read and parsed once: its text, syntax tree and imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    import libcst as cst

    from ..model.imports import ImportTable
    from ..model.records import NoqaTable


@dataclass(eq=False)
class ParsedModule:
    """What the model needs of a module it follows an import into. ``digest``
    is the hash of its bytes: a DAG file's cached result holds the digests of
    every module it read, and is used only while they are unchanged."""

    path: str
    source: str
    digest: str
    tree: "cst.Module"
    imports: "ImportTable"
    noqa: "NoqaTable"


def parse_module_file(path: str) -> Optional[ParsedModule]:
    """Read and parse ``path``; None when it cannot be read, decoded or parsed
    (its own lint run reports that: a DAG that imports it learns nothing from it)."""
    from ..cache import content_digest
    from ..engine import decode_source
    from ..model import parse_source
    from ..model.imports import collect_imports
    from ..noqa import parse_noqa

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    source = decode_source(data)
    if isinstance(source, tuple):
        return None
    tree = parse_source(source)
    if isinstance(tree, tuple):
        return None
    return ParsedModule(path, source, content_digest(data), tree, collect_imports(tree), parse_noqa(source))
