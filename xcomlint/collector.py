"""Python's cyclic garbage collector in a process the command line owns.

A file's syntax tree is hundreds of thousands of objects, and none of them is
in a reference cycle: libcst's nodes only point down. The collector cannot
know that; left alone, it traverses each new tree again and again while the
parser builds it (about 9 % of a cold run). What a file leaves as cyclic
garbage is its model's working objects (scopes, values, the builder), which
refer to each other and hold the tree until they are collected.

So each file is linted as one unit (``one_file``): what earlier files left
alive is frozen first (``gc.freeze``: the run's results, never garbage), the
collector is paused, the tree is frozen as soon as it is built (``tree_built``),
and at the end one collection frees the file's cycles, and with them its
tree. Every object of a file is then traversed at most once, and memory stays
as low as before: nothing outlives its file but the file's result.

A warm run's cache entries are the same kind of load: hundreds of thousands
of records in no cycle, alive until the run ends. They are unpickled with the
collector paused and frozen when they are all there (``lasting_records``), so
no later collection traverses them.

This changes process-wide state, so it happens only where ``enable`` was
called: the command line and its pool workers. A library caller (the flake8
plugin, ``lint_source``) keeps its own collector settings.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

# Outside the files (discovery, reading the cache, reports) a run allocates
# many short-lived records in no cycle: fewer, larger young-generation passes
# than the default (one every 700 allocations) still collect the few cycles.
YOUNG_THRESHOLD = 10_000

_enabled = False
_in_file = False


def enable() -> None:
    """Take over the collector for this process (see the module's text)."""
    global _enabled
    _enabled = True
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def enabled() -> bool:
    return _enabled


@contextmanager
def one_file() -> Iterator[None]:
    """Lint one file as a unit of garbage (does nothing unless ``enable`` was called,
    or when the process had turned the collector off)."""
    global _in_file
    if not _managing():
        yield
        return
    gc.freeze()
    gc.disable()
    _in_file = True
    try:
        yield
    finally:
        _in_file = False
        gc.enable()
        gc.collect()


def _managing() -> bool:
    """Whether a unit may start now: the policy is on, no unit is open, and the
    process had not turned the collector off."""
    return _enabled and not _in_file and gc.isenabled()


def tree_built() -> None:
    """A syntax tree was just built: leave its objects out of the collection
    that ends the file (they are freed as soon as nothing holds them)."""
    if _in_file:
        gc.freeze()


@contextmanager
def lasting_records() -> Iterator[None]:
    """Create many objects that are in no cycle and live until the run ends
    (cached models): no collection while they arrive, none traverses them after
    (does nothing unless ``enable`` was called, or inside a file)."""
    if not _managing():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
