"""Regenerate xcomlint's operator knowledge from Airflow's and the providers' sources.

    python scripts/generate_knowledge.py            # download the locked wheels, write the data file
    python scripts/generate_knowledge.py pin        # re-pin every locked package to its newest wheel
    python scripts/generate_knowledge.py pin NAME   # pin (or add) one package, the others kept

The lock file (``scripts/knowledge.lock``) pins, by version and sha256, the
wheels the knowledge is read from: ``apache-airflow`` 2.10 (the Airflow 2
world), ``apache-airflow-core`` and ``apache-airflow-task-sdk`` (the Airflow 3
world) and every ``apache-airflow-providers-*`` package. They are downloaded
hash-checked with ``pip download --require-hashes`` into a wheelhouse
(``--wheelhouse`` or ``XCOMLINT_WHEELHOUSE`` keeps it between runs) and read
statically with ``ast`` (``knowledge_source.py``): nothing is imported.

The facts of the two worlds are merged conservatively into one record per
operator and written to ``xcomlint/data/operators.json``: ``fields`` (the
distinct template-field lists), ``operators`` (per record: canonical qualified
name, index into ``fields`` or -1 when unknown, pushes, extra keys, keys
known, sensor, pulls), ``names`` (every dotted name -> record) and
``decorators`` (``@task.<flavour>`` -> import paths).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import knowledge_source as ks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "scripts" / "knowledge.lock"
OUTPUT = ROOT / "xcomlint" / "data" / "operators.json"
AIRFLOW2 = "apache-airflow"
AIRFLOW3 = ("apache-airflow-core", "apache-airflow-task-sdk")
# the Python whose wheels are read (providers' newest releases need a recent one)
PYTHON_VERSION = "3.12"
LINE = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s]+)\s+--hash=sha256:([0-9a-f]{64})\s*$")


# ----------------------------------------------------------------------------- lock


def read_lock(path: Path = LOCK) -> List[Tuple[str, str, str]]:
    """(name, version, sha256) for each requirement line of the lock file."""
    entries = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = LINE.match(line)
        if not match:
            raise SystemExit(f"{path}:{number}: expected 'name==version --hash=sha256:...', got {raw!r}")
        entries.append((match.group(1), match.group(2), match.group(3)))
    return entries


def write_lock(entries: List[Tuple[str, str, str]], skipped: List[str], path: Path = LOCK) -> None:
    lines = [
        "# Wheels xcomlint's operator knowledge is read from (scripts/generate_knowledge.py).",
        "# Re-pin every package to its newest wheel: python scripts/generate_knowledge.py pin",
    ]
    lines += [f"# not read: {name}" for name in skipped]
    lines += [f"{name}=={version} --hash=sha256:{digest}" for name, version, digest in entries]
    path.write_text("\n".join(lines) + "\n")


def wheel_version(filename: str) -> str:
    return filename.split("-")[1]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pin(names: List[str], wheelhouse: Path) -> None:
    """Pin each named package to its newest wheel, keeping the lock's other
    entries (the Airflow packages keep their pinned version: they define the
    two worlds)."""
    locked = read_lock() if LOCK.exists() else []
    current = {name: version for name, version, _ in locked}
    kept = {name: (name, version, digest) for name, version, digest in locked if name not in names}
    skipped = [line[len("# not read: "):] for line in LOCK.read_text().splitlines()
               if line.startswith("# not read: ") and line.split()[3] not in names] if LOCK.exists() else []
    for name in names:
        spec = f"{name}=={current[name]}" if name == AIRFLOW2 or name in AIRFLOW3 else name
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                 "--python-version", PYTHON_VERSION, "-d", tmp, spec],
                capture_output=True, text=True,
            )
            wheels = list(Path(tmp).glob("*.whl"))
            if done.returncode != 0 or len(wheels) != 1:
                print(f"skipped {name}: no wheel ({done.stderr.strip().splitlines()[-1:]})", file=sys.stderr)
                skipped.append(f"{name} (no wheel on the index)")
                continue
            wheel = wheels[0]
            target = wheelhouse / wheel.name
            if not target.exists():
                target.write_bytes(wheel.read_bytes())
            kept[name] = (name, wheel_version(wheel.name), sha256(wheel))
            print(f"{name}=={kept[name][1]}")
    airflow = [kept[n] for n in (AIRFLOW2, *AIRFLOW3) if n in kept]
    write_lock(airflow + [kept[n] for n in sorted(kept) if n != AIRFLOW2 and n not in AIRFLOW3], skipped)


def download(wheelhouse: Path) -> Dict[str, Path]:
    """The locked wheels, downloaded hash-checked (pip reuses the wheelhouse)."""
    entries = read_lock()
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write("\n".join(f"{n}=={v} --hash=sha256:{h}" for n, v, h in entries) + "\n")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes", "--only-binary=:all:",
             "--python-version", PYTHON_VERSION, "-d", str(wheelhouse), "-r", req.name],
            check=True,
        )
    finally:
        os.unlink(req.name)
    found = {}
    by_hash = {sha256(p): p for p in wheelhouse.glob("*.whl")}
    for name, version, digest in entries:
        if digest not in by_hash:
            raise SystemExit(f"{name}=={version}: no wheel with the locked hash in {wheelhouse}")
        found[name] = by_hash[digest]
    return found


# ----------------------------------------------------------------------------- worlds


def wheel_sources(wheel: Path) -> Dict[str, Tuple[str, bool]]:
    """The ``airflow`` modules of a wheel: module name -> (source, is package)."""
    sources = {}
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            path = info.filename
            if not path.startswith("airflow/") or not path.endswith(".py"):
                continue
            parts = path[:-3].split("/")
            package = parts[-1] == "__init__"
            if package:
                parts = parts[:-1]
            text = archive.read(info).decode("utf-8", "replace")
            sources[".".join(parts)] = (text, package)
    return sources


def build_world(label: str, version: Tuple[int, ...], wheels: List[Path]) -> ks.World:
    """The first wheel to provide a module keeps it: Airflow's own wheels come first."""
    sources: Dict[str, Tuple[str, bool]] = {}
    for wheel in wheels:
        for module, entry in wheel_sources(wheel).items():
            sources.setdefault(module, entry)
    return ks.World(label, version, sources)


def provider_decorators(wheel: Path) -> Dict[str, str]:
    """``task-decorators`` of a provider's ``get_provider_info()``: flavour -> import path."""
    found = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.endswith("/get_provider_info.py"):
                continue
            tree = ast.parse(archive.read(name).decode("utf-8", "replace"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
                    try:
                        info = ast.literal_eval(node.value)
                    except ValueError:
                        continue
                    for entry in info.get("task-decorators", []):
                        found[entry["name"]] = entry["class-name"]
    return found


def core_decorators(world: ks.World, module: str) -> Dict[str, str]:
    """Flavours defined on Airflow's own ``TaskDecoratorCollection``."""
    found = {}
    mod = world.module(module)
    if mod is None:
        return found
    for stmt in mod.tree.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "TaskDecoratorCollection":
            for item in stmt.body:
                if isinstance(item, (ast.Assign, ast.AnnAssign)):
                    target = item.targets[0] if isinstance(item, ast.Assign) else item.target
                    value = item.value
                    if isinstance(value, ast.Call) and value.args:
                        value = value.args[0]  # staticmethod(python_task)
                    if isinstance(target, ast.Name) and isinstance(value, ast.Name) and not target.id.startswith("_"):
                        found[target.id] = _decorator_path(world, module, value.id)
    return found


def _decorator_path(world: ks.World, module: str, name: str) -> str:
    mod = world.module(module)
    for binding in mod.bindings.get(name, []) if mod is not None else []:
        if binding.kind == "import":
            return f"{binding.module}.{binding.name}"
    return f"{module}.{name}"


# ----------------------------------------------------------------------------- merge


def merge_pushes(values: List[str]) -> str:
    kinds = set(values)
    if len(kinds) == 1:
        return values[0]
    if ks.PUSHES_UNKNOWN in kinds or ks.PUSHES_CALLABLE in kinds:
        return ks.PUSHES_UNKNOWN
    if ks.PUSHES_RETURN in kinds:
        return ks.PUSHES_RETURN
    return ks.PUSHES_OPT_IN  # opt-in in one world, nothing in the other


def merge(facts: List[ks.Facts]) -> ks.Facts:
    """One record from the facts of each world a name exists in: unknown if
    unknown anywhere, template fields and keys united, "nothing" only if
    nothing everywhere."""
    fields: Optional[Tuple[str, ...]] = None
    if all(f.template_fields is not None for f in facts):
        fields = tuple(sorted({x for f in facts for x in f.template_fields}))
    return ks.Facts(
        fields,
        merge_pushes([f.pushes for f in facts]),
        tuple(sorted({k for f in facts for k in f.keys})),
        all(f.keys_known for f in facts),
        any(f.sensor for f in facts),
        any(f.pulls for f in facts),
    )


def world_facts(world: ks.World) -> Tuple[Dict[str, ks.ClassRef], Dict[ks.ClassRef, ks.Facts]]:
    classes = ks.operator_classes(world)
    names = dict(classes)
    names.update(ks.public_names(world))
    facts = {}
    for ref in set(names.values()):
        facts[ref] = ks.operator_facts(world, ref)
    return names, facts


def generate(wheels: Dict[str, Path], versions: Dict[str, str]) -> Dict[str, Any]:
    providers = [p for n, p in sorted(wheels.items()) if n.startswith("apache-airflow-providers-")]
    world2 = build_world("airflow2", _version(versions[AIRFLOW2]), [wheels[AIRFLOW2]] + providers)
    world3 = build_world("airflow3", _version(versions[AIRFLOW3[0]]), [wheels[n] for n in AIRFLOW3] + providers)
    per_world = []
    for world in (world3, world2):
        names, facts = world_facts(world)
        per_world.append((names, facts))
        print(f"{world.label}: {len(set(names.values()))} operator classes, {len(names)} names", file=sys.stderr)
    all_names = sorted(set(per_world[0][0]) | set(per_world[1][0]))
    fields_index: Dict[Tuple[str, ...], int] = {}
    records: Dict[Tuple[Any, ...], int] = {}
    names_out: Dict[str, int] = {}
    for name in all_names:
        refs = [(names[name], facts[names[name]]) for names, facts in per_world if name in names]
        merged = merge([f for _, f in refs])
        canonical = refs[0][0].qualified
        field_id = -1
        if merged.template_fields is not None:
            field_id = fields_index.setdefault(merged.template_fields, len(fields_index))
        key = (canonical, field_id, merged.pushes, merged.keys, merged.keys_known, merged.sensor, merged.pulls)
        names_out[name] = records.setdefault(key, len(records))
    operators = [None] * len(records)
    for key, index in records.items():
        operators[index] = [key[0], key[1], key[2], list(key[3]), int(key[4]), int(key[5]), int(key[6])]
    decorators: Dict[str, List[str]] = {}
    for source in (core_decorators(world2, "airflow.decorators"),
                   core_decorators(world3, "airflow.sdk.definitions.decorators"),
                   *[provider_decorators(p) for p in providers]):
        for flavour, path in source.items():
            decorators.setdefault(flavour, [])
            if path not in decorators[flavour]:
                decorators[flavour].append(path)
    return {
        "format": 1,
        "packages": dict(sorted(versions.items())),
        "fields": [list(f) for f, _ in sorted(fields_index.items(), key=lambda item: item[1])],
        "operators": operators,
        "names": names_out,
        "decorators": dict(sorted(decorators.items())),
    }


def _version(text: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=("generate", "pin"), default="generate")
    parser.add_argument("names", nargs="*", help="pin: the packages to pin or add (default: all in the lock file)")
    parser.add_argument("--wheelhouse", default=os.environ.get("XCOMLINT_WHEELHOUSE"),
                        help="where the wheels are kept between runs (default: a temporary directory)")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheelhouse = Path(args.wheelhouse or tmp)
        wheelhouse.mkdir(parents=True, exist_ok=True)
        if args.command == "pin":
            pin(args.names or [name for name, _, _ in read_lock()], wheelhouse)
            return 0
        wheels = download(wheelhouse)
        versions = {name: version for name, version, _ in read_lock()}
        data = generate(wheels, versions)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {output}: {len(data['operators'])} records, {len(data['names'])} names, "
          f"{output.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
