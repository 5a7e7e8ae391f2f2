"""Configuration and rule selection as ruff has them: the configuration file is
found from the linted paths, paths in it are relative to its folder, the more
specific of --select and --ignore wins, and every configuration error names
its line."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List, Tuple

import pytest
from conftest import invoke_in
from dag_sources import BUGGY

EXAMPLES = Path(__file__).parent.parent / "examples" / "dags"

xcomlint = invoke_in  # the command line, run from a folder


def findings(output: str) -> List[Tuple[str, int, int, str]]:
    """(file name, line, column, code) of each text finding: the same whatever
    folder the paths are shown from."""
    found = []
    for line in output.splitlines():
        match = re.match(r"^(.*?):(\d+):(\d+): (XCL\d+) ", line)
        assert match, line
        found.append((Path(match.group(1)).name, int(match.group(2)), int(match.group(3)), match.group(4)))
    return sorted(found)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """project/pyproject.toml configures a run over project/dags: an excluded
    legacy folder, a per-file ignore and an ignored rule, all as paths relative
    to the project."""
    root = tmp_path / "project"
    (root / "dags" / "legacy").mkdir(parents=True)
    (root / "dags" / "reports").mkdir()
    (root / "dags" / "orders_etl.py").write_text((EXAMPLES / "orders_etl.py").read_text())
    (root / "dags" / "legacy" / "old_etl.py").write_text(BUGGY)
    (root / "dags" / "reports" / "etl.py").write_text(BUGGY)
    (root / "pyproject.toml").write_text(
        '[tool.xcomlint]\n'
        'exclude = ["dags/legacy"]\n'
        'ignore = ["XCL101"]\n'
        '\n'
        '[tool.xcomlint.per-file-ignores]\n'
        '"dags/reports/*" = ["XCL103"]\n'
    )
    return root


def test_the_same_findings_from_the_root_from_dags_and_from_the_parent(project: Path) -> None:
    from_root = xcomlint(project, "check", "dags")
    from_dags = xcomlint(project / "dags", "check")
    from_parent = xcomlint(project.parent, "check", "project/dags")
    from_elsewhere = xcomlint(project / "dags" / "reports", "check", str(project / "dags"))
    expected = [("orders_etl.py", 20, 12, "XCL102"), ("orders_etl.py", 25, 56, "XCL104"),
                ("orders_etl.py", 26, 35, "XCL103"), ("orders_etl.py", 46, 60, "XCL103")]
    for result in (from_root, from_dags, from_parent, from_elsewhere):
        assert result.exit_code == 1, result.output
        assert findings(result.stdout) == expected
    assert from_parent.stdout.startswith("project/dags/orders_etl.py:")
    # without the configuration: the legacy file, the reports file and XCL101 all report
    (project / "pyproject.toml").unlink()
    unconfigured = findings(xcomlint(project.parent, "check", "project/dags").stdout)
    assert {name for name, *_ in unconfigured} == {"orders_etl.py", "old_etl.py", "etl.py"}
    assert "XCL101" in {code for *_, code in unconfigured}


def test_the_allowlist_of_the_configuration_is_relative_to_it(project: Path) -> None:
    (project / "allow.yaml").write_text("version: 1\ndags:\n  orders_etl: {}\n")
    (project / "pyproject.toml").write_text('[tool.xcomlint]\nallowlist = "allow.yaml"\nselect = ["XCL301"]\n')
    for cwd, target in ((project, "dags/orders_etl.py"), (project / "dags", "orders_etl.py"),
                        (project.parent, "project/dags/orders_etl.py")):
        result = xcomlint(cwd, "check", target)
        assert result.exit_code == 1, result.output
        assert {code for *_, code in findings(result.stdout)} == {"XCL301"}


def test_a_configuration_next_to_the_files_wins_over_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint]\nselect = ["XCL101"]\n')
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / ".xcomlint.yaml").write_text("select: [XCL103]\n")
    (tmp_path / "team" / "dag.py").write_text(BUGGY)
    assert xcomlint(tmp_path, "check", "team").exit_code == 1  # XCL103 from team/.xcomlint.yaml
    assert xcomlint(tmp_path, "check", "team/dag.py").exit_code == 1
    # outside any configuration, the one of the current directory applies
    (tmp_path / "team" / ".xcomlint.yaml").unlink()
    assert xcomlint(tmp_path, "check", "team").exit_code == 0


def test_paths_under_different_configurations_are_a_usage_error(tmp_path: Path) -> None:
    for team in ("a", "b"):
        (tmp_path / team).mkdir()
        (tmp_path / team / ".xcomlint.yaml").write_text("select: [XCL103]\n")
        (tmp_path / team / "dag.py").write_text(BUGGY)
    result = xcomlint(tmp_path, "check", "a", "b")
    assert result.exit_code == 2
    assert "different configuration files (a/.xcomlint.yaml, b/.xcomlint.yaml)" in result.stderr
    assert result.stdout == ""
    assert xcomlint(tmp_path, "check", "a", "b", "--config", "a/.xcomlint.yaml").exit_code == 1


def test_exclude_and_extend_exclude_on_the_command_line(project: Path) -> None:
    # --exclude replaces the configuration's exclude: the legacy folder is linted again
    result = xcomlint(project, "check", "dags", "--exclude", "orders_etl.py")
    assert {name for name, *_ in findings(result.stdout)} == {"old_etl.py"}
    # --extend-exclude adds to it; patterns are relative to the current directory
    result = xcomlint(project / "dags", "check", ".", "--extend-exclude", "orders_etl.py,reports/*")
    assert result.exit_code == 0 and result.stdout == ""
    # a name pattern matches a folder anywhere below, a path pattern only where it points
    assert xcomlint(project, "check", "dags", "--exclude", "legacy,orders_etl.py").exit_code == 0
    result = xcomlint(project, "check", "dags", "--exclude", "legacy/*,orders_etl.py")
    assert {name for name, *_ in findings(result.stdout)} == {"old_etl.py"}


def test_extend_exclude_in_the_configuration(project: Path) -> None:
    with (project / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.xcomlint.rule-options.XCL204]\nignore-keys = ["k"]\n')
    text = (project / "pyproject.toml").read_text().replace('ignore = ["XCL101"]\n', 'ignore = ["XCL101"]\nextend-exclude = ["dags/orders_etl.py"]\n')
    (project / "pyproject.toml").write_text(text)
    result = xcomlint(project / "dags", "check")
    assert result.exit_code == 0, result.output


def test_a_folder_named_like_a_pattern_above_the_project_is_not_excluded(tmp_path: Path) -> None:
    """A name pattern looks at names below the linted folder, never at the
    folders a checkout happens to live in."""
    root = tmp_path / "build" / "project"
    (root / "dags").mkdir(parents=True)
    (root / "dags" / "etl.py").write_text(BUGGY)
    (root / ".xcomlint.yaml").write_text("exclude: [build]\n")
    assert xcomlint(root, "check", str(root / "dags")).exit_code == 1


@pytest.mark.parametrize(
    "args,reported",
    [
        (("--select", "XCL103", "--ignore", "XCL1"), True),
        (("--ignore", "XCL1", "--select", "XCL103"), True),
        (("--select", "XCL1", "--ignore", "XCL103"), False),
        (("--select", "XCL103", "--ignore", "XCL103"), False),  # as specific: ignore wins
        (("--select", "ALL", "--ignore", "XCL10"), False),
        (("--ignore", "ALL", "--extend-select", "XCL103"), True),
    ],
)
def test_the_more_specific_selector_wins(tmp_path: Path, args: tuple, reported: bool) -> None:
    (tmp_path / "dag.py").write_text(BUGGY)
    result = xcomlint(tmp_path, "check", "dag.py", *args)
    assert result.exit_code == (1 if reported else 0), result.output


def test_the_command_line_selection_is_a_layer_over_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "dag.py").write_text(BUGGY)
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint]\nignore = ["XCL103"]\n')
    assert xcomlint(tmp_path, "check", "dag.py").exit_code == 0
    # a --select starts the selection afresh, as in ruff
    assert xcomlint(tmp_path, "check", "dag.py", "--select", "XCL1").exit_code == 1
    # without --select the configuration's ignore stays
    assert xcomlint(tmp_path, "check", "dag.py", "--extend-select", "XCL105").exit_code == 0
    # the more specific selector wins inside the configuration too
    (tmp_path / "pyproject.toml").write_text('[tool.xcomlint]\nselect = ["XCL103"]\nignore = ["XCL1"]\n')
    assert xcomlint(tmp_path, "check", "dag.py").exit_code == 1


@pytest.mark.parametrize("name", ["custom.toml", ".xcomlint.toml"])
def test_tool_xcomlint_is_accepted_in_any_toml_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "dag.py").write_text(BUGGY)
    (tmp_path / name).write_text('[tool.other]\nx = 1\n\n[tool.xcomlint]\nignore = ["XCL103"]\n')
    args = ("--config", name) if name == "custom.toml" else ()
    result = xcomlint(tmp_path, "check", "dag.py", *args)
    assert result.exit_code == 0, result.output
    (tmp_path / name).write_text('[tool.xcomlint]\nignor = ["XCL103"]\n')
    result = xcomlint(tmp_path, "check", "dag.py", *args)
    assert result.exit_code == 2
    assert f"{name}:2: key 'ignor': unknown key (did you mean 'ignore'?)" in result.stderr


# every error a configuration can have, in YAML and TOML: each names the file and its line
CONFIG_ERRORS = [
    (".xcomlint.yaml", "select: [XCL103]\nexclud: [x]\n", 2, "key 'exclud': unknown key (did you mean 'exclude'?)"),
    (".xcomlint.yaml", "per-file-ignores:\n  'a/*': [XCL999]\n", 2, "'XCL999' matches no rule"),
    (".xcomlint.yaml", "rule-options:\n  XCL204:\n    ignore-kes: [a]\n", 3, "(did you mean 'ignore-keys'?)"),
    (".xcomlint.yaml", "rule-options:\n  XCL2O4: {}\n", 2, "not a rule code (did you mean 'XCL204'?)"),
    (".xcomlint.yaml", "allowlist: 3\n", 1, "expected the path of the allow-list YAML file"),
    (".xcomlint.yaml", "- a\n", 1, "must be a mapping"),
    (".xcomlint.yaml", "select: [XCL1\n", 2, "invalid YAML"),
    ("pyproject.toml", '[tool.xcomlint]\nselect = ["XCL1"]\nserialisation = "json"\n', 3,
     "key 'serialisation': unknown key (did you mean 'serialization'?)"),
    ("pyproject.toml", '[tool.xcomlint.per-file-ignores]\n"dags/*.py" = ["NOPE"]\n', 2, "'NOPE' matches no rule"),
    ("pyproject.toml", '[tool.xcomlint]\nper-file-ignores = 3\n', 2, "expected a mapping of file globs"),
    ("pyproject.toml", '[tool.xcomlint]\nrule-options.XCL204.ignore-keys = 3\n', 2, "expected list"),
    ("pyproject.toml", '[tool.xcomlint.rule-options.XCL999]\nx = 1\n', 1, "not a rule code"),
    ("pyproject.toml", '[tool.xcomlint]\nlarge-value-bytes = -1\n', 2, "expected a positive number of bytes"),
    ("pyproject.toml", '[tool.xcomlint]\nselect = [\n  "XCL1",\n  "XCL9",\n]\n', 2, "'XCL9' matches no rule"),
    ("pyproject.toml", '[tool.xcomlint]\nselect = ["XCL1"\n', 2, "invalid TOML"),
    (".xcomlint.toml", 'airflow_version = 4\n', 1, "expected Airflow version 2 or 3"),
]


@pytest.mark.parametrize("name,text,line,message", CONFIG_ERRORS)
def test_every_configuration_error_names_its_line(tmp_path: Path, name: str, text: str, line: int, message: str) -> None:
    (tmp_path / "dag.py").write_text(BUGGY)
    (tmp_path / name).write_text(text)
    result = xcomlint(tmp_path, "check", "dag.py")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{name}:{line}: " in result.stderr and message in result.stderr, result.stderr


def test_show_settings_names_the_file_and_the_resolved_settings(project: Path) -> None:
    result = xcomlint(project / "dags", "check", "--show-settings", "--extend-select", "XCL105")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"configuration file: {project / 'pyproject.toml'}"
    selected = next(line for line in lines if line.startswith("select = "))
    assert '"XCL105"' in selected and '"XCL101"' not in selected
    assert f'exclude = ["{(project / "dags" / "legacy").as_posix()}"]' in lines
    assert any(line.startswith("per-file-ignores = {") and "dags/reports/*" in line for line in lines)
    # nothing is linted
    assert "orders_etl.py" not in result.stdout and result.stderr == ""
    bare = xcomlint(project.parent, "check", "--show-settings", "--config", os.devnull)
    assert bare.exit_code == 0 and bare.stdout.startswith("configuration file: ")


def test_per_file_ignores_hold_for_rules_that_look_across_files(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "dag.py").write_text(
        "from airflow.sdk import DAG\n"
        "from airflow.providers.standard.operators.python import PythonOperator\n\n\n"
        "def publish(ti):\n"
        "    ti.xcom_push(key='manifest', value='s3://m.json')\n\n\n"
        "with DAG(dag_id='etl', schedule=None):\n"
        "    PythonOperator(task_id='publish', python_callable=publish)\n"
    )
    assert findings(xcomlint(tmp_path, "check", ".", "--extend-select", "XCL204").stdout) == [("dag.py", 6, 5, "XCL204")]
    (tmp_path / ".xcomlint.yaml").write_text("per-file-ignores:\n  'legacy/*': [XCL204]\n")
    result = xcomlint(tmp_path, "check", ".", "--extend-select", "XCL204")
    assert result.exit_code == 0, result.stdout
