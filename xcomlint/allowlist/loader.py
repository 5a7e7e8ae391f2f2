"""Load and validate an allow-list file, reporting every error with file, line and column.

The rules enforced here are the ones ``schema.json`` states (editors validate
the YAML with it); the tests check that both agree. Nothing is half-applied:
the first error stops the load.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import yaml

from .records import RETURN_KEY, AllowList, AllowListError, CrossDagRule, DagRules, Position, Removal, XComRule

SCHEMA_PATH = Path(__file__).with_name("schema.json")
_TOP = ("version", "dags")
_DAG = ("xcoms", "cross_dag")
_XCOM = ("from", "key", "to", "exclusive")
_CROSS = ("dag", "from", "key", "to")


def _at(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Reader:
    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        # YAML's own line breaks include NEL and the Unicode separators; where the
        # text has one, its line numbers are not the ones an edit counts
        self.lines: Sequence[str] = () if re.search("[\x85\u2028\u2029]", text) else text.splitlines(keepends=True)

    def fail(self, node: yaml.Node, where: str, message: str) -> AllowListError:
        mark = node.start_mark
        return AllowListError(self.path, mark.line + 1, mark.column + 1, where, message)

    def mapping(self, node: yaml.Node, where: str, allowed: Tuple[str, ...]) -> Dict[str, Tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, f"expected a mapping with keys {', '.join(allowed)}")
        found: Dict[str, Tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar_text(key_node, where)
            if key in found:
                raise self.fail(key_node, where, f"duplicate field '{key}'")
            if allowed and key not in allowed:
                raise self.fail(key_node, where, f"unknown field '{key}'; expected one of {', '.join(allowed)}")
            found[key] = (key_node, value_node)
        return found

    def scalar_text(self, node: yaml.Node, where: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            raise self.fail(node, where, "expected a string")
        if not node.value:
            raise self.fail(node, where, "expected a non-empty string")
        return node.value

    def string(self, node: yaml.Node, where: str) -> str:
        return self.scalar_text(node, where)

    def strings(self, node: yaml.Node, where: str) -> Tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "expected a list of task ids, e.g. [transform]")
        return tuple(self.string(item, f"{where}[{i}]") for i, item in enumerate(node.value))

    @staticmethod
    def positions(node: yaml.Node) -> Tuple[Position, ...]:
        """Where each item of a (checked) list stands."""
        return tuple(_at(item) for item in node.value) if isinstance(node, yaml.SequenceNode) else ()

    def boolean(self, node: yaml.Node, where: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, where, "expected true or false")
        return node.value.lower() in ("true", "yes", "on")

    def sequence(self, node: yaml.Node, where: str) -> List[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "expected a list of entries")
        return list(node.value)


def parse_allowlist(text: str, path: str) -> AllowList:
    reader = _Reader(path, text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        raise AllowListError(path, line, column, "", f"invalid YAML: {problem}") from None
    if root is None:
        raise AllowListError(path, 1, 1, "", "the allow-list is empty; it needs 'version: 1' and 'dags:'")
    top = reader.mapping(root, "", _TOP)
    for required in _TOP:
        if required not in top:
            raise reader.fail(root, "", f"missing required field '{required}'")
    version_node = top["version"][1]
    if not (isinstance(version_node, yaml.ScalarNode) and version_node.tag == "tag:yaml.org,2002:int" and version_node.value == "1"):
        raise reader.fail(version_node, "version", "expected 1 (the only allow-list format version)")
    dags_node = top["dags"][1]
    dags: Dict[str, DagRules] = {}
    for dag_id, (key_node, value_node) in reader.mapping(dags_node, "dags", ()).items():
        dags[dag_id] = _dag(reader, dag_id, key_node, value_node)
    return AllowList(path=path, version=1, dags=dags)


def _dag(reader: _Reader, dag_id: str, key_node: yaml.Node, node: yaml.Node) -> DagRules:
    where = f"dags.{dag_id}"
    line, column = _at(key_node)
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return DagRules(dag_id, line=line, column=column)  # a DAG with no XComs at all
    fields = reader.mapping(node, where, _DAG)
    xcoms: List[XComRule] = []
    seen: Set[Tuple[str, str]] = set()
    if "xcoms" in fields:
        for index, entry in enumerate(reader.sequence(fields["xcoms"][1], f"{where}.xcoms")):
            rule = replace(_xcom(reader, entry, f"{where}.xcoms[{index}]"),
                           removal=_removal(reader.lines, fields["xcoms"], entry))
            if (rule.producer, rule.key) in seen:
                raise reader.fail(entry, f"{where}.xcoms[{index}]",
                                  f"duplicate entry for from '{rule.producer}', key '{rule.key}'; merge their 'to' lists")
            seen.add((rule.producer, rule.key))
            xcoms.append(rule)
    cross: List[CrossDagRule] = []
    cross_seen: Set[Tuple[str, str, str]] = set()
    if "cross_dag" in fields:
        for index, entry in enumerate(reader.sequence(fields["cross_dag"][1], f"{where}.cross_dag")):
            cross_rule = replace(_cross(reader, entry, f"{where}.cross_dag[{index}]"),
                                 removal=_removal(reader.lines, fields["cross_dag"], entry))
            if (cross_rule.dag, cross_rule.producer, cross_rule.key) in cross_seen:
                raise reader.fail(entry, f"{where}.cross_dag[{index}]", "duplicate entry; merge their 'to' lists")
            cross_seen.add((cross_rule.dag, cross_rule.producer, cross_rule.key))
            cross.append(cross_rule)
    return DagRules(dag_id, tuple(xcoms), tuple(cross), line=line, column=column)


def _xcom(reader: _Reader, entry: yaml.Node, where: str) -> XComRule:
    fields = reader.mapping(entry, where, _XCOM)
    if "from" not in fields:
        raise reader.fail(entry, where, "missing required field 'from' (the producer task id)")
    producer = reader.string(fields["from"][1], f"{where}.from")
    key = reader.string(fields["key"][1], f"{where}.key") if "key" in fields else RETURN_KEY
    consumers = reader.strings(fields["to"][1], f"{where}.to") if "to" in fields else ()
    exclusive = reader.boolean(fields["exclusive"][1], f"{where}.exclusive") if "exclusive" in fields else False
    mark = entry.start_mark
    return XComRule(producer, key, consumers, exclusive, mark.line + 1, mark.column + 1,
                    producer_at=_at(fields["from"][1]),
                    consumers_at=reader.positions(fields["to"][1]) if "to" in fields else ())


def _cross(reader: _Reader, entry: yaml.Node, where: str) -> CrossDagRule:
    fields = reader.mapping(entry, where, _CROSS)
    for required, what in (("dag", "the other DAG's id"), ("from", "the producer task id"), ("to", "the consumers")):
        if required not in fields:
            raise reader.fail(entry, where, f"missing required field '{required}' ({what})")
    mark = entry.start_mark
    return CrossDagRule(
        dag=reader.string(fields["dag"][1], f"{where}.dag"),
        producer=reader.string(fields["from"][1], f"{where}.from"),
        key=reader.string(fields["key"][1], f"{where}.key") if "key" in fields else RETURN_KEY,
        consumers=reader.strings(fields["to"][1], f"{where}.to"),
        line=mark.line + 1,
        column=mark.column + 1,
        dag_at=_at(fields["dag"][1]),
        producer_at=_at(fields["from"][1]),
        consumers_at=reader.positions(fields["to"][1]),
    )


_DASH = re.compile(r"^\s*-\s+$")
_KEY_LINE_REST = re.compile(r"^\s*:\s*(#.*)?$")


def _rest_is_comment(text: str) -> bool:
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


def _content_end(node: yaml.Node) -> Tuple[int, int]:
    """Where a node's own text ends (0-based line, column): a block collection
    ends with its last item, not at the next token as YAML's mark says."""
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, yaml.MappingNode) else last)
    mark = node.end_mark
    if mark.column == 0 and mark.line > node.start_mark.line:  # a block scalar ends at the next line's start
        return mark.line - 1, 10**9
    return mark.line, mark.column


def _removal(lines: Sequence[str], field: Tuple[yaml.Node, yaml.Node], entry: yaml.Node) -> Optional[Removal]:
    """The lines an entry of a block list stands on, from its dash to its end
    (with their comments), when nothing else stands on them; for the only entry
    of its list, the ``xcoms:`` / ``cross_dag:`` line too (an empty list would
    not load). Comments on lines of their own before and after it are kept."""
    key_node, sequence = field
    if not lines or not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        return None
    first = entry.start_mark.line
    if first >= len(lines) or not _DASH.match(lines[first][:entry.start_mark.column]):
        return None
    last, column = _content_end(entry)
    if last >= len(lines) or not _rest_is_comment(lines[last].rstrip("\r\n")[column:]):
        return None
    if len(sequence.value) == 1:
        key_line = key_node.start_mark.line
        rest = lines[key_line].rstrip("\r\n")[key_node.end_mark.column:] if key_node.end_mark.line == key_line else ""
        if (lines[key_line][:key_node.start_mark.column].strip() or not _KEY_LINE_REST.match(rest)
                or any(line.strip() for line in lines[key_line + 1:first])):
            return None
        first = key_line
    if last + 1 < len(lines) or lines[last].endswith(("\n", "\r")):
        return first + 1, 1, last + 2, 1
    if first == 0:
        return None
    previous = lines[first - 1].rstrip("\r\n")  # the file's last line has no line break: take the one before
    return first, len(previous) + 1, last + 1, len(lines[last]) + 1


def load_allowlist(path: str) -> AllowList:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        # the path may be the configuration's, relative to its folder: say where it was looked for
        raise AllowListError(path, 1, 1, "", f"allow-list file not found (looked for {os.path.abspath(path)})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AllowListError(path, 1, 1, "", f"cannot read the allow-list: {error}") from None
    return parse_allowlist(text, path)
