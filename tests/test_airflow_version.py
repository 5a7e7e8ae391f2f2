"""The Airflow version a project runs, read from its files as they are written
in real projects: a Dockerfile (Apache's image, Astro Runtime of either
generation, Astronomer Certified), docker-compose, constraints, requirements
and pyproject.toml (PEP 621, PEP 735, Poetry). Each case is a real project
folder in tmp_path; nothing is executed or mocked."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xcomlint.airflow_version import image_major, infer_airflow_version, requirement_major
from xcomlint.project_root import find_project_root


def project_with(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# ---------------------------------------------------------------- one source
# (files, the major version, where it was read) -- None: nothing to go by
ONE_SOURCE = [
    # Apache's image, with its tag variants
    ({"Dockerfile": "FROM apache/airflow:2.10.5-python3.11\n"}, (2, "Dockerfile:1 (apache/airflow:2.10.5-python3.11)")),
    ({"Dockerfile": "# syntax=docker/dockerfile:1\nFROM apache/airflow:slim-3.0.1\nUSER airflow\n"},
     (3, "Dockerfile:2 (apache/airflow:slim-3.0.1)")),
    ({"Dockerfile": "FROM --platform=linux/amd64 docker.io/apache/airflow:3.1.0 AS base\n"},
     (3, "Dockerfile:1 (docker.io/apache/airflow:3.1.0)")),
    ({"Dockerfile": "FROM apache/airflow:2.9.3@sha256:0123abcd\n"}, (2, "Dockerfile:1 (apache/airflow:2.9.3)")),
    ({"Dockerfile": "FROM apache/airflow:latest\n"}, None),  # latest is whatever was pulled: unknown
    ({"Dockerfile": "FROM apache/airflow\n"}, None),
    ({"Dockerfile": "FROM apache/airflow:1.10.15\n"}, None),  # not a version xcomlint lints for
    # a build argument's default, before FROM
    ({"Dockerfile": "ARG AIRFLOW_VERSION=2.8.4\nFROM apache/airflow:${AIRFLOW_VERSION}-python3.10\n"},
     (2, "Dockerfile:2 (apache/airflow:2.8.4-python3.10)")),
    ({"Dockerfile": "ARG AIRFLOW_VERSION\nFROM apache/airflow:${AIRFLOW_VERSION}\n"}, None),  # given at build time
    # Astro Runtime: Airflow 2's runtimes have semantic versions, Airflow 3's "3.0-4"
    ({"Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.1.0\n"},
     (2, "Dockerfile:1 (Astro Runtime 12.1.0, Airflow 2.10)")),
    ({"Dockerfile": "FROM astrocrpublic.azurecr.io/astronomer/astro-runtime:13.4.0-base\n"},
     (2, "Dockerfile:1 (Astro Runtime 13.4.0, Airflow 2.11)")),
    ({"Dockerfile": "FROM quay.io/astronomer/astro-runtime:9.1.0-python-3.11-slim\n"},
     (2, "Dockerfile:1 (Astro Runtime 9.1.0, Airflow 2.7)")),
    # Runtime 3.0.4 (2021) is Airflow 2.1, not Airflow 3
    ({"Dockerfile": "FROM quay.io/astronomer/astro-runtime:3.0.4\n"}, (2, "Dockerfile:1 (Astro Runtime 3.0.4, Airflow 2.1)")),
    ({"Dockerfile": "FROM astrocrpublic.azurecr.io/runtime:3.0-4\n"}, (3, "Dockerfile:1 (Astro Runtime 3.0-4, Airflow 3.0)")),
    ({"Dockerfile": "FROM quay.io/astronomer/astro-runtime:3.1-2-python-3.12-base\n"},
     (3, "Dockerfile:1 (Astro Runtime 3.1-2, Airflow 3.1)")),
    ({"Dockerfile": "FROM astrocrpublic.azurecr.io/runtime:3.1\n"}, (3, "Dockerfile:1 (Astro Runtime 3.1, Airflow 3.1)")),
    # Astronomer Certified: the tag is the Airflow version
    ({"Dockerfile": "FROM quay.io/astronomer/ap-airflow:2.3.0-onbuild\n"}, (2, "Dockerfile:1 (ap-airflow 2.3.0-onbuild)")),
    # a plain Python image that installs Airflow: the pin, else the constraints URL
    ({"Dockerfile": "FROM python:3.11-slim\nARG AIRFLOW_VERSION=3.0.2\n"
                    "RUN pip install \\\n    \"apache-airflow[celery]==${AIRFLOW_VERSION}\" \\\n"
                    "    apache-airflow-providers-amazon==9.0.0\n"},
     (3, "Dockerfile:3 (apache-airflow[celery]==3.0.2)")),
    ({"Dockerfile": "FROM python:3.10\nRUN pip install apache-airflow --constraint "
                    "https://raw.githubusercontent.com/apache/airflow/constraints-2.9.3/constraints-3.10.txt\n"},
     (2, "Dockerfile:2 (constraints-2.9.3)")),
    ({"Dockerfile": "FROM python:3.12\nRUN pip install apache-airflow-providers-google==10.0.0\n"}, None),
    # other Dockerfile names and places
    ({"Dockerfile.airflow": "FROM apache/airflow:3.0.0\n"}, (3, "Dockerfile.airflow:1 (apache/airflow:3.0.0)")),
    ({"docker/Dockerfile": "FROM apache/airflow:2.7.3\n"}, (2, "docker/Dockerfile:1 (apache/airflow:2.7.3)")),
    # docker-compose: the file's own default of the image variable
    ({"docker-compose.yaml": "x-airflow-common:\n  &airflow-common\n  image: ${AIRFLOW_IMAGE_NAME:-apache/airflow:3.0.2}\n"},
     (3, "docker-compose.yaml:3 (apache/airflow:3.0.2)")),
    ({"compose.yml": "services:\n  web:\n    image: ${AIRFLOW_IMAGE}\n"}, None),
    # requirements and constraints
    ({"requirements.txt": "pandas==2.2.0\n# apache-airflow==3.0.0\napache-airflow==2.9.3\n"},
     (2, "requirements.txt:3 (apache-airflow==2.9.3)")),
    ({"requirements.txt": "apache-airflow[celery,postgres]>=2.7,<3  # the team's pin\n"},
     (2, "requirements.txt:1 (apache-airflow[celery,postgres]>=2.7,<3)")),
    ({"requirements.txt": "apache-airflow ~= 3.0\n"}, (3, "requirements.txt:1 (apache-airflow~=3.0)")),
    ({"requirements.txt": "apache_airflow==2.10.5 ; python_version >= '3.9' \\\n    --hash=sha256:00ff\n"},
     (2, "requirements.txt:1 (apache_airflow==2.10.5)")),
    ({"requirements-dev.txt": "apache-airflow-core==3.0.1\n"}, (3, "requirements-dev.txt:1 (apache-airflow-core==3.0.1)")),
    ({"requirements.in": "apache-airflow-task-sdk\n"}, (3, "requirements.in:1 (apache-airflow-task-sdk)")),
    ({"requirements/base.txt": "apache-airflow==2.6.3\n"}, (2, "requirements/base.txt:1 (apache-airflow==2.6.3)")),
    ({"dags/requirements.txt": "apache-airflow==2.8.1\n"}, (2, "dags/requirements.txt:1 (apache-airflow==2.8.1)")),
    ({"requirements.txt": "-c https://raw.githubusercontent.com/apache/airflow/constraints-2.8.1/constraints-3.11.txt\n"
                          "apache-airflow-providers-snowflake\n"},
     (2, "requirements.txt:1 (constraints-2.8.1)")),
    ({"constraints.txt": "apache-airflow==3.0.3\nfastapi==0.115.0\n"}, (3, "constraints.txt:1 (apache-airflow==3.0.3)")),
    # what says nothing: other distributions, loose or both-majors specifiers, a direct URL
    ({"requirements.txt": "apache-airflow-providers-amazon==9.0.0\napache-airflow-client==2.10.0\n"}, None),
    ({"requirements.txt": "apache-airflow>=2.7\n"}, None),
    ({"requirements.txt": "apache-airflow\n"}, None),
    ({"requirements.txt": "apache-airflow>=2.10,<3.1\n"}, None),
    ({"requirements.txt": "apache-airflow @ https://example.invalid/apache_airflow-2.9.3-py3-none-any.whl\n"}, None),
    # only the bounded set of places: a Dockerfile deep in the tree is some other image's
    ({"tools/ci/images/Dockerfile": "FROM apache/airflow:2.9.3\n"}, None),
    # pyproject.toml: PEP 621, optional dependencies, PEP 735 groups, Poetry
    ({"pyproject.toml": '[project]\nname = "p"\ndependencies = [\n  "pandas",\n  "apache-airflow>=2.9,<3",\n]\n'},
     (2, "pyproject.toml:5 (apache-airflow>=2.9,<3)")),
    ({"pyproject.toml": '[project]\nname = "p"\n\n[project.optional-dependencies]\nairflow = ["apache-airflow==3.0.2"]\n'},
     (3, "pyproject.toml:5 (apache-airflow==3.0.2)")),
    ({"pyproject.toml": '[dependency-groups]\ndev = [{include-group = "x"}, "apache-airflow~=2.10"]\nx = []\n'},
     (2, "pyproject.toml:2 (apache-airflow~=2.10)")),
    ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.10"\napache-airflow = "^2.8"\n'},
     (2, "pyproject.toml:3 (apache-airflow ^2.8)")),
    ({"pyproject.toml": '[tool.poetry.group.dev.dependencies]\n"apache-airflow" = {version = ">=3.0", extras = ["celery"]}\n'},
     (3, "pyproject.toml:2 (apache-airflow >=3.0)")),
    ({"pyproject.toml": '[tool.poetry.dependencies]\napache-airflow = "2.9.*"\n'}, (2, "pyproject.toml:2 (apache-airflow 2.9.*)")),
    ({"pyproject.toml": '[tool.poetry.dependencies]\napache-airflow = "^2.8 || ^3.0"\n'}, None),
    ({"pyproject.toml": '[tool.poetry.dependencies]\napache-airflow = {path = "../airflow"}\n'}, None),
    ({"pyproject.toml": '[project]\nname = "p"\ndependencies = ["apache-airflow>=2.10"]\n'}, None),
]


@pytest.mark.parametrize("files,expected", ONE_SOURCE)
def test_each_kind_of_source(tmp_path: Path, files: Dict[str, str], expected: Optional[Tuple[int, str]]) -> None:
    assert infer_airflow_version(str(project_with(tmp_path, files))) == expected


# -------------------------------------------------------------- precedence
DOCKERFILE_2 = {"Dockerfile": "FROM quay.io/astronomer/astro-runtime:12.1.0\n"}
COMPOSE_3 = {"docker-compose.yaml": "services:\n  airflow:\n    image: apache/airflow:3.0.2\n"}
CONSTRAINTS_2 = {"constraints.txt": "apache-airflow==2.10.5\n"}
REQUIREMENTS_3 = {"requirements.txt": "apache-airflow==3.0.2\n"}
PYPROJECT_2 = {"pyproject.toml": '[project]\nname = "p"\ndependencies = ["apache-airflow<3"]\n'}

PRECEDENCE = [
    # the image is what runs: it beats what any dependency file says
    ({**DOCKERFILE_2, **COMPOSE_3, **REQUIREMENTS_3}, 2, "Dockerfile:1"),
    ({**COMPOSE_3, **CONSTRAINTS_2, **PYPROJECT_2}, 3, "docker-compose.yaml:3"),
    # a constraints file pins what was resolved: it beats the requirements it constrains
    ({**CONSTRAINTS_2, **REQUIREMENTS_3}, 2, "constraints.txt:1"),
    ({**REQUIREMENTS_3, **PYPROJECT_2}, 3, "requirements.txt:1"),
    # an image that names no version is no evidence: the next kind decides
    ({"Dockerfile": "FROM apache/airflow:latest\n", **REQUIREMENTS_3}, 3, "requirements.txt:1"),
    # files of one kind that disagree say nothing (a migration under way): the next kind decides
    ({**DOCKERFILE_2, "Dockerfile.airflow3": "FROM apache/airflow:3.0.2\n", **REQUIREMENTS_3}, 3, "requirements.txt:1"),
    # in one Dockerfile, the last stage's Airflow image is the one that runs
    ({"Dockerfile": "FROM apache/airflow:2.10.5 AS old\nFROM apache/airflow:3.0.2\n"}, 3, "Dockerfile:2"),
    # within a kind, files that agree: the first one read is named
    ({"requirements.txt": "apache-airflow==2.9.3\n", "requirements/prod.txt": "apache-airflow==2.9.3\n"},
     2, "requirements.txt:1"),
]


@pytest.mark.parametrize("files,major,where", PRECEDENCE)
def test_the_most_telling_kind_of_source_decides(tmp_path: Path, files: Dict[str, str], major: int, where: str) -> None:
    found = infer_airflow_version(str(project_with(tmp_path, files)))
    assert found is not None and found[0] == major and found[1].startswith(where + " "), found


# ------------------------------------------------------------ bad files
BROKEN = [
    {"pyproject.toml": '[project\ndependencies = ["apache-airflow==2.9.3"]\n'},  # invalid TOML
    {"pyproject.toml": "[project]\ndependencies = 3\noptional-dependencies = [1]\n"},  # wrong types
    {"pyproject.toml": "[tool.poetry]\ndependencies = [1, 2]\ngroup = 5\n"},
    {"requirements.txt": "apache-airflow===\napache-airflow==banana\napache-airflow>=2.*\n"},
    {"requirements.txt": "\\\n"},
    {"Dockerfile": "FROM\nFROM :\nFROM apache/airflow:\nARG =\nENV\nRUN ${\n"},
    {"Dockerfile": b"\xff\xfe\x00FROM apache/airflow:".decode("latin-1")},
    {"docker-compose.yml": "image:\n- image: ''\n"},
]


@pytest.mark.parametrize("files", BROKEN)
def test_a_malformed_file_is_no_evidence_and_no_error(tmp_path: Path, files: Dict[str, str]) -> None:
    assert infer_airflow_version(str(project_with(tmp_path, files))) is None


def test_a_malformed_file_does_not_hide_a_good_one(tmp_path: Path) -> None:
    project_with(tmp_path, {"pyproject.toml": "[project\n", "requirements.txt": "apache-airflow==3.0.2\n"})
    assert infer_airflow_version(str(tmp_path)) == (3, "requirements.txt:1 (apache-airflow==3.0.2)")


def test_files_that_cannot_be_read_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()  # a folder where a file was expected
    (tmp_path / "requirements.txt").symlink_to(tmp_path / "nowhere.txt")  # a dangling link
    (tmp_path / "constraints.txt").write_bytes(b"apache-airflow==2.9.3\n" + b"#" * (2 << 20))  # too big to be one
    assert infer_airflow_version(str(tmp_path)) is None
    assert infer_airflow_version(str(tmp_path / "no-such-folder")) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["Dockerfile", "requirements.txt", "pyproject.toml", "compose.yaml", "constraints.txt"]),
       text=st.text(alphabet=st.sampled_from(list("apche-irflow=<>~^!.,*0123 \n\\$:{}[]\"'#/@;FROMARGENV")), max_size=120))
def test_no_file_content_makes_inference_fail(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    found = infer_airflow_version(str(tmp_path))
    assert found is None or found[0] in (2, 3)


# ----------------------------------------------------- the pieces, by value
@pytest.mark.parametrize("requirement,major", [
    ("apache-airflow==2.*", 2),
    ("apache-airflow!=2.8.*,>=2.8,<3", 2),  # 2.9 and later remain
    ("apache-airflow>=3.0.0rc1", 3),
    ("apache-airflow<=2.10.5", 2),
    ("apache-airflow>2.11", None),  # 2.11.1 and 3.x both qualify
    ("apache-airflow==1.10.15", None),
    ("apache-airflow (>=2.8,<3.0)", 2),
    ("Apache.Airflow==3.0.0", 3),  # names compare normalized (PEP 503)
])
def test_which_major_a_specifier_allows(requirement: str, major: Optional[int]) -> None:
    found = requirement_major(requirement)
    assert (found[0] if found else None) == major


@pytest.mark.parametrize("reference", ["python:3.11", "apache/airflow:main-python3.9", "mycorp/airflow-base:1.2",
                                       "localhost:5000/apache/airflow", "quay.io/astronomer/astro-runtime:latest"])
def test_images_that_name_no_airflow_version(reference: str) -> None:
    assert image_major(reference) is None


# ------------------------------------------------------------ project root
@pytest.mark.parametrize("marker", ["pyproject.toml", ".git/", ".git"])  # a worktree's .git is a file
def test_the_project_root_is_the_nearest_folder_with_a_marker(tmp_path: Path, marker: str) -> None:
    root = tmp_path / "repo"
    (root / "dags" / "etl").mkdir(parents=True)
    if marker.endswith("/"):
        (root / marker).mkdir()
    else:
        (root / marker).write_text("gitdir: ../.git/worktrees/repo\n" if marker == ".git" else "")
    (root / "dags" / "etl" / "dag.py").write_text("")
    for start in (root, root / "dags", root / "dags" / "etl" / "dag.py", root / "dags" / "unsaved.py"):
        assert find_project_root(str(start)) == str(root)


def test_a_configuration_file_stands_in_for_a_project_root(tmp_path: Path) -> None:
    (tmp_path / "dags").mkdir()
    assert find_project_root(str(tmp_path / "dags")) is None
    (tmp_path / ".xcomlint.yaml").write_text("select: [XCL1]\n")
    assert find_project_root(str(tmp_path / "dags")) == str(tmp_path)
    # a marker wins over a nearer configuration
    (tmp_path / "dags" / ".xcomlint.toml").write_text("")
    (tmp_path / ".git").mkdir()
    assert find_project_root(str(tmp_path / "dags")) == str(tmp_path)
