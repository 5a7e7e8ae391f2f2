"""The Airflow major version a project runs, read from its own files (SPEC
section 2: ``--airflow-version``'s default when the configuration names none).

Files are read, never executed, and only a bounded set of them: those in the
project root and in a few conventional folders one level below it
(``SUBFOLDERS``). What counts, from the most to the least telling (``KINDS``):

1. ``image``: a Dockerfile's ``FROM`` (``apache/airflow:2.10.5-python3.11``,
   Astro Runtime ``quay.io/astronomer/astro-runtime:12.1.0`` or
   ``astrocrpublic.azurecr.io/runtime:3.0-4``, Astronomer Certified
   ``ap-airflow``), else an ``apache-airflow`` pin it installs, else the
   Airflow constraints URL it installs with;
2. ``compose``: the ``image:`` of a docker-compose file (Airflow's own
   quick-start one reads ``${AIRFLOW_IMAGE_NAME:-apache/airflow:3.0.2}``);
3. ``constraints``: ``constraints*.txt``, and a constraints URL
   (``.../apache/airflow/constraints-2.9.3/constraints-3.11.txt``) anywhere
   in a requirements file;
4. ``requirements``: ``requirements*.txt`` / ``*.in``;
5. ``pyproject``: ``pyproject.toml``'s PEP 621 dependencies and optional
   dependencies, PEP 735 dependency groups, Poetry's dependencies and groups.

The image comes first because it is what runs: a requirements file may list
``apache-airflow`` loosely for an IDE or for tests while the image pins the
real one; a constraints file pins exactly what a pip install resolved to, so
it outranks the requirements it constrains; pyproject's dependencies are the
loosest statement of all (often a library's floor). The first kind whose
files agree on one major version decides; files of one kind that disagree
(a Dockerfile for 2 and a Dockerfile.airflow3 mid-migration) make that kind
say nothing, and the next kind is asked.

Only the distribution ``apache-airflow`` is read for its version
(``apache-airflow-providers-*`` and ``apache-airflow-client`` version
independently of Airflow); ``apache-airflow-core`` and
``apache-airflow-task-sdk`` exist from Airflow 3 on, so they mean 3. A
specifier that allows both 2 and 3 (``>=2.7``, or none at all) says nothing.
A file that cannot be read or parsed is skipped: inference never fails a run.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

# the order in which kinds of evidence are asked (see the module's docstring)
KINDS = ("image", "compose", "constraints", "requirements", "pyproject")
# folders one level below the root that hold these files in common layouts
# (requirements/base.txt, docker/Dockerfile, an airflow/ or dags/ subproject)
SUBFOLDERS = ("requirements", "constraints", "docker", "airflow", "dags")
# a dependency file is small; anything bigger is not one worth reading whole
MAX_FILE_BYTES = 1 << 20
MAJORS = (2, 3)

# Astro Runtime's Airflow-2 line (semantic-version tags, "12.1.0") by runtime
# major version. From Astronomer's "Astro Runtime and Apache Airflow parity"
# and lifecycle tables (astronomer/docs: astro/runtime-image-architecture.mdx
# and astro/runtime-version-lifecycle-policy.mdx, runtimes 3 to 11), 12 from
# the Astro CLI ("Runtime 12.0.0 (Airflow 2.10.0)", cloud/deploy/deploy.go),
# 13 from the Astro CLI's copy of the runtime version service's answer
# ("13.9.0": airflowVersion "2.11.2"). Only the major version is used; the
# minor is shown to the user. Astro Runtime for Airflow 3 has tags of another
# form, "3.0-4", whose first two numbers are the Airflow version itself
# (Astronomer's runtime-image-architecture page: "For Airflow 3 versions of
# Astro Runtime, Astronomer uses the syntax major.minor-patch"); the Astro
# CLI's own rule is the same: a semantic-version runtime tag is Airflow 2
# (airflow_versions/runtime_versions.go, AirflowMajorVersionForRuntimeVersion).
ASTRO_RUNTIME_AIRFLOW: Dict[int, str] = {
    3: "2.1",
    4: "2.2",
    5: "2.3",
    6: "2.4",
    7: "2.5",
    8: "2.6",
    9: "2.7",
    10: "2.8",
    11: "2.9",
    12: "2.10",
    13: "2.11",
}


@dataclass(frozen=True)
class Evidence:
    """One statement of the Airflow version in a project file."""

    kind: str  # one of KINDS
    major: int
    path: str  # relative to the project root, with forward slashes
    line: Optional[int]
    detail: str  # what the line says, briefly: "apache-airflow==2.9.3"

    def describe(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where} ({self.detail})"


def infer_airflow_version(project_root: str) -> Optional[Tuple[int, str]]:
    """The major Airflow version the project at ``project_root`` runs and
    where it was read (``"Dockerfile:1 (Astro Runtime 12.1.0, Airflow 2.10)"``),
    or None when its files name none, or none unambiguously."""
    found = collect_evidence(project_root)
    for kind in KINDS:
        of_kind = [evidence for evidence in found if evidence.kind == kind]
        if of_kind and len({evidence.major for evidence in of_kind}) == 1:
            return of_kind[0].major, of_kind[0].describe()
    return None


def collect_evidence(project_root: str) -> List[Evidence]:
    """Every statement of an Airflow version in the project's files, in the
    order the files were read (the root's first, then each subfolder's, by name)."""
    found: List[Evidence] = []
    for path, kind in _candidate_files(project_root):
        text = _read(path)
        if text is None:
            continue
        shown = os.path.relpath(path, project_root).replace(os.sep, "/")
        try:
            found.extend(_READERS[kind](text, shown))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            # a parser's surprise at a strange file must not stop the lint
            continue
    return found


# ------------------------------------------------------------ which files
def _file_kind(name: str, folder_name: Optional[str]) -> Optional[str]:
    """The reader of a file by its name (``folder_name``: the subfolder it is
    in, None in the root)."""
    lower = name.lower()
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile") \
            or lower == "containerfile":
        return "image"
    if re.fullmatch(r"(docker-)?compose([._-][\w.-]*)?\.ya?ml", lower):
        return "compose"
    if lower == "pyproject.toml":
        return "pyproject"
    if lower.endswith(".txt") and ("constraints" in lower or folder_name == "constraints"):
        return "constraints"
    if lower.endswith((".txt", ".in")) and ("requirements" in lower or folder_name == "requirements"):
        return "requirements"
    return None


def _candidate_files(root: str) -> Iterator[Tuple[str, str]]:
    folders: List[Tuple[str, Optional[str]]] = [(root, None)]
    folders += [(os.path.join(root, name), name) for name in SUBFOLDERS]
    for folder, folder_name in folders:
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries if entry.is_file())
        except OSError:  # no such folder, or not readable
            continue
        for name in names:
            kind = _file_kind(name, folder_name)
            if kind is not None:
                yield os.path.join(folder, name), kind


def _read(path: str) -> Optional[str]:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


# ------------------------------------------------------- version specifiers
Version = Tuple[int, int, int, int]
_TOP = 999_999  # larger than any real component
_CLAUSE = re.compile(r"^(===|==|!=|~=|<=|>=|<|>)\s*(\S+)$")
_RELEASE = re.compile(r"^v?(?:\d+!)?(\d+(?:\.\d+)*)(\.\*)?")


def _pad(parts: Sequence[int]) -> Version:
    padded = (list(parts) + [0, 0, 0, 0])[:4]
    return padded[0], padded[1], padded[2], padded[3]


def _above(version: Version) -> Version:
    return version[0], version[1], version[2], version[3] + 1


def _below(version: Version) -> Optional[Version]:
    for index in range(3, -1, -1):
        if version[index] > 0:
            parts = list(version[:index]) + [version[index] - 1] + [_TOP] * (3 - index)
            return _pad(parts)
    return None


Clause = Tuple[str, Tuple[int, ...]]  # (operator, release numbers); "==*"/"!=*" compare a prefix


def _pep440_clauses(specifier: str) -> Optional[List[Clause]]:
    """``>=2.7,<3`` as clauses, None when a clause is not one PEP 440 knows."""
    clauses: List[Clause] = []
    for raw in specifier.split(","):
        text = raw.strip()
        if not text:
            continue
        match = _CLAUSE.match(text)
        if match is None:
            return None
        operator, version = match.groups()
        release = _RELEASE.match(version)
        if release is None:
            return None
        numbers = tuple(int(part) for part in release.group(1).split("."))
        if release.group(2):  # a wildcard: ==2.* and !=2.8.* compare a prefix
            if operator not in ("==", "!="):
                return None
            clauses.append((operator + "*", numbers))
        elif operator == "~=":  # ~=2.8 is >=2.8, ==2.*
            if len(numbers) < 2:
                return None
            clauses += [(">=", numbers), ("==*", numbers[:-1])]
        else:
            clauses.append(("==" if operator == "===" else operator, numbers))
    return clauses


def _poetry_clauses(constraint: str) -> Optional[List[Clause]]:
    """One alternative of a Poetry constraint (``^2.8``, ``~2.8``, ``2.8.*``,
    ``>=2.8 <3``, ``2.9.3``) as PEP 440 clauses."""
    clauses: List[Clause] = []
    for token in re.split(r"[,\s]+", re.sub(r"(===|==|!=|~=|<=|>=|<|>|\^|~)\s+", r"\1", constraint.strip())):
        if not token or token == "*":
            continue
        release = _RELEASE.match(token.lstrip("^~=<>!"))
        if release is None:
            return None
        numbers = tuple(int(part) for part in release.group(1).split("."))
        if token.startswith("^"):  # ^2.8 is >=2.8,<3 (the first non-zero number may not change)
            first = next((index for index, number in enumerate(numbers) if number), len(numbers) - 1)
            upper = numbers[:first] + (numbers[first] + 1,)
            clauses += [(">=", numbers), ("<", upper)]
        elif token.startswith("~") and not token.startswith("~="):  # ~2.8 is >=2.8,<2.9; ~2 is >=2,<3
            upper = (numbers[0] + 1,) if len(numbers) == 1 else numbers[:1] + (numbers[1] + 1,)
            clauses += [(">=", numbers), ("<", upper)]
        elif token[0].isdigit() or token[0] == "v":  # a bare version pins, 2.8.* a prefix
            clauses.append(("==*" if release.group(2) else "==", numbers))
        else:
            pep440 = _pep440_clauses(token)
            if pep440 is None:
                return None
            clauses += pep440
    return clauses


def _satisfies(version: Version, clauses: Sequence[Clause]) -> bool:
    for operator, numbers in clauses:
        other = _pad(numbers)
        if operator.endswith("*"):
            matches = version[:len(numbers)] == tuple(numbers)
            if matches != (operator == "==*"):
                return False
        elif not {
            "==": version == other, "!=": version != other, ">=": version >= other,
            ">": version > other, "<=": version <= other, "<": version < other,
        }[operator]:
            return False
    return True


def _majors(clauses: Sequence[Clause]) -> FrozenSet[int]:
    """The Airflow majors (2, 3) some version satisfying every clause has.

    The versions a set of bounds, pins and exclusions allows within one major
    form an interval with holes; if it is not empty it holds one of the
    versions at a clause's edge (the clause's version, just above or just
    below it) or at the major's own edges, so those are the ones tried."""
    edges: List[Version] = []
    for _, numbers in clauses:
        version = _pad(numbers)
        edges += [version, _above(version)]
        below = _below(version)
        if below is not None:
            edges.append(below)
        if len(numbers) < 4:  # past a prefix: 2.8.* ends before 2.9
            past = _pad(numbers[:-1] + (numbers[-1] + 1,))
            edges.append(past)
            before = _below(past)
            if before is not None:
                edges.append(before)
    allowed = set()
    for major in MAJORS:
        tried = [candidate for candidate in edges if candidate[0] == major]
        tried += [(major, 0, 0, 0), (major, _TOP, 0, 0)]
        if any(_satisfies(candidate, clauses) for candidate in tried):
            allowed.add(major)
    return frozenset(allowed)


def _one_major(alternatives: Sequence[Optional[List[Clause]]]) -> Optional[int]:
    """The major version the alternatives (Poetry's ``||``) allow, if just one."""
    allowed: set = set()
    for clauses in alternatives:
        if clauses is None:
            return None
        allowed |= _majors(clauses)
    return next(iter(allowed)) if len(allowed) == 1 else None


# ------------------------------------------------------------ requirements
_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.S)
_AIRFLOW3_ONLY = ("apache-airflow-core", "apache-airflow-task-sdk")


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_major(requirement: str) -> Optional[Tuple[int, str]]:
    """A PEP 508 requirement's Airflow major version and its text without
    markers (``apache-airflow[celery]>=2.7,<3`` -> 2), None when it is not
    Airflow or does not decide between 2 and 3."""
    match = _NAME.match(requirement)
    if match is None:
        return None
    name, extras, rest = match.group(1), match.group(2) or "", match.group(3)
    normal = _normal_name(name)
    if normal not in ("apache-airflow",) + _AIRFLOW3_ONLY:
        return None
    rest = rest.split(";", 1)[0]
    rest = re.split(r"\s--?\w", " " + rest, maxsplit=1)[0].strip()  # pip's per-line options (--hash=...)
    if rest.startswith("@"):  # a direct URL names no version
        return None
    specifier = re.sub(r"\s+", "", rest.strip().strip("()"))
    shown = f"{name}{extras}{specifier}"
    if normal in _AIRFLOW3_ONLY:
        return 3, shown
    major = _one_major([_pep440_clauses(specifier)]) if specifier else None
    return (major, shown) if major is not None else None


_CONSTRAINTS_URL = re.compile(r"apache/airflow/constraints-(\d+)((?:[.-]\d+)*)/")


def constraints_url_major(text: str) -> Optional[Tuple[int, str]]:
    """The Airflow major of an Airflow constraints URL in ``text``
    (``.../apache/airflow/constraints-2.9.3/constraints-3.11.txt``)."""
    match = _CONSTRAINTS_URL.search(text)
    if match is None or int(match.group(1)) not in MAJORS:
        return None
    return int(match.group(1)), f"constraints-{match.group(1)}{match.group(2)}"


def _logical_lines(text: str, comment_inside: bool) -> Iterator[Tuple[int, str]]:
    """Lines joined where they end in a backslash, each with the number of the
    line it starts on; comment lines dropped (and, with ``comment_inside``,
    comment lines inside a continuation too, as Docker drops them)."""
    start = 0
    parts: List[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#") and (not parts or comment_inside):
            continue
        if not parts:
            start = number
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1])
            continue
        parts.append(line)
        yield start, " ".join(parts)
        parts = []
    if parts:
        yield start, " ".join(parts)


def _read_requirements(text: str, path: str, kind: str) -> List[Evidence]:
    found = []
    for number, line in _logical_lines(text, comment_inside=False):
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]  # pip: a comment follows whitespace
        url = constraints_url_major(line)
        if url is not None:
            found.append(Evidence("constraints", url[0], path, number, url[1]))
            continue
        if line.lstrip().startswith("-"):  # -r, -c, -e, --index-url ...
            continue
        requirement = requirement_major(line)
        if requirement is not None:
            found.append(Evidence(kind, requirement[0], path, number, requirement[1]))
    return found


# --------------------------------------------------------------- pyproject
def _load_toml(text: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}  # a broken pyproject.toml is not this module's to report
    return data if isinstance(data, dict) else {}


def _table(data: Any, *keys: str) -> Dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _line_of(text: str, needle: str) -> Optional[int]:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _poetry_line(text: str, key: str) -> Optional[int]:
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _read_pyproject(text: str, path: str) -> List[Evidence]:
    if not re.search(r"apache[-_.]airflow", text, re.I):
        # most pyproject.toml files name no Airflow: spare the run the TOML parser's import
        return []
    data = _load_toml(text)
    found = []
    # PEP 508 strings: [project] dependencies and optional dependencies, PEP 735 groups
    lists: List[Any] = [_table(data, "project").get("dependencies")]
    lists += list(_table(data, "project", "optional-dependencies").values())
    lists += list(_table(data, "dependency-groups").values())
    for entries in lists:
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, str):  # a group's {include-group = ...}
                continue
            requirement = requirement_major(entry)
            if requirement is not None:
                found.append(Evidence("pyproject", requirement[0], path, _line_of(text, entry), requirement[1]))
    # Poetry: a table of names to constraints
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    for table in tables:
        for name, value in table.items():
            normal = _normal_name(str(name))
            if normal not in ("apache-airflow",) + _AIRFLOW3_ONLY:
                continue
            major = _poetry_major(normal, value)
            if major is not None:
                found.append(Evidence("pyproject", major[0], path, _poetry_line(text, str(name)),
                                      f"{name} {major[1]}".strip()))
    return found


def _poetry_major(normal: str, value: Any) -> Optional[Tuple[int, str]]:
    """A Poetry dependency's value: ``"^2.8"``, ``{version = "^2.8", extras = [...]}``
    or a list of those (one per Python or platform)."""
    entries = value if isinstance(value, list) else [value]
    constraints = []
    for entry in entries:
        if isinstance(entry, dict):
            entry = entry.get("version")
        if not isinstance(entry, str):
            return None  # a path or git dependency names no version
        constraints.append(entry)
    shown = " || ".join(constraints)
    if normal in _AIRFLOW3_ONLY:
        return 3, shown
    alternatives = [_poetry_clauses(part) for constraint in constraints for part in constraint.split("||")]
    major = _one_major(alternatives)
    return (major, shown) if major is not None else None


# ------------------------------------------------------------------ images
_DOCKER_VARIABLE = re.compile(r"\$\{(\w+)(?::?([-+])([^}]*))?\}|\$(\w+)")


def _substitute(text: str, variables: Dict[str, str]) -> Optional[str]:
    """``${NAME}``, ``$NAME`` and ``${NAME:-default}`` replaced; None when a
    variable has no value here (its value is decided outside the file)."""
    unresolved = False

    def value(match: "re.Match[str]") -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        if name in variables:
            return variables[name] if match.group(2) != "+" else match.group(3) or ""
        if match.group(2) == "-":
            return match.group(3) or ""
        unresolved = True
        return ""

    replaced = _DOCKER_VARIABLE.sub(value, text)
    return None if unresolved else replaced


def image_major(reference: str) -> Optional[Tuple[int, str]]:
    """The Airflow major version of an image reference and a short text of
    it, for the images that say it in their tag; None for any other image and
    for a tag that names no version (``latest``)."""
    reference = reference.strip().strip("\"'").split("@", 1)[0]
    name, _, tag = reference.rpartition(":")
    if not name or "/" in tag:  # no tag (or a registry port): Docker's "latest"
        return None
    repository = name.lower()
    last = repository.rsplit("/", 1)[-1]
    if repository == "apache/airflow" or repository.endswith(("/apache/airflow", "bitnami/airflow")):
        match = re.match(r"^(?:slim-)?(\d+)\.(\d+)", tag)
        return (int(match.group(1)), f"{name}:{tag}") if match and int(match.group(1)) in MAJORS else None
    if last == "ap-airflow":  # Astronomer Certified: the tag is the Airflow version
        match = re.match(r"^(\d+)\.(\d+)", tag)
        return (int(match.group(1)), f"ap-airflow {tag}") if match and int(match.group(1)) in MAJORS else None
    if last == "astro-runtime" or (last == "runtime" and ("astronomer" in repository or "astrocr" in repository)):
        return _astro_runtime_major(last, tag)
    return None


def _astro_runtime_major(image: str, tag: str) -> Optional[Tuple[int, str]]:
    new = re.match(r"^(\d+)\.(\d+)-(\d+)", tag)
    if new:  # Airflow 3's runtimes: "3.0-4" is Airflow 3.0, Astronomer's build 4
        major, minor = int(new.group(1)), int(new.group(2))
        return (major, f"Astro Runtime {new.group(0)}, Airflow {major}.{minor}") if major in MAJORS else None
    old = re.match(r"^(\d+)\.(\d+)\.(\d+)", tag)
    if old:  # Airflow 2's runtimes: "12.1.0" is Runtime 12, Airflow 2.10
        airflow = ASTRO_RUNTIME_AIRFLOW.get(int(old.group(1)), "2")
        return 2, f"Astro Runtime {old.group(0)}, Airflow {airflow}"
    series = re.match(r"^(\d+)\.(\d+)(?![\d.])", tag)
    if series:  # a series without its patch: "runtime:3.1" (Airflow 3.1), "astro-runtime:12.1"
        major, minor = int(series.group(1)), int(series.group(2))
        if image == "runtime" and major in MAJORS:
            return major, f"Astro Runtime {series.group(0)}, Airflow {major}.{minor}"
        if major in ASTRO_RUNTIME_AIRFLOW and major >= 4:  # 3.x is both Runtime 3 (Airflow 2.1) and Airflow 3
            return 2, f"Astro Runtime {series.group(0)}, Airflow {ASTRO_RUNTIME_AIRFLOW[major]}"
    return None


_PIP_PIN = re.compile(
    r"(?<![\w.-])apache[-_.]airflow(?:-core|-task-sdk)?(?:\[[^\]]*\])?"
    r"\s*(?:===|==|~=|>=|<=|!=|<|>)\s*\d[^\s\"',;]*(?:\s*,\s*(?:===|==|~=|>=|<=|!=|<|>)\s*\d[^\s\"',;]*)*",
    re.I)


def _read_dockerfile(text: str, path: str) -> List[Evidence]:
    """The last ``FROM`` naming an Airflow image decides; without one, an
    ``apache-airflow`` pin the file installs, else its constraints URL."""
    variables: Dict[str, str] = {}
    image: Optional[Evidence] = None
    pins: List[Evidence] = []
    for number, line in _logical_lines(text, comment_inside=True):
        words = line.split(None, 1)
        if not words:
            continue
        instruction, arguments = words[0].upper(), words[1] if len(words) > 1 else ""
        if instruction in ("ARG", "ENV"):
            _assign(instruction, arguments, variables)
            continue
        expanded = _substitute(arguments, variables)
        if expanded is None:
            continue
        if instruction == "FROM":
            operands = [word for word in expanded.split() if not word.startswith("--")]  # --platform=...
            found = image_major(operands[0]) if operands else None
            if found is not None:
                image = Evidence("image", found[0], path, number, found[1])
            continue
        for match in _PIP_PIN.finditer(expanded):
            requirement = requirement_major(match.group(0))
            if requirement is not None:
                pins.append(Evidence("image", requirement[0], path, number, requirement[1]))
        url = constraints_url_major(expanded)
        if url is not None:
            pins.append(Evidence("image", url[0], path, number, url[1]))
    if image is not None:
        return [image]
    return pins[-1:]


def _assign(instruction: str, arguments: str, variables: Dict[str, str]) -> None:
    """``ARG NAME=value``, ``ENV NAME=value OTHER=value`` and ``ENV NAME value``."""
    text = arguments.strip()
    if instruction == "ENV" and "=" not in text.split(" ", 1)[0]:
        name, _, value = text.partition(" ")
        pairs = [(name, value.strip())]
    else:
        pairs = [(word.partition("=")[0], word.partition("=")[2]) for word in text.split() if "=" in word]
    for name, value in pairs:
        expanded = _substitute(value.strip().strip("\"'"), variables)
        if re.fullmatch(r"\w+", name) and expanded is not None:
            variables[name] = expanded


def _read_compose(text: str, path: str) -> List[Evidence]:
    """``image:`` lines; a variable's default is the file's own
    (``${AIRFLOW_IMAGE_NAME:-apache/airflow:3.0.2}``), the environment is not read."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*-?\s*image:\s*(.+?)\s*(?:\s#.*)?$", line)
        if match is None:
            continue
        reference = _substitute(match.group(1).strip("\"'"), {})
        found_image = image_major(reference) if reference else None
        if found_image is not None:
            found.append(Evidence("compose", found_image[0], path, number, found_image[1]))
    return found


_READERS: Dict[str, Any] = {
    "image": _read_dockerfile,
    "compose": _read_compose,
    "constraints": lambda text, path: _read_requirements(text, path, "constraints"),
    "requirements": lambda text, path: _read_requirements(text, path, "requirements"),
    "pyproject": _read_pyproject,
}

__all__ = ["ASTRO_RUNTIME_AIRFLOW", "Evidence", "KINDS", "collect_evidence", "constraints_url_major",
           "image_major", "infer_airflow_version", "requirement_major"]
