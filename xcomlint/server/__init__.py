"""``xcomlint server``: the language server (LSP over stdio, SPEC section 8).

Editors get the findings of the buffer as it is typed, their fixes and
``# noqa`` as code actions, and the XCom graph as navigation: from a pull to
the task or push it reads, from a task or push to the pulls that read it, and
hovers that say both. Everything comes from the engine and the model the
command line uses (``engine.lint_source`` with the file's settings and
project); this package only speaks the protocol.

pygls and lsprotocol are the ``server`` extra (``pip install "xcomlint[server]"``):
the linter itself does not need them.
"""

from __future__ import annotations

from typing import Optional

INSTALL_HINT = 'pip install "xcomlint[server]"'


def missing_dependency() -> Optional[str]:
    """The name of the package the server needs and cannot import, if any."""
    try:
        import lsprotocol  # noqa: F401
    except ImportError:
        return "lsprotocol"
    try:
        import pygls  # noqa: F401
    except ImportError:
        return "pygls"
    return None


def serve() -> None:
    """Speak LSP on standard input and output until the client says exit."""
    from .app import make_server

    make_server().start_io()


__all__ = ["INSTALL_HINT", "missing_dependency", "serve"]
