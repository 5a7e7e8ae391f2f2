#!/usr/bin/env python3
"""Run xcomlint over the real DAG corpus and report what it finds.

    python scripts/corpus_check.py [--corpus DIR] [--builder PATH] [--findings FILE]

Without --corpus, the corpus is built first with the shared builder script
(``build_pypi_corpus.sh``, found beside the repository as
``../shared/corpus/build_pypi_corpus.sh`` unless --builder says otherwise).
Prints the number of files, findings per rule for Airflow 3 and 2, crashes
(internal errors) and time. Exits 1 when any file crashed, so that the check
can gate a release.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xcomlint.engine import lint_paths  # noqa: E402
from xcomlint.rules import all_rules  # noqa: E402
from xcomlint.settings import Settings, select_codes  # noqa: E402


def build_corpus(builder: Path, target: Path) -> None:
    print(f"building the corpus with {builder.name} ...", file=sys.stderr)
    subprocess.run(["bash", str(builder), str(target)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="an already built corpus directory")
    parser.add_argument("--builder", type=Path, default=ROOT.parent / "shared" / "corpus" / "build_pypi_corpus.sh")
    parser.add_argument("--findings", type=Path, help="write every finding (Airflow 3) to this JSON file")
    args = parser.parse_args()

    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="xcomlint-corpus-"))
        build_corpus(args.builder, corpus)
    files = sorted(str(p) for p in corpus.glob("*.py"))
    defaults = {rule.code: rule.default for rule in all_rules()}
    crashed = False
    for version in (3, 2):
        settings = Settings(selected=select_codes(defaults), airflow_version=version)
        start = time.perf_counter()
        run = lint_paths(files, settings, jobs=1)
        elapsed = time.perf_counter() - start
        counts = Counter(f.code for f in run.findings)
        print(f"Airflow {version}: {len(run.files)} files, {len(run.findings)} findings, "
              f"{len(run.errors)} internal errors, {elapsed:.2f} s")
        for code in sorted(counts):
            print(f"  {code}  {counts[code]:4d}")
        for error in run.errors:
            crashed = True
            print(f"  CRASH {error.path}: {error.rule or 'model'}: {error.message}")
        if version == 3 and args.findings:
            args.findings.write_text(json.dumps([f.to_dict() for f in run.findings], indent=1))
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
