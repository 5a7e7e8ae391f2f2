"""Pre-checks that let a run skip libcst for files that cannot matter.

Two tests, one per kind of run. Both are sound: each names a set of words
that every model record it rules out needs, and checks that none occurs.

``may_hold_xcom_code`` (every run): no DAG, task or pull at all.
Every record of the model comes from one of two roots:

- a DAG, a task, a TaskGroup or an XComArg, all recognised only through names
  imported from the ``airflow`` package (``knowledge.airflow_name``: "a name
  that is not imported from airflow is never treated as Airflow's"), so the
  file's text contains ``airflow``; names are compared as written, so
  spellings Python would normalise (full-width letters) are not recognised by
  the model either;
- a loose ``xcom_pull`` call, collected only when the text contains
  ``xcom_pull``.

A file whose text contains none of ``airflow``, ``dag``, ``xcom`` (in any
case) therefore has a model with no DAG and no pull. The words are
deliberately wider than the two roots, so that a model that one day
recognises more (``dag=`` handed to a factory, a bare ``DAG``) still sees
every file it could need.

``may_hold_xcom_sites`` (a check run without an allow-list): DAGs and tasks
may exist, but no XCom site: no pull, no push made by code, no XComArg.
Every finding of a per-file or per-DAG rule points at such a site, and the
whole-run rules read nothing else from a DAG without sites (XCL204 judges
explicit pushes, with the pulls of every file and the opaque strings of the
pushing DAG; XCL301-XCL305 need an allow-list, which turns this test off).
The graph and allow-list commands need every DAG, so they use only the first
test. A site needs one of these:

- a pull or push written in Python: ``xcom_pull``, ``xcom_push``,
  ``XComArg``, ``do_xcom_push`` all contain ``xcom``;
- an XComArg: ``XComArg``, an ``.output`` attribute (the model reads no other
  spelling of it; a line break, a backslash or a comment may stand between
  the dot and the name), or a call of a TaskFlow function, which needs
  ``task``, ``setup`` or ``teardown`` written as a word (an import of the
  decorator, ``@task``, ``@dag.task``; an alias is imported under the
  original name first);
- a value pushed by returning it: the model records one only for a function
  or lambda of this file with a ``return`` of a value (or a lambda's body),
  run by a task through ``python_callable``, a TaskFlow decorator or a local
  operator's ``execute`` (``multiple_outputs`` contains ``output``). So the
  words ``python_callable``, ``execute`` and ``output`` count only in a file
  that also says ``return`` or ``lambda``, keywords no escape can spell;
- a pull or push in a Jinja template: the model only scans strings it can
  compute, built from string literals (``format`` and f-strings included),
  numbers and XComArgs; without a ``{`` in any literal, no string the model
  computes can hold ``{{`` or ``{%``.

Identifiers are checked in the text. String literals are checked again after
Python decodes them (``ast``), since ``"python_\\x63allable"`` used as a
``**`` key means ``python_callable`` to the model.

XCL001 is the exception: it needs a parse. CPython's own parser (``ast``,
which compiles and never runs anything) is ten times faster than libcst and
decides the skip: a file it accepts is valid Python and has no syntax error to
report; a file it rejects (or that is newer Python than the running
interpreter knows) is not skipped, so libcst reports XCL001 exactly as it
would have. The one difference: a valid file that libcst cannot parse (a gap
in libcst's grammar) gets no XCL001 here, which is the right answer, since
the file is not broken.

``tests/test_prefilter.py`` checks both premises against every model test
case and rule example.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Optional

_TRIGGERS = ("airflow", "dag", "xcom")
_TASKFLOW_WORDS = re.compile(r"\b(?:task|setup|teardown)\b")
# words that lead the model to a callable, whose pushes need a returned value
_CALLABLE_WORDS = ("output", "python_callable", "execute")
_RETURNS = re.compile(r"\b(?:return|lambda)\b")
# ``.output``: the name may follow the dot after spaces, line breaks and
# backslashes, or, inside brackets, after comments; a comment ends a line, so
# then the name starts a line. Two linear patterns rather than one that skips
# comments, which would backtrack without bound on lines of dots and hashes.
_OUTPUT_ATTRIBUTE = re.compile(r"\.[\s\\]*output\b|(?:^|\r)[ \t\f]*output\b", re.MULTILINE)


def may_hold_xcom_code(text: str) -> bool:
    """False only when the model provably finds nothing in ``text``.

    ``str.lower`` maps ASCII letters to ASCII letters and may turn a few other
    characters into ASCII (the Kelvin sign into ``k``): it can only add
    matches, never hide one, so the test stays on the safe side.
    """
    lowered = text.lower()
    return any(word in lowered for word in _TRIGGERS)


def may_hold_xcom_sites(text: str) -> bool:
    """False only when the model provably records no XCom site in ``text``
    and CPython accepts it (so there is no syntax error to report either)."""
    lowered = text.lower()
    returns = _RETURNS.search(lowered) is not None
    if _names_a_site(lowered, returns) or _TASKFLOW_WORDS.search(lowered) or _OUTPUT_ATTRIBUTE.search(lowered):
        return True
    tree = _parse(text)
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            if "{" in value or _names_a_site(value.lower(), returns):
                return True
    return False


def _names_a_site(lowered: str, returns: bool) -> bool:
    """The words of a site, the same in the text and in a decoded string
    literal (a ``**`` key): ``xcom``, or a way to a callable in a file where a
    callable can return a value."""
    return "xcom" in lowered or (returns and any(word in lowered for word in _CALLABLE_WORDS))


def is_valid_python(text: str) -> bool:
    """Whether CPython parses ``text`` (without compiling to bytecode or running it)."""
    return _parse(text) is not None


def _parse(text: str) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn at parse time
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None
