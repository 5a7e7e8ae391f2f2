"""XCL001 syntax-error: the file cannot be parsed."""

from __future__ import annotations

from typing import Iterator

from ..model.records import FileModel
from .context import RuleContext
from .registry import FILE_SCOPE, Report, rule


@rule("XCL001", "syntax-error", "The file cannot be parsed.", scope=FILE_SCOPE)
def syntax_error(model: FileModel, context: RuleContext) -> Iterator[Report]:
    if model.syntax_error is not None:
        message, span = model.syntax_error
        yield Report(span, f"cannot parse the file: {message}; no other rule checked it")
