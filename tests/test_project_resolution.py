"""Unit tests of the project layer's module resolution and reverse dependencies
(xcomlint.project.resolution, .modules, .importers; SPEC section 7).

Every test builds a small tree of real files under ``tmp_path``; nothing is
imported or run, and nothing outside ``tmp_path`` is written.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, List, Optional

import pytest

from xcomlint.cache import content_digest
from xcomlint.project import Project, project_for
from xcomlint.project.importers import imported_files, importers_of, imports_project_code
from xcomlint.project.resolution import ModuleRef
from xcomlint.project_root import find_project_root as find_root


def make(root: Path, files: Dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text; a path ending in / is a folder) under ``root``."""
    for relative, text in files.items():
        target = root / relative
        if relative.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def rel(path: Optional[str], root: Path) -> Optional[str]:
    return None if path is None else Path(os.path.relpath(path, root)).as_posix()


# ---------------------------------------------------------------------- roots_for


def test_roots_for_lists_the_ancestors_up_to_the_root_nearest_first_then_the_configured_roots(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": "", "dags/team/a/etl.py": "", "src/": "", "plugins/": "", "elsewhere/": ""})
    project = Project(str(tmp_path), [str(tmp_path), str(tmp_path / "src"), str(tmp_path / "plugins"),
                                      str(tmp_path / "missing")])
    roots = project.roots_for(str(tmp_path / "dags/team/a/etl.py"))
    assert [rel(r, tmp_path) for r in roots] == ["dags/team/a", "dags/team", "dags", ".", "src", "plugins"]
    # the configured roots that do not exist are dropped, the root is listed once


def test_roots_for_a_file_outside_the_root_is_its_folder_then_the_configured_roots(tmp_path: Path) -> None:
    make(tmp_path, {"project/pyproject.toml": "", "project/lib/": "", "outside/deep/x.py": ""})
    project = Project(str(tmp_path / "project"), [str(tmp_path / "project/lib")])
    roots = project.roots_for(str(tmp_path / "outside/deep/x.py"))
    assert [rel(r, tmp_path) for r in roots] == ["outside/deep", "project/lib"]


def test_roots_for_a_sibling_folder_with_the_root_as_prefix_is_outside(tmp_path: Path) -> None:
    # /x/proj-old is not inside /x/proj even though the text starts the same
    make(tmp_path, {"proj/pyproject.toml": "", "proj-old/dag.py": ""})
    project = Project(str(tmp_path / "proj"), [])
    roots = project.roots_for(str(tmp_path / "proj-old/dag.py"))
    assert [rel(r, tmp_path) for r in roots] == ["proj-old"]


def test_roots_for_without_a_root_is_the_folder_of_the_file(tmp_path: Path) -> None:
    make(tmp_path, {"a/b/c.py": ""})
    project = Project(None, [])
    assert project.roots_for(str(tmp_path / "a/b/c.py")) == (str(tmp_path / "a/b"),)


# -------------------------------------------------------------------------- find

FIND_CASES = [
    # (id, files, importer, name, expected path relative to tmp_path or None, expected directory)
    ("plain module", {"include/tasks.py": ""}, "dags/etl.py", "include.tasks", "include/tasks.py", None),
    ("regular package", {"include/__init__.py": "", "include/tasks.py": ""}, "dags/etl.py", "include",
     "include/__init__.py", "include"),
    ("module of a regular package", {"include/__init__.py": "", "include/tasks.py": ""}, "dags/etl.py",
     "include.tasks", "include/tasks.py", None),
    ("namespace package", {"include/tasks.py": ""}, "dags/etl.py", "include", None, "include"),
    ("nested namespace packages", {"a/b/c/d.py": ""}, "dags/etl.py", "a.b.c.d", "a/b/c/d.py", None),
    ("sibling of the DAG file", {"dags/helpers.py": ""}, "dags/etl.py", "helpers", "dags/helpers.py", None),
    ("from the DAGs folder's parent", {"dags/common/__init__.py": "", "dags/common/factory.py": ""},
     "dags/etl.py", "dags.common.factory", "dags/common/factory.py", None),
    ("plugins folder", {"plugins/operators/__init__.py": "", "plugins/operators/my_operator.py": ""},
     "dags/etl.py", "operators.my_operator", "plugins/operators/my_operator.py", None),
    ("src root", {"src/framework/__init__.py": ""}, "dags/etl.py", "framework", "src/framework/__init__.py",
     "src/framework"),
    ("missing module", {"include/tasks.py": ""}, "dags/etl.py", "include.nothing", None, None),
    ("missing package", {}, "dags/etl.py", "requests", None, None),
    ("submodule of a plain module", {"include/tasks.py": ""}, "dags/etl.py", "include.tasks.load", None, None),
    ("not an identifier", {"my-lib/x.py": ""}, "dags/etl.py", "my-lib.x", None, None),
    ("a file wins over a same-named namespace folder in one root",
     {"include.py": "", "include/tasks.py": ""}, "dags/etl.py", "include", "include.py", None),
    ("a regular package wins over a same-named file in one root",
     {"include.py": "", "include/__init__.py": ""}, "dags/etl.py", "include", "include/__init__.py", "include"),
]


@pytest.mark.parametrize("files, importer, name, path, directory",
                         [case[1:] for case in FIND_CASES], ids=[case[0] for case in FIND_CASES])
def test_find(tmp_path: Path, files: Dict[str, str], importer: str, name: str, path: Optional[str],
              directory: Optional[str]) -> None:
    make(tmp_path, {"pyproject.toml": "", importer: "", **files})
    project = Project(str(tmp_path), [str(tmp_path), str(tmp_path / "src"), str(tmp_path / "plugins")])
    found = project.find(name, str(tmp_path / importer))
    if path is None and directory is None:
        assert found is None
        return
    assert found is not None
    assert found.name == name
    assert rel(found.path, tmp_path) == path
    assert rel(found.directory, tmp_path) == directory


def test_the_first_root_holding_the_module_wins(tmp_path: Path) -> None:
    make(tmp_path, {"first/lib/__init__.py": "", "first/lib/util.py": "", "second/lib/__init__.py": "",
                    "second/lib/util.py": "", "second/lib/only_second.py": "", "third/lib.py": "",
                    "elsewhere/dag.py": ""})
    project = Project(None, [str(tmp_path / "first"), str(tmp_path / "second"), str(tmp_path / "third")])
    importer = str(tmp_path / "elsewhere/dag.py")
    assert rel(project.find("lib", importer).path, tmp_path) == "first/lib/__init__.py"
    assert rel(project.find("lib.util", importer).path, tmp_path) == "first/lib/util.py"
    # the order of the roots decides
    reverse = Project(None, [str(tmp_path / "third"), str(tmp_path / "first")])
    assert rel(reverse.find("lib", importer).path, tmp_path) == "third/lib.py"


def test_the_nearest_ancestor_wins_over_the_project_root(tmp_path: Path) -> None:
    # dags/include/tasks.py is what `from include.tasks` means for a DAG in dags/
    make(tmp_path, {"include/tasks.py": "", "dags/include/tasks.py": "", "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    found = project.find("include.tasks", str(tmp_path / "dags/etl.py"))
    assert rel(found.path, tmp_path) == "dags/include/tasks.py"


@pytest.mark.parametrize("files, expected", [
    # a regular package in a later root wins over a namespace folder in an earlier one
    ({"first/lib/other.py": "", "second/lib/__init__.py": ""}, ("second/lib/__init__.py", "second/lib")),
    # a namespace folder only when no root holds a regular package or module
    ({"first/lib/other.py": "", "second/lib/x.py": ""}, (None, "first/lib")),
    ({"first/lib/other.py": "", "second/lib.py": ""}, ("second/lib.py", None)),
])
def test_a_namespace_package_only_when_no_regular_one_exists(tmp_path: Path, files: Dict[str, str],
                                                             expected: tuple) -> None:
    make(tmp_path, {"dag.py": "", **files})
    project = Project(None, [str(tmp_path / "first"), str(tmp_path / "second")])
    found = project.find("lib", str(tmp_path / "dag.py"))
    assert (rel(found.path, tmp_path), rel(found.directory, tmp_path)) == expected


def test_a_module_of_a_package_is_looked_for_in_the_package_python_imports(tmp_path: Path) -> None:
    """`lib.util` is `util` inside the `lib` Python picked: a regular package in a
    later root hides a namespace folder of an earlier root, submodules included."""
    make(tmp_path, {"dag.py": "", "first/lib/util.py": "FIRST = 1\n",
                    "second/lib/__init__.py": "", "second/lib/util.py": "SECOND = 2\n"})
    project = Project(None, [str(tmp_path / "first"), str(tmp_path / "second")])
    found = project.find("lib.util", str(tmp_path / "dag.py"))
    assert found is not None and rel(found.path, tmp_path) == "second/lib/util.py"


def test_a_module_missing_from_the_package_python_imports_is_not_found_in_another_root(tmp_path: Path) -> None:
    make(tmp_path, {"dag.py": "", "first/lib/__init__.py": "", "second/lib/__init__.py": "",
                    "second/lib/util.py": ""})
    project = Project(None, [str(tmp_path / "first"), str(tmp_path / "second")])
    assert project.find("lib.util", str(tmp_path / "dag.py")) is None


def test_a_namespace_package_spans_every_root_that_holds_a_portion(tmp_path: Path) -> None:
    make(tmp_path, {"dag.py": "", "first/lib/a.py": "", "second/lib/b.py": ""})
    project = Project(None, [str(tmp_path / "first"), str(tmp_path / "second")])
    importer = str(tmp_path / "dag.py")
    assert rel(project.find("lib.a", importer).path, tmp_path) == "first/lib/a.py"
    assert rel(project.find("lib.b", importer).path, tmp_path) == "second/lib/b.py"
    package = project.find("lib", importer)
    assert rel(project.submodule(package, "b").path, tmp_path) == "second/lib/b.py"


@pytest.mark.parametrize("name", ["airflow", "airflow.operators.python", "airflow.models", "__future__"])
def test_airflow_is_never_the_project_even_with_an_airflow_folder(tmp_path: Path, name: str) -> None:
    make(tmp_path, {"airflow/__init__.py": "", "airflow/operators/__init__.py": "",
                    "airflow/operators/python.py": "", "airflow/models.py": "", "__future__.py": "",
                    "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    assert project.find(name, str(tmp_path / "dags/etl.py")) is None


def test_airflow_prefixed_project_modules_are_still_the_project(tmp_path: Path) -> None:
    make(tmp_path, {"airflow_utils/__init__.py": "", "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    found = project.find("airflow_utils", str(tmp_path / "dags/etl.py"))
    assert found is not None and rel(found.path, tmp_path) == "airflow_utils/__init__.py"


def test_a_file_importing_its_own_name_is_not_followed(tmp_path: Path) -> None:
    # dags/snowflake.py doing `import snowflake` means the installed package, not itself
    make(tmp_path, {"dags/snowflake.py": "import snowflake\n", "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    assert project.find("snowflake", str(tmp_path / "dags/snowflake.py")) is None
    # another file importing it does read it (and the cached answer does not leak)
    found = project.find("snowflake", str(tmp_path / "dags/etl.py"))
    assert found is not None and rel(found.path, tmp_path) == "dags/snowflake.py"
    assert project.find("snowflake", str(tmp_path / "dags/snowflake.py")) is None


# ------------------------------------------------------- relative imports, submodule

RELATIVE_CASES = [
    # (id, level, name, importer, expected name, path, directory)
    (".x module", 1, "helpers", "dags/marketing/campaigns.py", "helpers", "dags/marketing/helpers.py", None),
    (".x package", 1, "sub", "dags/marketing/campaigns.py", "sub", "dags/marketing/sub/__init__.py",
     "dags/marketing/sub"),
    (".x.y", 1, "sub.deep", "dags/marketing/campaigns.py", "sub.deep", "dags/marketing/sub/deep.py", None),
    ("..x", 2, "common", "dags/marketing/campaigns.py", "common", "dags/common.py", None),
    ("...x", 3, "include", "dags/marketing/campaigns.py", "include", "include/__init__.py", "include"),
    ("from . import (a package)", 1, "", "dags/marketing/campaigns.py", ".", "dags/marketing/__init__.py",
     "dags/marketing"),
    ("from .. import (a namespace folder)", 2, "", "dags/marketing/campaigns.py", "..", None, "dags"),
    (".x missing", 1, "nothing", "dags/marketing/campaigns.py", None, None, None),
    ("..x is not the sibling", 2, "helpers", "dags/marketing/campaigns.py", None, None, None),
]


@pytest.mark.parametrize("level, name, importer, expected_name, path, directory",
                         [case[1:] for case in RELATIVE_CASES], ids=[case[0] for case in RELATIVE_CASES])
def test_find_relative(tmp_path: Path, level: int, name: str, importer: str, expected_name: Optional[str],
                       path: Optional[str], directory: Optional[str]) -> None:
    make(tmp_path, {
        "pyproject.toml": "",
        "include/__init__.py": "",
        "dags/common.py": "",
        "dags/marketing/__init__.py": "",
        "dags/marketing/campaigns.py": "",
        "dags/marketing/helpers.py": "",
        "dags/marketing/sub/__init__.py": "",
        "dags/marketing/sub/deep.py": "",
    })
    project = Project(str(tmp_path), [str(tmp_path)])
    found = project.find_relative(level, name, str(tmp_path / importer))
    if expected_name is None:
        assert found is None
        return
    assert found is not None
    assert found.name == expected_name
    assert rel(found.path, tmp_path) == path
    assert rel(found.directory, tmp_path) == directory


SUBMODULE_CASES = [
    # (id, package name, submodule, expected path or None, expected directory)
    ("a module of a regular package", "include", "tasks", "include/tasks.py", None),
    ("a package of a regular package", "include", "sql", "include/sql/__init__.py", "include/sql"),
    ("a module of a namespace package", "lib", "paths", "lib/paths.py", None),
    ("a missing name", "include", "nothing", None, None),
    ("a plain module has none", "include.tasks", "load", None, None),
]


@pytest.mark.parametrize("package, name, path, directory", [case[1:] for case in SUBMODULE_CASES],
                         ids=[case[0] for case in SUBMODULE_CASES])
def test_submodule(tmp_path: Path, package: str, name: str, path: Optional[str], directory: Optional[str]) -> None:
    make(tmp_path, {"include/__init__.py": "", "include/tasks.py": "", "include/sql/__init__.py": "",
                    "lib/paths.py": "", "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    base = project.find(package, str(tmp_path / "dags/etl.py"))
    assert base is not None
    found = project.submodule(base, name)
    if path is None and directory is None:
        assert found is None
        return
    assert found == ModuleRef(f"{package}.{name}", str(tmp_path / path) if path else None,
                              str(tmp_path / directory) if directory else None)


def test_submodule_of_a_relative_package(tmp_path: Path) -> None:
    make(tmp_path, {"dags/marketing/__init__.py": "", "dags/marketing/utils.py": "", "dags/marketing/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    base = project.find_relative(1, "", str(tmp_path / "dags/marketing/etl.py"))
    found = project.submodule(base, "utils")
    assert found is not None and rel(found.path, tmp_path) == "dags/marketing/utils.py"


# -------------------------------------------------------------------- project_for


def test_find_root_is_the_nearest_folder_with_pyproject_or_git(tmp_path: Path) -> None:
    make(tmp_path, {"outer/pyproject.toml": "", "outer/inner/.git/": "", "outer/inner/dags/etl.py": "",
                    "outer/other/dags/etl.py": ""})
    assert find_root(str(tmp_path / "outer/inner/dags/etl.py")) == str(tmp_path / "outer/inner")
    assert find_root(str(tmp_path / "outer/inner/dags")) == str(tmp_path / "outer/inner")
    assert find_root(str(tmp_path / "outer/other/dags/etl.py")) == str(tmp_path / "outer")
    # .git may be a file (a worktree or a submodule)
    make(tmp_path, {"wt/.git": "gitdir: elsewhere\n", "wt/dags/etl.py": ""})
    assert find_root(str(tmp_path / "wt/dags/etl.py")) == str(tmp_path / "wt")


def _settings(**values: object) -> SimpleNamespace:
    base = {"project_root": None, "src": (), "dags_folder": None, "plugins_folder": None}
    base.update(values)
    return SimpleNamespace(**base)


def test_project_for_defaults_to_the_root_its_src_and_its_plugins(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": "", "src/": "", "plugins/": "", "dags/etl.py": ""})
    project = project_for(_settings(), [str(tmp_path / "dags/etl.py")])
    assert project.root == str(tmp_path)
    assert project.roots == (str(tmp_path), str(tmp_path / "src"), str(tmp_path / "plugins"))


def test_project_for_keeps_only_existing_default_folders(tmp_path: Path) -> None:
    make(tmp_path, {".git/": "", "dags/etl.py": ""})
    project = project_for(_settings(), [str(tmp_path / "dags")])
    assert project.root == str(tmp_path)
    assert project.roots == (str(tmp_path),)


def test_project_for_uses_the_configured_folders(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": "", "src/": "", "code/": "", "airflow/dags/": "", "airflow/plugins/": "",
                    "plugins/": "", "airflow/dags/etl.py": ""})
    settings = _settings(src=(str(tmp_path / "code"),), dags_folder=str(tmp_path / "airflow/dags"),
                         plugins_folder=str(tmp_path / "airflow/plugins"))
    project = project_for(settings, [str(tmp_path / "airflow/dags/etl.py")])
    assert project.root == str(tmp_path)
    # a configured src replaces the default [root, root/src]; the root's plugins folder stays
    assert project.roots == (str(tmp_path / "code"), str(tmp_path / "airflow/dags"),
                             str(tmp_path / "airflow/plugins"), str(tmp_path / "plugins"))


def test_project_for_prefers_the_configured_project_root(tmp_path: Path) -> None:
    make(tmp_path, {"pyproject.toml": "", "repo/dags/etl.py": "", "repo/plugins/": ""})
    project = project_for(_settings(project_root=str(tmp_path / "repo")), [str(tmp_path / "repo/dags/etl.py")])
    assert project.root == str(tmp_path / "repo")
    assert project.roots == (str(tmp_path / "repo"), str(tmp_path / "repo/plugins"))


def test_project_for_without_a_marker_has_no_root(tmp_path: Path) -> None:
    if find_root(str(tmp_path)) is not None:
        pytest.skip("the temporary folder is inside a project")
    make(tmp_path, {"dags/etl.py": ""})
    project = project_for(_settings(), [str(tmp_path / "dags/etl.py")])
    assert project.root is None and project.roots == ()
    assert project.module_files() == []


def test_a_project_pickles_as_its_roots(tmp_path: Path) -> None:
    make(tmp_path, {"include/tasks.py": "X = 1\n", "dags/etl.py": ""})
    project = Project(str(tmp_path), [str(tmp_path)])
    project.find("include.tasks", str(tmp_path / "dags/etl.py"))
    project.parsed(str(tmp_path / "include/tasks.py"))
    copy = pickle.loads(pickle.dumps(project))
    assert (copy.root, copy.roots) == (project.root, project.roots)
    assert copy.find("include.tasks", str(tmp_path / "dags/etl.py")) == \
        project.find("include.tasks", str(tmp_path / "dags/etl.py"))


# ------------------------------------------------------------------------- parsed


def test_parsed_once_then_again_after_a_change(tmp_path: Path) -> None:
    module = tmp_path / "include/consts.py"
    make(tmp_path, {"include/consts.py": "EXTRACT = 'extract'\n"})
    project = Project(str(tmp_path), [str(tmp_path)])
    first = project.parsed(str(module))
    assert first is not None
    assert first.source == "EXTRACT = 'extract'\n"
    assert first.digest == content_digest(module.read_bytes())
    assert "EXTRACT" not in first.imports.names
    assert project.parsed(str(module)) is first  # unchanged: not parsed again

    module.write_text("EXTRACT = 'extract_v2'\n", encoding="utf-8")  # another size
    second = project.parsed(str(module))
    assert second is not first and second.source == "EXTRACT = 'extract_v2'\n"

    # the same size, another modification time
    stat = module.stat()
    module.write_text("EXTRACT = 'extract_v3'\n", encoding="utf-8")
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    third = project.parsed(str(module))
    assert third is not second and third.source == "EXTRACT = 'extract_v3'\n"
    assert third.digest == content_digest(module.read_bytes()) != second.digest


@pytest.mark.parametrize("data", [
    b"def broken(:\n    pass\n",
    b"x = (1,\n",
    b"# -*- coding: latin-1 -*-\nX = 1\n\xff\xfe(\n",
    b"\xff\xfe\x00\x00not utf-8 \xc3(\n",
])
def test_a_module_that_does_not_parse_gives_none(tmp_path: Path, data: bytes) -> None:
    module = tmp_path / "include/broken.py"
    module.parent.mkdir(parents=True)
    module.write_bytes(data)
    project = Project(str(tmp_path), [str(tmp_path)])
    assert project.parsed(str(module)) is None
    assert project.parsed(str(module)) is None  # and stays so while unchanged
    module.write_bytes(b"X = 1\n")
    assert project.parsed(str(module)) is not None  # a fixed module is read again


def test_a_missing_module_gives_none(tmp_path: Path) -> None:
    project = Project(str(tmp_path), [str(tmp_path)])
    assert project.parsed(str(tmp_path / "nothing.py")) is None


def test_parsed_keeps_the_imports_and_noqa_of_the_module(tmp_path: Path) -> None:
    make(tmp_path, {"include/tasks.py": "from include.consts import KEY as K\n"
                                        "import include.other\n"
                                        "x = 1  # noqa: XCL103\n"})
    parsed = Project(str(tmp_path), [str(tmp_path)]).parsed(str(tmp_path / "include/tasks.py"))
    assert parsed is not None
    assert parsed.imports.names["K"] == "include.consts.KEY"
    assert (3, ("XCL103",)) in parsed.noqa.lines


# ------------------------------------------------------------------------ importers

IMPORT_TEXTS = [
    ("from a module", "from include.tasks import load\n", {"include/tasks.py"}),
    ("import a module", "import include.tasks\n", {"include/tasks.py"}),
    ("import with alias", "import include.tasks as t, include.consts as c\n",
     {"include/tasks.py", "include/consts.py"}),
    ("from with aliases", "from include.tasks import load as l, extract as e\n", {"include/tasks.py"}),
    ("parenthesized over lines", "from include import (\n    tasks,\n    consts as c,\n)\n",
     {"include/__init__.py", "include/tasks.py", "include/consts.py"}),
    ("parenthesized with comments", "from include import (  # the callables\n    tasks,  # these\n"
                                    "    consts,  # (and these)\n)\n",
     {"include/__init__.py", "include/tasks.py", "include/consts.py"}),
    ("no space before the parenthesis", "from include import(tasks)\n",
     {"include/__init__.py", "include/tasks.py"}),
    ("backslash continuation",
     "from include import consts, \\\n    tasks\nimport include.other, \\\n    include.more\n",
     {"include/__init__.py", "include/consts.py", "include/tasks.py", "include/other.py", "include/more.py"}),
    ("after a semicolon", "import os; from include import tasks\n", {"include/__init__.py", "include/tasks.py"}),
    ("indented in a function", "def f():\n    from include.consts import KEY\n", {"include/consts.py"}),
    ("in try/except", "try:\n\tfrom include.tasks import load\nexcept ImportError:\n\tload = None\n",
     {"include/tasks.py"}),
    ("relative module", "from .helpers import clean\n", {"dags/helpers.py"}),
    ("relative package", "from . import helpers\n", {"dags/helpers.py"}),
    ("relative, spaced", "from  .   import helpers\n", {"dags/helpers.py"}),
    ("two levels up", "from ..include import tasks\n", {"include/__init__.py", "include/tasks.py"}),
    ("trailing comment", "from include.tasks import load  # the loader\n", {"include/tasks.py"}),
    ("third party and stdlib", "import os, json\nfrom requests import get\nfrom airflow import DAG\n", set()),
    ("a name that is not a module", "from include import VERSION\n", {"include/__init__.py"}),
    ("not an import", "important = 1\nfromage = 'from include import tasks'\n", set()),
]


@pytest.mark.parametrize("text, expected", [case[1:] for case in IMPORT_TEXTS], ids=[case[0] for case in IMPORT_TEXTS])
def test_imported_files(tmp_path: Path, text: str, expected: set) -> None:
    make(tmp_path, {"pyproject.toml": "", "include/__init__.py": "VERSION = 1\n", "include/tasks.py": "",
                    "include/consts.py": "", "include/other.py": "", "include/more.py": "", "dags/helpers.py": "",
                    "dags/etl.py": text})
    project = Project(str(tmp_path), [str(tmp_path)])
    found = imported_files(text, str(tmp_path / "dags/etl.py"), project)
    assert {rel(path, tmp_path) for path in found} == expected
    assert imports_project_code(text, str(tmp_path / "dags/etl.py"), project) == bool(expected)



@pytest.mark.parametrize("text, expected", [case[1:] for case in IMPORT_TEXTS if case[2]],
                         ids=[case[0] for case in IMPORT_TEXTS if case[2]])
def test_importers_of_finds_every_import_that_imported_files_reads(tmp_path: Path, text: str, expected: set) -> None:
    """importers_of reads the imports only of files whose text may name a
    target; that shortcut must never lose an importer the full reading finds."""
    dag = "from airflow import DAG\n" + text
    make(tmp_path, {"pyproject.toml": "", "include/__init__.py": "VERSION = 1\n", "include/tasks.py": "",
                    "include/consts.py": "", "include/other.py": "", "include/more.py": "", "dags/helpers.py": "",
                    "dags/etl.py": dag})
    project = Project(str(tmp_path), [str(tmp_path)])
    for target in expected:
        found = importers_of([str(tmp_path / target)], project, set())
        assert [rel(path, tmp_path) for path in found] == ["dags/etl.py"], target

def _chain(tmp_path: Path) -> Project:
    make(tmp_path, {
        "pyproject.toml": "",
        "include/tasks.py": "def load(ti):\n    return ti.xcom_pull(task_ids='extract')\n",
        # passes the import on, never mentions the orchestrator
        "include/wrappers.py": "from include.tasks import load\n\ndef wrapped(ti):\n    return load(ti)\n",
        "dags/etl.py": "from airflow import DAG\nfrom include.wrappers import wrapped\n",
        "dags/direct.py": "from airflow.sdk import dag\nimport include.tasks\n",
        "dags/unrelated.py": "from airflow import DAG\nfrom include import other\n",
        "include/other.py": "",
        "dags/notes.py": "from include.tasks import load  # no DAG here\n",
        ".venv/lib/site.py": "from airflow import DAG\nfrom include.tasks import load\n",
    })
    return Project(str(tmp_path), [str(tmp_path)])


@pytest.mark.parametrize("targets, skipped, expected", [
    (["include/tasks.py"], [], ["dags/direct.py", "dags/etl.py"]),
    (["include/wrappers.py"], [], ["dags/etl.py"]),
    (["include/tasks.py"], ["dags/etl.py"], ["dags/direct.py"]),
    # a module linted with the DAG that imports it: the DAG is no context of its own
    (["include/tasks.py", "dags/etl.py"], [], ["dags/direct.py"]),
    (["include/other.py"], [], ["dags/unrelated.py"]),
    (["dags/etl.py"], [], []),
])
def test_importers_of_are_the_dag_files_importing_directly_or_through_helpers(
        tmp_path: Path, targets: List[str], skipped: List[str], expected: List[str]) -> None:
    project = _chain(tmp_path)
    found = importers_of([str(tmp_path / t) for t in targets], project, {str(tmp_path / s) for s in skipped})
    assert [rel(path, tmp_path) for path in found] == expected


def test_importers_of_accepts_relative_paths_from_the_current_directory(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    project = _chain(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = importers_of(["include/wrappers.py"], project, {"dags/direct.py"})
    assert [rel(path, tmp_path) for path in found] == ["dags/etl.py"]


def test_importers_of_without_a_root_is_empty(tmp_path: Path) -> None:
    _chain(tmp_path)
    assert importers_of([str(tmp_path / "include/tasks.py")], Project(None, [str(tmp_path)]), set()) == []


def test_module_files_skip_environments_and_hidden_folders(tmp_path: Path) -> None:
    _chain(tmp_path)
    make(tmp_path, {"venv/x.py": "", "node_modules/y.py": "", ".hidden/z.py": "", "build/b.py": "",
                    "dags/__pycache__/etl.py": "", "dags/readme.txt": ""})
    files = [rel(path, tmp_path) for path in Project(str(tmp_path), [str(tmp_path)]).module_files()]
    assert set(files) == {"dags/direct.py", "dags/etl.py", "dags/notes.py", "dags/unrelated.py",
                          "include/other.py", "include/tasks.py", "include/wrappers.py"}


def test_project_for_adds_the_config_folder_airflow_puts_on_sys_path(tmp_path: Path) -> None:
    """``$AIRFLOW_HOME/config`` is on Airflow's ``sys.path`` (airflow_local_settings
    and what it imports): a module there resolves."""
    make(tmp_path, {"pyproject.toml": "", "config/settings_keys.py": "", "dags/etl.py": ""})
    project = project_for(_settings(), [str(tmp_path / "dags/etl.py")])
    assert project.roots == (str(tmp_path), str(tmp_path / "config"))
    found = project.find("settings_keys", str(tmp_path / "dags/etl.py"))
    assert found is not None and found.path == str(tmp_path / "config/settings_keys.py")


@pytest.mark.parametrize("statement", ["from . import VALUE", "from  .\timport VALUE"])
def test_importers_of_a_package_reads_files_importing_it_by_dots_alone(tmp_path: Path, statement: str) -> None:
    """``from . import x`` inside a package imports its ``__init__`` without
    naming it: such a file is read whatever words it holds."""
    make(tmp_path, {"pyproject.toml": "", "pipeline/__init__.py": "VALUE = 'key'\n",
                    "pipeline/etl.py": f"from airflow import DAG\n{statement}\n"})
    project = Project(str(tmp_path), [str(tmp_path)])
    found = importers_of([str(tmp_path / "pipeline/__init__.py")], project, set())
    assert [rel(path, tmp_path) for path in found] == ["pipeline/etl.py"]
