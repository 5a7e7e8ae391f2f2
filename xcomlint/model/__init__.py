"""The XCom model: ``build_file_model(path, source)`` turns a DAG file into plain data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from ..noqa import parse_noqa
from .records import (
    ABSENT,
    ALL_POSITIONS,
    NO_POSITIONS,
    REPORTABLE_POSITIONS,
    RETURN_KEY,
    UNKNOWN,
    Dag,
    Edge,
    FileModel,
    NoqaTable,
    Pull,
    Push,
    Span,
    Task,
)

# libcst, the builder and Jinja are imported by the functions that parse: a run
# served from the cache, or a rule reading ``xcomlint.model.records``, never
# pays for them (importing libcst costs as much as parsing a few dozen files).
if TYPE_CHECKING:
    import libcst as cst

    from ..project import Project
    from .builder import Builder
    from .finish import Finisher

__all__ = [
    "ABSENT", "ALL_POSITIONS", "NO_POSITIONS", "REPORTABLE_POSITIONS", "RETURN_KEY", "UNKNOWN",
    "Dag", "Edge", "FileModel", "NoqaTable", "Pull", "Push",
    "Span", "Task", "build_file_model", "parse_source",
]


def parse_source(source: str) -> "cst.Module | tuple[str, Span]":
    """Parse with libcst; a syntax error comes back as ``(message, span)``."""
    import libcst as cst

    from .unvalidated_parse import parse_module

    try:
        return parse_module(source)
    except cst.ParserSyntaxError as error:
        return _python_syntax_error(source) or (
            _first_line(str(error.message)) or "invalid syntax",
            Span(max(1, error.raw_line), max(1, error.raw_column + 1), max(1, error.raw_line), max(1, error.raw_column + 1)),
        )
    except (RecursionError, MemoryError):
        return "the file is nested too deeply to parse", Span(1, 1, 1, 1)
    except Exception as error:  # libcst raises assorted errors on odd bytes (NUL, bad escapes)
        return _python_syntax_error(source) or (_first_line(str(error)) or "invalid source", Span(1, 1, 1, 1))


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else ""


def _python_syntax_error(source: str) -> "Optional[tuple[str, Span]]":
    """libcst reports where it gave up, often a line late; CPython's own parser
    (``ast.parse`` compiles, it never runs anything) names the real spot."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except SyntaxError as error:
        line = max(1, error.lineno or 1)
        column = max(1, error.offset or 1)
        return error.msg or "invalid syntax", Span(line, column, line, column)
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        return _first_line(str(error)) or "invalid source", Span(1, 1, 1, 1)
    return None


def build_file_model(
    path: str,
    source: str,
    module: "cst.Module | tuple[str, Span] | None" = None,
    *,
    positions: str = ALL_POSITIONS,
    needs_positions: "Optional[Callable[[FileModel], bool]]" = None,
    project: "Optional[Project]" = None,
) -> FileModel:
    """The model of one file, with the spans ``positions`` names resolved and
    the others ``UNRESOLVED``.

    Positions cost a code-generation pass over the file, and most files of a
    run report nothing. With ``needs_positions``, the model is first finished
    without positions and handed to it; only when it answers True is the model
    finished again with ``positions`` (the builder's work is done once).
    ``module`` is what ``parse_source(source)`` returned, when the caller parsed.
    With ``project``, imports of the project's own modules are followed.
    """
    from .builder import Builder
    from .finish import Finisher, loose_pull_sites
    from .imports import collect_imports

    noqa = parse_noqa(source)
    parsed = parse_source(source) if module is None else module
    if isinstance(parsed, tuple):
        return FileModel(path=path, syntax_error=parsed, noqa=noqa)
    module = parsed
    builder = Builder(module, collect_imports(module), path, source, project)
    builder.run()
    finisher = Finisher(builder, source)
    finisher.path = path
    # every pull site the builder attached is a ``.xcom_pull(...)`` call of its
    # own, and every template pull it read stands at a place of its own in a
    # literal, both spelled out in the text: when the text holds no more
    # ``xcom_pull`` than that, no call or template is left for the walk to find
    attached = builder.attached_pull_calls
    # (both count only what the linted file spells: not what another module of the project does)
    spelled = len(attached) + len(builder.template_pull_places)
    loose, strings = loose_pull_sites(module, attached) if source.count("xcom_pull") > spelled else ([], [])
    loose_templates = builder.loose_template_pulls(strings)
    if needs_positions is not None:
        quick = _finished(path, noqa, finisher, loose, loose_templates, NO_POSITIONS)
        if not needs_positions(quick):
            return quick
    return _finished(path, noqa, finisher, loose, loose_templates, positions)


def _dependencies(builder: "Builder") -> "tuple[tuple[str, str], ...]":
    return tuple(sorted(builder.read_modules.items()))


def _finished(path: str, noqa: NoqaTable, finisher: "Finisher", loose: list, loose_templates: list,
              positions: str) -> FileModel:
    from .pending import Loc
    from .values import FunctionVal

    builder = finisher.builder
    finisher.collect_nodes(
        [node for site, _ in loose for node in [site.call] + [n for _, arg in site.argument_nodes() for n in (arg, arg.value)]]
        + [pending.string_node for pending in loose_templates],
        positions,
    )
    dags = finisher.dags()
    loose_pulls = []
    for site, function in loose:
        function_val = FunctionVal(function, builder.module_scope) if function is not None else None
        summary = builder.summary(function_val) if function_val is not None else None
        scope = finisher.local_scope(function_val, summary)
        bound = finisher.site_arguments(site, scope)
        if site.has_star_args:
            bound = {k: (UNKNOWN if v is ABSENT else v) for k, v in bound.items()}
        loose_pulls.append(
            Pull(
                consumer=UNKNOWN,
                task_ids=bound["task_ids"],
                key=bound["key"],
                via="xcom_pull",
                span=finisher.span(Loc(site.call)),
                dag_id=bound["dag_id"],
                include_prior_dates=bound["include_prior_dates"],
                run_id=bound["run_id"],
                positional_count=len(site.positional),
                has_star_args=site.has_star_args,
                arguments=finisher.site_argument_spans(site),
            )
        )
    loose_pulls.extend(finisher.pull(pending) for pending in loose_templates)
    return FileModel(path=path, dags=dags, loose_pulls=tuple(loose_pulls), noqa=noqa,
                     dependencies=_dependencies(builder))
