"""``xcomlint server``: the language server (LSP over stdio, SPEC section 8).

Editors get the findings of the buffer as it is typed, their fixes and
``# noqa`` as code actions, and the XCom graph as navigation: from a pull to
the task or push it reads, from a task or push to the pulls that read it, and
hovers that say both. Everything comes from the engine and the model the
command line uses (``engine.lint_source`` with the file's settings and
project); this package only speaks the protocol.

pygls and lsprotocol are the ``server`` extra (``pip install -e ".[server]"`` in
a clone): the linter itself does not need them.
"""

from __future__ import annotations

from typing import List, Optional

# the server extra's requirements, as pyproject.toml declares them: used when the
# installed package's metadata cannot say (a source tree on sys.path)
_SERVER_EXTRA = ["lsprotocol>=2025.0.0", "pygls>=2.1,<3"]


def install_hint() -> str:
    """The command that installs what the server needs, whichever way xcomlint
    itself was installed (it is not on PyPI: ``xcomlint[server]`` would not resolve)."""
    return "pip install " + " ".join(f'"{requirement}"' for requirement in server_requirements())


def server_requirements() -> List[str]:
    """The requirements of the installed package's server extra."""
    from importlib import metadata

    try:
        declared = metadata.requires("xcomlint") or []
    except metadata.PackageNotFoundError:
        return list(_SERVER_EXTRA)
    found = [requirement.split(";")[0].replace(" ", "") for requirement in declared
             if 'extra == "server"' in requirement or "extra == 'server'" in requirement]
    # the metadata's order and spelling are the build backend's (``pygls<3,>=2.1``): sorted, the same message
    return sorted(found) or list(_SERVER_EXTRA)


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


__all__ = ["install_hint", "missing_dependency", "serve"]
