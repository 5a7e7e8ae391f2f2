#!/usr/bin/env python3
"""Round trip of ``xcomlint check --fix --unsafe-fixes`` on a copy of real DAG corpora.

    python scripts/fix_roundtrip.py CORPUS [CORPUS...] [--airflow-version 2|3] [--keep DIR]

Each corpus (a folder of DAG files) is copied to a temporary folder, which is
linted (JSON), fixed with ``--fix --unsafe-fixes`` through the command line,
then linted and fixed again. The corpus itself is never touched. Checked:

- every file that parsed before still parses (Python's parser and libcst);
- no finding appears that was not there before: a finding is matched by
  path, line, code, DAG and task (columns move when a fix inserts text); one
  that is new is listed, with the fix that preceded it on its line, if any;
- the re-run reports no finding that ``--fix --unsafe-fixes`` would fix;
- a second ``--fix --unsafe-fixes`` changes no file (idempotence);
- a file changed only if a finding in it had a fix.

Prints the figures (files, findings with a fix per rule before, fixes
applied, files changed) and exits 1 when a check fails. Not a test: the
corpora are not part of the repository.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent


def xcomlint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xcomlint", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=3600)


def findings(cwd: Path, version: str) -> List[dict]:
    result = xcomlint(cwd, ".", "--format", "json", "--exit-zero", "--airflow-version", version)
    if result.returncode != 0:
        raise SystemExit(f"linting failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)


def digests(folder: Path) -> Dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.py"))}


def parses(path: Path) -> bool:
    import libcst

    source = path.read_bytes()
    try:
        ast.parse(source)
        libcst.parse_module(source)
    except Exception:
        return False
    return True


def identity(finding: dict) -> Tuple:
    return (finding["path"], finding["line"], finding["code"], finding["dag_id"], finding["task_id"])


def round_trip(corpus: Path, version: str, keep: Path = None) -> bool:
    work = Path(tempfile.mkdtemp(prefix="xcomlint-fix-roundtrip-")) if keep is None else keep
    copy = work / corpus.name
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("*.tsv", "READY"))
    files = sorted(copy.rglob("*.py"))
    parsed_before = {p for p in files if parses(p)}
    before = findings(copy, version)
    original = digests(copy)
    fixable = Counter(f["code"] for f in before if f["fix"])
    by_applicability = Counter(f["fix"]["applicability"] for f in before if f["fix"])

    fixed = xcomlint(copy, ".", "--fix", "--unsafe-fixes", "--show-fixes", "--airflow-version", version)
    if fixed.returncode not in (0, 1):
        print(fixed.stderr)
        return False
    changed = {name for name, digest in digests(copy).items() if digest != original[name]}
    applied = Counter()
    for line in fixed.stderr.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "×":
            applied[parts[2]] += int(parts[0])

    ok = True
    broken = [p for p in parsed_before if not parses(p)]
    after = findings(copy, version)
    known = Counter(identity(f) for f in before)
    new = []
    for finding in after:
        key = identity(finding)
        if known[key]:
            known[key] -= 1
        else:
            new.append(finding)
    still_fixable = [f for f in after if f["fix"]]
    again = xcomlint(copy, ".", "--fix", "--unsafe-fixes", "--airflow-version", version)
    second_changes = {name for name, digest in digests(copy).items() if digest != original[name]} ^ changed
    with_fix = {str(Path(f["path"])) for f in before if f["fix"]}
    untouched_changed = sorted(changed - with_fix)

    print(f"== {corpus} (Airflow {version}) ==")
    print(f"files: {len(files)} ({len(parsed_before)} parse)")
    print(f"findings before: {len(before)}; with a fix: {sum(fixable.values())} "
          f"({by_applicability['safe']} safe, {by_applicability['unsafe']} unsafe)")
    for code in sorted(fixable):
        print(f"  {code}: {fixable[code]} with a fix, {applied.get(code, 0)} applied")
    print(f"fixes applied: {sum(applied.values())} in {len(changed)} files; exit code {fixed.returncode}")
    print(f"findings after: {len(after)}")
    print(f"files that parsed and no longer parse: {len(broken)}")
    print(f"new findings: {len(new)}")
    for finding in new:
        print(f"  {finding['path']}:{finding['line']}:{finding['column']}: {finding['code']} {finding['message']}")
    print(f"findings a re-run would still fix: {len(still_fixable)}")
    for finding in still_fixable:
        print(f"  {finding['path']}:{finding['line']}:{finding['column']}: {finding['code']} {finding['fix']['message']}")
    print(f"files a second --fix changed: {len(second_changes)} (exit code {again.returncode})")
    print(f"files changed without a finding with a fix: {len(untouched_changed)}")
    ok = not broken and not new and not still_fixable and not second_changes and not untouched_changed
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--airflow-version", default="3", choices=["2", "3"])
    parser.add_argument("--keep", type=Path, help="work in this (empty) folder and leave the fixed copy there")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    results = [round_trip(corpus.resolve(), args.airflow_version, args.keep) for corpus in args.corpora]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
