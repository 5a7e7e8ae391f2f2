"""Building fixes from the spans the model keeps: rules decide, these only spell the edits.

A fix never guesses at text it cannot see. A string literal is rewritten only
when the model's ``written`` text shows a plain one (quotes, no escapes), and the
new literal keeps its quotes and prefix, so a value inside a Jinja template keeps
the template's quoting and never ends the Python string around it.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence, Tuple

from ..findings import SAFE, UNSAFE, Edit, Fix
from ..model.records import Pull, PullArgument, Span

__all__ = ["SAFE", "UNSAFE", "Edit", "Fix", "argument_removal", "first_argument_insertion", "insertion", "literal_replacement",
           "literal_like", "plain_literal", "quote_of", "replacement", "single_fix"]

# an optional r/u prefix, then one kind of quote around text without backslashes or that quote
_PLAIN = re.compile(r"""^(?P<open>[rRuU]?(?P<quote>'''|\"\"\"|'|"))(?P<text>.*)(?P=quote)$""", re.S)


def replacement(span: Span, content: str) -> Edit:
    return Edit(span.line, span.column, span.end_line, span.end_column, content)


def insertion(line: int, column: int, content: str) -> Edit:
    return Edit(line, column, line, column, content)


def single_fix(message: str, applicability: str, *edits: Optional[Edit]) -> Optional[Fix]:
    """A fix of these edits, or None when one of them could not be made."""
    if not edits or any(edit is None for edit in edits):
        return None
    return Fix(message, applicability, tuple(edits))  # type: ignore[arg-type]


def plain_literal(written: str) -> Optional[Tuple[str, str, str]]:
    """``(opening, text, closing)`` of a one-line string literal without escapes
    (``'x'``, ``"x"``, ``r'x'``); None for anything else (f-strings, bytes,
    escapes, a name)."""
    match = _PLAIN.match(written)
    if match is None or "\n" in written or "\r" in written:
        return None
    text, quote = match.group("text"), match.group("quote")
    if "\\" in text or quote[0] in text:
        return None
    return match.group("open"), text, quote


def quote_of(arguments: Sequence[PullArgument]) -> Optional[str]:
    """The quote of the first plain string literal among ``arguments``."""
    for argument in arguments:
        found = plain_literal(argument.written)
        if found is not None:
            return found[2]
    return None


def literal_like(value: str, opening: str, closing: str) -> Optional[str]:
    """``value`` written between these quotes, when no escape is needed."""
    if "\\" in value or closing[0] in value or "\n" in value or "\r" in value:
        return None
    return f"{opening}{value}{closing}"


def literal_replacement(argument: Optional[PullArgument], old: str, new: str) -> Optional[Edit]:
    """Replace a plain string literal that holds ``old`` by one that holds ``new``, in the same quotes."""
    if argument is None or not argument.value.resolved:
        return None
    found = plain_literal(argument.written)
    if found is None or found[1] != old:
        return None
    literal = literal_like(new, found[0], found[2])
    return replacement(argument.value, literal) if literal is not None else None


def argument_removal(pull: Pull, argument: PullArgument) -> Optional[Edit]:
    """Delete one argument with its comma: up to the next argument, or from the
    previous one; the only argument of a call in Python code up to its ``)``.
    None where the extent is not known (a star argument, the only argument of a
    template's call, whose parenthesis the model does not place)."""
    if pull.has_star_args:
        return None
    written = [a for a in pull.arguments if a.whole.resolved]
    if argument not in written:
        return None
    index = written.index(argument)
    whole = argument.whole
    if index + 1 < len(written):
        following = written[index + 1].whole
        return Edit(whole.line, whole.column, following.line, following.column, "")
    if index > 0:
        previous = written[index - 1].whole
        return Edit(previous.end_line, previous.end_column, whole.end_line, whole.end_column, "")
    if pull.via == "xcom_pull" and pull.span.resolved:
        return Edit(whole.line, whole.column, pull.span.end_line, pull.span.end_column - 1, "")
    return None


def first_argument_insertion(pull: Pull, text: str) -> Optional[Edit]:
    """Insert ``text`` as the call's first argument."""
    if pull.has_star_args:
        return None
    written = [a for a in pull.arguments if a.whole.resolved]
    if written:
        first = written[0].whole
        return insertion(first.line, first.column, f"{text}, ")
    if pull.via == "xcom_pull" and pull.span.resolved and not pull.arguments:
        # a call in Python code ends with its ")"
        return insertion(pull.span.end_line, pull.span.end_column - 1, text)
    return None
