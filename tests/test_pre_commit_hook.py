"""The pre-commit hook, run by the real pre-commit on throw-away git repositories.

pre-commit installs the hook the way users get it: it clones the hook repository
at a commit and pip-installs it into an environment of its own. The hook
repository here is a copy of this project's working tree committed into a
temporary git repository, so that uncommitted changes are what gets tested.

Building that environment needs the package index and takes a while, so it is
built twice only: once by ``pre-commit try-repo`` (which always works in a
throw-away store of its own), and once for the runs that use the README's
``.pre-commit-config.yaml``, which share one ``PRE_COMMIT_HOME`` for the module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
import yaml
from dag_sources import BUGGY, CLEAN, COLUMN, LINE, MESSAGE

from xcomlint.docs import code_blocks, sections

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
FINDING = f"dags/etl.py:{LINE}:{COLUMN}: XCL103 pull-unknown-task: {MESSAGE}"
# what a copy of the project never needs
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist",
                                    ".pytest_cache", ".xcomlint_cache", ".mypy_cache", ".ruff_cache")


def git(cwd: Path, *args: str) -> str:
    # an identity and no signing, whatever the machine's git configuration says
    command = ["git", "-c", "user.name=xcomlint tests", "-c", "user.email=tests@xcomlint.invalid",
               "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def _project_files() -> List[str]:
    """The project's tracked and new files (what a commit of the working tree would hold)."""
    try:
        listed = git(PROJECT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    except (OSError, subprocess.CalledProcessError):
        return []
    return [name for name in listed.split("\0") if name and (PROJECT / name).is_file()]


def _copy_project(target: Path) -> None:
    files = _project_files()
    if not files:  # not a git checkout (an unpacked sdist): copy the tree
        shutil.copytree(PROJECT, target, ignore=NOT_COPIED)
        return
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, destination)


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repository = tmp_path_factory.mktemp("hook-repository")
    _copy_project(repository)
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "the working tree under test")
    return repository


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    for name in ("PRE_COMMIT", "PRE_COMMIT_ALLOW_NO_CONFIG", "SKIP", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    return env


def _user_repository(root: Path, files: Dict[str, str]) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", "-A")
    return root


def try_repo(user_repository: Path, hook_repository: Path, env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), "xcomlint", *args],
        cwd=user_repository, env=env, capture_output=True, text=True, timeout=900,
    )


def _snippets() -> Dict[str, str]:
    """The README's two ``.pre-commit-config.yaml`` snippets: "local" and "remote"."""
    found = {}
    for info, body in code_blocks(sections(README)["pre-commit"]):
        if info == "yaml":
            [repository] = yaml.safe_load(body)["repos"]
            found["local" if repository["repo"] == "local" else "remote"] = body
    assert sorted(found) == ["local", "remote"], found
    return found


def configured(hook_repository: Path) -> str:
    """The README's remote-hook snippet, pointed at the commit under test (the
    README says ``rev`` is a commit hash until there are release tags)."""
    config = yaml.safe_load(_snippets()["remote"])
    [repository] = config["repos"]
    assert [hook["id"] for hook in repository["hooks"]] == ["xcomlint"]
    repository["repo"] = str(hook_repository)
    repository["rev"] = git(hook_repository, "rev-parse", "HEAD").strip()
    return yaml.safe_dump(config)


def run_hooks(user_repository: Path, env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=user_repository, env=env, capture_output=True, text=True, timeout=900,
    )


def test_the_hook_definition() -> None:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["xcomlint"]
    hook = hooks[0]
    assert hook["entry"] == "xcomlint check" and hook["language"] == "python" and hook["types"] == ["python"]
    # the whole tree, in one process: see the comments in the hook file
    assert hook["pass_filenames"] is False and hook["require_serial"] is True


def test_try_repo_fails_on_a_buggy_dag_and_shows_the_finding(
    tmp_path: Path, hook_repository: Path, pre_commit_env: Dict[str, str]
) -> None:
    user = _user_repository(tmp_path / "user", {"dags/etl.py": BUGGY})
    result = try_repo(user, hook_repository, pre_commit_env, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "xcomlint" in result.stdout and "Failed" in result.stdout
    assert FINDING in result.stdout


@pytest.mark.parametrize("source,returncode,shown", [(BUGGY, 1, FINDING), (CLEAN, 0, "Passed")], ids=["buggy", "clean"])
def test_configured_hook(
    tmp_path: Path, hook_repository: Path, pre_commit_env: Dict[str, str], source: str, returncode: int, shown: str
) -> None:
    user = _user_repository(tmp_path / "user", {"dags/etl.py": source, ".pre-commit-config.yaml": configured(hook_repository)})
    result = run_hooks(user, pre_commit_env, "--all-files")
    assert result.returncode == returncode, result.stdout + result.stderr
    assert "xcomlint" in result.stdout and shown in result.stdout


def test_a_commit_of_one_file_checks_the_whole_tree(
    tmp_path: Path, hook_repository: Path, pre_commit_env: Dict[str, str]
) -> None:
    """Only a new, clean file is staged, and a DAG committed earlier has a bug: the hook
    still reports it, because it checks the tree rather than the staged files."""
    user = _user_repository(tmp_path / "user", {"dags/etl.py": BUGGY, ".pre-commit-config.yaml": configured(hook_repository)})
    git(user, "commit", "-q", "--no-verify", "-m", "a DAG with a bug")
    (user / "dags" / "other.py").write_text("VALUE = 1\n")
    git(user, "add", "dags/other.py")
    result = run_hooks(user, pre_commit_env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert FINDING in result.stdout


def test_the_readme_install_line_installs_from_a_checkout() -> None:
    [install] = [body for info, body in code_blocks(sections(README)["pre-commit"]) if info == "sh"]
    command = install.split("#")[0].split()
    assert command[:4] == ["python3", "-m", "pip", "install"] and "checkout" in README.split("## pre-commit")[1].split("```")[0]


@pytest.mark.parametrize("source,returncode,shown", [(BUGGY, 1, FINDING), (CLEAN, 0, "Passed")], ids=["buggy", "clean"])
def test_the_readme_local_hook_works_as_written(
    tmp_path: Path, pre_commit_env: Dict[str, str], source: str, returncode: int, shown: str
) -> None:
    """The local hook, exactly as the README shows it, with xcomlint installed where
    pre-commit runs (this environment: its scripts come first on PATH)."""
    snippet = _snippets()["local"]
    user = _user_repository(tmp_path / "user", {"dags/etl.py": source, ".pre-commit-config.yaml": snippet})
    env = dict(pre_commit_env, PATH=os.path.dirname(sys.executable) + os.pathsep + pre_commit_env.get("PATH", ""))
    result = run_hooks(user, env, "--all-files")
    assert result.returncode == returncode, result.stdout + result.stderr
    assert "xcomlint" in result.stdout and shown in result.stdout
    # the hook is the one .pre-commit-hooks.yaml defines for the remote form
    [local] = yaml.safe_load(snippet)["repos"][0]["hooks"]
    [shipped] = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    for key in ("id", "name", "entry", "types", "pass_filenames", "require_serial"):
        assert local[key] == shipped[key], key
