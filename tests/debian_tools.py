"""Finding the real external programs some tests drive (Chromium, Graphviz).

A test that needs one looks for it on PATH; where it is missing and the tests
run as root on a Debian-like machine (CI), it installs the Debian package with
apt-get, as a developer would. Only where that is impossible is the test skipped,
with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import List, Sequence

import pytest


def _apt_install(package: str) -> str:
    """Install a Debian package; returns '' on success, else what went wrong."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not running as root, so apt-get cannot install it"
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-q", package]
    try:
        if subprocess.run(command, env=env, capture_output=True, timeout=1200).returncode == 0:
            return ""
        # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"apt-get failed: {error}"
    return "" if result.returncode == 0 else f"apt-get install {package} failed: {result.stderr.strip()[-300:]}"


def find_or_install(commands: Sequence[str], package: str) -> str:
    """The path of the first of ``commands`` found, installing ``package`` if needed; skips the test otherwise."""
    for command in commands:
        path = shutil.which(command)
        if path:
            return path
    problem = _apt_install(package)
    for command in commands:
        path = shutil.which(command)
        if path:
            return path
    pytest.skip(f"{package} is not installed and cannot be installed here: {problem or 'not on PATH after install'}")
    raise AssertionError("unreachable")  # pytest.skip raises


def chromium(workdir: str) -> str:
    """A Chromium that can render a page here: found or installed, then tried on a
    trivial page. Only a browser that cannot start at all skips the test; any later
    failure is the test's to report."""
    binary = find_or_install(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"], "chromium")
    probe = os.path.join(workdir, "probe.html")
    with open(probe, "w", encoding="utf-8") as handle:
        handle.write("<!DOCTYPE html><title>probe</title><p id=ok>rendered</p>")
    try:
        result = run_chromium(binary, ["--dump-dom", "file://" + probe], os.path.join(workdir, "probe-profile"), timeout=90)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"Chromium cannot run here: {error}")
    if "rendered" not in result.stdout:
        pytest.skip(f"Chromium cannot render a page here: {result.stderr.strip()[-400:]}")
    return binary


def graphviz_dot() -> str:
    return find_or_install(["dot"], "graphviz")


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
