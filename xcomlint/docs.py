"""The rule documents of the top-level ``rules/`` folder, shipped in the package."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional

_PACKAGED = Path(__file__).parent / "_rules"
_SOURCE_TREE = Path(__file__).parent.parent / "rules"


def rules_dir() -> Path:
    """Installed wheels carry the documents in ``xcomlint/_rules``; a source
    checkout (or an editable install) reads the top-level ``rules/`` folder."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


def document(code: str) -> Optional[str]:
    path = rules_dir() / f"{code.upper()}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def all_documents() -> Dict[str, Path]:
    return {p.stem: p for p in sorted(rules_dir().glob("XCL*.md"))}


_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.M | re.S)


def sections(text: str) -> Dict[str, str]:
    """The ``## Heading`` sections of a document, by heading."""
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def code_blocks(section: str) -> List[tuple]:
    """``(info string, body)`` of each fenced block of a section."""
    return [(m.group("info").strip(), m.group("body")) for m in _FENCE.finditer(section)]


# Where the rule documents are published: the ``rules/`` folder of the repository,
# on its default branch. SARIF ``helpUri`` and the README link here, so the scheme
# must stay stable: one Markdown file per code.
REPOSITORY_URL = "https://github.com/xcomlint/xcomlint"


def document_url(code: str) -> str:
    return f"{REPOSITORY_URL}/blob/main/rules/{code.upper()}.md"
