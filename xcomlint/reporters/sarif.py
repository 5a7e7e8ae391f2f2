"""SARIF 2.1.0, the format GitHub code scanning and other result viewers import.

One run with one result per finding, and in ``tool.driver.rules`` a descriptor for
each rule the results reference (as SARIF's guidance for producers advises: a log
of five findings does not carry the whole catalog). A descriptor holds the rule's
summary, the "What it does" section of its document once, a short help that
links to the whole document, and ``helpUri``. The catalog is passed in as plain
data so that the output depends only on its inputs; ``report`` fills it from the
registered rules and their documents.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, TextIO

from .. import __version__
from ..docs import REPOSITORY_URL, document, document_url, sections
from ..findings import Finding, Fix
from ..rules import all_rules
from .severity import sarif_level

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# base id for relative artifact URIs: the directory xcomlint ran in (the repository
# root in CI); GitHub resolves relative URIs against the checkout
SOURCE_ROOT = "%SRCROOT%"


@dataclass(frozen=True)
class RuleInfo:
    """What SARIF says about one rule: registry data plus its Markdown document."""

    code: str
    name: str
    summary: str
    default: bool
    severity: str
    document: Optional[str]
    help_uri: str


@dataclass(frozen=True)
class ToolInfo:
    name: str
    version: str
    information_uri: str


def _section(text_of_document: str, heading: str) -> Optional[str]:
    text = sections(text_of_document).get(heading)
    return text.strip() if text and text.strip() else None


def rule_descriptor(rule: RuleInfo) -> Dict[str, Any]:
    descriptor: Dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
    }
    if rule.document:
        descriptor["fullDescription"] = {"text": _section(rule.document, "What it does") or rule.summary}
    descriptor["help"] = {
        "text": f"{rule.summary} Documentation: {rule.help_uri}",
        "markdown": f"{rule.summary} [{rule.code} {rule.name}]({rule.help_uri})",
    }
    descriptor["helpUri"] = rule.help_uri
    # rules that are off by default are still described, marked as not enabled
    descriptor["defaultConfiguration"] = {"enabled": rule.default, "level": sarif_level(rule.severity)}
    return descriptor


def artifact_uri(path: str) -> str:
    """A URI reference for a finding's path: relative paths stay relative (with
    forward slashes and percent-escapes), absolute ones become ``file:`` URIs."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    # ':' is escaped too, so that 'a:b.py' cannot be read as a URI scheme
    return urllib.parse.quote(path.replace(os.sep, "/"), safe="/")


def artifact_location(path: str) -> Dict[str, Any]:
    uri = artifact_uri(path)
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SOURCE_ROOT}


def result(finding: Finding, rule_index: Optional[int]) -> Dict[str, Any]:
    entry: Dict[str, Any] = {"ruleId": finding.code}
    if rule_index is not None:
        entry["ruleIndex"] = rule_index
    entry["level"] = sarif_level(finding.severity)
    entry["message"] = {"text": finding.message}
    entry["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": artifact_location(finding.path),
                # columns are 1-based code points; endColumn is one past the last
                # character, which is also SARIF's convention
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                },
            }
        }
    ]
    if finding.fix is not None:
        entry["fixes"] = [sarif_fix(finding.fix, finding.path)]
    properties = {k: v for k, v in (("dagId", finding.dag_id), ("taskId", finding.task_id)) if v is not None}
    if properties:
        entry["properties"] = properties
    return entry


def sarif_fix(fix: Fix, path: str) -> Dict[str, Any]:
    """A fix as SARIF's ``fix``: one artifact change, one replacement per edit
    (an empty region is an insertion point); the applicability is a property."""
    replacements = []
    for edit in fix.edits:
        replacement: Dict[str, Any] = {"deletedRegion": {
            "startLine": edit.line, "startColumn": edit.column, "endLine": edit.end_line, "endColumn": edit.end_column,
        }}
        if edit.content:
            replacement["insertedContent"] = {"text": edit.content}
        replacements.append(replacement)
    return {
        "description": {"text": fix.message},
        "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


def source_root_uri(directory: str) -> str:
    """The ``file:`` URI of the folder relative paths start from, ending in a slash
    as SARIF requires of a base URI."""
    uri = Path(os.path.abspath(directory)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(findings: Sequence[Finding], rules: Sequence[RuleInfo], tool: ToolInfo,
              source_root: Optional[str] = None, properties: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """``source_root`` is the folder relative paths are relative to: declared as
    ``%SRCROOT%`` in ``originalUriBaseIds`` so that any viewer can resolve them
    (GitHub code scanning resolves them against the checkout either way).
    ``properties`` is the run's property bag (what the run could not check).
    Only the rules the findings reference are described."""
    used = {finding.code for finding in findings}
    rules = [rule for rule in rules if rule.code in used]
    index = {rule.code: position for position, rule in enumerate(rules)}
    run: Dict[str, Any] = {
        "tool": {
            "driver": {
                "name": tool.name,
                "version": tool.version,
                "semanticVersion": tool.version,
                "informationUri": tool.information_uri,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        # xcomlint counts columns in characters, not in UTF-16 code units (SARIF's default)
        "columnKind": "unicodeCodePoints",
        "results": [result(finding, index.get(finding.code)) for finding in findings],
    }
    if source_root is not None:
        run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": source_root_uri(source_root)}}
    if properties:
        run["properties"] = properties
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def rule_catalog() -> List[RuleInfo]:
    """Every registered rule, enabled or not, with its document (``sarif_log`` keeps those it needs)."""
    return [
        RuleInfo(r.code, r.name, r.summary, r.default, r.severity, document(r.code), document_url(r.code))
        for r in all_rules()
    ]


def xcomlint_tool() -> ToolInfo:
    return ToolInfo("xcomlint", __version__, REPOSITORY_URL)


def write(log: Dict[str, Any], stream: TextIO) -> None:
    json.dump(log, stream, indent=2)
    stream.write("\n")


def report(findings: Sequence[Finding], stream: TextIO, properties: Optional[Dict[str, Any]] = None) -> None:
    # paths are shown relative to the current directory: that is their base
    write(sarif_log(findings, rule_catalog(), xcomlint_tool(), source_root=os.getcwd(), properties=properties), stream)
