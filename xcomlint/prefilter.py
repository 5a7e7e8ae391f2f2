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

- a pull or push written in Python: the model knows them as the names
  ``xcom_pull``, ``xcom_push`` (attributes), ``XComArg`` and ``PlainXComArg``
  (imported under that name first), so one of them is a whole word of the
  text; ``xcom`` inside another name (``do_xcom_push``, ``xcom_value``) is
  none of them. A string literal that contains ``xcom`` anywhere keeps the
  file (a template, a ``**`` key, a ``getattr`` name);
- an XComArg: ``XComArg``, an ``.output`` attribute (the model reads no other
  spelling of it; a line break, a backslash or a comment may stand between
  the dot and the name), or a call of a TaskFlow function. The model knows a
  TaskFlow decorator only as a name imported from airflow (``from
  airflow.sdk import task``, an alias imported under the original name) or an
  attribute (``@dag.task``, ``@decorators.task``, ``from airflow.x.task
  import python``): so ``task``, ``setup`` or ``teardown`` must be a word of
  the text, and then either follow a dot (across spaces, backslashes, line
  breaks, or comment lines: then the name starts a line, and the last line
  with code before it ends in a dot, before any comment) or be imported (an
  ``import`` statement anywhere, found in CPython's tree; a ``*`` import
  counts too);
- a value pushed by returning it: the model records one only for a function
  or lambda of this file with a ``return`` of a value (or a lambda's body),
  run by a task through ``python_callable``, a TaskFlow decorator or a local
  operator's ``execute`` (``multiple_outputs`` contains ``output``). So the
  words ``python_callable``, ``execute`` and ``output`` count only in a file
  that also says ``return`` or ``lambda``, keywords no escape can spell;
- a pull or push in a Jinja template: the model scans only strings it can
  compute, and computes them from string literals, numbers and XComArgs
  joined end to end (``+``, f-strings and ``.format`` without format specs or
  conversions, ``upper``, ``lower``, ``strip``). A template needs ``{`` (no
  number prints one), and its ``xcom_pull`` or ``xcom_push`` needs ``xcom``:
  in one literal, or spread over several, and then the literal that holds its
  ``x`` ends in ``x``, ``xc`` or ``xco`` (before trailing whitespace, which
  ``strip`` may remove, or before a ``.format`` field). A number prints none
  of those letters. So a file with no such literal, or no ``{`` in any
  literal, computes no template with a site.

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
from typing import List, Optional, Tuple

from .textscan import has_word, imported_on_one_line, normalize_newlines, word_positions, written_as_attribute

_TRIGGERS = ("airflow", "dag", "xcom")
# words that lead the model to a callable, whose pushes need a returned value
_CALLABLE_WORDS = ("output", "python_callable", "execute")
_RETURNS = ("return", "lambda")
# the names through which the model finds a pull or push in Python code
_XCOM_NAMES = ("xcom_pull", "xcom_push", "xcomarg", "plainxcomarg")
_TASKFLOW = ("task", "setup", "teardown")
# the ``x`` of an ``xcom`` spread over literals: at a literal's end (maybe
# before whitespace) or before a ``.format`` field
_XCOM_START = re.compile(r"x(?:c|co)?\s*(?:\{|\Z)")
# the same in the text of a file without escapes, where a literal's value is
# the text between its quotes (or an f-string's braces)
_XCOM_START_IN_TEXT = re.compile(r"x(?:c|co)?\s*[{}'\"]")


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
    and CPython accepts it (so there is no syntax error to report either).
    The cheap tests come first; CPython's tree only for what they leave open."""
    lowered = normalize_newlines(text.lower())
    returns = has_word(lowered, _RETURNS)
    if _names_a_site_in_code(lowered, returns) or _has_attribute(lowered, ("output",)):
        return True
    taskflow_word = has_word(lowered, _TASKFLOW)
    if taskflow_word and (_has_attribute(lowered, _TASKFLOW) or imported_on_one_line(lowered, _TASKFLOW)):
        return True
    tree = _parse(text)
    if tree is None:
        return True
    if taskflow_word and _imports_taskflow(tree):
        return True
    if "\\" not in text and "xcom" not in lowered and not ("{" in lowered and _XCOM_START_IN_TEXT.search(lowered)):
        # without escapes every literal's value is text of the file, which
        # says no xcom nor callable word (above) and lacks the brace or the
        # start of an xcom spread over literals
        return False
    return _literals_may_hold_a_site(tree, returns)


def _names_a_site_in_code(lowered: str, returns: bool) -> bool:
    """The names of a pull or push, or a way to a callable that can push."""
    return has_word(lowered, _XCOM_NAMES) or _names_a_callable(lowered, returns)


def _names_a_site(lowered: str, returns: bool) -> bool:
    """The words of a site in a decoded string literal (a template, a ``**``
    key): ``xcom`` anywhere, or a way to a callable that can push."""
    return "xcom" in lowered or _names_a_callable(lowered, returns)


def _names_a_callable(lowered: str, returns: bool) -> bool:
    """A way to a callable, in a file where a callable can return a value."""
    return returns and any(word in lowered for word in _CALLABLE_WORDS)


def _has_attribute(lowered: str, names: Tuple[str, ...]) -> bool:
    return any(written_as_attribute(lowered, position) for name in names for position in word_positions(lowered, name))


def _imports_taskflow(tree: ast.Module) -> bool:
    """An import statement (anywhere: statements only) that names a TaskFlow
    word, or imports ``*``."""
    stack: List[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" or alias.name in _TASKFLOW for alias in node.names):
                return True
            if node.module and set(_TASKFLOW).intersection(node.module.split(".")):
                return True
        elif isinstance(node, ast.Import):
            if any(set(_TASKFLOW).intersection(alias.name.split(".")) for alias in node.names):
                return True
        else:
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(node, name, None)
                if isinstance(block, list):
                    stack.extend(block)
    return False


def _literals_may_hold_a_site(tree: ast.Module, returns: bool) -> bool:
    """A decoded string literal that names a site (a ``**`` key), or literals
    that may make a template with a pull or push: one with ``{`` and one where
    an ``xcom`` spread over literals can start."""
    brace = xcom_start = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            value = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            lowered = value.lower()
            if _names_a_site(lowered, returns):
                return True
            brace = brace or "{" in lowered
            xcom_start = xcom_start or _XCOM_START.search(lowered) is not None
            if brace and xcom_start:
                return True
    return False


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
