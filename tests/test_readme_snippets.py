"""The README's integration snippets, tried as a new user would: the CI steps run on the
example DAGs, the flake8 example is what flake8 prints, the editor settings parse.
(The pre-commit snippet is run by the real pre-commit in test_pre_commit_hook.py.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import jsonschema
import pytest
import yaml

from xcomlint.docs import code_blocks, sections

PROJECT = Path(__file__).resolve().parent.parent
README = sections((PROJECT / "README.md").read_text(encoding="utf-8"))
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def blocks(section: str, language: str) -> List[str]:
    return [body for info, body in code_blocks(README[section]) if info == language]


@pytest.fixture
def user_project(tmp_path: Path) -> Path:
    """A repository with the example DAGs in dags/, as the README's examples assume."""
    shutil.copytree(PROJECT / "examples" / "dags", tmp_path / "dags")
    return tmp_path


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """A ``run:`` step: bash, with this environment's scripts (xcomlint, flake8) on PATH."""
    scripts = os.path.dirname(sys.executable)
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _steps(snippet: str) -> List[Dict[str, Any]]:
    document = yaml.safe_load(snippet)
    if isinstance(document, list):  # a fragment: steps only
        return document
    return [step for job in document["jobs"].values() for step in job["steps"]]


def test_sarif_workflow_writes_the_file_it_uploads(user_project: Path) -> None:
    workflow = yaml.safe_load(blocks("Continuous integration", "yaml")[0])
    assert workflow["jobs"]["xcomlint"]["permissions"]["security-events"] == "write"
    steps = _steps(blocks("Continuous integration", "yaml")[0])
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    [lint] = [s["run"] for s in steps if s.get("run", "").startswith("xcomlint ")]
    result = shell(lint, user_project)
    assert result.returncode == 0, result.stderr  # --exit-zero: the upload step still runs
    log = json.loads((user_project / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"dags/orders_etl.py"}


def test_github_annotations_step(user_project: Path) -> None:
    [lint] = [s["run"] for s in _steps(blocks("Continuous integration", "yaml")[1]) if s["run"].startswith("xcomlint ")]
    result = shell(lint, user_project)
    assert result.returncode == 1  # findings fail the job
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error file=dags/orders_etl.py,", "::warning file=dags/orders_etl.py,"))
                         for line in lines)


def test_flake8_example(user_project: Path) -> None:
    [commands] = blocks("flake8 and editors", "sh")
    [shown] = [body for info, body in code_blocks(README["flake8 and editors"]) if info == ""]
    check = [line for line in commands.splitlines() if line.startswith("flake8 ")]
    result = shell(check[0], user_project)
    assert result.returncode == 1
    for line in shown.splitlines():
        assert line in result.stdout.splitlines()


def test_stdin_example(user_project: Path) -> None:
    command = "xcomlint check --stdin-filename dags/etl.py -"
    assert f"`{command}`" in README["flake8 and editors"]
    result = shell(command + " < dags/orders_etl.py", user_project)
    assert result.returncode == 1 and result.stdout.startswith("dags/etl.py:")


def test_editor_settings_parse() -> None:
    [vscode] = blocks("flake8 and editors", "json")
    assert json.loads(vscode) == {"flake8.importStrategy": "fromEnvironment"}


def test_full_format_example(user_project: Path) -> None:
    # the block sits in a list item, indented by two spaces
    [shown] = [m.group(1) for m in re.finditer(r"^  ```\n(.*?)^  ```$", README["Command line"], re.M | re.S)
               if "= docs:" in m.group(1)]
    shown = "\n".join(line[2:] for line in shown.splitlines()) + "\n"
    code = shown.split(": ")[1].split()[0]
    result = shell(f"xcomlint check dags --format full --select {code}", user_project)
    assert result.returncode == 1
    assert result.stdout == shown


def test_fixing_findings_example(user_project: Path) -> None:
    """The diff the README shows is what ``--diff`` prints on the example DAGs;
    ``--fix`` then writes it and says so on its last line."""
    [shown] = [body for info, body in code_blocks(README["Fixing findings"]) if info == ""]
    command, expected = shown.split("\n", 1)
    assert command.startswith("$ xcomlint check --diff")
    before = (user_project / "dags" / "orders_etl.py").read_text()
    result = shell(command[2:], user_project)
    assert result.returncode == 1
    assert result.stdout == expected
    assert (user_project / "dags" / "orders_etl.py").read_text() == before
    summary = re.search(r"e\.g\. `(Checked [^`]*)`", " ".join(README["Fixing findings"].split())).group(1)
    fixed = shell("xcomlint check --fix dags/", user_project)
    assert fixed.returncode == 1 and fixed.stderr.splitlines()[-1] == summary
    applied = shell("xcomlint check --fix --unsafe-fixes dags/", user_project)
    after = (user_project / "dags" / "orders_etl.py").read_text()
    for line in expected.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            assert line[1:] + "\n" in after
    assert applied.stderr.splitlines()[-1].startswith("Checked 2 files: 2 fixed, ")


def test_own_modules_example(tmp_path: Path) -> None:
    """The three runs of "Your own modules" (under "Rules") print what the README shows, on the
    example project it names (a copy: runs may write nothing into the repository)."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "examples" / "project", project)
    [shown] = [body for info, body in code_blocks(README["Rules"]) if info == "" and "$ xcomlint check include" in body]
    runs = re.findall(r"^\$ (xcomlint check \S+)\n((?:(?!\$ ).*\n)*)", shown, re.M)
    assert [command for command, _ in runs] == [
        "xcomlint check .", "xcomlint check dags/etl.py", "xcomlint check include/tasks.py"]
    for command, output in runs:
        result = shell(command + " --no-cache", project)
        assert result.returncode == 1, result.stderr
        assert result.stdout == output, command


def _editor_commands() -> Dict[str, List[str]]:
    """The command each editor's snippet of "Language server" starts."""
    import sys as _sys

    if _sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    [vscode] = blocks("Language server", "json")
    [lua] = blocks("Language server", "lua")
    [helix_toml] = blocks("Language server", "toml")
    [elisp] = blocks("Language server", "elisp")
    settings = json.loads(vscode)
    assert settings["glspc.server.languageId"] == ["python"]
    helix = tomllib.loads(helix_toml)
    [python] = [language for language in helix["language"] if language["name"] == "python"]
    assert "xcomlint" in python["language-servers"]
    neovim = re.search(r"cmd = \{([^}]*)\}", lua)
    emacs = re.search(r"\. \(([^()]*)\)\)\)\)", elisp)
    assert neovim is not None and emacs is not None
    assert 'filetypes = { "python" }' in lua and 'vim.lsp.enable("xcomlint")' in lua
    return {
        "VS Code": [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]],
        "Helix": [helix["language-server"]["xcomlint"]["command"], *helix["language-server"]["xcomlint"]["args"]],
        "Neovim": re.findall(r'"([^"]*)"', neovim.group(1)),
        "Emacs": re.findall(r'"([^"]*)"', emacs.group(1)),
    }


def test_language_server_snippets_start_the_server(tmp_path: Path) -> None:
    """Every editor's snippet starts the same command, and that command, run as the
    editor runs it (the environment's scripts on PATH), answers an LSP client;
    the extra the README installs is the package's."""
    import asyncio

    from lsp_client import start, stop

    commands = _editor_commands()
    assert set(map(tuple, commands.values())) == {("xcomlint", "server")}
    # the extra, from where "Set up" installs xcomlint (it is not on PyPI)
    [install] = blocks("Language server", "sh")
    found = re.fullmatch(r'pip install "xcomlint\[server\] @ (git\+\S+)"', install.strip())
    assert found is not None and f'pip install "{found.group(1)}"' in README["Set up"]
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert sorted(extras["server"]) == ["lsprotocol>=2025.0.0", "pygls>=2.1,<3"]

    scripts = os.path.dirname(sys.executable)
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    executable = shutil.which("xcomlint", path=env["PATH"])
    assert executable is not None, "the xcomlint script is installed next to this Python"

    async def handshake() -> str:
        session = await start(tmp_path, [executable, "server"], env)
        try:
            offered = session.capabilities
            assert offered is not None
            assert offered.hover_provider and offered.definition_provider and offered.references_provider
            return str(offered.code_action_provider)
        finally:
            await stop(session)

    assert "source.fixAll.xcomlint" in asyncio.run(handshake())
