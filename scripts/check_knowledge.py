"""Check the generated operator knowledge against the imported classes.

Run it with the Python of a throwaway virtual environment, outside the
repository, that has Airflow 3 and the providers of the lock file installed::

    python3 -m venv /tmp/knowledge-check
    /tmp/knowledge-check/bin/pip install apache-airflow==3.3.2 \\
        apache-airflow-providers-amazon==<the lock's version> ...
    /tmp/knowledge-check/bin/python scripts/check_knowledge.py [PROVIDER ...]

For every operator class the providers define (every module that imports
cleanly), it compares the class's ``template_fields``, whether it is a
sensor, and its presence with ``xcomlint/data/operators.json`` (read as a
file: xcomlint need not be installed there). It prints the agreement per
provider and every disagreement; the exit status is 1 when there is one.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List, Tuple

DATA = Path(__file__).resolve().parent.parent / "xcomlint" / "data" / "operators.json"
PROVIDERS = [
    "standard", "common.sql", "amazon", "google", "microsoft.azure", "cncf.kubernetes", "databricks",
    "snowflake", "http", "ssh", "docker", "dbt.cloud", "postgres", "mysql", "slack", "sftp",
]


def provider_classes(provider: str) -> Tuple[List[Tuple[str, type]], List[str]]:
    """(qualified name, class) of each operator class defined in the provider,
    and the modules that did not import."""
    from airflow.sdk import BaseOperator

    package = importlib.import_module(f"airflow.providers.{provider}")
    found, failed = [], []
    walk = pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=lambda name: failed.append(name))
    for info in walk:
        name = info.name
        if any(part in ("tests", "example_dags") for part in name.split(".")):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 - any failure means "does not import cleanly"
            failed.append(f"{name} ({type(exc).__name__})")
            continue
        for attr, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == name and issubclass(value, BaseOperator):
                found.append((f"{name}.{value.__qualname__}", value))
    return found, failed


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("providers", nargs="*", default=PROVIDERS)
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args(argv)
    from airflow.sdk import BaseSensorOperator

    data = json.loads(Path(args.data).read_text())
    fields = data["fields"]
    total: Dict[str, int] = {"compared": 0, "equal": 0, "unknown": 0, "different": 0, "missing": 0}
    problems = 0
    print(f"{'provider':<18}{'classes':>8}{'equal':>7}{'unknown':>8}{'differ':>7}{'missing':>8}{'sensor':>7}")
    for provider in args.providers:
        classes, failed = provider_classes(provider)
        counts = {"compared": 0, "equal": 0, "unknown": 0, "different": 0, "missing": 0, "sensor": 0}
        notes: List[str] = []
        for qualified, cls in sorted(classes, key=lambda item: item[0]):
            index = data["names"].get(qualified)
            if index is None:
                counts["missing"] += 1
                notes.append(f"  missing   {qualified}")
                continue
            record = data["operators"][index]
            counts["compared"] += 1
            real = getattr(cls, "template_fields", ())
            real_set = {real} if isinstance(real, str) else (
                set(real) if isinstance(real, (list, tuple, set, frozenset)) else None)
            if record[1] < 0:
                counts["unknown"] += 1
                notes.append(f"  unknown   {qualified}: real {sorted(real_set) if real_set is not None else real!r}")
            elif real_set == set(fields[record[1]]):
                counts["equal"] += 1
            else:
                counts["different"] += 1
                got = set(fields[record[1]])
                notes.append(f"  differ    {qualified}: generated-only {sorted(got - (real_set or set()))}, "
                             f"real-only {sorted((real_set or set()) - got)}")
            if bool(record[5]) != issubclass(cls, BaseSensorOperator):
                counts["sensor"] += 1
                notes.append(f"  sensor    {qualified}: generated {bool(record[5])}")
        for key in total:
            total[key] += counts[key]
        problems += counts["different"] + counts["missing"] + counts["sensor"]
        print(f"{provider:<18}{len(classes):>8}{counts['equal']:>7}{counts['unknown']:>8}{counts['different']:>7}"
              f"{counts['missing']:>8}{counts['sensor']:>7}")
        for note in notes:
            print(note)
        for name in failed:
            print(f"  not imported: {name}")
    print(f"total: {total['compared']} compared, {total['equal']} equal, {total['unknown']} unknown, "
          f"{total['different']} different, {total['missing']} missing")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
