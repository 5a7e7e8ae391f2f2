"""Date and time values of the value analysis: which type each is, and what
arithmetic on them gives.

A value is one of ``date``, ``datetime``, ``time`` and ``timedelta`` (pendulum
and pandas values behave as the ``datetime`` types they subclass). The type
decides the advice: a date, time or datetime has ``.isoformat()``, a timedelta
has none (``.total_seconds()`` or ``str()``). Where the analysis knows only
that a value is one of several types (``max_date + timedelta(days=1)`` with
``max_date`` not known), it says so and gives advice that holds for each.
"""

from __future__ import annotations

from typing import FrozenSet, Optional, Tuple

from .records import ValueInfo

DATE, DATETIME, TIME, TIMEDELTA = "date", "datetime", "time", "timedelta"
_POINTS = frozenset({DATE, DATETIME, TIME})  # the types with .isoformat()
_ANY = frozenset({DATE, DATETIME, TIME, TIMEDELTA})

# what Python's datetime types give for ``left + right`` and ``left - right``
# (every pair not listed raises TypeError)
_ADD = {(DATE, TIMEDELTA): DATE, (DATETIME, TIMEDELTA): DATETIME, (TIMEDELTA, TIMEDELTA): TIMEDELTA,
        (TIMEDELTA, DATE): DATE, (TIMEDELTA, DATETIME): DATETIME}
_SUBTRACT = {(DATE, DATE): TIMEDELTA, (DATETIME, DATETIME): TIMEDELTA, (DATE, TIMEDELTA): DATE,
             (DATETIME, TIMEDELTA): DATETIME, (TIMEDELTA, TIMEDELTA): TIMEDELTA}

_ARTICLE = {DATE: "a date", DATETIME: "a datetime", TIME: "a time", TIMEDELTA: "a timedelta"}


def moment_value(types: FrozenSet[str], description: str) -> ValueInfo:
    """A value that is one of ``types``, described by ``description``.

    Its XCL201 kind is "datetime" (it has ``.isoformat()``), "timedelta", or
    "temporal" when it may be either; ``moment`` holds the type when it is one."""
    if types <= _POINTS:
        kind = "datetime"
    elif types == {TIMEDELTA}:
        kind = "timedelta"
    else:
        kind = "temporal"
    return ValueInfo(known=True, non_json=((kind, description),), mapping=False,
                     whole="datetime" if kind == "datetime" else None, moment="|".join(sorted(types)))


def one_moment(type_name: str, description: str) -> ValueInfo:
    return moment_value(frozenset({type_name}), description)


def moment_types(info: ValueInfo) -> Optional[FrozenSet[str]]:
    """The types a value may have, when it is known to be a date or time value as a whole."""
    return frozenset(info.moment.split("|")) if info.moment else None


def describe_types(types: FrozenSet[str]) -> str:
    """``a date or datetime``: the types in words."""
    names = [_ARTICLE[t][2:] if i else _ARTICLE[t] for i, t in enumerate(sorted(types, key=list(_ARTICLE).index))]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def arithmetic(operator: str, left: ValueInfo, right: ValueInfo, text: str) -> Optional[ValueInfo]:
    """``left <operator> right`` when a side is a date or time value: the types
    the result may have, or None when nothing is known (neither side is one, or
    the result may be a plain number). ``text`` is the expression as written."""
    left_types, right_types = moment_types(left), moment_types(right)
    if left_types is None and right_types is None:
        return None
    if operator in ("+", "-"):
        table = _ADD if operator == "+" else _SUBTRACT
        # a side that is not known may be any of the types: what Python allows with the other decides
        results = frozenset(table[pair] for pair in _pairs(left_types or _ANY, right_types or _ANY) if pair in table)
        if not results:
            return None
        return moment_value(results, f"{describe_types(results)} from {_short(text)}")
    if TIMEDELTA not in (left_types or frozenset()) | (right_types or frozenset()):
        return None
    if operator == "*":
        # a timedelta times a number is a timedelta (a timedelta times a timedelta raises)
        return one_moment(TIMEDELTA, f"a timedelta from {_short(text)}")
    if operator in ("/", "//", "%") and left_types == {TIMEDELTA}:
        if right_types == {TIMEDELTA}:
            # timedelta / timedelta is a float, // an int; % a timedelta
            return one_moment(TIMEDELTA, f"a timedelta from {_short(text)}") if operator == "%" else _NUMBER
        if right.known and not right.non_json and right.mapping is False:
            return one_moment(TIMEDELTA, f"a timedelta from {_short(text)}")  # divided by a number
    return None


_NUMBER = ValueInfo(known=True, mapping=False)


def _pairs(left: FrozenSet[str], right: FrozenSet[str]) -> Tuple[Tuple[str, str], ...]:
    return tuple((a, b) for a in sorted(left) for b in sorted(right))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
