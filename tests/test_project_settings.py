"""The project's place in the settings: ``src``, ``dags-folder`` and
``plugins-folder`` (relative to the configuration file, validated like every
key), the project root, and the Airflow version in its order of precedence
(--airflow-version, the configuration, the project's files, 3), as
--show-settings prints them and the run summary admits to a guess."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List

import pytest
from conftest import invoke_in
from dag_sources import BUGGY

from xcomlint.settings import Settings

xcomlint = invoke_in  # the command line, run from a folder

# a pull whose message depends on the Airflow version (see test_cli)
VERSIONED = BUGGY.replace('task_ids="extarct"', 'key="k"')
ON_AIRFLOW_3 = "itself on Airflow 3"
ON_AIRFLOW_2 = "newest key 'k' pushed by any task"


def setting(output: str, key: str) -> str:
    """The value ``--show-settings`` prints for ``key``."""
    [line] = [line for line in output.splitlines() if line.startswith(f"{key} = ") or line.startswith(f"{key}: ")]
    return line.split(" = ", 1)[1] if " = " in line else line.split(": ", 1)[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository: .git, a configuration naming the project's folders, a DAG."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "airflow" / "dags").mkdir(parents=True)
    (root / "airflow" / "dags" / "etl.py").write_text(VERSIONED)
    (root / "airflow" / ".xcomlint.toml").write_text(
        'src = [".", "../lib"]\n'
        'dags-folder = "dags"\n'
        'plugins_folder = "plugins"\n'
    )
    return root


def test_folders_are_relative_to_the_configuration_file_from_any_directory(project: Path) -> None:
    airflow = project / "airflow"
    for cwd, target in ((project, "airflow/dags"), (airflow / "dags", "."), (project.parent, "repo/airflow")):
        result = xcomlint(cwd, "check", target, "--show-settings")
        assert result.exit_code == 0, result.output
        assert setting(result.stdout, "src") == f'["{airflow}", "{project / "lib"}"]'
        assert setting(result.stdout, "dags-folder") == f'"{airflow / "dags"}"'
        assert setting(result.stdout, "plugins-folder") == f'"{airflow / "plugins"}"'
        # the repository's top, not the configuration's folder
        assert setting(result.stdout, "project root") == str(project)


def test_src_defaults_to_the_configuration_folder_else_the_project_root(project: Path) -> None:
    (project / "airflow" / ".xcomlint.toml").write_text('select = ["XCL1"]\n')
    shown = xcomlint(project, "check", "airflow/dags", "--show-settings").stdout
    airflow = project / "airflow"
    assert setting(shown, "src") == f'["{airflow}", "{airflow / "src"}"]'
    assert setting(shown, "dags-folder") == "none" and setting(shown, "plugins-folder") == "none"
    (project / "airflow" / ".xcomlint.toml").unlink()
    shown = xcomlint(project / "airflow", "check", "dags", "--show-settings").stdout
    assert setting(shown, "src") == f'["{project}", "{project / "src"}"]'
    assert setting(shown, "configuration file") == "none (the defaults)"


def test_without_a_marker_the_configuration_folder_is_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "etl.py").write_text(BUGGY)
    shown = xcomlint(tmp_path, "check", "dags", "--show-settings").stdout
    assert setting(shown, "project root").startswith("none")
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "lint.toml").write_text('dags-folder = "../dags"\n')
    shown = xcomlint(tmp_path, "check", "dags", "--config", "settings/lint.toml", "--show-settings").stdout
    assert setting(shown, "project root") == str(tmp_path / "settings")
    assert setting(shown, "dags-folder") == f'"{tmp_path / "dags"}"'


# each bad value names the file, the line and the key, and the run stops with exit 2
BAD_VALUES = [
    (".xcomlint.toml", 'select = ["XCL1"]\nsrc = 3\n', 2, "key 'src': expected a list of strings"),
    (".xcomlint.toml", 'src = [".", 4]\n', 1, "key 'src': expected a list of strings"),
    (".xcomlint.toml", 'src = ["", "src"]\n', 1, "key 'src': expected a list of folder paths"),
    ("pyproject.toml", '[tool.xcomlint]\n\ndags-folder = ["dags"]\n', 3, "key 'dags-folder': expected the path of a folder"),
    ("pyproject.toml", '[tool.xcomlint]\nplugins_folder = ""\n', 2, "key 'plugins-folder': expected the path of a folder"),
    (".xcomlint.yaml", "select: [XCL1]\ndags-folder: 12\n", 2, "key 'dags-folder': expected the path of a folder"),
    (".xcomlint.yaml", "plugins-folder:\n  - plugins\n", 1, "key 'plugins-folder': expected the path of a folder"),
    (".xcomlint.yaml", "src: {a: b}\n", 1, "key 'src': expected a list of strings"),
    (".xcomlint.yaml", "dag-folder: dags\n", 1, "key 'dag-folder': unknown key (did you mean 'dags-folder'?)"),
]


@pytest.mark.parametrize("name,text,line,message", BAD_VALUES)
def test_a_bad_folder_setting_names_file_line_and_key(tmp_path: Path, name: str, text: str, line: int,
                                                      message: str) -> None:
    (tmp_path / "dag.py").write_text(BUGGY)
    (tmp_path / name).write_text(text)
    for args in (("check", "dag.py"), ("check", "dag.py", "--show-settings")):
        result = xcomlint(tmp_path, *args)
        assert result.exit_code == 2 and result.stdout == ""
        assert f"{name}:{line}: {message}" in result.stderr, result.stderr


# ------------------------------------------------------- the Airflow version
def airflow_project(root: Path, configured: bool = False) -> Path:
    """A repository whose Dockerfile runs Astro Runtime 12 (Airflow 2.10)."""
    (root / ".git").mkdir(parents=True)
    (root / "dags").mkdir()
    (root / "dags" / "etl.py").write_text(VERSIONED)
    (root / "Dockerfile").write_text("FROM quay.io/astronomer/astro-runtime:12.1.0\n")
    (root / "requirements.txt").write_text("apache-airflow-providers-snowflake\n")
    if configured:
        (root / ".xcomlint.toml").write_text("airflow-version = 3\n")
    return root


INFERRED = "Dockerfile:1 (Astro Runtime 12.1.0, Airflow 2.10)"


@pytest.mark.parametrize("configured,args,version,origin", [
    (False, (), 2, f"from {INFERRED}"),
    (True, (), 3, "from the configuration file"),
    (False, ("--airflow-version", "3"), 3, "from --airflow-version"),
    (True, ("--airflow-version", "2"), 2, "from --airflow-version"),
])
def test_the_airflow_version_in_order_of_precedence(tmp_path: Path, configured: bool, args: tuple, version: int,
                                                   origin: str) -> None:
    root = airflow_project(tmp_path / "repo", configured)
    for cwd, target in ((root, "dags"), (root / "dags", "etl.py"), (tmp_path, "repo/dags/etl.py")):
        shown = xcomlint(cwd, "check", target, "--show-settings", *args)
        assert shown.exit_code == 0, shown.output
        assert setting(shown.stdout, "airflow-version") == f"{version}  # {origin}"
        run = xcomlint(cwd, "check", target, *args)
        assert run.exit_code == 1
        assert (ON_AIRFLOW_2 if version == 2 else ON_AIRFLOW_3) in run.stdout


def test_the_default_when_the_project_names_no_version(tmp_path: Path) -> None:
    root = airflow_project(tmp_path / "repo")
    (root / "Dockerfile").write_text("FROM apache/airflow:latest\n")
    shown = xcomlint(root, "check", "dags", "--show-settings").stdout
    assert setting(shown, "airflow-version") == "3  # the default: no option, configuration or project file names one"
    assert ON_AIRFLOW_3 in xcomlint(root, "check", "dags").stdout


def summaries(root: Path, *args: str) -> List[str]:
    return xcomlint(root, "check", "dags", *args).stderr.splitlines()


def test_the_summary_says_which_airflow_was_assumed_only_when_it_was_guessed(tmp_path: Path) -> None:
    root = airflow_project(tmp_path / "repo")
    assert summaries(root)[-1] == f"Found 1 finding in 1 file. Assumed Airflow 2 from {INFERRED}."
    # chosen by the user or the default: nothing to admit to
    assert summaries(root, "--airflow-version", "2")[-1] == "Found 1 finding in 1 file."
    (root / ".xcomlint.toml").write_text("airflow-version = 2\n")
    assert summaries(root)[-1] == "Found 1 finding in 1 file."
    (root / ".xcomlint.toml").unlink()
    (root / "Dockerfile").unlink()
    assert summaries(root)[-1] == "Found 1 finding in 1 file."
    # machine-readable formats and --quiet print no summary at all
    assert "Assumed" not in xcomlint(root, "check", "dags", "--format", "json").stderr
    (root / "Dockerfile").write_text("FROM apache/airflow:2.10.5\n")
    assert "Assumed" not in xcomlint(root, "check", "dags", "--quiet").stderr


def test_a_broken_pyproject_is_no_version_and_no_error(tmp_path: Path) -> None:
    root = airflow_project(tmp_path / "repo")
    (root / "Dockerfile").unlink()
    (root / "pyproject.toml").write_text('[project\ndependencies = ["apache-airflow==2.9.3"]\n')
    (root / "requirements.txt").write_text("apache-airflow==2.9.3\n")
    result = xcomlint(root, "check", "dags")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].endswith("Assumed Airflow 2 from requirements.txt:1 (apache-airflow==2.9.3).")


def test_the_project_folders_are_part_of_the_cache_key() -> None:
    base = Settings()
    keys = {base.cache_key()}
    for changed in (Settings(src=("/p",)), Settings(dags_folder="/p/dags"), Settings(plugins_folder="/p/plugins"),
                    Settings(project_root="/p")):
        keys.add(changed.cache_key())
    assert len(keys) == 5
    # where the version came from is no part of it: only the version is
    assert Settings(airflow_version_source="configuration").cache_key() == base.cache_key()
    assert Settings(airflow_version=2).cache_key() != base.cache_key()


def test_the_project_root_of_a_run_from_elsewhere_is_the_linted_paths(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shown = xcomlint(elsewhere, "check", os.path.relpath(project / "airflow" / "dags", elsewhere), "--show-settings")
    assert setting(shown.stdout, "project root") == str(project)


def test_the_readme_configuration_example_is_a_valid_configuration(tmp_path: Path) -> None:
    from xcomlint.docs import code_blocks, sections

    readme = sections((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8"))
    [example] = [body for info, body in code_blocks(readme["Configuration"]) if info == "toml"]
    (tmp_path / "pyproject.toml").write_text(example)
    (tmp_path / "dags").mkdir()
    shown = xcomlint(tmp_path, "check", "dags", "--show-settings")
    assert shown.exit_code == 0, shown.stderr
    assert setting(shown.stdout, "dags-folder") == f'"{tmp_path / "dags"}"'
    assert setting(shown.stdout, "airflow-version") == "2  # from the configuration file"
