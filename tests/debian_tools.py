"""Finding the real external programs some tests drive (Chromium, Graphviz).

The tests never install anything: a test that needs a program looks for it on
PATH. Where it is missing (or cannot run), the test is skipped with the reason
and how to install it, except in CI (the environment variable ``CI`` is
``true``, as GitHub Actions and ``.ci/run`` set it), where a missing program
is a failure: ``.ci/run`` installs both before it runs the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import List, NoReturn, Sequence

import pytest

INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install {package}) or run .ci/run, which does"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it in CI, where every tool must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: the tests that need it must run)", pytrace=False)
    pytest.skip(reason)


def find(commands: Sequence[str], package: str, purpose: str) -> str:
    """The path of the first of ``commands`` on PATH; skips (or, in CI, fails) the test otherwise."""
    for command in commands:
        path = shutil.which(command)
        if path:
            return path
    unavailable(f"{package} is not installed ({purpose}); {INSTALL_HINT.format(package=package)}")


# kept for the tests that ask for a program by this name: it finds, it never installs
def find_or_install(commands: Sequence[str], package: str) -> str:
    return find(commands, package, "needed by this test")


def chromium(workdir: str) -> str:
    """A Chromium that can render a page here, tried on a trivial page first.
    Only a browser that cannot start at all makes the test skip (or fail in CI);
    any later failure is the test's to report."""
    binary = find(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"], "chromium",
                  "the HTML graph page is checked in a real headless browser")
    probe = os.path.join(workdir, "probe.html")
    with open(probe, "w", encoding="utf-8") as handle:
        handle.write("<!DOCTYPE html><title>probe</title><p id=ok>rendered</p>")
    try:
        result = run_chromium(binary, ["--dump-dom", "file://" + probe], os.path.join(workdir, "probe-profile"), timeout=90)
    except (OSError, subprocess.TimeoutExpired) as error:
        unavailable(f"Chromium cannot run here: {error}")
    if "rendered" not in result.stdout:
        unavailable(f"Chromium cannot render a page here: {result.stderr.strip()[-400:]}")
    return binary


def graphviz_dot() -> str:
    return find(["dot"], "graphviz", "the DOT output is checked by Graphviz itself")


def chromium_flags(user_data_dir: str) -> List[str]:
    """Headless flags for a machine without a display or network access: the
    background-networking flags stop Chromium from calling home at start-up."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={user_data_dir}",
    ]


def run_chromium(binary: str, args: Sequence[str], user_data_dir: str, timeout: int = 180) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([binary, *chromium_flags(user_data_dir), *args], capture_output=True, text=True, timeout=timeout)
