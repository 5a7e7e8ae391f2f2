"""A cheap look at a function's text before the model walks its syntax tree.

Most functions of a DAG file are callables and helpers that make no task.
Walking each one's tree to learn that costs more than the rest of the model,
so the text of every ``def`` is read first: a function whose text has no word
that makes a task, and calls no function of the file whose text has one, is
not walked. The text is an over-approximation (a ``def`` runs to the next
``def``, ``class`` or decorator as indented as it or less, so it holds its
nested functions and sometimes more), which can only make the gate say yes
more often, never hide a task.
"""

from __future__ import annotations

import re
from typing import AbstractSet, Callable, Dict, FrozenSet, List, Optional, Set, Tuple

# words of a function's text that may make a task or a TaskGroup when it runs
MAKER_WORDS = ("task_id", "group_id", "TaskGroup", "task_group", "Operator", "Sensor", "@task", "task.",
               "@dag", "dag(", "DAG(", ".expand(", ".partial(", ".override(", "watcher(")
# the line break before a line that starts a block: a decorator, a class, or a
# def (with its name); searched for in the text after a line break of its own
# (a literal first character makes the search several times faster than ``^``)
_BLOCK_START = re.compile(r"\n([ \t]*)(?:(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(|class\b|@)")
_WORD = re.compile(r"\w+")
# above this many names to look for, one pass collecting a text's words costs
# less than a search per name
_SEARCHES = 16


def function_texts(source: str) -> Dict[str, str]:
    """For each function name of the source, the text of its decorators and
    ``def`` lines up to the next ``def``/``class``/decorator indented as much
    or less (the texts of all functions of that name, joined)."""
    texts: Dict[str, List[str]] = {}
    # the functions still open, innermost last: (indent, name, where its text starts)
    open_defs: List[Tuple[int, str, int]] = []
    decorated_at: Optional[Tuple[int, int]] = None  # (indent, start) of the decorators above a def
    marked = "\n" + source  # a block's line break stands where the block starts in ``source``
    for match in _BLOCK_START.finditer(marked):
        line = match.start()
        indent = len(match.group(1).expandtabs())
        while open_defs and open_defs[-1][0] >= indent:
            level, name, start = open_defs.pop()
            texts.setdefault(name, []).append(source[start:line])
        name = match.group(2)
        if name is None and marked.startswith("@", match.end(1)):
            if decorated_at is None or decorated_at[0] != indent:
                decorated_at = (indent, line)
            continue
        if name is not None:
            # ``@task`` above the ``def`` says what calling it does
            start = decorated_at[1] if decorated_at is not None and decorated_at[0] == indent else line
            open_defs.append((indent, name, start))
        decorated_at = None
    for level, name, start in reversed(open_defs):
        texts.setdefault(name, []).append(source[start:])
    return {name: "\n".join(parts) for name, parts in texts.items()}


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"  # what ``\w`` matches


def mentions(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a whole word (``\bword\b``)."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not _is_word_character(text[start - 1])) and (
                end == len(text) or not _is_word_character(text[end])):
            return True
        start = text.find(word, start + 1)
    return False


class TextGate:
    """Which functions of one source may make tasks, judged from their text.

    ``makers`` gives the names that make a task when called (TaskFlow, task
    group and DAG functions, operator classes, under the names the file binds
    them to at that point of the run); it is asked once per question, and the
    verdicts are kept while its answer stays the same. ``imported_maker`` says
    whether a dotted name of the text (``af.task``, ``ops.BashOperator``) makes
    a task through the file's imports, for names that start with one of
    ``imported``, the names the file imports."""

    def __init__(self, source: str, makers: Callable[[], AbstractSet[str]],
                 imported: FrozenSet[str] = frozenset(),
                 imported_maker: Callable[[str], bool] = lambda dotted: False) -> None:
        self.source = source
        self._imported = imported
        self._imported_maker = imported_maker
        self._texts: Optional[Dict[str, str]] = None
        self._makers_of = makers
        self._asked: Optional[AbstractSet[str]] = None  # what ``makers`` last answered
        self._makers: FrozenSet[str] = frozenset()
        self._words: Dict[str, Set[str]] = {}
        self._directs: Dict[str, bool] = {}
        self._verdicts: Dict[str, bool] = {}

    @property
    def texts(self) -> Dict[str, str]:
        if self._texts is None:
            self._texts = function_texts(self.source)
        return self._texts

    def may_make_tasks(self, name: str) -> bool:
        if name not in self.texts:
            return True  # a lambda, or a ``def`` the pattern missed: walk it
        makers = self._makers_of()
        if makers is not self._asked:  # the same set means the same names
            self._asked = makers
            if makers != self._makers:
                self._makers = frozenset(makers)
                self._verdicts.clear()
        return self._judge(name)

    def _judge(self, name: str) -> bool:
        """Whether the function, or a function of the file its text names, has a
        word that makes a task (a search of all it reaches: a verdict taken
        half-way through a cycle would be wrong)."""
        known = self._verdicts.get(name)
        if known is not None:
            return known
        seen = {name}
        stack = [name]
        found = False
        while stack and not found:
            current = stack.pop()
            verdict = self._verdicts.get(current)
            if verdict is not None:
                if verdict:
                    found = True
                continue  # a verdict comes from a search of all the function reaches
            found = self._direct(current) or bool(self._named(current, self._makers))
            if not found:
                for other in self._named(current, self.texts.keys() - seen):
                    seen.add(other)
                    stack.append(other)
        self._verdicts[name] = found
        return found

    def _named(self, name: str, words: AbstractSet[str]) -> Set[str]:
        """Which of ``words`` stand in the function's text as whole words."""
        if not words:
            return set()
        if len(words) > _SEARCHES:
            found = self._words.get(name)
            if found is None:
                found = self._words[name] = set(_WORD.findall(self.texts[name]))
            return found.intersection(words)
        text = self.texts[name]
        return {word for word in words if mentions(text, word)}

    def _direct(self, name: str) -> bool:
        """Whether the text itself has a word that makes a task, whatever the
        file binds its names to."""
        known = self._directs.get(name)
        if known is None:
            text = self.texts[name]
            known = any(word in text for word in MAKER_WORDS) or any(
                self._imported_maker(dotted)
                for name in self._named(name, self._imported)
                for dotted in set(re.findall(rf"(?<![\w.]){re.escape(name)}(?:\.\w+)*", text)))
            self._directs[name] = known
        return known
