"""A text pre-check that lets a run skip libcst for files that cannot matter.

Why skipping is safe. Every record of the model comes from one of two roots:

- a DAG, a task, a TaskGroup or an XComArg, all recognised only through names
  imported from the ``airflow`` package (``knowledge.airflow_name``: "a name
  that is not imported from airflow is never treated as Airflow's"), so the
  file's text contains ``airflow``; names are compared as written, so
  spellings Python would normalise (full-width letters) are not recognised by
  the model either;
- a loose ``xcom_pull`` call, collected only when the text contains
  ``xcom_pull``.

A file whose text contains none of ``airflow``, ``dag``, ``xcom`` (in any
case) therefore has a model with no DAG and no pull: no per-DAG rule, no
per-file rule but XCL001, and no whole-run rule has anything to report on it.
The words checked are deliberately wider than the two roots, so that a model
that one day recognises more (``dag=`` handed to a factory, a bare ``DAG``)
still sees every file it could need. ``tests/test_prefilter.py`` checks the
premise against every model test case and rule example.

XCL001 is the exception: it needs a parse. CPython's own parser (``ast``,
which compiles and never runs anything) is ten times faster than libcst and
decides the skip: a file it accepts is valid Python and has no syntax error to
report; a file it rejects (or that is newer Python than the running
interpreter knows) is not skipped, so libcst reports XCL001 exactly as it
would have. The one difference: a valid file that libcst cannot parse (a gap
in libcst's grammar) and that mentions no Airflow gets no XCL001 here, which is
the right answer, since the file is not broken.
"""

from __future__ import annotations

import ast
import warnings

_TRIGGERS = ("airflow", "dag", "xcom")


def may_hold_xcom_code(text: str) -> bool:
    """False only when the model provably finds nothing in ``text``.

    ``str.lower`` maps ASCII letters to ASCII letters and may turn a few other
    characters into ASCII (the Kelvin sign into ``k``): it can only add
    matches, never hide one, so the test stays on the safe side.
    """
    lowered = text.lower()
    return any(word in lowered for word in _TRIGGERS)


def is_valid_python(text: str) -> bool:
    """Whether CPython parses ``text`` (without compiling to bytecode or running it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn at parse time
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True
